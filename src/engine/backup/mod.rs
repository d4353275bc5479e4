//! A backup as a library call: [`run`] a [`Request`] (or [`resume`] a stopped run) and get
//! the set's [`Summary`]; what happens on the way goes to the [`Env`]'s report as events.
//!
//! Order matters for "never lose data":
//! 1. Everything that can be refused without touching a tape is checked first: job, source,
//!    key and passphrase ([`plan`]).
//! 2. The tape in the drive is identified by its label and must be one the pool's allocation
//!    policy accepts; the tape is spaced to end of data and what precedes it is checked
//!    ([`tapes`]). Nothing is ever written anywhere else.
//! 3. The set is recorded as `running` (so a crash leaves a trace), then header, data and
//!    index are written, the index followed by a flushing filemark ([`stream`], with
//!    [`spanner`] closing parts and changing tapes on the way).
//! 4. Only then are the entries, the part, the snapshot and the `completed` status committed,
//!    in one transaction ([`commit`]).

mod commit;
mod plan;
mod resume;
mod source;
mod span;
mod spanner;
mod stream;
pub(crate) mod tapes;

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Instant;

use anyhow::Result;
use serde::Serialize;
use serde_json::Value;
use uuid::Uuid;

pub use self::plan::{DryRun, WantedTape, dry_run, plan};
pub use self::resume::{abandon, resume};
pub use self::source::{Input, STREAM_SOURCE};
use self::span::Span;
pub use self::tapes::describe_wanted;
use self::tapes::{Ready, acquire_tape};
use super::{Env, Event};
use crate::catalog::pools::Pool;
use crate::catalog::sources::Source;
use crate::catalog::tapes::Tape;
use crate::catalog::{drives, jobs, keys, sets};
use crate::format::append::AppendPoint;
use crate::format::frame::Framing;
use crate::format::part::BackupType;
use crate::pipeline::compression::Compression;
use crate::pipeline::keywrap::DataKey;

/// What to back up, and how: everything a front door resolves from its arguments.
#[derive(Debug, Clone)]
pub struct Request {
    pub what: What,
    /// Full or incremental; `None` takes the job's type.
    pub backup_type: Option<BackupType>,
    /// Descend into file systems mounted below the source.
    pub cross_fs: bool,
    /// Close the part and start the next on the same tape after this many stream bytes
    /// (0: never): a point a crashed run can be resumed from.
    pub checkpoint: u64,
    /// Where the set's content comes from: the source's tree, or a stream.
    pub input: Input,
    /// The drive to write with; `None`: the only enabled one.
    pub drive: Option<String>,
}

/// Whose set this is.
#[derive(Debug, Clone)]
pub enum What {
    /// A job of the catalog, with its source, pool, compression and key.
    Job(String),
    /// A source written to a pool by hand, recorded under the job `adhoc-SOURCE-POOL`.
    AdHoc { source: String, pool: String, compression: Compression, key: Option<String> },
}

/// What a run does, resolved from the request: refused, if at all, before any tape is touched.
pub struct Plan {
    pub job: jobs::Job,
    pub source: Source,
    pub pool: Pool,
    pub backup_type: BackupType,
    /// The set an incremental is relative to, with its snapshot.
    pub parent: Option<(sets::Set, Vec<u8>)>,
    pub framing: Framing,
    pub key: Option<(keys::KeyRecord, DataKey)>,
    pub cross_fs: bool,
    /// Bytes a full run will likely write (the last snapshot's, or a stream's size), for a
    /// progress bar's ETA.
    pub estimate: Option<u64>,
    /// Stream bytes per part between checkpoints (0: none).
    pub checkpoint: u64,
    /// Decoded bytes per frame: `DEFAULT_FRAME_SIZE` for a new set, a resumed set's own.
    pub frame_size: usize,
    pub input: Input,
    /// The drive asked for (`None`: the only enabled one).
    pub drive: Option<String>,
}

/// The `start` event: the set is recorded as running and its first part begins.
#[derive(Debug, Clone, Serialize)]
pub struct Start {
    pub set: i64,
    pub set_uuid: String,
    pub job: String,
    pub backup_type: &'static str,
    pub tape: String,
    pub drive: String,
    pub file: u64,
    pub block: u64,
    /// Bytes the run will likely write, when known (for an ETA).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub estimate_bytes: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resumed: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub part: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stream_offset: Option<u64>,
}

impl Start {
    /// The start of set `set_id` at `at` of `tape`; a resumed run adds its part and offset.
    fn of(plan: &Plan, set_id: i64, set_uuid: Uuid, tape: &Tape, drive: &drives::Drive, at: &AppendPoint) -> Start {
        Start {
            set: set_id,
            set_uuid: set_uuid.to_string(),
            job: plan.job.name.clone(),
            backup_type: plan.backup_type.as_str(),
            tape: tape.label.clone(),
            drive: drive.name.clone(),
            file: at.file,
            block: at.block,
            estimate_bytes: plan.estimate,
            resumed: None,
            part: None,
            stream_offset: None,
        }
    }
}

