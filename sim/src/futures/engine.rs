//! Regular futures orders: admission (reduce-only, margin, position
//! limit), execution against the mark price, position and PnL
//! accounting, cancels, and the mark-price move that fills resting limits.
//!
//! A fill of `qty` at `price` on a position `a` with entry `e`:
//! increasing (or opening) moves the entry to the volume-weighted
//! `(|a|·e + qty·price) / |a'|`; reducing realizes `closed × (price − e)`
//! (sign of the position) and keeps the entry; flipping through zero
//! opens the rest at `price`. Commission is `qty × price × rate` (taker
//! [`TAKER_RATE`], maker [`MAKER_RATE`]), off the wallet.

use rust_decimal::Decimal;

use super::account::{max_notional, FOrder, IncomeType, MarginType, Status};
use super::request::{OrderSpec, Tif};
use super::{
    margin_insufficient, money, reduce_only_rejected, unknown_order, FuturesAccount, Side,
    MAKER_RATE, TAKER_RATE,
};
use crate::error::ApiError;
use crate::market::Market;

/// An order as accepted (what an ACK answers) and as it is after
/// executing (what RESULT answers).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placed {
    /// The order when accepted (status NEW, nothing executed).
    pub accepted: FOrder,
    /// The order after its immediate execution.
    pub order: FOrder,
}

/// How much of a position `pos` an order of `side` can close.
pub fn closable(pos: Decimal, side: Side) -> Decimal {
    match side {
        Side::Buy if pos < Decimal::ZERO => -pos,
        Side::Sell if pos > Decimal::ZERO => pos,
        _ => Decimal::ZERO,
    }
}

/// Whether a LIMIT of `side` at `price` is marketable against `mark`.
pub fn marketable(side: Side, price: Decimal, mark: Decimal) -> bool {
    match side {
        Side::Buy => price >= mark,
        Side::Sell => price <= mark,
    }
}

/// -4116 "ClientOrderId is duplicated.".
pub fn duplicate_client_id() -> ApiError {
    ApiError::bad_request(-4116, "ClientOrderId is duplicated.")
}

/// -5022: a post-only (GTX) order that would take.
pub fn post_only_rejected() -> ApiError {
    ApiError::bad_request(
        -5022,
        "Due to the order could not be executed as maker, the Post Only order will be rejected. The order will not be recorded in the order history",
    )
}

/// -2027: the position would exceed the leverage's `maxNotionalValue`.
pub fn max_position_exceeded() -> ApiError {
    ApiError::bad_request(
        -2027,
        "Exceeded the maximum allowable position at current leverage.",
    )
}

impl FuturesAccount {
    /// Places an order sent to `POST /fapi/v1/order`: duplicate client
    /// ids (-4116), MIN_NOTIONAL (-4164), then [`FuturesAccount::admit`];
    /// counts it as accepted.
    pub fn place(&mut self, m: &Market, spec: &OrderSpec, now: i64) -> Result<Placed, ApiError> {
        if let Some(c) = &spec.client_order_id {
            if self.open_orders(&m.symbol).any(|o| &o.client_order_id == c) {
                return Err(duplicate_client_id());
            }
        }
        let mark = self.sym(m).mark;
        let px = spec.limit.unwrap_or(mark);
        super::request::check_notional(m, spec.quantity * px, spec.reduce_only)?;
        let placed = self.admit(m, spec, now)?;
        self.count_accepted(&m.symbol);
        Ok(placed)
    }

    /// Counts one accepted order (regular or conditional) of `symbol`.
    pub fn count_accepted(&mut self, symbol: &str) {
        self.accepted += 1;
        *self
            .accepted_by_symbol
            .entry(symbol.to_string())
            .or_default() += 1;
    }

