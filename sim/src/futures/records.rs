//! The futures account's records: orders and their status, income
//! entries, funding-rate records and forced orders.

use rust_decimal::Decimal;

use super::Side;

/// Futures order status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Resting.
    New,
    /// Fully executed.
    Filled,
    /// Cancelled (by the user or a countdown).
    Canceled,
    /// Expired (IOC/FOK not marketable, reduce-only with nothing to reduce).
    Expired,
}

impl Status {
    /// Binance's spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::New => "NEW",
            Status::Filled => "FILLED",
            Status::Canceled => "CANCELED",
            Status::Expired => "EXPIRED",
        }
    }
}

/// One regular futures order (LIMIT or MARKET), or a forced order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FOrder {
    /// Order id.
    pub order_id: u64,
    /// Symbol.
    pub symbol: String,
    /// Client order id.
    pub client_order_id: String,
    /// Side.
    pub side: Side,
    /// `LIMIT` or `MARKET`.
    pub order_type: &'static str,
    /// Limit price (0 for MARKET).
    pub price: Decimal,
    /// Average fill price (0 before a fill).
    pub avg_price: Decimal,
    /// Ordered quantity.
    pub orig_qty: Decimal,
    /// Executed quantity.
    pub executed_qty: Decimal,
    /// Executed quote amount.
    pub cum_quote: Decimal,
    /// `GTC` / `IOC` / `FOK` / `GTX`.
    pub time_in_force: &'static str,
    /// Reduce-only.
    pub reduce_only: bool,
    /// Close-all (set on orders placed by a closePosition algo order).
    pub close_position: bool,
    /// Status.
    pub status: Status,
    /// Creation time.
    pub time: i64,
    /// Last change.
    pub update_time: i64,
    /// Price and quantity decimals of the symbol.
    pub dp: (u32, u32),
}

impl FOrder {
    /// Whether the order still rests.
    pub fn is_open(&self) -> bool {
        self.status == Status::New
    }

    /// Quantity left to execute.
    pub fn remaining(&self) -> Decimal {
        self.orig_qty - self.executed_qty
    }

    /// Initial margin an open LIMIT order holds: price × remaining /
    /// leverage (0 for reduce-only orders).
    pub fn margin(&self, leverage: u32) -> Decimal {
        if !self.is_open() || self.reduce_only {
            return Decimal::ZERO;
        }
        self.price * self.remaining() / Decimal::from(leverage)
    }
}

/// `incomeType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IncomeType {
    /// A transfer into (or out of) the futures wallet.
    Transfer,
    /// PnL realized by reducing a position.
    RealizedPnl,
    /// A funding payment.
    FundingFee,
    /// Trading commission.
    Commission,
}

impl IncomeType {
    /// Binance's spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            IncomeType::Transfer => "TRANSFER",
            IncomeType::RealizedPnl => "REALIZED_PNL",
            IncomeType::FundingFee => "FUNDING_FEE",
            IncomeType::Commission => "COMMISSION",
        }
    }

    /// Parses the request spelling.
    pub fn parse(s: &str) -> Option<IncomeType> {
        [
            IncomeType::Transfer,
            IncomeType::RealizedPnl,
            IncomeType::FundingFee,
            IncomeType::Commission,
        ]
        .into_iter()
        .find(|t| t.as_str() == s)
    }
}

/// One income record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Income {
    /// Symbol ("" for transfers).
    pub symbol: String,
    /// Type.
    pub income_type: IncomeType,
    /// Signed USDT amount.
    pub income: Decimal,
    /// Free text ("TRANSFER", or "").
    pub info: String,
    /// Time.
    pub time: i64,
    /// Transaction id.
    pub tran_id: u64,
    /// Trade id ("" for non-trade income).
    pub trade_id: String,
}

/// One funding-rate record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FundingRecord {
    /// Symbol.
    pub symbol: String,
    /// Rate.
    pub rate: Decimal,
    /// Funding time.
    pub time: i64,
    /// Mark price at funding.
    pub mark: Decimal,
}

/// A forced (liquidation / ADL) order of the account's history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForceOrder {
    /// The order (status FILLED, LIMIT, IOC).
    pub order: FOrder,
    /// `LIQUIDATION` or `ADL`.
    pub auto_close_type: &'static str,
}
