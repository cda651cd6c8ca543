//! The one simulated account: balances, orders, trades and wallet history,
//! generated from the seed ([`generate`]) and changed by order placement and
//! cancellation ([`Account::place`], [`Account::cancel`]).

pub mod backfill;
pub mod generate;
pub mod history;
pub mod model;
pub mod scaled;
pub mod snapshots;
pub mod wallet_bulk;

use std::collections::VecDeque;

use rust_decimal::Decimal;

pub use model::*;

use crate::error::ApiError;
use crate::market::Market;
use generate::{client_order_id, floor_to, new_order};

/// A validated new-order request (the parameters `POST /api/v3/order` read).
#[derive(Debug, Clone)]
pub struct NewOrder {
    /// Side.
    pub side: Side,
    /// LIMIT or MARKET.
    pub order_type: OrderType,
    /// LIMIT only: "GTC", "IOC" or "FOK".
    pub time_in_force: Option<String>,
    /// Base quantity.
    pub quantity: Option<Decimal>,
    /// MARKET only: quote amount to spend or receive.
    pub quote_order_qty: Option<Decimal>,
    /// LIMIT only: price.
    pub price: Option<Decimal>,
    /// `newClientOrderId`.
    pub client_order_id: Option<String>,
}

/// One fill of a new order (the FULL response's `fills`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Fill {
    /// Price.
    #[serde(serialize_with = "ser8")]
    pub price: Decimal,
    /// Quantity.
    #[serde(serialize_with = "ser8")]
    pub qty: Decimal,
    /// Commission.
    #[serde(serialize_with = "ser8")]
    pub commission: Decimal,
    /// Commission asset.
    pub commission_asset: String,
    /// Trade id.
    pub trade_id: u64,
}

/// The mutable account behind the simulator's lock.
#[derive(Debug)]
pub struct Account {
    /// The current records.
    pub snap: AccountSnapshot,
    seed: u64,
    client_n: u64,
    /// Times of recent order placements (last 24 h), for the order counts.
    order_times: VecDeque<i64>,
}

fn filter_failure(name: &str) -> ApiError {
    ApiError::bad_request(-1013, format!("Filter failure: {name}"))
}

/// -2010 with the given message.
fn rejected(msg: &str) -> ApiError {
    ApiError::bad_request(-2010, msg)
}

impl Account {
    /// Wraps generated records.
    pub fn new(snap: AccountSnapshot, seed: u64) -> Account {
        Account {
            snap,
            seed,
            client_n: 1_000_000,
            order_times: VecDeque::new(),
        }
    }

    /// A fresh generated client order id.
    pub fn next_client_id(&mut self) -> String {
        self.client_n += 1;
        client_order_id(self.seed, self.client_n)
    }

    /// Records an order placement attempt at `now` and returns the counts
    /// for the last 10 s and the last day.
    pub fn count_order(&mut self, now: i64) -> (usize, usize) {
        self.order_times.push_back(now);
        self.order_counts(now)
    }

    /// Orders placed in the last 10 s and the last day.
    pub fn order_counts(&mut self, now: i64) -> (usize, usize) {
        while self
            .order_times
            .front()
            .is_some_and(|t| *t <= now - 86_400_000)
        {
            self.order_times.pop_front();
        }
        let ten = self
            .order_times
            .iter()
            .filter(|t| **t > now - 10_000)
            .count();
        (ten, self.order_times.len())
    }

    fn balance(&mut self, asset: &str) -> &mut Balance {
        if let Some(i) = self.snap.balances.iter().position(|b| b.asset == asset) {
            return &mut self.snap.balances[i];
        }
        self.snap.balances.push(Balance {
            asset: asset.to_string(),
            free: Decimal::ZERO,
            locked: Decimal::ZERO,
        });
        self.snap.balances.last_mut().expect("just pushed")
    }

