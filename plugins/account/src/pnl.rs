//! Realized and unrealized profit and loss from the account's own trades,
//! by the average-cost method, in exact decimal arithmetic.

use crate::dec_text;
use binance_mcp_plugin::args::Args;
use binance_mcp_plugin::exchange::fetch;
use binance_mcp_plugin::output;
use binance_mcp_plugin::{
    json, schema, Annotations, Decimal, ErrorKind, Exchange, Request, Tool, ToolError, Value,
};
use std::collections::BTreeMap;

/// Most symbols one call may cover (each costs a myTrades request, weight 20).
pub const MAX_SYMBOLS: usize = 10;
/// Trades fetched per symbol (Binance's maximum).
pub const TRADES_LIMIT: i64 = 1000;
/// Decimal places of the figures reported.
const PLACES: u32 = 8;

pub const PNL: Tool = Tool {
    name: "get_pnl",
    title: "Profit and loss",
    description: "Realized and unrealized profit and loss per symbol and in total, in the symbols' common quote asset, from the account's own trades by the average-cost method: position (base quantity held), average cost, last price, realized and unrealized PnL. symbols: 1-10 symbols sharing one quote asset (e.g. [\"BTCUSDT\",\"ETHUSDT\"]). Only the last 1000 trades per symbol are used (with startTime: the first 1000 at or after it), so earlier history is missing; commissions paid in a third asset such as BNB are reported separately, not converted. The notes field states the method and its limits. Costs request weight 20 per symbol plus exchange info and prices.",
    input_schema: || {
        let mut symbols = schema::symbols(MAX_SYMBOLS);
        symbols["description"] = json!(format!(
            "1 to {MAX_SYMBOLS} symbols with the same quote asset, e.g. [\"BTCUSDT\",\"ETHUSDT\"]."
        ));
        schema::object(
            json!({
                "symbols": symbols,
                "startTime": schema::timestamp("Only trades at or after this.")
            }),
            &["symbols"],
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
                "startTime": { "type": "integer", "description": "Present when trades were limited to those at or after it" },
                "symbols": { "type": "array", "items": {
                    "type": "object",
                    "properties": {
                        "symbol": { "type": "string" }, "baseAsset": { "type": "string" },
                        "position": d("Base quantity held according to the trades used"),
                        "averageCost": d("Cost per unit of the position, commissions in the quote asset included (0 when flat)"),
                        "lastPrice": d("Last traded price"),
                        "realizedPnl": d("Realized profit (negative: loss)"),
                        "unrealizedPnl": d("position × (lastPrice − averageCost)"),
                        "totalPnl": d("realizedPnl + unrealizedPnl"),
                        "tradeCount": { "type": "integer", "description": "Trades used" },
                        "complete": { "type": "boolean", "description": "false when Binance returned the full 1000 trades, so older ones may be missing" },
                        "unmatchedSellQty": d("Base quantity sold beyond the known position (bought before the trades used); present when non-zero. It realizes nothing."),
                        "commissionsOther": others
                    },
                    "required": ["symbol", "baseAsset", "position", "averageCost", "lastPrice", "realizedPnl", "unrealizedPnl", "totalPnl", "tradeCount", "complete", "commissionsOther"],
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
                "notes": { "type": "array", "items": { "type": "string" }, "description": "The method and what the figures leave out" }
            }),
            &["quoteAsset", "method", "symbols", "totals", "notes"],
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

fn pnl(ex: &dyn Exchange, args: &str) -> Result<Value, ToolError> {
    let a = Args::parse(args, &["symbols", "startTime"])?;
    let symbols = a
        .symbols("symbols", MAX_SYMBOLS)?
        .ok_or_else(|| ToolError::invalid("symbols", "is required", "[\"BTCUSDT\",\"ETHUSDT\"]"))?;
    let start = a.timestamp_ms("startTime")?;

    // Base and quote asset of each symbol (public, weight 20).
    let info: Value = fetch(
        ex,
        &selection(Request::spot_get("/api/v3/exchangeInfo"), &symbols)
            .param("showPermissionSets", "false"),
    )?;
    let mut assets: BTreeMap<String, (String, String)> = BTreeMap::new();
    for s in info["symbols"].as_array().into_iter().flatten() {
        assets.insert(
            output::text(&s["symbol"])?,
            (
                output::text(&s["baseAsset"])?,
                output::text(&s["quoteAsset"])?,
            ),
        );
    }
    let mut pairs = Vec::with_capacity(symbols.len());
    for s in &symbols {
        let (base, quote) = assets
            .get(s)
            .ok_or_else(|| ToolError::bad_exchange_data(format!("exchange info lacks {s}")))?;
        pairs.push((s.clone(), base.clone(), quote.clone()));
    }
    let quote = pairs[0].2.clone();
    if pairs.iter().any(|(_, _, q)| *q != quote) {
        let each: Vec<String> = pairs.iter().map(|(s, _, q)| format!("{s}: {q}")).collect();
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

    // Last prices, one request for all symbols.
    let prices: Value = fetch(
        ex,
        &selection(Request::spot_get("/api/v3/ticker/price"), &symbols),
    )?;
    let mut last: BTreeMap<String, Decimal> = BTreeMap::new();
    for p in as_list(prices) {
        last.insert(output::text(&p["symbol"])?, output::decimal(&p["price"])?);
    }

    let mut rows = Vec::with_capacity(pairs.len());
    let (mut realized, mut unrealized) = (Decimal::ZERO, Decimal::ZERO);
    let mut other_total: BTreeMap<String, Decimal> = BTreeMap::new();
    let mut incomplete = Vec::new();
    for (symbol, base, _) in &pairs {
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
            ledger.apply(f, base, &quote)?;
        }
        let price = *last
            .get(symbol)
            .ok_or_else(|| ToolError::bad_exchange_data(format!("no last price for {symbol}")))?;
        let unreal = ledger.unrealized(price)?;
        realized = ck(realized.checked_add(ledger.realized))?;
        unrealized = ck(unrealized.checked_add(unreal))?;
        for (asset, amount) in &ledger.other {
            let slot = other_total.entry(asset.clone()).or_default();
            *slot = ck(slot.checked_add(*amount))?;
        }
        let complete = (fills.len() as i64) < TRADES_LIMIT;
        if !complete {
            incomplete.push(symbol.clone());
        }
        let mut row = json!({
            "symbol": symbol,
            "baseAsset": base,
            "position": fig(ledger.position),
            "averageCost": fig(ledger.average_cost()?),
            "lastPrice": fig(price),
            "realizedPnl": fig(ledger.realized),
            "unrealizedPnl": fig(unreal),
            "totalPnl": fig(ck(ledger.realized.checked_add(unreal))?),
            "tradeCount": fills.len(),
            "complete": complete,
            "commissionsOther": others(&ledger.other),
        });
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
    if !incomplete.is_empty() {
        let missing = if start.is_some() {
            "later trades were left out; call again with a later startTime"
        } else {
            "older trades were left out; pass startTime to cover a chosen period"
        };
        notes.push(format!(
            "Binance returned the full {TRADES_LIMIT} trades for {}: {missing}.",
            incomplete.join(", ")
        ));
    }
    let mut out = json!({
        "quoteAsset": quote,
        "method": "average cost",
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
    Ok(out)
}
