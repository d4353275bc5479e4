//! The catalog itself on tape (issue 17). `catalog rebuild` recovers sets from their indexes
//! but not what only the catalog knows (retention, schedules, keys, tape statuses), so the
//! whole SQLite file is backed up to tape ([`backup`]) and installed again from there, with
//! no catalog at all ([`restore`]). On tape it is its own kind of tape file pair
//! (`format::catalog_file`), appended like a set part and never spanning.
//!
//! Both are library calls taking an [`Env`]: `catalog backup` and `catalog restore-db` call
//! them, and the scheduler can call [`backup`].

use std::fs::{self, File, OpenOptions};
use std::io::{self, BufReader, Write};
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde::Serialize;
use serde_json::json;
use uuid::Uuid;

use crate::catalog::db_backups::{self, NewDbBackup};
use crate::catalog::drives::{self, Drive};
use crate::catalog::keys::{self, KeyRecord};
use crate::catalog::pools::{self, Pool};
use crate::catalog::tapes::{self, Tape, TapeStatus};
use crate::catalog::{Catalog, SCHEMA_VERSION, audit};
use crate::engine::backup::tapes::{acceptable, mark_full, prepare_tape};
use crate::engine::{Env, device_error, health, library, pick_drive, rebuild};
use crate::error::{Failure, Kind};
use crate::format::catalog_file::{CatalogHeader, CatalogTrailer};
use crate::format::frame::{DEFAULT_FRAME_SIZE, FrameDecoder, Framing};
use crate::format::label::{self, TapeContents, TapeLabel};
use crate::format::scan::{Scanned, Scanner};
use crate::pipeline::compression::Compression;
use crate::pipeline::keywrap::DataKey;
use crate::pipeline::part_writer::{PartConfig, PartWriter};
use crate::tape::{DeviceSpec, ReadOutcome, TapeDevice};

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

/// Where `catalog restore-db` reads and what it installs.
#[derive(Debug, Clone, Default)]
pub struct RestoreRequest {
    /// The drive's device, for when there is no catalog to name drives.
    pub device: Option<String>,
    /// A drive of the home's catalog (when there is one and no `device`).
    pub drive: Option<String>,
    /// The changer of the library the drive (`device`) sits in: every cartridge is looked at
    /// and the one holding the newest catalog backup is used.
    pub library_device: Option<String>,
    /// The tape in the drive must have this label.
    pub tape: Option<String>,
    /// Write the database here instead of installing it in the home.
    pub to: Option<PathBuf>,
    /// Replace an existing catalog (kept as `catalog.db.before-restore-<time>`) or `to` file.
    pub force: bool,
    /// The key an encrypted backup needs, from an exported key file (`key export`); its
    /// passphrase comes through the operator.
    pub key: Option<KeyRecord>,
}

/// What `catalog restore-db` did.
#[derive(Debug, Clone, Serialize)]
pub struct Restored {
    pub tape: String,
    pub tape_uuid: String,
    pub backup_uuid: String,
    pub file: u64,
    pub block: u64,
    pub created_at: String,
    pub bytes: u64,
    pub checksum: String,
    pub schema_version: u32,
    pub encrypted: bool,
    /// Where the database went (`{"text"}` or `{"bytes"}` in JSON, as every path).
    #[serde(serialize_with = "crate::pathjson::serialize")]
    pub installed: PathBuf,
    /// The catalog it replaced, kept.
    #[serde(serialize_with = "optional_path")]
    pub previous: Option<PathBuf>,
    /// Catalog backups found on the tape (complete ones), newest last.
    pub found: usize,
    /// Sets the reconciliation added from the tape in the drive.
    pub sets_added: usize,
    /// Tapes that may hold sets the restored catalog lacks: rebuild them (`catalog rebuild`).
    pub rebuild_also: Vec<String>,
    pub notes: Vec<String>,
    pub seconds: f64,
}

fn optional_path<S: serde::Serializer>(path: &Option<PathBuf>, s: S) -> Result<S::Ok, S::Error> {
    match path {
        Some(p) => crate::pathjson::serialize(p, s),
        None => s.serialize_none(),
    }
}

