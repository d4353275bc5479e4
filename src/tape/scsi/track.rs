//! What the backend knows about the tape when the drive cannot tell it: the position counted
//! from BOT (filemarks included, as READ POSITION counts), where filemarks are, and where end
//! of data is.
//!
//! Knowledge grows from what we do: writes (everything from BOT up to end of data, if we
//! wrote or read our way there contiguously), reads and probes. `mapped_to` is the frontier:
//! every filemark before it is in `filemarks`. Filemarks seen beyond the frontier are kept
//! too, but the blocks between them are unknown.

use std::collections::BTreeSet;

use crate::tape::{Result, TapeError};

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

/// What reading one object with a buffer too small for any block found (a 1-byte READ).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Probe {
    Block,
    Filemark,
    EndOfData,
}

/// A backend that counts its position with a [`Tracker`] because the drive cannot tell it:
/// it can go to a counted position (its LOCATE emulation) and read one object, the tracker
/// following both. The SCSI backend ([`super::ssc`]) and the st backend
/// ([`crate::tape::st`]) share the spacing below, each with its own primitives.
pub(crate) trait Counted {
    fn tracker(&mut self) -> &mut Tracker;
    /// Moves to logical object `target`; past end of data: at end of data, `Err(EndOfData)`.
    fn goto(&mut self, target: u64) -> Result<()>;
    fn probe(&mut self) -> Result<Probe>;
}

/// Over `n` blocks forward from `start`, stopping past a filemark (`Err(Filemark)`) or at end
/// of data (`Err(EndOfData)`); the map where it covers the ground, else 1-object probes.
/// SPACE from the known position `p`, counted: the moves both counting backends share (end
/// of data is each backend's own).
pub(crate) fn space_from<C: Counted + ?Sized>(c: &mut C, p: u64, how: crate::tape::Space) -> Result<()> {
    use crate::tape::Space;
    match how {
        Space::Blocks(0) | Space::Filemarks(0) | Space::EndOfData => Ok(()),
        Space::Blocks(n) if n > 0 => blocks_forward(c, p, n as u64),
        Space::Blocks(n) => blocks_backward(c, p, n.unsigned_abs()),
        Space::Filemarks(n) if n > 0 => filemarks_forward(c, p, n as u64),
        Space::Filemarks(n) => filemarks_backward(c, p, n.unsigned_abs()),
    }
}

pub(crate) fn blocks_forward<C: Counted + ?Sized>(c: &mut C, start: u64, n: u64) -> Result<()> {
    let (mut cur, mut left) = (start, n);
    while left > 0 {
        if cur < c.tracker().mapped_to() {
            let frontier = c.tracker().mapped_to();
            match c.tracker().next_mapped_filemark(cur) {
                Some(f) if f - cur < left => {
                    c.goto(f + 1)?;
                    return Err(TapeError::Filemark);
                }
                _ => {
                    let step = left.min(frontier - cur);
                    cur += step;
                    left -= step;
                }
            }
            continue;
        }
        if c.tracker().eod() == Some(cur) {
            c.goto(cur)?;
            return Err(TapeError::EndOfData);
        }
        c.goto(cur)?;
        match c.probe()? {
            Probe::Block => {
                cur += 1;
                left -= 1;
            }
            Probe::Filemark => return Err(TapeError::Filemark),
            Probe::EndOfData => return Err(TapeError::EndOfData),
        }
    }
    c.goto(cur)
}

/// Over `n` blocks backward, stopping on the BOT side of a filemark (`Err(Filemark)`) or at
/// BOT (`Err(BeginningOfTape)`).
pub(crate) fn blocks_backward<C: Counted + ?Sized>(c: &mut C, start: u64, n: u64) -> Result<()> {
    let (mut cur, mut left) = (start, n);
    while left > 0 {
        if cur == 0 {
            c.goto(0)?;
            return Err(TapeError::BeginningOfTape);
        }
        let x = cur - 1;
        match c.tracker().is_filemark(x) {
            Some(true) => {
                c.goto(x)?;
                return Err(TapeError::Filemark);
            }
            Some(false) if x < c.tracker().mapped_to() => {
                // Known data down to just after the previous filemark (or BOT).
                let floor = c.tracker().prev_filemark_if_mapped(cur).flatten().map_or(0, |f| f + 1);
                let step = left.min(cur - floor);
                cur -= step;
                left -= step;
            }
            _ => {
                c.goto(x)?;
                match c.probe()? {
                    Probe::Block => {
                        cur = x;
                        left -= 1;
                    }
                    Probe::Filemark => {
                        c.goto(x)?;
                        return Err(TapeError::Filemark);
                    }
                    Probe::EndOfData => {
                        c.tracker().pos = None;
                        return Err(TapeError::Other(format!("end of data at block {x}, before the position")));
                    }
                }
            }
        }
    }
    c.goto(cur)
}

/// Over `n` filemarks forward, ending just past the last one.
pub(crate) fn filemarks_forward<C: Counted + ?Sized>(c: &mut C, start: u64, n: u64) -> Result<()> {
    let (mut cur, mut left) = (start, n);
    loop {
        if cur < c.tracker().mapped_to() {
            match c.tracker().next_mapped_filemark(cur) {
                Some(f) => {
                    cur = f + 1;
                    left -= 1;
                    if left == 0 {
                        return c.goto(cur);
                    }
                }
                None => cur = c.tracker().mapped_to(),
            }
            continue;
        }
        if c.tracker().eod() == Some(cur) {
            c.goto(cur)?;
            return Err(TapeError::EndOfData);
        }
        c.goto(cur)?;
        match c.probe()? {
            Probe::Block => cur += 1,
            Probe::Filemark => {
                cur += 1;
                left -= 1;
                if left == 0 {
                    return Ok(());
                }
            }
            Probe::EndOfData => return Err(TapeError::EndOfData),
        }
    }
}

/// Over `n` filemarks backward, ending on the BOT side of the last one.
pub(crate) fn filemarks_backward<C: Counted + ?Sized>(c: &mut C, start: u64, n: u64) -> Result<()> {
    let (mut cur, mut left) = (start, n);
    loop {
        if cur == 0 {
            c.goto(0)?;
            return Err(TapeError::BeginningOfTape);
        }
        if let Some(prev) = c.tracker().prev_filemark_if_mapped(cur) {
            let Some(f) = prev else {
                c.goto(0)?;
                return Err(TapeError::BeginningOfTape);
            };
            left -= 1;
            if left == 0 {
                return c.goto(f);
            }
            cur = f;
            continue;
        }
        let x = cur - 1;
        let filemark = match c.tracker().is_filemark(x) {
            Some(v) => v,
            None => {
                c.goto(x)?;
                match c.probe()? {
                    Probe::Filemark => true,
                    Probe::Block => false,
                    Probe::EndOfData => {
                        c.tracker().pos = None;
                        return Err(TapeError::Other(format!("end of data at block {x}, before the position")));
                    }
                }
            }
        };
        if filemark {
            left -= 1;
            if left == 0 {
                return c.goto(x);
            }
        }
        cur = x;
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
