//! Keeping a local book in step with Binance's diff-depth stream.
//!
//! Binance's documented procedure (spot and USD-M futures differ in how
//! events chain):
//!
//! 1. Open the stream and **buffer** its events.
//! 2. Fetch a REST snapshot (`lastUpdateId`). If it is older than the first
//!    buffered event, fetch again.
//! 3. Drop buffered events the snapshot already contains; the first kept
//!    event must straddle the snapshot (spot: `U ≤ lastUpdateId+1 ≤ u`;
//!    futures: `U ≤ lastUpdateId ≤ u`).
//! 4. Apply events in order, quantities absolute, zero removes a level.
//!    Spot events chain by ids (`U` = previous `u` + 1); futures events name
//!    their predecessor (`pu` = previous `u`). A break is a **gap**: the
//!    book is discarded and rebuilt from step 2.
//!
//! On top of the procedure: an event already applied (`u` ≤ the book's id)
//! is skipped, which is what lets two connections feed one book while a
//! connection is rolled over; a crossed book after an event (best bid ≥
//! best ask) is treated as a gap; and the buffer is bounded — an overflow
//! restarts the sync instead of growing without limit.

use super::parse::{DepthHeader, Levels};
use super::side::{Ladder, Side};

/// How events chain for a venue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Chain {
    /// Spot: `U` of an event is the previous `u` + 1.
    Spot,
    /// USD-M futures: `pu` of an event is the previous `u`.
    Futures,
}

/// Where a book is in the procedure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Buffering events until a snapshot arrives.
    Syncing,
    /// In step with the stream.
    Live,
}

/// The result of offering one event to a book.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Applied {
    /// Applied; the book's id is now the event's `u`.
    Applied,
    /// Held until the snapshot arrives.
    Buffered,
    /// Already in the book (a duplicate or an event the snapshot covers).
    Skipped,
    /// The chain broke: the book was cleared and needs a new snapshot.
    Gap {
        /// The id the book expected the event to continue from.
        expected: u64,
        /// What the event said (`U` for spot, `pu` for futures).
        got: u64,
    },
}

/// What a snapshot did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Loaded {
    /// The book is live.
    Live,
    /// The snapshot is older than the buffered events: fetch another.
    TooOld,
    /// A buffered event did not chain after the snapshot: fetch another.
    Gap,
}

/// One buffered event (owned; only while syncing).
#[derive(Debug, Clone)]
struct Pending {
    header: DepthHeader,
    bids: Vec<(u64, u64)>,
    asks: Vec<(u64, u64)>,
}

/// A local order book for one symbol.
#[derive(Debug, Clone)]
pub struct LocalBook {
    chain: Chain,
    bids: Ladder,
    asks: Ladder,
    /// The `u` of the last applied event, or the snapshot's id.
    update_id: u64,
    /// True until the first event after the snapshot is applied.
    fresh: bool,
    phase: Phase,
    pending: Vec<Pending>,
    max_pending: usize,
    /// Event time (ms) of the last event applied or skipped.
    event_time: u64,
}

impl LocalBook {
    /// An empty, syncing book that keeps `depth` levels a side and buffers
    /// at most `max_pending` events while waiting for a snapshot.
    pub fn new(chain: Chain, depth: usize, max_pending: usize) -> Self {
        LocalBook {
            chain,
            bids: Ladder::new(Side::Bid, depth),
            asks: Ladder::new(Side::Ask, depth),
            update_id: 0,
            fresh: true,
            phase: Phase::Syncing,
            pending: Vec::new(),
            max_pending: max_pending.max(1),
            event_time: 0,
        }
    }

    /// Where the book is in the procedure.
    pub fn phase(&self) -> Phase {
        self.phase
    }

    /// The id of the last change in the book.
    pub fn update_id(&self) -> u64 {
        self.update_id
    }

    /// Event time (ms since the epoch) of the newest event seen.
    pub fn event_time(&self) -> u64 {
        self.event_time
    }

    /// Bids, best first.
    pub fn bids(&self) -> &Ladder {
        &self.bids
    }

    /// Asks, best first.
    pub fn asks(&self) -> &Ladder {
        &self.asks
    }

    /// Bytes held on the heap by both sides and the buffer.
    pub fn heap_bytes(&self) -> usize {
        self.bids.heap_bytes()
            + self.asks.heap_bytes()
            + self.pending.capacity() * std::mem::size_of::<Pending>()
    }

    /// Discards the book and starts syncing again.
    pub fn reset(&mut self) {
        self.bids.clear();
        self.asks.clear();
        self.update_id = 0;
        self.fresh = true;
        self.phase = Phase::Syncing;
        self.pending.clear();
    }

    /// Whether a snapshot is needed before the book can go live (buffering
    /// has started, or overflowed and restarted).
    pub fn wants_snapshot(&self) -> bool {
        self.phase == Phase::Syncing
    }

