//! The panel's full-replace traps (panel behaviour §5.3, §5.14, §10.7; 3.0 panel behaviour §5.3): an update
//! that omits a field resets it to the panel's default (user flow 100, num 10, expTime a
//! year from now, flowResetTime 1, status 1, 3.0 `maxConn` 0; binding flow 0, num 0,
//! speedId null, status 1). The 3.0 quota windows are the exception: kept when both keys
//! are omitted. An update built from a read (`UserUpdate::from_user`,
//! `BindingUpdate::from_binding`) or from the engine's plan must never change a field it
//! does not mean to change, on either panel line.
//!
//! Every keep-test first sets the field on the panel to a value that differs from the
//! default (an admin update with every field set), then runs the update under test and
//! compares the database row before and after, so each of them can fail.

mod common;

use flvx_api::PanelVersion;
use test_case::test_matrix;

use common::{DAY_MS, Due, Opts, SERVICE_ID, USERNAME, World, int};
use flvx_api::endpoints;
use flvx_api::ids::{BindingId, UserId};
use flvx_api::models::{
    Binding, BindingAssign, BindingUpdate, NewUser, QuotaLimits, User, UserUpdate,
};
use flvx_api::units::{EpochMs, Gib, ResetDay, Status};
use flvx_api::{FlvxApi, recipes};
use flvx_provision::{Plan, PlanInput, Service};
use serde_json::{Value, json};

// ---------------------------------------------------------------------------------------
// The engine writes every field (no update falls back to a panel default).
// ---------------------------------------------------------------------------------------

/// Asserts the panel user and its bindings hold the plan's values, not the defaults.
fn assert_plan_values(w: &World, step: &str, exp_ms: i64, reset_day: u8, status: i64) {
    let user = w.user(USERNAME);
    assert_eq!(user["flow"], 250, "{step}: flow reset to a default? {user}");
    assert_eq!(user["num"], 3, "{step}: num reset to a default? {user}");
    assert_eq!(
        user["expTime"], exp_ms,
        "{step}: expTime reset to now + 1 year? {user}"
    );
    assert_eq!(
        user["flowResetTime"],
        i64::from(reset_day),
        "{step}: {user}"
    );
    assert_eq!(user["status"], status, "{step}: {user}");
    let bindings = w.bindings_of(UserId(int(&user, "id")));
    assert_eq!(bindings.len(), 2, "{step}");
    for b in bindings {
        assert_eq!(b["speedId"], w.s1.0, "{step}: speed limit cleared? {b}");
        assert_eq!(b["flow"], 250, "{step}: {b}");
        assert_eq!(b["num"], 3, "{step}: {b}");
        assert_eq!(b["expTime"], exp_ms, "{step}: {b}");
        assert_eq!(b["flowResetTime"], i64::from(reset_day), "{step}: {b}");
        assert_eq!(b["status"], 1, "{step}: bindings stay enabled: {b}");
    }
}

