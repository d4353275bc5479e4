//! Rebuilding the catalog from what a tape says about itself (`catalog rebuild`): its label,
//! and each set part's header and index records (`format::scan` reads them; this module knows
//! no device). Rows are matched by what the tape names them by, the tape and its sets by UUID,
//! pools, sources and jobs by name, so a second run over the same tape changes nothing.
//!
//! The caller opens one transaction for the tape and calls [`start`], [`record_part`] for
//! each part with an index, and [`finish`]; a failure anywhere rolls everything back.
//!
//! What the tape cannot give back is said, not invented: a source's path (recreated as `/`,
//! disabled), a job's schedule (recreated unscheduled, disabled), the snapshots incrementals
//! compare against (so a rebuilt job's next backup is a full), and a key the catalog lacks
//! (the set is recorded as encrypted without one; `key import` it and rebuild again to link it).

use std::collections::{BTreeSet, HashMap};
use std::os::unix::ffi::{OsStrExt, OsStringExt};

use anyhow::Result;
use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;
use uuid::Uuid;

use super::entries::{EntryWriter, NewEntry};
use super::pathblob::PathRef;
use super::pools::{self, AllocationPolicy, NewPool};
use super::sources::{self, Source};
use super::tapes::{self, Tape, TapeStatus};
use super::{jobs, keys, sets};
use crate::error::{Failure, Kind};
use crate::format::index::{EndRecord, EndStatus, FileKind, IndexError, IndexRecord};
use crate::format::label::TapeLabel;
use crate::format::part::PartHeader;

/// Objects created because the catalog did not have them, by name.
#[derive(Debug, Default, Clone, Serialize)]
pub struct Created {
    pub pools: Vec<String>,
    pub sources: Vec<String>,
    pub jobs: Vec<String>,
}

/// One part's set, as the output lists it.
#[derive(Debug, Clone, Serialize)]
pub struct SetReport {
    pub set: i64,
    pub uuid: String,
    pub job: String,
    pub source: Option<String>,
    pub backup_type: String,
    pub part: u32,
    /// Tape file number of the part's data file.
    pub file: u64,
    /// The set's status after the rebuild.
    pub status: String,
    /// Entries other than deletions (of this part when added, of the set when skipped).
    pub files: u64,
    pub deleted: u64,
    pub encrypted: bool,
    pub parent_set: Option<i64>,
    /// For a set already in the catalog: the links this run could add (parent set, key).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub repaired: Vec<String>,
}

/// A tape's rebuild in progress: the tape row and what has been done so far.
#[derive(Debug)]
pub struct TapeRebuild {
    pub tape: Tape,
    pub tape_created: bool,
    /// The pool the label names, for jobs created along the way.
    pool_name: String,
    pub created: Created,
    pub added: Vec<SetReport>,
    pub skipped: Vec<SetReport>,
    /// Catalog entries written.
    pub entries: u64,
    pub warnings: Vec<String>,
    pub notes: Vec<String>,
    /// What the added parts take on tape (header block, frames, index), and their count.
    added_tape_bytes: u64,
    added_parts: u64,
    newest_part: Option<String>,
    /// A part on this tape continues on another: the tape reached its early warning (full).
    reached_end: bool,
    /// Jobs that received a set, for the note about their next backup.
    jobs_touched: BTreeSet<i64>,
    /// Expired sets read back: their parts were counted in the tape's usage when written.
    revived_sets: BTreeSet<i64>,
}

/// A part's place on tape and its index's summary, as read from the tape.
pub struct PartOnTape<'a> {
    pub header: &'a PartHeader,
    pub data_file: u64,
    pub header_block: u64,
    pub index_block: u64,
    pub end_block: u64,
    /// Where the index says the header block was written (its part record's `first_block`);
    /// frame positions are shifted by the difference when the tape says otherwise.
    pub recorded_first_block: u64,
    pub end: &'a EndRecord,
    /// Size of the index file, and the BLAKE3 of its bytes in hex (a set's checksum).
    pub index_bytes: u64,
    pub index_checksum: String,
}

