//! The account's wallet history: deposit addresses, deposits, withdrawals
//! and universal transfers, dated back from the anchor time.

use super::generate::hex;
use super::model::{Deposit, DepositAddress, Transfer, Withdrawal};
use crate::market::DAY_MS;
use crate::rng::SplitMix64;

/// UTC "YYYY-MM-DD HH:MM:SS" of a millisecond timestamp (proleptic
/// Gregorian, Hinnant's days-to-civil algorithm).
pub fn utc_datetime(ms: i64) -> String {
    let secs = ms.div_euclid(1000);
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02}",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// One address per (coin, network); a coin's first entry is its default.
pub fn deposit_addresses(seed: u64) -> Vec<DepositAddress> {
    let evm = format!("0x{}", hex(seed, &[b"addr", b"evm"], 40));
    let list = [
        (
            "BTC",
            "BTC",
            format!("bc1q{}", hex(seed, &[b"addr", b"btc"], 38)),
            "https://mempool.space/address/",
        ),
        ("ETH", "ETH", evm.clone(), "https://etherscan.io/address/"),
        ("USDT", "ETH", evm.clone(), "https://etherscan.io/address/"),
        (
            "USDT",
            "TRX",
            format!("T{}", hex(seed, &[b"addr", b"trx"], 33)),
            "https://tronscan.org/#/address/",
        ),
        ("USDT", "BSC", evm.clone(), "https://bscscan.com/address/"),
        ("BNB", "BSC", evm, "https://bscscan.com/address/"),
        (
            "LTC",
            "LTC",
            format!("ltc1q{}", hex(seed, &[b"addr", b"ltc"], 38)),
            "https://blockchair.com/litecoin/address/",
        ),
    ];
    list.into_iter()
        .map(|(coin, network, address, explorer)| DepositAddress {
            url: format!("{explorer}{address}"),
            address,
            coin: coin.to_string(),
            tag: String::new(),
            network: network.to_string(),
        })
        .collect()
}

/// Six confirmed deposits, newest first, to the account's addresses.
pub fn deposits(
    seed: u64,
    rng: &mut SplitMix64,
    anchor_ms: i64,
    addresses: &[DepositAddress],
) -> Vec<Deposit> {
    let amounts = ["0.25", "1500", "820.5", "2.4", "12", "35.75"];
    let mut t = anchor_ms - rng.range(3_600_000, 20 * 3_600_000);
    let mut out = Vec::new();
    for (i, (a, amount)) in addresses.iter().zip(amounts).enumerate() {
        let tx = hex(seed, &[b"deposit", &(i as u64).to_le_bytes()], 64);
        let confirms = if a.network == "BTC" { 2 } else { 12 };
        out.push(Deposit {
            id: rng
                .range(700_000_000_000_000_000, 900_000_000_000_000_000)
                .to_string(),
            amount: amount.parse().unwrap_or_default(),
            coin: a.coin.clone(),
            network: a.network.clone(),
            status: 1,
            address: a.address.clone(),
            address_tag: String::new(),
            tx_id: if a.network == "ETH" || a.network == "BSC" {
                format!("0x{tx}")
            } else {
                tx
            },
            insert_time: t,
            complete_time: t + rng.range(60_000, 1_800_000),
            transfer_type: 0,
            confirm_times: format!("{confirms}/{confirms}"),
            unlock_confirm: 0,
            wallet_type: 0,
        });
        t -= rng.range(DAY_MS, 4 * DAY_MS);
    }
    out
}

/// Three withdrawals (two completed, one rejected), newest first.
pub fn withdrawals(seed: u64, rng: &mut SplitMix64, anchor_ms: i64) -> Vec<Withdrawal> {
    let rows = [
        ("USDT", "TRX", "250", "1", 6u8, Some("sim-wd-0001"), ""),
        ("BTC", "BTC", "0.05", "0.0002", 6, None, ""),
        (
            "ETH",
            "ETH",
            "0.5",
            "0.0012",
            3,
            None,
            "The address is not valid. Please confirm with the recipient",
        ),
    ];
    let mut t = anchor_ms - rng.range(2 * 3_600_000, 30 * 3_600_000);
    let mut out = Vec::new();
    for (i, (coin, network, amount, fee, status, wid, info)) in rows.into_iter().enumerate() {
        let n = (i as u64).to_le_bytes();
        let done = status == 6;
        let address = match network {
            "TRX" => format!("T{}", hex(seed, &[b"wd", &n], 33)),
            "BTC" => format!("bc1q{}", hex(seed, &[b"wd", &n], 38)),
            _ => format!("0x{}", hex(seed, &[b"wd", &n], 40)),
        };
        out.push(Withdrawal {
            id: hex(seed, &[b"wdid", &n], 32),
            amount: amount.parse().unwrap_or_default(),
            transaction_fee: fee.parse().unwrap_or_default(),
            coin: coin.to_string(),
            status,
            address,
            tx_id: if done {
                hex(seed, &[b"wdtx", &n], 64)
            } else {
                String::new()
            },
            apply_time: utc_datetime(t),
            network: network.to_string(),
            transfer_type: 0,
            withdraw_order_id: wid.map(str::to_string),
            info: info.to_string(),
            confirm_no: if done { 12 } else { 0 },
            wallet_type: 0,
            tx_key: String::new(),
            complete_time: if done {
                utc_datetime(t + 900_000)
            } else {
                String::new()
            },
            apply_time_ms: t,
        });
        t -= rng.range(2 * DAY_MS, 6 * DAY_MS);
    }
    out
}

/// Four universal transfers, newest first.
pub fn transfers(rng: &mut SplitMix64, anchor_ms: i64) -> Vec<Transfer> {
    let rows = [
        ("USDT", "500", "MAIN_UMFUTURE"),
        ("USDT", "120.5", "UMFUTURE_MAIN"),
        ("BNB", "1", "MAIN_UMFUTURE"),
        ("USDT", "50", "MAIN_FUNDING"),
    ];
    let mut t = anchor_ms - rng.range(3_600_000, 10 * 3_600_000);
    rows.into_iter()
        .map(|(asset, amount, kind)| {
            let row = Transfer {
                asset: asset.to_string(),
                amount: amount.parse().unwrap_or_default(),
                transfer_type: kind.to_string(),
                status: "CONFIRMED".to_string(),
                tran_id: rng.range(10_000_000_000, 99_999_999_999) as u64,
                timestamp: t,
            };
            t -= rng.range(DAY_MS / 2, 3 * DAY_MS);
            row
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utc_dates() {
        assert_eq!(utc_datetime(0), "1970-01-01 00:00:00");
        assert_eq!(utc_datetime(1_570_879_922_000), "2019-10-12 11:32:02");
        assert_eq!(utc_datetime(951_782_400_000), "2000-02-29 00:00:00");
    }
}
