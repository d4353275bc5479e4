//! Where a backup may append (docs/FORMAT.md, "Appending"). Writing ends the tape at the write
//! position, so one wrong block written in the wrong place loses everything after it; before a
//! backup writes a part, it must know that end of data is really where this tape's last
//! complete tape file ends, and what that file is. This module finds end of data, steps back
//! over the last tape file and classifies it: the label of a blank tape, a complete index, a
//! data file whose index was never written (a cut-off backup, reported but appended after), a
//! file cut off before its filemark, or something TapeBackarr did not write.
//!
//! It only reads and moves the tape; the caller reads and checks the label first and decides
//! what to do with what it is told.

use uuid::Uuid;

use super::catalog_file::{CatalogHeader, CatalogTrailer};
use super::index::{EndStatus, IndexError, IndexReader, IndexRecord};
use super::label::TapeLabel;
use super::part::{PartError, PartHeader};
use crate::tape::{ReadOutcome, Space, TapeDevice, TapeError};

/// Read buffer: larger than any block TapeBackarr writes (data and index blocks are the
/// part's block size, at most a few MiB; label and part header blocks at most 64 KiB), so a
/// block that does not fit is not ours.
const READ_BUFFER: usize = 4 << 20;
/// The largest index this reads. Indexes of millions of files are tens of MiB; a "file" of
/// gigabytes after a data file is not an index, and reading it all would only waste memory.
pub const MAX_INDEX_BYTES: usize = 1 << 30;

/// Where the next part goes, and what precedes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppendPoint {
    /// Tape file number the next data file will have (1 on a tape holding only the label).
    pub file: u64,
    /// Logical block (filemarks counted) where the next write starts: end of data.
    pub block: u64,
    /// What the last tape file before end of data is.
    pub last: LastFile,
}

/// The last tape file before end of data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LastFile {
    /// Only the label: a blank (labelled) tape.
    Label,
    /// A complete index (its last record is `end`), of part `part` of set `set_uuid`;
    /// `status` says whether the set ends there or continues on another tape.
    Index { set_uuid: Uuid, part: u32, status: EndStatus },
    /// A data file with no index after it: a backup cut off after its data filemark. Appending
    /// after it is allowed (the part stays on tape, unindexed); the caller should report it.
    /// `set_uuid` is `None` when the header's magic line is TapeBackarr's but its JSON is
    /// damaged.
    CutData { set_uuid: Option<Uuid> },
    /// A data file of set `set_uuid` followed by the start of its index, cut off (a zstd stream
    /// that ends early): a backup cut off while writing its index. Appending is allowed, as
    /// for [`LastFile::CutData`]; `reason` says what the index reader found.
    CutIndex { set_uuid: Uuid, reason: String },
    /// A catalog backup's complete trailer (docs/FORMAT.md, "Catalog backups").
    CatalogBackup { backup_uuid: Uuid },
    /// A catalog backup's data file with no trailer after it (cut off, or stopped at early
    /// warning): appending after it is allowed, as after [`LastFile::CutData`].
    CutCatalogBackup { backup_uuid: Uuid },
}

#[derive(Debug, thiserror::Error)]
pub enum AppendError {
    /// Device trouble (including a medium error while reading the last file).
    #[error("tape: {0}")]
    Tape(#[from] TapeError),
    /// The tape ends without a filemark after its last block: a write was cut off in the
    /// middle of tape file `file`, and end of data is at logical block `block`. Whether to close
    /// the file with a filemark and append after it is the caller's decision.
    #[error(
        "tape file {file} is unterminated: the tape ends at block {block} without a filemark (a write was cut off)"
    )]
    Unterminated { file: u64, block: u64 },
    /// What precedes end of data is neither a TapeBackarr index nor a TapeBackarr data file
    /// (foreign data, a damaged or incomplete index, a blank tape): appending is refused.
    #[error("cannot append after tape file {file}: {reason}")]
    Unrecognised { file: u64, reason: String },
}