    /// Finds an order of `symbol` by id or client id.
    pub fn find(
        &self,
        symbol: &str,
        order_id: Option<u64>,
        client_id: Option<&str>,
    ) -> Option<&Order> {
        self.snap.orders.iter().find(|o| {
            o.symbol == symbol
                && order_id.is_none_or(|id| o.order_id == id)
                && client_id.is_none_or(|c| o.client_order_id == c)
        })
    }

    /// Places an order at `now`: LIMIT rests (locking its balance), MARKET
    /// fills at once at the best book price. Checks PRICE_FILTER, LOT_SIZE,
    /// MARKET_LOT_SIZE and NOTIONAL, duplicates and balances, with
    /// Binance's errors.
    pub fn place(
        &mut self,
        m: &Market,
        req: NewOrder,
        now: i64,
    ) -> Result<(Order, Vec<Fill>), ApiError> {
        if !m.is_trading() {
            return Err(ApiError::bad_request(-1013, "Market is closed."));
        }
        if let Some(c) = &req.client_order_id {
            let dup = self
                .snap
                .orders
                .iter()
                .any(|o| o.symbol == m.symbol && o.status.is_open() && &o.client_order_id == c);
            if dup {
                return Err(rejected("Duplicate order sent."));
            }
        }
        let order_id = self
            .snap
            .orders
            .iter()
            .filter(|o| o.symbol == m.symbol)
            .map(|o| o.order_id + 1)
            .max()
            .unwrap_or(1);
        let client_id = match req.client_order_id.clone() {
            Some(c) => c,
            None => self.next_client_id(),
        };
        let result = match req.order_type {
            OrderType::Limit => self.place_limit(m, &req, order_id, client_id, now),
            OrderType::Market => self.place_market(m, &req, order_id, client_id, now),
            OrderType::StopLossLimit => Err(ApiError::bad_request(-1116, "Invalid orderType.")),
        }?;
        self.snap.orders.push(result.0.clone());
        self.snap.update_time = now;
        Ok(result)
    }

    fn place_limit(
        &mut self,
        m: &Market,
        req: &NewOrder,
        id: u64,
        client: String,
        now: i64,
    ) -> Result<(Order, Vec<Fill>), ApiError> {
        let (price, qty) = (
            req.price.unwrap_or_default(),
            req.quantity.unwrap_or_default(),
        );
        let price_ok = price >= m.min_price
            && price <= m.max_price
            && crate::num::on_grid(price - m.min_price, m.tick_size);
        if !price_ok {
            return Err(filter_failure("PRICE_FILTER"));
        }
        let qty_ok = qty >= m.min_qty
            && qty <= m.max_qty
            && crate::num::on_grid(qty - m.min_qty, m.step_size);
        if !qty_ok {
            return Err(filter_failure("LOT_SIZE"));
        }
        let notional = (price * qty).round_dp(8);
        if notional < m.min_notional || notional > m.max_notional {
            return Err(filter_failure("NOTIONAL"));
        }
        let (asset, amount) = match req.side {
            Side::Buy => (m.quote_asset.as_str(), notional),
            Side::Sell => (m.base_asset.as_str(), qty),
        };
        let b = self.balance(asset);
        if b.free < amount {
            return Err(rejected(
                "Account has insufficient balance for requested action.",
            ));
        }
        b.free -= amount;
        b.locked += amount;
        let mut o = new_order(
            &m.symbol,
            id,
            client,
            OrderType::Limit,
            req.side,
            price,
            qty,
            now,
        );
        o.time_in_force = req.time_in_force.clone().unwrap_or_else(|| "GTC".into());
        Ok((o, Vec::new()))
    }

