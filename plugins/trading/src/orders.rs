//! New orders: one order of any spot type, and OCO pairs.

use crate::fields::{
    answer, dec_arg, host, not_taken, Call, SpotArgs, ORDER_TYPES, SIDES, TIMES_IN_FORCE,
};
use crate::PLACE;
use binance_mcp_plugin::capability::SPOT_TRADE;
use binance_mcp_plugin::trading::{OcoOrder, Order, OrderType, Side};
use binance_mcp_plugin::{
    json, schema, Answer, Decimal, ErrorKind, Exchange, Run, Tool, ToolError,
};

/// `place_order`'s arguments, Binance's names (and `dry_run`, `confirmation`).
pub const ORDER_ARGS: &[&str] = &[
    "symbol",
    "side",
    "type",
    "quantity",
    "quoteOrderQty",
    "price",
    "stopPrice",
    "timeInForce",
    "newClientOrderId",
    "dry_run",
    "confirmation",
];

/// `place_oco_order`'s arguments.
pub const OCO_ARGS: &[&str] = &[
    "symbol",
    "side",
    "quantity",
    "price",
    "stopPrice",
    "stopLimitPrice",
    "listClientOrderId",
    "confirmation",
];

pub const PLACE_ORDER: Tool = Tool {
    name: "place_order",
    title: "Place a spot order",
    description: "Place a spot order. The operator's policy may require confirmation: the answer is then a preview with a confirmation token to repeat the identical call with, or the user is asked directly. dry_run=true checks all (Binance's order/test too) and places nothing. Amounts: decimal strings.",
    input_schema: || {
        schema::object(
            json!({
                "symbol": schema::string(),
                "side": { "enum": SIDES },
                "type": { "enum": ORDER_TYPES },
                "quantity": dec_arg(),
                "quoteOrderQty": dec_arg(),
                "price": dec_arg(),
                "stopPrice": dec_arg(),
                "timeInForce": { "enum": TIMES_IN_FORCE },
                "newClientOrderId": schema::string(),
                "dry_run": { "type": "boolean", "default": false },
                "confirmation": schema::string()
            }),
            &["symbol", "side", "type"],
        )
    },
    output_schema: || {
        schema::output(
            json!({
                "status": schema::string(),
                "orderId": schema::int(),
                "clientOrderId": schema::string(),
                "preview": { "type": "object" },
                "confirmation": schema::string()
            }),
            &[],
        )
    },
    annotations: PLACE,
    capabilities: &[SPOT_TRADE],
    run: Run::Text(place_order),
};

fn place_order(ex: &dyn Exchange, args: &str) -> Result<Answer, ToolError> {
    let order = order(&Call::parse(args, ORDER_ARGS)?)?;
    answer(&host(ex)?.place_order(&order)?)
}

/// The order `c` describes, checked against what its type takes.
fn order(c: &Call) -> Result<Order, ToolError> {
    let symbol = c.symbol()?;
    let side = c.side()?;
    let (ty_name, order_type) = c.order_type()?;
    let order = Order {
        symbol,
        side,
        order_type,
        quantity: c.decimal("quantity")?,
        quote_quantity: c.decimal("quoteOrderQty")?,
        price: c.decimal("price")?,
        stop_price: c.decimal("stopPrice")?,
        time_in_force: c.time_in_force()?,
        client_order_id: c.client_id("newClientOrderId")?,
        dry_run: c.flag("dry_run")?.unwrap_or(false),
        confirmation: c.confirmation()?,
    };
    check_type(c, &ty_name, &order)?;
    Ok(order)
}

