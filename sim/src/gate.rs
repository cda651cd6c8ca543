//! The middleware every request passes: statistics, injected faults, the
//! 429/418 rate limiter, weight charging and the used-weight headers.
//!
//! Order: count the request (and, for an order placement, its client
//! ids); apply a queued fault (a canned answer, or a
//! delay / body corruption around normal processing); refuse banned or
//! backing-off clients; refuse with 429 a request whose weight would push
//! its window over the limit; otherwise run the handler and charge its
//! weight. A handler's weight is only known once it ran, so a GET (which
//! changes nothing) is run and then possibly replaced by the 429; other
//! methods (weight 1) are checked before they run.

use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::error::ApiError;
use crate::faults::Fault;
use crate::limits::{secs_until, Verdict};
use crate::state::SimState;
use crate::weight::{window_reset_ms, Budget, RequestWeight};

/// The 429 body for a broken limit.
pub fn too_many(limit: u32) -> ApiError {
    ApiError {
        status: StatusCode::TOO_MANY_REQUESTS,
        code: -1003,
        msg: format!("Too many requests; current limit of IP(127.0.0.1) is {limit} requests per minute. Please use the websocket for live updates to avoid polling the API."),
    }
}

/// The 418 body of an IP ban ending at `until` (ms).
pub fn banned(until: i64) -> ApiError {
    ApiError {
        status: StatusCode::IM_A_TEAPOT,
        code: -1003,
        msg: format!("Way too many requests; IP(127.0.0.1) banned until {until}. Please use the websocket for live updates to avoid bans."),
    }
}

fn with_retry_after(err: ApiError, secs: u64) -> Response {
    let mut r = err.into_response();
    r.headers_mut()
        .insert("retry-after", HeaderValue::from(secs));
    r
}

/// Answers a fault that replaces processing, or `None` for faults that
/// wrap it.
fn canned(fault: &Fault) -> Option<Response> {
    let status = |s: u16| StatusCode::from_u16(s).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    match fault {
        Fault::Status(s) => {
            let mut e = ApiError::bad_request(
                -1000,
                "An unknown error occurred while processing the request.",
            );
            e.status = status(*s);
            Some(e.into_response())
        }
        Fault::StatusHtml(s) => {
            let code = status(*s);
            let html = format!("<html><head><title>{code}</title></head><body><center><h1>{code}</h1></center><hr><center>nginx</center></body></html>");
            Some((code, [("content-type", "text/html")], html).into_response())
        }
        Fault::TooManyRequests { retry_after_secs } => Some(with_retry_after(
            too_many(crate::weight::SPOT_WEIGHT_LIMIT_1M),
            (*retry_after_secs).max(1),
        )),
        Fault::Oversized(bytes) => {
            let body = format!("{{\"filler\":\"{}\"}}", "x".repeat(*bytes));
            Some((StatusCode::OK, [("content-type", "application/json")], body).into_response())
        }
        Fault::Redirect {
            status: s,
            location,
        } => {
            let mut r = status(*s).into_response();
            if let Ok(v) = HeaderValue::from_str(location) {
                r.headers_mut().insert("location", v);
            }
            Some(r)
        }
        Fault::Delay(_)
        | Fault::DelayAfter(_)
        | Fault::MalformedJson
        | Fault::UsedWeightHeader(_) => None,
    }
}

/// The middleware (see the module docs).
pub async fn gate(State(state): State<Arc<SimState>>, req: Request, next: Next) -> Response {
    let path = req.uri().path().to_string();
    state.stats_cell().update(|s| {
        s.requests += 1;
        *s.by_path.entry(path.clone()).or_default() += 1;
    });
    let req = if req.method() == Method::POST && PLACEMENT_PATHS.contains(&path.as_str()) {
        count_placement(&state, req).await
    } else if req.method() == Method::POST && FUTURES_PLACEMENT_PATHS.contains(&path.as_str()) {
        count_futures_placement(&state, req).await
    } else {
        req
    };
    let fault = state.faults().take(&path);
    let response = match fault.as_ref().and_then(canned) {
        Some(r) => r,
        None => {
            if let Some(Fault::Delay(ms)) = fault {
                tokio::time::sleep(Duration::from_millis(ms)).await;
            }
            let mut r = limited(&state, &path, req, next).await;
            if let Some(Fault::UsedWeightHeader(w)) = fault {
                for name in Budget::of(&path).headers() {
                    r.headers_mut().insert(*name, HeaderValue::from(w));
                }
            }
            match fault {
                Some(Fault::DelayAfter(ms)) => {
                    tokio::time::sleep(Duration::from_millis(ms)).await;
                    r
                }
                Some(Fault::MalformedJson) => truncate(r).await,
                _ => r,
            }
        }
    };
    let status = response.status();
    state.stats_cell().update(|s| match status {
        StatusCode::TOO_MANY_REQUESTS => s.status_429 += 1,
        StatusCode::IM_A_TEAPOT => s.status_418 += 1,
        _ => {}
    });
    response
}