/// Installs the newest catalog backup on the tape in the drive: read by its header and
/// trailer (data files of sets are spaced over, never read), checked against its BLAKE3, then
/// written to `to` or installed as the home's catalog; then the tape's sets are reconciled
/// from their indexes, as `catalog rebuild` does.
pub fn restore(env: &Env, req: &RestoreRequest, progress: &dyn Fn(&str) -> indicatif::ProgressBar) -> Result<Restored> {
    let started = std::time::Instant::now();
    let home_catalog = Catalog::path_in(env.home);
    let destination = req.to.clone().unwrap_or_else(|| home_catalog.clone());
    // Refused before the tape winds.
    if destination.exists() && !req.force {
        let what = if req.to.is_some() { "file" } else { "catalog" };
        return Err(Failure::new(
            Kind::AlreadyExists,
            format!("{what} {} exists: pass --force to replace it (nothing was changed)", destination.display()),
        )
        .into());
    }
    let drive = match &req.device {
        Some(device) => Drive::new("restore-db", device),
        None if home_catalog.is_file() => pick_drive(Catalog::open(env.home)?.conn(), req.drive.as_deref())?,
        None => {
            return Err(Failure::usage(format!(
                "no catalog at {}: name the drive's device with --device (e.g. --device /dev/nst0)",
                home_catalog.display()
            ))
            .into());
        }
    };
    let _lock = env.lock_drive(&drive, "catalog restore-db")?;
    let library_labels = match &req.library_device {
        Some(changer) => Some(load_newest_from_library(env, &drive, changer, progress)?),
        None => None,
    };
    let spec = DeviceSpec::parse(&drive.device).map_err(Failure::usage)?;
    let mut dev = crate::tape::open(&spec).map_err(|e| device_error(e, &drive))?;
    let dev_err = |e| device_error(e, &drive);
    if !dev.status().map_err(dev_err)?.loaded {
        return Err(device_error(crate::tape::TapeError::NoTape, &drive));
    }
    let label = match label::read_label(dev.as_mut()).map_err(dev_err)? {
        TapeContents::Labeled(l) => l,
        _ => {
            return Err(Failure::new(
                Kind::WrongTape,
                format!("the tape in drive '{}' is not a TapeBackarr tape", drive.name),
            )
            .into());
        }
    };
    if let Some(want) = &req.tape
        && *want != label.label
    {
        return Err(Failure::new(
            Kind::WrongTape,
            format!("drive '{}' holds tape '{}', not '{want}'", drive.name, label.label),
        )
        .into());
    }

    // Headers and trailers only.
    let mut found = Vec::new();
    let mut notes = Vec::new();
    {
        let bar = progress(&format!("looking for catalog backups on tape '{}'", label.label));
        let mut scanner = Scanner::new(dev.as_mut());
        while let Some(item) = scanner.next() {
            bar.set_position(scanner.bytes_read());
            if let Scanned::CatalogBackup(c) = item.map_err(dev_err)? {
                match c.trailer {
                    Ok(t) => found.push((t, c.end_block)),
                    Err(why) => {
                        notes.push(format!("the catalog backup in tape file {} is unusable: {why}", c.data_file))
                    }
                }
            }
        }
        bar.finish_and_clear();
    }
    // The newest by its time; two of the same second, the later on tape.
    let newest = found
        .iter()
        .max_by(|(a, _), (b, _)| a.header.created_at.cmp(&b.header.created_at).then(a.data_file.cmp(&b.data_file)))
        .cloned();
    let Some((newest, end_block)) = newest else {
        return Err(Failure::new(
            Kind::NotFound,
            format!("tape '{}' holds no complete catalog backup (tapebackarr catalog backup writes one); nothing was changed", label.label),
        )
        .into());
    };

    let key = match &newest.header.encryption {
        None => None,
        Some(enc) => {
            let Some(record) = &req.key else {
                return Err(Failure::usage(format!(
                    "the catalog backup is encrypted with key {}: pass the exported key with --key-file (its passphrase \
                     from TAPEBACKARR_PASSWORD_FILE or the terminal)",
                    enc.key_fingerprint
                ))
                .into());
            };
            if record.fingerprint != enc.key_fingerprint {
                return Err(Failure::usage(format!(
                    "the key file holds key {} ('{}'), the catalog backup needs key {}",
                    record.fingerprint, record.name, enc.key_fingerprint
                ))
                .into());
            }
            Some(env.operator.unlock_key(record, "nothing was changed")?)
        }
    };

    // Read, decoded and checked into a new file next to the destination, then renamed there.
    let dir = destination.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    if req.to.is_none() {
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
            .with_context(|| format!("cannot create {}", dir.display()))?;
    }
    let staging = tempfile::Builder::new()
        .prefix(".restore-db-")
        .permissions(std::os::unix::fs::PermissionsExt::from_mode(0o600))
        .tempfile_in(dir)
        .with_context(|| format!("cannot create a file in {}", dir.display()))?;
    {
        let bar = progress("reading the catalog backup");
        bar.set_length(newest.header.size);
        read_backup(dev.as_mut(), &drive, &newest, key.as_ref(), staging.as_file(), &bar)?;
        bar.finish_and_clear();
    }
    let schema_version = db_backups::file_schema_version(staging.path())?;
    if schema_version > SCHEMA_VERSION {
        return Err(Failure::new(
            Kind::CatalogTooNew,
            format!("the catalog backup has schema version {schema_version}, this tapebackarr knows up to {SCHEMA_VERSION}: upgrade tapebackarr (nothing was changed)"),
        )
        .into());
    }

    let mut previous = None;
    if destination.exists() {
        let kept = PathBuf::from(format!(
            "{}.before-restore-{}",
            destination.display(),
            chrono::Utc::now().format("%Y%m%dT%H%M%SZ")
        ));
        fs::rename(&destination, &kept).with_context(|| format!("cannot move {} aside", destination.display()))?;
        // The old catalog's WAL belongs to it, never to the restored file.
        for suffix in ["-wal", "-shm"] {
            let side = PathBuf::from(format!("{}{suffix}", destination.display()));
            if side.exists() {
                fs::rename(&side, format!("{}{suffix}", kept.display()))?;
            }
        }
        previous = Some(kept);
    }
    staging.persist(&destination).with_context(|| format!("cannot install {}", destination.display()))?;

    let mut restored = Restored {
        tape: label.label.clone(),
        tape_uuid: label.uuid.clone(),
        backup_uuid: newest.header.backup_uuid.to_string(),
        file: newest.data_file,
        block: newest.first_block,
        created_at: newest.header.created_at.clone(),
        bytes: newest.header.size,
        checksum: newest.header.blake3.clone(),
        schema_version,
        encrypted: newest.header.encryption.is_some(),
        installed: destination.clone(),
        previous,
        found: found.len(),
        sets_added: 0,
        rebuild_also: Vec::new(),
        notes,
        seconds: 0.0,
    };
    if req.to.is_none() {
        reconcile(env, dev.as_mut(), &drive, &label, (&newest, end_block), &mut restored, progress)?;
        if let Some(labels) = library_labels {
            // Every cartridge of the library may hold sets the backup predates.
            restored.rebuild_also.extend(labels.into_iter().filter(|l| *l != label.label));
            restored.rebuild_also.sort();
            restored.rebuild_also.dedup();
        }
    }
    restored.seconds = started.elapsed().as_secs_f64();
    Ok(restored)
}

