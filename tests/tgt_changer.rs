//! The changer trait against two backends with one scenario: tgt's SCSI medium changer
//! (../shared/vtl/start-vtl.sh, LUN 3: robot 1, import/export 10, drives 500-501 = LUNs 1-2,
//! slots 1000-1007 with TB0001L8..TB0006L8 in 1000-1005) through the SMC backend over iSCSI,
//! and the built-in virtual library laid out the same way (its element address scheme puts
//! import/export slots at 10, drives at 500, slots at 1000).
//!
//! Each tgt test starts its own tgtd in a fresh directory under /tmp on its own port and stops
//! it when done (even on panic). Without tgt or libiscsi those tests say SKIPPED loudly and
//! pass, unless TAPEBACKARR_REQUIRE_TGT=1, when they fail. The virtual library runs always.

#[path = "common/tgt.rs"]
mod tgt;

use std::path::Path;

use tapebackarr::tape::changer::{
    self, Changer, ChangerError, ElementAddress, ElementStatus, ElementType, Inventory, open_changer,
};
use tapebackarr::tape::vlib::VirtualLibrary;
use tapebackarr::tape::{self, DeviceSpec, ReadOutcome, TapeDevice};
use tgt::{Prevent, Vtl, tgt_available};

fn a(n: u16) -> ElementAddress {
    ElementAddress(n)
}

const HOME: [(u16, Option<&str>); 8] = [
    (1000, Some("TB0001L8")),
    (1001, Some("TB0002L8")),
    (1002, Some("TB0003L8")),
    (1003, Some("TB0004L8")),
    (1004, Some("TB0005L8")),
    (1005, Some("TB0006L8")),
    (1006, None),
    (1007, None),
];

/// What differs between the backends under the one scenario.
trait Bench {
    /// Opens the drive behind a drive element.
    fn open_drive(&mut self, drive: &ElementStatus) -> Box<dyn TapeDevice>;
    /// Locks the medium in `drive` in (or lets it go) the way this backend can.
    fn prevent(&mut self, ch: &mut dyn Changer, drive: ElementAddress, on: bool);
    /// The changer reports where a cartridge came from (SVALID).
    fn knows_sources(&self) -> bool;
}

fn summary(inv: &Inventory, kind: ElementType) -> Vec<(u16, Option<&str>)> {
    inv.of_type(kind).map(|e| (e.address.0, e.barcode.as_deref())).collect()
}

fn element(inv: &Inventory, addr: u16) -> &ElementStatus {
    inv.get(a(addr)).unwrap_or_else(|| panic!("no element {addr} in {inv:#?}"))
}

fn check_full(inv: &Inventory, addr: u16, barcode: &str, source: u16, bench: &dyn Bench) {
    let e = element(inv, addr);
    assert!(e.full, "{addr} holds {barcode}: {e:?}");
    assert_eq!(e.barcode.as_deref(), Some(barcode), "{e:?}");
    if bench.knows_sources() {
        assert_eq!(e.source, Some(a(source)), "{addr} came from {source}: {e:?}");
    } else {
        assert!(e.source.is_none_or(|s| s == a(source)), "{e:?}");
    }
}

fn check_empty(inv: &Inventory, addr: u16) {
    let e = element(inv, addr);
    assert!(!e.full && e.barcode.is_none(), "{addr} is empty: {e:?}");
}

fn check_home(inv: &Inventory) {
    assert_eq!(summary(inv, ElementType::Storage), HOME.to_vec(), "8 slots, TB0001L8..TB0006L8 in 1000-1005");
    assert_eq!(summary(inv, ElementType::Drive), vec![(500, None), (501, None)], "2 empty drives");
    assert_eq!(summary(inv, ElementType::ImportExport), vec![(10, None)], "1 empty import/export slot");
    assert_eq!(inv.slots().filter(|e| e.full).count(), 6);
}

fn pattern(seed: u8, len: usize) -> Vec<u8> {
    (0..len).map(|i| (i as u8).wrapping_mul(7).wrapping_add(seed.wrapping_mul(131))).collect()
}

/// The block written to TB0001L8.
fn block() -> Vec<u8> {
    pattern(3, 4096)
}

fn read_first_block(dev: &mut dyn TapeDevice) -> Vec<u8> {
    dev.rewind().expect("rewind");
    let mut buf = vec![0u8; 64 * 1024];
    match dev.read_block(&mut buf).expect("read") {
        ReadOutcome::Block(n) => buf[..n].to_vec(),
        other => panic!("read found {other:?}"),
    }
}

