//! Order book depth and best bid/ask.

use crate::tickers::{as_list, selection_input, symbol_selection};
use binance_mcp_plugin::args::Args;
use binance_mcp_plugin::book::{BookDepth, BookStatus};
use binance_mcp_plugin::capability::MARKET_DATA;
use binance_mcp_plugin::exchange::fetch;
use binance_mcp_plugin::output::{self, cap, Keep};
use binance_mcp_plugin::rows::Rows;
use binance_mcp_plugin::{
    json, schema, Annotations, Answer, Decimal, Exchange, Request, Run, Tool, ToolError, Value,
};
use serde::Deserialize;

/// Most levels per side `get_order_book` returns; totals still cover every
/// level fetched.
pub const LEVELS_CAP: usize = 500;
/// The depth `limit` Binance accepts: 1-5000.
const MIN_LIMIT: i64 = 1;
const MAX_LIMIT: i64 = 5000;
/// Most book tickers returned when asked for every symbol.
pub const BOOK_TICKER_ALL_CAP: usize = 200;

/// The columns of `get_book_ticker`'s rows.
const BOOK_TICKER_COLUMNS: &[&str] = &["symbol", "bidPrice", "bidQty", "askPrice", "askQty"];

pub const BOOK_TICKER: Tool = Tool {
    name: "get_book_ticker",
    title: "Best bid and ask",
    description: "Best bid and ask price and quantity per symbol, as rows. No arguments: all symbols (cut to 200).",
    input_schema: selection_input,
    output_schema: || {
        schema::output(
            json!({
                "columns": schema::columns(BOOK_TICKER_COLUMNS),
                "rows": schema::rows(),
                "truncated": schema::truncated()
            }),
            &["columns", "rows"],
        )
    },
    annotations: Annotations::READ_ONLY_EXCHANGE,
    capabilities: &[MARKET_DATA],
    run: Run::Value(book_ticker),
};

fn book_ticker(ex: &dyn Exchange, args: &str) -> Result<Value, ToolError> {
    let a = Args::parse(args, &["symbol", "symbols"])?;
    // One symbol with a live book: from memory, zero REST weight.
    if let (Some(symbol), None) = (a.symbol("symbol")?, a.symbols("symbols", 100)?) {
        if let Some(d) = crate::live::from_memory(ex, &symbol, 1) {
            let dec = |v: u64, s: u32| -> Result<String, ToolError> {
                Ok(output::decimal_text(&BookDepth::decimal(v, s))?
                    .normalize()
                    .to_string())
            };
            let (b, k) = (d.bids[0], d.asks[0]);
            let row = json!([
                symbol,
                dec(b.0, d.price_scale)?,
                dec(b.1, d.qty_scale)?,
                dec(k.0, d.price_scale)?,
                dec(k.1, d.qty_scale)?
            ]);
            let mut out = json!({ "columns": BOOK_TICKER_COLUMNS, "rows": [row] });
            crate::live::status_fields(&mut out, &d.status);
            return Ok(out);
        }
    }
    let body: Value = fetch(ex, &symbol_selection("/api/v3/ticker/bookTicker", &a)?)?;
    let (list, truncated) = cap(
        as_list(body),
        BOOK_TICKER_ALL_CAP,
        Keep::First,
        "pass symbol or symbols",
    );
    let mut rows = Vec::with_capacity(list.len());
    for t in &list {
        rows.push(json!([
            output::text(&t["symbol"])?,
            output::dec(&t["bidPrice"])?,
            output::dec(&t["bidQty"])?,
            output::dec(&t["askPrice"])?,
            output::dec(&t["askQty"])?,
        ]));
    }
    let mut out = json!({ "columns": BOOK_TICKER_COLUMNS, "rows": rows });
    if let Some(t) = truncated {
        out["truncated"] = t;
    }
    Ok(out)
}

pub const ORDER_BOOK: Tool = Tool {
    name: "get_order_book",
    title: "Order book depth",
    description: "Bids and asks, best first, as [price, qty], with spread, mid and each side's total. limit 1-5000 (weight 5 to 100, 25 to 500, 50 to 1000, else 250); at most 500 levels per side listed.",
    input_schema: || {
        schema::object(
            json!({
                "symbol": schema::symbol(""),
                "limit": schema::integer(MIN_LIMIT, MAX_LIMIT, 100, "")
            }),
            &["symbol"],
        )
    },
    output_schema: || {
        let levels = schema::array(json!({
            "type": "array", "minItems": 2, "maxItems": 2, "items": schema::dec()
        }));
        schema::output(
            json!({
                "symbol": schema::string(),
                "lastUpdateId": schema::int(),
                "bids": levels, "asks": { "$ref": "#/properties/bids" },
                "bestBid": schema::dec(), "bestAsk": schema::dec(),
                "spread": schema::dec(), "midPrice": schema::dec(),
                "bidTotalQty": schema::dec(), "askTotalQty": schema::dec(),
                "levelsFetched": { "type": "object" },
                "truncated": schema::truncated()
            }),
            &["symbol", "bids", "asks"],
        )
    },
    annotations: Annotations::READ_ONLY_EXCHANGE,
    capabilities: &[MARKET_DATA],
    run: Run::Text(order_book),
};

