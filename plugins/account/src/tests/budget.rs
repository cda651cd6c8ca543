//! What a model pays for: the bytes of this plugin's tools in `tools/list`,
//! and the bytes of its answers on large canned accounts (thousands of
//! orders, trades and deposits, hundreds of dust balances, a month of
//! snapshots, 22-character client order ids, 8-decimal values).
//!
//! Budgets (one copy; the host sends the text block and structuredContent,
//! so a model reads twice this): every default answer (only the required
//! arguments) at most [`DEFAULT_ANSWER`] bytes, every answer whatever the
//! arguments at most [`ANY_ANSWER`].

use super::{account_body, ok, prices_body, size, Canned};
use crate::Account;
use binance_mcp_plugin::{json, Plugin, ToolDescriptor};

/// Bytes the eleven default tools (all but `get_deposit_address`, which
/// the operator enables) may cost together in `tools/list`.
const DEFAULT_TOOLS: usize = 8_300;
/// Bytes `get_deposit_address` may cost.
const DEPOSIT_ADDRESS_TOOL: usize = 750;
/// One copy of a default answer.
pub(super) const DEFAULT_ANSWER: usize = 16_000;
/// One copy of any answer.
pub(super) const ANY_ANSWER: usize = 50_000;

/// A tool as `tools/list` carries it, in compact JSON.
fn listed(t: &ToolDescriptor) -> String {
    json!({
        "name": t.name,
        "title": t.title,
        "description": t.description,
        "inputSchema": t.input_schema,
        "outputSchema": t.output_schema,
        "annotations": { "readOnlyHint": true, "openWorldHint": true }
    })
    .to_string()
}

#[test]
fn tools_list_stays_within_the_account_budget() {
    let tools = Account::manifest().tools;
    let mut default = 0;
    for t in &tools {
        let bytes = listed(t).len();
        eprintln!("TOOLS-LIST {:<32} {bytes:>5}", t.name);
        if std::env::var_os("TOOLS_LIST_DUMP").is_some() {
            eprintln!("{}", listed(t));
        }
        if t.name == "get_deposit_address" {
            assert!(bytes <= DEPOSIT_ADDRESS_TOOL, "{}: {bytes}", t.name);
        } else {
            default += bytes;
        }
    }
    eprintln!("TOOLS-LIST default account tools {default}");
    assert_eq!(tools.len(), 12);
    assert!(default <= DEFAULT_TOOLS, "{default} > {DEFAULT_TOOLS}");
}

/// A worst-case order: 8-decimal figures, a 22-character client id, part
/// filled (quote, average price and update time shown), and — with `all` —
/// every optional field set (stop, iceberg, list, working time, STP mode).
pub(super) fn worst_order(id: i64, all: bool) -> String {
    let t = 1_700_000_000_000i64 + id * 1000;
    let extra = if all {
        r#""type":"STOP_LOSS_LIMIT","stopPrice":"0.00012344","icebergQty":"123456.12345678","orderListId":12345678,"workingTime":WT,"selfTradePreventionMode":"EXPIRE_BOTH","isWorking":false"#
            .replace("WT", &(t + 500).to_string())
    } else {
        format!(
            r#""type":"LIMIT","stopPrice":"0.00000000","icebergQty":"0.00000000","orderListId":-1,"workingTime":{t},"selfTradePreventionMode":"EXPIRE_MAKER","isWorking":true"#
        )
    };
    format!(
        r#"{{"symbol":"1000SATSUSDT","orderId":{},"clientOrderId":"web_a1b2c3d4e5f6{id:06}","price":"0.00012345","origQty":"12345678.12345678","executedQty":"1234567.12345678","cummulativeQuoteQty":"152.41578258","status":"PARTIALLY_FILLED","timeInForce":"GTC","side":"SELL","time":{t},"updateTime":{},"origQuoteOrderQty":"0.00000000",{extra}}}"#,
        98_765_000_000 + id,
        t + 123_456
    )
}

