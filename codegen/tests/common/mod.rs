//! Shared helpers for tests that run real PHP and Smarty.

#![allow(dead_code)] // each test file uses a different part

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Whether `php` runs here. Under `CI` a missing `php` fails the test instead of skipping
/// it (`.ci/run` installs it); locally the test prints why it did nothing.
pub fn php_available(test: &str) -> bool {
    let found = Command::new("php")
        .arg("-v")
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        assert!(
            std::env::var_os("CI").is_none(),
            "{test}: php is not installed but CI is set; .ci/run must apt-get install php-cli"
        );
        eprintln!("{test}: skipped, php is not installed (apt-get install php-cli)");
    }
    found
}

/// Runs `php` with the given arguments.
pub fn php(args: &[&str]) -> Output {
    Command::new("php").args(args).output().expect("php runs")
}

/// The committed module folder.
pub fn module_dir() -> PathBuf {
    codegen::default_output_dir().join(codegen::files::MODULE_DIR)
}

/// Every file under `dir` with the extension `ext`.
pub fn files_with_extension(dir: &Path, ext: &str) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).expect("module dir is readable") {
            let path = entry.expect("dir entry").path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == ext) {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// A fresh temporary directory under the target dir.
pub fn temp_dir(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}
