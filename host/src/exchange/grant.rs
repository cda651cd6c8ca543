//! A coarse [`Gate`]: venues, security types and explicitly denied paths,
//! for the exchange pipeline's own tests and the benchmarks. Plugins never
//! run under it: their requests go through the policy's gate
//! (`crate::gate`), which allows exact capability sets. Deny by default: an
//! empty grant allows nothing.

use super::catalogue::{Endpoint, Security, Venue};
use super::{Gate, Pass};
use crate::tool_error::{ErrorKind, ToolError};
use std::collections::BTreeSet;

/// One plugin's exchange grant.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExchangeGrant {
    venues: BTreeSet<VenueKey>,
    security: BTreeSet<Security>,
    denied_paths: BTreeSet<&'static str>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum VenueKey {
    Spot,
    UsdmFutures,
}

impl From<Venue> for VenueKey {
    fn from(v: Venue) -> Self {
        match v {
            Venue::Spot => VenueKey::Spot,
            Venue::UsdmFutures => VenueKey::UsdmFutures,
        }
    }
}

impl ExchangeGrant {
    /// Public market data (security type NONE) on both venues.
    pub fn public_market_data() -> Self {
        ExchangeGrant::default()
            .venue(Venue::Spot)
            .venue(Venue::UsdmFutures)
            .security(Security::None)
    }

    /// Allow a venue.
    pub fn venue(mut self, venue: Venue) -> Self {
        self.venues.insert(venue.into());
        self
    }

    /// Allow a security type.
    pub fn security(mut self, security: Security) -> Self {
        self.security.insert(security);
        self
    }

    /// Refuse one catalogued path even though its security type is granted.
    pub fn deny_path(mut self, path: &'static str) -> Self {
        self.denied_paths.insert(path);
        self
    }

    /// Whether `endpoint` may be sent under this grant.
    pub fn check(&self, endpoint: &Endpoint) -> Result<(), ToolError> {
        if !self.venues.contains(&endpoint.venue.into()) {
            return Err(not_granted(format!(
                "this plugin may not use the {} venue",
                endpoint.venue
            )));
        }
        if !self.security.contains(&endpoint.security) {
            return Err(not_granted(format!(
                "{} {} is a {} endpoint, which this plugin is not granted",
                endpoint.method, endpoint.path, endpoint.security
            )));
        }
        if self.denied_paths.contains(endpoint.path) {
            return Err(not_granted(format!(
                "{} {} is not enabled by the operator's configuration",
                endpoint.method, endpoint.path
            )));
        }
        Ok(())
    }
}

impl Gate for ExchangeGrant {
    fn admit(&self, endpoint: &'static Endpoint) -> Result<Pass<'_>, ToolError> {
        self.check(endpoint).map(|()| Pass::default())
    }
}

fn not_granted(message: String) -> ToolError {
    ToolError::new(
        ErrorKind::NotPermitted,
        message,
        "this plugin's grant does not include it (set by the operator); use a tool that is permitted",
    )
}
