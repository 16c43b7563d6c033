//! The number of panel requests (logins excluded) each operation makes in a clean run,
//! checked against the "Calls:" list in each engine method's doc comment.
//! `cargo test -p flvx-provision --test call_counts -- --nocapture` prints the table.

mod common;

use flvx_api::PanelVersion;
use test_case::test_matrix;

use common::{Due, Opts, SERVICE_ID, World};
use flvx_api::FlvxApi;
use flvx_api::ids::TunnelId;
use flvx_provision::ProvisionError;
use flvx_provision::engine::ForwardRequest;
use flvx_provision::usage::usage;
use std::future::Future;

struct Counter {
    rows: Vec<(String, usize, usize, Vec<String>)>,
    /// 3.0: the `user/list` before a `user/update` whose plan leaves the connection cap to
    /// the panel (an update without it resets it).
    cap: usize,
    /// 2.1: `forward/list` + `forward/batch-pause` after a binding write restarted paused
    /// forwards; 3.0 pauses them again itself.
    repause: usize,
}

impl Counter {
    /// Runs `op` on `w` with a clear journal and records its non-login requests.
    async fn measure<T, F>(&mut self, w: &World, what: &str, documented: usize, op: F) -> T
    where
        F: Future<Output = Result<T, ProvisionError>>,
    {
        w.panel.clear_journal();
        let value = match op.await {
            Ok(value) => value,
            Err(e) => panic!("{what}: {e}"),
        };
        let paths = w.short_paths();
        self.rows
            .push((what.to_string(), paths.len(), documented, paths));
        value
    }

    fn report(&self) {
        println!(
            "\n{:<62} {:>8} {:>10}  requests",
            "operation", "measured", "documented"
        );
        for (what, measured, documented, paths) in &self.rows {
            println!(
                "{what:<62} {measured:>8} {documented:>10}  {}",
                paths.join(", ")
            );
        }
        let wrong: Vec<_> = self.rows.iter().filter(|(_, m, d, _)| m != d).collect();
        assert!(
            wrong.is_empty(),
            "counts differ from the doc comments: {wrong:?}"
        );
    }
}

fn with(opts: &Opts, f: impl FnOnce(&mut Opts)) -> Opts {
    let mut opts = opts.clone();
    f(&mut opts);
    opts
}

