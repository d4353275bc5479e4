//! The set being written: the part in progress, the parts closed so far, where every frame
//! went, and the records of entries waiting for their part's index.

use std::fs::File;
use std::io::{BufWriter, Write};

use anyhow::{Context, Result};
use serde_json::Value;
use uuid::Uuid;

use super::Plan;
use crate::catalog::tapes::Tape;
use crate::engine::Env;
use crate::format::append;
use crate::format::index::FileRecord;
use crate::format::part::PartHeader;
use crate::pipeline::archive::Crossing;
use crate::pipeline::part_writer::Stop;

/// The set being written, shared between the main flow and the [`Spanner`] that changes
/// tapes in the middle of the stream.
pub(super) struct Span {
    pub(super) set_id: i64,
    pub(super) execution_id: i64,
    /// The tape the current part goes to, and where on it.
    pub(super) tape: Tape,
    pub(super) at: append::AppendPoint,
    pub(super) header: PartHeader,
    /// Index records of the entries written since the last part closed, until they go into
    /// that part's index and the catalog.
    pub(super) spool: BufWriter<File>,
    /// Where spool files go (the home directory).
    pub(super) home: std::path::PathBuf,
    /// Logical block of every frame written so far: an entry that crossed tapes points at a
    /// frame of an earlier part.
    pub(super) frame_blocks: FrameBlocks,
    /// Parts closed so far, in order.
    pub(super) closed: Vec<ClosedPart>,
    pub(super) spanning_set_id: Option<i64>,
    /// BLAKE3 of the first part's index blocks: the set's checksum.
    pub(super) checksum: Option<String>,
    /// Why a tape change failed, with its exit code (the pipeline only carries a message).
    pub(super) change_error: Option<anyhow::Error>,
    /// The entry being written, as begun (`in_entry` until its record comes), and the path
    /// of the last entry recorded: a cut stream is picked up after whichever came later.
    pub(super) current: Crossing,
    pub(super) in_entry: bool,
    pub(super) last_recorded: Vec<u8>,
    /// Where the end-of-archive blocks start, once the entries are all written.
    pub(super) end_blocks: Option<u64>,
    /// The writer stopped (Ctrl-C, a full tape nobody can change): why, and the execution's
    /// resume state, already committed.
    pub(super) stopped: Option<(Stop, Value)>,
    /// This run continues an earlier one (`backup resume`).
    pub(super) resumed: bool,
    /// A checkpoint of this run is committed: a failure leaves the set resumable from it.
    pub(super) checkpointed: bool,
    /// Files of frames and records a stopped run carried over, which this run writes first:
    /// removed once a part holding them is committed.
    pub(super) carried_files: Vec<std::path::PathBuf>,
}

impl Span {
    /// Puts records of entries into the spool, for the index of the part being written.
    pub(super) fn spool_records(&mut self, records: &[FileRecord]) -> Result<()> {
        for r in records {
            serde_json::to_writer(&mut self.spool, r)?;
            self.spool.write_all(b"\n")?;
        }
        Ok(())
    }

    /// A resumed set: the parts closed before, its spanning row and checksum, and the path
    /// of the last entry recorded; a failure leaves it resumable from where it started.
    pub(super) fn resumed(
        self,
        closed: Vec<ClosedPart>,
        spanning_set_id: Option<i64>,
        checksum: Option<String>,
        last_recorded: Vec<u8>,
    ) -> Span {
        Span { closed, spanning_set_id, checksum, last_recorded, resumed: true, checkpointed: true, ..self }
    }

    /// A set whose next part is about to be written at `at` of `tape`, from frame `first_seq`.
    pub(super) fn new(
        env: &Env,
        set_id: i64,
        execution_id: i64,
        tape: Tape,
        at: append::AppendPoint,
        header: PartHeader,
        first_seq: u64,
    ) -> Result<Span> {
        Ok(Span {
            set_id,
            execution_id,
            tape,
            at,
            header,
            spool: new_spool(env.home)?,
            home: env.home.to_path_buf(),
            frame_blocks: FrameBlocks::from(first_seq),
            closed: Vec::new(),
            spanning_set_id: None,
            checksum: None,
            change_error: None,
            current: Crossing::default(),
            in_entry: false,
            last_recorded: Vec::new(),
            end_blocks: None,
            stopped: None,
            resumed: false,
            checkpointed: false,
            carried_files: Vec::new(),
        })
    }
}

