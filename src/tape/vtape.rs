//! The built-in virtual tape drive (`vtape:DIR`): file-backed, faithful to a real drive in
//! variable-block mode, cheap on disk, fast enough that benchmarks measure the pipeline
//! rather than the emulator, and able to inject the faults real tapes have.
//!
//! A drive is a directory holding `drive.json` (which cartridge is loaded, where the tape is
//! positioned) and, for a standalone drive, a `cartridges/` shelf. A cartridge is a
//! directory of its own:
//!
//! - `meta.json`: barcode, capacity, early-warning zone, write protection, and how many
//!   entries were synced (flushed by a filemark) — the point a power loss falls back to;
//! - `index`: one 16-byte entry per logical object on tape, block or filemark, so logical
//!   block *n* (counted from BOT, filemarks included, as READ POSITION counts) is entry *n*;
//! - `data`: the blocks' bytes back to back. Only what is written takes space: a 1 TB
//!   cartridge holding 1 GB costs 1 GB.
//!
//! Faults come from `DIR/faults.json` or the `TAPEBACKARR_VTAPE_FAULTS` environment variable
//! (JSON, same fields as [`Faults`]), read when the drive is opened; counters are per open.
//!
//! Health: the drive counts what it moved, loaded and failed over its life (in `drive.json`),
//! raises the TapeAlert flags a fault injects, and reports and clears them when its health
//! is read, as a real drive's log page 2Eh does. TapeAlert 20 (clean now) leaves the drive
//! needing cleaning until a cleaning cartridge (barcode `CLN…`) is loaded: the drive then
//! cleans itself and ejects it, as LTO drives do.
//!
//! Unloading a drive of a virtual library ejects the cartridge but leaves it in the drive's
//! element, as a library drive does: it stays there, visible to the changer, until a MOVE
//! MEDIUM takes it out (or a load threads it again). A standalone drive's unload empties it.

use std::fs::{self, File, OpenOptions};
use std::io::{Read, Write};
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::health::{self, Counters, DriveHealth, TapeAlert};
use super::{
    Capabilities, DriveStatus, Identity, Position, ReadOutcome, Result, Space, TapeDevice, TapeError, WriteOutcome,
};

const ENTRY_SIZE: u64 = 16;
const KIND_BLOCK: u32 = 0;
const KIND_FILEMARK: u32 = 1;
/// What a filemark costs in capacity, like the gap a real drive leaves.
const FILEMARK_COST: u64 = 4096;
pub const CARTRIDGE_FORMAT: &str = "tapebackarr-vtape-1";

/// Faults to inject, for tests of everything above this layer.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Faults {
    /// The Nth block write of this open (1-based) fails with a medium error; nothing is written.
    pub fail_write_at: Option<u64>,
    /// The Nth block read of this open (1-based) fails with a medium error.
    pub fail_read_at: Option<u64>,
    /// Logical blocks whose bytes come back damaged (one byte flipped), as a drive without
    /// working ECC would return them.
    pub corrupt_blocks: Vec<u64>,
    /// Logical blocks that cannot be read at all (medium error).
    pub unreadable_blocks: Vec<u64>,
    /// After this many writes (blocks and filemark calls), the drive loses power: everything
    /// not yet synced by a flushing filemark is gone, and every later command fails.
    pub power_loss_after_writes: Option<u64>,
    /// Overrides the cartridge's capacity in bytes (a shrunken tape).
    pub capacity: Option<u64>,
    /// Overrides the cartridge's early-warning zone in bytes (an early warning that comes
    /// early, so tests fill tapes with little data).
    pub early_warning: Option<u64>,
    /// TapeAlert flags (1-64) the drive raises, once per command (process): when the command
    /// first opens the drive. They wait in the drive until its health is read.
    pub tapealert: Vec<u8>,
    /// Raises the `tapealert` flags at the Nth write of an open (blocks and filemark calls,
    /// counted as for `power_loss_after_writes`) instead of when the drive is opened: an alert
    /// in the middle of a backup.
    pub tapealert_at_write: Option<u64>,
}

