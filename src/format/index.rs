//! The part index: the tape file after each data file (docs/FORMAT.md, "Index file"). A zstd
//! stream of newline-separated JSON records, so `zstd -dc` shows it:
//!
//! ```text
//! {"type":"part", <the header's fields>, "data_file":1, "first_block":2}
//! {"type":"frame","seq":0,"block":3,"stream_offset":0,"encoded_len":262144,"decoded_len":8388608,"blake3":"…"}
//! {"type":"file","path":{"text":"etc/hosts"},"size":220,…,"frame":0,"offset":512}
//! {"type":"end","status":"complete","frames":1,"files":1,"stream_bytes":…}
//! ```
//!
//! Frame and file records may interleave; the `part` record comes first and the `end` record
//! last. An index without its `end` record was cut off (the backup stopped while writing it):
//! [`IndexError::Incomplete`], told apart from damage ([`IndexError::Corrupt`]).
//!
//! The zstd stream is cut into tape blocks of the part's block size; only the last block may
//! be shorter. [`IndexWriter`] hands blocks out as they fill and [`IndexReader`] reads records
//! one at a time, so neither holds the index in memory.

use std::collections::VecDeque;
use std::io::{self, BufRead, BufReader, Read, Write};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde::{Deserialize, Serialize};

use super::frame::FrameError;
use super::part::{FORMAT_VERSION, PartHeader};

/// One line of the index.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum IndexRecord {
    Part(PartRecord),
    Frame(FrameRecord),
    File(FileRecord),
    End(EndRecord),
}

/// The part header's fields again, and where the part is on tape.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartRecord {
    #[serde(flatten)]
    pub header: PartHeader,
    /// Tape file number of the data file.
    pub data_file: u64,
    /// Logical block of the header block (the data file's first block).
    pub first_block: u64,
}

/// Where one frame is on tape.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FrameRecord {
    /// Sequence number, from 0 across the whole set.
    pub seq: u64,
    /// Logical block where the frame starts.
    pub block: u64,
    /// Offset in the set's stream of the frame's first decoded byte.
    pub stream_offset: u64,
    /// Bytes on tape, padding included.
    pub encoded_len: u64,
    pub decoded_len: u64,
    /// BLAKE3 of the encoded bytes as written (padding included), in hex.
    #[serde(with = "hex32")]
    pub blake3: [u8; 32],
}

