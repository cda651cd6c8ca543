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

impl Capability {
    /// Every capability, in the order `policy check` prints them.
    pub const ALL: &'static [Capability] = &[
        Capability::MarketData,
        Capability::AccountRead,
        Capability::WalletRead,
        Capability::DepositAddress,
        Capability::SpotTrade,
    ];

    /// The name used in policy files and plugin manifests.
    pub fn name(self) -> &'static str {
        match self {
            Capability::MarketData => "market-data",
            Capability::AccountRead => "account-read",
            Capability::WalletRead => "wallet-read",
            Capability::DepositAddress => "deposit-address",
            Capability::SpotTrade => "spot-trade",
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
        }
    }

    fn routes(self) -> &'static [Route] {
        match self {
            Capability::MarketData => MARKET_DATA,
            Capability::AccountRead => ACCOUNT_READ,
            Capability::WalletRead => WALLET_READ,
            Capability::DepositAddress => DEPOSIT_ADDRESS,
            Capability::SpotTrade => SPOT_TRADE,
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
    /// the reads, `spot-trading` for orders.
    pub fn interface(self) -> &'static str {
        match self {
            Capability::SpotTrade => "spot-trading",
            _ => "exchange",
        }
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
    fn every_route_is_catalogued_and_only_spot_trade_writes() {
        for &cap in Capability::ALL {
            assert_eq!(cap.endpoints().count(), cap.routes().len(), "{cap}");
            for e in cap.endpoints() {
                let write = e.method != Method::Get || e.security == Security::Trade;
                assert_eq!(write, cap == Capability::SpotTrade, "{cap}: {}", e.path);
                assert_eq!(cap.interface() == "spot-trading", write, "{cap}");
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
        // Each endpoint belongs to at most one capability.
        for e in CATALOGUE {
            let n = Capability::ALL.iter().filter(|c| c.covers(e)).count();
            assert!(n <= 1, "{} is in {n} capabilities", e.path);
        }
    }

    #[test]
    fn only_spot_trade_reaches_trade_endpoints() {
        for e in CATALOGUE.iter().filter(|e| e.security == Security::Trade) {
            assert_eq!(
                Capability::covering(e),
                Some(Capability::SpotTrade),
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
