//! One loaded plugin: its compiled component, checked against the ABI this
//! host links, pre-linked against the interfaces its grants need, and its
//! manifest read under the same limits as a call and bounded.

use super::bindings::{ToolPlugin, ToolPluginPre};
use super::cache::{CacheOutcome, ComponentCache};
use super::engine::{watch_deadline, Limits};
use crate::capabilities::{CallEnv, PluginState};
use crate::exchange::ExchangeService;
use crate::gate::{CallIdentity, PolicyGate};
use crate::policy::plugins::Builtin;
use crate::policy::{Capability, Digest};
use std::collections::BTreeSet;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;
use wasmtime::component::{Component, HasSelf, Linker};
use wasmtime::{Engine, Store};

/// The WIT package this host links (`wit/plugin.wit`; a test keeps them equal).
pub const WIT_PACKAGE: &str = "binance:mcp";
/// Its version. A component built against any other is refused at load.
pub const WIT_VERSION: &str = "0.8.0";

/// Most tools one plugin may declare: far above any category's (the largest
/// has a dozen), far below what would swamp a model's context.
pub const MAX_TOOLS_PER_PLUGIN: usize = 64;
/// Longest tool description: a few sentences for a model, not a manual.
pub const MAX_DESCRIPTION_BYTES: usize = 2048;
/// Longest tool title.
pub const MAX_TITLE_BYTES: usize = 128;
/// Largest input or output schema of one tool, as JSON text.
pub const MAX_SCHEMA_BYTES: usize = 16 << 10;
/// Longest `get-manifest` may run: a manifest is a constant, built in
/// microseconds; start-up must not wait a call's whole budget on a plugin
/// that spins (it did, 31 s). The memory cap is a call's.
pub const MANIFEST_TIMEOUT: Duration = Duration::from_secs(5);

/// Why a plugin could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("plugin {path} is not a valid component for this host: {detail}")]
    Compile { path: String, detail: String },
    #[error("plugin {path} was built against {found}, and this host links {WIT_PACKAGE}@{WIT_VERSION}: rebuild it against this release's wit/plugin.wit (the binance-mcp-plugin SDK of this release)")]
    Abi { path: String, found: String },
    #[error("plugin {path} cannot be linked: {detail}")]
    Link { path: String, detail: String },
    #[error("plugin {path} failed while describing itself: {detail}")]
    Manifest { path: String, detail: String },
    #[error("plugin {path} has an invalid manifest: {detail}")]
    Invalid { path: String, detail: String },
}

/// A tool as registered from a manifest.
#[derive(Debug, Clone)]
pub struct ToolSpec {
    pub name: String,
    pub title: String,
    pub description: String,
    pub input_schema: serde_json::Map<String, serde_json::Value>,
    pub output_schema: serde_json::Map<String, serde_json::Value>,
    pub read_only: bool,
    pub destructive: bool,
    pub idempotent: bool,
    pub open_world: bool,
    /// What the tool declared it needs.
    pub capabilities: BTreeSet<Capability>,
    /// What it uses when granted and does without otherwise (declared
    /// `name?`: a chart's fill markers need `account-read`).
    pub optional: BTreeSet<Capability>,
}

/// A plugin's component: embedded in the binary, or a file.
#[derive(Debug, Clone)]
pub struct PluginSource {
    /// The built-in's name or the file's stem (a hint for messages and the
    /// cache's file names; never an identity).
    pub name: String,
    /// For messages: `built-in` or the file's path.
    pub origin: String,
    /// The identity.
    pub digest: Digest,
    pub bytes: std::borrow::Cow<'static, [u8]>,
}

impl PluginSource {
    /// A plugin compiled into the binary.
    pub fn builtin(b: &Builtin) -> Self {
        PluginSource {
            name: b.name.to_string(),
            origin: "built-in".to_string(),
            digest: b.digest(),
            bytes: std::borrow::Cow::Borrowed(b.bytes),
        }
    }

    /// A component read from `path`.
    pub fn file(path: &Path, bytes: Vec<u8>) -> Self {
        PluginSource {
            name: path
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default(),
            origin: path.display().to_string(),
            digest: Digest::of(&bytes),
            bytes: std::borrow::Cow::Owned(bytes),
        }
    }

    /// How messages name it.
    pub fn shown(&self) -> String {
        if self.origin == "built-in" {
            format!("{} (built-in)", self.name)
        } else {
            self.origin.clone()
        }
    }
}

