//! `get_pnl` without symbols: which holdings are covered (largest by value
//! in the quote first, at most `MAX_SYMBOLS`) and which are skipped, why.

use super::{account_body, my_trade, ok, p, Canned};

/// exchangeInfo rows (symbol, base, quote, minNotional) with a NOTIONAL filter.
fn info_body(rows: &[(&str, &str, &str, &str)]) -> String {
    let s: Vec<String> = rows
        .iter()
        .map(|(s, b, q, n)| format!(r#"{{"symbol":"{s}","status":"TRADING","baseAsset":"{b}","quoteAsset":"{q}","filters":[{{"filterType":"PRICE_FILTER","minPrice":"0.01","maxPrice":"1000000","tickSize":"0.01"}},{{"filterType":"NOTIONAL","minNotional":"{n}","applyMinToMarket":true,"maxNotional":"9000000.00000000","applyMaxToMarket":false,"avgPriceMins":5}}]}}"#))
        .collect();
    format!(
        r#"{{"timezone":"UTC","serverTime":1,"symbols":[{}]}}"#,
        s.join(",")
    )
}

/// Every listed price (ticker/price without a symbol).
const ALL_PRICES: &str = r#"[{"symbol":"BTCUSDT","price":"100.00000000"},{"symbol":"ETHUSDT","price":"45.00000000"},
    {"symbol":"DOGEUSDT","price":"0.10000000"},{"symbol":"XRPUSDT","price":"0.50000000"},
    {"symbol":"ETHBTC","price":"0.05000000"},{"symbol":"BNBUSDT","price":"300.00000000"}]"#;

#[test]
fn pnl_without_symbols_covers_the_holdings_in_the_quote_and_says_what_it_skipped() {
    // Held: BTC 0.6 (worth 60 USDT), ETH 2 (90), XRP 100 (50), DOGE 10 (1:
    // under DOGEUSDT's 5 USDT minimum notional, dust), LDBTC (no market),
    // USDT (the quote itself).
    let account = account_body(&[
        ("BTC", "0.5", "0.1"),
        ("LDBTC", "0.3", "0"),
        ("USDT", "1000", "0"),
        ("ETH", "2", "0"),
        ("DOGE", "10", "0"),
        ("XRP", "100", "0"),
    ]);
    let info = info_body(&[
        ("ETHUSDT", "ETH", "USDT", "5"),
        ("BTCUSDT", "BTC", "USDT", "5"),
        ("XRPUSDT", "XRP", "USDT", "5"),
        ("DOGEUSDT", "DOGE", "USDT", "5"),
    ]);
    let btc = format!("[{}]", my_trade(1, true, "90", "0.6", "0", "USDT"));
    let eth = format!("[{}]", my_trade(1, true, "40", "1", "0", "USDT"));
    let ex = Canned::new(&[
        ("/api/v3/account", &account),
        ("/api/v3/ticker/price", ALL_PRICES),
        ("/api/v3/exchangeInfo", &info),
        ("/api/v3/myTrades BTCUSDT", &btc),
        ("/api/v3/myTrades ETHUSDT", &eth),
        ("/api/v3/myTrades XRPUSDT", "[]"),
    ]);
    let out = ok(&ex, "get_pnl", "{}");
    assert_eq!(
        ex.paths(),
        vec![
            "/api/v3/account",
            "/api/v3/ticker/price",
            "/api/v3/exchangeInfo",
            "/api/v3/myTrades",
            "/api/v3/myTrades",
            "/api/v3/myTrades"
        ]
    );
    assert_eq!(ex.params(1), vec![]); // every price, one request
    assert_eq!(
        ex.params(2),
        p(&[
            ("symbols", r#"["ETHUSDT","BTCUSDT","XRPUSDT","DOGEUSDT"]"#),
            ("showPermissionSets", "false")
        ])
    );
    assert_eq!(out["quoteAsset"], "USDT");
    assert_eq!(out["selectedBy"], "holdings");
    // Largest holding by value first.
    assert_eq!(
        out["covered"],
        serde_json::json!(["ETHUSDT", "BTCUSDT", "XRPUSDT"])
    );
    assert_eq!(
        out["skipped"],
        serde_json::json!([
            { "asset": "USDT", "heldQty": "1000", "reason": "quote_asset" },
            { "asset": "DOGE", "heldQty": "10", "reason": "dust", "symbol": "DOGEUSDT", "value": "1" },
            { "asset": "LDBTC", "heldQty": "0.3", "reason": "no_market" }
        ])
    );
    let rows = out["symbols"].as_array().unwrap();
    // ETH: 1 bought in the trades, 2 held: the other one has unknown cost.
    assert_eq!(rows[0]["position"], "1");
    assert_eq!(rows[0]["heldQty"], "2");
    assert_eq!(rows[0]["complete"], false);
    assert_eq!(
        rows[0]["incomplete"],
        serde_json::json!([{ "reason": "held_not_in_trades", "unmatchedQty": "1" }])
    );
    assert_eq!(rows[0]["unrealizedPnl"], "5");
    // BTC: the trades explain the whole balance, locked part included.
    assert_eq!(rows[1]["position"], "0.6");
    assert_eq!(rows[1]["heldQty"], "0.6");
    assert_eq!(rows[1]["complete"], true);
    assert_eq!(rows[1]["unrealizedPnl"], "6");
    // XRP: held, never traded.
    assert_eq!(rows[2]["tradeCount"], 0);
    assert_eq!(
        rows[2]["incomplete"],
        serde_json::json!([{ "reason": "held_not_in_trades", "unmatchedQty": "100" }])
    );
    assert_eq!(out["complete"], false);
    assert_eq!(out["totals"]["unrealized"], "11");
    let notes: Vec<&str> = out["notes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n.as_str().unwrap())
        .collect();
    assert!(
        notes.iter().any(|n| n.contains("Without symbols")),
        "{notes:?}"
    );
    assert!(
        notes
            .iter()
            .any(|n| n.starts_with("ETHUSDT, XRPUSDT: the account holds more")),
        "{notes:?}"
    );

    // quote=BTC: ETHBTC is the only BTC market held; BTC is the quote.
    let info = info_body(&[("ETHBTC", "ETH", "BTC", "0.0001")]);
    let ex = Canned::new(&[
        ("/api/v3/account", &account),
        ("/api/v3/ticker/price", ALL_PRICES),
        ("/api/v3/exchangeInfo", &info),
        (
            "/api/v3/myTrades",
            &format!("[{}]", my_trade(1, true, "0.04", "2", "0", "BTC")),
        ),
    ]);
    let out = ok(&ex, "get_pnl", r#"{"quote":"btc"}"#);
    assert_eq!(
        ex.params(2),
        p(&[("symbol", "ETHBTC"), ("showPermissionSets", "false")])
    );
    assert_eq!(out["quoteAsset"], "BTC");
    assert_eq!(out["covered"], serde_json::json!(["ETHBTC"]));
    let reasons: Vec<(&str, &str)> = out["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["asset"].as_str().unwrap(), s["reason"].as_str().unwrap()))
        .collect();
    assert_eq!(
        reasons,
        vec![
            ("BTC", "quote_asset"),
            ("DOGE", "no_market"),
            ("LDBTC", "no_market"),
            ("USDT", "no_market"),
            ("XRP", "no_market")
        ]
    );
    // Bought 2 with the fee in BTC (the quote): the position is the full 2,
    // as held; the skipped assets are outside the quote's markets.
    let row = &out["symbols"][0];
    assert_eq!(row["position"], "2");
    assert_eq!(row["complete"], true);
    assert_eq!(out["complete"], true);
}

#[test]
fn pnl_without_symbols_keeps_the_ten_largest_holdings() {
    // A0..A11 held 1..12 units at price 1: the ten most valuable are covered.
    let rows: Vec<(String, String, String)> = (0..12)
        .map(|i| (format!("A{i}"), format!("{}", i + 1), "0".to_string()))
        .collect();
    let refs: Vec<(&str, &str, &str)> = rows
        .iter()
        .map(|(a, f, l)| (a.as_str(), f.as_str(), l.as_str()))
        .collect();
    let account = account_body(&refs);
    let prices: Vec<String> = (0..12)
        .map(|i| format!(r#"{{"symbol":"A{i}USDT","price":"1"}}"#))
        .collect();
    let prices = format!("[{}]", prices.join(","));
    let symbols: Vec<(String, String)> = (0..12)
        .map(|i| (format!("A{i}USDT"), format!("A{i}")))
        .collect();
    let info_rows: Vec<(&str, &str, &str, &str)> = symbols
        .iter()
        .map(|(s, b)| (s.as_str(), b.as_str(), "USDT", "0"))
        .collect();
    let info = info_body(&info_rows);
    let ex = Canned::new(&[
        ("/api/v3/account", &account),
        ("/api/v3/ticker/price", &prices),
        ("/api/v3/exchangeInfo", &info),
        ("/api/v3/myTrades", "[]"),
    ]);
    let out = ok(&ex, "get_pnl", "");
    let covered: Vec<&str> = out["covered"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap())
        .collect();
    assert_eq!(covered.len(), crate::pnl::MAX_SYMBOLS);
    assert_eq!(covered[0], "A11USDT");
    assert_eq!(covered[9], "A2USDT");
    assert_eq!(
        out["skipped"],
        serde_json::json!([
            { "asset": "A1", "heldQty": "2", "reason": "over_cap", "symbol": "A1USDT", "value": "2" },
            { "asset": "A0", "heldQty": "1", "reason": "over_cap", "symbol": "A0USDT", "value": "1" }
        ])
    );
    assert_eq!(out["complete"], false);
    assert_eq!(ex.paths().len(), 3 + crate::pnl::MAX_SYMBOLS);
}
