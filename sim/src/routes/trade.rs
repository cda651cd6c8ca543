//! Spot TRADE endpoints: `POST /api/v3/order` and `DELETE /api/v3/order`.
//!
//! Placement is minimal for now: LIMIT orders rest (no matching), MARKET
//! orders fill at once at the best book price. Responses carry
//! `X-MBX-ORDER-COUNT-10S` and `X-MBX-ORDER-COUNT-1D`.

use std::str::FromStr;
use std::sync::Arc;

use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::Json;
use rust_decimal::Decimal;
use serde::Serialize;

use super::account::order_ref;
use super::{lookup, reply, signed};
use crate::account::{Fill, NewOrder, Order, OrderStatus, OrderType, Side};
use crate::error::ApiError;
use crate::num::fmt8;
use crate::params::Params;
use crate::state::SimState;

/// Weight of placing and of cancelling an order.
const ORDER_WEIGHT: u32 = 1;

/// The legal range Binance quotes for a decimal parameter.
pub const DECIMAL_RANGE: &str = r"^([0-9]{1,20})(\.[0-9]{1,20})?$";

/// An optional positive decimal parameter (`quantity`, `price`...).
pub fn opt_decimal(p: &Params, name: &str) -> Result<Option<Decimal>, ApiError> {
    let Some(v) = p.get(name) else {
        return Ok(None);
    };
    let (int, frac) = v.split_once('.').unwrap_or((v, "0"));
    let digits =
        |s: &str, max: usize| (1..=max).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(int, 20) || !digits(frac, 20) {
        return Err(ApiError::illegal_chars(name, DECIMAL_RANGE));
    }
    Decimal::from_str(v)
        .map(Some)
        .map_err(|_| ApiError::illegal_chars(name, DECIMAL_RANGE))
}

/// The response to a new order; `fills` only in FULL, the order fields
/// only in RESULT and FULL.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
#[allow(missing_docs)]
pub struct NewOrderWire {
    pub symbol: String,
    pub order_id: u64,
    pub order_list_id: i64,
    pub client_order_id: String,
    pub transact_time: i64,
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub result: Option<OrderResult>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fills: Option<Vec<Fill>>,
}

/// The RESULT part of a new-order or cancel response.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
#[allow(missing_docs)]
pub struct OrderResult {
    pub price: String,
    pub orig_qty: String,
    pub executed_qty: String,
    pub orig_quote_order_qty: String,
    pub cummulative_quote_qty: String,
    pub status: OrderStatus,
    pub time_in_force: String,
    #[serde(rename = "type")]
    pub order_type: OrderType,
    pub side: Side,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub working_time: Option<i64>,
    pub self_trade_prevention_mode: String,
}

impl OrderResult {
    fn new(o: &Order, working_time: bool) -> Self {
        OrderResult {
            price: fmt8(o.price),
            orig_qty: fmt8(o.orig_qty),
            executed_qty: fmt8(o.executed_qty),
            orig_quote_order_qty: fmt8(o.orig_quote_order_qty),
            cummulative_quote_qty: fmt8(o.cummulative_quote_qty),
            status: o.status,
            time_in_force: o.time_in_force.clone(),
            order_type: o.order_type,
            side: o.side,
            working_time: working_time.then_some(o.working_time),
            self_trade_prevention_mode: o.self_trade_prevention_mode.clone(),
        }
    }
}

/// `POST /api/v3/order` (TRADE, weight 1).
pub async fn new_order(
    State(state): State<Arc<SimState>>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
    body: String,
) -> Response {
    let mut counted = false;
    let result = new_order_body(&state, &headers, q.as_deref(), &body, &mut counted);
    let mut response = reply(ORDER_WEIGHT, result);
    if counted {
        let (ten, day) = state.lock_account().order_counts(state.server_time_ms());
        let h = response.headers_mut();
        h.insert("x-mbx-order-count-10s", HeaderValue::from(ten));
        h.insert("x-mbx-order-count-1d", HeaderValue::from(day));
    }
    response
}

