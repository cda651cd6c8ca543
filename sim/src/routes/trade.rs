//! Spot TRADE endpoints for single orders: `POST /api/v3/order`,
//! `POST /api/v3/order/test`, `DELETE /api/v3/order`,
//! `DELETE /api/v3/openOrders`, and `GET /api/v3/rateLimit/order`.
//!
//! Checks run as on Binance: authentication, symbol (-1121), parameters
//! ([`crate::engine::request`]), market status, the order-count limits
//! (-1015, HTTP 429), the filters ([`crate::engine::filters`]) and then the
//! matching engine's own checks and execution ([`crate::engine`]). Every
//! authenticated placement answer carries `X-MBX-ORDER-COUNT-10S` and
//! `X-MBX-ORDER-COUNT-1D`.

use std::sync::Arc;

use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, HeaderValue};
use axum::response::Response;
use axum::Json;
use serde::Serialize;

use super::account::order_ref;
use super::reports::{default_resp_type, CancelAllItem, CancelReport, ListReport, NewOrderReport};
use super::{lookup, reply, signed};
use crate::engine::cancel::{Cancelled, Restriction};
use crate::engine::filters::{self, open_counts};
use crate::engine::request::{parse_order, OrderSpec};
use crate::error::ApiError;
use crate::market::Market;
use crate::params::Params;
use crate::state::SimState;

/// Weight of placing, testing (without commission rates) and cancelling.
const ORDER_WEIGHT: u32 = 1;
/// `order/test` with `computeCommissionRates=true`.
const TEST_RATES_WEIGHT: u32 = 20;
/// `rateLimit/order`.
const RATE_LIMIT_WEIGHT: u32 = 40;

/// The parameters `POST /api/v3/order` reads.
const NEW_ORDER_PARAMS: [&str; 13] = [
    "symbol",
    "side",
    "type",
    "timeInForce",
    "quantity",
    "quoteOrderQty",
    "price",
    "newClientOrderId",
    "stopPrice",
    "trailingDelta",
    "icebergQty",
    "newOrderRespType",
    "selfTradePreventionMode",
];

/// Adds the account's order counts to a placement answer.
pub fn with_order_counts(state: &SimState, mut response: Response) -> Response {
    let (ten, day) = state.order_counts();
    let h = response.headers_mut();
    h.insert("x-mbx-order-count-10s", HeaderValue::from(ten));
    h.insert("x-mbx-order-count-1d", HeaderValue::from(day));
    response
}

/// -1013 "Market is closed." for a symbol that is not trading.
pub fn trading(m: &Market) -> Result<(), ApiError> {
    if m.is_trading() {
        Ok(())
    } else {
        Err(ApiError::bad_request(-1013, "Market is closed."))
    }
}

/// `POST /api/v3/order` (TRADE, weight 1).
pub async fn new_order(
    State(state): State<Arc<SimState>>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
    body: String,
) -> Response {
    let mut authenticated = false;
    let result = new_order_body(&state, &headers, q.as_deref(), &body, &mut authenticated);
    let response = reply(ORDER_WEIGHT, result);
    if authenticated {
        with_order_counts(&state, response)
    } else {
        response
    }
}

fn new_order_body(
    state: &SimState,
    headers: &HeaderMap,
    q: Option<&str>,
    body: &str,
    authenticated: &mut bool,
) -> Result<Json<NewOrderReport>, ApiError> {
    let p = signed(state, headers, q, body, &NEW_ORDER_PARAMS)?;
    *authenticated = true;
    let m = lookup(state, &p.symbol()?)?;
    let (spec, resp) = parse_order(&p)?;
    trading(m)?;
    let placed = state.desk(m, |d| {
        d.account.counter.check(d.now, 1)?;
        let open = open_counts(&d.account.snap, &m.symbol);
        filters::check(d.market, &spec, d.market.avg_price, open)?;
        d.place(&spec).map(|placed| (placed, d.now))
    });
    let (placed, now) = placed?;
    state.stats_cell().update(|s| s.orders_created += 1);
    let resp = resp.unwrap_or_else(|| default_resp_type(spec.order_type));
    Ok(Json(NewOrderReport::new(
        &placed.order,
        &placed.fills,
        resp,
        now,
    )))
}

/// The commission rates of a test order (`computeCommissionRates=true`).
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
#[allow(missing_docs)]
pub struct TestCommission {
    pub standard_commission_for_order: MakerTaker,
    pub special_commission_for_order: MakerTaker,
    pub tax_commission_for_order: MakerTaker,
    pub discount: super::account::Discount,
}

/// A maker / taker rate pair.
#[derive(Debug, Serialize)]
#[allow(missing_docs)]
pub struct MakerTaker {
    pub maker: String,
    pub taker: String,
}

/// `{}` or the commission rates.
#[derive(Debug, Serialize)]
#[serde(untagged)]
pub enum TestAnswer {
    /// Without `computeCommissionRates`.
    Empty {},
    /// With it.
    Rates(Box<TestCommission>),
}

/// `POST /api/v3/order/test` (TRADE, weight 1; 20 with
/// `computeCommissionRates=true`): everything `POST /api/v3/order` checks
/// before the matching engine — parameters, market status, filters — and
/// nothing after it (balance, duplicates, LIMIT_MAKER crossing, stop
/// prices), as on Binance. Nothing is placed or counted.
pub async fn test_order(
    State(state): State<Arc<SimState>>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
    body: String,
) -> Response {
    let with_rates = [q.as_deref().unwrap_or(""), body.as_str()]
        .iter()
        .any(|s| s.split('&').any(|kv| kv == "computeCommissionRates=true"));
    let weight = if with_rates {
        TEST_RATES_WEIGHT
    } else {
        ORDER_WEIGHT
    };
    reply(weight, test_body(&state, &headers, q.as_deref(), &body))
}

