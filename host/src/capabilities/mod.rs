//! Host capabilities a plugin can import, one file per WIT interface
//! (`log.rs`, `exchange.rs`), and the state one call's instance runs with.
//! Which interfaces are linked for a plugin follows its policy grants
//! (`crate::runtime::plugin`): one that is not granted is not linked at all,
//! so a plugin importing it fails to load with an error naming the import;
//! what a linked one may reach is decided per request by the gate.

pub mod exchange;
pub mod futures_trading;
pub mod log;
pub mod order_book;
pub mod spot_trading;

use crate::exchange::ExchangeService;
use crate::gate::{CallIdentity, PolicyGate};
use crate::runtime::engine::Limits;
use std::sync::Arc;
use std::time::Instant;
use tokio_util::sync::CancellationToken;
use wasmtime::component::ResourceTable;
use wasmtime::{StoreLimits, StoreLimitsBuilder};
use wasmtime_wasi::{WasiCtx, WasiCtxView, WasiView};

/// Time kept from a call's budget for the plugin to turn its last answer
/// into output: exchange requests must end this much before the deadline.
const SHAPING_RESERVE: std::time::Duration = std::time::Duration::from_millis(200);

/// What one call runs under besides the policy: who is calling, when it
/// must end, the shutdown signal, and where its log events go besides stderr.
#[derive(Clone)]
pub struct CallEnv {
    /// The plugin, the tool and the client's context.
    pub call: Arc<CallIdentity>,
    /// The end of the call's wall-clock budget.
    pub deadline: Instant,
    /// Cancelled on shutdown: the plugin is stopped at its next epoch tick.
    pub cancel: CancellationToken,
    /// The MCP client's log stream, when it asked for one.
    pub log: Option<log::LogSink>,
}

impl CallEnv {
    /// A call of `call` starting now with the whole `limits.call_timeout`,
    /// never cancelled, logging to stderr only.
    pub fn starting_now(call: Arc<CallIdentity>, limits: &Limits) -> Self {
        CallEnv {
            call,
            deadline: Instant::now() + limits.call_timeout,
            cancel: CancellationToken::new(),
            log: None,
        }
    }
}

/// The data of one call's `Store`: a narrow context per capability.
pub struct PluginState {
    wasi: WasiCtx,
    table: ResourceTable,
    /// Checked at every epoch tick: past it, or once cancelled, the plugin traps.
    pub(crate) deadline: Instant,
    pub(crate) cancel: CancellationToken,
    pub(crate) limits: StoreLimits,
    pub(crate) log: log::LogCtx,
    pub(crate) exchange: exchange::ExchangeCtx,
    pub(crate) trading: spot_trading::TradingCtx,
    pub(crate) futures: futures_trading::FuturesCtx,
    pub(crate) order_book: order_book::OrderBookCtx,
}

/// The host's services a call may reach besides REST: the typed write
/// services and the live order books (each `None` when the host runs
/// without it).
#[derive(Clone, Default)]
pub struct Traders {
    pub spot: Option<Arc<crate::trading::SpotTrading>>,
    pub futures: Option<Arc<crate::futures::FuturesTrading>>,
    pub book: Option<crate::book::Books>,
}

impl PluginState {
    /// Fresh state for one call (`env`: who, deadline, cancellation, log
    /// stream) under `limits` (memory), its requests decided by `gate`.
    pub fn new(
        gate: &PolicyGate,
        service: ExchangeService,
        traders: Traders,
        limits: &Limits,
        env: CallEnv,
    ) -> Self {
        let plugin = env.call.plugin.clone();
        // The plugin still has to shape the answer (or the error) after its
        // last request: requests end a little earlier.
        let requests_by = env
            .deadline
            .checked_sub(SHAPING_RESERVE)
            .unwrap_or(env.deadline);
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
            deadline: env.deadline,
            cancel: env.cancel,
            limits: StoreLimitsBuilder::new()
                .memory_size(limits.memory_bytes)
                .instances(16)
                .tables(64)
                .memories(4)
                .trap_on_grow_failure(true)
                .build(),
            log: log::LogCtx::new(plugin.clone(), env.log),
            trading: spot_trading::TradingCtx {
                call: env.call.clone(),
                trading: traders.spot,
                deadline: requests_by,
            },
            futures: futures_trading::FuturesCtx {
                call: env.call.clone(),
                futures: traders.futures,
                deadline: requests_by,
            },
            order_book: order_book::OrderBookCtx {
                call: env.call.clone(),
                gate: gate.clone(),
                engine: traders.book,
                deadline: requests_by,
            },
            exchange: exchange::ExchangeCtx {
                gate: gate.for_call(env.call),
                service,
                deadline: requests_by,
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
