//! Spot trading under policy: typed orders from the `spot-trading`
//! capability, checked by the host at the moment of execution.
//!
//! - [`order`]: the plugin's record → a checked order → Binance's
//!   parameters (built by the host alone).
//! - [`limits`]: the policy's `[trading]` limits, each refusal naming its key.
//! - [`confirm`]: single-use confirmation tokens bound to the order.
//! - [`desk`]: what every typed write shares, spot and futures: the kill
//!   switch, the grant, the journal, the confirmation, the account lock.

pub mod answer;
pub mod ask;
pub mod confirm;
pub mod desk;
pub mod filters;
pub mod halt;
pub mod journal;
pub mod limits;
pub mod order;
pub mod service;

pub use service::SpotTrading;

/// Milliseconds since the epoch as ISO-8601 UTC (the SDK's, so host and
/// plugins write times alike).
pub fn iso(ms: i64) -> String {
    binance_mcp_plugin::time::iso8601_ms(ms)
}