fn wrong_tape(message: String) -> anyhow::Error {
    Failure::new(Kind::WrongTape, message).into()
}

/// The catalog's row for the labelled tape, if it has one; refuses a tape whose label, UUID or
/// barcode conflicts with another catalog tape.
pub fn check_tape(conn: &Connection, label: &TapeLabel) -> Result<Option<Tape>> {
    if let Some(t) = tapes::by_uuid(conn, &label.uuid)? {
        if t.label != label.label {
            return Err(wrong_tape(format!(
                "the tape in the drive is labelled '{}', but the catalog knows its uuid {} as tape '{}': \
                 nothing was changed",
                label.label, label.uuid, t.label
            )));
        }
        return Ok(Some(t));
    }
    if let Some(t) = tapes::find(conn, &label.label)? {
        return Err(wrong_tape(format!(
            "the catalog's tape '{}' has uuid {}, the tape in the drive is labelled '{}' with uuid {}: it is \
             another tape (relabelled since, or from another catalog); nothing was changed",
            t.label,
            t.uuid.as_deref().unwrap_or("(none)"),
            label.label,
            label.uuid
        )));
    }
    if let Some(b) = &label.barcode
        && let Some(t) = tapes::by_barcode(conn, b)?
    {
        return Err(wrong_tape(format!(
            "the tape in the drive (label '{}', uuid {}) has barcode {b}, which belongs to the catalog's tape '{}' \
             (uuid {}); nothing was changed",
            label.label,
            label.uuid,
            t.label,
            t.uuid.as_deref().unwrap_or("(none)")
        )));
    }
    Ok(None)
}

/// Finds or creates the tape's row (and its pool). `capacity` is the medium's native capacity,
/// when the drive knows it.
pub fn start(conn: &Connection, label: &TapeLabel, capacity: Option<u64>) -> Result<TapeRebuild> {
    let mut rb = TapeRebuild {
        tape: blank_tape(label),
        tape_created: false,
        pool_name: label.pool.clone(),
        created: Created::default(),
        added: Vec::new(),
        skipped: Vec::new(),
        entries: 0,
        warnings: Vec::new(),
        notes: Vec::new(),
        added_tape_bytes: 0,
        added_parts: 0,
        revived_sets: BTreeSet::new(),
        newest_part: None,
        reached_end: false,
        jobs_touched: BTreeSet::new(),
    };
    if let Some(t) = check_tape(conn, label)? {
        rb.tape = t;
        return Ok(rb);
    }
    let pool = ensure_pool(conn, &label.pool, &mut rb)?;
    let mut tape = blank_tape(label);
    tape.pool_id = Some(pool);
    tape.capacity_bytes = capacity.unwrap_or(0) as i64;
    let id = tapes::insert(conn, &tape)?;
    rb.tape = tapes::by_id(conn, id)?;
    rb.tape_created = true;
    Ok(rb)
}

fn blank_tape(label: &TapeLabel) -> Tape {
    Tape {
        uuid: Some(label.uuid.clone()),
        barcode: label.barcode.clone(),
        labeled_at: sql_time(&label.labeled_at),
        ..Tape::blank(&label.label)
    }
}

/// An RFC 3339 time from the tape in the catalog's format.
fn sql_time(rfc3339: &str) -> Option<String> {
    chrono::DateTime::parse_from_rfc3339(rfc3339).ok().map(|t| crate::timefmt::to_sql(t.with_timezone(&chrono::Utc)))
}

fn ensure_pool(conn: &Connection, name: &str, rb: &mut TapeRebuild) -> Result<i64> {
    if let Some(p) = pools::find(conn, name)? {
        return Ok(p.id);
    }
    let id = pools::insert(
        conn,
        &NewPool {
            name,
            description: Some("recreated by catalog rebuild"),
            retention_days: 0,
            allow_reuse: true,
            allocation_policy: AllocationPolicy::Continue,
        },
    )?;
    rb.created.pools.push(name.to_string());
    rb.notes.push(format!(
        "pool '{name}' was recreated with the defaults (retention forever, reuse allowed, policy continue): \
         adjust it with `tapebackarr pool update {name}`"
    ));
    Ok(id)
}

