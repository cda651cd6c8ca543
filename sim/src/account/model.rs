//! The simulated account's records, serialised field for field as Binance
//! sends them (`GET /api/v3/order`, `myTrades`, `capital/deposit/hisrec`...).
//!
//! Money is `Decimal` throughout. Spot endpoints pad to eight decimals
//! ([`ser8`]); the wallet (`/sapi`) endpoints print amounts without padding
//! ([`ser_plain`]), as Binance does.

use rust_decimal::Decimal;
use serde::{Serialize, Serializer};

use crate::num::fmt8;

/// Serialises a decimal as an eight-decimal string ("0.10000000").
pub fn ser8<S: Serializer>(v: &Decimal, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&fmt8(*v))
}

/// Serialises a decimal as a string without trailing zeros ("0.1").
pub fn ser_plain<S: Serializer>(v: &Decimal, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&v.normalize().to_string())
}

/// One asset balance of `GET /api/v3/account`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Balance {
    /// Asset, e.g. "BTC".
    pub asset: String,
    /// Available amount.
    #[serde(serialize_with = "ser8")]
    pub free: Decimal,
    /// Amount locked by open orders.
    #[serde(serialize_with = "ser8")]
    pub locked: Decimal,
}

/// Order side.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Side {
    /// BUY.
    Buy,
    /// SELL.
    Sell,
}

/// Order status (the subset the simulator produces).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum OrderStatus {
    /// Resting on the book.
    New,
    /// Partly executed, still resting.
    PartiallyFilled,
    /// Fully executed.
    Filled,
    /// Cancelled by the user.
    Canceled,
    /// Expired unfilled (an IOC or FOK order that could not execute).
    Expired,
}

impl OrderStatus {
    /// Whether the order still rests on the book.
    pub fn is_open(self) -> bool {
        matches!(self, OrderStatus::New | OrderStatus::PartiallyFilled)
    }
}

/// Order type: every spot type `POST /api/v3/order` accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum OrderType {
    /// LIMIT.
    Limit,
    /// MARKET.
    Market,
    /// STOP_LOSS: a MARKET order once the stop price is reached.
    StopLoss,
    /// STOP_LOSS_LIMIT: a LIMIT order once the stop price is reached.
    StopLossLimit,
    /// TAKE_PROFIT: a MARKET order once the stop price is reached.
    TakeProfit,
    /// TAKE_PROFIT_LIMIT: a LIMIT order once the stop price is reached.
    TakeProfitLimit,
    /// LIMIT_MAKER: a LIMIT order rejected if it would take.
    LimitMaker,
}

impl OrderType {
    /// Parses Binance's spelling ("STOP_LOSS_LIMIT").
    pub fn parse(s: &str) -> Option<OrderType> {
        Some(match s {
            "LIMIT" => OrderType::Limit,
            "MARKET" => OrderType::Market,
            "STOP_LOSS" => OrderType::StopLoss,
            "STOP_LOSS_LIMIT" => OrderType::StopLossLimit,
            "TAKE_PROFIT" => OrderType::TakeProfit,
            "TAKE_PROFIT_LIMIT" => OrderType::TakeProfitLimit,
            "LIMIT_MAKER" => OrderType::LimitMaker,
            _ => return None,
        })
    }

    /// The stop ("algo") types, which wait for their stop price.
    pub fn is_stop(self) -> bool {
        matches!(
            self,
            OrderType::StopLoss
                | OrderType::StopLossLimit
                | OrderType::TakeProfit
                | OrderType::TakeProfitLimit
        )
    }

    /// The types with a limit `price`.
    pub fn has_price(self) -> bool {
        matches!(
            self,
            OrderType::Limit
                | OrderType::LimitMaker
                | OrderType::StopLossLimit
                | OrderType::TakeProfitLimit
        )
    }

    /// The types that take a `timeInForce`.
    pub fn has_time_in_force(self) -> bool {
        matches!(
            self,
            OrderType::Limit | OrderType::StopLossLimit | OrderType::TakeProfitLimit
        )
    }

    /// STOP_LOSS and STOP_LOSS_LIMIT (the protective side of an OCO).
    pub fn is_stop_loss(self) -> bool {
        matches!(self, OrderType::StopLoss | OrderType::StopLossLimit)
    }
}

