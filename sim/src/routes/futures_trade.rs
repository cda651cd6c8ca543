//! Signed USD-M futures writes (TRADE): `POST/DELETE /fapi/v1/order`,
//! `DELETE /fapi/v1/allOpenOrders`, `POST/DELETE /fapi/v1/algoOrder`,
//! `DELETE /fapi/v1/algoOpenOrders`, `POST /fapi/v1/leverage`,
//! `POST /fapi/v1/marginType` and `POST /fapi/v1/countdownCancelAll`.
//!
//! Checks run as on Binance: authentication, parameters
//! ([`crate::futures::request`], [`crate::futures::algo`]), symbol
//! (-1121), market status (-1013), the ORDERS limits (-1015, HTTP 429:
//! 300 per 10 s, 1 200 per minute, counted over regular and conditional
//! placements), then the engine's checks. Placements weigh 0 (fapi counts
//! them against the ORDERS limits instead); their answers carry
//! `X-MBX-ORDER-COUNT-10S` and `X-MBX-ORDER-COUNT-1M`.

use std::sync::Arc;

use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, HeaderValue};
use axum::response::Response;
use axum::Json;

use super::account::order_ref;
use super::futures_account::{algo_ref, ALGO_REF_PARAMS};
use super::trade::trading;
use super::{lookup, reply, signed};
use crate::error::ApiError;
use crate::futures::account::max_notional;
use crate::futures::algo::parse_algo;
use crate::futures::request::{parse_order, wants_result};
use crate::futures::wire::{
    cancel_all_done, AlgoCancelWire, AlgoWire, CodeMsg, CountdownWire, LeverageWire, OrderWire,
};
use crate::futures::{invalid_data, FuturesAccount, MarginType};
use crate::state::SimState;

/// The parameters `POST /fapi/v1/order` reads.
const NEW_ORDER_PARAMS: [&str; 19] = [
    "symbol",
    "side",
    "positionSide",
    "type",
    "timeInForce",
    "quantity",
    "reduceOnly",
    "price",
    "newClientOrderId",
    "stopPrice",
    "closePosition",
    "activationPrice",
    "callbackRate",
    "workingType",
    "priceProtect",
    "newOrderRespType",
    "priceMatch",
    "selfTradePreventionMode",
    "goodTillDate",
];

/// The parameters `POST /fapi/v1/algoOrder` reads.
const NEW_ALGO_PARAMS: [&str; 22] = [
    "algoType",
    "symbol",
    "side",
    "positionSide",
    "type",
    "timeInForce",
    "quantity",
    "price",
    "triggerPrice",
    "workingType",
    "priceMatch",
    "closePosition",
    "priceProtect",
    "reduceOnly",
    "activatePrice",
    "activationPrice",
    "callbackRate",
    "clientAlgoId",
    "newOrderRespType",
    "selfTradePreventionMode",
    "goodTillDate",
    "icebergQuantity",
];

/// `POST /fapi/v1/order` (TRADE, weight 0): LIMIT and MARKET only
/// (conditional types: -4120). ACK (default) answers the order as
/// accepted, RESULT as executed.
pub async fn new_order(
    State(state): State<Arc<SimState>>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
    body: String,
) -> Response {
    let mut authenticated = false;
    let result = signed(&state, &headers, q.as_deref(), &body, &NEW_ORDER_PARAMS).and_then(|p| {
        authenticated = true;
        let m = lookup(&state, &p.symbol()?)?;
        let spec = parse_order(&p, m)?;
        let result = wants_result(&p)?;
        trading(m)?;
        let placed = state.futures(|f, now| counted(f, now, |f| f.place(m, &spec, now)))?;
        let o = if result {
            &placed.order
        } else {
            &placed.accepted
        };
        Ok(Json(OrderWire::from(o)))
    });
    with_order_counts(&state, authenticated, reply(0, result))
}

/// Place within the ORDERS limits: -1015 if one more would break one,
/// counted once accepted.
fn counted<T>(
    f: &mut FuturesAccount,
    now: i64,
    place: impl FnOnce(&mut FuturesAccount) -> Result<T, ApiError>,
) -> Result<T, ApiError> {
    f.order_count.check(now, 1)?;
    let placed = place(f)?;
    f.order_count.add(now, 1);
    Ok(placed)
}

/// A placement's answer with the account's order counts, once the request
/// was authenticated (as Binance does).
fn with_order_counts(state: &SimState, authenticated: bool, mut response: Response) -> Response {
    if authenticated {
        let (ten, minute) = state.futures_order_counts();
        let h = response.headers_mut();
        h.insert("x-mbx-order-count-10s", HeaderValue::from(ten));
        h.insert("x-mbx-order-count-1m", HeaderValue::from(minute));
    }
    response
}

/// `DELETE /fapi/v1/order` (TRADE, weight 1): by `orderId` (precedence)
/// or `origClientOrderId`; -2011 "Unknown order sent." if not open.
pub async fn cancel_order(
    State(state): State<Arc<SimState>>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
    body: String,
) -> Response {
    let result = signed(
        &state,
        &headers,
        q.as_deref(),
        &body,
        &["symbol", "orderId", "origClientOrderId"],
    )
    .and_then(|p| {
        let m = lookup(&state, &p.symbol()?)?;
        let (id, client) = order_ref(&p)?;
        let o = state.futures(|f, now| f.cancel(&m.symbol, id, client.as_deref(), now))?;
        Ok(Json(OrderWire::from(&o)))
    });
    reply(1, result)
}

