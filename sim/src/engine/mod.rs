//! The deterministic spot matching engine behind the TRADE endpoints.
//!
//! The counterparty of every account order is the simulator's own order
//! book ([`book`]): each level's quantity is the liquidity available at its
//! price, and a taker consumes levels best first, each at its own price,
//! printing a public trade per fill. The account's resting limit orders are
//! not shown in the public book; they fill, as maker, at their own price
//! when the market trades through them, which happens when a test moves the
//! price ([`SimState::set_price`](crate::SimState::set_price), see
//! [`trigger`]). The account never trades with itself.
//!
//! Balances follow Binance: placing an order locks what it may spend (the
//! quote amount price × quantity of a BUY, the base quantity of a SELL),
//! fills move balances with the commission taken from the asset received
//! (the account's maker / taker rates), and cancelling releases what is
//! still locked. Everything runs under the account lock, then the live
//! markets' lock, so one request's effects are atomic; nothing depends on
//! anything but the seed, the requests and the clock.
//!
//! The modules: [`request`] parses orders, [`filters`] enforces
//! exchangeInfo, [`place`] admits and executes new orders, [`cancel`]
//! cancels, [`trigger`] moves prices and triggers stops, [`oco`] links
//! order lists.

pub mod book;
pub mod cancel;
pub mod filters;
pub mod oco;
pub mod place;
pub mod request;
pub mod trigger;

#[cfg(test)]
mod list_tests;
#[cfg(test)]
mod tests;

use rust_decimal::Decimal;

use crate::account::{Account, Fill, MyTrade, Side};
use crate::error::ApiError;
use crate::market::Market;

/// -2010 "Account has insufficient balance for requested action.".
pub fn insufficient() -> ApiError {
    ApiError::bad_request(
        -2010,
        "Account has insufficient balance for requested action.",
    )
}

/// -2011 "Unknown order sent.".
pub fn unknown_order() -> ApiError {
    ApiError::bad_request(-2011, "Unknown order sent.")
}

/// One symbol's trading desk: the account, the symbol's live market, the
/// market as generated (the shape `set_price` re-centres) and the instant
/// of the request.
#[derive(Debug)]
pub struct Desk<'a> {
    /// The account.
    pub account: &'a mut Account,
    /// The symbol's live market.
    pub market: &'a mut Market,
    /// The symbol's market as generated.
    pub template: &'a Market,
    /// The request's server time (ms).
    pub now: i64,
    /// Whether the market's tape or book changed (its ticker is then
    /// derived again).
    pub dirty: bool,
}

