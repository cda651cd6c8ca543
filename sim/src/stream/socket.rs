//! The WebSocket endpoints and one connection's loop.

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};
use tokio::sync::broadcast::error::RecvError;

use super::{Control, MAX_INCOMING_PER_SECOND, MAX_STREAMS_PER_CONNECTION};
use crate::state::{now_ms, SimState};

/// Largest request frame a client may send.
const MAX_REQUEST_BYTES: usize = 64 * 1024;

/// The stream kinds served, after `<symbol>@`.
const KINDS: [&str; 11] = [
    "depth",
    "depth@100ms",
    "depth5",
    "depth10",
    "depth20",
    "depth5@100ms",
    "depth10@100ms",
    "depth20@100ms",
    "trade",
    "bookTicker",
    "depth@1000ms",
];

/// Whether `stream` is a well-formed stream name: a lower-case symbol and a
/// served kind. As on Binance, an unlisted symbol is accepted and never
/// delivers anything.
fn valid(stream: &str) -> bool {
    let Some((symbol, kind)) = stream.split_once('@') else {
        return false;
    };
    !symbol.is_empty()
        && symbol
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        && KINDS.contains(&kind)
        && kind != "depth@1000ms"
}

/// `GET /ws`: a raw connection with no streams yet (SUBSCRIBE adds them).
pub async fn raw_empty(State(st): State<Arc<SimState>>, ws: WebSocketUpgrade) -> Response {
    upgrade(st, ws, false, Vec::new())
}

/// `GET /ws/<stream>`: a raw connection to one stream.
pub async fn raw(
    State(st): State<Arc<SimState>>,
    Path(stream): Path<String>,
    ws: WebSocketUpgrade,
) -> Response {
    upgrade(st, ws, false, vec![stream])
}

