//! The account's views: `binance://account/balances` (valued in USDT),
//! `binance://orders/open`, and the `portfolio_risk` prompt built on them.
//! Without API keys, the resources fail with the host's authentication
//! error (what to set), and the prompt explains what to configure instead.

use crate::snapshot::{iso, show};
use binance_mcp_plugin::capability::{ACCOUNT_READ, MARKET_DATA};
use binance_mcp_plugin::content::{PromptMessage, RenderedPrompt, ResourceContents};
use binance_mcp_plugin::exchange::fetch;
use binance_mcp_plugin::output;
use binance_mcp_plugin::portfolio::{self, Valued, VALUE_ASSET};
use binance_mcp_plugin::prompt::{Prompt, Resource};
use binance_mcp_plugin::{
    args::Args, Decimal, ErrorKind, Exchange, Request, ResourceRequest, ToolError, Updates, Value,
};
use std::fmt::Write;

/// The balances resource's URI.
pub const BALANCES_URI: &str = "binance://account/balances";
/// Most balances listed (the most valuable; the total covers all).
pub const BALANCES_SHOWN: usize = 100;
/// Most open orders listed (the newest).
pub const ORDERS_SHOWN: usize = 50;
/// Stablecoins counted as cash in the risk summary.
const STABLE: &[&str] = &["USDT", "USDC", "FDUSD", "TUSD", "DAI", "BUSD", "USDP"];

pub const BALANCES: Resource = Resource {
    uri: BALANCES_URI,
    name: "balances",
    title: "Account balances",
    description: "The spot account's balances as a markdown table: asset, free, locked, total and value in USDT, most valuable first.",
    mime_type: "text/markdown",
    capabilities: &[ACCOUNT_READ, MARKET_DATA],
    updates: Updates::Never,
    read: |ex, req| Ok(vec![ResourceContents::markdown(&req.uri, balances(ex)?.0)]),
};

pub const OPEN_ORDERS: Resource = Resource {
    uri: "binance://orders/open",
    name: "open_orders",
    title: "Open orders",
    description: "The spot account's open orders as a markdown table, newest first.",
    mime_type: "text/markdown",
    capabilities: &[ACCOUNT_READ],
    updates: Updates::Never,
    read: read_orders,
};

/// The balances table, and the valuation behind it.
fn balances(ex: &dyn Exchange) -> Result<(String, Valued), ToolError> {
    let body = portfolio::account(ex)?;
    let valued = portfolio::valued(ex, portfolio::holdings(&body)?)?;
    let mut md = format!("# Balances (valued in {VALUE_ASSET})\n\n");
    match &valued.total {
        Ok(t) => {
            let _ = writeln!(md, "Total value: {} {VALUE_ASSET}\n", show(*t, 2));
        }
        Err(e) => {
            let _ = writeln!(md, "Not valued: {e}\n");
        }
    }
    if valued.rows.is_empty() {
        md.push_str("The account holds nothing.\n");
        return Ok((md, valued));
    }
    let _ = writeln!(
        md,
        "| Asset | Free | Locked | Total | Value ({VALUE_ASSET}) |\n|---|---|---|---|---|"
    );
    for (value, h) in valued.rows.iter().take(BALANCES_SHOWN) {
        let _ = writeln!(
            md,
            "| {} | {} | {} | {} | {} |",
            h.asset,
            show(h.free, 8),
            show(h.locked, 8),
            show(h.total, 8),
            value.map_or("no USDT market".to_string(), |v| show(v, 2))
        );
    }
    if valued.rows.len() > BALANCES_SHOWN {
        let _ = writeln!(
            md,
            "\n{} smaller balances are not listed; the total covers them.",
            valued.rows.len() - BALANCES_SHOWN
        );
    }
    Ok((md, valued))
}

/// The open-orders table and how many there are.
fn orders(ex: &dyn Exchange) -> Result<(String, usize), ToolError> {
    let list: Vec<Value> = fetch(ex, &Request::spot_get("/api/v3/openOrders"))?;
    let mut md = String::from("# Open orders\n\n");
    if list.is_empty() {
        md.push_str("No open orders.\n");
        return Ok((md, 0));
    }
    let _ = writeln!(
        md,
        "| Symbol | Side | Type | Price | Quantity | Filled | Status | Placed (UTC) | Order id |\n|---|---|---|---|---|---|---|---|---|"
    );
    let mut rows: Vec<&Value> = list.iter().collect();
    rows.sort_by_key(|o| std::cmp::Reverse(o["time"].as_i64().unwrap_or(0)));
    for o in rows.iter().take(ORDERS_SHOWN) {
        let _ = writeln!(
            md,
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            output::text(&o["symbol"])?,
            output::text(&o["side"])?,
            output::text(&o["type"])?,
            output::dec(&o["price"])?,
            output::dec(&o["origQty"])?,
            output::dec(&o["executedQty"])?,
            output::text(&o["status"])?,
            iso(output::int(&o["time"])?),
            output::int(&o["orderId"])?,
        );
    }
    if list.len() > ORDERS_SHOWN {
        let _ = writeln!(
            md,
            "\n{} older open orders are not listed.",
            list.len() - ORDERS_SHOWN
        );
    }
    Ok((md, list.len()))
}

fn read_orders(
    ex: &dyn Exchange,
    req: &ResourceRequest,
) -> Result<Vec<ResourceContents>, ToolError> {
    Ok(vec![ResourceContents::markdown(&req.uri, orders(ex)?.0)])
}

