//! HTTP handlers, one module per endpoint family, plus the helpers they
//! share for symbol lookup and symbol/symbols selection.
//!
//! Every handler returns a [`Weighted`](crate::weight::Weighted) response so
//! the weight middleware can charge it, including on errors: Binance charges
//! a rejected request too.

pub mod account;
pub mod futures;
pub mod futures_account;
pub mod futures_funding;
pub mod futures_trade;
pub mod general;
pub mod market;
pub mod order_list;
pub mod reports;
pub mod ticker;
pub mod trade;
pub mod wallet;

use crate::error::ApiError;
use crate::market::Market;
use crate::params::Params;
use crate::state::SimState;

/// Looks up a listed symbol; -1121 if it is not listed.
pub fn lookup<'a>(state: &'a SimState, symbol: &str) -> Result<&'a Market, ApiError> {
    state.market(symbol).ok_or_else(ApiError::invalid_symbol)
}

/// Which markets a `symbol` / `symbols` / neither request selects.
#[derive(Debug)]
pub enum Selection<'a> {
    /// `symbol=X`: answered with a single object.
    One(&'a Market),
    /// `symbols=[...]`: answered with an array, in the order asked.
    Many(Vec<&'a Market>),
    /// Neither parameter: an array of every market.
    All(Vec<&'a Market>),
}

impl<'a> Selection<'a> {
    /// Reads `symbol` / `symbols` from `params`: -1128 if both are sent,
    /// -1100 for malformed names, -1121 for unlisted ones.
    pub fn from_params(params: &Params, state: &'a SimState) -> Result<Self, ApiError> {
        let symbol = params.opt_symbol()?;
        let symbols = params.opt_symbols()?;
        match (symbol, symbols) {
            (Some(_), Some(_)) => Err(ApiError::symbol_and_symbols()),
            (Some(s), None) => Ok(Selection::One(lookup(state, &s)?)),
            (None, Some(list)) => list
                .iter()
                .map(|s| lookup(state, s))
                .collect::<Result<Vec<_>, _>>()
                .map(Selection::Many),
            (None, None) => Ok(Selection::All(state.markets().iter().collect())),
        }
    }

    /// How many symbols the request names, if it names any (for weights).
    pub fn requested(params: &Params) -> Option<usize> {
        if params.get("symbol").is_some() {
            Some(1)
        } else {
            params.get("symbols").map(|s| s.split(',').count())
        }
    }
}

/// A single object or an array, serialised without any wrapper.
#[derive(Debug, serde::Serialize)]
#[serde(untagged)]
pub enum OneOrMany<T> {
    /// Answer to `symbol=X`.
    One(T),
    /// Answer to `symbols=[...]` or to no symbol at all.
    Many(Vec<T>),
}

impl Selection<'_> {
    /// Renders each selected market with `f`: an object for `One`, an
    /// array otherwise.
    pub fn render<T>(self, f: impl Fn(&Market) -> T) -> OneOrMany<T> {
        match self {
            Selection::One(m) => OneOrMany::One(f(m)),
            Selection::Many(ms) | Selection::All(ms) => {
                OneOrMany::Many(ms.into_iter().map(f).collect())
            }
        }
    }
}

/// Wraps a handler outcome with its weight for the weight middleware.
pub fn reply<T: axum::response::IntoResponse>(
    weight: u32,
    result: Result<T, ApiError>,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    crate::weight::Weighted(weight, result).into_response()
}

/// Authenticates a signed request ([`crate::auth`]) and rejects parameters
/// outside `allowed` plus `timestamp`, `recvWindow` and `signature` (-1104).
pub fn signed(
    state: &SimState,
    headers: &axum::http::HeaderMap,
    query: Option<&str>,
    body: &str,
    allowed: &[&str],
) -> Result<Params, ApiError> {
    let p = state
        .keys()
        .authenticate(headers, query, body, state.server_time_ms())?;
    let all: Vec<&str> = allowed
        .iter()
        .chain(crate::auth::SIGNED_PARAMS.iter())
        .copied()
        .collect();
    p.allow(&all)?;
    Ok(p)
}

/// Reads `limit` between 1 and `max` (default `default`); -1100 otherwise.
pub fn limit_param(p: &Params, default: u64, max: u64) -> Result<usize, ApiError> {
    match p.opt_u64("limit")? {
        None => Ok(default as usize),
        Some(n) if (1..=max).contains(&n) => Ok(n as usize),
        Some(_) => Err(ApiError::illegal_chars("limit", &format!("1 - {max}"))),
    }
}

/// `startTime`/`endTime`: -1127 if both are sent more than 24 h apart.
pub fn time_range(p: &Params) -> Result<(Option<i64>, Option<i64>), ApiError> {
    let (start, end) = (p.opt_time("startTime")?, p.opt_time("endTime")?);
    if let (Some(s), Some(e)) = (start, end) {
        if e - s > crate::market::DAY_MS {
            return Err(ApiError::bad_request(
                -1127,
                "More than 24 hours between startTime and endTime.",
            ));
        }
    }
    Ok((start, end))
}
