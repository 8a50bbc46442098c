-- 0039 linked procedures (Decree 63/2024/NĐ-CP, issue 17): one application
-- (a dossier of 3.000722 or 2.002913: the one code the applicant follows)
-- made of parts, each a sub-dossier of a component procedure at its own
-- agency, started when the part it waits for has its result.  The
-- hand-over times are kept for the 10-minute / 2-working-hour monitoring
-- (docs/linked.md).

CREATE TABLE linked_parts (
    id                  INTEGER PRIMARY KEY,
    application_id      INTEGER NOT NULL REFERENCES dossiers (id),
    part                TEXT NOT NULL,             -- birth | residence | insurance | death | ...
    seq                 INTEGER NOT NULL,          -- order in the procedure's "linked" section
    procedure_code      TEXT NOT NULL,             -- the component procedure
    agency_id           INTEGER REFERENCES agencies (id), -- the part's agency (NULL: none found yet)
    after_part          TEXT,                      -- the part whose result it waits for (NULL: the first)
    budget_days         INTEGER NOT NULL,          -- 0: same day
    dossier_id          INTEGER REFERENCES dossiers (id), -- the sub-dossier (NULL while waiting)
    state               TEXT NOT NULL,             -- waiting | started | done | refused | cancelled
    reason              TEXT,                      -- refused / cancelled: why
    result              TEXT,                      -- JSON: what the part's result hands on (a registration number...)
    verification        TEXT,                      -- the reason its official gave for verification (5 days)
    ready_at            INTEGER,                   -- its data became available
    forwarded_at        INTEGER,                   -- the data reached its agency (NULL: not yet; external: the delivery)
    acknowledged_at     INTEGER,                   -- its agency received the sub-dossier
    result_at           INTEGER,
    result_forwarded_at INTEGER,                   -- the result went on to the applicant / the next part
    due_at              INTEGER,
    UNIQUE (application_id, part)
);
CREATE UNIQUE INDEX linked_parts_dossier ON linked_parts (dossier_id);
CREATE INDEX linked_parts_agency ON linked_parts (agency_id, state, ready_at);
CREATE INDEX linked_parts_open ON linked_parts (state, ready_at);

-- a sub-dossier's application ("Liên thông: part of <code>")
ALTER TABLE dossiers ADD COLUMN parent_id INTEGER REFERENCES dossiers (id);
