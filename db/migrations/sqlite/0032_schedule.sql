-- 0032 work calendars and meetings (issue 15): a body's weekly calendar
-- (lịch công tác tuần: the standing committee's, drafted by its office,
-- approved, published), its events with who chairs and who takes part,
-- the meeting rooms booked by them, the invitees' answers, and the private
-- addresses of each official's iCalendar feed.

-- An agency of kind 'office' (văn phòng: new with this issue) keeps the
-- calendar of its parent body and drafts its invitations.

CREATE TABLE schedule_rooms (
    id         INTEGER PRIMARY KEY,
    agency_id  INTEGER NOT NULL REFERENCES agencies (id), -- the body whose room it is
    name       TEXT NOT NULL,
    place      TEXT NOT NULL,                             -- where it is, as printed on the calendar
    version    INTEGER NOT NULL DEFAULT 1,                -- raised by each booking: one at a time per room
    created_at INTEGER NOT NULL,
    UNIQUE (agency_id, name)
);

CREATE TABLE schedule_weeks (
    agency_id    INTEGER NOT NULL REFERENCES agencies (id),
    week         TEXT NOT NULL,                           -- its Monday, YYYY-MM-DD
    state        TEXT NOT NULL CHECK (state IN ('draft', 'submitted', 'approved', 'published')),
    edition      INTEGER NOT NULL DEFAULT 0,              -- changes made after the first publication
    version      INTEGER NOT NULL DEFAULT 1,
    submitted_by INTEGER REFERENCES users (id),
    approved_by  INTEGER REFERENCES users (id),
    published_by INTEGER REFERENCES users (id),
    published_at INTEGER,
    note         TEXT,                                    -- why it was returned
    updated_at   INTEGER NOT NULL,
    PRIMARY KEY (agency_id, week)
);

CREATE TABLE schedule_events (
    id                  INTEGER PRIMARY KEY,
    uid                 TEXT NOT NULL UNIQUE,             -- its iCalendar UID, never changes
    agency_id           INTEGER NOT NULL REFERENCES agencies (id), -- whose calendar
    week                TEXT NOT NULL,                    -- the Monday of its start (Vietnam's time)
    title               TEXT NOT NULL,                    -- what the meeting or work is
    start_at            INTEGER NOT NULL,
    end_at              INTEGER NOT NULL,
    place               TEXT,
    room_id             INTEGER REFERENCES schedule_rooms (id),
    online_url          TEXT,
    chair_id            INTEGER NOT NULL REFERENCES users (id),
    preparing_agency_id INTEGER REFERENCES agencies (id), -- đơn vị chuẩn bị
    note                TEXT,
    papers              TEXT NOT NULL DEFAULT '[]',       -- JSON [{sha256, name}]
    status              TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'cancelled')),
    cancel_reason       TEXT,
    sequence            INTEGER NOT NULL DEFAULT 0,       -- iCalendar SEQUENCE: each change after publication
    invitation_draft_id INTEGER REFERENCES document_drafts (id), -- its Giấy mời
    version             INTEGER NOT NULL DEFAULT 1,
    created_by          INTEGER NOT NULL REFERENCES users (id),
    created_at          INTEGER NOT NULL,
    updated_at          INTEGER NOT NULL
);
CREATE INDEX schedule_events_calendar ON schedule_events (agency_id, start_at);
CREATE INDEX schedule_events_start ON schedule_events (start_at);
CREATE INDEX schedule_events_room ON schedule_events (room_id, start_at) WHERE room_id IS NOT NULL;
CREATE INDEX schedule_events_chair ON schedule_events (chair_id, start_at);

CREATE TABLE schedule_participants (
    id          INTEGER PRIMARY KEY,
    event_id    INTEGER NOT NULL REFERENCES schedule_events (id),
    user_id     INTEGER REFERENCES users (id),            -- an official invited by name
    agency_id   INTEGER REFERENCES agencies (id),         -- or an agency invited to send someone
    answer      TEXT CHECK (answer IN ('attend', 'deputy', 'absent')),
    attendee_id INTEGER REFERENCES users (id),            -- the deputy sent, or whom the agency sends
    reason      TEXT,                                     -- why absent, or why a deputy
    answered_by INTEGER REFERENCES users (id),
    answered_at INTEGER,
    CHECK ((user_id IS NULL) <> (agency_id IS NULL))
);
CREATE UNIQUE INDEX schedule_participants_user ON schedule_participants (user_id, event_id) WHERE user_id IS NOT NULL;
CREATE UNIQUE INDEX schedule_participants_agency ON schedule_participants (agency_id, event_id) WHERE agency_id IS NOT NULL;
CREATE INDEX schedule_participants_event ON schedule_participants (event_id);
CREATE INDEX schedule_participants_attendee ON schedule_participants (attendee_id) WHERE attendee_id IS NOT NULL;

