//! The archive reader: a streaming pax/ustar reader for the restore side of the pipeline.
//!
//! It exists because a restore reads a set's stream from tape, which may start in the middle
//! of the stream (at a header offset the catalog recorded) and may be hostile: hand-crafted
//! or damaged. So it:
//!
//! - walks pax records by their length prefix, as POSIX frames them: a value may hold any
//!   byte, newlines included (the `tar` crate splits at newlines, composefs/tar-rs#452, and
//!   [`super::tar`] writes names that need this);
//! - never trusts a size: sizes are promises checked as the bytes come, never used to
//!   allocate, and metadata it must hold (pax data, GNU long names, paths) is capped
//!   ([`MAX_PAX`], [`MAX_LONG_NAME`], [`MAX_PATH`]);
//! - consumes at least one block per header it looks at and accepts a bounded number of
//!   extended headers per entry, so no input makes a call loop without reading;
//! - counts the stream offset, so the offsets it reports are the ones the writer reported;
//! - after any error, refuses to go on: the position in the stream is no longer known, and
//!   the caller must open a new reader at a known header offset.
//!
//! Besides what our writer emits (pax `x` headers with `path`, `linkpath`, `hdrcharset`,
//! `size`, `mtime`, `uid`, `gid`, `uname`, `gname`), it reads what other tools write: pax
//! global headers (parsed, then ignored), GNU long names and link targets (`L`, `K`), GNU
//! and v7 headers, base-256 numbers, checksums summed as signed bytes by old tars.
//!
//! Paths are returned as stored, but normalised the way [`super::walk`] names entries: a
//! directory's trailing `/` is dropped and a leading `./` removed, so the root `./` is `.`.
//! Nothing here checks that a path is safe to create: that is [`super::extract`]'s job.

use std::io::{self, Read};

use super::tar::BLOCK;

/// Most bytes of pax extended header data (`x` or `g`) taken for one header.
pub const MAX_PAX: u64 = 1 << 20;
/// Most bytes of a GNU long name or long link target (`L`, `K`) header.
pub const MAX_LONG_NAME: u64 = 1 << 20;
/// Longest path or link target accepted, whatever header carries it.
pub const MAX_PATH: usize = 64 << 10;
/// Most extended headers (`x`, `g`, `L`, `K`) before one entry: real archives have one or
/// two; a stream of nothing else must not keep a call reading.
const MAX_EXTENDED: usize = 32;
/// How much is read at a time when content is skipped.
const SKIP_CHUNK: usize = 64 << 10;

/// What an entry is, with what its type needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EntryKind {
    /// A regular file (typeflag `0`, NUL, or contiguous `7`): its content follows.
    File,
    Dir,
    Symlink {
        target: Vec<u8>,
    },
    /// Another name for the file archived earlier under `target`.
    Hardlink {
        target: Vec<u8>,
    },
    Fifo,
    Char {
        major: u32,
        minor: u32,
    },
    Block {
        major: u32,
        minor: u32,
    },
    /// A typeflag this reader does not know (GNU sparse `S`, volume label `V`, a vendor's
    /// extension…). Its `size` bytes are treated as content, so skipping it keeps the
    /// reader in step; what they mean is unknown, so the caller should skip it.
    Unknown(u8),
}

/// One entry's metadata, with the pax and GNU extended headers applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryHeader {
    /// The path as stored, normalised: no trailing `/` on a directory, no leading `./`, the
    /// root is `.`. Not checked for safety.
    pub path: Vec<u8>,
    pub kind: EntryKind,
    /// Bytes of content that follow: 0 for every kind but [`EntryKind::File`] and
    /// [`EntryKind::Unknown`].
    pub size: u64,
    /// Permission bits, set-uid, set-gid and sticky (`& 0o7777`).
    pub mode: u32,
    pub uid: u64,
    pub gid: u64,
    /// Owner and group names; empty when the archive has none.
    pub uname: Vec<u8>,
    pub gname: Vec<u8>,
    pub mtime_secs: i64,
    /// `0..1_000_000_000`, after `mtime_secs` (also before 1970).
    pub mtime_nanos: u32,
    /// Offset of the entry's first header block (its pax or GNU extended header if it has
    /// one), counted like [`TarReader::offset`].
    pub header_offset: u64,
}

/// Reads a pax/ustar archive from `R`, one entry at a time; see the module documentation.
pub struct TarReader<R: Read> {
    inner: R,
    offset: u64,
    /// Content bytes of the current entry not yet read.
    remaining: u64,
    /// Zero bytes after the current entry's content, up to the next block.
    padding: u64,
    state: State,
    block: [u8; BLOCK],
    /// Extended header data, reused from entry to entry.
    data: Vec<u8>,
    skip_buf: Box<[u8]>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Reading,
    /// The end-of-archive blocks were read.
    Ended,
    /// An error left the position in the stream unknown.
    Failed,
}

/// What extended headers say of the entry that follows them.
#[derive(Default)]
struct Overrides {
    path: Option<Vec<u8>>,
    linkpath: Option<Vec<u8>>,
    size: Option<u64>,
    mtime: Option<(i64, u32)>,
    uid: Option<u64>,
    gid: Option<u64>,
    uname: Option<Vec<u8>>,
    gname: Option<Vec<u8>>,
    devmajor: Option<u32>,
    devminor: Option<u32>,
}

fn invalid(msg: impl Into<String>) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, msg.into())
}

fn truncated(what: &str) -> io::Error {
    io::Error::new(io::ErrorKind::UnexpectedEof, format!("the archive ends {what}"))
}

fn padding(size: u64) -> u64 {
    (BLOCK as u64 - size % BLOCK as u64) % BLOCK as u64
}

impl<R: Read> TarReader<R> {
    /// A reader whose first byte is offset 0.
    pub fn new(inner: R) -> TarReader<R> {
        TarReader::with_offset(inner, 0)
    }

    /// A reader whose first byte is at `offset` of the stream (a restore that starts at an
    /// entry's header offset), so the offsets it reports are stream offsets.
    pub fn with_offset(inner: R, offset: u64) -> TarReader<R> {
        TarReader {
            inner,
            offset,
            remaining: 0,
            padding: 0,
            state: State::Reading,
            block: [0; BLOCK],
            data: Vec::new(),
            skip_buf: vec![0; SKIP_CHUNK].into_boxed_slice(),
        }
    }

    /// The offset of the next byte to be read from the stream.
    pub fn offset(&self) -> u64 {
        self.offset
    }

    /// Content bytes of the current entry not yet read.
    pub fn remaining(&self) -> u64 {
        self.remaining
    }

    pub fn get_ref(&self) -> &R {
        &self.inner
    }

    pub fn into_inner(self) -> R {
        self.inner
    }

    /// The next entry's headers, or `None` at the end of the archive (two zero blocks, or
    /// one followed by the end of the stream). Content the caller left unread is skipped.
    /// After an error, every call fails: open a new reader at a known header offset.
    pub fn next_entry(&mut self) -> io::Result<Option<EntryHeader>> {
        match self.state {
            State::Ended => return Ok(None),
            State::Failed => return Err(failed()),
            State::Reading => {}
        }
        let r = self.skip_content().and_then(|()| self.read_headers());
        match &r {
            Ok(None) => self.state = State::Ended,
            Err(_) => self.state = State::Failed,
            Ok(Some(_)) => {}
        }
        r
    }

