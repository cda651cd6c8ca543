//! The `prompts` plugin: prompts and resources that start a model from
//! current facts. Each prompt fetches the data it talks about through the
//! capabilities its plugin is granted (24 h statistics, the order book,
//! candles with indicators, the account's balances) and embeds it with
//! precise instructions; each resource is a markdown view a client can
//! read or subscribe to. It offers no tools.

mod analysis;
mod market;
mod portfolio;
mod snapshot;

use binance_mcp_plugin::content::MAX_COMPLETIONS;
use binance_mcp_plugin::prompt::{self, describe_prompts, describe_resources, Prompt, Resource};
use binance_mcp_plugin::{
    export_plugin, Answer, Completion, CompletionRef, CompletionRequest, Exchange, Manifest,
    Plugin, RenderedPrompt, Request, ResourceContents, ResourceRequest, ToolError,
};
use serde::Deserialize;

/// Every prompt, in the order `prompts/list` shows them.
pub const PROMPTS: &[Prompt] = &[
    analysis::TRADING_ANALYSIS,
    portfolio::PORTFOLIO_RISK,
    market::HEALTH_CHECK,
];

/// Every resource and template.
pub const RESOURCES: &[Resource] = &[market::MARKET, portfolio::BALANCES, portfolio::OPEN_ORDERS];

/// The prompts plugin.
pub struct Prompts;

#[derive(Deserialize)]
struct Info<'a> {
    #[serde(borrow)]
    symbols: Vec<Listed<'a>>,
}

#[derive(Deserialize)]
struct Listed<'a> {
    symbol: &'a str,
}

/// Trading symbols starting with `typed`, from Binance's exchange
/// information (the host keeps it for a minute, so typing costs no weight).
fn complete_symbol(ex: &dyn Exchange, typed: &str) -> Result<Completion, ToolError> {
    let resp =
        ex.send(&Request::spot_get("/api/v3/exchangeInfo").param("symbolStatus", "TRADING"))?;
    let info: Info = resp.parse()?;
    Ok(Completion::matching(
        info.symbols.iter().map(|s| s.symbol),
        typed,
    ))
}

impl Plugin for Prompts {
    fn manifest() -> Manifest {
        Manifest {
            name: "prompts".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            tools: Vec::new(),
            prompts: describe_prompts(PROMPTS),
            resources: describe_resources(RESOURCES),
        }
    }

    fn call_tool(_: &dyn Exchange, name: &str, _: &str) -> Result<Answer, ToolError> {
        Err(prompt::not_offered("tool", name))
    }

    fn get_prompt(
        exchange: &dyn Exchange,
        name: &str,
        arguments: &[(String, String)],
    ) -> Result<RenderedPrompt, ToolError> {
        prompt::render(PROMPTS, exchange, name, arguments)
    }

    fn read_resource(
        exchange: &dyn Exchange,
        request: &ResourceRequest,
    ) -> Result<Vec<ResourceContents>, ToolError> {
        prompt::read(RESOURCES, exchange, request)
    }

    fn complete(
        exchange: &dyn Exchange,
        request: &CompletionRequest,
    ) -> Result<Completion, ToolError> {
        let fixed: &[&str] = match (&request.target, request.argument.as_str()) {
            (_, "symbol") => return complete_symbol(exchange, &request.value),
            (CompletionRef::Prompt(_), "strategy") => analysis::STRATEGIES,
            (CompletionRef::Prompt(_), "risk_tolerance") => analysis::RISK_TOLERANCES,
            _ => &[],
        };
        let mut c = Completion::matching(fixed.iter().copied(), &request.value);
        c.values.truncate(MAX_COMPLETIONS);
        Ok(c)
    }
}

export_plugin!(Prompts);

#[cfg(test)]
mod tests;
