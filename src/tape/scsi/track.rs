//! What the backend knows about the tape when the drive cannot tell it: the position counted
//! from BOT (filemarks included, as READ POSITION counts), where filemarks are, and where end
//! of data is.
//!
//! Knowledge grows from what we do: writes (everything from BOT up to end of data, if we
//! wrote or read our way there contiguously), reads and probes. `mapped_to` is the frontier:
//! every filemark before it is in `filemarks`. Filemarks seen beyond the frontier are kept
//! too, but the blocks between them are unknown.

use std::collections::BTreeSet;

#[derive(Debug, Clone, Default)]
pub(crate) struct Tracker {
    /// Logical position (next object to read or write); `None` = unknown.
    pub pos: Option<u64>,
    filemarks: BTreeSet<u64>,
    /// All filemarks in `[0, mapped_to)` are in `filemarks`.
    mapped_to: u64,
    /// Position of end of data, where known.
    eod: Option<u64>,
}

impl Tracker {
    /// Nothing known: a new or changed medium, or a reset drive.
    pub fn forget(&mut self) {
        *self = Tracker::default();
    }

    /// A medium just loaded: at BOT, contents unknown.
    pub fn loaded(&mut self) {
        self.forget();
        self.pos = Some(0);
    }

    /// Rewound: at BOT; what we know of the contents stays true.
    pub fn at_bot(&mut self) {
        self.pos = Some(0);
    }

    pub fn eod(&self) -> Option<u64> {
        self.eod
    }

    pub fn mapped_to(&self) -> u64 {
        self.mapped_to
    }

    /// Everything from BOT to end of data is known.
    #[cfg(test)]
    pub fn complete(&self) -> bool {
        self.eod == Some(self.mapped_to)
    }

    /// Whether object `x` is a filemark, if known.
    pub fn is_filemark(&self, x: u64) -> Option<bool> {
        if self.filemarks.contains(&x) {
            Some(true)
        } else if x < self.mapped_to {
            Some(false)
        } else {
            None
        }
    }

    /// The first filemark at or after `from` inside the known region.
    pub fn next_mapped_filemark(&self, from: u64) -> Option<u64> {
        self.filemarks.range(from..self.mapped_to).next().copied()
    }

    /// The last filemark before `before`, where everything before `before` is known.
    pub fn prev_filemark_if_mapped(&self, before: u64) -> Option<Option<u64>> {
        (before <= self.mapped_to).then(|| self.filemarks.range(..before).next_back().copied())
    }

    /// Filemarks before position `pos`, where known.
    pub fn file_at(&self, pos: u64) -> Option<u64> {
        (pos <= self.mapped_to).then(|| self.filemarks.range(..pos).count() as u64)
    }

    fn learn(&mut self, x: u64, filemark: bool) {
        if filemark {
            self.filemarks.insert(x);
        } else {
            self.filemarks.remove(&x);
        }
        if self.eod.is_some_and(|e| x >= e) {
            // The drive found something where we thought the data ended (another initiator
            // wrote?): what we knew past here is stale.
            self.eod = None;
        }
        if x == self.mapped_to {
            self.mapped_to = x + 1;
        }
    }

    /// Object `x` is a filemark.
    pub fn learn_filemark(&mut self, x: u64) {
        self.learn(x, true);
    }

    /// End of data is at `e`.
    pub fn learn_eod(&mut self, e: u64) {
        let _ = self.filemarks.split_off(&e);
        self.mapped_to = self.mapped_to.min(e);
        self.eod = Some(e);
    }

    /// We read (or spaced over) one data block at the current position.
    pub fn passed_block(&mut self) {
        if let Some(p) = self.pos {
            self.learn(p, false);
            self.pos = Some(p + 1);
        }
    }

    /// We read (or spaced over) one filemark at the current position.
    pub fn passed_filemark(&mut self) {
        if let Some(p) = self.pos {
            self.learn(p, true);
            self.pos = Some(p + 1);
        }
    }

