//! The built-in virtual tape library (`vlib:DIR`): storage slots, import/export slots and
//! virtual drives around one shelf of cartridges, with the MOVE MEDIUM rules of a SCSI
//! changer (source empty, destination full, no such element).
//!
//! Layout: `DIR/library.json` (which barcode sits in which slot), `DIR/cartridges/BARCODE/`
//! (virtual cartridges), `DIR/drives/N/` (virtual drives, usable as `vtape:DIR/drives/N`).
//! What a drive element holds is what its drive's `drive.json` says, threaded or ejected:
//! a drive that unloads keeps the cartridge in its element until a move takes it out.

use std::fs;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::vtape::{self, VirtualDrive};
use super::{Result, TapeError};

pub const LIBRARY_FORMAT: &str = "tapebackarr-vlib-1";

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LibraryState {
    pub format: String,
    /// Storage slots, numbered from 1.
    pub slots: Vec<Option<String>>,
    /// Import/export (mail) slots, numbered from 1.
    pub import_export: Vec<Option<String>>,
    pub drives: usize,
    /// Per drive, the element its cartridge was moved in from, as SMC changers report it
    /// (SVALID + SOURCE STORAGE ELEMENT ADDRESS): where "return it home" puts it back.
    /// Missing in libraries written before it existed.
    #[serde(default)]
    pub drive_sources: Vec<Option<Element>>,
}

/// An element of the library, as a changer addresses it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", content = "number", rename_all = "snake_case")]
pub enum Element {
    Slot(usize),
    ImportExport(usize),
    Drive(usize),
}

impl std::fmt::Display for Element {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Element::Slot(n) => write!(f, "slot {n}"),
            Element::ImportExport(n) => write!(f, "import/export slot {n}"),
            Element::Drive(n) => write!(f, "drive {n}"),
        }
    }
}

/// Why a move was refused (the SMC sense each corresponds to is in parentheses).
#[derive(Debug, thiserror::Error)]
pub enum MoveError {
    #[error("{0} is empty (medium source element empty)")]
    SourceEmpty(Element),
    #[error("{0} is full (medium destination element full)")]
    DestinationFull(Element),
    #[error("the library has no {0} (invalid element address)")]
    NoSuchElement(Element),
    #[error(transparent)]
    Tape(#[from] TapeError),
}

/// The library a virtual drive belongs to (its directory is `LIBRARY/drives/N`), and N.
pub fn library_of_drive(drive_dir: &Path) -> Option<(VirtualLibrary, usize)> {
    let n: usize = drive_dir.file_name()?.to_str()?.parse().ok()?;
    let drives = drive_dir.parent()?;
    if drives.file_name()? != "drives" {
        return None;
    }
    let lib = VirtualLibrary::open(drives.parent()?).ok()?;
    (n < lib.state.drives).then_some((lib, n))
}

pub struct VirtualLibrary {
    dir: PathBuf,
    pub state: LibraryState,
}

impl VirtualLibrary {
    /// Creates a library with `slots` storage slots, `ie` import/export slots and `drives`
    /// drives, and fills the first slots with blank cartridges named by `barcodes`.
    pub fn create(
        dir: &Path,
        slots: usize,
        ie: usize,
        drives: usize,
        barcodes: &[String],
        capacity: u64,
    ) -> Result<Self> {
        if dir.join("library.json").exists() {
            return Err(TapeError::Other(format!("{} already holds a virtual library", dir.display())));
        }
        if barcodes.len() > slots {
            return Err(TapeError::Other(format!("{} cartridges do not fit in {slots} slots", barcodes.len())));
        }
        fs::create_dir_all(dir.join("cartridges"))?;
        let dir = fs::canonicalize(dir)?;
        for n in 0..drives {
            let drive_dir = dir.join("drives").join(n.to_string());
            VirtualDrive::create(&drive_dir, capacity)?;
            let mut drive = VirtualDrive::open(&drive_dir)?;
            drive.set_shelf(&dir.join("cartridges"))?;
        }
        let mut state = LibraryState {
            format: LIBRARY_FORMAT.into(),
            slots: vec![None; slots],
            import_export: vec![None; ie],
            drives,
            drive_sources: vec![None; drives],
        };
        for (slot, barcode) in state.slots.iter_mut().zip(barcodes) {
            vtape::create_cartridge(&dir.join("cartridges").join(barcode), barcode, capacity)?;
            *slot = Some(barcode.clone());
        }
        let lib = VirtualLibrary { dir, state };
        lib.save()?;
        Ok(lib)
    }

