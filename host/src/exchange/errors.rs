//! Classification of what the exchange answered into [`ToolError`]s: one
//! place that knows Binance's error codes and HTTP statuses, so every plugin
//! reports them the same way, with a recovery a model can act on.

use crate::tool_error::{ErrorKind, ToolError};

/// An error body `{"code":-1121,"msg":"Invalid symbol."}`.
#[derive(Debug, serde::Deserialize)]
struct ApiError {
    code: i32,
    msg: String,
}

/// Classify a non-2xx answer. `retry_after` is the `Retry-After` header in
/// seconds, when present.
pub fn classify_failure(status: u16, body: &str, retry_after: Option<u32>) -> ToolError {
    let api = serde_json::from_str::<ApiError>(body).ok();
    let mut err = match status {
        429 => ToolError {
            retry_after_secs: Some(retry_after.unwrap_or(60)),
            ..ToolError::new(
                ErrorKind::RateLimited,
                "Binance rate limit reached (HTTP 429)",
                "wait retry_after_secs before calling again; the host pauses requests to this venue meanwhile",
            )
        },
        418 => ToolError {
            retry_after_secs: retry_after,
            ..ToolError::new(
                ErrorKind::RateLimited,
                "this IP is banned by Binance for ignoring rate limits (HTTP 418)",
                "stop all requests until the ban lifts (retry_after_secs); reduce request volume afterwards",
            )
        },
        401 if api.is_none() => ToolError::new(
            ErrorKind::Authentication,
            "Binance refused the credentials (HTTP 401)",
            "check BINANCE_API_KEY and BINANCE_SECRET_KEY, the key's permissions and its IP whitelist",
        ),
        451 => ToolError::new(
            ErrorKind::ExchangeUnavailable,
            "Binance refuses service from this location (HTTP 451: unavailable for legal reasons)",
            "this Binance API is not available from where the server runs: retrying will not help. Use an endpoint that serves this location — the testnet (--testnet / BINANCE_TESTNET=true) or another regional API via BINANCE_BASE_URL / BINANCE_FUTURES_BASE_URL — or run the server elsewhere",
        )
        .with_data("http_status", 451)
        .with_data("reason", "restricted_location"),
        403 => ToolError::new(
            ErrorKind::ExchangeUnavailable,
            "Binance's firewall refused the request (HTTP 403)",
            "the request pattern or origin was blocked; wait and retry later, and check the base URL",
        ),
        500..=599 => ToolError::new(
            ErrorKind::ExchangeUnavailable,
            format!("Binance answered HTTP {status}; the request's execution status is unknown"),
            "retry a read in a few seconds; for a write, check whether it took effect before repeating it",
        ),
        _ => match &api {
            Some(api) => from_code(api.code, &api.msg),
            None => ToolError::new(
                ErrorKind::ExchangeRejected,
                format!("Binance answered HTTP {status} without an error body"),
                "check the arguments; if the problem persists the endpoint may have changed",
            ),
        },
    };
    if let Some(api) = api {
        err.exchange_code = Some(api.code);
        err.exchange_message = Some(api.msg);
    }
    err
}

/// The class and recovery for one Binance error code.
fn from_code(code: i32, msg: &str) -> ToolError {
    use ErrorKind::*;
    let (kind, recovery): (ErrorKind, &str) = match code {
        -1121 => (InvalidArgument, "check the symbol (e.g. BTCUSDT); get_exchange_info lists valid symbols"),
        -1120 => (InvalidArgument, "use a valid interval: 1s 1m 3m 5m 15m 30m 1h 2h 4h 6h 8h 12h 1d 3d 1w 1M"),
        -1100 => (InvalidArgument, "remove the illegal characters from the parameter named in the message"),
        -1102 => (InvalidArgument, "supply the mandatory parameter named in the message"),
        -1111 => (InvalidArgument, "round the value to the symbol's precision (get_exchange_info: tickSize, stepSize)"),
        -1013 => (ExchangeRejected, "adjust price/quantity to the symbol's filters (get_exchange_info: tickSize, stepSize, minNotional)"),
        -1003 => (RateLimited, "too many requests: wait a minute before calling again"),
        -1015 => (RateLimited, "too many new orders: wait before placing more (the limits are per 10 s and per day on spot, per 10 s and per minute on futures; the message names the one reached)"),
        -1021 => (ExchangeRejected, "the request's timestamp was outside the receive window: check this machine's clock (NTP), then retry"),
        -1022 => (Authentication, "the signature was rejected: check BINANCE_SECRET_KEY belongs to BINANCE_API_KEY"),
        -2014 | -2015 => (Authentication, "check BINANCE_API_KEY, its permissions and its IP whitelist"),
        -2010 => (ExchangeRejected, "the order was rejected: check balance, filters and market status in the message"),
        -2011 | -2013 => (ExchangeRejected, "check the order id and symbol; the order may already be filled or cancelled"),
        -1000 | -1001 | -1006 | -1007 => (ExchangeUnavailable, "Binance had an internal problem; retry in a few seconds"),
        -1199..=-1100 => (InvalidArgument, "fix the parameter named in the message"),
        _ => (ExchangeRejected, "read the Binance message; change the request accordingly"),
    };
    ToolError::new(
        kind,
        format!("Binance rejected the request: {msg}"),
        recovery,
    )
}

