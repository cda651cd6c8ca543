//! The futures account's records — wallet, per-symbol settings and
//! positions, orders, conditional orders, income, funding and forced
//! orders — and the margin arithmetic over them.
//!
//! Per symbol ([`SymbolState`], created on first use): leverage (default
//! [`DEFAULT_LEVERAGE`]), margin type (default CROSSED), the signed
//! position amount (+ long, − short), its volume-weighted entry price, the
//! isolated wallet of an isolated position and the mark price. The
//! isolated wallets are part of the wallet balance: `crossWalletBalance` is
//! the wallet minus them.

use crate::order_count::OrderCounter;
use std::collections::BTreeMap;

use rust_decimal::Decimal;

use super::algo::AlgoOrder;
use super::countdown::Countdown;
pub use super::records::{FOrder, ForceOrder, FundingRecord, Income, IncomeType, Status};
use super::{money, DEFAULT_LEVERAGE, MAINT_RATE, TAKER_RATE};
use crate::market::Market;

/// `marginType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MarginType {
    /// Cross margin (the default).
    Crossed,
    /// Isolated margin.
    Isolated,
}

impl MarginType {
    /// The request spelling (`CROSSED` / `ISOLATED`).
    pub fn as_str(self) -> &'static str {
        match self {
            MarginType::Crossed => "CROSSED",
            MarginType::Isolated => "ISOLATED",
        }
    }

    /// The positionRisk spelling (`cross` / `isolated`).
    pub fn wire(self) -> &'static str {
        match self {
            MarginType::Crossed => "cross",
            MarginType::Isolated => "isolated",
        }
    }
}

/// One symbol's settings, position and mark price.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SymbolState {
    /// Initial leverage.
    pub leverage: u32,
    /// Margin type.
    pub margin_type: MarginType,
    /// Signed position amount (+ long, − short).
    pub position_amt: Decimal,
    /// Volume-weighted entry price (0 when flat).
    pub entry_price: Decimal,
    /// Margin held by an isolated position (0 for cross).
    pub isolated_wallet: Decimal,
    /// Mark price (also the contract and index price).
    pub mark: Decimal,
    /// Last change of the position (ms; 0 before any).
    pub update_time: i64,
    /// Price decimals (PRICE_FILTER tick).
    pub price_dp: u32,
    /// Quantity decimals (LOT_SIZE step).
    pub qty_dp: u32,
}

impl SymbolState {
    /// Defaults for `m`, marked at its generated last price.
    pub fn new(m: &Market) -> SymbolState {
        SymbolState {
            leverage: DEFAULT_LEVERAGE,
            margin_type: MarginType::Crossed,
            position_amt: Decimal::ZERO,
            entry_price: Decimal::ZERO,
            isolated_wallet: Decimal::ZERO,
            mark: m.last_price(),
            update_time: 0,
            price_dp: crate::num::precision_of(m.tick_size),
            qty_dp: crate::num::precision_of(m.step_size),
        }
    }

    /// Signed notional at the mark.
    pub fn notional(&self) -> Decimal {
        self.position_amt * self.mark
    }

    /// Unrealized PnL at the mark.
    pub fn unrealized(&self) -> Decimal {
        self.position_amt * (self.mark - self.entry_price)
    }

    /// Initial margin of the position: |notional| / leverage.
    pub fn initial_margin(&self) -> Decimal {
        self.notional().abs() / Decimal::from(self.leverage)
    }

    /// Maintenance margin: [`MAINT_RATE`] of |notional|.
    pub fn maint_margin(&self) -> Decimal {
        self.notional().abs() * MAINT_RATE
    }

    /// Simplified liquidation price: long `entry × (1 − 1/leverage + mmr)`,
    /// short `entry × (1 + 1/leverage − mmr)`, 0 when flat.
    pub fn liquidation_price(&self) -> Decimal {
        let inv = Decimal::ONE / Decimal::from(self.leverage);
        if self.position_amt > Decimal::ZERO {
            (self.entry_price * (Decimal::ONE - inv + MAINT_RATE)).max(Decimal::ZERO)
        } else if self.position_amt < Decimal::ZERO {
            self.entry_price * (Decimal::ONE + inv - MAINT_RATE)
        } else {
            Decimal::ZERO
        }
    }

    /// Break-even price: the entry moved by one taker commission.
    pub fn break_even_price(&self) -> Decimal {
        if self.position_amt > Decimal::ZERO {
            self.entry_price * (Decimal::ONE + TAKER_RATE)
        } else if self.position_amt < Decimal::ZERO {
            self.entry_price * (Decimal::ONE - TAKER_RATE)
        } else {
            Decimal::ZERO
        }
    }

