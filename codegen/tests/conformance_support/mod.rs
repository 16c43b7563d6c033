//! The conformance suite's machinery: scenario files, the Rust and PHP runners, and the
//! pairing that runs both and compares them.

#[allow(dead_code)] // the suite's comparison uses part, the round-trip benchmark the rest
pub mod concurrent;
pub mod matrices;
pub mod model;
pub mod outcome;
pub mod pair;
pub mod php;
#[path = "../common/php_command.rs"]
pub mod php_command;
pub mod rust_side;

use std::io::Write;

/// Counts cases of one matrix and reports them as `N passed, N failed`.
#[derive(Debug, Default)]
pub struct Tally {
    name: String,
    passed: usize,
    failures: Vec<String>,
}

impl Tally {
    /// An empty tally named `name`.
    pub fn new(name: &str) -> Tally {
        Tally {
            name: name.to_owned(),
            ..Tally::default()
        }
    }

    /// Records one case.
    pub fn record(&mut self, case: &str, result: Result<(), String>) {
        match result {
            Ok(()) => self.passed += 1,
            Err(e) => self.failures.push(format!("{case}: {e}")),
        }
    }

    /// Adds another tally's cases.
    pub fn absorb(&mut self, other: Tally) {
        self.passed += other.passed;
        self.failures.extend(other.failures);
    }

    /// Prints the failures and the `N passed, N failed` line (straight to stderr, so it
    /// shows even when the test harness captures output), then fails if anything failed.
    pub fn finish(self) {
        let mut err = std::io::stderr().lock();
        for failure in &self.failures {
            let _ = writeln!(err, "FAILED {}: {failure}", self.name);
        }
        let _ = writeln!(err, "conformance {}:", self.name);
        let _ = writeln!(
            err,
            "{} passed, {} failed",
            self.passed,
            self.failures.len()
        );
        drop(err);
        assert!(
            self.failures.is_empty(),
            "{}: {} failed (see above)",
            self.name,
            self.failures.len()
        );
    }
}

/// The FLVX lines the conformance tests run on: every line, or those `FLVX_PANEL_LINES`
/// names (labels, comma-separated: `2.1`, `3.0`), so that the slower PHP builds of
/// `.ci/run` can run one line each. Panics on a label that is no line.
pub fn panel_lines() -> Vec<flvx_api::PanelVersion> {
    let Ok(only) = std::env::var("FLVX_PANEL_LINES") else {
        return flvx_api::PanelVersion::ALL.to_vec();
    };
    only.split(',')
        .map(|label| {
            let label = label.trim();
            flvx_api::PanelVersion::ALL
                .into_iter()
                .find(|v| v.label() == label)
                .unwrap_or_else(|| panic!("FLVX_PANEL_LINES: {label:?} is not 2.1 or 3.0"))
        })
        .collect()
}

/// A multi-threaded runtime for a test.
pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(4)
        .enable_all()
        .build()
        .expect("tokio runtime")
}
