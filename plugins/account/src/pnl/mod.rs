//! Realized and unrealized profit and loss from the account's own trades,
//! by the average-cost method, in exact decimal arithmetic.
//!
//! The symbols are the caller's (`symbols`) or, without them, the account's
//! holdings that have a market in the quote asset (`quote`, default USDT).
//! Either way each symbol's trade-derived position is compared with what
//! the account holds now, and every quantity the trades do not explain
//! marks the symbol incomplete, with the reason and the quantity.
//!
//! This module owns the `get_pnl` tool: its schemas, the entry point and
//! the output (rows, totals, notes). [`selection`] decides what is covered
//! and skipped; [`ledger`] does the average-cost arithmetic per symbol.

mod ledger;
mod selection;

use crate::{coin_schema, dec_text, Raw};
use binance_mcp_plugin::args::Args;
use binance_mcp_plugin::capability::{ACCOUNT_READ, MARKET_DATA};
use binance_mcp_plugin::exchange::fetch;
use binance_mcp_plugin::output::{cap, Keep};
use binance_mcp_plugin::time::{self, DayEdge};
use binance_mcp_plugin::{
    json, schema, Annotations, Decimal, Exchange, Request, Run, Tool, ToolError, Value,
};
pub(crate) use ledger::{Fill, Ledger};
use selection::{by_holdings, by_symbols, Skip};
use std::collections::BTreeMap;

/// Most symbols one call may cover (each costs a myTrades request, weight 20).
pub const MAX_SYMBOLS: usize = 10;
/// Trades fetched per symbol (Binance's maximum).
pub const TRADES_LIMIT: i64 = 1000;
/// Without `symbols`: the most valuable holdings whose exchange info is
/// fetched to pick the covered symbols; smaller ones are over the cap.
pub const CANDIDATES_CAP: usize = 50;
/// Most skipped assets listed.
pub const SKIPPED_CAP: usize = 50;
/// The quote asset without `symbols` and `quote`.
pub const DEFAULT_QUOTE: &str = "USDT";
/// Decimal places of the figures reported.
const PLACES: u32 = 8;

/// `get_pnl`: average-cost profit and loss from the account's trades.
pub const PNL: Tool = Tool {
    name: "get_pnl",
    title: "PnL",
    description: "PnL by average cost from your trades (last 1000 a symbol, or from startTime): of symbols (1-10, one quote) or the 10 largest holdings in quote (USDT). Weight 20 a symbol + 45.",
    input_schema: || {
        schema::object(
            json!({
                "symbols": schema::symbols(MAX_SYMBOLS),
                "quote": coin_schema(),
                "startTime": schema::time("")
            }),
            &[],
        )
    },
    output_schema: || {
        schema::output(
            json!({
                "complete": schema::boolean(),
                "symbols": schema::array(json!({ "type": "object" })),
                "notes": schema::array(schema::string()),
                "truncated": schema::truncated()
            }),
            &["complete", "symbols", "notes"],
        )
    },
    annotations: Annotations::READ_ONLY_EXCHANGE,
    capabilities: &[ACCOUNT_READ, MARKET_DATA],
    run: Run::Value(pnl),
};

/// An arithmetic result, or the error a model sees when figures overflow.
fn ck(v: Option<Decimal>) -> Result<Decimal, ToolError> {
    v.ok_or_else(|| {
        ToolError::bad_exchange_data("trade figures too large for exact PnL arithmetic")
    })
}

fn fig(d: Decimal) -> Value {
    json!(dec_text(d.round_dp(PLACES)))
}

fn others(map: &BTreeMap<String, Decimal>) -> Value {
    json!(map
        .iter()
        .map(|(asset, amount)| json!({ "asset": asset, "amount": fig(*amount) }))
        .collect::<Vec<_>>())
}