/// A worst-case fill: 11-digit ids, 8-decimal figures, a long symbol.
fn worst_trade(id: i64) -> String {
    format!(
        r#"{{"symbol":"1000SATSUSDT","id":{},"orderId":{},"orderListId":-1,"price":"0.00012345","qty":"12345678.12345678","quoteQty":"1524.07407407","commission":"0.00123456","commissionAsset":"BNB","time":{},"isBuyer":{},"isMaker":false,"isBestMatch":true}}"#,
        12_345_000_000 + id,
        98_765_000_000 + id,
        1_700_000_000_000 + id * 1000,
        id % 3 != 0
    )
}

/// A worst-case deposit: a 62-character address, a memo, a 66-character
/// transaction id, an 18-digit id.
fn worst_deposit(i: usize) -> String {
    format!(
        r#"{{"id":"76980051936688{i:04}","amount":"12345.12345678","coin":"USDT","network":"BSC","status":6,"address":"bc1p5d7rjq7g6rdk2yhzks9smlaqtedr4dekq08ge8ztwac72sfr9rusxg3297","addressTag":"1017648901","txId":"0x98a3ea560c6b3336d348b6c83f0f95ece4f1f5919e94bd006e5bf3bf264facfc","insertTime":1661493146000,"completeTime":1661493199123,"transferType":0,"confirmTimes":"12/12","unlockConfirm":0,"walletType":0}}"#
    )
}

/// A worst-case withdrawal: long address and transaction id, a client id,
/// a note, Binance's text times.
fn worst_withdrawal(i: usize) -> String {
    format!(
        r#"{{"id":"b6ae22b3aa844210a7041aee7589{i:04}","amount":"12345.12345678","transactionFee":"0.00012345","coin":"USDT","status":5,"address":"bc1p5d7rjq7g6rdk2yhzks9smlaqtedr4dekq08ge8ztwac72sfr9rusxg3297","addressTag":"1017648901","txId":"0xb5ef8c13b968a406cc62a93a8bd80f9e9a906ef1b3fcf20a2e48573c17659268","applyTime":"2019-10-12 11:12:02","network":"BSC","transferType":0,"withdrawOrderId":"WITHDRAW-2019-10-12-000000{i:04}","info":"The address is not valid. Please confirm.","confirmNo":3,"walletType":1,"txKey":"","completeTime":"2019-10-12 11:15:02"}}"#
    )
}

fn list(items: impl Iterator<Item = String>) -> String {
    format!("[{}]", items.collect::<Vec<_>>().join(","))
}

/// Print and check one tool's default and largest answer (one copy).
fn report(tool: &str, default: &binance_mcp_plugin::Value, largest: &binance_mcp_plugin::Value) {
    let (d, l) = (size(default), size(largest));
    eprintln!("ANSWER-BYTES {tool:<32} default {d:>6} largest {l:>6}");
    assert!(d <= DEFAULT_ANSWER, "{tool}: a default answer of {d} bytes");
    assert!(l <= ANY_ANSWER, "{tool}: an answer of {l} bytes");
}

