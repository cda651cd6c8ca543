//! One synthetic market: its trading rules, book, tape and 24 h statistics.
//!
//! A [`Market`] is generated once from `(seed, symbol, anchor time)` and is
//! immutable afterwards. Every derived figure (ticker, average price) is
//! computed from the generated book and tape rather than drawn
//! independently, so the invariants a client may rely on hold exactly: the
//! ticker's bid/ask equal the top of the book, its last price is the last
//! trade's price, high/low bound every trade in the window and the volume
//! sums are exact decimal sums.

use rust_decimal::Decimal;

use crate::num::{to_units, units};
use crate::path::PricePath;
use crate::rng::{hash_parts, signed_unit, SplitMix64};
use crate::spec::{MarketSpec, Rules};
use crate::synth::{order_book, trade_tape, Grid, Shape};

/// Length of the rolling ticker window.
pub const DAY_MS: i64 = 86_400_000;

/// The window `avgPrice` averages over (Binance's default, also the
/// `avgPriceMins` advertised in the symbol filters).
pub const AVG_PRICE_MINS: u32 = 5;

/// One public trade, as served by `GET /api/v3/trades`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Trade {
    /// Trade id, consecutive within a symbol.
    pub id: u64,
    /// Execution price, on the tick grid.
    pub price: Decimal,
    /// Executed base quantity, on the step grid.
    pub qty: Decimal,
    /// `price * qty` rounded to eight decimals.
    pub quote_qty: Decimal,
    /// Execution time, ms since the epoch.
    pub time: i64,
    /// Whether the buyer was the resting (maker) side.
    pub is_buyer_maker: bool,
    /// Always `true` on Binance today; kept for wire compatibility.
    pub is_best_match: bool,
}

/// The rolling 24 h statistics of `GET /api/v3/ticker/24hr` (FULL form).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ticker24h {
    /// `last_price - open_price`.
    pub price_change: Decimal,
    /// `price_change / open_price * 100`, rounded to three decimals.
    pub price_change_percent: Decimal,
    /// `quote_volume / volume`, rounded to eight decimals (0 with no trades).
    pub weighted_avg_price: Decimal,
    /// The price before the window's first trade.
    pub prev_close_price: Decimal,
    /// Price of the most recent trade.
    pub last_price: Decimal,
    /// Quantity of the most recent trade.
    pub last_qty: Decimal,
    /// Best bid price (0 with an empty book).
    pub bid_price: Decimal,
    /// Quantity at the best bid.
    pub bid_qty: Decimal,
    /// Best ask price (0 with an empty book).
    pub ask_price: Decimal,
    /// Quantity at the best ask.
    pub ask_qty: Decimal,
    /// Price of the window's first trade.
    pub open_price: Decimal,
    /// Highest trade price in the window.
    pub high_price: Decimal,
    /// Lowest trade price in the window.
    pub low_price: Decimal,
    /// Sum of trade quantities in the window.
    pub volume: Decimal,
    /// Sum of trade quote quantities in the window.
    pub quote_volume: Decimal,
    /// Window start (close_time - 24 h).
    pub open_time: i64,
    /// Window end: the anchor time.
    pub close_time: i64,
    /// First trade id in the window, -1 with no trades (as Binance).
    pub first_id: i64,
    /// Last trade id in the window, -1 with no trades.
    pub last_id: i64,
    /// Number of trades in the window.
    pub count: u64,
}

/// One listed symbol with its rules and generated market data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Market {
    /// Symbol, e.g. "BTCUSDT".
    pub symbol: String,
    /// Base asset, e.g. "BTC".
    pub base_asset: String,
    /// Quote asset, e.g. "USDT".
    pub quote_asset: String,
    /// "TRADING", or e.g. "BREAK" for a halted symbol.
    pub status: String,
    /// PRICE_FILTER tickSize.
    pub tick_size: Decimal,
    /// LOT_SIZE stepSize.
    pub step_size: Decimal,
    /// LOT_SIZE minQty.
    pub min_qty: Decimal,
    /// LOT_SIZE maxQty.
    pub max_qty: Decimal,
    /// PRICE_FILTER minPrice.
    pub min_price: Decimal,
    /// PRICE_FILTER maxPrice.
    pub max_price: Decimal,
    /// NOTIONAL minNotional.
    pub min_notional: Decimal,
    /// NOTIONAL maxNotional.
    pub max_notional: Decimal,
    /// MARKET_LOT_SIZE maxQty.
    pub market_max_qty: Decimal,
    /// Whether the symbol is margin-tradable (exchangeInfo permissions).
    pub margin_allowed: bool,
    /// Decimals of the base asset (8, as on Binance spot).
    pub base_asset_precision: u32,
    /// Decimals of the quote asset (8, as on Binance spot).
    pub quote_precision: u32,
    /// Bids, best (highest) first.
    pub bids: Vec<(Decimal, Decimal)>,
    /// Asks, best (lowest) first.
    pub asks: Vec<(Decimal, Decimal)>,
    /// The book's update id, as in a depth snapshot.
    pub last_update_id: u64,
    /// Recent trades, oldest first.
    pub trades: Vec<Trade>,
    /// The 24 h statistics this market reports.
    pub ticker: Ticker24h,
    /// Volume-weighted price of the last `avg_price_mins` minutes of trades.
    pub avg_price: Decimal,
    /// Minutes `avg_price` covers.
    pub avg_price_mins: u32,
    /// Time of the last trade `avg_price` includes.
    pub avg_price_close_time: i64,
    /// The price path trades and candles follow.
    pub(crate) path: PricePath,
    /// Typical trade size in steps, for candle volumes.
    pub(crate) typical_steps: i64,
}

