//! Conversions between the WIT records and the host's own types.

use super::bindings::binance::mcp::types as wit;
use crate::tool_error::{ErrorKind, ToolError};

/// Host error → WIT error (what a capability returns to a plugin).
pub fn to_wit_error(e: ToolError) -> wit::ToolError {
    wit::ToolError {
        kind: match e.kind {
            ErrorKind::InvalidArgument => wit::ErrorKind::InvalidArgument,
            ErrorKind::ExchangeRejected => wit::ErrorKind::ExchangeRejected,
            ErrorKind::ExchangeUnavailable => wit::ErrorKind::ExchangeUnavailable,
            ErrorKind::RateLimited => wit::ErrorKind::RateLimited,
            ErrorKind::Authentication => wit::ErrorKind::Authentication,
            ErrorKind::NotPermitted => wit::ErrorKind::NotPermitted,
            ErrorKind::Internal => wit::ErrorKind::Internal,
        },
        message: e.message,
        recovery: e.recovery,
        exchange_code: e.exchange_code,
        exchange_message: e.exchange_message,
        retry_after_secs: e.retry_after_secs,
    }
}

/// WIT error → host error (what a plugin's `call-tool` returned).
pub fn from_wit_error(e: wit::ToolError) -> ToolError {
    ToolError {
        kind: match e.kind {
            wit::ErrorKind::InvalidArgument => ErrorKind::InvalidArgument,
            wit::ErrorKind::ExchangeRejected => ErrorKind::ExchangeRejected,
            wit::ErrorKind::ExchangeUnavailable => ErrorKind::ExchangeUnavailable,
            wit::ErrorKind::RateLimited => ErrorKind::RateLimited,
            wit::ErrorKind::Authentication => ErrorKind::Authentication,
            wit::ErrorKind::NotPermitted => ErrorKind::NotPermitted,
            wit::ErrorKind::Internal => ErrorKind::Internal,
        },
        message: e.message,
        recovery: e.recovery,
        exchange_code: e.exchange_code,
        exchange_message: e.exchange_message,
        retry_after_secs: e.retry_after_secs,
    }
}
