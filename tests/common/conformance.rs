//! One conformance suite for every `TapeDevice` backend: what a real drive in variable-block
//! mode does, checked the same way against the virtual drive and against tgt's SSC drive.
//! Reads always use a buffer of at least twice the largest block (tgt mis-reads otherwise).

#![allow(dead_code)]

use tapebackarr::tape::{ReadOutcome, Space, TapeDevice, TapeError, WriteOutcome};

/// What the device under test cannot do, so the suite skips only that (and says so).
#[derive(Debug, Clone, Copy)]
pub struct SuiteOptions {
    /// ERASE is implemented.
    pub erase: bool,
}

const BIG: usize = 2 << 20;

fn pattern(seed: usize, len: usize) -> Vec<u8> {
    (0..len).map(|i| (seed.wrapping_mul(131) ^ i.wrapping_mul(7)) as u8).collect()
}

fn read(dev: &mut dyn TapeDevice) -> (ReadOutcome, Vec<u8>) {
    let mut buf = vec![0u8; BIG];
    let outcome = dev.read_block(&mut buf).expect("read");
    let n = match outcome {
        ReadOutcome::Block(n) => n,
        _ => 0,
    };
    buf.truncate(n);
    (outcome, buf)
}

fn pos(dev: &mut dyn TapeDevice) -> (u64, Option<u64>) {
    let p = dev.position().expect("position");
    (p.block, p.file)
}

/// Lays down: file 0 = blocks of 1, 512, 65536, 262144 bytes; FM; file 1 = 2 blocks of
/// 1000 and 300000 bytes; FM; FM. Logical blocks: 0-3 data, 4 FM, 5-6 data, 7 FM, 8 FM, 9 EOD.
fn lay_down(dev: &mut dyn TapeDevice) -> Vec<Vec<u8>> {
    dev.rewind().expect("rewind");
    let sizes = [1usize, 512, 65536, 262144, 1000, 300000];
    let blocks: Vec<Vec<u8>> = sizes.iter().enumerate().map(|(i, &n)| pattern(i + 1, n)).collect();
    for b in &blocks[..4] {
        assert_eq!(dev.write_block(b).expect("write"), WriteOutcome::Written);
    }
    dev.write_filemarks(1, false).expect("filemark");
    for b in &blocks[4..] {
        dev.write_block(b).expect("write");
    }
    dev.write_filemarks(2, true).expect("filemarks");
    blocks
}

pub fn run_suite(dev: &mut dyn TapeDevice, opts: &SuiteOptions) {
    let id = dev.identity().expect("identity");
    assert!(!id.vendor.trim().is_empty(), "identity names a vendor: {id:?}");
    assert!(dev.status().expect("status").loaded, "a tape is loaded");

    let blocks = lay_down(dev);
    assert_eq!(pos(dev), (9, Some(3)), "positions count filemarks, as READ POSITION does");

    // Sequential read back, with filemarks and end of data as outcomes.
    dev.rewind().unwrap();
    assert!(dev.status().unwrap().bot, "at BOT after rewind");
    for b in &blocks[..4] {
        assert_eq!(read(dev), (ReadOutcome::Block(b.len()), b.clone()));
    }
    assert_eq!(read(dev).0, ReadOutcome::Filemark);
    assert_eq!(pos(dev), (5, Some(1)));
    for b in &blocks[4..] {
        assert_eq!(read(dev), (ReadOutcome::Block(b.len()), b.clone()));
    }
    assert_eq!(read(dev).0, ReadOutcome::Filemark);
    assert_eq!(read(dev).0, ReadOutcome::Filemark);
    assert_eq!(read(dev).0, ReadOutcome::EndOfData, "reading blank tape says end of data");
    assert_eq!(read(dev).0, ReadOutcome::EndOfData, "and keeps saying it");

    // LOCATE (native or emulated) to every block.
    for (block, expect) in [(6u64, &blocks[5]), (0, &blocks[0]), (3, &blocks[3]), (5, &blocks[4])] {
        dev.locate(block).unwrap();
        assert_eq!(pos(dev).0, block);
        assert_eq!(read(dev).1, *expect, "block read after locate {block}");
    }
    dev.locate(4).unwrap();
    assert_eq!(read(dev).0, ReadOutcome::Filemark, "locate onto a filemark");

    // SPACE over blocks: a filemark in the way stops the move just past it.
    dev.rewind().unwrap();
    dev.space(Space::Blocks(2)).unwrap();
    assert_eq!(pos(dev).0, 2);
    dev.space(Space::Blocks(-1)).unwrap();
    assert_eq!(read(dev).1, blocks[1]);
    dev.locate(3).unwrap();
    assert!(matches!(dev.space(Space::Blocks(3)), Err(TapeError::Filemark)), "a filemark stops block spacing");
    assert_eq!(pos(dev).0, 5, "just past the filemark");
    assert_eq!(read(dev).1, blocks[4]);
    dev.rewind().unwrap();
    assert!(matches!(dev.space(Space::Blocks(-1)), Err(TapeError::BeginningOfTape)));

    // SPACE over filemarks, both ways, and to end of data.
    dev.rewind().unwrap();
    dev.space(Space::Filemarks(1)).unwrap();
    assert_eq!(pos(dev), (5, Some(1)));
    assert_eq!(read(dev).1, blocks[4]);
    dev.space(Space::Filemarks(-1)).unwrap();
    assert_eq!(pos(dev).0, 4, "backwards ends on the BOT side of the filemark");
    dev.space(Space::EndOfData).unwrap();
    assert_eq!(pos(dev).0, 9);
    dev.rewind().unwrap();
    assert!(matches!(dev.space(Space::Filemarks(4)), Err(TapeError::EndOfData)), "no fourth filemark");

    // A buffer smaller than the block is an error, and the tape moves past the block.
    dev.locate(3).unwrap();
    let mut small = vec![0u8; 1000];
    match dev.read_block(&mut small) {
        Err(TapeError::BlockTooLarge { block_len, buffer_len }) => {
            assert_eq!((block_len, buffer_len), (262144, 1000));
        }
        other => panic!("expected BlockTooLarge, got {other:?}"),
    }
    assert_eq!(read(dev).0, ReadOutcome::Filemark, "positioned past the oversized block");

    // Writing truncates everything after it.
    dev.locate(5).unwrap();
    let replacement = pattern(99, 4096);
    dev.write_block(&replacement).unwrap();
    dev.write_filemarks(1, true).unwrap();
    assert_eq!(pos(dev).0, 7);
    dev.locate(5).unwrap();
    assert_eq!(read(dev).1, replacement);
    assert_eq!(read(dev).0, ReadOutcome::Filemark);
    assert_eq!(read(dev).0, ReadOutcome::EndOfData, "the old file 1 is gone");
    dev.space(Space::EndOfData).unwrap();
    assert_eq!(pos(dev).0, 7);

    // Appending at end of data.
    dev.write_block(b"appended").unwrap();
    dev.write_filemarks(1, true).unwrap();
    dev.rewind().unwrap();
    dev.space(Space::Filemarks(2)).unwrap();
    assert_eq!(read(dev).1, b"appended");

    if opts.erase {
        dev.rewind().unwrap();
        dev.erase(true).unwrap();
        dev.rewind().unwrap();
        assert_eq!(read(dev).0, ReadOutcome::EndOfData, "an erased tape is blank");
    } else {
        eprintln!("conformance: ERASE not implemented by this device; erase checks not run");
    }
}
