//! The policy capabilities a tool declares in [`Tool::capabilities`], by
//! the names the host knows.
//!
//! A capability is a named set of endpoints in the host's policy catalogue
//! (`policies/README.md` and the host's own table are authoritative; these
//! constants only spell the names once for plugins). The host lists a tool
//! only when the operator's policy grants its plugin every capability the
//! tool declares, and a call of the tool may reach only the endpoints of
//! those capabilities, so a tool declares exactly what it sends: one
//! missing fails the call at run time, one extra widens its reach. A name
//! the host does not know refuses the whole plugin at load.
//!
//! [`Tool::capabilities`]: crate::Tool::capabilities

/// Public market data (security type NONE): spot `/api/v3/...` and USD-M
/// futures `/fapi/v1/...` (time, exchangeInfo, depth, trades, klines,
/// avgPrice, tickers, premiumIndex, fundingRate…).
pub const MARKET_DATA: &str = "market-data";

/// Signed spot account reads (USER_DATA): `GET /api/v3/account`,
/// `/api/v3/myTrades`, `/api/v3/openOrders`, `/api/v3/allOrders`,
/// `/api/v3/order`, `/api/v3/account/commission`.
pub const ACCOUNT_READ: &str = "account-read";

/// [`ACCOUNT_READ`] as an optional capability: the tool is listed without
/// it and reaches the account's endpoints only when the plugin is granted
/// it (any name ending in `?` is optional this way).
pub const ACCOUNT_READ_IF_GRANTED: &str = "account-read?";

/// Signed wallet reads: `GET /sapi/v1/accountSnapshot`,
/// `/sapi/v1/capital/deposit/hisrec`, `/sapi/v1/capital/withdraw/history`,
/// `/sapi/v1/asset/transfer`.
pub const WALLET_READ: &str = "wallet-read";

/// The deposit address only (`GET /sapi/v1/capital/deposit/address`),
/// apart from the other wallet reads because the operator enables it
/// explicitly.
pub const DEPOSIT_ADDRESS: &str = "deposit-address";

/// Spot orders through the typed `spot-trading` capability
/// ([`crate::trading`]): place, OCO, cancel, cancel-all, each checked and
/// confirmed by the host under the policy's `[trading]` section.
pub const SPOT_TRADE: &str = "spot-trade";

/// Signed USD-M futures reads: `GET /fapi/v3/account`, `/fapi/v2/positionRisk`,
/// `/fapi/v1/openOrders`, `/fapi/v1/openAlgoOrders`, `/fapi/v1/order`,
/// `/fapi/v1/algoOrder`, `/fapi/v1/income`, `/fapi/v1/forceOrders`.
pub const FUTURES_READ: &str = "futures-read";

/// USD-M futures orders, leverage and margin type through the typed
/// `futures-trading` capability ([`crate::futures`]), each checked and
/// confirmed by the host under the policy's `[futures]` section.
pub const FUTURES_TRADE: &str = "futures-trade";

/// The host's live order books (`order-book` interface, read-only): L1
/// metrics, depth and health from its WebSocket streams.
pub const ORDER_BOOK: &str = "order-book";

/// Every name above, in the order the WIT documents them (what this SDK
/// knows of; the host's catalogue decides what it accepts).
pub const ALL: &[&str] = &[
    MARKET_DATA,
    ACCOUNT_READ,
    WALLET_READ,
    DEPOSIT_ADDRESS,
    SPOT_TRADE,
    FUTURES_READ,
    FUTURES_TRADE,
    ORDER_BOOK,
];
