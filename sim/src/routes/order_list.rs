//! Order-list (OCO) endpoints: `POST /api/v3/orderList/oco`,
//! `DELETE /api/v3/orderList`, `GET /api/v3/orderList`,
//! `GET /api/v3/openOrderList` and `GET /api/v3/allOrderList`.
//!
//! Placement runs the checks of a single order on each leg (filters, with
//! the OCO counting as two orders towards MAX_NUM_ORDERS and the order
//! rate limits) and then the OCO's own ([`crate::engine::oco`]). Without
//! `newOrderRespType` the `orderReports` are in RESULT form (Binance's
//! documented example; the legs rest, so FULL would only add empty
//! `fills`).

use std::sync::Arc;

use axum::extract::{RawQuery, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::Json;

use super::reports::{CancelReport, ListReport, NewOrderReport};
use super::trade::{trading, with_order_counts};
use super::{limit_param, lookup, reply, signed, time_range};
use crate::account::OrderList;
use crate::engine::filters::{self, open_counts};
use crate::engine::oco::parse_oco;
use crate::engine::request::RespType;
use crate::error::ApiError;
use crate::params::Params;
use crate::state::SimState;

/// Weights: placing and cancelling 1, `orderList` 4, `openOrderList` 6,
/// `allOrderList` 20.
const TRADE_WEIGHT: u32 = 1;
const LIST_WEIGHT: u32 = 4;
const OPEN_LISTS_WEIGHT: u32 = 6;
const ALL_LISTS_WEIGHT: u32 = 20;

/// The parameters `POST /api/v3/orderList/oco` reads.
const OCO_PARAMS: [&str; 20] = [
    "symbol",
    "listClientOrderId",
    "side",
    "quantity",
    "aboveType",
    "aboveClientOrderId",
    "aboveIcebergQty",
    "abovePrice",
    "aboveStopPrice",
    "aboveTrailingDelta",
    "aboveTimeInForce",
    "belowType",
    "belowClientOrderId",
    "belowIcebergQty",
    "belowPrice",
    "belowStopPrice",
    "belowTrailingDelta",
    "belowTimeInForce",
    "newOrderRespType",
    "selfTradePreventionMode",
];

/// `POST /api/v3/orderList/oco` (TRADE, weight 1).
pub async fn new_oco(
    State(state): State<Arc<SimState>>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
    body: String,
) -> Response {
    let mut authenticated = false;
    let result = oco_body(&state, &headers, q.as_deref(), &body, &mut authenticated);
    let response = reply(TRADE_WEIGHT, result);
    if authenticated {
        with_order_counts(&state, response)
    } else {
        response
    }
}

fn oco_body(
    state: &SimState,
    headers: &HeaderMap,
    q: Option<&str>,
    body: &str,
    authenticated: &mut bool,
) -> Result<Json<ListReport<NewOrderReport>>, ApiError> {
    let p = signed(state, headers, q, body, &OCO_PARAMS)?;
    *authenticated = true;
    let m = lookup(state, &p.symbol()?)?;
    let (spec, resp) = parse_oco(&p)?;
    trading(m)?;
    let (list, legs, now) = state.desk(m, |d| {
        d.account.counter.check(d.now, 2)?;
        let (all, algo) = open_counts(&d.account.snap, &m.symbol);
        let avg = d.market.avg_price;
        filters::check(d.market, &spec.above, avg, (all, algo))?;
        let algo_after = algo + usize::from(spec.above.order_type.is_stop());
        filters::check(d.market, &spec.below, avg, (all + 1, algo_after))?;
        d.place_oco(&spec).map(|(list, legs)| (list, legs, d.now))
    })?;
    state.stats_cell().update(|s| s.orders_created += 2);
    let resp = resp.unwrap_or(RespType::Result);
    let reports = legs
        .iter()
        .map(|o| NewOrderReport::new(o, &[], resp, now))
        .collect();
    Ok(Json(ListReport::new(&list, reports)))
}

/// `orderListId` / a list client id parameter: one is mandatory.
fn list_ref(p: &Params, client_param: &str) -> Result<(Option<i64>, Option<String>), ApiError> {
    let id = p
        .opt_u64("orderListId")?
        .map(|id| i64::try_from(id).unwrap_or(i64::MAX));
    let client = p
        .get(client_param)
        .filter(|c| !c.is_empty())
        .map(str::to_string);
    if id.is_none() && client.is_none() {
        return Err(crate::engine::request::one_of("orderListId", client_param));
    }
    Ok((id, client))
}

/// `DELETE /api/v3/orderList` (TRADE, weight 1): cancels an active list
/// by `orderListId` (precedence) or `listClientOrderId`.
pub async fn cancel_list(
    State(state): State<Arc<SimState>>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
    body: String,
) -> Response {
    reply(
        TRADE_WEIGHT,
        cancel_list_body(&state, &headers, q.as_deref(), &body),
    )
}

fn cancel_list_body(
    state: &SimState,
    headers: &HeaderMap,
    q: Option<&str>,
    body: &str,
) -> Result<Json<ListReport<CancelReport>>, ApiError> {
    let p = signed(
        state,
        headers,
        q,
        body,
        &[
            "symbol",
            "orderListId",
            "listClientOrderId",
            "newClientOrderId",
        ],
    )?;
    let m = lookup(state, &p.symbol()?)?;
    let (id, client) = list_ref(&p, "listClientOrderId")?;
    let (list, legs, now) = state.desk(m, |d| {
        d.cancel_list(id, client.as_deref())
            .map(|(list, legs)| (list, legs, d.now))
    })?;
    let cancel_id = match p.get("newClientOrderId").filter(|c| !c.is_empty()) {
        Some(c) => c.to_string(),
        None => state.lock_account().next_client_id(),
    };
    let reports = legs
        .iter()
        .map(|o| CancelReport::new(o, &cancel_id, now))
        .collect();
    Ok(Json(ListReport::new(&list, reports)))
}

/// `GET /api/v3/orderList` (weight 4): by `orderListId` or
/// `origClientOrderId`; -2013 "Order list does not exist.".
pub async fn get_list(
    State(state): State<Arc<SimState>>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    let result = signed(
        &state,
        &headers,
        q.as_deref(),
        "",
        &["orderListId", "origClientOrderId"],
    )
    .and_then(|p| {
        let (id, client) = list_ref(&p, "origClientOrderId")?;
        state.with_account(|a| {
            a.order_lists
                .iter()
                .find(|l| match id {
                    Some(id) => l.order_list_id == id,
                    None => client.as_deref() == Some(l.list_client_order_id.as_str()),
                })
                .cloned()
                .map(Json)
                .ok_or_else(|| ApiError::bad_request(-2013, "Order list does not exist."))
        })
    });
    reply(LIST_WEIGHT, result)
}

/// `GET /api/v3/openOrderList` (weight 6): the active lists.
pub async fn open_lists(
    State(state): State<Arc<SimState>>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    let result = signed(&state, &headers, q.as_deref(), "", &[]).map(|_| {
        Json(state.with_account(|a| {
            a.order_lists
                .iter()
                .filter(|l| l.is_active())
                .cloned()
                .collect::<Vec<OrderList>>()
        }))
    });
    reply(OPEN_LISTS_WEIGHT, result)
}

/// `GET /api/v3/allOrderList` (weight 20): `fromId`, `startTime`,
/// `endTime` (at most 24 h apart), `limit` (500, max 1000); oldest first.
pub async fn all_lists(
    State(state): State<Arc<SimState>>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    let result = signed(
        &state,
        &headers,
        q.as_deref(),
        "",
        &["fromId", "startTime", "endTime", "limit"],
    )
    .and_then(|p| {
        let from = p.opt_u64("fromId")?;
        let (start, end) = time_range(&p)?;
        let limit = limit_param(&p, 500, 1000)?;
        Ok(Json(state.with_account(|a| {
            a.order_lists
                .iter()
                .filter(|l| from.is_none_or(|id| l.order_list_id >= id as i64))
                .filter(|l| start.is_none_or(|s| l.transaction_time >= s))
                .filter(|l| end.is_none_or(|e| l.transaction_time <= e))
                .take(limit)
                .cloned()
                .collect::<Vec<OrderList>>()
        })))
    });
    reply(ALL_LISTS_WEIGHT, result)
}
