//! Request-weight and order-count limits, per budget (spot `/api`, spot
//! `/sapi`, USD-M futures — Binance counts them separately), enforced
//! *before* a request is sent.
//!
//! The host counts the weight of every request it sends in the current
//! minute (from the catalogue) and takes the exchange's own figure from
//! `X-MBX-USED-WEIGHT-1M` when it is higher; a request that would cross the
//! limit waits for the next minute (if that fits its call's budget) or is
//! refused with `retry_after_secs`. After an HTTP 429 nothing is sent to that
//! venue until `Retry-After` has passed — the host never turns a 429 into a
//! 418 — and after a 418 nothing until the ban lifts.

use super::catalogue::{Endpoint, Venue};
use crate::tool_error::{ErrorKind, ToolError};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Binance's spot REQUEST_WEIGHT limit per minute (exchangeInfo.rateLimits).
pub const SPOT_WEIGHT_PER_MINUTE: u32 = 6000;
/// Binance's `/sapi` IP weight limit per minute (`X-SAPI-USED-IP-WEIGHT-1M`).
pub const SAPI_WEIGHT_PER_MINUTE: u32 = 12_000;
/// Binance's USD-M futures REQUEST_WEIGHT limit per minute.
pub const FUTURES_WEIGHT_PER_MINUTE: u32 = 2400;
/// Binance's spot ORDERS limits per account.
pub const ORDERS_PER_10S: u32 = 50;
pub const ORDERS_PER_DAY: u32 = 160_000;
/// Pause after a 429 that carries no Retry-After.
const DEFAULT_429_PAUSE: Duration = Duration::from_secs(60);
/// Pause after a 418 that carries no Retry-After (Binance's shortest ban).
const DEFAULT_418_PAUSE: Duration = Duration::from_secs(120);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Pause {
    TooManyRequests,
    Banned,
}

/// The separately counted weight budgets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Budget {
    /// Spot `/api/...`.
    Spot,
    /// Spot wallet `/sapi/...` (its own IP budget).
    Sapi,
    /// USD-M futures `/fapi/...`.
    Futures,
}

impl Budget {
    /// The budget an endpoint draws on.
    pub fn of(endpoint: &Endpoint) -> Budget {
        match endpoint.venue {
            Venue::UsdmFutures => Budget::Futures,
            Venue::Spot if endpoint.path.starts_with("/sapi/") => Budget::Sapi,
            Venue::Spot => Budget::Spot,
        }
    }
}

impl std::fmt::Display for Budget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Budget::Spot => "spot /api",
            Budget::Sapi => "spot /sapi",
            Budget::Futures => "usdm-futures",
        })
    }
}

#[derive(Debug)]
struct VenueState {
    limit: u32,
    /// Start of the current one-minute window.
    window: Instant,
    used: u32,
    paused_until: Option<(Instant, Pause)>,
    orders_10s: u32,
    orders_window: Instant,
    orders_1d: u32,
}

impl VenueState {
    fn new(limit: u32, now: Instant) -> Self {
        VenueState {
            limit,
            window: now,
            used: 0,
            paused_until: None,
            orders_10s: 0,
            orders_window: now,
            orders_1d: 0,
        }
    }

    fn roll(&mut self, now: Instant) {
        if now.duration_since(self.window) >= Duration::from_secs(60) {
            self.window = now;
            self.used = 0;
        }
        if now.duration_since(self.orders_window) >= Duration::from_secs(10) {
            self.orders_window = now;
            self.orders_10s = 0;
        }
        if matches!(self.paused_until, Some((until, _)) if now >= until) {
            self.paused_until = None;
        }
    }
}

/// What a request must do before it may be sent.
enum Admission {
    Go,
    Wait { wait: Duration, why: Reason },
}

#[derive(Clone, Copy)]
enum Reason {
    Weight,
    Orders,
    Paused(Pause),
}

/// Limits for every budget.
#[derive(Debug)]
pub struct RateLimiter {
    spot: Mutex<VenueState>,
    sapi: Mutex<VenueState>,
    futures: Mutex<VenueState>,
}

impl Default for RateLimiter {
    fn default() -> Self {
        RateLimiter::new(SPOT_WEIGHT_PER_MINUTE, FUTURES_WEIGHT_PER_MINUTE)
    }
}

impl RateLimiter {
    /// Limits in weight per minute for spot `/api` and futures; `/sapi`
    /// gets Binance's [`SAPI_WEIGHT_PER_MINUTE`].
    pub fn new(spot_limit: u32, futures_limit: u32) -> Self {
        let now = Instant::now();
        RateLimiter {
            spot: Mutex::new(VenueState::new(spot_limit, now)),
            sapi: Mutex::new(VenueState::new(SAPI_WEIGHT_PER_MINUTE.max(spot_limit), now)),
            futures: Mutex::new(VenueState::new(futures_limit, now)),
        }
    }

