//! End-to-end signed endpoints, rate limits and faults over raw HTTP/1.1.

mod common;

use binance_sim::num::fmt8;
use binance_sim::{Fault, FaultRule, SimConfig, Simulator, SIM_API_KEY, SIM_SECRET_KEY};
use common::*;
use hmac::{Hmac, Mac};
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

#[tokio::test]
async fn account_reads() {
    let sim = start().await;
    let a = signed(&sim, "GET", "/api/v3/account", "").await;
    assert_eq!(a.status, 200, "{}", a.body);
    let j = a.json();
    assert_eq!(j["makerCommission"], 10);
    assert_eq!(j["commissionRates"]["taker"], "0.00100000");
    assert_eq!(j["accountType"], "SPOT");
    assert_eq!(j["permissions"], serde_json::json!(["SPOT"]));
    let all = j["balances"].as_array().unwrap().len();
    let nonzero = signed(&sim, "GET", "/api/v3/account", "omitZeroBalances=true")
        .await
        .json();
    assert!(nonzero["balances"].as_array().unwrap().len() < all);
    assert!(a
        .body
        .starts_with("{\"makerCommission\":10,\"takerCommission\":10,"));

    let account = sim.state().account();
    let trades = signed(&sim, "GET", "/api/v3/myTrades", "symbol=BTCUSDT")
        .await
        .json();
    let n = account
        .trades
        .iter()
        .filter(|t| t.symbol == "BTCUSDT")
        .count();
    assert_eq!(trades.as_array().unwrap().len(), n);
    let t0 = &trades[0];
    for f in [
        "symbol",
        "id",
        "orderId",
        "orderListId",
        "price",
        "qty",
        "quoteQty",
        "commission",
        "commissionAsset",
        "time",
        "isBuyer",
        "isMaker",
        "isBestMatch",
    ] {
        assert!(!t0[f].is_null(), "myTrades lacks {f}");
    }
    let limited = signed(&sim, "GET", "/api/v3/myTrades", "symbol=BTCUSDT&limit=3")
        .await
        .json();
    assert_eq!(limited[2]["id"], trades[n - 1]["id"]);

    let open = signed(&sim, "GET", "/api/v3/openOrders", "").await;
    assert!(open.header("x-mbx-used-weight-1m").is_some());
    assert!(open
        .json()
        .as_array()
        .unwrap()
        .iter()
        .all(|o| o["status"] == "NEW"));
    let all_orders = signed(&sim, "GET", "/api/v3/allOrders", "symbol=ETHUSDT")
        .await
        .json();
    assert!(all_orders
        .as_array()
        .unwrap()
        .iter()
        .any(|o| o["status"] == "CANCELED"));
    let id = t0["orderId"].as_u64().unwrap();
    let order = signed(
        &sim,
        "GET",
        "/api/v3/order",
        &format!("symbol=BTCUSDT&orderId={id}"),
    )
    .await
    .json();
    assert_eq!(order["status"], "FILLED");
    assert_eq!(order["selfTradePreventionMode"], "EXPIRE_MAKER");
    let by_client = format!(
        "symbol=BTCUSDT&origClientOrderId={}",
        order["clientOrderId"].as_str().unwrap()
    );
    assert_eq!(
        signed(&sim, "GET", "/api/v3/order", &by_client)
            .await
            .json()["orderId"],
        id
    );
    let missing = signed(&sim, "GET", "/api/v3/order", "symbol=BTCUSDT&orderId=1").await;
    assert_eq!((missing.status, missing.code()), (400, -2013));
    assert_eq!(missing.json()["msg"], "Order does not exist.");

    let c = signed(&sim, "GET", "/api/v3/account/commission", "symbol=BTCUSDT")
        .await
        .json();
    assert_eq!(c["standardCommission"]["maker"], "0.00100000");
    assert_eq!(c["discount"]["discountAsset"], "BNB");

    let snap = signed(&sim, "GET", "/sapi/v1/accountSnapshot", "type=SPOT").await;
    assert!(snap.header("x-sapi-used-ip-weight-1m").is_some());
    let snap = snap.json();
    assert_eq!(
        (snap["code"].as_i64(), snap["msg"].as_str()),
        (Some(200), Some(""))
    );
    assert_eq!(snap["snapshotVos"].as_array().unwrap().len(), 7);
    assert_eq!(snap["snapshotVos"][0]["type"], "spot");
    // MARGIN and FUTURES: the same days, each in Binance's shape for it.
    let margin = signed(
        &sim,
        "GET",
        "/sapi/v1/accountSnapshot",
        "type=MARGIN&limit=7",
    )
    .await
    .json();
    let days = margin["snapshotVos"].as_array().unwrap();
    assert_eq!(days.len(), account.margin_snapshots.len());
    for (day, want) in days.iter().zip(&account.margin_snapshots) {
        assert_eq!(day["type"], "margin");
        assert_eq!(day["updateTime"], want.update_time);
        let data = day["data"].as_object().unwrap();
        let keys: Vec<&str> = data.keys().map(String::as_str).collect();
        assert_eq!(
            keys,
            [
                "marginLevel",
                "totalAssetOfBtc",
                "totalLiabilityOfBtc",
                "totalNetAssetOfBtc",
                "userAssets"
            ]
        );
        assert_eq!(data["totalAssetOfBtc"], fmt8(want.total_asset_of_btc));
        assert_eq!(data["marginLevel"], fmt8(want.margin_level));
        let u = &data["userAssets"][0];
        let keys: Vec<&str> = u.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(
            keys,
            ["asset", "borrowed", "free", "interest", "locked", "netAsset"]
        );
        assert_eq!(u["free"], fmt8(want.user_assets[0].free));
    }
    let futures = signed(&sim, "GET", "/sapi/v1/accountSnapshot", "type=FUTURES")
        .await
        .json();
    let days = futures["snapshotVos"].as_array().unwrap();
    assert_eq!(days.len(), account.futures_snapshots.len());
    let (day, want) = (&days[0], &account.futures_snapshots[0]);
    assert_eq!(day["type"], "futures");
    assert_eq!(day["updateTime"], want.update_time);
    assert_eq!(
        day["data"]["assets"][0],
        serde_json::json!({
            "asset": "USDT",
            "marginBalance": fmt8(want.assets[0].margin_balance),
            "walletBalance": fmt8(want.assets[0].wallet_balance),
        })
    );
    let p = &want.positions[0];
    assert_eq!(
        day["data"]["position"][0],
        serde_json::json!({
            "entryPrice": fmt8(p.entry_price),
            "markPrice": fmt8(p.mark_price),
            "positionAmt": fmt8(p.position_amt),
            "symbol": p.symbol,
            "unRealizedProfit": fmt8(p.un_realized_profit),
        })
    );
    let bad = signed(&sim, "GET", "/sapi/v1/accountSnapshot", "type=ISOLATED").await;
    assert_eq!((bad.status, bad.code()), (400, -1100));
    let deposits = signed(&sim, "GET", "/sapi/v1/capital/deposit/hisrec", "coin=USDT")
        .await
        .json();
    assert!(deposits
        .as_array()
        .unwrap()
        .iter()
        .all(|d| d["coin"] == "USDT" && d["status"] == 1));
    let wd = signed(&sim, "GET", "/sapi/v1/capital/withdraw/history", "")
        .await
        .json();
    assert_eq!(wd.as_array().unwrap().len(), account.withdrawals.len());
    assert!(wd[0]["applyTime"].as_str().unwrap().len() == 19);
    let tr = signed(&sim, "GET", "/sapi/v1/asset/transfer", "type=MAIN_UMFUTURE")
        .await
        .json();
    assert_eq!(tr["total"], 2);
    let addr = signed(
        &sim,
        "GET",
        "/sapi/v1/capital/deposit/address",
        "coin=USDT&network=TRX",
    )
    .await
    .json();
    assert!(addr["address"].as_str().unwrap().starts_with('T'));
    assert_eq!(addr["tag"], "");
    sim.shutdown().await;
}

