//! The plugin runtime: loads the plugins a policy names, keeps the registry
//! of the tools it shows (swapped whole on reload), and runs each tool call
//! in a fresh, limited instance.
//!
//! Every call gets a new `Store` instantiated from the plugin's `InstancePre`
//! on the pooling allocator (tens of microseconds), so no state leaks from one
//! call — or one model conversation — into the next; memory is capped by
//! `StoreLimits` and time by epoch interruption.

pub mod admission;
pub mod bindings;
pub mod cache;
pub mod content;
pub mod convert;
pub mod engine;
pub mod offers;
pub mod output;
pub mod plugin;
pub mod registry;

/// The first-party plugins compiled into the binary (`host/build.rs`).
pub mod builtin {
    include!(concat!(env!("OUT_DIR"), "/builtin_plugins.rs"));
}

use crate::capabilities::log::LogSink;
use crate::capabilities::Traders;
use crate::capabilities::{CallEnv, PluginState};
use crate::client::ClientContext;
use crate::exchange::share::WeightShare;
use crate::exchange::ExchangeService;
use crate::gate::{CallIdentity, PolicyGate};
use crate::policy::plugins::{plan, Builtin, PlanError, Planned};
use crate::policy::Policy;
use crate::tool_error::{ErrorKind, ToolError};
use crate::trading::SpotTrading;
use cache::ComponentCache;
use engine::{watch_deadline, Limits};
use plugin::{LoadContext, LoadError, LoadedPlugin, PluginSource, ToolSpec};
use registry::{Registry, RegistryError};
use serde_json::Value;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Instant;
use tokio_util::sync::CancellationToken;
use wasmtime::{Engine, Store};

use output::parse_output;
pub use output::MAX_OUTPUT_BYTES;

