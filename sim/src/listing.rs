//! The extra listings of [`Scale::listings`](crate::Scale::listings):
//! realistic-looking symbols with Binance-style trading rules, generated
//! from the seed.
//!
//! Each base asset gets a dollar price (log-uniform, $0.00001 to $99 900)
//! and is listed against one to four of USDT, BTC, ETH and FDUSD at that
//! price converted into the quote (pairs that would trade below 0.00000005
//! are not listed, as Binance delists them). The tick size puts three or
//! four significant digits in the price, the step size is coarser the
//! cheaper the coin, and every figure stays within Binance's eight
//! decimals. Each listing has a [`LISTING_SHAPE`] tape and book, and klines
//! like every market.

use std::collections::HashSet;

use rust_decimal::Decimal;

use crate::account::generate::floor_to;
use crate::market::Market;
use crate::rng::SplitMix64;
use crate::spec::{Rules, MARKET_SPECS};
use crate::synth::Shape;

/// Tape and book of one extra listing: 100 trades up to 14 minutes apart
/// (the tape spans under a day), 20 levels per side.
pub const LISTING_SHAPE: Shape = Shape {
    trades: 100,
    max_trade_gap_ms: 14 * 60_000,
    book_levels: 20,
};

/// Quote assets and the percent chance a base asset is listed against each.
const QUOTES: [(&str, u64); 4] = [("USDT", 90), ("BTC", 55), ("FDUSD", 35), ("ETH", 25)];

/// Assets no listing may use as its base: the fixed markets' assets, the
/// quotes, and the account's other assets.
const RESERVED: [&str; 9] = [
    "BTC", "ETH", "USDT", "BNB", "LTC", "XYZ", "DOGE", "FDUSD", "USDC",
];

/// `10^exp` as a decimal (`exp` may be negative).
pub(crate) fn pow10(exp: i32) -> Decimal {
    if exp >= 0 {
        Decimal::from(10i64.pow(exp as u32))
    } else {
        Decimal::new(1, exp.unsigned_abs())
    }
}

/// `floor(log10(value))` of a positive decimal.
pub(crate) fn magnitude(value: Decimal) -> i32 {
    let (mut v, mut mag) = (value, 0);
    while v >= Decimal::TEN {
        v /= Decimal::TEN;
        mag += 1;
    }
    while v < Decimal::ONE && mag > -30 {
        v *= Decimal::TEN;
        mag -= 1;
    }
    mag
}

/// A base asset name: 2–6 uppercase letters and digits, mostly letters.
fn base_name(rng: &mut SplitMix64) -> String {
    const LENGTHS: [usize; 9] = [2, 3, 3, 4, 4, 4, 5, 5, 6];
    const LETTERS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    const DIGITS: &[u8] = b"0123456789";
    let len = LENGTHS[rng.range(0, LENGTHS.len() as i64 - 1) as usize];
    (0..len)
        .map(|i| {
            let pool = if rng.chance(if i == 0 { 5 } else { 12 }) {
                DIGITS
            } else {
                LETTERS
            };
            pool[rng.range(0, pool.len() as i64 - 1) as usize] as char
        })
        .collect()
}

/// The dollar price of one unit of each quote asset (the fixed markets'
/// anchors for BTC and ETH).
fn quote_usd(quote: &str) -> Decimal {
    let anchor = |symbol: &str| {
        MARKET_SPECS
            .iter()
            .find(|s| s.symbol == symbol)
            .and_then(|s| s.anchor_price.parse().ok())
            .unwrap_or(Decimal::ONE)
    };
    match quote {
        "BTC" => anchor("BTCUSDT"),
        "ETH" => anchor("ETHUSDT"),
        _ => Decimal::ONE,
    }
}

/// The rules of `count` extra listings, in exchangeInfo order (grouped by
/// base asset). A shorter list is a prefix of a longer one.
pub fn listing_rules(seed: u64, count: usize) -> Vec<Rules> {
    let mut rng = SplitMix64::for_stream(seed, "listings");
    let mut bases: HashSet<String> = RESERVED.iter().map(|s| s.to_string()).collect();
    let mut symbols: HashSet<String> = MARKET_SPECS.iter().map(|s| s.symbol.into()).collect();
    let mut out = Vec::with_capacity(count);
    while out.len() < count {
        let base = base_name(&mut rng);
        if !bases.insert(base.clone()) {
            continue;
        }
        let usd_mag = rng.range(-5, 4) as i32;
        let usd = Decimal::new(rng.range(100, 999), 2) * pow10(usd_mag);
        let step = pow10((-usd_mag - rng.range(0, 1) as i32).clamp(-8, 0));
        let margin = rng.chance(25);
        let mut quotes: Vec<&str> = QUOTES
            .iter()
            .filter(|(_, pct)| rng.chance(*pct))
            .map(|(q, _)| *q)
            .collect();
        if quotes.is_empty() {
            quotes.push("USDT");
        }
        for quote in quotes {
            let price = usd / quote_usd(quote);
            if out.len() == count || price < Decimal::new(5, 8) {
                continue;
            }
            let mag = magnitude(price);
            let tick = pow10((mag - rng.range(3, 4) as i32).clamp(-8, 0));
            let anchor = floor_to(price, tick).max(tick);
            let min_notional = match quote {
                "BTC" => Decimal::new(1, 4),
                "ETH" => Decimal::new(1, 3),
                _ => Decimal::from(5),
            };
            let typical_notional = min_notional * Decimal::from(rng.range(4, 60));
            let symbol = format!("{base}{quote}");
            if !symbols.insert(symbol.clone()) {
                continue;
            }
            out.push(Rules {
                symbol,
                base: base.clone(),
                quote: quote.to_string(),
                status: "TRADING".to_string(),
                anchor_price: anchor,
                tick_size: tick,
                step_size: step,
                min_qty: step,
                max_qty: step * Decimal::from(9_000_000_000i64),
                market_max_qty: step * Decimal::from(90_000_000),
                min_price: tick,
                max_price: pow10((mag + 4).min(6)),
                min_notional,
                max_notional: Decimal::from(9_000_000),
                typical_qty: floor_to(typical_notional / anchor, step).max(step),
                margin,
            });
        }
    }
    out
}

