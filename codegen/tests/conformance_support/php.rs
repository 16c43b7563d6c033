//! The PHP side: the generated module run by real `php`, one process per WHMCS action,
//! under the stub WHMCS of `tests/php/` with a per-side SQLite file.

use super::model::{Ids, Whmcs};
use super::outcome::Outcome;
use super::php_command::{php_command, third_party};
use super::rust_side::Call;
use flvx_provision::ServiceRecord;
use serde_json::{Map, Value, json};
use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Output, Stdio};
use std::sync::OnceLock;
use tokio::sync::Semaphore;

/// The Smarty versions the client area is rendered with: (name, bootstrap file).
pub const SMARTIES: [(&str, &str); 2] = [
    ("smarty3", "/usr/share/php/smarty3/Smarty.class.php"),
    ("smarty4", "/usr/share/php/smarty4/bootstrap.php"),
];

/// The generated module folder.
pub fn module_dir() -> PathBuf {
    codegen::default_output_dir().join(codegen::files::MODULE_DIR)
}

fn script(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/php")
        .join(name)
}

/// At most this many `php` processes at once across every test of the binary.
fn slots() -> &'static Semaphore {
    static SLOTS: OnceLock<Semaphore> = OnceLock::new();
    SLOTS.get_or_init(|| {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        Semaphore::new(cores * 2)
    })
}

/// `value` as JSON with every non-ASCII character escaped (`\uXXXX`, surrogate pairs
/// above U+FFFF): the same JSON to PHP, but safe through the WebAssembly PHPs' stdin,
/// which decodes each 256-byte read on its own and so breaks a character split between
/// two reads (a scenario's U+3000 arrived as two U+FFFD).
pub fn ascii_json(value: &Value) -> String {
    let mut out = String::new();
    for c in value.to_string().chars() {
        if c.is_ascii() {
            out.push(c);
        } else {
            let mut units = [0u16; 2];
            for unit in c.encode_utf16(&mut units) {
                out.push_str(&format!("\\u{unit:04x}"));
            }
        }
    }
    out
}

/// Runs the chosen PHP (`FLVX_PHP`, or `php`) with these arguments, environment and stdin,
/// within the process limit; third-party notices are taken out of its stderr and reported.
pub async fn php(args: Vec<String>, env: Vec<(String, String)>, stdin: Vec<u8>) -> Output {
    let _permit = slots().acquire().await.expect("semaphore open");
    tokio::task::spawn_blocking(move || {
        let mut child = php_command()
            .args(&args)
            .envs(env)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("php runs");
        if let Some(mut input) = child.stdin.take() {
            input.write_all(&stdin).expect("php reads its stdin");
        }
        let mut out = child.wait_with_output().expect("php finishes");
        third_party(&mut out);
        out
    })
    .await
    .expect("php task")
}

/// What one PHP action answered.
#[derive(Debug, Clone)]
pub struct PhpAnswer {
    /// The reduced outcome.
    pub outcome: Outcome,
    /// ClientArea: `$flvx`; UsageUpdate: `{service: [bwusage, bwlimit]}` from tblhosting.
    pub detail: Option<Value>,
    /// The function's return value.
    pub result: Value,
    /// The stored record (default when none), and whether its JSON had exactly the
    /// fields of the Rust record.
    pub record: Result<ServiceRecord, String>,
    /// The service's tblhosting row.
    pub hosting: Value,
    /// Every logModuleCall of the action.
    pub log: Vec<Value>,
    /// PHP diagnostics, uncaught exceptions and broken output: must be empty.
    pub problems: Vec<String>,
}

/// A WHMCS install (its SQLite file) using one FLVX server.
pub struct PhpSide {
    dir: PathBuf,
    db: PathBuf,
    /// The server's host.
    pub host: String,
    /// The server's port.
    pub port: u16,
    /// The Secure tick.
    pub secure: bool,
    /// The server's admin username.
    pub user: String,
    /// The server's admin password.
    pub password: String,
    /// Access Hash (a pre-issued token), if used.
    pub accesshash: String,
    /// The module's request timeout.
    pub timeout_ms: u64,
    /// Every logModuleCall so far.
    pub logs: Vec<Value>,
    /// Every token the module has cached so far.
    pub tokens: BTreeSet<String>,
}

impl PhpSide {
    /// A fresh WHMCS database in `dir` (emptied first).
    pub fn new(dir: PathBuf, url: &str, user: &str, password: &str, timeout_ms: u64) -> PhpSide {
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("temp dir");
        let (secure, rest) = match url.strip_prefix("https://") {
            Some(rest) => (true, rest),
            None => (false, url.trim_start_matches("http://")),
        };
        let rest = rest.trim_end_matches('/');
        let (host, port) = match rest.rsplit_once(':') {
            Some((h, p)) => (h.to_owned(), p.parse().expect("port")),
            None => (rest.to_owned(), if secure { 443 } else { 80 }),
        };
        PhpSide {
            db: dir.join("whmcs.sqlite"),
            dir,
            host,
            port,
            secure,
            user: user.to_owned(),
            password: password.to_owned(),
            accesshash: String::new(),
            timeout_ms,
            logs: Vec::new(),
            tokens: BTreeSet::new(),
        }
    }

