//! Wallet reads: deposit and withdrawal history, universal transfers, and the
//! deposit address.

use crate::{coin_schema, id_text, opt_text, with_marker, Raw, DAY_MS};
use binance_mcp_plugin::args::Args;
use binance_mcp_plugin::exchange::fetch;
use binance_mcp_plugin::output::{self, cap, Keep};
use binance_mcp_plugin::{json, schema, Annotations, Exchange, Request, Tool, ToolError, Value};

/// Most deposits or withdrawals one answer lists.
pub const HISTORY_CAP: usize = 200;
/// Most transfers one answer lists (Binance's page size is at most 100).
pub const TRANSFERS_CAP: usize = 100;

/// Deposit statuses (`status` of /sapi/v1/capital/deposit/hisrec).
const DEPOSIT_STATUS: &[(i64, &str)] = &[
    (0, "pending"),
    (1, "success"),
    (2, "rejected"),
    (6, "credited but cannot withdraw"),
    (7, "wrong deposit"),
    (8, "waiting user confirm"),
];

/// Withdrawal statuses (`status` of /sapi/v1/capital/withdraw/history).
const WITHDRAW_STATUS: &[(i64, &str)] = &[
    (0, "email sent"),
    (1, "cancelled"),
    (2, "awaiting approval"),
    (3, "rejected"),
    (4, "processing"),
    (5, "failure"),
    (6, "completed"),
];

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

fn status_name(table: &[(i64, &str)], code: i64) -> String {
    table
        .iter()
        .find(|(c, _)| *c == code)
        .map(|(_, n)| n.to_string())
        .unwrap_or_else(|| format!("unknown ({code})"))
}

fn status_arg(a: &Args, table: &[(i64, &str)]) -> Result<Option<i64>, ToolError> {
    let Some(s) = a.integer("status", 0, 99)? else {
        return Ok(None);
    };
    if table.iter().any(|(c, _)| *c == s) {
        Ok(Some(s))
    } else {
        let valid: Vec<String> = table.iter().map(|(c, n)| format!("{c} ({n})")).collect();
        Err(ToolError::invalid(
            "status",
            format!("{s} is not a status; valid: {}", valid.join(", ")),
            &table[0].0.to_string(),
        ))
    }
}

fn status_schema(table: &[(i64, &str)]) -> Value {
    let codes: Vec<i64> = table.iter().map(|(c, _)| *c).collect();
    let names: Vec<String> = table.iter().map(|(c, n)| format!("{c} {n}")).collect();
    json!({ "type": "integer", "enum": codes, "description": format!("Only this status: {}.", names.join(", ")) })
}

/// The input schema shared by the deposit and withdrawal histories.
fn history_input(table: &[(i64, &str)]) -> Value {
    schema::object(
        json!({
            "coin": coin_schema("Only this coin."),
            "status": status_schema(table),
            "startTime": schema::timestamp("At or after this (Binance's default: 90 days before endTime)."),
            "endTime": schema::timestamp("At or before this (at most 90 days after startTime)."),
            "offset": { "type": "integer", "minimum": 0, "default": 0, "description": "Records to skip (paging)." },
            "limit": schema::integer(1, 1000, 100, "How many records to fetch.")
        }),
        &[],
    )
}

/// Arguments shared by the two histories, as a request.
fn history_request(
    path: &str,
    args: &str,
    table: &[(i64, &str)],
) -> Result<(Request, i64), ToolError> {
    let a = Args::parse(
        args,
        &["coin", "status", "startTime", "endTime", "offset", "limit"],
    )?;
    let raw = Raw::parse(args);
    let coin = raw.coin("coin")?;
    let status = status_arg(&a, table)?;
    let (start, end) = a.time_window(Some((90 * DAY_MS, "90 days")))?;
    let offset = a.integer("offset", 0, i64::from(i32::MAX))?.unwrap_or(0);
    let limit = a.integer("limit", 1, 1000)?.unwrap_or(100);
    let req = Request::spot_get(path)
        .opt_param("coin", coin)
        .opt_param("status", status)
        .opt_param("startTime", start)
        .opt_param("endTime", end)
        .param("offset", offset)
        .param("limit", limit);
    Ok((req, offset))
}

