//! A plugin's share of the IP's request weight (`max_weight_percent` in the
//! policy): without one, a single public-data plugin could spend a whole
//! minute's budget on a few deep order books and leave every other tool
//! rate-limited until the minute turned.
//!
//! The share is counted per budget (spot `/api`, `/sapi`, futures) in the
//! same exchange-clock minutes as the [`RateLimiter`]: a request that would
//! take the plugin past its share waits for the next minute when that fits
//! in the call's budget, and otherwise fails as `rate_limited` with the
//! time to wait; a request larger than the whole share can never pass and
//! is `not_permitted`, naming the policy key. Weight is taken when a request
//! is admitted and handed back only when the IP limiter then refuses it (so
//! nothing was sent); an answered request stays counted.

use super::ratelimit::{whole_secs, Budget, RateLimiter};
use crate::tool_error::{ErrorKind, ToolError};
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const MINUTE_MS: i64 = 60_000;
/// Longest single sleep while waiting for the next minute: shutdown is
/// noticed this often.
const WAIT_SLICE: Duration = Duration::from_millis(100);

/// One plugin's share. Shared by all its calls, and kept across policy
/// reloads (a reload changes the percentage, not what was spent).
#[derive(Debug)]
pub struct WeightShare {
    plugin: Arc<str>,
    percent: AtomicU8,
    state: Mutex<State>,
}

#[derive(Debug, Default)]
struct State {
    /// The exchange minute the counts belong to.
    minute: i64,
    used: [u32; 3],
}

/// What [`WeightShare::take`] took, to hand back if nothing was sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Taken {
    budget: Budget,
    minute: i64,
    weight: u32,
}

fn index(b: Budget) -> usize {
    match b {
        Budget::Spot => 0,
        Budget::Sapi => 1,
        Budget::Futures => 2,
    }
}

impl WeightShare {
    /// `percent` (1–100) of each budget for plugin `plugin`.
    pub fn new(plugin: Arc<str>, percent: u8) -> Self {
        WeightShare {
            plugin,
            percent: AtomicU8::new(percent.clamp(1, 100)),
            state: Mutex::new(State {
                minute: i64::MIN,
                used: [0; 3],
            }),
        }
    }

    /// The percentage now in force.
    pub fn percent(&self) -> u8 {
        self.percent.load(Ordering::Relaxed)
    }

    /// Change the percentage (a policy reload).
    pub fn set_percent(&self, percent: u8) {
        self.percent.store(percent.clamp(1, 100), Ordering::Relaxed);
    }

    /// This plugin's cap on a budget whose IP limit is `limit`.
    pub fn cap(&self, limit: u32) -> u32 {
        WeightShare::cap_at(limit, self.percent())
    }

    /// `percent` of `limit`, rounded down.
    pub fn cap_at(limit: u32, percent: u8) -> u32 {
        (u64::from(limit) * u64::from(percent.min(100)) / 100) as u32
    }

    /// The weight this plugin spent on `budget` in the limiter's current minute.
    pub fn used(&self, limiter: &RateLimiter, budget: Budget) -> u32 {
        let minute = limiter.window_ms().div_euclid(MINUTE_MS);
        let s = self.state.lock().unwrap_or_else(|p| p.into_inner());
        if s.minute == minute {
            s.used[index(budget)]
        } else {
            0
        }
    }

    /// Take `weight` of `budget` for this plugin, waiting (until `deadline`)
    /// for the next minute when this one's share is spent.
    pub fn take(
        &self,
        limiter: &RateLimiter,
        budget: Budget,
        weight: u32,
        deadline: Instant,
    ) -> Result<Taken, ToolError> {
        let limit = limiter.usage(budget).1;
        let cap = self.cap(limit);
        if weight > cap {
            return Err(ToolError::new(
                ErrorKind::NotPermitted,
                format!(
                    "this request costs {weight} weight on {budget}, more than plugin '{}''s whole share of {cap} per minute (policy: plugins.{}.max_weight_percent = {})",
                    self.plugin,
                    self.plugin,
                    self.percent()
                ),
                "ask for less (a smaller limit or fewer symbols)",
            )
            .with_data("plugin_weight_limit", cap)
            .with_data("request_weight", weight));
        }
        loop {
            let now_ms = limiter.window_ms();
            let minute = now_ms.div_euclid(MINUTE_MS);
            let used = {
                let mut s = self.state.lock().unwrap_or_else(|p| p.into_inner());
                if s.minute != minute {
                    s.minute = minute;
                    s.used = [0; 3];
                }
                let used = &mut s.used[index(budget)];
                if used.saturating_add(weight) <= cap {
                    *used += weight;
                    return Ok(Taken {
                        budget,
                        minute,
                        weight,
                    });
                }
                *used
            };
            let to_next = Duration::from_millis((MINUTE_MS - now_ms.rem_euclid(MINUTE_MS)) as u64);
            let now = Instant::now();
            if limiter.is_cancelled() {
                return Err(ToolError::new(
                    ErrorKind::ExchangeUnavailable,
                    "the server is shutting down; the request was not sent",
                    "call again once the server has restarted",
                ));
            }
            if now + to_next >= deadline {
                let wait = whole_secs(to_next).max(1);
                return Err(ToolError {
                    retry_after_secs: Some(wait),
                    ..ToolError::new(
                        ErrorKind::RateLimited,
                        format!(
                            "plugin '{}' has spent {used} of its {cap} weight this minute on {budget} (policy: plugins.{}.max_weight_percent = {}); this request needs {weight}",
                            self.plugin,
                            self.plugin,
                            self.percent()
                        ),
                        format!("wait {wait} s for the next minute, or ask for less"),
                    )
                }
                .with_data("plugin_weight", used)
                .with_data("plugin_weight_limit", cap));
            }
            std::thread::sleep(to_next.min(WAIT_SLICE));
        }
    }

