//! The capability catalogue: every grant a policy can give, by name, each an
//! exact set of catalogued endpoints. A grant never widens by venue or
//! security type: `account-read` is six spot paths, not "USER_DATA".
//!
//! The plugin declares per tool which capabilities it needs (its manifest);
//! the operator's policy decides which its plugin is granted; a tool is shown
//! only when every capability it declares is granted, and each call reaches
//! only the endpoints of the capabilities its tool declared and the plugin
//! was granted (see `crate::gate`).

use crate::exchange::catalogue::{classify, Endpoint, Method, Venue};
use std::fmt;

/// One grantable capability.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Capability {
    /// Public market data (security type NONE), spot and USD-M futures.
    MarketData,
    /// Signed spot account reads: balances, orders, fills, commission rates.
    AccountRead,
    /// Signed wallet reads: snapshots, deposit, withdrawal and transfer history.
    WalletRead,
    /// The account's deposit addresses. Separate from `wallet-read`: an
    /// address in a transcript invites address-substitution scams, so an
    /// operator grants it on purpose.
    DepositAddress,
    /// Spot orders, through the typed `spot-trading` interface only (never
    /// the raw exchange capability), each under the policy's `[trading]`.
    SpotTrade,
    /// Signed USD-M futures reads: the account, positions, open orders
    /// (regular and conditional), income, forced orders.
    FuturesRead,
    /// USD-M futures orders, leverage and margin type, through the typed
    /// `futures-trading` interface only, each under the policy's `[futures]`.
    FuturesTrade,
    /// Live local order books the host keeps from Binance's WebSocket
    /// streams (`order-book` interface, read-only). No REST endpoint of its
    /// own: the host's snapshots are public depth reads it makes itself.
    OrderBook,
}

use Method::Get;
use Venue::{Spot, UsdmFutures as Fut};

