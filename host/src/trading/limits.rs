//! The policy's `[trading]` limits, checked at execution under the account
//! lock. A refusal names the policy key and the numbers, is `not_permitted`,
//! and means nothing was sent.

use super::order::{wire, SpotOrder};
use crate::policy::trading::{Mode, TradingPolicy};
use crate::tool_error::{ErrorKind, ToolError};
use rust_decimal::Decimal;

/// What the limits need to know about the account and the market.
#[derive(Debug, Clone, Default)]
pub struct Situation {
    /// The order's quote asset (from the exchange's rules).
    pub quote_asset: String,
    /// The order's notional in the quote asset (`None` when no price is
    /// known: a cap then refuses rather than guess).
    pub notional: Option<Decimal>,
    /// The rolling 24 h notional already placed in this quote asset.
    pub placed_24h: Decimal,
    /// Orders open on the account now.
    pub open_orders: Option<u32>,
}

fn refused(message: String, recovery: &str) -> ToolError {
    ToolError::new(ErrorKind::NotPermitted, message, recovery)
}

/// An amount as people read it: thousands separated, no trailing zeros.
pub fn shown(d: Decimal) -> String {
    let text = wire(d);
    let (int, frac) = text.split_once('.').unwrap_or((&text, ""));
    let mut grouped = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    if frac.is_empty() {
        grouped
    } else {
        format!("{grouped}.{frac}")
    }
}

/// Whether the policy allows placing `order` now: [`check_order`], then
/// [`check_caps`].
pub fn check(policy: &TradingPolicy, order: &SpotOrder, at: &Situation) -> Result<(), ToolError> {
    check_order(policy, order)?;
    check_caps(policy, at)
}

/// What needs nothing but the order: the mode, the symbol lists, the order
/// types (checked first: nothing is fetched for an order the policy refuses).
pub fn check_order(policy: &TradingPolicy, order: &SpotOrder) -> Result<(), ToolError> {
    if policy.mode == Mode::Off {
        return Err(refused(
            "trading is off in the operator's policy (trading.mode = false)".into(),
            "nothing can be placed; the operator decides in the policy file",
        ));
    }
    let symbol = &order.symbol;
    if policy.deny_symbols.contains(symbol) {
        return Err(refused(
            format!("{symbol} is in trading.deny_symbols"),
            "trade another symbol",
        ));
    }
    if let Some(allowed) = &policy.symbols {
        if !allowed.contains(symbol) {
            let list: Vec<&str> = allowed.iter().map(String::as_str).collect();
            return Err(refused(
                format!("{symbol} is not in trading.symbols ({})", list.join(", ")),
                "trade one of the allowed symbols",
            ));
        }
    }
    let t = order.order_type.name();
    if let Some(types) = &policy.order_types {
        if !types.contains(t) {
            let list: Vec<&str> = types.iter().map(String::as_str).collect();
            return Err(refused(
                format!(
                    "{t} orders are not in trading.order_types ({})",
                    list.join(", ")
                ),
                "use an allowed order type",
            ));
        }
    }
    Ok(())
}

