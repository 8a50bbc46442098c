-- 0021: dossier_steps kept in the order of its primary key (dossier, seq),
-- without a rowid: the table was a rowid table plus a separate index on
-- (dossier_id, seq), and every read of a dossier's steps went through that
-- index.  One B-tree instead of two: about 65 bytes less a dossier, and the
-- steps of a dossier read from one place.  The rows are copied in key order;
-- on a large database this migration takes a while (about 1.5 s for
-- 100,000 dossiers on the project's machine).
CREATE TABLE dossier_steps_0021 (
    dossier_id  INTEGER NOT NULL REFERENCES dossiers (id),
    seq         INTEGER NOT NULL,
    name        TEXT NOT NULL,
    role        TEXT NOT NULL,
    agency_id   INTEGER NOT NULL REFERENCES agencies (id),
    hours       INTEGER NOT NULL,
    started_at  INTEGER,
    due_at      INTEGER,
    handed_by   INTEGER REFERENCES users (id),
    finished_at INTEGER,
    finished_by INTEGER REFERENCES users (id),
    result      TEXT,                              -- early | on_time | late
    note        TEXT,
    PRIMARY KEY (dossier_id, seq)
) WITHOUT ROWID;

INSERT INTO dossier_steps_0021 (dossier_id, seq, name, role, agency_id, hours, started_at, due_at,
                                handed_by, finished_at, finished_by, result, note)
SELECT dossier_id, seq, name, role, agency_id, hours, started_at, due_at,
       handed_by, finished_at, finished_by, result, note
FROM dossier_steps ORDER BY dossier_id, seq;

DROP TABLE dossier_steps;
ALTER TABLE dossier_steps_0021 RENAME TO dossier_steps;
