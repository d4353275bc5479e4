//! Snapshots: the complete state of a source tree after a backup run, and the diff of the
//! next walk against it.
//!
//! An incremental must know, for every entry of the live walk, whether it is new, changed or
//! unchanged since the last run, and which paths are gone. A snapshot records every entry the
//! run walked (not only what it wrote), so the next run can tell. The catalog stores a
//! snapshot as one BLOB; this module only turns entries into bytes, bytes back into entries,
//! and diffs a walk against them.
//!
//! **Memory stays flat.** A source may hold millions of entries. The snapshot is written and
//! read as a stream, and the diff is a merge of two sorted streams (the walk and the previous
//! snapshot) holding one record of look-ahead: only the compressed bytes are in memory as a
//! whole, never the list of entries.
//!
//! **Order.** Records are in walk order ([`walk_order`]): the order in which
//! [`super::walk::Walker`] yields entries, which compares paths component by component (the
//! root `.` first). This is not the byte order of full paths (`a/b` walks before `a.b`, though
//! `.` < `/`). Writing refuses, and reading fails on, anything not strictly increasing,
//! since the diff would silently give wrong answers on it.
//!
//! # Byte format (version 1)
//!
//! ```text
//! "TBSNAP" 0x00 0x01                 magic, then the format version
//! one zstd frame (level 3, with its content checksum) holding:
//!   record*                          one per entry, in strictly increasing walk order
//!   end                              the end marker and the record count
//!
//! record = shared:varint             bytes shared with the previous record's path (0 for the first)
//!          suffix_len:varint         >= 1: the path's remaining bytes ...
//!          suffix:bytes              ... which follow
//!          kind:u8                   0 file, 1 dir, 2 symlink, 3 hardlink, 4 fifo, 5 char, 6 block
//!          size:varint               st_size for files and hard links, else 0
//!          mtime:zigzag              mtime in nanoseconds since the epoch
//!          ctime_delta:zigzag        ctime minus mtime in nanoseconds (wrapping i64 arithmetic)
//!          mode:varint               permission bits, st_mode & 0o7777 (fits u32)
//! end    = 0x00 0x00                 shared 0 and suffix_len 0: a real record never has an
//!                                    empty suffix, since its path sorts after the previous one
//!          count:varint              the number of records
//! ```
//!
//! `varint` is unsigned LEB128 (at most 10 bytes, up to `u64::MAX`); `zigzag` maps an `i64`
//! to `(v << 1) ^ (v >> 63)` and stores that as a varint. Paths are raw bytes relative to
//! the source root, never converted to UTF-8.
//!
//! Why so: shared-prefix coding removes most of a path (siblings share their directory), and
//! zstd takes most of the rest; ctime is stored relative to mtime because the two are mostly
//! equal or close, which costs one byte where a second absolute time would cost eight or nine.
//! The end marker with its count, the zstd checksum, and the rule that nothing may follow the
//! frame make a truncated or damaged snapshot an error rather than a shorter list (a shorter
//! list would turn into false deletions, or worse, files silently left out of an incremental).
//!
//! Size: 12.3 bytes per entry for 102 003 entries of `home/user/projectN/src/fileI.rs` with
//! random nanosecond mtimes and sizes (test `bytes_per_entry`), most of it the entropy of
//! those times and sizes; storing ctime absolute instead of as a delta made it 13.05.

use std::cmp::Ordering;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::iter::FusedIterator;

use super::walk::{Entry, EntryKind};

/// The magic, without the version byte that follows it.
const MAGIC: &[u8; 7] = b"TBSNAP\0";
/// The format version this build writes and reads.
pub const VERSION: u8 = 1;
const ZSTD_LEVEL: i32 = 3;
/// The longest path a record may hold: far beyond `PATH_MAX`, and only there so that a
/// damaged length cannot make the reader allocate gigabytes.
const MAX_PATH: usize = 1 << 20;
/// Buffer over the decoder: records are parsed a byte at a time from it.
const READ_BUFFER: usize = 64 << 10;

/// The kind codes stored in a record. The numbers are part of the on-disk format.
pub mod kind {
    pub const FILE: u8 = 0;
    pub const DIR: u8 = 1;
    pub const SYMLINK: u8 = 2;
    pub const HARDLINK: u8 = 3;
    pub const FIFO: u8 = 4;
    pub const CHAR: u8 = 5;
    pub const BLOCK: u8 = 6;
}

/// [`EntryKind::name`] of each kind code, indexed by code.
const KIND_NAMES: [&str; 7] = ["file", "dir", "symlink", "hardlink", "fifo", "char", "block"];

/// The code of a walker's kind.
pub fn kind_code(kind: &EntryKind) -> u8 {
    match kind {
        EntryKind::File => kind::FILE,
        EntryKind::Dir => kind::DIR,
        EntryKind::Symlink { .. } => kind::SYMLINK,
        EntryKind::Hardlink { .. } => kind::HARDLINK,
        EntryKind::Fifo => kind::FIFO,
        EntryKind::CharDevice { .. } => kind::CHAR,
        EntryKind::BlockDevice { .. } => kind::BLOCK,
    }
}

/// The code of a kind name as [`EntryKind::name`] gives it (`"file"`, `"dir"`, ...).
pub fn kind_from_name(name: &str) -> Option<u8> {
    KIND_NAMES.iter().position(|&n| n == name).and_then(|i| u8::try_from(i).ok())
}

