//! `backup run`: parses the job or the ad-hoc source and pool, and renders what the engine
//! (`engine::backup`) reports: a bar on a terminal, a line every 10 s on a plain stderr,
//! NDJSON events with `--json`, and the set's summary.

use std::io::IsTerminal;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use anyhow::Result;
use clap::Args;

use crate::cmd::Ctx;
use crate::engine::backup::{self, Input, Request, STREAM_SOURCE, Summary, What};
use crate::engine::{Env, Event, Report};
use crate::error::{Exit, Failure};
use crate::format::part::BackupType;
use crate::pathjson;
use crate::pipeline::compression::Compression;
use crate::values::{parse_bytes, parse_checkpoint, parse_compression};

/// How often a plain (not a terminal) stderr gets a progress line.
const PLAIN_PROGRESS_EVERY: Duration = Duration::from_secs(10);

#[derive(Debug, Args)]
pub struct RunArgs {
    /// The job to run
    #[arg(required_unless_present_any = ["source", "stdin"], conflicts_with_all = ["source", "pool", "stdin"])]
    job: Option<String>,
    /// Back up everything, whatever the job's type
    #[arg(long, conflicts_with = "incremental")]
    full: bool,
    /// Back up what changed since the job's last completed set (a full when there is none)
    #[arg(long)]
    incremental: bool,
    /// Ad hoc: back up this source (with --pool), recorded under the job `adhoc-SOURCE-POOL`
    #[arg(long, requires = "pool", conflicts_with = "stdin")]
    source: Option<String>,
    /// Ad hoc: the pool to write to (with --source or --stdin)
    #[arg(long)]
    pool: Option<String>,
    /// Ad hoc: none, zstd or zstd:LEVEL [default: none]
    #[arg(long, requires = "pool", value_parser = parse_compression)]
    compression: Option<Compression>,
    /// Ad hoc: encrypt with this key
    #[arg(long, requires = "pool")]
    key: Option<String>,
    /// Back up standard input as the file NAME (a relative path) of a set of its own, recorded
    /// under source `stdin` and job `adhoc-stdin-POOL` (with --pool)
    #[arg(long, value_name = "NAME", requires = "pool", conflicts_with_all = ["incremental", "cross_fs"])]
    stdin: Option<std::path::PathBuf>,
    /// The exact size of standard input (bytes, or with K, M, G, T): it goes to tape as it is
    /// read, and a stream of another size fails the run. Without it, standard input is first
    /// spooled to the home directory
    #[arg(long, value_name = "SIZE", requires = "stdin", value_parser = parse_bytes)]
    stdin_size: Option<u64>,
    /// Descend into file systems mounted below the source
    #[arg(long)]
    cross_fs: bool,
    /// Say what would be written and which tapes would do, touching neither tape nor catalog
    #[arg(long)]
    dry_run: bool,
    /// Close the part and start the next on the same tape after this much stream (e.g. 64G,
    /// 500M; 0 = never): a checkpoint a crashed run can be resumed from, at the cost of two
    /// flushing filemarks and an index each time
    #[arg(long, value_name = "SIZE", default_value = "64G", value_parser = parse_checkpoint)]
    checkpoint: u64,
}

pub fn exec(ctx: &Ctx, args: RunArgs) -> Result<Exit> {
    let input = match args.stdin {
        Some(name) => {
            if std::io::stdin().is_terminal() && !args.dry_run {
                return Err(Failure::usage(
                    "--stdin reads standard input, which is a terminal: pipe the data in \
                     (e.g. pg_dump DB | tapebackarr backup run --stdin DB.sql --pool POOL)",
                )
                .into());
            }
            Input::Stdin { name, size: args.stdin_size }
        }
        None => Input::Tree,
    };
    let source = if input.is_stream() { Some(STREAM_SOURCE.to_string()) } else { args.source };
    let what = match (args.job, source, args.pool) {
        (Some(job), _, _) => What::Job(job),
        (None, Some(source), Some(pool)) => {
            What::AdHoc { source, pool, compression: args.compression.unwrap_or(Compression::None), key: args.key }
        }
        _ => unreachable!("clap requires a job, or a source with a pool"),
    };
    let backup_type = if args.full {
        Some(BackupType::Full)
    } else if args.incremental {
        Some(BackupType::Incremental)
    } else {
        None
    };
    let request = Request {
        what,
        backup_type,
        cross_fs: args.cross_fs,
        checkpoint: args.checkpoint,
        input,
        drive: ctx.named_drive(),
    };
    if args.dry_run {
        let mut catalog = ctx.catalog()?;
        let env = ctx.env();
        let plan = backup::plan(&env, &mut catalog, &request)?;
        return dry_run(ctx, &env, catalog.conn(), &plan);
    }
    let shown = Shown::new(ctx);
    let summary = backup::run(&shown.env(ctx), &request);
    drop(shown);
    finish(ctx, summary?)
}

/// `backup resume`: continues a paused run on the drive chosen.
pub fn resume(ctx: &Ctx, execution: Option<i64>) -> Result<Exit> {
    let shown = Shown::new(ctx);
    let summary = backup::resume(&shown.env(ctx), execution, ctx.named_drive().as_deref());
    drop(shown);
    finish(ctx, summary?)
}

/// Prints what a dry run found.
fn dry_run(ctx: &Ctx, env: &Env, conn: &rusqlite::Connection, plan: &backup::Plan) -> Result<Exit> {
    let d = backup::dry_run(env, conn, plan)?;
    ctx.out.data(&serde_json::to_value(&d)?, || {
        let mut text = format!(
            "Would write a {} backup of source '{}' ({}): {} entries, {}",
            d.backup_type,
            d.source,
            pathjson::to_human(&plan.source.path),
            d.entries,
            crate::output::bytes(d.bytes as i64)
        );
        if d.parent_set.is_some() {
            text.push_str(&format!("; {} unchanged, {} deleted", d.unchanged, d.deleted));
        }
        text.push_str(&format!("\n{}", backup::describe_wanted(&plan.pool, &d.wanted)));
        text
    });
    Ok(Exit::Ok)
}

