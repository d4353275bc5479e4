//! Walking a source: every entry below a root, in a fixed order, with what the archive and
//! the snapshot need to know of it.
//!
//! - **Order.** Depth first, a directory before its contents, the names of one directory
//!   sorted by their bytes. The same tree always walks the same way, so two runs produce the
//!   same archive and a restore can merge streams in order.
//! - **Paths** are bytes relative to the root (`etc/passwd`); the root itself is `.`. Nothing
//!   is converted to UTF-8.
//! - **Selection.** A [`Selector`] decides what is taken (see [`super::select`]): an excluded
//!   directory is not read at all, a directory that can hold no include is not read.
//! - **Symlinks** are stored, never followed (the root may be a symlink to a directory: it
//!   is followed, as `cd ROOT` would).
//! - **Hard links.** A non-directory whose `(dev, ino)` was already taken (it has
//!   `nlink > 1`) comes back as [`EntryKind::Hardlink`] to the path it was first taken
//!   under. Only inodes with `nlink > 1` are remembered, and each is forgotten once all its
//!   links were seen.
//! - **File systems.** Unless [`WalkOptions::cross_fs`], a directory on another file system
//!   than the root (a mount point) is written as an empty directory and not descended into,
//!   like GNU tar's `--one-file-system`.
//! - **Trouble** (an entry that vanished, an unreadable directory, a symlink that cannot be
//!   read, a socket, which cannot be archived) is a [`WalkWarning`], and the walk goes on. An
//!   unreadable directory is still written, empty, before its warning.
//! - **Memory** stays bounded: entries are streamed, one at a time, through an iterator.
//!   What is held is, for each directory on the current path, its sorted names (sorting
//!   needs a directory's whole listing) and an open descriptor, and the inodes with more
//!   links still to come.
//!
//! The walk goes by directory descriptors, never by full path: only the root is opened by
//! its path; every directory below it is opened relative to its parent's descriptor
//! (`openat` with `O_NOFOLLOW`), and its entries are looked up relative to its own
//! (`fstatat`, `readlinkat`). So a path may be of any length, far beyond the system's
//! `PATH_MAX` (4096 bytes on Linux), and a directory swapped for a symlink while the walk
//! runs is not followed. Files are not opened here: the archiver calls [`Entry::open`], which
//! opens the entry relative to the descriptor of the directory it was found in (the entry
//! keeps it open) and does not follow a symlink. [`Entry::full_path`] is for messages only.
//!
//! Each directory level holds one descriptor while the walk is below it. A tree deeper than
//! the process's descriptor limit (`RLIMIT_NOFILE`) cannot be held open to its bottom: a
//! directory whose open fails (`EMFILE` as any other error) is written empty and warned
//! about, like an unreadable one, and the walk goes on beside it.

use std::collections::{HashMap, VecDeque};
use std::ffi::{OsStr, OsString};
use std::fmt;
use std::fs::File;
use std::io;
use std::os::fd::OwnedFd;
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use nix::dir::Dir;
use nix::errno::Errno;
use nix::fcntl::{AtFlags, OFlag};
use nix::sys::stat::{FileStat, Mode, SFlag};
use nix::unistd::{Gid, Group, Uid, User};

use super::select::Selector;

/// A point in time as the kernel keeps it: seconds since the epoch (negative before 1970)
/// and nanoseconds `0..1_000_000_000` after that second.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp {
    pub secs: i64,
    pub nanos: u32,
}

impl Timestamp {
    /// Nanoseconds since the epoch (saturating outside ±292 years).
    pub fn as_nanos(self) -> i64 {
        self.secs.saturating_mul(1_000_000_000).saturating_add(i64::from(self.nanos))
    }
}

/// What an entry is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EntryKind {
    File,
    Dir,
    /// The link's target, as bytes, exactly as `readlink` returns it.
    Symlink {
        target: Vec<u8>,
    },
    /// Another name for an inode taken earlier in this walk under `target` (relative path).
    Hardlink {
        target: Vec<u8>,
    },
    Fifo,
    CharDevice {
        major: u32,
        minor: u32,
    },
    BlockDevice {
        major: u32,
        minor: u32,
    },
}

impl EntryKind {
    /// A short name, for the catalog and messages.
    pub fn name(&self) -> &'static str {
        match self {
            EntryKind::File => "file",
            EntryKind::Dir => "dir",
            EntryKind::Symlink { .. } => "symlink",
            EntryKind::Hardlink { .. } => "hardlink",
            EntryKind::Fifo => "fifo",
            EntryKind::CharDevice { .. } => "char",
            EntryKind::BlockDevice { .. } => "block",
        }
    }
}

