//! Cancelling: one order (`DELETE /api/v3/order`), every open order of a
//! symbol (`DELETE /api/v3/openOrders`) and an order list
//! (`DELETE /api/v3/orderList`).
//!
//! A cancelled order releases what it still locks. Cancelling a leg of an
//! active OCO cancels the whole list, as Binance documents ("Canceling an
//! individual order from an order list will cancel the entire order
//! list"); cancel-all reports such a list once, with both legs in its
//! `orderReports`. Nothing open to cancel is -2011 "Unknown order sent.".

use super::{unknown_order, Desk};
use crate::account::{Order, OrderList, OrderStatus};
use crate::error::ApiError;

/// `cancelRestrictions`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Restriction {
    /// Only if the order is NEW.
    OnlyNew,
    /// Only if the order is PARTIALLY_FILLED.
    OnlyPartiallyFilled,
}

impl Restriction {
    /// Reads `cancelRestrictions`: -1145 for an unsupported value.
    pub fn parse(v: Option<&str>) -> Result<Option<Restriction>, ApiError> {
        match v {
            None => Ok(None),
            Some("ONLY_NEW") => Ok(Some(Restriction::OnlyNew)),
            Some("ONLY_PARTIALLY_FILLED") => Ok(Some(Restriction::OnlyPartiallyFilled)),
            Some(_) => Err(ApiError::bad_request(-1145, "Invalid cancelRestrictions")),
        }
    }

    fn allows(self, status: OrderStatus) -> bool {
        match self {
            Restriction::OnlyNew => status == OrderStatus::New,
            Restriction::OnlyPartiallyFilled => status == OrderStatus::PartiallyFilled,
        }
    }
}

/// One entry of a cancel-all answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cancelled {
    /// A single order.
    Order(Order),
    /// An order list, with its legs.
    List(OrderList, Vec<Order>),
}

impl Desk<'_> {
    /// Cancels the open order at `idx` alone, releasing its lock.
    pub fn cancel_one(&mut self, idx: usize) {
        self.release(idx);
        let o = &mut self.account.snap.orders[idx];
        o.status = OrderStatus::Canceled;
        o.is_working = false;
        o.update_time = self.now;
        self.account.snap.update_time = self.now;
    }

    /// Cancels the open order with `id` (precedence) or `client`; a leg of
    /// an active OCO takes its list with it. Returns the order as it ends.
    pub fn cancel(
        &mut self,
        id: Option<u64>,
        client: Option<&str>,
        restriction: Option<Restriction>,
    ) -> Result<Order, ApiError> {
        let idx = self.open_index(id, client).ok_or_else(unknown_order)?;
        let status = self.account.snap.orders[idx].status;
        if restriction.is_some_and(|r| !r.allows(status)) {
            return Err(ApiError::bad_request(
                -2011,
                "Order was not canceled due to cancel restrictions.",
            ));
        }
        match self.active_list_of(idx) {
            Some(li) => {
                self.cancel_list_at(li);
            }
            None => self.cancel_one(idx),
        }
        Ok(self.account.snap.orders[idx].clone())
    }

    /// Cancels every open order of the symbol, lists as a whole, in
    /// placement order.
    pub fn cancel_all(&mut self) -> Result<Vec<Cancelled>, ApiError> {
        let mut out = Vec::new();
        for idx in 0..self.account.snap.orders.len() {
            let o = &self.account.snap.orders[idx];
            if o.symbol != self.market.symbol || !o.status.is_open() {
                continue;
            }
            match self.active_list_of(idx) {
                Some(li) => {
                    let (list, legs) = self.cancel_list_at(li);
                    out.push(Cancelled::List(list, legs));
                }
                None => {
                    self.cancel_one(idx);
                    out.push(Cancelled::Order(self.account.snap.orders[idx].clone()));
                }
            }
        }
        if out.is_empty() {
            return Err(unknown_order());
        }
        Ok(out)
    }

    /// Cancels the active order list with `id` (precedence) or `client`.
    pub fn cancel_list(
        &mut self,
        id: Option<i64>,
        client: Option<&str>,
    ) -> Result<(OrderList, Vec<Order>), ApiError> {
        let symbol = &self.market.symbol;
        let li = self
            .account
            .snap
            .order_lists
            .iter()
            .position(|l| {
                &l.symbol == symbol
                    && l.is_active()
                    && match id {
                        Some(id) => l.order_list_id == id,
                        None => client.is_some_and(|c| l.list_client_order_id == c),
                    }
            })
            .ok_or_else(unknown_order)?;
        Ok(self.cancel_list_at(li))
    }
}
