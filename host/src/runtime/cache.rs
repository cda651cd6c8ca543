//! The compiled-component cache: a plugin is compiled once and the native
//! artifact kept on disk, so a restart loads it in well under a millisecond
//! instead of compiling for tens of milliseconds.
//!
//! The key is the SHA-256 of the component's bytes plus wasmtime's
//! compatibility hash of the engine's configuration: a changed plugin, a new
//! wasmtime or a different configuration each miss and recompile.

use sha2::{Digest, Sha256};
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use wasmtime::component::Component;
use wasmtime::Engine;

/// Whether a component came from the cache.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CacheOutcome {
    /// Loaded a precompiled artifact.
    Hit,
    /// Compiled, and stored the artifact.
    Compiled,
    /// Compiled; caching is off.
    Uncached,
}

/// Where compiled artifacts live; `None` turns caching off.
#[derive(Debug, Clone)]
pub struct ComponentCache {
    dir: Option<PathBuf>,
}

impl ComponentCache {
    /// Cache in `dir` (created on first write), or not at all.
    pub fn new(dir: Option<PathBuf>) -> Self {
        ComponentCache { dir }
    }

    /// The default directory: `$XDG_CACHE_HOME/binance-mcp` or
    /// `$HOME/.cache/binance-mcp`.
    pub fn default_dir() -> Option<PathBuf> {
        let base = std::env::var_os("XDG_CACHE_HOME")
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
            .or_else(|| {
                std::env::var_os("HOME")
                    .filter(|v| !v.is_empty())
                    .map(|h| Path::new(&h).join(".cache"))
            })?;
        Some(base.join("binance-mcp").join("components"))
    }

    /// Load `bytes` (the component called `stem`) as a [`Component`].
    pub fn load(
        &self,
        engine: &Engine,
        stem: &str,
        bytes: &[u8],
    ) -> wasmtime::Result<(Component, CacheOutcome)> {
        let Some(dir) = &self.dir else {
            return Ok((Component::new(engine, bytes)?, CacheOutcome::Uncached));
        };
        let path = dir.join(format!("{stem}-{}.cwasm", key(engine, bytes)));
        if path.is_file() {
            // SAFETY: a .cwasm is native code that wasmtime trusts; it checks
            // the header (version, configuration) but not the code. The file
            // was written by `precompile_component` of an engine with the same
            // compatibility hash (it is in the name) into a directory created
            // owner-only (0700); whoever can write there can already run code
            // as this user. A file failing the header checks is recompiled.
            match unsafe { Component::deserialize_file(engine, &path) } {
                Ok(c) => return Ok((c, CacheOutcome::Hit)),
                Err(e) => {
                    tracing::warn!(path = %path.display(), error = %e, "ignoring unusable cached component")
                }
            }
        }
        let compiled = engine.precompile_component(bytes)?;
        if let Err(e) = store(dir, stem, &path, &compiled) {
            tracing::warn!(dir = %dir.display(), error = %e, "could not write the component cache; continuing uncached");
        }
        // SAFETY: `compiled` was produced just now by this engine.
        let component = unsafe { Component::deserialize(engine, &compiled)? };
        Ok((component, CacheOutcome::Compiled))
    }
}

/// `-` + 32 hex + `-` + 16 hex + `.cwasm`: what [`key`] appends to a stem.
const KEYED_SUFFIX_LEN: usize = 1 + 32 + 1 + 16 + 6;

/// Create `dir` (and parents) readable and writable by the owner only.
fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir)
}

fn key(engine: &Engine, bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let mut h = std::collections::hash_map::DefaultHasher::new();
    engine.precompile_compatibility_hash().hash(&mut h);
    let hex: String = digest[..16].iter().map(|b| format!("{b:02x}")).collect();
    format!("{hex}-{:016x}", h.finish())
}

/// Write atomically (temp file + rename) and remove older artifacts of the
/// same plugin.
fn store(dir: &Path, stem: &str, path: &Path, compiled: &[u8]) -> std::io::Result<()> {
    create_private_dir(dir)?;
    // Unique per process and per call: several loaders may race on one cache.
    static SEQ: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let seq = SEQ.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let tmp = dir.join(format!(".{stem}.{}.{seq}.tmp", std::process::id()));
    std::fs::write(&tmp, compiled)?;
    std::fs::rename(&tmp, path)?;
    let keep = path.file_name();
    for entry in std::fs::read_dir(dir)?.flatten() {
        let name = entry.file_name();
        let name_str = name.to_string_lossy();
        let same_plugin = name_str
            .strip_prefix(stem)
            .is_some_and(|rest| rest.len() == KEYED_SUFFIX_LEN && rest.ends_with(".cwasm"));
        if same_plugin && Some(name.as_os_str()) != keep {
            let _ = std::fs::remove_file(entry.path());
        }
    }
    Ok(())
}
