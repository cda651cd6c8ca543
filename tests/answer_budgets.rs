//! Every tool's answer against a simulator at real-world scale (thousands
//! of symbols, a 5000-level book, an account with thousands of orders,
//! fills and transfers and hundreds of dust balances): a default answer fits
//! 8k tokens and no answer exceeds 25k, counting the text block and
//! `structuredContent` together (the same JSON twice) at 4 bytes a token.
//!
//! A tool added to `tools/list` without cases here fails the test.

mod support;

use binance_sim::{Scale, SimConfig, Simulator};
use serde_json::{json, Value};
use std::collections::BTreeSet;
use support::*;

/// Bytes of one answer (text + structured) a default call may cost: 8k tokens.
const DEFAULT_BUDGET: usize = 8_000 * 4;
/// Bytes no answer may exceed: 25k tokens, the cap some clients enforce.
const MAX_BUDGET: usize = 25_000 * 4;

/// (tool, default arguments, arguments for the largest answer).
fn cases(symbols: &[String], order_id: &Value) -> Vec<(&'static str, Value, Value)> {
    let hundred: Vec<&String> = symbols.iter().take(100).collect();
    vec![
        ("get_server_time", json!({}), json!({})),
        (
            "get_exchange_info",
            json!({}),
            json!({ "symbols": hundred }),
        ),
        ("get_ticker", json!({}), json!({ "symbols": hundred })),
        ("get_ticker_price", json!({}), json!({})),
        ("get_book_ticker", json!({}), json!({ "symbols": hundred })),
        (
            "get_order_book",
            json!({"symbol":"BTCUSDT"}),
            json!({"symbol":"BTCUSDT","limit":5000}),
        ),
        (
            "get_orderbook_metrics",
            json!({"symbol":"BTCUSDT"}),
            json!({"symbol":"BTCUSDT","bands":[1,2,5,10,50,100,500,1000]}),
        ),
        (
            "get_orderbook_depth",
            json!({"symbol":"BTCUSDT"}),
            json!({"symbol":"BTCUSDT","levels":1000}),
        ),
        ("get_orderbook_health", json!({}), json!({})),
        (
            "get_recent_trades",
            json!({"symbol":"BTCUSDT"}),
            json!({"symbol":"BTCUSDT","limit":1000}),
        ),
        (
            "get_klines",
            json!({"symbol":"BTCUSDT","interval":"1m"}),
            json!({"symbol":"BTCUSDT","interval":"1m","limit":1000,"startTime":"2020-01-01"}),
        ),
        (
            "get_indicators",
            json!({"symbol":"BTCUSDT"}),
            json!({"symbol":"BTCUSDT","interval":"1m","limit":1000,"points":100,
                   "indicators":["sma:20","ema:50","rsi:14","macd:12:26:9","bb:20:2","atr:14","vwap","stoch:14:3:3"]}),
        ),
        (
            "get_chart",
            json!({"symbol":"BTCUSDT"}),
            json!({"symbol":"BTCUSDT","interval":"1m","limit":500,"width":1600,"height":1000,
                   "overlays":["sma:20","ema:50","bb:20:2","bb:50:3","volume","fills"]}),
        ),
        (
            "get_average_price",
            json!({"symbol":"BTCUSDT"}),
            json!({"symbol":"BTCUSDT"}),
        ),
        ("get_account_info", json!({}), json!({})),
        (
            "get_account_trades",
            json!({"symbol":"BTCUSDT"}),
            json!({"symbol":"BTCUSDT","limit":1000}),
        ),
        ("get_open_orders", json!({}), json!({"symbol":"BTCUSDT"})),
        (
            "get_all_orders",
            json!({"symbol":"BTCUSDT"}),
            json!({"symbol":"BTCUSDT","limit":1000}),
        ),
        (
            "get_order",
            json!({"symbol":"BTCUSDT","orderId":order_id}),
            json!({"symbol":"BTCUSDT","orderId":order_id}),
        ),
        (
            "get_fee_info",
            json!({"symbol":"BTCUSDT"}),
            json!({"symbol":"BTCUSDT"}),
        ),
        (
            "get_account_snapshot",
            json!({}),
            json!({"type":"MARGIN","limit":30}),
        ),
        ("get_pnl", json!({}), json!({})),
        ("get_deposit_history", json!({}), json!({"limit":1000})),
        ("get_withdraw_history", json!({}), json!({"limit":1000})),
        (
            "get_universal_transfer_history",
            json!({"type":"MAIN_FUNDING"}),
            json!({"type":"MAIN_FUNDING","size":100}),
        ),
        (
            "get_deposit_address",
            json!({"coin":"BTC"}),
            json!({"coin":"BTC","network":"BTC"}),
        ),
        ("get_futures_account", json!({}), json!({})),
        ("get_futures_positions", json!({}), json!({})),
        (
            "get_funding_rate",
            json!({"symbol":"BTCUSDT"}),
            json!({"symbol":"BTCUSDT","limit":100}),
        ),
        ("get_futures_open_orders", json!({}), json!({})),
        ("get_futures_income", json!({}), json!({"limit":1000})),
        ("get_liquidation_history", json!({}), json!({"limit":100})),
    ]
}