/// The `progress` event, twice a second while data is written.
#[derive(Debug, Clone, Serialize)]
pub struct Progress {
    pub tape_bytes: u64,
    pub entries: u64,
    pub bytes_per_sec: u64,
    pub elapsed_secs: f64,
    /// The tape being written.
    pub tape: String,
}

/// The `summary` event and the result of a completed run (also the audit record's details).
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    pub set: i64,
    pub set_uuid: String,
    pub job: String,
    pub source: String,
    pub backup_type: &'static str,
    pub parent_set: Option<i64>,
    /// `completed`, or `partial` when files could not be read.
    pub status: &'static str,
    pub tape: String,
    pub tapes: Vec<String>,
    pub parts: usize,
    pub tape_full: bool,
    pub drive: String,
    pub file: u64,
    pub start_block: u64,
    pub end_block: u64,
    pub blocks: u64,
    pub entries: u64,
    pub files: u64,
    pub bytes: u64,
    pub stream_bytes: u64,
    pub tape_bytes: u64,
    pub unchanged: u64,
    pub deleted: u64,
    pub warnings: u64,
    pub unreadable: u64,
    pub compression: String,
    pub encrypted: bool,
    pub duration_secs: f64,
    /// This run's own counts (a resumed run saw only the rest of the stream).
    #[serde(skip)]
    pub this_run: RunCounts,
}

/// What one run itself walked and wrote.
#[derive(Debug, Clone, Copy, Default)]
pub struct RunCounts {
    pub entries: u64,
    pub files: u64,
    pub file_bytes: u64,
}

/// Runs a backup: plans it, takes the drive (waiting for it with `env.wait`), gets a tape
/// the pool's policy takes, writes the set and commits it. A run that stops (a stop asked
/// for, a full tape nobody can change) fails with exit 130 or 4 and can be resumed.
pub fn run(env: &Env, request: &Request) -> Result<Summary> {
    let mut catalog = env.catalog()?;
    let plan = plan(env, &mut catalog, request)?;
    let drive = &super::pick_drive(catalog.conn(), plan.drive.as_deref())?;
    // A stream of unknown size is spooled first, which may take long: not while holding the
    // drive another job may want.
    let input = source::open(env, &plan.input)?;
    let lock = env.lock_drive(drive, "backup run")?;
    let (dev, ready) = acquire_tape(env, &mut catalog, &plan, drive)?;
    let result = write_set(env, &mut catalog, &plan, drive, dev, &ready, input);
    drop(lock);
    result
}

/// Writes the set to the tape in `dev` and records it.
fn write_set(
    env: &Env,
    catalog: &mut crate::catalog::Catalog,
    plan: &Plan,
    drive: &drives::Drive,
    dev: Box<dyn crate::tape::TapeDevice>,
    ready: &Ready,
    input: Option<source::Stream>,
) -> Result<Summary> {
    let started = Instant::now();
    let Ready { tape, label, at } = ready;
    let at = at.clone();

    let set_uuid = Uuid::new_v4();
    let header = span::part_header(plan, set_uuid, label.block_size);

    let (set_id, execution_id) = {
        let tx = catalog.write()?;
        tapes::note_interrupted(env, &tx, tape)?;
        let ids = sets::start(
            &tx,
            &sets::NewSet {
                uuid: &set_uuid.to_string(),
                job_id: plan.job.id,
                source_id: plan.source.id,
                tape_id: tape.id,
                backup_type: plan.backup_type.as_str(),
                start_block: at.block,
                framing: plan.framing.name(),
                compression: &plan.framing.compression(),
                encryption_key_id: plan.key.as_ref().map(|(k, _)| k.id),
                block_size: label.block_size,
                frame_size: plan.frame_size as u32,
                parent_set_id: plan.parent.as_ref().map(|(s, _)| s.id),
            },
        )?;
        drives::set_current_tape(&tx, drive.id, Some(tape.id))?;
        tx.commit()?;
        ids
    };
    env.event(Event::Start(Start::of(plan, set_id, set_uuid, tape, drive, &at)));
    env.note(|| {
        format!(
            "Writing set {set_id} ({} backup of '{}') to tape '{}', file {}",
            plan.backup_type.as_str(),
            plan.source.name,
            tape.label,
            at.file
        )
    });

    let span = Rc::new(RefCell::new(Span::new(env, set_id, execution_id, tape.clone(), at, header, 0)?));
    let outcome = stream::stream(env, plan, drive, dev, &span, None, input)
        .and_then(|(result, summary)| commit::finish_set(env, catalog, plan, drive, &span, result, &summary, started));
    outcome.map_err(|e| commit::record_failure(catalog, plan, &span, e))
}

/// The JSON of a summary as the `summary` event shows it.
pub fn summary_json(summary: &Summary) -> Value {
    serde_json::to_value(Event::Summary(summary.clone())).unwrap_or(Value::Null)
}
