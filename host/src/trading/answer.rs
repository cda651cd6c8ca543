//! What a trading call answers: Binance's order, shaped for a model — its
//! state, the fills as column-header + rows, the average price and the
//! commission per asset computed exactly, and times also in ISO-8601 UTC.

use rust_decimal::Decimal;
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;
use std::str::FromStr;

fn dec(v: &Value) -> Option<Decimal> {
    v.as_str().and_then(|s| Decimal::from_str(s).ok())
}

/// One order answer (`POST /api/v3/order` FULL, `DELETE /api/v3/order`, a
/// lookup after a lost answer).
pub fn order(v: &Value) -> Value {
    let Some(o) = v.as_object() else {
        return json!({"answer": v});
    };
    let mut out = Map::new();
    for key in [
        "symbol",
        "orderId",
        "orderListId",
        "clientOrderId",
        "origClientOrderId",
        "status",
        "side",
        "type",
        "timeInForce",
        "price",
        "stopPrice",
        "origQty",
        "executedQty",
        "cummulativeQuoteQty",
        "outcomeResolvedBy",
    ] {
        if let Some(x) = o.get(key) {
            if !x.is_null() && x != "0.00000000" || key == "executedQty" {
                out.insert(key.into(), x.clone());
            }
        }
    }
    for key in ["transactTime", "time", "updateTime"] {
        if let Some(ms) = o.get(key).and_then(Value::as_i64) {
            out.insert(key.into(), json!(ms));
            out.insert(format!("{key}Iso"), json!(super::iso(ms)));
        }
    }
    if let (Some(qty), Some(quote)) = (
        o.get("executedQty").and_then(dec),
        o.get("cummulativeQuoteQty").and_then(dec),
    ) {
        if qty > Decimal::ZERO {
            out.insert(
                "avgPrice".into(),
                json!(super::order::wire((quote / qty).round_dp(12))),
            );
        }
    }
    if let Some(fills) = o.get("fills").and_then(Value::as_array) {
        let mut commission: BTreeMap<String, Decimal> = BTreeMap::new();
        let rows: Vec<Value> = fills
            .iter()
            .map(|f| {
                if let (Some(c), Some(a)) = (dec(&f["commission"]), f["commissionAsset"].as_str()) {
                    *commission.entry(a.to_string()).or_default() += c;
                }
                json!([
                    f["price"],
                    f["qty"],
                    f["commission"],
                    f["commissionAsset"],
                    f["tradeId"]
                ])
            })
            .collect();
        out.insert(
            "fills".into(),
            json!({"columns": ["price", "qty", "commission", "commissionAsset", "tradeId"], "rows": rows}),
        );
        let commission: Map<String, Value> = commission
            .into_iter()
            .map(|(a, c)| (a, json!(super::order::wire(c))))
            .collect();
        out.insert("commission".into(), Value::Object(commission));
    }
    Value::Object(out)
}

/// A list of order answers (cancel-all).
pub fn orders(v: &Value) -> Value {
    match v.as_array() {
        Some(a) => Value::Array(a.iter().map(order).collect()),
        None => order(v),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fills_become_rows_with_average_price_and_commission() {
        let v = json!({"symbol":"BTCUSDT","orderId":7,"clientOrderId":"c1","status":"FILLED","side":"BUY","type":"MARKET",
            "price":"0.00000000","origQty":"0.03000000","executedQty":"0.03000000","cummulativeQuoteQty":"1500.30000000",
            "transactTime":1700000000000i64,
            "fills":[{"price":"50000.00","qty":"0.01","commission":"0.00001","commissionAsset":"BTC","tradeId":1},
                     {"price":"50015.00","qty":"0.02","commission":"0.00002","commissionAsset":"BTC","tradeId":2}]});
        let a = order(&v);
        assert_eq!(a["avgPrice"], "50010");
        assert_eq!(a["commission"]["BTC"], "0.00003");
        assert_eq!(a["fills"]["rows"].as_array().unwrap().len(), 2);
        assert_eq!(a["transactTimeIso"], "2023-11-14T22:13:20.000Z");
        assert!(
            a.get("price").is_none(),
            "a market order's zero price is left out"
        );
    }
}
