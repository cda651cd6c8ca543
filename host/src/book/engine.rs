//! The engine: which symbols have live books, who keeps them, how fresh
//! they are. A background service on the host's [`Lifecycle`]: nothing runs
//! until a symbol is first asked for, and shutdown cancels and awaits every
//! connection, snapshot fetch and the idle reaper.
//!
//! A symbol is **watched** on first use ([`BookEngine::watch`]): it joins
//! a combined-stream connection with room (a new one when all are full),
//! its book syncs by Binance's procedure ([`super::sync`]), and it is
//! dropped after `idle_after` without use. The number of watched symbols
//! is bounded; past the bound a watch fails with a clear error.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use tokio::sync::{mpsc, Semaphore};

use super::connection::{self, Cmd, ShardState};
use super::parse::{DepthHeader, Levels};
use super::sync::{Applied, Chain, LocalBook, Phase};
use crate::exchange::catalogue::Venue;
use crate::exchange::ExchangeService;
use crate::lifecycle::Lifecycle;

/// Binance's streams per connection (spot and USD-M futures); the
/// configured share is lower.
pub const BINANCE_MAX_STREAMS: usize = 1024;

/// How the engine runs. Defaults are Binance's limits with margin.
#[derive(Debug, Clone)]
pub struct EngineConfig {
    /// `wss://stream.binance.com:9443` (or a loopback `ws://` simulator).
    pub ws_url: String,
    /// How events chain (spot: `U`/`u`; USD-M futures: `pu`), which also
    /// says where snapshots come from (`/api/v3/depth`, `/fapi/v1/depth`).
    pub chain: Chain,
    /// Also follow each symbol's `@trade` stream for its last price (spot:
    /// `get_ticker_price` from memory). Futures trades stream from another
    /// endpoint (`/market`) than depth (`/public`), so futures does not.
    pub trades: bool,
    /// Most symbols with live books at once (the seed server's 20, raised).
    pub max_symbols: usize,
    /// Levels kept a side (Binance's deepest snapshot is 5000; 1000 costs
    /// weight 50 a snapshot and is the same depth REST answers serve).
    pub depth: usize,
    /// A book with no event for this long is degraded, never fresh.
    pub stale_after: Duration,
    /// A symbol nobody asked about for this long is unsubscribed.
    pub idle_after: Duration,
    /// Connections are rolled over at this age (Binance closes at 24 h).
    pub max_connection_age: Duration,
    /// Symbols a connection carries (Binance allows 1024 streams a
    /// connection, spot and futures; a symbol takes one, two with trades).
    pub streams_per_connection: usize,
    /// Connection attempts allowed in any five minutes (Binance: 300 per IP,
    /// shared with everything else on the machine).
    pub connect_attempts_per_5m: usize,
    /// Snapshot fetches in flight at once (a resync storm is paced, and the
    /// weight budget paces it further).
    pub snapshot_concurrency: usize,
}

impl EngineConfig {
    /// The spot defaults for `ws_url`.
    pub fn new(ws_url: impl Into<String>) -> Self {
        EngineConfig {
            ws_url: ws_url.into(),
            chain: Chain::Spot,
            trades: true,
            max_symbols: 100,
            depth: 1000,
            stale_after: Duration::from_secs(10),
            idle_after: Duration::from_secs(600),
            max_connection_age: Duration::from_secs(23 * 3600 + 1800),
            streams_per_connection: 200,
            connect_attempts_per_5m: 60,
            snapshot_concurrency: 4,
        }
    }

    /// The USD-M futures defaults for the stream host `ws_url`
    /// (`wss://fstream.binance.com`): depth streams are on its `/public`
    /// path since Binance's March 2026 split (a path-less connection would
    /// get them only until the legacy URLs are retired).
    pub fn futures(ws_url: &str) -> Self {
        EngineConfig {
            chain: Chain::Futures,
            trades: false,
            ..EngineConfig::new(format!("{}/public", ws_url.trim_end_matches('/')))
        }
    }

