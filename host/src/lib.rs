//! binance-mcp: the native host. It owns everything dangerous or shared —
//! the exchange gateway (catalogue, signing, rate limits, retries),
//! the plugin runtime, and the MCP transport — and runs tool plugins as
//! sandboxed WebAssembly components that can only call the capabilities
//! linked for them.
//!
//! Layout: `config` (flags and environment), `exchange` (the gateway),
//! `capabilities` (one file per WIT interface a plugin may import),
//! `runtime` (engine, cache, plugins, admission, calls), `mcp` (the rmcp
//! server and its stdio transport), `lifecycle` (who owns background work),
//! `app` (wiring for the CLI).

pub mod app;
pub mod capabilities;
pub mod config;
pub mod exchange;
pub mod lifecycle;
pub mod mcp;
pub mod policy;
pub mod runtime;
pub mod secret;
pub mod text;
pub mod tool_error;
