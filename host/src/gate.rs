//! The gate: the policy's decision on each request a plugin makes, taken at
//! the moment the request is sent — never in a pre-flight a model or a
//! plugin could skip, and always against the policy in force *now* (a
//! reload that switches something off stops the next request of a call
//! already running).
//!
//! For every request the gate sees the plugin, the tool being run, its
//! declared annotations and capabilities, and the typed request (today the
//! catalogued endpoint and its parameters; the spot-trading capability adds
//! typed orders). It decides, in this order:
//! 1. the plugin and tool are still offered by the policy;
//! 2. a tool declared read-only sends no write (a plugin fault, logged);
//! 3. the endpoint is in a capability the tool declared **and** the plugin
//!    was granted;
//! 4. no write goes through the raw exchange capability (orders are typed:
//!    `crate::trading` checks them under the policy's `[trading]`, holding
//!    the per-account lock, [`PolicyGate::account_lock`]);
//! 5. the plugin's weight share ([`WeightShare`]) is charged by the pipeline.
//!
//! The call's MCP client context ([`crate::client::ClientContext`]) travels with the call,
//! so a capability can ask the human through the client (`crate::client`).

use crate::exchange::catalogue::{Endpoint, Method, Security};
use crate::exchange::share::WeightShare;
use crate::exchange::{Gate, Pass};
use crate::policy::Capability;
use crate::tool_error::{ErrorKind, ToolError};
use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex, RwLock};

/// What one tool may do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ToolPermissions {
    /// The capabilities the tool declared (each granted, or it would be hidden).
    pub capabilities: BTreeSet<Capability>,
    /// Declared read-only: no write, whatever is granted.
    pub read_only: bool,
}

/// What one plugin may do.
#[derive(Debug, Clone, Default)]
pub struct PluginPermissions {
    pub grants: BTreeSet<Capability>,
    pub share: Option<Arc<WeightShare>>,
    /// The policy's bound on live order books for this plugin.
    pub max_book_symbols: Option<u16>,
    /// Only the tools the policy shows.
    pub tools: HashMap<String, ToolPermissions>,
}

/// Everything the policy in force allows, by plugin name.
#[derive(Debug, Clone, Default)]
pub struct Permissions {
    pub plugins: HashMap<String, PluginPermissions>,
}

/// Who is calling: the plugin, the tool, and the client's context.
#[derive(Debug, Clone)]
pub struct CallIdentity {
    pub plugin: Arc<str>,
    pub tool: Arc<str>,
    pub client: Option<crate::client::ClientContext>,
}

/// The policy in force, swapped whole on reload, and the account lock.
#[derive(Debug, Clone, Default)]
pub struct PolicyGate {
    current: Arc<RwLock<Arc<Permissions>>>,
    account: Arc<Mutex<()>>,
}

impl PolicyGate {
    /// A gate that allows nothing until [`install`](Self::install).
    pub fn new() -> Self {
        PolicyGate::default()
    }

    /// Put `permissions` in force for every later request.
    pub fn install(&self, permissions: Permissions) {
        *self.current.write().unwrap_or_else(|p| p.into_inner()) = Arc::new(permissions);
    }