    /// REST `limit` for a snapshot covering `depth` levels (spot offers up
    /// to 5000, futures up to 1000).
    pub fn snapshot_limit(&self) -> usize {
        let limits: &[usize] = match self.chain {
            Chain::Spot => &[100, 500, 1000, 5000],
            Chain::Futures => &[100, 500, 1000],
        };
        let deepest = limits[limits.len() - 1];
        limits
            .iter()
            .copied()
            .find(|l| *l >= self.depth)
            .unwrap_or(deepest)
    }

    /// The venue whose books these are.
    pub fn venue(&self) -> Venue {
        match self.chain {
            Chain::Spot => Venue::Spot,
            Chain::Futures => Venue::UsdmFutures,
        }
    }
}

/// Why a symbol cannot be watched.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WatchError {
    /// The bound on live symbols is reached.
    #[error("{max} symbols already have live order books, the most allowed; ask again after one has been idle for {idle_s} s, or raise the bound (--book-symbols, or the policy's order_book.max_symbols)")]
    TooManySymbols {
        /// The bound.
        max: usize,
        /// Seconds of idleness that free a slot.
        idle_s: u64,
    },
    /// Shutdown has begun.
    #[error("the server is shutting down")]
    ShuttingDown,
}

/// How current a book is: one definition with the plugins' SDK.
pub use binance_mcp_plugin::book::Freshness;

/// Mutable state of one symbol's book.
#[derive(Debug)]
pub struct BookState {
    /// The book itself.
    pub book: LocalBook,
    /// When the last diff event arrived.
    pub last_event: Option<Instant>,
    /// When the book last went live.
    pub live_since: Option<Instant>,
}

/// The newest trade of a symbol, from its trade stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LastTrade {
    /// Binance's trade id (trades arrive in id order; a rollover overlap
    /// repeats some, which the id filters).
    pub id: u64,
    /// Price in 10⁻⁸ units.
    pub price: u64,
    /// Trade time, ms since the epoch.
    pub time_ms: u64,
    /// When the host received it.
    pub received: Instant,
}

