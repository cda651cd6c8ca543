//! Wallet (`/sapi`) USER_DATA reads: account snapshots, deposit and
//! withdrawal history, universal-transfer history and deposit addresses.
//! There are no endpoints that move funds, and never will be.

use std::sync::Arc;

use axum::extract::{RawQuery, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::Json;
use serde::Serialize;

use super::{reply, signed};
use crate::account::{
    ser8, Balance, Deposit, DepositAddress, FuturesDailySnapshot, MarginDailySnapshot, Transfer,
    Withdrawal,
};
use crate::error::ApiError;
use crate::params::Params;
use crate::state::SimState;

/// `offset`/`limit` paging (limit default and max 1000).
fn page<T>(items: Vec<T>, p: &Params) -> Result<Vec<T>, ApiError> {
    let offset = p.opt_u64("offset")?.unwrap_or(0) as usize;
    let limit = p.opt_u64("limit")?.unwrap_or(1000).clamp(1, 1000) as usize;
    Ok(items.into_iter().skip(offset).take(limit).collect())
}

fn in_range(t: i64, start: Option<i64>, end: Option<i64>) -> bool {
    start.is_none_or(|s| t >= s) && end.is_none_or(|e| t <= e)
}

/// One day of `accountSnapshot`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
#[allow(missing_docs)]
pub struct SnapshotVo {
    /// "spot", "margin" or "futures".
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub update_time: i64,
    pub data: SnapshotData,
}

/// The `data` of one snapshot day, in the shape of its type.
#[derive(Debug, Serialize)]
#[serde(untagged)]
pub enum SnapshotData {
    /// `{"balances":[...],"totalAssetOfBtc":"..."}`.
    Spot(SpotSnapshotData),
    /// `{"marginLevel","totalAssetOfBtc","totalLiabilityOfBtc","totalNetAssetOfBtc","userAssets"}`.
    Margin(MarginDailySnapshot),
    /// `{"assets":[...],"position":[...]}`.
    Futures(FuturesDailySnapshot),
}

/// The `data` of a SPOT snapshot.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
#[allow(missing_docs)]
pub struct SpotSnapshotData {
    pub balances: Vec<Balance>,
    #[serde(serialize_with = "ser8")]
    pub total_asset_of_btc: rust_decimal::Decimal,
}

/// `GET /sapi/v1/accountSnapshot` body.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
#[allow(missing_docs)]
pub struct SnapshotResponse {
    pub code: i32,
    pub msg: &'static str,
    pub snapshot_vos: Vec<SnapshotVo>,
}

/// `GET /sapi/v1/accountSnapshot?type=SPOT|MARGIN|FUTURES` (weight 2400):
/// `startTime`, `endTime`, `limit` 7–30 (default 7; outside the range it is
/// clamped). Each type answers its own days in Binance's shape for it.
pub async fn account_snapshot(
    State(state): State<Arc<SimState>>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    reply(2400, snapshot_body(&state, &headers, q.as_deref()))
}

fn snapshot_body(
    state: &SimState,
    headers: &HeaderMap,
    q: Option<&str>,
) -> Result<Json<SnapshotResponse>, ApiError> {
    let p = signed(
        state,
        headers,
        q,
        "",
        &["type", "startTime", "endTime", "limit"],
    )?;
    let kind = match p.get("type") {
        None | Some("") => return Err(ApiError::mandatory("type")),
        Some(k @ ("SPOT" | "MARGIN" | "FUTURES")) => k.to_string(),
        Some(_) => return Err(ApiError::illegal_chars("type", "SPOT, MARGIN, FUTURES")),
    };
    let (start, end) = (p.opt_time("startTime")?, p.opt_time("endTime")?);
    let limit = p.opt_u64("limit")?.unwrap_or(7).clamp(7, 30) as usize;
    let account = state.account();
    let all: Vec<SnapshotVo> = match kind.as_str() {
        "SPOT" => account
            .snapshots
            .into_iter()
            .map(|s| SnapshotVo {
                kind: "spot",
                update_time: s.update_time,
                data: SnapshotData::Spot(SpotSnapshotData {
                    balances: s.balances,
                    total_asset_of_btc: s.total_asset_of_btc,
                }),
            })
            .collect(),
        "MARGIN" => account
            .margin_snapshots
            .into_iter()
            .map(|s| SnapshotVo {
                kind: "margin",
                update_time: s.update_time,
                data: SnapshotData::Margin(s),
            })
            .collect(),
        _ => account
            .futures_snapshots
            .into_iter()
            .map(|s| SnapshotVo {
                kind: "futures",
                update_time: s.update_time,
                data: SnapshotData::Futures(s),
            })
            .collect(),
    };
    let days: Vec<SnapshotVo> = all
        .into_iter()
        .filter(|s| in_range(s.update_time, start, end))
        .collect();
    let skip = days.len().saturating_sub(limit);
    Ok(Json(SnapshotResponse {
        code: 200,
        msg: "",
        snapshot_vos: days.into_iter().skip(skip).collect(),
    }))
}

/// `GET /sapi/v1/capital/deposit/hisrec` (weight 1): `coin`, `status`,
/// `startTime`, `endTime`, `offset`, `limit` (1000), `txId`. Newest first.
pub async fn deposit_history(
    State(state): State<Arc<SimState>>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    reply(1, deposit_body(&state, &headers, q.as_deref()))
}

fn deposit_body(
    state: &SimState,
    headers: &HeaderMap,
    q: Option<&str>,
) -> Result<Json<Vec<Deposit>>, ApiError> {
    let p = signed(
        state,
        headers,
        q,
        "",
        &[
            "coin",
            "status",
            "startTime",
            "endTime",
            "offset",
            "limit",
            "txId",
            "includeSource",
        ],
    )?;
    let status = p.opt_u64("status")?;
    let (start, end) = (p.opt_time("startTime")?, p.opt_time("endTime")?);
    let rows = state.with_account(|a| {
        a.deposits
            .iter()
            .filter(|d| p.get("coin").is_none_or(|c| d.coin == c))
            .filter(|d| p.get("txId").is_none_or(|t| d.tx_id == t))
            .filter(|d| status.is_none_or(|s| u64::from(d.status) == s))
            .filter(|d| in_range(d.insert_time, start, end))
            .cloned()
            .collect()
    });
    Ok(Json(page(rows, &p)?))
}

/// `GET /sapi/v1/capital/withdraw/history` (UID weight 18000): `coin`,
/// `withdrawOrderId`, `status`, `offset`, `limit`, `idList`, `startTime`,
/// `endTime`. Newest first.
pub async fn withdraw_history(
    State(state): State<Arc<SimState>>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    reply(18_000, withdraw_body(&state, &headers, q.as_deref()))
}

fn withdraw_body(
    state: &SimState,
    headers: &HeaderMap,
    q: Option<&str>,
) -> Result<Json<Vec<Withdrawal>>, ApiError> {
    let p = signed(
        state,
        headers,
        q,
        "",
        &[
            "coin",
            "withdrawOrderId",
            "status",
            "offset",
            "limit",
            "idList",
            "startTime",
            "endTime",
        ],
    )?;
    let status = p.opt_u64("status")?;
    let (start, end) = (p.opt_time("startTime")?, p.opt_time("endTime")?);
    let ids: Option<Vec<&str>> = p.get("idList").map(|l| l.split(',').collect());
    let rows = state.with_account(|a| {
        a.withdrawals
            .iter()
            .filter(|w| p.get("coin").is_none_or(|c| w.coin == c))
            .filter(|w| {
                p.get("withdrawOrderId")
                    .is_none_or(|id| w.withdraw_order_id.as_deref() == Some(id))
            })
            .filter(|w| ids.as_ref().is_none_or(|l| l.contains(&w.id.as_str())))
            .filter(|w| status.is_none_or(|s| u64::from(w.status) == s))
            .filter(|w| in_range(w.apply_time_ms, start, end))
            .cloned()
            .collect()
    });
    Ok(Json(page(rows, &p)?))
}

/// `GET /sapi/v1/asset/transfer` body; `rows` is left out when empty.
#[derive(Debug, Serialize)]
pub struct TransferPage {
    /// Matching rows before paging.
    pub total: usize,
    /// The requested page.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub rows: Vec<Transfer>,
}

/// `GET /sapi/v1/asset/transfer?type=` (weight 1): `startTime`, `endTime`,
/// `current` (page, from 1), `size` (10, max 100), `fromSymbol`, `toSymbol`.
pub async fn transfer_history(
    State(state): State<Arc<SimState>>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    reply(1, transfer_body(&state, &headers, q.as_deref()))
}

fn transfer_body(
    state: &SimState,
    headers: &HeaderMap,
    q: Option<&str>,
) -> Result<Json<TransferPage>, ApiError> {
    let p = signed(
        state,
        headers,
        q,
        "",
        &[
            "type",
            "startTime",
            "endTime",
            "current",
            "size",
            "fromSymbol",
            "toSymbol",
        ],
    )?;
    let kind = match p.get("type") {
        None | Some("") => return Err(ApiError::mandatory("type")),
        Some(k) => k.to_string(),
    };
    let (start, end) = (p.opt_time("startTime")?, p.opt_time("endTime")?);
    let current = p.opt_u64("current")?.unwrap_or(1).max(1) as usize;
    let size = p.opt_u64("size")?.unwrap_or(10).clamp(1, 100) as usize;
    let rows: Vec<Transfer> = state.with_account(|a| {
        a.transfers
            .iter()
            .filter(|t| t.transfer_type == kind && in_range(t.timestamp, start, end))
            .cloned()
            .collect()
    });
    let total = rows.len();
    let rows = rows
        .into_iter()
        .skip((current - 1) * size)
        .take(size)
        .collect();
    Ok(Json(TransferPage { total, rows }))
}

/// `GET /sapi/v1/capital/deposit/address?coin=&network=` (weight 10).
pub async fn deposit_address(
    State(state): State<Arc<SimState>>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    reply(10, address_body(&state, &headers, q.as_deref()))
}

fn address_body(
    state: &SimState,
    headers: &HeaderMap,
    q: Option<&str>,
) -> Result<Json<DepositAddress>, ApiError> {
    let p = signed(state, headers, q, "", &["coin", "network", "amount"])?;
    let coin = match p.get("coin") {
        None | Some("") => return Err(ApiError::mandatory("coin")),
        Some(c) => c,
    };
    state
        .account()
        .deposit_addresses
        .into_iter()
        .find(|a| a.coin == coin && p.get("network").is_none_or(|n| a.network == n))
        .map(Json)
        .ok_or_else(|| {
            ApiError::bad_request(-4018, "The network or coin is not supported for deposit.")
        })
}
