//! Who owns background work: every task the host starts — tool calls on
//! blocking threads, the start-up clock sync, later streams — is spawned on
//! one [`Lifecycle`], which cancels and awaits them all on shutdown, before
//! the async runtime is torn down. Nothing the host started may outlive it:
//! a blocking thread still inside the HTTP client when the runtime shuts
//! down would panic ("A Tokio 1.x context was found, but it is being
//! shutdown").
//!
//! Cancellation reaches each kind of work where it waits:
//! - a plugin's WebAssembly stops at its next epoch tick (10 ms);
//! - a read waiting on the exchange or the rate limiter returns at once;
//! - a call queued for admission gives up;
//! - a **write already sent is not abandoned**: it finishes (or times out
//!   within its own budget) and its outcome is logged.

use std::future::Future;
use std::time::Duration;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

/// How long shutdown waits for cancelled work to wind down before it gives
/// up on it. Cancelled reads and plugin code stop within milliseconds; the
/// wait is for a write in flight: its request may take the gateway's 10 s
/// timeout, and resolving a lost answer 3 s more.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(20);

/// The owner of the host's background work. Cheap to clone (shared state).
#[derive(Clone, Default)]
pub struct Lifecycle {
    token: CancellationToken,
    tasks: TaskTracker,
}

impl Lifecycle {
    /// A lifecycle with nothing running.
    pub fn new() -> Self {
        Lifecycle::default()
    }

    /// The token every cancellable wait watches.
    pub fn token(&self) -> &CancellationToken {
        &self.token
    }

    /// Whether shutdown has begun.
    pub fn is_shutting_down(&self) -> bool {
        self.token.is_cancelled()
    }

    /// Run blocking work owned by this lifecycle.
    pub fn spawn_blocking<F, T>(&self, f: F) -> tokio::task::JoinHandle<T>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        self.tasks.spawn_blocking(f)
    }

    /// Run a task owned by this lifecycle.
    pub fn spawn<F>(&self, f: F) -> tokio::task::JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        self.tasks.spawn(f)
    }

    /// Cancel everything and wait (at most `grace`) for it to finish.
    /// Returns whether everything finished in time.
    pub async fn shutdown(&self, grace: Duration) -> bool {
        self.token.cancel();
        self.tasks.close();
        let running = self.tasks.len();
        if running > 0 {
            tracing::debug!(running, "shutdown: waiting for background work");
        }
        let done = tokio::time::timeout(grace, self.tasks.wait()).await.is_ok();
        if !done {
            tracing::warn!(
                running = self.tasks.len(),
                grace_secs = grace.as_secs(),
                "shutdown: background work did not finish in time; exiting anyway"
            );
        }
        done
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn shutdown_cancels_and_awaits_owned_work() {
        let life = Lifecycle::new();
        let token = life.token().clone();
        let stopped = life.spawn_blocking(move || {
            while !token.is_cancelled() {
                std::thread::sleep(Duration::from_millis(1));
            }
            "stopped"
        });
        assert!(life.shutdown(Duration::from_secs(5)).await);
        assert_eq!(stopped.await.unwrap(), "stopped");
        assert!(life.is_shutting_down());
    }
}
