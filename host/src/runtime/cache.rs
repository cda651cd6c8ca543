//! The compiled-component cache: a plugin is compiled once and the native
//! artifact kept on disk, so a restart loads it in a few milliseconds
//! instead of compiling for tens of milliseconds.
//!
//! The key (in the file name) is the SHA-256 of the component's bytes plus
//! wasmtime's compatibility hash of the engine's configuration: a changed
//! plugin, a new wasmtime or a different configuration each miss and
//! recompile.
//!
//! # What is trusted, and why
//!
//! An artifact is native code that wasmtime runs without verifying it, so
//! loading one is only as safe as the file's provenance. The cache therefore
//! trusts exactly this: *a file that only the current user (or root) can have
//! written, and that says which component it was compiled from*. Concretely:
//!
//! * **The directory.** The cache directory (a symlink to one is judged by
//!   its target) must be a directory owned by the effective user and not
//!   writable by group or others; for the default
//!   `…/binance-mcp/components` layout the host created `binance-mcp` too,
//!   and it is checked the same way. A directory failing this is ignored with
//!   a warning saying why and how to fix it (`chmod 700 DIR`, or remove it so
//!   the host recreates it): nothing is read from it or written into it, and
//!   the plugin is compiled in memory ([`CacheOutcome::Untrusted`]). The
//!   host never loosens or "repairs" permissions itself, since files already
//!   in such a directory may have been planted.
//! * **The artifact.** The file is opened without following a symlink
//!   (`O_NOFOLLOW` on Linux; everywhere, the opened file must also be the
//!   same inode that `lstat` saw), and the *opened handle's* metadata must
//!   show a regular file owned by the effective user and not writable by
//!   group or others. It is then read whole into memory through that handle,
//!   so what is checked is what is loaded.
//! * **The header.** Each artifact starts with a header written by this host:
//!   a magic, the SHA-256 of the component bytes it was compiled from and the
//!   SHA-256 of the native payload. Both are verified against the component
//!   being loaded and the payload read, so an artifact compiled from another
//!   plugin (say a hostile plugin's artifact copied under a genuine plugin's
//!   name), a truncated or a corrupted one is rejected, recompiled and
//!   replaced. The header is not a signature: it binds an artifact to its
//!   source and detects damage; the ownership checks are what keep other
//!   users out.
//! * **What is not defended against:** a process running as this user (or
//!   root). It can forge an artifact with a valid header, but it could as well
//!   edit this binary, the plugins or the user's shell start-up files: whoever
//!   can write as this user can already run code as this user.
//!
//! Writes are atomic and exclusive: a temporary file is created with
//! `create_new` (`O_CREAT|O_EXCL`, which never follows a symlink at the final
//! component) and mode 0600, written, fsynced and renamed into place.
//!
//! The effective user id is read from `/proc/self/status` on Linux (the
//! kernel's own account, unaffected by the `/proc/self` directory becoming
//! root-owned for a non-dumpable process); elsewhere, or without `/proc`, it
//! is the owner of a probe file the host creates exclusively in the temporary
//! directory and removes. If neither works the cache is not used.
//!
//! On non-unix platforms there is no owner or mode to check: those checks are
//! skipped (the symlink and header checks remain), and the cache is as
//! trustworthy as the directory's ACLs.

use sha2::{Digest, Sha256};
use std::fmt;
use std::hash::{Hash, Hasher};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use wasmtime::component::Component;
use wasmtime::Engine;

