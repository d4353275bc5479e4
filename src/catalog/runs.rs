//! A backup run's life in the catalog: its set and execution moving between states
//! together, the point a stopped run resumes from, its spanning rows and tape requests.
//!
//! A set and its execution change state only here, through [`RunState`]: a change the state
//! machine does not allow (resuming a completed set, completing a failed one) is an error,
//! not a row quietly rewritten. Only the rows' statuses are this module's business; what a
//! run writes on tape and when it commits are the backup's.

use anyhow::{Result, bail};
use rusqlite::{Connection, OptionalExtension, params};

/// Where a backup run stands, as its set and its execution say together.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunState {
    /// Writing (or died writing, found out later): set and execution `running`.
    Running,
    /// Stopped cleanly and resumable (Ctrl-C, a full tape nobody could change, a failure
    /// after a checkpoint): set `pending`, execution `paused`.
    Paused,
    /// Set and execution `completed`.
    Completed,
    /// Set and execution `failed`.
    Failed,
}

impl RunState {
    /// The statuses of the set and of the execution in this state.
    pub fn statuses(self) -> (&'static str, &'static str) {
        match self {
            RunState::Running => ("running", "running"),
            RunState::Paused => ("pending", "paused"),
            RunState::Completed => ("completed", "completed"),
            RunState::Failed => ("failed", "failed"),
        }
    }

    /// The state a set's and an execution's statuses make, if they make one.
    pub fn of(set: &str, execution: &str) -> Option<RunState> {
        [RunState::Running, RunState::Paused, RunState::Completed, RunState::Failed]
            .into_iter()
            .find(|s| s.statuses() == (set, execution))
    }

    /// Whether a run may go from this state to `to`. A running run pauses, completes or
    /// fails; a paused one is resumed (running again) or given up (failed); a run that died
    /// running is resumed from its checkpoint as it is. Completed and failed are final.
    pub fn can_become(self, to: RunState) -> bool {
        use RunState::*;
        matches!((self, to), (Running, Running | Paused | Completed | Failed) | (Paused, Running | Failed))
    }
}

