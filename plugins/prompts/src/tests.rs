//! The prompts and resources against canned exchange answers.

use super::*;
use binance_mcp_plugin::content::{Body, ContentBlock};
use binance_mcp_plugin::testing::CannedExchange;
use binance_mcp_plugin::ErrorKind;

fn klines(n: usize) -> String {
    let rows: Vec<String> = (0..n)
        .map(|i| {
            let c = 100 + (i % 7) as i64 - 3;
            format!(
                r#"[{},"{}.00","{}.50","{}.50","{}.25","10.5",{},"1000.0",5,"1","1","0"]"#,
                1_700_000_000_000i64 + i as i64 * 3_600_000,
                c,
                c + 1,
                c - 1,
                c,
                1_700_000_000_000i64 + i as i64 * 3_600_000 + 3_599_999
            )
        })
        .collect();
    format!("[{}]", rows.join(","))
}

fn market() -> CannedExchange {
    let k = klines(100);
    CannedExchange::new(&[
        (
            "/api/v3/ticker/24hr",
            r#"{"symbol":"BTCUSDT","lastPrice":"100.25000000","priceChange":"-1.50000000","priceChangePercent":"-1.474","highPrice":"104.00","lowPrice":"96.50","volume":"1234.5","quoteVolume":"123450.00","count":777,"closeTime":1700360000000}"#,
        ),
        (
            "/api/v3/ticker/bookTicker",
            r#"{"symbol":"BTCUSDT","bidPrice":"100.20","bidQty":"1.5","askPrice":"100.30","askQty":"2"}"#,
        ),
        ("/api/v3/klines", &k),
    ])
}

