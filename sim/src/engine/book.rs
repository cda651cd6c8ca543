//! The live markets: the generated [`Market`]s as trading changes them.
//!
//! A market is copied out of the generated state the first time the
//! engine touches it and is changed in place from then on: takers consume
//! book levels, every fill prints a public trade (the account's fills and
//! the public tape share trade ids, as on Binance), and
//! [`SimState::set_price`](crate::SimState::set_price) re-centres the book.
//! After each change the 24 h ticker and the average price are derived
//! again from the tape and book ([`refresh`]), so the market-data
//! endpoints keep the invariants the generated markets have (ticker
//! bid/ask = top of book, last price = last trade). Klines still follow
//! the generated price path.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};

use rust_decimal::Decimal;

use crate::account::generate::floor_to;
use crate::account::Side;
use crate::market::{average_price, ticker_24h, Market, Trade, DAY_MS};

/// How many trades a live tape keeps (the oldest are dropped beyond it).
pub const MAX_LIVE_TRADES: usize = 50_000;

/// The markets trading has changed, by symbol.
#[derive(Debug, Default)]
pub struct LiveMarkets(Mutex<HashMap<String, Market>>);

impl LiveMarkets {
    /// The changed markets, locked (poisoning is ignored). Lock order: the
    /// account first, then this.
    pub fn lock(&self) -> MutexGuard<'_, HashMap<String, Market>> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// What a taker asks of the book.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Want {
    /// This much base asset.
    Base(Decimal),
    /// Base asset worth this much quote asset (`quoteOrderQty`), in whole
    /// LOT_SIZE steps.
    Quote(Decimal),
}

/// The outcome of walking the book: the `(price, qty)` fills, best level
/// first, and whether the crossable levels ran out before `Want` was met.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Walk {
    /// Fills at each level's price.
    pub fills: Vec<(Decimal, Decimal)>,
    /// The book (within the limit price) ran out first.
    pub exhausted: bool,
}

impl Walk {
    /// Total base quantity.
    pub fn qty(&self) -> Decimal {
        self.fills.iter().map(|(_, q)| *q).sum()
    }

    /// Total quote amount, each fill rounded to eight decimals as a trade's
    /// `quoteQty` is.
    pub fn quote(&self) -> Decimal {
        self.fills.iter().map(|(p, q)| (p * q).round_dp(8)).sum()
    }
}

/// The side of the book a taker on `side` meets: asks for BUY, bids for SELL.
pub fn opposite(m: &Market, side: Side) -> &[(Decimal, Decimal)] {
    match side {
        Side::Buy => &m.asks,
        Side::Sell => &m.bids,
    }
}

/// Whether a taker on `side` with `limit` crosses a level at `price`.
pub fn crosses(side: Side, limit: Option<Decimal>, price: Decimal) -> bool {
    limit.is_none_or(|l| match side {
        Side::Buy => price <= l,
        Side::Sell => price >= l,
    })
}

/// Walks `levels` (the opposite side, best first) level by level, each at
/// its own price, without changing them. `step` is the LOT_SIZE step that
/// quote-sized takers round down to.
pub fn walk(
    levels: &[(Decimal, Decimal)],
    side: Side,
    limit: Option<Decimal>,
    want: Want,
    step: Decimal,
) -> Walk {
    let mut fills = Vec::new();
    let (mut base_left, mut quote_left) = match want {
        Want::Base(q) => (q, Decimal::ZERO),
        Want::Quote(q) => (Decimal::ZERO, q),
    };
    for &(price, qty) in levels {
        if !crosses(side, limit, price) {
            break;
        }
        let take = match want {
            Want::Base(_) => qty.min(base_left),
            Want::Quote(_) => qty.min(floor_to(quote_left / price, step)),
        };
        if take <= Decimal::ZERO {
            return Walk {
                fills,
                exhausted: false,
            };
        }
        fills.push((price, take));
        match want {
            Want::Base(_) => {
                base_left -= take;
                if base_left.is_zero() {
                    return Walk {
                        fills,
                        exhausted: false,
                    };
                }
            }
            Want::Quote(_) => {
                quote_left -= (price * take).round_dp(8);
                if take < qty {
                    return Walk {
                        fills,
                        exhausted: false,
                    };
                }
            }
        }
    }
    Walk {
        fills,
        exhausted: true,
    }
}

