//! Rendering every file, stamping the "generated" banner, and writing or checking the
//! committed tree (stale, missing and extra files all count).

use crate::ir::ModuleIr;
use crate::templates::*;
use askama::Template;
use std::collections::BTreeSet;
use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};

/// Where the module lives inside `generated-module/` (and inside the release zip).
pub const MODULE_DIR: &str = "modules/servers/flvx";

/// The command that regenerates the module, named in every banner.
pub const REGENERATE: &str = "cargo run -p codegen -- write";

/// One rendered file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedFile {
    /// Path relative to `generated-module/`.
    pub path: String,
    /// Contents.
    pub contents: String,
}

/// A failure to render, write or check.
#[derive(Debug)]
pub struct FilesError(pub String);

impl fmt::Display for FilesError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for FilesError {}

/// Renders every file of the module, in a stable order.
pub fn render(ir: &ModuleIr) -> Result<Vec<GeneratedFile>, FilesError> {
    let rendered: Vec<(&str, Result<String, askama::Error>)> = vec![
        ("flvx.php", ModuleFile { ir }.render()),
        ("hooks.php", HooksFile { ir }.render()),
        ("whmcs.json", WhmcsJson { ir }.render()),
        ("README.md", AdminReadme { ir }.render()),
        ("lib/FlvxApiClient.php", ApiClientFile { ir }.render()),
        ("lib/FlvxHttp.php", HttpFile { ir }.render()),
        ("lib/FlvxApiException.php", ApiExceptionFile { ir }.render()),
        ("lib/FlvxTokenCache.php", TokenCacheFile { ir }.render()),
        ("lib/FlvxOptions.php", OptionsFile { ir }.render()),
        ("lib/FlvxLang.php", LangFile { ir }.render()),
        ("lib/FlvxConstants.php", ConstantsFile { ir }.render()),
        (
            "lib/FlvxProvisionException.php",
            ProvisionExceptionFile { ir }.render(),
        ),
        ("lib/FlvxService.php", ServiceFile { ir }.render()),
        (
            "lib/FlvxForwardPolicy.php",
            ForwardPolicyFile { ir }.render(),
        ),
        ("lib/FlvxEngine.php", EngineFile { ir }.render()),
        ("lib/engine/access.php", EngineAccessFile { ir }.render()),
        ("lib/engine/batch.php", EngineBatchFile { ir }.render()),
        ("lib/engine/create.php", EngineCreateFile { ir }.render()),
        (
            "lib/engine/customer.php",
            EngineCustomerFile { ir }.render(),
        ),
        ("lib/engine/import.php", EngineImportFile { ir }.render()),
        ("lib/engine/link.php", EngineLinkFile { ir }.render()),
        (
            "lib/engine/ownership.php",
            EngineOwnershipFile { ir }.render(),
        ),
        ("lib/engine/package.php", EnginePackageFile { ir }.render()),
        (
            "lib/engine/parallel.php",
            EngineParallelFile { ir }.render(),
        ),
        (
            "lib/engine/reconcile.php",
            EngineReconcileFile { ir }.render(),
        ),
        ("lib/engine/repush.php", EngineRepushFile { ir }.render()),
        ("lib/engine/suspend.php", EngineSuspendFile { ir }.render()),
        (
            "lib/engine/terminate.php",
            EngineTerminateFile { ir }.render(),
        ),
        ("lib/engine/traffic.php", EngineTrafficFile { ir }.render()),
        ("lib/engine/usage.php", EngineUsageFile { ir }.render()),
        ("lib/engine/views.php", EngineViewsFile { ir }.render()),
        ("lib/FlvxStore.php", StoreFile { ir }.render()),
        ("lib/FlvxReconcileJob.php", ReconcileJobFile { ir }.render()),
        ("lib/FlvxServiceLock.php", ServiceLockFile { ir }.render()),
        ("lib/FlvxTable.php", TableFile { ir }.render()),
        ("lib/FlvxViews.php", ViewsFile { ir }.render()),
        ("lib/FlvxChart.php", ChartFile { ir }.render()),
        ("lib/FlvxDailyUsage.php", DailyUsageFile { ir }.render()),
        (
            "lib/FlvxMetricProvider.php",
            MetricProviderFile { ir }.render(),
        ),
        (
            "lang/english.php",
            LanguageFile { ir, chinese: false }.render(),
        ),
        (
            "lang/chinese.php",
            LanguageFile { ir, chinese: true }.render(),
        ),
        ("templates/clientarea.tpl", ClientAreaTpl { ir }.render()),
        ("templates/error.tpl", ErrorTpl { ir }.render()),
    ];
    rendered
        .into_iter()
        .map(|(name, result)| {
            let body = result.map_err(|e| FilesError(format!("rendering {name}: {e}")))?;
            Ok(GeneratedFile {
                path: format!("{MODULE_DIR}/{name}"),
                contents: with_banner(name, &normalise(&body)),
            })
        })
        .collect()
}

