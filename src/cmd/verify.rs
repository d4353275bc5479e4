//! `tapebackarr verify SET`: reads a set back and checks it against the catalog
//! ([`crate::engine::verify`] does it); here the arguments, the report and the exit code
//! (0 passed, 5 something differs; a tape nobody can insert fails with exit 4).

use anyhow::Result;
use clap::Args;

use super::Ctx;
use crate::engine::verify::{VerifyOutcome, VerifyRequest, verify};
use crate::error::Exit;

#[derive(Debug, Args)]
#[command(after_help = "Examples:
  tapebackarr verify 12
  tapebackarr verify 12 --quick --json

Exit codes: 0 the set reads back as recorded; 5 something differs (named); 4 its tape must be
inserted; 1 the verify could not run.")]
pub struct VerifyArgs {
    /// Set number (from backup list)
    set: i64,
    /// Check the label, the header block and the index only (seconds, not hours)
    #[arg(long)]
    quick: bool,
}

pub fn exec(ctx: &Ctx, args: VerifyArgs) -> Result<Exit> {
    let request = VerifyRequest { set: args.set, quick: args.quick, drive: ctx.named_drive() };
    let outcome = verify(&ctx.env(), &request, &|what| ctx.progress_bytes(what))?;
    ctx.out.data(&serde_json::to_value(&outcome)?, || text(&outcome));
    Ok(if outcome.passed { Exit::Ok } else { Exit::VerifyMismatch })
}

/// The outcome for a person: a line, and what differs below it.
fn text(outcome: &VerifyOutcome) -> String {
    let VerifyOutcome { set, mode, files, frames, ref tapes, tape_bytes_read, elapsed_secs, ref errors, .. } = *outcome;
    let on = if tapes.len() == 1 { format!("tape '{}'", tapes[0]) } else { format!("tapes {}", tapes.join(", ")) };
    let mut text = if outcome.passed {
        format!(
            "Set {set} verified ({mode}): {files} files, {frames} frames, {} read from {on} in {elapsed_secs:.1} s",
            crate::output::bytes(tape_bytes_read as i64),
        )
    } else {
        format!("Set {set} FAILED verification ({mode}) on {on}:")
    };
    for e in errors {
        text.push_str(&format!("\n  {e}"));
    }
    text
}