#[test_matrix([PanelVersion::V2_1, PanelVersion::V3_0])]
#[tokio::test]
async fn no_update_falls_back_to_panel_defaults(version: PanelVersion) {
    let w = World::new(version).await;
    let opts = Opts::standard(&w);
    let due = Due::in_days(38);
    assert_ne!(
        due.date.day(),
        1,
        "the billing day must differ from the panel default"
    );
    let svc = opts.service(SERVICE_ID, &due);
    w.engine.create(&svc).await.expect("create");
    w.add_forward(&svc, w.t1, "web").await;
    let exp = due.expiry_ms(3);
    let year_from_now = w.panel.now_ms() + 365 * common::DAY_MS;
    assert!(
        (exp - year_from_now).abs() > 30 * common::DAY_MS,
        "expiry distinguishable from the default"
    );
    assert_plan_values(&w, "create", exp, due.date.day(), 1);

    w.engine.suspend(&svc).await.expect("suspend");
    assert_plan_values(&w, "suspend", exp, due.date.day(), 0);

    let mut changed = svc.clone();
    changed.password = "N3w-secret".into();
    w.engine
        .change_password(&changed)
        .await
        .expect("change password while suspended");
    assert_plan_values(&w, "change password", exp, due.date.day(), 0);

    w.engine.unsuspend(&changed).await.expect("unsuspend");
    assert_plan_values(&w, "unsuspend", exp, due.date.day(), 1);

    w.engine
        .change_password(&svc)
        .await
        .expect("change password");
    assert_plan_values(&w, "change password", exp, due.date.day(), 1);

    let later = Due::in_days(100);
    let renewed = opts.service(SERVICE_ID, &later);
    w.engine.renew(&renewed).await.expect("renew");
    assert_plan_values(&w, "renew", later.expiry_ms(3), later.date.day(), 1);

    w.engine
        .change_package(&renewed)
        .await
        .expect("change package to the same plan");
    assert_plan_values(
        &w,
        "change package",
        later.expiry_ms(3),
        later.date.day(),
        1,
    );

    w.engine
        .reset_traffic(&renewed)
        .await
        .expect("reset traffic");
    assert_plan_values(&w, "reset traffic", later.expiry_ms(3), later.date.day(), 1);

    let mut disable = opts.clone();
    disable.terminate = "disable".into();
    w.engine
        .terminate(&disable.service(SERVICE_ID, &later))
        .await
        .expect("terminate (disable)");
    assert_plan_values(
        &w,
        "terminate (disable)",
        later.expiry_ms(3),
        later.date.day(),
        0,
    );

    let updates = w.bodies_to(endpoints::USER_UPDATE.path);
    assert!(updates.len() >= 7, "{updates:?}");
    for body in &updates {
        for key in [
            "id",
            "user",
            "flow",
            "num",
            "expTime",
            "flowResetTime",
            "status",
        ] {
            assert!(
                body.get(key).is_some_and(|v| !v.is_null()),
                "user/update without {key}: {body}"
            );
        }
        assert_eq!(body["user"], USERNAME);
        assert!(
            body["flow"].is_u64() && body["expTime"].is_i64(),
            "JSON integers: {body}"
        );
    }
    let assigns = w.bodies_to(endpoints::BINDING_ASSIGN.path);
    assert!(!assigns.is_empty());
    for body in &assigns {
        for key in endpoints::BINDING_ASSIGN.keys {
            assert!(
                body.get(key).is_some(),
                "tunnel/user/assign without {key}: {body}"
            );
        }
        assert_eq!(body["speedId"], json!(w.s1.0));
    }
    assert_eq!(
        w.panel.requests_to(endpoints::BINDING_UPDATE.path),
        0,
        "the full-replace binding update is never needed"
    );
}

#[test_matrix([PanelVersion::V2_1, PanelVersion::V3_0])]
#[tokio::test]
async fn create_sends_every_user_field(version: PanelVersion) {
    let w = World::new(version).await;
    let due = Due::in_days(38);
    let svc = Opts::standard(&w).service(SERVICE_ID, &due);
    w.engine.create(&svc).await.expect("create");
    let bodies = w.bodies_to(endpoints::USER_CREATE.path);
    assert_eq!(bodies.len(), 1);
    let body = &bodies[0];
    let expected = json!({
        "user": USERNAME, "pwd": common::PASSWORD, "flow": 250, "num": 3,
        "expTime": due.expiry_ms(3), "flowResetTime": due.date.day(), "status": 1,
    });
    assert_eq!(body, &expected);
    let keys: Vec<&str> = body
        .as_object()
        .map_or(vec![], |m| m.keys().map(String::as_str).collect());
    assert!(
        keys.iter().all(|k| endpoints::USER_CREATE.keys.contains(k)),
        "{keys:?}"
    );
}

// ---------------------------------------------------------------------------------------
// Shared helpers.
// ---------------------------------------------------------------------------------------

fn gib(n: u64) -> Gib {
    Gib::new(n).expect("GiB")
}

fn day(d: u8) -> ResetDay {
    ResetDay::day(d).expect("reset day")
}

