//! What the PHP module costs in round trips, measured through the testkit's `RttProxy`
//! (which counts TCP connections and requests in flight): every call of one WHMCS action
//! shares one kept-alive connection, and the assigns of several tunnels are in flight
//! together. The timings are in `cargo bench -p codegen --bench round_trips`.

// The test uses only part of the conformance harness.
#[allow(dead_code, unused_imports)]
mod conformance_support;

use conformance_support as support;
use flvx_api::PanelVersion;
use flvx_api::testkit::{FakePanel, RttProxy};
use std::time::Duration;
use support::model::{ServiceSpec, Step};
use support::outcome::Outcome;
use support::pair::{Pair, default_tunnels, temp_dir};
use support::php::PhpSide;

/// Enough delay that calls sent at once are still in flight together.
const RTT: Duration = Duration::from_millis(40);

fn act(function: &str, service: u64) -> Step {
    Step {
        action: Some(function.to_owned()),
        service: Some(service),
        ..Step::default()
    }
}

/// Runs `step` on the PHP module behind `proxy`, expecting success; the panel requests it
/// made (logins included).
async fn run(pair: &mut Pair, proxy: &RttProxy, step: &Step) -> usize {
    let panel = pair.php_panel.fake();
    let from = panel.journal().len();
    proxy.reset();
    let (answer, _) = pair.php_action(step).await;
    let function = step.action.as_deref().unwrap_or("");
    assert!(
        answer.problems.is_empty() && answer.outcome == Outcome::Success,
        "{function}: {:?} {:?}",
        answer.outcome,
        answer.problems
    );
    pair.php_whmcs
        .after_success(function, step.service.unwrap_or(1));
    pair.php_panel.fake().journal().len() - from
}

#[test]
fn a_php_process_makes_one_connection_and_sends_the_assigns_at_once() {
    if !support::php_command::php_available("round_trips") {
        return;
    }
    support::runtime().block_on(async {
        let services = [
            ServiceSpec::on_tunnels(1, "t1"),
            ServiceSpec::on_tunnels(2, "t1,t2,t3"),
        ];
        let name = "round-trips";
        let mut pair = Pair::fake(PanelVersion::V2_1, name, &default_tunnels(), &services).await;
        pair.render = false;
        let proxy = RttProxy::start(&pair.php_panel.fake().url(), RTT).await;
        let (user, password) = (FakePanel::ADMIN_USER, FakePanel::ADMIN_PASSWORD);
        let dir = temp_dir(&format!("{name}-php-proxy"));
        pair.php = PhpSide::new(dir, &proxy.url(), user, password, 10_000);

        // Login, user/create, user/list, tunnel/user/assign, tunnel/user/list: one after
        // the other on one connection, not one connection each.
        let requests = run(&mut pair, &proxy, &act("CreateAccount", 1)).await;
        assert_eq!(requests, 5, "login and the 4 calls of a create");
        assert_eq!(
            proxy.connections(),
            1,
            "one connection for {requests} requests"
        );
        assert_eq!(proxy.peak_in_flight(), 1);

        // The customer's login and package are the same panel: the same connection.
        run(&mut pair, &proxy, &act("ClientArea", 1)).await;
        assert_eq!(proxy.connections(), 1, "ClientArea");

        // Three tunnels: their assigns are in flight together (over HTTP/1.1 each needs a
        // connection of its own; an HTTP/2 panel carries them on one).
        let requests = run(&mut pair, &proxy, &act("CreateAccount", 2)).await;
        assert_eq!(requests, 6);
        assert_eq!(proxy.peak_in_flight(), 3, "the 3 assigns at once");
        assert_eq!(proxy.connections(), 3);

        // Two tunnels dropped: their removes go out together.
        let mut drop_two = act("ChangePackage", 2);
        drop_two.options = Some([("tunnels".to_owned(), "t1".to_owned())].into());
        run(&mut pair, &proxy, &drop_two).await;
        assert_eq!(proxy.peak_in_flight(), 2, "the 2 removes at once");
    });
}
