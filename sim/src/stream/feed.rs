//! What the market streams say: an evolving book and the events that
//! describe each change of it.
//!
//! Every change to a live market's book — from [`evolve`], an order or
//! `set_price` — bumps its `last_update_id`. A [`Feed`] remembers the book
//! as it last published it; [`Feed::publish`] diffs the current book
//! against that and emits one diff-depth event covering exactly the update
//! ids in between (`U` = last published + 1, `u` = current). So the
//! streamed events and the REST snapshot can never disagree: a local book
//! built by Binance's procedure equals the simulator's true book.

use std::collections::HashMap;

use rust_decimal::Decimal;

use crate::market::Market;
use crate::num::fmt8;
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
    symbol: String,
    lower: String,
    /// `@depth@100ms`: every change, as it happens.
    fast: Published,
    /// `@depth`: at most one event a second.
    slow: Published,
    best: Option<(Decimal, Decimal, Decimal, Decimal)>,
    last_trade: u64,
    /// The deterministic source of this symbol's book changes.
    pub(crate) rng: SplitMix64,
}

/// Which streams of a symbol have subscribers (so unwanted ones are not built).
#[derive(Debug, Clone, Copy, Default)]
pub struct Wanted {
    /// `@depth@100ms`.
    pub fast: bool,
    /// `@depth`.
    pub slow: bool,
    /// `@bookTicker`.
    pub book_ticker: bool,
    /// `@trade`.
    pub trade: bool,
    /// `@depth5` / `@depth10` / `@depth20` (with or without `@100ms`).
    pub partial: [bool; 3],
}

/// The levels a partial-depth stream carries.
pub const PARTIAL_LEVELS: [usize; 3] = [5, 10, 20];

impl Feed {
    /// Starts publishing `m` from its current state.
    pub fn new(m: &Market, seed: u64, now_ms: i64) -> Feed {
        Feed {
            symbol: m.symbol.clone(),
            lower: m.symbol.to_ascii_lowercase(),
            fast: Published::of(m, now_ms),
            slow: Published::of(m, now_ms),
            best: best(m),
            last_trade: m.trades.last().map_or(0, |t| t.id),
            rng: SplitMix64::for_stream(seed, &format!("stream/{}", m.symbol)),
        }
    }

    /// Whether `m` changed since the last publication.
    pub fn changed(&self, m: &Market) -> bool {
        m.last_update_id != self.fast.id
    }

