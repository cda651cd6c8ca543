//! Older account history for [`Scale::history`](crate::Scale::history):
//! FILLED, CANCELED and EXPIRED orders, placed before the public tape
//! begins, with the trades that filled them.
//!
//! The orders are laid out half an hour apart, oldest first, ending ten
//! minutes before the tape's first print, so the older history never
//! overlaps the default one. Prices follow the market's price path (the
//! one its klines follow). Order ids and trade ids increase with time and
//! stay below the default history's, leaving gaps where other users'
//! orders and trades would be, as on a real exchange.

use rust_decimal::Decimal;

use super::generate::{client_order_id, floor_to, new_order};
use super::model::{Balance, MyTrade, Order, OrderStatus, OrderType, Side};
use super::scaled::{add_open_orders, meet_notional, my_trade};
use crate::market::Market;
use crate::num::units;
use crate::rng::SplitMix64;
use crate::scale::Scale;

/// Time between two older orders' slots.
const SLOT_MS: i64 = 30 * 60_000;

/// The most orders or trades per symbol the backfill generates.
pub const MAX_HISTORY: usize = 100_000;

/// First client-order number of the backfilled orders (per-symbol blocks
/// of 1 000 000 follow).
const CLIENT_BASE: u64 = 10_000_000;

/// One older order before its times, prices and ids are drawn.
struct Plan {
    status: OrderStatus,
    kind: OrderType,
    side: Side,
    fills: usize,
    time_in_force: &'static str,
}

fn plan(rng: &mut SplitMix64) -> Plan {
    let side = if rng.chance(50) {
        Side::Buy
    } else {
        Side::Sell
    };
    let (status, kind, fills, time_in_force) = match rng.range(0, 99) {
        0..=69 => {
            let kind = match rng.range(0, 99) {
                0..=44 => OrderType::Limit,
                45..=84 => OrderType::Market,
                _ => OrderType::StopLossLimit,
            };
            (OrderStatus::Filled, kind, rng.range(1, 3) as usize, "GTC")
        }
        70..=89 => {
            let kind = if rng.chance(80) {
                OrderType::Limit
            } else {
                OrderType::StopLossLimit
            };
            (OrderStatus::Canceled, kind, 0, "GTC")
        }
        _ => {
            let tif = if rng.chance(50) { "IOC" } else { "FOK" };
            (OrderStatus::Expired, OrderType::Limit, 0, tif)
        }
    };
    Plan {
        status,
        kind,
        side,
        fills,
        time_in_force,
    }
}

/// `steps` split into `parts` positive step counts.
fn split(rng: &mut SplitMix64, steps: i64, parts: usize) -> Vec<i64> {
    let mut left = steps;
    let mut out = Vec::with_capacity(parts);
    for k in (1..parts as i64).rev() {
        let part = (left * rng.range(20, 60) / 100).clamp(1, left - k);
        out.push(part);
        left -= part;
    }
    out.push(left);
    out
}

/// `price * permille / 1000` down on the tick grid, at least minPrice.
fn scaled(m: &Market, price: Decimal, permille: i64) -> Decimal {
    floor_to(price * Decimal::new(permille, 3), m.tick_size).max(m.min_price)
}

/// Adds `scale`'s open orders, then its older history, to each of the
/// `traded` markets (those with a tape of more than 100 prints).
pub(crate) fn extend(
    seed: u64,
    anchor_ms: i64,
    traded: &[&Market],
    scale: &Scale,
    balances: &mut [Balance],
    orders: &mut Vec<Order>,
    trades: &mut Vec<MyTrade>,
) {
    let active = traded.iter().filter(|m| m.trades.len() > 100);
    for (block, m) in (0u64..).zip(active) {
        add_open_orders(
            seed,
            anchor_ms,
            m,
            block,
            scale.open_orders,
            balances,
            orders,
            trades,
        );
        backfill(seed, m, block, scale.history, orders, trades);
    }
}

