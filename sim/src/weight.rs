//! Request-weight accounting and the `X-MBX-USED-WEIGHT-*` headers.
//!
//! Binance charges every request a documented weight against a per-IP
//! budget (spot: 6000 per minute) and reports the running total in
//! `X-MBX-USED-WEIGHT-1M` on every response. The simulator keeps one window
//! per [`Budget`] (spot `/api`, futures `/fapi`, wallet `/sapi` IP and UID;
//! separate limits on Binance) and resets it at each UTC minute boundary;
//! the [`crate::gate`] middleware charges it and adds the header so no
//! handler can forget it. Handlers state their weight by
//! returning a [`Weighted`] response.

use std::sync::Mutex;

use axum::response::{IntoResponse, Response};

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

/// The separate per-minute weight budgets Binance keeps per IP (and, for
/// some wallet endpoints, per account).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Budget {
    /// Spot `/api/...` (6000 by default; see `set_weight_limit`).
    Spot,
    /// USD-M futures `/fapi/...` (2400).
    Futures,
    /// Wallet `/sapi/...` IP weight (12000).
    SapiIp,
    /// Wallet `/sapi/...` UID weight (180000), e.g. withdraw history.
    SapiUid,
}

/// `/sapi` paths that Binance charges to the UID budget.
const SAPI_UID_PATHS: [&str; 1] = ["/sapi/v1/capital/withdraw/history"];

impl Budget {
    /// The budget a request path is charged to.
    pub fn of(path: &str) -> Budget {
        if path.starts_with("/fapi/") {
            Budget::Futures
        } else if SAPI_UID_PATHS.contains(&path) {
            Budget::SapiUid
        } else if path.starts_with("/sapi/") {
            Budget::SapiIp
        } else {
            Budget::Spot
        }
    }

    /// The budget's limit per minute, before any override.
    pub fn default_limit(self) -> u32 {
        match self {
            Budget::Spot => SPOT_WEIGHT_LIMIT_1M,
            Budget::Futures => FUTURES_WEIGHT_LIMIT_1M,
            Budget::SapiIp => 12_000,
            Budget::SapiUid => 180_000,
        }
    }

    /// The response headers reporting the used weight.
    pub fn headers(self) -> &'static [&'static str] {
        match self {
            Budget::Spot | Budget::Futures => &["x-mbx-used-weight-1m", "x-mbx-used-weight"],
            Budget::SapiIp => &["x-sapi-used-ip-weight-1m"],
            Budget::SapiUid => &["x-sapi-used-uid-weight-1m"],
        }
    }
}

/// The ms instant the minute containing `now_ms` ends (windows reset).
pub fn window_reset_ms(now_ms: i64) -> i64 {
    (now_ms.div_euclid(60_000) + 1) * 60_000
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

    #[test]
    fn budgets_by_path() {
        assert_eq!(Budget::of("/api/v3/account"), Budget::Spot);
        assert_eq!(Budget::of("/fapi/v1/depth"), Budget::Futures);
        assert_eq!(Budget::of("/sapi/v1/accountSnapshot"), Budget::SapiIp);
        assert_eq!(
            Budget::of("/sapi/v1/capital/withdraw/history"),
            Budget::SapiUid
        );
        assert_eq!(window_reset_ms(59_999), 60_000);
        assert_eq!(window_reset_ms(60_000), 120_000);
    }
}
