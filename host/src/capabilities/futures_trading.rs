//! `binance:mcp/futures-trading`: a plugin's typed futures write, handed to
//! the host's [`FuturesTrading`] service, which builds, checks, confirms,
//! journals and sends it. Linked only for a plugin the policy grants
//! `futures-trade`.

use crate::futures::order::FuturesDraft;
use crate::futures::FuturesTrading;
use crate::gate::CallIdentity;
use crate::runtime::bindings::binance::mcp::futures_trading as wit;
use crate::runtime::bindings::binance::mcp::spot_trading as wit_spot;
use crate::runtime::bindings::binance::mcp::types as wit_types;
use crate::runtime::convert::to_wit_error;
use crate::tool_error::{ErrorKind, ToolError};
use binance_mcp_plugin::futures::{FuturesOrderType, FuturesTimeInForce, MarginType, WorkingType};
use binance_mcp_plugin::trading::Side;
use std::sync::Arc;
use std::time::Instant;

/// The futures-trading capability's context for one call.
pub struct FuturesCtx {
    pub(crate) call: Arc<CallIdentity>,
    /// `None` when the host runs without a futures service.
    pub(crate) futures: Option<Arc<FuturesTrading>>,
    pub(crate) deadline: Instant,
}

fn order_type(t: wit::FuturesOrderType) -> FuturesOrderType {
    use wit::FuturesOrderType as W;
    match t {
        W::Limit => FuturesOrderType::Limit,
        W::Market => FuturesOrderType::Market,
        W::Stop => FuturesOrderType::Stop,
        W::StopMarket => FuturesOrderType::StopMarket,
        W::TakeProfit => FuturesOrderType::TakeProfit,
        W::TakeProfitMarket => FuturesOrderType::TakeProfitMarket,
        W::TrailingStopMarket => FuturesOrderType::TrailingStopMarket,
    }
}

fn tif(t: wit::FuturesTimeInForce) -> FuturesTimeInForce {
    use wit::FuturesTimeInForce as W;
    match t {
        W::Gtc => FuturesTimeInForce::Gtc,
        W::Ioc => FuturesTimeInForce::Ioc,
        W::Fok => FuturesTimeInForce::Fok,
        W::Gtx => FuturesTimeInForce::Gtx,
    }
}

impl FuturesCtx {
    fn run(
        &self,
        f: impl FnOnce(&FuturesTrading) -> Result<serde_json::Value, ToolError>,
    ) -> Result<String, wit_types::ToolError> {
        let outcome = match &self.futures {
            Some(t) => f(t),
            None => Err(ToolError::new(
                ErrorKind::NotPermitted,
                "this server has no futures-trading service",
                "the operator enables futures in the policy file",
            )),
        };
        outcome.map(|v| v.to_string()).map_err(to_wit_error)
    }
}

impl wit::Host for FuturesCtx {
    fn set_leverage(
        &mut self,
        symbol: String,
        leverage: u32,
        confirmation: Option<String>,
    ) -> Result<String, wit_types::ToolError> {
        self.run(|t| t.set_leverage(&self.call, &symbol, leverage, confirmation, self.deadline))
    }

    fn set_margin_type(
        &mut self,
        symbol: String,
        margin_type: wit::MarginType,
        confirmation: Option<String>,
    ) -> Result<String, wit_types::ToolError> {
        let m = match margin_type {
            wit::MarginType::Isolated => MarginType::Isolated,
            wit::MarginType::Crossed => MarginType::Crossed,
        };
        self.run(|t| t.set_margin_type(&self.call, &symbol, m, confirmation, self.deadline))
    }

    fn place_order(&mut self, o: wit::FuturesOrder) -> Result<String, wit_types::ToolError> {
        let draft = FuturesDraft {
            symbol: o.symbol,
            side: match o.side {
                wit_spot::Side::Buy => Side::Buy,
                wit_spot::Side::Sell => Side::Sell,
            },
            order_type: order_type(o.order_type),
            quantity: o.quantity,
            price: o.price,
            trigger_price: o.trigger_price,
            time_in_force: o.time_in_force.map(tif),
            reduce_only: o.reduce_only,
            close_position: o.close_position,
            working_type: o.working_type.map(|w| match w {
                wit::WorkingType::MarkPrice => WorkingType::MarkPrice,
                wit::WorkingType::ContractPrice => WorkingType::ContractPrice,
            }),
            activation_price: o.activation_price,
            callback_rate: o.callback_rate,
            client_order_id: o.client_order_id,
        };
        self.run(|t| t.place(&self.call, draft, o.confirmation, self.deadline))
    }

    fn close_position(
        &mut self,
        symbol: String,
        confirmation: Option<String>,
    ) -> Result<String, wit_types::ToolError> {
        self.run(|t| t.close_position(&self.call, &symbol, confirmation, self.deadline))
    }

    fn cancel_order(&mut self, c: wit::FuturesCancel) -> Result<String, wit_types::ToolError> {
        self.run(|t| {
            t.cancel(
                &self.call,
                &c.symbol,
                c.order_id,
                c.client_order_id,
                c.conditional,
                self.deadline,
            )
        })
    }

    fn cancel_all(&mut self, symbol: String) -> Result<String, wit_types::ToolError> {
        self.run(|t| t.cancel_all(&self.call, &symbol, self.deadline))
    }
}
