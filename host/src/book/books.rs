//! The host's live books on both venues: one [`BookEngine`] for spot and
//! one for USD-M futures, each with its own connections, bound and idle
//! reaper (Binance's streams, snapshots and limits differ per venue), read
//! by the `order-book` capability by venue and reported together.

use super::engine::{BookEngine, Health};
use crate::exchange::catalogue::Venue;

/// Spot and USD-M futures books (cheap to clone).
#[derive(Debug, Clone)]
pub struct Books {
    spot: BookEngine,
    futures: BookEngine,
}

/// Both engines' health, as `get_orderbook_health` reports it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct BooksHealth {
    /// The worse of the two: `error`, then `degraded`, then `ok`.
    pub status: &'static str,
    /// The spot engine.
    pub spot: Health,
    /// The USD-M futures engine.
    pub usdm_futures: Health,
}

fn rank(status: &str) -> u8 {
    match status {
        "ok" => 0,
        "degraded" => 1,
        _ => 2,
    }
}

impl Books {
    /// The two engines (`futures` with [`super::Chain::Futures`]).
    pub fn new(spot: BookEngine, futures: BookEngine) -> Self {
        Books { spot, futures }
    }

    /// The engine of `venue`.
    pub fn get(&self, venue: Venue) -> &BookEngine {
        match venue {
            Venue::Spot => &self.spot,
            Venue::UsdmFutures => &self.futures,
        }
    }

    /// Both engines' health.
    pub fn health(&self) -> BooksHealth {
        let (spot, usdm_futures) = (self.spot.health(), self.futures.health());
        let status = if rank(spot.status) >= rank(usdm_futures.status) {
            spot.status
        } else {
            usdm_futures.status
        };
        BooksHealth {
            status,
            spot,
            usdm_futures,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_worse_status_wins() {
        assert!(rank("error") > rank("degraded") && rank("degraded") > rank("ok"));
    }
}
