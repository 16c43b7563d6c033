//! `codegen write | check | package [DIR]`: regenerate `generated-module/`, fail when it is
//! stale, or build the release zip (into `dist/` by default).

use codegen::{default_output_dir, files, package, render_module};
use std::path::PathBuf;
use std::process::ExitCode;

const USAGE: &str = "usage: codegen write | check | package [OUT_DIR]";

fn main() -> ExitCode {
    match run(std::env::args().skip(1).collect()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("codegen: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: Vec<String>) -> Result<(), Box<dyn std::error::Error>> {
    let files = render_module()?;
    let root = default_output_dir();
    match args.first().map(String::as_str) {
        Some("write") => {
            files::write(&root, &files)?;
            println!("wrote {} files under {}", files.len(), root.display());
        }
        Some("check") => {
            let problems = files::check(&root, &files)?;
            if !problems.is_empty() {
                return Err(format!(
                    "generated-module/ is out of date ({}); run `{}` and commit the result",
                    problems.join(", "),
                    files::REGENERATE
                )
                .into());
            }
            println!("generated-module/ is up to date ({} files)", files.len());
        }
        Some("package") => {
            let out = args
                .get(1)
                .map_or_else(|| root.with_file_name("dist"), PathBuf::from);
            let path = package::package(&out, env!("CARGO_PKG_VERSION"), &files)?;
            println!("packaged {} files into {}", files.len(), path.display());
        }
        _ => return Err(USAGE.into()),
    }
    Ok(())
}