/// Spaces to end of data and checks what precedes it, as docs/FORMAT.md "Appending" says. The
/// caller has already read and checked the label. On success the tape is left positioned at
/// [`AppendPoint::block`], ready to write; on error its position is unspecified.
///
/// The file number comes from the drive's position report when it knows it. A backend that
/// does not (the st driver after some moves) costs a rewind and one filemark space per tape
/// file: on a full tape with many parts that winds the whole tape once, minutes on LTO.
pub fn find_append_point(dev: &mut dyn TapeDevice) -> Result<AppendPoint, AppendError> {
    find_with_limit(dev, MAX_INDEX_BYTES)
}

fn find_with_limit(dev: &mut dyn TapeDevice, max_index: usize) -> Result<AppendPoint, AppendError> {
    dev.space(Space::EndOfData)?;
    let eod = dev.position()?;
    let block = eod.block;
    if block == 0 {
        return Err(AppendError::Unrecognised { file: 0, reason: "the tape is blank: it has no label".into() });
    }
    let filemarks = match eod.file {
        Some(f) => f,
        None => count_filemarks(dev, block)?,
    };

    // The last thing on tape must be a filemark: otherwise a write stopped mid-file, and
    // appending would glue the next part onto the cut-off file.
    match dev.space(Space::Blocks(-1)) {
        Err(TapeError::Filemark) => {}
        Ok(()) => return Err(AppendError::Unterminated { file: filemarks, block }),
        Err(e) => return Err(e.into()),
    }
    // A filemark was crossed, so there is at least one; the last file is the one it closes.
    let last = filemarks.checked_sub(1).ok_or_else(|| {
        TapeError::Other(format!("the drive crossed a filemark before block {block} but counts none before it"))
    })?;
    seek_file_start(dev, last)?;

    let mut buf = vec![0u8; READ_BUFFER];
    let n = match read_in_file(dev, &mut buf, last)? {
        Some(n) => n,
        None => {
            return Err(AppendError::Unrecognised {
                file: last,
                reason: "it is empty (two filemarks in a row)".into(),
            });
        }
    };
    let kind = if last == 0 {
        check_label_file(dev, &mut buf, n)?
    } else if let Ok(h) = CatalogHeader::decode(&buf[..n]) {
        LastFile::CutCatalogBackup { backup_uuid: h.backup_uuid }
    } else {
        match PartHeader::decode(&buf[..n]) {
            Ok(h) => LastFile::CutData { set_uuid: Some(h.set_uuid) },
            // The magic line is ours: a data file, cut off, whose header is damaged.
            Err(PartError::Damaged(_)) => LastFile::CutData { set_uuid: None },
            Err(PartError::NotAPart) => {
                // Our index cut off (a crash while it was written) looks like a zstd stream
                // that ends early, right after one of our data files: that part is cut, like
                // one with no index at all, and appending after it is safe.
                let zstd_start = buf[..n].starts_with(&ZSTD_MAGIC);
                match read_index(dev, &mut buf, n, last, max_index)? {
                    Ok(kind) => kind,
                    Err(reason) if zstd_start && last >= 2 => match part_header_of(dev, &mut buf, last - 1)? {
                        Some(Header::Part(set_uuid)) => LastFile::CutIndex { set_uuid, reason },
                        // A catalog backup whose trailer was cut off.
                        Some(Header::Catalog(backup_uuid)) => LastFile::CutCatalogBackup { backup_uuid },
                        None => return Err(AppendError::Unrecognised { file: last, reason }),
                    },
                    Err(reason) => return Err(AppendError::Unrecognised { file: last, reason }),
                }
            }
            Err(e @ (PartError::NewerVersion(_) | PartError::TooLarge(_))) => {
                return Err(AppendError::Unrecognised { file: last, reason: e.to_string() });
            }
        }
    };

    // Back to end of data, proving the drive is where the next write belongs.
    dev.locate(block)?;
    let at = dev.position()?;
    if at.block != block {
        return Err(
            TapeError::Other(format!("located to block {block} (end of data), the drive is at {}", at.block)).into()
        );
    }
    Ok(AppendPoint { file: filemarks, block, last: kind })
}

/// Filemarks between BOT and end of data, counted one space at a time, for drives whose
/// position report lacks the file number. Leaves the tape at end of data.
fn count_filemarks(dev: &mut dyn TapeDevice, eod: u64) -> Result<u64, AppendError> {
    dev.rewind()?;
    let mut count = 0u64;
    loop {
        match dev.space(Space::Filemarks(1)) {
            Ok(()) => count += 1,
            Err(TapeError::EndOfData) => break,
            Err(e) => return Err(e.into()),
        }
    }
    dev.space(Space::EndOfData)?;
    let at = dev.position()?.block;
    if at != eod {
        return Err(TapeError::Other(format!("end of data moved from block {eod} to {at} while counting files")).into());
    }
    Ok(count)
}

