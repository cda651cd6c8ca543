//! The plugin runtime: loads plugin components, keeps the tool registry, and
//! runs each tool call in a fresh, limited instance.
//!
//! Every call gets a new `Store` instantiated from the plugin's `InstancePre`
//! on the pooling allocator (tens of microseconds), so no state leaks from one
//! call — or one model conversation — into the next; memory is capped by
//! `StoreLimits` and time by epoch interruption.

pub mod admission;
pub mod bindings;
pub mod cache;
pub mod convert;
pub mod engine;
pub mod output;
pub mod plugin;

/// The first-party plugins compiled into the binary (`host/build.rs`).
pub mod builtin {
    include!(concat!(env!("OUT_DIR"), "/builtin_plugins.rs"));
}

use crate::capabilities::log::LogSink;
use crate::capabilities::{CallEnv, PluginState};
use crate::exchange::ExchangeService;
use crate::policy::Policy;
use crate::tool_error::{ErrorKind, ToolError};
use cache::ComponentCache;
use engine::{watch_deadline, Limits};
use plugin::{LoadError, LoadedPlugin, PluginSource, ToolSpec};
use serde_json::Value;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Instant;
use tokio_util::sync::CancellationToken;
use wasmtime::{Engine, Store};

use output::parse_output;
pub use output::MAX_OUTPUT_BYTES;

/// Why the host could not start its plugins.
#[derive(Debug, thiserror::Error)]
pub enum HostError {
    #[error("cannot create the WebAssembly engine: {0}")]
    Engine(String),
    #[error("cannot read the plugin directory {dir}: {reason}; pass --plugins an existing directory of *.wasm components")]
    PluginDir { dir: String, reason: String },
    #[error("no plugins to load: this binary was built without its plugins (BINANCE_MCP_SKIP_PLUGIN_BUILD) and {dir} has no *.wasm components")]
    NoPlugins { dir: String },
    #[error(transparent)]
    Load(#[from] LoadError),
    #[error("tool '{tool}' is exported by both plugin {first} and plugin {second}; remove one of them from the plugin directory")]
    DuplicateTool {
        tool: String,
        first: String,
        second: String,
    },
    #[error("plugin file {file} declares the name '{name}'; a plugin's file must be named after it ({name}.wasm), since its grants are chosen by name")]
    NameMismatch { file: String, name: String },
    #[error("plugins {first} and {second} are both named '{name}'; remove one of them from the plugin directory")]
    DuplicatePlugin {
        name: String,
        first: String,
        second: String,
    },
}

/// A plugin's checked output: the JSON value, and the plugin's own text of
/// it (valid, compact JSON), so the text block of the answer need not be
/// serialized again.
#[derive(Debug, Clone, PartialEq)]
pub struct ToolOutput {
    pub value: Value,
    pub text: String,
}

/// A call for a tool no plugin exports: a protocol error, not a tool error.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown tool '{0}'")]
pub struct UnknownTool(pub String);

/// The loaded plugins and their tools.
pub struct PluginHost {
    engine: Engine,
    plugins: Vec<LoadedPlugin>,
    /// Tool name → (plugin index, tool index).
    index: HashMap<String, (usize, usize)>,
    service: ExchangeService,
    limits: Limits,
    /// Shutdown: running plugins are stopped at their next epoch tick.
    cancel: CancellationToken,
}

/// How a tool is registered, for listings.
#[derive(Debug, Clone)]
pub struct RegisteredTool<'a> {
    pub plugin: &'a str,
    pub spec: &'a ToolSpec,
}

