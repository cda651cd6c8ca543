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
use binance_mcp_plugin::exchange::fetch;
use binance_mcp_plugin::output::{cap, Keep};
use binance_mcp_plugin::{
    json, schema, Annotations, Decimal, Exchange, Request, Tool, ToolError, Value,
};
use ledger::INCOMPLETE_REASONS;
pub(crate) use ledger::{Fill, Ledger};
use selection::{by_holdings, by_symbols, Skip, SKIP_REASONS};
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

pub const PNL: Tool = Tool {
    name: "get_pnl",
    title: "Profit and loss",
    description: "Realized and unrealized profit and loss per symbol and in total, in one quote asset, from the account's own trades by the average-cost method: position (base quantity the trades leave), heldQty (what the account holds now, free + locked), average cost, last price, realized and unrealized PnL. symbols: 1-10 symbols sharing one quote asset (e.g. [\"BTCUSDT\",\"ETHUSDT\"]). Without symbols: every asset the account holds that has a market in quote (default USDT; e.g. BTC, FDUSD), at most 10 symbols, the largest holdings by value in quote first; skipped lists the other held assets and why (quote_asset, no_market, dust = worth less than the symbol's minimum order notional, over_cap). complete is false, with the reason and unmatchedQty per symbol in incomplete, whenever a quantity is not explained by the trades used: Binance's 1000-trade limit was hit, more was sold than the trades bought, the account holds more than the trades explain (deposits, transfers, other pairs, older trades), or less. Only the last 1000 trades per symbol are used (with startTime: the first 1000 at or after it); commissions paid in a third asset such as BNB are reported separately, not converted. The notes field states the method and its limits. Costs request weight 20 per symbol plus 20 for the balances, 20 for exchange info and 2-4 for prices.",
    input_schema: || {
        let mut symbols = schema::symbols(MAX_SYMBOLS);
        symbols["description"] = json!(format!(
            "1 to {MAX_SYMBOLS} symbols with the same quote asset, e.g. [\"BTCUSDT\",\"ETHUSDT\"]. Omit to cover the account's holdings in quote."
        ));
        schema::object(
            json!({
                "symbols": symbols,
                "quote": coin_schema("Without symbols: the quote asset whose <asset><quote> markets are covered and in which holdings are ranked (default USDT). With symbols: must be their quote asset."),
                "startTime": schema::timestamp("Only trades at or after this.")
            }),
            &[],
        )
    },
    output_schema: || {
        let d = schema::decimal;
        let others = json!({
            "type": "array",
            "description": "Commissions paid in assets other than the symbol's base and quote (e.g. BNB), not converted.",
            "items": {
                "type": "object",
                "properties": { "asset": { "type": "string" }, "amount": d("Commission paid in this asset") },
                "required": ["asset", "amount"],
                "additionalProperties": false
            }
        });
        schema::object(
            json!({
                "quoteAsset": { "type": "string", "description": "The asset every figure is in" },
                "method": { "type": "string", "enum": ["average cost"] },
                "selectedBy": { "type": "string", "enum": ["symbols", "holdings"], "description": "symbols: the caller's list; holdings: the account's balances with a market in quoteAsset" },
                "startTime": { "type": "integer", "description": "Present when trades were limited to those at or after it" },
                "complete": { "type": "boolean", "description": "true only when every symbol is complete and no held asset was left out for the cap" },
                "covered": { "type": "array", "items": { "type": "string" }, "description": "The symbols covered, in the order of symbols" },
                "skipped": { "type": "array", "description": "Held assets not covered (holdings only; empty with symbols)", "items": {
                    "type": "object",
                    "properties": {
                        "asset": { "type": "string" },
                        "heldQty": d("free + locked"),
                        "reason": { "type": "string", "enum": SKIP_REASONS, "description": "quote_asset: the quote itself; no_market: no <asset><quote> symbol; dust: worth less than the symbol's minimum order notional; over_cap: beyond the 10 largest holdings" },
                        "symbol": { "type": "string" },
                        "value": d("heldQty × last price, in quoteAsset")
                    },
                    "required": ["asset", "heldQty", "reason"],
                    "additionalProperties": false
                }},
                "symbols": { "type": "array", "items": {
                    "type": "object",
                    "properties": {
                        "symbol": { "type": "string" }, "baseAsset": { "type": "string" },
                        "position": d("Base quantity held according to the trades used"),
                        "heldQty": d("Base quantity the account holds now (free + locked)"),
                        "averageCost": d("Cost per unit of the position, commissions in the quote asset included (0 when flat)"),
                        "lastPrice": d("Last traded price"),
                        "realizedPnl": d("Realized profit (negative: loss)"),
                        "unrealizedPnl": d("position × (lastPrice − averageCost)"),
                        "totalPnl": d("realizedPnl + unrealizedPnl"),
                        "tradeCount": { "type": "integer", "description": "Trades used" },
                        "complete": { "type": "boolean", "description": "false when any quantity is not explained by the trades used; incomplete says what" },
                        "incomplete": { "type": "array", "description": "Present when complete is false", "items": {
                            "type": "object",
                            "properties": {
                                "reason": { "type": "string", "enum": INCOMPLETE_REASONS, "description": "trade_history_limit: Binance returned the full 1000 trades, more exist; sold_beyond_position: sold more than the trades bought (cost unknown, realizes nothing); held_not_in_trades: heldQty exceeds position (cost unknown, not in unrealizedPnl); position_not_held: position exceeds heldQty (unrealizedPnl counts it)" },
                                "unmatchedQty": d("The base quantity concerned")
                            },
                            "required": ["reason"],
                            "additionalProperties": false
                        }},
                        "unmatchedSellQty": d("Base quantity sold beyond the known position (bought before the trades used); present when non-zero. It realizes nothing."),
                        "commissionsOther": others
                    },
                    "required": ["symbol", "baseAsset", "position", "heldQty", "averageCost", "lastPrice", "realizedPnl", "unrealizedPnl", "totalPnl", "tradeCount", "complete", "commissionsOther"],
                    "additionalProperties": false
                }},
                "totals": {
                    "type": "object",
                    "properties": {
                        "quoteAsset": { "type": "string" },
                        "realized": d("Sum of realized PnL"),
                        "unrealized": d("Sum of unrealized PnL"),
                        "total": d("realized + unrealized"),
                        "commissionsOther": others
                    },
                    "required": ["quoteAsset", "realized", "unrealized", "total", "commissionsOther"],
                    "additionalProperties": false
                },
                "notes": { "type": "array", "items": { "type": "string" }, "description": "The method and what the figures leave out" },
                "truncated": schema::truncation()
            }),
            &["quoteAsset", "method", "selectedBy", "complete", "covered", "skipped", "symbols", "totals", "notes"],
        )
    },
    annotations: Annotations::READ_ONLY_EXCHANGE,
    run: pnl,
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
    let start = a.timestamp_ms("startTime")?;
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
            Some(s) => format!("Only trades at or after startTime {s} are included (the first {TRADES_LIMIT} per symbol); anything bought earlier has unknown cost."),
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
        out["startTime"] = json!(s);
    }
    if let Some(t) = truncated {
        out["truncated"] = t;
    }
    Ok(out)
}
