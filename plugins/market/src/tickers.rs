//! 24-hour statistics, last prices and the average price.

use binance_mcp_plugin::args::Args;
use binance_mcp_plugin::exchange::fetch;
use binance_mcp_plugin::output::{self, cap, Keep};
use binance_mcp_plugin::{json, schema, Annotations, Exchange, Request, Tool, ToolError, Value};

/// Most tickers `get_ticker` returns when asked for every symbol.
pub const TICKER_ALL_CAP: usize = 100;
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
        json!({
            "symbol": schema::symbol("One symbol."),
            "symbols": schema::symbols(100)
        }),
        &[],
    )
}

const TICKER_FIELDS_DEC: &[&str] = &[
    "priceChange",
    "priceChangePercent",
    "weightedAvgPrice",
    "prevClosePrice",
    "lastPrice",
    "lastQty",
    "bidPrice",
    "bidQty",
    "askPrice",
    "askQty",
    "openPrice",
    "highPrice",
    "lowPrice",
    "volume",
    "quoteVolume",
];
const TICKER_FIELDS_INT: &[&str] = &["openTime", "closeTime", "firstId", "lastId", "count"];

pub const TICKER: Tool = Tool {
    name: "get_ticker",
    title: "24-hour statistics",
    description: "Rolling 24-hour statistics per symbol: price change and percent, last/open/high/low price, best bid/ask, base and quote volume, trade count. Without symbol or symbols: the 100 symbols with the most trades in 24 h.",
    input_schema: selection_input,
    output_schema: || {
        let mut props = serde_json::Map::new();
        props.insert("symbol".into(), json!({ "type": "string" }));
        for f in TICKER_FIELDS_DEC {
            props.insert((*f).into(), schema::decimal(f));
        }
        for f in TICKER_FIELDS_INT {
            props.insert((*f).into(), json!({ "type": "integer" }));
        }
        let mut required: Vec<&str> = vec!["symbol"];
        required.extend_from_slice(TICKER_FIELDS_DEC);
        required.extend_from_slice(TICKER_FIELDS_INT);
        schema::object(
            json!({
                "tickers": { "type": "array", "items": { "type": "object", "properties": props, "required": required } },
                "truncated": schema::truncation()
            }),
            &["tickers"],
        )
    },
    annotations: Annotations::READ_ONLY_EXCHANGE,
    run: ticker,
};

fn ticker(ex: &dyn Exchange, args: &str) -> Result<Value, ToolError> {
    let a = Args::parse(args, &["symbol", "symbols"])?;
    let all = a.symbol("symbol")?.is_none() && a.symbols("symbols", 100)?.is_none();
    let body: Value = fetch(ex, &symbol_selection("/api/v3/ticker/24hr", &a)?)?;
    let mut tickers = Vec::new();
    for t in as_list(body) {
        let mut out = json!({ "symbol": output::text(&t["symbol"])? });
        for f in TICKER_FIELDS_DEC {
            out[*f] = json!(output::dec(&t[*f])?);
        }
        for f in TICKER_FIELDS_INT {
            out[*f] = json!(output::int(&t[*f])?);
        }
        tickers.push(out);
    }
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
    let mut out = json!({ "tickers": tickers });
    if let Some(t) = truncated {
        out["truncated"] = t;
    }
    Ok(out)
}

pub const TICKER_PRICE: Tool = Tool {
    name: "get_ticker_price",
    title: "Latest price",
    description:
        "The last traded price per symbol. Without symbol or symbols: every symbol (cut to 500).",
    input_schema: selection_input,
    output_schema: || {
        schema::object(
            json!({
                "prices": { "type": "array", "items": {
                    "type": "object",
                    "properties": { "symbol": { "type": "string" }, "price": schema::decimal("Last price") },
                    "required": ["symbol", "price"]
                }},
                "truncated": schema::truncation()
            }),
            &["prices"],
        )
    },
    annotations: Annotations::READ_ONLY_EXCHANGE,
    run: ticker_price,
};

fn ticker_price(ex: &dyn Exchange, args: &str) -> Result<Value, ToolError> {
    let a = Args::parse(args, &["symbol", "symbols"])?;
    let body: Value = fetch(ex, &symbol_selection("/api/v3/ticker/price", &a)?)?;
    let prices = as_list(body)
        .iter()
        .map(|p| {
            Ok(json!({ "symbol": output::text(&p["symbol"])?, "price": output::dec(&p["price"])? }))
        })
        .collect::<Result<Vec<_>, ToolError>>()?;
    let (prices, truncated) = cap(prices, PRICE_ALL_CAP, Keep::First, "pass symbol or symbols");
    let mut out = json!({ "prices": prices });
    if let Some(t) = truncated {
        out["truncated"] = t;
    }
    Ok(out)
}

pub const AVERAGE_PRICE: Tool = Tool {
    name: "get_average_price",
    title: "Average price",
    description: "The exchange's current average price for a symbol over its averaging window (the reference price for MARKET-order filters).",
    input_schema: || schema::object(json!({ "symbol": schema::symbol("The symbol.") }), &["symbol"]),
    output_schema: || {
        schema::object(
            json!({
                "symbol": { "type": "string" },
                "mins": { "type": "integer", "description": "Averaging window in minutes" },
                "price": schema::decimal("Average price"),
                "closeTime": { "type": "integer", "description": "Last trade time in the window (ms)" }
            }),
            &["symbol", "mins", "price"],
        )
    },
    annotations: Annotations::READ_ONLY_EXCHANGE,
    run: average_price,
};

fn average_price(ex: &dyn Exchange, args: &str) -> Result<Value, ToolError> {
    let a = Args::parse(args, &["symbol"])?;
    let symbol = a.required_symbol("symbol")?;
    let body: Value = fetch(
        ex,
        &Request::spot_get("/api/v3/avgPrice").param("symbol", &symbol),
    )?;
    let mut out = json!({ "symbol": symbol, "mins": output::int(&body["mins"])?, "price": output::dec(&body["price"])? });
    if let Some(t) = body["closeTime"].as_i64() {
        out["closeTime"] = json!(t);
    }
    Ok(out)
}
