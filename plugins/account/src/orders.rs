//! The account's orders: open ones, the history of a symbol, and one order.
//! Orders stay objects but carry no field at its default (see [`shape`]).

use crate::{id_arg, id_schema, with_marker, Raw, DAY_MS};
use binance_mcp_plugin::args::Args;
use binance_mcp_plugin::capability::ACCOUNT_READ;
use binance_mcp_plugin::output::{self, Keep};
use binance_mcp_plugin::{
    json, schema, time, Annotations, Decimal, ErrorKind, Exchange, Request, Run, Tool, ToolError,
    Value,
};
use serde::Deserialize;
use std::borrow::Cow;

/// Most orders one `get_open_orders` answer lists. A part-filled order with
/// 8-decimal figures and a 22-character client id is about 390 bytes, one
/// with every optional field set about 570: 25 keep a default answer under
/// 16 KB either way.
pub const OPEN_ORDERS_CAP: usize = 25;
/// Most orders one `get_all_orders` answer lists (under 50 KB even when
/// every one carries every optional field).
pub const ORDERS_CAP: usize = 80;
/// `get_all_orders`' default `limit`, sized like [`OPEN_ORDERS_CAP`].
pub const ORDERS_DEFAULT_LIMIT: i64 = 25;

/// Binance's bound on client order ids.
const CLIENT_ID_MAX: usize = 36;

/// One order as Binance sends it, borrowed from the body.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Order<'a> {
    symbol: &'a str,
    order_id: i64,
    #[serde(default)]
    order_list_id: Option<i64>,
    #[serde(borrow)]
    client_order_id: Cow<'a, str>,
    price: &'a str,
    orig_qty: &'a str,
    executed_qty: &'a str,
    cummulative_quote_qty: &'a str,
    status: &'a str,
    #[serde(default, borrow)]
    time_in_force: Option<&'a str>,
    #[serde(rename = "type")]
    kind: &'a str,
    side: &'a str,
    #[serde(default, borrow)]
    stop_price: Option<&'a str>,
    #[serde(default, borrow)]
    iceberg_qty: Option<&'a str>,
    time: i64,
    #[serde(default)]
    update_time: Option<i64>,
    #[serde(default)]
    is_working: Option<bool>,
    #[serde(default)]
    working_time: Option<i64>,
    #[serde(default, borrow)]
    orig_quote_order_qty: Option<&'a str>,
    #[serde(default, borrow)]
    self_trade_prevention_mode: Option<&'a str>,
}

/// Statuses of an order that may still trade.
const OPEN_STATUSES: [&str; 3] = ["NEW", "PARTIALLY_FILLED", "PENDING_NEW"];

/// One order without the fields at their default: zero stop, iceberg and
/// quote-order quantities, the price and time in force of a MARKET order,
/// the quote quantity when nothing executed, updateTime and workingTime
/// equal to time, isWorking when it says what the status says (working
/// while open), the default self-trade prevention modes and orderListId -1.
/// The average fill price is added (exact division, rounded to 8 places).
fn shape(o: &Order) -> Result<Value, ToolError> {
    let price = output::decimal_text(o.price)?;
    let executed = output::decimal_text(o.executed_qty)?;
    let market = o.kind == "MARKET";
    let mut out = json!({
        "symbol": o.symbol,
        "orderId": o.order_id,
        "clientOrderId": o.client_order_id,
        "side": o.side,
        "type": o.kind,
        "status": o.status,
        "origQty": output::dec_text(o.orig_qty)?,
        "executedQty": crate::dec_text(executed),
        "time": time::iso8601_ms(o.time),
    });
    if !(market && price.is_zero()) {
        out["price"] = json!(crate::dec_text(price));
    }
    if !executed.is_zero() {
        let quote = output::decimal_text(o.cummulative_quote_qty)?;
        // Negative for some old orders: Binance has no data for them.
        out["cummulativeQuoteQty"] = json!(crate::dec_text(quote));
        if executed > Decimal::ZERO && quote >= Decimal::ZERO {
            let avg = quote.checked_div(executed).ok_or_else(|| {
                ToolError::bad_exchange_data("an order's average price overflows")
            })?;
            out["avgPrice"] = json!(crate::dec_text(avg.round_dp(8)));
        }
    }
    if let Some(tif) = o.time_in_force.filter(|t| !t.is_empty() && !market) {
        out["timeInForce"] = json!(tif);
    }
    for (name, v) in [
        ("stopPrice", o.stop_price),
        ("icebergQty", o.iceberg_qty),
        ("origQuoteOrderQty", o.orig_quote_order_qty),
    ] {
        if let Some(v) = v {
            let d = output::decimal_text(v)?;
            if !d.is_zero() {
                out[name] = json!(crate::dec_text(d));
            }
        }
    }
    if let Some(t) = o.update_time.filter(|t| *t != o.time) {
        out["updateTime"] = json!(time::iso8601_ms(t));
    }
    if let Some(t) = o.working_time.filter(|t| *t >= 0 && *t != o.time) {
        out["workingTime"] = json!(time::iso8601_ms(t));
    }
    if let Some(w) = o
        .is_working
        .filter(|w| *w != OPEN_STATUSES.contains(&o.status))
    {
        out["isWorking"] = json!(w);
    }
    if let Some(id) = o.order_list_id.filter(|id| *id >= 0) {
        out["orderListId"] = json!(id);
    }
    if let Some(m) = o
        .self_trade_prevention_mode
        .filter(|m| !["", "NONE", "EXPIRE_MAKER"].contains(m))
    {
        out["selfTradePreventionMode"] = json!(m);
    }
    Ok(out)
}

/// Schema of one shaped order (its fields vary: see [`shape`]).
fn order_schema() -> Value {
    json!({ "type": "object" })
}

