//! What every tool of this plugin shares beyond the SDK's write-argument
//! checks (`binance_mcp_plugin::writes`): spot's enums, the host
//! capability and the host's answer passed on as the tool's output.

use binance_mcp_plugin::trading::{OrderType, TimeInForce, Trading};
use binance_mcp_plugin::{Answer, ErrorKind, Exchange, ToolError};

pub use binance_mcp_plugin::writes::{dec_arg, not_taken, WriteArgs as Call, SIDES};
/// Binance's spellings of [`OrderType`], in the order of [`order_type`].
pub const ORDER_TYPES: &[&str] = &[
    "LIMIT",
    "MARKET",
    "STOP_LOSS",
    "STOP_LOSS_LIMIT",
    "TAKE_PROFIT",
    "TAKE_PROFIT_LIMIT",
    "LIMIT_MAKER",
];
/// Binance's spellings of [`TimeInForce`].
pub const TIMES_IN_FORCE: &[&str] = &["GTC", "IOC", "FOK"];
/// Spot's enums on the parsed arguments.
pub trait SpotArgs {
    /// The required `type`, as Binance spells it and as the record's enum.
    fn order_type(&self) -> Result<(String, OrderType), ToolError>;
    /// The optional `timeInForce`.
    fn time_in_force(&self) -> Result<Option<TimeInForce>, ToolError>;
}

impl SpotArgs for Call {
    fn order_type(&self) -> Result<(String, OrderType), ToolError> {
        let name = self.required_enum("type", ORDER_TYPES)?;
        let ty = order_type(&name).expect("one of ORDER_TYPES");
        Ok((name, ty))
    }

    fn time_in_force(&self) -> Result<Option<TimeInForce>, ToolError> {
        Ok(self
            .args
            .one_of("timeInForce", TIMES_IN_FORCE)?
            .map(|t| match t.as_str() {
                "GTC" => TimeInForce::Gtc,
                "IOC" => TimeInForce::Ioc,
                _ => TimeInForce::Fok,
            }))
    }
}

/// The [`OrderType`] Binance spells `name`.
pub fn order_type(name: &str) -> Option<OrderType> {
    Some(match name {
        "LIMIT" => OrderType::Limit,
        "MARKET" => OrderType::Market,
        "STOP_LOSS" => OrderType::StopLoss,
        "STOP_LOSS_LIMIT" => OrderType::StopLossLimit,
        "TAKE_PROFIT" => OrderType::TakeProfit,
        "TAKE_PROFIT_LIMIT" => OrderType::TakeProfitLimit,
        "LIMIT_MAKER" => OrderType::LimitMaker,
        _ => return None,
    })
}

/// The host's spot-trading capability, or the refusal a model can act on.
pub fn host(ex: &dyn Exchange) -> Result<&dyn Trading, ToolError> {
    ex.trading().ok_or_else(|| {
        ToolError::new(
            ErrorKind::NotPermitted,
            "spot trading is not available to this plugin",
            "the operator must grant the 'spot-trade' capability to the trading plugin in the policy; no order was sent",
        )
    })
}

/// The host's answer (a JSON object as text) as this tool's output.
pub fn answer(text: &str) -> Result<Answer, ToolError> {
    binance_mcp_plugin::writes::host_answer(
        text,
        "check the order's state with the account tools before retrying",
    )
}
