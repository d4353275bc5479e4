//! What a drive says about its own health: the TapeAlert flags it raised, its error and
//! usage counters, and whether it needs cleaning ([`DriveHealth`], read with
//! [`super::TapeDevice::health`]).
//!
//! This exists so that every backend reports health in one shape, whatever it is made of
//! (SCSI log pages, a virtual drive's own counters), and so that callers decide what an alert
//! means for writing from one table ([`flag_info`]) instead of from raw flag numbers.
//!
//! TapeAlert flags are numbered 1 to 64. Their names, severities and recommended actions come
//! from the TapeAlert specification (HP, v3, submitted to T10 as 02-142r0) and SSC-3/SSC-4
//! annex A. Reading them from log page 2Eh clears them on a real drive, so a reading is the
//! only report of those flags: whoever reads must keep what it got.
//!
//! This layer knows nothing of catalogs: [`Concern`] says what an alert is about, and the
//! caller decides what to do about it.

use serde::Serialize;

/// How bad an alert is, as the TapeAlert specification grades it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Something to know; nothing is wrong.
    Info,
    /// Act soon: performance or capacity suffers, data is not at risk yet.
    Warning,
    /// Act now: data is at risk or the operation failed.
    Critical,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Critical => "critical",
        }
    }
}

/// What an alert is about: the thing that needs attention.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Concern {
    /// The cartridge in the drive (worn, damaged, unreadable system area…).
    Medium,
    /// The drive itself: hardware, firmware, interface, environment.
    Drive,
    /// The drive needs cleaning, or the cleaning cartridge it was given is bad.
    Cleaning,
    /// A read or write failed, and the specification blames the cartridge or the drive: only
    /// trying another cartridge tells which.
    MediumOrDrive,
    /// The autoloader mechanism built around the drive.
    Changer,
    /// Something done to the drive (a write-protected cartridge, a forced eject…): nothing
    /// to repair.
    Operation,
}

/// One TapeAlert flag as the specification defines it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FlagInfo {
    pub flag: u8,
    pub name: &'static str,
    pub severity: Severity,
    pub concern: Concern,
}

/// A raised TapeAlert flag.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TapeAlert {
    /// 1 to 64.
    pub flag: u8,
    pub name: &'static str,
    pub severity: Severity,
    pub concern: Concern,
}

impl TapeAlert {
    /// The alert for flag `flag` (1-64), described from the specification's table.
    pub fn new(flag: u8) -> TapeAlert {
        let i = flag_info(flag);
        TapeAlert { flag, name: i.name, severity: i.severity, concern: i.concern }
    }
}

/// Counters a drive keeps. Each is `None` where the drive does not report it. What the SCSI
/// pages count since (power-on, load, manufacture) is up to the drive; see each field.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Counters {
    /// Bytes the host sent with WRITE commands (SCSI: log page 0Ch parameter 0, else page 02h
    /// parameter 5, total bytes processed).
    pub bytes_written: Option<u64>,
    /// Bytes sent to the host by READ commands (page 0Ch parameter 3, else page 03h
    /// parameter 5).
    pub bytes_read: Option<u64>,
    /// Write errors the drive could not correct (page 02h parameter 6).
    pub write_errors: Option<u64>,
    /// Read errors the drive could not correct (page 03h parameter 6).
    pub read_errors: Option<u64>,
    /// Errors the drive corrected while writing (page 02h parameter 3).
    pub corrected_write_errors: Option<u64>,
    /// Errors the drive corrected while reading (page 03h parameter 3).
    pub corrected_read_errors: Option<u64>,
    /// Cartridges loaded over the drive's life (page 14h parameter 0).
    pub loads: Option<u64>,
    /// Cleanings over the drive's life (page 14h parameter 1).
    pub cleanings: Option<u64>,
    /// Power-on hours over the drive's life (page 14h parameter 2).
    pub power_on_hours: Option<u64>,
    /// Hours the tape moved over the drive's life (page 14h parameter 3).
    pub tape_motion_hours: Option<u64>,
}

