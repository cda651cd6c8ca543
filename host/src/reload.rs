//! Reloading the policy without a restart: on SIGHUP, and when the policy
//! file's content changes (checked every [`POLL_INTERVAL`]). A valid new
//! policy is applied atomically to every later call and request, and the
//! MCP server tells its client the tool list changed; an invalid one is
//! logged with its file, line and column, and the policy in force stays.
//! This is also how an operator switches something off in a hurry.
//!
//! The file is polled rather than watched with inotify: one small read a
//! second costs nothing, needs no dependency, and sees editors that replace
//! the file by renaming as well as those that write it in place. A
//! half-written file fails to parse and is retried when it changes again.

use crate::lifecycle::Lifecycle;
use crate::policy::{Digest, Policy};
use crate::runtime::PluginHost;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

/// How often the policy file is checked for changes.
pub const POLL_INTERVAL: Duration = Duration::from_secs(1);

/// What the file holds now: its digest, or `None` when it cannot be read
/// (mid-replace): no reload is attempted for an unreadable moment.
fn fingerprint(path: &Path) -> Option<Digest> {
    let meta = std::fs::metadata(path).ok()?;
    if meta.len() > crate::policy::file::MAX_POLICY_BYTES as u64 {
        // Too large to be a policy: reloading it reports the error once.
        return Some(Digest([meta.len() as u8; 32]));
    }
    std::fs::read(path).ok().map(|b| Digest::of(&b))
}

/// Re-read `path` and apply it; log the outcome. Blocking.
pub fn reload(host: &PluginHost, path: &Path, why: &str) -> bool {
    let applied = Policy::load(Some(path))
        .map_err(|e| e.to_string())
        .and_then(|policy| host.apply(policy).map_err(|e| e.to_string()));
    match applied {
        Ok(registry) => {
            let tools = registry.tools().count();
            tracing::info!(policy = %path.display(), trigger = why, plugins = registry.plugins.len(), tools, "applied the reloaded policy");
            true
        }
        Err(e) => {
            tracing::error!(policy = %path.display(), trigger = why, error = %e, "the reloaded policy is invalid; the previous policy stays in force");
            false
        }
    }
}

/// Watch for SIGHUP and changes to `path` (the policy file, when there is
/// one) in a task owned by `lifecycle`.
pub fn watch(lifecycle: &Lifecycle, host: Arc<PluginHost>, path: Option<PathBuf>) {
    let shutdown = lifecycle.token().clone();
    let tasks = lifecycle.clone();
    lifecycle.spawn(async move {
        #[cfg(unix)]
        let mut hup = match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup()) {
            Ok(s) => Some(s),
            Err(e) => {
                tracing::warn!(error = %e, "cannot listen for SIGHUP; the policy reloads only when its file changes");
                None
            }
        };
        let mut last = path.as_deref().and_then(fingerprint);
        let mut tick = tokio::time::interval(POLL_INTERVAL);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            #[cfg(unix)]
            let hangup = async {
                match hup.as_mut() {
                    Some(s) => s.recv().await,
                    None => std::future::pending().await,
                }
            };
            #[cfg(not(unix))]
            let hangup = std::future::pending::<Option<()>>();
            let why = tokio::select! {
                () = shutdown.cancelled() => return,
                _ = hangup => "SIGHUP",
                _ = tick.tick() => {
                    let Some(p) = path.as_deref() else { continue };
                    let now = fingerprint(p);
                    if now.is_none() || now == last {
                        continue;
                    }
                    "file changed"
                }
            };
            let Some(p) = path.clone() else {
                tracing::info!("SIGHUP: no policy file was given (the built-in read-only policy is in force); nothing to reload");
                continue;
            };
            last = fingerprint(&p);
            let host = host.clone();
            let done = tasks.spawn_blocking(move || reload(&host, &p, why)).await;
            if done.is_err() {
                tracing::warn!("the policy reload was aborted");
            }
        }
    });
}
