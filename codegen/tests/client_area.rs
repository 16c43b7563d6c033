//! The client area as customers see it: rendered by the module (tests/php/pages.php) in
//! ten states and both languages, then (1) its Chinese pages checked for English words
//! outside names and addresses, and (2) shown in a real headless Chromium inside page
//! frames built like WHMCS's Six (Bootstrap 3.4.1, the Manage tab's `text-center`
//! wrappers) and Twenty-One (Bootstrap 4.6.2 cards), at 1366 and 390 px, with asserts run
//! in the page: nothing of the module overflows its card, at 390 px every button is inside
//! the viewport, the status badges differ in colour, usage and badge text has a contrast of
//! at least 4.5:1, the module's text is left-aligned, and no console error occurs; the
//! traffic charts fit their card at a readable width, every bar lies inside its drawing
//! and carries its value as a title, bars and the quota line stand out from the card
//! (3:1) and the chart texts read at 4.5:1.
//! Screenshots go to `target/client-area/screenshots/` for a reviewer.
//!
//! Bootstrap comes from the npm registry at pinned versions (`npm pack`, into
//! `target/client-area/npm/`, never committed, no CDN). Chromium is Debian's `chromium`
//! (`FLVX_CHROMIUM` overrides), installed by `.ci/run`; under `CI` a missing Chromium, npm
//! or PHP fails the test instead of skipping it.

mod common;

use flvx_provision::messages::english_words;
use std::path::{Path, PathBuf};
use std::process::Command;

const BOOTSTRAPS: [(&str, &str); 2] = [("six", "3.4.1"), ("twentyone", "4.6.2")];
const WIDTHS: [u32; 2] = [1366, 390];

fn script(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/php")
        .join(name)
}

/// `target/client-area`, kept between runs (the npm downloads) but not committed.
fn work_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .expect("target dir")
        .join("client-area");
    std::fs::create_dir_all(&dir).expect("client-area dir");
    dir
}

/// Skips locally, fails under CI.
fn missing(test: &str, what: &str) {
    assert!(
        std::env::var_os("CI").is_none(),
        "{test}: {what}, but CI is set (.ci/run installs it)"
    );
    eprintln!("{test}: skipped, {what}");
}

/// Renders the pages into a fresh directory; `None` when PHP or Smarty is missing here.
fn render_pages(test: &str) -> Option<PathBuf> {
    if !common::php_available(test) {
        return None;
    }
    let bootstrap = [
        "/usr/share/php/smarty4/bootstrap.php",
        "/usr/share/php/smarty3/Smarty.class.php",
    ]
    .into_iter()
    .find(|p| Path::new(p).exists());
    let Some(bootstrap) = bootstrap else {
        missing(test, "neither smarty4 nor smarty3 is installed");
        return None;
    };
    let out = common::temp_dir(&format!("{test}-pages"));
    let compile = common::temp_dir(&format!("{test}-compiled"));
    let run = common::php(&[
        script("pages.php").to_str().unwrap(),
        common::module_dir().to_str().unwrap(),
        bootstrap,
        &format!("{}/", compile.display()),
        out.to_str().unwrap(),
    ]);
    assert!(
        run.status.success() && String::from_utf8_lossy(&run.stdout).contains("PAGES OK"),
        "pages.php failed:\n{}\n{}",
        String::from_utf8_lossy(&run.stdout),
        String::from_utf8_lossy(&run.stderr)
    );
    Some(out)
}

fn pages(dir: &Path) -> Vec<(String, String)> {
    let mut pages: Vec<(String, String)> = common::files_with_extension(dir, "html")
        .into_iter()
        .map(|p| {
            let name = p.file_stem().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read_to_string(&p).expect("page"))
        })
        .collect();
    pages.sort();
    assert_eq!(pages.len(), 20, "ten states in two languages");
    for (name, html) in &pages {
        let bars = html.matches("<g class=\"flvx-chart-bar").count();
        let state = name
            .rsplit_once('-')
            .map_or(name.as_str(), |(state, _)| state);
        // Hours + days as pages.php fills them: 6 days of "many" have no sample.
        let expected = match state {
            "active" | "nearly-used" | "unlimited" => 24 + 30,
            "many" => 5 + 24,
            "suspended" => 12,
            "expired" => 20,
            "over-quota" => 30,
            "hostile" => 5 + 1,
            _ => 0,
        };
        assert_eq!(bars, expected, "{name}: chart bars");
    }
    pages
}

