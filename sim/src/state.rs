//! The simulator's shared state: the generated markets, the account, the
//! weight windows, rate-limit and fault state, and the server clock.
//!
//! Markets are generated once, from the seed and the start time, and never
//! change afterwards, so they need no locking; trading changes copies of
//! them, the live markets ([`LiveMarkets`]). The account sits behind one
//! mutex (always taken before the live markets'); counters and settings
//! are atomics or their own locks.
//!
//! The test hooks for order flow live here too: [`SimState::set_price`],
//! [`SimState::set_balance`], [`SimState::set_order_limits`],
//! [`SimState::orders_received`] and [`SimState::orders_received_for`];
//! the futures hooks are in [`crate::futures::hooks`].

use std::collections::HashMap;
use std::sync::atomic::{AtomicI64, AtomicU32, Ordering};
use std::sync::{Mutex, MutexGuard};
use std::time::{SystemTime, UNIX_EPOCH};

use rust_decimal::Decimal;

use crate::account::{Account, AccountSnapshot};
use crate::auth::KeyStore;
use crate::engine::book::{self, LiveMarkets};
use crate::engine::Desk;
use crate::faults::FaultInjector;
use crate::futures::FuturesAccount;
use crate::limits::{RateLimiter, SimStats, StatsCell};
use crate::market::Market;
use crate::scale::Scale;
use crate::spec::MARKET_SPECS;
use crate::weight::{Budget, WeightWindow, SPOT_WEIGHT_LIMIT_1M};

/// Milliseconds since the Unix epoch, from the system clock.
pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

/// The deterministic exchange state behind a running simulator.
#[derive(Debug)]
pub struct SimState {
    seed: u64,
    anchor_ms: i64,
    markets: Vec<Market>,
    /// Index of each symbol in `markets`.
    by_symbol: HashMap<String, usize>,
    spot_weight: WeightWindow,
    futures_weight: WeightWindow,
    sapi_ip_weight: WeightWindow,
    sapi_uid_weight: WeightWindow,
    spot_limit: AtomicU32,
    clock_offset_ms: AtomicI64,
    window_offset_ms: AtomicI64,
    account: Mutex<Account>,
    futures: Mutex<FuturesAccount>,
    live: LiveMarkets,
    keys: KeyStore,
    limiter: RateLimiter,
    stats: StatsCell,
    faults: FaultInjector,
    streams: crate::stream::Streams,
    /// The USD-M futures books and their stream hub.
    futures_books: crate::stream::usdm::FuturesBooks,
}

impl SimState {
    /// Generates every market from `seed`, with each market's last trade at
    /// `anchor_ms`, at the default [`Scale`]. Equal arguments give identical
    /// state.
    pub fn generate(seed: u64, anchor_ms: i64) -> SimState {
        SimState::generate_scaled(seed, anchor_ms, &Scale::default())
    }

    /// [`SimState::generate`] at `scale`: the same markets and account,
    /// plus the extra listings, book levels and account records `scale`
    /// asks for.
    pub fn generate_scaled(seed: u64, anchor_ms: i64, scale: &Scale) -> SimState {
        let mut markets = MARKET_SPECS
            .iter()
            .map(|spec| Market::generate(spec, seed, anchor_ms))
            .collect::<Vec<_>>();
        crate::scale::resize_books(&mut markets, seed, scale.book_levels);
        markets.extend(crate::listing::listings(seed, anchor_ms, scale.listings));
        let account = crate::account::generate::generate_scaled(seed, anchor_ms, &markets, scale);
        let futures = crate::futures::seed::generate(seed, anchor_ms, &markets);
        let by_symbol = markets
            .iter()
            .enumerate()
            .map(|(i, m)| (m.symbol.clone(), i))
            .collect();
        SimState {
            seed,
            anchor_ms,
            markets,
            by_symbol,
            spot_weight: WeightWindow::default(),
            futures_weight: WeightWindow::default(),
            sapi_ip_weight: WeightWindow::default(),
            sapi_uid_weight: WeightWindow::default(),
            spot_limit: AtomicU32::new(SPOT_WEIGHT_LIMIT_1M),
            clock_offset_ms: AtomicI64::new(0),
            window_offset_ms: AtomicI64::new(0),
            account: Mutex::new(Account::new(account, seed)),
            futures: Mutex::new(futures),
            live: LiveMarkets::default(),
            keys: KeyStore::default(),
            limiter: RateLimiter::default(),
            stats: StatsCell::default(),
            faults: FaultInjector::default(),
            streams: crate::stream::Streams::default(),
            futures_books: crate::stream::usdm::FuturesBooks::default(),
        }
    }

