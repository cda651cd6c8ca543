//! Account records a [`Scale`](crate::Scale) adds on top of the generated
//! ones: open LIMIT orders (`add_open_orders`) and dust balances
//! (`add_dust`); older history is [`super::backfill`].
//!
//! Each draws from its own random stream, so the default records stay
//! exactly as they are. Open orders rest away from the book (buys below the
//! best bid, sells above the best ask); the PARTIALLY_FILLED ones were
//! filled as maker by a real print of the public tape (same id, price,
//! quantity and time), like the default history. Every open order locks
//! what it still needs: the quote amount of a buy, the base amount of a
//! sell. As in the default account, `free` is what is left besides the
//! locked amounts, so it never goes negative.

use std::collections::HashSet;

use rust_decimal::Decimal;

use super::generate::{client_order_id, floor_to, new_order, standard_commission};
use super::model::{Balance, MyTrade, Order, OrderStatus, OrderType, Side};
use crate::market::{Market, Trade};
use crate::rng::SplitMix64;

/// First client-order number of the scaled open orders (per-symbol blocks
/// of 100 000 follow; placements via the API count from 1 000 000).
const OPEN_CLIENT_BASE: u64 = 2_000_000;

/// Percent of the added open orders that are PARTIALLY_FILLED.
const PARTIAL_PCT: u64 = 12;

/// An account trade of `side` on `m` (commission in the asset received, at
/// the standard rate), for `order_id`.
#[allow(clippy::too_many_arguments)]
pub(crate) fn my_trade(
    m: &Market,
    order_id: u64,
    id: u64,
    price: Decimal,
    qty: Decimal,
    time: i64,
    side: Side,
    is_maker: bool,
) -> MyTrade {
    let rate = standard_commission().taker;
    let quote_qty = (price * qty).round_dp(8);
    let (commission, asset) = match side {
        Side::Buy => ((qty * rate).round_dp(8), &m.base_asset),
        Side::Sell => ((quote_qty * rate).round_dp(8), &m.quote_asset),
    };
    MyTrade {
        symbol: m.symbol.clone(),
        id,
        order_id,
        order_list_id: -1,
        price,
        qty,
        quote_qty,
        commission,
        commission_asset: asset.clone(),
        time,
        is_buyer: side == Side::Buy,
        is_maker,
        is_best_match: true,
    }
}

/// The smallest quantity on `m`'s step grid, at least `qty`, whose
/// notional at `price` meets NOTIONAL's minimum.
pub(crate) fn meet_notional(m: &Market, price: Decimal, qty: Decimal) -> Decimal {
    let need = floor_to(m.min_notional / price, m.step_size) + m.step_size;
    let qty = qty.max(m.min_qty);
    if (price * qty).round_dp(8) >= m.min_notional {
        qty
    } else {
        need.max(qty)
    }
}

fn side(rng: &mut SplitMix64) -> Side {
    if rng.chance(50) {
        Side::Buy
    } else {
        Side::Sell
    }
}

/// A tape print the account could have been filled on as a resting `side`
/// order that still rests: below the best bid for a buy, above the best
/// ask for a sell, and not already one of the account's trades.
fn resting_print(
    rng: &mut SplitMix64,
    m: &Market,
    side: Side,
    used: &HashSet<u64>,
) -> Option<Trade> {
    let (bid, ask) = (m.bids.first()?.0, m.asks.first()?.0);
    (0..40).find_map(|_| {
        let t = &m.trades[rng.range(0, m.trades.len() as i64 - 1) as usize];
        let rests = match side {
            Side::Buy => t.price < bid,
            Side::Sell => t.price > ask,
        };
        (rests && !used.contains(&t.id)).then(|| t.clone())
    })
}

