//! `get_account_trades`: the parameters sent (ISO times as ms), rows under
//! one header with ISO times, and the cut with a cursor either way.

use super::{my_trade, ok, p, trades_body, Canned};
use crate::trades::TRADES_CAP;
use binance_mcp_plugin::json;

#[test]
fn account_trades_send_binance_parameters_and_list_rows() {
    let ex = Canned::one(
        "/api/v3/myTrades",
        &format!(
            "[{}]",
            my_trade(5, true, "65000.01000000", "0.00100000", "0.00000100", "BTC")
        ),
    );
    let out = ok(
        &ex,
        "get_account_trades",
        r#"{"symbol":"btcusdt","orderId":50,"fromId":3,"limit":"20"}"#,
    );
    assert_eq!(
        ex.params(0),
        p(&[
            ("symbol", "BTCUSDT"),
            ("orderId", "50"),
            ("fromId", "3"),
            ("limit", "20")
        ])
    );
    assert_eq!(out["symbol"], "BTCUSDT");
    assert_eq!(
        out["columns"],
        json!([
            "id",
            "orderId",
            "time",
            "side",
            "price",
            "qty",
            "quoteQty",
            "commission",
            "commissionAsset",
            "isMaker"
        ])
    );
    assert_eq!(
        out["rows"],
        json!([[
            5,
            50,
            "2023-11-14T22:13:20.005Z",
            "BUY",
            "65000.01",
            "0.001",
            "0",
            "0.000001",
            "BTC",
            false
        ]])
    );
    assert!(out.get("nextFromId").is_none()); // 1 trade < limit 20: nothing more
}

#[test]
fn iso_times_reach_binance_as_milliseconds() {
    let ex = Canned::one("/api/v3/myTrades", "[]");
    ok(
        &ex,
        "get_account_trades",
        r#"{"symbol":"BTCUSDT","startTime":"2023-11-14T22:13:20Z","endTime":"2023-11-15T12:00:00+02:00"}"#,
    );
    assert_eq!(
        ex.params(0),
        p(&[
            ("symbol", "BTCUSDT"),
            ("startTime", "1700000000000"),
            ("endTime", "1700042400000"),
            ("limit", "100")
        ])
    );
    // Milliseconds still work, and a date-only startTime is its midnight.
    let ex = Canned::one("/api/v3/myTrades", "[]");
    ok(
        &ex,
        "get_account_trades",
        r#"{"symbol":"BTCUSDT","startTime":"2023-11-14","endTime":1699930000000}"#,
    );
    assert_eq!(
        ex.params(0)[1],
        ("startTime".into(), "1699920000000".into())
    );
    assert_eq!(ex.params(0)[2], ("endTime".into(), "1699930000000".into()));
}

#[test]
fn account_trades_keep_the_newest_or_page_forward() {
    let ex = Canned::one("/api/v3/myTrades", &trades_body(1000));
    let out = ok(
        &ex,
        "get_account_trades",
        r#"{"symbol":"BTCUSDT","limit":1000}"#,
    );
    let rows = out["rows"].as_array().unwrap();
    assert_eq!(rows.len(), TRADES_CAP);
    assert_eq!(rows[0][0], 1001 - TRADES_CAP as i64);
    assert_eq!(rows.last().unwrap()[0], 1000);
    let t = &out["truncated"];
    assert_eq!(
        (t["kept"].clone(), t["available"].clone()),
        (json!("last"), json!(1000))
    );
    // The cursor to the others: the first id fetched.
    assert!(t["hint"].as_str().unwrap().contains("fromId 1 "), "{t}");
    assert!(out.get("nextFromId").is_none());

    let out = ok(
        &ex,
        "get_account_trades",
        r#"{"symbol":"BTCUSDT","fromId":1,"limit":1000}"#,
    );
    let rows = out["rows"].as_array().unwrap();
    assert_eq!(rows[0][0], 1);
    assert_eq!(rows.last().unwrap()[0], TRADES_CAP as i64);
    assert_eq!(out["truncated"]["kept"], "first");
    assert_eq!(out["nextFromId"], TRADES_CAP as i64 + 1);

    // A full page from startTime may have more: the cursor is there, no cut.
    let ex = Canned::one("/api/v3/myTrades", &trades_body(50));
    let out = ok(
        &ex,
        "get_account_trades",
        r#"{"symbol":"BTCUSDT","startTime":"2023-11-14","limit":50}"#,
    );
    assert_eq!(out["nextFromId"], 51);
    assert!(out.get("truncated").is_none());
}