/// The users row `id` of the snapshot (panics if absent).
fn user_row(w: &World, id: UserId) -> Value {
    match w.rows("users").into_iter().find(|u| u["id"] == id.0) {
        Some(row) => row,
        None => panic!("no users row {id}"),
    }
}

/// The 3.0 quota row of user `id` (panics if absent).
fn quota_row(w: &World, id: UserId) -> Value {
    match w.rows("quotas").into_iter().find(|q| q["userId"] == id.0) {
        Some(row) => row,
        None => panic!("no quota row for user {id}: {}", w.panel.snapshot()),
    }
}

/// The bindings row `id` of the snapshot (panics if absent).
fn binding_row(w: &World, id: BindingId) -> Value {
    match w.rows("bindings").into_iter().find(|b| b["id"] == id.0) {
        Some(row) => row,
        None => panic!("no bindings row {id}"),
    }
}

/// User `id` as `user/list` shows it to the admin.
async fn listed_user(w: &World, id: UserId) -> User {
    match recipes::find_user(w.admin.as_ref(), id).await {
        Ok(Some(user)) => user,
        Ok(None) => panic!("user {id} not listed"),
        Err(e) => panic!("user/list: {e}"),
    }
}

/// Asserts that a 2.1 panel has none of the 3.0 user limits: not in `user/list`, not in
/// the database.
async fn assert_no_v3_user_limits(w: &World, id: UserId) {
    let listed = listed_user(w, id).await;
    assert_eq!(listed.max_conn, None, "2.1 lists no maxConn: {listed:?}");
    assert_eq!(listed.quota, None, "2.1 lists no quota windows: {listed:?}");
    let row = user_row(w, id);
    assert!(row.get("maxConn").is_none(), "2.1 has no maxConn: {row}");
    assert!(
        w.panel.snapshot().get("quotas").is_none(),
        "2.1 has no quota table: {}",
        w.panel.snapshot()
    );
}

/// An expiry 90 days out: distinguishable from the default (now + 1 year).
fn seller_expiry(w: &World) -> EpochMs {
    EpochMs::expiry(w.panel.now_ms() + 90 * DAY_MS).expect("expiry")
}

// ---------------------------------------------------------------------------------------
// SDK read-merge-write of a user: `UserUpdate::from_user`, then change ANOTHER field.
// ---------------------------------------------------------------------------------------

const SELLER_NAME: &str = "seller-named";
const SELLER_PASSWORD: &str = "Seller-pw1";
const SELLER_CONN: i64 = 7;
const SELLER_DAILY: u64 = 2;
const SELLER_MONTHLY: u64 = 20;

/// A user field `user/update` replaces (or, for the quota windows, may replace).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum UserField {
    Name,
    Flow,
    Num,
    ExpTime,
    FlowResetTime,
    Status,
    Password,
    Groups,
    MaxConn,
    DailyQuota,
    MonthlyQuota,
}

impl UserField {
    fn v3_only(self) -> bool {
        matches!(
            self,
            UserField::MaxConn | UserField::DailyQuota | UserField::MonthlyQuota
        )
    }

    /// The field's database value.
    fn value(self, w: &World, id: UserId) -> Value {
        let row = user_row(w, id);
        let column = match self {
            UserField::Name => "user",
            UserField::Flow => "flow",
            UserField::Num => "num",
            UserField::ExpTime => "expTime",
            UserField::FlowResetTime => "flowResetTime",
            UserField::Status => "status",
            UserField::Password => "pwd",
            UserField::Groups => "groupIds",
            UserField::MaxConn => "maxConn",
            UserField::DailyQuota => return quota_row(w, id)["dailyLimitGB"].clone(),
            UserField::MonthlyQuota => return quota_row(w, id)["monthlyLimitGB"].clone(),
        };
        row[column].clone()
    }

