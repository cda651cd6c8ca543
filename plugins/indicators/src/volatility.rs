//! Volatility bands and ranges: Bollinger Bands and the average true range.

use rust_decimal::Decimal;

use crate::average::{sma, wilder, Line};
use crate::numeric::{mean, sqrt};
use crate::Candle;

/// Bollinger Bands as TA-Lib's `BBANDS` with `matype = 0`: `[middle, upper, lower]`, the first
/// values at index `n − 1`.
///
/// middle = SMA(n) of closes; upper/lower = middle ± k × σ, where σ is the *population*
/// standard deviation of the same `n` closes (divided by n, not n − 1). σ is computed from the
/// deviations, √(Σ(x − mean)² / n), to Decimal's last digit (the form that cannot lose digits to
/// cancellation); TA-Lib's float64 result agrees within 10⁻¹³ on the fixtures. A flat window
/// has σ = 0: the three bands meet.
pub(crate) fn bollinger(closes: &[Decimal], n: usize, k: Decimal) -> [Line; 3] {
    let middle = sma(closes, n);
    let (mut upper, mut lower) = (vec![None; closes.len()], vec![None; closes.len()]);
    for (end, m) in middle.iter().enumerate() {
        let Some(m) = *m else { continue };
        let window = &closes[end + 1 - n..=end];
        let squares: Vec<Decimal> = window.iter().map(|x| (*x - m) * (*x - m)).collect();
        let width = k * sqrt(mean(&squares));
        upper[end] = Some(m + width);
        lower[end] = Some(m - width);
    }
    [middle, upper, lower]
}

/// True range of each candle after the first: max(high, previous close) − min(low, previous
/// close), i.e. the high–low range stretched to cover a gap from the previous close. Index j of
/// the result belongs to candle j + 1.
pub(crate) fn true_ranges(candles: &[Candle]) -> Vec<Decimal> {
    candles
        .windows(2)
        .map(|w| w[1].high.max(w[0].close) - w[1].low.min(w[0].close))
        .collect()
}

/// Wilder's ATR as TA-Lib's `ATR`: the first value is at index `n`, the simple average of the
/// true ranges of candles 1..=n (candle 0 has no previous close, so no true range), then
/// `atr = (atr × (n−1) + tr) / n`. ATR(1) is the true range itself, like TA-Lib's.
pub(crate) fn atr(candles: &[Candle], n: usize) -> Line {
    let mut out: Line = vec![None; candles.len().min(1)];
    out.extend(wilder(&true_ranges(candles), n));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    fn candle(t: i64, h: &str, l: &str, c: &str) -> Candle {
        Candle {
            open_time: t,
            open: d(c),
            high: d(h),
            low: d(l),
            close: d(c),
            volume: Decimal::ONE,
        }
    }

    #[test]
    fn bands_use_the_population_deviation() {
        // 2, 4, 4, 4, 5, 5, 7, 9: mean 5, population σ 2 (the textbook example).
        let closes: Vec<Decimal> = [2, 4, 4, 4, 5, 5, 7, 9].map(Decimal::from).to_vec();
        let [m, u, l] = bollinger(&closes, 8, d("1.5"));
        assert_eq!(m[..7], [None; 7]);
        assert_eq!(
            (m[7], u[7], l[7]),
            (Some(d("5")), Some(d("8")), Some(d("2")))
        );
    }

    #[test]
    fn a_flat_window_collapses_the_bands() {
        let [m, u, l] = bollinger(&[d("3.3"); 4], 3, d("2"));
        assert_eq!(
            (m[3], u[3], l[3]),
            (Some(d("3.3")), Some(d("3.3")), Some(d("3.3")))
        );
    }

    #[test]
    fn true_range_covers_gaps() {
        let candles = [
            candle(1, "10", "9", "10"),
            candle(2, "13", "12", "12.5"),   // gap up from 10: 13 − 10
            candle(3, "12", "11", "11"),     // inside: 12.5 − 11
            candle(4, "11.5", "10.5", "11"), // plain range 1
        ];
        assert_eq!(true_ranges(&candles), vec![d("3"), d("1.5"), d("1")]);
        // ATR(2): first at index 2 = (3 + 1.5)/2; then (2.25 + 1)/2.
        assert_eq!(
            atr(&candles, 2),
            vec![None, None, Some(d("2.25")), Some(d("1.625"))]
        );
        assert_eq!(
            atr(&candles, 1)[1..],
            [Some(d("3")), Some(d("1.5")), Some(d("1"))]
        );
        assert!(atr(&[], 1).is_empty());
    }
}