fn expect_err(r: changer::Result<()>, what: &str, ok: impl Fn(&ChangerError) -> bool) {
    match r {
        Ok(()) => panic!("{what}: the move succeeded"),
        Err(e) => assert!(ok(&e), "{what}: {e:?}"),
    }
}

/// The scenario both backends must pass: inventory, slot → drive (the drive then sees the
/// cartridge), the refusals, a locked drive, drive → slot, slot → import/export and back.
fn scenario(ch: &mut dyn Changer, bench: &mut dyn Bench) {
    let id = ch.identity().expect("identity");
    assert!(!id.vendor.trim().is_empty(), "{id:?}");
    ch.initialize_element_status().expect("initialize element status");
    let inv = ch.inventory().expect("inventory");
    check_home(&inv);

    // Slot → drive: the drive is loaded and can write and read a block.
    ch.move_medium(a(1000), a(500)).expect("1000 -> 500");
    let inv = ch.inventory().unwrap();
    check_full(&inv, 500, "TB0001L8", 1000, bench);
    check_empty(&inv, 1000);
    {
        let mut drive = bench.open_drive(element(&inv, 500));
        let st = drive.status().expect("status");
        assert!(st.loaded, "drive 500 holds TB0001L8: {st:?}");
        drive.rewind().unwrap();
        drive.write_block(&block()).expect("write");
        drive.write_filemarks(1, true).expect("filemark");
        assert_eq!(read_first_block(drive.as_mut()), block());
    }

    // Refusals.
    let full = |x: u16| move |e: &ChangerError| matches!(e, ChangerError::DestinationFull(d) if *d == a(x));
    let empty = |x: u16| move |e: &ChangerError| matches!(e, ChangerError::SourceEmpty(s) if *s == a(x));
    let none = |x: u16| move |e: &ChangerError| matches!(e, ChangerError::NoSuchElement(s) if *s == a(x));
    expect_err(ch.move_medium(a(1001), a(500)), "1001 -> 500 (drive full)", full(500));
    expect_err(ch.move_medium(a(1001), a(1002)), "1001 -> 1002 (slot full)", full(1002));
    expect_err(ch.move_medium(a(1006), a(501)), "1006 -> 501 (slot empty)", empty(1006));
    expect_err(ch.move_medium(a(1000), a(1007)), "1000 -> 1007 (just emptied)", empty(1000));
    expect_err(ch.move_medium(a(501), a(1006)), "501 -> 1006 (drive empty)", empty(501));
    expect_err(ch.move_medium(a(1001), a(999)), "1001 -> 999", none(999));
    expect_err(ch.move_medium(a(999), a(1006)), "999 -> 1006", none(999));
    expect_err(ch.move_medium(a(1001), a(1008)), "1001 -> 1008", none(1008));
    expect_err(ch.move_medium(a(1001), a(502)), "1001 -> 502", none(502));
    assert_eq!(ch.inventory().unwrap(), inv, "refused moves change nothing");

    // A locked drive keeps its cartridge.
    bench.prevent(ch, a(500), true);
    expect_err(
        ch.move_medium(a(500), a(1000)),
        "500 -> 1000 (prevented)",
        |e| matches!(e, ChangerError::RemovalPrevented(d) if *d == a(500)),
    );
    check_full(&ch.inventory().unwrap(), 500, "TB0001L8", 1000, bench);
    bench.prevent(ch, a(500), false);

    // Drive → slot: the drive is empty again.
    ch.move_medium(a(500), a(1000)).expect("500 -> 1000");
    let inv = ch.inventory().unwrap();
    check_full(&inv, 1000, "TB0001L8", 500, bench);
    check_empty(&inv, 500);
    assert!(!bench.open_drive(element(&inv, 500)).status().expect("status").loaded, "drive 500 is empty");

    // Slot → import/export and back.
    ch.move_medium(a(1001), a(10)).expect("1001 -> 10");
    let inv = ch.inventory().unwrap();
    check_full(&inv, 10, "TB0002L8", 1001, bench);
    check_empty(&inv, 1001);
    expect_err(ch.move_medium(a(1002), a(10)), "1002 -> 10 (full)", full(10));
    ch.move_medium(a(10), a(1001)).expect("10 -> 1001");
    check_full(&ch.inventory().unwrap(), 1001, "TB0002L8", 10, bench);

    // What was written travels with the cartridge: read it in the other drive.
    ch.move_medium(a(1000), a(501)).expect("1000 -> 501");
    let inv = ch.inventory().unwrap();
    check_full(&inv, 501, "TB0001L8", 1000, bench);
    assert_eq!(read_first_block(bench.open_drive(element(&inv, 501)).as_mut()), block());
    ch.move_medium(a(501), a(1000)).expect("501 -> 1000");

    let inv = ch.inventory().unwrap();
    check_home(&inv);
}