/// Whether a component came from the cache.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CacheOutcome {
    /// Loaded a precompiled artifact that passed every check.
    Hit,
    /// Compiled, and stored the artifact (a failed write is logged, not an
    /// error). A missing, untrusted, mismatched or corrupt artifact ends here
    /// too: it was ignored and replaced.
    Compiled,
    /// Compiled; caching is off.
    Uncached,
    /// Compiled in memory: the cache directory failed the ownership or
    /// permission checks (see the module docs), so it was neither read nor
    /// written. A warning says why and how to fix it.
    Untrusted,
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

    /// The default directory: `$XDG_CACHE_HOME/binance-mcp/components` or
    /// `$HOME/.cache/binance-mcp/components`.
    pub fn default_dir() -> Option<PathBuf> {
        let base = std::env::var_os("XDG_CACHE_HOME")
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
            .or_else(|| {
                std::env::var_os("HOME")
                    .filter(|v| !v.is_empty())
                    .map(|h| Path::new(&h).join(".cache"))
            })?;
        Some(base.join(DEFAULT_PARENT).join(DEFAULT_LEAF))
    }

    /// Where the artifact for `bytes` (the component called `stem`) is kept,
    /// whether or not it exists; `None` when caching is off.
    pub fn artifact_path(&self, engine: &Engine, stem: &str, bytes: &[u8]) -> Option<PathBuf> {
        let dir = self.dir.as_ref()?;
        Some(dir.join(artifact_name(engine, stem, &Sha256::digest(bytes).into())))
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
        let source: [u8; 32] = Sha256::digest(bytes).into();
        let path = dir.join(artifact_name(engine, stem, &source));
        match check_dir(dir) {
            DirState::Missing => {}
            DirState::Untrusted(d) => {
                warn_untrusted_dir(&d);
                return Ok((Component::new(engine, bytes)?, CacheOutcome::Untrusted));
            }
            DirState::Trusted => match read_artifact(&path, &source) {
                Ok(None) => {}
                Ok(Some(payload)) => {
                    // SAFETY: wasmtime runs this native code unverified (it
                    // checks only the version and configuration). It is
                    // trusted because (1) the directory, and the file as seen
                    // through the handle it was read from (a regular file,
                    // not a symlink), are owned by this user and not
                    // group/other-writable: only this user or root can have
                    // written it, and whoever can write as this user can
                    // already run code as this user; (2) the header names the
                    // SHA-256 of the very component bytes being loaded, so it
                    // is this plugin's code, not another plugin's copied
                    // under its name; (3) the payload matches the header's
                    // SHA-256, so it is intact, not truncated or corrupted;
                    // and it is these bytes, in memory, that are
                    // deserialized, not the path re-read.
                    match unsafe { Component::deserialize(engine, &payload) } {
                        Ok(c) => return Ok((c, CacheOutcome::Hit)),
                        Err(e) => {
                            tracing::warn!(path = %path.display(), error = %e, "ignoring unusable cached component; recompiling")
                        }
                    }
                }
                Err(why) => {
                    tracing::warn!(path = %path.display(), reason = %why, "ignoring untrusted cached component; recompiling and replacing it")
                }
            },
        }
        let compiled = engine.precompile_component(bytes)?;
        if let Err(e) = store(dir, stem, &path, &source, &compiled) {
            tracing::warn!(dir = %dir.display(), error = %e, "could not write the component cache; continuing uncached");
        }
        // SAFETY: `compiled` was produced just now, in memory, by this engine.
        let component = unsafe { Component::deserialize(engine, &compiled)? };
        Ok((component, CacheOutcome::Compiled))
    }
}

/// The default layout is `<cache home>/binance-mcp/components`; the host
/// creates both, so both are checked.
const DEFAULT_PARENT: &str = "binance-mcp";
const DEFAULT_LEAF: &str = "components";

/// `-` + 32 hex + `-` + 16 hex + `.cwasm`: what [`key`] appends to a stem.
const KEYED_SUFFIX_LEN: usize = 1 + 32 + 1 + 16 + 6;

/// Starts every artifact this host writes (the `1` is the header's version).
const MAGIC: &[u8; 16] = b"binance-mcp.cw.1";
/// Magic, SHA-256 of the component bytes, SHA-256 of the payload.
const HEADER_LEN: usize = MAGIC.len() + 32 + 32;

fn artifact_name(engine: &Engine, stem: &str, source: &[u8; 32]) -> String {
    format!("{stem}-{}.cwasm", key(engine, source))
}

fn key(engine: &Engine, source: &[u8; 32]) -> String {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    engine.precompile_compatibility_hash().hash(&mut h);
    let hex: String = source[..16].iter().map(|b| format!("{b:02x}")).collect();
    format!("{hex}-{:016x}", h.finish())
}

