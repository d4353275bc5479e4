//! The on-tape layout: what TapeBackarr writes, in versioned, self-describing blocks.
//! It knows devices only through the `TapeDevice` trait, and nothing of SQL or the CLI.
//! The byte layouts are specified in docs/FORMAT.md.

pub mod append;
pub mod catalog_file;
pub mod frame;
pub mod index;
pub mod label;
pub mod part;
pub mod scan;