/// What a component says about itself before it runs.
#[derive(Debug, Clone)]
pub struct ComponentInfo {
    /// Its imports (`binance:mcp/exchange@0.8.0`, `wasi:io/streams@0.2.x`, …).
    pub imports: Vec<String>,
    pub exports: Vec<String>,
}

impl ComponentInfo {
    fn of(engine: &Engine, component: &Component) -> Self {
        let ty = component.component_type();
        ComponentInfo {
            imports: ty.imports(engine).map(|(n, _)| n.to_string()).collect(),
            exports: ty.exports(engine).map(|(n, _)| n.to_string()).collect(),
        }
    }

    /// The `binance:mcp` version it was built against, when it says one.
    pub fn abi_version(&self) -> Option<&str> {
        self.imports
            .iter()
            .chain(&self.exports)
            .filter_map(|n| n.strip_prefix(WIT_PACKAGE)?.strip_prefix('/'))
            .find_map(|rest| rest.split_once('@').map(|(_, v)| v))
    }

    /// Its `binance:mcp` imports, without the package (`exchange`, `log`).
    pub fn host_interfaces(&self) -> Vec<&str> {
        self.imports
            .iter()
            .filter_map(|n| n.strip_prefix(WIT_PACKAGE)?.strip_prefix('/'))
            .map(|rest| rest.split_once('@').map_or(rest, |(i, _)| i))
            .collect()
    }

    /// Refuse a component of another ABI version, naming the one it has.
    fn check_abi(&self, shown: &str) -> Result<(), LoadError> {
        let ours = format!("@{WIT_VERSION}");
        for name in self.imports.iter().chain(&self.exports) {
            if let Some(rest) = name.strip_prefix(WIT_PACKAGE) {
                if rest.starts_with('/') && !rest.ends_with(&ours) {
                    let found = match rest.split_once('@') {
                        Some((_, v)) => format!("{WIT_PACKAGE}@{v}"),
                        None => format!("an unversioned {WIT_PACKAGE}"),
                    };
                    return Err(LoadError::Abi {
                        path: shown.to_string(),
                        found,
                    });
                }
            }
        }
        let export = format!("{WIT_PACKAGE}/plugin{ours}");
        if !self.exports.contains(&export) {
            return Err(LoadError::Abi {
                path: shown.to_string(),
                found: format!("no {export} export (it is not a binance-mcp tool plugin)"),
            });
        }
        Ok(())
    }
}

/// A plugin ready to run calls.
pub struct LoadedPlugin {
    /// The manifest's name (equal to its policy stanza's).
    pub name: Arc<str>,
    /// Where it was loaded from: `built-in` or a file's path.
    pub origin: String,
    pub digest: Digest,
    pub version: String,
    pub info: ComponentInfo,
    /// Every tool it declares (the registry decides which are shown).
    pub tools: Vec<ToolSpec>,
    /// Its prompts and resources (shown only when the policy exports them).
    pub prompts: Vec<super::offers::PromptSpec>,
    pub resources: Vec<super::offers::ResourceSpec>,
    pub cache: CacheOutcome,
    /// Which host interfaces are linked.
    pub links: Links,
    pub(crate) pre: ToolPluginPre<PluginState>,
}

/// Which host interfaces a plugin is linked with, from its grants: a
/// capability not granted is not linked at all, so a plugin importing it
/// fails to load with an error naming the import.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Links {
    /// `exchange`: any read capability is granted.
    pub exchange: bool,
    /// `spot-trading`: `spot-trade` is granted.
    pub trading: bool,
}

impl Links {
    /// The links `grants` need.
    pub fn of(grants: &BTreeSet<Capability>) -> Links {
        Links {
            exchange: grants.iter().any(|c| c.interface() == "exchange"),
            trading: grants.contains(&Capability::SpotTrade),
        }
    }

    /// Everything (inspection: nothing it asks is allowed anyway).
    pub fn all() -> Links {
        Links {
            exchange: true,
            trading: true,
        }
    }
}

