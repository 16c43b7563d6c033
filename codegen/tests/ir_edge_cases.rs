//! Edge-case definitions: hostile text survives into PHP and Smarty exactly, and invalid
//! definitions are refused by the IR with a reason.

mod common;

use codegen::files;
use codegen::ir::ModuleIr;
use flvx_provision::messages::Text;
use flvx_provision::schema::{Choice, Field, OptionSpec, Rule};

const NASTY: &str = "it's a \"quote\" \\ back\\\\slash */ ?> {$x} {{ y }} 中文 <b>&amp;";

const CHOICES: &[Choice] = &[
    Choice {
        value: "a",
        label: Text {
            en: NASTY,
            zh: NASTY,
        },
    },
    Choice {
        value: "b",
        label: Text { en: "B", zh: "乙" },
    },
];

fn spec(key: &'static str) -> OptionSpec {
    OptionSpec {
        key,
        label: Text {
            en: NASTY,
            zh: NASTY,
        },
        description: Text {
            en: NASTY,
            zh: NASTY,
        },
        field: Field::Dropdown(CHOICES),
        default: "a",
        rule: Rule::OneOf,
        loader: None,
        size: 10,
        simple: true,
    }
}

fn edge_ir() -> ModuleIr {
    let messages = [(
        "nasty",
        Text {
            en: NASTY,
            zh: NASTY,
        },
    )];
    ModuleIr::build(
        &[spec("first"), spec("second")],
        flvx_api::endpoints::ALL,
        &messages,
    )
    .unwrap()
}

#[test]
fn ir_keeps_text_verbatim_and_numbers_positions() {
    let ir = edge_ir();
    assert_eq!(ir.options[0].position, 1);
    assert_eq!(ir.options[1].position, 2);
    assert_eq!(ir.options[0].label_en, NASTY);
    assert_eq!(
        ir.options[0].comment,
        "it's a \"quote\" \\ back\\\\slash * / ? > {$x} {{ y }} 中文 <b>&amp;"
    );
    assert_eq!(ir.options[0].choices[0].label_en, NASTY);
    assert_eq!(ir.messages[0].en, NASTY);
}

#[test]
fn invalid_definitions_are_refused_with_a_reason() {
    let none: [(&str, Text); 0] = [];
    let err = ModuleIr::build(&[spec("Bad-Key")], &[], &none).unwrap_err();
    assert!(err.0.contains("Bad-Key"), "{err}");
    let err = ModuleIr::build(&[spec("same"), spec("same")], &[], &none).unwrap_err();
    assert!(err.0.contains("twice"), "{err}");
    let many: Vec<OptionSpec> = (0..25).map(|_| spec("x")).collect();
    let err = ModuleIr::build(&many, &[], &none).unwrap_err();
    assert!(err.0.contains("24"), "{err}");
    const COMMA: &[Choice] = &[Choice {
        value: "a,b",
        label: Text { en: "x", zh: "x" },
    }];
    let mut bad = spec("comma");
    bad.field = Field::Dropdown(COMMA);
    let err = ModuleIr::build(&[bad], &[], &none).unwrap_err();
    assert!(err.0.contains("comma"), "{err}");
    let err = ModuleIr::build(&[], &[], &[("Nope!", Text { en: "", zh: "" })]).unwrap_err();
    assert!(err.0.contains("Nope!"), "{err}");
}

#[test]
fn hostile_text_round_trips_through_generated_php() {
    if !common::php_available("hostile_text_round_trips_through_generated_php") {
        return;
    }
    let root = common::temp_dir("edge-module");
    let rendered = files::render(&edge_ir()).unwrap();
    files::write(&root, &rendered).unwrap();
    let module = root.join(files::MODULE_DIR);
    for file in common::files_with_extension(&module, "php") {
        let out = common::php(&["-l", file.to_str().unwrap()]);
        assert!(
            out.status.success(),
            "{}: {}",
            file.display(),
            String::from_utf8_lossy(&out.stdout)
        );
    }
    let lib = module.join("lib");
    let script = format!(
        r#"define('WHMCS', 1);
require '{lib}/FlvxConstants.php';
require '{lib}/FlvxOptions.php';
$lang = require '{module}/lang/chinese.php';
$o = \WHMCS\Module\Server\Flvx\FlvxOptions::OPTIONS;
echo json_encode(array($o[0]['label'], $o[1]['description'], $o[0]['choices']['a'], $lang['nasty']));"#,
        lib = lib.display(),
        module = module.display()
    );
    let out = common::php(&["-r", &script]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let values: Vec<String> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(values, vec![NASTY; 4]);
}
