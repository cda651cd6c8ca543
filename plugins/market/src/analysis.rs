//! Technical indicators over a symbol's latest candles: one klines request,
//! computed in the sandbox by `binance-mcp-indicators` (exact decimals, TA-Lib
//! definitions), so a model never has to do the arithmetic on a candle table
//! itself — the step it most often gets wrong.

use binance_mcp_indicators::{Candle, IndicatorError, Series, Spec};
use binance_mcp_plugin::args::Args;
use binance_mcp_plugin::candles::{fetch_klines, Kline, INTERVALS, MAX_CANDLES};
use binance_mcp_plugin::capability::MARKET_DATA;
use binance_mcp_plugin::output::{self, Keep};
use binance_mcp_plugin::rows::Rows;
use binance_mcp_plugin::{
    json, schema, time, Annotations, Answer, Decimal, ErrorKind, Exchange, Run, Tool, ToolError,
    Value,
};

/// The indicators computed when the call names none: momentum (RSI),
/// trend (MACD) and volatility (Bollinger Bands), one of each kind a first
/// look at a chart asks about.
pub const DEFAULT_INDICATORS: &[&str] = &["rsi:14", "macd:12:26:9", "bb:20:2"];
/// Most indicators one call computes.
pub const MAX_INDICATORS: usize = 8;
/// Candles fetched when `limit` is absent: enough for MACD(12,26,9) (34)
/// and for an EMA's seed to fade (the SMA seeding an EMA(50) weighs about
/// 0.25% in its value 150 candles later), in one weight-2 request.
pub const DEFAULT_LIMIT: i64 = 200;
/// Values listed per indicator when `points` is absent.
pub const DEFAULT_POINTS: i64 = 10;
/// Most values listed per indicator.
pub const MAX_POINTS: i64 = 100;
/// Most bytes the rows of all indicators together may take. Eight
/// three-column indicators at 100 points on a five-digit price are ~55 KB,
/// and an answer is sent twice (text block and `structuredContent`): past
/// this, every indicator lists the same fewer, newest, points, with a
/// `truncated` marker, so no answer exceeds 25k tokens.
pub const ROWS_BYTES_CAP: usize = 44_000;
/// Decimal places of the 0–100 oscillators (RSI, stochastic): a hundredth
/// of a point is finer than any threshold read on them (30/70, 20/80).
pub const OSCILLATOR_DP: u32 = 2;
/// Decimal places beyond the candles' own prices for price-scale outputs
/// (SMA, EMA, Bollinger, ATR, VWAP, MACD): two more than the tick shows a
/// hundredth of a tick — enough to order two averages, to see a MACD
/// histogram's sign on a coin whose MACD is a few ticks — without the 28
/// digits Decimal carries.
pub const EXTRA_PRICE_DP: u32 = 2;
/// Most decimal places of a price-scale output. Binance prices carry at
/// most 8, so this bounds only odd data; a cap of 8 would round the MACD of
/// a 1e-8-tick coin (a few ticks) to nothing.
pub const MAX_PRICE_DP: u32 = 10;

/// The tool. Its `tools/list` entry is paid by every conversation, so the
/// schemas say only what the names and the answer do not: `interval` is a
/// string with its default but no enum (the same sixteen values are in
/// `get_klines`' schema in the same list, and a wrong one is refused with
/// all of them named); the output schema types the list and the marker,
/// the scalar fields beside them speak for themselves.
pub const INDICATORS: Tool = Tool {
    name: "get_indicators",
    title: "Technical indicators",
    description:
        "Technical indicators over the latest candles: latest values and last points as rows.",
    input_schema: || {
        schema::object(
            json!({
                "symbol": schema::symbol(""),
                "interval": { "type": "string", "default": "1h" },
                "limit": schema::integer(1, MAX_CANDLES as i64, DEFAULT_LIMIT, ""),
                "indicators": {
                    "type": "array",
                    "items": { "type": "string" },
                    "minItems": 1,
                    "maxItems": MAX_INDICATORS,
                    "description": "sma:20 ema:50 rsi:14 macd:12:26:9 bb:20:2 atr:14 vwap stoch:14:3:3; default rsi macd bb"
                },
                "points": schema::integer(1, MAX_POINTS, DEFAULT_POINTS, "")
            }),
            &["symbol"],
        )
    },
    output_schema: || {
        schema::output(
            json!({
                "indicators": schema::array(json!({ "type": "object" })),
                "truncated": schema::truncated()
            }),
            &["indicators"],
        )
    },
    annotations: Annotations::READ_ONLY_EXCHANGE,
    capabilities: &[MARKET_DATA],
    run: Run::Text(indicators),
};

