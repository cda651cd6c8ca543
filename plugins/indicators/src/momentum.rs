//! Momentum oscillators: RSI, MACD and the (slow) stochastic, each as TA-Lib computes it.

use rust_decimal::Decimal;

use crate::average::{ema, ema_seeded, pad, sma, tail, wilder, Line};
use crate::numeric::FIFTY;
use crate::Candle;

/// Wilder's RSI of `closes` over `n` changes; the first value is at index `n` (it needs `n`
/// changes, so `n + 1` closes).
///
/// Average gain and loss are Wilder-smoothed ([`wilder`]: seeded with the simple average of the
/// first `n` gains and losses), and RSI = 100 × gain / (gain + loss) — TA-Lib's form of
/// 100 − 100/(1 + RS), which needs no division by the loss: with no loss it is exactly 100,
/// with no gain exactly 0. With neither (a flat window) it is 50, neither overbought nor
/// oversold; TA-Lib gives 0 there.
pub(crate) fn rsi(closes: &[Decimal], n: usize) -> Line {
    let (gains, losses): (Vec<Decimal>, Vec<Decimal>) = closes
        .windows(2)
        .map(|w| {
            let change = w[1] - w[0];
            (change.max(Decimal::ZERO), (-change).max(Decimal::ZERO))
        })
        .unzip();
    let mut out: Line = vec![None; closes.len().min(1)];
    out.extend(
        wilder(&gains, n)
            .into_iter()
            .zip(wilder(&losses, n))
            .map(|(g, l)| Some(rsi_value(g?, l?))),
    );
    out
}

fn rsi_value(gain: Decimal, loss: Decimal) -> Decimal {
    let total = gain + loss;
    if total.is_zero() {
        FIFTY
    } else {
        Decimal::ONE_HUNDRED * (gain / total)
    }
}

/// MACD as TA-Lib's `TA_MACD`: `[macd, signal, histogram]`, each with its first value at index
/// `slow + signal − 2` (all three columns start together, as in TA-Lib).
///
/// Both EMAs start at index `slow − 1`: the slow one seeded with the SMA of the first `slow`
/// closes, the fast one with the SMA of the `fast` closes *ending at index `slow − 1`* (not of
/// the first `fast`; see [`ema_seeded`]). MACD = fast − slow; signal = EMA(`signal`) of the
/// MACD values from index `slow − 1`, seeded with their first `signal` values' SMA; histogram
/// = MACD − signal.
pub(crate) fn macd(closes: &[Decimal], fast: usize, slow: usize, signal: usize) -> [Line; 3] {
    let seed = slow.saturating_sub(1);
    let fast_ema = ema_seeded(closes, fast, seed);
    let slow_ema = ema_seeded(closes, slow, seed);
    let line: Line = fast_ema
        .iter()
        .zip(&slow_ema)
        .map(|(f, s)| Some((*f)? - (*s)?))
        .collect();
    let (start, values) = tail(&line);
    let signal_line = pad(start, ema(&values, signal));
    let histogram: Line = line
        .iter()
        .zip(&signal_line)
        .map(|(m, s)| Some((*m)? - (*s)?))
        .collect();
    let macd_line = line
        .iter()
        .zip(&signal_line)
        .map(|(m, s)| s.and(*m))
        .collect();
    [macd_line, signal_line, histogram]
}

