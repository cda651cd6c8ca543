//! A Binance-compatible exchange simulator on loopback.
//!
//! The simulator speaks Binance's real wire format — real paths, field
//! names, eight-decimal string prices, `{"code":…,"msg":…}` errors with the
//! real HTTP statuses and `X-MBX-USED-WEIGHT-1M` on every response — over
//! markets generated deterministically from a seed. It runs in-process
//! ([`Simulator::start`]) for tests and for the host's `--exchange sim`
//! mode, or as the `binance-sim` binary.
//!
//! [`SimConfig::scale`] sets how much it generates: the default is a small
//! exchange (six symbols, 200-level books, a few dozen account records);
//! [`Scale::large`] is real Binance's size (2506 symbols, 5000-level books,
//! thousands of orders, trades, deposits and withdrawals, 307 balances), for
//! measuring worst-case answer sizes.
//!
//! Signed TRADE endpoints run a deterministic spot matching engine
//! ([`engine`]) against the generated books: LIMIT (GTC / IOC / FOK),
//! MARKET (by `quantity` or `quoteOrderQty`), LIMIT_MAKER, the four stop
//! types and OCO order lists, with balances locked and released, fills
//! recorded in `myTrades` and on the public tape, exchangeInfo's filters
//! and the `ORDERS` rate limits ([`order_count`]). Tests drive it with the
//! hooks on [`SimState`]: [`SimState::set_price`] (the market trades at a
//! price: resting orders fill, stops trigger), [`SimState::set_balance`],
//! [`SimState::set_order_limits`], and [`SimState::orders_received`] /
//! [`SimState::orders_received_for`] to assert what was sent.
//!
//! USD-M futures trading (`/fapi/...`, one-way mode, USDT margin) runs on
//! its own account model ([`futures`]): LIMIT / MARKET orders against a
//! per-symbol mark price, positions, PnL, commission and funding income,
//! leverage and margin type, conditional (algo) orders and the
//! `countdownCancelAll` switch. Its hooks: [`SimState::set_mark_price`],
//! [`SimState::futures_funding`], [`SimState::futures_position`],
//! [`SimState::futures_open_orders`], [`SimState::countdown`] and more in
//! [`futures::hooks`].
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! let sim = binance_sim::Simulator::start(binance_sim::SimConfig::default()).await?;
//! let url = format!("{}/api/v3/ticker/price?symbol=BTCUSDT", sim.spot_url());
//! # let _ = url;
//! sim.shutdown().await;
//! # Ok(()) }
//! ```
#![warn(missing_docs)]

pub mod account;
pub mod auth;
pub mod engine;
pub mod error;
pub mod exchange_info;
pub mod faults;
pub mod futures;
pub mod gate;
pub mod interval;
pub mod klines;
pub mod limits;
pub mod listing;
pub mod market;
pub mod num;
pub mod order_count;
pub mod params;
pub mod path;
pub mod rng;
pub mod routes;
pub mod scale;
pub mod server;
pub mod spec;
pub mod state;
pub mod stream;
pub mod synth;
pub mod weight;
pub mod wire;

use std::net::SocketAddr;
use std::sync::Arc;

pub use account::AccountSnapshot;
pub use auth::{SIM_API_KEY, SIM_SECRET_KEY};
pub use error::ApiError;
pub use faults::{Fault, FaultInjector, FaultRule};
pub use interval::Interval;
pub use klines::Kline;
pub use limits::SimStats;
pub use market::{Market, Ticker24h, Trade};
pub use rust_decimal::Decimal;
pub use scale::Scale;
pub use state::SimState;

/// How to start a simulator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SimConfig {
    /// Seed of every generated market. The same seed gives the same
    /// markets (up to the start time the tape is anchored at).
    pub seed: u64,
    /// Loopback port to listen on; 0 picks a free port, which is what tests
    /// want so they can run in parallel.
    pub port: u16,
    /// How much data to generate ([`Scale::default`]: the small exchange;
    /// [`Scale::large`]: real-Binance sizes).
    pub scale: Scale,
}

impl Default for SimConfig {
    /// Seed 42 (any fixed value keeps runs reproducible), a free port and
    /// the default scale.
    fn default() -> Self {
        SimConfig {
            seed: 42,
            port: 0,
            scale: Scale::default(),
        }
    }
}

/// A running simulator. It stops when dropped (the shutdown is signalled,
/// not awaited) or, waiting for it, through [`Simulator::shutdown`].
#[derive(Debug)]
pub struct Simulator {
    state: Arc<SimState>,
    server: server::ServerTask,
}

impl Simulator {
    /// Generates the markets from `config.seed` at `config.scale`, anchored
    /// at the current time, and starts serving on `127.0.0.1:config.port`.
    /// Must be called inside a Tokio runtime.
    pub async fn start(config: SimConfig) -> std::io::Result<Simulator> {
        let state = Arc::new(SimState::generate_scaled(
            config.seed,
            state::now_ms(),
            &config.scale,
        ));
        let server = server::ServerTask::spawn(state.clone(), config.port).await?;
        Ok(Simulator { state, server })
    }

