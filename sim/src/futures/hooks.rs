//! The futures test hooks on [`SimState`]: move the mark, apply funding,
//! and read positions, settings, open orders, counters, the wallet and the
//! countdowns. Every hook fires expired countdowns first, as requests do.

use rust_decimal::Decimal;

use super::account::FuturesAccount;
use super::MarginType;
use crate::market::Market;
use crate::state::SimState;

impl SimState {
    fn futures_market(&self, hook: &str, symbol: &str) -> &Market {
        self.market(symbol)
            .unwrap_or_else(|| panic!("{hook}: {symbol} is not listed"))
    }

    /// Test hook: the mark (and contract) price of `symbol` moves to
    /// `price` now: resting futures LIMIT orders it reaches fill (maker,
    /// at their price) and due conditional orders trigger.
    ///
    /// # Panics
    /// If `symbol` is not listed or `price` is not positive.
    pub fn set_mark_price(&self, symbol: &str, price: Decimal) {
        let m = self.futures_market("set_mark_price", symbol);
        assert!(price > Decimal::ZERO, "set_mark_price: {price} must be > 0");
        self.futures(|f, now| f.set_mark(m, price, now));
    }

    /// The mark price of `symbol` now.
    ///
    /// # Panics
    /// If `symbol` is not listed.
    pub fn futures_mark_price(&self, symbol: &str) -> Decimal {
        let m = self.futures_market("futures_mark_price", symbol);
        self.futures(|f, _| f.sym_or_default(m).mark)
    }

    /// Test hook: applies one funding event of `symbol` now (payment
    /// `−positionAmt × mark × rate`, recorded as FUNDING_FEE income and in
    /// the funding-rate history) and returns the payment (positive:
    /// received).
    ///
    /// # Panics
    /// If `symbol` is not listed.
    pub fn futures_funding(&self, symbol: &str) -> Decimal {
        let m = self.futures_market("futures_funding", symbol);
        self.futures(|f, now| f.apply_funding(m, now))
    }

    /// Test hook: the signed position amount of `symbol` (+ long, − short;
    /// 0 for an unlisted symbol).
    pub fn futures_position(&self, symbol: &str) -> Decimal {
        self.futures(|f, _| {
            f.symbols
                .get(symbol)
                .map_or(Decimal::ZERO, |s| s.position_amt)
        })
    }

    /// Test hook: the leverage of `symbol` (the default 20 if never set).
    pub fn futures_leverage(&self, symbol: &str) -> u32 {
        self.futures(|f, _| {
            f.symbols
                .get(symbol)
                .map_or(super::DEFAULT_LEVERAGE, |s| s.leverage)
        })
    }

    /// Test hook: the margin type of `symbol` (CROSSED if never set).
    pub fn futures_margin_type(&self, symbol: &str) -> MarginType {
        self.futures(|f, _| {
            f.symbols
                .get(symbol)
                .map_or(MarginType::Crossed, |s| s.margin_type)
        })
    }

    /// Test hook: how many regular futures orders of `symbol` are open,
    /// after countdown expiry.
    pub fn futures_open_orders(&self, symbol: &str) -> usize {
        self.futures(|f, _| f.open_orders(symbol).count())
    }

    /// Test hook: how many conditional orders of `symbol` wait for their
    /// trigger (algoStatus NEW).
    pub fn futures_open_algo_orders(&self, symbol: &str) -> usize {
        self.futures(|f, _| {
            f.algos
                .iter()
                .filter(|a| a.symbol == symbol && a.is_open())
                .count()
        })
    }

    /// Test hook: how many futures placements (`POST /fapi/v1/order` and
    /// `POST /fapi/v1/algoOrder`) reached the simulator, whatever became
    /// of them (rejected, faulted or accepted), like
    /// [`SimState::orders_received`].
    pub fn futures_orders_received(&self) -> u64 {
        self.stats().futures_orders_received
    }

    /// Test hook: how many of [`SimState::futures_orders_received`] named
    /// `symbol`.
    pub fn futures_orders_received_for(&self, symbol: &str) -> u64 {
        self.stats()
            .futures_orders_received_by_symbol
            .get(symbol)
            .copied()
            .unwrap_or(0)
    }

    /// Test hook: how many of [`SimState::futures_orders_received`]
    /// carried `client_id` as `newClientOrderId` or `clientAlgoId`.
    pub fn futures_orders_received_with_client_id(&self, client_id: &str) -> u64 {
        self.stats()
            .futures_orders_received_by_client_id
            .get(client_id)
            .copied()
            .unwrap_or(0)
    }

    /// Test hook: how many futures orders (regular + conditional) were
    /// accepted, in total and for `symbol`.
    pub fn futures_orders_accepted(&self, symbol: &str) -> (u64, u64) {
        self.futures(|f, _| {
            let one = f.accepted_by_symbol.get(symbol).copied().unwrap_or(0);
            (f.accepted, one)
        })
    }

    /// The futures `ORDERS` counts now (`X-MBX-ORDER-COUNT-10S`, `-1M`).
    pub fn futures_order_counts(&self) -> (u32, u32) {
        self.futures(|f, now| f.order_count.counts(now))
    }

    /// Test hook: the futures `ORDERS` limits per 10 s and per minute
    /// (Binance's 300 and 1 200 by default).
    pub fn set_futures_order_limits(&self, per_10s: u32, per_minute: u32) {
        self.futures(|f, _| {
            f.order_count.limit_10s = per_10s;
            f.order_count.limit_long = per_minute;
        });
    }

    /// Test hook: `n` more futures placements counted in the current
    /// minute, as if another program on the account had placed them in its
    /// earlier 10 s windows.
    pub fn add_futures_order_count(&self, n: u32) {
        self.futures(|f, now| f.order_count.add_earlier(now, n));
    }

    /// Test hook: the futures wallet balance (USDT).
    pub fn futures_wallet_balance(&self) -> Decimal {
        self.futures(|f, _| f.wallet)
    }

    /// Test hook: sets the futures wallet balance (USDT), e.g. to provoke
    /// -2019.
    pub fn set_futures_wallet_balance(&self, wallet: Decimal) {
        self.futures(|f, _| f.wallet = wallet);
    }

    /// Test hook: `symbol`'s armed countdown as `(armed_at_ms,
    /// countdown_ms)`, after expiry; `None` when disarmed or fired.
    pub fn countdown(&self, symbol: &str) -> Option<(i64, u64)> {
        self.futures(|f, _| {
            f.countdowns
                .get(symbol)
                .map(|c| (c.armed_at, c.countdown_ms))
        })
    }

    /// A copy of the whole futures account, for assertions.
    pub fn futures_account(&self) -> FuturesAccount {
        self.futures(|f, _| f.clone())
    }
}
