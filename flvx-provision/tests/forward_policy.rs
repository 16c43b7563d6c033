//! The forward policy through the engine, on both panel lines: refused targets and entry
//! ports are caught before anything is created (most before any call), where the panel
//! would have accepted them (2.1 checks neither; 3.0 only loopback and private targets of
//! customers, and ports).

mod common;

use common::{Due, Opts, SERVICE_ID, World};
use flvx_api::PanelVersion;
use flvx_api::endpoints;
use flvx_provision::ProvisionError;
use flvx_provision::engine::ForwardRequest;
use flvx_provision::messages::{Lang, Msg};
use flvx_provision::{Service, policy};
use test_case::test_matrix;

fn request(w: &World, target: &str, port: Option<u16>) -> ForwardRequest {
    ForwardRequest {
        tunnel: w.t1,
        name: "web".into(),
        target: target.into(),
        port,
    }
}

async fn provisioned(w: &World, edit: impl FnOnce(&mut Opts)) -> Service {
    let mut opts = Opts::standard(w);
    edit(&mut opts);
    let svc = opts.service(SERVICE_ID, &Due::in_days(38));
    w.engine.create(&svc).await.expect("create");
    w.panel.clear_journal();
    svc
}

async fn refused(w: &World, svc: &Service, target: &str, port: Option<u16>) -> ProvisionError {
    let err = w
        .engine
        .add_forward(svc, &request(w, target, port))
        .await
        .expect_err(target);
    assert_eq!(
        w.panel.requests_to(endpoints::FORWARD_CREATE.path),
        0,
        "{target}: nothing created"
    );
    assert!(w.rows("forwards").is_empty(), "{target}");
    err
}

#[test_matrix([PanelVersion::V2_1, PanelVersion::V3_0])]
#[tokio::test]
async fn refused_networks_are_caught_before_any_call(version: PanelVersion) {
    let w = World::new(version).await;
    let svc = provisioned(&w, |_| {}).await;
    let cases = [
        ("127.0.0.2:80", "127.0.0.0/8"),
        ("[::1]:80", "::1/128"),
        ("0.0.0.0:80", "0.0.0.0/8"),
        ("[::]:80", "::/128"),
        ("169.254.169.254:80", "169.254.0.0/16"),
        ("[fe80::1]:80", "fe80::/10"),
        ("10.0.0.5:80", "10.0.0.0/8"),
        ("172.16.0.1:80", "172.16.0.0/12"),
        ("192.168.1.1:80", "192.168.0.0/16"),
        ("[fd00::1]:80", "fc00::/7"),
        ("100.64.0.1:80", "100.64.0.0/10"),
        ("224.0.0.1:80", "224.0.0.0/4"),
        ("[ff02::1]:80", "ff00::/8"),
        ("255.255.255.255:80", "255.255.255.255/32"),
        ("[::ffff:127.0.0.9]:80", "127.0.0.0/8"),
        ("[::ffff:10.0.0.1]:80", "10.0.0.0/8"),
        ("db.internal:5432", "10.0.0.0/8"),
        ("198.51.100.7:80,10.0.0.1:80", "10.0.0.0/8"),
    ];
    for (target, cidr) in cases {
        let err = refused(&w, &svc, target, None).await;
        assert!(
            matches!(&err, ProvisionError::TargetRefused { range, .. } if *range == cidr),
            "{target}: {err:?}"
        );
        assert!(w.calls().is_empty(), "{target}: no call");
    }
    // The fake panel listens on 127.0.0.1, so that address (and `localhost`) is refused
    // as the panel's own, before the loopback range.
    for panel in ["127.0.0.1:80", "localhost:80", "[::ffff:127.0.0.1]:80"] {
        let err = refused(&w, &svc, panel, None).await;
        assert!(
            matches!(err, ProvisionError::TargetIsPanel { .. }),
            "{panel}: {err:?}"
        );
    }
    let err = refused(&w, &svc, "10.0.0.5:80", None).await;
    assert_eq!(
        err.message(Lang::En),
        "The target 10.0.0.5:80 points to 10.0.0.5, which is in a private network \
         (10.0.0.0/8); this service may not forward there. Use a public address."
    );
    assert_eq!(
        err.message(Lang::Zh),
        "目标 10.0.0.5:80 指向 10.0.0.5，属于内网（10.0.0.0/8），此服务不允许转发到该地址。请使用公网地址。"
    );
    let err = refused(&w, &svc, "[::ffff:169.254.169.254]:80", None).await;
    assert!(
        err.to_string()
            .contains("points to 169.254.169.254, which is in a link-local"),
        "{err}"
    );
}

