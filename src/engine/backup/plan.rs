//! What a run will do, decided before any tape is touched: the job (or an ad-hoc source and
//! pool), full or incremental and the parent set, framing and key; and a dry run that walks
//! the source and says what would be written where.

use anyhow::Result;
use rusqlite::Connection;
use serde::Serialize;
use serde_json::json;

use super::source::{Input, STREAM_SOURCE, check_stream_name};
use super::{Plan, Request, What, tapes};
use crate::catalog::pools;
use crate::catalog::sources::{self, Source};
use crate::catalog::tapes::Tape;
use crate::catalog::{Catalog, audit, jobs, keys, sets};
use crate::engine::Env;
use crate::error::{Failure, Kind};
use crate::format::frame::{DEFAULT_FRAME_SIZE, Framing};
use crate::format::part::BackupType;
use crate::pathjson;
use crate::pipeline::archive;
use crate::pipeline::compression::Compression;
use crate::pipeline::select::Selector;
use crate::pipeline::snapshot::{Change, Differ, SnapEntry};
use crate::pipeline::walk::{WalkOptions, Walker};

/// What a run would write, and the tapes it would take (`backup run --dry-run`).
#[derive(Debug, Serialize)]
pub struct DryRun {
    pub dry_run: bool,
    pub job: String,
    pub source: String,
    pub backup_type: &'static str,
    pub parent_set: Option<i64>,
    pub entries: u64,
    pub bytes: u64,
    pub unchanged: u64,
    pub deleted: u64,
    pub warnings: u64,
    pub compression: String,
    pub encrypted: bool,
    pub wanted: Vec<WantedTape>,
}

/// A tape a run may write to, and where it is.
#[derive(Debug, Clone, Serialize)]
pub struct WantedTape {
    #[serde(skip)]
    pub id: i64,
    pub label: String,
    pub barcode: Option<String>,
    pub status: &'static str,
    pub location: String,
}

impl WantedTape {
    pub fn of(t: &Tape, location: String) -> WantedTape {
        WantedTape { id: t.id, label: t.label.clone(), barcode: t.barcode.clone(), status: t.status.as_str(), location }
    }
}

/// Resolves the job (or the ad-hoc source and pool), the backup type, the parent set and the
/// key, refusing before any tape is touched.
pub fn plan(env: &Env, catalog: &mut Catalog, request: &Request) -> Result<Plan> {
    if let Input::Stdin { name, .. } = &request.input {
        check_stream_name(name)?;
        let What::AdHoc { source, pool, .. } = &request.what else {
            return Err(Failure::usage(format!(
                "a stream is backed up ad hoc, under source '{STREAM_SOURCE}': give a pool, not a job"
            ))
            .into());
        };
        if source != STREAM_SOURCE {
            return Err(Failure::usage(format!("a stream is recorded under source '{STREAM_SOURCE}'")).into());
        }
        // Refused before anything is created.
        pools::get(catalog.conn(), pool)?;
        stream_source(catalog)?;
    }
    let conn = catalog.conn();
    let (job, compression, key_name) = match &request.what {
        What::Job(name) => {
            let job = jobs::get(conn, name)?;
            let compression: Compression = job.compression.parse().map_err(anyhow::Error::msg)?;
            let key = if job.encryption_enabled {
                Some(job.encryption_key_name.clone().ok_or_else(|| {
                    Failure::new(Kind::InvalidState, format!("job '{name}' encrypts but names no key"))
                })?)
            } else {
                None
            };
            (job, compression, key)
        }
        What::AdHoc { source, pool, compression, key } => {
            let job = adhoc_job(catalog, source, pool)?;
            (job, *compression, key.clone())
        }
    };
    let conn = catalog.conn();
    let source = sources::get(conn, &job.source_name)?;
    let pool = pools::get(conn, &job.pool_name)?;
    let streamed = source.is_stream();
    match std::fs::metadata(&source.path) {
        _ if streamed && request.input.is_stream() => {}
        _ if streamed => {
            return Err(Failure::usage(format!(
                "source '{}' holds streams read from standard input: back up with `backup run --stdin NAME --pool POOL`",
                source.name
            ))
            .into());
        }
        _ if request.input.is_stream() => {
            return Err(Failure::usage(format!("source '{}' is a directory tree, not a stream", source.name)).into());
        }
        Ok(md) if md.is_dir() => {}
        Ok(_) => {
            return Err(Failure::new(
                Kind::BadPath,
                format!("source '{}': {} is not a directory", source.name, pathjson::to_human(&source.path)),
            )
            .into());
        }
        Err(e) => {
            return Err(Failure::new(
                Kind::BadPath,
                format!("source '{}': cannot read {}: {e}", source.name, pathjson::to_human(&source.path)),
            )
            .into());
        }
    }
    if request.input.is_stream() && request.backup_type == Some(BackupType::Incremental) {
        return Err(Failure::usage("a stream is always backed up whole: --incremental does not apply").into());
    }
    let wanted = request
        .backup_type
        .filter(|_| !request.input.is_stream())
        .unwrap_or(if job.backup_type.as_str() == "incremental" { BackupType::Incremental } else { BackupType::Full });
    let (backup_type, parent) = match wanted {
        BackupType::Full => (BackupType::Full, None),
        BackupType::Incremental => match sets::latest_with_snapshot(conn, job.id)? {
            Some((set, _)) if request.backup_type.is_none() && chain_is_due_for_a_full(env, conn, &job, &set)? => {
                (BackupType::Full, None)
            }
            Some((set, snapshot_id)) => {
                let data = sets::snapshot_data(conn, snapshot_id)?;
                (BackupType::Incremental, Some((set, data)))
            }
            None => {
                env.note(|| format!("job '{}' has no completed set yet: running a full backup", job.name));
                (BackupType::Full, None)
            }
        },
    };
    let key = match key_name {
        Some(name) => {
            let record = keys::get(conn, &name)?;
            let key = env.operator.unlock_key(&record, "nothing was written")?;
            Some((record, key))
        }
        None => None,
    };
    let zstd = match compression {
        Compression::None => None,
        Compression::Zstd { level } => Some(level),
    };
    let framing = match (&key, zstd) {
        (Some(_), zstd) => Framing::Aead { zstd },
        (None, Some(level)) => Framing::Zstd { level },
        (None, None) => Framing::Raw,
    };
    let estimate = match (&request.input, backup_type) {
        (Input::Stdin { size, .. }, _) => *size,
        (Input::Tree, BackupType::Full) => sets::last_snapshot_bytes(conn, job.id)?,
        (Input::Tree, BackupType::Incremental) => None,
    };
    Ok(Plan {
        job,
        source,
        pool,
        backup_type,
        parent,
        framing,
        key,
        cross_fs: request.cross_fs,
        estimate,
        // A stream cannot be read twice: nothing to resume from a checkpoint.
        checkpoint: if request.input.is_stream() { 0 } else { request.checkpoint },
        frame_size: DEFAULT_FRAME_SIZE,
        input: request.input.clone(),
        drive: request.drive.clone(),
    })
}

