//! Host capabilities a plugin can import, one file per WIT interface
//! (`log.rs`, `exchange.rs`), and the per-plugin [`Grants`] that decide which
//! are linked. A capability that is not granted is not linked at all, so a
//! plugin importing it fails to load with an error naming the import.

pub mod exchange;
pub mod log;

use crate::exchange::{ExchangeGrant, ExchangeService};
use crate::runtime::engine::Limits;
use std::sync::Arc;
use std::time::Instant;
use wasmtime::component::ResourceTable;
use wasmtime::{StoreLimits, StoreLimitsBuilder};
use wasmtime_wasi::{WasiCtx, WasiCtxView, WasiView};

/// What one plugin may import. Deny by default: [`Grants::none`] links only
/// `log` (always granted: it can only write to the host's stderr log) and an
/// empty WASI context.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Grants {
    /// `binance:mcp/exchange`, with what it may reach; `None` = not linked.
    pub exchange: Option<ExchangeGrant>,
}

impl Grants {
    /// Nothing but `log`.
    pub fn none() -> Self {
        Grants::default()
    }

    /// Link `exchange`, limited by `grant`.
    pub fn with_exchange(mut self, grant: ExchangeGrant) -> Self {
        self.exchange = Some(grant);
        self
    }
}

/// The data of one call's `Store`: a narrow context per capability.
pub struct PluginState {
    wasi: WasiCtx,
    table: ResourceTable,
    pub(crate) limits: StoreLimits,
    pub(crate) log: log::LogCtx,
    pub(crate) exchange: exchange::ExchangeCtx,
}

impl PluginState {
    /// Fresh state for one call of plugin `plugin` under `limits`: memory
    /// capped, and the call's wall-clock budget starting now.
    pub fn new(
        plugin: Arc<str>,
        grants: &Grants,
        service: ExchangeService,
        limits: &Limits,
    ) -> Self {
        // No environment, arguments, preopened directories, network or
        // inherited stdio: the builder's defaults, with sockets denied outright.
        let wasi = WasiCtx::builder()
            .allow_tcp(false)
            .allow_udp(false)
            .allow_ip_name_lookup(false)
            .build();
        PluginState {
            wasi,
            table: ResourceTable::new(),
            limits: StoreLimitsBuilder::new()
                .memory_size(limits.memory_bytes)
                .instances(16)
                .tables(64)
                .memories(4)
                .trap_on_grow_failure(true)
                .build(),
            log: log::LogCtx {
                plugin: plugin.clone(),
            },
            exchange: exchange::ExchangeCtx {
                plugin,
                grant: grants.exchange.clone().unwrap_or_default(),
                service,
                deadline: Instant::now() + limits.call_timeout,
            },
        }
    }
}

impl WasiView for PluginState {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView {
            ctx: &mut self.wasi,
            table: &mut self.table,
        }
    }
}