    /// Whether settings differ from the defaults.
    pub fn non_default(&self) -> bool {
        self.leverage != DEFAULT_LEVERAGE || self.margin_type != MarginType::Crossed
    }
}

/// `maxNotionalValue` for a leverage: a simplified bracket table (the
/// higher the leverage, the smaller the largest position).
pub fn max_notional(leverage: u32) -> Decimal {
    Decimal::from(match leverage {
        101..=125 => 50_000u64,
        51..=100 => 250_000,
        21..=50 => 1_000_000,
        11..=20 => 5_000_000,
        6..=10 => 20_000_000,
        3..=5 => 50_000_000,
        _ => 100_000_000,
    })
}

/// The whole futures account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FuturesAccount {
    /// Wallet balance (USDT), isolated wallets included.
    pub wallet: Decimal,
    /// Per-symbol state, created on first use.
    pub symbols: BTreeMap<String, SymbolState>,
    /// Every regular order, oldest first.
    pub orders: Vec<FOrder>,
    /// Every conditional order, oldest first.
    pub algos: Vec<AlgoOrder>,
    /// Income records, oldest first.
    pub income: Vec<Income>,
    /// Funding-rate history, oldest first.
    pub funding: Vec<FundingRecord>,
    /// Forced orders, oldest first.
    pub force_orders: Vec<ForceOrder>,
    /// Armed countdowns by symbol.
    pub countdowns: BTreeMap<String, Countdown>,
    /// Next order id.
    pub next_order_id: u64,
    /// Next algo id.
    pub next_algo_id: u64,
    /// Next transaction id (income).
    pub next_tran_id: u64,
    /// Next trade id.
    pub next_trade_id: u64,
    /// Orders accepted (regular + conditional), and per symbol.
    pub accepted: u64,
    /// Accepted per symbol.
    pub accepted_by_symbol: BTreeMap<String, u64>,
    /// The `ORDERS` windows (300 / 10 s, 1 200 / minute).
    pub order_count: OrderCounter,
    /// Last change of the wallet.
    pub update_time: i64,
    /// The seed (for generated client ids and funding rates).
    pub seed: u64,
}

/// The account-wide margin figures of `/fapi/v3/account`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Totals {
    /// Position + open-order initial margin.
    pub initial: Decimal,
    /// Maintenance margin.
    pub maint: Decimal,
    /// Wallet balance.
    pub wallet: Decimal,
    /// Unrealized PnL of every position.
    pub unrealized: Decimal,
    /// Position initial margin.
    pub position_initial: Decimal,
    /// Open-order initial margin.
    pub open_order_initial: Decimal,
    /// Wallet minus isolated wallets.
    pub cross_wallet: Decimal,
    /// Unrealized PnL of cross positions.
    pub cross_unrealized: Decimal,
    /// Available for new orders (floored at 0).
    pub available: Decimal,
}

impl FuturesAccount {
    /// An empty account holding `wallet`, for `seed`.
    pub fn empty(seed: u64, wallet: Decimal) -> FuturesAccount {
        FuturesAccount {
            wallet,
            symbols: BTreeMap::new(),
            orders: Vec::new(),
            algos: Vec::new(),
            income: Vec::new(),
            funding: Vec::new(),
            force_orders: Vec::new(),
            countdowns: BTreeMap::new(),
            next_order_id: 8_389_765_000_000_001,
            next_algo_id: 3_000_000_000_000_001,
            next_tran_id: 9_689_322_000_001,
            next_trade_id: 5_059_190_001,
            accepted: 0,
            accepted_by_symbol: BTreeMap::new(),
            order_count: OrderCounter::futures(),
            update_time: 0,
            seed,
        }
    }

    /// The state of `m`'s symbol, created with the defaults.
    pub fn sym(&mut self, m: &Market) -> &mut SymbolState {
        self.symbols
            .entry(m.symbol.clone())
            .or_insert_with(|| SymbolState::new(m))
    }

    /// A copy of `m`'s symbol state (defaults if untouched).
    pub fn sym_or_default(&self, m: &Market) -> SymbolState {
        self.symbols
            .get(&m.symbol)
            .cloned()
            .unwrap_or_else(|| SymbolState::new(m))
    }