    /// Admits and executes an order: reduce-only (-2022), position limit
    /// (-2027), margin (-2019), post-only (-5022); then a MARKET order or
    /// a marketable LIMIT fills at once, a resting one waits (IOC/FOK
    /// expire instead).
    pub fn admit(&mut self, m: &Market, spec: &OrderSpec, now: i64) -> Result<Placed, ApiError> {
        let s = self.sym(m).clone();
        let px = spec.limit.unwrap_or(s.mark);
        let can_close = closable(s.position_amt, spec.side);
        if spec.reduce_only && can_close.is_zero() {
            return Err(reduce_only_rejected());
        }
        if !spec.reduce_only {
            let opening = (spec.quantity - can_close).max(Decimal::ZERO);
            if opening > Decimal::ZERO {
                let after = (s.position_amt + spec.side.sign() * spec.quantity).abs();
                if after * px > max_notional(s.leverage) {
                    return Err(max_position_exceeded());
                }
                let required = opening * px / Decimal::from(s.leverage);
                if required > self.totals().available {
                    return Err(margin_insufficient());
                }
            }
        }
        let takes = spec
            .limit
            .is_none_or(|price| marketable(spec.side, price, s.mark));
        if spec.limit.is_some() && takes && spec.tif == Tif::Gtx {
            return Err(post_only_rejected());
        }
        let order_id = self.next_order_id;
        self.next_order_id += 1;
        let client_order_id = spec
            .client_order_id
            .clone()
            .unwrap_or_else(|| self.generated_client_id("web_", order_id));
        let order = FOrder {
            order_id,
            symbol: m.symbol.clone(),
            client_order_id,
            side: spec.side,
            order_type: if spec.limit.is_some() {
                "LIMIT"
            } else {
                "MARKET"
            },
            price: spec.limit.unwrap_or_default(),
            avg_price: Decimal::ZERO,
            orig_qty: spec.quantity,
            executed_qty: Decimal::ZERO,
            cum_quote: Decimal::ZERO,
            time_in_force: spec.tif.as_str(),
            reduce_only: spec.reduce_only,
            close_position: spec.close_position,
            status: Status::New,
            time: now,
            update_time: now,
            dp: (s.price_dp, s.qty_dp),
        };
        self.orders.push(order.clone());
        let idx = self.orders.len() - 1;
        if takes {
            self.execute(m, idx, px, false, now);
        } else if matches!(spec.tif, Tif::Ioc | Tif::Fok) {
            self.close_order(idx, Status::Expired, now);
        }
        Ok(Placed {
            accepted: order,
            order: self.orders[idx].clone(),
        })
    }

    /// Fills the rest of order `idx` at `price` (a reduce-only order is
    /// cut to the position, or expires if nothing is left to reduce).
    pub fn execute(&mut self, m: &Market, idx: usize, price: Decimal, maker: bool, now: i64) {
        let (side, reduce_only) = (self.orders[idx].side, self.orders[idx].reduce_only);
        let mut qty = self.orders[idx].remaining();
        if reduce_only {
            let can_close = closable(self.sym(m).position_amt, side);
            if can_close.is_zero() {
                self.close_order(idx, Status::Expired, now);
                return;
            }
            if can_close < qty {
                qty = can_close;
                let o = &mut self.orders[idx];
                o.orig_qty = o.executed_qty + qty;
            }
        }
        self.apply_fill(m, side, qty, price, maker, now);
        let o = &mut self.orders[idx];
        o.executed_qty += qty;
        o.cum_quote += qty * price;
        o.avg_price = (o.cum_quote / o.executed_qty)
            .round_dp(o.dp.0 + 2)
            .normalize();
        self.close_order(idx, Status::Filled, now);
        self.expire_stale_reduce_only(m, now);
    }

    /// Moves order `idx` to a final `status` and finishes the conditional
    /// order that placed it, if any.
    pub fn close_order(&mut self, idx: usize, status: Status, now: i64) {
        let o = &mut self.orders[idx];
        o.status = status;
        o.update_time = now;
        let id = o.order_id;
        self.finish_algo(id, now);
    }

