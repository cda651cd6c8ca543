//! [`ExchangeService`]: the pipeline in front of a [`Gateway`] — checks,
//! signing, rate limits, retries for reads, classification of answers.

use super::catalogue::{classify, Endpoint, Method, Security, Venue};
use super::clock::{local_ms, Clock};
use super::errors;
use super::query;
use super::ratelimit::{bounded_retry_after, whole_secs, Budget, Observed, RateLimiter};
use super::share::WeightShare;
use super::signing::Signer;
use super::{Gate, Gateway, HttpRequest, HttpResponse, Request, Response, TransportError};
use crate::secret::Secret;
use crate::tool_error::{ErrorKind, ToolError};
use std::hash::{BuildHasher, Hasher};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Parameter names only the host may set, matched case-insensitively (a
/// proxy or a future Binance parser might not care about case either).
const RESERVED_PARAMS: &[&str] = &["signature", "timestamp", "recvWindow", "apiKey"];
/// Most parameters one request may carry.
const MAX_PARAMS: usize = 32;
/// Longest parameter value accepted from a plugin.
const MAX_VALUE_LEN: usize = 4096;
/// Attempts for a read that meets a network error or a 5xx: one try and two
/// retries, enough to ride out a blip without hammering a struggling exchange.
pub const MAX_READ_ATTEMPTS: u32 = 3;
/// First retry delay; doubled per retry, plus up to 50% jitter.
pub const RETRY_BASE: Duration = Duration::from_millis(200);
/// Budget for a request made outside any tool call (clock sync at start).
const UNBOUNDED_BUDGET: Duration = Duration::from_secs(10);
/// Binance's default receive window.
pub const DEFAULT_RECV_WINDOW_MS: u32 = 5000;

/// The API key and how to sign. Held by the host only.
#[derive(Debug)]
pub struct Credentials {
    pub api_key: Arc<Secret>,
    pub signer: Signer,
}

struct Inner {
    gateway: Arc<dyn Gateway>,
    credentials: Option<Credentials>,
    clock: Clock,
    limiter: RateLimiter,
    recv_window_ms: u32,
    memo: super::memo::Memo,
}

/// The exchange pipeline, shared by every plugin call.
#[derive(Clone)]
pub struct ExchangeService {
    inner: Arc<Inner>,
}

/// How one attempt ended before classification.
pub(crate) enum Attempt {
    Answer(HttpResponse),
    Transport(TransportError),
}

impl ExchangeService {
    /// A service without credentials (public endpoints only), default limits.
    pub fn new(gateway: Arc<dyn Gateway>) -> Self {
        ExchangeService::with(
            gateway,
            None,
            DEFAULT_RECV_WINDOW_MS,
            RateLimiter::default(),
        )
    }

    /// A service with `credentials`, a receive window and a rate limiter.
    pub fn with(
        gateway: Arc<dyn Gateway>,
        credentials: Option<Credentials>,
        recv_window_ms: u32,
        limiter: RateLimiter,
    ) -> Self {
        ExchangeService {
            inner: Arc::new(Inner {
                gateway,
                credentials,
                clock: Clock::default(),
                limiter,
                recv_window_ms,
                memo: super::memo::Memo::default(),
            }),
        }
    }

    /// The rate limiter (for reports and benchmarks).
    pub fn limiter(&self) -> &RateLimiter {
        &self.inner.limiter
    }

    /// The server clock estimate.
    pub fn clock(&self) -> &Clock {
        &self.inner.clock
    }

    /// Measure the server-time offset (`GET /api/v3/time`).
    pub fn sync_clock(&self) -> Result<i64, ToolError> {
        let endpoint = classify(Venue::Spot, Method::Get, "/api/v3/time")
            .map_err(|e| ToolError::new(ErrorKind::Internal, e.to_string(), "report this bug"))?;
        let sent = local_ms();
        let answer = self.read(endpoint, &[], None, None, None)?;
        let received = local_ms();
        let server: i64 = serde_json::from_str::<serde_json::Value>(&answer.body)
            .ok()
            .and_then(|v| v["serverTime"].as_i64())
            .ok_or_else(|| errors::malformed("time without serverTime"))?;
        let offset = self.inner.clock.record(server, sent, received);
        self.inner.limiter.set_clock_offset(offset);
        Ok(offset)
    }

    /// A public read the host makes on its own behalf (the order-book
    /// engine's depth snapshots): catalogue-checked, unsigned, and charged
    /// to the same weight budget as every plugin request, so it waits for
    /// capacity or fails as `rate_limited` — it can never earn a 429.
    pub fn public_read(
        &self,
        venue: Venue,
        path: &str,
        params: &[(String, String)],
        deadline: Option<Instant>,
    ) -> Result<Response, ToolError> {
        let endpoint = classify(venue, Method::Get, path)
            .ok()
            .filter(|e| e.security == Security::None)
            .ok_or_else(|| {
                ToolError::new(
                    ErrorKind::Internal,
                    format!("{path} is not a public read in the catalogue"),
                    "report this bug",
                )
            })?;
        check_params(params)?;
        self.read(endpoint, params, None, None, deadline)
    }

    /// Check and send one request that `gate` must allow, finishing by
    /// `deadline` (the end of the tool call's budget) when one is given.
    pub fn send(
        &self,
        gate: &dyn Gate,
        request: Request,
        deadline: Option<Instant>,
    ) -> Result<Response, ToolError> {
        let endpoint = classify(request.venue, request.method, &request.path).map_err(|e| {
            ToolError::new(ErrorKind::NotPermitted, e.to_string(), "binance-mcp only sends the endpoints in its catalogue; use one of the listed tools")
        })?;
        // Held until the outcome is known (for a write, the account lock).
        let pass = gate.admit(endpoint)?;
        let share = pass.share.as_deref();
        check_params(&request.params)?;
        let credentials = match endpoint.security {
            Security::None => None,
            _ => Some(self.credentials()?),
        };
        if super::memo::memoised(endpoint) {
            if let Some(kept) = self.inner.memo.get(endpoint, &request.params) {
                return Ok(kept);
            }
            let answer = self.read(endpoint, &request.params, None, share, deadline)?;
            self.inner.memo.put(endpoint, &request.params, &answer);
            Ok(answer)
        } else if endpoint.method == Method::Get {
            self.read(endpoint, &request.params, credentials, share, deadline)
        } else {
            let client_order_id = request
                .params
                .iter()
                .find(|(k, _)| k == "newClientOrderId" || k == "origClientOrderId")
                .map(|(_, v)| v.clone());
            let outcome =
                super::outcome::write(self, endpoint, request.params, credentials, share, deadline);
            // Every write's outcome is logged: it must never be lost, not even
            // when the call that made it is stopped on shutdown before the
            // plugin could report it.
            match &outcome {
                Ok(answer) => {
                    tracing::info!(path = endpoint.path, method = %endpoint.method, status = answer.status, client_order_id = ?client_order_id, "write done")
                }
                Err(e) => {
                    tracing::warn!(path = endpoint.path, method = %endpoint.method, code = e.kind.code(), binance_code = ?e.exchange_code, client_order_id = ?client_order_id, outcome = ?e.data.get("outcome"), error = %e.message, "write failed or outcome unknown")
                }
            }
            outcome
        }
    }

    fn credentials(&self) -> Result<&Credentials, ToolError> {
        let c = self.inner.credentials.as_ref().ok_or_else(|| {
            ToolError::new(
                ErrorKind::Authentication,
                "this tool needs Binance API keys and none are configured",
                "set BINANCE_API_KEY and BINANCE_SECRET_KEY (or BINANCE_PRIVATE_KEY_PATH for an Ed25519 key) in the server's environment and restart it",
            )
            .with_data("missing", serde_json::json!(["BINANCE_API_KEY", "BINANCE_SECRET_KEY"]))
        })?;
        if self.inner.clock.is_stale() {
            if let Err(e) = self.sync_clock() {
                tracing::warn!(error = %e, "could not measure the Binance clock offset; signing with the last known one");
            }
        }
        Ok(c)
    }

    /// A read: retried on network errors and 5xx with exponential backoff
    /// and jitter (bounded in count and by the deadline); a 429 whose
    /// `Retry-After` fits in what is left of the budget is waited out (the
    /// limiter holds every request to that budget meanwhile) and the read
    /// sent again; on -1021 the clock is re-synced once and the read retried.
    /// Each attempt gets its own share of the budget, so one hanging answer
    /// cannot use it all.
    pub(crate) fn read(
        &self,
        endpoint: &Endpoint,
        params: &[(String, String)],
        credentials: Option<&Credentials>,
        share: Option<&WeightShare>,
        deadline: Option<Instant>,
    ) -> Result<Response, ToolError> {
        let deadline = deadline.unwrap_or_else(|| Instant::now() + UNBOUNDED_BUDGET);
        // Fixed when the read starts: each attempt gets the same share.
        let per_attempt = attempt_timeout(deadline.saturating_duration_since(Instant::now()));
        let mut attempt = 0;
        let mut resynced = false;
        loop {
            attempt += 1;
            let answer =
                self.attempt(endpoint, params, credentials, share, deadline, per_attempt)?;
            let retryable = match answer {
                Attempt::Answer(a) if (200..300).contains(&a.status) => return checked(a),
                Attempt::Answer(a) if a.status >= 500 => {
                    errors::classify_failure(a.status, &a.body, a.retry_after)
                }
                Attempt::Answer(a) => {
                    let err = self.classified(Budget::of(endpoint), &a);
                    if err.exchange_code == Some(-1021) && credentials.is_some() && !resynced {
                        resynced = true;
                        tracing::warn!(offset_ms = self.inner.clock.offset_ms(), "Binance rejected the timestamp (-1021): re-syncing the clock and retrying once");
                        self.sync_clock()?;
                        continue;
                    }
                    let wait = err.retry_after_secs.map(|s| Duration::from_secs(s.into()));
                    let fits = wait.is_some_and(|w| Instant::now() + w < deadline);
                    if a.status == 429 && fits && attempt < MAX_READ_ATTEMPTS {
                        // The next attempt's admission waits the pause out.
                        tracing::info!(
                            path = endpoint.path,
                            attempt,
                            retry_after_secs = err.retry_after_secs,
                            "HTTP 429 on a read: waiting Retry-After, then retrying"
                        );
                        continue;
                    }
                    return Err(if attempt > 1 {
                        err.with_data("attempts", attempt)
                    } else {
                        err
                    });
                }
                Attempt::Transport(e) if !e.retryable => {
                    return Err(errors::unusable(&e.base_url, &e.detail))
                }
                Attempt::Transport(e) if e.timed_out => errors::timed_out(&e.base_url, &e.detail),
                Attempt::Transport(e) => errors::unreachable(&e.base_url, &e.detail),
            };
            let backoff = backoff(attempt);
            if attempt >= MAX_READ_ATTEMPTS || Instant::now() + backoff >= deadline {
                return Err(retryable.with_data("attempts", attempt));
            }
            tracing::info!(path = endpoint.path, attempt, backoff_ms = backoff.as_millis() as u64, error = %retryable.message, "retrying a read");
            std::thread::sleep(backoff);
        }
    }

    /// Classify a refused answer; a rate-limit error also carries the
    /// venue's weight count and limit.
    pub(crate) fn classified(&self, budget: Budget, answer: &HttpResponse) -> ToolError {
        if (300..400).contains(&answer.status) {
            return errors::redirected(answer.status, answer.location.as_deref());
        }
        let err = errors::classify_failure(answer.status, &answer.body, answer.retry_after);
        if err.kind != ErrorKind::RateLimited {
            return err;
        }
        let (used, limit) = self.inner.limiter.usage(budget);
        err.with_data("current_weight", used)
            .with_data("weight_limit", limit)
    }

    /// One attempt: charge the plugin's weight share (when it has one), wait
    /// for the rate limiter, sign with a fresh timestamp,
    /// send with at most `per_attempt` (and what is left before `deadline`),
    /// and let the limiter see the answer. `Err` only for refusals before
    /// anything was sent.
    pub(crate) fn attempt(
        &self,
        endpoint: &Endpoint,
        params: &[(String, String)],
        credentials: Option<&Credentials>,
        share: Option<&WeightShare>,
        deadline: Instant,
        per_attempt: Duration,
    ) -> Result<Attempt, ToolError> {
        let is_order = super::outcome::places_orders(endpoint);
        let left = |now: Instant| {
            deadline
                .checked_duration_since(now)
                .filter(|d| !d.is_zero())
        };
        let time_left = left(Instant::now()).ok_or_else(out_of_time)?;
        let weight = endpoint.weight_of(params);
        let budget = Budget::of(endpoint);
        let taken = match share {
            Some(s) => Some((s, s.take(&self.inner.limiter, budget, weight, deadline)?)),
            None => None,
        };
        let give_back = || {
            if let Some((s, t)) = taken {
                s.give_back(t);
            }
        };
        let reservation = match self.inner.limiter.acquire(
            budget,
            weight,
            is_order,
            left(Instant::now()).unwrap_or(time_left),
        ) {
            Ok(r) => r,
            Err(e) => {
                give_back();
                return Err(e);
            }
        };
        let Some(time_left) = left(Instant::now()) else {
            self.inner.limiter.release(reservation, false);
            give_back();
            return Err(out_of_time());
        };
        let request = self.prepare(endpoint, params, credentials, time_left.min(per_attempt));
        tracing::debug!(venue = %endpoint.venue, method = %endpoint.method, path = endpoint.path, weight, signed = credentials.is_some(), "exchange request");
        match self.inner.gateway.send(&request) {
            Ok(mut answer) => {
                if matches!(answer.status, 418 | 429) {
                    // What the model is told matches what the limiter does.
                    let pause = bounded_retry_after(
                        answer.status,
                        answer.retry_after,
                        self.inner.clock.server_now_ms(),
                    );
                    answer.retry_after = Some(whole_secs(pause));
                }
                self.inner.limiter.observe(
                    reservation,
                    Observed {
                        status: answer.status,
                        used_weight_1m: answer.used_weight_1m,
                        orders: (answer.order_count_10s, answer.order_count_long),
                        retry_after: answer.retry_after,
                    },
                );
                Ok(Attempt::Answer(answer))
            }
            Err(e) => {
                self.inner.limiter.release(reservation, !e.connect_failed);
                Ok(Attempt::Transport(e))
            }
        }
    }

    fn prepare(
        &self,
        endpoint: &Endpoint,
        params: &[(String, String)],
        credentials: Option<&Credentials>,
        timeout: Duration,
    ) -> HttpRequest {
        let mut query = match credentials {
            None => query::encode(params),
            Some(_) => {
                let mut all = params.to_vec();
                all.push((
                    "timestamp".into(),
                    self.inner.clock.server_now_ms().to_string(),
                ));
                all.push(("recvWindow".into(), self.inner.recv_window_ms.to_string()));
                query::encode(&all)
            }
        };
        if let Some(c) = credentials {
            // The payload is the encoded query (the body is empty: the host
            // sends every parameter in the query string).
            let signature = c.signer.sign(&query);
            query.push('&');
            query.push_str(&query::encode(&[("signature".to_string(), signature)]));
        }
        HttpRequest {
            venue: endpoint.venue,
            method: endpoint.method,
            path: endpoint.path.to_string(),
            query,
            api_key: credentials.map(|c| c.api_key.clone()),
            timeout: Some(timeout),
        }
    }
}

/// A 2xx answer whose body must be JSON.
pub(crate) fn checked(answer: HttpResponse) -> Result<Response, ToolError> {
    if let Err(e) = serde_json::from_str::<serde::de::IgnoredAny>(&answer.body) {
        return Err(errors::malformed(&e.to_string()));
    }
    Ok(Response {
        status: answer.status,
        body: answer.body,
        used_weight_1m: answer.used_weight_1m,
    })
}

pub(crate) fn out_of_time() -> ToolError {
    ToolError::new(
        ErrorKind::ExchangeUnavailable,
        "the tool call's time budget ran out before this request could be sent",
        "retry with arguments that need fewer requests, or raise --call-timeout",
    )
}

/// Shortest time one attempt is given (unless the budget itself is shorter).
const MIN_ATTEMPT: Duration = Duration::from_secs(1);

/// One attempt's share of a read's budget: a third (room for the retries),
/// at least [`MIN_ATTEMPT`], at most the gateway's own timeout.
/// Rounded down to a tenth of a second, so messages say "2 s", not "1.997 s".
pub(crate) fn attempt_timeout(budget: Duration) -> Duration {
    let share = (budget / MAX_READ_ATTEMPTS)
        .max(MIN_ATTEMPT)
        .min(super::http::DEFAULT_TIMEOUT);
    Duration::from_millis(share.as_millis() as u64 / 100 * 100)
}

/// `RETRY_BASE · 2^(attempt-1)` plus up to 50% jitter.
fn backoff(attempt: u32) -> Duration {
    let base = RETRY_BASE * 2u32.saturating_pow(attempt.saturating_sub(1));
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u32(attempt);
    let jitter = h.finish() % (base.as_millis() as u64 / 2 + 1);
    base + Duration::from_millis(jitter)
}

fn check_params(params: &[(String, String)]) -> Result<(), ToolError> {
    let invalid =
        |m: String| ToolError::new(ErrorKind::InvalidArgument, m, "fix the request parameters");
    if params.len() > MAX_PARAMS {
        return Err(invalid(format!(
            "too many parameters ({} > {MAX_PARAMS})",
            params.len()
        )));
    }
    for (i, (name, value)) in params.iter().enumerate() {
        let name_ok =
            !name.is_empty() && name.len() <= 64 && name.bytes().all(|b| b.is_ascii_alphanumeric());
        if !name_ok {
            return Err(invalid(format!(
                "parameter name '{}' is not a Binance parameter name",
                name.escape_default()
            )));
        }
        if RESERVED_PARAMS.iter().any(|r| r.eq_ignore_ascii_case(name)) {
            return Err(ToolError::new(
                ErrorKind::NotPermitted,
                format!("parameter '{name}' is set by the host only"),
                "remove it: the host adds timestamps and signatures itself",
            ));
        }
        if params[..i].iter().any(|(n, _)| n == name) {
            return Err(invalid(format!("parameter '{name}' is given twice")));
        }
        if value.len() > MAX_VALUE_LEN || value.chars().any(char::is_control) {
            return Err(invalid(format!(
                "parameter '{name}' has an over-long value or control characters"
            )));
        }
    }
    Ok(())
}

#[cfg(test)]
#[path = "service_tests.rs"]
mod tests;
