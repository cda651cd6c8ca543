//! Tools over the host's live order books (`order-book`): metrics, compact
//! depth and the engines' health, on spot or USD-M futures (`market`).
//! Served from memory: zero REST weight.

use binance_mcp_plugin::args::Args;
use binance_mcp_plugin::book::{BookDepth, BookStatus, Freshness, LastTrade, OrderBook};
use binance_mcp_plugin::capability::{MARKET_DATA, ORDER_BOOK};
use binance_mcp_plugin::time::iso8601_ms;
use binance_mcp_plugin::{
    json, schema, Annotations, ErrorKind, Exchange, Run, Tool, ToolError, Value, Venue,
};

/// Most levels a side `get_orderbook_depth` lists (the host keeps 1000):
/// 1000 integer rows a side stay far inside the 25k-token answer budget.
const MAX_LEVELS: i64 = 1000;
/// How long a first question waits for a new book to sync.
const WAIT_MS: u32 = 5000;
const BAND_COLUMNS: &[&str] = &[
    "bps",
    "bidQty",
    "askQty",
    "bidNotional",
    "askNotional",
    "imbalance",
];
const WALL_COLUMNS: &[&str] = &["side", "price", "qty", "timesMedian"];
const SYMBOL_COLUMNS: &[&str] = &[
    "market",
    "symbol",
    "state",
    "ageMs",
    "updateId",
    "bidLevels",
    "askLevels",
    "resyncs",
];
const CONNECTION_COLUMNS: &[&str] = &[
    "market",
    "id",
    "state",
    "symbols",
    "ageS",
    "reconnects",
    "rollovers",
];
/// The `market` argument's values: Binance spot, or USD-M futures.
const MARKETS: &[&str] = &["spot", "usdm"];

fn market_schema() -> Value {
    json!({ "enum": MARKETS, "default": "spot" })
}

fn market(a: &Args) -> Result<Venue, ToolError> {
    Ok(match a.one_of("market", MARKETS)?.as_deref() {
        Some("usdm") => Venue::UsdmFutures,
        _ => Venue::Spot,
    })
}

fn market_name(v: Venue) -> &'static str {
    match v {
        Venue::Spot => "spot",
        Venue::UsdmFutures => "usdm",
    }
}

fn book(ex: &dyn Exchange) -> Result<&dyn OrderBook, ToolError> {
    ex.order_book().ok_or_else(|| {
        ToolError::new(
            ErrorKind::NotPermitted,
            "live order books are not available to this plugin",
            "use get_order_book (REST)",
        )
    })
}

/// The status fields every live answer carries; a stale book says so.
pub fn status_fields(out: &mut Value, s: &BookStatus) {
    out["source"] = json!("live");
    if s.venue != Venue::Spot {
        out["market"] = json!(market_name(s.venue));
    }
    out["state"] = json!(s.freshness.as_str());
    if let Some(a) = s.age_ms {
        out["ageMs"] = json!(a);
    }
    out["updateId"] = json!(s.update_id);
    if s.event_time > 0 {
        out["eventTime"] = json!(iso8601_ms(s.event_time as i64));
    }
    if s.freshness == Freshness::Stale {
        out["warning"] = json!(format!(
            "degraded: no book update for {} ms; these figures may be out of date",
            s.age_ms.unwrap_or(0)
        ));
    }
}

fn status_schema() -> Value {
    // Also `updateId`, `eventTime` and, for a stale book, `warning`.
    json!({ "state": { "enum": ["live", "stale", "syncing"] }, "ageMs": schema::int() })
}

fn merge(mut a: Value, b: Value) -> Value {
    if let (Some(a), Value::Object(b)) = (a.as_object_mut(), b) {
        a.extend(b);
    }
    a
}