#[test]
fn answers_stay_within_budget_on_large_accounts() {
    // Hundreds of dust balances, a quarter without a USDT market.
    let names: Vec<(String, String)> = (0..400)
        .map(|i| (format!("DUST{i:04}"), format!("{i}.12345678")))
        .collect();
    let rows: Vec<(&str, &str, &str)> = names
        .iter()
        .map(|(a, f)| (a.as_str(), f.as_str(), "0.00000001"))
        .collect();
    let symbols: Vec<String> = (0..300).map(|i| format!("DUST{i:04}USDT")).collect();
    let prices: Vec<(&str, &str)> = symbols.iter().map(|s| (s.as_str(), "0.00012345")).collect();
    let ex = Canned::new(&[
        ("/api/v3/account", &account_body(&rows)),
        ("/api/v3/ticker/price", &prices_body(&prices)),
    ]);
    let info = ok(&ex, "get_account_info", "{}");
    assert_eq!(info["unvalued"].as_array().unwrap().len(), 100);
    report("get_account_info", &info, &info);

    let trades = |n: i64| Canned::one("/api/v3/myTrades", &list((1..=n).map(worst_trade)));
    let d = ok(
        &trades(100),
        "get_account_trades",
        r#"{"symbol":"BTCUSDT"}"#,
    );
    let l = ok(
        &trades(1000),
        "get_account_trades",
        r#"{"symbol":"BTCUSDT","fromId":1,"limit":1000}"#,
    );
    report("get_account_trades", &d, &l);

    let orders = |n: i64| list((1..=n).map(|i| worst_order(i, true)));
    let ex = Canned::one("/api/v3/openOrders", &orders(1000));
    let d = ok(&ex, "get_open_orders", "{}");
    report("get_open_orders", &d, &d);
    let n = crate::orders::ORDERS_DEFAULT_LIMIT;
    let d = ok(
        &Canned::one("/api/v3/allOrders", &orders(n)),
        "get_all_orders",
        r#"{"symbol":"BTCUSDT"}"#,
    );
    let l = ok(
        &Canned::one("/api/v3/allOrders", &orders(1000)),
        "get_all_orders",
        r#"{"symbol":"BTCUSDT","limit":1000}"#,
    );
    report("get_all_orders", &d, &l);
    let one = ok(
        &Canned::one("/api/v3/order", &worst_order(7, true)),
        "get_order",
        r#"{"symbol":"BTCUSDT","orderId":7}"#,
    );
    report("get_order", &one, &one);

    let snap = |body: String, args: &str| {
        ok(
            &Canned::one("/sapi/v1/accountSnapshot", &body),
            "get_account_snapshot",
            args,
        )
    };
    let d = snap(super::snapshot::big_spot_snapshot(7, 400), "{}");
    let mut largest = snap(
        super::snapshot::big_spot_snapshot(30, 400),
        r#"{"limit":30}"#,
    );
    for (kind, body) in [
        ("MARGIN", margin_snapshot(30, 400)),
        ("FUTURES", futures_snapshot(30, 300)),
    ] {
        let out = snap(body, &format!(r#"{{"type":"{kind}","limit":30}}"#));
        if size(&out) > size(&largest) {
            largest = out;
        }
    }
    report("get_account_snapshot", &d, &largest);

    let n = crate::history::HISTORY_DEFAULT_LIMIT as usize;
    for (tool, path, row) in [
        (
            "get_deposit_history",
            "/sapi/v1/capital/deposit/hisrec",
            worst_deposit as fn(usize) -> String,
        ),
        (
            "get_withdraw_history",
            "/sapi/v1/capital/withdraw/history",
            worst_withdrawal,
        ),
    ] {
        let d = ok(&Canned::one(path, &list((0..n).map(row))), tool, "{}");
        let l = ok(
            &Canned::one(path, &list((0..1000).map(row))),
            tool,
            r#"{"limit":1000}"#,
        );
        report(tool, &d, &l);
    }

    let transfers = |n: usize| {
        let rows = (0..n).map(|i| format!(r#"{{"asset":"1000SATS","amount":"12345678.12345678","type":"MAIN_UMFUTURE","status":"CONFIRMED","tranId":{},"timestamp":1544433328000}}"#, 114_159_555_960 + i));
        Canned::one(
            "/sapi/v1/asset/transfer",
            &format!(r#"{{"total":5000,"rows":{}}}"#, list(rows)),
        )
    };
    let d = ok(
        &transfers(10),
        "get_universal_transfer_history",
        r#"{"type":"MAIN_UMFUTURE"}"#,
    );
    let l = ok(
        &transfers(100),
        "get_universal_transfer_history",
        r#"{"type":"MAIN_UMFUTURE","size":100}"#,
    );
    report("get_universal_transfer_history", &d, &l);

    let fee = ok(
        &Canned::one(
            "/api/v3/account/commission",
            r#"{"symbol":"BTCUSDT","standardCommission":{"maker":"0.00100000","taker":"0.00100000","buyer":"0.00000000","seller":"0.00000000"},"specialCommission":{"maker":"0.01000000","taker":"0.02000000","buyer":"0.03000000","seller":"0.04000000"},"taxCommission":{"maker":"0.00000112","taker":"0.00000114","buyer":"0.00000118","seller":"0.00000116"},"discount":{"enabledForAccount":true,"enabledForSymbol":true,"discountAsset":"BNB","discount":"0.75000000"}}"#,
        ),
        "get_fee_info",
        r#"{"symbol":"BTCUSDT"}"#,
    );
    report("get_fee_info", &fee, &fee);
    let address = ok(
        &Canned::one(
            "/sapi/v1/capital/deposit/address",
            r#"{"address":"bc1p5d7rjq7g6rdk2yhzks9smlaqtedr4dekq08ge8ztwac72sfr9rusxg3297","coin":"BTC","tag":"","url":"https://mempool.space/address/bc1p5d7rjq7g6rdk2yhzks9smlaqtedr4dekq08ge8ztwac72sfr9rusxg3297"}"#,
        ),
        "get_deposit_address",
        r#"{"coin":"BTC","network":"BTC"}"#,
    );
    report("get_deposit_address", &address, &address);

    let d = pnl_on_a_large_account("{}");
    let l = pnl_on_a_large_account(r#"{"quote":"USDT","startTime":"2023-01-01"}"#);
    report("get_pnl", &d, &l);
}

/// `days` MARGIN days of `assets` user assets, every figure 8-decimal.
fn margin_snapshot(days: usize, assets: usize) -> String {
    let rows = list((0..assets).map(|i| format!(r#"{{"asset":"DUST{i:04}","borrowed":"1234.12345678","free":"12345678.12345678","interest":"0.12345678","locked":"0.12345678","netAsset":"12344444.12345678"}}"#)));
    let vos = list((0..days).map(|d| format!(r#"{{"data":{{"marginLevel":"2748.02909813","totalAssetOfBtc":"0.00274803","totalLiabilityOfBtc":"0.00000100","totalNetAssetOfBtc":"0.00274750","userAssets":{rows}}},"type":"margin","updateTime":{}}}"#, 1_700_006_399_000 + d as i64 * 86_400_000)));
    format!(r#"{{"code":200,"msg":"","snapshotVos":{vos}}}"#)
}

/// `days` FUTURES days of ten assets and `positions` open positions.
fn futures_snapshot(days: usize, positions: usize) -> String {
    let assets = list((0..10).map(|i| format!(r#"{{"asset":"ASSET{i}","marginBalance":"118.99782335","walletBalance":"120.23811389"}}"#)));
    let pos = list((0..positions).map(|i| format!(r#"{{"entryPrice":"7130.41000000","markPrice":"7257.66239673","positionAmt":"-1234.12345678","symbol":"SYMBOL{i:04}USDT","unRealizedProfit":"1.24029054"}}"#)));
    let vos = list((0..days).map(|d| {
        format!(
            r#"{{"data":{{"assets":{assets},"position":{pos}}},"type":"futures","updateTime":{}}}"#,
            1_700_006_399_000 + d as i64 * 86_400_000
        )
    }));
    format!(r#"{{"code":200,"msg":"","snapshotVos":{vos}}}"#)
}

/// `get_pnl` without symbols on an account holding 120 assets: 10 covered
/// with 1000 trades each (BNB fees, sells beyond the position), the rest
/// skipped for the cap, as dust or without a market.
fn pnl_on_a_large_account(args: &str) -> binance_mcp_plugin::Value {
    let names: Vec<String> = (0..120).map(|i| format!("ASSET{i:03}")).collect();
    let rows: Vec<(&str, &str, &str)> = names
        .iter()
        .map(|a| (a.as_str(), "12345.12345678", "0.12345678"))
        .collect();
    let symbols: Vec<String> = names.iter().take(90).map(|a| format!("{a}USDT")).collect();
    let prices: Vec<(&str, &str)> = symbols.iter().map(|s| (s.as_str(), "1.12345678")).collect();
    let info = list(symbols.iter().zip(&names).map(|(s, a)| format!(r#"{{"symbol":"{s}","baseAsset":"{a}","quoteAsset":"USDT","filters":[{{"filterType":"NOTIONAL","minNotional":"5"}}]}}"#)));
    let ex = Canned::new(&[
        ("/api/v3/account", &account_body(&rows)),
        ("/api/v3/ticker/price", &prices_body(&prices)),
        ("/api/v3/exchangeInfo", &format!(r#"{{"symbols":{info}}}"#)),
        ("/api/v3/myTrades", &list((1..=1000).map(worst_trade))),
    ]);
    let out = ok(&ex, "get_pnl", args);
    assert_eq!(
        out["covered"].as_array().unwrap().len(),
        crate::pnl::MAX_SYMBOLS
    );
    out
}
