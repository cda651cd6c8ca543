//! The sandbox and its limits, through the real binary: a fixture plugin
//! (`tests/fixtures/misbehave`) that spins, hogs memory, panics, returns
//! garbage, asks for forbidden endpoints and snoops on the machine. Each
//! must come back as a tool error (or find nothing), and the host must live on.

mod support;

use serde_json::Value;
use std::time::{Duration, Instant};
use support::*;

fn call_fixture(tool: &str, extra: &[&str]) -> (Option<i32>, Value, String) {
    let out = std_command("http://127.0.0.1:9")
        .arg("--plugins")
        .arg(fixture_dir("misbehave"))
        .arg("--policy")
        .arg(fixture_policy("misbehave", &["market-data"]))
        .args(extra)
        .args(["call", tool])
        .output()
        .expect("run binance-mcp");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let body = serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("{tool}: stdout is not JSON ({e}): {stdout:?}"));
    (
        out.status.code(),
        body,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn tool_error(tool: &str, extra: &[&str]) -> Value {
    let (code, body, stderr) = call_fixture(tool, extra);
    assert_eq!(
        code,
        Some(1),
        "{tool} should fail as a tool error: {body} {stderr}"
    );
    assert!(
        !stderr.contains("panicked"),
        "{tool}: the host panicked: {stderr}"
    );
    body
}

#[test]
fn a_runaway_plugin_is_stopped_at_its_deadline() {
    let started = Instant::now();
    let e = tool_error("spin", &["--call-timeout", "1"]);
    assert_eq!(e["code"], -32603);
    assert!(
        e["message"]
            .as_str()
            .unwrap()
            .contains("did not finish within 1 s"),
        "{e}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "took {:?}",
        started.elapsed()
    );
}

#[test]
fn memory_beyond_the_cap_fails_the_call_not_the_host() {
    let e = tool_error("hog", &[]);
    assert_eq!(e["code"], -32603);
    assert!(e["message"].as_str().unwrap().contains("misbehave"), "{e}");
}

#[test]
fn a_panicking_plugin_is_a_tool_error() {
    let e = tool_error("crash", &[]);
    assert_eq!(e["code"], -32603);
}

#[test]
fn a_stack_overflow_traps_instead_of_corrupting_memory() {
    let e = tool_error("deep", &[]);
    assert_eq!(e["code"], -32603);
    assert!(
        e["message"]
            .as_str()
            .unwrap()
            .contains("failed while running tool 'deep'"),
        "{e}"
    );
}

#[test]
fn malformed_or_oversized_output_is_refused() {
    let e = tool_error("not_an_object", &[]);
    assert!(
        e["message"].as_str().unwrap().contains("not an object"),
        "{e}"
    );
    let e = tool_error("flood", &[]);
    assert!(e["message"].as_str().unwrap().contains("cap"), "{e}");
}

#[test]
fn forbidden_ungranted_and_host_only_requests_never_leave() {
    let e = tool_error("withdraw", &[]);
    assert_eq!(e["code"], -32006);
    assert!(
        e["message"].as_str().unwrap().contains("never sends"),
        "{e}"
    );
    let e = tool_error("read_account", &[]);
    assert_eq!(e["code"], -32006);
    let message = e["message"].as_str().unwrap();
    assert!(
        message.contains("'account-read' capability") && message.contains("does not grant"),
        "{e}"
    );
    let e = tool_error("forge_signature", &[]);
    assert_eq!(e["code"], -32006);
    assert!(e["message"].as_str().unwrap().contains("host only"), "{e}");
}

#[test]
fn host_only_parameters_are_refused_in_any_spelling() {
    let (code, v, stderr) = call_fixture("smuggle", &[]);
    assert_eq!(code, Some(0), "{v} {stderr}");
    let verdicts = v.as_object().unwrap();
    assert_eq!(verdicts.len(), 6, "{v}");
    for (name, verdict) in verdicts {
        let verdict = verdict.as_str().unwrap();
        assert!(
            verdict.starts_with("refused") && verdict.contains("host only"),
            "{name}: {verdict}"
        );
    }
}

#[test]
fn the_wasi_context_grants_nothing() {
    let (code, v, stderr) = call_fixture("snoop", &[]);
    assert_eq!(code, Some(0), "{v} {stderr}");
    assert_eq!(v["env"], serde_json::json!([]), "no environment variables");
    assert_eq!(v["args"], serde_json::json!([]), "no arguments");
    assert!(
        v["read_dir_root"].as_str().unwrap().starts_with("Err"),
        "{v}"
    );
    assert!(v["read_passwd"].as_str().unwrap().starts_with("Err"), "{v}");
    assert!(v["tcp_connect"].as_str().unwrap().starts_with("Err"), "{v}");
}