fn pnl(ex: &dyn Exchange, args: &str) -> Result<Value, ToolError> {
    let a = Args::parse(args, &["symbols", "quote", "startTime"])?;
    let symbols = a.symbols("symbols", MAX_SYMBOLS)?;
    let quote_arg = Raw::parse(args).coin("quote")?;
    let start = a.time("startTime", DayEdge::Start)?;
    let plan = match symbols {
        Some(symbols) => by_symbols(ex, symbols, quote_arg)?,
        None => by_holdings(ex, quote_arg.unwrap_or_else(|| DEFAULT_QUOTE.to_string()))?,
    };
    let quote = plan.quote.as_str();

    let mut rows = Vec::with_capacity(plan.pairs.len());
    let (mut realized, mut unrealized) = (Decimal::ZERO, Decimal::ZERO);
    let mut other_total: BTreeMap<String, Decimal> = BTreeMap::new();
    // Symbols by incomplete reason, for the notes.
    let mut by_reason: BTreeMap<&'static str, Vec<String>> = BTreeMap::new();
    for (symbol, base) in &plan.pairs {
        let body: Vec<Value> = fetch(
            ex,
            &Request::spot_get("/api/v3/myTrades")
                .param("symbol", symbol)
                .opt_param("startTime", start)
                .param("limit", TRADES_LIMIT),
        )?;
        let mut fills = body
            .iter()
            .map(Fill::parse)
            .collect::<Result<Vec<_>, _>>()?;
        fills.sort_by_key(|f| f.id);
        let mut ledger = Ledger::default();
        for f in &fills {
            ledger.apply(f, base, quote)?;
        }
        let price = *plan
            .last
            .get(symbol)
            .ok_or_else(|| ToolError::bad_exchange_data(format!("no last price for {symbol}")))?;
        let unreal = ledger.unrealized(price)?;
        realized = ck(realized.checked_add(ledger.realized))?;
        unrealized = ck(unrealized.checked_add(unreal))?;
        for (asset, amount) in &ledger.other {
            let slot = other_total.entry(asset.clone()).or_default();
            *slot = ck(slot.checked_add(*amount))?;
        }

        let held = plan.held.get(base).copied().unwrap_or_default();
        // Every quantity the trades used do not explain, with its reason.
        let incomplete = ledger.incomplete(fills.len(), held)?;
        for (reason, _) in &incomplete {
            by_reason.entry(reason).or_default().push(symbol.clone());
        }
        let mut row = json!({
            "symbol": symbol,
            "baseAsset": base,
            "position": fig(ledger.position),
            "heldQty": fig(held),
            "averageCost": fig(ledger.average_cost()?),
            "lastPrice": fig(price),
            "realizedPnl": fig(ledger.realized),
            "unrealizedPnl": fig(unreal),
            "totalPnl": fig(ck(ledger.realized.checked_add(unreal))?),
            "tradeCount": fills.len(),
            "complete": incomplete.is_empty(),
            "commissionsOther": others(&ledger.other),
        });
        if !incomplete.is_empty() {
            let list: Vec<Value> = incomplete
                .iter()
                .map(|(reason, qty)| match qty {
                    Some(q) => json!({ "reason": reason, "unmatchedQty": fig(*q) }),
                    None => json!({ "reason": reason }),
                })
                .collect();
            row["incomplete"] = json!(list);
        }
        if !ledger.unmatched.is_zero() {
            row["unmatchedSellQty"] = fig(ledger.unmatched);
        }
        rows.push(row);
    }

    let mut notes = vec![
        format!("Average-cost method: a buy adds price × qty to the position's cost, plus its commission when paid in {quote}; a commission paid in the base asset reduces the position received instead; commissions in any other asset (e.g. BNB) are listed in commissionsOther and not converted to {quote}. A sell realizes (price − average cost) × qty, minus its commission when paid in {quote}."),
        match start {
            Some(s) => format!("Only trades at or after startTime {} are included (the first {TRADES_LIMIT} per symbol); anything bought earlier has unknown cost.", time::iso8601_ms(s)),
            None => format!("Only the {TRADES_LIMIT} most recent trades per symbol are included; older trades, deposits, withdrawals and transfers are not, so a position bought earlier has unknown cost."),
        },
        "A sell beyond the known position is counted in unmatchedSellQty and realizes nothing (its cost is unknown).".to_string(),
        format!("unrealizedPnl = position × (lastPrice − averageCost) at Binance's last traded price; figures are exact decimals rounded to {PLACES} places."),
    ];
    if plan.by == "holdings" {
        notes.push(format!("Without symbols: every asset held (free + locked) with an <asset>{quote} market, at most {MAX_SYMBOLS}, the largest by value in {quote} first; skipped lists the others with the reason (dust: worth less than the symbol's minimum order notional). Pass symbols to choose them yourself."));
    }
    for (reason, symbols) in &by_reason {
        let list = symbols.join(", ");
        notes.push(match *reason {
            "trade_history_limit" => {
                let missing = if start.is_some() {
                    "later trades were left out; call again with a later startTime"
                } else {
                    "older trades were left out; pass startTime to cover a chosen period"
                };
                format!("Binance returned the full {TRADES_LIMIT} trades for {list}: {missing}.")
            }
            "sold_beyond_position" => format!("{list}: more was sold than the trades used bought; unmatchedQty realizes nothing (its cost is unknown)."),
            "held_not_in_trades" => format!("{list}: the account holds more than the trades used explain (deposits, transfers, Convert, other pairs or earlier trades); unmatchedQty has unknown cost and is not in unrealizedPnl."),
            _ => format!("{list}: the trades used leave more than the account holds now (withdrawn, transferred, moved to Earn or sold on another pair); unrealizedPnl still counts unmatchedQty."),
        });
    }
    let over_cap = plan.skipped.iter().any(|s| s.reason == "over_cap");
    let complete = by_reason.is_empty() && !over_cap;
    let covered: Vec<&str> = plan.pairs.iter().map(|(s, _)| s.as_str()).collect();
    let skipped: Vec<Value> = plan.skipped.iter().map(Skip::render).collect();
    let (skipped, truncated) = cap(
        skipped,
        SKIPPED_CAP,
        Keep::First,
        "skipped is cut; the assets with a market come first",
    );
    let mut out = json!({
        "quoteAsset": quote,
        "method": "average cost",
        "selectedBy": plan.by,
        "complete": complete,
        "covered": covered,
        "skipped": skipped,
        "symbols": rows,
        "totals": {
            "quoteAsset": quote,
            "realized": fig(realized),
            "unrealized": fig(unrealized),
            "total": fig(ck(realized.checked_add(unrealized))?),
            "commissionsOther": others(&other_total),
        },
        "notes": notes,
    });
    if let Some(s) = start {
        out["startTime"] = json!(time::iso8601_ms(s));
    }
    if let Some(t) = truncated {
        out["truncated"] = t;
    }
    Ok(out)
}
