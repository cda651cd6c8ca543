//! End-to-end USD-M futures trading over raw HTTP/1.1: public funding
//! endpoints, signed account reads, orders, conditional orders, settings,
//! the countdown switch and the futures test hooks.

mod common;

use binance_sim::{Decimal, SimConfig, Simulator, SIM_API_KEY, SIM_SECRET_KEY};
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

/// A signed request with the parameters in the query string.
async fn signed(sim: &Simulator, method: &str, path: &str, params: &str) -> Reply {
    let sep = if params.is_empty() { "" } else { "&" };
    let q = format!("{params}{sep}timestamp={}", now_ms());
    let path = format!("{path}?{q}&signature={}", sign(&q));
    request(sim, method, &path, Some(SIM_API_KEY), "").await
}

/// A signed POST with the parameters in a form body.
async fn post_form(sim: &Simulator, path: &str, params: &str) -> Reply {
    let body = format!("{params}&timestamp={}", now_ms());
    let body = format!("{body}&signature={}", sign(&body));
    request(sim, "POST", path, Some(SIM_API_KEY), &body).await
}

/// Asserts that `r` was charged `w` to the futures window, whose total
/// was `before` (skipped if the minute rolled over in between).
fn charged(r: &Reply, before: u32, w: u32) {
    if r.weight() >= before {
        assert_eq!(r.weight() - before, w, "{}", r.body);
    }
}

fn d(v: &Value) -> Decimal {
    v.as_str()
        .unwrap_or_else(|| panic!("not a string: {v}"))
        .parse()
        .unwrap()
}

#[tokio::test]
async fn public_funding_endpoints() {
    let sim = Simulator::start(SimConfig::default()).await.unwrap();
    let r = get(&sim, "/fapi/v1/premiumIndex?symbol=BTCUSDT").await;
    assert_eq!(r.status, 200, "{}", r.body);
    let v = r.json();
    let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    for k in [
        "symbol",
        "markPrice",
        "indexPrice",
        "estimatedSettlePrice",
        "lastFundingRate",
        "interestRate",
        "nextFundingTime",
        "time",
    ] {
        assert!(keys.contains(&k), "{k}: {}", r.body);
    }
    assert_eq!(v["interestRate"], "0.00010000");
    assert_eq!(v["nextFundingTime"].as_i64().unwrap() % (8 * 3_600_000), 0);
    charged(&r, 0, 1);
    let all = get(&sim, "/fapi/v1/premiumIndex").await.json();
    assert_eq!(all.as_array().unwrap().len(), sim.state().symbols().len());

    sim.state().futures_funding("BTCUSDT");
    let h = get(&sim, "/fapi/v1/fundingRate?symbol=BTCUSDT&limit=1000")
        .await
        .json();
    let h = h.as_array().unwrap();
    assert_eq!(h.len(), 10, "9 seeded + 1 applied");
    assert!(h
        .windows(2)
        .all(|w| w[0]["fundingTime"].as_i64() <= w[1]["fundingTime"].as_i64()));
    assert_eq!(h[9]["fundingRate"], v["lastFundingRate"]);
    let h = get(&sim, "/fapi/v1/fundingRate?symbol=BTCUSDT&limit=2")
        .await
        .json();
    assert_eq!(h.as_array().unwrap().len(), 2);
    assert_eq!(
        get(&sim, "/fapi/v1/fundingRate?limit=0").await.code(),
        -1100
    );
}

