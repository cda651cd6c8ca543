//! Admission control: how many tool calls run at once, in total and per
//! plugin. A call over the limit queues (first come, first served) for as
//! long as its budget allows, then fails as `rate_limited` with a retry
//! time — never as a plugin bug, and never by running out of instance
//! slots. The per-plugin limit is below the total, so one plugin's calls
//! (a runaway, or a flood) cannot take every slot from the others.

use crate::tool_error::{ErrorKind, ToolError};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio_util::sync::CancellationToken;

/// Default calls running at once, all plugins together. Each holds a
/// blocking thread and a pooled instance; 32 is far above what one model
/// conversation issues and well within a small machine.
pub const DEFAULT_MAX_CALLS: u32 = 32;
/// Default calls running at once per plugin: half the total, so another
/// plugin always has room.
pub const DEFAULT_MAX_CALLS_PER_PLUGIN: u32 = 16;
/// Largest configurable total (the instance pool is sized from it).
pub const MAX_CALLS_LIMIT: u32 = 256;
/// Least time a call must have left to be started: one admitted with less
/// would only hit its deadline, which would read as a plugin failure.
pub const MIN_RUN: std::time::Duration = std::time::Duration::from_secs(1);

/// The configured limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AdmissionLimits {
    pub total: u32,
    pub per_plugin: u32,
}

impl Default for AdmissionLimits {
    fn default() -> Self {
        AdmissionLimits {
            total: DEFAULT_MAX_CALLS,
            per_plugin: DEFAULT_MAX_CALLS_PER_PLUGIN,
        }
    }
}

/// The queues.
pub struct Admission {
    limits: AdmissionLimits,
    total: Arc<Semaphore>,
    /// Created on a plugin's first call (a reload may add plugins).
    per_plugin: std::sync::Mutex<HashMap<String, Arc<Semaphore>>>,
}

/// A running call's slots; dropping it lets the next queued call in.
#[derive(Debug)]
pub struct Admitted {
    _plugin: OwnedSemaphorePermit,
    _total: OwnedSemaphorePermit,
}

impl Admission {
    /// Queues for `plugins` under `limits`.
    pub fn new<'a>(limits: AdmissionLimits, plugins: impl IntoIterator<Item = &'a str>) -> Self {
        let per = limits.per_plugin.clamp(1, limits.total.max(1)) as usize;
        Admission {
            limits,
            total: Arc::new(Semaphore::new(limits.total.max(1) as usize)),
            per_plugin: std::sync::Mutex::new(
                plugins
                    .into_iter()
                    .map(|p| (p.to_string(), Arc::new(Semaphore::new(per))))
                    .collect(),
            ),
        }
    }

    /// Wait for a slot of `plugin` and one of the total, until `until` or
    /// shutdown. The plugin's own queue comes first, so a plugin with a
    /// backlog waits in its queue rather than holding total slots.
    pub async fn admit(
        &self,
        plugin: &str,
        tool: &str,
        until: Instant,
        cancel: &CancellationToken,
    ) -> Result<Admitted, ToolError> {
        let mine = self
            .per_plugin
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .entry(plugin.to_string())
            .or_insert_with(|| {
                let per = self.limits.per_plugin.clamp(1, self.limits.total.max(1));
                Arc::new(Semaphore::new(per as usize))
            })
            .clone();
        // Slots must come while enough of the budget is left to use them.
        let latest = until.checked_sub(MIN_RUN).unwrap_or(until);
        let deadline = tokio::time::Instant::from_std(latest);
        let queue = mine.clone();
        let wait = async {
            let p = queue.acquire_owned().await.ok()?;
            let t = self.total.clone().acquire_owned().await.ok()?;
            Some(Admitted {
                _plugin: p,
                _total: t,
            })
        };
        let outcome = tokio::select! {
            admitted = tokio::time::timeout_at(deadline, wait) => admitted.ok().flatten(),
            () = cancel.cancelled() => {
                return Err(ToolError::new(
                    ErrorKind::ExchangeUnavailable,
                    format!("tool '{tool}' was not started: the server is shutting down"),
                    "call it again once the server has restarted",
                ));
            }
        };
        outcome.ok_or_else(|| {
            let busy_plugin = mine.available_permits() == 0;
            let why = if busy_plugin {
                format!(
                    "plugin '{plugin}' is already running its maximum of {} calls at once",
                    self.limits.per_plugin
                )
            } else {
                format!(
                    "the server is already running its maximum of {} calls at once",
                    self.limits.total
                )
            };
            ToolError {
                retry_after_secs: Some(1),
                ..ToolError::new(
                    ErrorKind::RateLimited,
                    format!("tool '{tool}' could not start within its time budget: {why}"),
                    "wait a moment and call again; issue fewer calls at once",
                )
            }
            .with_data("max_concurrent_calls", self.limits.total)
            .with_data("max_concurrent_calls_per_plugin", self.limits.per_plugin)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[tokio::test]
    async fn a_busy_plugin_queues_then_refuses_without_blocking_another() {
        let adm = Admission::new(
            AdmissionLimits {
                total: 3,
                per_plugin: 2,
            },
            ["a", "b"],
        );
        let never = CancellationToken::new();
        let soon = || Instant::now() + Duration::from_millis(50);
        let a1 = adm.admit("a", "t", soon(), &never).await.unwrap();
        let _a2 = adm.admit("a", "t", soon(), &never).await.unwrap();
        let e = adm.admit("a", "t", soon(), &never).await.unwrap_err();
        assert_eq!(e.kind, ErrorKind::RateLimited);
        assert_eq!(e.retry_after_secs, Some(1));
        assert!(e.message.contains("plugin 'a'"), "{}", e.message);
        // Plugin b still gets in.
        let _b = adm.admit("b", "t", soon(), &never).await.unwrap();
        // A queued call goes as soon as a slot frees.
        let later = Instant::now() + Duration::from_secs(5);
        let queued = adm.admit("a", "t", later, &never);
        drop(a1);
        queued.await.unwrap();
    }

    #[tokio::test]
    async fn shutdown_ends_the_wait() {
        let adm = Admission::new(
            AdmissionLimits {
                total: 1,
                per_plugin: 1,
            },
            ["a"],
        );
        let cancel = CancellationToken::new();
        let far = Instant::now() + Duration::from_secs(60);
        let _held = adm.admit("a", "t", far, &cancel).await.unwrap();
        cancel.cancel();
        let e = adm.admit("a", "t", far, &cancel).await.unwrap_err();
        assert!(e.message.contains("shutting down"));
    }
}