/// One order, in the shape of `GET /api/v3/order`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Order {
    /// Symbol.
    pub symbol: String,
    /// Exchange order id, increasing per symbol.
    pub order_id: u64,
    /// -1: not part of an order list.
    pub order_list_id: i64,
    /// Client order id.
    pub client_order_id: String,
    /// Limit price (0 for MARKET).
    #[serde(serialize_with = "ser8")]
    pub price: Decimal,
    /// Ordered base quantity.
    #[serde(serialize_with = "ser8")]
    pub orig_qty: Decimal,
    /// Executed base quantity.
    #[serde(serialize_with = "ser8")]
    pub executed_qty: Decimal,
    /// Executed quote quantity (Binance's spelling).
    #[serde(serialize_with = "ser8")]
    pub cummulative_quote_qty: Decimal,
    /// Status.
    pub status: OrderStatus,
    /// "GTC", "IOC" or "FOK".
    pub time_in_force: String,
    /// Type.
    #[serde(rename = "type")]
    pub order_type: OrderType,
    /// Side.
    pub side: Side,
    /// Stop price (0: none).
    #[serde(serialize_with = "ser8")]
    pub stop_price: Decimal,
    /// Iceberg quantity (0: none).
    #[serde(serialize_with = "ser8")]
    pub iceberg_qty: Decimal,
    /// Creation time.
    pub time: i64,
    /// Last update time.
    pub update_time: i64,
    /// Whether the order is on the book.
    pub is_working: bool,
    /// When the order started working.
    pub working_time: i64,
    /// Quote quantity of a MARKET order placed by `quoteOrderQty` (else 0).
    #[serde(serialize_with = "ser8")]
    pub orig_quote_order_qty: Decimal,
    /// Self-trade prevention mode ("EXPIRE_MAKER").
    pub self_trade_prevention_mode: String,
}

/// One of the account's trades, in the shape of `GET /api/v3/myTrades`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MyTrade {
    /// Symbol.
    pub symbol: String,
    /// Trade id (the public tape's id for generated history).
    pub id: u64,
    /// The order it filled.
    pub order_id: u64,
    /// -1: not part of an order list.
    pub order_list_id: i64,
    /// Price.
    #[serde(serialize_with = "ser8")]
    pub price: Decimal,
    /// Base quantity.
    #[serde(serialize_with = "ser8")]
    pub qty: Decimal,
    /// Quote quantity.
    #[serde(serialize_with = "ser8")]
    pub quote_qty: Decimal,
    /// Commission charged.
    #[serde(serialize_with = "ser8")]
    pub commission: Decimal,
    /// Asset the commission was charged in (the asset received).
    pub commission_asset: String,
    /// Execution time.
    pub time: i64,
    /// Whether the account bought.
    pub is_buyer: bool,
    /// Whether the account's order was resting.
    pub is_maker: bool,
    /// Always true.
    pub is_best_match: bool,
}

/// One deposit of `GET /sapi/v1/capital/deposit/hisrec`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[allow(missing_docs)]
pub struct Deposit {
    pub id: String,
    #[serde(serialize_with = "ser_plain")]
    pub amount: Decimal,
    pub coin: String,
    pub network: String,
    /// 0 pending, 6 credited but cannot withdraw, 1 success.
    pub status: u8,
    pub address: String,
    pub address_tag: String,
    pub tx_id: String,
    pub insert_time: i64,
    pub complete_time: i64,
    /// 0 external, 1 internal transfer.
    pub transfer_type: u8,
    /// "12/12".
    pub confirm_times: String,
    pub unlock_confirm: u32,
    /// 0 spot wallet, 1 funding wallet.
    pub wallet_type: u8,
}

