//! Guest-side SDK for binance-mcp tool plugins.
//!
//! A plugin implements [`Plugin`] against the [`Exchange`] trait and calls
//! [`export_plugin!`]. On `wasm32` the macro wires the plugin to the WIT world
//! `binance:mcp/tool-plugin` (see `wit/plugin.wit`); natively the same code is
//! an ordinary library, which is how the host's benchmark compares a WASM call
//! with a native one and how plugin logic is unit-tested without a host.
//!
//! Nothing here can reach a secret, a socket, a file or an environment
//! variable: the only way out is [`Exchange::send`], which the host checks
//! against its endpoint catalogue and the plugin's grant.

pub mod answer;
pub mod args;
pub mod book;
pub mod candles;
pub mod capability;
pub mod content;
pub mod error;
pub mod exchange;
pub mod futures;
pub mod manifest;
pub mod output;
pub mod portfolio;
pub mod prompt;
pub mod rows;
pub mod schema;
pub mod testing;
pub mod time;
pub mod tool;
pub mod trading;
pub mod writes;

#[cfg(target_arch = "wasm32")]
pub mod guest;

pub use answer::Answer;
pub use content::{
    Completion, CompletionRef, CompletionRequest, ContentBlock, RenderedPrompt, ResourceContents,
    ResourceRequest,
};
pub use error::{ErrorKind, ToolError};
pub use exchange::{Exchange, Method, Request, Response, Venue};
pub use manifest::{Annotations, Manifest, ToolDescriptor, Updates};
pub use tool::{Run, Tool};

/// Re-exported so plugins build schemas and outputs with the same versions.
pub use rust_decimal::Decimal;
pub use serde_json;
pub use serde_json::{json, Value};

/// A tool plugin: a manifest and a dispatcher.
///
/// Both are plain functions so that the plugin holds no state between calls:
/// the host runs every call in a fresh instance, and a plugin that cached
/// something would behave differently under test than in production.
pub trait Plugin {
    /// Name, version and tool descriptors. Called once when the host loads
    /// the plugin.
    fn manifest() -> Manifest;

    /// Run tool `name` with `arguments` (a JSON object as text). Returns the
    /// structured output as JSON text (an object).
    fn call_tool(exchange: &dyn Exchange, name: &str, arguments: &str)
        -> Result<Answer, ToolError>;

    /// Render prompt `name` (one the manifest declares). A plugin without
    /// prompts keeps this default.
    fn get_prompt(
        _exchange: &dyn Exchange,
        name: &str,
        _arguments: &[(String, String)],
    ) -> Result<RenderedPrompt, ToolError> {
        Err(prompt::not_offered("prompt", name))
    }

    /// Read the resource the host matched. A plugin without resources keeps
    /// this default.
    fn read_resource(
        _exchange: &dyn Exchange,
        request: &ResourceRequest,
    ) -> Result<Vec<ResourceContents>, ToolError> {
        Err(prompt::not_offered("resource", &request.uri))
    }

    /// Suggest values for an argument of a prompt or template (none by
    /// default).
    fn complete(
        _exchange: &dyn Exchange,
        _request: &CompletionRequest,
    ) -> Result<Completion, ToolError> {
        Ok(Completion::default())
    }
}

/// Export a [`Plugin`] implementation as the component's `plugin` interface.
///
/// Expands to nothing on non-wasm targets, so the plugin crate also builds as
/// a native library.
#[macro_export]
macro_rules! export_plugin {
    ($plugin:ty) => {
        $crate::export_plugin!($plugin, $crate::guest::HostExchange);
    };
    // A plugin that places orders: its exchange also offers the host's
    // spot-trading capability. Only such a plugin imports it (and the host
    // links it only when the policy grants `spot-trade`).
    ($plugin:ty, trading) => {
        $crate::export_plugin!($plugin, $crate::guest::HostTradingExchange);
    };
    // A futures plugin: raw reads (futures-read) and the host's
    // futures-trading capability (linked only when `futures-trade` is
    // granted).
    ($plugin:ty, futures) => {
        $crate::export_plugin!($plugin, $crate::guest::HostFuturesExchange);
    };
    ($plugin:ty, $exchange:path) => {
        #[cfg(target_arch = "wasm32")]
        #[doc(hidden)]
        pub struct __BinanceMcpGuest;

        #[cfg(target_arch = "wasm32")]
        impl $crate::guest::bindings::exports::binance::mcp::plugin::Guest for __BinanceMcpGuest {
            fn get_manifest() -> $crate::guest::bindings::binance::mcp::types::Manifest {
                $crate::guest::manifest::<$plugin>()
            }
            fn call_tool(
                name: String,
                arguments: String,
            ) -> Result<
                $crate::guest::bindings::binance::mcp::content::ToolOutput,
                $crate::guest::bindings::binance::mcp::types::ToolError,
            > {
                $crate::guest::call_tool::<$plugin>(&$exchange, &name, &arguments)
            }
            fn get_prompt(
                name: String,
                arguments: Vec<(String, String)>,
            ) -> Result<
                $crate::guest::bindings::binance::mcp::content::RenderedPrompt,
                $crate::guest::bindings::binance::mcp::types::ToolError,
            > {
                $crate::guest::get_prompt::<$plugin>(&$exchange, &name, &arguments)
            }
            fn read_resource(
                request: $crate::guest::bindings::binance::mcp::content::ResourceRequest,
            ) -> Result<
                Vec<$crate::guest::bindings::binance::mcp::content::ResourceContents>,
                $crate::guest::bindings::binance::mcp::types::ToolError,
            > {
                $crate::guest::read_resource::<$plugin>(&$exchange, request)
            }
            fn complete(
                request: $crate::guest::bindings::binance::mcp::content::CompletionRequest,
            ) -> Result<
                $crate::guest::bindings::binance::mcp::content::Completion,
                $crate::guest::bindings::binance::mcp::types::ToolError,
            > {
                $crate::guest::complete::<$plugin>(&$exchange, request)
            }
        }

        #[cfg(target_arch = "wasm32")]
        $crate::guest::bindings::export!(__BinanceMcpGuest with_types_in $crate::guest::bindings);
    };
}
