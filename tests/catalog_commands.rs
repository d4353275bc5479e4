//! `catalog find|ls|tapes|stats` over real backups on the virtual library: a full set on one
//! tape and an incremental (a change, an addition, a deletion) on a second, with names that
//! hold a newline or are not UTF-8. Reads change nothing in the catalog.

mod common;
#[path = "common/tree.rs"]
mod tree;

use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;

use base64::Engine;
use common::{Home, stderr, stdout};
use serde_json::{Value, json};

const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD;

/// Set 1: a full backup of `nightly` on tape W1 (VT0001L8, now back in its slot). Set 2: an
/// incremental on W2 (VT0002L8, in drive d0) that changes docs/report-2026.txt, adds
/// docs/new.txt and deletes docs/old/draft.txt. Set 1 is dated 2026-01-01 10:00 and set 2
/// 2026-01-02 10:00 (UTC), so points in time fall between them. A second job, `other`, has
/// no sets.
fn two_sets() -> Home {
    let h = Home::with_basics();
    let vl = h.dir.path().join("vl");
    h.ok(["vlib", "create", vl.to_str().unwrap(), "--slots", "4", "--drives", "1", "--tapes", "3", "--capacity", "8G"]);
    h.ok(["drive", "add", "d0", "--device", &format!("vtape:{}", vl.join("drives/0").display())]);
    h.ok(["drive", "load", "--tape", "VT0001L8"]);
    h.ok(["tape", "label", "W1", "--pool", "weekly"]);
    h.ok(["job", "create", "other", "--source", "home", "--pool", "weekly"]);
    tree::Builder::new(&h.data())
        .mkdir(b"docs")
        .file(b"docs/report-2026.txt", b"quarterly numbers\n")
        .file(b"docs/notes.md", b"notes\n")
        .mkdir(b"docs/old")
        .file(b"docs/old/draft.txt", b"draft\n")
        .mkdir(b"pics")
        .file(b"pics/holiday\nbeach.jpg", b"jpeg with a newline in its name")
        .file(b"pics/caf\xe9.jpg", b"latin-1 name")
        .mkdir(b"pics/\xffdir")
        .file(b"pics/\xffdir/inside.jpg", b"inside a directory whose name is not UTF-8")
        .symlink(b"link", b"docs/report-2026.txt");
    backup(&h, &["nightly"]);

    std::thread::sleep(std::time::Duration::from_millis(20)); // file times tick coarsely: let one pass
    std::fs::write(h.data().join("docs/report-2026.txt"), b"quarterly numbers, revised and longer\n").unwrap();
    std::fs::write(h.data().join("docs/new.txt"), b"new\n").unwrap();
    std::fs::remove_file(h.data().join("docs/old/draft.txt")).unwrap();
    h.ok(["drive", "eject"]);
    h.ok(["drive", "load", "--tape", "VT0002L8"]);
    h.ok(["tape", "label", "W2", "--pool", "weekly"]);
    let inc = backup(&h, &["nightly", "--incremental"]);
    assert_eq!(inc["backup_type"], "incremental");
    assert_eq!(inc["tape"], "W2");
    assert_eq!(inc["deleted"], 1);
    h.sql()
        .execute_batch(
            "UPDATE backup_sets SET start_time = '2026-01-01 10:00:00' WHERE id = 1;
             UPDATE backup_sets SET start_time = '2026-01-02 10:00:00' WHERE id = 2;",
        )
        .unwrap();
    h
}

/// Runs `backup run ARGS --json`, asserts exit 0 and returns the summary event.
fn backup(h: &Home, args: &[&str]) -> Value {
    let mut all = vec!["--json", "backup", "run"];
    all.extend_from_slice(args);
    let out = h.run(&all);
    assert_eq!(out.status.code(), Some(0), "backup {args:?}: {}", stderr(&out));
    let last = stdout(&out).lines().last().map(|l| serde_json::from_str::<Value>(l).unwrap()).unwrap();
    assert_eq!(last["type"], "summary");
    last
}

/// `tapebackarr --json ARGS` that must fail with `exit` and `code`, changing nothing.
fn fails(h: &Home, args: &[&str], exit: i32, code: &str) -> String {
    let before = h.snapshot();
    let mut all = vec!["--json"];
    all.extend_from_slice(args);
    let out = h.run(&all);
    assert_eq!(out.status.code(), Some(exit), "{args:?}: {}", stderr(&out));
    assert!(out.stdout.is_empty(), "{}", stdout(&out));
    let err: Value = serde_json::from_slice(&out.stderr).unwrap_or_else(|_| panic!("{}", stderr(&out)));
    assert_eq!(err["code"], code, "{err}");
    assert_eq!(h.snapshot(), before);
    err["message"].as_str().unwrap().to_string()
}