// ---- tgt ----

struct TgtBench<'a> {
    vtl: &'a Vtl,
    /// A session of its own to the drive LUN that holds the PREVENT.
    lock: Option<Prevent>,
}

fn drive_lun(addr: ElementAddress) -> u16 {
    // start-vtl.sh: element 500 = LUN 1, 501 = LUN 2.
    addr.0 - 499
}

impl Bench for TgtBench<'_> {
    fn open_drive(&mut self, drive: &ElementStatus) -> Box<dyn TapeDevice> {
        let url = self.vtl.url(drive_lun(drive.address));
        tape::open(&DeviceSpec::parse(&url).unwrap()).unwrap_or_else(|e| panic!("open {url}: {e}"))
    }

    /// PREVENT MEDIUM REMOVAL (SSC) sent to the drive's own LUN; ALLOW in the same session.
    fn prevent(&mut self, _ch: &mut dyn Changer, drive: ElementAddress, on: bool) {
        if on {
            if self.lock.is_none() {
                self.lock = Some(self.vtl.prevent_removal(drive_lun(drive)));
            }
        } else if let Some(lock) = self.lock.take() {
            lock.allow();
        }
    }

    fn knows_sources(&self) -> bool {
        true
    }
}

#[test]
fn tgt_changer_scenario() {
    if !tgt_available("tgt_changer_scenario") {
        return;
    }
    let vtl = Vtl::start(Some(64));
    let mut ch = open_changer(&vtl.url(3)).expect("open the changer");
    scenario(ch.as_mut(), &mut TgtBench { vtl: &vtl, lock: None });
}

#[test]
fn tgt_changer_identity_robot_and_drive_identifiers() {
    if !tgt_available("tgt_changer_identity_robot_and_drive_identifiers") {
        return;
    }
    let vtl = Vtl::start(Some(64));
    let mut ch = open_changer(&vtl.url(3)).unwrap();
    assert!(ch.describe().ends_with("/3"), "{}", ch.describe());
    let id = ch.identity().unwrap();
    assert_eq!(
        (id.vendor.as_str(), id.model.as_str(), id.revision.as_str(), id.serial.as_str()),
        ("TGT", "VLIB-SMC", "0085", "VTLLIB0001")
    );
    let inv = ch.inventory().unwrap();
    let robot: Vec<_> = inv.of_type(ElementType::Transport).collect();
    assert_eq!(robot.len(), 1);
    assert_eq!((robot[0].address, robot[0].full), (a(1), false));
    assert_eq!(inv.elements.len(), 12);
    // DVCID: drive 500 names the device behind it, which says the same serial number.
    let d500 = element(&inv, 500).device_id.clone().expect("drive 500 reports its device (DVCID)");
    assert_eq!((d500.code_set, d500.id_type), (2, 1));
    assert_eq!(d500.value, "TGT     VTAPE-LTO8      VTLDRV0001");
    let lun1 = tape::open(&DeviceSpec::parse(&vtl.url(1)).unwrap()).unwrap().identity().unwrap();
    assert_eq!(d500.serial(), Some(lun1.serial.as_str()));
    // tgt cuts the last descriptor of a report 8 bytes short, and with it drive 501's
    // identifier, which is then not reported at all (never a truncated one).
    let d501 = element(&inv, 501).device_id.as_ref();
    assert!(d501.is_none_or(|i| i.serial() == Some("VTLDRV0002")), "{d501:?}");
}

