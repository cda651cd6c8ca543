//! Recent trades and candlesticks.

use binance_mcp_plugin::args::Args;
use binance_mcp_plugin::exchange::fetch;
use binance_mcp_plugin::output::{self, cap, Keep};
use binance_mcp_plugin::{json, schema, Annotations, Exchange, Request, Tool, ToolError, Value};

/// Most trades one answer lists (about 90 characters each).
pub const TRADES_CAP: usize = 500;
/// Most candles one answer lists (about 230 characters each).
pub const KLINES_CAP: usize = 300;

/// Every kline interval Binance accepts, shortest first.
pub const INTERVALS: &[&str] = &[
    "1s", "1m", "3m", "5m", "15m", "30m", "1h", "2h", "4h", "6h", "8h", "12h", "1d", "3d", "1w",
    "1M",
];

pub const RECENT_TRADES: Tool = Tool {
    name: "get_recent_trades",
    title: "Recent trades",
    description: "The most recent trades of a symbol, oldest first: id, price, quantity, quote quantity, time, and whether the buyer was the maker (isBuyerMaker true = a sell hit the bid). limit 1-1000 (default 100); at most 500 are listed (the newest).",
    input_schema: || {
        schema::object(
            json!({
                "symbol": schema::symbol("The symbol."),
                "limit": schema::integer(1, 1000, 100, "How many recent trades to fetch.")
            }),
            &["symbol"],
        )
    },
    output_schema: || {
        schema::object(
            json!({
                "symbol": { "type": "string" },
                "trades": { "type": "array", "items": {
                    "type": "object",
                    "properties": {
                        "id": { "type": "integer" }, "price": schema::decimal("Price"), "qty": schema::decimal("Base quantity"),
                        "quoteQty": schema::decimal("Quote quantity"), "time": { "type": "integer" }, "isBuyerMaker": { "type": "boolean" }
                    },
                    "required": ["id", "price", "qty", "quoteQty", "time", "isBuyerMaker"]
                }},
                "truncated": schema::truncation()
            }),
            &["symbol", "trades"],
        )
    },
    annotations: Annotations::READ_ONLY_EXCHANGE,
    run: recent_trades,
};

fn recent_trades(ex: &dyn Exchange, args: &str) -> Result<Value, ToolError> {
    let a = Args::parse(args, &["symbol", "limit"])?;
    let symbol = a.required_symbol("symbol")?;
    let limit = a.integer("limit", 1, 1000)?.unwrap_or(100);
    let body: Vec<Value> = fetch(
        ex,
        &Request::spot_get("/api/v3/trades")
            .param("symbol", &symbol)
            .param("limit", limit),
    )?;
    let trades = body
        .iter()
        .map(|t| {
            Ok(json!({
                "id": output::int(&t["id"])?,
                "price": output::dec(&t["price"])?,
                "qty": output::dec(&t["qty"])?,
                "quoteQty": output::dec(&t["quoteQty"])?,
                "time": output::int(&t["time"])?,
                "isBuyerMaker": t["isBuyerMaker"].as_bool().unwrap_or(false),
            }))
        })
        .collect::<Result<Vec<_>, ToolError>>()?;
    let (trades, truncated) = cap(
        trades,
        TRADES_CAP,
        Keep::Last,
        "lower limit; the newest trades are kept",
    );
    let mut out = json!({ "symbol": symbol, "trades": trades });
    if let Some(t) = truncated {
        out["truncated"] = t;
    }
    Ok(out)
}

pub const KLINES: Tool = Tool {
    name: "get_klines",
    title: "Candlesticks (klines)",
    description: "OHLCV candles of a symbol, oldest first. interval is one of Binance's (1s 1m 3m 5m 15m 30m 1h 2h 4h 6h 8h 12h 1d 3d 1w 1M). Without startTime/endTime: the latest candles. limit 1-1000 (default 100); at most 300 are listed, and when cut with a startTime the marker gives the next startTime to page forward.",
    input_schema: || {
        schema::object(
            json!({
                "symbol": schema::symbol("The symbol."),
                "interval": { "type": "string", "enum": INTERVALS, "description": "Candle length." },
                "startTime": schema::timestamp("First candle's open time at or after this."),
                "endTime": schema::timestamp("Last candle's open time at or before this."),
                "limit": schema::integer(1, 1000, 100, "How many candles to fetch.")
            }),
            &["symbol", "interval"],
        )
    },
    output_schema: || {
        let d = schema::decimal;
        schema::object(
            json!({
                "symbol": { "type": "string" },
                "interval": { "type": "string" },
                "klines": { "type": "array", "items": {
                    "type": "object",
                    "properties": {
                        "openTime": { "type": "integer" }, "open": d("Open"), "high": d("High"), "low": d("Low"), "close": d("Close"),
                        "volume": d("Base volume"), "closeTime": { "type": "integer" }, "quoteVolume": d("Quote volume"),
                        "trades": { "type": "integer" }, "takerBuyBaseVolume": d("Taker buy base volume"), "takerBuyQuoteVolume": d("Taker buy quote volume")
                    },
                    "required": ["openTime", "open", "high", "low", "close", "volume", "closeTime", "quoteVolume", "trades"]
                }},
                "truncated": schema::truncation()
            }),
            &["symbol", "interval", "klines"],
        )
    },
    annotations: Annotations::READ_ONLY_EXCHANGE,
    run: klines,
};

fn klines(ex: &dyn Exchange, args: &str) -> Result<Value, ToolError> {
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
    let body: Vec<Vec<Value>> = fetch(ex, &req)?;
    let mut candles = Vec::with_capacity(body.len());
    for k in &body {
        if k.len() < 11 {
            return Err(ToolError::bad_exchange_data(
                "a kline with fewer than 11 fields",
            ));
        }
        candles.push(json!({
            "openTime": output::int(&k[0])?,
            "open": output::dec(&k[1])?, "high": output::dec(&k[2])?, "low": output::dec(&k[3])?, "close": output::dec(&k[4])?,
            "volume": output::dec(&k[5])?,
            "closeTime": output::int(&k[6])?,
            "quoteVolume": output::dec(&k[7])?,
            "trades": output::int(&k[8])?,
            "takerBuyBaseVolume": output::dec(&k[9])?,
            "takerBuyQuoteVolume": output::dec(&k[10])?,
        }));
    }
    // Paging forward from a startTime keeps the first candles; otherwise the latest.
    let keep = if start.is_some() {
        Keep::First
    } else {
        Keep::Last
    };
    let (candles, truncated) = cap(
        candles,
        KLINES_CAP,
        keep,
        "lower limit, or page with startTime",
    );
    let mut out = json!({ "symbol": symbol, "interval": interval, "klines": candles });
    if let Some(mut t) = truncated {
        if keep == Keep::First {
            if let Some(last) = out["klines"].as_array().and_then(|k| k.last()) {
                t["nextStartTime"] =
                    json!(last["closeTime"].as_i64().unwrap_or(0).saturating_add(1));
            }
        }
        out["truncated"] = t;
    }
    Ok(out)
}
