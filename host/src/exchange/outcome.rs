//! Writes (orders, cancels): sent once, never retried blindly. Every new
//! order carries a `newClientOrderId` (the host makes one when the plugin
//! did not); when the answer is lost — a timeout, a dropped connection, a
//! 5xx — the outcome is unknown, so the host asks Binance for the order by
//! its id and reports what really happened, or `UNKNOWN_OUTCOME` with the id
//! when it cannot tell.

use super::catalogue::{classify, Endpoint, Method, Venue};
use super::service::{checked, Attempt, Credentials, ExchangeService};
use super::{errors, Response};
use crate::tool_error::{ErrorKind, ToolError};
use std::hash::{BuildHasher, Hasher};
use std::time::{Duration, Instant};

/// Time kept back from a write's budget to find out what happened to it.
pub const RESOLVE_RESERVE: Duration = Duration::from_secs(3);
/// Pause before asking about a write whose answer was lost, so the order has
/// reached the matching engine if it is going to.
const RESOLVE_DELAY: Duration = Duration::from_millis(300);
/// Budget of a write made outside any tool call.
const WRITE_BUDGET: Duration = Duration::from_secs(15);

/// The client id a new order of `endpoint` carries: `newClientOrderId`
/// (spot and futures orders), `clientAlgoId` (futures conditional orders,
/// Binance's algo service); `None` for every other endpoint.
pub(crate) fn client_id_param(endpoint: &Endpoint) -> Option<&'static str> {
    match (endpoint.venue, endpoint.method, endpoint.path) {
        (Venue::Spot, Method::Post, "/api/v3/order")
        | (Venue::UsdmFutures, Method::Post, "/fapi/v1/order") => Some("newClientOrderId"),
        (Venue::UsdmFutures, Method::Post, "/fapi/v1/algoOrder") => Some("clientAlgoId"),
        _ => None,
    }
}

/// Whether `endpoint` places a new order (it counts against the order limits
/// and carries a client order id).
pub(crate) fn is_new_order(endpoint: &Endpoint) -> bool {
    client_id_param(endpoint).is_some()
}

/// How a write's order is looked up when its answer is lost: the lookup
/// endpoint, whether it needs the symbol, and the id parameters it takes
/// (the client id's name, the exchange id's name).
fn lookup_of(
    endpoint: &Endpoint,
) -> Option<(Venue, &'static str, bool, &'static str, &'static str)> {
    match (endpoint.venue, endpoint.path) {
        (Venue::Spot, "/api/v3/order") => Some((
            Venue::Spot,
            "/api/v3/order",
            true,
            "origClientOrderId",
            "orderId",
        )),
        (Venue::UsdmFutures, "/fapi/v1/order") => Some((
            Venue::UsdmFutures,
            "/fapi/v1/order",
            true,
            "origClientOrderId",
            "orderId",
        )),
        (Venue::UsdmFutures, "/fapi/v1/algoOrder") => Some((
            Venue::UsdmFutures,
            "/fapi/v1/algoOrder",
            false,
            "clientAlgoId",
            "algoId",
        )),
        _ => None,
    }
}

/// Whether `endpoint` counts against the order-count limits (a new order,
/// or an OCO list).
pub(crate) fn places_orders(endpoint: &Endpoint) -> bool {
    is_new_order(endpoint)
        || (endpoint.method == Method::Post && endpoint.path == "/api/v3/orderList/oco")
}