/// One entry of the walk, with its `lstat` as it was when the walk reached it.
#[derive(Debug, Clone)]
pub struct Entry {
    full: PathBuf,
    /// Where the relative path starts in `full`; `full.len()` for the root.
    rel_start: usize,
    /// The directory the entry was found in (the root's own descriptor for the root), held
    /// open so [`Entry::open`] needs no path that could be too long or changed since.
    dir: Arc<OwnedFd>,
    pub kind: EntryKind,
    /// `st_size` for files and hard links; 0 for everything else.
    pub size: u64,
    /// Permission bits with set-uid, set-gid and sticky (`st_mode & 0o7777`).
    pub mode: u32,
    pub uid: u32,
    pub gid: u32,
    /// The owner's and group's names, if the system knows them.
    pub user: Option<Arc<str>>,
    pub group: Option<Arc<str>>,
    pub mtime: Timestamp,
    pub ctime: Timestamp,
    pub dev: u64,
    pub ino: u64,
    pub nlink: u64,
}

impl Entry {
    /// The path relative to the root, as bytes; `.` for the root itself.
    pub fn rel(&self) -> &[u8] {
        let bytes = self.full.as_os_str().as_bytes();
        if self.rel_start >= bytes.len() { b"." } else { &bytes[self.rel_start..] }
    }

    /// The root joined with [`Entry::rel`], for messages: the entry is opened with
    /// [`Entry::open`], as this path may be longer than the kernel takes.
    pub fn full_path(&self) -> &Path {
        &self.full
    }

    pub fn is_root(&self) -> bool {
        self.rel_start >= self.full.as_os_str().len()
    }

    /// Opens the entry for reading, by its name in the directory it was found in, so it
    /// works at any depth and even when a directory above was renamed since the walk.
    /// A symlink is not followed (it fails with `ELOOP`): a file replaced by a symlink after
    /// the walk must not make the backup read whatever the link points to.
    pub fn open(&self) -> io::Result<File> {
        let rel = self.rel();
        let name = match rel.iter().rposition(|&b| b == b'/') {
            Some(slash) => &rel[slash + 1..],
            None => rel, // a top-level name, or `.` for the root, which `dir` is
        };
        // O_NONBLOCK: a file swapped for a fifo after the walk must not hang the backup (it
        // reads as empty, reported as changed); regular files ignore the flag.
        let flags = OFlag::O_RDONLY | OFlag::O_NOFOLLOW | OFlag::O_CLOEXEC | OFlag::O_NONBLOCK;
        Ok(File::from(nix::fcntl::openat(&*self.dir, name, flags, Mode::empty())?))
    }
}

/// Something the walk could not take; the walk went on without it.
#[derive(Debug)]
pub struct WalkWarning {
    /// The full path concerned.
    pub path: PathBuf,
    /// The same path relative to the root, as entries name it (`.` for the root).
    pub rel: Vec<u8>,
    pub error: io::Error,
}

impl fmt::Display for WalkWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", crate::pathjson::to_human(&self.path), self.error)
    }
}

impl std::error::Error for WalkWarning {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.error)
    }
}

#[derive(Debug, Clone, Copy, Default)]
pub struct WalkOptions {
    /// Descend into directories on other file systems than the root's.
    pub cross_fs: bool,
}

/// The walk, as an iterator of entries and warnings. A warning is not the end: keep
/// iterating. Build it with [`Walker::new`].
pub struct Walker {
    selector: Selector,
    cross_fs: bool,
    root_dev: u64,
    /// Where relative paths start in a full path.
    rel_start: usize,
    /// The full path of the entry being looked at; directories on the stack are prefixes.
    buf: Vec<u8>,
    stack: Vec<Level>,
    out: VecDeque<Result<Entry, WalkWarning>>,
    links: HashMap<(u64, u64), Link>,
    users: HashMap<u32, Option<Arc<str>>>,
    groups: HashMap<u32, Option<Arc<str>>>,
}

/// A directory being walked.
struct Level {
    /// The directory, open: its entries are looked up relative to it.
    dir: Arc<OwnedFd>,
    names: std::vec::IntoIter<OsString>,
    /// Length of the directory's full path in `Walker::buf`.
    len: usize,
    /// The directory or one above it matched an include (or there are none).
    included: bool,
    /// The directory's entry, held back until something below it is taken (includes only).
    pending: Option<Entry>,
}

/// An inode with more links to come.
struct Link {
    path: Vec<u8>,
    left: u64,
}

/// What `lstat` tells of an entry, in the walk's own widths.
struct Stat {
    /// The file type bits (`st_mode & S_IFMT`).
    fmt: SFlag,
    mode: u32,
    dev: u64,
    ino: u64,
    nlink: u64,
    uid: u32,
    gid: u32,
    rdev: u64,
    size: u64,
    mtime: Timestamp,
    ctime: Timestamp,
}

impl Stat {
    // The fields of `struct stat` differ in type between targets (`st_nlink` is 32 bits on
    // some), so casts that do nothing on one are needed on another.
    #[allow(clippy::unnecessary_cast)]
    fn new(st: &FileStat) -> Stat {
        Stat {
            fmt: SFlag::from_bits_truncate(st.st_mode & SFlag::S_IFMT.bits()),
            mode: st.st_mode as u32,
            dev: st.st_dev as u64,
            ino: st.st_ino as u64,
            nlink: st.st_nlink as u64,
            uid: st.st_uid as u32,
            gid: st.st_gid as u32,
            rdev: st.st_rdev as u64,
            size: st.st_size as u64,
            mtime: Timestamp { secs: st.st_mtime as i64, nanos: st.st_mtime_nsec as u32 },
            ctime: Timestamp { secs: st.st_ctime as i64, nanos: st.st_ctime_nsec as u32 },
        }
    }
}

