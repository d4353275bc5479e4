//! `tapebackarr source …`: add, list, show, update and remove backup sources.

use std::io::ErrorKind;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

use anyhow::Result;
use clap::Subcommand;
use serde_json::json;

use super::{Ctx, changes, describe_update};
use crate::catalog::audit;
use crate::catalog::sources::{self, Source, SourceType};
use crate::error::{Exit, Failure, Kind};
use crate::output::{fields, table, when};
use crate::pathjson::to_human;
use crate::pipeline::select::check_glob;
use crate::values::{one_of, parse_name};

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Add a source: a directory tree to back up
    #[command(after_help = "Globs use gitignore syntax: '*' stays within a name, '**' spans directories,
a pattern without '/' matches at any depth. Excludes win over includes.

Examples:
  tapebackarr source add home /home --exclude '**/.cache/**' --exclude '*.tmp'
  tapebackarr source add photos /srv/photos --include '*.jpg' --include '*.raw'
  tapebackarr source add filer //nas/projects --type smb")]
    Add {
        /// Source name (letters, digits, '.', '_', '-')
        #[arg(value_parser = parse_name)]
        name: String,
        /// Directory to back up (local), //server/share (smb) or server:/export (nfs)
        #[arg(value_hint = clap::ValueHint::DirPath)]
        path: PathBuf,
        /// local, smb or nfs
        #[arg(long = "type", value_name = "TYPE", default_value = "local", value_parser = one_of::<SourceType>(&SourceType::NAMES))]
        source_type: SourceType,
        /// Back up only what matches (repeatable; default: everything)
        #[arg(long, value_name = "GLOB", value_parser = check_glob)]
        include: Vec<String>,
        /// Leave out what matches (repeatable)
        #[arg(long, value_name = "GLOB", value_parser = check_glob)]
        exclude: Vec<String>,
        /// Add it disabled: jobs using it do not run
        #[arg(long)]
        disabled: bool,
    },
    /// List sources
    #[command(after_help = "Examples:\n  tapebackarr source list\n  tapebackarr source list --json")]
    List,
    /// Show one source and the jobs that use it
    #[command(after_help = "Example:\n  tapebackarr source show home")]
    Show {
        /// Source name
        name: String,
    },
    /// Change a source
    #[command(after_help = "--include/--exclude replace the whole list; --clear-include/--clear-exclude empty it.

Examples:
  tapebackarr source update home --exclude '**/.cache/**' --exclude '**/node_modules/**'
  tapebackarr source update home --path /export/home --disable")]
    Update {
        /// Source name
        name: String,
        /// New name
        #[arg(long, value_name = "NEW_NAME", value_parser = parse_name)]
        rename: Option<String>,
        /// New path
        #[arg(long, value_hint = clap::ValueHint::DirPath)]
        path: Option<PathBuf>,
        /// New type: local, smb or nfs
        #[arg(long = "type", value_name = "TYPE", value_parser = one_of::<SourceType>(&SourceType::NAMES))]
        source_type: Option<SourceType>,
        /// Replace the include globs (repeatable)
        #[arg(long, value_name = "GLOB", value_parser = check_glob, conflicts_with = "clear_include")]
        include: Vec<String>,
        /// Replace the exclude globs (repeatable)
        #[arg(long, value_name = "GLOB", value_parser = check_glob, conflicts_with = "clear_exclude")]
        exclude: Vec<String>,
        /// Remove every include glob (back up everything)
        #[arg(long)]
        clear_include: bool,
        /// Remove every exclude glob
        #[arg(long)]
        clear_exclude: bool,
        /// Enable the source
        #[arg(long, conflicts_with = "disable")]
        enable: bool,
        /// Disable the source: jobs using it do not run
        #[arg(long)]
        disable: bool,
    },
    /// Remove a source no job uses
    #[command(after_help = "Example:\n  tapebackarr source remove old-share")]
    Remove {
        /// Source name
        name: String,
    },
}