impl<'a> Desk<'a> {
    /// A desk for `market` (live) and `template` (generated) at `now`.
    pub fn new(
        account: &'a mut Account,
        market: &'a mut Market,
        template: &'a Market,
        now: i64,
    ) -> Desk<'a> {
        Desk {
            account,
            market,
            template,
            now,
            dirty: false,
        }
    }

    /// The asset an order of `side` pays with (and locks).
    pub fn pay_asset(&self, side: Side) -> String {
        match side {
            Side::Buy => self.market.quote_asset.clone(),
            Side::Sell => self.market.base_asset.clone(),
        }
    }

    /// The free balance in the asset `side` pays with.
    pub fn free_for(&self, side: Side) -> Decimal {
        self.account.free(&self.pay_asset(side))
    }

    /// The index of the open order of this symbol with `id` (or, without
    /// one, `client`).
    pub fn open_index(&self, id: Option<u64>, client: Option<&str>) -> Option<usize> {
        let symbol = &self.market.symbol;
        self.account.snap.orders.iter().position(|o| {
            &o.symbol == symbol
                && o.status.is_open()
                && match id {
                    Some(id) => o.order_id == id,
                    None => client.is_some_and(|c| o.client_order_id == c),
                }
        })
    }

    fn lock_key(&self, idx: usize) -> (String, u64) {
        let o = &self.account.snap.orders[idx];
        (o.symbol.clone(), o.order_id)
    }

    /// Moves `amount` of the order's pay asset from free to locked and
    /// books it on the order.
    pub fn lock(&mut self, idx: usize, amount: Decimal) {
        if amount <= Decimal::ZERO {
            return;
        }
        let asset = self.pay_asset(self.account.snap.orders[idx].side);
        let b = self.account.balance(&asset);
        b.free -= amount;
        b.locked += amount;
        self.account.snap.update_time = self.now;
        let key = self.lock_key(idx);
        *self.account.locks.entry(key).or_default() += amount;
    }

    /// What the order holds now, making the fallback of a generated order
    /// explicit. (Orders placed through the API always have an entry; an
    /// OCO leg's stays empty until the leg is activated and takes over the
    /// list's lock.)
    fn held(&mut self, idx: usize) -> Decimal {
        let key = self.lock_key(idx);
        if let Some(l) = self.account.locks.get(&key) {
            return *l;
        }
        let o = &self.account.snap.orders[idx];
        let amount = Account::fallback_lock(o);
        self.account.locks.insert(key, amount);
        amount
    }

    /// Releases everything the order still locks back to free.
    pub fn release(&mut self, idx: usize) {
        let held = self.held(idx);
        let key = self.lock_key(idx);
        // Zero rather than removed: the fallback must never apply again.
        self.account.locks.insert(key, Decimal::ZERO);
        self.unlock(self.account.snap.orders[idx].side, held);
    }

    /// Moves up to `amount` of `side`'s pay asset from locked to free.
    pub fn unlock(&mut self, side: Side, amount: Decimal) {
        let asset = self.pay_asset(side);
        let b = self.account.balance(&asset);
        let amount = amount.min(b.locked).max(Decimal::ZERO);
        b.locked -= amount;
        b.free += amount;
        if !amount.is_zero() {
            self.account.snap.update_time = self.now;
        }
    }

    /// Executes `qty` of the order at `price`: balances (paid from the
    /// order's lock if `from_lock`, else from free), commission at the
    /// maker or taker rate in the asset received, a public trade, the
    /// account's trade, the order's executed amounts and, on its first
    /// fill, the unfilled-order count and its OCO partner.
    pub fn settle(
        &mut self,
        idx: usize,
        price: Decimal,
        qty: Decimal,
        maker: bool,
        from_lock: bool,
    ) -> Fill {
        let first = self.account.snap.orders[idx].executed_qty.is_zero();
        if first {
            self.activate_leg(idx);
            self.account.counter.first_fill(self.now);
        }
        let side = self.account.snap.orders[idx].side;
        let quote = (price * qty).round_dp(8);
        let rates = self.account.snap.commission;
        let rate = if maker { rates.maker } else { rates.taker };
        let (pay, get, get_asset) = match side {
            Side::Buy => (quote, qty, self.market.base_asset.clone()),
            Side::Sell => (qty, quote, self.market.quote_asset.clone()),
        };
        let fee = (get * rate).round_dp(8);
        let from_held = if from_lock {
            let held = self.held(idx);
            let take = pay.min(held);
            let key = self.lock_key(idx);
            self.account.locks.insert(key, held - take);
            take
        } else {
            Decimal::ZERO
        };
        let pay_asset = self.pay_asset(side);
        let b = self.account.balance(&pay_asset);
        b.locked -= from_held.min(b.locked);
        b.free -= pay - from_held;
        self.account.balance(&get_asset).free += get - fee;
        let buyer_maker = (side == Side::Buy) == maker;
        let trade_id = book::print(self.market, price, qty, self.now, buyer_maker);
        self.dirty = true;
        let o = &mut self.account.snap.orders[idx];
        o.executed_qty += qty;
        o.cummulative_quote_qty += quote;
        o.update_time = self.now;
        let trade = MyTrade {
            symbol: o.symbol.clone(),
            id: trade_id,
            order_id: o.order_id,
            order_list_id: o.order_list_id,
            price,
            qty,
            quote_qty: quote,
            commission: fee,
            commission_asset: get_asset.clone(),
            time: self.now,
            is_buyer: side == Side::Buy,
            is_maker: maker,
            is_best_match: true,
        };
        self.account.snap.trades.push(trade);
        self.account.snap.update_time = self.now;
        Fill {
            price,
            qty,
            commission: fee,
            commission_asset: get_asset,
            trade_id,
        }
    }
}

#[cfg(test)]
pub(crate) mod testing {
    //! The generated state the engine's unit tests trade on.
    use crate::state::SimState;

    /// A fresh state (seed 42) anchored at the current time, as a running
    /// simulator is.
    pub fn state() -> SimState {
        SimState::generate(42, crate::state::now_ms())
    }
}
