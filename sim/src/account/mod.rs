//! The one simulated account: balances, orders, trades and wallet history,
//! generated from the seed ([`generate`]) and changed by the matching
//! engine ([`crate::engine`]): placements, fills, cancellations.

pub mod backfill;
pub mod generate;
pub mod history;
pub mod model;
pub mod scaled;
pub mod snapshots;
pub mod wallet_bulk;

use std::collections::HashMap;

use rust_decimal::Decimal;

pub use model::*;

use crate::order_count::OrderCounter;
use generate::client_order_id;

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

/// The mutable account behind the simulator's lock: the records plus the
/// bookkeeping the matching engine ([`crate::engine`]) needs.
#[derive(Debug)]
pub struct Account {
    /// The current records.
    pub snap: AccountSnapshot,
    seed: u64,
    client_n: u64,
    /// The unfilled-order count windows (`X-MBX-ORDER-COUNT-*`, -1015).
    pub counter: OrderCounter,
    /// What each order placed through the API still locks, by
    /// (symbol, orderId), in its side's asset (quote for BUY, base for
    /// SELL). Generated open orders have no entry: theirs is computed from
    /// the order ([`Account::fallback_lock`]).
    pub(crate) locks: HashMap<(String, u64), Decimal>,
    /// The one lock an active OCO holds for both legs, by orderListId.
    pub(crate) list_locks: HashMap<i64, Decimal>,
    next_list_id: i64,
}

impl Account {
    /// Wraps generated records.
    pub fn new(snap: AccountSnapshot, seed: u64) -> Account {
        let next_list_id = snap
            .order_lists
            .iter()
            .map(|l| l.order_list_id + 1)
            .max()
            .unwrap_or(1);
        Account {
            snap,
            seed,
            client_n: 1_000_000,
            counter: OrderCounter::default(),
            locks: HashMap::new(),
            list_locks: HashMap::new(),
            next_list_id,
        }
    }

    /// A fresh generated client order id.
    pub fn next_client_id(&mut self) -> String {
        self.client_n += 1;
        client_order_id(self.seed, self.client_n)
    }

    /// A fresh orderListId.
    pub fn next_list_id(&mut self) -> i64 {
        let id = self.next_list_id;
        self.next_list_id += 1;
        id
    }

    /// The balance of `asset`, created at zero if the account has none.
    pub fn balance(&mut self, asset: &str) -> &mut Balance {
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

    /// The free amount of `asset` (zero if the account has none).
    pub fn free(&self, asset: &str) -> Decimal {
        self.snap
            .balances
            .iter()
            .find(|b| b.asset == asset)
            .map_or(Decimal::ZERO, |b| b.free)
    }

    /// What an open order without a recorded lock holds: the quote amount
    /// of its remaining quantity for a BUY (at its price, or its stop price
    /// for a stop-market order), the remaining quantity for a SELL. This is
    /// how the generated account locked its open orders.
    pub fn fallback_lock(o: &Order) -> Decimal {
        let left = o.orig_qty - o.executed_qty;
        match o.side {
            Side::Sell => left,
            Side::Buy => {
                let price = if o.price.is_zero() {
                    o.stop_price
                } else {
                    o.price
                };
                (price * left).round_dp(8)
            }
        }
    }

    /// Finds an order of `symbol` by id or client id; `orderId` takes
    /// precedence when both are given, as on Binance.
    pub fn find(
        &self,
        symbol: &str,
        order_id: Option<u64>,
        client_id: Option<&str>,
    ) -> Option<&Order> {
        self.snap.orders.iter().find(|o| {
            o.symbol == symbol
                && match order_id {
                    Some(id) => o.order_id == id,
                    None => client_id.is_some_and(|c| o.client_order_id == c),
                }
        })
    }
}
