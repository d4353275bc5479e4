//! Restoring a set's entries from its tapes, as a library call below the front doors: which
//! entries (a [`Matcher`] over catalog paths), each found by seeking and checked against the
//! catalog before it takes its name, and where a run that needs a tape nobody can insert
//! stops ([`Progress`]), so the next run goes on from there. Tapes come through a
//! [`Medium`]; asking an operator for them is the caller's.

use std::collections::HashSet;
use std::ffi::OsString;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

use anyhow::Result;
use globset::{GlobBuilder, GlobMatcher};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::catalog::restore::{self as plan, Wanted};
use crate::catalog::sets::{self, Set};
use crate::catalog::{Catalog, tapes};
use crate::error::Failure;
use crate::format::frame::{DEFAULT_FRAME_SIZE, Framing};
use crate::format::label::DEFAULT_BLOCK_SIZE;
use crate::pathjson;
use crate::pipeline::extract::{ExtractError, Extractor, FileOutcome, Partial};
use crate::pipeline::part_reader::{Medium, PartReader, ReadStats, SetLayout};
use crate::pipeline::untar::{EntryHeader, EntryKind, TarReader};

/// Reading on is cheaper than a LOCATE (seconds on a real drive) up to this many bytes.
pub const SKIP_LIMIT: u64 = 64 << 20;

/// Which catalog paths the patterns select.
pub struct Matcher {
    literals: Vec<Vec<u8>>,
    globs: Vec<GlobMatcher>,
}

impl Matcher {
    pub fn new(patterns: &[OsString]) -> Result<Matcher> {
        let (mut literals, mut globs) = (Vec::new(), Vec::new());
        for p in patterns {
            let mut bytes = p.as_bytes();
            while let Some(rest) = bytes.strip_prefix(b"./") {
                bytes = rest;
            }
            while bytes.len() > 1
                && let Some(rest) = bytes.strip_suffix(b"/")
            {
                bytes = rest;
            }
            if bytes.is_empty() || bytes.starts_with(b"/") {
                return Err(Failure::usage(format!(
                    "'{}': patterns are paths inside the set, like etc/fstab (no leading /)",
                    p.to_string_lossy()
                ))
                .into());
            }
            if bytes.iter().any(|b| matches!(b, b'*' | b'?' | b'[')) {
                let text = std::str::from_utf8(bytes)
                    .map_err(|_| Failure::usage("a glob must be UTF-8 (give odd names as plain paths)"))?;
                let glob = GlobBuilder::new(text)
                    .literal_separator(true)
                    .backslash_escape(true)
                    .build()
                    .map_err(|e| Failure::usage(format!("'{text}': {e}")))?;
                globs.push(glob.compile_matcher());
            } else {
                literals.push(bytes.to_vec());
            }
        }
        Ok(Matcher { literals, globs })
    }

    pub fn everything(&self) -> bool {
        self.literals.is_empty() && self.globs.is_empty()
    }

    /// The path, or a directory above it, is selected.
    pub fn matches(&self, path: &[u8]) -> bool {
        if self.everything() {
            return true;
        }
        let under = |p: &[u8]| path == p || (path.starts_with(p) && path.get(p.len()) == Some(&b'/')) || p == b".";
        if self.literals.iter().any(|l| under(l)) {
            return true;
        }
        if self.globs.is_empty() {
            return false;
        }
        // The path itself and each directory above it.
        let mut end = path.len();
        loop {
            let prefix = Path::new(std::ffi::OsStr::from_bytes(&path[..end]));
            if self.globs.iter().any(|g| g.is_match(prefix)) {
                return true;
            }
            match path[..end].iter().rposition(|b| *b == b'/') {
                Some(slash) => end = slash,
                None => return false,
            }
        }
    }
}

