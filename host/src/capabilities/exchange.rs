//! `binance:mcp/exchange`: a plugin's REST request, decided by the call's
//! gate (`crate::gate`) and sent by the [`ExchangeService`].

use crate::exchange::catalogue::Method;
use crate::exchange::{ExchangeService, Request};
use crate::gate::CallGate;
use crate::runtime::bindings::binance::mcp::exchange as wit;
use crate::runtime::bindings::binance::mcp::types as wit_types;
use crate::runtime::convert::{to_wit_error, venue_from_wit};
use std::time::Instant;

/// The exchange capability's context.
pub struct ExchangeCtx {
    /// The policy's decision on each request, for this call's plugin and tool.
    pub(crate) gate: CallGate,
    pub(crate) service: ExchangeService,
    /// The end of this call's wall-clock budget: requests get only what is left.
    pub(crate) deadline: Instant,
}

impl wit::Host for ExchangeCtx {
    fn send(&mut self, req: wit::Request) -> Result<wit::Response, wit_types::ToolError> {
        let request = Request {
            venue: venue_from_wit(req.venue),
            method: match req.method {
                wit::Method::Get => Method::Get,
                wit::Method::Post => Method::Post,
                wit::Method::Put => Method::Put,
                wit::Method::Delete => Method::Delete,
            },
            path: req.path,
            params: req.params,
        };
        match self.service.send(&self.gate, request, Some(self.deadline)) {
            Ok(r) => Ok(wit::Response {
                status: r.status,
                body: r.body,
                used_weight_1m: r.used_weight_1m,
            }),
            Err(e) => {
                tracing::debug!(plugin = &*self.gate.call().plugin, tool = &*self.gate.call().tool, error = %e, "exchange capability refused or failed");
                Err(to_wit_error(e))
            }
        }
    }
}
