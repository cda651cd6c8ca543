//! A spot order as the host sends it: built from the plugin's typed record,
//! every field checked for its order type, decimals exact, and turned into
//! Binance's parameters by the host alone — no parameter can slip past the
//! checks, and nothing is sent as `1e-05` or without its `timeInForce`.

use crate::tool_error::{ErrorKind, ToolError};
use rust_decimal::Decimal;
use std::fmt;
use std::str::FromStr;

pub use binance_mcp_plugin::trading::{OrderType, Side, TimeInForce};

/// Which fields each order type takes (Binance's rules).
fn has_price(t: OrderType) -> bool {
    matches!(
        t,
        OrderType::Limit
            | OrderType::LimitMaker
            | OrderType::StopLossLimit
            | OrderType::TakeProfitLimit
    )
}

fn has_stop(t: OrderType) -> bool {
    matches!(
        t,
        OrderType::StopLoss
            | OrderType::StopLossLimit
            | OrderType::TakeProfit
            | OrderType::TakeProfitLimit
    )
}

fn has_time_in_force(t: OrderType) -> bool {
    matches!(
        t,
        OrderType::Limit | OrderType::StopLossLimit | OrderType::TakeProfitLimit
    )
}

/// A checked order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpotOrder {
    pub symbol: String,
    pub side: Side,
    pub order_type: OrderType,
    pub quantity: Option<Decimal>,
    pub quote_quantity: Option<Decimal>,
    pub price: Option<Decimal>,
    pub stop_price: Option<Decimal>,
    /// Set for the types that need one (GTC when the caller gave none).
    pub time_in_force: Option<TimeInForce>,
    /// `newClientOrderId`: the caller's, or one the host made.
    pub client_order_id: String,
}

/// What the caller asked for, before checks (the WIT record's fields).
#[derive(Debug, Clone, Default)]
pub struct Draft {
    pub symbol: String,
    pub side: Option<Side>,
    pub order_type: Option<OrderType>,
    pub quantity: Option<String>,
    pub quote_quantity: Option<String>,
    pub price: Option<String>,
    pub stop_price: Option<String>,
    pub time_in_force: Option<TimeInForce>,
    pub client_order_id: Option<String>,
}

pub(crate) fn invalid(message: String, recovery: &str) -> ToolError {
    ToolError::new(ErrorKind::InvalidArgument, message, recovery)
}

/// A positive exact decimal from text as Binance writes it (no exponent,
/// at most 20 significant digits before normalizing).
pub fn decimal(field: &str, text: &str) -> Result<Decimal, ToolError> {
    let t = text.trim();
    let plain = !t.is_empty()
        && t.len() <= 40
        && t.bytes().all(|b| b.is_ascii_digit() || b == b'.')
        && t.bytes().filter(|&b| b == b'.').count() <= 1;
    let value = plain.then(|| Decimal::from_str(t).ok()).flatten();
    match value {
        Some(d) if d > Decimal::ZERO => Ok(d.normalize()),
        _ => Err(invalid(
            format!(
                "{field} '{}' is not a positive decimal",
                crate::text::escaped(t, 48)
            ),
            &format!("write {field} as plain decimal text, e.g. \"0.00150\""),
        )),
    }
}

/// Binance's client order id rule: `^[.A-Z:/a-z0-9_-]{1,36}$`.
pub fn valid_client_order_id(id: &str) -> bool {
    (1..=36).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b".:/_-".contains(&b))
}

/// A decimal as Binance's parameters want it: plain digits, no exponent,
/// no trailing zeros.
pub fn wire(d: Decimal) -> String {
    let s = d.normalize().to_string();
    if s.contains('e') || s.contains('E') {
        // rust_decimal never prints exponents; guard the invariant anyway.
        format!("{:.*}", d.scale() as usize, d)
    } else {
        s
    }
}

