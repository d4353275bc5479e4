//! The archive writer: a POSIX pax archive (ustar headers, with pax extended headers where
//! ustar falls short), written into any [`Write`] sink as one stream.
//!
//! Made for the tape pipeline:
//!
//! - It counts the stream offset and reports, for every entry, the offset where the entry's
//!   headers begin (its pax extended header if it has one, else its ustar header): the
//!   catalog's way back to the file.
//! - File content is streamed from a reader in 1 MiB reads and hashed with BLAKE3 as it is
//!   written: the hash covers exactly the bytes in the archive, and the source is never read
//!   twice.
//! - The size a header announces is the size written. A file that shrank while it was read
//!   is padded with zeros, one that grew is cut at the announced size; both are reported as
//!   `changed`. A read error is padded the same way and reported, and the archive stays
//!   valid: only an error of the sink fails a call (after which the stream is unusable).
//! - A sparse file is written as a regular file: its holes are read as zeros and streamed
//!   like any data (never held in memory). GNU's sparse pax extensions are not used, so any
//!   pax reader restores it, at the cost of tape for the holes (zstd makes them nearly free).
//! - Headers are built in buffers reused from entry to entry, and written with one call.
//!
//! What goes where: a name that fits ustar's `name` (100 bytes) or `prefix`/`name` split
//! (155 + 100 at a `/`) is stored there as raw bytes; a longer one goes in a pax `path`
//! record, and a link target longer than 100 bytes in `linkpath` (ustar then holds their
//! first 100 bytes, for readers that know no pax). When such a record is not
//! valid UTF-8, the header also carries `hdrcharset=BINARY`, as POSIX specifies, so readers
//! take the bytes as they are. Sizes from 8 GiB, times before 1970 or with nanoseconds,
//! uid/gid from 2^21 and owner names longer than 31 bytes go in pax records (`size`,
//! `mtime`, `uid`, `gid`, `uname`, `gname`). Directory names end with `/`. Access and change
//! times are not stored (they are not restored, and would make the stream differ from run
//! to run). The root of a walk (`.`) is stored as `./`. The archive ends with two zero
//! blocks ([`TarWriter::finish`]).
//!
//! Readers, as tested: GNU tar 1.34 lists and extracts everything byte for byte in any
//! locale, but does not know `hdrcharset` and prints `Ignoring unknown extended header
//! keyword 'hdrcharset'` once per entry that carries it (exit status 0). The `tar` crate
//! (0.4.46) splits pax records at newlines instead of walking them by length
//! (composefs/tar-rs#452), so it fails on a long name or target holding a newline: a reader
//! of ours must parse pax records by their length prefix.

use std::io::{self, Read, Write};

use super::walk::{Entry, EntryKind, Timestamp};

/// The tar block size.
pub const BLOCK: usize = 512;
/// How much file content is read (and written) at a time.
pub const CHUNK: usize = 1 << 20;

const ZEROS: [u8; 2 * BLOCK] = [0; 2 * BLOCK];
/// Largest value of an 11-digit octal field (size, mtime): 8 GiB - 1.
const MAX_OCTAL_11: u64 = 0o777_7777_7777;
/// Largest value of a 7-digit octal field (uid, gid, device numbers).
const MAX_OCTAL_7: u64 = 0o777_7777;
/// Longest owner name a ustar field holds with its NUL.
const MAX_OWNER: usize = 31;

/// What an entry is, with what its type needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind<'a> {
    /// Content follows: written with [`TarWriter::append_file`].
    File,
    Dir,
    Symlink(&'a [u8]),
    /// Another name for the file archived earlier under this path.
    Hardlink(&'a [u8]),
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

/// An entry's metadata as the archive stores it. Paths are bytes relative to the archive's
/// root; a directory's `/` is added by the writer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Header<'a> {
    pub path: &'a [u8],
    pub kind: Kind<'a>,
    /// Permission bits, set-uid, set-gid and sticky; other bits are ignored.
    pub mode: u32,
    pub uid: u64,
    pub gid: u64,
    /// Owner and group names; empty when unknown.
    pub uname: &'a [u8],
    pub gname: &'a [u8],
    pub mtime: Timestamp,
}

impl<'a> From<&'a Entry> for Header<'a> {
    fn from(e: &'a Entry) -> Header<'a> {
        let kind = match &e.kind {
            EntryKind::File => Kind::File,
            EntryKind::Dir => Kind::Dir,
            EntryKind::Symlink { target } => Kind::Symlink(target),
            EntryKind::Hardlink { target } => Kind::Hardlink(target),
            EntryKind::Fifo => Kind::Fifo,
            EntryKind::CharDevice { major, minor } => Kind::CharDevice { major: *major, minor: *minor },
            EntryKind::BlockDevice { major, minor } => Kind::BlockDevice { major: *major, minor: *minor },
        };
        Header {
            path: e.rel(),
            kind,
            mode: e.mode,
            uid: e.uid.into(),
            gid: e.gid.into(),
            uname: e.user.as_deref().map_or(b"", str::as_bytes),
            gname: e.group.as_deref().map_or(b"", str::as_bytes),
            mtime: e.mtime,
        }
    }
}

/// A [`Header`] that owns its bytes: kept while an entry is written, so a stream cut in the
/// middle of it can be picked up with exactly the header that is on tape.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct OwnedHeader {
    pub path: Vec<u8>,
    /// `file`, `dir`, `symlink`, `hardlink`, `fifo`, `char` or `block`.
    pub kind: String,
    /// Symlink or hard link target.
    pub link: Vec<u8>,
    pub major: u32,
    pub minor: u32,
    pub mode: u32,
    pub uid: u64,
    pub gid: u64,
    pub uname: Vec<u8>,
    pub gname: Vec<u8>,
    pub mtime_secs: i64,
    pub mtime_nanos: u32,
}

impl OwnedHeader {
    /// Copies `h` in, reusing this header's buffers.
    pub fn assign(&mut self, h: &Header<'_>) {
        let (kind, link, major, minor): (&str, &[u8], u32, u32) = match h.kind {
            Kind::File => ("file", b"", 0, 0),
            Kind::Dir => ("dir", b"", 0, 0),
            Kind::Symlink(t) => ("symlink", t, 0, 0),
            Kind::Hardlink(t) => ("hardlink", t, 0, 0),
            Kind::Fifo => ("fifo", b"", 0, 0),
            Kind::CharDevice { major, minor } => ("char", b"", major, minor),
            Kind::BlockDevice { major, minor } => ("block", b"", major, minor),
        };
        self.path.clear();
        self.path.extend_from_slice(h.path);
        self.kind.clear();
        self.kind.push_str(kind);
        self.link.clear();
        self.link.extend_from_slice(link);
        (self.major, self.minor, self.mode, self.uid, self.gid) = (major, minor, h.mode, h.uid, h.gid);
        self.uname.clear();
        self.uname.extend_from_slice(h.uname);
        self.gname.clear();
        self.gname.extend_from_slice(h.gname);
        (self.mtime_secs, self.mtime_nanos) = (h.mtime.secs, h.mtime.nanos);
    }

    pub fn header(&self) -> io::Result<Header<'_>> {
        let kind = match self.kind.as_str() {
            "file" => Kind::File,
            "dir" => Kind::Dir,
            "symlink" => Kind::Symlink(&self.link),
            "hardlink" => Kind::Hardlink(&self.link),
            "fifo" => Kind::Fifo,
            "char" => Kind::CharDevice { major: self.major, minor: self.minor },
            "block" => Kind::BlockDevice { major: self.major, minor: self.minor },
            other => return Err(invalid(&format!("unknown entry kind '{other}'"))),
        };
        Ok(Header {
            path: &self.path,
            kind,
            mode: self.mode,
            uid: self.uid,
            gid: self.gid,
            uname: &self.uname,
            gname: &self.gname,
            mtime: Timestamp { secs: self.mtime_secs, nanos: self.mtime_nanos },
        })
    }
}

/// Bytes an entry takes in the stream: its headers, `size` bytes of content, padding.
pub fn entry_len(h: &Header<'_>, size: u64) -> io::Result<u64> {
    let (mut name, mut records, mut out) = (Vec::new(), Vec::new(), Vec::new());
    build_headers(h, size, &mut name, &mut records, &mut out)?;
    Ok(out.len() as u64 + size + padding(size) as u64)
}

/// What [`TarWriter::append_file`] wrote.
#[derive(Debug)]
pub struct FileWritten {
    /// Stream offset of the entry's first header block.
    pub header_offset: u64,
    /// The size announced in the header, and written.
    pub size: u64,
    /// BLAKE3 of the `size` content bytes in the archive (padding included when the file
    /// shrank or could not be read to the end).
    pub blake3: blake3::Hash,
    /// Bytes taken from the source: less than `size` when it shrank or failed.
    pub read: u64,
    /// The file shrank, grew or failed while it was read: the archive holds a padded or cut
    /// copy.
    pub changed: bool,
    /// The read error that ended the content early, if any.
    pub read_error: Option<io::Error>,
}

/// Where the archive goes. File content is read straight into the sink's own buffer when it
/// lends one ([`Sink::fill`]), saving a copy of every byte on the backup's hot path; the
/// default goes through `scratch` and `write_all`.
pub trait Sink: Write {
    /// Lets `read` put up to `max` next bytes of the stream into a buffer and keeps the
    /// `n` it reports (`n <= max`; 0 adds nothing). `scratch` holds at least `max` bytes.
    fn fill(
        &mut self,
        scratch: &mut [u8],
        max: usize,
        read: &mut dyn FnMut(&mut [u8]) -> io::Result<usize>,
    ) -> io::Result<usize> {
        let n = read(&mut scratch[..max])?;
        self.write_all(&scratch[..n])?;
        Ok(n)
    }
}

