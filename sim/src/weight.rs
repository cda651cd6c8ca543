//! Request-weight accounting and the `X-MBX-USED-WEIGHT-*` headers.
//!
//! Binance charges every request a documented weight against a per-IP
//! budget (spot: 6000 per minute) and reports the running total in
//! `X-MBX-USED-WEIGHT-1M` on every response. The simulator keeps one window
//! per API family (spot `/api`, futures `/fapi`; they are separate limits on
//! Binance), resets it at each UTC minute boundary, and adds the header in a
//! middleware so no handler can forget it. Handlers state their weight by
//! returning a [`Weighted`] response.

use std::sync::{Arc, Mutex};

use axum::extract::{Request, State};
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::state::SimState;

/// Spot REQUEST_WEIGHT limit per minute, as advertised in exchangeInfo.
pub const SPOT_WEIGHT_LIMIT_1M: u32 = 6000;

/// USD-M futures REQUEST_WEIGHT limit per minute.
pub const FUTURES_WEIGHT_LIMIT_1M: u32 = 2400;

/// The weight a handler charged, carried to the middleware as a response
/// extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RequestWeight(pub u32);

/// A response together with the weight its request costs.
#[derive(Debug)]
pub struct Weighted<T>(pub u32, pub T);

impl<T: IntoResponse> IntoResponse for Weighted<T> {
    fn into_response(self) -> Response {
        let mut response = self.1.into_response();
        response.extensions_mut().insert(RequestWeight(self.0));
        response
    }
}

/// A fixed one-minute window of used weight.
#[derive(Debug, Default)]
pub struct WeightWindow {
    inner: Mutex<Window>,
}

#[derive(Debug, Default)]
struct Window {
    minute: i64,
    used: u32,
}

impl WeightWindow {
    /// Adds `weight` at time `now_ms` and returns the minute's new total.
    pub fn charge(&self, weight: u32, now_ms: i64) -> u32 {
        let mut w = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        let minute = now_ms.div_euclid(60_000);
        if w.minute != minute {
            w.minute = minute;
            w.used = 0;
        }
        w.used = w.used.saturating_add(weight);
        w.used
    }

    /// The weight used in the minute containing `now_ms`.
    pub fn used(&self, now_ms: i64) -> u32 {
        let w = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        if w.minute == now_ms.div_euclid(60_000) {
            w.used
        } else {
            0
        }
    }
}

/// Spot `GET /api/v3/depth` weight by limit (5 / 25 / 50 / 250).
pub fn spot_depth_weight(limit: u64) -> u32 {
    match limit {
        0..=100 => 5,
        101..=500 => 25,
        501..=1000 => 50,
        _ => 250,
    }
}

/// Futures `GET /fapi/v1/depth` weight by limit (2 / 5 / 10 / 20).
pub fn futures_depth_weight(limit: u64) -> u32 {
    match limit {
        0..=50 => 2,
        51..=100 => 5,
        101..=500 => 10,
        _ => 20,
    }
}

/// Spot `GET /api/v3/ticker/24hr` weight: 2 for 1–20 symbols, 40 for
/// 21–100, 80 for more or for all (`None`).
pub fn ticker_24hr_weight(symbols: Option<usize>) -> u32 {
    match symbols {
        Some(0..=20) => 2,
        Some(21..=100) => 40,
        _ => 80,
    }
}

/// Middleware: charges the handler's [`RequestWeight`] to the window of the
/// request's API family and stamps the used-weight headers.
///
/// This is the hook for rate limiting: a later version rejects here with
/// 429 (-1003, `Retry-After`) once the window exceeds its limit.
pub async fn account(State(state): State<Arc<SimState>>, req: Request, next: Next) -> Response {
    let futures = req.uri().path().starts_with("/fapi/");
    let (method, uri) = (req.method().clone(), req.uri().clone());
    let mut response = next.run(req).await;
    let weight = response
        .extensions()
        .get::<RequestWeight>()
        .map_or(0, |w| w.0);
    let window = if futures {
        state.futures_weight()
    } else {
        state.spot_weight()
    };
    let used = window.charge(weight, crate::state::now_ms());
    tracing::debug!(%method, %uri, status = response.status().as_u16(), weight, used, "request");
    let value = HeaderValue::from(used);
    let headers = response.headers_mut();
    headers.insert("x-mbx-used-weight-1m", value.clone());
    headers.insert("x-mbx-used-weight", value);
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn window_resets_at_minute_boundary() {
        let w = WeightWindow::default();
        let t = 1_700_000_080_000; // 40 s into a minute
        assert_eq!(w.charge(5, t), 5);
        assert_eq!(w.charge(20, t + 19_999), 25);
        assert_eq!(w.used(t + 19_999), 25);
        assert_eq!(w.used(t + 20_000), 0);
        assert_eq!(w.charge(1, t + 20_000), 1);
    }

    #[test]
    fn documented_weights() {
        assert_eq!(spot_depth_weight(100), 5);
        assert_eq!(spot_depth_weight(101), 25);
        assert_eq!(spot_depth_weight(1000), 50);
        assert_eq!(spot_depth_weight(5000), 250);
        assert_eq!(futures_depth_weight(5), 2);
        assert_eq!(futures_depth_weight(1000), 20);
        assert_eq!(ticker_24hr_weight(Some(1)), 2);
        assert_eq!(ticker_24hr_weight(Some(21)), 40);
        assert_eq!(ticker_24hr_weight(Some(101)), 80);
        assert_eq!(ticker_24hr_weight(None), 80);
    }
}
