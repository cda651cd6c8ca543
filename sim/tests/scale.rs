//! End-to-end answer sizes under `Scale::large()`: every endpoint sees the
//! real-Binance-sized data and pages through it with Binance's limits.

mod common;

use binance_sim::{Scale, SimConfig, Simulator, SIM_API_KEY, SIM_SECRET_KEY};
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

async fn signed(sim: &Simulator, path: &str, params: &str) -> Value {
    let sep = if params.is_empty() { "" } else { "&" };
    let q = format!("{params}{sep}timestamp={}", now_ms());
    let mut mac = Hmac::<Sha256>::new_from_slice(SIM_SECRET_KEY.as_bytes()).unwrap();
    mac.update(q.as_bytes());
    let sig: String = mac
        .finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let path = format!("{path}?{q}&signature={sig}");
    let reply = request(sim, "GET", &path, Some(SIM_API_KEY), "").await;
    assert_eq!(reply.status, 200, "{path}: {}", reply.body);
    reply.json()
}

async fn public(sim: &Simulator, path: &str) -> Value {
    let reply = get(sim, path).await;
    assert_eq!(reply.status, 200, "{path}: {}", reply.body);
    reply.json()
}

fn len(v: &Value) -> usize {
    v.as_array().map_or(0, Vec::len)
}

async fn start() -> Simulator {
    let config = SimConfig {
        seed: 11,
        scale: Scale::large(),
        ..SimConfig::default()
    };
    Simulator::start(config).await.unwrap()
}

#[tokio::test]
async fn market_endpoints_at_large_scale() {
    let sim = start().await;
    let info = public(&sim, "/api/v3/exchangeInfo").await;
    let symbols = info["symbols"].as_array().unwrap();
    assert_eq!(symbols.len(), 2506);
    let listing = symbols[6]["symbol"].as_str().unwrap().to_string();
    assert_eq!(symbols[6]["status"], "TRADING");
    for path in [
        "/api/v3/ticker/24hr",
        "/api/v3/ticker/price",
        "/api/v3/ticker/bookTicker",
    ] {
        assert_eq!(len(&public(&sim, path).await), 2506, "{path}");
    }
    let depth = public(&sim, "/api/v3/depth?symbol=BTCUSDT&limit=5000").await;
    assert_eq!((len(&depth["bids"]), len(&depth["asks"])), (5000, 5000));
    let q = format!("symbol={listing}");
    let depth = public(&sim, &format!("/api/v3/depth?{q}&limit=5000")).await;
    assert!(len(&depth["asks"]) == 20 && len(&depth["bids"]) >= 1);
    let trades = public(&sim, &format!("/api/v3/trades?{q}&limit=1000")).await;
    assert_eq!(len(&trades), 100);
    let klines = public(&sim, &format!("/api/v3/klines?{q}&interval=1m&limit=1000")).await;
    assert_eq!(len(&klines), 1000);
    let avg = public(&sim, &format!("/api/v3/avgPrice?{q}")).await;
    assert_eq!(avg["mins"], 5);
    let one = public(&sim, &format!("/api/v3/ticker/24hr?{q}")).await;
    assert_eq!(one["count"], 100);
    sim.shutdown().await;
}

#[tokio::test]
async fn account_endpoints_at_large_scale() {
    let sim = start().await;
    let account = signed(&sim, "/api/v3/account", "").await;
    assert_eq!(len(&account["balances"]), 307);
    assert_eq!(len(&signed(&sim, "/api/v3/openOrders", "").await), 400);
    let open = signed(&sim, "/api/v3/openOrders", "symbol=ETHUSDT").await;
    assert_eq!(len(&open), 200);

    for symbol in ["BTCUSDT", "ETHUSDT"] {
        let q = format!("symbol={symbol}");
        let all = signed(&sim, "/api/v3/allOrders", &q).await;
        assert_eq!(len(&all), 500);
        let last = signed(&sim, "/api/v3/allOrders", &format!("{q}&limit=1000")).await;
        assert_eq!(len(&last), 1000);
        // Page forward by orderId from the oldest order.
        let mut from = 1u64;
        let mut seen = 0;
        loop {
            let page = signed(
                &sim,
                "/api/v3/allOrders",
                &format!("{q}&orderId={from}&limit=1000"),
            )
            .await;
            seen += len(&page);
            let Some(tail) = page.as_array().unwrap().last() else {
                break;
            };
            from = tail["orderId"].as_u64().unwrap() + 1;
            if len(&page) < 1000 {
                break;
            }
        }
        assert_eq!(
            seen,
            sim.state()
                .account()
                .orders
                .iter()
                .filter(|o| o.symbol == symbol)
                .count()
        );
        assert!(seen >= 1200);

        let recent = signed(&sim, "/api/v3/myTrades", &format!("{q}&limit=1000")).await;
        assert_eq!(len(&recent), 1000);
        let (mut from, mut seen) = (0u64, 0);
        loop {
            let page = signed(
                &sim,
                "/api/v3/myTrades",
                &format!("{q}&fromId={from}&limit=1000"),
            )
            .await;
            seen += len(&page);
            if len(&page) < 1000 {
                break;
            }
            from = page[999]["id"].as_u64().unwrap() + 1;
        }
        assert!(seen >= 1200, "{symbol}: {seen}");
        let end = recent[0]["time"].as_i64().unwrap();
        let window = format!(
            "{q}&startTime={}&endTime={end}&limit=1000",
            end - 86_400_000
        );
        let day = signed(&sim, "/api/v3/myTrades", &window).await;
        assert!(len(&day) >= 10, "{}", len(&day));
    }

    let deposits = signed(&sim, "/sapi/v1/capital/deposit/hisrec", "").await;
    assert_eq!(len(&deposits), 1000);
    let rest = signed(&sim, "/sapi/v1/capital/deposit/hisrec", "offset=1000").await;
    assert_eq!(len(&rest), 200);
    let since = now_ms() - 90 * 86_400_000;
    let windowed = format!("startTime={since}&endTime={}&limit=1000", now_ms());
    let w = signed(&sim, "/sapi/v1/capital/withdraw/history", &windowed).await;
    assert_eq!(len(&w), 1000);
    let t = signed(
        &sim,
        "/sapi/v1/asset/transfer",
        "type=MAIN_UMFUTURE&size=100",
    )
    .await;
    assert_eq!((t["total"].as_u64(), len(&t["rows"])), (Some(150), 100));
    let t = signed(
        &sim,
        "/sapi/v1/asset/transfer",
        "type=CMFUTURE_MAIN&current=2&size=100",
    )
    .await;
    assert_eq!((t["total"].as_u64(), len(&t["rows"])), (Some(150), 50));
    sim.shutdown().await;
}
