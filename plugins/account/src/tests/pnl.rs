//! `get_pnl` with the caller's symbols: the average-cost arithmetic on a
//! hand-computed example, every incompleteness reason, quote-asset checks
//! made before any signed request, and overflow.

use super::{account_body, call, my_trade, ok, p, trades_body, Canned};
use binance_mcp_plugin::ErrorKind;

const INFO_BTC_ETH: &str = r#"{"timezone":"UTC","serverTime":1,"symbols":[
    {"symbol":"BTCUSDT","status":"TRADING","baseAsset":"BTC","quoteAsset":"USDT"},
    {"symbol":"ETHUSDT","status":"TRADING","baseAsset":"ETH","quoteAsset":"USDT"}]}"#;

#[test]
fn pnl_matches_a_hand_computed_example() {
    // BTCUSDT, oldest first (ids deliberately out of order in the answer):
    //  #1 buy 2 @ 100, fee 0.4 USDT   → position 2,  cost 200 + 0.4 = 200.4
    //  #2 buy 2 @ 120, fee 0.02 BNB   → position 4,  cost 200.4 + 240 = 440.4 (avg 110.1);
    //                                    BNB 0.02 reported apart, not converted
    //  #3 sell 1 @ 150, fee 0.15 USDT → cost out 440.4 × 1/4 = 110.1;
    //                                    realized 150 − 110.1 − 0.15 = 39.75;
    //                                    position 3, cost 330.3
    //  #4 buy 1.01 @ 90, fee 0.01 BTC → cost 330.3 + 90.9 = 421.2;
    //                                    position 3 + 1.01 − 0.01 = 4 (avg 105.3)
    //  #5 sell 2 @ 110, fee 0.01 BNB  → cost out 421.2 × 2/4 = 210.6;
    //                                    realized += 220 − 210.6 = 9.4 → 49.15;
    //                                    position 2, cost 210.6 (avg 105.3); BNB 0.03
    //  last price 100: unrealized = 2 × (100 − 105.3) = −10.6; total 38.55.
    // ETHUSDT:
    //  #1 sell 1 @ 50, fee 0.05 USDT  → nothing held: unmatched 1, realized −0.05
    //  #2 buy 2 @ 40, no fee          → position 2, cost 80 (avg 40)
    //  last price 45: unrealized 2 × 5 = 10.
    // Totals: realized 49.15 − 0.05 = 49.1; unrealized −10.6 + 10 = −0.6; total 48.5.
    let btc = format!(
        "[{},{},{},{},{}]",
        my_trade(2, true, "120.00000000", "2.00000000", "0.02000000", "BNB"),
        my_trade(1, true, "100.00000000", "2.00000000", "0.40000000", "USDT"),
        my_trade(3, false, "150.00000000", "1.00000000", "0.15000000", "USDT"),
        my_trade(4, true, "90.00000000", "1.01000000", "0.01000000", "BTC"),
        my_trade(5, false, "110.00000000", "2.00000000", "0.01000000", "BNB"),
    );
    let eth = format!(
        "[{},{}]",
        my_trade(1, false, "50", "1", "0.05", "USDT"),
        my_trade(2, true, "40", "2", "0", "USDT"),
    );
    // Held now: BTC 1.5 + 0.5 locked = 2 (the position: complete); ETH 2,
    // but one ETH was sold before it was bought (incomplete).
    let account = account_body(&[
        ("BTC", "1.5", "0.5"),
        ("ETH", "2", "0"),
        ("USDT", "10", "0"),
    ]);
    let ex = Canned::new(&[
        ("/api/v3/exchangeInfo", INFO_BTC_ETH),
        ("/api/v3/account", &account),
        (
            "/api/v3/ticker/price",
            r#"[{"symbol":"BTCUSDT","price":"100.00000000"},{"symbol":"ETHUSDT","price":"45.00000000"}]"#,
        ),
        ("/api/v3/myTrades BTCUSDT", &btc),
        ("/api/v3/myTrades ETHUSDT", &eth),
    ]);
    // An ISO startTime reaches Binance as milliseconds.
    let out = ok(
        &ex,
        "get_pnl",
        r#"{"symbols":["btcusdt","ETHUSDT"],"startTime":"2023-11-14T22:13:20Z"}"#,
    );
    assert_eq!(
        ex.paths(),
        vec![
            "/api/v3/exchangeInfo",
            "/api/v3/account",
            "/api/v3/ticker/price",
            "/api/v3/myTrades",
            "/api/v3/myTrades"
        ]
    );
    let both = r#"["BTCUSDT","ETHUSDT"]"#;
    assert_eq!(
        ex.params(0),
        p(&[("symbols", both), ("showPermissionSets", "false")])
    );
    assert_eq!(ex.params(1), p(&[("omitZeroBalances", "true")]));
    assert_eq!(ex.params(2), p(&[("symbols", both)]));
    assert_eq!(
        ex.params(3),
        p(&[
            ("symbol", "BTCUSDT"),
            ("startTime", "1700000000000"),
            ("limit", "1000")
        ])
    );

    let b = &out["symbols"][0];
    assert_eq!(b["symbol"], "BTCUSDT");
    assert_eq!(b["position"], "2");
    assert_eq!(b["averageCost"], "105.3");
    assert_eq!(b["lastPrice"], "100");
    assert_eq!(b["realizedPnl"], "49.15");
    assert_eq!(b["unrealizedPnl"], "-10.6");
    assert_eq!(b["totalPnl"], "38.55");
    assert_eq!(b["tradeCount"], 5);
    assert_eq!(b["heldQty"], "2");
    assert_eq!(b["complete"], true);
    assert!(b.get("incomplete").is_none());
    assert_eq!(
        b["commissionsOther"],
        serde_json::json!([{ "asset": "BNB", "amount": "0.03" }])
    );
    assert!(b.get("unmatchedSellQty").is_none());

    let e = &out["symbols"][1];
    assert_eq!(e["position"], "2");
    assert_eq!(e["averageCost"], "40");
    assert_eq!(e["realizedPnl"], "-0.05");
    assert_eq!(e["unrealizedPnl"], "10");
    assert_eq!(e["unmatchedSellQty"], "1");
    // Never complete next to an unmatched quantity.
    assert_eq!(e["complete"], false);
    assert_eq!(
        e["incomplete"],
        serde_json::json!([{ "reason": "sold_beyond_position", "unmatchedQty": "1" }])
    );
    assert_eq!(out["complete"], false);
    assert_eq!(out["selectedBy"], "symbols");
    assert_eq!(out["covered"], serde_json::json!(["BTCUSDT", "ETHUSDT"]));
    assert_eq!(out["skipped"], serde_json::json!([]));

    assert_eq!(out["quoteAsset"], "USDT");
    assert_eq!(out["startTime"], "2023-11-14T22:13:20.000Z");
    let t = &out["totals"];
    assert_eq!(t["quoteAsset"], "USDT");
    assert_eq!(t["realized"], "49.1");
    assert_eq!(t["unrealized"], "-0.6");
    assert_eq!(t["total"], "48.5");
    assert_eq!(t["commissionsOther"][0]["amount"], "0.03");
    let notes = out["notes"].as_array().unwrap();
    assert!(notes[0].as_str().unwrap().contains("Average-cost"));
    assert!(notes[1]
        .as_str()
        .unwrap()
        .contains("startTime 2023-11-14T22:13:20.000Z"));
    assert!(notes
        .iter()
        .any(|n| n.as_str().unwrap().starts_with("ETHUSDT: more was sold")));
}

