-- 0007 who uploaded which file.  A file is stored once, by its SHA-256
-- (blobs), but the hash is no secret - it shows in links and logs - so a
-- form may name only a file its author uploaded (dossier.c): one row per
-- file and user, written with the upload; the same bytes uploaded by two
-- users are stored once and recorded twice.  dossier_files (0005) was
-- never written: it goes.
CREATE TABLE uploads (
    sha256     TEXT NOT NULL REFERENCES blobs (sha256),
    user_id    INTEGER NOT NULL REFERENCES users (id),
    created_at INTEGER NOT NULL,                    -- the first upload
    PRIMARY KEY (sha256, user_id)
);
DROP TABLE dossier_files;
