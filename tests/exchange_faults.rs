//! The exchange gateway under faults: 5xx on reads, 429 storms, clock skew,
//! a write whose answer is lost, and secrets under trace logging. Reads go
//! through the real binary over MCP; the write goes through the host's
//! exchange service directly (no trading tool exists yet) against the same
//! simulator over HTTP.

mod support;

use binance_mcp::exchange::catalogue::{Method, Security, Venue};
use binance_mcp::exchange::http::{BaseUrls, HttpGateway};
use binance_mcp::exchange::ratelimit::RateLimiter;
use binance_mcp::exchange::signing::Signer;
use binance_mcp::exchange::{Credentials, ExchangeGrant, ExchangeService, Request};
use binance_mcp::secret::Secret;
use binance_sim::{Fault, FaultRule, Simulator, SIM_API_KEY, SIM_SECRET_KEY};
use rmcp::model::ProtocolVersion;
use serde_json::json;
use std::process::Stdio;
use std::sync::Arc;
use std::time::{Duration, Instant};
use support::*;
use tokio::io::AsyncReadExt;

fn keyed(sim: &Simulator) -> tokio::process::Command {
    let mut cmd = command(&sim.spot_url(), &sim.futures_url());
    cmd.env("BINANCE_API_KEY", SIM_API_KEY)
        .env("BINANCE_SECRET_KEY", SIM_SECRET_KEY);
    cmd
}