fn parse_new_order(p: &Params) -> Result<(NewOrder, Option<String>), ApiError> {
    let side = match p.get("side") {
        None | Some("") => return Err(ApiError::mandatory("side")),
        Some("BUY") => Side::Buy,
        Some("SELL") => Side::Sell,
        Some(_) => return Err(ApiError::bad_request(-1117, "Invalid side.")),
    };
    let order_type = match p.get("type") {
        None | Some("") => return Err(ApiError::mandatory("type")),
        Some("LIMIT") => OrderType::Limit,
        Some("MARKET") => OrderType::Market,
        Some(_) => return Err(ApiError::bad_request(-1116, "Invalid orderType.")),
    };
    let quantity = opt_decimal(p, "quantity")?;
    let quote_order_qty = opt_decimal(p, "quoteOrderQty")?;
    let price = opt_decimal(p, "price")?;
    let time_in_force = p.get("timeInForce").map(str::to_string);
    match order_type {
        OrderType::Limit => {
            match time_in_force.as_deref() {
                None | Some("") => return Err(ApiError::mandatory("timeInForce")),
                Some("GTC" | "IOC" | "FOK") => {}
                Some(_) => return Err(ApiError::bad_request(-1115, "Invalid timeInForce.")),
            }
            if quantity.is_none() {
                return Err(ApiError::mandatory("quantity"));
            }
            if price.is_none() {
                return Err(ApiError::mandatory("price"));
            }
            if quote_order_qty.is_some() {
                return Err(ApiError::bad_request(
                    -1106,
                    "Parameter 'quoteOrderQty' sent when not required.",
                ));
            }
        }
        OrderType::StopLossLimit => return Err(ApiError::bad_request(-1116, "Invalid orderType.")),
        OrderType::Market => {
            if quantity.is_none() && quote_order_qty.is_none() {
                return Err(ApiError::bad_request(
                    -1102,
                    "Param 'quantity' or 'quoteOrderQty' must be sent, but both were empty/null!",
                ));
            }
            if price.is_some() {
                return Err(ApiError::bad_request(
                    -1106,
                    "Parameter 'price' sent when not required.",
                ));
            }
            if time_in_force.is_some() {
                return Err(ApiError::bad_request(
                    -1106,
                    "Parameter 'timeInForce' sent when not required.",
                ));
            }
        }
    }
    let resp_type = match p.get("newOrderRespType") {
        None => None,
        Some(t @ ("ACK" | "RESULT" | "FULL")) => Some(t.to_string()),
        Some(_) => return Err(ApiError::bad_request(-1100, "Illegal characters found in parameter 'newOrderRespType'; legal range is 'ACK, RESULT, FULL'.")),
    };
    let client_order_id = p
        .get("newClientOrderId")
        .filter(|c| !c.is_empty())
        .map(str::to_string);
    Ok((
        NewOrder {
            side,
            order_type,
            time_in_force,
            quantity,
            quote_order_qty,
            price,
            client_order_id,
        },
        resp_type,
    ))
}

fn new_order_body(
    state: &SimState,
    headers: &HeaderMap,
    q: Option<&str>,
    body: &str,
    counted: &mut bool,
) -> Result<Json<NewOrderWire>, ApiError> {
    let p = signed(
        state,
        headers,
        q,
        body,
        &[
            "symbol",
            "side",
            "type",
            "timeInForce",
            "quantity",
            "quoteOrderQty",
            "price",
            "newClientOrderId",
            "newOrderRespType",
            "selfTradePreventionMode",
        ],
    )?;
    *counted = true;
    let m = lookup(state, &p.symbol()?)?;
    let (req, resp_type) = parse_new_order(&p)?;
    let now = state.server_time_ms();
    let (order, fills) = {
        let mut account = state.lock_account();
        let placed = account.place(m, req, now)?;
        account.count_order(now);
        placed
    };
    state.stats_cell().update(|s| s.orders_created += 1);
    let resp_type = resp_type.unwrap_or_else(|| "FULL".into());
    Ok(Json(NewOrderWire {
        symbol: order.symbol.clone(),
        order_id: order.order_id,
        order_list_id: order.order_list_id,
        client_order_id: order.client_order_id.clone(),
        transact_time: now,
        result: (resp_type != "ACK").then(|| OrderResult::new(&order, true)),
        fills: (resp_type == "FULL").then_some(fills),
    }))
}

