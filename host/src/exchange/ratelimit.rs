//! Request-weight and order-count limits, per budget (spot `/api`, spot
//! `/sapi`, USD-M futures — Binance counts them separately), enforced
//! *before* a request is sent, so the host never earns the IP a 418.
//!
//! How a budget is counted:
//! - **Windows are the exchange's**: weight resets at each UTC minute of
//!   Binance's clock (the host's clock plus the measured offset), order
//!   counts at each 10 s and at each UTC day (spot) or minute (futures) —
//!   not at intervals counted from process start, which would roll over
//!   while Binance's window is still full.
//! - **Reserve, then reconcile**: a request's weight (from the catalogue) is
//!   reserved before it is sent and counted as in flight until its answer
//!   arrives; the estimate of the minute's use is `max(what the exchange
//!   last said in X-MBX-USED-WEIGHT-1M, what this host had answered) + in
//!   flight`. Concurrent calls cannot all slip in before the first header.
//! - **Learn before a burst**: at start and at each new minute the host does
//!   not know what others (an earlier process, another program on this IP)
//!   used, so it sends one request alone and admits more only once an answer
//!   has told it the exchange's count.
//! - **After a 429** nothing is sent on that budget until `Retry-After` has
//!   passed — queued requests included (they wait or fail as `rate_limited`);
//!   after a 418 (an IP ban: `/api` and `/sapi` alike) nothing until it lifts.
//! - **Bounded trust**: `Retry-After` and the weight header come from the
//!   network; a 418 pause is clamped to Binance's longest ban (3 days), a
//!   429 pause beyond [`MAX_429_PAUSE`] is read as "until the window ends",
//!   and a weight count above the limit is read as "full". Each clamp is
//!   logged.

use super::catalogue::{Endpoint, Venue};
use crate::tool_error::{ErrorKind, ToolError};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use tokio_util::sync::CancellationToken;

/// Binance's spot REQUEST_WEIGHT limit per minute (exchangeInfo.rateLimits).
pub const SPOT_WEIGHT_PER_MINUTE: u32 = 6000;
/// Binance's `/sapi` IP weight limit per minute (`X-SAPI-USED-IP-WEIGHT-1M`).
pub const SAPI_WEIGHT_PER_MINUTE: u32 = 12_000;
/// Binance's USD-M futures REQUEST_WEIGHT limit per minute.
pub const FUTURES_WEIGHT_PER_MINUTE: u32 = 2400;
/// Binance's spot ORDERS limits per account.
pub const ORDERS_PER_10S: u32 = 50;
pub const ORDERS_PER_DAY: u32 = 160_000;
/// Binance's USD-M futures ORDERS limits per account
/// (`/fapi/v1/exchangeInfo` rateLimits: 300 per 10 SECOND, 1200 per MINUTE).
pub const FUTURES_ORDERS_PER_10S: u32 = 300;
pub const FUTURES_ORDERS_PER_MINUTE: u32 = 1200;
/// Longest 429 `Retry-After` taken literally; a longer one is read as "until
/// the current window ends" (a 429 is about this minute's weight).
pub const MAX_429_PAUSE: Duration = Duration::from_secs(300);
/// Pause after a 418 that carries no Retry-After (Binance's shortest ban).
/// (A 429 without one pauses until the current window ends.)
const DEFAULT_418_PAUSE: Duration = Duration::from_secs(120);
/// Binance's longest IP ban.
pub const MAX_BAN: Duration = Duration::from_secs(3 * 86_400);
/// How far the host's windows lag Binance's: a window is taken to turn this
/// long after its computed end, because the clock offset is an estimate and
/// a request arriving just before Binance's minute turns would land in the
/// full window.
const WINDOW_MARGIN_MS: i64 = 500;
/// Largest clock offset believed: a `serverTime` further off than a day is
/// not Binance's clock (and would overflow window arithmetic).
const MAX_OFFSET_MS: i64 = 86_400_000;

