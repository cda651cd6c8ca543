//! USD-M futures market streams on `/public`, end to end over a raw
//! WebSocket: Binance's futures diff-depth shape (`T`, `pu`), its local
//! book procedure against `/fapi/v1/depth`, the streams `/public` does not
//! serve, the futures message limit and shutdown.

mod common;

use std::collections::BTreeMap;
use std::time::Duration;

use binance_sim::stream::StreamTiming;
use binance_sim::{Decimal, Market, SimConfig, Simulator};
use common::get;
use common::ws::{connect, Frame, Ws};
use serde_json::Value;

const WAIT: Duration = Duration::from_secs(5);

async fn sim() -> Simulator {
    let sim = Simulator::start(SimConfig::default()).await.unwrap();
    let timing = StreamTiming {
        tick: Duration::from_millis(20),
        ..StreamTiming::default()
    };
    sim.state().futures_streams().set_timing(timing);
    sim
}

/// `/public/...` on the simulator, from `futures_ws_url`'s path.
fn public(sim: &Simulator, rest: &str) -> String {
    let base = sim.futures_ws_url();
    let prefix = format!("ws://{}", sim.addr());
    format!("{}{rest}", base.strip_prefix(&prefix).unwrap())
}

/// A local book side: price → quantity.
type Side = BTreeMap<Decimal, Decimal>;

fn dec(v: &Value) -> Decimal {
    v.as_str().unwrap().parse().unwrap()
}

fn apply(side: &mut Side, levels: &Value) {
    for l in levels.as_array().unwrap() {
        let (p, q) = (dec(&l[0]), dec(&l[1]));
        if q.is_zero() {
            side.remove(&p);
        } else {
            side.insert(p, q);
        }
    }
}

fn side_of(levels: &Value) -> Side {
    let mut s = Side::new();
    apply(&mut s, levels);
    s
}

fn true_sides(m: &Market) -> (Side, Side) {
    (
        m.bids.iter().copied().collect(),
        m.asks.iter().copied().collect(),
    )
}

/// The next combined-stream frame's `data`, checking its stream name.
async fn event(ws: &mut Ws, stream: &str) -> Option<Value> {
    let text = ws.text(WAIT).await?;
    let v: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["stream"], stream, "{text}");
    Some(v["data"].clone())
}

/// The reply to request `id`, skipping stream events.
async fn reply(ws: &mut Ws, id: u64) -> Value {
    loop {
        let text = ws.text(WAIT).await.expect("a reply");
        let v: Value = serde_json::from_str(&text).unwrap();
        if v.get("id").and_then(Value::as_u64) == Some(id) {
            return v;
        }
    }
}

/// Applies one diff event to the local book by Binance's futures rules;
/// false when it is dropped (older than the snapshot `last_id`).
fn apply_event(
    e: &Value,
    last_id: u64,
    prev_u: &mut Option<u64>,
    bids: &mut Side,
    asks: &mut Side,
) -> bool {
    assert_eq!(e["e"], "depthUpdate");
    assert_eq!(e["s"], "BTCUSDT");
    assert!(e["T"].is_i64() && e["E"].is_i64(), "{e}");
    let (first, last, pu) = (
        e["U"].as_u64().unwrap(),
        e["u"].as_u64().unwrap(),
        e["pu"].as_u64().unwrap(),
    );
    assert_eq!(first, pu + 1);
    match *prev_u {
        None if last < last_id => return false,
        None => assert!(
            (first <= last_id && last_id <= last) || pu == last_id,
            "the first event {first}..{last} (pu {pu}) does not continue snapshot {last_id}"
        ),
        Some(prev) => assert_eq!(pu, prev, "pu chains to the previous u"),
    }
    apply(bids, &e["b"]);
    apply(asks, &e["a"]);
    *prev_u = Some(last);
    true
}

