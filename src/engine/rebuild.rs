//! A tape's record in the catalog, read back from the tape (`catalog rebuild`).
//!
//! Two steps, so a tape that fails half way changes nothing and the catalog is not held
//! locked while the tape winds:
//! 1. Read the tape (`format::scan`): the label, then each part's header block and index,
//!    spacing over the data. The indexes go to a spool file in the home directory.
//! 2. One transaction records the tape, its pool, and every set, part and entry the catalog
//!    does not have yet (`catalog::rebuild`), with one `catalog.rebuild` audit row.

use std::fs::File;
use std::io::{BufWriter, Read, Seek, SeekFrom, Write};

use anyhow::{Context, Result};
use serde_json::{Value, json};

use super::library::{Pick, visit_in_place};
use super::{Env, device_error};
use crate::catalog::rebuild::{self, PartOnTape, TapeRebuild};
use crate::catalog::{Catalog, audit, drives};
use crate::error::{Failure, Kind};
use crate::format::index::{EndRecord, IndexReader};
use crate::format::label::{self, TapeContents, TapeLabel};
use crate::format::part::PartHeader;
use crate::format::scan::{Scanned, Scanner};
use crate::tape::changer::ElementStatus;
use crate::tape::{TapeDevice, TapeError};

/// A part as read from the tape; its index waits in the spool file.
struct Found {
    data_file: u64,
    header_block: u64,
    header: PartHeader,
    index: Result<Spooled, String>,
}

struct Spooled {
    index_block: u64,
    end_block: u64,
    recorded_first_block: u64,
    end: EndRecord,
    offset: u64,
    len: u64,
    checksum: String,
}

/// A tape file that is not a part.
struct Other {
    file: u64,
    block: u64,
    reason: String,
}

/// What one tape gave the catalog.
pub struct Rebuilt {
    pub label: TapeLabel,
    pub rb: TapeRebuild,
    /// Parts whose index was cut off: not recorded.
    pub cut: Vec<Value>,
}

/// Every data cartridge of `drive`'s library, each loaded, rebuilt from ([`tape`]) and put
/// back in its slot: a tape that cannot be read from (blank, foreign, in conflict with the
/// catalog, a device error) is reported with its error and the next one taken.
pub fn library(
    env: &Env,
    catalog: &mut Catalog,
    drive: &drives::Drive,
    progress: &dyn Fn(&str) -> indicatif::ProgressBar,
) -> Result<Vec<(ElementStatus, Result<Rebuilt, String>)>> {
    if drive.library_id.is_none() {
        return Err(Failure::usage(format!(
            "--library reads the cartridges of a library: drive '{}' is not in one (see `tapebackarr library attach-drive`)",
            drive.name
        ))
        .into());
    }
    visit_in_place(env, catalog, drive, Pick::All, |catalog, e, dev| {
        Ok((e.clone(), tape(env, catalog, drive, dev, progress).map_err(|err| format!("{err:#}"))))
    })
}