const MINUTE_MS: i64 = 60_000;
const TEN_S_MS: i64 = 10_000;
const DAY_MS: i64 = 86_400_000;

/// A budget's ORDERS limits: a short 10 s window and a long one (the UTC
/// day on spot, the minute on futures), both fixed intervals of Binance's
/// clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OrderLimits {
    /// Orders per 10 s.
    pub per_10s: u32,
    /// Orders per long window.
    pub per_long: u32,
    /// The long window's length, ms.
    pub long_ms: i64,
    /// Its name in messages ("day", "minute").
    pub long_name: &'static str,
}

impl OrderLimits {
    /// Spot's (and `/sapi`'s, which places no orders): 50 / 10 s, 160,000 / day.
    pub const SPOT: OrderLimits = OrderLimits {
        per_10s: ORDERS_PER_10S,
        per_long: ORDERS_PER_DAY,
        long_ms: DAY_MS,
        long_name: "day",
    };
    /// USD-M futures': 300 / 10 s, 1,200 / minute.
    pub const FUTURES: OrderLimits = OrderLimits {
        per_10s: FUTURES_ORDERS_PER_10S,
        per_long: FUTURES_ORDERS_PER_MINUTE,
        long_ms: MINUTE_MS,
        long_name: "minute",
    };
}

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

    fn index(self) -> usize {
        self as usize
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

/// A reserved slot: returned by [`RateLimiter::acquire`], handed back with
/// the answer to [`RateLimiter::observe`] or, when none came, to
/// [`RateLimiter::release`]. Dropped without either (an early return, a
/// panic), it is released as possibly sent, so the weight stays counted and
/// the slot is never leaked.
#[derive(Debug)]
#[must_use = "hand the reservation back with observe() or release()"]
pub struct Reservation<'a> {
    limiter: &'a RateLimiter,
    budget: Budget,
    weight: u32,
    /// The window minute it was reserved in.
    minute: i64,
    settled: bool,
}

impl Drop for Reservation<'_> {
    fn drop(&mut self) {
        if !self.settled {
            self.settled = true;
            self.limiter.settle_alone(self, true);
        }
    }
}

/// What an answer said about the limits.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Observed {
    pub status: u16,
    /// `X-MBX-USED-WEIGHT-1M` (or `X-SAPI-USED-IP-WEIGHT-1M`).
    pub used_weight_1m: Option<u32>,
    /// `X-MBX-ORDER-COUNT-10S` and the long window's count
    /// (`X-MBX-ORDER-COUNT-1D` on spot, `X-MBX-ORDER-COUNT-1M` on futures).
    pub orders: (Option<u32>, Option<u32>),
    /// `Retry-After`, seconds, as sent.
    pub retry_after: Option<u32>,
}

#[derive(Debug)]
struct BudgetState {
    limit: u32,
    /// Exchange minute (server ms / 60 000) the counts below belong to.
    minute: i64,
    /// The exchange's own count this minute; `None` until an answer told it.
    reported: Option<u32>,
    /// Weight of this host's requests answered this minute.
    counted: u32,
    /// Weight reserved and not yet answered (whatever minute it was sent in).
    inflight: u32,
    inflight_requests: u32,
    paused_until: Option<(Instant, Pause)>,
    order_limits: OrderLimits,
    ten_s: i64,
    orders_10s: u32,
    /// The long order window (day or minute) the count below belongs to.
    long: i64,
    orders_long: u32,
    /// Order counts an answer reported after Binance's window had turned
    /// but before this host's lagging one did: (window, count) for the
    /// 10 s and the long window, taken up when the host's window turns.
    early: [Option<(i64, u32)>; 2],
}

impl BudgetState {
    fn new(limit: u32, order_limits: OrderLimits) -> Self {
        BudgetState {
            limit,
            minute: i64::MIN,
            reported: None,
            counted: 0,
            inflight: 0,
            inflight_requests: 0,
            paused_until: None,
            order_limits,
            ten_s: i64::MIN,
            orders_10s: 0,
            long: i64::MIN,
            orders_long: 0,
            early: [None, None],
        }
    }