/// The slow stochastic as TA-Lib's `STOCH` with SMA smoothing: `[k, d]`, both with their first
/// value at index `k + smooth_k + d − 3`.
///
/// Raw %K at index i (from `k − 1`) = 100 × (close − lowest low) / (highest high − lowest
/// low) over the `k` candles ending at i; %K = SMA(`smooth_k`) of raw %K; %D = SMA(`d`) of %K.
/// A window whose high equals its low (no trade moved the price) has raw %K 50, the middle of
/// the range; TA-Lib gives 0 there.
pub(crate) fn stochastic(candles: &[Candle], k: usize, smooth_k: usize, d: usize) -> [Line; 2] {
    let raw: Line = (0..candles.len())
        .map(|i| {
            let window = candles.get((i + 1).checked_sub(k)?..=i)?;
            let highest = window.iter().map(|c| c.high).max()?;
            let lowest = window.iter().map(|c| c.low).min()?;
            let range = highest - lowest;
            Some(if range.is_zero() {
                FIFTY
            } else {
                // The candle checks make 0 <= close − lowest <= range: the quotient is in [0, 1].
                Decimal::ONE_HUNDRED * ((candles[i].close - lowest) / range)
            })
        })
        .collect();
    let (start, values) = tail(&raw);
    let slow_k = pad(start, sma(&values, smooth_k));
    let (start, values) = tail(&slow_k);
    let slow_d = pad(start, sma(&values, d));
    let slow_k = slow_k.iter().zip(&slow_d).map(|(k, d)| d.and(*k)).collect();
    [slow_k, slow_d]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ds(values: &[i64]) -> Vec<Decimal> {
        values.iter().map(|v| Decimal::from(*v)).collect()
    }

    fn first(line: &Line) -> usize {
        line.iter().position(Option::is_some).unwrap()
    }

    #[test]
    fn rsi_starts_at_n_and_is_bounded_by_direction() {
        let up = rsi(&ds(&[1, 2, 3, 4, 5]), 3);
        assert_eq!(first(&up), 3);
        assert!(up[3..].iter().all(|v| *v == Some(Decimal::ONE_HUNDRED)));
        let down = rsi(&ds(&[5, 4, 3, 2, 1]), 3);
        assert!(down[3..].iter().all(|v| *v == Some(Decimal::ZERO)));
    }

    #[test]
    fn rsi_of_a_flat_series_is_fifty() {
        let flat = rsi(&ds(&[7; 6]), 3);
        assert_eq!(flat[..3], [None, None, None]);
        assert!(flat[3..].iter().all(|v| *v == Some(FIFTY)));
    }

    #[test]
    fn rsi_by_hand() {
        // Changes +2, −1, +1: gain 3/3 = 1, loss 1/3; RSI = 100 × 1 / (4/3) = 75.
        assert_eq!(rsi(&ds(&[10, 12, 11, 12]), 3)[3], Some(Decimal::from(75)));
        assert!(rsi(&[], 3).is_empty());
        assert_eq!(rsi(&ds(&[1]), 3), vec![None]);
    }

    #[test]
    fn macd_columns_start_together_at_slow_plus_signal_minus_two() {
        let closes: Vec<Decimal> = (0..40).map(|i| Decimal::from(100 + (i * 7) % 11)).collect();
        let [m, s, h] = macd(&closes, 3, 6, 4);
        for line in [&m, &s, &h] {
            assert_eq!(first(line), 6 + 4 - 2);
        }
        for i in 8..40 {
            assert_eq!(h[i], Some(m[i].unwrap() - s[i].unwrap()));
        }
    }

    #[test]
    fn macd_of_a_constant_series_is_zero() {
        let [m, s, h] = macd(&ds(&[5; 12]), 2, 4, 3);
        for line in [m, s, h] {
            assert!(line[5..].iter().all(|v| *v == Some(Decimal::ZERO)));
        }
    }

    fn candle(t: i64, h: i64, l: i64, c: i64) -> Candle {
        Candle {
            open_time: t,
            open: c.into(),
            high: h.into(),
            low: l.into(),
            close: c.into(),
            volume: Decimal::ONE,
        }
    }

    #[test]
    fn stochastic_by_hand_and_its_start() {
        // Window of 2: highs 10, 12; lows 8, 9 → range 4, close 11 → 100 × 3/4 = 75.
        let candles = [candle(1, 10, 8, 9), candle(2, 12, 9, 11)];
        let [k, d] = stochastic(&candles, 2, 1, 1);
        assert_eq!(
            (k[1], d[1]),
            (Some(Decimal::from(75)), Some(Decimal::from(75)))
        );
        let many: Vec<Candle> = (0..12).map(|i| candle(i, 20 + i % 3, 10, 15)).collect();
        let [k, d] = stochastic(&many, 4, 3, 2);
        assert_eq!((first(&k), first(&d)), (4 + 3 + 2 - 3, 4 + 3 + 2 - 3));
    }

    #[test]
    fn stochastic_of_a_flat_window_is_fifty() {
        let flat: Vec<Candle> = (0..5).map(|i| candle(i, 3, 3, 3)).collect();
        let [k, d] = stochastic(&flat, 3, 2, 1);
        assert_eq!((k[3], d[4]), (Some(FIFTY), Some(FIFTY)));
    }
}
