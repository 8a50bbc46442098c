-- 0038 citizens' feedback (issue 16, phản ánh kiến nghị, like Ho Chi Minh
-- City's 1022 portal): anyone reports a problem in a ward (a category, an
-- address, an optional point, text, photos); the report is routed by
-- category and ward to the responsible agency with a due time from the
-- category's service level; the agency answers (publicly or privately),
-- reassigns or merges duplicates; the author rates the answer once; a
-- moderator approves or hides the text and the answer before anything is
-- public, personal data masked in what is shown.

-- the categories, each with its service level in working days and whether
-- the ward's People's Committee answers it (to_ward = 1) or the agency of
-- the routing table
CREATE TABLE feedback_categories (
    code     TEXT PRIMARY KEY,                  -- roads | lighting | waste | order | admin | other
    name     TEXT NOT NULL,                     -- Vietnamese
    name_en  TEXT NOT NULL,
    sla_days INTEGER NOT NULL,                  -- working days to answer (core/calendar.h)
    to_ward  INTEGER NOT NULL DEFAULT 0,        -- 1: the ward's People's Committee when there is one
    position INTEGER NOT NULL                   -- order in the form
);
INSERT INTO feedback_categories (code, name, name_en, sla_days, to_ward, position) VALUES
 ('roads',    'Giao thông, đường sá, vỉa hè',   'Roads, pavements and traffic',  5, 0, 1),
 ('lighting', 'Chiếu sáng công cộng',           'Public lighting',               3, 0, 2),
 ('waste',    'Rác thải, vệ sinh môi trường',   'Waste and sanitation',          2, 0, 3),
 ('order',    'Trật tự đô thị',                 'Urban order',                   3, 1, 4),
 ('admin',    'Thủ tục, dịch vụ hành chính',    'Administrative services',       5, 1, 5),
 ('other',    'Khác',                           'Other',                         7, 1, 6);

-- the routing table: who answers a category in a ward ('' = any ward);
-- a ward's own row wins, then the ward's committee (to_ward), then ''
CREATE TABLE feedback_routes (
    category    TEXT NOT NULL REFERENCES feedback_categories (code),
    ward_code   TEXT NOT NULL DEFAULT '',       -- GSO ward code (units, era current), '' = any
    agency_code TEXT NOT NULL,                  -- agencies.code (agencies are loaded after migrations)
    PRIMARY KEY (category, ward_code)
);
INSERT INTO feedback_routes (category, ward_code, agency_code) VALUES
 ('roads',    '', '000.00.03.H29'),             -- Department of Construction
 ('lighting', '', '000.00.03.H29'),
 ('waste',    '', '000.00.04.H29'),             -- Department of Agriculture and Environment
 ('order',    '', '000.00.01.H29'),             -- no ward committee: the City office
 ('admin',    '', '000.00.01.H29'),
 ('other',    '', '000.00.01.H29');