/// What a reader sees: the text outside tags, `<style>` and comments, and the attributes
/// shown as text (labels the phone layout prints, confirmations, placeholders, titles).
fn visible_text(html: &str) -> String {
    let mut text = String::new();
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        text.push_str(&rest[..start]);
        text.push(' ');
        rest = &rest[start..];
        if let Some(after) = rest.strip_prefix("<style") {
            rest = after.split_once("</style>").map_or("", |(_, r)| r);
            continue;
        }
        let end = rest.find('>').map_or(rest.len(), |e| e + 1);
        let tag = &rest[..end];
        for attribute in [
            "data-label",
            "data-confirm",
            "placeholder",
            "aria-label",
            "title",
        ] {
            let key = format!(" {attribute}=\"");
            if let Some((_, value)) = tag.split_once(&key) {
                text.push_str(value.split('"').next().unwrap_or(""));
                text.push(' ');
            }
        }
        rest = &rest[end..];
    }
    text.push_str(rest);
    text.replace("&quot;", "\"")
        .replace("&#039;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&middot;", " ")
        .replace("&amp;", "&")
}

#[test]
fn chinese_pages_hold_no_english_words() {
    let Some(dir) = render_pages("chinese_pages_hold_no_english_words") else {
        return;
    };
    let names: Vec<String> =
        serde_json::from_str(&std::fs::read_to_string(dir.join("names.json")).unwrap()).unwrap();
    let mut names: Vec<&str> = names.iter().map(String::as_str).collect();
    // Longest first, so a name inside another goes with it.
    names.sort_by_key(|n| std::cmp::Reverse(n.len()));
    let mut found = Vec::new();
    for (page, html) in pages(&dir) {
        let mut text = visible_text(&html);
        for name in &names {
            text = text.replace(name, " ");
        }
        let words = english_words(&text);
        if page.ends_with("-chinese") && !words.is_empty() {
            found.push(format!("{page}: {words:?}"));
        }
        if page.ends_with("-english") {
            // The check can fail: the same page in English is full of English words.
            assert!(words.len() > 10, "{page}: the English page reads {words:?}");
        }
    }
    assert!(
        found.is_empty(),
        "English in Chinese pages:\n{}",
        found.join("\n")
    );
}

fn chromium() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("FLVX_CHROMIUM") {
        return Some(PathBuf::from(path));
    }
    ["chromium", "chromium-browser"]
        .into_iter()
        .find_map(|name| {
            let ok = Command::new(name)
                .arg("--version")
                .output()
                .is_ok_and(|o| o.status.success());
            ok.then(|| PathBuf::from(name))
        })
}

/// `bootstrap.min.css` of a pinned version, from the npm registry by `npm pack` (the
/// tarball alone: no dependencies, no scripts), kept under `target/client-area/npm/`.
fn bootstrap_css(version: &str) -> Result<PathBuf, String> {
    let dir = work_dir().join("npm").join(format!("bootstrap-{version}"));
    let css = dir.join("package/dist/css/bootstrap.min.css");
    if css.exists() {
        return Ok(css);
    }
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let pack = Command::new("npm")
        .args([
            "pack",
            &format!("bootstrap@{version}"),
            "--silent",
            "--pack-destination",
        ])
        .arg(&dir)
        .output()
        .map_err(|e| format!("npm does not run: {e}"))?;
    if !pack.status.success() {
        return Err(format!(
            "npm pack bootstrap@{version} failed: {}",
            String::from_utf8_lossy(&pack.stderr)
        ));
    }
    let tarball = dir.join(format!("bootstrap-{version}.tgz"));
    let untar = Command::new("tar")
        .arg("-xzf")
        .arg(&tarball)
        .arg("-C")
        .arg(&dir)
        .arg("package/dist/css/bootstrap.min.css")
        .status()
        .map_err(|e| e.to_string())?;
    if !untar.success() || !css.exists() {
        return Err(format!(
            "{} holds no dist/css/bootstrap.min.css",
            tarball.display()
        ));
    }
    Ok(css)
}

