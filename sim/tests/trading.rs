//! End-to-end trading over raw HTTP/1.1: the order endpoints' wire
//! format, error codes, order-count limits, order lists and the test hooks.

mod common;

use binance_sim::{Decimal, Fault, FaultRule, SimConfig, Simulator, SIM_API_KEY, SIM_SECRET_KEY};
use common::*;
use hmac::{Hmac, Mac};
use serde_json::Value;
use sha2::Sha256;

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

fn sign(payload: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(SIM_SECRET_KEY.as_bytes()).unwrap();
    mac.update(payload.as_bytes());
    mac.finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A signed request with every parameter in the query string.
async fn signed(sim: &Simulator, method: &str, path: &str, params: &str) -> Reply {
    let sep = if params.is_empty() { "" } else { "&" };
    let q = format!("{params}{sep}timestamp={}", now_ms());
    let path = format!("{path}?{q}&signature={}", sign(&q));
    request(sim, method, &path, Some(SIM_API_KEY), "").await
}

async fn start() -> Simulator {
    Simulator::start(SimConfig::default()).await.unwrap()
}

fn d(v: &Value) -> Decimal {
    v.as_str().unwrap().parse().unwrap()
}

/// Asserts that `body`'s top-level object has exactly `keys`, in that
/// order (the first occurrence of each `"key":` is the top-level one for
/// the bodies tested here).
fn assert_keys(body: &str, keys: &[&str]) {
    let v: Value = serde_json::from_str(body).unwrap();
    assert_eq!(v.as_object().unwrap().len(), keys.len(), "{body}");
    let at: Vec<usize> = keys
        .iter()
        .map(|k| {
            body.find(&format!("\"{k}\":"))
                .unwrap_or_else(|| panic!("{k}: {body}"))
        })
        .collect();
    assert!(
        at.windows(2).all(|w| w[0] < w[1]),
        "{keys:?} out of order: {body}"
    );
}

#[tokio::test]
async fn orders_trades_and_queries_agree() {
    let sim = start().await;
    let m = sim.state().live_market("BTCUSDT").unwrap();
    let bid = m.bids[3].0;
    let r = signed(&sim, "POST", "/api/v3/order", &format!("symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=0.001&price={bid}&newClientOrderId=t1")).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(
        (
            r.header("x-mbx-order-count-10s"),
            r.header("x-mbx-order-count-1d")
        ),
        (Some("1"), Some("1"))
    );
    let o = r.json();
    assert_keys(
        &r.body,
        &[
            "symbol",
            "orderId",
            "orderListId",
            "clientOrderId",
            "transactTime",
            "price",
            "origQty",
            "executedQty",
            "origQuoteOrderQty",
            "cummulativeQuoteQty",
            "status",
            "timeInForce",
            "type",
            "side",
            "workingTime",
            "selfTradePreventionMode",
            "fills",
        ],
    );
    assert_eq!(
        (o["status"].as_str(), o["orderListId"].as_i64()),
        (Some("NEW"), Some(-1))
    );
    let q = signed(
        &sim,
        "GET",
        "/api/v3/order",
        "symbol=BTCUSDT&origClientOrderId=t1",
    )
    .await;
    assert_eq!(q.json()["orderId"], o["orderId"]);
    let open = signed(&sim, "GET", "/api/v3/openOrders", "symbol=BTCUSDT")
        .await
        .json();
    assert!(open
        .as_array()
        .unwrap()
        .iter()
        .any(|x| x["clientOrderId"] == "t1"));

    let mk = signed(
        &sim,
        "POST",
        "/api/v3/order",
        "symbol=BTCUSDT&side=BUY&type=MARKET&quantity=0.001",
    )
    .await
    .json();
    assert_eq!(mk["status"], "FILLED");
    let fill = &mk["fills"][0];
    assert_eq!(fill["commissionAsset"], "BTC");
    let mine = signed(
        &sim,
        "GET",
        "/api/v3/myTrades",
        &format!("symbol=BTCUSDT&orderId={}", mk["orderId"]),
    )
    .await
    .json();
    assert_eq!(mine[0]["id"], fill["tradeId"]);
    assert_eq!(mine[0]["price"], fill["price"]);
    let tape = get(&sim, "/api/v3/trades?symbol=BTCUSDT&limit=1")
        .await
        .json();
    assert_eq!(
        tape[0]["id"], fill["tradeId"],
        "the fill is on the public tape"
    );
    let all = signed(&sim, "GET", "/api/v3/allOrders", "symbol=BTCUSDT&limit=5")
        .await
        .json();
    let ids: Vec<&Value> = all
        .as_array()
        .unwrap()
        .iter()
        .map(|x| &x["orderId"])
        .collect();
    assert!(ids.contains(&&o["orderId"]) && ids.contains(&&mk["orderId"]));

    // The market falls through the resting bid: it fills as maker.
    sim.set_price("BTCUSDT", bid - m.tick_size);
    let q = signed(
        &sim,
        "GET",
        "/api/v3/order",
        "symbol=BTCUSDT&origClientOrderId=t1",
    )
    .await
    .json();
    assert_eq!(
        (q["status"].as_str(), q["executedQty"].as_str()),
        (Some("FILLED"), Some("0.00100000"))
    );
    let price = get(&sim, "/api/v3/ticker/price?symbol=BTCUSDT")
        .await
        .json();
    assert_eq!(d(&price["price"]), bid - m.tick_size);
    let book = get(&sim, "/api/v3/ticker/bookTicker?symbol=BTCUSDT")
        .await
        .json();
    assert!(d(&book["bidPrice"]) <= bid - m.tick_size && d(&book["askPrice"]) > bid - m.tick_size);
    let depth = get(&sim, "/api/v3/depth?symbol=BTCUSDT&limit=5")
        .await
        .json();
    assert_eq!(depth["bids"][0][0], book["bidPrice"]);
    sim.shutdown().await;
}

#[tokio::test]
async fn order_errors_have_binance_shapes() {
    let sim = start().await;
    let r = signed(
        &sim,
        "POST",
        "/api/v3/order",
        "symbol=NOPEUSDT&side=BUY&type=MARKET&quantity=1",
    )
    .await;
    assert_eq!(r.body, r#"{"code":-1121,"msg":"Invalid symbol."}"#);
    let r = signed(
        &sim,
        "POST",
        "/api/v3/order",
        "symbol=BTCUSDT&type=MARKET&quantity=1",
    )
    .await;
    assert_eq!(
        r.body,
        r#"{"code":-1102,"msg":"Mandatory parameter 'side' was not sent, was empty/null, or malformed."}"#
    );
    let r = signed(
        &sim,
        "POST",
        "/api/v3/order",
        "symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=0.001&price=1.001",
    )
    .await;
    assert_eq!(
        r.body,
        r#"{"code":-1013,"msg":"Filter failure: PRICE_FILTER"}"#
    );
    let ask = sim.state().live_market("BTCUSDT").unwrap().asks[0].0;
    let r = signed(
        &sim,
        "POST",
        "/api/v3/order",
        &format!("symbol=BTCUSDT&side=BUY&type=LIMIT_MAKER&quantity=0.001&price={ask}"),
    )
    .await;
    assert_eq!(
        r.body,
        r#"{"code":-2010,"msg":"Order would immediately match and take."}"#
    );
    let r = signed(
        &sim,
        "POST",
        "/api/v3/order",
        "symbol=XYZUSDT&side=BUY&type=MARKET&quantity=1",
    )
    .await;
    assert_eq!(r.json()["msg"], "Market is closed.");
    let r = signed(&sim, "DELETE", "/api/v3/order", "symbol=BTCUSDT&orderId=1").await;
    assert_eq!(r.body, r#"{"code":-2011,"msg":"Unknown order sent."}"#);
    let r = signed(&sim, "DELETE", "/api/v3/openOrders", "symbol=ETHBTC").await;
    assert_eq!(r.body, r#"{"code":-2011,"msg":"Unknown order sent."}"#);
    sim.shutdown().await;
}

#[tokio::test]
async fn test_orders_validate_without_placing() {
    let sim = start().await;
    let before = sim.state().account();
    let ok = "symbol=BTCUSDT&side=BUY&type=MARKET&quantity=0.001";
    let r = signed(&sim, "POST", "/api/v3/order/test", ok).await;
    assert_eq!((r.status, r.body.as_str()), (200, "{}"));
    let w = r.weight();
    let r = signed(
        &sim,
        "POST",
        "/api/v3/order/test",
        &format!("{ok}&computeCommissionRates=true"),
    )
    .await;
    assert_eq!(r.weight(), w + 20);
    let c = r.json();
    assert_eq!(c["standardCommissionForOrder"]["taker"], "0.00100000");
    assert_keys(
        &r.body,
        &[
            "standardCommissionForOrder",
            "specialCommissionForOrder",
            "taxCommissionForOrder",
            "discount",
        ],
    );
    let r = signed(
        &sim,
        "POST",
        "/api/v3/order/test",
        "symbol=BTCUSDT&side=BUY&type=MARKET&quantity=0.0000001",
    )
    .await;
    assert_eq!(r.body, r#"{"code":-1013,"msg":"Filter failure: LOT_SIZE"}"#);
    let r = signed(
        &sim,
        "POST",
        "/api/v3/order/test",
        "symbol=BTCUSDT&side=BUY&type=STOP_LOSS&quantity=0.001",
    )
    .await;
    assert_eq!(r.code(), -1102);
    assert_eq!(
        sim.state().account(),
        before,
        "nothing placed, nothing locked"
    );
    assert_eq!(sim.orders_received(), 0);
    assert!(r.header("x-mbx-order-count-10s").is_none());
    sim.shutdown().await;
}

#[tokio::test]
async fn order_count_limits_answer_429() {
    let sim = start().await;
    // Stay clear of a 10 s boundary so the window cannot reset mid-test.
    let into = now_ms() % 10_000;
    if into > 6_000 {
        tokio::time::sleep(std::time::Duration::from_millis((10_050 - into) as u64)).await;
    }
    sim.state().set_order_limits(2, 100);
    let info = get(&sim, "/api/v3/exchangeInfo?symbol=BTCUSDT")
        .await
        .json();
    assert_eq!(info["rateLimits"][1]["limit"], 2);
    let bid = sim.state().live_market("BTCUSDT").unwrap().bids[4].0;
    let order =
        format!("symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=0.001&price={bid}");
    for n in ["1", "2"] {
        let r = signed(&sim, "POST", "/api/v3/order", &order).await;
        assert_eq!(
            (r.status, r.header("x-mbx-order-count-10s")),
            (200, Some(n)),
            "{}",
            r.body
        );
    }
    let r = signed(&sim, "POST", "/api/v3/order", &order).await;
    assert_eq!(r.status, 429);
    assert_eq!(
        r.body,
        r#"{"code":-1015,"msg":"Too many new orders; current limit is 2 orders per 10 SECOND."}"#
    );
    assert!(r.header("retry-after").is_none());
    assert_eq!(r.header("x-mbx-order-count-10s"), Some("2"));
    let usage = signed(&sim, "GET", "/api/v3/rateLimit/order", "")
        .await
        .json();
    assert_eq!(
        (usage[0]["count"].as_u64(), usage[1]["interval"].as_str()),
        (Some(2), Some("DAY"))
    );
    assert_eq!(sim.state().stats().orders_created, 2);
    sim.shutdown().await;
}

#[tokio::test]
async fn placements_are_counted_as_received() {
    let sim = start().await;
    sim.faults()
        .push(FaultRule::new(Fault::Status(503)).on_path("/api/v3/order"));
    let order = "symbol=BTCUSDT&side=BUY&type=MARKET&quantity=0.001&newClientOrderId=r1";
    assert_eq!(
        signed(&sim, "POST", "/api/v3/order", order).await.status,
        503
    );
    assert_eq!(
        (sim.orders_received(), sim.orders_received_for("r1")),
        (1, 1)
    );
    assert_eq!(
        signed(&sim, "POST", "/api/v3/order", order).await.status,
        200
    );
    let unsigned = request(
        &sim,
        "POST",
        "/api/v3/order",
        None,
        "symbol=BTCUSDT&newClientOrderId=r1",
    )
    .await;
    assert_eq!(unsigned.status, 401);
    assert_eq!(
        (sim.orders_received(), sim.orders_received_for("r1")),
        (3, 3)
    );
    signed(
        &sim,
        "POST",
        "/api/v3/order/test",
        "symbol=BTCUSDT&side=BUY&type=MARKET&quantity=0.001&newClientOrderId=r2",
    )
    .await;
    assert_eq!(
        (sim.orders_received(), sim.orders_received_for("r2")),
        (3, 0)
    );
    sim.shutdown().await;
}

#[tokio::test]
async fn oco_lists_over_http() {
    let sim = start().await;
    let last = sim.state().price("BTCUSDT").unwrap();
    let (up, down) = (last + Decimal::from(300), last - Decimal::from(300));
    let l1 = format!("symbol=BTCUSDT&side=SELL&quantity=0.002&aboveType=LIMIT_MAKER&abovePrice={up}&belowType=STOP_LOSS&belowStopPrice={down}&listClientOrderId=L1");
    let r = signed(&sim, "POST", "/api/v3/orderList/oco", &l1).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.header("x-mbx-order-count-10s"), Some("2"));
    let l = r.json();
    assert_keys(
        &r.body,
        &[
            "orderListId",
            "contingencyType",
            "listStatusType",
            "listOrderStatus",
            "listClientOrderId",
            "transactionTime",
            "symbol",
            "orders",
            "orderReports",
        ],
    );
    assert_eq!(
        (
            l["contingencyType"].as_str(),
            l["listStatusType"].as_str(),
            l["listOrderStatus"].as_str()
        ),
        (Some("OCO"), Some("EXEC_STARTED"), Some("EXECUTING"))
    );
    let reports = l["orderReports"].as_array().unwrap();
    assert_eq!(
        (
            reports[0]["type"].as_str(),
            reports[0]["workingTime"].as_i64()
        ),
        (Some("STOP_LOSS"), Some(-1))
    );
    assert_eq!(d(&reports[0]["stopPrice"]), down);
    assert!(reports[1].get("stopPrice").is_none());
    let q = format!("orderListId={}", l["orderListId"]);
    let got = signed(&sim, "GET", "/api/v3/orderList", &q).await.json();
    assert_eq!(got["orders"], l["orders"]);
    assert_eq!(
        signed(&sim, "GET", "/api/v3/openOrderList", "")
            .await
            .json()
            .as_array()
            .unwrap()
            .len(),
        1
    );
    // The stop triggers: the limit maker expires, the list is done.
    sim.set_price("BTCUSDT", down);
    let got = signed(&sim, "GET", "/api/v3/orderList", &q).await.json();
    assert_eq!(got["listStatusType"], "ALL_DONE");
    let maker = signed(
        &sim,
        "GET",
        "/api/v3/order",
        &format!("symbol=BTCUSDT&orderId={}", reports[1]["orderId"]),
    )
    .await
    .json();
    assert_eq!(maker["status"], "EXPIRED");
    // A second list, cancelled through one of its legs.
    let last = sim.state().price("BTCUSDT").unwrap();
    let (up, down) = (last + Decimal::from(300), last - Decimal::from(300));
    let r = signed(&sim, "POST", "/api/v3/orderList/oco", &format!("symbol=BTCUSDT&side=SELL&quantity=0.002&aboveType=LIMIT_MAKER&abovePrice={up}&belowType=STOP_LOSS&belowStopPrice={down}&newOrderRespType=ACK")).await.json();
    assert!(r["orderReports"][0].get("status").is_none(), "ACK reports");
    let leg = &r["orders"][1]["orderId"];
    let c = signed(
        &sim,
        "DELETE",
        "/api/v3/order",
        &format!("symbol=BTCUSDT&orderId={leg}"),
    )
    .await
    .json();
    assert_eq!(
        (c["status"].as_str(), c["orderListId"].as_i64()),
        (Some("CANCELED"), r["orderListId"].as_i64())
    );
    let other = signed(
        &sim,
        "GET",
        "/api/v3/order",
        &format!("symbol=BTCUSDT&orderId={}", r["orders"][0]["orderId"]),
    )
    .await
    .json();
    assert_eq!(other["status"], "CANCELED");
    let none = signed(
        &sim,
        "DELETE",
        "/api/v3/orderList",
        &format!("symbol=BTCUSDT&orderListId={}", r["orderListId"]),
    )
    .await;
    assert_eq!(none.code(), -2011);
    assert_eq!(
        signed(&sim, "GET", "/api/v3/openOrderList", "").await.body,
        "[]"
    );
    // Cancel-all reports a list once, with both legs.
    let l3 = format!("symbol=BTCUSDT&side=SELL&quantity=0.002&aboveType=LIMIT_MAKER&abovePrice={up}&belowType=STOP_LOSS&belowStopPrice={down}&listClientOrderId=L3");
    let r = signed(&sim, "POST", "/api/v3/orderList/oco", &l3).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let all = signed(&sim, "DELETE", "/api/v3/openOrders", "symbol=BTCUSDT")
        .await
        .json();
    let lists: Vec<&Value> = all
        .as_array()
        .unwrap()
        .iter()
        .filter(|x| {
            x.get("orderListId")
                .is_some_and(|_| x.get("orderReports").is_some())
        })
        .collect();
    assert_eq!(lists.len(), 1);
    assert_eq!(lists[0]["orderReports"][1]["status"], "CANCELED");
    sim.shutdown().await;
}
