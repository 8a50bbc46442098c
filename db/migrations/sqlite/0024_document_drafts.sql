-- 0024 outgoing documents before their number: an official drafts one
-- (type, summary, content or a file, recipients), the draft goes up an
-- approval chain (by default the department head, the office, a leader;
-- set per agency and document type), each step approves or returns it
-- with comments, every revision kept; the last approval is the signing
-- act, and the clerical officer numbers and issues it into the outgoing
-- register, delivering it into the incoming register of each recipient
-- agency on the platform.

-- An agency's approval chain for a document type: the roles of its steps
-- in order, comma-separated (dept_head, office_head, leader).  None: the
-- default chain.
CREATE TABLE document_chains (
    agency_id  INTEGER NOT NULL REFERENCES agencies (id),
    type_code  TEXT NOT NULL REFERENCES document_types (code),
    steps      TEXT NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (agency_id, type_code)
);

CREATE TABLE document_drafts (
    id                  INTEGER PRIMARY KEY,
    agency_id           INTEGER NOT NULL REFERENCES agencies (id), -- the body that issues it
    unit_id             INTEGER NOT NULL REFERENCES agencies (id), -- the drafter's agency or internal unit
    drafter_id          INTEGER NOT NULL REFERENCES users (id),
    type_code           TEXT NOT NULL REFERENCES document_types (code),
    summary             TEXT NOT NULL,
    content             TEXT,                  -- the text of the document
    file_sha256         TEXT,                  -- or a file of it
    recipients          TEXT NOT NULL DEFAULT '[]', -- nơi nhận: JSON list of names
    internal_recipients TEXT NOT NULL DEFAULT '[]', -- agencies on the platform: JSON list of ids
    urgency             TEXT NOT NULL,
    secrecy             TEXT NOT NULL,
    chain               TEXT NOT NULL,         -- the roles of its steps, fixed when first submitted
    step                INTEGER NOT NULL DEFAULT 0, -- the step it waits at (1-based); 0 with its drafter
    status              TEXT NOT NULL,         -- drafting | reviewing | returned | signed | issued
    revision            INTEGER NOT NULL DEFAULT 1,
    signer_id           INTEGER REFERENCES users (id),
    signer_name         TEXT,
    signer_position     TEXT,
    signed_at           INTEGER,
    document_id         INTEGER REFERENCES documents (id),
    version             INTEGER NOT NULL DEFAULT 1,
    created_at          INTEGER NOT NULL,
    updated_at          INTEGER NOT NULL
);
CREATE INDEX document_drafts_drafter ON document_drafts (drafter_id, id);
CREATE INDEX document_drafts_body ON document_drafts (agency_id, status, id);

-- Every revision of a draft's text, as it was.
CREATE TABLE draft_revisions (
    draft_id    INTEGER NOT NULL REFERENCES document_drafts (id),
    revision    INTEGER NOT NULL,
    summary     TEXT NOT NULL,
    content     TEXT,
    file_sha256 TEXT,
    recipients  TEXT NOT NULL,
    author_id   INTEGER NOT NULL REFERENCES users (id),
    note        TEXT,
    created_at  INTEGER NOT NULL,
    PRIMARY KEY (draft_id, revision)
);

-- One per approval asked of someone: the step, the revision they were
-- shown, when they first opened it and what they did.
CREATE TABLE draft_reviews (
    id           INTEGER PRIMARY KEY,
    draft_id     INTEGER NOT NULL REFERENCES document_drafts (id),
    step         INTEGER NOT NULL,
    role         TEXT NOT NULL,
    user_id      INTEGER NOT NULL REFERENCES users (id),
    from_user_id INTEGER NOT NULL REFERENCES users (id),
    revision     INTEGER NOT NULL,
    status       TEXT NOT NULL,         -- pending | approved | returned
    asked_at     INTEGER NOT NULL,
    viewed_at    INTEGER,
    done_at      INTEGER,
    comment      TEXT
);
CREATE INDEX draft_reviews_user ON draft_reviews (user_id, status, id);
CREATE INDEX draft_reviews_draft ON draft_reviews (draft_id, id);

CREATE TABLE draft_events (
    id       INTEGER PRIMARY KEY,
    draft_id INTEGER NOT NULL REFERENCES document_drafts (id),
    at       INTEGER NOT NULL,
    actor_id INTEGER REFERENCES users (id),
    action   TEXT NOT NULL,
    detail   TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX draft_events_draft ON draft_events (draft_id, id);

ALTER TABLE documents ADD COLUMN draft_id INTEGER REFERENCES document_drafts (id);

-- The head of an agency's office (Chánh Văn phòng), who checks a draft's
-- form before a leader signs it.
INSERT INTO roles (code, kind, name, name_en) VALUES
 ('office_head', 'official', 'Chánh Văn phòng', 'Head of the office');
INSERT INTO permissions (code, name, name_en, guarded) VALUES
 ('document.draft', 'Soạn dự thảo văn bản đi', 'Draft outgoing documents', 0);
INSERT INTO role_permissions (role_code, perm_code) VALUES
 ('office_head', 'directory.read'), ('office_head', 'document.read'), ('office_head', 'document.draft'),
 ('specialist', 'document.draft'), ('dept_head', 'document.draft'), ('leader', 'document.draft'),
 ('clerical', 'document.draft');
