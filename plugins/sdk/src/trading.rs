//! Spot orders through the host's typed `spot-trading` capability. A plugin
//! describes an order; the host builds the Binance request, checks it
//! against the operator's `[trading]` policy and the exchange's filters,
//! confirms it as the policy says, journals it and sends it once. Nothing a
//! plugin writes reaches Binance any other way: the raw [`Exchange`]
//! capability refuses every order endpoint.
//!
//! [`Exchange`]: crate::Exchange

use crate::ToolError;

/// Buy or sell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Buy,
    Sell,
}

/// Binance's spot order types.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrderType {
    Limit,
    Market,
    StopLoss,
    StopLossLimit,
    TakeProfit,
    TakeProfitLimit,
    LimitMaker,
}

/// How long a limit order stays.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeInForce {
    Gtc,
    Ioc,
    Fok,
}

/// A new order; decimal fields are decimal text as Binance writes them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Order {
    pub symbol: String,
    pub side: Side,
    pub order_type: OrderType,
    pub quantity: Option<String>,
    pub quote_quantity: Option<String>,
    pub price: Option<String>,
    pub stop_price: Option<String>,
    pub time_in_force: Option<TimeInForce>,
    pub client_order_id: Option<String>,
    /// Check everything and place nothing.
    pub dry_run: bool,
    /// The token of an earlier preview, when the policy confirms by token.
    pub confirmation: Option<String>,
}

/// A one-cancels-the-other pair.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OcoOrder {
    pub symbol: String,
    pub side: Side,
    pub quantity: String,
    pub price: String,
    pub stop_price: String,
    pub stop_limit_price: Option<String>,
    pub list_client_order_id: Option<String>,
    pub confirmation: Option<String>,
}

/// Which order to cancel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cancel {
    pub symbol: String,
    pub order_id: Option<u64>,
    pub client_order_id: Option<String>,
}

/// The host's spot-trading capability. Each answer is the JSON object
/// (text) the host shaped: the order's state, or a preview.
pub trait Trading {
    fn place_order(&self, order: &Order) -> Result<String, ToolError>;
    fn place_oco(&self, order: &OcoOrder) -> Result<String, ToolError>;
    fn cancel_order(&self, cancel: &Cancel) -> Result<String, ToolError>;
    fn cancel_all(&self, symbol: &str) -> Result<String, ToolError>;
}