    /// Changes a field other than this one, and names it with its new database value.
    fn change_another(self, update: &mut UserUpdate) -> (&'static str, Value) {
        match self {
            UserField::Num => {
                update.flow = gib(300);
                ("flow", json!(300))
            }
            // Re-enabled, so that the kept password can log in.
            UserField::Password => {
                update.status = Status::Enabled;
                ("status", json!(1))
            }
            _ => {
                update.num = 5;
                ("num", json!(5))
            }
        }
    }
}

/// A user created with the panel's defaults, then given a non-default value in every field
/// by an admin update that sets them all (3.0: also a connection cap and quota windows).
async fn seller_user(w: &World) -> UserId {
    let group = w.panel.add_user_group("resellers");
    let created = recipes::create_user(
        w.admin.as_ref(),
        &NewUser {
            user: "sdk-user".into(),
            password: "Initial-pw1".into(),
            flow: gib(100),
            num: 10,
            exp_time: EpochMs::expiry(w.panel.now_ms() + 365 * DAY_MS).expect("expiry"),
            flow_reset_time: day(1),
            status: Status::Enabled,
            group_ids: None,
            max_conn: None,
            quota_limits: QuotaLimits::KEEP,
        },
    )
    .await
    .expect("create user");
    let exp = seller_expiry(w);
    let v3 = w.v3();
    let every_field = UserUpdate {
        id: created.id,
        user: SELLER_NAME.into(),
        password: Some(SELLER_PASSWORD.into()),
        flow: gib(250),
        num: 3,
        exp_time: exp,
        flow_reset_time: day(17),
        status: Status::Disabled,
        group_ids: Some(vec![group]),
        max_conn: v3.then_some(SELLER_CONN),
        quota_limits: match v3 {
            true => QuotaLimits {
                daily: Some(gib(SELLER_DAILY)),
                monthly: Some(gib(SELLER_MONTHLY)),
            },
            false => QuotaLimits::KEEP,
        },
    };
    w.admin
        .update_user(&every_field)
        .await
        .expect("seller's update with every field");
    let row = user_row(w, created.id);
    let expected = [
        ("user", json!(SELLER_NAME)),
        ("flow", json!(250)),
        ("num", json!(3)),
        ("expTime", json!(exp.get())),
        ("flowResetTime", json!(17)),
        ("status", json!(0)),
        ("groupIds", json!([group.0])),
    ];
    for (key, value) in expected {
        assert_eq!(row[key], value, "seller's {key} not stored: {row}");
    }
    if v3 {
        assert_eq!(row["maxConn"], SELLER_CONN, "{row}");
        let quota = quota_row(w, created.id);
        assert_eq!(quota["dailyLimitGB"], SELLER_DAILY, "{quota}");
        assert_eq!(quota["monthlyLimitGB"], SELLER_MONTHLY, "{quota}");
    }
    created.id
}

/// Sets every field by hand, updates a different one from the listed user, and asserts
/// `field` kept its value (on 2.1, that the 3.0-only fields do not exist at all).
async fn from_user_keeps(version: PanelVersion, field: UserField) {
    let w = World::new(version).await;
    let id = seller_user(&w).await;
    if field.v3_only() && !w.v3() {
        assert_no_v3_user_limits(&w, id).await;
        let mut update = UserUpdate::from_user(&listed_user(&w, id).await);
        field.change_another(&mut update);
        w.admin
            .update_user(&update)
            .await
            .expect("2.1 read-merge-write");
        assert_no_v3_user_limits(&w, id).await;
        return;
    }
    let before = field.value(&w, id);
    let listed = listed_user(&w, id).await;
    let mut update = UserUpdate::from_user(&listed);
    let (changed, new_value) = field.change_another(&mut update);
    w.admin
        .update_user(&update)
        .await
        .expect("read-merge-write");
    let row = user_row(&w, id);
    assert_eq!(row[changed], new_value, "the update went through: {row}");
    assert_eq!(
        field.value(&w, id),
        before,
        "{field:?} changed by an update of {changed} built with from_user: {row}"
    );
    if field == UserField::Password {
        w.client(SELLER_NAME, SELLER_PASSWORD)
            .token()
            .await
            .expect("the seller's password still logs in");
    }
}

