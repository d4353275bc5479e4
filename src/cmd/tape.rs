//! `tapebackarr tape …`: label and identify tapes, list them, move them through their
//! lifecycle (assign, retire, export, import, erase) and dump raw tape files.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::Subcommand;
use serde_json::{Value, json};

use super::{Ctx, OpenDrive, device_error};
use crate::catalog::audit;
use crate::catalog::drives::{self, Drive};
use crate::catalog::pools::{self, Pool};
use crate::catalog::tapes::{self, LTO_TYPES, Tape, TapeStatus};
use crate::error::{Exit, Failure, Kind};
use crate::format::label::{self, TapeContents, TapeLabel};
use crate::output::{fields, or_dash, table, when};
use crate::tape::{ReadOutcome, Space, TapeDevice, TapeError};
use crate::timefmt;
use crate::values::{one_of, parse_block_size, parse_name};

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Write a label to the tape in the drive and add it to a pool
    #[command(after_help = "A tape that holds a label or any data is refused unless --force (which asks for
confirmation unless --yes). A tape with backup sets in the catalog is never relabelled.

With --barcodes, the drive (a drive of a library) labels every cartridge in the library's
storage slots whose barcode the catalog does not know, each named by its barcode: loaded,
labelled if blank, put back in its slot. Cartridges that hold a label or data are skipped
and listed (never overwritten); cleaning cartridges (CLN…) are never loaded.

Examples:
  tapebackarr tape label WEEK01 --pool weekly
  tapebackarr --drive lto1 tape label WEEK02 --pool weekly --barcode TB0002L8 --lto-type LTO-8
  tapebackarr tape label SCRATCH --pool weekly --force --yes
  tapebackarr --drive d0 tape label --barcodes --pool weekly --lto-type LTO-8
  tapebackarr tape label BIG01 --pool weekly --block-size 1M")]
    Label {
        /// The tape's name (letters, digits, '.', '_', '-'); written on the tape
        #[arg(value_parser = parse_name, required_unless_present = "barcodes", conflicts_with = "barcodes")]
        label: Option<String>,
        /// The pool the tape joins
        #[arg(long)]
        pool: String,
        /// The cartridge's barcode [default: the virtual cartridge's name, or the one the library reads]
        #[arg(long, value_parser = parse_name)]
        barcode: Option<String>,
        /// LTO generation, for the capacity (LTO-1 … LTO-9)
        #[arg(long, value_name = "TYPE", value_parser = clap::builder::PossibleValuesParser::new(LTO_TYPES))]
        lto_type: Option<String>,
        /// Overwrite a tape that holds a label or data
        #[arg(long, conflicts_with = "barcodes")]
        force: bool,
        /// Label every blank cartridge of the drive's library that the catalog does not know,
        /// by its barcode
        #[arg(long, conflicts_with = "barcode")]
        barcodes: bool,
        /// Size of the data blocks backups write to this tape: 64K, 128K, 256K, 512K or 1M
        /// (recorded in the label; readers follow it)
        #[arg(long, value_name = "SIZE", default_value = "256K", value_parser = parse_block_size)]
        block_size: u32,
    },
    /// Read the label of the tape in the drive and say which tape it is
    #[command(after_help = "Examples:\n  tapebackarr tape identify\n  tapebackarr --drive lto1 tape identify --json")]
    Identify,
    /// List tapes
    #[command(
        after_help = "Examples:\n  tapebackarr tape list --pool weekly\n  tapebackarr tape list --status full --json"
    )]
    List {
        /// Only tapes of this pool
        #[arg(long)]
        pool: Option<String>,
        /// Only tapes with this status
        #[arg(long, value_parser = one_of::<TapeStatus>(&TapeStatus::NAMES))]
        status: Option<TapeStatus>,
    },
    /// Show one tape
    #[command(after_help = "Example:\n  tapebackarr tape show WEEK01")]
    Show {
        /// Tape label
        label: String,
    },
    /// Move a blank or expired tape to another pool
    #[command(after_help = "Example:\n  tapebackarr tape assign WEEK01 --pool monthly")]
    Assign {
        /// Tape label
        label: String,
        /// The new pool
        #[arg(long)]
        pool: String,
    },
    /// Mark a tape full by hand (no backup appends to it), or active again
    #[command(after_help = "full: backups take another tape from now on (a tape a failed run filled with data the
