-- 0023 what happens to an incoming document after its registration: the
-- clerical officer sends it to a leader to direct (bút phê), the leader
-- names who leads its handling, who coordinates and who is informed, with
-- a deadline; the lead may hand it to an official of their agency, who
-- handles it; the informed acknowledge.  One task per person addressed:
-- when it arrived, when they first opened it, when and how it was done.
CREATE TABLE document_tasks (
    id           INTEGER PRIMARY KEY,
    document_id  INTEGER NOT NULL REFERENCES documents (id),
    kind         TEXT NOT NULL,            -- direct | lead | coordinate | inform | handle
    user_id      INTEGER NOT NULL REFERENCES users (id),
    from_user_id INTEGER NOT NULL REFERENCES users (id),
    parent_id    INTEGER REFERENCES document_tasks (id),
    due_date     TEXT,                     -- YYYY-MM-DD, the last day
    note         TEXT,
    urgency_rank INTEGER NOT NULL,         -- 3 hỏa tốc, 2 thượng khẩn, 1 khẩn, 0 normal: the inbox's order
    status       TEXT NOT NULL,            -- pending | done
    arrived_at   INTEGER NOT NULL,
    viewed_at    INTEGER,
    done_at      INTEGER,
    result       TEXT
);
CREATE INDEX document_tasks_inbox ON document_tasks (user_id, status, urgency_rank, id);
CREATE INDEX document_tasks_doc ON document_tasks (document_id, id);
