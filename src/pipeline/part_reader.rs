//! The read side of a set part: tape blocks in, stream bytes out, starting at any frame.
//!
//! A restore of one file does not read the set: the catalog says which frame holds the
//! file's tar header (and at which logical block that frame starts) and where in the frame's
//! decoded bytes the header is. [`PartReader::open`] LOCATEs there and hands out the stream
//! from that byte on:
//!
//! - **raw** frames are plain consecutive blocks, so the reader goes straight to the block
//!   holding the offset and skips less than one block;
//! - **zstd** and **aead** frames must be decoded whole: the reader reads the frame's blocks
//!   (`frame_extent` tells when it has them all), decodes them, and skips to the offset.
//!
//! Every frame but a set's last holds exactly `frame_size` decoded bytes, so frame `seq`
//! starts at stream offset `seq * frame_size`. A set that spans tapes is read through a
//! [`Medium`], which puts the tape holding a frame in the drive and, at the end of one
//! part's data, moves on to the next part, so the stream reads on across tapes. Damage (a zstd checksum or an AEAD tag that
//! does not match, a short frame) is an error naming the frame; the caller fails the files
//! in it and opens a new reader at the next file it wants.

use std::io::{self, Read};

use uuid::Uuid;

use crate::format::frame::{FrameDecoder, FrameError, Framing, frame_extent, max_encoded_len};
use crate::tape::{ReadOutcome, TapeDevice, TapeError};

/// What the reader needs to know of the set (from the catalog or a part header).
#[derive(Debug, Clone)]
pub struct SetLayout {
    pub framing: Framing,
    pub key: Option<[u8; 32]>,
    pub set_uuid: Uuid,
    pub block_size: usize,
    pub frame_size: usize,
}

#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("tape: {0}")]
    Tape(#[from] TapeError),
    #[error("{0}")]
    Frame(#[from] FrameError),
    #[error("frame {seq}: {reason}")]
    Damaged { seq: u64, reason: String },
    /// The next tape could not be had (not inserted, the wrong one, no operator).
    #[error("{0:#}")]
    TapeChange(anyhow::Error),
}

/// The tapes of a set, for a reader that goes across them.
pub trait Medium {
    /// The drive, with the current part's tape in it.
    fn device(&mut self) -> &mut dyn TapeDevice;
    /// Makes the tape holding frame `seq` the current one (a tape change when it is another).
    fn frame_tape(&mut self, seq: u64) -> Result<(), ReadError>;
    /// The current part's data ended at stream offset `at`: goes to the first data block of
    /// the part that continues the stream there. False when no part does (the set ends).
    fn next_part(&mut self, at: u64) -> Result<bool, ReadError>;
}

/// One tape, or a [`Medium`].
enum Source<'d> {
    Tape(&'d mut dyn TapeDevice),
    Tapes(&'d mut dyn Medium),
}

impl Source<'_> {
    fn dev(&mut self) -> &mut dyn TapeDevice {
        match self {
            Source::Tape(d) => &mut **d,
            Source::Tapes(m) => m.device(),
        }
    }

    fn frame_tape(&mut self, seq: u64) -> Result<(), ReadError> {
        match self {
            Source::Tape(_) => Ok(()),
            Source::Tapes(m) => m.frame_tape(seq),
        }
    }

    fn next_part(&mut self, at: u64) -> Result<bool, ReadError> {
        match self {
            Source::Tape(_) => Ok(false),
            Source::Tapes(m) => m.next_part(at),
        }
    }
}

/// Tape traffic, for restore summaries and the "read only what is needed" benchmark.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ReadStats {
    pub blocks: u64,
    pub bytes: u64,
    pub locates: u64,
}

impl std::ops::AddAssign for ReadStats {
    fn add_assign(&mut self, other: ReadStats) {
        self.blocks += other.blocks;
        self.bytes += other.bytes;
        self.locates += other.locates;
    }
}