/// The summary as the user sees it (the `summary` event already went out with `--json`),
/// and the exit code: 3 when files could not be read.
fn finish(ctx: &Ctx, s: Summary) -> Result<Exit> {
    if !ctx.out.json && !ctx.out.quiet {
        let rate = if s.duration_secs > 0.0 { s.stream_bytes as f64 / s.duration_secs / 1e6 } else { 0.0 };
        let place = if s.parts == 1 {
            format!("on tape '{}', file {}, blocks {}-{}", s.tape, s.file, s.start_block, s.end_block)
        } else {
            format!("on {} tapes: {}", s.parts, s.tapes.join(", "))
        };
        let mut text = format!(
            "Set {} completed: {} entries ({} files, {}) {place}, in {:.1} s ({rate:.0} MB/s)",
            s.set,
            s.this_run.entries,
            s.this_run.files,
            crate::output::bytes(s.this_run.file_bytes as i64),
            s.duration_secs
        );
        if s.parent_set.is_some() {
            text.push_str(&format!("; {} unchanged, {} deleted", s.unchanged, s.deleted));
        }
        if s.tape_full {
            text.push_str(&format!(
                "\nTape '{}' reached its early-warning mark and is now full",
                s.tapes.last().map_or("?", String::as_str)
            ));
        }
        if s.unreadable > 0 {
            text.push_str(&format!("\nwarning: {} file(s) could not be read (named above): exit 3", s.unreadable));
        }
        crate::output::write_stdout(format!("{text}\n").as_bytes());
    }
    Ok(if s.unreadable > 0 { Exit::Partial } else { Exit::Ok })
}

/// How a backup is shown while it runs: what the context reports, plus a bar on a terminal
/// (or a line every 10 s on a plain stderr) drawn from the engine's progress events, and
/// warnings about files that bars do not garble.
pub(crate) struct Shown<'a> {
    ctx: &'a Ctx,
    /// Pass the engine's events on as NDJSON (`--json`); `schedule run-due` prints its own.
    events: bool,
    bar: Option<indicatif::ProgressBar>,
    plain: bool,
    last_line: Mutex<Instant>,
}

impl<'a> Shown<'a> {
    pub(crate) fn new(ctx: &'a Ctx) -> Shown<'a> {
        let shows = !ctx.out.json && !ctx.out.quiet && !ctx.global.no_progress;
        let terminal = shows && std::io::stderr().is_terminal();
        Shown {
            ctx,
            events: true,
            bar: terminal.then(indicatif::ProgressBar::hidden),
            plain: shows && !terminal,
            last_line: Mutex::new(Instant::now()),
        }
    }

    /// Shows the bar and notes but keeps the engine's events off stdout.
    pub(crate) fn without_events(ctx: &'a Ctx) -> Shown<'a> {
        let mut shown = Shown::new(ctx);
        shown.events = false;
        shown
    }

    fn env(&'a self, ctx: &'a Ctx) -> Env<'a> {
        Env { report: self, ..ctx.env() }
    }

    /// Writes to stderr without tearing the bar.
    fn say(&self, write: impl FnOnce()) {
        match &self.bar {
            Some(bar) => bar.suspend(write),
            None => write(),
        }
    }
}

impl Report for Shown<'_> {
    fn note(&self, text: &str) {
        self.say(|| self.ctx.note(text));
    }

    fn verbose(&self, text: &str) {
        self.say(|| self.ctx.verbose(text));
    }

    fn event(&self, event: &Event) {
        if self.events {
            self.ctx.event(event);
        }
        match event {
            Event::Start(start) => {
                if let Some(bar) = &self.bar {
                    let (len, template) = match start.estimate_bytes {
                        Some(total) if total > 0 => {
                            (Some(total), "{spinner} {msg} [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec} ETA {eta}")
                        }
                        _ => (None, "{spinner} {msg} {bytes} {bytes_per_sec}"),
                    };
                    bar.set_length(len.unwrap_or(0));
                    bar.set_style(
                        indicatif::ProgressStyle::with_template(template)
                            .expect("template is valid")
                            .progress_chars("=> "),
                    );
                    bar.set_draw_target(indicatif::ProgressDrawTarget::stderr());
                }
            }
            Event::Progress(p) => {
                if let Some(bar) = &self.bar {
                    bar.set_position(p.tape_bytes);
                    bar.set_message(format!("{} entries to tape {}", p.entries, p.tape));
                } else if self.plain {
                    let mut last = self.last_line.lock().expect("progress line lock");
                    if last.elapsed() >= PLAIN_PROGRESS_EVERY {
                        *last = Instant::now();
                        eprintln!(
                            "progress: {} entries, {} on tape, {:.0} MB/s, {:.0} s",
                            p.entries,
                            crate::output::bytes(p.tape_bytes as i64),
                            p.bytes_per_sec as f64 / 1e6,
                            p.elapsed_secs
                        );
                    }
                }
            }
            Event::FileError { path, message, .. } => {
                self.note(&format!("warning: {}: {message}", pathjson::to_human(path)));
            }
            Event::Summary(_) | Event::Paused(_) => {
                if let Some(bar) = &self.bar {
                    bar.finish_and_clear();
                }
            }
            _ => {}
        }
    }
}

impl Drop for Shown<'_> {
    fn drop(&mut self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