impl PluginHost {
    /// The engine, ready for [`PluginHost::load_dir`] or [`PluginHost::load_files`].
    pub fn new(service: ExchangeService, limits: Limits) -> Result<Self, HostError> {
        let engine = engine::build(&limits).map_err(|e| HostError::Engine(format!("{e:#}")))?;
        engine::start_epoch_ticker(&engine).map_err(|e| HostError::Engine(e.to_string()))?;
        Ok(PluginHost {
            engine,
            plugins: Vec::new(),
            index: HashMap::new(),
            service,
            limits,
            cancel: CancellationToken::new(),
        })
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

    /// What to load: the plugins compiled into the binary, then every
    /// `*.wasm` in `dir` (in name order) — a file named after a built-in
    /// plugin replaces it, any other adds a plugin.
    pub fn sources(
        builtin: &[(&str, &'static [u8])],
        dir: Option<&Path>,
    ) -> Result<Vec<PluginSource>, HostError> {
        let mut sources: Vec<PluginSource> = builtin
            .iter()
            .map(|(name, bytes)| PluginSource::builtin(name, bytes))
            .collect();
        let Some(dir) = dir else {
            return Ok(sources);
        };
        for path in Self::plugin_files(dir)? {
            let file = PluginSource::file(&path)?;
            match sources.iter_mut().find(|s| s.name == file.name) {
                Some(existing) => {
                    tracing::info!(plugin = %file.name, file = %file.origin, "a plugin file overrides the built-in plugin");
                    *existing = file;
                }
                None => sources.push(file),
            }
        }
        if sources.is_empty() {
            return Err(HostError::NoPlugins {
                dir: dir.display().to_string(),
            });
        }
        Ok(sources)
    }

    /// Every `*.wasm` in `dir`, in name order.
    pub fn plugin_files(dir: &Path) -> Result<Vec<PathBuf>, HostError> {
        let entries = std::fs::read_dir(dir).map_err(|e| HostError::PluginDir {
            dir: dir.display().to_string(),
            reason: io_reason(&e),
        })?;
        let mut files: Vec<PathBuf> = entries
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "wasm") && p.is_file())
            .collect();
        files.sort();
        Ok(files)
    }

    /// Load every plugin source with the grants `policy` gives it,
    /// registering the tools the policy exposes and refusing duplicate
    /// plugin or tool names.
    pub fn load_sources(
        &mut self,
        sources: &[PluginSource],
        cache: &ComponentCache,
        policy: &Policy,
    ) -> Result<(), HostError> {
        for source in sources {
            let grants = policy.grants_for(&source.name);
            let mut plugin = LoadedPlugin::load(
                &self.engine,
                cache,
                source,
                grants,
                &self.service,
                &self.limits,
            )?;
            if *plugin.name != source.name {
                // Grants are chosen by name before the manifest is read; a
                // plugin claiming another name must not borrow its grants.
                return Err(HostError::NameMismatch {
                    file: source.origin.clone(),
                    name: plugin.name.to_string(),
                });
            }
            plugin.tools.retain(|t| policy.exposes(&t.name));
            tracing::info!(plugin = &*plugin.name, origin = %plugin.origin, version = %plugin.version, tools = plugin.tools.len(), cache = ?plugin.cache, "loaded plugin");
            self.register(plugin)?;
        }
        Ok(())
    }

    /// Load every plugin file in `files` (see [`PluginHost::load_sources`]).
    pub fn load_files(
        &mut self,
        files: &[PathBuf],
        cache: &ComponentCache,
        policy: &Policy,
    ) -> Result<(), HostError> {
        let sources = files
            .iter()
            .map(|f| PluginSource::file(f))
            .collect::<Result<Vec<_>, _>>()?;
        self.load_sources(&sources, cache, policy)
    }

    fn register(&mut self, plugin: LoadedPlugin) -> Result<(), HostError> {
        let describe = |p: &LoadedPlugin| format!("{} ({})", p.name, p.origin);
        for tool in &plugin.tools {
            if let Some((other, _)) = self.index.get(&tool.name) {
                return Err(HostError::DuplicateTool {
                    tool: tool.name.clone(),
                    first: describe(&self.plugins[*other]),
                    second: describe(&plugin),
                });
            }
        }
        if let Some(other) = self.plugins.iter().find(|p| p.name == plugin.name) {
            return Err(HostError::DuplicatePlugin {
                name: plugin.name.to_string(),
                first: other.origin.clone(),
                second: plugin.origin.clone(),
            });
        }
        let p = self.plugins.len();
        for (t, tool) in plugin.tools.iter().enumerate() {
            self.index.insert(tool.name.clone(), (p, t));
        }
        self.plugins.push(plugin);
        Ok(())
    }

    /// The exchange pipeline the plugins' calls go through.
    pub fn service(&self) -> &ExchangeService {
        &self.service
    }

    /// The loaded plugins.
    pub fn plugins(&self) -> &[LoadedPlugin] {
        &self.plugins
    }

    /// Every tool, in plugin-then-declaration order.
    pub fn tools(&self) -> impl Iterator<Item = RegisteredTool<'_>> {
        self.plugins.iter().flat_map(|p| {
            p.tools.iter().map(move |spec| RegisteredTool {
                plugin: &p.name,
                spec,
            })
        })
    }

