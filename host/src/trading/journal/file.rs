//! The journal on disk: opening and verifying it, appending with `O_APPEND`
//! and `fsync`, the advisory lock between writers, setting a broken file
//! aside.

use super::*;

pub(super) fn split(path: &Path) -> (&Path, String) {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    (
        dir,
        path.file_name()
            .map_or_else(|| "journal".into(), |n| n.to_string_lossy().into_owned()),
    )
}

/// Open (or verify afresh) the file at `path`.
pub(super) fn load(path: &Path, now: i64) -> Result<(State, Verification), JournalError> {
    let (dir, _) = split(path);
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir).map_err(io_at(dir))?;
    let existed = path.exists();
    let file = open_append(path, false).map_err(io_at(path))?;
    if !existed {
        sync_dir(dir);
    }
    #[cfg(unix)]
    if let Ok(m) = file.metadata() {
        if std::os::unix::fs::PermissionsExt::mode(&m.permissions()) & 0o077 != 0 {
            tracing::warn!(path = %path.display(), "journal readable by other users: chmod 600");
        }
    }
    let scan = {
        let _lock = lock_file(&file, path)?;
        scan_file(&file, path, &START, now - RETENTION_MS)?
    };
    let v = Verification {
        entries: scan.chain.seq,
        head: prev_of(&scan.chain),
        broken: scan.broken.clone(),
    };
    Ok((State { file, scan }, v))
}

pub(super) fn io_at(path: &Path) -> impl Fn(io::Error) -> JournalError + Copy + '_ {
    move |source| JournalError::Io {
        path: path.to_path_buf(),
        source,
    }
}

pub(super) fn open_append(path: &Path, create_new: bool) -> io::Result<File> {
    let mut o = OpenOptions::new();
    o.read(true).append(true);
    if create_new {
        o.create_new(true);
    } else {
        o.create(true);
    }
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut o, 0o600);
    o.open(path)
}

/// Make a new directory entry durable (best effort: not every platform can).
pub(super) fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    let _ = File::open(dir).and_then(|d| d.sync_all());
    #[cfg(not(unix))]
    let _ = dir;
}

#[cfg(unix)]
pub(super) fn same_file(a: &fs::Metadata, b: &fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    a.dev() == b.dev() && a.ino() == b.ino()
}

#[cfg(not(unix))]
pub(super) fn same_file(_: &fs::Metadata, _: &fs::Metadata) -> bool {
    true
}

/// An exclusive advisory lock on the journal, released on drop. `None`
/// inside when the file system does not support locking.
pub(super) struct FileLock(Option<File>);

impl Drop for FileLock {
    fn drop(&mut self) {
        if let Some(f) = &self.0 {
            let _ = f.unlock();
        }
    }
}

pub(super) fn lock_file(file: &File, path: &Path) -> Result<FileLock, JournalError> {
    let io_err = io_at(path);
    let dup = file.try_clone().map_err(io_err)?; // same open file description
    let deadline = Instant::now() + LOCK_WAIT;
    loop {
        match dup.try_lock() {
            Ok(()) => return Ok(FileLock(Some(dup))),
            Err(TryLockError::WouldBlock) if Instant::now() < deadline => {
                std::thread::sleep(Duration::from_millis(2))
            }
            Err(TryLockError::WouldBlock) => return Err(JournalError::Busy),
            Err(TryLockError::Error(e)) if e.kind() == io::ErrorKind::Unsupported => {
                static WARNED: std::sync::Once = std::sync::Once::new();
                let path = path.display();
                WARNED.call_once(|| tracing::warn!(%path, "journal: no file locking here"));
                return Ok(FileLock(None));
            }
            Err(TryLockError::Error(e)) => return Err(io_err(e)),
        }
    }
}

pub(super) fn set_aside(path: &Path, file: &File, aside: &Path) -> Result<(), JournalError> {
    if fs::hard_link(path, aside).is_ok() {
        return Ok(());
    }
    let io_err = io_at(aside);
    let mut copy = open_append(aside, true).map_err(io_err)?;
    let mut f: &File = file;
    f.seek(SeekFrom::Start(0))
        .and_then(|_| io::copy(&mut f, &mut copy))
        .and_then(|_| copy.sync_data())
        .map_err(io_err)?;
    Ok(())
}

pub(super) fn sha_file(path: &Path) -> Result<String, JournalError> {
    let io_err = io_at(path);
    let mut f = File::open(path).map_err(io_err)?;
    let (mut h, mut buf) = (Sha256::new(), vec![0; 64 * 1024]);
    loop {
        match f.read(&mut buf).map_err(io_err)? {
            0 => return Ok(hex(&h.finalize())),
            n => h.update(&buf[..n]),
        }
    }
}
