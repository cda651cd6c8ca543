//! The offset between this machine's clock and Binance's, for signed
//! requests' `timestamp`. Measured at start and again when it is older than
//! [`RESYNC_AFTER`] or a request fails with -1021.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// Re-measure the offset when the last measurement is this old. Clocks drift
/// by well under a second a day; ten minutes keeps the offset fresh at the
/// cost of one weight-1 request.
pub const RESYNC_AFTER: Duration = Duration::from_secs(600);

/// An offset larger than this is logged as a warning: Binance rejects a
/// timestamp more than 1 s ahead of its clock.
pub const WARN_OFFSET_MS: i64 = 1000;

/// This machine's wall clock in UNIX milliseconds.
pub fn local_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// Server-time offset (server − local, ms) and when it was measured.
#[derive(Debug, Default)]
pub struct Clock {
    offset_ms: AtomicI64,
    measured: Mutex<Option<Instant>>,
}

impl Clock {
    /// The current server time estimate, in UNIX ms.
    pub fn server_now_ms(&self) -> i64 {
        local_ms().saturating_add(self.offset_ms.load(Ordering::Relaxed))
    }

    /// The last measured offset in ms.
    pub fn offset_ms(&self) -> i64 {
        self.offset_ms.load(Ordering::Relaxed)
    }

    /// Whether the offset was never measured or is older than [`RESYNC_AFTER`].
    pub fn is_stale(&self) -> bool {
        match *self.measured.lock().unwrap_or_else(|p| p.into_inner()) {
            None => true,
            Some(at) => at.elapsed() > RESYNC_AFTER,
        }
    }

    /// Record a measurement: the server said `server_ms` between local times
    /// `sent_ms` and `received_ms`; the midpoint cancels symmetric latency.
    pub fn record(&self, server_ms: i64, sent_ms: i64, received_ms: i64) -> i64 {
        let midpoint = sent_ms + (received_ms - sent_ms) / 2;
        let offset = server_ms - midpoint;
        self.offset_ms.store(offset, Ordering::Relaxed);
        *self.measured.lock().unwrap_or_else(|p| p.into_inner()) = Some(Instant::now());
        if offset.abs() > WARN_OFFSET_MS {
            tracing::warn!(offset_ms = offset, "this machine's clock differs from Binance's by more than 1 s; signed requests use the measured offset, but check NTP");
        } else {
            tracing::debug!(offset_ms = offset, "measured the Binance clock offset");
        }
        offset
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offset_uses_the_round_trip_midpoint() {
        let c = Clock::default();
        assert!(c.is_stale());
        assert_eq!(c.record(10_050, 1_000, 1_100), 9_000);
        assert!(!c.is_stale());
        let now = c.server_now_ms();
        assert!((now - local_ms() - 9_000).abs() < 50);
        assert_eq!(c.record(1_000, 2_000, 2_000), -1_000);
    }
}