    /// Reads content of the current entry into `buf`; `Ok(0)` once all `size` bytes were
    /// read. A stream that ends before is an `UnexpectedEof` error.
    pub fn read_content(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.state == State::Failed {
            return Err(failed());
        }
        if self.remaining == 0 || buf.is_empty() {
            return Ok(0);
        }
        let want = buf.len().min(usize::try_from(self.remaining).unwrap_or(usize::MAX));
        loop {
            match self.inner.read(&mut buf[..want]) {
                Ok(0) => {
                    self.state = State::Failed;
                    return Err(truncated("inside a file's content"));
                }
                Ok(n) => {
                    self.remaining -= n as u64;
                    self.offset += n as u64;
                    return Ok(n);
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    self.state = State::Failed;
                    return Err(e);
                }
            }
        }
    }

    /// The current entry's content as a reader of exactly its remaining bytes.
    pub fn content(&mut self) -> Content<'_, R> {
        Content { reader: self }
    }

    /// Skips what is left of the current entry's content and its padding.
    pub fn skip_content(&mut self) -> io::Result<()> {
        if self.state == State::Failed {
            return Err(failed());
        }
        let mut left = self.remaining + self.padding;
        while left > 0 {
            let want = left.min(self.skip_buf.len() as u64) as usize;
            let n = match self.inner.read(&mut self.skip_buf[..want]) {
                Ok(0) => {
                    self.state = State::Failed;
                    return Err(truncated("inside a file's content"));
                }
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    self.state = State::Failed;
                    return Err(e);
                }
            };
            left -= n as u64;
            self.offset += n as u64;
        }
        self.remaining = 0;
        self.padding = 0;
        Ok(())
    }

    /// Fills `self.block`; returns how many bytes the stream had (fewer only at its end).
    fn read_block(&mut self) -> io::Result<usize> {
        let mut got = 0;
        while got < BLOCK {
            match self.inner.read(&mut self.block[got..]) {
                Ok(0) => break,
                Ok(n) => got += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            }
        }
        self.offset += got as u64;
        Ok(got)
    }

    /// Reads the `size` bytes of an extended header's data (and its padding) into
    /// `self.data`, refusing more than `max`.
    fn read_data(&mut self, size: u64, max: u64, what: &str) -> io::Result<()> {
        if size > max {
            return Err(invalid(format!("{what} of {size} bytes: more than the {max} accepted")));
        }
        self.data.clear();
        let total = size + padding(size);
        let n = (&mut self.inner).take(total).read_to_end(&mut self.data)?;
        self.offset += n as u64;
        if (n as u64) < total {
            return Err(truncated(&format!("inside {what}")));
        }
        self.data.truncate(size as usize);
        // Data as large as the cap would otherwise stay allocated for the whole restore.
        if self.data.capacity() > 64 << 10 {
            self.data.shrink_to(64 << 10);
        }
        Ok(())
    }

    fn read_headers(&mut self) -> io::Result<Option<EntryHeader>> {
        let mut ov = Overrides::default();
        let mut start: Option<u64> = None;
        let mut extended = 0;
        loop {
            let block_start = self.offset;
            match self.read_block()? {
                BLOCK => {}
                0 => return Err(truncated("without its end-of-archive blocks")),
                _ => return Err(truncated("inside a header block")),
            }
            if self.block.iter().all(|&b| b == 0) {
                if start.is_some() {
                    return Err(invalid(format!("an extended header at {block_start} is followed by a zero block")));
                }
                return self.end_of_archive(block_start);
            }
            verify_checksum(&self.block, block_start)?;
            let typeflag = self.block[156];
            let size = checked_size(number_u64(&self.block[124..136], "size")?)?;
            match typeflag {
                b'x' | b'g' | b'L' | b'K' => {
                    extended += 1;
                    if extended > MAX_EXTENDED {
                        return Err(invalid(format!("more than {MAX_EXTENDED} extended headers for one entry")));
                    }
                }
                _ => {}
            }
            match typeflag {
                b'x' => {
                    start.get_or_insert(block_start);
                    self.read_data(size, MAX_PAX, "a pax extended header")?;
                    parse_pax(&self.data, |key, value| apply_pax(&mut ov, key, value))?;
                }
                b'g' => {
                    // Global defaults (POSIX): nothing we write or need, but they must be
                    // well formed to be skipped with confidence.
                    self.read_data(size, MAX_PAX, "a pax global header")?;
                    parse_pax(&self.data, |_, _| Ok(()))?;
                }
                b'L' | b'K' => {
                    start.get_or_insert(block_start);
                    self.read_data(size, MAX_LONG_NAME, "a GNU long name")?;
                    let end = self.data.iter().position(|&b| b == 0).unwrap_or(self.data.len());
                    let name = check_path_len(&self.data[..end], "a GNU long name")?.to_vec();
                    if typeflag == b'L' {
                        ov.path = Some(name);
                    } else {
                        ov.linkpath = Some(name);
                    }
                }
                _ => {
                    let header_offset = start.unwrap_or(block_start);
                    let h = self.entry(&ov, typeflag, size, header_offset)?;
                    if typeflag == b'S' && &self.block[257..265] == b"ustar  \0" && self.block[482] != 0 {
                        self.skip_sparse_extensions()?;
                    }
                    self.remaining = h.size;
                    self.padding = padding(h.size);
                    return Ok(Some(h));
                }
            }
        }
    }

    /// After a zero block at `at`: a second one, or the end of the stream, ends the archive.
    fn end_of_archive(&mut self, at: u64) -> io::Result<Option<EntryHeader>> {
        let n = self.read_block()?;
        if self.block[..n].iter().all(|&b| b == 0) {
            return Ok(None);
        }
        Err(invalid(format!("a lone zero block at {at} is followed by data")))
    }

    /// Old GNU sparse headers chain 512-byte maps after the header, outside its size.
    fn skip_sparse_extensions(&mut self) -> io::Result<()> {
        for _ in 0..MAX_EXTENDED * 16 {
            if self.read_block()? != BLOCK {
                return Err(truncated("inside a GNU sparse map"));
            }
            if self.block[504] == 0 {
                return Ok(());
            }
        }
        Err(invalid("a GNU sparse map too long"))
    }

    /// The entry described by the header in `self.block` and the overrides before it.
    fn entry(&self, ov: &Overrides, typeflag: u8, size: u64, header_offset: u64) -> io::Result<EntryHeader> {
        let b = &self.block;
        let ustar = &b[257..263] == b"ustar\0";
        let gnu = &b[257..265] == b"ustar  \0";
        let modern = ustar || gnu;
        let mut path = match &ov.path {
            Some(p) => p.clone(),
            None => {
                let name = cstr(&b[0..100]);
                let prefix = if ustar { cstr(&b[345..500]) } else { &[][..] };
                if prefix.is_empty() { name.to_vec() } else { [prefix, b"/", name].concat() }
            }
        };
        let link = match &ov.linkpath {
            Some(l) => l.clone(),
            None => cstr(&b[157..257]).to_vec(),
        };
        let size = ov.size.unwrap_or(size);
        let (major, minor) = if modern {
            (number_u32(&b[329..337], "device major")?, number_u32(&b[337..345], "device minor")?)
        } else {
            (0, 0)
        };
        let (major, minor) = (ov.devmajor.unwrap_or(major), ov.devminor.unwrap_or(minor));
        let (mut kind, size) = match typeflag {
            // A v7 archive marks a directory by a regular entry whose name ends with '/'.
            b'\0' if path.ends_with(b"/") => (EntryKind::Dir, 0),
            b'0' | b'\0' | b'7' => (EntryKind::File, size),
            b'1' => (EntryKind::Hardlink { target: link }, 0),
            b'2' => (EntryKind::Symlink { target: link }, 0),
            b'3' => (EntryKind::Char { major, minor }, 0),
            b'4' => (EntryKind::Block { major, minor }, 0),
            b'5' => (EntryKind::Dir, 0),
            b'6' => (EntryKind::Fifo, 0),
            other => (EntryKind::Unknown(other), size),
        };
        if kind == EntryKind::Dir {
            while path.len() > 1 && path.ends_with(b"/") {
                path.pop();
            }
        }
        strip_dot_slash(&mut path);
        check_path_len(&path, "a path")?;
        if let EntryKind::Hardlink { target } = &mut kind {
            // An archive path like any other (GNU tar's `-C dir .` writes `./name`); a
            // symlink's target is left as it is, it means what it says.
            strip_dot_slash(target);
        }
        if let EntryKind::Symlink { target } | EntryKind::Hardlink { target } = &kind {
            check_path_len(target, "a link target")?;
        }
        let mode = number_u64(&b[100..108], "mode")? as u32 & 0o7777;
        let uid = match ov.uid {
            Some(v) => v,
            None => number_u64(&b[108..116], "uid")?,
        };
        let gid = match ov.gid {
            Some(v) => v,
            None => number_u64(&b[116..124], "gid")?,
        };
        let (mtime_secs, mtime_nanos) = match ov.mtime {
            Some(t) => t,
            None => {
                let v = number(&b[136..148], "mtime")?;
                (i64::try_from(v).map_err(|_| invalid("mtime out of range"))?, 0)
            }
        };
        let owner = |range: std::ops::Range<usize>, ov: &Option<Vec<u8>>| match ov {
            Some(v) => v.clone(),
            None if modern => cstr(&b[range]).to_vec(),
            None => Vec::new(),
        };
        Ok(EntryHeader {
            path,
            kind,
            size,
            mode,
            uid,
            gid,
            uname: owner(265..297, &ov.uname),
            gname: owner(297..329, &ov.gname),
            mtime_secs,
            mtime_nanos,
            header_offset,
        })
    }
}