/// Adds open LIMIT orders on `m` until it has `target` (see
/// [`Scale::open_orders`](crate::Scale::open_orders)), locking their
/// balances. `block` numbers the symbol for client order ids.
#[allow(clippy::too_many_arguments)]
pub(crate) fn add_open_orders(
    seed: u64,
    anchor_ms: i64,
    m: &Market,
    block: u64,
    target: usize,
    balances: &mut [Balance],
    orders: &mut Vec<Order>,
    trades: &mut Vec<MyTrade>,
) {
    let mine = |o: &&Order| o.symbol == m.symbol;
    let open = orders
        .iter()
        .filter(mine)
        .filter(|o| o.status.is_open())
        .count();
    let extra = target.saturating_sub(open);
    if extra == 0 || m.trades.is_empty() {
        return;
    }
    let mut rng = SplitMix64::for_stream(seed, &format!("scale-open:{}", m.symbol));
    let mut used: HashSet<u64> = trades
        .iter()
        .filter(|t| t.symbol == m.symbol)
        .map(|t| t.id)
        .collect();
    let last = m.last_price();
    // Resting orders were placed while the tape ran (so after the older
    // history of [`super::backfill`]).
    let since = (anchor_ms - m.trades[0].time - 60_000).max(60_000);
    let mut added: Vec<(Order, Option<MyTrade>)> = Vec::with_capacity(extra);
    for k in 0..extra as u64 {
        let side = side(&mut rng);
        let client = client_order_id(seed, OPEN_CLIENT_BASE + block * 100_000 + k);
        let print = if rng.chance(PARTIAL_PCT) {
            resting_print(&mut rng, m, side, &used)
        } else {
            None
        };
        if let Some(t) = print {
            used.insert(t.id);
            let orig = t.qty * Decimal::from(rng.range(2, 6));
            let placed = t.time - rng.range(1_000, 600_000);
            let mut o = new_order(
                &m.symbol,
                0,
                client,
                OrderType::Limit,
                side,
                t.price,
                orig,
                placed,
            );
            let fill = my_trade(m, 0, t.id, t.price, t.qty, t.time, side, true);
            o.status = OrderStatus::PartiallyFilled;
            o.executed_qty = t.qty;
            o.cummulative_quote_qty = fill.quote_qty;
            o.update_time = t.time;
            added.push((o, Some(fill)));
            continue;
        }
        let permille = match side {
            Side::Buy => rng.range(800, 970),
            Side::Sell => rng.range(1030, 1250),
        };
        let price = floor_to(last * Decimal::new(permille, 3), m.tick_size).max(m.min_price);
        let notional = m.min_notional * Decimal::from(rng.range(4, 80));
        let qty = meet_notional(m, price, floor_to(notional / price, m.step_size));
        let placed = anchor_ms - rng.range(60_000, since);
        let o = new_order(
            &m.symbol,
            0,
            client,
            OrderType::Limit,
            side,
            price,
            qty,
            placed,
        );
        added.push((o, None));
    }
    added.sort_by_key(|(o, _)| o.time);
    let next = orders
        .iter()
        .filter(mine)
        .map(|o| o.order_id + 1)
        .max()
        .unwrap_or(1);
    for (order_id, (mut o, fill)) in (next..).zip(added) {
        o.order_id = order_id;
        let left = o.orig_qty - o.executed_qty;
        let (asset, amount) = match o.side {
            Side::Buy => (&m.quote_asset, (o.price * left).round_dp(8)),
            Side::Sell => (&m.base_asset, left),
        };
        if let Some(b) = balances.iter_mut().find(|b| &b.asset == asset) {
            b.locked += amount;
        }
        if let Some(mut t) = fill {
            t.order_id = order_id;
            trades.push(t);
        }
        orders.push(o);
    }
}

