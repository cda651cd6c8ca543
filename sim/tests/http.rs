//! End-to-end: start the simulator on a free port and speak raw HTTP/1.1
//! to it, checking wire format, error bodies and weight headers.

mod common;

use binance_sim::{SimConfig, Simulator};
use common::*;
use tokio::net::TcpStream;

fn assert_error(r: &Reply, code: i64, msg: &str) {
    assert_eq!(r.status, 400, "{}", r.body);
    assert_eq!(r.json(), serde_json::json!({"code": code, "msg": msg}));
    assert!(r.body.starts_with("{\"code\":"), "field order: {}", r.body);
}

#[tokio::test]
async fn market_data_endpoints() {
    let sim = Simulator::start(SimConfig::default()).await.unwrap();
    assert!(sim.spot_url().starts_with("http://127.0.0.1:"));
    assert_eq!(sim.futures_url(), sim.spot_url());

    let ping = get(&sim, "/api/v3/ping").await;
    assert_eq!((ping.status, ping.body.as_str()), (200, "{}"));
    assert!(ping.weight() >= 1);

    let time = get(&sim, "/api/v3/time").await.json();
    assert!(time["serverTime"].as_i64().unwrap() >= sim.state().anchor_ms());

    // depth: padded decimals, top of book equals the state's.
    let depth = get(&sim, "/api/v3/depth?symbol=BTCUSDT&limit=5")
        .await
        .json();
    let btc = sim.state().market("BTCUSDT").unwrap();
    assert_eq!(depth["bids"].as_array().unwrap().len(), 5);
    assert_eq!(depth["lastUpdateId"].as_u64().unwrap(), btc.last_update_id);
    let best_bid = depth["bids"][0][0].as_str().unwrap();
    assert_eq!(best_bid, format!("{:.8}", btc.bids[0].0));
    assert_eq!(best_bid.split('.').nth(1).unwrap().len(), 8);
    // Binance's whole limit range, 1-5000: 1 to 4 levels cost weight 5 too.
    let one = get(&sim, "/api/v3/depth?symbol=BTCUSDT&limit=1").await;
    assert_eq!(one.status, 200, "{}", one.body);
    assert_eq!(one.json()["bids"].as_array().unwrap().len(), 1);
    assert_eq!(one.json()["asks"][0][0], depth["asks"][0][0]);
    let four = get(&sim, "/api/v3/depth?symbol=BTCUSDT&limit=4").await;
    assert_eq!(four.json()["asks"].as_array().unwrap().len(), 4);
    assert_eq!(four.weight() - one.weight(), 5);
    let zero = get(&sim, "/api/v3/depth?symbol=BTCUSDT&limit=0").await;
    assert_eq!((zero.status, zero.code()), (400, -1100));

    // trades: newest `limit`, oldest first.
    let trades = get(&sim, "/api/v3/trades?symbol=BTCUSDT&limit=3")
        .await
        .json();
    let trades = trades.as_array().unwrap();
    assert_eq!(trades.len(), 3);
    assert_eq!(
        trades[2]["id"].as_u64().unwrap(),
        btc.trades.last().unwrap().id
    );
    assert!(trades[0]["isBuyerMaker"].is_boolean());
    let default_trades = get(&sim, "/api/v3/trades?symbol=BTCUSDT").await.json();
    assert_eq!(default_trades.as_array().unwrap().len(), 500);

    // klines: 12-element arrays, string decimals, same answer twice.
    let path = "/api/v3/klines?symbol=ETHUSDT&interval=1h&limit=3";
    let k1 = get(&sim, path).await.json();
    let k2 = get(&sim, path).await.json();
    let rows = k1.as_array().unwrap();
    assert_eq!(rows.len(), 3);
    assert_eq!(rows[0].as_array().unwrap().len(), 12);
    assert!(rows[0][0].is_i64() && rows[0][1].is_string() && rows[0][8].is_u64());
    assert_eq!(k1, k2);

    let avg = get(&sim, "/api/v3/avgPrice?symbol=LTCUSDT").await.json();
    assert_eq!(avg["mins"], 5);
    assert!(avg["price"].is_string() && avg["closeTime"].is_i64());

    // tickers: object for symbol, array for symbols / all.
    let t = get(&sim, "/api/v3/ticker/24hr?symbol=BTCUSDT").await.json();
    assert_eq!(
        t["lastPrice"].as_str().unwrap(),
        format!("{:.8}", btc.ticker.last_price)
    );
    assert_eq!(t["count"].as_u64().unwrap(), btc.ticker.count);
    let all = get(&sim, "/api/v3/ticker/24hr").await.json();
    assert_eq!(all.as_array().unwrap().len(), sim.state().symbols().len());
    let some = get(
        &sim,
        "/api/v3/ticker/price?symbols=%5B%22ETHBTC%22,%22BNBUSDT%22%5D",
    )
    .await
    .json();
    assert_eq!(some[0]["symbol"], "ETHBTC");
    assert_eq!(some[1]["symbol"], "BNBUSDT");
    let book = get(&sim, "/api/v3/ticker/bookTicker?symbol=BTCUSDT")
        .await
        .json();
    assert_eq!(
        book["askPrice"].as_str().unwrap(),
        format!("{:.8}", btc.asks[0].0)
    );

    // exchangeInfo: symbols list and the halted symbol's status.
    let info = get(
        &sim,
        "/api/v3/exchangeInfo?symbols=%5B%22BTCUSDT%22,%22XYZUSDT%22%5D",
    )
    .await
    .json();
    assert_eq!(info["timezone"], "UTC");
    assert_eq!(info["rateLimits"][0]["limit"], 6000);
    assert_eq!(info["symbols"][0]["status"], "TRADING");
    assert_eq!(info["symbols"][1]["status"], "BREAK");
    let filters = info["symbols"][0]["filters"].as_array().unwrap();
    let price_filter = filters
        .iter()
        .find(|f| f["filterType"] == "PRICE_FILTER")
        .unwrap();
    assert_eq!(price_filter["tickSize"], "0.01000000");

    // Futures on the same server.
    let fdepth = get(&sim, "/fapi/v1/depth?symbol=BTCUSDT&limit=5")
        .await
        .json();
    assert_eq!(fdepth["asks"].as_array().unwrap().len(), 5);
    assert!(fdepth["E"].is_i64() && fdepth["T"].is_i64());
    let fprice = get(&sim, "/fapi/v1/ticker/price?symbol=BTCUSDT")
        .await
        .json();
    assert!(fprice["price"].is_string() && fprice["time"].is_i64());
    assert_eq!(get(&sim, "/fapi/v1/ping").await.body, "{}");
    let finfo = get(&sim, "/fapi/v1/exchangeInfo").await.json();
    assert_eq!(finfo["symbols"][0]["contractType"], "PERPETUAL");

    sim.shutdown().await;
}

