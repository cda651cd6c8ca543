//! The JSON of each stream event, in each venue's shape.
//!
//! Spot prints prices and quantities with eight decimals and its diff
//! events carry `U`/`u`; USD-M futures prints each symbol's own precision
//! (as `/fapi/v1/depth` does) and its depth events also carry `T` and
//! `pu`, the last update id of the previous event on the same stream.

use std::collections::HashMap;

use rust_decimal::Decimal;

use super::Venue;
use crate::market::{Market, Trade};
use crate::num::{fmt_dp, precision_of, WIRE_DECIMALS};

/// How one symbol's events are written.
#[derive(Debug, Clone)]
pub(crate) struct Writer {
    venue: Venue,
    symbol: String,
    /// Decimals of prices and quantities on the wire.
    price_dp: u32,
    qty_dp: u32,
}

/// A book side as `[["price","qty"],...]` levels.
type Levels = [(Decimal, Decimal)];

impl Writer {
    pub(crate) fn new(venue: Venue, m: &Market) -> Writer {
        let (price_dp, qty_dp) = match venue {
            Venue::Spot => (WIRE_DECIMALS, WIRE_DECIMALS),
            Venue::UsdmFutures => (precision_of(m.tick_size), precision_of(m.step_size)),
        };
        Writer {
            venue,
            symbol: m.symbol.clone(),
            price_dp,
            qty_dp,
        }
    }

    fn levels(&self, levels: impl Iterator<Item = (Decimal, Decimal)>) -> String {
        let mut s = String::from("[");
        for (i, (p, q)) in levels.enumerate() {
            if i > 0 {
                s.push(',');
            }
            s.push_str(&format!(
                r#"["{}","{}"]"#,
                fmt_dp(p, self.price_dp),
                fmt_dp(q, self.qty_dp)
            ));
        }
        s.push(']');
        s
    }

    /// A `depthUpdate` from the book at `prev_id` to `m`, with `bids` and
    /// `asks` the levels it carries.
    fn depth_update(
        &self,
        prev_id: u64,
        m: &Market,
        bids: &Levels,
        asks: &Levels,
        now_ms: i64,
    ) -> String {
        let (b, a) = (
            self.levels(bids.iter().copied()),
            self.levels(asks.iter().copied()),
        );
        let (s, first, last) = (&self.symbol, prev_id + 1, m.last_update_id);
        match self.venue {
            Venue::Spot => format!(
                r#"{{"e":"depthUpdate","E":{now_ms},"s":"{s}","U":{first},"u":{last},"b":{b},"a":{a}}}"#
            ),
            Venue::UsdmFutures => format!(
                r#"{{"e":"depthUpdate","E":{now_ms},"T":{now_ms},"s":"{s}","U":{first},"u":{last},"pu":{prev_id},"b":{b},"a":{a}}}"#
            ),
        }
    }

    /// The diff event from the book `(old_bids, old_asks)` published as
    /// `prev_id` to `m`.
    pub(crate) fn diff(
        &self,
        prev_id: u64,
        old_bids: &Levels,
        old_asks: &Levels,
        m: &Market,
        now_ms: i64,
    ) -> String {
        let bids = side_diff(old_bids, &m.bids);
        let asks = side_diff(old_asks, &m.asks);
        self.depth_update(prev_id, m, &bids, &asks, now_ms)
    }

    /// The best `n` levels a side (futures: in the diff event's shape,
    /// `pu` the previous event's `u` on the same cadence).
    pub(crate) fn partial(&self, prev_id: u64, m: &Market, n: usize, now_ms: i64) -> String {
        let (bids, asks) = (
            &m.bids[..n.min(m.bids.len())],
            &m.asks[..n.min(m.asks.len())],
        );
        match self.venue {
            Venue::Spot => format!(
                r#"{{"lastUpdateId":{},"bids":{},"asks":{}}}"#,
                m.last_update_id,
                self.levels(bids.iter().copied()),
                self.levels(asks.iter().copied()),
            ),
            Venue::UsdmFutures => self.depth_update(prev_id, m, bids, asks, now_ms),
        }
    }

    /// The best bid and ask.
    pub(crate) fn book_ticker(
        &self,
        m: &Market,
        (bp, bq, ap, aq): (Decimal, Decimal, Decimal, Decimal),
        now_ms: i64,
    ) -> String {
        let (p, q) = (self.price_dp, self.qty_dp);
        let (bp, bq, ap, aq) = (fmt_dp(bp, p), fmt_dp(bq, q), fmt_dp(ap, p), fmt_dp(aq, q));
        let (u, s) = (m.last_update_id, &self.symbol);
        match self.venue {
            Venue::Spot => {
                format!(r#"{{"u":{u},"s":"{s}","b":"{bp}","B":"{bq}","a":"{ap}","A":"{aq}"}}"#)
            }
            Venue::UsdmFutures => format!(
                r#"{{"e":"bookTicker","u":{u},"E":{now_ms},"T":{now_ms},"s":"{s}","b":"{bp}","B":"{bq}","a":"{ap}","A":"{aq}"}}"#
            ),
        }
    }

    /// One public trade (spot only: futures trades are not on `/public`).
    pub(crate) fn trade(&self, t: &Trade, now_ms: i64) -> String {
        format!(
            r#"{{"e":"trade","E":{now_ms},"s":"{}","t":{},"p":"{}","q":"{}","T":{},"m":{},"M":true}}"#,
            self.symbol,
            t.id,
            fmt_dp(t.price, self.price_dp),
            fmt_dp(t.qty, self.qty_dp),
            t.time,
            t.is_buyer_maker
        )
    }
}

/// Changes from `old` to `new` on one side: new or changed levels with
/// their absolute quantity, removed levels with quantity 0.
pub(crate) fn side_diff(old: &Levels, new: &Levels) -> Vec<(Decimal, Decimal)> {
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