/// What a virtual drive counts over its life, and the TapeAlert flags it raised and nobody
/// read yet.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct VirtualHealth {
    pub bytes_written: u64,
    pub bytes_read: u64,
    /// Block writes that failed (injected medium errors).
    pub write_errors: u64,
    /// Block reads that failed (injected medium errors).
    pub read_errors: u64,
    /// Cartridges threaded: inserted, or loaded again after an unload.
    pub loads: u64,
    /// Cleaning cartridges loaded.
    pub cleanings: u64,
    /// Raised, not read yet: a health reading returns them and clears them.
    pub alerts: Vec<u8>,
    /// TapeAlert 20 was raised and no cleaning cartridge loaded since.
    pub needs_cleaning: bool,
    /// The process that raised the injected flags last, so that a command raises them once
    /// however many times it opens the drive.
    pub raised_by: Option<u32>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CartridgeMeta {
    pub format: String,
    pub barcode: String,
    pub capacity: u64,
    pub early_warning: u64,
    #[serde(default)]
    pub write_protected: bool,
    /// Index entries known to be on the medium (flushed).
    pub synced: u64,
}

/// Creates a blank cartridge directory. The early-warning zone is the last 5% of the
/// capacity (at least 1 MiB, at most 16 GiB, never over half): writes into it succeed but
/// report early warning, leaving room to close the part (trailer, index) as on a real tape.
pub fn create_cartridge(dir: &Path, barcode: &str, capacity: u64) -> Result<()> {
    if dir.exists() {
        return Err(TapeError::Other(format!("cartridge {} already exists", dir.display())));
    }
    fs::create_dir_all(dir)?;
    File::create(dir.join("index"))?;
    File::create(dir.join("data"))?;
    let meta = CartridgeMeta {
        format: CARTRIDGE_FORMAT.into(),
        barcode: barcode.into(),
        capacity,
        early_warning: (capacity / 20).clamp(1 << 20, 16 << 30).min(capacity / 2),
        write_protected: false,
        synced: 0,
    };
    write_json(&dir.join("meta.json"), &meta)
}

pub fn read_cartridge_meta(dir: &Path) -> Result<CartridgeMeta> {
    let meta: CartridgeMeta = read_json(&dir.join("meta.json"))?;
    if meta.format != CARTRIDGE_FORMAT {
        return Err(TapeError::Other(format!("{}: unknown cartridge format {:?}", dir.display(), meta.format)));
    }
    Ok(meta)
}

/// Sets or clears a cartridge's write-protect tab.
pub fn set_write_protected(dir: &Path, on: bool) -> Result<()> {
    let mut meta = read_cartridge_meta(dir)?;
    meta.write_protected = on;
    write_json(&dir.join("meta.json"), &meta)
}

/// The drive's own state, kept between commands like a real drive keeps its position.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct DriveState {
    /// Absolute path of the loaded cartridge directory.
    pub cartridge: Option<PathBuf>,
    pub position: u64,
    /// Where cartridges for `load` by name are kept; default `DIR/cartridges`.
    pub shelf: Option<PathBuf>,
    /// Capacity of cartridges created on this drive's shelf by `insert`.
    pub default_capacity: Option<u64>,
    pub serial: String,
    pub compression: bool,
    /// The cartridge is in the drive but unloaded: in a library it stays in the drive's
    /// element until the robot takes it.
    pub ejected: bool,
    pub health: VirtualHealth,
}

#[derive(Debug, Clone, Copy)]
struct Entry {
    offset: u64,
    len: u32,
    kind: u32,
}

struct Loaded {
    dir: PathBuf,
    meta: CartridgeMeta,
    entries: Vec<Entry>,
    /// Logical blocks of the filemarks, ascending: file numbers and the capacity a filemark
    /// costs come from here, not from a scan of every entry on each write.
    filemarks: Vec<u64>,
    index: File,
    data: File,
}

impl Loaded {
    fn open(dir: &Path) -> Result<Loaded> {
        let mut meta = read_cartridge_meta(dir)?;
        let mut index = OpenOptions::new().read(true).write(true).open(dir.join("index"))?;
        let data = OpenOptions::new().read(true).write(true).open(dir.join("data"))?;
        let mut raw = Vec::new();
        index.read_to_end(&mut raw)?;
        // A torn last entry (crash mid-append) is not on tape.
        let whole = raw.len() / ENTRY_SIZE as usize;
        let mut entries: Vec<Entry> = raw
            .chunks_exact(ENTRY_SIZE as usize)
            .map(|e| Entry {
                offset: u64::from_le_bytes(e[0..8].try_into().unwrap()),
                len: u32::from_le_bytes(e[8..12].try_into().unwrap()),
                kind: u32::from_le_bytes(e[12..16].try_into().unwrap()),
            })
            .collect();
        // Entries whose data never reached the file are not on tape either.
        let data_len = data.metadata()?.len();
        while entries.last().is_some_and(|e| e.offset + e.len as u64 > data_len) {
            entries.pop();
        }
        meta.synced = meta.synced.min(entries.len() as u64);
        let filemarks = (0..entries.len() as u64).filter(|&i| entries[i as usize].kind == KIND_FILEMARK).collect();
        let mut loaded = Loaded { dir: dir.to_path_buf(), meta, entries, filemarks, index, data };
        if whole as u64 != loaded.entries.len() as u64 || raw.len() % ENTRY_SIZE as usize != 0 {
            loaded.truncate(loaded.entries.len() as u64)?;
        }
        Ok(loaded)
    }

