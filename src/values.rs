//! Value parsers for the command line: names, sizes, days, compression specs, schedules.
//!
//! They sit below both `cli` (global flags) and `cmd` (each group's arguments), so neither
//! imports the other for them, and the same rule is checked the same way everywhere (help,
//! completions and errors list what is accepted).

use crate::pipeline::compression::Compression;
use crate::schedule::Schedule;

/// Value parser for a set of names mapped onto a type, so help, completions and errors all
/// list the accepted values.
pub fn one_of<T>(names: &'static [&'static str]) -> impl clap::builder::TypedValueParser<Value = T>
where
    T: std::str::FromStr + Clone + Send + Sync + 'static,
    T::Err: std::fmt::Debug,
{
    use clap::builder::TypedValueParser;
    clap::builder::PossibleValuesParser::new(names).map(|s| s.parse::<T>().expect("listed names parse"))
}

/// Names of pools, sources and jobs: a letter or digit, then letters, digits, `.`, `_`, `-`;
/// at most 64 characters. Safe to use unquoted in scripts and crontabs.
pub fn parse_name(s: &str) -> Result<String, String> {
    if is_word(s, |c| c.is_ascii_alphanumeric(), 64) {
        Ok(s.to_string())
    } else {
        Err(format!(
            "'{s}' is not a valid name: use 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit"
        ))
    }
}

/// Retention in days: a whole number, 0 or more (0 = keep forever).
pub fn parse_days(s: &str) -> Result<i64, String> {
    match s.parse::<i64>() {
        Ok(n) if n >= 0 => Ok(n),
        Ok(n) => Err(format!("retention must be 0 or more days, not {n}")),
        Err(_) => Err(format!("'{s}' is not a whole number of days")),
    }
}

/// `500M`, `20G`, `1T`, `1048576`: bytes, with binary suffixes K, M, G, T; at least 4M (a
/// size on tape: capacity, checkpoint).
pub fn parse_size(s: &str) -> Result<u64, String> {
    let bytes = parse_bytes(s)?;
    if bytes < (4 << 20) {
        return Err(format!("'{s}' is too small for a tape: at least 4M"));
    }
    Ok(bytes)
}

/// `123`, `500M`, `2T`: a number of bytes, with binary suffixes K, M, G, T.
pub fn parse_bytes(s: &str) -> Result<u64, String> {
    let bad = || format!("'{s}' is not a size: write a number with K, M, G or T, e.g. 500M or 2T");
    let (digits, shift) = match s.chars().last() {
        Some('K' | 'k') => (&s[..s.len() - 1], 10),
        Some('M' | 'm') => (&s[..s.len() - 1], 20),
        Some('G' | 'g') => (&s[..s.len() - 1], 30),
        Some('T' | 't') => (&s[..s.len() - 1], 40),
        _ => (s, 0),
    };
    let n: u64 = digits.parse().map_err(|_| bad())?;
    n.checked_shl(shift).filter(|b| b >> shift == n).ok_or_else(bad)
}

/// A tape's data block size: a power of two from 64 KiB to 1 MiB (`64K` … `1M`), so it
/// divides the frame size and every drive's variable-block limits we know take it.
pub fn parse_block_size(s: &str) -> Result<u32, String> {
    let bad = || format!("'{s}' is not a block size: use 64K, 128K, 256K, 512K or 1M");
    let (digits, shift) = match s.chars().last() {
        Some('K' | 'k') => (&s[..s.len() - 1], 10),
        Some('M' | 'm') => (&s[..s.len() - 1], 20),
        _ => (s, 0),
    };
    let n: u64 = digits.parse().map_err(|_| bad())?;
    let bytes = n.checked_shl(shift).filter(|b| b >> shift == n).ok_or_else(bad)?;
    if bytes.is_power_of_two() && (64 << 10..=1 << 20).contains(&bytes) { Ok(bytes as u32) } else { Err(bad()) }
}

/// A `--checkpoint` interval: a size as [`parse_size`], or 0 for none.
pub fn parse_checkpoint(s: &str) -> Result<u64, String> {
    if s == "0" { Ok(0) } else { parse_size(s) }
}

/// A compression spec: `none`, `zstd`, `zstd:LEVEL`.
pub fn parse_compression(s: &str) -> Result<Compression, String> {
    s.parse()
}

/// Checks a cron schedule and returns it normalised (single spaces).
pub fn parse_schedule(s: &str) -> Result<String, String> {
    s.parse::<Schedule>().map(|s| s.as_str().to_string())
}

/// An account name for a service to run as (`schedule systemd --user`): a letter or `_`,
/// then letters, digits, `.`, `_`, `-`; at most 32 characters. That is what useradd and
/// systemd's `User=` both accept, so a unit never names a user systemd would refuse.
pub fn parse_user(s: &str) -> Result<String, String> {
    if is_word(s, |c| c.is_ascii_alphabetic() || c == '_', 32) {
        Ok(s.to_string())
    } else {
        Err(format!(
            "'{s}' is not a user name: use 1-32 letters, digits, '.', '_' or '-', starting with a letter or '_'"
        ))
    }
}

/// 1 to `max` letters, digits, `.`, `_` and `-`, the first one also passing `first`.
fn is_word(s: &str, first: fn(char) -> bool, max: usize) -> bool {
    s.chars().next().is_some_and(first)
        && s.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
        && s.len() <= max
}