impl Market {
    /// Builds the market for `spec`, deterministically from `seed`, with its
    /// last trade at `anchor_ms`.
    pub fn generate(spec: &MarketSpec, seed: u64, anchor_ms: i64) -> Market {
        Market::from_rules(&Rules::from_spec(spec), seed, anchor_ms, Shape::DEFAULT)
    }

    /// Builds the market for `rules` with `shape`'s tape and book sizes,
    /// deterministically from `seed` and the symbol, with its last trade at
    /// `anchor_ms`.
    pub fn from_rules(rules: &Rules, seed: u64, anchor_ms: i64, shape: Shape) -> Market {
        let tick = rules.tick_size;
        let step = rules.step_size;
        let kline_key = hash_parts(seed, &[b"market", rules.symbol.as_bytes()]);
        // Jitter the anchor by up to ±5 % (in parts per million).
        let jitter_ppm = signed_unit(kline_key, 50_000);
        let raw_ticks = to_units(rules.anchor_price, tick) as i128;
        let anchor_ticks = (raw_ticks * (1_000_000 + jitter_ppm as i128) / 1_000_000) as i64;
        let grid = Grid {
            tick,
            step,
            min_ticks: to_units(rules.min_price, tick).max(1),
            max_ticks: to_units(rules.max_price, tick),
            typical_steps: to_units(rules.typical_qty, step).max(1),
        };
        let path = PricePath {
            key: kline_key,
            anchor_ticks,
        };
        let mut rng = SplitMix64::for_stream(seed, &rules.symbol);
        let trading = rules.status == "TRADING";

        let (trades, prev_close_ticks) = if trading {
            let tape = trade_tape(&mut rng, &grid, &path, anchor_ms, shape);
            (tape.trades, tape.start_ticks)
        } else {
            (Vec::new(), path.ticks_at(anchor_ms))
        };
        let (bids, asks) = match trades.last() {
            Some(last) => order_book(
                &mut rng,
                &grid,
                to_units(last.price, tick),
                shape.book_levels,
            ),
            None => (Vec::new(), Vec::new()),
        };
        let last_update_id = rng.range(1_000_000_000, 90_000_000_000) as u64;
        let prev_close = units(prev_close_ticks, tick);
        let ticker = ticker_24h(&trades, &bids, &asks, prev_close, anchor_ms);
        let (avg_price, avg_price_close_time) = average_price(&trades, prev_close, anchor_ms);

        Market {
            symbol: rules.symbol.clone(),
            base_asset: rules.base.clone(),
            quote_asset: rules.quote.clone(),
            status: rules.status.clone(),
            tick_size: tick,
            step_size: step,
            min_qty: rules.min_qty,
            max_qty: rules.max_qty,
            min_price: rules.min_price,
            max_price: rules.max_price,
            min_notional: rules.min_notional,
            max_notional: rules.max_notional,
            market_max_qty: rules.market_max_qty,
            margin_allowed: rules.margin,
            base_asset_precision: 8,
            quote_precision: 8,
            bids,
            asks,
            last_update_id,
            trades,
            ticker,
            avg_price,
            avg_price_mins: AVG_PRICE_MINS,
            avg_price_close_time,
            path,
            typical_steps: grid.typical_steps,
        }
    }

    /// The PRICE_FILTER / LOT_SIZE grid the market was generated on.
    pub(crate) fn grid(&self) -> Grid {
        Grid {
            tick: self.tick_size,
            step: self.step_size,
            min_ticks: to_units(self.min_price, self.tick_size).max(1),
            max_ticks: to_units(self.max_price, self.tick_size),
            typical_steps: self.typical_steps,
        }
    }