/// The caps: the order's notional, the rolling 24 h notional, open orders.
pub fn check_caps(policy: &TradingPolicy, at: &Situation) -> Result<(), ToolError> {
    let quote = &at.quote_asset;
    if let Some(cap) = policy.max_order_notional.and_then(|c| c.limit()) {
        let Some(n) = at.notional else {
            return Err(refused(
                "the order's notional is unknown (no price to value it at), so trading.max_order_notional cannot be checked".into(),
                "give a price, or retry when the market price can be read",
            ));
        };
        if n > cap {
            return Err(refused(
                format!(
                    "order notional {} {quote} exceeds trading.max_order_notional {}",
                    shown(n),
                    shown(cap)
                ),
                "place a smaller order",
            )
            .with_data("notional", wire(n))
            .with_data("limit", wire(cap)));
        }
    }
    if let Some(cap) = policy.max_daily_notional.and_then(|c| c.limit()) {
        let n = at.notional.unwrap_or_default();
        let after = at.placed_24h + n;
        if at.notional.is_none() || after > cap {
            return Err(refused(
                format!(
                    "{} {quote} placed in the last 24 h plus this order's {} exceeds trading.max_daily_notional {}",
                    shown(at.placed_24h),
                    at.notional.map_or("unknown".to_string(), shown),
                    shown(cap)
                ),
                "wait until earlier orders leave the 24 h window, or place a smaller order",
            )
            .with_data("placed_24h", wire(at.placed_24h))
            .with_data("limit", wire(cap)));
        }
    }
    if let Some(max) = policy.max_open_orders {
        match at.open_orders {
            Some(open) if open >= max => {
                return Err(refused(
                    format!("{open} orders are open; trading.max_open_orders is {max}"),
                    "cancel an open order first",
                ))
            }
            Some(_) => {}
            None => {
                return Err(refused(
                    "the number of open orders is unknown, so trading.max_open_orders cannot be checked".into(),
                    "retry in a moment",
                ))
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::trading::{Cap, Confirm};
    use crate::trading::order::{Draft, OrderType, Side};
    use std::collections::BTreeSet;
    use std::str::FromStr;

    fn policy() -> TradingPolicy {
        TradingPolicy {
            mode: Mode::Testnet,
            symbols: Some(BTreeSet::from(["BTCUSDT".to_string()])),
            deny_symbols: BTreeSet::new(),
            order_types: Some(BTreeSet::from(["LIMIT".to_string()])),
            max_order_notional: Some(Cap::At(Decimal::from(1000))),
            max_daily_notional: Some(Cap::At(Decimal::from(1500))),
            max_open_orders: Some(2),
            confirm: Confirm::None,
            daily_includes_futures: false,
        }
    }

    fn order(symbol: &str, t: OrderType, qty: &str, price: Option<&str>) -> SpotOrder {
        SpotOrder::check(Draft {
            symbol: symbol.into(),
            side: Some(Side::Buy),
            order_type: Some(t),
            quantity: Some(qty.into()),
            price: price.map(Into::into),
            ..Draft::default()
        })
        .unwrap()
    }

    fn at(o: &SpotOrder, placed: i64, open: u32) -> Situation {
        Situation {
            quote_asset: "USDT".into(),
            notional: o.notional(None),
            placed_24h: Decimal::from(placed),
            open_orders: Some(open),
        }
    }

    #[test]
    fn each_limit_names_its_key_and_numbers() {
        let p = policy();
        let ok = order("BTCUSDT", OrderType::Limit, "0.01", Some("50000"));
        check(&p, &ok, &at(&ok, 0, 0)).unwrap();

        let big = order("BTCUSDT", OrderType::Limit, "0.025", Some("50000"));
        let e = check(&p, &big, &at(&big, 0, 0)).unwrap_err();
        assert_eq!(e.kind, ErrorKind::NotPermitted);
        assert_eq!(
            e.message,
            "order notional 1,250 USDT exceeds trading.max_order_notional 1,000"
        );
        let e = check(&p, &ok, &at(&ok, 1200, 0)).unwrap_err();
        assert!(e.message.contains("1,200 USDT placed in the last 24 h plus this order's 500 exceeds trading.max_daily_notional 1,500"), "{}", e.message);
        let e = check(&p, &ok, &at(&ok, 0, 2)).unwrap_err();
        assert!(
            e.message.contains("trading.max_open_orders is 2"),
            "{}",
            e.message
        );
        let eth = order("ETHUSDT", OrderType::Limit, "1", Some("100"));
        let e = check(&p, &eth, &at(&eth, 0, 0)).unwrap_err();
        assert!(
            e.message.contains("not in trading.symbols (BTCUSDT)"),
            "{}",
            e.message
        );
        let m = order("BTCUSDT", OrderType::Market, "0.01", None);
        let e = check(&p, &m, &at(&m, 0, 0)).unwrap_err();
        assert!(
            e.message.contains("not in trading.order_types"),
            "{}",
            e.message
        );
        let mut denied = policy();
        denied.deny_symbols.insert("BTCUSDT".into());
        assert!(check(&denied, &ok, &at(&ok, 0, 0))
            .unwrap_err()
            .message
            .contains("deny_symbols"));
        assert!(check(&TradingPolicy::off(), &ok, &at(&ok, 0, 0)).is_err());
    }

    #[test]
    fn an_unvalued_order_is_refused_when_a_cap_applies() {
        let mut p = policy();
        p.order_types = None;
        let m = order("BTCUSDT", OrderType::Market, "0.01", None);
        let e = check(&p, &m, &at(&m, 0, 0)).unwrap_err();
        assert!(e.message.contains("notional is unknown"), "{}", e.message);
        assert_eq!(
            shown(Decimal::from_str("1234567.5").unwrap()),
            "1,234,567.5"
        );
    }
}
