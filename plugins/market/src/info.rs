//! Server time and exchange information.

use binance_mcp_plugin::args::Args;
use binance_mcp_plugin::capability::MARKET_DATA;
use binance_mcp_plugin::exchange::fetch;
use binance_mcp_plugin::output::{self, Keep};
use binance_mcp_plugin::{
    json, schema, time, Annotations, Exchange, Request, Run, Tool, ToolError, Value,
};

/// Most symbols one `get_exchange_info` answer lists (about 190 bytes each).
pub const EXCHANGE_INFO_CAP: usize = 60;
/// Most symbols `symbols` may name: Binance's own bound is larger, but 100
/// rows of rules are about 19 KB, near the largest answer we send.
pub const SYMBOLS_MAX: usize = 100;

/// The columns of `get_exchange_info`'s rows.
const RULE_COLUMNS: &[&str] = &[
    "symbol",
    "status",
    "baseAsset",
    "quoteAsset",
    "tickSize",
    "stepSize",
    "minQty",
    "maxQty",
    "minPrice",
    "maxPrice",
    "minNotional",
    "orderTypes",
];

pub const SERVER_TIME: Tool = Tool {
    name: "get_server_time",
    title: "Binance server time",
    description:
        "The exchange's clock, in ms and ISO-8601 UTC. Use to check connectivity or clock skew.",
    input_schema: || schema::object(json!({}), &[]),
    output_schema: || {
        schema::output(
            json!({ "serverTime": schema::int(), "iso": schema::iso() }),
            &["serverTime", "iso"],
        )
    },
    annotations: Annotations::READ_ONLY_EXCHANGE,
    capabilities: &[MARKET_DATA],
    run: Run::Value(server_time),
};

fn server_time(ex: &dyn Exchange, args: &str) -> Result<Value, ToolError> {
    Args::parse(args, &[])?;
    let body: Value = fetch(ex, &Request::spot_get("/api/v3/time"))?;
    let t = output::int(&body["serverTime"])?;
    Ok(json!({ "serverTime": t, "iso": time::iso8601_ms(t) }))
}

pub const EXCHANGE_INFO: Tool = Tool {
    name: "get_exchange_info",
    title: "Symbol trading rules",
    description: "Trading rules per symbol as rows (tick and step size, quantity and price bounds, min notional, order types). Use to check a symbol or size an order; no arguments: the first 60.",
    input_schema: || {
        schema::object(
            json!({
                "symbol": schema::symbol(""),
                "symbols": schema::symbols(SYMBOLS_MAX),
                "symbolStatus": { "enum": ["TRADING", "HALT", "BREAK"] }
            }),
            &[],
        )
    },
    output_schema: || {
        schema::output(
            json!({
                "asOf": schema::iso(),
                "columns": schema::columns(RULE_COLUMNS),
                "rows": schema::rows(),
                "truncated": schema::truncated()
            }),
            &["asOf", "columns", "rows"],
        )
    },
    annotations: Annotations::READ_ONLY_EXCHANGE,
    capabilities: &[MARKET_DATA],
    run: Run::Value(exchange_info),
};

fn exchange_info(ex: &dyn Exchange, args: &str) -> Result<Value, ToolError> {
    let a = Args::parse(args, &["symbol", "symbols", "symbolStatus"])?;
    a.exclusive("symbol", "symbols")?;
    let status = a.one_of("symbolStatus", &["TRADING", "HALT", "BREAK"])?;
    let symbol = a.symbol("symbol")?;
    let symbols = a.symbols("symbols", SYMBOLS_MAX)?;
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
    let mut rows = Vec::with_capacity(raw.len().min(EXCHANGE_INFO_CAP + 1));
    let mut available = 0;
    for s in raw {
        if status.as_deref().is_some_and(|want| s["status"] != want) {
            continue;
        }
        available += 1;
        // Only the rows that will be listed are shaped.
        if rows.len() < EXCHANGE_INFO_CAP {
            rows.push(rule_row(s)?);
        }
    }
    let mut out = json!({
        "asOf": output::iso(&body["serverTime"])?,
        "columns": RULE_COLUMNS,
        "rows": rows,
    });
    if available > EXCHANGE_INFO_CAP {
        out["truncated"] = output::marker(
            EXCHANGE_INFO_CAP,
            available,
            Keep::First,
            "narrow with symbol, symbols or symbolStatus",
        );
    }
    Ok(out)
}

/// One symbol's rules in [`RULE_COLUMNS`] order, the filters flattened
/// (a filter Binance does not send for the symbol is `null`).
fn rule_row(s: &Value) -> Result<Value, ToolError> {
    let filter = |kind: &[&str], field: &str| -> Result<Value, ToolError> {
        let f = s["filters"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|f| f["filterType"].as_str().is_some_and(|t| kind.contains(&t)));
        match f.map(|f| &f[field]) {
            Some(v) if !v.is_null() => Ok(json!(output::dec(v)?)),
            _ => Ok(Value::Null),
        }
    };
    let price = ["PRICE_FILTER"];
    let lot = ["LOT_SIZE"];
    let notional = ["NOTIONAL", "MIN_NOTIONAL"];
    let order_types = s["orderTypes"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect::<Vec<_>>()
        .join(" ");
    Ok(json!([
        output::text(&s["symbol"])?,
        output::text(&s["status"])?,
        output::text(&s["baseAsset"])?,
        output::text(&s["quoteAsset"])?,
        filter(&price, "tickSize")?,
        filter(&lot, "stepSize")?,
        filter(&lot, "minQty")?,
        filter(&lot, "maxQty")?,
        filter(&price, "minPrice")?,
        filter(&price, "maxPrice")?,
        filter(&notional, "minNotional")?,
        order_types,
    ]))
}