impl FrameRecord {
    /// Checks a frame's encoded bytes, as read from tape, against this record: the check that
    /// names a missing, repeated, reordered or damaged raw or zstd frame.
    pub fn verify(&self, encoded: &[u8]) -> Result<(), FrameError> {
        if encoded.len() as u64 != self.encoded_len {
            return Err(FrameError::Damaged {
                seq: self.seq,
                reason: format!("{} bytes on tape, the index says {}", encoded.len(), self.encoded_len),
            });
        }
        if *blake3::hash(encoded).as_bytes() != self.blake3 {
            return Err(FrameError::Damaged { seq: self.seq, reason: "BLAKE3 differs from the index".into() });
        }
        Ok(())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FileKind {
    File,
    Dir,
    Symlink,
    /// A hard link to an entry earlier in the stream (`link` names it).
    Hardlink,
    Char,
    Block,
    Fifo,
    /// Not in the stream: a path an incremental found gone since its parent set (`size` 0,
    /// `frame` and `offset` those of the stream position where it would have been).
    Deleted,
}

impl FileKind {
    /// The name the index and the catalog use.
    pub fn as_str(self) -> &'static str {
        match self {
            FileKind::File => "file",
            FileKind::Dir => "dir",
            FileKind::Symlink => "symlink",
            FileKind::Hardlink => "hardlink",
            FileKind::Char => "char",
            FileKind::Block => "block",
            FileKind::Fifo => "fifo",
            FileKind::Deleted => "deleted",
        }
    }
}

/// One archive entry. `path` is bytes (written `{"text":…}` when UTF-8, else
/// `{"bytes":base64}`), the entry's name as in the tar stream.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileRecord {
    #[serde(with = "path_json")]
    pub path: Vec<u8>,
    pub size: u64,
    /// Permission bits and set-id/sticky bits (`st_mode & 0o7777`).
    pub mode: u32,
    /// Seconds since the epoch, and nanoseconds within the second.
    pub mtime: i64,
    #[serde(default)]
    pub mtime_nsec: u32,
    pub uid: u32,
    pub gid: u32,
    pub kind: FileKind,
    /// Symlink target or hard link's first name; absent for other kinds.
    #[serde(with = "path_json::option", default, skip_serializing_if = "Option::is_none")]
    pub link: Option<Vec<u8>>,
    /// BLAKE3 of the content as read and written; null for entries without content.
    #[serde(with = "hex32::option", default)]
    pub blake3: Option<[u8; 32]>,
    /// The frame where the entry's tar header starts, and the header's offset in that frame's
    /// decoded bytes.
    pub frame: u64,
    pub offset: u64,
    /// The logical block where `frame` starts, present only when that frame is in an earlier
    /// part of the set (the entry crossed onto this part's tape), so this index alone still
    /// says where to read it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub frame_block: Option<u64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EndStatus {
    /// The set ends in this part.
    Complete,
    /// The set goes on in part `part + 1` on another tape.
    Continued,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EndRecord {
    pub status: EndStatus,
    /// Frame and file records in this index.
    pub frames: u64,
    pub files: u64,
    /// Stream bytes in this part.
    pub stream_bytes: u64,
}

#[derive(Debug, thiserror::Error)]
pub enum IndexError {
    /// The index stops before its `end` record: the backup was cut off while writing it.
    #[error("incomplete index: it stops after {records} records, without its end record")]
    Incomplete { records: u64 },
    /// Damaged blocks, a checksum failure, a line that is not a record, counts that disagree.
    #[error("damaged index at record {record}: {reason}")]
    Corrupt { record: u64, reason: String },
    #[error("index written by a newer TapeBackarr: {0}")]
    NewerVersion(String),
    /// Writer misuse: records in an order the format does not allow.
    #[error("index records out of order: {0}")]
    Order(&'static str),
    #[error("index: {0}")]
    Io(#[from] io::Error),
}

/// Flush the NDJSON buffer into the compressor once it holds this much.
const LINE_BATCH: usize = 64 << 10;
/// Longest record line a reader accepts (a path is at most a few KiB, base64 included).
pub const MAX_RECORD_LINE: usize = 1 << 20;

/// Compressed bytes, cut into blocks as they arrive.
struct BlockSink {
    block_size: usize,
    filling: Vec<u8>,
    full: VecDeque<Vec<u8>>,
}

impl Write for BlockSink {
    fn write(&mut self, mut buf: &[u8]) -> io::Result<usize> {
        let n = buf.len();
        while !buf.is_empty() {
            let take = (self.block_size - self.filling.len()).min(buf.len());
            self.filling.extend_from_slice(&buf[..take]);
            buf = &buf[take..];
            if self.filling.len() == self.block_size {
                let block = std::mem::replace(&mut self.filling, Vec::with_capacity(self.block_size));
                self.full.push_back(block);
            }
        }
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Streams index records into zstd and hands out the compressed bytes as tape blocks. Call
/// [`IndexWriter::pop_block`] now and then (or after each record): memory then stays at a few
/// blocks plus zstd's window, whatever the number of records.
pub struct IndexWriter {
    encoder: zstd::stream::write::Encoder<'static, BlockSink>,
    lines: Vec<u8>,
    started: bool,
    frames: u64,
    files: u64,
}

impl IndexWriter {
    pub fn new(block_size: usize, level: i32) -> Result<IndexWriter, IndexError> {
        if block_size == 0 {
            return Err(IndexError::Order("block size 0"));
        }
        let sink = BlockSink { block_size, filling: Vec::with_capacity(block_size), full: VecDeque::new() };
        let mut encoder = zstd::stream::write::Encoder::new(sink, level)?;
        encoder.include_checksum(true)?;
        Ok(IndexWriter { encoder, lines: Vec::with_capacity(LINE_BATCH + 4096), started: false, frames: 0, files: 0 })
    }

    /// The first record.
    pub fn write_part(&mut self, part: &PartRecord) -> Result<(), IndexError> {
        if self.started {
            return Err(IndexError::Order("a second part record"));
        }
        self.started = true;
        self.line(&IndexRecord::Part(part.clone()))
    }

    pub fn write_frame(&mut self, frame: &FrameRecord) -> Result<(), IndexError> {
        self.require_part()?;
        self.frames += 1;
        // Serialized through a borrowing twin of the record, so no clone per record.
        self.line(&Tagged { kind: "frame", record: frame })
    }

    pub fn write_file(&mut self, file: &FileRecord) -> Result<(), IndexError> {
        self.require_part()?;
        self.files += 1;
        self.line(&Tagged { kind: "file", record: file })
    }

    fn require_part(&self) -> Result<(), IndexError> {
        if self.started { Ok(()) } else { Err(IndexError::Order("the part record must come first")) }
    }

    fn line<T: Serialize>(&mut self, record: &T) -> Result<(), IndexError> {
        serde_json::to_writer(&mut self.lines, record).map_err(io::Error::other)?;
        self.lines.push(b'\n');
        if self.lines.len() >= LINE_BATCH {
            self.encoder.write_all(&self.lines)?;
            self.lines.clear();
        }
        Ok(())
    }

    /// The next full block of compressed index, if one is ready.
    pub fn pop_block(&mut self) -> Option<Vec<u8>> {
        self.encoder.get_mut().full.pop_front()
    }

    /// Bytes held here: records not yet compressed, and compressed bytes not yet handed out
    /// (zstd's own window not counted).
    pub fn buffered_bytes(&self) -> usize {
        let sink = self.encoder.get_ref();
        self.lines.len() + sink.filling.len() + sink.full.iter().map(Vec::len).sum::<usize>()
    }

    /// Writes the `end` record (with the frame and file counts written so far), ends the zstd
    /// stream and returns the remaining blocks; only the last may be shorter than a block.
    pub fn finish(mut self, status: EndStatus, stream_bytes: u64) -> Result<Vec<Vec<u8>>, IndexError> {
        self.require_part()?;
        let end = EndRecord { status, frames: self.frames, files: self.files, stream_bytes };
        self.line(&IndexRecord::End(end))?;
        self.encoder.write_all(&self.lines)?;
        let mut sink = self.encoder.finish()?;
        let mut blocks: Vec<Vec<u8>> = sink.full.drain(..).collect();
        if !sink.filling.is_empty() {
            blocks.push(sink.filling);
        }
        Ok(blocks)
    }
}

/// `{"type":KIND, …record's fields}` without building an [`IndexRecord`].
struct Tagged<'a, T> {
    kind: &'static str,
    record: &'a T,
}

impl<T: Serialize> Serialize for Tagged<'_, T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Line<'a, T> {
            #[serde(rename = "type")]
            kind: &'static str,
            #[serde(flatten)]
            record: &'a T,
        }
        Line { kind: self.kind, record: self.record }.serialize(s)
    }
}

/// Reads index records one by one from the index file's bytes (its blocks, concatenated),
/// checking their order and the `end` record's counts.
pub struct IndexReader<R: Read> {
    lines: BufReader<zstd::stream::read::Decoder<'static, BufReader<R>>>,
    line: Vec<u8>,
    records: u64,
    frames: u64,
    files: u64,
    next_seq: Option<u64>,
    /// The end record was read.
    done: bool,
    /// Nothing more to hand out (after the end, or after an error).
    finished: bool,
}

impl<'a> IndexReader<&'a [u8]> {
    pub fn from_bytes(bytes: &'a [u8]) -> Result<IndexReader<&'a [u8]>, IndexError> {
        IndexReader::new(bytes)
    }
}

impl<R: Read> IndexReader<R> {
    pub fn new(reader: R) -> Result<IndexReader<R>, IndexError> {
        let decoder = zstd::stream::read::Decoder::new(reader)?;
        Ok(IndexReader {
            lines: BufReader::with_capacity(256 << 10, decoder),
            line: Vec::new(),
            records: 0,
            frames: 0,
            files: 0,
            next_seq: None,
            done: false,
            finished: false,
        })
    }