/// One set to read, with what of it is wanted.
pub struct SetWork {
    pub set: Set,
    pub entries: u64,
    pub bytes: u64,
    /// Its parts with their tapes, in order.
    pub parts: Vec<(sets::Part, tapes::Tape)>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Totals {
    pub requested: u64,
    pub restored: u64,
    pub bytes: u64,
    pub skipped: u64,
    pub failed: u64,
    /// Checksum mismatches and undecodable data: exit 5.
    pub damaged: u64,
    pub tape: ReadStats,
    pub verified: u64,
}

/// A directory entry's header as the catalog recorded it, for its metadata.
pub fn dir_header(e: &Wanted) -> EntryHeader {
    EntryHeader {
        path: e.path.as_os_str().as_bytes().to_vec(),
        kind: EntryKind::Dir,
        size: 0,
        mode: e.mode,
        uid: e.uid.into(),
        gid: e.gid.into(),
        uname: Vec::new(),
        gname: Vec::new(),
        mtime_secs: e.mtime_ns.div_euclid(1_000_000_000),
        mtime_nanos: e.mtime_ns.rem_euclid(1_000_000_000) as u32,
        header_offset: 0,
    }
}

pub fn layout(set: &Set, key: Option<[u8; 32]>) -> Result<SetLayout> {
    let framing = Framing::from_fields(set.framing.as_deref().unwrap_or("raw"), &set.compression)
        .map_err(|e| anyhow::anyhow!("set {}: {e}", set.id))?;
    Ok(SetLayout {
        framing,
        key,
        set_uuid: set
            .uuid
            .as_deref()
            .and_then(|u| Uuid::parse_str(u).ok())
            .ok_or_else(|| anyhow::anyhow!("set {} has no UUID", set.id))?,
        block_size: set.block_size.map_or(DEFAULT_BLOCK_SIZE as usize, |b| b as usize),
        frame_size: set.frame_size.map_or(DEFAULT_FRAME_SIZE, |f| f as usize),
    })
}

/// Where a restore that waits for a tape stands (`restore_operations.resume_state`): what
/// came before `at` (in its set, and the sets before it) is done; the entry there goes on
/// from what was kept of it.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Progress {
    /// Where the run stopped.
    pub at: Option<Stopped>,
    pub totals: Totals,
    pub problems: Vec<Problem>,
    /// Files of `set` that failed: no hard link is made to them.
    pub failed: Vec<Problem>,
    /// Runs so far.
    pub runs: u32,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Problem {
    #[serde(with = "crate::format::index::path_json")]
    pub path: Vec<u8>,
    pub message: String,
}

/// A file whose content goes on on the next tape: the piece written, where the rest starts
/// in the stream, and what the entry's header said.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PartialFile {
    pub piece: Partial,
    pub continue_at: u64,
    pub size: u64,
    pub mode: u32,
    pub uid: u64,
    pub gid: u64,
    pub mtime_secs: i64,
    pub mtime_nanos: u32,
    pub checksum: Option<String>,
}

impl PartialFile {
    fn header(&self) -> EntryHeader {
        EntryHeader {
            path: self.piece.path.clone(),
            kind: EntryKind::File,
            size: self.size,
            mode: self.mode,
            uid: self.uid,
            gid: self.gid,
            uname: Vec::new(),
            gname: Vec::new(),
            mtime_secs: self.mtime_secs,
            mtime_nanos: self.mtime_nanos,
            header_offset: 0,
        }
    }
}