    /// The request for `call`, with the WHMCS rows as they are now.
    fn request(
        &self,
        whmcs: &Whmcs,
        ids: &Ids,
        call: &Call,
        now: i64,
        down: Option<u16>,
        overrides: &Map<String, Value>,
    ) -> Value {
        let products: Vec<Value> = whmcs
            .services
            .values()
            .map(|s| json!({"id": s.id, "name": format!("Forwarding {}", s.id), "configoptions": s.product_options(ids)}))
            .collect();
        let services: Vec<Value> = whmcs
            .services
            .values()
            .map(|s| {
                let mut row = json!({
                    "id": s.id, "userid": 3, "packageid": s.id, "server": 1,
                    "domainstatus": s.status, "nextduedate": s.due, "regdate": s.registered, "password": s.password,
                    "configoptions": s.resolved_configoptions(ids),
                    "customfields": s.customfields,
                });
                if let Some(username) = &s.username_field {
                    row["username"] = json!(username);
                }
                row
            })
            .collect();
        let svc = whmcs.svc(call.service);
        json!({
            "now_ms": now,
            "timeout_ms": self.timeout_ms,
            "servers": [{
                "id": 1, "hostname": self.host, "port": down.unwrap_or(self.port).to_string(),
                "secure": self.secure, "username": self.user, "password": self.password,
                "accesshash": self.accesshash,
            }],
            "products": products,
            "services": services,
            "call": {
                "function": call.function,
                "serviceid": call.service,
                "serverid": 1,
                "configoptions": svc.resolved_configoptions(ids),
                "post": call.post,
                "override": overrides,
            },
        })
    }

    /// Runs one WHMCS action in a fresh `php` process.
    pub async fn run(
        &mut self,
        whmcs: &Whmcs,
        ids: &Ids,
        call: &Call,
        now: i64,
        down: Option<u16>,
        overrides: &Map<String, Value>,
    ) -> PhpAnswer {
        let request = self.request(whmcs, ids, call, now, down, overrides);
        let out = self.exec(&request).await;
        self.absorb(whmcs, call, out)
    }

    /// Runs two WHMCS actions at once, each in its own `php` process on the one database
    /// (as two WHMCS requests side by side), the second once `gate` is ready.
    pub async fn run_together(
        &mut self,
        whmcs: &Whmcs,
        ids: &Ids,
        calls: [&Call; 2],
        now: i64,
        gate: impl std::future::Future<Output = ()>,
    ) -> [PhpAnswer; 2] {
        let none = Map::new();
        let requests = calls.map(|call| self.request(whmcs, ids, call, now, None, &none));
        let second = async {
            gate.await;
            self.exec(&requests[1]).await
        };
        let (first, second) = tokio::join!(self.exec(&requests[0]), second);
        [
            self.absorb(whmcs, calls[0], first),
            self.absorb(whmcs, calls[1], second),
        ]
    }

    /// One `php` process answering `request`.
    async fn exec(&self, request: &Value) -> std::process::Output {
        let args = vec![
            script("whmcs.php").display().to_string(),
            module_dir().display().to_string(),
        ];
        let env = vec![("FLVX_TEST_DB".to_owned(), self.db.display().to_string())];
        php(args, env, ascii_json(request).into_bytes()).await
    }

    /// The answer of one `php` process, its module log and tokens kept.
    fn absorb(&mut self, whmcs: &Whmcs, call: &Call, out: std::process::Output) -> PhpAnswer {
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        let mut problems = Vec::new();
        if !out.status.success() || !stderr.trim().is_empty() {
            problems.push(format!("php exited {} with stderr {stderr:?}", out.status));
        }
        let answer: Value = match serde_json::from_str(stdout.trim()) {
            Ok(v) => v,
            Err(e) => {
                problems.push(format!("php printed no JSON answer ({e}): {stdout:?}"));
                Value::Null
            }
        };
        if let Some(uncaught) = answer["uncaught"].as_str() {
            problems.push(format!("uncaught: {uncaught}"));
        }
        for d in answer["diagnostics"].as_array().into_iter().flatten() {
            problems.push(format!("PHP diagnostic: {d}"));
        }
        let log = answer["log"].as_array().cloned().unwrap_or_default();
        self.logs.extend(log.iter().cloned());
        let tokens: Vec<String> = answer["tokens"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|t| t.as_str().map(str::to_owned))
            .collect();
        self.tokens.extend(tokens);
        let result = answer["result"].clone();
        let (outcome, detail) = reduce(&call.function, &result, &answer, whmcs, &mut problems);
        PhpAnswer {
            outcome,
            detail,
            result,
            record: record(&answer["record"]),
            hosting: answer["hosting"].clone(),
            log,
            problems,
        }
    }

