//! Admitting and executing new orders.
//!
//! [`Desk::admit`] runs the matching engine's own checks (the ones
//! `POST /api/v3/order/test` does not: duplicates, stop prices that would
//! trigger at once, LIMIT_MAKER orders that would take, quote-sized market
//! orders an empty book cannot serve, the balance); [`Desk::place`] then
//! records the order and executes it by type:
//! - LIMIT crosses the book level by level up to its price; GTC rests the
//!   rest (locking it), IOC expires it, FOK expires the whole order unless
//!   the book holds all of it within the price;
//! - MARKET walks the book by `quantity` or `quoteOrderQty`; if the book
//!   runs out first the order is EXPIRED with what it got;
//! - LIMIT_MAKER rests;
//! - STOP_LOSS, TAKE_PROFIT and their _LIMIT forms rest untriggered
//!   (`isWorking` false, `workingTime` -1), locking what they will need.

use rust_decimal::Decimal;

use super::book::{self, Want};
use super::request::{OrderSpec, Tif};
use super::trigger::stop_condition;
use super::{insufficient, Desk};
use crate::account::generate::new_order;
use crate::account::{Fill, Order, OrderStatus, OrderType, Side};
use crate::error::ApiError;

/// An order as placed, with the fills of its immediate execution.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placed {
    /// The order's state after the request.
    pub order: Order,
    /// Its fills, in execution order.
    pub fills: Vec<Fill>,
}

/// -2010 with `msg`.
fn rejected(msg: &str) -> ApiError {
    ApiError::bad_request(-2010, msg)
}

