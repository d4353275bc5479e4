//! The virtual drive: the conformance suite, plus what only an emulator can show — early
//! warning and end of medium, write protection, no tape, injected faults, power loss,
//! sparse storage, and state that survives between processes.

#[path = "common/conformance.rs"]
mod conformance;

use std::path::Path;

use tapebackarr::tape::vtape::{self, VirtualDrive};
use tapebackarr::tape::{ReadOutcome, Space, TapeDevice, TapeError, WriteOutcome};

fn drive_with_tape(dir: &Path, capacity: u64) -> VirtualDrive {
    VirtualDrive::create(dir, capacity).unwrap();
    let mut d = VirtualDrive::open(dir).unwrap();
    assert!(d.insert_named("T00001").unwrap(), "a new cartridge is created");
    d
}

fn read_all(d: &mut VirtualDrive) -> Vec<ReadOutcome> {
    let mut buf = vec![0u8; 1 << 20];
    let mut out = Vec::new();
    loop {
        let o = d.read_block(&mut buf).unwrap();
        out.push(o);
        if o == ReadOutcome::EndOfData {
            return out;
        }
    }
}

#[test]
fn conformance_suite() {
    let tmp = tempfile::tempdir().unwrap();
    let mut d = drive_with_tape(tmp.path(), 1 << 30);
    conformance::run_suite(&mut d, &conformance::SuiteOptions { erase: true });
}

#[test]
fn early_warning_then_end_of_medium() {
    let tmp = tempfile::tempdir().unwrap();
    let mut d = drive_with_tape(tmp.path(), 10 << 20);
    let block = vec![7u8; 256 << 10];
    let mut written = 0;
    let first_warning = loop {
        match d.write_block(&block).unwrap() {
            WriteOutcome::Written => written += 1,
            WriteOutcome::EarlyWarning => break written,
        }
    };
    assert!(first_warning > 30 && first_warning < 40, "warning comes near the end: {first_warning}");
    assert!(d.status().unwrap().early_warning);
    // Past the warning writes still succeed, until the physical end.
    let mut extra = 0;
    let err = loop {
        match d.write_block(&block) {
            Ok(WriteOutcome::EarlyWarning) => extra += 1,
            Ok(WriteOutcome::Written) => panic!("warning must persist"),
            Err(e) => break e,
        }
    };
    assert!(matches!(err, TapeError::EndOfMedium), "{err}");
    assert!(extra >= 1);
    // The failed write left nothing behind; a trailer filemark still fits in small ways.
    let end = d.position().unwrap().block;
    assert_eq!(end, (first_warning + 1 + extra) as u64);
}

#[test]
fn write_protect_and_no_tape() {
    let tmp = tempfile::tempdir().unwrap();
    let mut d = drive_with_tape(tmp.path(), 1 << 20);
    d.write_block(b"x").unwrap();
    d.write_filemarks(1, true).unwrap();
    let cart = d.cartridge().unwrap().to_path_buf();
    drop(d);
    vtape::set_write_protected(&cart, true).unwrap();
    let mut d = VirtualDrive::open(tmp.path()).unwrap();
    assert!(d.status().unwrap().write_protected);
    d.rewind().unwrap();
    assert!(matches!(d.write_block(b"y"), Err(TapeError::WriteProtected)));
    assert!(matches!(d.write_filemarks(1, true), Err(TapeError::WriteProtected)));
    assert!(matches!(d.erase(true), Err(TapeError::WriteProtected)));
    assert_eq!(read_all(&mut d), [ReadOutcome::Block(1), ReadOutcome::Filemark, ReadOutcome::EndOfData]);
    d.unload().unwrap();
    assert!(!d.status().unwrap().loaded);
    assert!(matches!(d.rewind(), Err(TapeError::NoTape)));
    assert!(matches!(d.read_block(&mut [0u8; 10]), Err(TapeError::NoTape)));
    assert!(matches!(d.write_block(b"z"), Err(TapeError::NoTape)));
}

#[test]
fn state_survives_between_processes() {
    let tmp = tempfile::tempdir().unwrap();
    let mut d = drive_with_tape(tmp.path(), 1 << 20);
    d.write_block(b"one").unwrap();
    d.write_filemarks(1, true).unwrap();
    d.write_block(b"two").unwrap();
    drop(d);
    let mut d = VirtualDrive::open(tmp.path()).unwrap();
    assert_eq!(d.position().unwrap().block, 3, "the drive keeps its position like a real one");
    assert_eq!(d.status().unwrap().cartridge.as_deref(), Some("T00001"));
    d.rewind().unwrap();
    assert_eq!(
        read_all(&mut d),
        [ReadOutcome::Block(3), ReadOutcome::Filemark, ReadOutcome::Block(3), ReadOutcome::EndOfData]
    );
}

#[test]
fn a_terabyte_cartridge_costs_only_what_is_written() {
    let tmp = tempfile::tempdir().unwrap();
    let mut d = drive_with_tape(tmp.path(), 1 << 40);
    for _ in 0..8 {
        d.write_block(&vec![1u8; 1 << 20]).unwrap();
    }
    d.write_filemarks(1, true).unwrap();
    let cart = d.cartridge().unwrap().to_path_buf();
    let on_disk: u64 = std::fs::read_dir(&cart).unwrap().map(|e| e.unwrap().metadata().unwrap().len()).sum();
    assert!(on_disk < (8 << 20) + 4096, "{on_disk} bytes on disk");
    assert_eq!(d.usage().unwrap().0, 1 << 40);
}

