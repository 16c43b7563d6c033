//! `flvx-fake-panel [--port N] [--demo]`: runs the fake FLVX panel until interrupted.
//!
//! Listens on 127.0.0.1:N (0, the default, picks a free port). With `--demo` it seeds two
//! tunnels, "HK-SG" and "JP-US", and a 100 Mbps speed limit on the first.

use flvx_api::testkit::FakePanel;
use flvx_api::units::Mbps;
use std::net::{Ipv4Addr, SocketAddr};
use std::process::ExitCode;

const USAGE: &str = "usage: flvx-fake-panel [--port N] [--demo]";

struct Args {
    port: u16,
    demo: bool,
}

fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Option<Args>, String> {
    let mut parsed = Args {
        port: 0,
        demo: false,
    };
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--demo" => parsed.demo = true,
            "--port" => {
                let value = args.next().ok_or("--port needs a value")?;
                parsed.port = value
                    .parse()
                    .map_err(|_| format!("invalid port: {value}"))?;
            }
            "-h" | "--help" => return Ok(None),
            other => match other.strip_prefix("--port=") {
                Some(value) => {
                    parsed.port = value
                        .parse()
                        .map_err(|_| format!("invalid port: {value}"))?
                }
                None => return Err(format!("unknown argument: {other}")),
            },
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
    let panel = match FakePanel::start_on(addr).await {
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
        "FLVX fake panel listening on {} ({}/{})",
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
