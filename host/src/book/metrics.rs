//! What a model asks of a live book, computed on the fixed-point ladders
//! under the book's lock: L1 metrics (spread, mid, microprice, imbalance),
//! liquidity in basis-point bands around the mid, walls, and depth in a
//! compact integer encoding.
//!
//! Sums run in `u128` at the fixed-point scale (exact), one pass per side
//! for every band, and ratios are integer divisions rounded half-even;
//! results become `Decimal`s once, at the end (`benches/book.rs` measures
//! a 1000-level book).

use rust_decimal::Decimal;

use super::fixed::{self, ONE, SCALE};
use super::side::{Ladder, Level};
use super::sync::LocalBook;

/// Most bands one question may ask for.
pub const MAX_BANDS: usize = 8;
/// Levels a side that walls are looked for among.
pub const WALL_WINDOW: usize = 50;
/// A wall is at least this many times the window's median quantity.
pub const WALL_MULTIPLE: u64 = 5;
/// Walls reported a side (the largest).
pub const MAX_WALLS: usize = 3;
/// The rule, stated in answers.
pub const WALL_RULE: &str = "a level among the best 50 of its side whose quantity is at least 5x that side's median quantity over those 50 levels; the 3 largest per side";

/// Liquidity within `bps` of the mid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Band {
    /// Half-width in basis points.
    pub bps: u32,
    /// Bid quantity priced at or above mid × (1 − bps/10⁴).
    pub bid_qty: Decimal,
    /// Ask quantity priced at or below mid × (1 + bps/10⁴).
    pub ask_qty: Decimal,
    /// Σ price × qty of those bids (quote asset, 8 decimals).
    pub bid_notional: Decimal,
    /// Σ price × qty of those asks.
    pub ask_notional: Decimal,
    /// (bid − ask) / (bid + ask) quantity, 4 decimals; 0 when both are 0.
    pub imbalance: Decimal,
}

/// A level much larger than its neighbours (see [`WALL_RULE`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Wall {
    /// A bid (true) or an ask.
    pub bid: bool,
    /// Its price.
    pub price: Decimal,
    /// Its quantity.
    pub qty: Decimal,
    /// Its quantity over the side's median, 2 decimals.
    pub times_median: Decimal,
}

/// L1 metrics, bands and walls of one book.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Metrics {
    /// Best bid (price, qty).
    pub best_bid: (Decimal, Decimal),
    /// Best ask (price, qty).
    pub best_ask: (Decimal, Decimal),
    /// (bid + ask) / 2, exact.
    pub mid: Decimal,
    /// ask − bid.
    pub spread: Decimal,
    /// spread / mid × 10⁴, 4 decimals.
    pub spread_bps: Decimal,
    /// Size-weighted mid: (bid × askQty + ask × bidQty) / (bidQty + askQty), 8 decimals.
    pub microprice: Decimal,
    /// (bidQty − askQty) / (bidQty + askQty) at the best prices, 4 decimals.
    pub imbalance: Decimal,
    /// One per requested band, narrowest first.
    pub bands: Vec<Band>,
    /// Bids then asks, largest first.
    pub walls: Vec<Wall>,
}

fn d(v: u64) -> Decimal {
    fixed::to_decimal(v)
}

/// `n / d` rounded half-even (`d` > 0).
fn div_half_even(n: u128, d: u128) -> u128 {
    let (q, r) = (n / d, n % d);
    // Compare r with d − r: 2r could overflow.
    let rest = d - r;
    if r > rest || (r == rest && q % 2 == 1) {
        q + 1
    } else {
        q
    }
}

/// `num / den` rounded half-even to `dp` decimals, in integers: a
/// `Decimal` division costs several times more, and a metrics answer
/// needs a dozen of them. 0 when `den` is 0; saturates at `Decimal::MAX`
/// (no figure here comes near it).
fn ratio(num: i128, den: i128, dp: u32) -> Decimal {
    if den == 0 {
        return Decimal::ZERO;
    }
    let negative = (num < 0) != (den < 0);
    let (n, dn) = (num.unsigned_abs(), den.unsigned_abs());
    let Some(scaled) = n.checked_mul(10u128.pow(dp)) else {
        return Decimal::MAX;
    };
    let Ok(q) = i128::try_from(div_half_even(scaled, dn)) else {
        return Decimal::MAX;
    };
    Decimal::try_from_i128_with_scale(if negative { -q } else { q }, dp)
        .map_or(Decimal::MAX, |v| v.normalize())
}

