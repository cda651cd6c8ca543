//! The registry: the loaded plugins and the tools a model sees under one
//! policy, and the [`Permissions`] the gate enforces for it. Built whole for
//! each policy (at start and on every reload) and swapped in one step, so a
//! call sees one policy's tools and never a mix.

use super::offers::{PromptSpec, ResourceSpec};
use super::plugin::{LoadedPlugin, ToolSpec};
use crate::exchange::share::WeightShare;
use crate::gate::{Permissions, PluginPermissions, ToolPermissions};
use crate::policy::{Capability, PluginPolicy, Policy, PolicyError};
use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

/// Most tools all plugins together may show: a bound on what `tools/list`
/// can cost a model (at ~800 bytes a tool, 200 KB).
pub const MAX_TOOLS: usize = 256;

/// A tool the policy does not show, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HiddenTool {
    pub name: String,
    pub reason: String,
}

/// One plugin as the policy in force has it.
pub struct RegisteredPlugin {
    pub plugin: Arc<LoadedPlugin>,
    pub grants: BTreeSet<Capability>,
    /// `max_weight_percent`, and the plugin's share (its percentage is set
    /// when the registry is put in force, not before).
    pub weight_percent: Option<u8>,
    pub share: Option<Arc<WeightShare>>,
    /// `max_book_symbols`.
    pub max_book_symbols: Option<u16>,
    /// Indices into `plugin.tools` of the tools shown.
    shown: Vec<usize>,
    /// Indices into `plugin.prompts` and `plugin.resources` of those served.
    prompts: Vec<usize>,
    resources: Vec<usize>,
    /// What is not shown (tools, prompts and resources), and why.
    pub hidden: Vec<HiddenTool>,
}

impl RegisteredPlugin {
    /// The tools a model sees.
    pub fn shown(&self) -> impl Iterator<Item = &ToolSpec> {
        self.shown.iter().map(|&i| &self.plugin.tools[i])
    }

    /// The prompts served.
    pub fn prompts(&self) -> impl Iterator<Item = &PromptSpec> {
        self.prompts.iter().map(|&i| &self.plugin.prompts[i])
    }

    /// The resources and templates served.
    pub fn resources(&self) -> impl Iterator<Item = &ResourceSpec> {
        self.resources.iter().map(|&i| &self.plugin.resources[i])
    }
}

/// A resource a URI names: its plugin, its spec and the template's bound
/// variables (none for a fixed URI).
pub type MatchedResource<'a> = (
    &'a RegisteredPlugin,
    &'a ResourceSpec,
    Vec<(String, String)>,
);

/// The gate's key for a prompt (tool names cannot hold a ':').
pub fn prompt_entry(name: &str) -> String {
    format!("prompt:{name}")
}

/// The gate's key for a resource, by its declared URI or template.
pub fn resource_entry(uri: &str) -> String {
    format!("resource:{uri}")
}

/// A tool as registered, for listings.
#[derive(Debug, Clone, Copy)]
pub struct RegisteredTool<'a> {
    pub plugin: &'a str,
    pub spec: &'a ToolSpec,
}

/// Why a registry could not be built from a policy and its plugins.
#[derive(Debug, thiserror::Error)]
pub enum RegistryError {
    #[error(transparent)]
    Policy(#[from] PolicyError),
    #[error("tool '{tool}' is shown by both plugin {first} and plugin {second}; disable one of them or add the tool to one's deny_tools")]
    DuplicateTool {
        tool: String,
        first: String,
        second: String,
    },
    #[error(
        "the policy shows {0} tools; at most {MAX_TOOLS} may be shown (hide some with deny_tools)"
    )]
    TooManyTools(usize),
    #[error("{what} is served by both plugin {first} and plugin {second}; remove \"{kind}\" from one's exports")]
    DuplicateOffer {
        what: String,
        kind: &'static str,
        first: String,
        second: String,
    },
}

/// The plugins and tools under one policy.
#[derive(Default)]
pub struct Registry {
    pub policy: Option<Arc<Policy>>,
    pub plugins: Vec<RegisteredPlugin>,
    /// Tool name → (plugin index, index into the plugin's tools).
    index: HashMap<String, (usize, usize)>,
    /// Prompt name → (plugin index, index into its prompts).
    prompt_index: HashMap<String, (usize, usize)>,
    /// Declared resource URI or template → (plugin index, index), in
    /// policy order (reads try fixed URIs first, then templates in order).
    resource_index: Vec<(String, usize, usize)>,
}