/// One withdrawal of `GET /sapi/v1/capital/withdraw/history`. Times are
/// UTC strings "YYYY-MM-DD HH:MM:SS", as Binance sends them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[allow(missing_docs)]
pub struct Withdrawal {
    pub id: String,
    #[serde(serialize_with = "ser_plain")]
    pub amount: Decimal,
    #[serde(serialize_with = "ser_plain")]
    pub transaction_fee: Decimal,
    pub coin: String,
    /// 0 email sent, 2 awaiting approval, 3 rejected, 4 processing, 6 completed.
    pub status: u8,
    pub address: String,
    pub tx_id: String,
    pub apply_time: String,
    pub network: String,
    pub transfer_type: u8,
    /// Present only when the withdrawal was applied with one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub withdraw_order_id: Option<String>,
    pub info: String,
    pub confirm_no: u32,
    pub wallet_type: u8,
    pub tx_key: String,
    pub complete_time: String,
    /// Apply time in ms, for filtering (not on the wire).
    #[serde(skip)]
    pub apply_time_ms: i64,
}

/// One row of `GET /sapi/v1/asset/transfer`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[allow(missing_docs)]
pub struct Transfer {
    pub asset: String,
    #[serde(serialize_with = "ser_plain")]
    pub amount: Decimal,
    /// e.g. "MAIN_UMFUTURE".
    #[serde(rename = "type")]
    pub transfer_type: String,
    /// "CONFIRMED".
    pub status: String,
    pub tran_id: u64,
    pub timestamp: i64,
}

/// One day of `GET /sapi/v1/accountSnapshot?type=SPOT`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DailySnapshot {
    /// End of the UTC day (23:59:59.000), ms.
    pub update_time: i64,
    /// Total value in BTC.
    pub total_asset_of_btc: Decimal,
    /// Balances at that time.
    pub balances: Vec<Balance>,
}

/// One asset of a MARGIN snapshot's `userAssets` (cross margin).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MarginAsset {
    /// Asset, e.g. "USDT".
    pub asset: String,
    /// Borrowed amount.
    #[serde(serialize_with = "ser8")]
    pub borrowed: Decimal,
    /// Available amount.
    #[serde(serialize_with = "ser8")]
    pub free: Decimal,
    /// Interest owed on the loan.
    #[serde(serialize_with = "ser8")]
    pub interest: Decimal,
    /// Amount locked by open orders.
    #[serde(serialize_with = "ser8")]
    pub locked: Decimal,
    /// free + locked − borrowed − interest.
    #[serde(serialize_with = "ser8")]
    pub net_asset: Decimal,
}

/// One day of `GET /sapi/v1/accountSnapshot?type=MARGIN`; serialises as the
/// snapshot's `data`, field for field as Binance sends it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MarginDailySnapshot {
    /// End of the UTC day (23:59:59.000), ms (the snapshot's `updateTime`,
    /// not part of `data`).
    #[serde(skip)]
    pub update_time: i64,
    /// totalAssetOfBtc / totalLiabilityOfBtc.
    #[serde(serialize_with = "ser8")]
    pub margin_level: Decimal,
    /// Σ (free + locked) valued in BTC.
    #[serde(serialize_with = "ser8")]
    pub total_asset_of_btc: Decimal,
    /// Σ (borrowed + interest) valued in BTC.
    #[serde(serialize_with = "ser8")]
    pub total_liability_of_btc: Decimal,
    /// totalAssetOfBtc − totalLiabilityOfBtc.
    #[serde(serialize_with = "ser8")]
    pub total_net_asset_of_btc: Decimal,
    /// Every margin asset, zero rows included.
    pub user_assets: Vec<MarginAsset>,
}

/// One asset of a FUTURES snapshot's `assets` (USDⓈ-M wallet).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FuturesAsset {
    /// Asset, e.g. "USDT".
    pub asset: String,
    /// walletBalance plus the unrealized profit of the positions margined in it.
    #[serde(serialize_with = "ser8")]
    pub margin_balance: Decimal,
    /// Wallet balance.
    #[serde(serialize_with = "ser8")]
    pub wallet_balance: Decimal,
}

/// One position of a FUTURES snapshot's `position` list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FuturesPosition {
    /// Entry price.
    #[serde(serialize_with = "ser8")]
    pub entry_price: Decimal,
    /// Mark price at the snapshot.
    #[serde(serialize_with = "ser8")]
    pub mark_price: Decimal,
    /// Signed position (negative: short).
    #[serde(serialize_with = "ser8")]
    pub position_amt: Decimal,
    /// Perpetual symbol, e.g. "BTCUSDT".
    pub symbol: String,
    /// positionAmt × (markPrice − entryPrice).
    #[serde(serialize_with = "ser8")]
    pub un_realized_profit: Decimal,
}