/// The `count` extra listing markets, with their last trade at `anchor_ms`.
/// Markets are independent of each other, so large counts are built on
/// every core (the result does not depend on how many there are).
pub fn listings(seed: u64, anchor_ms: i64, count: usize) -> Vec<Market> {
    let rules = listing_rules(seed, count);
    let build = |chunk: &[Rules]| -> Vec<Market> {
        chunk
            .iter()
            .map(|r| Market::from_rules(r, seed, anchor_ms, LISTING_SHAPE))
            .collect()
    };
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get().min(8));
    if threads < 2 || rules.len() < 256 {
        return build(&rules);
    }
    std::thread::scope(|s| {
        let handles: Vec<_> = rules
            .chunks(rules.len().div_ceil(threads))
            .map(|chunk| s.spawn(move || build(chunk)))
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("listing generation panicked"))
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::num::on_grid;

    const ANCHOR: i64 = 1_750_000_000_000;

    #[test]
    fn decimal_helpers() {
        assert_eq!(pow10(0), Decimal::ONE);
        assert_eq!(pow10(3), Decimal::from(1000));
        assert_eq!(pow10(-8), Decimal::new(1, 8));
        assert_eq!(magnitude(Decimal::new(65_000, 0)), 4);
        assert_eq!(magnitude(Decimal::new(1, 0)), 0);
        assert_eq!(magnitude(Decimal::new(999, 3)), -1);
        assert_eq!(magnitude(Decimal::new(5, 8)), -8);
    }

    #[test]
    fn names_are_unique_valid_and_deterministic() {
        let rules = listing_rules(42, 2500);
        assert_eq!(rules.len(), 2500);
        assert_eq!(rules, listing_rules(42, 2500));
        assert_eq!(&rules[..100], &listing_rules(42, 100)[..]);
        assert_ne!(rules[..50], listing_rules(43, 50)[..]);
        let mut seen: HashSet<&str> = MARKET_SPECS.iter().map(|s| s.symbol).collect();
        for r in &rules {
            assert!(seen.insert(&r.symbol), "duplicate {}", r.symbol);
            assert_eq!(r.symbol, format!("{}{}", r.base, r.quote));
            assert!((2..=6).contains(&r.base.len()), "{}", r.base);
            assert!(r
                .base
                .bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit()));
            assert!(!RESERVED.contains(&r.base.as_str()));
            assert!(QUOTES.iter().any(|(q, _)| *q == r.quote));
        }
        for (q, _) in QUOTES {
            let n = rules.iter().filter(|r| r.quote == q).count();
            assert!(n > 150, "{q}: {n}");
        }
    }

    #[test]
    fn rules_are_binance_like() {
        let rules = listing_rules(7, 2500);
        let (mut lo, mut hi) = (Decimal::MAX, Decimal::ZERO);
        for r in &rules {
            for unit in [r.tick_size, r.step_size] {
                assert!(
                    unit >= Decimal::new(1, 8) && unit <= Decimal::ONE,
                    "{}",
                    r.symbol
                );
                assert_eq!(unit, pow10(magnitude(unit)));
            }
            assert!(
                r.anchor_price >= Decimal::new(5, 8) && r.anchor_price < Decimal::from(100_000)
            );
            assert!(on_grid(r.anchor_price, r.tick_size));
            assert!(r.anchor_price / r.tick_size >= Decimal::from(5));
            assert!(r.max_price >= r.anchor_price * Decimal::TEN);
            assert!(on_grid(r.max_price, r.tick_size) && on_grid(r.max_qty, r.step_size));
            assert!(on_grid(r.typical_qty, r.step_size) && r.typical_qty >= r.min_qty);
            assert_eq!(r.min_price, r.tick_size);
            lo = lo.min(r.anchor_price);
            hi = hi.max(r.anchor_price);
        }
        assert!(lo < Decimal::new(1, 6), "{lo}");
        assert!(hi > Decimal::from(10_000), "{hi}");
    }

    #[test]
    fn listing_markets_trade() {
        let markets = listings(3, ANCHOR, 300);
        let one_by_one: Vec<Market> = listing_rules(3, 300)
            .iter()
            .map(|r| Market::from_rules(r, 3, ANCHOR, LISTING_SHAPE))
            .collect();
        assert_eq!(markets, one_by_one);
        for m in &markets {
            assert!(m.is_trading());
            assert_eq!(m.trades.len(), LISTING_SHAPE.trades);
            assert_eq!(m.trades.last().unwrap().time, ANCHOR);
            assert_eq!(m.ticker.count, LISTING_SHAPE.trades as u64);
            assert!(!m.bids.is_empty() && m.asks.len() == LISTING_SHAPE.book_levels);
            assert!(m.bids.len() <= LISTING_SHAPE.book_levels);
            assert!(m.bids[0].0 < m.asks[0].0);
            for t in &m.trades {
                assert!(on_grid(t.price, m.tick_size) && on_grid(t.qty, m.step_size));
                assert!(t.price >= m.min_price && t.qty >= m.min_qty);
            }
            let k = m.klines(crate::Interval::H1, None, None, 3, ANCHOR);
            assert_eq!(k.len(), 3);
            assert!(k.iter().all(|k| on_grid(k.close, m.tick_size)));
        }
    }
}
