//! `get_order`, `get_open_orders` and `get_all_orders`: the parameters
//! sent, orders without the fields at their default, ISO times, and caps
//! with a cursor on 1000-order answers.

use super::{call, ok, p, Canned};
use crate::orders::{OPEN_ORDERS_CAP, ORDERS_CAP, ORDERS_DEFAULT_LIMIT};
use binance_mcp_plugin::{json, ErrorKind, Value};

/// A resting LIMIT order with every field at Binance's default: placed at
/// `id` ms, a 22-character client order id.
pub(super) fn order_json(id: i64) -> Value {
    json!({
        "symbol": "BTCUSDT", "orderId": id, "orderListId": -1,
        "clientOrderId": format!("x-A1B2C3D4E5F6G7{id:06}"),
        "price": "65000.01000000", "origQty": "0.00123000", "executedQty": "0.00000000",
        "cummulativeQuoteQty": "0.00000000", "status": "NEW", "timeInForce": "GTC",
        "type": "LIMIT", "side": "BUY", "stopPrice": "0.00000000", "icebergQty": "0.00000000",
        "time": 1_700_000_000_000i64 + id, "updateTime": 1_700_000_000_000i64 + id,
        "isWorking": true, "workingTime": 1_700_000_000_000i64 + id,
        "origQuoteOrderQty": "0.00000000", "selfTradePreventionMode": "EXPIRE_MAKER"
    })
}

fn list(orders: impl IntoIterator<Item = Value>) -> String {
    Value::Array(orders.into_iter().collect()).to_string()
}

#[test]
fn fields_at_their_default_are_omitted() {
    let resting = order_json(7);
    let mut market = order_json(8);
    for (k, v) in [
        ("type", json!("MARKET")),
        ("status", json!("FILLED")),
        ("price", json!("0.00000000")),
        ("origQty", json!("3.00000000")),
        ("executedQty", json!("3.00000000")),
        ("cummulativeQuoteQty", json!("300.00000001")),
        ("updateTime", json!(1_700_000_000_020i64)),
        ("selfTradePreventionMode", json!("NONE")),
    ] {
        market[k] = v;
    }
    let mut stop = order_json(9);
    for (k, v) in [
        ("type", json!("STOP_LOSS_LIMIT")),
        ("stopPrice", json!("64000.00000000")),
        ("icebergQty", json!("0.00100000")),
        ("isWorking", json!(false)),
        ("workingTime", json!(-1)),
        ("orderListId", json!(5)),
        ("selfTradePreventionMode", json!("EXPIRE_TAKER")),
    ] {
        stop[k] = v;
    }
    let mut old = order_json(10);
    for (k, v) in [
        ("status", json!("CANCELED")),
        ("executedQty", json!("0.001")),
        ("cummulativeQuoteQty", json!("-1.00000000")),
        ("isWorking", json!(false)),
        ("workingTime", json!(1_700_000_000_500i64)),
    ] {
        old[k] = v;
    }
    let ex = Canned::one("/api/v3/openOrders", &list([old, stop, market, resting]));
    let out = ok(&ex, "get_open_orders", "{}");
    assert!(ex.params(0).is_empty());
    let o = out["orders"].as_array().unwrap();
    assert_eq!(
        o[0],
        json!({"symbol":"BTCUSDT","orderId":7,"clientOrderId":"x-A1B2C3D4E5F6G7000007","side":"BUY",
               "type":"LIMIT","status":"NEW","price":"65000.01","origQty":"0.00123","executedQty":"0",
               "timeInForce":"GTC","time":"2023-11-14T22:13:20.007Z"})
    );
    // MARKET: no price 0 nor time in force; the fill's quote, average price
    // (300.00000001 / 3 to 8 places) and last update. Closed yet working
    // (as Binance says of a filled order): isWorking is shown.
    assert_eq!(
        o[1],
        json!({"symbol":"BTCUSDT","orderId":8,"clientOrderId":"x-A1B2C3D4E5F6G7000008","side":"BUY",
               "type":"MARKET","status":"FILLED","origQty":"3","executedQty":"3",
               "cummulativeQuoteQty":"300.00000001","avgPrice":"100","time":"2023-11-14T22:13:20.008Z",
               "updateTime":"2023-11-14T22:13:20.020Z","isWorking":true})
    );
    // A stop order waiting for its trigger: open but not working.
    let s = &o[2];
    assert_eq!(s["stopPrice"], "64000");
    assert_eq!(s["icebergQty"], "0.001");
    assert_eq!(s["isWorking"], false);
    assert_eq!(s["orderListId"], 5);
    assert_eq!(s["selfTradePreventionMode"], "EXPIRE_TAKER");
    assert!(s.get("workingTime").is_none() && s.get("cummulativeQuoteQty").is_none());
    // An old order Binance has no quote figure for: shown as sent, no average.
    let c = &o[3];
    assert_eq!(c["cummulativeQuoteQty"], "-1");
    assert!(c.get("avgPrice").is_none() && c.get("isWorking").is_none());
    assert_eq!(c["workingTime"], "2023-11-14T22:13:20.500Z");
}

