//! The simulator's shared state: the generated markets and the weight
//! windows.
//!
//! Markets are generated once, from the seed and the start time, and never
//! change afterwards, so they need no locking; only the weight windows are
//! mutable. (Order matching will add per-market locks when it arrives.)

use std::time::{SystemTime, UNIX_EPOCH};

use crate::market::Market;
use crate::spec::MARKET_SPECS;
use crate::weight::WeightWindow;

/// Milliseconds since the Unix epoch, from the system clock.
pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

/// The deterministic exchange state behind a running simulator.
#[derive(Debug)]
pub struct SimState {
    seed: u64,
    anchor_ms: i64,
    markets: Vec<Market>,
    spot_weight: WeightWindow,
    futures_weight: WeightWindow,
}

impl SimState {
    /// Generates every market from `seed`, with each market's last trade at
    /// `anchor_ms`. Equal arguments give identical state.
    pub fn generate(seed: u64, anchor_ms: i64) -> SimState {
        let markets = MARKET_SPECS
            .iter()
            .map(|spec| Market::generate(spec, seed, anchor_ms))
            .collect();
        SimState {
            seed,
            anchor_ms,
            markets,
            spot_weight: WeightWindow::default(),
            futures_weight: WeightWindow::default(),
        }
    }

    /// The seed the state was generated from.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// The instant the markets are anchored at (the last trade's time).
    pub fn anchor_ms(&self) -> i64 {
        self.anchor_ms
    }

    /// Every listed symbol, in exchangeInfo order.
    pub fn symbols(&self) -> Vec<String> {
        self.markets.iter().map(|m| m.symbol.clone()).collect()
    }

    /// Every market, in exchangeInfo order.
    pub fn markets(&self) -> &[Market] {
        &self.markets
    }

    /// The market for `symbol` (exact, case-sensitive match).
    pub fn market(&self, symbol: &str) -> Option<&Market> {
        self.markets.iter().find(|m| m.symbol == symbol)
    }

    /// Spot request weight used in the current minute.
    pub fn weight_used_1m(&self) -> u32 {
        self.spot_weight.used(now_ms())
    }

    /// USD-M futures request weight used in the current minute.
    pub fn futures_weight_used_1m(&self) -> u32 {
        self.futures_weight.used(now_ms())
    }

    pub(crate) fn spot_weight(&self) -> &WeightWindow {
        &self.spot_weight
    }

    pub(crate) fn futures_weight(&self) -> &WeightWindow {
        &self.futures_weight
    }
}
