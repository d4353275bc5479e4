-- 005: the outcome of every `verify` run, so "when was this set last read back, and did it
-- pass?" has an answer (the seed has no table for it).
CREATE TABLE set_verifications (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    backup_set_id INTEGER NOT NULL REFERENCES backup_sets(id),
    mode TEXT NOT NULL CHECK (mode IN ('quick', 'full')),
    status TEXT NOT NULL CHECK (status IN ('running', 'passed', 'failed')),
    frames_checked INTEGER NOT NULL DEFAULT 0,
    files_checked INTEGER NOT NULL DEFAULT 0,
    tape_bytes_read INTEGER NOT NULL DEFAULT 0,
    errors TEXT,                         -- JSON array of messages when failed
    started_at DATETIME NOT NULL,
    completed_at DATETIME
);
CREATE INDEX idx_set_verifications_set ON set_verifications(backup_set_id);
