//! WebSocket market streams on the simulator's loopback server.
//!
//! Paths as on Binance spot: `/ws/<stream>` (raw frames), `/stream?streams=
//! a/b` (combined frames, `{"stream":…,"data":…}`), and live `SUBSCRIBE`,
//! `UNSUBSCRIBE` and `LIST_SUBSCRIPTIONS` requests on either. Streams:
//! `<symbol>@depth@100ms`, `<symbol>@depth` (diff depth, `U`/`u`),
//! `<symbol>@depth5|10|20[@100ms]` (partial depth), `<symbol>@trade` and
//! `<symbol>@bookTicker`.
//!
//! The books of symbols with subscribers evolve on a timer ([`feed::evolve`])
//! and every change is published ([`feed::Feed`]), so tests can compare a
//! client's local book with [`crate::SimState::live_market`]. Binance's
//! limits are enforced (streams per connection, incoming messages a second,
//! connection attempts per five minutes) and its behaviour reproduced
//! (pings, the 24-hour disconnect, the `serverShutdown` notice), with test
//! hooks to compress time and inject faults: dropped connections, a
//! sequence gap, a stalled stream.

pub mod feed;
pub mod socket;

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use tokio::sync::broadcast;

use crate::market::Market;
use feed::{Event, Feed, Wanted, PARTIAL_LEVELS};

/// Binance's streams per connection (spot).
pub const MAX_STREAMS_PER_CONNECTION: usize = 1024;
/// Binance's incoming messages a second per connection (spot).
pub const MAX_INCOMING_PER_SECOND: usize = 5;
/// Binance's connection attempts per five minutes per IP.
pub const MAX_CONNECTIONS_PER_5M: usize = 300;

/// Timing of the streams; tests shorten it.
#[derive(Debug, Clone, Copy)]
pub struct StreamTiming {
    /// How often symbols with subscribers change (Binance's @100ms cadence).
    pub tick: Duration,
    /// How often the server pings each connection (Binance: 20 s).
    pub ping_interval: Duration,
    /// A connection that has not answered a ping for this long is closed
    /// (Binance: one minute).
    pub pong_timeout: Duration,
    /// Connections are closed at this age (Binance: 24 hours).
    pub max_age: Duration,
    /// After a shutdown notice, connections close after this delay
    /// (Binance: the notice comes about ten minutes ahead).
    pub shutdown_grace: Duration,
}

impl Default for StreamTiming {
    fn default() -> Self {
        StreamTiming {
            tick: Duration::from_millis(100),
            ping_interval: Duration::from_secs(20),
            pong_timeout: Duration::from_secs(60),
            max_age: Duration::from_secs(24 * 3600),
            shutdown_grace: Duration::from_secs(600),
        }
    }
}

/// Orders to every open connection.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Control {
    /// Close now, without a close frame (a dropped connection).
    Drop,
    /// Send `serverShutdown`, then close after the grace period.
    Shutdown,
}

/// Counters a test can read.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StreamStats {
    /// Connections accepted since start.
    pub connections_opened: u64,
    /// Connection attempts refused (HTTP 429) by the attempt limit.
    pub connections_refused: u64,
    /// Connections open now.
    pub connections_open: u64,
    /// Connections the server closed for sending too many messages.
    pub closed_for_rate: u64,
    /// Requests refused for asking too many streams.
    pub refused_too_many_streams: u64,
    /// Diff-depth events published (before any fault withheld them).
    pub depth_events: u64,
}

/// Injected stream faults.
#[derive(Debug, Default)]
struct Faults {
    /// Symbols whose next diff event is not sent (a sequence gap).
    skip_next: HashSet<String>,
    /// Symbols whose diff events are not sent (a stalled stream).
    stalled: HashSet<String>,
}

