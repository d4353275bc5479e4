//! Hand-crafted hostile tapes: a set part whose tar stream (and index, so `catalog rebuild`
//! takes it in) holds `..` paths, absolute paths, a symlink planted to lead a later entry
//! outside, a hard link to a file outside, and a header with an absurd size. A restore of the
//! whole set must write nothing outside `--to`, restore the one honest file, and name the rest.

mod common;

use std::path::Path;

use common::{Home, stderr, stdout};
use serde_json::Value;
use tapebackarr::format::append::find_append_point;
use tapebackarr::format::frame::Framing;
use tapebackarr::format::index::{EndStatus, FileKind, FileRecord, FrameRecord, IndexWriter, PartRecord};
use tapebackarr::format::part::PartHeader;
use tapebackarr::tape::TapeDevice;
use tapebackarr::tape::vtape::VirtualDrive;

const BS: usize = 256 << 10;

/// One ustar header block, built by hand so nothing sanitises the name.
fn ustar(name: &[u8], typeflag: u8, size: u64, link: &[u8]) -> Vec<u8> {
    let mut h = vec![0u8; 512];
    h[..name.len()].copy_from_slice(name);
    h[100..108].copy_from_slice(b"0000644\0");
    h[108..116].copy_from_slice(b"0000000\0");
    h[116..124].copy_from_slice(b"0000000\0");
    h[124..136].copy_from_slice(format!("{size:011o}\0").as_bytes());
    h[136..148].copy_from_slice(b"14000000000\0");
    h[156] = typeflag;
    h[157..157 + link.len()].copy_from_slice(link);
    h[257..263].copy_from_slice(b"ustar\0");
    h[263..265].copy_from_slice(b"00");
    h[148..156].copy_from_slice(b"        ");
    let sum: u32 = h.iter().map(|b| *b as u32).sum();
    h[148..156].copy_from_slice(format!("{sum:06o}\0 ").as_bytes());
    h
}

fn padded(content: &[u8]) -> Vec<u8> {
    let mut v = content.to_vec();
    v.resize(content.len().div_ceil(512) * 512, 0);
    v
}

struct Hostile {
    stream: Vec<u8>,
    files: Vec<FileRecord>,
}

impl Hostile {
    fn add(&mut self, name: &[u8], kind: FileKind, typeflag: u8, content: &[u8], link: &[u8]) {
        let offset = self.stream.len() as u64;
        self.stream.extend(ustar(name, typeflag, content.len() as u64, link));
        self.stream.extend(padded(content));
        self.files.push(FileRecord {
            path: name.to_vec(),
            size: content.len() as u64,
            mode: 0o644,
            mtime: 0o14000000000,
            mtime_nsec: 0,
            uid: 0,
            gid: 0,
            kind,
            link: (!link.is_empty()).then(|| link.to_vec()),
            blake3: (typeflag == b'0').then(|| *blake3::hash(content).as_bytes()),
            frame: 0,
            offset,
            frame_block: None,
        });
    }
}