fn text(s: &str) -> Value {
    json!({ "text": s })
}

fn bytes(b: &[u8]) -> Value {
    json!({ "bytes": B64.encode(b) })
}

/// (path, set) of every hit.
fn hits(v: &Value) -> Vec<(Value, i64)> {
    v["hits"].as_array().unwrap().iter().map(|h| (h["path"].clone(), h["set"].as_i64().unwrap())).collect()
}

#[test]
fn find_by_substring_and_glob_with_filters() {
    let h = two_sets();
    let before = h.snapshot();

    // Substring: both versions of the report, the incremental's first, each with its tape.
    let v = h.json(["catalog", "find", "report"]);
    assert_eq!(v["match"], "substring");
    assert_eq!(v["indexed"], true);
    assert_eq!(v["truncated"], false);
    assert_eq!(hits(&v), [(text("docs/report-2026.txt"), 2), (text("docs/report-2026.txt"), 1)]);
    let newest = &v["hits"][0];
    assert_eq!(newest["tapes"], json!(["W2"]));
    assert_eq!(newest["backup_type"], "incremental");
    assert_eq!(newest["backup_time"], "2026-01-02T10:00:00Z");
    assert_eq!(newest["job"], "nightly");
    assert_eq!(newest["source"], "home");
    assert_eq!(newest["kind"], "file");
    assert_eq!(newest["size"], 38);
    assert!(newest["mtime"].as_str().unwrap().ends_with('Z'));
    assert_eq!(v["hits"][1]["tapes"], json!(["W1"]));
    assert_eq!(v["hits"][1]["size"], 18);
    // Substrings ignore case.
    assert_eq!(hits(&h.json(["catalog", "find", "REPORT"])).len(), 2);

    // Globs match the whole path; '*' crosses '/'. Odd names come back byte for byte.
    let v = h.json(["catalog", "find", "*.jpg"]);
    assert_eq!(v["match"], "glob");
    let mut got = hits(&v);
    got.sort_by_key(|(p, _)| p.to_string()); // by the JSON text: base64 and all
    assert_eq!(
        got,
        [(bytes(b"pics/\xffdir/inside.jpg"), 1), (bytes(b"pics/caf\xe9.jpg"), 1), (text("pics/holiday\nbeach.jpg"), 1)]
    );
    assert_eq!(hits(&h.json(["catalog", "find", "pics/*/inside.jpg"])).len(), 1);
    assert!(hits(&h.json(["catalog", "find", "report*"])).is_empty(), "a glob is anchored at the path's start");
    assert!(hits(&h.json(["catalog", "find", "DOCS/*"])).is_empty(), "globs are case-sensitive");
    assert_eq!(hits(&h.json(["catalog", "find", "*caf?.jpg"])), [(bytes(b"pics/caf\xe9.jpg"), 1)]);
    let human = h.ok(["catalog", "find", "*.jpg"]);
    assert!(human.contains("pics/holiday\\nbeach.jpg"), "{human}");
    assert!(human.contains("pics/caf\\xe9.jpg"), "{human}");
    assert!(human.lines().next().unwrap().starts_with("SET"), "{human}");

    // --job, --source, --since, --limit.
    assert_eq!(hits(&h.json(["catalog", "find", "report", "--job", "nightly"])).len(), 2);
    assert!(hits(&h.json(["catalog", "find", "report", "--job", "other"])).is_empty());
    assert_eq!(hits(&h.json(["catalog", "find", "report", "--source", "home"])).len(), 2);
    assert_eq!(
        hits(&h.json(["catalog", "find", "report", "--since", "2026-01-02"])),
        [(text("docs/report-2026.txt"), 2)]
    );
    assert!(hits(&h.json(["catalog", "find", "report", "--since", "2099-01-01"])).is_empty());
    let v = h.json(["catalog", "find", "report", "--limit", "1"]);
    assert_eq!(hits(&v), [(text("docs/report-2026.txt"), 2)]);
    assert_eq!(v["truncated"], true);
    let out = h.run(["catalog", "find", "report", "--limit", "1"]);
    assert!(stderr(&out).contains("raise --limit"), "{}", stderr(&out));

    // Deletions only when asked for.
    assert_eq!(hits(&h.json(["catalog", "find", "draft"])), [(text("docs/old/draft.txt"), 1)]);
    let v = h.json(["catalog", "find", "draft", "--deleted"]);
    assert_eq!(hits(&v), [(text("docs/old/draft.txt"), 2), (text("docs/old/draft.txt"), 1)]);
    assert_eq!(v["hits"][0]["kind"], "deleted");

    // A pattern too short for trigrams still works, by reading every entry, and says so.
    let v = h.json(["catalog", "find", "md"]);
    assert_eq!(v["indexed"], false);
    assert_eq!(hits(&v), [(text("docs/notes.md"), 1)]);
    let out = h.run(["catalog", "find", "md"]);
    assert!(stderr(&out).contains("fewer than 3 literal characters"), "{}", stderr(&out));

    // No match: exit 0, an empty list.
    let v = h.json(["catalog", "find", "nothing-like-this"]);
    assert_eq!(v["hits"], json!([]));
    let out = h.run(["catalog", "find", "nothing-like-this"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(stdout(&out), "No match for substring 'nothing-like-this'.\n");
    assert_eq!(h.snapshot(), before, "searching changed the catalog");
}

#[test]
fn ls_lists_a_set_like_ls() {
    let h = two_sets();
    let before = h.snapshot();
    let names =
        |v: &Value| -> Vec<Value> { v["entries"].as_array().unwrap().iter().map(|e| e["name"].clone()).collect() };

    let root = h.json(["catalog", "ls", "1"]);
    assert_eq!(root["set"], 1);
    assert_eq!(root["path"], text("."));
    assert_eq!(root["is_dir"], true);
    assert_eq!(names(&root), [text("docs"), text("link"), text("pics")]);
    assert_eq!(h.ok(["catalog", "ls", "1"]), "NAME\ndocs\nlink\npics\n");

    // Names sorted by their bytes; those that are not UTF-8 as {"bytes"}.
    let pics = h.json(["catalog", "ls", "1", "pics"]);
    assert_eq!(names(&pics), [bytes(b"caf\xe9.jpg"), text("holiday\nbeach.jpg"), bytes(b"\xffdir")]);
    assert_eq!(pics["entries"][0]["path"], bytes(b"pics/caf\xe9.jpg"));
    assert_eq!(pics["entries"][0]["kind"], "file");
    assert_eq!(pics["entries"][0]["size"], 12);
    assert_eq!(pics["entries"][2]["kind"], "dir");
    let human = h.ok(["catalog", "ls", "1", "/pics/"]);
    assert_eq!(human, "NAME\ncaf\\xe9.jpg\nholiday\\nbeach.jpg\n\\xffdir\n");
    let inner = h.run_os(&[
        "--json".as_ref(),
        "catalog".as_ref(),
        "ls".as_ref(),
        "1".as_ref(),
        OsStr::from_bytes(b"pics/\xffdir"),
    ]);
    assert_eq!(inner.status.code(), Some(0), "{}", stderr(&inner));
    let inner: Value = serde_json::from_slice(&inner.stdout).unwrap();
    assert_eq!(names(&inner), [text("inside.jpg")]);
    assert_eq!(inner["path"], bytes(b"pics/\xffdir"));

    // -l: mode, kind, size, time, link target.
    let long = h.ok(["catalog", "ls", "1", "-l"]);
    let lines: Vec<&str> = long.lines().collect();
    assert!(lines[0].starts_with("MODE") && lines[0].contains("TARGET"), "{long}");
    assert!(lines[1].starts_with("drwx") && lines[1].contains(" dir ") && lines[1].contains("docs"), "{long}");
    assert!(lines[2].starts_with("lrwxrwxrwx") && lines[2].ends_with("docs/report-2026.txt"), "{long}");
    let link = &root["entries"][1];
    assert_eq!(link["kind"], "symlink");
    assert_eq!(link["link_target"], text("docs/report-2026.txt"));
    assert_eq!(link["in_set"], true);

    // An entry that is not a directory lists itself.
    let file = h.json(["catalog", "ls", "1", "docs/report-2026.txt"]);
    assert_eq!(file["is_dir"], false);
    assert_eq!(file["entries"][0]["path"], text("docs/report-2026.txt"));

    // The incremental holds what changed, and the deletion.
    let docs = h.json(["catalog", "ls", "2", "docs"]);
    assert_eq!(names(&docs), [text("new.txt"), text("old"), text("report-2026.txt")]);
    let old = h.json(["catalog", "ls", "2", "docs/old"]);
    assert_eq!(old["entries"][0]["name"], text("draft.txt"));
    assert_eq!(old["entries"][0]["kind"], "deleted");

    // A path the set does not hold.
    let msg = fails(&h, &["catalog", "ls", "1", "docs/nope"], 1, "not_found");
    assert!(msg.contains("docs/nope"), "{msg}");
    fails(&h, &["catalog", "ls", "2", "pics"], 1, "not_found");
    assert_eq!(h.snapshot(), before);
}

/// (label, [(set, data_file)]) of each tape, in order.
fn tapes(v: &Value) -> Vec<(String, Vec<(i64, i64)>)> {
    v["tapes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            let reads = t["reads"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| (r["set"].as_i64().unwrap(), r["data_file"].as_i64().unwrap()));
            (t["label"].as_str().unwrap().to_string(), reads.collect())
        })
        .collect()
}

fn w(label: &str, reads: &[(i64, i64)]) -> (String, Vec<(i64, i64)>) {
    (label.to_string(), reads.to_vec())
}

#[test]
fn tapes_names_what_a_restore_reads_and_where_the_tapes_are() {
    let h = two_sets();
    let before = h.snapshot();

    // One file, newest version: one set, one tape, with where it is.
    let v = h.json(["catalog", "tapes", "docs/notes.md"]);
    assert_eq!(v["mode"], "newest");
    assert_eq!(tapes(&v), [w("W1", &[(1, 1)])]);
    assert_eq!(v["tapes"][0]["location"], "on the shelf");
    assert_eq!(v["tapes"][0]["barcode"], "VT0001L8");
    assert_eq!(v["paths"][0]["entries"], 1);
    let v = h.json(["catalog", "tapes", "docs/report-2026.txt"]);
    assert_eq!(tapes(&v), [w("W2", &[(2, 1)])]);
    assert_eq!(v["tapes"][0]["location"], "in drive d0");
    // A directory's newest state spans the chain: W1 for what did not change, then W2.
    let v = h.json(["catalog", "tapes", "docs"]);
    assert_eq!(tapes(&v), [w("W1", &[(1, 1)]), w("W2", &[(2, 1)])]);
    // A file deleted since: the newest set that still held it.
    assert_eq!(tapes(&h.json(["catalog", "tapes", "docs/old/draft.txt"])), [w("W1", &[(1, 1)])]);
    // Several paths.
    let v = h.json(["catalog", "tapes", "docs/new.txt", "pics", "link"]);
    assert_eq!(tapes(&v), [w("W1", &[(1, 1)]), w("W2", &[(2, 1)])]);
    assert_eq!(v["paths"].as_array().unwrap().len(), 3);
    let human = h.ok(["catalog", "tapes", "docs"]);
    assert!(human.starts_with("Restoring 1 path reads 2 sets from 2 tapes, in this order: W1, W2\n"), "{human}");
    assert!(human.contains("in drive d0") && human.contains("on the shelf"), "{human}");

    // --set: that set only.
    assert_eq!(tapes(&h.json(["catalog", "tapes", "docs/report-2026.txt", "--set", "1"])), [w("W1", &[(1, 1)])]);
    fails(&h, &["catalog", "tapes", "docs/notes.md", "--set", "2"], 1, "not_found");

    // --job with --as-of: the chain as of that time; a deletion removes the path.
    let v = h.json(["catalog", "tapes", ".", "--job", "nightly"]);
    assert_eq!(v["mode"], "job");
    assert_eq!(tapes(&v), [w("W1", &[(1, 1)]), w("W2", &[(2, 1)])]);
    // From set 1, its 12 entries less the 3 the incremental supersedes (docs, docs/old, the
    // report) and the one it deletes; from set 2, its 4 live entries.
    let per_set: Vec<(i64, u64)> = v["sets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["set"].as_i64().unwrap(), s["entries"].as_u64().unwrap()))
        .collect();
    assert_eq!(per_set, [(1, 8), (2, 4)], "{v}");
    let v = h.json(["catalog", "tapes", ".", "--job", "nightly", "--as-of", "2026-01-01"]);
    assert_eq!(tapes(&v), [w("W1", &[(1, 1)])]);
    assert_eq!(v["as_of"], "2026-01-01T23:59:59Z");
    let v = h.json(["catalog", "tapes", "docs/old/draft.txt", "--job", "nightly", "--as-of", "2026-01-01 12:00"]);
    assert_eq!(tapes(&v), [w("W1", &[(1, 1)])]);
    let msg = fails(&h, &["catalog", "tapes", "docs/old/draft.txt", "--job", "nightly"], 1, "not_found");
    assert!(msg.contains("docs/old/draft.txt"), "{msg}");
    fails(&h, &["catalog", "tapes", ".", "--job", "nightly", "--as-of", "2025-12-31"], 1, "not_found");
    fails(&h, &["catalog", "tapes", ".", "--job", "other"], 1, "not_found");
    fails(&h, &["catalog", "tapes", "nope"], 1, "not_found");
    assert_eq!(h.snapshot(), before);
}

#[test]
fn stats_count_sets_entries_tapes_and_the_index() {
    let h = two_sets();
    let v = h.json(["catalog", "stats"]);
    let s = &v["stats"];
    assert_eq!(s["sets"], json!({"completed": 2}));
    let conn = h.sql();
    let count = |sql: &str| -> i64 { conn.query_row(sql, [], |r| r.get(0)).unwrap() };
    assert_eq!(s["entries"], count("SELECT count(*) FROM catalog_entries"));
    assert_eq!(s["distinct_paths"], count("SELECT count(DISTINCT file_path) FROM catalog_entries"));
    assert_eq!(s["entries"], 12 + 5);
    assert_eq!(s["distinct_paths"], 13);
    assert_eq!(s["tapes"], json!({"active": 2}));
    assert_eq!(s["pools"][0]["pool"], "weekly");
    assert_eq!(s["pools"][0]["tapes"], 2);
    assert_eq!(s["pools"][0]["sets"], 2);
    assert!(s["pools"][0]["used_bytes"].as_i64().unwrap() > 0);
    assert!(s["catalog"]["bytes"].as_u64().unwrap() > 0);
    assert_eq!(s["search_index"]["present"], true);
    assert_eq!(s["search_index"]["triggers"], true);
    assert_eq!(s["search_index"]["entries"], 17);
    let human = h.ok(["catalog", "stats"]);
    assert!(human.contains("sets:           2 (2 completed)"), "{human}");
    assert!(human.contains("search index:   trigram (catalog_entries_fts), all 17 entries"), "{human}");
    assert!(human.contains("weekly"), "{human}");
    // An index that is missing entries or triggers: stats says so.
    conn.execute_batch("DROP TRIGGER catalog_entries_fts_delete").unwrap();
    conn.execute_batch(
        "INSERT INTO catalog_entries_fts (catalog_entries_fts, rowid, file_path) VALUES ('delete', 1, '.')",
    )
    .unwrap();
    let v = h.json(["catalog", "stats"]);
    assert_eq!(v["stats"]["search_index"], json!({"present": true, "triggers": false, "entries": 16}));
    let human = h.ok(["catalog", "stats"]);
    assert!(human.contains("16 of 17 entries: rebuild it with") && human.contains("triggers are missing"), "{human}");
}

#[test]
fn bad_input_is_a_clear_error() {
    let h = Home::with_basics();
    // Usage (exit 2): checked before the catalog is opened.
    let msg = fails(&h, &["catalog", "find", "x", "--since", "yesterday"], 2, "usage");
    assert!(msg.contains("'yesterday' is not a date"), "{msg}");
    fails(&h, &["catalog", "find", ""], 2, "usage");
    fails(&h, &["catalog", "find", "x", "--limit", "-1"], 2, "usage");
    fails(&h, &["catalog", "tapes", "x", "--as-of", "2026-01-01"], 2, "usage");
    fails(&h, &["catalog", "tapes", "x", "--set", "1", "--job", "nightly"], 2, "usage");
    fails(&h, &["catalog", "tapes"], 2, "usage");
    fails(&h, &["catalog", "ls"], 2, "usage");
    // Unknown names and sets (exit 1).
    let msg = fails(&h, &["catalog", "find", "x", "--job", "nosuch"], 1, "not_found");
    assert_eq!(msg, "no job named 'nosuch'");
    fails(&h, &["catalog", "find", "x", "--source", "nosuch"], 1, "not_found");
    assert_eq!(fails(&h, &["catalog", "ls", "7"], 1, "not_found"), "no backup set 7");
    fails(&h, &["catalog", "tapes", "x", "--set", "7"], 1, "not_found");
    fails(&h, &["catalog", "tapes", "x", "--job", "nosuch"], 1, "not_found");
    let msg = fails(&h, &["catalog", "tapes", "x", "--job", "nightly"], 1, "not_found");
    assert!(msg.contains("no completed backup set"), "{msg}");
    // An empty catalog: finds nothing, counts zero.
    assert_eq!(h.json(["catalog", "find", "anything"])["hits"], json!([]));
    assert_eq!(h.json(["catalog", "stats"])["stats"]["entries"], 0);
    // No catalog at all.
    let empty = Home::empty();
    fails(&empty, &["catalog", "stats"], 1, "no_catalog");
}