catalog does not know of, say; backups also notice this by themselves when the data on a
tape reaches its early-warning mark). active: undoes a mark made by hand; a full tape that
holds no set becomes blank.

Examples:
  tapebackarr tape update WEEK01 --status full
  tapebackarr tape update WEEK01 --status active")]
    Update {
        /// Tape label
        label: String,
        /// The new status: full or active
        #[arg(long, value_parser = clap::builder::PossibleValuesParser::new(["full", "active"]))]
        status: String,
    },
    /// Take a tape out of service for good
    #[command(after_help = "Example:\n  tapebackarr tape retire WEEK01")]
    Retire {
        /// Tape label
        label: String,
    },
    /// Record that a tape went offsite
    #[command(after_help = "Example:\n  tapebackarr tape export WEEK01 --location 'bank vault 3'")]
    Export {
        /// Tape label
        label: String,
        /// Where it is kept
        #[arg(long, value_name = "TEXT")]
        location: String,
    },
    /// Record that an exported tape is back
    #[command(after_help = "Example:\n  tapebackarr tape import WEEK01")]
    Import {
        /// Tape label
        label: String,
    },
    /// Quick-erase the tape in the drive, keeping its label (asks first)
    #[command(after_help = "Everything after the label is erased and the tape becomes blank in the catalog. A tape
with backup sets in the catalog is refused. A tape this catalog does not know is erased from
the start (label included) only with --force.

Examples:
  tapebackarr tape erase
  tapebackarr --drive lto1 tape erase --yes")]
    Erase {
        /// Also erase a tape this catalog does not know (a foreign or unlabelled one)
        #[arg(long)]
        force: bool,
    },
    /// Write the raw bytes of tape file N to stdout or a file, like `mt fsf N; dd`
    #[command(after_help = "File 0 is the label; backup sets start at file 1.

Examples:
  tapebackarr tape dump --file 0 | head -c 300
  tapebackarr tape dump --file 1 --output set.bin")]
    Dump {
        /// Tape file number (0 = label)
        #[arg(long, value_name = "N")]
        file: u64,
        /// Write here instead of stdout
        #[arg(long, short, value_name = "PATH")]
        output: Option<PathBuf>,
    },
}