/// One watched symbol.
#[derive(Debug)]
pub struct SymbolBook {
    /// Upper case, as Binance names it.
    pub symbol: String,
    state: Mutex<BookState>,
    /// The newest trade seen since the connection opened. Its own lock, so
    /// it can be read while the book's is held (a `read` closure may).
    last_trade: Mutex<Option<LastTrade>>,
    last_used: Mutex<Instant>,
    pub(crate) fetching: AtomicBool,
    resyncs: AtomicU64,
    stale_after: Duration,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl SymbolBook {
    fn new(symbol: &str, cfg: &EngineConfig) -> Self {
        SymbolBook {
            symbol: symbol.to_string(),
            state: Mutex::new(BookState {
                book: LocalBook::new(cfg.chain, cfg.depth, 4096),
                last_event: None,
                live_since: None,
            }),
            last_trade: Mutex::new(None),
            last_used: Mutex::new(Instant::now()),
            fetching: AtomicBool::new(false),
            resyncs: AtomicU64::new(0),
            stale_after: cfg.stale_after,
        }
    }

    /// Runs `f` on the book with its freshness and the age of its last event.
    pub fn read<R>(&self, f: impl FnOnce(&LocalBook, Freshness, Option<Duration>) -> R) -> R {
        let st = lock(&self.state);
        let age = st.last_event.or(st.live_since).map(|t| t.elapsed());
        let fresh = match st.book.phase() {
            Phase::Syncing => Freshness::Syncing,
            Phase::Live if age.is_some_and(|a| a > self.stale_after) => Freshness::Stale,
            Phase::Live => Freshness::Live,
        };
        f(&st.book, fresh, age)
    }

    /// The book's freshness now.
    pub fn freshness(&self) -> Freshness {
        self.read(|_, f, _| f)
    }

    /// Resynchronisations since the symbol was watched.
    pub fn resyncs(&self) -> u64 {
        self.resyncs.load(Ordering::Relaxed)
    }

    pub(crate) fn touch(&self) {
        *lock(&self.last_used) = Instant::now();
    }

    fn idle_for(&self) -> Duration {
        lock(&self.last_used).elapsed()
    }

    /// Applies one event; true when the book now needs a snapshot.
    pub(crate) fn on_event(&self, header: &DepthHeader, levels: &Levels) -> bool {
        let mut st = lock(&self.state);
        st.last_event = Some(Instant::now());
        match st.book.apply(header, levels) {
            Applied::Gap { expected, got } => {
                tracing::info!(symbol = %self.symbol, expected, got, "order book gap; resyncing");
                self.resyncs.fetch_add(1, Ordering::Relaxed);
                st.live_since = None;
                true
            }
            Applied::Buffered => true,
            Applied::Applied | Applied::Skipped => false,
        }
    }

    /// Records a trade newer than the last one.
    pub(crate) fn on_trade(&self, id: u64, price: u64, time_ms: u64) {
        let mut last = lock(&self.last_trade);
        if last.is_none_or(|t| id > t.id) {
            *last = Some(LastTrade {
                id,
                price,
                time_ms,
                received: Instant::now(),
            });
        }
    }

    /// The newest trade seen on the live connection.
    pub fn last_trade(&self) -> Option<LastTrade> {
        *lock(&self.last_trade)
    }

    /// Discards the book and the last trade (its connection dropped:
    /// events and trades were missed).
    pub(crate) fn restart(&self) {
        let mut st = lock(&self.state);
        if st.book.phase() == Phase::Live {
            self.resyncs.fetch_add(1, Ordering::Relaxed);
        }
        st.book.reset();
        st.live_since = None;
        drop(st);
        *lock(&self.last_trade) = None;
    }

    /// Loads a snapshot; the outcome says whether another is needed.
    pub(crate) fn on_snapshot(
        &self,
        last_update_id: u64,
        bids: Vec<(u64, u64)>,
        asks: Vec<(u64, u64)>,
    ) -> super::sync::Loaded {
        let mut st = lock(&self.state);
        let out = st.book.load(last_update_id, bids, asks);
        if out == super::sync::Loaded::Live {
            st.live_since = Some(Instant::now());
        }
        out
    }
}

/// One combined-stream connection slot ("shard") and its symbols.
struct Shard {
    cmds: mpsc::UnboundedSender<Cmd>,
    symbols: usize,
    state: Arc<ShardState>,
}

pub(crate) struct Inner {
    pub(crate) cfg: EngineConfig,
    pub(crate) exchange: ExchangeService,
    pub(crate) lifecycle: Lifecycle,
    pub(crate) books: Mutex<HashMap<String, Arc<SymbolBook>>>,
    shards: Mutex<Vec<Shard>>,
    /// Which shard carries each symbol.
    placement: Mutex<HashMap<String, usize>>,
    pub(crate) attempts: Mutex<std::collections::VecDeque<Instant>>,
    pub(crate) snapshots: Semaphore,
    pub(crate) reconnects: AtomicU64,
    pub(crate) snapshot_requests: AtomicU64,
    pub(crate) last_error: Mutex<Option<String>>,
    reaper: AtomicBool,
}

impl Inner {
    pub(crate) fn note_error(&self, e: impl Into<String>) {
        *lock(&self.last_error) = Some(e.into());
    }

    pub(crate) fn book(&self, symbol: &str) -> Option<Arc<SymbolBook>> {
        lock(&self.books).get(symbol).cloned()
    }

    /// Stops watching `symbol` (idle, or not listed).
    pub(crate) fn unwatch(&self, symbol: &str, why: &str) {
        lock(&self.books).remove(symbol);
        if let Some(idx) = lock(&self.placement).remove(symbol) {
            let mut shards = lock(&self.shards);
            if let Some(s) = shards.get_mut(idx) {
                s.symbols = s.symbols.saturating_sub(1);
                let _ = s.cmds.send(Cmd::Unsubscribe(symbol.to_string()));
            }
        }
        tracing::info!(symbol, why, "order book unsubscribed");
    }
}

/// The order-book engine (cheap to clone).
#[derive(Clone)]
pub struct BookEngine {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for BookEngine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BookEngine")
            .field("ws_url", &self.inner.cfg.ws_url)
            .finish()
    }
}

