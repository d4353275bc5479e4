//! `tapebackarr verify SET`: reads a set back and checks it against the catalog.
//!
//! Full: every entry's tar header is found where the catalog says and names the same path,
//! every frame on the way decodes (zstd checksum, AES-GCM tag), every file's content hashes
//! to the BLAKE3 recorded at backup time, and the part's index ends with a `complete` record
//! whose counts match. Quick: the label, the part's header block and its index only. The
//! outcome is recorded in `set_verifications`; a mismatch exits 5.

use std::collections::HashMap;
use std::io::Read;
use std::time::Instant;

use anyhow::Result;
use clap::Args;
use serde_json::json;

use super::Ctx;
use super::restore::{check_header, human, insert_tape, layout};
use crate::catalog::restore as plan;
use crate::catalog::{audit, keys, sets, tapes};
use crate::error::{Exit, Failure, Kind};
use crate::format::index::{EndStatus, IndexReader, IndexRecord};
use crate::format::part::PartHeader;
use crate::pipeline::part_reader::{PartReader, ReadStats};
use crate::pipeline::untar::{EntryKind, TarReader};
use crate::tape::{ReadOutcome, TapeDevice};

#[derive(Debug, Args)]
#[command(after_help = "Examples:
  tapebackarr verify 12
  tapebackarr verify 12 --quick --json

Exit codes: 0 the set reads back as recorded; 5 something differs (named); 4 its tape must be
inserted; 1 the verify could not run.")]
pub struct VerifyArgs {
    /// Set number (from backup list)
    set: i64,
    /// Check the label, the header block and the index only (seconds, not hours)
    #[arg(long)]
    quick: bool,
}

