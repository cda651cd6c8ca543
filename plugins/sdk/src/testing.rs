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
//!
//! A [`CannedTrading`] stands in for the host's `spot-trading` capability
//! the same way: it records every record it receives and answers a canned
//! JSON text. [`CannedExchange::with_trading`] exposes it through
//! [`Exchange::trading`], which is `None` otherwise.
//!
//! ```
//! use binance_mcp_plugin::testing::{CannedExchange, CannedTrading, TradingCall};
//! use binance_mcp_plugin::Exchange;
//! let ex = CannedExchange::default()
//!     .with_trading(CannedTrading::always(r#"{"status":"CANCELED"}"#));
//! let answer = ex.trading().unwrap().cancel_all("BTCUSDT").unwrap();
//! assert_eq!(answer, r#"{"status":"CANCELED"}"#);
//! assert_eq!(ex.trading_calls(), vec![TradingCall::CancelAll("BTCUSDT".into())]);
//! assert!(CannedExchange::default().trading().is_none());
//! ```
//!
//! A [`CannedFutures`] stands in for the host's `futures-trading`
//! capability in the same way: [`CannedExchange::with_futures`] exposes it
//! through [`Exchange::futures`] (`None` otherwise), and
//! [`CannedExchange::futures_calls`] lists what it received.
//!
//! ```
//! use binance_mcp_plugin::testing::{CannedExchange, CannedFutures, FuturesCall};
//! use binance_mcp_plugin::Exchange;
//! let ex = CannedExchange::default()
//!     .with_futures(CannedFutures::always(r#"{"leverage":5}"#));
//! let answer = ex.futures().unwrap().set_leverage("BTCUSDT", 5, None).unwrap();
//! assert_eq!(answer, r#"{"leverage":5}"#);
//! assert_eq!(
//!     ex.futures_calls(),
//!     vec![FuturesCall::SetLeverage {
//!         symbol: "BTCUSDT".into(),
//!         leverage: 5,
//!         confirmation: None,
//!     }]
//! );
//! assert!(CannedExchange::default().futures().is_none());
//! ```

use crate::futures::{FuturesCancel, FuturesOrder, FuturesTrading, MarginType};
use crate::trading::{Cancel, OcoOrder, Order, Trading};
use crate::{Exchange, Request, Response, ToolError};
use std::cell::RefCell;
use std::collections::HashMap;

/// Answers requests from a table and records them.
#[derive(Debug, Default)]
pub struct CannedExchange {
    answers: HashMap<String, Result<String, ToolError>>,
    fallback: Option<String>,
    seen: RefCell<Vec<Request>>,
    trading: Option<CannedTrading>,
    futures: Option<CannedFutures>,
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

    /// Offer `trading` as this exchange's [`Exchange::trading`] capability
    /// (without it, `trading()` is `None`, as for a plugin not granted
    /// `spot-trade`).
    pub fn with_trading(mut self, trading: CannedTrading) -> Self {
        self.trading = Some(trading);
        self
    }

    /// Every call the canned trading capability received, in order (empty
    /// when there is none).
    pub fn trading_calls(&self) -> Vec<TradingCall> {
        self.trading
            .as_ref()
            .map(CannedTrading::calls)
            .unwrap_or_default()
    }

    /// Offer `futures` as this exchange's [`Exchange::futures`] capability
    /// (without it, `futures()` is `None`, as for a plugin not granted
    /// `futures-trade`).
    pub fn with_futures(mut self, futures: CannedFutures) -> Self {
        self.futures = Some(futures);
        self
    }

    /// Every call the canned futures capability received, in order (empty
    /// when there is none).
    pub fn futures_calls(&self) -> Vec<FuturesCall> {
        self.futures
            .as_ref()
            .map(CannedFutures::calls)
            .unwrap_or_default()
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

    fn trading(&self) -> Option<&dyn Trading> {
        self.trading.as_ref().map(|t| t as &dyn Trading)
    }

    fn futures(&self) -> Option<&dyn FuturesTrading> {
        self.futures.as_ref().map(|f| f as &dyn FuturesTrading)
    }
}

/// One call of the [`Trading`] capability, with the record it carried.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TradingCall {
    PlaceOrder(Order),
    PlaceOco(OcoOrder),
    CancelOrder(Cancel),
    CancelAll(String),
}

/// A canned spot-trading capability: records every call and answers each
/// with one JSON text (as the host would: the order's state or a preview)
/// or one error (a policy refusal, a Binance rejection…).
#[derive(Debug, Default)]
pub struct CannedTrading {
    answer: Option<Result<String, ToolError>>,
    seen: RefCell<Vec<TradingCall>>,
}

