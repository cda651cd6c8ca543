//! The `market` plugin: public spot market data (security type NONE).
//!
//! Every tool takes Binance's own parameter names, returns exact decimal
//! strings and caps list sizes with an explicit truncation marker.

mod analysis;
mod book;
mod history;
mod info;
mod live;
mod tickers;

use binance_mcp_plugin::tool::{describe_all, dispatch};
use binance_mcp_plugin::{export_plugin, Answer, Exchange, Manifest, Plugin, Tool, ToolError};

/// Every tool of this plugin, in the order `tools/list` shows them.
pub const TOOLS: &[Tool] = &[
    info::SERVER_TIME,
    info::EXCHANGE_INFO,
    tickers::TICKER,
    tickers::TICKER_PRICE,
    book::BOOK_TICKER,
    book::ORDER_BOOK,
    history::RECENT_TRADES,
    history::KLINES,
    analysis::INDICATORS,
    tickers::AVERAGE_PRICE,
    live::METRICS,
    live::DEPTH,
    live::HEALTH,
];

/// The market plugin.
pub struct Market;

impl Plugin for Market {
    fn manifest() -> Manifest {
        Manifest::tools("market", env!("CARGO_PKG_VERSION"), describe_all(TOOLS))
    }

    fn call_tool(
        exchange: &dyn Exchange,
        name: &str,
        arguments: &str,
    ) -> Result<Answer, ToolError> {
        dispatch(TOOLS, exchange, name, arguments)
    }
}

export_plugin!(Market);

#[cfg(test)]
mod tests;