/// Reads the backup's frames (LOCATE to the first), checks each against the trailer and the
/// whole against the header's BLAKE3, and writes the database to `out`.
fn read_backup(
    dev: &mut dyn TapeDevice,
    drive: &Drive,
    trailer: &CatalogTrailer,
    key: Option<&DataKey>,
    mut out: &File,
    bar: &indicatif::ProgressBar,
) -> Result<()> {
    let dev_err = |e| device_error(e, drive);
    let header = &trailer.header;
    let damaged = |why: String| -> anyhow::Error {
        Failure::new(Kind::Device, format!("the catalog backup in tape file {} is damaged: {why}", trailer.data_file))
            .into()
    };
    let mut decoder = FrameDecoder::new(header.framing()?, key.map(|k| k.bytes()), &header.backup_uuid)?;
    let mut hasher = blake3::Hasher::new();
    let mut size = 0u64;
    let mut buf = vec![0u8; (header.block_size as usize).max(64 << 10) * 2];
    let mut decoded = Vec::new();
    dev.locate(trailer.first_block + 1).map_err(dev_err)?;
    for frame in &trailer.frames {
        let mut encoded = Vec::with_capacity(frame.encoded_len as usize);
        while (encoded.len() as u64) < frame.encoded_len {
            match dev.read_block(&mut buf).map_err(dev_err)? {
                ReadOutcome::Block(n) => encoded.extend_from_slice(&buf[..n]),
                _ => return Err(damaged(format!("frame {} ends early", frame.seq))),
            }
        }
        frame.verify(&encoded).map_err(|e| damaged(e.to_string()))?;
        decoded.clear();
        decoder.decode(frame.seq, &encoded, &mut decoded).map_err(|e| damaged(e.to_string()))?;
        hasher.update(&decoded);
        size += decoded.len() as u64;
        out.write_all(&decoded)?;
        bar.set_position(size);
    }
    out.sync_all()?;
    let hash = hasher.finalize().to_hex().to_string();
    if size != header.size || hash != header.blake3 {
        return Err(damaged(format!(
            "{size} bytes with BLAKE3 {hash}, the header says {} bytes with BLAKE3 {}",
            header.size, header.blake3
        )));
    }
    Ok(())
}