/// What the loaded cartridge says about its own life (SCSI: volume statistics, log page 17h,
/// kept in the cartridge's memory across drives).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct VolumeStatistics {
    /// Times the cartridge was threaded (parameter 1).
    pub mounts: Option<u64>,
    /// Write errors no retry recovered, over the cartridge's life (parameter 4).
    pub unrecovered_write_errors: Option<u64>,
    /// Read errors no retry recovered, over the cartridge's life (parameter 9).
    pub unrecovered_read_errors: Option<u64>,
    /// Megabytes written over the cartridge's life (parameter 10h).
    pub lifetime_megabytes_written: Option<u64>,
    /// Megabytes read over the cartridge's life (parameter 11h).
    pub lifetime_megabytes_read: Option<u64>,
}

/// One reading of a drive's health.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct DriveHealth {
    /// The TapeAlert flags raised, by flag number. Reading them cleared them (page 2Eh).
    pub alerts: Vec<TapeAlert>,
    pub counters: Counters,
    /// The drive says it needs cleaning (page 0Ch parameter 100h), or raised TapeAlert 20.
    pub cleaning_required: bool,
    /// The loaded cartridge's own statistics, where the drive reports them.
    pub volume: Option<VolumeStatistics>,
    /// Where the reading came from: the log pages read (`"2e"`, `"0c"`…) or `"virtual"`.
    pub sources: Vec<String>,
}

impl DriveHealth {
    /// The alerts of at least `severity`.
    pub fn at_least(&self, severity: Severity) -> impl Iterator<Item = &TapeAlert> {
        self.alerts.iter().filter(move |a| a.severity >= severity)
    }
}

/// Flag 20: the drive needs cleaning now.
pub const CLEAN_NOW: u8 = 20;
/// Flag 21: the drive is due for routine cleaning.
pub const CLEAN_PERIODIC: u8 = 21;

