//! Deposit and withdrawal history, as rows under one column header, newest
//! first as Binance lists them, paged with `offset`.

use crate::{coin_schema, id_text, text_time, with_marker, Raw, DAY_MS};
use binance_mcp_plugin::args::Args;
use binance_mcp_plugin::capability::WALLET_READ;
use binance_mcp_plugin::output::{self, Keep};
use binance_mcp_plugin::{
    json, schema, time, Annotations, Exchange, Request, Run, Tool, ToolError, Value,
};
use serde::Deserialize;
use std::borrow::Cow;

/// Most deposits or withdrawals one answer lists (a row is about 250-330
/// bytes: addresses and transaction ids are long).
pub const HISTORY_CAP: usize = 120;
/// The `limit` sent when none is given, sized so a default answer stays
/// under 16 KB.
pub const HISTORY_DEFAULT_LIMIT: i64 = 40;

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

const DEPOSIT_COLUMNS: &[&str] = &[
    "insertTime",
    "coin",
    "network",
    "amount",
    "status",
    "address",
    "addressTag",
    "txId",
    "completeTime",
    "confirmTimes",
    "id",
];

const WITHDRAW_COLUMNS: &[&str] = &[
    "applyTime",
    "coin",
    "network",
    "amount",
    "transactionFee",
    "status",
    "address",
    "addressTag",
    "txId",
    "completeTime",
    "withdrawOrderId",
    "info",
    "id",
];

/// A status code as its name (`"unknown (9)"` for a code Binance added).
fn status_name(table: &[(i64, &str)], code: i64) -> String {
    table
        .iter()
        .find(|(c, _)| *c == code)
        .map(|(_, n)| n.to_string())
        .unwrap_or_else(|| format!("unknown ({code})"))
}

/// The `status` filter: a status name as the rows show it, or Binance's
/// code for it.
fn status_arg(args: &str, a: &Args, table: &[(i64, &str)]) -> Result<Option<i64>, ToolError> {
    let refuse = |shown: &str| {
        let valid: Vec<String> = table
            .iter()
            .map(|(c, n)| format!("\"{n}\" ({c})"))
            .collect();
        ToolError::invalid(
            "status",
            format!("{shown} is not a status; valid: {}", valid.join(", ")),
            &format!("\"{}\"", table[0].1),
        )
    };
    let by_name = Raw::parse(args)
        .string("status", "")
        .ok()
        .flatten()
        .filter(|s| !s.bytes().all(|b| b.is_ascii_digit()));
    let code = match by_name {
        Some(name) => table
            .iter()
            .find(|(_, n)| n.eq_ignore_ascii_case(&name))
            .map(|(c, _)| *c)
            .ok_or_else(|| refuse(&format!("'{name}'")))?,
        None => match a.integer("status", 0, 99)? {
            None => return Ok(None),
            Some(c) => c,
        },
    };
    if table.iter().any(|(c, _)| *c == code) {
        Ok(Some(code))
    } else {
        Err(refuse(&code.to_string()))
    }
}

/// The input schema shared by the two histories.
fn history_input(table: &[(i64, &str)]) -> Value {
    let names: Vec<&str> = table.iter().map(|(_, n)| *n).collect();
    schema::object(
        json!({
            "coin": coin_schema(),
            "status": { "enum": names },
            "startTime": schema::time(""),
            "endTime": schema::end_time(),
            "offset": { "type": "integer" },
            "limit": schema::integer(1, 1000, HISTORY_DEFAULT_LIMIT, "")
        }),
        &[],
    )
}

fn history_output(columns: &[&str]) -> Value {
    schema::output(
        json!({
            "columns": schema::columns(columns),
            "rows": schema::rows(),
            "truncated": schema::truncated()
        }),
        &["columns", "rows"],
    )
}

/// The request the two histories share, and the offset it starts at.
fn history_request(
    path: &str,
    args: &str,
    table: &[(i64, &str)],
) -> Result<(Request, i64, i64), ToolError> {
    let a = Args::parse(
        args,
        &["coin", "status", "startTime", "endTime", "offset", "limit"],
    )?;
    let coin = Raw::parse(args).coin("coin")?;
    let status = status_arg(args, &a, table)?;
    let (start, end) = a.time_window(Some((90 * DAY_MS, "90 days")))?;
    let offset = a.integer("offset", 0, i64::from(i32::MAX))?.unwrap_or(0);
    let limit = a
        .integer("limit", 1, 1000)?
        .unwrap_or(HISTORY_DEFAULT_LIMIT);
    let req = Request::spot_get(path)
        .opt_param("coin", coin)
        .opt_param("status", status)
        .opt_param("startTime", start)
        .opt_param("endTime", end)
        .param("offset", offset)
        .param("limit", limit);
    Ok((req, offset, limit))
}

/// The answer: the first [`HISTORY_CAP`] of `fetched` rows (only those are
/// shaped), `nextOffset` when more may follow, the marker when cut.
fn history_answer<T>(
    columns: &[&str],
    fetched: &[T],
    offset: i64,
    limit: i64,
    shape: impl Fn(&T) -> Result<Value, ToolError>,
) -> Result<Value, ToolError> {
    let kept = &fetched[..fetched.len().min(HISTORY_CAP)];
    let rows = kept.iter().map(shape).collect::<Result<Vec<_>, _>>()?;
    let mut out = crate::table(json!({}), columns, rows);
    if fetched.len() > HISTORY_CAP || fetched.len() as i64 >= limit {
        out["nextOffset"] = json!(offset.saturating_add(kept.len() as i64));
    }
    let marker = (fetched.len() > HISTORY_CAP).then(|| {
        output::marker(
            HISTORY_CAP,
            fetched.len(),
            Keep::First,
            "the newest are listed; continue with offset = nextOffset",
        )
    });
    Ok(with_marker(out, marker))
}