/// Binance's rules for which fields each type needs and refuses (it
/// answers -1102 or -1106 otherwise): caught here with the fix spelt out.
fn check_type(c: &Call, ty: &str, o: &Order) -> Result<(), ToolError> {
    use OrderType::*;
    let t = o.order_type;
    let limit_price = matches!(t, Limit | StopLossLimit | TakeProfitLimit | LimitMaker);
    let trigger = matches!(t, StopLoss | StopLossLimit | TakeProfit | TakeProfitLimit);
    let keeps_time = matches!(t, Limit | StopLossLimit | TakeProfitLimit);
    let required =
        |name: &str| ToolError::invalid(name, format!("is required for {ty} orders"), "\"0.001\"");
    if t == Market {
        c.args.exclusive("quantity", "quoteOrderQty")?;
        if o.quantity.is_none() && o.quote_quantity.is_none() {
            return Err(ToolError::invalid(
                "quantity",
                "(or 'quoteOrderQty', a quote amount) is required for MARKET orders",
                "\"0.001\"",
            ));
        }
    } else {
        if o.quote_quantity.is_some() {
            return Err(not_taken(
                "quoteOrderQty",
                ty,
                " and pass quantity, or use type MARKET to trade a quote amount",
            ));
        }
        if o.quantity.is_none() {
            return Err(required("quantity"));
        }
    }
    match (limit_price, o.price.is_some()) {
        (true, false) => return Err(required("price")),
        (false, true) => {
            let instead = if trigger {
                " (the trigger is stopPrice), or use the type's _LIMIT form"
            } else {
                ", or use type LIMIT"
            };
            return Err(not_taken("price", ty, instead));
        }
        _ => {}
    }
    match (trigger, o.stop_price.is_some()) {
        (true, false) => return Err(required("stopPrice")),
        (false, true) => {
            return Err(not_taken(
                "stopPrice",
                ty,
                ", or use a STOP_LOSS or TAKE_PROFIT type",
            ))
        }
        _ => {}
    }
    if !keeps_time && o.time_in_force.is_some() {
        return Err(not_taken("timeInForce", ty, ""));
    }
    Ok(())
}

pub const PLACE_OCO_ORDER: Tool = Tool {
    name: "place_oco_order",
    title: "Place an OCO pair",
    description: "Place an OCO pair: limit leg at price, stop leg at stopPrice (stop-limit at stopLimitPrice, else market); SELL: price above the market, stopPrice below, BUY the reverse. Confirmed like place_order.",
    input_schema: || {
        schema::object(
            json!({
                "symbol": schema::string(),
                "side": { "enum": SIDES },
                "quantity": dec_arg(),
                "price": dec_arg(),
                "stopPrice": dec_arg(),
                "stopLimitPrice": dec_arg(),
                "listClientOrderId": schema::string(),
                "confirmation": schema::string()
            }),
            &["symbol", "side", "quantity", "price", "stopPrice"],
        )
    },
    output_schema: || {
        schema::output(
            json!({
                "status": schema::string(),
                "orderListId": schema::int(),
                "preview": { "type": "object" },
                "confirmation": schema::string()
            }),
            &[],
        )
    },
    annotations: PLACE,
    capabilities: &[SPOT_TRADE],
    run: Run::Text(place_oco_order),
};

fn place_oco_order(ex: &dyn Exchange, args: &str) -> Result<Answer, ToolError> {
    let order = oco(&Call::parse(args, OCO_ARGS)?)?;
    answer(&host(ex)?.place_oco(&order)?)
}

/// The OCO pair `c` describes, its legs on the right sides of each other.
fn oco(c: &Call) -> Result<OcoOrder, ToolError> {
    let order = OcoOrder {
        symbol: c.symbol()?,
        side: c.side()?,
        quantity: c.required_decimal("quantity")?,
        price: c.required_decimal("price")?,
        stop_price: c.required_decimal("stopPrice")?,
        stop_limit_price: c.decimal("stopLimitPrice")?,
        list_client_order_id: c.client_id("listClientOrderId")?,
        confirmation: c.confirmation()?,
    };
    // Both are checked decimals, so both parse.
    let exact = |s: &str| Decimal::from_str_exact(s).ok();
    if let (Some(price), Some(stop)) = (exact(&order.price), exact(&order.stop_price)) {
        let (wrong, words) = match order.side {
            Side::Sell => (price <= stop, "above"),
            Side::Buy => (price >= stop, "below"),
        };
        if wrong {
            let side = if order.side == Side::Sell {
                "SELL"
            } else {
                "BUY"
            };
            return Err(ToolError::new(
                ErrorKind::InvalidArgument,
                format!(
                    "argument 'price' ({}) must be {words} 'stopPrice' ({}) for a {side} OCO",
                    order.price, order.stop_price
                ),
                "SELL: the limit price above the market and the stop below it; BUY: the limit below and the stop above",
            ));
        }
    }
    Ok(order)
}
