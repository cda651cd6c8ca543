//! Tool-call latency over the whole path, per tool: an MCP client (a raw
//! JSON-RPC client over stdio, no SDK overhead) → the real release binary →
//! the simulator on loopback and back, measured in the same run against the
//! floor: the same HTTP request made directly to the simulator by this
//! benchmark. Both are timed from sending to the answer's last byte, neither
//! including the client's parse of it. Also the first call after start
//! against a warm call, and calls answered from a live order book (no
//! request at all: the whole cost is the path through the host).
//!
//! `cargo bench -p binance-mcp --bench latency`
//!
//! The host's spot weight budget is Binance's (6000/min): the benchmark
//! paces itself and waits for the next minute instead of being held.

mod support;

use binance_mcp::exchange::signing::Signer;
use binance_mcp::secret::Secret;
use binance_sim::{SIM_API_KEY, SIM_SECRET_KEY};
use serde_json::{json, Value};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use support::raw::{tool_body, Raw};
use support::{millis as ms, percentile as pct};

/// One case: the tool and its arguments, the request the plugin makes, its
/// weight, and how many samples.
struct Case {
    label: &'static str,
    tool: &'static str,
    args: Value,
    path: &'static str,
    query: &'static str,
    signed: bool,
    /// A second, unsigned request the tool makes after the first (path,
    /// query): part of the floor too.
    then: Option<(&'static str, &'static str)>,
    weight: u32,
    samples: usize,
}

fn cases() -> Vec<Case> {
    let case = |label, tool, args, path, query, weight, samples| Case {
        label,
        tool,
        args,
        path,
        query,
        signed: false,
        then: None,
        weight,
        samples,
    };
    vec![
        case(
            "server time",
            "get_server_time",
            json!({}),
            "/api/v3/time",
            "",
            1,
            200,
        ),
        case(
            "ticker price",
            "get_ticker_price",
            json!({"symbol":"BTCUSDT"}),
            "/api/v3/ticker/price",
            "symbol=BTCUSDT",
            2,
            200,
        ),
        case(
            "book 10",
            "get_order_book",
            json!({"symbol":"BTCUSDT","limit":10}),
            "/api/v3/depth",
            "symbol=BTCUSDT&limit=10",
            5,
            200,
        ),
        case(
            "book 100",
            "get_order_book",
            json!({"symbol":"BTCUSDT","limit":100}),
            "/api/v3/depth",
            "symbol=BTCUSDT&limit=100",
            5,
            200,
        ),
        case(
            "book 1000",
            "get_order_book",
            json!({"symbol":"BTCUSDT","limit":1000}),
            "/api/v3/depth",
            "symbol=BTCUSDT&limit=1000",
            50,
            50,
        ),
        case(
            "trades 100",
            "get_recent_trades",
            json!({"symbol":"BTCUSDT","limit":100}),
            "/api/v3/trades",
            "symbol=BTCUSDT&limit=100",
            25,
            80,
        ),
        case(
            "klines 100",
            "get_klines",
            json!({"symbol":"BTCUSDT","interval":"1h","limit":100}),
            "/api/v3/klines",
            "symbol=BTCUSDT&interval=1h&limit=100",
            2,
            200,
        ),
        // The account, then every last price to value it in USDT.
        Case {
            signed: true,
            then: Some(("/api/v3/ticker/price", "")),
            ..case(
                "account info",
                "get_account_info",
                json!({}),
                "/api/v3/account",
                "omitZeroBalances=true",
                24,
                100,
            )
        },
    ]
}

/// Fresh processes timed for the first call after start.
const FRESH: usize = 10;

fn epoch_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}

/// Keeps this benchmark's own weight within the minute's budget.
struct Pace {
    minute: u64,
    used: u32,
}

impl Pace {
    async fn reserve(&mut self, weight: u32) {
        let minute = epoch_ms() / 60_000;
        if minute != self.minute {
            self.minute = minute;
            self.used = 0;
        }
        if self.used + weight > 5500 {
            let wait = 60_000 - epoch_ms() % 60_000 + 1500;
            tokio::time::sleep(Duration::from_millis(wait)).await;
            self.minute = epoch_ms() / 60_000;
            self.used = 0;
        }
        self.used += weight;
    }
}

fn command(sim: &binance_sim::Simulator) -> tokio::process::Command {
    let mut cmd = support::command(sim);
    cmd.env("BINANCE_API_KEY", SIM_API_KEY)
        .env("BINANCE_SECRET_KEY", SIM_SECRET_KEY)
        .env(
            "BINANCE_MCP_CACHE_DIR",
            std::env::temp_dir().join("binance-mcp-bench-cache"),
        );
    cmd
}

