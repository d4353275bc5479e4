//! Running one command the way every command of [`super::ssc`] and [`super::smc`] runs:
//! unit attentions absorbed, NOT READY and BUSY waited out with bounded exponential back-off.
//! What differs between a drive and a changer is passed in ([`Retries`], the unit attention
//! hook) or left to the caller (the messages and error types made of a [`RunError`]).

use std::time::{Duration, Instant};

use super::sense::{Sense, key};
use super::{DataDir, Transport, status};
use crate::tape::TapeError;

/// How hard to try when the device is busy, becoming ready, or reports unit attentions.
#[derive(Debug, Clone)]
pub struct RetryPolicy {
    /// Unit attentions absorbed per command.
    pub unit_attentions: u32,
    /// How long a drive may stay "becoming ready" or BUSY before we give up.
    pub ready_timeout: Duration,
    pub first_backoff: Duration,
    pub max_backoff: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            unit_attentions: 8,
            ready_timeout: Duration::from_secs(180),
            first_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_secs(5),
        }
    }
}

/// Whether the device implements an optional command or field, once we know.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Support {
    Unknown,
    Yes,
    No,
}

/// A command's result: `sense` is `None` for GOOD.
pub(crate) struct Reply {
    pub sense: Option<Sense>,
    pub transferred: Option<usize>,
}

/// Sense that reports success all the same.
pub(crate) fn benign(s: &Sense) -> bool {
    s.key == key::RECOVERED_ERROR || (s.key == key::NO_SENSE && !s.filemark && !s.eom && !s.ili)
}

/// What differs between devices in how a command is repeated.
pub(crate) struct Retries<'a> {
    pub policy: &'a RetryPolicy,
    /// `TAPEBACKARR_SCSI_TRACE=1`: every command, its status and sense on stderr.
    pub trace: bool,
    /// CHECK CONDITION sense to wait out like BUSY; any other sense is returned in the reply.
    pub wait_for: fn(&Sense) -> bool,
}

/// What to do with a command that got a UNIT ATTENTION (it did not run).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AttentionAction {
    Repeat,
    /// Do not send it again: [`RunError::NotRepeated`].
    Stop,
}

/// What kept the device from answering, the last time it was asked.
pub(crate) enum Waiting {
    Sense(Sense),
    /// BUSY or TASK SET FULL.
    Busy(u8),
}

impl Waiting {
    /// "NAME: sense" or "NAME: DEVICE busy (status 0xNN)".
    pub fn describe(&self, name: &str, device: &str) -> String {
        match self {
            Waiting::Sense(s) => format!("{name}: {}", s.describe()),
            Waiting::Busy(st) => format!("{name}: {device} busy (status 0x{st:02x})"),
        }
    }
}

/// Why [`run_with_retries`] gave up; the caller makes its error of it.
pub(crate) enum RunError {
    /// The transport failed, or the device answered in a way no retry helps (CHECK CONDITION
    /// without usable sense, an unexpected status).
    Failed(TapeError),
    /// The unit attention hook said [`AttentionAction::Stop`] for this sense.
    NotRepeated(Sense),
    /// More unit attentions in a row than the policy absorbs: the last one, and how many.
    Attentions(Sense, u32),
    /// Still NOT READY or BUSY after `ready_timeout`.
    StillNotReady(Waiting),
    ReservationConflict,
}

/// Runs `cdb` (called `name` in messages) until it gets an answer: GOOD, CONDITION MET, or a
/// CHECK CONDITION whose sense is neither a unit attention nor one to wait for.
/// `on_unit_attention` sees every unit attention before it is counted.
pub(crate) fn run_with_retries(
    t: &mut dyn Transport,
    cdb: &[u8],
    name: &str,
    mut data: DataDir<'_, '_>,
    timeout: Duration,
    how: &Retries<'_>,
    on_unit_attention: &mut dyn FnMut(&Sense) -> AttentionAction,
) -> Result<Reply, RunError> {
    let policy = how.policy;
    let start = Instant::now();
    let mut backoff = policy.first_backoff;
    let mut attentions = 0;
    loop {
        let done = t.execute(cdb, data.reborrow(), timeout).map_err(RunError::Failed)?;
        if how.trace {
            eprintln!(
                "scsi: {name} [{}] -> status 0x{:02x}{}{}",
                cdb.iter().map(|b| format!("{b:02x}")).collect::<Vec<_>>().join(" "),
                done.status,
                done.transferred.map(|n| format!(", {n} bytes")).unwrap_or_default(),
                Sense::parse(&done.sense).map(|s| format!(", {}", s.describe())).unwrap_or_default()
            );
        }
        let waiting = match done.status {
            status::GOOD | status::CONDITION_MET => {
                return Ok(Reply { sense: None, transferred: done.transferred });
            }
            status::CHECK_CONDITION => {
                let Some(s) = Sense::parse(&done.sense) else {
                    return Err(RunError::Failed(TapeError::Other(format!(
                        "{name}: CHECK CONDITION without usable sense data ({} bytes)",
                        done.sense.len()
                    ))));
                };
                if s.key == key::UNIT_ATTENTION {
                    if on_unit_attention(&s) == AttentionAction::Stop {
                        return Err(RunError::NotRepeated(s));
                    }
                    attentions += 1;
                    if attentions > policy.unit_attentions {
                        return Err(RunError::Attentions(s, attentions));
                    }
                    continue;
                }
                if !(how.wait_for)(&s) {
                    return Ok(Reply { sense: Some(s), transferred: done.transferred });
                }
                Waiting::Sense(s)
            }
            status::BUSY | status::TASK_SET_FULL => Waiting::Busy(done.status),
            status::RESERVATION_CONFLICT => return Err(RunError::ReservationConflict),
            other => return Err(RunError::Failed(TapeError::Other(format!("{name}: SCSI status 0x{other:02x}")))),
        };
        let elapsed = start.elapsed();
        if elapsed >= policy.ready_timeout {
            return Err(RunError::StillNotReady(waiting));
        }
        // Never sleep past the deadline.
        std::thread::sleep(backoff.min(policy.ready_timeout - elapsed));
        backoff = (backoff * 2).min(policy.max_backoff);
    }
}