    /// Look a tool up.
    pub fn tool(&self, name: &str) -> Option<RegisteredTool<'_>> {
        let (p, t) = *self.index.get(name)?;
        let plugin = &self.plugins[p];
        Some(RegisteredTool {
            plugin: &plugin.name,
            spec: &plugin.tools[t],
        })
    }

    /// Run one tool call in a fresh instance, to finish by `deadline`, its
    /// log events also going to `log` when given. Blocks (network
    /// included): call it from a blocking thread.
    ///
    /// `Err` only for an unknown tool; every other failure — bad arguments,
    /// exchange errors, a trapping or runaway plugin — is the inner
    /// `Err(ToolError)`, for the model to read.
    pub fn call(
        &self,
        name: &str,
        arguments: &str,
        deadline: Instant,
        log: Option<LogSink>,
    ) -> Result<Result<ToolOutput, ToolError>, UnknownTool> {
        let (p, _) = *self
            .index
            .get(name)
            .ok_or_else(|| UnknownTool(name.to_string()))?;
        let plugin = &self.plugins[p];
        let env = CallEnv {
            deadline,
            cancel: self.cancel.clone(),
            log,
        };
        Ok(self.run(plugin, name, arguments, env))
    }

    /// Instantiate every plugin once and drop the instances, without calling
    /// anything: the first tool call after start then finds the pool's slots,
    /// their memory pages and the instantiation path warm instead of paying
    /// for them (it was 2.2× a warm call before this). No plugin code runs
    /// beyond its start-up, and no state survives: each call still gets a
    /// fresh instance.
    pub fn warm_up(&self) {
        for plugin in &self.plugins {
            let env = CallEnv {
                deadline: Instant::now() + std::time::Duration::from_secs(5),
                cancel: self.cancel.clone(),
                log: None,
            };
            let mut store = self.store(plugin, env);
            if let Err(e) = plugin.pre.instantiate(&mut store) {
                tracing::warn!(plugin = %plugin.name, error = %format!("{e:#}"), "warm-up instantiation failed");
            }
        }
    }

    /// A fresh store for one instance of `plugin`: its grants, the memory
    /// cap, the call's deadline and cancellation.
    fn store(&self, plugin: &LoadedPlugin, env: CallEnv) -> Store<PluginState> {
        let state = PluginState::new(
            plugin.name.clone(),
            &plugin.grants,
            self.service.clone(),
            &self.limits,
            env,
        );
        let mut store = Store::new(&self.engine, state);
        store.limiter(|s| &mut s.limits);
        watch_deadline(&mut store);
        store
    }

    fn run(
        &self,
        plugin: &LoadedPlugin,
        name: &str,
        arguments: &str,
        env: CallEnv,
    ) -> Result<ToolOutput, ToolError> {
        let mut store = self.store(plugin, env);
        let trapped = |e: wasmtime::Error| self.trap_error(&plugin.name, name, e);
        let instance = plugin.pre.instantiate(&mut store).map_err(trapped)?;
        let out = instance
            .binance_mcp_plugin()
            .call_call_tool(&mut store, name, arguments)
            .map_err(trapped)?
            .map_err(convert::from_wit_error)?;
        let value = parse_output(&plugin.name, &out)?;
        Ok(ToolOutput { value, text: out })
    }

    fn trap_error(&self, plugin: &str, tool: &str, e: wasmtime::Error) -> ToolError {
        let detail = format!("{e:#}");
        let interrupted = e.downcast_ref::<wasmtime::Trap>() == Some(&wasmtime::Trap::Interrupt);
        if interrupted && self.cancel.is_cancelled() {
            tracing::info!(
                plugin,
                tool,
                "plugin call stopped: the server is shutting down"
            );
            return ToolError::new(
                ErrorKind::ExchangeUnavailable,
                format!("tool '{tool}' was stopped because the server is shutting down"),
                "call it again once the server has restarted",
            );
        }
        tracing::warn!(plugin, tool, error = %detail, "plugin call failed");
        if interrupted {
            ToolError::new(
                ErrorKind::Internal,
                format!(
                    "tool '{tool}' did not finish within {} s and was stopped",
                    self.limits.call_timeout.as_secs()
                ),
                "retry with arguments that need less work (a smaller limit or time range)",
            )
        } else {
            ToolError::new(
                ErrorKind::Internal,
                format!("plugin '{plugin}' failed while running '{tool}': {}", first_line(&detail)),
                "this is a plugin bug or a resource limit; retry with smaller arguments, or report it",
            )
        }
    }
}

/// An I/O error as one clause, without Rust's "(os error N)" suffix.
fn io_reason(e: &std::io::Error) -> String {
    let s = e.to_string();
    match s.find(" (os error") {
        Some(i) => s[..i].to_string(),
        None => s,
    }
}

fn first_line(s: &str) -> &str {
    s.lines().next().unwrap_or(s)
}
