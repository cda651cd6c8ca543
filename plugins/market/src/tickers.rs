//! 24-hour statistics, last prices and the average price.

use binance_mcp_plugin::args::Args;
use binance_mcp_plugin::capability::MARKET_DATA;
use binance_mcp_plugin::exchange::fetch;
use binance_mcp_plugin::output::{self, cap, Keep};
use binance_mcp_plugin::{
    json, schema, time, Annotations, Exchange, Request, Run, Tool, ToolError, Value,
};

/// Most tickers `get_ticker` returns when asked for every symbol (a row is
/// about 150 bytes).
pub const TICKER_ALL_CAP: usize = 60;
/// Most prices `get_ticker_price` returns when asked for every symbol.
pub const PRICE_ALL_CAP: usize = 500;

/// The symbol-or-symbols-or-all request shape shared by the ticker endpoints.
pub(crate) fn symbol_selection(path: &str, args: &Args) -> Result<Request, ToolError> {
    args.exclusive("symbol", "symbols")?;
    Ok(Request::spot_get(path)
        .opt_param("symbol", args.symbol("symbol")?)
        .opt_param(
            "symbols",
            args.symbols("symbols", 100)?.map(|s| json!(s).to_string()),
        ))
}

/// The answer of a ticker endpoint as a list (one symbol answers an object).
pub(crate) fn as_list(body: Value) -> Vec<Value> {
    match body {
        Value::Array(items) => items,
        other => vec![other],
    }
}

pub(crate) fn selection_input() -> Value {
    schema::object(
        json!({ "symbol": schema::symbol(""), "symbols": schema::symbols(100) }),
        &[],
    )
}

/// The columns of `get_ticker`'s rows: Binance's field names.
const TICKER_COLUMNS: &[&str] = &[
    "symbol",
    "lastPrice",
    "priceChangePercent",
    "priceChange",
    "openPrice",
    "highPrice",
    "lowPrice",
    "weightedAvgPrice",
    "volume",
    "quoteVolume",
    "bidPrice",
    "askPrice",
    "count",
];

pub const TICKER: Tool = Tool {
    name: "get_ticker",
    title: "24-hour statistics",
    description: "Rolling 24 h statistics per symbol as rows: price change, high/low, volume, trade count. No arguments: the 60 symbols with the most trades.",
    input_schema: selection_input,
    output_schema: || {
        schema::output(
            json!({
                "asOf": schema::iso(),
                "columns": schema::columns(TICKER_COLUMNS),
                "rows": schema::rows(),
                "truncated": schema::truncated()
            }),
            &["columns", "rows"],
        )
    },
    annotations: Annotations::READ_ONLY_EXCHANGE,
    capabilities: &[MARKET_DATA],
    run: Run::Value(ticker),
};

fn ticker(ex: &dyn Exchange, args: &str) -> Result<Value, ToolError> {
    let a = Args::parse(args, &["symbol", "symbols"])?;
    let all = a.symbol("symbol")?.is_none() && a.symbols("symbols", 100)?.is_none();
    let body: Value = fetch(ex, &symbol_selection("/api/v3/ticker/24hr", &a)?)?;
    let mut tickers = as_list(body);
    let mut truncated = None;
    if all {
        // Most trades first, so the cut keeps the most active markets. Trade
        // count, unlike quote volume, compares across quote assets.
        tickers.sort_by_key(|t| std::cmp::Reverse(t["count"].as_i64().unwrap_or(0)));
        (tickers, truncated) = cap(
            tickers,
            TICKER_ALL_CAP,
            Keep::First,
            "sorted by trade count; pass symbol or symbols for others",
        );
    }
    let mut as_of = None;
    let mut rows = Vec::with_capacity(tickers.len());
    for t in &tickers {
        let mut row = Vec::with_capacity(TICKER_COLUMNS.len());
        row.push(json!(output::text(&t["symbol"])?));
        for f in &TICKER_COLUMNS[1..TICKER_COLUMNS.len() - 1] {
            row.push(json!(output::dec(&t[*f])?));
        }
        row.push(json!(output::int(&t["count"])?));
        rows.push(Value::Array(row));
        as_of = as_of.max(t["closeTime"].as_i64());
    }
    let mut out = json!({ "columns": TICKER_COLUMNS, "rows": rows });
    // Every row is the 24 h ending at its last trade; the newest is the answer's time.
    if let Some(t) = as_of {
        out["asOf"] = json!(time::iso8601_ms(t));
    }
    if let Some(t) = truncated {
        out["truncated"] = t;
    }
    Ok(out)
}

