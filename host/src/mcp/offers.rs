//! Prompts, resources and completions: `prompts/*`, `resources/*` and
//! `completion/complete`, routed to the plugins that serve them under the
//! policy in force, through the same admission, deadline and gate as a
//! tool call. Their failures are JSON-RPC errors carrying the tool error's
//! code and `{code, kind, message, recovery}` as data (these methods have no
//! `isError` result).

use super::updates::{self, MAX_SUBSCRIPTIONS};
use super::McpServer;
use crate::runtime::{CompletionTarget, Unoffered};
use crate::tool_error::ToolError;
use rmcp::model::{
    CompleteRequestParams, CompleteResult, ErrorCode, GetPromptRequestParams, GetPromptResult,
    ListPromptsResult, ListResourceTemplatesResult, ListResourcesResult, Prompt, PromptArgument,
    ReadResourceResult, Reference, Resource, ResourceTemplate, ResourceUpdatedNotificationParam,
};
use rmcp::service::Peer;
use rmcp::{ErrorData as McpError, RoleServer};
use tokio_util::sync::CancellationToken;

/// Most bytes of a prompt argument, a URI or a completion value accepted.
const MAX_INPUT_BYTES: usize = 1024;
/// Most arguments of one `prompts/get` or completion context.
const MAX_INPUT_ARGUMENTS: usize = 32;

/// A tool error as a JSON-RPC error.
pub fn rpc_error(e: ToolError) -> McpError {
    McpError::new(
        ErrorCode(e.kind.code()),
        e.message.clone(),
        Some(e.to_json()),
    )
}

fn unoffered(e: Unoffered) -> McpError {
    McpError::invalid_params(e.0, None)
}

fn too_long(what: &str) -> McpError {
    McpError::invalid_params(
        format!("{what} is longer than {MAX_INPUT_BYTES} bytes"),
        None,
    )
}

/// String pairs from client arguments, bounded.
fn pairs<'a>(
    given: impl Iterator<Item = (&'a String, &'a serde_json::Value)>,
) -> Result<Vec<(String, String)>, McpError> {
    let mut out = Vec::new();
    for (k, v) in given {
        if out.len() == MAX_INPUT_ARGUMENTS {
            return Err(McpError::invalid_params(
                format!("at most {MAX_INPUT_ARGUMENTS} arguments"),
                None,
            ));
        }
        let v = match v {
            serde_json::Value::String(s) => s.clone(),
            serde_json::Value::Null => continue,
            other => other.to_string(),
        };
        if k.len() > MAX_INPUT_BYTES || v.len() > MAX_INPUT_BYTES {
            return Err(too_long(&format!(
                "argument '{}'",
                crate::text::escaped(k, 64)
            )));
        }
        out.push((k.clone(), v));
    }
    Ok(out)
}

impl McpServer {
    /// `prompts/list`.
    pub fn list_prompts_now(&self) -> ListPromptsResult {
        let registry = self.host.registry();
        let prompts = registry
            .prompts()
            .map(|(_, p)| {
                let arguments = p
                    .arguments
                    .iter()
                    .map(|a| {
                        PromptArgument::new(a.name.clone())
                            .with_description(a.description.clone())
                            .with_required(a.required)
                    })
                    .collect::<Vec<_>>();
                Prompt::new(
                    p.name.clone(),
                    Some(p.description.clone()),
                    (!arguments.is_empty()).then_some(arguments),
                )
                .with_title(p.title.clone())
            })
            .collect();
        ListPromptsResult::with_all_items(prompts)
    }