/// Why the host could not start (or reload) its plugins.
#[derive(Debug, thiserror::Error)]
pub enum HostError {
    #[error("cannot create the WebAssembly engine: {0}")]
    Engine(String),
    #[error(transparent)]
    Plan(#[from] PlanError),
    #[error(transparent)]
    Load(#[from] LoadError),
    #[error(transparent)]
    Registry(#[from] RegistryError),
}

/// A plugin's checked output: the JSON value, and the plugin's own text of
/// it (valid, compact JSON), so the text block of the answer need not be
/// serialized again.
#[derive(Debug, Clone, PartialEq)]
pub struct ToolOutput {
    pub value: Value,
    pub text: String,
    /// Blocks after the text (a chart's image), checked.
    pub extra: Vec<rmcp::model::ContentBlock>,
}

/// A prompt, resource or completion no plugin serves under the policy in
/// force: a protocol error whose message says what to do.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct Unoffered(pub String);

/// What a completion is for (MCP `ref/prompt` or `ref/resource`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CompletionTarget {
    Prompt(String),
    /// A resource template by its declared URI.
    Resource(String),
}

/// A call for a tool no plugin shows: a protocol error, not a tool error.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown tool '{0}'")]
pub struct UnknownTool(pub String);

/// Where plugins come from: the built-in ones, an operator's directory,
/// and the compiled-component cache.
#[derive(Debug, Clone)]
pub struct PluginSet {
    pub builtins: Vec<Builtin>,
    /// `--plugins DIR`: every component there must be pinned by the policy.
    pub dir: Option<PathBuf>,
    pub cache: ComponentCache,
}

impl PluginSet {
    /// The plugins compiled into this binary, no directory, no cache.
    pub fn builtin() -> Self {
        PluginSet {
            builtins: builtin::BUILTIN_PLUGINS.to_vec(),
            dir: None,
            cache: ComponentCache::new(None),
        }
    }
}

/// The plugins under the policy in force, and what runs their calls.
pub struct PluginHost {
    engine: Engine,
    service: ExchangeService,
    limits: Limits,
    plugins: PluginSet,
    gate: PolicyGate,
    /// The registry in force; replaced whole by [`PluginHost::apply`].
    registry: RwLock<Arc<Registry>>,
    /// Weight shares by plugin name, kept across reloads.
    shares: Mutex<HashMap<String, Arc<WeightShare>>>,
    /// One reload at a time.
    applying: Mutex<()>,
    /// Bumped on every applied policy (the MCP server tells its client).
    changes: tokio::sync::watch::Sender<u64>,
    /// Shutdown: running plugins are stopped at their next epoch tick.
    cancel: CancellationToken,
    /// The typed write services (`None` each: no plugin can use it).
    traders: Traders,
}

/// What a component file says about itself (`binance-mcp plugin inspect`).
#[derive(Debug, Clone)]
pub struct Inspection {
    pub digest: crate::policy::Digest,
    pub name: String,
    pub version: String,
    pub info: plugin::ComponentInfo,
    pub tools: Vec<ToolSpec>,
    pub prompts: Vec<offers::PromptSpec>,
    pub resources: Vec<offers::ResourceSpec>,
}

impl PluginHost {
    /// The engine and an empty registry; [`PluginHost::apply`] loads a policy.
    pub fn new(
        service: ExchangeService,
        limits: Limits,
        plugins: PluginSet,
    ) -> Result<Self, HostError> {
        let engine = engine::build(&limits).map_err(|e| HostError::Engine(format!("{e:#}")))?;
        engine::start_epoch_ticker(&engine).map_err(|e| HostError::Engine(e.to_string()))?;
        Ok(PluginHost {
            engine,
            service,
            limits,
            plugins,
            gate: PolicyGate::new(),
            registry: RwLock::new(Arc::new(Registry::default())),
            shares: Mutex::new(HashMap::new()),
            applying: Mutex::new(()),
            changes: tokio::sync::watch::Sender::new(0),
            cancel: CancellationToken::new(),
            traders: Traders::default(),
        })
    }

    /// Trade through `trading` (its `[trading]` policy follows each applied
    /// policy).
    pub fn with_trading(mut self, trading: Arc<SpotTrading>) -> Self {
        self.traders.spot = Some(trading);
        self
    }

    /// The live order books (spot and USD-M futures) plugins granted
    /// `order-book` read.
    pub fn with_book(mut self, book: crate::book::Books) -> Self {
        self.traders.book = Some(book);
        self
    }

    /// Trade futures through `futures` (its `[futures]` policy follows each
    /// applied policy).
    pub fn with_futures(mut self, futures: Arc<crate::futures::FuturesTrading>) -> Self {
        self.traders.futures = Some(futures);
        self
    }

    /// The live order books, when the host keeps them.
    pub fn books(&self) -> Option<&crate::book::Books> {
        self.traders.book.as_ref()
    }

    /// The spot-trading service, when the host has one.
    pub fn trading(&self) -> Option<&Arc<SpotTrading>> {
        self.traders.spot.as_ref()
    }

    /// The futures-trading service, when the host has one.
    pub fn futures(&self) -> Option<&Arc<crate::futures::FuturesTrading>> {
        self.traders.futures.as_ref()
    }

    /// The gate the policy in force decides through.
    pub fn gate(&self) -> &PolicyGate {
        &self.gate
    }

    /// Stop running plugins when `token` is cancelled (shutdown).
    pub fn with_cancel(mut self, token: CancellationToken) -> Self {
        self.cancel = token;
        self
    }

    /// The limits every call runs under.
    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// The exchange pipeline the plugins' calls go through.
    pub fn service(&self) -> &ExchangeService {
        &self.service
    }

    /// The registry in force.
    pub fn registry(&self) -> Arc<Registry> {
        self.registry
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// Notified with a new number each time a policy is applied.
    pub fn subscribe(&self) -> tokio::sync::watch::Receiver<u64> {
        self.changes.subscribe()
    }

    fn load_context(&self) -> LoadContext<'_> {
        LoadContext {
            engine: &self.engine,
            cache: &self.plugins.cache,
            service: &self.service,
            traders: &self.traders,
            gate: &self.gate,
            limits: &self.limits,
        }
    }

    /// The weight share of `plugin` (kept across reloads: what it spent
    /// this minute stays spent), created at `percent` if it has none.
    fn share(&self, plugin: &str, percent: u8) -> Arc<WeightShare> {
        let mut shares = self.shares.lock().unwrap_or_else(|p| p.into_inner());
        shares
            .entry(plugin.to_string())
            .or_insert_with(|| Arc::new(WeightShare::new(Arc::from(plugin), percent)))
            .clone()
    }

    /// Build the registry `policy` describes and put it in force for every
    /// later call and request, atomically; on any error the policy in force
    /// stays. Plugins already loaded with the same identity and linking are
    /// reused. Blocks (compiles, runs manifests): call it from a blocking
    /// thread.
    pub fn apply(&self, policy: Policy) -> Result<Arc<Registry>, HostError> {
        let _one = self.applying.lock().unwrap_or_else(|p| p.into_inner());
        let registry = self.build(policy)?;
        let registry = Arc::new(registry);
        for p in &registry.plugins {
            if let (Some(share), Some(percent)) = (&p.share, p.weight_percent) {
                share.set_percent(percent);
            }
        }
        // Gate first: a call that starts on the old registry meanwhile is
        // held to the new policy at its first request.
        self.gate.install(registry.permissions());
        if let (Some(t), Some(p)) = (&self.traders.spot, &registry.policy) {
            t.set_policy(p.trading.clone());
        }
        if let (Some(f), Some(p)) = (&self.traders.futures, &registry.policy) {
            f.set_policy(p.futures.clone(), p.trading.max_daily_notional);
        }
        *self.registry.write().unwrap_or_else(|p| p.into_inner()) = registry.clone();
        if registry.tools().next().is_none() {
            let file = registry.policy.as_ref().map_or("the policy", |p| p.file());
            tracing::warn!(
                policy = file,
                "the policy in force shows no tools: a client sees none"
            );
        }
        self.changes.send_modify(|n| *n += 1);
        Ok(registry)
    }

    /// The registry for `policy`, without putting it in force (`policy check`).
    pub fn build(&self, policy: Policy) -> Result<Registry, HostError> {
        let policy = Arc::new(policy);
        let planned = plan(&policy, &self.plugins.builtins, self.plugins.dir.as_deref())?;
        let previous = self.registry();
        let cx = self.load_context();
        let mut loaded = Vec::with_capacity(planned.len());
        for Planned { stanza, source } in planned {
            let links = plugin::Links::of(&stanza.grants);
            let plugin = match previous.reusable(&stanza.name, &source.digest, links) {
                Some(p) => p,
                None => {
                    let p = LoadedPlugin::load(&cx, &source, Some(&stanza.name), links)?;
                    tracing::info!(plugin = &*p.name, origin = %p.origin, version = %p.version, sha256 = %p.digest, tools = p.tools.len(), cache = ?p.cache, "loaded plugin");
                    Arc::new(p)
                }
            };
            loaded.push((stanza, plugin));
        }
        Ok(Registry::build(policy, loaded, &|name, pct| {
            self.share(name, pct)
        })?)
    }

    /// Read what the component at `path` declares, without a policy: its
    /// ABI, imports, manifest and digest. Nothing it asks of the exchange is
    /// allowed.
    pub fn inspect(&self, path: &Path) -> Result<Inspection, HostError> {
        let bytes = std::fs::read(path).map_err(|e| PlanError::Read {
            path: path.display().to_string(),
            reason: crate::text::io_reason(&e),
        })?;
        let source = PluginSource::file(path, bytes);
        let probe = LoadedPlugin::load(&self.load_context(), &source, None, plugin::Links::all())?;
        Ok(Inspection {
            digest: probe.digest,
            name: probe.name.to_string(),
            version: probe.version.clone(),
            info: probe.info.clone(),
            tools: probe.tools.clone(),
            prompts: probe.prompts.clone(),
            resources: probe.resources.clone(),
        })
    }

    /// Run one tool call in a fresh instance, to finish by `deadline`, its
    /// log events also going to `log` when given. Blocks (network
    /// included): call it from a blocking thread.
    ///
    /// `Err` only for a tool the policy in force does not show; every other
    /// failure — bad arguments, exchange errors, a trapping or runaway
    /// plugin — is the inner `Err(ToolError)`, for the model to read.
    pub fn call(
        &self,
        name: &str,
        arguments: &str,
        deadline: Instant,
        log: Option<LogSink>,
        client: Option<ClientContext>,
    ) -> Result<Result<ToolOutput, ToolError>, UnknownTool> {
        let registry = self.registry();
        let (plugin, _) = registry
            .tool(name)
            .ok_or_else(|| UnknownTool(name.to_string()))?;
        let plugin = &plugin.plugin;
        let env = self.env(plugin, name, deadline, log, client);
        let subject = format!("tool '{name}'");
        let out = self.enter(plugin, &subject, env, |store, instance| {
            instance
                .binance_mcp_plugin()
                .call_call_tool(store, name, arguments)
        });
        Ok(out.and_then(|out| {
            let value = parse_output(&plugin.name, &out.structured)?;
            let extra = content::extra_blocks(&plugin.name, out.structured.len(), out.extra)?;
            Ok(ToolOutput {
                value,
                text: out.structured,
                extra,
            })
        }))
    }

    /// Render prompt `name` with `arguments` (required ones checked here),
    /// as [`PluginHost::call`] runs a tool: the plugin's requests reach only
    /// the prompt's capabilities.
    pub fn get_prompt(
        &self,
        name: &str,
        arguments: Vec<(String, String)>,
        deadline: Instant,
        client: Option<ClientContext>,
    ) -> Result<Result<(String, Vec<rmcp::model::PromptMessage>), ToolError>, Unoffered> {
        let registry = self.registry();
        let (plugin, spec) = registry.prompt(name).ok_or_else(|| {
            Unoffered(format!(
                "unknown prompt '{}'; call prompts/list for the prompts offered",
                crate::text::escaped(name, 140)
            ))
        })?;
        if let Some(missing) = spec.arguments.iter().find(|a| {
            a.required
                && !arguments
                    .iter()
                    .any(|(k, v)| *k == a.name && !v.trim().is_empty())
        }) {
            return Ok(Err(ToolError::new(
                ErrorKind::InvalidArgument,
                format!("prompt '{name}' needs argument '{}'", missing.name),
                missing.description.clone(),
            )));
        }
        let plugin = &plugin.plugin;
        let entry = registry::prompt_entry(name);
        let env = self.env(plugin, &entry, deadline, None, client);
        let out = self.enter(
            plugin,
            &format!("prompt '{name}'"),
            env,
            |store, instance| {
                instance
                    .binance_mcp_plugin()
                    .call_get_prompt(store, name, &arguments)
            },
        );
        Ok(out.and_then(|p| content::prompt(&plugin.name, p)))
    }

    /// Read the resource `uri` names (a fixed URI, or a template's match).
    pub fn read_resource(
        &self,
        uri: &str,
        deadline: Instant,
        client: Option<ClientContext>,
    ) -> Result<Result<Vec<rmcp::model::ResourceContents>, ToolError>, Unoffered> {
        let registry = self.registry();
        let (plugin, spec, parameters) = registry.resource(uri).ok_or_else(|| {
            Unoffered(format!(
                "unknown resource '{}'; call resources/list and resources/templates/list for what is offered (a template's variable is one path segment of A-Z a-z 0-9 _ . -)",
                crate::text::escaped(uri, 280)
            ))
        })?;
        let plugin = &plugin.plugin;
        let request = bindings::binance::mcp::content::ResourceRequest {
            uri: uri.to_string(),
            matched: spec.uri.clone(),
            parameters,
        };
        let env = self.env(
            plugin,
            &registry::resource_entry(&spec.uri),
            deadline,
            None,
            client,
        );
        let out = self.enter(
            plugin,
            &format!("resource '{uri}'"),
            env,
            |store, instance| {
                instance
                    .binance_mcp_plugin()
                    .call_read_resource(store, &request)
            },
        );
        Ok(out.and_then(|c| content::resource(&plugin.name, uri, c)))
    }

    /// Suggest values for `argument` of a prompt or template; at most 100
    /// values, each at most 256 bytes, are kept.
    pub fn complete(
        &self,
        target: CompletionTarget,
        argument: &str,
        value: &str,
        context: Vec<(String, String)>,
        deadline: Instant,
    ) -> Result<Result<rmcp::model::CompletionInfo, ToolError>, Unoffered> {
        use bindings::binance::mcp::content as wit;
        let registry = self.registry();
        let (plugin, entry, arguments, wit_target) = match &target {
            CompletionTarget::Prompt(name) => {
                let (p, spec) = registry.prompt(name).ok_or_else(|| {
                    Unoffered(format!(
                        "unknown prompt '{}'; call prompts/list",
                        crate::text::escaped(name, 140)
                    ))
                })?;
                let args: Vec<String> = spec.arguments.iter().map(|a| a.name.clone()).collect();
                (
                    p,
                    registry::prompt_entry(name),
                    args,
                    wit::CompletionRef::Prompt(name.clone()),
                )
            }
            CompletionTarget::Resource(uri) => {
                let (p, spec) = registry.declared_resource(uri).ok_or_else(|| {
                    Unoffered(format!(
                        "unknown resource template '{}'; call resources/templates/list",
                        crate::text::escaped(uri, 280)
                    ))
                })?;
                let args: Vec<String> = spec
                    .template
                    .iter()
                    .flat_map(|t| t.variables().map(str::to_string))
                    .collect();
                (
                    p,
                    registry::resource_entry(uri),
                    args,
                    wit::CompletionRef::Template(uri.clone()),
                )
            }
        };
        if !arguments.iter().any(|a| a == argument) {
            return Err(Unoffered(format!(
                "'{}' is not an argument of it; its arguments are: {}",
                crate::text::escaped(argument, 80),
                arguments.join(", ")
            )));
        }
        let plugin = &plugin.plugin;
        let request = wit::CompletionRequest {
            target: wit_target,
            argument: argument.to_string(),
            value: crate::text::escaped(value, 128),
            context,
        };
        let env = self.env(plugin, &entry, deadline, None, None);
        let out = self.enter(
            plugin,
            &format!("completion of '{argument}'"),
            env,
            |store, instance| instance.binance_mcp_plugin().call_complete(store, &request),
        );
        Ok(out.map(|c| {
            let values: Vec<String> = c
                .values
                .into_iter()
                .filter(|v| v.len() <= 256)
                .take(rmcp::model::CompletionInfo::MAX_VALUES)
                .collect();
            let mut info = rmcp::model::CompletionInfo::default();
            info.has_more = Some(c.has_more || c.total.is_some_and(|t| t as usize > values.len()));
            info.total = c.total;
            info.values = values;
            info
        }))
    }

    /// The environment of one entry into `plugin` (`entry` is the gate's
    /// key: the tool, `prompt:NAME` or `resource:URI`).
    fn env(
        &self,
        plugin: &LoadedPlugin,
        entry: &str,
        deadline: Instant,
        log: Option<LogSink>,
        client: Option<ClientContext>,
    ) -> CallEnv {
        CallEnv {
            call: Arc::new(CallIdentity {
                plugin: plugin.name.clone(),
                tool: Arc::from(entry),
                client,
            }),
            deadline,
            cancel: self.cancel.clone(),
            log,
        }
    }

    /// Instantiate every plugin once and drop the instances, without calling
    /// anything: the first tool call after start then finds the pool's slots,
    /// their memory pages and the instantiation path warm instead of paying
    /// for them (it was 2.2× a warm call before this). No plugin code runs
    /// beyond its start-up, and no state survives: each call still gets a
    /// fresh instance.
    pub fn warm_up(&self) {
        for p in &self.registry().plugins {
            let plugin = &p.plugin;
            let env = CallEnv {
                call: Arc::new(CallIdentity {
                    plugin: plugin.name.clone(),
                    tool: Arc::from("warm-up"),
                    client: None,
                }),
                deadline: Instant::now() + std::time::Duration::from_secs(5),
                cancel: self.cancel.clone(),
                log: None,
            };
            let mut store = self.store(env);
            if let Err(e) = plugin.pre.instantiate(&mut store) {
                tracing::warn!(plugin = %plugin.name, error = %format!("{e:#}"), "warm-up instantiation failed");
            }
        }
    }

    /// A fresh store for one instance: the gate, the memory cap, the call's
    /// identity, deadline and cancellation.
    fn store(&self, env: CallEnv) -> Store<PluginState> {
        let state = PluginState::new(
            &self.gate,
            self.service.clone(),
            self.traders.clone(),
            &self.limits,
            env,
        );
        let mut store = Store::new(&self.engine, state);
        store.limiter(|s| &mut s.limits);
        watch_deadline(&mut store);
        store
    }

    /// Run `f` on a fresh instance of `plugin` under `env`; a trap, a
    /// timeout or the plugin's error becomes a [`ToolError`] about `subject`
    /// (`tool 'x'`, `prompt 'y'`).
    fn enter<T>(
        &self,
        plugin: &LoadedPlugin,
        subject: &str,
        env: CallEnv,
        f: impl FnOnce(
            &mut Store<PluginState>,
            &bindings::ToolPlugin,
        ) -> wasmtime::Result<Result<T, bindings::binance::mcp::types::ToolError>>,
    ) -> Result<T, ToolError> {
        let mut store = self.store(env);
        let trapped = |e: wasmtime::Error| self.trap_error(&plugin.name, subject, e);
        let instance = plugin.pre.instantiate(&mut store).map_err(trapped)?;
        f(&mut store, &instance)
            .map_err(trapped)?
            .map_err(convert::from_wit_error)
    }

    fn trap_error(&self, plugin: &str, subject: &str, e: wasmtime::Error) -> ToolError {
        let detail = format!("{e:#}");
        let interrupted = e.downcast_ref::<wasmtime::Trap>() == Some(&wasmtime::Trap::Interrupt);
        if interrupted && self.cancel.is_cancelled() {
            tracing::info!(
                plugin,
                subject,
                "plugin call stopped: the server is shutting down"
            );
            return ToolError::new(
                ErrorKind::ExchangeUnavailable,
                format!("{subject} was stopped because the server is shutting down"),
                "call it again once the server has restarted",
            );
        }
        tracing::warn!(plugin, subject, error = %detail, "plugin call failed");
        if interrupted {
            ToolError::new(
                ErrorKind::Internal,
                format!(
                    "{subject} did not finish within {} s and was stopped",
                    self.limits.call_timeout.as_secs()
                ),
                "retry with arguments that need less work (a smaller limit or time range)",
            )
        } else {
            ToolError::new(
                ErrorKind::Internal,
                format!("plugin '{plugin}' failed while running {subject}: {}", first_line(&detail)),
                "this is a plugin bug or a resource limit; retry with smaller arguments, or report it",
            )
        }
    }
}

fn first_line(s: &str) -> &str {
    s.lines().next().unwrap_or(s)
}
