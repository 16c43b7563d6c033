//! The contract every `ServiceStore` keeps, written once and run on each store: loads of
//! missing services, round trips, compare-and-swap (stale saves refused, one winner among
//! concurrent savers), independence of services, persistence across a reopen, and a
//! schema applied once however often the store is opened; and the daily usage samples
//! (kept by day, replaced within a day, pruned to 30 days, per service).

mod common;

use common::stores::TestDb;
use flvx_api::ids::{BindingId, ForwardId, TunnelId, UserId};
use flvx_api::units::Bytes;
use flvx_api::units::EpochMs;
use flvx_provision::secret::PanelSecret;
use flvx_provision::store::{DAILY_USAGE_DAYS, DailyUsage, ServiceStore, StoreError, Version};
use flvx_provision::{ProvisionError, ServiceRecord};
use std::collections::BTreeMap;

/// A record with every field set away from its default.
fn full_record(seed: i64) -> ServiceRecord {
    ServiceRecord {
        username: Some(format!("whmcs{seed}-客户")),
        user_id: Some(UserId(seed * 1000 + 7)),
        bindings: BTreeMap::from([
            (TunnelId(1), BindingId(seed * 10 + 1)),
            (TunnelId(i64::from(i32::MAX) + 5), BindingId(seed * 10 + 2)),
        ]),
        suspended_forwards: vec![ForwardId(seed + 3), ForwardId(seed + 1)],
        customer_paused: vec![ForwardId(seed + 2)],
        create_pending: true,
        suspended: true,
        terminated: true,
        repause_tunnels: vec![TunnelId(9), TunnelId(1)],
        pushed_expiry: Some(EpochMs(1_767_225_600_000 + seed)),
        panel_secret: Some(PanelSecret::new(format!("secret-{seed}-密"))),
    }
}

async fn save(store: &dyn ServiceStore, id: u64, r: &ServiceRecord, v: Version) -> Version {
    match store.save(id, r, v).await {
        Ok(version) => version,
        Err(e) => panic!("save {id} at {v}: {e}"),
    }
}

async fn load(store: &dyn ServiceStore, id: u64) -> (ServiceRecord, Version) {
    match store.load(id).await {
        Ok(stored) => (stored.record, stored.version),
        Err(e) => panic!("load {id}: {e}"),
    }
}

async fn load_of_a_missing_service_is_an_empty_record_at_version_absent(db: &TestDb) {
    let store = db.open().await;
    assert_eq!(
        load(store.as_ref(), 4040).await,
        (ServiceRecord::default(), Version::ABSENT)
    );
}

async fn save_then_load_round_trips_every_field(db: &TestDb) {
    let store = db.open().await;
    let record = full_record(1);
    let v1 = save(store.as_ref(), 1, &record, Version::ABSENT).await;
    assert_eq!(v1, Version(1));
    assert_eq!(load(store.as_ref(), 1).await, (record, v1));
    let empty = ServiceRecord::default();
    let v2 = save(store.as_ref(), 1, &empty, v1).await;
    assert_eq!(v2, Version(2), "every save counts one up");
    assert_eq!(load(store.as_ref(), 1).await, (empty, v2));
}

async fn a_stale_save_is_refused_with_a_conflict_and_changes_nothing(db: &TestDb) {
    let store = db.open().await;
    let v1 = save(store.as_ref(), 5, &full_record(1), Version::ABSENT).await;
    let newer = full_record(2);
    let v2 = save(store.as_ref(), 5, &newer, v1).await;
    for stale in [v1, Version::ABSENT, Version(v2.0 + 1)] {
        let answer = store.save(5, &full_record(3), stale).await;
        match answer {
            Err(StoreError::Conflict {
                service: 5,
                expected,
                found,
            }) => assert_eq!((expected, found), (stale, v2)),
            other => panic!("save at {stale} over {v2}: {other:?}"),
        }
        assert_eq!(load(store.as_ref(), 5).await, (newer.clone(), v2));
    }
    let missing = store.save(6, &full_record(3), v1).await;
    assert!(
        matches!(
            missing,
            Err(StoreError::Conflict { expected, found: Version::ABSENT, .. }) if expected == v1
        ),
        "a save at a version of a service never saved: {missing:?}"
    );
    assert_eq!(
        load(store.as_ref(), 6).await,
        (ServiceRecord::default(), Version::ABSENT)
    );
}

