//! The policy's `[futures]` limits, checked at execution under the account
//! lock. A refusal names the policy key and the numbers, is
//! `not_permitted`, and means nothing was sent.

use super::order::FuturesOrder;
use crate::policy::futures::FuturesPolicy;
use crate::policy::trading::Cap;
use crate::tool_error::{ErrorKind, ToolError};
use crate::trading::limits::shown;
use crate::trading::order::wire;
use binance_mcp_plugin::futures::FuturesOrderType;
use rust_decimal::Decimal;
use serde_json::{json, Value};
use std::str::FromStr;

fn refused(message: String, recovery: &str) -> ToolError {
    ToolError::new(ErrorKind::NotPermitted, message, recovery)
}

/// The account's standing on one symbol, from `GET /fapi/v2/positionRisk`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Position {
    /// Signed: + long, − short (one-way mode).
    pub amount: Decimal,
    pub leverage: u32,
    pub mark: Decimal,
}

impl Position {
    /// The `symbol` row of a positionRisk answer.
    pub fn from_position_risk(v: &Value, symbol: &str) -> Result<Position, ToolError> {
        let row = v
            .as_array()
            .and_then(|rows| rows.iter().find(|r| r["symbol"] == symbol))
            .ok_or_else(|| {
                crate::exchange::errors::malformed(&format!("positionRisk has no {symbol} row"))
            })?;
        let dec = |k: &str| {
            row[k]
                .as_str()
                .and_then(|s| Decimal::from_str(s).ok())
                .ok_or_else(|| {
                    crate::exchange::errors::malformed(&format!(
                        "positionRisk {k} is not a decimal"
                    ))
                })
        };
        let leverage = row["leverage"]
            .as_str()
            .and_then(|s| s.parse::<u32>().ok())
            .ok_or_else(|| {
                crate::exchange::errors::malformed("positionRisk leverage is not a number")
            })?;
        Ok(Position {
            amount: dec("positionAmt")?,
            leverage,
            mark: dec("markPrice")?,
        })
    }
}

/// `symbol` is on `futures.symbols` (if any) and not in `deny_symbols`.
pub fn check_symbol(p: &FuturesPolicy, symbol: &str) -> Result<(), ToolError> {
    if p.deny_symbols.contains(symbol) {
        return Err(refused(
            format!("{symbol} is in futures.deny_symbols"),
            "trade another symbol",
        ));
    }
    if let Some(allowed) = &p.symbols {
        if !allowed.contains(symbol) {
            let list: Vec<&str> = allowed.iter().map(String::as_str).collect();
            return Err(refused(
                format!("{symbol} is not in futures.symbols ({})", list.join(", ")),
                "trade one of the allowed symbols",
            ));
        }
    }
    Ok(())
}

/// The order type is in `futures.order_types` (when the policy lists them).
pub fn check_type(p: &FuturesPolicy, t: FuturesOrderType) -> Result<(), ToolError> {
    match &p.order_types {
        Some(types) if !types.contains(&t) => {
            let list: Vec<&str> = types.iter().map(|t| t.name()).collect();
            Err(refused(
                format!(
                    "{} orders are not in futures.order_types ({})",
                    t.name(),
                    list.join(", ")
                ),
                "use one of the allowed order types",
            ))
        }
        _ => Ok(()),
    }
}

/// `leverage` is within `futures.max_leverage`.
pub fn check_leverage(p: &FuturesPolicy, leverage: u32) -> Result<(), ToolError> {
    if leverage == 0 || leverage > p.max_leverage {
        return Err(refused(
            format!(
                "leverage {leverage}x exceeds futures.max_leverage {}x",
                p.max_leverage
            ),
            &format!("choose a leverage from 1 to {}", p.max_leverage),
        ));
    }
    Ok(())
}

/// The order against the account's `position`: the symbol's leverage within
/// `max_leverage`, and (unless it only reduces) the position after it, at
/// the mark, within `max_position_notional`. Returns the order's notional.
pub fn check_order(
    p: &FuturesPolicy,
    order: &FuturesOrder,
    position: &Position,
) -> Result<Decimal, ToolError> {
    let symbol = &order.symbol;
    if position.leverage > p.max_leverage {
        return Err(refused(
            format!(
                "{symbol} is at {}x leverage, above futures.max_leverage {}x",
                position.leverage, p.max_leverage
            ),
            &format!(
                "lower it first with set_leverage (at most {}x)",
                p.max_leverage
            ),
        ));
    }
    let qty = order.quantity.unwrap_or(position.amount.abs());
    let notional = (qty * order.valuation_price(position.mark)).round_dp(8);
    if order.reduces_only() {
        return Ok(notional);
    }
    let after = position.amount + order.signed_quantity().unwrap_or_default();
    let exposure = (after.abs() * position.mark).round_dp(8);
    if let Cap::At(max) = p.max_position_notional {
        if exposure > max {
            return Err(refused(
                format!(
                    "the {symbol} position after this order would be {} USDT at the mark, above futures.max_position_notional {}",
                    shown(exposure),
                    shown(max)
                ),
                "place a smaller order, or reduce the position first",
            )
            .with_data("positionAfter", wire(after))
            .with_data("markPrice", wire(position.mark)));
        }
    }
    Ok(notional)
}

