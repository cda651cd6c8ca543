//! The plugin's only way out: a request to Binance through the host.

use crate::ToolError;
use serde::de::DeserializeOwned;
use serde::Deserialize;

/// Which Binance REST API a request targets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Venue {
    /// Spot (`/api/...`).
    Spot,
    /// USD-M futures (`/fapi/...`).
    UsdmFutures,
}

/// HTTP method.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Get,
    Post,
    Put,
    Delete,
}

/// One REST request, with Binance's own parameter names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    pub venue: Venue,
    pub method: Method,
    pub path: String,
    pub params: Vec<(String, String)>,
}

impl Request {
    /// A spot GET with no parameters yet.
    pub fn spot_get(path: &str) -> Self {
        Request {
            venue: Venue::Spot,
            method: Method::Get,
            path: path.to_string(),
            params: Vec::new(),
        }
    }

    /// Append a parameter.
    pub fn param(mut self, name: &str, value: impl ToString) -> Self {
        self.params.push((name.to_string(), value.to_string()));
        self
    }

    /// Append a parameter when it has a value.
    pub fn opt_param<V: ToString>(self, name: &str, value: Option<V>) -> Self {
        match value {
            Some(v) => self.param(name, v),
            None => self,
        }
    }
}

/// A successful answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    pub status: u16,
    pub body: String,
    pub used_weight_1m: Option<u32>,
}

impl Response {
    /// Parse the body as `T`, mapping a parse failure to a readable error.
    pub fn json<T: DeserializeOwned>(&self) -> Result<T, ToolError> {
        serde_json::from_str(&self.body).map_err(ToolError::bad_exchange_data)
    }

    /// Parse the body as `T` borrowing from it (`&str` fields point into the
    /// body: no allocation per decimal; a string with escapes fails, which
    /// no Binance number or symbol has).
    pub fn parse<'a, T: Deserialize<'a>>(&'a self) -> Result<T, ToolError> {
        serde_json::from_str(&self.body).map_err(ToolError::bad_exchange_data)
    }
}

/// Log levels a plugin may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogLevel {
    Debug,
    Info,
    Warn,
}

/// Something that sends requests to Binance: the host import inside WASM,
/// or any native implementation (benchmarks, unit tests of plugin logic).
pub trait Exchange {
    /// Send one request. Errors arrive classified, ready to return to the model.
    fn send(&self, request: &Request) -> Result<Response, ToolError>;

    /// The typed spot-trading capability, when this plugin may have it
    /// (the host still decides per order). `None` by default.
    fn trading(&self) -> Option<&dyn crate::trading::Trading> {
        None
    }

    /// The typed futures-trading capability, when this plugin may have it.
    fn futures(&self) -> Option<&dyn crate::futures::FuturesTrading> {
        None
    }

    /// The host's live order books (`order-book`), when linked.
    fn order_book(&self) -> Option<&dyn crate::book::OrderBook> {
        None
    }
}

/// Send `request` through `exchange` and parse the JSON body as `T`.
pub fn fetch<T: DeserializeOwned>(
    exchange: &dyn Exchange,
    request: &Request,
) -> Result<T, ToolError> {
    exchange.send(request)?.json()
}

/// Log through the host when running as a plugin; a no-op natively.
pub fn log(level: LogLevel, message: &str) {
    #[cfg(target_arch = "wasm32")]
    crate::guest::log(level, message);
    #[cfg(not(target_arch = "wasm32"))]
    let _ = (level, message);
}
