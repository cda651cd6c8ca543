//! The MCP face of the host: an rmcp `ServerHandler` whose tools are the
//! loaded plugins' tools, registered at run time from their manifests.
//!
//! A tool failure is a `CallToolResult` with `isError: true` and a JSON body
//! `{code, kind, message, recovery, …}` the model can act on; only a request
//! that cannot be routed (an unknown tool) is a protocol error.

mod logging;
pub mod offers;
pub mod stdio;
pub mod updates;

use crate::capabilities::log::{LogSink, PluginLog};
use crate::client::ClientContext;
use crate::lifecycle::Lifecycle;
use crate::runtime::admission::{Admission, AdmissionLimits};
use crate::runtime::plugin::ToolSpec;
use crate::runtime::registry::Registry;
use crate::runtime::{PluginHost, ToolOutput, UnknownTool};
use crate::tool_error::{ErrorKind, ToolError};
use logging::ClientLevel;
use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CallToolResult, ContentBlock, Implementation,
    ListToolsResult, PaginatedRequestParams, ServerCapabilities, ServerConfig, Tool,
    ToolAnnotations,
};
use rmcp::service::{Peer, RequestContext};
use rmcp::{ErrorData as McpError, RoleServer, ServerHandler};
use serde_json::json;
use std::sync::{Arc, Mutex};
use std::time::Instant;
use stdio::MAX_ARGUMENT_BYTES;

/// What the server tells a client about itself at initialization.
const INSTRUCTIONS: &str = "Binance market data (and, when the operator enables them, account and trading tools). \
Arguments use Binance's own parameter names (symbol, symbols, limit, interval, startTime, endTime). \
Prices and quantities are exact decimal strings. A failed call returns isError with {code, message, recovery}: follow the recovery.";

/// Most characters of a result written to the log at `trace` (results are
/// never logged at higher levels: they hold balances and addresses).
const TRACED_RESULT: usize = 512;

/// The MCP tools of one registry, kept until the registry changes.
type ToolCache = Option<(Arc<Registry>, Arc<Vec<Tool>>)>;

/// The MCP server over a [`PluginHost`].
#[derive(Clone)]
pub struct McpServer {
    host: Arc<PluginHost>,
    /// The MCP tools of the registry in force (rebuilt when it changes).
    tools: Arc<Mutex<ToolCache>>,
    admission: Arc<Admission>,
    lifecycle: Lifecycle,
    /// The client's `logging/setLevel`: plugin events at or above it are
    /// sent as `notifications/message`. `None` until the client asks.
    log_level: Arc<Mutex<Option<ClientLevel>>>,
    /// The session's `resources/subscribe` subscriptions, by URI.
    subscriptions:
        Arc<Mutex<std::collections::HashMap<String, tokio_util::sync::CancellationToken>>>,
}

impl McpServer {
    /// Serve the tools `host` shows under its policy in force; calls are
    /// admitted under `limits` and owned by `lifecycle`.
    pub fn new(host: Arc<PluginHost>, limits: AdmissionLimits, lifecycle: Lifecycle) -> Self {
        let admission = Admission::new(limits, std::iter::empty());
        McpServer {
            host,
            tools: Arc::new(Mutex::new(None)),
            admission: Arc::new(admission),
            lifecycle,
            log_level: Arc::new(Mutex::new(None)),
            subscriptions: Arc::default(),
        }
    }

    /// The host, for the reload watcher and the transports.
    pub fn host(&self) -> &Arc<PluginHost> {
        &self.host
    }

    /// Tell a client on a 2025 protocol revision of every applied policy
    /// (`notifications/tools/list_changed`), until the session or the host
    /// ends. (2026-07-28 clients subscribe instead: `listen`.)
    pub fn forward_tool_changes(&self, peer: Peer<RoleServer>) {
        let mut changes = self.host.subscribe();
        changes.mark_unchanged();
        let shutdown = self.lifecycle.token().clone();
        self.lifecycle.spawn(async move {
            loop {
                tokio::select! {
                    () = shutdown.cancelled() => return,
                    changed = changes.changed() => {
                        if changed.is_err() {
                            return;
                        }
                        // A 2026-07-28 (inline) session keeps no handshake
                        // info; it hears through its subscription.
                        if peer.peer_info().is_none() {
                            continue;
                        }
                        if let Err(e) = peer.notify_tool_list_changed().await {
                            tracing::debug!(error = %e, "could not send tools/list_changed; the client is gone");
                            return;
                        }
                        // A policy may serve other prompts and resources too.
                        let _ = peer.notify_prompt_list_changed().await;
                        let _ = peer.notify_resource_list_changed().await;
                        tracing::info!("told the client the tool, prompt and resource lists changed");
                    }
                }
            }
        });
    }