async fn the_conflict_names_its_cause_and_the_fix(db: &TestDb) {
    let store = db.open().await;
    let v1 = save(store.as_ref(), 8, &full_record(1), Version::ABSENT).await;
    save(store.as_ref(), 8, &full_record(2), v1).await;
    let Err(error) = store.save(8, &full_record(3), v1).await else {
        panic!("the stale save went through");
    };
    assert!(error.is_conflict());
    let text = error.to_string();
    for part in [
        "service 8",
        "another operation saved it first",
        "run the operation again",
    ] {
        assert!(text.contains(part), "{text}");
    }
    let engine_error = ProvisionError::from(error);
    assert!(engine_error.is_conflict());
    assert!(
        engine_error.to_string().contains("Run the action again"),
        "{engine_error}"
    );
}

async fn of_concurrent_savers_from_one_version_exactly_one_wins(db: &TestDb) {
    let (one, two) = (db.open().await, db.open().await);
    for round in 0..10_i64 {
        let id = 100;
        let (_, read) = load(one.as_ref(), id).await;
        let (mine, theirs) = (full_record(round * 2), full_record(round * 2 + 1));
        let (a, b) = tokio::join!(one.save(id, &mine, read), two.save(id, &theirs, read));
        let winner = match (a, b) {
            (Ok(v), Err(e)) if e.is_conflict() => (mine, v),
            (Err(e), Ok(v)) if e.is_conflict() => (theirs, v),
            other => panic!("round {round}, both saving over {read}: {other:?}"),
        };
        assert_eq!(winner.1, read.next());
        assert_eq!(load(two.as_ref(), id).await, winner, "round {round}");
    }
}

async fn records_of_different_services_are_independent(db: &TestDb) {
    let store = db.open().await;
    let v = save(store.as_ref(), 21, &full_record(21), Version::ABSENT).await;
    let v = save(store.as_ref(), 21, &full_record(22), v).await;
    let other = save(store.as_ref(), 22, &full_record(23), Version::ABSENT).await;
    assert_eq!(other, Version(1), "versions count per service");
    let refused = store.save(21, &full_record(24), other).await;
    assert!(refused.is_err_and(|e| e.is_conflict()));
    assert_eq!(load(store.as_ref(), 22).await, (full_record(23), other));
    assert_eq!(load(store.as_ref(), 21).await, (full_record(22), v));
}

async fn records_survive_closing_and_reopening_the_store(db: &TestDb) {
    let store = db.open().await;
    let v = save(store.as_ref(), 31, &full_record(31), Version::ABSENT).await;
    drop(store);
    let reopened = db.open().await;
    assert_eq!(load(reopened.as_ref(), 31).await, (full_record(31), v));
    save(reopened.as_ref(), 31, &full_record(32), v).await;
}

async fn opening_again_and_at_once_applies_the_schema_once(db: &TestDb) {
    let first = db.open().await;
    let v = save(first.as_ref(), 41, &full_record(41), Version::ABSENT).await;
    let (second, third) = tokio::join!(db.open(), db.open());
    assert_eq!(load(second.as_ref(), 41).await, (full_record(41), v));
    assert_eq!(load(third.as_ref(), 41).await, (full_record(41), v));
}

async fn daily_samples_are_kept_by_day_replaced_within_it_and_pruned(db: &TestDb) {
    let history = db.open_history().await;
    let day = 20_600;
    let sample = |day: i64, used: u64| DailyUsage {
        day,
        used: Bytes(used),
    };
    let record = |day: i64, rows: Vec<(u64, Bytes)>| {
        let history = history.clone();
        async move {
            if let Err(e) = history.record_daily(day, &rows).await {
                panic!("record day {day}: {e}");
            }
        }
    };
    record(day, vec![(61, Bytes(100)), (62, Bytes(7))]).await;
    record(day, vec![(61, Bytes(150))]).await;
    record(day + 1, vec![(61, Bytes(u64::MAX))]).await;
    let read = |service: u64, from: i64| {
        let history = db.open_history();
        async move {
            match history.await.daily_usage(service, from).await {
                Ok(rows) => rows,
                Err(e) => panic!("read {service}: {e}"),
            }
        }
    };
    assert_eq!(
        read(61, 0).await,
        [sample(day, 150), sample(day + 1, i64::MAX as u64)],
        "the later sample of a day replaces the earlier; counters saturate at int64"
    );
    assert_eq!(read(62, 0).await, [sample(day, 7)]);
    assert_eq!(read(61, day + 1).await, [sample(day + 1, i64::MAX as u64)]);
    let last = day + DAILY_USAGE_DAYS;
    record(last, vec![(62, Bytes(9))]).await;
    assert_eq!(
        read(61, 0).await,
        [sample(day + 1, i64::MAX as u64)],
        "day 1 pruned"
    );
    assert_eq!(read(62, 0).await, [sample(last, 9)]);
}