/// `placed` + `notional` within the daily `cap`.
pub fn check_daily(cap: Option<Cap>, placed: Decimal, notional: Decimal) -> Result<(), ToolError> {
    if let Some(Cap::At(max)) = cap {
        if placed + notional > max {
            return Err(refused(
                format!(
                    "order notional {} USDT with {} USDT placed in the last 24 h exceeds the daily cap {} (futures.daily_notional decides whether that is trading.max_daily_notional or futures.max_daily_notional)",
                    shown(notional),
                    shown(placed),
                    shown(max)
                ),
                "wait for earlier orders to leave the 24 h window, or place less",
            ));
        }
    }
    Ok(())
}

/// The limits shown in a preview.
pub fn json(p: &FuturesPolicy) -> Value {
    let cap = |c: Cap| match c {
        Cap::Unlimited => json!("none"),
        Cap::At(d) => json!(wire(d)),
    };
    json!({
        "maxLeverage": p.max_leverage,
        "maxPositionNotional": cap(p.max_position_notional),
        "dailyNotional": match p.daily {
            crate::policy::futures::Daily::Shared => json!("shared with spot"),
            crate::policy::futures::Daily::Separate(c) => c.map_or(Value::Null, cap),
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::futures::order::FuturesDraft;
    use binance_mcp_plugin::trading::Side;

    fn policy() -> FuturesPolicy {
        FuturesPolicy {
            mode: crate::policy::trading::Mode::Testnet,
            max_leverage: 5,
            max_position_notional: Cap::At(Decimal::from(2000)),
            ..FuturesPolicy::off()
        }
    }

    fn order(side: Side, qty: &str, reduce: bool) -> FuturesOrder {
        FuturesOrder::check(FuturesDraft {
            symbol: "BTCUSDT".into(),
            side,
            order_type: FuturesOrderType::Market,
            quantity: Some(qty.into()),
            price: None,
            trigger_price: None,
            time_in_force: None,
            reduce_only: reduce,
            close_position: false,
            working_type: None,
            activation_price: None,
            callback_rate: None,
            client_order_id: None,
        })
        .unwrap()
    }

    #[test]
    fn the_position_after_the_order_is_capped_but_reducing_always_passes() {
        let p = policy();
        let flat = Position {
            amount: Decimal::ZERO,
            leverage: 5,
            mark: Decimal::from(50_000),
        };
        assert_eq!(
            check_order(&p, &order(Side::Buy, "0.04", false), &flat).unwrap(),
            Decimal::from(2000)
        );
        let e = check_order(&p, &order(Side::Buy, "0.05", false), &flat).unwrap_err();
        assert!(
            e.message
                .contains("2,500 USDT at the mark, above futures.max_position_notional 2,000"),
            "{}",
            e.message
        );
        let long = Position {
            amount: Decimal::new(5, 2),
            ..flat.clone()
        };
        assert!(
            check_order(&p, &order(Side::Sell, "0.01", true), &long).is_ok(),
            "reduce-only shrinks"
        );
        assert!(
            check_order(&p, &order(Side::Sell, "0.02", false), &long).is_ok(),
            "selling shrinks a long"
        );
        let high = Position {
            leverage: 20,
            ..flat
        };
        let e = check_order(&p, &order(Side::Buy, "0.001", false), &high).unwrap_err();
        assert!(
            e.message
                .contains("20x leverage, above futures.max_leverage 5x"),
            "{}",
            e.message
        );
        assert!(check_leverage(&p, 6)
            .unwrap_err()
            .message
            .contains("exceeds futures.max_leverage 5x"));
        assert!(check_daily(
            Some(Cap::At(Decimal::from(100))),
            Decimal::from(90),
            Decimal::from(20)
        )
        .is_err());
    }

    #[test]
    fn positions_are_read_from_position_risk() {
        let v = serde_json::json!([{"symbol": "BTCUSDT", "positionAmt": "-0.010", "leverage": "10", "markPrice": "60000.5"}]);
        let p = Position::from_position_risk(&v, "BTCUSDT").unwrap();
        assert_eq!(p.amount, Decimal::new(-10, 3));
        assert_eq!(p.leverage, 10);
        assert!(Position::from_position_risk(&v, "ETHUSDT").is_err());
    }
}
