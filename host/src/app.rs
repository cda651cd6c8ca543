//! Wiring: from a [`Config`] to a running [`PluginHost`] (and, in sim mode,
//! the simulator it talks to), and back down again: [`App::shutdown`]
//! cancels and awaits everything the host started.

use crate::config::{Config, ExchangeMode};
use crate::exchange::http::{BaseUrls, HttpGateway, DEFAULT_TIMEOUT};
use crate::exchange::ratelimit::RateLimiter;
use crate::exchange::signing::Signer;
use crate::exchange::{Credentials, ExchangeService};
use crate::lifecycle::{Lifecycle, SHUTDOWN_GRACE};
use crate::mcp::McpServer;
use crate::policy::Policy;
use crate::runtime::admission::AdmissionLimits;
use crate::runtime::builtin::BUILTIN_PLUGINS;
use crate::runtime::cache::ComponentCache;
use crate::runtime::engine::Limits;
use crate::runtime::{PluginHost, PluginSet};
use crate::secret::Secret;
use anyhow::Context;
use std::sync::Arc;

/// A host and whatever must live as long as it.
pub struct App {
    pub host: Arc<PluginHost>,
    /// Owner of every task the host started.
    pub lifecycle: Lifecycle,
    /// How many calls may run at once.
    pub admission: AdmissionLimits,
    /// Whether requests can be signed (keys are configured).
    signed: bool,
    /// The in-process simulator in `--exchange sim` mode.
    pub sim: Option<binance_sim::Simulator>,
    /// The policy file, re-read on SIGHUP and when it changes.
    policy_path: Option<std::path::PathBuf>,
    /// Where the journal and the halt marker live.
    pub config_state_dir: Option<std::path::PathBuf>,
}

impl App {
    /// The MCP server over this host.
    pub fn server(&self) -> McpServer {
        McpServer::new(self.host.clone(), self.admission, self.lifecycle.clone())
    }

    /// Warm the path a call takes, keys or not, in a task owned by the
    /// lifecycle (shutdown cancels and awaits it): measure the clock offset,
    /// which aligns the rate limiter's windows to Binance's minute (and
    /// signed requests' timestamps) and opens the connection the first call
    /// reuses; then instantiate every plugin once ([`PluginHost::warm_up`]).
    /// The returned handle finishes when both are done; `serve` waits for it
    /// at most [`WARM_UP_WAIT`] before it answers anything, so the first call
    /// neither pays for the warm-up nor competes with it. (Not for `tools`,
    /// which sends nothing.)
    pub fn warm_up_in_background(&self) -> tokio::task::JoinHandle<()> {
        let service = self.host.service().clone();
        let host = self.host.clone();
        let signed = self.signed;
        self.lifecycle.spawn_blocking(move || {
            let synced = service.sync_clock();
            host.warm_up();
            match synced {
                Ok(offset) => {
                    tracing::info!(offset_ms = offset, "measured the Binance clock offset")
                }
                // Without keys only window alignment depends on it (the
                // limiter learns the minute's count from the first answer).
                Err(e) if !signed => {
                    tracing::info!(error = %e.message, "could not measure the Binance clock offset at start")
                }
                Err(e) => {
                    tracing::warn!(error = %e.message, "could not measure the Binance clock offset at start")
                }
            }
        })
    }

    /// Reload the policy on SIGHUP and when its file changes, in a task
    /// owned by the lifecycle (`serve` only).
    pub fn watch_policy(&self) {
        crate::reload::watch(&self.lifecycle, self.host.clone(), self.policy_path.clone());
    }

    /// Keep the futures dead-man's switch armed as the policy says (a task
    /// owned by the lifecycle; `serve` only).
    pub fn keep_switch_armed(&self) {
        if let Some(f) = self.host.futures() {
            crate::futures::switch::keep_armed(&self.lifecycle, f.clone());
        }
    }

    /// Cancel and await every task the host started (plugin calls, the
    /// clock sync), so nothing runs when the async runtime goes away.
    pub async fn shutdown(self) {
        self.lifecycle.shutdown(SHUTDOWN_GRACE).await;
        drop(self.sim);
    }
}

/// How long `serve` waits for the start-up warm-up before answering the
/// client: one round trip to the exchange is well under it; an exchange that
/// does not answer must not keep the server from starting.
pub const WARM_UP_WAIT: std::time::Duration = std::time::Duration::from_secs(1);