/// The header for `payload`, compiled from the component whose SHA-256 is
/// `source`.
fn header(source: &[u8; 32], payload: &[u8]) -> [u8; HEADER_LEN] {
    let mut h = [0u8; HEADER_LEN];
    h[..16].copy_from_slice(MAGIC);
    h[16..48].copy_from_slice(source);
    h[48..].copy_from_slice(&Sha256::digest(payload));
    h
}

/// The payload of `file` if its header is ours, names `source` and matches
/// the payload.
fn verify<'a>(file: &'a [u8], source: &[u8; 32]) -> Result<&'a [u8], &'static str> {
    if file.len() < HEADER_LEN || &file[..16] != MAGIC {
        return Err("no binance-mcp artifact header (written by another program, or corrupt)");
    }
    let (head, payload) = file.split_at(HEADER_LEN);
    if head[16..48] != source[..] {
        return Err("compiled from a different component than the one being loaded");
    }
    if head[48..] != Sha256::digest(payload)[..] {
        return Err("the native code does not match its checksum (truncated or corrupt)");
    }
    Ok(payload)
}

/// Why the cache directory is not used, and what to do about it.
#[derive(Debug)]
struct Distrust {
    /// The offending directory: the cache or its parent.
    path: PathBuf,
    why: String,
    fix: String,
}

fn warn_untrusted_dir(d: &Distrust) {
    tracing::warn!(
        dir = %d.path.display(),
        reason = %d.why,
        fix = %d.fix,
        "not using the compiled-component cache (compiling in memory)"
    );
}

enum DirState {
    /// Nothing there yet: nothing to load; `store` creates it owner-only.
    Missing,
    Trusted,
    Untrusted(Distrust),
}

/// Check the cache directory (and, in the default layout, its parent).
fn check_dir(dir: &Path) -> DirState {
    let meta = match std::fs::metadata(dir) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return DirState::Missing,
        Err(e) => {
            return DirState::Untrusted(Distrust {
                path: dir.to_path_buf(),
                why: format!("cannot inspect it: {e}"),
                fix: format!("make {} a directory only you can write to", dir.display()),
            })
        }
    };
    if let Err(d) = check_dir_meta(dir, &meta) {
        return DirState::Untrusted(d);
    }
    if let Some(parent) = default_layout_parent(dir) {
        match std::fs::metadata(parent) {
            Ok(m) => {
                if let Err(d) = check_dir_meta(parent, &m) {
                    return DirState::Untrusted(d);
                }
            }
            Err(e) => {
                return DirState::Untrusted(Distrust {
                    path: parent.to_path_buf(),
                    why: format!("cannot inspect it: {e}"),
                    fix: format!(
                        "make {} a directory only you can write to",
                        parent.display()
                    ),
                })
            }
        }
    }
    DirState::Trusted
}

/// `dir`'s parent when `dir` is `…/binance-mcp/components`.
fn default_layout_parent(dir: &Path) -> Option<&Path> {
    let parent = dir.parent()?;
    (dir.file_name()? == DEFAULT_LEAF && parent.file_name()? == DEFAULT_PARENT).then_some(parent)
}

fn check_dir_meta(dir: &Path, meta: &std::fs::Metadata) -> Result<(), Distrust> {
    let shown = dir.display();
    if !meta.is_dir() {
        return Err(Distrust {
            path: dir.to_path_buf(),
            why: "it is not a directory".into(),
            fix: format!("remove {shown} (the host recreates it) or pick another --cache-dir"),
        });
    }
    check_owner_and_mode(meta).map_err(|why| {
        let fix = match why {
            Problem::Writable(_) => format!("chmod 700 {shown}"),
            Problem::Owner { .. } | Problem::UnknownUser => format!(
                "remove {shown} (the host recreates it, owned by you) or pick another --cache-dir"
            ),
        };
        Distrust {
            path: dir.to_path_buf(),
            why: why.to_string(),
            fix,
        }
    })
}

