//! The exchange gateway: everything between a plugin's `exchange.send` and
//! the wire. The pipeline is
//! catalogue → grant → parameter checks → [`Gateway`] → answer classification,
//! and it is the only code in the host that talks to Binance.

pub mod catalogue;
pub mod errors;
pub mod http;
pub mod query;

use crate::tool_error::{ErrorKind, ToolError};
use catalogue::{classify, Endpoint, Method, Security, Venue};
use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Parameter names only the host may set (signing, later issues).
const RESERVED_PARAMS: &[&str] = &["signature", "timestamp", "recvWindow", "apiKey"];
/// Most parameters one request may carry.
const MAX_PARAMS: usize = 32;
/// Longest parameter value accepted from a plugin.
const MAX_VALUE_LEN: usize = 4096;

/// A request as a plugin asked for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    pub venue: Venue,
    pub method: Method,
    pub path: String,
    pub params: Vec<(String, String)>,
}

/// A successful (2xx, valid JSON) answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    pub status: u16,
    pub body: String,
    pub used_weight_1m: Option<u32>,
}

/// What goes on the wire: an endpoint and its encoded query string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpRequest {
    pub venue: Venue,
    pub method: Method,
    pub path: String,
    /// Percent-encoded `a=1&b=2`, empty for none.
    pub query: String,
    /// How long the exchange may take: what is left of the tool call's
    /// budget (the gateway's own timeout applies when shorter).
    pub timeout: Option<Duration>,
}

/// What came back, before classification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpResponse {
    pub status: u16,
    pub body: String,
    /// `X-MBX-USED-WEIGHT-1M`.
    pub used_weight_1m: Option<u32>,
    /// `Retry-After`, seconds.
    pub retry_after: Option<u32>,
}

/// The transport failed before any answer arrived.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{detail}")]
pub struct TransportError {
    /// The base URL that was tried (never carries credentials).
    pub base_url: String,
    pub detail: String,
}

/// Sends one HTTP request. The real implementation is [`http::HttpGateway`];
/// a benchmark can substitute a canned one to measure the host alone.
pub trait Gateway: Send + Sync {
    fn send(&self, request: &HttpRequest) -> Result<HttpResponse, TransportError>;
}

/// What a plugin may send through the exchange capability.
/// Deny by default: an empty grant allows nothing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExchangeGrant {
    venues: BTreeSet<VenueKey>,
    security: BTreeSet<Security>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum VenueKey {
    Spot,
    UsdmFutures,
}

impl From<Venue> for VenueKey {
    fn from(v: Venue) -> Self {
        match v {
            Venue::Spot => VenueKey::Spot,
            Venue::UsdmFutures => VenueKey::UsdmFutures,
        }
    }
}

impl ExchangeGrant {
    /// Public market data (security type NONE) on both venues: what every
    /// plugin gets until policies (a later issue) say otherwise.
    pub fn public_market_data() -> Self {
        ExchangeGrant::default()
            .venue(Venue::Spot)
            .venue(Venue::UsdmFutures)
            .security(Security::None)
    }

    /// Allow a venue.
    pub fn venue(mut self, venue: Venue) -> Self {
        self.venues.insert(venue.into());
        self
    }

    /// Allow a security type.
    pub fn security(mut self, security: Security) -> Self {
        self.security.insert(security);
        self
    }

    fn check(&self, endpoint: &Endpoint) -> Result<(), ToolError> {
        if !self.venues.contains(&endpoint.venue.into()) {
            return Err(not_permitted(format!(
                "this plugin may not use the {} venue",
                endpoint.venue
            )));
        }
        if !self.security.contains(&endpoint.security) {
            return Err(not_permitted(format!(
                "{} {} is a {} endpoint, which this plugin is not granted",
                endpoint.method, endpoint.path, endpoint.security
            )));
        }
        Ok(())
    }
}

fn not_permitted(message: String) -> ToolError {
    ToolError::new(
        ErrorKind::NotPermitted,
        message,
        "this plugin's grant does not include it (set by the operator); use a tool that is permitted",
    )
}

/// The pipeline in front of a [`Gateway`].
#[derive(Clone)]
pub struct ExchangeService {
    gateway: Arc<dyn Gateway>,
}

