//! Wallet history for [`Scale::wallet_history`](crate::Scale::wallet_history):
//! deposits and withdrawals spread over the last 89 days (inside the
//! 90-day window Binance's history endpoints default to, so `limit=1000`
//! returns a full page), and universal transfers of every
//! [`TRANSFER_TYPES`] type over the last 6½ days (inside the transfer
//! endpoint's default 7 days). The lists stay newest first.

use rust_decimal::Decimal;

use super::generate::hex;
use super::history::utc_datetime;
use super::model::{Deposit, DepositAddress, Transfer, Withdrawal};
use crate::market::DAY_MS;
use crate::rng::SplitMix64;
use crate::scale::{Scale, TRANSFER_TYPES};

/// How far back deposits and withdrawals go.
const WALLET_SPAN_MS: i64 = 89 * DAY_MS;

/// How far back transfers go.
const TRANSFER_SPAN_MS: i64 = 6 * DAY_MS + DAY_MS / 2;

/// A plausible amount of `coin` moved in one go.
fn amount(rng: &mut SplitMix64, coin: &str) -> Decimal {
    match coin {
        "BTC" => Decimal::new(rng.range(1_000, 1_500_000), 6),
        "ETH" => Decimal::new(rng.range(10, 20_000), 3),
        "BNB" => Decimal::new(rng.range(10, 5_000), 2),
        "LTC" => Decimal::new(rng.range(50, 20_000), 2),
        _ => Decimal::new(rng.range(1_000, 2_500_000), 2),
    }
}

/// Pads `deposits`, `withdrawals` and `transfers` to `scale`'s sizes.
pub(crate) fn extend(
    seed: u64,
    anchor_ms: i64,
    scale: &Scale,
    addresses: &[DepositAddress],
    deposits: &mut Vec<Deposit>,
    withdrawals: &mut Vec<Withdrawal>,
    transfers: &mut Vec<Transfer>,
) {
    add_deposits(seed, anchor_ms, scale.wallet_history, addresses, deposits);
    add_withdrawals(seed, anchor_ms, scale.wallet_history, withdrawals);
    add_transfers(seed, anchor_ms, scale.transfers_per_type(), transfers);
}

fn add_deposits(
    seed: u64,
    anchor_ms: i64,
    target: usize,
    addresses: &[DepositAddress],
    deposits: &mut Vec<Deposit>,
) {
    let extra = target.saturating_sub(deposits.len());
    if extra == 0 || addresses.is_empty() {
        return;
    }
    let mut rng = SplitMix64::for_stream(seed, "scale-deposits");
    for k in 0..extra as u64 {
        let a = &addresses[rng.range(0, addresses.len() as i64 - 1) as usize];
        let insert_time = anchor_ms - rng.range(600_000, WALLET_SPAN_MS);
        let confirms = if a.network == "BTC" { 2 } else { 12 };
        let tx = hex(seed, &[b"deposit-bulk", &k.to_le_bytes()], 64);
        deposits.push(Deposit {
            id: rng
                .range(700_000_000_000_000_000, 900_000_000_000_000_000)
                .to_string(),
            amount: amount(&mut rng, &a.coin),
            coin: a.coin.clone(),
            network: a.network.clone(),
            // A few credited deposits still wait for their unlock.
            status: if rng.chance(4) { 6 } else { 1 },
            address: a.address.clone(),
            address_tag: String::new(),
            tx_id: if a.network == "ETH" || a.network == "BSC" {
                format!("0x{tx}")
            } else {
                tx
            },
            insert_time,
            complete_time: insert_time + rng.range(60_000, 1_800_000),
            transfer_type: 0,
            confirm_times: format!("{confirms}/{confirms}"),
            unlock_confirm: 0,
            wallet_type: u8::from(rng.chance(10)),
        });
    }
    deposits.sort_by_key(|d| std::cmp::Reverse(d.insert_time));
}

fn add_withdrawals(seed: u64, anchor_ms: i64, target: usize, withdrawals: &mut Vec<Withdrawal>) {
    let extra = target.saturating_sub(withdrawals.len());
    if extra == 0 {
        return;
    }
    // (coin, network, fee)
    let routes = [
        ("USDT", "TRX", Decimal::ONE),
        ("USDT", "ETH", Decimal::new(32, 1)),
        ("USDT", "BSC", Decimal::new(29, 2)),
        ("BTC", "BTC", Decimal::new(2, 4)),
        ("ETH", "ETH", Decimal::new(12, 4)),
        ("BNB", "BSC", Decimal::new(5, 4)),
        ("LTC", "LTC", Decimal::new(1, 3)),
    ];
    let mut rng = SplitMix64::for_stream(seed, "scale-withdrawals");
    for k in 0..extra as u64 {
        let (coin, network, fee) = routes[rng.range(0, routes.len() as i64 - 1) as usize];
        let n = k.to_le_bytes();
        let t = anchor_ms - rng.range(600_000, WALLET_SPAN_MS);
        let (status, info) = match rng.range(0, 99) {
            0..=91 => (6u8, ""),
            92..=96 => (
                3,
                "The address is not valid. Please confirm with the recipient",
            ),
            _ => (1, "Cancelled by user"),
        };
        let done = status == 6;
        let address = match network {
            "TRX" => format!("T{}", hex(seed, &[b"wd-bulk", &n], 33)),
            "BTC" => format!("bc1q{}", hex(seed, &[b"wd-bulk", &n], 38)),
            "LTC" => format!("ltc1q{}", hex(seed, &[b"wd-bulk", &n], 38)),
            _ => format!("0x{}", hex(seed, &[b"wd-bulk", &n], 40)),
        };
        withdrawals.push(Withdrawal {
            id: hex(seed, &[b"wdid-bulk", &n], 32),
            amount: amount(&mut rng, coin),
            transaction_fee: fee,
            coin: coin.to_string(),
            status,
            address,
            tx_id: if done {
                hex(seed, &[b"wdtx-bulk", &n], 64)
            } else {
                String::new()
            },
            apply_time: utc_datetime(t),
            network: network.to_string(),
            transfer_type: 0,
            withdraw_order_id: rng.chance(10).then(|| format!("sim-wd-b{k:05}")),
            info: info.to_string(),
            confirm_no: if done { 12 } else { 0 },
            wallet_type: 0,
            tx_key: String::new(),
            complete_time: if done {
                utc_datetime(t + rng.range(120_000, 3_600_000))
            } else {
                String::new()
            },
            apply_time_ms: t,
        });
    }
    withdrawals.sort_by_key(|w| std::cmp::Reverse(w.apply_time_ms));
}

