//! `tape label`: a new label on the tape in the drive (or on every blank cartridge of a
//! library, by barcode), and the tape's row in its pool.

use anyhow::Result;
use clap::Args as ClapArgs;
use serde_json::{Value, json};

use super::{invalid, wrong_tape};
use crate::catalog::Catalog;
use crate::catalog::audit;
use crate::catalog::drives::{self, Drive};
use crate::catalog::pools::{self, Pool};
use crate::catalog::tapes::{self, LTO_TYPES, Tape, TapeStatus};
use crate::cmd::{Ctx, device_error};
use crate::error::{Exit, Failure, Kind};
use crate::format::label::{self, TapeContents, TapeLabel};
use crate::output::or_dash;
use crate::tape::{TapeDevice, TapeError};
use crate::timefmt;
use crate::values::{parse_block_size, parse_name};

#[derive(Debug, ClapArgs)]
pub struct Args {
    /// The tape's name (letters, digits, '.', '_', '-'); written on the tape
    #[arg(value_parser = parse_name, required_unless_present = "barcodes", conflicts_with = "barcodes")]
    pub label: Option<String>,
    /// The pool the tape joins
    #[arg(long)]
    pub pool: String,
    /// The cartridge's barcode [default: the virtual cartridge's name, or the one the library reads]
    #[arg(long, value_parser = parse_name)]
    pub barcode: Option<String>,
    /// LTO generation, for the capacity (LTO-1 … LTO-9)
    #[arg(long, value_name = "TYPE", value_parser = clap::builder::PossibleValuesParser::new(LTO_TYPES))]
    pub lto_type: Option<String>,
    /// Overwrite a tape that holds a label or data
    #[arg(long, conflicts_with = "barcodes")]
    pub force: bool,
    /// Label every blank cartridge of the drive's library that the catalog does not know,
    /// by its barcode
    #[arg(long, conflicts_with = "barcode")]
    pub barcodes: bool,
    /// Size of the data blocks backups write to this tape: 64K, 128K, 256K, 512K or 1M
    /// (recorded in the label; readers follow it)
    #[arg(long, value_name = "SIZE", default_value = "256K", value_parser = parse_block_size)]
    pub block_size: u32,
}

pub(super) fn exec(ctx: &Ctx, catalog: &mut Catalog, args: Args) -> Result<Exit> {
    let Args { label, pool, barcode, lto_type, force, block_size, .. } = args;
    let Some(label) = label else {
        label_by_barcodes(ctx, catalog, &pool, lto_type, block_size)?;
        return Ok(Exit::Ok);
    };
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
            if let Some(t) = known.as_ref().filter(|t| matches!(t.status, TapeStatus::Retired | TapeStatus::Exported)) {
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
                        "the tape in drive '{}' is '{}' with {sets} live backup set(s) in the catalog: it is not relabelled",
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
        None => super::super::library::barcode_in(&ctx.env(), catalog, &drive)?,
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
    let new = NewLabel { label: &label, pool: &pool, barcode, lto_type, capacity: status.capacity_bytes, block_size };
    let (doc, on_tape) = put_label(catalog, &drive, open.dev.as_mut(), new, relabel)?;
    drop(open);
    ctx.out.done(&json!({"tape": doc, "label": on_tape}), || {
        format!("Labelled tape '{label}' in drive '{}' for pool '{}' (uuid {})", drive.name, pool.name, on_tape.uuid)
    });
    Ok(Exit::Ok)
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
        // Older catalog copies on it (the newest keeps a tape from being relabelled) are gone.
        crate::catalog::db_backups::erased_with_tape(&tx, tape.id, "erased: tape label --force")?;
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
    let pick = super::super::library::Pick::UnknownBarcode;
    let results = super::super::library::visit_in_place(&ctx.env(), catalog, &drive, pick, |catalog, e, dev| {
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
