-- 009: retention. `tapebackarr expire` ends a set's life in the catalog once its job's and
-- pool's retention has passed (docs/CLI.md, "Retention and expiry"); a legal hold keeps it.
-- The seed's status CHECK is left as it is: `status` keeps saying how the set's run ended,
-- `expired_at` says the set has expired.

-- When `expire` expired the set (UTC); NULL while it is live. An expired set keeps its row,
-- its parts and its spanning rows (history: what was on which tape); its entries and
-- snapshot are deleted, so no restore, search or incremental uses it again.
ALTER TABLE backup_sets ADD COLUMN expired_at DATETIME;
-- Legal hold (`backup hold`): 1 keeps the set, and the incremental chain it belongs to,
-- from ever expiring until `backup release`.
ALTER TABLE backup_sets ADD COLUMN hold INTEGER NOT NULL DEFAULT 0;
-- Why it is held, as given to `backup hold --reason`; NULL when not held or no reason given.
ALTER TABLE backup_sets ADD COLUMN hold_reason TEXT;