impl Registry {
    /// Register `loaded` (in policy order, each with its stanza) under
    /// `policy`; `share` gives the weight share of a plugin name (created
    /// with the percentage given, an existing one left as it is).
    pub fn build(
        policy: Arc<Policy>,
        loaded: Vec<(PluginPolicy, Arc<LoadedPlugin>)>,
        share: &dyn Fn(&str, u8) -> Arc<WeightShare>,
    ) -> Result<Registry, RegistryError> {
        let mut registry = Registry {
            policy: Some(policy.clone()),
            ..Registry::default()
        };
        for (stanza, plugin) in loaded {
            for (denied, at) in &stanza.deny_tools {
                if !plugin.tools.iter().any(|t| t.name == *denied) {
                    let names: Vec<&str> = plugin.tools.iter().map(|t| t.name.as_str()).collect();
                    return Err(policy
                        .error(
                            *at,
                            format!(
                                "plugins.{}.deny_tools: plugin {} has no tool '{denied}' (its tools: {})",
                                stanza.name,
                                stanza.name,
                                names.join(", ")
                            ),
                        )
                        .into());
                }
            }
            let mut shown = Vec::new();
            let mut hidden = Vec::new();
            for (i, tool) in plugin.tools.iter().enumerate() {
                let missing: Vec<&str> = tool
                    .capabilities
                    .difference(&stanza.grants)
                    .map(|c| c.name())
                    .collect();
                let trades = tool.capabilities.contains(&Capability::SpotTrade);
                let reason = if !stanza.exports.tools {
                    Some(format!(
                        "\"tools\" is not in plugins.{}.exports",
                        stanza.name
                    ))
                } else if stanza.denies(&tool.name) {
                    Some(format!("in plugins.{}.deny_tools", stanza.name))
                } else if !missing.is_empty() {
                    Some(format!("needs {} (not granted)", missing.join(", ")))
                } else if trades && !policy.trading.enabled() {
                    Some("trades, and trading.mode is off".to_string())
                } else {
                    None
                };
                match reason {
                    Some(reason) => hidden.push(HiddenTool {
                        name: tool.name.clone(),
                        reason,
                    }),
                    None => shown.push(i),
                }
            }
            let (prompts, resources) = offers_served(&stanza, &plugin, &mut hidden);
            let p = registry.plugins.len();
            let describe = |x: &LoadedPlugin| format!("{} ({})", x.name, x.origin);
            for &i in &prompts {
                let name = &plugin.prompts[i].name;
                if let Some(&(other, _)) = registry.prompt_index.get(name) {
                    return Err(RegistryError::DuplicateOffer {
                        what: format!("prompt '{name}'"),
                        kind: "prompts",
                        first: describe(&registry.plugins[other].plugin),
                        second: describe(&plugin),
                    });
                }
                registry.prompt_index.insert(name.clone(), (p, i));
            }
            for &i in &resources {
                let uri = &plugin.resources[i].uri;
                if let Some(&(_, other, _)) =
                    registry.resource_index.iter().find(|(u, ..)| u == uri)
                {
                    return Err(RegistryError::DuplicateOffer {
                        what: format!("resource '{uri}'"),
                        kind: "resources",
                        first: describe(&registry.plugins[other].plugin),
                        second: describe(&plugin),
                    });
                }
                registry.resource_index.push((uri.clone(), p, i));
            }
            for &t in &shown {
                let name = &plugin.tools[t].name;
                if let Some(&(other, _)) = registry.index.get(name) {
                    return Err(RegistryError::DuplicateTool {
                        tool: name.clone(),
                        first: describe(&registry.plugins[other].plugin),
                        second: describe(&plugin),
                    });
                }
                registry.index.insert(name.clone(), (p, t));
            }
            registry.plugins.push(RegisteredPlugin {
                weight_percent: stanza.max_weight_percent,
                share: stanza
                    .max_weight_percent
                    .map(|pct| share(&stanza.name, pct)),
                grants: stanza.grants,
                max_book_symbols: stanza.max_book_symbols,
                plugin,
                shown,
                prompts,
                resources,
                hidden,
            });
        }
        if registry.index.len() > MAX_TOOLS {
            return Err(RegistryError::TooManyTools(registry.index.len()));
        }
        Ok(registry)
    }

    /// What the gate enforces under this registry.
    pub fn permissions(&self) -> Permissions {
        let plugins = self
            .plugins
            .iter()
            .map(|p| {
                let read = |capabilities: &BTreeSet<Capability>| ToolPermissions {
                    capabilities: capabilities.clone(),
                    read_only: true,
                };
                let tools = p
                    .shown()
                    .map(|t| {
                        // An optional capability reaches its endpoints only
                        // when the plugin is granted it.
                        let optional = t.optional.intersection(&p.grants).copied();
                        (
                            t.name.clone(),
                            ToolPermissions {
                                capabilities: t
                                    .capabilities
                                    .iter()
                                    .copied()
                                    .chain(optional)
                                    .collect(),
                                read_only: t.read_only,
                            },
                        )
                    })
                    .chain(
                        p.prompts()
                            .map(|x| (prompt_entry(&x.name), read(&x.capabilities))),
                    )
                    .chain(
                        p.resources()
                            .map(|x| (resource_entry(&x.uri), read(&x.capabilities))),
                    )
                    .collect();
                (
                    p.plugin.name.to_string(),
                    PluginPermissions {
                        grants: p.grants.clone(),
                        share: p.share.clone(),
                        max_book_symbols: p.max_book_symbols,
                        tools,
                    },
                )
            })
            .collect();
        Permissions { plugins }
    }

