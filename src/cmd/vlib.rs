//! `tapebackarr vlib …`: the built-in virtual tape library, for demos and tests without
//! hardware: create one with barcoded cartridges, put new cartridges in its mail slot, and
//! see what is where. Its drives are `vtape:DIR/drives/N`.

use std::path::PathBuf;

use anyhow::Result;
use clap::Subcommand;
use serde_json::json;

use super::Ctx;
use crate::error::{Exit, Failure, Kind};
use crate::output::{or_dash, table};
use crate::tape::vlib::{Element, VirtualLibrary};
use crate::tape::vtape::DEFAULT_CAPACITY;
use crate::values::parse_name;
use crate::values::parse_size;

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create a virtual library with slots, drives and barcoded blank cartridges
    #[command(after_help = "Examples:
  tapebackarr vlib create /tmp/vtl --slots 8 --drives 2 --tapes 6 --capacity 2G
  tapebackarr drive add vd0 --device vtape:/tmp/vtl/drives/0")]
    Create {
        /// Directory for the library (created)
        #[arg(value_hint = clap::ValueHint::DirPath)]
        dir: PathBuf,
        /// Storage slots
        #[arg(long, default_value_t = 8, value_parser = clap::value_parser!(u16).range(1..=1000))]
        slots: u16,
        /// Drives
        #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u16).range(1..=16))]
        drives: u16,
        /// Import/export (mail) slots
        #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u16).range(0..=16))]
        import_export: u16,
        /// Blank cartridges to put in the first slots
        #[arg(long, default_value_t = 4)]
        tapes: u16,
        /// Barcode prefix; barcodes are PREFIX0001L8, PREFIX0002L8, …
        #[arg(long, default_value = "VT", value_parser = parse_name)]
        prefix: String,
        /// Capacity of each cartridge, e.g. 500M, 20G (powers of 1024)
        #[arg(long, value_name = "SIZE", value_parser = parse_size)]
        capacity: Option<u64>,
    },
    /// Put new blank cartridges into the import/export slots
    #[command(after_help = "Example:\n  tapebackarr vlib add-tape /tmp/vtl NEW001L8 NEW002L8")]
    AddTape {
        /// The library's directory
        dir: PathBuf,
        /// Barcodes of the new cartridges
        #[arg(required = true, value_parser = parse_name)]
        barcodes: Vec<String>,
        /// Capacity of each cartridge
        #[arg(long, value_name = "SIZE", value_parser = parse_size)]
        capacity: Option<u64>,
    },
    /// Act as the operator: take a cartridge out of an import/export slot onto the shelf
    #[command(after_help = "The cartridge keeps its data (in DIR/cartridges) and is in no element until
`vlib put-in` puts it back in a mail slot.

Example:\n  tapebackarr vlib take-out /tmp/vtl VT0001L8")]
    TakeOut {
        /// The library's directory
        dir: PathBuf,
        /// Barcode of the cartridge in a mail slot
        barcode: String,
    },
    /// Act as the operator: put a shelf cartridge into the first empty import/export slot
    #[command(after_help = "Example:\n  tapebackarr vlib put-in /tmp/vtl VT0001L8")]
    PutIn {
        /// The library's directory
        dir: PathBuf,
        /// Barcode of a cartridge of this library that is in no element
        barcode: String,
    },
    /// Show what is in each slot and drive
    #[command(after_help = "Example:\n  tapebackarr vlib status /tmp/vtl --json")]
    Status {
        /// The library's directory
        dir: PathBuf,
    },
}

fn lib_error(e: impl std::fmt::Display) -> anyhow::Error {
    Failure::new(Kind::Device, e.to_string()).into()
}

