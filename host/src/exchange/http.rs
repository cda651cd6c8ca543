//! The real [`Gateway`]: HTTPS to Binance (or plain HTTP to a loopback
//! simulator) with reqwest on the host's tokio runtime.
//!
//! Redirects are never followed: a 3xx would otherwise carry `X-MBX-APIKEY`
//! and a signed query to whatever origin (or uncatalogued path) `Location`
//! names. The 3xx comes back as an answer, with its `Location`, and the
//! service reports it without re-sending anything.

use super::catalogue::{Method, Venue};
use super::{Gateway, HttpRequest, HttpResponse, TransportError};
use std::time::Duration;
use tokio::runtime::Handle;
use tokio_util::sync::CancellationToken;

/// How long one HTTP exchange may take before it counts as unreachable.
/// Binance answers reads in well under a second; ten seconds leaves room for
/// a slow network without leaving a model waiting indefinitely.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

/// Largest answer body read. Binance's largest catalogued answers (a full
/// exchangeInfo) are a few megabytes; anything bigger is not a Binance answer
/// and could not be handed to a plugin's 64 MiB memory anyway.
pub const MAX_BODY_BYTES: usize = 32 << 20;

/// Base URLs per venue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BaseUrls {
    pub spot: String,
    pub usdm_futures: String,
}

/// reqwest-backed gateway.
pub struct HttpGateway {
    client: reqwest::Client,
    /// The client's own per-request timeout (a request may ask for less).
    timeout: Duration,
    urls: BaseUrls,
    runtime: Handle,
    /// Shutdown: a read still waiting on the exchange gives up at once; a
    /// write is left to finish (its outcome matters).
    cancel: CancellationToken,
}

impl HttpGateway {
    /// Build a gateway that runs its requests on `runtime`.
    ///
    /// [`Gateway::send`] blocks the calling thread, so it must be called from
    /// a blocking thread (the host runs every plugin call on one), never from
    /// an async task.
    pub fn new(urls: BaseUrls, runtime: Handle, timeout: Duration) -> Result<Self, reqwest::Error> {
        // ring is the one crypto provider linked in; installing it twice is harmless.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let client = reqwest::Client::builder()
            .user_agent(concat!("binance-mcp/", env!("CARGO_PKG_VERSION")))
            .timeout(timeout)
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(timeout.min(Duration::from_secs(5)))
            .build()?;
        Ok(HttpGateway {
            client,
            timeout,
            urls,
            runtime,
            cancel: CancellationToken::new(),
        })
    }

    /// Give up reads in flight when `token` is cancelled (shutdown).
    pub fn with_cancel(mut self, token: CancellationToken) -> Self {
        self.cancel = token;
        self
    }

    fn base(&self, venue: Venue) -> &str {
        match venue {
            Venue::Spot => &self.urls.spot,
            Venue::UsdmFutures => &self.urls.usdm_futures,
        }
    }
}

fn header_u32(headers: &reqwest::header::HeaderMap, name: &str) -> Option<u32> {
    headers.get(name)?.to_str().ok()?.trim().parse().ok()
}

