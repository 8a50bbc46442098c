-- 0044 the servers that serve on this database (issue 18): each `motcua
-- serve` notes itself when it starts and when it stops, with the release
-- it runs and the schema version it knows, so that during a rolling
-- upgrade an operator sees which servers still run the old release - and
-- so when a later release may drop what only the old one used (expand,
-- then contract: docs/operations.md, "Upgrades without downtime").  A
-- server that was killed keeps stopped_at NULL.  Only added: servers of
-- the release before this one run on against it without knowing it.

CREATE TABLE servers (
    id           INTEGER PRIMARY KEY,
    host         TEXT NOT NULL,     -- the machine's name
    listen       TEXT NOT NULL,     -- the address it listens on
    pid          INTEGER NOT NULL,
    version      TEXT NOT NULL,     -- motcua --version
    schema_known INTEGER NOT NULL,  -- the latest migration it carries
    started_at   INTEGER NOT NULL,
    stopped_at   INTEGER
);
CREATE INDEX servers_started ON servers (started_at);
