//! The `futures` plugin: USD-M futures, one-way position mode.
//!
//! Reads (the policy's `futures-read`, and `market-data` for funding) go
//! through the raw exchange capability as signed `GET /fapi/...` requests:
//! the host signs them (timestamp, recvWindow, signature, API key), so this
//! plugin never sends those parameters. Arguments use Binance's own names,
//! decimals are exact strings, times are milliseconds with their ISO-8601
//! UTC text beside them, lists are rows under a column header, and every
//! list is capped with an explicit truncation marker.
//!
//! Writes (the policy's `futures-trade`) go through the host's typed
//! `futures-trading` capability: the plugin checks the arguments and maps
//! them to the SDK's records; the host builds the Binance request, checks
//! the operator's `[futures]` limits, confirms as the policy says, journals
//! and sends once. Each write's output is the host's answer, unchanged.

mod account;
mod cancel;
mod fields;
mod funding;
mod history;
mod open_orders;
mod place;
mod settings;

use binance_mcp_plugin::tool::{describe_all, dispatch};
use binance_mcp_plugin::{
    export_plugin, json, schema, Annotations, Answer, Exchange, Manifest, Method, Plugin, Request,
    Tool, ToolError, Value, Venue,
};

/// A new order: it changes the account and repeating it places another.
pub const PLACE: Annotations = Annotations {
    read_only: false,
    destructive: true,
    idempotent: false,
    open_world: true,
};

/// A cancellation: a write, but it only reduces risk, and repeating it
/// changes nothing more.
pub const CANCEL: Annotations = Annotations {
    read_only: false,
    destructive: false,
    idempotent: true,
    open_world: true,
};

/// A setting (leverage, margin type): it overwrites the symbol's previous
/// value and changes the risk of what is open, but setting the same value
/// again changes nothing more.
pub const SETTING: Annotations = Annotations {
    read_only: false,
    destructive: true,
    idempotent: true,
    open_world: true,
};

/// Every tool of this plugin, in the order `tools/list` shows them.
pub const TOOLS: &[Tool] = &[
    account::FUTURES_ACCOUNT,
    account::FUTURES_POSITIONS,
    funding::FUNDING_RATE,
    open_orders::FUTURES_OPEN_ORDERS,
    history::FUTURES_INCOME,
    history::LIQUIDATION_HISTORY,
    settings::SET_LEVERAGE,
    settings::SET_MARGIN_TYPE,
    place::PLACE_FUTURES_ORDER,
    place::CLOSE_POSITION,
    cancel::CANCEL_FUTURES_ORDER,
    cancel::CANCEL_ALL_FUTURES_ORDERS,
];

/// The futures plugin.
pub struct Futures;

impl Plugin for Futures {
    fn manifest() -> Manifest {
        Manifest::tools("futures", env!("CARGO_PKG_VERSION"), describe_all(TOOLS))
    }

    fn call_tool(
        exchange: &dyn Exchange,
        name: &str,
        arguments: &str,
    ) -> Result<Answer, ToolError> {
        dispatch(TOOLS, exchange, name, arguments)
    }
}

export_plugin!(Futures, futures);

/// A USD-M futures GET with no parameters yet.
pub(crate) fn fapi_get(path: &str) -> Request {
    Request {
        venue: Venue::UsdmFutures,
        method: Method::Get,
        path: path.to_string(),
        params: Vec::new(),
    }
}

/// Insert the truncation marker, when there is one.
pub(crate) fn with_marker(mut out: Value, marker: Option<Value>) -> Value {
    if let Some(t) = marker {
        out["truncated"] = t;
    }
    out
}

/// A list the answer carries as rows: `columns` and `rows` inserted into
/// `out`.
pub(crate) fn table(mut out: Value, columns: &[&str], rows: Vec<Value>) -> Value {
    out["columns"] = json!(columns);
    out["rows"] = Value::Array(rows);
    out
}

/// The output schema of an answer with one table and `extra` properties
/// (`required` names beside `columns` and `rows`); `capped`: the table may
/// be cut, with a `truncated` marker.
pub(crate) fn table_output(
    columns: &[&str],
    capped: bool,
    mut extra: Value,
    required: &[&str],
) -> Value {
    extra["columns"] = schema::columns(columns);
    extra["rows"] = schema::rows();
    if capped {
        extra["truncated"] = schema::truncated();
    }
    let mut names = vec!["columns", "rows"];
    names.extend_from_slice(required);
    schema::output(extra, &names)
}

/// An id Binance sends as a number or a string, as text.
pub(crate) fn id_text(v: &Value) -> Result<String, ToolError> {
    match v {
        Value::String(s) => Ok(s.clone()),
        Value::Number(n) => Ok(n.to_string()),
        other => Err(ToolError::bad_exchange_data(format!(
            "expected an id, got {other}"
        ))),
    }
}

#[cfg(test)]
mod tests;
