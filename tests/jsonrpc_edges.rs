//! The JSON-RPC edges the host decides, through the real binary with a raw
//! client: lines that are not JSON, arguments that are not an object or are
//! too large, messages far over the limit, a closed stdout, and MCP logging.

mod support;

use serde_json::{json, Value};
use std::time::Duration;
use support::raw::{tool_body, Raw};
use support::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_line_that_is_not_json_is_answered_parse_error() {
    let sim = sim(31).await;
    let mut raw = Raw::initialized(command(&sim.spot_url(), &sim.futures_url())).await;
    raw.line(b"this is not json {").await;
    let e = raw.next().await;
    assert_eq!(e["error"]["code"], -32700, "{e}");
    assert!(e.get("id").is_none_or(Value::is_null), "{e}");
    // The session goes on.
    raw.call(1, "get_server_time", json!({})).await;
    let (is_error, _) = tool_body(&raw.response(1).await);
    assert!(!is_error);
    raw.finish(Duration::from_secs(10)).await;
}

/// Refusals answered by the transport and answers from the server,
/// pipelined: none is lost and every line is whole JSON.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pipelined_refusals_and_answers_all_arrive_whole() {
    let sim = sim(36).await;
    let mut raw = Raw::initialized(command(&sim.spot_url(), &sim.futures_url())).await;
    let n = 150;
    let long_method = "m".repeat(200_000);
    for i in 0..n {
        raw.call(3 * i, "get_server_time", json!({})).await;
        raw.line(b"not json").await;
        raw.call(3 * i + 1, "get_server_time", json!("not an object"))
            .await;
        if i % 30 == 0 {
            raw.line(
                json!({"jsonrpc":"2.0","id":3 * i + 2,"method":long_method,"params":5})
                    .to_string()
                    .as_bytes(),
            )
            .await;
        }
    }
    raw.line(b"[1,2]").await;
    let (mut ok, mut parse, mut params, mut other) = (0, 0, 0, 0);
    while ok + parse + params + other < 3 * n + n / 30 + 1 {
        let m = raw.next().await; // panics on a line that is not JSON
        match m["error"]["code"].as_i64() {
            None => ok += 1,
            Some(-32700) => parse += 1,
            Some(-32602) => params += 1,
            Some(_) => {
                let message = m["error"]["message"].as_str().unwrap();
                assert!(
                    message.len() < 400,
                    "a bounded message: {} bytes",
                    message.len()
                );
                other += 1
            }
        }
    }
    assert_eq!((ok, parse, params), (n, n, n));
    assert_eq!(other, n / 30 + 1, "the long-method requests and the batch");
    raw.finish(Duration::from_secs(10)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn non_object_arguments_are_invalid_params() {
    let sim = sim(32).await;
    let mut raw = Raw::initialized(command(&sim.spot_url(), &sim.futures_url())).await;
    for (id, args) in [(5, json!("BTCUSDT")), (6, json!([1, 2])), (7, json!(3))] {
        raw.call(id, "get_ticker_price", args).await;
        let e = raw.response(id).await;
        assert_eq!(e["error"]["code"], -32602, "{e}");
        assert!(
            e["error"]["message"]
                .as_str()
                .unwrap()
                .contains("JSON object"),
            "{e}"
        );
    }
    raw.finish(Duration::from_secs(10)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oversized_arguments_are_a_tool_error_and_cost_no_memory() {
    let sim = sim(33).await;
    let mut raw = Raw::initialized(command(&sim.spot_url(), &sim.futures_url())).await;
    // Just over the argument cap: parsed (the message is small), refused.
    raw.call(1, "get_ticker_price", json!({"symbol": "B".repeat(70_000)}))
        .await;
    let (is_error, e) = tool_body(&raw.response(1).await);
    assert!(is_error);
    assert_eq!(e["code"], -32003, "{e}");
    assert!(
        e["message"]
            .as_str()
            .unwrap()
            .contains("limit is 65536 bytes"),
        "{e}"
    );
    raw.reset_peak_memory();
    let (rss_before, _) = raw.memory_kb();
    // 15 MB messages: skipped unread, answered from the id at either end.
    let filler = "x".repeat(15 << 20);
    let id_first = format!(
        r#"{{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{{"name":"get_ticker_price","arguments":{{"symbol":"{filler}"}}}}}}"#
    );
    let id_last = format!(
        r#"{{"method":"tools/call","params":{{"name":"get_ticker_price","arguments":{{"symbol":"{filler}"}}}},"jsonrpc":"2.0","id":3}}"#
    );
    for (id, line) in [(2, id_first), (3, id_last)] {
        raw.line(line.as_bytes()).await;
        let (is_error, e) = tool_body(&raw.response(id).await);
        assert!(is_error, "{e}");
        assert_eq!(e["code"], -32003, "{e}");
    }
    let (_, peak) = raw.memory_kb();
    assert!(
        peak.saturating_sub(rss_before) < 8 << 10,
        "15 MB messages grew the peak RSS from {rss_before} kB to {peak} kB"
    );
    // A message that is not a call, over the limit: -32600.
    raw.line(
        format!(r#"{{"jsonrpc":"2.0","id":4,"method":"tools/list","params":{{"x":"{filler}"}}}}"#)
            .as_bytes(),
    )
    .await;
    assert_eq!(raw.response(4).await["error"]["code"], -32600);
    raw.call(5, "get_server_time", json!({})).await;
    assert!(!tool_body(&raw.response(5).await).0, "the session goes on");
    raw.finish(Duration::from_secs(10)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_closed_stdout_ends_the_server() {
    let sim = sim(34).await;
    let mut raw = Raw::initialized(command(&sim.spot_url(), &sim.futures_url())).await;
    drop(raw.stdout.take()); // the client stops reading
    let before = sim.state().stats().requests;
    for id in 1..=50 {
        if raw.child.try_wait().ok().flatten().is_some() {
            break;
        }
        let stdin = raw.stdin.as_mut().unwrap();
        let line = format!(
            "{}\n",
            json!({"jsonrpc":"2.0","id":id,"method":"tools/call","params":{"name":"get_server_time"}})
        );
        if tokio::io::AsyncWriteExt::write_all(stdin, line.as_bytes())
            .await
            .is_err()
        {
            break; // the server is gone
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let (status, stderr) = raw.finish(Duration::from_secs(10)).await;
    assert!(status.is_some(), "the server exited: {stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    let reached = sim.state().stats().requests - before;
    assert!(
        reached <= 3,
        "{reached} calls reached the exchange after stdout closed"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logging_set_level_forwards_plugin_events_at_or_above_it() {
    let sim = sim(35).await;
    let mut cmd = command(&sim.spot_url(), &sim.futures_url());
    cmd.env("RUST_LOG", "info")
        .arg("--plugins")
        .arg(fixture_dir("misbehave"))
        .arg("--policy")
        .arg(fixture_policy("misbehave", &["market-data"]));
    let mut raw = Raw::initialized(cmd).await;
    raw.send(
        &json!({"jsonrpc":"2.0","id":1,"method":"logging/setLevel","params":{"level":"info"}}),
    )
    .await;
    assert_eq!(raw.response(1).await["result"], json!({}));
    raw.call(2, "log_flood", json!({})).await;
    let mut seen = Vec::new();
    let (is_error, _) = tool_body(&raw.response_collecting(2, &mut seen).await);
    assert!(!is_error);
    while let Some(m) = raw.next_within(Duration::from_secs(2)).await {
        seen.push(m);
    }
    let logs: Vec<&Value> = seen
        .iter()
        .filter(|m| m["method"] == "notifications/message")
        .collect();
    assert_eq!(logs.len(), 200, "capped per call");
    assert_eq!(logs[0]["params"]["level"], "info");
    assert_eq!(logs[0]["params"]["data"]["plugin"], "misbehave");
    let message = logs[0]["params"]["data"]["message"].as_str().unwrap();
    assert!(
        message.contains("\\nFORGED") && !message.contains('\n'),
        "{message}"
    );
    // Above the events' level: nothing forwarded.
    raw.send(
        &json!({"jsonrpc":"2.0","id":3,"method":"logging/setLevel","params":{"level":"error"}}),
    )
    .await;
    raw.response(3).await;
    raw.call(4, "log_flood", json!({})).await;
    let mut seen = Vec::new();
    raw.response_collecting(4, &mut seen).await;
    while let Some(m) = raw.next_within(Duration::from_secs(1)).await {
        seen.push(m);
    }
    assert!(seen.is_empty(), "{seen:?}");
    let (_, stderr) = raw.finish(Duration::from_secs(10)).await;
    // stderr: at most the cap per call, one line each, no forged lines.
    let kept = stderr.lines().filter(|l| l.contains("event ")).count();
    assert_eq!(kept, 400, "two calls, capped at 200 each");
    assert!(
        !stderr.lines().any(|l| l.starts_with("FORGED")),
        "a forged line"
    );
    assert_eq!(
        stderr
            .matches("further events of this call are dropped")
            .count(),
        2
    );
    assert!(
        stderr.contains("dropped=99800"),
        "{}",
        &stderr[stderr.len().saturating_sub(2000)..]
    );
}