fn with_faults(json: &str, f: impl FnOnce(&Path)) {
    let tmp = tempfile::tempdir().unwrap();
    let d = drive_with_tape(tmp.path(), 1 << 30);
    drop(d);
    std::fs::write(tmp.path().join("faults.json"), json).unwrap();
    f(tmp.path());
}

#[test]
fn injected_write_and_read_failures() {
    with_faults(r#"{"fail_write_at": 3, "fail_read_at": 2}"#, |dir| {
        let mut d = VirtualDrive::open(dir).unwrap();
        d.write_block(b"a").unwrap();
        d.write_block(b"b").unwrap();
        assert!(matches!(d.write_block(b"c"), Err(TapeError::Medium(_))), "third write fails");
        assert_eq!(d.position().unwrap().block, 2, "nothing was written");
        d.write_block(b"c").unwrap();
        d.rewind().unwrap();
        let mut buf = [0u8; 16];
        assert_eq!(d.read_block(&mut buf).unwrap(), ReadOutcome::Block(1));
        assert!(matches!(d.read_block(&mut buf), Err(TapeError::Medium(_))), "second read fails");
        assert_eq!(d.read_block(&mut buf).unwrap(), ReadOutcome::Block(1), "the reader can go on");
        assert_eq!(&buf[..1], b"c");
    });
}

#[test]
fn corrupt_and_unreadable_blocks() {
    with_faults(r#"{"corrupt_blocks": [1], "unreadable_blocks": [2]}"#, |dir| {
        let mut d = VirtualDrive::open(dir).unwrap();
        for b in [b"block0", b"block1", b"block2", b"block3"] {
            d.write_block(b).unwrap();
        }
        d.rewind().unwrap();
        let mut buf = [0u8; 16];
        d.read_block(&mut buf).unwrap();
        assert_eq!(&buf[..6], b"block0");
        d.read_block(&mut buf).unwrap();
        assert_ne!(&buf[..6], b"block1", "damaged bytes come back");
        assert!(matches!(d.read_block(&mut buf), Err(TapeError::Medium(_))));
        d.read_block(&mut buf).unwrap();
        assert_eq!(&buf[..6], b"block3");
    });
}

#[test]
fn power_loss_drops_what_was_not_synced() {
    with_faults(r#"{"power_loss_after_writes": 5}"#, |dir| {
        let mut d = VirtualDrive::open(dir).unwrap();
        d.write_block(b"synced-1").unwrap();
        d.write_block(b"synced-2").unwrap();
        d.write_filemarks(1, true).unwrap(); // the sync point: 3 entries on the medium
        d.write_block(b"buffered-1").unwrap();
        d.write_block(b"buffered-2").unwrap();
        assert!(d.write_block(b"buffered-3").is_err(), "power is gone");
        assert!(d.rewind().is_err(), "and stays gone");
        drop(d);
        std::fs::remove_file(dir.join("faults.json")).unwrap();
        let mut d = VirtualDrive::open(dir).unwrap();
        d.rewind().unwrap();
        assert_eq!(
            read_all(&mut d),
            [ReadOutcome::Block(8), ReadOutcome::Block(8), ReadOutcome::Filemark, ReadOutcome::EndOfData]
        );
    });
}

#[test]
fn shrunken_capacity() {
    with_faults(r#"{"capacity": 600000}"#, |dir| {
        let mut d = VirtualDrive::open(dir).unwrap();
        let block = vec![0u8; 256 << 10];
        d.write_block(&block).unwrap();
        d.write_block(&block).unwrap();
        assert!(matches!(d.write_block(&block), Err(TapeError::EndOfMedium)));
    });
}

#[test]
fn a_torn_index_entry_is_not_on_tape() {
    let tmp = tempfile::tempdir().unwrap();
    let mut d = drive_with_tape(tmp.path(), 1 << 20);
    d.write_block(b"whole").unwrap();
    d.write_block(b"torn!").unwrap();
    let cart = d.cartridge().unwrap().to_path_buf();
    drop(d);
    // A crash in the middle of appending the second entry.
    let index = cart.join("index");
    let len = std::fs::metadata(&index).unwrap().len();
    std::fs::OpenOptions::new().write(true).open(&index).unwrap().set_len(len - 5).unwrap();
    let mut d = VirtualDrive::open(tmp.path()).unwrap();
    d.rewind().unwrap();
    assert_eq!(read_all(&mut d), [ReadOutcome::Block(5), ReadOutcome::EndOfData]);
    d.space(Space::EndOfData).unwrap();
    d.write_block(b"next").unwrap();
    d.rewind().unwrap();
    assert_eq!(read_all(&mut d), [ReadOutcome::Block(5), ReadOutcome::Block(4), ReadOutcome::EndOfData]);
}

#[test]
fn file_numbers_follow_truncation_and_reopening() {
    let tmp = tempfile::tempdir().unwrap();
    let mut d = drive_with_tape(tmp.path(), 1 << 20);
    for _ in 0..3 {
        d.write_block(b"x").unwrap();
        d.write_filemarks(1, true).unwrap();
    }
    assert_eq!(d.position().unwrap().file, Some(3));
    // Overwrite from the second file on: its filemark and everything after are gone.
    d.locate(3).unwrap();
    d.write_block(b"y").unwrap();
    assert_eq!(d.position().unwrap().file, Some(1));
    d.write_filemarks(1, true).unwrap();
    assert_eq!(d.position().unwrap().file, Some(2));
    drop(d);
    let mut d = VirtualDrive::open(tmp.path()).unwrap();
    d.space(Space::EndOfData).unwrap();
    assert_eq!(d.position().unwrap(), tapebackarr::tape::Position { block: 5, file: Some(2) });
    d.locate(2).unwrap();
    assert_eq!(d.position().unwrap().file, Some(1), "just past the first filemark");
}
