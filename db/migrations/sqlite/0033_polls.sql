-- 0033 opinion polls of committee members (issue 15, lấy ý kiến thành viên
-- UBND): the office of a People's Committee asks the committee's members
-- their opinion on a proposal (tờ trình) instead of a meeting; each answer
-- is a signed row (all kept, the last one before the deadline counts); at
-- the deadline the result is computed once, stored with its PDF summary,
-- and the chairman records the conclusion.
CREATE TABLE polls (
    id            INTEGER PRIMARY KEY,
    committee_id  INTEGER NOT NULL REFERENCES agencies (id), -- the committee whose members are asked
    office_id     INTEGER NOT NULL REFERENCES agencies (id), -- the office that opened it (serves the committee)
    opened_by     INTEGER NOT NULL REFERENCES users (id),
    title         TEXT NOT NULL,                    -- the proposal (tờ trình) asked about
    summary       TEXT NOT NULL,
    deadline      INTEGER NOT NULL,                 -- ms: answers are taken before it
    silence       TEXT NOT NULL DEFAULT 'agree',    -- a member silent at the deadline: agree (counted so) | none (not counted)
    status        TEXT NOT NULL DEFAULT 'open',     -- open | closed
    opened_at     INTEGER NOT NULL,
    closed_at     INTEGER,
    result        TEXT,                             -- JSON computed at closing: counts, the rule, who answered what
    result_sha256 TEXT REFERENCES blobs (sha256),   -- the PDF summary of the result
    conclusion    TEXT,                             -- the chairman's, after closing
    concluded_by  INTEGER REFERENCES users (id),
    concluded_at  INTEGER,
    version       INTEGER NOT NULL DEFAULT 1,
    CHECK (silence IN ('agree', 'none')),
    CHECK (status IN ('open', 'closed'))
);
-- the polls due to close, which the housekeeping goes through
CREATE INDEX polls_open ON polls (deadline) WHERE status = 'open';
CREATE INDEX polls_office ON polls (office_id, id);
CREATE INDEX polls_committee ON polls (committee_id, id);

-- the papers of the proposal: files the opener uploaded
CREATE TABLE poll_papers (
    poll_id  INTEGER NOT NULL REFERENCES polls (id),
    position INTEGER NOT NULL,                      -- 1, 2, ... as given
    sha256   TEXT NOT NULL REFERENCES blobs (sha256),
    PRIMARY KEY (poll_id, position)
);

-- the members asked
CREATE TABLE poll_members (
    poll_id INTEGER NOT NULL REFERENCES polls (id),
    user_id INTEGER NOT NULL REFERENCES users (id),
    PRIMARY KEY (poll_id, user_id)
);
CREATE INDEX poll_members_user ON poll_members (user_id, poll_id);

-- every answer given (a change is a new row; the last one counts)
CREATE TABLE poll_answers (
    id           INTEGER PRIMARY KEY,
    poll_id      INTEGER NOT NULL REFERENCES polls (id),
    user_id      INTEGER NOT NULL REFERENCES users (id),
    choice       TEXT NOT NULL,                     -- agree | disagree | other
    comment      TEXT,                              -- required for disagree and other
    answered_at  INTEGER NOT NULL,
    signed_text  TEXT NOT NULL,                     -- the canonical text signed (JSON)
    signature_id INTEGER REFERENCES signatures (id), -- its CMS signature by the member
    CHECK (choice IN ('agree', 'disagree', 'other'))
);
CREATE INDEX poll_answers_member ON poll_answers (poll_id, user_id, id);

-- the trail: open, answer, close, conclude
CREATE TABLE poll_events (
    id       INTEGER PRIMARY KEY,
    poll_id  INTEGER NOT NULL REFERENCES polls (id),
    at       INTEGER NOT NULL,
    actor_id INTEGER REFERENCES users (id),         -- NULL: the housekeeping (closing at the deadline)
    action   TEXT NOT NULL,
    detail   TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX poll_events_poll ON poll_events (poll_id, id);

-- the notices sent to a member about a poll, each kind once:
-- opened (at the opening) | due_soon (a day before the deadline, unanswered)
-- | closed (the result, to who opened the poll and to the chairman)
CREATE TABLE poll_reminders (
    poll_id INTEGER NOT NULL REFERENCES polls (id),
    user_id INTEGER NOT NULL REFERENCES users (id),
    kind    TEXT NOT NULL,
    at      INTEGER NOT NULL,
    PRIMARY KEY (poll_id, user_id, kind)
);

-- the outbox takes rows about a poll as topic 'polls' (0032)

-- who opens polls: the office serving a committee (its leader and clerical
-- officer are given the role); who concludes: the committee's chairman
INSERT INTO roles (code, kind, name, name_en) VALUES
 ('committee_office', 'official', 'Văn phòng UBND: lấy ý kiến thành viên', 'Committee office: member polls'),
 ('chairman',         'official', 'Chủ tịch UBND',                         'Chairman of the committee');
INSERT INTO permissions (code, name, name_en) VALUES
 ('poll.manage',   'Lấy ý kiến thành viên UBND',          'Poll the committee''s members'),
 ('poll.conclude', 'Kết luận việc lấy ý kiến thành viên', 'Conclude a poll of the committee''s members');
INSERT INTO role_permissions (role_code, perm_code) VALUES
 ('committee_office', 'poll.manage'), ('committee_office', 'directory.read'),
 ('chairman', 'poll.conclude'), ('chairman', 'directory.read');
