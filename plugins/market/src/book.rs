//! Order book depth and best bid/ask.

use crate::tickers::{as_list, selection_input, symbol_selection};
use binance_mcp_plugin::args::Args;
use binance_mcp_plugin::exchange::fetch;
use binance_mcp_plugin::output::{self, cap, decimal, Keep};
use binance_mcp_plugin::{
    json, schema, Annotations, Decimal, Exchange, Request, Tool, ToolError, Value,
};

/// Most levels per side `get_order_book` returns; totals still cover every
/// level fetched.
pub const LEVELS_CAP: usize = 500;
/// The depth `limit` Binance accepts: 1-5000.
const MIN_LIMIT: i64 = 1;
const MAX_LIMIT: i64 = 5000;
/// Most book tickers returned when asked for every symbol.
pub const BOOK_TICKER_ALL_CAP: usize = 200;

pub const BOOK_TICKER: Tool = Tool {
    name: "get_book_ticker",
    title: "Best bid and ask",
    description: "The best bid and ask price and quantity per symbol. Without symbol or symbols: every symbol (cut to 200).",
    input_schema: selection_input,
    output_schema: || {
        let d = schema::decimal;
        schema::object(
            json!({
                "tickers": { "type": "array", "items": {
                    "type": "object",
                    "properties": {
                        "symbol": { "type": "string" },
                        "bidPrice": d("Best bid price"), "bidQty": d("Quantity at the best bid"),
                        "askPrice": d("Best ask price"), "askQty": d("Quantity at the best ask")
                    },
                    "required": ["symbol", "bidPrice", "bidQty", "askPrice", "askQty"]
                }},
                "truncated": schema::truncation()
            }),
            &["tickers"],
        )
    },
    annotations: Annotations::READ_ONLY_EXCHANGE,
    run: book_ticker,
};

fn book_ticker(ex: &dyn Exchange, args: &str) -> Result<Value, ToolError> {
    let a = Args::parse(args, &["symbol", "symbols"])?;
    let body: Value = fetch(ex, &symbol_selection("/api/v3/ticker/bookTicker", &a)?)?;
    let mut tickers = Vec::new();
    for t in as_list(body) {
        tickers.push(json!({
            "symbol": output::text(&t["symbol"])?,
            "bidPrice": output::dec(&t["bidPrice"])?,
            "bidQty": output::dec(&t["bidQty"])?,
            "askPrice": output::dec(&t["askPrice"])?,
            "askQty": output::dec(&t["askQty"])?,
        }));
    }
    let (tickers, truncated) = cap(
        tickers,
        BOOK_TICKER_ALL_CAP,
        Keep::First,
        "pass symbol or symbols",
    );
    let mut out = json!({ "tickers": tickers });
    if let Some(t) = truncated {
        out["truncated"] = t;
    }
    Ok(out)
}

pub const ORDER_BOOK: Tool = Tool {
    name: "get_order_book",
    title: "Order book depth",
    description: "Bids (best first) and asks (best first) as [price, quantity] pairs, with best bid/ask, spread, mid price and the total quantity on each side. limit is the depth fetched (1-5000, default 100); at most 500 levels per side are listed, the totals cover all fetched levels.",
    input_schema: || {
        schema::object(
            json!({
                "symbol": schema::symbol("The symbol."),
                "limit": schema::integer(MIN_LIMIT, MAX_LIMIT, 100, "Levels per side to fetch, 1-5000 (request weight grows with it: 5 up to 100, 25 up to 500, 50 up to 1000, 250 above).")
            }),
            &["symbol"],
        )
    },
    output_schema: || {
        let levels = json!({ "type": "array", "items": {
            "type": "array", "prefixItems": [schema::decimal("price"), schema::decimal("quantity")], "minItems": 2, "maxItems": 2
        }});
        schema::object(
            json!({
                "symbol": { "type": "string" },
                "lastUpdateId": { "type": "integer" },
                "bids": levels, "asks": levels,
                "bestBid": schema::decimal("Highest bid"), "bestAsk": schema::decimal("Lowest ask"),
                "spread": schema::decimal("bestAsk - bestBid"), "midPrice": schema::decimal("(bestBid + bestAsk) / 2"),
                "bidTotalQty": schema::decimal("Sum of bid quantities over all fetched levels"),
                "askTotalQty": schema::decimal("Sum of ask quantities over all fetched levels"),
                "levelsFetched": { "type": "object", "properties": { "bids": { "type": "integer" }, "asks": { "type": "integer" } } },
                "truncated": schema::truncation()
            }),
            &["symbol", "lastUpdateId", "bids", "asks", "bidTotalQty", "askTotalQty", "levelsFetched"],
        )
    },
    annotations: Annotations::READ_ONLY_EXCHANGE,
    run: order_book,
};

fn parse_levels(side: &Value) -> Result<Vec<(Decimal, Decimal)>, ToolError> {
    side.as_array()
        .ok_or_else(|| ToolError::bad_exchange_data("depth without bids/asks"))?
        .iter()
        .map(|l| Ok((decimal(&l[0])?, decimal(&l[1])?)))
        .collect()
}

fn order_book(ex: &dyn Exchange, args: &str) -> Result<Value, ToolError> {
    let a = Args::parse(args, &["symbol", "limit"])?;
    let symbol = a.required_symbol("symbol")?;
    let limit = a.integer("limit", MIN_LIMIT, MAX_LIMIT)?.unwrap_or(100);
    let body: Value = fetch(
        ex,
        &Request::spot_get("/api/v3/depth")
            .param("symbol", &symbol)
            .param("limit", limit),
    )?;
    let bids = parse_levels(&body["bids"])?;
    let asks = parse_levels(&body["asks"])?;
    let overflow = || ToolError::bad_exchange_data("depth figures overflow a decimal");
    let total = |l: &[(Decimal, Decimal)]| {
        l.iter()
            .try_fold(Decimal::ZERO, |acc, (_, q)| acc.checked_add(*q))
            .map(|t| t.normalize().to_string())
            .ok_or_else(overflow)
    };
    let mut out = json!({
        "symbol": symbol,
        "lastUpdateId": output::int(&body["lastUpdateId"])?,
        "bidTotalQty": total(&bids)?,
        "askTotalQty": total(&asks)?,
        "levelsFetched": { "bids": bids.len(), "asks": asks.len() },
    });
    if let (Some((bid, _)), Some((ask, _))) = (bids.first(), asks.first()) {
        let spread = ask.checked_sub(*bid).ok_or_else(overflow)?;
        let mid = ask.checked_add(*bid).ok_or_else(overflow)? / Decimal::TWO;
        out["bestBid"] = json!(bid.normalize().to_string());
        out["bestAsk"] = json!(ask.normalize().to_string());
        out["spread"] = json!(spread.normalize().to_string());
        out["midPrice"] = json!(mid.normalize().to_string());
    }
    let render = |l: Vec<(Decimal, Decimal)>| -> Vec<Value> {
        l.into_iter()
            .map(|(p, q)| json!([p.normalize().to_string(), q.normalize().to_string()]))
            .collect()
    };
    let hint = "the totals cover every fetched level; lower limit to list fewer";
    let (bids, cut_bids) = cap(render(bids), LEVELS_CAP, Keep::First, hint);
    let (asks, cut_asks) = cap(render(asks), LEVELS_CAP, Keep::First, hint);
    out["bids"] = json!(bids);
    out["asks"] = json!(asks);
    if let Some(t) = cut_bids.or(cut_asks) {
        out["truncated"] = t;
    }
    Ok(out)
}
