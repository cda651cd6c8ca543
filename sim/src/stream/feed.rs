//! What the market streams say: an evolving book and the events that
//! describe each change of it.
//!
//! Every change to a live market's book — from [`evolve`], an order or
//! `set_price` — bumps its `last_update_id`. A [`Feed`] remembers the book
//! as it last published it; [`Feed::publish`] diffs the current book
//! against that and emits one diff-depth event covering exactly the update
//! ids in between (`U` = last published + 1, `u` = current; on futures
//! also `pu` = last published, the previous event's `u`). Each venue has
//! its own cadences ([`Venue::cadences`]) and event shapes
//! ([`super::payload`]). So the streamed events and the REST snapshot can
//! never disagree: a local book built by Binance's procedure equals the
//! simulator's true book.

use rust_decimal::Decimal;

use super::payload::Writer;
use super::Venue;
use crate::market::Market;
use crate::rng::SplitMix64;

/// One event for the subscribers of `stream`.
#[derive(Debug, Clone)]
pub struct Event {
    /// The stream name, e.g. `btcusdt@depth@100ms`.
    pub stream: String,
    /// The event's JSON (the `data` of a combined-stream frame).
    pub payload: String,
}

/// The book as last published on one cadence.
#[derive(Debug, Clone, Default)]
struct Published {
    bids: Vec<(Decimal, Decimal)>,
    asks: Vec<(Decimal, Decimal)>,
    id: u64,
    at_ms: i64,
}

impl Published {
    fn of(m: &Market, now_ms: i64) -> Self {
        Published {
            bids: m.bids.clone(),
            asks: m.asks.clone(),
            id: m.last_update_id,
            at_ms: now_ms,
        }
    }
}

/// The publishing state of one symbol with subscribers.
#[derive(Debug, Clone)]
pub struct Feed {
    venue: Venue,
    lower: String,
    writer: Writer,
    /// The book as last published on each of the venue's cadences
    /// ([`Venue::cadences`]; the first publishes every change).
    published: Vec<Published>,
    best: Option<(Decimal, Decimal, Decimal, Decimal)>,
    last_trade: u64,
    /// The deterministic source of this symbol's book changes.
    pub(crate) rng: SplitMix64,
}

/// Which streams of a symbol have subscribers (so unwanted ones are not
/// built): their suffixes after the symbol, e.g. `@depth@100ms`.
#[derive(Debug, Clone, Default)]
pub struct Wanted {
    suffixes: Vec<String>,
}

impl Wanted {
    /// The streams with these suffixes are wanted.
    pub fn of<S: Into<String>>(suffixes: impl IntoIterator<Item = S>) -> Wanted {
        Wanted {
            suffixes: suffixes.into_iter().map(Into::into).collect(),
        }
    }

    /// Whether the stream with `suffix` has a subscriber.
    pub fn has(&self, suffix: &str) -> bool {
        self.suffixes.iter().any(|s| s == suffix)
    }
}

/// The levels a partial-depth stream carries.
pub const PARTIAL_LEVELS: [usize; 3] = [5, 10, 20];

impl Feed {
    /// Starts publishing `m` (a book of `venue`) from its current state.
    pub fn new(m: &Market, venue: Venue, seed: u64, now_ms: i64) -> Feed {
        Feed {
            venue,
            lower: m.symbol.to_ascii_lowercase(),
            writer: Writer::new(venue, m),
            published: venue
                .cadences()
                .iter()
                .map(|_| Published::of(m, now_ms))
                .collect(),
            best: best(m),
            last_trade: m.trades.last().map_or(0, |t| t.id),
            rng: SplitMix64::for_stream(seed, &venue.seed_label(&m.symbol)),
        }
    }

    /// Whether `m` changed since the last publication.
    pub fn changed(&self, m: &Market) -> bool {
        m.last_update_id != self.published[0].id
    }