/// Cut a history to [`HISTORY_CAP`], the marker giving the offset to go on from.
fn cap_history(rows: Vec<Value>, offset: i64) -> (Vec<Value>, Option<Value>) {
    let (rows, marker) = cap(
        rows,
        HISTORY_CAP,
        Keep::First,
        "lower limit, narrow startTime/endTime, or continue with offset = nextOffset",
    );
    let marker = marker.map(|mut m| {
        m["nextOffset"] = json!(offset.saturating_add(HISTORY_CAP as i64));
        m
    });
    (rows, marker)
}

fn truncation_with_offset() -> Value {
    let mut t = schema::truncation();
    t["properties"]["nextOffset"] =
        json!({ "type": "integer", "description": "Pass as offset to continue" });
    t
}

pub const DEPOSIT_HISTORY: Tool = Tool {
    name: "get_deposit_history",
    title: "Deposit history",
    description: "The account's deposits as Binance lists them (newest first): coin, network, amount, status (0 pending, 1 success, 2 rejected, 6 credited but cannot withdraw, 7 wrong deposit, 8 waiting user confirm), address, tag, transaction id, confirmations, times. Without startTime/endTime Binance covers the last 90 days; a window may span at most 90 days. limit 1-1000 (default 100), offset to page; at most 200 are listed.",
    input_schema: || history_input(DEPOSIT_STATUS),
    output_schema: || {
        let d = schema::decimal;
        schema::object(
            json!({
                "deposits": { "type": "array", "items": {
                    "type": "object",
                    "properties": {
                        "id": { "type": "string" }, "coin": { "type": "string" }, "network": { "type": "string" },
                        "amount": d("Amount deposited"),
                        "status": { "type": "integer" }, "statusText": { "type": "string" },
                        "address": { "type": "string" }, "addressTag": { "type": "string", "description": "Memo/tag; present when set" },
                        "txId": { "type": "string" },
                        "insertTime": { "type": "integer" }, "completeTime": { "type": "integer", "description": "Present once completed" },
                        "confirmTimes": { "type": "string", "description": "Confirmations, e.g. 12/12" }
                    },
                    "required": ["id", "coin", "network", "amount", "status", "statusText", "address", "txId", "insertTime"],
                    "additionalProperties": false
                }},
                "truncated": truncation_with_offset()
            }),
            &["deposits"],
        )
    },
    annotations: Annotations::READ_ONLY_EXCHANGE,
    run: deposit_history,
};

fn deposit_history(ex: &dyn Exchange, args: &str) -> Result<Value, ToolError> {
    let (req, offset) = history_request("/sapi/v1/capital/deposit/hisrec", args, DEPOSIT_STATUS)?;
    let body: Vec<Value> = fetch(ex, &req)?;
    let mut rows = Vec::with_capacity(body.len());
    for r in &body {
        let status = output::int(&r["status"])?;
        let mut row = json!({
            "id": id_text(&r["id"])?,
            "coin": output::text(&r["coin"])?,
            "network": output::text(&r["network"])?,
            "amount": output::dec(&r["amount"])?,
            "status": status,
            "statusText": status_name(DEPOSIT_STATUS, status),
            "address": output::text(&r["address"])?,
            "txId": output::text(&r["txId"])?,
            "insertTime": output::int(&r["insertTime"])?,
        });
        if let Some(tag) = opt_text(&r["addressTag"]) {
            row["addressTag"] = json!(tag);
        }
        if let Some(t) = r["completeTime"].as_i64().filter(|t| *t > 0) {
            row["completeTime"] = json!(t);
        }
        if let Some(c) = opt_text(&r["confirmTimes"]) {
            row["confirmTimes"] = json!(c);
        }
        rows.push(row);
    }
    let (rows, truncated) = cap_history(rows, offset);
    Ok(with_marker(json!({ "deposits": rows }), truncated))
}