    fn venue(&self, budget: Budget) -> std::sync::MutexGuard<'_, VenueState> {
        let m = match budget {
            Budget::Spot => &self.spot,
            Budget::Sapi => &self.sapi,
            Budget::Futures => &self.futures,
        };
        m.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Reserve `weight` (and an order slot when `is_order`) on `venue`,
    /// waiting up to `max_wait` for the window to allow it.
    pub fn acquire(
        &self,
        venue: Budget,
        weight: u32,
        is_order: bool,
        max_wait: Duration,
    ) -> Result<(), ToolError> {
        let started = Instant::now();
        loop {
            let (admission, used, limit) = {
                let mut s = self.venue(venue);
                let now = Instant::now();
                s.roll(now);
                let admission = if let Some((until, why)) = s.paused_until {
                    Admission::Wait {
                        wait: until - now,
                        why: Reason::Paused(why),
                    }
                } else if s.used.saturating_add(weight) > s.limit && s.used > 0 {
                    let next = s.window + Duration::from_secs(60);
                    Admission::Wait {
                        wait: next.saturating_duration_since(now),
                        why: Reason::Weight,
                    }
                } else if is_order
                    && (s.orders_10s >= ORDERS_PER_10S || s.orders_1d >= ORDERS_PER_DAY)
                {
                    let next = s.orders_window + Duration::from_secs(10);
                    Admission::Wait {
                        wait: next.saturating_duration_since(now),
                        why: Reason::Orders,
                    }
                } else {
                    s.used = s.used.saturating_add(weight);
                    if is_order {
                        s.orders_10s += 1;
                        s.orders_1d += 1;
                    }
                    Admission::Go
                };
                (admission, s.used, s.limit)
            };
            match admission {
                Admission::Go => return Ok(()),
                Admission::Wait { wait, why } => {
                    let waited = started.elapsed();
                    let banned = matches!(why, Reason::Paused(Pause::Banned));
                    if banned || waited + wait > max_wait {
                        return Err(refusal(venue, why, wait, used, limit));
                    }
                    tracing::info!(%venue, wait_ms = wait.as_millis() as u64, used, limit, "rate limit: waiting before sending");
                    std::thread::sleep(wait + Duration::from_millis(5));
                }
            }
        }
    }

    /// Take in what an answer says about the limits: the exchange's weight
    /// count, order counts, and a 429 or 418.
    pub fn observe(
        &self,
        venue: Budget,
        status: u16,
        used_weight_1m: Option<u32>,
        orders: (Option<u32>, Option<u32>),
        retry_after: Option<u32>,
    ) {
        let mut s = self.venue(venue);
        let now = Instant::now();
        s.roll(now);
        if let Some(w) = used_weight_1m {
            s.used = s.used.max(w);
        }
        if let Some(n) = orders.0 {
            s.orders_10s = s.orders_10s.max(n);
        }
        if let Some(n) = orders.1 {
            s.orders_1d = s.orders_1d.max(n);
        }
        let pause = match status {
            429 => Some((
                retry_after
                    .map(|s| Duration::from_secs(s.into()))
                    .unwrap_or(DEFAULT_429_PAUSE),
                Pause::TooManyRequests,
            )),
            418 => Some((
                retry_after
                    .map(|s| Duration::from_secs(s.into()))
                    .unwrap_or(DEFAULT_418_PAUSE),
                Pause::Banned,
            )),
            _ => None,
        };
        if let Some((d, why)) = pause {
            let until = now + d;
            tracing::warn!(budget = %venue, status, pause_secs = d.as_secs(), "Binance rate limit hit: pausing every request to this budget");
            pause_until(&mut s, until, why);
            drop(s);
            // A 418 bans the IP: /api and /sapi share it.
            let sibling = match venue {
                Budget::Spot => Some(Budget::Sapi),
                Budget::Sapi => Some(Budget::Spot),
                Budget::Futures => None,
            };
            if let (Pause::Banned, Some(other)) = (why, sibling) {
                pause_until(&mut self.venue(other), until, why);
            }
        }
    }

    /// Weight used in the current window and the limit, for reports.
    pub fn usage(&self, venue: Budget) -> (u32, u32) {
        let mut s = self.venue(venue);
        s.roll(Instant::now());
        (s.used, s.limit)
    }
}

fn pause_until(s: &mut VenueState, until: Instant, why: Pause) {
    if s.paused_until.is_none_or(|(u, _)| u < until) {
        s.paused_until = Some((until, why));
    }
}

