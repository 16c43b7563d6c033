//! The release zip: `modules/servers/flvx/...` as WHMCS admins unpack it into their
//! install, with the version in the file name. Deterministic: fixed order and timestamps.

use crate::files::{FilesError, GeneratedFile};
use std::io::{Cursor, Write};
use std::path::{Path, PathBuf};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipWriter};

/// Writes `flvx-whmcs-<version>.zip` into `dir` and returns its path.
pub fn package(dir: &Path, version: &str, files: &[GeneratedFile]) -> Result<PathBuf, FilesError> {
    let bytes = zip_bytes(files)?;
    std::fs::create_dir_all(dir)
        .map_err(|e| FilesError(format!("cannot create {}: {e}", dir.display())))?;
    let path = dir.join(format!("flvx-whmcs-{version}.zip"));
    std::fs::write(&path, bytes)
        .map_err(|e| FilesError(format!("cannot write {}: {e}", path.display())))?;
    Ok(path)
}

/// The zip archive of `files`, in memory.
pub fn zip_bytes(files: &[GeneratedFile]) -> Result<Vec<u8>, FilesError> {
    let fail = |e: &dyn std::fmt::Display| FilesError(format!("cannot build the zip: {e}"));
    let options = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .last_modified_time(DateTime::default())
        .unix_permissions(0o644);
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    let mut sorted: Vec<&GeneratedFile> = files.iter().collect();
    sorted.sort_by(|a, b| a.path.cmp(&b.path));
    for file in sorted {
        zip.start_file(file.path.as_str(), options)
            .map_err(|e| fail(&e))?;
        zip.write_all(file.contents.as_bytes())
            .map_err(|e| fail(&e))?;
    }
    let cursor = zip.finish().map_err(|e| fail(&e))?;
    Ok(cursor.into_inner())
}
