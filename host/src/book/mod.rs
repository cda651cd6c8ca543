//! The order-book engine: live local books kept from Binance's WebSocket
//! diff-depth streams, so market questions are answered from memory.
//!
//! Layout: `fixed` (exact 10⁻⁸ fixed-point values), `side` (one sorted
//! ladder of levels), `parse` (allocation-free stream frames), `sync`
//! (Binance's snapshot-and-buffer procedure, gaps and resyncs), `snapshot`
//! (REST snapshots through the weight budget), `connection` (combined-stream
//! connections: backoff, rollover, pacing), `engine` (which symbols are
//! live, staleness, idle symbols, health), `books` (the spot and USD-M
//! futures engines together), `metrics` (what a model asks of a book).

pub mod books;
pub mod connection;
pub mod engine;
pub mod fixed;
pub mod metrics;
pub mod parse;
pub mod side;
pub mod snapshot;
pub mod sync;

pub use books::{Books, BooksHealth};
pub use engine::{BookEngine, EngineConfig, Freshness, Health, LastTrade, SymbolBook, WatchError};
pub use parse::{DepthHeader, Frame, FrameError, Levels};
pub use side::{Ladder, Level, Side};
pub use sync::{Applied, Chain, Loaded, LocalBook, Phase};