/// Takes `fills` (as [`walk`] returned them) out of the side of `m` a
/// taker on `side` meets, dropping emptied levels.
pub fn consume(m: &mut Market, side: Side, fills: &[(Decimal, Decimal)]) {
    let levels = match side {
        Side::Buy => &mut m.asks,
        Side::Sell => &mut m.bids,
    };
    for (i, (_, qty)) in fills.iter().enumerate() {
        if let Some(level) = levels.get_mut(i) {
            level.1 -= *qty;
        }
    }
    levels.retain(|(_, q)| *q > Decimal::ZERO);
    m.last_update_id += 1;
}

/// Appends a public trade to `m`'s tape and returns its id.
pub fn print(m: &mut Market, price: Decimal, qty: Decimal, time: i64, buyer_maker: bool) -> u64 {
    let id = m.trades.last().map_or(1, |t| t.id + 1);
    m.trades.push(Trade {
        id,
        price,
        qty,
        quote_qty: (price * qty).round_dp(8),
        time,
        is_buyer_maker: buyer_maker,
        is_best_match: true,
    });
    if m.trades.len() > MAX_LIVE_TRADES {
        let excess = m.trades.len() - MAX_LIVE_TRADES;
        m.trades.drain(..excess);
    }
    id
}

/// The price of `m`'s last trade (its previous close if it has none).
pub fn last_price(m: &Market) -> Decimal {
    m.trades.last().map_or(m.ticker.last_price, |t| t.price)
}

/// Replaces `m`'s book with `template`'s (the generated one) shifted so
/// that it surrounds `price` the way the generated book surrounds the
/// generated last price, with its full quantities; levels the shift pushes
/// outside PRICE_FILTER's bounds are dropped.
pub fn recenter(m: &mut Market, template: &Market, price: Decimal) {
    let shift = price - template.last_price();
    let (lo, hi) = (template.min_price, template.max_price);
    let moved = |levels: &[(Decimal, Decimal)]| {
        levels
            .iter()
            .map(|(p, q)| (p + shift, *q))
            .filter(|(p, _)| *p >= lo && *p <= hi && *p > Decimal::ZERO)
            .collect::<Vec<_>>()
    };
    m.bids = moved(&template.bids);
    m.asks = moved(&template.asks);
    m.last_update_id += 1;
}

/// Derives `m`'s 24 h ticker and average price again at `now` from its tape
/// and book; `template` supplies the close before the generated tape.
pub fn refresh(m: &mut Market, template: &Market, now: i64) {
    let close = now.max(m.trades.last().map_or(now, |t| t.time));
    let open = close - DAY_MS;
    let prev_close = m
        .trades
        .iter()
        .rev()
        .find(|t| t.time < open)
        .map_or(template.ticker.prev_close_price, |t| t.price);
    m.ticker = ticker_24h(&m.trades, &m.bids, &m.asks, prev_close, close);
    let (avg, avg_time) = average_price(&m.trades, m.ticker.last_price, close);
    m.avg_price = avg;
    m.avg_price_close_time = avg_time;
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    fn asks() -> Vec<(Decimal, Decimal)> {
        vec![(d("100"), d("1")), (d("101"), d("2")), (d("103"), d("5"))]
    }

    #[test]
    fn walks_level_by_level_at_each_price() {
        let w = walk(&asks(), Side::Buy, None, Want::Base(d("2.5")), d("0.1"));
        assert_eq!(w.fills, vec![(d("100"), d("1")), (d("101"), d("1.5"))]);
        assert!(!w.exhausted);
        assert_eq!(w.quote(), d("251.5"));
    }

    #[test]
    fn limit_price_stops_the_walk() {
        let w = walk(
            &asks(),
            Side::Buy,
            Some(d("101")),
            Want::Base(d("10")),
            d("0.1"),
        );
        assert_eq!(w.qty(), d("3"));
        assert!(w.exhausted, "the rest would rest or expire");
        let bids = vec![(d("99"), d("1")), (d("98"), d("1"))];
        let w = walk(
            &bids,
            Side::Sell,
            Some(d("98.5")),
            Want::Base(d("5")),
            d("1"),
        );
        assert_eq!(w.fills, vec![(d("99"), d("1"))]);
    }

    #[test]
    fn quote_sized_takers_round_down_to_the_step() {
        // 100 at 100 buys 1; 150 more at 101 buys 1.48 (step 0.01).
        let w = walk(&asks(), Side::Buy, None, Want::Quote(d("250")), d("0.01"));
        assert_eq!(w.fills, vec![(d("100"), d("1")), (d("101"), d("1.48"))]);
        assert!(w.quote() <= d("250"));
        assert!(!w.exhausted);
        let w = walk(&asks(), Side::Buy, None, Want::Quote(d("5000")), d("0.01"));
        assert!(w.exhausted);
        assert_eq!(w.qty(), d("8"));
    }
}