    /// `prompts/get`.
    pub async fn get_prompt_now(
        &self,
        request: GetPromptRequestParams,
    ) -> Result<GetPromptResult, McpError> {
        let arguments = pairs(request.arguments.iter().flatten())?;
        let name = request.name.to_string();
        let plugin = {
            let registry = self.host.registry();
            let (p, _) = registry.prompt(&name).ok_or_else(|| {
                unoffered(Unoffered(format!(
                    "unknown prompt '{}'; call prompts/list for the prompts offered",
                    crate::text::escaped(&name, 140)
                )))
            })?;
            p.plugin.name.to_string()
        };
        let entry = crate::runtime::registry::prompt_entry(&name);
        let started = std::time::Instant::now();
        let out = self
            .run_blocking(&plugin, &entry, move |host, deadline| {
                host.get_prompt(&name, arguments, deadline, None)
            })
            .await
            .map_err(rpc_error)?
            .map_err(unoffered)?;
        let ms = started.elapsed().as_secs_f64() * 1e3;
        match out {
            Ok((description, messages)) => {
                tracing::info!(prompt = %request.name, ms, "prompt rendered");
                Ok(GetPromptResult::new(messages).with_description(description))
            }
            Err(e) => {
                tracing::info!(prompt = %request.name, ms, code = e.kind.code(), "prompt failed");
                Err(rpc_error(e))
            }
        }
    }

    /// `resources/list`: the fixed resources.
    pub fn list_resources_now(&self) -> ListResourcesResult {
        let registry = self.host.registry();
        let resources = registry
            .resources()
            .filter(|(_, r)| r.template.is_none())
            .map(|(_, r)| {
                Resource::new(r.uri.clone(), r.name.clone())
                    .with_title(r.title.clone())
                    .with_description(r.description.clone())
                    .with_mime_type(r.mime_type.clone())
            })
            .collect();
        ListResourcesResult::with_all_items(resources)
    }

    /// `resources/templates/list`.
    pub fn list_templates_now(&self) -> ListResourceTemplatesResult {
        let registry = self.host.registry();
        let templates = registry
            .resources()
            .filter(|(_, r)| r.template.is_some())
            .map(|(_, r)| {
                ResourceTemplate::new(r.uri.clone(), r.name.clone())
                    .with_title(r.title.clone())
                    .with_description(r.description.clone())
                    .with_mime_type(r.mime_type.clone())
            })
            .collect();
        ListResourceTemplatesResult::with_all_items(templates)
    }

    /// `resources/read`.
    pub async fn read_resource_now(&self, uri: String) -> Result<ReadResourceResult, McpError> {
        if uri.len() > MAX_INPUT_BYTES {
            return Err(too_long("the URI"));
        }
        let (plugin, entry) = {
            let registry = self.host.registry();
            let (p, spec, _) = registry.resource(&uri).ok_or_else(|| {
                unoffered(Unoffered(format!(
                    "unknown resource '{}'; call resources/list and resources/templates/list for what is offered (a template's variable is one path segment of A-Z a-z 0-9 _ . -)",
                    crate::text::escaped(&uri, 280)
                )))
            })?;
            (
                p.plugin.name.to_string(),
                crate::runtime::registry::resource_entry(&spec.uri),
            )
        };
        let shown = uri.clone();
        let started = std::time::Instant::now();
        let out = self
            .run_blocking(&plugin, &entry, move |host, deadline| {
                host.read_resource(&uri, deadline, None)
            })
            .await
            .map_err(rpc_error)?
            .map_err(unoffered)?;
        let ms = started.elapsed().as_secs_f64() * 1e3;
        match out {
            Ok(contents) => {
                tracing::info!(uri = %shown, ms, "resource read");
                Ok(ReadResourceResult::new(contents))
            }
            Err(e) => {
                tracing::info!(uri = %shown, ms, code = e.kind.code(), "resource read failed");
                Err(rpc_error(e))
            }
        }
    }