    /// Every shown tool, in policy-then-declaration order.
    pub fn tools(&self) -> impl Iterator<Item = RegisteredTool<'_>> {
        self.plugins.iter().flat_map(|p| {
            p.shown().map(move |spec| RegisteredTool {
                plugin: &p.plugin.name,
                spec,
            })
        })
    }

    /// A shown tool and its plugin.
    pub fn tool(&self, name: &str) -> Option<(&RegisteredPlugin, &ToolSpec)> {
        let &(p, t) = self.index.get(name)?;
        let plugin = &self.plugins[p];
        Some((plugin, &plugin.plugin.tools[t]))
    }

    /// Every prompt served, in policy-then-declaration order.
    pub fn prompts(&self) -> impl Iterator<Item = (&RegisteredPlugin, &PromptSpec)> {
        self.plugins
            .iter()
            .flat_map(|p| p.prompts().map(move |x| (p, x)))
    }

    /// Every resource and template served, in policy-then-declaration order.
    pub fn resources(&self) -> impl Iterator<Item = (&RegisteredPlugin, &ResourceSpec)> {
        self.plugins
            .iter()
            .flat_map(|p| p.resources().map(move |x| (p, x)))
    }

    /// A served prompt and its plugin.
    pub fn prompt(&self, name: &str) -> Option<(&RegisteredPlugin, &PromptSpec)> {
        let &(p, i) = self.prompt_index.get(name)?;
        let plugin = &self.plugins[p];
        Some((plugin, &plugin.plugin.prompts[i]))
    }

    /// The served resource `uri` names — a fixed URI exactly, else the first
    /// template that matches — with the template's bound variables.
    pub fn resource(&self, uri: &str) -> Option<MatchedResource<'_>> {
        let spec = |&(_, p, i): &(String, usize, usize)| {
            let plugin = &self.plugins[p];
            (plugin, &plugin.plugin.resources[i])
        };
        if let Some(fixed) = self.resource_index.iter().find(|(u, ..)| u == uri) {
            let (plugin, r) = spec(fixed);
            if r.template.is_none() {
                return Some((plugin, r, Vec::new()));
            }
        }
        self.resource_index.iter().find_map(|entry| {
            let (plugin, r) = spec(entry);
            let bound = r.template.as_ref()?.matches(uri)?;
            Some((plugin, r, bound))
        })
    }

    /// A served resource or template by its declared URI (completions name
    /// a template this way).
    pub fn declared_resource(&self, uri: &str) -> Option<(&RegisteredPlugin, &ResourceSpec)> {
        self.resource_index
            .iter()
            .find(|(u, ..)| u == uri)
            .map(|&(_, p, i)| {
                let plugin = &self.plugins[p];
                (plugin, &plugin.plugin.resources[i])
            })
    }

    /// A loaded plugin that can serve `digest` under `name` with the same
    /// linking, to reuse on reload instead of loading it again.
    pub fn reusable(
        &self,
        name: &str,
        digest: &crate::policy::Digest,
        links: super::plugin::Links,
    ) -> Option<Arc<LoadedPlugin>> {
        self.plugins
            .iter()
            .map(|p| &p.plugin)
            .find(|p| &*p.name == name && p.digest == *digest && p.links == links)
            .cloned()
    }
}

/// Which of `plugin`'s prompts and resources `stanza` serves (indices), with
/// the reason for each one it does not.
fn offers_served(
    stanza: &PluginPolicy,
    plugin: &LoadedPlugin,
    hidden: &mut Vec<HiddenTool>,
) -> (Vec<usize>, Vec<usize>) {
    let why = |exported: bool, kind: &str, caps: &BTreeSet<Capability>| {
        let missing: Vec<&str> = caps.difference(&stanza.grants).map(|c| c.name()).collect();
        if !exported {
            Some(format!(
                "\"{kind}\" is not in plugins.{}.exports",
                stanza.name
            ))
        } else if !missing.is_empty() {
            Some(format!("needs {} (not granted)", missing.join(", ")))
        } else {
            None
        }
    };
    let mut prompts = Vec::new();
    for (i, p) in plugin.prompts.iter().enumerate() {
        match why(stanza.exports.prompts, "prompts", &p.capabilities) {
            Some(reason) => hidden.push(HiddenTool {
                name: format!("prompt {}", p.name),
                reason,
            }),
            None => prompts.push(i),
        }
    }
    let mut resources = Vec::new();
    for (i, r) in plugin.resources.iter().enumerate() {
        match why(stanza.exports.resources, "resources", &r.capabilities) {
            Some(reason) => hidden.push(HiddenTool {
                name: format!("resource {}", r.uri),
                reason,
            }),
            None => resources.push(i),
        }
    }
    (prompts, resources)
}