#[test]
fn tgt_changer_prevent_is_not_implemented_on_the_changer() {
    if !tgt_available("tgt_changer_prevent_is_not_implemented_on_the_changer") {
        return;
    }
    let vtl = Vtl::start(Some(64));
    let mut ch = open_changer(&vtl.url(3)).unwrap();
    // tgt's changer answers PREVENT ALLOW MEDIUM REMOVAL with ILLEGAL REQUEST 20/00.
    match ch.prevent_removal(a(500), true) {
        Err(ChangerError::Unsupported(m)) => assert!(m.contains("20/00"), "{m}"),
        other => panic!("expected Unsupported, got {other:?}"),
    }
    assert!(matches!(ch.prevent_removal(a(1000), true), Err(ChangerError::Unsupported(_))));
    assert!(matches!(ch.prevent_removal(a(777), true), Err(ChangerError::NoSuchElement(_))));
    // The drive's own lock, taken in a session of its own, is what holds a cartridge in (53/02).
    ch.move_medium(a(1003), a(501)).unwrap();
    let mut bench = TgtBench { vtl: &vtl, lock: None };
    bench.prevent(ch.as_mut(), a(501), true);
    assert!(matches!(ch.move_medium(a(501), a(1003)), Err(ChangerError::RemovalPrevented(d)) if d == a(501)));
    bench.prevent(ch.as_mut(), a(501), false);
    ch.move_medium(a(501), a(1003)).unwrap();
    // A session that logs out without ALLOW takes its PREVENT with it (SPC: the lock belongs
    // to the I_T nexus), as the virtual library's lock ends with its handle.
    ch.move_medium(a(1003), a(501)).unwrap();
    bench.prevent(ch.as_mut(), a(501), true);
    assert!(matches!(ch.move_medium(a(501), a(1003)), Err(ChangerError::RemovalPrevented(_))));
    bench.lock = None; // logout
    ch.move_medium(a(501), a(1003)).expect("the PREVENT ended with its session");
    assert_eq!(element(&ch.inventory().unwrap(), 1003).barcode.as_deref(), Some("TB0004L8"));
}

#[test]
fn tgt_open_changer_refuses_a_tape_drive() {
    if !tgt_available("tgt_open_changer_refuses_a_tape_drive") {
        return;
    }
    let vtl = Vtl::start(Some(64));
    let e = open_changer(&vtl.url(1)).err().expect("LUN 1 is a drive");
    assert!(e.to_string().contains("not a medium changer"), "{e}");
}

// ---- the virtual library ----

struct VlibBench {
    prevented: Vec<ElementAddress>,
}

impl Bench for VlibBench {
    fn open_drive(&mut self, drive: &ElementStatus) -> Box<dyn TapeDevice> {
        let id = drive.device_id.as_ref().expect("a vlib drive names its device");
        changer::open_vlib_drive(id).unwrap_or_else(|e| panic!("open {}: {e}", id.value))
    }

    fn prevent(&mut self, ch: &mut dyn Changer, drive: ElementAddress, on: bool) {
        ch.prevent_removal(drive, on).expect("prevent_removal");
        self.prevented.push(drive);
    }

    fn knows_sources(&self) -> bool {
        false
    }
}

fn vlib(dir: &Path) -> String {
    let barcodes: Vec<String> = (1..=6).map(|i| format!("TB{i:04}L8")).collect();
    VirtualLibrary::create(dir, 8, 1, 2, &barcodes, 64 << 20).expect("create the library");
    format!("vlib:{}", dir.display())
}

#[test]
fn vlib_changer_scenario() {
    let tmp = tempfile::tempdir().unwrap();
    let spec = vlib(&tmp.path().join("lib"));
    let mut ch = open_changer(&spec).expect("open the library");
    let mut bench = VlibBench { prevented: Vec::new() };
    scenario(ch.as_mut(), &mut bench);
    assert_eq!(bench.prevented, vec![a(500), a(500)]);
}

#[test]
fn vlib_changer_drive_identifiers_and_lock_scope() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("lib");
    let spec = vlib(&dir);
    let mut ch = open_changer(&spec).unwrap();
    let inv = ch.inventory().unwrap();
    assert_eq!(inv.of_type(ElementType::Transport).count(), 0, "the virtual library has no robot element");
    for (addr, n) in [(500, 0), (501, 1)] {
        let id = element(&inv, addr).device_id.clone().unwrap();
        let want =
            format!("vtape:{}", std::fs::canonicalize(&dir).unwrap().join("drives").join(n.to_string()).display());
        assert_eq!(id.value, want);
    }
    // A lock holds against every handle, and ends with the handle that took it, as a SCSI
    // PREVENT ends with the initiator's session.
    ch.move_medium(a(1000), a(500)).unwrap();
    ch.prevent_removal(a(500), true).unwrap();
    let mut other = open_changer(&spec).unwrap();
    assert!(matches!(ch.move_medium(a(500), a(1006)), Err(ChangerError::RemovalPrevented(_))));
    assert!(matches!(other.move_medium(a(500), a(1006)), Err(ChangerError::RemovalPrevented(_))));
    drop(ch);
    other.move_medium(a(500), a(1006)).unwrap();
    assert_eq!(element(&other.inventory().unwrap(), 1006).barcode.as_deref(), Some("TB0001L8"));
}
