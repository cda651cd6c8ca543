//! USD-M futures endpoints on the same server: `/fapi/v1/ping`, `time`,
//! `exchangeInfo`, `depth`, `ticker/price`.
//!
//! Every spot market is also listed as a USDⓈ-M perpetual. Futures bodies
//! print decimals in each symbol's own precision ("65000.10", not padded to
//! eight places), as fapi does, and weights follow the futures tables.
//! `depth` serves the symbol's futures book, which the `/public` depth
//! streams move ([`crate::stream::usdm`]), not the spot book.

use std::sync::Arc;

use axum::extract::{RawQuery, State};
use axum::response::Response;
use axum::Json;
use serde::Serialize;

use super::general::Empty;
use super::{lookup, reply, OneOrMany};
use crate::error::ApiError;
use crate::exchange_info::RateLimit;
use crate::market::Market;
use crate::num::{fmt_dp, precision_of};
use crate::params::Params;
use crate::state::{now_ms, SimState};
use crate::weight::{futures_depth_weight, FUTURES_WEIGHT_LIMIT_1M};
use crate::wire::{FuturesDepth, FuturesPriceTicker, ServerTime};

/// The depth limits fapi accepts; anything else is -1100.
const DEPTH_LIMITS: [u64; 7] = [5, 10, 20, 50, 100, 500, 1000];
/// fapi's default depth limit.
const DEPTH_DEFAULT: u64 = 500;

/// `GET /fapi/v1/ping` → `{}` (weight 1).
pub async fn ping(RawQuery(q): RawQuery) -> Response {
    let result = Params::parse(q.as_deref())
        .and_then(|p| p.allow(&[]))
        .map(|()| Json(Empty {}));
    reply(1, result)
}

/// `GET /fapi/v1/time` (weight 1).
pub async fn time(State(state): State<Arc<SimState>>, RawQuery(q): RawQuery) -> Response {
    let result = Params::parse(q.as_deref())
        .and_then(|p| p.allow(&[]))
        .map(|()| {
            Json(ServerTime {
                server_time: state.server_time_ms(),
            })
        });
    reply(1, result)
}

/// `GET /fapi/v1/depth?symbol=&limit=`; weight 2/5/10/20 by limit.
pub async fn depth(State(state): State<Arc<SimState>>, RawQuery(q): RawQuery) -> Response {
    let mut weight = futures_depth_weight(DEPTH_DEFAULT);
    let result = depth_body(&state, q.as_deref(), &mut weight);
    reply(weight, result)
}

fn depth_body(
    state: &SimState,
    q: Option<&str>,
    weight: &mut u32,
) -> Result<Json<FuturesDepth>, ApiError> {
    let p = Params::parse(q)?;
    let symbol = p.symbol()?;
    p.allow(&["symbol", "limit"])?;
    let limit = p.opt_u64("limit")?.unwrap_or(DEPTH_DEFAULT);
    if !DEPTH_LIMITS.contains(&limit) {
        return Err(ApiError::illegal_chars(
            "limit",
            "5, 10, 20, 50, 100, 500, 1000",
        ));
    }
    *weight = futures_depth_weight(limit);
    let m = lookup(state, &symbol)?;
    // The live futures book (the one the `/public` depth streams describe),
    // read under the lock its publisher holds.
    Ok(Json(state.with_futures_market(m, |m| {
        FuturesDepth::new(m, limit as usize, now_ms())
    })))
}

/// `GET /fapi/v1/ticker/price[?symbol=]`; weight 1 for one symbol, 2 for
/// all.
pub async fn ticker_price(State(state): State<Arc<SimState>>, RawQuery(q): RawQuery) -> Response {
    let p = match Params::parse(q.as_deref()) {
        Ok(p) => p,
        Err(e) => return reply::<Json<()>>(2, Err(e)),
    };
    let weight = if p.get("symbol").is_some() { 1 } else { 2 };
    let result = p.allow(&["symbol"]).and_then(|()| match p.opt_symbol()? {
        Some(s) => Ok(OneOrMany::One(FuturesPriceTicker::from(lookup(
            &state, &s,
        )?))),
        None => Ok(OneOrMany::Many(
            state
                .markets()
                .iter()
                .map(FuturesPriceTicker::from)
                .collect(),
        )),
    });
    reply(weight, result.map(Json))
}

/// `GET /fapi/v1/exchangeInfo` (weight 1).
pub async fn exchange_info(State(state): State<Arc<SimState>>, RawQuery(q): RawQuery) -> Response {
    let result = Params::parse(q.as_deref())
        .and_then(|p| p.allow(&[]))
        .map(|()| Json(FuturesExchangeInfo::new(&state)));
    reply(1, result)
}

/// The fapi exchangeInfo body. Fields are Binance's fields of the same
/// (camelCased) name.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
#[allow(missing_docs)]
pub struct FuturesExchangeInfo {
    pub timezone: &'static str,
    pub server_time: i64,
    pub futures_type: &'static str,
    pub rate_limits: Vec<RateLimit>,
    pub exchange_filters: Vec<()>,
    pub assets: Vec<FuturesAsset>,
    pub symbols: Vec<FuturesSymbol>,
}

/// A margin asset of the futures exchange.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
#[allow(missing_docs)]
pub struct FuturesAsset {
    pub asset: String,
    pub margin_available: bool,
    pub auto_asset_exchange: Option<String>,
}

