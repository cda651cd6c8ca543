//! One-cancels-the-other order lists (`POST /api/v3/orderList/oco`).
//!
//! An OCO is two orders on the same side and quantity, linked by an
//! orderListId: the *above* leg (priced above the last price) and the
//! *below* leg. One leg protects (STOP_LOSS / STOP_LOSS_LIMIT: above for a
//! BUY, below for a SELL) and the other takes profit (LIMIT_MAKER,
//! TAKE_PROFIT, TAKE_PROFIT_LIMIT: below for a BUY, above for a SELL);
//! Binance's codes -1158, -1165/-1166, -1168 and -1196…-1199 reject other
//! combinations, and -2010 "The relationship of the prices for the orders
//! is not correct." legs on the wrong side of the last price.
//!
//! The list locks the balance once, for whichever leg needs more. When a
//! leg is activated — its first fill, or its trigger — the other leg
//! EXPIRES, the active leg takes over the lock and the list is ALL_DONE.
//! Cancelling either leg (or the list) cancels both legs.

use rust_decimal::Decimal;

use super::request::{
    client_id, opt_decimal, order_type, resp_type, shape, side, stp_mode, Names, OrderSpec,
    RespType,
};
use super::{book, insufficient, Desk};
use crate::account::{
    ListMember, ListOrderStatus, ListStatusType, Order, OrderList, OrderStatus, OrderType, Side,
};
use crate::error::ApiError;
use crate::params::Params;

/// A validated OCO request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OcoSpec {
    /// `listClientOrderId` (generated when absent).
    pub list_client_order_id: Option<String>,
    /// The legs' side.
    pub side: Side,
    /// The legs' quantity.
    pub quantity: Decimal,
    /// The above leg.
    pub above: OrderSpec,
    /// The below leg.
    pub below: OrderSpec,
}

fn code(code: i32, msg: &str) -> ApiError {
    ApiError::bad_request(code, msg)
}

/// The price a leg sits at relative to the market: its limit price for a
/// LIMIT_MAKER, its stop price otherwise.
fn reference(leg: &OrderSpec) -> Decimal {
    match leg.order_type {
        OrderType::LimitMaker => leg.price.unwrap_or_default(),
        _ => leg.stop_price.unwrap_or_default(),
    }
}

/// Reads and checks an OCO request (parameters and leg combination).
pub fn parse_oco(p: &Params) -> Result<(OcoSpec, Option<RespType>), ApiError> {
    let side = side(p, "side")?;
    let quantity = opt_decimal(p, "quantity")?.ok_or_else(|| ApiError::mandatory("quantity"))?;
    let leg = |prefix: &str| -> Result<OrderSpec, ApiError> {
        let t = order_type(p, &format!("{prefix}Type"))?;
        if matches!(t, OrderType::Limit | OrderType::Market) {
            return Err(code(-1158, "Order type not supported in OCO."));
        }
        let mut spec = OrderSpec {
            side,
            order_type: t,
            time_in_force: None,
            quantity: Some(quantity),
            quote_order_qty: None,
            price: None,
            stop_price: None,
            iceberg_qty: None,
            client_order_id: client_id(p, &format!("{prefix}ClientOrderId"))?,
            stp_mode: stp_mode(p)?,
        };
        shape(p, &Names::prefixed(prefix), &mut spec)?;
        Ok(spec)
    };
    let (above, below) = (leg("above")?, leg("below")?);
    let (a, b) = (above.order_type, below.order_type);
    if a == OrderType::LimitMaker && b == OrderType::LimitMaker {
        return Err(code(-1168, "At least one OCO order must be contingent."));
    }
    let profit = |t: OrderType| matches!(t, OrderType::TakeProfit | OrderType::TakeProfitLimit);
    match side {
        Side::Buy if a == OrderType::LimitMaker => {
            return Err(code(-1165, "A limit order in a buy OCO must be below."))
        }
        Side::Buy if profit(a) => {
            return Err(code(
                -1198,
                "A take profit order in a buy OCO must be below.",
            ))
        }
        Side::Buy if b.is_stop_loss() => {
            return Err(code(-1196, "A stop loss order in a buy OCO must be above."))
        }
        Side::Sell if b == OrderType::LimitMaker => {
            return Err(code(-1166, "A limit order in a sell OCO must be above."))
        }
        Side::Sell if profit(b) => {
            return Err(code(
                -1199,
                "A take profit order in a sell OCO must be above.",
            ))
        }
        Side::Sell if a.is_stop_loss() => {
            return Err(code(
                -1197,
                "A stop loss order in a sell OCO must be below.",
            ))
        }
        _ => {}
    }
    let spec = OcoSpec {
        list_client_order_id: client_id(p, "listClientOrderId")?,
        side,
        quantity,
        above,
        below,
    };
    Ok((spec, resp_type(p)?))
}