fn failed() -> io::Error {
    io::Error::other("the archive cannot be read further after an earlier error")
}

/// The content of the current entry, as a [`Read`] of exactly its remaining bytes.
pub struct Content<'a, R: Read> {
    reader: &'a mut TarReader<R>,
}

impl<R: Read> Read for Content<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.reader.read_content(buf)
    }
}

/// Drops a leading `./` (with the slashes after it), as `./a` is `a`; `./` alone is `.`.
fn strip_dot_slash(path: &mut Vec<u8>) {
    while path.starts_with(b"./") {
        let slashes = path[1..].iter().take_while(|&&b| b == b'/').count();
        path.drain(..1 + slashes);
        if path.is_empty() {
            path.push(b'.');
        }
    }
}

/// A NUL-terminated field's bytes (all of it when it has no NUL).
fn cstr(field: &[u8]) -> &[u8] {
    let end = field.iter().position(|&b| b == 0).unwrap_or(field.len());
    &field[..end]
}

fn check_path_len<'a>(p: &'a [u8], what: &str) -> io::Result<&'a [u8]> {
    if p.len() > MAX_PATH {
        return Err(invalid(format!("{what} of {} bytes: more than the {MAX_PATH} accepted", p.len())));
    }
    Ok(p)
}

/// POSIX sums the header as unsigned bytes, its checksum field counted as spaces; some old
/// tars summed signed bytes, which differs only for bytes from 128: both are accepted.
fn verify_checksum(b: &[u8; BLOCK], at: u64) -> io::Result<()> {
    let stored = number(&b[148..156], "checksum").map_err(|_| invalid(format!("not a tar header at {at}")))?;
    let (mut unsigned, mut signed) = (0i64, 0i64);
    for (i, &x) in b.iter().enumerate() {
        let x = if (148..156).contains(&i) { b' ' } else { x };
        unsigned += i64::from(x);
        signed += i64::from(x as i8);
    }
    if stored != i128::from(unsigned) && stored != i128::from(signed) {
        return Err(invalid(format!("header checksum mismatch at {at}: not a tar header, or damaged")));
    }
    Ok(())
}

/// A numeric header field: octal digits (leading spaces or NULs, ended by a space or NUL),
/// or GNU's base-256 (first byte `0x80` for a positive value, `0xff` for a negative one).
fn number(field: &[u8], what: &str) -> io::Result<i128> {
    let bad = || invalid(format!("bad {what} field in a tar header"));
    if let Some((&first, rest)) = field.split_first()
        && first & 0x80 != 0
    {
        // Two's complement of the field, bit 7 of the first byte being the marker.
        let mut v: i128 = i128::from(first & 0x3f) - if first & 0x40 != 0 { 0x40 } else { 0 };
        for &x in rest {
            v = v.checked_mul(256).and_then(|v| v.checked_add(i128::from(x))).ok_or_else(bad)?;
        }
        return Ok(v);
    }
    let start = field.iter().position(|&b| b != b' ' && b != 0).unwrap_or(field.len());
    let digits = &field[start..];
    let end = digits.iter().position(|&b| !(b'0'..=b'7').contains(&b)).unwrap_or(digits.len());
    if !digits[end..].iter().all(|&b| b == b' ' || b == 0) {
        return Err(bad());
    }
    Ok(digits[..end].iter().fold(0i128, |v, &d| v * 8 + i128::from(d - b'0')))
}

fn number_u64(field: &[u8], what: &str) -> io::Result<u64> {
    u64::try_from(number(field, what)?).map_err(|_| invalid(format!("{what} out of range in a tar header")))
}

fn number_u32(field: &[u8], what: &str) -> io::Result<u32> {
    u32::try_from(number(field, what)?).map_err(|_| invalid(format!("{what} out of range in a tar header")))
}

/// Walks pax records `"<len> <key>=<value>\n"` by their length, which counts the whole
/// record: a value may hold newlines, `=` and any byte. Calls `f` with each key and value.
fn parse_pax(mut data: &[u8], mut f: impl FnMut(&[u8], &[u8]) -> io::Result<()>) -> io::Result<()> {
    let bad = |why: &str| invalid(format!("malformed pax record: {why}"));
    while !data.is_empty() {
        // Some writers pad the data with NULs.
        if data.iter().all(|&b| b == 0) {
            return Ok(());
        }
        let digits = data.iter().take_while(|b| b.is_ascii_digit()).count();
        if digits == 0 || digits > 19 || data.get(digits) != Some(&b' ') {
            return Err(bad("no length"));
        }
        let len: usize =
            std::str::from_utf8(&data[..digits]).ok().and_then(|s| s.parse().ok()).ok_or_else(|| bad("length"))?;
        if len > data.len() {
            return Err(bad("its length goes past the header's data"));
        }
        // The length, a space, a key of one byte or more, '=' and the newline at least.
        if len < digits + 4 {
            return Err(bad("too short"));
        }
        if data[len - 1] != b'\n' {
            return Err(bad("not ended by a newline"));
        }
        let record = &data[digits + 1..len - 1];
        let eq = record.iter().position(|&b| b == b'=').ok_or_else(|| bad("no '='"))?;
        if eq == 0 {
            return Err(bad("empty key"));
        }
        f(&record[..eq], &record[eq + 1..])?;
        data = &data[len..];
    }
    Ok(())
}

