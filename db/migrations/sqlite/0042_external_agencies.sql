-- 0042 agencies handled elsewhere (issue 17): an agency whose own system
-- handles its dossiers (the police's residence system, social insurance's)
-- is "external": a dossier that comes to it is handed to that system
-- (POSTed to external_url, tried again until it takes it), which answers
-- through motcua's exchange API (acknowledge, result, refuse) with an
-- account of that agency.

ALTER TABLE agencies ADD COLUMN external_url TEXT;   -- NULL: handled in motcua
ALTER TABLE agencies ADD COLUMN external_token TEXT; -- the bearer token its system gave motcua (NULL: none); never shown

-- one hand-over per dossier and external agency it came to
CREATE TABLE handoffs (
    id           INTEGER PRIMARY KEY,
    dossier_id   INTEGER NOT NULL REFERENCES dossiers (id),
    agency_id    INTEGER NOT NULL REFERENCES agencies (id),
    at           INTEGER NOT NULL,                  -- when the dossier came to the agency
    state        TEXT NOT NULL DEFAULT 'pending',  -- pending | sending | delivered | failed
    attempts     INTEGER NOT NULL DEFAULT 0,
    next_at      INTEGER,                          -- pending: when to try (again)
    delivered_at INTEGER,                          -- its system took it (HTTP 2xx)
    last_error   TEXT,
    UNIQUE (dossier_id, agency_id)
);
CREATE INDEX handoffs_due ON handoffs (next_at) WHERE state IN ('pending', 'sending');
CREATE INDEX handoffs_agency ON handoffs (agency_id, state, id);
