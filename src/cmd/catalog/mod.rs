//! `tapebackarr catalog …`: the catalog without a tape. Find files by substring or glob,
//! browse a set like `ls`, work out which tapes a restore needs and where they are, count
//! what the catalog holds, check it, and rebuild it from tapes. One file per verb; what
//! several share is here.

mod backup;
mod check;
mod find;
mod ls;
mod rebuild;
mod restore_db;
mod stats;
mod tapes;

pub use backup::BackupArgs;
pub use check::CheckArgs;
pub use find::FindArgs;
pub use ls::LsArgs;
pub use rebuild::RebuildArgs;
pub use restore_db::RestoreDbArgs;
pub use tapes::TapesArgs;

use std::os::unix::ffi::OsStrExt;
use std::path::Path;

use anyhow::Result;
use clap::Subcommand;

use crate::cmd::Ctx;
use crate::error::Exit;
use crate::timefmt;

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Find files by substring or glob in every completed set, newest first
    #[command(after_help = "PATTERN is a glob when it contains '*', '?' or '[', else a substring:
  substring  matches anywhere in the path, ignoring case (report matches Q3-Report.pdf)
  glob       matches the whole path, relative to the source's root, case-sensitively;
             '*' and '?' match '/' too, so '*.pdf' finds PDFs at any depth and
             'home/ann/*' everything below home/ann
Patterns with 3 or more literal characters in a row are answered from the trigram index;
shorter ones read every entry (a note says so).

Examples:
  tapebackarr catalog find report
  tapebackarr catalog find '*.pdf' --job nightly --since 7d
  tapebackarr catalog find 'home/ann/*/budget-202?.ods' --json")]
    Find(FindArgs),
    /// List what a set holds directly below a directory, like ls
    #[command(after_help = "PATH is relative to the source's root, as `catalog find` prints it (a leading '/'
or './' is ignored); without it, the root. An incremental set holds only what changed: a
directory it holds entries below but no entry for is listed with mode '-' (in_set: false).

Examples:
  tapebackarr catalog ls 12
  tapebackarr catalog ls 12 home/ann -l
  tapebackarr catalog ls 12 home/ann --json")]
    Ls(LsArgs),
    /// Which tapes, in which order, a restore of PATHs needs, and where they are
    #[command(after_help = "Each PATH is a file or a directory (everything below it), relative to the source's
root; '.' is the whole source. Which sets are read:
  (default)           for each PATH, the newest completed set holding it (not as deleted),
                      with the sets of its incremental chain that hold the newest version
                      of something below PATH
  --set ID            that set only
  --job J [--as-of T] the job's state at T (default now): its newest completed set started
                      at or before T and its parents back to the full; an incremental's
                      entries supersede its parents', a deletion removes the path
Tapes are listed in the order a restore asks for them, each with where it is (drive,
library slot, shelf or offsite) and what is read from it, by position on the tape.

Examples:
  tapebackarr catalog tapes home/ann/thesis.tex
  tapebackarr catalog tapes home/ann home/bob --job nightly --as-of 2026-11-20
  tapebackarr catalog tapes . --set 12 --json")]
    Tapes(TapesArgs),
    /// Catalog statistics: sets, entries, paths, tapes, bytes per pool, the search index
    #[command(after_help = "Counting distinct paths reads a whole index: over ten million entries, about 2 s with
the catalog in the page cache, 10 s from disk.

Examples:
  tapebackarr catalog stats
  tapebackarr catalog stats --json")]
    Stats,
    /// Rebuild the catalog's record of the tape in the drive from the tape itself
    #[command(after_help = "Reads the tape's label and every set part's header block and index, spacing over the
data (never read), and records what the catalog lacks: the tape, its pool, the sources and
jobs by name, the sets (matched by UUID: one the catalog has is skipped), their parts and
entries. All in one transaction; running it again changes nothing. Parts cut off without an
index are reported, not recorded. What the tape does not hold is not invented: a recreated
source has the path / and is disabled, a recreated job is disabled and unscheduled, a set
whose key the catalog lacks is recorded without it (key import it, then rebuild again), and
the next backup of a rebuilt job is a full (snapshots are not on tape). The drive is chosen
with the global --drive.

Examples:
  tapebackarr init && tapebackarr drive add lto1 --device /dev/nst0
  tapebackarr catalog rebuild --drive lto1
  tapebackarr catalog rebuild --json | jq '.sets_added[] | {set, job, files}'")]
    Rebuild(rebuild::RebuildArgs),
    /// Check the catalog's consistency: SQLite integrity, the search index, sets, parts and
    /// their places on tape
    Check(check::CheckArgs),
    /// Back the catalog itself up to tape, appended after the tape's last file
    #[command(after_help = "Takes a consistent snapshot of the catalog (SQLite VACUUM INTO, a 0600 file in the home,
