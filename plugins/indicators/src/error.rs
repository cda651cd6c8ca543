//! The one error type of the crate, worded for the model that asked for the indicator: each
//! message says what to change.

use crate::FORMS;

/// Why an indicator could not be computed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IndicatorError {
    /// Fewer candles than the indicator's warm-up ([`crate::Spec::warmup`]): not one value could
    /// be produced. `indicator` is the label, e.g. `RSI(14)`.
    #[error("{indicator} needs at least {needed} candles; got {got}: ask for a larger limit")]
    TooShort {
        indicator: String,
        needed: usize,
        got: usize,
    },
    /// An indicator text that does not parse, or parameters out of bounds. The message lists
    /// every valid form.
    #[error("invalid indicator {given:?}: {reason}. Valid forms: {forms}", forms = FORMS)]
    Invalid { given: String, reason: String },
    /// A candle outside the domain the arithmetic is proven for (see [`crate::Candle`]): prices
    /// out of order or range, negative volume, or open times not increasing.
    #[error("candle {index} (open time {open_time}) cannot be used: {reason}")]
    BadCandle {
        index: usize,
        open_time: i64,
        reason: String,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn too_short_says_what_to_do() {
        let e = IndicatorError::TooShort {
            indicator: "RSI(14)".into(),
            needed: 15,
            got: 10,
        };
        assert_eq!(
            e.to_string(),
            "RSI(14) needs at least 15 candles; got 10: ask for a larger limit"
        );
    }

    #[test]
    fn invalid_lists_the_valid_forms() {
        let e = IndicatorError::Invalid {
            given: "foo".into(),
            reason: "unknown indicator \"foo\"".into(),
        };
        let text = e.to_string();
        assert!(text.starts_with("invalid indicator \"foo\": unknown indicator"));
        assert!(
            text.contains("macd:12:26:9") && text.contains("stoch"),
            "{text}"
        );
    }
}
