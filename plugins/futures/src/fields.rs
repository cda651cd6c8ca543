//! What the write tools share beyond the SDK's write-argument checks
//! (`binance_mcp_plugin::writes`): the futures enums, the host's
//! futures-trading capability and the host's answer passed on as the
//! tool's output.

use binance_mcp_plugin::futures::{
    FuturesOrderType, FuturesTimeInForce, FuturesTrading, WorkingType,
};
use binance_mcp_plugin::{Answer, Decimal, ErrorKind, Exchange, ToolError};

pub use binance_mcp_plugin::writes::{dec_arg, not_taken, WriteArgs as Call, SIDES};

/// Binance's spellings of [`FuturesOrderType`], in its order.
pub const ORDER_TYPES: &[&str] = &[
    "LIMIT",
    "MARKET",
    "STOP",
    "STOP_MARKET",
    "TAKE_PROFIT",
    "TAKE_PROFIT_MARKET",
    "TRAILING_STOP_MARKET",
];
/// Binance's spellings of [`FuturesTimeInForce`] (GTX: post-only).
pub const TIMES_IN_FORCE: &[&str] = &["GTC", "IOC", "FOK", "GTX"];
/// Binance's spellings of [`WorkingType`].
pub const WORKING_TYPES: &[&str] = &["MARK_PRICE", "CONTRACT_PRICE"];
/// The futures enums on the parsed arguments.
pub trait FuturesArgs {
    fn order_type(&self) -> Result<(String, FuturesOrderType), ToolError>;
    fn time_in_force(&self) -> Result<Option<FuturesTimeInForce>, ToolError>;
    fn working_type(&self) -> Result<Option<WorkingType>, ToolError>;
}

impl FuturesArgs for Call {
    /// The required `type`, as Binance spells it and as the record's enum.
    fn order_type(&self) -> Result<(String, FuturesOrderType), ToolError> {
        let name = self.required_enum("type", ORDER_TYPES)?;
        let ty = FuturesOrderType::from_name(&name).expect("one of ORDER_TYPES");
        Ok((name, ty))
    }

    /// The optional `timeInForce`.
    fn time_in_force(&self) -> Result<Option<FuturesTimeInForce>, ToolError> {
        Ok(self
            .args
            .one_of("timeInForce", TIMES_IN_FORCE)?
            .map(|t| match t.as_str() {
                "GTC" => FuturesTimeInForce::Gtc,
                "IOC" => FuturesTimeInForce::Ioc,
                "FOK" => FuturesTimeInForce::Fok,
                _ => FuturesTimeInForce::Gtx,
            }))
    }

    /// The optional `workingType`.
    fn working_type(&self) -> Result<Option<WorkingType>, ToolError> {
        Ok(self
            .args
            .one_of("workingType", WORKING_TYPES)?
            .map(|t| match t.as_str() {
                "MARK_PRICE" => WorkingType::MarkPrice,
                _ => WorkingType::ContractPrice,
            }))
    }
}

/// The host's futures-trading capability, or the refusal a model can act on.
pub fn host(ex: &dyn Exchange) -> Result<&dyn FuturesTrading, ToolError> {
    ex.futures().ok_or_else(|| {
        ToolError::new(
            ErrorKind::NotPermitted,
            "futures trading is not available to this plugin",
            "the operator must grant the 'futures-trade' capability to the futures plugin in the policy; nothing was sent",
        )
    })
}

/// A decimal as normalised text (`"0.1095"`, never an exponent).
pub fn dec_string(d: Decimal) -> String {
    d.normalize().to_string()
}

/// The host's answer (a JSON object as text) as this tool's output.
pub fn answer(text: &str) -> Result<Answer, ToolError> {
    binance_mcp_plugin::writes::host_answer(
        text,
        "check the state with get_futures_open_orders and get_futures_positions before retrying",
    )
}