const ARGS: &[&str] = &["symbol", "interval", "limit", "indicators", "points"];

fn indicators(ex: &dyn Exchange, args: &str) -> Result<Answer, ToolError> {
    let a = Args::parse(args, ARGS)?;
    let symbol = a.required_symbol("symbol")?;
    let interval = a
        .one_of("interval", INTERVALS)?
        .unwrap_or_else(|| "1h".to_string());
    let limit = a
        .integer("limit", 1, MAX_CANDLES as i64)?
        .unwrap_or(DEFAULT_LIMIT) as usize;
    let points = a
        .integer("points", 1, MAX_POINTS)?
        .unwrap_or(DEFAULT_POINTS) as usize;
    let specs = specs(&a)?;
    // Refused before the request when the answer is known: no weight spent.
    for spec in &specs {
        let needed = spec.warmup();
        if needed > MAX_CANDLES {
            return Err(ToolError {
                data: Some(Box::new(
                    json!({ "argument": "indicators", "example": "[\"macd:12:26:9\"]" }),
                )),
                ..ToolError::new(
                    ErrorKind::InvalidArgument,
                    format!(
                        "{} needs at least {needed} candles; one call fetches at most {MAX_CANDLES}",
                        spec.label()
                    ),
                    "use shorter periods, or a longer interval for the same span",
                )
            });
        }
        if needed > limit {
            return Err(too_short(spec, limit, false, &symbol, &interval));
        }
    }

    let klines = fetch_klines(ex, &symbol, &interval, limit)?;
    let candles: Vec<Candle> = klines.iter().map(Kline::candle).collect();
    let mut series = Vec::with_capacity(specs.len());
    for spec in &specs {
        let computed = spec.compute(&candles).map_err(|e| match e {
            IndicatorError::TooShort { got, .. } => {
                too_short(spec, got, got < limit, &symbol, &interval)
            }
            IndicatorError::Invalid { .. } => invalid_spec(&e),
            IndicatorError::BadCandle { .. } => ToolError::bad_exchange_data(e),
        })?;
        series.push(computed);
    }

    let price_dp = price_dp(&klines);
    let (mut listed, mut bytes) = render_all(&series, &klines, points, price_dp)?;
    let mut shown = points;
    // Uniformly fewer points until the rows fit (row sizes are near
    // uniform, so one pass almost always suffices).
    while bytes > ROWS_BYTES_CAP && shown > 1 {
        shown = (shown * ROWS_BYTES_CAP / bytes).clamp(1, shown - 1);
        (listed, bytes) = render_all(&series, &klines, shown, price_dp)?;
    }

    let (first, last) = match (klines.first(), klines.last()) {
        (Some(f), Some(l)) => (f, l),
        // compute() refused an empty series (every warm-up is at least 1).
        _ => return Err(ToolError::bad_exchange_data("no candles")),
    };
    let mut out = json!({
        "symbol": symbol,
        "interval": interval,
        "candles": klines.len(),
        "firstOpenTime": time::iso8601_ms(first.open_time),
        "lastOpenTime": time::iso8601_ms(last.open_time),
        "lastClose": last.close.normalize().to_string(),
    });
    if shown < points {
        out["truncated"] = output::marker(
            shown,
            points,
            Keep::Last,
            "every indicator lists these newest points; ask for fewer points or indicators",
        );
    }
    Ok(Answer::with_raw(out, &[("indicators", &listed)]))
}

