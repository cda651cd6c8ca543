//! USD-M futures under policy, through the real binary against the
//! simulator: reads match the simulator's state; each limit refuses with
//! its key named and nothing sent; close_position closes exactly the open
//! size; a conditional order goes to the algo service and triggers; the
//! dead-man's switch is armed, refreshed, and cancels the orders when the
//! host is killed. Every test counts the futures orders the simulator
//! received: none is ever sent twice.

mod support;

use rmcp::model::ProtocolVersion;
use rust_decimal::Decimal;
use serde_json::{json, Value};
use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;
use support::trading::*;
use support::*;

/// Market, futures (all three grants) and a `[futures]` section.
fn futures_policy(name: &str, futures: &str) -> PathBuf {
    let text = format!(
        "[plugins.market]\ngrants = [\"market-data\"]\n\
         [plugins.futures]\ngrants = [\"market-data\", \"futures-read\", \"futures-trade\"]\n\
         [futures]\nmode = \"testnet\"\n{futures}\n"
    );
    write_policy(&format!("futures-{name}.toml"), &text)
}

fn dec(v: &Value) -> Decimal {
    Decimal::from_str(
        v.as_str()
            .unwrap_or_else(|| panic!("not a decimal string: {v}")),
    )
    .unwrap()
}

fn sent(sim: &binance_sim::Simulator) -> u64 {
    sim.state().futures_orders_received()
}

