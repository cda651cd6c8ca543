//! Conversions between the WIT records and the host's own types.

use super::bindings::binance::mcp::exchange as wit_exchange;
use super::bindings::binance::mcp::types as wit;
use crate::exchange::catalogue::Venue;
use crate::text::cap_text;
use crate::tool_error::{ErrorKind, ToolError};

/// Longest message, recovery or exchange message kept from a plugin's error:
/// a plugin must not be able to flood a model's context through its errors.
pub const MAX_ERROR_TEXT: usize = 2048;

/// WIT venue → the host's.
pub fn venue_from_wit(v: wit_exchange::Venue) -> Venue {
    match v {
        wit_exchange::Venue::Spot => Venue::Spot,
        wit_exchange::Venue::UsdmFutures => Venue::UsdmFutures,
    }
}

/// The host's venue → WIT.
pub fn venue_to_wit(v: Venue) -> wit_exchange::Venue {
    match v {
        Venue::Spot => wit_exchange::Venue::Spot,
        Venue::UsdmFutures => wit_exchange::Venue::UsdmFutures,
    }
}

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
        data: (!e.data.is_empty()).then(|| serde_json::Value::Object(e.data).to_string()),
    }
}

/// WIT error → host error (what a plugin's `call-tool` returned), with every
/// text capped at [`MAX_ERROR_TEXT`].
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
        message: cap_text(e.message, MAX_ERROR_TEXT),
        recovery: cap_text(e.recovery, MAX_ERROR_TEXT),
        exchange_code: e.exchange_code,
        exchange_message: e.exchange_message.map(|m| cap_text(m, MAX_ERROR_TEXT)),
        retry_after_secs: e.retry_after_secs,
        data: parse_data(e.data),
    }
}

/// A plugin's `data`: kept when it is a JSON object within the size cap.
fn parse_data(data: Option<String>) -> serde_json::Map<String, serde_json::Value> {
    match data.filter(|d| d.len() <= MAX_ERROR_TEXT) {
        Some(text) => match serde_json::from_str(&text) {
            Ok(serde_json::Value::Object(map)) => map,
            _ => serde_json::Map::new(),
        },
        None => serde_json::Map::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plugin_errors_are_capped() {
        let e = from_wit_error(wit::ToolError {
            kind: wit::ErrorKind::Internal,
            message: "m".repeat(10_000),
            recovery: "r".into(),
            exchange_code: None,
            exchange_message: Some("x".repeat(10_000)),
            retry_after_secs: None,
            data: Some(format!(r#"{{"a":"{}"}}"#, "y".repeat(10_000))),
        });
        assert!(e.data.is_empty(), "over-long data is dropped");
        assert!(e.message.len() <= MAX_ERROR_TEXT + 3);
        assert!(e.exchange_message.unwrap().len() <= MAX_ERROR_TEXT + 3);
        assert_eq!(e.recovery, "r");
    }
}