    /// Records read so far.
    pub fn records(&self) -> u64 {
        self.records
    }

    fn corrupt(&self, reason: impl Into<String>) -> IndexError {
        IndexError::Corrupt { record: self.records, reason: reason.into() }
    }

    /// Reads one line into `self.line`; `Ok(false)` at a clean end of the stream.
    fn read_line(&mut self) -> Result<bool, IndexError> {
        self.line.clear();
        let limit = MAX_RECORD_LINE as u64 + 1;
        match (&mut self.lines).take(limit).read_until(b'\n', &mut self.line) {
            Ok(0) => Ok(false),
            Ok(_) if self.line.last() == Some(&b'\n') => Ok(true),
            Ok(n) if n as u64 == limit => Err(self.corrupt(format!("a line longer than {MAX_RECORD_LINE} bytes"))),
            // The zstd stream ended cleanly in the middle of a line: not something a writer
            // that stopped early leaves behind.
            Ok(_) => Err(self.corrupt("the last line has no newline")),
            Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => Err(IndexError::Incomplete { records: self.records }),
            Err(e) => Err(self.corrupt(e.to_string())),
        }
    }

    fn next_record(&mut self) -> Result<Option<IndexRecord>, IndexError> {
        loop {
            if !self.read_line()? {
                if self.done {
                    return Ok(None);
                }
                return Err(IndexError::Incomplete { records: self.records });
            }
            if self.done {
                return Err(self.corrupt("records after the end record"));
            }
            let record = match serde_json::from_slice::<IndexRecord>(&self.line) {
                Ok(record) => record,
                Err(e) => {
                    // A record type from a later version of format 1: skipped, as unknown
                    // fields are.
                    #[derive(Deserialize)]
                    struct TypeOnly {
                        #[serde(rename = "type")]
                        kind: String,
                    }
                    match serde_json::from_slice::<TypeOnly>(&self.line) {
                        Ok(t) if !["part", "frame", "file", "end"].contains(&t.kind.as_str()) => {
                            self.records += 1;
                            continue;
                        }
                        _ => return Err(self.corrupt(e.to_string())),
                    }
                }
            };
            self.check(&record)?;
            self.records += 1;
            return Ok(Some(record));
        }
    }