/// `DELETE /api/v3/order` response.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
#[allow(missing_docs)]
pub struct CancelWire {
    pub symbol: String,
    pub orig_client_order_id: String,
    pub order_id: u64,
    pub order_list_id: i64,
    pub client_order_id: String,
    pub transact_time: i64,
    #[serde(flatten)]
    pub result: OrderResult,
}

/// `DELETE /api/v3/order` (TRADE, weight 1): by `orderId` or
/// `origClientOrderId`; -2011 "Unknown order sent." if not open.
pub async fn cancel_order(
    State(state): State<Arc<SimState>>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
    body: String,
) -> Response {
    reply(
        ORDER_WEIGHT,
        cancel_body(&state, &headers, q.as_deref(), &body),
    )
    .into_response()
}

fn cancel_body(
    state: &SimState,
    headers: &HeaderMap,
    q: Option<&str>,
    body: &str,
) -> Result<Json<CancelWire>, ApiError> {
    let p = signed(
        state,
        headers,
        q,
        body,
        &[
            "symbol",
            "orderId",
            "origClientOrderId",
            "newClientOrderId",
            "cancelRestrictions",
        ],
    )?;
    let m = lookup(state, &p.symbol()?)?;
    let (id, client) = order_ref(&p)?;
    let now = state.server_time_ms();
    let mut account = state.lock_account();
    let o = account.cancel(m, id, client.as_deref(), now)?;
    let new_client = match p.get("newClientOrderId").filter(|c| !c.is_empty()) {
        Some(c) => c.to_string(),
        None => account.next_client_id(),
    };
    Ok(Json(CancelWire {
        symbol: o.symbol.clone(),
        orig_client_order_id: o.client_order_id.clone(),
        order_id: o.order_id,
        order_list_id: o.order_list_id,
        client_order_id: new_client,
        transact_time: now,
        result: OrderResult::new(&o, false),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(q: &str) -> Params {
        Params::parse(Some(q)).unwrap()
    }

    #[test]
    fn decimal_params() {
        assert_eq!(
            opt_decimal(&p("quantity=0.001"), "quantity").unwrap(),
            Some(Decimal::new(1, 3))
        );
        assert_eq!(
            opt_decimal(&p("quantity=5"), "quantity").unwrap(),
            Some(Decimal::from(5))
        );
        for bad in ["quantity=-1", "quantity=1e3", "quantity=.5", "quantity=1."] {
            assert_eq!(
                opt_decimal(&p(bad), "quantity").unwrap_err().code,
                -1100,
                "{bad}"
            );
        }
    }

    #[test]
    fn new_order_validation() {
        let code = |q: &str| parse_new_order(&p(q)).unwrap_err().code;
        assert_eq!(code("type=LIMIT"), -1102);
        assert_eq!(code("side=HOLD&type=LIMIT"), -1117);
        assert_eq!(code("side=BUY&type=STOP"), -1116);
        assert_eq!(code("side=BUY&type=LIMIT&quantity=1&price=1"), -1102);
        assert_eq!(
            code("side=BUY&type=LIMIT&timeInForce=XYZ&quantity=1&price=1"),
            -1115
        );
        assert_eq!(
            code("side=BUY&type=LIMIT&timeInForce=GTC&quantity=1"),
            -1102
        );
        assert_eq!(code("side=BUY&type=MARKET"), -1102);
        assert!(parse_new_order(&p("side=BUY&type=MARKET&quoteOrderQty=10")).is_ok());
    }
}