/// Binance's futures procedure for a local book: open the stream, buffer,
/// take a snapshot, drop events with `u` < `lastUpdateId`, apply the first
/// with `U` <= `lastUpdateId` <= `u` (or `pu` = `lastUpdateId`), then each
/// next event's `pu` must be the previous `u`. After pausing the books
/// and draining the stream, the local book is the simulator's true one.
#[tokio::test]
async fn a_local_book_from_the_snapshot_and_the_public_depth_stream_is_the_true_book() {
    let sim = sim().await;
    let stream = "btcusdt@depth@100ms";
    let mut ws = connect(
        sim.addr(),
        &public(&sim, &format!("/stream?streams={stream}")),
    )
    .await
    .unwrap();
    let mut buffered = vec![event(&mut ws, stream).await.expect("a first event")];
    let snap = get(&sim, "/fapi/v1/depth?symbol=BTCUSDT&limit=1000").await;
    assert_eq!(snap.status, 200, "{}", snap.body);
    let snap = snap.json();
    let last_id = snap["lastUpdateId"].as_u64().unwrap();
    let (mut bids, mut asks) = (side_of(&snap["bids"]), side_of(&snap["asks"]));
    let mut prev_u: Option<u64> = None;
    let mut applied = 0;
    while applied < 30 {
        let e = match buffered.pop() {
            Some(e) => e,
            None => event(&mut ws, stream).await.expect("events keep coming"),
        };
        applied += apply_event(&e, last_id, &mut prev_u, &mut bids, &mut asks) as usize;
    }
    sim.state().futures_streams().pause(true);
    tokio::time::sleep(Duration::from_millis(100)).await;
    while let Ok(Some(text)) = tokio::time::timeout(
        Duration::from_millis(500),
        ws.text(Duration::from_millis(500)),
    )
    .await
    {
        let v: Value = serde_json::from_str(&text).unwrap();
        apply_event(&v["data"], last_id, &mut prev_u, &mut bids, &mut asks);
    }
    let truth = sim.state().live_futures_market("BTCUSDT").unwrap();
    assert_eq!(prev_u, Some(truth.last_update_id));
    assert_eq!((bids, asks), true_sides(&truth));

    // The REST snapshot is the same book now.
    let snap = get(&sim, "/fapi/v1/depth?symbol=BTCUSDT&limit=1000")
        .await
        .json();
    assert_eq!(snap["lastUpdateId"].as_u64(), Some(truth.last_update_id));
    assert_eq!(
        (side_of(&snap["bids"]), side_of(&snap["asks"])),
        true_sides(&truth)
    );
    // The spot book and spot streams are untouched by the futures ones.
    let generated = sim.state().market("BTCUSDT").unwrap();
    assert!(truth.last_update_id > generated.last_update_id);
    let spot = sim.state().live_market("BTCUSDT").unwrap();
    assert_eq!(spot.last_update_id, generated.last_update_id);
    assert_eq!(sim.state().streams().stats().depth_events, 0);
    assert!(sim.state().futures_streams().stats().depth_events >= 30);
    sim.shutdown().await;
}