    fn check(&mut self, record: &IndexRecord) -> Result<(), IndexError> {
        let first = self.records == 0;
        match record {
            IndexRecord::Part(p) => {
                if !first {
                    return Err(self.corrupt("a second part record"));
                }
                if p.header.version > FORMAT_VERSION {
                    return Err(IndexError::NewerVersion(format!("part record version {}", p.header.version)));
                }
                if p.header.format != "tapebackarr" || p.header.version != FORMAT_VERSION {
                    return Err(self.corrupt(format!("format {:?} version {}", p.header.format, p.header.version)));
                }
                p.header.framing().map_err(|e| self.corrupt(e.to_string()))?;
            }
            _ if first => return Err(self.corrupt("the first record is not the part record")),
            IndexRecord::Frame(f) => {
                if self.next_seq.is_some_and(|n| n != f.seq) {
                    return Err(self.corrupt(format!(
                        "frame {} where frame {} belongs",
                        f.seq,
                        self.next_seq.unwrap()
                    )));
                }
                self.next_seq = Some(f.seq + 1);
                self.frames += 1;
            }
            IndexRecord::File(_) => self.files += 1,
            IndexRecord::End(end) => {
                if (end.frames, end.files) != (self.frames, self.files) {
                    return Err(self.corrupt(format!(
                        "the end record counts {} frames and {} files, the index holds {} and {}",
                        end.frames, end.files, self.frames, self.files
                    )));
                }
                self.done = true;
            }
        }
        Ok(())
    }
}

impl<R: Read> Iterator for IndexReader<R> {
    type Item = Result<IndexRecord, IndexError>;

    /// After an error, the iteration ends.
    fn next(&mut self) -> Option<Self::Item> {
        if self.finished {
            return None;
        }
        let result = self.next_record().transpose();
        if !matches!(result, Some(Ok(_))) {
            self.finished = true;
        }
        result
    }
}

/// Serde for BLAKE3 hashes as 64 lower-case hex digits.
mod hex32 {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(h: &[u8; 32], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(blake3::Hash::from_bytes(*h).to_hex().as_str())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<[u8; 32], D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        blake3::Hash::from_hex(text.as_bytes()).map(|h| *h.as_bytes()).map_err(serde::de::Error::custom)
    }

    pub mod option {
        use super::*;

        pub fn serialize<S: Serializer>(h: &Option<[u8; 32]>, s: S) -> Result<S::Ok, S::Error> {
            match h {
                Some(h) => super::serialize(h, s),
                None => s.serialize_none(),
            }
        }

        pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<[u8; 32]>, D::Error> {
            match <Option<std::borrow::Cow<'de, str>>>::deserialize(d)? {
                Some(text) => blake3::Hash::from_hex(text.as_bytes())
                    .map(|h| Some(*h.as_bytes()))
                    .map_err(serde::de::Error::custom),
                None => Ok(None),
            }
        }
    }
}

/// Serde for byte paths as `{"text":…}` (valid UTF-8) or `{"bytes":base64}` (anything else),
/// the convention of `crate::pathjson`.
/// Why an entry's path could lead outside a restore's destination, if it could: what a tape
/// written by TapeBackarr never holds (paths are relative, without `..`), so a hostile or
/// damaged one. Restores refuse such paths (`pipeline::extract`); `catalog rebuild` marks them.
pub fn unsafe_path(path: &[u8]) -> Option<&'static str> {
    if path.is_empty() {
        Some("an empty path")
    } else if path[0] == b'/' {
        Some("an absolute path")
    } else if path.contains(&0) {
        Some("a NUL byte")
    } else if path.split(|b| *b == b'/').any(|c| c == b"..") {
        Some("a `..` component")
    } else {
        None
    }
}

pub mod path_json {
    use super::*;
    use serde::{Deserializer, Serializer};

    #[derive(Serialize)]
    enum Out<'a> {
        #[serde(rename = "text")]
        Text(&'a str),
        #[serde(rename = "bytes")]
        Bytes(String),
    }

    #[derive(Deserialize)]
    enum In {
        #[serde(rename = "text")]
        Text(String),
        #[serde(rename = "bytes")]
        Bytes(String),
    }

