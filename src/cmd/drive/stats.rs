//! `drive stats`: the drive's health (TapeAlert flags, error and usage counters), read and
//! recorded at once, since reading the flags clears them on the drive.

use anyhow::Result;
use rusqlite::Connection;
use serde_json::json;

use super::alert_table;
use crate::catalog::Catalog;
use crate::catalog::drive_health;
use crate::catalog::drives::Drive;
use crate::catalog::tapes::{self, Tape};
use crate::cmd::{Ctx, device_error};
use crate::engine::health;
use crate::error::{Exit, Failure, Kind};
use crate::output::{fields, or_dash, when};
use crate::tape::health::DriveHealth;
use crate::tape::{TapeDevice, TapeError};

/// `drive stats`: reads the drive's health and records it before anything else can fail
/// (the flags read are gone from the drive).
pub(super) fn exec(ctx: &Ctx, catalog: &mut Catalog) -> Result<Exit> {
    let d = ctx.pick_drive(catalog.conn())?;
    let mut open = ctx.open_drive(&d, "drive stats")?;
    let tape = tape_in_drive(catalog.conn(), open.dev.as_mut(), &d)?;
    let h = match open.dev.health() {
        Ok(h) => h,
        Err(TapeError::Unsupported(why)) => {
            return Err(Failure::new(
                Kind::Unsupported,
                format!("drive '{}' ({}): not supported by this drive: {why}", d.name, d.device),
            )
            .into());
        }
        Err(e) => return Err(device_error(e, &d)),
    };
    let tx = catalog.write()?;
    let recorded = health::record(&tx, &d, &h, tape.as_ref())?;
    let open_alerts = drive_health::alerts(&tx, Some(d.id), false)?;
    tx.commit()?;
    drop(open);
    for a in &recorded.new_alerts {
        health::tell_alert(&ctx.env(), &d, a);
    }
    let retired = recorded.retired.as_ref().map(|(t, _)| t.label.clone());
    let doc = json!({
        "drive": d.name,
        "device": d.device,
        "tape": tape.as_ref().map(|t| &t.label),
        "health": h,
        "statistics": recorded.statistics,
        "new_alerts": recorded.new_alerts,
        "alerts": open_alerts,
        "retired": retired,
    });
    ctx.out.data(&doc, || {
        let mut text = stats_text(&d, tape.as_ref(), &h, &recorded.statistics);
        if let Some(label) = &retired {
            text.push_str(&format!("\n\nTape '{label}' is now retired: the drive raised a critical alert about it."));
        }
        if !open_alerts.is_empty() {
            text.push_str(&format!("\n\nUnresolved alerts:\n{}", alert_table(&open_alerts, false)));
        }
        text
    });
    Ok(Exit::Ok)
}

/// The catalog tape in the drive: the one with the cartridge's barcode where the drive reports
/// it, else the drive's current tape while a cartridge is loaded.
fn tape_in_drive(conn: &Connection, dev: &mut dyn TapeDevice, d: &Drive) -> Result<Option<Tape>> {
    let status = dev.status().map_err(|e| device_error(e, d))?;
    if !status.loaded {
        return Ok(None);
    }
    if let Some(barcode) = &status.cartridge
        && let Some(t) = tapes::by_barcode(conn, barcode)?
    {
        return Ok(Some(t));
    }
    d.current_tape_id.map(|id| tapes::by_id(conn, id)).transpose()
}

fn stats_text(d: &Drive, tape: Option<&Tape>, h: &DriveHealth, s: &drive_health::Statistics) -> String {
    let c = &h.counters;
    let n = |v: Option<u64>| or_dash(v);
    let size = |v: Option<u64>| v.map(|b| crate::output::bytes(b as i64)).unwrap_or_else(|| "-".into());
    let raised: Vec<String> =
        h.alerts.iter().map(|a| format!("{} {} ({})", a.flag, a.name, a.severity.as_str())).collect();
    fields(&[
        ("drive", d.name.clone()),
        ("tape", or_dash(tape.map(|t| t.label.as_str()))),
        ("tapealert", if raised.is_empty() { "-".into() } else { raised.join(", ") }),
        ("cleaning required", if h.cleaning_required { "yes".into() } else { "no".into() }),
        ("last cleaned", when(&s.last_cleaned_at)),
        ("bytes written", size(c.bytes_written)),
        ("bytes read", size(c.bytes_read)),
        ("write errors", format!("{} uncorrected, {} corrected", n(c.write_errors), n(c.corrected_write_errors))),
        ("read errors", format!("{} uncorrected, {} corrected", n(c.read_errors), n(c.corrected_read_errors))),
        ("loads", n(c.loads)),
        ("cleanings", n(c.cleanings)),
        ("power-on hours", n(c.power_on_hours)),
        ("tape motion hours", n(c.tape_motion_hours)),
        ("source", h.sources.join(" ")),
    ])
}
