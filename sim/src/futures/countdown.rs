//! `POST /fapi/v1/countdownCancelAll`, the dead-man's switch: armed with
//! `countdownTime` ms per symbol, refreshed by arming again, disarmed by
//! 0. When a countdown runs out unrefreshed, every open regular order of
//! the symbol is cancelled (conditional orders are left alone).
//!
//! Expiry is evaluated lazily — [`FuturesAccount::expire_countdowns`] runs
//! before every request or hook that touches futures state — so the
//! outcome depends only on the clock, never on a background task. The
//! cancelled orders carry the countdown's deadline as their update time.

use super::FuturesAccount;

/// One armed countdown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Countdown {
    /// When it was (last) armed, ms.
    pub armed_at: i64,
    /// Its length, ms.
    pub countdown_ms: u64,
}

impl Countdown {
    /// The instant it runs out.
    pub fn deadline(&self) -> i64 {
        self.armed_at
            .saturating_add(i64::try_from(self.countdown_ms).unwrap_or(i64::MAX))
    }
}

impl FuturesAccount {
    /// Arms (or refreshes) `symbol`'s countdown at `now`; 0 disarms it.
    pub fn arm_countdown(&mut self, symbol: &str, countdown_ms: u64, now: i64) {
        if countdown_ms == 0 {
            self.countdowns.remove(symbol);
        } else {
            self.countdowns.insert(
                symbol.to_string(),
                Countdown {
                    armed_at: now,
                    countdown_ms,
                },
            );
        }
    }

    /// Fires every countdown whose deadline is at or before `now`:
    /// cancels the symbol's open regular orders and disarms it.
    pub fn expire_countdowns(&mut self, now: i64) {
        let due: Vec<(String, i64)> = self
            .countdowns
            .iter()
            .filter(|(_, c)| c.deadline() <= now)
            .map(|(s, c)| (s.clone(), c.deadline()))
            .collect();
        for (symbol, deadline) in due {
            self.countdowns.remove(&symbol);
            self.cancel_all(&symbol, deadline);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arm_refresh_disarm() {
        let mut a = FuturesAccount::empty(1, rust_decimal::Decimal::TEN);
        a.arm_countdown("BTCUSDT", 1000, 5_000);
        assert_eq!(a.countdowns["BTCUSDT"].deadline(), 6_000);
        a.arm_countdown("BTCUSDT", 1000, 5_500);
        a.expire_countdowns(6_000);
        assert!(a.countdowns.contains_key("BTCUSDT"));
        a.expire_countdowns(6_500);
        assert!(a.countdowns.is_empty());
        a.arm_countdown("BTCUSDT", 1000, 7_000);
        a.arm_countdown("BTCUSDT", 0, 7_001);
        assert!(a.countdowns.is_empty());
    }
}