pub fn exec(ctx: &Ctx, cmd: Command) -> Result<Exit> {
    let mut catalog = ctx.catalog()?;
    match cmd {
        Command::Label { label: None, pool, lto_type, block_size, .. } => {
            label_by_barcodes(ctx, &mut catalog, &pool, lto_type, block_size)?
        }
        Command::Label { label: Some(label), pool, barcode, lto_type, force, block_size, .. } => {
            let pool = pools::get(catalog.conn(), &pool)?;
            let drive = ctx.pick_drive(catalog.conn())?;
            let mut open = ctx.open_drive(&drive, "tape label")?;
            let status = open.dev.status().map_err(|e| device_error(e, &drive))?;
            if !status.loaded {
                return Err(device_error(TapeError::NoTape, &drive));
            }
            if status.write_protected {
                return Err(device_error(TapeError::WriteProtected, &drive));
            }
            let contents = label::read_label(open.dev.as_mut()).map_err(|e| device_error(e, &drive))?;
            let conn = catalog.conn();
            // Which catalog row this labelling ends up in: the tape's own (a relabel) or new.
            let mut relabel: Option<Tape> = None;
            // Asked only once every other check has passed.
            let mut question: Option<String> = None;
            match &contents {
                TapeContents::Blank => {}
                TapeContents::Labeled(old) => {
                    let known = tapes::by_uuid(conn, &old.uuid)?;
                    if let Some(t) =
                        known.as_ref().filter(|t| matches!(t.status, TapeStatus::Retired | TapeStatus::Exported))
                    {
                        return Err(invalid(format!(
                            "the tape in drive '{}' is '{}', which is {}: it is not relabelled",
                            drive.name,
                            t.label,
                            t.status.as_str()
                        )));
                    }
                    if let Some(t) = &known {
                        let sets = tapes::set_count(conn, t.id)?;
                        if sets > 0 {
                            return Err(wrong_tape(format!(
                                "the tape in drive '{}' is '{}' with {sets} backup set(s) in the catalog: it is not relabelled",
                                drive.name, t.label
                            )));
                        }
                    }
                    let what = match &known {
                        Some(t) => format!("catalog tape '{}' (pool {})", t.label, or_dash(t.pool_name.as_deref())),
                        None => format!("label '{}' of pool {} from another catalog", old.label, old.pool),
                    };
                    if !force {
                        return Err(wrong_tape(format!(
                            "the tape in drive '{}' is already labelled: {what}; pass --force to overwrite it",
                            drive.name
                        )));
                    }
                    question = Some(format!("Overwrite {what}?"));
                    relabel = known;
                }
                TapeContents::Foreign { reason, .. } => {
                    if !force {
                        return Err(wrong_tape(format!(
                            "the tape in drive '{}' holds foreign data ({reason}); pass --force to overwrite it",
                            drive.name
                        )));
                    }
                    question = Some(format!("Overwrite the data on the tape in drive '{}'?", drive.name));
                }
            }
            if let Some(other) = tapes::find(conn, &label)?
                && relabel.as_ref().is_none_or(|r| r.id != other.id)
            {
                return Err(Failure::already_exists("tape", &label).into());
            }
            let barcode = match barcode.or(status.cartridge.clone()) {
                Some(b) => Some(b),
                None => super::library::barcode_in(ctx, &catalog, &drive)?,
            };
            if let Some(b) = barcode.as_deref().filter(|b| crate::catalog::libraries::is_cleaning(b)) {
                return Err(invalid(format!("{b} is a cleaning cartridge's barcode: it is never labelled for data")));
            }
            if let Some(b) = &barcode
                && let Some(other) = tapes::by_barcode(conn, b)?
                && relabel.as_ref().is_none_or(|r| r.id != other.id)
            {
                return Err(Failure::new(
                    Kind::AlreadyExists,
                    format!("barcode {b} already belongs to tape '{}'", other.label),
                )
                .into());
            }
            if let Some(q) = question
                && !ctx.confirm(&q)?
            {
                return Err(Failure::new(Kind::InvalidState, "not confirmed: the tape is unchanged").into());
            }
            let new =
                NewLabel { label: &label, pool: &pool, barcode, lto_type, capacity: status.capacity_bytes, block_size };
            let (doc, on_tape) = put_label(&mut catalog, &drive, open.dev.as_mut(), new, relabel)?;
            drop(open);
            ctx.out.done(&json!({"tape": doc, "label": on_tape}), || {
                format!(
                    "Labelled tape '{label}' in drive '{}' for pool '{}' (uuid {})",
                    drive.name, pool.name, on_tape.uuid
                )
            });
        }
        Command::Identify => {
            let drive = ctx.pick_drive(catalog.conn())?;
            let mut open = ctx.open_drive(&drive, "tape identify")?;
            let contents = read_contents(&mut open, &drive)?;
            drop(open);
            let (doc, text, tape_id) = match &contents {
                TapeContents::Blank => {
                    (json!({"state": "blank"}), "The tape is blank (never written).".to_string(), None)
                }
                TapeContents::Foreign { first_bytes, reason } => (
                    json!({"state": "foreign", "reason": reason, "first_bytes": escape(first_bytes)}),
                    format!("The tape is foreign: {reason}. It starts with: {}", escape(first_bytes)),
                    None,
                ),
                TapeContents::Labeled(l) => match tapes::by_uuid(catalog.conn(), &l.uuid)? {
                    Some(t) => (
                        json!({"state": "labeled", "known": true, "label": l, "tape": t}),
                        format!(
                            "Tape '{}' (pool {}, status {}), labelled {}",
                            t.label,
                            or_dash(t.pool_name.as_deref()),
                            t.status.as_str(),
                            l.labeled_at
                        ),
                        Some(t.id),
                    ),
                    None => (
                        json!({"state": "labeled", "known": false, "label": l, "tape": Value::Null}),
                        format!(
                            "A TapeBackarr tape this catalog does not know: label '{}', pool {}, uuid {}",
                            l.label, l.pool, l.uuid
                        ),
                        None,
                    ),
                },
            };
            if drive.current_tape_id != tape_id {
                let tx = catalog.write()?;
                drives::set_current_tape(&tx, drive.id, tape_id)?;
                audit::record(
                    &tx,
                    "drive.tape_seen",
                    "drive",
                    Some(drive.id),
                    json!({"drive": drive.name, "tape_id": tape_id}),
                )?;
                tx.commit()?;
            }
            let mut doc = doc;
            doc["drive"] = json!(drive.name);
            ctx.out.data(&doc, || text);
        }
        Command::List { pool, status } => {
            let conn = catalog.conn();
            let pool_id = pool.as_deref().map(|p| pools::get(conn, p)).transpose()?.map(|p| p.id);
            let list = tapes::list(conn, pool_id, status)?;
            let rows = list
                .iter()
                .map(|t| {
                    vec![
                        t.label.clone(),
                        or_dash(t.barcode.as_deref()),
                        or_dash(t.pool_name.as_deref()),
                        t.status.as_str().into(),
                        bytes(t.used_bytes),
                        bytes(t.capacity_bytes),
                        or_dash(t.offsite_location.as_deref()),
                    ]
                })
                .collect::<Vec<_>>();
            ctx.out.data(&json!({"tapes": list}), || {
                if rows.is_empty() {
                    "No tapes. Label one with: tapebackarr tape label LABEL --pool POOL".into()
                } else {
                    table(&["label", "barcode", "pool", "status", "used", "capacity", "location"], rows)
                }
            });
        }
        Command::Show { label } => {
            let conn = catalog.conn();
            let t = tapes::get(conn, &label)?;
            let sets = tapes::set_count(conn, t.id)?;
            let in_drive = drives::list(conn)?.into_iter().find(|d| d.current_tape_id == Some(t.id)).map(|d| d.name);
            let mut doc = serde_json::to_value(&t)?;
            doc["backup_sets"] = json!(sets);
            doc["drive"] = json!(in_drive);
            ctx.out.data(&json!({"tape": doc}), || {
                fields(&[
                    ("label", t.label.clone()),
                    ("id", t.id.to_string()),
                    ("uuid", or_dash(t.uuid.as_deref())),
                    ("barcode", or_dash(t.barcode.as_deref())),
                    ("pool", or_dash(t.pool_name.as_deref())),
                    ("status", t.status.as_str().into()),
                    ("type", or_dash(Some(&t.lto_type))),
                    ("used", format!("{} of {}", bytes(t.used_bytes), bytes(t.capacity_bytes))),
                    ("backup sets", sets.to_string()),
                    ("writes", t.write_count.to_string()),
                    ("in drive", or_dash(in_drive.as_deref())),
                    ("location", or_dash(t.offsite_location.as_deref())),
                    ("labelled", when(&t.labeled_at)),
                    ("last written", when(&t.last_written_at)),
                    ("exported", when(&t.export_time)),
                    ("imported", when(&t.import_time)),
                ])
            });
        }
        Command::Assign { label, pool } => {
            let tx = catalog.write()?;
            let mut t = tapes::get(&tx, &label)?;
            let pool = pools::get(&tx, &pool)?;
            if !matches!(t.status, TapeStatus::Blank | TapeStatus::Expired) {
                return Err(invalid(format!(
                    "tape '{label}' is {}: only blank or expired tapes move to another pool",
                    t.status.as_str()
                )));
            }
            let from = t.pool_name.clone();
            t.pool_id = Some(pool.id);
            tapes::save(&tx, &t)?;
            audit::record(
                &tx,
                "tape.assign",
                "tape",
                Some(t.id),
                json!({"label": label, "from_pool": from, "to_pool": pool.name}),
            )?;
            let doc = serde_json::to_value(tapes::by_id(&tx, t.id)?)?;
            tx.commit()?;
            ctx.out.done(&json!({"tape": doc}), || format!("Tape '{label}' now belongs to pool '{}'", pool.name));
        }
        Command::Update { label, status } if status == "full" => {
            transition(ctx, &mut catalog, &label, TapeStatus::Full, "tape.update", |_| Ok(()))?;
        }
        Command::Update { label, .. } => {
            // Back from a full mark: active when it holds sets, else blank.
            let tx = catalog.write()?;
            let mut t = tapes::get(&tx, &label)?;
            if t.status != TapeStatus::Full {
                return Err(invalid(format!(
                    "tape '{label}' is {}: only a full tape can be made active again",
                    t.status.as_str()
                )));
            }
            let to = if tapes::set_count(&tx, t.id)? > 0 { TapeStatus::Active } else { TapeStatus::Blank };
            t.status = to;
            tapes::save(&tx, &t)?;
            audit::record(&tx, "tape.update", "tape", Some(t.id), json!({"label": label, "from": "full", "to": to}))?;
            let doc = serde_json::to_value(tapes::by_id(&tx, t.id)?)?;
            tx.commit()?;
            ctx.out.done(&json!({"tape": doc}), || format!("Tape '{label}': full → {}", to.as_str()));
        }
        Command::Retire { label } => {
            transition(ctx, &mut catalog, &label, TapeStatus::Retired, "tape.retire", |_| Ok(()))?;
        }
        Command::Export { label, location } => {
            if location.trim().is_empty() {
                return Err(Failure::usage("--location must say where the tape goes").into());
            }
            let tx = catalog.write()?;
            let mut t = tapes::get(&tx, &label)?;
            let from = tapes::mark_exported(&tx, &mut t, Some(&location))?;
            audit::record(
                &tx,
                "tape.export",
                "tape",
                Some(t.id),
                json!({"label": label, "from": from, "to": t.status, "location": location}),
            )?;
            let doc = serde_json::to_value(tapes::by_id(&tx, t.id)?)?;
            tx.commit()?;
            ctx.out.done(&json!({"tape": doc}), || format!("Tape '{label}': {} → exported", from.as_str()));
        }
        Command::Import { label } => {
            let tx = catalog.write()?;
            let mut t = tapes::get(&tx, &label)?;
            let from = tapes::mark_imported(&tx, &mut t)?;
            let back = t.status;
            audit::record(
                &tx,
                "tape.import",
                "tape",
                Some(t.id),
                json!({"label": label, "from_location": from, "status": back}),
            )?;
            let doc = serde_json::to_value(tapes::by_id(&tx, t.id)?)?;
            tx.commit()?;
            ctx.out.done(&json!({"tape": doc}), || format!("Tape '{label}' is back ({})", back.as_str()));
        }
        Command::Erase { force } => {
            let drive = ctx.pick_drive(catalog.conn())?;
            let mut open = ctx.open_drive(&drive, "tape erase")?;
            let contents = read_contents(&mut open, &drive)?;
            let known = match &contents {
                TapeContents::Labeled(l) => tapes::by_uuid(catalog.conn(), &l.uuid)?,
                _ => None,
            };
            let erase_from_file = match (&contents, &known) {
                (TapeContents::Blank, _) => {
                    ctx.out.done(&json!({"drive": drive.name, "erased": false, "state": "blank"}), || {
                        "The tape is already blank.".into()
                    });
                    return Ok(Exit::Ok);
                }
                (_, Some(t)) => {
                    let sets = tapes::set_count(catalog.conn(), t.id)?;
                    if sets > 0 {
                        return Err(wrong_tape(format!(
                            "tape '{}' holds {sets} backup set(s) in the catalog: not erased",
                            t.label
                        )));
                    }
                    if !t.status.can_become(TapeStatus::Blank) && t.status != TapeStatus::Blank {
                        return Err(invalid(format!(
                            "tape '{}' is {}: only blank or expired tapes are erased",
                            t.label,
                            t.status.as_str()
                        )));
                    }
                    1 // keep the label
                }
                (_, None) if !force => {
                    return Err(wrong_tape(format!(
                        "the tape in drive '{}' is not a tape of this catalog: pass --force to erase it from the start",
                        drive.name
                    )));
                }
                (_, None) => 0,
            };
            let what = match &known {
                Some(t) => format!("Erase tape '{}' (everything after its label)?", t.label),
                None => format!("Erase the whole tape in drive '{}', label included?", drive.name),
            };
            if !ctx.confirm(&what)? {
                return Err(Failure::new(Kind::InvalidState, "not confirmed: the tape is unchanged").into());
            }
            let dev = open.dev.as_mut();
            dev.rewind().map_err(|e| device_error(e, &drive))?;
            if erase_from_file > 0 {
                dev.space(Space::Filemarks(erase_from_file)).map_err(|e| device_error(e, &drive))?;
            }
            dev.erase(true).map_err(|e| device_error(e, &drive))?;
            dev.rewind().map_err(|e| device_error(e, &drive))?;
            drop(open);
            let tx = catalog.write()?;
            if let Some(mut t) = known.clone() {
                t.status = TapeStatus::Blank;
                t.used_bytes = 0;
                tapes::save(&tx, &t)?;
            }
            audit::record(
                &tx,
                "tape.erase",
                "tape",
                known.as_ref().map(|t| t.id),
                json!({"drive": drive.name, "label": known.as_ref().map(|t| &t.label), "label_kept": erase_from_file > 0}),
            )?;
            tx.commit()?;
            let doc = json!({"drive": drive.name, "erased": true, "tape": known.as_ref().map(|t| &t.label), "label_kept": erase_from_file > 0});
            ctx.out.done(&doc, || match &known {
                Some(t) => format!("Erased tape '{}'; its label is kept and it is blank", t.label),
                None => format!("Erased the tape in drive '{}'", drive.name),
            });
        }
        Command::Dump { file, output } => {
            if output.is_none() && ctx.out.json {
                return Err(
                    Failure::usage("--json needs --output: stdout cannot carry both tape bytes and JSON").into()
                );
            }
            if output.is_none() && std::io::stdout().is_terminal() {
                return Err(Failure::usage(
                    "refusing to write raw tape bytes to a terminal: redirect stdout or pass --output",
                )
                .into());
            }
            let drive = ctx.pick_drive(catalog.conn())?;
            let mut open = ctx.open_drive(&drive, "tape dump")?;
            position_at_file(&mut open, &drive, file)?;
            // Created only now, so a missing tape file leaves no empty output behind.
            let mut sink: Box<dyn Write> = match &output {
                Some(p) => {
                    Box::new(std::fs::File::create(p).with_context(|| format!("cannot create {}", p.display()))?)
                }
                None => Box::new(std::io::stdout().lock()),
            };
            let (blocks, total) = copy_file(ctx, &mut open, &drive, file, &mut sink)?;
            sink.flush()?;
            let doc = json!({"drive": drive.name, "file": file, "blocks": blocks, "bytes": total,
                "output": output.as_deref().map(crate::pathjson::to_json)});
            if output.is_some() {
                ctx.out.done(&doc, || format!("Dumped tape file {file}: {blocks} block(s), {total} bytes"));
            } else {
                ctx.out.note(|| format!("Dumped tape file {file}: {blocks} block(s), {total} bytes"));
            }
        }
    }
    Ok(Exit::Ok)
}

