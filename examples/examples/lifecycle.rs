//! A WHMCS service's life on an FLVX panel: create, a customer forward, usage, suspend,
//! unsuspend, change package, renew, terminate; printing the panel calls of each step.
//!
//! `cargo run -p flvx-examples --example lifecycle` uses an embedded fake panel. With
//! `FLVX_URL` set it runs against that panel and cleans up the user it created.

use flvx_api::FlvxApi;
use flvx_api::testkit::FakePanel;
use flvx_api::units::EpochMs;
use flvx_examples::connect;
use flvx_provision::dates::Date;
use flvx_provision::engine::ForwardRequest;
use flvx_provision::views::{ViewSettings, entry_addresses};
use flvx_provision::{Engine, MemoryStore, Plan, PlanInput, Service};
use std::sync::Arc;

const SERVICE_ID: u64 = 4242;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let panel = connect().await?;
    let tunnels = panel.client.list_tunnels().await?;
    let Some(first) = tunnels.first() else {
        return Err("the panel has no tunnel: create one first".into());
    };
    let store = Arc::new(MemoryStore::new());
    let engine = Engine::new(Arc::new(panel.client.clone()), store.clone());
    let fake = panel.fake.as_ref();

    let mut service = service(&first.id.to_string(), "50", Date::new(2027, 1, 15))?;
    step(fake, "create", engine.create(&service).await?);
    let record = store.get(SERVICE_ID).unwrap_or_default();
    let none = || "none".to_owned();
    let bindings: Vec<String> = record
        .bindings
        .iter()
        .map(|(tunnel, binding)| {
            let name = tunnels
                .iter()
                .find(|t| t.id == *tunnel)
                .map_or("unnamed", |t| t.name.as_str());
            format!("tunnel \"{name}\" (#{tunnel}, binding #{binding})")
        })
        .collect();
    println!(
        "    panel user {} (#{}), on {}",
        record.username.unwrap_or_else(none),
        record.user_id.map_or_else(none, |id| id.to_string()),
        if bindings.is_empty() {
            "no tunnel".to_owned()
        } else {
            bindings.join(", ")
        }
    );

    let request = ForwardRequest {
        tunnel: first.id,
        name: "web".into(),
        target: "198.51.100.7:443".into(),
        port: None,
    };
    match engine.add_forward(&service, &request).await {
        Ok(forward) => {
            let entries = entry_addresses(forward.in_ip.as_deref(), forward.in_port);
            println!(
                "\n[customer adds a forward] forward #{} \"{}\", customers connect to {}",
                forward.id,
                forward.name,
                if entries.is_empty() {
                    "an address the panel has not reported yet".to_owned()
                } else {
                    entries.join(", ")
                }
            );
            if let Some(fake) = fake {
                fake.add_traffic(forward.id, 3 << 30, 5 << 29);
            }
        }
        Err(e) => println!("\n[customer adds a forward] skipped: {e}"),
    }
    report_calls(fake);

    let usage =
        flvx_provision::usage::usage(engine.api().as_ref(), store.as_ref(), &[SERVICE_ID]).await?;
    for u in &usage {
        let limit = match u.limit_mb() {
            0 => "no limit".to_owned(),
            mb => format!("a limit of {mb} MB"),
        };
        println!("\n[usage] WHMCS records {} MB used, {limit}", u.usage_mb());
    }
    report_calls(fake);

    step(fake, "suspend", engine.suspend(&service).await?);
    step(fake, "unsuspend", engine.unsuspend(&service).await?);
    service = self::service(&first.id.to_string(), "200", Date::new(2027, 1, 15))?;
    step(
        fake,
        "change package (50 -> 200 GiB)",
        engine.change_package(&service).await?,
    );
    service.due_date = Date::new(2027, 2, 15);
    step(
        fake,
        "renew (due 2027-02-15)",
        engine.renew(&service).await?,
    );
    let view = engine
        .client_view(&service, &ViewSettings::default())
        .await?;
    println!(
        "    the customer reads: {}; {}; {}; forwards run until {}; traffic resets: {}",
        view.status,
        view.usage,
        if view.remaining.is_empty() {
            "no limit"
        } else {
            &view.remaining
        },
        view.expires,
        view.reset
    );
    report_calls(fake);
    step(fake, "terminate", engine.terminate(&service).await?);
    Ok(())
}

fn service(
    tunnels: &str,
    quota: &str,
    due: Option<Date>,
) -> Result<Service, Box<dyn std::error::Error>> {
    let options = [
        tunnels,
        quota,
        "5",
        "0",
        "0",
        "30",
        "3",
        "billing_day",
        "whmcs",
        "delete",
        "0",
    ];
    let plan = Plan::parse(&PlanInput {
        product_options: options.iter().map(|s| s.to_string()).collect(),
        ..PlanInput::default()
    })?;
    Ok(Service {
        id: SERVICE_ID,
        plan,
        due_date: due,
        registered: Some(Date::of(EpochMs::now())),
        password: "Customer-Pass-1".into(),
        now: EpochMs::now(),
    })
}

fn step(fake: Option<&FakePanel>, name: &str, record: flvx_provision::ServiceRecord) {
    let state = if record.terminated {
        "terminated"
    } else if record.suspended {
        "suspended"
    } else {
        "active"
    };
    let held: Vec<String> = record
        .suspended_forwards
        .iter()
        .map(|id| format!("#{id}"))
        .collect();
    let held = match held.len() {
        0 => String::new(),
        _ => format!(", forwards {} wait for unsuspend", held.join(", ")),
    };
    println!("\n[{name}] the service is {state}{held}");
    report_calls(fake);
}

/// Prints the panel requests since the last report (fake panel only), then forgets them.
fn report_calls(fake: Option<&FakePanel>) {
    let Some(fake) = fake else { return };
    for entry in fake.journal() {
        println!("    -> {} {}", entry.method, entry.path);
    }
    fake.clear_journal();
}
