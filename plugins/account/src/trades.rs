//! The account's own fills of one symbol, as rows under one column header.

use crate::{id_arg, id_schema, with_marker, DAY_MS};
use binance_mcp_plugin::args::Args;
use binance_mcp_plugin::capability::ACCOUNT_READ;
use binance_mcp_plugin::output::{self, Keep};
use binance_mcp_plugin::{
    json, schema, time, Annotations, Exchange, Request, Run, Tool, ToolError, Value,
};
use serde::Deserialize;

/// Most trades one `get_account_trades` answer lists (a row is at most
/// about 130 bytes).
pub const TRADES_CAP: usize = 300;

/// The columns of the rows; `side` is the account's (BUY when it bought).
pub(crate) const TRADE_COLUMNS: &[&str] = &[
    "id",
    "orderId",
    "time",
    "side",
    "price",
    "qty",
    "quoteQty",
    "commission",
    "commissionAsset",
    "isMaker",
];

/// `get_account_trades`: the account's fills of one symbol as rows.
pub const ACCOUNT_TRADES: Tool = Tool {
    name: "get_account_trades",
    title: "My trades",
    description: "Your fills of a symbol as rows, oldest first: the latest, from fromId (then nextFromId), of an orderId, or in a 24 h window. 300 listed.",
    input_schema: || {
        schema::object(
            json!({
                "symbol": schema::string(),
                "orderId": id_schema(""),
                "startTime": schema::time(""),
                "endTime": schema::end_time(),
                "fromId": id_schema(""),
                "limit": schema::integer(1, 1000, 100, "")
            }),
            &["symbol"],
        )
    },
    output_schema: || {
        schema::output(
            json!({
                "columns": schema::columns(TRADE_COLUMNS),
                "rows": schema::rows(),
                "truncated": schema::truncated()
            }),
            &["columns", "rows"],
        )
    },
    annotations: Annotations::READ_ONLY_EXCHANGE,
    capabilities: &[ACCOUNT_READ],
    run: Run::Value(account_trades),
};

/// One fill of `/api/v3/myTrades`, borrowed from the body.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Trade<'a> {
    id: i64,
    order_id: i64,
    price: &'a str,
    qty: &'a str,
    quote_qty: &'a str,
    commission: &'a str,
    commission_asset: &'a str,
    time: i64,
    is_buyer: bool,
    is_maker: bool,
}

fn trade_row(t: &Trade) -> Result<Value, ToolError> {
    Ok(json!([
        t.id,
        t.order_id,
        time::iso8601_ms(t.time),
        if t.is_buyer { "BUY" } else { "SELL" },
        output::dec_text(t.price)?,
        output::dec_text(t.qty)?,
        output::dec_text(t.quote_qty)?,
        output::dec_text(t.commission)?,
        t.commission_asset,
        t.is_maker,
    ]))
}

fn account_trades(ex: &dyn Exchange, args: &str) -> Result<Value, ToolError> {
    let a = Args::parse(
        args,
        &[
            "symbol",
            "orderId",
            "startTime",
            "endTime",
            "fromId",
            "limit",
        ],
    )?;
    let symbol = a.required_symbol("symbol")?;
    let order_id = id_arg(&a, "orderId")?;
    let from_id = id_arg(&a, "fromId")?;
    let (start, end) = a.time_window(Some((DAY_MS, "24 hours")))?;
    let limit = a.integer("limit", 1, 1000)?.unwrap_or(100);
    if start.is_some() || end.is_some() {
        let time_arg = if start.is_some() {
            "startTime"
        } else {
            "endTime"
        };
        for other in ["orderId", "fromId"] {
            a.exclusive(time_arg, other)?;
        }
    }
    let req = Request::spot_get("/api/v3/myTrades")
        .param("symbol", &symbol)
        .opt_param("orderId", order_id)
        .opt_param("startTime", start)
        .opt_param("endTime", end)
        .opt_param("fromId", from_id)
        .param("limit", limit);
    let resp = ex.send(&req)?;
    let mut trades: Vec<Trade> = resp.parse()?;
    trades.sort_by_key(|t| t.id);
    let fetched = trades.len();
    // Paging forward keeps the first trades; otherwise the newest.
    let forward = from_id.is_some() || start.is_some();
    let keep = if forward { Keep::First } else { Keep::Last };
    let kept = output::kept(&trades, TRADES_CAP, keep);
    let rows = kept.iter().map(trade_row).collect::<Result<Vec<_>, _>>()?;
    let mut out = crate::table(json!({ "symbol": symbol }), TRADE_COLUMNS, rows);
    // More may follow when the cut or the exchange's limit stopped the list.
    if forward && (fetched > TRADES_CAP || fetched as i64 >= limit) {
        if let Some(last) = kept.last() {
            out["nextFromId"] = json!(last.id.saturating_add(1));
        }
    }
    let marker = (fetched > TRADES_CAP).then(|| match (forward, trades.first()) {
        (false, Some(first)) => output::marker(
            TRADES_CAP,
            fetched,
            Keep::Last,
            &format!(
                "the newest are listed; fromId {} lists the others, oldest first",
                first.id
            ),
        ),
        _ => output::marker(TRADES_CAP, fetched, Keep::First, "continue from nextFromId"),
    });
    Ok(with_marker(out, marker))
}
