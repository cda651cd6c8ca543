//! Rate-limit enforcement (HTTP 429, then 418 IP bans) and request
//! statistics.
//!
//! A request that would push its weight window over the limit is answered
//! 429 (-1003) with `Retry-After` = whole seconds to the window's reset.
//! Until then the client is in back-off: each further request gets 429
//! again, and the third one is answered 418 — an IP ban of 120 s that
//! doubles with every repeat ban, as Binance escalates (2 minutes to 3
//! days).

use std::collections::BTreeMap;
use std::sync::Mutex;

/// First ban length (ms).
pub const FIRST_BAN_MS: i64 = 120_000;

/// Longest ban (3 days, Binance's maximum).
pub const MAX_BAN_MS: i64 = 3 * 86_400_000;

/// Requests tolerated during a back-off before the ban.
pub const BACKOFF_STRIKES: u32 = 2;

/// What the limiter says about a request before it runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Go on.
    Pass,
    /// 429: still in back-off; retry after this many seconds.
    TooMany {
        /// Seconds until the back-off ends (≥ 1).
        retry_after: u64,
    },
    /// 418: banned until `until` (ms).
    Banned {
        /// End of the ban, ms since the epoch.
        until: i64,
        /// Seconds until the ban ends (≥ 1).
        retry_after: u64,
    },
}

/// Whole seconds from `now` to `until`, at least 1.
pub fn secs_until(now: i64, until: i64) -> u64 {
    ((until - now).max(1) as u64).div_ceil(1000)
}

/// The IP's back-off and ban state.
#[derive(Debug, Default)]
pub struct RateLimiter {
    inner: Mutex<Limiter>,
}

#[derive(Debug, Default)]
struct Limiter {
    backoff_until: i64,
    strikes: u32,
    banned_until: i64,
    bans: u32,
}

impl RateLimiter {
    fn lock(&self) -> std::sync::MutexGuard<'_, Limiter> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Judges a request arriving at `now` (ms), counting back-off strikes.
    pub fn before(&self, now: i64) -> Verdict {
        let mut l = self.lock();
        if now < l.banned_until {
            return Verdict::Banned {
                until: l.banned_until,
                retry_after: secs_until(now, l.banned_until),
            };
        }
        if now >= l.backoff_until {
            return Verdict::Pass;
        }
        l.strikes += 1;
        if l.strikes <= BACKOFF_STRIKES {
            return Verdict::TooMany {
                retry_after: secs_until(now, l.backoff_until),
            };
        }
        let length = (FIRST_BAN_MS << l.bans.min(20)).min(MAX_BAN_MS);
        l.bans += 1;
        l.banned_until = now + length;
        l.backoff_until = 0;
        l.strikes = 0;
        Verdict::Banned {
            until: l.banned_until,
            retry_after: secs_until(now, l.banned_until),
        }
    }

    /// Records a 429 for an exceeded window that resets at `reset_ms`.
    pub fn tripped(&self, reset_ms: i64) {
        let mut l = self.lock();
        if l.backoff_until < reset_ms {
            l.backoff_until = reset_ms;
            l.strikes = 0;
        }
    }
}

/// Request counters, for tests ([`crate::SimState::stats`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SimStats {
    /// Every request received, whatever its fate.
    pub requests: u64,
    /// Responses with HTTP 429 (real or injected).
    pub status_429: u64,
    /// Responses with HTTP 418.
    pub status_418: u64,
    /// Requests per path (without the query).
    pub by_path: BTreeMap<String, u64>,
    /// Orders accepted (`POST /api/v3/order`: one; an OCO: two).
    pub orders_created: u64,
    /// Order placements received (`POST /api/v3/order`,
    /// `POST /api/v3/orderList/oco`), whatever became of them.
    pub orders_received: u64,
    /// Placements received per client id they carried (`newClientOrderId`;
    /// an OCO's `listClientOrderId`, `aboveClientOrderId`,
    /// `belowClientOrderId`).
    pub orders_received_by_client_id: BTreeMap<String, u64>,
    /// Futures order placements received (`POST /fapi/v1/order`,
    /// `POST /fapi/v1/algoOrder`), whatever became of them.
    pub futures_orders_received: u64,
    /// Futures placements received per `symbol` they named.
    pub futures_orders_received_by_symbol: BTreeMap<String, u64>,
    /// Futures placements received per client id (`newClientOrderId`,
    /// `clientAlgoId`).
    pub futures_orders_received_by_client_id: BTreeMap<String, u64>,
}

/// The counters behind a lock.
#[derive(Debug, Default)]
pub struct StatsCell(Mutex<SimStats>);

impl StatsCell {
    /// Applies `f` to the counters.
    pub fn update(&self, f: impl FnOnce(&mut SimStats)) {
        f(&mut self.0.lock().unwrap_or_else(|e| e.into_inner()));
    }

    /// A copy of the counters.
    pub fn get(&self) -> SimStats {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_then_ban_then_doubling() {
        let l = RateLimiter::default();
        let t = 1_000_000;
        assert_eq!(l.before(t), Verdict::Pass);
        l.tripped(t + 30_000);
        assert_eq!(l.before(t + 1), Verdict::TooMany { retry_after: 30 });
        assert_eq!(l.before(t + 2), Verdict::TooMany { retry_after: 30 });
        let Verdict::Banned { until, retry_after } = l.before(t + 3) else {
            panic!("third request in back-off must be banned");
        };
        assert_eq!((until, retry_after), (t + 3 + 120_000, 120));
        assert!(matches!(l.before(until - 1), Verdict::Banned { .. }));
        assert_eq!(l.before(until), Verdict::Pass);
        // A second offence bans for twice as long.
        l.tripped(until + 10_000);
        l.before(until + 1);
        l.before(until + 2);
        let Verdict::Banned { retry_after, .. } = l.before(until + 3) else {
            panic!("banned again");
        };
        assert_eq!(retry_after, 240);
    }

    #[test]
    fn backoff_ends_at_reset() {
        let l = RateLimiter::default();
        l.tripped(5_000);
        assert!(matches!(
            l.before(4_999),
            Verdict::TooMany { retry_after: 1 }
        ));
        assert_eq!(l.before(5_000), Verdict::Pass);
    }

    #[test]
    fn whole_seconds() {
        assert_eq!(secs_until(0, 1), 1);
        assert_eq!(secs_until(0, 1000), 1);
        assert_eq!(secs_until(0, 1001), 2);
        assert_eq!(secs_until(10, 0), 1);
    }
}
