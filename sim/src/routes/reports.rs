//! The JSON shapes of the TRADE endpoints' answers, field for field and in
//! Binance's order: new-order answers (ACK / RESULT / FULL), cancel
//! answers, and order-list answers with their `orderReports`.
//!
//! Conditional fields follow Binance's "Conditional fields in Order
//! Responses": `stopPrice` only for the stop types, `icebergQty` only for
//! iceberg orders; an untriggered stop's `workingTime` is -1.

use serde::Serialize;

use crate::account::{Fill, ListMember, ListOrderStatus, ListStatusType, Order, OrderList};
use crate::account::{OrderStatus, OrderType, Side};
use crate::engine::request::RespType;
use crate::num::fmt8;

/// The RESULT part of an order answer.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
#[allow(missing_docs)]
pub struct OrderFields {
    pub price: String,
    pub orig_qty: String,
    pub executed_qty: String,
    pub orig_quote_order_qty: String,
    pub cummulative_quote_qty: String,
    pub status: OrderStatus,
    pub time_in_force: String,
    #[serde(rename = "type")]
    pub order_type: OrderType,
    pub side: Side,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stop_price: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub working_time: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub iceberg_qty: Option<String>,
    pub self_trade_prevention_mode: String,
}

impl OrderFields {
    /// `o`'s fields; `workingTime` only if `working_time` (placements).
    pub fn new(o: &Order, working_time: bool) -> Self {
        OrderFields {
            price: fmt8(o.price),
            orig_qty: fmt8(o.orig_qty),
            executed_qty: fmt8(o.executed_qty),
            orig_quote_order_qty: fmt8(o.orig_quote_order_qty),
            cummulative_quote_qty: fmt8(o.cummulative_quote_qty),
            status: o.status,
            time_in_force: o.time_in_force.clone(),
            order_type: o.order_type,
            side: o.side,
            stop_price: o.order_type.is_stop().then(|| fmt8(o.stop_price)),
            working_time: working_time.then_some(o.working_time),
            iceberg_qty: (!o.iceberg_qty.is_zero()).then(|| fmt8(o.iceberg_qty)),
            self_trade_prevention_mode: o.self_trade_prevention_mode.clone(),
        }
    }
}

/// A new order's answer; also an `orderReports` entry of a new list.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
#[allow(missing_docs)]
pub struct NewOrderReport {
    pub symbol: String,
    pub order_id: u64,
    pub order_list_id: i64,
    pub client_order_id: String,
    pub transact_time: i64,
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub result: Option<OrderFields>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fills: Option<Vec<Fill>>,
}

impl NewOrderReport {
    /// `o` placed at `now`, answered in `resp` form with `fills`.
    pub fn new(o: &Order, fills: &[Fill], resp: RespType, now: i64) -> Self {
        NewOrderReport {
            symbol: o.symbol.clone(),
            order_id: o.order_id,
            order_list_id: o.order_list_id,
            client_order_id: o.client_order_id.clone(),
            transact_time: now,
            result: (resp != RespType::Ack).then(|| OrderFields::new(o, true)),
            fills: (resp == RespType::Full).then(|| fills.to_vec()),
        }
    }
}

/// The default `newOrderRespType`: FULL for MARKET and LIMIT orders, ACK
/// for the others (Binance's rule).
pub fn default_resp_type(t: OrderType) -> RespType {
    match t {
        OrderType::Market | OrderType::Limit => RespType::Full,
        _ => RespType::Ack,
    }
}

/// A cancelled order's answer (`DELETE /api/v3/order`, cancel reports).
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
#[allow(missing_docs)]
pub struct CancelReport {
    pub symbol: String,
    pub orig_client_order_id: String,
    pub order_id: u64,
    pub order_list_id: i64,
    pub client_order_id: String,
    pub transact_time: i64,
    #[serde(flatten)]
    pub result: OrderFields,
}

impl CancelReport {
    /// `o` cancelled at `now` by the cancel with client id `cancel_id`.
    pub fn new(o: &Order, cancel_id: &str, now: i64) -> Self {
        CancelReport {
            symbol: o.symbol.clone(),
            orig_client_order_id: o.client_order_id.clone(),
            order_id: o.order_id,
            order_list_id: o.order_list_id,
            client_order_id: cancel_id.to_string(),
            transact_time: now,
            result: OrderFields::new(o, false),
        }
    }
}

/// An order list with its `orderReports` (placement or cancellation).
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
#[allow(missing_docs)]
pub struct ListReport<R> {
    pub order_list_id: i64,
    pub contingency_type: &'static str,
    pub list_status_type: ListStatusType,
    pub list_order_status: ListOrderStatus,
    pub list_client_order_id: String,
    pub transaction_time: i64,
    pub symbol: String,
    pub orders: Vec<ListMember>,
    pub order_reports: Vec<R>,
}

impl<R> ListReport<R> {
    /// `list` with `reports`.
    pub fn new(list: &OrderList, reports: Vec<R>) -> Self {
        ListReport {
            order_list_id: list.order_list_id,
            contingency_type: list.contingency_type,
            list_status_type: list.list_status_type,
            list_order_status: list.list_order_status,
            list_client_order_id: list.list_client_order_id.clone(),
            transaction_time: list.transaction_time,
            symbol: list.symbol.clone(),
            orders: list.orders.clone(),
            order_reports: reports,
        }
    }
}

/// One entry of `DELETE /api/v3/openOrders`: an order or a whole list.
#[derive(Debug, Serialize)]
#[serde(untagged)]
pub enum CancelAllItem {
    /// A single order.
    Order(CancelReport),
    /// An order list.
    List(ListReport<CancelReport>),
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::account::generate::new_order;
    use rust_decimal::Decimal;

    #[test]
    fn conditional_fields() {
        let mut o = new_order(
            "BTCUSDT",
            7,
            "c1".into(),
            OrderType::StopLossLimit,
            Side::Sell,
            Decimal::from(90),
            Decimal::ONE,
            1,
        );
        o.stop_price = Decimal::from(95);
        o.working_time = -1;
        let v = serde_json::to_value(NewOrderReport::new(&o, &[], RespType::Result, 5)).unwrap();
        assert_eq!(v["stopPrice"], "95.00000000");
        assert_eq!(v["workingTime"], -1);
        assert!(v.get("icebergQty").is_none() && v.get("fills").is_none());
        let ack = serde_json::to_string(&NewOrderReport::new(&o, &[], RespType::Ack, 5)).unwrap();
        assert_eq!(
            ack,
            r#"{"symbol":"BTCUSDT","orderId":7,"orderListId":-1,"clientOrderId":"c1","transactTime":5}"#
        );
        o.order_type = OrderType::Limit;
        let v = serde_json::to_value(CancelReport::new(&o, "x", 5)).unwrap();
        assert!(v.get("stopPrice").is_none() && v.get("workingTime").is_none());
        assert_eq!(v["origClientOrderId"], "c1");
        assert_eq!(default_resp_type(OrderType::Limit), RespType::Full);
        assert_eq!(default_resp_type(OrderType::StopLoss), RespType::Ack);
    }
}
