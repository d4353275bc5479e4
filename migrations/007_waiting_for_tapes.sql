-- 007: restores and verifies that wait for a tape between runs. On a standalone drive with
-- nobody at a terminal, a set spanning tapes cannot be read in one run: the run reads what
-- the loaded tape holds, saves where it stands here, exits 4 naming the next tape, and the
-- same command run again goes on from there (docs/CLI.md, "Sets on several tapes").
ALTER TABLE restore_operations ADD COLUMN request TEXT;      -- JSON: sets, patterns, destination, options
ALTER TABLE restore_operations ADD COLUMN resume_state TEXT; -- JSON: progress, while status = 'pending'
ALTER TABLE set_verifications ADD COLUMN resume_state TEXT;  -- JSON: progress, while status = 'running'
-- An entry `catalog rebuild` read from a tape with a path no restore will write (absolute,
-- or climbing with `..`): kept for inspection, flagged, and refused by restore.
ALTER TABLE catalog_entries ADD COLUMN unsafe_path INTEGER NOT NULL DEFAULT 0;