/// Compares two relative paths the way the walker orders them: component by component
/// (split at `/`, each compared by its bytes), a directory before its contents, and the
/// root `.` before everything.
///
/// Comparing components is comparing bytes with `/` taken as smaller than any other byte:
/// at the first difference, the path whose component ends there sorts first.
pub fn walk_order(a: &[u8], b: &[u8]) -> Ordering {
    match (a == b".", b == b".") {
        (true, true) => return Ordering::Equal,
        (true, false) => return Ordering::Less,
        (false, true) => return Ordering::Greater,
        (false, false) => {}
    }
    match a.iter().zip(b).position(|(x, y)| x != y) {
        // One is a prefix of the other: its last component ends first (or it is an ancestor).
        None => a.len().cmp(&b.len()),
        Some(i) => match (a[i], b[i]) {
            (b'/', _) => Ordering::Less,
            (_, b'/') => Ordering::Greater,
            (x, y) => x.cmp(&y),
        },
    }
}

/// One entry of a snapshot: what is compared to tell whether an entry changed.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SnapEntry {
    /// Relative to the source root, `.` for the root (as [`Entry::rel`]).
    pub path: Vec<u8>,
    /// One of the [`kind`] codes.
    pub kind: u8,
    /// `st_size` for files and hard links, 0 for everything else.
    pub size: u64,
    pub mtime_ns: i64,
    pub ctime_ns: i64,
    /// `st_mode & 0o7777`.
    pub mode: u32,
}

impl SnapEntry {
    pub fn from_entry(e: &Entry) -> SnapEntry {
        SnapEntry {
            path: e.rel().to_vec(),
            kind: kind_code(&e.kind),
            size: e.size,
            mtime_ns: e.mtime.as_nanos(),
            ctime_ns: e.ctime.as_nanos(),
            mode: e.mode,
        }
    }

    /// The kind as [`EntryKind::name`] names it; `"unknown"` for a code no kind has (which
    /// the writer refuses and the reader never yields).
    pub fn kind_name(&self) -> &'static str {
        KIND_NAMES.get(usize::from(self.kind)).copied().unwrap_or("unknown")
    }

    /// Whether `other` is the same state of the entry: the diff's definition of unchanged
    /// (the path is not compared).
    pub fn same_state(&self, other: &SnapEntry) -> bool {
        self.kind == other.kind
            && self.size == other.size
            && self.mtime_ns == other.mtime_ns
            && self.ctime_ns == other.ctime_ns
            && self.mode == other.mode
    }
}

fn put_varint(buf: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        buf.push((v as u8) | 0x80);
        v >>= 7;
    }
    buf.push(v as u8);
}

fn zigzag(v: i64) -> u64 {
    ((v << 1) ^ (v >> 63)) as u64
}

fn unzigzag(v: u64) -> i64 {
    ((v >> 1) as i64) ^ -((v & 1) as i64)
}

fn common_prefix(a: &[u8], b: &[u8]) -> usize {
    a.iter().zip(b).take_while(|(x, y)| x == y).count()
}

fn corrupt(msg: impl Into<String>) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, msg.into())
}

fn truncated() -> io::Error {
    io::Error::new(io::ErrorKind::UnexpectedEof, "the snapshot is truncated")
}

/// Builds a snapshot from entries given in walk order, compressing as it goes.
pub struct SnapshotWriter {
    enc: zstd::Encoder<'static, Vec<u8>>,
    /// The last path added: the next one is coded against it, and must sort after it.
    prev: Vec<u8>,
    /// One record, built here to go to the encoder in one call.
    rec: Vec<u8>,
    count: u64,
    total_bytes: u64,
}

impl Default for SnapshotWriter {
    fn default() -> Self {
        Self::new()
    }
}

impl SnapshotWriter {
    pub fn new() -> Self {
        let mut out = Vec::with_capacity(64 << 10);
        out.extend_from_slice(MAGIC);
        out.push(VERSION);
        // These only fail if zstd cannot allocate its context or refuses a constant
        // parameter: nothing a caller could handle.
        let mut enc = zstd::Encoder::new(out, ZSTD_LEVEL).expect("a zstd encoder over a Vec can be created");
        enc.include_checksum(true).expect("zstd accepts the checksum flag");
        SnapshotWriter { enc, prev: Vec::new(), rec: Vec::with_capacity(256), count: 0, total_bytes: 0 }
    }

    /// Appends `e`, which must sort strictly after the entry added before it
    /// ([`walk_order`]); anything else is refused with `InvalidInput`, and nothing is added.
    pub fn add(&mut self, e: &SnapEntry) -> io::Result<()> {
        let invalid = |msg: String| io::Error::new(io::ErrorKind::InvalidInput, msg);
        if e.path.is_empty() || e.path.len() > MAX_PATH {
            return Err(invalid(format!("snapshot: a path of {} bytes cannot be stored", e.path.len())));
        }
        if usize::from(e.kind) >= KIND_NAMES.len() {
            return Err(invalid(format!("snapshot: unknown kind code {}", e.kind)));
        }
        if self.count > 0 && walk_order(&self.prev, &e.path) != Ordering::Less {
            return Err(invalid(format!(
                "snapshot: {} does not come after {} in walk order",
                String::from_utf8_lossy(&e.path),
                String::from_utf8_lossy(&self.prev)
            )));
        }
        let shared = common_prefix(&self.prev, &e.path);
        let suffix = &e.path[shared..];
        // A path sorting after the previous one is never a prefix of it, so the suffix is
        // never empty, and an empty suffix can mark the end.
        debug_assert!(!suffix.is_empty());
        self.rec.clear();
        put_varint(&mut self.rec, shared as u64);
        put_varint(&mut self.rec, suffix.len() as u64);
        self.rec.extend_from_slice(suffix);
        self.rec.push(e.kind);
        put_varint(&mut self.rec, e.size);
        put_varint(&mut self.rec, zigzag(e.mtime_ns));
        put_varint(&mut self.rec, zigzag(e.ctime_ns.wrapping_sub(e.mtime_ns)));
        put_varint(&mut self.rec, u64::from(e.mode));
        self.enc.write_all(&self.rec)?;
        self.prev.truncate(shared);
        self.prev.extend_from_slice(suffix);
        self.count += 1;
        if e.kind == kind::FILE {
            self.total_bytes = self.total_bytes.saturating_add(e.size);
        }
        Ok(())
    }

