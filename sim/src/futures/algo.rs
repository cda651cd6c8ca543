//! Conditional (algo) orders: `POST /fapi/v1/algoOrder` with
//! `algoType=CONDITIONAL`, their triggers on the mark price and the
//! orders they place.
//!
//! Triggers (price = the mark; the contract price equals it, so both
//! working types behave alike): STOP / STOP_MARKET BUY when price ≥
//! triggerPrice, SELL when ≤; TAKE_PROFIT / TAKE_PROFIT_MARKET the
//! reverse. An order whose condition already holds is rejected (-2021).
//! TRAILING_STOP_MARKET activates when the price reaches `activatePrice`
//! (SELL: ≥, BUY: ≤; at once without one), then tracks the extreme
//! (SELL: highest, BUY: lowest) and triggers on a `callbackRate` %
//! retrace from it; its `triggerPrice` shows the current stop level.
//!
//! A triggered order places a MARKET (the `_MARKET` types) or LIMIT order
//! through [`FuturesAccount::admit`]; `closePosition=true` orders close
//! the whole position (reduce-only). The algo order becomes FINISHED when
//! that order is done at once, TRIGGERED while it rests (FINISHED when it
//! fills or is cancelled), REJECTED if the engine refuses it, EXPIRED if a
//! close-all order finds no position to close.

use rust_decimal::Decimal;

use super::account::FOrder;
pub use super::algo_params::{parse_algo, AlgoSpec};
use super::engine::{closable, duplicate_client_id};
use super::request::{self, Tif};
use super::{unknown_order, would_trigger, FuturesAccount, Side};
use crate::error::ApiError;
use crate::market::Market;

/// The conditional order types.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AlgoKind {
    /// Stop-limit.
    Stop,
    /// Stop-market.
    StopMarket,
    /// Take-profit limit.
    TakeProfit,
    /// Take-profit market.
    TakeProfitMarket,
    /// Trailing stop (market).
    TrailingStopMarket,
}

impl AlgoKind {
    /// Binance's spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            AlgoKind::Stop => "STOP",
            AlgoKind::StopMarket => "STOP_MARKET",
            AlgoKind::TakeProfit => "TAKE_PROFIT",
            AlgoKind::TakeProfitMarket => "TAKE_PROFIT_MARKET",
            AlgoKind::TrailingStopMarket => "TRAILING_STOP_MARKET",
        }
    }

    /// Parses the request spelling.
    pub fn parse(s: &str) -> Option<AlgoKind> {
        [
            AlgoKind::Stop,
            AlgoKind::StopMarket,
            AlgoKind::TakeProfit,
            AlgoKind::TakeProfitMarket,
            AlgoKind::TrailingStopMarket,
        ]
        .into_iter()
        .find(|k| k.as_str() == s)
    }

    /// Whether the triggered order is a MARKET order.
    pub fn is_market(self) -> bool {
        !matches!(self, AlgoKind::Stop | AlgoKind::TakeProfit)
    }
}

/// `algoStatus`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AlgoStatus {
    /// Waiting for its trigger.
    New,
    /// Cancelled by the user.
    Canceled,
    /// Triggered; the order it placed rests.
    Triggered,
    /// Triggered and the order it placed is done.
    Finished,
    /// The order it tried to place was refused.
    Rejected,
    /// Cancelled by the system (close-all with no position).
    Expired,
}

impl AlgoStatus {
    /// Binance's spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            AlgoStatus::New => "NEW",
            AlgoStatus::Canceled => "CANCELED",
            AlgoStatus::Triggered => "TRIGGERED",
            AlgoStatus::Finished => "FINISHED",
            AlgoStatus::Rejected => "REJECTED",
            AlgoStatus::Expired => "EXPIRED",
        }
    }
}

/// One conditional order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlgoOrder {
    /// Algo id.
    pub algo_id: u64,
    /// Client algo id.
    pub client_algo_id: String,
    /// Symbol.
    pub symbol: String,
    /// The order as requested.
    pub spec: AlgoSpec,
    /// Status.
    pub status: AlgoStatus,
    /// Trigger price shown (a trailing stop's current level, 0 before
    /// activation).
    pub trigger_price: Decimal,
    /// The order it placed.
    pub actual_order_id: Option<u64>,
    /// That order's average price.
    pub actual_price: Decimal,
    /// Creation time.
    pub create_time: i64,
    /// Last change.
    pub update_time: i64,
    /// Trigger time (0 before).
    pub trigger_time: i64,
    /// Trailing: activated.
    pub activated: bool,
    /// Trailing: the extreme since activation.
    pub extreme: Decimal,
    /// Price and quantity decimals of the symbol.
    pub dp: (u32, u32),
}

