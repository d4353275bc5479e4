//! Which tape a run writes to: the pool's allocation policy, the tapes a library can fetch,
//! the one in the drive checked by its label, the catalog and the drive's health, and readied
//! for appending after whatever its last run left; otherwise the operator is asked.

use anyhow::Result;
use rusqlite::Connection;
use serde_json::{Value, json};

use super::{Plan, WantedTape};
use crate::catalog::drives;
use crate::catalog::pools::{AllocationPolicy, Pool};
use crate::catalog::tapes::{self, Tape, TapeStatus};
use crate::catalog::{audit, sets};
use crate::engine::library::{self, MailSlot};
use crate::engine::{Env, device_error, health};
use crate::error::{Failure, Kind};
use crate::format::append::{self, AppendError, LastFile};
use crate::format::label::{self, TapeContents};
use crate::tape::{Space, TapeDevice};

/// A tape taken for writing: the catalog's row, its label, and where the next part goes
/// (the drive stands there).
pub(super) struct Ready {
    pub(super) tape: Tape,
    pub(super) label: label::TapeLabel,
    pub(super) at: append::AppendPoint,
}

/// Opens the drive with a tape the plan may write to, positioned where the next part goes:
/// the one in it, one the library fetches, or one the operator inserts (exit 4 without a
/// terminal).
pub(super) fn acquire_tape(
    env: &Env,
    catalog: &mut crate::catalog::Catalog,
    plan: &Plan,
    drive: &drives::Drive,
) -> Result<(Box<dyn TapeDevice>, Ready)> {
    let spec = crate::tape::DeviceSpec::parse(&drive.device).map_err(Failure::usage)?;
    let in_library = drive.library_id.is_some();
    // Tapes fetched from the library this round: each is tried once (a refused one may stay
    // wanted, a write-protected one say), then the operator is asked.
    let mut tried = Vec::new();
    loop {
        let mut dev = crate::tape::open(&spec).map_err(|e| device_error(e, drive))?;
        match usable_tape(env, catalog.conn(), dev.as_mut(), drive, plan, &[]) {
            Ok(ready) => return Ok((dev, ready)),
            Err(refusal) => {
                drop(dev);
                // A drive in a library fetches the tapes the policy prefers, in order.
                if in_library && refusal.fatal.is_none() && load_wanted(env, catalog, plan, drive, &mut tried)? {
                    continue;
                }
                ask_for_tape(env, catalog.conn(), plan, drive, refusal)?;
                // The operator may have put one in the library's mail slot.
                tried.clear();
            }
        }
    }
}

/// The tapes of the pool a run may write to, in the order the allocation policy prefers, with
/// where each is.
pub(super) fn wanted_tapes(conn: &Connection, plan: &Plan) -> Result<Vec<WantedTape>> {
    let mut out = Vec::new();
    let all = tapes::list(conn, Some(plan.pool.id), None)?;
    let order = [TapeStatus::Active, TapeStatus::Blank, TapeStatus::Expired];
    for status in order {
        for t in all.iter().filter(|t| t.status == status) {
            if acceptable(conn, t, &plan.pool, &plan.job.name).is_ok() {
                out.push(WantedTape::of(t, tapes::location(conn, t)?));
            }
        }
    }
    Ok(out)
}

pub fn describe_wanted(pool: &Pool, wanted: &[WantedTape]) -> String {
    if wanted.is_empty() {
        return format!(
            "Pool '{}' has no usable tape: label one into it (tapebackarr tape label NAME --pool {})",
            pool.name, pool.name
        );
    }
    let list: Vec<String> = wanted.iter().map(|t| format!("{} ({}, {})", t.label, t.status, t.location)).collect();
    format!("Usable tapes of pool '{}', preferred first: {}", pool.name, list.join(", "))
}

