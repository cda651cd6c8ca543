//! Load figures through the real (release) binary over stdio against the
//! simulator on loopback, with a raw JSON-RPC client (no SDK overhead):
//! 64 concurrent calls (answers, errors, p50/p99) and 2000 sequential calls
//! (p50/p99, server RSS before and after).
//!
//! `cargo bench -p binance-mcp --bench load`

mod support;

use serde_json::json;
use std::collections::HashMap;
use std::time::{Duration, Instant};
use support::raw::{tool_body, Raw};
use support::{millis, percentile};

fn ms(d: Duration) -> String {
    format!("{:.2} ms", millis(d))
}

fn command(sim: &binance_sim::Simulator) -> tokio::process::Command {
    let mut cmd = support::command(sim);
    cmd.arg("--no-cache");
    cmd
}

async fn concurrent(raw: &mut Raw, n: i64, first_id: i64) -> (usize, usize, Vec<Duration>) {
    let mut sent = HashMap::new();
    for i in 0..n {
        let id = first_id + i;
        let (tool, args) = if i % 2 == 0 {
            ("get_ticker_price", json!({"symbol":"BTCUSDT"}))
        } else {
            ("get_order_book", json!({"symbol":"BTCUSDT","limit":100}))
        };
        sent.insert(id, Instant::now());
        raw.call(id, tool, args).await;
    }
    let (mut answers, mut errors, mut latencies) = (0, 0, Vec::new());
    while answers < n as usize {
        let m = raw.next().await;
        let Some(id) = m["id"].as_i64() else { continue };
        if let Some(t) = sent.remove(&id) {
            latencies.push(t.elapsed());
            answers += 1;
            if tool_body(&m).0 {
                errors += 1;
            }
        }
    }
    latencies.sort();
    (answers, errors, latencies)
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    if std::env::args().any(|a| a == "--list") {
        return; // `cargo test --benches` probes benches with --list
    }
    let sim = binance_sim::Simulator::start(binance_sim::SimConfig {
        seed: 7,
        ..Default::default()
    })
    .await
    .expect("simulator");
    let mut raw = Raw::initialized(command(&sim)).await;
    for id in 1..=20 {
        raw.call(id, "get_ticker_price", json!({"symbol":"BTCUSDT"}))
            .await;
        raw.response(id).await;
    }
    let (answers, errors, lat) = concurrent(&mut raw, 64, 100).await;
    println!(
        "64 concurrent (ticker price / book 100): {answers} answers, {errors} errors; p50 {}, p99 {}, max {}",
        ms(percentile(&lat, 0.5)),
        ms(percentile(&lat, 0.99)),
        ms(*lat.last().unwrap())
    );
    let (rss_before, _) = raw.memory_kb();
    let mut lat = Vec::with_capacity(2000);
    let mut errors = 0;
    for i in 0..2000 {
        let id = 1000 + i;
        let t = Instant::now();
        raw.call(id, "get_ticker_price", json!({"symbol":"BTCUSDT"}))
            .await;
        let m = raw.response(id).await;
        lat.push(t.elapsed());
        if tool_body(&m).0 {
            errors += 1;
        }
    }
    lat.sort();
    let (rss_after, peak) = raw.memory_kb();
    println!(
        "2000 sequential get_ticker_price: {errors} errors; p50 {}, p99 {}; server RSS {} kB before, {} kB after (peak {} kB)",
        ms(percentile(&lat, 0.5)),
        ms(percentile(&lat, 0.99)),
        rss_before,
        rss_after,
        peak
    );
    let stats = sim.state().stats();
    println!(
        "simulator: {} requests, {} HTTP 429, {} HTTP 418",
        stats.requests, stats.status_429, stats.status_418
    );
    raw.finish(Duration::from_secs(10)).await;
}
