//! Synthetic order flow: the recent-trade tape (which follows the market's
//! price path) and the order book around the last trade.
//!
//! Prices are generated as integer tick counts and quantities as integer step
//! counts, then multiplied by the tick/step size, so every generated price is
//! on the PRICE_FILTER grid and every quantity on the LOT_SIZE grid by
//! construction.

use rust_decimal::Decimal;

use crate::market::Trade;
use crate::num::{to_units, units};
use crate::path::PricePath;
use crate::rng::SplitMix64;

/// How many recent trades each trading market keeps (Binance's `trades`
/// endpoint serves at most 1000, so 1500 leaves room for `limit` tests).
pub const TRADE_COUNT: usize = 1500;

/// How many price levels each side of a trading market's book holds.
/// Depth requests above this return every level there is, as a thin real
/// market would.
pub const BOOK_LEVELS: usize = 200;

/// The longest gap between two consecutive trades, in ms. With 1500 trades
/// the whole tape spans at most ~23.7 h, so all of it falls in the 24 h
/// ticker window and the ticker's statistics are exactly those of the tape.
const MAX_TRADE_GAP_MS: i64 = 57_000;

/// How much market data to generate for one symbol.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shape {
    /// Trades on the tape.
    pub trades: usize,
    /// Longest gap between two consecutive trades, ms. Keep
    /// `trades * max_trade_gap_ms` under a day so the whole tape falls in the
    /// 24 h ticker window.
    pub max_trade_gap_ms: i64,
    /// Price levels per side of the book (fewer if the price grid ends).
    pub book_levels: usize,
}

impl Shape {
    /// The shape of every [`MARKET_SPECS`](crate::spec::MARKET_SPECS)
    /// market: [`TRADE_COUNT`] trades and [`BOOK_LEVELS`] levels per side.
    pub const DEFAULT: Shape = Shape {
        trades: TRADE_COUNT,
        max_trade_gap_ms: MAX_TRADE_GAP_MS,
        book_levels: BOOK_LEVELS,
    };
}

/// Grid parameters shared by the generators.
#[derive(Debug, Clone, Copy)]
pub struct Grid {
    /// PRICE_FILTER tickSize.
    pub tick: Decimal,
    /// LOT_SIZE stepSize.
    pub step: Decimal,
    /// Lowest allowed price in ticks.
    pub min_ticks: i64,
    /// Highest allowed price in ticks.
    pub max_ticks: i64,
    /// A typical trade size in steps.
    pub typical_steps: i64,
}

impl Grid {
    /// A quantity scattered around the typical size: `pct_lo..=pct_hi`
    /// percent of it, never less than one step.
    pub(crate) fn qty(&self, rng: &mut SplitMix64, pct_lo: i64, pct_hi: i64) -> Decimal {
        let pct = rng.range(pct_lo, pct_hi);
        let steps = (self.typical_steps.saturating_mul(pct) / 100).max(1);
        units(steps, self.step)
    }

    fn clamp(&self, ticks: i64) -> i64 {
        ticks.clamp(self.min_ticks, self.max_ticks)
    }
}

/// The generated tape: trades oldest first plus the price the walk started
/// from (the close before the first trade).
#[derive(Debug, Clone)]
pub struct Tape {
    /// Trades, oldest first; the last one's time is the anchor time.
    pub trades: Vec<Trade>,
    /// Price in ticks one second before the first trade: the previous
    /// close the ticker reports.
    pub start_ticks: i64,
}

