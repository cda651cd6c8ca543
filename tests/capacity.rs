//! The host under load, through the real binary: calls beyond the
//! concurrency limits queue instead of failing, and one plugin's runaway
//! calls cannot block another plugin's.

mod support;

use rmcp::model::{CallToolRequestParams, ProtocolVersion};
use serde_json::{json, Value};
use std::time::Duration;
use support::*;

fn params(tool: &str, args: Value) -> CallToolRequestParams {
    let mut p = CallToolRequestParams::new(tool.to_string());
    if let Value::Object(map) = args {
        p = p.with_arguments(map);
    }
    p
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sixty_four_concurrent_calls_all_answer() {
    let sim = sim(51).await;
    let client = connect(&sim).await;
    let mut set = tokio::task::JoinSet::new();
    for i in 0..64 {
        let peer = client.peer().clone();
        let tool = if i % 2 == 0 {
            "get_ticker_price"
        } else {
            "get_order_book"
        };
        set.spawn(async move {
            peer.call_tool(params(tool, json!({"symbol":"BTCUSDT"})))
                .await
        });
    }
    let mut answers = 0;
    while let Some(joined) = set.join_next().await {
        let result = joined
            .unwrap()
            .expect("a tools/call answer, not a protocol error");
        let (is_error, body) = body(&result);
        assert!(!is_error, "no capacity (or any) error: {body}");
        answers += 1;
    }
    assert_eq!(answers, 64);
    client.cancel().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn thirty_two_runaway_calls_do_not_block_another_plugin() {
    let sim = sim(52).await;
    let mut cmd = command(&sim.spot_url(), &sim.futures_url());
    cmd.args(["--call-timeout", "5", "--plugins"])
        .arg(fixture_dir("misbehave"))
        .arg("--policy")
        .arg(fixture_policy("misbehave", &["market-data"]));
    let client = connect_with(cmd, ProtocolVersion::V_2025_11_25).await;
    let mut spinning = tokio::task::JoinSet::new();
    for _ in 0..32 {
        let peer = client.peer().clone();
        spinning.spawn(async move { peer.call_tool(params("spin", json!({}))).await });
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    let market = ok(&client, "get_server_time", json!({})).await;
    assert!(market["serverTime"].as_i64().is_some());
    assert!(
        spinning.try_join_next().is_none(),
        "the market call answered while every runaway call was still running or queued"
    );
    let (mut stopped, mut queued_out) = (0, 0);
    while let Some(joined) = spinning.join_next().await {
        let (is_error, e) = body(&joined.unwrap().expect("a tools/call answer"));
        assert!(is_error);
        match e["code"].as_i64() {
            Some(-32603) => stopped += 1, // ran and hit its deadline
            Some(-32001) => {
                // waited its whole budget in the plugin's queue
                assert!(e["retry_after_secs"].as_u64().is_some(), "{e}");
                queued_out += 1;
            }
            _ => panic!("a runaway call ended oddly: {e}"),
        }
    }
    assert_eq!(stopped + queued_out, 32);
    // 16 ran at once (the per-plugin limit); a queued call admitted just
    // before its own deadline runs out the rest of it.
    assert!(
        (16..=32).contains(&stopped),
        "{stopped} ran, {queued_out} queued out"
    );
    client.cancel().await.unwrap();
}