    /// Entries added so far.
    pub fn count(&self) -> u64 {
        self.count
    }

    /// The sum of the sizes of the entries of kind file added so far (hard links not
    /// counted twice).
    pub fn total_bytes(&self) -> u64 {
        self.total_bytes
    }

    /// Writes the end marker and the count, and returns the whole snapshot.
    pub fn finish(mut self) -> io::Result<Vec<u8>> {
        self.rec.clear();
        put_varint(&mut self.rec, 0);
        put_varint(&mut self.rec, 0);
        put_varint(&mut self.rec, self.count);
        self.enc.write_all(&self.rec)?;
        self.enc.finish()
    }
}

/// Decodes a snapshot as a stream of entries, in walk order.
///
/// Every problem (wrong magic or version, truncation, damage, records out of order, a count
/// that does not match) is an `Err` item, after which the iterator ends: a damaged snapshot
/// never reads as a shorter one.
pub struct SnapshotReader<'a> {
    input: BufReader<zstd::Decoder<'static, &'a [u8]>>,
    prev: Vec<u8>,
    count: u64,
    done: bool,
}

impl<'a> SnapshotReader<'a> {
    /// Checks the magic and the version; the records are decoded as they are iterated.
    pub fn new(bytes: &'a [u8]) -> io::Result<SnapshotReader<'a>> {
        let Some((magic, rest)) = bytes.split_first_chunk::<8>() else {
            return Err(corrupt("not a snapshot: too short"));
        };
        if &magic[..7] != MAGIC {
            return Err(corrupt("not a snapshot: bad magic"));
        }
        if magic[7] != VERSION {
            return Err(io::Error::new(
                io::ErrorKind::Unsupported,
                format!("snapshot format version {} is not supported (this build reads version {VERSION})", magic[7]),
            ));
        }
        // `&[u8]` is buffered already; the BufReader on top serves the byte-wise parsing.
        let dec = zstd::Decoder::with_buffer(rest)?;
        Ok(SnapshotReader {
            input: BufReader::with_capacity(READ_BUFFER, dec),
            prev: Vec::new(),
            count: 0,
            done: false,
        })
    }

    /// Records decoded so far (not `count`, which [`Iterator::count`] would shadow).
    pub fn records_read(&self) -> u64 {
        self.count
    }

    fn byte(&mut self) -> io::Result<Option<u8>> {
        loop {
            match self.input.fill_buf() {
                Ok(buf) => {
                    let Some(&b) = buf.first() else { return Ok(None) };
                    self.input.consume(1);
                    return Ok(Some(b));
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
    }

    fn need_byte(&mut self) -> io::Result<u8> {
        self.byte()?.ok_or_else(truncated)
    }

    fn varint(&mut self) -> io::Result<u64> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.need_byte()?;
            let bits = u64::from(b & 0x7f);
            if shift == 63 && bits > 1 {
                return Err(corrupt("a number overflows 64 bits"));
            }
            v |= bits << shift;
            if b & 0x80 == 0 {
                return Ok(v);
            }
        }
        Err(corrupt("a number is longer than 10 bytes"))
    }

    /// The next record, or `None` after a valid end.
    fn record(&mut self) -> io::Result<Option<SnapEntry>> {
        let shared = self.varint()?;
        let suffix_len = self.varint()?;
        if suffix_len == 0 {
            if shared != 0 {
                return Err(corrupt("a record has an empty path suffix"));
            }
            let count = self.varint()?;
            if count != self.count {
                return Err(corrupt(format!("the end says {count} records, {} were read", self.count)));
            }
            // Reading past the end also makes zstd check the frame's checksum.
            if self.byte()?.is_some() {
                return Err(corrupt("data follows the end marker"));
            }
            return Ok(None);
        }
        let shared = usize::try_from(shared)
            .ok()
            .filter(|&s| s <= self.prev.len())
            .ok_or_else(|| corrupt("a record shares more bytes than the previous path has"))?;
        let len = usize::try_from(suffix_len)
            .ok()
            .and_then(|l| l.checked_add(shared))
            .filter(|&l| l <= MAX_PATH)
            .ok_or_else(|| corrupt("a record's path is too long"))?;
        let mut path = Vec::with_capacity(len);
        path.extend_from_slice(&self.prev[..shared]);
        path.resize(len, 0);
        self.input.read_exact(&mut path[shared..]).map_err(|e| match e.kind() {
            io::ErrorKind::UnexpectedEof => truncated(),
            _ => e,
        })?;
        if self.count > 0 && walk_order(&self.prev, &path) != Ordering::Less {
            return Err(corrupt(format!(
                "{} does not come after {} in walk order",
                String::from_utf8_lossy(&path),
                String::from_utf8_lossy(&self.prev)
            )));
        }
        let kind = self.need_byte()?;
        if usize::from(kind) >= KIND_NAMES.len() {
            return Err(corrupt(format!("unknown kind code {kind}")));
        }
        let size = self.varint()?;
        let mtime_ns = unzigzag(self.varint()?);
        let ctime_ns = mtime_ns.wrapping_add(unzigzag(self.varint()?));
        let mode = u32::try_from(self.varint()?).map_err(|_| corrupt("a mode does not fit 32 bits"))?;
        self.prev.clear();
        self.prev.extend_from_slice(&path);
        self.count += 1;
        Ok(Some(SnapEntry { path, kind, size, mtime_ns, ctime_ns, mode }))
    }
}

impl Iterator for SnapshotReader<'_> {
    type Item = io::Result<SnapEntry>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        match self.record() {
            Ok(Some(e)) => Some(Ok(e)),
            Ok(None) => {
                self.done = true;
                None
            }
            Err(e) => {
                self.done = true;
                Some(Err(io::Error::new(e.kind(), format!("snapshot record {}: {e}", self.count + 1))))
            }
        }
    }
}