    /// A read found end of data at the current position.
    pub fn hit_eod(&mut self) {
        if let Some(p) = self.pos {
            self.learn_eod(p);
        }
    }

    fn truncate_and_append(&mut self, n: u64, filemarks: bool) {
        let Some(p) = self.pos else { return };
        let _ = self.filemarks.split_off(&p);
        if filemarks {
            self.filemarks.extend(p..p + n);
        }
        if self.mapped_to >= p {
            self.mapped_to = p + n;
        }
        self.eod = Some(p + n);
        self.pos = Some(p + n);
    }

    /// We wrote `n` blocks here: everything after them is gone.
    pub fn wrote_blocks(&mut self, n: u64) {
        self.truncate_and_append(n, false);
    }

    /// We wrote `n` filemarks here (0 writes nothing and truncates nothing).
    pub fn wrote_filemarks(&mut self, n: u64) {
        if n > 0 {
            self.truncate_and_append(n, true);
        }
    }

    /// End of data written here (ERASE).
    pub fn erased(&mut self) {
        if let Some(p) = self.pos {
            self.learn_eod(p);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writing_from_bot_maps_everything() {
        let mut t = Tracker::default();
        t.loaded();
        t.wrote_blocks(3);
        t.wrote_filemarks(1);
        t.wrote_blocks(2);
        t.wrote_filemarks(2);
        assert_eq!(t.pos, Some(8));
        assert_eq!(t.eod(), Some(8));
        assert!(t.complete());
        assert_eq!(t.is_filemark(3), Some(true));
        assert_eq!(t.is_filemark(4), Some(false));
        assert_eq!(t.is_filemark(8), None);
        assert_eq!(t.next_mapped_filemark(4), Some(6));
        assert_eq!(t.prev_filemark_if_mapped(6), Some(Some(3)));
        assert_eq!(t.file_at(7), Some(2));
        assert_eq!(t.file_at(8), Some(3));
        // Rewind, move to block 1 and write: blocks 2.. are gone.
        t.at_bot();
        t.pos = Some(1);
        t.wrote_blocks(1);
        assert_eq!(t.eod(), Some(2));
        assert!(t.complete());
        assert_eq!(t.next_mapped_filemark(0), None);
        assert_eq!(t.file_at(2), Some(0));
    }

    #[test]
    fn reading_extends_the_map_only_contiguously() {
        let mut t = Tracker::default();
        t.loaded();
        t.passed_block();
        t.passed_filemark();
        assert_eq!(t.mapped_to(), 2);
        // Jump ahead (a locate): what we read there is remembered, the gap is not known.
        t.pos = Some(10);
        t.passed_filemark();
        assert_eq!(t.mapped_to(), 2);
        assert_eq!(t.is_filemark(10), Some(true));
        assert_eq!(t.is_filemark(5), None);
        assert_eq!(t.prev_filemark_if_mapped(11), None);
        assert_eq!(t.file_at(11), None);
        t.hit_eod();
        assert_eq!(t.eod(), Some(11));
        assert!(!t.complete());
        // A write in the unknown region knows its own end but not the gap.
        t.pos = Some(7);
        t.wrote_blocks(1);
        assert_eq!((t.eod(), t.mapped_to()), (Some(8), 2));
        assert_eq!(t.is_filemark(10), None, "truncated");
    }

    #[test]
    fn unknown_position_learns_nothing() {
        let mut t = Tracker::default();
        t.passed_block();
        t.wrote_blocks(1);
        t.hit_eod();
        assert_eq!((t.pos, t.eod(), t.mapped_to()), (None, None, 0));
        t.loaded();
        t.wrote_filemarks(0);
        assert_eq!(t.eod(), None);
    }

    #[test]
    fn contradictions_drop_stale_end_of_data() {
        let mut t = Tracker::default();
        t.loaded();
        t.learn_eod(3);
        t.pos = Some(3);
        t.passed_block();
        assert_eq!(t.eod(), None);
        t.erased();
        assert_eq!(t.eod(), Some(4));
    }
}
