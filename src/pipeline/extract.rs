//! Extraction: restoring archive entries into a destination directory, safely.
//!
//! It exists because the archive a restore reads may be hostile (hand-crafted, or damaged
//! into something else) and a restore often runs as root: whatever the entries say, nothing
//! may be created, changed or followed outside the destination. So:
//!
//! - Every path is checked before use ([`ExtractError::UnsafePath`]): no empty or absolute
//!   path, no `..` component, no NUL byte; `.` and empty components are ignored.
//! - Nothing is reached by a path string. The destination is opened once; every directory
//!   below it is opened from its parent's descriptor one component at a time with
//!   `O_NOFOLLOW`, so a symlink in the way (planted by an earlier entry, or already there) is
//!   an error, never followed, and paths longer than `PATH_MAX` work. Missing parents are
//!   created (mode 0755 until their own entry comes).
//! - Everything is created under a temporary name (`.tb-restore-XXXXXX`, created
//!   exclusively) in its final directory, given its metadata through its descriptor, then
//!   renamed onto its final name. An interrupted restore never leaves half a file under the
//!   real name, and a symlink already at the final name is replaced, not written through.
//!   Whatever fails, the temporary name is removed.
//! - A symlink's target is stored as it is: it may point anywhere, as it did in the source;
//!   it is only never followed here. A hard link's target must be a regular file reached
//!   inside the destination the same way.
//! - Directories are created writable by their owner and get their own mode, owner and
//!   times in [`Extractor::finish`], deepest first, so a read-only directory can still be
//!   filled and restoring files does not disturb the times of the directory holding them.
//!
//! File content is written sparsely: a 64 KiB run of zeros (aligned in the file) is left as
//! a hole, since backups store sparse files with their holes as zeros. Modes are restored
//! exactly, as `tar -p` does, not filtered through the umask; owners only with
//! [`ExtractOptions::owners`], and without them a file loses its set-uid and set-gid bits.
//!
//! One entry's failure does not affect the next: the caller reports it and goes on. This
//! module knows nothing of catalogs, tapes or the CLI: it takes [`EntryHeader`]s and content.

use std::ffi::OsStr;
use std::fs::File;
use std::io::{self, Read};
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::FileExt;
use std::path::Path;

use nix::errno::Errno;
use nix::fcntl::{AtFlags, OFlag, RenameFlags};
use nix::sys::stat::{FchmodatFlags, FileStat, Mode, SFlag, UtimensatFlags};
use nix::sys::time::TimeSpec;
use nix::unistd::{Gid, Uid, UnlinkatFlags};

use super::untar::{EntryHeader, EntryKind};

/// How much content is read (and written) at a time; a multiple of [`HOLE`], so runs of
/// zeros are found at the same file offsets whatever the reader hands out.
const CHUNK: usize = 1 << 20;
/// The smallest run of zeros left as a hole.
const HOLE: usize = 64 << 10;
static ZEROS: [u8; HOLE] = [0; HOLE];
const TEMP_PREFIX: &[u8] = b".tb-restore-";
/// Mode of a parent directory created before (or without) its own entry.
const PARENT_MODE: u32 = 0o755;

/// What to do when an entry's name already exists in the destination.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Overwrite {
    /// Fail the entry with [`ExtractError::Exists`].
    #[default]
    Never,
    /// Leave what is there; the entry is [`Outcome::Skipped`].
    Skip,
    /// Replace it (atomically, by rename); a directory is never replaced by a non-directory.
    Replace,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExtractOptions {
    pub overwrite: Overwrite,
    /// Give entries their archived owner (uid/gid): needs root. Default: when running as
    /// root.
    pub owners: bool,
    /// Read every file back from the destination (under its temporary name, before it
    /// takes its real one) and compare it with what was written.
    pub read_back: bool,
    /// A file whose content fails its check is kept as `NAME.damaged` (never over an
    /// existing name) instead of being removed.
    pub keep_damaged: bool,
}

impl Default for ExtractOptions {
    fn default() -> ExtractOptions {
        ExtractOptions {
            overwrite: Overwrite::Never,
            owners: nix::unistd::geteuid().is_root(),
            read_back: false,
            keep_damaged: false,
        }
    }
}

/// The suffix of a damaged file kept by [`ExtractOptions::keep_damaged`].
pub const DAMAGED_SUFFIX: &[u8] = b".damaged";

/// What [`Extractor::file`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileOutcome {
    /// The file was written: `size` bytes, whose BLAKE3 is `blake3`.
    Written { size: u64, blake3: blake3::Hash },
    /// It existed and [`Overwrite::Skip`] left it; its content was not read.
    Skipped,
    /// Its first `written` bytes are under a temporary name; the rest comes later
    /// ([`Extractor::file_in_pieces`]).
    Partial(Partial),
}

/// A file written in part, under its temporary name in its final directory.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Partial {
    /// The entry's path (as in the archive).
    #[serde(with = "crate::format::index::path_json")]
    pub path: Vec<u8>,
    /// The temporary name in the entry's directory.
    #[serde(with = "crate::format::index::path_json")]
    pub temp: Vec<u8>,
    /// Content bytes written so far.
    pub written: u64,
}

/// What the other operations did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Restored,
    Skipped,
}

#[derive(Debug, thiserror::Error)]
pub enum ExtractError {
    /// The entry's path (or link target) could lead outside the destination.
    #[error("{}: refused, unsafe path: {reason}", human(.path))]
    UnsafePath { path: Vec<u8>, reason: String },
    /// The name exists and [`Overwrite::Never`] is in force.
    #[error("{}: already exists", human(.0))]
    Exists(Vec<u8>),
    /// Not restored for a reason other than safety: a hard link without its target, a device
    /// when not root, a directory in the way, an entry of the wrong kind.
    #[error("{}: not restored: {reason}", human(.path))]
    Refused { path: Vec<u8>, reason: String },
    /// The destination's file system failed.
    #[error("{}: {source}", human(.path))]
    Io {
        path: Vec<u8>,
        #[source]
        source: io::Error,
    },
    /// The content was read whole but is not what it must be (its checksum differs from the
    /// expected one, or the destination gave back other bytes): it never took the entry's
    /// name; it was removed, or kept under `kept` with [`ExtractOptions::keep_damaged`].
    #[error("{}: {reason}{}", human(.path), kept_note(.kept))]
    Damaged { path: Vec<u8>, reason: String, kept: Option<Vec<u8>> },
    /// The content reader failed or ended early: the archive stream, not the destination,
    /// is at fault (and a [`super::untar::TarReader`] cannot go on after that).
    #[error("{}: reading its content from the archive: {source}", human(.path))]
    Content {
        path: Vec<u8>,
        #[source]
        source: io::Error,
    },
}

impl ExtractError {
    /// The entry's path, as in the archive.
    pub fn path(&self) -> &[u8] {
        match self {
            ExtractError::UnsafePath { path, .. }
            | ExtractError::Exists(path)
            | ExtractError::Refused { path, .. }
            | ExtractError::Io { path, .. }
            | ExtractError::Damaged { path, .. }
            | ExtractError::Content { path, .. } => path,
        }
    }
}

fn human(path: &[u8]) -> String {
    crate::pathjson::to_human(Path::new(OsStr::from_bytes(path)))
}

fn kept_note(kept: &Option<Vec<u8>>) -> String {
    match kept {
        Some(k) => format!(" (the damaged copy is kept as '{}')", human(k)),
        None => " (not restored; anything already there is untouched)".into(),
    }
}

fn unsafe_path(path: &[u8], reason: impl Into<String>) -> ExtractError {
    ExtractError::UnsafePath { path: path.to_vec(), reason: reason.into() }
}

fn refused(path: &[u8], reason: impl Into<String>) -> ExtractError {
    ExtractError::Refused { path: path.to_vec(), reason: reason.into() }
}

fn io_error(path: &[u8], source: impl Into<io::Error>) -> ExtractError {
    ExtractError::Io { path: path.to_vec(), source: source.into() }
}

/// An error of a step, saying which step failed.
fn step_error(path: &[u8], step: &str, e: Errno) -> ExtractError {
    let e = io::Error::from(e);
    io_error(path, io::Error::new(e.kind(), format!("{step}: {e}")))
}

/// Why a directory on the way could not be opened.
enum DirError {
    Symlink,
    NotDir,
    Missing,
    Os(Errno),
}

fn dir_error(path: &[u8], e: DirError, of_target: bool) -> ExtractError {
    let whose = if of_target { " of its link target" } else { "" };
    match e {
        DirError::Symlink => unsafe_path(path, format!("a symlink in the way{whose}")),
        DirError::NotDir => refused(path, format!("a non-directory is in the way{whose}")),
        DirError::Missing => refused(path, format!("a directory{whose} does not exist in the destination")),
        DirError::Os(e) => step_error(path, "opening a directory on the way", e),
    }
}

/// The components of an archive path, checked: `Err(reason)` when it is not safe. `.` and
/// empty components are dropped, so the root (`.`) has none.
fn components(path: &[u8]) -> Result<Vec<&[u8]>, &'static str> {
    if path.is_empty() {
        return Err("an empty path");
    }
    if path[0] == b'/' {
        return Err("an absolute path");
    }
    if path.contains(&0) {
        return Err("a NUL byte in the path");
    }
    let mut comps = Vec::new();
    for c in path.split(|&b| b == b'/') {
        match c {
            b"" | b"." => {}
            b".." => return Err("a `..` component"),
            c => comps.push(c),
        }
    }
    Ok(comps)
}

const DIR_FLAGS: OFlag = OFlag::O_RDONLY.union(OFlag::O_DIRECTORY).union(OFlag::O_NOFOLLOW).union(OFlag::O_CLOEXEC);

/// `lstat` of `name` in `dir`; `None` when it does not exist.
fn lstat_at(dir: BorrowedFd<'_>, name: &[u8]) -> Result<Option<FileStat>, Errno> {
    match nix::sys::stat::fstatat(dir, name, AtFlags::AT_SYMLINK_NOFOLLOW) {
        Ok(st) => Ok(Some(st)),
        Err(Errno::ENOENT) => Ok(None),
        Err(e) => Err(e),
    }
}

