//! Shaping exchange answers for a model: exact decimals, bounded sizes.

use crate::{Decimal, ToolError};
use serde_json::{json, Value};
use std::str::FromStr;

/// Parse a Binance decimal (a JSON string such as `"65000.01000000"`, or a
/// number) and return it normalised as text (`"65000.01"`). Exact: plain
/// decimal text is normalised as text ([`norm`]), anything else goes
/// through `rust_decimal`, never `f64`.
pub fn dec(value: &Value) -> Result<String, ToolError> {
    match value {
        Value::String(s) => dec_text(s),
        other => Ok(decimal(other)?.normalize().to_string()),
    }
}

/// [`dec`] for decimal text borrowed from an answer.
pub fn dec_text(text: &str) -> Result<String, ToolError> {
    match norm(text) {
        Some(n) => Ok(n),
        None => Ok(decimal_text(text)?.normalize().to_string()),
    }
}

/// Parse decimal text into a [`Decimal`].
pub fn decimal_text(text: &str) -> Result<Decimal, ToolError> {
    Decimal::from_str(text).map_err(|e| ToolError::bad_exchange_data(format!("'{text}': {e}")))
}

/// Normalise plain decimal text (`-?[0-9]+(.[0-9]+)?`) the way
/// `Decimal::normalize` prints it — no trailing fractional zeros, no
/// leading integer zeros, no negative zero — without parsing it into a
/// number (one pass, one allocation). `None` when the text is not of that
/// form (an exponent, a sign `+`, garbage).
pub fn norm(text: &str) -> Option<String> {
    let mut out = String::with_capacity(text.len() + 1);
    norm_into(text, &mut out).then_some(out)
}

/// [`norm`] appended to `out`; `false` (and `out` untouched) when the text
/// is not plain decimal text.
pub fn norm_into(text: &str, out: &mut String) -> bool {
    let (negative, body) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (int, frac) = match body.split_once('.') {
        Some((i, f)) => (i, f),
        None => (body, ""),
    };
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if int.is_empty() || !digits(int) || !digits(frac) || (body.contains('.') && frac.is_empty()) {
        return false;
    }
    let int = int.trim_start_matches('0');
    let frac = frac.trim_end_matches('0');
    let int = if int.is_empty() { "0" } else { int };
    let zero = int == "0" && frac.is_empty();
    if negative && !zero {
        out.push('-');
    }
    out.push_str(int);
    if !frac.is_empty() {
        out.push('.');
        out.push_str(frac);
    }
    true
}

/// A millisecond time field of an exchange answer as ISO-8601 UTC text.
pub fn iso(value: &Value) -> Result<String, ToolError> {
    Ok(crate::time::iso8601_ms(int(value)?))
}

/// Parse a Binance decimal into a [`Decimal`].
pub fn decimal(value: &Value) -> Result<Decimal, ToolError> {
    match value {
        Value::String(s) => decimal_text(s),
        Value::Number(n) => Decimal::from_str(&n.to_string()).map_err(ToolError::bad_exchange_data),
        other => Err(ToolError::bad_exchange_data(format!(
            "expected a decimal, got {other}"
        ))),
    }
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
    let marker = marker(cap, available, keep, hint);
    (items, Some(marker))
}

/// The at most `cap` items of `items` a cut keeps: the first or the last.
/// For a tool that shapes only what it lists (then [`marker`] says what was
/// cut).
pub fn kept<T>(items: &[T], cap: usize, keep: Keep) -> &[T] {
    match keep {
        Keep::First => &items[..items.len().min(cap)],
        Keep::Last => &items[items.len().saturating_sub(cap)..],
    }
}

/// The truncation marker `{"returned","available","kept","hint"}`, for a
/// tool that cuts a list itself (e.g. shaping only the rows it keeps).
pub fn marker(returned: usize, available: usize, keep: Keep, hint: &str) -> Value {
    let kept = match keep {
        Keep::First => "first",
        Keep::Last => "last",
    };
    json!({ "returned": returned, "available": available, "kept": kept, "hint": hint })
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
        assert_eq!(dec(&json!(1.5)).unwrap(), "1.5");
    }

    #[test]
    fn text_normalisation_matches_rust_decimal() {
        for t in [
            "0",
            "0.0",
            "-0.000",
            "00012.3400",
            "65000.01000000",
            "0.00000001",
            "-1.50",
            "1000",
            "123456789012345678901234.5",
        ] {
            let want = Decimal::from_str(t).unwrap().normalize().to_string();
            assert_eq!(norm(t).as_deref(), Some(want.as_str()), "{t}");
        }
        for bad in ["", "-", ".5", "5.", "1e5", "+1", "1.2.3", "abc", "1 "] {
            assert_eq!(norm(bad), None, "{bad}");
        }
        assert_eq!(dec(&json!("5.")).unwrap(), "5"); // rust_decimal reads it
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
        assert_eq!(super::kept(&[1, 2, 3], 2, Keep::First), &[1, 2]);
        assert_eq!(super::kept(&[1, 2, 3], 2, Keep::Last), &[2, 3]);
        assert_eq!(super::kept(&[1], 2, Keep::Last), &[1]);
    }
}
