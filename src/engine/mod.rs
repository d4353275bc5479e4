//! The engine: backup, restore and verify as library calls, below the front doors (`cmd`,
//! and later `schedule run-due`, `serve`, `pve`). It joins the catalog with the pipeline and
//! the tapes; it never prints and never reads a terminal. Today it holds restore's entry
//! machinery; backup and verify follow (issue 15).

pub mod restore;

use crate::error::{Failure, Kind};
use crate::pipeline::part_reader::ReadError;

/// Whether `e` says a tape is needed that nobody can insert now (exit 4): a run that reads
/// in pieces stops there and goes on in the next.
pub fn needs_tape(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<Failure>().is_some_and(|f| f.kind == Kind::NoTape)
            || c.downcast_ref::<ReadError>()
                .is_some_and(|r| matches!(r, ReadError::TapeChange(inner) if needs_tape(inner)))
    })
}

/// Whether a read of a set's stream failed because its next tape is needed and nobody can
/// insert it.
pub fn waits_for_tape(e: &std::io::Error) -> bool {
    e.get_ref()
        .and_then(|i| i.downcast_ref::<ReadError>())
        .is_some_and(|r| matches!(r, ReadError::TapeChange(inner) if needs_tape(inner)))
}