impl Gateway for HttpGateway {
    fn send(&self, request: &HttpRequest) -> Result<HttpResponse, TransportError> {
        let base = self.base(request.venue).trim_end_matches('/');
        let mut url = format!("{base}{}", request.path);
        if !request.query.is_empty() {
            url.push('?');
            url.push_str(&request.query);
        }
        let method = match request.method {
            Method::Get => reqwest::Method::GET,
            Method::Post => reqwest::Method::POST,
            Method::Put => reqwest::Method::PUT,
            Method::Delete => reqwest::Method::DELETE,
        };
        let fail = |detail: String| TransportError {
            base_url: base.to_string(),
            detail,
            timed_out: false,
            connect_failed: false,
            retryable: false,
        };
        let limit = request.timeout.unwrap_or(self.timeout);
        let failed = |e: &reqwest::Error| TransportError {
            base_url: base.to_string(),
            detail: describe(e, limit),
            timed_out: e.is_timeout(),
            connect_failed: e.is_connect(),
            retryable: true,
        };
        let mut builder = self.client.request(method, &url);
        if let Some(key) = &request.api_key {
            builder = builder.header("X-MBX-APIKEY", key.expose());
        }
        if let Some(t) = request.timeout {
            builder = builder.timeout(t);
        }
        let fut = async {
            let mut resp = builder.send().await.map_err(|e| failed(&e))?;
            let status = resp.status().as_u16();
            // /api answers carry X-MBX-USED-WEIGHT-1M; /sapi answers their own
            // IP budget in X-SAPI-USED-IP-WEIGHT-1M.
            let used_weight_1m = header_u32(resp.headers(), "x-mbx-used-weight-1m")
                .or_else(|| header_u32(resp.headers(), "x-sapi-used-ip-weight-1m"));
            let retry_after = header_u32(resp.headers(), "retry-after");
            let order_count_10s = header_u32(resp.headers(), "x-mbx-order-count-10s");
            let order_count_long = header_u32(resp.headers(), "x-mbx-order-count-1d")
                .or_else(|| header_u32(resp.headers(), "x-mbx-order-count-1m"));
            let location = resp
                .headers()
                .get(reqwest::header::LOCATION)
                .map(|v| shown_header(v.as_bytes()));
            let mut body = Vec::new();
            while let Some(chunk) = resp.chunk().await.map_err(|e| failed(&e))? {
                if body.len() + chunk.len() > MAX_BODY_BYTES {
                    return Err(fail(format!(
                        "the answer exceeded {MAX_BODY_BYTES} bytes and was dropped"
                    )));
                }
                body.extend_from_slice(&chunk);
            }
            let body = String::from_utf8(body)
                .map_err(|_| fail("the answer was not UTF-8 text".into()))?;
            Ok(HttpResponse {
                status,
                body,
                used_weight_1m,
                order_count_10s,
                order_count_long,
                retry_after,
                location,
            })
        };
        if request.method != Method::Get {
            return self.runtime.block_on(fut);
        }
        let cancelled = TransportError {
            base_url: base.to_string(),
            detail: "the server is shutting down".into(),
            timed_out: false,
            connect_failed: false,
            retryable: false,
        };
        self.runtime.block_on(async {
            tokio::select! {
                answer = fut => answer,
                () = self.cancel.cancelled() => Err(cancelled),
            }
        })
    }
}

/// Longest rendering of a header value from the exchange kept in an error.
const MAX_SHOWN_HEADER: usize = 200;

/// A header value fit for an error message: printable ASCII, control and
/// non-ASCII bytes escaped, at most [`MAX_SHOWN_HEADER`] characters.
fn shown_header(raw: &[u8]) -> String {
    let mut out: String = raw
        .iter()
        .flat_map(|b| std::ascii::escape_default(*b))
        .map(char::from)
        .take(MAX_SHOWN_HEADER)
        .collect();
    if raw.len() > MAX_SHOWN_HEADER {
        out.push('…');
    }
    out
}

/// A reqwest error without the URL (which may one day carry a signature).
/// A timeout says how long was waited: the exchange may have been reached
/// and merely slow.
fn describe(e: &reqwest::Error, limit: Duration) -> String {
    if e.is_timeout() {
        return format!("timed out after {} s", secs(limit));
    }
    let kind = if e.is_connect() {
        "connection failed"
    } else if e.is_body() || e.is_decode() {
        "the answer was cut off"
    } else {
        "request failed"
    };
    let mut source = std::error::Error::source(e);
    let mut detail = String::new();
    while let Some(s) = source {
        detail = s.to_string();
        source = s.source();
    }
    if detail.is_empty() {
        kind.to_string()
    } else {
        format!("{kind} ({detail})")
    }
}

/// Seconds for a message: whole when whole, else one decimal.
fn secs(d: Duration) -> String {
    if d.subsec_millis() == 0 {
        d.as_secs().to_string()
    } else {
        format!("{:.1}", d.as_secs_f64())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_values_are_escaped_and_capped() {
        assert_eq!(shown_header(b"https://x/y"), "https://x/y");
        assert_eq!(shown_header(b"a\nb\x01"), "a\\nb\\x01");
        let long = shown_header(&[b'a'; 1000]);
        assert!(long.chars().count() <= MAX_SHOWN_HEADER + 1);
        assert_eq!(secs(Duration::from_secs(2)), "2");
        assert_eq!(secs(Duration::from_millis(2500)), "2.5");
    }
}