    fn end_offset(&self, upto: u64) -> u64 {
        match upto.checked_sub(1).and_then(|i| self.entries.get(i as usize)) {
            Some(e) => e.offset + e.len as u64,
            None => 0,
        }
    }

    fn used(&self) -> u64 {
        self.end_offset(self.entries.len() as u64) + self.filemarks.len() as u64 * FILEMARK_COST
    }

    /// Drops every entry from `at` on: writing anywhere ends the tape there.
    fn truncate(&mut self, at: u64) -> Result<()> {
        let offset = self.end_offset(at);
        self.entries.truncate(at as usize);
        let keep = self.filemarks.partition_point(|&f| f < at);
        self.filemarks.truncate(keep);
        self.index.set_len(at * ENTRY_SIZE)?;
        self.data.set_len(offset)?;
        if self.meta.synced > at {
            self.meta.synced = at;
            self.save_meta()?;
        }
        Ok(())
    }

    fn append(&mut self, kind: u32, bytes: &[u8]) -> Result<()> {
        let offset = self.end_offset(self.entries.len() as u64);
        self.data.write_all_at(bytes, offset)?;
        let entry = Entry { offset, len: bytes.len() as u32, kind };
        let mut raw = [0u8; ENTRY_SIZE as usize];
        raw[0..8].copy_from_slice(&entry.offset.to_le_bytes());
        raw[8..12].copy_from_slice(&entry.len.to_le_bytes());
        raw[12..16].copy_from_slice(&entry.kind.to_le_bytes());
        self.index.write_all_at(&raw, self.entries.len() as u64 * ENTRY_SIZE)?;
        if kind == KIND_FILEMARK {
            self.filemarks.push(self.entries.len() as u64);
        }
        self.entries.push(entry);
        Ok(())
    }

    /// Filemarks between BOT and logical block `pos`: the file number there.
    fn filemarks_before(&self, pos: u64) -> u64 {
        self.filemarks.partition_point(|&f| f < pos) as u64
    }

    fn sync(&mut self) -> Result<()> {
        self.meta.synced = self.entries.len() as u64;
        self.save_meta()
    }

    fn save_meta(&self) -> Result<()> {
        write_json(&self.dir.join("meta.json"), &self.meta)
    }
}

/// A virtual drive, open for use. Dropping it saves the position.
pub struct VirtualDrive {
    dir: PathBuf,
    state: DriveState,
    tape: Option<Loaded>,
    faults: Faults,
    writes: u64,
    reads: u64,
    powered_off: bool,
}

impl VirtualDrive {
    /// Creates a drive directory (if needed) with a shelf for cartridges.
    pub fn create(dir: &Path, default_capacity: u64) -> Result<()> {
        fs::create_dir_all(dir.join("cartridges"))?;
        let path = dir.join("drive.json");
        let mut state: DriveState = if path.exists() { read_json(&path)? } else { DriveState::default() };
        if state.serial.is_empty() {
            // Unique enough to tell virtual drives apart in listings.
            let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
            state.serial = format!("VT{:08X}", (nanos.as_nanos() as u64 ^ std::process::id() as u64) & 0xffff_ffff);
        }
        state.default_capacity = Some(default_capacity);
        write_json(&path, &state)
    }

