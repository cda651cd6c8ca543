//! The futures account: its totals and assets (`GET /fapi/v3/account`),
//! and its open positions (`GET /fapi/v2/positionRisk`).

use crate::{fapi_get, table, table_output, with_marker};
use binance_mcp_plugin::args::Args;
use binance_mcp_plugin::capability::FUTURES_READ;
use binance_mcp_plugin::output::{self, Keep};
use binance_mcp_plugin::{
    json, schema, time, Annotations, Decimal, Exchange, Run, Tool, ToolError, Value,
};
use serde::Deserialize;
use std::cmp::Reverse;

/// Most assets `get_futures_account` lists (Binance has a few dozen
/// margin assets at most).
pub const ASSETS_CAP: usize = 100;
/// Most positions `get_futures_positions` lists, the largest notional
/// first (a row is about 220 bytes).
pub const POSITIONS_CAP: usize = 100;

/// The account totals shown, by Binance's names (USDT figures in
/// single-asset mode, USD in multi-assets mode).
const TOTALS: &[&str] = &[
    "totalWalletBalance",
    "totalMarginBalance",
    "availableBalance",
    "totalUnrealizedProfit",
    "totalInitialMargin",
    "totalMaintMargin",
    "maxWithdrawAmount",
];

const ASSET_COLUMNS: &[&str] = &[
    "asset",
    "walletBalance",
    "marginBalance",
    "availableBalance",
    "unrealizedProfit",
    "initialMargin",
    "maintMargin",
    "maxWithdrawAmount",
];

/// `get_futures_account`: totals and the assets that hold anything.
pub const FUTURES_ACCOUNT: Tool = Tool {
    name: "get_futures_account",
    title: "Futures account",
    description: "USD-M futures totals (wallet, margin, available, unrealized PnL, initial and maintenance margin) and rows of the non-zero assets.",
    input_schema: || schema::object(json!({}), &[]),
    // Every total is a decimal like these two; the names say the rest
    // (the bytes are paid by every conversation).
    output_schema: || {
        table_output(
            ASSET_COLUMNS,
            true,
            json!({
                "totalWalletBalance": schema::dec(),
                "availableBalance": schema::dec(),
                "openPositions": schema::int()
            }),
            &["totalWalletBalance", "availableBalance"],
        )
    },
    annotations: Annotations::READ_ONLY_EXCHANGE,
    capabilities: &[FUTURES_READ],
    run: Run::Value(futures_account),
};

/// One asset of the account answer, borrowed from the body.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Asset<'a> {
    asset: &'a str,
    wallet_balance: &'a str,
    margin_balance: &'a str,
    available_balance: &'a str,
    unrealized_profit: &'a str,
    initial_margin: &'a str,
    maint_margin: &'a str,
    max_withdraw_amount: &'a str,
}

/// A position of the account answer (only whether it is open matters here).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Held<'a> {
    position_amt: &'a str,
}

/// The account answer, borrowed from the body.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Account<'a> {
    total_wallet_balance: &'a str,
    total_margin_balance: &'a str,
    available_balance: &'a str,
    total_unrealized_profit: &'a str,
    total_initial_margin: &'a str,
    total_maint_margin: &'a str,
    max_withdraw_amount: &'a str,
    #[serde(borrow)]
    assets: Vec<Asset<'a>>,
    #[serde(default, borrow)]
    positions: Vec<Held<'a>>,
}

fn futures_account(ex: &dyn Exchange, args: &str) -> Result<Value, ToolError> {
    Args::parse(args, &[])?;
    let resp = ex.send(&fapi_get("/fapi/v3/account"))?;
    let body: Account = resp.parse()?;
    let totals = [
        body.total_wallet_balance,
        body.total_margin_balance,
        body.available_balance,
        body.total_unrealized_profit,
        body.total_initial_margin,
        body.total_maint_margin,
        body.max_withdraw_amount,
    ];
    let mut out = json!({});
    for (name, text) in TOTALS.iter().zip(totals) {
        out[*name] = json!(output::dec_text(text)?);
    }
    let mut rows = Vec::new();
    for a in &body.assets {
        let wallet = output::decimal_text(a.wallet_balance)?;
        let margin = output::decimal_text(a.margin_balance)?;
        if wallet.is_zero() && margin.is_zero() {
            continue;
        }
        rows.push(json!([
            a.asset,
            output::dec_text(a.wallet_balance)?,
            output::dec_text(a.margin_balance)?,
            output::dec_text(a.available_balance)?,
            output::dec_text(a.unrealized_profit)?,
            output::dec_text(a.initial_margin)?,
            output::dec_text(a.maint_margin)?,
            output::dec_text(a.max_withdraw_amount)?,
        ]));
    }
    let available = rows.len();
    rows.truncate(ASSETS_CAP);
    let mut open = 0;
    for p in &body.positions {
        if !output::decimal_text(p.position_amt)?.is_zero() {
            open += 1;
        }
    }
    out["openPositions"] = json!(open);
    let marker = (available > ASSETS_CAP).then(|| {
        output::marker(
            ASSETS_CAP,
            available,
            Keep::First,
            "the first assets are listed",
        )
    });
    Ok(with_marker(table(out, ASSET_COLUMNS, rows), marker))
}