#[test]
fn a_hostile_tape_writes_nothing_outside_the_destination() {
    let h = Home::with_basics();
    let vl = h.dir.path().join("vl");
    let drive_dir = vl.join("drives/0");
    h.ok(["vlib", "create", vl.to_str().unwrap(), "--slots", "2", "--drives", "1", "--tapes", "1"]);
    h.ok(["drive", "add", "d0", "--device", &format!("vtape:{}", drive_dir.display())]);
    h.ok(["drive", "load", "--tape", "VT0001L8"]);
    h.ok(["tape", "label", "W1", "--pool", "weekly"]);

    let outside = h.dir.path().join("outside");
    std::fs::create_dir(&outside).unwrap();
    let target = outside.join("victim.txt");
    std::fs::write(&target, b"untouched\n").unwrap();

    let mut t = Hostile { stream: Vec::new(), files: Vec::new() };
    t.add(b"honest.txt", FileKind::File, b'0', b"fine\n", b"");
    t.add(b"../escape.txt", FileKind::File, b'0', b"escaped\n", b"");
    t.add(b"/tmp/absolute-escape.txt", FileKind::File, b'0', b"absolute\n", b"");
    t.add(b"a/../../escape2.txt", FileKind::File, b'0', b"escaped\n", b"");
    let planted = outside.to_str().unwrap().as_bytes().to_vec();
    t.add(b"planted", FileKind::Symlink, b'2', b"", &planted);
    t.add(b"planted/victim.txt", FileKind::File, b'0', b"overwritten!\n", b"");
    t.add(b"hard", FileKind::Hardlink, b'1', b"", target.to_str().unwrap().as_bytes());
    t.add(b"hard2", FileKind::Hardlink, b'1', b"", b"../outside/victim.txt");
    // A header promising a petabyte: the stream ends long before.
    let offset = t.stream.len() as u64;
    t.stream.extend(ustar(b"huge.bin", b'0', 0, b""));
    let at = offset as usize + 124;
    t.stream[at..at + 12].copy_from_slice(b"77777777777\0");
    let sum_at = offset as usize + 148;
    t.stream[sum_at..sum_at + 8].copy_from_slice(b"        ");
    let sum: u32 = t.stream[offset as usize..offset as usize + 512].iter().map(|b| *b as u32).sum();
    t.stream[sum_at..sum_at + 8].copy_from_slice(format!("{sum:06o}\0 ").as_bytes());
    t.files.push(FileRecord {
        path: b"huge.bin".to_vec(),
        size: 0o77777777777,
        mode: 0o644,
        mtime: 0,
        mtime_nsec: 0,
        uid: 0,
        gid: 0,
        kind: FileKind::File,
        link: None,
        blake3: Some([0; 32]),
        frame: 0,
        offset,
        frame_block: None,
    });
    t.stream.extend_from_slice(&[0u8; 1024]);

    // Append it to the tape as a raw set part, as a backup would lay it out.
    {
        let mut dev = VirtualDrive::open(&drive_dir).unwrap();
        let at = find_append_point(&mut dev).unwrap();
        let uuid = uuid::Uuid::new_v4();
        let mut header = PartHeader::new(uuid, Framing::Raw, None, BS as u32, 8 << 20, "2026-11-28T00:00:00Z".into());
        header.job = "evil".into();
        header.source = "evil".into();
        dev.write_block(&header.encode(Some(at.file)).unwrap()).unwrap();
        let data_block = dev.position().unwrap().block;
        for chunk in t.stream.chunks(BS) {
            dev.write_block(chunk).unwrap();
        }
        dev.write_filemarks(1, false).unwrap();
        let mut index = IndexWriter::new(BS, 3).unwrap();
        index.write_part(&PartRecord { header, data_file: at.file, first_block: at.block }).unwrap();
        index
            .write_frame(&FrameRecord {
                seq: 0,
                block: data_block,
                stream_offset: 0,
                encoded_len: t.stream.len() as u64,
                decoded_len: t.stream.len() as u64,
                blake3: *blake3::hash(&t.stream).as_bytes(),
            })
            .unwrap();
        for f in &t.files {
            index.write_file(f).unwrap();
        }
        for block in index.finish(EndStatus::Complete, t.stream.len() as u64).unwrap() {
            dev.write_block(&block).unwrap();
        }
        dev.write_filemarks(1, true).unwrap();
    }

    // The catalog learns of it from the tape, as after a disaster.
    let out = h.run(["--json", "catalog", "rebuild"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let set: i64 = h.sql().query_row("SELECT id FROM backup_sets WHERE uuid IS NOT NULL", [], |r| r.get(0)).unwrap();
    // The rebuild says so, and marks them.
    let report = stdout(&out) + &stderr(&out);
    assert!(report.contains("3 entries have paths no restore will write"), "{report}");
    assert!(report.contains("'../escape.txt' (a `..` component)"), "{report}");
    let marked: Vec<String> = {
        let conn = h.sql();
        let mut stmt =
            conn.prepare("SELECT file_path FROM catalog_entries WHERE unsafe_path ORDER BY file_path").unwrap();
        stmt.query_map([], |r| r.get(0)).unwrap().map(Result::unwrap).collect()
    };
    assert_eq!(marked, ["../escape.txt", "/tmp/absolute-escape.txt", "a/../../escape2.txt"]);

    let dest = h.dir.path().join("dest");
    let out = h.run(["--json", "restore", "--set", &set.to_string(), "--to", dest.to_str().unwrap()]);
    let code = out.status.code();
    assert!(matches!(code, Some(1) | Some(5)), "{code:?}: {}", stderr(&out));
    let lines: Vec<Value> = stdout(&out).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let summary = lines.last().unwrap();
    assert_eq!(summary["type"], "summary");
    // honest.txt, and the symlink itself (a link may point anywhere; it is never followed).
    assert_eq!(summary["restored"], 2, "{summary}");
    assert_eq!(summary["damaged"], 1, "the petabyte promise: {summary}");
    assert_eq!(std::fs::read(dest.join("honest.txt")).unwrap(), b"fine\n");
    assert!(std::fs::symlink_metadata(dest.join("planted")).unwrap().file_type().is_symlink());

    // Nothing escaped: the victim is intact, nothing new appeared beside the destination or in /tmp.
    assert_eq!(std::fs::read(&target).unwrap(), b"untouched\n");
    assert_eq!(std::fs::read_dir(&outside).unwrap().count(), 1);
    assert!(!h.dir.path().join("escape.txt").exists());
    assert!(!h.dir.path().join("escape2.txt").exists());
    assert!(!Path::new("/tmp/absolute-escape.txt").exists());
    let errors: Vec<&Value> = lines.iter().filter(|l| l["type"] == "entry_error").collect();
    assert!(errors.len() >= 6, "every hostile entry is named: {errors:?}");
    // With --json, stdout carries the lines and the summary; stderr one error for the outcome.
    let err: Value = serde_json::from_str(stderr(&out).trim()).unwrap();
    assert_eq!((&err["type"], &err["exit_code"]), (&Value::from("error"), &Value::from(code.unwrap())), "{err}");
}
