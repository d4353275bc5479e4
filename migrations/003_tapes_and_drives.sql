-- 003: tapes and drives are addressed by name on the command line (`tape show WEEK01`,
-- `--drive lto1`), so labels and drive names must each pick one row.
CREATE UNIQUE INDEX idx_tapes_label_unique ON tapes(label);
CREATE UNIQUE INDEX idx_tape_drives_display_name_unique ON tape_drives(display_name);
-- `tape export` moves a tape offsite; `tape import` puts it back in the state it left.
ALTER TABLE tapes ADD COLUMN status_before_export TEXT
    CHECK (status_before_export IN ('blank', 'active', 'full', 'expired', 'retired'));