/// Send a write once and resolve an unknown outcome.
pub(crate) fn write(
    svc: &ExchangeService,
    endpoint: &Endpoint,
    mut params: Vec<(String, String)>,
    credentials: Option<&Credentials>,
    share: Option<&super::share::WeightShare>,
    deadline: Option<Instant>,
) -> Result<Response, ToolError> {
    let deadline = deadline.unwrap_or_else(|| Instant::now() + WRITE_BUDGET);
    if let Some(id) = client_id_param(endpoint) {
        if !params.iter().any(|(k, _)| k == id) {
            params.push((id.into(), new_client_order_id()));
        }
    }
    // Keep time to resolve the outcome if the answer is lost.
    let send_by = deadline
        .checked_sub(RESOLVE_RESERVE)
        .filter(|d| *d > Instant::now())
        .unwrap_or(deadline);
    let lost = match svc.attempt(
        endpoint,
        &params,
        credentials,
        share,
        send_by,
        super::http::DEFAULT_TIMEOUT,
    )? {
        Attempt::Answer(a) if (200..300).contains(&a.status) => return checked(a),
        Attempt::Answer(a) if a.status >= 500 => format!("Binance answered HTTP {}", a.status),
        Attempt::Answer(a) => {
            let err = svc.classified(super::ratelimit::Budget::of(endpoint), &a);
            if err.exchange_code == Some(-1021) {
                // Rejected before execution: safe to report; fix the clock for the next call.
                let _ = svc.sync_clock();
            }
            return Err(err);
        }
        Attempt::Transport(e) if e.connect_failed => {
            return Err(errors::unreachable(&e.base_url, &e.detail))
        }
        Attempt::Transport(e) => format!("the answer was lost ({})", e.detail),
    };
    tracing::warn!(path = endpoint.path, reason = %lost, "write outcome unknown: querying the order");
    resolve(svc, endpoint, &params, credentials, deadline, &lost)
}

/// Ask Binance for the order the write concerned.
fn resolve(
    svc: &ExchangeService,
    endpoint: &Endpoint,
    params: &[(String, String)],
    credentials: Option<&Credentials>,
    deadline: Instant,
    lost: &str,
) -> Result<Response, ToolError> {
    let get = |k: &str| params.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
    if endpoint.path == "/api/v3/orderList/oco" {
        return resolve_list(
            svc,
            endpoint,
            get("listClientOrderId"),
            credentials,
            deadline,
            lost,
        );
    }
    let Some((venue, path, needs_symbol, client_key, id_key)) = lookup_of(endpoint) else {
        return Err(unknown(
            endpoint,
            lost,
            None,
            "no order lookup for this request",
        ));
    };
    let reference = client_id_param(endpoint)
        .and_then(get)
        .or_else(|| get(client_key).or_else(|| get("origClientOrderId")))
        .map(|id| (client_key, id))
        .or_else(|| get(id_key).map(|id| (id_key, id)));
    let symbol = get("symbol");
    let (Some((id_name, id)), true) = (reference, symbol.is_some() || !needs_symbol) else {
        return Err(unknown(
            endpoint,
            lost,
            None,
            "no order id to look it up by",
        ));
    };
    let Ok(lookup) = classify(venue, Method::Get, path) else {
        return Err(unknown(
            endpoint,
            lost,
            Some((id_name, &id)),
            "no order lookup for this venue",
        ));
    };
    std::thread::sleep(RESOLVE_DELAY.min(deadline.saturating_duration_since(Instant::now())));
    let mut query = vec![(id_name.to_string(), id.clone())];
    if let Some(symbol) = symbol.filter(|_| needs_symbol) {
        query.insert(0, ("symbol".to_string(), symbol));
    }
    // The host's own recovery: never held back by the plugin's share.
    match svc.read(lookup, &query, credentials, None, Some(deadline)) {
        Ok(found) => {
            tracing::info!(path = endpoint.path, %id, "write outcome resolved by querying the order");
            Ok(mark_resolved(found, lost))
        }
        Err(e) if e.exchange_code == Some(-2013) => Err(ToolError::new(
            ErrorKind::ExchangeUnavailable,
            format!("{lost}; Binance has no order with {id_name} {id}, so it was most likely not placed"),
            "check get_open_orders before placing it again",
        )
        .with_data("outcome", "NOT_FOUND")
        .with_data(id_name, id)),
        Err(e) => Err(unknown(endpoint, lost, Some((id_name, &id)), &e.message)),
    }
}

