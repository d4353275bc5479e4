//! The data pipeline: which files a source selects and how the stream is encoded.
//! It knows nothing of the CLI or the catalog.

pub mod archive;
pub mod compression;
pub mod extract;
pub mod keywrap;
pub mod part_reader;
pub mod part_writer;
pub mod resumable_hash;
pub mod select;
pub mod snapshot;
pub mod tar;
pub mod untar;
pub mod walk;