#[test_matrix([PanelVersion::V2_1, PanelVersion::V3_0])]
#[tokio::test]
async fn malformed_long_many_and_unresolvable_targets_are_refused_before_any_call(
    version: PanelVersion,
) {
    let w = World::new(version).await;
    let svc = provisioned(&w, |_| {}).await;
    let long = format!("{}.example:80", "a".repeat(5_000));
    let err = refused(&w, &svc, &long, None).await;
    assert!(matches!(err, ProvisionError::TargetHostInvalid), "{err:?}");
    let many = ["198.51.100.7:80"; 11].join(",");
    let err = refused(&w, &svc, &many, None).await;
    assert!(
        matches!(err, ProvisionError::TooManyTargets { count: 11, max: 10 }),
        "{err:?}"
    );
    for shorthand in ["127.1:80", "0x7f000001:80", "::1:80"] {
        let err = refused(&w, &svc, shorthand, None).await;
        assert!(
            matches!(err, ProvisionError::TargetHostInvalid),
            "{shorthand}: {err:?}"
        );
    }
    let err = refused(&w, &svc, "svc.invalid:80", None).await;
    assert!(
        matches!(err, ProvisionError::TargetUnresolved { .. }),
        "{err:?}"
    );
    assert!(
        err.to_string()
            .contains("svc.invalid:80 could not be resolved"),
        "{err}"
    );
    assert!(w.calls().is_empty());
}

#[test_matrix([PanelVersion::V2_1, PanelVersion::V3_0])]
#[tokio::test]
async fn the_nodes_and_the_panels_own_addresses_are_refused(version: PanelVersion) {
    let w = World::new(version).await;
    let svc = provisioned(&w, |o| o.allowed_networks = "127.0.0.0/8".into()).await;
    // The fake node's address (node/list `serverIp`).
    let err = refused(&w, &svc, "198.51.100.1:443", None).await;
    assert!(
        matches!(&err, ProvisionError::TargetIsNode { node, .. } if node == "node-1"),
        "{err:?}"
    );
    assert_eq!(
        w.call_paths(),
        [endpoints::FORWARD_LIST.path, endpoints::NODE_LIST.path]
    );
    // The panel's URL host; loopback is allowed by the seller here, the panel never is.
    w.panel.clear_journal();
    let url = w.panel.url();
    let host = policy::url_host(&url).expect("host").to_owned();
    let err = refused(&w, &svc, &format!("{host}:80"), None).await;
    assert!(
        matches!(err, ProvisionError::TargetIsPanel { .. }),
        "{err:?}"
    );
    assert!(w.calls().is_empty(), "refused before any call");
}

#[test_matrix([PanelVersion::V2_1, PanelVersion::V3_0])]
#[tokio::test]
async fn allowed_networks_lift_the_refusal_where_the_panel_agrees(version: PanelVersion) {
    let w = World::new(version).await;
    let svc = provisioned(&w, |o| {
        o.allowed_networks = "10.20.0.0/16, fd00:1::/64".into()
    })
    .await;
    let err = refused(&w, &svc, "10.21.0.1:80", None).await;
    assert!(
        matches!(err, ProvisionError::TargetRefused { .. }),
        "{err:?}"
    );
    let added = w
        .engine
        .add_forward(&svc, &request(&w, "10.20.0.1:80", None))
        .await;
    if w.v3() {
        // 3.0 refuses customers' private targets itself (unless allow_local_remote_addr).
        let err = added.expect_err("the 3.0 panel refuses");
        assert!(
            err.to_string().contains(Msg::ReasonTargetRefused.text().en),
            "{err}"
        );
    } else {
        assert_eq!(added.expect("allowed").remote_addr, "10.20.0.1:80");
    }
    w.panel.set_config("allow_local_remote_addr", "true");
    let added = w
        .engine
        .add_forward(&svc, &request(&w, "[fd00:1::5]:80", None))
        .await;
    assert!(added.is_ok(), "{added:?}");
}

