//! `tapebackarr catalog rebuild`: the catalog's record of a tape, read back from the tape.
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
use clap::Args;
use serde_json::{Value, json};

use crate::catalog::rebuild::{self, PartOnTape, SetReport, TapeRebuild};
use crate::catalog::{audit, drives};
use crate::cmd::{Ctx, device_error};
use crate::error::{Exit, Failure, Kind};
use crate::format::index::{EndRecord, IndexReader};
use crate::format::label::{self, TapeContents, TapeLabel};
use crate::format::part::PartHeader;
use crate::format::scan::{Scanned, Scanner};
use crate::output::table;
use crate::tape::TapeError;

#[derive(Debug, Args)]
pub struct RebuildArgs {
    /// Read every data cartridge of the drive's library in turn (each loaded, read and put
    /// back in its slot), not only the tape in the drive
    #[arg(long)]
    pub library: bool,
}

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

pub fn exec(ctx: &Ctx, args: RebuildArgs) -> Result<Exit> {
    let mut catalog = ctx.catalog()?;
    let drive = ctx.pick_drive(catalog.conn())?;
    if args.library {
        return from_library(ctx, &mut catalog, &drive);
    }
    let mut open = ctx.open_drive(&drive, "catalog rebuild")?;
    let rebuilt = rebuild_tape(ctx, &mut catalog, &drive, open.dev.as_mut())?;
    drop(open);
    report(ctx, &drive.name, &rebuilt.label, &rebuilt.rb, &rebuilt.cut);
    Ok(Exit::Ok)
}

/// What one tape gave the catalog.
struct Rebuilt {
    label: TapeLabel,
    rb: TapeRebuild,
    cut: Vec<Value>,
}

/// `catalog rebuild --library`: every data cartridge of the drive's library, one after the
/// other. A tape that cannot be read from (blank, foreign, in conflict with the catalog, a
/// device error) is reported and the next one taken; any such tape makes the exit code 1.
fn from_library(ctx: &Ctx, catalog: &mut crate::catalog::Catalog, drive: &drives::Drive) -> Result<Exit> {
    if drive.library_id.is_none() {
        return Err(Failure::usage(format!(
            "--library reads the cartridges of a library: drive '{}' is not in one (see `tapebackarr library attach-drive`)",
            drive.name
        ))
        .into());
    }
    let all = crate::cmd::library::Pick::All;
    let results = crate::cmd::library::visit_in_place(&ctx.env(), catalog, drive, all, |catalog, e, dev| {
        Ok(match rebuild_tape(ctx, catalog, drive, dev) {
            Ok(r) => (e.clone(), Ok(r)),
            Err(err) => (e.clone(), Err(format!("{err:#}"))),
        })
    })?;
    let failed = results.iter().filter(|(_, r)| r.is_err()).count();
    let docs: Vec<Value> = results
        .iter()
        .map(|(e, r)| match r {
            Ok(r) => json!({"element": e.address, "barcode": e.barcode, "tape": r.rb.tape.label,
                "sets_added": r.rb.added.len(), "sets_skipped": r.rb.skipped.len(), "entries": r.rb.entries,
                "parts_cut_off": r.cut.len(), "warnings": r.rb.warnings}),
            Err(msg) => json!({"element": e.address, "barcode": e.barcode, "error": msg}),
        })
        .collect();
    ctx.out.done(&json!({"drive": drive.name, "tapes": docs, "failed": failed}), || {
        let rows = results
            .iter()
            .map(|(e, r)| {
                let bc = e.barcode.clone().unwrap_or_else(|| "-".into());
                match r {
                    Ok(r) => vec![
                        e.address.0.to_string(),
                        bc,
                        r.rb.tape.label.clone(),
                        format!("{} added, {} skipped, {} entries", r.rb.added.len(), r.rb.skipped.len(), r.rb.entries),
                    ],
                    Err(msg) => vec![e.address.0.to_string(), bc, "-".into(), msg.clone()],
                }
            })
            .collect();
        format!(
            "Read {} cartridge(s), {failed} failed\n\n{}",
            results.len(),
            table(&["element", "barcode", "tape", "result"], rows)
        )
    });
    // With --json they are in the document.
    for (e, r) in results.iter().filter(|_| !ctx.out.json) {
        if let Ok(r) = r {
            for w in &r.rb.warnings {
                eprintln!("warning: tape '{}' ({}): {w}", r.rb.tape.label, e.address);
            }
        }
    }
    Ok(if failed > 0 { Exit::Error } else { Exit::Ok })
}

