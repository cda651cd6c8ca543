//! The account overview, valued in USDT, and the commission rates of a symbol.
//!
//! The valuation takes one request for every last price (`GET
//! /api/v3/ticker/price` without a symbol, weight 4): an asset is valued
//! through its `<ASSET>USDT` market or, when only the inverse exists, its
//! `USDT<ASSET>` market; USDT itself is worth 1. Exact decimals, rounded to
//! [`VALUE_PLACES`] places. It never fails the tool: without prices the
//! balances are listed unvalued, with the reason.

use crate::{boolean, dec_text, with_marker};
use binance_mcp_plugin::args::Args;
use binance_mcp_plugin::capability::{ACCOUNT_READ, MARKET_DATA};
use binance_mcp_plugin::exchange::fetch;
use binance_mcp_plugin::output::{self, Keep};
use binance_mcp_plugin::{
    json, schema, Annotations, Decimal, Exchange, Request, Response, Run, Tool, ToolError, Value,
};
use serde::Deserialize;
use std::collections::HashMap;

/// Most balances `get_account_info` lists (the most valuable; a balance is
/// at most about 130 bytes).
pub const BALANCES_CAP: usize = 100;

/// The four rates Binance reports per account or symbol.
const RATE_FIELDS: [&str; 4] = ["maker", "taker", "buyer", "seller"];

fn rates(v: &Value) -> Result<Value, ToolError> {
    let mut out = serde_json::Map::new();
    for f in RATE_FIELDS {
        out.insert(f.into(), json!(output::dec(&v[f])?));
    }
    Ok(Value::Object(out))
}

/// `get_account_info`: balances valued in USDT, the account's flags and rates.
pub const ACCOUNT_INFO: Tool = Tool {
    name: "get_account_info",
    title: "Spot account",
    description: "Balances valued in USDT, largest first (100 listed), the total value, permissions, commission rates. Weight 24.",
    input_schema: || schema::object(json!({}), &[]),
    output_schema: || {
        schema::output(
            json!({
                "totalValueUsdt": schema::dec(),
                "balances": schema::array(json!({ "type": "object", "required": ["asset", "free", "total"] })),
                "unvalued": schema::array(schema::string()),
                "unvaluedCount": schema::int(),
                "truncated": schema::truncated()
            }),
            &["balances", "unvalued"],
        )
    },
    annotations: Annotations::READ_ONLY_EXCHANGE,
    capabilities: &[ACCOUNT_READ, MARKET_DATA],
    run: Run::Value(account_info),
};

/// `GET /api/v3/account` without zero balances (weight 20).
pub(crate) fn account(ex: &dyn Exchange) -> Result<Value, ToolError> {
    fetch(
        ex,
        &Request::spot_get("/api/v3/account").param("omitZeroBalances", "true"),
    )
}

/// One non-zero balance of an account answer.
pub(crate) struct Holding {
    pub asset: String,
    pub free: Decimal,
    pub locked: Decimal,
    pub total: Decimal,
}

/// The non-zero balances of an account answer, in Binance's order.
pub(crate) fn holdings(body: &Value) -> Result<Vec<Holding>, ToolError> {
    let raw = body["balances"]
        .as_array()
        .ok_or_else(|| ToolError::bad_exchange_data("account without 'balances'"))?;
    let mut out = Vec::with_capacity(raw.len());
    for b in raw {
        let free = output::decimal(&b["free"])?;
        let locked = output::decimal(&b["locked"])?;
        // omitZeroBalances already drops them; a zero row is skipped anyway.
        if free.is_zero() && locked.is_zero() {
            continue;
        }
        let total = free
            .checked_add(locked)
            .ok_or_else(|| ToolError::bad_exchange_data("a balance too large to add up"))?;
        out.push(Holding {
            asset: output::text(&b["asset"])?,
            free,
            locked,
            total,
        });
    }
    Ok(out)
}

/// The asset balances are valued in.
const VALUE_ASSET: &str = "USDT";
/// Decimal places of a value.
const VALUE_PLACES: u32 = 8;