    pub fn serialize<S: Serializer>(path: &[u8], s: S) -> Result<S::Ok, S::Error> {
        match std::str::from_utf8(path) {
            Ok(text) => Out::Text(text).serialize(s),
            Err(_) => Out::Bytes(STANDARD.encode(path)).serialize(s),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        match In::deserialize(d)? {
            In::Text(text) => Ok(text.into_bytes()),
            In::Bytes(b64) => STANDARD.decode(b64).map_err(serde::de::Error::custom),
        }
    }

    pub mod option {
        use super::*;

        pub fn serialize<S: Serializer>(path: &Option<Vec<u8>>, s: S) -> Result<S::Ok, S::Error> {
            match path {
                Some(p) => super::serialize(p, s),
                None => s.serialize_none(),
            }
        }

        pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Vec<u8>>, D::Error> {
            #[derive(Deserialize)]
            struct Wrap(#[serde(with = "super")] Vec<u8>);
            Ok(Option::<Wrap>::deserialize(d)?.map(|w| w.0))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::frame::Framing;
    use proptest::prelude::*;
    use uuid::Uuid;

    fn part() -> PartRecord {
        let header = PartHeader::new(
            Uuid::from_bytes([9; 16]),
            Framing::Zstd { level: 3 },
            None,
            4096,
            1 << 20,
            "2026-11-27T00:00:00Z".into(),
        );
        PartRecord { header, data_file: 1, first_block: 2 }
    }

    fn frame(seq: u64) -> FrameRecord {
        FrameRecord {
            seq,
            block: 3 + seq * 4,
            stream_offset: seq << 20,
            encoded_len: 16384,
            decoded_len: 1 << 20,
            blake3: *blake3::hash(&seq.to_le_bytes()).as_bytes(),
        }
    }

    fn file(i: u64, path: Vec<u8>) -> FileRecord {
        FileRecord {
            path,
            size: i * 1000,
            mode: 0o644,
            mtime: 1_790_000_000 + i as i64,
            mtime_nsec: (i as u32 * 7919) % 1_000_000_000,
            uid: 1000,
            gid: 100,
            kind: FileKind::File,
            link: None,
            blake3: Some(*blake3::hash(&i.to_be_bytes()).as_bytes()),
            frame: i / 100,
            offset: (i % 100) * 512,
            frame_block: None,
        }
    }

    fn write_all(records: &[IndexRecord], status: EndStatus, bs: usize) -> Vec<Vec<u8>> {
        let mut w = IndexWriter::new(bs, 3).unwrap();
        let mut blocks = Vec::new();
        for r in records {
            match r {
                IndexRecord::Part(p) => w.write_part(p).unwrap(),
                IndexRecord::Frame(f) => w.write_frame(f).unwrap(),
                IndexRecord::File(f) => w.write_file(f).unwrap(),
                IndexRecord::End(_) => unreachable!(),
            }
            while let Some(b) = w.pop_block() {
                blocks.push(b);
            }
        }
        blocks.extend(w.finish(status, 12345).unwrap());
        blocks
    }

    fn read_all(bytes: &[u8]) -> Result<Vec<IndexRecord>, IndexError> {
        IndexReader::from_bytes(bytes).unwrap().collect()
    }

    fn sample_records() -> Vec<IndexRecord> {
        let mut link = file(2, b"bin/sh".to_vec());
        link.kind = FileKind::Symlink;
        link.link = Some(b"dash".to_vec());
        link.blake3 = None;
        vec![
            IndexRecord::Part(part()),
            IndexRecord::Frame(frame(0)),
            IndexRecord::File(file(0, b"etc/hosts".to_vec())),
            IndexRecord::File(file(1, b"odd/\xff\nname".to_vec())),
            IndexRecord::File(link),
            IndexRecord::Frame(frame(1)),
        ]
    }

    #[test]
    fn records_round_trip_and_look_as_documented() {
        let records = sample_records();
        let blocks = write_all(&records, EndStatus::Complete, 512);
        assert!(blocks[..blocks.len() - 1].iter().all(|b| b.len() == 512));
        assert!(!blocks.last().unwrap().is_empty() && blocks.last().unwrap().len() <= 512);
        let bytes = blocks.concat();
        let back = read_all(&bytes).unwrap();
        assert_eq!(&back[..records.len()], &records[..]);
        assert_eq!(
            back.last(),
            Some(&IndexRecord::End(EndRecord {
                status: EndStatus::Complete,
                frames: 2,
                files: 3,
                stream_bytes: 12345
            }))
        );
        // What `zstd -dc` shows.
        let text = String::from_utf8(zstd::stream::decode_all(&bytes[..]).unwrap()).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 7);
        assert!(lines[0].starts_with(r#"{"type":"part","format":"tapebackarr","version":1,"set_uuid":"09090909-"#));
        assert!(lines[0].ends_with(r#""data_file":1,"first_block":2}"#));
        assert_eq!(
            lines[1],
            format!(
                r#"{{"type":"frame","seq":0,"block":3,"stream_offset":0,"encoded_len":16384,"decoded_len":1048576,"blake3":"{}"}}"#,
                blake3::hash(&0u64.to_le_bytes()).to_hex()
            )
        );
        assert!(lines[2].starts_with(r#"{"type":"file","path":{"text":"etc/hosts"},"size":0,"mode":420,"#));
        assert!(lines[3].starts_with(r#"{"type":"file","path":{"bytes":"b2RkL/8KbmFtZQ=="}"#));
        assert!(lines[4].contains(r#""kind":"symlink","link":{"text":"dash"},"blake3":null,"#));
        assert!(!lines[2].contains("\"link\""));
        assert_eq!(lines[6], r#"{"type":"end","status":"complete","frames":2,"files":3,"stream_bytes":12345}"#);
    }

    #[test]
    fn a_cut_off_index_is_incomplete_not_corrupt() {
        let bytes = write_all(&sample_records(), EndStatus::Continued, 64).concat();
        assert!(bytes.len() > 128);
        for cut in [0, 1, 10, 64, bytes.len() / 2, bytes.len() - 1] {
            match read_all(&bytes[..cut]) {
                Err(IndexError::Incomplete { .. }) => {}
                other => panic!("cut at {cut}: {other:?}"),
            }
        }
        // A writer that stopped before the end record, with the zstd stream closed properly.
        let mut enc = zstd::stream::write::Encoder::new(Vec::new(), 3).unwrap();
        for r in &sample_records() {
            enc.write_all(&serde_json::to_vec(r).unwrap()).unwrap();
            enc.write_all(b"\n").unwrap();
        }
        let closed = enc.finish().unwrap();
        assert!(matches!(read_all(&closed), Err(IndexError::Incomplete { records: 6 })));
    }

    #[test]
    fn damage_is_corrupt() {
        let bytes = write_all(&sample_records(), EndStatus::Complete, 4096).concat();
        // A flipped byte in the compressed data: zstd's checksum or structure catches it.
        let mut detected = 0;
        for i in 0..bytes.len() {
            let mut bad = bytes.clone();
            bad[i] ^= 0x04;
            match read_all(&bad) {
                Ok(records) => assert_eq!(records, read_all(&bytes).unwrap(), "byte {i}"),
                Err(IndexError::Corrupt { .. } | IndexError::Incomplete { .. }) => detected += 1,
                Err(e) => panic!("byte {i}: {e}"),
            }
        }
        assert!(detected > bytes.len() * 9 / 10, "{detected} of {}", bytes.len());
        let ndjson = |lines: &[&str]| zstd::stream::encode_all(lines.concat().as_bytes(), 3).unwrap();
        let part_line = format!("{}\n", serde_json::to_string(&IndexRecord::Part(part())).unwrap());
        let end = |frames, files| {
            format!(
                "{}\n",
                serde_json::to_string(&IndexRecord::End(EndRecord {
                    status: EndStatus::Complete,
                    frames,
                    files,
                    stream_bytes: 0
                }))
                .unwrap()
            )
        };
        let frame_line = |seq| format!("{}\n", serde_json::to_string(&IndexRecord::Frame(frame(seq))).unwrap());
        // Good, then each kind of bad.
        assert_eq!(read_all(&ndjson(&[&part_line, &frame_line(4), &frame_line(5), &end(2, 0)])).unwrap().len(), 4);
        let cases: Vec<(Vec<u8>, &str)> = vec![
            (ndjson(&[&frame_line(0), &end(1, 0)]), "part record"),
            (ndjson(&[&part_line, &part_line, &end(0, 0)]), "second part"),
            (ndjson(&[&part_line, &frame_line(0), &frame_line(2), &end(2, 0)]), "where frame 1 belongs"),
            (ndjson(&[&part_line, &frame_line(0), &end(2, 0)]), "counts"),
            (ndjson(&[&part_line, &end(0, 0), &frame_line(0)]), "after the end"),
            (ndjson(&[&part_line, "{not json\n", &end(0, 0)]), "key must be a string"),
            (ndjson(&[&part_line, "{\"type\":\"frame\",\"seq\":1}\n", &end(0, 0)]), "missing field"),
            (ndjson(&[&part_line, end(0, 0).trim_end()]), "no newline"),
        ];
        for (bytes, why) in cases {
            match read_all(&bytes) {
                Err(IndexError::Corrupt { reason, .. }) => assert!(reason.contains(why), "{why}: {reason}"),
                other => panic!("{why}: {other:?}"),
            }
        }
        // Unknown record types from a later version of format 1 are skipped.
        let later = ndjson(&[&part_line, "{\"type\":\"xattr\",\"x\":1}\n", &end(0, 0)]);
        assert_eq!(read_all(&later).unwrap().len(), 2);
        let newer = part_line.replace("\"version\":1", "\"version\":2");
        assert!(matches!(read_all(&ndjson(&[&newer, &end(0, 0)])), Err(IndexError::NewerVersion(_))));
    }

    #[test]
    fn writer_enforces_order() {
        let mut w = IndexWriter::new(512, 3).unwrap();
        assert!(matches!(w.write_frame(&frame(0)), Err(IndexError::Order(_))));
        assert!(matches!(w.write_file(&file(0, b"a".to_vec())), Err(IndexError::Order(_))));
        w.write_part(&part()).unwrap();
        assert!(matches!(w.write_part(&part()), Err(IndexError::Order(_))));
        assert!(matches!(IndexWriter::new(512, 3).unwrap().finish(EndStatus::Complete, 0), Err(IndexError::Order(_))));
    }

    #[test]
    fn zstd_cli_shows_the_index() {
        if std::process::Command::new("zstd").arg("--version").output().is_err() {
            eprintln!("\n!!!!! NOTE: the `zstd` program is not on PATH: the `zstd -dc` check was SKIPPED !!!!!\n");
            return;
        }
        let bytes = write_all(&sample_records(), EndStatus::Complete, 512).concat();
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("index"), &bytes).unwrap();
        let out = std::process::Command::new("zstd").arg("-dc").arg(dir.path().join("index")).output().unwrap();
        assert!(out.status.success());
        assert_eq!(String::from_utf8(out.stdout).unwrap().lines().count(), 7);
    }

    /// 100k file records go through writer and reader with a bounded amount held at any time.
    #[test]
    fn large_index_streams_in_bounded_memory() {
        const FILES: u64 = 100_000;
        let bs = 256 << 10;
        let mut w = IndexWriter::new(bs, 3).unwrap();
        w.write_part(&part()).unwrap();
        let (mut blocks, mut peak) = (Vec::new(), 0);
        for i in 0..FILES {
            if i % 1000 == 0 {
                w.write_frame(&frame(i / 1000)).unwrap();
            }
            let path = if i % 10 == 0 {
                format!("dir{}/\u{e9}t\u{e9}/{i:08}", i / 1000).into_bytes()
            } else {
                let mut p = format!("dir{}/bin\u{0}", i / 1000).into_bytes();
                p.push(0x80 | (i % 64) as u8);
                p
            };
            w.write_file(&file(i, path)).unwrap();
            peak = peak.max(w.buffered_bytes());
            while let Some(b) = w.pop_block() {
                assert_eq!(b.len(), bs);
                blocks.push(b);
            }
        }
        blocks.extend(w.finish(EndStatus::Complete, 1 << 40).unwrap());
        assert!(peak < LINE_BATCH + 2 * bs, "peak {peak}");
        let total: usize = blocks.iter().map(Vec::len).sum();
        assert!(total < 20 << 20);

        // Read back from the blocks one at a time, as from tape.
        struct Blocks<'a> {
            blocks: std::slice::Iter<'a, Vec<u8>>,
            cur: &'a [u8],
        }
        impl Read for Blocks<'_> {
            fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
                while self.cur.is_empty() {
                    match self.blocks.next() {
                        Some(b) => self.cur = b,
                        None => return Ok(0),
                    }
                }
                self.cur.read(buf)
            }
        }
        let reader = IndexReader::new(Blocks { blocks: blocks.iter(), cur: &[] }).unwrap();
        let (mut files, mut frames, mut end) = (0u64, 0u64, None);
        for r in reader {
            match r.unwrap() {
                IndexRecord::File(f) => {
                    assert_eq!(f.size, files * 1000);
                    files += 1;
                }
                IndexRecord::Frame(_) => frames += 1,
                IndexRecord::End(e) => end = Some(e),
                IndexRecord::Part(_) => {}
            }
        }
        assert_eq!((files, frames), (FILES, FILES / 1000));
        assert_eq!(end.unwrap().stream_bytes, 1 << 40);
    }

    #[test]
    fn frame_record_verifies_encoded_bytes() {
        let data = vec![7u8; 1024];
        let rec = FrameRecord {
            seq: 4,
            block: 0,
            stream_offset: 0,
            encoded_len: 1024,
            decoded_len: 1024,
            blake3: *blake3::hash(&data).as_bytes(),
        };
        rec.verify(&data).unwrap();
        assert!(matches!(rec.verify(&data[..512]), Err(FrameError::Damaged { seq: 4, .. })));
        let mut bad = data.clone();
        bad[3] = 0;
        assert!(matches!(rec.verify(&bad), Err(FrameError::Damaged { seq: 4, .. })));
    }

    proptest! {
        #[test]
        fn file_records_round_trip(
            path in proptest::collection::vec(any::<u8>(), 0..300),
            link in proptest::option::of(proptest::collection::vec(any::<u8>(), 1..100)),
            size in any::<u64>(), mode in 0u32..0o10000, mtime in any::<i64>(), nsec in 0u32..1_000_000_000,
            uid in any::<u32>(), gid in any::<u32>(), hash in proptest::option::of(any::<[u8; 32]>()),
            frame in any::<u64>(), offset in any::<u64>(), kind in 0usize..7,
        ) {
            let kind = [FileKind::File, FileKind::Dir, FileKind::Symlink, FileKind::Hardlink, FileKind::Char, FileKind::Block, FileKind::Fifo][kind];
            let rec = FileRecord { path, size, mode, mtime, mtime_nsec: nsec, uid, gid, kind, link, blake3: hash, frame, offset, frame_block: None };
            let line = serde_json::to_string(&IndexRecord::File(rec.clone())).unwrap();
            prop_assert_eq!(serde_json::from_str::<IndexRecord>(&line).unwrap(), IndexRecord::File(rec.clone()));
            let blocks = write_all(&[IndexRecord::Part(part()), IndexRecord::File(rec.clone())], EndStatus::Complete, 64);
            let back = read_all(&blocks.concat()).unwrap();
            prop_assert_eq!(&back[1], &IndexRecord::File(rec));
        }
    }
}
