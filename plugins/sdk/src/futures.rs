//! USD-M futures through the host's typed `futures-trading` capability
//! (one-way position mode). A plugin describes an order, a leverage or
//! margin-type change, a cancel or a close; the host builds the Binance
//! request, routes it (LIMIT and MARKET to `/fapi/v1/order`, the
//! conditional types to the algo service), checks it under the operator's
//! `[futures]` policy, confirms it as the policy says, journals it and sends
//! it once. The raw [`Exchange`] capability refuses every futures write.
//!
//! [`Exchange`]: crate::Exchange

use crate::trading::Side;
use crate::ToolError;

/// Binance's USD-M futures order types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FuturesOrderType {
    Limit,
    Market,
    Stop,
    StopMarket,
    TakeProfit,
    TakeProfitMarket,
    TrailingStopMarket,
}

impl FuturesOrderType {
    /// Every type, in Binance's order.
    pub const ALL: [FuturesOrderType; 7] = [
        FuturesOrderType::Limit,
        FuturesOrderType::Market,
        FuturesOrderType::Stop,
        FuturesOrderType::StopMarket,
        FuturesOrderType::TakeProfit,
        FuturesOrderType::TakeProfitMarket,
        FuturesOrderType::TrailingStopMarket,
    ];

    /// Binance's name (the policy's `[futures] order_types` use it too).
    pub fn name(self) -> &'static str {
        match self {
            FuturesOrderType::Limit => "LIMIT",
            FuturesOrderType::Market => "MARKET",
            FuturesOrderType::Stop => "STOP",
            FuturesOrderType::StopMarket => "STOP_MARKET",
            FuturesOrderType::TakeProfit => "TAKE_PROFIT",
            FuturesOrderType::TakeProfitMarket => "TAKE_PROFIT_MARKET",
            FuturesOrderType::TrailingStopMarket => "TRAILING_STOP_MARKET",
        }
    }

    /// The type called `name` (Binance's spelling).
    pub fn from_name(name: &str) -> Option<FuturesOrderType> {
        Self::ALL.into_iter().find(|t| t.name() == name)
    }

    /// Whether Binance routes it to the algo service (`/fapi/v1/algoOrder`)
    /// since 2025-12-09: every type but LIMIT and MARKET.
    pub fn is_conditional(self) -> bool {
        !matches!(self, FuturesOrderType::Limit | FuturesOrderType::Market)
    }
}

/// How long a futures limit order stays; `Gtx` is post-only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FuturesTimeInForce {
    Gtc,
    Ioc,
    Fok,
    Gtx,
}

impl FuturesTimeInForce {
    /// Binance's name.
    pub fn name(self) -> &'static str {
        match self {
            FuturesTimeInForce::Gtc => "GTC",
            FuturesTimeInForce::Ioc => "IOC",
            FuturesTimeInForce::Fok => "FOK",
            FuturesTimeInForce::Gtx => "GTX",
        }
    }
}

/// Which price a conditional order's trigger watches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum WorkingType {
    MarkPrice,
    ContractPrice,
}

impl WorkingType {
    /// Binance's name.
    pub fn name(self) -> &'static str {
        match self {
            WorkingType::MarkPrice => "MARK_PRICE",
            WorkingType::ContractPrice => "CONTRACT_PRICE",
        }
    }
}

/// A symbol's margin type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MarginType {
    Isolated,
    Crossed,
}

impl MarginType {
    /// Binance's name (`POST /fapi/v1/marginType`).
    pub fn name(self) -> &'static str {
        match self {
            MarginType::Isolated => "ISOLATED",
            MarginType::Crossed => "CROSSED",
        }
    }
}

/// A new futures order; decimal fields are decimal text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FuturesOrder {
    pub symbol: String,
    pub side: Side,
    pub order_type: FuturesOrderType,
    pub quantity: Option<String>,
    pub price: Option<String>,
    pub trigger_price: Option<String>,
    pub time_in_force: Option<FuturesTimeInForce>,
    pub reduce_only: bool,
    pub close_position: bool,
    pub working_type: Option<WorkingType>,
    pub activation_price: Option<String>,
    pub callback_rate: Option<String>,
    pub client_order_id: Option<String>,
    pub confirmation: Option<String>,
}

/// Which futures order to cancel: regular (by `orderId` / client id) or
/// conditional (by `algoId` / `clientAlgoId`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FuturesCancel {
    pub symbol: String,
    pub order_id: Option<u64>,
    pub client_order_id: Option<String>,
    pub conditional: bool,
}

/// The host's futures-trading capability. Each answer is the JSON object
/// (text) the host shaped: the order's state, the change made, or a
/// preview.
pub trait FuturesTrading {
    fn set_leverage(
        &self,
        symbol: &str,
        leverage: u32,
        confirmation: Option<&str>,
    ) -> Result<String, ToolError>;
    fn set_margin_type(
        &self,
        symbol: &str,
        margin_type: MarginType,
        confirmation: Option<&str>,
    ) -> Result<String, ToolError>;
    fn place_order(&self, order: &FuturesOrder) -> Result<String, ToolError>;
    fn close_position(&self, symbol: &str, confirmation: Option<&str>)
        -> Result<String, ToolError>;
    fn cancel_order(&self, cancel: &FuturesCancel) -> Result<String, ToolError>;
    fn cancel_all(&self, symbol: &str) -> Result<String, ToolError>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_only_limit_and_market_are_regular() {
        for t in FuturesOrderType::ALL {
            assert_eq!(FuturesOrderType::from_name(t.name()), Some(t));
        }
        let regular: Vec<_> = FuturesOrderType::ALL
            .into_iter()
            .filter(|t| !t.is_conditional())
            .map(FuturesOrderType::name)
            .collect();
        assert_eq!(regular, ["LIMIT", "MARKET"]);
        assert_eq!(FuturesOrderType::from_name("STOP_LOSS"), None);
    }
}
