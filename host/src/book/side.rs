//! One side of a local order book: a sorted ladder of fixed-point levels.
//!
//! The levels live in one `Vec`, sorted so the **best price is at the end**
//! (bids ascending, asks descending). Diff-depth updates cluster at the top
//! of the book, so an insert or removal there moves only the few levels
//! above it, a lookup is a binary search over contiguous memory, and reading
//! the top N levels walks the tail backwards. A `BTreeMap<Decimal, Decimal>`
//! does the same work with a node allocation per new level and pointer
//! chasing per lookup (the `book` benchmark compares both).
//!
//! Capacity is reserved up front and a side never grows past it: levels
//! beyond `cap` are trimmed from the worst end in batches, so applying an
//! update does not allocate in the steady state.

/// One price level, both values in 10⁻⁸ units (see [`super::fixed`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Level {
    /// Price.
    pub price: u64,
    /// Quantity at that price (never 0 in a ladder: 0 removes a level).
    pub qty: u64,
}

/// Which side a ladder holds; decides what "better" means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// Buyers: a higher price is better.
    Bid,
    /// Sellers: a lower price is better.
    Ask,
}

/// Sort key: ascending keys put the best price last on both sides.
#[inline]
fn key(side: Side, price: u64) -> u64 {
    match side {
        Side::Bid => price,
        Side::Ask => !price,
    }
}

/// A sorted side of the book with a fixed level budget.
#[derive(Debug, Clone)]
pub struct Ladder {
    side: Side,
    /// Sorted by [`Ladder::key`], ascending: worst first, best last.
    levels: Vec<Level>,
    cap: usize,
}

impl Ladder {
    /// An empty side that keeps at most `cap` levels (at least 1). The
    /// allocation holds `cap` plus a quarter of slack so trimming happens
    /// in batches rather than on every insert.
    pub fn new(side: Side, cap: usize) -> Self {
        let cap = cap.max(1);
        Ladder {
            side,
            levels: Vec::with_capacity(cap + cap / 4 + 1),
            cap,
        }
    }

    /// Sets the absolute quantity at `price`; 0 removes the level.
    #[inline]
    pub fn set(&mut self, price: u64, qty: u64) {
        let (side, k) = (self.side, key(self.side, price));
        let found = self.levels.binary_search_by(|l| key(side, l.price).cmp(&k));
        match (found, qty) {
            (Ok(i), 0) => {
                self.levels.remove(i);
            }
            (Ok(i), q) => self.levels[i].qty = q,
            (Err(_), 0) => {}
            (Err(mut i), q) => {
                if self.levels.len() == self.levels.capacity() {
                    // Full: drop the slack's worth of worst levels at once
                    // (never reallocate). A level worse than all of the kept
                    // ones is itself dropped.
                    let dropped = self.levels.len() - self.cap.min(self.levels.len() - 1);
                    self.levels.drain(..dropped);
                    if i < dropped {
                        return;
                    }
                    i -= dropped;
                }
                self.levels.insert(i, Level { price, qty: q });
            }
        }
    }

    /// Drops the worst levels until at most `n` remain.
    fn trim_to(&mut self, n: usize) {
        if self.levels.len() > n {
            let excess = self.levels.len() - n;
            self.levels.drain(..excess);
        }
    }

    /// Replaces the whole side (a snapshot), keeping the best `cap` levels.
    pub fn load(&mut self, levels: impl IntoIterator<Item = (u64, u64)>) {
        self.levels.clear();
        for (price, qty) in levels {
            if qty > 0 {
                self.levels.push(Level { price, qty });
            }
        }
        let side = self.side;
        self.levels.sort_unstable_by_key(|l| key(side, l.price));
        self.levels.dedup_by_key(|l| l.price);
        self.trim_to(self.cap);
        // A snapshot larger than the allocation grew it; give it back.
        self.levels.shrink_to(self.cap + self.cap / 4 + 1);
    }

    /// Removes every level (the allocation is kept).
    pub fn clear(&mut self) {
        self.levels.clear();
    }

    /// The best level, if any.
    #[inline]
    pub fn best(&self) -> Option<Level> {
        self.levels.last().copied()
    }

    /// The levels priced at `edge` or better (bids at or above it, asks at
    /// or below), worst first: a binary search, then one contiguous slice.
    #[inline]
    pub fn at_or_better(&self, edge: u64) -> &[Level] {
        let (side, k) = (self.side, key(self.side, edge));
        let start = self.levels.partition_point(|l| key(side, l.price) < k);
        &self.levels[start..]
    }

    /// Levels from the best outwards.
    #[inline]
    pub fn iter(&self) -> impl ExactSizeIterator<Item = &Level> + DoubleEndedIterator {
        self.levels.iter().rev()
    }

    /// The number of levels held.
    #[inline]
    pub fn len(&self) -> usize {
        self.levels.len()
    }

    /// Whether the side is empty.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.levels.is_empty()
    }

    /// The most levels this side keeps.
    pub fn cap(&self) -> usize {
        self.cap
    }

    /// Bytes held by the level storage (for the memory figure per symbol).
    pub fn heap_bytes(&self) -> usize {
        self.levels.capacity() * std::mem::size_of::<Level>()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn prices(l: &Ladder) -> Vec<u64> {
        l.iter().map(|l| l.price).collect()
    }

    #[test]
    fn bids_and_asks_list_best_first() {
        let mut bids = Ladder::new(Side::Bid, 10);
        let mut asks = Ladder::new(Side::Ask, 10);
        for p in [5, 1, 9, 3] {
            bids.set(p, 1);
            asks.set(p + 10, 1);
        }
        assert_eq!(prices(&bids), [9, 5, 3, 1]);
        assert_eq!(prices(&asks), [11, 13, 15, 19]);
        assert_eq!(bids.best().unwrap().price, 9);
        assert_eq!(asks.best().unwrap().price, 11);
    }

    #[test]
    fn quantities_are_absolute_and_zero_removes() {
        let mut bids = Ladder::new(Side::Bid, 10);
        bids.set(5, 7);
        bids.set(5, 3);
        assert_eq!(bids.best(), Some(Level { price: 5, qty: 3 }));
        bids.set(5, 0);
        assert!(bids.is_empty());
        bids.set(6, 0); // removing an absent level is a no-op
        assert!(bids.is_empty());
    }

    #[test]
    fn never_grows_past_its_allocation() {
        let mut asks = Ladder::new(Side::Ask, 8);
        let capacity = asks.levels.capacity();
        for p in (1..=1000).rev() {
            asks.set(p, 1);
            assert!(asks.levels.capacity() == capacity, "reallocated at {p}");
            assert!(asks.len() <= capacity);
        }
        // The best prices survived the trims.
        assert_eq!(asks.best().unwrap().price, 1);
        assert!(prices(&asks).windows(2).all(|w| w[0] < w[1]));
        // A level worse than a full ladder is not kept.
        let worst = *prices(&asks).last().unwrap();
        let n = asks.len();
        while asks.len() < capacity {
            asks.set(worst + 1 + asks.len() as u64, 1);
        }
        asks.set(u64::MAX - 1, 1);
        assert!(!prices(&asks).contains(&(u64::MAX - 1)));
        assert!(n >= asks.cap() && asks.len() >= asks.cap());
    }

    #[test]
    fn load_sorts_dedups_and_keeps_the_best() {
        let mut bids = Ladder::new(Side::Bid, 3);
        bids.load([(1, 1), (4, 1), (2, 0), (3, 1), (5, 1), (4, 2)]);
        assert_eq!(prices(&bids), [5, 4, 3]);
        bids.clear();
        assert!(bids.best().is_none());
    }
}