/// Positions the tape at the start of tape file `file`, proving that it holds at least one
/// block (a tape file is never empty).
fn position_at_file(open: &mut OpenDrive, drive: &Drive, file: u64) -> Result<()> {
    let dev = open.dev.as_mut();
    let missing = || -> anyhow::Error { Failure::new(Kind::NotFound, format!("the tape has no file {file}")).into() };
    dev.rewind().map_err(|e| device_error(e, drive))?;
    if file > 0 {
        match dev.space(Space::Filemarks(file as i64)) {
            Ok(()) => {}
            Err(TapeError::EndOfData) => return Err(missing()),
            Err(e) => return Err(device_error(e, drive)),
        }
    }
    let here = dev.position().map_err(|e| device_error(e, drive))?;
    let mut probe = vec![0u8; 4 << 20];
    match dev.read_block(&mut probe).map_err(|e| device_error(e, drive))? {
        ReadOutcome::EndOfData => Err(missing()),
        _ => dev.locate(here.block).map_err(|e| device_error(e, drive)),
    }
}

/// Copies the tape file the tape is positioned at to `sink`, block by block; returns blocks
/// and bytes.
fn copy_file(ctx: &Ctx, open: &mut OpenDrive, drive: &Drive, file: u64, sink: &mut dyn Write) -> Result<(u64, u64)> {
    let dev = open.dev.as_mut();
    let bar = ctx.progress_bytes(&format!("tape file {file}"));
    // Twice the largest block we write, so every block fits (and tgt reads it whole).
    let mut buf = vec![0u8; 4 << 20];
    let (mut blocks, mut total) = (0u64, 0u64);
    loop {
        match dev.read_block(&mut buf).map_err(|e| device_error(e, drive))? {
            ReadOutcome::Block(n) => {
                sink.write_all(&buf[..n])
                    .or_else(|e| if e.kind() == std::io::ErrorKind::BrokenPipe { Ok(()) } else { Err(e) })?;
                blocks += 1;
                total += n as u64;
                bar.set_position(total);
            }
            ReadOutcome::Filemark => break,
            ReadOutcome::EndOfData => break,
        }
    }
    bar.finish_and_clear();
    Ok((blocks, total))
}

