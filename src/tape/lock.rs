//! One process per drive: an advisory `flock` on a lock file per device. The kernel drops
//! the lock when its holder dies, so a crashed backup never blocks the next one. The holder
//! writes its pid and command into the file so the next process can say who has the drive.

use std::fs::{self, File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

use nix::fcntl::{Flock, FlockArg};

use super::DeviceSpec;

#[derive(Debug, thiserror::Error)]
pub enum LockError {
    #[error("drive busy: held by pid {pid} ({command})")]
    Busy { pid: String, command: String },
    #[error("cannot lock {path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
}

/// Held for as long as a command uses the drive; released on drop (or death).
pub struct DriveLock {
    _lock: Flock<File>,
    path: PathBuf,
}

impl DriveLock {
    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// Where the lock file of a device lives: inside a virtual drive's own directory (so two
/// homes using one virtual drive still exclude each other), else under the runtime lock
/// directory, named after the device string.
pub fn lock_path(spec: &DeviceSpec) -> PathBuf {
    if let DeviceSpec::Virtual(dir) = spec {
        return dir.join("lock");
    }
    runtime_lock_path(&spec.to_string())
}

/// `/run/lock/tapebackarr/<name>.lock` for root, else under the user's runtime directory;
/// `name` (a device string) is reduced to letters, digits, '.' and '_'.
pub fn runtime_lock_path(name: &str) -> PathBuf {
    let base = if nix::unistd::geteuid().is_root() {
        PathBuf::from("/run/lock/tapebackarr")
    } else {
        std::env::var_os("XDG_RUNTIME_DIR")
            .map(|d| PathBuf::from(d).join("tapebackarr"))
            .unwrap_or_else(|| std::env::temp_dir().join(format!("tapebackarr-{}", nix::unistd::geteuid())))
    };
    let name: String = name.chars().map(|c| if c.is_ascii_alphanumeric() || c == '.' { c } else { '_' }).collect();
    base.join(format!("{name}.lock"))
}

/// Takes the drive's lock: at once (`wait` false: a held lock is [`LockError::Busy`]) or
/// waiting for the holder to finish. `command` describes this process to the next one.
pub fn lock_drive(spec: &DeviceSpec, command: &str, wait: bool) -> Result<DriveLock, LockError> {
    lock_file(lock_path(spec), command, wait)
}

/// Takes an exclusive lock on the file at `path` (created if missing) and records this
/// process in it; drives and changers use it alike.
pub fn lock_file(path: PathBuf, command: &str, wait: bool) -> Result<DriveLock, LockError> {
    let io = |source| LockError::Io { path: path.clone(), source };
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).map_err(io)?;
    }
    let file =
        OpenOptions::new().read(true).write(true).create(true).truncate(false).mode(0o644).open(&path).map_err(io)?;
    let arg = if wait { FlockArg::LockExclusive } else { FlockArg::LockExclusiveNonblock };
    let mut lock = match Flock::lock(file, arg) {
        Ok(lock) => lock,
        Err((mut file, nix::errno::Errno::EWOULDBLOCK)) => {
            let mut holder = String::new();
            let _ = file.read_to_string(&mut holder);
            let (pid, command) = holder.trim().split_once(' ').unwrap_or(("?", "unknown command"));
            return Err(LockError::Busy { pid: pid.to_string(), command: command.to_string() });
        }
        Err((_, errno)) => return Err(io(errno.into())),
    };
    lock.set_len(0).map_err(io)?;
    lock.seek(SeekFrom::Start(0)).map_err(io)?;
    write!(lock, "{} {}", std::process::id(), command).map_err(io)?;
    lock.flush().map_err(io)?;
    Ok(DriveLock { _lock: lock, path })
}