/// One endpoint of a capability: venue, method, path (each catalogued; a
/// unit test checks).
type Route = (Venue, Method, &'static str);

#[rustfmt::skip]
const MARKET_DATA: &[Route] = &[
    (Spot, Get, "/api/v3/ping"),
    (Spot, Get, "/api/v3/time"),
    (Spot, Get, "/api/v3/exchangeInfo"),
    (Spot, Get, "/api/v3/depth"),
    (Spot, Get, "/api/v3/trades"),
    (Spot, Get, "/api/v3/aggTrades"),
    (Spot, Get, "/api/v3/klines"),
    (Spot, Get, "/api/v3/uiKlines"),
    (Spot, Get, "/api/v3/avgPrice"),
    (Spot, Get, "/api/v3/ticker/24hr"),
    (Spot, Get, "/api/v3/ticker/price"),
    (Spot, Get, "/api/v3/ticker/bookTicker"),
    (Fut, Get, "/fapi/v1/ping"),
    (Fut, Get, "/fapi/v1/time"),
    (Fut, Get, "/fapi/v1/exchangeInfo"),
    (Fut, Get, "/fapi/v1/depth"),
    (Fut, Get, "/fapi/v1/trades"),
    (Fut, Get, "/fapi/v1/klines"),
    (Fut, Get, "/fapi/v1/premiumIndex"),
    (Fut, Get, "/fapi/v1/fundingRate"),
    (Fut, Get, "/fapi/v1/ticker/24hr"),
    (Fut, Get, "/fapi/v1/ticker/price"),
    (Fut, Get, "/fapi/v1/ticker/bookTicker"),
];

#[rustfmt::skip]
const ACCOUNT_READ: &[Route] = &[
    (Spot, Get, "/api/v3/account"),
    (Spot, Get, "/api/v3/myTrades"),
    (Spot, Get, "/api/v3/openOrders"),
    (Spot, Get, "/api/v3/allOrders"),
    (Spot, Get, "/api/v3/order"),
    (Spot, Get, "/api/v3/account/commission"),
];

#[rustfmt::skip]
const WALLET_READ: &[Route] = &[
    (Spot, Get, "/sapi/v1/accountSnapshot"),
    (Spot, Get, "/sapi/v1/capital/deposit/hisrec"),
    (Spot, Get, "/sapi/v1/capital/withdraw/history"),
    (Spot, Get, "/sapi/v1/asset/transfer"),
];

const DEPOSIT_ADDRESS: &[Route] = &[(Spot, Get, "/sapi/v1/capital/deposit/address")];

#[rustfmt::skip]
const SPOT_TRADE: &[Route] = &[
    (Spot, Method::Post, "/api/v3/order"),
    (Spot, Method::Post, "/api/v3/order/test"),
    (Spot, Method::Delete, "/api/v3/order"),
    (Spot, Method::Delete, "/api/v3/openOrders"),
    (Spot, Method::Post, "/api/v3/orderList/oco"),
];

#[rustfmt::skip]
const FUTURES_READ: &[Route] = &[
    (Fut, Get, "/fapi/v3/account"),
    (Fut, Get, "/fapi/v2/positionRisk"),
    (Fut, Get, "/fapi/v1/openOrders"),
    (Fut, Get, "/fapi/v1/openAlgoOrders"),
    (Fut, Get, "/fapi/v1/order"),
    (Fut, Get, "/fapi/v1/algoOrder"),
    (Fut, Get, "/fapi/v1/income"),
    (Fut, Get, "/fapi/v1/forceOrders"),
];

#[rustfmt::skip]
const FUTURES_TRADE: &[Route] = &[
    (Fut, Method::Post, "/fapi/v1/order"),
    (Fut, Method::Post, "/fapi/v1/algoOrder"),
    (Fut, Method::Delete, "/fapi/v1/order"),
    (Fut, Method::Delete, "/fapi/v1/algoOrder"),
    (Fut, Method::Delete, "/fapi/v1/allOpenOrders"),
    (Fut, Method::Delete, "/fapi/v1/algoOpenOrders"),
    (Fut, Method::Post, "/fapi/v1/leverage"),
    (Fut, Method::Post, "/fapi/v1/marginType"),
    (Fut, Method::Post, "/fapi/v1/countdownCancelAll"),
];

impl Capability {
    /// Every capability, in the order `policy check` prints them.
    pub const ALL: &'static [Capability] = &[
        Capability::MarketData,
        Capability::AccountRead,
        Capability::WalletRead,
        Capability::DepositAddress,
        Capability::SpotTrade,
        Capability::FuturesRead,
        Capability::FuturesTrade,
        Capability::OrderBook,
    ];

    /// The name used in policy files and plugin manifests.
    pub fn name(self) -> &'static str {
        match self {
            Capability::MarketData => "market-data",
            Capability::AccountRead => "account-read",
            Capability::WalletRead => "wallet-read",
            Capability::DepositAddress => "deposit-address",
            Capability::SpotTrade => "spot-trade",
            Capability::FuturesRead => "futures-read",
            Capability::FuturesTrade => "futures-trade",
            Capability::OrderBook => "order-book",
        }
    }

    /// The capability called `name`.
    pub fn from_name(name: &str) -> Option<Capability> {
        Capability::ALL.iter().copied().find(|c| c.name() == name)
    }

    /// Every name, comma-separated (for error messages).
    pub fn names() -> String {
        Capability::ALL
            .iter()
            .map(|c| c.name())
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// One line for `policy check`.
    pub fn summary(self) -> &'static str {
        match self {
            Capability::MarketData => "public market data, spot and USD-M futures (no key)",
            Capability::AccountRead => {
                "signed spot account reads: balances, open and past orders, fills, commission"
            }
            Capability::WalletRead => {
                "signed wallet reads: snapshots, deposit, withdrawal and transfer history"
            }
            Capability::DepositAddress => "the account's deposit addresses",
            Capability::SpotTrade => {
                "spot orders (typed, under the policy's [trading] limits and confirmations)"
            }
            Capability::FuturesRead => {
                "signed USD-M futures reads: account, positions, open orders, income, liquidations"
            }
            Capability::FuturesTrade => {
                "USD-M futures orders, leverage, margin type (typed, under the policy's [futures])"
            }
            Capability::OrderBook => {
                "live order books kept from Binance's streams (read-only; L1 metrics, depth, health)"
            }
        }
    }

    fn routes(self) -> &'static [Route] {
        match self {
            Capability::MarketData => MARKET_DATA,
            Capability::AccountRead => ACCOUNT_READ,
            Capability::WalletRead => WALLET_READ,
            Capability::DepositAddress => DEPOSIT_ADDRESS,
            Capability::SpotTrade => SPOT_TRADE,
            Capability::FuturesRead => FUTURES_READ,
            Capability::FuturesTrade => FUTURES_TRADE,
            Capability::OrderBook => &[],
        }
    }

    /// Whether `endpoint` is one of this capability's.
    pub fn covers(self, endpoint: &Endpoint) -> bool {
        self.routes().iter().any(|&(venue, method, path)| {
            venue == endpoint.venue && method == endpoint.method && path == endpoint.path
        })
    }

    /// The capability whose set holds `endpoint`, if any (for messages: a
    /// refusal names the grant that would allow it).
    pub fn covering(endpoint: &Endpoint) -> Option<Capability> {
        Capability::ALL.iter().copied().find(|c| c.covers(endpoint))
    }

    /// Which WIT interface the capability is used through: `exchange` for
    /// the reads, `spot-trading` / `futures-trading` for writes.
    pub fn interface(self) -> &'static str {
        match self {
            Capability::SpotTrade => "spot-trading",
            Capability::FuturesTrade => "futures-trading",
            Capability::OrderBook => "order-book",
            _ => "exchange",
        }
    }

    /// Whether the capability writes (its endpoints are reached only by the
    /// host's typed trading services, never through `exchange`).
    pub fn writes(self) -> bool {
        matches!(self, Capability::SpotTrade | Capability::FuturesTrade)
    }

    /// The catalogue entries of this capability.
    pub fn endpoints(self) -> impl Iterator<Item = &'static Endpoint> {
        self.routes()
            .iter()
            .filter_map(|&(venue, method, path)| classify(venue, method, path).ok())
    }
}

