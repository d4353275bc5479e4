//! The catalog itself on tape (issue 17). `catalog rebuild` recovers sets from their indexes
//! but not what only the catalog knows (retention, schedules, keys, tape statuses), so the
//! whole SQLite file is backed up to tape ([`backup`]) and installed again from there, with
//! no catalog at all ([`restore`]). On tape it is its own kind of tape file pair
//! (`format::catalog_file`), appended like a set part and never spanning.
//!
//! Both are library calls taking an [`Env`]: `catalog backup` and `catalog restore-db` call
//! them, and the scheduler can call [`backup`].

mod restore;

pub use self::restore::{RestoreRequest, Restored, restore};

use std::fs::{self, File, OpenOptions};
use std::io::{self, BufReader};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde::Serialize;
use serde_json::json;
use uuid::Uuid;

use crate::catalog::db_backups::{self, NewDbBackup};
use crate::catalog::drives::Drive;
use crate::catalog::keys::{self};
use crate::catalog::pools::{self, Pool};
use crate::catalog::tapes::{self, Tape, TapeStatus};
use crate::catalog::{Catalog, audit};
use crate::engine::backup::tapes::{acceptable, mark_full, prepare_tape};
use crate::engine::{Env, device_error, health, library, pick_drive};
use crate::error::{Failure, Kind};
use crate::format::catalog_file::{CatalogHeader, CatalogTrailer};
use crate::format::frame::{DEFAULT_FRAME_SIZE, Framing};
use crate::format::label::{self, TapeContents, TapeLabel};
use crate::pipeline::compression::Compression;
use crate::pipeline::part_writer::{PartConfig, PartWriter};
use crate::tape::{DeviceSpec, TapeDevice};

/// The name `acceptable` gives the writer in its refusals.
const WRITER: &str = "catalog backup";

/// Where a catalog backup goes and how.
#[derive(Debug, Clone, Default)]
pub struct Request {
    /// A tape of this pool, as the pool's allocation policy takes one.
    pub pool: Option<String>,
    /// This tape (in the drive or fetched by the library); it must be writable in its pool.
    pub tape: Option<String>,
    /// Encrypt with this key of the catalog.
    pub key: Option<String>,
    /// The drive (`None`: the only enabled one).
    pub drive: Option<String>,
}

/// What a catalog backup wrote.
#[derive(Debug, Clone, Serialize)]
pub struct Outcome {
    /// `database_backups.id`.
    pub id: i64,
    pub backup_uuid: String,
    pub tape: String,
    pub drive: String,
    /// Tape file number of its data file, and the logical block of its header block.
    pub file: u64,
    pub block: u64,
    /// Bytes of the database file.
    pub bytes: u64,
    /// Bytes on tape after the header block (frames and their padding).
    pub compressed_bytes: u64,
    /// BLAKE3 of the database file.
    pub checksum: String,
    pub schema_version: u32,
    pub compression: String,
    pub key: Option<String>,
    pub seconds: f64,
}

/// Backs the catalog up to tape: a consistent snapshot (`VACUUM INTO`) written after the last
/// file of a writable tape, then its trailer and a flushing filemark; only then is its
/// `database_backups` row completed. Refused before the tape is touched: both or an unknown
/// pool/tape/key, a tape that is not writable.
pub fn backup(env: &Env, req: &Request) -> Result<Outcome> {
    backup_with_progress(env, req, &|_| indicatif::ProgressBar::hidden())
}