/// Generates `shape.trades` trades along `path` (at most
/// `shape.max_trade_gap_ms` apart), the last one stamped exactly `end_ms`.
/// Each trade prints within about ±0.002 % of the path, so the tape agrees with the candles of the same period.
pub fn trade_tape(
    rng: &mut SplitMix64,
    grid: &Grid,
    path: &PricePath,
    end_ms: i64,
    shape: Shape,
) -> Tape {
    let noise = (path.anchor_ticks / 50_000).max(1);
    let first_id = rng.range(100_000_000, 900_000_000) as u64;

    let mut gaps: Vec<i64> = (1..shape.trades.max(1))
        .map(|_| rng.range(1, shape.max_trade_gap_ms))
        .collect();
    gaps.push(0);
    let total: i64 = gaps.iter().sum();
    let mut time = end_ms - total;
    let start_ticks = grid.clamp(path.ticks_at(time - 1_000));

    let mut trades = Vec::with_capacity(gaps.len());
    for (i, gap) in gaps.iter().enumerate() {
        let ticks = grid.clamp(path.ticks_at(time) + rng.range(-noise, noise));
        let price = units(ticks, grid.tick);
        let qty = grid.qty(rng, 5, 300);
        trades.push(Trade {
            id: first_id + i as u64,
            price,
            qty,
            // Binance reports quoteQty in the quote asset's eight decimals.
            quote_qty: (price * qty).round_dp(8),
            time,
            is_buyer_maker: rng.chance(50),
            is_best_match: true,
        });
        time += gap;
    }
    Tape {
        trades,
        start_ticks,
    }
}

/// Both sides of a book around `last_ticks`, best level first.
///
/// The spread is 1–3 ticks and the last trade price lies inside it
/// (best bid ≤ last ≤ best ask), as it does on a liquid market.
pub type Book = (Vec<(Decimal, Decimal)>, Vec<(Decimal, Decimal)>);

/// Generates up to `levels` strictly ordered levels per side.
pub fn order_book(rng: &mut SplitMix64, grid: &Grid, last_ticks: i64, levels: usize) -> Book {
    let spread = rng.range(1, 3);
    let best_bid = grid.clamp(last_ticks - rng.range(0, spread));
    let best_ask = best_bid + spread;

    let mut bids = Vec::with_capacity(levels);
    let mut ticks = best_bid;
    while bids.len() < levels && ticks >= grid.min_ticks {
        bids.push((units(ticks, grid.tick), grid.qty(rng, 10, 1000)));
        ticks -= rng.range(1, 3);
    }
    let mut asks = Vec::with_capacity(levels);
    let mut ticks = best_ask;
    while asks.len() < levels && ticks <= grid.max_ticks {
        asks.push((units(ticks, grid.tick), grid.qty(rng, 10, 1000)));
        ticks += rng.range(1, 3);
    }
    (bids, asks)
}

/// Truncates or grows both sides of a book to `levels` levels, each side's
/// walk continuing away from the touch with draws from `rng`: 1–3 ticks
/// apart, 1 tick once the price grid is about to run out (a side stops
/// short only at minPrice or maxPrice). The levels already there, and so
/// the top of the book, are kept.
pub fn resize_book(
    rng: &mut SplitMix64,
    grid: &Grid,
    bids: &mut Vec<(Decimal, Decimal)>,
    asks: &mut Vec<(Decimal, Decimal)>,
    levels: usize,
) {
    bids.truncate(levels);
    asks.truncate(levels);
    if let Some(&(price, _)) = bids.last() {
        let mut ticks = to_units(price, grid.tick);
        while bids.len() < levels {
            let left = (levels - bids.len()) as i64;
            ticks -= if ticks - grid.min_ticks < 3 * left {
                1
            } else {
                rng.range(1, 3)
            };
            if ticks < grid.min_ticks {
                break;
            }
            bids.push((units(ticks, grid.tick), grid.qty(rng, 10, 1000)));
        }
    }
    if let Some(&(price, _)) = asks.last() {
        let mut ticks = to_units(price, grid.tick);
        while asks.len() < levels {
            let left = (levels - asks.len()) as i64;
            ticks += if grid.max_ticks - ticks < 3 * left {
                1
            } else {
                rng.range(1, 3)
            };
            if ticks > grid.max_ticks {
                break;
            }
            asks.push((units(ticks, grid.tick), grid.qty(rng, 10, 1000)));
        }
    }
}