impl SpotOrder {
    /// Check `draft`: each field present exactly when its order type uses
    /// it, decimals positive and exact, the symbol and client id well formed.
    pub fn check(draft: Draft) -> Result<SpotOrder, ToolError> {
        let symbol = draft.symbol.trim().to_ascii_uppercase();
        let symbol_ok = (1..=20).contains(&symbol.len())
            && symbol
                .bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit());
        if !symbol_ok {
            return Err(invalid(
                format!(
                    "symbol '{}' is not a Binance symbol",
                    crate::text::escaped(&draft.symbol, 32)
                ),
                "use a symbol such as BTCUSDT",
            ));
        }
        let side = draft
            .side
            .ok_or_else(|| invalid("side is required".into(), "give side BUY or SELL"))?;
        let order_type = draft.order_type.ok_or_else(|| {
            invalid("type is required".into(), "give type LIMIT, MARKET, STOP_LOSS, STOP_LOSS_LIMIT, TAKE_PROFIT, TAKE_PROFIT_LIMIT or LIMIT_MAKER")
        })?;
        let t = order_type.name();
        let parse =
            |field: &str, v: &Option<String>| v.as_deref().map(|x| decimal(field, x)).transpose();
        let quantity = parse("quantity", &draft.quantity)?;
        let quote_quantity = parse("quoteOrderQty", &draft.quote_quantity)?;
        let price = parse("price", &draft.price)?;
        let stop_price = parse("stopPrice", &draft.stop_price)?;

        let need = |ok: bool, what: &str| {
            if ok {
                Ok(())
            } else {
                Err(invalid(
                    format!("a {t} order {what}"),
                    "give the fields its type needs (see the tool's description)",
                ))
            }
        };
        match order_type {
            OrderType::Market => need(
                quantity.is_some() != quote_quantity.is_some(),
                "needs exactly one of quantity and quoteOrderQty",
            )?,
            _ => {
                need(quantity.is_some(), "needs quantity")?;
                need(
                    quote_quantity.is_none(),
                    "takes no quoteOrderQty (MARKET only)",
                )?;
            }
        }
        need(
            price.is_some() == has_price(order_type),
            if has_price(order_type) {
                "needs price"
            } else {
                "takes no price"
            },
        )?;
        need(
            stop_price.is_some() == has_stop(order_type),
            if has_stop(order_type) {
                "needs stopPrice"
            } else {
                "takes no stopPrice"
            },
        )?;
        let time_in_force = if has_time_in_force(order_type) {
            Some(draft.time_in_force.unwrap_or(TimeInForce::Gtc))
        } else {
            need(draft.time_in_force.is_none(), "takes no timeInForce")?;
            None
        };
        let client_order_id = match draft.client_order_id {
            Some(id) if valid_client_order_id(&id) => id,
            Some(id) => {
                return Err(invalid(
                    format!(
                        "clientOrderId '{}' is not valid",
                        crate::text::escaped(&id, 48)
                    ),
                    "use 1-36 of A-Z a-z 0-9 . : / _ -, or omit it and the host makes one",
                ))
            }
            None => crate::exchange::outcome::new_client_order_id(),
        };
        Ok(SpotOrder {
            symbol,
            side,
            order_type,
            quantity,
            quote_quantity,
            price,
            stop_price,
            time_in_force,
            client_order_id,
        })
    }

    /// Binance's parameters, in a fixed order (the host adds the timestamp
    /// and signature). `FULL` answers carry the fills.
    pub fn params(&self) -> Vec<(String, String)> {
        let mut p: Vec<(String, String)> = vec![
            ("symbol".into(), self.symbol.clone()),
            ("side".into(), self.side.name().into()),
            ("type".into(), self.order_type.name().into()),
        ];
        if let Some(tif) = self.time_in_force {
            p.push(("timeInForce".into(), tif.name().into()));
        }
        for (name, value) in [
            ("quantity", self.quantity),
            ("quoteOrderQty", self.quote_quantity),
            ("price", self.price),
            ("stopPrice", self.stop_price),
        ] {
            if let Some(v) = value {
                p.push((name.into(), wire(v)));
            }
        }
        p.push(("newClientOrderId".into(), self.client_order_id.clone()));
        p.push(("newOrderRespType".into(), "FULL".into()));
        p
    }

    /// The order without its client id, as stable text: what a confirmation
    /// token is bound to (the id may be made anew on the confirming call).
    pub fn canonical(&self) -> String {
        self.params()
            .into_iter()
            .filter(|(k, _)| k != "newClientOrderId" && k != "newOrderRespType")
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("&")
    }

    /// The price the order's notional is valued at: its limit price, else
    /// its stop price, else (`MARKET`) `reference` (a fresh market price).
    pub fn valuation_price(&self, reference: Option<Decimal>) -> Option<Decimal> {
        self.price.or(self.stop_price).or(reference)
    }

    /// The order's notional in the quote asset: `quoteOrderQty`, or the
    /// quantity at [`SpotOrder::valuation_price`].
    pub fn notional(&self, reference: Option<Decimal>) -> Option<Decimal> {
        if let Some(q) = self.quote_quantity {
            return Some(q);
        }
        Some(self.quantity? * self.valuation_price(reference)?)
    }

    /// Whether the notional needs a market price to be known.
    pub fn needs_reference_price(&self) -> bool {
        self.quote_quantity.is_none() && self.price.is_none() && self.stop_price.is_none()
    }
}