    /// Renders a ClientArea result with one Smarty; the HTML, or why it failed.
    pub async fn render(&self, result: &Value, smarty: (&str, &str)) -> Result<String, String> {
        let (name, bootstrap) = smarty;
        let compile = self.dir.join(format!("compile-{name}"));
        std::fs::create_dir_all(&compile).expect("compile dir");
        let file = self.dir.join("clientarea-result.json");
        std::fs::write(&file, result.to_string()).expect("result file");
        let args = vec![
            script("render_vars.php").display().to_string(),
            module_dir().display().to_string(),
            bootstrap.to_owned(),
            format!("{}/", compile.display()),
            file.display().to_string(),
        ];
        let out = php(args, Vec::new(), Vec::new()).await;
        let stderr = String::from_utf8_lossy(&out.stderr);
        if !out.status.success() || !stderr.trim().is_empty() {
            return Err(format!("{name}: exit {} {stderr}", out.status));
        }
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    }
}

/// The outcome (and detail) of a PHP answer, by the function's return convention.
fn reduce(
    function: &str,
    result: &Value,
    answer: &Value,
    whmcs: &Whmcs,
    problems: &mut Vec<String>,
) -> (Outcome, Option<Value>) {
    match function {
        "UsageUpdate" => {
            if !result.is_null() {
                problems.push(format!("UsageUpdate returned {result}"));
            }
            let mut detail = Map::new();
            for row in answer["hostings"].as_array().into_iter().flatten() {
                // PDO returns integer columns as strings before PHP 8.1.
                let n = |k: &str| {
                    row[k]
                        .as_u64()
                        .or_else(|| row[k].as_str().and_then(|s| s.parse().ok()))
                        .unwrap_or(0)
                };
                let id = n("id");
                if whmcs.services.contains_key(&id) {
                    detail.insert(id.to_string(), json!([n("bwusage"), n("bwlimit")]));
                }
            }
            (Outcome::Nothing, Some(Value::Object(detail)))
        }
        // Functions that return arrays (or nothing) rather than 'success' or a message.
        "AdminServicesTabFields"
        | "MetaData"
        | "ConfigOptions"
        | "TestConnection"
        | "LoadTunnels"
        | "LoadSpeedLimits"
        | "LoadTunnelGroups"
        | "LoadUserGroups"
        | "ListAccounts"
        | "AdminCustomButtonArray"
        | "ClientAreaAllowedFunctions" => (Outcome::Nothing, Some(result.clone())),
        "ClientArea" => match result {
            Value::String(s) if s.is_empty() => (Outcome::Nothing, None),
            Value::Object(o) => {
                let template = o
                    .get("tabOverviewModuleOutputTemplate")
                    .and_then(Value::as_str)
                    .unwrap_or("");
                let vars = o.get("templateVariables").cloned().unwrap_or(Value::Null);
                match template {
                    "templates/clientarea.tpl" => (Outcome::Success, Some(vars["flvx"].clone())),
                    "templates/error.tpl" => (
                        Outcome::failure(vars["flvxError"].as_str().unwrap_or("")),
                        None,
                    ),
                    other => {
                        problems.push(format!("ClientArea names template {other:?}"));
                        (Outcome::failure("?"), None)
                    }
                }
            }
            other => {
                problems.push(format!("ClientArea returned {other}"));
                (Outcome::failure("?"), None)
            }
        },
        _ => match result.as_str() {
            Some("success") => (Outcome::Success, None),
            Some("") => {
                problems.push("an empty message".into());
                (Outcome::failure(""), None)
            }
            Some(message) => (Outcome::failure(message), None),
            None => {
                problems.push(format!("{function} returned {result}, not a string"));
                (Outcome::failure("?"), None)
            }
        },
    }
}

/// The stored record as the Rust type, checking it has exactly the Rust record's fields.
fn record(value: &Value) -> Result<ServiceRecord, String> {
    if value.is_null() {
        return Ok(ServiceRecord::default());
    }
    let expected: BTreeSet<String> = match serde_json::to_value(ServiceRecord::default()) {
        Ok(Value::Object(o)) => o.keys().cloned().collect(),
        _ => BTreeSet::new(),
    };
    let actual: BTreeSet<String> = value
        .as_object()
        .map(|o| o.keys().cloned().collect())
        .unwrap_or_default();
    if expected != actual {
        return Err(format!(
            "the PHP record has fields {actual:?}, the Rust record {expected:?}: {value}"
        ));
    }
    serde_json::from_value(value.clone())
        .map_err(|e| format!("the PHP record does not decode ({e}): {value}"))
}

#[cfg(test)]
mod tests {
    use super::ascii_json;
    use serde_json::{Value, json};

    #[test]
    fn ascii_json_escapes_every_non_ascii_character_and_means_the_same() {
        let value = json!({"due": "\u{3000}2027-03-06", "name": "转发😀", "n": 1});
        let text = ascii_json(&value);
        assert!(text.is_ascii(), "{text}");
        assert!(
            text.contains(r"\u3000") && text.contains(r"\ud83d\ude00"),
            "{text}"
        );
        assert_eq!(serde_json::from_str::<Value>(&text).expect("json"), value);
    }
}