/// One perpetual contract. Fields are Binance's fields of the same name.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
#[allow(missing_docs)]
pub struct FuturesSymbol {
    pub symbol: String,
    pub pair: String,
    pub contract_type: &'static str,
    pub delivery_date: i64,
    pub onboard_date: i64,
    pub status: &'static str,
    pub maint_margin_percent: &'static str,
    pub required_margin_percent: &'static str,
    pub base_asset: String,
    pub quote_asset: String,
    pub margin_asset: String,
    pub price_precision: u32,
    pub quantity_precision: u32,
    pub base_asset_precision: u32,
    pub quote_precision: u32,
    pub underlying_type: &'static str,
    pub underlying_sub_type: Vec<String>,
    pub trigger_protect: &'static str,
    pub liquidation_fee: &'static str,
    pub market_take_bound: &'static str,
    pub max_move_order_limit: u32,
    pub filters: Vec<FuturesFilter>,
    pub order_types: [&'static str; 7],
    pub time_in_force: [&'static str; 5],
}

/// A futures symbol filter, tagged by `filterType`.
#[derive(Debug, Serialize)]
#[serde(tag = "filterType")]
#[allow(missing_docs)]
pub enum FuturesFilter {
    /// Price bounds and tick.
    #[serde(rename = "PRICE_FILTER", rename_all = "camelCase")]
    PriceFilter {
        min_price: String,
        max_price: String,
        tick_size: String,
    },
    /// Quantity bounds and step.
    #[serde(rename = "LOT_SIZE", rename_all = "camelCase")]
    LotSize {
        min_qty: String,
        max_qty: String,
        step_size: String,
    },
    /// Quantity bounds for market orders.
    #[serde(rename = "MARKET_LOT_SIZE", rename_all = "camelCase")]
    MarketLotSize {
        min_qty: String,
        max_qty: String,
        step_size: String,
    },
    /// Maximum open orders.
    #[serde(rename = "MAX_NUM_ORDERS")]
    MaxNumOrders { limit: u32 },
    /// Minimum notional.
    #[serde(rename = "MIN_NOTIONAL")]
    MinNotional { notional: String },
}

/// A decimal in its shortest form ("0.01", "1000000"), as fapi prints
/// filter values.
fn plain(d: rust_decimal::Decimal) -> String {
    d.normalize().to_string()
}

impl FuturesSymbol {
    fn new(m: &Market) -> FuturesSymbol {
        FuturesSymbol {
            symbol: m.symbol.clone(),
            pair: m.symbol.clone(),
            contract_type: "PERPETUAL",
            delivery_date: 4_133_404_800_000,
            onboard_date: 1_569_398_400_000,
            // fapi has no BREAK status; a halted contract is SETTLING.
            status: if m.is_trading() {
                "TRADING"
            } else {
                "SETTLING"
            },
            maint_margin_percent: "2.5000",
            required_margin_percent: "5.0000",
            base_asset: m.base_asset.clone(),
            quote_asset: m.quote_asset.clone(),
            margin_asset: m.quote_asset.clone(),
            price_precision: precision_of(m.tick_size),
            quantity_precision: precision_of(m.step_size),
            base_asset_precision: m.base_asset_precision,
            quote_precision: m.quote_precision,
            underlying_type: "COIN",
            underlying_sub_type: Vec::new(),
            trigger_protect: "0.0500",
            liquidation_fee: "0.012500",
            market_take_bound: "0.05",
            max_move_order_limit: 10_000,
            filters: vec![
                FuturesFilter::PriceFilter {
                    min_price: plain(m.min_price),
                    max_price: plain(m.max_price),
                    tick_size: plain(m.tick_size),
                },
                FuturesFilter::LotSize {
                    min_qty: plain(m.min_qty),
                    max_qty: plain(m.max_qty),
                    step_size: plain(m.step_size),
                },
                FuturesFilter::MarketLotSize {
                    min_qty: plain(m.min_qty),
                    max_qty: plain(m.market_max_qty),
                    step_size: plain(m.step_size),
                },
                FuturesFilter::MaxNumOrders { limit: 200 },
                FuturesFilter::MinNotional {
                    notional: fmt_dp(m.min_notional, precision_of(m.min_notional)),
                },
            ],
            order_types: [
                "LIMIT",
                "MARKET",
                "STOP",
                "STOP_MARKET",
                "TAKE_PROFIT",
                "TAKE_PROFIT_MARKET",
                "TRAILING_STOP_MARKET",
            ],
            time_in_force: ["GTC", "IOC", "FOK", "GTX", "GTD"],
        }
    }
}

impl FuturesExchangeInfo {
    fn new(state: &SimState) -> FuturesExchangeInfo {
        let rl = |rate_limit_type, interval, interval_num, limit| RateLimit {
            rate_limit_type,
            interval,
            interval_num,
            limit,
        };
        let mut assets: Vec<String> = state
            .markets()
            .iter()
            .map(|m| m.quote_asset.clone())
            .collect();
        assets.sort();
        assets.dedup();
        let (orders_10s, orders_1m) =
            state.futures(|f, _| (f.order_count.limit_10s, f.order_count.limit_long));
        FuturesExchangeInfo {
            timezone: "UTC",
            server_time: state.server_time_ms(),
            futures_type: "U_MARGINED",
            rate_limits: vec![
                rl("REQUEST_WEIGHT", "MINUTE", 1, FUTURES_WEIGHT_LIMIT_1M),
                rl("ORDERS", "MINUTE", 1, orders_1m),
                rl("ORDERS", "SECOND", 10, orders_10s),
            ],
            exchange_filters: Vec::new(),
            assets: assets
                .into_iter()
                .map(|asset| FuturesAsset {
                    asset,
                    margin_available: true,
                    auto_asset_exchange: None,
                })
                .collect(),
            symbols: state.markets().iter().map(FuturesSymbol::new).collect(),
        }
    }
}