fn read_contents(open: &mut OpenDrive, drive: &Drive) -> Result<TapeContents> {
    let status = open.dev.status().map_err(|e| device_error(e, drive))?;
    if !status.loaded {
        return Err(device_error(TapeError::NoTape, drive));
    }
    label::read_label(open.dev.as_mut()).map_err(|e| device_error(e, drive))
}

/// Moves a tape to `to` after `edit`, if its lifecycle allows; audits it as `action`.
fn transition(
    ctx: &Ctx,
    catalog: &mut crate::catalog::Catalog,
    label: &str,
    to: TapeStatus,
    action: &str,
    edit: impl FnOnce(&mut Tape) -> Result<()>,
) -> Result<()> {
    let tx = catalog.write()?;
    let mut t = tapes::get(&tx, label)?;
    if !t.status.can_become(to) || t.status == to {
        return Err(invalid(format!("tape '{label}' is {}: it cannot become {}", t.status.as_str(), to.as_str())));
    }
    let from = t.status;
    edit(&mut t)?;
    t.status = to;
    tapes::save(&tx, &t)?;
    if to == TapeStatus::Exported {
        drives::forget_tape(&tx, t.id)?;
    }
    audit::record(
        &tx,
        action,
        "tape",
        Some(t.id),
        json!({"label": label, "from": from, "to": to, "location": t.offsite_location}),
    )?;
    let doc = serde_json::to_value(tapes::by_id(&tx, t.id)?)?;
    tx.commit()?;
    ctx.out.done(&json!({"tape": doc}), || format!("Tape '{label}': {} → {}", from.as_str(), to.as_str()));
    Ok(())
}

