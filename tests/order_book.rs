//! The order-book engine against the simulator's WebSocket streams, over
//! real sockets and the real REST path (weight budget included): books
//! equal the simulator's true book after thousands of events with injected
//! gaps and drops; health follows a stall; rollovers and shutdown notices
//! cause no resync; idle symbols are unsubscribed; the symbol and
//! connection-attempt bounds hold; a resync storm never earns a 429.

use std::sync::Arc;
use std::time::{Duration, Instant};

use binance_mcp::book::{fixed, BookEngine, EngineConfig, Freshness, WatchError};
use binance_mcp::exchange::http::{BaseUrls, HttpGateway};
use binance_mcp::exchange::ratelimit::RateLimiter;
use binance_mcp::exchange::ExchangeService;
use binance_mcp::lifecycle::Lifecycle;
use binance_sim::{Decimal, SimConfig, Simulator};

async fn sim(seed: u64) -> Simulator {
    let sim = Simulator::start(SimConfig {
        seed,
        port: 0,
        ..Default::default()
    })
    .await
    .unwrap();
    let mut t = sim.state().streams().timing();
    t.tick = Duration::from_millis(10);
    sim.state().streams().set_timing(t);
    sim
}

/// The exchange service against `sim`, with `limiter`'s weight budgets.
fn exchange(sim: &Simulator, limiter: RateLimiter) -> ExchangeService {
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
    ExchangeService::with(Arc::new(gateway), None, 5000, limiter)
}

fn engine(sim: &Simulator, tweak: impl FnOnce(&mut EngineConfig)) -> (BookEngine, Lifecycle) {
    let lifecycle = Lifecycle::new();
    let mut cfg = EngineConfig::new(sim.ws_url());
    tweak(&mut cfg);
    (
        BookEngine::new(
            cfg,
            exchange(sim, RateLimiter::default()),
            lifecycle.clone(),
        ),
        lifecycle,
    )
}