/// The state of the run of set `set_id` and execution `execution_id`.
pub fn state(conn: &Connection, set_id: i64, execution_id: i64) -> Result<RunState> {
    let (set, execution): (String, String) = conn.query_row(
        "SELECT b.status, e.status FROM backup_sets b, job_executions e WHERE b.id = ?1 AND e.id = ?2",
        params![set_id, execution_id],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    RunState::of(&set, &execution).ok_or_else(|| {
        anyhow::anyhow!("set {set_id} is {set} and its execution {execution_id} {execution}: not a state of a run")
    })
}

/// Moves the run to `to`, checking the move; `message` is kept as the execution's error
/// message when given (why it paused or failed). Timestamps follow the state.
pub fn transition(
    conn: &Connection,
    set_id: i64,
    execution_id: i64,
    to: RunState,
    message: Option<&str>,
) -> Result<()> {
    let from = state(conn, set_id, execution_id)?;
    if !from.can_become(to) {
        bail!("the run of set {set_id} is {from:?}: it cannot become {to:?}");
    }
    let (set_status, execution_status) = to.statuses();
    let ends = matches!(to, RunState::Completed | RunState::Failed);
    conn.execute(
        "UPDATE backup_sets SET status = ?2, updated_at = datetime('now'),
            end_time = CASE WHEN ?3 THEN datetime('now') ELSE end_time END WHERE id = ?1",
        params![set_id, set_status, ends],
    )?;
    conn.execute(
        "UPDATE job_executions SET status = ?2, updated_at = datetime('now'),
            end_time = CASE WHEN ?3 THEN datetime('now') ELSE end_time END,
            error_message = coalesce(?4, error_message) WHERE id = ?1",
        params![execution_id, execution_status, ends, message],
    )?;
    Ok(())
}

/// Records where the run resumes from (`state`: JSON, see `backup resume`) with the part it
/// just committed; `paused` moves it to [`RunState::Paused`] too.
pub fn record_resume_point(conn: &Connection, set_id: i64, execution_id: i64, state: &str, paused: bool) -> Result<()> {
    conn.execute(
        "UPDATE job_executions SET can_resume = 1, resume_state = ?2, updated_at = datetime('now') WHERE id = ?1",
        params![execution_id, state],
    )?;
    if paused {
        transition(conn, set_id, execution_id, RunState::Paused, None)?;
    }
    Ok(())
}

/// A run `backup resume` can continue: the execution's id, resume state and status.
pub struct Resumable {
    pub execution_id: i64,
    pub state: String,
    /// `paused`, or `running` for a run that died after a checkpoint.
    pub status: String,
}

/// The newest resumable run, or execution `execution` when given.
pub fn resumable(conn: &Connection, execution: Option<i64>) -> Result<Option<Resumable>> {
    Ok(conn
        .query_row(
            "SELECT id, resume_state, status FROM job_executions
             WHERE can_resume AND status IN ('paused', 'running') AND resume_state IS NOT NULL
               AND (?1 IS NULL OR id = ?1)
             ORDER BY id DESC LIMIT 1",
            [execution],
            |r| Ok(Resumable { execution_id: r.get(0)?, state: r.get(1)?, status: r.get(2)? }),
        )
        .optional()?)
}

/// Opens the spanning row of a set that goes on another tape; returns its id.
pub fn start_spanning(conn: &Connection, job_id: i64) -> Result<i64> {
    conn.execute("INSERT INTO tape_spanning_sets (job_id, status) VALUES (?1, 'in_progress')", [job_id])?;
    Ok(conn.last_insert_rowid())
}

/// The spanning row of set `set_id`, if it has one.
pub fn spanning_of(conn: &Connection, set_id: i64) -> Result<Option<i64>> {
    Ok(conn
        .query_row(
            "SELECT spanning_set_id FROM tape_spanning_members WHERE backup_set_id = ?1 LIMIT 1",
            [set_id],
            |r| r.get(0),
        )
        .optional()?)
}

/// A part of a spanning set, in order: its tape, bytes written and entries.
pub struct Member {
    pub tape_id: i64,
    pub set_id: i64,
    pub part: u32,
    pub bytes: u64,
    pub entries: u64,
}

/// Adds a part to a spanning set's members (entry ranges follow on from the last member's).
pub fn add_spanning_member(conn: &Connection, spanning: i64, m: &Member) -> Result<()> {
    conn.execute(
        "INSERT INTO tape_spanning_members (spanning_set_id, tape_id, backup_set_id, sequence_number, bytes_written,
            files_start_index, files_end_index)
         VALUES (?1, ?2, ?3, ?4, ?5,
            (SELECT coalesce(max(files_end_index), 0) FROM tape_spanning_members WHERE spanning_set_id = ?1),
            (SELECT coalesce(max(files_end_index), 0) FROM tape_spanning_members WHERE spanning_set_id = ?1) + ?6)",
        params![spanning, m.tape_id, m.set_id, m.part, m.bytes as i64, m.entries as i64],
    )?;
    Ok(())
}

/// The spanning set is whole: its tapes, file bytes and entries.
pub fn complete_spanning(conn: &Connection, spanning: i64, tapes: u64, bytes: u64, files: u64) -> Result<()> {
    conn.execute(
        "UPDATE tape_spanning_sets SET status = 'completed', total_tapes = ?2, total_bytes = ?3, total_files = ?4,
            updated_at = datetime('now') WHERE id = ?1",
        params![spanning, tapes as i64, bytes as i64, files as i64],
    )?;
    Ok(())
}

pub fn fail_spanning(conn: &Connection, spanning: i64) -> Result<()> {
    conn.execute(
        "UPDATE tape_spanning_sets SET status = 'failed', updated_at = datetime('now') WHERE id = ?1",
        [spanning],
    )?;
    Ok(())
}

/// Opens a request for another tape because `tape_id` is full; returns its id.
pub fn request_tape(conn: &Connection, execution_id: i64, spanning: i64, tape_id: i64) -> Result<i64> {
    conn.execute(
        "INSERT INTO tape_change_requests (job_execution_id, spanning_set_id, current_tape_id, reason, status)
         VALUES (?1, ?2, ?3, 'tape_full', 'pending')",
        params![execution_id, spanning, tape_id],
    )?;
    Ok(conn.last_insert_rowid())
}

