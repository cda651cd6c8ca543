//! Resource subscriptions: `notifications/resources/updated` when the live
//! price behind a subscribed resource moves.
//!
//! A resource declared with `live-price` updates names a `{symbol}`; while a
//! client is subscribed (`resources/subscribe` on 2025 revisions, a
//! `subscriptions/listen` filter on 2026-07-28), the host keeps that
//! symbol's spot book watched — under the serving plugin's `order-book`
//! grant and book bound, checked again on every tick so a reload that
//! withdraws either stops the updates — and looks at it once per
//! [`UPDATE_INTERVAL`]. A tick that finds a new last trade price, best bid
//! or best ask — what the resource shows — sends one notification. So a busy
//! market costs a client at most one notification a second per
//! subscription, and a quiet one none.

use crate::book::Books;
use crate::exchange::catalogue::Venue;
use crate::policy::Capability;
use crate::runtime::offers::Updates;
use crate::runtime::PluginHost;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;
use tokio_util::sync::CancellationToken;

/// Least time between two notifications of one subscription (and how often
/// its book is looked at).
pub const UPDATE_INTERVAL: Duration = Duration::from_secs(1);

/// Most resource subscriptions one session may hold.
pub const MAX_SUBSCRIPTIONS: usize = 32;

/// What a tick compares: the last trade price (0 before the first) and the
/// best bid and ask prices — what the resource shows.
type Mark = (u64, u64, u64);

/// The symbol a subscription to `uri` follows, and the serving plugin's
/// name, when the resource updates with the live price and its plugin may
/// read books; `None` for a resource that never notifies.
pub fn followed(host: &PluginHost, uri: &str) -> Option<(String, Arc<str>)> {
    let registry = host.registry();
    let (plugin, spec, bound) = registry.resource(uri)?;
    if spec.updates != Updates::LivePrice || !plugin.grants.contains(&Capability::OrderBook) {
        return None;
    }
    let symbol = bound.into_iter().find(|(k, _)| k == "symbol")?.1;
    Some((symbol.to_ascii_uppercase(), plugin.plugin.name.clone()))
}

/// The book's mark now, watching `symbol` if needed under `plugin`'s grant
/// and bound; `None` while not live or not permitted.
fn mark(host: &PluginHost, books: &Books, plugin: &str, symbol: &str) -> Option<Mark> {
    let bound = host.gate().grant(plugin, Capability::OrderBook)?;
    let engine = books.get(Venue::Spot);
    let book = match engine.watch(symbol, bound.map(usize::from)) {
        Ok(b) => b,
        Err(e) => {
            tracing::debug!(symbol, error = %e, "a resource subscription cannot watch its book yet");
            return None;
        }
    };
    let last = book.last_trade().map_or(0, |t| t.price);
    book.read(|b, fresh, _| {
        if fresh != crate::book::Freshness::Live {
            return None;
        }
        Some((last, b.bids().best()?.price, b.asks().best()?.price))
    })
}

/// Follow `uri` until `cancel` (or `send` reports the client gone),
/// calling `send(uri)` at most once per [`UPDATE_INTERVAL`] when its price
/// moved. Returns at once for a resource that never notifies.
pub async fn follow<F, Fut>(
    host: Arc<PluginHost>,
    uri: String,
    cancel: CancellationToken,
    mut send: F,
) where
    F: FnMut(String) -> Fut,
    Fut: Future<Output = bool>,
{
    let Some(books) = host.books().cloned() else {
        return;
    };
    let mut last: Option<Mark> = None;
    let mut ticks = tokio::time::interval(UPDATE_INTERVAL);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            () = cancel.cancelled() => return,
            _ = ticks.tick() => {}
        }
        // Re-read each tick: a reload may stop serving it or its grant.
        let Some((symbol, plugin)) = followed(&host, &uri) else {
            tracing::info!(%uri, "a resource subscription ended: the policy no longer serves its updates");
            return;
        };
        let now = mark(&host, &books, &plugin, &symbol);
        match (last, now) {
            (Some(before), Some(now)) if before != now => {
                if !send(uri.clone()).await {
                    return;
                }
                last = Some(now);
            }
            (None, Some(now)) => last = Some(now),
            _ => {}
        }
    }
}