/// Whether an incremental job's run after `parent` starts a new chain: its `--full-every`
/// days have passed (in calendar days, local time) since the full the chain starts from.
fn chain_is_due_for_a_full(env: &Env, conn: &Connection, job: &jobs::Job, parent: &sets::Set) -> Result<bool> {
    if job.full_every_days <= 0 {
        return Ok(false);
    }
    let chain = sets::chain_to(conn, parent.id)?;
    let Some(full) = chain.first() else { return Ok(false) };
    let Some(started) = full
        .start_time
        .as_deref()
        .and_then(|t| chrono::NaiveDateTime::parse_from_str(t, crate::timefmt::SQL_FORMAT).ok())
    else {
        return Ok(false);
    };
    let local_day = |t: chrono::DateTime<chrono::Utc>| t.with_timezone(&chrono::Local).date_naive();
    let age = (local_day(chrono::Utc::now()) - local_day(started.and_utc())).num_days();
    let due = age >= job.full_every_days;
    if due {
        env.note(|| {
            format!(
                "job '{}': the full its chain starts from (set {}) is {age} days old (--full-every {}): running a full backup",
                job.name, full.id, job.full_every_days
            )
        });
    }
    Ok(due)
}

/// The job ad-hoc runs of SOURCE to POOL are recorded under, created on first use (disabled,
/// unscheduled: it only ever runs by hand).
fn adhoc_job(catalog: &mut Catalog, source: &str, pool: &str) -> Result<jobs::Job> {
    let name = format!("adhoc-{source}-{pool}");
    if let Some(job) = jobs::find(catalog.conn(), &name)? {
        return Ok(job);
    }
    let s = sources::get(catalog.conn(), source)?;
    let p = pools::get(catalog.conn(), pool)?;
    let tx = catalog.write()?;
    let id = jobs::insert(&tx, &jobs::Job { enabled: false, ..jobs::Job::new(&name, &s, &p, jobs::BackupType::Full) })?;
    audit::record(&tx, "job.create", "job", Some(id), json!({"name": name, "adhoc": true}))?;
    tx.commit()?;
    jobs::get(catalog.conn(), &name)
}

