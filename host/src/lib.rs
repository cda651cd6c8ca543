//! binance-mcp: the native host. It owns everything dangerous or shared —
//! the exchange gateway (catalogue, signing, rate limits, retries),
//! the plugin runtime, and the MCP transport — and runs tool plugins as
//! sandboxed WebAssembly components that can only call the capabilities
//! linked for them.
//!
//! Layout: `config` (flags and environment), `policy` (the operator's
//! policy file, capabilities, plugin identity), `gate` (the policy's
//! decision on each request, at execution), `exchange` (the gateway),
//! `capabilities` (one file per WIT interface a plugin may import),
//! `runtime` (engine, cache, plugins, registry, admission, calls), `mcp`
//! (the rmcp server and its stdio transport), `reload` (SIGHUP and file
//! changes), `lifecycle` (who owns background work), `app` (wiring for the
//! CLI).

pub mod app;
pub mod book;
pub mod capabilities;
pub mod client;
pub mod config;
pub mod exchange;
pub mod futures;
pub mod gate;
pub mod lifecycle;
pub mod mcp;
pub mod policy;
pub mod reload;
pub mod runtime;
pub mod secret;
pub mod text;
pub mod tool_error;
pub mod trading;
