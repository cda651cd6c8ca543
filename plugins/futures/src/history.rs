//! The futures account's history: its income flows (`GET
//! /fapi/v1/income`: realized PnL, funding fees, commissions, transfers…)
//! with exact totals, and its liquidation and ADL orders (`GET
//! /fapi/v1/forceOrders`).

use crate::fields::dec_string;
use crate::{fapi_get, id_text, table, table_output, with_marker};
use binance_mcp_plugin::args::Args;
use binance_mcp_plugin::capability::FUTURES_READ;
use binance_mcp_plugin::output::{self, Keep};
use binance_mcp_plugin::{
    json, schema, time, Annotations, Decimal, Exchange, Run, Tool, ToolError, Value,
};
use serde::Deserialize;
use std::borrow::Cow;
use std::collections::BTreeMap;

/// Binance's USD-M income types (`incomeType` of `/fapi/v1/income`, its
/// spelling `DELIVERED_SETTELMENT` included).
pub const INCOME_TYPES: &[&str] = &[
    "TRANSFER",
    "WELCOME_BONUS",
    "REALIZED_PNL",
    "FUNDING_FEE",
    "COMMISSION",
    "INSURANCE_CLEAR",
    "REFERRAL_KICKBACK",
    "COMMISSION_REBATE",
    "API_REBATE",
    "CONTEST_REWARD",
    "CROSS_COLLATERAL_TRANSFER",
    "OPTIONS_PREMIUM_FEE",
    "OPTIONS_SETTLE_PROFIT",
    "INTERNAL_TRANSFER",
    "AUTO_EXCHANGE",
    "DELIVERED_SETTELMENT",
    "COIN_SWAP_DEPOSIT",
    "COIN_SWAP_WITHDRAW",
    "POSITION_LIMIT_INCREASE_FEE",
];

/// `get_futures_income`'s default `limit` (Binance's).
pub const INCOME_DEFAULT_LIMIT: i64 = 100;
/// Most income rows one answer lists (a row is about 130 bytes); the
/// totals cover every row fetched.
pub const INCOME_CAP: usize = 300;

pub(crate) const INCOME_COLUMNS: &[&str] = &[
    "time",
    "timeIso",
    "symbol",
    "incomeType",
    "income",
    "asset",
    "info",
    "tranId",
    "tradeId",
];

/// `get_futures_income`: income flows as rows, with totals.
pub const FUTURES_INCOME: Tool = Tool {
    name: "get_futures_income",
    title: "Futures income",
    description: "USD-M income (REALIZED_PNL, FUNDING_FEE, COMMISSION, TRANSFER…) as rows, oldest first (300 listed), with exact totals per incomeType and asset. Default: the last 7 days.",
    input_schema: || {
        schema::object(
            json!({
                "symbol": schema::string(),
                "incomeType": json!({ "type": "string", "description": "e.g. FUNDING_FEE" }),
                "startTime": schema::time(""),
                "endTime": schema::end_time(),
                "limit": schema::integer(1, 1000, INCOME_DEFAULT_LIMIT, "")
            }),
            &[],
        )
    },
    output_schema: || {
        table_output(
            INCOME_COLUMNS,
            true,
            json!({ "totals": schema::array(json!({ "type": "object" })) }),
            &["totals"],
        )
    },
    annotations: Annotations::READ_ONLY_EXCHANGE,
    capabilities: &[FUTURES_READ],
    run: Run::Value(futures_income),
};

/// One income flow, borrowed from the body. Binance sends `tranId` and
/// `tradeId` as numbers or strings.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Income<'a> {
    #[serde(default, borrow)]
    symbol: Cow<'a, str>,
    income_type: &'a str,
    income: &'a str,
    asset: &'a str,
    #[serde(default, borrow)]
    info: Cow<'a, str>,
    time: i64,
    #[serde(default)]
    tran_id: Value,
    #[serde(default)]
    trade_id: Value,
}

/// An id cell: its text, `""` when Binance sent none.
fn id_cell(v: &Value) -> Result<String, ToolError> {
    match v {
        Value::Null => Ok(String::new()),
        other => id_text(other),
    }
}