impl CannedTrading {
    /// Answer every call with `body`.
    pub fn always(body: &str) -> Self {
        CannedTrading {
            answer: Some(Ok(body.to_string())),
            ..CannedTrading::default()
        }
    }

    /// Answer every call with `error`.
    pub fn failing(error: ToolError) -> Self {
        CannedTrading {
            answer: Some(Err(error)),
            ..CannedTrading::default()
        }
    }

    /// Every call received so far, in order.
    pub fn calls(&self) -> Vec<TradingCall> {
        self.seen.borrow().clone()
    }

    /// Panics with no canned answer: in a test that is a bug to see at once.
    fn answer(&self, call: TradingCall) -> Result<String, ToolError> {
        self.seen.borrow_mut().push(call);
        self.answer
            .clone()
            .unwrap_or_else(|| panic!("no canned trading answer"))
    }
}

impl Trading for CannedTrading {
    fn place_order(&self, order: &Order) -> Result<String, ToolError> {
        self.answer(TradingCall::PlaceOrder(order.clone()))
    }

    fn place_oco(&self, order: &OcoOrder) -> Result<String, ToolError> {
        self.answer(TradingCall::PlaceOco(order.clone()))
    }

    fn cancel_order(&self, cancel: &Cancel) -> Result<String, ToolError> {
        self.answer(TradingCall::CancelOrder(cancel.clone()))
    }

    fn cancel_all(&self, symbol: &str) -> Result<String, ToolError> {
        self.answer(TradingCall::CancelAll(symbol.to_string()))
    }
}

/// One call of the [`FuturesTrading`] capability, with what it carried.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FuturesCall {
    SetLeverage {
        symbol: String,
        leverage: u32,
        confirmation: Option<String>,
    },
    SetMarginType {
        symbol: String,
        margin_type: MarginType,
        confirmation: Option<String>,
    },
    PlaceOrder(FuturesOrder),
    ClosePosition {
        symbol: String,
        confirmation: Option<String>,
    },
    CancelOrder(FuturesCancel),
    CancelAll(String),
}

/// A canned futures-trading capability: records every call and answers
/// each with one JSON text (as the host would: the order's state, the
/// change made, or a preview) or one error (a policy refusal, a Binance
/// rejection…), like [`CannedTrading`].
#[derive(Debug, Default)]
pub struct CannedFutures {
    answer: Option<Result<String, ToolError>>,
    seen: RefCell<Vec<FuturesCall>>,
}

impl CannedFutures {
    /// Answer every call with `body`.
    pub fn always(body: &str) -> Self {
        CannedFutures {
            answer: Some(Ok(body.to_string())),
            ..CannedFutures::default()
        }
    }

    /// Answer every call with `error`.
    pub fn failing(error: ToolError) -> Self {
        CannedFutures {
            answer: Some(Err(error)),
            ..CannedFutures::default()
        }
    }

    /// Every call received so far, in order.
    pub fn calls(&self) -> Vec<FuturesCall> {
        self.seen.borrow().clone()
    }

    /// Panics with no canned answer: in a test that is a bug to see at once.
    fn answer(&self, call: FuturesCall) -> Result<String, ToolError> {
        self.seen.borrow_mut().push(call);
        self.answer
            .clone()
            .unwrap_or_else(|| panic!("no canned futures answer"))
    }
}

impl FuturesTrading for CannedFutures {
    fn set_leverage(
        &self,
        symbol: &str,
        leverage: u32,
        confirmation: Option<&str>,
    ) -> Result<String, ToolError> {
        self.answer(FuturesCall::SetLeverage {
            symbol: symbol.to_string(),
            leverage,
            confirmation: confirmation.map(str::to_string),
        })
    }

    fn set_margin_type(
        &self,
        symbol: &str,
        margin_type: MarginType,
        confirmation: Option<&str>,
    ) -> Result<String, ToolError> {
        self.answer(FuturesCall::SetMarginType {
            symbol: symbol.to_string(),
            margin_type,
            confirmation: confirmation.map(str::to_string),
        })
    }

    fn place_order(&self, order: &FuturesOrder) -> Result<String, ToolError> {
        self.answer(FuturesCall::PlaceOrder(order.clone()))
    }

    fn close_position(
        &self,
        symbol: &str,
        confirmation: Option<&str>,
    ) -> Result<String, ToolError> {
        self.answer(FuturesCall::ClosePosition {
            symbol: symbol.to_string(),
            confirmation: confirmation.map(str::to_string),
        })
    }

    fn cancel_order(&self, cancel: &FuturesCancel) -> Result<String, ToolError> {
        self.answer(FuturesCall::CancelOrder(cancel.clone()))
    }

    fn cancel_all(&self, symbol: &str) -> Result<String, ToolError> {
        self.answer(FuturesCall::CancelAll(symbol.to_string()))
    }
}