/// The source stream sets are recorded under, created on first use.
fn stream_source(catalog: &mut Catalog) -> Result<Source> {
    if let Some(s) = sources::find(catalog.conn(), STREAM_SOURCE)? {
        if !s.is_stream() {
            return Err(Failure::new(
                Kind::InvalidState,
                format!(
                    "source '{STREAM_SOURCE}' is a directory ({}), but stream sets are recorded under that name: \
                     give that source another name",
                    pathjson::to_human(&s.path)
                ),
            )
            .into());
        }
        return Ok(s);
    }
    let tx = catalog.write()?;
    let id = sources::insert(&tx, &Source::stream())?;
    audit::record(&tx, "source.create", "source", Some(id), json!({"name": STREAM_SOURCE, "stream": true}))?;
    tx.commit()?;
    sources::get(catalog.conn(), STREAM_SOURCE)
}

pub(super) fn selector(source: &Source) -> Result<Selector> {
    Selector::new(&source.include_patterns, &source.exclude_patterns)
        .map_err(|e| Failure::usage(format!("source '{}': {e}", source.name)).into())
}

/// Walks the source (reading no file) and reports what a run would write and which tapes it
/// would accept.
pub fn dry_run(env: &Env, conn: &Connection, plan: &Plan) -> Result<DryRun> {
    let Counts { entries, bytes, unchanged, deleted, warnings } = match &plan.input {
        // Nothing is read: the stream is one file, of the size given if any.
        Input::Stdin { size, .. } => Counts { entries: 1, bytes: size.unwrap_or(0), ..Counts::default() },
        Input::Tree => walk_counts(env, plan)?,
    };
    let wanted = tapes::wanted_tapes(conn, plan)?;
    Ok(DryRun {
        dry_run: true,
        job: plan.job.name.clone(),
        source: plan.source.name.clone(),
        backup_type: plan.backup_type.as_str(),
        parent_set: plan.parent.as_ref().map(|(s, _)| s.id),
        entries,
        bytes,
        unchanged,
        deleted,
        warnings,
        compression: plan.framing.compression(),
        encrypted: plan.framing.is_encrypted(),
        wanted,
    })
}

/// What a dry run counts.
#[derive(Default)]
struct Counts {
    entries: u64,
    bytes: u64,
    unchanged: u64,
    deleted: u64,
    warnings: u64,
}

/// What a walk of the source finds a run would write.
fn walk_counts(env: &Env, plan: &Plan) -> Result<Counts> {
    let mut c = Counts::default();
    let walker = Walker::new(&plan.source.path, selector(&plan.source)?, WalkOptions { cross_fs: plan.cross_fs })?;
    let mut differ = plan.parent.as_ref().map(|(_, data)| Differ::new(data)).transpose()?;
    // As `archive` counts: what lies below a path the walk could not see is not deleted.
    let mut unseen = archive::Unseen::default();
    for item in walker {
        let entry = match item {
            Ok(e) => e,
            Err(w) => {
                c.warnings += 1;
                unseen.add(&w.rel);
                env.note(|| format!("warning: {w}"));
                continue;
            }
        };
        let snap = SnapEntry::from_entry(&entry);
        if let Some(d) = differ.as_mut() {
            let change = d.classify(&snap, &mut |g| c.deleted += u64::from(!unseen.covers(&g.path)))?;
            if matches!(change, Change::Unchanged) {
                c.unchanged += 1;
                continue;
            }
        }
        c.entries += 1;
        if snap.kind_name() == "file" {
            c.bytes += entry.size;
        }
    }
    if let Some(d) = differ {
        d.finish(&mut |g| c.deleted += u64::from(!unseen.covers(&g.path)))?;
    }
    Ok(c)
}

#[cfg(test)]
mod tests {
    use std::path::Path;
    use std::sync::Mutex;

    use super::*;
    use crate::catalog::drives::Drive;
    use crate::catalog::keys::KeyRecord;
    use crate::catalog::pools::{AllocationPolicy, NewPool};
    use crate::engine::{Operator, Report};
    use crate::error::Kind;
    use crate::pipeline::keywrap::DataKey;

    /// Keeps the notes a plan says; nobody is there to answer.
    #[derive(Default)]
    struct Recorder(Mutex<Vec<String>>);

    impl Report for Recorder {
        fn note(&self, text: &str) {
            self.0.lock().unwrap().push(text.to_string());
        }
    }

    impl Operator for Recorder {
        fn present(&self) -> bool {
            false
        }
        fn insert_tape(&self, _: &Drive, _: &str, _: &str, _: serde_json::Value) -> Result<()> {
            unreachable!("planning asks for no tape")
        }
        fn unlock_key(&self, _: &KeyRecord, _: &str) -> Result<DataKey> {
            unreachable!("these plans use no key")
        }
    }

    /// A catalog with pool `p` and source `s` (a directory that exists).
    fn catalog(dir: &Path) -> Catalog {
        let (mut catalog, _) = Catalog::init(&dir.join("home")).unwrap();
        let tx = catalog.write().unwrap();
        let pool = NewPool {
            name: "p",
            description: None,
            retention_days: 28,
            allow_reuse: true,
            allocation_policy: AllocationPolicy::Continue,
        };
        pools::insert(&tx, &pool).unwrap();
        sources::insert(&tx, &Source::new("s", dir.to_path_buf(), true)).unwrap();
        tx.commit().unwrap();
        catalog
    }

