//! `get_chart` through the real binary against the simulator: a valid PNG
//! of the requested size, not blank, with exactly one candle per candle
//! asked for; a summary equal to the simulator's candles; fills as markers
//! only when the plugin is granted `account-read` (an optional capability:
//! the tool is listed either way).

mod support;

use rmcp::model::{CallToolRequestParams, ContentBlock, ProtocolVersion};
use serde_json::{json, Value};
use std::collections::HashSet;
use support::*;

struct Png {
    width: u32,
    height: u32,
    rgb: Vec<[u8; 3]>,
}

impl Png {
    fn get(&self, x: i32, y: i32) -> [u8; 3] {
        self.rgb[(y as u32 * self.width + x as u32) as usize]
    }
}

fn decode(bytes: &[u8]) -> Png {
    let mut decoder = png::Decoder::new(std::io::Cursor::new(bytes));
    decoder.set_transformations(png::Transformations::EXPAND);
    let mut reader = decoder.read_info().expect("a PNG");
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).expect("a frame");
    let channels = info.color_type.samples();
    let rgb = buf[..info.buffer_size()]
        .chunks(channels)
        .map(|p| [p[0], p[1], p[2]])
        .collect();
    Png {
        width: info.width,
        height: info.height,
        rgb,
    }
}

/// The call's structured answer and its PNG bytes.
async fn chart(client: &Client, args: Value) -> (Value, Vec<u8>) {
    let Value::Object(map) = args else { panic!() };
    let r = client
        .peer()
        .call_tool(CallToolRequestParams::new("get_chart").with_arguments(map))
        .await
        .unwrap();
    assert_ne!(r.is_error, Some(true), "{r:?}");
    assert_eq!(r.content.len(), 2, "a text block and an image");
    let ContentBlock::Image(image) = &r.content[1] else {
        panic!("no image: {r:?}")
    };
    assert_eq!(image.mime_type, "image/png");
    use base64::Engine as _;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(&image.data)
        .unwrap();
    (r.structured_content.clone().unwrap(), bytes)
}

