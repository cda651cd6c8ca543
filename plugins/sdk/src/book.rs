//! The host's live order books (`order-book` capability), as a plugin sees
//! them: computed snapshots, never a socket. Decimals are exact text.

use crate::{ToolError, Venue};

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

/// The newest trade the host saw on a symbol's trade stream (spot only).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LastTrade {
    /// Binance's trade id.
    pub id: u64,
    /// Exact decimal text.
    pub price: String,
    /// Trade time, ms since the epoch.
    pub time: u64,
    /// Milliseconds since the host received it.
    pub age_ms: u64,
}

/// Where one book stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BookStatus {
    pub venue: Venue,
    pub symbol: String,
    pub freshness: Freshness,
    /// Milliseconds since its last event.
    pub age_ms: Option<u64>,
    pub update_id: u64,
    /// Newest event time, ms since the epoch (0 before the first).
    pub event_time: u64,
    pub bid_levels: u32,
    pub ask_levels: u32,
    /// Spot, once a trade arrived on the live connection.
    pub last_trade: Option<LastTrade>,
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

/// The host's `order-book` capability: books on spot and USD-M futures.
pub trait OrderBook {
    /// Metrics of `symbol` on `venue` with liquidity in `bands` (bps; empty
    /// = 10/50/100), waiting up to `wait_ms` for a new book to sync.
    fn metrics(
        &self,
        venue: Venue,
        symbol: &str,
        bands: &[u32],
        wait_ms: u32,
    ) -> Result<BookMetrics, ToolError>;
    /// The best `levels` a side.
    fn depth(
        &self,
        venue: Venue,
        symbol: &str,
        levels: u32,
        wait_ms: u32,
    ) -> Result<BookDepth, ToolError>;
    /// The best `levels` a side if `symbol` is already live (no subscription).
    fn peek(&self, venue: Venue, symbol: &str, levels: u32) -> Option<BookDepth>;
    /// Both engines' health (a JSON object: `status`, `spot`, `usdm_futures`).
    fn health(&self) -> Result<serde_json::Value, ToolError>;
}
