//! The iSCSI SCSI backend against a real, independent SSC implementation: tgt's virtual tape
//! drive (../shared/vtl/start-vtl.sh, LUN 4 = a standalone drive with a cartridge loaded).
//!
//! Each test starts its own tgtd in a fresh directory under /tmp on its own port and stops
//! it when done (even on panic). Without tgt or libiscsi the tests say SKIPPED loudly and
//! pass, unless TAPEBACKARR_REQUIRE_TGT=1, when they fail.

#[path = "common/conformance.rs"]
mod conformance;
#[path = "common/tgt.rs"]
mod tgt;

use tgt::{Vtl, tgt_available};

use std::time::Duration;

use tapebackarr::tape::scsi::iscsi::{IscsiTransport, IscsiUrl};
use tapebackarr::tape::scsi::{DataDir, Transport};
use tapebackarr::tape::{self, DeviceSpec, ReadOutcome, Space, TapeDevice, TapeError, WriteOutcome};

fn pattern(seed: usize, len: usize) -> Vec<u8> {
    (0..len).map(|i| (seed.wrapping_mul(131).wrapping_add(i.wrapping_mul(7))) as u8).collect()
}

fn read(dev: &mut dyn TapeDevice, len: usize) -> (ReadOutcome, Vec<u8>) {
    let mut buf = vec![0u8; len];
    let outcome = dev.read_block(&mut buf).expect("read");
    if let ReadOutcome::Block(n) = outcome {
        buf.truncate(n);
    } else {
        buf.clear();
    }
    (outcome, buf)
}

fn pos(dev: &mut dyn TapeDevice) -> u64 {
    dev.position().expect("position").block
}

fn kind(r: tape::Result<()>) -> String {
    match r {
        Ok(()) => "ok".into(),
        Err(e) => format!("{e:?}").split(['(', ' ', '{']).next().unwrap().to_string(),
    }
}

const K256: usize = 256 * 1024;

/// 0-2: 256 KiB; 3: FM; 4-5: 256 KiB; 6: 1000 B; 7: FM; 8: FM; end of data at 9.
fn lay_down(dev: &mut dyn TapeDevice) -> Vec<Option<Vec<u8>>> {
    dev.rewind().unwrap();
    let mut objs = Vec::new();
    for i in 0..3 {
        let b = pattern(i, K256);
        assert_eq!(dev.write_block(&b).unwrap(), WriteOutcome::Written);
        objs.push(Some(b));
    }
    dev.write_filemarks(1, false).unwrap();
    objs.push(None);
    for (i, len) in [(3, K256), (4, K256), (5, 1000)] {
        let b = pattern(i, len);
        dev.write_block(&b).unwrap();
        objs.push(Some(b));
    }
    dev.write_filemarks(2, true).unwrap();
    objs.extend([None, None]);
    objs
}