fn file_type(st: &FileStat) -> SFlag {
    SFlag::from_bits_truncate(st.st_mode & SFlag::S_IFMT.bits())
}

/// Opens the directory `name` in `at` without following a symlink.
fn open_dir(at: BorrowedFd<'_>, name: &[u8]) -> Result<OwnedFd, DirError> {
    match nix::fcntl::openat(at, name, DIR_FLAGS, Mode::empty()) {
        Ok(fd) => Ok(fd),
        Err(Errno::ENOENT) => Err(DirError::Missing),
        // O_NOFOLLOW gives ELOOP on a symlink, O_DIRECTORY ENOTDIR on anything else: look.
        Err(e @ (Errno::ELOOP | Errno::ENOTDIR)) => match lstat_at(at, name) {
            Ok(Some(st)) if file_type(&st) == SFlag::S_IFLNK => Err(DirError::Symlink),
            Ok(Some(st)) if file_type(&st) != SFlag::S_IFDIR => Err(DirError::NotDir),
            _ => Err(DirError::Os(e)),
        },
        Err(e) => Err(DirError::Os(e)),
    }
}

/// Opens the directory `comps` below `root` one component at a time, creating missing ones
/// when `create`. At most two descriptors are open at once, whatever the depth.
fn open_dirs(root: &OwnedFd, comps: &[&[u8]], create: bool) -> Result<OwnedFd, DirError> {
    let mut cur: Option<OwnedFd> = None;
    for comp in comps {
        let at = cur.as_ref().map_or(root.as_fd(), |fd| fd.as_fd());
        let next = match open_dir(at, comp) {
            Err(DirError::Missing) if create => {
                match nix::sys::stat::mkdirat(at, *comp, Mode::from_bits_truncate(PARENT_MODE)) {
                    Ok(()) | Err(Errno::EEXIST) => {}
                    Err(e) => return Err(DirError::Os(e)),
                }
                open_dir(at, comp)?
            }
            r => r?,
        };
        cur = Some(next);
    }
    match cur {
        Some(fd) => Ok(fd),
        None => root.try_clone().map_err(|e| DirError::Os(Errno::from_raw(e.raw_os_error().unwrap_or(0)))),
    }
}

fn timespec(h: &EntryHeader) -> TimeSpec {
    TimeSpec::new(h.mtime_secs as _, h.mtime_nanos.min(999_999_999) as _)
}

fn owner_ids(path: &[u8], uid: u64, gid: u64) -> Result<(Uid, Gid), ExtractError> {
    match (u32::try_from(uid), u32::try_from(gid)) {
        (Ok(u), Ok(g)) => Ok((Uid::from_raw(u), Gid::from_raw(g))),
        _ => Err(refused(path, format!("owner {uid}:{gid} out of range"))),
    }
}

/// The mode of a non-directory: set-uid and set-gid mean "run as the archived owner", so
/// they are dropped when the owner is not restored (a restore by root would otherwise make
/// set-uid-root programs of whatever the archive holds).
fn file_mode(mode: u32, owners: bool) -> u32 {
    if owners { mode & 0o7777 } else { mode & 0o1777 }
}

/// Sets owner (first: a chown clears set-uid), mode and times through an open descriptor.
fn set_metadata(
    fd: BorrowedFd<'_>,
    path: &[u8],
    owners: bool,
    uid: u64,
    gid: u64,
    mode: u32,
    t: TimeSpec,
) -> Result<(), ExtractError> {
    if owners {
        let (u, g) = owner_ids(path, uid, gid)?;
        nix::unistd::fchown(fd, Some(u), Some(g)).map_err(|e| step_error(path, "setting the owner", e))?;
    }
    nix::sys::stat::fchmod(fd, Mode::from_bits_truncate(mode & 0o7777))
        .map_err(|e| step_error(path, "setting the mode", e))?;
    nix::sys::stat::futimens(fd, &t, &t).map_err(|e| step_error(path, "setting the times", e))
}

/// A directory whose metadata [`Extractor::finish`] sets.
struct DirFix {
    /// Components joined by `/`; empty for the destination itself.
    path: Vec<u8>,
    mode: u32,
    uid: u64,
    gid: u64,
    mtime: TimeSpec,
}

/// Restores entries into a destination directory; see the module documentation. Call
/// [`Extractor::finish`] at the end: dropped without it, directories keep the mode and times
/// they were created with.
pub struct Extractor {
    root: OwnedFd,
    opts: ExtractOptions,
    is_root: bool,
    /// The last parent directory used, by its components joined with `/`: restores come in
    /// walk order, so consecutive entries mostly share it.
    cache: Option<(Vec<u8>, OwnedFd)>,
    dirs: Vec<DirFix>,
    buf: Box<[u8]>,
    /// State of the generator of temporary names.
    rng: u64,
}

/// Whether an existing name lets the entry go on.
enum Existing {
    Proceed,
    Skip,
}

impl Extractor {
    /// Opens `dest` (created with its parents if missing) as the directory everything is
    /// restored into. `dest` itself may be reached through symlinks: it is the caller's.
    pub fn new(dest: &Path, opts: ExtractOptions) -> io::Result<Extractor> {
        std::fs::create_dir_all(dest)?;
        let root = nix::fcntl::open(dest, OFlag::O_RDONLY | OFlag::O_DIRECTORY | OFlag::O_CLOEXEC, Mode::empty())?;
        let seed = getrandom::u64().unwrap_or_else(|_| {
            let t = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
            (t.as_nanos() as u64) ^ (u64::from(std::process::id()) << 32)
        });
        Ok(Extractor {
            root,
            opts,
            is_root: nix::unistd::geteuid().is_root(),
            cache: None,
            dirs: Vec::new(),
            buf: vec![0; CHUNK].into_boxed_slice(),
            rng: seed | 1,
        })
    }

    pub fn options(&self) -> &ExtractOptions {
        &self.opts
    }

    /// Writes a regular file from `content`, which must yield exactly `h.size` bytes (more
    /// are not read). Returns the size and BLAKE3 of what was written. On
    /// [`FileOutcome::Skipped`] or an error before writing, `content` may be left unread.
    ///
    /// With `expected`, the content's BLAKE3 must match it (and, with
    /// [`ExtractOptions::read_back`], the bytes read back from the destination must match
    /// too) before the file takes its real name: otherwise [`ExtractError::Damaged`], and
    /// whatever was at the name is left as it was.
    pub fn file(
        &mut self,
        h: &EntryHeader,
        content: &mut dyn Read,
        expected: Option<blake3::Hash>,
    ) -> Result<FileOutcome, ExtractError> {
        self.file_in_pieces(h, content, expected, None, &|_| false)
    }

    /// [`Extractor::file`] for content that may come in pieces, in separate runs: when
    /// `content` fails with an error `later` accepts (the rest is on another tape, say), what
    /// was written stays under its temporary name and [`FileOutcome::Partial`] says how far
    /// it got; a later call with that [`Partial`] as `resume` (and `content` yielding the
    /// rest) goes on from there. The checks before the file takes its name are the same:
    /// then over the whole file, read back from the destination.
    pub fn file_in_pieces(
        &mut self,
        h: &EntryHeader,
        content: &mut dyn Read,
        expected: Option<blake3::Hash>,
        resume: Option<&Partial>,
        later: &dyn Fn(&io::Error) -> bool,
    ) -> Result<FileOutcome, ExtractError> {
        if h.kind != EntryKind::File {
            return Err(refused(&h.path, "not a regular file entry"));
        }
        let comps = components(&h.path).map_err(|r| unsafe_path(&h.path, r))?;
        let (name, parents) = comps.split_last().ok_or_else(|| unsafe_path(&h.path, "the destination itself"))?;
        self.load_parent(&h.path, parents)?;
        let dir = self.cache.as_ref().expect("loaded").1.as_fd();
        let (file, tmp, from) = match resume {
            None => {
                if let Existing::Skip = existing(dir, name, &h.path, self.opts.overwrite)? {
                    return Ok(FileOutcome::Skipped);
                }
                let open = |n: &[u8]| {
                    // Read and write: the read-back check reads it through this descriptor.
                    let flags = OFlag::O_RDWR | OFlag::O_CREAT | OFlag::O_EXCL | OFlag::O_NOFOLLOW | OFlag::O_CLOEXEC;
                    nix::fcntl::openat(dir, n, flags, Mode::from_bits_truncate(0o600))
                };
                let (fd, tmp) = create_temp(&mut self.rng, &h.path, open)?;
                (File::from(fd), tmp, 0)
            }
            Some(p) => {
                if p.path != h.path || p.written > h.size || !p.temp.starts_with(TEMP_PREFIX) || p.temp.contains(&b'/')
                {
                    return Err(refused(&h.path, "the piece written before does not belong to this entry"));
                }
                let file = open_partial(dir, &p.temp, &h.path, p.written)?;
                (file, p.temp.clone(), p.written)
            }
        };
        let buf = &mut self.buf;
        let (opts, path) = (self.opts, &h.path[..]);
        let written = (|| {
            let blake3 = match write_sparse(&file, h, content, buf, from, later)? {
                Sparse::Done(hash) if from == 0 => hash,
                // Only the last piece went through the hasher: the whole file is read back.
                Sparse::Done(_) => hash_file(&file, path, buf)?,
                Sparse::Paused(written) => return Ok(Err(written)),
            };
            if let Some(want) = expected
                && want != blake3
            {
                return Err(damaged(path, "checksum mismatch: the data read from tape is not what was backed up"));
            }
            if opts.read_back && hash_file(&file, path, buf)? != blake3 {
                return Err(damaged(path, "verify: the destination gave back other bytes than were written"));
            }
            let mode = file_mode(h.mode, opts.owners);
            set_metadata(file.as_fd(), path, opts.owners, h.uid, h.gid, mode, timespec(h))?;
            place(dir, &tmp, name, path, opts.overwrite)?;
            Ok(Ok((h.size, blake3)))
        })();
        match written {
            Ok(Ok((size, blake3))) => Ok(FileOutcome::Written { size, blake3 }),
            Ok(Err(written)) => Ok(FileOutcome::Partial(Partial { path: h.path.clone(), temp: tmp, written })),
            Err(ExtractError::Exists(_)) if opts.overwrite == Overwrite::Skip => {
                remove_temp(dir, &tmp);
                Ok(FileOutcome::Skipped)
            }
            Err(ExtractError::Damaged { path, reason, .. }) => {
                let kept = if opts.keep_damaged { keep_damaged(dir, &tmp, name, &path) } else { None };
                if kept.is_none() {
                    remove_temp(dir, &tmp);
                }
                Err(ExtractError::Damaged { path, reason, kept })
            }
            Err(e) => {
                remove_temp(dir, &tmp);
                Err(e)
            }
        }
    }