impl Walker {
    /// Starts a walk at `root`, which must be a directory (a symlink to one is followed).
    /// Fails when the root cannot be read; everything below it only gives warnings.
    pub fn new(root: impl AsRef<Path>, selector: Selector, options: WalkOptions) -> io::Result<Walker> {
        let root = root.as_ref();
        // O_DIRECTORY also keeps a root that is a FIFO from blocking the open.
        let flags = OFlag::O_RDONLY | OFlag::O_DIRECTORY | OFlag::O_CLOEXEC;
        let dir = nix::fcntl::open(root, flags, Mode::empty()).map_err(|e| match e {
            Errno::ENOTDIR => io::Error::new(io::ErrorKind::NotADirectory, "a source root must be a directory"),
            e => io::Error::from(e),
        })?;
        let st = Stat::new(&nix::sys::stat::fstat(&dir)?);
        let (names, error) = read_sorted(&dir);
        if let Some(error) = error {
            return Err(error);
        }
        let buf = root.as_os_str().as_bytes().to_vec();
        let rel_start = if buf.ends_with(b"/") { buf.len() } else { buf.len() + 1 };
        let mut walker = Walker {
            selector,
            cross_fs: options.cross_fs,
            root_dev: st.dev,
            rel_start,
            buf,
            stack: Vec::new(),
            out: VecDeque::new(),
            links: HashMap::new(),
            users: HashMap::new(),
            groups: HashMap::new(),
        };
        let dir = Arc::new(dir);
        let mut entry = walker.entry(&st, EntryKind::Dir, Arc::clone(&dir));
        entry.rel_start = entry.full.as_os_str().len();
        walker.out.push_back(Ok(entry));
        let included = !walker.selector.has_includes();
        walker.stack.push(Level { dir, names: names.into_iter(), len: walker.buf.len(), included, pending: None });
        Ok(walker)
    }

    fn path(&self) -> &Path {
        Path::new(OsStr::from_bytes(&self.buf))
    }

    fn warn(&mut self, error: io::Error) {
        let rel = match self.buf.get(self.rel_start..) {
            Some(rel) if !rel.is_empty() => rel.to_vec(),
            _ => b".".to_vec(),
        };
        self.out.push_back(Err(WalkWarning { path: self.path().to_path_buf(), rel, error }));
    }

    /// Looks at the entry `name` of the directory `dir`, whose full path is in `buf`,
    /// queueing what comes of it.
    fn visit(&mut self, dir: &Arc<OwnedFd>, name: &OsStr) {
        let st = match nix::sys::stat::fstatat(&**dir, name, AtFlags::AT_SYMLINK_NOFOLLOW) {
            Ok(st) => Stat::new(&st),
            Err(e) => return self.warn(e.into()),
        };
        let is_dir = st.fmt == SFlag::S_IFDIR;
        let rel = &self.buf[self.rel_start..];
        if self.selector.is_excluded(rel, is_dir) {
            return;
        }
        let parent_included = self.stack.last().is_some_and(|l| l.included);
        let included = parent_included || self.selector.is_included(rel, is_dir);

        if is_dir {
            let same_fs = self.cross_fs || st.dev == self.root_dev;
            let descend = same_fs && (included || self.selector.may_match_below(rel));
            if !included && !descend {
                return;
            }
            let entry = self.entry(&st, EntryKind::Dir, Arc::clone(dir));
            let pending = if included {
                self.flush_pending();
                self.out.push_back(Ok(entry));
                None
            } else {
                Some(entry)
            };
            if descend {
                // O_NOFOLLOW: should the directory have been swapped for a symlink since the
                // `fstatat`, the open fails (ELOOP) rather than walk where the link points.
                let flags = OFlag::O_RDONLY | OFlag::O_DIRECTORY | OFlag::O_NOFOLLOW | OFlag::O_CLOEXEC;
                let sub = match nix::fcntl::openat(&**dir, name, flags, Mode::empty()) {
                    Ok(sub) => sub,
                    // Written empty, as any directory that cannot be read; EMFILE (a tree
                    // deeper than the descriptor limit) lands here too.
                    Err(e) => return self.warn(e.into()),
                };
                let (names, error) = read_sorted(&sub);
                if let Some(e) = error {
                    self.warn(e);
                }
                // An empty directory is not pushed, so its descriptor is closed right away.
                if !names.is_empty() {
                    let len = self.buf.len();
                    self.stack.push(Level { dir: Arc::new(sub), names: names.into_iter(), len, included, pending });
                }
            }
            return;
        }

        if !included {
            return;
        }
        let kind = match st.fmt {
            SFlag::S_IFREG => EntryKind::File,
            SFlag::S_IFLNK => match nix::fcntl::readlinkat(&**dir, name) {
                Ok(target) => EntryKind::Symlink { target: target.into_vec() },
                Err(e) => return self.warn(e.into()),
            },
            SFlag::S_IFIFO => EntryKind::Fifo,
            SFlag::S_IFCHR | SFlag::S_IFBLK => {
                let (major, minor) = (nix::sys::stat::major(st.rdev) as u32, nix::sys::stat::minor(st.rdev) as u32);
                if st.fmt == SFlag::S_IFCHR {
                    EntryKind::CharDevice { major, minor }
                } else {
                    EntryKind::BlockDevice { major, minor }
                }
            }
            SFlag::S_IFSOCK => {
                let message = "a socket cannot be archived: skipped";
                return self.warn(io::Error::new(io::ErrorKind::Unsupported, message));
            }
            _ => return self.warn(io::Error::new(io::ErrorKind::Unsupported, "unknown file type: skipped")),
        };
        let kind = if st.nlink > 1 { self.hardlink(&st, kind) } else { kind };
        let entry = self.entry(&st, kind, Arc::clone(dir));
        self.flush_pending();
        self.out.push_back(Ok(entry));
    }

