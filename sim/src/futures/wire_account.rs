//! JSON bodies of the futures account reads (`account`, `positionRisk`,
//! `income`) and funding endpoints (`premiumIndex`, `fundingRate`), field
//! for field and in the order fapi sends them. USDT amounts, mark and
//! entry prices and rates print with eight decimals, position amounts in
//! the symbol's quantity precision.

use rust_decimal::Decimal;
use serde::Serialize;

use super::account::{max_notional, FundingRecord, Income, MarginType, SymbolState, Totals};
use super::{funding, MONEY_DP};
use crate::num::fmt_dp;

fn m8(d: Decimal) -> String {
    fmt_dp(d, MONEY_DP)
}

/// One row of `GET /fapi/v2/positionRisk`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
#[allow(missing_docs)]
pub struct PositionRisk {
    pub symbol: String,
    pub position_amt: String,
    pub entry_price: String,
    pub break_even_price: String,
    pub mark_price: String,
    pub un_realized_profit: String,
    pub liquidation_price: String,
    pub leverage: String,
    pub max_notional_value: String,
    pub margin_type: &'static str,
    pub isolated_margin: String,
    pub is_auto_add_margin: &'static str,
    pub position_side: &'static str,
    pub notional: String,
    pub isolated_wallet: String,
    pub update_time: i64,
}

/// The isolated margin shown for a position: its wallet plus its PnL.
fn isolated_margin(s: &SymbolState) -> Decimal {
    match s.margin_type {
        MarginType::Isolated => s.isolated_wallet + s.unrealized(),
        MarginType::Crossed => Decimal::ZERO,
    }
}

impl PositionRisk {
    /// The row of `symbol` in state `s`.
    pub fn new(symbol: &str, s: &SymbolState) -> PositionRisk {
        PositionRisk {
            symbol: symbol.to_string(),
            position_amt: fmt_dp(s.position_amt, s.qty_dp),
            entry_price: m8(s.entry_price),
            break_even_price: m8(s.break_even_price()),
            mark_price: m8(s.mark),
            un_realized_profit: m8(s.unrealized()),
            liquidation_price: if s.position_amt.is_zero() {
                "0".to_string()
            } else {
                m8(s.liquidation_price())
            },
            leverage: s.leverage.to_string(),
            max_notional_value: max_notional(s.leverage).to_string(),
            margin_type: s.margin_type.wire(),
            isolated_margin: m8(isolated_margin(s)),
            is_auto_add_margin: "false",
            position_side: "BOTH",
            notional: m8(s.notional()),
            isolated_wallet: m8(s.isolated_wallet),
            update_time: s.update_time,
        }
    }
}

/// The USDT asset row of `GET /fapi/v3/account`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
#[allow(missing_docs)]
pub struct AccountAsset {
    pub asset: &'static str,
    pub wallet_balance: String,
    pub unrealized_profit: String,
    pub margin_balance: String,
    pub maint_margin: String,
    pub initial_margin: String,
    pub position_initial_margin: String,
    pub open_order_initial_margin: String,
    pub cross_wallet_balance: String,
    pub cross_un_pnl: String,
    pub available_balance: String,
    pub max_withdraw_amount: String,
    pub update_time: i64,
}

/// A position of `GET /fapi/v3/account`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
#[allow(missing_docs)]
pub struct AccountPosition {
    pub symbol: String,
    pub position_side: &'static str,
    pub position_amt: String,
    pub unrealized_profit: String,
    pub isolated_margin: String,
    pub notional: String,
    pub isolated_wallet: String,
    pub initial_margin: String,
    pub maint_margin: String,
    pub update_time: i64,
}

/// `GET /fapi/v3/account`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
#[allow(missing_docs)]
pub struct AccountWire {
    pub total_initial_margin: String,
    pub total_maint_margin: String,
    pub total_wallet_balance: String,
    pub total_unrealized_profit: String,
    pub total_margin_balance: String,
    pub total_position_initial_margin: String,
    pub total_open_order_initial_margin: String,
    pub total_cross_wallet_balance: String,
    pub total_cross_un_pnl: String,
    pub available_balance: String,
    pub max_withdraw_amount: String,
    pub assets: Vec<AccountAsset>,
    pub positions: Vec<AccountPosition>,
}

