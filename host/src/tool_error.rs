//! The error a tool call returns to the model: a stable numeric code, a
//! message and a recovery, plus Binance's own code when the exchange answered
//! one. Rendered as the JSON body of an `isError: true` tool result.

use serde_json::{json, Value};

/// The class of a tool failure (mirrors WIT `types.error-kind`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    InvalidArgument,
    ExchangeRejected,
    ExchangeUnavailable,
    RateLimited,
    Authentication,
    NotPermitted,
    Internal,
}

impl ErrorKind {
    /// The stable numeric code a client can switch on. The -3200x range
    /// follows the earlier Rust Binance MCP server users already know.
    pub fn code(self) -> i32 {
        match self {
            ErrorKind::RateLimited => -32001,
            ErrorKind::Authentication => -32002,
            ErrorKind::InvalidArgument => -32003,
            ErrorKind::ExchangeRejected => -32004,
            ErrorKind::ExchangeUnavailable => -32005,
            ErrorKind::NotPermitted => -32006,
            ErrorKind::Internal => -32603,
        }
    }

    /// The snake_case name shown next to the code.
    pub fn name(self) -> &'static str {
        match self {
            ErrorKind::InvalidArgument => "invalid_argument",
            ErrorKind::ExchangeRejected => "exchange_rejected",
            ErrorKind::ExchangeUnavailable => "exchange_unavailable",
            ErrorKind::RateLimited => "rate_limited",
            ErrorKind::Authentication => "authentication",
            ErrorKind::NotPermitted => "not_permitted",
            ErrorKind::Internal => "internal",
        }
    }
}

/// A tool failure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ToolError {
    pub kind: ErrorKind,
    pub message: String,
    pub recovery: String,
    pub exchange_code: Option<i32>,
    pub exchange_message: Option<String>,
    pub retry_after_secs: Option<u32>,
    /// Class-specific recovery data: `current_weight`/`weight_limit` for a
    /// rate limit, `missing` variables for absent keys, `argument`/`example`
    /// for a bad argument, `client_order_id` for an unknown outcome…
    pub data: serde_json::Map<String, Value>,
}

impl ToolError {
    /// A new error with no exchange details.
    pub fn new(kind: ErrorKind, message: impl Into<String>, recovery: impl Into<String>) -> Self {
        ToolError {
            kind,
            message: message.into(),
            recovery: recovery.into(),
            exchange_code: None,
            exchange_message: None,
            retry_after_secs: None,
            data: serde_json::Map::new(),
        }
    }

    /// Add one recovery-data field.
    pub fn with_data(mut self, key: &str, value: impl Into<Value>) -> Self {
        self.data.insert(key.to_string(), value.into());
        self
    }

    /// The JSON body of the `isError` tool result:
    /// `{code, kind, message, recovery, data: {recovery_suggestion, …}}`, plus
    /// `binance_code`, `binance_msg` and `retry_after_secs` at the top level
    /// when known. `data` follows the earlier Rust Binance MCP server's shape
    /// (`recovery_suggestion`, `retry_after_secs`, `current_weight`,
    /// `weight_limit`) so its users' handling keeps working.
    pub fn to_json(&self) -> Value {
        let mut data = self.data.clone();
        data.insert("recovery_suggestion".into(), json!(self.recovery));
        let mut v = json!({
            "code": self.kind.code(),
            "kind": self.kind.name(),
            "message": self.message,
            "recovery": self.recovery,
        });
        if let Some(c) = self.exchange_code {
            v["binance_code"] = json!(c);
            data.insert("binance_code".into(), json!(c));
        }
        if let Some(m) = &self.exchange_message {
            v["binance_msg"] = json!(m);
            data.insert("binance_msg".into(), json!(m));
        }
        if let Some(s) = self.retry_after_secs {
            v["retry_after_secs"] = json!(s);
            data.insert("retry_after_secs".into(), json!(s));
        }
        v["data"] = Value::Object(data);
        v
    }
}

impl std::fmt::Display for ToolError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} ({}): {} — {}",
            self.kind.name(),
            self.kind.code(),
            self.message,
            self.recovery
        )
    }
}

impl std::error::Error for ToolError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_code_message_recovery_and_exchange_details() {
        let mut e = ToolError::new(
            ErrorKind::InvalidArgument,
            "Invalid symbol.",
            "use get_exchange_info",
        );
        e.exchange_code = Some(-1121);
        e.exchange_message = Some("Invalid symbol.".into());
        let v = e.to_json();
        assert_eq!(v["code"], -32003);
        assert_eq!(v["kind"], "invalid_argument");
        assert_eq!(v["binance_code"], -1121);
        assert!(v.get("retry_after_secs").is_none());
        assert_eq!(v["data"]["recovery_suggestion"], "use get_exchange_info");
        assert_eq!(v["data"]["binance_code"], -1121);
    }
}
