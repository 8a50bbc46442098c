-- 0034 directive tracking (issue 15, theo dõi chỉ đạo điều hành): a
-- leader's directive, recorded by the leader or by the office of the
-- leader's body, becomes tasks for agencies of the body's subtree, each
-- with a deadline; agencies report progress, finish with a result, and may
-- ask for an extension that the leader approves or refuses.
CREATE TABLE directives (
    id          INTEGER PRIMARY KEY,
    body_id     INTEGER NOT NULL REFERENCES agencies (id), -- the leader's body: its subtree is the jurisdiction
    leader_id   INTEGER NOT NULL REFERENCES users (id),    -- who gave it (role leader in body_id)
    source_kind TEXT NOT NULL CHECK (source_kind IN ('notice', 'meeting', 'document')),
    document_id INTEGER REFERENCES documents (id),         -- the notice (TB), the SteeringType 2 document; optional for a meeting
    content     TEXT NOT NULL,                             -- what the leader directed
    given_on    TEXT NOT NULL,                             -- YYYY-MM-DD, Vietnam's day it was given
    created_by  INTEGER NOT NULL REFERENCES users (id),
    created_at  INTEGER NOT NULL,
    version     INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX directives_body ON directives (body_id, id);
CREATE INDEX directives_leader ON directives (leader_id, id);

CREATE TABLE directive_tasks (
    id                 INTEGER PRIMARY KEY,
    directive_id       INTEGER NOT NULL REFERENCES directives (id),
    agency_id          INTEGER NOT NULL REFERENCES agencies (id), -- the agency that carries it out
    content            TEXT,                                   -- what this agency does, when more than the directive says
    deadline           TEXT NOT NULL,                          -- YYYY-MM-DD, the deadline in force
    original_deadline  TEXT NOT NULL,                          -- as first given (extensions change deadline only)
    -- not_started | in_progress | done_on_time | done_late; overdue is
    -- derived: not done and deadline before Vietnam's today
    status             TEXT NOT NULL DEFAULT 'not_started'
                       CHECK (status IN ('not_started', 'in_progress', 'done_on_time', 'done_late')),
    percent            INTEGER CHECK (percent BETWEEN 0 AND 100), -- the last report's, when it gave one
    reported_at        INTEGER,                                -- the last progress report
    done_at            INTEGER,
    done_on            TEXT,                                   -- YYYY-MM-DD, Vietnam's day it was finished
    done_by            INTEGER REFERENCES users (id),
    result_document_id INTEGER REFERENCES documents (id),      -- the result: a document of the agency's register
    result_text        TEXT,                                   -- or a report
    version            INTEGER NOT NULL DEFAULT 1,
    created_at         INTEGER NOT NULL
);
CREATE INDEX directive_tasks_directive ON directive_tasks (directive_id, id);
CREATE INDEX directive_tasks_agency ON directive_tasks (agency_id, deadline);
-- the open tasks, which overdue counts and reminders go through
CREATE INDEX directive_tasks_open ON directive_tasks (deadline, agency_id) WHERE done_at IS NULL;

CREATE TABLE directive_extensions (
    id           INTEGER PRIMARY KEY,
    task_id      INTEGER NOT NULL REFERENCES directive_tasks (id),
    asked_by     INTEGER NOT NULL REFERENCES users (id),
    asked_at     INTEGER NOT NULL,
    old_deadline TEXT NOT NULL,                            -- the deadline in force when asked
    new_deadline TEXT NOT NULL,                            -- YYYY-MM-DD asked for
    reason       TEXT NOT NULL,
    status       TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'refused', 'withdrawn')), -- withdrawn: the task finished first
    decided_by   INTEGER REFERENCES users (id),
    decided_at   INTEGER,
    note         TEXT                                      -- the reason of a refusal, a note of an approval
);
-- one pending request a task at a time
CREATE UNIQUE INDEX directive_extensions_pending ON directive_extensions (task_id) WHERE status = 'pending';
CREATE INDEX directive_extensions_task ON directive_extensions (task_id, id);

-- the trail: creation, reports, finishing, extensions asked and decided
CREATE TABLE directive_events (
    id           INTEGER PRIMARY KEY,
    directive_id INTEGER NOT NULL REFERENCES directives (id),
    task_id      INTEGER REFERENCES directive_tasks (id),
    at           INTEGER NOT NULL,
    actor_id     INTEGER NOT NULL REFERENCES users (id),
    action       TEXT NOT NULL,                            -- create | report | finish | extension_ask | extension_approve | extension_refuse
    detail       TEXT                                      -- JSON
);
CREATE INDEX directive_events_directive ON directive_events (directive_id, id);

-- each open task is reminded at most once of each kind
CREATE TABLE directive_reminders (
    task_id INTEGER NOT NULL REFERENCES directive_tasks (id),
    kind    TEXT NOT NULL,                                 -- due_soon | overdue
    at      INTEGER NOT NULL,
    PRIMARY KEY (task_id, kind)
);

-- the outbox takes rows about a directive as topic 'directives' (0032)

-- who records directives for a body's leaders: its clerical officers and
-- leaders, and those of its office (Văn phòng, abbreviation VP, directly
-- under it); who reads them: every official, within jurisdiction.  Both
-- are everyday work an administrator hands out (not guarded), as
-- document.register: an agency administrator still manages clerical
-- officers and leaders.
INSERT INTO permissions (code, name, name_en, guarded) VALUES
 ('directive.manage', 'Ghi nhận, theo dõi ý kiến chỉ đạo của lãnh đạo', 'Record and follow up leaders'' directives', 0),
 ('directive.read',   'Xem, báo cáo nhiệm vụ được chỉ đạo trong phạm vi đơn vị', 'Read and report on directed tasks within the agency subtree', 0);
INSERT INTO role_permissions (role_code, perm_code) VALUES
 ('clerical', 'directive.manage'), ('leader', 'directive.manage'),
 ('clerical', 'directive.read'), ('leader', 'directive.read'), ('specialist', 'directive.read'),
 ('dept_head', 'directive.read'), ('committee_member', 'directive.read'), ('clerk', 'directive.read');