/// One row of `ticker/price`, borrowed from the body.
#[derive(Deserialize)]
struct Price<'a> {
    symbol: &'a str,
    price: &'a str,
}

/// Every last price (weight 4). Keep the answer and read it with [`index`].
fn fetch_prices(ex: &dyn Exchange) -> Result<Response, ToolError> {
    ex.send(&Request::spot_get("/api/v3/ticker/price"))
}

/// The prices of a `ticker/price` answer by symbol, borrowed from it.
fn index(resp: &Response) -> Result<HashMap<&str, &str>, ToolError> {
    let list: Vec<Price> = resp.parse()?;
    Ok(list.into_iter().map(|p| (p.symbol, p.price)).collect())
}

/// A positive price of `symbol`, when listed and readable.
fn positive(index: &HashMap<&str, &str>, symbol: &str) -> Option<Decimal> {
    let text = index.get(symbol)?;
    output::decimal_text(text)
        .ok()
        .filter(|p| *p > Decimal::ZERO)
}

/// `qty` of `asset` in USDT, rounded to [`VALUE_PLACES`]; `None` when the
/// asset has no USDT market either way (or the product overflows).
fn value(index: &HashMap<&str, &str>, asset: &str, qty: Decimal) -> Option<Decimal> {
    let exact = if asset == VALUE_ASSET {
        Some(qty)
    } else if let Some(p) = positive(index, &format!("{asset}{VALUE_ASSET}")) {
        qty.checked_mul(p)
    } else if let Some(p) = positive(index, &format!("{VALUE_ASSET}{asset}")) {
        qty.checked_div(p)
    } else {
        None
    };
    exact.map(|v| v.round_dp(VALUE_PLACES).normalize())
}

/// Each holding's USDT value (`None`: no USDT market), or why there are none.
fn values(ex: &dyn Exchange, held: &[Holding]) -> Result<Vec<Option<Decimal>>, String> {
    let failed = |e: ToolError| format!("prices unavailable, nothing valued: {}", e.message);
    let resp = fetch_prices(ex).map_err(failed)?;
    let index = index(&resp).map_err(failed)?;
    Ok(held
        .iter()
        .map(|h| value(&index, &h.asset, h.total))
        .collect())
}

fn account_info(ex: &dyn Exchange, args: &str) -> Result<Value, ToolError> {
    Args::parse(args, &[])?;
    let body = account(ex)?;
    let held = holdings(&body)?;
    let permissions = match &body["permissions"] {
        Value::Array(p) => p.iter().map(output::text).collect::<Result<Vec<_>, _>>()?,
        Value::Null => Vec::new(),
        other => {
            return Err(ToolError::bad_exchange_data(format!(
                "permissions is not a list: {other}"
            )))
        }
    };
    let mut out = json!({
        "accountType": output::text(&body["accountType"])?,
        "canTrade": boolean(&body["canTrade"])?,
        "canWithdraw": boolean(&body["canWithdraw"])?,
        "canDeposit": boolean(&body["canDeposit"])?,
        "permissions": permissions,
        "commissionRates": rates(&body["commissionRates"])?,
        "updateTime": output::iso(&body["updateTime"])?,
    });
    // The valuation never fails the tool: without prices, nothing is valued.
    let valued = values(ex, &held);
    let mut rows: Vec<(Option<Decimal>, Holding)> = match &valued {
        Ok(v) => v.iter().copied().zip(held).collect(),
        Err(_) => held.into_iter().map(|h| (None, h)).collect(),
    };
    // Most valuable first, unvalued last (None sorts below every value).
    rows.sort_by_key(|r| std::cmp::Reverse(r.0));
    let unvalued: Vec<&str> = rows
        .iter()
        .filter(|(v, _)| v.is_none())
        .map(|(_, h)| h.asset.as_str())
        .collect();
    match &valued {
        Ok(_) => {
            let mut total = Decimal::ZERO;
            for v in rows.iter().filter_map(|(v, _)| *v) {
                total = total
                    .checked_add(v)
                    .ok_or_else(|| ToolError::bad_exchange_data("balances too large to add up"))?;
            }
            out["totalValueUsdt"] = json!(dec_text(total));
        }
        Err(e) => out["valuationError"] = json!(e),
    }
    // Names only, and at most a cap of them: without prices every asset
    // is unvalued, and an account may hold hundreds.
    if unvalued.len() > BALANCES_CAP {
        out["unvaluedCount"] = json!(unvalued.len());
    }
    out["unvalued"] = json!(unvalued[..unvalued.len().min(BALANCES_CAP)]);
    let mut balances = Vec::with_capacity(rows.len().min(BALANCES_CAP));
    for (value, h) in rows.iter().take(BALANCES_CAP) {
        let mut b =
            json!({ "asset": h.asset, "free": dec_text(h.free), "total": dec_text(h.total) });
        if !h.locked.is_zero() {
            b["locked"] = json!(dec_text(h.locked));
        }
        if let Some(v) = value {
            b["valueUsdt"] = json!(dec_text(*v));
        }
        balances.push(b);
    }
    out["balances"] = json!(balances);
    let marker = (rows.len() > BALANCES_CAP).then(|| {
        output::marker(
            BALANCES_CAP,
            rows.len(),
            Keep::First,
            &format!("the most valuable are listed; totalValueUsdt covers all (in {VALUE_ASSET})"),
        )
    });
    Ok(with_marker(out, marker))
}

