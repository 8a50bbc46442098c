-- 0028 reminders of what waits on officials (issue 13): the outbox takes
-- rows about a document as well as about a dossier (SQLite cannot drop a
-- NOT NULL: the table is rebuilt, its rows and ids kept), and each pending
-- task is reminded at most once of each kind.
CREATE TABLE outbox_new (
    id           INTEGER PRIMARY KEY,
    at           INTEGER NOT NULL,
    dossier_id   INTEGER,
    document_id  INTEGER,
    event        TEXT NOT NULL,
    recipient    TEXT NOT NULL,                    -- JSON: user id, phone, e-mail
    payload      TEXT NOT NULL,                    -- JSON
    delivered_at INTEGER,
    attempts     INTEGER NOT NULL DEFAULT 0,
    CHECK (dossier_id IS NOT NULL OR document_id IS NOT NULL)
);
INSERT INTO outbox_new (id, at, dossier_id, event, recipient, payload, delivered_at, attempts)
    SELECT id, at, dossier_id, event, recipient, payload, delivered_at, attempts FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_new RENAME TO outbox;
CREATE INDEX outbox_pending ON outbox (delivered_at, id);

CREATE TABLE document_reminders (
    task_id INTEGER NOT NULL REFERENCES document_tasks (id),
    kind    TEXT NOT NULL,                         -- unopened | due_soon | overdue
    at      INTEGER NOT NULL,
    PRIMARY KEY (task_id, kind)
);
-- the pending tasks, which the reminders go through every ten minutes
CREATE INDEX document_tasks_pending ON document_tasks (id) WHERE status = 'pending';