/// The stream hub: subscriptions, feeds, the event channel, limits.
#[derive(Debug)]
pub struct Streams {
    events: broadcast::Sender<Arc<Event>>,
    control: broadcast::Sender<Control>,
    /// Subscriber count of each stream name.
    subs: Mutex<HashMap<String, usize>>,
    /// Feeds of symbols (upper case) with any subscriber.
    feeds: Mutex<HashMap<String, Feed>>,
    faults: Mutex<Faults>,
    paused: std::sync::atomic::AtomicBool,
    timing: Mutex<StreamTiming>,
    attempts: Mutex<VecDeque<Instant>>,
    opened: AtomicU64,
    refused: AtomicU64,
    open: AtomicU64,
    closed_for_rate: AtomicU64,
    too_many: AtomicU64,
    depth_events: AtomicU64,
}

impl Default for Streams {
    fn default() -> Self {
        Streams {
            events: broadcast::channel(8192).0,
            control: broadcast::channel(16).0,
            subs: Mutex::default(),
            feeds: Mutex::default(),
            faults: Mutex::default(),
            paused: std::sync::atomic::AtomicBool::new(false),
            timing: Mutex::new(StreamTiming::default()),
            attempts: Mutex::default(),
            opened: AtomicU64::new(0),
            refused: AtomicU64::new(0),
            open: AtomicU64::new(0),
            closed_for_rate: AtomicU64::new(0),
            too_many: AtomicU64::new(0),
            depth_events: AtomicU64::new(0),
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// `btcusdt@depth@100ms` → `BTCUSDT`.
pub fn symbol_of(stream: &str) -> String {
    stream
        .split('@')
        .next()
        .unwrap_or_default()
        .to_ascii_uppercase()
}

impl Streams {
    /// The stream timing now.
    pub fn timing(&self) -> StreamTiming {
        *lock(&self.timing)
    }

    /// Test hook: changes the timing (new connections and timers use it).
    pub fn set_timing(&self, timing: StreamTiming) {
        *lock(&self.timing) = timing;
    }

    /// Test hook: freezes (`true`) or resumes the books' evolution, so a
    /// test can compare a client's book with the true one at rest.
    pub fn pause(&self, paused: bool) {
        self.paused.store(paused, Ordering::SeqCst);
    }

    /// Whether evolution is frozen.
    pub fn is_paused(&self) -> bool {
        self.paused.load(Ordering::SeqCst)
    }

    /// Test hook: drops every open connection without a close frame.
    pub fn drop_connections(&self) {
        let _ = self.control.send(Control::Drop);
    }

    /// Test hook: sends `serverShutdown` on every connection; they close
    /// after the timing's `shutdown_grace`.
    pub fn announce_shutdown(&self) {
        let _ = self.control.send(Control::Shutdown);
    }

    /// Test hook: the next diff-depth event of `symbol` is not sent.
    pub fn skip_next_event(&self, symbol: &str) {
        lock(&self.faults).skip_next.insert(symbol.to_string());
    }

    /// Test hook: stops (`true`) or resumes sending `symbol`'s diff events;
    /// its book keeps changing meanwhile.
    pub fn stall(&self, symbol: &str, stalled: bool) {
        let mut f = lock(&self.faults);
        if stalled {
            f.stalled.insert(symbol.to_string());
        } else {
            f.stalled.remove(symbol);
        }
    }

    /// How many subscriptions (over all connections and streams) name `symbol`.
    pub fn subscribers(&self, symbol: &str) -> usize {
        lock(&self.subs)
            .iter()
            .filter(|(s, _)| symbol_of(s) == symbol)
            .map(|(_, n)| n)
            .sum()
    }

    /// Symbols with at least one subscriber.
    pub fn active_symbols(&self) -> Vec<String> {
        let mut v: Vec<String> = lock(&self.feeds).keys().cloned().collect();
        v.sort();
        v
    }

    /// The counters.
    pub fn stats(&self) -> StreamStats {
        StreamStats {
            connections_opened: self.opened.load(Ordering::Relaxed),
            connections_refused: self.refused.load(Ordering::Relaxed),
            connections_open: self.open.load(Ordering::Relaxed),
            closed_for_rate: self.closed_for_rate.load(Ordering::Relaxed),
            refused_too_many_streams: self.too_many.load(Ordering::Relaxed),
            depth_events: self.depth_events.load(Ordering::Relaxed),
        }
    }

    /// Counts a connection attempt; false when the five-minute window is full.
    pub(crate) fn admit(&self) -> bool {
        let now = Instant::now();
        let mut a = lock(&self.attempts);
        while a
            .front()
            .is_some_and(|t| now.duration_since(*t) > Duration::from_secs(300))
        {
            a.pop_front();
        }
        if a.len() >= MAX_CONNECTIONS_PER_5M {
            self.refused.fetch_add(1, Ordering::Relaxed);
            return false;
        }
        a.push_back(now);
        self.opened.fetch_add(1, Ordering::Relaxed);
        true
    }

    pub(crate) fn receivers(
        &self,
    ) -> (
        broadcast::Receiver<Arc<Event>>,
        broadcast::Receiver<Control>,
    ) {
        (self.events.subscribe(), self.control.subscribe())
    }

    pub(crate) fn connection_opened(&self) {
        self.open.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn connection_closed(&self, for_rate: bool) {
        self.open.fetch_sub(1, Ordering::Relaxed);
        if for_rate {
            self.closed_for_rate.fetch_add(1, Ordering::Relaxed);
        }
    }

    pub(crate) fn refused_streams(&self) {
        self.too_many.fetch_add(1, Ordering::Relaxed);
    }

    /// Adds one subscriber to `stream`; starts the symbol's feed from `m`
    /// (the live market now) when it is the symbol's first.
    pub(crate) fn subscribe(&self, stream: &str, m: &Market, seed: u64, now_ms: i64) {
        *lock(&self.subs).entry(stream.to_string()).or_insert(0) += 1;
        lock(&self.feeds)
            .entry(m.symbol.clone())
            .or_insert_with(|| Feed::new(m, seed, now_ms));
    }

    /// Removes one subscriber of `stream`; the symbol's feed stops with its last.
    pub(crate) fn unsubscribe(&self, stream: &str) {
        let mut subs = lock(&self.subs);
        if let Some(n) = subs.get_mut(stream) {
            *n -= 1;
            if *n == 0 {
                subs.remove(stream);
            }
        }
        let symbol = symbol_of(stream);
        if !subs.keys().any(|s| symbol_of(s) == symbol) {
            lock(&self.feeds).remove(&symbol);
        }
    }

    fn wanted(&self, symbol: &str) -> Wanted {
        let lower = symbol.to_ascii_lowercase();
        let subs = lock(&self.subs);
        let has = |suffix: &str| subs.contains_key(&format!("{lower}{suffix}"));
        let mut partial = [false; 3];
        for (i, n) in PARTIAL_LEVELS.iter().enumerate() {
            partial[i] = has(&format!("@depth{n}")) || has(&format!("@depth{n}@100ms"));
        }
        Wanted {
            fast: has("@depth@100ms"),
            slow: has("@depth"),
            book_ticker: has("@bookTicker"),
            trade: has("@trade"),
            partial,
        }
    }

    /// Publishes how `m` changed (called with the live markets locked, right
    /// after any change, so a REST snapshot never runs ahead of the events).
    pub(crate) fn publish(&self, m: &Market, now_ms: i64) {
        let wanted = self.wanted(&m.symbol);
        let mut out = Vec::new();
        {
            let mut feeds = lock(&self.feeds);
            let Some(feed) = feeds.get_mut(&m.symbol) else {
                return;
            };
            let withhold = feed.changed(m) && {
                let mut f = lock(&self.faults);
                f.stalled.contains(&m.symbol) | f.skip_next.remove(&m.symbol)
            };
            feed.publish(m, now_ms, wanted, withhold, &mut out);
        }
        for e in out {
            if e.stream.ends_with("@depth@100ms") || e.stream.ends_with("@depth") {
                self.depth_events.fetch_add(1, Ordering::Relaxed);
            }
            let _ = self.events.send(Arc::new(e));
        }
    }

    /// Runs `f` with the feed's random source of `symbol` (for [`feed::evolve`]).
    pub(crate) fn with_rng<R>(
        &self,
        symbol: &str,
        f: impl FnOnce(&mut crate::rng::SplitMix64) -> R,
    ) -> Option<R> {
        lock(&self.feeds)
            .get_mut(symbol)
            .map(|feed| f(&mut feed.rng))
    }
}
