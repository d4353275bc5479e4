//! Medium changers (tape libraries): one trait, [`Changer`], and its backends, chosen by a
//! changer string.
//!
//! | string | backend |
//! | --- | --- |
//! | `vlib:DIR` | the built-in virtual library ([`super::vlib`]), through [`VlibChanger`] |
//! | `sg:/dev/sgN` | an SMC changer over SG_IO ([`super::scsi::smc`]) |
//! | `iscsi://HOST:PORT/IQN/LUN` | an SMC changer over iSCSI ([`super::scsi::smc`]) |
//!
//! # Element addresses
//! Every element (robot, storage slot, import/export slot, drive) is named by an
//! [`ElementAddress`]: a 16-bit number, as SCSI medium changers number them. An SMC changer's
//! addresses are its own (MODE SENSE page 1Dh says which ranges it uses; tgt: robot 1,
//! import/export 10, drives 500-501, slots 1000-1007). The virtual library has no addresses of
//! its own, so [`VlibChanger`] maps its elements onto a fixed scheme, which is the same layout
//! tgt and many real libraries use:
//!
//! | vlib element | address | range |
//! | --- | --- | --- |
//! | (no robot) | — | — |
//! | `ImportExport(n)`, n from 1 | 10 + (n − 1) | 10-499 (490 elements) |
//! | `Drive(n)`, n from 0 | 500 + n | 500-999 (500 drives) |
//! | `Slot(n)`, n from 1 | 1000 + (n − 1) | 1000-65535 (64536 slots) |
//!
//! The addresses of a given library never change (they depend only on its geometry), so they
//! may be stored.
//!
//! This layer knows nothing of pools, catalogs or jobs: it moves cartridges and reports what
//! is where.

use std::collections::BTreeMap;
use std::fmt;
use std::fs::{File, OpenOptions};
use std::path::{Path, PathBuf};
use std::str::FromStr;

use nix::errno::Errno;
use nix::fcntl::{Flock, FlockArg};
use serde::Serialize;

use super::scsi::iscsi::IscsiUrl;
use super::vlib::{self, Element, MoveError, VirtualLibrary};
use super::{TapeDevice, TapeError};

/// The address of one element of a changer (SMC: ELEMENT ADDRESS).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct ElementAddress(pub u16);

impl fmt::Display for ElementAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "element {}", self.0)
    }
}

impl From<u16> for ElementAddress {
    fn from(a: u16) -> Self {
        ElementAddress(a)
    }
}

/// What kind of element (SMC element type codes 1-4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ElementType {
    /// The robot (medium transport element, "picker").
    Transport,
    /// A storage slot.
    Storage,
    /// An import/export (mail) slot, where an operator puts cartridges in or takes them out.
    ImportExport,
    /// A tape drive (data transfer element).
    Drive,
}

impl ElementType {
    pub const ALL: [ElementType; 4] =
        [ElementType::Transport, ElementType::Storage, ElementType::ImportExport, ElementType::Drive];

    /// The SMC ELEMENT TYPE CODE.
    pub fn code(self) -> u8 {
        match self {
            ElementType::Transport => 1,
            ElementType::Storage => 2,
            ElementType::ImportExport => 3,
            ElementType::Drive => 4,
        }
    }

    pub fn from_code(code: u8) -> Option<ElementType> {
        Some(match code {
            1 => ElementType::Transport,
            2 => ElementType::Storage,
            3 => ElementType::ImportExport,
            4 => ElementType::Drive,
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            ElementType::Transport => "transport",
            ElementType::Storage => "storage",
            ElementType::ImportExport => "import/export",
            ElementType::Drive => "drive",
        }
    }
}

impl fmt::Display for ElementType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// How a changer identifies the device behind a drive element (SMC DVCID: an identification
/// descriptor as in INQUIRY VPD page 83h).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DriveIdentifier {
    /// CODE SET: 1 binary, 2 ASCII, 3 UTF-8.
    pub code_set: u8,
    /// IDENTIFIER TYPE: 0 vendor specific, 1 T10 vendor identification (8 bytes of vendor,
    /// then vendor-specific bytes: product and serial number for tape drives), 2 EUI-64,
    /// 3 NAA, …
    pub id_type: u8,
    /// The identifier: text for ASCII and UTF-8 (trailing spaces and NULs removed), lower-case
    /// hex for binary.
    pub value: String,
}

