//! Signed USD-M futures reads (USER_DATA): `GET /fapi/v3/account`,
//! `/fapi/v2/positionRisk`, `/fapi/v1/openOrders`, `/fapi/v1/order`,
//! `/fapi/v1/income`, `/fapi/v1/forceOrders`, `/fapi/v1/openAlgoOrders`
//! and `/fapi/v1/algoOrder`, signed like spot ([`super::signed`]) and
//! charged to the futures weight window.
//!
//! `positionRisk` without `symbol` lists every symbol with a position or
//! a non-default leverage / margin type (Binance lists every symbol).

use std::sync::Arc;

use axum::extract::{RawQuery, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::Json;

use super::account::order_ref;
use super::{limit_param, lookup, reply, signed};
use crate::engine::request::one_of;
use crate::error::ApiError;
use crate::futures::account::IncomeType;
use crate::futures::wire::{AccountWire, AlgoWire, IncomeWire, OrderWire, PositionRisk};
use crate::futures::{invalid_data, no_such_order};
use crate::market::DAY_MS;
use crate::params::Params;
use crate::state::SimState;

/// Whether the raw query or body sends `name`.
pub fn sent(q: Option<&str>, body: &str, name: &str) -> bool {
    q.unwrap_or("")
        .split('&')
        .chain(body.split('&'))
        .any(|kv| kv.split('=').next() == Some(name))
}

/// `GET /fapi/v3/account` (weight 5).
pub async fn account(
    State(state): State<Arc<SimState>>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    let result = signed(&state, &headers, q.as_deref(), "", &[]).map(|_| {
        state.futures(|f, _| {
            let positions: Vec<_> = f
                .symbols
                .iter()
                .filter(|(_, s)| !s.position_amt.is_zero())
                .collect();
            Json(AccountWire::new(&f.totals(), &positions, f.update_time))
        })
    });
    reply(5, result)
}

/// `GET /fapi/v2/positionRisk[?symbol=]` (weight 5).
pub async fn position_risk(
    State(state): State<Arc<SimState>>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    reply(5, position_body(&state, &headers, q.as_deref()).map(Json))
}

fn position_body(
    state: &SimState,
    headers: &HeaderMap,
    q: Option<&str>,
) -> Result<Vec<PositionRisk>, ApiError> {
    let p = signed(state, headers, q, "", &["symbol"])?;
    match p.opt_symbol()? {
        Some(s) => {
            let m = lookup(state, &s)?;
            Ok(vec![state.futures(|f, _| {
                PositionRisk::new(&m.symbol, &f.sym_or_default(m))
            })])
        }
        None => Ok(state.futures(|f, _| {
            f.symbols
                .iter()
                .filter(|(_, s)| !s.position_amt.is_zero() || s.non_default())
                .map(|(symbol, s)| PositionRisk::new(symbol, s))
                .collect()
        })),
    }
}

/// `GET /fapi/v1/openOrders[?symbol=]` (weight 1 with a symbol, 40
/// without).
pub async fn open_orders(
    State(state): State<Arc<SimState>>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    let weight = if sent(q.as_deref(), "", "symbol") {
        1
    } else {
        40
    };
    let result = signed(&state, &headers, q.as_deref(), "", &["symbol"]).and_then(|p| {
        let symbol = p.opt_symbol()?;
        if let Some(s) = &symbol {
            lookup(&state, s)?;
        }
        Ok(Json(state.futures(|f, _| {
            f.orders
                .iter()
                .filter(|o| o.is_open() && symbol.as_ref().is_none_or(|s| &o.symbol == s))
                .map(OrderWire::from)
                .collect::<Vec<_>>()
        })))
    });
    reply(weight, result)
}

/// `GET /fapi/v1/order?symbol=&orderId=|origClientOrderId=` (weight 1):
/// the order in any status; -2013 "Order does not exist." if unknown.
pub async fn get_order(
    State(state): State<Arc<SimState>>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    let result = signed(
        &state,
        &headers,
        q.as_deref(),
        "",
        &["symbol", "orderId", "origClientOrderId"],
    )
    .and_then(|p| {
        let m = lookup(&state, &p.symbol()?)?;
        let (id, client) = order_ref(&p)?;
        state.futures(|f, _| {
            f.find_order(&m.symbol, id, client.as_deref())
                .map(|i| Json(OrderWire::from(&f.orders[i])))
                .ok_or_else(no_such_order)
        })
    });
    reply(1, result)
}

/// Every `incomeType` fapi knows; the simulator produces four of them.
const INCOME_TYPES: [&str; 14] = [
    "TRANSFER",
    "WELCOME_BONUS",
    "REALIZED_PNL",
    "FUNDING_FEE",
    "COMMISSION",
    "INSURANCE_CLEAR",
    "REFERRAL_KICKBACK",
    "COMMISSION_REBATE",
    "API_REBATE",
    "CONTEST_REWARD",
    "CROSS_COLLATERAL_TRANSFER",
    "INTERNAL_TRANSFER",
    "AUTO_EXCHANGE",
    "FEE_RETURN",
];

/// The `[start, end]` window of a history read: as sent, else the 7 days
/// before `endTime` (or now).
fn window(p: &Params, now: i64) -> Result<(i64, i64), ApiError> {
    let (start, end) = (p.opt_time("startTime")?, p.opt_time("endTime")?);
    Ok(match (start, end) {
        (Some(s), Some(e)) => (s, e),
        (Some(s), None) => (s, i64::MAX),
        (None, Some(e)) => (e - 7 * DAY_MS, e),
        (None, None) => (now - 7 * DAY_MS, now),
    })
}

/// `GET /fapi/v1/income` (weight 30): oldest first in the window (the
/// last 7 days by default), `limit` default 100 / max 1000, `page` from 1.
pub async fn income(
    State(state): State<Arc<SimState>>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    reply(30, income_body(&state, &headers, q.as_deref()).map(Json))
}

fn income_body(
    state: &SimState,
    headers: &HeaderMap,
    q: Option<&str>,
) -> Result<Vec<IncomeWire>, ApiError> {
    let p = signed(
        state,
        headers,
        q,
        "",
        &[
            "symbol",
            "incomeType",
            "startTime",
            "endTime",
            "page",
            "limit",
        ],
    )?;
    let symbol = p.opt_symbol()?;
    if let Some(s) = &symbol {
        lookup(state, s)?;
    }
    let kind = match p.get("incomeType") {
        None | Some("") => None,
        Some(t) if INCOME_TYPES.contains(&t) => Some(IncomeType::parse(t)),
        Some(_) => return Err(invalid_data("incomeType")),
    };
    let limit = limit_param(&p, 100, 1000)?;
    let page = p.opt_u64("page")?.unwrap_or(1).max(1) as usize;
    state.futures(|f, now| {
        let (start, end) = window(&p, now)?;
        Ok(f.income
            .iter()
            .filter(|i| {
                (start..=end).contains(&i.time)
                    && symbol.as_ref().is_none_or(|s| &i.symbol == s)
                    && kind.is_none_or(|k| Some(i.income_type) == k)
            })
            .skip((page - 1) * limit)
            .take(limit)
            .map(IncomeWire::from)
            .collect())
    })
}

/// `GET /fapi/v1/forceOrders` (weight 20 with a symbol, 50 without):
/// the seeded liquidation / ADL orders, oldest first; `limit` default
/// 50, max 100.
pub async fn force_orders(
    State(state): State<Arc<SimState>>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    let weight = if sent(q.as_deref(), "", "symbol") {
        20
    } else {
        50
    };
    reply(weight, force_body(&state, &headers, q.as_deref()).map(Json))
}

fn force_body(
    state: &SimState,
    headers: &HeaderMap,
    q: Option<&str>,
) -> Result<Vec<OrderWire>, ApiError> {
    let p = signed(
        state,
        headers,
        q,
        "",
        &["symbol", "autoCloseType", "startTime", "endTime", "limit"],
    )?;
    let symbol = p.opt_symbol()?;
    if let Some(s) = &symbol {
        lookup(state, s)?;
    }
    let kind = match p.get("autoCloseType") {
        None | Some("") => None,
        Some(t @ ("LIQUIDATION" | "ADL")) => Some(t),
        Some(_) => return Err(invalid_data("autoCloseType")),
    };
    let limit = limit_param(&p, 50, 100)?;
    state.futures(|f, now| {
        let (start, end) = window(&p, now)?;
        Ok(f.force_orders
            .iter()
            .filter(|o| {
                (start..=end).contains(&o.order.time)
                    && symbol.as_ref().is_none_or(|s| &o.order.symbol == s)
                    && kind.is_none_or(|k| o.auto_close_type == k)
            })
            .take(limit)
            .map(|o| OrderWire::from(&o.order))
            .collect())
    })
}

/// `GET /fapi/v1/openAlgoOrders[?symbol=&algoType=&algoId=]` (weight 1
/// with a symbol, 40 without): conditional orders waiting (NEW).
pub async fn open_algo_orders(
    State(state): State<Arc<SimState>>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    let weight = if sent(q.as_deref(), "", "symbol") {
        1
    } else {
        40
    };
    let result = signed(
        &state,
        &headers,
        q.as_deref(),
        "",
        &["symbol", "algoType", "algoId"],
    )
    .and_then(|p| {
        let symbol = p.opt_symbol()?;
        if let Some(s) = &symbol {
            lookup(&state, s)?;
        }
        match p.get("algoType") {
            None | Some("CONDITIONAL") => {}
            Some(_) => return Err(invalid_data("algoType")),
        }
        let id = p.opt_u64("algoId")?;
        Ok(Json(state.futures(|f, _| {
            f.algos
                .iter()
                .filter(|a| {
                    a.is_open()
                        && symbol.as_ref().is_none_or(|s| &a.symbol == s)
                        && id.is_none_or(|i| a.algo_id == i)
                })
                .map(AlgoWire::from)
                .collect::<Vec<_>>()
        })))
    });
    reply(weight, result)
}

/// The `algoId` / `clientAlgoId` of a request (also spelled `algoid` /
/// `clientalgoid`, as the cancel documentation does); -1102 if neither.
pub fn algo_ref(p: &Params) -> Result<(Option<u64>, Option<String>), ApiError> {
    let id = match p.opt_u64("algoId")? {
        Some(i) => Some(i),
        None => p.opt_u64("algoid")?,
    };
    let client = p
        .get("clientAlgoId")
        .or(p.get("clientalgoid"))
        .filter(|c| !c.is_empty())
        .map(str::to_string);
    if id.is_none() && client.is_none() {
        return Err(one_of("algoId", "clientAlgoId"));
    }
    Ok((id, client))
}

/// The parameters naming one conditional order.
pub const ALGO_REF_PARAMS: [&str; 4] = ["algoId", "clientAlgoId", "algoid", "clientalgoid"];

/// `GET /fapi/v1/algoOrder?algoId=|clientAlgoId=` (weight 1); -2013 if
/// unknown.
pub async fn get_algo_order(
    State(state): State<Arc<SimState>>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    let result = signed(&state, &headers, q.as_deref(), "", &ALGO_REF_PARAMS).and_then(|p| {
        let (id, client) = algo_ref(&p)?;
        state.futures(|f, _| {
            f.find_algo(id, client.as_deref())
                .map(|i| Json(AlgoWire::from(&f.algos[i])))
                .ok_or_else(no_such_order)
        })
    });
    reply(1, result)
}