#[tokio::test]
async fn trading_round_trip() {
    let sim = Simulator::start(SimConfig::default()).await.unwrap();
    let st = sim.state();
    st.set_mark_price("BTCUSDT", "60000".parse().unwrap());

    let r = post_form(&sim, "/fapi/v1/leverage", "symbol=BTCUSDT&leverage=10").await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["leverage"], 10);
    assert_eq!(
        post_form(&sim, "/fapi/v1/leverage", "symbol=BTCUSDT&leverage=200")
            .await
            .json()["msg"],
        "Leverage 200 is not valid"
    );
    assert_eq!(
        post_form(
            &sim,
            "/fapi/v1/marginType",
            "symbol=BTCUSDT&marginType=CROSSED"
        )
        .await
        .code(),
        -4046
    );
    assert_eq!(st.futures_leverage("BTCUSDT"), 10);

    let r = post_form(
        &sim,
        "/fapi/v1/order",
        "symbol=BTCUSDT&side=BUY&type=STOP_MARKET&quantity=0.1&stopPrice=1",
    )
    .await;
    assert_eq!(r.code(), -4120);
    let before = st.futures_weight_used_1m();
    let r = post_form(
        &sim,
        "/fapi/v1/order",
        "symbol=BTCUSDT&side=BUY&type=MARKET&quantity=0.1&newOrderRespType=RESULT&newClientOrderId=m1",
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    charged(&r, before, 0);
    let o = r.json();
    assert_eq!(o["status"], "FILLED");
    assert_eq!(o["avgPrice"], "60000.00");
    assert_eq!(o["executedQty"], "0.10000");
    assert_eq!(o["positionSide"], "BOTH");
    assert_eq!(
        st.futures_position("BTCUSDT"),
        "0.1".parse::<Decimal>().unwrap()
    );
    assert_eq!(st.futures_orders_received(), 2);
    assert_eq!(st.futures_orders_received_with_client_id("m1"), 1);

    st.set_mark_price("BTCUSDT", "61000".parse().unwrap());
    let before = st.futures_weight_used_1m();
    let pr = signed(&sim, "GET", "/fapi/v2/positionRisk", "symbol=BTCUSDT").await;
    charged(&pr, before, 5);
    let row = &pr.json()[0];
    assert_eq!(d(&row["unRealizedProfit"]), "100".parse().unwrap());
    assert_eq!(
        (row["leverage"].as_str(), row["marginType"].as_str()),
        (Some("10"), Some("cross"))
    );
    let acct = signed(&sim, "GET", "/fapi/v3/account", "").await.json();
    assert_eq!(d(&acct["totalUnrealizedProfit"]), "100".parse().unwrap());
    assert_eq!(acct["positions"].as_array().unwrap().len(), 1);
    assert_eq!(
        d(&acct["totalPositionInitialMargin"]),
        "610".parse().unwrap()
    );

    // A resting limit, then a conditional stop that closes the position.
    let r = post_form(
        &sim,
        "/fapi/v1/order",
        "symbol=BTCUSDT&side=BUY&type=LIMIT&quantity=0.1&price=50000&timeInForce=GTC&newClientOrderId=l1",
    )
    .await;
    assert_eq!(r.json()["status"], "NEW", "{}", r.body);
    let before = st.futures_weight_used_1m();
    let open = signed(&sim, "GET", "/fapi/v1/openOrders", "").await;
    charged(&open, before, 40);
    assert_eq!(open.json().as_array().unwrap().len(), 1);
    let q = signed(
        &sim,
        "GET",
        "/fapi/v1/order",
        "symbol=BTCUSDT&origClientOrderId=l1",
    )
    .await;
    assert_eq!(q.json()["price"], "50000.00");
    assert_eq!(
        signed(&sim, "GET", "/fapi/v1/order", "symbol=BTCUSDT&orderId=1")
            .await
            .code(),
        -2013
    );

    let a = post_form(
        &sim,
        "/fapi/v1/algoOrder",
        "algoType=CONDITIONAL&symbol=BTCUSDT&side=SELL&type=STOP_MARKET&triggerPrice=62000&closePosition=true",
    )
    .await;
    assert_eq!(a.code(), -2021);
    let a = post_form(
        &sim,
        "/fapi/v1/algoOrder",
        "algoType=CONDITIONAL&symbol=BTCUSDT&side=SELL&type=STOP_MARKET&triggerPrice=59000&closePosition=true&workingType=MARK_PRICE&clientAlgoId=s1",
    )
    .await;
    assert_eq!(a.status, 200, "{}", a.body);
    assert_eq!(a.json()["algoStatus"], "NEW");
    assert_eq!(st.futures_open_algo_orders("BTCUSDT"), 1);
    st.set_mark_price("BTCUSDT", "58000".parse().unwrap());
    let g = signed(&sim, "GET", "/fapi/v1/algoOrder", "clientAlgoId=s1")
        .await
        .json();
    assert_eq!(g["algoStatus"], "FINISHED");
    assert!(!g["actualOrderId"].as_str().unwrap().is_empty());
    assert!(st.futures_position("BTCUSDT").is_zero());

    // The dead-man's switch cancels the resting limit once it runs out.
    let c = post_form(
        &sim,
        "/fapi/v1/countdownCancelAll",
        "symbol=BTCUSDT&countdownTime=50",
    )
    .await;
    assert_eq!(c.json()["countdownTime"], "50");
    assert!(st.countdown("BTCUSDT").is_some());
    assert_eq!(st.futures_open_orders("BTCUSDT"), 1);
    tokio::time::sleep(std::time::Duration::from_millis(80)).await;
    assert_eq!(st.futures_open_orders("BTCUSDT"), 0);
    assert!(st.countdown("BTCUSDT").is_none());
    let del = signed(
        &sim,
        "DELETE",
        "/fapi/v1/order",
        "symbol=BTCUSDT&origClientOrderId=l1",
    )
    .await;
    assert_eq!(del.code(), -2011);

    let before = st.futures_weight_used_1m();
    let inc = signed(
        &sim,
        "GET",
        "/fapi/v1/income",
        "incomeType=REALIZED_PNL&limit=1000",
    )
    .await;
    charged(&inc, before, 30);
    let pnl: Decimal = inc
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|i| d(&i["income"]))
        .sum();
    assert!(pnl != Decimal::ZERO);
    let fo = signed(&sim, "GET", "/fapi/v1/forceOrders", "").await.json();
    assert_eq!(fo.as_array().unwrap().len(), 3);
    assert_eq!(fo[0]["status"], "FILLED");
    let done = signed(&sim, "DELETE", "/fapi/v1/allOpenOrders", "symbol=BTCUSDT")
        .await
        .json();
    assert_eq!(done["code"], 200);
}
