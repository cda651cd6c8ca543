//! The account's unfilled-order count: Binance's `ORDERS` rate limits,
//! reported in `X-MBX-ORDER-COUNT-10S` / `X-MBX-ORDER-COUNT-1D` and
//! enforced with -1015 (HTTP 429).
//!
//! USD-M futures count the same way with other windows: 300 per 10 s and
//! 1,200 per minute (`X-MBX-ORDER-COUNT-1M`), every accepted placement
//! (regular or conditional) adding one; fills give nothing back
//! ([`OrderCounter::futures`]).
//!
//! Binance's "Spot Unfilled Order Count Rules" FAQ fixes the semantics the
//! simulator follows:
//! - the windows are fixed intervals, not rolling ones: 12:34:00–12:34:10,
//!   then 12:34:10–12:34:20, …; the DAY interval is the UTC day;
//! - every accepted order adds one (an OCO adds two);
//! - an order's first fill (partial or full, as taker or maker) takes one
//!   off every window, never below zero (Binance may take more for maker
//!   fills; the simulator always takes one, which keeps tests exact);
//! - cancelled and expired orders change nothing;
//! - a placement that would push a window over its limit is rejected with
//!   HTTP 429, -1015 "Too many new orders; current limit is 50 orders per
//!   10 SECOND.", and no `Retry-After` header.

use axum::http::StatusCode;

use crate::error::ApiError;
use crate::market::DAY_MS;

/// Length of the short window (ms).
pub const TEN_SECONDS_MS: i64 = 10_000;

/// Binance spot's default limit per 10 s (exchangeInfo `ORDERS`/`SECOND`).
pub const DEFAULT_LIMIT_10S: u32 = 50;

/// Binance spot's default limit per UTC day (exchangeInfo `ORDERS`/`DAY`).
pub const DEFAULT_LIMIT_1D: u32 = 160_000;

/// Binance USD-M futures' limit per 10 s (exchangeInfo `ORDERS`/`SECOND`).
pub const FUTURES_LIMIT_10S: u32 = 300;

/// Binance USD-M futures' limit per minute (exchangeInfo `ORDERS`/`MINUTE`).
pub const FUTURES_LIMIT_1M: u32 = 1200;

/// Length of a minute (ms).
pub const MINUTE_MS: i64 = 60_000;

/// One fixed window: which interval it is (start / length) and its count.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Window {
    interval: i64,
    count: u32,
}

impl Window {
    /// The count in the interval containing `now`, resetting a stale one.
    fn roll(&mut self, now: i64, len: i64) -> &mut u32 {
        let interval = now.div_euclid(len);
        if self.interval != interval {
            *self = Window { interval, count: 0 };
        }
        &mut self.count
    }
}

/// The two `ORDERS` windows of the account and their limits: 10 s and a
/// long one (the UTC day on spot, the minute on futures).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderCounter {
    /// Limit per 10 s.
    pub limit_10s: u32,
    /// Limit per long window.
    pub limit_long: u32,
    /// The long window's length (ms) and its name in -1015 ("DAY", "MINUTE").
    long: (i64, &'static str),
    ten: Window,
    day: Window,
}

impl Default for OrderCounter {
    /// Binance spot's published limits (50 / 10 s, 160 000 / day), no orders.
    fn default() -> Self {
        OrderCounter {
            limit_10s: DEFAULT_LIMIT_10S,
            limit_long: DEFAULT_LIMIT_1D,
            long: (DAY_MS, "DAY"),
            ten: Window::default(),
            day: Window::default(),
        }
    }
}

/// -1015 with Binance's message, HTTP 429.
pub fn too_many_orders(limit: u32, interval: &str) -> ApiError {
    ApiError {
        status: StatusCode::TOO_MANY_REQUESTS,
        code: -1015,
        msg: format!("Too many new orders; current limit is {limit} orders per {interval}."),
    }
}

impl OrderCounter {
    /// USD-M futures' published limits (300 / 10 s, 1 200 / minute), no orders.
    pub fn futures() -> Self {
        OrderCounter {
            limit_10s: FUTURES_LIMIT_10S,
            limit_long: FUTURES_LIMIT_1M,
            long: (MINUTE_MS, "MINUTE"),
            ..OrderCounter::default()
        }
    }

    /// -1015 if `n` more orders at `now` would break a limit.
    pub fn check(&mut self, now: i64, n: u32) -> Result<(), ApiError> {
        let (limit_10s, limit_long, (long_ms, long_name)) =
            (self.limit_10s, self.limit_long, self.long);
        if self.ten.roll(now, TEN_SECONDS_MS).saturating_add(n) > limit_10s {
            return Err(too_many_orders(limit_10s, "10 SECOND"));
        }
        if self.day.roll(now, long_ms).saturating_add(n) > limit_long {
            return Err(too_many_orders(limit_long, long_name));
        }
        Ok(())
    }

