//! `GET /api/v3/exchangeInfo`: rate limits, symbol rules and filters.
//!
//! The shape follows the current Binance spot response, including the
//! filters clients actually validate against (PRICE_FILTER, LOT_SIZE,
//! MARKET_LOT_SIZE, NOTIONAL, PERCENT_PRICE_BY_SIDE) and the rate limits the
//! simulator claims to enforce.

use rust_decimal::Decimal;
use serde::Serialize;

use crate::market::{Market, AVG_PRICE_MINS};
use crate::num::fmt8;
use crate::weight::SPOT_WEIGHT_LIMIT_1M;

/// The whole exchangeInfo body.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ExchangeInfo {
    /// Always "UTC".
    pub timezone: &'static str,
    /// Server clock, ms.
    pub server_time: i64,
    /// The advertised rate limits.
    pub rate_limits: Vec<RateLimit>,
    /// Exchange-wide filters (none).
    pub exchange_filters: Vec<Filter>,
    /// The requested symbols.
    pub symbols: Vec<SymbolInfo>,
}

/// One entry of `rateLimits`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RateLimit {
    /// REQUEST_WEIGHT, ORDERS or RAW_REQUESTS.
    pub rate_limit_type: &'static str,
    /// SECOND, MINUTE or DAY.
    pub interval: &'static str,
    /// How many `interval`s the window spans.
    pub interval_num: u32,
    /// The limit within the window.
    pub limit: u32,
}

/// PERCENT_PRICE_BY_SIDE's bid and ask `multiplierUp` (published as "5").
pub const PERCENT_PRICE_UP: Decimal = Decimal::from_parts(5, 0, 0, false, 0);

/// PERCENT_PRICE_BY_SIDE's bid and ask `multiplierDown` (published as "0.2").
pub const PERCENT_PRICE_DOWN: Decimal = Decimal::from_parts(2, 0, 0, false, 1);

/// MAX_NUM_ORDERS: open orders per symbol.
pub const MAX_NUM_ORDERS: usize = 200;

/// MAX_NUM_ALGO_ORDERS: open STOP_LOSS / TAKE_PROFIT (limit or not)
/// orders per symbol.
pub const MAX_NUM_ALGO_ORDERS: usize = 5;

/// Binance spot's current rate limits: 6000 weight a minute, 61 000 raw
/// requests per 5 minutes, and the account's order limits (by default 50
/// per 10 s and 160 000 per day; see `SimState::set_order_limits`).
pub fn spot_rate_limits(orders_10s: u32, orders_1d: u32) -> Vec<RateLimit> {
    let rl = |rate_limit_type, interval, interval_num, limit| RateLimit {
        rate_limit_type,
        interval,
        interval_num,
        limit,
    };
    vec![
        rl("REQUEST_WEIGHT", "MINUTE", 1, SPOT_WEIGHT_LIMIT_1M),
        rl("ORDERS", "SECOND", 10, orders_10s),
        rl("ORDERS", "DAY", 1, orders_1d),
        rl("RAW_REQUESTS", "MINUTE", 5, 61_000),
    ]
}

/// A symbol filter, tagged by `filterType` as on the wire.
#[derive(Debug, Serialize)]
#[serde(tag = "filterType")]
#[allow(missing_docs)]
pub enum Filter {
    /// Price bounds and tick.
    #[serde(rename = "PRICE_FILTER", rename_all = "camelCase")]
    PriceFilter {
        min_price: String,
        max_price: String,
        tick_size: String,
    },
    /// Quantity bounds and step for limit orders.
    #[serde(rename = "LOT_SIZE", rename_all = "camelCase")]
    LotSize {
        min_qty: String,
        max_qty: String,
        step_size: String,
    },
    /// Maximum iceberg parts.
    #[serde(rename = "ICEBERG_PARTS")]
    IcebergParts { limit: u32 },
    /// Quantity bounds for market orders (zero fields disable a rule).
    #[serde(rename = "MARKET_LOT_SIZE", rename_all = "camelCase")]
    MarketLotSize {
        min_qty: String,
        max_qty: String,
        step_size: String,
    },
    /// Trailing-stop delta bounds, in basis points.
    #[serde(rename = "TRAILING_DELTA", rename_all = "camelCase")]
    TrailingDelta {
        min_trailing_above_delta: u32,
        max_trailing_above_delta: u32,
        min_trailing_below_delta: u32,
        max_trailing_below_delta: u32,
    },
    /// Price band around the average price, per side.
    #[serde(rename = "PERCENT_PRICE_BY_SIDE", rename_all = "camelCase")]
    PercentPriceBySide {
        bid_multiplier_up: String,
        bid_multiplier_down: String,
        ask_multiplier_up: String,
        ask_multiplier_down: String,
        avg_price_mins: u32,
    },
    /// Notional bounds (price × quantity).
    #[serde(rename = "NOTIONAL", rename_all = "camelCase")]
    Notional {
        min_notional: String,
        apply_min_to_market: bool,
        max_notional: String,
        apply_max_to_market: bool,
        avg_price_mins: u32,
    },
    /// Maximum open orders per symbol.
    #[serde(rename = "MAX_NUM_ORDERS", rename_all = "camelCase")]
    MaxNumOrders { max_num_orders: u32 },
    /// Maximum open algo (stop) orders per symbol.
    #[serde(rename = "MAX_NUM_ALGO_ORDERS", rename_all = "camelCase")]
    MaxNumAlgoOrders { max_num_algo_orders: u32 },
}

