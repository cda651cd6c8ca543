//! Spot USER_DATA endpoints: `account`, `account/commission`, `myTrades`,
//! `openOrders`, `allOrders` and `GET order`.

use std::sync::Arc;

use axum::extract::{RawQuery, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::Json;
use serde::Serialize;

use super::{limit_param, lookup, reply, signed, time_range};
use crate::account::{Balance, CommissionRates, MyTrade, Order};
use crate::error::ApiError;
use crate::num::fmt8;
use crate::state::SimState;

/// `account` weight.
const ACCOUNT_WEIGHT: u32 = 20;
/// `myTrades`, `allOrders` and `account/commission` weight.
const HISTORY_WEIGHT: u32 = 20;
/// `GET order` weight.
const ORDER_WEIGHT: u32 = 4;

/// Rates as eight-decimal strings.
#[derive(Debug, Serialize)]
#[allow(missing_docs)]
pub struct RatesWire {
    pub maker: String,
    pub taker: String,
    pub buyer: String,
    pub seller: String,
}

impl From<CommissionRates> for RatesWire {
    fn from(r: CommissionRates) -> Self {
        RatesWire {
            maker: fmt8(r.maker),
            taker: fmt8(r.taker),
            buyer: fmt8(r.buyer),
            seller: fmt8(r.seller),
        }
    }
}

/// `GET /api/v3/account`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
#[allow(missing_docs)]
pub struct AccountInfo {
    pub maker_commission: i64,
    pub taker_commission: i64,
    pub buyer_commission: i64,
    pub seller_commission: i64,
    pub commission_rates: RatesWire,
    pub can_trade: bool,
    pub can_withdraw: bool,
    pub can_deposit: bool,
    pub brokered: bool,
    pub require_self_trade_prevention: bool,
    pub prevent_sor: bool,
    pub update_time: i64,
    pub account_type: &'static str,
    pub balances: Vec<Balance>,
    pub permissions: Vec<&'static str>,
    pub uid: u64,
}

/// Basis points of a fractional rate (0.001 → 10), as `makerCommission`.
fn bps(rate: rust_decimal::Decimal) -> i64 {
    (rate * rust_decimal::Decimal::from(10_000))
        .trunc()
        .try_into()
        .unwrap_or(0)
}

/// `GET /api/v3/account?omitZeroBalances=` (weight 20).
pub async fn account(
    State(state): State<Arc<SimState>>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    reply(ACCOUNT_WEIGHT, account_body(&state, &headers, q.as_deref()))
}

fn account_body(
    state: &SimState,
    headers: &HeaderMap,
    q: Option<&str>,
) -> Result<Json<AccountInfo>, ApiError> {
    let p = signed(state, headers, q, "", &["omitZeroBalances"])?;
    let omit = match p.get("omitZeroBalances") {
        None | Some("false") => false,
        Some("true") => true,
        Some(_) => return Err(ApiError::illegal_chars("omitZeroBalances", "true, false")),
    };
    let (commission, update_time, uid, balances) = state.with_account(|a| {
        let balances: Vec<Balance> = a
            .balances
            .iter()
            .filter(|b| !(omit && b.free.is_zero() && b.locked.is_zero()))
            .cloned()
            .collect();
        (a.commission, a.update_time, a.uid, balances)
    });
    let c = commission;
    Ok(Json(AccountInfo {
        maker_commission: bps(c.maker),
        taker_commission: bps(c.taker),
        buyer_commission: bps(c.buyer),
        seller_commission: bps(c.seller),
        commission_rates: c.into(),
        can_trade: true,
        can_withdraw: true,
        can_deposit: true,
        brokered: false,
        require_self_trade_prevention: false,
        prevent_sor: false,
        update_time,
        account_type: "SPOT",
        balances,
        permissions: vec!["SPOT"],
        uid,
    }))
}

/// `GET /api/v3/account/commission`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
#[allow(missing_docs)]
pub struct CommissionWire {
    pub symbol: String,
    pub standard_commission: RatesWire,
    pub special_commission: RatesWire,
    pub tax_commission: RatesWire,
    pub discount: Discount,
}

/// The BNB-burn discount block of `account/commission`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
#[allow(missing_docs)]
pub struct Discount {
    pub enabled_for_account: bool,
    pub enabled_for_symbol: bool,
    pub discount_asset: &'static str,
    pub discount: String,
}

/// `GET /api/v3/account/commission?symbol=` (weight 20).
pub async fn commission(
    State(state): State<Arc<SimState>>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    reply(
        HISTORY_WEIGHT,
        commission_body(&state, &headers, q.as_deref()),
    )
}

fn commission_body(
    state: &SimState,
    headers: &HeaderMap,
    q: Option<&str>,
) -> Result<Json<CommissionWire>, ApiError> {
    let p = signed(state, headers, q, "", &["symbol"])?;
    let m = lookup(state, &p.symbol()?)?;
    let zero = CommissionRates {
        maker: 0.into(),
        taker: 0.into(),
        buyer: 0.into(),
        seller: 0.into(),
    };
    Ok(Json(CommissionWire {
        symbol: m.symbol.clone(),
        standard_commission: state.with_account(|a| a.commission).into(),
        special_commission: zero.into(),
        tax_commission: zero.into(),
        discount: bnb_discount(),
    }))
}

/// The account's BNB-burn discount (also in `order/test`'s commission
/// rates).
pub fn bnb_discount() -> Discount {
    Discount {
        enabled_for_account: true,
        enabled_for_symbol: true,
        discount_asset: "BNB",
        discount: fmt8(rust_decimal::Decimal::new(75, 2)),
    }
}

/// `GET /api/v3/myTrades` (weight 20): `symbol`, `orderId`, `startTime`,
/// `endTime`, `fromId`, `limit` (500, max 1000). Oldest first; without
/// `fromId` or a time the most recent `limit` trades.
pub async fn my_trades(
    State(state): State<Arc<SimState>>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    reply(
        HISTORY_WEIGHT,
        my_trades_body(&state, &headers, q.as_deref()),
    )
}

fn my_trades_body(
    state: &SimState,
    headers: &HeaderMap,
    q: Option<&str>,
) -> Result<Json<Vec<MyTrade>>, ApiError> {
    let p = signed(
        state,
        headers,
        q,
        "",
        &[
            "symbol",
            "orderId",
            "startTime",
            "endTime",
            "fromId",
            "limit",
        ],
    )?;
    let m = lookup(state, &p.symbol()?)?;
    let order_id = p.opt_u64("orderId")?;
    let from_id = p.opt_u64("fromId")?;
    let (start, end) = time_range(&p)?;
    let limit = limit_param(&p, 500, 1000)?;
    let trades: Vec<MyTrade> = state.with_account(|a| {
        a.trades
            .iter()
            .filter(|t| t.symbol == m.symbol)
            .filter(|t| order_id.is_none_or(|id| t.order_id == id))
            .filter(|t| from_id.is_none_or(|id| t.id >= id))
            .filter(|t| start.is_none_or(|s| t.time >= s) && end.is_none_or(|e| t.time <= e))
            .cloned()
            .collect()
    });
    Ok(Json(window(
        trades,
        limit,
        from_id.is_some() || start.is_some(),
    )))
}

/// The first `limit` items when paging forward, else the last `limit`.
fn window<T>(mut items: Vec<T>, limit: usize, forward: bool) -> Vec<T> {
    if forward {
        items.truncate(limit);
        items
    } else {
        let skip = items.len().saturating_sub(limit);
        items.split_off(skip)
    }
}

/// `GET /api/v3/openOrders` (weight 6 with `symbol`, 80 without).
pub async fn open_orders(
    State(state): State<Arc<SimState>>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    let weight = if q
        .as_deref()
        .unwrap_or("")
        .split('&')
        .any(|p| p.starts_with("symbol="))
    {
        6
    } else {
        80
    };
    reply(weight, open_orders_body(&state, &headers, q.as_deref()))
}

fn open_orders_body(
    state: &SimState,
    headers: &HeaderMap,
    q: Option<&str>,
) -> Result<Json<Vec<Order>>, ApiError> {
    let p = signed(state, headers, q, "", &["symbol"])?;
    let symbol = match p.opt_symbol()? {
        Some(s) => Some(lookup(state, &s)?.symbol.clone()),
        None => None,
    };
    let orders = state.with_account(|a| {
        a.orders
            .iter()
            .filter(|o| o.status.is_open() && symbol.as_ref().is_none_or(|s| &o.symbol == s))
            .cloned()
            .collect()
    });
    Ok(Json(orders))
}

/// `GET /api/v3/allOrders` (weight 20): `symbol`, `orderId` (from this id
/// on), `startTime`, `endTime`, `limit` (500, max 1000).
pub async fn all_orders(
    State(state): State<Arc<SimState>>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    reply(
        HISTORY_WEIGHT,
        all_orders_body(&state, &headers, q.as_deref()),
    )
}

fn all_orders_body(
    state: &SimState,
    headers: &HeaderMap,
    q: Option<&str>,
) -> Result<Json<Vec<Order>>, ApiError> {
    let p = signed(
        state,
        headers,
        q,
        "",
        &["symbol", "orderId", "startTime", "endTime", "limit"],
    )?;
    let m = lookup(state, &p.symbol()?)?;
    let from = p.opt_u64("orderId")?;
    let (start, end) = time_range(&p)?;
    let limit = limit_param(&p, 500, 1000)?;
    let mut orders: Vec<Order> = state.with_account(|a| {
        a.orders
            .iter()
            .filter(|o| o.symbol == m.symbol)
            .filter(|o| from.is_none_or(|id| o.order_id >= id))
            .filter(|o| start.is_none_or(|s| o.time >= s) && end.is_none_or(|e| o.time <= e))
            .cloned()
            .collect()
    });
    orders.sort_by_key(|o| o.order_id);
    Ok(Json(window(
        orders,
        limit,
        from.is_some() || start.is_some(),
    )))
}

/// `orderId` / `origClientOrderId`: at least one is mandatory.
pub fn order_ref(p: &crate::params::Params) -> Result<(Option<u64>, Option<String>), ApiError> {
    let id = p.opt_u64("orderId")?;
    let client = p
        .get("origClientOrderId")
        .filter(|c| !c.is_empty())
        .map(str::to_string);
    if id.is_none() && client.is_none() {
        return Err(ApiError::bad_request(
            -1102,
            "Param 'origClientOrderId' or 'orderId' must be sent, but both were empty/null!",
        ));
    }
    Ok((id, client))
}

/// `GET /api/v3/order` (weight 4): -2013 "Order does not exist." if unknown.
pub async fn get_order(
    State(state): State<Arc<SimState>>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    reply(ORDER_WEIGHT, get_order_body(&state, &headers, q.as_deref()))
}

fn get_order_body(
    state: &SimState,
    headers: &HeaderMap,
    q: Option<&str>,
) -> Result<Json<Order>, ApiError> {
    let p = signed(
        state,
        headers,
        q,
        "",
        &["symbol", "orderId", "origClientOrderId"],
    )?;
    let m = lookup(state, &p.symbol()?)?;
    let (id, client) = order_ref(&p)?;
    let account = state.lock_account();
    account
        .find(&m.symbol, id, client.as_deref())
        .cloned()
        .map(Json)
        .ok_or_else(|| ApiError::bad_request(-2013, "Order does not exist."))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basis_points_and_windows() {
        assert_eq!(bps(rust_decimal::Decimal::new(1, 3)), 10);
        assert_eq!(window(vec![1, 2, 3], 2, false), vec![2, 3]);
        assert_eq!(window(vec![1, 2, 3], 2, true), vec![1, 2]);
    }
}
