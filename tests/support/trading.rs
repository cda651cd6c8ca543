//! Helpers for the trading tests: a policy with a `[trading]` section, a
//! keyed server with its own state directory, orders counted in the
//! simulator.

use super::{command, std_command, write_policy};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};

/// A fresh state directory (journal, halt marker) for one test.
pub fn state(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("trading-state-{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The testnet preset's plugins with this `[trading]` section.
pub fn trading_policy(name: &str, trading: &str) -> PathBuf {
    let text = format!(
        "[plugins.market]\ngrants = [\"market-data\"]\n\
         [plugins.account]\ngrants = [\"market-data\", \"account-read\"]\n\
         [plugins.trading]\ngrants = [\"spot-trade\"]\n\
         [trading]\nmode = \"testnet\"\n{trading}\n"
    );
    write_policy(&format!("trading-{name}.toml"), &text)
}

/// The keys, `--policy` and `--state-dir` on `cmd`.
fn with_keys(cmd: &mut std::process::Command, policy: &Path, state: &Path) {
    cmd.env("BINANCE_API_KEY", binance_sim::SIM_API_KEY)
        .env("BINANCE_SECRET_KEY", binance_sim::SIM_SECRET_KEY)
        .arg("--policy")
        .arg(policy)
        .arg("--state-dir")
        .arg(state);
}

/// The server against `sim`, with keys, `policy` and `state`.
pub fn keyed(sim: &binance_sim::Simulator, policy: &Path, state: &Path) -> tokio::process::Command {
    let mut cmd = command(&sim.spot_url(), &sim.futures_url());
    with_keys(cmd.as_std_mut(), policy, state);
    cmd
}

/// The binary as a one-shot CLI with keys, `policy` and `state`, talking to
/// `spot_url` (the simulator, or a URL the command must not reach).
pub fn cli(spot_url: &str, policy: &Path, state: &Path) -> std::process::Command {
    let mut cmd = std_command(spot_url);
    with_keys(&mut cmd, policy, state);
    cmd
}

pub fn orders(sim: &binance_sim::Simulator) -> u64 {
    sim.state().orders_received()
}

pub fn limit(symbol: &str, qty: &str, price: &str) -> Value {
    json!({"symbol": symbol, "side": "BUY", "type": "LIMIT", "quantity": qty, "price": price})
}