pub const METRICS: Tool = Tool {
    name: "get_orderbook_metrics",
    title: "Order-book metrics (live)",
    description: "Live book, spot or USD-M futures (no REST weight): spread, spread bps, mid, microprice, best bid/ask and sizes, imbalance, liquidity within bps bands of mid (default 10/50/100), walls, age.",
    input_schema: || {
        schema::object(
            json!({
                "symbol": schema::symbol(""),
                "market": market_schema(),
                "bands": { "type": "array", "items": { "type": "integer", "minimum": 1, "maximum": 10000 }, "minItems": 1, "maxItems": 8 }
            }),
            &["symbol"],
        )
    },
    output_schema: || {
        schema::output(
            merge(
                json!({
                    "symbol": schema::string(),
                    "bestBid": schema::dec(), "bestBidQty": schema::dec(),
                    "bestAsk": schema::dec(), "bestAskQty": schema::dec(),
                    "mid": schema::dec(), "spread": schema::dec(), "spreadBps": schema::dec(),
                    "microprice": schema::dec(), "imbalance": schema::dec(),
                    // columns + rows, the columns named in the answer
                    "bands": { "type": "object" }, "walls": { "type": "object" }
                }),
                status_schema(),
            ),
            &["symbol", "state", "mid", "spread"],
        )
    },
    annotations: Annotations::READ_ONLY_EXCHANGE,
    capabilities: &[MARKET_DATA, ORDER_BOOK],
    run: Run::Value(metrics),
};

fn metrics(ex: &dyn Exchange, args: &str) -> Result<Value, ToolError> {
    let a = Args::parse(args, &["symbol", "market", "bands"])?;
    let symbol = a.required_symbol("symbol")?;
    let venue = market(&a)?;
    let bands: Vec<u32> = a
        .integers("bands", 1, 10_000, 8)?
        .unwrap_or_default()
        .into_iter()
        .map(|b| b as u32)
        .collect();
    let m = book(ex)?.metrics(venue, &symbol, &bands, WAIT_MS)?;
    let band_rows: Vec<Value> = m
        .bands
        .iter()
        .map(|b| {
            json!([
                b.bps,
                b.bid_qty,
                b.ask_qty,
                b.bid_notional,
                b.ask_notional,
                b.imbalance
            ])
        })
        .collect();
    let wall_rows: Vec<Value> = m
        .walls
        .iter()
        .map(|w| {
            json!([
                if w.bid { "bid" } else { "ask" },
                w.price,
                w.qty,
                w.times_median
            ])
        })
        .collect();
    let mut out = json!({
        "symbol": symbol,
        "bestBid": m.best_bid, "bestBidQty": m.best_bid_qty,
        "bestAsk": m.best_ask, "bestAskQty": m.best_ask_qty,
        "mid": m.mid, "spread": m.spread, "spreadBps": m.spread_bps,
        "microprice": m.microprice, "imbalance": m.imbalance,
        "bands": { "columns": BAND_COLUMNS, "rows": band_rows },
        "walls": { "columns": WALL_COLUMNS, "rows": wall_rows },
        "wallRule": m.wall_rule,
    });
    status_fields(&mut out, &m.status);
    Ok(out)
}

pub const DEPTH: Tool = Tool {
    name: "get_orderbook_depth",
    title: "Order-book depth (live, compact)",
    description: "Live book's best levels a side (no REST weight) as integers: price = p / 10^priceScale, qty = q / 10^qtyScale.",
    input_schema: || {
        schema::object(
            json!({ "symbol": schema::symbol(""), "market": market_schema(), "levels": schema::integer(1, MAX_LEVELS, 20, "") }),
            &["symbol"],
        )
    },
    output_schema: || {
        let rows = schema::array(json!({ "type": "array", "items": { "type": "integer" } }));
        schema::output(
            merge(
                json!({
                    "symbol": schema::string(), "priceScale": schema::int(), "qtyScale": schema::int(),
                    "bids": rows, "asks": { "$ref": "#/properties/bids" }
                }),
                status_schema(),
            ),
            &["symbol", "priceScale", "qtyScale", "bids", "asks"],
        )
    },
    annotations: Annotations::READ_ONLY_EXCHANGE,
    capabilities: &[MARKET_DATA, ORDER_BOOK],
    run: Run::Value(depth),
};