macro_rules! from_user_keeps {
    ($($name:ident => $field:expr),* $(,)?) => {$(
        #[test_matrix([PanelVersion::V2_1, PanelVersion::V3_0])]
        #[tokio::test]
        async fn $name(version: PanelVersion) {
            from_user_keeps(version, $field).await;
        }
    )*};
}

from_user_keeps! {
    from_user_keeps_name => UserField::Name,
    from_user_keeps_flow => UserField::Flow,
    from_user_keeps_num => UserField::Num,
    from_user_keeps_exp_time => UserField::ExpTime,
    from_user_keeps_flow_reset_time => UserField::FlowResetTime,
    from_user_keeps_status => UserField::Status,
    from_user_keeps_password => UserField::Password,
    from_user_keeps_group_membership => UserField::Groups,
    from_user_keeps_max_conn => UserField::MaxConn,
    from_user_keeps_daily_quota => UserField::DailyQuota,
    from_user_keeps_monthly_quota => UserField::MonthlyQuota,
}

// ---------------------------------------------------------------------------------------
// SDK read-merge-write of a binding: `BindingUpdate::from_binding`, then change ANOTHER field.
// ---------------------------------------------------------------------------------------

/// A binding field `tunnel/user/update` replaces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum BindingField {
    Flow,
    Num,
    ExpTime,
    FlowResetTime,
    SpeedId,
    Status,
}

impl BindingField {
    fn column(self) -> &'static str {
        match self {
            BindingField::Flow => "flow",
            BindingField::Num => "num",
            BindingField::ExpTime => "expTime",
            BindingField::FlowResetTime => "flowResetTime",
            BindingField::SpeedId => "speedId",
            BindingField::Status => "status",
        }
    }

    /// Changes a field other than this one, and names it with its new database value.
    fn change_another(self, update: &mut BindingUpdate) -> (&'static str, Value) {
        match self {
            BindingField::Num => {
                update.flow = gib(45);
                ("flow", json!(45))
            }
            _ => {
                update.num = 5;
                ("num", json!(5))
            }
        }
    }
}

/// A user with one binding on the first tunnel, assigned with the defaults, then given a
/// non-default value in every field by an admin `tunnel/user/update` that sets them all.
async fn seller_binding(w: &World) -> BindingId {
    let user = recipes::create_user(
        w.admin.as_ref(),
        &NewUser {
            user: "sdk-user".into(),
            password: "Initial-pw1".into(),
            flow: gib(100),
            num: 10,
            exp_time: EpochMs::expiry(w.panel.now_ms() + 365 * DAY_MS).expect("expiry"),
            flow_reset_time: day(1),
            status: Status::Enabled,
            group_ids: None,
            max_conn: None,
            quota_limits: QuotaLimits::KEEP,
        },
    )
    .await
    .expect("create user");
    w.admin
        .assign_binding(&BindingAssign {
            user_id: user.id,
            tunnel_id: w.t1,
            flow: gib(100),
            num: 10,
            exp_time: EpochMs::expiry(w.panel.now_ms() + 365 * DAY_MS).expect("expiry"),
            flow_reset_time: day(1),
            status: Status::Enabled,
            speed_id: None,
        })
        .await
        .expect("assign");
    let bindings = w.admin.list_bindings(user.id).await.expect("bindings");
    assert_eq!(bindings.len(), 1, "{bindings:?}");
    let id = bindings[0].id;
    let exp = seller_expiry(w);
    w.admin
        .update_binding(&BindingUpdate {
            id,
            flow: gib(40),
            num: 4,
            exp_time: exp,
            flow_reset_time: day(9),
            speed_id: Some(w.s2),
            status: Status::Disabled,
        })
        .await
        .expect("seller's binding update with every field");
    let row = binding_row(w, id);
    let expected = [
        ("flow", json!(40)),
        ("num", json!(4)),
        ("expTime", json!(exp.get())),
        ("flowResetTime", json!(9)),
        ("speedId", json!(w.s2.0)),
        ("status", json!(0)),
    ];
    for (key, value) in expected {
        assert_eq!(row[key], value, "seller's {key} not stored: {row}");
    }
    id
}