/// What makes a file or directory untrustworthy.
#[derive(Debug)]
#[cfg_attr(not(unix), allow(dead_code))]
enum Problem {
    Owner { owner: u32, user: u32 },
    Writable(u32),
    UnknownUser,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::Owner { owner, user } => {
                write!(
                    f,
                    "owned by uid {owner}, not by the current user (uid {user})"
                )
            }
            Problem::Writable(mode) => {
                write!(f, "writable by group or others (mode {mode:o})")
            }
            Problem::UnknownUser => f.write_str("the current user id could not be determined"),
        }
    }
}

/// Owned by the effective user and not writable by group or others.
#[cfg(unix)]
fn check_owner_and_mode(meta: &std::fs::Metadata) -> Result<(), Problem> {
    use std::os::unix::fs::MetadataExt;
    let user = current_euid().ok_or(Problem::UnknownUser)?;
    if meta.uid() != user {
        return Err(Problem::Owner {
            owner: meta.uid(),
            user,
        });
    }
    let mode = meta.mode() & 0o7777;
    if mode & 0o022 != 0 {
        return Err(Problem::Writable(mode));
    }
    Ok(())
}

/// No owner or mode bits to check here (see the module docs).
#[cfg(not(unix))]
fn check_owner_and_mode(_meta: &std::fs::Metadata) -> Result<(), Problem> {
    Ok(())
}

/// The effective user id, found once (see the module docs).
#[cfg(unix)]
fn current_euid() -> Option<u32> {
    static EUID: std::sync::OnceLock<Option<u32>> = std::sync::OnceLock::new();
    *EUID.get_or_init(|| euid_from_proc().or_else(euid_from_probe))
}

/// The second `Uid:` field of `/proc/self/status` (real, effective, saved,
/// filesystem).
#[cfg(any(target_os = "linux", target_os = "android"))]
fn euid_from_proc() -> Option<u32> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let uids = status.lines().find_map(|l| l.strip_prefix("Uid:"))?;
    uids.split_whitespace().nth(1)?.parse().ok()
}

#[cfg(all(unix, not(any(target_os = "linux", target_os = "android"))))]
fn euid_from_proc() -> Option<u32> {
    None
}

/// The owner of a file created just now: the user this process creates
/// files as.
#[cfg(unix)]
fn euid_from_probe() -> Option<u32> {
    use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let path = std::env::temp_dir().join(format!(
        ".binance-mcp-uid-probe.{}.{nanos}",
        std::process::id()
    ));
    let file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(&path)
        .ok()?;
    let uid = file.metadata().ok().map(|m| m.uid());
    let _ = std::fs::remove_file(&path);
    uid
}

/// `O_NOFOLLOW` for Linux (std does not export it): 0o100000 on arm and
/// powerpc, 0o400000 on x86 and the asm-generic architectures. Elsewhere
/// (0: no flag) the same-inode check in [`open_no_follow`] does the job.
#[cfg(unix)]
const O_NOFOLLOW: i32 = if !cfg!(target_os = "linux") {
    0
} else if cfg!(any(
    target_arch = "arm",
    target_arch = "powerpc",
    target_arch = "powerpc64"
)) {
    0o100000
} else if cfg!(any(
    target_arch = "x86",
    target_arch = "x86_64",
    target_arch = "aarch64",
    target_arch = "riscv32",
    target_arch = "riscv64",
    target_arch = "loongarch64",
    target_arch = "s390x"
)) {
    0o400000
} else {
    0
};

/// Open `path` for reading, refusing a symlink at the final component: it
/// must be a regular file by `lstat`, it is opened with `O_NOFOLLOW` where
/// known, and the opened file must be the inode `lstat` saw (so a swap
/// between the two is caught). `Ok(None)`: there is no such file.
fn open_no_follow(path: &Path) -> Result<Option<(std::fs::File, std::fs::Metadata)>, String> {
    let link_meta = match std::fs::symlink_metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(format!("cannot inspect it: {e}")),
    };
    if link_meta.file_type().is_symlink() {
        return Err("it is a symlink".into());
    }
    if !link_meta.is_file() {
        return Err("it is not a regular file".into());
    }
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(O_NOFOLLOW);
    }
    let file = options
        .open(path)
        .map_err(|e| format!("cannot open it without following symlinks: {e}"))?;
    let meta = file
        .metadata()
        .map_err(|e| format!("cannot inspect the opened file: {e}"))?;
    if !meta.is_file() {
        return Err("the opened file is not a regular file".into());
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if (meta.dev(), meta.ino()) != (link_meta.dev(), link_meta.ino()) {
            return Err("it was replaced while being opened".into());
        }
    }
    Ok(Some((file, meta)))
}

