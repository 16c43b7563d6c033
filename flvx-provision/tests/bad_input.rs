//! Bad option values are rejected by `Plan::parse`, naming the option and the value,
//! before anything reaches the panel (DESIGN "Errors, secrets, bad input").

mod common;

use flvx_api::PanelVersion;
use test_case::test_matrix;

use common::{Due, Opts, SERVICE_ID, USERNAME, World};
use flvx_api::FlvxApi;
use flvx_provision::dates::Date;
use flvx_provision::messages::Lang;
use flvx_provision::{Plan, PlanInput, ProvisionError};
use std::collections::BTreeMap;

/// (position in the options, bad value, English label of the option)
const BAD: &[(usize, &str, &str)] = &[
    (0, "0", "Tunnels"),
    (0, "-1", "Tunnels"),
    (0, "1;2", "Tunnels"),
    (0, "1,,2", "Tunnels"),
    (0, "one", "Tunnels"),
    (1, "0", "Traffic quota (GiB)"),
    (1, "-5", "Traffic quota (GiB)"),
    (1, "1.5", "Traffic quota (GiB)"),
    (1, "99999", "Traffic quota (GiB)"),
    (1, "1e3", "Traffic quota (GiB)"),
    (1, "8589934592", "Traffic quota (GiB)"),
    (2, "0", "Max forwards"),
    (2, "1001", "Max forwards"),
    (2, "2.5", "Max forwards"),
    (3, "x", "Speed limit"),
    (3, "-1", "Speed limit"),
    (4, "group", "Tunnel group"),
    (5, "36501", "Validity (days)"),
    (6, "366", "Expiry grace (days)"),
    (7, "0", "Monthly traffic reset"),
    (7, "32", "Monthly traffic reset"),
    (7, "monthly", "Monthly traffic reset"),
    (8, "1abc", "Username prefix"),
    (8, "a b", "Username prefix"),
    (8, "prefix_longer_than_20", "Username prefix"),
    (8, "ü", "Username prefix"),
    (9, "purge", "On termination"),
    (10, "x", "User group"),
];

#[test_matrix([PanelVersion::V2_1, PanelVersion::V3_0])]
#[tokio::test]
async fn bad_option_values_are_rejected_before_any_panel_call(version: PanelVersion) {
    let w = World::new(version).await;
    let good = Opts::standard(&w).values();
    assert!(
        Plan::parse(&PlanInput {
            product_options: good.clone(),
            ..PlanInput::default()
        })
        .is_ok()
    );
    for (position, value, label) in BAD {
        let mut options = good.clone();
        options[*position] = value.to_string();
        let input = PlanInput {
            product_options: options,
            ..PlanInput::default()
        };
        let err = match Plan::parse(&input) {
            Ok(plan) => panic!("{label} = {value:?} accepted: {plan:?}"),
            Err(e) => e,
        };
        assert!(
            matches!(err, ProvisionError::InvalidOption { .. }),
            "{err:?}"
        );
        let text = err.to_string();
        assert!(
            text.contains(label) && text.contains(value),
            "{label} {value}: {text}"
        );
        let zh = err.message(Lang::Zh);
        assert!(zh.contains(value) && zh != text, "{zh}");
    }
    // A configurable option overrides the module setting, and is checked the same way.
    let mut configurable = BTreeMap::new();
    configurable.insert("Traffic quota (GiB)".to_string(), "0".to_string());
    let input = PlanInput {
        product_options: good,
        configurable_options: configurable,
    };
    let err = Plan::parse(&input).expect_err("configurable option checked");
    assert!(err.to_string().contains("Traffic quota"), "{err}");
    assert!(
        w.panel.journal().is_empty(),
        "no request: {:?}",
        w.panel.journal()
    );
}

#[test]
fn bad_whmcs_dates_are_rejected() {
    for bad in ["2026-02-30", "2026-13-01", "31/12/2026", "tomorrow"] {
        assert!(Date::parse_whmcs(bad).is_err(), "{bad}");
    }
    assert_eq!(Date::parse_whmcs("0000-00-00"), Ok(None));
    assert_eq!(Date::parse_whmcs("2026-12-31"), Ok(Date::new(2026, 12, 31)));
}

/// The panel trims passwords on create and update but not at login (panel behaviour §10.11):
/// a blank or space-padded service password could never log in.
const UNUSABLE_PASSWORDS: [&str; 5] = ["", "   ", " padded", "padded ", " padded "];

#[test_matrix([PanelVersion::V2_1, PanelVersion::V3_0])]
#[tokio::test]
async fn a_password_the_panel_could_never_log_in_is_not_sent(version: PanelVersion) {
    let w = World::new(version).await;
    for bad in UNUSABLE_PASSWORDS {
        let mut svc = Opts::standard(&w).service(SERVICE_ID, &Due::in_days(38));
        svc.password = bad.into();
        let err = w.engine.create(&svc).await.expect_err(bad);
        assert!(
            matches!(err, ProvisionError::InvalidPassword),
            "{bad:?}: {err:?}"
        );
        assert!(err.to_string().contains("space"), "{err}");
        let zh = err.message(Lang::Zh);
        assert!(zh.contains("空格") && zh != err.to_string(), "{zh}");
    }
    assert!(
        w.panel.journal().is_empty(),
        "nothing sent: {:?}",
        w.call_paths()
    );
    assert_eq!(w.store.get(SERVICE_ID), None, "the record is untouched");

    // On a provisioned service create re-applies the plan; the password is still checked
    // first.
    let svc = Opts::standard(&w).service(SERVICE_ID, &Due::in_days(38));
    w.engine.create(&svc).await.expect("create");
    let record = w.record(SERVICE_ID);
    let user = w.user(USERNAME);
    w.panel.clear_journal();
    let mut padded = svc.clone();
    padded.password = " padded ".into();
    let err = w.engine.create(&padded).await.expect_err("padded password");
    assert!(matches!(err, ProvisionError::InvalidPassword), "{err:?}");
    assert!(w.panel.journal().is_empty(), "{:?}", w.call_paths());
    assert_eq!(w.record(SERVICE_ID), record);
    assert_eq!(w.user(USERNAME), user);
}

/// The same trap on a password change: the panel would store the trimmed password and
/// the customer, logging in with the service password, would be locked out.
#[test_matrix([PanelVersion::V2_1, PanelVersion::V3_0])]
#[tokio::test]
async fn change_password_refuses_a_password_the_panel_could_never_log_in(version: PanelVersion) {
    let w = World::new(version).await;
    let svc = Opts::standard(&w).service(SERVICE_ID, &Due::in_days(38));
    w.engine.create(&svc).await.expect("create");
    let record = w.record(SERVICE_ID);
    let user = w.user(USERNAME);
    w.panel.clear_journal();
    for bad in UNUSABLE_PASSWORDS {
        let mut changed = svc.clone();
        changed.password = bad.into();
        let err = w.engine.change_password(&changed).await.expect_err(bad);
        assert!(
            matches!(err, ProvisionError::InvalidPassword),
            "{bad:?}: {err:?}"
        );
    }
    assert!(w.panel.journal().is_empty(), "{:?}", w.call_paths());
    assert_eq!(w.record(SERVICE_ID), record);
    assert_eq!(w.user(USERNAME), user);
    w.client(USERNAME, common::PASSWORD)
        .package()
        .await
        .expect("the old password still works");
}