/// Build the linker for one plugin: WASI (with an empty context), `log`,
/// `futures-trading` (refused per write unless granted), and `exchange` /
/// `spot-trading` only when its grants use them.
fn linker(engine: &Engine, links: Links) -> wasmtime::Result<Linker<PluginState>> {
    use super::bindings::binance::mcp::{
        content, exchange, futures_trading, log, order_book, spot_trading, types,
    };
    let mut linker = Linker::new(engine);
    wasmtime_wasi::p2::add_to_linker_sync(&mut linker)?;
    types::add_to_linker::<PluginState, HasSelf<PluginState>>(&mut linker, |s| s)?;
    content::add_to_linker::<PluginState, HasSelf<PluginState>>(&mut linker, |s| s)?;
    log::add_to_linker::<PluginState, HasSelf<crate::capabilities::log::LogCtx>>(
        &mut linker,
        |s| &mut s.log,
    )?;
    if links.exchange {
        exchange::add_to_linker::<PluginState, HasSelf<crate::capabilities::exchange::ExchangeCtx>>(
            &mut linker,
            |s| &mut s.exchange,
        )?;
    }
    if links.trading {
        spot_trading::add_to_linker::<
            PluginState,
            HasSelf<crate::capabilities::spot_trading::TradingCtx>,
        >(&mut linker, |s| &mut s.trading)?;
    }
    // `futures-trading` is linked for every plugin: the futures plugin reads
    // (`futures-read`) and writes through one component, and an operator may
    // grant only the reads; every write is refused at execution unless the
    // policy grants `futures-trade` (the desk's grant check, the one decision).
    {
        futures_trading::add_to_linker::<
            PluginState,
            HasSelf<crate::capabilities::futures_trading::FuturesCtx>,
        >(&mut linker, |s| &mut s.futures)?;
    }
    // `order-book` likewise: every call is refused unless the policy in
    // force grants `order-book` (decided in `capabilities::order_book`).
    order_book::add_to_linker::<PluginState, HasSelf<crate::capabilities::order_book::OrderBookCtx>>(
        &mut linker,
        |s| &mut s.order_book,
    )?;
    Ok(linker)
}

impl super::bindings::binance::mcp::types::Host for PluginState {}
impl super::bindings::binance::mcp::content::Host for PluginState {}

/// What loading needs from the host.
pub struct LoadContext<'a> {
    pub engine: &'a Engine,
    pub cache: &'a ComponentCache,
    pub service: &'a ExchangeService,
    pub traders: &'a crate::capabilities::Traders,
    pub gate: &'a PolicyGate,
    pub limits: &'a Limits,
}

impl LoadedPlugin {
    /// Compile (or load from the cache), check the ABI, link the interfaces
    /// in `links`, and read and check the manifest.
    /// `expected` is the name the policy gives it (the manifest must
    /// agree); `None` takes the manifest's (inspection only).
    pub fn load(
        cx: &LoadContext<'_>,
        source: &PluginSource,
        expected: Option<&str>,
        links: Links,
    ) -> Result<LoadedPlugin, LoadError> {
        let shown = source.shown();
        let stem = expected.unwrap_or(&source.name);
        let stem = if valid_plugin_name(stem) {
            stem
        } else {
            "plugin"
        };
        let (component, outcome) =
            cx.cache
                .load(cx.engine, stem, &source.bytes)
                .map_err(|e| LoadError::Compile {
                    path: shown.clone(),
                    detail: one_line(&format!("{e:#}")),
                })?;
        let info = ComponentInfo::of(cx.engine, &component);
        info.check_abi(&shown)?;
        let link_err = |e: wasmtime::Error| {
            let mut detail = one_line(&format!("{e:#}"));
            if !links.exchange && detail.contains("binance:mcp/exchange") {
                detail.push_str(&format!("; it imports binance:mcp/exchange, which is linked only when plugins.{stem}.grants names a read capability"));
            }
            if !links.trading && detail.contains("binance:mcp/spot-trading") {
                detail.push_str(&format!("; it imports binance:mcp/spot-trading, which is linked only when plugins.{stem}.grants has \"spot-trade\""));
            }
            LoadError::Link {
                path: shown.clone(),
                detail,
            }
        };
        let linker = linker(cx.engine, links).map_err(link_err)?;
        let pre = linker.instantiate_pre(&component).map_err(link_err)?;
        let pre = ToolPluginPre::new(pre).map_err(link_err)?;
        let manifest = read_manifest(cx, &pre, stem, &shown)?;
        let invalid = |detail: String| LoadError::Invalid {
            path: shown.clone(),
            detail,
        };
        if !valid_plugin_name(&manifest.name) {
            return Err(invalid(format!(
                "plugin name '{}' must be 1-64 of a-z 0-9 -",
                crate::text::escaped(&manifest.name, 80)
            )));
        }
        let expected = expected.unwrap_or(&manifest.name);
        if manifest.name != expected {
            return Err(invalid(format!(
                "it calls itself '{}', but the policy loads it as '{expected}': name its stanza [plugins.{}] (a plugin's grants follow the policy's name for its pinned sha256)",
                manifest.name.escape_default(),
                manifest.name.escape_default()
            )));
        }
        let tools = check_tools(manifest.tools).map_err(invalid)?;
        let prompts = super::offers::check_prompts(manifest.prompts).map_err(invalid)?;
        let resources = super::offers::check_resources(manifest.resources).map_err(invalid)?;
        Ok(LoadedPlugin {
            name: Arc::from(manifest.name.as_str()),
            origin: source.origin.clone(),
            digest: source.digest,
            version: cap(manifest.version, 64),
            info,
            tools,
            prompts,
            resources,
            cache: outcome,
            links,
            pre,
        })
    }
}