pub(crate) const POSITION_COLUMNS: &[&str] = &[
    "symbol",
    "side",
    "size",
    "entryPrice",
    "markPrice",
    "unRealizedProfit",
    "leverage",
    "marginType",
    "liquidationPrice",
    "notional",
    "isolatedMargin",
    "updateTime",
    "updateTimeIso",
];

/// `get_futures_positions`: the open positions as rows.
pub const FUTURES_POSITIONS: Tool = Tool {
    name: "get_futures_positions",
    title: "Futures positions",
    description: "Open USD-M positions as rows, largest notional first (100 listed): side LONG/SHORT by the amount's sign, size its absolute value.",
    input_schema: || schema::object(json!({ "symbol": schema::string() }), &[]),
    output_schema: || table_output(POSITION_COLUMNS, true, json!({}), &[]),
    annotations: Annotations::READ_ONLY_EXCHANGE,
    capabilities: &[FUTURES_READ],
    run: Run::Value(futures_positions),
};

/// One position of `positionRisk`, borrowed from the body.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Position<'a> {
    symbol: &'a str,
    position_amt: &'a str,
    entry_price: &'a str,
    mark_price: &'a str,
    un_realized_profit: &'a str,
    leverage: &'a str,
    margin_type: &'a str,
    liquidation_price: &'a str,
    notional: &'a str,
    isolated_margin: &'a str,
    update_time: i64,
}

/// Binance's `marginType` of a position (`cross`, `isolated`) as
/// `set_margin_type` spells it.
fn margin_type(text: &str) -> String {
    match text {
        "cross" | "crossed" => "CROSSED".into(),
        "isolated" => "ISOLATED".into(),
        other => other.to_ascii_uppercase(),
    }
}

fn futures_positions(ex: &dyn Exchange, args: &str) -> Result<Value, ToolError> {
    let a = Args::parse(args, &["symbol"])?;
    let symbol = a.symbol("symbol")?;
    let resp = ex.send(&fapi_get("/fapi/v2/positionRisk").opt_param("symbol", symbol))?;
    let positions: Vec<Position> = resp.parse()?;
    let mut open = Vec::new();
    for p in &positions {
        let amount = output::decimal_text(p.position_amt)?;
        if amount.is_zero() {
            continue;
        }
        let notional = output::decimal_text(p.notional)?;
        open.push((amount, notional.abs(), p));
    }
    open.sort_by_key(|(_, notional, p)| (Reverse(*notional), p.symbol));
    let available = open.len();
    let mut rows = Vec::with_capacity(available.min(POSITIONS_CAP));
    for (amount, _, p) in open.iter().take(POSITIONS_CAP) {
        let leverage: i64 = p.leverage.parse().map_err(|_| {
            ToolError::bad_exchange_data(format!("leverage '{}' is not an integer", p.leverage))
        })?;
        rows.push(json!([
            p.symbol,
            if *amount > Decimal::ZERO {
                "LONG"
            } else {
                "SHORT"
            },
            crate::fields::dec_string(amount.abs()),
            output::dec_text(p.entry_price)?,
            output::dec_text(p.mark_price)?,
            output::dec_text(p.un_realized_profit)?,
            leverage,
            margin_type(p.margin_type),
            output::dec_text(p.liquidation_price)?,
            output::dec_text(p.notional)?,
            output::dec_text(p.isolated_margin)?,
            p.update_time,
            time::iso8601_ms(p.update_time),
        ]));
    }
    let marker = (available > POSITIONS_CAP).then(|| {
        output::marker(
            POSITIONS_CAP,
            available,
            Keep::First,
            "the largest are listed; pass symbol for another",
        )
    });
    Ok(with_marker(
        table(json!({}), POSITION_COLUMNS, rows),
        marker,
    ))
}
