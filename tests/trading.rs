//! Spot trading under policy, through the real binary against the
//! simulator: limits refuse at execution with their key and nothing on the
//! wire, filters give the nearest valid values, the journal across
//! `kill -9` and tampering, the kill switch (confirmations:
//! `tests/confirmation.rs`). Every test counts the orders the simulator received: none is
//! ever sent twice.

mod support;

use rmcp::model::ProtocolVersion;
use serde_json::{json, Value};
use std::time::Duration;
use support::trading::*;
use support::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_read_only_default_offers_no_trading_tool() {
    let sim = sim(31).await;
    let client = connect(&sim).await;
    let tools = client.peer().list_all_tools().await.unwrap();
    assert!(tools.iter().all(|t| t.name != "place_order"));
    let refused = client
        .peer()
        .call_tool(
            rmcp::model::CallToolRequestParams::new("place_order").with_arguments(
                limit("BTCUSDT", "0.001", "100")
                    .as_object()
                    .unwrap()
                    .clone(),
            ),
        )
        .await;
    assert!(refused.is_err(), "an unknown tool: {refused:?}");
    assert_eq!(orders(&sim), 0);
    client.cancel().await.ok();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_limit_refuses_at_execution_with_its_key_and_nothing_is_sent() {
    let sim = sim(32).await;
    let policy = trading_policy(
        "limits",
        "symbols = [\"BTCUSDT\"]\norder_types = [\"LIMIT\"]\nmax_order_notional = 100\nmax_open_orders = 50\nconfirm = \"none\"",
    );
    let st = state("limits");
    let client = connect_with(keyed(&sim, &policy, &st), ProtocolVersion::V_2025_11_25).await;
    let price = sim.state().price("BTCUSDT").unwrap();
    let p = format!("{}", price.round_dp(2));
    let cases = [
        (
            limit("BTCUSDT", "1", &p),
            "exceeds trading.max_order_notional 100",
        ),
        (
            limit("ETHUSDT", "0.001", "100"),
            "not in trading.symbols (BTCUSDT)",
        ),
        (
            json!({"symbol": "BTCUSDT", "side": "BUY", "type": "MARKET", "quantity": "0.0001"}),
            "MARKET orders are not in trading.order_types",
        ),
    ];
    for (args, want) in cases {
        let e = err(&client, "place_order", args).await;
        assert_eq!(e["code"], -32006, "{e}");
        assert!(e["message"].as_str().unwrap().contains(want), "{want}: {e}");
    }
    assert_eq!(orders(&sim), 0, "nothing reached the exchange");
    client.cancel().await.ok();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn filters_give_the_nearest_valid_values() {
    let sim = sim(33).await;
    let policy = trading_policy("filters", "confirm = \"none\"");
    let st = state("filters");
    let client = connect_with(keyed(&sim, &policy, &st), ProtocolVersion::V_2025_11_25).await;
    let price = sim.state().price("BTCUSDT").unwrap().round_dp(2);
    let e = err(
        &client,
        "place_order",
        limit("BTCUSDT", "0.0012345678", &price.to_string()),
    )
    .await;
    assert_eq!(e["code"], -32003, "{e}");
    assert!(e["message"].as_str().unwrap().contains("LOT_SIZE"), "{e}");
    assert!(e["data"]["nearest_quantity"].is_string(), "{e}");
    assert_eq!(orders(&sim), 0);
    client.cancel().await.ok();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn testnet_mode_refuses_a_live_base_url() {
    let policy = trading_policy("live-url", "confirm = \"none\"");
    let st = state("live-url");
    let out = cli("https://api.binance.com", &policy, &st)
        .args(["--call-timeout", "5", "call", "place_order"])
        .arg(limit("BTCUSDT", "0.001", "100").to_string())
        .output()
        .unwrap();
    let body: Value = serde_json::from_slice(&out.stdout).expect("a tool error");
    assert_eq!(body["code"], -32006, "{body}");
    assert!(
        body["message"].as_str().unwrap().contains("live API"),
        "{body}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn halt_stops_a_running_servers_writes_and_resume_lifts_it() {
    let sim = sim(36).await;
    let policy = trading_policy("halt", "confirm = \"none\"");
    let st = state("halt");
    let client = connect_with(keyed(&sim, &policy, &st), ProtocolVersion::V_2025_11_25).await;
    let status = std::process::Command::new(bin())
        .args(["halt", "--reason", "test drill", "--state-dir"])
        .arg(&st)
        .status()
        .unwrap();
    assert!(status.success());
    let price =
        (sim.state().price("BTCUSDT").unwrap() * rust_decimal::Decimal::new(9, 1)).round_dp(2);
    let e = err(
        &client,
        "place_order",
        limit("BTCUSDT", "0.001", &price.to_string()),
    )
    .await;
    assert!(e["message"].as_str().unwrap().contains("halted"), "{e}");
    assert!(e["message"].as_str().unwrap().contains("test drill"), "{e}");
    assert_eq!(orders(&sim), 0);
    let status = std::process::Command::new(bin())
        .args(["resume", "--state-dir"])
        .arg(&st)
        .status()
        .unwrap();
    assert!(status.success());
    ok(
        &client,
        "place_order",
        limit("BTCUSDT", "0.001", &price.to_string()),
    )
    .await;
    assert_eq!(orders(&sim), 1);
    let open = |a: &Value| a["orders"].as_array().map_or(0, Vec::len);
    let listed = ok(&client, "get_open_orders", json!({"symbol": "BTCUSDT"})).await;
    let before = open(&listed);
    assert!(before >= 1, "{listed}");

    // `halt --cancel-open` halts and cancels what is open on the allowed symbols.
    let out = cli(&sim.spot_url(), &policy, &st)
        .args(["halt", "--cancel-open"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{stdout} {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains(&format!("BTCUSDT: cancelled {before}")),
        "{stdout}"
    );
    let listed = ok(&client, "get_open_orders", json!({"symbol": "BTCUSDT"})).await;
    assert_eq!(open(&listed), 0, "{listed}");
    let e = err(
        &client,
        "place_order",
        limit("BTCUSDT", "0.001", &price.to_string()),
    )
    .await;
    assert!(e["message"].as_str().unwrap().contains("halted"), "{e}");
    assert_eq!(orders(&sim), 1);
    client.cancel().await.ok();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_daily_cap_survives_kill_9_between_intent_and_outcome_and_tampering_is_caught() {
    let sim = sim(37).await;
    let price =
        (sim.state().price("BTCUSDT").unwrap() * rust_decimal::Decimal::new(9, 1)).round_dp(2);
    // The notional of 0.001, and room for one such order in 24 h, not two.
    let one = rust_decimal::Decimal::new(1, 3) * price;
    let cap = (one * rust_decimal::Decimal::new(15, 1)).round_dp(0);
    let policy = trading_policy(
        "kill",
        &format!("max_daily_notional = {cap}\nconfirm = \"none\""),
    );
    let st = state("kill");
    let order = limit("BTCUSDT", "0.001", &price.to_string());

    // The answer to the order is held back: the server is killed after the
    // intent was journalled and the order reached the exchange.
    sim.faults().push(
        binance_sim::faults::FaultRule::new(binance_sim::faults::Fault::DelayAfter(10_000))
            .on_path("/api/v3/order"),
    );
    let mut raw = support::raw::Raw::initialized(keyed(&sim, &policy, &st)).await;
    raw.call(1, "place_order", order.clone()).await;
    let journal = st.join("journal.jsonl");
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while orders(&sim) == 0 && std::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(orders(&sim), 1);
    raw.child.start_kill().unwrap(); // SIGKILL
    let _ = raw.child.wait().await;
    let text = std::fs::read_to_string(&journal).unwrap();
    assert!(text.contains("\"kind\":\"intent\""), "{text}");
    assert!(
        !text.contains("\"kind\":\"outcome\""),
        "killed before the outcome: {text}"
    );
    sim.faults().clear();

    // After a restart the unfinished order still counts: a second is refused.
    let client = connect_with(keyed(&sim, &policy, &st), ProtocolVersion::V_2025_11_25).await;
    let e = err(&client, "place_order", order.clone()).await;
    assert!(
        e["message"]
            .as_str()
            .unwrap()
            .contains("trading.max_daily_notional"),
        "{e}"
    );
    assert_eq!(orders(&sim), 1);
    client.cancel().await.ok();

    // An edited line (the notional made smaller) is detected: writes stop.
    let edited = std::fs::read_to_string(&journal).unwrap().replacen(
        "\"notional\":\"",
        "\"notional\":\"0",
        1,
    );
    std::fs::write(&journal, edited).unwrap();
    let verify = std::process::Command::new(bin())
        .args(["journal", "verify", "--state-dir"])
        .arg(&st)
        .output()
        .unwrap();
    assert_eq!(
        verify.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&verify.stdout)
    );
    let client = connect_with(keyed(&sim, &policy, &st), ProtocolVersion::V_2025_11_25).await;
    let e = err(
        &client,
        "place_order",
        limit("BTCUSDT", "0.0001", &price.to_string()),
    )
    .await;
    assert!(e["message"].as_str().unwrap().contains("journal"), "{e}");
    assert_eq!(orders(&sim), 1);
    client.cancel().await.ok();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancels_and_oco_are_journalled_and_sent_once() {
    let sim = sim(38).await;
    let policy = trading_policy("oco", "max_order_notional = 100000\nconfirm = \"none\"");
    let st = state("oco");
    let client = connect_with(keyed(&sim, &policy, &st), ProtocolVersion::V_2025_11_25).await;
    let last = sim.state().price("BTCUSDT").unwrap();
    let at = |f: i64| {
        (last * rust_decimal::Decimal::new(f, 2))
            .round_dp(2)
            .to_string()
    };

    // A dry run checks with Binance's order/test and places nothing.
    let mut dry = limit("BTCUSDT", "0.001", &at(90));
    dry["dry_run"] = json!(true);
    let checked = ok(&client, "place_order", dry).await;
    assert_eq!(checked["dryRun"], true, "{checked}");
    assert!(checked["commissionRates"].is_object(), "{checked}");
    assert_eq!(orders(&sim), 0);

    let mut order = limit("BTCUSDT", "0.001", &at(90));
    order["newClientOrderId"] = json!("test-cancel-1");
    let placed = ok(&client, "place_order", order).await;
    assert_eq!(placed["status"], "NEW", "{placed}");
    let cancelled = ok(
        &client,
        "cancel_order",
        json!({"symbol": "BTCUSDT", "origClientOrderId": "test-cancel-1"}),
    )
    .await;
    assert_eq!(cancelled["status"], "CANCELED", "{cancelled}");
    assert_eq!(sim.state().orders_received_for("test-cancel-1"), 1);

    // A SELL OCO: take profit above the market, stop-limit below it.
    let oco = ok(
        &client,
        "place_oco_order",
        json!({"symbol": "BTCUSDT", "side": "SELL", "quantity": "0.001",
               "price": at(110), "stopPrice": at(95), "stopLimitPrice": at(94),
               "listClientOrderId": "test-oco-1"}),
    )
    .await;
    assert!(oco["orderListId"].is_number(), "{oco}");
    assert_eq!(sim.state().orders_received_for("test-oco-1"), 1);
    let all = ok(&client, "cancel_all_orders", json!({"symbol": "BTCUSDT"})).await;
    assert!(all["cancelled"].is_array(), "{all}");

    let journal = std::fs::read_to_string(st.join("journal.jsonl")).unwrap();
    let count = |kind: &str| journal.lines().filter(|l| l.contains(kind)).count();
    assert_eq!(count("\"kind\":\"intent\""), 4, "{journal}");
    assert_eq!(count("\"kind\":\"outcome\""), 4, "{journal}");
    assert_eq!(orders(&sim), 2, "one order and one OCO, each sent once");
    client.cancel().await.ok();
}

/// An OCO whose answer is lost is looked up by its list client id, never
/// sent again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lost_oco_answer_is_resolved_by_lookup_not_resent() {
    let sim = sim(39).await;
    let policy = trading_policy(
        "oco-lost",
        "max_order_notional = 100000\nconfirm = \"none\"",
    );
    let st = state("oco-lost");
    let client = connect_with(keyed(&sim, &policy, &st), ProtocolVersion::V_2025_11_25).await;
    let last = sim.state().price("BTCUSDT").unwrap();
    let at = |f: i64| {
        (last * rust_decimal::Decimal::new(f, 2))
            .round_dp(2)
            .to_string()
    };
    // Processed, then answered after the gateway's 10 s timeout.
    sim.faults().push(
        binance_sim::faults::FaultRule::new(binance_sim::faults::Fault::DelayAfter(11_000))
            .on_path("/api/v3/orderList/oco"),
    );
    let oco = ok(
        &client,
        "place_oco_order",
        json!({"symbol": "BTCUSDT", "side": "SELL", "quantity": "0.001",
               "price": at(110), "stopPrice": at(95), "stopLimitPrice": at(94),
               "listClientOrderId": "test-oco-lost"}),
    )
    .await;
    assert!(oco["outcomeResolvedBy"].is_string(), "{oco}");
    assert_eq!(
        sim.state().orders_received_for("test-oco-lost"),
        1,
        "sent once"
    );
    let journal = std::fs::read_to_string(st.join("journal.jsonl")).unwrap();
    assert!(journal.contains("\"outcome\":\"accepted\""), "{journal}");
    client.cancel().await.ok();
}

#[test]
fn policy_check_shows_the_trading_section_and_journal_tail_prints_entries() {
    let out = std_command("http://127.0.0.1:9")
        .args(["policy", "check"])
        .arg(repo_root().join("policies/live-conservative.toml"))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for want in [
        "trading: LIVE (real money)",
        "symbols: BTCUSDT, ETHUSDT",
        "max order notional: 100",
        "max 24 h notional: 500",
        "confirm: the user, in the client",
        "tools shown (4): place_order",
    ] {
        assert!(stdout.contains(want), "{want}: {stdout}");
    }
    let st = state("tail");
    let out = std_command("http://127.0.0.1:9")
        .args(["journal", "tail", "--state-dir"])
        .arg(&st)
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("no journal"));
}