/// A wasmtime error (often several indented lines) as one bounded line.
fn one_line(detail: &str) -> String {
    let joined = detail.split_whitespace().collect::<Vec<_>>().join(" ");
    crate::text::escaped(&joined, 400)
}

fn cap(s: String, max: usize) -> String {
    crate::text::escaped(&s, max)
}

/// Run `get-manifest` in a fresh instance under a call's memory cap and
/// [`MANIFEST_TIMEOUT`]; the gate allows it no request.
fn read_manifest(
    cx: &LoadContext<'_>,
    pre: &ToolPluginPre<PluginState>,
    expected: &str,
    shown: &str,
) -> Result<super::bindings::binance::mcp::types::Manifest, LoadError> {
    let call = Arc::new(CallIdentity {
        plugin: Arc::from(expected),
        tool: Arc::from("get-manifest"),
        client: None,
    });
    let limits = Limits {
        call_timeout: cx.limits.call_timeout.min(MANIFEST_TIMEOUT),
        ..*cx.limits
    };
    let mut store = Store::new(
        cx.engine,
        PluginState::new(
            cx.gate,
            cx.service.clone(),
            cx.traders.clone(),
            &limits,
            CallEnv::starting_now(call, &limits),
        ),
    );
    store.limiter(|s| &mut s.limits);
    watch_deadline(&mut store);
    let manifest_err = |e: wasmtime::Error| {
        let interrupted = e.downcast_ref::<wasmtime::Trap>() == Some(&wasmtime::Trap::Interrupt);
        LoadError::Manifest {
            path: shown.to_string(),
            detail: if interrupted {
                format!(
                    "get-manifest did not finish within {} s and was stopped",
                    limits.call_timeout.as_secs_f64()
                )
            } else {
                one_line(&format!("{e:#}"))
            },
        }
    };
    let instance: ToolPlugin = pre.instantiate(&mut store).map_err(manifest_err)?;
    instance
        .binance_mcp_plugin()
        .call_get_manifest(&mut store)
        .map_err(manifest_err)
}