mod b64_opt {
    use base64::Engine;
    use base64::engine::general_purpose::STANDARD;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(v: &Option<Vec<u8>>, s: S) -> Result<S::Ok, S::Error> {
        match v {
            Some(b) => s.serialize_some(&STANDARD.encode(b)),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Vec<u8>>, D::Error> {
        Option::<String>::deserialize(d)?.map(|t| STANDARD.decode(t).map_err(serde::de::Error::custom)).transpose()
    }
}

/// Where a set's reading stopped for a tape nobody could insert: the set, the stream
/// position of the entry to go on with, and what of that entry is kept.
#[derive(Debug, Serialize, Deserialize)]
pub struct Stopped {
    pub set: i64,
    pub cursor: (u64, u64),
    pub partial: Option<PartialFile>,
    /// The bytes of the entry at the cursor that the earlier tape held, when its tar header
    /// itself goes on on the next tape (base64).
    #[serde(default, with = "b64_opt")]
    pub head: Option<Vec<u8>>,
}

/// Restores the wanted entries of one set from its tapes, the drive reading ahead on a
/// thread of its own meanwhile (`tape::read_ahead`). With `from`, the entries before its
/// cursor were restored by an earlier run. Returns where it stopped when a tape is needed
/// that nobody can insert.
#[allow(clippy::too_many_arguments)]
pub fn restore_set(
    catalog: &Catalog,
    chain: &[i64],
    w: &SetWork,
    layout: &SetLayout,
    tapes: &mut dyn Medium,
    matcher: &Matcher,
    extractor: &mut Extractor,
    totals: &mut Totals,
    problems: &mut Vec<(Vec<u8>, String)>,
    failed: &mut HashSet<Vec<u8>>,
    from: Option<Stopped>,
    verify: bool,
    bar: &indicatif::ProgressBar,
) -> Result<Option<Stopped>> {
    let conn = catalog.conn();
    let later: Vec<i64> = chain.iter().skip_while(|s| **s != w.set.id).skip(1).copied().collect();
    let parts: Vec<sets::Part> = w.parts.iter().map(|(p, _)| p.clone()).collect();
    // One reader for the set, moved with LOCATE or by reading on. It starts nowhere, so the
    // first entry LOCATEs straight to its own block; so does the next entry after damage.
    let mut reader = PartReader::across(tapes, layout).map_err(|e| anyhow::anyhow!("set {}: {e}", w.set.id))?;
    let mut tape_error = None;
    let mut stopped = None;
    let (cursor, mut resume_here) = match from {
        Some(f) => (Some(f.cursor), Some((f.partial, f.head))),
        None => (None, None),
    };
    plan::for_each_current(conn, chain, w.set.id, &mut |entry| {
        let position = (entry.frame_seq, entry.frame_offset);
        if cursor.is_some_and(|c| position < c) {
            // Restored by an earlier run.
            return Ok(());
        }
        let path = entry.path.as_os_str().as_bytes().to_vec();
        if entry.kind == "deleted" || !matcher.matches(&path) {
            return Ok(());
        }
        // A hard link is made only to a target restored from this very set; otherwise it
        // gets the target's content as a file of its own.
        let mut source = entry.clone();
        let mut as_file = false;
        if entry.kind == "hardlink" {
            let target = entry.link_target.clone().unwrap_or_default();
            let superseded = later.iter().any(|s| {
                plan::entry(conn, *s, Path::new(std::ffi::OsStr::from_bytes(&target))).ok().flatten().is_some()
            });
            if !matcher.matches(&target) || superseded || failed.contains(&target) {
                match plan::entry(conn, w.set.id, Path::new(std::ffi::OsStr::from_bytes(&target)))? {
                    Some(t) if t.kind == "file" => {
                        source = t;
                        as_file = true;
                    }
                    _ => {
                        totals.failed += 1;
                        problems.push((path, "its hard-link target is not in the set".into()));
                        return Ok(());
                    }
                }
            }
        }
        let begun = if Some(position) == cursor { resume_here.take().unwrap_or_default() } else { (None, None) };
        let kept = begun.clone();
        match restore_entry(&mut reader, layout, &parts, &entry, &source, as_file, extractor, begun) {
            Ok(Done::Restored(bytes)) => {
                totals.restored += 1;
                totals.bytes += bytes;
                if verify && bytes > 0 {
                    totals.verified += 1;
                }
                bar.inc(bytes);
            }
            Ok(Done::Skipped) => totals.skipped += 1,
            Ok(Done::Waiting { partial, head }) => {
                stopped = Some(Stopped { set: w.set.id, cursor: position, partial, head });
                return Err(anyhow::anyhow!("waiting for a tape"));
            }
            Err(Trouble::Entry(message)) => {
                totals.failed += 1;
                failed.insert(path.clone());
                problems.push((path, message));
            }
            Err(Trouble::Data(message)) => {
                totals.damaged += 1;
                failed.insert(path.clone());
                problems.push((path, message));
                // The reader is somewhere in a damaged frame: start afresh at the next entry.
                reader.lose_position();
            }
            Err(Trouble::Tape(e)) if super::needs_tape(&e) => {
                // Not begun here: as it was (a piece written before stays as it is).
                stopped = Some(Stopped { set: w.set.id, cursor: position, partial: kept.0, head: kept.1 });
                return Err(anyhow::anyhow!("waiting for a tape"));
            }
            Err(Trouble::Tape(e)) => {
                tape_error = Some(e);
                return Err(anyhow::anyhow!("tape error"));
            }
        }
        Ok(())
    })
    .or_else(|e| if tape_error.is_some() || stopped.is_some() { Ok(()) } else { Err(e) })?;
    totals.tape += reader.stats();
    if let Some(e) = tape_error {
        return Err(e);
    }
    Ok(stopped)
}

pub enum Done {
    Restored(u64),
    Skipped,
    /// The entry goes on on a tape nobody could insert: what of it is kept.
    Waiting {
        partial: Option<PartialFile>,
        head: Option<Vec<u8>>,
    },
}

pub enum Trouble {
    /// This entry could not be restored (exists, unsafe path, …); the rest go on.
    Entry(String),
    /// The tape's data is damaged or not what the catalog says: exit 5.
    Data(String),
    /// The drive failed, or a tape is needed: the restore stops.
    Tape(anyhow::Error),
}

/// Tar headers (with their pax records) are read in one piece from a buffer when they start
/// this close to the end of a part: one that goes on on the next tape can then be kept for
/// the run that has that tape.
pub const HEADER_ROOM: u64 = 1 << 20;

/// Positions `reader` at `source`'s header (reading on when that is cheaper than a LOCATE),
/// checks the header against the catalog and writes the entry under `entry`'s path. `begun`
/// is what an earlier run kept of this entry: a piece of its file, or the start of its
/// header.
#[allow(clippy::too_many_arguments)]
pub fn restore_entry(
    reader: &mut PartReader,
    layout: &SetLayout,
    parts: &[sets::Part],
    entry: &Wanted,
    source: &Wanted,
    as_file: bool,
    extractor: &mut Extractor,
    begun: (Option<PartialFile>, Option<Vec<u8>>),
) -> Result<Done, Trouble> {
    let expected = source.checksum.as_deref().and_then(|c| blake3::Hash::from_hex(c).ok());
    if let (Some(p), _) = &begun {
        // The rest of a file begun on an earlier tape, from the start of the part holding it.
        let (seq, block) = part_start(parts, p.continue_at, &source.path)?;
        reader.seek(seq, block, 0, SKIP_LIMIT).map_err(|e| read_trouble(e, &source.path))?;
        let h = p.header();
        let mut content = std::io::Read::take(&mut *reader, p.size - p.piece.written);
        let outcome = extractor
            .file_in_pieces(&h, &mut content, expected, Some(&p.piece), &super::waits_for_tape)
            .map_err(extract_trouble)?;
        return Ok(file_done(outcome, p.continue_at - p.piece.written, p));
    }
    let block = source
        .block
        .ok_or_else(|| Trouble::Data(format!("'{}': the catalog has no tape position for it", human(&source.path))))?;
    let target = source.frame_seq * layout.frame_size as u64 + source.frame_offset;
    let head = match begun.1 {
        Some(head) => {
            // The header's start was on the earlier tape; the rest opens the next part.
            let at = target + head.len() as u64;
            let (seq, block) = part_start(parts, at, &source.path)?;
            reader.seek(seq, block, 0, SKIP_LIMIT).map_err(|e| read_trouble(e, &source.path))?;
            head
        }
        None => {
            reader
                .seek(source.frame_seq, block, source.frame_offset, SKIP_LIMIT)
                .map_err(|e| read_trouble(e, &source.path))?;
            // Near the end of its part, what the part holds of the entry is read first.
            let part_end = parts
                .iter()
                .map(|p| (p.stream_offset + p.stream_bytes) as u64)
                .find(|end| *end > target)
                .unwrap_or(u64::MAX);
            if part_end - target <= HEADER_ROOM
                && parts.last().is_some_and(|p| ((p.stream_offset + p.stream_bytes) as u64) != part_end)
            {
                let mut head = vec![0u8; (part_end - target) as usize];
                std::io::Read::read_exact(&mut *reader, &mut head).map_err(|e| io_trouble(e, &source.path))?;
                head
            } else {
                Vec::new()
            }
        }
    };
    let head_len = head.len();
    let mut stream = std::io::Read::chain(std::io::Cursor::new(head.clone()), &mut *reader);
    let mut tar = TarReader::with_offset(&mut stream, target);
    let mut h = match tar.next_entry() {
        Ok(Some(h)) => h,
        Ok(None) => {
            return Err(Trouble::Data(format!("'{}': the archive ends where it should be", human(&source.path))));
        }
        Err(e) if head_len > 0 && super::waits_for_tape(&e) => {
            return Ok(Done::Waiting { partial: None, head: Some(head) });
        }
        Err(e) => return Err(io_trouble(e, &source.path)),
    };
    check_header(&h, source).map_err(Trouble::Data)?;
    if as_file {
        // A hard link restored with its target's content, under its own name.
        h.path = entry.path.as_os_str().as_bytes().to_vec();
        h.kind = EntryKind::File;
    }
    let content_start = tar.offset();
    let outcome = match &h.kind {
        EntryKind::File => {
            // The catalog's checksum is checked before the file takes its name: damaged data
            // never replaces (or poses as) a good file.
            let written = extractor
                .file_in_pieces(&h, &mut tar.content(), expected, None, &super::waits_for_tape)
                .map_err(extract_trouble)?;
            let p = PartialFile {
                piece: Partial { path: h.path.clone(), temp: Vec::new(), written: 0 },
                continue_at: 0,
                size: h.size,
                mode: h.mode,
                uid: h.uid,
                gid: h.gid,
                mtime_secs: h.mtime_secs,
                mtime_nanos: h.mtime_nanos,
                checksum: source.checksum.clone(),
            };
            return Ok(file_done(written, content_start, &p));
        }
        // An existing directory is merged into, whatever the overwrite mode: it counts as
        // restored (its metadata is set at the end), not skipped.
        EntryKind::Dir => extractor.dir(&h).map(|_| crate::pipeline::extract::Outcome::Restored),
        EntryKind::Symlink { .. } => extractor.symlink(&h),
        EntryKind::Hardlink { .. } => extractor.hardlink(&h),
        EntryKind::Fifo | EntryKind::Char { .. } | EntryKind::Block { .. } => extractor.special(&h),
        EntryKind::Unknown(flag) => {
            return Err(Trouble::Data(format!("'{}': unknown tar entry type {:?}", human(&entry.path), *flag as char)));
        }
    };
    match outcome.map_err(extract_trouble)? {
        crate::pipeline::extract::Outcome::Restored => Ok(Done::Restored(0)),
        crate::pipeline::extract::Outcome::Skipped => Ok(Done::Skipped),
    }
}

/// What writing a file came to; `content_start` is the stream offset of its first byte and
/// `p` what a piece of it kept for later says of it.
pub fn file_done(outcome: FileOutcome, content_start: u64, p: &PartialFile) -> Done {
    match outcome {
        FileOutcome::Skipped => Done::Skipped,
        FileOutcome::Written { size, .. } => Done::Restored(size),
        FileOutcome::Partial(piece) => {
            let continue_at = content_start + piece.written;
            Done::Waiting { partial: Some(PartialFile { piece, continue_at, ..p.clone() }), head: None }
        }
    }
}

/// The first frame (and its block) of the part that starts at stream offset `at`.
pub fn part_start(parts: &[sets::Part], at: u64, path: &Path) -> Result<(u64, u64), Trouble> {
    parts
        .iter()
        .find(|p| p.stream_offset as u64 == at)
        .map(|p| (p.first_frame as u64, p.header_block as u64 + 1))
        .ok_or_else(|| Trouble::Data(format!("'{}': no part of the set starts where its rest is ({at})", human(path))))
}

pub fn human(path: &Path) -> String {
    pathjson::to_human(path)
}

/// A read failure: the drive itself failing stops the restore; damage fails this entry.
pub fn read_trouble(e: crate::pipeline::part_reader::ReadError, path: &Path) -> Trouble {
    use crate::pipeline::part_reader::ReadError;
    use crate::tape::TapeError;
    match e {
        ReadError::Tape(TapeError::Medium(m)) => {
            Trouble::Data(format!("'{}': unreadable tape block: {m}", human(path)))
        }
        ReadError::Tape(other) => Trouble::Tape(anyhow::Error::new(other)),
        ReadError::TapeChange(e) => Trouble::Tape(e),
        other => Trouble::Data(format!("'{}': {other}", human(path))),
    }
}

pub fn io_trouble(e: std::io::Error, path: &Path) -> Trouble {
    match e.into_inner() {
        Some(inner) => match inner.downcast::<crate::pipeline::part_reader::ReadError>() {
            Ok(read) => read_trouble(*read, path),
            Err(other) => Trouble::Data(format!("'{}': {other}", human(path))),
        },
        None => Trouble::Data(format!("'{}': damaged archive", human(path))),
    }
}

/// The catalog's idea of an entry and the tape's header must agree.
pub fn check_header(h: &EntryHeader, source: &Wanted) -> Result<(), String> {
    let want = source.path.as_os_str().as_bytes();
    if h.path != want {
        return Err(format!(
            "the tape holds '{}' where the catalog expects '{}': not restored",
            pathjson::to_human(Path::new(std::ffi::OsStr::from_bytes(&h.path))),
            pathjson::to_human(&source.path)
        ));
    }
    let kind_ok = matches!(
        (&h.kind, source.kind.as_str()),
        (EntryKind::File, "file")
            | (EntryKind::Dir, "dir")
            | (EntryKind::Symlink { .. }, "symlink")
            | (EntryKind::Hardlink { .. }, "hardlink")
            | (EntryKind::Fifo, "fifo")
            | (EntryKind::Char { .. }, "char")
            | (EntryKind::Block { .. }, "block")
    );
    if !kind_ok || (source.kind == "file" && h.size != source.size) {
        return Err(format!(
            "'{}': the tape's entry ({:?}, {} bytes) is not what the catalog recorded ({}, {} bytes)",
            pathjson::to_human(&source.path),
            h.kind,
            h.size,
            source.kind,
            source.size
        ));
    }
    Ok(())
}

pub fn extract_trouble(e: ExtractError) -> Trouble {
    match e {
        e @ ExtractError::Damaged { .. } => Trouble::Data(e.to_string()),
        ExtractError::Content { path, source } => io_trouble(source, Path::new(std::ffi::OsStr::from_bytes(&path))),
        other => Trouble::Entry(other.to_string()),
    }
}