#[tokio::test]
async fn public_serves_depth_and_book_ticker_but_not_trades() {
    let sim = sim().await;
    assert_eq!(sim.futures_ws_url(), format!("ws://{}/public", sim.addr()));
    for bad in ["btcusdt@trade", "btcusdt@aggTrade", "btcusdt@kline_1m"] {
        match connect(sim.addr(), &public(&sim, &format!("/ws/{bad}"))).await {
            Err((status, body)) => {
                assert_eq!(status, 400);
                assert!(body.contains("unknown stream"), "{body}");
            }
            Ok(_) => panic!("/public/ws/{bad} was accepted"),
        }
    }
    let refused = connect(sim.addr(), &public(&sim, "/stream?streams=btcusdt@trade")).await;
    assert_eq!(refused.err().map(|e| e.0), Some(400));
    // Spot still serves trades.
    assert!(connect(sim.addr(), "/ws/btcusdt@trade").await.is_ok());

    let mut ws = connect(sim.addr(), &public(&sim, "/ws")).await.unwrap();
    ws.send_text(r#"{"method":"SUBSCRIBE","params":["btcusdt@trade"],"id":1}"#)
        .await;
    let r = reply(&mut ws, 1).await;
    assert_eq!(r["error"]["code"], 2, "{r}");
    let subscribe = r#"{"method":"SUBSCRIBE","params":["btcusdt@depth@500ms","btcusdt@depth5@100ms","btcusdt@bookTicker"],"id":2}"#;
    ws.send_text(subscribe).await;
    assert_eq!(reply(&mut ws, 2).await["result"], Value::Null);
    ws.send_text(r#"{"method":"LIST_SUBSCRIPTIONS","id":3}"#)
        .await;
    let list = reply(&mut ws, 3).await;
    assert_eq!(
        list["result"],
        serde_json::json!([
            "btcusdt@bookTicker",
            "btcusdt@depth5@100ms",
            "btcusdt@depth@500ms"
        ])
    );
    // Raw frames: depthUpdate (diff or partial) and bookTicker, in the
    // futures shape.
    let (mut diff, mut partial, mut ticker) = (false, false, false);
    while !(diff && partial && ticker) {
        let text = ws.text(WAIT).await.expect("events");
        let v: Value = serde_json::from_str(&text).unwrap();
        assert!(v["T"].is_i64() && v["E"].is_i64(), "{text}");
        match v["e"].as_str() {
            Some("bookTicker") => ticker = true,
            Some("depthUpdate") if v["b"].as_array().unwrap().len() == 5 => partial = true,
            Some("depthUpdate") => {
                assert!(v["pu"].is_u64());
                diff = true;
            }
            _ => panic!("unexpected {text}"),
        }
    }
    sim.shutdown().await;
}

#[tokio::test]
async fn futures_connections_take_ten_messages_a_second_spot_five() {
    let sim = sim().await;
    let mut futures = connect(sim.addr(), &public(&sim, "/ws")).await.unwrap();
    for id in 1..=10 {
        futures
            .send_text(&format!(r#"{{"method":"LIST_SUBSCRIPTIONS","id":{id}}}"#))
            .await;
    }
    for id in 1..=10 {
        assert_eq!(
            reply(&mut futures, id).await["result"],
            serde_json::json!([])
        );
    }
    futures
        .send_text(r#"{"method":"LIST_SUBSCRIPTIONS","id":11}"#)
        .await;
    assert_eq!(
        futures.end(WAIT).await,
        Some(Frame::Close(1008, "too many messages".into()))
    );

    let mut spot = connect(sim.addr(), "/ws").await.unwrap();
    for id in 1..=6 {
        spot.send_text(&format!(r#"{{"method":"LIST_SUBSCRIPTIONS","id":{id}}}"#))
            .await;
    }
    assert_eq!(
        spot.end(WAIT).await,
        Some(Frame::Close(1008, "too many messages".into()))
    );
    assert_eq!(sim.state().futures_streams().stats().closed_for_rate, 1);
    assert_eq!(sim.state().streams().stats().closed_for_rate, 1);
    sim.shutdown().await;
}

/// Each hub's hooks act on its own connections; shutting the simulator
/// down ends the futures connections too.
#[tokio::test]
async fn hooks_are_per_hub_and_shutdown_drops_futures_connections() {
    let sim = sim().await;
    let stream = "btcusdt@depth@100ms";
    let mut ws = connect(sim.addr(), &public(&sim, &format!("/ws/{stream}")))
        .await
        .unwrap();
    assert!(ws.text(WAIT).await.is_some());
    sim.state().streams().drop_connections();
    assert!(
        ws.text(WAIT).await.is_some(),
        "spot's drop left futures alone"
    );
    assert_eq!(sim.state().futures_streams().subscribers("BTCUSDT"), 1);
    assert_eq!(sim.state().futures_streams().stats().connections_open, 1);

    let mut other = connect(sim.addr(), &public(&sim, &format!("/ws/{stream}")))
        .await
        .unwrap();
    assert!(other.text(WAIT).await.is_some());
    sim.state().futures_streams().drop_connections();
    let ended = tokio::time::timeout(WAIT, async {
        while let Some(f) = other.frame().await {
            assert!(!matches!(f, Frame::Close(..)), "dropped, not closed");
        }
    })
    .await;
    assert!(ended.is_ok(), "the futures drop hook ends the connection");

    let mut ws = connect(sim.addr(), &public(&sim, &format!("/ws/{stream}")))
        .await
        .unwrap();
    assert!(ws.text(WAIT).await.is_some());
    tokio::time::timeout(WAIT, sim.shutdown()).await.unwrap();
    let ended = tokio::time::timeout(WAIT, async { while ws.frame().await.is_some() {} }).await;
    assert!(ended.is_ok(), "shutdown ends futures connections");
}