    /// Offers one event (its levels in `levels`).
    pub fn apply(&mut self, header: &DepthHeader, levels: &Levels) -> Applied {
        self.event_time = self.event_time.max(header.event_time);
        if self.phase == Phase::Syncing {
            if self.pending.len() >= self.max_pending {
                // Bounded: start over from the newest events.
                self.pending.clear();
            }
            self.pending.push(Pending {
                header: *header,
                bids: levels.bids.clone(),
                asks: levels.asks.clone(),
            });
            return Applied::Buffered;
        }
        self.step(header, &levels.bids, &levels.asks)
    }

    /// Loads a snapshot and replays the buffer onto it.
    pub fn load(
        &mut self,
        last_update_id: u64,
        bids: impl IntoIterator<Item = (u64, u64)>,
        asks: impl IntoIterator<Item = (u64, u64)>,
    ) -> Loaded {
        let first = self
            .pending
            .first()
            .map(|p| (p.header.first, p.header.prev));
        if let Some((first, prev)) = first {
            let too_old = match self.chain {
                Chain::Spot => last_update_id + 1 < first,
                Chain::Futures => last_update_id < first && prev != Some(last_update_id),
            };
            if too_old {
                return Loaded::TooOld;
            }
        }
        self.bids.load(bids);
        self.asks.load(asks);
        self.update_id = last_update_id;
        self.fresh = true;
        self.phase = Phase::Live;
        let pending = std::mem::take(&mut self.pending);
        for p in &pending {
            if let Applied::Gap { .. } = self.step(&p.header, &p.bids, &p.asks) {
                self.reset();
                return Loaded::Gap;
            }
        }
        Loaded::Live
    }

