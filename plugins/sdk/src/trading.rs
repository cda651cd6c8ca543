//! Spot orders through the host's typed `spot-trading` capability. A plugin
//! describes an order; the host builds the Binance request, checks it
//! against the operator's `[trading]` policy and the exchange's filters,
//! confirms it as the policy says, journals it and sends it once. Nothing a
//! plugin writes reaches Binance any other way: the raw [`Exchange`]
//! capability refuses every order endpoint.
//!
//! [`Exchange`]: crate::Exchange

use crate::ToolError;

/// Buy or sell. (One definition for the SDK and the host.)
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Side {
    Buy,
    Sell,
}

/// Binance's spot order types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TimeInForce {
    Gtc,
    Ioc,
    Fok,
}

impl Side {
    /// Binance's name.
    pub fn name(self) -> &'static str {
        match self {
            Side::Buy => "BUY",
            Side::Sell => "SELL",
        }
    }
}

impl OrderType {
    /// Binance's name (the policy's `order_types` use it too).
    pub fn name(self) -> &'static str {
        match self {
            OrderType::Limit => "LIMIT",
            OrderType::Market => "MARKET",
            OrderType::StopLoss => "STOP_LOSS",
            OrderType::StopLossLimit => "STOP_LOSS_LIMIT",
            OrderType::TakeProfit => "TAKE_PROFIT",
            OrderType::TakeProfitLimit => "TAKE_PROFIT_LIMIT",
            OrderType::LimitMaker => "LIMIT_MAKER",
        }
    }
}

impl TimeInForce {
    /// Binance's name.
    pub fn name(self) -> &'static str {
        match self {
            TimeInForce::Gtc => "GTC",
            TimeInForce::Ioc => "IOC",
            TimeInForce::Fok => "FOK",
        }
    }
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