/// After installing in the home: records the backup it came from and the restore, then adds
/// what the tape in the drive holds that the backup predates, and names the tapes that may
/// hold more.
fn reconcile(
    env: &Env,
    dev: &mut dyn TapeDevice,
    drive: &Drive,
    label: &TapeLabel,
    (trailer, end_block): (&CatalogTrailer, u64),
    restored: &mut Restored,
    progress: &dyn Fn(&str) -> indicatif::ProgressBar,
) -> Result<()> {
    let mut catalog = Catalog::open(env.home)?;
    let backup_time = crate::timefmt::to_sql(
        chrono::DateTime::parse_from_rfc3339(&trailer.header.created_at)
            .map(|t| t.to_utc())
            .unwrap_or_else(|_| chrono::Utc::now()),
    );
    {
        let tx = catalog.write()?;
        if let Some(t) = tapes::by_uuid(&tx, &label.uuid)?
            && db_backups::by_uuid(&tx, &restored.backup_uuid)?.is_none()
        {
            let new = NewDbBackup {
                tape_id: t.id,
                backup_time: &backup_time,
                file_size: trailer.header.size,
                checksum: &trailer.header.blake3,
                block_offset: trailer.first_block,
                tape_file: trailer.data_file,
                backup_uuid: &restored.backup_uuid,
                schema_version: trailer.header.schema_version,
                compression: &trailer.header.compression,
                key_fingerprint: trailer.header.encryption.as_ref().map(|e| e.key_fingerprint.as_str()),
            };
            db_backups::insert(&tx, &new, Some((trailer.tape_bytes, end_block)))?;
        }
        audit::record(
            &tx,
            "catalog.restore",
            "catalog",
            None,
            json!({
                "tape": label.label, "tape_uuid": label.uuid, "backup_uuid": restored.backup_uuid,
                "created_at": trailer.header.created_at, "bytes": trailer.header.size, "checksum": trailer.header.blake3,
                "previous": restored.previous.as_deref().map(crate::pathjson::to_json),
            }),
        )?;
        tx.commit()?;
    }
    // The drive as the restored catalog knows it, so the rebuild records the tape there.
    let known = drives::list(catalog.conn())?.into_iter().find(|d| d.device == drive.device);
    match known {
        Some(d) => {
            let rebuilt = rebuild::tape(env, &mut catalog, &d, dev, progress)?;
            restored.sets_added = rebuilt.rb.added.len();
            restored.notes.extend(rebuilt.rb.warnings);
        }
        None => restored.notes.push(format!(
            "the restored catalog has no drive with device {}: sets written to tape '{}' after the backup were not \
             added; run `tapebackarr catalog rebuild` once the drive is added",
            drive.device, label.label
        )),
    }
    restored.rebuild_also = db_backups::tapes_written_after(catalog.conn(), &backup_time)?
        .into_iter()
        .chain(tapes::list(catalog.conn(), None, None)?.into_iter().filter(|t| {
            // A tape a backup could have written since the snapshot.
            matches!(t.status, TapeStatus::Active | TapeStatus::Blank | TapeStatus::Expired)
        }))
        .map(|t| t.label)
        .filter(|l| *l != label.label)
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    Ok(())
}