/// The floor: the plugin's request, made directly.
async fn direct(http: &reqwest::Client, base: &str, case: &Case, signer: &Signer) -> Duration {
    let mut query = case.query.to_string();
    if case.signed {
        query.push_str(&format!("&timestamp={}&recvWindow=5000", epoch_ms()));
        let signature = signer.sign(&query);
        query.push_str(&format!("&signature={signature}"));
    }
    let url = if query.is_empty() {
        format!("{base}{}", case.path)
    } else {
        format!("{base}{}?{query}", case.path)
    };
    let t = Instant::now();
    let mut req = http.get(url);
    if case.signed {
        req = req.header("X-MBX-APIKEY", SIM_API_KEY);
    }
    let resp = req.send().await.expect("simulator answers");
    assert!(resp.status().is_success(), "{}", resp.status());
    let _ = resp.bytes().await.expect("body");
    if let Some((path, query)) = case.then {
        let sep = if query.is_empty() { "" } else { "?" };
        let resp = http
            .get(format!("{base}{path}{sep}{query}"))
            .send()
            .await
            .expect("simulator answers");
        assert!(resp.status().is_success(), "{}", resp.status());
        let _ = resp.bytes().await.expect("body");
    }
    t.elapsed()
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    if std::env::args().any(|a| a == "--list") {
        return; // `cargo test --benches` probes benches with --list
    }
    let _ = rustls::crypto::ring::default_provider().install_default();
    let sim = binance_sim::Simulator::start(binance_sim::SimConfig {
        seed: 7,
        ..Default::default()
    })
    .await
    .expect("simulator");
    sim.set_weight_limit(u32::MAX); // the floor's requests must not limit the host's
    let http = reqwest::Client::builder().build().expect("client");
    let signer = Signer::Hmac(Secret::from_untrimmed(SIM_SECRET_KEY.to_string()));
    let mut pace = Pace { minute: 0, used: 0 };

    // First call after start, in fresh processes (compiled-plugin cache warm).
    let mut first = Vec::new();
    for _ in 0..FRESH + 1 {
        let mut raw = Raw::initialized(command(&sim)).await;
        pace.reserve(2).await;
        let t = Instant::now();
        raw.call(1, "get_ticker_price", json!({"symbol":"BTCUSDT"}))
            .await;
        let line = raw.line_within(Duration::from_secs(30)).await;
        first.push(t.elapsed());
        let m: Value = serde_json::from_str(&line.expect("an answer")).expect("JSON-RPC");
        let (is_error, body) = tool_body(&m);
        assert!(!is_error, "{body}");
        raw.finish(Duration::from_secs(10)).await;
    }
    first.remove(0); // the first process may fill the cache
    first.sort();

    let mut raw = Raw::initialized(command(&sim)).await;
    let mut id = 10;
    println!("| tool | floor p50 | ours p50 | ours p99 | overhead p50 | ratio |");
    println!("|---|---|---|---|---|---|");
    let mut warm_ticker = Duration::ZERO;
    for case in cases() {
        let (mut floor, mut ours) = (Vec::new(), Vec::new());
        for i in 0..case.samples + 5 {
            // The floor's requests count too: the simulator reports both.
            pace.reserve(case.weight * 2).await;
            let f = direct(&http, &sim.spot_url(), &case, &signer).await;
            id += 1;
            // Both sides are timed to the answer's last byte; neither
            // includes the client parsing it.
            let t = Instant::now();
            raw.call(id, case.tool, case.args.clone()).await;
            let line = raw
                .line_within(Duration::from_secs(30))
                .await
                .expect("an answer");
            let o = t.elapsed();
            let m: Value = serde_json::from_str(&line).expect("JSON-RPC");
            assert_eq!(m["id"], id, "the answer, not a notification");
            let (is_error, body) = tool_body(&m);
            assert!(!is_error, "{} failed: {body}", case.label);
            if i >= 5 {
                floor.push(f);
                ours.push(o);
            }
        }
        floor.sort();
        ours.sort();
        let (f50, o50, o99) = (pct(&floor, 0.5), pct(&ours, 0.5), pct(&ours, 0.99));
        if case.tool == "get_ticker_price" {
            warm_ticker = o50;
        }
        println!(
            "| {} | {:.2} ms | {:.2} ms | {:.2} ms | +{:.2} ms | {:.2} |",
            case.label,
            ms(f50),
            ms(o50),
            ms(o99),
            ms(o50.saturating_sub(f50)),
            o50.as_secs_f64() / f50.as_secs_f64()
        );
    }
    println!(
        "first call after start (get_ticker_price, {FRESH} fresh processes): median {:.2} ms, max {:.2} ms; warm p50 {:.2} ms; ratio {:.2}",
        ms(pct(&first, 0.5)),
        ms(*first.last().unwrap()),
        ms(warm_ticker),
        pct(&first, 0.5).as_secs_f64() / warm_ticker.as_secs_f64()
    );
    live(&mut raw, &sim, &mut id).await;
    computed(&mut raw, &mut id).await;
    raw.finish(Duration::from_secs(10)).await;
}

