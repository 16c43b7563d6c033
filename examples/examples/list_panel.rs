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
    println!(
        "captcha required for login: {}",
        api.captcha_required().await?
    );
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
        println!(
            "  #{:<4} {:<20} {} Mbps on tunnel #{}",
            s.id, s.name, s.speed.0, s.tunnel_id
        );
    }
    println!("\nUsers (admins are never listed by the panel):");
    let users = api.list_users(None).await?;
    if users.is_empty() {
        println!("  (none)");
    }
    for u in users {
        println!(
            "  #{:<4} {:<20} quota {:<10} used {:>14} B  expires {}  status {}",
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
