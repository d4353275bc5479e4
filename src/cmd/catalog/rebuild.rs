//! `tapebackarr catalog rebuild`: the catalog's record of a tape (or of every tape of the
//! drive's library), read back from the tape by `engine::rebuild`, and the report of it.

use anyhow::Result;
use clap::Args;
use serde_json::{Value, json};

use crate::catalog::drives;
use crate::catalog::rebuild::{SetReport, TapeRebuild};
use crate::cmd::Ctx;
use crate::engine;
use crate::error::Exit;
use crate::format::label::TapeLabel;
use crate::output::table;

#[derive(Debug, Args)]
pub struct RebuildArgs {
    /// Read every data cartridge of the drive's library in turn (each loaded, read and put
    /// back in its slot), not only the tape in the drive
    #[arg(long)]
    pub library: bool,
}

pub fn exec(ctx: &Ctx, args: RebuildArgs) -> Result<Exit> {
    let mut catalog = ctx.catalog()?;
    let drive = ctx.pick_drive(catalog.conn())?;
    if args.library {
        return from_library(ctx, &mut catalog, &drive);
    }
    let mut open = ctx.open_drive(&drive, "catalog rebuild")?;
    let progress = |what: &str| ctx.progress_bytes(what);
    let rebuilt = engine::rebuild::tape(&ctx.env(), &mut catalog, &drive, open.dev.as_mut(), &progress)?;
    drop(open);
    report(ctx, &drive.name, &rebuilt.label, &rebuilt.rb, &rebuilt.cut);
    Ok(Exit::Ok)
}

/// `catalog rebuild --library`: every data cartridge of the drive's library, one after the
/// other ([`engine::rebuild::library`]); any tape that could not be read makes the exit code 1.
fn from_library(ctx: &Ctx, catalog: &mut crate::catalog::Catalog, drive: &drives::Drive) -> Result<Exit> {
    let progress = |what: &str| ctx.progress_bytes(what);
    let results = engine::rebuild::library(&ctx.env(), catalog, drive, &progress)?;
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
