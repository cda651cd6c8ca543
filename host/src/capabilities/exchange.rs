//! `binance:mcp/exchange`: a plugin's REST request, checked and sent by the
//! [`ExchangeService`] under this plugin's [`ExchangeGrant`].

use crate::exchange::catalogue::{Method, Venue};
use crate::exchange::{ExchangeGrant, ExchangeService, Request};
use crate::runtime::bindings::binance::mcp::exchange as wit;
use crate::runtime::bindings::binance::mcp::types as wit_types;
use crate::runtime::convert::to_wit_error;
use std::sync::Arc;
use std::time::Instant;

/// The exchange capability's context.
pub struct ExchangeCtx {
    pub(crate) plugin: Arc<str>,
    pub(crate) grant: ExchangeGrant,
    pub(crate) service: ExchangeService,
    /// The end of this call's wall-clock budget: requests get only what is left.
    pub(crate) deadline: Instant,
}

impl wit::Host for ExchangeCtx {
    fn send(&mut self, req: wit::Request) -> Result<wit::Response, wit_types::ToolError> {
        let request = Request {
            venue: match req.venue {
                wit::Venue::Spot => Venue::Spot,
                wit::Venue::UsdmFutures => Venue::UsdmFutures,
            },
            method: match req.method {
                wit::Method::Get => Method::Get,
                wit::Method::Post => Method::Post,
                wit::Method::Put => Method::Put,
                wit::Method::Delete => Method::Delete,
            },
            path: req.path,
            params: req.params,
        };
        match self.service.send(&self.grant, request, Some(self.deadline)) {
            Ok(r) => Ok(wit::Response {
                status: r.status,
                body: r.body,
                used_weight_1m: r.used_weight_1m,
            }),
            Err(e) => {
                tracing::debug!(plugin = &*self.plugin, error = %e, "exchange capability refused or failed");
                Err(to_wit_error(e))
            }
        }
    }
}