    pub fn open(dir: &Path) -> Result<VirtualDrive> {
        let path = dir.join("drive.json");
        if !path.is_file() {
            return Err(TapeError::Other(format!(
                "{} is not a virtual drive (no drive.json): add it with `tapebackarr drive add NAME --device vtape:{}`",
                dir.display(),
                dir.display()
            )));
        }
        let state: DriveState = read_json(&path)?;
        let faults = load_faults(dir)?;
        let mut drive =
            VirtualDrive { dir: dir.to_path_buf(), state, tape: None, faults, writes: 0, reads: 0, powered_off: false };
        if let Some(cart) = drive.state.cartridge.clone() {
            match Loaded::open(&cart) {
                // Ejected: in the drive's element, not threaded.
                Ok(_) if drive.state.ejected => {}
                Ok(t) => {
                    drive.state.position = drive.state.position.min(t.entries.len() as u64);
                    drive.tape = Some(t);
                }
                // The cartridge was removed behind the drive's back: the drive is empty.
                Err(_) => {
                    drive.state.cartridge = None;
                    drive.state.ejected = false;
                }
            }
        }
        if drive.faults.tapealert_at_write.is_none() {
            drive.raise_injected();
        }
        Ok(drive)
    }

    /// Raises the injected TapeAlert flags, unless this process raised them already.
    fn raise_injected(&mut self) {
        let pid = std::process::id();
        if self.faults.tapealert.is_empty() || self.state.health.raised_by == Some(pid) {
            return;
        }
        self.state.health.raised_by = Some(pid);
        for flag in self.faults.tapealert.clone() {
            self.raise(flag);
        }
    }

    /// Raises TapeAlert flag `flag`; 20 (clean now) leaves the drive needing cleaning.
    fn raise(&mut self, flag: u8) {
        let h = &mut self.state.health;
        if !h.alerts.contains(&flag) {
            h.alerts.push(flag);
        }
        if flag == health::CLEAN_NOW {
            h.needs_cleaning = true;
        }
    }

    /// The drive's lifetime counters and pending flags, as kept in `drive.json`.
    pub fn counters(&self) -> &VirtualHealth {
        &self.state.health
    }

    /// Makes `shelf` the place cartridges are loaded from by name (a library's).
    pub fn set_shelf(&mut self, shelf: &Path) -> Result<()> {
        self.state.shelf = Some(shelf.to_path_buf());
        self.save()
    }

    pub fn shelf(&self) -> PathBuf {
        self.state.shelf.clone().unwrap_or_else(|| self.dir.join("cartridges"))
    }

    /// Puts a cartridge into the drive, at BOT. The drive must be empty.
    /// A cleaning cartridge (barcode `CLN…`) cleans the drive, which then ejects it.
    pub fn insert(&mut self, cartridge: &Path) -> Result<()> {
        self.powered()?;
        if self.tape.is_some() || self.state.cartridge.is_some() {
            return Err(TapeError::Other("the drive already holds a cartridge: eject it first".into()));
        }
        self.thread(fs::canonicalize(cartridge)?)?;
        self.save()
    }

    /// Threads `cartridge` (in the drive's element) at BOT. A cleaning cartridge cleans the
    /// drive instead, and is ejected again.
    fn thread(&mut self, cartridge: PathBuf) -> Result<()> {
        let loaded = Loaded::open(&cartridge)?;
        let cleaning = is_cleaning_cartridge(&loaded.meta.barcode);
        self.tape = Some(loaded);
        self.state.cartridge = Some(cartridge);
        self.state.ejected = false;
        self.state.position = 0;
        self.state.health.loads += 1;
        if cleaning {
            let h = &mut self.state.health;
            h.cleanings += 1;
            h.needs_cleaning = false;
            h.alerts.retain(|f| *f != health::CLEAN_NOW && *f != health::CLEAN_PERIODIC);
            self.release();
        }
        Ok(())
    }

    /// The cartridge in the drive's element, loaded or ejected.
    pub fn held(&self) -> Option<&Path> {
        self.state.cartridge.as_deref()
    }

    /// A robot takes the cartridge out of the drive (MOVE MEDIUM from a drive element): the
    /// drive unloads it if it is still threaded, and is empty afterwards.
    pub fn remove(&mut self) -> Result<Option<PathBuf>> {
        self.powered()?;
        self.tape = None;
        self.state.ejected = false;
        self.state.position = 0;
        let taken = self.state.cartridge.take();
        self.save()?;
        Ok(taken)
    }

    /// Unthreads the cartridge. In a library it stays in the drive's element (ejected) until
    /// the robot takes it; a standalone drive hands it back to the operator (empty drive).
    fn release(&mut self) {
        self.tape = None;
        self.state.position = 0;
        if super::vlib::library_of_drive(&self.dir).is_some() {
            self.state.ejected = true;
        } else {
            self.state.cartridge = None;
            self.state.ejected = false;
        }
    }