/// The verified payload of the artifact at `path`, compiled from the
/// component whose SHA-256 is `source`; `Ok(None)` when there is none; `Err`
/// (why) when there is one that must not be trusted.
fn read_artifact(path: &Path, source: &[u8; 32]) -> Result<Option<Vec<u8>>, String> {
    let Some((mut file, meta)) = open_no_follow(path)? else {
        return Ok(None);
    };
    // Checked on the opened handle, not the path.
    check_owner_and_mode(&meta).map_err(|p| p.to_string())?;
    let mut data = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    file.read_to_end(&mut data)
        .map_err(|e| format!("cannot read it: {e}"))?;
    let payload = verify(&data, source)?;
    let start = data.len() - payload.len();
    data.drain(..start);
    Ok(Some(data))
}

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

/// Write atomically (exclusive owner-only temp file, fsync, rename) and
/// remove older artifacts of the same plugin. Writes nothing into a
/// directory that fails [`check_dir`].
fn store(
    dir: &Path,
    stem: &str,
    path: &Path,
    source: &[u8; 32],
    compiled: &[u8],
) -> std::io::Result<()> {
    create_private_dir(dir)?;
    // Checked again now that it exists: it may have been there already (or
    // been created by someone else in between).
    match check_dir(dir) {
        DirState::Trusted => {}
        DirState::Missing => {
            return Err(std::io::Error::new(
                std::io::ErrorKind::NotFound,
                "the cache directory vanished",
            ))
        }
        DirState::Untrusted(d) => {
            return Err(std::io::Error::new(
                std::io::ErrorKind::PermissionDenied,
                format!("{}: {} (to fix: {})", d.path.display(), d.why, d.fix),
            ))
        }
    }
    // Unique per process and per call: several loaders may race on one cache.
    static SEQ: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let seq = SEQ.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let tmp = dir.join(format!(".{stem}.{}.{seq}.tmp", std::process::id()));
    let written = write_new(&tmp, &header(source, compiled), compiled)
        .and_then(|()| std::fs::rename(&tmp, path));
    if let Err(e) = written {
        let _ = std::fs::remove_file(&tmp);
        return Err(e);
    }
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

/// Create `path` exclusively (`O_CREAT|O_EXCL`: an existing file or symlink
/// there is an error, never followed), mode 0600, and write and fsync it.
fn write_new(path: &Path, head: &[u8], body: &[u8]) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600).custom_flags(O_NOFOLLOW);
    }
    let mut file = options.open(path)?;
    file.write_all(head)?;
    file.write_all(body)?;
    file.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "binance-mcp-cache-unit-{}-{name}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        dir
    }

    #[test]
    fn header_binds_the_source_and_the_payload() {
        let source: [u8; 32] = Sha256::digest(b"component").into();
        let payload = b"native code".to_vec();
        let mut file = header(&source, &payload).to_vec();
        file.extend_from_slice(&payload);
        assert_eq!(verify(&file, &source), Ok(&payload[..]));

        let other: [u8; 32] = Sha256::digest(b"another component").into();
        assert!(verify(&file, &other)
            .unwrap_err()
            .contains("different component"));

        let mut corrupt = file.clone();
        *corrupt.last_mut().unwrap() ^= 1;
        assert!(verify(&corrupt, &source).unwrap_err().contains("checksum"));
        assert!(verify(&file[..file.len() - 1], &source).is_err());

        assert!(verify(b"not an artifact", &source).is_err());
        assert!(verify(&payload, &source).is_err());
    }

    #[test]
    fn the_default_layout_checks_the_parent_too() {
        let p = Path::new("/x/.cache/binance-mcp/components");
        assert_eq!(
            default_layout_parent(p),
            Some(Path::new("/x/.cache/binance-mcp"))
        );
        assert_eq!(default_layout_parent(Path::new("/x/mine")), None);
        assert_eq!(default_layout_parent(Path::new("/x/y/components")), None);
    }

    #[cfg(unix)]
    #[test]
    fn the_user_id_is_the_owner_of_what_we_create() {
        use std::os::unix::fs::MetadataExt;
        let dir = scratch("uid");
        create_private_dir(&dir).unwrap();
        let owner = std::fs::metadata(&dir).unwrap().uid();
        assert_eq!(current_euid(), Some(owner));
        assert_eq!(euid_from_probe(), Some(owner));
        #[cfg(target_os = "linux")]
        assert_eq!(euid_from_proc(), Some(owner));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn directories_must_be_private() {
        use std::os::unix::fs::PermissionsExt;
        let root = scratch("dirs");
        let dir = root.join(DEFAULT_PARENT).join(DEFAULT_LEAF);
        assert!(matches!(check_dir(&dir), DirState::Missing));
        create_private_dir(&dir).unwrap();
        assert!(matches!(check_dir(&dir), DirState::Trusted));

        let set = |p: &Path, mode| {
            std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode)).unwrap()
        };
        for (mode, trusted) in [
            (0o777, false),
            (0o770, false),
            (0o702, false),
            (0o755, true),
        ] {
            set(&dir, mode);
            match check_dir(&dir) {
                DirState::Trusted => assert!(trusted, "{mode:o}"),
                DirState::Untrusted(d) => {
                    assert!(!trusted, "{mode:o}");
                    assert_eq!(d.path, dir);
                    assert!(d.fix.contains("chmod 700"), "{}", d.fix);
                }
                DirState::Missing => panic!("missing"),
            }
        }
        set(&dir, 0o700);

        // The host-created parent of the default layout counts too.
        let parent = dir.parent().unwrap();
        set(parent, 0o777);
        let DirState::Untrusted(d) = check_dir(&dir) else {
            panic!("a world-writable parent must not be trusted")
        };
        assert_eq!(d.path, parent);
        set(parent, 0o700);

        // A file is not a cache directory.
        let file = root.join("file");
        std::fs::write(&file, b"").unwrap();
        assert!(matches!(check_dir(&file), DirState::Untrusted(_)));
        std::fs::remove_dir_all(&root).unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn artifacts_are_read_only_through_a_checked_handle() {
        use std::os::unix::fs::PermissionsExt;
        let dir = scratch("files");
        create_private_dir(&dir).unwrap();
        let source: [u8; 32] = Sha256::digest(b"component").into();
        let path = dir.join("a.cwasm");
        assert_eq!(read_artifact(&path, &source), Ok(None));

        write_new(&path, &header(&source, b"code"), b"code").unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        assert_eq!(read_artifact(&path, &source), Ok(Some(b"code".to_vec())));
        // Exclusive: an existing file (or symlink) is never reused.
        assert!(write_new(&path, b"", b"").is_err());
        let link = dir.join("link.cwasm");
        std::os::unix::fs::symlink(&path, &link).unwrap();
        assert!(write_new(&link, b"", b"").is_err());
        assert!(read_artifact(&link, &source)
            .unwrap_err()
            .contains("symlink"));
        // And O_NOFOLLOW itself refuses it.
        #[cfg(target_os = "linux")]
        {
            use std::os::unix::fs::OpenOptionsExt;
            assert_ne!(O_NOFOLLOW, 0);
            // (ELOOP; its number varies by architecture.)
            assert!(std::fs::OpenOptions::new()
                .read(true)
                .custom_flags(O_NOFOLLOW)
                .open(&link)
                .is_err());
        }

        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o620)).unwrap();
        assert!(read_artifact(&path, &source)
            .unwrap_err()
            .contains("writable"));
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        assert!(read_artifact(&path, &source).unwrap().is_some());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
