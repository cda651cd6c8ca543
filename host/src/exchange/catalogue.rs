//! The endpoint catalogue: every Binance REST endpoint the host will send,
//! with its security type and request weight. A request that is not in the
//! catalogue is refused before anything leaves the machine.
//!
//! Withdrawal, transfer, sub-account and API-key-management endpoints are
//! never in the catalogue ([`FORBIDDEN_PREFIXES`] documents them and a unit
//! test keeps them out).

use std::fmt;

/// Which REST API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Venue {
    /// Spot, `/api/...` (and `/sapi/...` wallet reads).
    Spot,
    /// USD-M futures, `/fapi/...`.
    UsdmFutures,
}

impl fmt::Display for Venue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Venue::Spot => "spot",
            Venue::UsdmFutures => "usdm-futures",
        })
    }
}

/// HTTP method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Method {
    Get,
    Post,
    Put,
    Delete,
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Delete => "DELETE",
        })
    }
}

/// Binance's security types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Security {
    /// Public market data; no key.
    None,
    /// Signed reads of account data.
    UserData,
    /// Signed writes (orders).
    Trade,
}

impl fmt::Display for Security {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Security::None => "NONE",
            Security::UserData => "USER_DATA",
            Security::Trade => "TRADE",
        })
    }
}

/// How an endpoint's request weight is computed from its parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Weight {
    /// Always the same.
    Fixed(u32),
    /// Spot `depth`: by `limit` (default 100): ≤100 → 5, ≤500 → 25, ≤1000 → 50, else 250.
    SpotDepth,
    /// Futures `depth`: by `limit` (default 500): ≤50 → 2, ≤100 → 5, ≤500 → 10, else 20.
    FuturesDepth,
    /// Futures `klines`: by `limit` (default 500): <100 → 1, <500 → 2, ≤1000 → 5, else 10.
    FuturesKlines,
    /// One symbol / a `symbols` list / every symbol.
    BySelection { one: u32, list: u32, all: u32 },
    /// Spot `ticker/24hr`: 2 for one symbol; a list costs 2 (≤20), 40 (≤100), 80;
    /// all symbols 80.
    Spot24hr,
}

/// One catalogue entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Endpoint {
    pub venue: Venue,
    pub method: Method,
    pub path: &'static str,
    pub security: Security,
    pub weight: Weight,
}

impl Endpoint {
    /// The request weight of a call with these parameters.
    pub fn weight_of(&self, params: &[(String, String)]) -> u32 {
        let get = |name: &str| {
            params
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.as_str())
        };
        let limit = |default: u32| {
            get("limit")
                .and_then(|v| v.parse::<u32>().ok())
                .unwrap_or(default)
        };
        let listed = || get("symbols").map(|s| s.matches(',').count() as u32 + 1);
        match self.weight {
            Weight::Fixed(w) => w,
            Weight::SpotDepth => match limit(100) {
                0..=100 => 5,
                101..=500 => 25,
                501..=1000 => 50,
                _ => 250,
            },
            Weight::FuturesDepth => match limit(500) {
                0..=50 => 2,
                51..=100 => 5,
                101..=500 => 10,
                _ => 20,
            },
            Weight::FuturesKlines => match limit(500) {
                0..=99 => 1,
                100..=499 => 2,
                500..=1000 => 5,
                _ => 10,
            },
            Weight::BySelection { one, list, all } => match (get("symbol"), listed()) {
                (Some(_), _) => one,
                (None, Some(_)) => list,
                (None, None) => all,
            },
            Weight::Spot24hr => match (get("symbol"), listed()) {
                (Some(_), _) => 2,
                (None, Some(n)) if n <= 20 => 2,
                (None, Some(n)) if n <= 100 => 40,
                _ => 80,
            },
        }
    }
}

const fn get(venue: Venue, path: &'static str, security: Security, weight: Weight) -> Endpoint {
    Endpoint {
        venue,
        method: Method::Get,
        path,
        security,
        weight,
    }
}

use Security::None as Public;
use Venue::{Spot, UsdmFutures as Fut};
use Weight::Fixed;