/// Why the pool's policy does not take tape `t`, if it does not.
pub(crate) fn acceptable(conn: &Connection, t: &Tape, pool: &Pool, job: &str) -> Result<(), String> {
    if t.pool_id != Some(pool.id) {
        return Err(format!(
            "tape '{}' belongs to pool '{}', job '{}' writes to pool '{}'",
            t.label,
            t.pool_name.as_deref().unwrap_or("(none)"),
            job,
            pool.name
        ));
    }
    match t.status {
        TapeStatus::Blank => Ok(()),
        TapeStatus::Active if pool.allocation_policy == AllocationPolicy::Always => Err(format!(
            "tape '{}' already holds sets and pool '{}' starts a fresh tape every run (policy always)",
            t.label, pool.name
        )),
        TapeStatus::Active if t.capacity_bytes > 0 && t.used_bytes >= t.capacity_bytes => {
            Err(format!("tape '{}' has no room left", t.label))
        }
        TapeStatus::Active => Ok(()),
        TapeStatus::Expired if !pool.allow_reuse => {
            Err(format!("tape '{}' is expired but pool '{}' never reuses tapes", t.label, pool.name))
        }
        TapeStatus::Expired => match tapes::set_count(conn, t.id) {
            Ok(0) => Ok(()),
            Ok(n) => Err(format!("tape '{}' is expired but the catalog still lists {n} set(s) on it", t.label)),
            Err(e) => Err(e.to_string()),
        },
        other => Err(format!("tape '{}' is {}", t.label, other.as_str())),
    }
}