impl Sink for Vec<u8> {}
impl Sink for io::Sink {}
impl Sink for std::fs::File {}

/// Writes a pax archive into `W`, counting the stream offset.
pub struct TarWriter<W: Sink> {
    sink: W,
    offset: u64,
    /// The headers of one entry (pax header, its records, ustar header), written at once.
    headers: Vec<u8>,
    /// Pax records of one entry.
    records: Vec<u8>,
    /// The entry's name as stored (with a directory's `/`).
    name: Vec<u8>,
    buf: Box<[u8]>,
    /// Bytes of the stream to drop before the sink gets any: the part of an entry already
    /// on tape when a stream is picked up in the middle of it ([`TarWriter::resume_within`]).
    discard: u64,
}

/// Passes `bytes` to `sink` after dropping what `discard` says is still to be dropped.
fn put<W: Write>(sink: &mut W, discard: &mut u64, bytes: &[u8]) -> io::Result<()> {
    let skip = (*discard).min(bytes.len() as u64) as usize;
    *discard -= skip as u64;
    if skip < bytes.len() {
        sink.write_all(&bytes[skip..])?;
    }
    Ok(())
}

impl<W: Sink> TarWriter<W> {
    /// A writer whose stream starts at offset 0.
    pub fn new(sink: W) -> TarWriter<W> {
        TarWriter::with_offset(sink, 0)
    }

    /// A writer whose first byte is at `offset` of the stream (a stream picked up again).
    pub fn with_offset(sink: W, offset: u64) -> TarWriter<W> {
        TarWriter {
            sink,
            offset,
            headers: Vec::with_capacity(4 * BLOCK),
            records: Vec::with_capacity(BLOCK),
            name: Vec::with_capacity(256),
            buf: vec![0; CHUNK].into_boxed_slice(),
            discard: 0,
        }
    }

    /// Picks the stream up inside an entry (or the end-of-archive blocks): the writer's
    /// offset is at `at`, the entry's headers (or the end blocks) start at `header_start`;
    /// the next entry written must be that one, with the same header and size (or the
    /// archive must be finished), and only the bytes from `at` on reach the sink.
    pub fn resume_within(&mut self, header_start: u64, at: u64) {
        debug_assert!(header_start <= at && at == self.offset);
        self.discard = at - header_start;
        self.offset = header_start;
    }

    /// The stream offset of the next byte written.
    pub fn offset(&self) -> u64 {
        self.offset
    }

    pub fn get_ref(&self) -> &W {
        &self.sink
    }

    /// The sink, without ending the archive (after an error, say).
    pub fn into_inner(self) -> W {
        self.sink
    }

    pub fn get_mut(&mut self) -> &mut W {
        &mut self.sink
    }

    /// Writes an entry without content (directory, link, fifo, device) and returns the
    /// stream offset of its first header block. A [`Kind::File`] needs
    /// [`TarWriter::append_file`].
    pub fn append(&mut self, h: &Header<'_>) -> io::Result<u64> {
        if h.kind == Kind::File {
            return Err(invalid("a file is written with its content: use append_file"));
        }
        self.write_headers(h, 0)
    }

    /// Writes a file: its headers announcing `size`, then exactly `size` bytes read from
    /// `src` (see the module documentation for a source that changes or fails), hashed as
    /// they are written. Errors come from the sink only.
    ///
    /// Growth is seen by asking for one byte more than is left; a read that returns less
    /// than asked for is taken as the end of the file, which holds for regular files. (A
    /// reader that returns short reads mid-stream may hide growth, never content.) Only when
    /// the last read filled the buffer exactly, or the file is empty, is one more read made.
    pub fn append_file<R: Read>(&mut self, h: &Header<'_>, size: u64, mut src: R) -> io::Result<FileWritten> {
        if h.kind != Kind::File {
            return Err(invalid("append_file writes files only"));
        }
        let header_offset = self.write_headers(h, size)?;
        let mut hasher = blake3::Hasher::new();
        let mut remaining = size;
        let mut changed = false;
        let mut read_error = None;
        // Whether we know the source has nothing beyond `size`: a short read at its end.
        let mut at_end = false;
        while remaining > 0 {
            // Near the end, ask for one byte more than announced: getting it means the file
            // grew, getting less means we met its end, without a read just to learn that.
            let want = if remaining < CHUNK as u64 { remaining as usize + 1 } else { CHUNK };
            let (mut got, mut offered) = (0usize, 0usize);
            let mut failed = None;
            let mut read_into = |room: &mut [u8]| {
                offered = room.len();
                got = loop {
                    match src.read(room) {
                        Ok(n) => break n,
                        Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                        Err(e) => {
                            failed = Some(e);
                            return Ok(0);
                        }
                    }
                };
                let take = got.min(remaining as usize);
                hasher.update(&room[..take]);
                Ok(take)
            };
            let kept = if self.discard > 0 {
                // Read (and hash) what is on tape already, without writing it again.
                let n = read_into(&mut self.buf[..want])?;
                put(&mut self.sink, &mut self.discard, &self.buf[..n])?;
                n
            } else {
                self.sink.fill(&mut self.buf, want, &mut read_into)?
            };
            if let Some(e) = failed {
                read_error = Some(e);
                break;
            }
            if got == 0 {
                break;
            }
            if got as u64 > remaining {
                changed = true;
            }
            remaining -= kept as u64;
            // A short read means the end only when it did not fill the room it was given.
            at_end = got < offered;
        }
        let read = size - remaining;
        if remaining > 0 {
            changed = true;
            let zeros = &mut self.buf[..remaining.min(CHUNK as u64) as usize];
            zeros.fill(0);
            while remaining > 0 {
                let n = remaining.min(zeros.len() as u64) as usize;
                hasher.update(&zeros[..n]);
                put(&mut self.sink, &mut self.discard, &zeros[..n])?;
                remaining -= n as u64;
            }
        } else if !changed && !at_end && read_error.is_none() {
            // The last read filled the buffer exactly (or the file is empty): one probe.
            let mut probe = [0u8; 1];
            loop {
                match src.read(&mut probe) {
                    Ok(n) => {
                        changed = n > 0;
                        break;
                    }
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                    Err(_) => break,
                }
            }
        }
        let pad = padding(size);
        if pad > 0 {
            put(&mut self.sink, &mut self.discard, &ZEROS[..pad])?;
        }
        self.offset += size + pad as u64;
        Ok(FileWritten { header_offset, size, blake3: hasher.finalize(), read, changed, read_error })
    }

    /// Ends the archive with two zero blocks and returns the sink and the stream offset
    /// after them. The sink is not flushed.
    pub fn finish(mut self) -> io::Result<(W, u64)> {
        put(&mut self.sink, &mut self.discard, &ZEROS)?;
        self.offset += ZEROS.len() as u64;
        Ok((self.sink, self.offset))
    }

    fn write_headers(&mut self, h: &Header<'_>, size: u64) -> io::Result<u64> {
        build_headers(h, size, &mut self.name, &mut self.records, &mut self.headers)?;
        let start = self.offset;
        put(&mut self.sink, &mut self.discard, &self.headers)?;
        self.offset += self.headers.len() as u64;
        Ok(start)
    }
}

fn invalid(msg: &str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidInput, msg.to_string())
}

/// Zero bytes after `size` bytes of content up to the next block.
fn padding(size: u64) -> usize {
    (BLOCK - (size % BLOCK as u64) as usize) % BLOCK
}