    fn step(&mut self, h: &DepthHeader, bids: &[(u64, u64)], asks: &[(u64, u64)]) -> Applied {
        if h.last <= self.update_id
            && !(self.fresh && self.chain == Chain::Futures && h.last == self.update_id)
        {
            return Applied::Skipped;
        }
        let broken = match self.chain {
            Chain::Spot => (h.first > self.update_id + 1).then_some(h.first),
            // The first event after a snapshot spans its id (U ≤ L ≤ u), or
            // follows it exactly (pu = L) when the snapshot fell between events.
            Chain::Futures if self.fresh => {
                (h.first > self.update_id && h.prev != Some(self.update_id)).then_some(h.first)
            }
            Chain::Futures => match h.prev {
                Some(pu) if pu == self.update_id => None,
                Some(pu) => Some(pu),
                None => Some(0),
            },
        };
        if let Some(got) = broken {
            let expected = self.update_id;
            self.reset();
            return Applied::Gap { expected, got };
        }
        for &(p, q) in bids {
            self.bids.set(p, q);
        }
        for &(p, q) in asks {
            self.asks.set(p, q);
        }
        self.update_id = h.last;
        self.fresh = false;
        if let (Some(b), Some(a)) = (self.bids.best(), self.asks.best()) {
            if b.price >= a.price {
                let expected = self.update_id;
                self.reset();
                return Applied::Gap {
                    expected,
                    got: h.last,
                };
            }
        }
        Applied::Applied
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(
        first: u64,
        last: u64,
        prev: Option<u64>,
        bids: &[(u64, u64)],
        asks: &[(u64, u64)],
    ) -> (DepthHeader, Levels) {
        (
            DepthHeader {
                first,
                last,
                prev,
                event_time: last,
            },
            Levels {
                bids: bids.to_vec(),
                asks: asks.to_vec(),
            },
        )
    }

    fn offer(b: &mut LocalBook, e: &(DepthHeader, Levels)) -> Applied {
        b.apply(&e.0, &e.1)
    }

    #[test]
    fn spot_follows_the_documented_procedure() {
        let mut b = LocalBook::new(Chain::Spot, 100, 100);
        assert_eq!(
            offer(&mut b, &ev(95, 99, None, &[(9, 1)], &[])),
            Applied::Buffered
        );
        assert_eq!(
            offer(&mut b, &ev(100, 103, None, &[(10, 5)], &[(12, 1)])),
            Applied::Buffered
        );
        assert_eq!(
            offer(&mut b, &ev(104, 104, None, &[(10, 0)], &[])),
            Applied::Buffered
        );
        // Snapshot at 101: event 95..99 is covered, 100..103 straddles.
        assert_eq!(b.load(101, [(10, 2), (8, 1)], [(11, 1)]), Loaded::Live);
        assert_eq!(b.update_id(), 104);
        let bids: Vec<_> = b.bids().iter().map(|l| (l.price, l.qty)).collect();
        assert_eq!(bids, [(8, 1)]);
        assert_eq!(b.asks().best().unwrap().price, 11);
        // A duplicate (from a second connection) is skipped.
        assert_eq!(
            offer(&mut b, &ev(104, 104, None, &[(10, 7)], &[])),
            Applied::Skipped
        );
        assert_eq!(
            offer(&mut b, &ev(105, 106, None, &[(7, 1)], &[])),
            Applied::Applied
        );
        // A gap clears the book and asks for a snapshot.
        assert_eq!(
            offer(&mut b, &ev(108, 109, None, &[], &[])),
            Applied::Gap {
                expected: 106,
                got: 108
            }
        );
        assert!(b.wants_snapshot());
        assert!(b.bids().is_empty());
    }

    #[test]
    fn spot_refuses_a_snapshot_older_than_the_buffer() {
        let mut b = LocalBook::new(Chain::Spot, 10, 10);
        offer(&mut b, &ev(200, 201, None, &[], &[]));
        assert_eq!(b.load(150, [], []), Loaded::TooOld);
        assert!(b.wants_snapshot());
        assert_eq!(b.load(199, [(1, 1)], []), Loaded::Live);
        assert_eq!(b.update_id(), 201);
    }

    #[test]
    fn futures_chain_by_previous_id() {
        let mut b = LocalBook::new(Chain::Futures, 10, 10);
        offer(&mut b, &ev(90, 95, Some(89), &[], &[]));
        offer(&mut b, &ev(96, 102, Some(95), &[(5, 1)], &[]));
        // Snapshot at 100: first kept event must have U <= 100 <= u.
        assert_eq!(b.load(100, [(4, 1)], [(9, 1)]), Loaded::Live);
        assert_eq!(b.update_id(), 102);
        assert_eq!(
            offer(&mut b, &ev(103, 110, Some(102), &[(6, 1)], &[])),
            Applied::Applied
        );
        assert_eq!(
            offer(&mut b, &ev(103, 110, Some(102), &[(6, 1)], &[])),
            Applied::Skipped
        );
        // Futures ids are not contiguous: only pu counts.
        assert_eq!(
            offer(&mut b, &ev(140, 150, Some(110), &[], &[])),
            Applied::Applied
        );
        assert_eq!(
            offer(&mut b, &ev(160, 170, Some(155), &[], &[])),
            Applied::Gap {
                expected: 150,
                got: 155
            }
        );
    }

    #[test]
    fn futures_snapshot_inside_the_first_event_applies_it() {
        let mut b = LocalBook::new(Chain::Futures, 10, 10);
        offer(&mut b, &ev(98, 100, Some(97), &[(5, 2)], &[]));
        assert_eq!(b.load(100, [(5, 2)], [(9, 1)]), Loaded::Live);
        assert_eq!(
            offer(&mut b, &ev(101, 103, Some(100), &[(5, 3)], &[])),
            Applied::Applied
        );
        assert_eq!(b.bids().best().unwrap().qty, 3);
        let mut b = LocalBook::new(Chain::Futures, 10, 10);
        offer(&mut b, &ev(101, 103, Some(100), &[], &[]));
        assert_eq!(b.load(99, [], []), Loaded::TooOld);
    }

    #[test]
    fn futures_snapshot_between_events_continues_by_previous_id() {
        // The snapshot is exactly the end of an event: the next one says so in `pu`.
        let mut b = LocalBook::new(Chain::Futures, 10, 10);
        offer(&mut b, &ev(101, 103, Some(100), &[(5, 3)], &[]));
        assert_eq!(b.load(100, [(5, 2)], [(9, 1)]), Loaded::Live);
        assert_eq!(b.update_id(), 103);
        assert_eq!(b.bids().best().unwrap().qty, 3);
        // Nothing buffered: the first live event is checked the same way.
        let mut b = LocalBook::new(Chain::Futures, 10, 10);
        assert_eq!(b.load(100, [(5, 2)], [(9, 1)]), Loaded::Live);
        assert_eq!(
            offer(&mut b, &ev(104, 106, Some(100), &[], &[])),
            Applied::Applied
        );
        let mut b = LocalBook::new(Chain::Futures, 10, 10);
        assert_eq!(b.load(100, [(5, 2)], [(9, 1)]), Loaded::Live);
        assert!(matches!(
            offer(&mut b, &ev(104, 106, Some(102), &[], &[])),
            Applied::Gap { .. }
        ));
    }

    #[test]
    fn a_crossed_book_is_a_gap() {
        let mut b = LocalBook::new(Chain::Spot, 10, 10);
        assert_eq!(b.load(10, [(5, 1)], [(6, 1)]), Loaded::Live);
        assert!(matches!(
            offer(&mut b, &ev(11, 11, None, &[(6, 1)], &[])),
            Applied::Gap { .. }
        ));
        assert!(b.wants_snapshot());
    }

    #[test]
    fn the_buffer_is_bounded() {
        let mut b = LocalBook::new(Chain::Spot, 10, 3);
        for i in 0..10 {
            offer(&mut b, &ev(i * 2 + 1, i * 2 + 2, None, &[], &[]));
        }
        assert!(b.pending.len() <= 3);
        // The oldest kept events start after the overflow: an old snapshot is refused.
        assert_eq!(b.load(5, [], []), Loaded::TooOld);
        assert_eq!(b.load(18, [], []), Loaded::Live);
        assert_eq!(b.update_id(), 20);
    }

    #[test]
    fn a_broken_buffer_after_the_snapshot_is_a_gap() {
        let mut b = LocalBook::new(Chain::Spot, 10, 10);
        offer(&mut b, &ev(10, 12, None, &[], &[]));
        offer(&mut b, &ev(15, 16, None, &[], &[]));
        assert_eq!(b.load(11, [], []), Loaded::Gap);
        assert!(b.wants_snapshot());
    }
}
