//! Parameters of `POST /fapi/v1/algoOrder`: `algoType=CONDITIONAL`, the
//! type's mandatory fields (-1102), fields it does not take (-1106),
//! close-all rules (-4137), `callbackRate` 0.1..=10 (-1130), working type
//! (-4031) and the symbol's filters.

use std::str::FromStr;

use rust_decimal::Decimal;

use super::algo::AlgoKind;
use super::request::{self, Tif};
use super::{invalid_data, Side};
use crate::engine::request::{client_id, not_required};
use crate::error::ApiError;
use crate::market::Market;
use crate::params::Params;

/// One validated conditional order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlgoSpec {
    /// Side.
    pub side: Side,
    /// Type.
    pub kind: AlgoKind,
    /// Quantity (None with closePosition).
    pub quantity: Option<Decimal>,
    /// Limit price (STOP / TAKE_PROFIT).
    pub price: Option<Decimal>,
    /// Trigger price (all but the trailing stop).
    pub trigger_price: Option<Decimal>,
    /// `MARK_PRICE` or `CONTRACT_PRICE`.
    pub working_type: &'static str,
    /// Time in force of the placed order.
    pub tif: Tif,
    /// Reduce-only.
    pub reduce_only: bool,
    /// Close the whole position.
    pub close_position: bool,
    /// Trailing activation price.
    pub activate_price: Option<Decimal>,
    /// Trailing callback rate (percent).
    pub callback_rate: Option<Decimal>,
    /// priceProtect (accepted, no effect: mark = contract price).
    pub price_protect: bool,
    /// `clientAlgoId` (generated when absent).
    pub client_algo_id: Option<String>,
}

/// Parses `POST /fapi/v1/algoOrder` for `m`.
pub fn parse_algo(p: &Params, m: &Market) -> Result<AlgoSpec, ApiError> {
    match p.get("algoType") {
        None | Some("") => return Err(ApiError::mandatory("algoType")),
        Some("CONDITIONAL") => {}
        Some(_) => return Err(invalid_data("algoType")),
    }
    let side = request::side(p)?;
    request::position_side(p)?;
    let kind = match p.get("type") {
        None | Some("") => return Err(ApiError::mandatory("type")),
        Some(t) => {
            AlgoKind::parse(t).ok_or_else(|| ApiError::bad_request(-1116, "Invalid orderType."))?
        }
    };
    let (pdp, qdp) = (request::price_dp(m), request::qty_dp(m));
    let quantity = request::decimal(p, "quantity", qdp)?;
    let price = request::decimal(p, "price", pdp)?;
    let trigger_price = request::decimal(p, "triggerPrice", pdp)?;
    let activate = request::decimal(p, "activatePrice", pdp)?;
    let activation = request::decimal(p, "activationPrice", pdp)?;
    if activate.is_some() && activation.is_some() {
        return Err(not_required("activationPrice"));
    }
    let callback_rate = request::decimal(p, "callbackRate", 2)?;
    let working_type = match p.get("workingType") {
        None | Some("CONTRACT_PRICE") => "CONTRACT_PRICE",
        Some("MARK_PRICE") => "MARK_PRICE",
        Some(_) => return Err(ApiError::bad_request(-4031, "Invalid workingType.")),
    };
    let close_position = request::flag(p, "closePosition")?;
    let reduce_only = request::flag(p, "reduceOnly")?;
    let spec = AlgoSpec {
        side,
        kind,
        quantity,
        price,
        trigger_price,
        working_type,
        tif: Tif::parse(p)?.unwrap_or(Tif::Gtc),
        reduce_only,
        close_position,
        activate_price: activate.or(activation),
        callback_rate,
        price_protect: request::flag(p, "priceProtect")?,
        client_algo_id: client_id(p, "clientAlgoId")?,
    };
    shape(&spec, m)?;
    Ok(spec)
}

/// The per-type rules and the symbol's filters.
fn shape(s: &AlgoSpec, m: &Market) -> Result<(), ApiError> {
    let trailing = s.kind == AlgoKind::TrailingStopMarket;
    if s.close_position {
        if !matches!(s.kind, AlgoKind::StopMarket | AlgoKind::TakeProfitMarket) {
            return Err(not_required("closePosition"));
        }
        if s.quantity.is_some() {
            return Err(ApiError::bad_request(
                -4137,
                "Quantity must be zero with closePosition equals true.",
            ));
        }
        if s.reduce_only {
            return Err(not_required("reduceOnly"));
        }
    } else {
        let q = s.quantity.ok_or_else(|| ApiError::mandatory("quantity"))?;
        request::check_qty(m, q, s.kind.is_market())?;
    }
    if s.kind.is_market() {
        if s.price.is_some() {
            return Err(not_required("price"));
        }
    } else {
        let price = s.price.ok_or_else(|| ApiError::mandatory("price"))?;
        request::check_price(m, price)?;
    }
    if trailing {
        if s.trigger_price.is_some() {
            return Err(not_required("triggerPrice"));
        }
        let rate = s
            .callback_rate
            .ok_or_else(|| ApiError::mandatory("callbackRate"))?;
        let (lo, hi) = (Decimal::from_str("0.1").unwrap_or_default(), Decimal::TEN);
        if rate < lo || rate > hi {
            return Err(invalid_data("callbackRate"));
        }
        if let Some(a) = s.activate_price {
            request::check_price(m, a)?;
        }
    } else {
        if s.callback_rate.is_some() {
            return Err(not_required("callbackRate"));
        }
        if s.activate_price.is_some() {
            return Err(not_required("activatePrice"));
        }
        let t = s
            .trigger_price
            .ok_or_else(|| ApiError::mandatory("triggerPrice"))?;
        request::check_price(m, t)?;
    }
    Ok(())
}