/// [`backup`], its bytes going to tape counted on a bar `progress` makes (a terminal's).
pub fn backup_with_progress(
    env: &Env,
    req: &Request,
    progress: &dyn Fn(&str) -> indicatif::ProgressBar,
) -> Result<Outcome> {
    let started = std::time::Instant::now();
    if req.pool.is_some() && req.tape.is_some() {
        return Err(Failure::usage("give --pool or --tape, not both").into());
    }
    let mut catalog = env.catalog()?;
    let drive = pick_drive(catalog.conn(), req.drive.as_deref())?;
    let target = Target::resolve(catalog.conn(), req)?;
    let key = match &req.key {
        Some(name) => {
            let record = keys::get(catalog.conn(), name)?;
            let data = env.operator.unlock_key(&record, "nothing was written")?;
            Some((record, data))
        }
        None => None,
    };
    let _lock = env.lock_drive(&drive, "catalog backup")?;
    let (mut dev, tape, label, pool) = take_tape(env, &mut catalog, &drive, &target)?;
    // The snapshot once the tape is there (an operator may take hours to bring one), before
    // this run records anything of its own (drive health, the append check's findings): what
    // goes to tape is the catalog as the command found it. A file only this user can read, in
    // the home, removed when done.
    let snapshot = Snapshot::take(env.home, &catalog)?;
    let conn = catalog.conn();
    if let Some(retired) = health::before_write(env, conn, dev.as_mut(), &drive, &tape)? {
        return Err(Failure::new(Kind::WrongTape, retired).into());
    }
    let at = prepare_tape(env, conn, dev.as_mut(), &tape, &drive, label.block_size)?;
    if dev.status().map_err(|e| device_error(e, &drive))?.early_warning {
        mark_full(conn, &tape, "end of data past the early-warning mark")?;
        return Err(Failure::new(
            Kind::WrongTape,
            format!(
                "tape '{}' is full: its data reaches the early-warning mark; marked full, nothing was written",
                tape.label
            ),
        )
        .into());
    }
    env.verbose(|| format!("catalog backup to tape '{}' (pool '{}'), file {}", tape.label, pool.name, at.file));

    let framing = match key {
        Some(_) => Framing::Aead { zstd: Some(Compression::ZSTD_DEFAULT_LEVEL) },
        None => Framing::Zstd { level: Compression::ZSTD_DEFAULT_LEVEL },
    };
    let backup_uuid = Uuid::new_v4();
    let header = CatalogHeader::new(
        backup_uuid,
        snapshot.schema_version,
        snapshot.size,
        snapshot.blake3.clone(),
        framing,
        key.as_ref().map(|(k, _)| k.fingerprint.clone()),
        label.block_size,
        DEFAULT_FRAME_SIZE as u32,
        chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
    );
    let backup_time = crate::timefmt::now_sql();
    let compression = framing.compression();
    let new = NewDbBackup {
        tape_id: tape.id,
        backup_time: &backup_time,
        file_size: snapshot.size,
        checksum: &snapshot.blake3,
        block_offset: at.block,
        tape_file: at.file,
        backup_uuid: &backup_uuid.to_string(),
        schema_version: snapshot.schema_version,
        compression: &compression,
        key_fingerprint: key.as_ref().map(|(k, _)| k.fingerprint.as_str()),
    };
    let id = {
        let tx = catalog.write()?;
        let stale = db_backups::fail_interrupted(&tx, tape.id)?;
        if !stale.is_empty() {
            env.note(|| {
                format!("catalog backup(s) {stale:?} on tape '{}' were interrupted earlier: marked failed", tape.label)
            });
        }
        let id = db_backups::insert(&tx, &new, None)?;
        tx.commit()?;
        id
    };
    let fail = |catalog: &mut Catalog, e: anyhow::Error| -> anyhow::Error {
        let recorded = (|| -> Result<()> {
            let tx = catalog.write()?;
            db_backups::fail(&tx, id, &format!("{e:#}"))?;
            audit::record(
                &tx,
                "catalog.backup",
                "database_backup",
                Some(id),
                json!({"tape": tape.label, "status": "failed", "error": format!("{e:#}")}),
            )?;
            tx.commit()?;
            Ok(())
        })();
        if let Err(r) = recorded {
            env.note(|| format!("could not record the failure: {r:#}"));
        }
        e
    };

    let bar = progress(&format!("catalog backup to tape '{}'", tape.label));
    bar.set_length(snapshot.size);
    let written = write_to_tape(dev, &drive, &header, &at, &snapshot.path, key.as_ref().map(|(_, k)| *k.bytes()), &bar);
    bar.finish_and_clear();
    let written = match written {
        Ok(w) => w,
        Err(e) => return Err(fail(&mut catalog, e)),
    };
    if written.full_before_trailer {
        let e = Failure::new(
            Kind::Device,
            format!(
                "tape '{}' reached early warning while the catalog backup was written: a catalog backup never spans \
                 tapes, so it failed and the tape is marked full; run it again with another tape",
                tape.label
            ),
        );
        mark_full(catalog.conn(), &tape, "early warning during a catalog backup")?;
        return Err(fail(&mut catalog, e.into()));
    }

    let tx = catalog.write()?;
    db_backups::complete(&tx, id, written.tape_bytes, written.end_block)?;
    let mut t = tapes::by_id(&tx, tape.id)?;
    if t.status == TapeStatus::Expired {
        t.used_bytes = 0;
    }
    t.used_bytes += written.all_bytes as i64;
    t.write_count += 1;
    t.last_written_at = Some(crate::timefmt::now_sql());
    t.status = if written.full_after { TapeStatus::Full } else { TapeStatus::Active };
    tapes::save(&tx, &t)?;
    let outcome = Outcome {
        id,
        backup_uuid: backup_uuid.to_string(),
        tape: tape.label.clone(),
        drive: drive.name.clone(),
        file: at.file,
        block: at.block,
        bytes: snapshot.size,
        compressed_bytes: written.tape_bytes,
        checksum: snapshot.blake3.clone(),
        schema_version: snapshot.schema_version,
        compression,
        key: key.as_ref().map(|(k, _)| k.name.clone()),
        seconds: started.elapsed().as_secs_f64(),
    };
    let mut details = serde_json::to_value(&outcome)?;
    details["status"] = json!("completed");
    audit::record(&tx, "catalog.backup", "database_backup", Some(id), details)?;
    tx.commit()?;
    Ok(outcome)
}

