//! Candlesticks as a pure function of `(seed, symbol, interval, open time)`.
//!
//! A candle opens and closes on the market's [`PricePath`](crate::path::PricePath)
//! at its boundaries, so a candle's close is the next one's open and
//! overlapping queries return identical candles; wicks, volume and trade
//! counts are hashed from the candle's identity. Nothing is stored.

use rust_decimal::Decimal;

use crate::interval::Interval;
use crate::market::Market;
use crate::num::units;
use crate::path::PPM;
use crate::rng::hash_parts;

/// One candlestick, as served by `GET /api/v3/klines`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Kline {
    /// Candle open time (ms).
    pub open_time: i64,
    /// Price at the open.
    pub open: Decimal,
    /// Highest price in the candle.
    pub high: Decimal,
    /// Lowest price in the candle.
    pub low: Decimal,
    /// Price at the close (the next candle's open).
    pub close: Decimal,
    /// Base volume.
    pub volume: Decimal,
    /// Candle close time: the next open time minus 1 ms.
    pub close_time: i64,
    /// Quote volume.
    pub quote_volume: Decimal,
    /// Number of trades.
    pub trades: u64,
    /// Base volume bought by takers.
    pub taker_buy_base_volume: Decimal,
    /// Quote volume bought by takers.
    pub taker_buy_quote_volume: Decimal,
}

impl Market {
    /// Candles of `interval`, oldest first, with Binance's selection rules:
    ///
    /// * neither bound: the `limit` most recent candles, the last one being
    ///   the candle containing `now_ms`;
    /// * `start_time`: candles opening at or after it, first `limit` of them;
    /// * `end_time` only: the `limit` latest candles opening at or before it;
    /// * candles opening after `now_ms` never exist.
    pub fn klines(
        &self,
        interval: Interval,
        start_time: Option<i64>,
        end_time: Option<i64>,
        limit: usize,
        now_ms: i64,
    ) -> Vec<Kline> {
        let last_open = interval.floor(end_time.map_or(now_ms, |e| e.min(now_ms)));
        let mut out = Vec::new();
        if limit == 0 {
            return out;
        }
        match start_time {
            // Nothing opens in the future (and this keeps `ceil` far from
            // overflow on absurd start times).
            Some(start) if start > now_ms => {}
            Some(start) => {
                let mut open = interval.ceil(start);
                while open <= last_open && out.len() < limit {
                    out.push(self.kline_at(interval, open));
                    open = interval.next(open);
                }
            }
            None => {
                let mut open = last_open;
                while out.len() < limit {
                    out.push(self.kline_at(interval, open));
                    open = interval.prev(open);
                }
                out.reverse();
            }
        }
        out
    }