    /// The permissions in force.
    pub fn current(&self) -> Arc<Permissions> {
        self.current
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// The per-account lock: held by a write from its checks to its outcome,
    /// so limits that depend on the account's state (open orders, a day's
    /// notional) are checked and used by one write at a time.
    pub fn account_lock(&self) -> std::sync::MutexGuard<'_, ()> {
        self.account.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Whether `plugin` is granted `cap` by the policy in force, and its
    /// order-book bound (the `order-book` capability's one decision).
    pub fn grant(&self, plugin: &str, cap: Capability) -> Option<Option<u16>> {
        let current = self.current();
        let p = current.plugins.get(plugin)?;
        p.grants.contains(&cap).then_some(p.max_book_symbols)
    }

    /// The gate of one call.
    pub fn for_call(&self, call: Arc<CallIdentity>) -> CallGate {
        CallGate {
            gate: self.clone(),
            call,
        }
    }
}

/// The gate as one call sees it.
#[derive(Debug, Clone)]
pub struct CallGate {
    gate: PolicyGate,
    call: Arc<CallIdentity>,
}

impl CallGate {
    /// Who is calling.
    pub fn call(&self) -> &CallIdentity {
        &self.call
    }
}

fn refused(message: String, recovery: &str) -> ToolError {
    ToolError::new(ErrorKind::NotPermitted, message, recovery)
}

/// Whether a request changes anything.
fn is_write(endpoint: &Endpoint) -> bool {
    endpoint.method != Method::Get || endpoint.security == Security::Trade
}

impl Gate for CallGate {
    fn admit(&self, endpoint: &'static Endpoint) -> Result<Pass<'_>, ToolError> {
        let plugin = &*self.call.plugin;
        let tool = &*self.call.tool;
        let now = self.gate.current();
        let Some(p) = now.plugins.get(plugin) else {
            return Err(refused(
                format!("plugin '{plugin}' is not enabled by the operator's policy"),
                "the operator's policy changed; call tools/list for what is offered now",
            ));
        };
        let Some(t) = p.tools.get(tool) else {
            return Err(refused(
                format!("tool '{tool}' is not offered under the operator's policy, so it may not send requests"),
                "call tools/list for what is offered now",
            ));
        };
        let route = format!("{} {}", endpoint.method, endpoint.path);
        if t.read_only && is_write(endpoint) {
            tracing::warn!(plugin, tool, request = %route, "plugin fault: a tool declared read-only tried to write; refused");
            return Err(refused(
                format!("tool '{tool}' is declared read-only and may not send {route}"),
                "this is a fault of the plugin; report it to its author",
            ));
        }
        if is_write(endpoint) {
            return Err(refused(
                format!("{route} is a write, and writes never go through the raw exchange capability"),
                "place and cancel orders with the trading tools (the host's spot-trading capability), when the operator's policy grants them",
            ));
        }
        let allowed = t
            .capabilities
            .iter()
            .any(|c| p.grants.contains(c) && c.covers(endpoint));
        if !allowed {
            return Err(match Capability::covering(endpoint) {
                Some(c) if p.grants.contains(&c) => {
                    tracing::warn!(plugin, tool, request = %route, capability = %c, "plugin fault: a tool used a capability it did not declare; refused");
                    refused(
                        format!("tool '{tool}' did not declare the '{c}' capability that {route} belongs to"),
                        "this is a fault of the plugin; report it to its author",
                    )
                }
                Some(c) => refused(
                    format!("{route} needs the '{c}' capability, which the operator's policy does not grant to plugin '{plugin}'"),
                    &format!("the operator can add \"{c}\" to plugins.{plugin}.grants in the policy file; otherwise use a tool that is offered"),
                ),
                None => refused(
                    format!("{route} is not part of any capability a policy can grant"),
                    "use one of the offered tools",
                ),
            });
        }
        Ok(Pass {
            share: p.share.clone(),
            account: None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exchange::catalogue::{classify, Venue};

    fn gate(tool_caps: &[Capability], grants: &[Capability], read_only: bool) -> CallGate {
        let g = PolicyGate::new();
        let tools = HashMap::from([(
            "t".to_string(),
            ToolPermissions {
                capabilities: tool_caps.iter().copied().collect(),
                read_only,
            },
        )]);
        g.install(Permissions {
            plugins: HashMap::from([(
                "p".to_string(),
                PluginPermissions {
                    grants: grants.iter().copied().collect(),
                    share: None,
                    max_book_symbols: None,
                    tools,
                },
            )]),
        });
        g.for_call(Arc::new(CallIdentity {
            plugin: "p".into(),
            tool: "t".into(),
            client: None,
        }))
    }

    fn ep(method: Method, path: &str) -> &'static Endpoint {
        classify(Venue::Spot, method, path).unwrap()
    }

    #[test]
    fn a_tool_reaches_only_what_it_declared_and_was_granted() {
        use Capability::*;
        let g = gate(&[MarketData], &[MarketData, AccountRead], true);
        assert!(g.admit(ep(Method::Get, "/api/v3/depth")).is_ok());
        let e = g.admit(ep(Method::Get, "/api/v3/account")).unwrap_err();
        assert!(
            e.message.contains("did not declare the 'account-read'"),
            "{}",
            e.message
        );

        let g = gate(&[MarketData, AccountRead], &[MarketData], true);
        let e = g.admit(ep(Method::Get, "/api/v3/account")).unwrap_err();
        assert_eq!(e.kind, ErrorKind::NotPermitted);
        assert!(e.recovery.contains("plugins.p.grants"), "{}", e.recovery);

        let g = gate(&[AccountRead], &[AccountRead], true);
        let e = g
            .admit(ep(Method::Get, "/sapi/v1/capital/deposit/address"))
            .unwrap_err();
        assert!(e.message.contains("'deposit-address'"), "{}", e.message);
    }

    #[test]
    fn a_read_only_tool_never_writes_and_trade_is_ungrantable() {
        let all = Capability::ALL;
        let g = gate(all, all, true);
        let e = g.admit(ep(Method::Post, "/api/v3/order")).unwrap_err();
        assert!(e.message.contains("declared read-only"), "{}", e.message);
        let g = gate(all, all, false);
        let e = g.admit(ep(Method::Post, "/api/v3/order")).unwrap_err();
        assert!(
            e.message.contains("never go through the raw exchange"),
            "{}",
            e.message
        );
    }

    #[test]
    fn a_reload_applies_to_the_next_request_of_a_running_call() {
        let g = gate(&[Capability::MarketData], &[Capability::MarketData], true);
        assert!(g.admit(ep(Method::Get, "/api/v3/depth")).is_ok());
        g.gate.install(Permissions::default());
        let e = g.admit(ep(Method::Get, "/api/v3/depth")).unwrap_err();
        assert!(e.message.contains("not enabled"), "{}", e.message);
    }

    #[test]
    fn unknown_tools_and_the_manifest_send_nothing() {
        let g = PolicyGate::new();
        let c = g.for_call(Arc::new(CallIdentity {
            plugin: "p".into(),
            tool: "get-manifest".into(),
            client: None,
        }));
        assert!(c.admit(ep(Method::Get, "/api/v3/time")).is_err());
    }
}