pub fn exec(ctx: &Ctx, args: VerifyArgs) -> Result<Exit> {
    let mut catalog = ctx.catalog()?;
    let set = sets::get(catalog.conn(), args.set)?;
    if set.status != "completed" {
        return Err(Failure::new(
            Kind::InvalidState,
            format!("set {} is {}: only completed sets are verified", set.id, set.status),
        )
        .into());
    }
    let parts = sets::parts(catalog.conn(), set.id)?;
    if parts.is_empty() {
        return Err(Failure::new(Kind::InvalidState, format!("set {} has no part on any tape", set.id)).into());
    }
    let mut part_tapes = Vec::new();
    for part in &parts {
        part_tapes.push((part.clone(), tapes::get(catalog.conn(), &part.tape)?));
    }
    let tape = part_tapes[0].1.clone();
    let key = match (&set.encryption_key, set.encrypted, args.quick) {
        (Some(name), true, false) => {
            Some(*super::key::unlock(ctx, &keys::get(catalog.conn(), name)?, "nothing was verified")?.bytes())
        }
        (None, true, false) => {
            return Err(Failure::new(
                Kind::InvalidState,
                format!("set {} is encrypted with a key the catalog does not have (key import it)", set.id),
            )
            .into());
        }
        _ => None,
    };
    let drive = ctx.pick_drive(catalog.conn())?;
    let lock = ctx.lock_drive(&drive, "verify")?;
    let spec = crate::tape::DeviceSpec::parse(&drive.device).map_err(Failure::usage)?;
    let needed = json!(
        part_tapes
            .iter()
            .map(|(_, t)| json!({"label": t.label, "barcode": t.barcode, "sets": [set.id]}))
            .collect::<Vec<_>>()
    );
    let started = Instant::now();
    let mut errors: Vec<String> = Vec::new();
    let mut stats = ReadStats::default();
    let (mut frames, mut files, mut index_files) = (0u64, 0u64, 0u64);
    // The frames' hashes from the indexes, which the frames read below are checked against.
    let mut index_frames = HashMap::new();

    // Every part's header block and index, tape by tape.
    let mut dev: Option<(i64, Box<dyn TapeDevice>)> = None;
    for (i, (part, part_tape)) in part_tapes.iter().enumerate() {
        let d = match dev.take() {
            Some((id, d)) if id == part_tape.id => d,
            other => {
                drop(other);
                insert_tape(ctx, &mut catalog, &spec, &drive, part_tape, &needed)?
            }
        };
        let d = dev.insert((part_tape.id, d)).1.as_mut();
        let last = i + 1 == part_tapes.len();
        check_part(d, &set, part, last, &mut stats, &mut index_frames, &mut errors, &mut frames, &mut index_files)
            .map_err(|e| super::device_error(e, &drive))?;
    }
    let catalog_entries: i64 =
        catalog
            .conn()
            .query_row("SELECT count(*) FROM catalog_entries WHERE backup_set_id = ?1", [set.id], |r| r.get(0))?;
    if errors.is_empty() && index_files != catalog_entries as u64 {
        errors.push(format!("the index lists {index_files} entries, the catalog {catalog_entries}"));
    }
    drop(dev);
    let mut frames_checked = 0u64;

    if !args.quick && errors.is_empty() {
        let layout = layout(&set, key)?;
        let bar = ctx.progress_bytes(&format!("verifying set {}", set.id));
        let mut set_tapes = super::set_tapes::SetTapes::new(
            ctx,
            spec.clone(),
            &drive,
            set.uuid.clone().unwrap_or_default(),
            part_tapes.clone(),
            needed.clone(),
            layout.block_size,
        )?;
        let mut reader = PartReader::across(&mut set_tapes, &layout)?;
        plan::for_each_current(catalog.conn(), &[set.id], set.id, &mut |entry| {
            if entry.kind == "deleted" {
                return Ok(());
            }
            let Some(block) = entry.block else {
                errors.push(format!("'{}': no tape position in the catalog", human(&entry.path)));
                return Ok(());
            };
            let target = entry.frame_seq * layout.frame_size as u64 + entry.frame_offset;
            if let Err(e) = reader.seek(entry.frame_seq, block, entry.frame_offset, 64 << 20) {
                errors.push(format!("'{}': {e}", human(&entry.path)));
                reader.lose_position();
                return Ok(());
            }
            let mut tar = TarReader::with_offset(&mut reader, target);
            let checked = (|| -> Result<(), String> {
                let h = tar.next_entry().map_err(|e| e.to_string())?.ok_or("the archive ends early")?;
                check_header(&h, &entry)?;
                if h.kind == EntryKind::File {
                    let mut hasher = blake3::Hasher::new();
                    let mut content = tar.content();
                    let mut buf = vec![0u8; 1 << 20];
                    loop {
                        let n = content.read(&mut buf).map_err(|e| e.to_string())?;
                        if n == 0 {
                            break;
                        }
                        hasher.update(&buf[..n]);
                        bar.inc(n as u64);
                    }
                    let got = hasher.finalize().to_hex().to_string();
                    if entry.checksum.as_deref().is_some_and(|want| want != got) {
                        return Err("checksum mismatch".into());
                    }
                    files += 1;
                }
                Ok(())
            })();
            if let Err(message) = checked {
                errors.push(format!("'{}': {message}", human(&entry.path)));
                reader.lose_position();
            }
            check_frames(&mut reader, &index_frames, &mut errors, &mut frames_checked);
            Ok(())
        })?;
        // The rest of the stream after the last entry (the archive's end blocks).
        if reader.is_positioned() && std::io::copy(&mut reader, &mut std::io::sink()).is_ok() {
            check_frames(&mut reader, &index_frames, &mut errors, &mut frames_checked);
        }
        stats += reader.stats();
        bar.finish_and_clear();
    }

    drop(lock);

    let passed = errors.is_empty();
    let elapsed = started.elapsed().as_secs_f64();
    let mode = if args.quick { "quick" } else { "full" };
    let tx = catalog.write()?;
    tx.execute(
        "INSERT INTO set_verifications (backup_set_id, mode, status, frames_checked, files_checked, tape_bytes_read,
            errors, started_at, completed_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, datetime('now', ?8), datetime('now'))",
        rusqlite::params![
            set.id,
            mode,
            if passed { "passed" } else { "failed" },
            frames_checked as i64,
            files as i64,
            stats.bytes as i64,
            (!passed).then(|| serde_json::to_string(&errors).unwrap_or_default()),
            format!("-{} seconds", elapsed.round() as i64)
        ],
    )?;
    let doc = json!({
        "set": set.id, "mode": mode, "passed": passed, "tape": tape.label,
        "tapes": part_tapes.iter().map(|(_, t)| t.label.as_str()).collect::<Vec<_>>(), "frames": frames,
        "frames_checked": frames_checked, "files": files,
        "tape_blocks_read": stats.blocks, "tape_bytes_read": stats.bytes, "errors": errors,
        "duration_secs": (elapsed * 1000.0).round() / 1000.0,
    });
    audit::record(&tx, "verify.run", "backup_set", Some(set.id), doc.clone())?;
    tx.commit()?;
    ctx.out.data(&doc, || {
        let mut text = if passed {
            format!(
                "Set {} verified ({mode}): {files} files, {frames} frames, {} read from tape '{}' in {elapsed:.1} s",
                set.id,
                super::tape::bytes(stats.bytes as i64),
                tape.label
            )
        } else {
            format!("Set {} FAILED verification ({mode}) on tape '{}':", set.id, tape.label)
        };
        for e in &errors {
            text.push_str(&format!("\n  {e}"));
        }
        text
    });
    Ok(if passed { Exit::Ok } else { Exit::VerifyMismatch })
}