#[test]
fn tgt_drive_identity_read_write_and_positions() {
    if !tgt_available("tgt_drive_identity_read_write_and_positions") {
        return;
    }
    let vtl = Vtl::start(None);
    let mut dev = vtl.open(4);
    let dev = dev.as_mut();

    let id = dev.identity().unwrap();
    assert_eq!((id.vendor.as_str(), id.model.as_str(), id.revision.as_str()), ("TGT", "VTAPE-LTO8", "0085"));
    assert_eq!(id.serial, "VTLDRV0004");
    assert_eq!(id.density, None, "tgt reports density code 0");
    let caps = dev.capabilities();
    assert!(!caps.read_position && !caps.locate, "tgt has neither: {caps:?}");
    assert!(!caps.compression_control);
    let s = dev.status().unwrap();
    assert!(s.loaded && s.bot && !s.write_protected && s.block_size == 0, "{s:?}");

    let objs = lay_down(dev);
    assert_eq!(dev.position().unwrap(), tape::Position { block: 9, file: Some(3) });
    assert!(dev.status().unwrap().eod);

    // Read back byte for byte, with a buffer the size of the blocks.
    dev.rewind().unwrap();
    for (i, o) in objs.iter().enumerate() {
        let (outcome, data) = read(dev, K256);
        match o {
            Some(b) => {
                assert_eq!(outcome, ReadOutcome::Block(b.len()), "object {i}");
                assert!(data == *b, "object {i}: data differs");
            }
            None => assert_eq!(outcome, ReadOutcome::Filemark, "object {i}"),
        }
        assert_eq!(pos(dev), i as u64 + 1);
    }
    assert_eq!(read(dev, K256).0, ReadOutcome::EndOfData);
    assert_eq!(read(dev, K256).0, ReadOutcome::EndOfData, "and again, without moving");
    assert_eq!(pos(dev), 9);

    // tgt's variable-read bug: a 1500-byte buffer for the 1000-byte block would come back
    // truncated if the backend asked for exactly 1500 bytes.
    dev.locate(6).unwrap();
    let (outcome, data) = read(dev, 1500);
    assert_eq!(outcome, ReadOutcome::Block(1000));
    assert!(data == *objs[6].as_ref().unwrap(), "1000-byte block read through a 1500-byte buffer");
    // And a 300000-byte buffer for a 256 KiB block (between one and two blocks).
    dev.locate(4).unwrap();
    let (_, data) = read(dev, 300_000);
    assert!(data == *objs[4].as_ref().unwrap());

    // A buffer smaller than the block: BlockTooLarge with the real length, tape past it.
    dev.locate(1).unwrap();
    let mut small = vec![0u8; 64 * 1024];
    match dev.read_block(&mut small) {
        Err(TapeError::BlockTooLarge { block_len, buffer_len }) => assert_eq!((block_len, buffer_len), (K256, 65536)),
        other => panic!("expected BlockTooLarge, got {other:?}"),
    }
    assert_eq!(pos(dev), 2);
    let (_, data) = read(dev, K256);
    assert!(data == *objs[2].as_ref().unwrap());

    // Emulated LOCATE to every object, in a scrambled order.
    for target in [8u64, 0, 5, 3, 9, 1, 7, 6, 2, 4] {
        dev.locate(target).unwrap();
        assert_eq!(pos(dev), target);
        let (outcome, data) = read(dev, K256 * 2);
        match objs.get(target as usize) {
            Some(Some(b)) => assert!(outcome == ReadOutcome::Block(b.len()) && data == *b, "locate {target}"),
            Some(None) => assert_eq!(outcome, ReadOutcome::Filemark, "locate {target}"),
            None => assert_eq!(outcome, ReadOutcome::EndOfData, "locate {target}"),
        }
    }
    assert!(matches!(dev.locate(12), Err(TapeError::EndOfData)));
    assert_eq!(pos(dev), 9, "a locate past the end stops at end of data");

    // SPACE, both directions, against what a real drive does.
    let table: &[(u64, Space, &str, u64)] = &[
        (0, Space::Blocks(2), "ok", 2),
        (2, Space::Blocks(2), "Filemark", 4),
        (4, Space::Blocks(-1), "Filemark", 3),
        (5, Space::Blocks(-1), "ok", 4),
        (2, Space::Blocks(-5), "BeginningOfTape", 0),
        (4, Space::Blocks(10), "Filemark", 8),
        (9, Space::Blocks(1), "EndOfData", 9),
        (0, Space::Filemarks(1), "ok", 4),
        (0, Space::Filemarks(3), "ok", 9),
        (0, Space::Filemarks(4), "EndOfData", 9),
        (6, Space::Filemarks(-1), "ok", 3),
        (9, Space::Filemarks(-2), "ok", 7),
        (6, Space::Filemarks(-2), "BeginningOfTape", 0),
        (1, Space::EndOfData, "ok", 9),
    ];
    for &(start, how, want, at) in table {
        dev.locate(start).unwrap();
        assert_eq!(kind(dev.space(how)), want, "{how:?} from {start}");
        assert_eq!(pos(dev), at, "{how:?} from {start}");
    }
    // The drive agrees with the count: read what should be there.
    dev.locate(0).unwrap();
    dev.space(Space::Filemarks(1)).unwrap();
    assert!(read(dev, K256).1 == *objs[4].as_ref().unwrap());

    // Things tgt does not do are refused clearly.
    assert!(matches!(dev.erase(true), Err(TapeError::Unsupported(_))));
    assert!(matches!(dev.set_compression(false), Err(TapeError::Unsupported(_))));
    assert!(matches!(dev.unload(), Err(TapeError::Unsupported(_))));
    assert!(dev.status().unwrap().loaded);

    // Writing in the middle truncates.
    dev.locate(4).unwrap();
    let b = pattern(42, 4096);
    dev.write_block(&b).unwrap();
    assert_eq!(pos(dev), 5);
    assert_eq!(read(dev, K256).0, ReadOutcome::EndOfData);
    dev.rewind().unwrap();
    assert!(matches!(dev.space(Space::Filemarks(2)), Err(TapeError::EndOfData)));
    assert_eq!(pos(dev), 5);
    dev.write_filemarks(1, true).unwrap();
}

