//! Drive health as the engine and commands use it: what a reading of [`TapeDevice::health`] is recorded as
//! in the catalog, and whether writing may go on.
//!
//! This exists because several commands read a drive's health (`drive stats`, `drive clean`,
//! `backup run` before it writes and after each part) and the drive forgets its TapeAlert
//! flags once read: each reading must be recorded the same way wherever it happens, and the
//! same rules must stop a write:
//!
//! - a critical alert about the medium (flags 4, 13, 14, 52-54: the specification says "do not
//!   use this tape again") retires the tape in the drive, and the tape is not written;
//! - a critical alert about the drive, its cleaning, or a read or write failure that may be
//!   the drive's (flags 5, 6, 20, 30, 31, 38…) stops writing on that drive until it is
//!   cleaned (`drive clean`) or the alert is resolved (`drive alerts --resolve ID`). The
//!   catalog keeps such alerts, so a drive that asked for cleaning once is not written to
//!   again before it is cleaned, whoever read the flag;
//! - a drive that cannot report health is never a reason to refuse a write.

use anyhow::Result;
use rusqlite::Connection;
use serde_json::json;

use super::Env;
use crate::catalog::audit;
use crate::catalog::drive_health::{self, Alert, Reading, Statistics};
use crate::catalog::drives::Drive;
use crate::catalog::tapes::{self, Tape, TapeStatus};
use crate::error::{Failure, Kind};
use crate::tape::health::{self, Concern, DriveHealth, Severity, TapeAlert};
use crate::tape::{TapeDevice, TapeError};

/// The category of a cleaning-required report that came without a TapeAlert flag.
pub const CLEANING: &str = "cleaning";

/// The alerts a cleaning resolves.
pub const CLEANING_CATEGORIES: [&str; 3] = ["tapealert:20", "tapealert:21", CLEANING];

/// `tapealert:N`.
pub fn category(flag: u8) -> String {
    format!("tapealert:{flag}")
}

/// What an alert of `category` is about.
fn concern(category: &str) -> Concern {
    match category.strip_prefix("tapealert:").and_then(|n| n.parse::<u8>().ok()) {
        Some(flag) => health::flag_info(flag).concern,
        None if category == CLEANING => Concern::Cleaning,
        None => Concern::Drive,
    }
}

/// A critical alert that keeps the drive from writing until it is resolved.
pub fn blocks_writing(a: &Alert) -> bool {
    a.severity == Severity::Critical.as_str()
        && matches!(concern(&a.category), Concern::Drive | Concern::Cleaning | Concern::MediumOrDrive)
}

/// A critical alert about the medium: the tape is not to be written again.
fn retires_medium(a: &TapeAlert) -> bool {
    a.severity == Severity::Critical && a.concern == Concern::Medium
}

/// What recording a reading did.
pub struct Recorded {
    pub statistics: Statistics,
    /// Alerts this reading added (repeats of unresolved ones are not).
    pub new_alerts: Vec<Alert>,
    /// The tape retired for a critical medium alert, with that alert.
    pub retired: Option<(Tape, TapeAlert)>,
}