    pub fn open(dir: &Path) -> Result<Self> {
        let text = fs::read_to_string(dir.join("library.json"))
            .map_err(|e| TapeError::Other(format!("{} is not a virtual library: {e}", dir.display())))?;
        let state: LibraryState =
            serde_json::from_str(&text).map_err(|e| TapeError::Other(format!("{}: {e}", dir.display())))?;
        if state.format != LIBRARY_FORMAT {
            return Err(TapeError::Other(format!("{}: unknown library format {:?}", dir.display(), state.format)));
        }
        Ok(VirtualLibrary { dir: fs::canonicalize(dir)?, state })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn drive_dir(&self, n: usize) -> PathBuf {
        self.dir.join("drives").join(n.to_string())
    }

    /// Puts a new blank cartridge into an import/export slot (an operator at the mail slot).
    pub fn add_cartridge(&mut self, barcode: &str, capacity: u64) -> Result<Element> {
        if self.find(barcode)?.is_some() || self.dir.join("cartridges").join(barcode).exists() {
            return Err(TapeError::Other(format!("a cartridge with barcode {barcode} already exists")));
        }
        let Some(n) = self.state.import_export.iter().position(Option::is_none) else {
            return Err(TapeError::Other(format!(
                "no free import/export slot ({} in this library)",
                self.state.import_export.len()
            )));
        };
        vtape::create_cartridge(&self.dir.join("cartridges").join(barcode), barcode, capacity)?;
        self.state.import_export[n] = Some(barcode.to_string());
        self.save()?;
        Ok(Element::ImportExport(n + 1))
    }

    /// What an element holds (a barcode), or an error for an element the library lacks.
    /// The operator takes cartridge `barcode` out of its import/export slot, onto the shelf
    /// (the cartridge's file stays in `cartridges/`, in no element). Returns the slot.
    pub fn take_out(&mut self, barcode: &str) -> Result<Element> {
        let Some(n) = self.state.import_export.iter().position(|s| s.as_deref() == Some(barcode)) else {
            return Err(TapeError::Other(format!("{barcode} is in no import/export slot")));
        };
        self.state.import_export[n] = None;
        self.save()?;
        Ok(Element::ImportExport(n + 1))
    }

    /// The operator puts shelf cartridge `barcode` (one of this library's, in no element)
    /// into the first empty import/export slot.
    pub fn put_in(&mut self, barcode: &str) -> Result<Element> {
        if !self.dir.join("cartridges").join(barcode).exists() {
            return Err(TapeError::Other(format!("the library has no cartridge {barcode}")));
        }
        if let Some(e) = self.find(barcode)? {
            return Err(TapeError::Other(format!("{barcode} is in the library already ({e})")));
        }
        let Some(n) = self.state.import_export.iter().position(Option::is_none) else {
            return Err(TapeError::Other("every import/export slot is full".into()));
        };
        self.state.import_export[n] = Some(barcode.to_string());
        self.save()?;
        Ok(Element::ImportExport(n + 1))
    }

    pub fn contents(&self, e: Element) -> Result<Option<String>, MoveError> {
        match e {
            Element::Slot(n) => self.state.slots.get(n.wrapping_sub(1)).cloned().ok_or(MoveError::NoSuchElement(e)),
            Element::ImportExport(n) => {
                self.state.import_export.get(n.wrapping_sub(1)).cloned().ok_or(MoveError::NoSuchElement(e))
            }
            // Threaded or ejected, a cartridge in the drive is in the drive's element.
            Element::Drive(n) if n < self.state.drives => Ok(vtape::cartridge_in(&self.drive_dir(n))?),
            Element::Drive(_) => Err(MoveError::NoSuchElement(e)),
        }
    }

    /// Where the cartridge with this barcode is.
    pub fn find(&self, barcode: &str) -> Result<Option<Element>> {
        for (i, s) in self.state.slots.iter().enumerate() {
            if s.as_deref() == Some(barcode) {
                return Ok(Some(Element::Slot(i + 1)));
            }
        }
        for (i, s) in self.state.import_export.iter().enumerate() {
            if s.as_deref() == Some(barcode) {
                return Ok(Some(Element::ImportExport(i + 1)));
            }
        }
        for n in 0..self.state.drives {
            if self.contents(Element::Drive(n)).map_err(|e| TapeError::Other(e.to_string()))?.as_deref()
                == Some(barcode)
            {
                return Ok(Some(Element::Drive(n)));
            }
        }
        Ok(None)
    }

    /// MOVE MEDIUM: a drive given a cartridge loads it at BOT; a drive giving one up ejects
    /// it first (if it was not ejected already).
    pub fn move_medium(&mut self, from: Element, to: Element) -> Result<(), MoveError> {
        let barcode = self.contents(from)?.ok_or(MoveError::SourceEmpty(from))?;
        if self.contents(to)?.is_some() {
            return Err(MoveError::DestinationFull(to));
        }
        self.set_source(to, Some(from));
        match from {
            Element::Drive(n) => {
                VirtualDrive::open(&self.drive_dir(n))?.remove()?;
                self.set_source(from, None);
            }
            Element::Slot(n) => self.state.slots[n - 1] = None,
            Element::ImportExport(n) => self.state.import_export[n - 1] = None,
        }
        match to {
            Element::Drive(n) => {
                VirtualDrive::open(&self.drive_dir(n))?.insert(&self.dir.join("cartridges").join(&barcode))?
            }
            Element::Slot(n) => self.state.slots[n - 1] = Some(barcode),
            Element::ImportExport(n) => self.state.import_export[n - 1] = Some(barcode),
        }
        self.save()?;
        Ok(())
    }

    /// Where the cartridge in drive `n` came from, when it was moved in by this library.
    pub fn source(&self, n: usize) -> Option<Element> {
        self.state.drive_sources.get(n).copied().flatten()
    }

    fn set_source(&mut self, e: Element, source: Option<Element>) {
        if let Element::Drive(n) = e {
            if self.state.drive_sources.len() < self.state.drives {
                self.state.drive_sources.resize(self.state.drives, None);
            }
            // A cartridge moved from drive to drive keeps the slot it first came from.
            let source = match source {
                Some(Element::Drive(m)) => self.source(m),
                other => other,
            };
            if let Some(s) = self.state.drive_sources.get_mut(n) {
                *s = source;
            }
        }
    }

    /// MOVE MEDIUM of the cartridge `barcode`, wherever it sits, into drive `n`.
    pub fn load_barcode(&mut self, barcode: &str, n: usize) -> Result<Element, MoveError> {
        let from = self
            .find(barcode)?
            .ok_or_else(|| TapeError::Other(format!("the library holds no cartridge with barcode {barcode}")))?;
        self.move_medium(from, Element::Drive(n))?;
        Ok(from)
    }

    /// Ejects drive `n`'s cartridge into the storage slot it came from when that is empty,
    /// else into the first empty storage slot.
    pub fn unload_to_slot(&mut self, n: usize) -> Result<Element, MoveError> {
        let home = match self.source(n) {
            Some(Element::Slot(h)) if self.state.slots.get(h - 1).is_some_and(Option::is_none) => {
                Some(Element::Slot(h))
            }
            _ => None,
        };
        let slot = home
            .or_else(|| self.state.slots.iter().position(Option::is_none).map(|i| Element::Slot(i + 1)))
            .ok_or_else(|| TapeError::Other("every storage slot is full".into()))?;
        self.move_medium(Element::Drive(n), slot)?;
        Ok(slot)
    }

    fn save(&self) -> Result<()> {
        let tmp = self.dir.join("library.json.tmp");
        fs::write(&tmp, serde_json::to_string_pretty(&self.state).expect("state serializes"))?;
        fs::rename(&tmp, self.dir.join("library.json"))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tape::TapeDevice;

    #[test]
    fn moves_follow_changer_rules() {
        let tmp = tempfile::tempdir().unwrap();
        let barcodes: Vec<String> = (1..=3).map(|i| format!("TB{i:04}L8")).collect();
        let mut lib = VirtualLibrary::create(tmp.path(), 4, 1, 1, &barcodes, 1 << 20).unwrap();
        assert_eq!(lib.find("TB0002L8").unwrap(), Some(Element::Slot(2)));
        lib.move_medium(Element::Slot(1), Element::Drive(0)).unwrap();
        assert!(matches!(lib.move_medium(Element::Slot(2), Element::Drive(0)), Err(MoveError::DestinationFull(_))));
        assert!(matches!(lib.move_medium(Element::Slot(4), Element::Slot(1)), Err(MoveError::SourceEmpty(_))));
        assert!(matches!(lib.move_medium(Element::Slot(9), Element::Slot(1)), Err(MoveError::NoSuchElement(_))));
        assert_eq!(lib.find("TB0001L8").unwrap(), Some(Element::Drive(0)));
        let mut drive = VirtualDrive::open(&lib.drive_dir(0)).unwrap();
        assert!(drive.status().unwrap().loaded);
        drive.write_block(b"hello").unwrap();
        drop(drive);
        lib.move_medium(Element::Drive(0), Element::Slot(4)).unwrap();
        assert!(!VirtualDrive::open(&lib.drive_dir(0)).unwrap().status().unwrap().loaded);
        assert_eq!(lib.add_cartridge("NEW001L8", 1 << 20).unwrap(), Element::ImportExport(1));
        // State survives a reopen.
        let lib = VirtualLibrary::open(tmp.path()).unwrap();
        assert_eq!(lib.state.slots[3].as_deref(), Some("TB0001L8"));
        assert_eq!(lib.state.import_export[0].as_deref(), Some("NEW001L8"));
    }

    #[test]
    fn an_unloaded_drive_keeps_its_cartridge_in_the_drive_element() {
        let tmp = tempfile::tempdir().unwrap();
        let barcodes: Vec<String> = (1..=2).map(|i| format!("TB{i:04}L8")).collect();
        let mut lib = VirtualLibrary::create(tmp.path(), 3, 1, 1, &barcodes, 1 << 20).unwrap();
        lib.load_barcode("TB0001L8", 0).unwrap();
        let mut drive = VirtualDrive::open(&lib.drive_dir(0)).unwrap();
        drive.write_block(b"kept").unwrap();
        drive.write_filemarks(1, true).unwrap();
        // The drive's own unload (an interactive tape change does this): ejected, not gone.
        drive.unload().unwrap();
        assert!(!drive.status().unwrap().loaded);
        drop(drive);
        assert_eq!(lib.find("TB0001L8").unwrap(), Some(Element::Drive(0)));
        assert_eq!(lib.contents(Element::Drive(0)).unwrap().as_deref(), Some("TB0001L8"));
        assert!(matches!(lib.move_medium(Element::Slot(2), Element::Drive(0)), Err(MoveError::DestinationFull(_))));
        // A load threads it again, at BOT, with what was written.
        let mut drive = VirtualDrive::open(&lib.drive_dir(0)).unwrap();
        assert!(matches!(drive.read_block(&mut [0u8; 8]), Err(TapeError::NoTape)));
        drive.load().unwrap();
        let mut buf = [0u8; 8];
        assert_eq!(drive.read_block(&mut buf).unwrap(), crate::tape::ReadOutcome::Block(4));
        assert_eq!(&buf[..4], b"kept");
        drive.unload().unwrap();
        drop(drive);
        // The robot takes it out, whether threaded or not.
        lib.move_medium(Element::Drive(0), Element::Slot(1)).unwrap();
        assert_eq!(lib.contents(Element::Drive(0)).unwrap(), None);
        assert_eq!(lib.find("TB0001L8").unwrap(), Some(Element::Slot(1)));
        let lib = VirtualLibrary::open(tmp.path()).unwrap();
        assert_eq!(lib.state.slots[0].as_deref(), Some("TB0001L8"));
    }

    #[test]
    fn a_cleaning_cartridge_cleans_and_is_ejected_into_the_drive_element() {
        let tmp = tempfile::tempdir().unwrap();
        let mut lib = VirtualLibrary::create(tmp.path(), 2, 1, 1, &["TB0001L8".to_string()], 1 << 20).unwrap();
        assert_eq!(lib.add_cartridge("CLN001L1", 1 << 20).unwrap(), Element::ImportExport(1));
        std::fs::write(lib.drive_dir(0).join("faults.json"), r#"{"tapealert": [20]}"#).unwrap();
        drop(VirtualDrive::open(&lib.drive_dir(0)).unwrap()); // raises flag 20
        std::fs::remove_file(lib.drive_dir(0).join("faults.json")).unwrap();
        lib.move_medium(Element::ImportExport(1), Element::Drive(0)).unwrap();
        assert_eq!(lib.contents(Element::Drive(0)).unwrap().as_deref(), Some("CLN001L1"));
        let mut drive = VirtualDrive::open(&lib.drive_dir(0)).unwrap();
        assert!(!drive.status().unwrap().loaded, "ejected after cleaning");
        let h = drive.health().unwrap();
        assert!(!h.cleaning_required);
        assert!(h.alerts.is_empty(), "flag 20 was cleared by the cleaning");
        assert_eq!(h.counters.cleanings, Some(1));
        drop(drive);
        lib.move_medium(Element::Drive(0), Element::ImportExport(1)).unwrap();
        assert_eq!(lib.find("CLN001L1").unwrap(), Some(Element::ImportExport(1)));
    }
}