fn test_body(
    state: &SimState,
    headers: &HeaderMap,
    q: Option<&str>,
    body: &str,
) -> Result<Json<TestAnswer>, ApiError> {
    let mut allowed = NEW_ORDER_PARAMS.to_vec();
    allowed.push("computeCommissionRates");
    let p = signed(state, headers, q, body, &allowed)?;
    let m = lookup(state, &p.symbol()?)?;
    let rates = match p.get("computeCommissionRates") {
        None | Some("false") => false,
        Some("true") => true,
        Some(_) => {
            return Err(ApiError::illegal_chars(
                "computeCommissionRates",
                "true, false",
            ))
        }
    };
    let (spec, _) = parse_order(&p)?;
    trading(m)?;
    check_filters(state, m, &spec)?;
    if !rates {
        return Ok(Json(TestAnswer::Empty {}));
    }
    let c = state.with_account(|a| a.commission);
    let pair = |maker, taker| MakerTaker {
        maker: crate::num::fmt8(maker),
        taker: crate::num::fmt8(taker),
    };
    let zero = rust_decimal::Decimal::ZERO;
    Ok(Json(TestAnswer::Rates(Box::new(TestCommission {
        standard_commission_for_order: pair(c.maker, c.taker),
        special_commission_for_order: pair(zero, zero),
        tax_commission_for_order: pair(zero, zero),
        discount: super::account::bnb_discount(),
    }))))
}

/// The filters of `spec` on `m`'s live state and the account's open orders.
pub fn check_filters(state: &SimState, m: &Market, spec: &OrderSpec) -> Result<(), ApiError> {
    let open = state.with_account(|a| open_counts(a, &m.symbol));
    state.with_market(m, |live| filters::check(live, spec, live.avg_price, open))
}

/// A cancel's own client id: `newClientOrderId`, else a generated one.
fn cancel_id(state: &SimState, p: &Params) -> String {
    match p.get("newClientOrderId").filter(|c| !c.is_empty()) {
        Some(c) => c.to_string(),
        None => state.lock_account().next_client_id(),
    }
}

/// `DELETE /api/v3/order` (TRADE, weight 1): by `orderId` (precedence) or
/// `origClientOrderId`; -2011 "Unknown order sent." if not open. A leg of
/// an OCO cancels its whole list.
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
}

fn cancel_body(
    state: &SimState,
    headers: &HeaderMap,
    q: Option<&str>,
    body: &str,
) -> Result<Json<CancelReport>, ApiError> {
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
    let restriction = Restriction::parse(p.get("cancelRestrictions"))?;
    let (o, now) = state.desk(m, |d| {
        d.cancel(id, client.as_deref(), restriction)
            .map(|o| (o, d.now))
    })?;
    Ok(Json(CancelReport::new(&o, &cancel_id(state, &p), now)))
}

/// `DELETE /api/v3/openOrders` (TRADE, weight 1): cancels every open order
/// of `symbol`, order lists included (reported once each); -2011
/// "Unknown order sent." if there is none.
pub async fn cancel_open_orders(
    State(state): State<Arc<SimState>>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
    body: String,
) -> Response {
    reply(
        ORDER_WEIGHT,
        cancel_all_body(&state, &headers, q.as_deref(), &body),
    )
}

fn cancel_all_body(
    state: &SimState,
    headers: &HeaderMap,
    q: Option<&str>,
    body: &str,
) -> Result<Json<Vec<CancelAllItem>>, ApiError> {
    let p = signed(state, headers, q, body, &["symbol"])?;
    let m = lookup(state, &p.symbol()?)?;
    let (items, now) = state.desk(m, |d| d.cancel_all().map(|items| (items, d.now)))?;
    let id = cancel_id(state, &p);
    let answer = items
        .iter()
        .map(|c| match c {
            Cancelled::Order(o) => CancelAllItem::Order(CancelReport::new(o, &id, now)),
            Cancelled::List(list, legs) => CancelAllItem::List(ListReport::new(
                list,
                legs.iter()
                    .map(|o| CancelReport::new(o, &id, now))
                    .collect(),
            )),
        })
        .collect();
    Ok(Json(answer))
}

/// One entry of `GET /api/v3/rateLimit/order`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
#[allow(missing_docs)]
pub struct OrderCountUsage {
    pub rate_limit_type: &'static str,
    pub interval: &'static str,
    pub interval_num: u32,
    pub limit: u32,
    pub count: u32,
}

/// `GET /api/v3/rateLimit/order` (USER_DATA, weight 40): the unfilled
/// order count of each `ORDERS` window.
pub async fn order_rate_limit(
    State(state): State<Arc<SimState>>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    let result = signed(&state, &headers, q.as_deref(), "", &[]).map(|_| {
        let (ten, day) = state.order_counts();
        let (limit_10s, limit_1d) = state.order_limits();
        let usage = |interval, interval_num, limit, count| OrderCountUsage {
            rate_limit_type: "ORDERS",
            interval,
            interval_num,
            limit,
            count,
        };
        Json(vec![
            usage("SECOND", 10, limit_10s, ten),
            usage("DAY", 1, limit_1d, day),
        ])
    });
    reply(RATE_LIMIT_WEIGHT, result)
}