/// `GET /stream?streams=a/b/c`: a combined connection.
pub async fn combined(
    State(st): State<Arc<SimState>>,
    Query(q): Query<HashMap<String, String>>,
    ws: WebSocketUpgrade,
) -> Response {
    let streams = q
        .get("streams")
        .map(|s| {
            s.split('/')
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default();
    upgrade(st, ws, true, streams)
}

fn upgrade(
    st: Arc<SimState>,
    ws: WebSocketUpgrade,
    combined: bool,
    streams: Vec<String>,
) -> Response {
    if let Some(bad) = streams.iter().find(|s| !valid(s)) {
        return (StatusCode::BAD_REQUEST, format!("unknown stream {bad}")).into_response();
    }
    if streams.len() > MAX_STREAMS_PER_CONNECTION {
        st.streams().refused_streams();
        return (StatusCode::BAD_REQUEST, "too many streams").into_response();
    }
    if !st.streams().admit() {
        return (
            StatusCode::TOO_MANY_REQUESTS,
            "too many connection attempts",
        )
            .into_response();
    }
    ws.max_message_size(MAX_REQUEST_BYTES)
        .on_upgrade(move |socket| run(socket, st, combined, streams))
}

/// One connection: forwards subscribed events, answers requests, pings,
/// enforces the limits and the maximum age, obeys test faults.
async fn run(mut socket: WebSocket, st: Arc<SimState>, combined: bool, initial: Vec<String>) {
    let hub = st.streams();
    let timing = hub.timing();
    let (mut events, mut control) = hub.receivers();
    hub.connection_opened();
    let mut subs = HashSet::new();
    for s in initial {
        subscribe(&st, &mut subs, s);
    }
    let age_deadline = tokio::time::Instant::now() + timing.max_age;
    let mut closing_at: Option<tokio::time::Instant> = None;
    let mut ping = tokio::time::interval(timing.ping_interval);
    ping.tick().await;
    let mut last_pong = Instant::now();
    let mut incoming: VecDeque<Instant> = VecDeque::new();
    let mut for_rate = false;
    loop {
        let deadline = closing_at.map_or(age_deadline, |c| c.min(age_deadline));
        tokio::select! {
            ev = events.recv() => match ev {
                Ok(ev) if subs.contains(&ev.stream) => {
                    let text = if combined {
                        format!(r#"{{"stream":"{}","data":{}}}"#, ev.stream, ev.payload)
                    } else {
                        ev.payload.clone()
                    };
                    if socket.send(Message::Text(text.into())).await.is_err() {
                        break;
                    }
                }
                // A slow client loses events, as on Binance: its books see a gap.
                Ok(_) | Err(RecvError::Lagged(_)) => {}
                Err(RecvError::Closed) => break,
            },
            c = control.recv() => match c {
                Ok(Control::Drop) | Err(RecvError::Closed) => break,
                Ok(Control::Shutdown) => {
                    let notice = format!(r#"{{"e":"serverShutdown","E":{}}}"#, now_ms());
                    if socket.send(Message::Text(notice.into())).await.is_err() {
                        break;
                    }
                    closing_at = Some(tokio::time::Instant::now() + timing.shutdown_grace);
                }
                Err(RecvError::Lagged(_)) => {}
            },
            msg = socket.recv() => {
                let msg = match msg {
                    Some(Ok(m)) => m,
                    _ => break,
                };
                let now = Instant::now();
                if !matches!(msg, Message::Binary(_) | Message::Close(_)) {
                    incoming.push_back(now);
                    while incoming.front().is_some_and(|t| now.duration_since(*t) >= Duration::from_secs(1)) {
                        incoming.pop_front();
                    }
                    if incoming.len() > MAX_INCOMING_PER_SECOND {
                        for_rate = true;
                        let _ = socket
                            .send(Message::Close(Some(CloseFrame { code: 1008, reason: "too many messages".into() })))
                            .await;
                        break;
                    }
                }
                match msg {
                    Message::Text(t) => {
                        let reply = request(&st, &mut subs, t.as_str());
                        if socket.send(Message::Text(reply.to_string().into())).await.is_err() {
                            break;
                        }
                    }
                    Message::Pong(_) => last_pong = now,
                    Message::Close(_) => break,
                    Message::Ping(_) | Message::Binary(_) => {}
                }
            },
            _ = ping.tick() => {
                if last_pong.elapsed() > timing.pong_timeout {
                    break;
                }
                let payload = now_ms().to_string();
                if socket.send(Message::Ping(payload.into_bytes().into())).await.is_err() {
                    break;
                }
            },
            _ = tokio::time::sleep_until(deadline) => {
                let _ = socket.send(Message::Close(Some(CloseFrame { code: 1000, reason: "".into() }))).await;
                break;
            },
        }
    }
    for s in subs {
        hub.unsubscribe(&s);
    }
    hub.connection_closed(for_rate);
}

fn subscribe(st: &SimState, subs: &mut HashSet<String>, stream: String) {
    if subs.contains(&stream) {
        return;
    }
    let symbol = super::symbol_of(&stream);
    if let Some(m) = st.live_market(&symbol) {
        st.streams().subscribe(&stream, &m, st.seed(), now_ms());
        subs.insert(stream);
    }
}

/// Answers one request frame.
fn request(st: &SimState, subs: &mut HashSet<String>, text: &str) -> Value {
    let Ok(req) = serde_json::from_str::<Value>(text) else {
        return json!({"error": {"code": 3, "msg": "Invalid JSON"}, "id": null});
    };
    let id = req.get("id").cloned().unwrap_or(Value::Null);
    let params: Vec<String> = req
        .get("params")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    let invalid = |msg: &str| json!({"error": {"code": 2, "msg": format!("Invalid request: {msg}")}, "id": id});
    match req.get("method").and_then(Value::as_str) {
        Some("SUBSCRIBE") => {
            if let Some(bad) = params.iter().find(|s| !valid(s)) {
                return invalid(&format!("unknown stream {bad}"));
            }
            let new = params.iter().filter(|s| !subs.contains(*s)).count();
            if subs.len() + new > MAX_STREAMS_PER_CONNECTION {
                st.streams().refused_streams();
                return invalid(&format!(
                    "more than {MAX_STREAMS_PER_CONNECTION} streams on one connection"
                ));
            }
            for s in params {
                subscribe(st, subs, s);
            }
            json!({"result": null, "id": id})
        }
        Some("UNSUBSCRIBE") => {
            for s in params {
                if subs.remove(&s) {
                    st.streams().unsubscribe(&s);
                }
            }
            json!({"result": null, "id": id})
        }
        Some("LIST_SUBSCRIPTIONS") => {
            let mut list: Vec<&String> = subs.iter().collect();
            list.sort();
            json!({"result": list, "id": id})
        }
        _ => invalid("unknown method"),
    }
}