/// What a new label says, beside the tape's uuid and time.
struct NewLabel<'a> {
    label: &'a str,
    pool: &'a Pool,
    barcode: Option<String>,
    lto_type: Option<String>,
    /// What the drive reports of the cartridge's capacity, when the LTO type does not say.
    capacity: Option<u64>,
    /// Size of the data blocks backups will write.
    block_size: u32,
}

/// Writes a new label on the tape in `dev` and records the tape as blank in its pool: a new
/// row, or `relabel`'s. Every check is the caller's, made before.
fn put_label(
    catalog: &mut crate::catalog::Catalog,
    drive: &Drive,
    dev: &mut dyn TapeDevice,
    new: NewLabel<'_>,
    relabel: Option<Tape>,
) -> Result<(Value, TapeLabel)> {
    let now = chrono::Utc::now();
    let mut on_tape = TapeLabel::new(
        uuid::Uuid::new_v4().to_string(),
        new.label.to_string(),
        new.barcode.clone(),
        new.pool.name.clone(),
        now.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
    );
    on_tape.block_size = new.block_size;
    label::write_label(dev, &on_tape).map_err(|e| device_error(e, drive))?;
    // The generation given now, else the one recorded before a relabel.
    let lto_type = new.lto_type.or(relabel.as_ref().map(|t| t.lto_type.clone()).filter(|t| !t.is_empty()));
    let capacity = lto_type.as_deref().and_then(tapes::lto_capacity).or(new.capacity.map(|c| c as i64)).unwrap_or(0);
    let tx = catalog.write()?;
    let mut tape = relabel.unwrap_or_else(|| Tape::blank(new.label));
    tape.uuid = Some(on_tape.uuid.clone());
    tape.label = new.label.to_string();
    tape.barcode = new.barcode;
    tape.pool_id = Some(new.pool.id);
    tape.status = TapeStatus::Blank;
    tape.lto_type = lto_type.unwrap_or(tape.lto_type);
    tape.capacity_bytes = capacity;
    tape.used_bytes = 0;
    tape.labeled_at = Some(timefmt::to_sql(now));
    let id = if tape.id == 0 {
        tapes::insert(&tx, &tape)?
    } else {
        tapes::save(&tx, &tape)?;
        tape.id
    };
    drives::set_current_tape(&tx, drive.id, Some(id))?;
    let doc = serde_json::to_value(tapes::by_id(&tx, id)?)?;
    audit::record(
        &tx,
        "tape.label",
        "tape",
        Some(id),
        json!({"tape": &doc, "drive": drive.name, "uuid": on_tape.uuid}),
    )?;
    tx.commit()?;
    Ok((doc, on_tape))
}

