//! `restore … --to -`: the content of one file to stdout, for a pipe (`| psql`, `| zcat`),
//! as `tar -xO` does. The file is found by seeking as any restore does and its BLAKE3 is
//! checked as the bytes go out; what was written cannot be taken back, so a mismatch is said
//! at the end, on stderr, with exit 5. A reader of stdout that goes away ends it quietly.

use std::collections::HashMap;
use std::io::{Read, Write};
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

use anyhow::Result;
use serde_json::{Value, json};

use crate::catalog::restore::{self as plan, Wanted};
use crate::catalog::{Catalog, audit};
use crate::cmd::Ctx;
use crate::engine::restore::{
    Matcher, SKIP_LIMIT, SetWork, Trouble, check_header, human, io_trouble, layout, read_trouble,
};
use crate::engine::set_tapes::SetTapes;
use crate::error::{Exit, Failure};
use crate::pathjson;
use crate::pipeline::part_reader::PartReader;
use crate::pipeline::untar::{EntryKind, TarReader};

/// Writes the one file the patterns select to stdout.
pub(super) fn restore(
    ctx: &Ctx,
    catalog: &mut Catalog,
    chain: &[i64],
    work: &[SetWork],
    matcher: &Matcher,
    set_keys: &HashMap<String, [u8; 32]>,
    tape_list: &Value,
) -> Result<Exit> {
    let (w, source) = the_file(catalog, chain, work, matcher)?;
    let drive = ctx.pick_drive(catalog.conn())?;
    let lock = ctx.lock_drive(&drive, "restore")?;
    let spec = crate::tape::DeviceSpec::parse(&drive.device).map_err(Failure::usage)?;
    let key = w.set.encryption_key.as_ref().and_then(|k| set_keys.get(k)).copied();
    let layout = layout(&w.set, key)?;
    let op = {
        let tx = catalog.write()?;
        let request = json!({"sets": [w.set.id], "path": pathjson::to_json(&source.path), "to": "-"}).to_string();
        let id = plan::start(&tx, w.set.id, Path::new("-"), false, &request)?;
        tx.commit()?;
        id
    };
    let mut set_tapes = SetTapes::new(ctx.env(), spec, &drive, &w.set, w.parts.clone(), tape_list.clone())?;
    let outcome = copy_out(&mut set_tapes, &layout, &source);
    drop(set_tapes);
    drop(lock);
    let message = match outcome {
        Ok(Copied::Whole(bytes)) => {
            record(catalog, op, w, bytes, None)?;
            return Ok(Exit::Ok);
        }
        // `| head` read what it wanted: not a failure of ours.
        Ok(Copied::ReaderGone(bytes)) => {
            record(catalog, op, w, bytes, Some("the reader of stdout went away"))?;
            return Ok(Exit::Ok);
        }
        Err(Trouble::Data(message)) | Err(Trouble::Entry(message)) => message,
        Err(Trouble::Tape(e)) => {
            record(catalog, op, w, 0, Some(&format!("{e:#}")))?;
            return Err(e);
        }
    };
    record(catalog, op, w, 0, Some(&message))?;
    if ctx.out.json {
        ctx.out.outcome_error("verify_mismatch", Exit::VerifyMismatch, &message);
    } else {
        eprintln!("error: {message}");
    }
    Ok(Exit::VerifyMismatch)
}

/// The one file (or hard link, with its target's content) the patterns select, and its set.
fn the_file<'w>(
    catalog: &Catalog,
    chain: &[i64],
    work: &'w [SetWork],
    matcher: &Matcher,
) -> Result<(&'w SetWork, Wanted)> {
    let conn = catalog.conn();
    let mut found: Vec<(usize, Wanted)> = Vec::new();
    for (i, w) in work.iter().enumerate() {
        plan::for_each_current(conn, chain, w.set.id, &mut |e| {
            if e.kind != "deleted" && matcher.matches(e.path.as_os_str().as_bytes()) {
                found.push((i, e));
            }
            Ok(())
        })?;
    }
    let (i, entry) = match found.len() {
        1 => found.pop().expect("one"),
        n => {
            return Err(Failure::usage(format!(
                "--to - writes one file to stdout, and the patterns select {n} entries (name the file itself)"
            ))
            .into());
        }
    };
    let source = match entry.kind.as_str() {
        "file" => entry,
        "hardlink" => {
            let target = entry.link_target.clone().unwrap_or_default();
            match plan::entry(conn, entry.set_id, Path::new(std::ffi::OsStr::from_bytes(&target)))? {
                Some(t) if t.kind == "file" => t,
                _ => {
                    return Err(Failure::usage(format!(
                        "'{}': its hard-link target is not in the set",
                        human(&entry.path)
                    ))
                    .into());
                }
            }
        }
        kind => {
            return Err(Failure::usage(format!(
                "--to - writes a file's content, and '{}' is a {kind}",
                human(&entry.path)
            ))
            .into());
        }
    };
    Ok((&work[i], source))
}