/// Reads the tape in `dev` and records what it holds, in one transaction.
fn rebuild_tape(
    ctx: &Ctx,
    catalog: &mut crate::catalog::Catalog,
    drive: &drives::Drive,
    dev: &mut dyn crate::tape::TapeDevice,
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
    ctx.out.verbose(|| format!("reading tape '{}' (uuid {}) in drive '{}'", label.label, label.uuid, drive.name));

    // 1. The tape: headers and indexes, the indexes spooled.
    let spool = tempfile::tempfile_in(&ctx.home).context("cannot create a spool file in the home directory")?;
    let (mut found, mut others) = (Vec::new(), Vec::new());
    {
        let mut out = BufWriter::with_capacity(1 << 20, &spool);
        let mut offset = 0u64;
        let bar = ctx.progress_bytes(&format!("reading tape '{}'", label.label));
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
            }
        }
        bar.finish_and_clear();
        out.flush().context("cannot write the spool file")?;
    }

    // 2. The catalog, in one transaction.
    let tx = catalog.write()?;
    let mut rb = rebuild::start(&tx, &label, status.capacity_bytes)?;
    let total: u64 = found.iter().filter_map(|f| f.index.as_ref().ok()).map(|s| s.len).sum();
    let bar = ctx.progress_bytes("recording the indexes");
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

fn report(ctx: &Ctx, drive: &str, label: &TapeLabel, rb: &TapeRebuild, cut: &[Value]) {
    let doc = json!({
        "tape": rb.tape,
        "tape_created": rb.tape_created,
        "label": label,
        "drive": drive,
        "sets_added": rb.added,
        "sets_skipped": rb.skipped,
        "parts_cut_off": cut,
        "created": rb.created,
        "entries": rb.entries,
        "warnings": rb.warnings,
        "notes": rb.notes,
    });
    if ctx.out.json {
        ctx.out.data(&doc, String::new);
        return;
    }
    ctx.out.done(&doc, || human(label, drive, rb, cut));
    for n in &rb.notes {
        ctx.out.note(|| format!("note: {n}"));
    }
    for w in &rb.warnings {
        eprintln!("warning: {w}");
    }
}

fn human(label: &TapeLabel, drive: &str, rb: &TapeRebuild, cut: &[Value]) -> String {
    let mut text = format!(
        "Read tape '{}' (uuid {}, pool '{}', block size {}{}) in drive '{drive}': {} set(s) added, {} skipped \
         (already in the catalog), {} part(s) cut off, {} entries recorded",
        label.label,
        label.uuid,
        rb.tape.pool_name.as_deref().unwrap_or(&label.pool),
        label.block_size,
        if rb.tape_created { ", new to the catalog" } else { "" },
        rb.added.len(),
        rb.skipped.len(),
        cut.len(),
        rb.entries
    );
    let rows: Vec<Vec<String>> = rb
        .added
        .iter()
        .map(|s| row(s, "added"))
        .chain(rb.skipped.iter().map(|s| {
            let result = if s.repaired.is_empty() {
                "skipped".to_string()
            } else {
                format!("skipped; {}", s.repaired.join(", "))
            };
            row(s, &result)
        }))
        .collect();
    if !rows.is_empty() {
        text.push('\n');
        text.push_str(&table(&["set", "job", "type", "part", "file", "files", "deleted", "status", "result"], rows));
    }
    let c = &rb.created;
    let created: Vec<String> = c
        .pools
        .iter()
        .map(|p| format!("pool '{p}'"))
        .chain(c.sources.iter().map(|s| format!("source '{s}'")))
        .chain(c.jobs.iter().map(|j| format!("job '{j}'")))
        .collect();
    if !created.is_empty() {
        text.push_str(&format!("\nCreated {}", created.join(", ")));
    }
    for p in cut {
        text.push_str(&format!(
            "\nCut off, not recorded: part {} of set {} (job '{}', {}) in tape file {}: {}",
            p["part"],
            p["set_uuid"].as_str().unwrap_or_default(),
            p["job"].as_str().unwrap_or_default(),
            p["backup_type"].as_str().unwrap_or_default(),
            p["file"],
            p["reason"].as_str().unwrap_or_default()
        ));
    }
    text
}

fn row(s: &SetReport, result: &str) -> Vec<String> {
    vec![
        s.set.to_string(),
        s.job.clone(),
        s.backup_type.clone(),
        s.part.to_string(),
        s.file.to_string(),
        s.files.to_string(),
        s.deleted.to_string(),
        s.status.clone(),
        result.to_string(),
    ]
}
