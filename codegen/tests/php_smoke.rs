//! Runs the generated module under real `php` and a hand-written WHMCS stub harness
//! (`tests/php/bootstrap.php`: the WHMCS constant, logModuleCall capture, add_hook,
//! localAPI, and `WHMCS\Database\Capsule` as Illuminate's Capsule over in-memory SQLite),
//! with E_ALL and every warning, notice or deprecation turned into a failure.

mod common;

use std::path::{Path, PathBuf};

fn script(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/php")
        .join(name)
}

fn assert_ran(what: &str, out: &std::process::Output, marker: &str) {
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success() && stdout.contains(marker),
        "{what} failed ({}):\n{stdout}\n{stderr}",
        out.status
    );
}

/// Every module function exists, MetaData and ConfigOptions have the WHMCS shape, and
/// CreateAccount with bad option values returns a message naming the option without
/// sending (or logging) a single request.
#[test]
fn module_loads_clean_and_rejects_bad_options_before_any_request() {
    if !common::php_available("module_loads_clean_and_rejects_bad_options_before_any_request") {
        return;
    }
    let module = common::module_dir();
    let out = common::php(&[
        script("smoke.php").to_str().unwrap(),
        module.to_str().unwrap(),
    ]);
    assert_ran("smoke.php", &out, "SMOKE OK");
}

/// The client-area and error templates render with Smarty 3.1 and 4 from the module's own
/// view code, print every hostile value escaped, carry the CSRF token, and show the
/// add-forward form only when the customer may add one.
#[test]
fn templates_render_escaped_with_smarty_3_and_4() {
    if !common::php_available("templates_render_escaped_with_smarty_3_and_4") {
        return;
    }
    let smarties = [
        ("smarty3", "/usr/share/php/smarty3/Smarty.class.php"),
        ("smarty4", "/usr/share/php/smarty4/bootstrap.php"),
    ];
    let module = common::module_dir();
    for (name, bootstrap) in smarties {
        if !Path::new(bootstrap).exists() {
            assert!(
                std::env::var_os("CI").is_none(),
                "{name} missing under CI: apt-get install {name}"
            );
            eprintln!("{name} not installed; skipped");
            continue;
        }
        let compile_dir = common::temp_dir(&format!("php-smoke-render-{name}"));
        let out = common::php(&[
            script("render.php").to_str().unwrap(),
            module.to_str().unwrap(),
            bootstrap,
            &format!("{}/", compile_dir.display()),
        ]);
        assert_ran(&format!("render.php with {name}"), &out, "RENDER OK");
    }
}

/// A module in the WHMCS layout and a "library" in a third-party folder, each raising a
/// deprecation and a notice (PHP 7.4) or warning (PHP 8): the harness fails on the module's,
/// naming it, and reports the library's as third-party notices while the run goes on.
#[test]
fn a_notice_in_the_module_fails_and_one_in_a_library_is_reported() {
    if !common::php_available("a_notice_in_the_module_fails_and_one_in_a_library_is_reported") {
        return;
    }
    let root = common::temp_dir("php-notices");
    let module = root.join("modules/servers/flvx");
    let vendor = root.join("vendor");
    std::fs::create_dir_all(&module).unwrap();
    std::fs::create_dir_all(&vendor).unwrap();
    let probe = |prefix: &str| {
        format!(
            "<?php\nfunction {prefix}_deprecation() {{ trigger_error('{prefix} deprecation', E_USER_DEPRECATED); return 'went on'; }}\n\
             function {prefix}_notice() {{ $a = array(); return $a['missing'] ?? 'went on'; }}\n\
             function {prefix}_undefined() {{ $a = array(); $b = $a['missing']; return 'went on'; }}\n"
        )
    };
    std::fs::write(module.join("probe.php"), probe("module")).unwrap();
    std::fs::write(vendor.join("lib.php"), probe("library")).unwrap();
    let script = format!(
        r#"require '{bootstrap}';
require '{module}/probe.php';
require '{vendor}/lib.php';
$results = array();
foreach (array_slice($argv, 1) as $function) {{
    try {{
        $results[] = $function();
    }} catch (Throwable $e) {{
        $results[] = 'threw ' . get_class($e);
    }}
}}
echo json_encode(array('results' => $results, 'diagnostics' => $GLOBALS['flvx_test_diagnostics']));"#,
        bootstrap = script("bootstrap.php").display(),
        module = module.display(),
        vendor = vendor.display(),
    );
    let env = [("FLVX_TEST_THIRD_PARTY", vendor.to_str().unwrap())];
    let run = |functions: &[&str]| {
        let mut args = vec!["-r", &script];
        args.extend_from_slice(functions);
        let (out, notices) = common::php_with_env(&args, &env);
        let stdout = String::from_utf8_lossy(&out.stdout);
        let answer: serde_json::Value = serde_json::from_str(stdout.trim()).unwrap_or_else(|e| {
            panic!(
                "no JSON ({e}): {stdout} {}",
                String::from_utf8_lossy(&out.stderr)
            )
        });
        assert!(
            out.status.success() && out.stderr.is_empty(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        (answer, notices)
    };

    // The module's: each one throws, and is recorded as the module's.
    let (answer, notices) = run(&["module_deprecation", "module_undefined", "module_notice"]);
    assert_eq!(
        answer["results"],
        serde_json::json!(["threw ErrorException", "threw ErrorException", "went on"]),
        "{answer}"
    );
    let diagnostics: Vec<&str> = answer["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|d| d.as_str())
        .collect();
    assert_eq!(diagnostics.len(), 2, "{diagnostics:?}");
    assert!(
        diagnostics[0].starts_with("[module] User deprecated: module deprecation at ")
            && diagnostics[0].contains("probe.php:2"),
        "{diagnostics:?}"
    );
    assert!(
        diagnostics[1].starts_with("[module] Notice: Undefined index: missing")
            || diagnostics[1].starts_with("[module] Warning: Undefined array key \"missing\""),
        "{diagnostics:?}"
    );
    assert!(
        !notices.iter().any(|n| n.contains("probe.php")),
        "{notices:?}"
    );

    // The library's: reported, once each, and the run goes on.
    let (answer, notices) = run(&[
        "library_deprecation",
        "library_undefined",
        "library_deprecation",
    ]);
    assert_eq!(
        answer["results"],
        serde_json::json!(["went on", "went on", "went on"]),
        "{answer}"
    );
    assert_eq!(answer["diagnostics"], serde_json::json!([]), "{answer}");
    // (Illuminate, which the harness loads, adds its own on PHP 8.4.)
    let ours: Vec<&String> = notices.iter().filter(|n| n.contains("lib.php:")).collect();
    assert_eq!(ours.len(), 2, "{notices:?}");
    assert!(
        ours[0].starts_with("User deprecated: library deprecation at ")
            && ours[1].contains("missing"),
        "{notices:?}"
    );
}