#[tokio::test]
async fn auth_errors() {
    let sim = start().await;
    let ts = now_ms();
    let q = format!("timestamp={ts}");
    let path = format!("/api/v3/account?{q}&signature={}", sign(&q));
    let r = request(&sim, "GET", &path, None, "").await;
    assert_eq!(
        (r.status, r.body.as_str()),
        (401, r#"{"code":-2014,"msg":"API-key format invalid."}"#)
    );
    let other = "x".repeat(64);
    let r = request(&sim, "GET", &path, Some(&other), "").await;
    assert_eq!((r.status, r.code()), (401, -2015));
    assert_eq!(
        r.json()["msg"],
        "Invalid API-key, IP, or permissions for action."
    );
    let r = request(
        &sim,
        "GET",
        "/api/v3/account?signature=00",
        Some(SIM_API_KEY),
        "",
    )
    .await;
    assert_eq!((r.status, r.code()), (400, -1102));
    let r = request(
        &sim,
        "GET",
        &format!("/api/v3/account?{q}"),
        Some(SIM_API_KEY),
        "",
    )
    .await;
    assert_eq!(
        r.json()["msg"],
        "Mandatory parameter 'signature' was not sent, was empty/null, or malformed."
    );
    let r = request(
        &sim,
        "GET",
        &format!("/api/v3/account?{q}&signature={}", "ab".repeat(32)),
        Some(SIM_API_KEY),
        "",
    )
    .await;
    assert_eq!(
        r.body,
        r#"{"code":-1022,"msg":"Signature for this request is not valid."}"#
    );
    let old = format!("timestamp={}", ts - 10_000);
    let r = request(
        &sim,
        "GET",
        &format!("/api/v3/account?{old}&signature={}", sign(&old)),
        Some(SIM_API_KEY),
        "",
    )
    .await;
    assert_eq!(
        r.body,
        r#"{"code":-1021,"msg":"Timestamp for this request is outside of the recvWindow."}"#
    );
    let wide = format!("recvWindow=60001&timestamp={ts}");
    let r = request(
        &sim,
        "GET",
        &format!("/api/v3/account?{wide}&signature={}", sign(&wide)),
        Some(SIM_API_KEY),
        "",
    )
    .await;
    assert_eq!(r.code(), -1131);
    // The server clock runs 30 s behind: a current timestamp is "ahead".
    sim.set_clock_offset_ms(-30_000);
    let server = request(&sim, "GET", "/api/v3/time", None, "").await.json();
    assert!(server["serverTime"].as_i64().unwrap() < now_ms() - 25_000);
    assert_eq!(
        signed(&sim, "GET", "/api/v3/account", "").await.code(),
        -1021
    );
    sim.set_clock_offset_ms(0);
    // Signature in a form body (DELETE), payload = query + body.
    let open = sim
        .state()
        .account()
        .orders
        .into_iter()
        .find(|o| o.status.is_open())
        .unwrap();
    let q = format!("symbol={}", open.symbol);
    let body = format!("orderId={}&timestamp={}", open.order_id, now_ms());
    let body = format!("{body}&signature={}", sign(&format!("{q}{body}")));
    let r = request(
        &sim,
        "DELETE",
        &format!("/api/v3/order?{q}"),
        Some(SIM_API_KEY),
        &body,
    )
    .await;
    assert_eq!(
        (r.status, r.json()["status"].as_str()),
        (200, Some("CANCELED")),
        "{}",
        r.body
    );
    sim.shutdown().await;
}

#[tokio::test]
async fn ed25519_keys() {
    use base64::Engine;
    use ed25519_dalek::{Signer, SigningKey};
    let sim = start().await;
    let sk = SigningKey::from_bytes(&[9u8; 32]);
    let key = "Ed25519Key".repeat(7)[..64].to_string();
    sim.register_ed25519_key(&key, sk.verifying_key().to_bytes());
    let q = format!("omitZeroBalances=true&timestamp={}", now_ms());
    let sig = base64::engine::general_purpose::STANDARD.encode(sk.sign(q.as_bytes()).to_bytes());
    let sig = sig
        .replace('+', "%2B")
        .replace('/', "%2F")
        .replace('=', "%3D");
    let r = request(
        &sim,
        "GET",
        &format!("/api/v3/account?{q}&signature={sig}"),
        Some(&key),
        "",
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    sim.shutdown().await;
}

#[tokio::test]
async fn placing_and_cancelling_orders() {
    let sim = start().await;
    let before = sim.state().account();
    let usdt = |a: &binance_sim::AccountSnapshot| {
        a.balances
            .iter()
            .find(|b| b.asset == "USDT")
            .cloned()
            .unwrap()
    };
    let r = signed(&sim, "POST", "/api/v3/order", "symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=0.0005&price=20000&newClientOrderId=mine1").await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.header("x-mbx-order-count-10s"), Some("1"));
    assert_eq!(r.header("x-mbx-order-count-1d"), Some("1"));
    let o = r.json();
    assert_eq!(
        (o["status"].as_str(), o["clientOrderId"].as_str()),
        (Some("NEW"), Some("mine1"))
    );
    assert_eq!(o["fills"], serde_json::json!([]));
    let after = sim.state().account();
    assert_eq!(
        usdt(&after).locked - usdt(&before).locked,
        "10".parse().unwrap()
    );
    let dup = signed(&sim, "POST", "/api/v3/order", "symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=0.0005&price=20000&newClientOrderId=mine1").await;
    assert_eq!(dup.body, r#"{"code":-2010,"msg":"Duplicate order sent."}"#);
    let broke = signed(
        &sim,
        "POST",
        "/api/v3/order",
        "symbol=BTCUSDT&side=SELL&type=MARKET&quantity=9000",
    )
    .await;
    assert!(
        broke.code() == -2010 || broke.code() == -1013,
        "{}",
        broke.body
    );
    let broke = signed(
        &sim,
        "POST",
        "/api/v3/order",
        "symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=100&price=20000",
    )
    .await;
    assert_eq!(
        broke.json()["msg"],
        "Account has insufficient balance for requested action."
    );
    let ack = signed(
        &sim,
        "POST",
        "/api/v3/order",
        "symbol=ETHUSDT&side=BUY&type=MARKET&quoteOrderQty=100&newOrderRespType=ACK",
    )
    .await
    .json();
    assert!(ack["transactTime"].is_i64() && ack["status"].is_null());
    let m = signed(
        &sim,
        "POST",
        "/api/v3/order",
        "symbol=BTCUSDT&side=BUY&type=MARKET&quantity=0.001",
    )
    .await
    .json();
    assert_eq!(m["status"], "FILLED");
    let best_ask = sim.state().market("BTCUSDT").unwrap().asks[0].0;
    assert_eq!(
        m["fills"][0]["price"].as_str().unwrap(),
        format!("{best_ask:.8}")
    );
    assert_eq!(sim.state().stats().orders_created, 3);

    let cancel = signed(
        &sim,
        "DELETE",
        "/api/v3/order",
        "symbol=BTCUSDT&origClientOrderId=mine1",
    )
    .await
    .json();
    assert_eq!(
        (
            cancel["status"].as_str(),
            cancel["origClientOrderId"].as_str()
        ),
        (Some("CANCELED"), Some("mine1"))
    );
    assert_eq!(usdt(&sim.state().account()).locked, usdt(&before).locked);
    let again = signed(
        &sim,
        "DELETE",
        "/api/v3/order",
        "symbol=BTCUSDT&origClientOrderId=mine1",
    )
    .await;
    assert_eq!(again.body, r#"{"code":-2011,"msg":"Unknown order sent."}"#);
    sim.shutdown().await;
}

#[tokio::test]
async fn rate_limit_429_then_418() {
    let sim = start().await;
    // Stay clear of a minute boundary so the window cannot reset mid-test.
    let into_minute = now_ms() % 60_000;
    if into_minute > 50_000 {
        tokio::time::sleep(std::time::Duration::from_millis(
            (60_000 - into_minute + 50) as u64,
        ))
        .await;
    }
    sim.set_weight_limit(30);
    let ok = request(&sim, "GET", "/api/v3/exchangeInfo", None, "").await;
    assert_eq!(ok.status, 200);
    let r = request(&sim, "GET", "/api/v3/exchangeInfo", None, "").await;
    assert_eq!(r.status, 429, "{}", r.body);
    assert_eq!(r.json()["msg"], "Too many requests; current limit of IP(127.0.0.1) is 30 requests per minute. Please use the websocket for live updates to avoid polling the API.");
    let retry: u64 = r.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=60).contains(&retry));
    assert_eq!(
        request(&sim, "GET", "/api/v3/ping", None, "").await.status,
        429
    );
    assert_eq!(
        request(&sim, "GET", "/api/v3/ping", None, "").await.status,
        429
    );
    let ban = request(&sim, "GET", "/api/v3/ping", None, "").await;
    assert_eq!(ban.status, 418);
    assert_eq!(ban.header("retry-after"), Some("120"));
    assert!(ban.json()["msg"]
        .as_str()
        .unwrap()
        .starts_with("Way too many requests; IP(127.0.0.1) banned until "));
    let stats = sim.state().stats();
    assert_eq!((stats.status_429, stats.status_418), (3, 1));
    assert_eq!(stats.by_path["/api/v3/ping"], 3);
    sim.shutdown().await;
}

#[tokio::test]
async fn injected_faults() {
    let sim = start().await;
    sim.faults()
        .push(FaultRule::new(Fault::Status(503)).on_path("/api/v3/time"));
    let r = request(&sim, "GET", "/api/v3/time", None, "").await;
    assert_eq!(r.status, 503);
    assert_eq!(
        r.body,
        r#"{"code":-1000,"msg":"An unknown error occurred while processing the request."}"#
    );
    assert_eq!(
        request(&sim, "GET", "/api/v3/time", None, "").await.status,
        200
    );
    sim.inject(Fault::StatusHtml(502));
    assert!(request(&sim, "GET", "/api/v3/ping", None, "")
        .await
        .body
        .starts_with("<html>"));
    sim.inject(Fault::MalformedJson);
    let bad = request(&sim, "GET", "/api/v3/ticker/price?symbol=BTCUSDT", None, "").await;
    assert_eq!(bad.status, 200);
    assert!(serde_json::from_str::<serde_json::Value>(&bad.body).is_err());
    sim.inject(Fault::TooManyRequests {
        retry_after_secs: 7,
    });
    let burst = request(&sim, "GET", "/api/v3/ping", None, "").await;
    assert_eq!(
        (burst.status, burst.header("retry-after")),
        (429, Some("7"))
    );
    assert_eq!(
        request(&sim, "GET", "/api/v3/ping", None, "").await.status,
        200
    );
    // Executed, but answered late.
    sim.faults()
        .push(FaultRule::new(Fault::DelayAfter(300)).on_path("/api/v3/order"));
    let t = std::time::Instant::now();
    let r = signed(&sim, "POST", "/api/v3/order", "symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=0.0005&price=20000&newClientOrderId=late").await;
    assert!(t.elapsed() >= std::time::Duration::from_millis(300));
    assert_eq!(r.status, 200);
    assert!(sim
        .state()
        .account()
        .orders
        .iter()
        .any(|o| o.client_order_id == "late"));
    assert_eq!(sim.faults().pending(), 0);
    sim.shutdown().await;
}

#[tokio::test]
async fn same_seed_same_account() {
    // Prices follow the start time; ids, addresses and amounts do not.
    let (a, b) = (start().await, start().await);
    let (x, y) = (a.state().account(), b.state().account());
    assert_eq!(x.uid, y.uid);
    assert_eq!(x.deposit_addresses, y.deposit_addresses);
    assert_eq!(x.deposits.len(), y.deposits.len());
    let anchor = 1_750_000_000_000;
    assert_eq!(
        binance_sim::SimState::generate(3, anchor).account(),
        binance_sim::SimState::generate(3, anchor).account()
    );
    assert_ne!(
        binance_sim::SimState::generate(3, anchor).account(),
        binance_sim::SimState::generate(4, anchor).account()
    );
}
