//! JSON bodies of the market-data endpoints, field for field as Binance
//! sends them.
//!
//! Structs (not `serde_json::Value`) keep Binance's field order on the wire.
//! Spot prices and quantities are strings padded to eight decimals
//! ([`fmt8`]); futures bodies use each symbol's own precision, as fapi does.

use serde::Serialize;

use crate::klines::Kline;
use crate::market::{Market, Trade};
use crate::num::{fmt8, fmt_dp, precision_of};

/// `GET /api/v3/time` and `/fapi/v1/time`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ServerTime {
    /// Server clock, ms since the epoch.
    pub server_time: i64,
}

/// `GET /api/v3/depth`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Depth {
    /// Book update id of the snapshot.
    pub last_update_id: u64,
    /// `[price, qty]` bids, best first.
    pub bids: Vec<[String; 2]>,
    /// `[price, qty]` asks, best first.
    pub asks: Vec<[String; 2]>,
}

impl Depth {
    /// The top `limit` levels of each side of `m`'s book.
    pub fn spot(m: &Market, limit: usize) -> Depth {
        let side = |levels: &[(rust_decimal::Decimal, rust_decimal::Decimal)]| {
            levels
                .iter()
                .take(limit)
                .map(|(p, q)| [fmt8(*p), fmt8(*q)])
                .collect()
        };
        Depth {
            last_update_id: m.last_update_id,
            bids: side(&m.bids),
            asks: side(&m.asks),
        }
    }
}

/// `GET /fapi/v1/depth`: adds message (`E`) and transaction (`T`) times.
#[derive(Debug, Serialize)]
pub struct FuturesDepth {
    /// Book update id of the snapshot.
    #[serde(rename = "lastUpdateId")]
    pub last_update_id: u64,
    /// Message output time.
    #[serde(rename = "E")]
    pub event_time: i64,
    /// Transaction time.
    #[serde(rename = "T")]
    pub transaction_time: i64,
    /// `[price, qty]` bids, best first.
    pub bids: Vec<[String; 2]>,
    /// `[price, qty]` asks, best first.
    pub asks: Vec<[String; 2]>,
}

impl FuturesDepth {
    /// The top `limit` levels of each side, in the symbol's own precision.
    pub fn new(m: &Market, limit: usize, now_ms: i64) -> FuturesDepth {
        let (pp, qp) = (precision_of(m.tick_size), precision_of(m.step_size));
        let side = |levels: &[(rust_decimal::Decimal, rust_decimal::Decimal)]| {
            levels
                .iter()
                .take(limit)
                .map(|(p, q)| [fmt_dp(*p, pp), fmt_dp(*q, qp)])
                .collect()
        };
        FuturesDepth {
            last_update_id: m.last_update_id,
            event_time: now_ms,
            transaction_time: m.ticker.close_time,
            bids: side(&m.bids),
            asks: side(&m.asks),
        }
    }
}

/// One element of `GET /api/v3/trades`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TradeWire {
    /// Trade id.
    pub id: u64,
    /// Price.
    pub price: String,
    /// Base quantity.
    pub qty: String,
    /// Quote quantity.
    pub quote_qty: String,
    /// Trade time.
    pub time: i64,
    /// Whether the buyer was the maker.
    pub is_buyer_maker: bool,
    /// Always true.
    pub is_best_match: bool,
}

impl From<&Trade> for TradeWire {
    fn from(t: &Trade) -> Self {
        TradeWire {
            id: t.id,
            price: fmt8(t.price),
            qty: fmt8(t.qty),
            quote_qty: fmt8(t.quote_qty),
            time: t.time,
            is_buyer_maker: t.is_buyer_maker,
            is_best_match: t.is_best_match,
        }
    }
}

/// One kline on the wire: a 12-element array, the last one an unused "0".
pub type KlineWire = (
    i64,
    String,
    String,
    String,
    String,
    String,
    i64,
    String,
    u64,
    String,
    String,
    String,
);

/// Converts a candle to Binance's array form.
pub fn kline_wire(k: &Kline) -> KlineWire {
    (
        k.open_time,
        fmt8(k.open),
        fmt8(k.high),
        fmt8(k.low),
        fmt8(k.close),
        fmt8(k.volume),
        k.close_time,
        fmt8(k.quote_volume),
        k.trades,
        fmt8(k.taker_buy_base_volume),
        fmt8(k.taker_buy_quote_volume),
        "0".to_string(),
    )
}

/// `GET /api/v3/avgPrice`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AvgPrice {
    /// Averaging window in minutes.
    pub mins: u32,
    /// Average price.
    pub price: String,
    /// Time of the last trade in the window.
    pub close_time: i64,
}