#[test]
fn pnl_marks_every_unexplained_quantity_incomplete() {
    // BTCUSDT: bought 1, sold 2 (1 beyond the position), yet 0.5 held now.
    // ETHUSDT: bought 2, only 1.5 held now (0.5 withdrawn or moved).
    let btc = format!(
        "[{},{}]",
        my_trade(1, true, "100", "1", "0", "USDT"),
        my_trade(2, false, "110", "2", "0", "USDT"),
    );
    let eth = format!("[{}]", my_trade(1, true, "40", "2", "0", "USDT"));
    let account = account_body(&[("BTC", "0.5", "0"), ("ETH", "1", "0.5")]);
    let ex = Canned::new(&[
        ("/api/v3/exchangeInfo", INFO_BTC_ETH),
        ("/api/v3/account", &account),
        (
            "/api/v3/ticker/price",
            r#"[{"symbol":"BTCUSDT","price":"100"},{"symbol":"ETHUSDT","price":"45"}]"#,
        ),
        ("/api/v3/myTrades BTCUSDT", &btc),
        ("/api/v3/myTrades ETHUSDT", &eth),
    ]);
    let out = ok(
        &ex,
        "get_pnl",
        r#"{"symbols":["BTCUSDT","ETHUSDT"],"quote":"usdt"}"#,
    );
    let b = &out["symbols"][0];
    assert_eq!(b["complete"], false);
    assert_eq!(
        b["incomplete"],
        serde_json::json!([
            { "reason": "sold_beyond_position", "unmatchedQty": "1" },
            { "reason": "held_not_in_trades", "unmatchedQty": "0.5" }
        ])
    );
    assert_eq!(b["realizedPnl"], "10"); // only the matched unit realizes
    let e = &out["symbols"][1];
    assert_eq!(e["heldQty"], "1.5");
    assert_eq!(
        e["incomplete"],
        serde_json::json!([{ "reason": "position_not_held", "unmatchedQty": "0.5" }])
    );
    assert_eq!(out["complete"], false);
    let notes = out["notes"].to_string();
    assert!(notes.contains("ETHUSDT: the trades used leave more than the account holds"));
    assert!(notes.contains("BTCUSDT: the account holds more"));

    // quote must be the symbols' quote asset, refused before anything signed.
    let ex = Canned::new(&[("/api/v3/exchangeInfo", INFO_BTC_ETH)]);
    let e = call(&ex, "get_pnl", r#"{"symbols":["BTCUSDT"],"quote":"BTC"}"#).unwrap_err();
    assert_eq!(e.kind, ErrorKind::InvalidArgument);
    assert!(
        e.message.contains("'quote'") && e.message.contains("USDT"),
        "{e}"
    );
    assert!(e.recovery.contains("\"USDT\""), "{e}");
    assert_eq!(ex.paths(), vec!["/api/v3/exchangeInfo"]);
}

#[test]
fn pnl_refuses_mixed_quote_assets_before_any_signed_request() {
    let ex = Canned::one(
        "/api/v3/exchangeInfo",
        r#"{"symbols":[{"symbol":"BTCUSDT","baseAsset":"BTC","quoteAsset":"USDT"},{"symbol":"ETHBTC","baseAsset":"ETH","quoteAsset":"BTC"}]}"#,
    );
    let e = call(&ex, "get_pnl", r#"{"symbols":["BTCUSDT","ETHBTC"]}"#).unwrap_err();
    assert_eq!(e.kind, ErrorKind::InvalidArgument);
    assert!(e.message.contains("ETHBTC: BTC"), "{e}");
    assert_eq!(ex.paths(), vec!["/api/v3/exchangeInfo"]);
}

#[test]
fn pnl_single_symbol_uses_symbol_and_flags_a_full_page() {
    let ex = Canned::new(&[
        (
            "/api/v3/exchangeInfo",
            r#"{"symbols":[{"symbol":"BTCUSDT","baseAsset":"BTC","quoteAsset":"USDT"}]}"#,
        ),
        (
            "/api/v3/ticker/price",
            r#"{"symbol":"BTCUSDT","price":"2"}"#,
        ),
        ("/api/v3/myTrades", &trades_body(1000)),
        ("/api/v3/account", &account_body(&[("BTC", "2", "0")])),
    ]);
    let out = ok(&ex, "get_pnl", r#"{"symbols":["BTCUSDT"]}"#);
    assert_eq!(ex.params(2), p(&[("symbol", "BTCUSDT")]));
    assert_eq!(ex.params(3), p(&[("symbol", "BTCUSDT"), ("limit", "1000")]));
    // Sells (odd ids) and buys (even ids) of 2 alternate, a sell first: the
    // first sell is beyond the position, the last buy leaves 2, as held; the
    // full page means more trades exist beyond the limit.
    assert_eq!(out["symbols"][0]["position"], "2");
    assert_eq!(out["symbols"][0]["complete"], false);
    assert_eq!(
        out["symbols"][0]["incomplete"],
        serde_json::json!([
            { "reason": "trade_history_limit" },
            { "reason": "sold_beyond_position", "unmatchedQty": "2" }
        ])
    );
    assert_eq!(out["complete"], false);
    assert_eq!(out["symbols"][0]["tradeCount"], 1000);
    assert!(out["notes"]
        .as_array()
        .unwrap()
        .iter()
        .any(|n| n.as_str().unwrap().contains("older trades were left out")));
}

#[test]
fn pnl_overflow_is_an_exchange_error_not_a_trap() {
    let huge = "79228162514264337593543950335";
    let ex = Canned::new(&[
        (
            "/api/v3/exchangeInfo",
            r#"{"symbols":[{"symbol":"BTCUSDT","baseAsset":"BTC","quoteAsset":"USDT"}]}"#,
        ),
        (
            "/api/v3/ticker/price",
            r#"{"symbol":"BTCUSDT","price":"2"}"#,
        ),
        (
            "/api/v3/myTrades",
            &format!("[{}]", my_trade(1, true, huge, huge, "0", "USDT")),
        ),
        ("/api/v3/account", &account_body(&[("BTC", "1", "0")])),
    ]);
    let e = call(&ex, "get_pnl", r#"{"symbols":["BTCUSDT"]}"#).unwrap_err();
    assert_eq!(e.kind, ErrorKind::ExchangeUnavailable);
}