    /// The MCP tools of the policy in force.
    pub fn tools(&self) -> Arc<Vec<Tool>> {
        let registry = self.host.registry();
        let mut cached = self.tools.lock().unwrap_or_else(|p| p.into_inner());
        match &*cached {
            Some((r, tools)) if Arc::ptr_eq(r, &registry) => tools.clone(),
            _ => {
                let tools: Arc<Vec<Tool>> =
                    Arc::new(registry.tools().map(|t| to_mcp_tool(t.spec)).collect());
                *cached = Some((registry, tools.clone()));
                tools
            }
        }
    }

    /// Run one call: wait for admission within the call's budget, run it on
    /// a blocking thread owned by the lifecycle, and shape the result. Plugin
    /// log events go to the client too when it set a level; the client's
    /// context travels with the call (for capabilities that ask it).
    pub async fn call(
        &self,
        name: String,
        arguments: serde_json::Value,
        client: Option<ClientContext>,
    ) -> Result<CallToolResult, UnknownTool> {
        let registry = self.host.registry();
        let Some((plugin, _)) = registry.tool(&name) else {
            return Err(UnknownTool(name));
        };
        let plugin = plugin.plugin.name.to_string();
        drop(registry);
        let args = arguments.to_string();
        if args.len() > MAX_ARGUMENT_BYTES {
            return Ok(oversized(args.len()));
        }
        let started = Instant::now();
        let log = self.log_sink(client.as_ref().map(|c| c.peer.clone()));
        let tool = name.clone();
        let outcome = self
            .run_blocking(&plugin, &name, move |host, deadline| {
                host.call(&tool, &args, deadline, log, client)
            })
            .await;
        let outcome = match outcome {
            Ok(r) => r?,
            Err(refused) => Err(refused),
        };
        let ms = started.elapsed().as_secs_f64() * 1e3;
        Ok(match outcome {
            Ok(ToolOutput { value, text, extra }) => {
                tracing::info!(tool = %name, ms, "tool call ok");
                if tracing::enabled!(tracing::Level::TRACE) {
                    let shown = crate::text::cap_text(text.clone(), TRACED_RESULT);
                    tracing::trace!(tool = %name, result = %shown, "tool result (truncated)");
                }
                // The plugin's own text is the text block (the host checked it
                // parses to `value`): one serialization fewer per answer.
                let mut content = Vec::with_capacity(1 + extra.len());
                content.push(ContentBlock::text(text));
                content.extend(extra);
                let mut result = CallToolResult::success(content);
                result.structured_content = Some(value);
                result
            }
            Err(err) => {
                tracing::info!(tool = %name, ms, code = err.kind.code(), binance_code = ?err.exchange_code, "tool call failed");
                CallToolResult::error(vec![ContentBlock::text(err.to_json().to_string())])
            }
        })
    }

    /// Wait for admission of one entry into `plugin` within a call's budget,
    /// then run `f` on a blocking thread owned by the lifecycle, with the
    /// deadline. `Err` when not admitted in time or aborted.
    async fn run_blocking<T: Send + 'static>(
        &self,
        plugin: &str,
        entry: &str,
        f: impl FnOnce(&PluginHost, Instant) -> T + Send + 'static,
    ) -> Result<T, ToolError> {
        let deadline = Instant::now() + self.host.limits().call_timeout;
        let admitted = self
            .admission
            .admit(plugin, entry, deadline, self.lifecycle.token())
            .await?;
        let host = self.host.clone();
        self.lifecycle
            .spawn_blocking(move || {
                let _admitted = admitted;
                f(&host, deadline)
            })
            .await
            .map_err(|e| {
                ToolError::new(
                    ErrorKind::Internal,
                    format!("the call to '{entry}' was aborted: {e}"),
                    "retry; if it persists, report it",
                )
            })
    }

    /// A sink for one call's plugin log events, forwarding those at or above
    /// the client's level to `peer`; `None` when the client asked for none.
    fn log_sink(&self, peer: Option<Peer<RoleServer>>) -> Option<LogSink> {
        let peer = peer?;
        let min = (*self.log_level.lock().unwrap_or_else(|p| p.into_inner()))?;
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<PluginLog>();
        self.lifecycle.spawn(async move {
            while let Some(event) = rx.recv().await {
                let level = ClientLevel::of(event.level);
                if level >= min {
                    logging::notify(&peer, level, &event).await;
                }
            }
        });
        Some(tx)
    }
}