/// `GET /api/v3/ticker/24hr`, FULL form. Fields are Binance's fields of
/// the same (camelCased) name; see [`crate::Ticker24h`] for their meaning.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
#[allow(missing_docs)]
pub struct TickerFull {
    pub symbol: String,
    pub price_change: String,
    pub price_change_percent: String,
    pub weighted_avg_price: String,
    pub prev_close_price: String,
    pub last_price: String,
    pub last_qty: String,
    pub bid_price: String,
    pub bid_qty: String,
    pub ask_price: String,
    pub ask_qty: String,
    pub open_price: String,
    pub high_price: String,
    pub low_price: String,
    pub volume: String,
    pub quote_volume: String,
    pub open_time: i64,
    pub close_time: i64,
    pub first_id: i64,
    pub last_id: i64,
    pub count: u64,
}

impl From<&Market> for TickerFull {
    fn from(m: &Market) -> Self {
        let t = &m.ticker;
        TickerFull {
            symbol: m.symbol.clone(),
            price_change: fmt8(t.price_change),
            price_change_percent: fmt_dp(t.price_change_percent, 3),
            weighted_avg_price: fmt8(t.weighted_avg_price),
            prev_close_price: fmt8(t.prev_close_price),
            last_price: fmt8(t.last_price),
            last_qty: fmt8(t.last_qty),
            bid_price: fmt8(t.bid_price),
            bid_qty: fmt8(t.bid_qty),
            ask_price: fmt8(t.ask_price),
            ask_qty: fmt8(t.ask_qty),
            open_price: fmt8(t.open_price),
            high_price: fmt8(t.high_price),
            low_price: fmt8(t.low_price),
            volume: fmt8(t.volume),
            quote_volume: fmt8(t.quote_volume),
            open_time: t.open_time,
            close_time: t.close_time,
            first_id: t.first_id,
            last_id: t.last_id,
            count: t.count,
        }
    }
}

/// `GET /api/v3/ticker/24hr?type=MINI`: the FULL form without change,
/// previous close and book fields.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
#[allow(missing_docs)]
pub struct TickerMini {
    pub symbol: String,
    pub open_price: String,
    pub high_price: String,
    pub low_price: String,
    pub last_price: String,
    pub volume: String,
    pub quote_volume: String,
    pub open_time: i64,
    pub close_time: i64,
    pub first_id: i64,
    pub last_id: i64,
    pub count: u64,
}

impl From<&Market> for TickerMini {
    fn from(m: &Market) -> Self {
        let t = &m.ticker;
        TickerMini {
            symbol: m.symbol.clone(),
            open_price: fmt8(t.open_price),
            high_price: fmt8(t.high_price),
            low_price: fmt8(t.low_price),
            last_price: fmt8(t.last_price),
            volume: fmt8(t.volume),
            quote_volume: fmt8(t.quote_volume),
            open_time: t.open_time,
            close_time: t.close_time,
            first_id: t.first_id,
            last_id: t.last_id,
            count: t.count,
        }
    }
}

/// `GET /api/v3/ticker/price`.
#[derive(Debug, Serialize)]
pub struct PriceTicker {
    /// Symbol.
    pub symbol: String,
    /// Last price.
    pub price: String,
}

impl From<&Market> for PriceTicker {
    fn from(m: &Market) -> Self {
        PriceTicker {
            symbol: m.symbol.clone(),
            price: fmt8(m.last_price()),
        }
    }
}

/// `GET /fapi/v1/ticker/price`: adds the transaction time.
#[derive(Debug, Serialize)]
pub struct FuturesPriceTicker {
    /// Symbol.
    pub symbol: String,
    /// Last price, in the symbol's precision.
    pub price: String,
    /// Transaction time of the last trade.
    pub time: i64,
}

impl From<&Market> for FuturesPriceTicker {
    fn from(m: &Market) -> Self {
        FuturesPriceTicker {
            symbol: m.symbol.clone(),
            price: fmt_dp(m.last_price(), precision_of(m.tick_size)),
            time: m.ticker.close_time,
        }
    }
}

/// `GET /api/v3/ticker/bookTicker`: the top of the book.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
#[allow(missing_docs)]
pub struct BookTicker {
    pub symbol: String,
    pub bid_price: String,
    pub bid_qty: String,
    pub ask_price: String,
    pub ask_qty: String,
}

impl From<&Market> for BookTicker {
    fn from(m: &Market) -> Self {
        BookTicker {
            symbol: m.symbol.clone(),
            bid_price: fmt8(m.ticker.bid_price),
            bid_qty: fmt8(m.ticker.bid_qty),
            ask_price: fmt8(m.ticker.ask_price),
            ask_qty: fmt8(m.ticker.ask_qty),
        }
    }
}