    /// Removes the temporary file of a [`Partial`] that will not be finished.
    pub fn discard(&mut self, p: &Partial) {
        let Ok(comps) = components(&p.path) else { return };
        let Some((_, parents)) = comps.split_last() else { return };
        if self.load_parent_existing(&p.path, parents).is_ok()
            && p.temp.starts_with(TEMP_PREFIX)
            && !p.temp.contains(&b'/')
        {
            let dir = self.cache.as_ref().expect("loaded").1.as_fd();
            remove_temp(dir, &p.temp);
        }
    }

    /// Creates a directory (or takes the one there); its mode, owner and times are set by
    /// [`Extractor::finish`]. The root entry (`.`) stands for the destination itself, which
    /// then gets the archived root's mode, owner and times (as `tar -x` does), unless
    /// [`Overwrite::Skip`] leaves it as it is.
    pub fn dir(&mut self, h: &EntryHeader) -> Result<Outcome, ExtractError> {
        if h.kind != EntryKind::Dir {
            return Err(refused(&h.path, "not a directory entry"));
        }
        let comps = components(&h.path).map_err(|r| unsafe_path(&h.path, r))?;
        let skip = self.opts.overwrite == Overwrite::Skip;
        if let Some((name, parents)) = comps.split_last() {
            self.load_parent(&h.path, parents)?;
            let dir = self.cache.as_ref().expect("loaded").1.as_fd();
            let st = lstat_at(dir, name).map_err(|e| step_error(&h.path, "looking at what is there", e))?;
            match st {
                Some(st) if file_type(&st) == SFlag::S_IFDIR => {
                    if skip {
                        return Ok(Outcome::Skipped);
                    }
                }
                Some(_) => match self.opts.overwrite {
                    Overwrite::Never => return Err(ExtractError::Exists(h.path.clone())),
                    Overwrite::Skip => return Ok(Outcome::Skipped),
                    Overwrite::Replace => {
                        nix::unistd::unlinkat(dir, *name, UnlinkatFlags::NoRemoveDir)
                            .map_err(|e| step_error(&h.path, "removing what was there", e))?;
                        mkdir(dir, name, &h.path, h.mode)?;
                    }
                },
                None => mkdir(dir, name, &h.path, h.mode)?,
            }
        } else if skip {
            return Ok(Outcome::Skipped);
        }
        self.dirs.push(DirFix { path: comps.join(&b'/'), mode: h.mode, uid: h.uid, gid: h.gid, mtime: timespec(h) });
        Ok(Outcome::Restored)
    }

    /// Gives an existing directory (restored by an earlier run of the same restore) the
    /// mode, owner and times of `h` in [`Extractor::finish`], as [`Extractor::dir`] would;
    /// [`Overwrite::Skip`] leaves it as it is.
    pub fn dir_metadata(&mut self, h: &EntryHeader) -> Result<(), ExtractError> {
        let comps = components(&h.path).map_err(|r| unsafe_path(&h.path, r))?;
        if self.opts.overwrite != Overwrite::Skip {
            self.dirs.push(DirFix {
                path: comps.join(&b'/'),
                mode: h.mode,
                uid: h.uid,
                gid: h.gid,
                mtime: timespec(h),
            });
        }
        Ok(())
    }

    /// Creates a symlink. Its target is stored as it is (it may point anywhere); nothing
    /// here ever follows it.
    pub fn symlink(&mut self, h: &EntryHeader) -> Result<Outcome, ExtractError> {
        let EntryKind::Symlink { target } = &h.kind else {
            return Err(refused(&h.path, "not a symlink entry"));
        };
        if target.is_empty() || target.contains(&0) {
            return Err(refused(&h.path, "a symlink target must be non-empty and hold no NUL byte"));
        }
        self.create_node(h, |dir, n| nix::unistd::symlinkat(&target[..], dir, n), false)
    }

    /// Creates a hard link to `target`, a regular file already restored inside the
    /// destination (reached the same safe way).
    pub fn hardlink(&mut self, h: &EntryHeader) -> Result<Outcome, ExtractError> {
        let EntryKind::Hardlink { target } = &h.kind else {
            return Err(refused(&h.path, "not a hard link entry"));
        };
        let tcomps = components(target).map_err(|r| unsafe_path(&h.path, format!("its link target has {r}")))?;
        let (tname, tparents) =
            tcomps.split_last().ok_or_else(|| unsafe_path(&h.path, "its link target is the destination itself"))?;
        let tdir = open_dirs(&self.root, tparents, false).map_err(|e| dir_error(&h.path, e, true))?;
        match lstat_at(tdir.as_fd(), tname) {
            Ok(Some(st)) if file_type(&st) == SFlag::S_IFREG => {}
            Ok(Some(_)) => return Err(refused(&h.path, "its link target is not a regular file")),
            Ok(None) => return Err(refused(&h.path, "its link target does not exist in the destination")),
            Err(e) => return Err(step_error(&h.path, "looking at its link target", e)),
        }
        let link = |dir: BorrowedFd<'_>, n: &[u8]| nix::unistd::linkat(tdir.as_fd(), *tname, dir, n, AtFlags::empty());
        self.create_node(h, link, true)
    }

    /// Creates a fifo, or a character or block device (devices only when running as root).
    pub fn special(&mut self, h: &EntryHeader) -> Result<Outcome, ExtractError> {
        let (kind, dev) = match h.kind {
            EntryKind::Fifo => (SFlag::S_IFIFO, 0),
            EntryKind::Char { major, minor } => (SFlag::S_IFCHR, nix::sys::stat::makedev(major.into(), minor.into())),
            EntryKind::Block { major, minor } => (SFlag::S_IFBLK, nix::sys::stat::makedev(major.into(), minor.into())),
            _ => return Err(refused(&h.path, "not a fifo or device entry")),
        };
        if kind != SFlag::S_IFIFO && !self.is_root {
            return Err(refused(&h.path, "a device is only created when running as root"));
        }
        let node =
            |dir: BorrowedFd<'_>, n: &[u8]| nix::sys::stat::mknodat(dir, n, kind, Mode::from_bits_truncate(0o600), dev);
        self.create_node(h, node, false)
    }

    /// BLAKE3 of the regular file at the archive path `path` in the destination, reached
    /// the same safe way (no symlink followed), for a verify after [`Extractor::file`].
    /// The bytes likely come from the page cache, not the disk.
    pub fn read_back(&mut self, path: &[u8]) -> Result<blake3::Hash, ExtractError> {
        let comps = components(path).map_err(|r| unsafe_path(path, r))?;
        let (name, parents) = comps.split_last().ok_or_else(|| unsafe_path(path, "the destination itself"))?;
        self.load_parent_existing(path, parents)?;
        let dir = self.cache.as_ref().expect("loaded").1.as_fd();
        // Looked at before it is opened: opening a device can do things (a tape rewinds).
        match lstat_at(dir, name) {
            Ok(Some(st)) if file_type(&st) == SFlag::S_IFREG => {}
            Ok(_) => return Err(refused(path, "not a regular file")),
            Err(e) => return Err(step_error(path, "looking at it", e)),
        }
        // O_NONBLOCK: should a fifo be there by now, the open must not hang.
        let flags = OFlag::O_RDONLY | OFlag::O_NOFOLLOW | OFlag::O_CLOEXEC | OFlag::O_NONBLOCK;
        let fd = nix::fcntl::openat(dir, *name, flags, Mode::empty()).map_err(|e| step_error(path, "opening it", e))?;
        let file = File::from(fd);
        let md = file.metadata().map_err(|e| io_error(path, e))?;
        if !md.file_type().is_file() {
            return Err(refused(path, "not a regular file"));
        }
        hash_file(&file, path, &mut self.buf)
    }

    /// Applies the mode, owner and times of every directory restored, deepest first. Every
    /// directory is tried; the failures are returned.
    pub fn finish(mut self) -> Result<(), Vec<ExtractError>> {
        let mut dirs = std::mem::take(&mut self.dirs);
        let depth = |d: &DirFix| if d.path.is_empty() { 0 } else { 1 + d.path.iter().filter(|&&b| b == b'/').count() };
        // Stable: a directory listed twice gets what its last entry says.
        dirs.sort_by(|a, b| depth(b).cmp(&depth(a)).then_with(|| a.path.cmp(&b.path)));
        self.cache = None;
        let mut errors = Vec::new();
        for d in &dirs {
            if let Err(e) = self.fix_dir(d) {
                errors.push(e);
            }
        }
        if errors.is_empty() { Ok(()) } else { Err(errors) }
    }