    /// The count a window starts with: what an answer already reported
    /// for it, else 0.
    fn start(early: &mut Option<(i64, u32)>, window: i64) -> u32 {
        match early.take() {
            Some((w, n)) if w == window => n,
            Some((w, n)) if w > window => {
                *early = Some((w, n));
                0
            }
            _ => 0,
        }
    }

    /// Move the windows to the exchange time `now_ms`.
    fn roll(&mut self, now_ms: i64, now: Instant) {
        let minute = now_ms.div_euclid(MINUTE_MS);
        if minute != self.minute {
            self.minute = minute;
            self.reported = None;
            self.counted = 0;
        }
        let ten_s = now_ms.div_euclid(TEN_S_MS);
        if ten_s != self.ten_s {
            self.ten_s = ten_s;
            self.orders_10s = Self::start(&mut self.early[0], ten_s);
        }
        let long = now_ms.div_euclid(self.order_limits.long_ms);
        if long != self.long {
            self.long = long;
            self.orders_long = Self::start(&mut self.early[1], long);
        }
        if matches!(self.paused_until, Some((until, _)) if now >= until) {
            self.paused_until = None;
        }
    }

    /// The estimate of this minute's use, in-flight weight included.
    fn used(&self) -> u32 {
        self.reported
            .unwrap_or(0)
            .max(self.counted)
            .saturating_add(self.inflight)
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
    /// Waiting for the first answer of the minute to learn the exchange's count.
    Learning,
    Paused(Pause),
}

/// Limits for every budget.
#[derive(Debug)]
pub struct RateLimiter {
    budgets: [Mutex<BudgetState>; 3],
    /// Woken whenever an answer (or a failure) frees capacity or teaches a count.
    changed: [Condvar; 3],
    /// Binance's clock minus this machine's, ms.
    offset_ms: AtomicI64,
    /// Shutdown: a held request gives up instead of waiting its turn.
    cancel: CancellationToken,
}

/// Longest single sleep of a held request: it re-checks for shutdown this often.
const WAIT_SLICE: Duration = Duration::from_millis(100);

impl Default for RateLimiter {
    fn default() -> Self {
        RateLimiter::new(SPOT_WEIGHT_PER_MINUTE, FUTURES_WEIGHT_PER_MINUTE)
    }
}

fn local_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

/// Time from `now_ms` to the start of the window after the one holding it.
fn to_next(now_ms: i64, window_ms: i64) -> Duration {
    let into = now_ms.rem_euclid(window_ms);
    Duration::from_millis((window_ms - into) as u64)
}

impl RateLimiter {
    /// Limits in weight per minute for spot `/api` and futures; `/sapi`
    /// gets Binance's [`SAPI_WEIGHT_PER_MINUTE`].
    pub fn new(spot_limit: u32, futures_limit: u32) -> Self {
        RateLimiter {
            budgets: [
                Mutex::new(BudgetState::new(spot_limit, OrderLimits::SPOT)),
                Mutex::new(BudgetState::new(
                    SAPI_WEIGHT_PER_MINUTE.max(spot_limit),
                    OrderLimits::SPOT,
                )),
                Mutex::new(BudgetState::new(futures_limit, OrderLimits::FUTURES)),
            ],
            changed: [Condvar::new(), Condvar::new(), Condvar::new()],
            offset_ms: AtomicI64::new(0),
            cancel: CancellationToken::new(),
        }
    }

    /// Stop holding requests when `token` is cancelled (shutdown).
    pub fn with_cancel(mut self, token: CancellationToken) -> Self {
        self.cancel = token;
        self
    }

    /// Align the windows to Binance's clock: `offset_ms` = server − local.
    pub fn set_clock_offset(&self, offset_ms: i64) {
        let bounded = offset_ms.clamp(-MAX_OFFSET_MS, MAX_OFFSET_MS);
        if bounded != offset_ms {
            tracing::warn!(offset_ms, "an implausible clock offset; windows use ±1 day");
        }
        self.offset_ms.store(bounded, Ordering::Relaxed);
    }

