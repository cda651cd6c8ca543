//! The exchange gateway: everything between a plugin's `exchange.send` and
//! the wire, and the only code in the host that talks to Binance.
//!
//! [`ExchangeService::send`] runs the pipeline: catalogue → [`Gate`] (the
//! policy's decision, `crate::gate`) → parameter checks → credentials and signing → rate limiter → [`Gateway`]
//! (with retries for reads) → answer classification. Writes are never
//! retried blindly: an unknown outcome is resolved by querying the order.

pub mod catalogue;
pub mod clock;
pub mod errors;
pub mod grant;
pub mod http;
pub mod memo;
pub mod outcome;
pub mod query;
pub mod ratelimit;
pub mod service;
pub mod share;
pub mod signing;

pub use grant::ExchangeGrant;
pub use service::{Credentials, ExchangeService};

use crate::secret::Secret;
use catalogue::{Method, Venue};
use std::sync::Arc;
use std::time::Duration;

/// The policy's decision on one request, asked by the pipeline at the
/// moment of sending (after the catalogue classified it, before anything
/// is signed or counted). `crate::gate::CallGate` is the policy's; an
/// [`ExchangeGrant`] is a coarse one for the pipeline's own tests.
pub trait Gate {
    /// Allow `endpoint` or say why not.
    fn admit(
        &self,
        endpoint: &'static catalogue::Endpoint,
    ) -> Result<Pass<'_>, crate::tool_error::ToolError>;
}

/// What a gate allowed: the plugin's weight share to charge, and for a write
/// the per-account lock, held until the write's outcome is known.
#[derive(Debug, Default)]
pub struct Pass<'a> {
    pub share: Option<Arc<share::WeightShare>>,
    pub account: Option<std::sync::MutexGuard<'a, ()>>,
}

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

/// What goes on the wire: an endpoint, its encoded (and, for signed
/// endpoints, signed) query string, and the API key header.
///
/// `Debug` shows neither the query (it may carry a signature) nor the key.
#[derive(Clone)]
pub struct HttpRequest {
    pub venue: Venue,
    pub method: Method,
    pub path: String,
    /// Percent-encoded `a=1&b=2`, empty for none.
    pub query: String,
    /// `X-MBX-APIKEY`, for signed endpoints.
    pub api_key: Option<Arc<Secret>>,
    /// How long the exchange may take: what is left of the tool call's
    /// budget (the gateway's own timeout applies when shorter).
    pub timeout: Option<Duration>,
}

impl std::fmt::Debug for HttpRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HttpRequest")
            .field("venue", &self.venue)
            .field("method", &self.method)
            .field("path", &self.path)
            .field("signed", &self.api_key.is_some())
            .finish_non_exhaustive()
    }
}

/// What came back, before classification.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct HttpResponse {
    pub status: u16,
    pub body: String,
    /// `X-MBX-USED-WEIGHT-1M`.
    pub used_weight_1m: Option<u32>,
    /// `X-MBX-ORDER-COUNT-10S`.
    pub order_count_10s: Option<u32>,
    /// The long ORDERS window's count: `X-MBX-ORDER-COUNT-1D` (spot) or
    /// `X-MBX-ORDER-COUNT-1M` (futures).
    pub order_count_long: Option<u32>,
    /// `Retry-After`, seconds.
    pub retry_after: Option<u32>,
    /// `Location` of a 3xx (escaped and capped for messages); redirects are
    /// never followed.
    pub location: Option<String>,
}

/// The transport failed before any answer arrived.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{detail}")]
pub struct TransportError {
    /// The base URL that was tried (never carries credentials).
    pub base_url: String,
    pub detail: String,
    /// The request timed out: for a write, its outcome is unknown.
    pub timed_out: bool,
    /// The connection was never made: nothing was sent.
    pub connect_failed: bool,
    /// Trying again could help (a network blip), unlike an answer that was
    /// refused for what it is (over the size cap, not text).
    pub retryable: bool,
}

/// Sends one HTTP request. The real implementation is [`http::HttpGateway`];
/// a benchmark can substitute a canned one to measure the host alone.
pub trait Gateway: Send + Sync {
    fn send(&self, request: &HttpRequest) -> Result<HttpResponse, TransportError>;
}
