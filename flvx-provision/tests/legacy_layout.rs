//! Product settings in the 1.0 module's layout are recognised and refused before any
//! call, and no product of this module is ever taken for one.

use flvx_provision::messages::Lang;
use flvx_provision::schema::{Field, OPTIONS, is_legacy_layout, refuse_legacy_layout};
use flvx_provision::{Plan, PlanInput, ProvisionError};
use std::collections::BTreeMap;

fn input(values: &[&str]) -> PlanInput {
    PlanInput {
        product_options: values.iter().map(|v| (*v).to_owned()).collect(),
        configurable_options: BTreeMap::new(),
    }
}

#[test]
fn a_1_0_product_is_refused_naming_each_setting_to_move() {
    let mut values = vec![""; OPTIONS.len()];
    values[..5].copy_from_slice(&["100", "10", "3", "", "30"]);
    let product = input(&values);
    assert!(is_legacy_layout(&product.product_options));
    let error =
        refuse_legacy_layout(&product.product_options).expect_err("a 1.0 layout is refused");
    assert!(matches!(error, ProvisionError::LegacyLayout { .. }));
    let en = error.message(Lang::En);
    for expected in [
        "1.0 Traffic Quota (GB) \"100\" (configoption1) goes to Traffic quota (GiB)",
        "1.0 Max Forwards \"10\" (configoption2) goes to Max forwards",
        "1.0 Tunnel ID \"3\" (configoption3) goes to Tunnels",
        "1.0 Speed Limit ID \"\" (configoption4) goes to Speed limit",
        "1.0 Expiry Days \"30\" (configoption5) goes to Validity (days)",
    ] {
        assert!(en.contains(expected), "{expected:?} missing from {en:?}");
    }
    assert!(error.message(Lang::Zh).contains("configoption3"));
    // Plan::parse alone would misread it (the traffic quota as tunnel 100): hence the check.
    let misread = Plan::parse(&product).expect("parses, misread");
    assert_eq!(misread.tunnels.first().map(|t| t.0), Some(100));
}

/// What WHMCS saves for a product of this module: every dropdown has a choice (its
/// default, or the first), every text field its prefilled default.
fn saved_defaults() -> Vec<String> {
    OPTIONS
        .iter()
        .map(|o| match (o.default, &o.field) {
            ("", Field::Dropdown(choices)) => choices[0].value.to_owned(),
            (default, _) => default.to_owned(),
        })
        .collect()
}

#[test]
fn no_product_of_this_module_looks_like_1_0() {
    let mut ours = saved_defaults();
    ours[0] = "1,2".into();
    assert!(!is_legacy_layout(&ours), "{ours:?}");
    // Even with every text field after the first five cleared by the admin.
    let cleared: Vec<String> = OPTIONS
        .iter()
        .zip(&ours)
        .enumerate()
        .map(|(i, (o, v))| match (&o.field, i < 5) {
            (Field::Dropdown(_), _) | (_, true) => v.clone(),
            _ => String::new(),
        })
        .collect();
    assert!(!is_legacy_layout(&cleared), "{cleared:?}");
}

#[test]
fn an_empty_or_short_product_is_not_1_0() {
    assert!(!is_legacy_layout(&[]));
    // Rust callers pass the first settings only, meaning defaults for the rest.
    assert!(!is_legacy_layout(&["1,2".to_owned(), "100".to_owned()]));
    assert!(!is_legacy_layout(&vec![String::new(); OPTIONS.len()]));
}