    /// Inserts the cartridge `name` from the shelf, creating a blank one first if the shelf
    /// has none of that name (a new tape out of its wrapper).
    pub fn insert_named(&mut self, name: &str) -> Result<bool> {
        let path = self.shelf().join(name);
        let created = !path.exists();
        if created {
            create_cartridge(&path, name, self.state.default_capacity.unwrap_or(DEFAULT_CAPACITY))?;
        }
        self.insert(&path)?;
        Ok(created)
    }

    /// The loaded cartridge's directory.
    pub fn cartridge(&self) -> Option<&Path> {
        self.tape.as_ref().map(|t| t.dir.as_path())
    }

    /// Capacity and bytes used of the loaded cartridge.
    pub fn usage(&self) -> Option<(u64, u64)> {
        self.tape.as_ref().map(|t| (self.capacity(t), t.used()))
    }

    fn capacity(&self, t: &Loaded) -> u64 {
        self.faults.capacity.unwrap_or(t.meta.capacity)
    }

    fn save(&self) -> Result<()> {
        write_json(&self.dir.join("drive.json"), &self.state)
    }

    fn powered(&self) -> Result<()> {
        if self.powered_off {
            Err(TapeError::Io(std::io::Error::other("virtual drive lost power (injected fault)")))
        } else {
            Ok(())
        }
    }

    fn loaded(&mut self) -> Result<&mut Loaded> {
        self.powered()?;
        self.tape.as_mut().ok_or(TapeError::NoTape)
    }

    fn writable(&mut self) -> Result<()> {
        if self.loaded()?.meta.write_protected {
            return Err(TapeError::WriteProtected);
        }
        Ok(())
    }

    /// Counts a write and, when the injected moment comes, drops unsynced data and dies.
    fn count_write(&mut self) -> Result<()> {
        self.writes += 1;
        if self.faults.tapealert_at_write == Some(self.writes) {
            self.raise_injected();
        }
        if self.faults.power_loss_after_writes.is_some_and(|n| self.writes > n) {
            let tape = self.tape.as_mut().expect("writes need a tape");
            let synced = tape.meta.synced;
            tape.truncate(synced)?;
            self.powered_off = true;
            return self.powered();
        }
        Ok(())
    }
}

pub const DEFAULT_CAPACITY: u64 = 1 << 30;

impl Drop for VirtualDrive {
    fn drop(&mut self) {
        if !self.powered_off {
            let _ = self.save();
        }
    }
}

impl TapeDevice for VirtualDrive {
    fn capabilities(&self) -> Capabilities {
        Capabilities { locate: true, read_position: true, erase: true, compression_control: true, load_unload: true }
    }

    fn identity(&mut self) -> Result<Identity> {
        Ok(Identity {
            vendor: "TAPEBACKARR".into(),
            model: "VIRTUAL TAPE".into(),
            revision: CARTRIDGE_FORMAT.into(),
            serial: self.state.serial.clone(),
            density: self.tape.as_ref().map(|_| "virtual".into()),
        })
    }

    fn status(&mut self) -> Result<DriveStatus> {
        self.powered()?;
        let position = self.state.position;
        let Some(t) = &self.tape else {
            return Ok(DriveStatus::default());
        };
        let capacity = self.capacity(t);
        let used = t.end_offset(position);
        Ok(DriveStatus {
            loaded: true,
            write_protected: t.meta.write_protected,
            bot: position == 0,
            eod: position == t.entries.len() as u64,
            early_warning: used >= capacity.saturating_sub(self.faults.early_warning.unwrap_or(t.meta.early_warning)),
            block_size: 0,
            position: Some(Position { block: position, file: Some(t.filemarks_before(position)) }),
            cartridge: Some(t.meta.barcode.clone()),
            capacity_bytes: Some(capacity),
        })
    }

    fn rewind(&mut self) -> Result<()> {
        self.loaded()?;
        self.state.position = 0;
        Ok(())
    }