fn ensure_source(conn: &Connection, name: &str, rb: &mut TapeRebuild) -> Result<Source> {
    if let Some(s) = sources::find(conn, name)? {
        return Ok(s);
    }
    if name == sources::STREAM_SOURCE {
        // Stream sets' source has no path to lose.
        let source = Source::stream();
        let id = sources::insert(conn, &source)?;
        rb.created.sources.push(name.to_string());
        return Ok(Source { id, ..source });
    }
    let source = Source::new(name, "/".into(), false);
    let id = sources::insert(conn, &source)?;
    rb.created.sources.push(name.to_string());
    rb.warnings.push(format!(
        "source '{name}' was recreated with the path / and disabled (the tape does not record its path): \
         set it with `tapebackarr source update {name} --path DIR --enable`"
    ));
    Ok(Source { id, ..source })
}

fn ensure_job(
    conn: &Connection,
    header: &PartHeader,
    job_name: &str,
    source: &Source,
    key: Option<&keys::KeyRecord>,
    rb: &mut TapeRebuild,
) -> Result<jobs::Job> {
    if let Some(j) = jobs::find(conn, job_name)? {
        return Ok(j);
    }
    let pool_name = rb.pool_name.clone();
    let pool = pools::by_id(conn, ensure_pool(conn, &pool_name, rb)?)?;
    let backup_type = match header.backup_type {
        crate::format::part::BackupType::Full => jobs::BackupType::Full,
        crate::format::part::BackupType::Incremental => jobs::BackupType::Incremental,
    };
    jobs::insert(
        conn,
        &jobs::Job {
            enabled: false,
            compression: header.compression.clone(),
            encryption_enabled: header.encryption.is_some(),
            encryption_key_id: key.map(|k| k.id),
            ..jobs::Job::new(job_name, source, &pool, backup_type)
        },
    )?;
    rb.created.jobs.push(job_name.to_string());
    rb.notes.push(format!(
        "job '{job_name}' was recreated disabled and unscheduled (source '{}', pool '{}', compression {}{}): review it \
         with `tapebackarr job show {job_name}`, then `tapebackarr job enable {job_name}`",
        source.name,
        pool.name,
        header.compression,
        if header.encryption.is_some() { ", encrypted" } else { "" }
    ));
    jobs::get(conn, job_name)
}

/// A set already in the catalog, as far as rebuilding needs it.
struct Known {
    id: i64,
    job_id: i64,
    parent_set_id: Option<i64>,
    encrypted: bool,
    encryption_key_id: Option<i64>,
    /// When `expire` expired it, if it did; with its run's status.
    expired_at: Option<String>,
    status: String,
}

fn known_set(conn: &Connection, uuid: &Uuid) -> Result<Option<Known>> {
    Ok(conn
        .query_row(
            "SELECT id, job_id, parent_set_id, coalesce(encrypted, 0), encryption_key_id, expired_at, status
             FROM backup_sets WHERE uuid = ?1",
            [uuid.to_string()],
            |r| {
                Ok(Known {
                    id: r.get(0)?,
                    job_id: r.get(1)?,
                    parent_set_id: r.get(2)?,
                    encrypted: r.get(3)?,
                    encryption_key_id: r.get(4)?,
                    expired_at: r.get(5)?,
                    status: r.get(6)?,
                })
            },
        )
        .optional()?)
}

fn set_id_by_uuid(conn: &Connection, uuid: &Uuid) -> Result<Option<i64>> {
    Ok(conn.query_row("SELECT id FROM backup_sets WHERE uuid = ?1", [uuid.to_string()], |r| r.get(0)).optional()?)
}

fn short(fingerprint: &str) -> &str {
    fingerprint.get(..16).unwrap_or(fingerprint)
}

fn missing_key_warning(set: i64, fingerprint: &str) -> String {
    format!(
        "set {set} is encrypted with the key of fingerprint {}…, which the catalog does not have: it is recorded \
         without its key; `tapebackarr key import FILE` that key, then run `catalog rebuild` again to link it",
        short(fingerprint)
    )
}

