-- 0028 (PostgreSQL: the same schema as sqlite/0028) reminders of what waits
-- on officials (issue 13): the outbox takes rows about a document as well
-- as about a dossier, and each pending task is reminded at most once of
-- each kind.
ALTER TABLE outbox ALTER COLUMN dossier_id DROP NOT NULL;
ALTER TABLE outbox ADD COLUMN document_id BIGINT;
ALTER TABLE outbox ADD CONSTRAINT outbox_about CHECK (dossier_id IS NOT NULL OR document_id IS NOT NULL);

CREATE TABLE document_reminders (
    task_id BIGINT NOT NULL REFERENCES document_tasks (id),
    kind    TEXT NOT NULL,                         -- unopened | due_soon | overdue
    at      BIGINT NOT NULL,
    PRIMARY KEY (task_id, kind)
);
-- the pending tasks, which the reminders go through every ten minutes
CREATE INDEX document_tasks_pending ON document_tasks (id) WHERE status = 'pending';
