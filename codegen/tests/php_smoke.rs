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
