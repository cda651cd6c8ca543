//! One symbol's current facts, gathered once for a prompt or a resource:
//! 24-hour statistics, the top of the book (the host's live book when the
//! plugin is granted `order-book`, else Binance's book ticker), and recent
//! candles with indicators. Every figure is Binance's exact decimal text or
//! computed in exact decimals; nothing is a float.

use binance_mcp_indicators::{Candle, Spec};
use binance_mcp_plugin::book::BookMetrics;
use binance_mcp_plugin::candles::{fetch_klines, Kline};
use binance_mcp_plugin::exchange::fetch;
use binance_mcp_plugin::output;
use binance_mcp_plugin::{time, Decimal, Exchange, Request, ToolError, Value, Venue};

/// The liquidity bands reported, in basis points of the mid.
pub const BANDS: &[u32] = &[10, 50];
/// How long a first look at a symbol waits for its live book.
const BOOK_WAIT_MS: u32 = 2_000;

/// 24-hour rolling statistics.
pub struct Day {
    pub last: Decimal,
    pub change: Decimal,
    pub change_pct: Decimal,
    pub high: Decimal,
    pub low: Decimal,
    pub volume: Decimal,
    pub quote_volume: Decimal,
    pub trades: i64,
    pub close_time: i64,
}

/// `GET /api/v3/ticker/24hr` for one symbol (weight 2).
pub fn day(ex: &dyn Exchange, symbol: &str) -> Result<Day, ToolError> {
    let v: Value = fetch(
        ex,
        &Request::spot_get("/api/v3/ticker/24hr").param("symbol", symbol),
    )?;
    Ok(Day {
        last: output::decimal(&v["lastPrice"])?,
        change: output::decimal(&v["priceChange"])?,
        change_pct: output::decimal(&v["priceChangePercent"])?,
        high: output::decimal(&v["highPrice"])?,
        low: output::decimal(&v["lowPrice"])?,
        volume: output::decimal(&v["volume"])?,
        quote_volume: output::decimal(&v["quoteVolume"])?,
        trades: output::int(&v["count"])?,
        close_time: output::int(&v["closeTime"])?,
    })
}

/// The top of the book.
pub struct Top {
    pub bid: Decimal,
    pub bid_qty: Decimal,
    pub ask: Decimal,
    pub ask_qty: Decimal,
    /// Where it came from: `live` (the host's book) or `rest`.
    pub source: &'static str,
    /// The live book's metrics, when it came from there.
    pub metrics: Option<BookMetrics>,
}

impl Top {
    /// Ask − bid.
    pub fn spread(&self) -> Decimal {
        self.ask - self.bid
    }

    /// The mid price, `None` for a one-sided book.
    pub fn mid(&self) -> Option<Decimal> {
        (self.bid > Decimal::ZERO && self.ask > Decimal::ZERO)
            .then(|| (self.bid + self.ask) / Decimal::TWO)
    }

    /// The spread in basis points of the mid, to 2 places.
    pub fn spread_bps(&self) -> Option<Decimal> {
        let mid = self.mid()?;
        Some((self.spread() * Decimal::from(10_000) / mid).round_dp(2))
    }
}

/// The live book's top and metrics when granted and live within a moment,
/// else `GET /api/v3/ticker/bookTicker` (weight 2).
pub fn top(ex: &dyn Exchange, symbol: &str) -> Result<Top, ToolError> {
    if let Some(book) = ex.order_book() {
        if let Ok(m) = book.metrics(Venue::Spot, symbol, BANDS, BOOK_WAIT_MS) {
            if m.status.freshness == binance_mcp_plugin::book::Freshness::Live {
                return Ok(Top {
                    bid: output::decimal_text(&m.best_bid)?,
                    bid_qty: output::decimal_text(&m.best_bid_qty)?,
                    ask: output::decimal_text(&m.best_ask)?,
                    ask_qty: output::decimal_text(&m.best_ask_qty)?,
                    source: "live",
                    metrics: Some(m),
                });
            }
        }
    }
    let v: Value = fetch(
        ex,
        &Request::spot_get("/api/v3/ticker/bookTicker").param("symbol", symbol),
    )?;
    Ok(Top {
        bid: output::decimal(&v["bidPrice"])?,
        bid_qty: output::decimal(&v["bidQty"])?,
        ask: output::decimal(&v["askPrice"])?,
        ask_qty: output::decimal(&v["askQty"])?,
        source: "rest",
        metrics: None,
    })
}

/// Recent candles and the latest value of each indicator.
pub struct Trend {
    pub interval: &'static str,
    pub candles: Vec<Kline>,
    /// (label, columns, latest values) of each indicator with enough data.
    pub indicators: Vec<(String, &'static [&'static str], Vec<Decimal>)>,
}

/// The indicators a prompt shows, in the standard parameters.
pub const TREND_SPECS: &[&str] = &[
    "sma:20",
    "sma:50",
    "ema:20",
    "rsi:14",
    "macd:12:26:9",
    "bb:20:2",
    "atr:14",
];

/// `count` candles at `interval` (weight 2) and [`TREND_SPECS`] on them
/// (an indicator without enough candles is left out).
pub fn trend(
    ex: &dyn Exchange,
    symbol: &str,
    interval: &'static str,
    count: usize,
) -> Result<Trend, ToolError> {
    let candles = fetch_klines(ex, symbol, interval, count)?;
    let input: Vec<Candle> = candles.iter().map(Kline::candle).collect();
    let mut indicators = Vec::new();
    for text in TREND_SPECS {
        let spec = Spec::parse(text).map_err(|e| {
            ToolError::new(
                binance_mcp_plugin::ErrorKind::Internal,
                e.to_string(),
                "report this bug",
            )
        })?;
        if let Ok(series) = spec.compute(&input) {
            if let Some(latest) = series.latest() {
                indicators.push((spec.label(), spec.columns(), latest.to_vec()));
            }
        }
    }
    Ok(Trend {
        interval,
        candles,
        indicators,
    })
}

/// Display text of a decimal: at most `dp` places, no trailing zeros.
pub fn show(d: Decimal, dp: u32) -> String {
    d.round_dp(dp).normalize().to_string()
}

/// ISO-8601 UTC of a millisecond time.
pub fn iso(ms: i64) -> String {
    time::iso8601_ms(ms)
}