    /// `completion/complete`.
    pub async fn complete_now(
        &self,
        request: CompleteRequestParams,
    ) -> Result<CompleteResult, McpError> {
        let target = match &request.r#ref {
            Reference::Prompt(p) => CompletionTarget::Prompt(p.name.clone()),
            Reference::Resource(r) => CompletionTarget::Resource(r.uri.clone()),
            _ => {
                return Err(McpError::invalid_params(
                    "a completion refers to ref/prompt or ref/resource",
                    None,
                ))
            }
        };
        let argument = request.argument.name.clone();
        let value = request.argument.value.clone();
        if argument.len() > MAX_INPUT_BYTES || value.len() > MAX_INPUT_BYTES {
            return Err(too_long("the argument"));
        }
        let context: Vec<(String, String)> = request
            .context
            .as_ref()
            .and_then(|c| c.arguments.as_ref())
            .into_iter()
            .flatten()
            .take(MAX_INPUT_ARGUMENTS)
            .filter(|(k, v)| k.len() <= MAX_INPUT_BYTES && v.len() <= MAX_INPUT_BYTES)
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        let (plugin, entry) = {
            let registry = self.host.registry();
            let found = match &target {
                CompletionTarget::Prompt(name) => registry
                    .prompt(name)
                    .map(|(p, _)| (p, crate::runtime::registry::prompt_entry(name))),
                CompletionTarget::Resource(uri) => registry
                    .declared_resource(uri)
                    .map(|(p, _)| (p, crate::runtime::registry::resource_entry(uri))),
            };
            let (p, entry) = found.ok_or_else(|| {
                McpError::invalid_params(
                    "completion for a prompt or resource template that is not offered; call prompts/list or resources/templates/list",
                    None,
                )
            })?;
            (p.plugin.name.to_string(), entry)
        };
        let out = self
            .run_blocking(&plugin, &entry, move |host, deadline| {
                host.complete(target, &argument, &value, context, deadline)
            })
            .await
            .map_err(rpc_error)?
            .map_err(unoffered)?
            .map_err(rpc_error)?;
        Ok(CompleteResult::new(out))
    }

    /// `resources/subscribe` (2025 revisions): check the resource reads,
    /// then follow it, notifying `peer`, until unsubscribed or the session
    /// ends. Subscribing twice to one URI is one subscription.
    pub async fn subscribe_now(&self, uri: String, peer: Peer<RoleServer>) -> Result<(), McpError> {
        {
            let subs = self.subscriptions.lock().unwrap_or_else(|p| p.into_inner());
            if subs.contains_key(&uri) {
                return Ok(());
            }
            if subs.len() >= MAX_SUBSCRIPTIONS {
                return Err(McpError::invalid_params(
                    format!("at most {MAX_SUBSCRIPTIONS} resource subscriptions at once; unsubscribe from one first"),
                    None,
                ));
            }
        }
        // A read that fails (an unknown symbol, a missing grant) refuses the
        // subscription with its own error instead of following nothing.
        self.read_resource_now(uri.clone()).await?;
        let cancel = self.lifecycle.token().child_token();
        {
            let mut subs = self.subscriptions.lock().unwrap_or_else(|p| p.into_inner());
            if subs.len() >= MAX_SUBSCRIPTIONS {
                return Err(McpError::invalid_params(
                    format!("at most {MAX_SUBSCRIPTIONS} resource subscriptions at once"),
                    None,
                ));
            }
            if subs.insert(uri.clone(), cancel.clone()).is_some() {
                return Ok(());
            }
        }
        let live = updates::followed(&self.host, &uri).is_some();
        tracing::info!(%uri, live, "client subscribed to a resource");
        self.spawn_follow(uri, cancel, move |uri| {
            let peer = peer.clone();
            async move {
                peer.notify_resource_updated(ResourceUpdatedNotificationParam::new(uri))
                    .await
                    .is_ok()
            }
        });
        Ok(())
    }

    /// `resources/unsubscribe`.
    pub fn unsubscribe_now(&self, uri: &str) {
        let removed = self
            .subscriptions
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(uri);
        if let Some(token) = removed {
            token.cancel();
            tracing::info!(%uri, "client unsubscribed from a resource");
        }
    }

    /// Follow `uri` on the lifecycle, sending through `send`.
    pub fn spawn_follow<F, Fut>(&self, uri: String, cancel: CancellationToken, send: F)
    where
        F: FnMut(String) -> Fut + Send + 'static,
        Fut: std::future::Future<Output = bool> + Send + 'static,
    {
        let host = self.host.clone();
        self.lifecycle
            .spawn(updates::follow(host, uri, cancel, send));
    }
}
