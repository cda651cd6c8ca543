//! Plugin logic tested natively against canned exchange answers: argument
//! validation and output shaping (the real wire path is tested by the host's
//! integration tests against the simulator).

use crate::{Market, TOOLS};
use binance_mcp_plugin::capability::MARKET_DATA;
use binance_mcp_plugin::testing::CannedExchange;
use binance_mcp_plugin::{json, time, ErrorKind, Method, Plugin, Value, Venue};

/// Run a tool natively; its answer parsed.
fn call(
    ex: &CannedExchange,
    tool: &str,
    args: &str,
) -> Result<Value, binance_mcp_plugin::ToolError> {
    Market::call_tool(ex, tool, args).map(|a| {
        let v: Value = serde_json::from_str(a.as_str()).expect("the answer is JSON");
        v
    })
}

/// Every request answered with one body.
fn canned(body: &str) -> CannedExchange {
    CannedExchange::always(body)
}

#[test]
fn manifest_lists_every_tool_once_with_object_schemas() {
    let m = Market::manifest();
    assert_eq!(m.name, "market");
    assert_eq!(m.tools.len(), TOOLS.len());
    let mut names: Vec<_> = m.tools.iter().map(|t| t.name.clone()).collect();
    names.sort();
    names.dedup();
    assert_eq!(names.len(), TOOLS.len());
    for t in &m.tools {
        assert_eq!(t.input_schema["type"], "object", "{}", t.name);
        assert_eq!(t.output_schema["type"], "object", "{}", t.name);
        assert!(
            t.annotations.read_only && t.annotations.open_world,
            "{}",
            t.name
        );
        let expected: Vec<&str> = if t.name.starts_with("get_orderbook_") {
            vec![MARKET_DATA, binance_mcp_plugin::capability::ORDER_BOOK]
        } else {
            vec![MARKET_DATA]
        };
        assert_eq!(t.capabilities, expected, "{}", t.name);
    }
}

/// Every request of every tool is a public spot market-data GET (the only
/// capability the tools declare; the host's catalogue is authoritative,
/// this is the part of it these tools use).
#[test]
fn every_tool_sends_only_public_market_data_requests() {
    const PUBLIC: &[&str] = &[
        "/api/v3/time",
        "/api/v3/exchangeInfo",
        "/api/v3/depth",
        "/api/v3/trades",
        "/api/v3/klines",
        "/api/v3/avgPrice",
        "/api/v3/ticker/24hr",
        "/api/v3/ticker/price",
        "/api/v3/ticker/bookTicker",
    ];
    for tool in TOOLS {
        if tool.name.starts_with("get_orderbook_") {
            // The live tools read the host's books, never REST: without
            // the order-book capability they refuse and send nothing.
            let ex = canned("{}");
            let args = if tool.name == "get_orderbook_health" {
                "{}"
            } else {
                r#"{"symbol":"BTCUSDT"}"#
            };
            let e = call(&ex, tool.name, args).unwrap_err();
            assert!(
                e.message.contains("live order books"),
                "{}: {e:?}",
                tool.name
            );
            assert!(ex.requests().is_empty(), "{}", tool.name);
            continue;
        }
        assert_eq!(tool.capabilities, &[MARKET_DATA], "{}", tool.name);
        let ex = canned("{}");
        let args = match tool.name {
            "get_klines" => r#"{"symbol":"BTCUSDT","interval":"1m"}"#,
            "get_order_book" | "get_recent_trades" | "get_average_price" | "get_indicators" => {
                r#"{"symbol":"BTCUSDT"}"#
            }
            _ => "{}",
        };
        let _ = call(&ex, tool.name, args);
        let sent = ex.requests();
        assert!(!sent.is_empty(), "{} sent nothing", tool.name);
        for r in sent {
            assert_eq!(r.method, Method::Get, "{}", tool.name);
            assert_eq!(r.venue, Venue::Spot, "{}", tool.name);
            assert!(
                PUBLIC.contains(&r.path.as_str()),
                "{}: {}",
                tool.name,
                r.path
            );
        }
    }
}

