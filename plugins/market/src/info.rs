//! Server time and exchange information.

use binance_mcp_plugin::args::Args;
use binance_mcp_plugin::exchange::fetch;
use binance_mcp_plugin::output::{self, cap, Keep};
use binance_mcp_plugin::{
    json, schema, time, Annotations, Exchange, Request, Tool, ToolError, Value,
};

/// Most symbols one `get_exchange_info` answer lists.
pub const EXCHANGE_INFO_CAP: usize = 200;

pub const SERVER_TIME: Tool = Tool {
    name: "get_server_time",
    title: "Binance server time",
    description: "The exchange's current time (milliseconds and ISO-8601 UTC). Use it to check connectivity or clock skew.",
    input_schema: || schema::object(json!({}), &[]),
    output_schema: || {
        schema::object(
            json!({
                "serverTime": { "type": "integer", "description": "UNIX time in milliseconds" },
                "iso": { "type": "string", "description": "The same instant, ISO-8601 UTC" }
            }),
            &["serverTime", "iso"],
        )
    },
    annotations: Annotations::READ_ONLY_EXCHANGE,
    run: server_time,
};

fn server_time(ex: &dyn Exchange, args: &str) -> Result<Value, ToolError> {
    Args::parse(args, &[])?;
    let body: Value = fetch(ex, &Request::spot_get("/api/v3/time"))?;
    let t = output::int(&body["serverTime"])?;
    Ok(json!({ "serverTime": t, "iso": time::iso8601_ms(t) }))
}

pub const EXCHANGE_INFO: Tool = Tool {
    name: "get_exchange_info",
    title: "Exchange information",
    description: "Trading rules per symbol, compacted: status, base and quote asset, tick size, step size, quantity and price bounds, minimum notional, order types. Without arguments lists every symbol (cut to 200; narrow with symbol, symbols or symbolStatus).",
    input_schema: || {
        schema::object(
            json!({
                "symbol": schema::symbol("One symbol."),
                "symbols": schema::symbols(100),
                "symbolStatus": { "type": "string", "enum": ["TRADING", "HALT", "BREAK"], "description": "Only symbols with this status." }
            }),
            &[],
        )
    },
    output_schema: || {
        let d = |s: &str| schema::decimal(s);
        schema::object(
            json!({
                "timezone": { "type": "string" },
                "serverTime": { "type": "integer" },
                "symbols": { "type": "array", "items": {
                    "type": "object",
                    "properties": {
                        "symbol": { "type": "string" }, "status": { "type": "string" },
                        "baseAsset": { "type": "string" }, "quoteAsset": { "type": "string" },
                        "tickSize": d("Price increment"), "minPrice": d("Lowest price"), "maxPrice": d("Highest price"),
                        "stepSize": d("Quantity increment"), "minQty": d("Smallest quantity"), "maxQty": d("Largest quantity"),
                        "minNotional": d("Smallest price × quantity"),
                        "orderTypes": { "type": "array", "items": { "type": "string" } }
                    },
                    "required": ["symbol", "status", "baseAsset", "quoteAsset"]
                }},
                "count": { "type": "integer", "description": "Symbols in this answer" },
                "truncated": schema::truncation()
            }),
            &["timezone", "serverTime", "symbols", "count"],
        )
    },
    annotations: Annotations::READ_ONLY_EXCHANGE,
    run: exchange_info,
};

fn exchange_info(ex: &dyn Exchange, args: &str) -> Result<Value, ToolError> {
    let a = Args::parse(args, &["symbol", "symbols", "symbolStatus"])?;
    a.exclusive("symbol", "symbols")?;
    let status = a.one_of("symbolStatus", &["TRADING", "HALT", "BREAK"])?;
    let symbol = a.symbol("symbol")?;
    let symbols = a.symbols("symbols", 100)?;
    // Binance filters by status itself only without symbol/symbols (it refuses
    // the combination); with them, the filter is applied here.
    let whole_list = symbol.is_none() && symbols.is_none();
    let req = Request::spot_get("/api/v3/exchangeInfo")
        .opt_param("symbol", symbol)
        .opt_param("symbols", symbols.map(|s| json!(s).to_string()))
        .opt_param("symbolStatus", status.as_ref().filter(|_| whole_list))
        // Permission sets are most of the answer's bytes and none of the summary.
        .param("showPermissionSets", "false");
    let body: Value = fetch(ex, &req)?;
    let raw = body["symbols"]
        .as_array()
        .ok_or_else(|| ToolError::bad_exchange_data("exchangeInfo without 'symbols'"))?;
    let mut symbols = Vec::with_capacity(raw.len());
    for s in raw {
        if status.as_deref().is_some_and(|want| s["status"] != want) {
            continue;
        }
        symbols.push(summarize_symbol(s)?);
    }
    let (symbols, truncated) = cap(
        symbols,
        EXCHANGE_INFO_CAP,
        Keep::First,
        "narrow the list with symbol, symbols or symbolStatus",
    );
    let mut out = json!({
        "timezone": body["timezone"].as_str().unwrap_or("UTC"),
        "serverTime": output::int(&body["serverTime"])?,
        "count": symbols.len(),
        "symbols": symbols,
    });
    if let Some(t) = truncated {
        out["truncated"] = t;
    }
    Ok(out)
}

/// One symbol's rules, with the filters flattened into named fields.
fn summarize_symbol(s: &Value) -> Result<Value, ToolError> {
    let mut out = json!({
        "symbol": output::text(&s["symbol"])?,
        "status": output::text(&s["status"])?,
        "baseAsset": output::text(&s["baseAsset"])?,
        "quoteAsset": output::text(&s["quoteAsset"])?,
    });
    for f in s["filters"].as_array().into_iter().flatten() {
        let fields: &[(&str, &str)] = match f["filterType"].as_str() {
            Some("PRICE_FILTER") => &[
                ("tickSize", "tickSize"),
                ("minPrice", "minPrice"),
                ("maxPrice", "maxPrice"),
            ],
            Some("LOT_SIZE") => &[
                ("stepSize", "stepSize"),
                ("minQty", "minQty"),
                ("maxQty", "maxQty"),
            ],
            Some("MIN_NOTIONAL") | Some("NOTIONAL") => &[("minNotional", "minNotional")],
            _ => &[],
        };
        for (from, to) in fields {
            if !f[*from].is_null() {
                out[*to] = json!(output::dec(&f[*from])?);
            }
        }
    }
    if let Some(types) = s["orderTypes"].as_array() {
        out["orderTypes"] = json!(types);
    }
    Ok(out)
}
