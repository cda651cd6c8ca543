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

/// The server against a fresh simulator (`seed`) under
/// `futures_policy(name, futures)`, with its own state directory.
async fn open(
    seed: u64,
    name: &str,
    futures: &str,
) -> (binance_sim::Simulator, PathBuf, PathBuf, Client) {
    let sim = sim(seed).await;
    let policy = futures_policy(name, futures);
    let st = state(&format!("futures-{name}"));
    let client = connect_with(keyed(&sim, &policy, &st), ProtocolVersion::V_2025_11_25).await;
    (sim, policy, st, client)
}

/// Move `symbol`'s mark to `mark` and set its leverage (within the cap).
async fn levered(
    client: &Client,
    s: &binance_sim::SimState,
    symbol: &str,
    mark: i64,
    leverage: u32,
) {
    s.set_mark_price(symbol, Decimal::from(mark));
    ok(
        client,
        "set_leverage",
        json!({"symbol": symbol, "leverage": leverage}),
    )
    .await;
}

/// Assert the error `e`'s message contains `needle`.
fn says(e: &Value, needle: &str) {
    let message = e["message"].as_str().unwrap_or_default();
    assert!(message.contains(needle), "{needle}: {e}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reads_match_the_simulator_and_limits_refuse_with_their_key() {
    let (sim, _, _, client) = open(41, "limits", BASE).await;
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
    says(&e, "futures.max_leverage 5x");
    assert_eq!(s.futures_leverage("BTCUSDT"), before);
    // The symbol is at 20x (the simulator's default): orders are refused
    // until it is lowered.
    let buy = json!({"symbol": "BTCUSDT", "side": "BUY", "type": "MARKET", "quantity": "0.05"});
    let e = err(&client, "place_futures_order", buy.clone()).await;
    says(&e, "above futures.max_leverage 5x");
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
    says(
        &e,
        "5,500 USDT at the mark, above futures.max_position_notional 5,000",
    );
    // A symbol off the list.
    let e = err(
        &client,
        "place_futures_order",
        json!({"symbol": "BNBUSDT", "side": "BUY", "type": "MARKET", "quantity": "1"}),
    )
    .await;
    says(&e, "not in futures.symbols");
    assert_eq!(sent(&sim), 1, "nothing sent for a refusal");

    // close_position closes exactly the open size, and then has nothing to close.
    let closed = ok(&client, "close_position", json!({"symbol": "BTCUSDT"})).await;
    assert_eq!(closed["status"], "FILLED", "{closed}");
    assert_eq!(s.futures_position("BTCUSDT"), Decimal::ZERO);
    assert_eq!(sent(&sim), 2);
    let e = err(&client, "close_position", json!({"symbol": "BTCUSDT"})).await;
    says(&e, "no open BTCUSDT position");
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
    let (sim, _, st, client) = open(42, "algo", BASE).await;
    let s = sim.state();
    levered(&client, s, "ETHUSDT", 3000, 3).await;
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

/// A cell as text (ids may be numbers or strings on the wire).
fn text(v: &Value) -> String {
    v.as_str().map_or_else(|| v.to_string(), str::to_string)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn income_liquidations_and_open_orders_match_the_simulator_field_by_field() {
    let (sim, _, _, client) = open(44, "reads", BASE).await;
    let s = sim.state();
    let account = s.futures_account();
    assert!(account.income.len() >= 10, "the seed has an income history");

    // Income: every seeded flow (all within the default 7 days), in order,
    // and the totals add up exactly.
    let income = ok(&client, "get_futures_income", json!({})).await;
    let rows = table(&income);
    assert_eq!(rows.len(), account.income.len(), "{income}");
    for (row, flow) in rows.iter().zip(&account.income) {
        assert_eq!(row["time"], json!(flow.time));
        assert!(row["timeIso"].as_str().unwrap().ends_with('Z'));
        assert_eq!(row["symbol"], flow.symbol.as_str());
        assert_eq!(row["incomeType"], flow.income_type.as_str());
        assert_eq!(dec(&row["income"]), flow.income, "{row:?}");
        assert_eq!(row["asset"], "USDT");
        assert_eq!(row["info"], flow.info.as_str());
        assert_eq!(text(&row["tranId"]), flow.tran_id.to_string());
        assert_eq!(text(&row["tradeId"]), flow.trade_id);
    }
    for total in income["totals"].as_array().unwrap() {
        let kind = total["incomeType"].as_str().unwrap();
        let want: Decimal = account
            .income
            .iter()
            .filter(|f| f.income_type.as_str() == kind)
            .map(|f| f.income)
            .sum();
        assert_eq!(dec(&total["total"]), want, "{total}");
    }
    let funding = ok(
        &client,
        "get_futures_income",
        json!({"incomeType": "FUNDING_FEE"}),
    )
    .await;
    let want = account
        .income
        .iter()
        .filter(|f| f.income_type.as_str() == "FUNDING_FEE")
        .count();
    assert_eq!(table(&funding).len(), want, "{funding}");

    // Liquidations: the seeded forced orders, field by field.
    let forced = ok(&client, "get_liquidation_history", json!({})).await;
    let rows = table(&forced);
    assert_eq!(rows.len(), account.force_orders.len(), "{forced}");
    assert!(!rows.is_empty());
    for (row, f) in rows.iter().zip(&account.force_orders) {
        let o = &f.order;
        assert_eq!(row["time"], json!(o.time));
        assert_eq!(row["symbol"], o.symbol.as_str());
        assert_eq!(row["side"], o.side.as_str());
        assert_eq!(dec(&row["price"]), o.price);
        assert_eq!(dec(&row["avgPrice"]), o.avg_price);
        assert_eq!(dec(&row["origQty"]), o.orig_qty);
        assert_eq!(dec(&row["executedQty"]), o.executed_qty);
        assert_eq!(dec(&row["cumQuote"]), o.cum_quote);
        assert_eq!(row["status"], o.status.as_str());
        assert_eq!(row["clientOrderId"], o.client_order_id.as_str());
        assert_eq!(text(&row["orderId"]), o.order_id.to_string());
    }

    // Open orders: one resting LIMIT and one STOP_MARKET, both kinds listed.
    levered(&client, s, "BTCUSDT", 50_000, 2).await;
    ok(
        &client,
        "place_futures_order",
        json!({"symbol": "BTCUSDT", "side": "BUY", "type": "LIMIT", "quantity": "0.01",
               "price": "45000", "timeInForce": "GTC", "newClientOrderId": "rest-1"}),
    )
    .await;
    ok(
        &client,
        "place_futures_order",
        json!({"symbol": "BTCUSDT", "side": "SELL", "type": "STOP_MARKET", "closePosition": true,
               "triggerPrice": "40000", "workingType": "CONTRACT_PRICE", "newClientOrderId": "stop-1"}),
    )
    .await;
    let open = ok(&client, "get_futures_open_orders", json!({})).await;
    let rows = table(&open);
    assert_eq!(rows.len(), 2, "{open}");
    let account = s.futures_account();
    let regular = rows.iter().find(|r| r["kind"] == "regular").unwrap();
    let o = account
        .orders
        .iter()
        .find(|o| o.client_order_id == "rest-1")
        .unwrap();
    assert_eq!(text(&regular["id"]), o.order_id.to_string());
    assert_eq!(regular["clientId"], "rest-1");
    assert_eq!(regular["symbol"], "BTCUSDT");
    assert_eq!(regular["side"], "BUY");
    assert_eq!(regular["type"], "LIMIT");
    assert_eq!(regular["status"], "NEW");
    assert_eq!(dec(&regular["price"]), o.price);
    assert_eq!(dec(&regular["quantity"]), o.orig_qty);
    assert_eq!(dec(&regular["executedQty"]), Decimal::ZERO);
    assert_eq!(regular["reduceOnly"], false);
    assert_eq!(regular["time"], json!(o.time));
    let conditional = rows.iter().find(|r| r["kind"] == "conditional").unwrap();
    let a = account
        .algos
        .iter()
        .find(|a| a.client_algo_id == "stop-1")
        .unwrap();
    assert_eq!(text(&conditional["id"]), a.algo_id.to_string());
    assert_eq!(conditional["clientId"], "stop-1");
    assert_eq!(conditional["side"], "SELL");
    assert_eq!(conditional["type"], "STOP_MARKET");
    assert_eq!(dec(&conditional["triggerPrice"]), Decimal::from(40_000));
    assert_eq!(conditional["closePosition"], true);
    assert_eq!(conditional["workingType"], "CONTRACT_PRICE");
    assert_eq!(conditional["time"], json!(a.create_time));
    assert_eq!(sent(&sim), 2);
    client.cancel().await.ok();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_confirms_each_futures_write_once_and_close_position_is_never_capped() {
    let sim = sim(45).await;
    let policy = futures_policy(
        "token",
        &BASE.replace("confirm = \"none\"", "confirm = \"token\""),
    );
    let st = state("futures-token");
    let client = connect_with(keyed(&sim, &policy, &st), ProtocolVersion::V_2025_11_25).await;
    let s = sim.state();
    s.set_mark_price("BTCUSDT", Decimal::from(50_000));
    let with = |args: &Value, token: &Value| {
        let mut a = args.clone();
        a["confirmation"] = token.clone();
        a
    };

    // Leverage: a preview changes nothing; the token makes the change.
    let lever = json!({"symbol": "BTCUSDT", "leverage": 3});
    let preview = ok(&client, "set_leverage", lever.clone()).await;
    assert_eq!(preview["status"], "CONFIRMATION_REQUIRED", "{preview}");
    assert_eq!(
        s.futures_leverage("BTCUSDT"),
        20,
        "a preview changes nothing"
    );
    let token = preview["confirmation"].clone();
    // The token is bound to the change: another leverage is refused.
    let e = err(
        &client,
        "set_leverage",
        with(&json!({"symbol": "BTCUSDT", "leverage": 4}), &token),
    )
    .await;
    says(&e, "does not match");
    ok(&client, "set_leverage", with(&lever, &token)).await;
    assert_eq!(s.futures_leverage("BTCUSDT"), 3);

    // Margin type likewise.
    let margin = json!({"symbol": "BTCUSDT", "marginType": "ISOLATED"});
    let preview = ok(&client, "set_margin_type", margin.clone()).await;
    assert_eq!(preview["status"], "CONFIRMATION_REQUIRED", "{preview}");
    assert_eq!(s.futures_margin_type("BTCUSDT").as_str(), "CROSSED");
    ok(
        &client,
        "set_margin_type",
        with(&margin, &preview["confirmation"]),
    )
    .await;
    assert_eq!(s.futures_margin_type("BTCUSDT").as_str(), "ISOLATED");

    // An order: previewed, an altered one refused, confirmed once, the
    // token never reused.
    let buy = json!({"symbol": "BTCUSDT", "side": "BUY", "type": "MARKET", "quantity": "0.04"});
    let preview = ok(&client, "place_futures_order", buy.clone()).await;
    assert_eq!(preview["status"], "CONFIRMATION_REQUIRED", "{preview}");
    assert_eq!(sent(&sim), 0, "a preview sends nothing");
    let token = preview["confirmation"].clone();
    let altered = json!({"symbol": "BTCUSDT", "side": "BUY", "type": "MARKET", "quantity": "0.05"});
    let e = err(&client, "place_futures_order", with(&altered, &token)).await;
    says(&e, "does not match");
    assert_eq!(sent(&sim), 0);
    let placed = ok(&client, "place_futures_order", with(&buy, &token)).await;
    assert_eq!(placed["status"], "FILLED", "{placed}");
    assert_eq!(sent(&sim), 1);
    let e = err(&client, "place_futures_order", with(&buy, &token)).await;
    says(&e, "already used");
    assert_eq!(sent(&sim), 1, "never sent twice");

    // The mark rises: the 0.04 position is 6,000 USDT, above
    // max_position_notional 5,000. More is refused; the close is not.
    s.set_mark_price("BTCUSDT", Decimal::from(150_000));
    let e = err(
        &client,
        "place_futures_order",
        json!({"symbol": "BTCUSDT", "side": "BUY", "type": "MARKET", "quantity": "0.001"}),
    )
    .await;
    says(&e, "max_position_notional");
    let close = json!({"symbol": "BTCUSDT"});
    let preview = ok(&client, "close_position", close.clone()).await;
    assert_eq!(preview["status"], "CONFIRMATION_REQUIRED", "{preview}");
    assert_eq!(s.futures_position("BTCUSDT"), Decimal::new(4, 2));
    let closed = ok(
        &client,
        "close_position",
        with(&close, &preview["confirmation"]),
    )
    .await;
    assert_eq!(closed["status"], "FILLED", "{closed}");
    assert_eq!(s.futures_position("BTCUSDT"), Decimal::ZERO);
    assert_eq!(sent(&sim), 2);
    client.cancel().await.ok();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_user_confirms_a_margin_type_change_in_the_client() {
    use rmcp::model::ElicitationAction;
    use std::sync::atomic::Ordering;
    use support::asker::{asking, Asker};
    let sim = sim(46).await;
    let policy = futures_policy(
        "elicit",
        &BASE.replace("confirm = \"none\"", "confirm = \"elicitation\""),
    );
    let s = sim.state();
    let margin = json!({"symbol": "ETHUSDT", "marginType": "ISOLATED"});
    for (action, confirm, changed) in [
        (ElicitationAction::Decline, false, false),
        (ElicitationAction::Accept, false, false),
        (ElicitationAction::Accept, true, true),
    ] {
        let st = state(&format!("futures-elicit-{action:?}-{confirm}"));
        let asker = Asker::new(ProtocolVersion::V_2025_11_25, action.clone(), confirm);
        let (asked, messages) = (asker.asked.clone(), asker.messages.clone());
        let client = asking(keyed(&sim, &policy, &st), asker).await;
        let r = client
            .call_tool(
                rmcp::model::CallToolRequestParams::new("set_margin_type")
                    .with_arguments(margin.as_object().unwrap().clone()),
            )
            .await
            .unwrap();
        assert_eq!(
            r.is_error != Some(true),
            changed,
            "{action:?} {confirm}: {r:?}"
        );
        assert_eq!(asked.load(Ordering::SeqCst), 1, "asked once");
        let message = messages.lock().unwrap().pop().unwrap();
        assert_eq!(
            message,
            "Make this change on Binance?\n\nset the ETHUSDT margin type to ISOLATED"
        );
        let now = s.futures_margin_type("ETHUSDT").as_str();
        assert_eq!(now == "ISOLATED", changed, "{action:?} {confirm}");
        client.cancel().await.ok();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn halt_cancel_open_cancels_the_futures_orders_of_both_kinds() {
    let (sim, policy, st, client) = open(47, "halt", BASE).await;
    let s = sim.state();
    levered(&client, s, "BTCUSDT", 50_000, 2).await;
    let rest = json!({"symbol": "BTCUSDT", "side": "BUY", "type": "LIMIT", "quantity": "0.01", "price": "45000"});
    ok(&client, "place_futures_order", rest.clone()).await;
    ok(
        &client,
        "place_futures_order",
        json!({"symbol": "BTCUSDT", "side": "BUY", "type": "STOP_MARKET", "quantity": "0.01",
               "triggerPrice": "55000"}),
    )
    .await;
    assert_eq!(s.futures_open_orders("BTCUSDT"), 1);
    assert_eq!(s.futures_open_algo_orders("BTCUSDT"), 1);

    let out = cli(&sim.spot_url(), &policy, &st)
        .env("BINANCE_FUTURES_BASE_URL", sim.futures_url())
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
        stdout.contains("BTCUSDT (futures): cancelled 2"),
        "{stdout}"
    );
    assert_eq!(s.futures_open_orders("BTCUSDT"), 0);
    assert_eq!(s.futures_open_algo_orders("BTCUSDT"), 0);
    let e = err(&client, "place_futures_order", rest).await;
    says(&e, "halted");
    let e = err(
        &client,
        "set_leverage",
        json!({"symbol": "BTCUSDT", "leverage": 3}),
    )
    .await;
    says(&e, "halted");
    assert_eq!(sent(&sim), 2, "nothing sent after the halt");
    let journal = std::fs::read_to_string(st.join("journal.jsonl")).unwrap();
    assert!(
        journal.contains("DELETE /fapi/v1/algoOpenOrders"),
        "{journal}"
    );
    client.cancel().await.ok();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lost_futures_answer_is_looked_up_never_resent() {
    use binance_sim::faults::{Fault, FaultRule};
    let (sim, _, st, client) = open(48, "lost", BASE).await;
    let s = sim.state();
    levered(&client, s, "BTCUSDT", 50_000, 2).await;
    // Processed, then answered after the host's 10 s timeout: a regular
    // order, then a conditional one.
    for (path, order, id) in [
        (
            "/fapi/v1/order",
            json!({"symbol": "BTCUSDT", "side": "BUY", "type": "LIMIT", "quantity": "0.01",
                   "price": "45000", "newClientOrderId": "lost-regular"}),
            "lost-regular",
        ),
        (
            "/fapi/v1/algoOrder",
            json!({"symbol": "BTCUSDT", "side": "BUY", "type": "STOP_MARKET", "quantity": "0.01",
                   "triggerPrice": "55000", "newClientOrderId": "lost-algo"}),
            "lost-algo",
        ),
    ] {
        sim.faults()
            .push(FaultRule::new(Fault::DelayAfter(11_000)).on_path(path));
        let placed = ok(&client, "place_futures_order", order).await;
        assert!(placed["outcomeResolvedBy"].is_string(), "{path}: {placed}");
        assert_eq!(
            s.futures_orders_received_with_client_id(id),
            1,
            "{path}: sent once"
        );
    }
    assert_eq!(s.futures_open_orders("BTCUSDT"), 1);
    assert_eq!(s.futures_open_algo_orders("BTCUSDT"), 1);
    assert_eq!(sent(&sim), 2);
    let journal = std::fs::read_to_string(st.join("journal.jsonl")).unwrap();
    assert!(
        journal.matches("\"outcome\":\"accepted\"").count() >= 2,
        "{journal}"
    );
    client.cancel().await.ok();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_futures_order_count_is_tracked_and_never_exceeded() {
    let sim = sim(49).await;
    let policy = futures_policy("count", BASE);
    let st = state("futures-count");
    // A call may wait 10 s for capacity: less than the rest of the minute.
    let mut cmd = keyed(&sim, &policy, &st);
    cmd.args(["--call-timeout", "10"]);
    let client = connect_with(cmd, ProtocolVersion::V_2025_11_25).await;
    let s = sim.state();
    levered(&client, s, "BTCUSDT", 50_000, 2).await;
    // The test runs inside one exchange minute with at least 30 s left:
    // more than a call may wait, so the host refuses rather than queues.
    wait_for(Duration::from_secs(45), || {
        (s.server_time_ms().rem_euclid(60_000) < 30_000).then_some(())
    })
    .await;
    // Another program has placed 1,199 futures orders this minute.
    s.add_futures_order_count(1_199);
    let order = json!({"symbol": "BTCUSDT", "side": "BUY", "type": "LIMIT", "quantity": "0.01", "price": "45000"});
    ok(&client, "place_futures_order", order.clone()).await;
    assert_eq!(s.futures_order_counts().1, 1_200);
    // The answer said 1,200 of 1,200: the host refuses the next placement
    // itself, with a retry time, and sends nothing.
    let e = err(&client, "place_futures_order", order).await;
    assert_eq!(e["code"], -32001, "rate_limited: {e}");
    says(
        &e,
        "usdm-futures order-rate limit (300 per 10 s / 1200 per minute)",
    );
    let retry = e["retry_after_secs"].as_u64().unwrap();
    assert!((1..=61).contains(&retry), "{e}");
    assert_eq!(sent(&sim), 1, "the refused order was never sent");
    assert_eq!(s.futures_order_counts().1, 1_200, "never above the limit");
    // Reads and cancels are not orders: they still go.
    ok(&client, "get_futures_open_orders", json!({})).await;
    ok(
        &client,
        "cancel_all_futures_orders",
        json!({"symbol": "BTCUSDT"}),
    )
    .await;
    assert_eq!(s.futures_open_orders("BTCUSDT"), 0);
    client.cancel().await.ok();
}
