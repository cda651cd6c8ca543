//! Combined-stream connections: one supervisor per connection slot.
//!
//! A supervisor keeps its symbols' `@depth@100ms` streams flowing on one
//! `/stream?streams=…` connection:
//! - **connects** within the connection-attempt budget (Binance: 300 per
//!   five minutes per IP), retrying with exponential backoff and jitter;
//! - after a **drop**, every book on the connection is discarded and
//!   resynced (events were missed);
//! - **rolls over** before Binance's 24-hour disconnect, or at once on a
//!   `serverShutdown` notice: a second connection subscribes the same
//!   streams, both feed the same books while they overlap (an event already
//!   applied is skipped by its id), then the old one is closed — no gap and
//!   no resync;
//! - sends SUBSCRIBE/UNSUBSCRIBE as symbols come and go, at most
//!   [`MAX_CONTROL_PER_SECOND`] messages a second (Binance closes a
//!   connection past 5 incoming messages a second, pongs included);
//! - answers pings (tungstenite replies with the ping's payload on the next
//!   read).

use std::collections::{BTreeSet, HashMap, VecDeque};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::tungstenite::Message;
use tokio_util::sync::CancellationToken;

use super::engine::{Freshness, Inner, SymbolBook};
use super::parse::{self, Frame, Levels};
use super::snapshot;

/// Control messages (SUBSCRIBE, UNSUBSCRIBE) a connection sends a second.
pub const MAX_CONTROL_PER_SECOND: usize = 2;
/// Largest frame accepted from the server.
const MAX_FRAME_BYTES: usize = 1 << 20;
/// The stream each symbol's book is followed on.
const STREAM: &str = "@depth@100ms";
/// The stream of its trades (when the engine follows trades).
const TRADES: &str = "@trade";

/// The streams `symbol` is followed on, as Binance names them.
fn streams_of(inner: &Inner, symbol: &str) -> Vec<String> {
    let lower = symbol.to_ascii_lowercase();
    let mut v = vec![format!("{lower}{STREAM}")];
    if inner.cfg.trades {
        v.push(format!("{lower}{TRADES}"));
    }
    v
}

/// SUBSCRIBEs awaiting the server's reply that a reader remembers.
const MAX_UNCONFIRMED: usize = 1024;
/// Longest wait between reconnection attempts.
const MAX_BACKOFF: Duration = Duration::from_secs(30);

/// Orders from the engine.
#[derive(Debug)]
pub enum Cmd {
    /// Start following a symbol.
    Subscribe(String),
    /// Stop following a symbol.
    Unsubscribe(String),
}

/// A connection slot as `get_orderbook_health` shows it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ConnectionHealth {
    /// The slot's number.
    pub id: usize,
    /// `connecting`, `open`, `rolling over` or `backing off`.
    pub state: &'static str,
    /// Symbols carried.
    pub symbols: usize,
    /// Seconds the current connection has been open.
    pub age_s: Option<u64>,
    /// Reconnections after drops.
    pub reconnects: u64,
    /// Planned rollovers (age or server notice).
    pub rollovers: u64,
}

/// Shared view of one slot.
#[derive(Debug)]
pub struct ShardState {
    id: usize,
    state: Mutex<(&'static str, Option<Instant>)>,
    reconnects: AtomicU64,
    rollovers: AtomicU64,
}

impl ShardState {
    pub(crate) fn new(id: usize) -> Self {
        ShardState {
            id,
            state: Mutex::new(("connecting", None)),
            reconnects: AtomicU64::new(0),
            rollovers: AtomicU64::new(0),
        }
    }

    fn set(&self, state: &'static str, since: Option<Instant>) {
        *self.state.lock().unwrap_or_else(|e| e.into_inner()) = (state, since);
    }

    pub(crate) fn health(&self, symbols: usize) -> ConnectionHealth {
        let (state, since) = *self.state.lock().unwrap_or_else(|e| e.into_inner());
        ConnectionHealth {
            id: self.id,
            state,
            symbols,
            age_s: since.map(|t| t.elapsed().as_secs()),
            reconnects: self.reconnects.load(Ordering::Relaxed),
            rollovers: self.rollovers.load(Ordering::Relaxed),
        }
    }
}

/// What a reader tells its supervisor.
#[derive(Debug)]
enum Note {
    /// The server announced it will close the connection.
    ShutdownNotice(u64),
    /// The first depth event arrived on the connection.
    Flowing(u64),
    /// The connection ended.
    Ended(u64, String),
}

/// A SUBSCRIBE (true) or UNSUBSCRIBE of one symbol, for a reader to send.
type Request = (bool, String);

/// One open connection as the supervisor holds it.
struct Conn {
    id: u64,
    opened: Instant,
    tx: mpsc::UnboundedSender<Request>,
    stop: CancellationToken,
}

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// Jitter source: no need for cryptographic randomness.
fn jitter(max_ms: u64) -> u64 {
    let t = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos() as u64);
    let mut x = t ^ 0x9E37_79B9_7F4A_7C15;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    x % max_ms.max(1)
}

