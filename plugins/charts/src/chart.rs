//! `get_chart`: a candlestick chart of a symbol's latest candles as a PNG
//! image (MCP image content) next to a short summary. Binance's candles are
//! parsed and drawn inside the sandbox; overlays come from the indicator
//! library, and the account's own fills become markers when the plugin is
//! granted `account-read` (the tool declares it optional).

use crate::render::{self, Band, ChartSpec, Line, Marker};
use binance_mcp_indicators::{Candle, Spec};
use binance_mcp_plugin::args::Args;
use binance_mcp_plugin::candles::{fetch_klines, Kline, INTERVALS};
use binance_mcp_plugin::capability::{ACCOUNT_READ_IF_GRANTED, MARKET_DATA};
use binance_mcp_plugin::content::{Blob, ContentBlock};
use binance_mcp_plugin::{
    json, schema, time, Annotations, Answer, Decimal, ErrorKind, Exchange, Request, Run, Tool,
    ToolError, Value,
};

/// Candles drawn when `limit` is absent.
pub const DEFAULT_LIMIT: i64 = 100;
/// Most candles drawn: past this a candle is under 3 px wide at the
/// largest size.
pub const MAX_LIMIT: i64 = 500;
/// Overlays drawn when the call names none.
pub const DEFAULT_OVERLAYS: &[&str] = &["sma:20", "sma:50", "volume"];
/// Most overlays one chart takes.
pub const MAX_OVERLAYS: usize = 6;
/// Most fills drawn as markers (the newest).
pub const MAX_FILLS: usize = 200;

/// The tool. Its description and schemas are kept short: every
/// conversation pays for them in `tools/list` (the default overlays and the
/// overlay count bound are enforced and named in errors, not listed).
pub const CHART: Tool = Tool {
    name: "get_chart",
    title: "Candlestick chart (PNG)",
    description:
        "A PNG candlestick chart of the latest candles with a summary (range, change, last close).",
    input_schema: || {
        schema::object(
            json!({
                "symbol": schema::symbol(""),
                "interval": { "type": "string", "default": "1h" },
                "limit": schema::integer(10, MAX_LIMIT, DEFAULT_LIMIT, ""),
                "overlays": {
                    "type": "array",
                    "items": { "type": "string" },
                    "description": "sma:N ema:N bb:N:K volume fills"
                },
                "width": schema::integer(render::MIN_WIDTH as i64, render::MAX_WIDTH as i64, render::DEFAULT_WIDTH as i64, ""),
                "height": schema::integer(render::MIN_HEIGHT as i64, render::MAX_HEIGHT as i64, render::DEFAULT_HEIGHT as i64, "")
            }),
            &["symbol"],
        )
    },
    output_schema: || schema::output(json!({ "summary": schema::string() }), &["summary"]),
    annotations: Annotations::READ_ONLY_EXCHANGE,
    capabilities: &[MARKET_DATA, ACCOUNT_READ_IF_GRANTED],
    run: Run::Text(chart),
};

/// What the call asked to draw.
#[derive(Default)]
struct Overlays {
    lines: Vec<Spec>,
    bands: Vec<Spec>,
    volume: bool,
    fills: bool,
}

fn overlays(args: &Args) -> Result<Overlays, ToolError> {
    let given: Vec<String> = match args.strings("overlays", 0, MAX_OVERLAYS)? {
        Some(list) => list,
        None => DEFAULT_OVERLAYS.iter().map(|s| s.to_string()).collect(),
    };
    let mut o = Overlays::default();
    for text in given {
        match text.trim().to_ascii_lowercase().as_str() {
            "volume" => o.volume = true,
            "fills" => o.fills = true,
            other => {
                let spec = Spec::parse(other).map_err(|e| {
                    ToolError::invalid(
                        "overlays",
                        format!("has '{other}': {e}"),
                        "[\"sma:20\",\"bb:20:2\",\"volume\"]",
                    )
                })?;
                match spec {
                    Spec::Sma(_) | Spec::Ema(_) => o.lines.push(spec),
                    Spec::Bollinger { .. } => o.bands.push(spec),
                    _ => {
                        return Err(ToolError::invalid(
                            "overlays",
                            format!("has '{other}', which is not drawn on a price chart"),
                            "sma:N, ema:N, bb:N:K, volume or fills (get_indicators computes the others)",
                        ))
                    }
                }
            }
        }
    }
    Ok(o)
}

fn f(d: Decimal) -> f64 {
    d.to_string().parse().unwrap_or(f64::NAN)
}

/// A series' column as drawable points.
fn points(rows: &[Option<Vec<Decimal>>], column: usize) -> Vec<Option<f64>> {
    rows.iter()
        .map(|r| r.as_ref().and_then(|v| v.get(column)).map(|d| f(*d)))
        .collect()
}