    fn request(what: What, input: Input) -> Request {
        Request { what, backup_type: None, cross_fs: false, checkpoint: 1 << 30, input, drive: None }
    }

    fn adhoc(source: &str, pool: &str) -> What {
        What::AdHoc { source: source.into(), pool: pool.into(), compression: Compression::None, key: None }
    }

    fn kind(e: &anyhow::Error) -> Option<Kind> {
        e.downcast_ref::<Failure>().map(|f| f.kind)
    }

    #[test]
    fn an_adhoc_run_gets_its_job_once_and_an_incremental_without_a_parent_runs_full() {
        let dir = tempfile::tempdir().unwrap();
        let mut catalog = catalog(dir.path());
        let who = Recorder::default();
        let env = Env { home: dir.path(), wait: false, report: &who, operator: &who };
        let mut r = request(adhoc("s", "p"), Input::Tree);
        r.backup_type = Some(BackupType::Incremental);
        let first = plan(&env, &mut catalog, &r).unwrap();
        assert_eq!(first.job.name, "adhoc-s-p");
        assert!(!first.job.enabled, "an ad-hoc job never runs by schedule");
        assert_eq!((first.backup_type, first.parent.is_none()), (BackupType::Full, true));
        assert!(who.0.lock().unwrap().iter().any(|n| n.contains("running a full backup")));
        assert_eq!((first.framing, first.checkpoint, first.estimate), (Framing::Raw, 1 << 30, None));
        let again = plan(&env, &mut catalog, &r).unwrap();
        assert_eq!(again.job.id, first.job.id, "the same job, not a second one");
    }

    #[test]
    fn a_stream_plan_takes_its_size_and_no_checkpoints_and_refuses_what_does_not_apply() {
        let dir = tempfile::tempdir().unwrap();
        let mut catalog = catalog(dir.path());
        let who = Recorder::default();
        let env = Env { home: dir.path(), wait: false, report: &who, operator: &who };
        let stdin = |name: &str| Input::Stdin { name: name.into(), size: Some(1234) };

        let refused = |catalog: &mut Catalog, r: &Request| plan(&env, catalog, r).err().and_then(|e| kind(&e));
        let no_pool = refused(&mut catalog, &request(adhoc(STREAM_SOURCE, "nosuch"), stdin("a")));
        assert_eq!(no_pool, Some(Kind::NotFound));
        assert!(sources::find(catalog.conn(), STREAM_SOURCE).unwrap().is_none(), "refused before anything is made");
        assert_eq!(refused(&mut catalog, &request(What::Job("j".into()), stdin("a"))), Some(Kind::Usage));
        assert_eq!(refused(&mut catalog, &request(adhoc(STREAM_SOURCE, "p"), stdin("../a"))), Some(Kind::Usage));
        let mut incremental = request(adhoc(STREAM_SOURCE, "p"), stdin("a"));
        incremental.backup_type = Some(BackupType::Incremental);
        assert_eq!(refused(&mut catalog, &incremental), Some(Kind::Usage));

        let p = plan(&env, &mut catalog, &request(adhoc(STREAM_SOURCE, "p"), stdin("db.sql"))).unwrap();
        assert_eq!((p.job.name.as_str(), p.source.is_stream()), ("adhoc-stdin-p", true));
        assert_eq!((p.backup_type, p.estimate, p.checkpoint), (BackupType::Full, Some(1234), 0));
        // The stream source is no tree to walk.
        let walk = request(adhoc(STREAM_SOURCE, "p"), Input::Tree);
        assert_eq!(refused(&mut catalog, &walk), Some(Kind::Usage));
        // And a tree source takes no stream.
        assert_eq!(refused(&mut catalog, &request(adhoc("s", "p"), stdin("a"))), Some(Kind::Usage));
    }

    #[test]
    fn a_source_that_is_not_a_readable_directory_is_refused_before_any_tape() {
        let dir = tempfile::tempdir().unwrap();
        let mut catalog = catalog(dir.path());
        let tx = catalog.write().unwrap();
        sources::insert(&tx, &Source::new("gone", dir.path().join("gone"), true)).unwrap();
        sources::insert(&tx, &Source::new("file", dir.path().join("home/catalog.db"), true)).unwrap();
        tx.commit().unwrap();
        let who = Recorder::default();
        let env = Env { home: dir.path(), wait: false, report: &who, operator: &who };
        for source in ["gone", "file"] {
            let e = plan(&env, &mut catalog, &request(adhoc(source, "p"), Input::Tree)).err().unwrap();
            assert_eq!(kind(&e), Some(Kind::BadPath), "{source}: {e:#}");
        }
    }
}
