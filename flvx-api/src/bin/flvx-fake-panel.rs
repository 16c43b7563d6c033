//! `flvx-fake-panel [--port N] [--version 2.1|3.0] [--demo]`: runs the fake FLVX panel
//! until interrupted.
//!
//! Listens on 127.0.0.1:N (0, the default, picks a free port) and behaves as the given
//! release line (2.1 by default). With `--demo` it seeds two tunnels, "HK-SG" and "JP-US",
//! and a 100 Mbps speed limit on the first.

use flvx_api::testkit::FakePanel;
use flvx_api::units::Mbps;
use flvx_api::version::PanelVersion;
use std::net::{Ipv4Addr, SocketAddr};
use std::process::ExitCode;

const USAGE: &str = "usage: flvx-fake-panel [--port N] [--version 2.1|3.0] [--demo]";

struct Args {
    port: u16,
    version: PanelVersion,
    demo: bool,
}

fn parse_port(value: &str) -> Result<u16, String> {
    value.parse().map_err(|_| format!("invalid port: {value}"))
}

fn parse_version(value: &str) -> Result<PanelVersion, String> {
    PanelVersion::ALL
        .into_iter()
        .find(|v| v.label() == value)
        .ok_or_else(|| format!("unknown version: {value} (expected 2.1 or 3.0)"))
}

fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Option<Args>, String> {
    let mut parsed = Args {
        port: 0,
        version: PanelVersion::V2_1,
        demo: false,
    };
    while let Some(arg) = args.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((flag, value)) => (flag.to_string(), Some(value.to_string())),
            None => (arg, None),
        };
        let mut value = |name: &str| {
            inline
                .clone()
                .or_else(|| args.next())
                .ok_or(format!("{name} needs a value"))
        };
        match flag.as_str() {
            "--demo" if inline.is_none() => parsed.demo = true,
            "--port" => parsed.port = parse_port(&value("--port")?)?,
            "--version" => parsed.version = parse_version(&value("--version")?)?,
            "-h" | "--help" => return Ok(None),
            _ => return Err(format!("unknown argument: {flag}")),
        }
    }
    Ok(Some(parsed))
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = match parse_args(std::env::args().skip(1)) {
        Ok(Some(args)) => args,
        Ok(None) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("{message}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, args.port));
    let panel = match FakePanel::start_on_version(addr, args.version).await {
        Ok(panel) => panel,
        Err(e) => {
            eprintln!("cannot listen on {addr}: {e}");
            return ExitCode::FAILURE;
        }
    };
    if args.demo {
        let hk = panel.add_tunnel("HK-SG");
        panel.add_tunnel("JP-US");
        panel.add_speed_limit("100 Mbps", hk, Mbps(100));
    }
    println!(
        "FLVX fake panel ({}) listening on {} ({}/{})",
        panel.version(),
        panel.url(),
        FakePanel::ADMIN_USER,
        FakePanel::ADMIN_PASSWORD
    );
    // Runs until Ctrl-C (or SIGINT), then drops the panel, which stops the server.
    if let Err(e) = tokio::signal::ctrl_c().await {
        eprintln!("flvx-fake-panel: cannot wait for Ctrl-C ({e}); running until killed");
        std::future::pending::<()>().await;
    }
    ExitCode::SUCCESS
}