fn depth(ex: &dyn Exchange, args: &str) -> Result<Value, ToolError> {
    let a = Args::parse(args, &["symbol", "market", "levels"])?;
    let symbol = a.required_symbol("symbol")?;
    let venue = market(&a)?;
    let levels = a.integer("levels", 1, MAX_LEVELS)?.unwrap_or(20) as u32;
    let d = book(ex)?.depth(venue, &symbol, levels, WAIT_MS)?;
    let mut out = json!({
        "symbol": symbol,
        "priceScale": d.price_scale, "qtyScale": d.qty_scale,
        "bids": d.bids.iter().map(|(p, q)| json!([p, q])).collect::<Vec<_>>(),
        "asks": d.asks.iter().map(|(p, q)| json!([p, q])).collect::<Vec<_>>(),
        "levelsHeld": { "bids": d.status.bid_levels, "asks": d.status.ask_levels },
    });
    status_fields(&mut out, &d.status);
    Ok(out)
}

pub const HEALTH: Tool = Tool {
    name: "get_orderbook_health",
    title: "Order-book engine health",
    description:
        "Live books (spot and USD-M futures): status, per-symbol state and age, connections, reconnects, last error.",
    input_schema: || schema::object(json!({}), &[]),
    output_schema: || {
        // symbols and connections are columns + rows, the columns named in the answer
        schema::output(
            json!({
                "status": { "enum": ["ok", "degraded", "error"] },
                "symbols": { "type": "object" }, "connections": { "type": "object" }
            }),
            &["status", "symbols", "connections"],
        )
    },
    annotations: Annotations::READ_ONLY_EXCHANGE,
    capabilities: &[MARKET_DATA, ORDER_BOOK],
    run: Run::Value(health),
};

fn health(ex: &dyn Exchange, args: &str) -> Result<Value, ToolError> {
    Args::parse(args, &[])?;
    let h = book(ex)?.health()?;
    let (mut symbols, mut connections, mut errors) = (Vec::new(), Vec::new(), Vec::new());
    let (mut reconnects, mut snapshots) = (0, 0);
    for (name, e) in [("spot", &h["spot"]), ("usdm", &h["usdm_futures"])] {
        for s in e["symbols"].as_array().into_iter().flatten() {
            symbols.push(json!([
                name,
                s["symbol"],
                s["state"],
                s["age_ms"],
                s["update_id"],
                s["levels"][0],
                s["levels"][1],
                s["resyncs"]
            ]));
        }
        for c in e["connections"].as_array().into_iter().flatten() {
            connections.push(json!([
                name,
                c["id"],
                c["state"],
                c["symbols"],
                c["age_s"],
                c["reconnects"],
                c["rollovers"]
            ]));
        }
        reconnects += e["reconnects"].as_u64().unwrap_or(0);
        snapshots += e["snapshots"].as_u64().unwrap_or(0);
        if let Some(err) = e["last_error"].as_str() {
            errors.push(format!("{name}: {err}"));
        }
    }
    let mut out = json!({
        "status": h["status"],
        // The bound holds per market.
        "maxSymbols": h["spot"]["max_symbols"],
        "symbols": { "columns": SYMBOL_COLUMNS, "rows": symbols },
        "connections": { "columns": CONNECTION_COLUMNS, "rows": connections },
        "reconnects": reconnects,
        "snapshots": snapshots,
    });
    if !errors.is_empty() {
        out["lastError"] = json!(errors.join("; "));
    }
    Ok(out)
}

/// The spot book of `symbol` from memory, when it is live with at least
/// `levels` levels a side (or all the book has): for the REST tools.
pub fn from_memory(ex: &dyn Exchange, symbol: &str, levels: u32) -> Option<BookDepth> {
    let d = ex.order_book()?.peek(Venue::Spot, symbol, levels)?;
    let enough = |held: u32| held >= levels;
    (enough(d.status.bid_levels) && enough(d.status.ask_levels)).then_some(d)
}

/// The newest trade of spot `symbol` from memory, when its book is live
/// and a trade has arrived on the live connection: for `get_ticker_price`.
pub fn last_trade(ex: &dyn Exchange, symbol: &str) -> Option<LastTrade> {
    ex.order_book()?
        .peek(Venue::Spot, symbol, 1)?
        .status
        .last_trade
}