impl fmt::Display for Capability {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exchange::catalogue::{Security, CATALOGUE};

    #[test]
    fn every_route_is_catalogued_and_only_trade_capabilities_write() {
        for &cap in Capability::ALL {
            assert_eq!(cap.endpoints().count(), cap.routes().len(), "{cap}");
            for e in cap.endpoints() {
                let write = e.method != Method::Get || e.security == Security::Trade;
                assert_eq!(write, cap.writes(), "{cap}: {}", e.path);
                assert_eq!(cap.interface() != "exchange", write, "{cap}");
            }
        }
    }

    #[test]
    fn sets_do_not_widen_by_security_type_or_venue() {
        for e in Capability::MarketData.endpoints() {
            assert_eq!(e.security, Security::None, "{}", e.path);
        }
        for cap in [
            Capability::AccountRead,
            Capability::WalletRead,
            Capability::DepositAddress,
        ] {
            for e in cap.endpoints() {
                assert_eq!(e.security, Security::UserData, "{}", e.path);
                assert_eq!(e.venue, Venue::Spot, "{cap} reaches futures: {}", e.path);
            }
        }
        for e in Capability::FuturesRead.endpoints() {
            assert_eq!(e.security, Security::UserData, "{}", e.path);
            assert_eq!(e.venue, Venue::UsdmFutures, "{}", e.path);
        }
        for e in Capability::FuturesTrade.endpoints() {
            assert_eq!(e.venue, Venue::UsdmFutures, "{}", e.path);
        }
        // Each endpoint belongs to at most one capability.
        for e in CATALOGUE {
            let n = Capability::ALL.iter().filter(|c| c.covers(e)).count();
            assert!(n <= 1, "{} is in {n} capabilities", e.path);
        }
    }

    #[test]
    fn only_trade_capabilities_reach_trade_endpoints() {
        for e in CATALOGUE.iter().filter(|e| e.security == Security::Trade) {
            let want = match e.venue {
                Venue::Spot => Capability::SpotTrade,
                Venue::UsdmFutures => Capability::FuturesTrade,
            };
            assert_eq!(
                Capability::covering(e),
                Some(want),
                "{} {}",
                e.method,
                e.path
            );
        }
    }

    #[test]
    fn names_round_trip() {
        for &c in Capability::ALL {
            assert_eq!(Capability::from_name(c.name()), Some(c));
        }
        assert_eq!(Capability::from_name("trade"), None);
    }
}