    /// Whether the symbol is open for trading (status "TRADING").
    pub fn is_trading(&self) -> bool {
        self.status == "TRADING"
    }

    /// The last traded price; the previous close for a market with no
    /// trades (what `ticker/price` reports).
    pub fn last_price(&self) -> Decimal {
        self.ticker.last_price
    }
}

/// Derives the 24 h ticker from the tape and book.
pub(crate) fn ticker_24h(
    trades: &[Trade],
    bids: &[(Decimal, Decimal)],
    asks: &[(Decimal, Decimal)],
    prev_close: Decimal,
    close_time: i64,
) -> Ticker24h {
    let open_time = close_time - DAY_MS;
    let window: Vec<&Trade> = trades.iter().filter(|t| t.time >= open_time).collect();
    let (bid_price, bid_qty) = bids.first().copied().unwrap_or_default();
    let (ask_price, ask_qty) = asks.first().copied().unwrap_or_default();
    let (Some(first), Some(last)) = (window.first(), window.last()) else {
        // Binance's shape for a symbol without trades in the window.
        return Ticker24h {
            price_change: Decimal::ZERO,
            price_change_percent: Decimal::ZERO,
            weighted_avg_price: Decimal::ZERO,
            prev_close_price: prev_close,
            last_price: prev_close,
            last_qty: Decimal::ZERO,
            bid_price,
            bid_qty,
            ask_price,
            ask_qty,
            open_price: Decimal::ZERO,
            high_price: Decimal::ZERO,
            low_price: Decimal::ZERO,
            volume: Decimal::ZERO,
            quote_volume: Decimal::ZERO,
            open_time,
            close_time,
            first_id: -1,
            last_id: -1,
            count: 0,
        };
    };
    let volume: Decimal = window.iter().map(|t| t.qty).sum();
    let quote_volume: Decimal = window.iter().map(|t| t.quote_qty).sum();
    let high = window.iter().map(|t| t.price).max().unwrap_or_default();
    let low = window.iter().map(|t| t.price).min().unwrap_or_default();
    let price_change = last.price - first.price;
    Ticker24h {
        price_change,
        price_change_percent: (price_change * Decimal::ONE_HUNDRED / first.price).round_dp(3),
        weighted_avg_price: (quote_volume / volume).round_dp(8),
        prev_close_price: prev_close,
        last_price: last.price,
        last_qty: last.qty,
        bid_price,
        bid_qty,
        ask_price,
        ask_qty,
        open_price: first.price,
        high_price: high,
        low_price: low,
        volume,
        quote_volume,
        open_time,
        close_time,
        first_id: first.id as i64,
        last_id: last.id as i64,
        count: window.len() as u64,
    }
}

