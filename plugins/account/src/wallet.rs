//! Wallet reads: transfers between the account's own wallets, and the
//! deposit address.

use crate::{coin_schema, with_marker, Raw};
use binance_mcp_plugin::args::Args;
// By path: `DEPOSIT_ADDRESS` here is the tool.
use binance_mcp_plugin::capability;
use binance_mcp_plugin::exchange::fetch;
use binance_mcp_plugin::output::{self, Keep};
use binance_mcp_plugin::{
    json, schema, time, Annotations, Exchange, Request, Run, Tool, ToolError, Value,
};
use serde::Deserialize;

/// Most transfers one answer lists (Binance's page size is at most 100; a
/// row is about 90 bytes).
pub const TRANSFERS_CAP: usize = 100;

/// Binance's universal transfer types (`type` of /sapi/v1/asset/transfer).
pub const TRANSFER_TYPES: &[&str] = &[
    "MAIN_UMFUTURE",
    "MAIN_CMFUTURE",
    "MAIN_MARGIN",
    "UMFUTURE_MAIN",
    "UMFUTURE_MARGIN",
    "CMFUTURE_MAIN",
    "CMFUTURE_MARGIN",
    "MARGIN_MAIN",
    "MARGIN_UMFUTURE",
    "MARGIN_CMFUTURE",
    "ISOLATEDMARGIN_MARGIN",
    "MARGIN_ISOLATEDMARGIN",
    "ISOLATEDMARGIN_ISOLATEDMARGIN",
    "MAIN_FUNDING",
    "FUNDING_MAIN",
    "FUNDING_UMFUTURE",
    "UMFUTURE_FUNDING",
    "MARGIN_FUNDING",
    "FUNDING_MARGIN",
    "FUNDING_CMFUTURE",
    "CMFUTURE_FUNDING",
    "MAIN_OPTION",
    "OPTION_MAIN",
    "UMFUTURE_OPTION",
    "OPTION_UMFUTURE",
    "MARGIN_OPTION",
    "OPTION_MARGIN",
    "FUNDING_OPTION",
    "OPTION_FUNDING",
    "MAIN_PORTFOLIO_MARGIN",
    "PORTFOLIO_MARGIN_MAIN",
];

/// The columns of a transfer row (every row has the type asked for).
const TRANSFER_COLUMNS: &[&str] = &["timestamp", "asset", "amount", "status", "tranId"];

/// `get_universal_transfer_history`: transfers between own wallets as rows.
pub const UNIVERSAL_TRANSFER_HISTORY: Tool = Tool {
    name: "get_universal_transfer_history",
    title: "Wallet transfers",
    description: "Transfers of one type between your own wallets as rows; the last 7 days unless a window. Pages: current, size.",
    input_schema: || {
        schema::object(
            json!({
                "type": { "type": "string", "description": "e.g. MAIN_UMFUTURE" },
                "startTime": schema::time(""),
                "endTime": schema::end_time(),
                "current": { "type": "integer" },
                "size": schema::integer(1, 100, 10, ""),
                "fromSymbol": schema::string(),
                "toSymbol": schema::string()
            }),
            &["type"],
        )
    },
    output_schema: || {
        schema::output(
            json!({
                "total": schema::int(),
                "columns": schema::columns(TRANSFER_COLUMNS),
                "rows": schema::rows(),
                "truncated": schema::truncated()
            }),
            &["total", "columns", "rows"],
        )
    },
    annotations: Annotations::READ_ONLY_EXCHANGE,
    capabilities: &[capability::WALLET_READ],
    run: Run::Value(universal_transfer_history),
};

/// One page of `/sapi/v1/asset/transfer`, borrowed from the body; Binance
/// leaves `rows` out when nothing matched.
#[derive(Deserialize)]
struct TransferPage<'a> {
    total: i64,
    #[serde(default, borrow)]
    rows: Vec<Transfer<'a>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Transfer<'a> {
    asset: &'a str,
    amount: &'a str,
    status: &'a str,
    tran_id: i64,
    timestamp: i64,
}