/// A product details page built like the theme's: the module's HTML where WHMCS puts
/// `$moduleclientarea`, inside the theme's `text-center module-client-area` wrapper.
fn frame(theme: &str, css: &Path, module: &str, probe: &str) -> String {
    let css = css.display();
    let body = match theme {
        // Six (templates/six/clientareaproductdetails.tpl): a sidebar and the main column,
        // the Overview tab centred, and the module output in a centred wrapper below it.
        "six" => format!(
            r##"<section id="main-body"><div class="container"><div class="row">
<div class="col-md-3 pull-md-left sidebar"><div class="panel panel-sidebar"><div class="panel-heading"><h3 class="panel-title">Actions</h3></div><div class="list-group"><a class="list-group-item" href="#">Overview</a></div></div></div>
<div class="col-md-9 pull-md-right main-content">
<div class="header-lined"><h1>FLVX Forwarding</h1></div>
<div class="tab-content margin-bottom"><div class="tab-pane fade in active text-center" id="tabOverview">
<div class="product-details clearfix"><div class="row"><div class="col-md-6"><div class="product-status product-status-active"><div class="product-icon text-center"><h3>FLVX Forwarding</h3><h4>Forwarding</h4></div><div class="product-status-text">Active</div></div></div>
<div class="col-md-6 text-center"><h4>Next Due Date</h4>01/02/2027<h4>Billing Cycle</h4>Monthly</div></div></div>
<div class="text-center module-client-area">{module}</div>
</div></div></div></div></div></section>"##
        ),
        // Twenty-One (templates/twenty-one/clientareaproductdetails.tpl): cards, the
        // product card's body, the module output in a centred wrapper.
        _ => format!(
            r##"<section id="main-body"><div class="container"><div class="row">
<div class="col-lg-4 col-xl-3"><div class="sidebar"><div class="card card-sidebar"><div class="card-header"><h3 class="card-title m-0">Actions</h3></div><div class="list-group list-group-flush"><a class="list-group-item" href="#">Overview</a></div></div></div></div>
<div class="col-lg-8 col-xl-9 primary-content">
<div class="tab-content margin-bottom"><div class="tab-pane fade show active" id="tabOverview">
<div class="card"><div class="card-body"><div class="product-details clearfix"><div class="row">
<div class="col-md-6"><div class="product-status product-status-active"><div class="product-icon text-center"><h3>FLVX Forwarding</h3><h4>Forwarding</h4></div><div class="product-status-text">Active</div></div></div>
<div class="col-md-6 text-center"><h4>Next Due Date</h4>01/02/2027<h4>Billing Cycle</h4>Monthly</div></div></div>
<div class="text-center module-client-area">{module}</div>
</div></div></div></div></div></div></div></section>"##
        ),
    };
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
<link rel=\"stylesheet\" href=\"file://{css}\"><title>{theme}</title></head>\
<body>{body}<script>{probe}</script></body></html>\n"
    )
}

