//! Generates the simulated account from the seed and the markets' tapes.
//!
//! The trade history reuses real prints of the BTCUSDT and ETHUSDT tapes
//! (same id, price, quantity and time), so `myTrades` is consistent with
//! `GET /api/v3/trades`; every trade has the FILLED order it executed, and
//! open LIMIT orders lock exactly the balance they would on Binance.

use std::collections::HashMap;

use rust_decimal::Decimal;

use super::history::{deposit_addresses, deposits, transfers, withdrawals};
use super::model::*;
use super::snapshots::{futures_snapshots, margin_snapshots};
use crate::market::{Market, DAY_MS};
use crate::rng::{hash_parts, SplitMix64};
use crate::scale::Scale;

/// Assets in the order `balances` lists them; the last two stay at zero.
const ASSETS: [&str; 7] = ["BTC", "USDT", "ETH", "BNB", "LTC", "XYZ", "DOGE"];

/// Trades generated per symbol of [`TRADED`].
const TRADES_PER_SYMBOL: usize = 18;

/// Symbols with a generated trade history.
const TRADED: [&str; 2] = ["BTCUSDT", "ETHUSDT"];

/// Standard commission: 0.1 % maker and taker.
pub fn standard_commission() -> CommissionRates {
    CommissionRates {
        maker: Decimal::new(1, 3),
        taker: Decimal::new(1, 3),
        buyer: Decimal::ZERO,
        seller: Decimal::ZERO,
    }
}

/// A decimal `lo..=hi` hundredths, e.g. `amount(r, 50, 150)` is 0.50–1.50.
fn hundredths(rng: &mut SplitMix64, lo: i64, hi: i64) -> Decimal {
    Decimal::new(rng.range(lo, hi), 2)
}

/// `value` truncated down to a multiple of `unit`.
pub fn floor_to(value: Decimal, unit: Decimal) -> Decimal {
    if unit.is_zero() {
        value
    } else {
        (value / unit).floor() * unit
    }
}

pub(crate) fn hex(seed: u64, parts: &[&[u8]], len: usize) -> String {
    let mut out = String::new();
    let mut i = 0u64;
    while out.len() < len {
        let idx = i.to_le_bytes();
        let mut all: Vec<&[u8]> = parts.to_vec();
        all.push(&idx);
        out.push_str(&format!("{:016x}", hash_parts(seed, &all)));
        i += 1;
    }
    out.truncate(len);
    out
}

/// A client order id in Binance's generated style (22 alphanumerics).
pub fn client_order_id(seed: u64, n: u64) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let mut rng = SplitMix64::new(hash_parts(seed, &[b"client", &n.to_le_bytes()]));
    (0..22)
        .map(|_| ALPHABET[(rng.next_u64() % ALPHABET.len() as u64) as usize] as char)
        .collect()
}

/// A filled or resting order with Binance's defaults for the rest.
#[allow(clippy::too_many_arguments)]
pub fn new_order(
    symbol: &str,
    order_id: u64,
    client_order_id: String,
    order_type: OrderType,
    side: Side,
    price: Decimal,
    qty: Decimal,
    time: i64,
) -> Order {
    Order {
        symbol: symbol.to_string(),
        order_id,
        order_list_id: -1,
        client_order_id,
        price,
        orig_qty: qty,
        executed_qty: Decimal::ZERO,
        cummulative_quote_qty: Decimal::ZERO,
        status: OrderStatus::New,
        time_in_force: "GTC".to_string(),
        order_type,
        side,
        stop_price: Decimal::ZERO,
        iceberg_qty: Decimal::ZERO,
        time,
        update_time: time,
        is_working: true,
        working_time: time,
        orig_quote_order_qty: Decimal::ZERO,
        self_trade_prevention_mode: "EXPIRE_MAKER".to_string(),
    }
}

/// The whole account for `seed`, from markets anchored at `anchor_ms`.
pub fn generate(seed: u64, anchor_ms: i64, markets: &[Market]) -> AccountSnapshot {
    generate_scaled(seed, anchor_ms, markets, &Scale::default())
}

