//! `catalog find` over a large catalog: builds N entries (default 10 million, like a big
//! file server's full backup) and times substring and glob searches, each returning the
//! first 100 hits. Target: under 100 ms.
//!
//! `cargo bench --bench find`; TAPEBACKARR_BENCH_ENTRIES sets N, TAPEBACKARR_BENCH_DIR where
//! the catalog goes (default the temp dir; tmpfs keeps the disk out of it).

use std::time::Instant;

use tapebackarr::catalog::Catalog;
use tapebackarr::catalog::entries::{EntryWriter, FindFilter, Match, NewEntry, find};

fn main() {
    let n: u64 = std::env::var("TAPEBACKARR_BENCH_ENTRIES").ok().and_then(|v| v.parse().ok()).unwrap_or(10_000_000);
    let base =
        std::env::var_os("TAPEBACKARR_BENCH_DIR").map(std::path::PathBuf::from).unwrap_or_else(std::env::temp_dir);
    let dir = tempfile::tempdir_in(&base).unwrap();
    let (mut cat, _) = Catalog::init(dir.path()).unwrap();
    cat.conn()
        .execute_batch(
            "INSERT INTO tape_pools (name) VALUES ('p');
             INSERT INTO backup_sources (name, source_type, path) VALUES ('src', 'local', '/srv');
             INSERT INTO backup_jobs (name, source_id, pool_id, backup_type) VALUES ('nightly', 1, 1, 'full');
             INSERT INTO tapes (label, pool_id, status) VALUES ('T1', 1, 'active');
             INSERT INTO backup_sets (job_id, tape_id, backup_type, start_time, status, uuid)
                 VALUES (1, 1, 'full', '2026-11-01 02:00:00', 'completed', 'bench');
             INSERT INTO backup_set_parts (backup_set_id, part, tape_id, data_file, header_block, first_frame, stream_offset, status)
                 VALUES (1, 1, 1, 1, 2, 0, 0, 'complete');",
        )
        .unwrap();
    let exts = ["jpg", "txt", "rs", "pdf", "log", "tar", "conf", "png"];
    let t = Instant::now();
    let mut i = 0u64;
    while i < n {
        let tx = cat.write().unwrap();
        {
            let mut w = EntryWriter::new(&tx, 1).unwrap();
            for _ in 0..100_000.min(n - i) {
                let path = format!(
                    "home/user{}/projects/p{}/src/module{}/file{}.{}",
                    i % 997,
                    i % 89,
                    i % 13,
                    i,
                    exts[(i % 8) as usize]
                );
                w.add(&NewEntry {
                    path: path.into(),
                    size: i * 37 % 100_000,
                    mode: 0o644,
                    mtime_ns: 1_700_000_000_000_000_000,
                    uid: 1000,
                    gid: 1000,
                    kind: "file",
                    link_target: None,
                    checksum: None,
                    block: Some(i / 64),
                    frame_seq: i / 64,
                    frame_offset: i % 64 * 1024,
                })
                .unwrap();
                i += 1;
            }
        }
        tx.commit().unwrap();
    }
    let build = t.elapsed().as_secs_f64();
    let size = std::fs::metadata(cat.path()).map(|m| m.len()).unwrap_or(0);
    println!(
        "find bench: {n} entries inserted in {build:.0} s ({:.0}/s), catalog {:.1} GB",
        n as f64 / build,
        size as f64 / 1e9
    );
    let queries: [(&str, Match); 6] = [
        ("file1234567", Match::Substring),
        ("module7/", Match::Substring),
        ("user42/", Match::Substring),
        ("*.pdf", Match::Glob),
        ("*/user996/*/file*.conf", Match::Glob),
        ("nothing-matches-this", Match::Substring),
    ];
    for (pattern, how) in queries {
        let mut times = Vec::new();
        let mut hits = 0;
        for _ in 0..5 {
            let f = FindFilter { pattern, how, job: None, source: None, since: None, limit: 100 };
            let t = Instant::now();
            hits = find(cat.conn(), &f).unwrap().len();
            times.push(t.elapsed().as_secs_f64() * 1000.0);
        }
        times.sort_by(f64::total_cmp);
        println!("  {:?} {pattern:<24} {hits:>3} hits  median {:8.1} ms  (target < 100 ms)", how, times[2]);
    }
}