/// The account's fills in the charted window, as markers; the reason when
/// there are none to draw.
fn fills(ex: &dyn Exchange, symbol: &str, from: i64) -> Result<Vec<Marker>, String> {
    let resp = ex
        .send(
            &Request::spot_get("/api/v3/myTrades")
                .param("symbol", symbol)
                .param("startTime", from)
                .param("limit", 1000),
        )
        .map_err(|e| match e.kind {
            ErrorKind::NotPermitted => {
                "not granted (the policy does not grant account-read)".to_string()
            }
            ErrorKind::Authentication => "unavailable: no API keys are configured".to_string(),
            _ => format!("unavailable: {}", e.message),
        })?;
    let list: Vec<Value> = resp.json().map_err(|e| e.message)?;
    let mut markers: Vec<Marker> = list
        .iter()
        .filter_map(|t| {
            Some(Marker {
                time: t["time"].as_i64()?,
                price: t["price"].as_str()?.parse().ok()?,
                buy: t["isBuyer"].as_bool()?,
            })
        })
        .collect();
    let skip = markers.len().saturating_sub(MAX_FILLS);
    markers.drain(..skip);
    Ok(markers)
}

fn chart(ex: &dyn Exchange, args: &str) -> Result<Answer, ToolError> {
    let a = Args::parse(
        args,
        &["symbol", "interval", "limit", "overlays", "width", "height"],
    )?;
    let symbol = a.required_symbol("symbol")?;
    let interval = a
        .one_of("interval", INTERVALS)?
        .unwrap_or_else(|| "1h".into());
    let limit = a.integer("limit", 10, MAX_LIMIT)?.unwrap_or(DEFAULT_LIMIT);
    let width = a
        .integer("width", render::MIN_WIDTH.into(), render::MAX_WIDTH.into())?
        .map_or(render::DEFAULT_WIDTH, |w| w as u32);
    let height = a
        .integer(
            "height",
            render::MIN_HEIGHT.into(),
            render::MAX_HEIGHT.into(),
        )?
        .map_or(render::DEFAULT_HEIGHT, |h| h as u32);
    let wanted = overlays(&a)?;
    let klines = fetch_klines(ex, &symbol, &interval, limit as usize)?;
    let (Some(first), Some(last)) = (klines.first(), klines.last()) else {
        return Err(ToolError::invalid(
            "symbol",
            format!("{symbol} has no {interval} candles"),
            "\"BTCUSDT\"",
        ));
    };
    let input: Vec<Candle> = klines.iter().map(Kline::candle).collect();
    let mut spec = ChartSpec::new(
        format!("{symbol} {interval}"),
        klines
            .iter()
            .map(|k| render::Candle {
                open_time: k.open_time,
                open: f(k.open),
                high: f(k.high),
                low: f(k.low),
                close: f(k.close),
                volume: f(k.volume),
            })
            .collect(),
    );
    spec.width = width;
    spec.height = height;
    spec.volume_pane = wanted.volume;
    let mut drawn: Vec<String> = Vec::new();
    let mut skipped: Vec<String> = Vec::new();
    for s in &wanted.lines {
        match s.compute(&input) {
            Ok(series) => {
                spec.lines.push(Line {
                    label: s.label(),
                    points: points(&series.rows, 0),
                });
                drawn.push(s.label());
            }
            Err(e) => skipped.push(e.to_string()),
        }
    }
    for s in &wanted.bands {
        match s.compute(&input) {
            Ok(series) => {
                // Columns: middle, upper, lower.
                spec.bands.push(Band {
                    label: s.label(),
                    upper: points(&series.rows, 1),
                    lower: points(&series.rows, 2),
                });
                drawn.push(s.label());
            }
            Err(e) => skipped.push(e.to_string()),
        }
    }
    if wanted.volume {
        drawn.push("volume".into());
    }
    let mut fill_note = None;
    if wanted.fills {
        match fills(ex, &symbol, first.open_time) {
            Ok(m) => {
                drawn.push(format!("fills ({})", m.len()));
                spec.markers = m;
            }
            Err(why) => fill_note = Some(format!("fills {why}")),
        }
    }
    let png = render::render_png(&spec).map_err(|e| {
        ToolError::new(
            ErrorKind::InvalidArgument,
            e.to_string(),
            "ask for fewer candles or a larger size",
        )
    })?;
    let high = klines.iter().map(|k| k.high).max().unwrap_or_default();
    let low = klines.iter().map(|k| k.low).min().unwrap_or_default();
    let change = last.close - first.open;
    let pct = if first.open.is_zero() {
        Decimal::ZERO
    } else {
        (change * Decimal::ONE_HUNDRED / first.open).round_dp(2)
    };
    let show = |d: Decimal| d.normalize().to_string();
    let summary = format!(
        "{symbol} {interval}, {} candles {} to {}: low {} high {}, change {}{} ({}{}%), last close {}",
        klines.len(),
        time::iso8601_ms(first.open_time),
        time::iso8601_ms(last.close_time),
        show(low),
        show(high),
        if change > Decimal::ZERO { "+" } else { "" },
        show(change),
        if pct > Decimal::ZERO { "+" } else { "" },
        show(pct),
        show(last.close)
    );
    let mut out = json!({
        "summary": summary,
        "symbol": symbol,
        "interval": interval,
        "candles": klines.len(),
        "from": time::iso8601_ms(first.open_time),
        "to": time::iso8601_ms(last.close_time),
        "open": show(first.open),
        "close": show(last.close),
        "high": show(high),
        "low": show(low),
        "change": show(change),
        "changePercent": show(pct),
        "overlays": drawn,
        "image": { "mimeType": "image/png", "width": width, "height": height, "bytes": png.len() },
    });
    if !skipped.is_empty() {
        out["skipped"] = json!(skipped);
    }
    if let Some(note) = fill_note {
        out["fills"] = json!(note);
    }
    Ok(Answer::from(out).with_extra(ContentBlock::Image(Blob {
        mime_type: "image/png".into(),
        data: png,
    })))
}

