//! A futures order as the host checks and sends it: the plugin's record →
//! a checked [`FuturesOrder`] (each type's required and forbidden fields,
//! exact decimals) → Binance's parameters, built by the host alone. LIMIT
//! and MARKET go to `POST /fapi/v1/order` with a `newClientOrderId`; the
//! conditional types to Binance's algo service, `POST /fapi/v1/algoOrder`
//! with `algoType=CONDITIONAL` and a `clientAlgoId` (since 2025-12-09,
//! `/fapi/v1/order` answers -4120 for them).

use crate::tool_error::ToolError;
use crate::trading::order::{decimal, invalid, valid_client_order_id, wire};
use binance_mcp_plugin::futures::{FuturesOrderType, FuturesTimeInForce, WorkingType};
use binance_mcp_plugin::trading::Side;
use rust_decimal::Decimal;
use std::fmt;

/// The plugin's order, unchecked.
#[derive(Debug, Clone)]
pub struct FuturesDraft {
    pub symbol: String,
    pub side: Side,
    pub order_type: FuturesOrderType,
    pub quantity: Option<String>,
    pub price: Option<String>,
    pub trigger_price: Option<String>,
    pub time_in_force: Option<FuturesTimeInForce>,
    pub reduce_only: bool,
    pub close_position: bool,
    pub working_type: Option<WorkingType>,
    pub activation_price: Option<String>,
    pub callback_rate: Option<String>,
    pub client_order_id: Option<String>,
}

/// A checked futures order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FuturesOrder {
    pub symbol: String,
    pub side: Side,
    pub order_type: FuturesOrderType,
    /// `None` only with `close_position`.
    pub quantity: Option<Decimal>,
    pub price: Option<Decimal>,
    pub trigger_price: Option<Decimal>,
    pub time_in_force: Option<FuturesTimeInForce>,
    pub reduce_only: bool,
    pub close_position: bool,
    pub working_type: Option<WorkingType>,
    pub activation_price: Option<Decimal>,
    pub callback_rate: Option<Decimal>,
    pub client_order_id: String,
}

fn opt(field: &str, v: Option<String>) -> Result<Option<Decimal>, ToolError> {
    v.map(|t| decimal(field, &t)).transpose()
}

fn need<T>(v: Option<T>, t: FuturesOrderType, field: &str) -> Result<T, ToolError> {
    v.ok_or_else(|| {
        invalid(
            format!("a {} order needs {field}", t.name()),
            &format!("add {field}"),
        )
    })
}

fn forbid<T>(v: &Option<T>, t: FuturesOrderType, field: &str) -> Result<(), ToolError> {
    match v {
        Some(_) => Err(invalid(
            format!("a {} order takes no {field}", t.name()),
            &format!("remove {field}"),
        )),
        None => Ok(()),
    }
}

