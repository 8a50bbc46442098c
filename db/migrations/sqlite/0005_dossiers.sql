-- 0005 the one-stop dossier engine: dossiers, their steps and events, the
-- gap-free daily code sequence per agency, attachments, statistics kept in
-- step with every transition, and the notification outbox.
CREATE TABLE dossiers (
    id                  INTEGER PRIMARY KEY,
    code                TEXT NOT NULL UNIQUE,      -- <agency code>-<YYMMDD>-<NNNN>
    secret              TEXT NOT NULL,             -- short tracking secret printed on form 01
    province_code       TEXT NOT NULL,
    procedure_id        INTEGER NOT NULL REFERENCES procedures (id),
    procedure_code      TEXT NOT NULL,
    field_code          TEXT NOT NULL,
    applicant_id        INTEGER REFERENCES users (id),
    applicant           TEXT NOT NULL,             -- JSON: name, ID, address, phone, e-mail
    form_data           TEXT NOT NULL,             -- JSON, validated against the procedure's form
    papers              TEXT NOT NULL,             -- JSON: papers received
    channel             TEXT NOT NULL,             -- online | counter
    status              TEXT NOT NULL,
    received_agency_id  INTEGER NOT NULL REFERENCES agencies (id),
    counter_id          INTEGER REFERENCES counters (id),
    competent_agency_id INTEGER NOT NULL REFERENCES agencies (id),
    current_step        INTEGER NOT NULL,          -- seq of the step in hand (0 = not yet received)
    current_agency_id   INTEGER REFERENCES agencies (id),
    step_role           TEXT,                      -- role that acts on the current step
    assignee_id         INTEGER REFERENCES users (id),
    received_by         INTEGER REFERENCES users (id),
    submitted_at        INTEGER NOT NULL,
    received_at         INTEGER,
    due_at              INTEGER,
    paused_at           INTEGER,                   -- supplement under the "pause" rule
    completed_at        INTEGER,                   -- result ready (or refused / stopped)
    returned_at         INTEGER,
    result_status       TEXT,                      -- early | on_time | late
    extended            INTEGER NOT NULL DEFAULT 0,
    return_method       TEXT NOT NULL DEFAULT 'counter',
    register_entry      INTEGER,
    extra               TEXT NOT NULL DEFAULT '{}', -- JSON: supplement, refusal, extension, stop
    version             INTEGER NOT NULL DEFAULT 1,
    created_at          INTEGER NOT NULL,
    updated_at          INTEGER NOT NULL
);
CREATE INDEX dossiers_queue ON dossiers (current_agency_id, status, due_at);
CREATE INDEX dossiers_competent ON dossiers (competent_agency_id, status, due_at);
CREATE INDEX dossiers_applicant ON dossiers (applicant_id, id);
CREATE INDEX dossiers_assignee ON dossiers (assignee_id, status);
CREATE INDEX dossiers_received ON dossiers (received_agency_id, received_at);

CREATE TABLE dossier_steps (
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
);

CREATE TABLE dossier_events (
    id          INTEGER PRIMARY KEY,
    dossier_id  INTEGER NOT NULL REFERENCES dossiers (id),
    at          INTEGER NOT NULL,
    actor_id    INTEGER,
    action      TEXT NOT NULL,                     -- submit, receive, view, assign, forward, ...
    from_status TEXT,
    to_status   TEXT,
    step        INTEGER,
    agency_id   INTEGER,
    counter_id  INTEGER,
    source      TEXT NOT NULL,
    detail      TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX dossier_events_dossier ON dossier_events (dossier_id, id);
-- one "viewed" event per official and step
CREATE UNIQUE INDEX dossier_views ON dossier_events (dossier_id, actor_id, step) WHERE action = 'view';

-- Gap-free daily sequence of dossier codes, per receiving agency.
CREATE TABLE dossier_sequences (
    agency_id INTEGER NOT NULL,
    day       TEXT NOT NULL,                       -- YYMMDD
    last      INTEGER NOT NULL,
    PRIMARY KEY (agency_id, day)
);

-- Attachments, content-addressed by SHA-256.
CREATE TABLE blobs (
    sha256     TEXT PRIMARY KEY,
    size       INTEGER NOT NULL,
    mime       TEXT NOT NULL,
    data       BLOB NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE TABLE dossier_files (
    id          INTEGER PRIMARY KEY,
    dossier_id  INTEGER NOT NULL REFERENCES dossiers (id),
    field       TEXT NOT NULL,
    paper_code  TEXT,
    sha256      TEXT NOT NULL REFERENCES blobs (sha256),
    name        TEXT NOT NULL,
    size        INTEGER NOT NULL,
    mime        TEXT NOT NULL,
    uploaded_by INTEGER,
    uploaded_at INTEGER NOT NULL
);
CREATE INDEX dossier_files_dossier ON dossier_files (dossier_id);

-- Statistics, updated in the transaction of each transition.  period is
-- 'D2026-11-26', 'M2026-11' or 'Y2026': a query adds up the fewest rows.
CREATE TABLE dossier_stats (
    agency_id        INTEGER NOT NULL,             -- the competent agency
    procedure_code   TEXT NOT NULL,
    field_code       TEXT NOT NULL,
    period           TEXT NOT NULL,
    received_online  INTEGER NOT NULL DEFAULT 0,
    received_counter INTEGER NOT NULL DEFAULT 0,
    resolved_early   INTEGER NOT NULL DEFAULT 0,
    resolved_on_time INTEGER NOT NULL DEFAULT 0,
    resolved_late    INTEGER NOT NULL DEFAULT 0,
    refused          INTEGER NOT NULL DEFAULT 0,
    withdrawn        INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (period, agency_id, procedure_code)
);

-- Events for the applicant (SMS, e-mail, portal); delivery comes later.
CREATE TABLE outbox (
    id           INTEGER PRIMARY KEY,
    at           INTEGER NOT NULL,
    dossier_id   INTEGER NOT NULL,
    event        TEXT NOT NULL,
    recipient    TEXT NOT NULL,                    -- JSON: user id, phone, e-mail
    payload      TEXT NOT NULL,                    -- JSON
    delivered_at INTEGER,
    attempts     INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX outbox_pending ON outbox (delivered_at, id);

INSERT INTO permissions (code, name, name_en) VALUES
 ('dossier.intake',  'Tiếp nhận hồ sơ tại quầy',                 'Take in dossiers at a counter'),
 ('dossier.process', 'Xử lý hồ sơ theo vai trò và đơn vị',       'Process dossiers of the own role and unit'),
 ('dossier.read',    'Xem hồ sơ trong phạm vi đơn vị',           'Read dossiers within the agency subtree'),
 ('stats.read',      'Xem thống kê hồ sơ',                       'Read dossier statistics');
INSERT INTO role_permissions (role_code, perm_code) VALUES
 ('clerk', 'dossier.intake'), ('clerk', 'dossier.process'), ('clerk', 'dossier.read'),
 ('specialist', 'dossier.process'), ('specialist', 'dossier.read'),
 ('dept_head', 'dossier.process'), ('dept_head', 'dossier.read'), ('dept_head', 'stats.read'),
 ('leader', 'dossier.process'), ('leader', 'dossier.read'), ('leader', 'stats.read'),
 ('sys_admin', 'dossier.read'), ('sys_admin', 'stats.read'),
 ('committee_member', 'stats.read');
