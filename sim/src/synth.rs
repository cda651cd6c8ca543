//! Synthetic order flow: the recent-trade tape (which follows the market's
//! price path) and the order book around the last trade.
//!
//! Prices are generated as integer tick counts and quantities as integer step
//! counts, then multiplied by the tick/step size, so every generated price is
//! on the PRICE_FILTER grid and every quantity on the LOT_SIZE grid by
//! construction.

use rust_decimal::Decimal;

use crate::market::Trade;
use crate::num::units;
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
    fn qty(&self, rng: &mut SplitMix64, pct_lo: i64, pct_hi: i64) -> Decimal {
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

/// Generates [`TRADE_COUNT`] trades along `path`, the last one stamped
/// exactly `end_ms`. Each trade prints within about ±0.002 % of the path,
/// so the tape agrees with the candles of the same period.
pub fn trade_tape(rng: &mut SplitMix64, grid: &Grid, path: &PricePath, end_ms: i64) -> Tape {
    let noise = (path.anchor_ticks / 50_000).max(1);
    let first_id = rng.range(100_000_000, 900_000_000) as u64;

    let mut gaps: Vec<i64> = (1..TRADE_COUNT)
        .map(|_| rng.range(1, MAX_TRADE_GAP_MS))
        .collect();
    gaps.push(0);
    let total: i64 = gaps.iter().sum();
    let mut time = end_ms - total;
    let start_ticks = grid.clamp(path.ticks_at(time - 1_000));

    let mut trades = Vec::with_capacity(TRADE_COUNT);
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

/// Generates up to [`BOOK_LEVELS`] strictly ordered levels per side.
pub fn order_book(rng: &mut SplitMix64, grid: &Grid, last_ticks: i64) -> Book {
    let spread = rng.range(1, 3);
    let best_bid = grid.clamp(last_ticks - rng.range(0, spread));
    let best_ask = best_bid + spread;

    let mut bids = Vec::with_capacity(BOOK_LEVELS);
    let mut ticks = best_bid;
    while bids.len() < BOOK_LEVELS && ticks >= grid.min_ticks {
        bids.push((units(ticks, grid.tick), grid.qty(rng, 10, 1000)));
        ticks -= rng.range(1, 3);
    }
    let mut asks = Vec::with_capacity(BOOK_LEVELS);
    let mut ticks = best_ask;
    while asks.len() < BOOK_LEVELS && ticks <= grid.max_ticks {
        asks.push((units(ticks, grid.tick), grid.qty(rng, 10, 1000)));
        ticks += rng.range(1, 3);
    }
    (bids, asks)
}
