//! Thirty simulated days of an unattended site: a daily job with 7-day retention on a pool of
//! four small cartridges in the virtual library, run only by `schedule run-due` (which also
//! expires, and appends a copy of the catalog after each round), the machine off for three of
//! the days. It must never run out of tapes, never
//! lose a set inside retention, and restore any day inside retention as it was.

mod common;
#[path = "common/tree.rs"]
mod tree;

use std::collections::BTreeMap;
use std::path::Path;

use common::{Home, ndjson, stderr};

const MIB: usize = 1 << 20;

/// The source as it stands on day `day`: the files of the last three days (2 MiB each, new
/// content every day) and `state.txt` naming the day.
fn tree_of(day: u32) -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    for d in day.saturating_sub(2).max(1)..=day {
        files.insert(format!("days/day-{d:02}.bin"), tree::noise(2 * MIB, u64::from(d)));
    }
    files.insert("state.txt".into(), format!("day {day}\n").into_bytes());
    files
}

/// Makes the source directory hold exactly `files`.
fn make_source(root: &Path, files: &BTreeMap<String, Vec<u8>>) {
    if root.exists() {
        std::fs::remove_dir_all(root).unwrap();
    }
    for (path, content) in files {
        let p = root.join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, content).unwrap();
    }
}

/// Every regular file under `root`, by relative path.
fn read_tree(root: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut dirs = vec![root.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let entry = entry.unwrap();
            let kind = entry.file_type().unwrap();
            if kind.is_dir() {
                dirs.push(entry.path());
            } else if kind.is_file() {
                let rel = entry.path().strip_prefix(root).unwrap().to_str().unwrap().to_string();
                out.insert(rel, std::fs::read(entry.path()).unwrap());
            }
        }
    }
    out
}

fn date(day: u32) -> String {
    // Day 1 is 2030-03-01 (UTC all along: clock changes have their own test in schedule.rs).
    (chrono::NaiveDate::from_ymd_opt(2030, 3, 1).unwrap() + chrono::Duration::days(i64::from(day) - 1))
        .format("%Y-%m-%d")
        .to_string()
}

#[test]
fn thirty_days_of_a_daily_job_never_run_out_of_tapes_nor_lose_a_set_inside_retention() {
    let h = Home::with_library("24M", 4);
    let source = h.data();
    make_source(&source, &tree_of(0));
    h.ok(["pool", "update", "p", "--retention-days", "7"]);
    h.ok_os(&["source".as_ref(), "add".as_ref(), "s".as_ref(), source.as_os_str()]);
    h.ok_at(
        &format!("{} 12:00:00", date(0)),
        ["job", "create", "daily", "--source", "s", "--pool", "p", "--schedule", "0 2 * * *", "--retention-days", "7"],
    );

    let off = 17..=19;
    let mut ran_on = Vec::new();
    let mut reused = 0;
    for day in 1..=30u32 {
        // The day's changes happen before the night's backup.
        make_source(&source, &tree_of(day));
        if off.contains(&day) {
            continue; // the machine is off: no run-due at all
        }
        let when = format!("{} 02:00:30", date(day));
        let out = h.run_at(&when, ["--json", "schedule", "run-due", "--catalog-backup"]);
        let records = ndjson(&out);
        assert_eq!(out.status.code(), Some(0), "day {day}: {records:?}\n{}", stderr(&out));
        let runs: Vec<_> = records.iter().filter(|r| r["type"] == "run").collect();
        assert_eq!(runs.len(), 1, "day {day}: exactly one run: {records:?}");
        assert_eq!(runs[0]["result"], "completed", "day {day}: {records:?}");
        let slot = if day == 20 { date(17) } else { date(day) };
        assert_eq!(runs[0]["slot"], format!("{slot}T02:00:00Z"), "day {day}: the missed slots made one run");
        // The newest copy of the catalog goes with the data, and does not keep old tapes.
        let copies: Vec<_> = records.iter().filter(|r| r["type"] == "catalog_backup").collect();
        assert_eq!(copies.len(), 1, "day {day}: {records:?}");
        assert_eq!(
            copies[0]["backup"]["tape"],
            runs[0]["summary"]["tapes"].as_array().unwrap().last().unwrap().clone()
        );
        ran_on.push(day);
        reused += records
            .iter()
            .filter(|r| r["type"] == "expire")
            .map(|r| r["tapes"].as_array().map_or(0, Vec::len))
            .sum::<usize>();

        // Nothing inside retention is gone: every set that completed less than 7 days ago is
        // live, with its entries.
        let db = h.sql();
        let lost: i64 = db
            .query_row(
                "SELECT count(*) FROM backup_sets WHERE status = 'completed' AND expired_at IS NOT NULL
                   AND end_time > datetime(?1, '-7 days')",
                [format!("{} 02:00:30", date(day))],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(lost, 0, "day {day}: a set inside retention expired");
    }
    assert!(reused >= 2, "tapes came back into use: {reused} expired tape(s)");
    let reuses: i64 =
        h.sql().query_row("SELECT count(*) FROM audit_logs WHERE action = 'tape.reuse'", [], |r| r.get(0)).unwrap();
    assert!(reuses >= 2, "expired tapes were erased after their label and written again: {reuses}");
    // Old catalog copies went with their reused tapes; the newest keeps its tape.
    let db = h.sql();
    let erased: i64 = db
        .query_row(
            "SELECT count(*) FROM database_backups WHERE error_message = 'erased: the tape was reused'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(erased >= 2, "{erased}");
    let newest_tape: String = db
        .query_row(
            "SELECT t.status FROM database_backups d JOIN tapes t ON t.id = d.tape_id
             WHERE d.status = 'completed' ORDER BY d.id DESC LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(newest_tape, "active");
    let sets = h.json(["backup", "list", "--limit", "1000"]);
    let live = sets["sets"].as_array().unwrap().iter().filter(|s| s["expired_at"].is_null()).count();
    assert!((7..=9).contains(&live), "about a week of sets is kept, not all {}: {live}", ran_on.len());
    h.ok(["catalog", "check"]);

    // Any day inside retention restores as it was; the machine was off on days 17-19.
    for day in 24..=30u32 {
        let dest = h.dir.path().join(format!("restore-{day}"));
        let as_of = format!("{} 03:00:00", date(day));
        h.ok_at(
            "2030-03-30 12:00:00",
            ["restore", "--job", "daily", "--as-of", &as_of, "--to", dest.to_str().unwrap()],
        );
        assert_eq!(read_tree(&dest), tree_of(day), "day {day} restored as it was");
    }
    // The catalog lost on day 30: the copy that run-due left on the tape in the drive holds
    // that night's set.
    let copy = h.dir.path().join("restored.db");
    let drive = format!("vtape:{}", h.dir.path().join("vl/drives/0").display());
    h.ok(["catalog", "restore-db", "--device", &drive, "--to", copy.to_str().unwrap()]);
    let restored = rusqlite::Connection::open(&copy).unwrap();
    let newest: String = restored
        .query_row("SELECT max(start_time) FROM backup_sets WHERE status = 'completed'", [], |r| r.get(0))
        .unwrap();
    assert!(newest.starts_with(&date(30)), "{newest}");

    // A day past retention says so.
    let out = h.run_at(
        "2030-03-30 12:00:00",
        [
            "restore",
            "--job",
            "daily",
            "--as-of",
            &format!("{} 03:00:00", date(10)),
            "--to",
            h.dir.path().join("old").to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("expired"), "{}", stderr(&out));
}