pub fn exec(ctx: &Ctx, cmd: Command) -> Result<Exit> {
    match cmd {
        Command::Create { dir, slots, drives, import_export, tapes, prefix, capacity } => {
            if tapes > slots {
                return Err(Failure::usage(format!("{tapes} tapes do not fit in {slots} slots")).into());
            }
            let barcodes: Vec<String> = (1..=tapes).map(|i| format!("{prefix}{i:04}L8")).collect();
            let capacity = capacity.unwrap_or(DEFAULT_CAPACITY);
            if dir.join("library.json").exists() {
                let msg = format!("{} already holds a virtual library", dir.display());
                return Err(Failure::new(Kind::AlreadyExists, msg).into());
            }
            let lib =
                VirtualLibrary::create(&dir, slots.into(), import_export.into(), drives.into(), &barcodes, capacity)
                    .map_err(lib_error)?;
            let devices: Vec<String> =
                (0..drives as usize).map(|n| format!("vtape:{}", lib.drive_dir(n).display())).collect();
            let doc = json!({"library": crate::pathjson::to_json(lib.dir()), "slots": slots, "drives": devices,
                "import_export": import_export, "cartridges": barcodes, "capacity_bytes": capacity});
            ctx.out.done(&doc, || {
                format!(
                    "Created virtual library {} with {slots} slots, {tapes} cartridges and {drives} drive(s):\n{}",
                    lib.dir().display(),
                    devices.iter().map(|d| format!("  {d}")).collect::<Vec<_>>().join("\n")
                )
            });
        }
        Command::AddTape { dir, barcodes, capacity } => {
            let mut lib = VirtualLibrary::open(&dir).map_err(|e| Failure::new(Kind::NotFound, e.to_string()))?;
            // All or nothing: check every barcode and the free mail slots before adding one.
            let free = lib.state.import_export.iter().filter(|s| s.is_none()).count();
            if barcodes.len() > free {
                let msg = format!("{} cartridge(s) but {free} free import/export slot(s)", barcodes.len());
                return Err(Failure::new(Kind::InvalidState, msg).into());
            }
            for (i, b) in barcodes.iter().enumerate() {
                let taken = barcodes[..i].contains(b) || lib.dir().join("cartridges").join(b).exists();
                if taken || lib.find(b).map_err(lib_error)?.is_some() {
                    return Err(Failure::already_exists("cartridge", b).into());
                }
            }
            let mut placed = Vec::new();
            for b in &barcodes {
                let at = lib.add_cartridge(b, capacity.unwrap_or(DEFAULT_CAPACITY)).map_err(lib_error)?;
                placed.push(json!({"barcode": b, "element": at}));
            }
            ctx.out.done(&json!({"added": placed}), || {
                format!("Put {} in the import/export slot(s)", barcodes.join(", "))
            });
        }
        Command::TakeOut { dir, barcode } => {
            let _lock = lock_library(&dir, "vlib take-out", ctx)?;
            let mut lib = VirtualLibrary::open(&dir).map_err(|e| Failure::new(Kind::NotFound, e.to_string()))?;
            let from = lib.take_out(&barcode).map_err(|e| Failure::new(Kind::InvalidState, e.to_string()))?;
            ctx.out.done(&json!({"barcode": barcode, "from": from}), || format!("Took {barcode} out of {from}"));
        }
        Command::PutIn { dir, barcode } => {
            let _lock = lock_library(&dir, "vlib put-in", ctx)?;
            let mut lib = VirtualLibrary::open(&dir).map_err(|e| Failure::new(Kind::NotFound, e.to_string()))?;
            let to = lib.put_in(&barcode).map_err(|e| Failure::new(Kind::InvalidState, e.to_string()))?;
            ctx.out.done(&json!({"barcode": barcode, "to": to}), || format!("Put {barcode} in {to}"));
        }
        Command::Status { dir } => {
            let lib = VirtualLibrary::open(&dir).map_err(|e| Failure::new(Kind::NotFound, e.to_string()))?;
            let mut elements = Vec::new();
            for n in 0..lib.state.drives {
                elements.push((Element::Drive(n), lib.contents(Element::Drive(n)).map_err(lib_error)?));
            }
            for (i, s) in lib.state.slots.iter().enumerate() {
                elements.push((Element::Slot(i + 1), s.clone()));
            }
            for (i, s) in lib.state.import_export.iter().enumerate() {
                elements.push((Element::ImportExport(i + 1), s.clone()));
            }
            let docs: Vec<_> = elements.iter().map(|(e, b)| json!({"element": e, "barcode": b})).collect();
            ctx.out.data(&json!({"library": crate::pathjson::to_json(lib.dir()), "elements": docs}), || {
                table(
                    &["element", "barcode"],
                    elements.iter().map(|(e, b)| vec![e.to_string(), or_dash(b.as_deref())]).collect(),
                )
            });
        }
    }
    Ok(Exit::Ok)
}

/// The changer's lock (`DIR/changer.lock`), as library commands take it: an operator's hand
/// and the robot never move a cartridge at once.
fn lock_library(dir: &std::path::Path, command: &str, ctx: &Ctx) -> Result<crate::tape::lock::DriveLock> {
    crate::tape::lock::lock_file(dir.join("changer.lock"), command, ctx.global.wait).map_err(|e| {
        let kind = if matches!(e, crate::tape::lock::LockError::Busy { .. }) { Kind::DriveBusy } else { Kind::Device };
        Failure::new(kind, format!("virtual library {}: {e}", dir.display())).into()
    })
}
