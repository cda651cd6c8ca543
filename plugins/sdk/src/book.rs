//! The host's live order books (`order-book` capability), as a plugin sees
//! them: computed snapshots, never a socket. Decimals are exact text.

use crate::ToolError;

/// How current a book is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Freshness {
    /// In step with the stream and recently updated.
    Live,
    /// In step, but no event within the host's staleness bound: not fresh.
    Stale,
    /// Waiting for its snapshot.
    Syncing,
}

impl Freshness {
    /// `live`, `stale` or `syncing`.
    pub fn as_str(self) -> &'static str {
        match self {
            Freshness::Live => "live",
            Freshness::Stale => "stale",
            Freshness::Syncing => "syncing",
        }
    }
}

/// Where one book stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BookStatus {
    pub symbol: String,
    pub freshness: Freshness,
    /// Milliseconds since its last event.
    pub age_ms: Option<u64>,
    pub update_id: u64,
    /// Newest event time, ms since the epoch (0 before the first).
    pub event_time: u64,
    pub bid_levels: u32,
    pub ask_levels: u32,
}

/// Liquidity within `bps` of the mid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Band {
    pub bps: u32,
    pub bid_qty: String,
    pub ask_qty: String,
    pub bid_notional: String,
    pub ask_notional: String,
    pub imbalance: String,
}

/// A level much larger than its side's typical one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Wall {
    pub bid: bool,
    pub price: String,
    pub qty: String,
    pub times_median: String,
}

/// L1 metrics, bands and walls.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BookMetrics {
    pub status: BookStatus,
    pub best_bid: String,
    pub best_bid_qty: String,
    pub best_ask: String,
    pub best_ask_qty: String,
    pub mid: String,
    pub spread: String,
    pub spread_bps: String,
    pub microprice: String,
    pub imbalance: String,
    pub bands: Vec<Band>,
    pub walls: Vec<Wall>,
    pub wall_rule: String,
}

/// Depth in integers: price = p / 10^price_scale, qty = q / 10^qty_scale.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BookDepth {
    pub status: BookStatus,
    pub price_scale: u32,
    pub qty_scale: u32,
    pub bids: Vec<(u64, u64)>,
    pub asks: Vec<(u64, u64)>,
}

impl BookDepth {
    /// One integer level as exact decimal text.
    pub fn decimal(value: u64, scale: u32) -> String {
        if scale == 0 {
            return value.to_string();
        }
        let p = 10u64.pow(scale);
        format!(
            "{}.{:0width$}",
            value / p,
            value % p,
            width = scale as usize
        )
    }
}

/// The host's `order-book` capability.
pub trait OrderBook {
    /// Metrics of `symbol` with liquidity in `bands` (bps; empty = 10/50/100),
    /// waiting up to `wait_ms` for a new book to sync.
    fn metrics(&self, symbol: &str, bands: &[u32], wait_ms: u32) -> Result<BookMetrics, ToolError>;
    /// The best `levels` a side.
    fn depth(&self, symbol: &str, levels: u32, wait_ms: u32) -> Result<BookDepth, ToolError>;
    /// The best `levels` a side if `symbol` is already live (no subscription).
    fn peek(&self, symbol: &str, levels: u32) -> Option<BookDepth>;
    /// The engine's health (a JSON object).
    fn health(&self) -> Result<serde_json::Value, ToolError>;
}
