//! The backup loop: walk a source, write what it selects as a pax stream, and say what went
//! where.
//!
//! For each entry the walk yields, this decides whether it goes into the stream (always for a
//! full backup; new or changed ones for an incremental, compared with the previous run's
//! snapshot), writes it, and reports an index [`FileRecord`] with the frame and offset of its
//! header, taken from the sink's cursor before a byte of it is written. Files are read once,
//! hashed as they are written. Trouble with one file is an [`Event::Warning`], never the end of
//! the backup; only the sink (the tape) failing stops it.
//!
//! The new snapshot holds every entry that is safely in this set or an earlier one; a file
//! that could not be read, or changed while it was read, is left out of it, so the next
//! incremental takes it again.

use std::collections::HashMap;
use std::io;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

use super::snapshot::{Change, Differ, SnapEntry, SnapshotWriter, walk_order};
use super::tar::{Header, Kind, OwnedHeader, Sink, TarWriter, entry_len};
use super::walk::{Entry, EntryKind, Timestamp, Walker};
use crate::format::index::{FileKind, FileRecord};

/// A sink that knows where the next byte of the stream lands: the frame's sequence number
/// and the offset inside the frame's decoded bytes.
pub trait Cursor {
    fn cursor(&self) -> (u64, u64);
}

impl Cursor for super::part_writer::PartWriter<'_> {
    fn cursor(&self) -> (u64, u64) {
        let (seq, offset, _) = super::part_writer::PartWriter::cursor(self);
        (seq, offset as u64)
    }
}

/// What the loop reports as it goes.
pub enum Event<'a> {
    /// An entry's headers are about to be written at stream offset `start`, the frame and
    /// offset its record will name; `size` content bytes follow. Kept by whoever may have to
    /// pick the stream up inside it ([`Resume`]).
    Begin { header: &'a Header<'a>, size: u64, start: u64, frame: u64, offset: u64 },
    /// An entry is in the stream (or, kind `Deleted`, recorded as gone).
    Entry(&'a FileRecord),
    /// Something could not be taken as it was. `unreadable`: its content is missing from the
    /// set (a file that could not be opened or read), which makes the backup partial.
    Warning { path: &'a Path, message: String, unreadable: bool },
}

/// What the loop did.
#[derive(Debug, Default)]
pub struct Summary {
    /// Entries in the stream.
    pub entries: u64,
    /// Regular files in the stream, and their content bytes.
    pub files: u64,
    pub file_bytes: u64,
    /// Paths recorded as deleted (incrementals).
    pub deleted: u64,
    /// Entries an incremental found unchanged and left out.
    pub unchanged: u64,
    /// Entries of the last snapshot the walk could not see (below a path it warned about),
    /// kept in the new snapshot rather than recorded as deleted.
    pub carried: u64,
    pub warnings: u64,
    /// Files whose content is missing or cut (see [`Event::Warning`]).
    pub unreadable: u64,
    /// The source's state after this run (see `snapshot`), its entry count and file bytes.
    pub snapshot: Vec<u8>,
    pub snapshot_entries: u64,
    pub snapshot_bytes: u64,
}

/// An entry cut by the end of a part: what a resumed run needs to write the rest of it.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Crossing {
    pub header: OwnedHeader,
    pub size: u64,
    /// Stream offset of its first header byte; the frame and offset its record names.
    pub start: u64,
    pub frame: u64,
    pub offset: u64,
}

impl Crossing {
    /// Stream offset just past its content and padding.
    pub fn end(&self) -> io::Result<u64> {
        Ok(self.start + entry_len(&self.header.header()?, self.size)?)
    }
}