/// Volume-weighted average of the last [`AVG_PRICE_MINS`] minutes of
/// trades and the time of the last one; the last price if none.
pub(crate) fn average_price(trades: &[Trade], fallback: Decimal, now_ms: i64) -> (Decimal, i64) {
    let since = now_ms - i64::from(AVG_PRICE_MINS) * 60_000;
    let recent: Vec<&Trade> = trades.iter().filter(|t| t.time > since).collect();
    let qty: Decimal = recent.iter().map(|t| t.qty).sum();
    match recent.last() {
        Some(last) if !qty.is_zero() => {
            let quote: Decimal = recent.iter().map(|t| t.quote_qty).sum();
            ((quote / qty).round_dp(8), last.time)
        }
        _ => match trades.last() {
            Some(last) => (last.price, last.time),
            None => (fallback, now_ms),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::num::on_grid;
    use crate::spec::MARKET_SPECS;

    const ANCHOR: i64 = 1_750_000_000_000;

    fn all(seed: u64) -> Vec<Market> {
        MARKET_SPECS
            .iter()
            .map(|s| Market::generate(s, seed, ANCHOR))
            .collect()
    }

    #[test]
    fn same_seed_same_markets() {
        assert_eq!(all(42), all(42));
    }

    #[test]
    fn different_seed_different_markets() {
        let (a, b) = (all(1), all(2));
        for (x, y) in a.iter().zip(&b) {
            assert_ne!(x.ticker.last_price, y.ticker.last_price, "{}", x.symbol);
            if x.is_trading() {
                assert_ne!(x.trades, y.trades, "{}", x.symbol);
            }
        }
    }

    #[test]
    fn book_is_ordered_and_on_grid() {
        for seed in [0, 42, 7777] {
            for m in all(seed).iter().filter(|m| m.is_trading()) {
                assert!(m.bids.len() >= 100 && m.asks.len() >= 100, "{}", m.symbol);
                assert!(m.bids[0].0 < m.asks[0].0, "{} crossed book", m.symbol);
                assert!(m.bids.windows(2).all(|w| w[0].0 > w[1].0));
                assert!(m.asks.windows(2).all(|w| w[0].0 < w[1].0));
                for (p, q) in m.bids.iter().chain(&m.asks) {
                    assert!(on_grid(*p, m.tick_size) && on_grid(*q, m.step_size));
                    assert!(*p >= m.min_price && *p <= m.max_price);
                    assert!(*q >= m.min_qty);
                }
            }
        }
    }

    #[test]
    fn tape_is_consistent() {
        for seed in [0, 42, 7777] {
            for m in all(seed).iter().filter(|m| m.is_trading()) {
                assert_eq!(m.trades.len(), crate::synth::TRADE_COUNT);
                assert_eq!(m.trades.last().unwrap().time, ANCHOR);
                assert!(m.trades.windows(2).all(|w| w[0].time <= w[1].time));
                assert!(m.trades.windows(2).all(|w| w[1].id == w[0].id + 1));
                for t in &m.trades {
                    assert!(on_grid(t.price, m.tick_size), "{} {}", m.symbol, t.price);
                    assert!(on_grid(t.qty, m.step_size), "{} {}", m.symbol, t.qty);
                    assert!(t.qty >= m.min_qty);
                    assert_eq!(t.quote_qty, (t.price * t.qty).round_dp(8));
                }
            }
        }
    }

    #[test]
    fn ticker_matches_book_and_tape() {
        for seed in [0, 42, 7777] {
            for m in all(seed).iter().filter(|m| m.is_trading()) {
                let t = &m.ticker;
                let last = m.trades.last().unwrap();
                assert_eq!(t.last_price, last.price);
                assert_eq!(t.last_qty, last.qty);
                assert_eq!((t.bid_price, t.bid_qty), m.bids[0]);
                assert_eq!((t.ask_price, t.ask_qty), m.asks[0]);
                assert!(t.bid_price <= t.last_price && t.last_price <= t.ask_price);
                assert_eq!(t.close_time, ANCHOR);
                assert_eq!(t.open_time, ANCHOR - DAY_MS);
                let window: Vec<&Trade> =
                    m.trades.iter().filter(|x| x.time >= t.open_time).collect();
                assert_eq!(t.count, window.len() as u64);
                assert_eq!(t.first_id, window[0].id as i64);
                assert_eq!(t.last_id, last.id as i64);
                assert_eq!(t.open_price, window[0].price);
                assert_eq!(t.volume, window.iter().map(|x| x.qty).sum::<Decimal>());
                assert_eq!(
                    t.quote_volume,
                    window.iter().map(|x| x.quote_qty).sum::<Decimal>()
                );
                for x in &window {
                    assert!(t.low_price <= x.price && x.price <= t.high_price);
                }
                assert!(
                    t.low_price <= t.weighted_avg_price && t.weighted_avg_price <= t.high_price
                );
                assert_eq!(t.price_change, t.last_price - t.open_price);
                assert!(t.low_price <= m.avg_price && m.avg_price <= t.high_price);
                assert_eq!(m.avg_price_close_time, last.time);
            }
        }
    }

    #[test]
    fn halted_market_has_no_activity() {
        let markets = all(42);
        let m = markets.iter().find(|m| m.status == "BREAK").unwrap();
        assert!(m.bids.is_empty() && m.asks.is_empty() && m.trades.is_empty());
        assert_eq!(m.ticker.count, 0);
        assert_eq!((m.ticker.first_id, m.ticker.last_id), (-1, -1));
        assert!(m.ticker.last_price > Decimal::ZERO);
        assert!(on_grid(m.ticker.last_price, m.tick_size));
    }

    #[test]
    fn reference_filters() {
        let markets = all(42);
        let get = |s: &str| markets.iter().find(|m| m.symbol == s).unwrap();
        let btc = get("BTCUSDT");
        assert_eq!(btc.tick_size, Decimal::new(1, 2));
        assert_eq!(btc.step_size, Decimal::new(1, 5));
        assert_eq!(btc.min_notional, Decimal::from(5));
        let ltc = get("LTCUSDT");
        assert_eq!(ltc.tick_size, Decimal::new(1, 2));
        assert_eq!(ltc.step_size, Decimal::new(1, 3));
        for s in ["BTCUSDT", "ETHUSDT", "BNBUSDT", "LTCUSDT", "ETHBTC"] {
            assert!(get(s).is_trading());
        }
    }
}