    /// The events describing how `m` changed since the last call. The
    /// published state always advances; `withhold` drops the diff events
    /// themselves (a simulated gap or stall).
    pub fn publish(
        &mut self,
        m: &Market,
        now_ms: i64,
        wanted: &Wanted,
        withhold: bool,
        out: &mut Vec<Event>,
    ) {
        for (i, cadence) in self.venue.cadences().iter().enumerate() {
            let old = &self.published[i];
            if m.last_update_id == old.id
                || (cadence.every_ms > 0 && now_ms - old.at_ms < cadence.every_ms)
            {
                continue;
            }
            if wanted.has(cadence.diff) && !withhold {
                let payload = self.writer.diff(old.id, &old.bids, &old.asks, m, now_ms);
                out.push(self.event(cadence.diff, payload));
            }
            for n in PARTIAL_LEVELS {
                for speed in cadence.partial {
                    let suffix = format!("@depth{n}{speed}");
                    if wanted.has(&suffix) {
                        let payload = self.writer.partial(old.id, m, n, now_ms);
                        out.push(self.event(&suffix, payload));
                    }
                }
            }
            self.published[i] = Published::of(m, now_ms);
        }
        let top = best(m);
        if top != self.best {
            if let (true, Some(top)) = (wanted.has("@bookTicker"), top) {
                let payload = self.writer.book_ticker(m, top, now_ms);
                out.push(self.event("@bookTicker", payload));
            }
            self.best = top;
        }
        let seen = self.last_trade;
        for t in m.trades.iter().filter(|t| t.id > seen) {
            if wanted.has("@trade") {
                let payload = self.writer.trade(t, now_ms);
                out.push(self.event("@trade", payload));
            }
            self.last_trade = t.id;
        }
    }

    fn event(&self, suffix: &str, payload: String) -> Event {
        Event {
            stream: format!("{}{suffix}", self.lower),
            payload,
        }
    }
}

fn best(m: &Market) -> Option<(Decimal, Decimal, Decimal, Decimal)> {
    let (b, a) = (m.bids.first()?, m.asks.first()?);
    Some((b.0, b.1, a.0, a.1))
}

