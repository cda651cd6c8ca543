//! Shaping exchange answers for a model: exact decimals, bounded sizes.

use crate::{Decimal, ToolError};
use serde_json::{json, Value};
use std::str::FromStr;

/// Parse a Binance decimal (a JSON string such as `"65000.01000000"`, or a
/// number) and return it normalised as text (`"65000.01"`). Exact: goes
/// through `rust_decimal`, never `f64`.
pub fn dec(value: &Value) -> Result<String, ToolError> {
    Ok(decimal(value)?.normalize().to_string())
}

/// Parse a Binance decimal into a [`Decimal`].
pub fn decimal(value: &Value) -> Result<Decimal, ToolError> {
    let text = match value {
        Value::String(s) => s.as_str(),
        Value::Number(n) => {
            return Decimal::from_str(&n.to_string()).map_err(ToolError::bad_exchange_data)
        }
        other => {
            return Err(ToolError::bad_exchange_data(format!(
                "expected a decimal, got {other}"
            )))
        }
    };
    Decimal::from_str(text).map_err(|e| ToolError::bad_exchange_data(format!("'{text}': {e}")))
}

/// An integer field of an exchange answer.
pub fn int(value: &Value) -> Result<i64, ToolError> {
    value
        .as_i64()
        .ok_or_else(|| ToolError::bad_exchange_data(format!("expected an integer, got {value}")))
}

/// A string field of an exchange answer.
pub fn text(value: &Value) -> Result<String, ToolError> {
    value
        .as_str()
        .map(str::to_string)
        .ok_or_else(|| ToolError::bad_exchange_data(format!("expected a string, got {value}")))
}

/// Which end of a list to keep when it is cut.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Keep {
    /// The first items (oldest, when paginating forward from a start time).
    First,
    /// The last items (newest).
    Last,
}

/// Cut `items` to at most `cap`, returning the kept items and, when anything
/// was cut, an explicit marker `{"returned","available","kept","hint"}` so a
/// model never mistakes a truncated list for a complete one.
pub fn cap<T>(mut items: Vec<T>, cap: usize, keep: Keep, hint: &str) -> (Vec<T>, Option<Value>) {
    let available = items.len();
    if available <= cap {
        return (items, None);
    }
    match keep {
        Keep::First => items.truncate(cap),
        Keep::Last => {
            items.drain(..available - cap);
        }
    }
    let kept = match keep {
        Keep::First => "first",
        Keep::Last => "last",
    };
    let marker = json!({ "returned": cap, "available": available, "kept": kept, "hint": hint });
    (items, Some(marker))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_are_exact_and_normalised() {
        assert_eq!(dec(&json!("65000.01000000")).unwrap(), "65000.01");
        assert_eq!(dec(&json!("0.00000001")).unwrap(), "0.00000001");
        assert_eq!(dec(&json!("0.10000000")).unwrap(), "0.1");
        assert_eq!(dec(&json!("1000.00000000")).unwrap(), "1000");
        assert!(dec(&json!("abc")).is_err());
        assert!(dec(&json!(null)).is_err());
    }

    #[test]
    fn cap_marks_what_it_cut() {
        let (kept, marker) = cap((0..10).collect::<Vec<_>>(), 3, Keep::Last, "h");
        assert_eq!(kept, vec![7, 8, 9]);
        let m = marker.unwrap();
        assert_eq!(m["available"], 10);
        assert_eq!(m["returned"], 3);
        let (kept, marker) = cap((0..10).collect::<Vec<_>>(), 3, Keep::First, "h");
        assert_eq!(kept, vec![0, 1, 2]);
        assert!(marker.is_some());
        let (kept, marker) = cap(vec![1], 3, Keep::First, "h");
        assert_eq!(kept, vec![1]);
        assert!(marker.is_none());
    }
}