/// The status to pass to `from_binding`: 3.0 lists the real one; 2.1 always lists 1, so
/// the caller passes the one it remembers (the seller's 0).
fn known_status(w: &World, listed: &Binding) -> Status {
    if w.v3() {
        assert_eq!(listed.status, Status::Disabled, "3.0 lists the real status");
        listed.status
    } else {
        assert_eq!(listed.status, Status::Enabled, "2.1 always lists 1");
        Status::Disabled
    }
}

/// Sets every binding field by hand, updates a different one from the listed binding, and
/// asserts `field` kept its value.
async fn from_binding_keeps(version: PanelVersion, field: BindingField) {
    let w = World::new(version).await;
    let id = seller_binding(&w).await;
    let before = binding_row(&w, id)[field.column()].clone();
    let user = UserId(int(&binding_row(&w, id), "userId"));
    let bindings = w.admin.list_bindings(user).await.expect("bindings");
    let listed = match bindings.iter().find(|b| b.id == id) {
        Some(b) => b,
        None => panic!("binding {id} not listed: {bindings:?}"),
    };
    let mut update = BindingUpdate::from_binding(listed, known_status(&w, listed));
    let (changed, new_value) = field.change_another(&mut update);
    w.admin
        .update_binding(&update)
        .await
        .expect("read-merge-write");
    let row = binding_row(&w, id);
    assert_eq!(row[changed], new_value, "the update went through: {row}");
    assert_eq!(
        row[field.column()],
        before,
        "{field:?} changed by an update of {changed} built with from_binding: {row}"
    );
}

macro_rules! from_binding_keeps {
    ($($name:ident => $field:expr),* $(,)?) => {$(
        #[test_matrix([PanelVersion::V2_1, PanelVersion::V3_0])]
        #[tokio::test]
        async fn $name(version: PanelVersion) {
            from_binding_keeps(version, $field).await;
        }
    )*};
}

from_binding_keeps! {
    from_binding_keeps_flow => BindingField::Flow,
    from_binding_keeps_num => BindingField::Num,
    from_binding_keeps_exp_time => BindingField::ExpTime,
    from_binding_keeps_flow_reset_time => BindingField::FlowResetTime,
    from_binding_keeps_speed_id => BindingField::SpeedId,
    from_binding_keeps_status => BindingField::Status,
}

// ---------------------------------------------------------------------------------------
// Engine updates from a plan that leaves the 3.0 limits empty keep the seller's values.
// ---------------------------------------------------------------------------------------

/// An engine operation that writes the user from the plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    ChangePassword,
    ChangePackage,
    Suspend,
    Unsuspend,
    Renew,
    Sync,
    ResetTraffic,
}

/// What the seller set by hand on the panel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum HandSet {
    MaxConn,
    QuotaWindows,
}

/// A plan from `opts` with the 3.0 options (positions 12-14) given as `extra`.
fn plan_with(opts: &Opts, extra: &[(&str, &str)]) -> Plan {
    let input = PlanInput {
        product_options: opts.values(),
        configurable_options: extra
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
    };
    match Plan::parse(&input) {
        Ok(plan) => plan,
        Err(e) => panic!("plan {extra:?}: {e}"),
    }
}

/// The created service's panel user.
fn service_user(w: &World) -> UserId {
    UserId(int(&w.user(USERNAME), "id"))
}

/// The seller's hand edit: the listed user with every field resent, and a connection cap
/// of 7 or quota windows of 2 and 20 GiB (3.0).
async fn hand_set(w: &World, what: HandSet) {
    let id = service_user(w);
    let mut update = UserUpdate::from_user(&listed_user(w, id).await);
    match what {
        HandSet::MaxConn => update.max_conn = Some(SELLER_CONN),
        HandSet::QuotaWindows => {
            update.quota_limits = QuotaLimits {
                daily: Some(gib(SELLER_DAILY)),
                monthly: Some(gib(SELLER_MONTHLY)),
            }
        }
    }
    w.admin.update_user(&update).await.expect("seller's edit");
    assert_hand_set_kept(w, what, "the seller's edit");
}