impl DriveIdentifier {
    /// The drive's serial number, where the identifier carries one: a T10 vendor
    /// identification in text laid out as tape libraries report drives (vendor 8, product 16,
    /// serial number), as tgt and IBM, HP and Quantum libraries do.
    pub fn serial(&self) -> Option<&str> {
        if self.id_type != 1 || self.code_set == 1 {
            return None;
        }
        let s = self.value.get(24..)?.trim();
        (!s.is_empty()).then_some(s)
    }
}

/// One element and what it holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ElementStatus {
    #[serde(rename = "type")]
    pub kind: ElementType,
    pub address: ElementAddress,
    /// A cartridge is in the element.
    pub full: bool,
    /// The cartridge's barcode (SMC primary volume tag), where the changer reads barcodes.
    pub barcode: Option<String>,
    /// Where the cartridge came from (SMC SVALID + SOURCE STORAGE ELEMENT ADDRESS), where the
    /// changer knows it.
    pub source: Option<ElementAddress>,
    /// The element is in an abnormal state (SMC EXCEPT), with the changer's ASC/ASCQ.
    pub exception: Option<(u8, u8)>,
    /// For drives: the device behind the element, where the changer reports it.
    pub device_id: Option<DriveIdentifier>,
}

/// Every element of a changer, in type order (transport, storage, import/export, drive), each
/// type by address.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Inventory {
    pub elements: Vec<ElementStatus>,
}

impl Inventory {
    pub fn get(&self, address: ElementAddress) -> Option<&ElementStatus> {
        self.elements.iter().find(|e| e.address == address)
    }

    pub fn of_type(&self, kind: ElementType) -> impl Iterator<Item = &ElementStatus> {
        self.elements.iter().filter(move |e| e.kind == kind)
    }

    pub fn drives(&self) -> impl Iterator<Item = &ElementStatus> {
        self.of_type(ElementType::Drive)
    }

    pub fn slots(&self) -> impl Iterator<Item = &ElementStatus> {
        self.of_type(ElementType::Storage)
    }

    pub fn import_export(&self) -> impl Iterator<Item = &ElementStatus> {
        self.of_type(ElementType::ImportExport)
    }

    /// The element holding the cartridge with this barcode.
    pub fn find_barcode(&self, barcode: &str) -> Option<&ElementStatus> {
        self.elements.iter().find(|e| e.full && e.barcode.as_deref() == Some(barcode))
    }

    /// The first empty element of a type, by address.
    pub fn first_empty(&self, kind: ElementType) -> Option<ElementAddress> {
        self.of_type(kind).filter(|e| !e.full).map(|e| e.address).min()
    }
}

/// Who made the changer.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ChangerIdentity {
    pub vendor: String,
    pub model: String,
    pub revision: String,
    pub serial: String,
}