impl ExchangeService {
    pub fn new(gateway: Arc<dyn Gateway>) -> Self {
        ExchangeService { gateway }
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
            ToolError::new(
                ErrorKind::NotPermitted,
                e.to_string(),
                "binance-mcp only sends the endpoints in its catalogue; use one of the listed tools",
            )
        })?;
        grant.check(endpoint)?;
        check_params(&request.params)?;
        let weight = endpoint.weight_of(&request.params);
        let http = HttpRequest {
            venue: endpoint.venue,
            method: endpoint.method,
            path: endpoint.path.to_string(),
            query: query::encode(&request.params),
            timeout: match deadline {
                None => None,
                Some(d) => match d.checked_duration_since(Instant::now()) {
                    Some(left) if !left.is_zero() => Some(left),
                    _ => return Err(ToolError::new(
                        ErrorKind::ExchangeUnavailable,
                        "the tool call's time budget ran out before this request could be sent",
                        "retry with arguments that need fewer requests, or raise --call-timeout",
                    )),
                },
            },
        };
        tracing::debug!(venue = %endpoint.venue, method = %endpoint.method, path = endpoint.path, weight, "exchange request");
        let answer = self
            .gateway
            .send(&http)
            .map_err(|e| errors::unreachable(&e.base_url, &e.detail))?;
        if !(200..300).contains(&answer.status) {
            let err = errors::classify_failure(answer.status, &answer.body, answer.retry_after);
            tracing::info!(status = answer.status, path = endpoint.path, code = ?err.exchange_code, "exchange refused request");
            return Err(err);
        }
        if let Err(e) = serde_json::from_str::<serde::de::IgnoredAny>(&answer.body) {
            return Err(errors::malformed(&e.to_string()));
        }
        Ok(Response {
            status: answer.status,
            body: answer.body,
            used_weight_1m: answer.used_weight_1m,
        })
    }
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
            return Err(not_permitted(format!(
                "parameter '{name}' is set by the host only"
            )));
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
    use std::sync::Mutex;

    struct Recorder {
        answer: HttpResponse,
        seen: Mutex<Vec<HttpRequest>>,
    }

    impl Gateway for Recorder {
        fn send(&self, request: &HttpRequest) -> Result<HttpResponse, TransportError> {
            self.seen.lock().unwrap().push(request.clone());
            Ok(self.answer.clone())
        }
    }

    fn service(status: u16, body: &str) -> (ExchangeService, Arc<Recorder>) {
        let rec = Arc::new(Recorder {
            answer: HttpResponse {
                status,
                body: body.into(),
                used_weight_1m: Some(3),
                retry_after: None,
            },
            seen: Mutex::new(Vec::new()),
        });
        (ExchangeService::new(rec.clone()), rec)
    }

    fn req(path: &str, params: &[(&str, &str)]) -> Request {
        Request {
            venue: Venue::Spot,
            method: Method::Get,
            path: path.into(),
            params: params
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        }
    }

    #[test]
    fn refusals_happen_before_the_wire() {
        let (svc, rec) = service(200, "{}");
        let grant = ExchangeGrant::public_market_data();
        let cases = [
            (
                req("/sapi/v1/capital/withdraw/apply", &[]),
                ErrorKind::NotPermitted,
                "never sends",
            ),
            (
                req("/api/v3/nope", &[]),
                ErrorKind::NotPermitted,
                "catalogue",
            ),
            (
                req("/api/v3/account", &[]),
                ErrorKind::NotPermitted,
                "USER_DATA",
            ),
            (
                req("/api/v3/depth", &[("timestamp", "1")]),
                ErrorKind::NotPermitted,
                "host only",
            ),
            (
                req("/api/v3/depth", &[("symbol", "A"), ("symbol", "B")]),
                ErrorKind::InvalidArgument,
                "twice",
            ),
            (
                req("/api/v3/depth", &[("sym bol", "A")]),
                ErrorKind::InvalidArgument,
                "parameter name",
            ),
            (
                req("/api/v3/depth", &[("symbol", "A\nB")]),
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
            .send(&ExchangeGrant::default(), req("/api/v3/time", &[]), None)
            .unwrap_err();
        assert!(e.message.contains("spot venue"), "{}", e.message);
        let past = Some(Instant::now() - Duration::from_secs(1));
        let e = svc
            .send(&grant, req("/api/v3/time", &[]), past)
            .unwrap_err();
        assert!(e.message.contains("time budget"), "{}", e.message);
        assert!(rec.seen.lock().unwrap().is_empty());
    }

    #[test]
    fn granted_requests_are_encoded_and_answers_checked() {
        let (svc, rec) = service(200, r#"{"serverTime":1}"#);
        let grant = ExchangeGrant::public_market_data();
        let deadline = Some(Instant::now() + Duration::from_secs(5));
        let ok = svc
            .send(
                &grant,
                req("/api/v3/exchangeInfo", &[("symbols", r#"["A","B"]"#)]),
                deadline,
            )
            .unwrap();
        assert_eq!(ok.used_weight_1m, Some(3));
        let sent = rec.seen.lock().unwrap()[0].clone();
        assert_eq!(sent.query, "symbols=%5B%22A%22%2C%22B%22%5D");
        assert!(sent.timeout.is_some_and(|t| t <= Duration::from_secs(5)));
        let (svc, _) = service(200, "<html>");
        let e = svc
            .send(&grant, req("/api/v3/time", &[]), None)
            .unwrap_err();
        assert_eq!(e.kind, ErrorKind::ExchangeUnavailable);
        let (svc, _) = service(400, r#"{"code":-1121,"msg":"Invalid symbol."}"#);
        let e = svc
            .send(&grant, req("/api/v3/depth", &[("symbol", "NOPE")]), None)
            .unwrap_err();
        assert_eq!(e.exchange_code, Some(-1121));
    }
}
