//! [`ExchangeService`]: the pipeline in front of a [`Gateway`] — checks,
//! signing, rate limits, retries for reads, classification of answers.

use super::catalogue::{classify, Endpoint, Method, Security, Venue};
use super::clock::{local_ms, Clock};
use super::errors;
use super::grant::ExchangeGrant;
use super::query;
use super::ratelimit::RateLimiter;
use super::signing::Signer;
use super::{Gateway, HttpRequest, HttpResponse, Request, Response, TransportError};
use crate::secret::Secret;
use crate::tool_error::{ErrorKind, ToolError};
use std::hash::{BuildHasher, Hasher};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Parameter names only the host may set.
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
/// Longest a request queues for the rate limiter inside a call.
const MAX_QUEUE_WAIT: Duration = Duration::from_secs(10);
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
        let answer = self.read(endpoint, &[], None, None)?;
        let received = local_ms();
        let server: i64 = serde_json::from_str::<serde_json::Value>(&answer.body)
            .ok()
            .and_then(|v| v["serverTime"].as_i64())
            .ok_or_else(|| errors::malformed("time without serverTime"))?;
        Ok(self.inner.clock.record(server, sent, received))
    }

    /// Check and send one request for a plugin holding `grant`, finishing by
    /// `deadline` (the end of the tool call's budget) when one is given.
    pub fn send(
        &self,
        grant: &ExchangeGrant,
        request: Request,
        deadline: Option<Instant>,
    ) -> Result<Response, ToolError> {
        let endpoint = classify(request.venue, request.method, &request.path).map_err(|e| {
            ToolError::new(ErrorKind::NotPermitted, e.to_string(), "binance-mcp only sends the endpoints in its catalogue; use one of the listed tools")
        })?;
        grant.check(endpoint)?;
        check_params(&request.params)?;
        let credentials = match endpoint.security {
            Security::None => None,
            _ => Some(self.credentials()?),
        };
        if endpoint.method == Method::Get {
            self.read(endpoint, &request.params, credentials, deadline)
        } else {
            super::outcome::write(self, endpoint, request.params, credentials, deadline)
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
    /// and jitter (bounded in count and by the deadline); on -1021 the clock
    /// is re-synced once and the read retried.
    pub(crate) fn read(
        &self,
        endpoint: &Endpoint,
        params: &[(String, String)],
        credentials: Option<&Credentials>,
        deadline: Option<Instant>,
    ) -> Result<Response, ToolError> {
        let deadline = deadline.unwrap_or_else(|| Instant::now() + UNBOUNDED_BUDGET);
        let mut attempt = 0;
        let mut resynced = false;
        loop {
            attempt += 1;
            let retryable = match self.attempt(endpoint, params, credentials, deadline, false)? {
                Attempt::Answer(a) if (200..300).contains(&a.status) => return checked(a),
                Attempt::Answer(a) if a.status >= 500 => {
                    errors::classify_failure(a.status, &a.body, a.retry_after)
                }
                Attempt::Answer(a) => {
                    let err = errors::classify_failure(a.status, &a.body, a.retry_after);
                    if err.exchange_code == Some(-1021) && credentials.is_some() && !resynced {
                        resynced = true;
                        tracing::warn!(offset_ms = self.inner.clock.offset_ms(), "Binance rejected the timestamp (-1021): re-syncing the clock and retrying once");
                        self.sync_clock()?;
                        continue;
                    }
                    return Err(err);
                }
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

    /// One attempt: sign with a fresh timestamp, wait for the rate limiter,
    /// send, and let the limiter see the answer. `Err` only for refusals
    /// before anything was sent.
    pub(crate) fn attempt(
        &self,
        endpoint: &Endpoint,
        params: &[(String, String)],
        credentials: Option<&Credentials>,
        deadline: Instant,
        is_order: bool,
    ) -> Result<Attempt, ToolError> {
        let left = |now: Instant| {
            deadline
                .checked_duration_since(now)
                .filter(|d| !d.is_zero())
        };
        let budget = left(Instant::now()).ok_or_else(out_of_time)?;
        let weight = endpoint.weight_of(params);
        self.inner
            .limiter
            .acquire(endpoint.venue, weight, is_order, budget.min(MAX_QUEUE_WAIT))?;
        let timeout = left(Instant::now()).ok_or_else(out_of_time)?;
        let request = self.prepare(endpoint, params, credentials, timeout);
        tracing::debug!(venue = %endpoint.venue, method = %endpoint.method, path = endpoint.path, weight, signed = credentials.is_some(), "exchange request");
        match self.inner.gateway.send(&request) {
            Ok(answer) => {
                self.inner.limiter.observe(
                    endpoint.venue,
                    answer.status,
                    answer.used_weight_1m,
                    (answer.order_count_10s, answer.order_count_1d),
                    answer.retry_after,
                );
                Ok(Attempt::Answer(answer))
            }
            Err(e) => Ok(Attempt::Transport(e)),
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
        if RESERVED_PARAMS.contains(&name.as_str()) {
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
mod tests {
    use super::*;
    use crate::exchange::ratelimit::RateLimiter;
    use std::collections::VecDeque;
    use std::sync::Mutex;

    /// Answers from a script (the last answer repeats) and records requests.
    struct Script {
        answers: Mutex<VecDeque<Result<HttpResponse, TransportError>>>,
        seen: Mutex<Vec<HttpRequest>>,
    }

    fn ok(status: u16, body: &str) -> Result<HttpResponse, TransportError> {
        Ok(HttpResponse {
            status,
            body: body.into(),
            used_weight_1m: Some(3),
            ..HttpResponse::default()
        })
    }

    fn timeout() -> Result<HttpResponse, TransportError> {
        Err(TransportError {
            base_url: "http://x".into(),
            detail: "timed out".into(),
            timed_out: true,
            connect_failed: false,
        })
    }

    impl Gateway for Script {
        fn send(&self, request: &HttpRequest) -> Result<HttpResponse, TransportError> {
            self.seen.lock().unwrap().push(request.clone());
            let mut a = self.answers.lock().unwrap();
            if a.len() > 1 {
                a.pop_front().unwrap()
            } else {
                a.front().cloned().unwrap()
            }
        }
    }

    fn service(
        answers: Vec<Result<HttpResponse, TransportError>>,
        keys: bool,
    ) -> (ExchangeService, Arc<Script>) {
        let script = Arc::new(Script {
            answers: Mutex::new(answers.into()),
            seen: Mutex::new(Vec::new()),
        });
        let credentials = keys.then(|| Credentials {
            api_key: Arc::new(Secret::from_untrimmed("test-key".into())),
            signer: Signer::Hmac(Secret::from_untrimmed("test-secret".into())),
        });
        let svc = ExchangeService::with(
            script.clone(),
            credentials,
            DEFAULT_RECV_WINDOW_MS,
            RateLimiter::default(),
        );
        // Pretend the clock was measured so no time request is interleaved.
        svc.clock().record(local_ms(), local_ms(), local_ms());
        (svc, script)
    }

    fn req(method: Method, path: &str, params: &[(&str, &str)]) -> Request {
        Request {
            venue: Venue::Spot,
            method,
            path: path.into(),
            params: params
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        }
    }

    fn get(path: &str, params: &[(&str, &str)]) -> Request {
        req(Method::Get, path, params)
    }

    fn user_data() -> ExchangeGrant {
        ExchangeGrant::public_market_data().security(Security::UserData)
    }

    fn trade() -> ExchangeGrant {
        user_data().security(Security::Trade)
    }

    #[test]
    fn refusals_happen_before_the_wire() {
        let (svc, rec) = service(vec![ok(200, "{}")], true);
        let grant = ExchangeGrant::public_market_data();
        let cases = [
            (
                get("/sapi/v1/capital/withdraw/apply", &[]),
                ErrorKind::NotPermitted,
                "never sends",
            ),
            (
                get("/api/v3/nope", &[]),
                ErrorKind::NotPermitted,
                "catalogue",
            ),
            (
                get("/api/v3/account", &[]),
                ErrorKind::NotPermitted,
                "USER_DATA",
            ),
            (
                get("/api/v3/depth", &[("timestamp", "1")]),
                ErrorKind::NotPermitted,
                "host only",
            ),
            (
                get("/api/v3/depth", &[("symbol", "A"), ("symbol", "B")]),
                ErrorKind::InvalidArgument,
                "twice",
            ),
            (
                get("/api/v3/depth", &[("sym bol", "A")]),
                ErrorKind::InvalidArgument,
                "parameter name",
            ),
            (
                get("/api/v3/depth", &[("symbol", "A\nB")]),
                ErrorKind::InvalidArgument,
                "control",
            ),
        ];
        for (r, kind, says) in cases {
            let e = svc.send(&grant, r.clone(), None).unwrap_err();
            assert_eq!(e.kind, kind, "{r:?}");
            assert!(e.message.contains(says), "{r:?}: {}", e.message);
        }
        let e = svc
            .send(&ExchangeGrant::default(), get("/api/v3/time", &[]), None)
            .unwrap_err();
        assert!(e.message.contains("spot venue"), "{}", e.message);
        let past = Some(Instant::now() - Duration::from_secs(1));
        let e = svc
            .send(&grant, get("/api/v3/time", &[]), past)
            .unwrap_err();
        assert!(e.message.contains("time budget"), "{}", e.message);
        assert!(rec.seen.lock().unwrap().is_empty());
    }

    #[test]
    fn public_requests_are_encoded_unsigned_and_answers_checked() {
        let (svc, rec) = service(vec![ok(200, r#"{"serverTime":1}"#)], true);
        let grant = ExchangeGrant::public_market_data();
        let deadline = Some(Instant::now() + Duration::from_secs(5));
        let ok_ = svc
            .send(
                &grant,
                get("/api/v3/exchangeInfo", &[("symbols", r#"["A","B"]"#)]),
                deadline,
            )
            .unwrap();
        assert_eq!(ok_.used_weight_1m, Some(3));
        let sent = rec.seen.lock().unwrap()[0].clone();
        assert_eq!(sent.query, "symbols=%5B%22A%22%2C%22B%22%5D");
        assert!(sent.api_key.is_none());
        assert!(sent.timeout.is_some_and(|t| t <= Duration::from_secs(5)));
        let (svc, _) = service(vec![ok(200, "<html>")], false);
        assert_eq!(
            svc.send(&grant, get("/api/v3/time", &[]), None)
                .unwrap_err()
                .kind,
            ErrorKind::ExchangeUnavailable
        );
        let (svc, _) = service(
            vec![ok(400, r#"{"code":-1121,"msg":"Invalid symbol."}"#)],
            false,
        );
        let e = svc
            .send(&grant, get("/api/v3/depth", &[("symbol", "NOPE")]), None)
            .unwrap_err();
        assert_eq!(e.exchange_code, Some(-1121));
    }

    #[test]
    fn signed_requests_carry_timestamp_window_signature_and_key() {
        let (svc, rec) = service(vec![ok(200, "{}")], true);
        svc.send(
            &user_data(),
            get("/api/v3/account", &[("omitZeroBalances", "true")]),
            None,
        )
        .unwrap();
        let sent = rec.seen.lock().unwrap()[0].clone();
        let (payload, signature) = sent.query.rsplit_once("&signature=").unwrap();
        assert!(
            payload.starts_with("omitZeroBalances=true&timestamp="),
            "{payload}"
        );
        assert!(payload.contains("&recvWindow=5000"));
        assert_eq!(
            signature,
            super::super::signing::hmac_sha256_hex(b"test-secret", payload.as_bytes())
        );
        assert_eq!(sent.api_key.unwrap().expose(), "test-key");
        assert!(!format!("{:?}", rec.seen.lock().unwrap()[0]).contains(signature));
    }

    #[test]
    fn signed_requests_without_keys_name_the_variables() {
        let (svc, rec) = service(vec![ok(200, "{}")], false);
        let e = svc
            .send(&user_data(), get("/api/v3/account", &[]), None)
            .unwrap_err();
        assert_eq!(e.kind, ErrorKind::Authentication);
        assert!(
            e.recovery.contains("BINANCE_API_KEY") && e.recovery.contains("BINANCE_SECRET_KEY")
        );
        assert_eq!(e.data["missing"][0], "BINANCE_API_KEY");
        assert!(rec.seen.lock().unwrap().is_empty());
    }

    #[test]
    fn reads_retry_5xx_and_network_errors_a_bounded_number_of_times() {
        let (svc, rec) = service(vec![ok(503, "busy"), timeout(), ok(200, "{}")], false);
        svc.send(
            &ExchangeGrant::public_market_data(),
            get("/api/v3/time", &[]),
            None,
        )
        .unwrap();
        assert_eq!(rec.seen.lock().unwrap().len(), 3);
        let (svc, rec) = service(vec![ok(502, "bad gateway")], false);
        let e = svc
            .send(
                &ExchangeGrant::public_market_data(),
                get("/api/v3/time", &[]),
                None,
            )
            .unwrap_err();
        assert_eq!(rec.seen.lock().unwrap().len(), MAX_READ_ATTEMPTS as usize);
        assert_eq!(e.kind, ErrorKind::ExchangeUnavailable);
        assert_eq!(e.data["attempts"], MAX_READ_ATTEMPTS);
        // 4xx is never retried.
        let (svc, rec) = service(vec![ok(400, r#"{"code":-1100,"msg":"x"}"#)], false);
        assert!(svc
            .send(
                &ExchangeGrant::public_market_data(),
                get("/api/v3/time", &[]),
                None
            )
            .is_err());
        assert_eq!(rec.seen.lock().unwrap().len(), 1);
    }

    #[test]
    fn a_1021_resyncs_the_clock_once_and_retries_the_read() {
        let skew =
            r#"{"code":-1021,"msg":"Timestamp for this request is outside of the recvWindow."}"#;
        let server = local_ms() + 30_000;
        let time = format!(r#"{{"serverTime":{server}}}"#);
        let (svc, rec) = service(vec![ok(400, skew), ok(200, &time), ok(200, "{}")], true);
        svc.send(&user_data(), get("/api/v3/account", &[]), None)
            .unwrap();
        let paths: Vec<String> = rec
            .seen
            .lock()
            .unwrap()
            .iter()
            .map(|r| r.path.clone())
            .collect();
        assert_eq!(
            paths,
            ["/api/v3/account", "/api/v3/time", "/api/v3/account"]
        );
        assert!((svc.clock().offset_ms() - 30_000).abs() < 1000);
        // A second -1021 in a row is reported, not looped on.
        let (svc, _) = service(vec![ok(400, skew), ok(200, &time), ok(400, skew)], true);
        assert_eq!(
            svc.send(&user_data(), get("/api/v3/account", &[]), None)
                .unwrap_err()
                .exchange_code,
            Some(-1021)
        );
    }

    #[test]
    fn writes_are_sent_once_with_a_client_order_id() {
        let (svc, rec) = service(vec![ok(503, "")], true);
        let order = req(
            Method::Post,
            "/api/v3/order",
            &[
                ("symbol", "BTCUSDT"),
                ("side", "BUY"),
                ("type", "MARKET"),
                ("quantity", "1"),
            ],
        );
        let deadline = Some(Instant::now() + Duration::from_secs(10));
        // 503, then the lookup (repeating 503s) fails too: unknown outcome.
        let e = svc.send(&trade(), order, deadline).unwrap_err();
        assert!(e.message.starts_with("UNKNOWN_OUTCOME"), "{}", e.message);
        assert_eq!(e.data["outcome"], "UNKNOWN_OUTCOME");
        let seen = rec.seen.lock().unwrap();
        let posts: Vec<_> = seen.iter().filter(|r| r.method == Method::Post).collect();
        assert_eq!(posts.len(), 1, "a write is never retried");
        assert!(posts[0].query.contains("newClientOrderId=bmcp-"));
        let id = e.data["origClientOrderId"].as_str().unwrap();
        assert!(posts[0].query.contains(id));
    }

    #[test]
    fn a_lost_answer_is_resolved_by_looking_the_order_up() {
        let found =
            r#"{"symbol":"BTCUSDT","orderId":7,"clientOrderId":"mine-1","status":"FILLED"}"#;
        let (svc, rec) = service(vec![timeout(), ok(200, found)], true);
        let order = req(
            Method::Post,
            "/api/v3/order",
            &[
                ("symbol", "BTCUSDT"),
                ("side", "BUY"),
                ("type", "MARKET"),
                ("quantity", "1"),
                ("newClientOrderId", "mine-1"),
            ],
        );
        let r = svc
            .send(
                &trade(),
                order,
                Some(Instant::now() + Duration::from_secs(10)),
            )
            .unwrap();
        let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
        assert_eq!(v["status"], "FILLED");
        assert!(v["outcomeResolvedBy"].as_str().unwrap().contains("lost"));
        let seen = rec.seen.lock().unwrap();
        assert_eq!(seen.len(), 2);
        assert_eq!(seen[1].method, Method::Get);
        assert!(seen[1]
            .query
            .starts_with("symbol=BTCUSDT&origClientOrderId=mine-1&timestamp="));
        drop(seen);
        let missing = r#"{"code":-2013,"msg":"Order does not exist."}"#;
        let (svc, _) = service(vec![timeout(), ok(400, missing)], true);
        let order = req(
            Method::Post,
            "/api/v3/order",
            &[
                ("symbol", "BTCUSDT"),
                ("side", "BUY"),
                ("type", "MARKET"),
                ("quantity", "1"),
            ],
        );
        let e = svc
            .send(
                &trade(),
                order,
                Some(Instant::now() + Duration::from_secs(10)),
            )
            .unwrap_err();
        assert_eq!(e.data["outcome"], "NOT_FOUND");
    }
}