#[test_matrix([PanelVersion::V2_1, PanelVersion::V3_0])]
#[tokio::test]
async fn call_counts(version: PanelVersion) {
    let v3 = version >= PanelVersion::V3_0;
    let mut c = Counter {
        rows: Vec::new(),
        cap: usize::from(v3),
        repause: if v3 { 0 } else { 2 },
    };
    let due = Due::in_days(38);

    // One service through its whole life.
    let w = World::new(version).await;
    let opts = Opts::standard(&w);
    let svc = opts.service(SERVICE_ID, &due);
    // create: user/create, user/list (the id), one tunnel/user/assign per tunnel,
    // tunnel/user/list (binding ids). No name check: the expiry sent is the fingerprint.
    c.measure(&w, "create (2 tunnels)", 2 + 2 + 1, w.engine.create(&svc))
        .await;
    // add_forward: forward/list (admin, every forward) and node/list for the forward
    // policy, then forward/create and forward/list (as the customer).
    let a = c
        .measure(
            &w,
            "add_forward (customer; its login not counted)",
            4,
            w.engine.add_forward(&svc, &req(w.t1, "a")),
        )
        .await
        .id;
    c.measure(
        &w,
        "add_forward (second)",
        4,
        w.engine.add_forward(&svc, &req(w.t2, "b")),
    )
    .await;
    let x = c
        .measure(
            &w,
            "add_forward (third)",
            4,
            w.engine.add_forward(&svc, &req(w.t1, "x")),
        )
        .await
        .id;
    c.measure(&w, "pause_forward", 1, w.engine.pause_forward(&svc, x))
        .await;
    c.measure(&w, "resume_forward", 1, w.engine.resume_forward(&svc, x))
        .await;
    c.measure(&w, "delete_forward", 1, w.engine.delete_forward(&svc, x))
        .await;
    // With an entry port, the tunnel's entry nodes too: tunnel/list.
    let mut ported = req(w.t2, "p");
    ported.port = Some(20_500);
    let p = c
        .measure(
            &w,
            "add_forward (with a port)",
            5,
            w.engine.add_forward(&svc, &ported),
        )
        .await
        .id;
    c.measure(
        &w,
        "delete_forward (with a port)",
        1,
        w.engine.delete_forward(&svc, p),
    )
    .await;
    c.measure(&w, "forwards", 1, w.engine.forwards(&svc)).await;
    c.measure(
        &w,
        "pause_forward (customer pause kept across renewals)",
        1,
        w.engine.pause_forward(&svc, a),
    )
    .await;
    // suspend: user/update, forward/list, forward/batch-pause when something runs.
    c.measure(
        &w,
        "suspend (1 forward running)",
        3 + c.cap,
        w.engine.suspend(&svc),
    )
    .await;
    c.measure(
        &w,
        "suspend again (nothing running)",
        2 + c.cap,
        w.engine.suspend(&svc),
    )
    .await;
    // change_password: user/update.
    c.measure(
        &w,
        "change_password (suspended)",
        1 + c.cap,
        w.engine.change_password(&svc),
    )
    .await;
    // renew: user/update only; a suspended service resumes nothing, and the pushed expiry
    // has not passed (no assign, no re-pause), so no forward/list either.
    c.measure(&w, "renew (suspended)", 1 + c.cap, w.engine.renew(&svc))
        .await;
    // unsuspend: user/update, forward/batch-resume of what suspend paused, when any.
    c.measure(
        &w,
        "unsuspend (1 forward to resume)",
        2 + c.cap,
        w.engine.unsuspend(&svc),
    )
    .await;
    c.measure(
        &w,
        "unsuspend again (nothing to resume)",
        1 + c.cap,
        w.engine.unsuspend(&svc),
    )
    .await;
    c.measure(
        &w,
        "change_password",
        1 + c.cap,
        w.engine.change_password(&svc),
    )
    .await;
    // renew: user/update, forward/list, forward/batch-resume when something is paused.
    c.measure(
        &w,
        "renew (only a customer-paused forward)",
        2 + c.cap,
        w.engine.renew(&svc),
    )
    .await;
    // reset_traffic: user/reset, forward/list, forward/batch-resume if needed.
    c.measure(
        &w,
        "reset_traffic (nothing quota-paused)",
        2,
        w.engine.reset_traffic(&svc),
    )
    .await;
    // change_package: user/update, tunnel/user/list, assigns only for new or changed,
    // and forward/list (is there a forward the panel paused that the plan now allows?).
    c.measure(
        &w,
        "change_package (same plan)",
        3 + c.cap,
        w.engine.change_package(&svc),
    )
    .await;
    let upgraded = with(&opts, |o| {
        o.tunnels = format!("{},{}", w.t1, w.t3);
        o.speed = w.s2.to_string();
    })
    .service(SERVICE_ID, &due);
    // + 2 assigns (speed changed on tunnel 1, new tunnel 3), for the dropped tunnel 2
    // forward/list, forward/batch-delete, tunnel/user/remove, + tunnel/user/list (created).
    // Then forward/list + forward/batch-pause: forward a, paused by the customer on
    // tunnel 1, was restarted on the node by the re-assign and is paused again. Then the
    // forward/list of the resume rule.
    c.measure(
        &w,
        "change_package (speed change, +1 tunnel, -1 tunnel w/ forward)",
        3 + c.cap + 2 + 3 + 1 + c.repause,
        w.engine.change_package(&upgraded),
    )
    .await;
    // sync: user/list (is the user there?), user/update, tunnel/user/list; nothing to
    // re-assign, nothing re-pushed, not suspended.
    c.measure(&w, "sync (nothing to repair)", 3, w.engine.sync(&upgraded))
        .await;
    // terminate (delete): forward/list, forward/batch-delete when any, user/delete.
    c.measure(
        &w,
        "terminate delete (with forwards)",
        3,
        w.engine.terminate(&upgraded),
    )
    .await;
    c.measure(
        &w,
        "terminate again (already gone)",
        0,
        w.engine.terminate(&upgraded),
    )
    .await;

    // Renewal after the panel expired the account, and traffic reset after the quota.
    let w = World::new(version).await;
    let svc = Opts::standard(&w).service(SERVICE_ID, &Due::in_days(5));
    w.provision_with_forwards(&svc).await;
    w.expire(&svc);
    let renewed = w.at_panel_now(&Opts::standard(&w).service(SERVICE_ID, &Due::in_days(70)));
    // renew after the pushed expiry passed: user/update, one tunnel/user/assign per binding,
    // forward/list, forward/batch-resume (a, b), forward/batch-pause (c, restarted on the
    // node by the re-assign).
    c.measure(
        &w,
        "renew (after expiry, 2 to resume, 1 to re-pause)",
        1 + c.cap + 2 + 1 + 1 + c.repause / 2,
        w.engine.renew(&renewed),
    )
    .await;
    let small = w.at_panel_now(
        &with(&Opts::standard(&w), |o| o.quota = "1".into()).service(SERVICE_ID, &Due::in_days(70)),
    );
    c.measure(
        &w,
        "change_package (quota only)",
        3 + c.cap,
        w.engine.change_package(&small),
    )
    .await;
    let a = w.engine.forwards(&small).await.expect("forwards")[0].id;
    w.panel.add_traffic(a, 1 << 30, 1 << 30);
    c.measure(
        &w,
        "reset_traffic (2 forwards quota-paused)",
        3,
        w.engine.reset_traffic(&small),
    )
    .await;
    let ids = [SERVICE_ID];
    c.measure(
        &w,
        "usage (any number of services)",
        1,
        usage(w.engine.api().as_ref(), w.store.as_ref(), &ids),
    )
    .await;

    // Without forwards, and the disable mode.
    let w = World::new(version).await;
    let one = with(&Opts::standard(&w), |o| o.tunnels = w.t1.to_string());
    let svc = one.service(SERVICE_ID, &due);
    c.measure(&w, "create (1 tunnel)", 2 + 1 + 1, w.engine.create(&svc))
        .await;
    c.measure(
        &w,
        "suspend (no forwards)",
        2 + c.cap,
        w.engine.suspend(&svc),
    )
    .await;
    c.measure(
        &w,
        "unsuspend (nothing paused)",
        1 + c.cap,
        w.engine.unsuspend(&svc),
    )
    .await;
    c.measure(
        &w,
        "renew (nothing paused)",
        2 + c.cap,
        w.engine.renew(&svc),
    )
    .await;
    c.measure(
        &w,
        "terminate delete (no forwards)",
        2,
        w.engine.terminate(&svc),
    )
    .await;
    let disable =
        with(&Opts::standard(&w), |o| o.terminate = "disable".into()).service(SERVICE_ID + 1, &due);
    w.provision_with_forwards(&disable).await;
    // terminate (disable): user/update, forward/list, forward/batch-pause when needed.
    c.measure(
        &w,
        "terminate disable (2 forwards running)",
        3 + c.cap,
        w.engine.terminate(&disable),
    )
    .await;
    // create on a service terminated with "disable" brings it back: unsuspend (user/update,
    // forward/batch-resume of what terminate paused), then sync (user/list, user/update,
    // tunnel/user/list).
    c.measure(
        &w,
        "create again (reactivating a disabled service)",
        5 + c.cap,
        w.engine.create(&disable),
    )
    .await;

    // Two dropped tunnels, only one with a forward. The doc comment lists "for each dropped
    // tunnel forward/list, forward/batch-delete and tunnel/user/remove" (2 + 2 × 3 = 8);
    // the engine lists and deletes once for all dropped tunnels and skips an empty batch:
    // user/update, tunnel/user/list, forward/list, forward/batch-delete, 2 × remove.
    let w = World::new(version).await;
    let three = with(&Opts::standard(&w), |o| {
        o.tunnels = format!("{},{},{}", w.t1, w.t2, w.t3)
    });
    let svc = three.service(SERVICE_ID, &due);
    c.measure(&w, "create (3 tunnels)", 2 + 3 + 1, w.engine.create(&svc))
        .await;
    c.measure(
        &w,
        "add_forward",
        4,
        w.engine.add_forward(&svc, &req(w.t2, "b")),
    )
    .await;
    let only_first = with(&three, |o| o.tunnels = w.t1.to_string()).service(SERVICE_ID, &due);
    c.measure(
        &w,
        "change_package (-2 tunnels, 1 forward)",
        3 + c.cap + 1 + 1 + 2,
        w.engine.change_package(&only_first),
    )
    .await;

    // Expiry, then suspension, renewal while suspended and unsuspension.
    let w = World::new(version).await;
    let opts = Opts::standard(&w);
    let svc = opts.service(SERVICE_ID, &Due::in_days(5));
    w.provision_with_forwards(&svc).await;
    w.expire(&svc);
    let svc = w.at_panel_now(&svc);
    // suspend: user/update, forward/list; nothing runs, so no batch-pause (the panel-paused
    // forwards are remembered).
    c.measure(
        &w,
        "suspend (after expiry, nothing running)",
        2 + c.cap,
        w.engine.suspend(&svc),
    )
    .await;
    let renewed = w.at_panel_now(&opts.service(SERVICE_ID, &Due::in_days(70)));
    // renew: user/update, one assign per binding (expiry passed), forward/list, no resume
    // (suspended), forward/batch-pause of everything the re-assign restarted.
    c.measure(
        &w,
        "renew (suspended, after expiry)",
        1 + c.cap + 2 + c.repause,
        w.engine.renew(&renewed),
    )
    .await;
    // unsuspend: user/update, forward/batch-resume of the remembered forwards.
    c.measure(
        &w,
        "unsuspend (after renew, 2 to resume)",
        2 + c.cap,
        w.engine.unsuspend(&renewed),
    )
    .await;

    // Unsuspend itself after the pushed expiry passed (due date moved, no renewal).
    let w = World::new(version).await;
    let opts = Opts::standard(&w);
    let svc = opts.service(SERVICE_ID, &Due::in_days(5));
    w.provision_with_forwards(&svc).await;
    w.engine.suspend(&svc).await.expect("suspend");
    w.expire(&svc);
    let moved = w.at_panel_now(&opts.service(SERVICE_ID, &Due::in_days(70)));
    // unsuspend: user/update, one tunnel/user/assign per binding, forward/batch-resume,
    // forward/list, forward/batch-pause (c, restarted by the re-assign).
    c.measure(
        &w,
        "unsuspend (after expiry, 2 to resume, 1 to re-pause)",
        1 + c.cap + 2 + 1 + c.repause,
        w.engine.unsuspend(&moved),
    )
    .await;

    // Sync after expiry and with a speed change.
    let w = World::new(version).await;
    let opts = Opts::standard(&w);
    let svc = opts.service(SERVICE_ID, &Due::in_days(5));
    w.provision_with_forwards(&svc).await;
    w.expire(&svc);
    let renewed = w.at_panel_now(&opts.service(SERVICE_ID, &Due::in_days(70)));
    // sync: user/list, user/update, one assign per binding (expiry passed), tunnel/user/list,
    // forward/list + forward/batch-pause of what the re-assign restarted (a, b, c).
    c.measure(
        &w,
        "sync (after expiry)",
        1 + 1 + 2 + 1 + c.repause,
        w.engine.sync(&renewed),
    )
    .await;
    let faster = w.at_panel_now(
        &with(&opts, |o| o.speed = w.s2.to_string()).service(SERVICE_ID, &Due::in_days(70)),
    );
    // sync: user/list, user/update, tunnel/user/list, an assign per changed binding,
    // forward/list + forward/batch-pause (re-pause).
    c.measure(
        &w,
        "sync (speed change, paused forwards)",
        1 + 1 + 1 + 2 + c.repause,
        w.engine.sync(&faster),
    )
    .await;

    // Sync of a suspended service whose user was deleted by hand.
    let w = World::new(version).await;
    let svc = Opts::standard(&w).service(SERVICE_ID, &due);
    w.provision_with_forwards(&svc).await;
    w.engine.suspend(&svc).await.expect("suspend");
    let uid = flvx_api::ids::UserId(common::int(&w.user(common::USERNAME), "id"));
    w.admin.delete_user(uid).await.expect("deleted by hand");
    // sync: user/list (missing), then create (user/create with status 0, user/list,
    // 2 assigns, tunnel/user/list); the new user has no forwards to pause.
    c.measure(
        &w,
        "sync (user deleted by hand, suspended)",
        1 + 5,
        w.engine.sync(&svc),
    )
    .await;

    c.report();
}

fn req(tunnel: TunnelId, name: &str) -> ForwardRequest {
    ForwardRequest {
        tunnel,
        name: name.into(),
        target: "198.51.100.7:443".into(),
        port: None,
    }
}