/// `DELETE /fapi/v1/allOpenOrders?symbol=` (TRADE, weight 1): cancels the
/// symbol's open regular orders (none is fine).
pub async fn cancel_all(
    State(state): State<Arc<SimState>>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
    body: String,
) -> Response {
    let result = signed(&state, &headers, q.as_deref(), &body, &["symbol"]).and_then(|p| {
        let m = lookup(&state, &p.symbol()?)?;
        state.futures(|f, now| f.cancel_all(&m.symbol, now));
        Ok(Json(cancel_all_done()))
    });
    reply(1, result)
}

/// `POST /fapi/v1/algoOrder` (TRADE, weight 0): a conditional order,
/// answered with algoStatus NEW.
pub async fn new_algo_order(
    State(state): State<Arc<SimState>>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
    body: String,
) -> Response {
    let mut authenticated = false;
    let result = signed(&state, &headers, q.as_deref(), &body, &NEW_ALGO_PARAMS).and_then(|p| {
        authenticated = true;
        let m = lookup(&state, &p.symbol()?)?;
        let spec = parse_algo(&p, m)?;
        wants_result(&p)?;
        trading(m)?;
        let a = state.futures(|f, now| counted(f, now, |f| f.place_algo(m, &spec, now)))?;
        Ok(Json(AlgoWire::from(&a)))
    });
    with_order_counts(&state, authenticated, reply(0, result))
}

/// `DELETE /fapi/v1/algoOrder?algoId=|clientAlgoId=` (TRADE, weight 1):
/// `{algoId, clientAlgoId, code:"200", msg:"success"}`; -2011 if it is
/// not waiting.
pub async fn cancel_algo_order(
    State(state): State<Arc<SimState>>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
    body: String,
) -> Response {
    let result = signed(&state, &headers, q.as_deref(), &body, &ALGO_REF_PARAMS).and_then(|p| {
        let (id, client) = algo_ref(&p)?;
        let a = state.futures(|f, now| f.cancel_algo(id, client.as_deref(), now))?;
        Ok(Json(AlgoCancelWire {
            algo_id: a.algo_id,
            client_algo_id: a.client_algo_id,
            code: "200",
            msg: "success",
        }))
    });
    reply(1, result)
}

/// `DELETE /fapi/v1/algoOpenOrders?symbol=` (TRADE, weight 1).
pub async fn cancel_all_algos(
    State(state): State<Arc<SimState>>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
    body: String,
) -> Response {
    let result = signed(&state, &headers, q.as_deref(), &body, &["symbol"]).and_then(|p| {
        let m = lookup(&state, &p.symbol()?)?;
        state.futures(|f, now| f.cancel_all_algos(&m.symbol, now));
        Ok(Json(cancel_all_done()))
    });
    reply(1, result)
}

/// `POST /fapi/v1/leverage?symbol=&leverage=` (TRADE, weight 1): 1..=125
/// (-4028 otherwise; -2027 if the open position exceeds the new
/// leverage's maxNotionalValue).
pub async fn leverage(
    State(state): State<Arc<SimState>>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
    body: String,
) -> Response {
    let result = signed(
        &state,
        &headers,
        q.as_deref(),
        &body,
        &["symbol", "leverage"],
    )
    .and_then(|p| {
        let m = lookup(&state, &p.symbol()?)?;
        let n = p
            .opt_u64("leverage")?
            .ok_or_else(|| ApiError::mandatory("leverage"))?;
        let n = state.futures(|f, _| f.change_leverage(m, n))?;
        Ok(Json(LeverageWire {
            leverage: n,
            max_notional_value: max_notional(n).to_string(),
            symbol: m.symbol.clone(),
        }))
    });
    reply(1, result)
}

/// `POST /fapi/v1/marginType?symbol=&marginType=ISOLATED|CROSSED` (TRADE,
/// weight 1): -4046 if unchanged, -4048 with a position, -4047 with open
/// (regular or conditional) orders.
pub async fn margin_type(
    State(state): State<Arc<SimState>>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
    body: String,
) -> Response {
    let result = signed(
        &state,
        &headers,
        q.as_deref(),
        &body,
        &["symbol", "marginType"],
    )
    .and_then(|p| {
        let m = lookup(&state, &p.symbol()?)?;
        let wanted = match p.get("marginType").map(str::to_ascii_uppercase).as_deref() {
            None | Some("") => return Err(ApiError::mandatory("marginType")),
            Some("ISOLATED") => MarginType::Isolated,
            Some("CROSSED") | Some("CROSS") => MarginType::Crossed,
            Some(_) => return Err(invalid_data("marginType")),
        };
        state.futures(|f, _| f.change_margin_type(m, wanted))?;
        Ok(Json(CodeMsg {
            code: 200,
            msg: "success",
        }))
    });
    reply(1, result)
}

/// `POST /fapi/v1/countdownCancelAll?symbol=&countdownTime=` (TRADE,
/// weight 10): arms (or refreshes; 0 disarms) the symbol's countdown.
pub async fn countdown_cancel_all(
    State(state): State<Arc<SimState>>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
    body: String,
) -> Response {
    let result = signed(
        &state,
        &headers,
        q.as_deref(),
        &body,
        &["symbol", "countdownTime"],
    )
    .and_then(|p| {
        let m = lookup(&state, &p.symbol()?)?;
        let ms = p
            .opt_u64("countdownTime")?
            .ok_or_else(|| ApiError::mandatory("countdownTime"))?;
        state.futures(|f, now| f.arm_countdown(&m.symbol, ms, now));
        Ok(Json(CountdownWire {
            symbol: m.symbol.clone(),
            countdown_time: ms.to_string(),
        }))
    });
    reply(10, result)
}
