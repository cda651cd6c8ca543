//! The input: one candle (a Binance kline reduced to what the indicators read), and the checks
//! that keep every computation inside Decimal's range.

use rust_decimal::Decimal;

use crate::IndicatorError;

/// One candle, oldest first in a series.
///
/// [`crate::Spec::compute`] accepts a candle only if `0 <= low <= min(open, close)`,
/// `max(open, close) <= high <= MAX_PRICE`, `0 <= volume <= MAX_VOLUME`, and its `open_time`
/// is later than the previous candle's: what every Binance kline satisfies, and what the
/// arithmetic relies on (a true range and a stochastic numerator are never negative, a
/// stochastic quotient is at most 1, no sum can overflow).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Candle {
    /// Open time, milliseconds since the Unix epoch.
    pub open_time: i64,
    pub open: Decimal,
    pub high: Decimal,
    pub low: Decimal,
    pub close: Decimal,
    /// Volume in the base asset (Binance's kline field 5, not the quote volume).
    pub volume: Decimal,
}

impl Candle {
    /// (high + low + close) / 3, the price VWAP weights; rounded at Decimal's last digit.
    pub fn typical_price(&self) -> Decimal {
        (self.high + self.low + self.close) / Decimal::from(3)
    }
}

/// The largest price accepted: 10^12, a thousand times any price Binance lists (BTC in IDR is
/// ~10^9). It bounds the worst sum, Bollinger's 500 squared deviations, to 5 × 10^26 — under
/// Decimal's ~7.9 × 10^28.
pub const MAX_PRICE: Decimal = Decimal::from_parts(3_567_587_328, 232, 0, false, 0);

/// The largest volume accepted: 10^18 base units per candle (the busiest meme-coin pairs trade
/// ~10^13 a day). VWAP's running volume total could then overflow only after ~7.9 × 10^10
/// candles, far more than fit in memory.
pub const MAX_VOLUME: Decimal = Decimal::from_parts(2_808_348_672, 232_830_643, 0, false, 0);

/// Checks every candle against the domain documented on [`Candle`].
pub(crate) fn validate(candles: &[Candle]) -> Result<(), IndicatorError> {
    for (index, c) in candles.iter().enumerate() {
        let problem = if c.low < Decimal::ZERO {
            Some(format!("low {} is negative", c.low))
        } else if c.low > c.open.min(c.close) {
            Some(format!(
                "low {} is above open {} or close {}",
                c.low, c.open, c.close
            ))
        } else if c.high < c.open.max(c.close) {
            Some(format!(
                "high {} is below open {} or close {}",
                c.high, c.open, c.close
            ))
        } else if c.high > MAX_PRICE {
            Some(format!(
                "high {} is above the largest price accepted, {MAX_PRICE}",
                c.high
            ))
        } else if c.volume < Decimal::ZERO || c.volume > MAX_VOLUME {
            Some(format!("volume {} is outside 0..={MAX_VOLUME}", c.volume))
        } else if index > 0 && c.open_time <= candles[index - 1].open_time {
            Some(format!(
                "open time is not after the previous candle's ({}): pass candles oldest first",
                candles[index - 1].open_time
            ))
        } else {
            None
        };
        if let Some(reason) = problem {
            return Err(IndicatorError::BadCandle {
                index,
                open_time: c.open_time,
                reason,
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn candle(t: i64, o: i64, h: i64, l: i64, c: i64, v: i64) -> Candle {
        Candle {
            open_time: t,
            open: o.into(),
            high: h.into(),
            low: l.into(),
            close: c.into(),
            volume: v.into(),
        }
    }

    #[test]
    fn bounds_are_the_documented_powers_of_ten() {
        assert_eq!(MAX_PRICE, Decimal::from(1_000_000_000_000_i64));
        assert_eq!(MAX_VOLUME, Decimal::from(1_000_000_000_000_000_000_i64));
    }

    #[test]
    fn consistent_candles_pass() {
        let ok = [candle(1, 10, 12, 9, 11, 5), candle(2, 11, 11, 11, 11, 0)];
        assert_eq!(validate(&ok), Ok(()));
        assert_eq!(validate(&[]), Ok(()));
    }

    #[test]
    fn each_inconsistency_is_named() {
        let cases = [
            (candle(1, 10, 12, 10, 13, 1), "high 12 is below"),
            (candle(1, 10, 12, 11, 11, 1), "low 11 is above"),
            (candle(1, 0, 0, -1, 0, 1), "negative"),
            (candle(1, 10, 12, 9, 11, -1), "volume -1"),
            (candle(1, 10, 2_000_000_000_000, 9, 11, 1), "largest price"),
        ];
        for (c, words) in cases {
            let e = validate(&[c]).unwrap_err();
            assert!(e.to_string().contains(words), "{e}");
            assert!(e.to_string().starts_with("candle 0 (open time 1)"), "{e}");
        }
    }

    #[test]
    fn open_times_must_increase() {
        let e = validate(&[candle(5, 1, 1, 1, 1, 1), candle(5, 1, 1, 1, 1, 1)]).unwrap_err();
        assert!(
            matches!(e, IndicatorError::BadCandle { index: 1, .. }),
            "{e}"
        );
        assert!(e.to_string().contains("oldest first"));
    }

    #[test]
    fn typical_price_averages_high_low_close() {
        assert_eq!(
            candle(1, 10, 12, 9, 12, 1).typical_price(),
            Decimal::from(11)
        );
    }
}
