//! TapeBackarr: tape-first backups for LTO drives and tape libraries.
//!
//! Layers, lowest first; a layer never imports one above it:
//! `tape` (devices) → `format` (on-tape layout) → `pipeline` (what to read and how to
//! encode it); `catalog` (SQLite, every SQL statement, knows no device) stands beside them;
//! `engine` (backup, restore, verify and rebuild as library calls reporting to a `Report`
//! and asking an `Operator`; the tapes of a set read as one stream, drive health, a library's
//! automatic loads) joins them; `cmd` (one module per command group, parsing and rendering)
//! sits on top, with `values` (the command line's value parsers) below it and `cli`; `cli`
//! parses the command line and turns outcomes into output and exit codes.

pub mod catalog;
pub mod cli;
pub mod cmd;
pub mod engine;
pub mod error;
pub mod format;
pub mod home;
pub mod output;
pub mod pathjson;
pub mod pipeline;
pub mod schedule;
pub mod tape;
pub mod timefmt;
pub mod values;