/// Every endpoint the host will send. Later capabilities (signed account
/// reads, orders) add their entries here, with their security type.
#[rustfmt::skip]
pub const CATALOGUE: &[Endpoint] = &[
    // Spot public market data.
    get(Spot, "/api/v3/ping", Public, Fixed(1)),
    get(Spot, "/api/v3/time", Public, Fixed(1)),
    get(Spot, "/api/v3/exchangeInfo", Public, Fixed(20)),
    get(Spot, "/api/v3/depth", Public, Weight::SpotDepth),
    get(Spot, "/api/v3/trades", Public, Fixed(25)),
    get(Spot, "/api/v3/aggTrades", Public, Fixed(4)),
    get(Spot, "/api/v3/klines", Public, Fixed(2)),
    get(Spot, "/api/v3/uiKlines", Public, Fixed(2)),
    get(Spot, "/api/v3/avgPrice", Public, Fixed(2)),
    get(Spot, "/api/v3/ticker/24hr", Public, Weight::Spot24hr),
    get(Spot, "/api/v3/ticker/price", Public, Weight::BySelection { one: 2, list: 4, all: 4 }),
    get(Spot, "/api/v3/ticker/bookTicker", Public, Weight::BySelection { one: 2, list: 4, all: 4 }),
    // USD-M futures public market data.
    get(Fut, "/fapi/v1/ping", Public, Fixed(1)),
    get(Fut, "/fapi/v1/time", Public, Fixed(1)),
    get(Fut, "/fapi/v1/exchangeInfo", Public, Fixed(1)),
    get(Fut, "/fapi/v1/depth", Public, Weight::FuturesDepth),
    get(Fut, "/fapi/v1/trades", Public, Fixed(5)),
    get(Fut, "/fapi/v1/klines", Public, Weight::FuturesKlines),
    get(Fut, "/fapi/v1/premiumIndex", Public, Fixed(1)),
    get(Fut, "/fapi/v1/fundingRate", Public, Fixed(1)),
    get(Fut, "/fapi/v1/ticker/24hr", Public, Weight::BySelection { one: 1, list: 40, all: 40 }),
    get(Fut, "/fapi/v1/ticker/price", Public, Weight::BySelection { one: 1, list: 2, all: 2 }),
    get(Fut, "/fapi/v1/ticker/bookTicker", Public, Weight::BySelection { one: 2, list: 5, all: 5 }),
    // Spot account reads (USER_DATA, signed by the host). Granted to no
    // plugin until the account plugin and policies arrive.
    get(Spot, "/api/v3/account", Security::UserData, Fixed(20)),
    get(Spot, "/api/v3/myTrades", Security::UserData, Fixed(20)),
    get(Spot, "/api/v3/openOrders", Security::UserData, Weight::BySelection { one: 6, list: 80, all: 80 }),
    get(Spot, "/api/v3/allOrders", Security::UserData, Fixed(20)),
    get(Spot, "/api/v3/order", Security::UserData, Fixed(4)),
    get(Spot, "/api/v3/account/commission", Security::UserData, Fixed(20)),
    // The host's own lookup of an OCO whose answer was lost (no capability).
    get(Spot, "/api/v3/orderList", Security::UserData, Fixed(4)),
    // Wallet reads (USER_DATA; not on the spot testnet).
    get(Spot, "/sapi/v1/accountSnapshot", Security::UserData, Fixed(2400)),
    get(Spot, "/sapi/v1/capital/deposit/hisrec", Security::UserData, Fixed(1)),
    get(Spot, "/sapi/v1/capital/withdraw/history", Security::UserData, Fixed(1)),
    get(Spot, "/sapi/v1/asset/transfer", Security::UserData, Fixed(1)),
    get(Spot, "/sapi/v1/capital/deposit/address", Security::UserData, Fixed(10)),
    // Spot orders (TRADE). Sent only by the host's spot-trading capability
    // (typed orders, checked under the policy's [trading] section); the raw
    // exchange capability refuses every write.
    Endpoint { venue: Spot, method: Method::Post, path: "/api/v3/order", security: Security::Trade, weight: Fixed(1) },
    Endpoint { venue: Spot, method: Method::Post, path: "/api/v3/order/test", security: Security::Trade, weight: Fixed(1) },
    Endpoint { venue: Spot, method: Method::Delete, path: "/api/v3/order", security: Security::Trade, weight: Fixed(1) },
    Endpoint { venue: Spot, method: Method::Delete, path: "/api/v3/openOrders", security: Security::Trade, weight: Fixed(1) },
    Endpoint { venue: Spot, method: Method::Post, path: "/api/v3/orderList/oco", security: Security::Trade, weight: Fixed(1) },
    // USD-M futures account reads (USER_DATA).
    get(Fut, "/fapi/v3/account", Security::UserData, Fixed(5)),
    get(Fut, "/fapi/v2/positionRisk", Security::UserData, Fixed(5)),
    get(Fut, "/fapi/v1/openOrders", Security::UserData, Weight::BySelection { one: 1, list: 40, all: 40 }),
    get(Fut, "/fapi/v1/openAlgoOrders", Security::UserData, Weight::BySelection { one: 1, list: 40, all: 40 }),
    get(Fut, "/fapi/v1/order", Security::UserData, Fixed(1)),
    get(Fut, "/fapi/v1/algoOrder", Security::UserData, Fixed(1)),
    get(Fut, "/fapi/v1/income", Security::UserData, Fixed(30)),
    get(Fut, "/fapi/v1/forceOrders", Security::UserData, Weight::BySelection { one: 20, list: 50, all: 50 }),
    // USD-M futures writes (TRADE), sent only by the host's futures-trading
    // capability under the policy's [futures]. Order placements weigh 0 on
    // the IP on Binance (they count against the order limits); 1 here keeps
    // the limiter's accounting conservative.
    Endpoint { venue: Fut, method: Method::Post, path: "/fapi/v1/order", security: Security::Trade, weight: Fixed(1) },
    Endpoint { venue: Fut, method: Method::Post, path: "/fapi/v1/algoOrder", security: Security::Trade, weight: Fixed(1) },
    Endpoint { venue: Fut, method: Method::Delete, path: "/fapi/v1/order", security: Security::Trade, weight: Fixed(1) },
    Endpoint { venue: Fut, method: Method::Delete, path: "/fapi/v1/algoOrder", security: Security::Trade, weight: Fixed(1) },
    Endpoint { venue: Fut, method: Method::Delete, path: "/fapi/v1/allOpenOrders", security: Security::Trade, weight: Fixed(1) },
    Endpoint { venue: Fut, method: Method::Delete, path: "/fapi/v1/algoOpenOrders", security: Security::Trade, weight: Fixed(1) },
    Endpoint { venue: Fut, method: Method::Post, path: "/fapi/v1/leverage", security: Security::Trade, weight: Fixed(1) },
    Endpoint { venue: Fut, method: Method::Post, path: "/fapi/v1/marginType", security: Security::Trade, weight: Fixed(1) },
    Endpoint { venue: Fut, method: Method::Post, path: "/fapi/v1/countdownCancelAll", security: Security::Trade, weight: Fixed(10) },
];