/// One entry of `symbols`. Fields are Binance's fields of the same
/// (camelCased) name.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
#[allow(missing_docs)]
pub struct SymbolInfo {
    pub symbol: String,
    pub status: String,
    pub base_asset: String,
    pub base_asset_precision: u32,
    pub quote_asset: String,
    pub quote_precision: u32,
    pub quote_asset_precision: u32,
    pub base_commission_precision: u32,
    pub quote_commission_precision: u32,
    pub order_types: [&'static str; 7],
    pub iceberg_allowed: bool,
    pub oco_allowed: bool,
    pub oto_allowed: bool,
    pub quote_order_qty_market_allowed: bool,
    pub allow_trailing_stop: bool,
    pub cancel_replace_allowed: bool,
    pub is_spot_trading_allowed: bool,
    pub is_margin_trading_allowed: bool,
    pub filters: Vec<Filter>,
    pub permissions: Vec<String>,
    pub permission_sets: Vec<Vec<&'static str>>,
    pub default_self_trade_prevention_mode: &'static str,
    pub allowed_self_trade_prevention_modes: [&'static str; 4],
}

/// The filters of `m`, in Binance's order.
pub fn filters(m: &Market) -> Vec<Filter> {
    vec![
        Filter::PriceFilter {
            min_price: fmt8(m.min_price),
            max_price: fmt8(m.max_price),
            tick_size: fmt8(m.tick_size),
        },
        Filter::LotSize {
            min_qty: fmt8(m.min_qty),
            max_qty: fmt8(m.max_qty),
            step_size: fmt8(m.step_size),
        },
        Filter::IcebergParts { limit: 10 },
        Filter::MarketLotSize {
            min_qty: fmt8(Decimal::ZERO),
            max_qty: fmt8(m.market_max_qty),
            step_size: fmt8(Decimal::ZERO),
        },
        Filter::TrailingDelta {
            min_trailing_above_delta: 10,
            max_trailing_above_delta: 2000,
            min_trailing_below_delta: 10,
            max_trailing_below_delta: 2000,
        },
        Filter::PercentPriceBySide {
            bid_multiplier_up: PERCENT_PRICE_UP.to_string(),
            bid_multiplier_down: PERCENT_PRICE_DOWN.to_string(),
            ask_multiplier_up: PERCENT_PRICE_UP.to_string(),
            ask_multiplier_down: PERCENT_PRICE_DOWN.to_string(),
            avg_price_mins: AVG_PRICE_MINS,
        },
        Filter::Notional {
            min_notional: fmt8(m.min_notional),
            apply_min_to_market: true,
            max_notional: fmt8(m.max_notional),
            apply_max_to_market: false,
            avg_price_mins: AVG_PRICE_MINS,
        },
        Filter::MaxNumOrders {
            max_num_orders: MAX_NUM_ORDERS as u32,
        },
        Filter::MaxNumAlgoOrders {
            max_num_algo_orders: MAX_NUM_ALGO_ORDERS as u32,
        },
    ]
}

impl From<&Market> for SymbolInfo {
    fn from(m: &Market) -> Self {
        let trading = m.is_trading();
        let mut set = vec!["SPOT"];
        if m.margin_allowed {
            set.push("MARGIN");
        }
        SymbolInfo {
            symbol: m.symbol.clone(),
            status: m.status.clone(),
            base_asset: m.base_asset.clone(),
            base_asset_precision: m.base_asset_precision,
            quote_asset: m.quote_asset.clone(),
            quote_precision: m.quote_precision,
            quote_asset_precision: m.quote_precision,
            base_commission_precision: m.base_asset_precision,
            quote_commission_precision: m.quote_precision,
            order_types: [
                "LIMIT",
                "LIMIT_MAKER",
                "MARKET",
                "STOP_LOSS",
                "STOP_LOSS_LIMIT",
                "TAKE_PROFIT",
                "TAKE_PROFIT_LIMIT",
            ],
            iceberg_allowed: true,
            oco_allowed: true,
            // The simulator implements OCO but not OTO, trailing stops or
            // cancel-replace, and says so.
            oto_allowed: false,
            quote_order_qty_market_allowed: true,
            allow_trailing_stop: false,
            cancel_replace_allowed: false,
            is_spot_trading_allowed: trading,
            is_margin_trading_allowed: trading && m.margin_allowed,
            filters: filters(m),
            // Binance now sends an empty list and puts the permissions in
            // permissionSets.
            permissions: Vec::new(),
            permission_sets: vec![set],
            default_self_trade_prevention_mode: "EXPIRE_MAKER",
            allowed_self_trade_prevention_modes: [
                "EXPIRE_TAKER",
                "EXPIRE_MAKER",
                "EXPIRE_BOTH",
                "DECREMENT",
            ],
        }
    }
}