    /// The events describing how `m` changed since the last call. The
    /// published state always advances; `withhold` drops the diff events
    /// themselves (a simulated gap or stall).
    pub fn publish(
        &mut self,
        m: &Market,
        now_ms: i64,
        wanted: Wanted,
        withhold: bool,
        out: &mut Vec<Event>,
    ) {
        if m.last_update_id != self.fast.id {
            if wanted.fast && !withhold {
                out.push(self.event("@depth@100ms", diff(&self.fast, m, &self.symbol, now_ms)));
            }
            for (i, n) in PARTIAL_LEVELS.iter().enumerate() {
                if wanted.partial[i] {
                    let stream = format!("@depth{n}");
                    out.push(self.event(&stream, partial(m, *n)));
                    out.push(self.event(&format!("{stream}@100ms"), partial(m, *n)));
                }
            }
            self.fast = Published::of(m, now_ms);
        }
        if m.last_update_id != self.slow.id && now_ms - self.slow.at_ms >= 1000 {
            if wanted.slow && !withhold {
                out.push(self.event("@depth", diff(&self.slow, m, &self.symbol, now_ms)));
            }
            self.slow = Published::of(m, now_ms);
        }
        let top = best(m);
        if top != self.best {
            if let (true, Some((bp, bq, ap, aq))) = (wanted.book_ticker, top) {
                let payload = format!(
                    r#"{{"u":{},"s":"{}","b":"{}","B":"{}","a":"{}","A":"{}"}}"#,
                    m.last_update_id,
                    self.symbol,
                    fmt8(bp),
                    fmt8(bq),
                    fmt8(ap),
                    fmt8(aq)
                );
                out.push(self.event("@bookTicker", payload));
            }
            self.best = top;
        }
        let seen = self.last_trade;
        for t in m.trades.iter().filter(|t| t.id > seen) {
            if wanted.trade {
                let payload = format!(
                    r#"{{"e":"trade","E":{now_ms},"s":"{}","t":{},"p":"{}","q":"{}","T":{},"m":{},"M":true}}"#,
                    self.symbol,
                    t.id,
                    fmt8(t.price),
                    fmt8(t.qty),
                    t.time,
                    t.is_buyer_maker
                );
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

fn levels_json(levels: impl Iterator<Item = (Decimal, Decimal)>) -> String {
    let mut s = String::from("[");
    for (i, (p, q)) in levels.enumerate() {
        if i > 0 {
            s.push(',');
        }
        s.push_str(&format!(r#"["{}","{}"]"#, fmt8(p), fmt8(q)));
    }
    s.push(']');
    s
}

/// Changes from `old` to `new` on one side: new or changed levels with
/// their absolute quantity, removed levels with quantity 0.
fn side_diff(old: &[(Decimal, Decimal)], new: &[(Decimal, Decimal)]) -> Vec<(Decimal, Decimal)> {
    let before: HashMap<Decimal, Decimal> = old.iter().copied().collect();
    let after: HashMap<Decimal, Decimal> = new.iter().copied().collect();
    let mut out: Vec<(Decimal, Decimal)> = new
        .iter()
        .filter(|(p, q)| before.get(p) != Some(q))
        .copied()
        .collect();
    out.extend(
        old.iter()
            .filter(|(p, _)| !after.contains_key(p))
            .map(|(p, _)| (*p, Decimal::ZERO)),
    );
    out
}

fn diff(old: &Published, m: &Market, symbol: &str, now_ms: i64) -> String {
    format!(
        r#"{{"e":"depthUpdate","E":{now_ms},"s":"{symbol}","U":{},"u":{},"b":{},"a":{}}}"#,
        old.id + 1,
        m.last_update_id,
        levels_json(side_diff(&old.bids, &m.bids).into_iter()),
        levels_json(side_diff(&old.asks, &m.asks).into_iter()),
    )
}

fn partial(m: &Market, n: usize) -> String {
    format!(
        r#"{{"lastUpdateId":{},"bids":{},"asks":{}}}"#,
        m.last_update_id,
        levels_json(m.bids.iter().take(n).copied()),
        levels_json(m.asks.iter().take(n).copied()),
    )
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
    use super::*;
    use crate::state::SimState;

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
                let mut book: std::collections::BTreeMap<Decimal, Decimal> =
                    old_side.iter().copied().collect();
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
        let mut feed = Feed::new(&m, 7, 0);
        let wanted = Wanted {
            fast: true,
            ..Default::default()
        };
        let mut out = Vec::new();
        let start = m.last_update_id;
        let mut rng = SplitMix64::new(2);
        evolve(&mut m, &mut rng);
        feed.publish(&m, 1, wanted, false, &mut out);
        evolve(&mut m, &mut rng);
        feed.publish(&m, 2, wanted, false, &mut out);
        assert_eq!(out.len(), 2);
        let ids = |e: &Event| {
            let v: serde_json::Value = serde_json::from_str(&e.payload).unwrap();
            (v["U"].as_u64().unwrap(), v["u"].as_u64().unwrap())
        };
        let (u1, l1) = ids(&out[0]);
        let (u2, l2) = ids(&out[1]);
        assert_eq!(u1, start + 1);
        assert_eq!(u2, l1 + 1);
        assert_eq!(l2, m.last_update_id);
        assert_eq!(out[0].stream, "ethusdt@depth@100ms");
    }
}
