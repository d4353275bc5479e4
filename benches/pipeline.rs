//! The backup pipeline against GNU tar, measured in the same run on the same tree:
//! walk → pax tar (hashing every byte written) → frames (raw, zstd, AES-GCM) on encoder
//! threads → whole blocks on a virtual drive. The drive streams only if this beats 400 MB/s.
//!
//! `cargo bench --bench pipeline`. TAPEBACKARR_BENCH_MIB sizes the tree (default 1024);
//! TAPEBACKARR_BENCH_DIR places tree and tape (default the temp dir; use tmpfs, e.g. /dev/shm,
//! so the disk is not what is measured). Prints MB/s of source data and the ratio to GNU tar
//! (`tar -b512 -cf - . | cat`, which reads every file; > 1 means faster than tar).

use std::io::Write;
use std::path::Path;
use std::process::Command;
use std::time::Instant;

use tapebackarr::format::frame::Framing;
use tapebackarr::pipeline::part_writer::{PartConfig, PartWriter};
use tapebackarr::pipeline::select::Selector;
use tapebackarr::pipeline::tar::{Header, TarWriter};
use tapebackarr::pipeline::walk::{EntryKind, WalkOptions, Walker};
use tapebackarr::tape::TapeDevice;
use tapebackarr::tape::vtape::VirtualDrive;

const BLOCK: usize = 256 << 10;
const FRAME: usize = 16 << 20;

/// A mixed tree: a third in 4-64 KiB text files, a third in 1-8 MiB half-compressible files,
/// a third in 64 MiB random files.
fn make_tree(root: &Path, mib: usize) -> u64 {
    let mut x: u64 = 0x243f6a8885a308d3;
    let mut rnd = move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    let budget = (mib as u64) << 20;
    let mut total = 0u64;
    let mut n = 0;
    while total < budget {
        let class = n % 3;
        let dir = root.join(format!("d{:03}", n % 97));
        std::fs::create_dir_all(&dir).unwrap();
        let size = match class {
            0 => 4096 + (rnd() % (60 << 10)) as usize,
            1 => (1 << 20) + (rnd() % (7 << 20)) as usize,
            _ => 64 << 20,
        };
        let data: Vec<u8> = match class {
            0 => (0..size).map(|i| b"the quick brown fox jumps over the lazy tape\n"[i % 45]).collect(),
            1 => (0..size).map(|i| if (i / 65536) % 2 == 0 { (i % 251) as u8 } else { rnd() as u8 }).collect(),
            _ => (0..size / 8).flat_map(|_| rnd().to_le_bytes()).collect(),
        };
        std::fs::write(dir.join(format!("f{n:06}")), &data).unwrap();
        total += size as u64;
        n += 1;
    }
    total
}

fn gnu_tar(root: &Path) -> f64 {
    let t = Instant::now();
    let status = Command::new("sh")
        .arg("-c")
        .arg("tar -b512 -C \"$0\" -cf - . | cat > /dev/null")
        .arg(root)
        .status()
        .expect("sh and GNU tar");
    assert!(status.success());
    t.elapsed().as_secs_f64()
}

fn ours(root: &Path, tape_dir: &Path, framing: Framing, key: Option<[u8; 32]>) -> (f64, u64) {
    let _ = std::fs::remove_dir_all(tape_dir);
    VirtualDrive::create(tape_dir, 1 << 42).unwrap();
    let mut d = VirtualDrive::open(tape_dir).unwrap();
    d.insert_named("BENCH").unwrap();
    let cfg = PartConfig {
        framing,
        key,
        set_uuid: uuid::Uuid::new_v4(),
        block_size: BLOCK,
        frame_size: FRAME,
        workers: 2,
        first_seq: 0,
        stream_offset: 0,
        checkpoint_every: 0,
    };
    let t = Instant::now();
    let part = PartWriter::start(Box::new(d) as Box<dyn TapeDevice>, cfg).unwrap();
    let mut tar = TarWriter::new(part);
    for entry in Walker::new(root, Selector::all(), WalkOptions::default()).unwrap() {
        let entry = entry.unwrap();
        let header = Header::from(&entry);
        if matches!(entry.kind, EntryKind::File) {
            let f = std::fs::File::open(entry.full_path()).unwrap();
            tar.append_file(&header, entry.size, f).unwrap();
        } else {
            tar.append(&header).unwrap();
        }
    }
    let (mut part, _) = tar.finish().unwrap();
    part.flush().unwrap();
    let result = part.finish().unwrap();
    (t.elapsed().as_secs_f64(), result.tape_bytes)
}

fn main() {
    let mib: usize = std::env::var("TAPEBACKARR_BENCH_MIB").ok().and_then(|v| v.parse().ok()).unwrap_or(1024);
    let base =
        std::env::var_os("TAPEBACKARR_BENCH_DIR").map(std::path::PathBuf::from).unwrap_or_else(std::env::temp_dir);
    let dir = tempfile::tempdir_in(&base).unwrap();
    let tree = dir.path().join("tree");
    let bytes = make_tree(&tree, mib) as f64;
    gnu_tar(&tree); // warm the page cache for both
    let tar_secs = gnu_tar(&tree);
    println!(
        "pipeline bench: {:.0} MB tree under {}, {} cores; GNU tar -b512 | cat: {:.2} s = {:.0} MB/s",
        bytes / 1e6,
        base.display(),
        std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1),
        tar_secs,
        bytes / tar_secs / 1e6
    );
    let runs: [(&str, Framing, Option<[u8; 32]>); 4] = [
        ("raw", Framing::Raw, None),
        ("zstd:1", Framing::Zstd { level: 1 }, None),
        ("aes-gcm", Framing::Aead { zstd: None }, Some([7; 32])),
        ("zstd:1+aes-gcm", Framing::Aead { zstd: Some(1) }, Some([7; 32])),
    ];
    for (name, framing, key) in runs {
        // Best of two: the first run of a process also pays for fresh tmpfs pages.
        let (a, tape) = ours(&tree, &dir.path().join("tape"), framing, key);
        let (b, _) = ours(&tree, &dir.path().join("tape"), framing, key);
        let secs = a.min(b);
        println!(
            "  {name:<15} {secs:6.2} s  {:6.0} MB/s  ratio to GNU tar {:.2}  on tape {:.0} MB",
            bytes / secs / 1e6,
            tar_secs / secs,
            tape as f64 / 1e6
        );
    }
    println!("  (LTO-9 streams at 400 MB/s)");
}