impl Desk<'_> {
    /// The base-or-quote amount `spec` asks of the book.
    fn want(spec: &OrderSpec) -> Want {
        match (spec.quantity, spec.quote_order_qty) {
            (Some(q), _) => Want::Base(q),
            (None, q) => Want::Quote(q.unwrap_or_default()),
        }
    }

    /// A dry run of a taker on the book, no price limit.
    fn dry_walk(&self, side: Side, want: Want) -> book::Walk {
        book::walk(
            book::opposite(self.market, side),
            side,
            None,
            want,
            self.market.step_size,
        )
    }

    /// What placing `spec` needs free in its pay asset.
    pub fn need(&self, spec: &OrderSpec) -> Decimal {
        let qty = spec.quantity.unwrap_or_default();
        let at = |p: Decimal| match spec.side {
            Side::Buy => (p * qty).round_dp(8),
            Side::Sell => qty,
        };
        match (spec.order_type, spec.price, spec.stop_price) {
            (OrderType::Market, _, _) => match (spec.side, Self::want(spec)) {
                (Side::Buy, Want::Quote(q)) | (Side::Sell, Want::Base(q)) => q,
                (side, want) => {
                    let w = self.dry_walk(side, want);
                    if side == Side::Buy {
                        w.quote()
                    } else {
                        w.qty()
                    }
                }
            },
            (_, Some(p), _) => at(p),
            (_, None, Some(stop)) => at(stop),
            (_, None, None) => Decimal::ZERO,
        }
    }

    /// The matching engine's checks of `spec` (see the module docs).
    pub fn admit(&self, spec: &OrderSpec) -> Result<(), ApiError> {
        if let Some(c) = &spec.client_order_id {
            if self.open_index(None, Some(c)).is_some() {
                return Err(rejected("Duplicate order sent."));
            }
        }
        let last = book::last_price(self.market);
        if let Some(stop) = spec.stop_price {
            if stop_condition(spec.order_type, spec.side, stop, last) {
                return Err(rejected("Order would trigger immediately."));
            }
        }
        let top = book::opposite(self.market, spec.side).first().map(|l| l.0);
        if spec.order_type == OrderType::LimitMaker
            && top.is_some_and(|p| book::crosses(spec.side, spec.price, p))
        {
            return Err(rejected("Order would immediately match and take."));
        }
        if spec.order_type == OrderType::Market && spec.quote_order_qty.is_some() {
            if top.is_none() {
                return Err(rejected(
                    "Order book liquidity is less than symbol minimum quantity.",
                ));
            }
            let qty = self.dry_walk(spec.side, Self::want(spec)).qty();
            if qty < self.market.min_qty {
                return Err(super::filters::failure("LOT_SIZE"));
            }
            if qty > self.market.market_max_qty {
                return Err(super::filters::failure("MARKET_LOT_SIZE"));
            }
        }
        if self.free_for(spec.side) < self.need(spec) {
            return Err(insufficient());
        }
        Ok(())
    }

    /// Records `spec` as a new order of order list `list` (-1: none) and
    /// counts it; returns its index.
    pub fn open(&mut self, spec: &OrderSpec, list: i64) -> usize {
        let symbol = self.market.symbol.clone();
        let order_id = self
            .account
            .snap
            .orders
            .iter()
            .filter(|o| o.symbol == symbol)
            .map(|o| o.order_id + 1)
            .max()
            .unwrap_or(1);
        let client = match &spec.client_order_id {
            Some(c) => c.clone(),
            None => self.account.next_client_id(),
        };
        let qty = spec.quantity.unwrap_or_default();
        let price = spec.price.unwrap_or_default();
        let mut o = new_order(
            &symbol,
            order_id,
            client,
            spec.order_type,
            spec.side,
            price,
            qty,
            self.now,
        );
        o.order_list_id = list;
        o.time_in_force = spec.time_in_force.unwrap_or(Tif::Gtc).as_str().into();
        o.stop_price = spec.stop_price.unwrap_or_default();
        o.iceberg_qty = spec.iceberg_qty.unwrap_or_default();
        o.orig_quote_order_qty = spec.quote_order_qty.unwrap_or_default();
        if let Some(mode) = &spec.stp_mode {
            o.self_trade_prevention_mode = mode.clone();
        }
        if spec.order_type.is_stop() {
            o.is_working = false;
            o.working_time = -1;
        }
        o.is_working &= spec.order_type != OrderType::Market;
        // An explicit (empty) lock, so the generated orders' fallback
        // never applies to an order placed through the API.
        self.account
            .locks
            .insert((symbol.clone(), order_id), Decimal::ZERO);
        self.account.snap.orders.push(o);
        self.account.counter.add(self.now, 1);
        self.account.snap.orders.len() - 1
    }

    /// Admits, records and executes `spec`, then triggers the stops its
    /// fills reach.
    pub fn place(&mut self, spec: &OrderSpec) -> Result<Placed, ApiError> {
        self.admit(spec)?;
        let need = self.need(spec);
        let idx = self.open(spec, -1);
        let fills = match spec.order_type {
            OrderType::Limit => self.execute_limit(idx),
            OrderType::Market => self.execute_market(idx, Self::want(spec)),
            _ => {
                self.lock(idx, need);
                Vec::new()
            }
        };
        if !fills.is_empty() {
            self.run_triggers();
        }
        Ok(Placed {
            order: self.account.snap.orders[idx].clone(),
            fills,
        })
    }

    /// Executes the working limit order at `idx` as taker against the book
    /// up to its price, then rests (GTC, locking what the rest needs) or
    /// expires (IOC; FOK when the book cannot fill all of it) the rest.
    pub fn execute_limit(&mut self, idx: usize) -> Vec<Fill> {
        let o = &self.account.snap.orders[idx];
        let (side, price) = (o.side, o.price);
        let left = o.orig_qty - o.executed_qty;
        let tif = o.time_in_force.clone();
        let w = book::walk(
            book::opposite(self.market, side),
            side,
            Some(price),
            Want::Base(left),
            self.market.step_size,
        );
        if tif == "FOK" && w.qty() < left {
            self.finish(idx, OrderStatus::Expired);
            return Vec::new();
        }
        let fills = self.take(idx, side, &w.fills);
        let o = &self.account.snap.orders[idx];
        let left = o.orig_qty - o.executed_qty;
        if left.is_zero() {
            self.finish(idx, OrderStatus::Filled);
        } else if tif != "GTC" {
            self.finish(idx, OrderStatus::Expired);
        } else {
            let filled = !o.executed_qty.is_zero();
            let need = match side {
                Side::Buy => (price * left).round_dp(8),
                Side::Sell => left,
            };
            let need = need.min(self.free_for(side));
            self.lock(idx, need);
            self.account.snap.orders[idx].status = if filled {
                OrderStatus::PartiallyFilled
            } else {
                OrderStatus::New
            };
        }
        fills
    }

    /// Executes the market order at `idx` against the whole book: FILLED,
    /// or EXPIRED if the book ran out first. A quote-sized order's
    /// `origQty` becomes the quantity it bought or sold.
    pub fn execute_market(&mut self, idx: usize, want: Want) -> Vec<Fill> {
        let side = self.account.snap.orders[idx].side;
        let w = self.dry_walk(side, want);
        let fills = self.take(idx, side, &w.fills);
        if let Want::Quote(_) = want {
            let o = &mut self.account.snap.orders[idx];
            o.orig_qty = o.executed_qty;
        }
        let status = if w.exhausted {
            OrderStatus::Expired
        } else {
            OrderStatus::Filled
        };
        self.finish(idx, status);
        fills
    }

    /// Consumes `levels` from the book and settles each as a taker fill
    /// paid from free balance.
    fn take(&mut self, idx: usize, side: Side, levels: &[(Decimal, Decimal)]) -> Vec<Fill> {
        book::consume(self.market, side, levels);
        self.dirty = true;
        levels
            .iter()
            .map(|&(p, q)| self.settle(idx, p, q, false, false))
            .collect()
    }

    /// Ends the order at `idx` with `status`, releasing its lock.
    pub fn finish(&mut self, idx: usize, status: OrderStatus) {
        self.release(idx);
        let o = &mut self.account.snap.orders[idx];
        o.status = status;
        o.update_time = self.now;
    }
}