/// Answers computed in the sandbox from candles (indicators, a chart, a
/// prompt that embeds both): the whole MCP call, p50/p99 over 60 calls each
/// (the exchange's part is one or a few loopback requests).
async fn computed(raw: &mut Raw, id: &mut i64) {
    let cases = [
        (
            "get_indicators (200 candles, RSI MACD BB)",
            "tools/call",
            json!({"name":"get_indicators","arguments":{"symbol":"BTCUSDT","limit":200}}),
        ),
        (
            "get_chart (200 candles, 1000x600, SMA 20/50, volume)",
            "tools/call",
            json!({"name":"get_chart","arguments":{"symbol":"BTCUSDT","limit":200}}),
        ),
        (
            "prompts/get trading_analysis",
            "prompts/get",
            json!({"name":"trading_analysis","arguments":{"symbol":"BTCUSDT"}}),
        ),
        (
            "resources/read binance://market/BTCUSDT",
            "resources/read",
            json!({"uri":"binance://market/BTCUSDT"}),
        ),
    ];
    println!("| computed | p50 | p99 | answer bytes |");
    println!("|---|---|---|---|");
    for (label, method, params) in cases {
        let mut times = Vec::new();
        let mut bytes = 0;
        for i in 0..65 {
            *id += 1;
            let t = Instant::now();
            raw.send(&json!({"jsonrpc":"2.0","id":*id,"method":method,"params":params}))
                .await;
            let line = raw
                .line_within(Duration::from_secs(30))
                .await
                .expect("an answer");
            let took = t.elapsed();
            let m: Value = serde_json::from_str(&line).expect("JSON-RPC");
            assert!(m.get("error").is_none(), "{label}: {m}");
            assert_ne!(m["result"]["isError"], true, "{label}: {m}");
            if i >= 5 {
                times.push(took);
            }
            bytes = line.len();
        }
        times.sort();
        println!(
            "| {label} | {:.2} ms | {:.2} ms | {bytes} |",
            ms(pct(&times, 0.5)),
            ms(pct(&times, 0.99))
        );
    }
}

/// Calls answered from BTCUSDT's live book (and its last trade): the whole
/// MCP call with no exchange request, p50/p99 over 500 calls each.
async fn live(raw: &mut Raw, sim: &binance_sim::Simulator, id: &mut i64) {
    let cases = [
        (
            "metrics (live)",
            "get_orderbook_metrics",
            json!({"symbol":"BTCUSDT"}),
        ),
        (
            "depth 20 (live)",
            "get_orderbook_depth",
            json!({"symbol":"BTCUSDT","levels":20}),
        ),
        (
            "book 100 (live)",
            "get_order_book",
            json!({"symbol":"BTCUSDT","limit":100}),
        ),
        (
            "book ticker (live)",
            "get_book_ticker",
            json!({"symbol":"BTCUSDT"}),
        ),
        (
            "ticker price (live)",
            "get_ticker_price",
            json!({"symbol":"BTCUSDT"}),
        ),
    ];
    // Watch the symbol, and print a trade so the last price is in memory.
    let mut call = async |tool: &str, args: Value| -> Value {
        *id += 1;
        raw.call(*id, tool, args).await;
        let line = raw
            .line_within(Duration::from_secs(30))
            .await
            .expect("an answer");
        let m: Value = serde_json::from_str(&line).expect("JSON-RPC");
        let (is_error, body) = tool_body(&m);
        assert!(!is_error, "{tool} failed: {body}");
        body
    };
    call("get_orderbook_metrics", json!({"symbol":"BTCUSDT"})).await;
    let bid = sim.state().live_market("BTCUSDT").expect("listed").bids[0].0;
    sim.state().set_price("BTCUSDT", bid);
    let end = Instant::now() + Duration::from_secs(10);
    while call("get_ticker_price", json!({"symbol":"BTCUSDT"})).await["source"] != "live" {
        assert!(Instant::now() < end, "the trade never reached the host");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    println!("| live tool | p50 | p99 | answer bytes |");
    println!("|---|---|---|---|");
    for (label, tool, args) in cases {
        let mut times = Vec::new();
        let mut bytes = 0;
        for i in 0..520 {
            let t = Instant::now();
            let body = call(tool, args.clone()).await;
            let took = t.elapsed();
            assert_eq!(body["source"], "live", "{label}: {body}");
            if i >= 20 {
                times.push(took);
            }
            bytes = body.to_string().len();
        }
        times.sort();
        println!(
            "| {label} | {:.3} ms | {:.3} ms | {bytes} |",
            ms(pct(&times, 0.5)),
            ms(pct(&times, 0.99))
        );
    }
}