/// Σ price·qty at scale 16 → quote amount at 8 decimals (half-even).
fn notional(sum16: u128) -> Decimal {
    let q = div_half_even(sum16, u128::from(ONE));
    Decimal::try_from_i128_with_scale(i128::try_from(q).unwrap_or(i128::MAX), SCALE)
        .unwrap_or(Decimal::MAX)
        .normalize()
}

/// Quantity and notional of `side` inside each threshold (ascending bps).
/// Each band's edge is turned into a price once (bids at or above
/// ⌈mid·(1 − bps/10⁴)⌉, asks at or below ⌊mid·(1 + bps/10⁴)⌋, exact in
/// 10⁻⁸ units) and found by binary search; the bands are nested, so each
/// level is summed once, over contiguous memory.
fn sweep(side: &Ladder, bid: bool, mid2: u128, bps: &[u32]) -> Vec<(u128, u128)> {
    let mut out = Vec::with_capacity(bps.len());
    let (mut qty, mut notional) = (0u128, 0u128);
    // Levels already summed, counted from the best end.
    let mut summed = 0;
    let mut overflowed = false;
    for &b in bps {
        // mid2 = bid + ask, so the edge price is mid2 · f / 20,000.
        let f = if bid {
            10_000 - u128::from(b.min(10_000))
        } else {
            10_000 + u128::from(b)
        };
        let scaled = mid2 * f;
        let edge = if bid {
            scaled.div_ceil(20_000)
        } else {
            scaled / 20_000
        };
        let inside = side.at_or_better(u64::try_from(edge).unwrap_or(u64::MAX));
        let fresh = &inside[..inside.len().saturating_sub(summed)];
        summed = summed.max(inside.len());
        for l in fresh {
            qty += u128::from(l.qty);
            let (sum, over) = notional.overflowing_add(u128::from(l.price) * u128::from(l.qty));
            notional = sum;
            overflowed |= over;
        }
        // Saturates only past 3.4·10³⁸ (no real book comes near).
        out.push((qty, if overflowed { u128::MAX } else { notional }));
    }
    out
}

fn walls(side: &Ladder, bid: bool, out: &mut Vec<Wall>) {
    let mut qtys = [0u64; WALL_WINDOW];
    let n = side.len().min(WALL_WINDOW);
    for (slot, l) in qtys.iter_mut().zip(side.iter()) {
        *slot = l.qty;
    }
    if n < 3 {
        return;
    }
    let window = &mut qtys[..n];
    let (_, median, _) = window.select_nth_unstable(n / 2);
    let median = *median;
    if median == 0 {
        return;
    }
    let mut found: Vec<&Level> = side
        .iter()
        .take(n)
        .filter(|l| l.qty >= median.saturating_mul(WALL_MULTIPLE))
        .collect();
    found.sort_by_key(|l| std::cmp::Reverse(l.qty));
    out.extend(found.into_iter().take(MAX_WALLS).map(|l| Wall {
        bid,
        price: d(l.price),
        qty: d(l.qty),
        times_median: ratio(i128::from(l.qty), i128::from(median), 2),
    }));
}

