//! Realized and unrealized profit and loss from the account's own trades,
//! by the average-cost method, in exact decimal arithmetic.
//!
//! The symbols are the caller's (`symbols`) or, without them, the account's
//! holdings that have a market in the quote asset (`quote`, default USDT).
//! Either way each symbol's trade-derived position is compared with what
//! the account holds now, and every quantity the trades do not explain
//! marks the symbol incomplete, with the reason and the quantity.

use crate::{coin_schema, dec_text, Raw};
use binance_mcp_plugin::args::Args;
use binance_mcp_plugin::exchange::fetch;
use binance_mcp_plugin::output::{self, cap, Keep};
use binance_mcp_plugin::{
    json, schema, Annotations, Decimal, ErrorKind, Exchange, Request, Tool, ToolError, Value,
};
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

/// Why a symbol's figures are incomplete.
const INCOMPLETE_REASONS: [&str; 4] = [
    "trade_history_limit",
    "sold_beyond_position",
    "held_not_in_trades",
    "position_not_held",
];
/// Why a held asset was not covered.
const SKIP_REASONS: [&str; 4] = ["quote_asset", "no_market", "dust", "over_cap"];

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

/// One fill, as the PnL needs it.
#[derive(Debug, Clone)]
pub(crate) struct Fill {
    pub id: i64,
    pub is_buyer: bool,
    pub price: Decimal,
    pub qty: Decimal,
    pub commission: Decimal,
    pub commission_asset: String,
}

impl Fill {
    fn parse(t: &Value) -> Result<Fill, ToolError> {
        let fill = Fill {
            id: output::int(&t["id"])?,
            is_buyer: crate::boolean(&t["isBuyer"])?,
            price: output::decimal(&t["price"])?,
            qty: output::decimal(&t["qty"])?,
            commission: output::decimal(&t["commission"])?,
            commission_asset: output::text(&t["commissionAsset"])?,
        };
        if fill.price.is_sign_negative()
            || fill.qty.is_sign_negative()
            || fill.commission.is_sign_negative()
        {
            return Err(ToolError::bad_exchange_data(format!(
                "trade {} has a negative price, quantity or commission",
                fill.id
            )));
        }
        Ok(fill)
    }
}

/// The running state of one symbol under the average-cost method.
#[derive(Debug, Default)]
pub(crate) struct Ledger {
    /// Base quantity held.
    pub position: Decimal,
    /// Total cost of `position`, in the quote asset.
    pub cost: Decimal,
    pub realized: Decimal,
    /// Base sold beyond the known position.
    pub unmatched: Decimal,
    /// Commissions in third assets, by asset.
    pub other: BTreeMap<String, Decimal>,
}

impl Ledger {
    /// Apply one fill of a symbol with base asset `base` and quote `quote`.
    pub(crate) fn apply(&mut self, f: &Fill, base: &str, quote: &str) -> Result<(), ToolError> {
        let fee_in_quote = f.commission_asset == quote;
        let fee_in_base = f.commission_asset == base;
        if f.is_buyer {
            // Cost grows by what was paid, quote-asset commission included.
            self.cost = ck(self.cost.checked_add(ck(f.price.checked_mul(f.qty))?))?;
            self.position = ck(self.position.checked_add(f.qty))?;
            if fee_in_quote {
                self.cost = ck(self.cost.checked_add(f.commission))?;
            } else if fee_in_base {
                // Fewer units received for the same cost: the average rises.
                if f.commission > self.position {
                    return Err(ToolError::bad_exchange_data(format!(
                        "trade {} has a commission larger than the quantity bought",
                        f.id
                    )));
                }
                self.position = ck(self.position.checked_sub(f.commission))?;
            }
        } else {
            let (matched, cost_out) = self.take(f.qty)?;
            let proceeds = ck(f.price.checked_mul(matched))?;
            self.realized = ck(self
                .realized
                .checked_add(ck(proceeds.checked_sub(cost_out))?))?;
            self.unmatched = ck(self.unmatched.checked_add(ck(f.qty.checked_sub(matched))?))?;
            if fee_in_quote {
                self.realized = ck(self.realized.checked_sub(f.commission))?;
            } else if fee_in_base {
                // Base given up for nothing: a loss at the average cost.
                let (m, c) = self.take(f.commission)?;
                self.realized = ck(self.realized.checked_sub(c))?;
                self.unmatched = ck(self.unmatched.checked_add(ck(f.commission.checked_sub(m))?))?;
            }
        }
        if !fee_in_quote && !fee_in_base && !f.commission.is_zero() {
            let slot = self.other.entry(f.commission_asset.clone()).or_default();
            *slot = ck(slot.checked_add(f.commission))?;
        }
        Ok(())
    }

