//! Daily account snapshots (SPOT, MARGIN, FUTURES), each day's lists as rows
//! under one column header per list, cut evenly across the days so that a
//! month of a large account still fits one answer.

use crate::{dec_text, with_marker, DAY_MS};
use binance_mcp_plugin::args::Args;
use binance_mcp_plugin::capability::WALLET_READ;
use binance_mcp_plugin::exchange::fetch;
use binance_mcp_plugin::output::{self, Keep};
use binance_mcp_plugin::{
    json, schema, Annotations, ErrorKind, Exchange, Request, Run, Tool, ToolError, Value,
};

/// Bytes of rows one answer lists, shared evenly by its days (a day's lists
/// are cut to its share, so 7 days list about 1.7 KB of rows each, 30 days
/// about 400 bytes).
pub const SNAPSHOT_ROW_BYTES: usize = 12_000;

/// The account types `get_account_snapshot` takes, as Binance spells them.
const SNAPSHOT_TYPES: [&str; 3] = ["SPOT", "MARGIN", "FUTURES"];

/// Row headers by list name.
const BALANCE_COLUMNS: &[&str] = &["asset", "free", "locked"];
const MARGIN_COLUMNS: &[&str] = &[
    "asset", "free", "locked", "borrowed", "interest", "netAsset",
];
const FUTURES_ASSET_COLUMNS: &[&str] = &["asset", "walletBalance", "marginBalance"];
const POSITION_COLUMNS: &[&str] = &[
    "symbol",
    "positionAmt",
    "entryPrice",
    "markPrice",
    "unRealizedProfit",
];

/// `get_account_snapshot`: daily snapshots of one account type.
pub const ACCOUNT_SNAPSHOT: Tool = Tool {
    name: "get_account_snapshot",
    title: "Daily snapshots",
    description: "Daily snapshots (SPOT, MARGIN, FUTURES) of 7-30 days, oldest first, lists as rows cut to ~12 KB in all. Weight 2400: call sparingly.",
    input_schema: || {
        schema::object(
            json!({
                "type": { "enum": SNAPSHOT_TYPES, "default": "SPOT" },
                "startTime": schema::time(""),
                "endTime": schema::end_time(),
                "limit": schema::integer(7, 30, 7, "")
            }),
            &[],
        )
    },
    output_schema: || {
        schema::output(
            json!({
                "type": schema::string(),
                "columns": { "type": "object" },
                "snapshots": schema::array(json!({ "type": "object", "required": ["updateTime"] }))
            }),
            &["columns", "snapshots"],
        )
    },
    annotations: Annotations::READ_ONLY_EXCHANGE,
    capabilities: &[WALLET_READ],
    run: Run::Value(account_snapshot),
};

/// The snapshot `type` argument: SPOT, MARGIN or FUTURES (any case).
fn snapshot_type(args: &str) -> Result<&'static str, ToolError> {
    match crate::Raw::parse(args).string("type", "\"MARGIN\"")? {
        None => Ok("SPOT"),
        Some(t) => SNAPSHOT_TYPES
            .into_iter()
            .find(|k| k.eq_ignore_ascii_case(&t))
            .ok_or_else(|| {
                ToolError::invalid(
                    "type",
                    format!("must be SPOT, MARGIN or FUTURES (got '{t}')"),
                    "\"MARGIN\"",
                )
            }),
    }
}

/// The rows of a list field, or none when it is absent.
fn list<'a>(v: &'a Value, field: &str) -> Result<&'a [Value], ToolError> {
    match v {
        Value::Array(items) => Ok(items),
        Value::Null => Ok(&[]),
        other => Err(ToolError::bad_exchange_data(format!(
            "{field} is not a list: {other}"
        ))),
    }
}

/// One row of normalised decimals after a text cell; `None` when every
/// decimal is zero (an empty balance, a flat position).
fn row(item: &Value, name: &str, fields: &[&str]) -> Result<Option<Value>, ToolError> {
    let mut cells = vec![json!(output::text(&item[name])?)];
    let mut zero = true;
    for f in fields {
        let x = output::decimal(&item[*f])?;
        zero &= x.is_zero();
        cells.push(json!(dec_text(x)));
    }
    Ok((!zero).then_some(Value::Array(cells)))
}

fn rows(
    data: &Value,
    field: &str,
    columns: &[&str],
    skip_zero: &[&str],
) -> Result<Vec<Value>, ToolError> {
    let mut out = Vec::new();
    for item in list(&data[field], field)? {
        // A row is left out when the fields that say "nothing here" are zero.
        if let Some(r) = row(item, columns[0], &columns[1..])? {
            let empty = !skip_zero.is_empty()
                && skip_zero
                    .iter()
                    .all(|f| output::decimal(&item[*f]).is_ok_and(|x| x.is_zero()));
            if !empty {
                out.push(r);
            }
        }
    }
    Ok(out)
}

