//! `get_indicators` through the real binary against the simulator: every
//! value equals `binance-mcp-indicators` over the simulator's own candles,
//! rounded as the tool documents (price-scale outputs to the candles' price
//! places + 2, RSI and stochastic to 2, half to even, normalised), and bad
//! specs and too-short series come back as invalid-argument errors a model
//! can act on.
//!
//! The simulator's candles are a pure function of (seed, symbol, interval,
//! open time) (`sim/src/klines.rs`), so the candles from the tool's
//! `firstOpenTime` on are the same whenever they are read: the reference is
//! computed from the simulator's state with that start, and `get_klines`
//! over the same window is checked to serve those very candles.

mod support;

use binance_mcp_indicators::{Candle, Decimal, Spec};
use binance_mcp_plugin::time::{parse_iso8601, DayEdge};
use binance_sim::interval::Interval;
use binance_sim::klines::Kline;
use serde_json::{json, Value};
use support::*;

/// Every form the tool accepts, one of each (the largest call: 8 specs).
const ALL_FORMS: [&str; 8] = [
    "sma:20",
    "ema:50",
    "rsi:14",
    "macd:12:26:9",
    "bb:20:2",
    "atr:14",
    "vwap",
    "stoch:14:3:3",
];

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

fn ms(iso: &Value) -> i64 {
    parse_iso8601(iso.as_str().expect("an ISO time"), DayEdge::Start).expect("ISO-8601")
}

/// The documented display rounding.
fn shown(v: Decimal, dp: u32) -> Value {
    Value::String(v.round_dp(dp).normalize().to_string())
}

/// Price places + 2, at most 10; 2 for the oscillators.
fn dp(spec: &Spec, candles: &[Kline]) -> u32 {
    if matches!(spec, Spec::Rsi(_) | Spec::Stochastic { .. }) {
        return 2;
    }
    let places = candles
        .iter()
        .flat_map(|k| [k.open, k.high, k.low, k.close])
        .map(|p| p.normalize().scale())
        .max()
        .unwrap();
    (places + 2).min(10)
}

/// One call's arguments.
struct Case<'a> {
    symbol: &'a str,
    interval: Interval,
    limit: usize,
    forms: &'a [&'a str],
    points: usize,
}

/// Check one `get_indicators` answer against the simulator's candles.
async fn check_against_simulator(
    sim: &binance_sim::Simulator,
    client: &Client,
    s: &Schemas,
    case: Case<'_>,
) -> Value {
    let Case {
        symbol,
        interval,
        limit,
        forms,
        points,
    } = case;
    let out = s
        .ok(
            client,
            "get_indicators",
            json!({
                "symbol": symbol,
                "interval": interval.as_str(),
                "limit": limit,
                "indicators": forms,
                "points": points
            }),
        )
        .await;
    assert_eq!(out["symbol"], symbol);
    assert_eq!(out["interval"], interval.as_str());
    assert_eq!(out["candles"], limit);
    let first = ms(&out["firstOpenTime"]);
    let market = sim.state().market(symbol).unwrap();
    let want = market.klines(interval, Some(first), None, limit, now_ms());
    assert_eq!(want.len(), limit);
    assert_eq!(out["lastOpenTime"], iso(want[limit - 1].open_time));
    assert_eq!(out["lastClose"], d(want[limit - 1].close));

    // The same window through get_klines serves these very candles.
    if limit <= 300 {
        let kl = s
            .ok(
                client,
                "get_klines",
                json!({"symbol":symbol,"interval":interval.as_str(),"startTime":first,"limit":limit}),
            )
            .await;
        let rows = table(&kl);
        assert_eq!(rows.len(), limit);
        for (r, w) in rows.iter().zip(&want) {
            assert_eq!(r["openTime"], iso(w.open_time));
            assert_eq!(r["close"], d(w.close));
            assert_eq!(r["high"], d(w.high));
            assert_eq!(r["low"], d(w.low));
            assert_eq!(r["volume"], d(w.volume));
        }
    }

    let candles: Vec<Candle> = want
        .iter()
        .map(|k| Candle {
            open_time: k.open_time,
            open: k.open,
            high: k.high,
            low: k.low,
            close: k.close,
            volume: k.volume,
        })
        .collect();
    let listed = out["indicators"].as_array().unwrap();
    assert_eq!(listed.len(), forms.len());
    for (form, got) in forms.iter().zip(listed) {
        let spec = Spec::parse(form).unwrap();
        let series = spec.compute(&candles).unwrap();
        let places = dp(&spec, &want);
        assert_eq!(got["label"], spec.label(), "{form}");
        assert_eq!(got["warmup"], spec.warmup(), "{form}");
        let mut header = vec!["time"];
        header.extend_from_slice(spec.columns());
        assert_eq!(got["columns"], json!(header), "{form}");
        match series.latest() {
            Some(values) => {
                for (c, v) in spec.columns().iter().zip(values) {
                    assert_eq!(got["latest"][c], shown(*v, places), "{form} {c}");
                }
            }
            None => assert_eq!(got["latest"], Value::Null, "{form}"),
        }
        // The rows: the last `points` candles with a value, oldest first.
        let with_values: Vec<(i64, &Vec<Decimal>)> = want
            .iter()
            .zip(&series.rows)
            .filter_map(|(k, r)| r.as_ref().map(|r| (k.open_time, r)))
            .collect();
        let expected = &with_values[with_values.len().saturating_sub(points)..];
        let rows = got["rows"].as_array().unwrap();
        assert_eq!(rows.len(), expected.len(), "{form}");
        for (row, (t, values)) in rows.iter().zip(expected) {
            let mut cells = vec![iso(*t)];
            cells.extend(values.iter().map(|v| shown(*v, places)));
            assert_eq!(row, &Value::Array(cells), "{form}");
        }
    }
    out
}