/// Runs in the page after load and logs one `FLVX-RESULT {json}` line.
const PROBE: &str = r#"
(function () {
  var errors = [];
  window.addEventListener('error', function (e) { errors.push(String(e.message)); });
  function rgb(text) {
    var m = text.match(/rgba?\(([^)]+)\)/);
    if (!m) return null;
    var p = m[1].split(',').map(function (x) { return parseFloat(x); });
    return { r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1 };
  }
  function background(el) {
    for (; el; el = el.parentElement) {
      var c = rgb(getComputedStyle(el).backgroundColor);
      if (c && c.a > 0.5) return c;
    }
    return { r: 255, g: 255, b: 255, a: 1 };
  }
  function luminance(c) {
    var f = function (v) { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b);
  }
  function contrast(el) {
    var a = luminance(rgb(getComputedStyle(el).color)), b = luminance(background(el));
    return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
  }
  function label(el) {
    return el.tagName.toLowerCase() + (el.className ? '.' + String(el.className).split(' ').join('.') : '') + ' "' + (el.textContent || '').trim().slice(0, 40) + '"';
  }
  // The traffic charts: each drawing at least 240 px wide (a bar per 10 px at 24 slots),
  // inside its card, every bar inside its drawing with a non-empty title, and the bars and
  // quota line at 3:1 against the card (graphics, WCAG 1.4.11). Returns how many bars.
  function checkCharts(root, problems) {
    var bars = 0;
    Array.prototype.forEach.call(root.querySelectorAll('svg.flvx-chart-svg'), function (svg) {
      var box = svg.getBoundingClientRect();
      if (box.width < 240 || box.height < 100) problems.push('chart too small: ' + Math.round(box.width) + 'x' + Math.round(box.height));
      var back = background(svg);
      Array.prototype.forEach.call(svg.querySelectorAll('.flvx-chart-bar'), function (g) {
        bars++;
        var title = g.querySelector('title');
        if (!title || !title.textContent.trim()) problems.push('a chart bar without a value title');
        var fill = g.querySelector('.flvx-chart-fill'), r = fill.getBoundingClientRect();
        if (r.left < box.left - 0.5 || r.right > box.right + 0.5 || r.top < box.top - 0.5 || r.bottom > box.bottom + 0.5) problems.push('a chart bar outside its drawing: ' + title.textContent);
        var c = rgb(getComputedStyle(fill).fill);
        if (c && ratio(c, back) < 3) problems.push('chart bar contrast ' + ratio(c, back).toFixed(2) + ':1');
      });
      Array.prototype.forEach.call(svg.querySelectorAll('.flvx-chart-quota'), function (line) {
        var c = rgb(getComputedStyle(line).stroke);
        if (!c || ratio(c, back) < 3) problems.push('quota line contrast too low');
      });
    });
    return bars;
  }
  function ratio(a, b) {
    var x = luminance(a), y = luminance(b);
    return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05);
  }
  window.addEventListener('load', function () {
    var problems = [];
    var charts = 0;
    var root = document.querySelector('.flvx-service');
    if (!root) problems.push('no .flvx-service');
    var width = window.innerWidth;
    var cards = root ? root.querySelectorAll('.flvx-card, .alert') : [];
    Array.prototype.forEach.call(cards, function (card) {
      var box = card.getBoundingClientRect();
      if (card.scrollWidth > card.clientWidth + 1) problems.push('scrolls sideways: ' + label(card));
      Array.prototype.forEach.call(card.querySelectorAll('*'), function (el) {
        var r = el.getBoundingClientRect();
        if (r.width === 0 && r.height === 0) return;
        if (r.right > box.right + 1 || r.left < box.left - 1) problems.push('outside its card: ' + label(el));
      });
    });
    if (root) {
      var wrapper = root.parentElement.getBoundingClientRect(), own = root.getBoundingClientRect();
      if (own.right > wrapper.right + 1 || own.left < wrapper.left - 1) problems.push('the module overflows the theme column');
      if (document.documentElement.scrollWidth > width + 1) problems.push('the page scrolls sideways: ' + document.documentElement.scrollWidth + ' > ' + width);
      Array.prototype.forEach.call(root.querySelectorAll('.btn, button'), function (el) {
        var r = el.getBoundingClientRect();
        if (width < 500 && (r.left < 0 || r.right > width)) problems.push('button outside the viewport: ' + label(el));
      });
      var colours = {};
      Array.prototype.forEach.call(root.querySelectorAll('.flvx-badge'), function (el) {
        colours[String(el.className)] = getComputedStyle(el).backgroundColor;
      });
      var seen = {};
      Object.keys(colours).forEach(function (k) {
        if (seen[colours[k]]) problems.push('badges ' + seen[colours[k]] + ' and ' + k + ' share ' + colours[k]);
        seen[colours[k]] = k;
      });
      Array.prototype.forEach.call(root.querySelectorAll('.flvx-usage, .flvx-usage-meta, .flvx-badge, .flvx-note'), function (el) {
        var c = contrast(el);
        if (c < 4.5) problems.push('contrast ' + c.toFixed(2) + ':1 for ' + label(el));
      });
      Array.prototype.forEach.call(root.querySelectorAll('.flvx-chart figcaption, .flvx-chart-scale, .flvx-chart-dates, .flvx-chart-legend'), function (el) {
        var c = contrast(el);
        if (c < 4.5) problems.push('contrast ' + c.toFixed(2) + ':1 for ' + label(el));
      });
      charts = checkCharts(root, problems);
      Array.prototype.forEach.call(root.querySelectorAll('dt, dd, td, th, label, p, .help-block, .form-text, h3, h4'), function (el) {
        var align = getComputedStyle(el).textAlign;
        if (align !== 'left' && align !== 'start') problems.push(align + '-aligned: ' + label(el));
      });
    }
    console.log('FLVX-RESULT ' + JSON.stringify({ problems: problems.slice(0, 20), errors: errors,
      badges: colours, width: width, charts: charts }));
  });
})();
"#;