/// One day's scalar fields and its named lists of rows.
type Day = (Value, Vec<(&'static str, Vec<Value>)>);

fn spot_day(data: &Value) -> Result<Day, ToolError> {
    let fields = json!({ "totalAssetOfBtc": output::dec(&data["totalAssetOfBtc"])? });
    Ok((
        fields,
        vec![("balances", rows(data, "balances", BALANCE_COLUMNS, &[])?)],
    ))
}

fn margin_day(data: &Value) -> Result<Day, ToolError> {
    let mut fields = json!({});
    for f in [
        "totalAssetOfBtc",
        "totalLiabilityOfBtc",
        "totalNetAssetOfBtc",
        "marginLevel",
    ] {
        fields[f] = json!(output::dec(&data[f])?);
    }
    Ok((
        fields,
        vec![("userAssets", rows(data, "userAssets", MARGIN_COLUMNS, &[])?)],
    ))
}

fn futures_day(data: &Value) -> Result<Day, ToolError> {
    let assets = rows(data, "assets", FUTURES_ASSET_COLUMNS, &[])?;
    // A position is flat when its amount is zero, whatever its prices.
    let positions = rows(data, "position", POSITION_COLUMNS, &["positionAmt"])?;
    Ok((
        json!({}),
        vec![("assets", assets), ("positions", positions)],
    ))
}

/// Cut a day's lists, in order, to `budget` bytes of rows; returns the
/// lists and, when anything was cut, the day's truncation marker.
fn cut(lists: Vec<(&'static str, Vec<Value>)>, budget: usize) -> (Value, Option<Value>) {
    let (mut used, mut kept, mut available) = (0, 0, 0);
    let mut out = json!({});
    let mut full = false;
    for (name, rows) in lists {
        available += rows.len();
        let mut listed = Vec::new();
        for r in rows {
            let bytes = r.to_string().len() + 1;
            if full || used + bytes > budget {
                full = true;
                continue;
            }
            used += bytes;
            listed.push(r);
        }
        kept += listed.len();
        out[name] = Value::Array(listed);
    }
    let marker = (kept < available).then(|| {
        output::marker(
            kept,
            available,
            Keep::First,
            "rows are shared by the days: fewer days (limit, startTime/endTime) list more each",
        )
    });
    (out, marker)
}

fn account_snapshot(ex: &dyn Exchange, args: &str) -> Result<Value, ToolError> {
    let a = Args::parse(args, &["type", "startTime", "endTime", "limit"])?;
    let kind = snapshot_type(args)?;
    let (start, end) = a.time_window(Some((30 * DAY_MS, "30 days")))?;
    let limit = a.integer("limit", 7, 30)?.unwrap_or(7);
    let req = Request::spot_get("/sapi/v1/accountSnapshot")
        .param("type", kind)
        .opt_param("startTime", start)
        .opt_param("endTime", end)
        .param("limit", limit);
    let body: Value = fetch(ex, &req)?;
    // The body carries its own status: {"code":200,"msg":"","snapshotVos":[...]}.
    if let Some(code) = body["code"].as_i64().filter(|c| *c != 200) {
        let msg = body["msg"].as_str().unwrap_or("").to_string();
        return Err(ToolError {
            exchange_code: i32::try_from(code).ok(),
            exchange_message: Some(msg.clone()),
            ..ToolError::new(
                ErrorKind::ExchangeRejected,
                format!("Binance refused the snapshot: {msg} (code {code})"),
                "narrow startTime/endTime to the last month, or retry later",
            )
        });
    }
    let mut days = Vec::new();
    for s in list(&body["snapshotVos"], "snapshotVos")? {
        let t = output::int(&s["updateTime"])?;
        let data = &s["data"];
        if !data.is_object() {
            return Err(ToolError::bad_exchange_data(format!(
                "a snapshot without data: {data}"
            )));
        }
        let day = match kind {
            "MARGIN" => margin_day(data)?,
            "FUTURES" => futures_day(data)?,
            _ => spot_day(data)?,
        };
        days.push((t, day));
    }
    days.sort_by_key(|(t, _)| *t);
    let budget = SNAPSHOT_ROW_BYTES / days.len().max(1);
    let mut snapshots = Vec::with_capacity(days.len());
    for (t, (fields, lists)) in days {
        let mut day = json!({ "updateTime": binance_mcp_plugin::time::iso8601_ms(t) });
        for (k, v) in fields.as_object().into_iter().flatten() {
            day[k] = v.clone();
        }
        let (lists, marker) = cut(lists, budget);
        for (k, v) in lists.as_object().into_iter().flatten() {
            day[k] = v.clone();
        }
        snapshots.push(with_marker(day, marker));
    }
    let columns = match kind {
        "MARGIN" => json!({ "userAssets": MARGIN_COLUMNS }),
        "FUTURES" => json!({ "assets": FUTURES_ASSET_COLUMNS, "positions": POSITION_COLUMNS }),
        _ => json!({ "balances": BALANCE_COLUMNS }),
    };
    Ok(json!({ "type": kind, "columns": columns, "snapshots": snapshots }))
}
