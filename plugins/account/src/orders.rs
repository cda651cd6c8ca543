//! The account's trades and orders.

use crate::{boolean, id_arg, id_schema, opt_dec, opt_text, with_marker, Raw, DAY_MS};
use binance_mcp_plugin::args::Args;
use binance_mcp_plugin::exchange::fetch;
use binance_mcp_plugin::output::{self, cap, Keep};
use binance_mcp_plugin::{
    json, schema, Annotations, Decimal, ErrorKind, Exchange, Request, Tool, ToolError, Value,
};

/// Most trades one `get_account_trades` answer lists.
pub const TRADES_CAP: usize = 500;
/// Most orders one `get_all_orders` / `get_open_orders` answer lists.
pub const ORDERS_CAP: usize = 500;

/// Binance's pattern for client order ids.
const CLIENT_ID_MAX: usize = 36;

// ---------------------------------------------------------------- trades

pub const ACCOUNT_TRADES: Tool = Tool {
    name: "get_account_trades",
    title: "Account trade history",
    description: "The account's own fills for one symbol, oldest first: id, orderId, side (BUY/SELL, the account's side), price, qty, quoteQty, commission and its asset, time, maker or taker. Without fromId/startTime/endTime: the most recent trades. fromId lists trades with id >= fromId (page forward with nextFromId); orderId lists one order's fills (combinable with fromId only). startTime/endTime may not be combined with orderId or fromId and may be at most 24 hours apart. limit 1-1000 (default 100); at most 500 are listed (the newest, or the first when paging forward).",
    input_schema: || {
        schema::object(
            json!({
                "symbol": schema::symbol("The symbol."),
                "orderId": id_schema("Only the fills of this order."),
                "startTime": schema::timestamp("Trades at or after this."),
                "endTime": schema::timestamp("Trades at or before this (at most 24 h after startTime)."),
                "fromId": id_schema("Trades with id >= fromId, oldest first."),
                "limit": schema::integer(1, 1000, 100, "How many trades to fetch.")
            }),
            &["symbol"],
        )
    },
    output_schema: || {
        let d = schema::decimal;
        schema::object(
            json!({
                "symbol": { "type": "string" },
                "trades": { "type": "array", "items": {
                    "type": "object",
                    "properties": {
                        "id": { "type": "integer" }, "orderId": { "type": "integer" },
                        "side": { "type": "string", "enum": ["BUY", "SELL"] },
                        "price": d("Price"), "qty": d("Base quantity"), "quoteQty": d("Quote quantity"),
                        "commission": d("Commission paid"), "commissionAsset": { "type": "string" },
                        "time": { "type": "integer" }, "isMaker": { "type": "boolean" }
                    },
                    "required": ["id", "orderId", "side", "price", "qty", "quoteQty", "commission", "commissionAsset", "time", "isMaker"],
                    "additionalProperties": false
                }},
                "nextFromId": { "type": "integer", "description": "Present when paging forward (fromId or startTime) and more trades may follow: pass it as fromId." },
                "truncated": schema::truncation()
            }),
            &["symbol", "trades"],
        )
    },
    annotations: Annotations::READ_ONLY_EXCHANGE,
    run: account_trades,
};

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
        for other in ["orderId", "fromId"] {
            a.exclusive(
                if start.is_some() {
                    "startTime"
                } else {
                    "endTime"
                },
                other,
            )?;
        }
    }
    let req = Request::spot_get("/api/v3/myTrades")
        .param("symbol", &symbol)
        .opt_param("orderId", order_id)
        .opt_param("startTime", start)
        .opt_param("endTime", end)
        .opt_param("fromId", from_id)
        .param("limit", limit);
    let body: Vec<Value> = fetch(ex, &req)?;
    let mut trades = Vec::with_capacity(body.len());
    for t in &body {
        trades.push(trade(t)?);
    }
    trades.sort_by_key(|t| t["id"].as_i64().unwrap_or(0));
    let fetched = trades.len();
    let forward = from_id.is_some() || start.is_some();
    let keep = if forward { Keep::First } else { Keep::Last };
    let hint = if forward {
        "lower limit, or continue from nextFromId"
    } else {
        "lower limit; the newest trades are kept (page with fromId or startTime)"
    };
    let (trades, truncated) = cap(trades, TRADES_CAP, keep, hint);
    let mut out = json!({ "symbol": symbol });
    // More may follow when the cut or the exchange's limit stopped the list.
    if forward && (truncated.is_some() || fetched as i64 >= limit) {
        if let Some(last) = trades.last().and_then(|t| t["id"].as_i64()) {
            out["nextFromId"] = json!(last.saturating_add(1));
        }
    }
    out["trades"] = json!(trades);
    Ok(with_marker(out, truncated))
}