/// Text that may be absent or empty, as `""`.
fn text<'a>(v: &'a Option<Cow<'a, str>>) -> &'a str {
    v.as_deref().unwrap_or("")
}

/// `get_deposit_history`: deposits as rows.
pub const DEPOSIT_HISTORY: Tool = Tool {
    name: "get_deposit_history",
    title: "Deposits",
    description: "Deposits as rows, newest first; window 90 days at most (default the last 90); page with offset = nextOffset. 120 listed.",
    input_schema: || history_input(DEPOSIT_STATUS),
    output_schema: || history_output(DEPOSIT_COLUMNS),
    annotations: Annotations::READ_ONLY_EXCHANGE,
    capabilities: &[WALLET_READ],
    run: Run::Value(deposit_history),
};

/// One deposit, borrowed from the body.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Deposit<'a> {
    id: Value,
    amount: &'a str,
    coin: &'a str,
    network: &'a str,
    status: i64,
    #[serde(borrow)]
    address: Cow<'a, str>,
    #[serde(default, borrow)]
    address_tag: Option<Cow<'a, str>>,
    #[serde(default, borrow)]
    tx_id: Option<Cow<'a, str>>,
    insert_time: i64,
    #[serde(default)]
    complete_time: Option<i64>,
    #[serde(default, borrow)]
    confirm_times: Option<Cow<'a, str>>,
}

fn deposit_history(ex: &dyn Exchange, args: &str) -> Result<Value, ToolError> {
    let (req, offset, limit) =
        history_request("/sapi/v1/capital/deposit/hisrec", args, DEPOSIT_STATUS)?;
    let resp = ex.send(&req)?;
    let deposits: Vec<Deposit> = resp.parse()?;
    history_answer(DEPOSIT_COLUMNS, &deposits, offset, limit, |d| {
        Ok(json!([
            time::iso8601_ms(d.insert_time),
            d.coin,
            d.network,
            output::dec_text(d.amount)?,
            status_name(DEPOSIT_STATUS, d.status),
            d.address,
            text(&d.address_tag),
            text(&d.tx_id),
            d.complete_time.filter(|t| *t > 0).map(time::iso8601_ms),
            text(&d.confirm_times),
            id_text(&d.id)?,
        ]))
    })
}

/// `get_withdraw_history`: withdrawals as rows.
pub const WITHDRAW_HISTORY: Tool = Tool {
    name: "get_withdraw_history",
    title: "Withdrawals",
    description: "Withdrawals as rows, newest first; window 90 days at most; page with offset = nextOffset. 120 listed.",
    input_schema: || history_input(WITHDRAW_STATUS),
    output_schema: || history_output(WITHDRAW_COLUMNS),
    annotations: Annotations::READ_ONLY_EXCHANGE,
    capabilities: &[WALLET_READ],
    run: Run::Value(withdraw_history),
};

/// One withdrawal, borrowed from the body. Binance sends its times as UTC
/// text (`"2019-10-12 11:12:02"`).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Withdrawal<'a> {
    id: Value,
    amount: &'a str,
    transaction_fee: &'a str,
    coin: &'a str,
    #[serde(default, borrow)]
    network: Option<Cow<'a, str>>,
    status: i64,
    #[serde(borrow)]
    address: Cow<'a, str>,
    #[serde(default, borrow)]
    address_tag: Option<Cow<'a, str>>,
    #[serde(default, borrow)]
    tx_id: Option<Cow<'a, str>>,
    #[serde(borrow)]
    apply_time: Cow<'a, str>,
    #[serde(default, borrow)]
    complete_time: Option<Cow<'a, str>>,
    #[serde(default, borrow)]
    withdraw_order_id: Option<Cow<'a, str>>,
    #[serde(default, borrow)]
    info: Option<Cow<'a, str>>,
}

fn withdraw_history(ex: &dyn Exchange, args: &str) -> Result<Value, ToolError> {
    let (req, offset, limit) =
        history_request("/sapi/v1/capital/withdraw/history", args, WITHDRAW_STATUS)?;
    let resp = ex.send(&req)?;
    let withdrawals: Vec<Withdrawal> = resp.parse()?;
    history_answer(WITHDRAW_COLUMNS, &withdrawals, offset, limit, |w| {
        let complete = match w.complete_time.as_deref() {
            None | Some("") => None,
            Some(t) => Some(text_time(t)?),
        };
        Ok(json!([
            text_time(&w.apply_time)?,
            w.coin,
            text(&w.network),
            output::dec_text(w.amount)?,
            output::dec_text(w.transaction_fee)?,
            status_name(WITHDRAW_STATUS, w.status),
            w.address,
            text(&w.address_tag),
            text(&w.tx_id),
            complete,
            text(&w.withdraw_order_id),
            text(&w.info),
            id_text(&w.id)?,
        ]))
    })
}