    fn fix_dir(&mut self, d: &DirFix) -> Result<(), ExtractError> {
        let owners = self.opts.owners;
        if d.path.is_empty() {
            return set_metadata(self.root.as_fd(), b".", owners, d.uid, d.gid, d.mode, d.mtime);
        }
        let comps: Vec<&[u8]> = d.path.split(|&b| b == b'/').collect();
        let (name, parents) = comps.split_last().expect("a non-empty path");
        self.load_parent_existing(&d.path, parents)?;
        let dir = self.cache.as_ref().expect("loaded").1.as_fd();
        let fd = open_dir(dir, name).map_err(|e| dir_error(&d.path, e, false))?;
        set_metadata(fd.as_fd(), &d.path, owners, d.uid, d.gid, d.mode, d.mtime)
    }

    /// Makes the cache hold the directory `parents` (created as needed).
    fn load_parent(&mut self, path: &[u8], parents: &[&[u8]]) -> Result<(), ExtractError> {
        self.load(path, parents, true)
    }

    /// The same, for directories that must already exist.
    fn load_parent_existing(&mut self, path: &[u8], parents: &[&[u8]]) -> Result<(), ExtractError> {
        self.load(path, parents, false)
    }

    fn load(&mut self, path: &[u8], parents: &[&[u8]], create: bool) -> Result<(), ExtractError> {
        let key = parents.join(&b'/');
        if matches!(&self.cache, Some((k, _)) if *k == key) {
            return Ok(());
        }
        // Closed before the walk: no more than two descriptors at once.
        self.cache = None;
        let fd = open_dirs(&self.root, parents, create).map_err(|e| dir_error(path, e, false))?;
        self.cache = Some((key, fd));
        Ok(())
    }

    /// Creates a non-directory, non-file entry under a temporary name with `make`, gives it
    /// owner, mode (not for symlinks and hard links) and times, and renames it into place.
    fn create_node(
        &mut self,
        h: &EntryHeader,
        make: impl Fn(BorrowedFd<'_>, &[u8]) -> nix::Result<()>,
        is_hardlink: bool,
    ) -> Result<Outcome, ExtractError> {
        let comps = components(&h.path).map_err(|r| unsafe_path(&h.path, r))?;
        let (name, parents) = comps.split_last().ok_or_else(|| unsafe_path(&h.path, "the destination itself"))?;
        self.load_parent(&h.path, parents)?;
        let dir = self.cache.as_ref().expect("loaded").1.as_fd();
        let overwrite = self.opts.overwrite;
        if let Existing::Skip = existing(dir, name, &h.path, overwrite)? {
            return Ok(Outcome::Skipped);
        }
        let ((), tmp) = create_temp(&mut self.rng, &h.path, |n| make(dir, n))?;
        let path = &h.path[..];
        let owners = self.opts.owners;
        let is_symlink = matches!(h.kind, EntryKind::Symlink { .. });
        let placed = (|| {
            // A hard link shares its target's inode: its metadata is the target's.
            if !is_hardlink {
                if owners {
                    let (u, g) = owner_ids(path, h.uid, h.gid)?;
                    nix::unistd::fchownat(dir, &tmp[..], Some(u), Some(g), AtFlags::AT_SYMLINK_NOFOLLOW)
                        .map_err(|e| step_error(path, "setting the owner", e))?;
                }
                if !is_symlink {
                    // The node was just created under a name nobody else knows; a symlink's
                    // own mode cannot be set on Linux.
                    let mode = Mode::from_bits_truncate(file_mode(h.mode, owners));
                    nix::sys::stat::fchmodat(dir, &tmp[..], mode, FchmodatFlags::FollowSymlink)
                        .map_err(|e| step_error(path, "setting the mode", e))?;
                }
                let t = timespec(h);
                nix::sys::stat::utimensat(dir, &tmp[..], &t, &t, UtimensatFlags::NoFollowSymlink)
                    .map_err(|e| step_error(path, "setting the times", e))?;
            }
            place(dir, &tmp, name, path, overwrite)
        })();
        match placed {
            Ok(()) => {
                if is_hardlink {
                    // A rename between two names of one inode does nothing (POSIX), leaving
                    // the temporary name: when the link was already there.
                    let _ = nix::unistd::unlinkat(dir, &tmp[..], UnlinkatFlags::NoRemoveDir);
                }
                Ok(Outcome::Restored)
            }
            Err(ExtractError::Exists(_)) if overwrite == Overwrite::Skip => {
                remove_temp(dir, &tmp);
                Ok(Outcome::Skipped)
            }
            Err(e) => {
                remove_temp(dir, &tmp);
                Err(e)
            }
        }
    }
}

/// Checks what is at `name` before anything is written, per `overwrite`.
fn existing(dir: BorrowedFd<'_>, name: &[u8], path: &[u8], overwrite: Overwrite) -> Result<Existing, ExtractError> {
    let st = lstat_at(dir, name).map_err(|e| step_error(path, "looking at what is there", e))?;
    match (st, overwrite) {
        (None, _) => Ok(Existing::Proceed),
        (Some(_), Overwrite::Never) => Err(ExtractError::Exists(path.to_vec())),
        (Some(_), Overwrite::Skip) => Ok(Existing::Skip),
        (Some(st), Overwrite::Replace) if file_type(&st) == SFlag::S_IFDIR => {
            Err(refused(path, "a directory is in the way"))
        }
        (Some(_), Overwrite::Replace) => Ok(Existing::Proceed),
    }
}

fn mkdir(dir: BorrowedFd<'_>, name: &[u8], path: &[u8], mode: u32) -> Result<(), ExtractError> {
    // Group and other get no more than the entry says until `finish`, and the owner can
    // fill it whatever the entry says.
    let mode = Mode::from_bits_truncate((mode & 0o777) | 0o700);
    match nix::sys::stat::mkdirat(dir, name, mode) {
        Ok(()) | Err(Errno::EEXIST) => Ok(()),
        Err(e) => Err(step_error(path, "creating the directory", e)),
    }
}

/// Makes a fresh temporary name in `dir` with `make` (which must fail with `EEXIST` when the
/// name is taken) and returns what it made and the name.
fn create_temp<T>(
    rng: &mut u64,
    path: &[u8],
    mut make: impl FnMut(&[u8]) -> nix::Result<T>,
) -> Result<(T, Vec<u8>), ExtractError> {
    const CHARS: &[u8; 62] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let mut name = TEMP_PREFIX.to_vec();
    for _ in 0..100 {
        name.truncate(TEMP_PREFIX.len());
        // xorshift64: names need only be unlikely to be taken; O_EXCL does the rest.
        *rng ^= *rng << 13;
        *rng ^= *rng >> 7;
        *rng ^= *rng << 17;
        let mut r = *rng;
        for _ in 0..6 {
            name.push(CHARS[(r % 62) as usize]);
            r /= 62;
        }
        match make(&name) {
            Ok(t) => return Ok((t, name)),
            Err(Errno::EEXIST) => continue,
            Err(e) => return Err(step_error(path, "creating it under a temporary name", e)),
        }
    }
    Err(io_error(path, io::Error::new(io::ErrorKind::AlreadyExists, "no free temporary name")))
}

fn remove_temp(dir: BorrowedFd<'_>, tmp: &[u8]) {
    let _ = nix::unistd::unlinkat(dir, tmp, UnlinkatFlags::NoRemoveDir);
}

/// Renames `tmp` onto `name`: replacing what is there only with [`Overwrite::Replace`].
fn place(dir: BorrowedFd<'_>, tmp: &[u8], name: &[u8], path: &[u8], overwrite: Overwrite) -> Result<(), ExtractError> {
    let r = if overwrite == Overwrite::Replace {
        nix::fcntl::renameat(dir, tmp, dir, name)
    } else {
        match nix::fcntl::renameat2(dir, tmp, dir, name, RenameFlags::RENAME_NOREPLACE) {
            // A file system without RENAME_NOREPLACE: look, then rename (racy, but nothing
            // else should be writing the destination during a restore).
            Err(Errno::EINVAL | Errno::ENOSYS | Errno::EOPNOTSUPP) => match lstat_at(dir, name) {
                Ok(None) => nix::fcntl::renameat(dir, tmp, dir, name),
                Ok(Some(_)) => Err(Errno::EEXIST),
                Err(e) => Err(e),
            },
            r => r,
        }
    };
    match r {
        Ok(()) => Ok(()),
        Err(Errno::EEXIST) => Err(ExtractError::Exists(path.to_vec())),
        Err(Errno::EISDIR) => Err(refused(path, "a directory is in the way")),
        Err(e) => Err(step_error(path, "renaming it into place", e)),
    }
}

fn damaged(path: &[u8], reason: &str) -> ExtractError {
    ExtractError::Damaged { path: path.to_vec(), reason: reason.into(), kept: None }
}

/// Renames the temporary file of a damaged entry to `NAME.damaged` in the same directory,
/// never over an existing name. Returns the archive path it is kept under, or `None` when
/// it could not be (the caller then removes it).
fn keep_damaged(dir: BorrowedFd<'_>, tmp: &[u8], name: &[u8], path: &[u8]) -> Option<Vec<u8>> {
    let kept_name = [name, DAMAGED_SUFFIX].concat();
    place(dir, tmp, &kept_name, path, Overwrite::Never).ok()?;
    Some([path, DAMAGED_SUFFIX].concat())
}

/// BLAKE3 of a whole file, read from its start through `file` (not its current offset).
fn hash_file(file: &File, path: &[u8], buf: &mut [u8]) -> Result<blake3::Hash, ExtractError> {
    let mut hasher = blake3::Hasher::new();
    let mut at = 0u64;
    loop {
        let n = match file.read_at(buf, at) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(io_error(path, e)),
        };
        hasher.update(&buf[..n]);
        at += n as u64;
    }
    Ok(hasher.finalize())
}

/// Reads up to `buf.len()` bytes, fewer only at the end of `r`; an error comes with the
/// bytes read before it.
fn fill(r: &mut impl Read, buf: &mut [u8]) -> (usize, Option<io::Error>) {
    let mut got = 0;
    while got < buf.len() {
        match r.read(&mut buf[got..]) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return (got, Some(e)),
        }
    }
    (got, None)
}