-- the trail of an event and of a week: created, changed, cancelled, each
-- answer, the week's submission, approval, return and publication
CREATE TABLE schedule_log (
    id        INTEGER PRIMARY KEY,
    agency_id INTEGER NOT NULL REFERENCES agencies (id),
    week      TEXT NOT NULL,
    event_id  INTEGER REFERENCES schedule_events (id),
    user_id   INTEGER NOT NULL REFERENCES users (id),
    action    TEXT NOT NULL,
    detail    TEXT NOT NULL DEFAULT '{}',
    at        INTEGER NOT NULL
);
CREATE INDEX schedule_log_event ON schedule_log (event_id, id);
CREATE INDEX schedule_log_week ON schedule_log (agency_id, week, id);

-- an official's private feed address: only its SHA-256 is kept
CREATE TABLE schedule_feeds (
    user_id    INTEGER PRIMARY KEY REFERENCES users (id),
    token_hash TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL
);

-- the outbox takes rows about other things than dossiers, documents and
-- exchanges: topic names the table (schedule_events, ...), topic_id the row
CREATE TABLE outbox_new (
    id           INTEGER PRIMARY KEY,
    at           INTEGER NOT NULL,
    dossier_id   INTEGER,
    document_id  INTEGER,
    exchange_id  INTEGER,
    topic        TEXT,
    topic_id     INTEGER,
    event        TEXT NOT NULL,
    recipient    TEXT NOT NULL,                    -- JSON: user id, phone, e-mail, peer
    payload      TEXT NOT NULL,                    -- JSON
    delivered_at INTEGER,
    attempts     INTEGER NOT NULL DEFAULT 0,
    next_at      INTEGER,
    last_error   TEXT,
    CHECK (dossier_id IS NOT NULL OR document_id IS NOT NULL OR exchange_id IS NOT NULL OR topic_id IS NOT NULL),
    CHECK ((topic IS NULL) = (topic_id IS NULL))
);
INSERT INTO outbox_new (id, at, dossier_id, document_id, exchange_id, event, recipient, payload, delivered_at,
                        attempts, next_at, last_error)
    SELECT id, at, dossier_id, document_id, exchange_id, event, recipient, payload, delivered_at, attempts, next_at,
           last_error FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_new RENAME TO outbox;
CREATE INDEX outbox_pending ON outbox (delivered_at, id);
CREATE INDEX outbox_exchange ON outbox (next_at) WHERE exchange_id IS NOT NULL AND delivered_at IS NULL;
CREATE INDEX outbox_exchange_rows ON outbox (exchange_id) WHERE exchange_id IS NOT NULL;
CREATE INDEX outbox_topic ON outbox (topic, topic_id) WHERE topic IS NOT NULL;

-- the calendars of one's body (and of the body an office serves); who
-- drafts them: the body's own officials or its office's (leaders approve)
INSERT INTO permissions (code, name, name_en, guarded) VALUES
 ('schedule.read',   'Xem lịch công tác của cơ quan',       'Read the work calendars of the agency', 0),
 ('schedule.manage', 'Soạn, trình và công bố lịch công tác', 'Draft, submit and publish work calendars', 0);
INSERT INTO role_permissions (role_code, perm_code) VALUES
 ('clerk', 'schedule.read'), ('specialist', 'schedule.read'), ('dept_head', 'schedule.read'),
 ('leader', 'schedule.read'), ('clerical', 'schedule.read'), ('committee_member', 'schedule.read'),
 ('agency_admin', 'schedule.read'),
 ('clerical', 'schedule.manage'), ('specialist', 'schedule.manage'), ('dept_head', 'schedule.manage');
