//! Renders the WHMCS provisioning module `flvx` from the Rust definitions: the product
//! options schema and message catalogue of `flvx-provision`, and the endpoint table and
//! units of `flvx-api`.
//!
//! Three layers: definitions -> [`ir::ModuleIr`] (validated; names, positions and
//! literals decided here) -> askama templates that only loop and branch -> files.

pub mod escape;
pub mod files;
pub mod ir;
pub mod package;
mod templates;

use std::path::{Path, PathBuf};

/// The workspace's `generated-module/` folder.
pub fn default_output_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().map_or_else(
        || PathBuf::from("generated-module"),
        |p| p.join("generated-module"),
    )
}

/// Renders the module from the real definitions.
pub fn render_module() -> Result<Vec<files::GeneratedFile>, Box<dyn std::error::Error>> {
    let ir = ir::ModuleIr::from_definitions()?;
    Ok(files::render(&ir)?)
}