async fn until(what: &str, timeout: Duration, mut cond: impl FnMut() -> bool) {
    let end = Instant::now() + timeout;
    while !cond() {
        assert!(Instant::now() < end, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// The engine's book of `symbol` equals the simulator's, level for level.
fn same_book(engine: &BookEngine, sim: &Simulator, symbol: &str) -> bool {
    same_as(engine, &sim.state().live_market(symbol).unwrap())
}

/// The engine's book of `truth`'s symbol equals `truth`, level for level.
fn same_as(engine: &BookEngine, truth: &binance_sim::Market) -> bool {
    let symbol = truth.symbol.as_str();
    let book = engine.peek(symbol).unwrap();
    book.read(|b, fresh, _| {
        let conv =
            |l: &binance_mcp::book::Level| (fixed::to_decimal(l.price), fixed::to_decimal(l.qty));
        let norm = |v: &[(Decimal, Decimal)]| {
            v.iter()
                .map(|(p, q)| (p.normalize(), q.normalize()))
                .collect::<Vec<_>>()
        };
        fresh != Freshness::Syncing
            && b.update_id() == truth.last_update_id
            && b.bids().iter().map(conv).collect::<Vec<_>>() == norm(&truth.bids)
            && b.asks().iter().map(conv).collect::<Vec<_>>() == norm(&truth.asks)
    })
}

const SYMBOLS: [&str; 4] = ["BTCUSDT", "ETHUSDT", "BNBUSDT", "LTCUSDT"];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn books_equal_the_true_book_after_gaps_and_drops() {
    let sim = sim(11).await;
    let (engine, life) = engine(&sim, |_| {});
    for s in SYMBOLS {
        engine.watch(s, None).unwrap();
    }
    until("all books live", Duration::from_secs(10), || {
        SYMBOLS
            .iter()
            .all(|s| engine.peek(s).unwrap().freshness() == Freshness::Live)
    })
    .await;
    let mut t = sim.state().streams().timing();
    t.tick = Duration::from_millis(4);
    sim.state().streams().set_timing(t);
    let start = sim.state().streams().stats().depth_events;
    // At least 16 fault rounds, and as many more as a loaded machine needs
    // for the simulator to publish 2,000 events.
    let published = || sim.state().streams().stats().depth_events - start;
    let mut round = 0;
    while round < 16 || (published() < 2000 && round < 200) {
        tokio::time::sleep(Duration::from_millis(400)).await;
        match round % 2 {
            0 => SYMBOLS
                .iter()
                .for_each(|s| sim.state().streams().skip_next_event(s)),
            _ => sim.state().streams().drop_connections(),
        }
        round += 1;
    }
    tokio::time::sleep(Duration::from_millis(400)).await;
    sim.state().streams().pause(true);
    let events = sim.state().streams().stats().depth_events - start;
    assert!(events >= 2000, "only {events} events");
    until(
        "books equal to the simulator's",
        Duration::from_secs(15),
        || SYMBOLS.iter().all(|s| same_book(&engine, &sim, s)),
    )
    .await;
    let h = engine.health();
    assert_eq!(h.status, "ok", "{h:?}");
    assert!(h.reconnects >= 8, "{h:?}");
    assert!(h.symbols.iter().all(|s| s.resyncs >= 8), "{h:?}");
    assert_eq!(sim.state().stats().status_429, 0);
    life.shutdown(Duration::from_secs(5)).await;
}

/// USD-M futures: books chained by `pu` from `/public/stream` and
/// `/fapi/v1/depth` equal the simulator's futures book after gaps and drops.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn futures_books_chain_by_pu_through_gaps_and_drops() {
    let sim = sim(12).await;
    let hub = sim.state().futures_streams();
    let mut t = hub.timing();
    t.tick = Duration::from_millis(5);
    hub.set_timing(t);
    let life = Lifecycle::new();
    let engine = BookEngine::new(
        EngineConfig::futures(&sim.ws_url()),
        exchange(&sim, RateLimiter::default()),
        life.clone(),
    );
    let symbols = ["BTCUSDT", "ETHUSDT"];
    for s in symbols {
        engine.watch(s, None).unwrap();
    }
    until("futures books live", Duration::from_secs(10), || {
        symbols
            .iter()
            .all(|s| engine.peek(s).unwrap().freshness() == Freshness::Live)
    })
    .await;
    let start = hub.stats().depth_events;
    let mut round = 0;
    while round < 6 || (hub.stats().depth_events - start < 1000 && round < 100) {
        tokio::time::sleep(Duration::from_millis(300)).await;
        match round % 2 {
            0 => symbols.iter().for_each(|s| hub.skip_next_event(s)),
            _ => hub.drop_connections(),
        }
        round += 1;
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    hub.pause(true);
    until(
        "futures books equal to the simulator's",
        Duration::from_secs(15),
        || {
            symbols
                .iter()
                .all(|s| same_as(&engine, &sim.state().live_futures_market(s).unwrap()))
        },
    )
    .await;
    let h = engine.health();
    assert_eq!(h.status, "ok", "{h:?}");
    assert!(h.reconnects >= 3, "{h:?}");
    assert!(h.symbols.iter().all(|s| s.resyncs >= 3), "{h:?}");
    // The spot books were never touched: the venues are separate.
    assert!(sim.state().streams().active_symbols().is_empty());
    assert!(sim
        .state()
        .stats()
        .by_path
        .get("/fapi/v1/depth")
        .is_some_and(|n| *n >= 6));
    assert_eq!(sim.state().stats().status_429, 0);
    life.shutdown(Duration::from_secs(5)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_moves_ok_degraded_ok_across_a_stall() {
    let sim = sim(12).await;
    let (engine, life) = engine(&sim, |c| c.stale_after = Duration::from_millis(300));
    let book = engine.watch("ETHUSDT", None).unwrap();
    until("live", Duration::from_secs(10), || {
        engine.health().status == "ok"
    })
    .await;
    sim.state().streams().stall("ETHUSDT", true);
    until("degraded", Duration::from_secs(5), || {
        engine.health().status == "degraded"
    })
    .await;
    assert_eq!(book.freshness(), Freshness::Stale);
    assert_eq!(engine.health().symbols[0].state, "stale");
    sim.state().streams().stall("ETHUSDT", false);
    // The next event does not chain on: a gap, a resync, then live again.
    until("ok again", Duration::from_secs(10), || {
        engine.health().status == "ok"
    })
    .await;
    assert!(book.resyncs() >= 1);
    life.shutdown(Duration::from_secs(5)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rollovers_and_shutdown_notices_cause_no_resync() {
    let sim = sim(13).await;
    let mut t = sim.state().streams().timing();
    // Binance's 24 h forced disconnect, compressed: the server closes at
    // 1.5 s, the host rolls over at 0.8 s.
    t.max_age = Duration::from_millis(1500);
    t.shutdown_grace = Duration::from_millis(400);
    sim.state().streams().set_timing(t);
    let (engine, life) = engine(&sim, |c| c.max_connection_age = Duration::from_millis(800));
    let book = engine.watch("BTCUSDT", None).unwrap();
    until("live", Duration::from_secs(10), || {
        book.freshness() == Freshness::Live
    })
    .await;
    tokio::time::sleep(Duration::from_millis(2500)).await;
    sim.state().streams().announce_shutdown();
    tokio::time::sleep(Duration::from_millis(1000)).await;
    let h = engine.health();
    assert!(h.connections[0].rollovers >= 3, "{h:?}");
    assert_eq!(h.reconnects, 0, "{h:?}");
    assert_eq!(book.resyncs(), 0, "{h:?}");
    sim.state().streams().pause(true);
    until(
        "book equal to the simulator's",
        Duration::from_secs(5),
        || same_book(&engine, &sim, "BTCUSDT"),
    )
    .await;
    life.shutdown(Duration::from_secs(5)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idle_symbols_are_unsubscribed_and_the_bound_holds() {
    let sim = sim(14).await;
    let (engine, life) = engine(&sim, |c| {
        c.idle_after = Duration::from_millis(400);
        c.max_symbols = 2;
    });
    engine.watch("BTCUSDT", None).unwrap();
    engine.watch("ETHUSDT", None).unwrap();
    match engine.watch("BNBUSDT", None) {
        Err(e @ WatchError::TooManySymbols { max: 2, .. }) => {
            assert!(e.to_string().contains("2 symbols"))
        }
        other => panic!("{other:?}"),
    }
    // The policy's bound applies on top of the engine's.
    assert!(matches!(
        engine.watch("BNBUSDT", Some(1)),
        Err(WatchError::TooManySymbols { max: 1, .. })
    ));
    // A spot symbol is followed on two streams: its depth and its trades.
    until("subscribed", Duration::from_secs(5), || {
        sim.state().streams().subscribers("BTCUSDT") == 2
    })
    .await;
    // BTCUSDT keeps being used; ETHUSDT goes idle.
    let end = Instant::now() + Duration::from_millis(1500);
    while Instant::now() < end {
        engine.peek("BTCUSDT");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    until("ETHUSDT unsubscribed", Duration::from_secs(5), || {
        sim.state().streams().subscribers("ETHUSDT") == 0
    })
    .await;
    assert_eq!(sim.state().streams().subscribers("BTCUSDT"), 2);
    assert!(engine.peek("ETHUSDT").is_none());
    // A slot is free again.
    engine.watch("BNBUSDT", None).unwrap();
    life.shutdown(Duration::from_secs(5)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connection_attempts_stay_within_the_window() {
    let sim = sim(15).await;
    let (engine, life) = engine(&sim, |c| c.connect_attempts_per_5m = 3);
    engine.watch("BTCUSDT", None).unwrap();
    until("connected", Duration::from_secs(5), || {
        sim.state().streams().stats().connections_open == 1
    })
    .await;
    for _ in 0..6 {
        sim.state().streams().drop_connections();
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    assert_eq!(sim.state().streams().stats().connections_opened, 3);
    let h = engine.health();
    assert_ne!(h.status, "ok");
    assert!(h
        .last_error
        .unwrap_or_default()
        .contains("attempts exhausted"));
    life.shutdown(Duration::from_secs(5)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_resync_storm_stays_within_the_weight_budget() {
    let sim = sim(16).await;
    // Four symbols at weight 50 a snapshot, twice over, against a 300-weight
    // minute: the second storm must wait for the window, never get a 429.
    sim.state().set_weight_limit(300);
    let exchange = exchange(&sim, RateLimiter::new(300, 2400));
    let life = Lifecycle::new();
    let engine = BookEngine::new(EngineConfig::new(sim.ws_url()), exchange, life.clone());
    for s in SYMBOLS {
        engine.watch(s, None).unwrap();
    }
    let all_live = || {
        SYMBOLS
            .iter()
            .all(|s| engine.peek(s).unwrap().freshness() == Freshness::Live)
    };
    until("all live", Duration::from_secs(20), all_live).await;
    sim.state().streams().drop_connections();
    until("the drop noticed", Duration::from_secs(5), || {
        engine.health().reconnects >= 1
    })
    .await;
    until("all live again", Duration::from_secs(90), all_live).await;
    let stats = sim.state().stats();
    assert_eq!(stats.status_429, 0);
    assert_eq!(stats.status_418, 0);
    assert!(engine.health().snapshots >= 8);
    life.shutdown(Duration::from_secs(5)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unlisted_symbol_is_dropped_without_harming_the_others() {
    let sim = sim(17).await;
    let (engine, life) = engine(&sim, |_| {});
    engine.watch("NOSUCHUSDT", None).unwrap();
    let book = engine.watch("BTCUSDT", None).unwrap();
    until("live", Duration::from_secs(10), || {
        book.freshness() == Freshness::Live
    })
    .await;
    until(
        "the unlisted symbol dropped",
        Duration::from_secs(10),
        || engine.peek("NOSUCHUSDT").is_none(),
    )
    .await;
    assert!(engine
        .health()
        .last_error
        .unwrap_or_default()
        .contains("NOSUCHUSDT"));
    life.shutdown(Duration::from_secs(5)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_quiet_symbol_goes_live_on_an_open_connection() {
    let sim = sim(19).await;
    let (engine, life) = engine(&sim, |_| {});
    let first = engine.watch("BTCUSDT", None).unwrap();
    until("the first book live", Duration::from_secs(10), || {
        first.freshness() == Freshness::Live
    })
    .await;
    // No book changes from now on: the second symbol sees no event at all,
    // so only the subscription's confirmation can start its snapshot.
    sim.state().streams().pause(true);
    let quiet = engine.watch("ETHUSDT", None).unwrap();
    until("the quiet book live", Duration::from_secs(10), || {
        quiet.freshness() == Freshness::Live
    })
    .await;
    assert!(same_book(&engine, &sim, "ETHUSDT"));
    assert_eq!(engine.health().connections.len(), 1);
    life.shutdown(Duration::from_secs(5)).await;
}

mod support;

/// Through the real binary: the live tools answer from the simulator's
/// streams, equal to its true book, and spend no REST weight once live.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn live_tools_answer_from_memory_through_the_binary() {
    use serde_json::json;
    let sim = support::sim(21).await;
    sim.state().streams().pause(true);
    let client = support::connect(&sim).await;
    let m = support::ok(
        &client,
        "get_orderbook_metrics",
        json!({"symbol": "BTCUSDT"}),
    )
    .await;
    assert_eq!(m["source"], "live", "{m}");
    assert_eq!(m["state"], "live", "{m}");
    let truth = sim.state().live_market("BTCUSDT").unwrap();
    assert_eq!(m["bestBid"], truth.bids[0].0.normalize().to_string());
    assert_eq!(m["bestAsk"], truth.asks[0].0.normalize().to_string());
    assert_eq!(
        m["mid"],
        ((truth.bids[0].0 + truth.asks[0].0) / Decimal::TWO)
            .normalize()
            .to_string()
    );
    assert_eq!(m["bands"]["rows"].as_array().unwrap().len(), 3);
    assert!(m["wallRule"].as_str().unwrap().contains("median"));

    // Depth: integers that decode to the true book.
    let d = support::ok(
        &client,
        "get_orderbook_depth",
        json!({"symbol": "BTCUSDT", "levels": 20}),
    )
    .await;
    let (ps, qs) = (
        d["priceScale"].as_u64().unwrap() as u32,
        d["qtyScale"].as_u64().unwrap() as u32,
    );
    let rows = d["bids"].as_array().unwrap();
    assert_eq!(rows.len(), 20);
    for (row, (p, q)) in rows.iter().zip(&truth.bids) {
        let dec = |v: &serde_json::Value, s: u32| {
            Decimal::from_i128_with_scale(v.as_i64().unwrap() as i128, s)
        };
        assert_eq!((dec(&row[0], ps), dec(&row[1], qs)), (*p, *q));
    }
    let rest = support::ok(
        &client,
        "get_order_book",
        json!({"symbol": "BTCUSDT", "limit": 100}),
    )
    .await;
    assert_eq!(rest["source"], "live", "answered from memory: {rest}");
    assert_eq!(rest["lastUpdateId"], truth.last_update_id);
    let d100 = support::ok(
        &client,
        "get_orderbook_depth",
        json!({"symbol": "BTCUSDT", "levels": 100}),
    )
    .await;
    let (compact, decimal) = (
        serde_json::to_string(&json!([d100["bids"], d100["asks"]]))
            .unwrap()
            .len(),
        serde_json::to_string(&json!([rest["bids"], rest["asks"]]))
            .unwrap()
            .len(),
    );
    eprintln!(
        "depth 100 levels a side: integers {compact} B, decimal strings {decimal} B, ratio {:.2}",
        decimal as f64 / compact as f64
    );
    assert!(
        compact * 10 < decimal * 7,
        "integers {compact} B vs decimals {decimal} B"
    );

    // Warm: 1,000 metric calls and the REST tools spend no weight. The book
    // moves again (a book without events for 10 s is stale, and a stale book
    // is never served as fresh).
    sim.state().streams().pause(false);
    let depth_calls = || {
        sim.state()
            .stats()
            .by_path
            .get("/api/v3/depth")
            .copied()
            .unwrap_or(0)
    };
    let (before, weight) = (depth_calls(), sim.state().weight_used_1m());
    for _ in 0..1000 {
        support::ok(
            &client,
            "get_orderbook_metrics",
            json!({"symbol": "BTCUSDT"}),
        )
        .await;
    }
    let t = support::ok(&client, "get_book_ticker", json!({"symbol": "BTCUSDT"})).await;
    assert_eq!(t["source"], "live", "{t}");
    support::ok(
        &client,
        "get_order_book",
        json!({"symbol": "BTCUSDT", "limit": 20}),
    )
    .await;
    assert_eq!(depth_calls(), before);
    assert!(sim.state().weight_used_1m() <= weight, "weight spent");

    // A trade prints: get_ticker_price answers it from memory.
    let price_calls = || {
        sim.state()
            .stats()
            .by_path
            .get("/api/v3/ticker/price")
            .copied()
            .unwrap_or(0)
    };
    let trade_at = sim.state().live_market("BTCUSDT").unwrap().bids[0].0;
    sim.state().set_price("BTCUSDT", trade_at);
    let expected = sim
        .state()
        .price("BTCUSDT")
        .unwrap()
        .normalize()
        .to_string();
    let end = Instant::now() + Duration::from_secs(10);
    let p = loop {
        let p = support::ok(&client, "get_ticker_price", json!({"symbol": "BTCUSDT"})).await;
        if p["source"] == "live" || Instant::now() > end {
            break p;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!(p["source"], "live", "{p}");
    assert_eq!(p["prices"]["BTCUSDT"], expected, "{p}");
    assert!(p["tradeTime"].as_str().unwrap().ends_with('Z'), "{p}");
    let calls = price_calls();
    assert!(
        calls <= 1,
        "at most the one REST answer before the trade arrived"
    );
    support::ok(&client, "get_ticker_price", json!({"symbol": "BTCUSDT"})).await;
    assert_eq!(price_calls(), calls);

    // USD-M futures books through the same tools.
    sim.state().futures_streams().pause(true);
    let f = support::ok(
        &client,
        "get_orderbook_depth",
        json!({"symbol": "ETHUSDT", "market": "usdm", "levels": 10}),
    )
    .await;
    assert_eq!(
        (f["source"].as_str(), f["market"].as_str()),
        (Some("live"), Some("usdm")),
        "{f}"
    );
    let ftruth = sim.state().live_futures_market("ETHUSDT").unwrap();
    assert_eq!(f["updateId"], ftruth.last_update_id, "{f}");
    let ps = f["priceScale"].as_u64().unwrap() as u32;
    let best = Decimal::from_i128_with_scale(f["asks"][0][0].as_i64().unwrap() as i128, ps);
    assert_eq!(best, ftruth.asks[0].0);
    let fm = support::ok(
        &client,
        "get_orderbook_metrics",
        json!({"symbol": "ETHUSDT", "market": "usdm"}),
    )
    .await;
    assert_eq!(
        fm["bestAsk"],
        ftruth.asks[0].0.normalize().to_string(),
        "{fm}"
    );
    assert!(sim.state().stats().by_path.contains_key("/fapi/v1/depth"));

    let h = support::ok(&client, "get_orderbook_health", json!({})).await;
    let rows = h["symbols"]["rows"].as_array().unwrap();
    assert!(
        rows.iter().any(|r| r[0] == "spot" && r[1] == "BTCUSDT"),
        "{h}"
    );
    assert!(
        rows.iter().any(|r| r[0] == "usdm" && r[1] == "ETHUSDT"),
        "{h}"
    );
    assert_ne!(h["status"], "error", "{h}");
    // A symbol's book that is not live yet is never served from memory.
    let other = support::ok(
        &client,
        "get_order_book",
        json!({"symbol": "ETHUSDT", "limit": 5}),
    )
    .await;
    assert!(other.get("source").is_none(), "{other}");
    client.cancel().await.ok();
}

/// Through the real binary: the symbol bound refuses a new symbol as
/// `rate_limited` with a retry time, and a policy without `order-book`
/// hides the live tools while `get_order_book` keeps answering from REST.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_bound_and_the_grant_hold_through_the_binary() {
    use serde_json::json;
    let sim = support::sim(22).await;
    let mut cmd = support::command(&sim.spot_url(), &sim.futures_url());
    cmd.arg("--book-symbols").arg("1");
    let client = support::connect_with(cmd, rmcp::model::ProtocolVersion::V_2025_11_25).await;
    support::ok(
        &client,
        "get_orderbook_metrics",
        json!({"symbol": "BTCUSDT"}),
    )
    .await;
    let e = support::err(
        &client,
        "get_orderbook_metrics",
        json!({"symbol": "ETHUSDT"}),
    )
    .await;
    assert_eq!(e["code"], -32001, "{e}");
    assert!(e["retry_after_secs"].as_u64().is_some_and(|s| s > 0), "{e}");
    assert!(e["message"].as_str().unwrap().contains("1 symbols"), "{e}");
    client.cancel().await.ok();

    let policy = support::write_policy(
        "no-order-book.toml",
        "[plugins.market]\ngrants = [\"market-data\"]\n",
    );
    let mut cmd = support::command(&sim.spot_url(), &sim.futures_url());
    cmd.arg("--policy").arg(&policy);
    let client = support::connect_with(cmd, rmcp::model::ProtocolVersion::V_2025_11_25).await;
    let tools = client.list_all_tools().await.unwrap();
    assert!(tools.iter().all(|t| !t.name.starts_with("get_orderbook_")));
    let book = support::ok(
        &client,
        "get_order_book",
        json!({"symbol": "BTCUSDT", "limit": 5}),
    )
    .await;
    assert!(book.get("source").is_none(), "{book}");
    client.cancel().await.ok();
}