/// The tool error for arguments over [`MAX_ARGUMENT_BYTES`].
fn oversized(bytes: usize) -> CallToolResult {
    let err = ToolError::new(
        ErrorKind::InvalidArgument,
        format!("the arguments of this call are {bytes} bytes; the limit is {MAX_ARGUMENT_BYTES} bytes"),
        "send only the documented arguments, with short values (split long symbol lists across calls)",
    )
    .with_data("limit_bytes", MAX_ARGUMENT_BYTES);
    tracing::warn!(
        bytes,
        limit = MAX_ARGUMENT_BYTES,
        "refused a tool call with oversized arguments"
    );
    CallToolResult::error(vec![ContentBlock::text(err.to_json().to_string())])
}

fn to_mcp_tool(spec: &ToolSpec) -> Tool {
    // Only the hints that carry meaning: the title is the tool's own
    // `title`, and MCP defines destructive/idempotent only for tools that
    // are not read-only. Every byte here is paid by every conversation.
    let mut annotations = ToolAnnotations::new();
    annotations.read_only_hint = Some(spec.read_only);
    if !spec.read_only {
        annotations.destructive_hint = Some(spec.destructive);
        annotations.idempotent_hint = Some(spec.idempotent);
    }
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
    #[allow(deprecated)] // logging: see mcp/logging.rs
    fn get_info(&self) -> ServerConfig {
        let capabilities = ServerCapabilities::builder()
            .enable_tools()
            .enable_tool_list_changed()
            .enable_logging()
            .enable_prompts()
            .enable_prompts_list_changed()
            .enable_resources()
            .enable_resources_subscribe()
            .enable_resources_list_changed()
            .enable_completions()
            .build();
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
        Ok(ListToolsResult::with_all_items(
            self.tools().as_ref().clone(),
        ))
    }

    #[allow(deprecated)] // rmcp marks logging deprecated (SEP-2577); clients still use it
    async fn set_level(
        &self,
        request: rmcp::model::SetLevelRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<(), McpError> {
        let level = ClientLevel::from_mcp(request.level);
        tracing::info!(?level, "client set the log level");
        *self.log_level.lock().unwrap_or_else(|p| p.into_inner()) = Some(level);
        Ok(())
    }

    /// 2026-07-28 clients hear of tool-list changes on `subscriptions/listen`
    /// (earlier ones as plain notifications, `stdio::serve`).
    fn accepted_subscription_filter(
        &self,
        requested: &rmcp::model::SubscriptionFilter,
    ) -> Option<rmcp::model::SubscriptionFilter> {
        let mut accepted = rmcp::model::SubscriptionFilter::default();
        accepted.tools_list_changed = requested.tools_list_changed;
        accepted.prompts_list_changed = requested.prompts_list_changed;
        accepted.resources_list_changed = requested.resources_list_changed;
        // Resources the policy serves, up to the session bound.
        let registry = self.host.registry();
        let uris: Vec<String> = requested
            .resource_subscriptions
            .iter()
            .flatten()
            .filter(|uri| uri.len() <= 1024 && registry.resource(uri).is_some())
            .take(updates::MAX_SUBSCRIPTIONS)
            .cloned()
            .collect();
        accepted.resource_subscriptions = (!uris.is_empty()).then_some(uris);
        Some(accepted)
    }

    async fn listen(&self, context: rmcp::service::SubscriptionContext) -> Result<(), McpError> {
        // Each accepted resource is followed until the subscription ends.
        let ended = tokio_util::sync::CancellationToken::new();
        let _stop = ended.clone().drop_guard();
        for uri in context.accepted().resource_subscriptions.iter().flatten() {
            let sink = context.sink().clone();
            self.spawn_follow(uri.clone(), ended.child_token(), move |uri| {
                let sink = sink.clone();
                async move { sink.notify_resource_updated(uri).await.is_ok() }
            });
        }
        let mut changes = self.host.subscribe();
        changes.mark_unchanged();
        let shutdown = self.lifecycle.token().clone();
        loop {
            tokio::select! {
                () = context.cancelled() => return Ok(()),
                () = shutdown.cancelled() => return Ok(()),
                changed = changes.changed() => {
                    if changed.is_err() {
                        return Ok(());
                    }
                    let accepted = context.accepted();
                    let sink = context.sink();
                    let sent = async {
                        if accepted.tools_list_changed == Some(true) {
                            sink.notify_tool_list_changed().await?;
                        }
                        if accepted.prompts_list_changed == Some(true) {
                            sink.notify_prompt_list_changed().await?;
                        }
                        if accepted.resources_list_changed == Some(true) {
                            sink.notify_resource_list_changed().await?;
                        }
                        Ok::<(), rmcp::service::SubscriptionSendError>(())
                    };
                    if let Err(e) = sent.await {
                        tracing::debug!(error = %e, "could not send a list change on a subscription");
                        return Ok(());
                    }
                }
            }
        }
    }

    async fn list_prompts(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<rmcp::model::ListPromptsResult, McpError> {
        Ok(self.list_prompts_now())
    }

    async fn get_prompt(
        &self,
        request: rmcp::model::GetPromptRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<rmcp::model::GetPromptResponse, McpError> {
        self.get_prompt_now(request).await.map(Into::into)
    }

    async fn list_resources(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<rmcp::model::ListResourcesResult, McpError> {
        Ok(self.list_resources_now())
    }

    async fn list_resource_templates(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<rmcp::model::ListResourceTemplatesResult, McpError> {
        Ok(self.list_templates_now())
    }

    async fn read_resource(
        &self,
        request: rmcp::model::ReadResourceRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<rmcp::model::ReadResourceResponse, McpError> {
        self.read_resource_now(request.uri).await.map(Into::into)
    }

    async fn complete(
        &self,
        request: rmcp::model::CompleteRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<rmcp::model::CompleteResult, McpError> {
        self.complete_now(request).await
    }

    #[allow(deprecated)] // 2025 revisions subscribe this way; 2026-07-28 uses listen
    async fn subscribe(
        &self,
        request: rmcp::model::SubscribeRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<(), McpError> {
        self.subscribe_now(request.uri, context.peer).await
    }

    #[allow(deprecated)]
    async fn unsubscribe(
        &self,
        request: rmcp::model::UnsubscribeRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<(), McpError> {
        self.unsubscribe_now(&request.uri);
        Ok(())
    }

    fn get_tool(&self, name: &str) -> Option<Tool> {
        self.tools().iter().find(|t| t.name == name).cloned()
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, McpError> {
        if let Some(bytes) = request
            .arguments
            .as_ref()
            .and_then(|a| a.get(stdio::OVERSIZED_MARKER))
            .and_then(|b| b.as_u64())
        {
            return Ok(CallToolResponse::Complete(oversized(bytes as usize)));
        }
        let client = ClientContext::of_call(&request, &context);
        let round = client.round().cloned();
        let arguments = request
            .arguments
            .map(serde_json::Value::Object)
            .unwrap_or_else(|| json!({}));
        match self
            .call(request.name.to_string(), arguments, Some(client))
            .await
        {
            // A write asked the human (2026-07-28): the client fulfils the
            // round and retries; the plugin's interim answer is not sent.
            Ok(result) => match round.as_ref().and_then(|r| r.take_asked()) {
                Some(asked) => {
                    tracing::info!(tool = %request.name, "asked the client for the user's confirmation (input_required)");
                    Ok(CallToolResponse::InputRequired(asked))
                }
                None => Ok(CallToolResponse::Complete(result)),
            },
            Err(UnknownTool(name)) => Err(McpError::invalid_params(
                format!("unknown tool '{name}'; call tools/list for the available tools"),
                None,
            )),
        }
    }
}