fn refusal(venue: Budget, why: Reason, wait: Duration, used: u32, limit: u32) -> ToolError {
    let secs = wait.as_secs() as u32 + u32::from(wait.subsec_nanos() > 0);
    let secs = secs.max(1);
    let message = match why {
        Reason::Weight => format!("the {venue} request-weight limit ({limit}/min) would be exceeded; the host holds requests until the window resets"),
        Reason::Orders => format!("the {venue} order-rate limit ({ORDERS_PER_10S} per 10 s / {ORDERS_PER_DAY} per day) is reached"),
        Reason::Paused(Pause::TooManyRequests) => format!("Binance answered HTTP 429 on {venue}; every request to it is paused until Retry-After passes"),
        Reason::Paused(Pause::Banned) => format!("Binance banned this IP on {venue} (HTTP 418); every request to it is stopped until the ban lifts"),
    };
    ToolError {
        retry_after_secs: Some(secs),
        ..ToolError::new(
            ErrorKind::RateLimited,
            message,
            format!("wait {secs} s before calling again, and make fewer or lighter requests"),
        )
    }
    .with_data("current_weight", used)
    .with_data("weight_limit", limit)
}

#[cfg(test)]
mod tests {
    use super::*;

    const NO_WAIT: Duration = Duration::ZERO;

    #[test]
    fn admits_until_the_limit_then_refuses_with_retry_after() {
        let rl = RateLimiter::new(100, 100);
        for _ in 0..10 {
            rl.acquire(Budget::Spot, 10, false, NO_WAIT).unwrap();
        }
        let e = rl.acquire(Budget::Spot, 1, false, NO_WAIT).unwrap_err();
        assert_eq!(e.kind, ErrorKind::RateLimited);
        assert!((1..=60).contains(&e.retry_after_secs.unwrap()));
        assert_eq!(e.data["current_weight"], 100);
        assert_eq!(e.data["weight_limit"], 100);
        // The other venue is independent.
        rl.acquire(Budget::Futures, 100, false, NO_WAIT).unwrap();
    }

    #[test]
    fn the_exchanges_count_wins_when_higher() {
        let rl = RateLimiter::new(100, 100);
        rl.observe(Budget::Spot, 200, Some(95), (None, None), None);
        assert_eq!(rl.usage(Budget::Spot), (95, 100));
        assert!(rl.acquire(Budget::Spot, 10, false, NO_WAIT).is_err());
        rl.acquire(Budget::Spot, 5, false, NO_WAIT).unwrap();
    }

    #[test]
    fn a_429_pauses_the_venue_for_retry_after() {
        let rl = RateLimiter::new(6000, 6000);
        rl.observe(Budget::Spot, 429, None, (None, None), Some(1));
        let e = rl.acquire(Budget::Spot, 1, false, NO_WAIT).unwrap_err();
        assert!(e.message.contains("429"), "{}", e.message);
        assert_eq!(e.retry_after_secs, Some(1));
        // Within budget, the request waits the pause out instead of failing.
        let t = Instant::now();
        rl.acquire(Budget::Spot, 1, false, Duration::from_secs(3))
            .unwrap();
        assert!(t.elapsed() >= Duration::from_millis(900));
    }

    #[test]
    fn a_418_refuses_at_once_even_with_budget() {
        let rl = RateLimiter::new(6000, 6000);
        rl.observe(Budget::Spot, 418, None, (None, None), Some(300));
        let e = rl
            .acquire(Budget::Spot, 1, false, Duration::from_secs(30))
            .unwrap_err();
        assert!(e.message.contains("418"));
        assert!(e.retry_after_secs.unwrap() >= 299);
    }

    #[test]
    fn sapi_has_its_own_budget_but_shares_an_ip_ban() {
        let rl = RateLimiter::new(100, 100);
        rl.acquire(Budget::Spot, 100, false, NO_WAIT).unwrap();
        rl.acquire(Budget::Sapi, 2400, false, NO_WAIT).unwrap();
        assert_eq!(rl.usage(Budget::Sapi), (2400, SAPI_WEIGHT_PER_MINUTE));
        rl.observe(Budget::Sapi, 429, None, (None, None), Some(5));
        assert!(rl.acquire(Budget::Sapi, 1, false, NO_WAIT).is_err());
        rl.observe(Budget::Spot, 200, Some(0), (None, None), None);
        rl.observe(Budget::Sapi, 418, None, (None, None), Some(120));
        assert!(rl
            .acquire(Budget::Spot, 1, false, NO_WAIT)
            .unwrap_err()
            .message
            .contains("418"));
        rl.acquire(Budget::Futures, 1, false, NO_WAIT).unwrap();
    }

    #[test]
    fn order_counts_are_tracked() {
        let rl = RateLimiter::default();
        rl.observe(
            Budget::Spot,
            200,
            None,
            (Some(ORDERS_PER_10S), Some(10)),
            None,
        );
        assert!(rl.acquire(Budget::Spot, 1, true, NO_WAIT).is_err());
        rl.acquire(Budget::Spot, 1, false, NO_WAIT).unwrap();
    }
}
