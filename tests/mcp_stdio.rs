//! The MCP surface of the real binary over stdio: protocol revisions, the
//! `server/discover` probe, the registered tool list, protocol vs tool errors.

mod support;

use rmcp::model::{CallToolRequestParams, ProtocolVersion};
use serde_json::{json, Value};
use std::process::Stdio;
use support::*;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

#[tokio::test]
async fn initializes_with_2025_06_18_and_2025_11_25() {
    let sim = sim(1).await;
    for version in [ProtocolVersion::V_2025_06_18, ProtocolVersion::V_2025_11_25] {
        let client = connect_with(
            command(&sim.spot_url(), &sim.futures_url()),
            version.clone(),
        )
        .await;
        let info = client
            .peer()
            .peer_info()
            .expect("server info after initialize");
        assert_eq!(info.protocol_version, version);
        assert_eq!(info.server_info.as_ref().unwrap().name, "binance-mcp");
        assert!(info.capabilities.tools.is_some());
        client.cancel().await.unwrap();
    }
}

/// A 2026-07-28 client probes `server/discover` before anything else; it
/// must get a JSON-RPC answer (result or error) with its id, and the
/// connection must stay usable for the `initialize` fallback.
#[tokio::test]
async fn discover_probe_gets_an_answer_and_initialize_still_works() {
    let sim = sim(1).await;
    let mut cmd = command(&sim.spot_url(), &sim.futures_url());
    cmd.arg("serve")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true);
    let mut child = cmd.spawn().unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let send = |v: Value| format!("{v}\n");
    let probe = json!({"jsonrpc":"2.0","id":1,"method":"server/discover","params":{
        "_meta": {"io.modelcontextprotocol/protocolVersion": "2026-07-28",
                  "io.modelcontextprotocol/clientInfo": {"name":"probe","version":"1"},
                  "io.modelcontextprotocol/clientCapabilities": {}}}});
    stdin.write_all(send(probe).as_bytes()).await.unwrap();
    let answer: Value = serde_json::from_str(
        &lines
            .next_line()
            .await
            .unwrap()
            .expect("an answer to server/discover"),
    )
    .unwrap();
    assert_eq!(answer["jsonrpc"], "2.0");
    assert_eq!(answer["id"], 1);
    assert!(
        answer.get("result").is_some() || answer.get("error").is_some(),
        "{answer}"
    );

    let init = json!({"jsonrpc":"2.0","id":2,"method":"initialize","params":{
        "protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"probe","version":"1"}}});
    stdin.write_all(send(init).as_bytes()).await.unwrap();
    let answer: Value = serde_json::from_str(
        &lines
            .next_line()
            .await
            .unwrap()
            .expect("an answer to initialize"),
    )
    .unwrap();
    assert_eq!(answer["id"], 2);
    assert_eq!(
        answer["result"]["protocolVersion"], "2025-11-25",
        "{answer}"
    );
    drop(stdin);
    let _ = child.wait().await;
}

/// stdout carries nothing but JSON-RPC, even with trace logging on.
#[tokio::test]
async fn stdout_carries_only_json_rpc() {
    let sim = sim(1).await;
    let mut cmd = command(&sim.spot_url(), &sim.futures_url());
    cmd.env("RUST_LOG", "trace")
        .arg("serve")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    let mut child = cmd.spawn().unwrap();
    let mut stdin = child.stdin.take().unwrap();
    // Drain stderr as it comes: trace logging fills a pipe quickly.
    let mut stderr = child.stderr.take().unwrap();
    let drained = tokio::spawn(async move {
        let mut buf = Vec::new();
        tokio::io::AsyncReadExt::read_to_end(&mut stderr, &mut buf)
            .await
            .map(|_| buf)
    });
    let msgs = [
        json!({"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}),
        json!({"jsonrpc":"2.0","method":"notifications/initialized"}),
        json!({"jsonrpc":"2.0","id":2,"method":"tools/list"}),
        json!({"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"get_ticker_price","arguments":{"symbol":"BTCUSDT"}}}),
    ];
    for m in &msgs {
        stdin.write_all(format!("{m}\n").as_bytes()).await.unwrap();
    }
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut ids = Vec::new();
    while ids.len() < 3 {
        let line = lines.next_line().await.unwrap().expect("more output");
        let v: Value = serde_json::from_str(&line)
            .unwrap_or_else(|e| panic!("non-JSON on stdout: {line:?} ({e})"));
        assert_eq!(v["jsonrpc"], "2.0");
        if let Some(id) = v.get("id") {
            ids.push(id.as_i64().unwrap());
        }
    }
    // Requests are served concurrently: answers may come in any order.
    ids.sort_unstable();
    assert_eq!(ids, vec![1, 2, 3]);
    drop(stdin);
    child.wait().await.unwrap();
    let logs = drained.await.unwrap().unwrap();
    assert!(!logs.is_empty(), "trace logs go to stderr");
}

#[tokio::test]
async fn tool_list_matches_the_readme_table() {
    let sim = sim(1).await;
    let mut cmd = command(&sim.spot_url(), &sim.futures_url());
    cmd.arg("--policy").arg(all_tools_policy());
    let client = connect_with(cmd, ProtocolVersion::V_2025_11_25).await;
    let tools = client.peer().list_all_tools().await.unwrap();
    let mut listed: Vec<String> = tools.iter().map(|t| t.name.to_string()).collect();
    let mut documented: Vec<String> = readme_tools().into_iter().map(|(t, _)| t).collect();
    listed.sort();
    documented.sort();
    assert_eq!(
        listed, documented,
        "README tool table and tools/list differ"
    );
    let plugin_of: std::collections::HashMap<String, String> = readme_tools().into_iter().collect();
    for t in &tools {
        assert!(plugin_of.contains_key(t.name.as_ref()), "{}", t.name);
        let a = t.annotations.as_ref().expect("annotations");
        assert_eq!(a.read_only_hint, Some(true), "{}", t.name);
        assert_eq!(a.open_world_hint, Some(true), "{}", t.name);
        assert!(t.output_schema.is_some(), "{} has no outputSchema", t.name);
        assert!(t.title.is_some() && t.description.is_some(), "{}", t.name);
    }
    client.cancel().await.unwrap();
}

#[tokio::test]
async fn unknown_tool_is_a_protocol_error_and_bad_arguments_a_tool_error() {
    let sim = sim(1).await;
    let client = connect(&sim).await;
    let e = client
        .peer()
        .call_tool(CallToolRequestParams::new("withdraw_everything"))
        .await
        .unwrap_err();
    assert!(e.to_string().contains("unknown tool"), "{e}");
    let body = err(
        &client,
        "get_order_book",
        json!({"symbol":"BTCUSDT","limit":0}),
    )
    .await;
    assert_eq!(body["code"], -32003);
    assert!(body["message"].as_str().unwrap().contains("limit"));
    assert!(body.get("binance_code").is_none());
    // The session survives both.
    ok(&client, "get_server_time", json!({})).await;
    client.cancel().await.unwrap();
}

/// Without the operator's switch the deposit-address tool is not offered.
#[tokio::test]
async fn deposit_addresses_are_hidden_by_default() {
    let sim = sim(1).await;
    let client = connect(&sim).await;
    let tools = client.peer().list_all_tools().await.unwrap();
    assert!(tools.iter().any(|t| t.name == "get_account_info"));
    assert!(!tools.iter().any(|t| t.name == "get_deposit_address"));
    let e = client
        .peer()
        .call_tool(CallToolRequestParams::new("get_deposit_address"))
        .await
        .unwrap_err();
    assert!(e.to_string().contains("unknown tool"), "{e}");
    client.cancel().await.unwrap();
}