pub const WITHDRAW_HISTORY: Tool = Tool {
    name: "get_withdraw_history",
    title: "Withdrawal history",
    description: "The account's withdrawals as Binance lists them (newest first): coin, network, amount, fee, status (0 email sent, 1 cancelled, 2 awaiting approval, 3 rejected, 4 processing, 5 failure, 6 completed), address, tag, transaction id, apply and completion time (UTC text as Binance gives it), and Binance's note. Read-only: this tool cannot withdraw. A window may span at most 90 days. limit 1-1000 (default 100), offset to page; at most 200 are listed.",
    input_schema: || history_input(WITHDRAW_STATUS),
    output_schema: || {
        let d = schema::decimal;
        schema::object(
            json!({
                "withdrawals": { "type": "array", "items": {
                    "type": "object",
                    "properties": {
                        "id": { "type": "string" }, "coin": { "type": "string" }, "network": { "type": "string" },
                        "amount": d("Amount withdrawn"), "transactionFee": d("Fee"),
                        "status": { "type": "integer" }, "statusText": { "type": "string" },
                        "address": { "type": "string" }, "addressTag": { "type": "string", "description": "Memo/tag; present when set" },
                        "txId": { "type": "string", "description": "Present once broadcast" },
                        "applyTime": { "type": "string", "description": "UTC, 'YYYY-MM-DD HH:MM:SS'" },
                        "completeTime": { "type": "string", "description": "UTC; present once completed" },
                        "withdrawOrderId": { "type": "string", "description": "Client id; present when set" },
                        "info": { "type": "string", "description": "Binance's note (e.g. a failure reason); present when set" }
                    },
                    "required": ["id", "coin", "network", "amount", "transactionFee", "status", "statusText", "address", "applyTime"],
                    "additionalProperties": false
                }},
                "truncated": truncation_with_offset()
            }),
            &["withdrawals"],
        )
    },
    annotations: Annotations::READ_ONLY_EXCHANGE,
    run: withdraw_history,
};

fn withdraw_history(ex: &dyn Exchange, args: &str) -> Result<Value, ToolError> {
    let (req, offset) =
        history_request("/sapi/v1/capital/withdraw/history", args, WITHDRAW_STATUS)?;
    let body: Vec<Value> = fetch(ex, &req)?;
    let mut rows = Vec::with_capacity(body.len());
    for r in &body {
        let status = output::int(&r["status"])?;
        let mut row = json!({
            "id": id_text(&r["id"])?,
            "coin": output::text(&r["coin"])?,
            "network": output::text(&r["network"])?,
            "amount": output::dec(&r["amount"])?,
            "transactionFee": output::dec(&r["transactionFee"])?,
            "status": status,
            "statusText": status_name(WITHDRAW_STATUS, status),
            "address": output::text(&r["address"])?,
            "applyTime": output::text(&r["applyTime"])?,
        });
        for f in [
            "addressTag",
            "txId",
            "completeTime",
            "withdrawOrderId",
            "info",
        ] {
            if let Some(v) = opt_text(&r[f]) {
                row[f] = json!(v);
            }
        }
        rows.push(row);
    }
    let (rows, truncated) = cap_history(rows, offset);
    Ok(with_marker(json!({ "withdrawals": rows }), truncated))
}