/// Waits for a slot in the connection-attempt window.
async fn attempt_slot(inner: &Inner, token: &CancellationToken) -> bool {
    let window = Duration::from_secs(300);
    loop {
        let wait = {
            let mut a = inner.attempts.lock().unwrap_or_else(|e| e.into_inner());
            let now = Instant::now();
            while a.front().is_some_and(|t| now.duration_since(*t) >= window) {
                a.pop_front();
            }
            if a.len() < inner.cfg.connect_attempts_per_5m.max(1) {
                a.push_back(now);
                return true;
            }
            window - now.duration_since(a[0])
        };
        inner.note_error(format!(
            "connection attempts exhausted; next in {} s",
            wait.as_secs()
        ));
        tokio::select! {
            _ = token.cancelled() => return false,
            _ = tokio::time::sleep(wait) => {}
        }
    }
}

fn tls() -> Option<tokio_tungstenite::Connector> {
    use rustls_platform_verifier::ConfigVerifierExt;
    let _ = rustls::crypto::ring::default_provider().install_default();
    rustls::ClientConfig::with_platform_verifier()
        .ok()
        .map(|c| tokio_tungstenite::Connector::Rustls(Arc::new(c)))
}

async fn open(inner: &Inner, symbols: &BTreeSet<String>) -> Result<Socket, String> {
    let streams: Vec<String> = symbols.iter().flat_map(|s| streams_of(inner, s)).collect();
    let url = format!(
        "{}/stream?streams={}",
        inner.cfg.ws_url.trim_end_matches('/'),
        streams.join("/")
    );
    let mut config = WebSocketConfig::default();
    config.max_message_size = Some(MAX_FRAME_BYTES);
    config.max_frame_size = Some(MAX_FRAME_BYTES);
    let connector = if url.starts_with("wss://") {
        tls()
    } else {
        Some(tokio_tungstenite::Connector::Plain)
    };
    let connect =
        tokio_tungstenite::connect_async_tls_with_config(url, Some(config), true, connector);
    match tokio::time::timeout(Duration::from_secs(10), connect).await {
        Ok(Ok((ws, _))) => Ok(ws),
        Ok(Err(e)) => Err(format!("stream connection failed: {e}")),
        Err(_) => Err("stream connection timed out after 10 s".into()),
    }
}

