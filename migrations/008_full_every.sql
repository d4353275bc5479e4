-- 008: incremental chains that end. An incremental job's sets form one chain from its full,
-- and retention expires a chain only as a whole (an incremental is useless without its full),
-- so a job that only ever runs incrementals would keep every set forever. With
-- `job create/update --full-every DAYS`, an incremental job's run is a full once the full its
-- chain starts from is that many calendar days old (local time), which starts a new chain and
-- lets the old one expire. 0: never (the chain goes on).
ALTER TABLE backup_jobs ADD COLUMN full_every_days INTEGER NOT NULL DEFAULT 0 CHECK (full_every_days >= 0);