/// One tick of market activity on `m`'s book: one to four changes near
/// the top (new quantities, removed levels, new levels behind the best or
/// inside the spread), each bumping the update id. The book never
/// crosses and every price stays on the tick grid inside PRICE_FILTER.
pub fn evolve(m: &mut Market, rng: &mut SplitMix64) {
    if m.bids.is_empty() || m.asks.is_empty() {
        return;
    }
    let tick = m.tick_size;
    let step = m.step_size;
    let typical = m.typical_steps.max(1);
    for _ in 0..rng.range(1, 5) {
        let bid = rng.chance(50);
        let (best_bid, best_ask) = (m.bids[0].0, m.asks[0].0);
        let qty = step * Decimal::from(rng.range(1, 2 * typical + 1));
        let roll = rng.range(0, 100);
        let side = if bid { &mut m.bids } else { &mut m.asks };
        let idx = (rng.range(0, 10) as usize).min(side.len() - 1);
        if roll < 55 {
            side[idx].1 = qty;
        } else if roll < 75 && side.len() > 10 {
            side.remove(idx);
        } else {
            let inside = roll >= 95 && best_ask - best_bid > tick;
            let price = match (bid, inside) {
                (true, true) => best_bid + tick,
                (false, true) => best_ask - tick,
                (true, false) => best_bid - tick * Decimal::from(rng.range(1, 30)),
                (false, false) => best_ask + tick * Decimal::from(rng.range(1, 30)),
            };
            if price <= Decimal::ZERO || price < m.min_price || price > m.max_price {
                continue;
            }
            let pos = if bid {
                side.binary_search_by(|l| price.cmp(&l.0))
            } else {
                side.binary_search_by(|l| l.0.cmp(&price))
            };
            match pos {
                Ok(i) => side[i].1 = qty,
                Err(i) => side.insert(i, (price, qty)),
            }
        }
        m.last_update_id += 1;
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use serde_json::Value;

    use super::super::payload::side_diff;
    use super::*;
    use crate::state::SimState;

    type Side = BTreeMap<Decimal, Decimal>;

    /// Applies an event's `[["p","q"],...]` levels to one side of a book.
    fn apply(side: &mut Side, levels: &Value) {
        for l in levels.as_array().unwrap() {
            let p: Decimal = l[0].as_str().unwrap().parse().unwrap();
            let q: Decimal = l[1].as_str().unwrap().parse().unwrap();
            if q.is_zero() {
                side.remove(&p);
            } else {
                side.insert(p, q);
            }
        }
    }

    fn sides(m: &Market) -> (Side, Side) {
        (
            m.bids.iter().copied().collect(),
            m.asks.iter().copied().collect(),
        )
    }

    #[test]
    fn diffs_replayed_on_the_old_book_give_the_new_one() {
        let st = SimState::generate(7, 1_700_000_000_000);
        let mut m = st.market("BTCUSDT").unwrap().clone();
        let mut rng = SplitMix64::new(1);
        for _ in 0..200 {
            let old = m.clone();
            evolve(&mut m, &mut rng);
            assert!(m.bids[0].0 < m.asks[0].0, "crossed");
            assert!(m.bids.windows(2).all(|w| w[0].0 > w[1].0));
            assert!(m.asks.windows(2).all(|w| w[0].0 < w[1].0));
            for (old_side, new_side, desc) in
                [(&old.bids, &m.bids, true), (&old.asks, &m.asks, false)]
            {
                let mut book: Side = old_side.iter().copied().collect();
                for (p, q) in side_diff(old_side, new_side) {
                    if q.is_zero() {
                        book.remove(&p);
                    } else {
                        book.insert(p, q);
                    }
                }
                let mut rebuilt: Vec<_> = book.into_iter().collect();
                if desc {
                    rebuilt.reverse();
                }
                assert_eq!(&rebuilt, new_side);
            }
        }
    }

    #[test]
    fn an_event_covers_exactly_the_ids_in_between() {
        let st = SimState::generate(7, 1_700_000_000_000);
        let mut m = st.market("ETHUSDT").unwrap().clone();
        let mut feed = Feed::new(&m, Venue::Spot, 7, 0);
        let wanted = Wanted::of(["@depth@100ms"]);
        let mut out = Vec::new();
        let start = m.last_update_id;
        let mut rng = SplitMix64::new(2);
        evolve(&mut m, &mut rng);
        feed.publish(&m, 1, &wanted, false, &mut out);
        evolve(&mut m, &mut rng);
        feed.publish(&m, 2, &wanted, false, &mut out);
        assert_eq!(out.len(), 2);
        let ids = |e: &Event| {
            let v: Value = serde_json::from_str(&e.payload).unwrap();
            assert!(v.get("pu").is_none() && v.get("T").is_none(), "spot shape");
            (v["U"].as_u64().unwrap(), v["u"].as_u64().unwrap())
        };
        let (u1, l1) = ids(&out[0]);
        let (u2, l2) = ids(&out[1]);
        assert_eq!(u1, start + 1);
        assert_eq!(u2, l1 + 1);
        assert_eq!(l2, m.last_update_id);
        assert_eq!(out[0].stream, "ethusdt@depth@100ms");
    }

    /// On every futures cadence, each event's `pu` is the previous event's
    /// `u` (the first's is the book the feed started from), `U` = `pu` + 1,
    /// and replaying the events on the old book gives the book as it was
    /// at each event's `u`.
    #[test]
    fn futures_diffs_chain_by_pu_and_replay_to_the_new_book() {
        let st = SimState::generate(7, 1_700_000_000_000);
        let mut m = st.market("BTCUSDT").unwrap().clone();
        let mut feed = Feed::new(&m, Venue::UsdmFutures, 7, 0);
        let cadences = ["@depth@100ms", "@depth", "@depth@500ms"];
        let wanted = Wanted::of(cadences);
        let mut books = BTreeMap::from([(m.last_update_id, sides(&m))]);
        let mut out = Vec::new();
        let mut rng = SplitMix64::new(3);
        for step in 1..=300 {
            evolve(&mut m, &mut rng);
            books.insert(m.last_update_id, sides(&m));
            feed.publish(&m, step * 100, &wanted, false, &mut out);
        }
        for suffix in cadences {
            let stream = format!("btcusdt{suffix}");
            let events: Vec<Value> = out
                .iter()
                .filter(|e| e.stream == stream)
                .map(|e| serde_json::from_str(&e.payload).unwrap())
                .collect();
            assert!(events.len() >= 50, "{stream}: {} events", events.len());
            let first_id = *books.keys().next().unwrap();
            let (mut bids, mut asks) = books[&first_id].clone();
            let mut prev_u = first_id;
            let mut prev_t = 0;
            for e in &events {
                assert_eq!(e["e"], "depthUpdate");
                assert_eq!(e["s"], "BTCUSDT");
                let (first, last, pu) = (
                    e["U"].as_u64().unwrap(),
                    e["u"].as_u64().unwrap(),
                    e["pu"].as_u64().unwrap(),
                );
                assert_eq!(pu, prev_u, "{stream}: pu chains to the previous u");
                assert_eq!(first, pu + 1);
                assert!(last >= first);
                let t = e["T"].as_i64().unwrap();
                assert!(t > prev_t && e["E"].as_i64().unwrap() >= t);
                apply(&mut bids, &e["b"]);
                apply(&mut asks, &e["a"]);
                assert_eq!((&bids, &asks), (&books[&last].0, &books[&last].1));
                (prev_u, prev_t) = (last, t);
            }
            let gaps: Vec<i64> = events
                .windows(2)
                .map(|w| w[1]["T"].as_i64().unwrap() - w[0]["T"].as_i64().unwrap())
                .collect();
            let least = match suffix {
                "@depth" => 250,
                "@depth@500ms" => 500,
                _ => 100,
            };
            assert!(gaps.iter().all(|g| *g >= least), "{stream} cadence");
        }
        let last_fast = out.iter().rev().find(|e| e.stream == "btcusdt@depth@100ms");
        let v: Value = serde_json::from_str(&last_fast.unwrap().payload).unwrap();
        assert_eq!(v["u"].as_u64().unwrap(), m.last_update_id);
    }

    #[test]
    fn futures_partial_depth_and_book_ticker_have_the_futures_shape() {
        let st = SimState::generate(7, 1_700_000_000_000);
        let mut m = st.market("BTCUSDT").unwrap().clone();
        let start = m.last_update_id;
        let mut feed = Feed::new(&m, Venue::UsdmFutures, 7, 0);
        let wanted = Wanted::of(["@depth5@100ms", "@depth10", "@bookTicker", "@trade"]);
        let mut out = Vec::new();
        let mut rng = SplitMix64::new(4);
        while !out
            .iter()
            .any(|e: &Event| e.stream.ends_with("@bookTicker"))
        {
            evolve(&mut m, &mut rng);
            feed.publish(&m, 1000, &wanted, false, &mut out);
        }
        let find = |stream: &str| -> Value {
            let e = out.iter().find(|e| e.stream == stream).unwrap();
            serde_json::from_str(&e.payload).unwrap()
        };
        let p5 = find("btcusdt@depth5@100ms");
        assert_eq!(p5["b"].as_array().unwrap().len(), 5);
        assert_eq!(p5["pu"].as_u64().unwrap(), start);
        assert_eq!(find("btcusdt@depth10")["a"].as_array().unwrap().len(), 10);
        let bt = find("btcusdt@bookTicker");
        assert_eq!(bt["e"], "bookTicker");
        assert!(bt["T"].is_i64() && bt["u"].is_u64());
        // Futures prints the symbol's precision, as /fapi/v1/depth does.
        let price = bt["b"].as_str().unwrap();
        let dp = crate::num::precision_of(m.tick_size) as usize;
        assert_eq!(price.split('.').nth(1).map_or(0, str::len), dp);
        assert!(!out.iter().any(|e| e.stream.ends_with("@trade")));
    }
}