/// Runs one connection slot until shutdown.
pub(crate) async fn run_shard(
    inner: Arc<Inner>,
    state: Arc<ShardState>,
    mut cmds: mpsc::UnboundedReceiver<Cmd>,
) {
    let token = inner.lifecycle.token().clone();
    let (notes_tx, mut notes) = mpsc::unbounded_channel::<Note>();
    let mut symbols: BTreeSet<String> = BTreeSet::new();
    let mut current: Option<Conn> = None;
    let mut successor: Option<Conn> = None;
    let mut next_id = 0u64;
    let mut failures = 0u32;
    let mut retry_at: Option<tokio::time::Instant> = Some(tokio::time::Instant::now());
    loop {
        // Connect when there is something to follow and nothing is open.
        if current.is_none()
            && !symbols.is_empty()
            && retry_at.is_some_and(|t| t <= tokio::time::Instant::now())
        {
            state.set("connecting", None);
            if !attempt_slot(&inner, &token).await {
                break;
            }
            match open(&inner, &symbols).await {
                Ok(ws) => {
                    next_id += 1;
                    let conn = spawn_reader(&inner, ws, next_id, notes_tx.clone(), &token);
                    state.set("open", Some(conn.opened));
                    for s in &symbols {
                        if let Some(b) = inner.book(s) {
                            b.restart();
                            snapshot::request(&inner, b);
                        }
                    }
                    current = Some(conn);
                    retry_at = None;
                }
                Err(e) => {
                    failures += 1;
                    inner.note_error(e);
                    let base = 250u64 << failures.min(7);
                    let wait = Duration::from_millis(
                        base.min(MAX_BACKOFF.as_millis() as u64) + jitter(base / 2 + 1),
                    );
                    state.set("backing off", None);
                    retry_at = Some(tokio::time::Instant::now() + wait);
                }
            }
        }
        let rollover_at = current
            .as_ref()
            .filter(|_| successor.is_none())
            .map(|c| tokio::time::Instant::from_std(c.opened + inner.cfg.max_connection_age));
        let far = tokio::time::Instant::now() + Duration::from_secs(3600);
        tokio::select! {
            _ = token.cancelled() => break,
            cmd = cmds.recv() => match cmd {
                None => break,
                Some(Cmd::Subscribe(s)) => {
                    symbols.insert(s.clone());
                    for c in current.iter().chain(successor.iter()) {
                        let _ = c.tx.send((true, s.clone()));
                    }
                    if current.is_none() && retry_at.is_none() {
                        retry_at = Some(tokio::time::Instant::now());
                    }
                }
                Some(Cmd::Unsubscribe(s)) => {
                    symbols.remove(&s);
                    for c in current.iter().chain(successor.iter()) {
                        let _ = c.tx.send((false, s.clone()));
                    }
                }
            },
            note = notes.recv() => match note {
                Some(Note::ShutdownNotice(id)) if current.as_ref().is_some_and(|c| c.id == id) && successor.is_none() => {
                    tracing::info!(slot = state.id, "server shutdown notice; rolling the connection over");
                    successor = roll(&inner, &state, &symbols, &mut next_id, &notes_tx, &token).await;
                }
                Some(Note::Flowing(id)) if successor.as_ref().is_some_and(|c| c.id == id) => {
                    // The new connection carries events: retire the old one.
                    if let Some(old) = current.take() {
                        old.stop.cancel();
                    }
                    current = successor.take();
                    if let Some(c) = &current {
                        state.set("open", Some(c.opened));
                    }
                    failures = 0;
                }
                Some(Note::Flowing(_)) => failures = 0,
                Some(Note::Ended(id, why)) => {
                    if successor.as_ref().is_some_and(|c| c.id == id) {
                        successor = None;
                    } else if current.as_ref().is_some_and(|c| c.id == id) {
                        current = successor.take();
                        match &current {
                            Some(c) => state.set("open", Some(c.opened)),
                            None => {
                                // Events were missed: no book here may be served as fresh.
                                for s in &symbols {
                                    if let Some(b) = inner.book(s) {
                                        b.restart();
                                    }
                                }
                                tracing::info!(slot = state.id, reason = %why, "stream connection lost; reconnecting");
                                inner.note_error(format!("stream connection lost: {why}"));
                                inner.reconnects.fetch_add(1, Ordering::Relaxed);
                                state.reconnects.fetch_add(1, Ordering::Relaxed);
                                failures += 1;
                                let base = 100u64 << failures.min(8);
                                let wait = Duration::from_millis(base.min(MAX_BACKOFF.as_millis() as u64) + jitter(base / 2 + 1));
                                state.set("backing off", None);
                                retry_at = Some(tokio::time::Instant::now() + wait);
                            }
                        }
                    }
                }
                _ => {}
            },
            _ = tokio::time::sleep_until(rollover_at.unwrap_or(far)), if rollover_at.is_some() => {
                successor = roll(&inner, &state, &symbols, &mut next_id, &notes_tx, &token).await;
            }
            _ = tokio::time::sleep_until(retry_at.unwrap_or(far)), if current.is_none() && retry_at.is_some() => {}
        }
    }
    for c in current.into_iter().chain(successor) {
        c.stop.cancel();
    }
}

/// Opens the successor connection for a rollover.
async fn roll(
    inner: &Arc<Inner>,
    state: &ShardState,
    symbols: &BTreeSet<String>,
    next_id: &mut u64,
    notes: &mpsc::UnboundedSender<Note>,
    token: &CancellationToken,
) -> Option<Conn> {
    state.set("rolling over", None);
    if !attempt_slot(inner, token).await {
        return None;
    }
    match open(inner, symbols).await {
        Ok(ws) => {
            *next_id += 1;
            state.rollovers.fetch_add(1, Ordering::Relaxed);
            Some(spawn_reader(inner, ws, *next_id, notes.clone(), token))
        }
        Err(e) => {
            inner.note_error(format!("rollover: {e}"));
            None
        }
    }
}

fn spawn_reader(
    inner: &Arc<Inner>,
    ws: Socket,
    id: u64,
    notes: mpsc::UnboundedSender<Note>,
    token: &CancellationToken,
) -> Conn {
    let (tx, rx) = mpsc::unbounded_channel();
    let stop = token.child_token();
    let conn = Conn {
        id,
        opened: Instant::now(),
        tx,
        stop: stop.clone(),
    };
    let inner = inner.clone();
    inner.lifecycle.clone().spawn(async move {
        let why = read(&inner, ws, id, rx, &notes, stop).await;
        let _ = notes.send(Note::Ended(id, why));
    });
    conn
}