/// The metrics of `book` with liquidity in `bands_bps` (sorted and
/// deduplicated here); `None` when a side is empty.
pub fn compute(book: &LocalBook, bands_bps: &[u32]) -> Option<Metrics> {
    let (b, a) = (book.bids().best()?, book.asks().best()?);
    let mut bps: Vec<u32> = bands_bps.iter().copied().take(MAX_BANDS).collect();
    bps.sort_unstable();
    bps.dedup();
    let mid2 = u128::from(b.price) + u128::from(a.price);
    let mid = Decimal::from_i128_with_scale(mid2 as i128 * 5, SCALE + 1).normalize();
    let spread = a.price - b.price;
    let spread_bps = ratio(i128::from(spread) * 20_000, mid2 as i128, 4);
    let (bq, aq) = (i128::from(b.qty), i128::from(a.qty));
    // (bid·askQty + ask·bidQty) / (bidQty + askQty) = bid + spread·bidQty /
    // (bidQty + askQty): the same value, and spread·bidQty fits in 128 bits.
    // In 10⁻⁸ units the offset is spread·bidQty / (bidQty + askQty), at
    // most the spread.
    let offset = div_half_even(
        u128::from(spread) * u128::from(b.qty),
        u128::from(b.qty) + u128::from(a.qty),
    );
    let microprice = d(b
        .price
        .saturating_add(u64::try_from(offset).unwrap_or(spread)));
    let bids = sweep(book.bids(), true, mid2, &bps);
    let asks = sweep(book.asks(), false, mid2, &bps);
    let bands = bps
        .iter()
        .zip(bids.iter().zip(&asks))
        .map(|(&bps, (&(bq, bn), &(aq, an)))| Band {
            bps,
            bid_qty: d(u64::try_from(bq).unwrap_or(u64::MAX)),
            ask_qty: d(u64::try_from(aq).unwrap_or(u64::MAX)),
            bid_notional: notional(bn),
            ask_notional: notional(an),
            imbalance: ratio(bq as i128 - aq as i128, (bq + aq) as i128, 4),
        })
        .collect();
    let mut w = Vec::new();
    walls(book.bids(), true, &mut w);
    walls(book.asks(), false, &mut w);
    Some(Metrics {
        best_bid: (d(b.price), d(b.qty)),
        best_ask: (d(a.price), d(a.qty)),
        mid,
        spread: d(spread),
        spread_bps,
        microprice,
        imbalance: ratio(bq - aq, bq + aq, 4),
        bands,
        walls: w,
    })
}

/// Depth in integers: `price = row.0 / 10^price_scale`, `qty = row.1 /
/// 10^qty_scale`, the scales being the fewest decimals that state every
/// returned level exactly.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IntDepth {
    /// Decimals of the prices.
    pub price_scale: u32,
    /// Decimals of the quantities.
    pub qty_scale: u32,
    /// Bids, best first.
    pub bids: Vec<(u64, u64)>,
    /// Asks, best first.
    pub asks: Vec<(u64, u64)>,
}

