//! The `trading` plugin: spot orders through the host's typed
//! `spot-trading` capability (the policy's `spot-trade`).
//!
//! The plugin checks and describes the arguments (Binance's names, decimal
//! strings, never floats) and maps them to the SDK's records; the host
//! builds the Binance request, checks the operator's `[trading]` limits and
//! the exchange's filters, confirms as the policy says, journals and sends
//! once. Each tool's output is the host's answer, unchanged.

mod cancel;
mod fields;
mod orders;

use binance_mcp_plugin::tool::{describe_all, dispatch};
use binance_mcp_plugin::{
    export_plugin, Annotations, Answer, Exchange, Manifest, Plugin, Tool, ToolError,
};

/// A new order: it changes the account and repeating it places another.
pub const PLACE: Annotations = Annotations {
    read_only: false,
    destructive: true,
    idempotent: false,
    open_world: true,
};

/// A cancellation: a write, but it only reduces risk, and repeating it
/// changes nothing more.
pub const CANCEL: Annotations = Annotations {
    read_only: false,
    destructive: false,
    idempotent: true,
    open_world: true,
};

/// Every tool of this plugin, in the order `tools/list` shows them.
pub const TOOLS: &[Tool] = &[
    orders::PLACE_ORDER,
    orders::PLACE_OCO_ORDER,
    cancel::CANCEL_ORDER,
    cancel::CANCEL_ALL_ORDERS,
];

/// The trading plugin.
pub struct SpotTrading;

impl Plugin for SpotTrading {
    fn manifest() -> Manifest {
        Manifest::tools("trading", env!("CARGO_PKG_VERSION"), describe_all(TOOLS))
    }

    fn call_tool(
        exchange: &dyn Exchange,
        name: &str,
        arguments: &str,
    ) -> Result<Answer, ToolError> {
        dispatch(TOOLS, exchange, name, arguments)
    }
}

export_plugin!(SpotTrading, trading);

#[cfg(test)]
mod tests;