/// SQL stores: a database whose schema is newer than this version is refused on open.
#[cfg(any(feature = "sqlite", feature = "postgres"))]
async fn a_database_migrated_by_a_newer_version_is_refused(db: &TestDb) {
    let store = db.open().await;
    save(store.as_ref(), 51, &full_record(51), Version::ABSENT).await;
    db.execute(
        "INSERT INTO flvx_store_migrations (version, description, applied_at) \
         VALUES (999, 'from a later flvx-provision', 'later')",
    )
    .await;
    match db.try_open().await {
        Err(
            e @ StoreError::SchemaTooNew {
                found: 999,
                known: 2,
                ..
            },
        ) => {
            assert!(e.to_string().contains("upgrade flvx-provision"), "{e}");
        }
        Err(e) => panic!("{e}"),
        Ok(_) => panic!("opened a database migrated by a newer version"),
    }
}

/// SQL stores: a record that does not decode is an error naming the service, never an
/// empty record that the next save would write over it.
#[cfg(any(feature = "sqlite", feature = "postgres"))]
async fn a_record_the_store_cannot_read_is_an_error_not_an_empty_record(db: &TestDb) {
    let store = db.open().await;
    save(store.as_ref(), 52, &full_record(52), Version::ABSENT).await;
    db.execute(
        "UPDATE flvx_service_records SET record = '{\"suspended\": \"yes\"}' \
         WHERE service_id = 52",
    )
    .await;
    match store.load(52).await {
        Err(e @ StoreError::Corrupt { service: 52, .. }) => {
            assert!(e.to_string().contains("service 52"), "{e}");
        }
        other => panic!("{other:?}"),
    }
}

/// The PostgreSQL store's `Debug` and errors never show the password.
#[cfg(feature = "postgres")]
#[tokio::test]
async fn the_postgres_store_never_shows_a_password() {
    use flvx_provision::PostgresStore;
    let Some(db) = TestDb::postgres().await else {
        return;
    };
    let store = match PostgresStore::connect_with(db.pg_options()).await {
        Ok(store) => store,
        Err(e) => panic!("{e}"),
    };
    let TestDb::Postgres { url, .. } = &db else {
        unreachable!("a PostgreSQL database")
    };
    let password = url
        .split_once("://")
        .and_then(|(_, rest)| rest.split_once('@'))
        .and_then(|(user, _)| user.split_once(':'))
        .map(|(_, password)| password.to_owned())
        .unwrap_or_default();
    let shown = format!("{store:?}");
    assert!(
        shown.contains("PostgresStore") && shown.contains("127.0.0.1"),
        "{shown}"
    );
    if !password.is_empty() {
        assert!(!shown.contains(&password), "{shown}");
    }

    let tried = "Wr0ng-pass-7731";
    let wrong = PostgresStore::connect_with(db.pg_options().password(tried)).await;
    if let Err(e) = wrong {
        assert!(!e.to_string().contains(tried), "{e}");
        assert!(!format!("{e:?}").contains(tried), "{e:?}");
    }
    let bad_url =
        PostgresStore::connect("postgres://flvx:S3cret-in-url@127.0.0.1:notaport/db").await;
    match bad_url {
        Err(e) => assert!(!e.to_string().contains("S3cret-in-url"), "{e}"),
        Ok(_) => panic!("connected with a bad URL"),
    }
}

/// One module per store, with one test per contract function (SQL stores also run the
/// `sql` list).
macro_rules! contract {
    ($store:ident, $db:expr $(, sql: [$($sql:ident),* $(,)?])?) => {
        contract!(@tests $store, $db, [$($($sql,)*)?
            load_of_a_missing_service_is_an_empty_record_at_version_absent,
            save_then_load_round_trips_every_field,
            a_stale_save_is_refused_with_a_conflict_and_changes_nothing,
            the_conflict_names_its_cause_and_the_fix,
            of_concurrent_savers_from_one_version_exactly_one_wins,
            records_of_different_services_are_independent,
            records_survive_closing_and_reopening_the_store,
            opening_again_and_at_once_applies_the_schema_once,
            daily_samples_are_kept_by_day_replaced_within_it_and_pruned,
        ]);
    };
    (@tests $store:ident, $db:expr, [$($test:ident,)*]) => {
        mod $store {
            #[allow(unused_imports)]
            use super::*;
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $test() {
                    let Some(db) = $db else { return };
                    super::$test(&db).await;
                }
            )*
        }
    };
}

contract!(memory, Some(TestDb::memory()));
#[cfg(feature = "sqlite")]
contract!(sqlite, Some(TestDb::sqlite()), sql: [
    a_database_migrated_by_a_newer_version_is_refused,
    a_record_the_store_cannot_read_is_an_error_not_an_empty_record,
]);
#[cfg(feature = "postgres")]
contract!(postgres, TestDb::postgres().await, sql: [
    a_database_migrated_by_a_newer_version_is_refused,
    a_record_the_store_cannot_read_is_an_error_not_an_empty_record,
]);