/// The exchange (or something in front of it) answered with a redirect.
/// Redirects are never followed: the API key and a signed query would go
/// wherever `Location` points, and a same-host redirect would reach a path
/// the catalogue never allowed. Nothing is re-sent.
pub fn redirected(status: u16, location: Option<&str>) -> ToolError {
    let to = location.unwrap_or("(no Location header)");
    ToolError::new(
        ErrorKind::ExchangeUnavailable,
        format!("the exchange answered HTTP {status} redirecting to {to}; redirects are never followed, so nothing was sent there"),
        "check the base URL (BINANCE_BASE_URL / BINANCE_FUTURES_BASE_URL): it should be Binance's API origin itself, not a proxy or a moved address",
    )
    .with_data("http_status", status)
    .with_data("location", to)
}

/// The exchange did not answer within the attempt's time limit: it may
/// have been reached and merely slow.
pub fn timed_out(url_base: &str, detail: &str) -> ToolError {
    ToolError::new(
        ErrorKind::ExchangeUnavailable,
        format!("the exchange at {url_base} did not answer in time: {detail}"),
        "retry in a moment; if it keeps happening, the exchange is slow or the network congested (a larger --call-timeout gives each attempt more time)",
    )
}

/// The exchange could not be reached at all.
pub fn unreachable(url_base: &str, detail: &str) -> ToolError {
    ToolError::new(
        ErrorKind::ExchangeUnavailable,
        format!("cannot reach the exchange at {url_base}: {detail}"),
        "check the network and the base URL (BINANCE_BASE_URL / BINANCE_FUTURES_BASE_URL), then retry",
    )
}

/// The exchange answered, but the answer was refused for what it is (over
/// the size cap, not text): not a network problem, and not worth a retry.
pub fn unusable(url_base: &str, detail: &str) -> ToolError {
    ToolError::new(
        ErrorKind::ExchangeUnavailable,
        format!("the exchange at {url_base} answered, but the answer was refused: {detail}"),
        "retry later; if it persists, the base URL (BINANCE_BASE_URL / BINANCE_FUTURES_BASE_URL) may not point at a Binance API",
    )
}

/// The exchange answered 2xx with a body that is not JSON.
pub fn malformed(detail: &str) -> ToolError {
    ToolError::new(
        ErrorKind::ExchangeUnavailable,
        format!("the exchange answered with malformed JSON ({detail})"),
        "retry in a moment; if it persists, the base URL may not point at a Binance API",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn binance_codes_map_to_classes_with_details() {
        let e = classify_failure(400, r#"{"code":-1121,"msg":"Invalid symbol."}"#, None);
        assert_eq!(e.kind, ErrorKind::InvalidArgument);
        assert_eq!(e.exchange_code, Some(-1121));
        assert_eq!(e.exchange_message.as_deref(), Some("Invalid symbol."));
        assert!(e.recovery.contains("get_exchange_info"));
        assert_eq!(
            classify_failure(401, r#"{"code":-2015,"msg":"x"}"#, None).kind,
            ErrorKind::Authentication
        );
        assert_eq!(
            classify_failure(
                400,
                r#"{"code":-1013,"msg":"Filter failure: LOT_SIZE"}"#,
                None
            )
            .kind,
            ErrorKind::ExchangeRejected
        );
        assert_eq!(
            classify_failure(400, r#"{"code":-1130,"msg":"x"}"#, None).kind,
            ErrorKind::InvalidArgument
        );
    }

    #[test]
    fn a_restricted_location_is_its_own_case() {
        let e = classify_failure(
            451,
            r#"{"code":0,"msg":"Service unavailable from a restricted location"}"#,
            None,
        );
        assert_eq!(e.kind, ErrorKind::ExchangeUnavailable);
        assert_eq!(e.data["reason"], "restricted_location");
        assert!(e.recovery.contains("BINANCE_BASE_URL") && e.recovery.contains("testnet"));
        let r = redirected(302, Some("https://evil.example/x"));
        assert!(r.message.contains("302") && r.message.contains("https://evil.example/x"));
    }

    #[test]
    fn statuses_win_over_bodies() {
        let e = classify_failure(429, r#"{"code":-1003,"msg":"Too many requests"}"#, Some(7));
        assert_eq!(e.kind, ErrorKind::RateLimited);
        assert_eq!(e.retry_after_secs, Some(7));
        assert_eq!(e.exchange_code, Some(-1003));
        assert_eq!(
            classify_failure(418, "", Some(120)).retry_after_secs,
            Some(120)
        );
        let e = classify_failure(503, "<html>", None);
        assert_eq!(e.kind, ErrorKind::ExchangeUnavailable);
        assert!(e.message.contains("unknown"));
        assert_eq!(
            classify_failure(404, "<html>", None).kind,
            ErrorKind::ExchangeRejected
        );
    }
}
