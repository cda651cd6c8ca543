//! The `charts` plugin: candlestick charts of Binance market data as PNG
//! images, rendered inside the WebAssembly sandbox — untrusted market data
//! is parsed and drawn where it can reach nothing.
//!
//! [`render`] turns plain data (candles, indicator lines and bands, the
//! account's fills) into PNG bytes; it has no I/O, so it also runs natively
//! in tests. [`chart`] is the `get_chart` tool over it.

pub mod chart;
pub mod render;

use binance_mcp_plugin::tool::{describe_all, dispatch};
use binance_mcp_plugin::{export_plugin, Answer, Exchange, Manifest, Plugin, Tool, ToolError};

/// Every tool of this plugin.
pub const TOOLS: &[Tool] = &[chart::CHART];

/// The charts plugin.
pub struct Charts;

impl Plugin for Charts {
    fn manifest() -> Manifest {
        Manifest::tools("charts", env!("CARGO_PKG_VERSION"), describe_all(TOOLS))
    }

    fn call_tool(
        exchange: &dyn Exchange,
        name: &str,
        arguments: &str,
    ) -> Result<Answer, ToolError> {
        dispatch(TOOLS, exchange, name, arguments)
    }
}

export_plugin!(Charts);