    /// The seed the state was generated from.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// The instant the markets are anchored at (the last trade's time).
    pub fn anchor_ms(&self) -> i64 {
        self.anchor_ms
    }

    /// Every listed symbol, in exchangeInfo order.
    pub fn symbols(&self) -> Vec<String> {
        self.markets.iter().map(|m| m.symbol.clone()).collect()
    }

    /// Every market, in exchangeInfo order.
    pub fn markets(&self) -> &[Market] {
        &self.markets
    }

    /// The market for `symbol` (exact, case-sensitive match), as
    /// generated; [`SimState::live_market`] has it as trading left it.
    pub fn market(&self, symbol: &str) -> Option<&Market> {
        self.by_symbol.get(symbol).map(|&i| &self.markets[i])
    }

    /// A copy of `symbol`'s market as it is now: its generated state until
    /// orders or [`SimState::set_price`] change it, then the live book,
    /// tape, ticker and average price. `None` for an unlisted symbol.
    pub fn live_market(&self, symbol: &str) -> Option<Market> {
        let m = self.market(symbol)?;
        Some(self.with_market(m, Market::clone))
    }

    /// Runs `f` on `m`'s live state (the generated `m` itself until
    /// trading changes it). The market-data endpoints read through this.
    pub fn with_market<R>(&self, m: &Market, f: impl FnOnce(&Market) -> R) -> R {
        let live = self.live.lock();
        match live.get(&m.symbol) {
            Some(current) => f(current),
            None => {
                drop(live);
                f(m)
            }
        }
    }