/// Which tape a backup may take.
enum Target {
    Tape(Box<Tape>, Pool),
    Pool(Pool),
    /// Neither given: the tape in the drive, if it is writable in its pool.
    InDrive,
}

impl Target {
    fn resolve(conn: &rusqlite::Connection, req: &Request) -> Result<Target> {
        if let Some(label) = &req.tape {
            let t = tapes::get(conn, label)?;
            let pool = writable_pool(conn, &t)?;
            return Ok(Target::Tape(Box::new(t), pool));
        }
        if let Some(name) = &req.pool {
            return Ok(Target::Pool(pools::get(conn, name)?));
        }
        Ok(Target::InDrive)
    }

    /// Tapes the library may fetch for it, preferred first.
    fn wanted(&self, conn: &rusqlite::Connection) -> Result<Vec<Tape>> {
        Ok(match self {
            Target::Tape(t, _) => vec![(**t).clone()],
            Target::Pool(pool) => {
                let all = tapes::list(conn, Some(pool.id), None)?;
                let mut out = Vec::new();
                for status in [TapeStatus::Active, TapeStatus::Blank, TapeStatus::Expired] {
                    out.extend(
                        all.iter().filter(|t| t.status == status && acceptable(conn, t, pool, WRITER).is_ok()).cloned(),
                    );
                }
                out
            }
            Target::InDrive => Vec::new(),
        })
    }

    fn describe(&self) -> String {
        match self {
            Target::Tape(t, _) => format!("tape '{}'", t.label),
            Target::Pool(p) => format!("a writable tape of pool '{}'", p.name),
            Target::InDrive => "a writable tape of a pool".into(),
        }
    }
}

/// The pool a tape is writable in, or why it is not.
fn writable_pool(conn: &rusqlite::Connection, t: &Tape) -> Result<Pool> {
    let Some(pool_id) = t.pool_id else {
        return Err(Failure::new(
            Kind::InvalidState,
            format!("tape '{}' belongs to no pool: nothing was written", t.label),
        )
        .into());
    };
    let pool = pools::by_id(conn, pool_id)?;
    acceptable(conn, t, &pool, WRITER)
        .map_err(|why| Failure::new(Kind::InvalidState, format!("{why}: nothing was written")))?;
    Ok(pool)
}