#[test_matrix([PanelVersion::V2_1, PanelVersion::V3_0])]
#[tokio::test]
async fn entry_ports_must_lie_in_the_node_range_and_be_free(version: PanelVersion) {
    let w = World::new(version).await;
    w.panel.set_node_port_range(20_000, 29_999);
    let svc = provisioned(&w, |_| {}).await;
    for port in [1, 22, 19_999, 30_000] {
        let err = refused(&w, &svc, "198.51.100.7:22", Some(port)).await;
        assert!(
            matches!(&err, ProvisionError::PortOutsideNode { min: 20_000, max: 29_999, node, .. } if node == "node-1"),
            "{port}: {err:?}"
        );
    }
    assert!(
        refused(&w, &svc, "198.51.100.7:22", Some(22))
            .await
            .to_string()
            .contains("Entry port 22 is outside the ports node node-1 allows (20000-29999)")
    );
    let first = w
        .engine
        .add_forward(&svc, &request(&w, "198.51.100.7:22", Some(20_500)))
        .await
        .expect("a free port");
    assert_eq!(first.in_port, Some(20_500));
    // 2.1 would answer success and the node would never start it (the fake models that).
    w.panel.clear_journal();
    let mut again = request(&w, "198.51.100.8:22", Some(20_500));
    again.tunnel = w.t2;
    let err = w.engine.add_forward(&svc, &again).await.expect_err("taken");
    assert!(
        matches!(err, ProvisionError::PortTaken { port: 20_500, .. }),
        "{err:?}"
    );
    assert_eq!(
        w.call_paths(),
        [
            endpoints::FORWARD_LIST.path,
            endpoints::NODE_LIST.path,
            endpoints::TUNNEL_LIST.path
        ]
    );
    assert_eq!(w.rows("forwards").len(), 1);
}

#[test_matrix([PanelVersion::V2_1, PanelVersion::V3_0])]
#[tokio::test]
async fn a_seller_range_bounds_asked_ports_and_picks_free_ones(version: PanelVersion) {
    let w = World::new(version).await;
    let svc = provisioned(&w, |o| o.entry_ports = "20000-20001".into()).await;
    let err = refused(&w, &svc, "198.51.100.7:22", Some(30_000)).await;
    assert!(
        matches!(
            err,
            ProvisionError::PortOutsidePlan {
                port: 30_000,
                min: 20_000,
                max: 20_001
            }
        ),
        "{err:?}"
    );
    assert!(w.calls().is_empty(), "refused before any call");
    let mut ports = Vec::new();
    for name in ["a", "b"] {
        let mut req = request(&w, "198.51.100.7:22", None);
        req.name = name.into();
        let forward = w.engine.add_forward(&svc, &req).await.expect(name);
        ports.push(forward.in_port);
    }
    assert_eq!(
        ports,
        [Some(20_000), Some(20_001)],
        "lowest free ports of the range"
    );
    let err = w
        .engine
        .add_forward(&svc, &request(&w, "198.51.100.7:22", None))
        .await
        .expect_err("range full");
    assert!(
        matches!(
            err,
            ProvisionError::NoFreePort {
                min: 20_000,
                max: 20_001
            }
        ),
        "{err:?}"
    );
    // A seller range outside the node's range leaves nothing to pick.
    let w = World::new(version).await;
    w.panel.set_node_port_range(10_000, 19_999);
    let svc = provisioned(&w, |o| o.entry_ports = "20000-29999".into()).await;
    let err = refused(&w, &svc, "198.51.100.7:22", None).await;
    assert!(matches!(err, ProvisionError::NoFreePort { .. }), "{err:?}");
}