removed afterwards) and appends it to a writable tape as a catalog backup: a header block,
the database as zstd frames (AES-256-GCM frames with --key), a filemark, a trailer, a
filemark (docs/FORMAT.md, \"Catalog backups\"). It never spans tapes: early warning fails it
and marks the tape full. The tape is --tape LABEL, a tape of --pool POOL as backups choose
one, or else the tape in the drive if it is writable in its pool. Recorded in
database_backups (pending, then completed once on tape); audit action catalog.backup.

Examples:
  tapebackarr catalog backup --pool offsite
  tapebackarr catalog backup --tape WEEK03 --key offsite --json")]
    Backup(backup::BackupArgs),
    /// Install the newest catalog backup on the tape in the drive; works without a catalog
    #[command(after_help = "Reads the label, then only header blocks and trailers (set data is spaced over) to find
the newest complete catalog backup; reads it, checks every frame and the BLAKE3 of the
whole, and installs it as the home's catalog.db (mode 0600). An existing catalog is kept
only with --force (as catalog.db.before-restore-TIME); without, exit 1 and nothing changes.
Then the tape in the drive is reconciled as `catalog rebuild` does (sets written after the
backup are added from their indexes), and the tapes that may hold more are named. --to
FILE writes the database there instead and touches no home. With no catalog, name the
drive with --device. An encrypted backup needs the exported key (--key-file) and its
passphrase (TAPEBACKARR_PASSWORD_FILE). Audit action catalog.restore, in the restored catalog.

Examples:
  tapebackarr catalog restore-db --device /dev/nst0
  TAPEBACKARR_PASSWORD_FILE=pw tapebackarr catalog restore-db --device /dev/nst0 --key-file offsite.tbkey
  tapebackarr catalog restore-db --to /tmp/catalog.db --json")]
    RestoreDb(restore_db::RestoreDbArgs),
}

pub fn exec(ctx: &Ctx, cmd: Command) -> Result<Exit> {
    match cmd {
        Command::Find(args) => find::find(ctx, args),
        Command::Ls(args) => ls::ls(ctx, args),
        Command::Tapes(args) => tapes::restore_tapes(ctx, args),
        Command::Stats => stats::stats(ctx),
        Command::Rebuild(args) => rebuild::exec(ctx, args),
        Command::Check(args) => check::exec(ctx, args),
        Command::Backup(args) => backup::exec(ctx, args),
        Command::RestoreDb(args) => restore_db::exec(ctx, args),
    }
}

/// A path as the catalog records it: relative to the source's root, without a leading `/`
/// or `./`, or trailing `/`; the root itself is empty.
fn relative(p: &Path) -> Vec<u8> {
    let mut b = p.as_os_str().as_bytes();
    loop {
        if let Some(rest) = b.strip_prefix(b"/") {
            b = rest;
        } else if let Some(rest) = b.strip_prefix(b"./") {
            b = rest;
        } else {
            break;
        }
    }
    while let Some(rest) = b.strip_suffix(b"/") {
        b = rest;
    }
    if b == b"." { Vec::new() } else { b.to_vec() }
}

fn mtime(ns: i64) -> Option<chrono::DateTime<chrono::Utc>> {
    chrono::DateTime::from_timestamp(ns.div_euclid(1_000_000_000), ns.rem_euclid(1_000_000_000) as u32)
}

fn mtime_rfc3339(ns: i64) -> Option<String> {
    mtime(ns).map(|t| t.format("%Y-%m-%dT%H:%M:%SZ").to_string())
}

fn mtime_human(ns: i64) -> Option<String> {
    mtime(ns).map(timefmt::to_sql)
}

/// `drwxr-xr-x`, as `ls -l` prints it.
fn mode_string(kind: &str, mode: u32) -> String {
    let mut s = String::with_capacity(10);
    s.push(match kind {
        "dir" => 'd',
        "symlink" => 'l',
        "char" => 'c',
        "block" => 'b',
        "fifo" => 'p',
        "deleted" => '?',
        _ => '-',
    });
    let special = [(0o4000, 's', 'S'), (0o2000, 's', 'S'), (0o1000, 't', 'T')];
    for (i, (bit, set_x, set_no_x)) in special.iter().enumerate() {
        let shift = 6 - 3 * i;
        let bits = (mode >> shift) & 7;
        s.push(if bits & 4 != 0 { 'r' } else { '-' });
        s.push(if bits & 2 != 0 { 'w' } else { '-' });
        s.push(match (bits & 1 != 0, mode & bit != 0) {
            (true, true) => *set_x,
            (false, true) => *set_no_x,
            (true, false) => 'x',
            (false, false) => '-',
        });
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths_and_modes() {
        assert_eq!(relative(Path::new("/home/ann/")), b"home/ann");
        assert_eq!(relative(Path::new("./a")), b"a");
        assert!(relative(Path::new(".")).is_empty());
        assert!(relative(Path::new("/")).is_empty());
        assert!(relative(Path::new("")).is_empty());
        assert_eq!(mode_string("dir", 0o755), "drwxr-xr-x");
        assert_eq!(mode_string("file", 0o4754), "-rwsr-xr--");
        assert_eq!(mode_string("dir", 0o1777), "drwxrwxrwt");
        assert_eq!(mode_string("symlink", 0o2644), "lrw-r-Sr--");
        assert_eq!(timefmt::parse_as_of("2026-11-20").map(timefmt::to_sql).as_deref(), Ok("2026-11-20 23:59:59"));
    }
}
