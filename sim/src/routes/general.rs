//! Spot general endpoints: `ping`, `time`, `exchangeInfo`.

use std::sync::Arc;

use axum::extract::{RawQuery, State};
use axum::response::Response;
use axum::Json;

use super::{reply, Selection};
use crate::error::ApiError;
use crate::exchange_info::{spot_rate_limits, ExchangeInfo, SymbolInfo};
use crate::params::Params;
use crate::state::SimState;
use crate::wire::ServerTime;

/// Weight of `ping` and `time`.
const LIGHT_WEIGHT: u32 = 1;
/// Weight of `exchangeInfo`, whatever the selection.
const EXCHANGE_INFO_WEIGHT: u32 = 20;

/// An empty JSON object, the body of `ping`.
#[derive(serde::Serialize)]
pub struct Empty {}

/// `GET /api/v3/ping` → `{}`.
pub async fn ping(RawQuery(q): RawQuery) -> Response {
    let result = Params::parse(q.as_deref())
        .and_then(|p| p.allow(&[]))
        .map(|()| Json(Empty {}));
    reply(LIGHT_WEIGHT, result)
}

/// `GET /api/v3/time` → `{"serverTime":…}`.
pub async fn time(State(state): State<Arc<SimState>>, RawQuery(q): RawQuery) -> Response {
    let result = Params::parse(q.as_deref())
        .and_then(|p| p.allow(&[]))
        .map(|()| {
            Json(ServerTime {
                server_time: state.server_time_ms(),
            })
        });
    reply(LIGHT_WEIGHT, result)
}

/// `GET /api/v3/exchangeInfo` with no parameter, `symbol` or `symbols`;
/// `symbolStatus` (TRADING, HALT, BREAK; not with `symbol`/`symbols`) filters,
/// `showPermissionSets=false` leaves `permissionSets` empty.
pub async fn exchange_info(State(state): State<Arc<SimState>>, RawQuery(q): RawQuery) -> Response {
    reply(
        EXCHANGE_INFO_WEIGHT,
        exchange_info_body(&state, q.as_deref()),
    )
}

fn exchange_info_body(state: &SimState, q: Option<&str>) -> Result<Json<ExchangeInfo>, ApiError> {
    let p = Params::parse(q)?;
    p.allow(&["symbol", "symbols", "symbolStatus", "showPermissionSets"])?;
    let status = p.get("symbolStatus");
    if let Some(s) = status {
        if !["TRADING", "HALT", "BREAK"].contains(&s) {
            return Err(ApiError::bad_request(-1100, format!("Illegal characters found in parameter 'symbolStatus'; legal range is 'TRADING, HALT, BREAK'. Value: {s}")));
        }
        if p.get("symbol").is_some() || p.get("symbols").is_some() {
            return Err(ApiError::bad_request(
                -1128,
                "Combination of optional parameters invalid.",
            ));
        }
    }
    let show_permission_sets = match p.get("showPermissionSets") {
        None | Some("true") => true,
        Some("false") => false,
        Some(other) => {
            return Err(ApiError::bad_request(-1100, format!("Illegal characters found in parameter 'showPermissionSets'; legal range is 'true, false'. Value: {other}")))
        }
    };
    let mut symbols: Vec<SymbolInfo> = match Selection::from_params(&p, state)? {
        Selection::One(m) => vec![SymbolInfo::from(m)],
        Selection::Many(ms) | Selection::All(ms) => ms.into_iter().map(SymbolInfo::from).collect(),
    };
    if let Some(s) = status {
        symbols.retain(|info| info.status == s);
    }
    if !show_permission_sets {
        for info in &mut symbols {
            info.permission_sets.clear();
        }
    }
    Ok(Json(ExchangeInfo {
        timezone: "UTC",
        server_time: state.server_time_ms(),
        rate_limits: {
            let (per_10s, per_day) = state.order_limits();
            spot_rate_limits(per_10s, per_day)
        },
        exchange_filters: Vec::new(),
        symbols,
    }))
}
