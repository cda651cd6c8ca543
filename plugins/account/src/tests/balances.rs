//! Balances, fees and snapshots: `get_account_info`, `get_fee_info` and
//! `get_account_snapshot` (spot, margin and futures).

use super::{call, ok, p, Canned};
use binance_mcp_plugin::ErrorKind;

#[test]
fn account_info_lists_non_zero_balances_with_exact_totals() {
    let ex = Canned::one(
        "/api/v3/account",
        r#"{"makerCommission":10,"takerCommission":10,"buyerCommission":0,"sellerCommission":0,
        "commissionRates":{"maker":"0.00100000","taker":"0.00100000","buyer":"0.00000000","seller":"0.00000000"},
        "canTrade":true,"canWithdraw":false,"canDeposit":true,"brokered":false,"requireSelfTradePrevention":false,
        "preventSor":false,"updateTime":1700000000000,"accountType":"SPOT",
        "balances":[{"asset":"BTC","free":"0.10000000","locked":"0.20000000"},
                    {"asset":"ETH","free":"0.00000000","locked":"0.00000000"},
                    {"asset":"USDT","free":"1000.00000001","locked":"0.99999999"}],
        "permissions":["SPOT"],"uid":354937868}"#,
    );
    let out = ok(&ex, "get_account_info", "{}");
    assert_eq!(ex.paths(), vec!["/api/v3/account"]);
    assert_eq!(ex.params(0), p(&[("omitZeroBalances", "true")]));
    assert_eq!(out["accountType"], "SPOT");
    assert_eq!(out["canWithdraw"], false);
    assert_eq!(out["permissions"], serde_json::json!(["SPOT"]));
    assert_eq!(out["commissionRates"]["maker"], "0.001");
    assert_eq!(out["commissionRates"]["buyer"], "0");
    assert_eq!(out["balanceCount"], 2);
    assert_eq!(out["balances"][0]["total"], "0.3"); // 0.1 + 0.2 exactly, no float error
    assert_eq!(out["balances"][1]["free"], "1000.00000001");
    assert_eq!(out["balances"][1]["total"], "1001");
    assert!(out.get("truncated").is_none());
    assert!(out.get("uid").is_none());
}

#[test]
fn account_balances_are_capped_with_a_marker() {
    let rows: Vec<String> = (0..250)
        .map(|i| format!(r#"{{"asset":"A{i}","free":"1","locked":"0"}}"#))
        .collect();
    let body = format!(
        r#"{{"commissionRates":{{"maker":"0","taker":"0","buyer":"0","seller":"0"}},"canTrade":true,"canWithdraw":true,"canDeposit":true,"updateTime":1,"accountType":"SPOT","permissions":[],"balances":[{}]}}"#,
        rows.join(",")
    );
    let ex = Canned::one("/api/v3/account", &body);
    let out = ok(&ex, "get_account_info", "");
    assert_eq!(
        out["balances"].as_array().unwrap().len(),
        crate::balances::BALANCES_CAP
    );
    assert_eq!(out["balanceCount"], 250);
    assert_eq!(out["truncated"]["available"], 250);
    assert_eq!(out["truncated"]["kept"], "first");
}

#[test]
fn fee_info_reports_standard_tax_and_discount() {
    let ex = Canned::one(
        "/api/v3/account/commission",
        r#"{"symbol":"BTCUSDT",
        "standardCommission":{"maker":"0.00000010","taker":"0.00000020","buyer":"0.00000030","seller":"0.00000040"},
        "specialCommission":{"maker":"0.01000000","taker":"0.02000000","buyer":"0.03000000","seller":"0.04000000"},
        "taxCommission":{"maker":"0.00000112","taker":"0.00000114","buyer":"0.00000118","seller":"0.00000116"},
        "discount":{"enabledForAccount":true,"enabledForSymbol":true,"discountAsset":"BNB","discount":"0.75000000"}}"#,
    );
    let out = ok(&ex, "get_fee_info", r#"{"symbol":"btcusdt"}"#);
    assert_eq!(ex.params(0), p(&[("symbol", "BTCUSDT")]));
    assert_eq!(out["standardCommission"]["taker"], "0.0000002");
    assert_eq!(out["taxCommission"]["seller"], "0.00000116");
    assert_eq!(out["specialCommission"]["maker"], "0.01");
    assert_eq!(out["discount"]["discount"], "0.75");
    assert_eq!(out["discount"]["discountAsset"], "BNB");
}

#[test]
fn snapshots_are_sorted_and_keep_non_zero_balances() {
    let ex = Canned::one(
        "/sapi/v1/accountSnapshot",
        r#"{"code":200,"msg":"","snapshotVos":[
        {"data":{"balances":[{"asset":"BTC","free":"0.2","locked":"0.00000001"},{"asset":"XRP","free":"0","locked":"0"}],"totalAssetOfBtc":"0.20000001"},"type":"spot","updateTime":1576367999000},
        {"data":{"balances":[{"asset":"BTC","free":"0.09905021","locked":"0.00000000"}],"totalAssetOfBtc":"0.09942700"},"type":"spot","updateTime":1576281599000}]}"#,
    );
    let out = ok(
        &ex,
        "get_account_snapshot",
        r#"{"startTime":1576000000000,"limit":10}"#,
    );
    assert_eq!(
        ex.params(0),
        p(&[
            ("type", "SPOT"),
            ("startTime", "1576000000000"),
            ("limit", "10")
        ])
    );
    let days = out["snapshots"].as_array().unwrap();
    assert_eq!(days[0]["updateTime"], 1576281599000i64);
    assert_eq!(days[0]["date"], "2019-12-13T23:59:59.000Z");
    assert_eq!(days[0]["totalAssetOfBtc"], "0.099427");
    assert_eq!(days[1]["balances"].as_array().unwrap().len(), 1);
    assert_eq!(days[1]["balances"][0]["total"], "0.20000001");

    let ex = Canned::one("/sapi/v1/accountSnapshot", "{}");
    ok(&ex, "get_account_snapshot", "{}");
    assert_eq!(ex.params(0), p(&[("type", "SPOT"), ("limit", "7")]));

    let ex = Canned::one(
        "/sapi/v1/accountSnapshot",
        r#"{"code":-1,"msg":"query time over limit","snapshotVos":[]}"#,
    );
    let e = call(&ex, "get_account_snapshot", "{}").unwrap_err();
    assert_eq!(e.kind, ErrorKind::ExchangeRejected);
    assert_eq!(e.exchange_code, Some(-1));
}