/// The specs asked for (or [`DEFAULT_INDICATORS`]), parsed, duplicates
/// (`rsi` and `rsi:14`) dropped. `Args` has no list-of-strings reader, so
/// the arguments text (already checked by [`Args::parse`]) is read again
/// for this one member. A single string is accepted too, its specs
/// separated by commas (`"rsi,macd"`), since models often send a list that
/// way; no form contains a comma.
fn specs(args: &Args) -> Result<Vec<Spec>, ToolError> {
    let texts: Vec<String> = match args.strings("indicators", 1, MAX_INDICATORS)? {
        Some(list) => list,
        None => DEFAULT_INDICATORS.iter().map(|s| s.to_string()).collect(),
    };
    let mut specs: Vec<Spec> = Vec::with_capacity(texts.len());
    for text in &texts {
        let spec = Spec::parse(text).map_err(|e| invalid_spec(&e))?;
        if !specs.contains(&spec) {
            specs.push(spec);
        }
    }
    Ok(specs)
}

/// A spec that does not parse: the crate's message, which lists every
/// valid form ([`binance_mcp_indicators::FORMS`]), and the data [`ToolError::invalid`] gives.
fn invalid_spec(e: &IndicatorError) -> ToolError {
    let example = "[\"rsi:14\",\"macd:12:26:9\",\"bb:20:2\"]";
    ToolError {
        data: Some(Box::new(
            json!({ "argument": "indicators", "example": example }),
        )),
        ..ToolError::new(
            ErrorKind::InvalidArgument,
            format!("argument 'indicators': {e}"),
            format!("fix 'indicators', for example {example}"),
        )
    }
}

/// Fewer candles than `spec`'s warm-up: the crate's message (it says to
/// raise `limit`), and a recovery that says whether raising it can help —
/// not when the exchange already returned fewer candles than asked (a young
/// listing).
fn too_short(
    spec: &Spec,
    got: usize,
    history_ends: bool,
    symbol: &str,
    interval: &str,
) -> ToolError {
    let needed = spec.warmup();
    let e = IndicatorError::TooShort {
        indicator: spec.label(),
        needed,
        got,
    };
    let recovery = if history_ends {
        format!(
            "{symbol} has only {got} {interval} candles: use a shorter interval or shorter periods"
        )
    } else {
        format!("call again with limit {needed} or more (at most {MAX_CANDLES})")
    };
    ToolError {
        data: Some(Box::new(
            json!({ "argument": "limit", "example": needed.to_string() }),
        )),
        ..ToolError::new(ErrorKind::InvalidArgument, e.to_string(), recovery)
    }
}

/// Decimal places of the price-scale outputs: the most any of the candles'
/// prices shows once normalised (Binance pads every price to 8 places, so
/// the text's own scale says nothing; across a series the tick's places
/// show), plus [`EXTRA_PRICE_DP`], at most [`MAX_PRICE_DP`].
pub fn price_dp(klines: &[Kline]) -> u32 {
    let shown = klines
        .iter()
        .flat_map(|k| [k.open, k.high, k.low, k.close])
        .map(|p| p.normalize().scale())
        .max()
        .unwrap_or(0);
    (shown + EXTRA_PRICE_DP).min(MAX_PRICE_DP)
}

/// Decimal places `spec`'s values are shown with.
pub fn display_dp(spec: &Spec, price_dp: u32) -> u32 {
    match spec {
        Spec::Rsi(_) | Spec::Stochastic { .. } => OSCILLATOR_DP,
        _ => price_dp,
    }
}

/// A value rounded for display: half to even (`round_dp`, so a column of
/// halves does not drift one way), then normalised (`"55.1"`, not
/// `"55.10"`; never `"-0"`).
pub fn display(value: Decimal, dp: u32) -> String {
    value.round_dp(dp).normalize().to_string()
}