fn trade(t: &Value) -> Result<Value, ToolError> {
    Ok(json!({
        "id": output::int(&t["id"])?,
        "orderId": output::int(&t["orderId"])?,
        "side": if boolean(&t["isBuyer"])? { "BUY" } else { "SELL" },
        "price": output::dec(&t["price"])?,
        "qty": output::dec(&t["qty"])?,
        "quoteQty": output::dec(&t["quoteQty"])?,
        "commission": output::dec(&t["commission"])?,
        "commissionAsset": output::text(&t["commissionAsset"])?,
        "time": output::int(&t["time"])?,
        "isMaker": boolean(&t["isMaker"])?,
    }))
}

// ---------------------------------------------------------------- orders

/// JSON Schema of one order as the order tools return it.
fn order_schema() -> Value {
    let d = schema::decimal;
    json!({
        "type": "object",
        "properties": {
            "symbol": { "type": "string" }, "orderId": { "type": "integer" },
            "orderListId": { "type": "integer", "description": "Present when the order belongs to an order list (OCO/OTO)" },
            "clientOrderId": { "type": "string" },
            "side": { "type": "string" }, "type": { "type": "string" }, "status": { "type": "string" },
            "timeInForce": { "type": "string" },
            "price": d("Limit price (0 for market orders)"), "origQty": d("Ordered base quantity"),
            "executedQty": d("Filled base quantity"),
            "cummulativeQuoteQty": d("Filled quote quantity (negative when Binance has no data for an old order)"),
            "avgPrice": d("Average fill price = cummulativeQuoteQty / executedQty, 8 decimals; present when something filled"),
            "stopPrice": d("Trigger price; present when set"),
            "icebergQty": d("Visible iceberg quantity; present when set"),
            "origQuoteOrderQty": d("Quote quantity of a quote-sized market order; present when set"),
            "time": { "type": "integer" }, "updateTime": { "type": "integer" },
            "workingTime": { "type": "integer", "description": "When the order started working on the book" },
            "isWorking": { "type": "boolean" },
            "selfTradePreventionMode": { "type": "string" }
        },
        "required": ["symbol", "orderId", "clientOrderId", "side", "type", "status", "price", "origQty", "executedQty", "cummulativeQuoteQty", "time", "updateTime"],
        "additionalProperties": false
    })
}

/// One order, compacted: zero optional amounts are left out, and the average
/// fill price is computed exactly (checked division, rounded to 8 places).
fn order(o: &Value) -> Result<Value, ToolError> {
    let executed = output::decimal(&o["executedQty"])?;
    let quote = output::decimal(&o["cummulativeQuoteQty"])?;
    let mut out = json!({
        "symbol": output::text(&o["symbol"])?,
        "orderId": output::int(&o["orderId"])?,
        "clientOrderId": output::text(&o["clientOrderId"])?,
        "side": output::text(&o["side"])?,
        "type": output::text(&o["type"])?,
        "status": output::text(&o["status"])?,
        "price": output::dec(&o["price"])?,
        "origQty": output::dec(&o["origQty"])?,
        "executedQty": crate::dec_text(executed),
        "cummulativeQuoteQty": crate::dec_text(quote),
        "time": output::int(&o["time"])?,
        "updateTime": output::int(&o["updateTime"])?,
    });
    if let Some(id) = o["orderListId"].as_i64().filter(|id| *id >= 0) {
        out["orderListId"] = json!(id);
    }
    if let Some(tif) = opt_text(&o["timeInForce"]) {
        out["timeInForce"] = json!(tif);
    }
    if executed > Decimal::ZERO && quote >= Decimal::ZERO {
        let avg = quote
            .checked_div(executed)
            .ok_or_else(|| ToolError::bad_exchange_data("an order's average price overflows"))?;
        out["avgPrice"] = json!(crate::dec_text(avg.round_dp(8)));
    }
    for f in ["stopPrice", "icebergQty", "origQuoteOrderQty"] {
        if let Some(v) = opt_dec(&o[f])?.filter(|v| v != "0") {
            out[f] = json!(v);
        }
    }
    if let Some(t) = o["workingTime"].as_i64().filter(|t| *t >= 0) {
        out["workingTime"] = json!(t);
    }
    if let Some(w) = o["isWorking"].as_bool() {
        out["isWorking"] = json!(w);
    }
    if let Some(m) = opt_text(&o["selfTradePreventionMode"]) {
        out["selfTradePreventionMode"] = json!(m);
    }
    Ok(out)
}