    /// Binance's time as the windows see it: lagging by the margin.
    fn server_ms(&self) -> i64 {
        local_ms()
            .saturating_add(self.offset_ms.load(Ordering::Relaxed))
            .saturating_sub(WINDOW_MARGIN_MS)
    }

    /// Binance's time in ms as the windows count it (lagging by the
    /// margin), for others that count in the same minutes.
    pub fn window_ms(&self) -> i64 {
        self.server_ms()
    }

    /// Whether shutdown has begun (held requests give up).
    pub fn is_cancelled(&self) -> bool {
        self.cancel.is_cancelled()
    }

    fn lock(&self, budget: Budget) -> MutexGuard<'_, BudgetState> {
        self.budgets[budget.index()]
            .lock()
            .unwrap_or_else(|p| p.into_inner())
    }

    /// Reserve `weight` (and an order slot when `is_order`) on `budget`,
    /// waiting up to `max_wait` for the limits to allow it.
    pub fn acquire(
        &self,
        budget: Budget,
        weight: u32,
        is_order: bool,
        max_wait: Duration,
    ) -> Result<Reservation<'_>, ToolError> {
        let started = Instant::now();
        let mut s = self.lock(budget);
        loop {
            if self.cancel.is_cancelled() {
                return Err(ToolError::new(
                    ErrorKind::ExchangeUnavailable,
                    "the server is shutting down; the request was not sent",
                    "call again once the server has restarted",
                ));
            }
            let now = Instant::now();
            let now_ms = self.server_ms();
            s.roll(now_ms, now);
            let admission = admit(&s, weight, is_order, now, now_ms);
            let (wait, why) = match admission {
                Admission::Go => {
                    s.inflight = s.inflight.saturating_add(weight);
                    s.inflight_requests += 1;
                    if is_order {
                        s.orders_10s += 1;
                        s.orders_long += 1;
                    }
                    return Ok(Reservation {
                        limiter: self,
                        budget,
                        weight,
                        minute: s.minute,
                        settled: false,
                    });
                }
                Admission::Wait { wait, why } => (wait, why),
            };
            let waited = started.elapsed();
            let banned = matches!(why, Reason::Paused(Pause::Banned));
            let left = max_wait.saturating_sub(waited);
            // Waiting to learn the count ends when an answer arrives, not at
            // a known time: wait as long as the budget allows.
            let fits = match why {
                Reason::Learning => !left.is_zero(),
                _ => wait <= left,
            };
            if banned || !fits {
                return Err(refusal(budget, why, wait, &s));
            }
            tracing::debug!(%budget, wait_ms = wait.as_millis() as u64, used = s.used(), limit = s.limit, "rate limit: holding a request");
            let (guard, _) = self.changed[budget.index()]
                .wait_timeout(s, wait.min(left).min(WAIT_SLICE))
                .unwrap_or_else(|p| p.into_inner());
            s = guard;
        }
    }

    /// Hand back a reservation with what its answer said: the exchange's
    /// weight and order counts, and a 429 or 418.
    pub fn observe(&self, mut reservation: Reservation<'_>, answer: Observed) {
        reservation.settled = true;
        let budget = reservation.budget;
        let now = Instant::now();
        let now_ms = self.server_ms();
        let mut s = self.lock(budget);
        s.roll(now_ms, now);
        // A header counts only for the minute the request was sent in: an
        // answer that straddles the turn reports the old minute's figure.
        let reported = answer
            .used_weight_1m
            .filter(|_| reservation.minute == s.minute);
        settle(&mut s, &reservation, true, reported.is_some());
        if let Some(reported) = reported {
            let reported = if reported > s.limit {
                tracing::warn!(%budget, reported, limit = s.limit, "the exchange reported more weight than the limit; counting the minute as full");
                s.limit
            } else {
                reported
            };
            s.reported = Some(s.reported.map_or(reported, |r| r.max(reported)));
        }
        let limits = s.order_limits;
        // Binance's own window may have turned already (the host's lag
        // behind it by the margin): a count reported then belongs to the
        // new window too, and must not be forgotten when the host's turns.
        let exact_ms = now_ms.saturating_add(WINDOW_MARGIN_MS);
        if let Some(n) = answer.orders.0 {
            let n = n.min(limits.per_10s);
            s.orders_10s = s.orders_10s.max(n);
            let w = exact_ms.div_euclid(TEN_S_MS);
            if w > s.ten_s {
                let prior = s.early[0].filter(|(e, _)| *e == w).map_or(0, |(_, m)| m);
                s.early[0] = Some((w, prior.max(n)));
            }
        }
        if let Some(n) = answer.orders.1 {
            let n = n.min(limits.per_long);
            s.orders_long = s.orders_long.max(n);
            let w = exact_ms.div_euclid(limits.long_ms);
            if w > s.long {
                let prior = s.early[1].filter(|(e, _)| *e == w).map_or(0, |(_, m)| m);
                s.early[1] = Some((w, prior.max(n)));
            }
        }
        let pause = match answer.status {
            429 => Some((
                bounded_retry_after(429, answer.retry_after, now_ms),
                Pause::TooManyRequests,
            )),
            418 => Some((
                bounded_retry_after(418, answer.retry_after, now_ms),
                Pause::Banned,
            )),
            _ => None,
        };
        if let Some((d, why)) = pause {
            let until = now + d;
            tracing::warn!(%budget, status = answer.status, pause_secs = d.as_secs(), "Binance rate limit hit: pausing every request to this budget");
            pause_until(&mut s, until, why);
            drop(s);
            // A 418 bans the IP: /api and /sapi share it.
            let sibling = match budget {
                Budget::Spot => Some(Budget::Sapi),
                Budget::Sapi => Some(Budget::Spot),
                Budget::Futures => None,
            };
            if let (Pause::Banned, Some(other)) = (why, sibling) {
                pause_until(&mut self.lock(other), until, why);
                self.changed[other.index()].notify_all();
            }
        } else {
            drop(s);
        }
        self.changed[budget.index()].notify_all();
    }

    /// Hand back a reservation whose request got no answer. `maybe_sent`:
    /// the request may have reached the exchange (a timeout, a dropped
    /// connection), so its weight still counts; a refused connection does not.
    pub fn release(&self, mut reservation: Reservation<'_>, maybe_sent: bool) {
        reservation.settled = true;
        self.settle_alone(&reservation, maybe_sent);
    }

    fn settle_alone(&self, reservation: &Reservation<'_>, maybe_sent: bool) {
        let budget = reservation.budget;
        let mut s = self.lock(budget);
        s.roll(self.server_ms(), Instant::now());
        settle(&mut s, reservation, maybe_sent, false);
        drop(s);
        self.changed[budget.index()].notify_all();
    }

    /// Weight used in the current window (in flight included) and the
    /// limit, for reports.
    pub fn usage(&self, budget: Budget) -> (u32, u32) {
        let mut s = self.lock(budget);
        s.roll(self.server_ms(), Instant::now());
        (s.used(), s.limit)
    }
}