/// Every indicator's JSON text, as one array, and the bytes its rows took.
fn render_all(
    series: &[Series],
    klines: &[Kline],
    points: usize,
    price_dp: u32,
) -> Result<(String, usize), ToolError> {
    let mut text = String::from("[");
    let mut row_bytes = 0;
    for (i, s) in series.iter().enumerate() {
        if i > 0 {
            text.push(',');
        }
        let (one, bytes) = render(s, klines, points, display_dp(&s.spec, price_dp))?;
        text.push_str(one.as_str());
        row_bytes += bytes;
    }
    text.push(']');
    Ok((text, row_bytes))
}

/// One indicator: label, warm-up, the newest candle's values keyed by
/// column (`null` when it has none: VWAP over candles without volume), and
/// its values at the last `points` candles that have one, as rows under
/// `["time", …columns]` (time: the candle's open time).
fn render(
    s: &Series,
    klines: &[Kline],
    points: usize,
    dp: u32,
) -> Result<(Answer, usize), ToolError> {
    let columns = s.columns();
    let latest = match s.latest() {
        Some(values) => Value::Object(
            columns
                .iter()
                .zip(values)
                .map(|(c, v)| (c.to_string(), Value::String(display(*v, dp))))
                .collect(),
        ),
        None => Value::Null,
    };
    let with_values: Vec<(&Kline, &Vec<Decimal>)> = klines
        .iter()
        .zip(&s.rows)
        .filter_map(|(k, r)| r.as_ref().map(|r| (k, r)))
        .collect();
    let kept = output::kept(&with_values, points, Keep::Last);
    let mut rows = Rows::new(columns.len() + 1, kept.len());
    for (k, values) in kept {
        rows.iso(k.open_time);
        for v in values.iter() {
            rows.dec(&display(*v, dp))?;
        }
        rows.end_row()?;
    }
    let rows = rows.finish();
    let mut header = Vec::with_capacity(columns.len() + 1);
    header.push("time");
    header.extend_from_slice(columns);
    let head = json!({
        "label": s.spec.label(),
        "warmup": s.spec.warmup(),
        "latest": latest,
        "columns": header,
    });
    let bytes = rows.len();
    Ok((Answer::with_raw(head, &[("rows", &rows)]), bytes))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Market;
    use binance_mcp_plugin::testing::CannedExchange;
    use binance_mcp_plugin::Plugin;
    use std::str::FromStr;

    const HOUR: i64 = 3_600_000;
    const T0: i64 = 1_700_000_000_000 - 1_700_000_000_000 % HOUR;

    /// `n` hourly klines as Binance writes them (8 decimal places), closes
    /// on a 0.01 tick walking up and down around 100.
    fn klines_body(n: usize) -> String {
        let rows: Vec<String> = (0..n as i64)
            .map(|i| {
                let t = T0 + i * HOUR;
                let close = 10_000 + (i * 37 % 23) - 11 + i / 3;
                let open = 10_000 + ((i - 1) * 37 % 23) - 11 + (i - 1) / 3;
                let (hi, lo) = (open.max(close) + 7, open.min(close) - 5);
                let p = |c: i64| format!("{}.{:02}000000", c / 100, c % 100);
                format!(
                    r#"[{t},"{}","{}","{}","{}","{}.50000000",{},"1000.00000000",42,"1.00000000","100.00000000","0"]"#,
                    p(open),
                    p(hi),
                    p(lo),
                    p(close),
                    1 + i % 4,
                    t + HOUR - 1
                )
            })
            .collect();
        format!("[{}]", rows.join(","))
    }

    fn run(ex: &CannedExchange, args: &str) -> Result<Value, ToolError> {
        Market::call_tool(ex, "get_indicators", args).map(|a| a.to_value())
    }

    fn klines(n: usize) -> CannedExchange {
        CannedExchange::one("/api/v3/klines", &klines_body(n))
    }

    #[test]
    fn default_call_computes_rsi_macd_and_bollinger_from_one_request() {
        let ex = klines(200);
        let out = run(&ex, r#"{"symbol":"btcusdt"}"#).unwrap();
        assert_eq!(ex.paths(), vec!["/api/v3/klines"]);
        assert_eq!(
            ex.params(0),
            vec![
                ("symbol".into(), "BTCUSDT".into()),
                ("interval".into(), "1h".into()),
                ("limit".into(), "200".into())
            ]
        );
        assert_eq!(out["symbol"], "BTCUSDT");
        assert_eq!(out["interval"], "1h");
        assert_eq!(out["candles"], 200);
        assert_eq!(out["firstOpenTime"], time::iso8601_ms(T0));
        assert_eq!(out["lastOpenTime"], time::iso8601_ms(T0 + 199 * HOUR));
        assert!(out.get("truncated").is_none());
        let list = out["indicators"].as_array().unwrap();
        let labels: Vec<&str> = list.iter().map(|i| i["label"].as_str().unwrap()).collect();
        assert_eq!(labels, ["RSI(14)", "MACD(12,26,9)", "BB(20,2)"]);
        assert_eq!(list[1]["warmup"], 34);
        assert_eq!(
            list[1]["columns"],
            json!(["time", "macd", "signal", "histogram"])
        );
        for ind in list {
            let rows = ind["rows"].as_array().unwrap();
            assert_eq!(rows.len(), DEFAULT_POINTS as usize, "{ind}");
            let last = rows.last().unwrap().as_array().unwrap();
            assert_eq!(last[0], time::iso8601_ms(T0 + 199 * HOUR));
            // The latest object is the last row, keyed by column.
            let columns = ind["columns"].as_array().unwrap();
            for (c, v) in columns.iter().zip(last).skip(1) {
                assert_eq!(&ind["latest"][c.as_str().unwrap()], v, "{ind}");
            }
        }
    }

    #[test]
    fn values_equal_the_crate_rounded_as_documented() {
        let body = klines_body(120);
        let ex = CannedExchange::one("/api/v3/klines", &body);
        let forms = [
            "sma:20",
            "ema:9",
            "rsi:14",
            "atr",
            "vwap",
            "stoch",
            "bb:10:2.5",
        ];
        let args = json!({"symbol":"ETHUSDT","limit":120,"points":3,"indicators":forms});
        let out = run(&ex, &args.to_string()).unwrap();
        let ks = fetch_klines(&CannedExchange::always(&body), "X", "1h", 120).unwrap();
        let candles: Vec<Candle> = ks.iter().map(Kline::candle).collect();
        // Closes on a 0.01 tick (written with 8 places): 4 places shown.
        assert_eq!(price_dp(&ks), 4);
        for (form, got) in forms.iter().zip(out["indicators"].as_array().unwrap()) {
            let spec = Spec::parse(form).unwrap();
            let series = spec.compute(&candles).unwrap();
            let dp = if matches!(spec, Spec::Rsi(_) | Spec::Stochastic { .. }) {
                2
            } else {
                4
            };
            for (c, v) in spec.columns().iter().zip(series.latest().unwrap()) {
                let want = v.round_dp(dp).normalize().to_string();
                assert_eq!(got["latest"][c], want, "{form} {c}");
                let places = want.split_once('.').map_or(0, |(_, f)| f.len());
                assert!(places <= dp as usize, "{form}: {want}");
            }
            let rows = got["rows"].as_array().unwrap();
            assert_eq!(rows.len(), 3);
            let second_last = series.rows[118].as_ref().unwrap();
            assert_eq!(
                rows[1][1],
                second_last[0].round_dp(dp).normalize().to_string()
            );
        }
    }

    #[test]
    fn rounding_is_half_even_normalised_and_never_negative_zero() {
        let d = |s: &str| Decimal::from_str(s).unwrap();
        assert_eq!(display(d("2.345"), 2), "2.34");
        assert_eq!(display(d("2.355"), 2), "2.36");
        assert_eq!(display(d("2.3451"), 2), "2.35");
        assert_eq!(display(d("55.10"), 2), "55.1");
        assert_eq!(display(d("-0.0004"), 2), "0");
        assert_eq!(display(d("65000.123456789"), 4), "65000.1235");
        assert_eq!(display(d("100"), 4), "100");
        let k = |close: &str| Kline {
            open_time: 0,
            open: d("1"),
            high: d(close),
            low: d("1"),
            close: d(close),
            volume: d("1"),
            quote_volume: d("1"),
            close_time: 1,
        };
        assert_eq!(price_dp(&[k("65000.10000000"), k("65000.00000000")]), 3);
        assert_eq!(price_dp(&[k("0.00001234")]), 10);
        assert_eq!(price_dp(&[k("0.000000001234")]), MAX_PRICE_DP);
        assert_eq!(price_dp(&[k("7")]), 2);
    }

    #[test]
    fn duplicates_collapse_and_a_comma_string_is_a_list() {
        let ex = klines(100);
        let out = run(
            &ex,
            r#"{"symbol":"BTCUSDT","limit":100,"indicators":"rsi, RSI:14 ,vwap","points":1}"#,
        )
        .unwrap();
        let list = out["indicators"].as_array().unwrap();
        assert_eq!(list.len(), 2);
        assert_eq!(list[1]["label"], "VWAP");
        assert_eq!(list[1]["rows"].as_array().unwrap().len(), 1);
    }

    #[test]
    fn too_short_series_are_invalid_arguments_that_say_what_to_raise() {
        // Known from the arguments: refused before any request.
        let ex = klines(300);
        let e = run(
            &ex,
            r#"{"symbol":"BTCUSDT","limit":20,"indicators":["macd"]}"#,
        )
        .unwrap_err();
        assert_eq!(e.kind, ErrorKind::InvalidArgument);
        assert_eq!(
            e.message,
            "MACD(12,26,9) needs at least 34 candles; got 20: ask for a larger limit"
        );
        assert!(e.recovery.contains("limit 34"), "{e}");
        assert!(ex.requests().is_empty());
        // Beyond what one call can fetch.
        let e = run(
            &ex,
            r#"{"symbol":"BTCUSDT","indicators":["stoch:500:300:300"]}"#,
        )
        .unwrap_err();
        assert!(e.message.contains("at most 1000"), "{e}");
        assert!(e.recovery.contains("shorter periods"), "{e}");
        assert!(ex.requests().is_empty());
        // The exchange had fewer candles than asked (a young listing).
        let young = klines(25);
        let e = run(
            &young,
            r#"{"symbol":"NEWUSDT","indicators":["rsi","bb:30"]}"#,
        )
        .unwrap_err();
        assert_eq!(e.kind, ErrorKind::InvalidArgument);
        assert_eq!(
            e.message,
            "BB(30,2) needs at least 30 candles; got 25: ask for a larger limit"
        );
        assert!(e.recovery.contains("NEWUSDT has only 25 1h candles"), "{e}");
    }

    #[test]
    fn bad_arguments_name_the_valid_forms_and_send_nothing() {
        let ex = klines(10);
        let e = run(&ex, r#"{"symbol":"BTCUSDT","indicators":["rsi:abc"]}"#).unwrap_err();
        assert_eq!(e.kind, ErrorKind::InvalidArgument);
        assert!(e.message.contains("indicators"), "{e}");
        assert!(
            e.message.contains("macd:12:26:9") && e.message.contains("stoch"),
            "{e}"
        );
        let e = run(&ex, r#"{"symbol":"BTCUSDT","indicators":["ichimoku"]}"#).unwrap_err();
        assert!(e.message.contains("unknown indicator"), "{e}");
        let nine = json!({"symbol":"BTCUSDT","indicators":vec!["rsi"; 9]});
        let e = run(&ex, &nine.to_string()).unwrap_err();
        assert!(e.message.contains("1 to 8"), "{e}");
        for (args, mentions) in [
            (r#"{"symbol":"BTCUSDT","indicators":[]}"#, "indicators"),
            (r#"{"symbol":"BTCUSDT","indicators":[14]}"#, "indicators"),
            (
                r#"{"symbol":"BTCUSDT","indicators":{"rsi":14}}"#,
                "indicators",
            ),
            (r#"{"symbol":"BTCUSDT","points":0}"#, "points"),
            (r#"{"symbol":"BTCUSDT","points":101}"#, "points"),
            (r#"{"symbol":"BTCUSDT","limit":1001}"#, "limit"),
            (r#"{"symbol":"BTCUSDT","interval":"2m"}"#, "interval"),
            (r#"{"indicators":["rsi"]}"#, "symbol"),
            (r#"{"symbol":"BTCUSDT","indicator":["rsi"]}"#, "indicator"),
        ] {
            let e = run(&ex, args).unwrap_err();
            assert_eq!(e.kind, ErrorKind::InvalidArgument, "{args}");
            assert!(e.message.contains(mentions), "{args}: {e}");
        }
        assert!(ex.requests().is_empty());
    }

    #[test]
    fn the_largest_answer_lists_fewer_points_with_a_marker() {
        // Eight three-column indicators at 100 points on a 9-digit price.
        let rows: Vec<String> = (0..1000i64)
            .map(|i| {
                let t = T0 + i * HOUR;
                let c = 123_456_789_000 + (i * 7919 % 1013) * 17;
                format!(
                    r#"[{t},"{o}.01","{h}.99","{l}.01","{c}.37","3.5",{},"1",1,"1","1","0"]"#,
                    t + HOUR - 1,
                    o = c - 3,
                    h = c + 50,
                    l = c - 50,
                )
            })
            .collect();
        let ex = CannedExchange::one("/api/v3/klines", &format!("[{}]", rows.join(",")));
        let forms = [
            "macd",
            "macd:5:35:5",
            "macd:8:21:5",
            "macd:3:10:16",
            "bb",
            "bb:20:3",
            "bb:50:2",
            "bb:10:1.5",
        ];
        let args = json!({"symbol":"X","limit":1000,"points":100,"indicators":forms});
        let answer = Market::call_tool(&ex, "get_indicators", &args.to_string()).unwrap();
        let out = answer.to_value();
        let shown = out["truncated"]["returned"].as_u64().unwrap() as usize;
        assert!(shown < 100 && shown > 50, "{}", out["truncated"]);
        assert_eq!(out["truncated"]["available"], 100);
        for ind in out["indicators"].as_array().unwrap() {
            assert_eq!(ind["rows"].as_array().unwrap().len(), shown);
        }
        assert!(answer.as_str().len() <= ROWS_BYTES_CAP + 4_000);
    }

    #[test]
    fn vwap_without_volume_has_no_latest_value() {
        let rows: Vec<String> = (0..5i64)
            .map(|i| {
                format!(
                    r#"[{},"1","1","1","1","0",0,"0",0,"0","0","0"]"#,
                    T0 + i * HOUR
                )
            })
            .collect();
        let ex = CannedExchange::one("/api/v3/klines", &format!("[{}]", rows.join(",")));
        let out = run(
            &ex,
            r#"{"symbol":"X","limit":5,"indicators":["vwap","sma:2"]}"#,
        )
        .unwrap();
        let list = out["indicators"].as_array().unwrap();
        assert_eq!(list[0]["latest"], Value::Null);
        assert_eq!(list[0]["rows"], json!([]));
        assert_eq!(list[1]["latest"]["value"], "1");
        assert_eq!(list[1]["rows"].as_array().unwrap().len(), 4);
    }

    #[test]
    fn unreadable_candles_are_an_exchange_error() {
        // high below close: outside what the arithmetic is proven for.
        let ex = CannedExchange::one(
            "/api/v3/klines",
            &format!(r#"[[{T0},"1","1","1","2","1",0,"1",1,"1","1","0"]]"#),
        );
        let e = run(&ex, r#"{"symbol":"X","limit":1,"indicators":["sma:1"]}"#).unwrap_err();
        assert_eq!(e.kind, ErrorKind::ExchangeUnavailable, "{e}");
    }
}
