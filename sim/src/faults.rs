//! Fault injection: a queue of faults, each applied to the next N requests
//! matching an optional path, for testing clients against outages, slow
//! answers, garbage bodies and rate-limit bursts.
//!
//! ```no_run
//! # async fn demo(sim: &binance_sim::Simulator) {
//! use binance_sim::faults::{Fault, FaultRule};
//! sim.faults().push(FaultRule::new(Fault::Status(503)).times(2).on_path("/api/v3/order"));
//! # }
//! ```

use std::collections::VecDeque;
use std::sync::Mutex;

/// One kind of failure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// Answer with this status and `{"code":-1000,"msg":"An unknown error
    /// occurred while processing the request."}`, without processing.
    Status(u16),
    /// Answer with this status and an HTML error page, without processing.
    StatusHtml(u16),
    /// Wait this many ms, then process and answer normally.
    Delay(u64),
    /// Process the request (e.g. place the order), then wait this many ms
    /// before answering: "executed, but the client timed out".
    DelayAfter(u64),
    /// Process the request, then answer 200 with its body cut in half.
    MalformedJson,
    /// Answer 200 with a valid JSON body of about this many bytes, without
    /// processing: an answer no Binance endpoint gives, for a client's body cap.
    Oversized(usize),
    /// Answer 429 (-1003) with this `Retry-After`, without processing and
    /// without touching the real weight window or the ban logic.
    TooManyRequests {
        /// Seconds in `Retry-After`.
        retry_after_secs: u64,
    },
    /// Answer with this 3xx status and `Location`, without processing: a
    /// proxy or moved endpoint a client must not follow.
    Redirect {
        /// The 3xx status.
        status: u16,
        /// The `Location` header.
        location: String,
    },
    /// Process normally, then report this used weight in every
    /// `X-*-USED-*WEIGHT-1M` header (a lying or broken network element).
    UsedWeightHeader(u64),
}

/// A fault with how many requests it applies to and which path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FaultRule {
    /// The fault.
    pub fault: Fault,
    /// Matching requests still to affect.
    pub remaining: u32,
    /// Exact request path to match (`/api/v3/order`); `None` matches all.
    pub path: Option<String>,
}

impl FaultRule {
    /// `fault` for the next single request on any path.
    pub fn new(fault: Fault) -> Self {
        FaultRule {
            fault,
            remaining: 1,
            path: None,
        }
    }

    /// Applies to the next `n` matching requests.
    pub fn times(mut self, n: u32) -> Self {
        self.remaining = n;
        self
    }

    /// Only requests whose path is exactly `path`.
    pub fn on_path(mut self, path: &str) -> Self {
        self.path = Some(path.to_string());
        self
    }
}

/// The queue of pending faults. The first rule matching a request's path
/// applies (one fault per request); rules are dropped once used up.
#[derive(Debug, Default)]
pub struct FaultInjector {
    queue: Mutex<VecDeque<FaultRule>>,
}

impl FaultInjector {
    fn lock(&self) -> std::sync::MutexGuard<'_, VecDeque<FaultRule>> {
        self.queue.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Queues a rule behind the existing ones.
    pub fn push(&self, rule: FaultRule) {
        if rule.remaining > 0 {
            self.lock().push_back(rule);
        }
    }

    /// Queues `fault` for the next request on any path.
    pub fn inject(&self, fault: Fault) {
        self.push(FaultRule::new(fault));
    }

    /// Drops every pending rule.
    pub fn clear(&self) {
        self.lock().clear();
    }

    /// How many requests the pending rules will still affect.
    pub fn pending(&self) -> u32 {
        self.lock().iter().map(|r| r.remaining).sum()
    }

    /// Takes the fault for a request on `path`, if a rule matches.
    pub fn take(&self, path: &str) -> Option<Fault> {
        let mut q = self.lock();
        let i = q
            .iter()
            .position(|r| r.path.as_deref().is_none_or(|p| p == path))?;
        let rule = &mut q[i];
        let fault = rule.fault.clone();
        rule.remaining -= 1;
        if rule.remaining == 0 {
            q.remove(i);
        }
        Some(fault)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queue_order_paths_and_counts() {
        let f = FaultInjector::default();
        f.push(
            FaultRule::new(Fault::Status(503))
                .times(2)
                .on_path("/api/v3/order"),
        );
        f.inject(Fault::MalformedJson);
        assert_eq!(f.pending(), 3);
        assert_eq!(f.take("/api/v3/time"), Some(Fault::MalformedJson));
        assert_eq!(f.take("/api/v3/time"), None);
        assert_eq!(f.take("/api/v3/order"), Some(Fault::Status(503)));
        assert_eq!(f.take("/api/v3/order"), Some(Fault::Status(503)));
        assert_eq!(f.take("/api/v3/order"), None);
        f.push(FaultRule::new(Fault::Delay(5)).times(0));
        assert_eq!(f.pending(), 0);
        f.inject(Fault::Delay(1));
        f.clear();
        assert_eq!(f.take("/x"), None);
    }
}
