//! Recent trades and candlesticks, as rows under one column header.

use binance_mcp_plugin::args::Args;
use binance_mcp_plugin::capability::MARKET_DATA;
use binance_mcp_plugin::output::{self, Keep};
use binance_mcp_plugin::rows::Rows;
use binance_mcp_plugin::{
    json, schema, time, Annotations, Answer, Exchange, Request, Run, Tool, ToolError,
};
use serde::de::{self, IgnoredAny, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer};
use std::fmt;

/// Most trades one answer lists (a row is about 75 bytes).
pub const TRADES_CAP: usize = 500;
/// Most candles one answer lists (a row is about 115 bytes).
pub const KLINES_CAP: usize = 300;

/// Every kline interval Binance accepts (the SDK's one list).
pub use binance_mcp_plugin::candles::INTERVALS;

/// The columns of `get_recent_trades`' rows.
const TRADE_COLUMNS: &[&str] = &["id", "time", "price", "qty", "quoteQty", "isBuyerMaker"];

/// The columns of `get_klines`' rows. `closeTime` is left out: it is the next
/// candle's openTime minus 1 ms.
const KLINE_COLUMNS: &[&str] = &[
    "openTime",
    "open",
    "high",
    "low",
    "close",
    "volume",
    "quoteVolume",
    "trades",
    "takerBuyBaseVolume",
];

pub const RECENT_TRADES: Tool = Tool {
    name: "get_recent_trades",
    title: "Recent trades",
    description: "A symbol's latest trades, oldest first, as rows (isBuyerMaker true: a sell hit the bid). limit 1-1000; at most 500 listed, the newest.",
    input_schema: || {
        schema::object(
            json!({
                "symbol": schema::symbol(""),
                "limit": schema::integer(1, 1000, 100, "")
            }),
            &["symbol"],
        )
    },
    output_schema: || {
        schema::output(
            json!({
                "symbol": schema::string(),
                "columns": schema::columns(TRADE_COLUMNS),
                "rows": schema::rows(),
                "truncated": schema::truncated()
            }),
            &["symbol", "columns", "rows"],
        )
    },
    annotations: Annotations::READ_ONLY_EXCHANGE,
    capabilities: &[MARKET_DATA],
    run: Run::Text(recent_trades),
};

/// One print of `/api/v3/trades`, borrowed from the body.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Trade<'a> {
    id: i64,
    price: &'a str,
    qty: &'a str,
    quote_qty: &'a str,
    time: i64,
    is_buyer_maker: bool,
}

fn recent_trades(ex: &dyn Exchange, args: &str) -> Result<Answer, ToolError> {
    let a = Args::parse(args, &["symbol", "limit"])?;
    let symbol = a.required_symbol("symbol")?;
    let limit = a.integer("limit", 1, 1000)?.unwrap_or(100);
    let resp = ex.send(
        &Request::spot_get("/api/v3/trades")
            .param("symbol", &symbol)
            .param("limit", limit),
    )?;
    let trades: Vec<Trade> = resp.parse()?;
    // The newest are kept: shape only those.
    let kept = output::kept(&trades, TRADES_CAP, Keep::Last);
    let mut rows = Rows::new(TRADE_COLUMNS.len(), kept.len());
    for t in kept {
        rows.int(t.id).iso(t.time).dec(t.price)?;
        rows.dec(t.qty)?.dec(t.quote_qty)?.bool(t.is_buyer_maker);
        rows.end_row()?;
    }
    let mut out = json!({ "symbol": symbol, "columns": TRADE_COLUMNS });
    if trades.len() > TRADES_CAP {
        out["truncated"] = output::marker(
            TRADES_CAP,
            trades.len(),
            Keep::Last,
            "lower limit; the newest trades are kept",
        );
    }
    Ok(Answer::with_raw(out, &[("rows", &rows.finish())]))
}

pub const KLINES: Tool = Tool {
    name: "get_klines",
    title: "Candlesticks (klines)",
    description: "OHLCV candles, oldest first, as rows; the latest unless startTime/endTime. limit 1-1000; at most 300 listed, with nextStartTime to page on.",
    input_schema: || {
        schema::object(
            json!({
                "symbol": schema::symbol(""),
                "interval": { "enum": INTERVALS },
                "startTime": schema::time(""),
                "endTime": schema::end_time(),
                "limit": schema::integer(1, 1000, 100, "")
            }),
            &["symbol", "interval"],
        )
    },
    output_schema: || {
        schema::output(
            json!({
                "symbol": schema::string(),
                "interval": schema::string(),
                "columns": schema::columns(KLINE_COLUMNS),
                "rows": schema::rows(),
                "truncated": schema::truncated()
            }),
            &["symbol", "interval", "columns", "rows"],
        )
    },
    annotations: Annotations::READ_ONLY_EXCHANGE,
    capabilities: &[MARKET_DATA],
    run: Run::Text(klines),
};