/// Ask Binance for the OCO list a lost `orderList/oco` answer concerned, by
/// its `listClientOrderId`.
fn resolve_list(
    svc: &ExchangeService,
    endpoint: &Endpoint,
    list_id: Option<String>,
    credentials: Option<&Credentials>,
    deadline: Instant,
    lost: &str,
) -> Result<Response, ToolError> {
    let Some(id) = list_id else {
        return Err(unknown(
            endpoint,
            lost,
            None,
            "no list client id to look it up by",
        ));
    };
    let Ok(lookup) = classify(Venue::Spot, Method::Get, "/api/v3/orderList") else {
        return Err(unknown(
            endpoint,
            lost,
            Some(("listClientOrderId", &id)),
            "no list lookup",
        ));
    };
    std::thread::sleep(RESOLVE_DELAY.min(deadline.saturating_duration_since(Instant::now())));
    let query = vec![("origClientOrderId".to_string(), id.clone())];
    match svc.read(lookup, &query, credentials, None, Some(deadline)) {
        Ok(found) => {
            tracing::info!(%id, "OCO outcome resolved by querying the order list");
            Ok(mark_resolved(found, lost))
        }
        Err(e) if e.exchange_code == Some(-2013) => Err(ToolError::new(
            ErrorKind::ExchangeUnavailable,
            format!("{lost}; Binance has no order list {id}, so it was most likely not placed"),
            "check get_open_orders before placing it again",
        )
        .with_data("outcome", "NOT_FOUND")
        .with_data("listClientOrderId", id)),
        Err(e) => Err(unknown(
            endpoint,
            lost,
            Some(("listClientOrderId", &id)),
            &e.message,
        )),
    }
}

fn unknown(endpoint: &Endpoint, lost: &str, id: Option<(&str, &str)>, why: &str) -> ToolError {
    let mut err = ToolError::new(
        ErrorKind::ExchangeUnavailable,
        format!("UNKNOWN_OUTCOME: {} {} may or may not have taken effect ({lost}; the order could not be looked up: {why})", endpoint.method, endpoint.path),
        "do not repeat it blindly: look the order up by the id in data (get_order or get_open_orders) first",
    )
    .with_data("outcome", "UNKNOWN_OUTCOME");
    if let Some((name, value)) = id {
        err = err.with_data(name, value);
    }
    err
}

/// The order as Binance reports it, marked so the plugin can tell the model
/// the answer came from a lookup after the original answer was lost.
fn mark_resolved(found: Response, lost: &str) -> Response {
    let body = match serde_json::from_str::<serde_json::Value>(&found.body) {
        Ok(serde_json::Value::Object(mut order)) => {
            order.insert(
                "outcomeResolvedBy".into(),
                serde_json::json!(format!("order lookup after: {lost}")),
            );
            serde_json::Value::Object(order).to_string()
        }
        _ => found.body,
    };
    Response { body, ..found }
}

/// `bmcp-` and 22 random base-36 characters: within Binance's
/// `^[.A-Z:/a-z0-9_-]{1,36}$`, and unique without coordination.
pub fn new_client_order_id() -> String {
    const DIGITS: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut out = String::from("bmcp-");
    for i in 0..2u64 {
        let mut h = std::collections::hash_map::RandomState::new().build_hasher();
        h.write_u64(i);
        h.write_u128(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos())
                .unwrap_or(0),
        );
        let mut n = h.finish();
        for _ in 0..11 {
            out.push(DIGITS[(n % 36) as usize] as char);
            n /= 36;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_order_ids_are_valid_and_distinct() {
        let a = new_client_order_id();
        let b = new_client_order_id();
        assert_ne!(a, b);
        assert!(a.len() <= 36 && a.starts_with("bmcp-"));
        assert!(a.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'-'));
    }
}