fn hits(sim: &Simulator, path: &str) -> u64 {
    sim.state().stats().by_path.get(path).copied().unwrap_or(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reads_ride_out_5xx_and_stop_after_three_attempts() {
    let sim = sim(11).await;
    let client = connect(&sim).await;
    let path = "/api/v3/ticker/price";
    sim.faults()
        .push(FaultRule::new(Fault::Status(503)).times(2).on_path(path));
    let before = hits(&sim, path);
    let out = ok(&client, "get_ticker_price", json!({"symbol":"BTCUSDT"})).await;
    assert_eq!(
        out["prices"][0]["price"],
        d(sim.state().market("BTCUSDT").unwrap().last_price())
    );
    assert_eq!(hits(&sim, path) - before, 3, "two 503s, then the answer");

    sim.faults().push(
        FaultRule::new(Fault::StatusHtml(502))
            .times(10)
            .on_path(path),
    );
    let before = hits(&sim, path);
    let e = err(&client, "get_ticker_price", json!({"symbol":"BTCUSDT"})).await;
    assert_eq!(e["code"], -32005);
    assert_eq!(e["data"]["attempts"], 3);
    assert_eq!(
        hits(&sim, path) - before,
        3,
        "bounded: three attempts, no more"
    );
    sim.faults().clear();
    client.cancel().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_oversized_answer_is_dropped_not_buffered_into_a_plugin() {
    let sim = sim(18).await;
    let client = connect(&sim).await;
    let path = "/api/v3/avgPrice";
    sim.faults().push(
        FaultRule::new(Fault::Oversized(40 << 20))
            .times(1)
            .on_path(path),
    );
    let e = err(&client, "get_average_price", json!({"symbol":"BTCUSDT"})).await;
    assert_eq!(e["code"], -32005);
    assert!(e["message"].as_str().unwrap().contains("exceeded"), "{e}");
    // The host is fine afterwards.
    ok(&client, "get_average_price", json!({"symbol":"BTCUSDT"})).await;
    client.cancel().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_429_storm_is_waited_out_and_never_becomes_a_418() {
    let sim = sim(12).await;
    let client = connect(&sim).await;
    let path = "/api/v3/ticker/price";
    sim.faults().push(
        FaultRule::new(Fault::TooManyRequests {
            retry_after_secs: 1,
        })
        .times(3)
        .on_path(path),
    );
    let started = Instant::now();
    let e = err(&client, "get_ticker_price", json!({"symbol":"ETHUSDT"})).await;
    assert_eq!(e["code"], -32001);
    assert_eq!(e["retry_after_secs"], 1);
    // The next calls wait out each Retry-After before sending again.
    let mut failures = 1;
    let mut outcome = None;
    for _ in 0..4 {
        let (is_error, body) = call(&client, "get_ticker_price", json!({"symbol":"ETHUSDT"})).await;
        if is_error {
            assert_eq!(body["code"], -32001, "{body}");
            failures += 1;
        } else {
            outcome = Some(body);
            break;
        }
    }
    assert!(outcome.is_some(), "the storm passes");
    assert_eq!(failures, 3);
    assert!(
        started.elapsed() >= Duration::from_millis(2900),
        "each Retry-After was honoured: {:?}",
        started.elapsed()
    );
    let stats = sim.state().stats();
    assert_eq!(stats.status_418, 0);
    client.cancel().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_real_weight_limit_stops_the_host_before_a_ban() {
    let sim = sim(13).await;
    sim.set_weight_limit(40);
    let client = connect(&sim).await;
    let mut limited = None;
    for _ in 0..40 {
        let (is_error, body) = call(&client, "get_ticker_price", json!({"symbol":"BTCUSDT"})).await;
        if is_error {
            // Whether Binance's 429 or the host's own hold: the same class,
            // with the wait and the weight figures.
            assert_eq!(body["code"], -32001, "{body}");
            assert!(body["retry_after_secs"].as_u64().unwrap() >= 1, "{body}");
            assert!(body["data"]["weight_limit"].as_u64().is_some(), "{body}");
            assert!(body["data"]["current_weight"].as_u64().is_some(), "{body}");
            limited = Some(body);
        }
    }
    assert!(limited.is_some(), "the limit was reached");
    let stats = sim.state().stats();
    assert_eq!(stats.status_418, 0, "the host never provokes a ban");
    assert!(
        stats.status_429 <= 1,
        "after the first 429 the host stops sending: {}",
        stats.status_429
    );
    client.cancel().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clock_skew_is_repaired_by_one_resync() {
    let sim = sim(14).await;
    let client = connect_with(keyed(&sim), ProtocolVersion::V_2025_11_25).await;
    ok(&client, "get_account_info", json!({})).await;
    // Binance's clock jumps 45 s ahead: the host's timestamps now fall outside
    // the 5 s receive window until it measures the offset again.
    sim.set_clock_offset_ms(45_000);
    let before = hits(&sim, "/api/v3/time");
    let info = ok(&client, "get_account_info", json!({})).await;
    assert!(info.get("balances").is_some());
    assert_eq!(
        hits(&sim, "/api/v3/time") - before,
        1,
        "exactly one re-sync"
    );
    client.cancel().await.unwrap();
}

fn service_for(sim: &Simulator) -> ExchangeService {
    let urls = BaseUrls {
        spot: sim.spot_url(),
        usdm_futures: sim.futures_url(),
    };
    let gateway = HttpGateway::new(
        urls,
        tokio::runtime::Handle::current(),
        Duration::from_secs(10),
    )
    .unwrap();
    let credentials = Credentials {
        api_key: Arc::new(Secret::from_untrimmed(SIM_API_KEY.into())),
        signer: Signer::Hmac(Secret::from_untrimmed(SIM_SECRET_KEY.into())),
    };
    ExchangeService::with(
        Arc::new(gateway),
        Some(credentials),
        5000,
        RateLimiter::default(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_write_whose_answer_is_lost_is_looked_up_not_repeated() {
    let sim = sim(15).await;
    let bid = sim.state().market("BTCUSDT").unwrap().bids[5].0;
    let svc = service_for(&sim);
    // The order is placed, but the answer arrives after the client gave up.
    sim.faults().push(
        FaultRule::new(Fault::DelayAfter(4_500))
            .times(1)
            .on_path("/api/v3/order"),
    );
    let grant = ExchangeGrant::public_market_data()
        .security(Security::UserData)
        .security(Security::Trade);
    let order = Request {
        venue: Venue::Spot,
        method: Method::Post,
        path: "/api/v3/order".into(),
        params: [
            ("symbol", "BTCUSDT"),
            ("side", "BUY"),
            ("type", "LIMIT"),
            ("timeInForce", "GTC"),
            ("quantity", "0.001"),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .chain([
            ("price".to_string(), bid.to_string()),
            ("newClientOrderId".to_string(), "lost-answer-1".to_string()),
        ])
        .collect(),
    };
    let before = sim.state().stats().orders_created;
    // 6 s budget: the POST gets 3 s (3 s are kept to resolve), then times out.
    let deadline = Instant::now() + Duration::from_secs(6);
    let answer = tokio::task::spawn_blocking(move || svc.send(&grant, order, Some(deadline)))
        .await
        .unwrap()
        .unwrap();
    let v: serde_json::Value = serde_json::from_str(&answer.body).unwrap();
    assert_eq!(v["clientOrderId"], "lost-answer-1");
    assert_eq!(v["status"], "NEW");
    assert!(
        v["outcomeResolvedBy"].as_str().unwrap().contains("lost"),
        "{v}"
    );
    assert_eq!(
        sim.state().stats().orders_created - before,
        1,
        "no duplicate order"
    );
    let mine = sim
        .state()
        .account()
        .orders
        .iter()
        .filter(|o| o.client_order_id == "lost-answer-1")
        .count();
    assert_eq!(mine, 1);
}

/// Every tool with `RUST_LOG=trace`: neither the secret nor any signature
/// the simulator received appears in stdout (the MCP channel) or stderr.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn secrets_and_signatures_never_reach_logs_or_outputs() {
    let sim = sim(16).await;
    let mut cmd = keyed(&sim);
    cmd.env("RUST_LOG", "trace")
        .arg("--allow-deposit-address")
        .arg("serve");
    let (transport, stderr) = rmcp::transport::TokioChildProcess::builder(cmd)
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = stderr.expect("piped stderr");
    let logs = tokio::spawn(async move {
        let mut buf = String::new();
        let _ = stderr.read_to_string(&mut buf).await;
        buf
    });
    let client = rmcp::ServiceExt::serve(
        TestClient {
            version: ProtocolVersion::V_2025_11_25,
        },
        transport,
    )
    .await
    .unwrap();
    let calls = [
        ("get_server_time", json!({})),
        ("get_exchange_info", json!({"symbol":"BTCUSDT"})),
        ("get_ticker", json!({"symbol":"BTCUSDT"})),
        ("get_ticker_price", json!({"symbol":"BTCUSDT"})),
        ("get_book_ticker", json!({"symbol":"BTCUSDT"})),
        ("get_order_book", json!({"symbol":"BTCUSDT","limit":5})),
        ("get_recent_trades", json!({"symbol":"BTCUSDT","limit":5})),
        (
            "get_klines",
            json!({"symbol":"BTCUSDT","interval":"1h","limit":2}),
        ),
        ("get_average_price", json!({"symbol":"BTCUSDT"})),
        ("get_account_info", json!({})),
        ("get_account_trades", json!({"symbol":"BTCUSDT"})),
        ("get_open_orders", json!({})),
        ("get_all_orders", json!({"symbol":"BTCUSDT"})),
        ("get_fee_info", json!({"symbol":"BTCUSDT"})),
        ("get_account_snapshot", json!({})),
        ("get_pnl", json!({"symbols":["BTCUSDT"]})),
        ("get_deposit_history", json!({})),
        ("get_withdraw_history", json!({})),
        (
            "get_universal_transfer_history",
            json!({"type":"MAIN_UMFUTURE"}),
        ),
        ("get_deposit_address", json!({"coin":"BTC"})),
        ("get_order", json!({"symbol":"BTCUSDT","orderId":1})),
    ];
    let mut outputs = String::new();
    for (tool, args) in calls {
        let (_, body) = call(&client, tool, args).await;
        outputs.push_str(&body.to_string());
    }
    client.cancel().await.unwrap();
    let logs = logs.await.unwrap();
    let signatures = sim.state().keys().signatures_seen();
    assert!(
        signatures.len() >= 12,
        "the account tools were signed: {}",
        signatures.len()
    );
    assert!(logs.len() > 1000, "trace logging was on");
    for haystack in [&logs, &outputs] {
        assert!(!haystack.contains(SIM_SECRET_KEY), "the secret leaked");
        assert!(!haystack.contains(SIM_API_KEY), "the API key leaked");
        for s in &signatures {
            assert!(!haystack.contains(s.as_str()), "a signature leaked: {s}");
        }
    }
}

/// An Ed25519 key (PKCS#8 PEM file) signs through the real binary, and the
/// simulator verifies it against the registered public key.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_ed25519_key_file_signs_account_requests() {
    use ed25519_dalek::pkcs8::EncodePrivateKey;
    let sim = sim(17).await;
    let key = ed25519_dalek::SigningKey::generate(&mut rand_core::OsRng);
    let api_key = format!("{:0<64}", "Ed25519TestKey");
    sim.register_ed25519_key(&api_key, key.verifying_key().to_bytes());
    let pem = key.to_pkcs8_pem(Default::default()).unwrap();
    let path = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("ed25519-test.pem");
    std::fs::write(&path, pem.as_bytes()).unwrap();
    let mut cmd = command(&sim.spot_url(), &sim.futures_url());
    cmd.env("BINANCE_API_KEY", api_key)
        .env("BINANCE_PRIVATE_KEY_PATH", &path);
    let client = connect_with(cmd, ProtocolVersion::V_2025_11_25).await;
    let info = ok(&client, "get_account_info", json!({})).await;
    assert_eq!(info["accountType"], "SPOT");
    let signatures = sim.state().keys().signatures_seen();
    assert!(
        signatures.iter().any(|s| s.ends_with('=') || s.len() == 88),
        "base64 Ed25519 signatures: {signatures:?}"
    );
    client.cancel().await.unwrap();
}