    fn read_block(&mut self, buf: &mut [u8]) -> Result<ReadOutcome> {
        let pos = self.state.position;
        self.reads += 1;
        let nth_read = self.reads;
        let t = self.loaded()?;
        let Some(entry) = t.entries.get(pos as usize).copied() else {
            return Ok(ReadOutcome::EndOfData);
        };
        self.state.position += 1;
        if entry.kind == KIND_FILEMARK {
            return Ok(ReadOutcome::Filemark);
        }
        if self.faults.fail_read_at == Some(nth_read) || self.faults.unreadable_blocks.contains(&pos) {
            self.state.health.read_errors += 1;
            return Err(TapeError::Medium(format!("unrecovered read error at block {pos} (injected)")));
        }
        let len = entry.len as usize;
        if len > buf.len() {
            return Err(TapeError::BlockTooLarge { block_len: len, buffer_len: buf.len() });
        }
        let t = self.tape.as_ref().expect("checked above");
        t.data.read_exact_at(&mut buf[..len], entry.offset)?;
        if self.faults.corrupt_blocks.contains(&pos) && len > 0 {
            buf[len / 2] ^= 0x5a;
        }
        self.state.health.bytes_read += len as u64;
        Ok(ReadOutcome::Block(len))
    }

    fn write_block(&mut self, data: &[u8]) -> Result<WriteOutcome> {
        self.writable()?;
        let pos = self.state.position;
        if self.faults.fail_write_at == Some(self.writes + 1) {
            self.writes += 1;
            self.state.health.write_errors += 1;
            return Err(TapeError::Medium(format!("write error at block {pos} (injected)")));
        }
        let t = self.tape.as_mut().expect("writable checked");
        if pos < t.entries.len() as u64 {
            t.truncate(pos)?;
        }
        let capacity = self.faults.capacity.unwrap_or(t.meta.capacity);
        let used = t.used();
        if used + data.len() as u64 > capacity {
            return Err(TapeError::EndOfMedium);
        }
        t.append(KIND_BLOCK, data)?;
        let zone = self.faults.early_warning.unwrap_or(t.meta.early_warning);
        let early = used + data.len() as u64 >= capacity.saturating_sub(zone);
        self.state.position += 1;
        self.state.health.bytes_written += data.len() as u64;
        self.count_write()?;
        Ok(if early { WriteOutcome::EarlyWarning } else { WriteOutcome::Written })
    }

    fn write_filemarks(&mut self, count: u32, flush: bool) -> Result<()> {
        self.writable()?;
        let pos = self.state.position;
        let t = self.tape.as_mut().expect("writable checked");
        if pos < t.entries.len() as u64 {
            t.truncate(pos)?;
        }
        let capacity = self.faults.capacity.unwrap_or(t.meta.capacity);
        if t.used() + count as u64 * FILEMARK_COST > capacity {
            return Err(TapeError::EndOfMedium);
        }
        for _ in 0..count {
            t.append(KIND_FILEMARK, &[])?;
        }
        self.state.position += count as u64;
        self.count_write()?;
        let t = self.tape.as_mut().expect("still loaded");
        if flush || count == 0 {
            t.sync()?;
        }
        self.save()
    }

    fn space(&mut self, how: Space) -> Result<()> {
        let pos = self.state.position;
        let t = self.loaded()?;
        let end = t.entries.len() as u64;
        let is_fm = |i: u64| t.entries[i as usize].kind == KIND_FILEMARK;
        let (new_pos, outcome) = match how {
            Space::EndOfData => (end, Ok(())),
            Space::Blocks(n) if n >= 0 => {
                let mut p = pos;
                let mut result = Ok(());
                for _ in 0..n {
                    if p >= end {
                        result = Err(TapeError::EndOfData);
                        break;
                    }
                    p += 1;
                    if is_fm(p - 1) {
                        result = Err(TapeError::Filemark);
                        break;
                    }
                }
                (p, result)
            }
            Space::Blocks(n) => {
                let mut p = pos;
                let mut result = Ok(());
                for _ in 0..n.unsigned_abs() {
                    if p == 0 {
                        result = Err(TapeError::BeginningOfTape);
                        break;
                    }
                    p -= 1;
                    if is_fm(p) {
                        result = Err(TapeError::Filemark);
                        break;
                    }
                }
                (p, result)
            }
            // The n-th filemark ahead (or behind), straight from the filemark list.
            Space::Filemarks(0) => (pos, Ok(())),
            Space::Filemarks(n) if n > 0 => {
                let first = t.filemarks.partition_point(|&f| f < pos);
                match t.filemarks.get(first + n as usize - 1) {
                    Some(&f) => (f + 1, Ok(())),
                    None => (end, Err(TapeError::EndOfData)),
                }
            }
            Space::Filemarks(n) => {
                let behind = t.filemarks.partition_point(|&f| f < pos);
                match behind.checked_sub(n.unsigned_abs() as usize) {
                    Some(i) => (t.filemarks[i], Ok(())),
                    None => (0, Err(TapeError::BeginningOfTape)),
                }
            }
        };
        self.state.position = new_pos;
        outcome
    }