/// Extra cases for the largest answers of tools with more than one shape.
fn more_cases() -> Vec<(&'static str, Value)> {
    vec![
        ("get_account_snapshot", json!({"type":"SPOT","limit":30})),
        ("get_account_snapshot", json!({"type":"FUTURES","limit":30})),
        ("get_exchange_info", json!({})),
        ("get_ticker", json!({})),
        ("get_book_ticker", json!({})),
        (
            "get_klines",
            json!({"symbol":"BTCUSDT","interval":"1m","limit":1000}),
        ),
        // Eight three-column indicators: the widest rows, cut to fit.
        (
            "get_indicators",
            json!({"symbol":"BTCUSDT","limit":1000,"points":100,
                   "indicators":["macd","macd:5:35:5","macd:8:21:5","macd:3:10:16",
                                 "bb","bb:20:3","bb:50:2","bb:10:1.5"]}),
        ),
    ]
}

/// Bytes of the answer as sent: the text block plus the structured content.
async fn answer_bytes(client: &Client, s: &Schemas, tool: &str, args: &Value) -> usize {
    let mut params = rmcp::model::CallToolRequestParams::new(tool.to_string());
    if let Value::Object(map) = args.clone() {
        params = params.with_arguments(map);
    }
    let result = client.peer().call_tool(params).await.expect("tools/call");
    let (is_error, out) = body(&result);
    assert!(!is_error, "{tool} {args} failed: {out}");
    s.check(tool, &out);
    let text: usize = result
        .content
        .iter()
        .filter_map(|c| c.as_text())
        .map(|t| t.text.len())
        .sum();
    let structured = result
        .structured_content
        .as_ref()
        .map_or(0, |v| v.to_string().len());
    text + structured + image_equivalent(&result)
}

/// An image's cost in the same 4-bytes-a-token units: clients count an
/// image by its pixels (Anthropic: width × height / 750 tokens), not by its
/// base64. Read from the PNG's IHDR.
fn image_equivalent(result: &rmcp::model::CallToolResult) -> usize {
    use base64::Engine as _;
    result
        .content
        .iter()
        .filter_map(|c| c.as_image())
        .map(|i| {
            let png = base64::engine::general_purpose::STANDARD
                .decode(&i.data)
                .expect("base64 image");
            assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n", "a PNG");
            let w = u32::from_be_bytes(png[16..20].try_into().unwrap()) as usize;
            let h = u32::from_be_bytes(png[20..24].try_into().unwrap()) as usize;
            w * h / 750 * 4
        })
        .sum()
}

#[tokio::test]
async fn every_answer_fits_its_token_budget_at_real_world_scale() {
    let sim = Simulator::start(SimConfig {
        seed: 5,
        port: 0,
        scale: Scale::large(),
    })
    .await
    .expect("start the simulator");
    let mut cmd = command(&sim.spot_url(), &sim.futures_url());
    cmd.env("BINANCE_API_KEY", binance_sim::SIM_API_KEY)
        .env("BINANCE_SECRET_KEY", binance_sim::SIM_SECRET_KEY)
        .env("BINANCE_MCP_POLICY", all_tools_policy());
    let client = connect_with(cmd, rmcp::model::ProtocolVersion::V_2025_11_25).await;
    let s = Schemas::load(&client).await;
    let symbols = sim.state().symbols();
    assert!(symbols.len() >= 2000, "a real-world symbol count");

    let one = ok(
        &client,
        "get_all_orders",
        json!({"symbol":"BTCUSDT","limit":1}),
    )
    .await;
    let order_id = one["orders"][0]["orderId"].clone();
    assert!(order_id.is_u64(), "{one}");

    let mut report = vec![format!("{:32} {:>9} {:>9}", "tool", "default", "largest")];
    let mut failures = Vec::new();
    let mut covered = BTreeSet::new();
    for (tool, default, largest) in cases(&symbols, &order_id) {
        covered.insert(tool.to_string());
        let d = answer_bytes(&client, &s, tool, &default).await;
        let mut max = answer_bytes(&client, &s, tool, &largest).await.max(d);
        for (other, args) in more_cases() {
            if other == tool {
                max = max.max(answer_bytes(&client, &s, tool, &args).await);
            }
        }
        report.push(format!("{tool:32} {d:>9} {max:>9}"));
        if d > DEFAULT_BUDGET {
            failures.push(format!(
                "{tool} {default}: a default answer of {d} bytes > {DEFAULT_BUDGET}"
            ));
        }
        if max > MAX_BUDGET {
            failures.push(format!("{tool}: an answer of {max} bytes > {MAX_BUDGET}"));
        }
    }
    eprintln!(
        "answer bytes (text + structuredContent):\n{}",
        report.join("\n")
    );
    let listed: BTreeSet<String> = s.validators.keys().cloned().collect();
    assert_eq!(covered, listed, "every listed tool needs budget cases here");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    client.cancel().await.unwrap();
}
