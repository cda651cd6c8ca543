//! Trades and orders: `get_account_trades`, `get_order`, `get_open_orders`
//! and `get_all_orders` (parameters sent, shaping, caps and paging).

use super::{call, my_trade, ok, p, trades_body, Canned};
use binance_mcp_plugin::ErrorKind;

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
}

#[test]
fn account_trades_send_binance_parameters_and_shape_exactly() {
    let ex = Canned::one(
        "/api/v3/myTrades",
        &format!(
            "[{}]",
            my_trade(5, true, "65000.01000000", "0.00100000", "0.00000100", "BTC")
        ),
    );
    let out = ok(
        &ex,
        "get_account_trades",
        r#"{"symbol":"btcusdt","orderId":50,"fromId":3,"limit":"20"}"#,
    );
    assert_eq!(
        ex.params(0),
        p(&[
            ("symbol", "BTCUSDT"),
            ("orderId", "50"),
            ("fromId", "3"),
            ("limit", "20")
        ])
    );
    let t = &out["trades"][0];
    assert_eq!(t["side"], "BUY");
    assert_eq!(t["price"], "65000.01");
    assert_eq!(t["qty"], "0.001");
    assert_eq!(t["commission"], "0.000001");
    assert_eq!(t["orderId"], 50);
    assert!(out.get("nextFromId").is_none()); // 1 trade < limit 20: nothing more

    let ex = Canned::one("/api/v3/myTrades", "[]");
    ok(
        &ex,
        "get_account_trades",
        r#"{"symbol":"BTCUSDT","startTime":1000,"endTime":2000}"#,
    );
    assert_eq!(
        ex.params(0),
        p(&[
            ("symbol", "BTCUSDT"),
            ("startTime", "1000"),
            ("endTime", "2000"),
            ("limit", "100")
        ])
    );
}

#[test]
fn account_trades_keep_the_newest_or_page_forward() {
    let ex = Canned::one("/api/v3/myTrades", &trades_body(1000));
    let out = ok(
        &ex,
        "get_account_trades",
        r#"{"symbol":"BTCUSDT","limit":1000}"#,
    );
    let listed = out["trades"].as_array().unwrap();
    assert_eq!(listed.len(), crate::orders::TRADES_CAP);
    assert_eq!(listed.last().unwrap()["id"], 1000);
    assert_eq!(listed[0]["id"], 501);
    assert_eq!(out["truncated"]["kept"], "last");
    assert!(out.get("nextFromId").is_none());

    let out = ok(
        &ex,
        "get_account_trades",
        r#"{"symbol":"BTCUSDT","fromId":1,"limit":1000}"#,
    );
    let listed = out["trades"].as_array().unwrap();
    assert_eq!(listed[0]["id"], 1);
    assert_eq!(listed.last().unwrap()["id"], 500);
    assert_eq!(out["truncated"]["kept"], "first");
    assert_eq!(out["nextFromId"], 501);
}

fn order_json(id: i64, executed: &str, quote: &str) -> String {
    format!(
        r#"{{"symbol":"BTCUSDT","orderId":{id},"orderListId":-1,"clientOrderId":"c{id}","price":"100.00000000","origQty":"3.00000000","executedQty":"{executed}","cummulativeQuoteQty":"{quote}","status":"PARTIALLY_FILLED","timeInForce":"GTC","type":"LIMIT","side":"BUY","stopPrice":"0.00000000","icebergQty":"0.00000000","time":{id},"updateTime":{id},"isWorking":true,"workingTime":{id},"origQuoteOrderQty":"0.00000000","selfTradePreventionMode":"EXPIRE_MAKER"}}"#
    )
}

#[test]
fn get_order_sends_one_id_and_computes_the_average_price() {
    let ex = Canned::one(
        "/api/v3/order",
        &order_json(42, "3.00000000", "300.00000001"),
    );
    let out = ok(
        &ex,
        "get_order",
        r#"{"symbol":"BTCUSDT","origClientOrderId":"myOrder1"}"#,
    );
    assert_eq!(
        ex.params(0),
        p(&[("symbol", "BTCUSDT"), ("origClientOrderId", "myOrder1")])
    );
    let o = &out["order"];
    assert_eq!(o["orderId"], 42);
    assert_eq!(o["price"], "100");
    assert_eq!(o["avgPrice"], "100"); // 300.00000001 / 3 rounded to 8 places
    assert!(o.get("stopPrice").is_none() && o.get("orderListId").is_none());

    let ex = Canned::one("/api/v3/order", &order_json(7, "0.00000000", "-1.00000000"));
    let out = ok(&ex, "get_order", r#"{"symbol":"BTCUSDT","orderId":7}"#);
    assert_eq!(ex.params(0), p(&[("symbol", "BTCUSDT"), ("orderId", "7")]));
    assert!(out["order"].get("avgPrice").is_none());
    assert_eq!(out["order"]["cummulativeQuoteQty"], "-1");
}

#[test]
fn open_and_all_orders_are_shaped_and_capped() {
    let ex = Canned::one(
        "/api/v3/openOrders",
        &format!(
            "[{},{}]",
            order_json(2, "1.5", "151.5"),
            order_json(1, "0", "0")
        ),
    );
    let out = ok(&ex, "get_open_orders", "{}");
    assert!(ex.params(0).is_empty());
    assert_eq!(out["count"], 2);
    assert_eq!(out["orders"][0]["orderId"], 1); // oldest first
    assert_eq!(out["orders"][1]["avgPrice"], "101");
    ok(&ex, "get_open_orders", r#"{"symbol":"ethusdt"}"#);
    assert_eq!(ex.params(1), p(&[("symbol", "ETHUSDT")]));

    let all: Vec<String> = (1..=700).map(|i| order_json(i, "1", "100")).collect();
    let ex = Canned::one("/api/v3/allOrders", &format!("[{}]", all.join(",")));
    let out = ok(
        &ex,
        "get_all_orders",
        r#"{"symbol":"BTCUSDT","limit":1000}"#,
    );
    assert_eq!(ex.params(0), p(&[("symbol", "BTCUSDT"), ("limit", "1000")]));
    assert_eq!(
        out["orders"].as_array().unwrap().len(),
        crate::orders::ORDERS_CAP
    );
    assert_eq!(out["orders"][0]["orderId"], 201);
    assert_eq!(out["truncated"]["available"], 700);
    let out = ok(
        &ex,
        "get_all_orders",
        r#"{"symbol":"BTCUSDT","orderId":1,"limit":1000}"#,
    );
    assert_eq!(out["orders"][0]["orderId"], 1);
    assert_eq!(out["nextOrderId"], 501);
}
