//! TapeBackarr: tape-first backups for LTO drives and tape libraries.
//!
//! Layers, lowest first; a layer never imports one above it:
//! `pipeline` (what to read and how to encode it) and `catalog` (SQLite, knows no device)
//! stand side by side; `cmd` (one module per command group) joins them; `cli` parses the
//! command line and turns outcomes into output and exit codes.

pub mod catalog;
pub mod cli;
pub mod cmd;
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