/// One day of `GET /sapi/v1/accountSnapshot?type=FUTURES`; serialises as the
/// snapshot's `data`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FuturesDailySnapshot {
    /// End of the UTC day (23:59:59.000), ms (not part of `data`).
    #[serde(skip)]
    pub update_time: i64,
    /// Wallet assets.
    pub assets: Vec<FuturesAsset>,
    /// Open positions (Binance's singular field name).
    #[serde(rename = "position")]
    pub positions: Vec<FuturesPosition>,
}

/// `listStatusType` of an order list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ListStatusType {
    /// Placed, or updated, and still active.
    ExecStarted,
    /// Finished: one leg was activated or the list was cancelled.
    AllDone,
}

/// `listOrderStatus` of an order list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ListOrderStatus {
    /// Both legs are working or waiting.
    Executing,
    /// No leg is waiting any more.
    AllDone,
}

/// One order of an order list's `orders`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ListMember {
    /// Symbol.
    pub symbol: String,
    /// Order id.
    pub order_id: u64,
    /// Client order id.
    pub client_order_id: String,
}

/// An order list (OCO), in the shape of `GET /api/v3/orderList`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderList {
    /// Order list id, increasing across the account.
    pub order_list_id: i64,
    /// Always "OCO" here.
    pub contingency_type: &'static str,
    /// EXEC_STARTED or ALL_DONE.
    pub list_status_type: ListStatusType,
    /// EXECUTING or ALL_DONE.
    pub list_order_status: ListOrderStatus,
    /// Client id of the list.
    pub list_client_order_id: String,
    /// Last change of the list.
    pub transaction_time: i64,
    /// Symbol.
    pub symbol: String,
    /// The legs, in order id order.
    pub orders: Vec<ListMember>,
}

impl OrderList {
    /// Whether the list still links its legs.
    pub fn is_active(&self) -> bool {
        self.list_status_type == ListStatusType::ExecStarted
    }
}

/// Commission rates as fractions (0.001 = 0.1 %).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CommissionRates {
    /// Maker rate.
    pub maker: Decimal,
    /// Taker rate.
    pub taker: Decimal,
    /// Buyer rate.
    pub buyer: Decimal,
    /// Seller rate.
    pub seller: Decimal,
}

/// A deposit address of `GET /sapi/v1/capital/deposit/address`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DepositAddress {
    /// Address.
    pub address: String,
    /// Coin.
    pub coin: String,
    /// Memo/tag ("" when the network has none).
    pub tag: String,
    /// Block-explorer URL of the address.
    pub url: String,
    /// Network (not on the wire; selects the address).
    #[serde(skip)]
    pub network: String,
}

/// Everything the simulated account holds, cloned for assertions by
/// [`crate::SimState::account`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountSnapshot {
    /// Account uid (`GET /api/v3/account` `uid`).
    pub uid: u64,
    /// Balances, in a fixed asset order (zero balances included).
    pub balances: Vec<Balance>,
    /// Every order, in placement order.
    pub orders: Vec<Order>,
    /// Every trade, oldest first.
    pub trades: Vec<MyTrade>,
    /// Deposits, newest first.
    pub deposits: Vec<Deposit>,
    /// Withdrawals, newest first.
    pub withdrawals: Vec<Withdrawal>,
    /// Universal transfers, newest first.
    pub transfers: Vec<Transfer>,
    /// Daily SPOT snapshots, oldest first (the last 7 days).
    pub snapshots: Vec<DailySnapshot>,
    /// Daily MARGIN (cross margin) snapshots, the same days.
    pub margin_snapshots: Vec<MarginDailySnapshot>,
    /// Daily FUTURES (USDⓈ-M) snapshots, the same days.
    pub futures_snapshots: Vec<FuturesDailySnapshot>,
    /// Order lists (OCOs), oldest first.
    pub order_lists: Vec<OrderList>,
    /// Standard commission rates.
    pub commission: CommissionRates,
    /// Deposit addresses, one per coin and network; the first of a coin is
    /// its default network.
    pub deposit_addresses: Vec<DepositAddress>,
    /// `updateTime` of the account: the last balance change.
    pub update_time: i64,
}
