-- 004: what a backup needs to find its data again (docs/FORMAT.md, "Set parts"), beyond the
-- seed's columns, and a trigram index so `catalog find` stays fast over millions of entries.

-- The set as written on tape.
ALTER TABLE backup_sets ADD COLUMN uuid TEXT;
CREATE UNIQUE INDEX idx_backup_sets_uuid ON backup_sets(uuid);
ALTER TABLE backup_sets ADD COLUMN source_id INTEGER REFERENCES backup_sources(id);
ALTER TABLE backup_sets ADD COLUMN framing TEXT CHECK (framing IN ('raw', 'zstd', 'aead'));
ALTER TABLE backup_sets ADD COLUMN block_size INTEGER;
ALTER TABLE backup_sets ADD COLUMN frame_size INTEGER;
ALTER TABLE backup_sets ADD COLUMN stream_bytes INTEGER;

-- One row per part: which tape holds which piece of the set's stream, and where. Every set
-- has at least one part; a set spanning tapes has one per tape, in order.
CREATE TABLE backup_set_parts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    backup_set_id INTEGER NOT NULL REFERENCES backup_sets(id),
    part INTEGER NOT NULL CHECK (part >= 1),
    tape_id INTEGER NOT NULL REFERENCES tapes(id),
    data_file INTEGER NOT NULL,          -- tape file number of the part's data file
    header_block INTEGER NOT NULL,       -- logical block of its header block
    index_block INTEGER,                 -- logical block where its index file starts
    end_block INTEGER,                   -- first logical block after the index's filemark
    first_frame INTEGER NOT NULL,
    frame_count INTEGER NOT NULL DEFAULT 0,
    stream_offset INTEGER NOT NULL,
    stream_bytes INTEGER NOT NULL DEFAULT 0,
    status TEXT NOT NULL CHECK (status IN ('writing', 'complete', 'continued', 'cut')),
    created_at DATETIME DEFAULT CURRENT_TIMESTAMP,
    UNIQUE (backup_set_id, part)
);
CREATE INDEX idx_backup_set_parts_tape ON backup_set_parts(tape_id);

-- Per entry: the seed's block_offset is the logical block of the frame holding the entry's
-- tar header; these say which frame and where in its decoded bytes the header starts, what
-- kind of entry it is ('deleted' records a file an incremental found gone), and the rest of
-- the metadata a restore sets.
ALTER TABLE catalog_entries ADD COLUMN frame_seq INTEGER;
ALTER TABLE catalog_entries ADD COLUMN frame_offset INTEGER;
ALTER TABLE catalog_entries ADD COLUMN kind TEXT
    CHECK (kind IN ('file', 'dir', 'symlink', 'hardlink', 'char', 'block', 'fifo', 'deleted'));
ALTER TABLE catalog_entries ADD COLUMN mtime_ns INTEGER;
ALTER TABLE catalog_entries ADD COLUMN uid INTEGER;
ALTER TABLE catalog_entries ADD COLUMN gid INTEGER;
ALTER TABLE catalog_entries ADD COLUMN link_target BLOB;

-- Substring and glob search on paths: an external-content FTS5 table with the trigram
-- tokenizer over catalog_entries.file_path, kept in step by triggers.
CREATE VIRTUAL TABLE catalog_entries_fts USING fts5(
    file_path, content = 'catalog_entries', content_rowid = 'id', tokenize = 'trigram'
);
CREATE TRIGGER catalog_entries_fts_insert AFTER INSERT ON catalog_entries BEGIN
    INSERT INTO catalog_entries_fts (rowid, file_path) VALUES (new.id, new.file_path);
END;
CREATE TRIGGER catalog_entries_fts_delete AFTER DELETE ON catalog_entries BEGIN
    INSERT INTO catalog_entries_fts (catalog_entries_fts, rowid, file_path) VALUES ('delete', old.id, old.file_path);
END;
-- Entries recorded before this migration (none yet in practice) join the index now.
INSERT INTO catalog_entries_fts (catalog_entries_fts) VALUES ('rebuild');
CREATE TRIGGER catalog_entries_fts_update AFTER UPDATE OF file_path ON catalog_entries BEGIN
    INSERT INTO catalog_entries_fts (catalog_entries_fts, rowid, file_path) VALUES ('delete', old.id, old.file_path);
    INSERT INTO catalog_entries_fts (rowid, file_path) VALUES (new.id, new.file_path);
END;
