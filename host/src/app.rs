//! Wiring: from a [`Config`] to a running [`PluginHost`] (and, in sim mode,
//! the simulator it talks to).

use crate::config::{Config, ExchangeMode};
use crate::exchange::http::{BaseUrls, HttpGateway, DEFAULT_TIMEOUT};
use crate::exchange::ExchangeService;
use crate::runtime::cache::ComponentCache;
use crate::runtime::engine::Limits;
use crate::runtime::PluginHost;
use anyhow::Context;
use std::sync::Arc;

/// A host and whatever must live as long as it.
pub struct App {
    pub host: Arc<PluginHost>,
    /// The in-process simulator in `--exchange sim` mode.
    pub sim: Option<binance_sim::Simulator>,
}

/// Start the simulator if asked, build the gateway, load the plugins.
pub async fn start(mut config: Config) -> anyhow::Result<App> {
    let sim = if config.mode == ExchangeMode::Sim {
        let sim = binance_sim::Simulator::start(binance_sim::SimConfig {
            seed: config.sim_seed,
            port: 0,
        })
        .await
        .context("cannot start the simulator on a loopback port")?;
        tracing::info!(url = %sim.spot_url(), seed = config.sim_seed, "simulator started");
        config.spot_url = sim.spot_url();
        config.futures_url = sim.futures_url();
        Some(sim)
    } else {
        None
    };
    if let Some(policy) = &config.policy {
        tracing::warn!(policy = %policy.display(), "policy files are not read by this version; every plugin is limited to public market data");
    }
    let urls = BaseUrls {
        spot: config.spot_url.clone(),
        usdm_futures: config.futures_url.clone(),
    };
    let gateway = HttpGateway::new(urls, tokio::runtime::Handle::current(), DEFAULT_TIMEOUT)
        .context("cannot build the HTTP client")?;
    let service = ExchangeService::new(Arc::new(gateway));
    let limits = Limits {
        call_timeout: config.call_timeout,
        ..Limits::default()
    };
    let plugin_dir = config.plugin_dir.clone();
    let cache = ComponentCache::new(config.cache_dir.clone());
    // Loading compiles (or deserialises) components: blocking work.
    let host = tokio::task::spawn_blocking(move || -> anyhow::Result<PluginHost> {
        let mut host = PluginHost::new(service, limits)?;
        let files = PluginHost::plugin_files(&plugin_dir)?;
        host.load_files(&files, &cache)?;
        Ok(host)
    })
    .await
    .context("plugin loading was aborted")??;
    Ok(App {
        host: Arc::new(host),
        sim,
    })
}