fn check_tools(
    declared: Vec<super::bindings::binance::mcp::types::ToolDescriptor>,
) -> Result<Vec<ToolSpec>, String> {
    if declared.len() > MAX_TOOLS_PER_PLUGIN {
        return Err(format!(
            "it declares {} tools; a plugin may declare at most {MAX_TOOLS_PER_PLUGIN}",
            declared.len()
        ));
    }
    let mut tools: Vec<ToolSpec> = Vec::with_capacity(declared.len());
    for t in declared {
        if !valid_tool_name(&t.name) {
            return Err(format!(
                "tool name '{}' must be 1-128 of A-Z a-z 0-9 _ . -",
                crate::text::escaped(&t.name, 160)
            ));
        }
        let name = &t.name;
        if tools.iter().any(|x| x.name == *name) {
            return Err(format!("tool '{name}' is declared twice"));
        }
        if t.description.len() > MAX_DESCRIPTION_BYTES || t.title.len() > MAX_TITLE_BYTES {
            return Err(format!(
                "tool '{name}': a title is at most {MAX_TITLE_BYTES} bytes and a description at most {MAX_DESCRIPTION_BYTES}"
            ));
        }
        if t.input_schema.len() > MAX_SCHEMA_BYTES || t.output_schema.len() > MAX_SCHEMA_BYTES {
            return Err(format!(
                "tool '{name}': a schema is at most {MAX_SCHEMA_BYTES} bytes"
            ));
        }
        let input_schema = object_schema(&t.input_schema)
            .map_err(|e| format!("tool '{name}' input schema: {e}"))?;
        let output_schema = object_schema(&t.output_schema)
            .map_err(|e| format!("tool '{name}' output schema: {e}"))?;
        let mut capabilities = BTreeSet::new();
        let mut optional = BTreeSet::new();
        for c in &t.capabilities {
            let (c, wanted) = match c.strip_suffix('?') {
                Some(base) => (base, &mut optional),
                None => (c.as_str(), &mut capabilities),
            };
            let Some(cap) = Capability::from_name(c) else {
                return Err(format!(
                    "tool '{name}' needs capability '{}', which this host does not know (it knows {}): the plugin was built for another release",
                    crate::text::escaped(c, 64),
                    Capability::names()
                ));
            };
            wanted.insert(cap);
        }
        optional.retain(|c| !capabilities.contains(c));
        tools.push(ToolSpec {
            name: t.name,
            title: t.title,
            description: t.description,
            input_schema,
            output_schema,
            read_only: t.annotations.read_only,
            destructive: t.annotations.destructive,
            idempotent: t.annotations.idempotent,
            open_world: t.annotations.open_world,
            capabilities,
            optional,
        });
    }
    Ok(tools)
}

/// Plugin names: 1–64 of `[a-z0-9-]`.
pub fn valid_plugin_name(s: &str) -> bool {
    (1..=64).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// MCP 2025-11-25: tool names are 1–128 of `[A-Za-z0-9_.-]`.
pub fn valid_tool_name(s: &str) -> bool {
    (1..=128).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"_.-".contains(&b))
}

fn object_schema(text: &str) -> Result<serde_json::Map<String, serde_json::Value>, String> {
    match serde_json::from_str::<serde_json::Value>(text) {
        Ok(serde_json::Value::Object(map))
            if map.get("type").and_then(|t| t.as_str()) == Some("object") =>
        {
            Ok(map)
        }
        Ok(_) => Err("must be a JSON Schema object with \"type\": \"object\"".into()),
        Err(e) => Err(format!("not valid JSON ({e})")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_the_spec() {
        assert!(valid_tool_name("get_order_book"));
        assert!(valid_tool_name("a.b-c_D9"));
        assert!(!valid_tool_name(""));
        assert!(!valid_tool_name("get order"));
        assert!(!valid_tool_name(&"x".repeat(129)));
        assert!(valid_plugin_name("market"));
        assert!(!valid_plugin_name("Market"));
    }

    #[test]
    fn schemas_must_be_objects() {
        assert!(object_schema(r#"{"type":"object"}"#).is_ok());
        assert!(object_schema(r#"{"type":"string"}"#).is_err());
        assert!(object_schema("nope").is_err());
    }

    #[test]
    fn the_abi_version_is_the_wit_files() {
        let wit = include_str!("../../../wit/plugin.wit");
        assert!(
            wit.contains(&format!("package {WIT_PACKAGE}@{WIT_VERSION};")),
            "host/src/runtime/plugin.rs WIT_VERSION differs from wit/plugin.wit"
        );
    }

    #[test]
    fn another_abi_version_is_named() {
        let info = ComponentInfo {
            imports: vec![
                "wasi:io/streams@0.2.6".into(),
                "binance:mcp/exchange@0.2.0".into(),
            ],
            exports: vec!["binance:mcp/plugin@0.2.0".into()],
        };
        assert_eq!(info.abi_version(), Some("0.2.0"));
        let e = info.check_abi("x.wasm").unwrap_err().to_string();
        assert!(e.contains("binance:mcp@0.2.0"), "{e}");
        assert!(e.contains("binance:mcp@0.8.0"), "{e}");
        let ok = ComponentInfo {
            imports: vec!["binance:mcp/log@0.8.0".into()],
            exports: vec!["binance:mcp/plugin@0.8.0".into()],
        };
        assert!(ok.check_abi("x").is_ok());
        assert_eq!(ok.host_interfaces(), vec!["log"]);
    }
}