#[tokio::test]
async fn binance_error_bodies() {
    let sim = Simulator::start(SimConfig::default()).await.unwrap();
    assert_error(
        &get(&sim, "/api/v3/depth?symbol=NOPEUSDT").await,
        -1121,
        "Invalid symbol.",
    );
    assert_error(
        &get(&sim, "/api/v3/depth").await,
        -1102,
        "Mandatory parameter 'symbol' was not sent, was empty/null, or malformed.",
    );
    assert_error(
        &get(&sim, "/api/v3/ticker/price?symbol=btcusdt").await,
        -1100,
        "Illegal characters found in parameter 'symbol'; legal range is '^[A-Z0-9-_.]{1,20}$'.",
    );
    assert_error(
        &get(&sim, "/api/v3/klines?symbol=BTCUSDT&interval=7m").await,
        -1120,
        "Invalid interval.",
    );
    assert_error(
        &get(&sim, "/api/v3/klines?symbol=BTCUSDT").await,
        -1102,
        "Mandatory parameter 'interval' was not sent, was empty/null, or malformed.",
    );
    assert_error(
        &get(&sim, "/api/v3/ticker/24hr?symbol=BTCUSDT&symbols=%5B%22BTCUSDT%22%5D").await,
        -1128,
        "Combination of optional parameters invalid. Recommendation: 'symbol' and 'symbols' cannot both be sent.",
    );
    assert_error(
        &get(&sim, "/api/v3/depth?symbol=BTCUSDT&limit=abc").await,
        -1100,
        "Illegal characters found in parameter 'limit'; legal range is '^[0-9]{1,20}$'.",
    );
    assert_error(
        &get(&sim, "/api/v3/depth?symbol=BTCUSDT&depth=5").await,
        -1104,
        "Not all sent parameters were read; read '1' parameter(s) but was sent '2'.",
    );
    assert_error(
        &get(&sim, "/fapi/v1/depth?symbol=BTCUSDT&limit=7").await,
        -1100,
        "Illegal characters found in parameter 'limit'; legal range is '5, 10, 20, 50, 100, 500, 1000'.",
    );
    let missing = get(&sim, "/api/v3/nope").await;
    assert_eq!(missing.status, 404);
    assert!(missing.header("x-mbx-used-weight-1m").is_some());
    sim.shutdown().await;
}

