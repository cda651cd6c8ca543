//! The MARGIN and FUTURES daily snapshots of `GET /sapi/v1/accountSnapshot`,
//! for the same days as the SPOT ones.
//!
//! Each draws from its own random stream of the seed, so adding them left
//! every other generated record unchanged. The figures are consistent the
//! way Binance's are: a margin asset's `netAsset` is free + locked −
//! borrowed − interest, the BTC totals are those rows valued at the markets'
//! last prices (rounded to 8 places), the net total is their difference and
//! the margin level their ratio; a futures position's unrealized profit is
//! positionAmt × (markPrice − entryPrice) and the USDT margin balance is the
//! wallet balance plus those profits.

use rust_decimal::Decimal;

use super::generate::floor_to;
use super::model::{
    FuturesAsset, FuturesDailySnapshot, FuturesPosition, MarginAsset, MarginDailySnapshot,
};
use crate::market::Market;
use crate::rng::SplitMix64;

/// Margin assets in `userAssets` order; BNB stays at zero (Binance lists
/// zero rows too).
const MARGIN_ASSETS: [&str; 4] = ["BTC", "ETH", "USDT", "BNB"];

/// Daily interest rate on the USDT loan (0.01 %).
fn daily_interest() -> Decimal {
    Decimal::new(1, 4)
}

/// A multiplier 1 ± `spread`/1000, drawn once.
fn jitter(rng: &mut SplitMix64, spread: i64) -> Decimal {
    Decimal::new(1000 + rng.range(-spread, spread), 3)
}

/// One MARGIN snapshot per `update_times` entry (oldest first). `price_btc`
/// values one unit of an asset in BTC.
pub fn margin_snapshots(
    seed: u64,
    update_times: &[i64],
    price_btc: &dyn Fn(&str) -> Decimal,
) -> Vec<MarginDailySnapshot> {
    let mut rng = SplitMix64::for_stream(seed, "snapshot-margin");
    let btc = Decimal::new(rng.range(5, 25), 2);
    let eth = Decimal::new(rng.range(50, 300), 2);
    let usdt = Decimal::from(rng.range(500, 3_000));
    let loan = Decimal::from(rng.range(1_000, 4_000));
    update_times
        .iter()
        .enumerate()
        .map(|(i, &update_time)| {
            let j = jitter(&mut rng, 20);
            // Interest accrues day by day on the same loan.
            let interest = (loan * daily_interest() * Decimal::from(i as i64 + 1)).round_dp(8);
            let user_assets: Vec<MarginAsset> = MARGIN_ASSETS
                .iter()
                .map(|&asset| {
                    let (free, locked, borrowed, interest) = match asset {
                        "BTC" => (
                            (btc * j).round_dp(8),
                            Decimal::ZERO,
                            Decimal::ZERO,
                            Decimal::ZERO,
                        ),
                        "ETH" => (
                            (eth * j).round_dp(8),
                            Decimal::new(1, 2),
                            Decimal::ZERO,
                            Decimal::ZERO,
                        ),
                        "USDT" => (usdt + loan, Decimal::ZERO, loan, interest),
                        _ => (Decimal::ZERO, Decimal::ZERO, Decimal::ZERO, Decimal::ZERO),
                    };
                    MarginAsset {
                        asset: asset.to_string(),
                        borrowed,
                        free,
                        interest,
                        locked,
                        net_asset: free + locked - borrowed - interest,
                    }
                })
                .collect();
            let total_asset = user_assets
                .iter()
                .map(|a| (a.free + a.locked) * price_btc(&a.asset))
                .sum::<Decimal>()
                .round_dp(8);
            let total_liability = user_assets
                .iter()
                .map(|a| (a.borrowed + a.interest) * price_btc(&a.asset))
                .sum::<Decimal>()
                .round_dp(8);
            let margin_level = if total_liability.is_zero() {
                // Binance's figure for an account without debt.
                Decimal::from(999)
            } else {
                (total_asset / total_liability).round_dp(8)
            };
            MarginDailySnapshot {
                update_time,
                margin_level,
                total_asset_of_btc: total_asset,
                total_liability_of_btc: total_liability,
                total_net_asset_of_btc: total_asset - total_liability,
                user_assets,
            }
        })
        .collect()
}