/// Errors a caller branches on. The SMC sense each comes from is in parentheses.
#[derive(Debug, thiserror::Error)]
pub enum ChangerError {
    /// (ILLEGAL REQUEST 3B/0E, medium source element empty.)
    #[error("{0} is empty (medium source element empty)")]
    SourceEmpty(ElementAddress),
    /// (ILLEGAL REQUEST 3B/0D, medium destination element full.)
    #[error("{0} is full (medium destination element full)")]
    DestinationFull(ElementAddress),
    /// The medium is locked in (ILLEGAL REQUEST 53/02, medium removal prevented): whoever
    /// holds the drive has sent PREVENT MEDIUM REMOVAL to it.
    #[error("the medium in {0} cannot be removed (medium removal prevented)")]
    RemovalPrevented(ElementAddress),
    /// (ILLEGAL REQUEST 21/01, invalid element address; or an address outside every range
    /// the changer reports.)
    #[error("the changer has no {0} (invalid element address)")]
    NoSuchElement(ElementAddress),
    /// Still not ready (NOT READY, BUSY, or a stream of UNIT ATTENTIONs) after the bounded
    /// retries every command gets.
    #[error("changer not ready: {0}")]
    NotReady(String),
    /// The changer does not do this (ILLEGAL REQUEST 20/00, invalid command operation code).
    #[error("not supported by this changer: {0}")]
    Unsupported(String),
    /// A changer string that names no changer.
    #[error("{0}")]
    InvalidSpec(String),
    /// Anything else the device or its transport reported.
    #[error(transparent)]
    Device(#[from] TapeError),
}

impl From<std::io::Error> for ChangerError {
    fn from(e: std::io::Error) -> Self {
        ChangerError::Device(TapeError::Io(e))
    }
}

pub type Result<T, E = ChangerError> = std::result::Result<T, E>;

/// A medium changer. One instance owns the changer while it lives.
pub trait Changer: Send {
    /// The changer string it was opened with, for messages.
    fn describe(&self) -> String;
    fn identity(&mut self) -> Result<ChangerIdentity>;
    /// What every element holds, read now (never from a cache).
    fn inventory(&mut self) -> Result<Inventory>;
    /// MOVE MEDIUM: the cartridge in `from` to the empty `to`. Into a drive it is loaded; out of
    /// a drive it is unloaded first (SMC changers: the drive must have been unloaded, or
    /// allow the changer to do it).
    fn move_medium(&mut self, from: ElementAddress, to: ElementAddress) -> Result<()>;
    /// Makes the changer check what each element holds (SMC INITIALIZE ELEMENT STATUS: a
    /// barcode scan of the whole library, which takes minutes on a large one).
    fn initialize_element_status(&mut self) -> Result<()>;
    /// Prevents (`true`) or allows (`false`) removal of the medium in drive element `drive`,
    /// where the backend can:
    /// * vlib: the lock is an advisory `flock` this handle holds on
    ///   `DIR/drives/N/prevent-removal.lock`: while it is held, moving the medium out of the
    ///   drive fails with [`ChangerError::RemovalPrevented`], through any handle in any
    ///   process (as tgt refuses a MOVE out of a drive that any initiator locked). It ends
    ///   when allowed again, when the handle is dropped or its process dies (as a SCSI
    ///   PREVENT ends with the initiator's session).
    /// * SMC: a changer has no per-drive lock. PREVENT ALLOW MEDIUM REMOVAL sent to the changer
    ///   locks the library's own media access (import/export ports, doors) as a whole; that is
    ///   what this sends, once `drive` is checked to be a drive element. The lock that keeps a
    ///   cartridge in a drive is the drive's own PREVENT (SSC, sent to the drive's LUN), which
    ///   the changer then reports as [`ChangerError::RemovalPrevented`]. A changer that does
    ///   not implement the command gives [`ChangerError::Unsupported`] (tgt 1.0.85: ILLEGAL
    ///   REQUEST 20/00).
    fn prevent_removal(&mut self, drive: ElementAddress, prevent: bool) -> Result<()>;
}

/// A parsed changer string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChangerSpec {
    Virtual(PathBuf),
    Sg(PathBuf),
    Iscsi(IscsiUrl),
}

impl ChangerSpec {
    pub fn parse(s: &str) -> std::result::Result<ChangerSpec, String> {
        if let Some(dir) = s.strip_prefix("vlib:") {
            if dir.is_empty() {
                return Err("vlib: needs a directory, as in vlib:/var/lib/vtl".into());
            }
            Ok(ChangerSpec::Virtual(dir.into()))
        } else if let Some(dev) = s.strip_prefix("sg:") {
            if !dev.starts_with('/') {
                return Err(format!("'{s}': write sg:/dev/sgN"));
            }
            Ok(ChangerSpec::Sg(dev.into()))
        } else if s.starts_with("iscsi://") {
            Ok(ChangerSpec::Iscsi(s.parse()?))
        } else {
            Err(format!("'{s}' is not a changer: use vlib:DIR, sg:/dev/sgN or iscsi://HOST:PORT/IQN/LUN"))
        }
    }
}

impl FromStr for ChangerSpec {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        ChangerSpec::parse(s)
    }
}

impl fmt::Display for ChangerSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ChangerSpec::Virtual(d) => write!(f, "vlib:{}", d.display()),
            ChangerSpec::Sg(d) => write!(f, "sg:{}", d.display()),
            ChangerSpec::Iscsi(u) => write!(f, "{u}"),
        }
    }
}

/// Opens the changer a changer string names.
pub fn open_changer(spec: &str) -> Result<Box<dyn Changer>> {
    open(&ChangerSpec::parse(spec).map_err(ChangerError::InvalidSpec)?)
}