    /// The candle of `interval` opening at `open_time` (which must be
    /// aligned to the interval).
    pub fn kline_at(&self, interval: Interval, open_time: i64) -> Kline {
        let next_open = interval.next(open_time);
        let open_ticks = self.path.ticks_at(open_time);
        let close_ticks = self.path.ticks_at(next_open);
        let h = |tag: &[u8]| {
            hash_parts(
                self.path.key,
                &[
                    b"kline",
                    tag,
                    interval.as_str().as_bytes(),
                    &open_time.to_le_bytes(),
                ],
            )
        };
        let duration = next_open - open_time;
        let tick = self.tick_size;
        if !self.is_trading() {
            // A halted symbol prints flat, empty candles.
            let p = units(open_ticks, tick);
            return Kline {
                open_time,
                open: p,
                high: p,
                low: p,
                close: p,
                volume: Decimal::ZERO,
                close_time: next_open - 1,
                quote_volume: Decimal::ZERO,
                trades: 0,
                taker_buy_base_volume: Decimal::ZERO,
                taker_buy_quote_volume: Decimal::ZERO,
            };
        }

        // Wicks: up to ~30 ppm × sqrt(seconds) of the anchor beyond the body.
        let wick_ppm = 30 * (duration / 1_000).max(1).isqrt();
        let wick_ticks = (i128::from(self.path.anchor_ticks) * i128::from(wick_ppm) / PPM) as i64;
        let high_ticks = open_ticks.max(close_ticks) + (h(b"hi") % (wick_ticks as u64 + 1)) as i64;
        let low_ticks =
            (open_ticks.min(close_ticks) - (h(b"lo") % (wick_ticks as u64 + 1)) as i64).max(1);

        // Activity: 1000–4000 trades an hour, each around the typical size.
        let per_hour = 1_000 + (h(b"rate") % 3_001) as i64;
        let trades = (duration * per_hour / 3_600_000).max(1);
        let size_pct = 50 + (h(b"size") % 101) as i64;
        let volume_steps = trades * self.typical_steps * size_pct / 100;
        let buy_pct = 30 + (h(b"buy") % 41) as i64;
        let taker_steps = volume_steps * buy_pct / 100;

        let (open, high, low, close) = (
            units(open_ticks, tick),
            units(high_ticks, tick),
            units(low_ticks, tick),
            units(close_ticks, tick),
        );
        let typical = (open + high + low + close) / Decimal::from(4);
        let volume = units(volume_steps, self.step_size);
        let taker_base = units(taker_steps, self.step_size);
        Kline {
            open_time,
            open,
            high,
            low,
            close,
            volume,
            close_time: next_open - 1,
            quote_volume: (volume * typical).round_dp(8),
            trades: trades as u64,
            taker_buy_base_volume: taker_base,
            taker_buy_quote_volume: (taker_base * typical).round_dp(8),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::interval::days_from_civil;
    use crate::num::on_grid;
    use crate::spec::MARKET_SPECS;

    const NOW: i64 = 1_750_000_123_456;

    fn market(symbol: &str, seed: u64) -> Market {
        let spec = MARKET_SPECS.iter().find(|s| s.symbol == symbol).unwrap();
        Market::generate(spec, seed, NOW)
    }

    #[test]
    fn overlapping_ranges_agree() {
        let m = market("BTCUSDT", 42);
        for interval in Interval::ALL {
            let latest = m.klines(interval, None, None, 30, NOW);
            assert_eq!(latest.len(), 30);
            assert_eq!(latest.last().unwrap().open_time, interval.floor(NOW));
            let from = latest[10].open_time;
            let tail = m.klines(interval, Some(from), None, 1000, NOW);
            assert_eq!(&latest[10..], &tail[..], "{interval}");
            let ended = m.klines(interval, None, Some(latest[20].open_time + 1), 5, NOW);
            assert_eq!(&latest[16..21], &ended[..], "{interval}");
        }
    }

    #[test]
    fn candles_do_not_depend_on_anchor_time() {
        // A simulator started an hour later serves the same candles.
        let spec = MARKET_SPECS.iter().find(|s| s.symbol == "ETHUSDT").unwrap();
        let a = Market::generate(spec, 9, NOW);
        let b = Market::generate(spec, 9, NOW + 3_600_000);
        let start = Some(NOW - 86_400_000);
        assert_eq!(
            a.klines(Interval::M15, start, Some(NOW), 50, NOW),
            b.klines(Interval::M15, start, Some(NOW), 50, NOW + 3_600_000)
        );
        let c = Market::generate(spec, 10, NOW);
        assert_ne!(
            a.klines(Interval::M15, start, Some(NOW), 50, NOW),
            c.klines(Interval::M15, start, Some(NOW), 50, NOW)
        );
    }

    #[test]
    fn ohlc_is_consistent_and_on_grid() {
        for symbol in ["BTCUSDT", "ETHBTC", "LTCUSDT"] {
            let m = market(symbol, 3);
            for interval in Interval::ALL {
                let ks = m.klines(interval, None, None, 50, NOW);
                for k in &ks {
                    assert!(k.low <= k.open.min(k.close) && k.open.max(k.close) <= k.high);
                    assert!(k.low > Decimal::ZERO);
                    for p in [k.open, k.high, k.low, k.close] {
                        assert!(on_grid(p, m.tick_size));
                    }
                    assert!(on_grid(k.volume, m.step_size));
                    assert!(on_grid(k.taker_buy_base_volume, m.step_size));
                    assert!(k.taker_buy_base_volume <= k.volume);
                    assert_eq!(k.close_time, interval.next(k.open_time) - 1);
                }
                for w in ks.windows(2) {
                    assert_eq!(w[0].close, w[1].open);
                    assert_eq!(w[0].close_time + 1, w[1].open_time);
                }
            }
        }
    }

    #[test]
    fn monthly_candles_follow_the_calendar() {
        let m = market("BTCUSDT", 42);
        let day = 86_400_000;
        let start = days_from_civil(2024, 1, 15) * day;
        let end = days_from_civil(2024, 4, 10) * day;
        let ks = m.klines(Interval::Mo1, Some(start), Some(end), 10, NOW);
        let opens: Vec<i64> = ks.iter().map(|k| k.open_time).collect();
        assert_eq!(
            opens,
            vec![
                days_from_civil(2024, 2, 1) * day,
                days_from_civil(2024, 3, 1) * day,
                days_from_civil(2024, 4, 1) * day,
            ]
        );
        assert_eq!(ks[0].close_time, days_from_civil(2024, 3, 1) * day - 1);
        let latest = m.klines(Interval::Mo1, None, None, 1, NOW);
        // NOW is 2025-06-15: the current candle opens on 2025-06-01.
        assert_eq!(latest[0].open_time, days_from_civil(2025, 6, 1) * day);
    }

    #[test]
    fn selection_edges() {
        let m = market("BNBUSDT", 5);
        assert!(m.klines(Interval::H1, None, None, 0, NOW).is_empty());
        assert!(m
            .klines(Interval::H1, Some(NOW + 3_600_000), None, 10, NOW)
            .is_empty());
        assert!(m
            .klines(Interval::H1, Some(NOW), Some(NOW - 7_200_000), 10, NOW)
            .is_empty());
        // The candle containing `now` is the last one served.
        let ks = m.klines(Interval::H1, Some(NOW - 10 * 3_600_000), None, 1000, NOW);
        assert_eq!(ks.len(), 10);
        assert_eq!(ks.last().unwrap().open_time, Interval::H1.floor(NOW));
    }

    #[test]
    fn recent_candles_agree_with_the_tape() {
        let m = market("BTCUSDT", 42);
        let k = m.klines(Interval::D1, None, None, 1, NOW);
        let last = m.ticker.last_price;
        // The tape follows the same path: within 0.1 % of the candle range.
        let slack = last / Decimal::from(1000);
        assert!(k[0].low - slack <= last && last <= k[0].high + slack);
    }
}