    /// `kind`, or a hard link to where this inode was first taken.
    fn hardlink(&mut self, st: &Stat, kind: EntryKind) -> EntryKind {
        let key = (st.dev, st.ino);
        match self.links.get_mut(&key) {
            Some(link) => {
                let target = link.path.clone();
                link.left -= 1;
                if link.left == 0 {
                    self.links.remove(&key);
                }
                EntryKind::Hardlink { target }
            }
            None => {
                let path = self.buf[self.rel_start..].to_vec();
                self.links.insert(key, Link { path, left: st.nlink - 1 });
                kind
            }
        }
    }

    /// Queues the held-back directories above the entry being taken, outermost first.
    fn flush_pending(&mut self) {
        for level in &mut self.stack {
            if let Some(dir) = level.pending.take() {
                self.out.push_back(Ok(dir));
            }
        }
    }

    fn entry(&mut self, st: &Stat, kind: EntryKind, dir: Arc<OwnedFd>) -> Entry {
        let size = match kind {
            EntryKind::File | EntryKind::Hardlink { .. } => st.size,
            _ => 0,
        };
        let (uid, gid) = (st.uid, st.gid);
        let user = self
            .users
            .entry(uid)
            .or_insert_with(|| User::from_uid(Uid::from_raw(uid)).ok().flatten().map(|u| Arc::from(u.name)))
            .clone();
        let group = self
            .groups
            .entry(gid)
            .or_insert_with(|| Group::from_gid(Gid::from_raw(gid)).ok().flatten().map(|g| Arc::from(g.name)))
            .clone();
        Entry {
            full: PathBuf::from(OsStr::from_bytes(&self.buf)),
            rel_start: self.rel_start,
            dir,
            kind,
            size,
            mode: st.mode & 0o7777,
            uid,
            gid,
            user,
            group,
            mtime: st.mtime,
            ctime: st.ctime,
            dev: st.dev,
            ino: st.ino,
            nlink: st.nlink,
        }
    }
}

impl Iterator for Walker {
    type Item = Result<Entry, WalkWarning>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(item) = self.out.pop_front() {
                return Some(item);
            }
            let level = self.stack.last_mut()?;
            let Some(name) = level.names.next() else {
                self.stack.pop();
                continue;
            };
            let dir = Arc::clone(&level.dir);
            self.buf.truncate(level.len);
            if !self.buf.ends_with(b"/") {
                self.buf.push(b'/');
            }
            self.buf.extend_from_slice(name.as_bytes());
            self.visit(&dir, &name);
        }
    }
}