fn missing_parent_warning(set: i64, parent: &Uuid) -> String {
    format!(
        "set {set} is an incremental of set {parent}, which the catalog does not know: rebuild the tape that holds \
         it, then this tape again, to link them (until then it restores on its own, without its parent)"
    )
}

/// Records one part read from the tape: its set (unless the catalog has it), the part row and
/// the entries of its index. `records` are the index's records, in order; they were checked
/// when the tape was read (a complete index, of this part).
pub fn record_part<I>(conn: &Connection, rb: &mut TapeRebuild, part: &PartOnTape, records: I) -> Result<()>
where
    I: IntoIterator<Item = Result<IndexRecord, IndexError>>,
{
    let header = part.header;
    let mut known = known_set(conn, &header.set_uuid)?;
    if let Some(k) = known.as_mut()
        && k.status == "completed"
        && let Some(when) = k.expired_at.take()
    {
        revive_expired(conn, rb, k.id, &when)?;
    }
    if let Some(k) = &known {
        let has_part: bool = conn.query_row(
            "SELECT count(*) > 0 FROM backup_set_parts WHERE backup_set_id = ?1 AND part = ?2",
            params![k.id, header.part],
            |r| r.get(0),
        )?;
        if has_part {
            return skip(conn, rb, part, k);
        }
    }

    let source_name = if header.source.is_empty() { "unknown" } else { header.source.as_str() };
    let job_name = if header.job.is_empty() { "unknown" } else { header.job.as_str() };
    let source = ensure_source(conn, source_name, rb)?;
    let key = match &header.encryption {
        Some(e) => keys::by_fingerprint(conn, &e.key_fingerprint)?,
        None => None,
    };
    let job = ensure_job(conn, header, job_name, &source, key.as_ref(), rb)?;
    let parent = match &header.parent_set_uuid {
        Some(u) => set_id_by_uuid(conn, u)?,
        None => None,
    };

    let set_id = match &known {
        Some(k) => {
            if header.part == 1 {
                conn.execute(
                    "UPDATE backup_sets SET tape_id = ?2, start_block = ?3, updated_at = datetime('now') WHERE id = ?1",
                    params![k.id, rb.tape.id, part.header_block as i64],
                )?;
            }
            k.id
        }
        None => {
            let start_time = sql_time(&header.created_at).unwrap_or_else(crate::timefmt::now_sql);
            conn.execute(
                "INSERT INTO backup_sets (uuid, job_id, source_id, tape_id, backup_type, start_time, status,
                    start_block, framing, compressed, compression_type, encrypted, encryption_key_id, block_size,
                    frame_size, parent_set_id, file_count, total_bytes, stream_bytes)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'pending', ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, 0, 0, 0)",
                params![
                    header.set_uuid.to_string(),
                    job.id,
                    source.id,
                    rb.tape.id,
                    header.backup_type.as_str(),
                    start_time,
                    (header.part == 1).then_some(part.header_block as i64),
                    framing_name(header),
                    header.compression != "none",
                    header.compression,
                    header.encryption.is_some(),
                    key.as_ref().map(|k| k.id),
                    header.block_size,
                    header.frame_size,
                    parent,
                ],
            )?;
            conn.last_insert_rowid()
        }
    };
    if known.is_none() {
        if let (Some(e), None) = (&header.encryption, &key) {
            rb.warnings.push(missing_key_warning(set_id, &e.key_fingerprint));
        }
        if let (Some(u), None) = (&header.parent_set_uuid, parent) {
            rb.warnings.push(missing_parent_warning(set_id, u));
        }
    }

    // Frame positions as the tape has them: shifted if the part was written elsewhere (a copy).
    let shift = part.header_block as i64 - part.recorded_first_block as i64;
    if shift != 0 {
        rb.warnings.push(format!(
            "set {set_id} part {}: its index puts the header at block {}, the tape has it at block {}: frame \
             positions are shifted to match",
            header.part, part.recorded_first_block, part.header_block
        ));
    }
    let mut frame_blocks: HashMap<u64, u64> = HashMap::new();
    let mut unresolved: BTreeSet<u64> = BTreeSet::new();
    let (mut first_frame, mut frame_count, mut frame_bytes) = (None, 0u64, 0u64);
    let (mut files, mut file_bytes, mut deleted) = (0u64, 0u64, 0u64);
    // Paths a restore would refuse (absolute, climbing with `..`): a hostile or damaged tape.
    let mut unsafe_paths: Vec<(Vec<u8>, &'static str)> = Vec::new();
    {
        let mut writer = EntryWriter::new(conn, set_id)?;
        for record in records {
            match record? {
                IndexRecord::Part(_) | IndexRecord::End(_) => {}
                IndexRecord::Frame(f) => {
                    first_frame.get_or_insert(f.seq);
                    frame_count += 1;
                    frame_bytes += f.encoded_len;
                    frame_blocks.insert(f.seq, f.block.saturating_add_signed(shift));
                }
                IndexRecord::File(f) => {
                    if let Some(why) = crate::format::index::unsafe_path(&f.path) {
                        unsafe_paths.push((f.path.clone(), why));
                    }
                    let block = match f.kind {
                        FileKind::Deleted => None,
                        _ => {
                            // A frame of an earlier part (the entry crossed tapes) is named by the
                            // record itself.
                            let b = frame_blocks.get(&f.frame).copied().or(f.frame_block);
                            if b.is_none() {
                                unresolved.insert(f.frame);
                            }
                            b
                        }
                    };
                    match f.kind {
                        FileKind::Deleted => deleted += 1,
                        FileKind::File => {
                            files += 1;
                            file_bytes += f.size;
                        }
                        _ => files += 1,
                    }
                    writer.add(&NewEntry {
                        path: std::ffi::OsString::from_vec(f.path).into(),
                        size: f.size,
                        mode: f.mode,
                        mtime_ns: f.mtime.saturating_mul(1_000_000_000).saturating_add(f.mtime_nsec.into()),
                        uid: f.uid,
                        gid: f.gid,
                        kind: f.kind.as_str(),
                        link_target: f.link,
                        checksum: f.blake3.map(|h| blake3::Hash::from_bytes(h).to_hex().to_string()),
                        block,
                        frame_seq: f.frame,
                        frame_offset: f.offset,
                    })?;
                }
            }
        }
        writer.finish()?;
    }
    if !unsafe_paths.is_empty() {
        for (path, _) in &unsafe_paths {
            conn.execute(
                "UPDATE catalog_entries SET unsafe_path = 1 WHERE backup_set_id = ?1 AND file_path = ?2",
                params![set_id, PathRef(std::path::Path::new(std::ffi::OsStr::from_bytes(path)))],
            )?;
        }
        let shown: Vec<String> = unsafe_paths
            .iter()
            .take(5)
            .map(|(p, why)| {
                format!("'{}' ({why})", crate::pathjson::to_human(std::path::Path::new(std::ffi::OsStr::from_bytes(p))))
            })
            .collect();
        rb.warnings.push(format!(
            "set {set_id} part {}: {} entries have paths no restore will write (marked unsafe_path in the catalog): {}{}",
            header.part,
            unsafe_paths.len(),
            shown.join(", "),
            if unsafe_paths.len() > shown.len() { ", …" } else { "" }
        ));
    }
    // File records ahead of their frame record (the format allows them to interleave).
    for seq in unresolved {
        if let Some(b) = frame_blocks.get(&seq) {
            conn.execute(
                "UPDATE catalog_entries SET block_offset = ?3 WHERE backup_set_id = ?1 AND frame_seq = ?2
                    AND block_offset IS NULL AND kind IS NOT 'deleted'",
                params![set_id, seq as i64, *b as i64],
            )?;
        }
    }

    sets::add_part(
        conn,
        set_id,
        &sets::NewPart {
            part: header.part,
            tape_id: rb.tape.id,
            data_file: part.data_file,
            header_block: part.header_block,
            index_block: part.index_block,
            end_block: part.end_block,
            first_frame: first_frame.unwrap_or(0),
            frame_count,
            stream_offset: header.stream_offset,
            stream_bytes: part.end.stream_bytes,
            status: match part.end.status {
                EndStatus::Complete => "complete",
                EndStatus::Continued => "continued",
            },
        },
    )?;
    // Completed once every part up to the one that ends the set is in.
    let (last, count): (Option<i64>, i64) = conn.query_row(
        "SELECT (SELECT max(part) FROM backup_set_parts WHERE backup_set_id = ?1 AND status = 'complete'),
                (SELECT count(*) FROM backup_set_parts WHERE backup_set_id = ?1)",
        [set_id],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    let completed = last == Some(count);
    rb.reached_end |= part.end.status == EndStatus::Continued;
    if !completed && part.end.status == EndStatus::Continued {
        rb.notes.push(format!(
            "set {set_id} continues on another tape (part {} is on this one): rebuild that tape too to complete it",
            header.part + 1
        ));
    }
    conn.execute(
        "UPDATE backup_sets SET file_count = coalesce(file_count, 0) + ?2, total_bytes = coalesce(total_bytes, 0) + ?3,
            stream_bytes = coalesce(stream_bytes, 0) + ?4,
            end_block = (SELECT end_block FROM backup_set_parts WHERE backup_set_id = ?1 ORDER BY part DESC LIMIT 1),
            status = CASE WHEN ?5 THEN 'completed' ELSE status END,
            checksum = coalesce(?6, checksum), updated_at = datetime('now')
         WHERE id = ?1",
        params![
            set_id,
            files as i64,
            file_bytes as i64,
            part.end.stream_bytes as i64,
            completed,
            (header.part == 1).then_some(&part.index_checksum)
        ],
    )?;

    let status: String = conn.query_row("SELECT status FROM backup_sets WHERE id = ?1", [set_id], |r| r.get(0))?;
    rb.entries += files + deleted;
    if !rb.revived_sets.contains(&set_id) {
        rb.added_parts += 1;
        rb.added_tape_bytes += header.block_size as u64 + frame_bytes + part.index_bytes;
    }
    if let Some(t) = sql_time(&header.created_at)
        && rb.newest_part.as_ref().is_none_or(|n| *n < t)
    {
        rb.newest_part = Some(t);
    }
    rb.jobs_touched.insert(job.id);
    rb.added.push(SetReport {
        set: set_id,
        uuid: header.set_uuid.to_string(),
        job: job.name,
        source: Some(source.name),
        backup_type: header.backup_type.as_str().into(),
        part: header.part,
        file: part.data_file,
        status,
        files,
        deleted,
        encrypted: header.encryption.is_some(),
        parent_set: parent,
        repaired: Vec::new(),
    });
    Ok(())
}

/// An expired set whose data is still on this tape (it was not reused since) is read back:
/// live again (`pending` until all its parts are in), its old part rows dropped so the parts
/// read now replace them, its counts starting again. Only a completed set: a failed one had
/// nothing restorable.
fn revive_expired(conn: &Connection, rb: &mut TapeRebuild, set_id: i64, expired_at: &str) -> Result<()> {
    conn.execute("DELETE FROM backup_set_parts WHERE backup_set_id = ?1", [set_id])?;
    conn.execute(
        "UPDATE backup_sets SET expired_at = NULL, status = 'pending', file_count = 0, total_bytes = 0,
            stream_bytes = 0, updated_at = datetime('now') WHERE id = ?1",
        [set_id],
    )?;
    rb.revived_sets.insert(set_id);
    rb.notes.push(format!(
        "set {set_id} had expired on {expired_at} UTC: its entries are read back and it is live again until the next \
         `expire` (keep it with `tapebackarr backup hold {set_id}`)"
    ));
    Ok(())
}

/// A part the catalog already has: nothing is written, but links missing since the set was
/// rebuilt (its parent set, its key) are added when the catalog now has what they point to.
fn skip(conn: &Connection, rb: &mut TapeRebuild, part: &PartOnTape, k: &Known) -> Result<()> {
    let header = part.header;
    let mut repaired = Vec::new();
    let mut parent = k.parent_set_id;
    if parent.is_none()
        && let Some(u) = &header.parent_set_uuid
    {
        match set_id_by_uuid(conn, u)? {
            Some(p) => {
                conn.execute(
                    "UPDATE backup_sets SET parent_set_id = ?2, updated_at = datetime('now') WHERE id = ?1",
                    params![k.id, p],
                )?;
                parent = Some(p);
                repaired.push(format!("parent set {p} linked"));
            }
            None => rb.warnings.push(missing_parent_warning(k.id, u)),
        }
    }
    if k.encrypted
        && k.encryption_key_id.is_none()
        && let Some(e) = &header.encryption
    {
        match keys::by_fingerprint(conn, &e.key_fingerprint)? {
            Some(key) => {
                conn.execute(
                    "UPDATE backup_sets SET encryption_key_id = ?2, updated_at = datetime('now') WHERE id = ?1",
                    params![k.id, key.id],
                )?;
                // The job, if it encrypts without a key (as a rebuilt one does), gets it too.
                conn.execute(
                    "UPDATE backup_jobs SET encryption_key_id = ?2, updated_at = datetime('now')
                     WHERE id = ?1 AND encryption_enabled AND encryption_key_id IS NULL",
                    params![k.job_id, key.id],
                )?;
                repaired.push(format!("key '{}' linked", key.name));
            }
            None => rb.warnings.push(missing_key_warning(k.id, &e.key_fingerprint)),
        }
    }
    let set = sets::get(conn, k.id)?;
    let deleted: i64 = conn.query_row(
        "SELECT count(*) FROM catalog_entries WHERE backup_set_id = ?1 AND kind = 'deleted'",
        [k.id],
        |r| r.get(0),
    )?;
    rb.skipped.push(SetReport {
        set: set.id,
        uuid: header.set_uuid.to_string(),
        job: set.job,
        source: set.source,
        backup_type: set.backup_type,
        part: header.part,
        file: part.data_file,
        status: set.status,
        files: set.file_count.max(0) as u64,
        deleted: deleted as u64,
        encrypted: set.encrypted,
        parent_set: parent,
        repaired,
    });
    Ok(())
}

fn framing_name(header: &PartHeader) -> &'static str {
    match header.framing {
        crate::format::part::FramingKind::Raw => "raw",
        crate::format::part::FramingKind::Zstd => "zstd",
        crate::format::part::FramingKind::Aead => "aead",
    }
}