/// What `get_orderbook_health` reports.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Health {
    /// `ok` (every book live), `degraded` (some syncing or stale) or
    /// `error` (books wanted but no connection open).
    pub status: &'static str,
    /// The bound on live symbols.
    pub max_symbols: usize,
    /// One entry per watched symbol.
    pub symbols: Vec<SymbolHealth>,
    /// One entry per connection slot.
    pub connections: Vec<connection::ConnectionHealth>,
    /// Reconnections since start (not counting planned rollovers).
    pub reconnects: u64,
    /// Snapshot requests sent since start.
    pub snapshots: u64,
    /// The most recent error, if any.
    pub last_error: Option<String>,
}

/// One symbol in [`Health`].
#[derive(Debug, Clone, serde::Serialize)]
pub struct SymbolHealth {
    /// The symbol.
    pub symbol: String,
    /// `live`, `stale` or `syncing`.
    pub state: &'static str,
    /// Milliseconds since its last event (none before the first).
    pub age_ms: Option<u64>,
    /// The book's update id.
    pub update_id: u64,
    /// Levels held (bids, asks).
    pub levels: [usize; 2],
    /// Resynchronisations so far.
    pub resyncs: u64,
}

impl BookEngine {
    /// An engine that will stream from `cfg.ws_url` and fetch snapshots
    /// through `exchange`; nothing starts until the first watch.
    pub fn new(mut cfg: EngineConfig, exchange: ExchangeService, lifecycle: Lifecycle) -> Self {
        cfg.max_symbols = cfg.max_symbols.max(1);
        // Each symbol takes one stream, two when trades are followed.
        let per_symbol = if cfg.trades { 2 } else { 1 };
        cfg.streams_per_connection = cfg
            .streams_per_connection
            .clamp(1, BINANCE_MAX_STREAMS / per_symbol);
        let permits = cfg.snapshot_concurrency.max(1);
        BookEngine {
            inner: Arc::new(Inner {
                cfg,
                exchange,
                lifecycle,
                books: Mutex::default(),
                shards: Mutex::default(),
                placement: Mutex::default(),
                attempts: Mutex::default(),
                snapshots: Semaphore::new(permits),
                reconnects: AtomicU64::new(0),
                snapshot_requests: AtomicU64::new(0),
                last_error: Mutex::default(),
                reaper: AtomicBool::new(false),
            }),
        }
    }

    /// The configuration.
    pub fn config(&self) -> &EngineConfig {
        &self.inner.cfg
    }

    /// The book of `symbol` if it is watched, without starting anything
    /// (the REST tools' fast path). Counts as use.
    pub fn peek(&self, symbol: &str) -> Option<Arc<SymbolBook>> {
        let b = self.inner.book(symbol)?;
        b.touch();
        Some(b)
    }

    /// The book of `symbol`, subscribing on first use. `max_symbols` is the
    /// caller's bound (the policy's), applied on top of the engine's own.
    pub fn watch(
        &self,
        symbol: &str,
        max_symbols: Option<usize>,
    ) -> Result<Arc<SymbolBook>, WatchError> {
        if self.inner.lifecycle.is_shutting_down() {
            return Err(WatchError::ShuttingDown);
        }
        if let Some(b) = self.peek(symbol) {
            return Ok(b);
        }
        let max = max_symbols.map_or(self.inner.cfg.max_symbols, |m| {
            m.min(self.inner.cfg.max_symbols)
        });
        let book = {
            let mut books = lock(&self.inner.books);
            if let Some(b) = books.get(symbol) {
                return Ok(b.clone());
            }
            if books.len() >= max {
                return Err(WatchError::TooManySymbols {
                    max,
                    idle_s: self.inner.cfg.idle_after.as_secs(),
                });
            }
            let b = Arc::new(SymbolBook::new(symbol, &self.inner.cfg));
            books.insert(symbol.to_string(), b.clone());
            b
        };
        self.place(symbol);
        self.start_reaper();
        Ok(book)
    }

