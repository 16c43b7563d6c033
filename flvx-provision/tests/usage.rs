//! Usage for a whole server from one `user/list` call (DESIGN "Usage"), in WHMCS's MB.

mod common;

use flvx_api::PanelVersion;
use test_case::test_matrix;

use common::{DAY_MS, World};
use flvx_api::endpoints;
use flvx_api::ids::{ForwardId, UserId};
use flvx_api::models::{BindingAssign, NewForward, NewUser};
use flvx_api::units::{Bytes, EpochMs, Gib, ResetDay, Status};
use flvx_api::{FlvxApi, recipes};
use flvx_provision::usage::{ServiceUsage, usage};
use flvx_provision::{ServiceRecord, ServiceStore, Version};
use std::collections::HashMap;

const SERVICES: u64 = 1_000;
const MB: u64 = 1 << 20;

fn quota_of(service: u64) -> Gib {
    if service == 7 {
        Gib::UNLIMITED
    } else {
        Gib::new(1 + service % 50).expect("quota")
    }
}

/// Traffic (up, down) in bytes for the services that get a forward.
fn traffic_of(service: u64) -> Option<(u64, u64)> {
    match service {
        1 => Some((3 * MB + 5, 7 * MB)),
        2 => Some((0, 1)),
        7 => Some((5 << 30, 1 << 30)),
        500 => Some((MB - 1, MB - 1)),
        1_000 => Some((123_456_789, 987_654_321)),
        _ => None,
    }
}

#[test_matrix([PanelVersion::V2_1, PanelVersion::V3_0])]
#[tokio::test]
async fn usage_of_a_thousand_services_takes_one_call(version: PanelVersion) {
    let w = World::new(version).await;
    let exp = EpochMs(w.panel.now_ms() + 60 * DAY_MS);
    for service in 1..=SERVICES {
        let user = NewUser {
            user: format!("bulk{service}"),
            password: "bulk-pw".into(),
            flow: quota_of(service),
            num: 5,
            exp_time: exp,
            flow_reset_time: ResetDay::day(15).expect("day"),
            status: Status::Enabled,
            group_ids: None,
            max_conn: None,
            quota_limits: Default::default(),
        };
        w.admin.create_user(&user).await.expect("create user");
    }
    let ids: HashMap<String, UserId> = w
        .admin
        .list_users(None)
        .await
        .expect("list")
        .into_iter()
        .map(|u| (u.user, u.id))
        .collect();
    assert_eq!(ids.len(), SERVICES as usize);
    for service in 1..=SERVICES {
        let record = ServiceRecord {
            username: Some(format!("bulk{service}")),
            user_id: Some(ids[&format!("bulk{service}")]),
            ..ServiceRecord::default()
        };
        w.store
            .save(service, &record, Version::ABSENT)
            .await
            .expect("save");
    }
    // A service whose panel user was deleted by hand, and one never provisioned.
    let gone = ServiceRecord {
        user_id: Some(UserId(999_999)),
        ..ServiceRecord::default()
    };
    w.store
        .save(SERVICES + 1, &gone, Version::ABSENT)
        .await
        .expect("save");

    for service in (1..=SERVICES).filter(|s| traffic_of(*s).is_some()) {
        let uid = ids[&format!("bulk{service}")];
        let assign = BindingAssign {
            user_id: uid,
            tunnel_id: w.t1,
            flow: quota_of(service),
            num: 5,
            exp_time: exp,
            flow_reset_time: ResetDay::day(15).expect("day"),
            status: Status::Enabled,
            speed_id: None,
        };
        w.admin.assign_binding(&assign).await.expect("assign");
        let customer = w.client(&format!("bulk{service}"), "bulk-pw");
        let new = NewForward {
            tunnel_id: w.t1,
            name: "f".into(),
            remote_addr: "198.51.100.7:443".into(),
            in_port: None,
            strategy: None,
        };
        let forward: ForwardId = recipes::create_forward(&customer, &new)
            .await
            .expect("forward")
            .id;
        let (up, down) = traffic_of(service).unwrap_or_default();
        w.panel.add_traffic(forward, up, down);
    }

    let wanted: Vec<u64> = (1..=SERVICES + 2).collect();
    w.panel.clear_journal();
    let started = std::time::Instant::now();
    let result = usage(w.engine.api().as_ref(), w.store.as_ref(), &wanted)
        .await
        .expect("usage");
    let elapsed = started.elapsed();
    let journal = w.panel.journal();
    assert_eq!(
        journal.len(),
        1,
        "{:?}",
        journal.iter().map(|e| &e.path).collect::<Vec<_>>()
    );
    assert_eq!(journal[0].path, endpoints::USER_LIST.path);
    assert!(elapsed.as_secs() < 5, "usage took {elapsed:?}");

    assert_eq!(
        result.len(),
        SERVICES as usize,
        "the missing user and the unprovisioned service are left out"
    );
    let by_service: HashMap<u64, ServiceUsage> = result.iter().map(|u| (u.service, *u)).collect();
    for service in 1..=SERVICES {
        let u = by_service[&service];
        let (up, down) = traffic_of(service).unwrap_or_default();
        assert_eq!(u.used, Bytes(up + down), "service {service}");
        assert_eq!(u.usage_mb(), (up + down) / MB, "service {service}");
        assert_eq!(u.quota, quota_of(service), "service {service}");
        let limit = if service == 7 {
            0
        } else {
            quota_of(service).get() * 1024
        };
        assert_eq!(u.limit_mb(), limit, "service {service}");
    }
    assert_eq!(by_service[&1].usage_mb(), 10);
    assert_eq!(by_service[&2].usage_mb(), 0);
    assert_eq!(by_service[&500].usage_mb(), 1);
    assert_eq!(by_service[&7].usage_mb(), 6 * 1024);
    assert_eq!(by_service[&1_000].usage_mb(), 1_111_111_110 / MB);
}

#[test_matrix([PanelVersion::V2_1, PanelVersion::V3_0])]
#[tokio::test]
async fn usage_of_no_provisioned_service_sends_nothing(version: PanelVersion) {
    let w = World::new(version).await;
    let result = usage(w.engine.api().as_ref(), w.store.as_ref(), &[1, 2, 3])
        .await
        .expect("usage");
    assert!(result.is_empty());
    assert!(w.panel.journal().is_empty());
}
