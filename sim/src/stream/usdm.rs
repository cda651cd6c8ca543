//! The USD-M futures books the `/public` streams describe.
//!
//! Each symbol's futures book is its own: copied from the generated market
//! the first time a futures stream makes it move, then evolved by
//! [`super::feed::evolve`] with its own random source (`fstream/<SYMBOL>`),
//! independently of the spot book (spot trading, `set_price` and the spot
//! streams never touch it, and it never touches them). `/fapi/v1/depth`
//! reads it under the same lock the publisher holds, so a snapshot never
//! runs ahead of the published events.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};

use super::{Streams, Venue};
use crate::market::Market;
use crate::state::SimState;

/// The futures books that have moved, and the futures stream hub.
#[derive(Debug)]
pub struct FuturesBooks {
    live: Mutex<HashMap<String, Market>>,
    streams: Streams,
}

impl Default for FuturesBooks {
    fn default() -> Self {
        FuturesBooks {
            live: Mutex::default(),
            streams: Streams::new(Venue::UsdmFutures),
        }
    }
}

impl FuturesBooks {
    fn lock(&self) -> MutexGuard<'_, HashMap<String, Market>> {
        self.live.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl SimState {
    /// The USD-M futures market streams (`/public/...`): subscriptions,
    /// faults, timing, the same hooks as [`SimState::streams`].
    pub fn futures_streams(&self) -> &Streams {
        &self.futures_books().streams
    }

    /// The hub of `venue`'s streams.
    pub fn streams_of(&self, venue: Venue) -> &Streams {
        match venue {
            Venue::Spot => self.streams(),
            Venue::UsdmFutures => self.futures_streams(),
        }
    }

    /// A copy of `symbol`'s futures book as it is now: the generated market
    /// until the futures streams make it move, then the live futures book.
    /// `None` for an unlisted symbol.
    pub fn live_futures_market(&self, symbol: &str) -> Option<Market> {
        let m = self.market(symbol)?;
        Some(self.with_futures_market(m, Market::clone))
    }

    /// Runs `f` on `m`'s live futures book (the generated `m` until it
    /// moves), with the futures books locked. `/fapi/v1/depth` reads
    /// through this.
    pub(crate) fn with_futures_market<R>(&self, m: &Market, f: impl FnOnce(&Market) -> R) -> R {
        let live = self.futures_books().lock();
        match live.get(&m.symbol) {
            Some(current) => f(current),
            None => {
                drop(live);
                f(m)
            }
        }
    }

    /// A copy of `symbol`'s book of `venue` now.
    pub(crate) fn live_book(&self, venue: Venue, symbol: &str) -> Option<Market> {
        match venue {
            Venue::Spot => self.live_market(symbol),
            Venue::UsdmFutures => self.live_futures_market(symbol),
        }
    }

    /// One tick of activity on `symbol`'s book of `venue` (it has stream
    /// subscribers there), published as it happens.
    pub(crate) fn evolve_on(&self, venue: Venue, symbol: &str) {
        match venue {
            Venue::Spot => self.evolve(symbol),
            Venue::UsdmFutures => self.evolve_futures(symbol),
        }
    }

    fn evolve_futures(&self, symbol: &str) {
        let Some(m) = self.market(symbol) else {
            return;
        };
        if !m.is_trading() {
            return;
        }
        let now = self.server_time_ms();
        let books = self.futures_books();
        let mut live = books.lock();
        let market = live.entry(m.symbol.clone()).or_insert_with(|| m.clone());
        let evolved = books
            .streams
            .with_rng(symbol, |rng| super::feed::evolve(market, rng));
        if evolved.is_some() {
            books.streams.publish(market, now);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::now_ms;

    #[test]
    fn the_futures_book_evolves_apart_from_the_spot_book() {
        let st = SimState::generate(7, 1_700_000_000_000);
        let generated = st.market("BTCUSDT").unwrap().clone();
        assert_eq!(
            st.live_futures_market("BTCUSDT").unwrap().last_update_id,
            generated.last_update_id
        );
        // No subscriber: nothing moves.
        st.evolve_on(Venue::UsdmFutures, "BTCUSDT");
        assert_eq!(
            st.live_futures_market("BTCUSDT").unwrap().bids,
            generated.bids
        );
        let stream = "btcusdt@depth@100ms";
        st.futures_streams()
            .subscribe(stream, &generated, st.seed(), now_ms());
        for _ in 0..20 {
            st.evolve_on(Venue::UsdmFutures, "BTCUSDT");
        }
        let fut = st.live_futures_market("BTCUSDT").unwrap();
        assert!(fut.last_update_id > generated.last_update_id);
        let spot = st.live_market("BTCUSDT").unwrap();
        assert_eq!(spot.last_update_id, generated.last_update_id);
        assert_eq!(spot.bids, generated.bids);
        assert_eq!(st.futures_streams().active_symbols(), ["BTCUSDT"]);
        assert!(st.streams().active_symbols().is_empty());
        assert_eq!(st.futures_streams().stats().depth_events, 20);
        assert_eq!(
            st.streams_of(Venue::UsdmFutures).venue(),
            Venue::UsdmFutures
        );
        st.futures_streams().unsubscribe(stream);
        // The book stays where it got to; it just stops moving.
        st.evolve_on(Venue::UsdmFutures, "BTCUSDT");
        assert_eq!(
            st.live_futures_market("BTCUSDT").unwrap().last_update_id,
            fut.last_update_id
        );
    }
}
