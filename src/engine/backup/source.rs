//! What a set is made of: a source's directory tree, walked; or one stream (standard input
//! today, a guest's dump later) stored as the set's only entry, a regular file, so restore,
//! `catalog find`, verify, seek and recovery by hand treat it as any file.
//!
//! A tar header announces its file's size before the content. A stream whose size is given
//! goes to tape as it is read (and one that ends early or runs long fails the run); one whose
//! size is not known is first copied to a spool file in the home directory, which is then
//! written. Either way a stream cannot be read twice, so a stream set is never resumed: a
//! run that stops is failed, and is run again.

use std::fs::File;
use std::io::{self, Read, Seek};
use std::os::unix::ffi::OsStrExt;
use std::path::{Component, Path, PathBuf};

use anyhow::{Context, Result};

use crate::engine::Env;
use crate::error::Failure;
use crate::pipeline::archive::StreamEntry;
use crate::pipeline::walk::Timestamp;

pub use crate::catalog::sources::STREAM_SOURCE;

/// Where a set's content comes from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Input {
    /// The source's directory tree, walked.
    #[default]
    Tree,
    /// Standard input, stored as the file `name` (a relative path); `size`, when given, is
    /// its exact length and spares the spool.
    Stdin { name: PathBuf, size: Option<u64> },
}

impl Input {
    pub fn is_stream(&self) -> bool {
        !matches!(self, Input::Tree)
    }
}

/// A name a stream may take in a set: relative, without `.`/`..` components, not empty, at
/// most 4 KiB.
pub fn check_stream_name(name: &Path) -> Result<(), Failure> {
    let bytes = name.as_os_str().as_bytes();
    let bad = |why: &str| Failure::usage(format!("stream name {}: {why}", crate::pathjson::to_human(name)));
    if bytes.is_empty() {
        return Err(bad("empty"));
    }
    if bytes.len() > 4096 {
        return Err(bad("longer than 4096 bytes"));
    }
    if bytes.contains(&0) {
        return Err(bad("holds a NUL byte"));
    }
    if bytes.ends_with(b"/") {
        return Err(bad("names a directory, not a file"));
    }
    for c in name.components() {
        match c {
            Component::Normal(_) => {}
            Component::RootDir => {
                return Err(bad("must be relative (it is where the stream goes below a restore's destination)"));
            }
            _ => return Err(bad("must not hold `.` or `..`")),
        }
    }
    Ok(())
}

/// A stream ready to be written: its entry and its bytes.
pub(super) struct Stream {
    pub(super) entry: StreamEntry,
    pub(super) reader: Box<dyn Read>,
}

/// Readies `input`'s stream (`None` for a tree): with a size, standard input as it comes;
/// without, standard input copied to an unnamed spool file in the home directory first.
pub(super) fn open(env: &Env, input: &Input) -> Result<Option<Stream>> {
    let Input::Stdin { name, size } = input else { return Ok(None) };
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
    let mut entry = StreamEntry {
        path: name.as_os_str().as_bytes().to_vec(),
        size: 0,
        // Dumps are often secret (a database's): readable by their owner only, as restored.
        mode: 0o600,
        mtime: Timestamp { secs: now.as_secs() as i64, nanos: now.subsec_nanos() },
        uid: nix::unistd::geteuid().as_raw(),
        gid: nix::unistd::getegid().as_raw(),
    };
    let reader: Box<dyn Read> = match size {
        Some(size) => {
            entry.size = *size;
            Box::new(io::stdin().lock())
        }
        None => {
            let (spool, size) = spool(env.home, &mut io::stdin().lock())?;
            env.note(|| format!("Standard input spooled ({size} bytes): writing it to tape"));
            entry.size = size;
            Box::new(io::BufReader::with_capacity(1 << 20, spool))
        }
    };
    Ok(Some(Stream { entry, reader }))
}

/// Copies `src` to an unnamed file in `dir` (gone when closed) and returns it rewound, with
/// its length.
fn spool(dir: &Path, src: &mut impl Read) -> Result<(File, u64)> {
    let mut file = tempfile::tempfile_in(dir)
        .with_context(|| format!("cannot create a spool file in {} for standard input", dir.display()))?;
    let size = io::copy(src, &mut file).with_context(|| {
        format!("spooling standard input to {} (give its size with --stdin-size to write it without)", dir.display())
    })?;
    file.rewind()?;
    Ok((file, size))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::OsStr;

    #[test]
    fn stream_names_are_relative_files() {
        for ok in ["db.sql", "pg/db.sql", "a b", "x\ny"] {
            assert!(check_stream_name(Path::new(ok)).is_ok(), "{ok:?}");
        }
        assert!(check_stream_name(Path::new(OsStr::from_bytes(b"dump-\xff.bin"))).is_ok());
        for bad in ["", "/etc/passwd", "../up", "a/../b", "./a", "dir/", "."] {
            assert!(check_stream_name(Path::new(bad)).is_err(), "{bad:?}");
        }
        assert!(check_stream_name(Path::new(&"a".repeat(4097))).is_err());
    }

    #[test]
    fn a_spool_holds_every_byte_and_is_rewound() {
        let dir = tempfile::tempdir().unwrap();
        let data: Vec<u8> = (0..3_000_000u32).map(|i| (i % 251) as u8).collect();
        let (mut file, size) = spool(dir.path(), &mut &data[..]).unwrap();
        assert_eq!(size, data.len() as u64);
        let mut back = Vec::new();
        file.read_to_end(&mut back).unwrap();
        assert_eq!(back, data);
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0, "the spool has no name");
    }
}