pub const UNIVERSAL_TRANSFER_HISTORY: Tool = Tool {
    name: "get_universal_transfer_history",
    title: "Universal transfer history",
    description: "Transfers between the account's own wallets of one type (e.g. MAIN_UMFUTURE = spot to USD-M futures, FUNDING_MAIN = funding to spot): asset, amount, status (CONFIRMED, PENDING, FAILED), id, time. Read-only: this tool cannot transfer. Binance keeps the last 6 months; without startTime/endTime it returns the last 7 days. Pages: current (from 1) and size (1-100, default 10); total is the number of matching transfers. fromSymbol is required by Binance for ISOLATEDMARGIN_MARGIN and ISOLATEDMARGIN_ISOLATEDMARGIN, toSymbol for MARGIN_ISOLATEDMARGIN and ISOLATEDMARGIN_ISOLATEDMARGIN.",
    input_schema: || {
        schema::object(
            json!({
                "type": { "type": "string", "enum": TRANSFER_TYPES, "description": "Source and destination wallet: MAIN = spot, UMFUTURE = USD-M futures, CMFUTURE = COIN-M futures, MARGIN = cross margin, ISOLATEDMARGIN, FUNDING, OPTION, PORTFOLIO_MARGIN." },
                "startTime": schema::timestamp("At or after this."),
                "endTime": schema::timestamp("At or before this."),
                "current": { "type": "integer", "minimum": 1, "default": 1, "description": "Page number, from 1." },
                "size": schema::integer(1, 100, 10, "Page size."),
                "fromSymbol": schema::symbol("Isolated margin pair transferred from."),
                "toSymbol": schema::symbol("Isolated margin pair transferred to.")
            }),
            &["type"],
        )
    },
    output_schema: || {
        schema::object(
            json!({
                "type": { "type": "string" },
                "total": { "type": "integer", "description": "Matching transfers across all pages" },
                "current": { "type": "integer" },
                "size": { "type": "integer" },
                "rows": { "type": "array", "items": {
                    "type": "object",
                    "properties": {
                        "tranId": { "type": "integer" }, "asset": { "type": "string" },
                        "amount": schema::decimal("Amount transferred"),
                        "type": { "type": "string" }, "status": { "type": "string" },
                        "timestamp": { "type": "integer" }
                    },
                    "required": ["tranId", "asset", "amount", "type", "status", "timestamp"],
                    "additionalProperties": false
                }},
                "truncated": schema::truncation()
            }),
            &["type", "total", "current", "size", "rows"],
        )
    },
    annotations: Annotations::READ_ONLY_EXCHANGE,
    run: universal_transfer_history,
};

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
    let needs_from = kind.starts_with("ISOLATEDMARGIN_");
    let needs_to = kind.ends_with("_ISOLATEDMARGIN");
    if needs_from && from_symbol.is_none() {
        return Err(ToolError::invalid(
            "fromSymbol",
            format!("is required for type {kind}"),
            "\"BTCUSDT\"",
        ));
    }
    if needs_to && to_symbol.is_none() {
        return Err(ToolError::invalid(
            "toSymbol",
            format!("is required for type {kind}"),
            "\"BTCUSDT\"",
        ));
    }
    let req = Request::spot_get("/sapi/v1/asset/transfer")
        .param("type", &kind)
        .opt_param("startTime", start)
        .opt_param("endTime", end)
        .param("current", current)
        .param("size", size)
        .opt_param("fromSymbol", from_symbol)
        .opt_param("toSymbol", to_symbol);
    let body: Value = fetch(ex, &req)?;
    let total = output::int(&body["total"])?;
    // Binance leaves `rows` out when nothing matched.
    let raw = match &body["rows"] {
        Value::Array(r) => r.as_slice(),
        Value::Null => &[],
        other => {
            return Err(ToolError::bad_exchange_data(format!(
                "rows is not a list: {other}"
            )))
        }
    };
    let mut rows = Vec::with_capacity(raw.len());
    for r in raw {
        rows.push(json!({
            "tranId": output::int(&r["tranId"])?,
            "asset": output::text(&r["asset"])?,
            "amount": output::dec(&r["amount"])?,
            "type": output::text(&r["type"])?,
            "status": output::text(&r["status"])?,
            "timestamp": output::int(&r["timestamp"])?,
        }));
    }
    let (rows, truncated) = cap(rows, TRANSFERS_CAP, Keep::First, "lower size");
    Ok(with_marker(
        json!({ "type": kind, "total": total, "current": current, "size": size, "rows": rows }),
        truncated,
    ))
}

/// The warning every deposit-address answer carries.
pub const ADDRESS_WARNING: &str = "Verify this address in the Binance app or website before sending funds: an address shown in a chat transcript can be altered or substituted (address-substitution scams).";

pub const DEPOSIT_ADDRESS: Tool = Tool {
    name: "get_deposit_address",
    title: "Deposit address",
    description: "The account's deposit address for a coin (and network; Binance's default network when omitted): address, tag/memo (when the network needs one) and a block-explorer url. WARNING: addresses shown in transcripts invite address-substitution scams — always verify the address in the Binance app before sending funds, and never send to an address taken from this conversation alone.",
    input_schema: || {
        schema::object(
            json!({
                "coin": coin_schema("The coin to deposit."),
                "network": {
                    "type": "string",
                    "pattern": "^[A-Za-z0-9_-]{1,30}$",
                    "description": "Network such as BTC, ETH, BSC or TRX; upper-cased. Omit for the coin's default network."
                }
            }),
            &["coin"],
        )
    },
    output_schema: || {
        schema::object(
            json!({
                "coin": { "type": "string" },
                "network": { "type": "string", "description": "The network asked for; absent when Binance's default was used" },
                "address": { "type": "string" },
                "tag": { "type": "string", "description": "Memo/tag to include with the deposit; empty when the network needs none" },
                "url": { "type": "string", "description": "Block-explorer link for the address" },
                "warning": { "type": "string" }
            }),
            &["coin", "address", "tag", "url", "warning"],
        )
    },
    annotations: Annotations::READ_ONLY_EXCHANGE,
    run: deposit_address,
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