    fn position(&mut self) -> Result<Position> {
        let pos = self.state.position;
        let t = self.loaded()?;
        Ok(Position { block: pos, file: Some(t.filemarks_before(pos)) })
    }

    fn locate(&mut self, block: u64) -> Result<()> {
        let end = self.loaded()?.entries.len() as u64;
        if block > end {
            self.state.position = end;
            return Err(TapeError::EndOfData);
        }
        self.state.position = block;
        Ok(())
    }

    fn erase(&mut self, _quick: bool) -> Result<()> {
        self.writable()?;
        let pos = self.state.position;
        let t = self.tape.as_mut().expect("writable checked");
        t.truncate(pos)?;
        t.sync()
    }

    fn set_block_size(&mut self, size: u32) -> Result<()> {
        if size == 0 { Ok(()) } else { Err(TapeError::Unsupported("fixed-block mode on a virtual drive")) }
    }

    fn set_compression(&mut self, on: bool) -> Result<()> {
        self.state.compression = on;
        Ok(())
    }

    /// Threads the cartridge again if it was ejected but is still in the drive's element.
    fn load(&mut self) -> Result<()> {
        self.powered()?;
        if self.tape.is_none()
            && self.state.ejected
            && let Some(cart) = self.state.cartridge.clone()
        {
            self.thread(cart)?;
            self.save()?;
            if self.tape.is_none() {
                // A cleaning cartridge: the drive cleaned itself and ejected it again.
                return Ok(());
            }
        }
        self.loaded()?;
        self.state.position = 0;
        Ok(())
    }

    /// Ejects the cartridge: a library drive keeps it in its element (see the module docs), a
    /// standalone drive is empty afterwards.
    fn unload(&mut self) -> Result<()> {
        self.loaded()?;
        self.release();
        self.save()
    }

    /// The drive's own counters, and the flags raised since the last reading (cleared now).
    fn health(&mut self) -> Result<DriveHealth> {
        self.powered()?;
        let mut flags = std::mem::take(&mut self.state.health.alerts);
        if let Err(e) = self.save() {
            // Not cleared on disk: not cleared at all, so nothing is lost.
            self.state.health.alerts = flags;
            return Err(e);
        }
        flags.sort_unstable();
        flags.dedup();
        let h = &self.state.health;
        Ok(DriveHealth {
            alerts: flags.into_iter().map(TapeAlert::new).collect(),
            counters: Counters {
                bytes_written: Some(h.bytes_written),
                bytes_read: Some(h.bytes_read),
                write_errors: Some(h.write_errors),
                read_errors: Some(h.read_errors),
                corrected_write_errors: None,
                corrected_read_errors: None,
                loads: Some(h.loads),
                cleanings: Some(h.cleanings),
                power_on_hours: None,
                tape_motion_hours: None,
            },
            cleaning_required: h.needs_cleaning,
            volume: None,
            sources: vec!["virtual".into()],
        })
    }
}

/// A cleaning cartridge's barcode starts with `CLN`, the LTO convention a virtual drive
/// recognises one by (a real drive reads it from the cartridge).
pub fn is_cleaning_cartridge(barcode: &str) -> bool {
    barcode.starts_with("CLN")
}

/// The barcode of the cartridge in drive `dir`'s element (threaded or ejected), read from
/// `drive.json` without opening the drive: a changer looks, it does not touch.
pub fn cartridge_in(dir: &Path) -> Result<Option<String>> {
    let state: DriveState = read_json(&dir.join("drive.json"))?;
    Ok(state
        .cartridge
        .filter(|c| c.join("meta.json").is_file())
        .and_then(|c| c.file_name().map(|b| b.to_string_lossy().into_owned())))
}

