//! The compiled-component cache: a restart loads instead of compiling, a
//! changed plugin misses and replaces its old artifact, and nothing another
//! user could have planted (or a mixed-up or corrupt artifact) is ever run.

use binance_mcp::runtime::cache::{CacheOutcome, ComponentCache};
use binance_mcp::runtime::engine::{self, Limits};
use std::path::{Path, PathBuf};
use wasmtime::Engine;

fn artifacts(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    v.sort();
    v
}

/// A fresh, empty directory for one test.
fn scratch(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

fn market() -> Vec<u8> {
    std::fs::read(Path::new(env!("BINANCE_MCP_BUILTIN_PLUGIN_DIR")).join("market.wasm")).unwrap()
}

fn misbehave() -> Vec<u8> {
    std::fs::read(Path::new(env!("BINANCE_MCP_TEST_PLUGIN_DIR")).join("misbehave.wasm")).unwrap()
}

fn engine() -> Engine {
    engine::build(&Limits::default()).unwrap()
}

#[cfg(unix)]
/// A cache in a scratch directory holding a freshly compiled market artifact.
struct Market {
    dir: PathBuf,
    engine: Engine,
    cache: ComponentCache,
    bytes: Vec<u8>,
}

impl Market {
    /// A cache in `dir` (not created yet).
    fn in_dir(dir: PathBuf) -> Market {
        Market {
            cache: ComponentCache::new(Some(dir.clone())),
            dir,
            engine: engine(),
            bytes: market(),
        }
    }

    /// A fresh scratch cache, market compiled into it.
    fn compiled(name: &str) -> Market {
        let m = Market::in_dir(scratch(name));
        assert_eq!(m.load(), CacheOutcome::Compiled);
        m
    }

    /// Load market through the cache.
    fn load(&self) -> CacheOutcome {
        self.cache
            .load(&self.engine, "market", &self.bytes)
            .unwrap()
            .1
    }
}

fn set_mode(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::symlink_metadata(path)
        .unwrap()
        .permissions()
        .mode()
        & 0o777
}

#[test]
fn restart_hits_and_a_changed_plugin_recompiles() {
    let dir = scratch("cache-test");
    let engine = engine();
    let cache = ComponentCache::new(Some(dir.clone()));
    let market = market();
    let other = misbehave();

    let (_, first) = cache.load(&engine, "market", &market).unwrap();
    assert_eq!(first, CacheOutcome::Compiled);
    let stored = artifacts(&dir);
    assert_eq!(stored.len(), 1, "{stored:?}");
    assert_eq!(
        Some(stored[0].clone()),
        cache.artifact_path(&engine, "market", &market)
    );

    let (_, again) = cache.load(&engine, "market", &market).unwrap();
    assert_eq!(again, CacheOutcome::Hit);
    assert_eq!(artifacts(&dir), stored);

    // Same plugin name, different bytes: a miss, and the stale artifact goes.
    let (_, changed) = cache.load(&engine, "market", &other).unwrap();
    assert_eq!(changed, CacheOutcome::Compiled);
    let now = artifacts(&dir);
    assert_eq!(now.len(), 1);
    assert_ne!(now, stored);

    // A corrupt artifact is ignored and rebuilt, never trusted.
    std::fs::write(&now[0], b"not a compiled component").unwrap();
    let (_, rebuilt) = cache.load(&engine, "market", &other).unwrap();
    assert_eq!(rebuilt, CacheOutcome::Compiled);
    let (_, hit) = cache.load(&engine, "market", &other).unwrap();
    assert_eq!(hit, CacheOutcome::Hit, "the corrupt artifact was replaced");

    // So is one whose native code was damaged behind an intact header.
    let mut damaged = std::fs::read(&now[0]).unwrap();
    let last = damaged.len() - 1;
    damaged[last] ^= 0x01;
    std::fs::write(&now[0], &damaged).unwrap();
    let (_, rebuilt) = cache.load(&engine, "market", &other).unwrap();
    assert_eq!(rebuilt, CacheOutcome::Compiled);
    assert_ne!(std::fs::read(&now[0]).unwrap(), damaged);

    #[cfg(unix)]
    {
        assert_eq!(mode(&dir), 0o700, "the cache directory is owner-only");
        assert_eq!(mode(&now[0]), 0o600, "artifacts are owner-only");
    }
    assert!(
        artifacts(&dir)
            .iter()
            .all(|p| !p.to_string_lossy().ends_with(".tmp")),
        "no temporary file is left behind"
    );

    let (_, off) = ComponentCache::new(None)
        .load(&engine, "market", &market)
        .unwrap();
    assert_eq!(off, CacheOutcome::Uncached);
    assert_eq!(
        ComponentCache::new(None).artifact_path(&engine, "market", &market),
        None
    );
}

/// The attack: a hostile plugin's compiled code, copied to the genuine
/// plugin's artifact name. It must not run; market is recompiled from its own
/// bytes and the planted file replaced.
#[test]
fn a_planted_artifact_does_not_run() {
    let dir = scratch("cache-planted");
    let engine = engine();
    let cache = ComponentCache::new(Some(dir.clone()));
    let market = market();
    let hostile = misbehave();

    // A valid artifact of the hostile component, written by the cache itself.
    let (_, outcome) = cache.load(&engine, "hostile", &hostile).unwrap();
    assert_eq!(outcome, CacheOutcome::Compiled);
    let hostile_path = cache.artifact_path(&engine, "hostile", &hostile).unwrap();
    let planted = std::fs::read(&hostile_path).unwrap();
    // (What loading it would run: the artifact ends with exactly this code.)
    let (hostile_code, outcome) = cache.load(&engine, "hostile", &hostile).unwrap();
    assert_eq!(outcome, CacheOutcome::Hit);
    assert!(planted.ends_with(&hostile_code.serialize().unwrap()));

    // Planted under market's exact name, owner and mode and all.
    let market_path = cache.artifact_path(&engine, "market", &market).unwrap();
    std::fs::copy(&hostile_path, &market_path).unwrap();
    #[cfg(unix)]
    assert_eq!(mode(&market_path), 0o600);

    let (component, outcome) = cache.load(&engine, "market", &market).unwrap();
    assert_eq!(outcome, CacheOutcome::Compiled, "rejected and recompiled");
    let code = component.serialize().unwrap();
    assert!(
        !planted.ends_with(&code),
        "the planted native code was loaded"
    );
    // The genuine market: what the cache now holds, compiled from market.
    let replaced = std::fs::read(&market_path).unwrap();
    assert_ne!(replaced, planted, "the planted file was replaced");
    assert!(replaced.ends_with(&code));
    let (again, outcome) = cache.load(&engine, "market", &market).unwrap();
    assert_eq!(outcome, CacheOutcome::Hit);
    assert_eq!(again.serialize().unwrap(), code);
}

/// A world-writable cache directory is neither read nor written.
#[cfg(unix)]
#[test]
fn a_world_writable_cache_directory_is_not_used() {
    let m = Market::compiled("cache-world-writable");
    let (dir, engine, cache) = (&m.dir, &m.engine, &m.cache);
    let before = artifacts(dir);
    let bytes_before: Vec<Vec<u8>> = before.iter().map(|p| std::fs::read(p).unwrap()).collect();

    set_mode(dir, 0o777);
    let outcome = m.load();
    assert_eq!(outcome, CacheOutcome::Untrusted);
    // A plugin not cached yet: nothing is written either.
    let (_, outcome) = cache.load(engine, "misbehave", &misbehave()).unwrap();
    assert_eq!(outcome, CacheOutcome::Untrusted);
    assert_eq!(artifacts(dir), before, "nothing was written into it");
    let bytes_after: Vec<Vec<u8>> = before.iter().map(|p| std::fs::read(p).unwrap()).collect();
    assert_eq!(bytes_after, bytes_before);
    assert_eq!(mode(dir), 0o777, "the host does not repair it by itself");

    // Group-writable is as bad; owner-only is fine again.
    set_mode(dir, 0o770);
    let outcome = m.load();
    assert_eq!(outcome, CacheOutcome::Untrusted);
    set_mode(dir, 0o700);
    let outcome = m.load();
    assert_eq!(outcome, CacheOutcome::Hit);
}

/// In the default `…/binance-mcp/components` layout the parent counts too.
#[cfg(unix)]
#[test]
fn a_world_writable_parent_in_the_default_layout_is_not_trusted() {
    let root = scratch("cache-layout");
    let m = Market::in_dir(root.join("binance-mcp").join("components"));
    let dir = &m.dir;
    let outcome = m.load();
    assert_eq!(outcome, CacheOutcome::Compiled);
    assert_eq!(mode(dir.parent().unwrap()), 0o700, "created owner-only");

    set_mode(dir.parent().unwrap(), 0o777);
    let outcome = m.load();
    assert_eq!(outcome, CacheOutcome::Untrusted);
    set_mode(dir.parent().unwrap(), 0o700);
    let outcome = m.load();
    assert_eq!(outcome, CacheOutcome::Hit);
}

/// A symlink at the artifact's name is not followed, even to a valid
/// artifact; it is replaced by a regular file and its target left alone.
#[cfg(unix)]
#[test]
fn a_symlinked_artifact_is_not_followed() {
    let m = Market::in_dir(scratch("cache-symlink"));
    let (dir, engine, cache, market) = (&m.dir, &m.engine, &m.cache, &m.bytes);
    let elsewhere = scratch("cache-symlink-elsewhere");

    // A valid market artifact in another (private) cache.
    let other = ComponentCache::new(Some(elsewhere.clone()));
    let (_, outcome) = other.load(engine, "market", market).unwrap();
    assert_eq!(outcome, CacheOutcome::Compiled);
    let target = other.artifact_path(engine, "market", market).unwrap();
    let target_bytes = std::fs::read(&target).unwrap();

    std::fs::create_dir_all(dir).unwrap();
    set_mode(dir, 0o700);
    let path = cache.artifact_path(engine, "market", market).unwrap();
    std::os::unix::fs::symlink(&target, &path).unwrap();

    let outcome = m.load();
    assert_eq!(
        outcome,
        CacheOutcome::Compiled,
        "the symlink was not followed"
    );
    let meta = std::fs::symlink_metadata(&path).unwrap();
    assert!(meta.file_type().is_file(), "replaced by a regular file");
    assert_eq!(std::fs::read(&target).unwrap(), target_bytes);
    let outcome = m.load();
    assert_eq!(outcome, CacheOutcome::Hit);
}

/// An artifact that group members could have written is not trusted.
#[cfg(unix)]
#[test]
fn a_group_writable_artifact_is_not_trusted() {
    let m = Market::compiled("cache-group-writable");
    let (engine, cache, market) = (&m.engine, &m.cache, &m.bytes);
    let path = cache.artifact_path(engine, "market", market).unwrap();

    for bad in [0o620, 0o602, 0o666] {
        set_mode(&path, bad);
        let outcome = m.load();
        assert_eq!(outcome, CacheOutcome::Compiled, "mode {bad:o} was trusted");
        assert_eq!(mode(&path), 0o600, "replaced by an owner-only file");
    }
    // Readable by others is not a reason to distrust it.
    set_mode(&path, 0o644);
    let outcome = m.load();
    assert_eq!(outcome, CacheOutcome::Hit);
}

/// An artifact or a directory owned by another user is not trusted. Needs
/// the right to `chown` (root); skipped otherwise.
#[cfg(unix)]
#[test]
fn another_users_files_are_not_trusted() {
    let m = Market::compiled("cache-other-owner");
    let (dir, engine, cache, market) = (&m.dir, &m.engine, &m.cache, &m.bytes);
    let path = cache.artifact_path(engine, "market", market).unwrap();
    const NOBODY: u32 = 65534;
    if let Err(e) = std::os::unix::fs::chown(&path, Some(NOBODY), None) {
        eprintln!("skipped: cannot chown here ({e})");
        return;
    }
    let outcome = m.load();
    assert_eq!(outcome, CacheOutcome::Compiled, "another user's artifact");
    let outcome = m.load();
    assert_eq!(outcome, CacheOutcome::Hit, "replaced by one of our own");

    std::os::unix::fs::chown(dir, Some(NOBODY), None).unwrap();
    let outcome = m.load();
    assert_eq!(outcome, CacheOutcome::Untrusted, "another user's directory");
}
