//! `tape dump`: the raw bytes of one tape file, like `mt fsf N; dd`.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::Args as ClapArgs;
use serde_json::json;

use crate::catalog::Catalog;
use crate::catalog::drives::Drive;
use crate::cmd::{Ctx, OpenDrive, device_error};
use crate::error::{Exit, Failure, Kind};
use crate::tape::{ReadOutcome, Space, TapeError};

#[derive(Debug, ClapArgs)]
pub struct Args {
    /// Tape file number (0 = label)
    #[arg(long, value_name = "N")]
    pub file: u64,
    /// Write here instead of stdout
    #[arg(long, short, value_name = "PATH")]
    pub output: Option<PathBuf>,
}

pub(super) fn exec(ctx: &Ctx, catalog: &mut Catalog, args: Args) -> Result<Exit> {
    let Args { file, output } = args;
    if output.is_none() && ctx.out.json {
        return Err(Failure::usage("--json needs --output: stdout cannot carry both tape bytes and JSON").into());
    }
    if output.is_none() && std::io::stdout().is_terminal() {
        return Err(
            Failure::usage("refusing to write raw tape bytes to a terminal: redirect stdout or pass --output").into()
        );
    }
    let drive = ctx.pick_drive(catalog.conn())?;
    let mut open = ctx.open_drive(&drive, "tape dump")?;
    position_at_file(&mut open, &drive, file)?;
    // Created only now, so a missing tape file leaves no empty output behind.
    let mut sink: Box<dyn Write> = match &output {
        Some(p) => Box::new(std::fs::File::create(p).with_context(|| format!("cannot create {}", p.display()))?),
        None => Box::new(std::io::stdout().lock()),
    };
    let (blocks, total) = copy_file(ctx, &mut open, &drive, file, &mut sink)?;
    sink.flush()?;
    let doc = json!({"drive": drive.name, "file": file, "blocks": blocks, "bytes": total,
        "output": output.as_deref().map(crate::pathjson::to_json)});
    if output.is_some() {
        ctx.out.done(&doc, || format!("Dumped tape file {file}: {blocks} block(s), {total} bytes"));
    } else {
        ctx.out.note(|| format!("Dumped tape file {file}: {blocks} block(s), {total} bytes"));
    }
    Ok(Exit::Ok)
}

/// Positions the tape at the start of tape file `file`, proving that it holds at least one
/// block (a tape file is never empty).
fn position_at_file(open: &mut OpenDrive, drive: &Drive, file: u64) -> Result<()> {
    let dev = open.dev.as_mut();
    let missing = || -> anyhow::Error { Failure::new(Kind::NotFound, format!("the tape has no file {file}")).into() };
    dev.rewind().map_err(|e| device_error(e, drive))?;
    if file > 0 {
        match dev.space(Space::Filemarks(file as i64)) {
            Ok(()) => {}
            Err(TapeError::EndOfData) => return Err(missing()),
            Err(e) => return Err(device_error(e, drive)),
        }
    }
    let here = dev.position().map_err(|e| device_error(e, drive))?;
    let mut probe = vec![0u8; 4 << 20];
    match dev.read_block(&mut probe).map_err(|e| device_error(e, drive))? {
        ReadOutcome::EndOfData => Err(missing()),
        _ => dev.locate(here.block).map_err(|e| device_error(e, drive)),
    }
}

/// Copies the tape file the tape is positioned at to `sink`, block by block; returns blocks
/// and bytes.
fn copy_file(ctx: &Ctx, open: &mut OpenDrive, drive: &Drive, file: u64, sink: &mut dyn Write) -> Result<(u64, u64)> {
    let dev = open.dev.as_mut();
    let bar = ctx.progress_bytes(&format!("tape file {file}"));
    // Twice the largest block we write, so every block fits (and tgt reads it whole).
    let mut buf = vec![0u8; 4 << 20];
    let (mut blocks, mut total) = (0u64, 0u64);
    loop {
        match dev.read_block(&mut buf).map_err(|e| device_error(e, drive))? {
            ReadOutcome::Block(n) => {
                sink.write_all(&buf[..n])
                    .or_else(|e| if e.kind() == std::io::ErrorKind::BrokenPipe { Ok(()) } else { Err(e) })?;
                blocks += 1;
                total += n as u64;
                bar.set_position(total);
            }
            ReadOutcome::Filemark => break,
            ReadOutcome::EndOfData => break,
        }
    }
    bar.finish_and_clear();
    Ok((blocks, total))
}