fn orders_output_schema() -> Value {
    schema::object(
        json!({
            "orders": { "type": "array", "items": order_schema() },
            "count": { "type": "integer", "description": "Orders Binance returned (before any cut)" },
            "nextOrderId": { "type": "integer", "description": "Present when paging forward (orderId or startTime) and more orders may follow: pass it as orderId." },
            "truncated": schema::truncation()
        }),
        &["orders", "count"],
    )
}

pub const OPEN_ORDERS: Tool = Tool {
    name: "get_open_orders",
    title: "Open orders",
    description: "The account's open orders, oldest first: id, client id, side, type, status, price, ordered and filled quantity, average fill price, times. Pass symbol whenever you can: without it Binance returns every symbol's open orders and charges request weight 80 (6 with a symbol). At most 500 are listed.",
    input_schema: || {
        schema::object(
            json!({ "symbol": schema::symbol("Only this symbol (recommended: weight 6 instead of 80).") }),
            &[],
        )
    },
    output_schema: orders_output_schema,
    annotations: Annotations::READ_ONLY_EXCHANGE,
    run: open_orders,
};

fn open_orders(ex: &dyn Exchange, args: &str) -> Result<Value, ToolError> {
    let a = Args::parse(args, &["symbol"])?;
    let symbol = a.symbol("symbol")?;
    let body: Vec<Value> = fetch(
        ex,
        &Request::spot_get("/api/v3/openOrders").opt_param("symbol", symbol),
    )?;
    let mut orders = body.iter().map(order).collect::<Result<Vec<_>, _>>()?;
    orders.sort_by_key(|o| o["time"].as_i64().unwrap_or(0));
    let count = orders.len();
    let (orders, truncated) = cap(
        orders,
        ORDERS_CAP,
        Keep::First,
        "pass symbol to list one symbol's open orders",
    );
    Ok(with_marker(
        json!({ "orders": orders, "count": count }),
        truncated,
    ))
}

pub const ALL_ORDERS: Tool = Tool {
    name: "get_all_orders",
    title: "Order history",
    description: "The account's orders for one symbol (open, filled, canceled, expired), oldest first. Without orderId/startTime/endTime: the most recent orders. orderId lists orders with id >= orderId (page forward with nextOrderId). startTime/endTime may be at most 24 hours apart. limit 1-1000 (default 100); at most 500 are listed (the newest, or the first when paging forward). Some old orders report a negative cummulativeQuoteQty: Binance has no data for them.",
    input_schema: || {
        schema::object(
            json!({
                "symbol": schema::symbol("The symbol."),
                "orderId": id_schema("Orders with id >= orderId, oldest first."),
                "startTime": schema::timestamp("Orders created at or after this."),
                "endTime": schema::timestamp("Orders created at or before this (at most 24 h after startTime)."),
                "limit": schema::integer(1, 1000, 100, "How many orders to fetch.")
            }),
            &["symbol"],
        )
    },
    output_schema: orders_output_schema,
    annotations: Annotations::READ_ONLY_EXCHANGE,
    run: all_orders,
};

