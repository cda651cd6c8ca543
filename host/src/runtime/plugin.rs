//! One loaded plugin: its compiled component pre-linked against exactly the
//! capabilities it was granted, and its validated manifest.

use super::bindings::{ToolPlugin, ToolPluginPre};
use super::cache::{CacheOutcome, ComponentCache};
use super::engine::{watch_deadline, Limits};
use crate::capabilities::{CallEnv, Grants, PluginState};
use crate::exchange::ExchangeService;
use std::path::Path;
use std::sync::Arc;
use wasmtime::component::{HasSelf, Linker};
use wasmtime::{Engine, Store};

/// Why a plugin could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("cannot read plugin {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("plugin {path} is not a valid component for this host: {detail}")]
    Compile { path: String, detail: String },
    #[error("plugin {path} cannot be linked: {detail} (it imports something its grants do not allow, or it was built against another WIT version than binance:mcp@0.2.0)")]
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
}

/// Where a plugin's component comes from: embedded in the binary, or a
/// file of the operator's plugin directory.
#[derive(Debug, Clone)]
pub struct PluginSource {
    /// The name it is expected to carry (a file's stem, or the built-in's name).
    pub name: String,
    /// For messages: `built-in` or the file's path.
    pub origin: String,
    pub bytes: std::borrow::Cow<'static, [u8]>,
}

impl PluginSource {
    /// A plugin compiled into the binary.
    pub fn builtin(name: &str, bytes: &'static [u8]) -> Self {
        PluginSource {
            name: name.to_string(),
            origin: "built-in".to_string(),
            bytes: std::borrow::Cow::Borrowed(bytes),
        }
    }

    /// A component file; its stem is the name it must carry.
    pub fn file(path: &Path) -> Result<Self, LoadError> {
        let bytes = std::fs::read(path).map_err(|source| LoadError::Read {
            path: path.display().to_string(),
            source,
        })?;
        Ok(PluginSource {
            name: path
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default(),
            origin: path.display().to_string(),
            bytes: std::borrow::Cow::Owned(bytes),
        })
    }
}

/// A plugin ready to run calls.
pub struct LoadedPlugin {
    pub name: Arc<str>,
    /// Where it was loaded from: `built-in` or a file's path.
    pub origin: String,
    pub version: String,
    pub tools: Vec<ToolSpec>,
    pub grants: Grants,
    pub cache: CacheOutcome,
    pub(crate) pre: ToolPluginPre<PluginState>,
}

/// Build the linker for one plugin: WASI (with an empty context), `log`, and
/// `exchange` only when granted.
fn linker(engine: &Engine, grants: &Grants) -> wasmtime::Result<Linker<PluginState>> {
    use super::bindings::binance::mcp::{exchange, log, types};
    let mut linker = Linker::new(engine);
    wasmtime_wasi::p2::add_to_linker_sync(&mut linker)?;
    types::add_to_linker::<PluginState, HasSelf<PluginState>>(&mut linker, |s| s)?;
    log::add_to_linker::<PluginState, HasSelf<crate::capabilities::log::LogCtx>>(
        &mut linker,
        |s| &mut s.log,
    )?;
    if grants.exchange.is_some() {
        exchange::add_to_linker::<PluginState, HasSelf<crate::capabilities::exchange::ExchangeCtx>>(
            &mut linker,
            |s| &mut s.exchange,
        )?;
    }
    Ok(linker)
}

impl super::bindings::binance::mcp::types::Host for PluginState {}

impl LoadedPlugin {
    /// Compile (or load from `cache`), link under `grants`, and read the manifest.
    pub fn load(
        engine: &Engine,
        cache: &ComponentCache,
        source: &PluginSource,
        grants: Grants,
        service: &ExchangeService,
        limits: &Limits,
    ) -> Result<LoadedPlugin, LoadError> {
        let shown = if source.origin == "built-in" {
            format!("{} (built-in)", source.name)
        } else {
            source.origin.clone()
        };
        let stem = if source.name.is_empty() {
            "plugin".to_string()
        } else {
            source.name.clone()
        };
        let (component, outcome) =
            cache
                .load(engine, &stem, &source.bytes)
                .map_err(|e| LoadError::Compile {
                    path: shown.clone(),
                    detail: format!("{e:#}"),
                })?;
        let link_err = |e: wasmtime::Error| LoadError::Link {
            path: shown.clone(),
            detail: format!("{e:#}"),
        };
        let linker = linker(engine, &grants).map_err(link_err)?;
        let pre = linker.instantiate_pre(&component).map_err(link_err)?;
        let pre = ToolPluginPre::new(pre).map_err(link_err)?;

        let mut store = Store::new(
            engine,
            PluginState::new(
                Arc::from(stem.as_str()),
                &grants,
                service.clone(),
                limits,
                CallEnv::starting_now(limits),
            ),
        );
        store.limiter(|s| &mut s.limits);
        watch_deadline(&mut store);
        let manifest_err = |e: wasmtime::Error| LoadError::Manifest {
            path: shown.clone(),
            detail: format!("{e:#}"),
        };
        let instance: ToolPlugin = pre.instantiate(&mut store).map_err(manifest_err)?;
        let manifest = instance
            .binance_mcp_plugin()
            .call_get_manifest(&mut store)
            .map_err(manifest_err)?;

        let invalid = |detail: String| LoadError::Invalid {
            path: shown.clone(),
            detail,
        };
        if !valid_plugin_name(&manifest.name) {
            return Err(invalid(format!(
                "plugin name '{}' must be 1-64 of a-z 0-9 -",
                manifest.name.escape_default()
            )));
        }
        let mut tools: Vec<ToolSpec> = Vec::with_capacity(manifest.tools.len());
        for t in manifest.tools {
            if !valid_tool_name(&t.name) {
                return Err(invalid(format!(
                    "tool name '{}' must be 1-128 of A-Z a-z 0-9 _ . -",
                    t.name.escape_default()
                )));
            }
            if tools.iter().any(|x| x.name == t.name) {
                return Err(invalid(format!("tool '{}' is declared twice", t.name)));
            }
            let input_schema = object_schema(&t.input_schema)
                .map_err(|e| invalid(format!("tool '{}' input schema: {e}", t.name)))?;
            let output_schema = object_schema(&t.output_schema)
                .map_err(|e| invalid(format!("tool '{}' output schema: {e}", t.name)))?;
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
            });
        }
        Ok(LoadedPlugin {
            name: Arc::from(manifest.name.as_str()),
            origin: source.origin.clone(),
            version: manifest.version,
            tools,
            grants,
            cache: outcome,
            pre,
        })
    }
}

fn valid_plugin_name(s: &str) -> bool {
    (1..=64).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// MCP 2025-11-25: tool names are 1–128 of `[A-Za-z0-9_.-]`.
fn valid_tool_name(s: &str) -> bool {
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
}
