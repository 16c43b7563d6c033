//! Shared helpers for tests that run real PHP and Smarty.

#![allow(dead_code)] // each test file uses a different part

mod php_command;

#[allow(unused_imports)] // each test file uses a different part
pub use php_command::{
    php_available, php_command, php_label, report_third_party, take_third_party, third_party,
};
use std::path::{Path, PathBuf};
use std::process::Output;

/// Runs the chosen PHP (`FLVX_PHP`, or `php`) with the given arguments; third-party
/// notices are taken out of its stderr and reported (see [`php_command`]).
pub fn php(args: &[&str]) -> Output {
    let (out, notices) = php_with_env(args, &[]);
    report_third_party(&notices);
    out
}

/// Like [`php`], with extra environment variables, and the third-party notices returned
/// instead of reported.
pub fn php_with_env(args: &[&str], env: &[(&str, &str)]) -> (Output, Vec<String>) {
    let mut out = php_command()
        .args(args)
        .envs(env.iter().copied())
        .output()
        .expect("php runs");
    let notices = take_third_party(&mut out);
    (out, notices)
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
