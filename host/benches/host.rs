//! Host benchmarks, side by side in one run:
//!
//! (a) `call_overhead`: one tool call through the WASM host — fresh instance
//!     from the `InstancePre`, JSON arguments in, the plugin's handler, JSON
//!     out and its validation — against the same handler called natively.
//!     The exchange's answer is excluded: both paths get the same canned
//!     body instantly (the host path still runs catalogue, grant, parameter
//!     and body checks). Overhead = WASM median − native median.
//! (b) `cold_start`: `binance-mcp serve --exchange sim` from spawn to the
//!     answer of `tools/list`, with a warm compiled-plugin cache and with
//!     `--no-cache`.
//!
//! (c) `rate_limiter`: the time the rate limiter adds per request far from
//!     the limit.
//!
//! Run: `cargo bench -p binance-mcp --bench host`.

use binance_mcp::exchange::{ExchangeService, Gateway, HttpRequest, HttpResponse, TransportError};
use binance_mcp::runtime::engine::Limits;
use binance_mcp::runtime::{PluginHost, PluginSet};
use binance_mcp_plugin::{Exchange, Plugin, Request, Response, ToolError};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, SamplingMode};
use std::hint::black_box;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

/// The cases: a tiny answer, a 100-level order book, 100 trades and 100
/// candles (Binance's wire format, 8-decimal strings).
fn cases() -> Vec<(&'static str, &'static str, String)> {
    let levels = |start: u32, step: i32| {
        (0..100)
            .map(|i| {
                format!(
                    r#"["{}.{:02}000000","0.{:05}000"]"#,
                    (start as i32 + step * i) as u32,
                    i % 100,
                    1000 + i
                )
            })
            .collect::<Vec<_>>()
            .join(",")
    };
    vec![
        (
            "get_ticker_price",
            r#"{"symbol":"BTCUSDT"}"#,
            r#"{"symbol":"BTCUSDT","price":"65000.01000000"}"#.to_string(),
        ),
        (
            "get_order_book",
            r#"{"symbol":"BTCUSDT","limit":100}"#,
            format!(
                r#"{{"lastUpdateId":1027024,"bids":[{}],"asks":[{}]}}"#,
                levels(65000, -1),
                levels(65001, 1)
            ),
        ),
        (
            "get_recent_trades",
            r#"{"symbol":"BTCUSDT","limit":100}"#,
            format!(
                "[{}]",
                (0..100)
                    .map(|i| format!(
                        r#"{{"id":{},"price":"65000.{:02}000000","qty":"0.{:05}000","quoteQty":"{}.12345000","time":{},"isBuyerMaker":{},"isBestMatch":true}}"#,
                        240_740_000 + i,
                        i % 100,
                        1000 + i,
                        650 + i,
                        1_796_155_367_594i64 + i as i64 * 517,
                        i % 2 == 0
                    ))
                    .collect::<Vec<_>>()
                    .join(",")
            ),
        ),
        (
            "get_klines",
            r#"{"symbol":"BTCUSDT","interval":"1m","limit":100}"#,
            format!(
                "[{}]",
                (0..100i64)
                    .map(|i| {
                        let t = 1_796_155_320_000 + i * 60_000;
                        format!(
                            r#"[{t},"65000.{i:02}000000","65100.00000000","64900.50000000","65050.{i:02}000000","12.34567000",{},"803123.45678900",{},"6.17283500","401561.72839450","0"]"#,
                            t + 59_999,
                            1000 + i
                        )
                    })
                    .collect::<Vec<_>>()
                    .join(",")
            ),
        ),
    ]
}

/// Host side: every request answered with `body` at once.
struct CannedGateway(String);

impl Gateway for CannedGateway {
    fn send(&self, _: &HttpRequest) -> Result<HttpResponse, TransportError> {
        Ok(HttpResponse {
            status: 200,
            body: self.0.clone(),
            used_weight_1m: Some(1),
            ..HttpResponse::default()
        })
    }
}

/// Native side: the same answer through the SDK's `Exchange` trait.
struct CannedExchange(String);

