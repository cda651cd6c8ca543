//! Wallet history and the deposit address: `get_deposit_history`,
//! `get_withdraw_history`, `get_universal_transfer_history` and
//! `get_deposit_address`.

use super::{ok, p, Canned};

#[test]
fn deposit_and_withdraw_histories_send_filters_and_cap_with_offsets() {
    let ex = Canned::one(
        "/sapi/v1/capital/deposit/hisrec",
        r#"[{"id":"769800519366885376","amount":"0.00100000","coin":"BNB","network":"BNB","status":1,
        "address":"bnb136ns6lfw4zs5hg4n85vdthaad7hq5m4gtkgf23","addressTag":"101764890",
        "txId":"98A3EA560C6B3336D348B6C83F0F95ECE4F1F5919E94BD006E5BF3BF264FACFC","insertTime":1661493146000,
        "completeTime":1661493146000,"transferType":0,"confirmTimes":"1/1","unlockConfirm":0,"walletType":0}]"#,
    );
    let out = ok(
        &ex,
        "get_deposit_history",
        r#"{"coin":"bnb","status":1,"startTime":1,"endTime":2,"offset":5,"limit":10}"#,
    );
    assert_eq!(
        ex.params(0),
        p(&[
            ("coin", "BNB"),
            ("status", "1"),
            ("startTime", "1"),
            ("endTime", "2"),
            ("offset", "5"),
            ("limit", "10")
        ])
    );
    let d = &out["deposits"][0];
    assert_eq!(d["amount"], "0.001");
    assert_eq!(d["statusText"], "success");
    assert_eq!(d["addressTag"], "101764890");

    let rows: Vec<String> = (0..300)
        .map(|i| format!(r#"{{"id":"w{i}","amount":"8.91000000","transactionFee":"0.004","coin":"USDT","status":6,"address":"0x94df","txId":"0xb5","applyTime":"2019-10-12 11:12:02","network":"ETH","transferType":0,"info":"","confirmNo":3}}"#))
        .collect();
    let ex = Canned::one(
        "/sapi/v1/capital/withdraw/history",
        &format!("[{}]", rows.join(",")),
    );
    let out = ok(&ex, "get_withdraw_history", r#"{"limit":300,"offset":100}"#);
    assert_eq!(ex.params(0), p(&[("offset", "100"), ("limit", "300")]));
    let w = out["withdrawals"].as_array().unwrap();
    assert_eq!(w.len(), crate::wallet::HISTORY_CAP);
    assert_eq!(w[0]["transactionFee"], "0.004");
    assert_eq!(w[0]["statusText"], "completed");
    assert!(w[0].get("info").is_none()); // empty note left out
    assert_eq!(out["truncated"]["nextOffset"], 300);
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
        r#"{"type":"MAIN_UMFUTURE","current":2,"size":1,"startTime":1,"endTime":9}"#,
    );
    assert_eq!(
        ex.params(0),
        p(&[
            ("type", "MAIN_UMFUTURE"),
            ("startTime", "1"),
            ("endTime", "9"),
            ("current", "2"),
            ("size", "1")
        ])
    );
    assert_eq!(out["total"], 2);
    assert_eq!(out["rows"][0]["amount"], "1.5");

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
    assert_eq!(out["rows"], serde_json::json!([]));
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