/// Positions the tape at the first block of tape file `file`, the last one on tape.
fn seek_file_start(dev: &mut dyn TapeDevice, file: u64) -> Result<(), AppendError> {
    if file == 0 {
        dev.rewind()?;
        return Ok(());
    }
    // From end of data: back over the last two filemarks (ending on the BOT side of the one
    // before the last file), then forward over that one.
    dev.space(Space::EndOfData)?;
    dev.space(Space::Filemarks(-2))?;
    dev.space(Space::Filemarks(1))?;
    if let Some(at) = dev.position()?.file
        && at != file
    {
        return Err(
            TapeError::Other(format!("spaced to the start of tape file {file}, the drive is in file {at}")).into()
        );
    }
    Ok(())
}

/// Reads the next block of tape file `file`: its length, or `None` at the filemark ending it.
/// A block too large for the buffer is not TapeBackarr's.
fn read_in_file(dev: &mut dyn TapeDevice, buf: &mut [u8], file: u64) -> Result<Option<usize>, AppendError> {
    match dev.read_block(buf) {
        Ok(ReadOutcome::Block(n)) => Ok(Some(n)),
        Ok(ReadOutcome::Filemark) => Ok(None),
        // A filemark was seen after this file moments ago: the tape changed under us.
        Ok(ReadOutcome::EndOfData) => {
            Err(TapeError::Other(format!("end of data inside tape file {file}, which ends with a filemark")).into())
        }
        Err(TapeError::BlockTooLarge { block_len, .. }) => Err(AppendError::Unrecognised {
            file,
            reason: format!("it holds a block of {block_len} bytes, larger than TapeBackarr writes"),
        }),
        Err(e) => Err(e.into()),
    }
}

/// File 0 is the last file: it must be the label block alone.
fn check_label_file(dev: &mut dyn TapeDevice, buf: &mut [u8], n: usize) -> Result<LastFile, AppendError> {
    if let Err(e) = TapeLabel::decode(&buf[..n]) {
        return Err(AppendError::Unrecognised { file: 0, reason: format!("its first block is not a label ({e})") });
    }
    match read_in_file(dev, buf, 0)? {
        None => Ok(LastFile::Label),
        Some(_) => Err(AppendError::Unrecognised { file: 0, reason: "it holds more than the label block".into() }),
    }
}

/// Reads tape file `file`, whose first `n` bytes are in `buf`, to its filemark and checks that
/// it is a complete index.
/// The zstd frame magic, little-endian, as an index file starts.
const ZSTD_MAGIC: [u8; 4] = [0x28, 0xb5, 0x2f, 0xfd];

/// What a data file of ours opens with.
enum Header {
    Part(Uuid),
    Catalog(Uuid),
}

/// The set of the part (or the catalog backup) whose data file is tape file `file`, if it is
/// one of ours. (Only after a crash: a rewind and a space from BOT are fine.)
fn part_header_of(dev: &mut dyn TapeDevice, buf: &mut [u8], file: u64) -> Result<Option<Header>, AppendError> {
    dev.rewind()?;
    dev.space(Space::Filemarks(file as i64))?;
    Ok(match read_in_file(dev, buf, file)? {
        Some(n) => match PartHeader::decode(&buf[..n]) {
            Ok(h) => Some(Header::Part(h.set_uuid)),
            Err(_) => CatalogHeader::decode(&buf[..n]).ok().map(|h| Header::Catalog(h.backup_uuid)),
        },
        None => None,
    })
}