/// Start the simulator if asked, build the gateway, load the plugins.
pub async fn start(mut config: Config) -> anyhow::Result<App> {
    let sim = if config.mode == ExchangeMode::Sim {
        let sim = binance_sim::Simulator::start(binance_sim::SimConfig {
            seed: config.sim_seed,
            port: 0,
            ..Default::default()
        })
        .await
        .context("cannot start the simulator on a loopback port")?;
        tracing::info!(url = %sim.spot_url(), seed = config.sim_seed, "simulator started");
        config.spot_url = sim.spot_url();
        config.futures_url = sim.futures_url();
        config.ws_url = sim.ws_url();
        config.futures_ws_url = sim.ws_url();
        if config.api_key.is_none() && config.private_key_path.is_none() {
            // Offline, every tool should be tryable: sign with the simulator's
            // own (public, test-only) key pair.
            tracing::info!("no keys configured: signing with the simulator's own test key pair");
            config.api_key = Some(Secret::from_untrimmed(binance_sim::SIM_API_KEY.to_string()));
            config.secret_key = Some(Secret::from_untrimmed(
                binance_sim::SIM_SECRET_KEY.to_string(),
            ));
        }
        Some(sim)
    } else {
        None
    };
    let policy = Policy::load(config.policy.as_deref())?;
    let urls = BaseUrls {
        spot: config.spot_url.clone(),
        usdm_futures: config.futures_url.clone(),
    };
    let lifecycle = Lifecycle::new();
    let cancel = lifecycle.token().clone();
    let gateway = HttpGateway::new(urls, tokio::runtime::Handle::current(), DEFAULT_TIMEOUT)
        .context("cannot build the HTTP client")?
        .with_cancel(cancel.clone());
    let credentials = credentials(&mut config)?;
    let signed = credentials.is_some();
    let service = ExchangeService::with(
        Arc::new(gateway),
        credentials,
        config.recv_window_ms,
        RateLimiter::default().with_cancel(cancel.clone()),
    );
    let limits = Limits {
        call_timeout: config.call_timeout,
        // One pool slot per admitted call, and one for loading.
        concurrency: config.admission.total + 1,
        ..Limits::default()
    };
    let plugins = plugin_set(&config);
    let service_for_host = service.clone();
    let state_dir = config.state_dir.clone();
    let engine = |mut cfg: crate::book::EngineConfig| {
        cfg.max_symbols = config.book_symbols as usize;
        crate::book::BookEngine::new(cfg, service.clone(), lifecycle.clone())
    };
    let book = crate::book::Books::new(
        engine(crate::book::EngineConfig::new(config.ws_url.clone())),
        engine(crate::book::EngineConfig::futures(&config.futures_ws_url)),
    );
    let live_url = config.spot_url == crate::config::LIVE.spot;
    let futures_live_url = config.futures_url == crate::config::LIVE.futures;
    // Loading compiles (or deserialises) components: blocking work.
    let host = lifecycle
        .spawn_blocking(move || -> anyhow::Result<PluginHost> {
            let host =
                PluginHost::new(service_for_host.clone(), limits, plugins)?.with_cancel(cancel);
            let desk = Arc::new(crate::trading::desk::Desk::new(
                service_for_host,
                host.gate().clone(),
                state_dir,
            ));
            let trading = crate::trading::SpotTrading::new(desk.clone(), live_url);
            let futures = crate::futures::FuturesTrading::new(desk, futures_live_url);
            let host = host
                .with_trading(Arc::new(trading))
                .with_futures(Arc::new(futures))
                .with_book(book);
            host.apply(policy)?;
            Ok(host)
        })
        .await
        .context("plugin loading was aborted")??;
    Ok(App {
        host: Arc::new(host),
        lifecycle,
        admission: config.admission,
        signed,
        sim,
        policy_path: config.policy.clone(),
        config_state_dir: config.state_dir.clone(),
    })
}

/// Where the plugins come from under `config`.
pub fn plugin_set(config: &Config) -> PluginSet {
    PluginSet {
        builtins: BUILTIN_PLUGINS.to_vec(),
        dir: config.plugin_dir.clone(),
        cache: ComponentCache::new(config.cache_dir.clone()),
    }
}

/// A host that loads plugins but can reach no exchange: for `policy check`
/// and `plugin inspect`, which run no tool. Blocking.
pub fn offline_host(config: &Config) -> anyhow::Result<PluginHost> {
    let service = ExchangeService::new(Arc::new(Offline));
    let limits = Limits {
        call_timeout: config.call_timeout,
        concurrency: 2,
        ..Limits::default()
    };
    Ok(PluginHost::new(service, limits, plugin_set(config))?)
}

/// A gateway for hosts that must never send anything.
struct Offline;

impl crate::exchange::Gateway for Offline {
    fn send(
        &self,
        _request: &crate::exchange::HttpRequest,
    ) -> Result<crate::exchange::HttpResponse, crate::exchange::TransportError> {
        Err(crate::exchange::TransportError {
            base_url: "offline".into(),
            detail: "this command sends nothing to the exchange".into(),
            timed_out: false,
            connect_failed: true,
            retryable: false,
        })
    }
}

/// Move the keys out of `config` into the exchange's credentials (the
/// configuration keeps no copy).
fn credentials(config: &mut Config) -> anyhow::Result<Option<Credentials>> {
    let Some(api_key) = config.api_key.take() else {
        return Ok(None);
    };
    let signer = match (config.secret_key.take(), &config.private_key_path) {
        (Some(secret), _) => Signer::Hmac(secret),
        (None, Some(path)) => {
            Signer::ed25519_from_file(path).context("BINANCE_PRIVATE_KEY_PATH")?
        }
        (None, None) => anyhow::bail!("BINANCE_SECRET_KEY: BINANCE_API_KEY is set but no secret"),
    };
    Ok(Some(Credentials {
        api_key: Arc::new(api_key),
        signer,
    }))
}