/// Checks one part's header block (this set, this part, where the stream is) and its index
/// (it ends `continued`, or `complete` for the set's last part, with the catalog's frame
/// count), adding the index's frames to `index_frames`.
#[allow(clippy::too_many_arguments)]
fn check_part(
    dev: &mut dyn TapeDevice,
    set: &sets::Set,
    part: &sets::Part,
    last: bool,
    stats: &mut ReadStats,
    index_frames: &mut HashMap<u64, ([u8; 32], u64)>,
    errors: &mut Vec<String>,
    frames: &mut u64,
    index_files: &mut u64,
) -> Result<(), crate::tape::TapeError> {
    let n = part.part;
    dev.locate(part.header_block as u64)?;
    let mut block = vec![0u8; 4 << 20];
    match dev.read_block(&mut block)? {
        ReadOutcome::Block(len) => {
            stats.blocks += 1;
            stats.bytes += len as u64;
            match PartHeader::decode(&block[..len]) {
                Ok(h) if Some(h.set_uuid.to_string()) != set.uuid => errors.push(format!(
                    "part {n}: the header block names set {}, not {}",
                    h.set_uuid,
                    set.uuid.as_deref().unwrap_or("?")
                )),
                Ok(h) if i64::from(h.part) != n || h.stream_offset as i64 != part.stream_offset => {
                    errors.push(format!(
                        "part {n}: the header block says part {} at stream offset {}, the catalog part {n} at {}",
                        h.part, h.stream_offset, part.stream_offset
                    ))
                }
                Ok(_) => {}
                Err(e) => errors.push(format!("part {n}: the header block: {e}")),
            }
        }
        other => errors.push(format!("part {n}: no header block at block {}: {other:?}", part.header_block)),
    }
    let Some(index_block) = part.index_block else {
        errors.push(format!("part {n}: the catalog has no index position"));
        return Ok(());
    };
    match read_index(dev, index_block as u64, stats, index_frames) {
        Ok((status, frame_count, files)) => {
            *frames += frame_count;
            *index_files += files;
            match (status, last) {
                (EndStatus::Continued, true) => {
                    errors.push(format!("part {n}: the index says the set continues on another tape"))
                }
                (EndStatus::Complete, false) => {
                    errors.push(format!("part {n}: the index says the set ends here, the catalog has more parts"))
                }
                _ => {}
            }
            if frame_count != part.frame_count as u64 {
                errors
                    .push(format!("part {n}: the index lists {frame_count} frames, the catalog {}", part.frame_count));
            }
        }
        Err(e) => errors.push(format!("part {n}: the index: {e}")),
    }
    Ok(())
}

/// Compares the frames `reader` read whole with the index's records of them.
fn check_frames(
    reader: &mut PartReader,
    index: &HashMap<u64, ([u8; 32], u64)>,
    errors: &mut Vec<String>,
    checked: &mut u64,
) {
    for (seq, hash, len) in reader.take_frame_hashes() {
        *checked += 1;
        match index.get(&seq) {
            Some((want, want_len)) if *want == hash && *want_len == len => {}
            Some(_) => errors.push(format!("frame {seq}: its bytes on tape differ from the index's BLAKE3")),
            None => errors.push(format!("frame {seq}: not in the index")),
        }
    }
}

/// Reads the index file at `block` to its end record: (status, frames, entries), and the
/// frames' hashes and lengths into `frames`.
fn read_index(
    dev: &mut dyn TapeDevice,
    block: u64,
    stats: &mut ReadStats,
    hashes: &mut HashMap<u64, ([u8; 32], u64)>,
) -> Result<(EndStatus, u64, u64)> {
    dev.locate(block)?;
    let mut bytes = Vec::new();
    let mut buf = vec![0u8; 4 << 20];
    while let ReadOutcome::Block(n) = dev.read_block(&mut buf)? {
        stats.blocks += 1;
        stats.bytes += n as u64;
        bytes.extend_from_slice(&buf[..n]);
    }
    let mut reader = IndexReader::from_bytes(&bytes)?;
    let (mut frames, mut files) = (0u64, 0u64);
    for record in reader.by_ref() {
        match record? {
            IndexRecord::Frame(f) => {
                frames += 1;
                hashes.insert(f.seq, (f.blake3, f.encoded_len));
            }
            IndexRecord::File(_) => files += 1,
            IndexRecord::End(end) => return Ok((end.status, frames, files)),
            IndexRecord::Part(_) => {}
        }
    }
    anyhow::bail!("no end record")
}