CREATE TABLE feedback_reports (
    id             INTEGER PRIMARY KEY,
    code           TEXT NOT NULL UNIQUE,        -- PA-XXXXXXXX, how the report is followed
    secret_hash    TEXT NOT NULL,               -- SHA-256 (hex) of the author's follow-up secret
    category       TEXT NOT NULL REFERENCES feedback_categories (code),
    ward_code      TEXT NOT NULL,               -- units (era current), level ward
    address        TEXT NOT NULL,
    lat_e6         INTEGER,                     -- the point, microdegrees (NULL: none)
    lon_e6         INTEGER,
    body           TEXT NOT NULL,               -- what the author wrote
    public_body    TEXT NOT NULL,               -- the same with personal data masked (what is shown)
    author_id      INTEGER REFERENCES users (id), -- NULL: not signed in
    author_name    TEXT NOT NULL,
    author_phone   TEXT,                        -- normal form (mc_phone_normalize); required when not signed in
    author_email   TEXT,
    agency_id      INTEGER NOT NULL REFERENCES agencies (id), -- who answers
    status         TEXT NOT NULL DEFAULT 'received', -- received | answered | merged
    merged_into    INTEGER REFERENCES feedback_reports (id),
    received_at    INTEGER NOT NULL,
    due_at         INTEGER NOT NULL,            -- received_at + the category's working days
    text_state     TEXT NOT NULL DEFAULT 'pending', -- moderation of the report: pending | approved | hidden
    text_reason    TEXT,                        -- why hidden
    answer         TEXT,
    public_answer  TEXT,                        -- masked
    answer_public  INTEGER NOT NULL DEFAULT 1,  -- 0: for the author only
    answered_at    INTEGER,
    answered_by    INTEGER REFERENCES users (id),
    answer_state   TEXT,                        -- pending | approved | hidden (NULL: no answer)
    answer_reason  TEXT,
    rating         INTEGER,                     -- 1-5, once
    rating_comment TEXT,
    rated_at       INTEGER,
    search_key     TEXT NOT NULL DEFAULT '',    -- public text, address and answer without diacritics
    overdue_told_at INTEGER,     -- when the agency was told it is overdue (once)
    version        INTEGER NOT NULL DEFAULT 1,
    CHECK (status IN ('received', 'answered', 'merged')),
    CHECK (text_state IN ('pending', 'approved', 'hidden')),
    CHECK (answer_state IS NULL OR answer_state IN ('pending', 'approved', 'hidden')),
    CHECK (rating IS NULL OR rating BETWEEN 1 AND 5)
);
CREATE INDEX feedback_reports_agency ON feedback_reports (agency_id, id);
CREATE INDEX feedback_reports_public ON feedback_reports (answered_at) WHERE status = 'answered';
CREATE INDEX feedback_reports_author ON feedback_reports (author_id, id);
-- the open reports past their due time whose agency the housekeeping has not told yet
CREATE INDEX feedback_reports_overdue ON feedback_reports (due_at) WHERE status = 'received' AND overdue_told_at IS NULL;

-- the photos, decoded and encoded again (no metadata but, with the
-- author's consent, the GPS point of a JPEG)
CREATE TABLE feedback_photos (
    id        INTEGER PRIMARY KEY,
    report_id INTEGER NOT NULL REFERENCES feedback_reports (id),
    position  INTEGER NOT NULL,                 -- 1, 2, ...
    mime      TEXT NOT NULL,                    -- image/jpeg | image/png
    width     INTEGER NOT NULL,
    height    INTEGER NOT NULL,
    lat_e6    INTEGER,                          -- the EXIF GPS point kept with consent
    lon_e6    INTEGER,
    data      BLOB NOT NULL,
    added_at  INTEGER NOT NULL,
    UNIQUE (report_id, position)
);

-- the trail: report, photo, assign, reassign, answer, merge, moderate, rate
CREATE TABLE feedback_events (
    id        INTEGER PRIMARY KEY,
    report_id INTEGER NOT NULL REFERENCES feedback_reports (id),
    at        INTEGER NOT NULL,
    actor_id  INTEGER REFERENCES users (id),    -- NULL: the author without an account
    action    TEXT NOT NULL,
    detail    TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX feedback_events_report ON feedback_events (report_id, id);

-- the outbox takes rows about a report as topic 'feedback_reports' (0032)

-- who answers: the officials of the agency a report is routed to; who
-- moderates: the office serving the committee (the whole city for the
-- City office)
INSERT INTO permissions (code, name, name_en, guarded) VALUES
 ('feedback.handle',   'Trả lời phản ánh, kiến nghị của người dân', 'Answer citizens'' feedback', 0),
 ('feedback.moderate', 'Kiểm duyệt phản ánh, kiến nghị',            'Moderate citizens'' feedback', 1);
INSERT INTO role_permissions (role_code, perm_code) VALUES
 ('specialist', 'feedback.handle'), ('dept_head', 'feedback.handle'), ('leader', 'feedback.handle'),
 ('clerical', 'feedback.handle'),
 ('committee_office', 'feedback.moderate');