/// Opens the drive with the target's tape in it: the one in the drive, one the library
/// fetches, or one the operator inserts (exit 4 without a terminal).
fn take_tape(
    env: &Env,
    catalog: &mut Catalog,
    drive: &Drive,
    target: &Target,
) -> Result<(Box<dyn TapeDevice>, Tape, TapeLabel, Pool)> {
    let spec = DeviceSpec::parse(&drive.device).map_err(Failure::usage)?;
    let mut tried = Vec::new();
    loop {
        let mut dev = crate::tape::open(&spec).map_err(|e| device_error(e, drive))?;
        let why = match in_drive(catalog.conn(), dev.as_mut(), drive, target)? {
            Ok((t, l, pool)) => return Ok((dev, t, l, pool)),
            Err(why) => why,
        };
        drop(dev);
        let mut loaded = false;
        if drive.library_id.is_some() {
            for t in target.wanted(catalog.conn())? {
                if tried.contains(&t.id) {
                    continue;
                }
                tried.push(t.id);
                if let Some(barcode) = &t.barcode
                    && library::load_for(env, catalog, drive, barcode)?
                {
                    loaded = true;
                    break;
                }
            }
        }
        if !loaded {
            let wanted: Vec<String> = target.wanted(catalog.conn())?.iter().map(|t| t.label.clone()).collect();
            env.operator.insert_tape(
                drive,
                &format!("{why}; the catalog backup needs {}", target.describe()),
                &format!("insert one in drive '{}'", drive.name),
                json!({"request": "tape", "drive": drive.name, "reason": why, "wanted": wanted}),
            )?;
            tried.clear();
        }
    }
}

/// The tape in the drive, if the target may take it; else why not.
fn in_drive(
    conn: &rusqlite::Connection,
    dev: &mut dyn TapeDevice,
    drive: &Drive,
    target: &Target,
) -> Result<Result<(Tape, TapeLabel, Pool), String>> {
    let status = dev.status().map_err(|e| device_error(e, drive))?;
    if !status.loaded {
        return Ok(Err(format!("no tape in drive '{}'", drive.name)));
    }
    let l = match label::read_label(dev).map_err(|e| device_error(e, drive))? {
        TapeContents::Labeled(l) => l,
        TapeContents::Blank => return Ok(Err(format!("the tape in drive '{}' has no label", drive.name))),
        TapeContents::Foreign { reason, .. } => {
            return Ok(Err(format!("the tape in drive '{}' is not a TapeBackarr tape ({reason})", drive.name)));
        }
    };
    let Some(t) = tapes::by_uuid(conn, &l.uuid)? else {
        return Ok(Err(format!("the tape in drive '{}' is labelled '{}' by another catalog", drive.name, l.label)));
    };
    if status.write_protected {
        return Ok(Err(format!("tape '{}' is write-protected", t.label)));
    }
    let pool = match target {
        Target::Tape(want, pool) if want.id == t.id => pool.clone(),
        Target::Tape(want, _) => {
            return Ok(Err(format!("drive '{}' holds tape '{}', not '{}'", drive.name, t.label, want.label)));
        }
        Target::Pool(pool) => match acceptable(conn, &t, pool, WRITER) {
            Ok(()) => pool.clone(),
            Err(why) => return Ok(Err(why)),
        },
        Target::InDrive => match writable_pool(conn, &t) {
            Ok(pool) => pool,
            Err(e) => return Ok(Err(format!("{e:#}"))),
        },
    };
    Ok(Ok((t, l, pool)))
}

/// A consistent copy of the catalog in the home, removed when dropped.
struct Snapshot {
    path: PathBuf,
    size: u64,
    blake3: String,
    schema_version: u32,
}

