//! Binance's spot symbol filters, checked with exact decimals before an
//! order is sent (PRICE_FILTER, LOT_SIZE, MARKET_LOT_SIZE, MIN_NOTIONAL,
//! NOTIONAL, PERCENT_PRICE_BY_SIDE; the symbol's status and order types).
//! A violation names the filter and the numbers, and gives the nearest valid
//! values, so a model corrects its order in one step. Binance's own check
//! (-1013 "Filter failure: NAME") stays the final word.

use super::order::{invalid, wire, OrderType, Side, SpotOrder};
use crate::tool_error::ToolError;
use rust_decimal::Decimal;
use serde_json::Value;
use std::str::FromStr;

/// Most filters read from one symbol (the answer comes from the network).
const MAX_FILTERS: usize = 32;

/// `min ≤ x ≤ max` on a grid of `step` from `min`; a zero disables its rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Range {
    pub min: Decimal,
    pub max: Decimal,
    pub step: Decimal,
}

/// `NOTIONAL` (or the older `MIN_NOTIONAL`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Notional {
    pub min: Decimal,
    /// Zero: no maximum.
    pub max: Decimal,
    pub apply_min_to_market: bool,
    pub apply_max_to_market: bool,
}

/// `PERCENT_PRICE_BY_SIDE`: multipliers around the average price.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PercentBySide {
    pub bid_up: Decimal,
    pub bid_down: Decimal,
    pub ask_up: Decimal,
    pub ask_down: Decimal,
}

/// One symbol's trading rules.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SymbolRules {
    pub symbol: String,
    pub status: String,
    pub quote_asset: String,
    pub order_types: Vec<String>,
    pub price: Option<Range>,
    pub lot: Option<Range>,
    pub market_lot: Option<Range>,
    pub notional: Option<Notional>,
    pub percent: Option<PercentBySide>,
}

/// A passed check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Checked {
    /// The order's notional in the quote asset, when it can be known.
    pub notional: Option<Decimal>,
}

/// A failed check, with the nearest valid values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilterViolation {
    pub filter: &'static str,
    pub message: String,
    pub nearest_quantity: Option<Decimal>,
    pub nearest_price: Option<Decimal>,
}

impl FilterViolation {
    /// As the tool error a model reads (`invalid_argument`: the order is
    /// wrong for the exchange, not refused by the operator).
    pub fn to_tool_error(&self) -> ToolError {
        let mut hint = String::from("correct the order");
        if let Some(q) = self.nearest_quantity {
            hint.push_str(&format!(": the nearest valid quantity is {}", wire(q)));
        }
        if let Some(p) = self.nearest_price {
            hint.push_str(&format!(
                "{} the nearest valid price is {}",
                if self.nearest_quantity.is_some() {
                    ";"
                } else {
                    ":"
                },
                wire(p)
            ));
        }
        let mut e = invalid(
            format!("Filter failure: {}: {}", self.filter, self.message),
            &hint,
        )
        .with_data("filter", self.filter);
        if let Some(q) = self.nearest_quantity {
            e = e.with_data("nearest_quantity", wire(q));
        }
        if let Some(p) = self.nearest_price {
            e = e.with_data("nearest_price", wire(p));
        }
        e
    }
}

fn dec(f: &Value, key: &str) -> Result<Decimal, String> {
    match &f[key] {
        Value::String(s) if s.len() <= 40 => {
            Decimal::from_str(s).map_err(|_| format!("{key} '{s}' is not a decimal"))
        }
        Value::Null => Ok(Decimal::ZERO),
        _ => Err(format!("{key} is not a decimal string")),
    }
}

fn range(f: &Value, min: &str, max: &str, step: &str) -> Result<Range, String> {
    Ok(Range {
        min: dec(f, min)?,
        max: dec(f, max)?,
        step: dec(f, step)?,
    })
}