fn assert_hand_set_kept(w: &World, what: HandSet, step: &str) {
    let id = service_user(w);
    match what {
        HandSet::MaxConn => {
            let row = user_row(w, id);
            assert_eq!(
                row["maxConn"], SELLER_CONN,
                "{step}: connection cap changed: {row}"
            );
        }
        HandSet::QuotaWindows => {
            let quota = quota_row(w, id);
            assert_eq!(
                quota["dailyLimitGB"], SELLER_DAILY,
                "{step}: daily quota changed: {quota}"
            );
            assert_eq!(
                quota["monthlyLimitGB"], SELLER_MONTHLY,
                "{step}: monthly quota changed: {quota}"
            );
        }
    }
}

/// Runs `op` on the created `svc` (renew and change package with a new due date or plan).
async fn run_op(w: &World, opts: &Opts, svc: &Service, op: Op) {
    let result = match op {
        Op::ChangePassword => {
            let changed = Service {
                password: "N3w-secret".into(),
                ..svc.clone()
            };
            w.engine.change_password(&changed).await
        }
        Op::ChangePackage => {
            let mut bigger = opts.clone();
            bigger.quota = "300".into();
            let changed = Service {
                plan: bigger.plan(),
                ..svc.clone()
            };
            w.engine.change_package(&changed).await
        }
        Op::Suspend => w.engine.suspend(svc).await,
        Op::Unsuspend => w.engine.unsuspend(svc).await,
        Op::Renew => {
            let renewed = opts.service(SERVICE_ID, &Due::in_days(100));
            w.engine.renew(&renewed).await
        }
        Op::Sync => w.engine.sync(svc).await,
        Op::ResetTraffic => w.engine.reset_traffic(svc).await,
    };
    if let Err(e) = result {
        panic!("{op:?}: {e}");
    }
}

/// Creates the service on a plan that leaves the 3.0 limits empty, sets `what` by hand
/// (3.0), runs `op`, and asserts the hand-set value survived (2.1: that it does not exist).
async fn engine_keeps(version: PanelVersion, op: Op, what: HandSet) {
    let w = World::new(version).await;
    let opts = Opts::standard(&w);
    let svc = opts.service(SERVICE_ID, &Due::in_days(38));
    assert_eq!(
        svc.plan.max_connections, None,
        "the plan leaves the cap empty"
    );
    assert_eq!(svc.plan.quota_limits, QuotaLimits::KEEP, "and the windows");
    w.engine.create(&svc).await.expect("create");
    w.add_forward(&svc, w.t1, "web").await;
    if op == Op::Unsuspend {
        w.engine.suspend(&svc).await.expect("suspend first");
    }
    if w.v3() {
        hand_set(&w, what).await;
    }
    w.panel.clear_journal();
    run_op(&w, &opts, &svc, op).await;
    if op != Op::ResetTraffic {
        assert!(
            w.panel.requests_to(endpoints::USER_UPDATE.path) >= 1,
            "{op:?} wrote the user: {:?}",
            w.short_paths()
        );
    }
    if w.v3() {
        assert_hand_set_kept(&w, what, &format!("{op:?}"));
    } else {
        assert_no_v3_user_limits(&w, service_user(&w)).await;
    }
}

macro_rules! engine_keeps {
    ($($name:ident => $op:expr, $what:expr);* $(;)?) => {$(
        #[test_matrix([PanelVersion::V2_1, PanelVersion::V3_0])]
        #[tokio::test]
        async fn $name(version: PanelVersion) {
            engine_keeps(version, $op, $what).await;
        }
    )*};
}

