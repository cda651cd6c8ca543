//! Unit tests of the exchange pipeline against a scripted gateway.
use super::*;
use crate::exchange::ratelimit::RateLimiter;
use crate::exchange::ExchangeGrant;
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
        retryable: true,
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
    assert!(e.recovery.contains("BINANCE_API_KEY") && e.recovery.contains("BINANCE_SECRET_KEY"));
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
    let skew = r#"{"code":-1021,"msg":"Timestamp for this request is outside of the recvWindow."}"#;
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
    let found = r#"{"symbol":"BTCUSDT","orderId":7,"clientOrderId":"mine-1","status":"FILLED"}"#;
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