fn universal_transfer_history(ex: &dyn Exchange, args: &str) -> Result<Value, ToolError> {
    let a = Args::parse(
        args,
        &[
            "type",
            "startTime",
            "endTime",
            "current",
            "size",
            "fromSymbol",
            "toSymbol",
        ],
    )?;
    let kind = a
        .one_of("type", TRANSFER_TYPES)?
        .ok_or_else(|| ToolError::invalid("type", "is required", "\"MAIN_UMFUTURE\""))?;
    let (start, end) = a.time_window(None)?;
    let current = a.integer("current", 1, i64::from(i32::MAX))?.unwrap_or(1);
    let size = a.integer("size", 1, 100)?.unwrap_or(10);
    let from_symbol = a.symbol("fromSymbol")?;
    let to_symbol = a.symbol("toSymbol")?;
    for (needed, name, given) in [
        (
            kind.starts_with("ISOLATEDMARGIN_"),
            "fromSymbol",
            &from_symbol,
        ),
        (kind.ends_with("_ISOLATEDMARGIN"), "toSymbol", &to_symbol),
    ] {
        if needed && given.is_none() {
            return Err(ToolError::invalid(
                name,
                format!("is required for type {kind}"),
                "\"BTCUSDT\"",
            ));
        }
    }
    let req = Request::spot_get("/sapi/v1/asset/transfer")
        .param("type", &kind)
        .opt_param("startTime", start)
        .opt_param("endTime", end)
        .param("current", current)
        .param("size", size)
        .opt_param("fromSymbol", from_symbol)
        .opt_param("toSymbol", to_symbol);
    let resp = ex.send(&req)?;
    let page: TransferPage = resp.parse()?;
    let kept = &page.rows[..page.rows.len().min(TRANSFERS_CAP)];
    let mut rows = Vec::with_capacity(kept.len());
    for t in kept {
        rows.push(json!([
            time::iso8601_ms(t.timestamp),
            t.asset,
            output::dec_text(t.amount)?,
            t.status,
            t.tran_id,
        ]));
    }
    let out = crate::table(
        json!({ "type": kind, "total": page.total, "current": current, "size": size }),
        TRANSFER_COLUMNS,
        rows,
    );
    let marker = (page.rows.len() > TRANSFERS_CAP)
        .then(|| output::marker(TRANSFERS_CAP, page.rows.len(), Keep::First, "lower size"));
    Ok(with_marker(out, marker))
}

/// The warning every deposit-address answer carries.
pub const ADDRESS_WARNING: &str = "Verify this address in the Binance app or website before sending funds: an address shown in a chat transcript can be altered or substituted (address-substitution scams).";

/// `get_deposit_address`: the deposit address, with its warning.
pub const DEPOSIT_ADDRESS: Tool = Tool {
    name: "get_deposit_address",
    title: "Deposit address",
    description: "The deposit address (and tag/memo) for a coin on a network (default: Binance's). WARNING: address-substitution scams; always verify the address in the Binance app before sending funds.",
    input_schema: || {
        schema::object(
            json!({ "coin": coin_schema(), "network": { "type": "string", "description": "e.g. BSC" } }),
            &["coin"],
        )
    },
    output_schema: || {
        schema::output(
            json!({ "address": schema::string(), "tag": schema::string() }),
            &["coin", "address", "tag", "url", "warning"],
        )
    },
    annotations: Annotations::READ_ONLY_EXCHANGE,
    capabilities: &[capability::DEPOSIT_ADDRESS],
    run: Run::Value(deposit_address),
};

fn deposit_address(ex: &dyn Exchange, args: &str) -> Result<Value, ToolError> {
    Args::parse(args, &["coin", "network"])?;
    let raw = Raw::parse(args);
    let coin = raw.required_coin("coin")?;
    let network = match raw.string("network", "\"BSC\"")? {
        None => None,
        Some(n) => {
            let up = n.to_ascii_uppercase();
            let ok = !up.is_empty()
                && up.len() <= 30
                && up
                    .bytes()
                    .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b"_-".contains(&b));
            if !ok {
                return Err(ToolError::invalid(
                    "network",
                    format!("'{n}' is not a network name (1-30 of A-Z 0-9 _ -)"),
                    "\"BSC\"",
                ));
            }
            Some(up)
        }
    };
    let req = Request::spot_get("/sapi/v1/capital/deposit/address")
        .param("coin", &coin)
        .opt_param("network", network.as_ref());
    let body: Value = fetch(ex, &req)?;
    let address = output::text(&body["address"])?;
    if address.is_empty() {
        return Err(ToolError::bad_exchange_data("an empty deposit address"));
    }
    let mut out = json!({
        "coin": output::text(&body["coin"])?,
        "address": address,
        "tag": body["tag"].as_str().unwrap_or(""),
        "url": body["url"].as_str().unwrap_or(""),
        "warning": ADDRESS_WARNING,
    });
    if let Some(n) = network {
        out["network"] = json!(n);
    }
    Ok(out)
}