/// Builds the headers of one entry into `out`: a pax extended header with its records when
/// ustar cannot say everything, then the ustar header.
fn build_headers(
    h: &Header<'_>,
    size: u64,
    name: &mut Vec<u8>,
    records: &mut Vec<u8>,
    out: &mut Vec<u8>,
) -> io::Result<()> {
    if h.path.is_empty() || h.path.contains(&0) {
        return Err(invalid("an archive path must be non-empty and hold no NUL byte"));
    }
    if h.uname.contains(&0) || h.gname.contains(&0) {
        return Err(invalid("an owner name must hold no NUL byte"));
    }
    if h.mtime.nanos >= 1_000_000_000 {
        return Err(invalid("nanoseconds of a time must be below one second"));
    }
    let (typeflag, link, dev) = match h.kind {
        Kind::File => (b'0', &b""[..], (0, 0)),
        Kind::Hardlink(target) => (b'1', target, (0, 0)),
        Kind::Symlink(target) => (b'2', target, (0, 0)),
        Kind::CharDevice { major, minor } => (b'3', &b""[..], (major, minor)),
        Kind::BlockDevice { major, minor } => (b'4', &b""[..], (major, minor)),
        Kind::Dir => (b'5', &b""[..], (0, 0)),
        Kind::Fifo => (b'6', &b""[..], (0, 0)),
    };
    let has_link = matches!(h.kind, Kind::Hardlink(_) | Kind::Symlink(_));
    if has_link && (link.is_empty() || link.contains(&0)) {
        return Err(invalid("a link target must be non-empty and hold no NUL byte"));
    }
    if u64::from(dev.0) > MAX_OCTAL_7 || u64::from(dev.1) > MAX_OCTAL_7 {
        return Err(invalid("device numbers too large for a tar header"));
    }

    name.clear();
    name.extend_from_slice(h.path);
    if h.kind == Kind::Dir && !name.ends_with(b"/") {
        name.push(b'/');
    }
    let split = ustar_split(name);
    let link_fits = link.len() <= 100;
    let uname_fits = h.uname.len() <= MAX_OWNER;
    let gname_fits = h.gname.len() <= MAX_OWNER;

    records.clear();
    let not_utf8 = |b: &[u8]| std::str::from_utf8(b).is_err();
    let binary = (split.is_none() && not_utf8(name))
        || (!link_fits && not_utf8(link))
        || (!uname_fits && not_utf8(h.uname))
        || (!gname_fits && not_utf8(h.gname));
    if binary {
        pax_record(records, "hdrcharset", b"BINARY");
    }
    if split.is_none() {
        pax_record(records, "path", name);
    }
    if !link_fits {
        pax_record(records, "linkpath", link);
    }
    if size > MAX_OCTAL_11 {
        pax_number(records, "size", size);
    }
    let mtime = h.mtime;
    if mtime.nanos != 0 || mtime.secs < 0 || mtime.secs as u64 > MAX_OCTAL_11 {
        pax_time(records, "mtime", mtime);
    }
    if h.uid > MAX_OCTAL_7 {
        pax_number(records, "uid", h.uid);
    }
    if h.gid > MAX_OCTAL_7 {
        pax_number(records, "gid", h.gid);
    }
    if !uname_fits {
        pax_record(records, "uname", h.uname);
    }
    if !gname_fits {
        pax_record(records, "gname", h.gname);
    }

    let ustar_mtime = mtime.secs.clamp(0, MAX_OCTAL_11 as i64) as u64;
    out.clear();
    if !records.is_empty() {
        // The extended header's own name, for readers that know no pax: PaxHeaders/<base>.
        let trimmed = name.strip_suffix(b"/").unwrap_or(name);
        let base = trimmed.rsplit(|&b| b == b'/').next().unwrap_or(trimmed);
        let base = &base[..base.len().min(100 - b"PaxHeaders/".len())];
        let mut xname = [0u8; 100];
        xname[..11].copy_from_slice(b"PaxHeaders/");
        xname[11..11 + base.len()].copy_from_slice(base);
        ustar_block(
            out,
            &Ustar {
                prefix: b"",
                name: &xname[..11 + base.len()],
                mode: 0o644,
                uid: 0,
                gid: 0,
                size: records.len() as u64,
                mtime: ustar_mtime,
                typeflag: b'x',
                link: b"",
                uname: b"",
                gname: b"",
                dev: (0, 0),
            },
        );
        out.extend_from_slice(records);
        out.resize(out.len() + padding(records.len() as u64), 0);
    }
    // Where pax holds a name or target, ustar holds its first 100 bytes, for readers that
    // know no pax (as GNU tar and Go's archive/tar do).
    let (prefix, short_name) = match split {
        Some(at) => (&name[..at.0], &name[at.1..]),
        None => (&b""[..], &name[..100]),
    };
    ustar_block(
        out,
        &Ustar {
            prefix,
            name: short_name,
            mode: h.mode & 0o7777,
            uid: if h.uid > MAX_OCTAL_7 { 0 } else { h.uid },
            gid: if h.gid > MAX_OCTAL_7 { 0 } else { h.gid },
            size: if size > MAX_OCTAL_11 { 0 } else { size },
            mtime: ustar_mtime,
            typeflag,
            link: &link[..link.len().min(100)],
            uname: if uname_fits { h.uname } else { b"" },
            gname: if gname_fits { h.gname } else { b"" },
            dev: (u64::from(dev.0), u64::from(dev.1)),
        },
    );
    Ok(())
}

/// Where a name goes in ustar: `(prefix_end, name_start)` (the `/` between them is dropped),
/// `(0, 0)` when it fits in `name` alone, `None` when it does not fit at all.
fn ustar_split(name: &[u8]) -> Option<(usize, usize)> {
    let len = name.len();
    if len <= 100 {
        return Some((0, 0));
    }
    if len > 155 + 1 + 100 {
        return None;
    }
    // A '/' at i: prefix name[..i] of at most 155 bytes, name[i+1..] of 1 to 100 bytes.
    let lo = len - 101;
    let hi = 155.min(len - 2);
    (lo.max(1)..=hi).find(|&i| name[i] == b'/').map(|i| (i, i + 1))
}

/// The fields of one ustar header block.
struct Ustar<'a> {
    prefix: &'a [u8],
    name: &'a [u8],
    mode: u32,
    uid: u64,
    gid: u64,
    size: u64,
    mtime: u64,
    typeflag: u8,
    link: &'a [u8],
    uname: &'a [u8],
    gname: &'a [u8],
    dev: (u64, u64),
}

/// Appends one 512-byte ustar header block. Every value must fit its field.
fn ustar_block(out: &mut Vec<u8>, f: &Ustar<'_>) {
    let start = out.len();
    out.resize(start + BLOCK, 0);
    let b = &mut out[start..];
    b[0..f.name.len()].copy_from_slice(f.name);
    octal(&mut b[100..108], f.mode.into());
    octal(&mut b[108..116], f.uid);
    octal(&mut b[116..124], f.gid);
    octal(&mut b[124..136], f.size);
    octal(&mut b[136..148], f.mtime);
    b[156] = f.typeflag;
    b[157..157 + f.link.len()].copy_from_slice(f.link);
    b[257..263].copy_from_slice(b"ustar\0");
    b[263..265].copy_from_slice(b"00");
    b[265..265 + f.uname.len()].copy_from_slice(f.uname);
    b[297..297 + f.gname.len()].copy_from_slice(f.gname);
    octal(&mut b[329..337], f.dev.0);
    octal(&mut b[337..345], f.dev.1);
    b[345..345 + f.prefix.len()].copy_from_slice(f.prefix);
    // The checksum counts its own field as spaces, and is stored as 6 digits, NUL, space.
    b[148..156].fill(b' ');
    let sum: u32 = b.iter().map(|&x| u32::from(x)).sum();
    octal(&mut b[148..155], sum.into());
}

/// Writes `v` as zero-padded octal digits filling `field` but its last byte, a NUL.
fn octal(field: &mut [u8], mut v: u64) {
    let (last, digits) = field.split_last_mut().expect("a field has room");
    *last = 0;
    for d in digits.iter_mut().rev() {
        *d = b'0' + (v & 7) as u8;
        v >>= 3;
    }
    debug_assert_eq!(v, 0, "value too large for its field");
}

/// Appends a pax record `"<len> <key>=<value>\n"`, `len` counting the whole record,
/// its own digits included.
fn pax_record(out: &mut Vec<u8>, key: &str, value: &[u8]) {
    let base = key.len() + value.len() + 3; // ' ', '=', '\n'
    let mut len = base + 1;
    while len != base + decimal_digits(len as u64) {
        len = base + decimal_digits(len as u64);
    }
    write_decimal(out, len as u64);
    out.push(b' ');
    out.extend_from_slice(key.as_bytes());
    out.push(b'=');
    out.extend_from_slice(value);
    out.push(b'\n');
}

fn pax_number(out: &mut Vec<u8>, key: &str, v: u64) {
    let mut digits = [0u8; 20];
    let n = format_decimal(&mut digits, v);
    pax_record(out, key, &digits[20 - n..]);
}

/// A time as pax writes it: seconds, then up to 9 digits of fraction without trailing
/// zeros; a time before 1970 is negative as a whole (-1.25 is 1.25 s before the epoch).
fn pax_time(out: &mut Vec<u8>, key: &str, t: Timestamp) {
    let mut value = [0u8; 32];
    let mut len = 0;
    let (negative, whole, frac) = if t.secs < 0 && t.nanos > 0 {
        (true, (t.secs + 1).unsigned_abs(), 1_000_000_000 - t.nanos)
    } else {
        (t.secs < 0, t.secs.unsigned_abs(), t.nanos)
    };
    if negative {
        value[0] = b'-';
        len = 1;
    }
    let mut digits = [0u8; 20];
    let n = format_decimal(&mut digits, whole);
    value[len..len + n].copy_from_slice(&digits[20 - n..]);
    len += n;
    if frac > 0 {
        value[len] = b'.';
        len += 1;
        let mut f = frac;
        let mut frac_digits = [b'0'; 9];
        for d in frac_digits.iter_mut().rev() {
            *d = b'0' + (f % 10) as u8;
            f /= 10;
        }
        let keep = 9 - frac_digits.iter().rev().take_while(|&&d| d == b'0').count();
        value[len..len + keep].copy_from_slice(&frac_digits[..keep]);
        len += keep;
    }
    pax_record(out, key, &value[..len]);
}

fn decimal_digits(v: u64) -> usize {
    v.checked_ilog10().map_or(1, |l| l as usize + 1)
}

/// Writes `v` in decimal at the end of `buf`; returns the number of digits.
fn format_decimal(buf: &mut [u8; 20], mut v: u64) -> usize {
    let mut i = 20;
    loop {
        i -= 1;
        buf[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            return 20 - i;
        }
    }
}

