//! Per-symbol settings: leverage (`POST /fapi/v1/leverage`) and margin
//! type (`POST /fapi/v1/marginType`), with fapi's refusals.

use super::account::max_notional;
use super::engine::max_position_exceeded;
use super::{FuturesAccount, MarginType, MAX_LEVERAGE};
use crate::error::ApiError;
use crate::market::Market;

/// -4028 "Leverage {n} is not valid".
pub fn invalid_leverage(n: u64) -> ApiError {
    ApiError::bad_request(-4028, format!("Leverage {n} is not valid"))
}

impl FuturesAccount {
    /// Sets `m`'s leverage: -4028 outside 1..=125, -2027 if the open
    /// position exceeds the new leverage's maxNotionalValue.
    pub fn change_leverage(&mut self, m: &Market, n: u64) -> Result<u32, ApiError> {
        if !(1..=u64::from(MAX_LEVERAGE)).contains(&n) {
            return Err(invalid_leverage(n));
        }
        let n = n as u32;
        let s = self.sym(m);
        if s.notional().abs() > max_notional(n) {
            return Err(max_position_exceeded());
        }
        s.leverage = n;
        Ok(n)
    }

    /// Switches `m`'s margin type: -4046 if unchanged, -4048 with a
    /// position, -4047 with open regular or conditional orders.
    pub fn change_margin_type(&mut self, m: &Market, wanted: MarginType) -> Result<(), ApiError> {
        let s = self.sym(m).clone();
        if s.margin_type == wanted {
            return Err(ApiError::bad_request(
                -4046,
                "No need to change margin type.",
            ));
        }
        if !s.position_amt.is_zero() {
            return Err(ApiError::bad_request(
                -4048,
                "Margin type cannot be changed if there exists position.",
            ));
        }
        let orders = self.open_orders(&m.symbol).next().is_some()
            || self
                .algos
                .iter()
                .any(|a| a.symbol == m.symbol && a.is_open());
        if orders {
            return Err(ApiError::bad_request(
                -4047,
                "Margin type cannot be changed if there exists open orders.",
            ));
        }
        self.sym(m).margin_type = wanted;
        Ok(())
    }
}
