//! Cancellations: one order, or every open order of a symbol. Neither
//! places anything, so neither is destructive (they reduce risk), and
//! repeating one changes nothing more.

use crate::fields::{answer, host, Call};
use crate::CANCEL;
use binance_mcp_plugin::capability::SPOT_TRADE;
use binance_mcp_plugin::trading::Cancel;
use binance_mcp_plugin::{json, schema, Answer, Exchange, Run, Tool, ToolError};

pub const CANCEL_ORDER: Tool = Tool {
    name: "cancel_order",
    title: "Cancel an order",
    description: "Cancel an open order by orderId or origClientOrderId (one of them).",
    input_schema: || {
        schema::object(
            json!({
                "symbol": schema::string(),
                "orderId": schema::int(),
                "origClientOrderId": schema::string()
            }),
            &["symbol"],
        )
    },
    output_schema: || {
        schema::output(
            json!({
                "status": schema::string(),
                "orderId": schema::int()
            }),
            &[],
        )
    },
    annotations: CANCEL,
    capabilities: &[SPOT_TRADE],
    run: Run::Text(cancel_order),
};

fn cancel_order(ex: &dyn Exchange, args: &str) -> Result<Answer, ToolError> {
    let c = Call::parse(args, &["symbol", "orderId", "origClientOrderId"])?;
    let symbol = c.symbol()?;
    c.args.exclusive("orderId", "origClientOrderId")?;
    let order_id = c.args.integer("orderId", 1, i64::MAX)?.map(|n| n as u64);
    let client_order_id = c.client_id("origClientOrderId")?;
    if order_id.is_none() && client_order_id.is_none() {
        return Err(ToolError::invalid(
            "orderId",
            "(or 'origClientOrderId') is required: which order to cancel",
            "123456789",
        ));
    }
    let cancel = Cancel {
        symbol,
        order_id,
        client_order_id,
    };
    answer(&host(ex)?.cancel_order(&cancel)?)
}

pub const CANCEL_ALL_ORDERS: Tool = Tool {
    name: "cancel_all_orders",
    title: "Cancel all open orders",
    description: "Cancel all open orders of a symbol, OCO pairs included.",
    input_schema: || schema::object(json!({ "symbol": schema::string() }), &["symbol"]),
    output_schema: || schema::output(json!({ "symbol": schema::string() }), &[]),
    annotations: CANCEL,
    capabilities: &[SPOT_TRADE],
    run: Run::Text(cancel_all_orders),
};

fn cancel_all_orders(ex: &dyn Exchange, args: &str) -> Result<Answer, ToolError> {
    let symbol = Call::parse(args, &["symbol"])?.symbol()?;
    answer(&host(ex)?.cancel_all(&symbol)?)
}