/// Opens the changer a parsed changer string names.
pub fn open(spec: &ChangerSpec) -> Result<Box<dyn Changer>> {
    use super::scsi::{iscsi::IscsiTransport, sg::SgTransport, smc::SmcChanger};
    Ok(match spec {
        ChangerSpec::Virtual(dir) => Box::new(VlibChanger::open(dir)?),
        ChangerSpec::Sg(path) => Box::new(SmcChanger::open(Box::new(SgTransport::open(path)?))?),
        ChangerSpec::Iscsi(url) => Box::new(SmcChanger::open(Box::new(IscsiTransport::connect(url)?))?),
    })
}

// ---- the virtual library ----

/// First address of each vlib element type (see the module docs).
pub const VLIB_FIRST_IMPORT_EXPORT: u16 = 10;
pub const VLIB_FIRST_DRIVE: u16 = 500;
pub const VLIB_FIRST_SLOT: u16 = 1000;
const VLIB_MAX_IMPORT_EXPORT: usize = (VLIB_FIRST_DRIVE - VLIB_FIRST_IMPORT_EXPORT) as usize;
const VLIB_MAX_DRIVES: usize = (VLIB_FIRST_SLOT - VLIB_FIRST_DRIVE) as usize;
const VLIB_MAX_SLOTS: usize = u16::MAX as usize - VLIB_FIRST_SLOT as usize + 1;

/// The address of a vlib element (see the module docs).
pub fn vlib_address(e: Element) -> Option<ElementAddress> {
    let a = match e {
        Element::ImportExport(n) if (1..=VLIB_MAX_IMPORT_EXPORT).contains(&n) => {
            VLIB_FIRST_IMPORT_EXPORT as usize + n - 1
        }
        Element::Drive(n) if n < VLIB_MAX_DRIVES => VLIB_FIRST_DRIVE as usize + n,
        Element::Slot(n) if (1..=VLIB_MAX_SLOTS).contains(&n) => VLIB_FIRST_SLOT as usize + n - 1,
        _ => return None,
    };
    Some(ElementAddress(a as u16))
}

/// The vlib element at an address, if the scheme has one there (whether the library has it
/// is another matter).
pub fn vlib_element(a: ElementAddress) -> Option<Element> {
    let a = a.0;
    Some(if a >= VLIB_FIRST_SLOT {
        Element::Slot((a - VLIB_FIRST_SLOT) as usize + 1)
    } else if a >= VLIB_FIRST_DRIVE {
        Element::Drive((a - VLIB_FIRST_DRIVE) as usize)
    } else if a >= VLIB_FIRST_IMPORT_EXPORT {
        Element::ImportExport((a - VLIB_FIRST_IMPORT_EXPORT) as usize + 1)
    } else {
        return None;
    })
}

/// [`VirtualLibrary`] as a [`Changer`]. The library's state is read from its directory for
/// every operation (another process may have moved a cartridge). The virtual library knows no
/// source elements, has no robot element and reads every barcode. A drive's identifier is its
/// device string (`vtape:DIR/drives/N`, vendor specific, ASCII).
pub struct VlibChanger {
    dir: PathBuf,
    /// The removal locks this handle holds, by drive number.
    prevented: BTreeMap<usize, Flock<File>>,
}

/// The file whose `flock` locks drive `n`'s medium in.
fn prevent_file(lib: &VirtualLibrary, n: usize) -> PathBuf {
    lib.drive_dir(n).join("prevent-removal.lock")
}

fn open_prevent_file(path: &Path) -> Result<File> {
    OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(path)
        .map_err(|e| ChangerError::from(std::io::Error::new(e.kind(), format!("{}: {e}", path.display()))))
}

/// Opens the library at `dir`, checking its geometry fits the element address scheme.
fn open_library(dir: &Path) -> Result<VirtualLibrary> {
    let lib = VirtualLibrary::open(dir)?;
    let s = &lib.state;
    if s.import_export.len() > VLIB_MAX_IMPORT_EXPORT || s.drives > VLIB_MAX_DRIVES || s.slots.len() > VLIB_MAX_SLOTS {
        return Err(ChangerError::Unsupported(format!(
            "{}: {} slots, {} import/export slots and {} drives do not fit the element address scheme \
             (at most {VLIB_MAX_SLOTS}, {VLIB_MAX_IMPORT_EXPORT} and {VLIB_MAX_DRIVES})",
            dir.display(),
            s.slots.len(),
            s.import_export.len(),
            s.drives
        )));
    }
    Ok(lib)
}