impl fmt::Display for SpotOrder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {} {}",
            self.side.name(),
            self.order_type.name(),
            self.symbol
        )?;
        if let Some(q) = self.quantity {
            write!(f, " quantity {}", wire(q))?;
        }
        if let Some(q) = self.quote_quantity {
            write!(f, " for {} quote", wire(q))?;
        }
        if let Some(p) = self.price {
            write!(f, " at {}", wire(p))?;
        }
        if let Some(s) = self.stop_price {
            write!(f, " stop {}", wire(s))?;
        }
        if let Some(t) = self.time_in_force {
            write!(f, " {}", t.name())?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft(t: OrderType) -> Draft {
        Draft {
            symbol: "btcusdt".into(),
            side: Some(Side::Buy),
            order_type: Some(t),
            quantity: Some("0.00150".into()),
            ..Draft::default()
        }
    }

    #[test]
    fn a_limit_order_gets_gtc_and_plain_decimals() {
        let o = SpotOrder::check(Draft {
            price: Some("65000.10".into()),
            client_order_id: Some("my-1".into()),
            ..draft(OrderType::Limit)
        })
        .unwrap();
        assert_eq!(o.symbol, "BTCUSDT");
        let p = o.params();
        let get = |k: &str| p.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
        assert_eq!(get("timeInForce"), Some("GTC"));
        assert_eq!(get("quantity"), Some("0.0015"));
        assert_eq!(get("price"), Some("65000.1"));
        assert_eq!(get("newClientOrderId"), Some("my-1"));
        assert_eq!(
            o.notional(None),
            Some(Decimal::from_str("97.50015").unwrap())
        );
        assert_eq!(
            o.canonical(),
            "symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=0.0015&price=65000.1"
        );
        assert_eq!(wire(Decimal::from_str("0.00001").unwrap()), "0.00001");
    }

    #[test]
    fn fields_must_fit_the_order_type() {
        let e = SpotOrder::check(draft(OrderType::Limit)).unwrap_err();
        assert!(e.message.contains("needs price"), "{}", e.message);
        let e = SpotOrder::check(Draft {
            quote_quantity: Some("10".into()),
            ..draft(OrderType::Market)
        })
        .unwrap_err();
        assert!(e.message.contains("exactly one"), "{}", e.message);
        let e = SpotOrder::check(Draft {
            time_in_force: Some(TimeInForce::Ioc),
            ..draft(OrderType::Market)
        })
        .unwrap_err();
        assert!(e.message.contains("takes no timeInForce"), "{}", e.message);
        let e = SpotOrder::check(Draft {
            price: Some("1".into()),
            ..draft(OrderType::StopLossLimit)
        })
        .unwrap_err();
        assert!(e.message.contains("needs stopPrice"), "{}", e.message);
        for bad in ["1e-05", "-1", "0", "abc", "1.2.3", ""] {
            let e = SpotOrder::check(Draft {
                quantity: Some(bad.into()),
                ..draft(OrderType::Market)
            })
            .unwrap_err();
            assert_eq!(e.kind, ErrorKind::InvalidArgument, "{bad}");
        }
        let e = SpotOrder::check(Draft {
            client_order_id: Some("has space".into()),
            ..draft(OrderType::Market)
        })
        .unwrap_err();
        assert!(e.message.contains("clientOrderId"), "{}", e.message);
    }

    #[test]
    fn notional_uses_the_limit_then_stop_then_market_price() {
        let m = SpotOrder::check(draft(OrderType::Market)).unwrap();
        assert!(m.needs_reference_price());
        assert_eq!(m.notional(None), None);
        assert_eq!(
            m.notional(Some(Decimal::from(60000))),
            Some(Decimal::from(90))
        );
        let s = SpotOrder::check(Draft {
            stop_price: Some("50000".into()),
            ..draft(OrderType::StopLoss)
        })
        .unwrap();
        assert_eq!(s.notional(None), Some(Decimal::from(75)));
        let q = SpotOrder::check(Draft {
            quantity: None,
            quote_quantity: Some("25".into()),
            ..draft(OrderType::Market)
        })
        .unwrap();
        assert_eq!(q.notional(None), Some(Decimal::from(25)));
        assert!(q.client_order_id.starts_with("bmcp-"));
    }
}