    /// Runs `f` on the trading desk of `m`'s symbol at the server time,
    /// with the account and the live markets locked (in that order), then
    /// derives the market's ticker again if `f` traded.
    pub(crate) fn desk<R>(&self, m: &Market, f: impl FnOnce(&mut Desk<'_>) -> R) -> R {
        let now = self.server_time_ms();
        let mut account = self.lock_account();
        let mut live = self.live.lock();
        let market = live.entry(m.symbol.clone()).or_insert_with(|| m.clone());
        let mut desk = Desk::new(&mut account, market, m, now);
        let out = f(&mut desk);
        if desk.dirty {
            book::refresh(market, m, now);
        }
        self.streams.publish(market, now);
        out
    }

    /// The spot WebSocket market streams (subscriptions, faults, timing);
    /// the futures ones are [`SimState::futures_streams`].
    pub fn streams(&self) -> &crate::stream::Streams {
        &self.streams
    }

    /// The USD-M futures books and stream hub ([`crate::stream::usdm`]).
    pub(crate) fn futures_books(&self) -> &crate::stream::usdm::FuturesBooks {
        &self.futures_books
    }

    /// One tick of activity on `symbol`'s book (it has stream subscribers),
    /// published as it happens.
    pub(crate) fn evolve(&self, symbol: &str) {
        let Some(m) = self.market(symbol) else {
            return;
        };
        if !m.is_trading() {
            return;
        }
        let now = self.server_time_ms();
        let mut live = self.live.lock();
        let market = live.entry(m.symbol.clone()).or_insert_with(|| m.clone());
        let evolved = self
            .streams
            .with_rng(symbol, |rng| crate::stream::feed::evolve(market, rng));
        if evolved.is_some() {
            self.streams.publish(market, now);
        }
    }

    /// Test hook: the market of `symbol` trades at `price` now. The book
    /// is re-centred on it, the account's working limit orders the move
    /// reaches fill (as maker, at their price), a public trade prints at
    /// `price` and due stop orders trigger — see [`crate::engine::trigger`].
    ///
    /// # Panics
    /// If `symbol` is not listed or not trading, or `price` is outside
    /// PRICE_FILTER (bounds or tick).
    pub fn set_price(&self, symbol: &str, price: Decimal) {
        let m = self
            .market(symbol)
            .unwrap_or_else(|| panic!("set_price: {symbol} is not listed"));
        assert!(m.is_trading(), "set_price: {symbol} is not trading");
        assert!(
            crate::engine::filters::in_band(price, m.min_price, m.max_price, m.tick_size),
            "set_price: {price} breaks {symbol}'s PRICE_FILTER"
        );
        self.desk(m, |d| d.set_price(price));
    }

    /// The last price of `symbol` now (`None` if unlisted).
    pub fn price(&self, symbol: &str) -> Option<Decimal> {
        let m = self.market(symbol)?;
        Some(self.with_market(m, book::last_price))
    }

    /// Test hook: sets the free balance of `asset` (created if the account
    /// has none); what open orders lock is left alone.
    pub fn set_balance(&self, asset: &str, free: Decimal) {
        let mut account = self.lock_account();
        account.balance(asset).free = free;
        account.snap.update_time = self.server_time_ms();
    }

    /// Test hook: the account's `ORDERS` limits per 10 s and per UTC day
    /// (Binance's 50 and 160 000 by default), as exchangeInfo then reports.
    pub fn set_order_limits(&self, per_10s: u32, per_day: u32) {
        let mut account = self.lock_account();
        account.counter.limit_10s = per_10s;
        account.counter.limit_long = per_day;
    }

    /// The account's `ORDERS` limits (per 10 s, per day).
    pub fn order_limits(&self) -> (u32, u32) {
        let account = self.lock_account();
        (account.counter.limit_10s, account.counter.limit_long)
    }

    /// The unfilled-order counts now (`X-MBX-ORDER-COUNT-10S`, `-1D`).
    pub fn order_counts(&self) -> (u32, u32) {
        let now = self.server_time_ms();
        self.lock_account().counter.counts(now)
    }

    /// Test hook: how many order placements reached the simulator
    /// (`POST /api/v3/order` and `POST /api/v3/orderList/oco`), whatever
    /// became of them — rejected, answered by an injected fault or
    /// accepted. Test orders (`/api/v3/order/test`) are not counted.
    pub fn orders_received(&self) -> u64 {
        self.stats.get().orders_received
    }

    /// Test hook: how many of [`SimState::orders_received`] carried
    /// `client_order_id` (as `newClientOrderId`, or as an OCO's
    /// `listClientOrderId`, `aboveClientOrderId` or `belowClientOrderId`).
    pub fn orders_received_for(&self, client_order_id: &str) -> u64 {
        self.stats
            .get()
            .orders_received_by_client_id
            .get(client_order_id)
            .copied()
            .unwrap_or(0)
    }

    /// Spot request weight used in the current minute.
    pub fn weight_used_1m(&self) -> u32 {
        self.spot_weight.used(self.window_now_ms())
    }

    /// `/sapi` IP weight used in the current minute (`X-SAPI-USED-IP-WEIGHT-1M`).
    pub fn sapi_ip_weight_used_1m(&self) -> u32 {
        self.sapi_ip_weight.used(self.window_now_ms())
    }

    /// `/sapi` UID weight used in the current minute (`X-SAPI-USED-UID-WEIGHT-1M`).
    pub fn sapi_uid_weight_used_1m(&self) -> u32 {
        self.sapi_uid_weight.used(self.window_now_ms())
    }

    /// USD-M futures request weight used in the current minute.
    pub fn futures_weight_used_1m(&self) -> u32 {
        self.futures_weight.used(self.window_now_ms())
    }

    /// The weight window and per-minute limit of an API budget.
    pub(crate) fn window(&self, budget: Budget) -> (&WeightWindow, u32) {
        match budget {
            Budget::Spot => (&self.spot_weight, self.spot_limit.load(Ordering::Relaxed)),
            Budget::Futures => (&self.futures_weight, budget.default_limit()),
            Budget::SapiIp => (&self.sapi_ip_weight, budget.default_limit()),
            Budget::SapiUid => (&self.sapi_uid_weight, budget.default_limit()),
        }
    }

    /// Charges `weight` to the current minute's spot (`/api`) window, as
    /// another process on the same IP would have; returns the new total.
    pub fn use_spot_weight(&self, weight: u32) -> u32 {
        self.spot_weight.charge(weight, self.window_now_ms())
    }

    /// Sets the spot (`/api`) REQUEST_WEIGHT limit per minute.
    pub fn set_weight_limit(&self, limit: u32) {
        self.spot_limit.store(limit, Ordering::Relaxed);
    }

    /// The server clock (ms): the system clock plus the offset set by
    /// [`SimState::set_clock_offset_ms`]. Served by `/api/v3/time` and used
    /// to validate `timestamp`.
    pub fn server_time_ms(&self) -> i64 {
        now_ms() + self.clock_offset_ms.load(Ordering::Relaxed)
    }

    /// The clock the weight windows (and the 429/418 logic) run on: the
    /// system clock plus [`SimState::set_window_offset_ms`].
    pub fn window_now_ms(&self) -> i64 {
        now_ms() + self.window_offset_ms.load(Ordering::Relaxed)
    }

    /// Shifts the weight windows' minute boundaries `offset` ms against the
    /// system clock: a client whose minutes are the system clock's (and not
    /// the exchange's) sees them roll over at the wrong moment.
    pub fn set_window_offset_ms(&self, offset: i64) {
        self.window_offset_ms.store(offset, Ordering::Relaxed);
    }

    /// Runs the server clock `offset` ms ahead of (negative: behind) the
    /// system clock.
    pub fn set_clock_offset_ms(&self, offset: i64) {
        self.clock_offset_ms.store(offset, Ordering::Relaxed);
    }

    /// A copy of the whole simulated account, for assertions.
    pub fn account(&self) -> AccountSnapshot {
        self.lock_account().snap.clone()
    }

    /// Runs `f` on the locked account's records, so a reader clones only
    /// what it needs.
    pub(crate) fn with_account<R>(&self, f: impl FnOnce(&AccountSnapshot) -> R) -> R {
        f(&self.lock_account().snap)
    }

    /// The account, locked (poisoning is ignored: the data stays usable).
    pub(crate) fn lock_account(&self) -> MutexGuard<'_, Account> {
        self.account.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Runs `f` on the futures account at the server time, after firing
    /// expired countdowns ([`crate::futures::countdown`]).
    pub(crate) fn futures<R>(&self, f: impl FnOnce(&mut FuturesAccount, i64) -> R) -> R {
        let now = self.server_time_ms();
        let mut account = self.futures.lock().unwrap_or_else(|e| e.into_inner());
        account.expire_countdowns(now);
        f(&mut account, now)
    }

    /// The accepted API keys.
    pub fn keys(&self) -> &KeyStore {
        &self.keys
    }

    /// The 429/418 state of the (single) client IP.
    pub(crate) fn limiter(&self) -> &RateLimiter {
        &self.limiter
    }

    /// A copy of the request counters.
    pub fn stats(&self) -> SimStats {
        self.stats.get()
    }

    pub(crate) fn stats_cell(&self) -> &StatsCell {
        &self.stats
    }

    /// The pending injected faults.
    pub fn faults(&self) -> &FaultInjector {
        &self.faults
    }
}
