//! What a tape holds, read without its data: every set part's header block and index, for
//! rebuilding a lost catalog (`catalog rebuild`). The data files are spaced over with SPACE
//! FILEMARKS, so a full tape is scanned in the time the drive takes to wind it, and the blocks
//! read are the label, one header block per part and the index blocks.
//!
//! Parts are found by their header block, not by file parity (docs/FORMAT.md, "Appending"): a
//! data file without an index (a cut-off backup) is followed directly by the next part's data
//! file, and a tape file that is neither is reported and stepped over.

use super::append::MAX_INDEX_BYTES;
use super::catalog_file::{CatalogHeader, CatalogTrailer, MAX_TRAILER_BYTES};
use super::index::{EndRecord, EndStatus, IndexError, IndexReader, IndexRecord, PartRecord};
use super::part::{PartError, PartHeader};
use crate::tape::{ReadOutcome, Space, TapeDevice, TapeError};

/// Larger than any block TapeBackarr writes, as in `append`.
const READ_BUFFER: usize = 4 << 20;
/// The first bytes of every part header block, whatever its version.
const PART_MAGIC_PREFIX: &[u8] = b"TAPEBACKARR-PART v";
/// The first bytes of every catalog backup header block, whatever its version.
const CATALOG_MAGIC_PREFIX: &[u8] = super::catalog_file::MAGIC_PREFIX.as_bytes();

/// One part's data file, and its index when the tape holds a complete one.
#[derive(Debug, Clone)]
pub struct ScannedPart {
    /// Tape file number of the data file.
    pub data_file: u64,
    /// Logical block of its header block.
    pub header_block: u64,
    pub header: PartHeader,
    /// The index, or why there is no usable one (the part was cut off, or its index is
    /// damaged): such a part cannot be restored through the catalog.
    pub index: Result<PartIndex, String>,
}

/// A complete index file, checked record by record.
#[derive(Debug, Clone)]
pub struct PartIndex {
    /// Logical block where the index file starts.
    pub index_block: u64,
    /// The first logical block after the index's filemark.
    pub end_block: u64,
    /// The index's first record: the header again, and where the part was written.
    pub part: PartRecord,
    /// Its last record.
    pub end: EndRecord,
    /// The index file's blocks, concatenated (the zstd stream).
    pub bytes: Vec<u8>,
}

impl PartIndex {
    /// The records again, one at a time.
    pub fn records(&self) -> IndexReader<&[u8]> {
        IndexReader::from_bytes(&self.bytes).expect("the index was read once already")
    }
}

/// A catalog backup's data file, and its trailer when the tape holds a complete one.
#[derive(Debug, Clone)]
pub struct ScannedCatalog {
    /// Tape file number of the data file.
    pub data_file: u64,
    /// Logical block of its header block.
    pub header_block: u64,
    pub header: CatalogHeader,
    /// The trailer, or why there is no usable one (cut off, or stopped at early warning).
    pub trailer: Result<CatalogTrailer, String>,
    /// The first logical block after the trailer's filemark (where the tape's data ends when
    /// it is the last thing on tape); meaningful with a trailer.
    pub end_block: u64,
}

/// What one tape file (or data and index pair) turned out to be.
#[derive(Debug, Clone)]
pub enum Scanned {
    Part(Box<ScannedPart>),
    /// A catalog backup (docs/FORMAT.md, "Catalog backups"): not a set, never read by
    /// `catalog rebuild`, found by `catalog restore-db`.
    CatalogBackup(Box<ScannedCatalog>),
    /// A tape file that is neither a part's data file nor its index: foreign data, an empty
    /// file, a damaged or newer header. Stepped over.
    Other {
        file: u64,
        block: u64,
        reason: String,
    },
}

/// Walks the tape from file 1 to end of data, one part at a time. Device errors end the walk
/// (the item is the error, and nothing follows it).
pub struct Scanner<'d> {
    dev: &'d mut dyn TapeDevice,
    buf: Vec<u8>,
    /// The tape file the tape is in.
    file: u64,
    /// The first block of tape file `file`, already read into `buf`: its length and block.
    pending: Option<(usize, u64)>,
    started: bool,
    done: bool,
    max_index: usize,
    bytes_read: u64,
}