pub const TICKER_PRICE: Tool = Tool {
    name: "get_ticker_price",
    title: "Latest price",
    description:
        "Last price per symbol as {symbol: price}; one live symbol from memory. No arguments: all symbols (cut to 500).",
    input_schema: selection_input,
    output_schema: || {
        schema::output(
            json!({
                "prices": { "type": "object", "additionalProperties": schema::dec() },
                "truncated": schema::truncated()
            }),
            &["prices"],
        )
    },
    annotations: Annotations::READ_ONLY_EXCHANGE,
    capabilities: &[MARKET_DATA],
    run: Run::Value(ticker_price),
};

fn ticker_price(ex: &dyn Exchange, args: &str) -> Result<Value, ToolError> {
    let a = Args::parse(args, &["symbol", "symbols"])?;
    // One symbol whose trades the host follows live: the last trade's
    // price from memory, zero REST weight.
    if let (Some(symbol), None) = (a.symbol("symbol")?, a.symbols("symbols", 100)?) {
        if let Some(t) = crate::live::last_trade(ex, &symbol) {
            let mut prices = serde_json::Map::new();
            prices.insert(symbol, json!(output::dec_text(&t.price)?));
            return Ok(json!({
                "prices": prices,
                "source": "live",
                "ageMs": t.age_ms,
                "tradeTime": time::iso8601_ms(t.time as i64),
            }));
        }
    }
    let body: Value = fetch(ex, &symbol_selection("/api/v3/ticker/price", &a)?)?;
    let (list, truncated) = cap(
        as_list(body),
        PRICE_ALL_CAP,
        Keep::First,
        "pass symbol or symbols",
    );
    let mut prices = serde_json::Map::new();
    for p in &list {
        prices.insert(
            output::text(&p["symbol"])?,
            json!(output::dec(&p["price"])?),
        );
    }
    let mut out = json!({ "prices": prices });
    if let Some(t) = truncated {
        out["truncated"] = t;
    }
    Ok(out)
}

pub const AVERAGE_PRICE: Tool = Tool {
    name: "get_average_price",
    title: "Average price",
    description: "A symbol's average price over the exchange's window (mins), the reference for MARKET-order filters.",
    input_schema: || schema::object(json!({ "symbol": schema::symbol("") }), &["symbol"]),
    output_schema: || {
        schema::output(
            json!({
                "symbol": schema::string(),
                "mins": schema::int(),
                "price": schema::dec(),
                "closeTime": schema::iso()
            }),
            &["symbol", "mins", "price"],
        )
    },
    annotations: Annotations::READ_ONLY_EXCHANGE,
    capabilities: &[MARKET_DATA],
    run: Run::Value(average_price),
};

fn average_price(ex: &dyn Exchange, args: &str) -> Result<Value, ToolError> {
    let a = Args::parse(args, &["symbol"])?;
    let symbol = a.required_symbol("symbol")?;
    let body: Value = fetch(
        ex,
        &Request::spot_get("/api/v3/avgPrice").param("symbol", &symbol),
    )?;
    let mut out = json!({ "symbol": symbol, "mins": output::int(&body["mins"])?, "price": output::dec(&body["price"])? });
    if body["closeTime"].is_i64() {
        out["closeTime"] = json!(output::iso(&body["closeTime"])?);
    }
    Ok(out)
}
