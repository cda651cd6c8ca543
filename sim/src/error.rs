//! Binance's error model: `{"code":-1121,"msg":"Invalid symbol."}` with an
//! HTTP status, built through named constructors so each message is spelled
//! exactly once, the way Binance spells it.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;

/// An error response: HTTP status plus Binance's `code`/`msg` body.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{status} {code}: {msg}")]
pub struct ApiError {
    /// HTTP status; 400 for every request problem, as on Binance.
    pub status: StatusCode,
    /// Binance error code (negative).
    pub code: i32,
    /// Binance error message.
    pub msg: String,
}

/// The JSON body of an error, in Binance's field order.
#[derive(Serialize)]
struct ErrorBody<'a> {
    code: i32,
    msg: &'a str,
}

/// The legal range Binance quotes for a symbol parameter.
pub const SYMBOL_RANGE: &str = "^[A-Z0-9-_.]{1,20}$";

/// The legal range Binance quotes for a `symbols` JSON array parameter.
pub const SYMBOLS_RANGE: &str = r#"^\[("[A-Z0-9-_.]{1,20}"(,"[A-Z0-9-_.]{1,20}"){0,}){0,1}\]$"#;

/// The legal range Binance quotes for an unsigned integer parameter.
pub const UINT_RANGE: &str = "^[0-9]{1,20}$";

impl ApiError {
    /// A 400 with the given code and message.
    pub fn bad_request(code: i32, msg: impl Into<String>) -> Self {
        Self {
            status: StatusCode::BAD_REQUEST,
            code,
            msg: msg.into(),
        }
    }

    /// -1121 "Invalid symbol.": the symbol is well formed but not listed.
    pub fn invalid_symbol() -> Self {
        Self::bad_request(-1121, "Invalid symbol.")
    }

    /// -1102: a mandatory parameter is missing or empty.
    pub fn mandatory(param: &str) -> Self {
        Self::bad_request(
            -1102,
            format!("Mandatory parameter '{param}' was not sent, was empty/null, or malformed."),
        )
    }

    /// -1100: a parameter's value does not match its legal format or range.
    pub fn illegal_chars(param: &str, legal_range: &str) -> Self {
        Self::bad_request(
            -1100,
            format!(
                "Illegal characters found in parameter '{param}'; legal range is '{legal_range}'."
            ),
        )
    }

    /// -1120 "Invalid interval.".
    pub fn invalid_interval() -> Self {
        Self::bad_request(-1120, "Invalid interval.")
    }

    /// -1101: the same parameter was sent twice.
    pub fn duplicate_param() -> Self {
        Self::bad_request(-1101, "Duplicate values for a parameter detected.")
    }

    /// -1104: parameters the endpoint does not read were sent.
    pub fn unread_params(read: usize, sent: usize) -> Self {
        Self::bad_request(
            -1104,
            format!(
                "Not all sent parameters were read; read '{read}' parameter(s) but was sent '{sent}'."
            ),
        )
    }

    /// -1128: `symbol` and `symbols` sent together.
    pub fn symbol_and_symbols() -> Self {
        Self::bad_request(
            -1128,
            "Combination of optional parameters invalid. Recommendation: 'symbol' and 'symbols' cannot both be sent.",
        )
    }

    /// -1139 "Invalid ticker type.".
    pub fn invalid_ticker_type() -> Self {
        Self::bad_request(-1139, "Invalid ticker type.")
    }

    /// -1151: a symbol appears twice in a `symbols` list.
    pub fn duplicate_symbols() -> Self {
        Self::bad_request(-1151, "Symbol is present multiple times in the list.")
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            code: self.code,
            msg: &self.msg,
        };
        (self.status, Json(body)).into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(e: &ApiError) -> String {
        serde_json::to_string(&ErrorBody {
            code: e.code,
            msg: &e.msg,
        })
        .unwrap()
    }

    #[test]
    fn bodies_match_binance() {
        assert_eq!(
            body(&ApiError::invalid_symbol()),
            r#"{"code":-1121,"msg":"Invalid symbol."}"#
        );
        assert_eq!(
            ApiError::mandatory("symbol").msg,
            "Mandatory parameter 'symbol' was not sent, was empty/null, or malformed."
        );
        assert_eq!(
            ApiError::illegal_chars("symbol", SYMBOL_RANGE).msg,
            "Illegal characters found in parameter 'symbol'; legal range is '^[A-Z0-9-_.]{1,20}$'."
        );
        assert_eq!(
            body(&ApiError::invalid_interval()),
            r#"{"code":-1120,"msg":"Invalid interval."}"#
        );
        assert_eq!(ApiError::invalid_symbol().status, StatusCode::BAD_REQUEST);
    }

    #[test]
    fn into_response_keeps_status() {
        let r = ApiError::invalid_symbol().into_response();
        assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    }
}