impl<'d> Scanner<'d> {
    /// A scanner of the tape in `dev`; it rewinds and spaces over the label's file first.
    pub fn new(dev: &'d mut dyn TapeDevice) -> Scanner<'d> {
        Scanner {
            dev,
            buf: vec![0u8; READ_BUFFER],
            file: 1,
            pending: None,
            started: false,
            done: false,
            max_index: MAX_INDEX_BYTES,
            bytes_read: 0,
        }
    }

    /// Bytes read from tape so far (header and index blocks).
    pub fn bytes_read(&self) -> u64 {
        self.bytes_read
    }

    fn read(&mut self) -> Result<Read, TapeError> {
        match self.dev.read_block(&mut self.buf) {
            Ok(ReadOutcome::Block(n)) => {
                self.bytes_read += n as u64;
                Ok(Read::Block(n))
            }
            Ok(ReadOutcome::Filemark) => Ok(Read::Filemark),
            Ok(ReadOutcome::EndOfData) => Ok(Read::EndOfData),
            Err(TapeError::BlockTooLarge { block_len, .. }) => Ok(Read::TooLarge(block_len)),
            Err(e) => Err(e),
        }
    }

    /// Spaces to the start of the next tape file; `false` when the tape ends first (the
    /// file was cut off before its filemark).
    fn next_file(&mut self) -> Result<bool, TapeError> {
        match self.dev.space(Space::Filemarks(1)) {
            Ok(()) => {
                self.file += 1;
                Ok(true)
            }
            Err(TapeError::EndOfData) => {
                self.done = true;
                Ok(false)
            }
            Err(e) => Err(e),
        }
    }

    fn step(&mut self) -> Result<Option<Scanned>, TapeError> {
        if !self.started {
            self.started = true;
            self.dev.rewind()?;
            // Over the label and its filemark; a label without one means nothing follows.
            match self.dev.space(Space::Filemarks(1)) {
                Ok(()) => {}
                Err(TapeError::EndOfData) => return Ok(None),
                Err(e) => return Err(e),
            }
        }
        let file = self.file;
        let (n, block) = match self.pending.take() {
            Some(p) => p,
            None => {
                let block = self.dev.position()?.block;
                match self.read()? {
                    Read::Block(n) => (n, block),
                    Read::EndOfData => return Ok(None),
                    Read::Filemark => {
                        self.file += 1;
                        return Ok(Some(Scanned::Other { file, block, reason: "an empty tape file".into() }));
                    }
                    Read::TooLarge(len) => {
                        self.next_file()?;
                        let reason = format!("a block of {len} bytes, larger than TapeBackarr writes");
                        return Ok(Some(Scanned::Other { file, block, reason }));
                    }
                }
            }
        };
        let header = match PartHeader::decode(&self.buf[..n]) {
            Ok(h) => h,
            Err(PartError::NotAPart) if self.buf[..n].starts_with(CATALOG_MAGIC_PREFIX) => {
                return match CatalogHeader::decode(&self.buf[..n]) {
                    Ok(header) => self.catalog_backup(file, block, header).map(Some),
                    Err(e) => {
                        self.next_file()?;
                        Ok(Some(Scanned::Other { file, block, reason: e.to_string() }))
                    }
                };
            }
            Err(e) => {
                self.next_file()?;
                return Ok(Some(Scanned::Other { file, block, reason: e.to_string() }));
            }
        };
        // The data: never read, only spaced over.
        if !self.next_file()? {
            let index = Err("its data file ends without a filemark: the backup was cut off while writing it".into());
            return Ok(Some(Scanned::Part(Box::new(ScannedPart {
                data_file: file,
                header_block: block,
                header,
                index,
            }))));
        }
        let index = self.read_index(&header)?;
        Ok(Some(Scanned::Part(Box::new(ScannedPart { data_file: file, header_block: block, header, index }))))
    }

    /// Reads the tape file after a data file as its index. The outer error is the device's;
    /// the inner one says why the part has no usable index.
    fn read_index(&mut self, header: &PartHeader) -> Result<Result<PartIndex, String>, TapeError> {
        let max = self.max_index;
        Ok(match self.read_following("index", max)? {
            Ok((index_block, bytes)) => {
                let end_block = self.dev.position()?.block;
                check_index(header, index_block, end_block, bytes)
            }
            Err(reason) => Err(reason),
        })
    }

    /// Reads the tape file after a data file whole (an index or a catalog backup's trailer,
    /// `what`), with the logical block it starts at. The inner error says why there is none:
    /// the tape ends, the next file is another data file, or it is too large to be one.
    fn read_following(&mut self, what: &str, max: usize) -> Result<Result<(u64, Vec<u8>), String>, TapeError> {
        let what_a =
            if what.starts_with(['a', 'e', 'i', 'o', 'u']) { format!("an {what}") } else { format!("a {what}") };
        let start_block = self.dev.position()?.block;
        let first = match self.read()? {
            Read::Block(n) => n,
            Read::EndOfData => {
                self.done = true;
                return Ok(Err(format!("no {what} follows its data: the backup was cut off")));
            }
            Read::Filemark => {
                self.file += 1;
                return Ok(Err(format!("its {what} file is empty")));
            }
            Read::TooLarge(len) => {
                self.next_file()?;
                return Ok(Err(format!("the file after its data is not {what_a} (a block of {len} bytes)")));
            }
        };
        if self.buf[..first].starts_with(PART_MAGIC_PREFIX) || self.buf[..first].starts_with(CATALOG_MAGIC_PREFIX) {
            // The next data file's header: this one's index was never written.
            self.pending = Some((first, start_block));
            return Ok(Err(format!(
                "no {what} follows its data (the next tape file is another part or a catalog backup): the backup was cut off"
            )));
        }
        let mut bytes = self.buf[..first].to_vec();
        loop {
            let n = match self.read()? {
                Read::Block(n) => n,
                Read::Filemark => {
                    self.file += 1;
                    break;
                }
                Read::EndOfData => {
                    self.done = true;
                    return Ok(Err(format!(
                        "its {what} ends without a filemark: the backup was cut off while writing it"
                    )));
                }
                Read::TooLarge(len) => {
                    self.next_file()?;
                    return Ok(Err(format!("the file after its data is not {what_a} (a block of {len} bytes)")));
                }
            };
            if bytes.len() + n > max {
                self.next_file()?;
                return Ok(Err(format!("the file after its data holds more than {max} bytes: not {what_a}")));
            }
            bytes.extend_from_slice(&self.buf[..n]);
        }
        Ok(Ok((start_block, bytes)))
    }

    /// A catalog backup whose header block is tape file `file` at `block`: its data spaced
    /// over, its trailer read.
    fn catalog_backup(&mut self, file: u64, block: u64, header: CatalogHeader) -> Result<Scanned, TapeError> {
        let trailer = if !self.next_file()? {
            Err("its data file ends without a filemark: the backup was cut off while writing it".into())
        } else {
            match self.read_following("trailer", MAX_TRAILER_BYTES)? {
                Ok((_, bytes)) => match CatalogTrailer::decode(&bytes) {
                    Ok(t) if t.header == header && t.data_file == file => Ok(t),
                    Ok(t) => Err(format!("the trailer after it is that of catalog backup {}", t.header.backup_uuid)),
                    Err(e) => Err(format!("its trailer is unreadable ({e})")),
                },
                Err(reason) => Err(reason),
            }
        };
        let end_block = self.dev.position()?.block;
        Ok(Scanned::CatalogBackup(Box::new(ScannedCatalog {
            data_file: file,
            header_block: block,
            header,
            trailer,
            end_block,
        })))
    }
}

/// Reads an index whole, checking it is complete and belongs to `header`'s part.
fn check_index(header: &PartHeader, index_block: u64, end_block: u64, bytes: Vec<u8>) -> Result<PartIndex, String> {
    let describe = |e: IndexError| match e {
        IndexError::Incomplete { .. } => format!("its index is cut off ({e})"),
        other => format!("its index is unreadable ({other})"),
    };
    let (mut part, mut end) = (None, None);
    for record in IndexReader::from_bytes(&bytes).map_err(describe)? {
        match record.map_err(describe)? {
            IndexRecord::Part(p) => part = Some(p),
            IndexRecord::End(e) => end = Some(e),
            IndexRecord::Frame(_) | IndexRecord::File(_) => {}
        }
    }
    let (Some(part), Some(end)) = (part, end) else {
        return Err("its index lacks its part or end record".into());
    };
    if part.header.set_uuid != header.set_uuid || part.header.part != header.part {
        return Err(format!(
            "the index after it is that of part {} of set {}, not of part {} of set {}",
            part.header.part, part.header.set_uuid, header.part, header.set_uuid
        ));
    }
    Ok(PartIndex { index_block, end_block, part, end, bytes })
}

impl Iterator for Scanner<'_> {
    type Item = Result<Scanned, TapeError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        match self.step() {
            Ok(Some(item)) => Some(Ok(item)),
            Ok(None) => {
                self.done = true;
                None
            }
            Err(e) => {
                self.done = true;
                Some(Err(e))
            }
        }
    }
}