    /// Remove up to `qty` from the position at the average cost; returns the
    /// quantity removed and its cost.
    fn take(&mut self, qty: Decimal) -> Result<(Decimal, Decimal), ToolError> {
        let matched = qty.min(self.position);
        if matched <= Decimal::ZERO {
            return Ok((Decimal::ZERO, Decimal::ZERO));
        }
        let cost_out = if matched == self.position {
            self.cost
        } else {
            // Multiply first: exact whenever the average itself is.
            ck(ck(self.cost.checked_mul(matched))?.checked_div(self.position))?
        };
        self.position = ck(self.position.checked_sub(matched))?;
        self.cost = if self.position.is_zero() {
            Decimal::ZERO
        } else {
            ck(self.cost.checked_sub(cost_out))?
        };
        Ok((matched, cost_out))
    }

    pub(crate) fn average_cost(&self) -> Result<Decimal, ToolError> {
        if self.position.is_zero() {
            Ok(Decimal::ZERO)
        } else {
            ck(self.cost.checked_div(self.position))
        }
    }

    /// position × lastPrice − cost, i.e. position × (lastPrice − averageCost).
    pub(crate) fn unrealized(&self, last: Decimal) -> Result<Decimal, ToolError> {
        ck(ck(self.position.checked_mul(last))?.checked_sub(self.cost))
    }
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

/// `symbol` for one, `symbols` (a JSON array) for several.
fn selection(req: Request, symbols: &[String]) -> Request {
    match symbols {
        [one] => req.param("symbol", one),
        many => req.param("symbols", json!(many).to_string()),
    }
}

fn as_list(body: Value) -> Vec<Value> {
    match body {
        Value::Array(items) => items,
        other => vec![other],
    }
}

/// One symbol to cover: (symbol, base asset).
type Pair = (String, String);

/// A held asset left out, and why (one of [`SKIP_REASONS`]).
struct Skip {
    asset: String,
    held: Decimal,
    reason: &'static str,
    /// The market it would have used, with the holding's value in the quote.
    market: Option<(String, Decimal)>,
}

impl Skip {
    fn render(&self) -> Value {
        let mut v =
            json!({ "asset": self.asset, "heldQty": fig(self.held), "reason": self.reason });
        if let Some((symbol, value)) = &self.market {
            v["symbol"] = json!(symbol);
            v["value"] = fig(*value);
        }
        v
    }
}

/// What to cover: the quote asset, the symbols, their last prices, the
/// account's holdings and (holdings only) what was left out.
struct Plan {
    quote: String,
    by: &'static str,
    pairs: Vec<Pair>,
    last: BTreeMap<String, Decimal>,
    held: BTreeMap<String, Decimal>,
    skipped: Vec<Skip>,
}

/// The account's non-zero holdings (free + locked), in Binance's order.
fn holdings(ex: &dyn Exchange) -> Result<Vec<(String, Decimal)>, ToolError> {
    let body: Value = fetch(
        ex,
        &Request::spot_get("/api/v3/account").param("omitZeroBalances", "true"),
    )?;
    let raw = body["balances"]
        .as_array()
        .ok_or_else(|| ToolError::bad_exchange_data("account without 'balances'"))?;
    let mut out = Vec::with_capacity(raw.len());
    for b in raw {
        let total = ck(output::decimal(&b["free"])?.checked_add(output::decimal(&b["locked"])?))?;
        if !total.is_zero() {
            out.push((output::text(&b["asset"])?, total));
        }
    }
    Ok(out)
}

/// Base asset, quote asset and minimum order notional of a symbol.
struct Info {
    base: String,
    quote: String,
    min_notional: Decimal,
}

/// Exchange info (public, weight 20) for `symbols`.
fn symbol_info(ex: &dyn Exchange, symbols: &[String]) -> Result<BTreeMap<String, Info>, ToolError> {
    let info: Value = fetch(
        ex,
        &selection(Request::spot_get("/api/v3/exchangeInfo"), symbols)
            .param("showPermissionSets", "false"),
    )?;
    let mut out = BTreeMap::new();
    for s in info["symbols"].as_array().into_iter().flatten() {
        let mut min_notional = Decimal::ZERO;
        for f in s["filters"].as_array().into_iter().flatten() {
            if matches!(f["filterType"].as_str(), Some("NOTIONAL" | "MIN_NOTIONAL"))
                && !f["minNotional"].is_null()
            {
                min_notional = min_notional.max(output::decimal(&f["minNotional"])?);
            }
        }
        out.insert(
            output::text(&s["symbol"])?,
            Info {
                base: output::text(&s["baseAsset"])?,
                quote: output::text(&s["quoteAsset"])?,
                min_notional,
            },
        );
    }
    Ok(out)
}

/// Last prices by symbol from a ticker/price answer.
fn prices(body: Value) -> Result<BTreeMap<String, Decimal>, ToolError> {
    let mut last = BTreeMap::new();
    for p in as_list(body) {
        last.insert(output::text(&p["symbol"])?, output::decimal(&p["price"])?);
    }
    Ok(last)
}

/// The caller's symbols: they must share one quote asset (and be `quote`,
/// when given), refused before any signed request.
fn by_symbols(
    ex: &dyn Exchange,
    symbols: Vec<String>,
    quote_arg: Option<String>,
) -> Result<Plan, ToolError> {
    let info = symbol_info(ex, &symbols)?;
    let mut pairs = Vec::with_capacity(symbols.len());
    let mut quotes = Vec::with_capacity(symbols.len());
    for s in &symbols {
        let i = info
            .get(s)
            .ok_or_else(|| ToolError::bad_exchange_data(format!("exchange info lacks {s}")))?;
        pairs.push((s.clone(), i.base.clone()));
        quotes.push((s.clone(), i.quote.clone()));
    }
    let quote = quotes[0].1.clone();
    if quotes.iter().any(|(_, q)| *q != quote) {
        let each: Vec<String> = quotes.iter().map(|(s, q)| format!("{s}: {q}")).collect();
        return Err(ToolError {
            data: Some(Box::new(
                json!({ "argument": "symbols", "example": "[\"BTCUSDT\",\"ETHUSDT\"]" }),
            )),
            ..ToolError::new(
                ErrorKind::InvalidArgument,
                format!(
                    "argument 'symbols' mixes quote assets ({})",
                    each.join(", ")
                ),
                "call get_pnl once per quote asset, e.g. {\"symbols\":[\"BTCUSDT\",\"ETHUSDT\"]}",
            )
        });
    }
    if let Some(q) = quote_arg.filter(|q| *q != quote) {
        return Err(ToolError::invalid(
            "quote",
            format!("is {q} but the symbols' quote asset is {quote}"),
            &format!("\"{quote}\", or omit quote"),
        ));
    }
    let held = holdings(ex)?.into_iter().collect();
    let last = prices(fetch(
        ex,
        &selection(Request::spot_get("/api/v3/ticker/price"), &symbols),
    )?)?;
    Ok(Plan {
        quote,
        by: "symbols",
        pairs,
        last,
        held,
        skipped: Vec::new(),
    })
}

/// The account's holdings with an `<asset><quote>` market: the most valuable
/// [`MAX_SYMBOLS`] that are not dust; every other held asset is skipped with
/// its reason.
fn by_holdings(ex: &dyn Exchange, quote: String) -> Result<Plan, ToolError> {
    let held = holdings(ex)?;
    // Every last price (weight 4): which markets exist, and the values.
    let last = prices(fetch(ex, &Request::spot_get("/api/v3/ticker/price"))?)?;
    let mut skipped = Vec::new();
    let mut candidates = Vec::new(); // (asset, held, symbol, value)
    for (asset, qty) in &held {
        let symbol = format!("{asset}{quote}");
        let skip = |reason| Skip {
            asset: asset.clone(),
            held: *qty,
            reason,
            market: None,
        };
        if *asset == quote {
            skipped.push(skip("quote_asset"));
        } else if let Some(price) = last.get(&symbol) {
            candidates.push((asset.clone(), *qty, symbol, ck(qty.checked_mul(*price))?));
        } else {
            skipped.push(skip("no_market"));
        }
    }
    candidates.sort_by(|a, b| b.3.cmp(&a.3).then_with(|| a.0.cmp(&b.0)));
    let over = |(asset, held, symbol, value): (String, Decimal, String, Decimal), reason| Skip {
        asset,
        held,
        reason,
        market: Some((symbol, value)),
    };
    let rest = if candidates.len() > CANDIDATES_CAP {
        candidates.split_off(CANDIDATES_CAP)
    } else {
        Vec::new()
    };
    let info = if candidates.is_empty() {
        BTreeMap::new()
    } else {
        let symbols: Vec<String> = candidates.iter().map(|c| c.2.clone()).collect();
        symbol_info(ex, &symbols)?
    };
    let mut pairs = Vec::new();
    for c in candidates {
        // A listed symbol that only looks like <asset><quote> does not count.
        let fits = info.get(&c.2).filter(|i| i.base == c.0 && i.quote == quote);
        match fits {
            None => skipped.push(Skip {
                market: None,
                ..over(c, "no_market")
            }),
            Some(i) if c.3 < i.min_notional => skipped.push(over(c, "dust")),
            Some(_) if pairs.len() >= MAX_SYMBOLS => skipped.push(over(c, "over_cap")),
            Some(_) => pairs.push((c.2, c.0)),
        }
    }
    skipped.extend(rest.into_iter().map(|c| over(c, "over_cap")));
    // The quote first, then what has a market (most valuable first), then
    // what has none.
    let rank = |s: &Skip| match s.reason {
        "quote_asset" => 0,
        "over_cap" => 1,
        "dust" => 2,
        _ => 3,
    };
    skipped.sort_by(|a, b| {
        rank(a)
            .cmp(&rank(b))
            .then_with(|| {
                let v = |s: &Skip| s.market.as_ref().map(|m| m.1);
                v(b).cmp(&v(a))
            })
            .then_with(|| a.asset.cmp(&b.asset))
    });
    Ok(Plan {
        quote,
        by: "holdings",
        pairs,
        last,
        held: held.into_iter().collect(),
        skipped,
    })
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
        let mut incomplete: Vec<(&'static str, Option<Decimal>)> = Vec::new();
        if (fills.len() as i64) >= TRADES_LIMIT {
            incomplete.push(("trade_history_limit", None));
        }
        if !ledger.unmatched.is_zero() {
            incomplete.push(("sold_beyond_position", Some(ledger.unmatched)));
        }
        if held > ledger.position {
            let q = ck(held.checked_sub(ledger.position))?;
            incomplete.push(("held_not_in_trades", Some(q)));
        } else if held < ledger.position {
            let q = ck(ledger.position.checked_sub(held))?;
            incomplete.push(("position_not_held", Some(q)));
        }
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