/// LF line ends, no trailing blanks, exactly one final newline.
fn normalise(text: &str) -> String {
    let mut out: String = text
        .replace("\r\n", "\n")
        .lines()
        .map(str::trim_end)
        .collect::<Vec<_>>()
        .join("\n");
    while out.ends_with('\n') {
        out.pop();
    }
    out.push('\n');
    out
}

/// Stamps the "do not edit" banner in the file's own comment syntax. JSON has none, so
/// `whmcs.json` carries no banner.
fn with_banner(name: &str, body: &str) -> String {
    let notice =
        format!("Generated by `{REGENERATE}` from the Rust definitions. Do not edit by hand.");
    if name.ends_with(".php") {
        match body.strip_prefix("<?php\n") {
            Some(rest) => format!("<?php\n\n// {notice}\n{rest}"),
            None => body.to_owned(),
        }
    } else if name.ends_with(".tpl") {
        format!("{{* {notice} *}}\n{body}")
    } else if name.ends_with(".md") {
        format!("<!-- {notice} -->\n{body}")
    } else {
        body.to_owned()
    }
}

/// Writes the files under `root`, removing files of the module that are no longer generated.
pub fn write(root: &Path, files: &[GeneratedFile]) -> Result<(), FilesError> {
    let io = |what: &str, path: &Path, e: std::io::Error| {
        FilesError(format!("cannot {what} {}: {e}", path.display()))
    };
    for extra in extra_files(root, files)? {
        let path = root.join(&extra);
        fs::remove_file(&path).map_err(|e| io("remove", &path, e))?;
    }
    for file in files {
        let path = root.join(&file.path);
        if let Some(dir) = path.parent() {
            fs::create_dir_all(dir).map_err(|e| io("create", dir, e))?;
        }
        fs::write(&path, &file.contents).map_err(|e| io("write", &path, e))?;
    }
    Ok(())
}

/// Every difference between `root` and the rendered files: stale, missing or extra.
pub fn check(root: &Path, files: &[GeneratedFile]) -> Result<Vec<String>, FilesError> {
    let mut problems = Vec::new();
    for file in files {
        match fs::read_to_string(root.join(&file.path)) {
            Ok(on_disk) if on_disk == file.contents => {}
            Ok(_) => problems.push(format!("stale: {}", file.path)),
            Err(_) => problems.push(format!("missing: {}", file.path)),
        }
    }
    for extra in extra_files(root, files)? {
        problems.push(format!("extra: {extra}"));
    }
    Ok(problems)
}

/// Files under `root/MODULE_DIR` that are not in `files`.
fn extra_files(root: &Path, files: &[GeneratedFile]) -> Result<Vec<String>, FilesError> {
    let expected: BTreeSet<&str> = files.iter().map(|f| f.path.as_str()).collect();
    let mut found = Vec::new();
    list_files(root, &root.join(MODULE_DIR), &mut found)?;
    Ok(found
        .into_iter()
        .filter(|p| !expected.contains(p.as_str()))
        .collect())
}

fn list_files(root: &Path, dir: &Path, out: &mut Vec<String>) -> Result<(), FilesError> {
    let Ok(entries) = fs::read_dir(dir) else {
        return Ok(());
    };
    for entry in entries {
        let path: PathBuf = entry
            .map_err(|e| FilesError(format!("cannot list {}: {e}", dir.display())))?
            .path();
        if path.is_dir() {
            list_files(root, &path, out)?;
        } else if let Ok(relative) = path.strip_prefix(root) {
            out.push(relative.to_string_lossy().replace('\\', "/"));
        }
    }
    Ok(())
}
