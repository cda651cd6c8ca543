//! A symbol's settings: its leverage and its margin type. Each overwrites
//! the previous value (and changes the risk of what is open), so each is
//! confirmed as the operator's policy says.

use crate::fields::{answer, host, Call};
use crate::SETTING;
use binance_mcp_plugin::capability::FUTURES_TRADE;
use binance_mcp_plugin::futures::MarginType;
use binance_mcp_plugin::{json, schema, Answer, Exchange, Run, Tool, ToolError, Value};

/// Binance's leverage bounds (a symbol's brackets may allow less; the host
/// and the policy's `[futures]` cap decide).
pub const LEVERAGE_MIN: i64 = 1;
pub const LEVERAGE_MAX: i64 = 125;

/// Binance's spellings of [`MarginType`].
pub const MARGIN_TYPES: &[&str] = &["ISOLATED", "CROSSED"];

/// The host's answer: the change made, or a preview to confirm.
fn setting_output() -> Value {
    schema::output(
        json!({
            "symbol": schema::string(),
            "preview": { "type": "object" },
            "confirmation": schema::string()
        }),
        &[],
    )
}

pub const SET_LEVERAGE: Tool = Tool {
    name: "set_leverage",
    title: "Set futures leverage",
    description: "Set a symbol's leverage (1-125; its brackets and the policy may allow less). Confirmed like place_futures_order.",
    input_schema: || {
        schema::object(
            json!({
                "symbol": schema::string(),
                "leverage": { "type": "integer", "minimum": LEVERAGE_MIN, "maximum": LEVERAGE_MAX },
                "confirmation": schema::string()
            }),
            &["symbol", "leverage"],
        )
    },
    output_schema: setting_output,
    annotations: SETTING,
    capabilities: &[FUTURES_TRADE],
    run: Run::Text(set_leverage),
};

fn set_leverage(ex: &dyn Exchange, args: &str) -> Result<Answer, ToolError> {
    let c = Call::parse(args, &["symbol", "leverage", "confirmation"])?;
    let symbol = c.symbol()?;
    let leverage = c
        .args
        .integer("leverage", LEVERAGE_MIN, LEVERAGE_MAX)?
        .ok_or_else(|| ToolError::invalid("leverage", "is required (1 to 125)", "10"))?;
    let confirmation = c.confirmation()?;
    // Within 1..=125, so it fits.
    let leverage = leverage as u32;
    answer(&host(ex)?.set_leverage(&symbol, leverage, confirmation.as_deref())?)
}

pub const SET_MARGIN_TYPE: Tool = Tool {
    name: "set_margin_type",
    title: "Set futures margin type",
    description:
        "Set a symbol's margin type, ISOLATED or CROSSED. Confirmed like place_futures_order.",
    input_schema: || {
        schema::object(
            json!({
                "symbol": schema::string(),
                "marginType": { "enum": MARGIN_TYPES },
                "confirmation": schema::string()
            }),
            &["symbol", "marginType"],
        )
    },
    output_schema: setting_output,
    annotations: SETTING,
    capabilities: &[FUTURES_TRADE],
    run: Run::Text(set_margin_type),
};

fn set_margin_type(ex: &dyn Exchange, args: &str) -> Result<Answer, ToolError> {
    let c = Call::parse(args, &["symbol", "marginType", "confirmation"])?;
    let symbol = c.symbol()?;
    let margin_type = match c.required_enum("marginType", MARGIN_TYPES)?.as_str() {
        "ISOLATED" => MarginType::Isolated,
        _ => MarginType::Crossed,
    };
    let confirmation = c.confirmation()?;
    answer(&host(ex)?.set_margin_type(&symbol, margin_type, confirmation.as_deref())?)
}