/// Move a reservation out of flight, counting it when it (may have)
/// reached the exchange. Without a header to supersede it, its weight is
/// added to the exchange's last figure too: that figure includes other
/// processes' use, which `counted` does not.
fn settle(s: &mut BudgetState, r: &Reservation<'_>, count: bool, header: bool) {
    s.inflight = s.inflight.saturating_sub(r.weight);
    s.inflight_requests = s.inflight_requests.saturating_sub(1);
    if count {
        s.counted = s.counted.saturating_add(r.weight);
        if !header && r.minute == s.minute {
            s.reported = s.reported.map(|used| used.saturating_add(r.weight));
        }
    }
}

fn admit(s: &BudgetState, weight: u32, is_order: bool, now: Instant, now_ms: i64) -> Admission {
    if let Some((until, why)) = s.paused_until {
        return Admission::Wait {
            wait: until - now,
            why: Reason::Paused(why),
        };
    }
    if s.reported.is_none() && s.inflight_requests > 0 {
        // The first answer of the minute will say what was used; until then
        // one request at a time.
        return Admission::Wait {
            wait: Duration::from_secs(1),
            why: Reason::Learning,
        };
    }
    let used = s.used();
    // A request heavier than the whole limit still goes alone into an empty
    // window (Binance accepts it there); otherwise it must fit.
    if used.saturating_add(weight) > s.limit && (used > 0 || s.inflight_requests > 0) {
        return Admission::Wait {
            wait: to_next(now_ms, MINUTE_MS),
            why: Reason::Weight,
        };
    }
    let limits = s.order_limits;
    if is_order && s.orders_long >= limits.per_long {
        return Admission::Wait {
            wait: to_next(now_ms, limits.long_ms),
            why: Reason::Orders,
        };
    }
    if is_order && s.orders_10s >= limits.per_10s {
        return Admission::Wait {
            wait: to_next(now_ms, TEN_S_MS),
            why: Reason::Orders,
        };
    }
    Admission::Go
}

