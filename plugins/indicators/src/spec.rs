//! What an indicator is: its parameters and bounds, its label and columns, how many candles it
//! needs, and the dispatch to the computation. The text form lives in `parse.rs`.

use rust_decimal::Decimal;

use crate::average::{ema, sma, Line};
use crate::{candle, momentum, volatility, volume, Candle, IndicatorError, Series};

/// The longest period accepted for any parameter. Binance returns at most 1000 klines a call
/// (1500 for futures), so a longer period could rarely produce a value; the bound also keeps
/// every window sum far inside Decimal's range (see [`crate::MAX_PRICE`]).
pub const MAX_PERIOD: usize = 500;

/// The widest Bollinger band accepted, in standard deviations (the bands must be above 0 and at
/// most this wide); 2 is the convention, beyond 10 the bands say nothing.
pub const MAX_BOLLINGER_K: Decimal = Decimal::TEN;

/// One technical indicator with its parameters. Build it from text with [`Spec::parse`]
/// (`"macd:12:26:9"`) or directly; [`Spec::compute`] rejects a directly built one that is out of
/// bounds (periods 1..=[`MAX_PERIOD`], MACD `fast < slow`, Bollinger `0 < k <= 10`).
///
/// Each variant follows TA-Lib's definition; the functions' docs say where the first value
/// falls ([`Spec::warmup`]).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Spec {
    /// Simple moving average of closes (TA-Lib `SMA`).
    Sma(usize),
    /// Exponential moving average of closes, α = 2/(n+1), seeded with the first n closes' SMA
    /// (TA-Lib `EMA`).
    Ema(usize),
    /// Wilder's relative strength index of closes, 0–100 (TA-Lib `RSI`).
    Rsi(usize),
    /// Moving average convergence/divergence of closes (TA-Lib `MACD`, including its seeding).
    Macd {
        fast: usize,
        slow: usize,
        signal: usize,
    },
    /// Bollinger Bands: SMA(n) ± k population standard deviations (TA-Lib `BBANDS`, matype 0).
    Bollinger { n: usize, k: Decimal },
    /// Wilder's average true range (TA-Lib `ATR`), in price units.
    Atr(usize),
    /// Volume-weighted average price, cumulative from the first candle given.
    Vwap,
    /// Slow stochastic: raw %K over `k` candles, %K = SMA(`smooth_k`), %D = SMA(`d`) of %K,
    /// 0–100 (TA-Lib `STOCH`, SMA smoothing).
    Stochastic { k: usize, smooth_k: usize, d: usize },
}

impl Spec {
    /// A short human label: `SMA(20)`, `EMA(50)`, `RSI(14)`, `MACD(12,26,9)`, `BB(20,2)`,
    /// `ATR(14)`, `VWAP`, `STOCH(14,3,3)`. Error messages name indicators by it.
    pub fn label(&self) -> String {
        match self {
            Spec::Sma(n) => format!("SMA({n})"),
            Spec::Ema(n) => format!("EMA({n})"),
            Spec::Rsi(n) => format!("RSI({n})"),
            Spec::Macd { fast, slow, signal } => format!("MACD({fast},{slow},{signal})"),
            Spec::Bollinger { n, k } => format!("BB({n},{})", k.normalize()),
            Spec::Atr(n) => format!("ATR({n})"),
            Spec::Vwap => "VWAP".to_owned(),
            Spec::Stochastic { k, smooth_k, d } => format!("STOCH({k},{smooth_k},{d})"),
        }
    }