fn apply_pax(ov: &mut Overrides, key: &[u8], value: &[u8]) -> io::Result<()> {
    // An empty value undoes an earlier record: the ustar field applies again (POSIX).
    let text = |v: &[u8]| (!v.is_empty()).then(|| v.to_vec());
    match key {
        b"path" => ov.path = text(check_path_len(value, "a pax path")?),
        b"linkpath" => ov.linkpath = text(check_path_len(value, "a pax linkpath")?),
        b"uname" => ov.uname = text(value),
        b"gname" => ov.gname = text(value),
        b"size" => ov.size = decimal_opt(value, "size")?.map(checked_size).transpose()?,
        b"uid" => ov.uid = decimal_opt(value, "uid")?,
        b"gid" => ov.gid = decimal_opt(value, "gid")?,
        b"mtime" => ov.mtime = if value.is_empty() { None } else { Some(pax_time(value)?) },
        b"SCHILY.devmajor" => ov.devmajor = decimal_opt(value, "devmajor")?.map(u32_of).transpose()?,
        b"SCHILY.devminor" => ov.devminor = decimal_opt(value, "devminor")?.map(u32_of).transpose()?,
        // hdrcharset=BINARY says to take names as bytes, which is what is done anyway; other
        // keywords (atime, ctime, comment, charset, vendor ones) are not restored.
        _ => {}
    }
    Ok(())
}

/// A size whose padded end is representable: any real one.
fn checked_size(size: u64) -> io::Result<u64> {
    if size > u64::MAX - BLOCK as u64 {
        return Err(invalid(format!("an entry size of {size} bytes")));
    }
    Ok(size)
}

fn u32_of(v: u64) -> io::Result<u32> {
    u32::try_from(v).map_err(|_| invalid("a pax device number out of range"))
}

fn decimal_opt(value: &[u8], what: &str) -> io::Result<Option<u64>> {
    if value.is_empty() {
        return Ok(None);
    }
    decimal(value).map(Some).ok_or_else(|| invalid(format!("bad pax {what}: not a decimal number")))
}

fn decimal(v: &[u8]) -> Option<u64> {
    if v.is_empty() || !v.iter().all(u8::is_ascii_digit) {
        return None;
    }
    v.iter().try_fold(0u64, |n, &d| n.checked_mul(10)?.checked_add(u64::from(d - b'0')))
}

