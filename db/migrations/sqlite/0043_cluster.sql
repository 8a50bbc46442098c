-- 0043 several servers on one database (issue 18): what the servers of a
-- cluster must share to behave as one.

-- The revocation counter: one more in every transaction that ends a
-- session or changes an account's status or powers.  A server reuses a
-- session it resolved only while the counter has not moved since.
CREATE TABLE auth_epoch (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    n  INTEGER NOT NULL
);
INSERT INTO auth_epoch (id, n) VALUES (1, 0);

-- Shares of a per-minute allowance (public tracking's track_limit per
-- address): a server claims a chunk, serves from it, claims again when it
-- is used up; used never passes the limit.  key: a prefix and the SHA-256
-- of the address.  Rows of past minutes are removed by housekeeping.
CREATE TABLE rate_quota (
    key     TEXT NOT NULL,
    minute  INTEGER NOT NULL,
    used    INTEGER NOT NULL,
    granted INTEGER NOT NULL,  -- what the last claim got
    PRIMARY KEY (key, minute)
);

-- Work that runs on one server of the cluster at a time (housekeeping,
-- the hourly snapshots): held by holder until expires_at, renewed by it at
-- each round, taken over by another once it has expired.
CREATE TABLE leases (
    name       TEXT PRIMARY KEY,
    holder     TEXT NOT NULL,
    expires_at INTEGER NOT NULL,
    taken_at   INTEGER NOT NULL
);