/// Path prefixes that move money out of the account or manage keys and
/// sub-accounts. The host never sends them, whatever a policy says.
#[rustfmt::skip]
pub const FORBIDDEN_PREFIXES: &[(Forbid, &str)] = &[
    (Forbid::AnyMethod, "/sapi/v1/capital/withdraw/apply"),
    (Forbid::Writes, "/sapi/v1/capital/withdraw"),
    (Forbid::AnyMethod, "/wapi/"),
    (Forbid::Writes, "/sapi/v1/asset/transfer"),
    (Forbid::AnyMethod, "/sapi/v1/asset/dust"),
    (Forbid::AnyMethod, "/sapi/v1/futures/transfer"),
    (Forbid::AnyMethod, "/sapi/v1/sub-account"),
    (Forbid::AnyMethod, "/sapi/v2/sub-account"),
    (Forbid::AnyMethod, "/sapi/v3/sub-account"),
    (Forbid::AnyMethod, "/sapi/v4/sub-account"),
    (Forbid::AnyMethod, "/sapi/v1/account/apiRestrictions"),
    (Forbid::AnyMethod, "/sapi/v1/account/apiTradingStatus"),
    (Forbid::AnyMethod, "/sapi/v1/apiReferral"),
    (Forbid::AnyMethod, "/sapi/v1/broker"),
    (Forbid::AnyMethod, "/sapi/v1/capital/deposit/credit-apply"),
    (Forbid::AnyMethod, "/sapi/v1/pay"),
    (Forbid::AnyMethod, "/sapi/v1/giftcard"),
    (Forbid::AnyMethod, "/sapi/v1/localentity/withdraw"),
];

/// Which requests to a forbidden prefix are refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Forbid {
    /// Every method: the whole area moves funds or manages keys.
    AnyMethod,
    /// Everything but GET: reading the history is fine, acting is not
    /// (`GET /sapi/v1/asset/transfer` lists transfers, `POST` makes one).
    Writes,
}

/// Why a request was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CatalogueError {
    #[error(
        "{method} {path} moves funds or manages keys/sub-accounts; binance-mcp never sends it"
    )]
    Forbidden { method: Method, path: String },
    #[error("{method} {path} on {venue} is not in the host's endpoint catalogue")]
    Unknown {
        venue: Venue,
        method: Method,
        path: String,
    },
}

