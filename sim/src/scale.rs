//! How much data the simulator generates: today's small, hand-checkable
//! exchange ([`Scale::default`]) or one the size of the real Binance
//! ([`Scale::large`]), so tests can measure worst-case answer sizes.
//!
//! Every field only *adds* data on top of the default generation, from
//! random streams of its own, so a default [`Scale`] reproduces the
//! unscaled simulator bit for bit and a larger one keeps every default
//! record (first book levels, trades, orders, deposits...) unchanged.

use crate::market::Market;
use crate::rng::SplitMix64;
use crate::synth::{resize_book, BOOK_LEVELS};

/// Universal-transfer types [`Scale::wallet_history`] fills, in
/// `GET /sapi/v1/asset/transfer` spelling.
pub const TRANSFER_TYPES: [&str; 8] = [
    "MAIN_UMFUTURE",
    "UMFUTURE_MAIN",
    "MAIN_FUNDING",
    "FUNDING_MAIN",
    "MAIN_MARGIN",
    "MARGIN_MAIN",
    "MAIN_CMFUTURE",
    "CMFUTURE_MAIN",
];

/// The size of the generated exchange and account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Scale {
    /// Extra TRADING symbols listed after the fixed
    /// [`MARKET_SPECS`](crate::spec::MARKET_SPECS) ones (names like
    /// `A3FUSDT` or `QXBTC`, quoted in USDT, BTC, ETH or FDUSD), each with a
    /// short tape, a small book and klines, served by every market endpoint
    /// like any other symbol. Default 0; large 2500.
    pub listings: usize,
    /// Price levels per side of the `MARKET_SPECS` trading markets' books,
    /// on the PRICE_FILTER grid (a side stops short only where the grid
    /// ends at minPrice). At least 1. Default 200 ([`BOOK_LEVELS`]);
    /// large 5000 (Binance's `depth` maximum).
    pub book_levels: usize,
    /// Minimum account orders, and minimum account trades (`myTrades`), for
    /// BTCUSDT and for ETHUSDT: older FILLED, CANCELED and EXPIRED LIMIT,
    /// MARKET and STOP_LOSS_LIMIT orders are added before the tape until
    /// both counts reach it (capped at 100 000). Default 0 (today's 18
    /// trades per symbol); large 1200.
    pub history: usize,
    /// Open LIMIT orders per symbol on BTCUSDT and ETHUSDT, some of them
    /// PARTIALLY_FILLED; each locks its remaining balance. Default 0 (today's
    /// two per symbol); large 200 (Binance's MAX_NUM_ORDERS).
    pub open_orders: usize,
    /// Minimum deposits, and minimum withdrawals, all in the last 90 days
    /// (Binance's default window), plus `wallet_history / 8` universal
    /// transfers of each of the eight [`TRANSFER_TYPES`] in the last 7 days.
    /// Default 0 (today's few); large 1200 (150 transfers per type).
    pub wallet_history: usize,
    /// Extra non-zero (dust) balances, in the base assets of the extra
    /// listings (so at most as many as those). Default 0; large 300.
    pub dust_assets: usize,
}

impl Default for Scale {
    /// Today's simulator: no extra listings, 200 book levels, the small
    /// generated account.
    fn default() -> Self {
        Scale {
            listings: 0,
            book_levels: BOOK_LEVELS,
            history: 0,
            open_orders: 0,
            wallet_history: 0,
            dust_assets: 0,
        }
    }
}

impl Scale {
    /// Real-Binance sizes: 2500 extra listings, 5000-level books, 1200
    /// orders and trades per traded symbol, 200 open orders per symbol, 1200
    /// deposits and withdrawals, 150 transfers per type, 300 dust balances.
    pub fn large() -> Self {
        Scale {
            listings: 2500,
            book_levels: 5000,
            history: 1200,
            open_orders: 200,
            wallet_history: 1200,
            dust_assets: 300,
        }
    }

    /// Universal transfers generated per type (`wallet_history / 8`).
    pub fn transfers_per_type(&self) -> usize {
        self.wallet_history / TRANSFER_TYPES.len()
    }

    /// Reads a preset name: "default" or "large".
    pub fn preset(name: &str) -> Option<Scale> {
        match name {
            "default" => Some(Scale::default()),
            "large" => Some(Scale::large()),
            _ => None,
        }
    }
}

/// Resizes the books of the trading `markets` to `levels` levels per side
/// (see [`Scale::book_levels`]); a no-op at [`BOOK_LEVELS`].
pub(crate) fn resize_books(markets: &mut [Market], seed: u64, levels: usize) {
    if levels == BOOK_LEVELS {
        return;
    }
    for m in markets.iter_mut().filter(|m| m.is_trading()) {
        let grid = m.grid();
        let mut rng = SplitMix64::for_stream(seed, &format!("book-levels:{}", m.symbol));
        resize_book(&mut rng, &grid, &mut m.bids, &mut m.asks, levels.max(1));
    }
}