pub fn exec(ctx: &Ctx, cmd: Command) -> Result<Exit> {
    let mut catalog = ctx.catalog()?;
    match cmd {
        Command::Add { name, path, source_type, include, exclude, disabled } => {
            let path = check_path(source_type, &path)?;
            let tx = catalog.write()?;
            let new = Source {
                id: 0,
                name: name.clone(),
                source_type,
                path,
                include_patterns: include,
                exclude_patterns: exclude,
                enabled: !disabled,
                created_at: None,
                updated_at: None,
            };
            let id = sources::insert(&tx, &new)?;
            let doc = serde_json::to_value(sources::get(&tx, &name)?)?;
            audit::record(&tx, "source.add", "source", Some(id), json!({"source": &doc}))?;
            tx.commit()?;
            ctx.out
                .done(&json!({"source": doc}), || format!("Added source '{name}' (id {id}): {}", to_human(&new.path)));
        }
        Command::List => {
            let list = sources::list(catalog.conn())?;
            let rows = list
                .iter()
                .map(|s| {
                    vec![
                        s.name.clone(),
                        s.source_type.as_str().into(),
                        to_human(&s.path),
                        if s.enabled { "yes" } else { "no" }.into(),
                        s.include_patterns.len().to_string(),
                        s.exclude_patterns.len().to_string(),
                    ]
                })
                .collect::<Vec<_>>();
            ctx.out.data(&json!({"sources": list}), || {
                if rows.is_empty() {
                    "No sources. Add one with: tapebackarr source add NAME PATH".into()
                } else {
                    table(&["name", "type", "path", "enabled", "includes", "excludes"], rows)
                }
            });
        }
        Command::Show { name } => {
            let conn = catalog.conn();
            let s = sources::get(conn, &name)?;
            let jobs = sources::job_names(conn, s.id)?;
            let mut doc = serde_json::to_value(&s)?;
            doc["jobs"] = json!(jobs);
            let list = |v: &[String]| {
                if v.is_empty() { "-".to_string() } else { v.join("  ") }
            };
            ctx.out.data(&json!({"source": doc}), || {
                fields(&[
                    ("name", s.name.clone()),
                    ("id", s.id.to_string()),
                    ("type", s.source_type.as_str().into()),
                    ("path", to_human(&s.path)),
                    ("enabled", if s.enabled { "yes" } else { "no" }.into()),
                    ("include", list(&s.include_patterns)),
                    ("exclude", list(&s.exclude_patterns)),
                    ("jobs", list(&jobs)),
                    ("created", when(&s.created_at)),
                    ("updated", when(&s.updated_at)),
                ])
            });
        }
        Command::Update {
            name,
            rename,
            path,
            source_type,
            include,
            exclude,
            clear_include,
            clear_exclude,
            enable,
            disable,
        } => {
            let tx = catalog.write()?;
            let mut s = sources::get(&tx, &name)?;
            let before = serde_json::to_value(&s)?;
            if let Some(new_name) = rename.filter(|n| *n != s.name) {
                if sources::find(&tx, &new_name)?.is_some() {
                    return Err(Failure::already_exists("source", &new_name).into());
                }
                s.name = new_name;
            }
            s.source_type = source_type.unwrap_or(s.source_type);
            if path.is_some() || source_type.is_some() {
                s.path = check_path(s.source_type, path.as_deref().unwrap_or(&s.path))?;
            }
            if clear_include || !include.is_empty() {
                s.include_patterns = include;
            }
            if clear_exclude || !exclude.is_empty() {
                s.exclude_patterns = exclude;
            }
            s.enabled = (s.enabled || enable) && !disable;
            let diff = changes(&before, &serde_json::to_value(&s)?);
            if diff.as_object().is_some_and(|d| !d.is_empty()) {
                sources::save(&tx, &s)?;
                audit::record(&tx, "source.update", "source", Some(s.id), json!({"name": name, "changes": &diff}))?;
            }
            let after = serde_json::to_value(sources::get(&tx, &s.name)?)?;
            tx.commit()?;
            ctx.out.done(&json!({"source": after, "changes": diff}), || describe_update("source", &name, &diff));
        }
        Command::Remove { name } => {
            let tx = catalog.write()?;
            let s = sources::get(&tx, &name)?;
            let jobs = sources::job_names(&tx, s.id)?;
            if !jobs.is_empty() {
                return Err(Failure::in_use(format!(
                    "source '{name}' is used by job(s) {}: delete them or point them at another source first",
                    jobs.join(", ")
                ))
                .into());
            }
            let snapshots = sources::snapshot_count(&tx, s.id)?;
            if snapshots > 0 {
                return Err(Failure::in_use(format!(
                    "source '{name}' has {snapshots} incremental snapshot(s) from past backups; disable it instead (source update {name} --disable)"
                ))
                .into());
            }
            sources::delete(&tx, s.id)?;
            let doc = serde_json::to_value(&s)?;
            audit::record(&tx, "source.remove", "source", Some(s.id), json!({"source": &doc}))?;
            tx.commit()?;
            ctx.out.done(&json!({"deleted": doc}), || format!("Removed source '{name}'"));
        }
    }
    Ok(Exit::Ok)
}

/// Checks a source path for its type and returns the form to store: a local path made
/// absolute (so a cron job run from any directory finds it), a share spec as given.
fn check_path(kind: SourceType, path: &Path) -> Result<PathBuf> {
    let shown = to_human(path);
    match kind {
        SourceType::Local => {
            let abs = std::fs::canonicalize(path).map_err(|e| {
                let why = if e.kind() == ErrorKind::NotFound { "does not exist".to_string() } else { e.to_string() };
                Failure::new(Kind::BadPath, format!("source path '{shown}' {why}"))
            })?;
            if !abs.is_dir() {
                return Err(Failure::new(Kind::BadPath, format!("source path '{shown}' is not a directory")).into());
            }
            Ok(abs)
        }
        SourceType::Smb => {
            let b = path.as_os_str().as_bytes();
            let mut parts = b.strip_prefix(b"//").unwrap_or(b"").split(|c| *c == b'/');
            let (host, share) = (parts.next().unwrap_or(b""), parts.next().unwrap_or(b""));
            if host.is_empty() || share.is_empty() {
                return Err(
                    Failure::usage(format!("'{shown}' is not an SMB share: write it as //server/share[/dir]")).into()
                );
            }
            Ok(path.to_path_buf())
        }
        SourceType::Nfs => {
            let b = path.as_os_str().as_bytes();
            match b.iter().position(|c| *c == b':') {
                Some(i) if i > 0 && b[i + 1..].starts_with(b"/") => Ok(path.to_path_buf()),
                _ => {
                    Err(Failure::usage(format!("'{shown}' is not an NFS export: write it as server:/export[/dir]"))
                        .into())
                }
            }
        }
    }
}