/// The paths whose POSTs place orders (counted by
/// [`SimState::orders_received`]).
pub const PLACEMENT_PATHS: [&str; 2] = ["/api/v3/order", "/api/v3/orderList/oco"];

/// The futures paths whose POSTs place orders (counted by
/// [`SimState::futures_orders_received`]).
pub const FUTURES_PLACEMENT_PATHS: [&str; 2] = ["/fapi/v1/order", "/fapi/v1/algoOrder"];

/// The client ids a placement may carry.
const CLIENT_ID_PARAMS: [&str; 4] = [
    "newClientOrderId",
    "listClientOrderId",
    "aboveClientOrderId",
    "belowClientOrderId",
];

/// The distinct non-empty values of `names` in a request's query and
/// body; the body is read and put back.
async fn read_params(req: Request, names: &[&str]) -> (Request, Vec<(String, String)>) {
    let (parts, body) = req.into_parts();
    let bytes = axum::body::to_bytes(body, 1 << 20)
        .await
        .unwrap_or_default();
    let text = String::from_utf8_lossy(&bytes);
    let mut found: Vec<(String, String)> = Vec::new();
    let query = parts.uri.query().unwrap_or("");
    for pair in query.split('&').chain(text.split('&')) {
        if let Some((k, v)) = pair.split_once('=') {
            let v = crate::params::percent_decode(v);
            let item = (k.to_string(), v);
            if names.contains(&k) && !item.1.is_empty() && !found.contains(&item) {
                found.push(item);
            }
        }
    }
    (Request::from_parts(parts, Body::from(bytes)), found)
}

/// Counts a placement as it arrives, before faults or validation, with
/// the client ids it carries.
async fn count_placement(state: &SimState, req: Request) -> Request {
    let (req, found) = read_params(req, &CLIENT_ID_PARAMS).await;
    let mut ids: Vec<String> = Vec::new();
    for (_, v) in found {
        if !ids.contains(&v) {
            ids.push(v);
        }
    }
    state.stats_cell().update(|s| {
        s.orders_received += 1;
        for id in ids {
            *s.orders_received_by_client_id.entry(id).or_default() += 1;
        }
    });
    req
}

/// Counts a futures placement as it arrives, with its symbol and client
/// id.
async fn count_futures_placement(state: &SimState, req: Request) -> Request {
    let (req, found) = read_params(req, &["symbol", "newClientOrderId", "clientAlgoId"]).await;
    state.stats_cell().update(|s| {
        s.futures_orders_received += 1;
        for (k, v) in found {
            let map = if k == "symbol" {
                &mut s.futures_orders_received_by_symbol
            } else {
                &mut s.futures_orders_received_by_client_id
            };
            *map.entry(v).or_default() += 1;
        }
    });
    req
}

/// Rate limiting and weight charging around the handler.
async fn limited(state: &SimState, path: &str, req: Request, next: Next) -> Response {
    let now = state.window_now_ms();
    match state.limiter().before(now) {
        Verdict::Pass => {}
        Verdict::TooMany { retry_after } => {
            let (_, limit) = state.window(Budget::of(path));
            return with_retry_after(too_many(limit), retry_after);
        }
        Verdict::Banned { until, retry_after } => {
            return with_retry_after(banned(until), retry_after);
        }
    }
    let budget = Budget::of(path);
    let (window, limit) = state.window(budget);
    let reject = |now: i64| {
        let reset = window_reset_ms(now);
        state.limiter().tripped(reset);
        with_retry_after(too_many(limit), secs_until(now, reset))
    };
    let is_get = req.method() == Method::GET;
    if window.used(now).saturating_add(1) > limit {
        return reject(now);
    }
    let (method, uri) = (req.method().clone(), req.uri().clone());
    let mut response = next.run(req).await;
    let weight = response
        .extensions()
        .get::<RequestWeight>()
        .map_or(0, |w| w.0);
    let now = state.window_now_ms();
    if is_get && window.used(now).saturating_add(weight) > limit {
        return reject(now);
    }
    let used = window.charge(weight, now);
    tracing::debug!(%method, %uri, status = response.status().as_u16(), weight, used, "request");
    for name in budget.headers() {
        response
            .headers_mut()
            .insert(*name, HeaderValue::from(used));
    }
    response
}

/// Keeps the status line and headers but cuts the body in half (at least
/// one byte short), and forces 200.
async fn truncate(r: Response) -> Response {
    let (mut parts, body) = r.into_parts();
    let bytes = axum::body::to_bytes(body, usize::MAX)
        .await
        .unwrap_or_default();
    let cut = (bytes.len() / 2).min(bytes.len().saturating_sub(1));
    parts.status = StatusCode::OK;
    parts.headers.remove("content-length");
    Response::from_parts(parts, Body::from(bytes.slice(..cut)))
}
