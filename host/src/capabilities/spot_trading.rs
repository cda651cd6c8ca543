//! `binance:mcp/spot-trading`: a plugin's typed order, handed to the host's
//! [`SpotTrading`] service, which builds, checks, confirms, journals and
//! sends it. Linked only for a plugin the policy grants `spot-trade`.

use crate::gate::CallIdentity;
use crate::runtime::bindings::binance::mcp::spot_trading as wit;
use crate::runtime::bindings::binance::mcp::types as wit_types;
use crate::runtime::convert::to_wit_error;
use crate::tool_error::{ErrorKind, ToolError};
use crate::trading::order::{Draft, OrderType, Side, TimeInForce};
use crate::trading::SpotTrading;
use std::sync::Arc;
use std::time::Instant;

/// The spot-trading capability's context for one call.
pub struct TradingCtx {
    pub(crate) call: Arc<CallIdentity>,
    /// `None` when the host runs without a trading service (nothing is
    /// granted then, and every order is refused).
    pub(crate) trading: Option<Arc<SpotTrading>>,
    pub(crate) deadline: Instant,
}

fn side(s: wit::Side) -> Side {
    match s {
        wit::Side::Buy => Side::Buy,
        wit::Side::Sell => Side::Sell,
    }
}

fn order_type(t: wit::OrderType) -> OrderType {
    match t {
        wit::OrderType::Limit => OrderType::Limit,
        wit::OrderType::Market => OrderType::Market,
        wit::OrderType::StopLoss => OrderType::StopLoss,
        wit::OrderType::StopLossLimit => OrderType::StopLossLimit,
        wit::OrderType::TakeProfit => OrderType::TakeProfit,
        wit::OrderType::TakeProfitLimit => OrderType::TakeProfitLimit,
        wit::OrderType::LimitMaker => OrderType::LimitMaker,
    }
}

fn tif(t: wit::TimeInForce) -> TimeInForce {
    match t {
        wit::TimeInForce::Gtc => TimeInForce::Gtc,
        wit::TimeInForce::Ioc => TimeInForce::Ioc,
        wit::TimeInForce::Fok => TimeInForce::Fok,
    }
}

impl TradingCtx {
    fn run(
        &self,
        f: impl FnOnce(&SpotTrading) -> Result<serde_json::Value, ToolError>,
    ) -> Result<String, wit_types::ToolError> {
        let outcome = match &self.trading {
            Some(t) => f(t),
            None => Err(ToolError::new(
                ErrorKind::NotPermitted,
                "this server has no trading service",
                "the operator enables trading in the policy file",
            )),
        };
        outcome.map(|v| v.to_string()).map_err(to_wit_error)
    }
}

impl wit::Host for TradingCtx {
    fn place_order(&mut self, o: wit::Order) -> Result<String, wit_types::ToolError> {
        let draft = Draft {
            symbol: o.symbol,
            side: Some(side(o.side)),
            order_type: Some(order_type(o.order_type)),
            quantity: o.quantity,
            quote_quantity: o.quote_quantity,
            price: o.price,
            stop_price: o.stop_price,
            time_in_force: o.time_in_force.map(tif),
            client_order_id: o.client_order_id,
        };
        self.run(|t| t.place(&self.call, draft, o.dry_run, o.confirmation, self.deadline))
    }

    fn place_oco(&mut self, o: wit::OcoOrder) -> Result<String, wit_types::ToolError> {
        self.run(|t| {
            t.place_oco(
                &self.call,
                crate::trading::service::OcoDraft {
                    symbol: o.symbol,
                    side: side(o.side),
                    quantity: o.quantity,
                    price: o.price,
                    stop_price: o.stop_price,
                    stop_limit_price: o.stop_limit_price,
                    list_client_order_id: o.list_client_order_id,
                },
                o.confirmation,
                self.deadline,
            )
        })
    }

    fn cancel_order(&mut self, c: wit::Cancel) -> Result<String, wit_types::ToolError> {
        self.run(|t| {
            t.cancel(
                &self.call,
                &c.symbol,
                c.order_id,
                c.client_order_id,
                self.deadline,
            )
        })
    }

    fn cancel_all(&mut self, symbol: String) -> Result<String, wit_types::ToolError> {
        self.run(|t| t.cancel_all(&self.call, &symbol, self.deadline))
    }
}