    /// The names of the values in each row of [`Series::rows`], in order.
    pub fn columns(&self) -> &'static [&'static str] {
        match self {
            Spec::Sma(_) | Spec::Ema(_) | Spec::Rsi(_) | Spec::Atr(_) | Spec::Vwap => &["value"],
            Spec::Macd { .. } => &["macd", "signal", "histogram"],
            Spec::Bollinger { .. } => &["middle", "upper", "lower"],
            Spec::Stochastic { .. } => &["k", "d"],
        }
    }

    /// The fewest candles that give one value: the index of the first value plus one (TA-Lib's
    /// lookback plus one).
    ///
    /// - SMA(n), EMA(n), BB(n, k): `n` — one full window.
    /// - RSI(n), ATR(n): `n + 1` — `n` changes or true ranges, each needing a previous close.
    /// - MACD(fast, slow, signal): `slow + signal − 1` — the slow EMA's window, then `signal`
    ///   MACD values for the signal line's seed (TA-Lib starts all three columns there).
    /// - STOCH(k, smooth_k, d): `k + smooth_k + d − 2` — a `k`-window, then the two SMAs
    ///   (TA-Lib starts %K and %D together).
    /// - VWAP: 1 — its first value is at the first candle with volume (`None` before).
    ///
    /// Saturating, so an out-of-bounds spec built directly cannot panic here (compute rejects
    /// it).
    pub fn warmup(&self) -> usize {
        match *self {
            Spec::Sma(n) | Spec::Ema(n) | Spec::Bollinger { n, .. } => n,
            Spec::Rsi(n) | Spec::Atr(n) => n.saturating_add(1),
            Spec::Macd { slow, signal, .. } => (slow.saturating_add(signal)).saturating_sub(1),
            Spec::Vwap => 1,
            Spec::Stochastic { k, smooth_k, d } => k
                .saturating_add(smooth_k)
                .saturating_add(d)
                .saturating_sub(2),
        }
    }

    /// Computes the indicator over `candles` (oldest first): one row per candle, `None` where
    /// the indicator has no value yet.
    ///
    /// Errors: [`IndicatorError::Invalid`] for a spec out of bounds,
    /// [`IndicatorError::TooShort`] when `candles.len() < self.warmup()`, and
    /// [`IndicatorError::BadCandle`] for a candle outside [`Candle`]'s documented domain.
    ///
    /// Values carry full Decimal precision (28–29 significant digits, rounded at the last one
    /// by each division); round them for display.
    pub fn compute(&self, candles: &[Candle]) -> Result<Series, IndicatorError> {
        self.check().map_err(|reason| IndicatorError::Invalid {
            given: self.to_string(),
            reason,
        })?;
        if candles.len() < self.warmup() {
            return Err(IndicatorError::TooShort {
                indicator: self.label(),
                needed: self.warmup(),
                got: candles.len(),
            });
        }
        candle::validate(candles)?;
        let closes: Vec<Decimal> = candles.iter().map(|c| c.close).collect();
        let columns: Vec<Line> = match *self {
            Spec::Sma(n) => vec![sma(&closes, n)],
            Spec::Ema(n) => vec![ema(&closes, n)],
            Spec::Rsi(n) => vec![momentum::rsi(&closes, n)],
            Spec::Macd { fast, slow, signal } => momentum::macd(&closes, fast, slow, signal).into(),
            Spec::Bollinger { n, k } => volatility::bollinger(&closes, n, k).into(),
            Spec::Atr(n) => vec![volatility::atr(candles, n)],
            Spec::Vwap => vec![volume::vwap(candles)],
            Spec::Stochastic { k, smooth_k, d } => {
                momentum::stochastic(candles, k, smooth_k, d).into()
            }
        };
        Ok(Series::from_columns(self.clone(), &columns))
    }

    /// The bounds every spec must meet, as the reason it does not.
    pub(crate) fn check(&self) -> Result<(), String> {
        let periods: &[(&str, usize)] = match self {
            Spec::Sma(n) | Spec::Ema(n) | Spec::Rsi(n) | Spec::Atr(n) => &[("period", *n)],
            Spec::Macd { fast, slow, signal } => &[
                ("fast period", *fast),
                ("slow period", *slow),
                ("signal period", *signal),
            ],
            Spec::Bollinger { n, .. } => &[("period", *n)],
            Spec::Vwap => &[],
            Spec::Stochastic { k, smooth_k, d } => &[
                ("%K period", *k),
                ("%K smoothing", *smooth_k),
                ("%D period", *d),
            ],
        };
        for (name, value) in periods {
            if !(1..=MAX_PERIOD).contains(value) {
                return Err(format!("{name} {value} is out of range 1-{MAX_PERIOD}"));
            }
        }
        match self {
            Spec::Macd { fast, slow, .. } if fast >= slow => Err(format!(
                "MACD's fast period ({fast}) must be less than its slow period ({slow})"
            )),
            Spec::Bollinger { k, .. } if *k <= Decimal::ZERO || *k > MAX_BOLLINGER_K => Err(
                format!("k {k} is out of range: it must be above 0 and at most {MAX_BOLLINGER_K}"),
            ),
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn candles(count: usize) -> Vec<Candle> {
        (0..count)
            .map(|i| {
                let p = Decimal::from(100 + (i * 37 % 17) as i64);
                Candle {
                    open_time: i as i64 * 60_000,
                    open: p,
                    high: p + Decimal::ONE,
                    low: p - Decimal::ONE,
                    close: p,
                    volume: Decimal::from(1 + i as i64 % 5),
                }
            })
            .collect()
    }

    fn all_specs() -> Vec<Spec> {
        vec![
            Spec::Sma(1),
            Spec::Sma(20),
            Spec::Ema(1),
            Spec::Ema(9),
            Spec::Rsi(1),
            Spec::Rsi(14),
            Spec::Macd {
                fast: 1,
                slow: 2,
                signal: 1,
            },
            Spec::Macd {
                fast: 12,
                slow: 26,
                signal: 9,
            },
            Spec::Bollinger {
                n: 1,
                k: Decimal::ONE,
            },
            Spec::Bollinger {
                n: 20,
                k: Decimal::TWO,
            },
            Spec::Atr(1),
            Spec::Atr(14),
            Spec::Vwap,
            Spec::Stochastic {
                k: 1,
                smooth_k: 1,
                d: 1,
            },
            Spec::Stochastic {
                k: 14,
                smooth_k: 3,
                d: 3,
            },
        ]
    }

    #[test]
    fn the_first_value_is_at_warmup_minus_one_and_rows_are_full_after() {
        for spec in all_specs() {
            let w = spec.warmup();
            for len in [w, w + 1, w + 40] {
                let series = spec.compute(&candles(len)).unwrap();
                assert_eq!(series.rows.len(), len, "{spec:?}");
                assert_eq!(series.first_index(), Some(w - 1), "{spec:?} over {len}");
                assert!(series.rows[w - 1..].iter().all(Option::is_some), "{spec:?}");
                assert!(series
                    .rows
                    .iter()
                    .flatten()
                    .all(|r| r.len() == spec.columns().len()));
            }
        }
    }

    #[test]
    fn documented_warmups() {
        let cases = [
            (Spec::Sma(20), 20),
            (Spec::Ema(50), 50),
            (Spec::Rsi(14), 15),
            (
                Spec::Macd {
                    fast: 12,
                    slow: 26,
                    signal: 9,
                },
                34,
            ),
            (
                Spec::Bollinger {
                    n: 20,
                    k: Decimal::TWO,
                },
                20,
            ),
            (Spec::Atr(14), 15),
            (Spec::Vwap, 1),
            (
                Spec::Stochastic {
                    k: 14,
                    smooth_k: 3,
                    d: 3,
                },
                18,
            ),
        ];
        for (spec, warmup) in cases {
            assert_eq!(spec.warmup(), warmup, "{spec:?}");
        }
    }

    #[test]
    fn one_candle_too_few_is_too_short() {
        for spec in all_specs() {
            let w = spec.warmup();
            let err = spec.compute(&candles(w - 1)).unwrap_err();
            assert_eq!(
                err,
                IndicatorError::TooShort {
                    indicator: spec.label(),
                    needed: w,
                    got: w - 1
                }
            );
        }
        let err = Spec::Rsi(14).compute(&candles(10)).unwrap_err();
        assert_eq!(
            err.to_string(),
            "RSI(14) needs at least 15 candles; got 10: ask for a larger limit"
        );
    }

    #[test]
    fn out_of_bounds_specs_built_directly_are_rejected_not_panicked_on() {
        let bad = [
            Spec::Sma(0),
            Spec::Ema(501),
            Spec::Macd {
                fast: 26,
                slow: 12,
                signal: 9,
            },
            Spec::Macd {
                fast: 0,
                slow: 0,
                signal: 0,
            },
            Spec::Bollinger {
                n: 20,
                k: Decimal::ZERO,
            },
            Spec::Bollinger {
                n: 20,
                k: Decimal::from(11),
            },
            Spec::Stochastic {
                k: 0,
                smooth_k: 0,
                d: 0,
            },
        ];
        for spec in bad {
            let err = spec.compute(&candles(50)).unwrap_err();
            assert!(
                matches!(err, IndicatorError::Invalid { .. }),
                "{spec:?}: {err}"
            );
        }
    }

    #[test]
    fn bad_candles_are_reported_after_the_length_check() {
        let mut cs = candles(30);
        cs[7].high = cs[7].close - Decimal::ONE;
        let err = Spec::Sma(5).compute(&cs).unwrap_err();
        assert!(
            matches!(err, IndicatorError::BadCandle { index: 7, .. }),
            "{err}"
        );
    }

    #[test]
    fn labels_and_columns() {
        let bb = Spec::Bollinger {
            n: 20,
            k: Decimal::new(20, 1),
        };
        assert_eq!(bb.label(), "BB(20,2)");
        assert_eq!(bb.columns(), ["middle", "upper", "lower"]);
        assert_eq!(
            Spec::Macd {
                fast: 12,
                slow: 26,
                signal: 9
            }
            .label(),
            "MACD(12,26,9)"
        );
        assert_eq!(
            Spec::Stochastic {
                k: 14,
                smooth_k: 3,
                d: 3
            }
            .columns(),
            ["k", "d"]
        );
        assert_eq!(Spec::Vwap.label(), "VWAP");
    }
}
