//! The three moving averages every indicator here is built from — simple, exponential and
//! Wilder's — plus the helpers that chain them (an average of an average starts where its input
//! does).
//!
//! A [`Line`] is aligned with its input: `None` before its first value, `Some` from there to the
//! end. Each function returns a line as long as its input, all `None` when the input is too
//! short; the callers check lengths first, so that case only keeps the functions total.

use rust_decimal::Decimal;

use crate::numeric::mean;

/// One output column, aligned with the candles.
pub(crate) type Line = Vec<Option<Decimal>>;

/// Simple moving average of `n` values; the first value is at index `n - 1`.
///
/// Every window is summed afresh (O(len × n), at most 500 × 1500 additions here) rather than
/// kept as a running sum: a running sum of inexact inputs (the stochastic's quotients) would
/// drift with every subtraction, a fresh one is as exact as the inputs are.
pub(crate) fn sma(values: &[Decimal], n: usize) -> Line {
    let mut out = vec![None; values.len()];
    if n == 0 {
        return out;
    }
    for (end, slot) in out.iter_mut().enumerate().skip(n - 1) {
        *slot = Some(mean(&values[end + 1 - n..=end]));
    }
    out
}

/// Exponential moving average of `n` values, seeded with the SMA of the first `n` (TA-Lib's
/// default seeding); the first value is at index `n - 1`.
pub(crate) fn ema(values: &[Decimal], n: usize) -> Line {
    ema_seeded(values, n, n.saturating_sub(1))
}

/// EMA with smoothing factor α = 2/(n+1), seeded at index `seed_end` with the SMA of the `n`
/// values ending there, then `ema = ema + α × (x − ema)` for each later value.
///
/// A plain EMA seeds at `n - 1`. MACD's fast EMA seeds later, at the slow EMA's seed index: that
/// is how TA-Lib's `TA_INT_MACD` runs both EMAs from the same start index, so its fast EMA is
/// *not* the standalone `EMA(fast)`: the two differ by an amount that shrinks by a factor
/// (1 − α) per candle, so MACD's early values differ from EMA(fast) − EMA(slow).
pub(crate) fn ema_seeded(values: &[Decimal], n: usize, seed_end: usize) -> Line {
    let mut out = vec![None; values.len()];
    if n == 0 || seed_end + 1 < n || seed_end >= values.len() {
        return out;
    }
    let alpha = Decimal::TWO / Decimal::from(n + 1);
    let mut prev = mean(&values[seed_end + 1 - n..=seed_end]);
    out[seed_end] = Some(prev);
    for (x, slot) in values[seed_end + 1..].iter().zip(&mut out[seed_end + 1..]) {
        prev += (*x - prev) * alpha;
        *slot = Some(prev);
    }
    out
}

/// Wilder's smoothing of `n` values (an EMA with α = 1/n), seeded with the SMA of the first
/// `n`: the first value is at index `n - 1`, then `avg = (avg × (n−1) + x) / n` — TA-Lib's
/// order of operations for RSI and ATR.
pub(crate) fn wilder(values: &[Decimal], n: usize) -> Line {
    let mut out = vec![None; values.len()];
    if n == 0 || values.len() < n {
        return out;
    }
    let (keep, count) = (Decimal::from(n - 1), Decimal::from(n));
    let mut prev = mean(&values[..n]);
    out[n - 1] = Some(prev);
    for (x, slot) in values[n..].iter().zip(&mut out[n..]) {
        prev = (prev * keep + *x) / count;
        *slot = Some(prev);
    }
    out
}

/// The defined part of a line: the index of its first value and the values from there on
/// (`(len, [])` for a line with no value).
pub(crate) fn tail(line: &[Option<Decimal>]) -> (usize, Vec<Decimal>) {
    let start = line.iter().position(Option::is_some).unwrap_or(line.len());
    (start, line[start..].iter().flatten().copied().collect())
}

/// A line computed on a [`tail`], put back in place: `start` leading `None`s.
pub(crate) fn pad(start: usize, line: Line) -> Line {
    let mut out = vec![None; start];
    out.extend(line);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ds(values: &[i64]) -> Vec<Decimal> {
        values.iter().map(|v| Decimal::from(*v)).collect()
    }

    fn some(values: &[&str]) -> Line {
        values
            .iter()
            .map(|v| (!v.is_empty()).then(|| v.parse().unwrap()))
            .collect()
    }

    #[test]
    fn sma_starts_at_n_minus_one() {
        assert_eq!(
            sma(&ds(&[1, 2, 3, 4, 5]), 3),
            some(&["", "", "2", "3", "4"])
        );
        assert_eq!(sma(&ds(&[7, 9]), 1), some(&["7", "9"]));
        assert_eq!(sma(&ds(&[1, 2]), 3), some(&["", ""]));
    }

    #[test]
    fn ema_is_seeded_with_the_sma_then_smoothed() {
        // α = 2/4 = 0.5: seed (1+2+3)/3 = 2, then 2 + 0.5·(10−2) = 6.
        assert_eq!(ema(&ds(&[1, 2, 3, 10]), 3), some(&["", "", "2", "6"]));
        // EMA(1) has α = 1: the input itself.
        assert_eq!(ema(&ds(&[4, 5]), 1), some(&["4", "5"]));
    }

    #[test]
    fn a_late_seed_averages_the_window_ending_there() {
        // Seed at index 3 with mean(3, 10) = 6.5; then α = 2/3: 6.5 + (2/3)·(1 − 6.5).
        let line = ema_seeded(&ds(&[1, 2, 3, 10, 1]), 2, 3);
        assert_eq!(&line[..4], &some(&["", "", "", "6.5"])[..]);
        let expected = Decimal::from_str_exact("6.5").unwrap()
            + (Decimal::TWO / Decimal::from(3)) * Decimal::from_str_exact("-5.5").unwrap();
        assert_eq!(line[4], Some(expected));
    }

    #[test]
    fn wilder_smooths_with_one_over_n() {
        // Seed (2+4)/2 = 3, then (3·1 + 7)/2 = 5.
        assert_eq!(wilder(&ds(&[2, 4, 7]), 2), some(&["", "3", "5"]));
        assert_eq!(wilder(&ds(&[2]), 2), some(&[""]));
    }

    #[test]
    fn tail_and_pad_round_trip() {
        let line = some(&["", "", "1", "2"]);
        let (start, values) = tail(&line);
        assert_eq!((start, values.clone()), (2, ds(&[1, 2])));
        assert_eq!(pad(start, values.into_iter().map(Some).collect()), line);
        assert_eq!(tail(&some(&["", ""])), (2, vec![]));
    }
}