/// What one Chromium run saw: the probe's JSON and the other console lines.
struct Seen {
    result: Option<serde_json::Value>,
    console: Vec<String>,
}

fn run_chromium(chromium: &Path, page: &Path, shot: &Path, width: u32, scratch: &Path) -> Seen {
    // Headless Chromium keeps its window at least 500 px wide: the phone width is an
    // iframe of that width, whose viewport the page's media queries and asserts see.
    let outer = page.with_extension("outer.html");
    std::fs::write(
        &outer,
        format!(
            "<!DOCTYPE html><html><body style=\"margin:0\"><iframe src=\"file://{}\" \
             style=\"width:{width}px;height:2400px;border:0;display:block\"></iframe></body></html>",
            page.display()
        ),
    )
    .unwrap();
    let profile = scratch.join(format!(
        "profile-{}",
        shot.file_stem().unwrap().to_string_lossy()
    ));
    let _ = std::fs::remove_dir_all(&profile);
    let out = Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
            "--enable-logging=stderr",
            "--v=0",
            "--allow-file-access-from-files",
            "--virtual-time-budget=3000",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(format!("--window-size={},2400", width.max(500)))
        .arg(format!("--screenshot={}", shot.display()))
        .arg(format!("file://{}", outer.display()))
        .output()
        .expect("chromium runs");
    let _ = std::fs::remove_dir_all(&profile);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let mut seen = Seen {
        result: None,
        console: Vec::new(),
    };
    for line in stderr.lines().filter(|l| l.contains(":CONSOLE")) {
        match line.split_once("\"FLVX-RESULT ") {
            Some((_, rest)) => {
                let json = rest.rsplit_once("\", source:").map_or(rest, |(j, _)| j);
                seen.result = serde_json::from_str(json).ok();
            }
            None => seen.console.push(line.to_owned()),
        }
    }
    seen
}

#[test]
fn client_area_in_real_chromium() {
    let test = "client_area_in_real_chromium";
    let Some(chromium) = chromium() else {
        missing(test, "Chromium is not installed (apt-get install chromium)");
        return;
    };
    let mut css = Vec::new();
    for (theme, version) in BOOTSTRAPS {
        match bootstrap_css(version) {
            Ok(path) => css.push((theme, path)),
            Err(why) => {
                missing(test, &why);
                return;
            }
        }
    }
    let Some(dir) = render_pages(test) else {
        return;
    };
    let shots = work_dir().join("screenshots");
    let _ = std::fs::remove_dir_all(&shots);
    std::fs::create_dir_all(&shots).unwrap();
    let scratch = common::temp_dir("client-area-chromium");
    let mut failures = Vec::new();
    let mut runs = 0;
    for (page, html) in pages(&dir) {
        for (theme, css) in &css {
            let framed = scratch.join(format!("{theme}-{page}.html"));
            std::fs::write(&framed, frame(theme, css, &html, PROBE)).unwrap();
            for width in WIDTHS {
                let shot = shots.join(format!("{theme}-{width}-{page}.png"));
                let seen = run_chromium(&chromium, &framed, &shot, width, &scratch);
                runs += 1;
                let at = format!("{theme} {width}px {page}");
                if !shot.exists() {
                    failures.push(format!("{at}: no screenshot"));
                }
                for line in &seen.console {
                    failures.push(format!("{at}: console: {line}"));
                }
                match &seen.result {
                    None => failures.push(format!("{at}: the probe did not report")),
                    Some(result) => {
                        if result["width"] != width {
                            failures.push(format!("{at}: viewport {} px", result["width"]));
                        }
                        for key in ["problems", "errors"] {
                            for problem in result[key].as_array().into_iter().flatten() {
                                failures.push(format!("{at}: {problem}"));
                            }
                        }
                    }
                }
            }
        }
    }
    eprintln!("{runs} Chromium runs; screenshots in {}", shots.display());
    assert!(
        failures.is_empty(),
        "{} problems:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
