//! JSON bodies of the futures order endpoints (orders, conditional orders,
//! cancels, settings), field for field and in the order fapi sends them;
//! the account, position, income and funding bodies are in
//! [`super::wire_account`]. Prices and quantities print in the symbol's
//! precision; timestamps as integer ms.

use rust_decimal::Decimal;
use serde::Serialize;

use super::account::FOrder;
use super::algo::{AlgoKind, AlgoOrder};
pub use super::wire_account::{
    AccountAsset, AccountPosition, AccountWire, FundingRateWire, IncomeWire, PositionRisk,
    PremiumIndex,
};
use crate::num::fmt_dp;

/// A regular order (`order`, `openOrders`, placement and cancel answers,
/// `forceOrders`).
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
#[allow(missing_docs)]
pub struct OrderWire {
    pub order_id: u64,
    pub symbol: String,
    pub status: &'static str,
    pub client_order_id: String,
    pub price: String,
    pub avg_price: String,
    pub orig_qty: String,
    pub executed_qty: String,
    pub cum_qty: String,
    pub cum_quote: String,
    pub time_in_force: &'static str,
    #[serde(rename = "type")]
    pub order_type: &'static str,
    pub reduce_only: bool,
    pub close_position: bool,
    pub side: &'static str,
    pub position_side: &'static str,
    pub stop_price: String,
    pub working_type: &'static str,
    pub price_protect: bool,
    pub orig_type: &'static str,
    pub price_match: &'static str,
    pub self_trade_prevention_mode: &'static str,
    pub good_till_date: i64,
    pub time: i64,
    pub update_time: i64,
}

impl From<&FOrder> for OrderWire {
    fn from(o: &FOrder) -> Self {
        let (pdp, qdp) = o.dp;
        OrderWire {
            order_id: o.order_id,
            symbol: o.symbol.clone(),
            status: o.status.as_str(),
            client_order_id: o.client_order_id.clone(),
            price: fmt_dp(o.price, pdp),
            avg_price: fmt_dp(o.avg_price, pdp),
            orig_qty: fmt_dp(o.orig_qty, qdp),
            executed_qty: fmt_dp(o.executed_qty, qdp),
            cum_qty: fmt_dp(o.executed_qty, qdp),
            cum_quote: fmt_dp(o.cum_quote, pdp + qdp),
            time_in_force: o.time_in_force,
            order_type: o.order_type,
            reduce_only: o.reduce_only,
            close_position: o.close_position,
            side: o.side.as_str(),
            position_side: "BOTH",
            stop_price: fmt_dp(Decimal::ZERO, pdp),
            working_type: "CONTRACT_PRICE",
            price_protect: false,
            orig_type: o.order_type,
            price_match: "NONE",
            self_trade_prevention_mode: "EXPIRE_MAKER",
            good_till_date: 0,
            time: o.time,
            update_time: o.update_time,
        }
    }
}

/// A conditional order (`algoOrder`, `openAlgoOrders`, placement answer).
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
#[allow(missing_docs)]
pub struct AlgoWire {
    pub algo_id: u64,
    pub client_algo_id: String,
    pub algo_type: &'static str,
    pub order_type: &'static str,
    pub symbol: String,
    pub side: &'static str,
    pub position_side: &'static str,
    pub time_in_force: &'static str,
    pub quantity: String,
    pub algo_status: &'static str,
    pub actual_order_id: String,
    pub actual_price: String,
    pub trigger_price: String,
    pub price: String,
    pub iceberg_quantity: Option<String>,
    pub tp_trigger_price: String,
    pub tp_price: String,
    pub sl_trigger_price: String,
    pub sl_price: String,
    pub tp_order_type: &'static str,
    pub self_trade_prevention_mode: &'static str,
    pub working_type: &'static str,
    pub price_match: &'static str,
    pub close_position: bool,
    pub price_protect: bool,
    pub reduce_only: bool,
    pub activate_price: String,
    pub callback_rate: String,
    pub create_time: i64,
    pub update_time: i64,
    pub trigger_time: i64,
    pub good_till_date: i64,
}

impl From<&AlgoOrder> for AlgoWire {
    fn from(a: &AlgoOrder) -> Self {
        let (pdp, qdp) = a.dp;
        let s = &a.spec;
        let zero = fmt_dp(Decimal::ZERO, pdp);
        let trailing = s.kind == AlgoKind::TrailingStopMarket;
        AlgoWire {
            algo_id: a.algo_id,
            client_algo_id: a.client_algo_id.clone(),
            algo_type: "CONDITIONAL",
            order_type: s.kind.as_str(),
            symbol: a.symbol.clone(),
            side: s.side.as_str(),
            position_side: "BOTH",
            time_in_force: s.tif.as_str(),
            quantity: fmt_dp(s.quantity.unwrap_or_default(), qdp),
            algo_status: a.status.as_str(),
            actual_order_id: a.actual_order_id.map(|i| i.to_string()).unwrap_or_default(),
            actual_price: fmt_dp(a.actual_price, pdp),
            trigger_price: fmt_dp(a.trigger_price, pdp),
            price: fmt_dp(s.price.unwrap_or_default(), pdp),
            iceberg_quantity: None,
            tp_trigger_price: zero.clone(),
            tp_price: zero.clone(),
            sl_trigger_price: zero.clone(),
            sl_price: zero,
            tp_order_type: "",
            self_trade_prevention_mode: "EXPIRE_MAKER",
            working_type: s.working_type,
            price_match: "NONE",
            close_position: s.close_position,
            price_protect: s.price_protect,
            reduce_only: s.reduce_only,
            activate_price: fmt_dp(
                if trailing {
                    s.activate_price.unwrap_or_default()
                } else {
                    Decimal::ZERO
                },
                pdp,
            ),
            callback_rate: s.callback_rate.unwrap_or_default().normalize().to_string(),
            create_time: a.create_time,
            update_time: a.update_time,
            trigger_time: a.trigger_time,
            good_till_date: 0,
        }
    }
}

/// `POST /fapi/v1/leverage`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
#[allow(missing_docs)]
pub struct LeverageWire {
    pub leverage: u32,
    pub max_notional_value: String,
    pub symbol: String,
}

/// `{"code":200,"msg":…}` answers.
#[derive(Debug, Serialize)]
#[allow(missing_docs)]
pub struct CodeMsg {
    pub code: i32,
    pub msg: &'static str,
}

/// The answer of the cancel-all endpoints.
pub fn cancel_all_done() -> CodeMsg {
    CodeMsg {
        code: 200,
        msg: "The operation of cancel all open order is done.",
    }
}

/// `DELETE /fapi/v1/algoOrder`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
#[allow(missing_docs)]
pub struct AlgoCancelWire {
    pub algo_id: u64,
    pub client_algo_id: String,
    pub code: &'static str,
    pub msg: &'static str,
}

/// `POST /fapi/v1/countdownCancelAll`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
#[allow(missing_docs)]
pub struct CountdownWire {
    pub symbol: String,
    pub countdown_time: String,
}