#[cfg(test)]
mod tests {
    use super::*;
    use binance_mcp_plugin::testing::CannedExchange;

    fn klines(n: usize) -> String {
        let rows: Vec<String> = (0..n)
            .map(|i| {
                let t = 1_700_000_000_000i64 + i as i64 * 3_600_000;
                let o = 100 + (i % 9) as i64;
                let c = if i % 2 == 0 { o + 2 } else { o - 2 };
                format!(
                    r#"[{t},"{o}.00","{}.00","{}.00","{c}.00","{}.5",{},"1.0",3,"1","1","0"]"#,
                    o.max(c) + 1,
                    o.min(c) - 1,
                    10 + i % 5,
                    t + 3_599_999
                )
            })
            .collect();
        format!("[{}]", rows.join(","))
    }

    fn decode(png: &[u8]) -> (u32, u32) {
        let decoder = png::Decoder::new(std::io::Cursor::new(png));
        let reader = decoder.read_info().unwrap();
        (reader.info().width, reader.info().height)
    }

    fn image(a: &Answer) -> &[u8] {
        match &a.extra()[0] {
            ContentBlock::Image(b) => {
                assert_eq!(b.mime_type, "image/png");
                &b.data
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_chart_is_a_png_of_the_requested_size_with_a_summary() {
        let k = klines(120);
        let mut ex = CannedExchange::new(&[("/api/v3/klines", &k)]);
        ex.fail(
            "/api/v3/myTrades",
            ToolError::new(ErrorKind::Authentication, "no keys", "set them"),
        );
        let a = chart(
            &ex,
            r#"{"symbol":"BTCUSDT","limit":120,"width":800,"height":500,"overlays":["sma:20","bb:20:2","volume","fills"]}"#,
        )
        .unwrap();
        assert_eq!(decode(image(&a)), (800, 500));
        let v = a.to_value();
        assert_eq!(v["candles"], 120);
        assert_eq!(v["overlays"], json!(["SMA(20)", "BB(20,2)", "volume"]));
        assert_eq!(v["fills"], "fills unavailable: no API keys are configured");
        let s = v["summary"].as_str().unwrap();
        assert!(
            s.starts_with("BTCUSDT 1h, 120 candles 2023-11-14T22:13:20.000Z"),
            "{s}"
        );
        assert!(s.contains("last close"), "{s}");
        assert_eq!(v["image"]["bytes"], image(&a).len());
    }

    #[test]
    fn fills_become_markers_and_bad_overlays_are_refused() {
        let k = klines(50);
        let ex = CannedExchange::new(&[
            ("/api/v3/klines", &k),
            (
                "/api/v3/myTrades",
                r#"[{"time":1700003600000,"price":"101.00","isBuyer":true},{"time":1700007200000,"price":"103.00","isBuyer":false}]"#,
            ),
        ]);
        let a = chart(&ex, r#"{"symbol":"BTCUSDT","limit":50,"overlays":"fills"}"#).unwrap();
        assert_eq!(a.to_value()["overlays"], json!(["fills (2)"]));
        assert_eq!(
            decode(image(&a)),
            (render::DEFAULT_WIDTH, render::DEFAULT_HEIGHT)
        );
        for bad in [
            r#"{"symbol":"BTCUSDT","overlays":["rsi:14"]}"#,
            r#"{"symbol":"BTCUSDT","overlays":["sma:x"]}"#,
            r#"{"symbol":"BTCUSDT","width":100}"#,
            r#"{"symbol":"BTCUSDT","interval":"7m"}"#,
        ] {
            let e = chart(&ex, bad).unwrap_err();
            assert_eq!(e.kind, ErrorKind::InvalidArgument, "{bad}");
        }
        // An overlay longer than the series is skipped with the reason.
        let a = chart(
            &ex,
            r#"{"symbol":"BTCUSDT","limit":50,"overlays":["sma:200"]}"#,
        )
        .unwrap();
        assert!(a.to_value()["skipped"][0]
            .as_str()
            .unwrap()
            .contains("SMA(200)"));
    }
}