/// `get_fee_info`: one symbol's commission rates.
pub const FEE_INFO: Tool = Tool {
    name: "get_fee_info",
    title: "Commission rates",
    description: "Commission rates for a symbol (0.001 = 0.1%): standard, tax, special, and the fee discount.",
    input_schema: || schema::object(json!({ "symbol": schema::string() }), &["symbol"]),
    output_schema: || {
        schema::output(
            json!({
                "standardCommission": { "type": "object" },
                "discount": { "type": "object" }
            }),
            &["standardCommission", "discount"],
        )
    },
    annotations: Annotations::READ_ONLY_EXCHANGE,
    capabilities: &[ACCOUNT_READ],
    run: Run::Value(fee_info),
};

fn fee_info(ex: &dyn Exchange, args: &str) -> Result<Value, ToolError> {
    let a = Args::parse(args, &["symbol"])?;
    let symbol = a.required_symbol("symbol")?;
    let body: Value = fetch(
        ex,
        &Request::spot_get("/api/v3/account/commission").param("symbol", &symbol),
    )?;
    let d = &body["discount"];
    let mut out = json!({
        "symbol": output::text(&body["symbol"])?,
        "standardCommission": rates(&body["standardCommission"])?,
        "taxCommission": rates(&body["taxCommission"])?,
        "discount": {
            "enabledForAccount": boolean(&d["enabledForAccount"])?,
            "enabledForSymbol": boolean(&d["enabledForSymbol"])?,
            "discountAsset": output::text(&d["discountAsset"])?,
            "discount": output::dec(&d["discount"])?,
        },
    });
    if body["specialCommission"].is_object() {
        out["specialCommission"] = rates(&body["specialCommission"])?;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn values_directly_inversely_or_not_at_all() {
        let index: HashMap<&str, &str> = [
            ("BTCUSDT", "65000.01000000"),
            ("USDTBRL", "5.00000000"),
            ("DEADUSDT", "0.00000000"),
            ("USDTDEAD", "0.00000000"),
            ("BADUSDT", "x"),
        ]
        .into_iter()
        .collect();
        assert_eq!(value(&index, "BTC", d("0.5")), Some(d("32500.005")));
        assert_eq!(value(&index, "BRL", d("10")), Some(d("2")));
        // 1 / 3 is cut to 8 places.
        let index3: HashMap<&str, &str> = [("USDTXYZ", "3")].into_iter().collect();
        assert_eq!(value(&index3, "XYZ", d("1")), Some(d("0.33333333")));
        assert_eq!(value(&index, "USDT", d("12.5")), Some(d("12.5")));
        // A zero or unreadable price is no market.
        assert_eq!(value(&index, "DEAD", d("1")), None);
        assert_eq!(value(&index, "BAD", d("1")), None);
        assert_eq!(value(&index, "LDBTC", d("1")), None);
    }
}