impl FusedIterator for SnapshotReader<'_> {}

/// How an entry of the live walk compares with the previous snapshot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Change {
    /// Not in the previous snapshot.
    New,
    /// In it, with another kind, size, mtime, ctime or mode.
    Changed,
    /// In it, in the same state.
    Unchanged,
}

/// Diffs a walk against the previous snapshot: a merge of two streams in walk order, holding
/// one previous record of look-ahead.
///
/// An error (a damaged previous snapshot, current entries out of order) may come after some
/// entries were classified already: the caller must then give up on the diff as a whole.
pub struct Differ<'a> {
    previous: SnapshotReader<'a>,
    /// The next previous record not yet matched or reported deleted.
    ahead: Option<SnapEntry>,
    /// The last current path classified: the next one must sort after it.
    last: Vec<u8>,
    started: bool,
}

impl<'a> Differ<'a> {
    pub fn new(previous: &'a [u8]) -> io::Result<Differ<'a>> {
        Ok(Differ { previous: SnapshotReader::new(previous)?, ahead: None, last: Vec::new(), started: false })
    }

    /// Classifies `current` (entries must come in strictly increasing walk order; some may be
    /// left out, e.g. those the walk could not take). Every previous entry that sorts before
    /// it and was not seen is a deletion, passed to `deleted` (in walk order).
    pub fn classify(&mut self, current: &SnapEntry, deleted: &mut dyn FnMut(SnapEntry)) -> io::Result<Change> {
        if self.started && walk_order(&self.last, &current.path) != Ordering::Less {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!(
                    "diff: {} does not come after {} in walk order",
                    String::from_utf8_lossy(&current.path),
                    String::from_utf8_lossy(&self.last)
                ),
            ));
        }
        self.started = true;
        self.last.clear();
        self.last.extend_from_slice(&current.path);
        loop {
            if self.ahead.is_none() {
                self.ahead = self.previous.next().transpose()?;
            }
            let Some(prev) = self.ahead.take() else { return Ok(Change::New) };
            match walk_order(&prev.path, &current.path) {
                Ordering::Less => deleted(prev),
                Ordering::Equal => {
                    return Ok(if prev.same_state(current) { Change::Unchanged } else { Change::Changed });
                }
                Ordering::Greater => {
                    self.ahead = Some(prev);
                    return Ok(Change::New);
                }
            }
        }
    }

    /// Reports the previous entries after the last current one: deletions. Also checks the
    /// rest of the previous snapshot, so a damaged tail is an error here.
    pub fn finish(mut self, deleted: &mut dyn FnMut(SnapEntry)) -> io::Result<()> {
        if let Some(prev) = self.ahead.take() {
            deleted(prev);
        }
        for prev in self.previous {
            deleted(prev?);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::select::Selector;
    use crate::pipeline::walk::{WalkOptions, Walker};
    use proptest::prelude::*;
    use std::collections::BTreeMap;
    use std::ffi::OsStr;
    use std::fs;
    use std::os::unix::ffi::OsStrExt;
    use std::path::Path;

    fn entry(path: &[u8], kind: u8, size: u64, mtime_ns: i64) -> SnapEntry {
        SnapEntry { path: path.to_vec(), kind, size, mtime_ns, ctime_ns: mtime_ns, mode: 0o644 }
    }

    fn encode(entries: &[SnapEntry]) -> Vec<u8> {
        let mut w = SnapshotWriter::new();
        for e in entries {
            w.add(e).unwrap();
        }
        w.finish().unwrap()
    }

    fn decode(bytes: &[u8]) -> io::Result<Vec<SnapEntry>> {
        SnapshotReader::new(bytes)?.collect()
    }

    /// Sorts and dedups paths the way a snapshot holds them.
    fn sorted(mut entries: Vec<SnapEntry>) -> Vec<SnapEntry> {
        entries.sort_by(|a, b| walk_order(&a.path, &b.path));
        entries.dedup_by(|a, b| a.path == b.path);
        entries
    }

    /// A small deterministic generator, so the tests need no seed handling.
    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
    }

    fn sample(n: usize) -> Vec<SnapEntry> {
        let mut rng = Rng(0x5eed);
        let names: [&[u8]; 8] =
            [b"a", b"a.b", b"a-", b"a0", b"\x01", b"\xff\xfe", b"caf\xe9", b"long name with spaces"];
        let mut out =
            vec![SnapEntry { path: b".".to_vec(), kind: kind::DIR, size: 0, mtime_ns: 0, ctime_ns: 0, mode: 0o755 }];
        for i in 0..n {
            let depth = 1 + (rng.next() % 4) as usize;
            let mut path = Vec::new();
            for d in 0..depth {
                if d > 0 {
                    path.push(b'/');
                }
                path.extend_from_slice(names[(rng.next() % 8) as usize]);
            }
            path.extend_from_slice(format!("{i}").as_bytes());
            let mtime = match i % 5 {
                0 => -(rng.next() as i64 >> 3),
                1 => i64::MIN,
                2 => i64::MAX,
                _ => rng.next() as i64,
            };
            out.push(SnapEntry {
                path,
                kind: (rng.next() % 7) as u8,
                size: if i % 7 == 0 { u64::MAX } else { rng.next() >> (rng.next() % 64) },
                mtime_ns: mtime,
                ctime_ns: if i % 3 == 0 { mtime } else { rng.next() as i64 },
                mode: if i % 11 == 0 { u32::MAX } else { (rng.next() % 0o10000) as u32 },
            });
        }
        sorted(out)
    }

    #[test]
    fn walk_order_compares_components() {
        use Ordering::*;
        assert_eq!(walk_order(b"a/b", b"a.b"), Less);
        assert_eq!(b"a.b".as_slice().cmp(b"a/b".as_slice()), Less, "byte order differs");
        assert_eq!(walk_order(b".", b"-x"), Less);
        assert_eq!(walk_order(b"-x", b"."), Greater);
        assert_eq!(walk_order(b".", b"."), Equal);
        assert_eq!(walk_order(b"a", b"a/b"), Less);
        assert_eq!(walk_order(b"a", b"ab"), Less);
        assert_eq!(walk_order(b"a/z", b"ab"), Less);
        assert_eq!(walk_order(b"a/\xff", b"a\x01"), Less);
        assert_eq!(walk_order(b"a\x01", b"a/\xff"), Greater);
        assert_eq!(walk_order(b"x/y/z", b"x/y/z"), Equal);
    }

    #[test]
    fn kind_codes_match_walker_names() {
        let kinds = [
            EntryKind::File,
            EntryKind::Dir,
            EntryKind::Symlink { target: b"t".to_vec() },
            EntryKind::Hardlink { target: b"t".to_vec() },
            EntryKind::Fifo,
            EntryKind::CharDevice { major: 1, minor: 3 },
            EntryKind::BlockDevice { major: 8, minor: 0 },
        ];
        for k in &kinds {
            let e = SnapEntry { kind: kind_code(k), ..entry(b"x", 0, 0, 0) };
            assert_eq!(e.kind_name(), k.name());
            assert_eq!(kind_from_name(k.name()), Some(e.kind));
        }
        assert_eq!(kind_from_name("socket"), None);
        assert_eq!(entry(b"x", 7, 0, 0).kind_name(), "unknown");
    }

    #[test]
    fn walk_order_matches_the_walker() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let names: [&[u8]; 19] = [
            b"a/b/c/d",
            b"a/b.c",
            b"a/b-",
            b"a/b0",
            b"a/b/\xff",
            b"a/b/\x01",
            b"a.b",
            b"a-",
            b"a0",
            b"a\x01",
            b"a\xff/x.y/z",
            b"a\xff/x/y",
            b"\x01/\x01",
            b"\xff/a",
            b".hidden/a",
            b"-x",
            b"!",
            b"b/a/a/a",
            b"b./a",
        ];
        for n in names {
            let p = root.join(OsStr::from_bytes(n));
            fs::create_dir_all(p.parent().unwrap()).unwrap();
            fs::write(&p, n).unwrap();
        }
        fs::create_dir_all(root.join("empty/dir")).unwrap();
        let rels: Vec<Vec<u8>> = Walker::new(root, Selector::all(), WalkOptions::default())
            .unwrap()
            .map(|e| e.unwrap().rel().to_vec())
            .collect();
        assert!(rels.len() > names.len() + 5, "{rels:?}");
        assert_eq!(rels[0], b".");
        for w in rels.windows(2) {
            assert_eq!(walk_order(&w[0], &w[1]), Ordering::Less, "{:?} then {:?}", w[0], w[1]);
        }
        // And sorting by walk_order reproduces the walk from any order.
        let mut shuffled = rels.clone();
        shuffled.reverse();
        shuffled.sort();
        shuffled.sort_by(|a, b| walk_order(a, b));
        assert_eq!(shuffled, rels);

        // A snapshot of the real walk round-trips.
        let entries: Vec<SnapEntry> = Walker::new(root, Selector::all(), WalkOptions::default())
            .unwrap()
            .map(|e| SnapEntry::from_entry(&e.unwrap()))
            .collect();
        assert_eq!(decode(&encode(&entries)).unwrap(), entries);
        let file = entries.iter().find(|e| e.path == b"a/b/c/d").unwrap();
        assert_eq!((file.kind_name(), file.size, file.mode), ("file", 7, fs_mode(&root.join("a/b/c/d"))));
    }

    fn fs_mode(p: &Path) -> u32 {
        use std::os::unix::fs::MetadataExt;
        fs::symlink_metadata(p).unwrap().mode() & 0o7777
    }

    #[test]
    fn round_trip() {
        let entries = sample(20_000);
        let mut w = SnapshotWriter::new();
        for e in &entries {
            w.add(e).unwrap();
        }
        assert_eq!(w.count(), entries.len() as u64);
        let files: u64 =
            entries.iter().filter(|e| e.kind == kind::FILE).fold(0u64, |acc, e| acc.saturating_add(e.size));
        assert_eq!(w.total_bytes(), files);
        let bytes = w.finish().unwrap();
        assert!(bytes.starts_with(b"TBSNAP\x00\x01"));
        let back = decode(&bytes).unwrap();
        assert_eq!(back, entries);
        assert!(back.iter().any(|e| e.mtime_ns < 0));
        assert!(back.iter().any(|e| std::str::from_utf8(&e.path).is_err()));
        let mut reader = SnapshotReader::new(&bytes).unwrap();
        reader.by_ref().for_each(drop);
        assert_eq!(reader.records_read(), entries.len() as u64);
        assert!(reader.next().is_none());

        let empty = encode(&[]);
        assert_eq!(decode(&empty).unwrap(), Vec::new());
    }

    #[test]
    fn out_of_order_add_is_refused() {
        let mut w = SnapshotWriter::new();
        w.add(&entry(b".", kind::DIR, 0, 0)).unwrap();
        w.add(&entry(b"a", kind::DIR, 0, 0)).unwrap();
        w.add(&entry(b"a/b", kind::FILE, 1, 0)).unwrap();
        for bad in [&b"a/b"[..], b"a", b".", b"a/a", b"\x01"] {
            let err = w.add(&entry(bad, kind::FILE, 1, 0)).unwrap_err();
            assert_eq!(err.kind(), io::ErrorKind::InvalidInput, "{bad:?}");
        }
        assert_eq!(w.add(&entry(b"", kind::FILE, 0, 0)).unwrap_err().kind(), io::ErrorKind::InvalidInput);
        assert_eq!(w.add(&entry(b"z", 7, 0, 0)).unwrap_err().kind(), io::ErrorKind::InvalidInput);
        w.add(&entry(b"a.b", kind::FILE, 5, 0)).unwrap();
        assert_eq!(w.count(), 4);
        assert_eq!(w.total_bytes(), 6);
        let back = decode(&w.finish().unwrap()).unwrap();
        let paths: Vec<&[u8]> = back.iter().map(|e| &e.path[..]).collect();
        assert_eq!(paths, [&b"."[..], b"a", b"a/b", b"a.b"]);

        let mut w = SnapshotWriter::new();
        w.add(&entry(b"a.b", kind::FILE, 0, 0)).unwrap();
        assert!(w.add(&entry(b"a/b", kind::FILE, 0, 0)).is_err(), "byte order is not walk order");
    }

    #[test]
    fn truncation_is_detected() {
        let bytes = encode(&sample(300));
        for len in 0..bytes.len() {
            let result = decode(&bytes[..len]);
            assert!(result.is_err(), "truncated to {len} of {} bytes, read as valid", bytes.len());
        }
    }

    #[test]
    fn corruption_is_detected() {
        let entries = sample(300);
        let bytes = encode(&entries);
        let mut flipped = 0;
        for i in 0..bytes.len() {
            for bit in [0x01u8, 0x80] {
                let mut bad = bytes.clone();
                bad[i] ^= bit;
                // A flip zstd can absorb (say, a larger window in the frame header) must
                // still give exactly the same entries; anything else must be an error.
                match decode(&bad) {
                    Ok(back) => assert_eq!(back, entries, "byte {i} bit {bit:#x} read as different entries"),
                    Err(_) => flipped += 1,
                }
            }
        }
        assert!(flipped > bytes.len(), "{flipped}");
        let mut longer = bytes.clone();
        longer.push(0);
        assert!(decode(&longer).is_err(), "trailing garbage");
        let mut twice = bytes.clone();
        twice.extend_from_slice(&bytes[8..]);
        assert!(decode(&twice).is_err(), "a second frame");
    }

    /// Builds a raw snapshot from record bytes, bypassing the writer's checks.
    fn raw(records: &[u8]) -> Vec<u8> {
        let mut out = b"TBSNAP\x00\x01".to_vec();
        out.extend(zstd::encode_all(records, 3).unwrap());
        out
    }

    fn raw_record(buf: &mut Vec<u8>, shared: u64, suffix: &[u8], kind: u8) {
        put_varint(buf, shared);
        put_varint(buf, suffix.len() as u64);
        buf.extend_from_slice(suffix);
        buf.extend_from_slice(&[kind, 0, 0, 0, 0]);
    }

    #[test]
    fn bad_snapshots_are_errors() {
        let good = encode(&[entry(b"a", 0, 0, 0)]);
        assert!(decode(b"").is_err());
        assert!(decode(b"TBSNAP").is_err());
        let mut bad_magic = good.clone();
        bad_magic[0] = b'X';
        assert_eq!(SnapshotReader::new(&bad_magic).err().unwrap().kind(), io::ErrorKind::InvalidData);
        let mut v2 = good.clone();
        v2[7] = 2;
        assert_eq!(SnapshotReader::new(&v2).err().unwrap().kind(), io::ErrorKind::Unsupported);

        let check = |records: &[u8], what: &str| {
            let got = decode(&raw(records));
            assert!(got.is_err(), "{what}: {got:?}");
        };
        // Valid by hand, to show the helpers are right.
        let mut ok = Vec::new();
        raw_record(&mut ok, 0, b"a", 0);
        raw_record(&mut ok, 1, b"/b", 0);
        raw_record(&mut ok, 1, b".b", 0);
        ok.extend_from_slice(&[0, 0, 3]);
        assert_eq!(decode(&raw(&ok)).unwrap().len(), 3);

        let mut out_of_order = Vec::new();
        raw_record(&mut out_of_order, 0, b"a.b", 0);
        raw_record(&mut out_of_order, 1, b"/b", 0);
        out_of_order.extend_from_slice(&[0, 0, 2]);
        check(&out_of_order, "out of order");

        let mut duplicate = Vec::new();
        raw_record(&mut duplicate, 0, b"a", 0);
        raw_record(&mut duplicate, 0, b"a", 0);
        duplicate.extend_from_slice(&[0, 0, 2]);
        check(&duplicate, "duplicate");

        let mut wrong_count = ok.clone();
        *wrong_count.last_mut().unwrap() = 2;
        check(&wrong_count, "count too small");
        let mut no_end = ok.clone();
        no_end.truncate(no_end.len() - 3);
        check(&no_end, "no end marker");
        let mut after_end = ok.clone();
        after_end.push(0);
        check(&after_end, "data after the end");

        let mut bad_kind = Vec::new();
        raw_record(&mut bad_kind, 0, b"a", 7);
        bad_kind.extend_from_slice(&[0, 0, 1]);
        check(&bad_kind, "unknown kind");

        let mut too_shared = Vec::new();
        raw_record(&mut too_shared, 5, b"a", 0);
        too_shared.extend_from_slice(&[0, 0, 1]);
        check(&too_shared, "shares more than there is");

        let mut huge = Vec::new();
        put_varint(&mut huge, 0);
        put_varint(&mut huge, u64::MAX);
        check(&huge, "huge suffix");

        let mut long_varint = vec![0, 1, b'a', 0];
        long_varint.extend_from_slice(&[0xff; 11]);
        check(&long_varint, "varint too long");

        let mut big_mode = Vec::new();
        put_varint(&mut big_mode, 0);
        put_varint(&mut big_mode, 1);
        big_mode.extend_from_slice(&[b'a', 0, 0, 0, 0]);
        put_varint(&mut big_mode, 1 << 32);
        big_mode.extend_from_slice(&[0, 0, 1]);
        check(&big_mode, "mode over 32 bits");

        // The reader stops after its first error.
        let snap = raw(&out_of_order);
        let mut reader = SnapshotReader::new(&snap).unwrap();
        assert!(reader.next().unwrap().is_ok());
        assert!(reader.next().unwrap().is_err());
        assert!(reader.next().is_none());
    }

    type Changes = Vec<(Vec<u8>, Change)>;

    /// Runs a diff of `current` against the snapshot of `previous`: each current path with
    /// its change, and the deleted paths in the order they were reported.
    fn diff(previous: &[SnapEntry], current: &[SnapEntry]) -> (Changes, Vec<Vec<u8>>) {
        let snap = encode(previous);
        let mut differ = Differ::new(&snap).unwrap();
        let mut deleted = Vec::new();
        let mut changes = Vec::new();
        for e in current {
            let c = differ.classify(e, &mut |d| deleted.push(d.path)).unwrap();
            changes.push((e.path.clone(), c));
        }
        differ.finish(&mut |d| deleted.push(d.path)).unwrap();
        (changes, deleted)
    }

    fn tree(paths: &[&str]) -> Vec<SnapEntry> {
        let out: Vec<SnapEntry> =
            paths.iter().enumerate().map(|(i, p)| entry(p.as_bytes(), kind::FILE, i as u64, 1_000)).collect();
        for w in out.windows(2) {
            assert_eq!(walk_order(&w[0].path, &w[1].path), Ordering::Less, "test tree out of order");
        }
        out
    }

    fn paths(list: &[Vec<u8>]) -> Vec<String> {
        list.iter().map(|p| String::from_utf8_lossy(p).into_owned()).collect()
    }

    #[test]
    fn diff_identical_trees() {
        let t = sample(2000);
        let (changes, deleted) = diff(&t, &t);
        assert!(changes.iter().all(|(_, c)| *c == Change::Unchanged));
        assert!(deleted.is_empty());
        let (changes, deleted) = diff(&[], &t);
        assert!(changes.iter().all(|(_, c)| *c == Change::New));
        assert!(deleted.is_empty());
        let (changes, deleted) = diff(&t, &[]);
        assert!(changes.is_empty());
        assert_eq!(deleted.len(), t.len());
    }

    #[test]
    fn diff_additions_changes_and_deletions() {
        let old = tree(&[".", "a", "a/x", "a/y", "a/y/1", "a/y/2", "a.b", "b", "c", "c/d", "c/d/e", "c/f", "z"]);
        let mut new = tree(&[".", "a", "a/x", "a/y", "a/y/1", "a.a", "a.b", "b", "b/new", "c", "d"]);
        // Keep the states of the surviving entries, then change one field each.
        for e in &mut new {
            if let Some(o) = old.iter().find(|o| o.path == e.path) {
                *e = o.clone();
            }
        }
        let by = |p: &str| new.iter().position(|e| e.path == p.as_bytes()).unwrap();
        let (i, j, k, l, m) = (by("a"), by("a/x"), by("a/y"), by("a/y/1"), by("c"));
        new[i].kind = kind::SYMLINK;
        new[j].size += 1;
        new[k].mtime_ns -= 1;
        new[l].ctime_ns += 1;
        new[m].mode = 0o600;
        let (changes, deleted) = diff(&old, &new);
        let got: Vec<(String, Change)> = changes.into_iter().map(|(p, c)| (String::from_utf8(p).unwrap(), c)).collect();
        use Change::*;
        let want = [
            (".", Unchanged),
            ("a", Changed),
            ("a/x", Changed),
            ("a/y", Changed),
            ("a/y/1", Changed),
            ("a.a", New),
            ("a.b", Unchanged),
            ("b", Unchanged),
            ("b/new", New),
            ("c", Changed),
            ("d", New),
        ];
        let want: Vec<(String, Change)> = want.iter().map(|(p, c)| (p.to_string(), *c)).collect();
        assert_eq!(got, want);
        assert_eq!(paths(&deleted), ["a/y/2", "c/d", "c/d/e", "c/f", "z"]);
    }

    #[test]
    fn diff_deletions_at_start_middle_and_end() {
        // The root sorts first, so "!" and "-" come after it though their bytes are smaller.
        let old = tree(&[".", "!", "-", "a", "m", "m/1", "m/2", "n", "y", "z", "z/z"]);
        let new: Vec<SnapEntry> =
            old.iter().filter(|e| [&b"-"[..], b"a", b"n", b"y"].contains(&&e.path[..])).cloned().collect();
        let (changes, deleted) = diff(&old, &new);
        assert!(changes.iter().all(|(_, c)| *c == Change::Unchanged));
        assert_eq!(paths(&deleted), [".", "!", "m", "m/1", "m/2", "z", "z/z"]);

        // Deletions are reported as soon as the walk passes them, not at the end.
        let snap = encode(&old);
        let mut differ = Differ::new(&snap).unwrap();
        let mut seen = Vec::new();
        differ.classify(&old[4], &mut |d| seen.push(d.path)).unwrap();
        assert_eq!(paths(&seen), [".", "!", "-", "a"]);
    }

    #[test]
    fn diff_refuses_out_of_order_input_and_bad_snapshots() {
        let old = tree(&["a", "b"]);
        let snap = encode(&old);
        let mut differ = Differ::new(&snap).unwrap();
        differ.classify(&entry(b"b", 0, 0, 0), &mut |_| {}).unwrap();
        let err = differ.classify(&entry(b"a", 0, 0, 0), &mut |_| {}).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidInput);
        assert!(differ.classify(&entry(b"b", 0, 0, 0), &mut |_| {}).is_err(), "the same path twice");

        let mut out_of_order = Vec::new();
        raw_record(&mut out_of_order, 0, b"b", 0);
        raw_record(&mut out_of_order, 0, b"a", 0);
        out_of_order.extend_from_slice(&[0, 0, 2]);
        let snap = raw(&out_of_order);
        let mut differ = Differ::new(&snap).unwrap();
        assert!(differ.classify(&entry(b"z", 0, 0, 0), &mut |_| {}).is_err());

        let good = encode(&old);
        let truncated = &good[..good.len() - 2];
        let differ = Differ::new(truncated).unwrap();
        assert!(differ.finish(&mut |_| {}).is_err());
        assert!(Differ::new(b"nope").is_err());
    }

    fn component() -> impl Strategy<Value = Vec<u8>> {
        prop_oneof![
            Just(b"a".to_vec()),
            Just(b"a.b".to_vec()),
            Just(b"a-".to_vec()),
            Just(b"b".to_vec()),
            Just(b"\x01".to_vec()),
            Just(b"\xff".to_vec()),
            proptest::collection::vec(any::<u8>().prop_filter("no slash or NUL", |&c| c != b'/' && c != 0), 1..4),
        ]
    }

    fn path() -> impl Strategy<Value = Vec<u8>> {
        prop_oneof![
            1 => Just(b".".to_vec()),
            20 => proptest::collection::vec(component(), 1..4).prop_map(|cs| cs.join(&b'/')),
        ]
    }

    /// A tree: path to state (kind, size, mtime, ctime, mode), few values so states repeat.
    fn tree_strategy() -> impl Strategy<Value = BTreeMap<Vec<u8>, (u8, u64, i64, i64, u32)>> {
        proptest::collection::btree_map(path(), (0u8..2, 0u64..2, -1i64..1, -1i64..1, 0u32..2), 0..60)
    }

    fn entries(t: &BTreeMap<Vec<u8>, (u8, u64, i64, i64, u32)>) -> Vec<SnapEntry> {
        let list = t
            .iter()
            .map(|(p, &(kind, size, mtime_ns, ctime_ns, mode))| SnapEntry {
                path: p.clone(),
                kind,
                size,
                mtime_ns,
                ctime_ns,
                mode,
            })
            .collect();
        sorted(list)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn diff_is_set_arithmetic(a in tree_strategy(), b in tree_strategy()) {
            let (old, new) = (entries(&a), entries(&b));
            let (changes, deleted) = diff(&old, &new);
            let mut want_deleted: Vec<Vec<u8>> = a.keys().filter(|p| !b.contains_key(*p)).cloned().collect();
            want_deleted.sort_by(|x, y| walk_order(x, y));
            prop_assert_eq!(deleted, want_deleted);
            prop_assert_eq!(changes.len(), b.len());
            for (p, c) in changes {
                let want = match a.get(&p) {
                    None => Change::New,
                    Some(s) if *s == b[&p] => Change::Unchanged,
                    Some(_) => Change::Changed,
                };
                prop_assert_eq!(c, want);
            }
        }

        #[test]
        fn round_trip_any_tree(a in tree_strategy()) {
            let list = entries(&a);
            prop_assert_eq!(decode(&encode(&list)).unwrap(), list);
        }
    }

    /// What a snapshot of a realistic tree costs: 1000 projects of 100 source files, with
    /// nanosecond times (ctime mostly equal to mtime, as for files written once).
    #[test]
    fn bytes_per_entry() {
        let mut rng = Rng(42);
        let base = 1_700_000_000_000_000_000i64;
        let mut w = SnapshotWriter::new();
        let dir = |p: &str, t: i64| SnapEntry {
            path: p.as_bytes().to_vec(),
            kind: kind::DIR,
            size: 0,
            mtime_ns: t,
            ctime_ns: t,
            mode: 0o755,
        };
        for p in [".", "home", "home/user"] {
            w.add(&dir(p, base)).unwrap();
        }
        // Sorted as the walker would: by name within each directory.
        let mut projects: Vec<String> = (0..1000).map(|p| format!("project{p}")).collect();
        projects.sort();
        let mut files = 0;
        for project in &projects {
            let p: u64 = project["project".len()..].parse().unwrap();
            // A project's files were written within a few weeks of each other.
            let project_time = base - (rng.next() % (365 * 86_400)) as i64 * 1_000_000_000;
            w.add(&dir(&format!("home/user/{project}"), project_time)).unwrap();
            w.add(&dir(&format!("home/user/{project}/src"), project_time)).unwrap();
            let mut names: Vec<String> = (p * 100..p * 100 + 100).map(|i| format!("file{i}.rs")).collect();
            names.sort();
            for name in names {
                let mtime = project_time - (rng.next() % (30 * 86_400 * 1_000_000_000)) as i64;
                let ctime =
                    if rng.next().is_multiple_of(10) { mtime + (rng.next() % 1_000_000_000_000) as i64 } else { mtime };
                w.add(&SnapEntry {
                    path: format!("home/user/{project}/src/{name}").into_bytes(),
                    kind: kind::FILE,
                    size: rng.next() % 40_000,
                    mtime_ns: mtime,
                    ctime_ns: ctime,
                    mode: 0o644,
                })
                .unwrap();
                files += 1;
            }
        }
        let count = w.count();
        let bytes = w.finish().unwrap();
        let per_entry = bytes.len() as f64 / count as f64;
        println!("snapshot of {count} entries ({files} files): {} bytes, {per_entry:.2} bytes/entry", bytes.len());
        assert!(per_entry < 16.0, "{per_entry:.2} bytes/entry");
        assert_eq!(SnapshotReader::new(&bytes).unwrap().records_read(), 0);
        assert_eq!(SnapshotReader::new(&bytes).unwrap().try_fold(0u64, |n, e| e.map(|_| n + 1)).unwrap(), count);
    }
}
