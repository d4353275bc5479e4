-- 010: notifications (issue 17). Who is told when something needs a person (a job failed, a
-- tape is wanted, a tape is full, a drive alert, a verify mismatch, a slot that did not
-- run), and every attempt to tell them. Secrets (SMTP passwords, webhook tokens) are never
-- stored here: they sit in files of mode 0600 under the home's `secrets/` directory, so a
-- copy of the catalog (`catalog backup`, a tape) carries none.

CREATE TABLE notification_targets (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    -- How it is told: run a program, send an email, POST to a URL.
    kind TEXT NOT NULL CHECK (kind IN ('command', 'email', 'webhook')),
    -- The event kinds it wants, a JSON array of names (`all` for every kind, now and later).
    events TEXT NOT NULL,
    -- How to reach it (program and arguments, SMTP server, URL and headers), JSON, no secret.
    settings TEXT NOT NULL,
    enabled INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
    created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL
);

-- One row per event told to a target (all its attempts together). The target's name is
-- kept so the history survives `notify remove`.
CREATE TABLE notification_deliveries (
    id INTEGER PRIMARY KEY,
    target_id INTEGER REFERENCES notification_targets(id) ON DELETE SET NULL,
    target_name TEXT NOT NULL,
    event TEXT NOT NULL,
    subject TEXT NOT NULL,
    created_at DATETIME NOT NULL,
    result TEXT NOT NULL CHECK (result IN ('ok', 'failed')),
    attempts INTEGER NOT NULL,
    -- The last attempt's error; NULL when delivered.
    error TEXT,
    duration_ms INTEGER NOT NULL
);
CREATE INDEX notification_deliveries_by_target ON notification_deliveries (target_name, id);