impl Exchange for CannedExchange {
    fn send(&self, _: &Request) -> Result<Response, ToolError> {
        Ok(Response {
            status: 200,
            body: self.0.clone(),
            used_weight_1m: Some(1),
        })
    }
}

fn call_overhead(c: &mut Criterion) {
    let mut group = c.benchmark_group("call_overhead");
    for (tool, args, body) in cases() {
        let service = ExchangeService::with(
            Arc::new(CannedGateway(body.clone())),
            None,
            5000,
            // Millions of iterations: a limiter that never holds, so the
            // figure is the call path, not a minute's wait.
            binance_mcp::exchange::ratelimit::RateLimiter::new(u32::MAX, u32::MAX),
        );
        let host =
            PluginHost::new(service, Limits::default(), PluginSet::builtin()).expect("engine");
        host.apply(binance_mcp::policy::Policy::built_in())
            .expect("load the built-in plugins");
        group.bench_function(BenchmarkId::new("wasm", tool), |b| {
            b.iter(|| {
                let out = host
                    .call(
                        black_box(tool),
                        black_box(args),
                        std::time::Instant::now() + Duration::from_secs(30),
                        None,
                        None,
                    )
                    .unwrap()
                    .unwrap();
                black_box(out.text)
            })
        });
        let exchange = CannedExchange(body);
        group.bench_function(BenchmarkId::new("native", tool), |b| {
            b.iter(|| {
                let out =
                    market::Market::call_tool(&exchange, black_box(tool), black_box(args)).unwrap();
                black_box(out.into_string())
            })
        });
    }
    group.finish();
}

/// Spawn `serve`, initialize, list tools, and wait for the answer.
fn serve_to_tools_list(cache: Option<&Path>) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_binance-mcp"));
    cmd.args(["serve", "--exchange", "sim"])
        .env("RUST_LOG", "error");
    match cache {
        Some(dir) => cmd.arg("--cache-dir").arg(dir),
        None => cmd.arg("--no-cache"),
    };
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn");
    let mut stdin = child.stdin.take().unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let msgs = concat!(
        r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"bench","version":"1"}}}"#,
        "\n",
        r#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#,
        "\n",
        r#"{"jsonrpc":"2.0","id":2,"method":"tools/list"}"#,
        "\n"
    );
    stdin.write_all(msgs.as_bytes()).unwrap();
    let mut line = String::new();
    loop {
        line.clear();
        assert!(out.read_line(&mut line).unwrap() > 0, "serve exited early");
        if line.contains(r#""id":2"#) {
            break;
        }
    }
    assert!(line.contains("get_order_book"), "{line}");
    drop(stdin);
    let _ = child.wait();
}

fn cold_start(c: &mut Criterion) {
    let cache = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("bench-component-cache");
    serve_to_tools_list(Some(&cache)); // warm the cache
    let mut group = c.benchmark_group("cold_start");
    group
        .sampling_mode(SamplingMode::Flat)
        .sample_size(20)
        .measurement_time(Duration::from_secs(10));
    group.bench_function("serve_to_tools_list/cached", |b| {
        b.iter(|| serve_to_tools_list(Some(&cache)))
    });
    group.bench_function("serve_to_tools_list/no_cache", |b| {
        b.iter(|| serve_to_tools_list(None))
    });
    group.finish();
}

/// (c) `rate_limiter`: what the limiter adds to one request far from the
/// limit — `acquire` before sending and `observe` of the answer's headers.
fn rate_limiter(c: &mut Criterion) {
    use binance_mcp::exchange::ratelimit::{Budget, Observed, RateLimiter};
    let limiter = RateLimiter::new(u32::MAX, u32::MAX);
    let mut group = c.benchmark_group("rate_limiter");
    group.bench_function("acquire_and_observe", |b| {
        b.iter(|| {
            let r = limiter
                .acquire(Budget::Spot, black_box(2), false, Duration::ZERO)
                .unwrap();
            limiter.observe(
                r,
                Observed {
                    status: 200,
                    used_weight_1m: black_box(Some(2)),
                    ..Observed::default()
                },
            );
        })
    });
    group.finish();
}

criterion_group!(benches, call_overhead, cold_start, rate_limiter);
criterion_main!(benches);
