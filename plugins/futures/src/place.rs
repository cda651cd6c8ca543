//! New futures orders of any USD-M type, and closing a whole position.

use crate::fields::{
    answer, dec_arg, host, not_taken, Call, FuturesArgs, ORDER_TYPES, SIDES, TIMES_IN_FORCE,
    WORKING_TYPES,
};
use crate::PLACE;
use binance_mcp_plugin::capability::FUTURES_TRADE;
use binance_mcp_plugin::futures::{FuturesOrder, FuturesOrderType};
use binance_mcp_plugin::{json, schema, Answer, Decimal, Exchange, Run, Tool, ToolError, Value};

/// `place_futures_order`'s arguments, Binance's names (`stopPrice` is an
/// alias of `triggerPrice`, the name Binance's algo service uses).
pub const ORDER_ARGS: &[&str] = &[
    "symbol",
    "side",
    "type",
    "quantity",
    "price",
    "triggerPrice",
    "stopPrice",
    "timeInForce",
    "reduceOnly",
    "closePosition",
    "workingType",
    "activationPrice",
    "callbackRate",
    "newClientOrderId",
    "confirmation",
];

/// The bounds of a trailing stop's `callbackRate`, in percent.
const CALLBACK_MIN: Decimal = Decimal::from_parts(1, 0, 0, false, 1);
const CALLBACK_MAX: Decimal = Decimal::from_parts(10, 0, 0, false, 0);

pub const PLACE_FUTURES_ORDER: Tool = Tool {
    name: "place_futures_order",
    title: "Place a futures order",
    description: "Place a USD-M futures order. price: LIMIT, STOP, TAKE_PROFIT; triggerPrice (or stopPrice): STOP*, TAKE_PROFIT*; TRAILING_STOP_MARKET: callbackRate 0.1-10 (%). May answer a preview: repeat the call with its confirmation. Decimal strings.",
    input_schema: || {
        schema::object(
            json!({
                "symbol": schema::string(),
                "side": { "enum": SIDES },
                "type": { "enum": ORDER_TYPES },
                "quantity": dec_arg(),
                "price": dec_arg(),
                "triggerPrice": dec_arg(),
                "stopPrice": dec_arg(),
                "timeInForce": { "enum": TIMES_IN_FORCE },
                "reduceOnly": schema::boolean(),
                "closePosition": schema::boolean(),
                "workingType": { "enum": WORKING_TYPES },
                "activationPrice": dec_arg(),
                "callbackRate": dec_arg(),
                "newClientOrderId": schema::string(),
                "confirmation": schema::string()
            }),
            &["symbol", "side", "type"],
        )
    },
    output_schema: order_output,
    annotations: PLACE,
    capabilities: &[FUTURES_TRADE],
    run: Run::Text(place_futures_order),
};

/// The host's answer: the order's state, or a preview to confirm.
fn order_output() -> Value {
    schema::output(
        json!({
            "status": schema::string(),
            "preview": { "type": "object" },
            "confirmation": schema::string()
        }),
        &[],
    )
}

fn place_futures_order(ex: &dyn Exchange, args: &str) -> Result<Answer, ToolError> {
    let order = order(&Call::parse(args, ORDER_ARGS)?)?;
    answer(&host(ex)?.place_order(&order)?)
}

/// The order `c` describes, checked against what its type takes.
fn order(c: &Call) -> Result<FuturesOrder, ToolError> {
    let symbol = c.symbol()?;
    let side = c.side()?;
    let (ty_name, order_type) = c.order_type()?;
    c.args.exclusive("triggerPrice", "stopPrice")?;
    let trigger_price = match c.decimal("triggerPrice")? {
        Some(t) => Some(t),
        None => c.decimal("stopPrice")?,
    };
    let order = FuturesOrder {
        symbol,
        side,
        order_type,
        quantity: c.decimal("quantity")?,
        price: c.decimal("price")?,
        trigger_price,
        time_in_force: c.time_in_force()?,
        reduce_only: c.flag("reduceOnly")?.unwrap_or(false),
        close_position: c.flag("closePosition")?.unwrap_or(false),
        working_type: c.working_type()?,
        activation_price: c.decimal("activationPrice")?,
        callback_rate: c.decimal("callbackRate")?,
        client_order_id: c.client_id("newClientOrderId")?,
        confirmation: c.confirmation()?,
    };
    check_type(&ty_name, &order)?;
    Ok(order)
}

