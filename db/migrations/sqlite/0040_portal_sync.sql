-- 0040 dossiers synchronised with the national public-service portal
-- (Cổng DVCQG, issue 17): a row per change of a dossier's status, written
-- in the transaction of the change (src/dossier/workflow.c mc__event); the
-- worker (src/portal) sends each dossier's rows in order, one at a time,
-- the payload built from the dossier as it is when sent.
--   pending   due at next_at (a row waits while an earlier row of its
--             dossier is not accepted: the portal sees each status in order)
--   sending   claimed (committed before the request leaves); past the
--             lease it goes back to pending: the portal's update by MaHoSo
--             is idempotent, sending it twice does no harm
--   accepted  the portal answered error_code 0 (its answer and the payload
--             it accepted are kept)
--   failed    refused for good, or out of tries: listed for an operator,
--             who retries it once the cause is fixed
CREATE TABLE portal_sync (
    id          INTEGER PRIMARY KEY,
    dossier_id  INTEGER NOT NULL REFERENCES dossiers (id),
    at          INTEGER NOT NULL,                  -- when the change happened
    action      TEXT NOT NULL,                     -- the dossier event: submit, receive, forward, return...
    status      TEXT NOT NULL,                     -- the dossier's status after it
    state       TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sending', 'accepted', 'failed')),
    attempts    INTEGER NOT NULL DEFAULT 0,
    next_at     INTEGER NOT NULL,
    sending_at  INTEGER,
    accepted_at INTEGER,
    last_error  TEXT,
    payload     TEXT,                              -- what was sent last (JSON)
    answer      TEXT                               -- the portal's last answer (JSON, or its text)
);
CREATE INDEX portal_sync_due ON portal_sync (next_at) WHERE state = 'pending';
CREATE INDEX portal_sync_sending ON portal_sync (sending_at) WHERE state = 'sending';
CREATE INDEX portal_sync_dossier ON portal_sync (dossier_id, id);
CREATE INDEX portal_sync_state ON portal_sync (state, id);