/// Records a reading of drive `d` in `tx`: its counters, an alert per raised flag (and a
/// `cleaning` alert when the drive needs cleaning without saying so by a flag), and, for a
/// critical medium alert, retires `tape` (the catalog tape in the drive, where known).
pub fn record(tx: &Connection, d: &Drive, h: &DriveHealth, tape: Option<&Tape>) -> Result<Recorded> {
    let c = &h.counters;
    let int = |v: Option<u64>| v.map(|v| i64::try_from(v).unwrap_or(i64::MAX));
    let statistics = drive_health::record_reading(
        tx,
        d,
        &Reading {
            bytes_written: int(c.bytes_written),
            bytes_read: int(c.bytes_read),
            write_errors: int(c.write_errors),
            read_errors: int(c.read_errors),
            loads: int(c.loads),
            power_on_hours: int(c.power_on_hours),
            tape_motion_hours: c.tape_motion_hours.map(|h| h as f64),
            cleaning_required: Some(h.cleaning_required),
        },
    )?;
    let on_tape = match tape {
        Some(t) => format!(" on tape '{}'", t.label),
        None => " on the cartridge in the drive".into(),
    };
    let mut new_alerts = Vec::new();
    for a in &h.alerts {
        let place = if matches!(a.concern, Concern::Medium | Concern::MediumOrDrive) { on_tape.as_str() } else { "" };
        let message = format!("TapeAlert {} ({}){place}", a.flag, a.name);
        if let Some(row) = drive_health::raise(tx, d, a.severity.as_str(), &category(a.flag), &message)? {
            new_alerts.push(row);
        }
    }
    let cleaning_open =
        drive_health::alerts(tx, Some(d.id), false)?.iter().any(|a| CLEANING_CATEGORIES.contains(&a.category.as_str()));
    if h.cleaning_required
        && !cleaning_open
        && let Some(row) = drive_health::raise(
            tx,
            d,
            Severity::Critical.as_str(),
            CLEANING,
            "the drive reports that it needs cleaning",
        )?
    {
        new_alerts.push(row);
    }
    let mut retired = None;
    if let Some(alert) = h.alerts.iter().find(|a| retires_medium(a))
        && let Some(t) = tape
        && t.status != TapeStatus::Retired
        && t.status.can_become(TapeStatus::Retired)
    {
        let mut t = tapes::by_id(tx, t.id)?;
        let from = t.status;
        t.status = TapeStatus::Retired;
        tapes::save(tx, &t)?;
        let reason = format!("TapeAlert {} ({}) from drive '{}'", alert.flag, alert.name, d.name);
        audit::record(
            tx,
            "tape.retire",
            "tape",
            Some(t.id),
            json!({"label": t.label, "from": from, "to": TapeStatus::Retired, "reason": reason, "drive": d.name}),
        )?;
        retired = Some((tapes::by_id(tx, t.id)?, alert.clone()));
    }
    Ok(Recorded { statistics, new_alerts, retired })
}

/// Reads the drive's health for a write: `None` when the drive cannot say (never an error
/// here) or could not be asked (a warning).
fn read(env: &Env, dev: &mut dyn TapeDevice, d: &Drive) -> Option<DriveHealth> {
    match dev.health() {
        Ok(h) => Some(h),
        Err(TapeError::Unsupported(why)) => {
            env.verbose(|| format!("drive '{}': no health report ({why})", d.name));
            None
        }
        Err(e) => {
            env.note(|| format!("warning: drive '{}': could not read its health: {e}", d.name));
            None
        }
    }
}

/// Records a reading in a transaction of its own on `conn` (which has none open) and says
/// what changed; returns what was recorded and the alerts that now keep the drive from
/// writing.
fn record_and_check(
    env: &Env,
    conn: &Connection,
    d: &Drive,
    h: Option<&DriveHealth>,
    tape: &Tape,
) -> Result<(Option<Recorded>, Vec<Alert>)> {
    let tx = crate::catalog::write_on(conn)?;
    let recorded = h.map(|h| record(&tx, d, h, Some(tape))).transpose()?;
    let blocking: Vec<Alert> =
        drive_health::alerts(&tx, Some(d.id), false)?.into_iter().filter(blocks_writing).collect();
    tx.commit()?;
    for a in recorded.iter().flat_map(|r| &r.new_alerts) {
        env.note(|| format!("drive '{}': {} alert {}: {}", d.name, a.severity, a.id, a.message));
        tell_alert(env, d, a);
    }
    Ok((recorded, blocking))
}

/// Tells the notification targets about a new alert of severity warning or critical
/// (`drive_alert`): cleaning, a bad medium, a failing drive. Informational flags are not news.
/// The payload is the alert as `drive alerts --json` lists it, with the drive's name. For the
/// commands that record a reading themselves (`drive stats`), after their commit.
pub fn tell_alert(env: &Env, d: &Drive, a: &Alert) {
    if a.severity != Severity::Warning.as_str() && a.severity != Severity::Critical.as_str() {
        return;
    }
    let notice = super::notify::Notice {
        kind: "drive_alert",
        subject: format!("drive '{}': {} alert: {}", d.name, a.severity, a.message),
        body: format!(
            "Drive '{}' ({}) raised a {} alert: {}.\nSee `tapebackarr drive alerts`; resolve it with `tapebackarr drive alerts --resolve {}` once dealt with.",
            d.name, d.device, a.severity, a.message, a.id
        ),
        job: None,
        payload: json!({"type": "drive_alert", "drive": d.name, "alert": a}),
    };
    super::notify::notify(env, &notice);
}