#[test]
fn bad_arguments_never_reach_the_exchange() {
    let ex = canned("{}");
    let cases = [
        (
            "get_order_book",
            r#"{"symbol":"BTCUSDT","limit":0}"#,
            "limit",
        ),
        (
            "get_order_book",
            r#"{"symbol":"BTCUSDT","limit":5001}"#,
            "limit",
        ),
        ("get_order_book", r#"{}"#, "symbol"),
        (
            "get_klines",
            r#"{"symbol":"BTCUSDT","interval":"2m"}"#,
            "interval",
        ),
        (
            "get_klines",
            r#"{"symbol":"BTCUSDT","interval":"1h","startTime":5,"endTime":4}"#,
            "startTime",
        ),
        ("get_recent_trades", r#"{"symbol":"BTC USDT"}"#, "symbol"),
        (
            "get_ticker",
            r#"{"symbol":"BTCUSDT","symbols":["ETHUSDT"]}"#,
            "symbols",
        ),
        ("get_server_time", r#"{"verbose":true}"#, "verbose"),
    ];
    for (tool, args, mentions) in cases {
        let e = call(&ex, tool, args).unwrap_err();
        assert_eq!(e.kind, ErrorKind::InvalidArgument, "{tool} {args}");
        assert!(
            e.message.contains(mentions) || e.recovery.contains(mentions),
            "{tool} {args}: {e}"
        );
    }
    assert!(ex.requests().is_empty());
}

#[test]
fn order_book_computes_exact_figures() {
    let ex = canned(
        r#"{"lastUpdateId":7,"bids":[["100.10000000","0.30000000"],["100.00000000","0.1"]],"asks":[["100.30000000","1.00000000"]]}"#,
    );
    let out = call(&ex, "get_order_book", r#"{"symbol":"btcusdt","limit":"5"}"#).unwrap();
    assert_eq!(out["bestBid"], "100.1");
    assert_eq!(out["spread"], "0.2");
    assert_eq!(out["midPrice"], "100.2");
    assert_eq!(out["bidTotalQty"], "0.4");
    assert_eq!(out["bids"][0][0], "100.1");
    let req = &ex.requests()[0];
    assert_eq!(
        req.params,
        vec![
            ("symbol".into(), "BTCUSDT".into()),
            ("limit".into(), "5".into())
        ]
    );
}

#[test]
fn long_lists_are_cut_with_a_marker() {
    let trades: Vec<String> = (0..1000)
        .map(|i| format!(r#"{{"id":{i},"price":"1.0","qty":"2","quoteQty":"2","time":{i},"isBuyerMaker":true,"isBestMatch":true}}"#))
        .collect();
    let ex = canned(&format!("[{}]", trades.join(",")));
    let out = call(
        &ex,
        "get_recent_trades",
        r#"{"symbol":"BTCUSDT","limit":1000}"#,
    )
    .unwrap();
    let listed = out["rows"].as_array().unwrap();
    assert_eq!(listed.len(), crate::history::TRADES_CAP);
    assert_eq!(out["columns"][0], "id");
    assert_eq!(listed.last().unwrap()[0], 999);
    assert_eq!(listed[0][1], "1970-01-01T00:00:00.500Z");
    assert_eq!(listed[0][2], "1");
    assert_eq!(out["truncated"]["available"], 1000);
    assert_eq!(out["truncated"]["kept"], "last");
}

#[test]
fn klines_are_rows_with_iso_open_times_and_a_page_cursor() {
    let candles: Vec<String> = (0..400i64)
        .map(|i| {
            let t = 1_700_000_000_000 + i * 60_000;
            format!(
                r#"[{t},"1.10","1.20","1.00","1.15","10.5",{},"12.0",{i},"5.0","6.0","0"]"#,
                t + 59_999
            )
        })
        .collect();
    let ex = canned(&format!("[{}]", candles.join(",")));
    let out = call(
        &ex,
        "get_klines",
        r#"{"symbol":"BTCUSDT","interval":"1m","startTime":"2023-11-14T22:13:20Z","limit":1000}"#,
    )
    .unwrap();
    assert_eq!(
        ex.requests()[0].params[2],
        ("startTime".into(), "1700000000000".into())
    );
    let rows = out["rows"].as_array().unwrap();
    assert_eq!(rows.len(), crate::history::KLINES_CAP);
    assert_eq!(
        rows[0],
        json!([
            "2023-11-14T22:13:20.000Z",
            "1.1",
            "1.2",
            "1",
            "1.15",
            "10.5",
            "12",
            0,
            "5"
        ])
    );
    assert_eq!(
        out["columns"].as_array().unwrap().len(),
        rows[0].as_array().unwrap().len()
    );
    assert_eq!(out["truncated"]["kept"], "first");
    // The cursor is the open time of the first candle not listed.
    assert_eq!(
        out["truncated"]["nextStartTime"],
        time::iso8601_ms(1_700_000_000_000 + 300 * 60_000)
    );
    let short = canned(r#"[[1,"1","1","1","1","1",2,"1",3,"1"]]"#);
    let e = call(
        &short,
        "get_klines",
        r#"{"symbol":"BTCUSDT","interval":"1m"}"#,
    )
    .unwrap_err();
    assert_eq!(e.kind, ErrorKind::ExchangeUnavailable, "{e}");
}

#[test]
fn garbage_from_the_exchange_is_an_error_not_a_panic() {
    for body in ["", "not json", "[]", r#"{"bids":5}"#, "null"] {
        let ex = canned(body);
        for tool in TOOLS {
            let args = match tool.name {
                "get_klines" => r#"{"symbol":"BTCUSDT","interval":"1m"}"#,
                "get_order_book" | "get_recent_trades" | "get_average_price" | "get_indicators" => {
                    r#"{"symbol":"BTCUSDT"}"#
                }
                _ => "{}",
            };
            // Some bodies are valid for some tools (e.g. [] trades); none may panic.
            if let Err(e) = call(&ex, tool.name, args) {
                assert!(!e.message.is_empty());
            }
        }
    }
}

#[test]
fn order_book_lists_at_most_the_cap_but_totals_every_level() {
    let side = |base: u32, sign: i64| {
        (0..600i64)
            .map(|i| format!(r#"["{}","1"]"#, base as i64 + sign * i))
            .collect::<Vec<_>>()
            .join(",")
    };
    let body = format!(
        r#"{{"lastUpdateId":1,"bids":[{}],"asks":[{}]}}"#,
        side(50_000, -1),
        side(50_001, 1)
    );
    let ex = canned(&body);
    let out = call(
        &ex,
        "get_order_book",
        r#"{"symbol":"BTCUSDT","limit":1000}"#,
    )
    .unwrap();
    assert_eq!(
        out["bids"].as_array().unwrap().len(),
        crate::book::LEVELS_CAP
    );
    assert_eq!(out["bidTotalQty"], "600");
    assert_eq!(out["levelsFetched"]["asks"], 600);
    assert_eq!(out["truncated"]["available"], 600);
    assert_eq!(out["bids"][0][0], "50000");
}

#[test]
fn all_tickers_keep_the_most_traded_first() {
    let fields = r#""priceChange":"0","priceChangePercent":"0","weightedAvgPrice":"1","prevClosePrice":"1","lastPrice":"1","lastQty":"1","bidPrice":"1","bidQty":"1","askPrice":"1","askQty":"1","openPrice":"1","highPrice":"1","lowPrice":"1","volume":"1","quoteVolume":"1","openTime":0,"closeTime":1,"firstId":0,"lastId":1"#;
    let rows: Vec<String> = (0..150)
        .map(|i| format!(r#"{{"symbol":"S{i}USDT",{fields},"count":{i}}}"#))
        .collect();
    let ex = canned(&format!("[{}]", rows.join(",")));
    let out = call(&ex, "get_ticker", "{}").unwrap();
    let tickers = out["rows"].as_array().unwrap();
    let cap = crate::tickers::TICKER_ALL_CAP;
    assert_eq!(tickers.len(), cap);
    assert_eq!(tickers[0][0], "S149USDT");
    assert_eq!(tickers[cap - 1][0], format!("S{}USDT", 150 - cap));
    assert_eq!(out["truncated"]["available"], 150);
    assert_eq!(out["asOf"], "1970-01-01T00:00:00.001Z");
}

#[test]
fn overflowing_figures_are_an_exchange_error_not_a_trap() {
    let huge = "79228162514264337593543950335";
    let body = format!(
        r#"{{"lastUpdateId":1,"bids":[["1","{huge}"],["1","{huge}"]],"asks":[["2","1"]]}}"#
    );
    let ex = canned(&body);
    let e = call(&ex, "get_order_book", r#"{"symbol":"BTCUSDT"}"#).unwrap_err();
    assert_eq!(e.kind, ErrorKind::ExchangeUnavailable);
}

#[test]
fn order_book_accepts_binances_whole_limit_range() {
    for limit in [1, 2, 4, 5000] {
        let ex = canned(r#"{"lastUpdateId":7,"bids":[["100.1","0.3"]],"asks":[["100.3","1"]]}"#);
        let args = format!(r#"{{"symbol":"BTCUSDT","limit":{limit}}}"#);
        let out = call(&ex, "get_order_book", &args).unwrap();
        assert_eq!(out["bestBid"], "100.1", "{limit}");
        assert_eq!(
            ex.requests()[0].params,
            vec![
                ("symbol".into(), "BTCUSDT".into()),
                ("limit".into(), limit.to_string())
            ]
        );
    }
    let book = TOOLS.iter().find(|t| t.name == "get_order_book").unwrap();
    let limit = &(book.input_schema)()["properties"]["limit"];
    assert_eq!(
        (limit["minimum"].clone(), limit["maximum"].clone()),
        (1.into(), 5000.into())
    );
    let e = call(
        &canned("{}"),
        "get_order_book",
        r#"{"symbol":"BTCUSDT","limit":0}"#,
    )
    .unwrap_err();
    assert!(e.message.contains("between 1 and 5000"), "{e}");
    assert!(book.description.contains("1-5000"));
}