/// One `Scale::large()` state per test binary (seed 42), shared by the
/// unit tests of the scaled generation.
#[cfg(test)]
pub(crate) fn large_state() -> &'static crate::SimState {
    static STATE: std::sync::OnceLock<crate::SimState> = std::sync::OnceLock::new();
    STATE.get_or_init(|| crate::SimState::generate_scaled(42, TEST_ANCHOR, &Scale::large()))
}

/// The anchor time of [`large_state`].
#[cfg(test)]
pub(crate) const TEST_ANCHOR: i64 = 1_750_000_000_000;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::num::on_grid;
    use crate::spec::MARKET_SPECS;

    const ANCHOR: i64 = 1_750_000_000_000;

    fn markets(seed: u64) -> Vec<Market> {
        MARKET_SPECS
            .iter()
            .map(|s| Market::generate(s, seed, ANCHOR))
            .collect()
    }

    #[test]
    fn presets() {
        assert_eq!(Scale::default().book_levels, BOOK_LEVELS);
        assert_eq!(Scale::preset("default"), Some(Scale::default()));
        assert_eq!(Scale::preset("large"), Some(Scale::large()));
        assert_eq!(Scale::preset("huge"), None);
        assert_eq!(Scale::large().transfers_per_type(), 150);
        assert_eq!(Scale::default().transfers_per_type(), 0);
    }

    #[test]
    fn deep_books_stay_on_the_grid_and_keep_the_top() {
        let small = markets(42);
        let mut deep = small.clone();
        resize_books(&mut deep, 42, 5000);
        let mut again = small.clone();
        resize_books(&mut again, 42, 5000);
        assert_eq!(deep, again);
        for (s, d) in small.iter().zip(&deep).filter(|(s, _)| s.is_trading()) {
            assert_eq!(&d.bids[..BOOK_LEVELS], &s.bids[..], "{}", s.symbol);
            assert_eq!(&d.asks[..BOOK_LEVELS], &s.asks[..], "{}", s.symbol);
            assert_eq!(d.ticker, s.ticker);
            assert_eq!(d.asks.len(), 5000, "{}", s.symbol);
            // ETHBTC's bids (0.00001 ticks at ~0.05) run into minPrice first.
            let last_bid = d.bids.last().unwrap().0;
            assert!(
                d.bids.len() == 5000 || last_bid == d.min_price,
                "{}",
                s.symbol
            );
            assert!(d.bids.windows(2).all(|w| w[0].0 > w[1].0));
            assert!(d.asks.windows(2).all(|w| w[0].0 < w[1].0));
            for (p, q) in d.bids.iter().chain(&d.asks) {
                assert!(on_grid(*p, d.tick_size) && on_grid(*q, d.step_size));
                assert!(*p >= d.min_price && *p <= d.max_price);
                assert!(*q >= d.min_qty);
            }
        }
        let btc = deep.iter().find(|m| m.symbol == "BTCUSDT").unwrap();
        assert_eq!(btc.bids.len(), 5000);
    }

    #[test]
    fn large_state_is_deterministic_and_a_superset_of_the_default() {
        let large = large_state();
        let small = crate::SimState::generate(42, TEST_ANCHOR);
        assert_eq!(large.markets().len(), MARKET_SPECS.len() + 2500);
        for (s, l) in small.markets().iter().zip(large.markets()) {
            assert_eq!(
                (&s.symbol, &s.trades, &s.ticker),
                (&l.symbol, &l.trades, &l.ticker)
            );
            assert_eq!(s.last_update_id, l.last_update_id);
        }
        for m in large.markets() {
            assert_eq!(large.market(&m.symbol).unwrap().symbol, m.symbol);
        }
        let again = crate::SimState::generate_scaled(42, TEST_ANCHOR, &Scale::large());
        assert_eq!(again.markets(), large.markets());
        assert_eq!(again.account(), large.account());
        let other = crate::SimState::generate_scaled(43, TEST_ANCHOR, &Scale::large());
        assert_ne!(other.account().orders, large.account().orders);
        assert_ne!(other.symbols(), large.symbols());
    }

    #[test]
    fn dust_needs_listings() {
        let scale = Scale {
            dust_assets: 50,
            ..Scale::default()
        };
        let a = crate::SimState::generate_scaled(1, TEST_ANCHOR, &scale).account();
        assert_eq!(a.balances.len(), 7);
    }

    #[test]
    fn shallow_books_truncate() {
        let mut m = markets(7);
        resize_books(&mut m, 7, 20);
        for m in m.iter().filter(|m| m.is_trading()) {
            assert_eq!((m.bids.len(), m.asks.len()), (20, 20));
            assert_eq!(
                (m.ticker.bid_price, m.ticker.ask_price),
                (m.bids[0].0, m.asks[0].0)
            );
        }
    }
}
