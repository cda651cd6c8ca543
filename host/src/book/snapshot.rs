//! REST depth snapshots for syncing books, through the exchange service's
//! weight budget (a depth-1000 snapshot is weight 50, depth-5000 250): a
//! resync storm waits for capacity instead of earning a 429.

use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::engine::{Inner, SymbolBook};
use super::fixed;
use super::sync::{Chain, Loaded};
use crate::tool_error::ErrorKind;

/// Attempts per resync before the book waits for the next event to retry.
const ATTEMPTS: u32 = 6;

/// A parsed snapshot: `lastUpdateId` and both sides in 10⁻⁸ units.
pub type Snapshot = (u64, Vec<(u64, u64)>, Vec<(u64, u64)>);

/// Parses a `GET /api/v3/depth` (or `/fapi/v1/depth`) body.
pub fn parse(body: &str) -> Result<Snapshot, String> {
    #[derive(serde::Deserialize)]
    struct Wire<'a> {
        #[serde(rename = "lastUpdateId")]
        last_update_id: u64,
        #[serde(borrow)]
        bids: Vec<[&'a str; 2]>,
        #[serde(borrow)]
        asks: Vec<[&'a str; 2]>,
    }
    let w: Wire =
        serde_json::from_str(body).map_err(|e| format!("malformed depth snapshot: {e}"))?;
    let side = |v: &[[&str; 2]]| {
        v.iter()
            .map(|[p, q]| Ok((fixed::parse(p.as_bytes())?, fixed::parse(q.as_bytes())?)))
            .collect::<Result<Vec<_>, fixed::FixedError>>()
            .map_err(|e| format!("depth snapshot level: {e}"))
    };
    Ok((w.last_update_id, side(&w.bids)?, side(&w.asks)?))
}

/// Starts fetching a snapshot for `book` unless one is in flight.
pub(crate) fn request(inner: &Arc<Inner>, book: Arc<SymbolBook>) {
    if book.fetching.swap(true, Ordering::SeqCst) {
        return;
    }
    let inner2 = inner.clone();
    inner.lifecycle.spawn(async move {
        fetch(&inner2, &book).await;
        book.fetching.store(false, Ordering::SeqCst);
    });
}

async fn fetch(inner: &Arc<Inner>, book: &Arc<SymbolBook>) {
    let token = inner.lifecycle.token().clone();
    let Ok(_permit) = inner.snapshots.acquire().await else {
        return;
    };
    let venue = inner.cfg.venue();
    let path = match inner.cfg.chain {
        Chain::Spot => "/api/v3/depth",
        Chain::Futures => "/fapi/v1/depth",
    };
    let params = vec![
        ("symbol".to_string(), book.symbol.clone()),
        ("limit".to_string(), inner.cfg.snapshot_limit().to_string()),
    ];
    for attempt in 0..ATTEMPTS {
        if token.is_cancelled() || inner.book(&book.symbol).is_none() {
            return;
        }
        let exchange = inner.exchange.clone();
        let p = params.clone();
        inner.snapshot_requests.fetch_add(1, Ordering::Relaxed);
        let answer = inner
            .lifecycle
            .spawn_blocking(move || {
                exchange.public_read(
                    venue,
                    path,
                    &p,
                    Some(Instant::now() + Duration::from_secs(15)),
                )
            })
            .await;
        let wait = match answer {
            Ok(Ok(resp)) => match parse(&resp.body) {
                Ok((id, bids, asks)) => match book.on_snapshot(id, bids, asks) {
                    Loaded::Live => return,
                    // Older than the buffered events, or the buffer broke:
                    // Binance's procedure says fetch again.
                    Loaded::TooOld | Loaded::Gap => {
                        Duration::from_millis(100 * u64::from(attempt + 1))
                    }
                },
                Err(e) => {
                    inner.note_error(format!("{}: {e}", book.symbol));
                    Duration::from_secs(1)
                }
            },
            Ok(Err(e)) if e.exchange_code == Some(-1121) => {
                // Not a listed symbol: nothing will ever arrive for it.
                inner.note_error(format!("{}: {}", book.symbol, e.message));
                inner.unwatch(&book.symbol, "not a listed symbol");
                return;
            }
            Ok(Err(e)) => {
                inner.note_error(format!("{} snapshot: {}", book.symbol, e.message));
                match (e.kind, e.retry_after_secs) {
                    (ErrorKind::RateLimited, Some(s)) => {
                        Duration::from_secs(u64::from(s).clamp(1, 120))
                    }
                    _ => Duration::from_millis(500 << attempt.min(5)),
                }
            }
            Err(_) => return,
        };
        tokio::select! {
            _ = token.cancelled() => return,
            _ = tokio::time::sleep(wait) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_depth_body() {
        let (id, b, a) =
            parse(r#"{"lastUpdateId":7,"bids":[["1.5","2"]],"asks":[["1.6","0.1"]]}"#).unwrap();
        assert_eq!(id, 7);
        assert_eq!(b, [(150_000_000, 200_000_000)]);
        assert_eq!(a, [(160_000_000, 10_000_000)]);
        assert!(parse(r#"{"lastUpdateId":7,"bids":[["x","2"]],"asks":[]}"#)
            .unwrap_err()
            .contains("level"));
        assert!(parse("{}").unwrap_err().contains("malformed"));
    }
}