/// What [`write_sparse`] did.
enum Sparse {
    /// All of the content is in the file; the BLAKE3 of the bytes written by this call.
    Done(blake3::Hash),
    /// The content stopped with an error `later` accepts, after this many bytes of it.
    Paused(u64),
}

/// Copies the content from offset `from` to `h.size` out of `content` into `file`, leaving
/// aligned runs of zeros as holes, and hashes what it wrote.
fn write_sparse(
    file: &File,
    h: &EntryHeader,
    content: &mut dyn Read,
    buf: &mut [u8],
    from: u64,
    later: &dyn Fn(&io::Error) -> bool,
) -> Result<Sparse, ExtractError> {
    let mut src = content.take(h.size - from);
    let mut hasher = blake3::Hasher::new();
    let mut pos = from;
    loop {
        let (n, error) = fill(&mut src, buf);
        hasher.update(&buf[..n]);
        // Chunks are aligned in the file when `pos` is a multiple of the buffer's size, as
        // it is for a file written in one piece.
        let mut at = pos;
        for chunk in buf[..n].chunks(HOLE) {
            if chunk.len() < HOLE || chunk != &ZEROS[..] {
                file.write_all_at(chunk, at).map_err(|e| io_error(&h.path, e))?;
            }
            at += chunk.len() as u64;
        }
        pos += n as u64;
        match error {
            Some(e) if later(&e) => {
                // The length says how much is there, holes included.
                file.set_len(pos).map_err(|e| io_error(&h.path, e))?;
                file.sync_all().map_err(|e| io_error(&h.path, e))?;
                return Ok(Sparse::Paused(pos));
            }
            Some(source) => return Err(ExtractError::Content { path: h.path.clone(), source }),
            None if n == 0 => break,
            None => {}
        }
    }
    if pos != h.size {
        let msg = format!("the content ended after {pos} of its {} bytes", h.size);
        return Err(ExtractError::Content {
            path: h.path.clone(),
            source: io::Error::new(io::ErrorKind::UnexpectedEof, msg),
        });
    }
    // A hole at the end is not written: the length makes it.
    file.set_len(pos).map_err(|e| io_error(&h.path, e))?;
    Ok(Sparse::Done(hasher.finalize()))
}