/// Adds up to `count` small balances ($0.01–$20 worth, free, nothing
/// locked) in the base assets of the markets after the fixed ones, one per
/// asset, skipping assets the account already holds.
pub(crate) fn add_dust(seed: u64, markets: &[Market], count: usize, balances: &mut Vec<Balance>) {
    if count == 0 {
        return;
    }
    let mut rng = SplitMix64::for_stream(seed, "scale-dust");
    let last = |symbol: &str| {
        markets
            .iter()
            .find(|m| m.symbol == symbol)
            .map_or(Decimal::ONE, |m| m.last_price())
    };
    let (btc, eth) = (last("BTCUSDT"), last("ETHUSDT"));
    let mut held: HashSet<String> = balances.iter().map(|b| b.asset.clone()).collect();
    let mut added = 0;
    for m in markets.iter().skip(crate::spec::MARKET_SPECS.len()) {
        if added == count {
            break;
        }
        if !held.insert(m.base_asset.clone()) {
            continue;
        }
        added += 1;
        let quote_usd = match m.quote_asset.as_str() {
            "BTC" => btc,
            "ETH" => eth,
            _ => Decimal::ONE,
        };
        let value = Decimal::new(rng.range(1, 2_000), 2);
        let unit = m.last_price() * quote_usd;
        balances.push(Balance {
            asset: m.base_asset.clone(),
            free: (value / unit).round_dp(8).max(Decimal::new(1, 8)),
            locked: Decimal::ZERO,
        });
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;
    use crate::num::on_grid;
    use crate::scale::{large_state, TEST_ANCHOR};

    #[test]
    fn open_orders_rest_away_from_the_book_and_lock_their_balance() {
        let state = large_state();
        let a = state.account();
        let mut locked: Vec<(String, Decimal)> = Vec::new();
        let mut lock = |asset: &str, amount: Decimal| match locked.iter_mut().find(|l| l.0 == asset)
        {
            Some(l) => l.1 += amount,
            None => locked.push((asset.to_string(), amount)),
        };
        for symbol in ["BTCUSDT", "ETHUSDT"] {
            let m = state.market(symbol).unwrap();
            let open: Vec<&Order> = a
                .orders
                .iter()
                .filter(|o| o.symbol == symbol && o.status.is_open())
                .collect();
            assert_eq!(open.len(), 200, "{symbol}");
            let partial: Vec<&&Order> = open
                .iter()
                .filter(|o| o.status == OrderStatus::PartiallyFilled)
                .collect();
            assert!(partial.len() >= 5, "{symbol}: {}", partial.len());
            for o in &open {
                assert_eq!(o.order_type, OrderType::Limit);
                assert!(o.is_working && o.executed_qty < o.orig_qty);
                assert!(on_grid(o.price, m.tick_size) && on_grid(o.orig_qty, m.step_size));
                assert!((o.price * o.orig_qty).round_dp(8) >= m.min_notional);
                match o.side {
                    Side::Buy => assert!(o.price < m.bids[0].0, "{symbol} {}", o.price),
                    Side::Sell => assert!(o.price > m.asks[0].0, "{symbol} {}", o.price),
                }
                let left = o.orig_qty - o.executed_qty;
                match o.side {
                    Side::Buy => lock(&m.quote_asset, (o.price * left).round_dp(8)),
                    Side::Sell => lock(&m.base_asset, left),
                }
            }
            for o in partial {
                let fills: Vec<&MyTrade> = a
                    .trades
                    .iter()
                    .filter(|t| t.symbol == symbol && t.order_id == o.order_id)
                    .collect();
                assert_eq!(fills.len(), 1);
                let print = m.trades.iter().find(|t| t.id == fills[0].id).unwrap();
                assert_eq!(
                    (print.price, print.qty, print.time),
                    (fills[0].price, fills[0].qty, fills[0].time)
                );
                assert_eq!(o.executed_qty, fills[0].qty);
                assert!(fills[0].is_maker);
            }
            let ids: HashSet<u64> = a
                .orders
                .iter()
                .filter(|o| o.symbol == symbol)
                .map(|o| o.order_id)
                .collect();
            assert_eq!(
                ids.len(),
                a.orders.iter().filter(|o| o.symbol == symbol).count()
            );
        }
        for b in &a.balances {
            assert!(
                b.free >= Decimal::ZERO && b.locked >= Decimal::ZERO,
                "{}",
                b.asset
            );
            let want = locked
                .iter()
                .find(|l| l.0 == b.asset)
                .map_or(Decimal::ZERO, |l| l.1);
            assert_eq!(b.locked, want, "{}", b.asset);
        }
        let clients: HashSet<&str> = a
            .orders
            .iter()
            .map(|o| o.client_order_id.as_str())
            .collect();
        assert_eq!(clients.len(), a.orders.len());
    }

    #[test]
    fn dust_balances_are_small_and_in_listing_assets() {
        let state = large_state();
        let a = state.account();
        assert_eq!(a.balances.len(), 7 + 300);
        let assets: HashSet<&str> = a.balances.iter().map(|b| b.asset.as_str()).collect();
        assert_eq!(assets.len(), a.balances.len());
        let listed: HashSet<&str> = state.markets()[crate::spec::MARKET_SPECS.len()..]
            .iter()
            .map(|m| m.base_asset.as_str())
            .collect();
        for b in &a.balances[7..] {
            assert!(listed.contains(b.asset.as_str()), "{}", b.asset);
            assert!(b.free > Decimal::ZERO && b.locked.is_zero());
            assert!(b.free.scale() <= 8);
        }
        // Every spot snapshot lists them too.
        assert!(a
            .snapshots
            .iter()
            .all(|s| s.balances.len() == a.balances.len()));
    }

    #[test]
    fn default_records_survive_scaling() {
        let small = crate::SimState::generate(42, TEST_ANCHOR).account();
        let large = large_state().account();
        assert_eq!(small.uid, large.uid);
        for o in &small.orders {
            assert!(large.orders.contains(o), "{} {}", o.symbol, o.order_id);
        }
        for t in &small.trades {
            assert!(large.trades.contains(t), "{} {}", t.symbol, t.id);
        }
        assert!(small.deposits.iter().all(|d| large.deposits.contains(d)));
        assert!(small
            .withdrawals
            .iter()
            .all(|w| large.withdrawals.contains(w)));
        assert!(small.transfers.iter().all(|t| large.transfers.contains(t)));
        for (s, l) in small.balances.iter().zip(&large.balances) {
            assert_eq!((&s.asset, s.free), (&l.asset, l.free));
            assert!(l.locked >= s.locked);
        }
    }
}
