//! Every test of `lifecycle.rs`, again, with the engine's records in a fresh SQLite file
//! per test: `common::World` picks SQLite in a test binary whose name ends in `_sqlite`,
//! and checks every record the engine loads against the one it saved.
//!
//! Another test file runs on SQLite the same way: a `<name>_sqlite.rs` with these lines
//! and a `[[test]]` entry with `required-features = ["sqlite"]`.

// `common` is loaded twice: by `lifecycle.rs` for its tests, and here for the check below.
#![allow(clippy::duplicate_mod)]

#[path = "lifecycle.rs"]
mod lifecycle;

mod common;

#[tokio::test]
async fn this_binary_s_worlds_keep_their_records_in_sqlite() {
    let w = common::World::new(flvx_api::PanelVersion::V3_0).await;
    assert_eq!(w.db.name(), "SQLite");
}