impl VlibChanger {
    pub fn open(dir: &Path) -> Result<VlibChanger> {
        let lib = open_library(dir)?;
        Ok(VlibChanger { dir: lib.dir().to_path_buf(), prevented: BTreeMap::new() })
    }

    fn library(&self) -> Result<VirtualLibrary> {
        open_library(&self.dir)
    }

    /// The element at `a`, if this library has one there.
    fn element(&self, lib: &VirtualLibrary, a: ElementAddress) -> Result<Element> {
        let e = vlib_element(a).ok_or(ChangerError::NoSuchElement(a))?;
        let exists = match e {
            Element::Slot(n) => n <= lib.state.slots.len(),
            Element::ImportExport(n) => n <= lib.state.import_export.len(),
            Element::Drive(n) => n < lib.state.drives,
        };
        if exists { Ok(e) } else { Err(ChangerError::NoSuchElement(a)) }
    }

    fn contents(lib: &VirtualLibrary, e: Element, a: ElementAddress) -> Result<Option<String>> {
        lib.contents(e).map_err(|err| move_error(err, a, a))
    }

    /// Whether anyone (this handle included) holds drive `n`'s removal lock.
    fn removal_prevented(&self, lib: &VirtualLibrary, n: usize) -> Result<bool> {
        if self.prevented.contains_key(&n) {
            return Ok(true);
        }
        let path = prevent_file(lib, n);
        if !path.exists() {
            return Ok(false);
        }
        match Flock::lock(open_prevent_file(&path)?, FlockArg::LockSharedNonblock) {
            Ok(_probe) => Ok(false),
            Err((_, Errno::EWOULDBLOCK)) => Ok(true),
            Err((_, errno)) => Err(std::io::Error::from(errno).into()),
        }
    }
}

fn move_error(e: MoveError, from: ElementAddress, to: ElementAddress) -> ChangerError {
    let addr = |el, fallback| vlib_address(el).unwrap_or(fallback);
    match e {
        MoveError::SourceEmpty(el) => ChangerError::SourceEmpty(addr(el, from)),
        MoveError::DestinationFull(el) => ChangerError::DestinationFull(addr(el, to)),
        MoveError::NoSuchElement(el) => ChangerError::NoSuchElement(addr(el, from)),
        MoveError::Tape(t) => ChangerError::Device(t),
    }
}

impl Changer for VlibChanger {
    fn describe(&self) -> String {
        format!("vlib:{}", self.dir.display())
    }

    fn identity(&mut self) -> Result<ChangerIdentity> {
        let lib = self.library()?;
        Ok(ChangerIdentity {
            vendor: "TapeBackarr".into(),
            model: "virtual library".into(),
            revision: vlib::LIBRARY_FORMAT.into(),
            serial: lib.dir().display().to_string(),
        })
    }

    fn inventory(&mut self) -> Result<Inventory> {
        let lib = self.library()?;
        let mut elements = Vec::new();
        let mut add = |kind, e: Element, barcode: Option<String>, device_id| {
            let source = match e {
                Element::Drive(n) if barcode.is_some() => lib.source(n).and_then(vlib_address),
                _ => None,
            };
            elements.push(ElementStatus {
                kind,
                address: vlib_address(e).expect("geometry checked by open_library"),
                full: barcode.is_some(),
                barcode,
                source,
                exception: None,
                device_id,
            })
        };
        for (i, b) in lib.state.slots.iter().enumerate() {
            add(ElementType::Storage, Element::Slot(i + 1), b.clone(), None);
        }
        for (i, b) in lib.state.import_export.iter().enumerate() {
            add(ElementType::ImportExport, Element::ImportExport(i + 1), b.clone(), None);
        }
        for n in 0..lib.state.drives {
            let e = Element::Drive(n);
            let barcode = Self::contents(&lib, e, vlib_address(e).expect("geometry checked by open_library"))?;
            let id =
                DriveIdentifier { code_set: 2, id_type: 0, value: format!("vtape:{}", lib.drive_dir(n).display()) };
            add(ElementType::Drive, e, barcode, Some(id));
        }
        Ok(Inventory { elements })
    }