/// Logical blocks of frames by sequence number: those this run wrote (from `first` on), and
/// the one earlier frame a resumed run's cut entry starts in.
pub(super) struct FrameBlocks {
    pub(super) first: u64,
    pub(super) blocks: Vec<u64>,
    pub(super) earlier: Option<(u64, u64)>,
}

impl FrameBlocks {
    pub(super) fn from(first: u64) -> FrameBlocks {
        FrameBlocks { first, blocks: Vec::new(), earlier: None }
    }

    /// The sequence number of the next frame.
    pub(super) fn next(&self) -> u64 {
        self.first + self.blocks.len() as u64
    }

    pub(super) fn push(&mut self, seq: u64, block: u64) {
        debug_assert_eq!(seq, self.next());
        self.blocks.push(block);
    }

    /// Where frame `seq` of an earlier part starts: the one a resumed run's cut entry starts in.
    pub(super) fn set_earlier(&mut self, seq: u64, block: u64) {
        self.earlier = Some((seq, block));
    }

    pub(super) fn get(&self, seq: u64) -> Option<u64> {
        match seq.checked_sub(self.first) {
            Some(i) => self.blocks.get(i as usize).copied(),
            None => self.earlier.filter(|(s, _)| *s == seq).map(|(_, b)| b),
        }
    }
}

/// What a part left on tape.
pub(super) struct ClosedPart {
    pub(super) part: u32,
    pub(super) tape_id: i64,
    pub(super) label: String,
    pub(super) data_file: u64,
    pub(super) header_block: u64,
    pub(super) end_block: u64,
    pub(super) stream_bytes: u64,
    /// Header, frames and index.
    pub(super) tape_bytes: u64,
    pub(super) entries: u64,
    pub(super) early_warning: bool,
}

/// The header of a part of set `set_uuid` written by `plan` (the first part; a resumed run
/// sets the part number and stream offset).
pub(super) fn part_header(plan: &Plan, set_uuid: Uuid, block_size: u32) -> PartHeader {
    let mut header = PartHeader::new(
        set_uuid,
        plan.framing,
        plan.key.as_ref().map(|(k, _)| k.fingerprint.clone()),
        block_size,
        plan.frame_size as u32,
        chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
    );
    header.job = plan.job.name.clone();
    header.source = plan.source.name.clone();
    header.backup_type = plan.backup_type;
    header.parent_set_uuid = plan.parent.as_ref().and_then(|(s, _)| s.uuid.as_deref()).and_then(|u| u.parse().ok());
    header
}

pub(super) fn new_spool(home: &std::path::Path) -> Result<BufWriter<File>> {
    let f = tempfile::tempfile_in(home).context("cannot create a spool file in the home directory")?;
    Ok(BufWriter::with_capacity(1 << 20, f))
}

#[cfg(test)]
mod tests {
    use super::FrameBlocks;

    /// Where each frame went, as an index record of an entry that crossed tapes needs it.
    #[test]
    fn frame_blocks_name_this_runs_frames_and_the_one_earlier_frame() {
        let mut f = FrameBlocks::from(10);
        assert_eq!(f.next(), 10);
        f.push(10, 2);
        f.push(11, 34);
        assert_eq!((f.get(10), f.get(11), f.get(12), f.next()), (Some(2), Some(34), None, 12));
        // A resumed run's cut entry starts in frame 9 of an earlier part: only that one is known.
        assert_eq!(f.get(9), None);
        f.set_earlier(9, 900);
        assert_eq!((f.get(9), f.get(8)), (Some(900), None));
    }
}