/// Reads tape file `file` (whose first `n` bytes are in `buf`) as an index. The outer error
/// is device trouble or a file too large to be an index; the inner one says why the bytes
/// are not a complete index.
fn read_index(
    dev: &mut dyn TapeDevice,
    buf: &mut [u8],
    n: usize,
    file: u64,
    max_index: usize,
) -> Result<Result<LastFile, String>, AppendError> {
    let too_large = || AppendError::Unrecognised {
        file,
        reason: format!("it is not a part header and holds more than {max_index} bytes, too many for an index"),
    };
    if n > max_index {
        return Err(too_large());
    }
    let mut bytes = buf[..n].to_vec();
    while let Some(n) = read_in_file(dev, buf, file)? {
        if bytes.len() + n > max_index {
            return Err(too_large());
        }
        bytes.extend_from_slice(&buf[..n]);
    }

    if let Ok(trailer) = CatalogTrailer::decode(&bytes) {
        return Ok(Ok(LastFile::CatalogBackup { backup_uuid: trailer.header.backup_uuid }));
    }
    let broken = |e: IndexError| format!("it is neither a part header nor a complete index ({e})");
    let reader = match IndexReader::from_bytes(&bytes) {
        Ok(r) => r,
        Err(e) => return Ok(Err(broken(e))),
    };
    let (mut part, mut end) = (None, None);
    for record in reader {
        match record {
            Ok(IndexRecord::Part(p)) => part = Some((p.header.set_uuid, p.header.part)),
            Ok(IndexRecord::End(e)) => end = Some(e.status),
            Ok(IndexRecord::Frame(_) | IndexRecord::File(_)) => {}
            Err(e) => return Ok(Err(broken(e))),
        }
    }
    // The reader insists on a part record first and an end record last, so both are here.
    Ok(match (part, end) {
        (Some((set_uuid, part)), Some(status)) => Ok(LastFile::Index { set_uuid, part, status }),
        _ => Err("the index lacks its part or end record".into()),
    })
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::format::frame::Framing;
    use crate::format::index::{FileKind, FileRecord, FrameRecord, IndexWriter, PartRecord};
    use crate::format::label::write_label;
    use crate::tape::vtape::VirtualDrive;
    use crate::tape::{Capabilities, DriveStatus, Identity, Position, Result as TapeResult, WriteOutcome};

    const BS: u32 = 4096;

    fn drive(dir: &Path) -> VirtualDrive {
        VirtualDrive::create(dir, 1 << 30).unwrap();
        let mut d = VirtualDrive::open(dir).unwrap();
        d.insert_named("T00001").unwrap();
        d
    }

    fn labelled(dir: &Path) -> VirtualDrive {
        let mut d = drive(dir);
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

    fn header(set: Uuid, part: u32) -> PartHeader {
        let mut h = PartHeader::new(set, Framing::Raw, None, BS, 1 << 20, "2026-11-27T00:00:00Z".into());
        h.part = part;
        h
    }

    /// A data file at end of data: header block and `blocks` data blocks, then (if `close`) a
    /// filemark. Returns the header and where it went.
    fn write_data(d: &mut dyn TapeDevice, set: Uuid, part: u32, blocks: usize, close: bool) -> PartRecord {
        let at = d.position().unwrap();
        let h = header(set, part);
        d.write_block(&h.encode(at.file).unwrap()).unwrap();
        for i in 0..blocks {
            d.write_block(&vec![i as u8; BS as usize]).unwrap();
        }
        if close {
            d.write_filemarks(1, true).unwrap();
        }
        PartRecord { header: h, data_file: at.file.unwrap(), first_block: at.block }
    }

    /// The index blocks of a part with one frame and `files` file records.
    fn index_blocks(part: &PartRecord, files: u64, status: EndStatus, bs: usize) -> Vec<Vec<u8>> {
        let mut w = IndexWriter::new(bs, 3).unwrap();
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
                blake3: Some(*blake3::hash(&i.to_le_bytes()).as_bytes()),
                frame: 0,
                offset: i * 512,
                frame_block: None,
            })
            .unwrap();
            blocks.extend(std::iter::from_fn(|| w.pop_block()));
        }
        blocks.extend(w.finish(status, 3 * BS as u64).unwrap());
        blocks
    }

    fn write_blocks(d: &mut dyn TapeDevice, blocks: &[Vec<u8>], close: bool) {
        for b in blocks {
            d.write_block(b).unwrap();
        }
        if close {
            d.write_filemarks(1, true).unwrap();
        }
    }

    /// A whole part: data file and index, each closed by its filemark.
    fn write_part(d: &mut dyn TapeDevice, set: Uuid, part: u32, status: EndStatus) {
        let rec = write_data(d, set, part, 3, true);
        write_blocks(d, &index_blocks(&rec, 2, status, BS as usize), true);
    }

    fn eod(d: &mut dyn TapeDevice) -> u64 {
        d.space(Space::EndOfData).unwrap();
        d.position().unwrap().block
    }

    fn unrecognised(r: Result<AppendPoint, AppendError>) -> (u64, String) {
        match r {
            Err(AppendError::Unrecognised { file, reason }) => (file, reason),
            other => panic!("expected Unrecognised, got {other:?}"),
        }
    }

    #[test]
    fn label_only_is_a_blank_labelled_tape() {
        let tmp = tempfile::tempdir().unwrap();
        let mut d = labelled(tmp.path());
        d.rewind().unwrap();
        let p = find_append_point(&mut d).unwrap();
        assert_eq!(p, AppendPoint { file: 1, block: 2, last: LastFile::Label });
        assert_eq!(d.position().unwrap(), Position { block: 2, file: Some(1) });
    }

    #[test]
    fn complete_index_is_found_after_one_and_two_parts() {
        let tmp = tempfile::tempdir().unwrap();
        let mut d = labelled(tmp.path());
        let (s1, s2) = (Uuid::new_v4(), Uuid::new_v4());
        write_part(&mut d, s1, 1, EndStatus::Complete);
        let end = eod(&mut d);
        d.rewind().unwrap();
        let p = find_append_point(&mut d).unwrap();
        assert_eq!(
            p,
            AppendPoint {
                file: 3,
                block: end,
                last: LastFile::Index { set_uuid: s1, part: 1, status: EndStatus::Complete }
            }
        );
        assert_eq!(d.position().unwrap(), Position { block: end, file: Some(3) });

        write_part(&mut d, s2, 4, EndStatus::Continued);
        let end = eod(&mut d);
        let p = find_append_point(&mut d).unwrap();
        assert_eq!(
            p,
            AppendPoint {
                file: 5,
                block: end,
                last: LastFile::Index { set_uuid: s2, part: 4, status: EndStatus::Continued }
            }
        );
    }

    #[test]
    fn an_index_of_many_blocks_is_read_whole() {
        let tmp = tempfile::tempdir().unwrap();
        let mut d = labelled(tmp.path());
        let set = Uuid::new_v4();
        let rec = write_data(&mut d, set, 1, 1, true);
        let blocks = index_blocks(&rec, 20_000, EndStatus::Complete, 512);
        assert!(blocks.len() > 50, "{} blocks", blocks.len());
        write_blocks(&mut d, &blocks, true);
        let p = find_append_point(&mut d).unwrap();
        assert_eq!(p.last, LastFile::Index { set_uuid: set, part: 1, status: EndStatus::Complete });
        assert_eq!(p.block, 2 + 3 + blocks.len() as u64 + 1);

        // Over the limit: refused rather than read into memory.
        let total: usize = blocks.iter().map(Vec::len).sum();
        let (file, reason) = unrecognised(find_with_limit(&mut d, total - 1));
        assert_eq!(file, 2);
        assert!(reason.contains("too many for an index"), "{reason}");
        assert_eq!(find_with_limit(&mut d, total).unwrap(), p);
    }

    #[test]
    fn data_without_index_is_cut_data() {
        let tmp = tempfile::tempdir().unwrap();
        let mut d = labelled(tmp.path());
        write_part(&mut d, Uuid::new_v4(), 1, EndStatus::Complete);
        let set = Uuid::new_v4();
        write_data(&mut d, set, 1, 3, true);
        let end = eod(&mut d);
        let p = find_append_point(&mut d).unwrap();
        assert_eq!(p, AppendPoint { file: 4, block: end, last: LastFile::CutData { set_uuid: Some(set) } });

        // A header whose magic line is ours but whose JSON is damaged.
        let tmp = tempfile::tempdir().unwrap();
        let mut d = labelled(tmp.path());
        d.write_block(b"TAPEBACKARR-PART v1\n{\"format\":\"tapeback").unwrap();
        d.write_filemarks(1, true).unwrap();
        assert_eq!(find_append_point(&mut d).unwrap().last, LastFile::CutData { set_uuid: None });
    }

    #[test]
    fn a_missing_final_filemark_is_unterminated() {
        // Cut off in the first data file.
        let tmp = tempfile::tempdir().unwrap();
        let mut d = labelled(tmp.path());
        write_data(&mut d, Uuid::new_v4(), 1, 3, false);
        match find_append_point(&mut d) {
            Err(AppendError::Unterminated { file: 1, block: 6 }) => {}
            other => panic!("{other:?}"),
        }

        // Cut off while writing the second part's index.
        let tmp = tempfile::tempdir().unwrap();
        let mut d = labelled(tmp.path());
        write_part(&mut d, Uuid::new_v4(), 1, EndStatus::Complete);
        let rec = write_data(&mut d, Uuid::new_v4(), 1, 2, true);
        write_blocks(&mut d, &index_blocks(&rec, 2, EndStatus::Complete, 64)[..2], false);
        let end = eod(&mut d);
        match find_append_point(&mut d) {
            Err(AppendError::Unterminated { file: 4, block }) => assert_eq!(block, end),
            other => panic!("{other:?}"),
        }

        // Only the label block, its filemark never written.
        let tmp = tempfile::tempdir().unwrap();
        let mut d = drive(tmp.path());
        let label = TapeLabel::new("u".into(), "L".into(), None, "p".into(), "2026-11-27T00:00:00Z".into());
        d.write_block(&label.encode()).unwrap();
        assert!(matches!(find_append_point(&mut d), Err(AppendError::Unterminated { file: 0, block: 1 })));
    }

    #[test]
    fn garbage_damage_and_foreign_data_are_refused() {
        // An index file of garbage bytes.
        let tmp = tempfile::tempdir().unwrap();
        let mut d = labelled(tmp.path());
        write_data(&mut d, Uuid::new_v4(), 1, 2, true);
        write_blocks(&mut d, &[vec![0xa5; 4096], vec![0x5a; 100]], true);
        let (file, reason) = unrecognised(find_append_point(&mut d));
        assert_eq!(file, 2);
        assert!(reason.contains("neither a part header nor a complete index"), "{reason}");

        // A valid index stream cut short, yet followed by a filemark: a part whose index was
        // cut off by a crash. Appending after it is allowed, and says so.
        let tmp = tempfile::tempdir().unwrap();
        let mut d = labelled(tmp.path());
        let set = Uuid::new_v4();
        let rec = write_data(&mut d, set, 1, 2, true);
        let blocks = index_blocks(&rec, 50, EndStatus::Complete, 256);
        write_blocks(&mut d, &blocks[..blocks.len() - 1], true);
        let at = find_append_point(&mut d).unwrap();
        assert_eq!(at.file, 3);
        match at.last {
            LastFile::CutIndex { set_uuid, reason } => {
                assert_eq!(set_uuid, set);
                assert!(reason.contains("incomplete index"), "{reason}");
            }
            other => panic!("expected CutIndex, got {other:?}"),
        }
        // The same cut index after something that is not our data file is refused.
        let tmp = tempfile::tempdir().unwrap();
        let mut d = labelled(tmp.path());
        write_blocks(&mut d, &[b"not ours".to_vec()], true);
        write_blocks(&mut d, &blocks[..blocks.len() - 1], true);
        assert_eq!(unrecognised(find_append_point(&mut d)).0, 2);

        // Another program's file right after the label.
        let tmp = tempfile::tempdir().unwrap();
        let mut d = labelled(tmp.path());
        write_blocks(&mut d, &[b"ustar\0 not ours".to_vec()], true);
        assert_eq!(unrecognised(find_append_point(&mut d)).0, 1);

        // An empty tape file (two filemarks in a row).
        let tmp = tempfile::tempdir().unwrap();
        let mut d = labelled(tmp.path());
        write_part(&mut d, Uuid::new_v4(), 1, EndStatus::Complete);
        d.write_filemarks(1, true).unwrap();
        let (file, reason) = unrecognised(find_append_point(&mut d));
        assert_eq!(file, 3);
        assert!(reason.contains("empty"), "{reason}");

        // A part header from a newer TapeBackarr.
        let tmp = tempfile::tempdir().unwrap();
        let mut d = labelled(tmp.path());
        write_blocks(&mut d, &[b"TAPEBACKARR-PART v2\n{}\n".to_vec()], true);
        assert!(unrecognised(find_append_point(&mut d)).1.contains("newer"));

        // A block too large to be ours.
        let tmp = tempfile::tempdir().unwrap();
        let mut d = labelled(tmp.path());
        write_blocks(&mut d, &[vec![0; READ_BUFFER + 1]], true);
        assert!(unrecognised(find_append_point(&mut d)).1.contains("larger than TapeBackarr writes"));

        // A blank tape, and a file 0 that is not just a label.
        let tmp = tempfile::tempdir().unwrap();
        let mut d = drive(tmp.path());
        assert_eq!(unrecognised(find_append_point(&mut d)).0, 0);
        d.write_block(b"not a label").unwrap();
        d.write_filemarks(1, true).unwrap();
        assert!(unrecognised(find_append_point(&mut d)).1.contains("not a label"));
        let tmp = tempfile::tempdir().unwrap();
        let mut d = labelled(tmp.path());
        d.locate(1).unwrap();
        write_blocks(&mut d, &[b"extra".to_vec()], true);
        assert!(unrecognised(find_append_point(&mut d)).1.contains("more than the label"));
    }

    #[test]
    fn a_write_at_the_append_point_appends() {
        let tmp = tempfile::tempdir().unwrap();
        let mut d = labelled(tmp.path());
        let set = Uuid::new_v4();
        write_part(&mut d, set, 1, EndStatus::Complete);
        let before = eod(&mut d);
        d.rewind().unwrap();
        let p = find_append_point(&mut d).unwrap();
        assert!(d.status().unwrap().eod);
        let next = Uuid::new_v4();
        let block = header(next, 1).encode(Some(p.file)).unwrap();
        d.write_block(&block).unwrap();
        d.write_filemarks(1, true).unwrap();

        // Everything before is intact, and the new block is the first of file `p.file`.
        assert_eq!(eod(&mut d), before + 2);
        d.rewind().unwrap();
        let mut buf = vec![0u8; READ_BUFFER];
        let mut layout = Vec::new();
        loop {
            match d.read_block(&mut buf).unwrap() {
                ReadOutcome::Block(n) => layout.push(Some(buf[..n].to_vec())),
                ReadOutcome::Filemark => layout.push(None),
                ReadOutcome::EndOfData => break,
            }
        }
        let marks: Vec<usize> = (0..layout.len()).filter(|&i| layout[i].is_none()).collect();
        assert_eq!(marks.len(), 4);
        assert_eq!(marks[2] as u64 + 1, p.block);
        assert_eq!(layout[p.block as usize].as_deref(), Some(&block[..]));
        assert_eq!(PartHeader::decode(layout[2].as_ref().unwrap()).unwrap().set_uuid, set);
        // And the tape now ends with a data file without index: a cut-off part.
        let after = find_append_point(&mut d).unwrap();
        assert_eq!(after, AppendPoint { file: 4, block: before + 2, last: LastFile::CutData { set_uuid: Some(next) } });
    }

    /// A catalog backup's data file (header and one block), optionally with its trailer (cut
    /// to its first `trailer_blocks` blocks when given).
    fn write_catalog_backup(d: &mut dyn TapeDevice, trailer_blocks: Option<usize>) -> Uuid {
        let file = d.position().unwrap().file.unwrap();
        let block = d.position().unwrap().block;
        let header = CatalogHeader::example(BS);
        write_blocks(d, &[header.encode(Some(file)), vec![1; BS as usize]], true);
        if let Some(n) = trailer_blocks {
            let frames = (0..300)
                .map(|seq| FrameRecord {
                    seq,
                    block: block + 1,
                    stream_offset: 0,
                    encoded_len: 4096,
                    decoded_len: 100,
                    blake3: *blake3::hash(&seq.to_le_bytes()).as_bytes(),
                })
                .collect();
            let blocks = CatalogTrailer::new(header.clone(), file, block, frames).encode();
            assert!(blocks.len() > 1, "a trailer of {} block(s)", blocks.len());
            write_blocks(d, &blocks[..n.min(blocks.len())], true);
        }
        header.backup_uuid
    }

    #[test]
    fn catalog_backups_are_appended_after_complete_or_cut() {
        let tmp = tempfile::tempdir().unwrap();
        let mut d = labelled(tmp.path());
        write_part(&mut d, Uuid::new_v4(), 1, EndStatus::Complete);
        d.space(Space::EndOfData).unwrap();
        let backup_uuid = write_catalog_backup(&mut d, Some(usize::MAX));
        let p = find_append_point(&mut d).unwrap();
        assert_eq!((p.file, p.last), (5, LastFile::CatalogBackup { backup_uuid }));

        // Its data file alone (stopped at early warning), or with a trailer cut off.
        let backup_uuid = write_catalog_backup(&mut d, None);
        assert_eq!(find_append_point(&mut d).unwrap().last, LastFile::CutCatalogBackup { backup_uuid });
        d.space(Space::EndOfData).unwrap();
        let backup_uuid = write_catalog_backup(&mut d, Some(1));
        let p = find_append_point(&mut d).unwrap();
        assert_eq!((p.file, p.last), (8, LastFile::CutCatalogBackup { backup_uuid }));

        // A part after all that is found by the next append check.
        d.space(Space::EndOfData).unwrap();
        let set = Uuid::new_v4();
        write_part(&mut d, set, 1, EndStatus::Complete);
        let p = find_append_point(&mut d).unwrap();
        assert_eq!(p.last, LastFile::Index { set_uuid: set, part: 1, status: EndStatus::Complete });
    }

    /// The virtual drive, with a position report that lacks the file number (as the st driver's
    /// can be), to exercise counting filemarks.
    struct NoFileNumbers(VirtualDrive);

    impl TapeDevice for NoFileNumbers {
        fn capabilities(&self) -> Capabilities {
            self.0.capabilities()
        }
        fn identity(&mut self) -> TapeResult<Identity> {
            self.0.identity()
        }
        fn status(&mut self) -> TapeResult<DriveStatus> {
            self.0.status()
        }
        fn rewind(&mut self) -> TapeResult<()> {
            self.0.rewind()
        }
        fn read_block(&mut self, buf: &mut [u8]) -> TapeResult<ReadOutcome> {
            self.0.read_block(buf)
        }
        fn write_block(&mut self, data: &[u8]) -> TapeResult<WriteOutcome> {
            self.0.write_block(data)
        }
        fn write_filemarks(&mut self, count: u32, flush: bool) -> TapeResult<()> {
            self.0.write_filemarks(count, flush)
        }
        fn space(&mut self, how: Space) -> TapeResult<()> {
            self.0.space(how)
        }
        fn position(&mut self) -> TapeResult<Position> {
            Ok(Position { file: None, ..self.0.position()? })
        }
        fn locate(&mut self, block: u64) -> TapeResult<()> {
            self.0.locate(block)
        }
        fn erase(&mut self, quick: bool) -> TapeResult<()> {
            self.0.erase(quick)
        }
        fn set_block_size(&mut self, size: u32) -> TapeResult<()> {
            self.0.set_block_size(size)
        }
        fn set_compression(&mut self, on: bool) -> TapeResult<()> {
            self.0.set_compression(on)
        }
        fn load(&mut self) -> TapeResult<()> {
            self.0.load()
        }
        fn unload(&mut self) -> TapeResult<()> {
            self.0.unload()
        }
    }

    #[test]
    fn file_numbers_are_counted_when_the_drive_does_not_know_them() {
        let tmp = tempfile::tempdir().unwrap();
        let mut d = NoFileNumbers(labelled(tmp.path()));
        assert_eq!(find_append_point(&mut d).unwrap(), AppendPoint { file: 1, block: 2, last: LastFile::Label });
        let set = Uuid::new_v4();
        write_part(&mut d.0, set, 1, EndStatus::Complete);
        write_part(&mut d.0, set, 2, EndStatus::Continued);
        let end = eod(&mut d);
        let p = find_append_point(&mut d).unwrap();
        assert_eq!(
            p,
            AppendPoint {
                file: 5,
                block: end,
                last: LastFile::Index { set_uuid: set, part: 2, status: EndStatus::Continued }
            }
        );
        assert_eq!(d.0.position().unwrap(), Position { block: end, file: Some(5) });
        write_data(&mut d.0, set, 3, 1, false);
        assert!(matches!(find_append_point(&mut d), Err(AppendError::Unterminated { file: 5, .. })));
    }
}