/// Reads the tape in `dev` and records what it holds, in one transaction.
pub fn tape(
    env: &Env,
    catalog: &mut Catalog,
    drive: &drives::Drive,
    dev: &mut dyn TapeDevice,
    progress: &dyn Fn(&str) -> indicatif::ProgressBar,
) -> Result<Rebuilt> {
    let status = dev.status().map_err(|e| device_error(e, drive))?;
    if !status.loaded {
        return Err(device_error(TapeError::NoTape, drive));
    }
    let label = match label::read_label(dev).map_err(|e| device_error(e, drive))? {
        TapeContents::Labeled(l) => l,
        TapeContents::Blank => {
            return Err(Failure::new(
                Kind::WrongTape,
                format!("the tape in drive '{}' is blank: there is nothing to rebuild from it", drive.name),
            )
            .into());
        }
        TapeContents::Foreign { reason, .. } => {
            return Err(Failure::new(
                Kind::WrongTape,
                format!(
                    "the tape in drive '{}' is not a TapeBackarr tape ({reason}): there is nothing to rebuild from it",
                    drive.name
                ),
            )
            .into());
        }
    };
    // A conflict is refused before the tape winds.
    rebuild::check_tape(catalog.conn(), &label)?;
    env.verbose(|| format!("reading tape '{}' (uuid {}) in drive '{}'", label.label, label.uuid, drive.name));

    // 1. The tape: headers and indexes, the indexes spooled.
    let spool = tempfile::tempfile_in(env.home).context("cannot create a spool file in the home directory")?;
    let (mut found, mut others, mut catalog_backups) = (Vec::new(), Vec::new(), Vec::new());
    {
        let mut out = BufWriter::with_capacity(1 << 20, &spool);
        let mut offset = 0u64;
        let bar = progress(&format!("reading tape '{}'", label.label));
        let mut scanner = Scanner::new(&mut *dev);
        while let Some(item) = scanner.next() {
            let item = item.map_err(|e| device_error(e, drive))?;
            bar.set_position(scanner.bytes_read());
            match item {
                Scanned::Part(p) => {
                    let p = *p;
                    let index = match p.index {
                        Ok(ix) => {
                            out.write_all(&ix.bytes).context("cannot write the spool file")?;
                            let len = ix.bytes.len() as u64;
                            let spooled = Spooled {
                                index_block: ix.index_block,
                                end_block: ix.end_block,
                                recorded_first_block: ix.part.first_block,
                                end: ix.end,
                                offset,
                                len,
                                checksum: blake3::hash(&ix.bytes).to_hex().to_string(),
                            };
                            offset += len;
                            Ok(spooled)
                        }
                        Err(reason) => Err(reason),
                    };
                    found.push(Found { data_file: p.data_file, header_block: p.header_block, header: p.header, index });
                }
                Scanned::Other { file, block, reason } => others.push(Other { file, block, reason }),
                // Not a set: the catalog itself, which `catalog restore-db` installs.
                Scanned::CatalogBackup(c) => catalog_backups.push(*c),
            }
        }
        bar.finish_and_clear();
        out.flush().context("cannot write the spool file")?;
    }

    // 2. The catalog, in one transaction.
    let tx = catalog.write()?;
    let mut rb = rebuild::start(&tx, &label, status.capacity_bytes)?;
    let total: u64 = found.iter().filter_map(|f| f.index.as_ref().ok()).map(|s| s.len).sum();
    let bar = progress("recording the indexes");
    bar.set_length(total);
    for f in &found {
        let Ok(s) = &f.index else { continue };
        let part = PartOnTape {
            header: &f.header,
            data_file: f.data_file,
            header_block: f.header_block,
            index_block: s.index_block,
            end_block: s.end_block,
            recorded_first_block: s.recorded_first_block,
            end: &s.end,
            index_bytes: s.len,
            index_checksum: s.checksum.clone(),
        };
        rebuild::record_part(&tx, &mut rb, &part, spooled_records(&spool, s)?)?;
        bar.inc(s.len);
    }
    bar.finish_and_clear();
    rebuild::finish(&tx, &mut rb)?;
    if drive.current_tape_id != Some(rb.tape.id) {
        drives::set_current_tape(&tx, drive.id, Some(rb.tape.id))?;
    }
    for o in &others {
        rb.warnings.push(format!(
            "tape file {} (block {}) is not a TapeBackarr part ({}): skipped",
            o.file, o.block, o.reason
        ));
    }
    for c in &catalog_backups {
        rb.notes.push(format!(
            "tape file {} (block {}) holds a catalog backup taken {}{}: not a set, skipped (tapebackarr catalog restore-db installs it)",
            c.data_file,
            c.header_block,
            c.header.created_at,
            if c.trailer.is_ok() { "" } else { ", cut off" }
        ));
    }
    let cut: Vec<Value> = found
        .iter()
        .filter_map(|f| {
            f.index.as_ref().err().map(|reason| {
                json!({"file": f.data_file, "block": f.header_block, "set_uuid": f.header.set_uuid.to_string(),
                    "part": f.header.part, "job": f.header.job, "backup_type": f.header.backup_type.as_str(),
                    "reason": reason})
            })
        })
        .collect();
    let repaired = rb.skipped.iter().filter(|s| !s.repaired.is_empty()).count();
    audit::record(
        &tx,
        "catalog.rebuild",
        "tape",
        Some(rb.tape.id),
        json!({
            "tape": rb.tape.label,
            "uuid": label.uuid,
            "drive": drive.name,
            "tape_created": rb.tape_created,
            "sets_added": rb.added.len(),
            "sets_skipped": rb.skipped.len(),
            "sets_repaired": repaired,
            "entries": rb.entries,
            "parts_cut_off": cut.len(),
            "other_files": others.len(),
            "created": rb.created,
            "warnings": rb.warnings.len(),
        }),
    )?;
    tx.commit()?;
    Ok(Rebuilt { label, rb, cut })
}

/// The records of a spooled index, read back one at a time.
fn spooled_records<'a>(spool: &'a File, s: &Spooled) -> Result<IndexReader<std::io::Take<&'a File>>> {
    let mut file = spool;
    file.seek(SeekFrom::Start(s.offset)).context("cannot read the spool file")?;
    Ok(IndexReader::new(file.take(s.len))?)
}
