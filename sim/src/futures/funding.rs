//! Funding: the rate each symbol pays, its seeded history, the next
//! funding time and the test hook's funding event.
//!
//! Each symbol's current rate (`lastFundingRate`) is fixed by the seed:
//! 0.0001 ± up to 0.00005. The history holds one record per 8-hour
//! boundary (00:00, 08:00, 16:00 UTC) for [`HISTORY_EVENTS`] boundaries up
//! to the anchor, generated on demand, plus every event the hook applied.
//! A funding event pays `−positionAmt × mark × rate` to the wallet (longs
//! pay when the rate is positive), recorded as FUNDING_FEE income.

use rust_decimal::Decimal;

use super::account::{FundingRecord, IncomeType};
use super::{money, FuturesAccount};
use crate::market::Market;
use crate::rng::{hash_parts, signed_unit};

/// Funding interval (8 h).
pub const FUNDING_INTERVAL_MS: i64 = 8 * 3_600_000;

/// Seeded funding events per symbol (three days).
pub const HISTORY_EVENTS: i64 = 9;

/// The next funding boundary strictly after `now`.
pub fn next_funding_time(now: i64) -> i64 {
    (now.div_euclid(FUNDING_INTERVAL_MS) + 1) * FUNDING_INTERVAL_MS
}

/// A seeded rate: 0.0001 plus up to ±0.00005, on 1e-8 steps.
fn seeded_rate(seed: u64, symbol: &str, k: i64) -> Decimal {
    let bits = hash_parts(seed, &[b"funding", symbol.as_bytes(), &k.to_le_bytes()]);
    Decimal::new(10_000 + signed_unit(bits, 5_000), 8)
}

/// `symbol`'s current funding rate.
pub fn current_rate(seed: u64, symbol: &str) -> Decimal {
    seeded_rate(seed, symbol, -1)
}

/// The seeded history of `m`: the [`HISTORY_EVENTS`] boundaries at or
/// before `anchor_ms`, oldest first, marked at the market's last price.
pub fn seeded_history(seed: u64, anchor_ms: i64, m: &Market) -> Vec<FundingRecord> {
    if !m.is_trading() {
        return Vec::new();
    }
    let last = anchor_ms.div_euclid(FUNDING_INTERVAL_MS) * FUNDING_INTERVAL_MS;
    (0..HISTORY_EVENTS)
        .rev()
        .map(|k| FundingRecord {
            symbol: m.symbol.clone(),
            rate: seeded_rate(seed, &m.symbol, k),
            time: last - k * FUNDING_INTERVAL_MS,
            mark: m.last_price(),
        })
        .collect()
}

impl FuturesAccount {
    /// Applies one funding event of `m` at `now` and returns the payment
    /// (positive: received).
    pub fn apply_funding(&mut self, m: &Market, now: i64) -> Decimal {
        let rate = current_rate(self.seed, &m.symbol);
        let s = self.sym(m);
        let (amt, mark) = (s.position_amt, s.mark);
        let payment = money(-amt * mark * rate);
        if !amt.is_zero() {
            self.wallet += payment;
            self.update_time = now;
            self.add_income(&m.symbol, IncomeType::FundingFee, payment, None, now);
        }
        self.funding.push(FundingRecord {
            symbol: m.symbol.clone(),
            rate,
            time: now,
            mark,
        });
        payment
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boundaries() {
        // 2025-01-01T07:59:59.999Z → 08:00.
        let t = 1_735_718_399_999;
        assert_eq!(next_funding_time(t), t + 1);
        assert_eq!(next_funding_time(t + 1), t + 1 + FUNDING_INTERVAL_MS);
    }

    #[test]
    fn rates_are_small_and_seeded() {
        for k in 0..50 {
            let r = seeded_rate(42, "BTCUSDT", k);
            assert!(r >= Decimal::new(5, 5) && r <= Decimal::new(15, 5), "{r}");
        }
        assert_eq!(current_rate(42, "BTCUSDT"), current_rate(42, "BTCUSDT"));
    }
}
