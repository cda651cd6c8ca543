//! The futures account as generated from the seed: the wallet
//! ([`SEED_WALLET`]), an income history and a few
//! forced orders, all deterministic and anchored at the start time.
//!
//! Income (within the last 7 days, so the default `income` window shows
//! it): a TRANSFER six days before the anchor, then, on the first two
//! trading USDT symbols, three days of COMMISSION, REALIZED_PNL and
//! FUNDING_FEE entries; the transfer is sized so the wallet ends at
//! exactly `SEED_WALLET`. Forced orders: two LIQUIDATION orders and one
//! ADL order in the last three days. The history stands alone: it leaves
//! no position open.

use rust_decimal::Decimal;

use super::account::{FOrder, ForceOrder, IncomeType, Status};
use super::{FuturesAccount, Side, SEED_WALLET};
use crate::market::{Market, DAY_MS};
use crate::num::{precision_of, units};
use crate::rng::SplitMix64;

/// Generates the account for `seed` at `anchor_ms` over `markets`.
pub fn generate(seed: u64, anchor_ms: i64, markets: &[Market]) -> FuturesAccount {
    let mut a = FuturesAccount::empty(seed, SEED_WALLET);
    let mut rng = SplitMix64::for_stream(seed, "futures-history");
    let symbols: Vec<&Market> = markets
        .iter()
        .filter(|m| m.is_trading() && m.quote_asset == "USDT")
        .take(2)
        .collect();
    let mut entries: Vec<(String, IncomeType, Decimal, i64, bool)> = Vec::new();
    for (j, m) in symbols.iter().enumerate() {
        for day in 0..3i64 {
            let t = anchor_ms - (5 - day) * DAY_MS + j as i64 * 3_600_000;
            let commission = -Decimal::new(rng.range(50, 300), 2);
            let pnl = Decimal::new(rng.range(-5_000, 5_000), 2);
            let funding = Decimal::new(rng.range(-100, 100), 3);
            entries.push((
                m.symbol.clone(),
                IncomeType::Commission,
                commission,
                t,
                true,
            ));
            entries.push((m.symbol.clone(), IncomeType::RealizedPnl, pnl, t, true));
            entries.push((
                m.symbol.clone(),
                IncomeType::FundingFee,
                funding,
                t + 3_600_000,
                false,
            ));
        }
    }
    let net: Decimal = entries.iter().map(|e| e.2).sum();
    a.add_income(
        "",
        IncomeType::Transfer,
        SEED_WALLET - net,
        None,
        anchor_ms - 6 * DAY_MS,
    );
    entries.sort_by_key(|e| e.3);
    for (symbol, kind, amount, time, traded) in entries {
        let trade = traded.then(|| {
            a.next_trade_id += 1;
            a.next_trade_id - 1
        });
        a.add_income(&symbol, kind, amount, trade, time);
    }
    a.force_orders = force_orders(&mut rng, anchor_ms, &symbols);
    a
}

/// Two liquidations and one ADL on `symbols` (as many as exist).
fn force_orders(rng: &mut SplitMix64, anchor_ms: i64, symbols: &[&Market]) -> Vec<ForceOrder> {
    let plan: [(usize, Side, &'static str, i64); 3] = [
        (0, Side::Sell, "LIQUIDATION", 3 * DAY_MS),
        (1, Side::Buy, "LIQUIDATION", 2 * DAY_MS),
        (0, Side::Sell, "ADL", DAY_MS),
    ];
    let mut out = Vec::new();
    for (n, (j, side, kind, ago)) in plan.into_iter().enumerate() {
        let Some(m) = symbols.get(j).or(symbols.first()) else {
            break;
        };
        let time = anchor_ms - ago + rng.range(0, 3_600_000);
        let factor = match side {
            Side::Sell => Decimal::new(97, 2),
            Side::Buy => Decimal::new(103, 2),
        };
        let price = (m.last_price() * factor / m.tick_size).floor() * m.tick_size;
        let qty = units(rng.range(2, 20), m.min_qty.max(m.step_size) * Decimal::TEN);
        let client_order_id = match kind {
            "ADL" => "adl_autoclose".to_string(),
            _ => format!("autoclose-{time}"),
        };
        out.push(ForceOrder {
            auto_close_type: kind,
            order: FOrder {
                order_id: 6_000_000_001 + n as u64,
                symbol: m.symbol.clone(),
                client_order_id,
                side,
                order_type: "LIMIT",
                price,
                avg_price: price,
                orig_qty: qty,
                executed_qty: qty,
                cum_quote: price * qty,
                time_in_force: "IOC",
                reduce_only: false,
                close_position: false,
                status: Status::Filled,
                time,
                update_time: time,
                dp: (precision_of(m.tick_size), precision_of(m.step_size)),
            },
        });
    }
    out.sort_by_key(|f| f.order.time);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deterministic_and_balanced() {
        let s = crate::engine::testing::state();
        let a = generate(42, s.anchor_ms(), s.markets());
        let b = generate(42, s.anchor_ms(), s.markets());
        assert_eq!(a, b);
        let total: Decimal = a.income.iter().map(|i| i.income).sum();
        assert_eq!(total, SEED_WALLET);
        assert_eq!(a.income[0].income_type, IncomeType::Transfer);
        assert!(a.income.windows(2).all(|w| w[0].time <= w[1].time));
        assert_eq!(a.force_orders.len(), 3);
        assert!(a.force_orders[0]
            .order
            .client_order_id
            .starts_with("autoclose-"));
        assert_ne!(generate(7, s.anchor_ms(), s.markets()).income, a.income);
    }
}