pub struct PartReader<'d> {
    source: Source<'d>,
    layout: SetLayout,
    decoder: FrameDecoder,
    /// Decoded bytes not yet handed out are `data[pos..]`.
    data: Vec<u8>,
    pos: usize,
    /// Stream offset of `data[0]`.
    data_offset: u64,
    /// The next frame to read (zstd/aead), or the stream offset of the next raw block.
    next_seq: u64,
    /// A filemark (or end of data) was read: the part's data ends here.
    ended: bool,
    block: Vec<u8>,
    encoded: Vec<u8>,
    stats: ReadStats,
    /// BLAKE3 of the encoded bytes of each frame read whole since the last
    /// [`PartReader::take_frame_hashes`]: `(seq, hash, encoded length)`, for comparing with
    /// the part index.
    frame_hashes: Vec<(u64, [u8; 32], u64)>,
    /// A raw frame being hashed block by block: its seq, hasher and length so far.
    raw_frame: Option<(u64, blake3::Hasher, u64)>,
    /// The tape is where `stream_offset` says: false before the first relocate and after
    /// trouble, so the next [`PartReader::seek`] LOCATEs.
    positioned: bool,
}

impl<'d> PartReader<'d> {
    /// Positions the tape so that the next byte read is byte `offset` of frame `seq`, which
    /// starts at logical block `frame_block`.
    pub fn open(
        dev: &'d mut dyn TapeDevice,
        layout: &SetLayout,
        seq: u64,
        frame_block: u64,
        offset: u64,
    ) -> Result<PartReader<'d>, ReadError> {
        let mut reader = PartReader::new(dev, layout)?;
        reader.relocate(seq, frame_block, offset)?;
        Ok(reader)
    }

    /// A reader of one tape that has not moved it yet: [`PartReader::relocate`] before reading.
    pub fn new(dev: &'d mut dyn TapeDevice, layout: &SetLayout) -> Result<PartReader<'d>, ReadError> {
        PartReader::with_source(Source::Tape(dev), layout)
    }

    /// A reader that goes across the tapes of a set, as `medium` provides them.
    pub fn across(medium: &'d mut dyn Medium, layout: &SetLayout) -> Result<PartReader<'d>, ReadError> {
        PartReader::with_source(Source::Tapes(medium), layout)
    }

    fn with_source(source: Source<'d>, layout: &SetLayout) -> Result<PartReader<'d>, ReadError> {
        let decoder = FrameDecoder::new(layout.framing, layout.key.as_ref(), &layout.set_uuid)?;
        Ok(PartReader {
            source,
            layout: layout.clone(),
            decoder,
            data: Vec::new(),
            pos: 0,
            data_offset: 0,
            next_seq: 0,
            ended: false,
            // Twice the block size: a larger block on tape is an error, not a silent cut.
            block: vec![0u8; layout.block_size * 2],
            encoded: Vec::new(),
            stats: ReadStats::default(),
            frame_hashes: Vec::new(),
            raw_frame: None,
            positioned: false,
        })
    }

    /// Goes to byte `offset` of frame `seq` (at logical block `frame_block`): a LOCATE, then
    /// reading from there. Also the way out after a damaged frame.
    /// Goes to byte `offset` of frame `seq` (at logical block `frame_block`): by reading on
    /// when that is at most `read_on` bytes ahead, which is cheaper than a LOCATE on a real
    /// drive, else by [`PartReader::relocate`].
    pub fn seek(&mut self, seq: u64, frame_block: u64, offset: u64, read_on: u64) -> Result<(), ReadError> {
        let target = seq * self.layout.frame_size as u64 + offset;
        let here = self.stream_offset();
        if self.positioned && here <= target && target - here <= read_on {
            self.skip(target - here).inspect_err(|_| self.positioned = false)
        } else {
            self.relocate(seq, frame_block, offset)
        }
    }

    /// Forgets where the tape is (after damage): the next [`PartReader::seek`] LOCATEs.
    pub fn lose_position(&mut self) {
        self.positioned = false;
    }

    pub fn is_positioned(&self) -> bool {
        self.positioned
    }

    pub fn relocate(&mut self, seq: u64, frame_block: u64, offset: u64) -> Result<(), ReadError> {
        self.positioned = false;
        self.relocate_inner(seq, frame_block, offset)?;
        self.positioned = true;
        Ok(())
    }

    fn relocate_inner(&mut self, seq: u64, frame_block: u64, offset: u64) -> Result<(), ReadError> {
        let frame_start = seq * self.layout.frame_size as u64;
        self.data.clear();
        self.pos = 0;
        self.ended = false;
        self.next_seq = seq;
        self.data_offset = frame_start;
        self.stats.locates += 1;
        self.raw_frame = None;
        self.source.frame_tape(seq)?;
        if self.layout.framing == Framing::Raw {
            let bs = self.layout.block_size as u64;
            let skip_blocks = offset / bs;
            self.source.dev().locate(frame_block + skip_blocks)?;
            self.data_offset = frame_start + skip_blocks * bs;
            self.skip(offset % bs)
        } else {
            self.source.dev().locate(frame_block)?;
            self.skip(offset)
        }
    }

    /// The stream offset of the next byte [`Read::read`] returns.
    pub fn stream_offset(&self) -> u64 {
        self.data_offset + self.pos as u64
    }

    pub fn stats(&self) -> ReadStats {
        self.stats
    }

    /// The frames read whole since the last call, with the BLAKE3 of their bytes on tape.
    pub fn take_frame_hashes(&mut self) -> Vec<(u64, [u8; 32], u64)> {
        std::mem::take(&mut self.frame_hashes)
    }

    fn finish_raw_frame(&mut self) {
        if let Some((seq, hasher, len)) = self.raw_frame.take()
            && len > 0
        {
            self.frame_hashes.push((seq, *hasher.finalize().as_bytes(), len));
        }
    }

    /// Reads and drops `n` bytes (fewer only at the end of the part's data).
    pub fn skip(&mut self, mut n: u64) -> Result<(), ReadError> {
        while n > 0 {
            if self.pos == self.data.len() && !self.fill()? {
                return Ok(());
            }
            let take = n.min((self.data.len() - self.pos) as u64) as usize;
            self.pos += take;
            n -= take as u64;
        }
        Ok(())
    }

    /// Refills `data` with the next block (raw) or frame; false at the end of the set's data
    /// (of the part's, when reading one tape).
    fn fill(&mut self) -> Result<bool, ReadError> {
        loop {
            if self.fill_from_part()? {
                return Ok(true);
            }
            // This part's data file ended: the stream may go on in the next part.
            if !self.source.next_part(self.data_offset)? {
                return Ok(false);
            }
            self.ended = false;
        }
    }

    fn fill_from_part(&mut self) -> Result<bool, ReadError> {
        if self.ended {
            return Ok(false);
        }
        self.data_offset += self.data.len() as u64;
        self.data.clear();
        self.pos = 0;
        if self.layout.framing == Framing::Raw {
            let frame = self.layout.frame_size as u64;
            if self.data_offset.is_multiple_of(frame) {
                self.raw_frame = Some((self.data_offset / frame, blake3::Hasher::new(), 0));
            }
            match self.read_block()? {
                Some(n) => {
                    self.data.extend_from_slice(&self.block[..n]);
                    if let Some((_, hasher, len)) = self.raw_frame.as_mut() {
                        hasher.update(&self.block[..n]);
                        *len += n as u64;
                    }
                    if (self.data_offset + n as u64).is_multiple_of(frame) {
                        self.finish_raw_frame();
                    }
                    Ok(true)
                }
                None => {
                    self.finish_raw_frame();
                    Ok(false)
                }
            }
        } else {
            self.read_frame()
        }
    }

    /// One block into `self.block`; `None` at a filemark or end of data.
    fn read_block(&mut self) -> Result<Option<usize>, ReadError> {
        match self.source.dev().read_block(&mut self.block)? {
            ReadOutcome::Block(n) => {
                self.stats.blocks += 1;
                self.stats.bytes += n as u64;
                Ok(Some(n))
            }
            ReadOutcome::Filemark | ReadOutcome::EndOfData => {
                self.ended = true;
                Ok(None)
            }
        }
    }

    fn read_frame(&mut self) -> Result<bool, ReadError> {
        let seq = self.next_seq;
        let limit = max_encoded_len(self.layout.framing, self.layout.frame_size, self.layout.block_size);
        self.encoded.clear();
        loop {
            let Some(n) = self.read_block()? else {
                if self.encoded.is_empty() {
                    return Ok(false);
                }
                return Err(ReadError::Damaged { seq, reason: "the data file ends inside the frame".into() });
            };
            self.encoded.extend_from_slice(&self.block[..n]);
            if let Some(len) = frame_extent(self.layout.framing, self.layout.block_size, seq, &self.encoded)? {
                if len == self.encoded.len() {
                    break;
                }
                if len < self.encoded.len() {
                    return Err(ReadError::Damaged {
                        seq,
                        reason: format!("the frame is {len} bytes but its blocks hold {}", self.encoded.len()),
                    });
                }
            }
            if self.encoded.len() > limit {
                return Err(ReadError::Damaged { seq, reason: format!("no frame end within {limit} bytes") });
            }
        }
        self.frame_hashes.push((seq, *blake3::hash(&self.encoded).as_bytes(), self.encoded.len() as u64));
        self.decoder.decode(seq, &self.encoded, &mut self.data)?;
        self.next_seq += 1;
        Ok(true)
    }
}

impl Read for PartReader<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.pos == self.data.len() && !self.fill().map_err(io::Error::other)? {
            return Ok(0);
        }
        let n = buf.len().min(self.data.len() - self.pos);
        buf[..n].copy_from_slice(&self.data[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::part_writer::{PartConfig, PartWriter};
    use crate::tape::vtape::VirtualDrive;
    use std::io::Write;

    const BS: usize = 4096;
    const FRAME: usize = 4 * BS;

    fn stream(len: usize) -> Vec<u8> {
        (0..len).map(|i| ((i * 31) ^ (i >> 9)) as u8).collect()
    }

    /// Writes `data` as one part at block 0 of a fresh virtual tape; returns the drive and
    /// the frame records.
    fn write(framing: Framing, data: &[u8]) -> (tempfile::TempDir, Vec<crate::format::index::FrameRecord>) {
        let dir = tempfile::tempdir().unwrap();
        VirtualDrive::create(dir.path(), 64 << 20).unwrap();
        let mut drive = VirtualDrive::open(dir.path()).unwrap();
        drive.insert_named("T00001").unwrap();
        let cfg = PartConfig {
            framing,
            key: Some([9; 32]),
            set_uuid: Uuid::from_bytes([3; 16]),
            block_size: BS,
            frame_size: FRAME,
            workers: 2,
            first_seq: 0,
            stream_offset: 0,
            checkpoint_every: 0,
        };
        let mut w = PartWriter::start(Box::new(drive), cfg).unwrap();
        w.write_all(data).unwrap();
        let mut result = w.finish().unwrap();
        result.dev.write_filemarks(1, true).unwrap();
        (dir, result.frames)
    }

    fn layout(framing: Framing) -> SetLayout {
        SetLayout {
            framing,
            key: Some([9; 32]),
            set_uuid: Uuid::from_bytes([3; 16]),
            block_size: BS,
            frame_size: FRAME,
        }
    }

    #[test]
    fn reads_from_any_offset_in_every_framing() {
        let data = stream(5 * FRAME + 1234);
        for framing in
            [Framing::Raw, Framing::Zstd { level: 1 }, Framing::Aead { zstd: None }, Framing::Aead { zstd: Some(1) }]
        {
            let (dir, frames) = write(framing, &data);
            let mut dev = VirtualDrive::open(dir.path()).unwrap();
            for at in [0usize, 1, BS - 1, BS, FRAME - 1, FRAME, 3 * FRAME + 777, data.len() - 1] {
                let seq = (at / FRAME) as u64;
                let f = &frames[seq as usize];
                let mut r = PartReader::open(&mut dev, &layout(framing), seq, f.block, (at % FRAME) as u64).unwrap();
                assert_eq!(r.stream_offset(), at as u64);
                let mut got = Vec::new();
                r.read_to_end(&mut got).unwrap();
                assert_eq!(got, &data[at..], "{framing:?} from {at}");
            }
        }
    }

    #[test]
    fn frames_read_whole_are_hashed_as_the_index_records_them() {
        let data = stream(3 * FRAME + 999);
        for framing in [Framing::Raw, Framing::Zstd { level: 1 }, Framing::Aead { zstd: None }] {
            let (dir, frames) = write(framing, &data);
            let mut dev = VirtualDrive::open(dir.path()).unwrap();
            let mut r = PartReader::open(&mut dev, &layout(framing), 0, frames[0].block, 0).unwrap();
            std::io::copy(&mut r, &mut std::io::sink()).unwrap();
            let got = r.take_frame_hashes();
            let want: Vec<(u64, [u8; 32], u64)> = frames.iter().map(|f| (f.seq, f.blake3, f.encoded_len)).collect();
            assert_eq!(got, want, "{framing:?}");
            // From the second block of frame 1 on: a raw read starts there, so frame 1 is not
            // read whole; a compressed frame always is.
            let mut r = PartReader::open(&mut dev, &layout(framing), 1, frames[1].block, BS as u64 + 10).unwrap();
            std::io::copy(&mut r, &mut std::io::sink()).unwrap();
            let seqs: Vec<u64> = r.take_frame_hashes().iter().map(|f| f.0).collect();
            let expect = if framing == Framing::Raw { vec![2, 3] } else { vec![1, 2, 3] };
            assert_eq!(seqs, expect, "{framing:?}");
        }
    }

    #[test]
    fn a_raw_read_of_a_small_range_reads_only_its_blocks() {
        let data = stream(8 * FRAME);
        let (dir, frames) = write(Framing::Raw, &data);
        let mut dev = VirtualDrive::open(dir.path()).unwrap();
        let at = 5 * FRAME + 2 * BS + 100;
        let f = &frames[5];
        let mut r = PartReader::open(&mut dev, &layout(Framing::Raw), 5, f.block, (at % FRAME) as u64).unwrap();
        let mut got = vec![0u8; 600];
        r.read_exact(&mut got).unwrap();
        assert_eq!(got, &data[at..at + 600]);
        assert_eq!(r.stats().blocks, 1, "600 bytes inside one block");
    }

    #[test]
    fn a_damaged_frame_is_named() {
        let data = stream(3 * FRAME);
        let (dir, frames) = write(Framing::Zstd { level: 1 }, &data);
        // The drive hands back frame 1's first block with a byte flipped.
        std::fs::write(dir.path().join("faults.json"), format!("{{\"corrupt_blocks\":[{}]}}", frames[1].block))
            .unwrap();
        let mut dev = VirtualDrive::open(dir.path()).unwrap();
        let mut r = PartReader::open(&mut dev, &layout(Framing::Zstd { level: 1 }), 0, frames[0].block, 0).unwrap();
        let mut got = Vec::new();
        let err = r.read_to_end(&mut got).unwrap_err();
        assert!(err.to_string().contains("frame 1"), "{err}");
        assert_eq!(got, &data[..FRAME], "frame 0 came through whole");
    }
}
