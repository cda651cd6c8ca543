//! The WebSocket endpoints and one connection's loop: spot (`/ws`,
//! `/ws/<stream>`, `/stream`) and USD-M futures public data (`/public/ws`,
//! `/public/ws/<stream>`, `/public/stream`), the same code with the
//! venue's kinds, limits, books and hub ([`Venue`]).

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};
use tokio::sync::broadcast::error::RecvError;

use super::{Control, Venue};
use crate::state::{now_ms, SimState};

/// Largest request frame a client may send.
const MAX_REQUEST_BYTES: usize = 64 * 1024;

/// `GET /ws`: a raw spot connection with no streams yet (SUBSCRIBE adds them).
pub async fn raw_empty(State(st): State<Arc<SimState>>, ws: WebSocketUpgrade) -> Response {
    upgrade(st, Venue::Spot, ws, false, Vec::new())
}

/// `GET /ws/<stream>`: a raw spot connection to one stream.
pub async fn raw(
    State(st): State<Arc<SimState>>,
    Path(stream): Path<String>,
    ws: WebSocketUpgrade,
) -> Response {
    upgrade(st, Venue::Spot, ws, false, vec![stream])
}

/// `GET /stream?streams=a/b/c`: a combined spot connection.
pub async fn combined(
    State(st): State<Arc<SimState>>,
    Query(q): Query<HashMap<String, String>>,
    ws: WebSocketUpgrade,
) -> Response {
    upgrade(st, Venue::Spot, ws, true, streams_param(&q))
}

/// `GET /public/ws`: a raw futures connection with no streams yet.
pub async fn public_raw_empty(State(st): State<Arc<SimState>>, ws: WebSocketUpgrade) -> Response {
    upgrade(st, Venue::UsdmFutures, ws, false, Vec::new())
}

/// `GET /public/ws/<stream>`: a raw futures connection to one stream.
pub async fn public_raw(
    State(st): State<Arc<SimState>>,
    Path(stream): Path<String>,
    ws: WebSocketUpgrade,
) -> Response {
    upgrade(st, Venue::UsdmFutures, ws, false, vec![stream])
}

/// `GET /public/stream?streams=a/b/c`: a combined futures connection.
pub async fn public_combined(
    State(st): State<Arc<SimState>>,
    Query(q): Query<HashMap<String, String>>,
    ws: WebSocketUpgrade,
) -> Response {
    upgrade(st, Venue::UsdmFutures, ws, true, streams_param(&q))
}

/// The `streams=a/b/c` query parameter, split.
fn streams_param(q: &HashMap<String, String>) -> Vec<String> {
    q.get("streams")
        .map(|s| {
            s.split('/')
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

fn upgrade(
    st: Arc<SimState>,
    venue: Venue,
    ws: WebSocketUpgrade,
    combined: bool,
    streams: Vec<String>,
) -> Response {
    let hub = st.streams_of(venue);
    if let Some(bad) = streams.iter().find(|s| !venue.valid(s)) {
        return (StatusCode::BAD_REQUEST, format!("unknown stream {bad}")).into_response();
    }
    if streams.len() > venue.max_streams_per_connection() {
        hub.refused_streams();
        return (StatusCode::BAD_REQUEST, "too many streams").into_response();
    }
    if !hub.admit() {
        return (
            StatusCode::TOO_MANY_REQUESTS,
            "too many connection attempts",
        )
            .into_response();
    }
    ws.max_message_size(MAX_REQUEST_BYTES)
        .on_upgrade(move |socket| run(socket, st, venue, combined, streams))
}

/// One connection: forwards subscribed events, answers requests, pings,
/// enforces the limits and the maximum age, obeys test faults.
async fn run(
    mut socket: WebSocket,
    st: Arc<SimState>,
    venue: Venue,
    combined: bool,
    initial: Vec<String>,
) {
    let hub = st.streams_of(venue);
    let timing = hub.timing();
    let (mut events, mut control) = hub.receivers();
    hub.connection_opened();
    let mut subs = HashSet::new();
    for s in initial {
        subscribe(&st, venue, &mut subs, s);
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
                    if incoming.len() > venue.max_incoming_per_second() {
                        for_rate = true;
                        let _ = socket
                            .send(Message::Close(Some(CloseFrame { code: 1008, reason: "too many messages".into() })))
                            .await;
                        break;
                    }
                }
                match msg {
                    Message::Text(t) => {
                        let reply = request(&st, venue, &mut subs, t.as_str());
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

fn subscribe(st: &SimState, venue: Venue, subs: &mut HashSet<String>, stream: String) {
    if subs.contains(&stream) {
        return;
    }
    let symbol = super::symbol_of(&stream);
    if let Some(m) = st.live_book(venue, &symbol) {
        st.streams_of(venue)
            .subscribe(&stream, &m, st.seed(), now_ms());
        subs.insert(stream);
    }
}

/// Answers one request frame.
fn request(st: &SimState, venue: Venue, subs: &mut HashSet<String>, text: &str) -> Value {
    let hub = st.streams_of(venue);
    let max_streams = venue.max_streams_per_connection();
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
            if let Some(bad) = params.iter().find(|s| !venue.valid(s)) {
                return invalid(&format!("unknown stream {bad}"));
            }
            let new = params.iter().filter(|s| !subs.contains(*s)).count();
            if subs.len() + new > max_streams {
                hub.refused_streams();
                return invalid(&format!(
                    "more than {max_streams} streams on one connection"
                ));
            }
            for s in params {
                subscribe(st, venue, subs, s);
            }
            json!({"result": null, "id": id})
        }
        Some("UNSUBSCRIBE") => {
            for s in params {
                if subs.remove(&s) {
                    hub.unsubscribe(&s);
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
