//! The compiled-component cache: a restart loads instead of compiling, and
//! a changed plugin misses and replaces its old artifact.

use binance_mcp::runtime::cache::{CacheOutcome, ComponentCache};
use binance_mcp::runtime::engine::{self, Limits};
use std::path::{Path, PathBuf};

fn artifacts(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    v.sort();
    v
}

#[test]
fn restart_hits_and_a_changed_plugin_recompiles() {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("cache-test");
    let _ = std::fs::remove_dir_all(&dir);
    let engine = engine::build(&Limits::default()).unwrap();
    let cache = ComponentCache::new(Some(dir.clone()));
    let market =
        std::fs::read(Path::new(env!("BINANCE_MCP_BUILTIN_PLUGIN_DIR")).join("market.wasm"))
            .unwrap();
    let other =
        std::fs::read(Path::new(env!("BINANCE_MCP_TEST_PLUGIN_DIR")).join("misbehave.wasm"))
            .unwrap();

    let (_, first) = cache.load(&engine, "market", &market).unwrap();
    assert_eq!(first, CacheOutcome::Compiled);
    let stored = artifacts(&dir);
    assert_eq!(stored.len(), 1, "{stored:?}");

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

    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&dir).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o700, "the cache directory is owner-only");
    }

    let (_, off) = ComponentCache::new(None)
        .load(&engine, "market", &market)
        .unwrap();
    assert_eq!(off, CacheOutcome::Uncached);
}
