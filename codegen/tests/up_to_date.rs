//! The committed `generated-module/` equals a fresh render: no stale, missing or extra file.

mod common;

use codegen::files::{self, GeneratedFile};

#[test]
fn committed_module_is_up_to_date() {
    let rendered = codegen::render_module().expect("the module renders");
    let problems = files::check(&codegen::default_output_dir(), &rendered).expect("check runs");
    assert!(
        problems.is_empty(),
        "generated-module/ is out of date: {problems:?}; run `{}` and commit the result",
        files::REGENERATE
    );
}

#[test]
fn check_reports_stale_missing_and_extra_files() {
    let root = common::temp_dir("check_reports");
    let rendered = vec![
        GeneratedFile {
            path: format!("{}/a.php", files::MODULE_DIR),
            contents: "<?php\n".into(),
        },
        GeneratedFile {
            path: format!("{}/lib/b.php", files::MODULE_DIR),
            contents: "<?php\n".into(),
        },
    ];
    files::write(&root, &rendered).unwrap();
    assert!(files::check(&root, &rendered).unwrap().is_empty());

    std::fs::write(root.join(&rendered[0].path), "<?php\n// edited by hand\n").unwrap();
    std::fs::remove_file(root.join(&rendered[1].path)).unwrap();
    std::fs::write(root.join(files::MODULE_DIR).join("stray.tpl"), "x").unwrap();
    let mut problems = files::check(&root, &rendered).unwrap();
    problems.sort();
    assert_eq!(
        problems,
        vec![
            format!("extra: {}/stray.tpl", files::MODULE_DIR),
            format!("missing: {}/lib/b.php", files::MODULE_DIR),
            format!("stale: {}/a.php", files::MODULE_DIR),
        ]
    );
    files::write(&root, &rendered).unwrap();
    assert!(
        files::check(&root, &rendered).unwrap().is_empty(),
        "write removes extras"
    );
}

#[test]
fn every_file_carries_the_banner_except_json() {
    for file in codegen::render_module().unwrap() {
        if file.path.ends_with(".json") {
            continue;
        }
        assert!(
            file.contents.contains("Do not edit by hand"),
            "{} has no banner",
            file.path
        );
        if file.path.ends_with(".php") {
            assert!(file.contents.starts_with("<?php\n"), "{}", file.path);
            assert!(
                !file.contents.contains("?>"),
                "{} has a closing tag",
                file.path
            );
        }
    }
}

#[test]
fn rendering_is_deterministic_and_the_zip_is_too() {
    let a = codegen::render_module().unwrap();
    let b = codegen::render_module().unwrap();
    assert_eq!(a, b);
    let zip_a = codegen::package::zip_bytes(&a).unwrap();
    let zip_b = codegen::package::zip_bytes(&b).unwrap();
    assert_eq!(zip_a, zip_b);
    assert!(zip_a.len() > 1000);
}
