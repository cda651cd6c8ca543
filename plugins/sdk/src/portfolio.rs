//! An account's balances valued in USDT: the one definition the account
//! plugin's overview and the prompts plugin's portfolio views share.
//!
//! The valuation takes one request for every last price (`GET
//! /api/v3/ticker/price` without a symbol, weight 4): an asset is valued
//! through its `<ASSET>USDT` market or, when only the inverse exists, its
//! `USDT<ASSET>` market; USDT itself is worth 1. Exact decimals, rounded to
//! [`VALUE_PLACES`] places.

use crate::exchange::fetch;
use crate::output;
use crate::{Decimal, Exchange, Request, Response, ToolError, Value};
use serde::Deserialize;
use std::collections::HashMap;

/// `GET /api/v3/account` without zero balances (weight 20).
pub fn account(ex: &dyn Exchange) -> Result<Value, ToolError> {
    fetch(
        ex,
        &Request::spot_get("/api/v3/account").param("omitZeroBalances", "true"),
    )
}

/// One non-zero balance of an account answer.
pub struct Holding {
    pub asset: String,
    pub free: Decimal,
    pub locked: Decimal,
    pub total: Decimal,
}

/// The non-zero balances of an account answer, in Binance's order.
pub fn holdings(body: &Value) -> Result<Vec<Holding>, ToolError> {
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
pub const VALUE_ASSET: &str = "USDT";
/// Decimal places of a value.
pub const VALUE_PLACES: u32 = 8;

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
pub fn values(ex: &dyn Exchange, held: &[Holding]) -> Result<Vec<Option<Decimal>>, String> {
    let failed = |e: ToolError| format!("prices unavailable, nothing valued: {}", e.message);
    let resp = fetch_prices(ex).map_err(failed)?;
    let index = index(&resp).map_err(failed)?;
    Ok(held
        .iter()
        .map(|h| value(&index, &h.asset, h.total))
        .collect())
}

/// Holdings with their values, most valuable first (unvalued last), and
/// the total or why nothing is valued.
pub struct Valued {
    pub rows: Vec<(Option<Decimal>, Holding)>,
    pub total: Result<Decimal, String>,
}

/// Value `held` (one price request). Without prices, every row is unvalued
/// and `total` says why; only a total too large to add is an error.
pub fn valued(ex: &dyn Exchange, held: Vec<Holding>) -> Result<Valued, ToolError> {
    let values = values(ex, &held);
    let mut rows: Vec<(Option<Decimal>, Holding)> = match &values {
        Ok(v) => v.iter().copied().zip(held).collect(),
        Err(_) => held.into_iter().map(|h| (None, h)).collect(),
    };
    // Most valuable first, unvalued last (None sorts below every value).
    rows.sort_by_key(|r| std::cmp::Reverse(r.0));
    let total = match values {
        Ok(_) => {
            let mut total = Decimal::ZERO;
            for v in rows.iter().filter_map(|(v, _)| *v) {
                total = total
                    .checked_add(v)
                    .ok_or_else(|| ToolError::bad_exchange_data("balances too large to add up"))?;
            }
            Ok(total)
        }
        Err(e) => Err(e),
    };
    Ok(Valued { rows, total })
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