fn orders_output_schema() -> Value {
    schema::output(
        json!({
            "orders": schema::array(order_schema()),
            "truncated": schema::truncated()
        }),
        &["orders"],
    )
}

/// `get_open_orders`: open orders, oldest first.
pub const OPEN_ORDERS: Tool = Tool {
    name: "get_open_orders",
    title: "Open orders",
    description: "Open orders, oldest first (25 listed, 80 for one symbol); fields at their default are omitted. Weight 6 a symbol, 80 for all.",
    input_schema: || schema::object(json!({ "symbol": schema::string() }), &[]),
    output_schema: orders_output_schema,
    annotations: Annotations::READ_ONLY_EXCHANGE,
    capabilities: &[ACCOUNT_READ],
    run: Run::Value(open_orders),
};

fn open_orders(ex: &dyn Exchange, args: &str) -> Result<Value, ToolError> {
    let a = Args::parse(args, &["symbol"])?;
    let symbol = a.symbol("symbol")?;
    let resp =
        ex.send(&Request::spot_get("/api/v3/openOrders").opt_param("symbol", symbol.as_ref()))?;
    let mut orders: Vec<Order> = resp.parse()?;
    orders.sort_by_key(|o| (o.time, o.order_id));
    // Without a symbol this is the tool's default call, held to the default
    // answer's budget; one symbol's orders may fill the largest answer.
    let (cap, hint) = match symbol {
        None => (
            OPEN_ORDERS_CAP,
            "the oldest are listed; pass symbol for one symbol's",
        ),
        Some(_) => (
            ORDERS_CAP,
            "the oldest are listed; get_all_orders with orderId after the last one pages on",
        ),
    };
    let kept = output::kept(&orders, cap, Keep::First);
    let listed = kept.iter().map(shape).collect::<Result<Vec<_>, _>>()?;
    let marker = (orders.len() > cap).then(|| output::marker(cap, orders.len(), Keep::First, hint));
    Ok(with_marker(json!({ "orders": listed }), marker))
}

/// `get_all_orders`: one symbol's orders by id.
pub const ALL_ORDERS: Tool = Tool {
    name: "get_all_orders",
    title: "Order history",
    description: "A symbol's orders: the latest, from orderId (then nextOrderId), or in a 24 h window; fields at their default are omitted. 80 listed.",
    input_schema: || {
        schema::object(
            json!({
                "symbol": schema::string(),
                "orderId": id_schema(""),
                "startTime": schema::time(""),
                "endTime": schema::end_time(),
                "limit": schema::integer(1, 1000, ORDERS_DEFAULT_LIMIT, "")
            }),
            &["symbol"],
        )
    },
    output_schema: orders_output_schema,
    annotations: Annotations::READ_ONLY_EXCHANGE,
    capabilities: &[ACCOUNT_READ],
    run: Run::Value(all_orders),
};

fn all_orders(ex: &dyn Exchange, args: &str) -> Result<Value, ToolError> {
    let a = Args::parse(
        args,
        &["symbol", "orderId", "startTime", "endTime", "limit"],
    )?;
    let symbol = a.required_symbol("symbol")?;
    let order_id = id_arg(&a, "orderId")?;
    let (start, end) = a.time_window(Some((DAY_MS, "24 hours")))?;
    let limit = a.integer("limit", 1, 1000)?.unwrap_or(ORDERS_DEFAULT_LIMIT);
    let req = Request::spot_get("/api/v3/allOrders")
        .param("symbol", &symbol)
        .opt_param("orderId", order_id)
        .opt_param("startTime", start)
        .opt_param("endTime", end)
        .param("limit", limit);
    let resp = ex.send(&req)?;
    let mut orders: Vec<Order> = resp.parse()?;
    orders.sort_by_key(|o| o.order_id);
    let fetched = orders.len();
    let forward = order_id.is_some() || start.is_some();
    let keep = if forward { Keep::First } else { Keep::Last };
    let kept = output::kept(&orders, ORDERS_CAP, keep);
    let listed = kept.iter().map(shape).collect::<Result<Vec<_>, _>>()?;
    let mut out = json!({ "orders": listed });
    if forward && (fetched > ORDERS_CAP || fetched as i64 >= limit) {
        if let Some(last) = kept.last() {
            out["nextOrderId"] = json!(last.order_id.saturating_add(1));
        }
    }
    let marker = (fetched > ORDERS_CAP).then(|| match (forward, orders.first()) {
        (false, Some(first)) => output::marker(
            ORDERS_CAP,
            fetched,
            Keep::Last,
            &format!(
                "the newest are listed; orderId {} lists the others, oldest first",
                first.order_id
            ),
        ),
        _ => output::marker(
            ORDERS_CAP,
            fetched,
            Keep::First,
            "continue from nextOrderId",
        ),
    });
    Ok(with_marker(out, marker))
}

/// `get_order`: one order by either id.
pub const ORDER: Tool = Tool {
    name: "get_order",
    title: "Order",
    description:
        "One order by symbol and orderId or origClientOrderId; fields at their default are omitted.",
    input_schema: || {
        schema::object(
            json!({
                "symbol": schema::string(),
                "orderId": id_schema(""),
                "origClientOrderId": schema::string()
            }),
            &["symbol"],
        )
    },
    output_schema: || schema::output(json!({ "order": order_schema() }), &["order"]),
    annotations: Annotations::READ_ONLY_EXCHANGE,
    capabilities: &[ACCOUNT_READ],
    run: Run::Value(get_order),
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
    let resp = ex.send(&req)?;
    let order: Order = resp.parse()?;
    Ok(json!({ "order": shape(&order)? }))
}
