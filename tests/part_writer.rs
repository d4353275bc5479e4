//! The part writer end to end on the virtual drive: a stream cut into frames, encoded on
//! worker threads, written in order as whole blocks; read back frame by frame from the
//! positions it recorded, it is the same stream — for every framing.

use std::io::Write;

use tapebackarr::format::frame::{FrameDecoder, Framing};
use tapebackarr::pipeline::part_writer::{PartConfig, PartWriter};
use tapebackarr::tape::vtape::VirtualDrive;
use tapebackarr::tape::{ReadOutcome, TapeDevice};
use uuid::Uuid;

const BLOCK: usize = 64 << 10;
const FRAME: usize = 1 << 20;

/// Half compressible text, half noise, so zstd frames differ in size.
fn stream(len: usize) -> Vec<u8> {
    let mut x: u64 = 0x9e3779b97f4a7c15;
    (0..len)
        .map(|i| {
            if (i / 100_000) % 2 == 0 {
                b"tape streams all day long "[i % 26]
            } else {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                x as u8
            }
        })
        .collect()
}

fn drive(dir: &std::path::Path) -> Box<dyn TapeDevice> {
    VirtualDrive::create(dir, 1 << 34).unwrap();
    let mut d = VirtualDrive::open(dir).unwrap();
    d.insert_named("T").unwrap();
    Box::new(d)
}

fn round_trip(framing: Framing, key: Option<[u8; 32]>, len: usize) {
    let tmp = tempfile::tempdir().unwrap();
    let mut dev = drive(tmp.path());
    // Something before the part, as a label would be.
    dev.write_block(b"label").unwrap();
    dev.write_filemarks(1, true).unwrap();
    let set_uuid = Uuid::new_v4();
    let cfg = PartConfig {
        framing,
        key,
        set_uuid,
        block_size: BLOCK,
        frame_size: FRAME,
        workers: 2,
        first_seq: 0,
        stream_offset: 0,
        checkpoint_every: 0,
    };
    let data = stream(len);
    let mut w = PartWriter::start(dev, cfg).unwrap();
    // Odd-sized writes, and cursors that map stream offsets to frames.
    let mut checked = Vec::new();
    for chunk in data.chunks(77_777) {
        let (seq, offset, stream_offset) = w.cursor();
        assert_eq!(seq, stream_offset / FRAME as u64);
        assert_eq!(offset as u64, stream_offset % FRAME as u64);
        checked.push(stream_offset);
        w.write_all(chunk).unwrap();
    }
    let result = w.finish().unwrap();
    assert_eq!(result.stream_bytes, len as u64);
    assert_eq!(result.frames.len(), len.div_ceil(FRAME));
    let mut dev = result.dev;

    let mut decoder = FrameDecoder::new(framing, key.as_ref(), &set_uuid).unwrap();
    let mut back = Vec::new();
    let mut expected_block = 2; // after the label block and its filemark
    for f in &result.frames {
        assert_eq!(f.block, expected_block, "frames sit back to back from where the part began");
        expected_block += f.encoded_len.div_ceil(BLOCK as u64);
        dev.locate(f.block).unwrap();
        let mut encoded = Vec::new();
        let mut buf = vec![0u8; 2 * BLOCK];
        while (encoded.len() as u64) < f.encoded_len {
            match dev.read_block(&mut buf).unwrap() {
                ReadOutcome::Block(n) => encoded.extend_from_slice(&buf[..n]),
                other => panic!("frame {} ends early: {other:?}", f.seq),
            }
        }
        f.verify(&encoded).unwrap();
        let mut decoded = Vec::new();
        decoder.decode(f.seq, &encoded, &mut decoded).unwrap();
        assert_eq!(decoded.len() as u64, f.decoded_len);
        assert_eq!(f.stream_offset, back.len() as u64);
        back.extend_from_slice(&decoded);
    }
    assert!(back == data, "the stream read back differs");
}

#[test]
fn raw_frames_round_trip() {
    round_trip(Framing::Raw, None, 5 * FRAME + 12_345);
}

#[test]
fn zstd_frames_round_trip() {
    round_trip(Framing::Zstd { level: 3 }, None, 4 * FRAME + 1);
}

#[test]
fn encrypted_compressed_frames_round_trip() {
    round_trip(Framing::Aead { zstd: Some(1) }, Some([7u8; 32]), 3 * FRAME + 999);
}

#[test]
fn encrypted_frames_round_trip() {
    round_trip(Framing::Aead { zstd: None }, Some([9u8; 32]), 2 * FRAME);
}

#[test]
fn an_empty_part_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let cfg = PartConfig {
        framing: Framing::Zstd { level: 1 },
        key: None,
        set_uuid: Uuid::new_v4(),
        block_size: BLOCK,
        frame_size: FRAME,
        workers: 2,
        first_seq: 0,
        stream_offset: 0,
        checkpoint_every: 0,
    };
    let r = PartWriter::start(drive(tmp.path()), cfg).unwrap().finish().unwrap();
    assert!(r.frames.is_empty());
    assert_eq!(r.tape_bytes, 0);
}

#[test]
fn a_tape_error_stops_the_pipeline_with_that_error() {
    let tmp = tempfile::tempdir().unwrap();
    drop(drive(tmp.path()));
    std::fs::write(tmp.path().join("faults.json"), r#"{"fail_write_at": 20}"#).unwrap();
    let dev: Box<dyn TapeDevice> = Box::new(VirtualDrive::open(tmp.path()).unwrap());
    let cfg = PartConfig {
        framing: Framing::Raw,
        key: None,
        set_uuid: Uuid::new_v4(),
        block_size: BLOCK,
        frame_size: FRAME,
        workers: 2,
        first_seq: 0,
        stream_offset: 0,
        checkpoint_every: 0,
    };
    let mut w = PartWriter::start(dev, cfg).unwrap();
    let data = stream(20 * FRAME);
    let written = data.chunks(FRAME / 2).try_for_each(|c| w.write_all(c));
    let outcome = match written {
        Err(e) => e.to_string(),
        Ok(()) => match w.finish() {
            Err(e) => e.to_string(),
            Ok(_) => panic!("a failed write went unnoticed"),
        },
    };
    assert!(outcome.contains("injected"), "{outcome}");
}
