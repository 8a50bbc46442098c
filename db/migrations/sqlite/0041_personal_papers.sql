-- 0041 the citizen's personal document store (kho dữ liệu cá nhân, issue 17
-- part 3, "once-only"): a paper the platform issued to an applicant with an
-- account - the result file of a dossier whose procedure declares a
-- result_paper - kept for them in the transaction that attached the result,
-- so that a later procedure asking for that paper takes it from here
-- instead of a new upload.
CREATE TABLE personal_papers (
    id          INTEGER PRIMARY KEY,
    owner_id    INTEGER NOT NULL REFERENCES users (id),
    paper_code  TEXT NOT NULL,                       -- the procedure's result_paper.code
    title       TEXT NOT NULL,                       -- result_paper.name
    title_en    TEXT,
    agency_id   INTEGER NOT NULL REFERENCES agencies (id), -- the issuing (competent) agency
    dossier_id  INTEGER NOT NULL REFERENCES dossiers (id), -- the dossier it was issued through
    document_id INTEGER REFERENCES documents (id),   -- the result numbered in the agency's register
    number_text TEXT,                                -- its number ("01/GCN-UBND"), if numbered
    sha256      TEXT NOT NULL REFERENCES blobs (sha256),
    issued_at   INTEGER NOT NULL,
    valid       INTEGER NOT NULL DEFAULT 1,          -- 0: revoked or replaced, not offered for reuse
    created_at  INTEGER NOT NULL,
    UNIQUE (dossier_id, paper_code)
);
CREATE INDEX personal_papers_owner ON personal_papers (owner_id, id);