engine_keeps! {
    change_password_keeps_max_conn => Op::ChangePassword, HandSet::MaxConn;
    change_package_keeps_max_conn => Op::ChangePackage, HandSet::MaxConn;
    suspend_keeps_max_conn => Op::Suspend, HandSet::MaxConn;
    unsuspend_keeps_max_conn => Op::Unsuspend, HandSet::MaxConn;
    renew_keeps_max_conn => Op::Renew, HandSet::MaxConn;
    sync_keeps_max_conn => Op::Sync, HandSet::MaxConn;
    reset_traffic_keeps_max_conn => Op::ResetTraffic, HandSet::MaxConn;
    change_password_keeps_quota_windows => Op::ChangePassword, HandSet::QuotaWindows;
    change_package_keeps_quota_windows => Op::ChangePackage, HandSet::QuotaWindows;
    suspend_keeps_quota_windows => Op::Suspend, HandSet::QuotaWindows;
    unsuspend_keeps_quota_windows => Op::Unsuspend, HandSet::QuotaWindows;
    renew_keeps_quota_windows => Op::Renew, HandSet::QuotaWindows;
    sync_keeps_quota_windows => Op::Sync, HandSet::QuotaWindows;
    reset_traffic_keeps_quota_windows => Op::ResetTraffic, HandSet::QuotaWindows;
}

/// A plan that sets max connections writes its value over the seller's (3.0); 2.1 refuses
/// the plan before writing anything.
#[test_matrix([PanelVersion::V2_1, PanelVersion::V3_0])]
#[tokio::test]
async fn change_package_writes_the_plans_max_connections(version: PanelVersion) {
    let w = World::new(version).await;
    let opts = Opts::standard(&w);
    let svc = opts.service(SERVICE_ID, &Due::in_days(38));
    w.engine.create(&svc).await.expect("create");
    if w.v3() {
        hand_set(&w, HandSet::MaxConn).await;
    }
    let capped = Service {
        plan: plan_with(&opts, &[("max_connections", "9")]),
        ..svc.clone()
    };
    assert_eq!(capped.plan.max_connections, Some(9));
    w.panel.clear_journal();
    let result = w.engine.change_package(&capped).await;
    if w.v3() {
        result.expect("change package");
        let row = user_row(&w, service_user(&w));
        assert_eq!(row["maxConn"], 9, "the plan's cap is written: {row}");
        let bodies = w.bodies_to(endpoints::USER_UPDATE.path);
        assert_eq!(bodies.len(), 1, "{bodies:?}");
        assert_eq!(bodies[0]["maxConn"], 9, "{}", bodies[0]);
    } else {
        assert!(result.is_err(), "2.1 has no connection cap: {result:?}");
        assert_eq!(w.panel.requests_to(endpoints::USER_UPDATE.path), 0);
        assert_no_v3_user_limits(&w, service_user(&w)).await;
    }
}

// ---------------------------------------------------------------------------------------
// The reproduction.
// ---------------------------------------------------------------------------------------

/// "A password change or a package change through the module wipes a connection limit the
/// seller set on the panel (reproduced: 7 -> 0)."
#[tokio::test]
async fn password_or_package_change_keeps_the_sellers_connection_limit() {
    let w = World::new(PanelVersion::V3_0).await;
    let opts = Opts::standard(&w);
    let svc = opts.service(SERVICE_ID, &Due::in_days(38));
    w.engine.create(&svc).await.expect("create");
    hand_set(&w, HandSet::MaxConn).await;

    w.panel.clear_journal();
    run_op(&w, &opts, &svc, Op::ChangePassword).await;
    assert_hand_set_kept(&w, HandSet::MaxConn, "change password");
    run_op(&w, &opts, &svc, Op::ChangePackage).await;
    assert_hand_set_kept(&w, HandSet::MaxConn, "change package");

    let bodies = w.bodies_to(endpoints::USER_UPDATE.path);
    assert_eq!(bodies.len(), 2, "{bodies:?}");
    for body in &bodies {
        assert_eq!(body["maxConn"], SELLER_CONN, "the cap is resent: {body}");
    }
}
