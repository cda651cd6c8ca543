//! What differs between the spot streams and the USD-M futures `/public`
//! streams: the stream kinds served, the diff-depth cadences, the limits,
//! the wire format of prices and the random source of the evolving books.

/// Which exchange a stream hub serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Venue {
    /// Binance spot (`stream.binance.com`): `/ws`, `/stream`.
    Spot,
    /// Binance USD-M futures high-frequency public data
    /// (`fstream.binance.com/public`): `/public/ws`, `/public/stream`.
    UsdmFutures,
}

/// One diff-depth cadence of a venue: its stream suffix, the partial-depth
/// suffixes published with it (after `@depth5|10|20`) and the least time
/// between two of its events (0: every change, as it happens).
#[derive(Debug, Clone, Copy)]
pub struct Cadence {
    /// The diff stream's suffix, e.g. `@depth@100ms`.
    pub diff: &'static str,
    /// Partial-depth suffixes on this cadence, e.g. `@100ms` for `@depth5@100ms`.
    pub partial: &'static [&'static str],
    /// Milliseconds at least between two events.
    pub every_ms: i64,
}

/// Spot: `@depth@100ms` (every change) and `@depth` (at most once a
/// second); partial depth is sent on every change under both names.
const SPOT_CADENCES: [Cadence; 2] = [
    Cadence {
        diff: "@depth@100ms",
        partial: &["", "@100ms"],
        every_ms: 0,
    },
    Cadence {
        diff: "@depth",
        partial: &[],
        every_ms: 1000,
    },
];

/// USD-M futures: `@depth@100ms` (every change), `@depth` (Binance's
/// 250 ms) and `@depth@500ms`; each partial-depth name on its own cadence.
const FUTURES_CADENCES: [Cadence; 3] = [
    Cadence {
        diff: "@depth@100ms",
        partial: &["@100ms"],
        every_ms: 0,
    },
    Cadence {
        diff: "@depth",
        partial: &[""],
        every_ms: 250,
    },
    Cadence {
        diff: "@depth@500ms",
        partial: &["@500ms"],
        every_ms: 500,
    },
];

/// The stream kinds served on spot, after `<symbol>@`.
const SPOT_KINDS: [&str; 10] = [
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
];

/// The kinds served on futures `/public` (trades are on `/market` at
/// Binance, so not here).
const FUTURES_KINDS: [&str; 13] = [
    "depth",
    "depth@100ms",
    "depth@500ms",
    "depth5",
    "depth10",
    "depth20",
    "depth5@100ms",
    "depth10@100ms",
    "depth20@100ms",
    "depth5@500ms",
    "depth10@500ms",
    "depth20@500ms",
    "bookTicker",
];

impl Venue {
    /// Binance's incoming messages a second per connection (spot 5,
    /// futures 10); one more closes the connection.
    pub fn max_incoming_per_second(self) -> usize {
        match self {
            Venue::Spot => super::MAX_INCOMING_PER_SECOND,
            Venue::UsdmFutures => super::FUTURES_MAX_INCOMING_PER_SECOND,
        }
    }

    /// Binance's streams per connection (1024 on both).
    pub fn max_streams_per_connection(self) -> usize {
        super::MAX_STREAMS_PER_CONNECTION
    }

    /// The diff-depth cadences; the first is always "every change".
    pub fn cadences(self) -> &'static [Cadence] {
        match self {
            Venue::Spot => &SPOT_CADENCES,
            Venue::UsdmFutures => &FUTURES_CADENCES,
        }
    }

    /// The stream kinds served, after `<symbol>@`.
    pub fn kinds(self) -> &'static [&'static str] {
        match self {
            Venue::Spot => &SPOT_KINDS,
            Venue::UsdmFutures => &FUTURES_KINDS,
        }
    }

    /// Whether `stream` is a well-formed stream name here: a lower-case
    /// symbol and a served kind. As on Binance, an unlisted symbol is
    /// accepted and never delivers anything.
    pub fn valid(self, stream: &str) -> bool {
        let Some((symbol, kind)) = stream.split_once('@') else {
            return false;
        };
        !symbol.is_empty()
            && symbol
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
            && self.kinds().contains(&kind)
    }

    /// The label of `symbol`'s random source (distinct per venue, so the
    /// two books of a symbol evolve independently).
    pub(crate) fn seed_label(self, symbol: &str) -> String {
        match self {
            Venue::Spot => format!("stream/{symbol}"),
            Venue::UsdmFutures => format!("fstream/{symbol}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_venue_serves_its_own_kinds() {
        let spot = Venue::Spot;
        let fut = Venue::UsdmFutures;
        for s in ["btcusdt@depth", "btcusdt@depth@100ms", "btcusdt@depth5"] {
            assert!(spot.valid(s) && fut.valid(s), "{s}");
        }
        assert!(spot.valid("btcusdt@trade") && !fut.valid("btcusdt@trade"));
        assert!(!spot.valid("btcusdt@aggTrade") && !fut.valid("btcusdt@aggTrade"));
        assert!(!spot.valid("btcusdt@depth@500ms") && fut.valid("btcusdt@depth@500ms"));
        assert!(fut.valid("btcusdt@depth20@500ms") && fut.valid("btcusdt@bookTicker"));
        assert!(!spot.valid("btcusdt@depth@1000ms") && !fut.valid("BTCUSDT@depth"));
        assert_eq!(spot.max_incoming_per_second(), 5);
        assert_eq!(fut.max_incoming_per_second(), 10);
        assert_eq!(fut.max_streams_per_connection(), 1024);
        assert_ne!(spot.seed_label("BTCUSDT"), fut.seed_label("BTCUSDT"));
        assert_eq!(spot.seed_label("BTCUSDT"), "stream/BTCUSDT");
    }
}