fn futures_income(ex: &dyn Exchange, args: &str) -> Result<Value, ToolError> {
    let a = Args::parse(
        args,
        &["symbol", "incomeType", "startTime", "endTime", "limit"],
    )?;
    let symbol = a.symbol("symbol")?;
    let income_type = a.one_of("incomeType", INCOME_TYPES)?;
    let (start, end) = a.time_window(None)?;
    let limit = a.integer("limit", 1, 1000)?.unwrap_or(INCOME_DEFAULT_LIMIT);
    let req = fapi_get("/fapi/v1/income")
        .opt_param("symbol", symbol)
        .opt_param("incomeType", income_type)
        .opt_param("startTime", start)
        .opt_param("endTime", end)
        .param("limit", limit);
    let resp = ex.send(&req)?;
    let mut flows: Vec<Income> = resp.parse()?;
    flows.sort_by_key(|f| f.time);
    // Totals over everything fetched, exactly, by (incomeType, asset).
    let mut totals: BTreeMap<(&str, &str), (Decimal, usize)> = BTreeMap::new();
    for f in &flows {
        let amount = output::decimal_text(f.income)?;
        let entry = totals
            .entry((f.income_type, f.asset))
            .or_insert((Decimal::ZERO, 0));
        entry.0 = entry
            .0
            .checked_add(amount)
            .ok_or_else(|| ToolError::bad_exchange_data("income too large to add up"))?;
        entry.1 += 1;
    }
    let totals: Vec<Value> = totals
        .into_iter()
        .map(|((kind, asset), (total, count))| {
            json!({ "incomeType": kind, "asset": asset, "total": dec_string(total), "count": count })
        })
        .collect();
    // Paging forward from startTime keeps the first rows; otherwise the newest.
    let keep = if start.is_some() {
        Keep::First
    } else {
        Keep::Last
    };
    let rows = output::kept(&flows, INCOME_CAP, keep)
        .iter()
        .map(|f| {
            Ok(json!([
                f.time,
                time::iso8601_ms(f.time),
                f.symbol,
                f.income_type,
                output::dec_text(f.income)?,
                f.asset,
                f.info,
                id_cell(&f.tran_id)?,
                id_cell(&f.trade_id)?,
            ]))
        })
        .collect::<Result<Vec<_>, ToolError>>()?;
    let marker = (flows.len() > INCOME_CAP).then(|| {
        output::marker(
            INCOME_CAP,
            flows.len(),
            keep,
            "totals cover every row fetched; narrow startTime/endTime or pass incomeType to list the others",
        )
    });
    Ok(with_marker(
        table(json!({ "totals": totals }), INCOME_COLUMNS, rows),
        marker,
    ))
}

/// `get_liquidation_history`'s default `limit` and bound (Binance's).
pub const LIQUIDATION_DEFAULT_LIMIT: i64 = 50;
pub const LIQUIDATION_MAX_LIMIT: i64 = 100;

pub(crate) const LIQUIDATION_COLUMNS: &[&str] = &[
    "time",
    "timeIso",
    "symbol",
    "side",
    "price",
    "avgPrice",
    "origQty",
    "executedQty",
    "cumQuote",
    "status",
    "clientOrderId",
    "orderId",
];

/// `get_liquidation_history`: the account's forced orders as rows.
pub const LIQUIDATION_HISTORY: Tool = Tool {
    name: "get_liquidation_history",
    title: "Liquidations",
    description: "Your USD-M liquidation and ADL orders as rows, oldest first (clientOrderId adl_autoclose = ADL). Default: the 7 days before endTime.",
    input_schema: || {
        schema::object(
            json!({
                "symbol": schema::string(),
                "startTime": schema::time(""),
                "endTime": schema::end_time(),
                "limit": schema::integer(1, LIQUIDATION_MAX_LIMIT, LIQUIDATION_DEFAULT_LIMIT, "")
            }),
            &[],
        )
    },
    output_schema: || table_output(LIQUIDATION_COLUMNS, false, json!({}), &[]),
    annotations: Annotations::READ_ONLY_EXCHANGE,
    capabilities: &[FUTURES_READ],
    run: Run::Value(liquidation_history),
};

/// One forced order, borrowed from the body.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Forced<'a> {
    order_id: i64,
    symbol: &'a str,
    status: &'a str,
    #[serde(borrow)]
    client_order_id: Cow<'a, str>,
    price: &'a str,
    avg_price: &'a str,
    orig_qty: &'a str,
    executed_qty: &'a str,
    cum_quote: &'a str,
    side: &'a str,
    time: i64,
}

fn liquidation_history(ex: &dyn Exchange, args: &str) -> Result<Value, ToolError> {
    let a = Args::parse(args, &["symbol", "startTime", "endTime", "limit"])?;
    let symbol = a.symbol("symbol")?;
    let (start, end) = a.time_window(None)?;
    let limit = a
        .integer("limit", 1, LIQUIDATION_MAX_LIMIT)?
        .unwrap_or(LIQUIDATION_DEFAULT_LIMIT);
    let req = fapi_get("/fapi/v1/forceOrders")
        .opt_param("symbol", symbol)
        .opt_param("startTime", start)
        .opt_param("endTime", end)
        .param("limit", limit);
    let resp = ex.send(&req)?;
    let mut orders: Vec<Forced> = resp.parse()?;
    orders.sort_by_key(|o| (o.time, o.order_id));
    let rows = orders
        .iter()
        .map(|o| {
            Ok(json!([
                o.time,
                time::iso8601_ms(o.time),
                o.symbol,
                o.side,
                output::dec_text(o.price)?,
                output::dec_text(o.avg_price)?,
                output::dec_text(o.orig_qty)?,
                output::dec_text(o.executed_qty)?,
                output::dec_text(o.cum_quote)?,
                o.status,
                o.client_order_id,
                o.order_id,
            ]))
        })
        .collect::<Result<Vec<_>, ToolError>>()?;
    Ok(table(json!({}), LIQUIDATION_COLUMNS, rows))
}