#[test]
fn margin_and_futures_snapshots_keep_binance_figures_per_type() {
    // Binance's documented MARGIN answer, plus an all-zero asset.
    let ex = Canned::one(
        "/sapi/v1/accountSnapshot",
        r#"{"code":200,"msg":"","snapshotVos":[{"data":{"marginLevel":"2748.02909813","totalAssetOfBtc":"0.00274803",
        "totalLiabilityOfBtc":"0.00000100","totalNetAssetOfBtc":"0.00274750","userAssets":[
        {"asset":"XRP","borrowed":"0.00000000","free":"1.00000000","interest":"0.00000000","locked":"0.00000000","netAsset":"1.00000000"},
        {"asset":"USDT","borrowed":"5.00000000","free":"6.00000000","interest":"0.00050000","locked":"0.10000000","netAsset":"1.09950000"},
        {"asset":"BNB","borrowed":"0.00000000","free":"0.00000000","interest":"0.00000000","locked":"0.00000000","netAsset":"0.00000000"}]},
        "type":"margin","updateTime":1576281599000}]}"#,
    );
    let out = ok(
        &ex,
        "get_account_snapshot",
        r#"{"type":"margin","limit":8,"endTime":1576300000000}"#,
    );
    assert_eq!(
        ex.params(0),
        p(&[
            ("type", "MARGIN"),
            ("endTime", "1576300000000"),
            ("limit", "8")
        ])
    );
    assert_eq!(out["type"], "MARGIN");
    let day = &out["snapshots"][0];
    assert_eq!(day["date"], "2019-12-13T23:59:59.000Z");
    assert_eq!(day["marginLevel"], "2748.02909813");
    assert_eq!(day["totalAssetOfBtc"], "0.00274803");
    assert_eq!(day["totalLiabilityOfBtc"], "0.000001");
    assert_eq!(day["totalNetAssetOfBtc"], "0.0027475");
    assert_eq!(
        day["userAssets"],
        serde_json::json!([
            {"asset":"XRP","free":"1","locked":"0","borrowed":"0","interest":"0","netAsset":"1"},
            {"asset":"USDT","free":"6","locked":"0.1","borrowed":"5","interest":"0.0005","netAsset":"1.0995"}
        ])
    );
    assert!(day.get("balances").is_none());

    // Binance's documented FUTURES answer, plus a flat position, two days
    // out of order.
    let ex = Canned::one(
        "/sapi/v1/accountSnapshot",
        r#"{"code":200,"msg":"","snapshotVos":[
        {"data":{"assets":[{"asset":"USDT","marginBalance":"118.99782335","walletBalance":"120.23811389"}],
         "position":[{"entryPrice":"7130.41000000","markPrice":"7257.66239673","positionAmt":"0.01000000","symbol":"BTCUSDT","unRealizedProfit":"1.24029054"},
                     {"entryPrice":"0.00000000","markPrice":"3000.00000000","positionAmt":"0.00000000","symbol":"ETHUSDT","unRealizedProfit":"0.00000000"}]},
         "type":"futures","updateTime":1576281599000},
        {"data":{"assets":[{"asset":"USDT","marginBalance":"100","walletBalance":"101"}],
         "position":[{"entryPrice":"3100","markPrice":"3000","positionAmt":"-0.5","symbol":"ETHUSDT","unRealizedProfit":"50"}]},
         "type":"futures","updateTime":1576195199000}]}"#,
    );
    let out = ok(&ex, "get_account_snapshot", r#"{"type":"FUTURES"}"#);
    assert_eq!(ex.params(0), p(&[("type", "FUTURES"), ("limit", "7")]));
    assert_eq!(out["type"], "FUTURES");
    let days = out["snapshots"].as_array().unwrap();
    assert_eq!(days[0]["updateTime"], 1576195199000i64);
    assert_eq!(days[0]["positions"][0]["positionAmt"], "-0.5");
    assert_eq!(
        days[1]["assets"],
        serde_json::json!([{"asset":"USDT","walletBalance":"120.23811389","marginBalance":"118.99782335"}])
    );
    assert_eq!(
        days[1]["positions"],
        serde_json::json!([{"symbol":"BTCUSDT","positionAmt":"0.01","entryPrice":"7130.41","markPrice":"7257.66239673","unRealizedProfit":"1.24029054"}])
    );

    // A bad type names the argument and a valid example.
    let e = call(&ex, "get_account_snapshot", r#"{"type":"isolated"}"#).unwrap_err();
    assert_eq!(e.kind, ErrorKind::InvalidArgument);
    assert!(e.message.contains("SPOT, MARGIN or FUTURES"), "{e}");
    assert!(e.recovery.contains("\"MARGIN\""), "{e}");
}