impl Snapshot {
    fn take(home: &Path, catalog: &Catalog) -> Result<Snapshot> {
        let path = home.join(format!(".catalog-backup-{}.db", Uuid::new_v4()));
        // Created empty, mode 0600, before SQLite writes into it: never readable by others.
        OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&path)
            .with_context(|| format!("cannot create {}", path.display()))?;
        // Removed on drop from here on, whatever fails next.
        let mut snapshot = Snapshot { path, size: 0, blake3: String::new(), schema_version: catalog.version()? };
        db_backups::snapshot_into(catalog.conn(), &snapshot.path)?;
        (snapshot.size, snapshot.blake3) = hash_file(&snapshot.path)?;
        Ok(snapshot)
    }
}

impl Drop for Snapshot {
    fn drop(&mut self) {
        let _ = fs::remove_file(&self.path);
    }
}

fn hash_file(path: &Path) -> Result<(u64, String)> {
    let mut hasher = blake3::Hasher::new();
    let mut f = File::open(path).with_context(|| format!("cannot read {}", path.display()))?;
    let size = io::copy(&mut f, &mut hasher)?;
    Ok((size, hasher.finalize().to_hex().to_string()))
}

struct Written {
    /// Frames with their padding.
    tape_bytes: u64,
    /// Header block, frames, trailer.
    all_bytes: u64,
    end_block: u64,
    /// Early warning came while the data was written: no trailer was written.
    full_before_trailer: bool,
    /// Early warning came with the trailer: the backup is complete, the tape full.
    full_after: bool,
}

/// Header block, frames, filemark, trailer, flushing filemark.
fn write_to_tape(
    mut dev: Box<dyn TapeDevice>,
    drive: &Drive,
    header: &CatalogHeader,
    at: &crate::format::append::AppendPoint,
    snapshot: &Path,
    key: Option<[u8; 32]>,
    bar: &indicatif::ProgressBar,
) -> Result<Written> {
    let dev_err = |e| device_error(e, drive);
    let header_block = header.encode(Some(at.file));
    dev.write_block(&header_block).map_err(dev_err)?;
    let framing = header.framing()?;
    let cfg = PartConfig {
        framing,
        key,
        set_uuid: header.backup_uuid,
        block_size: header.block_size as usize,
        frame_size: header.frame_size as usize,
        workers: std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2).clamp(1, 4),
        first_seq: 0,
        stream_offset: 0,
        checkpoint_every: 0,
    };
    let mut writer = PartWriter::start(dev, cfg)?;
    let mut input = bar.wrap_read(BufReader::with_capacity(1 << 20, File::open(snapshot)?));
    io::copy(&mut input, &mut writer).context("writing the catalog backup to tape")?;
    let result = writer.finish()?;
    let mut dev = result.dev;
    if result.early_warning {
        // Closed as a file of its own, so what follows is never glued onto it.
        dev.write_filemarks(1, true).map_err(dev_err)?;
        return Ok(Written {
            tape_bytes: result.tape_bytes,
            all_bytes: 0,
            end_block: 0,
            full_before_trailer: true,
            full_after: true,
        });
    }
    dev.write_filemarks(1, false).map_err(dev_err)?;
    let trailer = CatalogTrailer::new(header.clone(), at.file, at.block, result.frames);
    let mut trailer_bytes = 0u64;
    let mut full_after = false;
    for block in trailer.encode() {
        trailer_bytes += block.len() as u64;
        if dev.write_block(&block).map_err(dev_err)? == crate::tape::WriteOutcome::EarlyWarning {
            full_after = true;
        }
    }
    dev.write_filemarks(1, true).map_err(dev_err)?;
    let end_block = dev.position().map_err(dev_err)?.block;
    full_after |= dev.status().map_err(dev_err)?.early_warning;
    Ok(Written {
        tape_bytes: result.tape_bytes,
        all_bytes: header_block.len() as u64 + result.tape_bytes + trailer_bytes,
        end_block,
        full_before_trailer: false,
        full_after,
    })
}