impl AlgoOrder {
    /// Whether it still waits for its trigger.
    pub fn is_open(&self) -> bool {
        self.status == AlgoStatus::New
    }

    /// Advances a trailing stop to `price` and says whether the order
    /// triggers at `price`.
    fn triggers_at(&mut self, price: Decimal) -> bool {
        let s = &self.spec;
        let hundred = Decimal::ONE_HUNDRED;
        match s.kind {
            AlgoKind::TrailingStopMarket => {
                if !self.activated {
                    let reached = s.activate_price.is_none_or(|a| match s.side {
                        Side::Sell => price >= a,
                        Side::Buy => price <= a,
                    });
                    if !reached {
                        return false;
                    }
                    self.activated = true;
                    self.extreme = price;
                }
                let rate = s.callback_rate.unwrap_or_default() / hundred;
                let (extreme, stop) = match s.side {
                    Side::Sell => {
                        let e = self.extreme.max(price);
                        (e, e * (Decimal::ONE - rate))
                    }
                    Side::Buy => {
                        let e = self.extreme.min(price);
                        (e, e * (Decimal::ONE + rate))
                    }
                };
                self.extreme = extreme;
                self.trigger_price = stop.round_dp(self.dp.0);
                match s.side {
                    Side::Sell => price <= stop,
                    Side::Buy => price >= stop,
                }
            }
            kind => condition(kind, s.side, s.trigger_price.unwrap_or_default(), price),
        }
    }
}

/// Whether a STOP/TAKE_PROFIT type of `side` with `trigger` fires at
/// `price`.
pub fn condition(kind: AlgoKind, side: Side, trigger: Decimal, price: Decimal) -> bool {
    let stop = matches!(kind, AlgoKind::Stop | AlgoKind::StopMarket);
    match (stop, side) {
        (true, Side::Buy) | (false, Side::Sell) => price >= trigger,
        (true, Side::Sell) | (false, Side::Buy) => price <= trigger,
    }
}

impl FuturesAccount {
    /// Places a conditional order: duplicate open `clientAlgoId` (-4116),
    /// MIN_NOTIONAL at the trigger (or limit) price unless reduce-only or
    /// close-all (-4164), immediate trigger (-2021). Counts it as accepted.
    pub fn place_algo(
        &mut self,
        m: &Market,
        spec: &AlgoSpec,
        now: i64,
    ) -> Result<AlgoOrder, ApiError> {
        if let Some(c) = &spec.client_algo_id {
            if self
                .algos
                .iter()
                .any(|a| a.is_open() && &a.client_algo_id == c)
            {
                return Err(duplicate_client_id());
            }
        }
        let s = self.sym(m).clone();
        let mark = s.mark;
        if let Some(q) = spec.quantity {
            let px = spec.price.or(spec.trigger_price).unwrap_or(mark);
            request::check_notional(m, q * px, spec.reduce_only)?;
        }
        let fires_now = match (spec.kind, spec.trigger_price, spec.activate_price) {
            (AlgoKind::TrailingStopMarket, _, Some(a)) => match spec.side {
                Side::Sell => a <= mark,
                Side::Buy => a >= mark,
            },
            (AlgoKind::TrailingStopMarket, _, None) => false,
            (kind, Some(t), _) => condition(kind, spec.side, t, mark),
            (_, None, _) => false,
        };
        if fires_now {
            return Err(would_trigger());
        }
        let algo_id = self.next_algo_id;
        self.next_algo_id += 1;
        let client_algo_id = spec
            .client_algo_id
            .clone()
            .unwrap_or_else(|| self.generated_client_id("", algo_id));
        let mut order = AlgoOrder {
            algo_id,
            client_algo_id,
            symbol: m.symbol.clone(),
            spec: spec.clone(),
            status: AlgoStatus::New,
            trigger_price: spec.trigger_price.unwrap_or_default(),
            actual_order_id: None,
            actual_price: Decimal::ZERO,
            create_time: now,
            update_time: now,
            trigger_time: 0,
            activated: false,
            extreme: Decimal::ZERO,
            dp: (s.price_dp, s.qty_dp),
        };
        if spec.kind == AlgoKind::TrailingStopMarket {
            order.triggers_at(mark);
        }
        self.algos.push(order.clone());
        self.count_accepted(&m.symbol);
        Ok(order)
    }