fn text(p: &RenderedPrompt) -> String {
    p.messages
        .iter()
        .map(|m| match &m.content {
            ContentBlock::Text(t) => t.clone(),
            ContentBlock::Resource(r) => match &r.body {
                Body::Text(t) => t.clone(),
                Body::Blob(_) => String::new(),
            },
            ContentBlock::Image(_) => String::new(),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn args(p: &[(&str, &str)]) -> Vec<(String, String)> {
    p.iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[test]
fn trading_analysis_embeds_the_day_the_book_and_indicators() {
    let ex = market();
    let p = Prompts::get_prompt(
        &ex,
        "trading_analysis",
        &args(&[("symbol", "btcusdt"), ("strategy", "conservative")]),
    )
    .unwrap();
    let t = text(&p);
    assert!(t.contains("| Last price | 100.25 |"), "{t}");
    assert!(t.contains("-1.474%"), "{t}");
    assert!(t.contains("100.2 (1.5) / 100.3 (2)"), "{t}");
    assert!(t.contains("9.98 bps"), "{t}");
    for label in [
        "SMA(20)",
        "SMA(50)",
        "RSI(14)",
        "MACD(12,26,9)",
        "BB(20,2)",
        "ATR(14)",
    ] {
        assert!(t.contains(label), "{label} missing: {t}");
    }
    assert!(t.contains("Conservative:"), "{t}");
    assert!(p.description.contains("conservative strategy, medium risk"));
    let bad = Prompts::get_prompt(
        &ex,
        "trading_analysis",
        &args(&[("symbol", "BTCUSDT"), ("strategy", "yolo")]),
    )
    .unwrap_err();
    assert_eq!(bad.kind, ErrorKind::InvalidArgument);
    assert!(bad.recovery.contains("aggressive"), "{bad:?}");
}

#[test]
fn the_market_resource_reads_one_symbol() {
    let ex = market();
    let req = ResourceRequest {
        uri: "binance://market/BTCUSDT".into(),
        matched: "binance://market/{symbol}".into(),
        parameters: vec![("symbol".into(), "BTCUSDT".into())],
    };
    let c = Prompts::read_resource(&ex, &req).unwrap();
    assert_eq!(c[0].uri, req.uri);
    assert_eq!(c[0].mime_type, "text/markdown");
    let Body::Text(md) = &c[0].body else { panic!() };
    assert!(md.starts_with("# BTCUSDT market"), "{md}");
    assert!(md.contains("| 24 h high / low | 104 / 96.5 |"), "{md}");
}

#[test]
fn portfolio_risk_without_keys_says_what_to_configure() {
    let mut ex = market();
    ex.fail(
        "/api/v3/account",
        ToolError::new(ErrorKind::Authentication, "no keys", "set BINANCE_API_KEY"),
    );
    let p = Prompts::get_prompt(&ex, "portfolio_risk", &[]).unwrap();
    let t = text(&p);
    assert!(t.contains("BINANCE_API_KEY and BINANCE_SECRET_KEY"), "{t}");
    assert!(t.contains("--sim"), "{t}");
}

#[test]
fn portfolio_risk_values_and_measures_exposure() {
    let ex = CannedExchange::new(&[
        (
            "/api/v3/account",
            r#"{"balances":[{"asset":"BTC","free":"1","locked":"0"},{"asset":"USDT","free":"500","locked":"100"},{"asset":"XYZ","free":"3","locked":"0"}]}"#,
        ),
        (
            "/api/v3/ticker/price",
            r#"[{"symbol":"BTCUSDT","price":"1400.00"}]"#,
        ),
        (
            "/api/v3/openOrders",
            r#"[{"symbol":"BTCUSDT","side":"BUY","type":"LIMIT","price":"1000.00","origQty":"0.1","executedQty":"0","status":"NEW","time":1700000000000,"orderId":7}]"#,
        ),
    ]);
    let p = Prompts::get_prompt(&ex, "portfolio_risk", &[]).unwrap();
    assert_eq!(p.messages.len(), 2);
    let ContentBlock::Resource(r) = &p.messages[0].content else {
        panic!()
    };
    assert_eq!(r.uri, "binance://account/balances");
    let t = text(&p);
    assert!(t.contains("Total value: 2000 USDT"), "{t}");
    assert!(t.contains("| BTC | 1400 | 70% |"), "{t}");
    assert!(t.contains("Stablecoins (cash): 30%"), "{t}");
    assert!(t.contains("| XYZ | 3 | 0 | 3 | no USDT market |"), "{t}");
    assert!(t.contains("Open orders: 1"), "{t}");
    assert!(t.contains("| BTCUSDT | BUY | LIMIT | 1000 | 0.1 |"), "{t}");
}

#[test]
fn completion_offers_trading_symbols_and_fixed_values() {
    let ex = CannedExchange::one(
        "/api/v3/exchangeInfo",
        r#"{"symbols":[{"symbol":"BTCUSDT","filters":[]},{"symbol":"ETHBTC"},{"symbol":"BTCFDUSD"}]}"#,
    );
    let req = |target, argument: &str, value: &str| CompletionRequest {
        target,
        argument: argument.into(),
        value: value.into(),
        context: vec![],
    };
    let c = Prompts::complete(
        &ex,
        &req(
            CompletionRef::Prompt("trading_analysis".into()),
            "symbol",
            "btc",
        ),
    )
    .unwrap();
    assert_eq!(c.values, vec!["BTCUSDT", "BTCFDUSD"]);
    let c = Prompts::complete(
        &ex,
        &req(
            CompletionRef::Resource("binance://market/{symbol}".into()),
            "symbol",
            "E",
        ),
    )
    .unwrap();
    assert_eq!(c.values, vec!["ETHBTC"]);
    let c = Prompts::complete(
        &ex,
        &req(
            CompletionRef::Prompt("trading_analysis".into()),
            "strategy",
            "",
        ),
    )
    .unwrap();
    assert_eq!(c.values, vec!["aggressive", "balanced", "conservative"]);
}

#[test]
fn the_manifest_declares_three_prompts_and_three_resources() {
    let m = Prompts::manifest();
    assert!(m.tools.is_empty());
    let names: Vec<&str> = m.prompts.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(
        names,
        ["trading_analysis", "portfolio_risk", "market_health_check"]
    );
    assert_eq!(m.resources.len(), 3);
    assert_eq!(
        m.resources[0].updates,
        binance_mcp_plugin::Updates::LivePrice
    );
}
