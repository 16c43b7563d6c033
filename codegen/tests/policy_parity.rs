//! The forward policy's parsers agree in both runtimes: targets, networks, port ranges and
//! the refused-network lookup of the Rust `policy` module and the generated
//! `FlvxForwardPolicy.php`, over inputs at the edges of what each accepts (the conformance
//! scenarios check whole actions; this checks many more inputs cheaply).

mod common;

use flvx_provision::ProvisionError;
use flvx_provision::policy::networks::{parse_list, refused_network};
use flvx_provision::policy::port::parse_range;
use flvx_provision::policy::target::{Host, parse_targets};
use serde_json::{Value, json};
use std::io::Write;
use std::net::IpAddr;
use std::process::Stdio;

const TARGETS: &[&str] = &[
    "198.51.100.7:443",
    " 198.51.100.7:+00443 ",
    "[2001:db8::1]:443",
    "[2001:DB8:0:0:0:0:0:1]:443",
    "[::ffff:10.0.0.1]:80",
    "[::ffff:0a00:0001]:80",
    "[::1.2.3.4]:80",
    "[1:0:2:3:4:5:6:7]:80",
    "[1:0:0:2:0:0:0:3]:80",
    "[0:0:1:0:0:1:0:0]:80",
    "[::ffff:0:1]:80",
    "[1::]:80",
    "[::]:80",
    "[fe80::1%eth0]:80",
    "[::1:80",
    "::1:80",
    "[10.0.0.1]:80",
    "10.0.0.01:80",
    "256.0.0.1:80",
    "1.2.3:80",
    "127.1:80",
    "0x7f000001:80",
    "0x7f.1:80",
    "a.example:80, b.example.:81",
    "a_b.example:80",
    "-a.example:80",
    "a-.example:80",
    "a..example:80",
    ".example:80",
    "bücher.example:80",
    "xn--bcher-kva.example:80",
    "h:0",
    "h:65536",
    "h:000065535",
    "h:+",
    "h:++80",
    "h :80",
    "h\u{3000}:80",
    "",
    ",",
    "h:80,",
    "1.1.1.1:1,1.1.1.1:2,1.1.1.1:3,1.1.1.1:4,1.1.1.1:5,1.1.1.1:6,1.1.1.1:7,1.1.1.1:8,1.1.1.1:9,1.1.1.1:10",
    "1.1.1.1:1,1.1.1.1:2,1.1.1.1:3,1.1.1.1:4,1.1.1.1:5,1.1.1.1:6,1.1.1.1:7,1.1.1.1:8,1.1.1.1:9,1.1.1.1:10,1.1.1.1:11",
];

const NETWORKS: &[&str] = &[
    "",
    " , ",
    "10.0.0.0/8",
    "10.0.0.0/08",
    "10.0.0.0/008",
    "10.0.0.0/0008",
    "10.0.0.5/8",
    "10.0.0.0/33",
    "0.0.0.0/0",
    "::/0",
    "fd00::/8",
    "fd00::1/8",
    "fd00::/129",
    "192.0.2.7",
    "2001:db8::1",
    "::ffff:10.0.0.0/104",
    "10.0.0.0/8, fd00:1::/64",
    "10.0.0.0/8,nope",
    "10.0.0.0/-8",
    "10.0.0.0/+8",
    "[fd00::]/8",
];

const RANGES: &[&str] = &[
    "",
    "20000-29999",
    " 20000 - 29999 ",
    "1-65535",
    "0-10",
    "10-5",
    "1-65536",
    "20000",
    "a-b",
    "-5",
    "1-2-3",
    "+1-2",
    "00001-00002",
    "000001-2",
];

const ADDRESSES: &[&str] = &[
    "127.0.0.1",
    "0.0.0.0",
    "0.255.255.255",
    "1.0.0.0",
    "10.255.255.255",
    "100.63.255.255",
    "100.64.0.0",
    "100.127.255.255",
    "100.128.0.0",
    "169.254.0.0",
    "172.15.255.255",
    "172.16.0.0",
    "172.31.255.255",
    "172.32.0.0",
    "192.168.0.0",
    "223.255.255.255",
    "224.0.0.0",
    "239.255.255.255",
    "240.0.0.1",
    "255.255.255.255",
    "::",
    "::1",
    "::2",
    "fbff::1",
    "fc00::",
    "fdff:ffff::1",
    "fe00::1",
    "fe80::",
    "febf::1",
    "fec0::1",
    "ff00::",
    "::ffff:127.0.0.1",
    "::ffff:192.168.1.1",
    "::ffff:8.8.8.8",
    "2001:db8::1",
];

fn key(error: &ProvisionError) -> String {
    match error {
        ProvisionError::InvalidForward { .. } => "invalid_forward",
        ProvisionError::TargetHostInvalid => "target_host_invalid",
        ProvisionError::TooManyTargets { .. } => "too_many_targets",
        other => panic!("unexpected {other:?}"),
    }
    .to_owned()
}

fn rust_side() -> Value {
    let targets: Vec<Value> = TARGETS
        .iter()
        .map(|raw| match parse_targets(raw) {
            Ok(targets) => json!(
                targets
                    .iter()
                    .map(|t| {
                        let host = match &t.host {
                            Host::Ip(ip) => format!("ip {ip}"),
                            Host::Name(name) => format!("name {name}"),
                        };
                        format!("{} = {host} port {}", t.text, t.port)
                    })
                    .collect::<Vec<_>>()
            ),
            Err(e) => json!(key(&e)),
        })
        .collect();
    let networks: Vec<Value> = NETWORKS
        .iter()
        .map(|raw| json!(parse_list(raw).map(|l| l.len())))
        .collect();
    let ranges: Vec<Value> = RANGES
        .iter()
        .map(|raw| match parse_range(raw) {
            None => json!("invalid"),
            Some(None) => json!("none"),
            Some(Some((min, max))) => json!(format!("{min}-{max}")),
        })
        .collect();
    let addresses: Vec<Value> = ADDRESSES
        .iter()
        .map(|raw| match raw.parse::<IpAddr>() {
            Err(_) => json!("unparsed"),
            Ok(ip) => match refused_network(ip) {
                None => json!("ok"),
                Some((cidr, kind)) => json!(format!("{cidr} {}", kind.key())),
            },
        })
        .collect();
    json!({"targets": targets, "networks": networks, "ranges": ranges, "addresses": addresses})
}

#[test]
fn rust_and_php_parse_and_classify_alike() {
    if !common::php_available("rust_and_php_parse_and_classify_alike") {
        return;
    }
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/php/policy.php");
    let module = common::module_dir();
    let mut child = common::php_command()
        .args([script.to_str().unwrap(), module.to_str().unwrap()])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("php runs");
    let input =
        json!({"targets": TARGETS, "networks": NETWORKS, "ranges": RANGES, "addresses": ADDRESSES});
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input.to_string().as_bytes())
        .expect("write");
    let out = child.wait_with_output().expect("php ends");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "policy.php failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let php: Value = serde_json::from_str(stdout.trim()).expect("php prints JSON");
    let rust = rust_side();
    let mut differ = Vec::new();
    for section in ["targets", "networks", "ranges", "addresses"] {
        let inputs: Vec<Value> = input[section].as_array().cloned().unwrap_or_default();
        for (i, raw) in inputs.iter().enumerate() {
            if php[section][i] != rust[section][i] {
                differ.push(format!(
                    "{section} {raw}: PHP {} / Rust {}",
                    php[section][i], rust[section][i]
                ));
            }
        }
    }
    assert!(
        differ.is_empty(),
        "PHP and Rust differ:\n{}",
        differ.join("\n")
    );
}