impl Desk<'_> {
    /// What the OCO locks: the base quantity of a SELL, the larger of the
    /// legs' quote amounts (limit price, else stop price) of a BUY.
    pub fn oco_need(&self, spec: &OcoSpec) -> Decimal {
        match spec.side {
            Side::Sell => spec.quantity,
            Side::Buy => [&spec.above, &spec.below]
                .iter()
                .map(|l| (l.price.or(l.stop_price).unwrap_or_default() * spec.quantity).round_dp(8))
                .max()
                .unwrap_or_default(),
        }
    }

    /// The engine's checks of an OCO: duplicate ids, the legs around the
    /// last price, the balance.
    pub fn admit_oco(&self, spec: &OcoSpec) -> Result<(), ApiError> {
        let dup = || code(-2010, "Duplicate order sent.");
        if let Some(c) = &spec.list_client_order_id {
            let taken = self.account.snap.order_lists.iter().any(|l| {
                l.symbol == self.market.symbol && l.is_active() && &l.list_client_order_id == c
            });
            if taken {
                return Err(dup());
            }
        }
        let ids = [&spec.above.client_order_id, &spec.below.client_order_id];
        if ids[0].is_some() && ids[0] == ids[1] {
            return Err(dup());
        }
        if ids
            .iter()
            .filter_map(|c| c.as_deref())
            .any(|c| self.open_index(None, Some(c)).is_some())
        {
            return Err(dup());
        }
        let last = book::last_price(self.market);
        if reference(&spec.above) <= last || reference(&spec.below) >= last {
            return Err(code(
                -2010,
                "The relationship of the prices for the orders is not correct.",
            ));
        }
        if self.free_for(spec.side) < self.oco_need(spec) {
            return Err(insufficient());
        }
        Ok(())
    }

    /// Admits and places an OCO: the stop-loss leg gets the lower orderId
    /// (as in Binance's examples), both legs rest, the list holds the lock.
    pub fn place_oco(&mut self, spec: &OcoSpec) -> Result<(OrderList, Vec<Order>), ApiError> {
        self.admit_oco(spec)?;
        let need = self.oco_need(spec);
        let list_id = self.account.next_list_id();
        let (first, second) = if spec.above.order_type.is_stop_loss() {
            (&spec.above, &spec.below)
        } else {
            (&spec.below, &spec.above)
        };
        let legs = [self.open(first, list_id), self.open(second, list_id)];
        let asset = self.pay_asset(spec.side);
        let b = self.account.balance(&asset);
        b.free -= need;
        b.locked += need;
        self.account.snap.update_time = self.now;
        self.account.list_locks.insert(list_id, need);
        let list_client = match &spec.list_client_order_id {
            Some(c) => c.clone(),
            None => self.account.next_client_id(),
        };
        let orders: Vec<Order> = legs
            .iter()
            .map(|&i| self.account.snap.orders[i].clone())
            .collect();
        let list = OrderList {
            order_list_id: list_id,
            contingency_type: "OCO",
            list_status_type: ListStatusType::ExecStarted,
            list_order_status: ListOrderStatus::Executing,
            list_client_order_id: list_client,
            transaction_time: self.now,
            symbol: self.market.symbol.clone(),
            orders: orders
                .iter()
                .map(|o| ListMember {
                    symbol: o.symbol.clone(),
                    order_id: o.order_id,
                    client_order_id: o.client_order_id.clone(),
                })
                .collect(),
        };
        self.account.snap.order_lists.push(list.clone());
        Ok((list, orders))
    }

    /// The index of the active list the order at `idx` belongs to.
    pub fn active_list_of(&self, idx: usize) -> Option<usize> {
        let o = &self.account.snap.orders[idx];
        if o.order_list_id < 0 {
            return None;
        }
        self.account
            .snap
            .order_lists
            .iter()
            .position(|l| l.order_list_id == o.order_list_id && l.is_active())
    }

    /// The indices of the legs of the list at `li`.
    fn legs(&self, li: usize) -> Vec<usize> {
        let l = &self.account.snap.order_lists[li];
        l.orders
            .iter()
            .filter_map(|m| {
                self.account
                    .snap
                    .orders
                    .iter()
                    .position(|o| o.symbol == m.symbol && o.order_id == m.order_id)
            })
            .collect()
    }

    fn close_list(&mut self, li: usize) {
        let l = &mut self.account.snap.order_lists[li];
        l.list_status_type = ListStatusType::AllDone;
        l.list_order_status = ListOrderStatus::AllDone;
        l.transaction_time = self.now;
    }

    /// The order at `idx` is activated (first fill or trigger): if it is
    /// a leg of an active OCO, the other leg expires, this one takes over
    /// the list's lock and the list is done. A no-op otherwise.
    pub fn activate_leg(&mut self, idx: usize) {
        let Some(li) = self.active_list_of(idx) else {
            return;
        };
        for other in self.legs(li).into_iter().filter(|&i| i != idx) {
            let o = &mut self.account.snap.orders[other];
            if o.status.is_open() {
                o.status = OrderStatus::Expired;
                o.is_working = false;
                o.update_time = self.now;
            }
        }
        let list_id = self.account.snap.order_lists[li].order_list_id;
        if let Some(lock) = self.account.list_locks.remove(&list_id) {
            let o = &self.account.snap.orders[idx];
            let key = (o.symbol.clone(), o.order_id);
            *self.account.locks.entry(key).or_default() += lock;
        }
        self.close_list(li);
    }

    /// Cancels every open leg of the active list at `li` and releases its
    /// lock; returns the list and its legs as they end.
    pub fn cancel_list_at(&mut self, li: usize) -> (OrderList, Vec<Order>) {
        let legs = self.legs(li);
        let list_id = self.account.snap.order_lists[li].order_list_id;
        for &i in &legs {
            if self.account.snap.orders[i].status.is_open() {
                self.cancel_one(i);
            }
        }
        if let Some(lock) = self.account.list_locks.remove(&list_id) {
            let side = self.account.snap.orders[legs[0]].side;
            self.unlock(side, lock);
        }
        self.close_list(li);
        let orders = legs
            .iter()
            .map(|&i| self.account.snap.orders[i].clone())
            .collect();
        (self.account.snap.order_lists[li].clone(), orders)
    }
}
