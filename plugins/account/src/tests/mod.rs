//! Plugin logic tested natively against canned exchange answers: argument
//! validation, the exact parameters sent, output shaping (every output is
//! checked against the tool's declared output schema in both dialects
//! clients use, and against the answer budget), caps and cursors, the USDT
//! valuation, and the PnL arithmetic on a hand-computed example.
//!
//! This module holds the helpers every area shares (calling a tool with its
//! schema checked, canned trade and account answers); the tests live in one
//! submodule per area.

mod balances;
mod budget;
mod capabilities;
mod contract;
mod orders;
mod pnl;
mod pnl_holdings;
mod snapshot;
mod trades;
mod wallet;

use crate::{Account, TOOLS};
use binance_mcp_plugin::testing::CannedExchange;
use binance_mcp_plugin::{Plugin, ToolError, Value};

type Canned = CannedExchange;

fn p(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// Call a tool, then check its output against the declared output schema
/// (as draft-07 and as 2020-12), that it is within the budget of any
/// answer, and that no request carried a parameter only the host may set.
fn call(ex: &Canned, tool: &str, args: &str) -> Result<Value, ToolError> {
    let result = Account::call_tool(ex, tool, args).map(|a| a.to_value());
    for r in ex.requests().iter() {
        for (k, _) in &r.params {
            assert!(
                !["timestamp", "recvWindow", "signature"].contains(&k.as_str()),
                "{tool} sent {k}"
            );
        }
    }
    if let Ok(out) = &result {
        let t = TOOLS.iter().find(|t| t.name == tool).unwrap();
        let schema = (t.output_schema)();
        for v in [
            jsonschema::draft7::new(&schema).expect("a valid draft-07 schema"),
            jsonschema::draft202012::new(&schema).expect("a valid 2020-12 schema"),
        ] {
            let errors: Vec<String> = v.iter_errors(out).map(|e| e.to_string()).collect();
            assert!(errors.is_empty(), "{tool}: {errors:?}\n{out:#}");
        }
        let bytes = out.to_string().len();
        assert!(bytes <= budget::ANY_ANSWER, "{tool} {args}: {bytes} bytes");
    }
    result
}

/// The compact JSON size of an answer (one copy).
fn size(v: &Value) -> usize {
    v.to_string().len()
}

/// A `ticker/price` answer (every symbol) with these (symbol, price) rows.
fn prices_body(rows: &[(&str, &str)]) -> String {
    let p: Vec<String> = rows
        .iter()
        .map(|(s, p)| format!(r#"{{"symbol":"{s}","price":"{p}"}}"#))
        .collect();
    format!("[{}]", p.join(","))
}

fn ok(ex: &Canned, tool: &str, args: &str) -> Value {
    call(ex, tool, args).unwrap_or_else(|e| panic!("{tool} {args}: {e}"))
}

fn my_trade(id: i64, buyer: bool, price: &str, qty: &str, fee: &str, fee_asset: &str) -> String {
    format!(
        r#"{{"symbol":"BTCUSDT","id":{id},"orderId":{},"orderListId":-1,"price":"{price}","qty":"{qty}","quoteQty":"0","commission":"{fee}","commissionAsset":"{fee_asset}","time":{},"isBuyer":{buyer},"isMaker":false,"isBestMatch":true}}"#,
        id * 10,
        1_700_000_000_000 + id
    )
}

fn trades_body(n: i64) -> String {
    let t: Vec<String> = (1..=n)
        .map(|i| my_trade(i, i % 2 == 0, "1.5", "2", "0.001", "BNB"))
        .collect();
    format!("[{}]", t.join(","))
}

/// A `GET /api/v3/account` answer with these (asset, free, locked) rows.
fn account_body(rows: &[(&str, &str, &str)]) -> String {
    let b: Vec<String> = rows
        .iter()
        .map(|(a, f, l)| format!(r#"{{"asset":"{a}","free":"{f}","locked":"{l}"}}"#))
        .collect();
    format!(
        r#"{{"commissionRates":{{"maker":"0","taker":"0","buyer":"0","seller":"0"}},"canTrade":true,"canWithdraw":true,"canDeposit":true,"updateTime":1,"accountType":"SPOT","permissions":["SPOT"],"balances":[{}]}}"#,
        b.join(",")
    )
}