/// For `restore-db --library-device`, with no catalog to say where anything is: loads every
/// storage cartridge of the library (cleaning cartridges aside) into the drive in turn, lists
/// its catalog backups (headers and trailers only, as [`restore`] does), puts it back, and
/// finally leaves the cartridge holding the newest one in the drive. Returns the labels read.
fn load_newest_from_library(
    env: &Env,
    drive: &Drive,
    changer_device: &str,
    progress: &dyn Fn(&str) -> indicatif::ProgressBar,
) -> Result<Vec<String>> {
    use crate::tape::changer::{self, ElementType};
    let changer_error = |e: changer::ChangerError| -> anyhow::Error {
        Failure::new(Kind::Device, format!("library {changer_device}: {e}")).into()
    };
    let mut changer = changer::open_changer(changer_device).map_err(changer_error)?;
    let inv = changer.inventory().map_err(changer_error)?;
    // The drive's element: the one whose device is the drive's, else the library's only one.
    let drives: Vec<_> = inv.drives().collect();
    let element = drives
        .iter()
        .find(|e| e.device_id.as_ref().is_some_and(|id| id.value == drive.device))
        .or(if drives.len() == 1 { drives.first() } else { None })
        .map(|e| e.address)
        .ok_or_else(|| {
            Failure::usage(format!("library {changer_device}: none of its drives is reported as {}", drive.device))
        })?;
    if inv.get(element).is_some_and(|e| e.full) {
        let to = inv
            .get(element)
            .and_then(|e| e.source)
            .filter(|s| inv.get(*s).is_some_and(|e| e.kind == ElementType::Storage && !e.full))
            .or_else(|| inv.first_empty(ElementType::Storage))
            .ok_or_else(|| Failure::new(Kind::InvalidState, format!("library {changer_device}: every slot is full")))?;
        library::prepare_removal(env, drive);
        changer.move_medium(element, to).map_err(changer_error)?;
    }
    let inv = changer.inventory().map_err(changer_error)?;
    let spec = DeviceSpec::parse(&drive.device).map_err(Failure::usage)?;
    let (mut labels, mut newest) = (Vec::new(), None::<(String, changer::ElementAddress)>);
    let cartridges: Vec<_> = inv
        .slots()
        .filter(|e| e.full && !e.barcode.as_deref().is_some_and(crate::catalog::libraries::is_cleaning))
        .cloned()
        .collect();
    for e in &cartridges {
        changer.move_medium(e.address, element).map_err(changer_error)?;
        let looked = (|| -> Result<()> {
            let mut dev = crate::tape::open(&spec).map_err(|err| device_error(err, drive))?;
            let TapeContents::Labeled(l) = label::read_label(dev.as_mut()).map_err(|err| device_error(err, drive))?
            else {
                return Ok(());
            };
            let bar = progress(&format!("looking for catalog backups on tape '{}'", l.label));
            labels.push(l.label);
            for item in Scanner::new(dev.as_mut()) {
                if let Scanned::CatalogBackup(c) = item.map_err(|err| device_error(err, drive))?
                    && c.trailer.is_ok()
                    && newest.as_ref().is_none_or(|(t, _)| c.header.created_at > *t)
                {
                    newest = Some((c.header.created_at.clone(), e.address));
                }
            }
            bar.finish_and_clear();
            Ok(())
        })();
        library::prepare_removal(env, drive);
        changer.move_medium(element, e.address).map_err(changer_error)?;
        looked?;
    }
    let Some((created_at, slot)) = newest else {
        return Err(Failure::new(
            Kind::NotFound,
            format!("no cartridge of library {changer_device} holds a complete catalog backup; nothing was changed"),
        )
        .into());
    };
    env.verbose(|| format!("the newest catalog backup ({created_at}) is on the cartridge in {slot}"));
    changer.move_medium(slot, element).map_err(changer_error)?;
    Ok(labels)
}