/// `portfolio_risk`.
pub const PORTFOLIO_RISK: Prompt = Prompt {
    name: "portfolio_risk",
    title: "Portfolio risk",
    description: "Assess the spot account's risk from its current balances valued in USDT: exposure per asset, concentration, cash share and open orders.",
    arguments: &[],
    capabilities: &[ACCOUNT_READ, MARKET_DATA],
    render: portfolio_risk,
};

/// The risk figures of a valuation, in markdown.
fn figures(valued: &Valued, open_orders: usize) -> String {
    let mut md = String::from("## Risk figures\n\n");
    let Ok(total) = valued.total else {
        md.push_str("Prices were unavailable, so exposures cannot be computed.\n");
        return md;
    };
    if total.is_zero() {
        md.push_str("The account's value is zero: there is no exposure.\n");
        return md;
    }
    let share = |v: Decimal| v * Decimal::ONE_HUNDRED / total;
    let valued_rows: Vec<(Decimal, &str)> = valued
        .rows
        .iter()
        .filter_map(|(v, h)| v.map(|v| (v, h.asset.as_str())))
        .collect();
    let _ = writeln!(
        md,
        "| Asset | Value ({VALUE_ASSET}) | Share of total |\n|---|---|---|"
    );
    for (v, asset) in valued_rows.iter().take(10) {
        let _ = writeln!(
            md,
            "| {asset} | {} | {}% |",
            show(*v, 2),
            show(share(*v), 2)
        );
    }
    let top3: Decimal = valued_rows.iter().take(3).map(|(v, _)| *v).sum();
    let hhi: Decimal = valued_rows
        .iter()
        .map(|(v, _)| {
            let s = *v / total;
            s * s
        })
        .sum();
    let cash: Decimal = valued_rows
        .iter()
        .filter(|(_, a)| STABLE.contains(a))
        .map(|(v, _)| *v)
        .sum();
    let locked: usize = valued
        .rows
        .iter()
        .filter(|(_, h)| !h.locked.is_zero())
        .count();
    let unvalued = valued.rows.iter().filter(|(v, _)| v.is_none()).count();
    let _ = writeln!(
        md,
        "\n- Total: {} {VALUE_ASSET} across {} assets ({unvalued} without a USDT market, not counted)\n- Largest position: {}%; top three: {}%\n- Concentration (Herfindahl index, 0–1; above 0.25 is concentrated): {}\n- Stablecoins (cash): {}%\n- Open orders: {open_orders}; assets with funds locked in orders: {locked}",
        show(total, 2),
        valued.rows.len(),
        valued_rows.first().map_or("0".into(), |(v, _)| show(share(*v), 2)),
        show(share(top3), 2),
        show(hhi, 4),
        show(share(cash), 2),
    );
    md
}

const NO_KEYS: &str = "The portfolio cannot be read: this server has no Binance API keys configured, so account data is unavailable.\n\nTell the user how to enable it:\n1. Create a read-only API key on Binance (API Management; enable \"Reading\" only — no trading or withdrawals are needed for this).\n2. Set BINANCE_API_KEY and BINANCE_SECRET_KEY (or BINANCE_PRIVATE_KEY_PATH for an Ed25519 key) in the environment of the binance-mcp server (in Claude Desktop: the server's \"env\" in claude_desktop_config.json), then restart it.\n3. Keep a policy that grants this plugin account-read (the built-in read-only policy does).\nTo try it without a real account, run the server with --sim: a simulated exchange with a funded test account.\nDo not guess the user's holdings.";

fn portfolio_risk(ex: &dyn Exchange, _args: &Args) -> Result<RenderedPrompt, ToolError> {
    let (table, valued) = match balances(ex) {
        Ok(b) => b,
        Err(e) if e.kind == ErrorKind::Authentication => {
            return Ok(RenderedPrompt {
                description: "Portfolio risk: API keys are not configured".into(),
                messages: vec![PromptMessage::user(format!(
                    "{NO_KEYS}\n\n(The server said: {} {})",
                    e.message, e.recovery
                ))],
            })
        }
        Err(e) => return Err(e),
    };
    let (orders_md, open) = match orders(ex) {
        Ok(o) => o,
        Err(e) => (format!("Open orders unavailable: {}\n", e.message), 0),
    };
    let mut text = figures(&valued, open);
    let _ = write!(
        text,
        "\n{orders_md}\nInstructions. Using only the balances above (embedded as {BALANCES_URI}) and these figures, assess the portfolio's risk:\n1. Concentration: name the positions above 20% of the total and what a 30% fall in each would cost in {VALUE_ASSET}.\n2. Diversification and correlation: most crypto assets move with BTC; say how much of the value is effectively one bet.\n3. Liquidity and cash: is the stablecoin share enough to meet a drawdown or an opportunity?\n4. Open orders: what they would change if filled.\n5. Three concrete, prioritised suggestions (rebalance targets in % of the total), each with its trade-off.\nState the figures you rely on; do not invent prices or holdings. This is analysis, not financial advice: say so once, briefly. Do not place orders unless the user asks."
    );
    Ok(RenderedPrompt {
        description: "Portfolio risk from the current balances".into(),
        messages: vec![
            PromptMessage::resource(ResourceContents::markdown(BALANCES_URI, table)),
            PromptMessage::user(text),
        ],
    })
}
