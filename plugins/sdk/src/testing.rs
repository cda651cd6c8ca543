//! A canned [`Exchange`] for testing plugin logic natively, without a host:
//! it answers by path (or by path and symbol) and records every request, so
//! a test can check both what a tool sent and what it made of the answer.
//!
//! ```
//! use binance_mcp_plugin::testing::CannedExchange;
//! use binance_mcp_plugin::{exchange::fetch, Request, Value};
//! let ex = CannedExchange::new(&[("/api/v3/time", r#"{"serverTime":1}"#)]);
//! let v: Value = fetch(&ex, &Request::spot_get("/api/v3/time")).unwrap();
//! assert_eq!(v["serverTime"], 1);
//! assert_eq!(ex.paths(), vec!["/api/v3/time"]);
//! ```

use crate::{Exchange, Request, Response, ToolError};
use std::cell::RefCell;
use std::collections::HashMap;

/// Answers requests from a table and records them.
#[derive(Debug, Default)]
pub struct CannedExchange {
    answers: HashMap<String, Result<String, ToolError>>,
    fallback: Option<String>,
    seen: RefCell<Vec<Request>>,
}

impl CannedExchange {
    /// Answer each key with its body. A key is a path (`/api/v3/depth`) or
    /// a path, a space and a symbol (`/api/v3/myTrades ETHUSDT`), which wins
    /// for requests with that `symbol`.
    pub fn new(answers: &[(&str, &str)]) -> Self {
        CannedExchange {
            answers: answers
                .iter()
                .map(|(k, v)| (k.to_string(), Ok(v.to_string())))
                .collect(),
            ..CannedExchange::default()
        }
    }

    /// Answer one path.
    pub fn one(path: &str, body: &str) -> Self {
        CannedExchange::new(&[(path, body)])
    }

    /// Answer every request with `body`.
    pub fn always(body: &str) -> Self {
        CannedExchange {
            fallback: Some(body.to_string()),
            ..CannedExchange::default()
        }
    }

    /// Answer `key` with an error (as the host would: authentication, rate
    /// limit, a Binance rejection…).
    pub fn fail(&mut self, key: &str, error: ToolError) {
        self.answers.insert(key.to_string(), Err(error));
    }

    /// Every request received so far.
    pub fn requests(&self) -> Vec<Request> {
        self.seen.borrow().clone()
    }

    /// The paths requested, in order.
    pub fn paths(&self) -> Vec<String> {
        self.seen.borrow().iter().map(|r| r.path.clone()).collect()
    }

    /// The parameters of request `i`.
    pub fn params(&self, i: usize) -> Vec<(String, String)> {
        self.seen.borrow()[i].params.clone()
    }
}

impl Exchange for CannedExchange {
    /// Panics on a request with no canned answer: in a test that is a bug to
    /// see at once, not an error to handle.
    fn send(&self, request: &Request) -> Result<Response, ToolError> {
        self.seen.borrow_mut().push(request.clone());
        let symbol = request
            .params
            .iter()
            .find(|(k, _)| k == "symbol")
            .map(|(_, v)| v.as_str())
            .unwrap_or("");
        let answer = self
            .answers
            .get(&format!("{} {symbol}", request.path))
            .or_else(|| self.answers.get(&request.path))
            .cloned()
            .or_else(|| self.fallback.clone().map(Ok))
            .unwrap_or_else(|| panic!("no canned answer for {}", request.path));
        answer.map(|body| Response {
            status: 200,
            body,
            used_weight_1m: Some(1),
        })
    }
}