#[tokio::test]
async fn weight_accounting() {
    let sim = Simulator::start(SimConfig::default()).await.unwrap();
    // Each step: (path, documented weight). A minute boundary between two
    // requests resets the window, so accept either a sum or a fresh start.
    let steps = [
        ("/api/v3/ping", 1),
        ("/api/v3/depth?symbol=BTCUSDT", 5),
        ("/api/v3/depth?symbol=BTCUSDT&limit=500", 25),
        ("/api/v3/depth?symbol=BTCUSDT&limit=5000", 250),
        ("/api/v3/exchangeInfo", 20),
        ("/api/v3/trades?symbol=BTCUSDT", 25),
        ("/api/v3/klines?symbol=BTCUSDT&interval=1m", 2),
        ("/api/v3/ticker/24hr?symbol=BTCUSDT", 2),
        ("/api/v3/ticker/24hr", 80),
        ("/api/v3/ticker/price", 4),
        ("/api/v3/depth?symbol=NOPE", 5),
    ];
    let mut used = 0;
    for (path, weight) in steps {
        let now = get(&sim, path).await.weight();
        assert!(
            now == used + weight || now == weight,
            "{path}: {used} -> {now}"
        );
        used = now;
    }
    let in_state = sim.state().weight_used_1m();
    assert!(in_state == used || in_state == 0, "{in_state} vs {used}");

    // Futures have their own window.
    let f = get(&sim, "/fapi/v1/depth?symbol=BTCUSDT&limit=1000").await;
    assert_eq!(f.weight(), 20);
    sim.shutdown().await;
}

#[tokio::test]
async fn shutdown_closes_the_port() {
    let sim = Simulator::start(SimConfig {
        seed: 7,
        port: 0,
        ..Default::default()
    })
    .await
    .unwrap();
    let addr = sim.addr();
    sim.shutdown().await;
    assert!(TcpStream::connect(addr).await.is_err());
}

#[tokio::test]
async fn same_seed_serves_the_same_market() {
    let a = Simulator::start(SimConfig {
        seed: 5,
        port: 0,
        ..Default::default()
    })
    .await
    .unwrap();
    let b = Simulator::start(SimConfig {
        seed: 5,
        port: 0,
        ..Default::default()
    })
    .await
    .unwrap();
    let c = Simulator::start(SimConfig {
        seed: 6,
        port: 0,
        ..Default::default()
    })
    .await
    .unwrap();
    let path = "/api/v3/klines?symbol=BTCUSDT&interval=1d&startTime=1700000000000&limit=5";
    assert_eq!(get(&a, path).await.json(), get(&b, path).await.json());
    assert_ne!(get(&a, path).await.json(), get(&c, path).await.json());
    let (ma, mb) = (
        a.state().market("ETHUSDT").unwrap(),
        b.state().market("ETHUSDT").unwrap(),
    );
    assert_eq!(ma.tick_size, mb.tick_size);
    assert_eq!(a.state().symbols(), b.state().symbols());
}

#[tokio::test]
async fn signed_request_in_query_and_body() {
    use hmac::{Hmac, Mac};
    let sim = Simulator::start(SimConfig::default()).await.unwrap();
    let sign = |payload: &str| {
        let mut mac =
            Hmac::<sha2::Sha256>::new_from_slice(binance_sim::SIM_SECRET_KEY.as_bytes()).unwrap();
        mac.update(payload.as_bytes());
        mac.finalize()
            .into_bytes()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    };
    let ts = sim.state().server_time_ms();
    let q = format!("omitZeroBalances=true&recvWindow=5000&timestamp={ts}");
    let path = format!("/api/v3/account?{q}&signature={}", sign(&q));
    let r = request(&sim, "GET", &path, Some(binance_sim::SIM_API_KEY), "").await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.weight() >= 20);
    // POST with the parameters split between query and form body.
    let q = "symbol=ETHUSDT&side=SELL";
    let body = format!("type=MARKET&quantity=0.1&timestamp={ts}");
    let body = format!("{body}&signature={}", sign(&format!("{q}{body}")));
    let r = request(
        &sim,
        "POST",
        &format!("/api/v3/order?{q}"),
        Some(binance_sim::SIM_API_KEY),
        &body,
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["status"], "FILLED");
    assert!(r.header("x-mbx-order-count-1d").is_some());
    sim.shutdown().await;
}
