//! The MCP face of the host: an rmcp `ServerHandler` whose tools are the
//! loaded plugins' tools, registered at run time from their manifests.
//!
//! A tool failure is a `CallToolResult` with `isError: true` and a JSON body
//! `{code, kind, message, recovery, …}` the model can act on; only a request
//! that cannot be routed (an unknown tool) is a protocol error.

pub mod stdio;

use crate::runtime::plugin::ToolSpec;
use crate::runtime::{PluginHost, UnknownTool};
use crate::tool_error::{ErrorKind, ToolError};
use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CallToolResult, ContentBlock, Implementation,
    ListToolsResult, PaginatedRequestParams, ServerCapabilities, ServerConfig, Tool,
    ToolAnnotations,
};
use rmcp::service::RequestContext;
use rmcp::{ErrorData as McpError, RoleServer, ServerHandler};
use serde_json::json;
use std::sync::Arc;
use std::time::Instant;

/// What the server tells a client about itself at initialization.
const INSTRUCTIONS: &str = "Binance market data (and, when the operator enables them, account and trading tools). \
Arguments use Binance's own parameter names (symbol, symbols, limit, interval, startTime, endTime). \
Prices and quantities are exact decimal strings. A failed call returns isError with {code, message, recovery}: follow the recovery.";

/// Most characters of a result written to the log at `trace` (results are
/// never logged at higher levels: they hold balances and addresses).
const TRACED_RESULT: usize = 512;

/// The MCP server over a [`PluginHost`].
#[derive(Clone)]
pub struct McpServer {
    host: Arc<PluginHost>,
    tools: Arc<Vec<Tool>>,
}

impl McpServer {
    /// Register every tool of `host`.
    pub fn new(host: Arc<PluginHost>) -> Self {
        let tools = host.tools().map(|t| to_mcp_tool(t.spec)).collect();
        McpServer {
            host,
            tools: Arc::new(tools),
        }
    }

    /// Run one call through the host on a blocking thread and shape the result.
    pub async fn call(
        &self,
        name: String,
        arguments: serde_json::Value,
    ) -> Result<CallToolResult, UnknownTool> {
        if self.host.tool(&name).is_none() {
            return Err(UnknownTool(name));
        }
        let host = self.host.clone();
        let args = arguments.to_string();
        let started = Instant::now();
        let tool = name.clone();
        let joined = tokio::task::spawn_blocking(move || host.call(&tool, &args)).await;
        let outcome = match joined {
            Ok(r) => r?,
            Err(e) => Err(ToolError::new(
                ErrorKind::Internal,
                format!("the call to '{name}' was aborted: {e}"),
                "retry; if it persists, report it",
            )),
        };
        let ms = started.elapsed().as_secs_f64() * 1e3;
        Ok(match outcome {
            Ok(value) => {
                tracing::info!(tool = %name, ms, "tool call ok");
                if tracing::enabled!(tracing::Level::TRACE) {
                    let shown = crate::runtime::convert::cap_text(value.to_string(), TRACED_RESULT);
                    tracing::trace!(tool = %name, result = %shown, "tool result (truncated)");
                }
                CallToolResult::structured(value)
            }
            Err(err) => {
                tracing::info!(tool = %name, ms, code = err.kind.code(), binance_code = ?err.exchange_code, "tool call failed");
                CallToolResult::error(vec![ContentBlock::text(err.to_json().to_string())])
            }
        })
    }
}

fn to_mcp_tool(spec: &ToolSpec) -> Tool {
    let mut annotations = ToolAnnotations::new();
    annotations.title = Some(spec.title.clone());
    annotations.read_only_hint = Some(spec.read_only);
    annotations.destructive_hint = Some(spec.destructive);
    annotations.idempotent_hint = Some(spec.idempotent);
    annotations.open_world_hint = Some(spec.open_world);
    Tool::new(
        spec.name.clone(),
        spec.description.clone(),
        Arc::new(spec.input_schema.clone()),
    )
    .with_title(spec.title.clone())
    .with_raw_output_schema(Arc::new(spec.output_schema.clone()))
    .with_annotations(annotations)
}

impl ServerHandler for McpServer {
    fn get_info(&self) -> ServerConfig {
        let capabilities = ServerCapabilities::builder().enable_tools().build();
        ServerConfig::new(capabilities)
            .with_server_info(
                Implementation::new("binance-mcp", env!("CARGO_PKG_VERSION"))
                    .with_title("Binance MCP"),
            )
            .with_instructions(INSTRUCTIONS)
    }

    async fn list_tools(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, McpError> {
        Ok(ListToolsResult::with_all_items(self.tools.as_ref().clone()))
    }

    fn get_tool(&self, name: &str) -> Option<Tool> {
        self.tools.iter().find(|t| t.name == name).cloned()
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, McpError> {
        let arguments = request
            .arguments
            .map(serde_json::Value::Object)
            .unwrap_or_else(|| json!({}));
        match self.call(request.name.to_string(), arguments).await {
            Ok(result) => Ok(CallToolResponse::Complete(result)),
            Err(UnknownTool(name)) => Err(McpError::invalid_params(
                format!("unknown tool '{name}'; call tools/list for the available tools"),
                None,
            )),
        }
    }
}