    fn move_medium(&mut self, from: ElementAddress, to: ElementAddress) -> Result<()> {
        let mut lib = self.library()?;
        let src = self.element(&lib, from)?;
        let dst = self.element(&lib, to)?;
        // The order of checks of an SMC changer: source, destination, then the lock.
        if Self::contents(&lib, src, from)?.is_none() {
            return Err(ChangerError::SourceEmpty(from));
        }
        if Self::contents(&lib, dst, to)?.is_some() {
            return Err(ChangerError::DestinationFull(to));
        }
        if let Element::Drive(n) = src
            && self.removal_prevented(&lib, n)?
        {
            return Err(ChangerError::RemovalPrevented(from));
        }
        lib.move_medium(src, dst).map_err(|e| move_error(e, from, to))
    }

    fn initialize_element_status(&mut self) -> Result<()> {
        // The library always knows what is where; reading it checks it is still there.
        self.library().map(|_| ())
    }

    fn prevent_removal(&mut self, drive: ElementAddress, prevent: bool) -> Result<()> {
        let lib = self.library()?;
        let Element::Drive(n) = self.element(&lib, drive)? else {
            return Err(ChangerError::Unsupported(format!("{drive} is not a drive: only drives can be locked")));
        };
        if !prevent {
            self.prevented.remove(&n); // unlocks
            return Ok(());
        }
        if self.prevented.contains_key(&n) {
            return Ok(());
        }
        match Flock::lock(open_prevent_file(&prevent_file(&lib, n))?, FlockArg::LockExclusiveNonblock) {
            Ok(lock) => {
                self.prevented.insert(n, lock);
                Ok(())
            }
            // Someone else holds it: the medium is locked in already, and stays so until they
            // allow removal too (as with SCSI, where every initiator's PREVENT must be lifted).
            Err((_, Errno::EWOULDBLOCK)) => Ok(()),
            Err((_, errno)) => Err(std::io::Error::from(errno).into()),
        }
    }
}

