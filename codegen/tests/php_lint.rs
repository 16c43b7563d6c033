//! Every generated PHP file parses (`php -l`) and uses no PHP 8-only syntax, so the module
//! parses on PHP 7.4 too (`.ci/run` also runs the module on PHP 7.4, 8.1, 8.2 and 8.3).

mod common;

#[test]
fn every_php_file_parses() {
    if !common::php_available("every_php_file_parses") {
        return;
    }
    let files = common::files_with_extension(&common::module_dir(), "php");
    assert!(files.len() >= 10, "found only {} PHP files", files.len());
    for file in files {
        let out = common::php(&["-l", file.to_str().unwrap()]);
        assert!(
            out.status.success(),
            "{}: {}",
            file.display(),
            String::from_utf8_lossy(&out.stdout)
        );
    }
}

/// PHP 8-only constructs, as the tokens that introduce them. PHP 7.4 rejects each.
const PHP8_ONLY: &[(&str, &str)] = &[
    ("match (", "match expressions"),
    ("?->", "the nullsafe operator"),
    ("str_contains(", "str_contains (PHP 8.0)"),
    ("str_starts_with(", "str_starts_with (PHP 8.0)"),
    ("str_ends_with(", "str_ends_with (PHP 8.0)"),
    ("readonly ", "readonly properties"),
    ("enum ", "enums"),
    ("): mixed", "the mixed type"),
    ("): static", "the static return type"),
    ("#[", "attributes"),
    (
        "public function __construct(private",
        "constructor promotion",
    ),
    (
        "public function __construct(public",
        "constructor promotion",
    ),
];

#[test]
fn no_php8_only_syntax() {
    for file in codegen::render_module().unwrap() {
        if !file.path.ends_with(".php") {
            continue;
        }
        for (token, what) in PHP8_ONLY {
            for (n, line) in file.contents.lines().enumerate() {
                let code = line.trim_start();
                if code.starts_with("//") || code.starts_with('*') || code.starts_with("/*") {
                    continue;
                }
                assert!(
                    !line.contains(token),
                    "{}:{}: {what}: {line}",
                    file.path,
                    n + 1
                );
            }
        }
    }
}
