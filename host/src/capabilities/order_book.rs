//! `binance:mcp/order-book`: a plugin's read of the host's live books
//! ([`Books`]: spot and USD-M futures). Linked for every plugin; each call
//! is allowed only when the policy in force grants the plugin `order-book`
//! (the one decision, here), and a watch counts against both the host's
//! bound on live symbols and the plugin's `max_book_symbols` (each bound
//! per venue).

use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::book::engine::WatchError;
use crate::book::{metrics, BookEngine, Books, Freshness, SymbolBook};
use crate::exchange::catalogue::Venue;
use crate::gate::{CallIdentity, PolicyGate};
use crate::policy::Capability;
use crate::runtime::bindings::binance::mcp::order_book as wit;
use crate::runtime::bindings::binance::mcp::types as wit_types;
use crate::runtime::convert::{to_wit_error, venue_from_wit, venue_to_wit};
use crate::tool_error::{ErrorKind, ToolError};

/// Bands when a plugin asks for none (basis points).
pub const DEFAULT_BANDS: [u32; 3] = [10, 50, 100];
/// Most levels a side one depth read returns.
pub const MAX_DEPTH_LEVELS: u32 = 5000;

/// The order-book capability's context for one call.
pub struct OrderBookCtx {
    pub(crate) call: Arc<CallIdentity>,
    pub(crate) gate: PolicyGate,
    /// `None` when the host runs without live books.
    pub(crate) engine: Option<Books>,
    pub(crate) deadline: Instant,
}

fn invalid(message: String, recovery: &str) -> ToolError {
    ToolError::new(ErrorKind::InvalidArgument, message, recovery)
}

fn check_symbol(symbol: &str) -> Result<(), ToolError> {
    // Futures delivery contracts carry an underscore (BTCUSDT_261225).
    let ok = (2..=20).contains(&symbol.len())
        && symbol
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_');
    if ok {
        Ok(())
    } else {
        Err(invalid(
            format!(
                "'{}' is not a Binance symbol",
                symbol.chars().take(24).collect::<String>()
            ),
            "use upper-case letters and digits, e.g. BTCUSDT",
        ))
    }
}

fn freshness(f: Freshness) -> wit::Freshness {
    match f {
        Freshness::Live => wit::Freshness::Live,
        Freshness::Stale => wit::Freshness::Stale,
        Freshness::Syncing => wit::Freshness::Syncing,
    }
}

/// The status of `book` (`b`, read under its lock).
fn status(
    venue: Venue,
    book: &SymbolBook,
    b: &crate::book::LocalBook,
    f: Freshness,
    age: Option<Duration>,
) -> wit::BookStatus {
    let last_trade = book.last_trade().map(|t| wit::LastTrade {
        id: t.id,
        price: crate::book::fixed::to_decimal(t.price).to_string(),
        time: t.time_ms,
        age_ms: t.received.elapsed().as_millis() as u64,
    });
    wit::BookStatus {
        venue: venue_to_wit(venue),
        symbol: book.symbol.clone(),
        freshness: freshness(f),
        age_ms: age.map(|a| a.as_millis() as u64),
        update_id: b.update_id(),
        event_time: b.event_time(),
        bid_levels: b.bids().len() as u32,
        ask_levels: b.asks().len() as u32,
        last_trade,
    }
}

fn depth_of(venue: Venue, book: &SymbolBook, levels: usize) -> wit::BookDepth {
    book.read(|b, f, age| {
        let d = metrics::depth(b, levels);
        wit::BookDepth {
            status: status(venue, book, b, f, age),
            price_scale: d.price_scale,
            qty_scale: d.qty_scale,
            bids: d.bids,
            asks: d.asks,
        }
    })
}

fn syncing(symbol: &str) -> ToolError {
    let mut e = ToolError::new(
        ErrorKind::ExchangeUnavailable,
        format!("{symbol}'s live order book is still syncing (its stream connected, the snapshot has not arrived)"),
        "retry in a second, or use get_order_book for a REST snapshot",
    );
    e.retry_after_secs = Some(1);
    e
}

impl OrderBookCtx {
    fn books(&self) -> Result<(&Books, Option<u16>), ToolError> {
        let bound = self
            .gate
            .grant(&self.call.plugin, Capability::OrderBook)
            .ok_or_else(|| {
                ToolError::new(
                    ErrorKind::NotPermitted,
                    format!(
                        "the policy does not grant 'order-book' to plugin '{}'",
                        self.call.plugin
                    ),
                    "add \"order-book\" to the plugin's grants in the policy file",
                )
            })?;
        let engine = self.engine.as_ref().ok_or_else(|| {
            ToolError::new(
                ErrorKind::ExchangeUnavailable,
                "this server runs without live order books",
                "use get_order_book (REST) instead",
            )
        })?;
        Ok((engine, bound))
    }

    fn engine(&self, venue: Venue) -> Result<(&BookEngine, Option<u16>), ToolError> {
        let (books, bound) = self.books()?;
        Ok((books.get(venue), bound))
    }