/// `tape label --barcodes`: every blank cartridge of the drive's library that the catalog
/// does not know, labelled by its barcode and put back in its slot.
fn label_by_barcodes(
    ctx: &Ctx,
    catalog: &mut crate::catalog::Catalog,
    pool: &str,
    lto_type: Option<String>,
    block_size: u32,
) -> Result<()> {
    let pool = pools::get(catalog.conn(), pool)?;
    let drive = ctx.pick_drive(catalog.conn())?;
    if drive.library_id.is_none() {
        return Err(Failure::usage(format!(
            "--barcodes labels the cartridges of a library: drive '{}' is not in one (see `tapebackarr library attach-drive`)",
            drive.name
        ))
        .into());
    }
    let pick = super::library::Pick::UnknownBarcode;
    let results = super::library::visit_in_place(ctx, catalog, &drive, pick, |catalog, e, dev| {
        let barcode = e.barcode.clone().expect("picked for its barcode");
        let skip =
            |reason: String| Ok(json!({"barcode": barcode, "element": e.address, "labelled": false, "reason": reason}));
        if parse_name(&barcode).is_err() {
            return skip(format!("the barcode '{barcode}' is not a usable tape name"));
        }
        if tapes::find(catalog.conn(), &barcode)?.is_some() {
            return skip(format!("a tape named '{barcode}' exists already (with another barcode)"));
        }
        let status = dev.status().map_err(|err| device_error(err, &drive))?;
        if status.write_protected {
            return skip("write-protected".into());
        }
        match label::read_label(dev).map_err(|err| device_error(err, &drive))? {
            TapeContents::Blank => {}
            TapeContents::Labeled(l) => {
                return skip(format!("already labelled '{}' (pool {}): not overwritten", l.label, l.pool));
            }
            TapeContents::Foreign { reason, .. } => return skip(format!("holds data ({reason}): not overwritten")),
        }
        let new = NewLabel {
            label: &barcode,
            pool: &pool,
            barcode: Some(barcode.clone()),
            lto_type: lto_type.clone(),
            capacity: status.capacity_bytes,
            block_size,
        };
        let (doc, _) = put_label(catalog, &drive, dev, new, None)?;
        Ok(json!({"barcode": barcode, "element": e.address, "labelled": true, "tape": doc}))
    })?;
    let labelled = results.iter().filter(|r| r["labelled"] == true).count();
    ctx.out.done(&json!({"pool": pool.name, "drive": drive.name, "cartridges": results}), || {
        let mut text = format!("Labelled {labelled} cartridge(s) by barcode for pool '{}'", pool.name);
        for r in &results {
            let b = r["barcode"].as_str().unwrap_or("-");
            match r["reason"].as_str() {
                None => text.push_str(&format!("\n  {b}: labelled")),
                Some(why) => text.push_str(&format!("\n  {b}: skipped, {why}")),
            }
        }
        if results.is_empty() {
            text.push_str(": the catalog knows every barcode in the library");
        }
        text
    });
    Ok(())
}

fn wrong_tape(message: String) -> anyhow::Error {
    Failure::new(Kind::WrongTape, message).into()
}

fn invalid(message: String) -> anyhow::Error {
    Failure::new(Kind::InvalidState, message).into()
}

/// Bytes for people: 0, 512 B, 1.5 GB (decimal, like tape capacities).
pub fn bytes(n: i64) -> String {
    const UNITS: [&str; 5] = ["B", "kB", "MB", "GB", "TB"];
    let mut v = n as f64;
    let mut unit = 0;
    while v >= 1000.0 && unit < UNITS.len() - 1 {
        v /= 1000.0;
        unit += 1;
    }
    if unit == 0 { format!("{n} B") } else { format!("{v:.1} {}", UNITS[unit]) }
}

/// The first bytes of a foreign tape, printable.
fn escape(bytes: &[u8]) -> String {
    bytes.iter().flat_map(|b| std::ascii::escape_default(*b)).map(char::from).collect()
}