/// Binance's rules for which fields each type needs and refuses (it
/// answers -1102, -1106 or -4xxx otherwise): caught here with the fix
/// spelt out.
fn check_type(ty: &str, o: &FuturesOrder) -> Result<(), ToolError> {
    use FuturesOrderType::*;
    let t = o.order_type;
    let limit_price = matches!(t, Limit | Stop | TakeProfit);
    let trigger = matches!(t, Stop | StopMarket | TakeProfit | TakeProfitMarket);
    let trailing = t == TrailingStopMarket;
    let closes = matches!(t, StopMarket | TakeProfitMarket);
    let required =
        |name: &str| ToolError::invalid(name, format!("is required for {ty} orders"), "\"0.001\"");
    if o.close_position {
        if !closes {
            return Err(not_taken(
                "closePosition",
                ty,
                ", or use type STOP_MARKET or TAKE_PROFIT_MARKET to close the whole position (close_position closes it now)",
            ));
        }
        if o.quantity.is_some() {
            return Err(not_taken(
                "quantity",
                &format!("closePosition {ty}"),
                " (the whole position is closed), or set closePosition false",
            ));
        }
        if o.reduce_only {
            return Err(not_taken(
                "reduceOnly",
                &format!("closePosition {ty}"),
                " (closing a position only ever reduces it)",
            ));
        }
    } else if o.quantity.is_none() {
        let hint = if closes {
            " (or 'closePosition': true to close the whole position)"
        } else {
            ""
        };
        return Err(ToolError::invalid(
            "quantity",
            format!("is required for {ty} orders{hint}"),
            "\"0.001\"",
        ));
    }
    match (limit_price, o.price.is_some()) {
        (true, false) => return Err(required("price")),
        (false, true) => {
            let instead = if trigger {
                " (the trigger is triggerPrice), or use STOP or TAKE_PROFIT for a limit price"
            } else {
                ", or use type LIMIT"
            };
            return Err(not_taken("price", ty, instead));
        }
        _ => {}
    }
    match (trigger, o.trigger_price.is_some()) {
        (true, false) => return Err(required("triggerPrice")),
        (false, true) => {
            let instead = if trailing {
                " (a trailing stop starts at activationPrice and follows callbackRate)"
            } else {
                ", or use a STOP or TAKE_PROFIT type"
            };
            return Err(not_taken("triggerPrice", ty, instead));
        }
        _ => {}
    }
    if trailing {
        let rate = o.callback_rate.as_deref().ok_or_else(|| {
            ToolError::invalid(
                "callbackRate",
                format!("is required for {ty} orders (the retrace in percent, 0.1 to 10)"),
                "\"1\"",
            )
        })?;
        // A checked decimal: it parses.
        let r = Decimal::from_str_exact(rate).unwrap_or_default();
        if r < CALLBACK_MIN || r > CALLBACK_MAX {
            return Err(ToolError::invalid(
                "callbackRate",
                format!("must be between 0.1 and 10 (percent; got '{rate}')"),
                "\"1\"",
            ));
        }
    } else {
        for name in ["callbackRate", "activationPrice"] {
            let given = match name {
                "callbackRate" => o.callback_rate.is_some(),
                _ => o.activation_price.is_some(),
            };
            if given {
                return Err(not_taken(name, ty, ", or use type TRAILING_STOP_MARKET"));
            }
        }
    }
    if !limit_price && o.time_in_force.is_some() {
        return Err(not_taken("timeInForce", ty, ""));
    }
    if !t.is_conditional() && o.working_type.is_some() {
        return Err(not_taken(
            "workingType",
            ty,
            " (it says which price a trigger watches)",
        ));
    }
    Ok(())
}

pub const CLOSE_POSITION: Tool = Tool {
    name: "close_position",
    title: "Close a futures position",
    description: "Close the whole position of a symbol now with a reduce-only MARKET order. Confirmed like place_futures_order.",
    input_schema: || {
        schema::object(
            json!({ "symbol": schema::string(), "confirmation": schema::string() }),
            &["symbol"],
        )
    },
    output_schema: order_output,
    annotations: PLACE,
    capabilities: &[FUTURES_TRADE],
    run: Run::Text(close_position),
};

fn close_position(ex: &dyn Exchange, args: &str) -> Result<Answer, ToolError> {
    let c = Call::parse(args, &["symbol", "confirmation"])?;
    let symbol = c.symbol()?;
    let confirmation = c.confirmation()?;
    answer(&host(ex)?.close_position(&symbol, confirmation.as_deref())?)
}