/// Request `request` was met with tape `tape_id`.
pub fn tape_request_met(conn: &Connection, request: i64, tape_id: i64) -> Result<()> {
    conn.execute(
        "UPDATE tape_change_requests SET status = 'completed', acknowledged_at = datetime('now'), new_tape_id = ?2
         WHERE id = ?1",
        params![request, tape_id],
    )?;
    Ok(())
}

/// The execution's pending requests were met with tape `tape_id` (a resumed run has it).
pub fn pending_requests_met(conn: &Connection, execution_id: i64, tape_id: i64) -> Result<()> {
    conn.execute(
        "UPDATE tape_change_requests SET status = 'completed', acknowledged_at = datetime('now'), new_tape_id = ?2
         WHERE job_execution_id = ?1 AND status = 'pending'",
        params![execution_id, tape_id],
    )?;
    Ok(())
}

/// The execution's open requests will not be met (it failed).
pub fn cancel_tape_requests(conn: &Connection, execution_id: i64) -> Result<()> {
    conn.execute(
        "UPDATE tape_change_requests SET status = 'cancelled'
         WHERE job_execution_id = ?1 AND status IN ('pending', 'acknowledged')",
        [execution_id],
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use RunState::*;

    #[test]
    fn the_state_machine_allows_only_what_a_run_does() {
        let all = [Running, Paused, Completed, Failed];
        let allowed: Vec<(RunState, RunState)> =
            all.iter().flat_map(|a| all.iter().map(move |b| (*a, *b))).filter(|(a, b)| a.can_become(*b)).collect();
        assert_eq!(
            allowed,
            [
                (Running, Running),
                (Running, Paused),
                (Running, Completed),
                (Running, Failed),
                (Paused, Running),
                (Paused, Failed)
            ]
        );
        for s in all {
            let (set, execution) = s.statuses();
            assert_eq!(RunState::of(set, execution), Some(s));
        }
        assert_eq!(RunState::of("completed", "running"), None, "a mixed pair is no state");
    }

    #[test]
    fn transitions_check_and_move_both_rows() {
        let dir = tempfile::tempdir().unwrap();
        let (catalog, _) = crate::catalog::Catalog::init(dir.path()).unwrap();
        let conn = catalog.conn();
        conn.execute_batch(
            "INSERT INTO backup_sources (name, source_type, path) VALUES ('s', 'local', '/');
             INSERT INTO tape_pools (name) VALUES ('p');
             INSERT INTO backup_jobs (name, source_id, pool_id, backup_type) VALUES ('j', 1, 1, 'full');
             INSERT INTO tapes (label, status) VALUES ('T', 'blank');
             INSERT INTO backup_sets (job_id, tape_id, backup_type, start_time, status)
                 VALUES (1, 1, 'full', datetime('now'), 'running');
             INSERT INTO job_executions (job_id, backup_set_id, status) VALUES (1, 1, 'running');",
        )
        .unwrap();
        record_resume_point(conn, 1, 1, "{}", true).unwrap();
        assert_eq!(state(conn, 1, 1).unwrap(), Paused);
        assert!(resumable(conn, None).unwrap().is_some_and(|r| r.execution_id == 1 && r.status == "paused"));
        transition(conn, 1, 1, Running, None).unwrap();
        transition(conn, 1, 1, Failed, Some("drive on fire")).unwrap();
        let e = transition(conn, 1, 1, Running, None).unwrap_err();
        assert!(e.to_string().contains("cannot become Running"), "{e}");
        let (message, ended): (String, bool) = conn
            .query_row("SELECT error_message, end_time IS NOT NULL FROM job_executions WHERE id = 1", [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .unwrap();
        assert_eq!((message.as_str(), ended), ("drive on fire", true));
    }
}

/// Gives up paused execution `execution_id`, which can no longer be resumed: it and its set
/// become `failed`, with `why`. Returns the set's id.
pub fn give_up(conn: &Connection, execution_id: i64, why: &str) -> Result<i64> {
    let set_id: i64 =
        conn.query_row("SELECT backup_set_id FROM job_executions WHERE id = ?1", [execution_id], |r| r.get(0))?;
    transition(conn, set_id, execution_id, RunState::Failed, Some(why))?;
    Ok(set_id)
}

/// An execution of a job as `schedule list` shows it: how the job's last run went.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Execution {
    pub execution: i64,
    /// `running`, `paused` (waiting to be resumed, e.g. for a tape), `completed`, `failed`,
    /// `cancelled`, or `pending`: a scheduled run that never started a set because no usable
    /// tape was there (it waits for the next slot, see `schedule run-due`).
    pub status: String,
    pub set: Option<i64>,
    #[serde(serialize_with = "crate::timefmt::serialize")]
    pub start_time: Option<String>,
    #[serde(serialize_with = "crate::timefmt::serialize")]
    pub end_time: Option<String>,
    pub message: Option<String>,
}

/// The newest execution of job `job_id`.
pub fn latest_execution(conn: &Connection, job_id: i64) -> Result<Option<Execution>> {
    Ok(conn
        .query_row(
            "SELECT id, status, backup_set_id, start_time, end_time, error_message FROM job_executions
             WHERE job_id = ?1 ORDER BY id DESC LIMIT 1",
            [job_id],
            |r| {
                Ok(Execution {
                    execution: r.get(0)?,
                    status: r.get(1)?,
                    set: r.get(2)?,
                    start_time: r.get(3)?,
                    end_time: r.get(4)?,
                    message: r.get(5)?,
                })
            },
        )
        .optional()?)
}

/// Whether job `job_id` has a run writing now (execution `running`).
pub fn is_running(conn: &Connection, job_id: i64) -> Result<bool> {
    Ok(conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM job_executions WHERE job_id = ?1 AND status = 'running')",
        [job_id],
        |r| r.get(0),
    )?)
}