#[test]
fn get_order_wants_exactly_one_id_and_gives_an_example() {
    let ex = Canned::new(&[]);
    for args in [
        r#"{"symbol":"BTCUSDT"}"#,
        r#"{"symbol":"BTCUSDT","orderId":7,"origClientOrderId":"x1"}"#,
    ] {
        let e = call(&ex, "get_order", args).unwrap_err();
        assert_eq!(e.kind, ErrorKind::InvalidArgument);
        assert!(e.message.contains("exactly one"), "{e}");
        assert!(e.recovery.contains(r#""orderId":12345"#), "{e}");
        assert!(e.data.is_some());
    }
    assert!(ex.requests().is_empty());

    let ex = Canned::one("/api/v3/order", &order_json(42).to_string());
    let out = ok(
        &ex,
        "get_order",
        r#"{"symbol":"btcusdt","origClientOrderId":"x-A1B2C3D4E5F6G7000042"}"#,
    );
    assert_eq!(
        ex.params(0),
        p(&[
            ("symbol", "BTCUSDT"),
            ("origClientOrderId", "x-A1B2C3D4E5F6G7000042")
        ])
    );
    assert_eq!(out["order"]["orderId"], 42);
    let ex = Canned::one("/api/v3/order", &order_json(7).to_string());
    ok(&ex, "get_order", r#"{"symbol":"BTCUSDT","orderId":7}"#);
    assert_eq!(ex.params(0), p(&[("symbol", "BTCUSDT"), ("orderId", "7")]));
}

#[test]
fn open_orders_are_capped_oldest_first() {
    // Newest first in the answer: the tool sorts them.
    let ex = Canned::one(
        "/api/v3/openOrders",
        &list((1..=1000).rev().map(order_json)),
    );
    let out = ok(&ex, "get_open_orders", r#"{"symbol":"btcusdt"}"#);
    assert_eq!(ex.params(0), p(&[("symbol", "BTCUSDT")]));
    let o = out["orders"].as_array().unwrap();
    assert_eq!(o.len(), ORDERS_CAP, "one symbol: the largest answer's cap");
    assert_eq!(o[0]["orderId"], 1);
    assert_eq!(out["truncated"]["available"], 1000);
    assert_eq!(out["truncated"]["kept"], "first");
    assert!(out["truncated"]["hint"]
        .as_str()
        .unwrap()
        .contains("get_all_orders"));
    // Every symbol: the tool's default call, held to the default budget.
    let ex = Canned::one(
        "/api/v3/openOrders",
        &list((1..=1000).rev().map(order_json)),
    );
    let out = ok(&ex, "get_open_orders", "{}");
    assert_eq!(out["orders"].as_array().unwrap().len(), OPEN_ORDERS_CAP);
    assert!(out["truncated"]["hint"]
        .as_str()
        .unwrap()
        .contains("symbol"));
}

#[test]
fn all_orders_keep_the_newest_or_page_forward() {
    let ex = Canned::one("/api/v3/allOrders", &list((1..=1000).map(order_json)));
    let out = ok(&ex, "get_all_orders", r#"{"symbol":"BTCUSDT"}"#);
    let default = ORDERS_DEFAULT_LIMIT.to_string();
    assert_eq!(
        ex.params(0),
        p(&[("symbol", "BTCUSDT"), ("limit", default.as_str())])
    );
    let o = out["orders"].as_array().unwrap();
    assert_eq!(o.len(), ORDERS_CAP);
    assert_eq!(o[0]["orderId"], 1001 - ORDERS_CAP as i64);
    assert_eq!(out["truncated"]["kept"], "last");
    assert!(out["truncated"]["hint"]
        .as_str()
        .unwrap()
        .contains("orderId 1 "));
    assert!(out.get("nextOrderId").is_none());

    let out = ok(
        &ex,
        "get_all_orders",
        r#"{"symbol":"BTCUSDT","startTime":"2023-11-14T22:13:20Z","limit":1000}"#,
    );
    assert_eq!(
        ex.params(1),
        p(&[
            ("symbol", "BTCUSDT"),
            ("startTime", "1700000000000"),
            ("limit", "1000")
        ])
    );
    assert_eq!(out["orders"][0]["orderId"], 1);
    assert_eq!(out["nextOrderId"], ORDERS_CAP as i64 + 1);
    assert_eq!(out["truncated"]["kept"], "first");
}
