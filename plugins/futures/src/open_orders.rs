//! Open futures orders: the regular ones (`GET /fapi/v1/openOrders`) and
//! the conditional ones Binance's algo service holds (`GET
//! /fapi/v1/openAlgoOrders`), merged into one table with a `kind` column.

use crate::{fapi_get, table, table_output, with_marker};
use binance_mcp_plugin::args::Args;
use binance_mcp_plugin::capability::FUTURES_READ;
use binance_mcp_plugin::output::{self, Keep};
use binance_mcp_plugin::{json, schema, time, Annotations, Exchange, Run, Tool, ToolError, Value};
use serde::Deserialize;
use std::borrow::Cow;

/// Most orders one answer lists, oldest first (a row is about 250 bytes).
pub const OPEN_ORDERS_CAP: usize = 100;

pub(crate) const OPEN_ORDER_COLUMNS: &[&str] = &[
    "kind",
    "id",
    "clientId",
    "symbol",
    "side",
    "type",
    "status",
    "price",
    "triggerPrice",
    "quantity",
    "executedQty",
    "reduceOnly",
    "closePosition",
    "workingType",
    "time",
    "timeIso",
];

/// `get_futures_open_orders`: regular and conditional open orders as rows.
pub const FUTURES_OPEN_ORDERS: Tool = Tool {
    name: "get_futures_open_orders",
    title: "Futures open orders",
    description: "Open USD-M orders as rows, oldest first (100 listed): kind regular (id = orderId) or conditional (id = algoId). Weight 2 a symbol, 80 for all.",
    input_schema: || schema::object(json!({ "symbol": schema::string() }), &[]),
    output_schema: || table_output(OPEN_ORDER_COLUMNS, true, json!({}), &[]),
    annotations: Annotations::READ_ONLY_EXCHANGE,
    capabilities: &[FUTURES_READ],
    run: Run::Value(open_orders),
};

/// A regular open order, borrowed from the body.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Regular<'a> {
    order_id: i64,
    #[serde(borrow)]
    client_order_id: Cow<'a, str>,
    symbol: &'a str,
    side: &'a str,
    #[serde(rename = "type")]
    kind: &'a str,
    status: &'a str,
    price: &'a str,
    #[serde(default, borrow)]
    stop_price: Option<&'a str>,
    orig_qty: &'a str,
    executed_qty: &'a str,
    #[serde(default)]
    reduce_only: bool,
    #[serde(default)]
    close_position: bool,
    #[serde(default, borrow)]
    working_type: Option<&'a str>,
    time: i64,
}

/// A conditional (algo) open order, borrowed from the body.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Conditional<'a> {
    algo_id: i64,
    #[serde(borrow)]
    client_algo_id: Cow<'a, str>,
    symbol: &'a str,
    side: &'a str,
    order_type: &'a str,
    algo_status: &'a str,
    #[serde(default, borrow)]
    price: Option<&'a str>,
    #[serde(default, borrow)]
    trigger_price: Option<&'a str>,
    #[serde(default, borrow)]
    quantity: Option<&'a str>,
    #[serde(default)]
    reduce_only: bool,
    #[serde(default)]
    close_position: bool,
    #[serde(default, borrow)]
    working_type: Option<&'a str>,
    create_time: i64,
}

/// An optional decimal cell: normalised, or `null` when absent or empty.
fn opt_dec(text: Option<&str>) -> Result<Value, ToolError> {
    match text.filter(|t| !t.is_empty()) {
        Some(t) => Ok(json!(output::dec_text(t)?)),
        None => Ok(Value::Null),
    }
}

fn regular_row(o: &Regular) -> Result<Value, ToolError> {
    Ok(json!([
        "regular",
        o.order_id,
        o.client_order_id,
        o.symbol,
        o.side,
        o.kind,
        o.status,
        output::dec_text(o.price)?,
        opt_dec(o.stop_price)?,
        output::dec_text(o.orig_qty)?,
        output::dec_text(o.executed_qty)?,
        o.reduce_only,
        o.close_position,
        o.working_type,
        o.time,
        time::iso8601_ms(o.time),
    ]))
}

/// A conditional order has executed nothing while it waits for its
/// trigger, so its `executedQty` is `null` (Binance sends none).
fn conditional_row(o: &Conditional) -> Result<Value, ToolError> {
    Ok(json!([
        "conditional",
        o.algo_id,
        o.client_algo_id,
        o.symbol,
        o.side,
        o.order_type,
        o.algo_status,
        opt_dec(o.price)?,
        opt_dec(o.trigger_price)?,
        opt_dec(o.quantity)?,
        Value::Null,
        o.reduce_only,
        o.close_position,
        o.working_type,
        o.create_time,
        time::iso8601_ms(o.create_time),
    ]))
}

fn open_orders(ex: &dyn Exchange, args: &str) -> Result<Value, ToolError> {
    let a = Args::parse(args, &["symbol"])?;
    let symbol = a.symbol("symbol")?;
    let regular_resp =
        ex.send(&fapi_get("/fapi/v1/openOrders").opt_param("symbol", symbol.as_ref()))?;
    let regular: Vec<Regular> = regular_resp.parse()?;
    let algo_resp =
        ex.send(&fapi_get("/fapi/v1/openAlgoOrders").opt_param("symbol", symbol.as_ref()))?;
    let conditional: Vec<Conditional> = algo_resp.parse()?;
    // (time, kind, id) orders the merged list: oldest first, regular
    // before conditional at the same millisecond.
    let mut keys: Vec<(i64, u8, i64, usize)> = regular
        .iter()
        .enumerate()
        .map(|(i, o)| (o.time, 0, o.order_id, i))
        .chain(
            conditional
                .iter()
                .enumerate()
                .map(|(i, o)| (o.create_time, 1, o.algo_id, i)),
        )
        .collect();
    keys.sort_unstable();
    let available = keys.len();
    let rows = output::kept(&keys, OPEN_ORDERS_CAP, Keep::First)
        .iter()
        .map(|(_, kind, _, i)| match kind {
            0 => regular_row(&regular[*i]),
            _ => conditional_row(&conditional[*i]),
        })
        .collect::<Result<Vec<_>, _>>()?;
    let marker = (available > OPEN_ORDERS_CAP).then(|| {
        output::marker(
            OPEN_ORDERS_CAP,
            available,
            Keep::First,
            "the oldest are listed; pass symbol for one symbol's",
        )
    });
    let out = json!({
        "regularCount": regular.len(),
        "conditionalCount": conditional.len(),
    });
    Ok(with_marker(table(out, OPEN_ORDER_COLUMNS, rows), marker))
}
