//! USD-M futures under policy (one-way position mode): typed writes from
//! the `futures-trading` capability, checked by the host at the moment of
//! execution under the policy's `[futures]`, through the write desk spot
//! trading uses (kill switch, grant, journal, confirmation, account lock).
//!
//! - [`order`]: the plugin's record → a checked order → Binance's
//!   parameters, routed to `/fapi/v1/order` or the algo service.
//! - [`limits`]: `[futures]`'s limits, each refusal naming its key.
//! - [`service`]: the writes: orders, close, leverage, margin type, cancels.
//! - [`switch`]: the dead-man's switch (countdown cancel-all kept armed).

pub mod answer;
pub mod limits;
pub mod order;
pub mod service;
pub mod switch;

pub use service::FuturesTrading;
