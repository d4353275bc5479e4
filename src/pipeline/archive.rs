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
use std::path::Path;

use super::snapshot::{Change, Differ, SnapEntry, SnapshotWriter};
use super::tar::{Header, Kind, Sink, TarWriter};
use super::walk::{Entry, EntryKind, Walker};
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

/// Writes the entries of `walker` into `tar`. With `previous` (the parent's snapshot), only
/// new and changed entries are written and vanished ones are reported as `Deleted`.
pub fn archive<W: Sink + Cursor>(
    walker: Walker,
    tar: &mut TarWriter<W>,
    previous: Option<&[u8]>,
    on: &mut dyn FnMut(Event<'_>) -> io::Result<()>,
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

    for item in walker {
        let entry = match item {
            Ok(entry) => entry,
            Err(w) => {
                summary.warnings += 1;
                unknown.add(&w.rel);
                on(Event::Warning { path: &w.path, message: w.error.to_string(), unreadable: false })?;
                continue;
            }
        };
        let snap = SnapEntry::from_entry(&entry);
        if let Some(d) = differ.as_mut() {
            let mut gone = Vec::new();
            let change = d.classify(&snap, &mut |e| gone.push(e))?;
            for g in gone {
                settle_gone(tar, &g, &unknown, &mut snapshot, &mut summary, on)?;
            }
            if matches!(change, Change::Unchanged) {
                // Left out; a changed link to the same inode will not find it in `linked`
                // and carries the content itself.
                summary.unchanged += 1;
                snapshot.add(&snap)?;
                continue;
            }
        }
        let clean = write_entry(tar, &entry, &mut linked, &mut summary, on)?;
        if clean {
            snapshot.add(&snap)?;
        }
    }
    if let Some(d) = differ {
        let mut gone = Vec::new();
        d.finish(&mut |e| gone.push(e))?;
        for g in gone {
            settle_gone(tar, &g, &unknown, &mut snapshot, &mut summary, on)?;
        }
    }
    summary.snapshot_entries = snapshot.count();
    summary.snapshot_bytes = snapshot.total_bytes();
    summary.snapshot = snapshot.finish()?;
    Ok(summary)
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

    if !content {
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