enum Read {
    Block(usize),
    Filemark,
    EndOfData,
    TooLarge(usize),
}

/// Every part on the tape in `dev`, in tape order, indexes held in memory (see [`Scanner`] to
/// take them one at a time).
pub fn read_parts(dev: &mut dyn TapeDevice) -> Result<Vec<Scanned>, TapeError> {
    Scanner::new(dev).collect()
}

/// Whether the set ends in this part (its index says `complete`).
pub fn ends_set(index: &PartIndex) -> bool {
    index.end.status == EndStatus::Complete
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use uuid::Uuid;

    use super::*;
    use crate::format::frame::Framing;
    use crate::format::index::{FileKind, FileRecord, FrameRecord, IndexWriter};
    use crate::format::label::{TapeContents, TapeLabel, read_label, write_label};
    use crate::tape::vtape::VirtualDrive;
    use crate::tape::{Capabilities, DriveStatus, Identity, Position, Result as TapeResult, WriteOutcome};

    const BS: u32 = 4096;

    fn labelled(dir: &Path) -> VirtualDrive {
        VirtualDrive::create(dir, 1 << 30).unwrap();
        let mut d = VirtualDrive::open(dir).unwrap();
        d.insert_named("T00001").unwrap();
        let label = TapeLabel::new(
            Uuid::new_v4().to_string(),
            "WEEK01".into(),
            None,
            "weekly".into(),
            "2026-11-27T00:00:00Z".into(),
        );
        write_label(&mut d, &label).unwrap();
        d.space(Space::EndOfData).unwrap();
        d
    }

    /// A data file of `blocks` data blocks at end of data; its part record.
    fn write_data(d: &mut dyn TapeDevice, set: Uuid, part: u32, blocks: usize, close: bool) -> PartRecord {
        let at = d.position().unwrap();
        let mut h = PartHeader::new(set, Framing::Raw, None, BS, 1 << 20, "2026-11-27T00:00:00Z".into());
        h.part = part;
        d.write_block(&h.encode(at.file).unwrap()).unwrap();
        for i in 0..blocks {
            d.write_block(&vec![i as u8; BS as usize]).unwrap();
        }
        if close {
            d.write_filemarks(1, true).unwrap();
        }
        PartRecord { header: h, data_file: at.file.unwrap(), first_block: at.block }
    }

    /// The index of a part with one frame per 3 blocks and `files` files; returns its block count.
    fn write_index(d: &mut dyn TapeDevice, part: &PartRecord, files: u64, status: EndStatus, close: bool) -> usize {
        let mut w = IndexWriter::new(512, 3).unwrap();
        w.write_part(part).unwrap();
        w.write_frame(&FrameRecord {
            seq: 0,
            block: part.first_block + 1,
            stream_offset: 0,
            encoded_len: 3 * BS as u64,
            decoded_len: 3 * BS as u64,
            blake3: [7; 32],
        })
        .unwrap();
        let mut blocks = Vec::new();
        for i in 0..files {
            w.write_file(&FileRecord {
                path: format!("dir/file-{i:06}").into_bytes(),
                size: i,
                mode: 0o644,
                mtime: 1_790_000_000,
                mtime_nsec: 0,
                uid: 0,
                gid: 0,
                kind: FileKind::File,
                link: None,
                blake3: None,
                frame: 0,
                offset: i * 512,
                frame_block: None,
            })
            .unwrap();
            blocks.extend(std::iter::from_fn(|| w.pop_block()));
        }
        blocks.extend(w.finish(status, 3 * BS as u64).unwrap());
        for b in &blocks {
            d.write_block(b).unwrap();
        }
        if close {
            d.write_filemarks(1, true).unwrap();
        }
        blocks.len()
    }

    /// The virtual drive, counting the blocks read.
    struct Counting {
        drive: VirtualDrive,
        blocks: u64,
    }

    impl TapeDevice for Counting {
        fn capabilities(&self) -> Capabilities {
            self.drive.capabilities()
        }
        fn identity(&mut self) -> TapeResult<Identity> {
            self.drive.identity()
        }
        fn status(&mut self) -> TapeResult<DriveStatus> {
            self.drive.status()
        }
        fn rewind(&mut self) -> TapeResult<()> {
            self.drive.rewind()
        }
        fn read_block(&mut self, buf: &mut [u8]) -> TapeResult<ReadOutcome> {
            let r = self.drive.read_block(buf);
            if matches!(r, Ok(ReadOutcome::Block(_))) {
                self.blocks += 1;
            }
            r
        }
        fn write_block(&mut self, data: &[u8]) -> TapeResult<WriteOutcome> {
            self.drive.write_block(data)
        }
        fn write_filemarks(&mut self, count: u32, flush: bool) -> TapeResult<()> {
            self.drive.write_filemarks(count, flush)
        }
        fn space(&mut self, how: Space) -> TapeResult<()> {
            self.drive.space(how)
        }
        fn position(&mut self) -> TapeResult<Position> {
            self.drive.position()
        }
        fn locate(&mut self, block: u64) -> TapeResult<()> {
            self.drive.locate(block)
        }
        fn erase(&mut self, quick: bool) -> TapeResult<()> {
            self.drive.erase(quick)
        }
        fn set_block_size(&mut self, size: u32) -> TapeResult<()> {
            self.drive.set_block_size(size)
        }
        fn set_compression(&mut self, on: bool) -> TapeResult<()> {
            self.drive.set_compression(on)
        }
        fn load(&mut self) -> TapeResult<()> {
            self.drive.load()
        }
        fn unload(&mut self) -> TapeResult<()> {
            self.drive.unload()
        }
    }

    /// A catalog backup's data file, with its trailer when `trailer`.
    fn write_catalog_backup(d: &mut dyn TapeDevice, trailer: bool) -> Uuid {
        let at = d.position().unwrap();
        let header = crate::format::catalog_file::CatalogHeader::example(BS);
        d.write_block(&header.encode(at.file)).unwrap();
        d.write_block(&[1; 64]).unwrap();
        d.write_filemarks(1, true).unwrap();
        if trailer {
            for b in CatalogTrailer::new(header.clone(), at.file.unwrap(), at.block, Vec::new()).encode() {
                d.write_block(&b).unwrap();
            }
            d.write_filemarks(1, true).unwrap();
        }
        header.backup_uuid
    }

    #[test]
    fn catalog_backups_are_found_and_parts_around_them_too() {
        let tmp = tempfile::tempdir().unwrap();
        let mut d = labelled(tmp.path());
        let (s1, s2) = (Uuid::new_v4(), Uuid::new_v4());
        let rec = write_data(&mut d, s1, 1, 2, true);
        write_index(&mut d, &rec, 1, EndStatus::Complete, true);
        let complete = write_catalog_backup(&mut d, true);
        let cut = write_catalog_backup(&mut d, false);
        let rec = write_data(&mut d, s2, 1, 2, true);
        write_index(&mut d, &rec, 1, EndStatus::Complete, true);

        let items = read_parts(&mut d).unwrap();
        assert_eq!(items.len(), 4, "{items:?}");
        assert_eq!(
            parts(&items).iter().map(|p| (p.header.set_uuid, p.index.is_ok())).collect::<Vec<_>>(),
            [(s1, true), (s2, true)]
        );
        let Scanned::CatalogBackup(c) = &items[1] else { panic!("{:?}", items[1]) };
        assert_eq!((c.data_file, c.header.backup_uuid), (3, complete));
        assert_eq!(c.trailer.as_ref().unwrap().data_file, 3);
        let Scanned::CatalogBackup(c) = &items[2] else { panic!("{:?}", items[2]) };
        assert_eq!((c.data_file, c.header.backup_uuid), (5, cut));
        assert!(c.trailer.as_ref().unwrap_err().contains("cut off"), "{:?}", c.trailer);
    }

    fn parts(items: &[Scanned]) -> Vec<&ScannedPart> {
        items
            .iter()
            .filter_map(|i| match i {
                Scanned::Part(p) => Some(p.as_ref()),
                Scanned::Other { .. } | Scanned::CatalogBackup(_) => None,
            })
            .collect()
    }

    #[test]
    fn reads_label_headers_and_indexes_only() {
        let tmp = tempfile::tempdir().unwrap();
        let mut d = labelled(tmp.path());
        let (s1, s2) = (Uuid::new_v4(), Uuid::new_v4());
        let r1 = write_data(&mut d, s1, 1, 40, true);
        let i1 = write_index(&mut d, &r1, 2000, EndStatus::Complete, true);
        let r2 = write_data(&mut d, s2, 1, 25, true);
        let i2 = write_index(&mut d, &r2, 3, EndStatus::Continued, true);
        assert!(i1 > 2, "a multi-block index ({i1} blocks)");
        d.space(Space::EndOfData).unwrap();
        let eod = d.position().unwrap().block;

        let mut dev = Counting { drive: d, blocks: 0 };
        assert!(matches!(read_label(&mut dev).unwrap(), TapeContents::Labeled(_)));
        let items = read_parts(&mut dev).unwrap();
        assert_eq!(dev.blocks, 1 + 2 + (i1 + i2) as u64, "label, two headers, the index blocks: no data block");

        let found = parts(&items);
        assert_eq!(found.len(), 2);
        assert_eq!(items.len(), 2);
        let (p1, p2) = (found[0], found[1]);
        assert_eq!((p1.data_file, p1.header_block, p1.header.set_uuid), (1, 2, s1));
        let x1 = p1.index.as_ref().unwrap();
        assert_eq!(x1.index_block, 2 + 1 + 40 + 1);
        assert_eq!(x1.end_block, x1.index_block + i1 as u64 + 1);
        assert_eq!(x1.part, r1);
        assert_eq!((x1.end.files, x1.end.frames, x1.end.status), (2000, 1, EndStatus::Complete));
        assert!(ends_set(x1));
        assert_eq!(x1.records().filter(|r| matches!(r, Ok(IndexRecord::File(_)))).count(), 2000);
        assert_eq!((p2.data_file, p2.header_block), (3, x1.end_block));
        let x2 = p2.index.as_ref().unwrap();
        assert_eq!(x2.end_block, eod);
        assert!(!ends_set(x2));
        assert_eq!(p2.header.set_uuid, s2);
    }

    #[test]
    fn cut_off_parts_and_foreign_files_are_reported_and_stepped_over() {
        let tmp = tempfile::tempdir().unwrap();
        let mut d = labelled(tmp.path());
        let (cut, good, last) = (Uuid::new_v4(), Uuid::new_v4(), Uuid::new_v4());
        // A data file with no index, then a whole part right after it.
        write_data(&mut d, cut, 1, 5, true);
        let r = write_data(&mut d, good, 1, 2, true);
        write_index(&mut d, &r, 5, EndStatus::Complete, true);
        // Someone else's file, an empty one, then a part cut off in its index.
        d.write_block(b"ustar\0 not ours").unwrap();
        d.write_filemarks(2, true).unwrap();
        let r = write_data(&mut d, last, 1, 2, true);
        let mut w = IndexWriter::new(64, 3).unwrap();
        w.write_part(&r).unwrap();
        let blocks = w.finish(EndStatus::Complete, 0).unwrap();
        d.write_block(&blocks[0]).unwrap();
        d.write_filemarks(1, true).unwrap();

        let items = read_parts(&mut d).unwrap();
        let summary: Vec<(u64, Option<Uuid>, Result<(), String>)> = items
            .iter()
            .map(|i| match i {
                Scanned::Part(p) => {
                    (p.data_file, Some(p.header.set_uuid), p.index.as_ref().map(|_| ()).map_err(|e| e.clone()))
                }
                Scanned::Other { file, reason, .. } => (*file, None, Err(reason.clone())),
                Scanned::CatalogBackup(c) => (c.data_file, None, Err("a catalog backup".into())),
            })
            .collect();
        assert_eq!(summary.len(), 5, "{summary:?}");
        assert_eq!((summary[0].0, summary[0].1), (1, Some(cut)));
        assert!(summary[0].2.as_ref().unwrap_err().contains("another part"), "{summary:?}");
        assert_eq!(summary[1], (2, Some(good), Ok(())));
        assert_eq!((summary[2].0, summary[2].1), (4, None));
        assert!(summary[2].2.as_ref().unwrap_err().contains("not a TapeBackarr part header"), "{summary:?}");
        assert_eq!((summary[3].0, summary[3].1), (5, None));
        assert!(summary[3].2.as_ref().unwrap_err().contains("empty"));
        assert_eq!((summary[4].0, summary[4].1), (6, Some(last)));
        assert!(summary[4].2.as_ref().unwrap_err().contains("cut off"), "{summary:?}");

        // A tape that ends in the middle of a data file.
        let tmp = tempfile::tempdir().unwrap();
        let mut d = labelled(tmp.path());
        write_data(&mut d, cut, 1, 3, false);
        let items = read_parts(&mut d).unwrap();
        assert_eq!(items.len(), 1);
        assert!(parts(&items)[0].index.as_ref().unwrap_err().contains("without a filemark"));

        // A label alone: nothing.
        let tmp = tempfile::tempdir().unwrap();
        let mut d = labelled(tmp.path());
        assert!(read_parts(&mut d).unwrap().is_empty());
    }
}