fn add_transfers(seed: u64, anchor_ms: i64, per_type: usize, transfers: &mut Vec<Transfer>) {
    if per_type == 0 {
        return;
    }
    let mut rng = SplitMix64::for_stream(seed, "scale-transfers");
    for kind in TRANSFER_TYPES {
        let have = transfers.iter().filter(|t| t.transfer_type == kind).count();
        let assets: &[&str] = match kind {
            "MAIN_UMFUTURE" | "UMFUTURE_MAIN" => &["USDT", "USDT", "USDT", "BNB", "FDUSD"],
            "MAIN_CMFUTURE" | "CMFUTURE_MAIN" => &["BTC", "ETH", "BNB"],
            _ => &["USDT", "USDT", "BTC", "ETH"],
        };
        for _ in have..per_type {
            let asset = assets[rng.range(0, assets.len() as i64 - 1) as usize];
            transfers.push(Transfer {
                asset: asset.to_string(),
                amount: amount(&mut rng, asset),
                transfer_type: kind.to_string(),
                status: "CONFIRMED".to_string(),
                tran_id: rng.range(10_000_000_000, 99_999_999_999) as u64,
                timestamp: anchor_ms - rng.range(60_000, TRANSFER_SPAN_MS),
            });
        }
    }
    transfers.sort_by_key(|t| std::cmp::Reverse(t.timestamp));
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;
    use crate::scale::{large_state, TEST_ANCHOR};

    #[test]
    fn wallet_history_fills_binance_windows() {
        let a = large_state().account();
        assert_eq!(a.deposits.len(), 1200);
        assert_eq!(a.withdrawals.len(), 1200);
        let since = TEST_ANCHOR - 90 * DAY_MS;
        assert!(a
            .deposits
            .iter()
            .all(|d| d.insert_time > since && d.insert_time < TEST_ANCHOR));
        assert!(a.deposits.iter().all(|d| d.complete_time > d.insert_time));
        assert!(a.withdrawals.iter().all(|w| w.apply_time_ms > since));
        assert!(a
            .deposits
            .windows(2)
            .all(|w| w[0].insert_time >= w[1].insert_time));
        assert!(a
            .withdrawals
            .windows(2)
            .all(|w| w[0].apply_time_ms >= w[1].apply_time_ms));
        let ids: HashSet<&str> = a.deposits.iter().map(|d| d.id.as_str()).collect();
        assert_eq!(ids.len(), 1200);
        let txs: HashSet<&str> = a.deposits.iter().map(|d| d.tx_id.as_str()).collect();
        assert_eq!(txs.len(), 1200);
        let ids: HashSet<&str> = a.withdrawals.iter().map(|w| w.id.as_str()).collect();
        assert_eq!(ids.len(), 1200);
        for d in &a.deposits {
            let addr = a
                .deposit_addresses
                .iter()
                .find(|x| x.coin == d.coin && x.network == d.network);
            assert_eq!(addr.map(|x| &x.address), Some(&d.address));
            assert!(d.amount > Decimal::ZERO);
        }
        for w in &a.withdrawals {
            assert_eq!(w.status == 6, !w.tx_id.is_empty());
            assert_eq!(w.apply_time, utc_datetime(w.apply_time_ms));
        }
        let week = TEST_ANCHOR - 7 * DAY_MS;
        for kind in TRANSFER_TYPES {
            let rows: Vec<&Transfer> = a
                .transfers
                .iter()
                .filter(|t| t.transfer_type == kind)
                .collect();
            assert_eq!(rows.len(), 150, "{kind}");
            assert!(
                rows.iter().filter(|t| t.timestamp > week).count() >= 146,
                "{kind}"
            );
        }
        assert!(a
            .transfers
            .windows(2)
            .all(|w| w[0].timestamp >= w[1].timestamp));
    }

    #[test]
    fn small_targets_add_nothing() {
        let scale = Scale {
            wallet_history: 5,
            ..Scale::default()
        };
        let small = crate::SimState::generate(3, TEST_ANCHOR).account();
        let a = crate::SimState::generate_scaled(3, TEST_ANCHOR, &scale).account();
        assert_eq!(a.deposits.len(), small.deposits.len().max(5));
        assert_eq!(a.withdrawals.len(), 5);
        assert_eq!(a.transfers, small.transfers);
    }
}
