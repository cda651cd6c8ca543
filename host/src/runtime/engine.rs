//! The wasmtime `Engine`: pooling allocator, epoch interruption, and the
//! ticker thread that advances epochs.

use std::time::Duration;
use wasmtime::{Config, Engine, InstanceAllocationStrategy, PoolingAllocationConfig};

/// One epoch tick. Deadlines are counted in ticks, so this is their resolution.
pub const EPOCH_TICK: Duration = Duration::from_millis(10);

/// Bytes of each pooled memory and table reset with memset instead of being
/// returned to the kernel between calls. A call touches a few hundred KiB
/// (stack, data, heap); keeping them resident saves the page faults a fresh
/// instance would otherwise take on every call.
const KEEP_RESIDENT: usize = 512 << 10;

/// Limits every plugin instance runs under.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Linear memory one call may use. 64 MiB is ample for JSON shaping of
    /// any Binance answer the catalogue allows, and small enough that a
    /// runaway plugin cannot hurt the host.
    pub memory_bytes: usize,
    /// Wall-clock budget of one call, network waits included.
    pub call_timeout: Duration,
    /// Calls that may run at once (pool slots).
    pub concurrency: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            memory_bytes: 64 << 20,
            call_timeout: Duration::from_secs(30),
            concurrency: 32,
        }
    }
}

/// Build the engine all plugins share.
pub fn build(limits: &Limits) -> wasmtime::Result<Engine> {
    let mut pool = PoolingAllocationConfig::default();
    let n = limits.concurrency.max(1);
    pool.total_component_instances(n)
        .total_core_instances(n * 8)
        .total_memories(n * 2)
        .total_tables(n * 8)
        .max_memory_size(limits.memory_bytes)
        .linear_memory_keep_resident(KEEP_RESIDENT)
        .table_keep_resident(KEEP_RESIDENT);
    let mut config = Config::new();
    config
        .epoch_interruption(true)
        .allocation_strategy(InstanceAllocationStrategy::Pooling(pool));
    Engine::new(&config)
}

/// Advance `engine`'s epoch every [`EPOCH_TICK`] until the engine is dropped.
pub fn start_epoch_ticker(engine: &Engine) -> std::io::Result<()> {
    let engine = engine.weak();
    std::thread::Builder::new()
        .name("epoch-ticker".into())
        .spawn(move || loop {
            std::thread::sleep(EPOCH_TICK);
            match engine.upgrade() {
                Some(e) => e.increment_epoch(),
                None => return,
            }
        })?;
    Ok(())
}

/// Make `store` trap at the first epoch tick past its call's deadline or
/// after shutdown began (checked every [`EPOCH_TICK`]; both trap as
/// `Trap::Interrupt`, and the caller tells them apart by the token).
pub fn watch_deadline(store: &mut wasmtime::Store<crate::capabilities::PluginState>) {
    store.set_epoch_deadline(1);
    store.epoch_deadline_callback(|ctx| {
        let state = ctx.data();
        if state.cancel.is_cancelled() || std::time::Instant::now() >= state.deadline {
            Ok(wasmtime::UpdateDeadline::Interrupt)
        } else {
            Ok(wasmtime::UpdateDeadline::Continue(1))
        }
    });
}
