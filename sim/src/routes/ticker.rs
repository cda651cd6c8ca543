//! Spot tickers: `ticker/24hr`, `ticker/price`, `ticker/bookTicker`, each
//! answering `symbol` with an object and `symbols` / nothing with an array,
//! from the live markets (as trading and `SimState::set_price` left them).

use std::sync::Arc;

use axum::extract::{RawQuery, State};
use axum::response::Response;
use axum::Json;

use super::{reply, OneOrMany, Selection};
use crate::error::ApiError;
use crate::params::Params;
use crate::state::SimState;
use crate::weight::ticker_24hr_weight;
use crate::wire::{BookTicker, PriceTicker, TickerFull, TickerMini};

/// Weight of `ticker/price` and `ticker/bookTicker`: 2 for one symbol,
/// 4 for a list or for all.
fn light_ticker_weight(p: &Params) -> u32 {
    if p.get("symbol").is_some() {
        2
    } else {
        4
    }
}

/// The FULL or MINI form of a 24 h ticker.
#[derive(Debug, serde::Serialize)]
#[serde(untagged)]
pub enum Ticker24hWire {
    /// `type=FULL` (the default).
    Full(Box<TickerFull>),
    /// `type=MINI`.
    Mini(TickerMini),
}

/// `GET /api/v3/ticker/24hr`; weight 2 / 2–80 by symbol count / 80.
pub async fn ticker_24hr(State(state): State<Arc<SimState>>, RawQuery(q): RawQuery) -> Response {
    let p = match Params::parse(q.as_deref()) {
        Ok(p) => p,
        Err(e) => return reply::<Json<()>>(ticker_24hr_weight(None), Err(e)),
    };
    let weight = ticker_24hr_weight(Selection::requested(&p));
    reply(weight, ticker_24hr_body(&state, &p))
}

fn ticker_24hr_body(
    state: &SimState,
    p: &Params,
) -> Result<Json<OneOrMany<Ticker24hWire>>, ApiError> {
    p.allow(&["symbol", "symbols", "type"])?;
    let mini = match p.get("type") {
        None | Some("FULL") => false,
        Some("MINI") => true,
        Some(_) => return Err(ApiError::invalid_ticker_type()),
    };
    let sel = Selection::from_params(p, state)?;
    Ok(Json(sel.render(|m| {
        state.with_market(m, |m| {
            if mini {
                Ticker24hWire::Mini(TickerMini::from(m))
            } else {
                Ticker24hWire::Full(Box::new(TickerFull::from(m)))
            }
        })
    })))
}

/// `GET /api/v3/ticker/price`.
pub async fn ticker_price(State(state): State<Arc<SimState>>, RawQuery(q): RawQuery) -> Response {
    simple_ticker(&state, q.as_deref(), |m| PriceTicker::from(m))
}

/// `GET /api/v3/ticker/bookTicker`.
pub async fn book_ticker(State(state): State<Arc<SimState>>, RawQuery(q): RawQuery) -> Response {
    simple_ticker(&state, q.as_deref(), |m| BookTicker::from(m))
}

fn simple_ticker<T: serde::Serialize>(
    state: &SimState,
    q: Option<&str>,
    f: impl Fn(&crate::Market) -> T,
) -> Response {
    let p = match Params::parse(q) {
        Ok(p) => p,
        Err(e) => return reply::<Json<()>>(4, Err(e)),
    };
    let result = p
        .allow(&["symbol", "symbols"])
        .and_then(|()| Selection::from_params(&p, state))
        .map(|sel| Json(sel.render(|m| state.with_market(m, &f))));
    reply(light_ticker_weight(&p), result)
}