    fn place_market(
        &mut self,
        m: &Market,
        req: &NewOrder,
        id: u64,
        client: String,
        now: i64,
    ) -> Result<(Order, Vec<Fill>), ApiError> {
        let best = match req.side {
            Side::Buy => m.asks.first(),
            Side::Sell => m.bids.first(),
        };
        let Some(&(price, _)) = best else {
            return Err(rejected("Order would trigger immediately."));
        };
        let qty = match (req.quantity, req.quote_order_qty) {
            (Some(q), _) => q,
            (None, Some(quote)) => floor_to(quote / price, m.step_size),
            (None, None) => Decimal::ZERO,
        };
        let qty_ok = qty >= m.min_qty
            && qty <= m.market_max_qty
            && crate::num::on_grid(qty - m.min_qty, m.step_size);
        if !qty_ok {
            return Err(filter_failure("MARKET_LOT_SIZE"));
        }
        let quote = (price * qty).round_dp(8);
        if quote < m.min_notional {
            return Err(filter_failure("NOTIONAL"));
        }
        let rate = self.snap.commission.taker;
        let (pay_asset, pay, get_asset, get) = match req.side {
            Side::Buy => (&m.quote_asset, quote, &m.base_asset, qty),
            Side::Sell => (&m.base_asset, qty, &m.quote_asset, quote),
        };
        if self.balance(pay_asset).free < pay {
            return Err(rejected(
                "Account has insufficient balance for requested action.",
            ));
        }
        let fee = (get * rate).round_dp(8);
        self.balance(pay_asset).free -= pay;
        self.balance(get_asset).free += get - fee;
        let last_tape = m.trades.last().map_or(0, |t| t.id);
        let trade_id = self
            .snap
            .trades
            .iter()
            .filter(|t| t.symbol == m.symbol)
            .map(|t| t.id + 1)
            .max()
            .unwrap_or(0)
            .max(last_tape + 1);
        self.snap.trades.push(MyTrade {
            symbol: m.symbol.clone(),
            id: trade_id,
            order_id: id,
            order_list_id: -1,
            price,
            qty,
            quote_qty: quote,
            commission: fee,
            commission_asset: get_asset.clone(),
            time: now,
            is_buyer: req.side == Side::Buy,
            is_maker: false,
            is_best_match: true,
        });
        let mut o = new_order(
            &m.symbol,
            id,
            client,
            OrderType::Market,
            req.side,
            Decimal::ZERO,
            qty,
            now,
        );
        o.executed_qty = qty;
        o.cummulative_quote_qty = quote;
        o.status = OrderStatus::Filled;
        o.orig_quote_order_qty = if req.quantity.is_none() {
            req.quote_order_qty.unwrap_or_default()
        } else {
            Decimal::ZERO
        };
        let fill = Fill {
            price,
            qty,
            commission: fee,
            commission_asset: get_asset.clone(),
            trade_id,
        };
        Ok((o, vec![fill]))
    }

    /// Cancels an open order of `symbol` (by id or client id) at `now`,
    /// unlocking its balance; -2011 "Unknown order sent." otherwise.
    pub fn cancel(
        &mut self,
        m: &Market,
        order_id: Option<u64>,
        client_id: Option<&str>,
        now: i64,
    ) -> Result<Order, ApiError> {
        let idx = self
            .snap
            .orders
            .iter()
            .position(|o| {
                o.symbol == m.symbol
                    && o.status.is_open()
                    && order_id.is_none_or(|id| o.order_id == id)
                    && client_id.is_none_or(|c| o.client_order_id == c)
            })
            .ok_or_else(|| ApiError::bad_request(-2011, "Unknown order sent."))?;
        let o = self.snap.orders[idx].clone();
        let left = o.orig_qty - o.executed_qty;
        let (asset, amount) = match o.side {
            Side::Buy => (m.quote_asset.as_str(), (o.price * left).round_dp(8)),
            Side::Sell => (m.base_asset.as_str(), left),
        };
        let b = self.balance(asset);
        let amount = amount.min(b.locked);
        b.locked -= amount;
        b.free += amount;
        let o = &mut self.snap.orders[idx];
        o.status = OrderStatus::Canceled;
        o.is_working = false;
        o.update_time = now;
        self.snap.update_time = now;
        Ok(o.clone())
    }
}