/// Adds older orders and trades on `m` until it has at least `target` of
/// each (at most [`MAX_HISTORY`]). `block` numbers the symbol for client
/// order ids.
pub(crate) fn backfill(
    seed: u64,
    m: &Market,
    block: u64,
    target: usize,
    orders: &mut Vec<Order>,
    trades: &mut Vec<MyTrade>,
) {
    let target = target.min(MAX_HISTORY);
    let have_orders = orders.iter().filter(|o| o.symbol == m.symbol).count();
    let have_trades = trades.iter().filter(|t| t.symbol == m.symbol).count();
    let (need_orders, need_trades) = (
        target.saturating_sub(have_orders),
        target.saturating_sub(have_trades),
    );
    let Some(first_print) = m.trades.first() else {
        return;
    };
    if need_orders == 0 && need_trades == 0 {
        return;
    }
    let mut rng = SplitMix64::for_stream(seed, &format!("scale-history:{}", m.symbol));
    let mut plans = Vec::new();
    let mut fills = 0;
    while plans.len() < need_orders || fills < need_trades {
        let p = plan(&mut rng);
        fills += p.fills;
        plans.push(p);
    }

    let n = plans.len() as i64;
    let first_order = orders
        .iter()
        .filter(|o| o.symbol == m.symbol)
        .map(|o| o.order_id)
        .min()
        .unwrap_or(1_000_000) as i64;
    let order_stride = ((first_order - 1) / (n + 1)).clamp(1, 400);
    let trade_stride = ((first_print.id as i64 - 1) / (fills as i64 + 1)).clamp(1, 50_000);
    let end = first_print.time - 600_000;
    let grid = m.grid();
    let price_at = |t: i64| {
        let ticks = m.path.ticks_at(t).clamp(grid.min_ticks, grid.max_ticks);
        units(ticks, m.tick_size)
    };
    let mut trade_j = 0i64;
    for (i, p) in plans.iter().enumerate() {
        let slots_back = n - i as i64;
        let placed = end - slots_back * SLOT_MS + rng.range(0, SLOT_MS / 4);
        let order_id = first_order - slots_back * order_stride + rng.range(0, order_stride - 1);
        let touch = price_at(placed);
        let steps = (m.typical_steps * rng.range(10, 300) / 100)
            .max(p.fills as i64)
            .max(1);
        let qty = meet_notional(m, touch, units(steps, m.step_size));
        let client = client_order_id(seed, CLIENT_BASE + block * 1_000_000 + i as u64);
        let mut o = new_order(
            &m.symbol,
            order_id as u64,
            client,
            p.kind,
            p.side,
            touch,
            qty,
            placed,
        );
        o.status = p.status;
        o.time_in_force = p.time_in_force.to_string();
        let away = |buy: (i64, i64), sell: (i64, i64), rng: &mut SplitMix64| match p.side {
            Side::Buy => rng.range(buy.0, buy.1),
            Side::Sell => rng.range(sell.0, sell.1),
        };
        match p.status {
            OrderStatus::Filled => {
                let steps = qty / m.step_size;
                let steps: i64 = steps.trunc().try_into().unwrap_or(1);
                let parts = split(&mut rng, steps, p.fills);
                let mut time = placed;
                let (mut executed, mut quote) = (Decimal::ZERO, Decimal::ZERO);
                for (k, part) in parts.iter().enumerate() {
                    time += match p.kind {
                        OrderType::Market => i64::from(k > 0),
                        _ => rng.range(1_000, SLOT_MS / 2 / p.fills as i64),
                    };
                    if k == 0 && p.kind == OrderType::StopLossLimit {
                        // Triggered at the market price of that moment.
                        o.stop_price = price_at(time);
                        o.price = scaled(m, o.stop_price, away((1002, 1002), (998, 998), &mut rng));
                        o.working_time = time;
                    }
                    let price = match p.kind {
                        OrderType::Market => price_at(time),
                        OrderType::StopLossLimit => o.stop_price,
                        // The history only has LIMIT, MARKET and
                        // STOP_LOSS_LIMIT orders.
                        _ => touch,
                    };
                    // Trade j of all: below the tape's first id, increasing.
                    let trade_id = first_print.id as i64 - (fills as i64 - trade_j) * trade_stride
                        + rng.range(0, trade_stride - 1);
                    trade_j += 1;
                    let qty = units(*part, m.step_size);
                    let is_maker = p.kind == OrderType::Limit;
                    let t = my_trade(
                        m,
                        o.order_id,
                        trade_id as u64,
                        price,
                        qty,
                        time,
                        p.side,
                        is_maker,
                    );
                    executed += t.qty;
                    quote += t.quote_qty;
                    trades.push(t);
                }
                o.executed_qty = executed;
                o.cummulative_quote_qty = quote;
                o.update_time = time;
                o.is_working = p.kind != OrderType::Market;
                if p.kind == OrderType::Market {
                    o.price = Decimal::ZERO;
                }
            }
            OrderStatus::Canceled => {
                if p.kind == OrderType::StopLossLimit {
                    o.stop_price = scaled(m, touch, away((1020, 1050), (950, 980), &mut rng));
                    o.price = scaled(m, o.stop_price, away((1002, 1002), (998, 998), &mut rng));
                    // An untriggered stop order never started working.
                    o.working_time = -1;
                } else {
                    o.price = scaled(m, touch, away((950, 990), (1010, 1050), &mut rng));
                }
                o.is_working = false;
                o.update_time = placed + rng.range(60_000, SLOT_MS / 2);
            }
            _ => {
                o.price = scaled(m, touch, away((990, 998), (1002, 1010), &mut rng));
                o.is_working = false;
            }
        }
        orders.push(o);
    }
}

