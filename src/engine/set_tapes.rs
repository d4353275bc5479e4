//! The tapes of a set, one after the other, for reading it: restore and verify read a set
//! that spans tapes through [`SetTapes`], which has the tape of the part being read in the
//! drive (fetched from the library, else asked of the [`Env`]'s operator, by [`insert_tape`])
//! and, when one part's data ends, checks the next part's header block and reads on.

use anyhow::Result;
use serde_json::{Value, json};

use super::{Env, device_error};
use crate::catalog::sets::{Part, Set};
use crate::catalog::{Catalog, drives, tapes};
use crate::format::label::{self, DEFAULT_BLOCK_SIZE, TapeContents};
use crate::format::part::PartHeader;
use crate::pipeline::part_reader::{Medium, ReadError};
use crate::tape::read_ahead::ReadAhead;
use crate::tape::{DeviceSpec, ReadOutcome, TapeDevice};

/// A tape nobody could insert: what the operator was told (message and JSON details of the
/// exit-4 error, which name the tape).
pub struct Waiting {
    pub message: String,
    pub details: Value,
}

pub struct SetTapes<'a> {
    env: Env<'a>,
    /// A connection of its own: library moves are recorded while the caller reads entries.
    catalog: Catalog,
    spec: DeviceSpec,
    drive: &'a drives::Drive,
    set_uuid: String,
    parts: Vec<(Part, tapes::Tape)>,
    /// Every tape the job needs, for the operator's prompt.
    needed: Value,
    block_size: usize,
    /// The part whose tape is in the drive, and the drive reading ahead.
    current: Option<(usize, ReadAhead<'static>)>,
    /// The tape that was needed and nobody could insert (exit 4), with what the operator
    /// was told: a run that reads on in pieces saves where it stands and says it.
    waiting_for: Option<Waiting>,
    /// Called once for each part when its tape is first in the drive (verify checks the
    /// part's header and index there), with the drive; parts already seen are marked.
    on_part: Option<PartHook<'a>>,
    seen: Vec<bool>,
    /// Who asks for tapes, for the operator ("the restore").
    who: &'static str,
}

/// See [`SetTapes::on_each_part`].
pub type PartHook<'a> = Box<dyn FnMut(usize, &mut dyn TapeDevice) -> Result<(), ReadError> + 'a>;

impl<'a> SetTapes<'a> {
    /// The parts of `set` with their tapes, in order; `needed` lists every tape the job needs,
    /// for the operator. No tape is asked for until a frame is.
    pub fn new(
        env: Env<'a>,
        spec: DeviceSpec,
        drive: &'a drives::Drive,
        set: &Set,
        parts: Vec<(Part, tapes::Tape)>,
        needed: Value,
    ) -> Result<SetTapes<'a>> {
        let set_uuid = set.uuid.clone().unwrap_or_default();
        let block_size = set.block_size.map_or(DEFAULT_BLOCK_SIZE as usize, |b| b as usize);
        Ok(SetTapes {
            env,
            catalog: env.catalog()?,
            spec,
            drive,
            set_uuid,
            parts,
            needed,
            block_size,
            current: None,
            waiting_for: None,
            on_part: None,
            seen: Vec::new(),
            who: "the restore",
        })
    }

    /// Names who asks for tapes, for the operator ("the verify").
    pub fn asking_as(mut self, who: &'static str) -> SetTapes<'a> {
        self.who = who;
        self
    }

    /// Calls `hook` with the drive the first time each part's tape is in it (before the
    /// reader goes on there), except for parts marked `seen` (done by an earlier run).
    pub fn on_each_part(&mut self, seen: Vec<bool>, hook: PartHook<'a>) {
        self.seen = seen;
        self.on_part = Some(hook);
    }

    /// Puts part `k`'s tape in the drive (the hook sees it, the first time).
    pub fn visit(&mut self, k: usize) -> Result<(), ReadError> {
        self.have_part(k)
    }

    /// Which parts the hook was called for (or were marked seen).
    pub fn seen(&self) -> &[bool] {
        &self.seen
    }

    fn first_visit(&mut self, k: usize, dev: &mut dyn TapeDevice) -> Result<(), ReadError> {
        if let Some(hook) = self.on_part.as_mut() {
            if self.seen.len() < self.parts.len() {
                self.seen.resize(self.parts.len(), false);
            }
            if !self.seen[k] {
                self.seen[k] = true;
                hook(k, dev)?;
            }
        }
        Ok(())
    }

    /// The tape a read stopped for because nobody could insert it.
    pub fn waiting_for(&self) -> Option<&Waiting> {
        self.waiting_for.as_ref()
    }

    /// The set's parts with their tapes.
    pub fn parts(&self) -> &[(Part, tapes::Tape)] {
        &self.parts
    }

    /// Puts part `k`'s tape in the drive, unless it is there already.
    fn have_part(&mut self, k: usize) -> Result<(), ReadError> {
        let tape_id = self.parts[k].1.id;
        if let Some((here, _)) = self.current.as_mut()
            && self.parts[*here].1.id == tape_id
        {
            *here = k;
            let (_, mut ahead) = self.current.take().expect("just seen");
            let visited = self.first_visit(k, &mut ahead);
            self.current = Some((k, ahead));
            return visited;
        }
        // The drive must be closed for the library to move cartridges and for the next open.
        if let Some((_, ahead)) = self.current.take() {
            drop(ahead.into_device());
        }
        let tape = self.parts[k].1.clone();
        if self.parts.len() > 1 {
            self.env.note(|| format!("Part {} of the set is on tape '{}'", self.parts[k].0.part, tape.label));
        }
        let dev = match insert_tape(self.who, &self.env, &mut self.catalog, &self.spec, self.drive, &tape, &self.needed)
        {
            Ok(dev) => dev,
            Err(e) => {
                if super::needs_tape(&e) {
                    let failure = e.chain().find_map(|c| c.downcast_ref::<crate::error::Failure>());
                    self.waiting_for = Some(Waiting {
                        message: failure.map_or_else(|| e.to_string(), |f| f.message.clone()),
                        details: failure.and_then(|f| f.details.clone()).unwrap_or(Value::Null),
                    });
                }
                return Err(ReadError::TapeChange(e));
            }
        };
        self.waiting_for = None;
        let mut dev = dev;
        self.first_visit(k, dev.as_mut())?;
        self.current = Some((k, ReadAhead::owning(dev, self.block_size)));
        Ok(())
    }
}