/// Brings the tape row up to date with the parts added (what they take on tape, how many
/// writes, when the last was), and notes what the rebuilt jobs' next backups will do.
pub fn finish(conn: &Connection, rb: &mut TapeRebuild) -> Result<()> {
    if rb.added_parts > 0 {
        let mut t = tapes::by_id(conn, rb.tape.id)?;
        t.used_bytes += rb.added_tape_bytes as i64;
        t.write_count += rb.added_parts as i64;
        if let Some(newest) = &rb.newest_part
            && t.last_written_at.as_ref().is_none_or(|l| l < newest)
        {
            t.last_written_at = Some(newest.clone());
        }
        if matches!(t.status, TapeStatus::Blank | TapeStatus::Active) {
            t.status = if rb.reached_end { TapeStatus::Full } else { TapeStatus::Active };
        }
        tapes::save(conn, &t)?;
        rb.tape = tapes::by_id(conn, t.id)?;
    }
    let mut full_next = Vec::new();
    for job in &rb.jobs_touched {
        if sets::latest_with_snapshot(conn, *job)?.is_none() {
            let name: String = conn.query_row("SELECT name FROM backup_jobs WHERE id = ?1", [job], |r| r.get(0))?;
            full_next.push(format!("'{name}'"));
        }
    }
    if !full_next.is_empty() {
        rb.notes.push(format!(
            "snapshots are not on tape, so the next backup of job {} will be a full (`backup run --incremental` \
             runs as a full by itself)",
            full_next.join(", ")
        ));
    }
    Ok(())
}