#[tokio::test]
async fn values_equal_the_crate_over_the_simulators_candles() {
    let sim = sim(7).await;
    let client = connect(&sim).await;
    let s = Schemas::load(&client).await;

    // Every form at once, on a 0.01-tick market: prices at 4 places.
    let btc = Case {
        symbol: "BTCUSDT",
        interval: Interval::H1,
        limit: 200,
        forms: &ALL_FORMS,
        points: 5,
    };
    let out = check_against_simulator(&sim, &client, &s, btc).await;
    let sma = out["indicators"][0]["latest"]["value"].as_str().unwrap();
    assert!(
        sma.split_once('.').map_or(0, |(_, f)| f.len()) <= 4,
        "{sma}"
    );
    // A 0.00001-tick market, another interval, all the points there are.
    let eth_btc = Case {
        symbol: "ETHBTC",
        interval: Interval::M15,
        limit: 60,
        forms: &["ema:9", "macd:5:13:4", "bb:10:1.5", "stoch:5:3:3"],
        points: 100,
    };
    check_against_simulator(&sim, &client, &s, eth_btc).await;
    // A halted market: each candle flat at its open, without volume. VWAP
    // has no value (and says so with a null), the others still do.
    let halted = Case {
        symbol: "XYZUSDT",
        interval: Interval::H4,
        limit: 40,
        forms: &["vwap", "rsi", "stoch"],
        points: 3,
    };
    let flat = check_against_simulator(&sim, &client, &s, halted).await;
    assert_eq!(flat["indicators"][0]["latest"], Value::Null);
    assert_eq!(flat["indicators"][0]["rows"], json!([]));
    assert!(flat["indicators"][1]["latest"]["value"].is_string());

    // Defaults: 200 hourly candles, RSI, MACD and Bollinger, 10 points.
    let def = s
        .ok(&client, "get_indicators", json!({"symbol":"ETHUSDT"}))
        .await;
    assert_eq!(def["interval"], "1h");
    assert_eq!(def["candles"], 200);
    let labels: Vec<&str> = def["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["label"].as_str().unwrap())
        .collect();
    assert_eq!(labels, ["RSI(14)", "MACD(12,26,9)", "BB(20,2)"]);
    for i in def["indicators"].as_array().unwrap() {
        assert_eq!(i["rows"].as_array().unwrap().len(), 10);
    }
    client.cancel().await.unwrap();
}

#[tokio::test]
async fn bad_specs_and_short_series_are_actionable_errors() {
    let sim = sim(7).await;
    let client = connect(&sim).await;

    let e = err(
        &client,
        "get_indicators",
        json!({"symbol":"BTCUSDT","limit":20,"indicators":["rsi","macd"]}),
    )
    .await;
    assert_eq!(e["code"], -32003);
    assert_eq!(
        e["message"],
        "MACD(12,26,9) needs at least 34 candles; got 20: ask for a larger limit"
    );
    assert!(e["recovery"].as_str().unwrap().contains("limit 34"), "{e}");
    assert!(
        e.get("binance_code").is_none(),
        "refused before Binance: {e}"
    );

    let e = err(
        &client,
        "get_indicators",
        json!({"symbol":"BTCUSDT","indicators":["rsi:0"]}),
    )
    .await;
    assert_eq!(e["code"], -32003);
    let message = e["message"].as_str().unwrap();
    assert!(message.contains("indicators"), "{e}");
    for form in [
        "sma:N",
        "macd[:FAST:SLOW:SIGNAL]",
        "bb[:N[:K]]",
        "vwap",
        "stoch",
    ] {
        assert!(message.contains(form), "{form} missing: {e}");
    }

    let e = err(
        &client,
        "get_indicators",
        json!({"symbol":"BTCUSDT","indicators":["supertrend:10:3"]}),
    )
    .await;
    assert_eq!(e["code"], -32003);
    assert!(
        e["message"].as_str().unwrap().contains("unknown indicator"),
        "{e}"
    );

    let e = err(
        &client,
        "get_indicators",
        json!({"symbol":"BTCUSDT","interval":"7m"}),
    )
    .await;
    assert_eq!(e["code"], -32003);
    assert!(e["recovery"].as_str().unwrap().contains("1h"), "{e}");

    // An unknown symbol is the exchange's answer, as for get_klines.
    let e = err(&client, "get_indicators", json!({"symbol":"NOPEUSDT"})).await;
    assert_eq!(e["binance_code"], -1121, "{e}");
    client.cancel().await.unwrap();
}