/// A pax time: `[-]SECONDS[.FRACTION]`, negative as a whole (`-1.25` is 1.25 s before the
/// epoch); digits of the fraction past nanoseconds are dropped.
fn pax_time(v: &[u8]) -> io::Result<(i64, u32)> {
    let bad = || invalid(format!("bad pax time {:?}", String::from_utf8_lossy(v)));
    let (negative, v) = match v.strip_prefix(b"-") {
        Some(rest) => (true, rest),
        None => (false, v),
    };
    let (whole, frac) = match v.iter().position(|&b| b == b'.') {
        Some(dot) => (&v[..dot], &v[dot + 1..]),
        None => (v, &b""[..]),
    };
    if !frac.iter().all(u8::is_ascii_digit) {
        return Err(bad());
    }
    let whole = decimal(whole).ok_or_else(bad)?;
    let mut nanos = 0u32;
    for i in 0..9 {
        nanos = nanos * 10 + frac.get(i).map_or(0, |&d| u32::from(d - b'0'));
    }
    let whole = i128::from(whole);
    let (secs, nanos) = match (negative, nanos) {
        (false, _) => (whole, nanos),
        (true, 0) => (-whole, 0),
        (true, n) => (-whole - 1, 1_000_000_000 - n),
    };
    Ok((i64::try_from(secs).map_err(|_| bad())?, nanos))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::tar::{Header, Kind, TarWriter};
    use crate::pipeline::walk::Timestamp;
    use std::io::Cursor;

    /// An entry to write with our [`TarWriter`].
    #[derive(Debug, Clone)]
    struct Spec {
        path: Vec<u8>,
        kind: EntryKind,
        content: Vec<u8>,
        mode: u32,
        uid: u64,
        gid: u64,
        uname: Vec<u8>,
        gname: Vec<u8>,
        mtime: Timestamp,
    }

    fn spec(path: impl Into<Vec<u8>>, kind: EntryKind) -> Spec {
        Spec {
            path: path.into(),
            kind,
            content: Vec::new(),
            mode: 0o644,
            uid: 1000,
            gid: 100,
            uname: b"alice".to_vec(),
            gname: b"users".to_vec(),
            mtime: Timestamp { secs: 1_700_000_000, nanos: 0 },
        }
    }

    fn file(path: impl Into<Vec<u8>>, content: Vec<u8>) -> Spec {
        Spec { content, ..spec(path, EntryKind::File) }
    }

    impl Spec {
        fn header(&self) -> Header<'_> {
            let kind = match &self.kind {
                EntryKind::File => Kind::File,
                EntryKind::Dir => Kind::Dir,
                EntryKind::Symlink { target } => Kind::Symlink(target),
                EntryKind::Hardlink { target } => Kind::Hardlink(target),
                EntryKind::Fifo => Kind::Fifo,
                EntryKind::Char { major, minor } => Kind::CharDevice { major: *major, minor: *minor },
                EntryKind::Block { major, minor } => Kind::BlockDevice { major: *major, minor: *minor },
                EntryKind::Unknown(_) => unreachable!(),
            };
            Header {
                path: &self.path,
                kind,
                mode: self.mode,
                uid: self.uid,
                gid: self.gid,
                uname: &self.uname,
                gname: &self.gname,
                mtime: self.mtime,
            }
        }
    }

    /// Writes `specs`; returns the archive and each entry's header offset.
    fn write(specs: &[Spec]) -> (Vec<u8>, Vec<u64>) {
        let mut w = TarWriter::new(Vec::new());
        let mut offsets = Vec::new();
        for s in specs {
            if s.kind == EntryKind::File {
                let r = w.append_file(&s.header(), s.content.len() as u64, &s.content[..]).unwrap();
                offsets.push(r.header_offset);
            } else {
                offsets.push(w.append(&s.header()).unwrap());
            }
        }
        (w.finish().unwrap().0, offsets)
    }

    /// Every entry of an archive with its content.
    fn read_all(r: impl Read, start: u64) -> io::Result<Vec<(EntryHeader, Vec<u8>)>> {
        let mut t = TarReader::with_offset(r, start);
        let mut out = Vec::new();
        while let Some(h) = t.next_entry()? {
            let mut content = Vec::new();
            t.content().read_to_end(&mut content)?;
            assert_eq!(content.len() as u64, h.size);
            out.push((h, content));
        }
        Ok(out)
    }

    fn data(len: usize, seed: u8) -> Vec<u8> {
        (0..len).map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed) ^ (i >> 9) as u8).collect()
    }

    /// A name of about `n` bytes, of components that are not UTF-8, ending in `base`.
    fn long(n: usize, base: &[u8]) -> Vec<u8> {
        let mut p = Vec::new();
        while p.len() + base.len() < n {
            p.extend_from_slice(b"d\xe9\xffx/");
        }
        p.extend_from_slice(base);
        p
    }

    fn odd_specs() -> Vec<Spec> {
        let mut v = vec![
            spec(".", EntryKind::Dir),
            spec("dir", EntryKind::Dir),
            file("dir/file", data(1000, 1)),
            file("empty", Vec::new()),
            file("new\nline = and = signs", data(511, 2)),
            file(&b"bad\xff\xfe utf8"[..], data(512, 3)),
            file(long(4096, b"\nfour-k=.bin"), data(513, 4)),
            file(format!("{}/{}", "p".repeat(155), "n".repeat(100)), data(3 << 20, 5)),
            spec("link", EntryKind::Symlink { target: b"../target".to_vec() }),
            spec("link-long", EntryKind::Symlink { target: long(3000, b"\xff\ntarget") }),
            spec("hard", EntryKind::Hardlink { target: b"dir/file".to_vec() }),
            spec("hard-long", EntryKind::Hardlink { target: long(4096, b"\nfour-k=.bin") }),
            spec("fifo", EntryKind::Fifo),
            spec("null", EntryKind::Char { major: 1, minor: 3 }),
            spec("sda", EntryKind::Block { major: 8, minor: 0 }),
            spec("big-minor", EntryKind::Char { major: 4095, minor: 1_048_575 }),
            spec(long(300, b"deep-dir"), EntryKind::Dir),
        ];
        let mut owners = file("owners", b"x".to_vec());
        owners.uid = 1 << 21;
        owners.gid = u64::from(u32::MAX - 1);
        owners.uname = b"a-user-name-of-forty-bytes-0123456789abc".to_vec();
        owners.gname = b"gr\xffoup".to_vec();
        owners.mode = 0o4755;
        v.push(owners);
        for (i, (secs, nanos)) in [
            (0, 0),
            (1_700_000_000, 123_456_789),
            (0, 1),
            (-1, 500_000_000),
            (-2, 250_000_000),
            (-86_400 * 365, 0),
            (1 << 40, 999_999_999),
            (i64::MIN, 0),
            (i64::MAX, 0),
        ]
        .into_iter()
        .enumerate()
        {
            let mut t = spec(format!("time-{i}"), EntryKind::Fifo);
            t.mtime = Timestamp { secs, nanos };
            v.push(t);
        }
        v
    }

    fn expected_path(s: &Spec) -> Vec<u8> {
        s.path.clone()
    }

    #[test]
    fn round_trip_through_our_writer() {
        let specs = odd_specs();
        let (archive, offsets) = write(&specs);
        let back = read_all(&archive[..], 0).unwrap();
        assert_eq!(back.len(), specs.len());
        for ((s, (h, content)), off) in specs.iter().zip(&back).zip(&offsets) {
            let shown = String::from_utf8_lossy(&s.path);
            assert_eq!(h.path, expected_path(s), "{shown}");
            assert_eq!(h.kind, s.kind, "{shown}");
            assert_eq!(h.size, s.content.len() as u64, "{shown}");
            assert!(*content == s.content, "{shown}: content differs");
            assert_eq!(h.mode, s.mode & 0o7777, "{shown}");
            assert_eq!((h.uid, h.gid), (s.uid, s.gid), "{shown}");
            assert_eq!((&h.uname, &h.gname), (&s.uname, &s.gname), "{shown}");
            assert_eq!((h.mtime_secs, h.mtime_nanos), (s.mtime.secs, s.mtime.nanos), "{shown}");
            assert_eq!(h.header_offset, *off, "{shown}: the offset the writer reported");
        }
    }

    /// Entries whose content is left unread, or read in part, are skipped by `next_entry`;
    /// the offset counts every byte.
    #[test]
    fn unread_content_is_skipped() {
        let specs = odd_specs();
        let (archive, offsets) = write(&specs);
        let mut t = TarReader::new(&archive[..]);
        let mut i = 0;
        while let Some(h) = t.next_entry().unwrap() {
            assert_eq!(h.header_offset, offsets[i]);
            match i % 3 {
                0 => {}
                1 => {
                    let mut buf = [0u8; 7];
                    let n = t.read_content(&mut buf).unwrap();
                    assert_eq!(n as u64, h.size.min(7));
                    assert_eq!(t.remaining(), h.size - n as u64);
                }
                _ => t.skip_content().unwrap(),
            }
            i += 1;
        }
        assert_eq!(i, specs.len());
        assert_eq!(t.offset(), archive.len() as u64);
        assert!(t.next_entry().unwrap().is_none(), "the end stays the end");
    }

    /// A restore starts at a header offset the catalog recorded.
    #[test]
    fn reading_starts_at_any_header_offset() {
        let specs = odd_specs();
        let (archive, offsets) = write(&specs);
        let all = read_all(&archive[..], 0).unwrap();
        for (i, &off) in offsets.iter().enumerate() {
            let tail = read_all(&archive[off as usize..], off).unwrap();
            assert_eq!(tail.len(), specs.len() - i);
            assert!(tail == all[i..], "from entry {i}");
        }
    }

    /// A pax header: the `x` block and its data, padded.
    fn pax(typeflag: u8, records: &[u8]) -> Vec<u8> {
        let mut out = ustar(b"PaxHeaders/x", typeflag, records.len() as u64, b"").to_vec();
        out.extend_from_slice(records);
        out.resize(out.len() + padding(records.len() as u64) as usize, 0);
        out
    }

    /// A pax record, its length counting itself.
    fn record(key: &str, value: &[u8]) -> Vec<u8> {
        let base = key.len() + value.len() + 3;
        let mut len = base + 1;
        while len != base + len.to_string().len() {
            len = base + len.to_string().len();
        }
        [format!("{len} {key}=").as_bytes(), value, b"\n"].concat()
    }

    /// A POSIX ustar header block with a valid (unsigned) checksum.
    fn ustar(name: &[u8], typeflag: u8, size: u64, link: &[u8]) -> [u8; BLOCK] {
        let mut b = [0u8; BLOCK];
        b[..name.len()].copy_from_slice(name);
        b[100..108].copy_from_slice(b"0000644\0");
        b[108..116].copy_from_slice(b"0001750\0");
        b[116..124].copy_from_slice(b"0000144\0");
        b[124..136].copy_from_slice(format!("{size:011o}\0").as_bytes());
        b[136..148].copy_from_slice(format!("{:011o}\0", 1_700_000_000).as_bytes());
        b[156] = typeflag;
        b[157..157 + link.len()].copy_from_slice(link);
        b[257..265].copy_from_slice(b"ustar\x0000");
        b[265..270].copy_from_slice(b"alice");
        b[297..302].copy_from_slice(b"users");
        seal(&mut b);
        b
    }

    /// Writes the (unsigned) checksum of a header block.
    fn seal(b: &mut [u8; BLOCK]) {
        b[148..156].fill(b' ');
        let sum: u32 = b.iter().map(|&x| u32::from(x)).sum();
        b[148..156].copy_from_slice(format!("{sum:06o}\0 ").as_bytes());
    }

    /// A file entry with content, padded.
    fn entry(name: &[u8], content: &[u8]) -> Vec<u8> {
        let mut out = ustar(name, b'0', content.len() as u64, b"").to_vec();
        out.extend_from_slice(content);
        out.resize(out.len() + padding(content.len() as u64) as usize, 0);
        out
    }

    const END: [u8; 2 * BLOCK] = [0; 2 * BLOCK];

    fn first(archive: &[u8]) -> io::Result<EntryHeader> {
        TarReader::new(archive).next_entry().map(|h| h.expect("an entry"))
    }

    #[test]
    fn pax_values_are_walked_by_length() {
        // A value holding what looks like another record must stay one value.
        let evil = b"a\n10 path=evil\nb".to_vec();
        let archive = [pax(b'x', &record("path", &evil)), entry(b"ustar-name", b"x"), END.to_vec()].concat();
        assert_eq!(first(&archive).unwrap().path, evil);
        // The same through our writer, where the name needs a pax record (over 256 bytes).
        let name = [b"x".repeat(300), b"\n10 path=evil\n".to_vec(), b"=".repeat(5)].concat();
        let (archive, _) = write(&[file(name.clone(), b"evil?".to_vec())]);
        let back = read_all(&archive[..], 0).unwrap();
        assert_eq!(back.len(), 1);
        assert_eq!((&back[0].0.path, &back[0].1[..]), (&name, &b"evil?"[..]));
        // Records apply in order; an empty value undoes an earlier one.
        let records =
            [record("path", b"first"), record("uid", b"7"), record("path", b"second"), record("uid", b"")].concat();
        let archive = [pax(b'x', &records), entry(b"ustar-name", b""), END.to_vec()].concat();
        let h = first(&archive).unwrap();
        assert_eq!((h.path.as_slice(), h.uid), (&b"second"[..], 0o1750));
    }

    #[test]
    fn malformed_pax_records_are_refused() {
        let good = [pax(b'x', b"12 path=abc\n"), entry(b"n", b""), END.to_vec()].concat();
        assert_eq!(first(&good).unwrap().path, b"abc");
        let framing = [
            &b"13 path=abc\n"[..], // the length goes past the data
            b"99 path=abc\n",
            b"11 path=abc\n", // ends before its newline
            b"12 pathxabcd\n",
            b"12 =pathabc\n",
            b"0 path=abc\n",
            b"4 a=\n",
            b"path=abc\n",
            b"-1 path=x\n",
            b" 12 path=ab\n",
            b"12path=abc\n",
            b"12 path=abc\n11 size=1\n", // the second record's length is wrong
        ];
        let values = [
            &b"12 size=1e3\n"[..],
            b"11 size=-5\n",
            b"11 uid=1.5\n",
            b"13 mtime=1.x\n",
            b"12 mtime=.5\n",
            b"29 size=99999999999999999999\n",
        ];
        for bad in framing.iter().chain(&values) {
            let archive = [pax(b'x', bad), entry(b"n", b""), END.to_vec()].concat();
            let e = first(&archive).unwrap_err();
            assert_eq!(e.kind(), io::ErrorKind::InvalidData, "{:?}", String::from_utf8_lossy(bad));
        }
        // A global header is framed the same way; its values are not used.
        for bad in framing {
            let archive = [pax(b'g', bad), entry(b"n", b""), END.to_vec()].concat();
            assert!(first(&archive).is_err(), "g: {:?}", String::from_utf8_lossy(bad));
        }
        for ignored in values {
            let archive = [pax(b'g', ignored), entry(b"n", b""), END.to_vec()].concat();
            assert_eq!(first(&archive).unwrap().path, b"n");
        }
        // Data padded with NULs inside its size is accepted.
        let archive = [pax(b'x', b"12 path=abc\n\0\0\0"), entry(b"n", b""), END.to_vec()].concat();
        assert_eq!(first(&archive).unwrap().path, b"abc");
    }

    #[test]
    fn pax_times() {
        let t = |s: &str| pax_time(s.as_bytes()).unwrap();
        assert_eq!(t("1.5"), (1, 500_000_000));
        assert_eq!(t("1700000000.123456789"), (1_700_000_000, 123_456_789));
        assert_eq!(t("0.000000001"), (0, 1));
        assert_eq!(t("-0.5"), (-1, 500_000_000));
        assert_eq!(t("-1.75"), (-2, 250_000_000));
        assert_eq!(t("-5"), (-5, 0));
        assert_eq!(t("7."), (7, 0));
        assert_eq!(t("1.1234567899"), (1, 123_456_789), "past nanoseconds: dropped");
        assert_eq!(t(&i64::MIN.to_string()), (i64::MIN, 0));
        assert_eq!(t(&i64::MAX.to_string()), (i64::MAX, 0));
        for bad in ["", "-", ".5", "1.2.3", "+1", "9223372036854775808", "-9223372036854775809", "1 ", "0x10"] {
            assert!(pax_time(bad.as_bytes()).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn numeric_fields() {
        let n = |f: &[u8]| number(f, "test").unwrap();
        assert_eq!(n(b"0000644\0"), 0o644);
        assert_eq!(n(b"   644 \0"), 0o644);
        assert_eq!(n(b"644"), 0o644);
        assert_eq!(n(b"\0\0\0\0"), 0);
        assert_eq!(n(b"        "), 0);
        assert_eq!(n(&[0x80, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 5]), (2 << 32) + 5);
        assert_eq!(n(&[0xff; 12]), -1);
        assert_eq!(n(&[0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe]), -2);
        for bad in [&b"64 4\0"[..], b"0008", b"12x\0"] {
            assert!(number(bad, "test").is_err(), "{bad:?}");
        }
    }

    /// A size from 8 GiB comes in a pax record (our writer) or as base-256 (GNU): the
    /// content is streamed, never held, and the entry after it is found.
    #[test]
    fn sizes_over_8_gib() {
        let size: u64 = (8 << 30) + 5;
        let after = [entry(b"after", b"after"), END.to_vec()].concat();
        let headers = [pax(b'x', &record("size", size.to_string().as_bytes())), ustar(b"huge", b'0', 0, b"").to_vec()];
        let mut gnu = ustar(b"huge", b'0', 0, b"");
        gnu[124..136].copy_from_slice(&[0x80, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 5]);
        seal(&mut gnu);
        for headers in [headers.concat(), gnu.to_vec()] {
            let zeros = io::repeat(0).take(size + padding(size));
            let stream = Cursor::new(headers.clone()).chain(zeros).chain(Cursor::new(after.clone()));
            let mut t = TarReader::new(stream);
            let h = t.next_entry().unwrap().unwrap();
            assert_eq!((h.path.as_slice(), h.size, &h.kind), (&b"huge"[..], size, &EntryKind::File));
            let mut buf = vec![1u8; 4096];
            assert_eq!(t.read_content(&mut buf).unwrap(), 4096);
            assert!(buf.iter().all(|&b| b == 0));
            let h = t.next_entry().unwrap().unwrap();
            assert_eq!(h.path, b"after");
            assert_eq!(h.header_offset, headers.len() as u64 + size + padding(size));
            let mut content = Vec::new();
            t.content().read_to_end(&mut content).unwrap();
            assert_eq!(content, b"after");
            assert!(t.next_entry().unwrap().is_none());
        }
    }

    /// A size is a promise only: a stream that ends first is an error, whatever was promised.
    #[test]
    fn absurd_sizes_end_with_the_stream() {
        let absurd = u64::MAX - BLOCK as u64;
        let archive = [pax(b'x', &record("size", absurd.to_string().as_bytes())), entry(b"n", b"abc")].concat();
        let mut t = TarReader::new(&archive[..]);
        let h = t.next_entry().unwrap().unwrap();
        assert_eq!(h.size, absurd);
        let mut content = Vec::new();
        let e = t.content().read_to_end(&mut content).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::UnexpectedEof);
        assert!(t.next_entry().is_err(), "the reader does not go on after an error");
        let over = [pax(b'x', &record("size", u64::MAX.to_string().as_bytes())), entry(b"n", b"abc")].concat();
        assert_eq!(first(&over).unwrap_err().kind(), io::ErrorKind::InvalidData);
        // Skipped rather than read: the same.
        let mut t = TarReader::new(&archive[..]);
        t.next_entry().unwrap().unwrap();
        assert_eq!(t.next_entry().unwrap_err().kind(), io::ErrorKind::UnexpectedEof);
    }

    #[test]
    fn damaged_headers_are_errors() {
        let (archive, _) = write(&odd_specs());
        let mut bad = archive.clone();
        bad[3] ^= 0x40; // in the first entry's name
        let e = first(&bad).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::InvalidData);
        assert!(e.to_string().contains("checksum"), "{e}");
        let mut t = TarReader::new(&bad[..]);
        assert!(t.next_entry().is_err());
        assert!(t.next_entry().is_err(), "still failing: the position in the stream is lost");
        let mut buf = [0u8; 4];
        assert!(t.read_content(&mut buf).is_err());
        // Not a tar header at all.
        assert!(first(&[b'x'; 2048]).is_err());
        // A checksum summed as signed bytes (old tars), for a name with bytes from 128.
        let mut b = ustar(b"caf\xe9", b'0', 0, b"");
        b[148..156].fill(b' ');
        let sum: i32 = b.iter().map(|&x| i32::from(x as i8)).sum();
        b[148..156].copy_from_slice(format!("{sum:06o}\0 ").as_bytes());
        assert_eq!(first(&[b.to_vec(), END.to_vec()].concat()).unwrap().path, b"caf\xe9");
    }

    /// Cut anywhere before its end blocks, the archive is an error; cut after the first one,
    /// it ends (as GNU tar reads it).
    #[test]
    fn truncated_streams_are_errors() {
        let specs = [
            spec(".", EntryKind::Dir),
            file("a", data(1500, 1)),
            file(long(400, b"long"), data(100, 2)),
            spec("l", EntryKind::Symlink { target: long(200, b"t") }),
        ];
        let (archive, _) = write(&specs);
        let len = archive.len();
        let mut cut = 0;
        while cut < len - BLOCK {
            let r = read_all(&archive[..cut], 0);
            assert!(r.is_err(), "cut at {cut} of {len}");
            cut += 97;
        }
        for cut in [len - 2 * BLOCK, len - BLOCK - 1] {
            assert!(read_all(&archive[..cut], 0).is_err(), "cut at {cut} of {len}");
        }
        assert_eq!(read_all(&archive[..len - BLOCK], 0).unwrap().len(), specs.len());
        assert_eq!(read_all(&archive[..], 0).unwrap().len(), specs.len());
        // A lone zero block followed by data is damage, not an end.
        let lone = [vec![0; BLOCK], entry(b"n", b"x"), END.to_vec()].concat();
        assert_eq!(first(&lone).unwrap_err().kind(), io::ErrorKind::InvalidData);
        // An extended header followed by the end is damage too.
        let dangling = [pax(b'x', &record("path", b"p")), END.to_vec()].concat();
        assert!(first(&dangling).is_err());
        // An empty stream has no end blocks.
        assert_eq!(first(b"").unwrap_err().kind(), io::ErrorKind::UnexpectedEof);
    }

    #[test]
    fn limits() {
        // Extended header data over 1 MiB: refused before it is read.
        for flag in [b'x', b'g', b'L', b'K'] {
            let mut b = ustar(b"big", flag, (1 << 20) + 1, b"");
            seal(&mut b);
            let e = first(&b).unwrap_err();
            assert_eq!(e.kind(), io::ErrorKind::InvalidData, "{}", flag as char);
        }
        // A path over 64 KiB, from pax or GNU.
        let huge = vec![b'a'; MAX_PATH + 1];
        let archive = [pax(b'x', &record("path", &huge)), entry(b"n", b""), END.to_vec()].concat();
        assert!(first(&archive).is_err());
        let archive =
            [pax(b'x', &record("linkpath", &huge)), ustar(b"n", b'2', 0, b"").to_vec(), END.to_vec()].concat();
        assert!(first(&archive).is_err());
        let archive = [pax(b'L', &huge), entry(b"n", b""), END.to_vec()].concat();
        assert!(first(&archive).is_err());
        let fits = vec![b'a'; MAX_PATH];
        let archive = [pax(b'x', &record("path", &fits)), entry(b"n", b""), END.to_vec()].concat();
        assert_eq!(first(&archive).unwrap().path, fits);
        // Endless extended headers.
        let many = [vec![pax(b'g', &record("comment", b"hi")); MAX_EXTENDED + 1].concat(), entry(b"n", b"")].concat();
        assert!(first(&many).is_err());
        let some = [vec![pax(b'g', &record("comment", b"hi")); MAX_EXTENDED - 1].concat(), entry(b"n", b"")].concat();
        assert_eq!(first(&some).unwrap().path, b"n");
    }

    /// Headers other tools write: global pax headers, GNU long names, unknown typeflags,
    /// v7 directories, base-256 times, `./` names.
    #[test]
    fn other_writers_headers() {
        let mut neg = ustar(b"./old//", b'5', 0, b"");
        neg[136..148].copy_from_slice(&[0xff; 12]);
        seal(&mut neg);
        let mut v7 = ustar(b"v7dir/", b'\0', 0, b"");
        v7[257..265].fill(0);
        v7[265..345].fill(0);
        seal(&mut v7);
        let archive = [
            pax(b'g', &[record("comment", b"global\nstuff"), record("path", b"ignored")].concat()),
            pax(b'L', b"gnu/long/name\0"),
            pax(b'K', b"gnu/long/target\0\0\0"),
            ustar(b"gnu/lo", b'2', 0, b"gnu/lo").to_vec(),
            entry(b"./plain", b"text"),
            ustar(b"odd", b'Z', 3, b"").to_vec(),
            b"zzz".to_vec(),
            vec![0; BLOCK - 3],
            neg.to_vec(),
            v7.to_vec(),
            ustar(b"./", b'5', 0, b"").to_vec(),
            ustar(b"hl", b'1', 0, b"./plain").to_vec(),
            END.to_vec(),
        ]
        .concat();
        let all = read_all(&archive[..], 0).unwrap();
        let got: Vec<(&[u8], &EntryKind, u64)> = all.iter().map(|(h, _)| (&h.path[..], &h.kind, h.size)).collect();
        let target = EntryKind::Symlink { target: b"gnu/long/target".to_vec() };
        assert_eq!(
            got,
            [
                (&b"gnu/long/name"[..], &target, 0),
                (b"plain", &EntryKind::File, 4),
                (b"odd", &EntryKind::Unknown(b'Z'), 3),
                (b"old", &EntryKind::Dir, 0),
                (b"v7dir", &EntryKind::Dir, 0),
                (b".", &EntryKind::Dir, 0),
                (b"hl", &EntryKind::Hardlink { target: b"plain".to_vec() }, 0),
            ]
        );
        assert_eq!(all[0].0.header_offset, 2 * BLOCK as u64, "after the global header, at the long name");
        assert_eq!(all[2].1, b"zzz");
        assert_eq!((all[3].0.mtime_secs, all[3].0.mtime_nanos), (-1, 0));
        assert!(all[4].0.uname.is_empty(), "v7 headers have no owner names");
    }

    /// Damage anywhere (header fields re-sealed so they get past the checksum, pax data,
    /// content) gives entries or an error: never a panic, a hang or a huge allocation.
    #[test]
    fn damaged_archives_never_panic() {
        let specs: Vec<Spec> = odd_specs().into_iter().filter(|s| s.content.len() < 10_000).collect();
        let (archive, _) = write(&specs);
        let sealed: Vec<usize> = (0..archive.len() / BLOCK)
            .filter(|&i| {
                let b: &[u8; BLOCK] = archive[i * BLOCK..(i + 1) * BLOCK].try_into().unwrap();
                b.iter().any(|&x| x != 0) && verify_checksum(b, 0).is_ok()
            })
            .collect();
        let mut rng = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = move || {
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            rng
        };
        let mut outcomes = [0usize; 2];
        for _ in 0..2000 {
            let mut a = archive.clone();
            for _ in 0..1 + next() % 4 {
                // Mostly headers: they hold the numbers and the pax data.
                let at = if next() % 4 == 0 {
                    (next() % a.len() as u64) as usize
                } else {
                    let block = sealed[(next() % sealed.len() as u64) as usize];
                    block * BLOCK + (next() % (2 * BLOCK as u64)) as usize
                };
                let (v, at) = (next(), at.min(a.len() - 1));
                a[at] = match v % 4 {
                    0 => 0,
                    1 => b'0' + (v >> 8) as u8 % 10,
                    2 => b' ',
                    _ => (v >> 8) as u8,
                };
            }
            for &i in &sealed {
                let b: &mut [u8; BLOCK] = (&mut a[i * BLOCK..(i + 1) * BLOCK]).try_into().unwrap();
                seal(b);
            }
            outcomes[usize::from(read_all(&a[..], 0).is_ok())] += 1;
        }
        eprintln!("damaged archives: {} errors, {} read through", outcomes[0], outcomes[1]);
        assert!(outcomes[0] > 0 && outcomes[1] > 0);
    }

    fn gnu_tar() -> bool {
        let found = std::process::Command::new("tar")
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success() && String::from_utf8_lossy(&o.stdout).contains("GNU tar"));
        if !found {
            eprintln!("\n!!!!!!!!!! GNU tar is not on PATH: the GNU tar test is SKIPPED !!!!!!!!!!\n");
        }
        found
    }

    /// Archives written by GNU tar, in its pax and GNU formats, read back against the tree.
    #[test]
    fn gnu_tar_archives() {
        use std::collections::BTreeMap;
        use std::ffi::OsStr;
        use std::fs;
        use std::os::unix::ffi::OsStrExt;
        use std::os::unix::fs::{MetadataExt, symlink};
        use std::time::{Duration, UNIX_EPOCH};

        if !gnu_tar() {
            return;
        }
        let tmp = tempfile::tempdir().unwrap();
        let src = tmp.path().join("src");
        let p = |rel: &[u8]| src.join(OsStr::from_bytes(rel));
        let long_name = [b"d/".to_vec(), b"x".repeat(150), b"/".to_vec(), b"y".repeat(120), b".txt".to_vec()].concat();
        fs::create_dir_all(p(&long_name).parent().unwrap()).unwrap();
        fs::create_dir_all(p(b"empty-dir")).unwrap();
        let files: [(&[u8], Vec<u8>); 4] = [
            (&long_name, data(3000, 1)),
            (b"short.txt", data(10, 2)),
            (b"new\nline", data(700, 3)),
            (b"bad\xff", Vec::new()),
        ];
        for (i, (rel, content)) in files.iter().enumerate() {
            fs::write(p(rel), content).unwrap();
            let t = UNIX_EPOCH + Duration::new(1_600_000_000 + i as u64, 123_456_789 * (i as u32 % 2));
            fs::File::options().write(true).open(p(rel)).unwrap().set_modified(t).unwrap();
        }
        let long_target = [b"t/".repeat(100), b"end".to_vec()].concat();
        symlink(OsStr::from_bytes(&long_target), p(b"sym-long")).unwrap();
        symlink("short.txt", p(b"sym")).unwrap();
        fs::hard_link(p(b"short.txt"), p(b"hard")).unwrap();
        nix::unistd::mkfifo(&p(b"fifo"), nix::sys::stat::Mode::from_bits_truncate(0o640)).unwrap();

        for format in ["pax", "gnu"] {
            let tar_file = tmp.path().join(format!("{format}.tar"));
            let out = std::process::Command::new("tar")
                .env("LC_ALL", "C")
                .arg(format!("--format={format}"))
                .arg("-cf")
                .arg(&tar_file)
                .arg("-C")
                .arg(&src)
                .arg(".")
                .output()
                .unwrap();
            assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
            let all = read_all(fs::File::open(&tar_file).unwrap(), 0).unwrap();
            let by_path: BTreeMap<Vec<u8>, (EntryHeader, Vec<u8>)> =
                all.into_iter().map(|(h, c)| (h.path.clone(), (h, c))).collect();
            let names: Vec<String> = by_path.keys().map(|k| String::from_utf8_lossy(k).into_owned()).collect();
            assert_eq!(by_path.len(), 12, "{format}: {names:?}");
            for (path, (h, content)) in &by_path {
                let shown = format!("{format}: {}", String::from_utf8_lossy(path));
                let md = fs::symlink_metadata(if path == b"." { src.clone() } else { p(path) }).unwrap();
                assert_eq!(h.mode, md.mode() & 0o7777, "{shown}");
                assert_eq!((h.uid, h.gid), (u64::from(md.uid()), u64::from(md.gid())), "{shown}");
                assert_eq!(h.mtime_secs, md.mtime(), "{shown}");
                if format == "pax" {
                    assert_eq!(i64::from(h.mtime_nanos), md.mtime_nsec(), "{shown}");
                }
                let ft = md.file_type();
                match &h.kind {
                    EntryKind::File => {
                        assert!(ft.is_file(), "{shown}");
                        assert!(*content == fs::read(p(path)).unwrap(), "{shown}");
                    }
                    EntryKind::Dir => assert!(ft.is_dir(), "{shown}"),
                    EntryKind::Symlink { target } => {
                        assert_eq!(fs::read_link(p(path)).unwrap().as_os_str().as_bytes(), &target[..], "{shown}")
                    }
                    EntryKind::Hardlink { target } => {
                        let pair = [path.as_slice(), target.as_slice()];
                        assert!(pair.contains(&&b"hard"[..]) && pair.contains(&&b"short.txt"[..]), "{shown}");
                        assert_eq!(fs::metadata(p(target)).unwrap().ino(), md.ino());
                    }
                    EntryKind::Fifo => assert_eq!(path, b"fifo"),
                    other => panic!("{shown}: {other:?}"),
                }
            }
            assert_eq!(
                by_path[&b"sym-long"[..]].0.kind,
                EntryKind::Symlink { target: long_target.clone() },
                "{format}: a long target"
            );
        }
    }
}