fn load_faults(dir: &Path) -> Result<Faults> {
    let text = match std::env::var("TAPEBACKARR_VTAPE_FAULTS") {
        Ok(text) if !text.trim().is_empty() => text,
        _ => match fs::read_to_string(dir.join("faults.json")) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Faults::default()),
            Err(e) => return Err(e.into()),
        },
    };
    let faults: Faults =
        serde_json::from_str(&text).map_err(|e| TapeError::Other(format!("bad vtape fault description: {e}")))?;
    if let Some(bad) = faults.tapealert.iter().find(|f| !(1..=64).contains(*f)) {
        return Err(TapeError::Other(format!("bad vtape fault description: TapeAlert flag {bad} is not 1-64")));
    }
    Ok(faults)
}

fn read_json<T: for<'de> Deserialize<'de>>(path: &Path) -> Result<T> {
    let text = fs::read_to_string(path)?;
    serde_json::from_str(&text).map_err(|e| TapeError::Other(format!("{}: {e}", path.display())))
}

/// Writes JSON atomically (temp file + rename), so a crash never leaves half a state file.
fn write_json<T: Serialize>(path: &Path, value: &T) -> Result<()> {
    let tmp = path.with_extension("json.tmp");
    let mut f = File::create(&tmp)?;
    f.write_all(serde_json::to_string_pretty(value).expect("state serializes").as_bytes())?;
    f.write_all(b"\n")?;
    drop(f);
    fs::rename(&tmp, path)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tape::health::Severity;

    fn drive_with_faults(dir: &Path, faults: &str) -> VirtualDrive {
        VirtualDrive::create(dir, 64 << 20).unwrap();
        fs::write(dir.join("faults.json"), faults).unwrap();
        VirtualDrive::open(dir).unwrap()
    }

    #[test]
    fn health_counts_and_raised_flags_clear_on_read() {
        let tmp = tempfile::tempdir().unwrap();
        let mut d = drive_with_faults(tmp.path(), r#"{"tapealert": [20, 3], "fail_write_at": 3}"#);
        d.insert_named("T1").unwrap();
        d.write_block(&[1u8; 1000]).unwrap();
        d.write_block(&[2u8; 500]).unwrap();
        assert!(matches!(d.write_block(&[3u8; 10]), Err(TapeError::Medium(_))));
        d.write_filemarks(1, true).unwrap();
        d.rewind().unwrap();
        let mut buf = vec![0u8; 2000];
        assert_eq!(d.read_block(&mut buf).unwrap(), ReadOutcome::Block(1000));

        let h = d.health().unwrap();
        assert_eq!(h.alerts.iter().map(|a| a.flag).collect::<Vec<_>>(), [3, 20]);
        assert_eq!(h.alerts[1].severity, Severity::Critical);
        assert!(h.cleaning_required);
        let c = &h.counters;
        assert_eq!((c.bytes_written, c.bytes_read), (Some(1500), Some(1000)));
        assert_eq!((c.write_errors, c.read_errors, c.loads, c.cleanings), (Some(1), Some(0), Some(1), Some(0)));
        assert_eq!(h.sources, ["virtual"]);

        // Read once: the flags are gone, the need for cleaning and the counters stay.
        let again = d.health().unwrap();
        assert!(again.alerts.is_empty());
        assert!(again.cleaning_required);
        assert_eq!(again.counters, h.counters);

        // Opened again by the same command: the injected flags are not raised twice, and the
        // counters survived in drive.json.
        drop(d);
        let mut d = VirtualDrive::open(tmp.path()).unwrap();
        let h = d.health().unwrap();
        assert!(h.alerts.is_empty() && h.cleaning_required);
        assert_eq!(h.counters.bytes_written, Some(1500));

        // A cleaning cartridge cleans the drive, which ejects it (standalone: out of the drive).
        d.unload().unwrap();
        d.insert_named("CLN001").unwrap();
        assert!(!d.status().unwrap().loaded);
        assert!(d.held().is_none());
        let h = d.health().unwrap();
        assert!(!h.cleaning_required);
        assert_eq!((h.counters.cleanings, h.counters.loads), (Some(1), Some(2)));
    }

    #[test]
    fn injected_flags_are_checked() {
        let tmp = tempfile::tempdir().unwrap();
        VirtualDrive::create(tmp.path(), 64 << 20).unwrap();
        for bad in [r#"{"tapealert": [0]}"#, r#"{"tapealert": [65]}"#, r#"{"tapealert": "20"}"#] {
            fs::write(tmp.path().join("faults.json"), bad).unwrap();
            let Err(e) = VirtualDrive::open(tmp.path()) else { panic!("{bad} accepted") };
            assert!(e.to_string().starts_with("bad vtape fault description"), "{e}");
        }
    }
}
