//! Errors that carry an exit code.
//!
//! Most failures are plain `anyhow` errors (exit 1). A [`Failure`] is raised where a script
//! must be able to tell the cause from the exit code or from the JSON `code` field.

use std::fmt;

/// The documented exit codes (docs/CLI.md, `tapebackarr --help`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    Ok = 0,
    /// The operation failed or was refused.
    Error = 1,
    /// The command line itself is wrong.
    Usage = 2,
    /// A set completed but some source files could not be read.
    Partial = 3,
    /// A tape must be inserted or changed and nobody is there to do it.
    OperatorNeeded = 4,
    /// Data read back does not match its checksum.
    VerifyMismatch = 5,
    /// Stopped by Ctrl-C / SIGINT.
    Interrupted = 130,
}

/// What went wrong, as a stable machine-readable code (`"code"` in JSON errors).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A malformed argument or a value outside what the option takes.
    Usage,
    /// No catalog at the home directory: run `init`.
    NoCatalog,
    /// The catalog was written by a newer tapebackarr.
    CatalogTooNew,
    /// The file at the catalog path is not a tapebackarr catalog.
    NotACatalog,
    /// A named pool, source, job, key… does not exist.
    NotFound,
    /// A name is already taken.
    AlreadyExists,
    /// The operation would break something that depends on the object.
    InUse,
    /// A path given on the command line is missing or of the wrong kind.
    BadPath,
    /// Another process holds the drive.
    DriveBusy,
    /// No tape in the drive, or not the one needed: someone must insert one.
    NoTape,
    /// The tape in the drive is not one this command may write to (it holds data, or a
    /// label the catalog does not expect).
    WrongTape,
    /// The drive or its transport failed.
    Device,
    /// The tape's status does not allow that (e.g. importing a tape that is not exported).
    InvalidState,
    /// A passphrase did not open a key.
    WrongPassphrase,
    /// Stopped by Ctrl-C or SIGTERM, cleanly (a backup can be resumed).
    Interrupted,
    /// The drive cannot do that at all (drive health from a drive without log pages).
    Unsupported,
    /// The drive raised a critical alert (TapeAlert) that keeps it from writing until it is
    /// cleaned or repaired and the alert resolved.
    DriveAlert,
}

impl Kind {
    pub fn code(self) -> &'static str {
        match self {
            Kind::Usage => "usage",
            Kind::NoCatalog => "no_catalog",
            Kind::CatalogTooNew => "catalog_too_new",
            Kind::NotACatalog => "not_a_catalog",
            Kind::NotFound => "not_found",
            Kind::AlreadyExists => "already_exists",
            Kind::InUse => "in_use",
            Kind::BadPath => "bad_path",
            Kind::DriveBusy => "drive_busy",
            Kind::NoTape => "no_tape",
            Kind::WrongTape => "wrong_tape",
            Kind::Device => "device_error",
            Kind::InvalidState => "invalid_state",
            Kind::WrongPassphrase => "wrong_passphrase",
            Kind::Interrupted => "interrupted",
            Kind::Unsupported => "not_supported",
            Kind::DriveAlert => "drive_alert",
        }
    }

    pub fn exit(self) -> Exit {
        match self {
            Kind::Usage => Exit::Usage,
            Kind::NoTape => Exit::OperatorNeeded,
            Kind::Interrupted => Exit::Interrupted,
            _ => Exit::Error,
        }
    }
}

/// An error whose cause scripts branch on.
#[derive(Debug)]
pub struct Failure {
    pub kind: Kind,
    pub message: String,
    /// Machine-readable particulars for `--json` (`"details"` in the error object), such as
    /// the tapes an operator is asked for.
    pub details: Option<serde_json::Value>,
}

impl Failure {
    pub fn new(kind: Kind, message: impl Into<String>) -> Self {
        Failure { kind, message: message.into(), details: None }
    }

    pub fn with_details(mut self, details: serde_json::Value) -> Self {
        self.details = Some(details);
        self
    }

    pub fn usage(message: impl Into<String>) -> Self {
        Failure::new(Kind::Usage, message)
    }

    /// "no pool named 'x'".
    pub fn not_found(what: &str, name: &str) -> Self {
        Failure::new(Kind::NotFound, format!("no {what} named '{name}'"))
    }

    /// "a pool named 'x' already exists".
    pub fn already_exists(what: &str, name: &str) -> Self {
        Failure::new(Kind::AlreadyExists, format!("a {what} named '{name}' already exists"))
    }

    pub fn in_use(message: impl Into<String>) -> Self {
        Failure::new(Kind::InUse, message)
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Failure {}

/// The code and exit status of any error: a [`Failure`] anywhere in the chain decides,
/// anything else is a generic error (exit 1).
pub fn classify(err: &anyhow::Error) -> (&'static str, Exit) {
    match err.chain().find_map(|e| e.downcast_ref::<Failure>()) {
        Some(f) => (f.kind.code(), f.kind.exit()),
        None => ("error", Exit::Error),
    }
}