    /// Checks every waiting conditional order of `m` against its mark, in
    /// creation order, and fires the due ones.
    pub fn trigger_algos(&mut self, m: &Market, now: i64) {
        let mark = self.sym(m).mark;
        let waiting: Vec<usize> = (0..self.algos.len())
            .filter(|&i| self.algos[i].symbol == m.symbol && self.algos[i].is_open())
            .collect();
        for i in waiting {
            if self.algos[i].triggers_at(mark) {
                self.fire(m, i, now);
            }
        }
    }

    /// Places the order of triggered conditional order `i`.
    fn fire(&mut self, m: &Market, i: usize, now: i64) {
        let spec = self.algos[i].spec.clone();
        self.algos[i].trigger_time = now;
        self.algos[i].update_time = now;
        let (qty, reduce_only) = if spec.close_position {
            let can_close = closable(self.sym(m).position_amt, spec.side);
            if can_close.is_zero() {
                self.algos[i].status = AlgoStatus::Expired;
                return;
            }
            (can_close, true)
        } else {
            (spec.quantity.unwrap_or_default(), spec.reduce_only)
        };
        let order = request::OrderSpec {
            side: spec.side,
            limit: if spec.kind.is_market() {
                None
            } else {
                spec.price
            },
            quantity: qty,
            tif: if spec.kind.is_market() {
                Tif::Gtc
            } else {
                spec.tif
            },
            reduce_only,
            client_order_id: None,
            close_position: spec.close_position,
        };
        // The algo is marked triggered first so that an immediate fill of
        // its order finishes it.
        self.algos[i].status = AlgoStatus::Triggered;
        match self.admit(m, &order, now) {
            Ok(placed) => {
                let a = &mut self.algos[i];
                a.actual_order_id = Some(placed.order.order_id);
                a.actual_price = placed.order.avg_price;
                if !placed.order.is_open() {
                    a.status = AlgoStatus::Finished;
                }
            }
            Err(_) => self.algos[i].status = AlgoStatus::Rejected,
        }
    }

    /// The conditional order that placed `order_id` is done (FINISHED).
    pub fn finish_algo(&mut self, order_id: u64, now: i64) {
        let avg = self
            .orders
            .iter()
            .rev()
            .find(|o| o.order_id == order_id)
            .map(|o: &FOrder| o.avg_price);
        if let Some(a) = self
            .algos
            .iter_mut()
            .find(|a| a.actual_order_id == Some(order_id) && a.status == AlgoStatus::Triggered)
        {
            a.status = AlgoStatus::Finished;
            a.actual_price = avg.unwrap_or_default();
            a.update_time = now;
        }
    }

    /// The index of the conditional order with `id` (precedence) or,
    /// without one, the latest with `client`.
    pub fn find_algo(&self, id: Option<u64>, client: Option<&str>) -> Option<usize> {
        self.algos.iter().rposition(|a| match id {
            Some(id) => a.algo_id == id,
            None => client.is_some_and(|c| a.client_algo_id == c),
        })
    }

    /// Cancels a waiting conditional order; -2011 otherwise.
    pub fn cancel_algo(
        &mut self,
        id: Option<u64>,
        client: Option<&str>,
        now: i64,
    ) -> Result<AlgoOrder, ApiError> {
        let i = self
            .find_algo(id, client)
            .filter(|&i| self.algos[i].is_open())
            .ok_or_else(unknown_order)?;
        let a = &mut self.algos[i];
        a.status = AlgoStatus::Canceled;
        a.update_time = now;
        Ok(a.clone())
    }

    /// Cancels every waiting conditional order of `symbol`; returns how
    /// many.
    pub fn cancel_all_algos(&mut self, symbol: &str, now: i64) -> usize {
        let mut n = 0;
        for a in self
            .algos
            .iter_mut()
            .filter(|a| a.symbol == symbol && a.is_open())
        {
            a.status = AlgoStatus::Canceled;
            a.update_time = now;
            n += 1;
        }
        n
    }
}