/// Opens the drive a vlib drive element's identifier names (`vtape:DIR/drives/N`).
pub fn open_vlib_drive(id: &DriveIdentifier) -> Result<Box<dyn TapeDevice>> {
    let spec = super::DeviceSpec::parse(&id.value).map_err(ChangerError::InvalidSpec)?;
    Ok(super::open(&spec)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vlib_address_scheme_round_trips() {
        for (e, a) in [
            (Element::ImportExport(1), 10),
            (Element::ImportExport(490), 499),
            (Element::Drive(0), 500),
            (Element::Drive(499), 999),
            (Element::Slot(1), 1000),
            (Element::Slot(64536), 65535),
        ] {
            assert_eq!(vlib_address(e), Some(ElementAddress(a)), "{e}");
            assert_eq!(vlib_element(ElementAddress(a)), Some(e));
        }
        for e in [Element::ImportExport(0), Element::ImportExport(491), Element::Drive(500), Element::Slot(0)] {
            assert_eq!(vlib_address(e), None, "{e}");
        }
        assert_eq!(vlib_element(ElementAddress(9)), None);
        assert_eq!(vlib_element(ElementAddress(0)), None);
    }

    #[test]
    fn changer_strings() {
        assert_eq!(ChangerSpec::parse("vlib:/tmp/l").unwrap(), ChangerSpec::Virtual("/tmp/l".into()));
        assert_eq!(ChangerSpec::parse("sg:/dev/sg4").unwrap(), ChangerSpec::Sg("/dev/sg4".into()));
        let i = ChangerSpec::parse("iscsi://127.0.0.1:3260/iqn.x:1/3").unwrap();
        assert_eq!(i.to_string(), "iscsi://127.0.0.1:3260/iqn.x:1/3");
        for bad in ["vlib:", "sg:sg4", "/dev/sch0", "vtape:/tmp/x", "iscsi://h/iqn"] {
            assert!(ChangerSpec::parse(bad).is_err(), "{bad}");
        }
        assert!(matches!(open_changer("tape0"), Err(ChangerError::InvalidSpec(_))));
    }

    #[test]
    fn identifiers_and_inventory_helpers() {
        let id = DriveIdentifier { code_set: 2, id_type: 1, value: "TGT     VTAPE-LTO8      VTLDRV0001".into() };
        assert_eq!(id.serial(), Some("VTLDRV0001"));
        let short = DriveIdentifier { value: "TGT     VTAPE-LTO8".into(), ..id.clone() };
        assert_eq!(short.serial(), None);
        assert_eq!(DriveIdentifier { id_type: 0, ..id.clone() }.serial(), None);
        let e = |kind, a, barcode: Option<&str>| ElementStatus {
            kind,
            address: ElementAddress(a),
            full: barcode.is_some(),
            barcode: barcode.map(str::to_string),
            source: None,
            exception: None,
            device_id: None,
        };
        let inv = Inventory {
            elements: vec![
                e(ElementType::Storage, 1001, None),
                e(ElementType::Storage, 1000, Some("A")),
                e(ElementType::Storage, 1002, None),
                e(ElementType::Drive, 500, Some("B")),
            ],
        };
        assert_eq!(inv.first_empty(ElementType::Storage), Some(ElementAddress(1001)));
        assert_eq!(inv.first_empty(ElementType::Drive), None);
        assert_eq!(inv.find_barcode("B").unwrap().address, ElementAddress(500));
        assert_eq!(inv.slots().count(), 3);
        assert_eq!(inv.get(ElementAddress(1000)).unwrap().barcode.as_deref(), Some("A"));
        assert_eq!(
            serde_json::to_value(inv.get(ElementAddress(500)).unwrap()).unwrap()["type"],
            serde_json::json!("drive")
        );
    }

    #[test]
    fn vlib_changer_moves_and_locks() {
        let tmp = tempfile::tempdir().unwrap();
        let barcodes: Vec<String> = (1..=2).map(|i| format!("TB{i:04}L8")).collect();
        VirtualLibrary::create(tmp.path(), 3, 1, 1, &barcodes, 1 << 20).unwrap();
        let mut ch = VlibChanger::open(tmp.path()).unwrap();
        let inv = ch.inventory().unwrap();
        assert_eq!(inv.elements.len(), 5);
        assert_eq!(inv.find_barcode("TB0002L8").unwrap().address, ElementAddress(1001));
        let a = ElementAddress;
        ch.move_medium(a(1000), a(500)).unwrap();
        assert!(matches!(ch.move_medium(a(1001), a(500)), Err(ChangerError::DestinationFull(x)) if x == a(500)));
        assert!(matches!(ch.move_medium(a(1002), a(10)), Err(ChangerError::SourceEmpty(x)) if x == a(1002)));
        assert!(matches!(ch.move_medium(a(1003), a(10)), Err(ChangerError::NoSuchElement(x)) if x == a(1003)));
        assert!(matches!(ch.move_medium(a(1001), a(501)), Err(ChangerError::NoSuchElement(x)) if x == a(501)));
        assert!(matches!(ch.move_medium(a(1), a(10)), Err(ChangerError::NoSuchElement(_))));
        assert!(matches!(ch.prevent_removal(a(1000), true), Err(ChangerError::Unsupported(_))));
        ch.prevent_removal(a(500), true).unwrap();
        assert!(matches!(ch.move_medium(a(500), a(1000)), Err(ChangerError::RemovalPrevented(x)) if x == a(500)));
        // Another handle sees the lock, cannot lift it, and may take it too.
        let mut other = VlibChanger::open(tmp.path()).unwrap();
        assert!(matches!(other.move_medium(a(500), a(1000)), Err(ChangerError::RemovalPrevented(_))));
        other.prevent_removal(a(500), true).unwrap();
        other.prevent_removal(a(500), false).unwrap();
        assert!(matches!(other.move_medium(a(500), a(1000)), Err(ChangerError::RemovalPrevented(_))));
        ch.prevent_removal(a(500), false).unwrap();
        ch.move_medium(a(500), a(1002)).unwrap();
        let inv = ch.inventory().unwrap();
        assert_eq!(inv.get(a(1002)).unwrap().barcode.as_deref(), Some("TB0001L8"));
        assert!(!inv.get(a(500)).unwrap().full);
        let id = inv.get(a(500)).unwrap().device_id.clone().unwrap();
        assert!(id.value.starts_with("vtape:") && id.value.ends_with("drives/0"), "{id:?}");
        assert!(!open_vlib_drive(&id).unwrap().status().unwrap().loaded);
    }
}
