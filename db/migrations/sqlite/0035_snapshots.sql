-- 0035 hourly dashboard snapshots (issue 15): the figures a leader reads,
-- kept every hour per body as a long time series (one row per agency,
-- metric and hour; an absent row is 0), the hours taken, and the daily PDF
-- report of each body with leaders, queued in the outbox for them (topic
-- 'snapshot_reports', 0032).
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