/// What the specification says of TapeAlert flag `flag`. Flags it leaves reserved (and any
/// number outside 1-64) are informational, about the drive.
pub fn flag_info(flag: u8) -> FlagInfo {
    use Concern::*;
    use Severity::*;
    let (name, severity, concern) = match flag {
        1 => ("Read warning", Warning, MediumOrDrive),
        2 => ("Write warning", Warning, MediumOrDrive),
        3 => ("Hard error", Warning, MediumOrDrive),
        4 => ("Media", Critical, Medium),
        5 => ("Read failure", Critical, MediumOrDrive),
        6 => ("Write failure", Critical, MediumOrDrive),
        7 => ("Media life", Warning, Medium),
        8 => ("Not data grade", Warning, Medium),
        9 => ("Write protect", Critical, Operation),
        10 => ("No removal", Info, Operation),
        11 => ("Cleaning media", Info, Cleaning),
        12 => ("Unsupported format", Info, Medium),
        13 => ("Recoverable mechanical cartridge failure", Critical, Medium),
        14 => ("Unrecoverable mechanical cartridge failure", Critical, Medium),
        15 => ("Memory chip in cartridge failure", Warning, Medium),
        16 => ("Forced eject", Critical, Operation),
        17 => ("Read only format", Warning, Medium),
        18 => ("Tape directory corrupted on load", Warning, Medium),
        19 => ("Nearing media life", Info, Medium),
        20 => ("Clean now", Critical, Cleaning),
        21 => ("Clean periodic", Warning, Cleaning),
        22 => ("Expired cleaning media", Critical, Cleaning),
        23 => ("Invalid cleaning tape", Critical, Cleaning),
        24 => ("Retension requested", Warning, Drive),
        25 => ("Dual-port interface error", Warning, Drive),
        26 => ("Cooling fan failure", Warning, Drive),
        27 => ("Power supply failure", Warning, Drive),
        28 => ("Power consumption", Warning, Drive),
        29 => ("Drive maintenance", Warning, Drive),
        30 => ("Hardware A", Critical, Drive),
        31 => ("Hardware B", Critical, Drive),
        32 => ("Interface", Warning, Drive),
        33 => ("Eject media", Critical, Drive),
        34 => ("Download fail", Warning, Drive),
        35 => ("Drive humidity", Warning, Drive),
        36 => ("Drive temperature", Warning, Drive),
        37 => ("Drive voltage", Warning, Drive),
        38 => ("Predictive failure", Critical, Drive),
        39 => ("Diagnostics required", Warning, Drive),
        // 40-46: autoloader flags of the TapeAlert specification (obsolete in SSC-3).
        40 => ("Loader hardware A", Critical, Changer),
        41 => ("Loader stray tape", Critical, Changer),
        42 => ("Loader hardware B", Warning, Changer),
        43 => ("Loader door", Critical, Changer),
        44 => ("Loader hardware C", Critical, Changer),
        45 => ("Loader magazine", Critical, Changer),
        46 => ("Loader predictive failure", Warning, Changer),
        47 => ("External data encryption control - communications failure", Warning, Drive),
        48 => ("External data encryption control - key manager returned an error", Warning, Drive),
        49 => ("Diminished native capacity", Info, Medium),
        50 => ("Lost statistics", Warning, Drive),
        51 => ("Tape directory invalid at unload", Warning, Medium),
        52 => ("Tape system area write failure", Critical, Medium),
        53 => ("Tape system area read failure", Critical, Medium),
        54 => ("No start of data", Critical, Medium),
        55 => ("Loading failure", Critical, MediumOrDrive),
        56 => ("Unrecoverable unload failure", Critical, MediumOrDrive),
        57 => ("Automation interface failure", Critical, Drive),
        58 => ("Firmware failure", Warning, Drive),
        59 => ("WORM medium - integrity check failed", Warning, Medium),
        60 => ("WORM medium - overwrite attempted", Warning, Operation),
        61 => ("Encryption policy violation", Warning, Operation),
        _ => ("Reserved", Info, Drive),
    };
    FlagInfo { flag, name, severity, concern }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_specification_table() {
        for (flag, severity) in [(3, Severity::Warning), (4, Severity::Critical), (5, Severity::Critical)] {
            assert_eq!(flag_info(flag).severity, severity, "flag {flag}");
        }
        assert_eq!(flag_info(6).severity, Severity::Critical);
        let clean = TapeAlert::new(CLEAN_NOW);
        assert_eq!((clean.name, clean.severity, clean.concern), ("Clean now", Severity::Critical, Concern::Cleaning));
        assert_eq!(flag_info(CLEAN_PERIODIC).severity, Severity::Warning);
        assert_eq!(flag_info(4).concern, Concern::Medium);
        assert_eq!(flag_info(30).concern, Concern::Drive);
        assert_eq!(flag_info(19).severity, Severity::Info);
        assert_eq!(flag_info(64).name, "Reserved");
        assert_eq!(flag_info(0).severity, Severity::Info);
        // Every flag has a name; the specification's critical flags are the ones it says.
        let critical: Vec<u8> = (1..=64).filter(|f| flag_info(*f).severity == Severity::Critical).collect();
        assert_eq!(
            critical,
            [4, 5, 6, 9, 13, 14, 16, 20, 22, 23, 30, 31, 33, 38, 40, 41, 43, 44, 45, 52, 53, 54, 55, 56, 57]
        );
    }

    #[test]
    fn serializes_plainly() {
        let h = DriveHealth { alerts: vec![TapeAlert::new(20)], cleaning_required: true, ..DriveHealth::default() };
        let v = serde_json::to_value(&h).unwrap();
        assert_eq!(v["alerts"][0]["severity"], "critical");
        assert_eq!(v["alerts"][0]["concern"], "cleaning");
        assert_eq!(v["counters"]["bytes_written"], serde_json::Value::Null);
        assert_eq!(h.at_least(Severity::Warning).count(), 1);
        assert_eq!(h.at_least(Severity::Critical).count(), 1);
    }
}
