//! Lists the panel's tunnels, speed limits and users.
//!
//! `cargo run -p flvx-examples --example list_panel` (embedded fake panel), or with
//! `FLVX_URL` and `FLVX_USER`/`FLVX_PASSWORD` (or `FLVX_TOKEN`) for a real one.

use flvx_api::FlvxApi;
use flvx_examples::connect;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let panel = connect().await?;
    let api = &panel.client;
    let version = api.panel_version().await?;
    println!("Panel: {version}");
    let captcha = api.captcha_required().await?;
    println!("Captcha on login: {}", if captcha { "on" } else { "off" });
    println!("\nTunnels:");
    for t in api.list_tunnels().await? {
        let entries = t.entry_addresses().join(", ");
        println!(
            "  #{:<4} {:<20} x{} multiplier  entry [{entries}]",
            t.id, t.name, t.traffic_multiplier
        );
    }
    println!("\nSpeed limits:");
    for s in api.list_speed_limits().await? {
        // 2.1 ties a speed limit to a tunnel; 3.0 applies it wherever it is assigned.
        let scope = s
            .tunnel_id
            .map_or_else(|| "any tunnel".to_owned(), |t| format!("tunnel #{t}"));
        println!(
            "  #{:<4} {:<20} {} Mbps on {scope}",
            s.id, s.name, s.speed.0
        );
    }
    println!("\nUsers (admins are never listed by the panel):");
    let users = api.list_users(None).await?;
    if users.is_empty() {
        println!("  (none)");
    }
    for u in users {
        let connections = match u.max_conn {
            Some(0) => "  no connection cap".to_owned(),
            Some(cap) => format!("  {cap} connections"),
            None => String::new(),
        };
        println!(
            "  #{:<4} {:<20} quota {:<10} used {:>14} B  expires {}  status {}{connections}",
            u.id,
            u.user,
            u.flow.to_string(),
            u.used().0,
            u.exp_time.get(),
            u.status.code()
        );
    }
    Ok(())
}