impl Medium for SetTapes<'_> {
    fn device(&mut self) -> &mut dyn TapeDevice {
        let (_, ahead) = self.current.as_mut().expect("a drive is open between tape changes");
        ahead
    }

    fn frame_tape(&mut self, seq: u64) -> Result<(), ReadError> {
        let k = self
            .parts
            .iter()
            .position(|(p, _)| (p.first_frame as u64..(p.first_frame + p.frame_count) as u64).contains(&seq))
            .ok_or_else(|| ReadError::Damaged { seq, reason: "no part of the set holds this frame".into() })?;
        self.have_part(k)
    }

    fn next_part(&mut self, at: u64) -> Result<bool, ReadError> {
        let Some((here, _)) = &self.current else { return Ok(false) };
        let k = *here + 1;
        let Some((part, _)) = self.parts.get(k) else { return Ok(false) };
        if part.stream_offset as u64 != at {
            return Err(ReadError::Damaged {
                seq: part.first_frame as u64,
                reason: format!(
                    "part {} starts at stream offset {}, the previous part ends at {at}",
                    part.part, part.stream_offset
                ),
            });
        }
        let (number, header_block, seq) = (part.part, part.header_block as u64, part.first_frame as u64);
        self.have_part(k)?;
        // The part's header block must be this set's part `number`, starting where the stream is.
        let dev = self.device();
        dev.locate(header_block)?;
        let mut block = vec![0u8; 2 * self.block_size.max(64 << 10)];
        let header = match self.device().read_block(&mut block)? {
            ReadOutcome::Block(n) => PartHeader::decode(&block[..n])
                .map_err(|e| ReadError::Damaged { seq, reason: format!("part {number}: its header block: {e}") })?,
            other => {
                return Err(ReadError::Damaged {
                    seq,
                    reason: format!("part {number}: no header block at block {header_block} ({other:?})"),
                });
            }
        };
        if header.set_uuid.to_string() != self.set_uuid
            || i64::from(header.part) != number
            || header.stream_offset != at
        {
            return Err(ReadError::Damaged {
                seq,
                reason: format!(
                    "block {header_block} holds part {} of set {} at stream offset {}, not part {number} of this set",
                    header.part, header.set_uuid, header.stream_offset
                ),
            });
        }
        Ok(true)
    }
}

/// Opens the drive with `tape` in it: checks the label's UUID, and asks for the tape (or
/// exits 4 naming it and the others needed) until it is there.
pub fn insert_tape(
    who: &str,
    env: &Env,
    catalog: &mut Catalog,
    spec: &DeviceSpec,
    drive: &drives::Drive,
    tape: &tapes::Tape,
    needed: &Value,
) -> Result<Box<dyn TapeDevice>> {
    let mut from_library = drive.library_id.is_some();
    loop {
        let mut dev = crate::tape::open(spec).map_err(|e| device_error(e, drive))?;
        let status = dev.status().map_err(|e| device_error(e, drive))?;
        let found = if status.loaded {
            match label::read_label(dev.as_mut()).map_err(|e| device_error(e, drive))? {
                TapeContents::Labeled(l) if Some(&l.uuid) == tape.uuid.as_ref() => return Ok(dev),
                TapeContents::Labeled(l) => format!("drive '{}' holds tape '{}'", drive.name, l.label),
                _ => format!("drive '{}' holds a tape without a TapeBackarr label", drive.name),
            }
        } else {
            format!("drive '{}' is empty", drive.name)
        };
        drop(dev);
        // A drive in a library fetches the tape itself, once.
        if from_library {
            from_library = false;
            if let Some(barcode) = &tape.barcode
                && super::library::load_for(env, catalog, drive, barcode)?
            {
                continue;
            }
        }
        let location = tapes::location(catalog.conn(), tape)?;
        let mail = super::library::MailSlot::for_drive(catalog.conn(), drive)?;
        let what = format!("tape '{}'", tape.label);
        let action = match &mail {
            Some(m) => m.action(&what),
            None => format!("insert {what} in drive '{}'", drive.name),
        };
        env.operator.insert_tape(
            drive,
            &format!(
                "{who} needs tape '{}' (barcode {}, {location}); {found}",
                tape.label,
                tape.barcode.as_deref().unwrap_or("-")
            ),
            &action,
            json!({"request": "tape", "drive": drive.name, "wanted": [{"label": tape.label, "barcode": tape.barcode, "location": location}],
                   "tapes": needed, "import_export": mail.as_ref().map(|m| m.json())}),
        )?;
        // The operator may have put it in the library rather than the drive.
        from_library = drive.library_id.is_some();
    }
}
