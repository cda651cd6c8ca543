//! Volume-weighted indicators: VWAP.

use rust_decimal::Decimal;

use crate::average::Line;
use crate::Candle;

/// Cumulative VWAP from the first candle of the series: Σ(typical × volume) / Σ volume, typical
/// = (high + low + close) / 3 ([`Candle::typical_price`]). TA-Lib has no VWAP; the fixtures
/// check it against numpy's cumulative sums.
///
/// It has no value (`None`) until some volume has traded: before that the ratio is 0/0. A later
/// zero-volume candle leaves it unchanged.
///
/// Computed incrementally, `vwap += (typical − vwap) × (volume / Σ volume)`, which equals the
/// ratio of sums but never forms Σ(typical × volume): that product sum of a meme coin's volumes
/// could pass Decimal's range, whereas here every factor is at most a price or at most 1.
pub(crate) fn vwap(candles: &[Candle]) -> Line {
    let mut total_volume = Decimal::ZERO;
    let mut vwap: Option<Decimal> = None;
    candles
        .iter()
        .map(|c| {
            total_volume += c.volume;
            if !c.volume.is_zero() {
                let typical = c.typical_price();
                vwap = Some(match vwap {
                    None => typical,
                    Some(v) => v + (typical - v) * (c.volume / total_volume),
                });
            }
            vwap
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn candle(t: i64, price: i64, volume: i64) -> Candle {
        Candle {
            open_time: t,
            open: price.into(),
            high: price.into(),
            low: price.into(),
            close: price.into(),
            volume: volume.into(),
        }
    }

    #[test]
    fn weights_by_volume_from_the_first_candle() {
        // (10·1 + 20·3) / 4 = 17.5, then a zero-volume candle keeps it.
        let line = vwap(&[candle(1, 10, 1), candle(2, 20, 3), candle(3, 99, 0)]);
        let expected = Decimal::new(175, 1);
        assert_eq!(
            line,
            vec![Some(Decimal::TEN), Some(expected), Some(expected)]
        );
    }

    #[test]
    fn no_value_before_any_volume() {
        let line = vwap(&[candle(1, 10, 0), candle(2, 12, 0), candle(3, 14, 2)]);
        assert_eq!(line, vec![None, None, Some(Decimal::from(14))]);
        assert_eq!(vwap(&[candle(1, 10, 0)]), vec![None]);
    }

    #[test]
    fn huge_volumes_do_not_overflow() {
        // 10^18 × 10^12 per candle would pass Decimal's range as a product sum.
        let big = Decimal::from(1_000_000_000_000_000_000_i64);
        let c = |t, p: i64| Candle {
            volume: big,
            ..candle(t, p, 0)
        };
        let line = vwap(&[c(1, 1_000_000_000_000), c(2, 500_000_000_000)]);
        assert_eq!(line[1], Some(Decimal::from(750_000_000_000_i64)));
    }
}
