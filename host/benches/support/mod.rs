//! Shared by the end-to-end benchmarks (`load`, `latency`): the raw
//! JSON-RPC client from the integration tests, the binary's command against
//! a simulator, and percentiles.
#![allow(dead_code)]

#[path = "../../../tests/support/raw.rs"]
pub mod raw;

use std::time::Duration;

/// The release binary with a clean environment pointed at `sim`.
pub fn command(sim: &binance_sim::Simulator) -> tokio::process::Command {
    let mut cmd = tokio::process::Command::new(env!("CARGO_BIN_EXE_binance-mcp"));
    cmd.env_clear()
        .env("RUST_LOG", "warn")
        .env("BINANCE_BASE_URL", sim.spot_url())
        .env("BINANCE_FUTURES_BASE_URL", sim.futures_url())
        .env("BINANCE_WS_URL", sim.ws_url())
        .env("BINANCE_FUTURES_WS_URL", sim.ws_url());
    cmd
}

/// The `p` quantile (0–1) of sorted samples.
pub fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

/// Milliseconds, for printing.
pub fn millis(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}
