//! Which PHP the tests run, and what they do with the notices PHP raises in third-party code.
//!
//! The one setting is `FLVX_PHP`: a command line, split on whitespace, that stands for
//! `php` (for example `FLVX_PHP="$PWD/codegen/tests/php/php-wasm.sh 7.4"`, the WebAssembly
//! PHP 7.4 that `.ci/run` installs from npm). Without it the tests run Debian's `php`.
//!
//! The harness (`tests/php/bootstrap.php`) fails a run on any notice, warning or deprecation
//! raised in the module or in the harness, and reports one raised in a third-party library
//! (Illuminate, Smarty under `/usr/share/php/`) as a stderr line starting with
//! [`THIRD_PARTY_MARKER`]. [`third_party`] takes those lines out of a run's stderr, so a
//! clean run still has an empty stderr, and prints each distinct one once per test binary
//! as `third-party notice (LABEL): …`.

#![allow(dead_code)] // each test binary uses a different part

use std::collections::BTreeSet;
use std::io::Write;
use std::process::{Command, Output};
use std::sync::Mutex;

/// The start of a stderr line by which the harness reports a third-party notice.
pub const THIRD_PARTY_MARKER: &str = "flvx-third-party: ";

/// The program and leading arguments standing for `php`.
fn php_command_line() -> Vec<String> {
    match std::env::var("FLVX_PHP") {
        Ok(line) if !line.trim().is_empty() => line.split_whitespace().map(str::to_owned).collect(),
        _ => vec!["php".to_owned()],
    }
}

/// A `Command` running the chosen PHP; add the PHP arguments.
pub fn php_command() -> Command {
    let line = php_command_line();
    let mut command = Command::new(&line[0]);
    command.args(&line[1..]);
    command
}

/// The chosen PHP as the tests name it: `FLVX_PHP` with the program's folder left out
/// (`php-wasm.sh 7.4`), or `php`.
pub fn php_label() -> String {
    let mut line = php_command_line();
    if let Some(name) = std::path::Path::new(&line[0]).file_name() {
        line[0] = name.to_string_lossy().into_owned();
    }
    line.join(" ")
}

/// Whether the chosen PHP runs here. Under `CI` a missing PHP fails the test instead of
/// skipping it (`.ci/run` installs Debian's `php` and the WebAssembly builds); locally the
/// test prints why it did nothing.
pub fn php_available(test: &str) -> bool {
    let label = php_label();
    let out = php_command().arg("-v").output();
    let found = out.as_ref().is_ok_and(|o| o.status.success());
    if !found {
        let why = match &out {
            Ok(o) => String::from_utf8_lossy(&o.stderr).trim().to_owned(),
            Err(e) => e.to_string(),
        };
        assert!(
            std::env::var_os("CI").is_none(),
            "{test}: `{label}` does not run but CI is set ({why}); .ci/run installs it"
        );
        eprintln!("{test}: skipped, `{label}` does not run ({why}; apt-get install php-cli)");
    }
    found
}

/// Takes the third-party notices out of a PHP run's stderr, prints the ones this test
/// binary has not seen yet, and returns them.
pub fn third_party(out: &mut Output) -> Vec<String> {
    let notices = take_third_party(out);
    report_third_party(&notices);
    notices
}

/// Takes the third-party notices out of a PHP run's stderr and returns them, unprinted.
pub fn take_third_party(out: &mut Output) -> Vec<String> {
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let mut rest = String::new();
    let mut notices = Vec::new();
    for line in stderr.split_inclusive('\n') {
        match line.strip_prefix(THIRD_PARTY_MARKER) {
            Some(notice) => notices.push(notice.trim_end().to_owned()),
            None => rest.push_str(line),
        }
    }
    if !notices.is_empty() {
        out.stderr = rest.into_bytes();
    }
    notices
}

/// Prints the notices this test binary has not printed yet, as
/// `third-party notice (LABEL): …` (straight to stderr, past the test harness's capture).
pub fn report_third_party(notices: &[String]) {
    if notices.is_empty() {
        return;
    }
    static SEEN: Mutex<BTreeSet<String>> = Mutex::new(BTreeSet::new());
    let mut seen = SEEN.lock().unwrap_or_else(|e| e.into_inner());
    let label = php_label();
    let mut err = std::io::stderr().lock();
    for notice in notices {
        if seen.insert(notice.clone()) {
            let _ = writeln!(err, "third-party notice ({label}): {notice}");
        }
    }
}