/// The newest paused, resumable run of job `job_id`: what its next scheduled run finishes
/// before starting anything new.
pub fn paused_execution(conn: &Connection, job_id: i64) -> Result<Option<i64>> {
    Ok(conn
        .query_row(
            "SELECT id FROM job_executions WHERE job_id = ?1 AND status = 'paused' AND can_resume
               AND resume_state IS NOT NULL ORDER BY id DESC LIMIT 1",
            [job_id],
            |r| r.get(0),
        )
        .optional()?)
}

/// The id of job `job_id`'s newest execution (0 when none): compared before and after a run,
/// it says whether the run got as far as recording one.
pub fn newest_execution_id(conn: &Connection, job_id: i64) -> Result<i64> {
    Ok(conn.query_row("SELECT coalesce(max(id), 0) FROM job_executions WHERE job_id = ?1", [job_id], |r| r.get(0))?)
}

/// Records a scheduled run of job `job_id` that ended before it started a set: `pending` when
/// it waits for a tape (exit 4: the next slot tries again), `failed` when it was refused
/// (a missing source, a locked drive). `message` says why. Returns the execution's id.
pub fn record_unstarted(conn: &Connection, job_id: i64, waiting: bool, message: &str) -> Result<i64> {
    conn.execute(
        "INSERT INTO job_executions (job_id, status, start_time, end_time, error_message)
         VALUES (?1, ?2, datetime('now'), CASE WHEN ?2 = 'failed' THEN datetime('now') END, ?3)",
        params![job_id, if waiting { "pending" } else { "failed" }, message],
    )?;
    Ok(conn.last_insert_rowid())
}

/// Closes job `job_id`'s scheduled runs still waiting for a tape (`pending`, no set): the next
/// run takes their place. Returns how many there were.
pub fn close_waiting(conn: &Connection, job_id: i64, why: &str) -> Result<usize> {
    Ok(conn.execute(
        "UPDATE job_executions SET status = 'cancelled', end_time = datetime('now'), updated_at = datetime('now'),
            error_message = coalesce(error_message || '; ', '') || ?2
         WHERE job_id = ?1 AND status = 'pending' AND backup_set_id IS NULL",
        params![job_id, why],
    )?)
}