/// Find the catalogue entry for a request.
pub fn classify(
    venue: Venue,
    method: Method,
    path: &str,
) -> Result<&'static Endpoint, CatalogueError> {
    if is_forbidden(method, path) {
        return Err(CatalogueError::Forbidden {
            method,
            path: path.to_string(),
        });
    }
    CATALOGUE
        .iter()
        .find(|e| e.venue == venue && e.method == method && e.path == path)
        .ok_or_else(|| CatalogueError::Unknown {
            venue,
            method,
            path: path.to_string(),
        })
}

fn is_forbidden(method: Method, path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    FORBIDDEN_PREFIXES.iter().any(|(rule, prefix)| {
        lower.starts_with(&prefix.to_ascii_lowercase())
            && (*rule == Forbid::AnyMethod || method != Method::Get)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn known_endpoints_are_classified() {
        let e = classify(Spot, Method::Get, "/api/v3/depth").unwrap();
        assert_eq!(e.security, Security::None);
        assert_eq!(e.weight_of(&p(&[("limit", "100")])), 5);
        assert_eq!(e.weight_of(&p(&[("limit", "101")])), 25);
        assert_eq!(e.weight_of(&p(&[("limit", "1000")])), 50);
        assert_eq!(e.weight_of(&p(&[("limit", "5000")])), 250);
        assert_eq!(e.weight_of(&[]), 5);
        let t = classify(Spot, Method::Get, "/api/v3/ticker/24hr").unwrap();
        assert_eq!(t.weight_of(&p(&[("symbol", "BTCUSDT")])), 2);
        assert_eq!(t.weight_of(&p(&[("symbols", r#"["A","B"]"#)])), 2);
        assert_eq!(t.weight_of(&[]), 80);
        assert_eq!(
            classify(Spot, Method::Get, "/api/v3/exchangeInfo")
                .unwrap()
                .weight_of(&[]),
            20
        );
    }

    #[test]
    fn signed_endpoints_carry_their_security_type() {
        assert_eq!(
            classify(Spot, Method::Get, "/api/v3/account")
                .unwrap()
                .security,
            Security::UserData
        );
        assert_eq!(
            classify(Spot, Method::Post, "/api/v3/order")
                .unwrap()
                .security,
            Security::Trade
        );
        assert_eq!(
            classify(Spot, Method::Get, "/api/v3/order")
                .unwrap()
                .security,
            Security::UserData
        );
    }

    #[test]
    fn unknown_method_path_or_venue_is_refused() {
        assert!(matches!(
            classify(Spot, Method::Post, "/api/v3/depth"),
            Err(CatalogueError::Unknown { .. })
        ));
        assert!(matches!(
            classify(Spot, Method::Get, "/api/v3/depth/"),
            Err(CatalogueError::Unknown { .. })
        ));
        assert!(matches!(
            classify(Fut, Method::Get, "/api/v3/depth"),
            Err(CatalogueError::Unknown { .. })
        ));
        assert!(matches!(
            classify(Spot, Method::Get, "/api/v3/../v3/depth"),
            Err(CatalogueError::Unknown { .. })
        ));
    }

    #[test]
    fn money_moving_endpoints_are_forbidden_and_never_catalogued() {
        for path in [
            "/sapi/v1/capital/withdraw/apply",
            "/sapi/v1/asset/transfer",
            "/sapi/v1/sub-account/list",
            "/SAPI/V1/CAPITAL/WITHDRAW/apply",
        ] {
            let err = classify(Spot, Method::Post, path).unwrap_err();
            assert!(matches!(err, CatalogueError::Forbidden { .. }), "{path}");
            assert!(err.to_string().contains("never sends"));
        }
        // Withdrawing is forbidden whatever the method; reading history is not.
        assert!(is_forbidden(Method::Get, "/sapi/v1/capital/withdraw/apply"));
        assert!(!is_forbidden(
            Method::Get,
            "/sapi/v1/capital/withdraw/history"
        ));
        assert!(is_forbidden(
            Method::Delete,
            "/sapi/v1/capital/withdraw/history"
        ));
        assert!(classify(Spot, Method::Get, "/sapi/v1/asset/transfer").is_ok());
        for e in CATALOGUE {
            assert!(
                !is_forbidden(e.method, e.path),
                "{} {} is forbidden but catalogued",
                e.method,
                e.path
            );
        }
    }

    #[test]
    fn catalogue_has_no_duplicates() {
        for (i, a) in CATALOGUE.iter().enumerate() {
            for b in &CATALOGUE[i + 1..] {
                assert!(
                    !(a.venue == b.venue && a.method == b.method && a.path == b.path),
                    "{}",
                    a.path
                );
            }
        }
    }
}