    /// Blocks (on a plugin's blocking thread) until `book` is live or
    /// `timeout` passes; returns its freshness then.
    pub fn wait_live(&self, book: &SymbolBook, timeout: Duration) -> Freshness {
        let end = Instant::now() + timeout;
        loop {
            let f = book.freshness();
            if f != Freshness::Syncing
                || Instant::now() >= end
                || self.inner.lifecycle.is_shutting_down()
            {
                return f;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// Puts `symbol` on a connection with room, opening a new one if needed.
    fn place(&self, symbol: &str) {
        let per = self.inner.cfg.streams_per_connection;
        let mut shards = lock(&self.inner.shards);
        let idx = match shards.iter().position(|s| s.symbols < per) {
            Some(i) => i,
            None => {
                let (tx, rx) = mpsc::unbounded_channel();
                let state = Arc::new(ShardState::new(shards.len()));
                let inner = self.inner.clone();
                let st = state.clone();
                self.inner
                    .lifecycle
                    .spawn(async move { connection::run_shard(inner, st, rx).await });
                shards.push(Shard {
                    cmds: tx,
                    symbols: 0,
                    state,
                });
                shards.len() - 1
            }
        };
        shards[idx].symbols += 1;
        let _ = shards[idx].cmds.send(Cmd::Subscribe(symbol.to_string()));
        lock(&self.inner.placement).insert(symbol.to_string(), idx);
    }

    fn start_reaper(&self) {
        if self.inner.reaper.swap(true, Ordering::SeqCst) {
            return;
        }
        let engine = self.clone();
        let token = self.inner.lifecycle.token().clone();
        let every = (self.inner.cfg.idle_after / 4)
            .clamp(Duration::from_millis(50), Duration::from_secs(30));
        self.inner.lifecycle.spawn(async move {
            loop {
                tokio::select! {
                    _ = token.cancelled() => return,
                    _ = tokio::time::sleep(every) => {}
                }
                let idle: Vec<String> = lock(&engine.inner.books)
                    .values()
                    .filter(|b| b.idle_for() > engine.inner.cfg.idle_after)
                    .map(|b| b.symbol.clone())
                    .collect();
                for s in idle {
                    engine.inner.unwatch(&s, "idle");
                }
            }
        });
    }

    /// The engine's state for `get_orderbook_health`.
    pub fn health(&self) -> Health {
        let mut symbols: Vec<SymbolHealth> = lock(&self.inner.books)
            .values()
            .map(|b| {
                b.read(|book, fresh, age| SymbolHealth {
                    symbol: b.symbol.clone(),
                    state: fresh.as_str(),
                    age_ms: age.map(|a| a.as_millis() as u64),
                    update_id: book.update_id(),
                    levels: [book.bids().len(), book.asks().len()],
                    resyncs: b.resyncs(),
                })
            })
            .collect();
        symbols.sort_by(|a, b| a.symbol.cmp(&b.symbol));
        let connections: Vec<_> = lock(&self.inner.shards)
            .iter()
            .map(|s| s.state.health(s.symbols))
            .collect();
        let wanted_but_down = connections
            .iter()
            .any(|c| c.symbols > 0 && c.state != "open" && c.state != "rolling over");
        let status = if wanted_but_down
            && symbols.iter().all(|s| s.state != "live")
            && !symbols.is_empty()
        {
            "error"
        } else if symbols.iter().all(|s| s.state == "live") && !wanted_but_down {
            "ok"
        } else {
            "degraded"
        };
        Health {
            status,
            max_symbols: self.inner.cfg.max_symbols,
            symbols,
            connections,
            reconnects: self.inner.reconnects.load(Ordering::Relaxed),
            snapshots: self.inner.snapshot_requests.load(Ordering::Relaxed),
            last_error: lock(&self.inner.last_error).clone(),
        }
    }
}