fn all_orders(ex: &dyn Exchange, args: &str) -> Result<Value, ToolError> {
    let a = Args::parse(
        args,
        &["symbol", "orderId", "startTime", "endTime", "limit"],
    )?;
    let symbol = a.required_symbol("symbol")?;
    let order_id = id_arg(&a, "orderId")?;
    let (start, end) = a.time_window(Some((DAY_MS, "24 hours")))?;
    let limit = a.integer("limit", 1, 1000)?.unwrap_or(100);
    let req = Request::spot_get("/api/v3/allOrders")
        .param("symbol", &symbol)
        .opt_param("orderId", order_id)
        .opt_param("startTime", start)
        .opt_param("endTime", end)
        .param("limit", limit);
    let body: Vec<Value> = fetch(ex, &req)?;
    let mut orders = body.iter().map(order).collect::<Result<Vec<_>, _>>()?;
    orders.sort_by_key(|o| o["orderId"].as_i64().unwrap_or(0));
    let count = orders.len();
    let forward = order_id.is_some() || start.is_some();
    let (keep, hint) = if forward {
        (Keep::First, "lower limit, or continue from nextOrderId")
    } else {
        (
            Keep::Last,
            "lower limit; the newest orders are kept (page with orderId or startTime)",
        )
    };
    let (orders, truncated) = cap(orders, ORDERS_CAP, keep, hint);
    let mut out = json!({ "count": count });
    if forward && (truncated.is_some() || count as i64 >= limit) {
        if let Some(last) = orders.last().and_then(|o| o["orderId"].as_i64()) {
            out["nextOrderId"] = json!(last.saturating_add(1));
        }
    }
    out["orders"] = json!(orders);
    Ok(with_marker(out, truncated))
}

pub const ORDER: Tool = Tool {
    name: "get_order",
    title: "One order",
    description: "One order's current state: status, price, ordered and filled quantity, average fill price, times. Identify it with symbol and exactly one of orderId (Binance's id) or origClientOrderId (the client order id).",
    input_schema: || {
        schema::object(
            json!({
                "symbol": schema::symbol("The order's symbol."),
                "orderId": id_schema("Binance's order id."),
                "origClientOrderId": {
                    "type": "string",
                    "pattern": "^[.A-Z:/a-z0-9_-]{1,36}$",
                    "description": "The client order id given when the order was placed."
                }
            }),
            &["symbol"],
        )
    },
    output_schema: || {
        schema::object(
            json!({ "order": order_schema() }),
            &["order"],
        )
    },
    annotations: Annotations::READ_ONLY_EXCHANGE,
    run: get_order,
};

fn get_order(ex: &dyn Exchange, args: &str) -> Result<Value, ToolError> {
    let a = Args::parse(args, &["symbol", "orderId", "origClientOrderId"])?;
    let raw = Raw::parse(args);
    let symbol = a.required_symbol("symbol")?;
    let order_id = id_arg(&a, "orderId")?;
    let client_id = raw.string("origClientOrderId", "\"myOrder1\"")?;
    if let Some(c) = &client_id {
        let ok = !c.is_empty()
            && c.len() <= CLIENT_ID_MAX
            && c.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b".:/_-".contains(&b));
        if !ok {
            return Err(ToolError::invalid(
                "origClientOrderId",
                format!("'{c}' is not a client order id (1-36 of A-Z a-z 0-9 . : / _ -)"),
                "\"myOrder1\"",
            ));
        }
    }
    let example = r#"{"symbol":"BTCUSDT","orderId":12345} or {"symbol":"BTCUSDT","origClientOrderId":"myOrder1"}"#;
    if order_id.is_some() == client_id.is_some() {
        let problem = if order_id.is_some() {
            "orderId and origClientOrderId were both given"
        } else {
            "neither orderId nor origClientOrderId was given"
        };
        return Err(ToolError {
            data: Some(Box::new(
                json!({ "argument": "orderId", "example": example }),
            )),
            ..ToolError::new(
                ErrorKind::InvalidArgument,
                format!("{problem}: pass exactly one of them"),
                format!("identify the order by one id, for example {example}"),
            )
        });
    }
    let req = Request::spot_get("/api/v3/order")
        .param("symbol", &symbol)
        .opt_param("orderId", order_id)
        .opt_param("origClientOrderId", client_id);
    let body: Value = fetch(ex, &req)?;
    Ok(json!({ "order": order(&body)? }))
}