const BASE: &str = "symbols = [\"BTCUSDT\", \"ETHUSDT\"]\nmax_leverage = 5\nmax_position_notional = 5000\nconfirm = \"none\"";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reads_match_the_simulator_and_limits_refuse_with_their_key() {
    let sim = sim(41).await;
    let policy = futures_policy("limits", BASE);
    let st = state("futures-limits");
    let client = connect_with(keyed(&sim, &policy, &st), ProtocolVersion::V_2025_11_25).await;
    let s = sim.state();
    s.set_mark_price("BTCUSDT", Decimal::from(50_000));

    // Leverage above the cap: refused, nothing sent, the symbol unchanged.
    let before = s.futures_leverage("BTCUSDT");
    let e = err(
        &client,
        "set_leverage",
        json!({"symbol": "BTCUSDT", "leverage": 10}),
    )
    .await;
    assert!(
        e["message"]
            .as_str()
            .unwrap()
            .contains("futures.max_leverage 5x"),
        "{e}"
    );
    assert_eq!(s.futures_leverage("BTCUSDT"), before);
    // The symbol is at 20x (the simulator's default): orders are refused
    // until it is lowered.
    let buy = json!({"symbol": "BTCUSDT", "side": "BUY", "type": "MARKET", "quantity": "0.05"});
    let e = err(&client, "place_futures_order", buy.clone()).await;
    assert!(
        e["message"]
            .as_str()
            .unwrap()
            .contains("above futures.max_leverage 5x"),
        "{e}"
    );
    assert_eq!(sent(&sim), 0);
    ok(
        &client,
        "set_leverage",
        json!({"symbol": "BTCUSDT", "leverage": 5}),
    )
    .await;
    assert_eq!(s.futures_leverage("BTCUSDT"), 5);

    // Within the cap: placed once; the position read back matches.
    let placed = ok(&client, "place_futures_order", buy).await;
    assert_eq!(placed["status"], "FILLED", "{placed}");
    assert_eq!(sent(&sim), 1);
    assert_eq!(s.futures_position("BTCUSDT"), Decimal::new(5, 2));
    let positions = ok(&client, "get_futures_positions", json!({})).await;
    let rows = table(&positions);
    assert_eq!(rows.len(), 1, "{positions}");
    assert_eq!(rows[0]["symbol"], "BTCUSDT");
    assert_eq!(rows[0]["side"], "LONG");
    assert_eq!(dec(&rows[0]["size"]), Decimal::new(5, 2));
    let account = ok(&client, "get_futures_account", json!({})).await;
    assert_eq!(
        dec(&account["totalWalletBalance"]),
        s.futures_wallet_balance(),
        "{account}"
    );

    // The position after another 0.06 would be 5,500 USDT at the mark.
    let more = json!({"symbol": "BTCUSDT", "side": "BUY", "type": "MARKET", "quantity": "0.06"});
    let e = err(&client, "place_futures_order", more).await;
    assert_eq!(e["code"], -32006, "{e}");
    assert!(
        e["message"]
            .as_str()
            .unwrap()
            .contains("5,500 USDT at the mark, above futures.max_position_notional 5,000"),
        "{e}"
    );
    // A symbol off the list.
    let e = err(
        &client,
        "place_futures_order",
        json!({"symbol": "BNBUSDT", "side": "BUY", "type": "MARKET", "quantity": "1"}),
    )
    .await;
    assert!(
        e["message"]
            .as_str()
            .unwrap()
            .contains("not in futures.symbols"),
        "{e}"
    );
    assert_eq!(sent(&sim), 1, "nothing sent for a refusal");

    // close_position closes exactly the open size, and then has nothing to close.
    let closed = ok(&client, "close_position", json!({"symbol": "BTCUSDT"})).await;
    assert_eq!(closed["status"], "FILLED", "{closed}");
    assert_eq!(s.futures_position("BTCUSDT"), Decimal::ZERO);
    assert_eq!(sent(&sim), 2);
    let e = err(&client, "close_position", json!({"symbol": "BTCUSDT"})).await;
    assert!(
        e["message"]
            .as_str()
            .unwrap()
            .contains("no open BTCUSDT position"),
        "{e}"
    );
    assert_eq!(sent(&sim), 2);

    // The funding rate's annualised figure is exact.
    let funding = ok(&client, "get_funding_rate", json!({"symbol": "BTCUSDT"})).await;
    let rate = dec(&funding["lastFundingRate"]);
    assert_eq!(
        dec(&funding["annualizedRate"]),
        rate * Decimal::from(3 * 365),
        "{funding}"
    );
    client.cancel().await.ok();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_conditional_order_goes_to_the_algo_service_and_triggers() {
    let sim = sim(42).await;
    let policy = futures_policy("algo", BASE);
    let st = state("futures-algo");
    let client = connect_with(keyed(&sim, &policy, &st), ProtocolVersion::V_2025_11_25).await;
    let s = sim.state();
    s.set_mark_price("ETHUSDT", Decimal::from(3000));
    ok(
        &client,
        "set_leverage",
        json!({"symbol": "ETHUSDT", "leverage": 3}),
    )
    .await;
    let stop = json!({"symbol": "ETHUSDT", "side": "BUY", "type": "STOP_MARKET", "quantity": "0.5",
                      "triggerPrice": "3100", "workingType": "MARK_PRICE", "newClientOrderId": "breakout-1"});
    let placed = ok(&client, "place_futures_order", stop).await;
    assert_eq!(placed["kind"], "conditional", "{placed}");
    assert_eq!(placed["algoStatus"], "NEW", "{placed}");
    assert_eq!(s.futures_open_algo_orders("ETHUSDT"), 1);
    assert_eq!(s.futures_orders_received_with_client_id("breakout-1"), 1);
    let open = ok(
        &client,
        "get_futures_open_orders",
        json!({"symbol": "ETHUSDT"}),
    )
    .await;
    let rows = table(&open);
    assert_eq!(rows.len(), 1, "{open}");
    assert_eq!(rows[0]["kind"], "conditional");
    // The mark crosses the trigger: the order fires in the simulator.
    s.set_mark_price("ETHUSDT", Decimal::from(3150));
    assert_eq!(s.futures_position("ETHUSDT"), Decimal::new(5, 1));
    assert_eq!(s.futures_open_algo_orders("ETHUSDT"), 0);
    assert_eq!(
        s.futures_orders_received_with_client_id("breakout-1"),
        1,
        "sent once"
    );
    // The journal holds the algo placement.
    let journal = std::fs::read_to_string(st.join("journal.jsonl")).unwrap();
    assert!(journal.contains("POST /fapi/v1/algoOrder"), "{journal}");
    assert!(journal.contains("USDT@futures"));
    client.cancel().await.ok();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_dead_mans_switch_cancels_the_orders_when_the_host_dies() {
    let sim = sim(43).await;
    let policy = futures_policy("switch", &format!("{BASE}\ndead_mans_switch_seconds = 15"));
    let st = state("futures-switch");
    let s = sim.state();
    s.set_mark_price("BTCUSDT", Decimal::from(50_000));
    let mut raw = support::raw::Raw::initialized(keyed(&sim, &policy, &st)).await;
    raw.call(
        1,
        "set_leverage",
        json!({"symbol": "BTCUSDT", "leverage": 2}),
    )
    .await;
    let (failed, body) = support::raw::tool_body(&raw.response(1).await);
    assert!(!failed, "{body}");
    let rest = json!({"symbol": "BTCUSDT", "side": "BUY", "type": "LIMIT", "quantity": "0.01", "price": "45000"});
    raw.call(2, "place_futures_order", rest).await;
    let (failed, body) = support::raw::tool_body(&raw.response(2).await);
    assert!(!failed, "{body}");
    assert_eq!(s.futures_open_orders("BTCUSDT"), 1);
    // Armed within a refresh (5 s), and refreshed at the next one.
    let armed = wait_for(Duration::from_secs(12), || s.countdown("BTCUSDT")).await;
    assert_eq!(armed.1, 15_000, "the policy's countdown");
    let refreshed = wait_for(Duration::from_secs(12), || {
        s.countdown("BTCUSDT").filter(|c| c.0 > armed.0)
    })
    .await;
    assert!(refreshed.0 > armed.0);
    // The host dies (SIGKILL): nobody refreshes, and the exchange cancels
    // once the countdown runs out.
    raw.child.start_kill().unwrap();
    let _ = raw.child.wait().await;
    assert_eq!(
        s.futures_open_orders("BTCUSDT"),
        1,
        "still open right after the kill"
    );
    wait_for(Duration::from_secs(20), || {
        (s.futures_open_orders("BTCUSDT") == 0).then_some(())
    })
    .await;
    assert_eq!(sent(&sim), 1, "one placement, never resent");
}

/// Poll `f` every 100 ms until it answers, at most `within`.
async fn wait_for<T>(within: Duration, mut f: impl FnMut() -> Option<T>) -> T {
    let start = std::time::Instant::now();
    loop {
        if let Some(v) = f() {
            return v;
        }
        assert!(start.elapsed() < within, "not within {within:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