/// [`generate`] plus the open orders, older history, wallet history and
/// dust balances `scale` asks for.
pub fn generate_scaled(
    seed: u64,
    anchor_ms: i64,
    markets: &[Market],
    scale: &Scale,
) -> AccountSnapshot {
    let mut rng = SplitMix64::for_stream(seed, "account");
    let commission = standard_commission();
    let by_symbol: HashMap<&str, &Market> =
        markets.iter().map(|m| (m.symbol.as_str(), m)).collect();
    let market = |s: &str| by_symbol.get(s).copied();
    let mut balances: Vec<Balance> = ASSETS
        .iter()
        .enumerate()
        .map(|(i, a)| {
            let free = match i {
                0 => hundredths(&mut rng, 50, 150),
                1 => Decimal::from(rng.range(5_000, 20_000)),
                2 => hundredths(&mut rng, 300, 1_000),
                3 => hundredths(&mut rng, 500, 2_000),
                4 => hundredths(&mut rng, 1_000, 5_000),
                _ => Decimal::ZERO,
            };
            Balance {
                asset: a.to_string(),
                free,
                locked: Decimal::ZERO,
            }
        })
        .collect();
    super::scaled::add_dust(seed, markets, scale.dust_assets, &mut balances);

    let mut orders = Vec::new();
    let mut trades = Vec::new();
    let mut client_n = 0u64;
    for symbol in TRADED {
        let Some(m) = market(symbol).filter(|m| m.trades.len() > 100) else {
            continue;
        };
        let mut order_id = rng.range(1_000_000, 9_000_000) as u64;
        let span = m.trades.len() - 100;
        for k in 0..TRADES_PER_SYMBOL {
            let idx = 50 + k * span / TRADES_PER_SYMBOL + rng.range(0, 3) as usize;
            let t = &m.trades[idx];
            let side = if rng.chance(50) {
                Side::Buy
            } else {
                Side::Sell
            };
            let is_maker = rng.chance(40);
            let quote = (t.price * t.qty).round_dp(8);
            let (fee, fee_asset) = match side {
                Side::Buy => ((t.qty * commission.taker).round_dp(8), &m.base_asset),
                Side::Sell => ((quote * commission.taker).round_dp(8), &m.quote_asset),
            };
            let (order_type, price, placed) = if is_maker {
                (
                    OrderType::Limit,
                    t.price,
                    t.time - rng.range(1_000, 600_000),
                )
            } else {
                (OrderType::Market, Decimal::ZERO, t.time)
            };
            client_n += 1;
            let mut o = new_order(
                symbol,
                order_id,
                client_order_id(seed, client_n),
                order_type,
                side,
                price,
                t.qty,
                placed,
            );
            o.executed_qty = t.qty;
            o.cummulative_quote_qty = quote;
            o.status = OrderStatus::Filled;
            o.update_time = t.time;
            o.is_working = is_maker;
            orders.push(o);
            trades.push(MyTrade {
                symbol: symbol.to_string(),
                id: t.id,
                order_id,
                order_list_id: -1,
                price: t.price,
                qty: t.qty,
                quote_qty: quote,
                commission: fee,
                commission_asset: fee_asset.clone(),
                time: t.time,
                is_buyer: side == Side::Buy,
                is_maker,
                is_best_match: true,
            });
            order_id += 1;
        }
        // Resting and cancelled orders, away from the last price.
        let last = m.last_price();
        let resting = [
            (Side::Buy, 90, 3u32, OrderStatus::New),
            (Side::Sell, 108, 2, OrderStatus::New),
            (Side::Sell, 120, 1, OrderStatus::Canceled),
        ];
        for (side, pct, qty_steps, status) in resting {
            let price = floor_to(last * Decimal::new(pct, 2), m.tick_size);
            let qty = floor_to(
                m.min_qty.max(m.step_size) * Decimal::from(qty_steps * 1000),
                m.step_size,
            );
            let time = anchor_ms - rng.range(60_000, 3_600_000);
            client_n += 1;
            let mut o = new_order(
                symbol,
                order_id,
                client_order_id(seed, client_n),
                OrderType::Limit,
                side,
                price,
                qty,
                time,
            );
            o.status = status;
            if status == OrderStatus::Canceled {
                o.is_working = false;
                o.update_time = time + rng.range(1_000, 50_000);
            } else {
                let (asset, amount) = match side {
                    Side::Buy => (&m.quote_asset, (price * qty).round_dp(8)),
                    Side::Sell => (&m.base_asset, qty),
                };
                if let Some(b) = balances.iter_mut().find(|b| &b.asset == asset) {
                    b.locked += amount;
                }
            }
            orders.push(o);
            order_id += 1;
        }
    }
    let traded: Vec<&Market> = TRADED.iter().filter_map(|s| market(s)).collect();
    let (b, o, t) = (&mut balances, &mut orders, &mut trades);
    super::backfill::extend(seed, anchor_ms, &traded, scale, b, o, t);
    trades.sort_by_key(|t| (t.time, t.id));
    orders.sort_by_key(|o| (o.time, o.order_id));
    let update_time = orders
        .iter()
        .map(|o| o.update_time)
        .max()
        .unwrap_or(anchor_ms);

    let deposit_addresses = deposit_addresses(seed);
    let price_btc = |asset: &str| -> Decimal {
        let btc = market("BTCUSDT").map_or(Decimal::ONE, |m| m.last_price());
        match asset {
            "BTC" => Decimal::ONE,
            "USDT" => Decimal::ONE / btc,
            a => market(&format!("{a}USDT")).map_or(Decimal::ZERO, |m| m.last_price() / btc),
        }
    };
    let snapshots: Vec<DailySnapshot> = (1..=7)
        .rev()
        .map(|d| {
            let day_start = (anchor_ms.div_euclid(DAY_MS) - d) * DAY_MS;
            let jitter = Decimal::new(1000 + rng.range(-20, 20), 3);
            let balances: Vec<Balance> = balances
                .iter()
                .map(|b| Balance {
                    asset: b.asset.clone(),
                    free: ((b.free + b.locked) * jitter).round_dp(8),
                    locked: Decimal::ZERO,
                })
                .collect();
            let total = balances
                .iter()
                .map(|b| b.free * price_btc(&b.asset))
                .sum::<Decimal>()
                .round_dp(8);
            DailySnapshot {
                update_time: day_start + DAY_MS - 1000,
                total_asset_of_btc: total,
                balances,
            }
        })
        .collect();

    let days: Vec<i64> = snapshots.iter().map(|s| s.update_time).collect();
    let margin_snapshots = margin_snapshots(seed, &days, &price_btc);
    let futures_snapshots = futures_snapshots(seed, &days, markets);

    // Drawn in this order from the account stream, as they always were.
    let uid = rng.range(100_000_000, 999_999_999) as u64;
    let mut deposit_rows = deposits(seed, &mut rng, anchor_ms, &deposit_addresses);
    let mut withdrawal_rows = withdrawals(seed, &mut rng, anchor_ms);
    let mut transfer_rows = transfers(&mut rng, anchor_ms);
    super::wallet_bulk::extend(
        seed,
        anchor_ms,
        scale,
        &deposit_addresses,
        &mut deposit_rows,
        &mut withdrawal_rows,
        &mut transfer_rows,
    );

    AccountSnapshot {
        uid,
        deposits: deposit_rows,
        withdrawals: withdrawal_rows,
        transfers: transfer_rows,
        balances,
        orders,
        trades,
        snapshots,
        margin_snapshots,
        futures_snapshots,
        order_lists: Vec::new(),
        commission,
        deposit_addresses,
        update_time,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::MARKET_SPECS;

    const ANCHOR: i64 = 1_750_000_000_000;

    fn account(seed: u64) -> AccountSnapshot {
        let markets: Vec<Market> = MARKET_SPECS
            .iter()
            .map(|s| Market::generate(s, seed, ANCHOR))
            .collect();
        generate(seed, ANCHOR, &markets)
    }

    #[test]
    fn same_seed_same_account() {
        assert_eq!(account(42), account(42));
        assert_ne!(account(42), account(43));
    }

    #[test]
    fn history_is_consistent() {
        let a = account(42);
        assert!(a.trades.len() >= 30);
        assert!(a.trades.iter().any(|t| t.is_buyer) && a.trades.iter().any(|t| !t.is_buyer));
        for t in &a.trades {
            let o = a
                .orders
                .iter()
                .find(|o| o.order_id == t.order_id && o.symbol == t.symbol)
                .unwrap();
            assert_eq!((o.status, o.executed_qty), (OrderStatus::Filled, t.qty));
        }
        let open = a
            .orders
            .iter()
            .filter(|o| o.status == OrderStatus::New)
            .count();
        assert!(open >= 3);
        assert!(a.orders.iter().any(|o| o.status == OrderStatus::Canceled));
        assert!(
            a.balances
                .iter()
                .filter(|b| b.free.is_zero() && b.locked.is_zero())
                .count()
                >= 2
        );
        assert!(a.balances.iter().any(|b| !b.locked.is_zero()));
        assert_eq!(a.snapshots.len(), 7);
        assert!(a
            .snapshots
            .windows(2)
            .all(|w| w[1].update_time - w[0].update_time == DAY_MS));
    }
}