impl AccountWire {
    /// The body for totals `t`, the non-zero positions, and the wallet's
    /// last change.
    pub fn new(t: &Totals, positions: &[(&String, &SymbolState)], update_time: i64) -> Self {
        let margin_balance = t.wallet + t.unrealized;
        let max_withdraw = t.available.min(t.cross_wallet.max(Decimal::ZERO));
        AccountWire {
            total_initial_margin: m8(t.initial),
            total_maint_margin: m8(t.maint),
            total_wallet_balance: m8(t.wallet),
            total_unrealized_profit: m8(t.unrealized),
            total_margin_balance: m8(margin_balance),
            total_position_initial_margin: m8(t.position_initial),
            total_open_order_initial_margin: m8(t.open_order_initial),
            total_cross_wallet_balance: m8(t.cross_wallet),
            total_cross_un_pnl: m8(t.cross_unrealized),
            available_balance: m8(t.available),
            max_withdraw_amount: m8(max_withdraw),
            assets: vec![AccountAsset {
                asset: "USDT",
                wallet_balance: m8(t.wallet),
                unrealized_profit: m8(t.unrealized),
                margin_balance: m8(margin_balance),
                maint_margin: m8(t.maint),
                initial_margin: m8(t.initial),
                position_initial_margin: m8(t.position_initial),
                open_order_initial_margin: m8(t.open_order_initial),
                cross_wallet_balance: m8(t.cross_wallet),
                cross_un_pnl: m8(t.cross_unrealized),
                available_balance: m8(t.available),
                max_withdraw_amount: m8(max_withdraw),
                update_time,
            }],
            positions: positions
                .iter()
                .map(|(symbol, s)| AccountPosition {
                    symbol: (*symbol).clone(),
                    position_side: "BOTH",
                    position_amt: fmt_dp(s.position_amt, s.qty_dp),
                    unrealized_profit: m8(s.unrealized()),
                    isolated_margin: m8(isolated_margin(s)),
                    notional: m8(s.notional()),
                    isolated_wallet: m8(s.isolated_wallet),
                    initial_margin: m8(s.initial_margin()),
                    maint_margin: m8(s.maint_margin()),
                    update_time: s.update_time,
                })
                .collect(),
        }
    }
}

/// One record of `GET /fapi/v1/income`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
#[allow(missing_docs)]
pub struct IncomeWire {
    pub symbol: String,
    pub income_type: &'static str,
    pub income: String,
    pub asset: &'static str,
    pub info: String,
    pub time: i64,
    pub tran_id: u64,
    pub trade_id: String,
}

impl From<&Income> for IncomeWire {
    fn from(i: &Income) -> Self {
        IncomeWire {
            symbol: i.symbol.clone(),
            income_type: i.income_type.as_str(),
            income: m8(i.income),
            asset: "USDT",
            info: i.info.clone(),
            time: i.time,
            tran_id: i.tran_id,
            trade_id: i.trade_id.clone(),
        }
    }
}

/// One record of `GET /fapi/v1/fundingRate`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
#[allow(missing_docs)]
pub struct FundingRateWire {
    pub symbol: String,
    pub funding_rate: String,
    pub funding_time: i64,
    pub mark_price: String,
}

impl From<&FundingRecord> for FundingRateWire {
    fn from(r: &FundingRecord) -> Self {
        FundingRateWire {
            symbol: r.symbol.clone(),
            funding_rate: m8(r.rate),
            funding_time: r.time,
            mark_price: m8(r.mark),
        }
    }
}

/// `GET /fapi/v1/premiumIndex` (one symbol).
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
#[allow(missing_docs)]
pub struct PremiumIndex {
    pub symbol: String,
    pub mark_price: String,
    pub index_price: String,
    pub estimated_settle_price: String,
    pub last_funding_rate: String,
    pub interest_rate: &'static str,
    pub next_funding_time: i64,
    pub time: i64,
}

impl PremiumIndex {
    /// `symbol` marked at `mark` with funding `rate`, at `now`.
    pub fn new(symbol: &str, mark: Decimal, rate: Decimal, now: i64) -> PremiumIndex {
        PremiumIndex {
            symbol: symbol.to_string(),
            mark_price: m8(mark),
            index_price: m8(mark),
            estimated_settle_price: m8(mark),
            last_funding_rate: m8(rate),
            interest_rate: "0.00010000",
            next_funding_time: funding::next_funding_time(now),
            time: now,
        }
    }
}
