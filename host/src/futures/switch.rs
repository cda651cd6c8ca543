//! The dead-man's switch (`futures.dead_mans_switch_seconds`): while the
//! server runs, Binance's countdown cancel-all
//! (`POST /fapi/v1/countdownCancelAll`) is kept armed for every allowed
//! symbol with open futures orders, refreshed every third of the
//! countdown. If the host dies or loses the network, the refreshes stop and
//! the exchange itself cancels those orders when the countdown runs out.
//! A graceful exit leaves the last countdown running too: the switch
//! protects whenever nobody is watching.

use super::FuturesTrading;
use crate::lifecycle::Lifecycle;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How often the switch looks when it is off (a reload may turn it on).
const IDLE: Duration = Duration::from_secs(5);

/// The refresh period of a `countdown`: a third of it, so two refreshes in
/// a row can fail before the exchange fires.
pub fn refresh_every(countdown: Duration) -> Duration {
    countdown / 3
}

/// Keep the switch armed as the policy in force says, in a task owned by
/// `lifecycle` (shutdown cancels and awaits it).
pub fn keep_armed(lifecycle: &Lifecycle, futures: Arc<FuturesTrading>) {
    let shutdown = lifecycle.token().clone();
    let tasks = lifecycle.clone();
    lifecycle.spawn(async move {
        loop {
            let policy = futures.policy();
            let wait = match policy.dead_mans_switch.filter(|_| policy.enabled()) {
                None => IDLE,
                Some(countdown) => {
                    let f = futures.clone();
                    let tick = tasks.spawn_blocking(move || arm_once(&f, countdown));
                    if let Ok(Err(e)) = tick.await {
                        tracing::warn!(error = %e.message, "could not refresh the dead-man's switch (countdownCancelAll); retrying at the next refresh");
                    }
                    refresh_every(countdown)
                }
            };
            tokio::select! {
                () = shutdown.cancelled() => return,
                () = tokio::time::sleep(wait) => {}
            }
        }
    });
}

/// Arm `countdown` on each allowed symbol with open orders now.
fn arm_once(
    futures: &FuturesTrading,
    countdown: Duration,
) -> Result<(), crate::tool_error::ToolError> {
    let deadline = Instant::now() + refresh_every(countdown).min(Duration::from_secs(10));
    let policy = futures.policy();
    for symbol in futures.symbols_with_open_orders(deadline)? {
        if policy.allows_symbol(&symbol) {
            futures.arm_countdown(&symbol, countdown, deadline)?;
            tracing::debug!(%symbol, countdown_ms = countdown.as_millis() as u64, "dead-man's switch armed");
        }
    }
    Ok(())
}
