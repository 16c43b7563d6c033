//! A billing system of your own, keeping its FLVX records in an SQLite file: it creates a
//! service, the customer adds and pauses forwards, the service is suspended; then the
//! billing process stops, starts again from the file, and carries on: unsuspend resumes
//! exactly the forwards the suspension paused, a second worker holding an old copy of the
//! record is refused instead of overwriting it, and the service is terminated.
//!
//! `cargo run -p flvx-examples --example integrator` uses an embedded fake panel and a
//! fresh file in the temporary directory (removed at the end). With `FLVX_URL` set it
//! runs against that panel and deletes the user it created.

use flvx_api::FlvxApi;
use flvx_api::ids::{ForwardId, UserId};
use flvx_api::models::Forward;
use flvx_api::units::EpochMs;
use flvx_examples::connect;
use flvx_provision::dates::Date;
use flvx_provision::engine::ForwardRequest;
use flvx_provision::messages::Lang;
use flvx_provision::{
    Engine, Plan, PlanInput, ProvisionError, Service, ServiceRecord, ServiceStore, SqliteStore,
};
use std::error::Error;
use std::future::Future;
use std::path::Path;
use std::sync::Arc;

const SERVICE_ID: u64 = 4242;

#[tokio::main]
async fn main() -> Result<(), Box<dyn Error>> {
    let panel = connect().await?;
    let tunnels = panel.client.list_tunnels().await?;
    let Some(tunnel) = tunnels.first() else {
        return Err("the panel has no tunnel: create one first".into());
    };
    let service = service(&tunnel.id.to_string(), Date::new(2027, 1, 15))?;
    let file = std::env::temp_dir().join(format!("flvx-integrator-{}.db", std::process::id()));
    println!(
        "Service records are kept in the SQLite file {}",
        file.display()
    );

    // First run of the billing process.
    println!("\nThe billing process starts.");
    let store = Arc::new(SqliteStore::open(&file).await?);
    let engine = Engine::new(Arc::new(panel.client.clone()), store.clone());
    let record = engine.create(&service).await?;
    println!(
        "  Created service {SERVICE_ID}: panel user {} with {} tunnel(s).",
        record.username.as_deref().unwrap_or("?"),
        record.bindings.len()
    );
    let web = add_forward(&engine, &service, "web", "198.51.100.7:443").await?;
    if let Some(fake) = &panel.fake {
        fake.add_traffic(web, 3 << 30, 1 << 29); // 3.5 GiB through "web"
    }
    let ssh = add_forward(&engine, &service, "ssh", "198.51.100.7:22").await?;
    engine.pause_forward(&service, ssh).await?;
    println!("  The customer added the forwards \"web\" and \"ssh\", then paused \"ssh\".");
    let record = engine.suspend(&service).await?;
    println!(
        "  Suspended service {SERVICE_ID} (invoice overdue): {} forward(s) paused by the \
         suspension, {} paused by the customer.",
        record.suspended_forwards.len(),
        record.customer_paused.len()
    );
    drop(engine);
    store.close().await;
    drop(store);
    println!("The billing process stops: engine dropped, database closed.");

    // Second run: everything it knows about the service comes from the file.
    println!("\nThe billing process starts again from the same file.");
    let store = Arc::new(SqliteStore::open(&file).await?);
    let engine = Engine::new(Arc::new(panel.client.clone()), store.clone());
    let stored = store.load(SERVICE_ID).await?;
    println!(
        "  Service {SERVICE_ID} as stored: {}.",
        describe(&stored.record)
    );
    let user = stored
        .user_id
        .ok_or("the stored record has no panel user")?;
    print_forwards(&panel.client, user, "on the panel now").await?;

    // A second worker reads the record now and saves its copy after the unsuspend.
    let second_worker_copy = store.load(SERVICE_ID).await?;
    let record = engine.unsuspend(&service).await?;
    println!(
        "  Unsuspended service {SERVICE_ID} (invoice paid); {} forward(s) left to resume.",
        record.suspended_forwards.len()
    );
    print_forwards(&panel.client, user, "after the unsuspend").await?;
    let refused = store
        .save(
            SERVICE_ID,
            &second_worker_copy.record,
            second_worker_copy.version,
        )
        .await;
    match refused {
        Err(e) => println!(
            "  A second worker saving its older copy of the record was refused:\n    {}",
            ProvisionError::from(e).message(Lang::En)
        ),
        Ok(_) => return Err("a stale copy overwrote the record".into()),
    }
    let usage =
        flvx_provision::usage::usage(engine.api().as_ref(), store.as_ref(), &[SERVICE_ID]).await?;
    for u in &usage {
        println!(
            "  Traffic used: {} MB of {} MB.",
            u.usage_mb(),
            u.limit_mb()
        );
    }

    let terminated = retry_on_conflict(|| engine.terminate(&service)).await?;
    if terminated.user_id.is_none() {
        println!(
            "  Terminated service {SERVICE_ID}: the panel user and its forwards are deleted, \
             and the stored record is empty."
        );
    }
    store.close().await;
    remove_database(&file);
    println!("\nDone; the database file was removed.");
    Ok(())
}

/// Runs an engine operation again while another worker's save got in first.
async fn retry_on_conflict<T, F, Fut>(mut op: F) -> Result<T, ProvisionError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, ProvisionError>>,
{
    let mut attempts = 0;
    loop {
        match op().await {
            Err(e) if e.is_conflict() && attempts < 3 => attempts += 1,
            other => return other,
        }
    }
}

async fn add_forward(
    engine: &Engine,
    service: &Service,
    name: &str,
    target: &str,
) -> Result<ForwardId, ProvisionError> {
    let request = ForwardRequest {
        tunnel: service.plan.tunnels[0],
        name: name.into(),
        target: target.into(),
        port: None,
    };
    Ok(engine.add_forward(service, &request).await?.id)
}

/// The record in words.
fn describe(record: &ServiceRecord) -> String {
    let Some(user) = record.user_id else {
        return "no panel account".into();
    };
    let state = if record.suspended {
        "suspended"
    } else {
        "active"
    };
    format!(
        "panel user {} (id {user}), {state}, {} forward(s) to resume on unsuspend, {} paused \
         by the customer",
        record.username.as_deref().unwrap_or("?"),
        record.suspended_forwards.len(),
        record.customer_paused.len()
    )
}

async fn print_forwards(
    admin: &dyn FlvxApi,
    user: UserId,
    when: &str,
) -> Result<(), flvx_api::Error> {
    let forwards: Vec<Forward> = flvx_api::recipes::forwards_of(admin, user).await?;
    let states: Vec<String> = forwards
        .iter()
        .map(|f| {
            let state = if f.is_running() { "running" } else { "paused" };
            format!("\"{}\" {state}", f.name)
        })
        .collect();
    println!("  Forwards {when}: {}.", states.join(", "));
    Ok(())
}

fn remove_database(file: &Path) {
    for suffix in ["", "-wal", "-shm"] {
        let mut path = file.as_os_str().to_owned();
        path.push(suffix);
        let _ = std::fs::remove_file(path);
    }
}

fn service(tunnels: &str, due: Option<Date>) -> Result<Service, Box<dyn Error>> {
    let options = [
        tunnels,
        "50",
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