/// The best `levels` a side of `book`, integer-encoded.
pub fn depth(book: &LocalBook, levels: usize) -> IntDepth {
    let take = |l: &Ladder| l.iter().take(levels).copied().collect::<Vec<Level>>();
    let (bids, asks) = (take(book.bids()), take(book.asks()));
    let all = || bids.iter().chain(&asks);
    let price_scale = all().map(|l| fixed::decimals(l.price)).max().unwrap_or(0);
    let qty_scale = all().map(|l| fixed::decimals(l.qty)).max().unwrap_or(0);
    let (pd, qd) = (10u64.pow(SCALE - price_scale), 10u64.pow(SCALE - qty_scale));
    let enc = |v: &[Level]| v.iter().map(|l| (l.price / pd, l.qty / qd)).collect();
    IntDepth {
        price_scale,
        qty_scale,
        bids: enc(&bids),
        asks: enc(&asks),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::book::sync::Chain;

    fn f(s: &str) -> u64 {
        fixed::parse(s.as_bytes()).unwrap()
    }

    fn book(bids: &[(&str, &str)], asks: &[(&str, &str)]) -> LocalBook {
        let mut b = LocalBook::new(Chain::Spot, 1000, 10);
        let conv = |v: &[(&str, &str)]| v.iter().map(|(p, q)| (f(p), f(q))).collect::<Vec<_>>();
        b.load(1, conv(bids), conv(asks));
        b
    }

    #[test]
    fn l1_metrics_are_exact() {
        let b = book(
            &[("100.00", "3"), ("99.99", "1")],
            &[("100.03", "1"), ("100.10", "2")],
        );
        let m = compute(&b, &[10]).unwrap();
        assert_eq!(m.mid.to_string(), "100.015");
        assert_eq!(m.spread.to_string(), "0.03");
        // 0.03 / 100.015 × 10⁴ = 2.99955…
        assert_eq!(m.spread_bps.to_string(), "2.9996");
        // (100 × 1 + 100.03 × 3) / 4 = 100.0225
        assert_eq!(m.microprice.to_string(), "100.0225");
        assert_eq!(m.imbalance.to_string(), "0.5");
        assert_eq!(m.best_bid, ("100".parse().unwrap(), "3".parse().unwrap()));
    }

    #[test]
    fn bands_include_exactly_the_levels_inside() {
        // mid 100; 10 bps = [99.9, 100.1]; 50 bps = [99.5, 100.5].
        let b = book(
            &[
                ("99.99", "1"),
                ("99.90", "2"),
                ("99.89", "4"),
                ("99.50", "8"),
                ("99.00", "16"),
            ],
            &[
                ("100.01", "1"),
                ("100.10", "1"),
                ("100.11", "1"),
                ("100.60", "5"),
            ],
        );
        let m = compute(&b, &[50, 10, 10]).unwrap();
        assert_eq!(m.bands.len(), 2);
        let (b10, b50) = (&m.bands[0], &m.bands[1]);
        assert_eq!(
            (b10.bps, b10.bid_qty.to_string(), b10.ask_qty.to_string()),
            (10, "3".into(), "2".into())
        );
        assert_eq!(
            (b50.bps, b50.bid_qty.to_string(), b50.ask_qty.to_string()),
            (50, "15".into(), "3".into())
        );
        // 99.99 + 2 × 99.90 = 299.79
        assert_eq!(b10.bid_notional.to_string(), "299.79");
        assert_eq!(b10.imbalance.to_string(), "0.2");
    }

    #[test]
    fn walls_follow_the_stated_rule() {
        let mut bids = vec![("100.00".to_string(), "1".to_string())];
        for i in 1..20 {
            bids.push((
                format!("{}.00", 100 - i),
                if i == 7 {
                    "5"
                } else if i == 9 {
                    "4.99"
                } else {
                    "1"
                }
                .to_string(),
            ));
        }
        let bids: Vec<(&str, &str)> = bids.iter().map(|(p, q)| (p.as_str(), q.as_str())).collect();
        let b = book(&bids, &[("101", "1"), ("102", "1"), ("103", "1")]);
        let m = compute(&b, &[10]).unwrap();
        assert_eq!(m.walls.len(), 1, "{:?}", m.walls);
        assert!(m.walls[0].bid);
        assert_eq!(m.walls[0].price.to_string(), "93");
        assert_eq!(m.walls[0].times_median.to_string(), "5");
    }

    #[test]
    fn depth_encodes_with_the_fewest_decimals() {
        let b = book(
            &[("65000.1", "0.00120000"), ("65000", "2")],
            &[("65000.25", "0.5")],
        );
        let e = depth(&b, 20);
        assert_eq!((e.price_scale, e.qty_scale), (2, 4));
        assert_eq!(e.bids, [(6_500_010, 12), (6_500_000, 20_000)]);
        assert_eq!(e.asks, [(6_500_025, 5_000)]);
        assert!(compute(&book(&[], &[("1", "1")]), &[10]).is_none());
    }

    #[test]
    fn integer_ratios_round_as_decimal_does() {
        use rust_decimal::RoundingStrategy;
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        for _ in 0..20_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let num = i128::from((x >> 20) as i64 % 2_000_001 - 1_000_000);
            let den = i128::from(((x & 0xFFFF) % 9_999) as i64 + 1);
            let dp = (x >> 60) as u32 % 9;
            let expect = (Decimal::from(num) / Decimal::from(den))
                .round_dp_with_strategy(dp, RoundingStrategy::MidpointNearestEven)
                .normalize();
            assert_eq!(ratio(num, den, dp), expect, "{num}/{den} at {dp}");
        }
        // Exact ties go to the even neighbour, both signs.
        assert_eq!(ratio(5, 2, 0).to_string(), "2");
        assert_eq!(ratio(-15, 10, 0).to_string(), "-2");
        assert_eq!(ratio(1, 0, 4), Decimal::ZERO);
    }

    #[test]
    fn extreme_levels_do_not_overflow() {
        let b = book(
            &[("184467440737.09551615", "184467440737.09551615")],
            &[("184467440737.09551615", "184467440737.09551615")],
        );
        // Crossed (never live on the engine's path), but computing must not panic.
        let m = compute(&b, &[10, 10000]).unwrap();
        assert_eq!(m.spread, Decimal::ZERO);
        let b = book(
            &[("0.00000001", "184467440737.09551615")],
            &[("184467440737.09551615", "184467440737.09551615")],
        );
        let m = compute(&b, &[10, 10000]).unwrap();
        assert!(m.microprice > m.best_bid.0 && m.microprice < m.best_ask.0);
        assert_eq!(m.bands.len(), 2);
    }
}
