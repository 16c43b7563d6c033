//! The panel calls both runtimes make at once rather than one after the other, and what
//! that means for comparing and counting them.
//!
//! Per-tunnel `tunnel/user/assign` and `tunnel/user/remove` calls are independent, so the
//! Rust engine (tokio) and the PHP module (`curl_multi`) send them together: they reach the
//! panel in any order. Everything else is sent after the answer it depends on.

use flvx_api::endpoints::{BINDING_ASSIGN, BINDING_REMOVE};

/// Paths whose consecutive calls form one concurrent group.
pub const CONCURRENT_PATHS: &[&str] = &[BINDING_ASSIGN.path, BINDING_REMOVE.path];

/// Whether calls to `path` may be sent together with their neighbours of the same path.
pub fn is_concurrent(path: &str) -> bool {
    CONCURRENT_PATHS.contains(&path)
}

/// Round trips a sequence of requests needs at least: one per request, a run of
/// consecutive calls to one concurrent path counting once.
pub fn round_trips<'a>(paths: impl IntoIterator<Item = &'a str>) -> usize {
    let mut count = 0;
    let mut previous: Option<&str> = None;
    for path in paths {
        if !(is_concurrent(path) && previous == Some(path)) {
            count += 1;
        }
        previous = Some(path);
    }
    count
}
