-- 002: sources and jobs are addressed by name on the command line, so a name must pick
-- exactly one row. The seed makes pool and key names UNIQUE but not these two.
CREATE UNIQUE INDEX idx_backup_sources_name_unique ON backup_sources(name);
CREATE UNIQUE INDEX idx_backup_jobs_name_unique ON backup_jobs(name);
