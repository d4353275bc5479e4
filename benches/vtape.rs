//! How fast the virtual drive moves blocks, against a plain file copy of the same bytes in
//! the same run: the emulator must not be what a pipeline benchmark measures.
//!
//! `cargo bench --bench vtape` (MiB via TAPEBACKARR_BENCH_MIB, default 1024; directory via
//! TAPEBACKARR_BENCH_DIR, default the system temp dir — use tmpfs to take the disk out).

use std::io::Write;
use std::time::Instant;

use tapebackarr::tape::vtape::VirtualDrive;
use tapebackarr::tape::{ReadOutcome, TapeDevice};

const BLOCK: usize = 256 << 10;

fn main() {
    let mib: usize = std::env::var("TAPEBACKARR_BENCH_MIB").ok().and_then(|v| v.parse().ok()).unwrap_or(1024);
    let base =
        std::env::var_os("TAPEBACKARR_BENCH_DIR").map(std::path::PathBuf::from).unwrap_or_else(std::env::temp_dir);
    let dir = tempfile::tempdir_in(&base).expect("temp dir");
    let blocks = mib * (1 << 20) / BLOCK;
    let data: Vec<u8> = (0..BLOCK).map(|i| (i * 31 % 251) as u8).collect();
    let bytes = (blocks * BLOCK) as f64;

    // Alternate baseline and vtape runs and keep each one's best, so page-cache warm-up
    // favours neither.
    let mut best = [f64::MAX; 4];
    for round in 0..2 {
        let (pw, pr) = plain_file(dir.path(), blocks, &data);
        let (vw, vr) = vtape(&dir.path().join(format!("drive{round}")), blocks, &data);
        for (b, v) in best.iter_mut().zip([pw, pr, vw, vr]) {
            *b = b.min(v);
        }
    }
    let [plain_write, plain_read, vtape_write, vtape_read] = best;

    let mbs = |secs: f64| bytes / secs / 1e6;
    println!("vtape bench: {mib} MiB in {} KiB blocks under {}", BLOCK >> 10, base.display());
    println!(
        "  write: vtape {:7.0} MB/s   plain file {:7.0} MB/s   ratio {:.2}",
        mbs(vtape_write),
        mbs(plain_write),
        plain_write / vtape_write
    );
    println!(
        "  read:  vtape {:7.0} MB/s   plain file {:7.0} MB/s   ratio {:.2}",
        mbs(vtape_read),
        mbs(plain_read),
        plain_read / vtape_read
    );
    println!("  (LTO-9 native: 400 MB/s)");
}

/// Writes and reads `blocks` blocks of a plain file; returns (write, read) seconds.
fn plain_file(dir: &std::path::Path, blocks: usize, data: &[u8]) -> (f64, f64) {
    use std::io::Read;
    let plain = dir.join("plain");
    let t = Instant::now();
    let mut f = std::fs::File::create(&plain).unwrap();
    for _ in 0..blocks {
        f.write_all(data).unwrap();
    }
    f.sync_all().unwrap();
    let write = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let mut f = std::fs::File::open(&plain).unwrap();
    let mut buf = vec![0u8; BLOCK];
    while f.read(&mut buf).unwrap() > 0 {}
    let read = t.elapsed().as_secs_f64();
    std::fs::remove_file(&plain).unwrap();
    (write, read)
}

/// The same through a virtual drive: blocks, a flushing filemark, rewind, read to the mark.
fn vtape(drive_dir: &std::path::Path, blocks: usize, data: &[u8]) -> (f64, f64) {
    VirtualDrive::create(drive_dir, 1 << 40).unwrap();
    let mut d = VirtualDrive::open(drive_dir).unwrap();
    d.insert_named("BENCH").unwrap();
    let t = Instant::now();
    for _ in 0..blocks {
        d.write_block(data).unwrap();
    }
    d.write_filemarks(1, true).unwrap();
    std::fs::File::open(d.cartridge().unwrap().join("data")).unwrap().sync_all().unwrap();
    let write = t.elapsed().as_secs_f64();
    d.rewind().unwrap();
    let mut buf = vec![0u8; 2 * BLOCK];
    let t = Instant::now();
    let mut read = 0;
    while let ReadOutcome::Block(n) = d.read_block(&mut buf).unwrap() {
        read += n;
    }
    let elapsed = t.elapsed().as_secs_f64();
    assert_eq!(read, blocks * BLOCK);
    drop(d);
    std::fs::remove_dir_all(drive_dir).unwrap();
    (write, elapsed)
}