/// One FUTURES snapshot per `update_times` entry (oldest first): a USDT
/// wallet, a long BTCUSDT and a short ETHUSDT perpetual position (each only
/// when that market exists).
pub fn futures_snapshots(
    seed: u64,
    update_times: &[i64],
    markets: &[Market],
) -> Vec<FuturesDailySnapshot> {
    let mut rng = SplitMix64::for_stream(seed, "snapshot-futures");
    let market = |s: &str| markets.iter().find(|m| m.symbol == s);
    let wallet = Decimal::from(rng.range(300, 1_500));
    // (market, signed amount, entry price)
    let mut held = Vec::new();
    for (symbol, lo, hi, sign) in [("BTCUSDT", 10, 50, 1i64), ("ETHUSDT", 100, 1_000, -1)] {
        let Some(m) = market(symbol) else { continue };
        let amt = Decimal::new(sign * rng.range(lo, hi), 3);
        let entry = floor_to(m.last_price() * jitter(&mut rng, 50), m.tick_size);
        held.push((m, amt, entry));
    }
    update_times
        .iter()
        .map(|&update_time| {
            let positions: Vec<FuturesPosition> = held
                .iter()
                .map(|(m, amt, entry)| {
                    let mark = floor_to(m.last_price() * jitter(&mut rng, 30), m.tick_size);
                    FuturesPosition {
                        entry_price: *entry,
                        mark_price: mark,
                        position_amt: *amt,
                        symbol: m.symbol.clone(),
                        un_realized_profit: (*amt * (mark - *entry)).round_dp(8),
                    }
                })
                .collect();
            let wallet_balance = wallet + Decimal::new(rng.range(-5_000, 5_000), 2);
            let unrealized: Decimal = positions.iter().map(|p| p.un_realized_profit).sum();
            FuturesDailySnapshot {
                update_time,
                assets: vec![FuturesAsset {
                    asset: "USDT".to_string(),
                    margin_balance: wallet_balance + unrealized,
                    wallet_balance,
                }],
                positions,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::market::{Market, DAY_MS};
    use crate::spec::MARKET_SPECS;

    const ANCHOR: i64 = 1_750_000_000_000;

    fn account(seed: u64) -> crate::account::AccountSnapshot {
        let markets: Vec<Market> = MARKET_SPECS
            .iter()
            .map(|s| Market::generate(s, seed, ANCHOR))
            .collect();
        crate::account::generate::generate(seed, ANCHOR, &markets)
    }

    #[test]
    fn margin_and_futures_days_match_the_spot_days_and_add_up() {
        let a = account(42);
        assert_eq!(a, account(42));
        assert_ne!(a.margin_snapshots, account(43).margin_snapshots);
        let spot_days: Vec<i64> = a.snapshots.iter().map(|s| s.update_time).collect();
        let margin_days: Vec<i64> = a.margin_snapshots.iter().map(|s| s.update_time).collect();
        let futures_days: Vec<i64> = a.futures_snapshots.iter().map(|s| s.update_time).collect();
        assert_eq!(margin_days, spot_days);
        assert_eq!(futures_days, spot_days);
        assert!(spot_days
            .iter()
            .all(|t| t.rem_euclid(DAY_MS) == DAY_MS - 1000));
        for m in &a.margin_snapshots {
            for u in &m.user_assets {
                assert_eq!(u.net_asset, u.free + u.locked - u.borrowed - u.interest);
            }
            assert!(m.user_assets.iter().any(|u| !u.borrowed.is_zero()));
            assert!(m
                .user_assets
                .iter()
                .any(|u| u.free.is_zero() && u.net_asset.is_zero()));
            assert!(m.total_liability_of_btc > rust_decimal::Decimal::ZERO);
            assert_eq!(
                m.total_net_asset_of_btc,
                m.total_asset_of_btc - m.total_liability_of_btc
            );
            assert_eq!(
                m.margin_level,
                (m.total_asset_of_btc / m.total_liability_of_btc).round_dp(8)
            );
        }
        for f in &a.futures_snapshots {
            assert_eq!(f.positions.len(), 2);
            assert!(f
                .positions
                .iter()
                .any(|p| p.position_amt.is_sign_negative()));
            let mut unrealized = rust_decimal::Decimal::ZERO;
            for p in &f.positions {
                assert_eq!(
                    p.un_realized_profit,
                    (p.position_amt * (p.mark_price - p.entry_price)).round_dp(8)
                );
                unrealized += p.un_realized_profit;
            }
            assert_eq!(f.assets[0].asset, "USDT");
            assert_eq!(
                f.assets[0].margin_balance,
                f.assets[0].wallet_balance + unrealized
            );
        }
    }
}