/// `symbol`'s book, looked up in the engine once per symbol set (the
/// reader clears `books` whenever it subscribes or unsubscribes).
fn cached(
    books: &mut HashMap<String, Arc<SymbolBook>>,
    inner: &Inner,
    symbol: &str,
) -> Option<Arc<SymbolBook>> {
    if let Some(b) = books.get(symbol) {
        return Some(b.clone());
    }
    let b = inner.book(symbol)?;
    books.insert(symbol.to_string(), b.clone());
    Some(b)
}

/// Reads one connection until it ends; returns why.
///
/// A symbol subscribed on a connection already open gets its snapshot as
/// soon as the server confirms the subscription (events are flowing from
/// then on), not only at its first event: a quiet market goes live too.
async fn read(
    inner: &Arc<Inner>,
    mut ws: Socket,
    id: u64,
    mut outgoing: mpsc::UnboundedReceiver<Request>,
    notes: &mpsc::UnboundedSender<Note>,
    stop: CancellationToken,
) -> String {
    let mut levels = Levels::with_capacity(256);
    let mut books: HashMap<String, Arc<SymbolBook>> = HashMap::new();
    let mut flowing = false;
    let mut queued: VecDeque<Request> = VecDeque::new();
    // Request ids of SUBSCRIBEs awaiting their reply, and their symbols.
    let mut confirming: HashMap<u64, String> = HashMap::new();
    let mut next_request = 0u64;
    let mut pace =
        tokio::time::interval(Duration::from_millis(1000 / MAX_CONTROL_PER_SECOND as u64));
    // After an idle spell, one tick at once and then the period again (the
    // default would burst the missed ticks).
    pace.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = stop.cancelled() => {
                let _ = ws.close(None).await;
                return "closed by the host".into();
            }
            msg = ws.next() => match msg {
                Some(Ok(Message::Text(t))) => match parse::parse(t.as_str(), &mut levels) {
                    Ok(Frame::Depth { symbol, header }) => {
                        if let Some(b) = cached(&mut books, inner, symbol) {
                            if b.on_event(&header, &levels) {
                                snapshot::request(inner, b);
                            }
                        }
                        if !flowing {
                            flowing = true;
                            let _ = notes.send(Note::Flowing(id));
                        }
                    }
                    Ok(Frame::Trade { symbol, id, price, time }) => {
                        if let Some(b) = cached(&mut books, inner, symbol) {
                            b.on_trade(id, price, time);
                        }
                    }
                    Ok(Frame::Shutdown) => {
                        let _ = notes.send(Note::ShutdownNotice(id));
                    }
                    Ok(Frame::Reply { id, error }) => {
                        let symbol = confirming.remove(&id);
                        match (error, symbol.and_then(|s| inner.book(&s))) {
                            (Some(e), _) => inner.note_error(format!("stream request refused: {e}")),
                            (None, Some(b)) if b.freshness() == Freshness::Syncing => snapshot::request(inner, b),
                            (None, _) => {}
                        }
                    }
                    Ok(Frame::Other) => {}
                    Err(e) => inner.note_error(format!("stream frame: {e}")),
                },
                Some(Ok(Message::Close(f))) => {
                    return f.map_or_else(|| "closed by the server".into(), |f| format!("closed by the server ({} {})", f.code, f.reason));
                }
                Some(Ok(_)) => {}
                Some(Err(e)) => return e.to_string(),
                None => return "connection closed".into(),
            },
            Some(text) = outgoing.recv() => queued.push_back(text),
            // One message per tick: MAX_CONTROL_PER_SECOND a second.
            _ = pace.tick(), if !queued.is_empty() => {
                if let Some((subscribe, symbol)) = queued.pop_front() {
                    // The symbol set changes: look the books up afresh
                    // (a symbol watched again has a new book).
                    books.clear();
                    next_request += 1;
                    let method = if subscribe { "SUBSCRIBE" } else { "UNSUBSCRIBE" };
                    let text = serde_json::json!({
                        "method": method,
                        "params": streams_of(inner, &symbol),
                        "id": next_request,
                    })
                    .to_string();
                    if subscribe {
                        // A server that never answers must not grow this:
                        // past the bound, older confirmations are forgotten
                        // (those symbols then sync at their first event).
                        if confirming.len() >= MAX_UNCONFIRMED {
                            confirming.clear();
                        }
                        confirming.insert(next_request, symbol);
                    }
                    if let Err(e) = ws.send(Message::Text(text.into())).await {
                        return e.to_string();
                    }
                }
            }
        }
    }
}