/// Runs of columns in the price pane holding a candle colour. The pane's
/// width depends on the price labels, so it is laid out from the same
/// candles (`rows` of get_klines).
fn candles_drawn(png: &Png, rows: &[serde_json::Map<String, Value>]) -> usize {
    let f = |r: &serde_json::Map<String, Value>, k: &str| -> f64 {
        r[k].as_str().unwrap().parse().unwrap()
    };
    let candles: Vec<charts::render::Candle> = rows
        .iter()
        .enumerate()
        .map(|(i, r)| charts::render::Candle {
            open_time: i as i64 * 60_000,
            open: f(r, "open"),
            high: f(r, "high"),
            low: f(r, "low"),
            close: f(r, "close"),
            volume: 1.0,
        })
        .collect();
    let n = candles.len();
    let mut spec = charts::render::ChartSpec::new("x", candles);
    spec.width = png.width;
    spec.height = png.height;
    spec.volume_pane = false;
    let (x0, y0, w, h) = charts::render::price_pane(&spec);
    let colours = charts::render::CANDLE_COLOURS;
    let lit = |x: i32| (y0..y0 + h).any(|y| colours.contains(&png.get(x, y)));
    let mut runs = Vec::new();
    let mut previous = false;
    for x in x0..x0 + w {
        let now = lit(x);
        if now && !previous {
            runs.push(x);
        }
        previous = now;
    }
    if runs.len() != n {
        eprintln!(
            "pane x {x0}..{} y {y0}..{}: runs at {runs:?}",
            x0 + w,
            y0 + h
        );
    }
    runs.len()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_chart_is_a_png_of_the_requested_size_with_one_body_per_candle() {
    let sim = sim(81).await;
    let client = connect(&sim).await;
    for (limit, width, height) in [(200, 1000, 600), (40, 640, 400)] {
        let started = std::time::Instant::now();
        let (out, bytes) = chart(
            &client,
            json!({"symbol":"BTCUSDT","interval":"1h","limit":limit,"width":width,"height":height,"overlays":[]}),
        )
        .await;
        eprintln!(
            "get_chart {limit} candles {width}x{height}: {} PNG bytes, {:?} end to end",
            bytes.len(),
            started.elapsed()
        );
        let png = decode(&bytes);
        std::fs::write(
            format!("{}/chart-{limit}.png", env!("CARGO_TARGET_TMPDIR")),
            &bytes,
        )
        .unwrap();
        assert_eq!((png.width, png.height), (width, height));
        let distinct: HashSet<[u8; 3]> = png.rgb.iter().copied().collect();
        assert!(distinct.len() >= 6, "{} colours: blank?", distinct.len());
        let k = ok(
            &client,
            "get_klines",
            json!({"symbol":"BTCUSDT","interval":"1h","limit":limit}),
        )
        .await;
        assert_eq!(
            candles_drawn(&png, &table(&k)),
            limit,
            "one body per candle"
        );
        assert_eq!(out["candles"], limit);
        assert_eq!(out["image"]["bytes"], bytes.len());
        assert!(bytes.len() <= charts::render::MAX_PNG_BYTES);
    }

    // The summary's figures are the simulator's candles (read back through get_klines).
    let (out, bytes) = chart(
        &client,
        json!({"symbol":"ETHUSDT","interval":"15m","limit":96}),
    )
    .await;
    let k = ok(
        &client,
        "get_klines",
        json!({"symbol":"ETHUSDT","interval":"15m","limit":96}),
    )
    .await;
    let rows = table(&k);
    let num = |v: &Value| {
        v.as_str()
            .unwrap()
            .parse::<binance_sim::Decimal>()
            .unwrap()
            .normalize()
            .to_string()
    };
    let high = rows
        .iter()
        .map(|r| {
            r["high"]
                .as_str()
                .unwrap()
                .parse::<binance_sim::Decimal>()
                .unwrap()
        })
        .max()
        .unwrap();
    let low = rows
        .iter()
        .map(|r| {
            r["low"]
                .as_str()
                .unwrap()
                .parse::<binance_sim::Decimal>()
                .unwrap()
        })
        .min()
        .unwrap();
    assert_eq!(out["close"], json!(num(&rows.last().unwrap()["close"])));
    assert_eq!(out["open"], json!(num(&rows[0]["open"])));
    assert_eq!(out["high"], json!(high.normalize().to_string()));
    assert_eq!(out["low"], json!(low.normalize().to_string()));
    assert_eq!(out["overlays"], json!(["SMA(20)", "SMA(50)", "volume"]));
    let summary = out["summary"].as_str().unwrap();
    assert!(summary.starts_with("ETHUSDT 15m, 96 candles"), "{summary}");
    assert!(
        summary.contains(&format!(
            "last close {}",
            num(&rows.last().unwrap()["close"])
        )),
        "{summary}"
    );
    assert_eq!(decode(&bytes).width, 1000);
    // Errors: an unknown symbol (Binance's), a bad overlay, a bad size.
    let e = err(&client, "get_chart", json!({"symbol":"NOPEUSDT"})).await;
    assert_eq!(e["binance_code"], -1121, "{e}");
    let e = err(
        &client,
        "get_chart",
        json!({"symbol":"BTCUSDT","overlays":["rsi:14"]}),
    )
    .await;
    assert!(
        e["message"]
            .as_str()
            .unwrap()
            .contains("not drawn on a price chart"),
        "{e}"
    );
    let e = err(
        &client,
        "get_chart",
        json!({"symbol":"BTCUSDT","width":5000}),
    )
    .await;
    assert!(e["message"].as_str().unwrap().contains("width"), "{e}");
    client.cancel().await.ok();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fills_are_drawn_only_when_account_read_is_granted() {
    let sim = sim(82).await;
    // Granted, with keys: the account's fills in the window become markers.
    let mut cmd = command(&sim.spot_url(), &sim.futures_url());
    cmd.env("BINANCE_API_KEY", binance_sim::SIM_API_KEY)
        .env("BINANCE_SECRET_KEY", binance_sim::SIM_SECRET_KEY);
    let client = connect_with(cmd, ProtocolVersion::V_2025_11_25).await;
    let (out, _) = chart(
        &client,
        json!({"symbol":"BTCUSDT","interval":"1d","limit":500,"overlays":["fills"]}),
    )
    .await;
    let drawn = out["overlays"][0].as_str().unwrap().to_string();
    assert!(drawn.starts_with("fills ("), "{out}");
    let fills = ok(
        &client,
        "get_account_trades",
        json!({"symbol":"BTCUSDT","limit":1000}),
    )
    .await;
    eprintln!(
        "fills drawn: {drawn}; account trades answer: {} rows",
        table(&fills).len()
    );
    client.cancel().await.ok();

    // Not granted: the tool is still listed, and says why there are no markers.
    let policy = write_policy(
        "charts-market-only",
        "[plugins.charts]\ngrants = [\"market-data\"]\n",
    );
    let mut cmd = command(&sim.spot_url(), &sim.futures_url());
    cmd.env("BINANCE_API_KEY", binance_sim::SIM_API_KEY)
        .env("BINANCE_SECRET_KEY", binance_sim::SIM_SECRET_KEY)
        .arg("--policy")
        .arg(&policy);
    let client = connect_with(cmd, ProtocolVersion::V_2025_11_25).await;
    let tools = client.peer().list_all_tools().await.unwrap();
    assert_eq!(tools.len(), 1);
    assert_eq!(tools[0].name, "get_chart");
    let (out, _) = chart(
        &client,
        json!({"symbol":"BTCUSDT","overlays":["fills","volume"]}),
    )
    .await;
    assert_eq!(out["overlays"], json!(["volume"]));
    assert!(
        out["fills"].as_str().unwrap().contains("not granted"),
        "{out}"
    );
    client.cancel().await.ok();
}