    /// Watches `symbol` on `venue` and waits for it within the call's budget.
    fn live(&self, venue: Venue, symbol: &str, wait_ms: u32) -> Result<Arc<SymbolBook>, ToolError> {
        check_symbol(symbol)?;
        let (engine, bound) = self.engine(venue)?;
        let book = engine.watch(symbol, bound.map(usize::from)).map_err(|e| match e {
            WatchError::TooManySymbols { idle_s, .. } => {
                let mut t = ToolError::new(ErrorKind::RateLimited, e.to_string(), "ask about a symbol that already has a live book, or use get_order_book (REST)");
                t.retry_after_secs = Some(idle_s.min(u64::from(u32::MAX)) as u32);
                t
            }
            WatchError::ShuttingDown => ToolError::new(ErrorKind::ExchangeUnavailable, e.to_string(), "retry after the server restarts"),
        })?;
        let budget = self.deadline.saturating_duration_since(Instant::now());
        let wait = Duration::from_millis(u64::from(wait_ms.min(10_000))).min(budget);
        if engine.wait_live(&book, wait) == Freshness::Syncing {
            return Err(syncing(symbol));
        }
        Ok(book)
    }
}

impl wit::Host for OrderBookCtx {
    fn metrics(
        &mut self,
        venue: wit::Venue,
        symbol: String,
        bands: Vec<u32>,
        wait_ms: u32,
    ) -> Result<wit::BookMetrics, wit_types::ToolError> {
        let run = || -> Result<wit::BookMetrics, ToolError> {
            if bands.len() > metrics::MAX_BANDS || bands.iter().any(|b| !(1..=10_000).contains(b)) {
                return Err(invalid(
                    format!(
                        "bands must be 1 to {} values from 1 to 10000 basis points",
                        metrics::MAX_BANDS
                    ),
                    "e.g. [10, 50, 100]",
                ));
            }
            let bands = if bands.is_empty() {
                DEFAULT_BANDS.to_vec()
            } else {
                bands.clone()
            };
            let venue = venue_from_wit(venue);
            let book = self.live(venue, &symbol, wait_ms)?;
            book.read(|b, f, age| {
                let m = metrics::compute(b, &bands).ok_or_else(|| syncing(&symbol))?;
                let s = |d: rust_decimal::Decimal| d.normalize().to_string();
                Ok(wit::BookMetrics {
                    status: status(venue, &book, b, f, age),
                    best_bid: s(m.best_bid.0),
                    best_bid_qty: s(m.best_bid.1),
                    best_ask: s(m.best_ask.0),
                    best_ask_qty: s(m.best_ask.1),
                    mid: s(m.mid),
                    spread: s(m.spread),
                    spread_bps: s(m.spread_bps),
                    microprice: s(m.microprice),
                    imbalance: s(m.imbalance),
                    bands: m
                        .bands
                        .iter()
                        .map(|x| wit::Band {
                            bps: x.bps,
                            bid_qty: s(x.bid_qty),
                            ask_qty: s(x.ask_qty),
                            bid_notional: s(x.bid_notional),
                            ask_notional: s(x.ask_notional),
                            imbalance: s(x.imbalance),
                        })
                        .collect(),
                    walls: m
                        .walls
                        .iter()
                        .map(|w| wit::Wall {
                            bid: w.bid,
                            price: s(w.price),
                            qty: s(w.qty),
                            times_median: s(w.times_median),
                        })
                        .collect(),
                    wall_rule: metrics::WALL_RULE.to_string(),
                })
            })
        };
        run().map_err(to_wit_error)
    }

    fn depth(
        &mut self,
        venue: wit::Venue,
        symbol: String,
        levels: u32,
        wait_ms: u32,
    ) -> Result<wit::BookDepth, wit_types::ToolError> {
        if !(1..=MAX_DEPTH_LEVELS).contains(&levels) {
            return Err(to_wit_error(invalid(
                format!("levels must be from 1 to {MAX_DEPTH_LEVELS}, got {levels}"),
                "e.g. 20 or 100",
            )));
        }
        let venue = venue_from_wit(venue);
        let book = self.live(venue, &symbol, wait_ms).map_err(to_wit_error)?;
        Ok(depth_of(venue, &book, levels as usize))
    }

    fn peek(&mut self, venue: wit::Venue, symbol: String, levels: u32) -> Option<wit::BookDepth> {
        let venue = venue_from_wit(venue);
        let (engine, _) = self.engine(venue).ok()?;
        let book = engine.peek(&symbol)?;
        (book.freshness() == Freshness::Live)
            .then(|| depth_of(venue, &book, levels.clamp(1, MAX_DEPTH_LEVELS) as usize))
    }

    fn health(&mut self) -> Result<String, wit_types::ToolError> {
        let (books, _) = self.books().map_err(to_wit_error)?;
        serde_json::to_string(&books.health()).map_err(|e| {
            to_wit_error(ToolError::new(
                ErrorKind::Internal,
                e.to_string(),
                "report this bug",
            ))
        })
    }
}
