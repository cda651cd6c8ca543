//! The error a tool returns: a class, a message and a recovery a model can act on.

use std::fmt;

/// Mirrors WIT `types.error-kind`; the host maps each to a stable numeric code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// Bad arguments (-32003).
    InvalidArgument,
    /// The exchange refused the request (-32004).
    ExchangeRejected,
    /// The exchange could not be reached or answered garbage (-32005).
    ExchangeUnavailable,
    /// A rate limit is in force (-32001).
    RateLimited,
    /// Keys missing or insufficient (-32002).
    Authentication,
    /// Refused by the host's catalogue or policy (-32006).
    NotPermitted,
    /// A bug (-32603).
    Internal,
}

/// A tool failure. Mirrors WIT `types.tool-error`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ToolError {
    pub kind: ErrorKind,
    pub message: String,
    pub recovery: String,
    pub exchange_code: Option<i32>,
    pub exchange_message: Option<String>,
    pub retry_after_secs: Option<u32>,
    /// Class-specific recovery data (a JSON object): the argument and a valid
    /// example for a bad argument; the host's own data for its errors.
    pub data: Option<Box<serde_json::Value>>,
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
            data: None,
        }
    }

    /// An invalid-argument error naming the argument and a valid example.
    pub fn invalid(arg: &str, problem: impl fmt::Display, example: &str) -> Self {
        ToolError {
            data: Some(Box::new(
                serde_json::json!({ "argument": arg, "example": example }),
            )),
            ..ToolError::new(
                ErrorKind::InvalidArgument,
                format!("argument '{arg}' {problem}"),
                format!("fix '{arg}', for example {example}"),
            )
        }
    }

    /// The exchange answered something this plugin cannot read.
    pub fn bad_exchange_data(what: impl fmt::Display) -> Self {
        ToolError::new(
            ErrorKind::ExchangeUnavailable,
            format!("the exchange returned data that could not be read: {what}"),
            "retry in a moment; if it persists the exchange API may have changed",
        )
    }
}

impl fmt::Display for ToolError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}: {} ({})", self.kind, self.message, self.recovery)
    }
}

impl std::error::Error for ToolError {}