/// One candle of `/api/v3/klines` (a JSON array of 12 values), borrowed
/// from the body; the fields after the eleventh are ignored.
struct Kline<'a> {
    open_time: i64,
    /// open, high, low, close, volume.
    ohlcv: [&'a str; 5],
    close_time: i64,
    quote_volume: &'a str,
    trades: i64,
    taker_buy_base: &'a str,
}

impl<'de: 'a, 'a> Deserialize<'de> for Kline<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for V<'a> {
            type Value = Kline<'a>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a kline array of at least 11 values")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Kline<'a>, A::Error> {
                let open_time = take(&mut seq, 0)?;
                let mut ohlcv = [""; 5];
                for (i, slot) in ohlcv.iter_mut().enumerate() {
                    *slot = take(&mut seq, i + 1)?;
                }
                let close_time = take(&mut seq, 6)?;
                let quote_volume = take(&mut seq, 7)?;
                let trades = take(&mut seq, 8)?;
                let taker_buy_base = take(&mut seq, 9)?;
                let _taker_buy_quote: &str = take(&mut seq, 10)?;
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Kline {
                    open_time,
                    ohlcv,
                    close_time,
                    quote_volume,
                    trades,
                    taker_buy_base,
                })
            }
        }
        d.deserialize_seq(V(std::marker::PhantomData))
    }
}

/// The next element of a kline array, which must be there.
fn take<'de, T: Deserialize<'de>, A: SeqAccess<'de>>(seq: &mut A, i: usize) -> Result<T, A::Error> {
    seq.next_element()?
        .ok_or_else(|| de::Error::invalid_length(i, &"a kline of at least 11 values"))
}

fn klines(ex: &dyn Exchange, args: &str) -> Result<Answer, ToolError> {
    let a = Args::parse(
        args,
        &["symbol", "interval", "startTime", "endTime", "limit"],
    )?;
    let symbol = a.required_symbol("symbol")?;
    let interval = a
        .one_of("interval", INTERVALS)?
        .ok_or_else(|| ToolError::invalid("interval", "is required", "\"1h\""))?;
    let (start, end) = a.time_window(None)?;
    let limit = a.integer("limit", 1, 1000)?.unwrap_or(100);
    let req = Request::spot_get("/api/v3/klines")
        .param("symbol", &symbol)
        .param("interval", &interval)
        .opt_param("startTime", start)
        .opt_param("endTime", end)
        .param("limit", limit);
    let resp = ex.send(&req)?;
    let candles: Vec<Kline> = resp.parse()?;
    // Paging forward from a startTime keeps the first candles; otherwise the latest.
    let keep = if start.is_some() {
        Keep::First
    } else {
        Keep::Last
    };
    let kept = output::kept(&candles, KLINES_CAP, keep);
    let mut rows = Rows::new(KLINE_COLUMNS.len(), kept.len());
    for k in kept {
        let [o, h, l, c, v] = k.ohlcv;
        rows.iso(k.open_time)
            .dec(o)?
            .dec(h)?
            .dec(l)?
            .dec(c)?
            .dec(v)?;
        rows.dec(k.quote_volume)?
            .int(k.trades)
            .dec(k.taker_buy_base)?;
        rows.end_row()?;
    }
    let mut out = json!({
        "symbol": symbol,
        "interval": interval,
        "columns": KLINE_COLUMNS,
    });
    if candles.len() > KLINES_CAP {
        let mut marker = output::marker(
            KLINES_CAP,
            candles.len(),
            keep,
            "lower limit, or page with startTime",
        );
        if let (Keep::First, Some(last)) = (keep, kept.last()) {
            marker["nextStartTime"] = json!(time::iso8601_ms(last.close_time.saturating_add(1)));
        }
        out["truncated"] = marker;
    }
    Ok(Answer::with_raw(out, &[("rows", &rows.finish())]))
}
