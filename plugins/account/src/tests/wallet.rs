//! Wallet history and the deposit address: `get_deposit_history`,
//! `get_withdraw_history` (rows, status names, Binance's text times as
//! ISO, caps and offsets), `get_universal_transfer_history` and
//! `get_deposit_address`.

use super::{call, ok, p, Canned};
use crate::history::{HISTORY_CAP, HISTORY_DEFAULT_LIMIT};
use binance_mcp_plugin::{json, ErrorKind};

/// `n` withdrawals as Binance sends them, the text times included.
pub(super) fn withdrawals_body(n: usize) -> String {
    let rows: Vec<String> = (0..n)
        .map(|i| format!(r#"{{"id":"b6ae22b3aa844210a7041aee7589{i:04}","amount":"8.91234567","transactionFee":"0.00400000","coin":"USDT","status":6,"address":"0x94df8b352de7f46f64b01d3666bf6e936e44ce60","addressTag":"","txId":"0xb5ef8c13b968a406cc62a93a8bd80f9e9a906ef1b3fcf20a2e48573c17659268","applyTime":"2019-10-12 11:12:02","network":"ETH","transferType":0,"withdrawOrderId":"WITHDRAWtest123","info":"","confirmNo":3,"walletType":1,"txKey":"","completeTime":"2019-10-12 11:15:02"}}"#))
        .collect();
    format!("[{}]", rows.join(","))
}

/// `n` deposits as Binance sends them.
pub(super) fn deposits_body(n: usize) -> String {
    let rows: Vec<String> = (0..n)
        .map(|i| format!(r#"{{"id":"76980051936688{i:04}","amount":"0.00100000","coin":"BNB","network":"BNB","status":1,"address":"bnb136ns6lfw4zs5hg4n85vdthaad7hq5m4gtkgf23","addressTag":"101764890","txId":"98A3EA560C6B3336D348B6C83F0F95ECE4F1F5919E94BD006E5BF3BF264FACFC","insertTime":1661493146000,"completeTime":1661493146123,"transferType":0,"confirmTimes":"1/1","unlockConfirm":0,"walletType":0}}"#))
        .collect();
    format!("[{}]", rows.join(","))
}

#[test]
fn deposits_are_rows_with_iso_times_and_status_names() {
    let ex = Canned::one("/sapi/v1/capital/deposit/hisrec", &deposits_body(1));
    let out = ok(
        &ex,
        "get_deposit_history",
        r#"{"coin":"bnb","status":"success","startTime":"2022-08-01","endTime":"2022-08-31","offset":5,"limit":10}"#,
    );
    assert_eq!(
        ex.params(0),
        p(&[
            ("coin", "BNB"),
            ("status", "1"),
            ("startTime", "1659312000000"),
            ("endTime", "1661990399999"),
            ("offset", "5"),
            ("limit", "10")
        ])
    );
    assert_eq!(out["columns"][0], "insertTime");
    assert_eq!(
        out["rows"],
        json!([[
            "2022-08-26T05:52:26.000Z",
            "BNB",
            "BNB",
            "0.001",
            "success",
            "bnb136ns6lfw4zs5hg4n85vdthaad7hq5m4gtkgf23",
            "101764890",
            "98A3EA560C6B3336D348B6C83F0F95ECE4F1F5919E94BD006E5BF3BF264FACFC",
            "2022-08-26T05:52:26.123Z",
            "1/1",
            "769800519366880000"
        ]])
    );
    assert!(out.get("nextOffset").is_none() && out.get("truncated").is_none());
    // The status code works too; an unknown name or code is refused.
    let ex = Canned::one("/sapi/v1/capital/deposit/hisrec", "[]");
    ok(&ex, "get_deposit_history", r#"{"status":0}"#);
    let default = HISTORY_DEFAULT_LIMIT.to_string();
    assert_eq!(
        ex.params(0),
        p(&[
            ("status", "0"),
            ("offset", "0"),
            ("limit", default.as_str())
        ])
    );
    for bad in [r#"{"status":"lost"}"#, r#"{"status":3}"#] {
        let e = call(&ex, "get_deposit_history", bad).unwrap_err();
        assert_eq!(e.kind, ErrorKind::InvalidArgument);
        assert!(e.message.contains("\"waiting user confirm\" (8)"), "{e}");
    }
}

#[test]
fn withdrawals_are_rows_capped_with_the_next_offset() {
    let ex = Canned::one("/sapi/v1/capital/withdraw/history", &withdrawals_body(300));
    let out = ok(&ex, "get_withdraw_history", r#"{"limit":300,"offset":100}"#);
    assert_eq!(ex.params(0), p(&[("offset", "100"), ("limit", "300")]));
    let rows = out["rows"].as_array().unwrap();
    assert_eq!(rows.len(), HISTORY_CAP);
    assert_eq!(
        rows[0],
        json!([
            "2019-10-12T11:12:02.000Z",
            "USDT",
            "ETH",
            "8.91234567",
            "0.004",
            "completed",
            "0x94df8b352de7f46f64b01d3666bf6e936e44ce60",
            "",
            "0xb5ef8c13b968a406cc62a93a8bd80f9e9a906ef1b3fcf20a2e48573c17659268",
            "2019-10-12T11:15:02.000Z",
            "WITHDRAWtest123",
            "",
            "b6ae22b3aa844210a7041aee75890000"
        ])
    );
    assert_eq!(out["truncated"]["available"], 300);
    assert_eq!(out["nextOffset"], 100 + HISTORY_CAP as i64);
    // A full page uncut: more may follow, so the offset to go on from.
    let ex = Canned::one("/sapi/v1/capital/withdraw/history", &withdrawals_body(10));
    let out = ok(&ex, "get_withdraw_history", r#"{"limit":10}"#);
    assert_eq!(out["nextOffset"], 10);
    assert!(out.get("truncated").is_none());
    // An unreadable text time is the exchange's fault, named.
    let ex = Canned::one(
        "/sapi/v1/capital/withdraw/history",
        &withdrawals_body(1).replace("2019-10-12 11:12:02", "yesterday"),
    );
    let e = call(&ex, "get_withdraw_history", "{}").unwrap_err();
    assert_eq!(e.kind, ErrorKind::ExchangeUnavailable);
    assert!(e.message.contains("yesterday"), "{e}");
}

#[test]
fn universal_transfers_page_and_tolerate_an_empty_answer() {
    let ex = Canned::one(
        "/sapi/v1/asset/transfer",
        r#"{"total":2,"rows":[{"asset":"USDT","amount":"1.50000000","type":"MAIN_UMFUTURE","status":"CONFIRMED","tranId":11415955596,"timestamp":1544433328000}]}"#,
    );
    let out = ok(
        &ex,
        "get_universal_transfer_history",
        r#"{"type":"MAIN_UMFUTURE","current":2,"size":1,"startTime":"2018-12-01","endTime":9999999999999}"#,
    );
    assert_eq!(
        ex.params(0),
        p(&[
            ("type", "MAIN_UMFUTURE"),
            ("startTime", "1543622400000"),
            ("endTime", "9999999999999"),
            ("current", "2"),
            ("size", "1")
        ])
    );
    assert_eq!(
        (out["total"].clone(), out["current"].clone()),
        (json!(2), json!(2))
    );
    assert_eq!(
        out["columns"],
        json!(["timestamp", "asset", "amount", "status", "tranId"])
    );
    assert_eq!(
        out["rows"],
        json!([[
            "2018-12-10T09:15:28.000Z",
            "USDT",
            "1.5",
            "CONFIRMED",
            11415955596i64
        ]])
    );

    let ex = Canned::one("/sapi/v1/asset/transfer", r#"{"total":0}"#);
    let out = ok(
        &ex,
        "get_universal_transfer_history",
        r#"{"type":"ISOLATEDMARGIN_MARGIN","fromSymbol":"btcusdt"}"#,
    );
    assert_eq!(
        ex.params(0),
        p(&[
            ("type", "ISOLATEDMARGIN_MARGIN"),
            ("current", "1"),
            ("size", "10"),
            ("fromSymbol", "BTCUSDT")
        ])
    );
    assert_eq!(out["rows"], json!([]));
}

#[test]
fn deposit_address_carries_the_warning() {
    let ex = Canned::one(
        "/sapi/v1/capital/deposit/address",
        r#"{"address":"1HPn8Rx2y6nNSfagQBKy27GB99Vbzg89wv","coin":"BTC","tag":"","url":"https://btc.com/1HPn8Rx2y6nNSfagQBKy27GB99Vbzg89wv"}"#,
    );
    let out = ok(
        &ex,
        "get_deposit_address",
        r#"{"coin":"btc","network":"btc"}"#,
    );
    assert_eq!(ex.params(0), p(&[("coin", "BTC"), ("network", "BTC")]));
    assert_eq!(out["address"], "1HPn8Rx2y6nNSfagQBKy27GB99Vbzg89wv");
    assert_eq!(out["network"], "BTC");
    assert!(out["warning"]
        .as_str()
        .unwrap()
        .contains("Verify this address"));
}
