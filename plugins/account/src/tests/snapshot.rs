//! `get_account_snapshot`: SPOT, MARGIN and FUTURES days as rows under one
//! header per list, ISO times, ISO input times sent as ms, and the rows cut
//! evenly across a month of days.

use super::{call, ok, p, size, Canned};
use binance_mcp_plugin::{json, ErrorKind};

#[test]
fn snapshots_are_sorted_and_keep_non_zero_balances_as_rows() {
    let ex = Canned::one(
        "/sapi/v1/accountSnapshot",
        r#"{"code":200,"msg":"","snapshotVos":[
        {"data":{"balances":[{"asset":"BTC","free":"0.2","locked":"0.00000001"},{"asset":"XRP","free":"0","locked":"0"}],"totalAssetOfBtc":"0.20000001"},"type":"spot","updateTime":1576367999000},
        {"data":{"balances":[{"asset":"BTC","free":"0.09905021","locked":"0.00000000"}],"totalAssetOfBtc":"0.09942700"},"type":"spot","updateTime":1576281599000}]}"#,
    );
    // ISO input times reach Binance as milliseconds.
    let out = ok(
        &ex,
        "get_account_snapshot",
        r#"{"startTime":"2019-12-10T17:46:40Z","endTime":"2019-12-15","limit":10}"#,
    );
    assert_eq!(
        ex.params(0),
        p(&[
            ("type", "SPOT"),
            ("startTime", "1576000000000"),
            ("endTime", "1576454399999"),
            ("limit", "10")
        ])
    );
    assert_eq!(
        out["columns"],
        json!({"balances": ["asset", "free", "locked"]})
    );
    let days = out["snapshots"].as_array().unwrap();
    assert_eq!(days[0]["updateTime"], "2019-12-13T23:59:59.000Z");
    assert!(days[0].get("date").is_none(), "no twin of the time");
    assert_eq!(days[0]["totalAssetOfBtc"], "0.099427");
    assert_eq!(days[0]["balances"], json!([["BTC", "0.09905021", "0"]]));
    assert_eq!(days[1]["balances"], json!([["BTC", "0.2", "0.00000001"]]));

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
    assert_eq!(
        out["columns"]["userAssets"],
        json!(["asset", "free", "locked", "borrowed", "interest", "netAsset"])
    );
    let day = &out["snapshots"][0];
    assert_eq!(day["updateTime"], "2019-12-13T23:59:59.000Z");
    assert_eq!(day["marginLevel"], "2748.02909813");
    assert_eq!(day["totalLiabilityOfBtc"], "0.000001");
    assert_eq!(day["totalNetAssetOfBtc"], "0.0027475");
    assert_eq!(
        day["userAssets"],
        json!([
            ["XRP", "1", "0", "0", "0", "1"],
            ["USDT", "6", "0.1", "5", "0.0005", "1.0995"]
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
    assert_eq!(days[0]["updateTime"], "2019-12-12T23:59:59.000Z");
    assert_eq!(
        days[0]["positions"],
        json!([["ETHUSDT", "-0.5", "3100", "3000", "50"]])
    );
    assert_eq!(
        days[1]["assets"],
        json!([["USDT", "120.23811389", "118.99782335"]])
    );
    assert_eq!(
        days[1]["positions"],
        json!([["BTCUSDT", "0.01", "7130.41", "7257.66239673", "1.24029054"]])
    );

    // A bad type names the argument and a valid example.
    let e = call(&ex, "get_account_snapshot", r#"{"type":"isolated"}"#).unwrap_err();
    assert_eq!(e.kind, ErrorKind::InvalidArgument);
    assert!(e.message.contains("SPOT, MARGIN or FUTURES"), "{e}");
    assert!(e.recovery.contains("\"MARGIN\""), "{e}");
}

/// `days` SPOT days of `assets` dust balances with 8-decimal figures.
pub(super) fn big_spot_snapshot(days: usize, assets: usize) -> String {
    let balances: Vec<String> = (0..assets)
        .map(|i| format!(r#"{{"asset":"DUST{i:04}","free":"{i}.12345678","locked":"0.00000001"}}"#))
        .collect();
    let balances = balances.join(",");
    let vos: Vec<String> = (0..days)
        .map(|d| {
            format!(
                r#"{{"data":{{"balances":[{balances}],"totalAssetOfBtc":"1.23456789"}},"type":"spot","updateTime":{}}}"#,
                1_700_006_399_000 + d as i64 * 86_400_000
            )
        })
        .collect();
    format!(
        r#"{{"code":200,"msg":"","snapshotVos":[{}]}}"#,
        vos.join(",")
    )
}

#[test]
fn rows_are_shared_evenly_by_the_days() {
    for (days, listed_at_least) in [(7, 30), (30, 8)] {
        let ex = Canned::one("/sapi/v1/accountSnapshot", &big_spot_snapshot(days, 300));
        let out = ok(
            &ex,
            "get_account_snapshot",
            &format!(r#"{{"limit":{days}}}"#),
        );
        let snaps = out["snapshots"].as_array().unwrap();
        assert_eq!(snaps.len(), days);
        let listed = snaps[0]["balances"].as_array().unwrap().len();
        assert!(
            listed >= listed_at_least && listed < 300,
            "{days} days: {listed}"
        );
        for s in snaps {
            // Every day lists the same first rows and says what it cut.
            assert_eq!(s["balances"][0][0], "DUST0000");
            assert_eq!(s["truncated"]["available"], 300);
            assert_eq!(s["truncated"]["returned"], listed);
        }
        let rows: usize = snaps.iter().map(|s| size(&s["balances"])).sum();
        // Each day's list adds its brackets to the rows' share.
        assert!(rows <= crate::snapshot::SNAPSHOT_ROW_BYTES + days, "{rows}");
    }
}