    /// Counts `n` accepted orders at `now` (a negative `n` takes off, never
    /// below zero).
    pub fn add(&mut self, now: i64, n: i64) {
        let long_ms = self.long.0;
        for count in [
            self.ten.roll(now, TEN_SECONDS_MS),
            self.day.roll(now, long_ms),
        ] {
            let moved = i64::from(*count)
                .saturating_add(n)
                .clamp(0, i64::from(u32::MAX));
            *count = moved as u32;
        }
    }

    /// Counts `n` orders placed earlier in the long window containing
    /// `now` (in its earlier 10 s windows).
    pub fn add_earlier(&mut self, now: i64, n: u32) {
        let long = self.day.roll(now, self.long.0);
        *long = long.saturating_add(n);
    }

    /// An order's first fill at `now` (spot): one off each window, floored at 0.
    pub fn first_fill(&mut self, now: i64) {
        self.add(now, -1);
    }

    /// The counts of the 10 s and long windows containing `now`.
    pub fn counts(&mut self, now: i64) -> (u32, u32) {
        let long_ms = self.long.0;
        (
            *self.ten.roll(now, TEN_SECONDS_MS),
            *self.day.roll(now, long_ms),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 2025-01-01T23:59:55Z.
    const T: i64 = 1_735_775_995_000;
    /// 2025-01-01T12:00:00Z.
    const NOON: i64 = 1_735_732_800_000;

    #[test]
    fn ten_second_window_is_fixed() {
        let mut c = OrderCounter::default();
        c.add(T, 1);
        c.add(T + 4_999, 1);
        assert_eq!(c.counts(T + 4_999), (2, 2));
        // T is 5 s into its 10 s interval: the next one starts at T + 5 s.
        assert_eq!(c.counts(T + 5_000).0, 0);
    }

    #[test]
    fn day_window_resets_at_utc_midnight() {
        let mut c = OrderCounter::default();
        c.add(T, 3);
        assert_eq!(c.counts(T + 4_999), (3, 3));
        // Midnight UTC is 5 s after T.
        assert_eq!(c.counts(T + 5_000), (0, 0));
        assert_eq!(T + 5_000, (T + 5_000).div_euclid(DAY_MS) * DAY_MS);
    }

    #[test]
    fn futures_count_per_minute() {
        let mut c = OrderCounter::futures();
        // NOON is a minute boundary: 1 200 fit in it (the earlier ones in
        // other 10 s windows), the next is refused.
        c.add_earlier(NOON + 50_000, 1_199);
        c.check(NOON + 59_000, 1).unwrap();
        c.add(NOON + 59_000, 1);
        assert_eq!(c.counts(NOON + 59_000), (1, 1_200));
        let e = c.check(NOON + 59_999, 1).unwrap_err();
        assert_eq!(
            e.msg,
            "Too many new orders; current limit is 1200 orders per MINUTE."
        );
        // The next minute starts empty.
        assert_eq!(c.counts(NOON + 60_000), (0, 0));
        c.add(NOON + 60_000, 300);
        let e = c.check(NOON + 60_000, 1).unwrap_err();
        assert_eq!(
            e.msg,
            "Too many new orders; current limit is 300 orders per 10 SECOND."
        );
    }

    #[test]
    fn limits_and_fills() {
        let mut c = OrderCounter {
            limit_10s: 2,
            limit_long: 3,
            ..OrderCounter::default()
        };
        c.check(NOON, 2).unwrap();
        c.add(NOON, 2);
        let e = c.check(NOON, 1).unwrap_err();
        assert_eq!(e.status, StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(
            (e.code, e.msg.as_str()),
            (
                -1015,
                "Too many new orders; current limit is 2 orders per 10 SECOND."
            )
        );
        // A fill frees a slot in both windows; it never goes below zero.
        c.first_fill(NOON);
        c.check(NOON, 1).unwrap();
        c.add(NOON, 1);
        c.first_fill(NOON + 10_000);
        assert_eq!(c.counts(NOON + 10_000), (0, 1));
        c.add(NOON + 10_000, 1);
        c.add(NOON + 20_000, 1);
        assert_eq!(c.counts(NOON + 20_000), (1, 3));
        let e = c.check(NOON + 20_000, 1).unwrap_err();
        assert_eq!(
            e.msg,
            "Too many new orders; current limit is 3 orders per DAY."
        );
    }
}
