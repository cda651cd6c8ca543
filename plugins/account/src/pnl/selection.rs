//! Which symbols one `get_pnl` call covers: the caller's `symbols` (one
//! quote asset, checked before any signed request) or, without them, the
//! account's holdings with an `<asset><quote>` market, the most valuable
//! first, every other held asset skipped with its reason. Also fetches
//! what the figures need besides the trades: holdings and last prices.

use super::{ck, fig, CANDIDATES_CAP, MAX_SYMBOLS};
use binance_mcp_plugin::exchange::fetch;
use binance_mcp_plugin::output;
use binance_mcp_plugin::{json, Decimal, ErrorKind, Exchange, Request, ToolError, Value};
use std::collections::BTreeMap;

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
pub(super) type Pair = (String, String);

/// A held asset left out, and why (quote_asset, no_market, dust or
/// over_cap).
pub(super) struct Skip {
    asset: String,
    held: Decimal,
    pub(super) reason: &'static str,
    /// The market it would have used, with the holding's value in the quote.
    market: Option<(String, Decimal)>,
}

impl Skip {
    pub(super) fn render(&self) -> Value {
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
pub(super) struct Plan {
    pub(super) quote: String,
    pub(super) by: &'static str,
    pub(super) pairs: Vec<Pair>,
    pub(super) last: BTreeMap<String, Decimal>,
    pub(super) held: BTreeMap<String, Decimal>,
    pub(super) skipped: Vec<Skip>,
}

/// The account's non-zero holdings (free + locked), in Binance's order.
fn holdings(ex: &dyn Exchange) -> Result<Vec<(String, Decimal)>, ToolError> {
    let body = crate::balances::account(ex)?;
    Ok(crate::balances::holdings(&body)?
        .into_iter()
        .map(|h| (h.asset, h.total))
        .collect())
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
pub(super) fn by_symbols(
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
pub(super) fn by_holdings(ex: &dyn Exchange, quote: String) -> Result<Plan, ToolError> {
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