    /// Records an income entry at `time` with the next transaction id.
    pub fn add_income(
        &mut self,
        symbol: &str,
        income_type: IncomeType,
        amount: Decimal,
        trade_id: Option<u64>,
        time: i64,
    ) {
        let tran_id = self.next_tran_id;
        self.next_tran_id += 1;
        self.income.push(Income {
            symbol: symbol.to_string(),
            income_type,
            income: money(amount),
            info: match income_type {
                IncomeType::Transfer => "TRANSFER".to_string(),
                _ => String::new(),
            },
            time,
            tran_id,
            trade_id: trade_id.map(|t| t.to_string()).unwrap_or_default(),
        });
    }

    /// Open-order initial margin of one symbol.
    pub fn open_order_margin(&self, symbol: &str, leverage: u32) -> Decimal {
        self.orders
            .iter()
            .filter(|o| o.symbol == symbol)
            .map(|o| o.margin(leverage))
            .sum()
    }

    /// The account-wide margin figures.
    pub fn totals(&self) -> Totals {
        let mut t = Totals {
            wallet: self.wallet,
            cross_wallet: self.wallet,
            ..Totals::default()
        };
        let mut cross_position_margin = Decimal::ZERO;
        for (symbol, s) in &self.symbols {
            let im = s.initial_margin();
            let oim = self.open_order_margin(symbol, s.leverage);
            t.position_initial += im;
            t.open_order_initial += oim;
            t.maint += s.maint_margin();
            t.unrealized += s.unrealized();
            match s.margin_type {
                MarginType::Crossed => {
                    t.cross_unrealized += s.unrealized();
                    cross_position_margin += im;
                }
                MarginType::Isolated => t.cross_wallet -= s.isolated_wallet,
            }
        }
        t.initial = t.position_initial + t.open_order_initial;
        t.available =
            (t.cross_wallet + t.cross_unrealized - cross_position_margin - t.open_order_initial)
                .max(Decimal::ZERO);
        t
    }

    /// Open regular orders of `symbol`.
    pub fn open_orders<'a>(&'a self, symbol: &'a str) -> impl Iterator<Item = &'a FOrder> + 'a {
        self.orders
            .iter()
            .filter(move |o| o.symbol == symbol && o.is_open())
    }

    /// A fresh client order id (`web_` + 20 deterministic characters, the
    /// shape of Binance's generated ids).
    pub fn generated_client_id(&self, prefix: &str, n: u64) -> String {
        const CHARS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        let mut h = crate::rng::hash_parts(self.seed, &[prefix.as_bytes(), &n.to_le_bytes()]);
        let mut s = String::from(prefix);
        for _ in 0..20 {
            s.push(CHARS[(h % CHARS.len() as u64) as usize] as char);
            h = crate::rng::mix64(h);
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    fn long(amt: &str, entry: &str, mark: &str, lev: u32) -> SymbolState {
        SymbolState {
            leverage: lev,
            margin_type: MarginType::Crossed,
            position_amt: d(amt),
            entry_price: d(entry),
            isolated_wallet: Decimal::ZERO,
            mark: d(mark),
            update_time: 0,
            price_dp: 2,
            qty_dp: 3,
        }
    }

    #[test]
    fn position_figures() {
        let s = long("0.5", "60000", "62000", 10);
        assert_eq!(s.notional(), d("31000"));
        assert_eq!(s.unrealized(), d("1000"));
        assert_eq!(s.initial_margin(), d("3100"));
        assert_eq!(s.maint_margin(), d("124"));
        assert_eq!(s.liquidation_price(), d("54240"));
        let short = long("-2", "100", "90", 5);
        assert_eq!(short.unrealized(), d("20"));
        assert_eq!(short.liquidation_price(), d("119.6"));
        assert_eq!(long("0", "0", "1", 5).liquidation_price(), Decimal::ZERO);
    }

    #[test]
    fn totals_floor_available() {
        let mut a = FuturesAccount::empty(1, d("100"));
        a.symbols
            .insert("BTCUSDT".into(), long("1", "60000", "50000", 20));
        let t = a.totals();
        assert_eq!(t.unrealized, d("-10000"));
        assert_eq!(t.available, Decimal::ZERO);
        assert_eq!(t.position_initial, d("2500"));
    }

    #[test]
    fn brackets_shrink_with_leverage() {
        assert!(max_notional(125) < max_notional(20));
        assert_eq!(max_notional(20), d("5000000"));
        assert_eq!(
            IncomeType::parse("FUNDING_FEE"),
            Some(IncomeType::FundingFee)
        );
        assert_eq!(IncomeType::parse("X"), None);
    }
}
