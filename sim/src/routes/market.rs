//! Spot market-data endpoints: `depth`, `trades`, `klines`, `avgPrice`.
//!
//! `depth`, `trades` and `avgPrice` serve the live market (as trading and
//! `SimState::set_price` left it); klines follow the generated price path.

use std::sync::Arc;

use axum::extract::{RawQuery, State};
use axum::response::Response;
use axum::Json;

use super::{lookup, reply};
use crate::error::ApiError;
use crate::interval::Interval;
use crate::params::Params;
use crate::state::{now_ms, SimState};
use crate::weight::spot_depth_weight;
use crate::wire::{kline_wire, AvgPrice, Depth, KlineWire, TradeWire};

/// `depth` default and maximum levels per side; larger limits are
/// truncated to the maximum, as documented by Binance.
const DEPTH_DEFAULT: u64 = 100;
const DEPTH_MAX: u64 = 5000;
/// `trades` default and maximum.
const TRADES_DEFAULT: u64 = 500;
const TRADES_MAX: u64 = 1000;
/// `klines` default and maximum.
const KLINES_DEFAULT: u64 = 500;
const KLINES_MAX: u64 = 1000;

/// Weights: `trades` 25, `klines` 2, `avgPrice` 2 (Binance's current values).
const TRADES_WEIGHT: u32 = 25;
const KLINES_WEIGHT: u32 = 2;
const AVG_PRICE_WEIGHT: u32 = 2;

/// Reads `limit`: default when absent, clamped to `max`, and -1100 for 0
/// (Binance accepts 1 to `max`).
fn limit(p: &Params, default: u64, max: u64) -> Result<u64, ApiError> {
    match p.opt_u64("limit")? {
        None => Ok(default),
        Some(0) => Err(ApiError::illegal_chars("limit", &format!("1 - {max}"))),
        Some(n) => Ok(n.min(max)),
    }
}

/// `GET /api/v3/depth?symbol=&limit=`; weight 5/25/50/250 by limit.
pub async fn depth(State(state): State<Arc<SimState>>, RawQuery(q): RawQuery) -> Response {
    let mut weight = spot_depth_weight(DEPTH_DEFAULT);
    let result = depth_body(&state, q.as_deref(), &mut weight);
    reply(weight, result)
}

fn depth_body(
    state: &SimState,
    q: Option<&str>,
    weight: &mut u32,
) -> Result<Json<Depth>, ApiError> {
    let p = Params::parse(q)?;
    let symbol = p.symbol()?;
    p.allow(&["symbol", "limit"])?;
    if let Some(n) = p.opt_u64("limit")? {
        *weight = spot_depth_weight(n);
    }
    let limit = limit(&p, DEPTH_DEFAULT, DEPTH_MAX)?;
    let m = lookup(state, &symbol)?;
    Ok(Json(
        state.with_market(m, |m| Depth::spot(m, limit as usize)),
    ))
}

/// `GET /api/v3/trades?symbol=&limit=`: the newest `limit` trades, oldest
/// first.
pub async fn trades(State(state): State<Arc<SimState>>, RawQuery(q): RawQuery) -> Response {
    reply(TRADES_WEIGHT, trades_body(&state, q.as_deref()))
}

fn trades_body(state: &SimState, q: Option<&str>) -> Result<Json<Vec<TradeWire>>, ApiError> {
    let p = Params::parse(q)?;
    let symbol = p.symbol()?;
    p.allow(&["symbol", "limit"])?;
    let limit = limit(&p, TRADES_DEFAULT, TRADES_MAX)? as usize;
    let m = lookup(state, &symbol)?;
    Ok(Json(state.with_market(m, |m| {
        let skip = m.trades.len().saturating_sub(limit);
        m.trades[skip..].iter().map(TradeWire::from).collect()
    })))
}

/// `GET /api/v3/klines?symbol=&interval=&startTime=&endTime=&limit=`.
pub async fn klines(State(state): State<Arc<SimState>>, RawQuery(q): RawQuery) -> Response {
    reply(KLINES_WEIGHT, klines_body(&state, q.as_deref()))
}

fn klines_body(state: &SimState, q: Option<&str>) -> Result<Json<Vec<KlineWire>>, ApiError> {
    let p = Params::parse(q)?;
    let symbol = p.symbol()?;
    let interval = match p.get("interval") {
        None | Some("") => return Err(ApiError::mandatory("interval")),
        Some(s) => s
            .parse::<Interval>()
            .map_err(|_| ApiError::invalid_interval())?,
    };
    p.allow(&["symbol", "interval", "startTime", "endTime", "limit"])?;
    let start = p.opt_time("startTime")?;
    let end = p.opt_time("endTime")?;
    let limit = limit(&p, KLINES_DEFAULT, KLINES_MAX)? as usize;
    let m = lookup(state, &symbol)?;
    let klines = m.klines(interval, start, end, limit, now_ms());
    Ok(Json(klines.iter().map(kline_wire).collect()))
}

/// `GET /api/v3/avgPrice?symbol=` → `{"mins":5,"price":…,"closeTime":…}`.
pub async fn avg_price(State(state): State<Arc<SimState>>, RawQuery(q): RawQuery) -> Response {
    reply(AVG_PRICE_WEIGHT, avg_price_body(&state, q.as_deref()))
}

fn avg_price_body(state: &SimState, q: Option<&str>) -> Result<Json<AvgPrice>, ApiError> {
    let p = Params::parse(q)?;
    let symbol = p.symbol()?;
    p.allow(&["symbol"])?;
    let m = lookup(state, &symbol)?;
    Ok(Json(state.with_market(m, |m| AvgPrice {
        mins: m.avg_price_mins,
        price: crate::num::fmt8(m.avg_price),
        close_time: m.avg_price_close_time,
    })))
}