/// The names in the directory `dir` sorted by their bytes, and the error that cut the
/// listing short, if any (the names read until then are kept).
fn read_sorted(dir: &OwnedFd) -> (Vec<OsString>, Option<io::Error>) {
    let mut names = Vec::new();
    let mut error = None;
    // `Dir` closes the descriptor it reads, and the walk keeps `dir` open for the `*at`
    // calls: it reads a duplicate. The shared file offset does not matter, as nothing else
    // reads `dir` itself.
    match dir.try_clone().and_then(|fd| Dir::from_fd(fd).map_err(io::Error::from)) {
        Ok(mut listing) => {
            for entry in listing.iter() {
                match entry {
                    Ok(entry) => {
                        let name = entry.file_name().to_bytes();
                        if name != b"." && name != b".." {
                            names.push(OsStr::from_bytes(name).to_os_string());
                        }
                    }
                    Err(e) => {
                        error = Some(e.into());
                        break;
                    }
                }
            }
        }
        Err(e) => error = Some(e),
    }
    names.sort_unstable_by(|a, b| a.as_bytes().cmp(b.as_bytes()));
    (names, error)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;
    use std::io::Read;
    use std::os::unix::fs::{MetadataExt, PermissionsExt, symlink};

    fn p(root: &Path, rel: &[u8]) -> PathBuf {
        root.join(OsStr::from_bytes(rel))
    }

    fn make(root: &Path, files: &[&[u8]], dirs: &[&[u8]]) {
        fs::set_permissions(root, fs::Permissions::from_mode(0o755)).unwrap();
        for d in dirs {
            fs::create_dir_all(p(root, d)).unwrap();
        }
        for f in files {
            let path = p(root, f);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(path, *f).unwrap();
        }
    }

    fn walk(root: &Path, selector: Selector) -> (Vec<Entry>, Vec<WalkWarning>) {
        let mut entries = Vec::new();
        let mut warnings = Vec::new();
        for item in Walker::new(root, selector, WalkOptions::default()).unwrap() {
            match item {
                Ok(e) => entries.push(e),
                Err(w) => warnings.push(w),
            }
        }
        (entries, warnings)
    }

    fn rels(entries: &[Entry]) -> Vec<String> {
        entries.iter().map(|e| String::from_utf8_lossy(e.rel()).into_owned()).collect()
    }

    #[test]
    fn entries_are_send() {
        fn send<T: Send + 'static>() {}
        send::<Entry>();
        send::<WalkWarning>();
        send::<Walker>();
    }

    #[test]
    fn order_is_depth_first_sorted_by_bytes() {
        let tmp = tempfile::tempdir().unwrap();
        make(tmp.path(), &[b"b", b"a/x", b"a.txt", b"A", b"\xff", "é".as_bytes(), b"a/y/z"], &[b"empty", b"a/empty"]);
        let (entries, warnings) = walk(tmp.path(), Selector::all());
        assert!(warnings.is_empty(), "{warnings:?}");
        let got: Vec<&[u8]> = entries.iter().map(Entry::rel).collect();
        let want: Vec<&[u8]> = vec![
            b".",
            b"A",
            b"a",
            b"a/empty",
            b"a/x",
            b"a/y",
            b"a/y/z",
            b"a.txt",
            b"b",
            b"empty",
            "é".as_bytes(),
            b"\xff",
        ];
        assert_eq!(got, want);
        assert!(entries[0].is_root() && entries[0].kind == EntryKind::Dir);
        assert_eq!(entries[4].full_path(), tmp.path().join("a/x"));
        // A root given with a trailing '/' walks the same.
        let with_slash = format!("{}/", tmp.path().display());
        let again: Vec<Vec<u8>> = Walker::new(&with_slash, Selector::all(), WalkOptions::default())
            .unwrap()
            .map(|e| e.unwrap().rel().to_vec())
            .collect();
        assert_eq!(again, want);
    }

    #[test]
    fn metadata_of_each_kind() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        make(root, &[b"file"], &[b"empty-dir"]);
        fs::write(root.join("file"), vec![7u8; 12345]).unwrap();
        fs::set_permissions(root.join("file"), fs::Permissions::from_mode(0o4751)).unwrap();
        fs::File::options()
            .write(true)
            .open(root.join("file"))
            .unwrap()
            .set_modified(std::time::UNIX_EPOCH + std::time::Duration::new(1_700_000_000, 123_456_789))
            .unwrap();
        symlink(OsStr::from_bytes(b"../t\xffrget"), root.join("link")).unwrap();
        nix::unistd::mkfifo(&root.join("fifo"), nix::sys::stat::Mode::from_bits_truncate(0o600)).unwrap();
        let dev = nix::sys::stat::mknod(
            &root.join("null"),
            nix::sys::stat::SFlag::S_IFCHR,
            nix::sys::stat::Mode::from_bits_truncate(0o666),
            nix::sys::stat::makedev(1, 3),
        );
        let (entries, warnings) = walk(root, Selector::all());
        assert!(warnings.is_empty(), "{warnings:?}");
        let by = |rel: &str| entries.iter().find(|e| e.rel() == rel.as_bytes()).unwrap_or_else(|| panic!("{rel}"));
        let f = by("file");
        assert_eq!((f.kind.clone(), f.size, f.mode), (EntryKind::File, 12345, 0o4751));
        assert_eq!(f.mtime, Timestamp { secs: 1_700_000_000, nanos: 123_456_789 });
        let md = fs::symlink_metadata(root.join("file")).unwrap();
        assert_eq!((f.uid, f.gid, f.dev, f.ino, f.nlink), (md.uid(), md.gid(), md.dev(), md.ino(), 1));
        assert_eq!(f.ctime, Timestamp { secs: md.ctime(), nanos: md.ctime_nsec() as u32 });
        if f.uid == 0 {
            assert_eq!(f.user.as_deref(), Some("root"));
        }
        assert_eq!(by("link").kind, EntryKind::Symlink { target: b"../t\xffrget".to_vec() });
        assert_eq!(by("link").size, 0);
        assert_eq!((by("fifo").kind.clone(), by("fifo").mode), (EntryKind::Fifo, 0o600));
        assert_eq!(by("empty-dir").kind, EntryKind::Dir);
        if dev.is_ok() {
            assert_eq!(by("null").kind, EntryKind::CharDevice { major: 1, minor: 3 });
        } else {
            eprintln!("note: mknod is not allowed here: no device checked");
        }
        // Names are looked up once per id and shared.
        let users: Vec<_> = entries.iter().filter_map(|e| e.user.clone()).collect();
        assert!(users.windows(2).all(|w| w[0] != w[1] || Arc::ptr_eq(&w[0], &w[1])));
    }

    #[test]
    fn hard_links_point_at_the_first_path() {
        let tmp = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        let root = tmp.path();
        make(root, &[b"b/one", b"solo"], &[b"a", b"c"]);
        fs::hard_link(root.join("b/one"), root.join("a/two")).unwrap();
        fs::hard_link(root.join("b/one"), root.join("c/three")).unwrap();
        fs::hard_link(root.join("solo"), outside.path().join("elsewhere")).unwrap();
        symlink("x", root.join("sym")).unwrap();
        fs::hard_link(root.join("sym"), root.join("sym2")).unwrap();
        let mut walker = Walker::new(root, Selector::all(), WalkOptions::default()).unwrap();
        let entries: Vec<Entry> = walker.by_ref().map(Result::unwrap).collect();
        let by = |rel: &str| entries.iter().find(|e| e.rel() == rel.as_bytes()).unwrap();
        assert_eq!(by("a/two").kind, EntryKind::File, "the first in walk order is the file");
        assert_eq!(by("b/one").kind, EntryKind::Hardlink { target: b"a/two".to_vec() });
        assert_eq!(by("c/three").kind, EntryKind::Hardlink { target: b"a/two".to_vec() });
        assert_eq!(by("b/one").size, 5, "a hard link keeps its size for the snapshot");
        assert_eq!(by("solo").kind, EntryKind::File, "its other name is outside the tree");
        assert_eq!(by("sym").kind, EntryKind::Symlink { target: b"x".to_vec() });
        assert_eq!(by("sym2").kind, EntryKind::Hardlink { target: b"sym".to_vec() });
        // Inodes whose links were all seen are forgotten; `solo` waits for its other name.
        assert_eq!(walker.links.len(), 1);
    }

    #[test]
    fn symlinks_are_not_followed() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        make(root, &[b"real/inside"], &[]);
        symlink("real", root.join("alias")).unwrap();
        symlink(root, root.join("loop")).unwrap();
        let (entries, warnings) = walk(root, Selector::all());
        assert!(warnings.is_empty());
        assert_eq!(rels(&entries), [".", "alias", "loop", "real", "real/inside"]);
    }

    #[test]
    fn sockets_and_vanished_entries_are_warnings() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        make(root, &[b"d/a", b"d/b", b"e"], &[]);
        drop(std::os::unix::net::UnixListener::bind(root.join("d/sock")).unwrap());
        let mut entries = Vec::new();
        let mut warnings = Vec::new();
        for item in Walker::new(root, Selector::all(), WalkOptions::default()).unwrap() {
            match item {
                Ok(e) => {
                    if e.rel() == b"d" {
                        fs::remove_file(root.join("d/b")).unwrap(); // listed, then gone
                    }
                    entries.push(e);
                }
                Err(w) => warnings.push(w),
            }
        }
        assert_eq!(rels(&entries), [".", "d", "d/a", "e"]);
        assert_eq!(warnings.len(), 2, "{warnings:?}");
        assert_eq!(warnings[0].path, root.join("d/b"));
        assert_eq!(warnings[0].error.kind(), io::ErrorKind::NotFound);
        assert_eq!(warnings[1].path, root.join("d/sock"));
        assert!(warnings[1].to_string().contains("socket"), "{}", warnings[1]);
    }

    #[test]
    fn root_must_be_a_readable_directory() {
        let tmp = tempfile::tempdir().unwrap();
        fs::write(tmp.path().join("f"), b"").unwrap();
        let err = Walker::new(tmp.path().join("f"), Selector::all(), WalkOptions::default()).err().unwrap();
        assert_eq!(err.kind(), io::ErrorKind::NotADirectory);
        let err = Walker::new(tmp.path().join("missing"), Selector::all(), WalkOptions::default()).err().unwrap();
        assert_eq!(err.kind(), io::ErrorKind::NotFound);
        // A symlink to a directory is followed for the root only.
        symlink(tmp.path(), tmp.path().join("via")).unwrap();
        let n = Walker::new(tmp.path().join("via"), Selector::all(), WalkOptions::default()).unwrap().count();
        assert_eq!(n, 3); // ".", "f", "via"
    }

    #[test]
    fn selection_prunes_and_keeps_parents() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        make(
            root,
            &[
                b"etc/hosts",
                b"etc/ssh/sshd_config",
                b"home/alice/notes.txt",
                b"home/alice/x.tmp",
                b"home/bob/notes.txt",
                b"opt/app/app.conf",
                b"opt/app/bin",
                b"var/cache/x",
            ],
            &[b"home/empty", b"var/empty"],
        );
        let sel = Selector::new(&["/etc/ssh", "*.conf", "/home"], &["*.tmp", "home/bob/"]).unwrap();
        let (entries, warnings) = walk(root, sel);
        assert!(warnings.is_empty());
        assert_eq!(
            rels(&entries),
            [
                ".",
                "etc",
                "etc/ssh",
                "etc/ssh/sshd_config",
                "home",
                "home/alice",
                "home/alice/notes.txt",
                "home/empty",
                "opt",
                "opt/app",
                "opt/app/app.conf",
            ]
        );
        // Without includes, excludes alone.
        let (entries, _) = walk(root, Selector::new::<&str>(&[], &["/var", "alice"]).unwrap());
        assert_eq!(
            rels(&entries),
            [
                ".",
                "etc",
                "etc/hosts",
                "etc/ssh",
                "etc/ssh/sshd_config",
                "home",
                "home/bob",
                "home/bob/notes.txt",
                "home/empty",
                "opt",
                "opt/app",
                "opt/app/app.conf",
                "opt/app/bin",
            ]
        );
    }

    /// Creates the directories `dirs`, each in the one before, below `root`, and in the last a
    /// file `name` holding `content`, all relative to a descriptor: no single call may take a
    /// path beyond `PATH_MAX`, and the process's working directory is shared by the tests.
    fn make_deep(root: &Path, dirs: &[Vec<u8>], name: &[u8], content: &[u8]) {
        let flags = OFlag::O_RDONLY | OFlag::O_DIRECTORY | OFlag::O_CLOEXEC;
        let mut dir = nix::fcntl::open(root, flags, Mode::empty()).unwrap();
        for d in dirs {
            nix::sys::stat::mkdirat(&dir, d.as_slice(), Mode::from_bits_truncate(0o755)).unwrap();
            dir = nix::fcntl::openat(&dir, d.as_slice(), flags, Mode::empty()).unwrap();
        }
        let flags = OFlag::O_WRONLY | OFlag::O_CREAT | OFlag::O_EXCL | OFlag::O_CLOEXEC;
        let file = nix::fcntl::openat(&dir, name, flags, Mode::from_bits_truncate(0o644)).unwrap();
        io::Write::write_all(&mut File::from(file), content).unwrap();
    }

    #[test]
    fn paths_beyond_path_max_are_walked_and_opened() {
        let tmp = tempfile::tempdir().unwrap();
        // The root's own path is long too, though not too long to be opened by it.
        let root = tmp.path().join("r".repeat(250)).join("s".repeat(250));
        fs::create_dir_all(&root).unwrap();
        let dirs: Vec<Vec<u8>> = (0..18).map(|i| vec![b'a' + i; 250]).collect();
        make_deep(&root, &dirs, b"file", b"deep content");
        let (entries, warnings) = walk(&root, Selector::all());
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(entries.len(), 1 + dirs.len() + 1);
        let mut want = Vec::new();
        for (i, d) in dirs.iter().enumerate() {
            if i > 0 {
                want.push(b'/');
            }
            want.extend_from_slice(d);
            assert_eq!((entries[i + 1].rel(), &entries[i + 1].kind), (&want[..], &EntryKind::Dir));
        }
        want.extend_from_slice(b"/file");
        assert!(want.len() >= 4300, "{}", want.len());
        let file = entries.last().unwrap();
        assert_eq!((file.rel(), &file.kind, file.size), (&want[..], &EntryKind::File, 12));
        assert_eq!(file.full_path(), root.join(OsStr::from_bytes(&want)));
        // The kernel refuses the full path itself: the walk did go by descriptors.
        let err = fs::symlink_metadata(file.full_path()).unwrap_err();
        assert_eq!(err.raw_os_error(), Some(Errno::ENAMETOOLONG as i32));
        let mut content = String::new();
        file.open().unwrap().read_to_string(&mut content).unwrap();
        assert_eq!(content, "deep content");
    }

    #[test]
    fn open_goes_by_the_directory_even_once_it_was_renamed() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        make(root, &[b"d/sub/f"], &[]);
        // The walker is gone once `walk` returns: the entries alone keep their directories open.
        let (entries, warnings) = walk(root, Selector::all());
        assert!(warnings.is_empty(), "{warnings:?}");
        let f = entries.iter().find(|e| e.rel() == b"d/sub/f").unwrap();
        fs::rename(root.join("d"), root.join("moved")).unwrap();
        assert!(!f.full_path().exists());
        let mut content = Vec::new();
        f.open().unwrap().read_to_end(&mut content).unwrap();
        assert_eq!(content, b"d/sub/f");
        // The root opens as itself.
        assert!(entries[0].is_root() && entries[0].open().unwrap().metadata().unwrap().is_dir());
    }

    #[test]
    fn open_does_not_follow_symlinks() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        make(root, &[b"f", b"secret"], &[]);
        symlink("secret", root.join("link")).unwrap();
        let (entries, warnings) = walk(root, Selector::all());
        assert!(warnings.is_empty(), "{warnings:?}");
        let by = |rel: &str| entries.iter().find(|e| e.rel() == rel.as_bytes()).unwrap();
        let err = by("link").open().unwrap_err();
        assert_eq!(err.raw_os_error(), Some(Errno::ELOOP as i32), "{err}");
        // A file swapped for a symlink after the walk is not read through it either.
        assert_eq!(by("f").kind, EntryKind::File);
        fs::remove_file(root.join("f")).unwrap();
        symlink("secret", root.join("f")).unwrap();
        let err = by("f").open().unwrap_err();
        assert_eq!(err.raw_os_error(), Some(Errno::ELOOP as i32), "{err}");
    }

    /// Runs the rest of a test with the file system uid of `nobody` in this thread only, so
    /// permissions apply even to root; `None` when that cannot be done here.
    struct AsNobody(Option<Uid>);

    impl AsNobody {
        fn start() -> Option<AsNobody> {
            if !Uid::effective().is_root() {
                return Some(AsNobody(None));
            }
            let before = nix::unistd::setfsuid(Uid::from_raw(65534));
            let now = nix::unistd::setfsuid(Uid::from_raw(65534));
            if now.as_raw() != 65534 {
                nix::unistd::setfsuid(before);
                return None;
            }
            Some(AsNobody(Some(before)))
        }
    }

    impl Drop for AsNobody {
        fn drop(&mut self) {
            if let Some(uid) = self.0 {
                nix::unistd::setfsuid(uid);
            }
        }
    }

    #[test]
    fn unreadable_directories_are_written_empty_and_warned_about() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        make(root, &[b"a/locked/secret", b"b", b"skipped/locked/x", b"usr/locked/y", b"keep/z"], &[]);
        for d in ["a/locked", "skipped/locked", "usr/locked"] {
            fs::set_permissions(root.join(d), fs::Permissions::from_mode(0o000)).unwrap();
        }
        let Some(_nobody) = AsNobody::start() else {
            eprintln!("note: cannot drop file permissions here: unreadable directories not tested");
            return;
        };
        let (entries, warnings) = walk(root, Selector::all());
        assert_eq!(rels(&entries)[..4], [".", "a", "a/locked", "b"]);
        let locked: Vec<_> = warnings.iter().map(|w| w.path.clone()).collect();
        assert_eq!(locked, [root.join("a/locked"), root.join("skipped/locked"), root.join("usr/locked")]);
        assert!(warnings.iter().all(|w| w.error.kind() == io::ErrorKind::PermissionDenied));
        // An excluded directory is never opened, nor one that can hold no include.
        let sel = Selector::new(&["/a", "/keep", "/skipped/*/x"], &["skipped/"]).unwrap();
        let (entries, warnings) = walk(root, sel);
        assert_eq!(rels(&entries), [".", "a", "a/locked", "keep", "keep/z"]);
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert_eq!(warnings[0].path, root.join("a/locked"));
    }

    #[test]
    fn stays_on_one_file_system() {
        let root_dev = fs::metadata("/").unwrap().dev();
        let Ok(proc_md) = fs::metadata("/proc") else { return };
        if proc_md.dev() == root_dev {
            eprintln!("note: /proc is not a mount point here: file system boundaries not tested");
            return;
        }
        let sel = Selector::new(&["/proc"], &[]).unwrap();
        let got: Vec<String> = Walker::new("/", sel.clone(), WalkOptions::default())
            .unwrap()
            .filter_map(Result::ok)
            .map(|e| String::from_utf8_lossy(e.rel()).into_owned())
            .collect();
        assert_eq!(got, [".", "proc"], "the mount point is written, not descended into");
        let crossed = Walker::new("/", sel, WalkOptions { cross_fs: true })
            .unwrap()
            .filter_map(Result::ok)
            .take(5)
            .filter(|e| e.rel().starts_with(b"proc/"))
            .count();
        assert!(crossed > 0, "cross_fs descends");
    }

    /// Walk speed over a real tree: `TAPEBACKARR_WALK=/usr cargo test --release --lib
    /// pipeline::walk::tests::throughput -- --ignored --nocapture`.
    #[test]
    #[ignore]
    fn throughput() {
        let root = std::env::var_os("TAPEBACKARR_WALK").unwrap_or_else(|| "/usr".into());
        let start = std::time::Instant::now();
        let (mut entries, mut warnings, mut bytes) = (0u64, 0u64, 0u64);
        for item in Walker::new(&root, Selector::all(), WalkOptions::default()).unwrap() {
            match item {
                Ok(e) => {
                    entries += 1;
                    bytes += e.size;
                }
                Err(_) => warnings += 1,
            }
        }
        let secs = start.elapsed().as_secs_f64();
        eprintln!(
            "{}: {entries} entries ({:.1} GB), {warnings} warnings in {secs:.2} s: {:.0} entries/s",
            root.to_string_lossy(),
            bytes as f64 / 1e9,
            entries as f64 / secs
        );
    }
}