impl FuturesOrder {
    /// Check `d`'s fields for its type; the host makes the client id when
    /// the plugin gave none.
    pub fn check(d: FuturesDraft) -> Result<Self, ToolError> {
        use FuturesOrderType as T;
        let t = d.order_type;
        let symbol = crate::trading::desk::checked_symbol(&d.symbol)?;
        let quantity = opt("quantity", d.quantity)?;
        let price = opt("price", d.price)?;
        let trigger_price = opt("triggerPrice", d.trigger_price)?;
        let activation_price = opt("activationPrice", d.activation_price)?;
        let callback_rate = opt("callbackRate", d.callback_rate)?;
        match t {
            T::Limit | T::Stop | T::TakeProfit => {
                need(price, t, "price")?;
            }
            _ => forbid(&price, t, "price")?,
        }
        match t {
            T::Limit | T::Market | T::TrailingStopMarket => {
                forbid(&trigger_price, t, "triggerPrice")?
            }
            _ => {
                need(trigger_price, t, "triggerPrice")?;
            }
        }
        if t == T::TrailingStopMarket {
            let rate = need(callback_rate, t, "callbackRate")?;
            if rate < Decimal::new(1, 1) || rate > Decimal::from(10) {
                return Err(invalid(
                    format!("callbackRate {rate} is outside 0.1 to 10 (percent)"),
                    "give a callbackRate from 0.1 to 10",
                ));
            }
        } else {
            forbid(&callback_rate, t, "callbackRate")?;
            forbid(&activation_price, t, "activationPrice")?;
        }
        if d.close_position {
            if !matches!(t, T::StopMarket | T::TakeProfitMarket) {
                return Err(invalid(
                    format!("closePosition is for STOP_MARKET and TAKE_PROFIT_MARKET, not {}", t.name()),
                    "use close_position to close now, or a STOP_MARKET / TAKE_PROFIT_MARKET with closePosition",
                ));
            }
            forbid(&quantity, t, "quantity (with closePosition)")?;
            if d.reduce_only {
                return Err(invalid(
                    "closePosition and reduceOnly cannot both be set".into(),
                    "remove reduceOnly: a closePosition order only ever closes",
                ));
            }
        } else {
            need(quantity, t, "quantity")?;
        }
        let time_in_force = match t {
            T::Limit | T::Stop | T::TakeProfit => {
                Some(d.time_in_force.unwrap_or(FuturesTimeInForce::Gtc))
            }
            _ => {
                forbid(&d.time_in_force, t, "timeInForce")?;
                None
            }
        };
        if !t.is_conditional() {
            forbid(&d.working_type, t, "workingType")?;
        }
        let client_order_id = match d.client_order_id {
            Some(id) if valid_client_order_id(&id) => id,
            Some(id) => {
                return Err(invalid(
                    format!(
                        "newClientOrderId '{}' is not valid",
                        crate::text::escaped(&id, 48)
                    ),
                    "use 1-36 characters of letters, digits, '.', '_', ':', '/' and '-'",
                ))
            }
            None => crate::exchange::outcome::new_client_order_id(),
        };
        Ok(FuturesOrder {
            symbol,
            side: d.side,
            order_type: t,
            quantity,
            price,
            trigger_price,
            time_in_force,
            reduce_only: d.reduce_only,
            close_position: d.close_position,
            working_type: d.working_type,
            activation_price,
            callback_rate,
            client_order_id,
        })
    }

    /// Where it is sent: `/fapi/v1/order`, or the algo service.
    pub fn path(&self) -> &'static str {
        if self.order_type.is_conditional() {
            "/fapi/v1/algoOrder"
        } else {
            "/fapi/v1/order"
        }
    }

    /// Binance's parameters (client id included, signature excluded).
    pub fn params(&self) -> Vec<(String, String)> {
        let mut p: Vec<(String, String)> = Vec::new();
        let mut push = |k: &str, v: String| p.push((k.into(), v));
        let conditional = self.order_type.is_conditional();
        if conditional {
            push("algoType", "CONDITIONAL".into());
        }
        push("symbol", self.symbol.clone());
        push("side", self.side.name().into());
        push("type", self.order_type.name().into());
        if let Some(q) = self.quantity {
            push("quantity", wire(q));
        }
        if let Some(v) = self.price {
            push("price", wire(v));
        }
        if let Some(v) = self.trigger_price {
            push("triggerPrice", wire(v));
        }
        if let Some(t) = self.time_in_force {
            push("timeInForce", t.name().into());
        }
        if self.reduce_only {
            push("reduceOnly", "true".into());
        }
        if self.close_position {
            push("closePosition", "true".into());
        }
        if let Some(w) = self.working_type {
            push("workingType", w.name().into());
        }
        if let Some(v) = self.activation_price {
            push("activatePrice", wire(v));
        }
        if let Some(v) = self.callback_rate {
            push("callbackRate", wire(v));
        }
        if conditional {
            push("clientAlgoId", self.client_order_id.clone());
        } else {
            push("newClientOrderId", self.client_order_id.clone());
            push("newOrderRespType", "RESULT".into());
        }
        p
    }

    /// The order without its client id: what a confirmation is bound to.
    pub fn canonical(&self) -> String {
        self.params()
            .into_iter()
            .filter(|(k, _)| {
                !matches!(
                    k.as_str(),
                    "newClientOrderId" | "clientAlgoId" | "newOrderRespType"
                )
            })
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("&")
    }

    /// The price its notional is valued at: its limit price, else its
    /// trigger, else (MARKET, trailing) `mark`.
    pub fn valuation_price(&self, mark: Decimal) -> Decimal {
        self.price.or(self.trigger_price).unwrap_or(mark)
    }

    /// The signed change it makes to a position: + for BUY, − for SELL
    /// (`None` for a closePosition order, whose size is the position's).
    pub fn signed_quantity(&self) -> Option<Decimal> {
        self.quantity.map(|q| match self.side {
            Side::Buy => q,
            Side::Sell => -q,
        })
    }

    /// Whether it can only shrink a position.
    pub fn reduces_only(&self) -> bool {
        self.reduce_only || self.close_position
    }
}