/// Where a resumed run picks the stream up (`backup resume`).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Resume {
    /// The stream offset the new part starts at.
    pub at: u64,
    /// Entries (and recorded deletions) up to this path in walk order are on tape already.
    pub after: Vec<u8>,
    /// The entry at `after` when the cut fell inside it: its bytes from `at` on are written
    /// first, with the header and size it was begun with.
    pub crossing: Option<Crossing>,
    /// Where the end-of-archive blocks start, when the cut fell in them.
    pub end_blocks: Option<u64>,
}

/// What a replay asks of the entries the first run wrote: the mtime (ns) and, for a file
/// with content, the size its record has, if this set holds one for the path.
pub type Recorded<'a> = dyn FnMut(&[u8]) -> io::Result<Option<(Option<u64>, i64)>> + 'a;

/// Writes the entries of `walker` into `tar`. With `previous` (the parent's snapshot), only
/// new and changed entries are written and vanished ones are reported as `Deleted`.
///
/// With `resume`, the stream is picked up where a cut part ended: entries up to
/// `resume.after` are replayed (for the snapshot, hard links and deletions, asking `recorded`
/// which the set holds) without a byte written, the crossing entry's rest is written, and
/// the walk goes on from there.
pub fn archive<W: Sink + Cursor>(
    walker: Walker,
    tar: &mut TarWriter<W>,
    previous: Option<&[u8]>,
    on: &mut dyn FnMut(Event<'_>) -> io::Result<()>,
) -> io::Result<Summary> {
    archive_from(walker, tar, previous, on, None)
}

pub fn archive_from<W: Sink + Cursor>(
    walker: Walker,
    tar: &mut TarWriter<W>,
    previous: Option<&[u8]>,
    on: &mut dyn FnMut(Event<'_>) -> io::Result<()>,
    mut resume: Option<(&Resume, &mut Recorded<'_>)>,
) -> io::Result<Summary> {
    let mut differ = previous.map(Differ::new).transpose()?;
    let mut snapshot = SnapshotWriter::new();
    let mut summary = Summary::default();
    // Paths under which an inode with several links went into this stream: the first link
    // the walk met may not be in it (unchanged, or unreadable), so a later link may have to
    // carry the content itself.
    let mut linked: HashMap<Vec<u8>, Vec<u8>> = HashMap::new();
    // Paths the walk could not look into (an unreadable directory, a vanished entry): what
    // the last snapshot had below them is not known to be gone, so it is carried over, not
    // recorded as deleted — a point-in-time restore must not lose it over a permission slip.
    let mut unknown = Unseen::default();

    // Whether a path is on tape already (a resumed run replays up to `resume.after`).
    let done = |path: &[u8], resume: &Option<(&Resume, &mut Recorded<'_>)>| {
        resume.as_ref().is_some_and(|(r, _)| walk_order(path, &r.after).is_le())
    };
    let mut crossing_pending = resume.as_ref().and_then(|(r, _)| r.crossing.clone());
    for item in walker {
        let entry = match item {
            Ok(entry) => entry,
            Err(w) => {
                unknown.add(&w.rel);
                if !done(&w.rel, &resume) {
                    summary.warnings += 1;
                    on(Event::Warning { path: &w.path, message: w.error.to_string(), unreadable: false })?;
                }
                continue;
            }
        };
        let snap = SnapEntry::from_entry(&entry);
        // The cut entry is written before anything after it, even when it is gone.
        if let Some(c) = crossing_pending.take_if(|c| walk_order(&c.header.path, entry.rel()).is_le()) {
            let same = c.header.path == entry.rel();
            let clean = write_crossing(tar, &c, same.then_some(&entry), &mut summary, on)?;
            if same {
                if clean {
                    snapshot.add(&snap)?;
                }
                if let Some(d) = differ.as_mut() {
                    // What vanished before it is before the cut: recorded by the first run.
                    let mut gone = Vec::new();
                    d.classify(&snap, &mut |e| gone.push(e))?;
                    for g in gone.iter().filter(|g| unknown.covers(&g.path)) {
                        snapshot.add(g)?;
                    }
                }
                continue;
            }
        }
        if let Some(d) = differ.as_mut() {
            let mut gone = Vec::new();
            let change = d.classify(&snap, &mut |e| gone.push(e))?;
            for g in gone {
                if done(&g.path, &resume) {
                    if unknown.covers(&g.path) {
                        snapshot.add(&g)?;
                    }
                    continue;
                }
                settle_gone(tar, &g, &unknown, &mut snapshot, &mut summary, on)?;
            }
            if matches!(change, Change::Unchanged) {
                // Left out; a changed link to the same inode will not find it in `linked`
                // and carries the content itself.
                if !done(entry.rel(), &resume) {
                    summary.unchanged += 1;
                }
                snapshot.add(&snap)?;
                continue;
            }
        }
        if done(entry.rel(), &resume)
            && let Some((_, recorded)) = resume.as_mut()
        {
            replay_entry(&entry, &snap, recorded, &mut linked, &mut snapshot)?;
            continue;
        }
        let clean = write_entry(tar, &entry, &mut linked, &mut summary, on)?;
        if clean {
            snapshot.add(&snap)?;
        }
    }
    if let Some(c) = crossing_pending.take() {
        write_crossing(tar, &c, None, &mut summary, on)?;
    }
    if let Some(d) = differ {
        let mut gone = Vec::new();
        d.finish(&mut |e| gone.push(e))?;
        for g in gone {
            if done(&g.path, &resume) {
                if unknown.covers(&g.path) {
                    snapshot.add(&g)?;
                }
                continue;
            }
            settle_gone(tar, &g, &unknown, &mut snapshot, &mut summary, on)?;
        }
    }
    summary.snapshot_entries = snapshot.count();
    summary.snapshot_bytes = snapshot.total_bytes();
    summary.snapshot = snapshot.finish()?;
    Ok(summary)
}

/// A stream stored as a set's one entry: a regular file at `path` (relative) of exactly
/// `size` bytes, owned by `uid`:`gid` with `mode`, modified at `mtime`.
#[derive(Debug, Clone)]
pub struct StreamEntry {
    pub path: Vec<u8>,
    pub size: u64,
    pub mode: u32,
    pub mtime: Timestamp,
    pub uid: u32,
    pub gid: u32,
}

/// Writes `src` into `tar` as the set's one entry (`backup run --stdin`, a guest's dump): a
/// regular file, so restore, `catalog find`, verify and `tar -x` by hand see what they see
/// for any file. A stream that ends before `entry.size` bytes or goes on after them is an
/// error, not a warning: the set would not hold what was sent.
pub fn archive_stream<W: Sink + Cursor>(
    entry: &StreamEntry,
    mut src: impl io::Read,
    tar: &mut TarWriter<W>,
    on: &mut dyn FnMut(Event<'_>) -> io::Result<()>,
) -> io::Result<Summary> {
    let (frame, offset) = tar.get_ref().cursor();
    let header = Header {
        path: &entry.path,
        kind: Kind::File,
        mode: entry.mode & 0o7777,
        uid: entry.uid.into(),
        gid: entry.gid.into(),
        uname: b"",
        gname: b"",
        mtime: entry.mtime,
    };
    on(Event::Begin { header: &header, size: entry.size, start: tar.offset(), frame, offset })?;
    let written = tar.append_file(&header, entry.size, &mut src)?;
    if let Some(e) = written.read_error {
        return Err(io::Error::new(e.kind(), format!("reading the stream after {} bytes: {e}", written.read)));
    }
    let mut probe = [0u8; 1];
    // All of it read: more is there if the writer saw it (`changed`) or one more read finds it.
    let longer = written.read == entry.size && (written.changed || read_some(&mut src, &mut probe)? > 0);
    if written.read < entry.size || longer {
        let what = if longer { "goes on past".to_string() } else { format!("ended after {} of", written.read) };
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!("the stream {what} the {} bytes announced: the set is not kept", entry.size),
        ));
    }
    let record = FileRecord {
        path: entry.path.clone(),
        size: written.size,
        mode: entry.mode & 0o7777,
        mtime: entry.mtime.secs,
        mtime_nsec: entry.mtime.nanos,
        uid: entry.uid,
        gid: entry.gid,
        kind: FileKind::File,
        link: None,
        blake3: Some(*written.blake3.as_bytes()),
        frame,
        offset,
        frame_block: None,
    };
    on(Event::Entry(&record))?;
    let mut snapshot = SnapshotWriter::new();
    snapshot.add(&SnapEntry {
        path: entry.path.clone(),
        kind: super::snapshot::kind::FILE,
        size: entry.size,
        mtime_ns: entry.mtime.as_nanos(),
        ctime_ns: entry.mtime.as_nanos(),
        mode: entry.mode & 0o7777,
    })?;
    Ok(Summary {
        entries: 1,
        files: 1,
        file_bytes: written.size,
        snapshot_entries: snapshot.count(),
        snapshot_bytes: snapshot.total_bytes(),
        snapshot: snapshot.finish()?,
        ..Summary::default()
    })
}

/// One read, retried when interrupted.
fn read_some(src: &mut impl io::Read, buf: &mut [u8]) -> io::Result<usize> {
    loop {
        match src.read(buf) {
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            other => return other,
        }
    }
}

/// Writes one entry; returns whether it went in whole and unchanged.
fn write_entry<W: Sink + Cursor>(
    tar: &mut TarWriter<W>,
    entry: &Entry,
    linked: &mut HashMap<Vec<u8>, Vec<u8>>,
    summary: &mut Summary,
    on: &mut dyn FnMut(Event<'_>) -> io::Result<()>,
) -> io::Result<bool> {
    let (frame, offset) = tar.get_ref().cursor();
    let mut header = Header::from(entry);
    let mut record = FileRecord {
        path: entry.rel().to_vec(),
        size: 0,
        mode: entry.mode & 0o7777,
        mtime: entry.mtime.secs,
        mtime_nsec: entry.mtime.nanos,
        uid: entry.uid,
        gid: entry.gid,
        kind: file_kind(&entry.kind),
        link: None,
        blake3: None,
        frame,
        offset,
        frame_block: None,
    };
    // A hard link whose first name is not in this stream carries the content itself.
    let mut content = matches!(entry.kind, EntryKind::File);
    if let EntryKind::Hardlink { target } = &entry.kind {
        match linked.get(target) {
            Some(first) => {
                header.kind = Kind::Hardlink(first);
                record.link = Some(first.clone());
            }
            None => {
                header.kind = Kind::File;
                record.kind = FileKind::File;
                content = true;
            }
        }
    }
    if let EntryKind::Symlink { target } = &entry.kind {
        record.link = Some(target.clone());
    }

    // Begin is said only right before the entry's first byte: a file that cannot be opened
    // writes none, and must not look like an entry a cut could fall in.
    if !content {
        on(Event::Begin { header: &header, size: 0, start: tar.offset(), frame, offset })?;
        tar.append(&header)?;
        summary.entries += 1;
        on(Event::Entry(&record))?;
        return Ok(true);
    }

    let file = match entry.open() {
        Ok(f) => f,
        Err(e) => {
            summary.warnings += 1;
            summary.unreadable += 1;
            on(Event::Warning { path: entry.full_path(), message: e.to_string(), unreadable: true })?;
            return Ok(false);
        }
    };
    on(Event::Begin { header: &header, size: entry.size, start: tar.offset(), frame, offset })?;
    let written = tar.append_file(&header, entry.size, file)?;
    record.size = written.size;
    record.blake3 = Some(*written.blake3.as_bytes());
    summary.entries += 1;
    summary.files += 1;
    summary.file_bytes += written.size;
    if entry.nlink > 1 {
        let first = match &entry.kind {
            EntryKind::Hardlink { target } => target.clone(),
            _ => entry.rel().to_vec(),
        };
        linked.insert(first, entry.rel().to_vec());
    }
    on(Event::Entry(&record))?;
    if let Some(e) = written.read_error {
        summary.warnings += 1;
        summary.unreadable += 1;
        let message =
            format!("read failed after {} of {} bytes, the rest is zeros in the set: {e}", written.read, written.size);
        on(Event::Warning { path: entry.full_path(), message, unreadable: true })?;
        return Ok(false);
    }
    if written.changed {
        summary.warnings += 1;
        let message = if written.read < written.size {
            format!("shrank while it was read: {} of {} bytes, padded with zeros", written.read, written.size)
        } else {
            format!("changed while it was read: the set holds its first {} bytes", written.size)
        };
        on(Event::Warning { path: entry.full_path(), message, unreadable: false })?;
        return Ok(false);
    }
    Ok(true)
}

/// An entry the first run of a resumed set already wrote (or left out): into the snapshot
/// when the set holds it as it still is, and into the hard-link map.
fn replay_entry(
    entry: &Entry,
    snap: &SnapEntry,
    recorded: &mut Recorded<'_>,
    linked: &mut HashMap<Vec<u8>, Vec<u8>>,
    snapshot: &mut SnapshotWriter,
) -> io::Result<()> {
    let Some((size, mtime_ns)) = recorded(entry.rel())? else {
        // Not in the set (unreadable then, or new since): the next run takes it.
        return Ok(());
    };
    let is_file = matches!(entry.kind, EntryKind::File | EntryKind::Hardlink { .. });
    if is_file && entry.nlink > 1 {
        let first = match &entry.kind {
            EntryKind::Hardlink { target } => target.clone(),
            _ => entry.rel().to_vec(),
        };
        linked.entry(first).or_insert_with(|| entry.rel().to_vec());
    }
    if mtime_ns == entry.mtime.as_nanos() && size.is_none_or(|size| size == entry.size) {
        snapshot.add(snap)?;
    }
    Ok(())
}

/// The rest of the entry a part's end cut, with the header it was begun with: read again
/// from the start (for its checksum), written from the cut on. `entry` is what the walk
/// finds at its path now (`None`: gone); content that changed meanwhile is a warning.
/// Returns whether it went in whole and unchanged.
fn write_crossing<W: Sink + Cursor>(
    tar: &mut TarWriter<W>,
    c: &Crossing,
    entry: Option<&Entry>,
    summary: &mut Summary,
    on: &mut dyn FnMut(Event<'_>) -> io::Result<()>,
) -> io::Result<bool> {
    let header = c.header.header()?;
    let at = tar.offset();
    tar.resume_within(c.start, at);
    let mut record = FileRecord {
        path: c.header.path.clone(),
        size: 0,
        mode: c.header.mode & 0o7777,
        mtime: c.header.mtime_secs,
        mtime_nsec: c.header.mtime_nanos,
        uid: c.header.uid as u32,
        gid: c.header.gid as u32,
        kind: file_kind_name(&c.header.kind),
        link: (!c.header.link.is_empty()).then(|| c.header.link.clone()),
        blake3: None,
        frame: c.frame,
        offset: c.offset,
        frame_block: None,
    };
    on(Event::Begin { header: &header, size: c.size, start: c.start, frame: c.frame, offset: c.offset })?;
    if header.kind != Kind::File {
        tar.append(&header)?;
        summary.entries += 1;
        on(Event::Entry(&record))?;
        return Ok(true);
    }
    let same = entry.filter(|e| {
        matches!(e.kind, EntryKind::File | EntryKind::Hardlink { .. })
            && e.size == c.size
            && e.mtime.as_nanos() == header.mtime.as_nanos()
    });
    let opened = match same.map(|e| e.open()) {
        Some(Ok(f)) => Some(f),
        _ => None,
    };
    let written = match opened {
        Some(f) => tar.append_file(&header, c.size, f)?,
        None => tar.append_file(&header, c.size, io::empty())?,
    };
    record.size = written.size;
    record.blake3 = Some(*written.blake3.as_bytes());
    summary.entries += 1;
    summary.files += 1;
    summary.file_bytes += written.size;
    on(Event::Entry(&record))?;
    let path = entry.map_or_else(|| Path::new(std::ffi::OsStr::from_bytes(&c.header.path)), |e| e.full_path());
    if same.is_none() || written.changed || written.read_error.is_some() {
        summary.warnings += 1;
        summary.unreadable += 1;
        let message =
            "changed or gone since the interrupted run: the set holds zeros after what was written then".to_string();
        on(Event::Warning { path, message, unreadable: true })?;
        return Ok(false);
    }
    Ok(true)
}

fn file_kind_name(kind: &str) -> FileKind {
    match kind {
        "dir" => FileKind::Dir,
        "symlink" => FileKind::Symlink,
        "hardlink" => FileKind::Hardlink,
        "fifo" => FileKind::Fifo,
        "char" => FileKind::Char,
        "block" => FileKind::Block,
        _ => FileKind::File,
    }
}

/// Paths the walk warned about (it could not look at or into them), relative to the root.
#[derive(Debug, Default)]
pub struct Unseen(Vec<Vec<u8>>);

impl Unseen {
    pub fn add(&mut self, rel: &[u8]) {
        self.0.push(rel.to_vec());
    }

    /// `path` is one of them or below one: whether it still exists is not known.
    pub fn covers(&self, path: &[u8]) -> bool {
        self.0.iter().any(|u| path == u || u == b"." || (path.starts_with(u) && path.get(u.len()) == Some(&b'/')))
    }
}

/// An entry of the last snapshot the walk did not meet: deleted, or, below a path the walk
/// could not look into, carried over into the new snapshot as it was.
fn settle_gone<W: Sink + Cursor>(
    tar: &TarWriter<W>,
    gone: &SnapEntry,
    unknown: &Unseen,
    snapshot: &mut SnapshotWriter,
    summary: &mut Summary,
    on: &mut dyn FnMut(Event<'_>) -> io::Result<()>,
) -> io::Result<()> {
    if unknown.covers(&gone.path) {
        summary.carried += 1;
        return snapshot.add(gone);
    }
    record_deleted(tar, gone, summary, on)
}

fn record_deleted<W: Sink + Cursor>(
    tar: &TarWriter<W>,
    gone: &SnapEntry,
    summary: &mut Summary,
    on: &mut dyn FnMut(Event<'_>) -> io::Result<()>,
) -> io::Result<()> {
    let (frame, offset) = tar.get_ref().cursor();
    summary.deleted += 1;
    let record = FileRecord {
        path: gone.path.clone(),
        size: 0,
        mode: gone.mode & 0o7777,
        mtime: gone.mtime_ns.div_euclid(1_000_000_000),
        mtime_nsec: gone.mtime_ns.rem_euclid(1_000_000_000) as u32,
        uid: 0,
        gid: 0,
        kind: FileKind::Deleted,
        link: None,
        blake3: None,
        frame,
        offset,
        frame_block: None,
    };
    on(Event::Entry(&record))
}

fn file_kind(kind: &EntryKind) -> FileKind {
    match kind {
        EntryKind::File => FileKind::File,
        EntryKind::Dir => FileKind::Dir,
        EntryKind::Symlink { .. } => FileKind::Symlink,
        EntryKind::Hardlink { .. } => FileKind::Hardlink,
        EntryKind::Fifo => FileKind::Fifo,
        EntryKind::CharDevice { .. } => FileKind::Char,
        EntryKind::BlockDevice { .. } => FileKind::Block,
    }
}