enum Copied {
    Whole(u64),
    /// The reader of stdout closed it after this many bytes.
    ReaderGone(u64),
}

/// Seeks to the file, checks its header, and copies its content to stdout, hashing it.
fn copy_out(
    set_tapes: &mut SetTapes,
    layout: &crate::pipeline::part_reader::SetLayout,
    source: &Wanted,
) -> Result<Copied, Trouble> {
    let named = |message: &str| format!("'{}': {message}", human(&source.path));
    let mut reader = PartReader::across(set_tapes, layout).map_err(|e| Trouble::Tape(anyhow::Error::new(e)))?;
    let block = source
        .block
        .ok_or_else(|| Trouble::Data(format!("'{}': the catalog has no tape position for it", human(&source.path))))?;
    reader.seek(source.frame_seq, block, source.frame_offset, SKIP_LIMIT).map_err(|e| read_trouble(e, &source.path))?;
    let target = source.frame_seq * layout.frame_size as u64 + source.frame_offset;
    let mut tar = TarReader::with_offset(&mut reader, target);
    let h = match tar.next_entry() {
        Ok(Some(h)) => h,
        Ok(None) => return Err(Trouble::Data(named("the archive ends where it should be"))),
        Err(e) => return Err(io_trouble(e, &source.path)),
    };
    // The header check's messages name the path already.
    check_header(&h, source).map_err(Trouble::Data)?;
    if h.kind != EntryKind::File {
        return Err(Trouble::Data(named("not a regular file on tape")));
    }
    let mut content = tar.content();
    let mut hasher = blake3::Hasher::new();
    let mut buf = vec![0u8; 1 << 20];
    let mut out = std::io::stdout().lock();
    let mut written = 0u64;
    loop {
        let n = match content.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(io_trouble(e, &source.path)),
        };
        hasher.update(&buf[..n]);
        match out.write_all(&buf[..n]) {
            Ok(()) => written += n as u64,
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => return Ok(Copied::ReaderGone(written)),
            Err(e) => return Err(Trouble::Entry(named(&format!("writing to stdout: {e}")))),
        }
    }
    match out.flush() {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => return Ok(Copied::ReaderGone(written)),
        Err(e) => return Err(Trouble::Entry(named(&format!("writing to stdout: {e}")))),
    }
    if written != h.size {
        return Err(Trouble::Data(named(&format!("the content ended after {written} of its {} bytes", h.size))));
    }
    let got = hasher.finalize().to_hex().to_string();
    if source.checksum.as_deref().is_some_and(|want| want != got) {
        return Err(Trouble::Data(named("checksum mismatch: the bytes written to stdout are not what was backed up")));
    }
    Ok(Copied::Whole(written))
}

/// Records how the restore to stdout ended.
fn record(catalog: &mut Catalog, op: i64, w: &SetWork, bytes: u64, error: Option<&str>) -> Result<()> {
    let tx = catalog.write()?;
    plan::finish(
        &tx,
        op,
        &plan::Outcome {
            files_requested: 1,
            files_restored: u64::from(error.is_none()),
            bytes_restored: bytes,
            error,
            verify_passed: None,
        },
    )?;
    audit::record(
        &tx,
        "restore.run",
        "restore_operation",
        Some(op),
        json!({"sets": [w.set.id], "destination": "-", "bytes": bytes, "error": error}),
    )?;
    tx.commit()?;
    Ok(())
}