impl fmt::Display for FuturesOrder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {} {}",
            self.side.name(),
            self.order_type.name(),
            self.symbol
        )?;
        match self.quantity {
            Some(q) => write!(f, " {}", wire(q))?,
            None => write!(f, " (the whole position)")?,
        }
        if let Some(p) = self.price {
            write!(f, " at {}", wire(p))?;
        }
        if let Some(t) = self.trigger_price {
            write!(f, ", triggered at {}", wire(t))?;
        }
        if let Some(r) = self.callback_rate {
            write!(f, ", trailing {}%", wire(r))?;
        }
        if self.reduce_only {
            write!(f, ", reduce-only")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft(t: FuturesOrderType) -> FuturesDraft {
        FuturesDraft {
            symbol: "btcusdt".into(),
            side: Side::Buy,
            order_type: t,
            quantity: Some("0.010".into()),
            price: None,
            trigger_price: None,
            time_in_force: None,
            reduce_only: false,
            close_position: false,
            working_type: None,
            activation_price: None,
            callback_rate: None,
            client_order_id: Some("c1".into()),
        }
    }

    #[test]
    fn regular_and_conditional_orders_go_to_their_endpoints() {
        let mut d = draft(FuturesOrderType::Limit);
        d.price = Some("60000.0".into());
        let o = FuturesOrder::check(d).unwrap();
        assert_eq!(o.path(), "/fapi/v1/order");
        assert_eq!(
            o.canonical(),
            "symbol=BTCUSDT&side=BUY&type=LIMIT&quantity=0.01&price=60000&timeInForce=GTC"
        );
        assert!(o
            .params()
            .contains(&("newClientOrderId".into(), "c1".into())));
        let mut d = draft(FuturesOrderType::StopMarket);
        d.trigger_price = Some("65000".into());
        d.working_type = Some(WorkingType::MarkPrice);
        let o = FuturesOrder::check(d).unwrap();
        assert_eq!(o.path(), "/fapi/v1/algoOrder");
        let p = o.params();
        assert_eq!(p[0], ("algoType".into(), "CONDITIONAL".into()));
        assert!(p.contains(&("clientAlgoId".into(), "c1".into())));
        assert!(p.contains(&("workingType".into(), "MARK_PRICE".into())));
        assert_eq!(o.signed_quantity(), Some(Decimal::new(1, 2)));
    }

    #[test]
    fn each_type_gets_its_fields_or_a_clear_error() {
        use FuturesOrderType as T;
        let cases: Vec<(FuturesDraft, &str)> = vec![
            (draft(T::Limit), "needs price"),
            (draft(T::StopMarket), "needs triggerPrice"),
            (draft(T::TrailingStopMarket), "needs callbackRate"),
            (
                {
                    let mut d = draft(T::TrailingStopMarket);
                    d.callback_rate = Some("12".into());
                    d
                },
                "outside 0.1 to 10",
            ),
            (
                {
                    let mut d = draft(T::Market);
                    d.price = Some("1".into());
                    d
                },
                "takes no price",
            ),
            (
                {
                    let mut d = draft(T::Market);
                    d.close_position = true;
                    d
                },
                "closePosition is for",
            ),
            (
                {
                    let mut d = draft(T::StopMarket);
                    d.trigger_price = Some("1".into());
                    d.close_position = true;
                    d
                },
                "takes no quantity",
            ),
            (
                {
                    let mut d = draft(T::Market);
                    d.quantity = Some("1e-3".into());
                    d
                },
                "not a positive decimal",
            ),
            (
                {
                    let mut d = draft(T::Market);
                    d.quantity = None;
                    d
                },
                "needs quantity",
            ),
            (
                {
                    let mut d = draft(T::Market);
                    d.working_type = Some(WorkingType::MarkPrice);
                    d
                },
                "takes no workingType",
            ),
        ];
        for (d, want) in cases {
            let e = FuturesOrder::check(d.clone()).unwrap_err();
            assert!(
                e.message.contains(want),
                "{d:?}: want {want:?} in {}",
                e.message
            );
        }
        let mut close = draft(T::TakeProfitMarket);
        close.quantity = None;
        close.close_position = true;
        close.trigger_price = Some("70000".into());
        let o = FuturesOrder::check(close).unwrap();
        assert!(o.reduces_only() && o.signed_quantity().is_none());
    }
}
