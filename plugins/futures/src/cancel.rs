//! Cancellations: one order (regular or conditional), or every open order
//! of a symbol. Neither places anything, so neither is destructive (they
//! reduce risk), and repeating one changes nothing more.

use crate::fields::{answer, host, Call};
use crate::CANCEL;
use binance_mcp_plugin::capability::FUTURES_TRADE;
use binance_mcp_plugin::futures::FuturesCancel;
use binance_mcp_plugin::{json, schema, Answer, ErrorKind, Exchange, Run, Tool, ToolError};

/// The four ways to name an order: the regular ones, then the conditional.
const IDS: [&str; 4] = ["orderId", "origClientOrderId", "algoId", "clientAlgoId"];

pub const CANCEL_FUTURES_ORDER: Tool = Tool {
    name: "cancel_futures_order",
    title: "Cancel a futures order",
    description: "Cancel one open futures order by exactly one of orderId, origClientOrderId (regular) or algoId, clientAlgoId (conditional).",
    input_schema: || {
        schema::object(
            json!({
                "symbol": schema::string(),
                "orderId": schema::int(),
                "origClientOrderId": schema::string(),
                "algoId": schema::int(),
                "clientAlgoId": schema::string()
            }),
            &["symbol"],
        )
    },
    output_schema: || schema::output(json!({ "status": schema::string() }), &[]),
    annotations: CANCEL,
    capabilities: &[FUTURES_TRADE],
    run: Run::Text(cancel_futures_order),
};

fn cancel_futures_order(ex: &dyn Exchange, args: &str) -> Result<Answer, ToolError> {
    let c = Call::parse(args, &["symbol", IDS[0], IDS[1], IDS[2], IDS[3]])?;
    let symbol = c.symbol()?;
    let id = |name: &str| {
        c.args
            .integer(name, 1, i64::MAX)
            .map(|n| n.map(|n| n as u64))
            .map_err(|_| ToolError::invalid(name, "must be a positive integer id", "123456789"))
    };
    let (order_id, client_id) = (id("orderId")?, c.client_id("origClientOrderId")?);
    let (algo_id, client_algo_id) = (id("algoId")?, c.client_id("clientAlgoId")?);
    let given: Vec<&str> = IDS
        .iter()
        .zip([
            order_id.is_some(),
            client_id.is_some(),
            algo_id.is_some(),
            client_algo_id.is_some(),
        ])
        .filter(|(_, g)| *g)
        .map(|(n, _)| *n)
        .collect();
    if given.len() != 1 {
        let problem = if given.is_empty() {
            "no order id was given".to_string()
        } else {
            format!("{} were all given", given.join(", "))
        };
        return Err(ToolError::new(
            ErrorKind::InvalidArgument,
            format!("{problem}: pass exactly one of orderId, origClientOrderId, algoId, clientAlgoId"),
            "a regular order by orderId or origClientOrderId, a conditional one (get_futures_open_orders kind conditional) by algoId or clientAlgoId",
        ));
    }
    let conditional = algo_id.is_some() || client_algo_id.is_some();
    let cancel = FuturesCancel {
        symbol,
        order_id: order_id.or(algo_id),
        client_order_id: client_id.or(client_algo_id),
        conditional,
    };
    answer(&host(ex)?.cancel_order(&cancel)?)
}

pub const CANCEL_ALL_FUTURES_ORDERS: Tool = Tool {
    name: "cancel_all_futures_orders",
    title: "Cancel all futures orders",
    description: "Cancel every open futures order of a symbol, regular and conditional.",
    input_schema: || schema::object(json!({ "symbol": schema::string() }), &["symbol"]),
    output_schema: || schema::output(json!({ "symbol": schema::string() }), &[]),
    annotations: CANCEL,
    capabilities: &[FUTURES_TRADE],
    run: Run::Text(cancel_all_futures_orders),
};

fn cancel_all_futures_orders(ex: &dyn Exchange, args: &str) -> Result<Answer, ToolError> {
    let symbol = Call::parse(args, &["symbol"])?.symbol()?;
    answer(&host(ex)?.cancel_all(&symbol)?)
}