#[test]
fn tgt_drive_new_session_measures_end_of_data() {
    if !tgt_available("tgt_drive_new_session_measures_end_of_data") {
        return;
    }
    let vtl = Vtl::start(None);
    let mut expected = 0u64;
    {
        let mut dev = vtl.open(4);
        let dev = dev.as_mut();
        for i in 0..150usize {
            if i % 20 == 19 {
                dev.write_filemarks(1, false).unwrap();
            } else {
                dev.write_block(&pattern(i, 512 + i)).unwrap();
            }
            expected += 1;
        }
        dev.write_filemarks(1, true).unwrap();
        expected += 1;
    }
    // A new session knows nothing of the tape: it starts at BOT and must find everything.
    {
        let mut dev = vtl.open(4);
        let dev = dev.as_mut();
        assert_eq!(pos(dev), 0);
        dev.space(Space::EndOfData).unwrap();
        assert_eq!(pos(dev), expected);
        assert!(matches!(dev.space(Space::Blocks(-1)), Err(TapeError::Filemark)));
        assert_eq!(pos(dev), expected - 1, "the last object is a filemark: stopped on its BOT side");
        assert_eq!(read(dev, 4096).0, ReadOutcome::Filemark);
    }
    let mut dev2 = vtl.open(4);
    let dev2 = dev2.as_mut();
    dev2.space(Space::Filemarks(3)).unwrap();
    assert_eq!(dev2.position().unwrap(), tape::Position { block: 60, file: Some(3) });
    let (outcome, data) = read(dev2, 4096);
    assert_eq!(outcome, ReadOutcome::Block(512 + 60));
    assert!(data == pattern(60, 572));
    dev2.space(Space::Filemarks(-2)).unwrap();
    assert_eq!(pos(dev2), 39);
    dev2.space(Space::Blocks(-3)).unwrap();
    assert_eq!(pos(dev2), 36);
    assert!(read(dev2, 4096).1 == pattern(36, 548));
}

#[test]
fn tgt_drive_early_warning_near_capacity() {
    if !tgt_available("tgt_drive_early_warning_near_capacity") {
        return;
    }
    // Fresh 2 MiB cartridges: tgt reports EOM (NO SENSE, 00/00) once a write passes the
    // nominal size, writes it anyway, and never fails.
    let vtl = Vtl::start(Some(2));
    let mut dev = vtl.open(4);
    let dev = dev.as_mut();
    dev.rewind().unwrap();
    let b = pattern(7, K256);
    let mut first_warning = None;
    for i in 0..12 {
        if dev.write_block(&b).unwrap() == WriteOutcome::EarlyWarning && first_warning.is_none() {
            first_warning = Some(i);
        }
    }
    let first = first_warning.expect("early warning near the 2 MiB capacity");
    assert!((6..=9).contains(&first), "first early warning at block {first}");
    assert!(dev.status().unwrap().early_warning);
    dev.write_filemarks(1, true).unwrap();
    assert_eq!(pos(dev), 13);
    dev.rewind().unwrap();
    for _ in 0..12 {
        assert!(read(dev, K256).1 == b);
    }
    assert_eq!(read(dev, K256).0, ReadOutcome::Filemark);
}

#[test]
fn tgt_drive_passes_the_conformance_suite() {
    if !tgt_available("tgt_drive_passes_the_conformance_suite") {
        return;
    }
    let vtl = Vtl::start(None);
    let mut dev = vtl.open(4);
    conformance::run_suite(dev.as_mut(), &conformance::SuiteOptions { erase: false });
}

#[test]
fn tgt_empty_drive_and_changer_lun() {
    if !tgt_available("tgt_empty_drive_and_changer_lun") {
        return;
    }
    let vtl = Vtl::start(None);
    // LUN 1: a drive with no cartridge. It opens; it says so.
    let mut dev = vtl.open(1);
    assert!(!dev.status().unwrap().loaded);
    assert!(matches!(dev.read_block(&mut [0u8; 512]), Err(TapeError::NoTape)));
    assert!(matches!(dev.position(), Err(TapeError::NoTape)));
    assert_eq!(dev.identity().unwrap().serial, "VTLDRV0001");
    // LUN 3 is the changer: not a tape drive.
    let spec = DeviceSpec::parse(&vtl.url(3)).unwrap();
    match tape::open(&spec) {
        Err(e) => assert!(e.to_string().contains("not a tape drive"), "{e}"),
        Ok(_) => panic!("a changer LUN opened as a tape drive"),
    }

    // The changer loads TB0001L8 into drive 500 (LUN 1) behind the open drive's back: the
    // drive notices at its next command and starts from BOT.
    let url: IscsiUrl = vtl.url(3).parse().unwrap();
    let mut changer = IscsiTransport::connect(&url).expect("changer LUN");
    let mut move_medium = |from: u16, to: u16| {
        let [f0, f1] = from.to_be_bytes();
        let [t0, t1] = to.to_be_bytes();
        // MOVE MEDIUM: transport element 1, source, destination.
        let cdb = [0xA5, 0, 0, 1, f0, f1, t0, t1, 0, 0, 0, 0];
        let done = changer.execute(&cdb, DataDir::None, Duration::from_secs(60)).unwrap();
        assert_eq!(done.status, 0, "MOVE MEDIUM {from} -> {to}: sense {:02x?}", done.sense);
    };
    move_medium(1000, 500);
    let s = dev.status().unwrap();
    assert!(s.loaded && s.bot, "{s:?}");
    let b = pattern(1, 4096);
    dev.write_block(&b).unwrap();
    dev.write_filemarks(1, true).unwrap();
    dev.rewind().unwrap();
    assert!(read(dev.as_mut(), 8192).1 == b);
    assert_eq!(pos(dev.as_mut()), 1);
    move_medium(500, 1000);
    assert!(!dev.status().unwrap().loaded);
    assert!(matches!(dev.read_block(&mut [0u8; 512]), Err(TapeError::NoTape)));
}
