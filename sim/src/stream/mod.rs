//! WebSocket market streams on the simulator's loopback server.
//!
//! Spot, as on `stream.binance.com`: `/ws`, `/ws/<stream>` (raw frames),
//! `/stream?streams=a/b` (combined frames, `{"stream":…,"data":…}`).
//! Streams: `<symbol>@depth@100ms` (every change), `<symbol>@depth` (at
//! most once a second; diff depth, `U`/`u`), `<symbol>@depth5|10|20
//! [@100ms]` (partial depth), `<symbol>@trade` and `<symbol>@bookTicker`.
//!
//! USD-M futures high-frequency public data, as on `fstream.binance.com`
//! since its March 2026 split into routed paths: `/public/ws`,
//! `/public/ws/<stream>`, `/public/stream?streams=a/b`. Streams:
//! `<symbol>@depth@100ms` (every change), `<symbol>@depth` (at most every
//! 250 ms, Binance's default), `<symbol>@depth@500ms` (at most every
//! 500 ms) — diff depth with `T`, `U`, `u` and `pu` (the previous event's
//! `u` on the same stream); `<symbol>@depth5|10|20[@100ms|@500ms]` (the
//! best levels in the same shape) and `<symbol>@bookTicker`. Trades are on
//! Binance's `/market` path, not served: `@trade` / `@aggTrade` on
//! `/public` are unknown streams (HTTP 400 on the URL, an error reply to
//! `SUBSCRIBE`). Futures streams describe their own book per symbol (see
//! [`usdm`]), which `/fapi/v1/depth` serves; the spot book is untouched.
//!
//! Both take live `SUBSCRIBE`, `UNSUBSCRIBE` and `LIST_SUBSCRIPTIONS`
//! requests. Each venue has its own hub ([`Streams`]: spot
//! [`crate::SimState::streams`], futures
//! [`crate::SimState::futures_streams`]) with its own subscriptions,
//! timing, counters and test hooks. The books of symbols with subscribers
//! evolve on a timer ([`feed::evolve`]) and every change is published
//! ([`feed::Feed`]), so tests can compare a client's local book with
//! [`crate::SimState::live_market`] or
//! [`crate::SimState::live_futures_market`]. Binance's limits are enforced
//! (1024 streams per connection; incoming messages a second: 5 spot, 10
//! futures; 300 connection attempts per five minutes, counted per hub, as
//! spot and futures are different hosts at Binance) and its behaviour
//! reproduced (pings, the 24-hour disconnect, the `serverShutdown` notice),
//! with test hooks to compress time and inject faults: dropped
//! connections, a sequence gap, a stalled stream.

pub mod feed;
pub mod payload;
pub mod socket;
pub mod usdm;
pub mod venue;

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use tokio::sync::broadcast;

use crate::market::Market;
use feed::{Event, Feed, Wanted};
pub use venue::Venue;

/// Binance's streams per connection (spot and USD-M futures).
pub const MAX_STREAMS_PER_CONNECTION: usize = 1024;
/// Binance's incoming messages a second per connection (spot).
pub const MAX_INCOMING_PER_SECOND: usize = 5;
/// Binance's incoming messages a second per connection (USD-M futures).
pub const FUTURES_MAX_INCOMING_PER_SECOND: usize = 10;
/// Binance's connection attempts per five minutes per IP (each hub counts
/// its own).
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

/// The stream hub of one venue: subscriptions, feeds, the event channel,
/// limits.
#[derive(Debug)]
pub struct Streams {
    venue: Venue,
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
    /// The spot hub.
    fn default() -> Self {
        Streams::new(Venue::Spot)
    }
}

impl Streams {
    /// An empty hub for `venue`.
    pub fn new(venue: Venue) -> Self {
        Streams {
            venue,
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
    /// The venue this hub serves.
    pub fn venue(&self) -> Venue {
        self.venue
    }

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
            .or_insert_with(|| Feed::new(m, self.venue, seed, now_ms));
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
        let prefix = format!("{}@", symbol.to_ascii_lowercase());
        let subs = lock(&self.subs);
        Wanted::of(
            subs.keys()
                .filter_map(|s| s.strip_prefix(&prefix))
                .map(|kind| format!("@{kind}")),
        )
    }

    /// Publishes how `m` changed (called with the venue's live books locked,
    /// right after any change, so a REST snapshot never runs ahead of the
    /// events).
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
            feed.publish(m, now_ms, &wanted, withhold, &mut out);
        }
        let diffs = self.venue.cadences();
        for e in out {
            if diffs.iter().any(|c| e.stream.ends_with(c.diff)) {
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
