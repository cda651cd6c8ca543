//! Public USD-M futures funding endpoints: `GET /fapi/v1/premiumIndex`
//! (mark price and funding, weight 1) and `GET /fapi/v1/fundingRate`
//! (funding-rate history, weight 1).
//!
//! The mark, index and estimated settle prices are all the simulator's
//! mark price ([`crate::futures`]); `lastFundingRate` is the symbol's
//! seeded rate and `nextFundingTime` the next 8-hour boundary.

use std::sync::Arc;

use axum::extract::{RawQuery, State};
use axum::response::Response;
use axum::Json;

use super::{limit_param, lookup, reply, OneOrMany};
use crate::error::ApiError;
use crate::futures::account::FundingRecord;
use crate::futures::funding::{current_rate, seeded_history};
use crate::futures::wire::{FundingRateWire, PremiumIndex};
use crate::market::Market;
use crate::params::Params;
use crate::state::SimState;

/// Weight of both endpoints.
const WEIGHT: u32 = 1;

/// `GET /fapi/v1/premiumIndex[?symbol=]`: one object, or an array of
/// every symbol.
pub async fn premium_index(State(state): State<Arc<SimState>>, RawQuery(q): RawQuery) -> Response {
    reply(WEIGHT, premium_body(&state, q.as_deref()).map(Json))
}

fn premium_body(state: &SimState, q: Option<&str>) -> Result<OneOrMany<PremiumIndex>, ApiError> {
    let p = Params::parse(q)?;
    p.allow(&["symbol"])?;
    let seed = state.seed();
    let index = |m: &Market| {
        state.futures(|f, now| {
            let mark = f.sym_or_default(m).mark;
            PremiumIndex::new(&m.symbol, mark, current_rate(seed, &m.symbol), now)
        })
    };
    match p.opt_symbol()? {
        Some(s) => Ok(OneOrMany::One(index(lookup(state, &s)?))),
        None => Ok(OneOrMany::Many(state.markets().iter().map(index).collect())),
    }
}

/// `GET /fapi/v1/fundingRate?symbol=&startTime=&endTime=&limit=` (limit
/// default 100, max 1000): oldest first; from `startTime` when sent,
/// otherwise the most recent records.
pub async fn funding_rate(State(state): State<Arc<SimState>>, RawQuery(q): RawQuery) -> Response {
    reply(WEIGHT, funding_body(&state, q.as_deref()).map(Json))
}

fn funding_body(state: &SimState, q: Option<&str>) -> Result<Vec<FundingRateWire>, ApiError> {
    let p = Params::parse(q)?;
    p.allow(&["symbol", "startTime", "endTime", "limit"])?;
    let limit = limit_param(&p, 100, 1000)?;
    let (start, end) = (p.opt_time("startTime")?, p.opt_time("endTime")?);
    let markets: Vec<&Market> = match p.opt_symbol()? {
        Some(s) => vec![lookup(state, &s)?],
        None => state.markets().iter().collect(),
    };
    let mut records: Vec<FundingRecord> = markets
        .iter()
        .flat_map(|m| seeded_history(state.seed(), state.anchor_ms(), m))
        .collect();
    state.futures(|f, _| {
        records.extend(
            f.funding
                .iter()
                .filter(|r| markets.iter().any(|m| m.symbol == r.symbol))
                .cloned(),
        );
    });
    records.retain(|r| start.is_none_or(|s| r.time >= s) && end.is_none_or(|e| r.time <= e));
    records.sort_by_key(|r| r.time);
    let skip = if start.is_some() {
        0
    } else {
        records.len().saturating_sub(limit)
    };
    Ok(records
        .iter()
        .skip(skip)
        .take(limit)
        .map(FundingRateWire::from)
        .collect())
}
