//! Wiring: from a [`Config`] to a running [`PluginHost`] (and, in sim mode,
//! the simulator it talks to).

use crate::config::{Config, ExchangeMode};
use crate::exchange::http::{BaseUrls, HttpGateway, DEFAULT_TIMEOUT};
use crate::exchange::ratelimit::RateLimiter;
use crate::exchange::signing::Signer;
use crate::exchange::{Credentials, ExchangeService};
use crate::policy::Policy;
use crate::runtime::cache::ComponentCache;
use crate::runtime::engine::Limits;
use crate::runtime::PluginHost;
use crate::secret::Secret;
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
    if let Some(policy) = &config.policy {
        tracing::warn!(policy = %policy.display(), "policy files are not read by this version; the built-in grants apply (public market data; account reads for the account plugin; no trading)");
    }
    let urls = BaseUrls {
        spot: config.spot_url.clone(),
        usdm_futures: config.futures_url.clone(),
    };
    let gateway = HttpGateway::new(urls, tokio::runtime::Handle::current(), DEFAULT_TIMEOUT)
        .context("cannot build the HTTP client")?;
    let credentials = credentials(&mut config)?;
    let signed = credentials.is_some();
    let service = ExchangeService::with(
        Arc::new(gateway),
        credentials,
        config.recv_window_ms,
        RateLimiter::default(),
    );
    let policy = Policy {
        allow_deposit_address: config.allow_deposit_address,
    };
    let limits = Limits {
        call_timeout: config.call_timeout,
        ..Limits::default()
    };
    let plugin_dir = config.plugin_dir.clone();
    let service_for_host = service.clone();
    let cache = ComponentCache::new(config.cache_dir.clone());
    // Loading compiles (or deserialises) components: blocking work.
    let host = tokio::task::spawn_blocking(move || -> anyhow::Result<PluginHost> {
        let mut host = PluginHost::new(service_for_host, limits)?;
        let files = PluginHost::plugin_files(&plugin_dir)?;
        host.load_files(&files, &cache, &policy)?;
        Ok(host)
    })
    .await
    .context("plugin loading was aborted")??;
    if signed {
        // Measure the clock offset in the background: serving need not wait
        // for a network round trip, and the first signed request measures it
        // itself if this has not finished. Offline this only warns.
        let service = host.service().clone();
        tokio::task::spawn_blocking(move || match service.sync_clock() {
            Ok(offset) => tracing::info!(offset_ms = offset, "measured the Binance clock offset"),
            Err(e) => {
                tracing::warn!(error = %e.message, "could not measure the Binance clock offset at start")
            }
        });
    }
    Ok(App {
        host: Arc::new(host),
        sim,
    })
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
