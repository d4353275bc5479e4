//! The checked-in completions (`completions/`) and man pages (`man/`) match what the clap
//! definitions generate now. Regenerate with `TAPEBACKARR_BLESS=1 cargo test --test generated`.

use std::path::Path;

#[test]
fn completions_and_man_pages_are_current() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let bless = std::env::var_os("TAPEBACKARR_BLESS").is_some();
    let files = tapebackarr::cli::generated::files();
    assert!(files.iter().any(|(p, _)| p == "man/tapebackarr-job-create.1"), "one man page per command");
    let mut stale = Vec::new();
    for (rel, bytes) in &files {
        let path = root.join(rel);
        if std::fs::read(&path).ok().as_deref() != Some(bytes.as_slice()) {
            if bless {
                std::fs::create_dir_all(path.parent().unwrap()).unwrap();
                std::fs::write(&path, bytes).unwrap();
            } else {
                stale.push(rel.clone());
            }
        }
    }
    // A page for a command that no longer exists is stale too.
    for dir in ["man", "completions"] {
        for entry in std::fs::read_dir(root.join(dir)).into_iter().flatten() {
            let rel = format!("{dir}/{}", entry.unwrap().file_name().to_string_lossy());
            if !files.iter().any(|(p, _)| *p == rel) {
                if bless {
                    std::fs::remove_file(root.join(&rel)).unwrap();
                } else {
                    stale.push(rel);
                }
            }
        }
    }
    assert!(stale.is_empty(), "stale generated files {stale:?}: run TAPEBACKARR_BLESS=1 cargo test --test generated");
}
