//! The `account` plugin: read-only views of a spot account (security type
//! USER_DATA), plus the deposit address (a wallet read the operator enables
//! explicitly).
//!
//! The host signs every request (timestamp, recvWindow, signature, API key);
//! this plugin never sees a key and never sends those parameters. Without keys
//! the host answers every request with an `authentication` error naming the
//! variables to set, which the tools pass through unchanged. Arguments use
//! Binance's own names, decimals are exact strings, times are ISO-8601 UTC
//! text, long lists are rows under a column header or objects without the
//! fields at their default, and every list is capped with an explicit
//! truncation marker so no answer outgrows a model's context.

mod balances;
mod history;
mod orders;
mod pnl;
mod snapshot;
mod trades;
mod wallet;

use binance_mcp_plugin::args::Args;
use binance_mcp_plugin::time::{self, DayEdge};
use binance_mcp_plugin::tool::{describe_all, dispatch};
use binance_mcp_plugin::{
    export_plugin, json, schema, Answer, Decimal, Exchange, Manifest, Plugin, Tool, ToolError,
    Value,
};

/// Every tool of this plugin, in the order `tools/list` shows them.
pub const TOOLS: &[Tool] = &[
    balances::ACCOUNT_INFO,
    trades::ACCOUNT_TRADES,
    orders::OPEN_ORDERS,
    orders::ALL_ORDERS,
    orders::ORDER,
    balances::FEE_INFO,
    snapshot::ACCOUNT_SNAPSHOT,
    pnl::PNL,
    history::DEPOSIT_HISTORY,
    history::WITHDRAW_HISTORY,
    wallet::UNIVERSAL_TRANSFER_HISTORY,
    wallet::DEPOSIT_ADDRESS,
];

/// The account plugin.
pub struct Account;

impl Plugin for Account {
    fn manifest() -> Manifest {
        Manifest::tools("account", env!("CARGO_PKG_VERSION"), describe_all(TOOLS))
    }

    fn call_tool(
        exchange: &dyn Exchange,
        name: &str,
        arguments: &str,
    ) -> Result<Answer, ToolError> {
        dispatch(TOOLS, exchange, name, arguments)
    }
}

export_plugin!(Account);

/// Longest coin name accepted.
const COIN_MAX: usize = 20;

/// The raw arguments object, for the string arguments [`Args`] has no reader
/// for (coin, network, client order id). Call after [`Args::parse`], which has
/// already refused anything that is not an object.
pub(crate) struct Raw(serde_json::Map<String, Value>);

impl Raw {
    pub(crate) fn parse(text: &str) -> Raw {
        match serde_json::from_str::<Value>(text.trim()) {
            Ok(Value::Object(map)) => Raw(map),
            _ => Raw(serde_json::Map::new()),
        }
    }

    /// An optional string argument, trimmed; `null` counts as absent.
    pub(crate) fn string(&self, name: &str, example: &str) -> Result<Option<String>, ToolError> {
        match self.0.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.trim().to_string())),
            Some(_) => Err(ToolError::invalid(name, "must be a string", example)),
        }
    }

    /// An optional coin (asset) name: 1-20 of A-Z 0-9, upper-cased.
    pub(crate) fn coin(&self, name: &str) -> Result<Option<String>, ToolError> {
        let Some(raw) = self.string(name, "\"USDT\"")? else {
            return Ok(None);
        };
        let c = raw.to_ascii_uppercase();
        let ok = !c.is_empty()
            && c.len() <= COIN_MAX
            && c.bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit());
        if ok {
            Ok(Some(c))
        } else {
            Err(ToolError::invalid(
                name,
                format!("'{raw}' is not a coin (1-20 of A-Z 0-9)"),
                "\"USDT\"",
            ))
        }
    }

    /// A required coin.
    pub(crate) fn required_coin(&self, name: &str) -> Result<String, ToolError> {
        self.coin(name)?
            .ok_or_else(|| ToolError::invalid(name, "is required", "\"USDT\""))
    }
}

/// JSON Schema of a coin argument. No `pattern` or example: [`Raw::coin`]
/// upper-cases and checks it with an error that says what is wrong.
pub(crate) fn coin_schema() -> Value {
    schema::string()
}

/// An optional id argument (orderId, fromId…): a non-negative integer.
pub(crate) fn id_arg(a: &Args, name: &str) -> Result<Option<i64>, ToolError> {
    a.integer(name, 0, i64::MAX)
        .map_err(|_| ToolError::invalid(name, "must be a non-negative integer id", "12345"))
}

/// JSON Schema of an id argument (`description` may be empty).
pub(crate) fn id_schema(description: &str) -> Value {
    let mut s = json!({ "type": "integer" });
    if !description.is_empty() {
        s["description"] = json!(description);
    }
    s
}

/// Milliseconds in one day.
pub(crate) const DAY_MS: i64 = 86_400_000;

/// A decimal as normalised text.
pub(crate) fn dec_text(d: Decimal) -> String {
    d.normalize().to_string()
}

/// Insert the truncation marker, when there is one.
pub(crate) fn with_marker(mut out: Value, marker: Option<Value>) -> Value {
    if let Some(t) = marker {
        out["truncated"] = t;
    }
    out
}

/// A boolean field of an exchange answer.
pub(crate) fn boolean(v: &Value) -> Result<bool, ToolError> {
    v.as_bool()
        .ok_or_else(|| ToolError::bad_exchange_data(format!("expected a boolean, got {v}")))
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

/// A time Binance sends as UTC text (`"2019-10-12 11:12:02"`), as ISO-8601
/// with milliseconds like every other time of an answer.
pub(crate) fn text_time(text: &str) -> Result<String, ToolError> {
    time::parse_iso8601(text, DayEdge::Start)
        .map(time::iso8601_ms)
        .map_err(ToolError::bad_exchange_data)
}

/// A list the answer carries as rows: `{"columns": [...], "rows": [...]}`
/// fields inserted into `out`.
pub(crate) fn table(mut out: Value, columns: &[&str], rows: Vec<Value>) -> Value {
    out["columns"] = json!(columns);
    out["rows"] = Value::Array(rows);
    out
}

#[cfg(test)]
mod tests;