/// The error for a drive with alerts that keep it from writing: what they are, what to do,
/// and what became of the write (`outcome`).
fn blocked(d: &Drive, blocking: &[Alert], outcome: &str) -> anyhow::Error {
    let list: Vec<String> = blocking.iter().map(|a| format!("alert {} {}", a.id, a.message)).collect();
    let cleaning = blocking.iter().filter(|a| concern(&a.category) == Concern::Cleaning).count();
    let clean = format!("clean it with `tapebackarr --drive {} drive clean`", d.name);
    let resolve = "resolve them with `tapebackarr drive alerts --resolve ID` once dealt with";
    let fix = match cleaning {
        n if n == blocking.len() => clean,
        0 => format!("have it checked, then {resolve}"),
        _ => format!("{clean}; have it checked for the others, then {resolve}"),
    };
    Failure::new(
        Kind::DriveAlert,
        format!("drive '{}' has critical alerts ({}): {fix}; {outcome}", d.name, list.join(", ")),
    )
    .with_details(json!({"drive": d.name, "alerts": blocking}))
    .into()
}

/// Before writing on `tape` in `dev`: reads and records the drive's health. A drive with
/// critical drive or cleaning alerts (now or unresolved in the catalog) is an error
/// ([`Kind::DriveAlert`]); a tape the drive raised a critical medium alert about is retired
/// and refused: `Ok(Some(why))`, so another tape may be tried.
pub fn before_write(
    env: &Env,
    conn: &Connection,
    dev: &mut dyn TapeDevice,
    d: &Drive,
    tape: &Tape,
) -> Result<Option<String>> {
    let h = read(env, dev, d);
    let (recorded, blocking) = record_and_check(env, conn, d, h.as_ref(), tape)?;
    if !blocking.is_empty() {
        return Err(blocked(d, &blocking, "nothing was written"));
    }
    Ok(recorded.and_then(|r| r.retired).map(|(t, a)| {
        format!(
            "drive '{}' raised TapeAlert {} ({}) for tape '{}': the tape is now retired and is not written",
            d.name, a.flag, a.name, t.label
        )
    }))
}

/// What follows a part just closed and committed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AfterPart {
    /// The next part goes to another tape.
    TapeChange,
    /// The next part follows on the same tape.
    Checkpoint,
    /// That was the last part: the set is complete.
    SetComplete,
}

/// After a part on `tape` is on the medium and committed: reads and records the drive's
/// health. Writing stops (an error; the set is resumable from the part just closed) when the
/// drive has critical drive alerts, or when the tape it goes on writing to was just retired.
/// Once the set is complete nothing is left to stop: what was found is only said.
pub fn after_part(
    env: &Env,
    conn: &Connection,
    dev: &mut dyn TapeDevice,
    d: &Drive,
    tape: &Tape,
    next: AfterPart,
) -> Result<()> {
    let h = read(env, dev, d);
    let (recorded, blocking) = record_and_check(env, conn, d, h.as_ref(), tape)?;
    let retired = recorded.and_then(|r| r.retired);
    if let Some((t, a)) = &retired {
        env.note(|| {
            format!(
                "drive '{}' raised TapeAlert {} ({}) for tape '{}': the tape is now retired",
                d.name, a.flag, a.name, t.label
            )
        });
    }
    if next == AfterPart::SetComplete {
        if !blocking.is_empty() {
            env.note(|| format!("warning: {}", blocked(d, &blocking, "the set is complete")));
        }
        return Ok(());
    }
    if !blocking.is_empty() {
        return Err(blocked(d, &blocking, "the set stops after the part just closed"));
    }
    match retired {
        Some((t, a)) if next == AfterPart::Checkpoint => Err(Failure::new(
            Kind::NoTape,
            format!(
                "drive '{}' raised TapeAlert {} ({}) for tape '{}', which is now retired: the set stops after the \
                 part just closed, to go on on another tape",
                d.name, a.flag, a.name, t.label
            ),
        )
        .into()),
        _ => Ok(()),
    }
}