/// `/api/v3/depth`, borrowed from the body.
#[derive(Deserialize)]
struct Depth<'a> {
    #[serde(rename = "lastUpdateId")]
    last_update_id: i64,
    #[serde(borrow)]
    bids: Vec<[&'a str; 2]>,
    #[serde(borrow)]
    asks: Vec<[&'a str; 2]>,
}

/// One side's total quantity over every fetched level (exact).
fn side_total(levels: &[[&str; 2]]) -> Result<Decimal, ToolError> {
    levels.iter().try_fold(Decimal::ZERO, |acc, [_, q]| {
        acc.checked_add(output::decimal_text(q)?)
            .ok_or_else(|| ToolError::bad_exchange_data("depth figures overflow a decimal"))
    })
}

/// The first `cap` levels as `[price, qty]` rows, normalised.
fn render(levels: &[[&str; 2]], cap: usize) -> Result<String, ToolError> {
    let mut rows = Rows::new(2, levels.len().min(cap));
    for [p, q] in levels.iter().take(cap) {
        rows.dec(p)?.dec(q)?;
        rows.end_row()?;
    }
    Ok(rows.finish())
}

/// `get_order_book` from the live book, when it is live and deep enough:
/// the same answer as from REST plus `source` and the book's age.
fn from_memory(ex: &dyn Exchange, symbol: &str, limit: usize) -> Result<Option<Answer>, ToolError> {
    let Some(d) = crate::live::from_memory(ex, symbol, limit as u32) else {
        return Ok(None);
    };
    let text = |v: &[(u64, u64)]| {
        v.iter()
            .map(|&(p, q)| {
                [
                    BookDepth::decimal(p, d.price_scale),
                    BookDepth::decimal(q, d.qty_scale),
                ]
            })
            .collect::<Vec<_>>()
    };
    fn as_str(v: &[[String; 2]]) -> Vec<[&str; 2]> {
        v.iter().map(|[p, q]| [p.as_str(), q.as_str()]).collect()
    }
    let (bids, asks) = (text(&d.bids), text(&d.asks));
    let update_id = i64::try_from(d.status.update_id).unwrap_or(i64::MAX);
    answer(
        symbol,
        update_id,
        &as_str(&bids),
        &as_str(&asks),
        Some(&d.status),
    )
    .map(Some)
}

/// The answer for a book, from REST or (with its `live` status) from memory.
fn answer(
    symbol: &str,
    last_update_id: i64,
    bids: &[[&str; 2]],
    asks: &[[&str; 2]],
    live: Option<&BookStatus>,
) -> Result<Answer, ToolError> {
    let mut out = json!({
        "symbol": symbol,
        "lastUpdateId": last_update_id,
        "bidTotalQty": side_total(bids)?.normalize().to_string(),
        "askTotalQty": side_total(asks)?.normalize().to_string(),
        "levelsFetched": { "bids": bids.len(), "asks": asks.len() },
    });
    if let Some(status) = live {
        crate::live::status_fields(&mut out, status);
    }
    if let (Some([bid, _]), Some([ask, _])) = (bids.first(), asks.first()) {
        let (bid, ask) = (output::decimal_text(bid)?, output::decimal_text(ask)?);
        let overflow = || ToolError::bad_exchange_data("depth figures overflow a decimal");
        let spread = ask.checked_sub(bid).ok_or_else(overflow)?;
        let mid = ask.checked_add(bid).ok_or_else(overflow)? / Decimal::TWO;
        out["bestBid"] = json!(bid.normalize().to_string());
        out["bestAsk"] = json!(ask.normalize().to_string());
        out["spread"] = json!(spread.normalize().to_string());
        out["midPrice"] = json!(mid.normalize().to_string());
    }
    let longest = bids.len().max(asks.len());
    if longest > LEVELS_CAP {
        out["truncated"] = output::marker(
            LEVELS_CAP,
            longest,
            Keep::First,
            "the totals cover every fetched level; lower limit to list fewer",
        );
    }
    let (bids, asks) = (render(bids, LEVELS_CAP)?, render(asks, LEVELS_CAP)?);
    Ok(Answer::with_raw(out, &[("bids", &bids), ("asks", &asks)]))
}

fn order_book(ex: &dyn Exchange, args: &str) -> Result<Answer, ToolError> {
    let a = Args::parse(args, &["symbol", "limit"])?;
    let symbol = a.required_symbol("symbol")?;
    let limit = a.integer("limit", MIN_LIMIT, MAX_LIMIT)?.unwrap_or(100);
    if let Some(answer) = from_memory(ex, &symbol, limit as usize)? {
        return Ok(answer);
    }
    let resp = ex.send(
        &Request::spot_get("/api/v3/depth")
            .param("symbol", &symbol)
            .param("limit", limit),
    )?;
    let depth: Depth = resp.parse()?;
    answer(
        &symbol,
        depth.last_update_id,
        &depth.bids,
        &depth.asks,
        None,
    )
}
