-- 011: catalog backups on tape (`tapebackarr catalog backup`, docs/FORMAT.md "Catalog
-- backups"). The seed's `database_backups` says which tape, when, how large and with which
-- checksum; these columns say what else a restore needs without reading the whole tape.

-- The backup's UUID, as in its header block and trailer on tape (and, encrypted, the UUID
-- its frame key is derived from).
ALTER TABLE database_backups ADD COLUMN backup_uuid TEXT;
-- Tape file number of its data file (`mt fsf N`); `block_offset` is its header block's
-- logical block (LOCATE).
ALTER TABLE database_backups ADD COLUMN tape_file INTEGER;
-- The catalog's schema version (PRAGMA user_version) at the snapshot.
ALTER TABLE database_backups ADD COLUMN schema_version INTEGER;
-- `none` or `zstd:LEVEL`, as the header's `compression`.
ALTER TABLE database_backups ADD COLUMN compression TEXT;
-- The fingerprint of the key it is encrypted with; NULL when not encrypted. A fingerprint,
-- not a key id, so deleting a key never has to touch this history.
ALTER TABLE database_backups ADD COLUMN key_fingerprint TEXT;
-- Bytes it takes on tape after its header block (frames and padding), the trailer excluded.
ALTER TABLE database_backups ADD COLUMN tape_bytes INTEGER;
-- The first logical block after its trailer's filemark, set when it completes: where the
-- tape's data ends after it, which the next backup's append check expects (as a part's
-- `end_block`).
ALTER TABLE database_backups ADD COLUMN end_block INTEGER;