/// Opens the temporary file of a [`Partial`] to go on writing it: a regular file of ours
/// (no symlink followed) holding exactly what was written.
fn open_partial(dir: BorrowedFd<'_>, temp: &[u8], path: &[u8], written: u64) -> Result<File, ExtractError> {
    let flags = OFlag::O_RDWR | OFlag::O_NOFOLLOW | OFlag::O_CLOEXEC | OFlag::O_NONBLOCK;
    let fd = nix::fcntl::openat(dir, temp, flags, Mode::empty())
        .map_err(|e| step_error(path, "opening the piece written before", e))?;
    let file = File::from(fd);
    let md = file.metadata().map_err(|e| io_error(path, e))?;
    if !md.file_type().is_file() || md.len() != written {
        return Err(refused(path, "the piece written before is no longer what it was"));
    }
    Ok(file)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;
    use std::os::unix::fs::{FileTypeExt, MetadataExt, PermissionsExt, symlink};
    use std::path::PathBuf;

    const MTIME: (i64, u32) = (1_600_000_000, 123_456_789);

    fn hdr(path: impl AsRef<[u8]>, kind: EntryKind) -> EntryHeader {
        EntryHeader {
            path: path.as_ref().to_vec(),
            mode: if kind == EntryKind::Dir { 0o755 } else { 0o644 },
            kind,
            size: 0,
            uid: nix::unistd::geteuid().as_raw().into(),
            gid: nix::unistd::getegid().as_raw().into(),
            uname: Vec::new(),
            gname: Vec::new(),
            mtime_secs: MTIME.0,
            mtime_nanos: MTIME.1,
            header_offset: 0,
        }
    }

    fn file_hdr(path: impl AsRef<[u8]>, size: usize) -> EntryHeader {
        EntryHeader { size: size as u64, ..hdr(path, EntryKind::File) }
    }

    fn opts(overwrite: Overwrite) -> ExtractOptions {
        ExtractOptions { overwrite, owners: false, ..ExtractOptions::default() }
    }

    /// A destination and a directory beside it that must stay empty.
    fn setup() -> (tempfile::TempDir, PathBuf, PathBuf) {
        let tmp = tempfile::tempdir().unwrap();
        let dest = tmp.path().join("dest");
        let outside = tmp.path().join("outside");
        fs::create_dir(&outside).unwrap();
        (tmp, dest, outside)
    }

    fn put(x: &mut Extractor, path: &str, content: &[u8]) -> Result<FileOutcome, ExtractError> {
        x.file(&file_hdr(path, content.len()), &mut &content[..], None)
    }

    fn p(root: &Path, rel: &[u8]) -> PathBuf {
        root.join(OsStr::from_bytes(rel))
    }

    fn mtime(md: &fs::Metadata) -> (i64, u32) {
        (md.mtime(), md.mtime_nsec() as u32)
    }

    /// Every name below `root` (not following symlinks), to find leftovers.
    fn names(root: &Path) -> Vec<String> {
        let mut out = Vec::new();
        for e in fs::read_dir(root).unwrap() {
            let e = e.unwrap();
            out.push(e.file_name().to_string_lossy().into_owned());
            if e.file_type().unwrap().is_dir() {
                out.extend(names(&e.path()).into_iter().map(|n| format!("{}/{n}", e.file_name().to_string_lossy())));
            }
        }
        out.sort();
        out
    }

    fn no_temporaries(root: &Path) {
        let names = names(root);
        assert!(!names.iter().any(|n| n.contains(".tb-restore-")), "temporary files left: {names:?}");
    }

    #[test]
    fn every_kind_with_its_metadata() {
        let (_tmp, dest, _) = setup();
        let root = nix::unistd::geteuid().is_root();
        let mut x = Extractor::new(
            &dest,
            ExtractOptions { overwrite: Overwrite::Never, owners: root, ..ExtractOptions::default() },
        )
        .unwrap();
        let owner = |mut h: EntryHeader| {
            if root {
                (h.uid, h.gid) = (12345, 54321);
            }
            h
        };
        let mut top = owner(hdr(".", EntryKind::Dir));
        (top.mode, top.mtime_secs) = (0o751, 1_000_000_000);
        assert_eq!(x.dir(&top).unwrap(), Outcome::Restored);
        let mut d = owner(hdr("d", EntryKind::Dir));
        (d.mode, d.mtime_secs) = (0o2750, 1_100_000_000);
        assert_eq!(x.dir(&d).unwrap(), Outcome::Restored);
        let mut ro = hdr("d/read-only", EntryKind::Dir);
        ro.mode = 0o555;
        x.dir(&ro).unwrap();
        let content = b"some content\n".repeat(1000);
        let mut f = owner(file_hdr("d/file", content.len()));
        f.mode = 0o4751;
        let out = x.file(&f, &mut &content[..], None).unwrap();
        assert_eq!(out, FileOutcome::Written { size: content.len() as u64, blake3: blake3::hash(&content) });
        assert_eq!(x.read_back(b"d/file").unwrap(), blake3::hash(&content));
        x.file(&file_hdr("d/read-only/inside", 2), &mut &b"ok"[..], None).unwrap();
        x.file(&file_hdr("d/empty", 0), &mut io::empty(), None).unwrap();
        let mut s = owner(hdr("d/sym", EntryKind::Symlink { target: b"file".to_vec() }));
        s.mtime_secs = 1_200_000_000;
        assert_eq!(x.symlink(&s).unwrap(), Outcome::Restored);
        let dangling = hdr("d/dangling", EntryKind::Symlink { target: b"/nowhere/\xff\nat all".to_vec() });
        x.symlink(&dangling).unwrap();
        assert_eq!(
            x.hardlink(&hdr("d/hard", EntryKind::Hardlink { target: b"d/file".to_vec() })).unwrap(),
            Outcome::Restored
        );
        let mut fifo = owner(hdr("d/fifo", EntryKind::Fifo));
        fifo.mode = 0o620;
        assert_eq!(x.special(&fifo).unwrap(), Outcome::Restored);
        let dev = x.special(&hdr("d/null", EntryKind::Char { major: 1, minor: 3 }));
        let made_dev = match dev {
            Ok(_) => true,
            Err(e) => {
                eprintln!("note: no device: {e}");
                assert!(matches!(e, ExtractError::Refused { .. } | ExtractError::Io { .. }), "{e}");
                false
            }
        };
        x.finish().unwrap();

        let md = |rel: &str| fs::symlink_metadata(dest.join(rel)).unwrap();
        let want_owner = |h: &EntryHeader| (h.uid as u32, h.gid as u32);
        let top_md = fs::metadata(&dest).unwrap();
        assert_eq!((top_md.mode() & 0o7777, (top_md.uid(), top_md.gid())), (0o751, want_owner(&top)));
        assert_eq!(mtime(&top_md), (1_000_000_000, MTIME.1));
        let d_md = md("d");
        assert!(d_md.is_dir());
        assert_eq!((d_md.mode() & 0o7777, (d_md.uid(), d_md.gid())), (0o2750, want_owner(&d)));
        assert_eq!(mtime(&d_md), (1_100_000_000, MTIME.1), "entries created inside do not disturb it");
        assert_eq!(md("d/read-only").mode() & 0o7777, 0o555);
        assert_eq!(fs::read(dest.join("d/read-only/inside")).unwrap(), b"ok");
        let f_md = md("d/file");
        assert!(f_md.is_file());
        let f_mode = if root { 0o4751 } else { 0o751 };
        assert_eq!(
            (f_md.mode() & 0o7777, (f_md.uid(), f_md.gid())),
            (f_mode, want_owner(&f)),
            "set-uid only with owners"
        );
        assert_eq!(mtime(&f_md), MTIME);
        assert_eq!(fs::read(dest.join("d/file")).unwrap(), content);
        assert_eq!(md("d/hard").ino(), f_md.ino());
        assert_eq!(f_md.nlink(), 2);
        let s_md = md("d/sym");
        assert!(s_md.file_type().is_symlink());
        assert_eq!(fs::read_link(dest.join("d/sym")).unwrap(), Path::new("file"));
        assert_eq!((s_md.uid(), s_md.gid()), want_owner(&s));
        assert_eq!(mtime(&s_md), (1_200_000_000, MTIME.1), "a symlink's own time");
        assert_eq!(
            fs::read_link(dest.join("d/dangling")).unwrap().as_os_str().as_bytes(),
            b"/nowhere/\xff\nat all",
            "a target is stored as it is"
        );
        let fifo_md = md("d/fifo");
        assert!(fifo_md.file_type().is_fifo());
        assert_eq!((fifo_md.mode() & 0o7777, (fifo_md.uid(), fifo_md.gid())), (0o620, want_owner(&fifo)));
        assert_eq!(mtime(&fifo_md), MTIME);
        if made_dev {
            let dev_md = md("d/null");
            assert!(dev_md.file_type().is_char_device());
            assert_eq!(dev_md.rdev(), nix::sys::stat::makedev(1, 3));
        }
        assert_eq!(md("d/empty").len(), 0);
        no_temporaries(&dest);
    }

    #[test]
    fn set_uid_needs_owners() {
        let (_tmp, dest, _) = setup();
        let mut x = Extractor::new(&dest, opts(Overwrite::Never)).unwrap();
        let mut h = file_hdr("suid", 2);
        h.mode = 0o6755;
        x.file(&h, &mut &b"#!"[..], None).unwrap();
        let mut d = hdr("sgid-dir", EntryKind::Dir);
        d.mode = 0o2775;
        x.dir(&d).unwrap();
        x.finish().unwrap();
        assert_eq!(fs::metadata(dest.join("suid")).unwrap().mode() & 0o7777, 0o755);
        assert_eq!(fs::metadata(dest.join("sgid-dir")).unwrap().mode() & 0o7777, 0o2775, "a directory's set-gid stays");
    }

    #[test]
    fn devices_need_root() {
        let (_tmp, dest, _) = setup();
        let mut x = Extractor::new(&dest, opts(Overwrite::Never)).unwrap();
        x.is_root = false;
        let e = x.special(&hdr("sda", EntryKind::Block { major: 8, minor: 0 })).unwrap_err();
        assert!(matches!(e, ExtractError::Refused { .. }), "{e}");
        x.special(&hdr("fifo", EntryKind::Fifo)).unwrap();
        assert_eq!(names(&dest), ["fifo"]);
    }

    #[test]
    fn overwrite_modes() {
        let (_tmp, dest, _) = setup();
        fs::create_dir_all(&dest).unwrap();
        let prepare = || {
            for n in ["f", "s", "l", "p", "d"] {
                let _ = fs::remove_file(dest.join(n)).or_else(|_| fs::remove_dir_all(dest.join(n)));
            }
            fs::write(dest.join("f"), "old").unwrap();
            fs::write(dest.join("s"), "old").unwrap();
            fs::write(dest.join("l"), "old").unwrap();
            fs::write(dest.join("p"), "old").unwrap();
            fs::write(dest.join("d"), "old").unwrap();
            fs::write(dest.join("target"), "target").unwrap();
        };
        let sym = hdr("s", EntryKind::Symlink { target: b"elsewhere".to_vec() });
        let link = hdr("l", EntryKind::Hardlink { target: b"target".to_vec() });
        let fifo = hdr("p", EntryKind::Fifo);
        let dir = hdr("d", EntryKind::Dir);

        prepare();
        let mut x = Extractor::new(&dest, opts(Overwrite::Never)).unwrap();
        assert!(matches!(put(&mut x, "f", b"new"), Err(ExtractError::Exists(p)) if p == b"f"));
        assert!(matches!(x.symlink(&sym), Err(ExtractError::Exists(_))));
        assert!(matches!(x.hardlink(&link), Err(ExtractError::Exists(_))));
        assert!(matches!(x.special(&fifo), Err(ExtractError::Exists(_))));
        assert!(matches!(x.dir(&dir), Err(ExtractError::Exists(_))));
        x.finish().unwrap();
        for n in ["f", "s", "l", "p", "d"] {
            assert_eq!(fs::read(dest.join(n)).unwrap(), b"old", "{n}");
        }

        prepare();
        let mut x = Extractor::new(&dest, opts(Overwrite::Skip)).unwrap();
        let mut content = &b"new"[..];
        assert_eq!(x.file(&file_hdr("f", 3), &mut content, None).unwrap(), FileOutcome::Skipped);
        assert_eq!(content, b"new", "a skipped file's content is not read");
        assert_eq!(x.symlink(&sym).unwrap(), Outcome::Skipped);
        assert_eq!(x.hardlink(&link).unwrap(), Outcome::Skipped);
        assert_eq!(x.special(&fifo).unwrap(), Outcome::Skipped);
        assert_eq!(x.dir(&dir).unwrap(), Outcome::Skipped);
        fs::create_dir(dest.join("existing-dir")).unwrap();
        fs::set_permissions(dest.join("existing-dir"), fs::Permissions::from_mode(0o700)).unwrap();
        assert_eq!(x.dir(&hdr("existing-dir", EntryKind::Dir)).unwrap(), Outcome::Skipped);
        assert_eq!(x.dir(&hdr("new-dir", EntryKind::Dir)).unwrap(), Outcome::Restored);
        x.finish().unwrap();
        for n in ["f", "s", "l", "p", "d"] {
            assert_eq!(fs::read(dest.join(n)).unwrap(), b"old", "{n}");
        }
        assert_eq!(fs::metadata(dest.join("existing-dir")).unwrap().mode() & 0o7777, 0o700, "left as it was");
        assert_eq!(fs::metadata(dest.join("new-dir")).unwrap().mode() & 0o7777, 0o755);

        prepare();
        let mut x = Extractor::new(&dest, opts(Overwrite::Replace)).unwrap();
        assert!(matches!(put(&mut x, "f", b"new"), Ok(FileOutcome::Written { size: 3, .. })));
        assert_eq!(x.symlink(&sym).unwrap(), Outcome::Restored);
        assert_eq!(x.hardlink(&link).unwrap(), Outcome::Restored);
        assert_eq!(x.hardlink(&link).unwrap(), Outcome::Restored, "again: the same inode");
        assert_eq!(x.special(&fifo).unwrap(), Outcome::Restored);
        assert_eq!(x.dir(&dir).unwrap(), Outcome::Restored);
        // A directory is never replaced by a non-directory.
        let e = put(&mut x, "d", b"file over a dir").unwrap_err();
        assert!(matches!(e, ExtractError::Refused { .. }), "{e}");
        x.finish().unwrap();
        assert_eq!(fs::read(dest.join("f")).unwrap(), b"new");
        assert_eq!(fs::read_link(dest.join("s")).unwrap(), Path::new("elsewhere"));
        assert_eq!(fs::metadata(dest.join("l")).unwrap().ino(), fs::metadata(dest.join("target")).unwrap().ino());
        assert!(fs::symlink_metadata(dest.join("p")).unwrap().file_type().is_fifo());
        assert!(fs::symlink_metadata(dest.join("d")).unwrap().is_dir());
        no_temporaries(&dest);
    }

    #[test]
    fn unsafe_paths_are_refused() {
        let (_tmp, dest, outside) = setup();
        let mut x = Extractor::new(&dest, opts(Overwrite::Replace)).unwrap();
        let bad: [&[u8]; 9] =
            [b"../x", b"/etc/x", b"a/../../x", b"a/..", b"..", b"", b"a/\0b", b"//x", b"../outside/x"];
        for path in bad {
            let shown = String::from_utf8_lossy(path);
            let unsafe_err = |r: Result<Outcome, ExtractError>| matches!(r, Err(ExtractError::UnsafePath { .. }));
            assert!(
                matches!(x.file(&file_hdr(path, 1), &mut &b"x"[..], None), Err(ExtractError::UnsafePath { .. })),
                "{shown}"
            );
            assert!(unsafe_err(x.dir(&hdr(path, EntryKind::Dir))), "{shown}");
            assert!(unsafe_err(x.symlink(&hdr(path, EntryKind::Symlink { target: b"t".to_vec() }))), "{shown}");
            assert!(unsafe_err(x.special(&hdr(path, EntryKind::Fifo))), "{shown}");
        }
        // The destination itself is no place for a file.
        for path in [&b"."[..], b"./", b"./."] {
            assert!(matches!(x.file(&file_hdr(path, 1), &mut &b"x"[..], None), Err(ExtractError::UnsafePath { .. })));
        }
        // `.` and empty components are nothing.
        put(&mut x, "./a/./b//c", b"abc").unwrap();
        assert_eq!(fs::read(dest.join("a/b/c")).unwrap(), b"abc");
        x.finish().unwrap();
        assert!(names(&outside).is_empty());
        assert_eq!(names(tmp_root(&dest)), ["dest", "dest/a", "dest/a/b", "dest/a/b/c", "outside"]);
    }

    fn tmp_root(dest: &Path) -> &Path {
        dest.parent().unwrap()
    }

    /// An entry plants a symlink to outside; later entries try to go through it.
    #[test]
    fn planted_symlinks_are_never_followed() {
        let (_tmp, dest, outside) = setup();
        fs::write(outside.join("secret"), "secret").unwrap();
        let mut x = Extractor::new(&dest, opts(Overwrite::Replace)).unwrap();
        let evil = hdr("evil", EntryKind::Symlink { target: outside.as_os_str().as_bytes().to_vec() });
        x.symlink(&evil).unwrap();
        let rel_evil = hdr("sub/evil", EntryKind::Symlink { target: b"../../outside".to_vec() });
        x.symlink(&rel_evil).unwrap();
        for base in ["evil", "sub/evil"] {
            let through = |n: &str| format!("{base}/{n}");
            let is_unsafe = |r: Result<Outcome, ExtractError>| match r {
                Err(ExtractError::UnsafePath { reason, .. }) => reason.contains("symlink"),
                _ => false,
            };
            assert!(matches!(put(&mut x, &through("file"), b"pwned"), Err(ExtractError::UnsafePath { .. })));
            assert!(matches!(put(&mut x, &through("deeper/file"), b"pwned"), Err(ExtractError::UnsafePath { .. })));
            assert!(is_unsafe(x.dir(&hdr(through("d"), EntryKind::Dir))));
            assert!(is_unsafe(x.symlink(&hdr(through("s"), EntryKind::Symlink { target: b"/etc/passwd".to_vec() }))));
            assert!(is_unsafe(x.special(&hdr(through("p"), EntryKind::Fifo))));
            let h = hdr(through("h"), EntryKind::Hardlink { target: b"anything".to_vec() });
            assert!(x.hardlink(&h).is_err());
            // Nor as a link target's directory.
            let h = hdr("h", EntryKind::Hardlink { target: through("secret").into_bytes() });
            assert!(is_unsafe(x.hardlink(&h)), "{base}");
            assert!(x.read_back(through("secret").as_bytes()).is_err());
        }
        // The symlink itself may be replaced by a directory: it is removed, not followed.
        x.dir(&hdr("evil", EntryKind::Dir)).unwrap();
        put(&mut x, "evil/file", b"inside").unwrap();
        x.finish().unwrap();
        assert_eq!(names(&outside), ["secret"]);
        assert_eq!(fs::read(outside.join("secret")).unwrap(), b"secret");
        assert_eq!(fs::metadata(outside.join("secret")).unwrap().nlink(), 1);
        assert_eq!(fs::read(dest.join("evil/file")).unwrap(), b"inside");
        no_temporaries(&dest);
    }

    #[test]
    fn hard_link_targets_stay_inside() {
        let (_tmp, dest, outside) = setup();
        fs::write(outside.join("secret"), "secret").unwrap();
        let mut x = Extractor::new(&dest, opts(Overwrite::Never)).unwrap();
        put(&mut x, "file", b"data").unwrap();
        x.dir(&hdr("dir", EntryKind::Dir)).unwrap();
        x.symlink(&hdr("sym", EntryKind::Symlink { target: b"file".to_vec() })).unwrap();
        x.special(&hdr("fifo", EntryKind::Fifo)).unwrap();
        let link = |target: &[u8]| hdr("link", EntryKind::Hardlink { target: target.to_vec() });
        let unsafe_target: [&[u8]; 4] = [b"../outside/secret", b"/etc/passwd", b"dir/../../outside/secret", b"."];
        for t in unsafe_target {
            let e = x.hardlink(&link(t)).unwrap_err();
            assert!(matches!(e, ExtractError::UnsafePath { .. }), "{}: {e}", String::from_utf8_lossy(t));
        }
        for t in [&b"missing"[..], b"dir", b"sym", b"fifo", b"missing-dir/file", b"file/below-a-file"] {
            let e = x.hardlink(&link(t)).unwrap_err();
            assert!(matches!(e, ExtractError::Refused { .. }), "{}: {e}", String::from_utf8_lossy(t));
        }
        assert_eq!(x.hardlink(&link(b"./file")).unwrap(), Outcome::Restored);
        x.finish().unwrap();
        assert_eq!(fs::metadata(outside.join("secret")).unwrap().nlink(), 1);
        assert_eq!(fs::metadata(dest.join("link")).unwrap().ino(), fs::metadata(dest.join("file")).unwrap().ino());
        assert_eq!(names(&dest), ["dir", "fifo", "file", "link", "sym"]);
    }

    /// A symlink already at a file's name is replaced; the file it points to is untouched.
    #[test]
    fn a_symlink_at_the_final_name_is_replaced_not_followed() {
        let (_tmp, dest, outside) = setup();
        fs::create_dir_all(&dest).unwrap();
        fs::write(outside.join("precious"), "precious").unwrap();
        for name in ["f", "s", "p"] {
            symlink(outside.join("precious"), dest.join(name)).unwrap();
        }
        let mut x = Extractor::new(&dest, opts(Overwrite::Never)).unwrap();
        assert!(matches!(put(&mut x, "f", b"new"), Err(ExtractError::Exists(_))));
        let mut x = Extractor::new(&dest, opts(Overwrite::Replace)).unwrap();
        let mut h = file_hdr("f", 3);
        h.mode = 0o600;
        x.file(&h, &mut &b"new"[..], None).unwrap();
        x.symlink(&hdr("s", EntryKind::Symlink { target: b"somewhere".to_vec() })).unwrap();
        x.special(&hdr("p", EntryKind::Fifo)).unwrap();
        x.finish().unwrap();
        assert_eq!(fs::read(outside.join("precious")).unwrap(), b"precious");
        let md = fs::metadata(outside.join("precious")).unwrap();
        assert_eq!((md.mode() & 0o777, md.nlink()), (0o644, 1), "not chmodded through the link");
        assert_ne!(mtime(&md), MTIME);
        assert!(fs::symlink_metadata(dest.join("f")).unwrap().is_file());
        assert_eq!(fs::read(dest.join("f")).unwrap(), b"new");
        assert_eq!(fs::read_link(dest.join("s")).unwrap(), Path::new("somewhere"));
        assert!(fs::symlink_metadata(dest.join("p")).unwrap().file_type().is_fifo());
        assert_eq!(names(&outside), ["precious"]);
    }

    /// A path of 4.3 KiB (beyond PATH_MAX): created and checked through descriptors.
    #[test]
    fn paths_longer_than_path_max() {
        let (_tmp, dest, _) = setup();
        let comps: Vec<Vec<u8>> = (0..17u8).map(|i| vec![b'a' + i; 255]).collect();
        let path = comps.join(&b'/');
        assert!(path.len() > 4300);
        let file_path = [path.clone(), b"/file".to_vec()].concat();
        let mut x = Extractor::new(&dest, opts(Overwrite::Never)).unwrap();
        x.dir(&hdr(&path, EntryKind::Dir)).unwrap();
        x.file(&file_hdr(&file_path, 4), &mut &b"deep"[..], None).unwrap();
        let link_path = [path.clone(), b"/link".to_vec()].concat();
        x.hardlink(&hdr(&link_path, EntryKind::Hardlink { target: file_path.clone() })).unwrap();
        assert_eq!(x.read_back(&link_path).unwrap(), blake3::hash(b"deep"));
        x.finish().unwrap();

        let root = nix::fcntl::open(&dest, OFlag::O_RDONLY | OFlag::O_DIRECTORY, Mode::empty()).unwrap();
        let dir = open_dirs(&root, &comps.iter().map(|c| &c[..]).collect::<Vec<_>>(), false).ok().unwrap();
        let st = nix::sys::stat::fstat(&dir).unwrap();
        assert_eq!((st.st_mtime, st.st_mtime_nsec as u32), MTIME);
        let fd = nix::fcntl::openat(&dir, "file", OFlag::O_RDONLY, Mode::empty()).unwrap();
        let mut content = String::new();
        File::from(fd).read_to_string(&mut content).unwrap();
        assert_eq!(content, "deep");
        let st = nix::sys::stat::fstatat(&dir, "link", AtFlags::AT_SYMLINK_NOFOLLOW).unwrap();
        assert_eq!(st.st_nlink, 2);
    }

    #[test]
    fn sparse_files_keep_their_holes() {
        let (_tmp, dest, _) = setup();
        let mut content = vec![0u8; 24 << 20];
        content[..100].fill(1);
        content[(10 << 20) + 7..(10 << 20) + 107].fill(2);
        content[(16 << 20) + 5] = 3; // then 8 MiB of zeros to the end
        let mut x = Extractor::new(&dest, opts(Overwrite::Never)).unwrap();
        // A reader handing out odd-sized pieces must not change where the holes go.
        struct Trickle<'a>(&'a [u8]);
        impl Read for Trickle<'_> {
            fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
                let n = buf.len().min(self.0.len()).min(70_001);
                buf[..n].copy_from_slice(&self.0[..n]);
                self.0 = &self.0[n..];
                Ok(n)
            }
        }
        let out = x.file(&file_hdr("sparse", content.len()), &mut Trickle(&content), None).unwrap();
        assert_eq!(out, FileOutcome::Written { size: content.len() as u64, blake3: blake3::hash(&content) });
        let md = fs::metadata(dest.join("sparse")).unwrap();
        assert_eq!(md.len(), content.len() as u64);
        assert!(md.blocks() * 512 <= 1 << 20, "{} bytes allocated for 24 MiB of mostly holes", md.blocks() * 512);
        assert!(fs::read(dest.join("sparse")).unwrap() == content);
        // All zeros: nothing but a hole.
        let zeros = vec![0u8; 5 << 20];
        x.file(&file_hdr("zeros", zeros.len()), &mut &zeros[..], None).unwrap();
        let md = fs::metadata(dest.join("zeros")).unwrap();
        assert_eq!((md.len(), md.blocks()), (5 << 20, 0));
    }

    /// A content reader that gives `n` bytes, then fails.
    struct Failing(usize);
    impl Read for Failing {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            if self.0 == 0 {
                return Err(io::Error::other("tape on fire"));
            }
            let n = buf.len().min(self.0);
            buf[..n].fill(7);
            self.0 -= n;
            Ok(n)
        }
    }

    /// A file whose checksum fails never takes its name, in any overwrite mode: an existing
    /// good copy stays, a missing one stays missing, and no temporary name is left.
    #[test]
    fn a_damaged_file_never_takes_its_name() {
        for overwrite in [Overwrite::Never, Overwrite::Skip, Overwrite::Replace] {
            let (_tmp, dest, _) = setup();
            let mut x = Extractor::new(&dest, opts(overwrite)).unwrap();
            put(&mut x, "good", b"good copy").unwrap();
            let h = file_hdr("good", 9);
            let want = blake3::hash(b"good copy");
            let out = x.file(&h, &mut &b"bad! copy"[..], Some(want));
            match overwrite {
                // The name is taken: never (or skip) stops before any content is read.
                Overwrite::Never => assert!(matches!(out, Err(ExtractError::Exists(_)))),
                Overwrite::Skip => assert_eq!(out.unwrap(), FileOutcome::Skipped),
                Overwrite::Replace => {
                    let e = out.unwrap_err();
                    assert!(matches!(&e, ExtractError::Damaged { kept: None, .. }), "{e}");
                    assert!(e.to_string().contains("checksum mismatch"), "{e}");
                }
            }
            assert_eq!(fs::read(dest.join("good")).unwrap(), b"good copy", "{overwrite:?}");
            let e = x.file(&file_hdr("new", 9), &mut &b"bad! copy"[..], Some(want)).unwrap_err();
            assert!(matches!(e, ExtractError::Damaged { .. }), "{e}");
            assert_eq!(names(&dest), ["good"], "{overwrite:?}: nothing else, no temporary name");
            // A matching checksum lets it in.
            x.file(&file_hdr("new", 9), &mut &b"good copy"[..], Some(want)).unwrap();
            assert_eq!(fs::read(dest.join("new")).unwrap(), b"good copy");
        }
    }

    #[test]
    fn a_damaged_file_is_kept_aside_only_when_asked() {
        let (_tmp, dest, _) = setup();
        let mut x =
            Extractor::new(&dest, ExtractOptions { keep_damaged: true, read_back: true, ..opts(Overwrite::Replace) })
                .unwrap();
        put(&mut x, "f", b"good").unwrap();
        let e = x.file(&file_hdr("f", 4), &mut &b"evil"[..], Some(blake3::hash(b"good"))).unwrap_err();
        match &e {
            ExtractError::Damaged { kept: Some(k), .. } => assert_eq!(k, b"f.damaged"),
            other => panic!("{other}"),
        }
        assert!(e.to_string().contains("f.damaged"), "{e}");
        assert_eq!(fs::read(dest.join("f")).unwrap(), b"good");
        assert_eq!(fs::read(dest.join("f.damaged")).unwrap(), b"evil");
        // A second damaged copy never replaces the first kept one (nor anything else).
        let e = x.file(&file_hdr("f", 4), &mut &b"vile"[..], Some(blake3::hash(b"good"))).unwrap_err();
        assert!(matches!(e, ExtractError::Damaged { kept: None, .. }), "{e}");
        assert_eq!(fs::read(dest.join("f.damaged")).unwrap(), b"evil");
        assert_eq!(names(&dest), ["f", "f.damaged"]);
    }

    #[test]
    fn failed_content_leaves_nothing_behind() {
        let (_tmp, dest, _) = setup();
        let mut x = Extractor::new(&dest, opts(Overwrite::Replace)).unwrap();
        let e = x.file(&file_hdr("d/f", 3 << 20), &mut Failing(100 << 10), None).unwrap_err();
        assert!(matches!(e, ExtractError::Content { .. }), "{e}");
        assert!(e.to_string().contains("tape on fire"), "{e}");
        // A reader that ends early.
        let e = x.file(&file_hdr("d/short", 1000), &mut &b"only this"[..], None).unwrap_err();
        assert!(matches!(&e, ExtractError::Content { source, .. } if source.kind() == io::ErrorKind::UnexpectedEof));
        // An existing file is kept when its replacement fails.
        put(&mut x, "d/kept", b"old").unwrap();
        assert!(x.file(&file_hdr("d/kept", 10), &mut Failing(5), None).is_err());
        assert_eq!(fs::read(dest.join("d/kept")).unwrap(), b"old");
        // A reader with more than the size: only the size is taken.
        let out = x.file(&file_hdr("d/more", 3), &mut &b"abcdef"[..], None).unwrap();
        assert_eq!(out, FileOutcome::Written { size: 3, blake3: blake3::hash(b"abc") });
        assert_eq!(names(&dest), ["d", "d/kept", "d/more"], "no temporary file, no half file");
        // The extractor goes on after failures.
        put(&mut x, "d/after", b"fine").unwrap();
        x.finish().unwrap();
        assert_eq!(fs::read(dest.join("d/after")).unwrap(), b"fine");
    }

    /// Directory metadata waits for `finish`, deepest first: a directory without write or
    /// search permission is still filled, and times survive what is created inside.
    #[test]
    fn directories_are_fixed_up_deepest_first() {
        let (_tmp, dest, _) = setup();
        let mut x = Extractor::new(&dest, opts(Overwrite::Never)).unwrap();
        let dirs = [("a", 0o500), ("a/b", 0o000), ("a/b/c", 0o700), ("z", 0o755)];
        for (t, (path, mode)) in (1_000_000_000..).zip(dirs) {
            let mut h = hdr(path, EntryKind::Dir);
            (h.mode, h.mtime_secs) = (mode, t);
            x.dir(&h).unwrap();
        }
        put(&mut x, "a/b/c/file", b"x").unwrap();
        put(&mut x, "a/b/file", b"y").unwrap();
        // A directory listed twice takes what its last entry says.
        let mut again = hdr("z", EntryKind::Dir);
        again.mode = 0o711;
        x.dir(&again).unwrap();
        x.finish().unwrap();
        let st = |rel: &str| fs::symlink_metadata(dest.join(rel)).unwrap();
        assert_eq!((st("z").mode() & 0o777, st("z").mtime()), (0o711, MTIME.0));
        assert_eq!((st("a").mode() & 0o777, st("a").mtime()), (0o500, 1_000_000_000));
        assert_eq!((st("a/b").mode() & 0o777, st("a/b").mtime()), (0o000, 1_000_000_001));
        // Searchable again (for a test not run as root), which leaves the times alone.
        fs::set_permissions(dest.join("a/b"), fs::Permissions::from_mode(0o700)).unwrap();
        fs::set_permissions(dest.join("a"), fs::Permissions::from_mode(0o700)).unwrap();
        assert_eq!((st("a/b/c").mode() & 0o777, st("a/b/c").mtime()), (0o700, 1_000_000_002));
        assert_eq!((st("a").mtime(), st("a/b").mtime()), (1_000_000_000, 1_000_000_001));
        assert_eq!(fs::read(dest.join("a/b/c/file")).unwrap(), b"x");
        // A directory gone before `finish` is reported, the others still fixed.
        let mut x = Extractor::new(&dest, opts(Overwrite::Never)).unwrap();
        x.dir(&hdr("gone", EntryKind::Dir)).unwrap();
        let mut h = hdr("stays", EntryKind::Dir);
        h.mode = 0o701;
        x.dir(&h).unwrap();
        fs::remove_dir(dest.join("gone")).unwrap();
        let errors = x.finish().unwrap_err();
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].path(), b"gone");
        assert_eq!(st("stays").mode() & 0o777, 0o701);
    }

    /// An archive of ours, read with the TarReader and extracted: the restore path whole.
    #[test]
    fn extracts_what_the_reader_reads() {
        use crate::pipeline::tar::{Header, Kind, TarWriter};
        use crate::pipeline::untar::TarReader;
        use crate::pipeline::walk::Timestamp;

        let (_tmp, dest, _) = setup();
        let mut w = TarWriter::new(Vec::new());
        let h = |path: &'static [u8], kind: Kind<'static>, mode: u32| Header {
            path,
            kind,
            mode,
            uid: 0,
            gid: 0,
            uname: b"",
            gname: b"",
            mtime: Timestamp { secs: 1_500_000_000, nanos: 42 },
        };
        let big: Vec<u8> = (0..(3 << 20) + 5).map(|i: u32| (i % 251) as u8).collect();
        let long: &'static [u8] = Box::leak([b"long/".repeat(60), b"n\x01\nme".to_vec()].concat().into_boxed_slice());
        w.append(&h(b".", Kind::Dir, 0o755)).unwrap();
        w.append(&h(b"dir", Kind::Dir, 0o700)).unwrap();
        w.append_file(&h(b"dir/big", Kind::File, 0o640), big.len() as u64, &big[..]).unwrap();
        w.append_file(&h(long, Kind::File, 0o600), 5, &b"long!"[..]).unwrap();
        w.append(&h(b"dir/link", Kind::Hardlink(b"dir/big"), 0o640)).unwrap();
        w.append(&h(b"sym", Kind::Symlink(b"dir/big"), 0o777)).unwrap();
        let (archive, _) = w.finish().unwrap();

        let mut x = Extractor::new(&dest, opts(Overwrite::Never)).unwrap();
        let mut r = TarReader::new(&archive[..]);
        let mut n = 0;
        while let Some(e) = r.next_entry().unwrap() {
            match &e.kind {
                EntryKind::File => {
                    let FileOutcome::Written { size, .. } = x.file(&e, &mut r.content(), None).unwrap() else {
                        panic!()
                    };
                    assert_eq!(size, e.size);
                }
                EntryKind::Dir => assert_eq!(x.dir(&e).unwrap(), Outcome::Restored),
                EntryKind::Symlink { .. } => assert_eq!(x.symlink(&e).unwrap(), Outcome::Restored),
                EntryKind::Hardlink { .. } => assert_eq!(x.hardlink(&e).unwrap(), Outcome::Restored),
                other => panic!("{other:?}"),
            }
            n += 1;
        }
        assert_eq!(n, 6);
        x.finish().unwrap();
        assert!(fs::read(dest.join("dir/big")).unwrap() == big);
        assert_eq!(fs::read(p(&dest, long)).unwrap(), b"long!");
        assert_eq!(fs::metadata(dest.join("dir/link")).unwrap().nlink(), 2);
        assert_eq!(fs::read_link(dest.join("sym")).unwrap(), Path::new("dir/big"));
        let md = fs::metadata(dest.join("dir")).unwrap();
        assert_eq!((md.mode() & 0o7777, mtime(&md)), (0o700, (1_500_000_000, 42)));
        no_temporaries(&dest);
    }
}
