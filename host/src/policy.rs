//! What each plugin may do, until operator policy files arrive (a later
//! release): a built-in table keyed by plugin name, deny by default, plus the
//! operator's explicit switches. The same decision is enforced at every
//! layer it touches: a tool the policy hides is never registered, and the
//! endpoint behind it is refused by the plugin's exchange grant as well.

use crate::capabilities::Grants;
use crate::exchange::catalogue::{Security, Venue};
use crate::exchange::ExchangeGrant;

/// The endpoint behind `get_deposit_address`.
pub const DEPOSIT_ADDRESS_PATH: &str = "/sapi/v1/capital/deposit/address";
/// Tools shown only when the operator allows deposit addresses.
pub const DEPOSIT_ADDRESS_TOOLS: &[&str] = &["get_deposit_address"];

/// The operator's choices.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Policy {
    /// Offer `get_deposit_address`. Off by default: an address sitting in a
    /// transcript invites address-substitution scams.
    pub allow_deposit_address: bool,
}

impl Policy {
    /// The capabilities plugin `plugin` is linked with.
    ///
    /// - `account`: public market data and signed account reads (USER_DATA)
    ///   on spot; never TRADE.
    /// - every other plugin (including `market` and third-party ones):
    ///   public market data only.
    pub fn grants_for(&self, plugin: &str) -> Grants {
        let grant = match plugin {
            "account" => {
                let g = ExchangeGrant::public_market_data()
                    .security(Security::UserData)
                    .venue(Venue::Spot);
                if self.allow_deposit_address {
                    g
                } else {
                    g.deny_path(DEPOSIT_ADDRESS_PATH)
                }
            }
            _ => ExchangeGrant::public_market_data(),
        };
        Grants::none().with_exchange(grant)
    }

    /// Whether tool `name` is offered to clients.
    pub fn exposes(&self, tool: &str) -> bool {
        self.allow_deposit_address || !DEPOSIT_ADDRESS_TOOLS.contains(&tool)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exchange::catalogue::{classify, Method};

    #[test]
    fn deposit_addresses_are_hidden_and_refused_unless_allowed() {
        let off = Policy::default();
        assert!(!off.exposes("get_deposit_address"));
        assert!(off.exposes("get_account_info"));
        let endpoint = classify(Venue::Spot, Method::Get, DEPOSIT_ADDRESS_PATH).unwrap();
        let grant = off.grants_for("account").exchange.unwrap();
        assert!(grant.check(endpoint).is_err());
        let on = Policy {
            allow_deposit_address: true,
        };
        assert!(on.exposes("get_deposit_address"));
        assert!(on
            .grants_for("account")
            .exchange
            .unwrap()
            .check(endpoint)
            .is_ok());
    }

    #[test]
    fn only_the_account_plugin_reads_account_data_and_nobody_trades() {
        let account = classify(Venue::Spot, Method::Get, "/api/v3/account").unwrap();
        let order = classify(Venue::Spot, Method::Post, "/api/v3/order").unwrap();
        let p = Policy {
            allow_deposit_address: true,
        };
        for plugin in ["market", "misbehave", "anything"] {
            assert!(
                p.grants_for(plugin)
                    .exchange
                    .unwrap()
                    .check(account)
                    .is_err(),
                "{plugin}"
            );
        }
        let g = p.grants_for("account").exchange.unwrap();
        assert!(g.check(account).is_ok());
        assert!(g.check(order).is_err());
    }
}