    /// Books a fill on the position, the wallet and the income history;
    /// returns the trade id.
    pub fn apply_fill(
        &mut self,
        m: &Market,
        side: Side,
        qty: Decimal,
        price: Decimal,
        maker: bool,
        now: i64,
    ) -> u64 {
        let s = self.sym(m);
        let (a, e) = (s.position_amt, s.entry_price);
        let lev = Decimal::from(s.leverage);
        let isolated = s.margin_type == MarginType::Isolated;
        let dq = side.sign() * qty;
        let after = a + dq;
        let mut realized = Decimal::ZERO;
        if a.is_zero() || a.is_sign_negative() == dq.is_sign_negative() {
            s.entry_price = ((a.abs() * e + qty * price) / after.abs()).round_dp(8);
            if isolated {
                s.isolated_wallet = money(s.isolated_wallet + qty * price / lev);
            }
        } else {
            let closed = qty.min(a.abs());
            realized = closed
                * (price - e)
                * if a.is_sign_negative() {
                    Decimal::NEGATIVE_ONE
                } else {
                    Decimal::ONE
                };
            if isolated {
                let released = s.isolated_wallet * closed / a.abs();
                s.isolated_wallet = money(s.isolated_wallet - released);
            }
            if after.is_zero() {
                s.entry_price = Decimal::ZERO;
                s.isolated_wallet = Decimal::ZERO;
            } else if after.is_sign_negative() != a.is_sign_negative() {
                s.entry_price = price;
                if isolated {
                    s.isolated_wallet = money(after.abs() * price / lev);
                }
            }
        }
        s.position_amt = after;
        s.update_time = now;
        let rate = if maker { MAKER_RATE } else { TAKER_RATE };
        let commission = money(qty * price * rate);
        self.wallet += money(realized) - commission;
        self.update_time = now;
        let trade_id = self.next_trade_id;
        self.next_trade_id += 1;
        if !realized.is_zero() {
            self.add_income(
                &m.symbol,
                IncomeType::RealizedPnl,
                realized,
                Some(trade_id),
                now,
            );
        }
        self.add_income(
            &m.symbol,
            IncomeType::Commission,
            -commission,
            Some(trade_id),
            now,
        );
        trade_id
    }

    /// Expires open reduce-only orders of `m` that can no longer reduce.
    fn expire_stale_reduce_only(&mut self, m: &Market, now: i64) {
        let pos = self.sym(m).position_amt;
        let stale: Vec<usize> = (0..self.orders.len())
            .filter(|&i| {
                let o = &self.orders[i];
                o.symbol == m.symbol
                    && o.is_open()
                    && o.reduce_only
                    && closable(pos, o.side).is_zero()
            })
            .collect();
        for i in stale {
            self.close_order(i, Status::Expired, now);
        }
    }

    /// The index of `symbol`'s order with `id` (precedence) or, without
    /// one, the latest with `client`, in any status.
    pub fn find_order(&self, symbol: &str, id: Option<u64>, client: Option<&str>) -> Option<usize> {
        self.orders.iter().rposition(|o| {
            o.symbol == symbol
                && match id {
                    Some(id) => o.order_id == id,
                    None => client.is_some_and(|c| o.client_order_id == c),
                }
        })
    }

    /// Cancels an open order; -2011 "Unknown order sent." otherwise.
    pub fn cancel(
        &mut self,
        symbol: &str,
        id: Option<u64>,
        client: Option<&str>,
        now: i64,
    ) -> Result<FOrder, ApiError> {
        let idx = self
            .find_order(symbol, id, client)
            .filter(|&i| self.orders[i].is_open())
            .ok_or_else(unknown_order)?;
        self.close_order(idx, Status::Canceled, now);
        Ok(self.orders[idx].clone())
    }

    /// Cancels every open regular order of `symbol`; returns how many.
    pub fn cancel_all(&mut self, symbol: &str, now: i64) -> usize {
        let open: Vec<usize> = (0..self.orders.len())
            .filter(|&i| self.orders[i].symbol == symbol && self.orders[i].is_open())
            .collect();
        for &i in &open {
            self.close_order(i, Status::Canceled, now);
        }
        open.len()
    }

    /// The mark of `m` moves to `price`: resting LIMIT orders it reaches
    /// (BUY price ≥ mark, SELL price ≤ mark) fill as maker at their own
    /// price, oldest first, then conditional orders trigger
    /// ([`FuturesAccount::trigger_algos`]).
    pub fn set_mark(&mut self, m: &Market, price: Decimal, now: i64) {
        self.sym(m).mark = price;
        let due: Vec<usize> = (0..self.orders.len())
            .filter(|&i| {
                let o = &self.orders[i];
                o.symbol == m.symbol
                    && o.is_open()
                    && o.order_type == "LIMIT"
                    && marketable(o.side, o.price, price)
            })
            .collect();
        for i in due {
            if self.orders[i].is_open() {
                let p = self.orders[i].price;
                self.execute(m, i, p, true, now);
            }
        }
        self.trigger_algos(m, now);
    }
}