fn write_decimal(out: &mut Vec<u8>, v: u64) {
    let mut digits = [0u8; 20];
    let n = format_decimal(&mut digits, v);
    out.extend_from_slice(&digits[20 - n..]);
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;

    /// An entry owned by a test.
    #[derive(Debug, Clone)]
    struct Owned {
        path: Vec<u8>,
        kind: OwnedKind,
        mode: u32,
        uid: u64,
        gid: u64,
        uname: Vec<u8>,
        gname: Vec<u8>,
        mtime: Timestamp,
    }

    #[derive(Debug, Clone)]
    enum OwnedKind {
        File(Vec<u8>),
        Dir,
        Symlink(Vec<u8>),
        Hardlink(Vec<u8>),
        Fifo,
        Char(u32, u32),
        Block(u32, u32),
    }

    impl Owned {
        fn new(path: impl Into<Vec<u8>>, kind: OwnedKind) -> Owned {
            Owned {
                path: path.into(),
                kind,
                mode: 0o644,
                uid: 1000,
                gid: 100,
                uname: b"alice".to_vec(),
                gname: b"users".to_vec(),
                mtime: Timestamp { secs: 1_700_000_000, nanos: 0 },
            }
        }

        fn header(&self) -> Header<'_> {
            let kind = match &self.kind {
                OwnedKind::File(_) => Kind::File,
                OwnedKind::Dir => Kind::Dir,
                OwnedKind::Symlink(t) => Kind::Symlink(t),
                OwnedKind::Hardlink(t) => Kind::Hardlink(t),
                OwnedKind::Fifo => Kind::Fifo,
                OwnedKind::Char(major, minor) => Kind::CharDevice { major: *major, minor: *minor },
                OwnedKind::Block(major, minor) => Kind::BlockDevice { major: *major, minor: *minor },
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

    /// A stream cut anywhere and picked up again inside the entry the cut falls in (its
    /// header kept as an [`OwnedHeader`]) is the stream written in one go, byte for byte.
    #[test]
    fn a_stream_resumed_within_an_entry_is_the_same_stream() {
        let long = vec![b'n'; 300];
        let entries = [
            Owned::new(".", OwnedKind::Dir),
            Owned::new("a", OwnedKind::File((0..3000u32).map(|i| i as u8).collect())),
            Owned::new(long.clone(), OwnedKind::File(vec![7; 1024])),
            Owned::new("link", OwnedKind::Symlink(b"a".to_vec())),
            Owned::new("z", OwnedKind::File(vec![9; 10])),
        ];
        let write = |w: &mut TarWriter<Vec<u8>>, e: &Owned| -> u64 {
            let start = w.offset();
            match &e.kind {
                OwnedKind::File(data) => drop(w.append_file(&e.header(), data.len() as u64, &data[..]).unwrap()),
                _ => drop(w.append(&e.header()).unwrap()),
            }
            start
        };
        let mut whole = TarWriter::new(Vec::new());
        let starts: Vec<u64> = entries.iter().map(|e| write(&mut whole, e)).collect();
        let (whole, end) = whole.finish().unwrap();
        for at in [1u64, 511, 512, 513, 700, 1536, 3000, 3583, 3584, 4000, 5000, end - 1024, end - 1] {
            // The entry `at` falls in, as the cut part would have recorded it.
            let i = starts.iter().rposition(|s| *s <= at).unwrap();
            let mut kept = OwnedHeader::default();
            kept.assign(&entries[i].header());
            let size = match &entries[i].kind {
                OwnedKind::File(d) => d.len() as u64,
                _ => 0,
            };
            let mut w = TarWriter::with_offset(Vec::new(), at);
            if at >= end - 1024 {
                // In the end-of-archive blocks: only the rest of them.
                w.resume_within(end - 1024, at);
            } else {
                if at < starts[i] + entry_len(&kept.header().unwrap(), size).unwrap() {
                    w.resume_within(starts[i], at);
                    write(&mut w, &entries[i]);
                }
                for e in &entries[i + 1..] {
                    write(&mut w, e);
                }
            }
            let (rest, end2) = w.finish().unwrap();
            let mut joined = whole[..at as usize].to_vec();
            joined.extend_from_slice(&rest);
            assert_eq!(end2, end, "cut at {at}");
            assert!(joined == whole, "cut at {at}: the resumed stream differs");
        }
    }

    /// An entry as the `tar` crate reads it back.
    #[derive(Debug)]
    struct ReadBack {
        path: Vec<u8>,
        link: Option<Vec<u8>>,
        typeflag: u8,
        size: u64,
        data: Vec<u8>,
        mode: u32,
        uid: u64,
        gid: u64,
        uname: Vec<u8>,
        gname: Vec<u8>,
        mtime: Vec<u8>,
        dev: (u32, u32),
        ustar_pos: u64,
        pax: Vec<(Vec<u8>, Vec<u8>)>,
    }

    /// Pax records walked by their length prefix, as POSIX frames them.
    fn parse_pax(mut body: &[u8]) -> Vec<(Vec<u8>, Vec<u8>)> {
        let mut records = Vec::new();
        while !body.is_empty() {
            let space = body.iter().position(|&b| b == b' ').expect("a length");
            let len: usize = std::str::from_utf8(&body[..space]).unwrap().parse().unwrap();
            let record = &body[space + 1..len];
            assert_eq!(body[len - 1], b'\n', "a record ends with a newline");
            let eq = record.iter().position(|&b| b == b'=').expect("key=value");
            records.push((record[..eq].to_vec(), record[eq + 1..record.len() - 1].to_vec()));
            body = &body[len..];
        }
        records
    }

    /// Reads an archive with the `tar` crate. Its pax parser splits records at newlines
    /// (composefs/tar-rs#452), so it fails on a long name holding a newline; the records are
    /// also walked here by length, compared with the crate's where it copes, and used where
    /// it does not.
    fn read_back(archive: &[u8]) -> Vec<ReadBack> {
        let mut ar = ::tar::Archive::new(Cursor::new(archive));
        let mut out = Vec::new();
        let mut prev_end = 0u64;
        for e in ar.entries().expect("entries") {
            let mut e = e.expect("entry");
            let ustar_pos = e.raw_header_position();
            let pax = if ustar_pos > prev_end {
                let x = prev_end as usize;
                assert_eq!(archive[x + 156], b'x', "only a pax header comes between entries");
                let len = parse_octal(&archive[x + 124..x + 136]) as usize;
                parse_pax(&archive[x + BLOCK..x + BLOCK + len])
            } else {
                Vec::new()
            };
            let crate_says = e.pax_extensions().expect("pax").map(|exts| {
                exts.map(|x| x.map(|x| (x.key_bytes().to_vec(), x.value_bytes().to_vec())))
                    .collect::<io::Result<Vec<_>>>()
            });
            let crate_ok = match crate_says {
                None => {
                    assert!(pax.is_empty());
                    true
                }
                Some(Ok(records)) => {
                    assert_eq!(records, pax, "the tar crate reads the same pax records");
                    true
                }
                Some(Err(_)) => {
                    assert!(pax.iter().any(|(_, v)| v.contains(&b'\n')), "the tar crate fails on good pax records");
                    false
                }
            };
            let find = |k: &str| pax.iter().find(|(key, _)| key == k.as_bytes()).map(|(_, v)| v.clone());
            let h = e.header().clone();
            let number =
                |k: &str, ustar: u64| find(k).map_or(ustar, |v| String::from_utf8(v).unwrap().parse().unwrap());
            let mut data = Vec::new();
            e.read_to_end(&mut data).expect("content");
            let size = e.size();
            prev_end = ustar_pos + BLOCK as u64 + size + padding(size) as u64;
            let (path, link) = if crate_ok {
                (e.path_bytes().into_owned(), e.link_name_bytes().map(|l| l.into_owned()))
            } else {
                (find("path").unwrap(), find("linkpath").or_else(|| e.link_name_bytes().map(|l| l.into_owned())))
            };
            out.push(ReadBack {
                path,
                link,
                typeflag: h.entry_type().as_byte(),
                size,
                data,
                mode: h.mode().unwrap(),
                uid: number("uid", h.uid().unwrap()),
                gid: number("gid", h.gid().unwrap()),
                uname: find("uname").unwrap_or_else(|| h.username_bytes().unwrap_or_default().to_vec()),
                gname: find("gname").unwrap_or_else(|| h.groupname_bytes().unwrap_or_default().to_vec()),
                mtime: find("mtime").unwrap_or_else(|| h.mtime().unwrap().to_string().into_bytes()),
                dev: (h.device_major().unwrap().unwrap_or(0), h.device_minor().unwrap().unwrap_or(0)),
                ustar_pos,
                pax,
            });
        }
        out
    }

    /// Writes `entries`, returns the archive and the reported header offsets and results.
    fn write(entries: &[Owned]) -> (Vec<u8>, Vec<u64>, Vec<Option<FileWritten>>) {
        let mut w = TarWriter::new(Vec::new());
        let mut offsets = Vec::new();
        let mut files = Vec::new();
        for e in entries {
            let before = w.offset();
            match &e.kind {
                OwnedKind::File(data) => {
                    let r = w.append_file(&e.header(), data.len() as u64, &data[..]).unwrap();
                    offsets.push(r.header_offset);
                    files.push(Some(r));
                }
                _ => {
                    offsets.push(w.append(&e.header()).unwrap());
                    files.push(None);
                }
            }
            assert_eq!(*offsets.last().unwrap(), before);
            assert_eq!(w.offset() % BLOCK as u64, 0);
        }
        let (archive, end) = w.finish().unwrap();
        assert_eq!(end, archive.len() as u64);
        assert!(archive.ends_with(&[0; 1024]));
        (archive, offsets, files)
    }

    fn data(len: usize, seed: u8) -> Vec<u8> {
        (0..len).map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed) ^ (i >> 9) as u8).collect()
    }

    fn parse_octal(field: &[u8]) -> u64 {
        let digits: Vec<u8> = field.iter().copied().take_while(|&b| b != 0 && b != b' ').collect();
        u64::from_str_radix(std::str::from_utf8(&digits).unwrap(), 8).unwrap()
    }

    #[test]
    fn header_fields_and_checksum() {
        let mut e = Owned::new("etc/hosts", OwnedKind::File(b"127.0.0.1 localhost\n".to_vec()));
        e.mode = 0o104755; // file type bits are dropped, set-uid kept
        let (archive, offsets, _) = write(&[e]);
        assert_eq!(offsets, [0]);
        let b = &archive[..BLOCK];
        assert_eq!(&b[..10], b"etc/hosts\0");
        assert_eq!(&b[100..108], b"0004755\0");
        assert_eq!(&b[108..116], b"0001750\0");
        assert_eq!(&b[116..124], b"0000144\0");
        assert_eq!(&b[124..136], b"00000000024\0");
        assert_eq!(&b[136..148], format!("{:011o}\0", 1_700_000_000).as_bytes());
        assert_eq!(b[156], b'0');
        assert_eq!(&b[257..265], b"ustar\x0000");
        assert_eq!(&b[265..271], b"alice\0");
        assert_eq!(&b[297..303], b"users\0");
        assert_eq!(&b[329..345], b"0000000\x000000000\0");
        assert_eq!(&b[154..156], b"\0 ", "checksum: six digits, NUL, space");
        let mut copy = b.to_vec();
        copy[148..156].fill(b' ');
        let sum: u64 = copy.iter().map(|&x| u64::from(x)).sum();
        assert_eq!(parse_octal(&b[148..156]), sum);
        let h = ::tar::Header::from_byte_slice(b);
        assert_eq!(u64::from(h.cksum().unwrap()), sum);
        assert_eq!(&archive[BLOCK..BLOCK + 20], b"127.0.0.1 localhost\n");
        assert_eq!(archive.len(), 2 * BLOCK + 1024);
    }

    #[test]
    fn ustar_split_boundaries() {
        let name = |parts: &[usize]| parts.iter().map(|&n| "x".repeat(n)).collect::<Vec<_>>().join("/").into_bytes();
        assert_eq!(ustar_split(&name(&[100])), Some((0, 0)));
        assert_eq!(ustar_split(&name(&[49, 50])), Some((0, 0)));
        assert_eq!(ustar_split(&name(&[101])), None, "no '/' to split at");
        assert_eq!(ustar_split(&name(&[50, 50])), Some((50, 51)), "101 bytes");
        assert_eq!(ustar_split(&name(&[155, 100])), Some((155, 156)), "256 bytes: the most ustar holds");
        assert_eq!(ustar_split(&name(&[156, 99])), None, "prefix too long");
        assert_eq!(ustar_split(&name(&[155, 101])), None, "name too long");
        assert_eq!(ustar_split(&name(&[10, 144, 100])), Some((155, 156)));
        assert_eq!(ustar_split(&name(&[10, 145, 100])), None, "257 bytes");
        assert_eq!(ustar_split(&name(&[10, 40, 50])), Some((10, 11)), "the shortest prefix that works");
        assert_eq!(ustar_split(&name(&[10, 150, 50])), None, "neither split fits");
        let dir = [name(&[150, 99]), b"/".to_vec()].concat(); // "…/xxx/": the name part keeps its '/'
        assert_eq!(ustar_split(&dir), Some((150, 151)));
        let mut leading = name(&[0, 150]);
        leading.extend_from_slice(b"x");
        assert_eq!(ustar_split(&leading), None, "never an empty prefix");
    }

    #[test]
    fn pax_records_count_their_own_length() {
        for len in 0..1200 {
            let mut out = Vec::new();
            pax_record(&mut out, "path", &vec![b'a'; len]);
            let space = out.iter().position(|&b| b == b' ').unwrap();
            let stated: usize = std::str::from_utf8(&out[..space]).unwrap().parse().unwrap();
            assert_eq!(stated, out.len(), "value of {len} bytes");
            assert!(out.ends_with(b"\n"));
        }
    }

    #[test]
    fn pax_times() {
        let t = |secs, nanos| {
            let mut out = Vec::new();
            pax_time(&mut out, "mtime", Timestamp { secs, nanos });
            let s = String::from_utf8(out).unwrap();
            s.split_once("mtime=").unwrap().1.trim_end().to_string()
        };
        assert_eq!(t(1, 500_000_000), "1.5");
        assert_eq!(t(1_700_000_000, 123_456_789), "1700000000.123456789");
        assert_eq!(t(0, 1), "0.000000001");
        assert_eq!(t(-1, 500_000_000), "-0.5");
        assert_eq!(t(-2, 250_000_000), "-1.75");
        assert_eq!(t(-5, 0), "-5");
        assert_eq!(t(i64::MAX, 0), i64::MAX.to_string());
        assert_eq!(t(i64::MIN, 0), i64::MIN.to_string());
    }

    /// Names and values ustar cannot hold, read back by the `tar` crate byte for byte.
    #[test]
    fn odd_entries_read_back_with_tar_crate() {
        let long = |n: usize, base: &[u8]| {
            let mut p = Vec::new();
            while p.len() + base.len() < n {
                p.extend_from_slice(b"d\xe9\xffx/");
            }
            p.extend_from_slice(base);
            p
        };
        let component255 = [b"c".repeat(250), b".data".to_vec()].concat();
        let mut entries = vec![
            Owned::new("plain.txt", OwnedKind::File(b"hello\n".to_vec())),
            Owned::new("empty", OwnedKind::File(Vec::new())),
            Owned::new("dir", OwnedKind::Dir),
            Owned::new("dir/with/trailing/", OwnedKind::Dir),
            Owned::new("new\nline and space", OwnedKind::File(data(511, 1))),
            Owned::new(&b"bad\xff\xfe utf8"[..], OwnedKind::File(data(512, 2))),
            Owned::new("ünïcödé/日本語.txt", OwnedKind::File(data(513, 3))),
            Owned::new("back\\slash -dash", OwnedKind::File(data(CHUNK, 4))),
            Owned::new("x".repeat(100), OwnedKind::File(data(CHUNK + 1, 5))),
            Owned::new("y".repeat(100), OwnedKind::Dir),
            Owned::new(format!("{}/{}", "p".repeat(155), "n".repeat(100)), OwnedKind::File(data(3 * CHUNK + 17, 6))),
            Owned::new(component255.clone(), OwnedKind::File(data(10, 7))),
            Owned::new([b"a/".to_vec(), component255.clone(), b"/".to_vec(), component255].concat(), OwnedKind::Dir),
            Owned::new(long(4096, b"four-k.bin"), OwnedKind::File(data(1000, 8))),
            Owned::new(long(10_000, "ten-k-ü".as_bytes()), OwnedKind::File(data(3, 9))),
            Owned::new("link-short", OwnedKind::Symlink(b"../target".to_vec())),
            Owned::new("link-100", OwnedKind::Symlink(b"t".repeat(100))),
            Owned::new("link-long-binary", OwnedKind::Symlink(long(3000, b"\xfftarget"))),
            Owned::new("hard-short", OwnedKind::Hardlink(b"plain.txt".to_vec())),
            Owned::new("hard-long", OwnedKind::Hardlink(long(4096, b"four-k.bin"))),
            Owned::new("fifo", OwnedKind::Fifo),
            Owned::new("null", OwnedKind::Char(1, 3)),
            Owned::new("sda", OwnedKind::Block(8, 0)),
            Owned::new("big-minor", OwnedKind::Char(4095, 1_048_575)),
        ];
        let mut odd = Owned::new("owners", OwnedKind::File(b"x".to_vec()));
        odd.uid = 1 << 21; // one past what 7 octal digits hold
        odd.gid = u64::from(u32::MAX - 1);
        odd.uname = b"a-user-name-of-forty-bytes-0123456789abc".to_vec();
        odd.gname = b"gr\xffoup".to_vec();
        entries.push(odd);
        for (i, (secs, nanos)) in
            [(0, 0), (-1, 500_000_000), (-86_400 * 365, 0), (1 << 40, 999_999_999), (8_589_934_591, 0)]
                .into_iter()
                .enumerate()
        {
            let mut e = Owned::new(format!("time-{i}"), OwnedKind::File(Vec::new()));
            e.mtime = Timestamp { secs, nanos };
            entries.push(e);
        }

        let (archive, offsets, files) = write(&entries);
        let back = read_back(&archive);
        assert_eq!(back.len(), entries.len());
        for (((e, r), &off), file) in entries.iter().zip(&back).zip(&offsets).zip(&files) {
            let shown = String::from_utf8_lossy(&e.path);
            let mut want = e.path.clone();
            if matches!(e.kind, OwnedKind::Dir) && !want.ends_with(b"/") {
                want.push(b'/');
            }
            assert_eq!(r.path, want, "{shown}");
            let (flag, link, content, dev) = match &e.kind {
                OwnedKind::File(d) => (b'0', None, d.clone(), (0, 0)),
                OwnedKind::Dir => (b'5', None, Vec::new(), (0, 0)),
                OwnedKind::Symlink(t) => (b'2', Some(t.clone()), Vec::new(), (0, 0)),
                OwnedKind::Hardlink(t) => (b'1', Some(t.clone()), Vec::new(), (0, 0)),
                OwnedKind::Fifo => (b'6', None, Vec::new(), (0, 0)),
                OwnedKind::Char(a, b) => (b'3', None, Vec::new(), (*a, *b)),
                OwnedKind::Block(a, b) => (b'4', None, Vec::new(), (*a, *b)),
            };
            assert_eq!(r.typeflag, flag, "{shown}");
            assert_eq!(r.link.as_ref().filter(|l| !l.is_empty()), link.as_ref(), "{shown}");
            assert_eq!(r.size, content.len() as u64, "{shown}");
            assert!(r.data == content, "{shown}: content differs");
            assert_eq!(r.dev, dev, "{shown}");
            assert_eq!(r.mode, e.mode & 0o7777);
            assert_eq!((r.uid, r.gid), (e.uid, e.gid), "{shown}");
            assert_eq!((&r.uname, &r.gname), (&e.uname, &e.gname), "{shown}");
            let mut mtime = Vec::new();
            if e.mtime.nanos == 0 && (0..=MAX_OCTAL_11 as i64).contains(&e.mtime.secs) {
                mtime.extend_from_slice(e.mtime.secs.to_string().as_bytes());
            } else {
                pax_time(&mut mtime, "mtime", e.mtime);
                mtime = mtime.split(|&b| b == b'=').nth(1).unwrap().strip_suffix(b"\n").unwrap().to_vec();
            }
            assert_eq!(String::from_utf8_lossy(&r.mtime), String::from_utf8_lossy(&mtime), "{shown}");
            if let Some(f) = file {
                assert_eq!(f.blake3, blake3::hash(&content), "{shown}");
                assert!(!f.changed && f.read_error.is_none() && f.read == f.size, "{shown}");
            }
            // The offset reported is where the entry's first header starts.
            if r.pax.is_empty() {
                assert_eq!(r.ustar_pos, off, "{shown}");
            } else {
                assert_eq!(archive[off as usize + 156], b'x', "{shown}: a pax header at the offset");
                let len = parse_octal(&archive[off as usize + 124..off as usize + 136]);
                assert_eq!(r.ustar_pos, off + BLOCK as u64 + len + padding(len) as u64, "{shown}");
            }
            // hdrcharset=BINARY exactly when a pax string record is not UTF-8.
            let binary = r.pax.iter().any(|(k, v)| {
                [&b"path"[..], b"linkpath", b"uname", b"gname"].contains(&k.as_slice())
                    && std::str::from_utf8(v).is_err()
            });
            let flagged = r.pax.iter().any(|(k, v)| k == b"hdrcharset" && v == b"BINARY");
            assert_eq!(binary, flagged, "{shown}");
            if flagged {
                assert_eq!(r.pax[0].0, b"hdrcharset", "{shown}: hdrcharset comes first");
            }
        }
        // Names that fit ustar use no pax header.
        assert!(back[0].pax.is_empty() && back[4].pax.is_empty() && back[5].pax.is_empty());
        assert!(back[8].pax.is_empty() && back[10].pax.is_empty(), "100 bytes and the 155/100 split");
    }

    #[test]
    fn bad_entries_are_refused() {
        let mut w = TarWriter::new(Vec::new());
        let e = Owned::new("", OwnedKind::Dir);
        assert_eq!(w.append(&e.header()).unwrap_err().kind(), io::ErrorKind::InvalidInput);
        let e = Owned::new(&b"a\0b"[..], OwnedKind::Dir);
        assert!(w.append(&e.header()).is_err());
        let e = Owned::new("f", OwnedKind::File(Vec::new()));
        assert!(w.append(&e.header()).is_err(), "a file needs append_file");
        let e = Owned::new("l", OwnedKind::Symlink(Vec::new()));
        assert!(w.append(&e.header()).is_err());
        let d = Owned::new("d", OwnedKind::Dir);
        assert!(w.append_file(&d.header(), 0, io::empty()).is_err());
        let mut e = Owned::new("t", OwnedKind::Dir);
        e.mtime.nanos = 1_000_000_000;
        assert!(w.append(&e.header()).is_err());
        assert_eq!(w.offset(), 0, "nothing was written");
    }

    /// A reader that hands out `data` in pieces of at most `step` bytes, then fails or ends.
    struct Source {
        data: Vec<u8>,
        pos: usize,
        step: usize,
        fail_at_end: bool,
        interrupt_once: bool,
    }

    impl Read for Source {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            if self.interrupt_once {
                self.interrupt_once = false;
                return Err(io::ErrorKind::Interrupted.into());
            }
            if self.pos == self.data.len() && self.fail_at_end {
                return Err(io::Error::other("EIO"));
            }
            let n = buf.len().min(self.step).min(self.data.len() - self.pos);
            buf[..n].copy_from_slice(&self.data[self.pos..self.pos + n]);
            self.pos += n;
            Ok(n)
        }
    }

    fn source(data: Vec<u8>) -> Source {
        Source { data, pos: 0, step: usize::MAX, fail_at_end: false, interrupt_once: false }
    }

    #[test]
    fn changed_and_failing_files_keep_the_announced_size() {
        let f = Owned::new("f", OwnedKind::File(Vec::new()));
        let h = f.header();
        let next = Owned::new("after", OwnedKind::File(b"still readable".to_vec()));
        let cases: Vec<(&str, u64, Source, bool, u64, bool)> = vec![
            // name, announced size, source, changed, bytes read, read error
            ("exact", 5000, source(data(5000, 1)), false, 5000, false),
            ("shrank", 5000, source(data(1000, 2)), true, 1000, false),
            ("grew", 5000, source(data(5001, 3)), true, 5000, false),
            ("grew a lot", 5000, source(data(3 * CHUNK, 4)), true, 5000, false),
            ("exact chunk", CHUNK as u64, source(data(CHUNK, 5)), false, CHUNK as u64, false),
            ("chunk, grew by one", CHUNK as u64, source(data(CHUNK + 1, 6)), true, CHUNK as u64, false),
            ("empty", 0, source(Vec::new()), false, 0, false),
            ("empty, grew", 0, source(vec![1]), true, 0, false),
            ("trickle", 3000, Source { step: 7, ..source(data(3000, 7)) }, false, 3000, false),
            ("interrupted", 3000, Source { interrupt_once: true, ..source(data(3000, 8)) }, false, 3000, false),
            ("read error", 5000, Source { fail_at_end: true, ..source(data(700, 9)) }, true, 700, true),
            ("error after the end", 700, Source { fail_at_end: true, ..source(data(700, 10)) }, false, 700, false),
        ];
        for (name, size, src, changed, read, failed) in cases {
            let mut w = TarWriter::new(Vec::new());
            let expected: Vec<u8> = {
                let mut d = src.data.clone();
                d.resize(size as usize, 0);
                d
            };
            let r = w.append_file(&h, size, src).unwrap();
            assert_eq!((r.changed, r.read, r.read_error.is_some()), (changed, read, failed), "{name}");
            assert_eq!(r.size, size);
            assert_eq!(r.blake3, blake3::hash(&expected), "{name}: the hash covers what was written");
            let OwnedKind::File(d) = &next.kind else { unreachable!() };
            w.append_file(&next.header(), d.len() as u64, &d[..]).unwrap();
            let (archive, _) = w.finish().unwrap();
            let back = read_back(&archive);
            assert_eq!(back.len(), 2, "{name}");
            assert!(back[0].data == expected, "{name}");
            assert_eq!(back[1].data, b"still readable", "{name}: the archive stays in step");
        }
    }

    #[test]
    fn long_names_keep_their_first_100_bytes_in_ustar() {
        let path = [b"\xff".repeat(150), b"/".to_vec(), b"n".repeat(150)].concat();
        let target = b"t".repeat(300);
        let e = Owned::new(path.clone(), OwnedKind::Symlink(target.clone()));
        let (mut name, mut records, mut headers) = (Vec::new(), Vec::new(), Vec::new());
        build_headers(&e.header(), 0, &mut name, &mut records, &mut headers).unwrap();
        let ustar = &headers[headers.len() - BLOCK..];
        assert_eq!(&ustar[..100], &path[..100]);
        assert_eq!(&ustar[157..257], &target[..100]);
        assert_eq!(&ustar[345..350], &[0; 5], "no prefix");
        assert!(records.starts_with(b"21 hdrcharset=BINARY\n"));
        let x = &headers[..BLOCK];
        assert_eq!(x[156], b'x');
        assert_eq!(&x[..100], [&b"PaxHeaders/"[..], &b"n".repeat(89)].concat().as_slice(), "base name, cut to fit");
    }

    #[test]
    fn sizes_from_8_gib_use_pax() {
        let size = (8 << 30) + 5;
        let f = Owned::new("huge", OwnedKind::File(Vec::new()));
        let (mut name, mut records, mut headers) = (Vec::new(), Vec::new(), Vec::new());
        build_headers(&f.header(), size, &mut name, &mut records, &mut headers).unwrap();
        assert_eq!(records, b"19 size=8589934597\n");
        assert_eq!(headers.len(), 3 * BLOCK);
        assert_eq!(&headers[2 * BLOCK + 124..2 * BLOCK + 136], b"00000000000\0");
        build_headers(&f.header(), MAX_OCTAL_11, &mut name, &mut records, &mut headers).unwrap();
        assert!(records.is_empty(), "8 GiB - 1 still fits ustar");
        // The `tar` crate takes the size from the pax record.
        build_headers(&f.header(), size, &mut name, &mut records, &mut headers).unwrap();
        let stream = Cursor::new(headers).chain(io::repeat(0).take(size + padding(size) as u64 + 1024));
        let mut ar = ::tar::Archive::new(stream);
        let first = ar.entries().unwrap().next().unwrap().unwrap();
        assert_eq!(first.size(), size);
        assert_eq!(first.path_bytes().as_ref(), b"huge");
    }

    // ----- archives of real trees, read back by the `tar` crate and by GNU tar -----

    use crate::pipeline::select::Selector;
    use crate::pipeline::walk::{WalkOptions, Walker};
    use std::collections::BTreeMap;
    use std::ffi::OsStr;
    use std::fs::{self, File};
    use std::os::unix::ffi::OsStrExt;
    use std::os::unix::fs::{FileExt, MetadataExt, PermissionsExt, symlink};
    use std::path::{Path, PathBuf};
    use std::process::{Command, Stdio};
    use std::time::{Duration, SystemTime, UNIX_EPOCH};

    fn gnu_tar() -> bool {
        let found = Command::new("tar")
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success() && String::from_utf8_lossy(&o.stdout).contains("GNU tar"));
        if !found {
            eprintln!("\n!!!!!!!!!! GNU tar is not on PATH: the GNU tar half of this test is SKIPPED !!!!!!!!!!\n");
        }
        found
    }

    fn p(root: &Path, rel: &[u8]) -> PathBuf {
        root.join(OsStr::from_bytes(rel))
    }

    fn set_mtime(path: &Path, t: SystemTime) {
        File::options().write(true).open(path).or_else(|_| File::open(path)).unwrap().set_modified(t).unwrap();
    }

    /// A tree with every kind of entry and name the archive must carry; returns a note of
    /// what could not be made here (devices, owners).
    fn odd_tree(root: &Path) -> Vec<String> {
        let mut notes = Vec::new();
        fs::set_permissions(root, fs::Permissions::from_mode(0o755)).unwrap();
        let file = |rel: &[u8], content: &[u8]| {
            let path = p(root, rel);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(path, content).unwrap();
        };
        file(b"plain.txt", b"plain\n");
        file(b"zero-length", b"");
        file(b"new\nline", &data(700, 1));
        file(b"bad\xff\xfe utf8", &data(512, 2));
        file("ünïcödé/日本語.txt".as_bytes(), &data(513, 3));
        file(b" space, tab\tand -dash ", &data(5, 4));
        file(b"back\\slash", &data(6, 5));
        file("x".repeat(100).as_bytes(), &data(CHUNK + 3, 6));
        let c255 = |c: u8| [vec![c; 250], b".\xe9xt\xff".to_vec()].concat();
        file(&c255(b'a'), &data(10, 7));
        // A path of about 4 KiB below the root: 15 components of 255 bytes and a file.
        let mut deep = Vec::new();
        for i in 0..15u8 {
            deep.extend_from_slice(&c255(b'k' + i % 5));
            deep.push(b'/');
        }
        deep.extend_from_slice(&[b"deep file\n".to_vec(), vec![b'f'; 140]].concat());
        assert!(deep.len() >= 3990, "{}", deep.len());
        file(&deep, &data(1000, 8));
        fs::create_dir_all(p(root, b"empty-dir")).unwrap();
        fs::create_dir_all(p(root, b"nested/empty/dirs")).unwrap();
        // A sparse file: 64 MiB, data in three places, holes between.
        let sparse = File::create(p(root, b"sparse.img")).unwrap();
        sparse.set_len(64 << 20).unwrap();
        for at in [0u64, (32 << 20) + 7, (64 << 20) - 100] {
            sparse.write_all_at(b"island of data", at).unwrap();
        }
        // Hard links, three names across directories.
        file(b"hl/a", &data(3000, 9));
        fs::create_dir_all(p(root, b"other")).unwrap();
        fs::hard_link(p(root, b"hl/a"), p(root, b"hl/b")).unwrap();
        fs::hard_link(p(root, b"hl/a"), p(root, b"other/c\xff")).unwrap();
        // Symlinks.
        fs::create_dir_all(p(root, b"sym")).unwrap();
        symlink("../plain.txt", p(root, b"sym/rel")).unwrap();
        symlink("/etc/passwd", p(root, b"sym/abs")).unwrap();
        symlink("nowhere", p(root, b"sym/dangling")).unwrap();
        symlink(OsStr::from_bytes(b"\xff\xfe-target"), p(root, b"sym/binary")).unwrap();
        let long_target: Vec<u8> =
            (0..2000).map(|i| if i % 50 == 49 { b'/' } else { b'\xe0' + (i % 7) as u8 }).collect();
        symlink(OsStr::from_bytes(&long_target), p(root, b"sym/long")).unwrap();
        // Special files.
        nix::unistd::mkfifo(&p(root, b"fifo"), nix::sys::stat::Mode::from_bits_truncate(0o640)).unwrap();
        let dev = nix::sys::stat::mknod(
            &p(root, b"null-dev"),
            nix::sys::stat::SFlag::S_IFCHR,
            nix::sys::stat::Mode::from_bits_truncate(0o666),
            nix::sys::stat::makedev(1, 3),
        );
        if dev.is_err() {
            notes.push(format!("no character device: mknod failed ({dev:?})"));
        }
        drop(std::os::unix::net::UnixListener::bind(p(root, b"socket")).unwrap());
        // Modes, owners, times.
        file(b"suid", b"#!/bin/sh\n");
        fs::set_permissions(p(root, b"suid"), fs::Permissions::from_mode(0o4755)).unwrap();
        file(b"private", b"secret");
        fs::set_permissions(p(root, b"private"), fs::Permissions::from_mode(0o600)).unwrap();
        fs::create_dir_all(p(root, b"sticky")).unwrap();
        fs::set_permissions(p(root, b"sticky"), fs::Permissions::from_mode(0o1777)).unwrap();
        for (rel, uid, gid) in [(&b"owned"[..], 12345, 54321), (b"owned-big", 3_000_000, 3_000_001)] {
            file(rel, b"owned");
            if let Err(e) = std::os::unix::fs::lchown(p(root, rel), Some(uid), Some(gid)) {
                notes.push(format!("cannot chown to {uid}: {e}"));
                fs::remove_file(p(root, rel)).unwrap();
            }
        }
        file(b"time-old", b"1969");
        set_mtime(&p(root, b"time-old"), UNIX_EPOCH - Duration::from_millis(1250));
        file(b"time-future", b"2514");
        set_mtime(&p(root, b"time-future"), UNIX_EPOCH + Duration::from_secs(1 << 34));
        file(b"time-nanos", b"ns");
        set_mtime(&p(root, b"time-nanos"), UNIX_EPOCH + Duration::new(1_700_000_000, 123_456_789));
        file(b"time-round", b"s");
        set_mtime(&p(root, b"time-round"), UNIX_EPOCH + Duration::from_secs(1_600_000_000));
        notes
    }

    /// What an extracted tree must match: every path with its kind, mode, owner, mtime,
    /// content hash or target; hard links as groups of paths.
    #[derive(Debug, PartialEq, Eq)]
    struct Node {
        kind: &'static str,
        mode: u32,
        owner: (u32, u32),
        mtime: Option<(i64, i64)>,
        content: Option<(u64, blake3::Hash)>,
        target: Option<Vec<u8>>,
        rdev: u64,
    }

    type Snapshot = (BTreeMap<Vec<u8>, Node>, Vec<Vec<Vec<u8>>>);

    fn snapshot(root: &Path) -> Snapshot {
        fn visit(
            root: &Path,
            rel: &[u8],
            nodes: &mut BTreeMap<Vec<u8>, Node>,
            inodes: &mut BTreeMap<u64, Vec<Vec<u8>>>,
        ) {
            let path = if rel.is_empty() { root.to_path_buf() } else { p(root, rel) };
            let md = fs::symlink_metadata(&path).unwrap();
            let ft = md.file_type();
            use std::os::unix::fs::FileTypeExt;
            let kind = if ft.is_dir() {
                "dir"
            } else if ft.is_file() {
                "file"
            } else if ft.is_symlink() {
                "symlink"
            } else if ft.is_fifo() {
                "fifo"
            } else if ft.is_char_device() {
                "char"
            } else if ft.is_socket() {
                return; // never archived
            } else {
                "other"
            };
            let content = ft.is_file().then(|| {
                let mut h = blake3::Hasher::new();
                let mut f = File::open(&path).unwrap();
                io::copy(&mut f, &mut h).unwrap();
                (md.size(), h.finalize())
            });
            if !ft.is_dir() && md.nlink() > 1 {
                inodes.entry(md.ino()).or_default().push(rel.to_vec());
            }
            nodes.insert(
                rel.to_vec(),
                Node {
                    kind,
                    mode: md.mode() & 0o7777,
                    owner: (md.uid(), md.gid()),
                    mtime: (!ft.is_symlink()).then(|| (md.mtime(), md.mtime_nsec())),
                    content,
                    target: ft
                        .is_symlink()
                        .then(|| fs::read_link(&path).unwrap().into_os_string().into_encoded_bytes()),
                    rdev: md.rdev(),
                },
            );
            if ft.is_dir() {
                for e in fs::read_dir(&path).unwrap() {
                    let name = e.unwrap().file_name();
                    let child =
                        if rel.is_empty() { name.as_bytes().to_vec() } else { [rel, b"/", name.as_bytes()].concat() };
                    visit(root, &child, nodes, inodes);
                }
            }
        }
        let mut nodes = BTreeMap::new();
        let mut inodes = BTreeMap::new();
        visit(root, b"", &mut nodes, &mut inodes);
        let mut groups: Vec<Vec<Vec<u8>>> = inodes
            .into_values()
            .filter(|g| g.len() > 1)
            .map(|mut g| {
                g.sort();
                g
            })
            .collect();
        groups.sort();
        (nodes, groups)
    }

    /// Per entry: its path, the offset reported and, for a file, what was written.
    type Written = Vec<(Vec<u8>, u64, Option<FileWritten>)>;

    /// Walks `root` and archives it into `sink` the way a backup does.
    fn archive_tree<W: Sink>(root: &Path, sink: W) -> (W, Written, Vec<String>) {
        let mut w = TarWriter::new(sink);
        let mut written = Vec::new();
        let mut warnings = Vec::new();
        for item in Walker::new(root, Selector::all(), WalkOptions::default()).unwrap() {
            let entry = match item {
                Ok(entry) => entry,
                Err(warning) => {
                    warnings.push(warning.to_string());
                    continue;
                }
            };
            let h = Header::from(&entry);
            if h.kind == Kind::File {
                let f = File::open(entry.full_path()).unwrap();
                let r = w.append_file(&h, entry.size, f).unwrap();
                written.push((entry.rel().to_vec(), r.header_offset, Some(r)));
            } else {
                let off = w.append(&h).unwrap();
                written.push((entry.rel().to_vec(), off, None));
            }
        }
        let (sink, _) = w.finish().unwrap();
        (sink, written, warnings)
    }

    /// GNU tar 1.34 does not know POSIX's `hdrcharset` and says so, once per entry that has
    /// it (it still takes the bytes as they are, which is what `BINARY` asks for).
    const GNU_HDRCHARSET: &str = "tar: Ignoring unknown extended header keyword 'hdrcharset'";

    /// Runs a command that must succeed; returns its stdout and its stderr without GNU tar's
    /// `hdrcharset` notices, and how many of those there were.
    fn run(cmd: &mut Command) -> (Vec<u8>, String, usize) {
        let out = cmd.output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        assert!(out.status.success(), "{cmd:?} failed: {stderr}");
        let notices = stderr.lines().filter(|l| *l == GNU_HDRCHARSET).count();
        let rest: String = stderr.lines().filter(|l| *l != GNU_HDRCHARSET).map(|l| format!("{l}\n")).collect();
        (out.stdout, rest, notices)
    }

    #[test]
    fn odd_tree_round_trips_through_tar_crate_and_gnu_tar() {
        let tmp = tempfile::tempdir().unwrap();
        let src = tmp.path().join("src");
        fs::create_dir(&src).unwrap();
        for note in odd_tree(&src) {
            eprintln!("note: {note}");
        }
        let (archive, written, warnings) = archive_tree(&src, Vec::new());
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(warnings[0].contains("socket"), "{warnings:?}");

        // (a) the tar crate reads what was written, in walk order, byte for byte.
        let back = read_back(&archive);
        assert_eq!(back.len(), written.len());
        for (r, (rel, off, file)) in back.iter().zip(&written) {
            let shown = String::from_utf8_lossy(rel);
            let mut name = if rel.as_slice() == b"." { b"./".to_vec() } else { rel.clone() };
            if r.typeflag == b'5' && !name.ends_with(b"/") {
                name.push(b'/');
            }
            assert_eq!(r.path, name, "{shown}");
            assert!(r.ustar_pos >= *off && r.ustar_pos - off < 16 * BLOCK as u64, "{shown}");
            if let Some(f) = file {
                assert_eq!(f.blake3, blake3::hash(&r.data), "{shown}");
                let source = fs::read(p(&src, rel)).unwrap();
                assert!(source == r.data, "{shown}: content differs");
                assert!(!f.changed, "{shown}");
            }
        }
        let kinds: Vec<u8> = back.iter().map(|r| r.typeflag).collect();
        assert_eq!(kinds.iter().filter(|&&k| k == b'1').count(), 2, "two hard links to hl/a");
        let hl: Vec<&ReadBack> = back.iter().filter(|r| r.typeflag == b'1').collect();
        assert!(hl.iter().all(|r| r.link.as_deref() == Some(&b"hl/a"[..])));

        if !gnu_tar() {
            return;
        }
        let tar_file = tmp.path().join("odd.tar");
        fs::write(&tar_file, &archive).unwrap();
        // (b) GNU tar lists it without a word of complaint...
        let binary = back.iter().filter(|r| r.pax.iter().any(|(k, _)| k == b"hdrcharset")).count();
        assert!(binary >= 3, "long names and targets that are not UTF-8 carry hdrcharset=BINARY");
        let (listing, stderr, notices) = run(Command::new("tar").env("LC_ALL", "C").arg("-tvf").arg(&tar_file));
        assert_eq!(stderr, "", "GNU tar complained while listing");
        assert!(notices == 0 || notices == binary, "{notices} hdrcharset notices for {binary} entries");
        if notices > 0 {
            eprintln!("note: this GNU tar does not know hdrcharset and said so {notices} times (harmless)");
        }
        assert_eq!(listing.iter().filter(|&&b| b == b'\n').count(), written.len(), "one line per entry");
        // ... and extracts the same tree, whatever the locale.
        let expected = snapshot(&src);
        for locale in ["C", "C.UTF-8"] {
            let out = tmp.path().join(format!("out-{locale}"));
            fs::create_dir(&out).unwrap();
            let (_, stderr, _) = run(Command::new("tar")
                .env("LC_ALL", locale)
                .args(["--numeric-owner", "--warning=no-timestamp", "-xpf"])
                .arg(&tar_file)
                .arg("-C")
                .arg(&out));
            assert_eq!(stderr, "", "GNU tar complained while extracting in {locale}");
            let got = snapshot(&out);
            for (rel, node) in &expected.0 {
                let shown = String::from_utf8_lossy(rel);
                assert_eq!(got.0.get(rel), Some(node), "{shown} in {locale}");
            }
            let extra: Vec<_> = got.0.keys().filter(|k| !expected.0.contains_key(*k)).collect();
            assert!(extra.is_empty(), "extracted but not in the source: {extra:?}");
            assert_eq!(got.1, expected.1, "hard link groups");
        }
    }

    /// A sink that leaves holes where zeros are written, so an 8 GiB archive of a sparse file
    /// takes no room.
    struct SparseSink {
        file: File,
        pos: u64,
    }

    impl Sink for SparseSink {}

    impl Write for SparseSink {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            static Z: [u8; 1 << 16] = [0; 1 << 16];
            if !buf.chunks(Z.len()).all(|c| c == &Z[..c.len()]) {
                self.file.write_all_at(buf, self.pos)?;
            }
            self.pos += buf.len() as u64;
            Ok(buf.len())
        }

        fn flush(&mut self) -> io::Result<()> {
            self.file.set_len(self.pos)
        }
    }

    fn hash_stream(mut r: impl Read) -> (u64, blake3::Hash) {
        let mut buf = vec![0; CHUNK];
        let mut h = blake3::Hasher::new();
        let mut n = 0;
        loop {
            match r.read(&mut buf).unwrap() {
                0 => return (n, h.finalize()),
                k => {
                    h.update(&buf[..k]);
                    n += k as u64;
                }
            }
        }
    }

    /// Archives a sparse file of 8 GiB + 4097 bytes (data in three places) and a small file
    /// after it, into a sparse archive file.
    fn big_sparse_archive(dir: &Path) -> (PathBuf, PathBuf, u64, FileWritten) {
        let size: u64 = (8 << 30) + 4097;
        let big = dir.join("big.img");
        let f = File::create(&big).unwrap();
        f.set_len(size).unwrap();
        for at in [0, (4 << 30) + 3, size - 10] {
            f.write_all_at(b"0123456789", at).unwrap();
        }
        drop(f);
        let tar_file = dir.join("big.tar");
        let sink = SparseSink { file: File::create(&tar_file).unwrap(), pos: 0 };
        let mut w = TarWriter::new(sink);
        let h = Owned::new("big.img", OwnedKind::File(Vec::new()));
        let r = w.append_file(&h.header(), size, File::open(&big).unwrap()).unwrap();
        assert!(!r.changed && r.read == size);
        let after = Owned::new("after.txt", OwnedKind::File(b"after".to_vec()));
        w.append_file(&after.header(), 5, &b"after"[..]).unwrap();
        let (mut sink, end) = w.finish().unwrap();
        sink.flush().unwrap();
        assert_eq!(fs::metadata(&tar_file).unwrap().len(), end);
        assert_eq!(end, 3 * BLOCK as u64 + size + padding(size) as u64 + 2 * BLOCK as u64 + 1024);
        (big, tar_file, size, r)
    }

    /// A sparse file of more than 8 GiB is streamed as a regular file (holes as zeros) with
    /// a pax size: the tar crate and GNU tar find it at its size and the entry after it.
    #[test]
    fn sparse_file_over_8_gib() {
        let tmp = tempfile::tempdir().unwrap();
        let (_, tar_file, size, _) = big_sparse_archive(tmp.path());
        let mut ar = ::tar::Archive::new(File::open(&tar_file).unwrap());
        let mut names = Vec::new();
        for e in ar.entries_with_seek().unwrap() {
            let mut e = e.unwrap();
            let mut content = Vec::new();
            if e.size() < 100 {
                e.read_to_end(&mut content).unwrap();
            }
            names.push((e.path_bytes().into_owned(), e.size(), content));
        }
        assert_eq!(names, [(b"big.img".to_vec(), size, vec![]), (b"after.txt".to_vec(), 5, b"after".to_vec())]);

        if !gnu_tar() {
            return;
        }
        let (listing, stderr, _) = run(Command::new("tar").env("LC_ALL", "C").arg("-tvf").arg(&tar_file));
        assert_eq!(stderr, "");
        let listing = String::from_utf8(listing).unwrap();
        let lines: Vec<&str> = listing.lines().collect();
        assert_eq!(lines.len(), 2, "{listing}");
        assert!(lines[0].contains(&format!(" {size} ")) && lines[0].ends_with(" big.img"), "{listing}");
        let (after, stderr, _) = run(Command::new("tar").arg("-xOf").arg(&tar_file).arg("after.txt"));
        assert_eq!((after.as_slice(), stderr.as_str()), (&b"after"[..], ""));
    }

    /// The same, extracted by GNU tar and hashed: 8 GiB through a pipe, so not run by default
    /// (`cargo test --lib sparse_file_over_8_gib_extracted -- --ignored`).
    #[test]
    #[ignore]
    fn sparse_file_over_8_gib_extracted() {
        let tmp = tempfile::tempdir().unwrap();
        let (big, tar_file, size, r) = big_sparse_archive(tmp.path());
        assert_eq!(hash_stream(File::open(&big).unwrap()), (size, r.blake3), "the hash is of the file's bytes");
        if !gnu_tar() {
            return;
        }
        let mut child = Command::new("tar")
            .env("LC_ALL", "C")
            .arg("-xOf")
            .arg(&tar_file)
            .arg("big.img")
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let got = hash_stream(child.stdout.take().unwrap());
        assert!(child.wait().unwrap().success());
        assert_eq!(got, (size, r.blake3), "GNU tar extracts the same bytes");
    }

    /// Throughput of the writer alone, from memory to nowhere: `cargo test --release --lib
    /// pipeline::tar::tests::throughput -- --ignored --nocapture`.
    #[test]
    #[ignore]
    fn throughput() {
        let content = data(64 << 20, 1);
        for (label, size, count) in [("64 MiB files", 64 << 20, 32usize), ("16 KiB files", 16 << 10, 100_000)] {
            let mut w = TarWriter::new(io::sink());
            let e = Owned::new("some/dir/a-file-name.dat", OwnedKind::File(Vec::new()));
            let start = std::time::Instant::now();
            for _ in 0..count {
                w.append_file(&e.header(), size as u64, &content[..size]).unwrap();
            }
            let secs = start.elapsed().as_secs_f64();
            let bytes = w.offset() as f64;
            eprintln!("{label}: {:.0} MB/s, {:.0} files/s", bytes / secs / 1e6, count as f64 / secs);
        }
    }
}