/// Loads the first tape the pool's policy would take that sits in the drive's library and
/// is not among `tried` (which it joins); false when none does.
pub(super) fn load_wanted(
    env: &Env,
    catalog: &mut crate::catalog::Catalog,
    plan: &Plan,
    drive: &drives::Drive,
    tried: &mut Vec<i64>,
) -> Result<bool> {
    for t in wanted_tapes(catalog.conn(), plan)? {
        if tried.contains(&t.id) {
            continue;
        }
        tried.push(t.id);
        if let Some(barcode) = &t.barcode
            && library::load_for(env, catalog, drive, barcode)?
        {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Why the tape in the drive will not do.
pub(super) struct Refusal {
    pub(super) message: String,
    /// A device error is not something inserting another tape fixes.
    pub(super) fatal: Option<anyhow::Error>,
}

impl Refusal {
    fn wrong(message: String) -> Refusal {
        Refusal { message, fatal: None }
    }
}

/// Identifies the tape in the drive and checks it against the catalog, the policy, the
/// tapes this set already uses (`taken`) and the drive's health (`cmd::health`: a medium
/// alert retires the tape, a drive alert stops); then readies it for appending
/// ([`prepare_tape`]). A tape whose data already reaches the early-warning mark is marked
/// full and refused.
pub(super) fn usable_tape(
    env: &Env,
    conn: &Connection,
    dev: &mut dyn TapeDevice,
    drive: &drives::Drive,
    plan: &Plan,
    taken: &[i64],
) -> Result<Ready, Refusal> {
    let fatal = |e| Refusal { message: String::new(), fatal: Some(device_error(e, drive)) };
    let status = dev.status().map_err(fatal)?;
    if !status.loaded {
        return Err(Refusal::wrong(format!("no tape in drive '{}'", drive.name)));
    }
    let contents = label::read_label(dev).map_err(fatal)?;
    let l = match contents {
        TapeContents::Labeled(l) => l,
        TapeContents::Blank => {
            return Err(Refusal::wrong(format!(
                "the tape in drive '{}' has no label (tapebackarr tape label NAME --pool {})",
                drive.name, plan.pool.name
            )));
        }
        TapeContents::Foreign { reason, .. } => {
            return Err(Refusal::wrong(format!(
                "the tape in drive '{}' is not a TapeBackarr tape ({reason}); it is left untouched",
                drive.name
            )));
        }
    };
    let t = match tapes::by_uuid(conn, &l.uuid) {
        Ok(Some(t)) => t,
        Ok(None) => {
            return Err(Refusal::wrong(format!(
                "the tape in drive '{}' is labelled '{}' by another catalog (uuid {}); it is left untouched",
                drive.name, l.label, l.uuid
            )));
        }
        Err(e) => return Err(Refusal { message: String::new(), fatal: Some(e) }),
    };
    if status.write_protected {
        return Err(Refusal::wrong(format!("tape '{}' is write-protected", t.label)));
    }
    acceptable(conn, &t, &plan.pool, &plan.job.name).map_err(Refusal::wrong)?;
    if taken.contains(&t.id) {
        return Err(Refusal::wrong(format!("tape '{}' already holds a part of this set", t.label)));
    }
    match health::before_write(env, conn, dev, drive, &t) {
        Ok(None) => {}
        Ok(Some(retired)) => return Err(Refusal::wrong(retired)),
        Err(e) => return Err(Refusal { message: String::new(), fatal: Some(e) }),
    }
    let fatal_any = |e: anyhow::Error| Refusal { message: String::new(), fatal: Some(e) };
    let at = prepare_tape(env, conn, dev, &t, drive, l.block_size).map_err(fatal_any)?;
    if dev.status().map_err(fatal)?.early_warning {
        // What is on it (perhaps a run that failed before it could say so) reaches the
        // early-warning mark: no room for a part. Another tape is taken.
        let message = format!("tape '{}' is full: its data reaches the early-warning mark; marked full", t.label);
        mark_full(conn, &t, "end of data past the early-warning mark").map_err(fatal_any)?;
        return Err(Refusal::wrong(message));
    }
    Ok(Ready { tape: t, label: l, at })
}

/// Marks a tape full in the catalog (audit `tape.full`): no backup takes it again.
pub(crate) fn mark_full(conn: &Connection, t: &Tape, why: &str) -> Result<()> {
    let mut t = tapes::by_id(conn, t.id)?;
    t.status = TapeStatus::Full;
    let tx = crate::catalog::write_on(conn)?;
    tapes::save(&tx, &t)?;
    audit::record(&tx, "tape.full", "tape", Some(t.id), json!({"label": t.label, "reason": why}))?;
    tx.commit()?;
    Ok(())
}

/// Asks the operator for a usable tape and waits for Enter; without a terminal, fails with
/// exit 4 and the wanted tapes in the error's details.
pub(super) fn ask_for_tape(
    env: &Env,
    conn: &Connection,
    plan: &Plan,
    drive: &drives::Drive,
    refusal: Refusal,
) -> Result<()> {
    if let Some(e) = refusal.fatal {
        return Err(e);
    }
    let wanted = wanted_tapes(conn, plan)?;
    let mail = MailSlot::for_drive(conn, drive)?;
    let details = json!({
        "request": "tape",
        "drive": drive.name,
        "pool": plan.pool.name,
        "reason": refusal.message,
        "wanted": wanted_json(&wanted),
        "import_export": mail.as_ref().map(MailSlot::json),
    });
    env.operator.insert_tape(
        drive,
        &format!("{}. {}", refusal.message, describe_wanted(&plan.pool, &wanted)),
        &insert_action(mail.as_ref(), drive),
        details,
    )
}

/// What the operator is asked to do with one of the wanted tapes.
pub(crate) fn insert_action(mail: Option<&MailSlot>, drive: &drives::Drive) -> String {
    match mail {
        Some(m) => m.action("one"),
        None => format!("insert one in drive '{}'", drive.name),
    }
}

pub(super) fn wanted_json(wanted: &[WantedTape]) -> Value {
    serde_json::to_value(wanted).unwrap_or(Value::Null)
}

/// writing it while we hold its drive. Its data stays on tape, unused.
pub(super) fn note_interrupted(env: &Env, tx: &Connection, tape: &Tape) -> Result<()> {
    let stale = sets::fail_interrupted(tx, tape.id)?;
    for id in &stale {
        remove_carried(env.home, *id);
    }
    if !stale.is_empty() {
        env.note(|| format!("set(s) {stale:?} on tape '{}' were interrupted earlier: marked failed", tape.label));
        audit::record(tx, "backup.interrupted", "tape", Some(tape.id), json!({"sets": stale}))?;
    }
    Ok(())
}

/// Removes the frames a stopped run of set `set_id` carried (`carried-set<ID>-…`), once the set
/// can no longer be resumed.
pub(super) fn remove_carried(home: &std::path::Path, set_id: i64) {
    let prefix = format!("carried-set{set_id}-");
    if let Ok(dir) = std::fs::read_dir(home) {
        for entry in dir.flatten() {
            if entry.file_name().to_string_lossy().starts_with(&prefix) {
                let _ = std::fs::remove_file(entry.path());
            }
        }
    }
}

/// The first block after the label (block 0) and its filemark: where a blank tape's data goes.
const FIRST_DATA_BLOCK: u64 = 2;

/// Readies the tape in `dev` for appending: checks what its last file is, closes a file a
/// crash left open, and checks the catalog agrees on where its data ends. Returns where the
/// next part goes.
pub(crate) fn prepare_tape(
    env: &Env,
    conn: &Connection,
    dev: &mut dyn TapeDevice,
    tape: &Tape,
    drive: &drives::Drive,
    block_size: u32,
) -> Result<append::AppendPoint> {
    if tape.status == TapeStatus::Expired {
        // Its sets are gone from the catalog: start again right after the label. Recorded
        // (`tape.reuse`), as the old sets' data is gone from the tape from here on.
        dev.rewind()
            .and_then(|_| dev.space(Space::Filemarks(1)))
            .and_then(|_| dev.erase(true))
            .map_err(|e| device_error(e, drive))?;
        env.note(|| format!("tape '{}' had expired: erased after its label for reuse", tape.label));
        let tx = crate::catalog::write_on(conn)?;
        let catalog_copies = crate::catalog::db_backups::erased_with_tape(&tx, tape.id, "erased: the tape was reused")?;
        audit::record(
            &tx,
            "tape.reuse",
            "tape",
            Some(tape.id),
            json!({"label": tape.label, "pool": tape.pool_name, "write_count": tape.write_count,
                   "catalog_backups_erased": catalog_copies}),
        )?;
        tx.commit()?;
    }
    dev.set_block_size(0).map_err(|e| device_error(e, drive))?;
    let _ = dev.set_compression(false);
    let at = match append::find_append_point(dev) {
        Ok(at) => at,
        Err(AppendError::Unterminated { file, block }) => {
            // A backup was cut off while writing file `file`: close that file with a filemark
            // so it stays what it is (a cut part) and append after it.
            env.note(|| {
                format!(
                    "tape '{}': tape file {file} was cut off at block {block}; closing it and appending after it",
                    tape.label
                )
            });
            // At end of data, not wherever the check left the tape: a filemark written one block
            // early would replace that file's last block (found by tests/crash.rs).
            dev.locate(block).and_then(|_| dev.write_filemarks(1, true)).map_err(|e| device_error(e, drive))?;
            append::find_append_point(dev).map_err(|e| append_refused(e, tape))?
        }
        Err(e) => return Err(append_refused(e, tape)),
    };
    if let LastFile::CutIndex { set_uuid, .. } = &at.last {
        env.note(|| {
            format!(
                "tape '{}': the index of the last part on it (set {set_uuid}) was cut off; appending after it",
                tape.label
            )
        });
    }
    if let LastFile::CutData { set_uuid } = &at.last {
        env.note(|| {
            format!(
                "tape '{}': the last part on it (set {}) has no index: it was cut off; appending after it",
                tape.label,
                set_uuid.map(|u| u.to_string()).unwrap_or_else(|| "?".into())
            )
        });
    }
    let recorded_end = sets::tape_end_block(conn, tape.id)?;
    // Data the catalog does not know of before the append point (a run that failed before it
    // could record its part): it stays, and the tape's usage counts it from now on.
    let known_end = recorded_end.map_or(FIRST_DATA_BLOCK, |e| e as u64);
    if at.block > known_end {
        let blocks = at.block - known_end;
        env.note(|| {
            format!(
                "tape '{}': blocks {known_end} to {} hold data no set in the catalog accounts for (a run cut off); \
                 it is left as it is and counted as used",
                tape.label,
                at.block - 1
            )
        });
        let mut t = tapes::by_id(conn, tape.id)?;
        let block_size = i64::from(block_size.max(512));
        let at_least = at.block as i64 * block_size;
        if t.used_bytes < at_least {
            t.used_bytes = at_least;
            let tx = crate::catalog::write_on(conn)?;
            tapes::save(&tx, &t)?;
            audit::record(
                &tx,
                "tape.unaccounted_data",
                "tape",
                Some(t.id),
                json!({"label": t.label, "from_block": known_end, "to_block": at.block, "blocks": blocks,
                       "used_bytes": at_least}),
            )?;
            tx.commit()?;
        }
    }
    if let Some(end) = recorded_end
        && end as u64 > at.block
    {
        return Err(Failure::new(
            Kind::WrongTape,
            format!(
                "tape '{}' ends at block {} but the catalog has data on it up to block {end}: refusing to write \
                 (was it erased or overwritten elsewhere?)",
                tape.label, at.block
            ),
        )
        .into());
    }
    Ok(at)
}

pub(crate) fn append_refused(e: AppendError, tape: &Tape) -> anyhow::Error {
    match e {
        AppendError::Tape(e) => anyhow::Error::new(e).context(format!("tape '{}'", tape.label)),
        other => Failure::new(Kind::WrongTape, format!("tape '{}': {other}; nothing was written", tape.label)).into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pool(policy: AllocationPolicy, allow_reuse: bool) -> Pool {
        Pool {
            id: 7,
            name: "weekly".into(),
            description: None,
            retention_days: 28,
            allow_reuse,
            allocation_policy: policy,
            created_at: None,
            updated_at: None,
        }
    }

    fn tape(status: TapeStatus, pool_id: Option<i64>) -> Tape {
        let mut t = Tape::blank("W1");
        t.status = status;
        t.pool_id = pool_id;
        t.capacity_bytes = 100;
        t
    }

    /// The pool's policy as `backup run --help` states it, decided without a drive.
    #[test]
    fn the_policy_decides_which_tapes_a_run_takes() {
        let dir = tempfile::tempdir().unwrap();
        let (catalog, _) = crate::catalog::Catalog::init(dir.path()).unwrap();
        let conn = catalog.conn();
        let (continuing, always) = (pool(AllocationPolicy::Continue, true), pool(AllocationPolicy::Always, true));
        let take = |t: &Tape, p: &Pool| acceptable(conn, t, p, "nightly");

        assert_eq!(take(&tape(TapeStatus::Blank, Some(7)), &continuing), Ok(()));
        assert_eq!(take(&tape(TapeStatus::Blank, Some(7)), &always), Ok(()));
        let other = take(&tape(TapeStatus::Blank, Some(8)), &continuing).unwrap_err();
        assert!(other.contains("job 'nightly' writes to pool 'weekly'"), "{other}");

        let mut active = tape(TapeStatus::Active, Some(7));
        assert_eq!(take(&active, &continuing), Ok(()));
        assert!(take(&active, &always).unwrap_err().contains("policy always"));
        active.used_bytes = 100;
        assert!(take(&active, &continuing).unwrap_err().contains("no room"));

        let expired = tape(TapeStatus::Expired, Some(7));
        assert_eq!(take(&expired, &continuing), Ok(()), "expired, reusable, no sets left");
        let never = pool(AllocationPolicy::Continue, false);
        assert!(take(&expired, &never).unwrap_err().contains("never reuses"));

        for status in [TapeStatus::Full, TapeStatus::Retired, TapeStatus::Exported] {
            let why = take(&tape(status, Some(7)), &continuing).unwrap_err();
            assert!(why.contains(status.as_str()), "{why}");
        }
    }
}
