-- 0035 hourly dashboard snapshots (issue 15): the figures a leader reads,
-- kept every hour per body as a long time series (one row per agency,
-- metric and hour; an absent row is 0), the hours taken, and the daily PDF
-- report of each body with leaders, queued in the outbox for them (the
-- outbox is rebuilt to take rows about a report: SQLite cannot change a
-- CHECK; its rows and ids are kept).
CREATE TABLE dashboard_snapshots (
    agency_id INTEGER NOT NULL REFERENCES agencies (id), -- a body (agencies.internal = 0): its own figure
    metric    TEXT NOT NULL,                              -- a name of the metric table (src/snapshot/metrics.c)
    at        INTEGER NOT NULL,                           -- the hour's end (ms, a whole UTC hour)
    value     INTEGER NOT NULL,                           -- never 0: no row means 0
    PRIMARY KEY (agency_id, metric, at)                   -- the series of M for A between t1 and t2
) WITHOUT ROWID;

CREATE TABLE snapshot_hours (
    at       INTEGER PRIMARY KEY,                         -- the hour taken (as dashboard_snapshots.at)
    taken_at INTEGER NOT NULL,                            -- when
    rows     INTEGER NOT NULL                             -- how many rows it wrote
);

CREATE TABLE snapshot_reports (
    id         INTEGER PRIMARY KEY,
    agency_id  INTEGER NOT NULL REFERENCES agencies (id), -- the body reported on
    day        TEXT NOT NULL,                             -- the day reported (YYYY-MM-DD, Vietnam)
    created_at INTEGER NOT NULL,
    figures    TEXT NOT NULL,                             -- JSON: what the PDF says
    pdf        BLOB NOT NULL,
    UNIQUE (agency_id, day)                               -- once a day, however many servers
);
CREATE INDEX snapshot_reports_day ON snapshot_reports (day);

CREATE TABLE outbox_new (
    id           INTEGER PRIMARY KEY,
    at           INTEGER NOT NULL,
    dossier_id   INTEGER,
    document_id  INTEGER,
    exchange_id  INTEGER,
    report_id    INTEGER,                                 -- a daily report sent to a leader
    event        TEXT NOT NULL,
    recipient    TEXT NOT NULL,                           -- JSON: user id, phone, e-mail, peer
    payload      TEXT NOT NULL,                           -- JSON
    delivered_at INTEGER,
    attempts     INTEGER NOT NULL DEFAULT 0,
    next_at      INTEGER,
    last_error   TEXT,
    CHECK (dossier_id IS NOT NULL OR document_id IS NOT NULL OR exchange_id IS NOT NULL OR report_id IS NOT NULL)
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
CREATE INDEX outbox_report_rows ON outbox (report_id) WHERE report_id IS NOT NULL;