    /// Base URL of the spot API ("http://127.0.0.1:PORT"; paths `/api/v3/…`).
    pub fn spot_url(&self) -> String {
        format!("http://{}", self.server.addr)
    }

    /// Base URL of the USD-M futures API: the same server, paths
    /// `/fapi/v1/…`.
    pub fn futures_url(&self) -> String {
        self.spot_url()
    }

    /// Base URL of the spot market streams ("ws://127.0.0.1:PORT"; paths
    /// `/ws/<stream>` and `/stream?streams=…`).
    pub fn ws_url(&self) -> String {
        format!("ws://{}", self.server.addr)
    }

    /// Base URL of the USD-M futures public market streams
    /// ("ws://127.0.0.1:PORT/public"; paths `/ws/<stream>` and
    /// `/stream?streams=…` under it, as `wss://fstream.binance.com/public`).
    pub fn futures_ws_url(&self) -> String {
        format!("ws://{}/public", self.server.addr)
    }

    /// The bound socket address.
    pub fn addr(&self) -> SocketAddr {
        self.server.addr
    }

    /// The deterministic market state being served, for assertions.
    pub fn state(&self) -> &SimState {
        &self.state
    }

    /// Registers an extra API key whose requests are signed with Ed25519
    /// (base64 signature over the same payload as HMAC).
    ///
    /// # Panics
    /// If `api_key` is not 64 ASCII alphanumerics or `public_key` is not a
    /// valid Ed25519 public key.
    pub fn register_ed25519_key(&self, api_key: &str, public_key: [u8; 32]) {
        self.state.keys().register_ed25519(api_key, public_key);
    }

    /// Sets the spot (`/api`) REQUEST_WEIGHT limit per minute (default
    /// 6000); requests over it get 429, then 418.
    pub fn set_weight_limit(&self, limit: u32) {
        self.state.set_weight_limit(limit);
    }

    /// Runs the server clock (`/api/v3/time`, timestamp validation) `offset`
    /// ms ahead of the system clock (negative: behind).
    pub fn set_clock_offset_ms(&self, offset: i64) {
        self.state.set_clock_offset_ms(offset);
    }

    /// The fault queue: faults pushed here hit the next matching requests.
    pub fn faults(&self) -> &FaultInjector {
        self.state.faults()
    }

    /// Test hook: the market of `symbol` trades at `price` now (see
    /// [`SimState::set_price`]): resting orders the move reaches fill and
    /// due stop orders trigger.
    ///
    /// # Panics
    /// If `symbol` is not listed or not trading, or `price` breaks its
    /// PRICE_FILTER.
    pub fn set_price(&self, symbol: &str, price: Decimal) {
        self.state.set_price(symbol, price);
    }

    /// Test hook: the futures mark (and contract) price of `symbol` moves
    /// to `price` ([`SimState::set_mark_price`]): resting futures limits
    /// fill and conditional orders trigger.
    ///
    /// # Panics
    /// If `symbol` is not listed or `price` is not positive.
    pub fn set_mark_price(&self, symbol: &str, price: Decimal) {
        self.state.set_mark_price(symbol, price);
    }

    /// Test hook: sets the account's free balance of `asset`.
    pub fn set_balance(&self, asset: &str, free: Decimal) {
        self.state.set_balance(asset, free);
    }

    /// Test hook: the account's `ORDERS` limits per 10 s and per UTC day
    /// ([`SimState::set_order_limits`]); over them placements get HTTP 429
    /// with -1015.
    pub fn set_order_limits(&self, per_10s: u32, per_day: u32) {
        self.state.set_order_limits(per_10s, per_day);
    }

    /// Test hook: how many order placements reached the simulator,
    /// whatever became of them ([`SimState::orders_received`]).
    pub fn orders_received(&self) -> u64 {
        self.state.orders_received()
    }

    /// Test hook: how many placements carried `client_order_id`
    /// ([`SimState::orders_received_for`]).
    pub fn orders_received_for(&self, client_order_id: &str) -> u64 {
        self.state.orders_received_for(client_order_id)
    }

    /// Queues `fault` for the very next request, on any path.
    pub fn inject(&self, fault: Fault) {
        self.state.faults().inject(fault);
    }

    /// Stops accepting connections and waits for in-flight requests.
    pub async fn shutdown(mut self) {
        self.server.stop().await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn handles_are_thread_safe() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<Simulator>();
        assert_send_sync::<SimState>();
    }

    #[test]
    fn default_config() {
        assert_eq!(
            SimConfig::default(),
            SimConfig {
                seed: 42,
                port: 0,
                scale: Scale::default()
            }
        );
    }

    #[tokio::test]
    async fn dropping_stops_the_server() {
        let sim = Simulator::start(SimConfig::default()).await.unwrap();
        let addr = sim.addr();
        drop(sim);
        // The shutdown is signalled on drop; give the task a moment.
        for _ in 0..50 {
            if tokio::net::TcpStream::connect(addr).await.is_err() {
                return;
            }
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        panic!("server still accepting after drop");
    }
}