impl SymbolRules {
    /// Read one entry of exchangeInfo's `symbols`.
    pub fn from_exchange_info(s: &Value) -> Result<SymbolRules, String> {
        let text = |k: &str| {
            s[k].as_str()
                .filter(|v| v.len() <= 32)
                .map(str::to_string)
                .ok_or_else(|| format!("no {k}"))
        };
        let mut rules = SymbolRules {
            symbol: text("symbol")?,
            status: text("status")?,
            quote_asset: text("quoteAsset")?,
            order_types: s["orderTypes"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .take(16)
                        .filter_map(|t| t.as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default(),
            ..SymbolRules::default()
        };
        let filters = s["filters"].as_array().map(Vec::as_slice).unwrap_or(&[]);
        if filters.len() > MAX_FILTERS {
            return Err(format!("{} filters (at most {MAX_FILTERS})", filters.len()));
        }
        for f in filters {
            match f["filterType"].as_str().unwrap_or("") {
                "PRICE_FILTER" => rules.price = Some(range(f, "minPrice", "maxPrice", "tickSize")?),
                "LOT_SIZE" => rules.lot = Some(range(f, "minQty", "maxQty", "stepSize")?),
                "MARKET_LOT_SIZE" => {
                    rules.market_lot = Some(range(f, "minQty", "maxQty", "stepSize")?)
                }
                "NOTIONAL" => {
                    rules.notional = Some(Notional {
                        min: dec(f, "minNotional")?,
                        max: dec(f, "maxNotional")?,
                        apply_min_to_market: f["applyMinToMarket"].as_bool().unwrap_or(true),
                        apply_max_to_market: f["applyMaxToMarket"].as_bool().unwrap_or(false),
                    })
                }
                "MIN_NOTIONAL" if rules.notional.is_none() => {
                    rules.notional = Some(Notional {
                        min: dec(f, "minNotional")?,
                        max: Decimal::ZERO,
                        apply_min_to_market: f["applyToMarket"].as_bool().unwrap_or(true),
                        apply_max_to_market: false,
                    })
                }
                "PERCENT_PRICE_BY_SIDE" => {
                    rules.percent = Some(PercentBySide {
                        bid_up: dec(f, "bidMultiplierUp")?,
                        bid_down: dec(f, "bidMultiplierDown")?,
                        ask_up: dec(f, "askMultiplierUp")?,
                        ask_down: dec(f, "askMultiplierDown")?,
                    })
                }
                // Others (MAX_NUM_ORDERS, ICEBERG_PARTS, …) are Binance's to check.
                _ => {}
            }
        }
        Ok(rules)
    }

    /// Whether a check needs a market price besides the order's own.
    pub fn needs_reference_price(&self) -> bool {
        self.percent.is_some()
    }

    /// Check `o`; `reference` is a recent market price (MARKET notional,
    /// PERCENT_PRICE_BY_SIDE), `None` skips what needs it.
    pub fn check(
        &self,
        o: &SpotOrder,
        reference: Option<Decimal>,
    ) -> Result<Checked, FilterViolation> {
        let fail =
            |filter, message: String, q: Option<Decimal>, p: Option<Decimal>| FilterViolation {
                filter,
                message,
                nearest_quantity: q,
                nearest_price: p,
            };
        if self.status != "TRADING" {
            return Err(fail(
                "STATUS",
                format!("{} is {}, not TRADING", self.symbol, self.status),
                None,
                None,
            ));
        }
        let t = o.order_type.name();
        if !self.order_types.is_empty() && !self.order_types.iter().any(|x| x == t) {
            return Err(fail(
                "ORDER_TYPES",
                format!(
                    "{} does not take {t} orders (it takes {})",
                    self.symbol,
                    self.order_types.join(", ")
                ),
                None,
                None,
            ));
        }
        if let Some(r) = self.price {
            for (name, v) in [("price", o.price), ("stopPrice", o.stop_price)] {
                if let Some(v) = v {
                    if let Some(why) = outside(r, v) {
                        return Err(fail(
                            "PRICE_FILTER",
                            format!("{name} {} {why}", wire(v)),
                            None,
                            Some(nearest(r, v)),
                        ));
                    }
                }
            }
        }
        let market = o.order_type == OrderType::Market;
        let lot = if market {
            self.market_lot.or(self.lot)
        } else {
            self.lot
        };
        let filter_name = if market && self.market_lot.is_some() {
            "MARKET_LOT_SIZE"
        } else {
            "LOT_SIZE"
        };
        if let (Some(r), Some(q)) = (lot, o.quantity) {
            if let Some(why) = outside(r, q) {
                return Err(fail(
                    filter_name,
                    format!("quantity {} {why}", wire(q)),
                    Some(nearest(r, q)),
                    None,
                ));
            }
        }
        let price = o
            .price
            .or(o.stop_price)
            .or(if market { reference } else { None });
        let notional = o.quote_quantity.or_else(|| Some(o.quantity? * price?));
        if let (Some(n), Some(f)) = (notional, self.notional) {
            let min_applies = !market || f.apply_min_to_market;
            let max_applies = !market || f.apply_max_to_market;
            if min_applies && !f.min.is_zero() && n < f.min {
                // The smallest quantity that reaches the minimum, rounded up to the step.
                let q = match (price, lot) {
                    (Some(p), Some(r)) if !p.is_zero() => Some(round_up(f.min / p, r)),
                    (Some(p), None) if !p.is_zero() => Some(f.min / p),
                    _ => None,
                };
                return Err(fail(
                    "NOTIONAL",
                    format!(
                        "notional {} is below minNotional {}",
                        wire(n.round_dp(8)),
                        wire(f.min)
                    ),
                    q,
                    None,
                ));
            }
            if max_applies && !f.max.is_zero() && n > f.max {
                let q = match (price, lot) {
                    (Some(p), Some(r)) if !p.is_zero() => Some(round_down(f.max / p, r)),
                    _ => None,
                };
                return Err(fail(
                    "NOTIONAL",
                    format!(
                        "notional {} is above maxNotional {}",
                        wire(n.round_dp(8)),
                        wire(f.max)
                    ),
                    q,
                    None,
                ));
            }
        }
        if let (Some(pct), Some(avg), Some(p)) = (self.percent, reference, o.price) {
            let (up, down) = match o.side {
                Side::Buy => (pct.bid_up, pct.bid_down),
                Side::Sell => (pct.ask_up, pct.ask_down),
            };
            let (lo, hi) = (avg * down, avg * up);
            if p < lo || p > hi {
                let clamped = if p < lo { lo } else { hi };
                let nearest_price = self.price.map_or(clamped, |r| {
                    // On the tick grid, inside the band.
                    if p < lo {
                        round_up(clamped, r)
                    } else {
                        round_down(clamped, r)
                    }
                });
                return Err(fail(
                    "PERCENT_PRICE_BY_SIDE",
                    format!(
                        "a {} at {} is outside {}–{} (the average price {} × {} to × {})",
                        o.side.name(),
                        wire(p),
                        wire(lo.round_dp(8)),
                        wire(hi.round_dp(8)),
                        wire(avg),
                        wire(down),
                        wire(up)
                    ),
                    None,
                    Some(nearest_price),
                ));
            }
        }
        Ok(Checked { notional })
    }
}

/// Why `v` breaks `r`, if it does.
fn outside(r: Range, v: Decimal) -> Option<String> {
    if !r.min.is_zero() && v < r.min {
        return Some(format!("is below the minimum {}", wire(r.min)));
    }
    if !r.max.is_zero() && v > r.max {
        return Some(format!("is above the maximum {}", wire(r.max)));
    }
    if !r.step.is_zero() && !((v - r.min) % r.step).is_zero() {
        return Some(format!(
            "is not a multiple of {} from {}",
            wire(r.step),
            wire(r.min)
        ));
    }
    None
}

/// The grid point at or below `v`, within `[min, max]`.
fn round_down(v: Decimal, r: Range) -> Decimal {
    let mut x = v;
    if !r.step.is_zero() {
        x = r.min + ((v - r.min) / r.step).floor() * r.step;
    }
    clamp(x, r)
}

/// The grid point at or above `v`, within `[min, max]`.
fn round_up(v: Decimal, r: Range) -> Decimal {
    let mut x = v;
    if !r.step.is_zero() {
        x = r.min + ((v - r.min) / r.step).ceil() * r.step;
    }
    clamp(x, r)
}

fn clamp(x: Decimal, r: Range) -> Decimal {
    let x = if !r.min.is_zero() && x < r.min {
        r.min
    } else {
        x
    };
    let x = if !r.max.is_zero() && x > r.max {
        r.max
    } else {
        x
    };
    x.normalize()
}

/// The nearest valid value to `v`: down to the grid (a quantity or price is
/// never raised past what was asked), up to the minimum when below it.
fn nearest(r: Range, v: Decimal) -> Decimal {
    round_down(v, r)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn btc() -> SymbolRules {
        SymbolRules::from_exchange_info(&json!({
            "symbol": "BTCUSDT", "status": "TRADING", "baseAsset": "BTC", "quoteAsset": "USDT",
            "orderTypes": ["LIMIT", "LIMIT_MAKER", "MARKET", "STOP_LOSS_LIMIT", "TAKE_PROFIT_LIMIT"],
            "filters": [
                {"filterType": "PRICE_FILTER", "minPrice": "0.01000000", "maxPrice": "1000000.00000000", "tickSize": "0.01000000"},
                {"filterType": "LOT_SIZE", "minQty": "0.00001000", "maxQty": "9000.00000000", "stepSize": "0.00001000"},
                {"filterType": "MARKET_LOT_SIZE", "minQty": "0.00000000", "maxQty": "100.00000000", "stepSize": "0.00000000"},
                {"filterType": "NOTIONAL", "minNotional": "5.00000000", "applyMinToMarket": true, "maxNotional": "9000000.00000000", "applyMaxToMarket": false, "avgPriceMins": 5},
                {"filterType": "PERCENT_PRICE_BY_SIDE", "bidMultiplierUp": "5", "bidMultiplierDown": "0.2", "askMultiplierUp": "5", "askMultiplierDown": "0.2", "avgPriceMins": 5},
                {"filterType": "MAX_NUM_ORDERS", "maxNumOrders": 200}
            ]
        }))
        .unwrap()
    }

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    fn limit(side: Side, qty: &str, price: &str) -> SpotOrder {
        SpotOrder {
            symbol: "BTCUSDT".into(),
            side,
            order_type: OrderType::Limit,
            quantity: Some(d(qty)),
            quote_quantity: None,
            price: Some(d(price)),
            stop_price: None,
            time_in_force: None,
            client_order_id: "c".into(),
        }
    }

    #[test]
    fn a_valid_order_passes_with_its_notional() {
        let c = btc()
            .check(&limit(Side::Buy, "0.001", "65000.01"), Some(d("65000")))
            .unwrap();
        assert_eq!(c.notional, Some(d("65.00001")));
    }

    #[test]
    fn violations_give_the_nearest_valid_values() {
        let r = btc();
        // Binance's documented example: 0.0007856509959147719 → 0.00078.
        let e = r
            .check(&limit(Side::Buy, "0.0007856509959147719", "65000"), None)
            .unwrap_err();
        assert_eq!(e.filter, "LOT_SIZE");
        assert_eq!(e.nearest_quantity, Some(d("0.00078")));
        let e = r
            .check(&limit(Side::Buy, "0.001", "65000.005"), None)
            .unwrap_err();
        assert_eq!(e.filter, "PRICE_FILTER");
        assert_eq!(e.nearest_price, Some(d("65000")));
        let t = e.to_tool_error();
        assert!(
            t.recovery.contains("nearest valid price is 65000"),
            "{}",
            t.recovery
        );
        // Below minNotional 5 at 65000: the smallest quantity is 0.00008 (rounded up).
        let e = r
            .check(&limit(Side::Buy, "0.00005", "65000"), None)
            .unwrap_err();
        assert_eq!(e.filter, "NOTIONAL");
        assert_eq!(e.nearest_quantity, Some(d("0.00008")));
        // A buy far above the average: clamped to 5× on the tick grid.
        let e = r
            .check(&limit(Side::Buy, "0.001", "400000"), Some(d("65000.003")))
            .unwrap_err();
        assert_eq!(e.filter, "PERCENT_PRICE_BY_SIDE");
        assert_eq!(e.nearest_price, Some(d("325000.01")));
        let e = r
            .check(&limit(Side::Sell, "1", "100"), Some(d("65000")))
            .unwrap_err();
        assert_eq!(e.nearest_price, Some(d("13000")));
    }

    #[test]
    fn market_orders_use_market_lot_size_and_the_reference_price() {
        let r = btc();
        let m = SpotOrder {
            order_type: OrderType::Market,
            quantity: Some(d("0.0000123")),
            price: None,
            ..limit(Side::Buy, "1", "1")
        };
        // MARKET_LOT_SIZE has no step here: any quantity; notional 0.80 < 5.
        let e = r.check(&m, Some(d("65000"))).unwrap_err();
        assert_eq!(e.filter, "NOTIONAL");
        let q = SpotOrder {
            quantity: None,
            quote_quantity: Some(d("10")),
            ..m.clone()
        };
        assert_eq!(r.check(&q, None).unwrap().notional, Some(d("10")));
        let mut off = r.clone();
        off.notional.as_mut().unwrap().apply_min_to_market = false;
        assert!(off.check(&m, Some(d("65000"))).is_ok());
    }

    #[test]
    fn status_types_and_malformed_rules() {
        let mut r = btc();
        let stop = SpotOrder {
            order_type: OrderType::StopLoss,
            stop_price: Some(d("60000")),
            price: None,
            ..limit(Side::Sell, "0.001", "1")
        };
        assert_eq!(r.check(&stop, None).unwrap_err().filter, "ORDER_TYPES");
        r.status = "HALT".into();
        assert_eq!(
            r.check(&limit(Side::Buy, "0.001", "65000"), None)
                .unwrap_err()
                .filter,
            "STATUS"
        );
        assert!(SymbolRules::from_exchange_info(&json!({"symbol": "X"})).is_err());
        let bad = json!({"symbol": "X", "status": "TRADING", "quoteAsset": "USDT",
            "filters": [{"filterType": "LOT_SIZE", "minQty": 1, "maxQty": "2", "stepSize": "1"}]});
        assert!(SymbolRules::from_exchange_info(&bad).is_err());
        let many = json!({"symbol": "X", "status": "TRADING", "quoteAsset": "USDT",
            "filters": vec![json!({"filterType": "X"}); 40]});
        assert!(SymbolRules::from_exchange_info(&many).is_err());
    }
}
