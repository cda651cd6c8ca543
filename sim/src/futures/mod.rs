//! USD-M futures trading for the simulated account, in one-way position
//! mode (`positionSide` is always BOTH).
//!
//! The model, in the simulator's simplifications (the host documents them):
//! - **Wallet**: USDT only, [`SEED_WALLET`] after the seeded history; every
//!   listed symbol trades as a USDT-margined perpetual.
//! - **Prices**: each symbol has one mark price, starting at its market's
//!   generated last price and moved only by
//!   [`SimState::set_mark_price`](crate::SimState::set_mark_price). The
//!   contract (last) price equals the mark, so `workingType` MARK_PRICE and
//!   CONTRACT_PRICE trigger alike, and the index price equals the mark too.
//! - **Fills** ([`engine`]): a MARKET order fills fully at the mark; a LIMIT
//!   order marketable against the mark (BUY price ≥ mark, SELL price ≤
//!   mark) fills fully at its own price as taker, otherwise it rests and
//!   fills fully, as maker, at its price when the mark reaches it. IOC/FOK
//!   orders that are not marketable expire; a marketable GTX order is
//!   rejected (-5022). Commission ([`TAKER_RATE`] / [`MAKER_RATE`] of the
//!   notional) comes off the wallet as COMMISSION income; closing realizes
//!   PnL as REALIZED_PNL income.
//! - **Margin** ([`account`]): initial margin = |notional at mark| /
//!   leverage, open orders' margin = price × quantity / leverage;
//!   maintenance margin = [`MAINT_RATE`] of the notional;
//!   `availableBalance` = cross wallet + cross unrealized PnL − cross
//!   position margin − open-order margin, floored at 0.
//! - **Conditional orders** ([`algo`]) trigger on the mark, then place a
//!   MARKET or LIMIT order through the same engine.
//! - **Funding** ([`funding`]) is applied only by the
//!   [`SimState::futures_funding`](crate::SimState::futures_funding) hook.
//! - **countdownCancelAll** ([`countdown`]) is evaluated lazily: every
//!   request or hook that touches futures state first cancels the orders
//!   of expired countdowns, so no background task runs.
//!
//! Everything is deterministic: the seed, the requests and the clock.

pub mod account;
pub mod algo;
pub mod algo_params;
pub mod countdown;
pub mod engine;
pub mod funding;
pub mod hooks;
pub mod records;
pub mod request;
pub mod seed;
pub mod settings;
pub mod wire;
pub mod wire_account;

#[cfg(test)]
mod tests;

use rust_decimal::Decimal;

use crate::error::ApiError;

pub use account::{FuturesAccount, MarginType};

/// The wallet balance (USDT) the account starts with.
pub const SEED_WALLET: Decimal = Decimal::from_parts(10_000, 0, 0, false, 0);

/// Taker commission rate (0.05 %).
pub const TAKER_RATE: Decimal = Decimal::from_parts(5, 0, 0, false, 4);

/// Maker commission rate (0.02 %).
pub const MAKER_RATE: Decimal = Decimal::from_parts(2, 0, 0, false, 4);

/// Maintenance margin rate (0.4 % of the notional), for every symbol.
pub const MAINT_RATE: Decimal = Decimal::from_parts(4, 0, 0, false, 3);

/// Default leverage of a symbol.
pub const DEFAULT_LEVERAGE: u32 = 20;

/// Highest leverage accepted.
pub const MAX_LEVERAGE: u32 = 125;

/// Decimals of every USDT amount on the wire (balances, PnL, income).
pub const MONEY_DP: u32 = 8;

/// Order side, as on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// BUY: increases a long / reduces a short.
    Buy,
    /// SELL.
    Sell,
}

impl Side {
    /// Binance's spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Side::Buy => "BUY",
            Side::Sell => "SELL",
        }
    }

    /// +1 for BUY, -1 for SELL.
    pub fn sign(self) -> Decimal {
        match self {
            Side::Buy => Decimal::ONE,
            Side::Sell => Decimal::NEGATIVE_ONE,
        }
    }

    /// The other side.
    pub fn opposite(self) -> Side {
        match self {
            Side::Buy => Side::Sell,
            Side::Sell => Side::Buy,
        }
    }
}

/// -2019 "Margin is insufficient.".
pub fn margin_insufficient() -> ApiError {
    ApiError::bad_request(-2019, "Margin is insufficient.")
}

/// -2022 "ReduceOnly Order is rejected.".
pub fn reduce_only_rejected() -> ApiError {
    ApiError::bad_request(-2022, "ReduceOnly Order is rejected.")
}

/// -2021 "Order would immediately trigger.".
pub fn would_trigger() -> ApiError {
    ApiError::bad_request(-2021, "Order would immediately trigger.")
}

/// -2013 "Order does not exist.".
pub fn no_such_order() -> ApiError {
    ApiError::bad_request(-2013, "Order does not exist.")
}

/// -2011 "Unknown order sent.".
pub fn unknown_order() -> ApiError {
    ApiError::bad_request(-2011, "Unknown order sent.")
}

/// -1130 "Data sent for parameter '…' is not valid.".
pub fn invalid_data(name: &str) -> ApiError {
    ApiError::bad_request(
        -1130,
        format!("Data sent for parameter '{name}' is not valid."),
    )
}

/// A USDT amount rounded to [`MONEY_DP`].
pub fn money(d: Decimal) -> Decimal {
    d.round_dp(MONEY_DP)
}
