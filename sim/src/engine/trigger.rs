//! Price moves and stop triggers.
//!
//! The simulated market does not drift on its own; a test moves it with
//! [`SimState::set_price`](crate::SimState::set_price), which runs
//! [`Desk::set_price`]: the market trades at the new price, so
//! 1. the book is re-centred on it ([`book::recenter`]);
//! 2. the account's working limit orders the move reaches (a BUY priced at
//!    or above the new price, a SELL at or below it) fill completely, as
//!    maker, at their own price, in the order the move meets them;
//! 3. a public trade prints at the new price, which becomes the last price;
//! 4. stop orders whose condition now holds trigger ([`Desk::run_triggers`]).
//!
//! A stop's condition, as Binance states it: STOP_LOSS BUY and TAKE_PROFIT
//! SELL (and their _LIMIT forms) trigger when the last price rises to the
//! stop price, STOP_LOSS SELL and TAKE_PROFIT BUY when it falls to it.
//! A triggered STOP_LOSS / TAKE_PROFIT executes as a MARKET order (EXPIRED
//! without fills if the balance no longer covers it); a _LIMIT one becomes a
//! working LIMIT order with its time in force, which may take from the book
//! at once. Fills move the last price, so triggers repeat until none is due.

use rust_decimal::Decimal;

use super::book::{self, Want};
use super::Desk;
use crate::account::{OrderStatus, OrderType, Side};

/// Whether a stop order of type `t` on `side` with `stop` triggers at
/// last price `last`.
pub fn stop_condition(t: OrderType, side: Side, stop: Decimal, last: Decimal) -> bool {
    let rising = matches!(
        (t, side),
        (OrderType::StopLoss | OrderType::StopLossLimit, Side::Buy)
            | (
                OrderType::TakeProfit | OrderType::TakeProfitLimit,
                Side::Sell
            )
    );
    if rising {
        last >= stop
    } else {
        last <= stop
    }
}

impl Desk<'_> {
    /// The market trades at `price` (see the module docs).
    pub fn set_price(&mut self, price: Decimal) {
        let prev = book::last_price(self.market);
        book::recenter(self.market, self.template, price);
        self.dirty = true;
        let symbol = self.market.symbol.clone();
        let mut hits: Vec<usize> = (0..self.account.snap.orders.len())
            .filter(|&i| {
                let o = &self.account.snap.orders[i];
                o.symbol == symbol
                    && o.status.is_open()
                    && o.is_working
                    && o.order_type.has_price()
                    && match o.side {
                        Side::Buy => price <= o.price,
                        Side::Sell => price >= o.price,
                    }
            })
            .collect();
        // The move meets the highest bids first going down, the lowest
        // asks first going up; equal prices in placement order.
        let orders = &self.account.snap.orders;
        hits.sort_by(|&a, &b| {
            let (x, y) = (&orders[a], &orders[b]);
            let by_price = if price < prev {
                y.price.cmp(&x.price)
            } else {
                x.price.cmp(&y.price)
            };
            by_price.then(a.cmp(&b))
        });
        for idx in hits {
            let o = &self.account.snap.orders[idx];
            if !o.status.is_open() {
                continue; // an OCO partner expired by an earlier fill
            }
            let (at, left) = (o.price, o.orig_qty - o.executed_qty);
            self.settle(idx, at, left, true, true);
            self.finish(idx, OrderStatus::Filled);
        }
        let qty = crate::num::units(self.template.typical_steps, self.template.step_size);
        book::print(self.market, price, qty, self.now, price < prev);
        self.run_triggers();
    }

    /// Triggers, one at a time in placement order, every untriggered stop
    /// order of the symbol whose condition holds at the last price.
    pub fn run_triggers(&mut self) {
        loop {
            let last = book::last_price(self.market);
            let symbol = &self.market.symbol;
            let due = self.account.snap.orders.iter().position(|o| {
                &o.symbol == symbol
                    && o.status.is_open()
                    && o.order_type.is_stop()
                    && !o.is_working
                    && stop_condition(o.order_type, o.side, o.stop_price, last)
            });
            match due {
                Some(idx) => self.trigger(idx),
                None => break,
            }
        }
    }

    /// Triggers the stop order at `idx`: expires its OCO partner, releases
    /// its lock and executes it as a MARKET or LIMIT order.
    pub fn trigger(&mut self, idx: usize) {
        self.activate_leg(idx);
        self.release(idx);
        let o = &mut self.account.snap.orders[idx];
        o.is_working = true;
        o.working_time = self.now;
        o.update_time = self.now;
        let (t, side, left) = (o.order_type, o.side, o.orig_qty - o.executed_qty);
        match t {
            OrderType::StopLoss | OrderType::TakeProfit => {
                self.account.snap.orders[idx].is_working = false;
                let w = book::walk(
                    book::opposite(self.market, side),
                    side,
                    None,
                    Want::Base(left),
                    self.market.step_size,
                );
                let need = match side {
                    Side::Buy => w.quote(),
                    Side::Sell => left,
                };
                if self.free_for(side) < need {
                    self.finish(idx, OrderStatus::Expired);
                } else {
                    self.execute_market(idx, Want::Base(left));
                }
            }
            _ => {
                self.execute_limit(idx);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trigger_directions() {
        let (s, up, down) = (Decimal::from(100), Decimal::from(101), Decimal::from(99));
        for t in [OrderType::StopLoss, OrderType::StopLossLimit] {
            assert!(stop_condition(t, Side::Buy, s, up) && !stop_condition(t, Side::Buy, s, down));
            assert!(
                stop_condition(t, Side::Sell, s, down) && !stop_condition(t, Side::Sell, s, up)
            );
        }
        for t in [OrderType::TakeProfit, OrderType::TakeProfitLimit] {
            assert!(
                stop_condition(t, Side::Sell, s, up) && !stop_condition(t, Side::Sell, s, down)
            );
            assert!(stop_condition(t, Side::Buy, s, down) && !stop_condition(t, Side::Buy, s, up));
        }
        assert!(stop_condition(OrderType::StopLoss, Side::Sell, s, s));
    }
}