#[cfg(test)]
mod tests {
    use std::collections::{HashMap, HashSet};

    use super::*;
    use crate::num::on_grid;
    use crate::scale::large_state;

    #[test]
    fn history_reaches_the_target_and_adds_up() {
        let state = large_state();
        let a = state.account();
        for symbol in ["BTCUSDT", "ETHUSDT"] {
            let m = state.market(symbol).unwrap();
            let orders: HashMap<u64, &Order> = a
                .orders
                .iter()
                .filter(|o| o.symbol == symbol)
                .map(|o| (o.order_id, o))
                .collect();
            let trades: Vec<&MyTrade> = a.trades.iter().filter(|t| t.symbol == symbol).collect();
            assert!(orders.len() >= 1200 && trades.len() >= 1200, "{symbol}");
            assert_eq!(
                orders.len(),
                a.orders.iter().filter(|o| o.symbol == symbol).count()
            );
            // Oldest first, ids increasing with time, no id twice.
            assert!(trades
                .windows(2)
                .all(|w| w[0].time <= w[1].time && w[0].id < w[1].id));
            let mut per_order: HashMap<u64, (Decimal, Decimal)> = HashMap::new();
            for t in &trades {
                let o = orders.get(&t.order_id).expect("trade without order");
                assert!(matches!(
                    o.status,
                    OrderStatus::Filled | OrderStatus::PartiallyFilled
                ));
                assert_eq!(t.is_buyer, o.side == Side::Buy);
                assert!(t.time >= o.time && t.time <= o.update_time);
                assert!(on_grid(t.price, m.tick_size) && on_grid(t.qty, m.step_size));
                assert_eq!(t.quote_qty, (t.price * t.qty).round_dp(8));
                let e = per_order.entry(t.order_id).or_default();
                e.0 += t.qty;
                e.1 += t.quote_qty;
            }
            let mut kinds = HashSet::new();
            let mut statuses = HashSet::new();
            for o in orders.values() {
                kinds.insert(format!("{:?}", o.order_type));
                statuses.insert(format!("{:?}", o.status));
                let (qty, quote) = per_order.get(&o.order_id).copied().unwrap_or_default();
                assert_eq!((qty, quote), (o.executed_qty, o.cummulative_quote_qty));
                match o.status {
                    OrderStatus::Filled => assert_eq!(o.executed_qty, o.orig_qty),
                    OrderStatus::Canceled | OrderStatus::Expired | OrderStatus::New => {
                        assert!(o.executed_qty.is_zero())
                    }
                    OrderStatus::PartiallyFilled => assert!(o.executed_qty < o.orig_qty),
                }
                if o.order_type == OrderType::StopLossLimit {
                    assert!(o.stop_price > Decimal::ZERO && o.price > Decimal::ZERO);
                    assert!(on_grid(o.stop_price, m.tick_size));
                }
                assert!(on_grid(o.price, m.tick_size) && on_grid(o.orig_qty, m.step_size));
                assert!(o.update_time >= o.time);
            }
            assert_eq!(kinds.len(), 3, "{kinds:?}");
            assert_eq!(statuses.len(), 5, "{statuses:?}");
            // The backfilled orders (ten minutes and more before the tape)
            // have ids increasing with time, below every other order id.
            let tape_start = m.trades[0].time - 600_000;
            let mut old: Vec<&&Order> = orders.values().filter(|o| o.time < tape_start).collect();
            old.sort_by_key(|o| o.time);
            assert!(old.len() > 900, "{}", old.len());
            for w in old.windows(2) {
                assert!(
                    w[0].order_id < w[1].order_id,
                    "{symbol} {:?} {:?}",
                    w[0],
                    w[1]
                );
            }
            let newest_old = old.last().unwrap().order_id;
            assert!(orders
                .values()
                .filter(|o| o.time >= tape_start)
                .all(|o| o.order_id > newest_old));
        }
    }

    #[test]
    fn split_and_caps() {
        let mut rng = SplitMix64::new(5);
        for (steps, parts) in [(1, 1), (3, 3), (10, 2), (1000, 3)] {
            let s = split(&mut rng, steps, parts);
            assert_eq!(s.len(), parts);
            assert_eq!(s.iter().sum::<i64>(), steps);
            assert!(s.iter().all(|p| *p >= 1));
        }
        let scale = crate::Scale {
            history: 40,
            ..crate::Scale::default()
        };
        let a = crate::SimState::generate_scaled(9, crate::scale::TEST_ANCHOR, &scale).account();
        for symbol in ["BTCUSDT", "ETHUSDT"] {
            assert!(a.orders.iter().filter(|o| o.symbol == symbol).count() >= 40);
            assert!(a.trades.iter().filter(|t| t.symbol == symbol).count() >= 40);
        }
    }
}