/// The pause an answer's `Retry-After` asks for, within documented bounds:
/// a 418 ban at most [`MAX_BAN`]; a 429 beyond [`MAX_429_PAUSE`] (or
/// without the header) until the current minute ends. Clamps are logged.
pub fn bounded_retry_after(status: u16, retry_after: Option<u32>, now_ms: i64) -> Duration {
    let window_end = to_next(now_ms, MINUTE_MS);
    let asked = retry_after.map(|s| Duration::from_secs(s.into()));
    match (status, asked) {
        (418, None) => DEFAULT_418_PAUSE,
        (418, Some(d)) if d > MAX_BAN => {
            tracing::warn!(
                retry_after_secs = d.as_secs(),
                max_secs = MAX_BAN.as_secs(),
                "a 418 Retry-After beyond Binance's longest ban (3 days); clamped"
            );
            MAX_BAN
        }
        (418, Some(d)) => d,
        (_, None) => window_end,
        (_, Some(d)) if d > MAX_429_PAUSE => {
            tracing::warn!(
                retry_after_secs = d.as_secs(),
                pause_secs = window_end.as_secs(),
                "a 429 Retry-After beyond {} s; pausing until the window ends instead",
                MAX_429_PAUSE.as_secs()
            );
            window_end
        }
        (_, Some(d)) => d,
    }
}

/// Whole seconds for a `retry_after_secs`, at least 1.
pub fn whole_secs(d: Duration) -> u32 {
    let secs = d.as_secs().min(u64::from(u32::MAX)) as u32;
    secs.saturating_add(u32::from(d.subsec_nanos() > 0)).max(1)
}

fn pause_until(s: &mut BudgetState, until: Instant, why: Pause) {
    if s.paused_until.is_none_or(|(u, _)| u < until) {
        s.paused_until = Some((until, why));
    }
}

fn refusal(budget: Budget, why: Reason, wait: Duration, s: &BudgetState) -> ToolError {
    let secs = whole_secs(wait);
    let (used, limit, orders) = (s.used(), s.limit, s.order_limits);
    let message = match why {
        Reason::Weight => format!("the {budget} request-weight limit ({limit}/min) would be exceeded; the host holds requests until the exchange's minute ends"),
        Reason::Orders => format!(
            "the {budget} order-rate limit ({} per 10 s / {} per {}) is reached",
            orders.per_10s, orders.per_long, orders.long_name
        ),
        Reason::Learning => format!("the host is waiting for the exchange to report this minute's {budget} weight before sending more requests"),
        Reason::Paused(Pause::TooManyRequests) => format!("Binance answered HTTP 429 on {budget}; every request to it is paused until Retry-After passes"),
        Reason::Paused(Pause::Banned) => format!("Binance banned this IP on {budget} (HTTP 418); every request to it is stopped until the ban lifts"),
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
#[path = "ratelimit_tests.rs"]
mod tests;