    /// Hand back what [`take`](Self::take) took for a request that was not sent.
    pub fn give_back(&self, taken: Taken) {
        let mut s = self.state.lock().unwrap_or_else(|p| p.into_inner());
        if s.minute == taken.minute {
            let used = &mut s.used[index(taken.budget)];
            *used = used.saturating_sub(taken.weight);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A limiter whose exchange clock is `into` ms into a minute (the
    /// offset is the limiter's own clock alignment), so no test depends on
    /// when it runs.
    fn limiter_at(into: i64) -> RateLimiter {
        let l = RateLimiter::new(6000, 2400);
        let w = l.window_ms();
        let target = w - w.rem_euclid(MINUTE_MS) + into;
        l.set_clock_offset(target - w);
        l
    }

    fn limiter() -> RateLimiter {
        limiter_at(1_000)
    }

    #[test]
    fn a_share_caps_each_budget_and_refuses_past_it_with_the_wait() {
        let l = limiter();
        let s = WeightShare::new("market".into(), 10);
        assert_eq!(s.cap(6000), 600);
        let soon = Instant::now() + Duration::from_millis(200);
        s.take(&l, Budget::Spot, 250, soon).unwrap();
        s.take(&l, Budget::Spot, 250, soon).unwrap();
        let e = s.take(&l, Budget::Spot, 250, soon).unwrap_err();
        assert_eq!(e.kind, ErrorKind::RateLimited);
        assert!(e.retry_after_secs.unwrap() >= 1);
        assert!(
            e.message.contains("max_weight_percent = 10"),
            "{}",
            e.message
        );
        assert_eq!(e.data["plugin_weight"], 500);
        assert_eq!(e.data["plugin_weight_limit"], 600);
        // Futures is its own budget: 10% of 2400.
        s.take(&l, Budget::Futures, 240, soon).unwrap();
        assert_eq!(s.used(&l, Budget::Spot), 500);
    }

    #[test]
    fn a_request_larger_than_the_share_is_not_permitted() {
        let l = limiter();
        let s = WeightShare::new("market".into(), 1);
        let e = s
            .take(
                &l,
                Budget::Spot,
                250,
                Instant::now() + Duration::from_secs(90),
            )
            .unwrap_err();
        assert_eq!(e.kind, ErrorKind::NotPermitted);
    }

    #[test]
    fn unsent_weight_comes_back_and_a_reload_changes_the_cap() {
        let l = limiter();
        let s = WeightShare::new("p".into(), 10);
        let soon = Instant::now() + Duration::from_millis(100);
        let t = s.take(&l, Budget::Spot, 600, soon).unwrap();
        assert!(s.take(&l, Budget::Spot, 1, soon).is_err());
        s.give_back(t);
        s.take(&l, Budget::Spot, 600, soon).unwrap();
        s.set_percent(20);
        s.take(&l, Budget::Spot, 600, soon).unwrap();
    }

    #[test]
    fn a_full_minute_is_waited_out_within_the_budget() {
        let l = limiter_at(MINUTE_MS - 800);
        let s = WeightShare::new("p".into(), 10);
        let far = Instant::now() + Duration::from_secs(5);
        s.take(&l, Budget::Spot, 600, far).unwrap();
        let started = Instant::now();
        s.take(&l, Budget::Spot, 600, far).unwrap();
        assert!(
            started.elapsed() >= Duration::from_millis(500),
            "{:?}",
            started.elapsed()
        );
    }
}
