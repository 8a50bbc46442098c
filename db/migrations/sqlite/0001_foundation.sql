-- 0001 foundation: units, agencies, users, roles, sessions, audit, idempotency.
-- Instants are INTEGER milliseconds since the epoch (UTC); booleans 0/1.

CREATE TABLE units (
    era           TEXT NOT NULL,          -- 'current' (since 2025-07-01) or '2025-03'
    code          TEXT NOT NULL,          -- GSO code: province 2, district 3, ward 5 digits
    level         TEXT NOT NULL,          -- province | district | ward
    name          TEXT NOT NULL,
    name_en       TEXT NOT NULL,
    full_name     TEXT NOT NULL,
    full_name_en  TEXT NOT NULL,
    code_name     TEXT NOT NULL,
    kind          TEXT NOT NULL,          -- short kind name, e.g. Phường, Xã, Tỉnh
    kind_en       TEXT NOT NULL,
    parent_code   TEXT,
    province_code TEXT NOT NULL,
    search_key    TEXT NOT NULL,          -- lower case, no diacritics
    PRIMARY KEY (era, code)
);
CREATE INDEX units_parent ON units (era, parent_code);

CREATE TABLE unit_changes (
    old_province_code TEXT NOT NULL,
    old_ward_code     TEXT NOT NULL,
    new_ward_code     TEXT NOT NULL,
    effective_on      TEXT NOT NULL,
    PRIMARY KEY (old_ward_code, new_ward_code)
);
CREATE INDEX unit_changes_new ON unit_changes (new_ward_code);

CREATE TABLE agencies (
    id            INTEGER PRIMARY KEY,
    code          TEXT NOT NULL UNIQUE,   -- national agency code, e.g. 000.00.00.H29
    parent_id     INTEGER REFERENCES agencies (id),
    kind          TEXT NOT NULL,          -- city_committee | department | service_centre | branch | ward_committee
    name          TEXT NOT NULL,
    name_en       TEXT NOT NULL,
    unit_code     TEXT NOT NULL,
    province_code TEXT NOT NULL,
    active        INTEGER NOT NULL DEFAULT 1,
    created_at    INTEGER NOT NULL
);
CREATE INDEX agencies_parent ON agencies (parent_id);

-- Closure table: one row per (ancestor, descendant), self included, so that
-- "within my jurisdiction" is one indexed join.
CREATE TABLE agency_tree (
    ancestor_id   INTEGER NOT NULL REFERENCES agencies (id),
    descendant_id INTEGER NOT NULL REFERENCES agencies (id),
    depth         INTEGER NOT NULL,
    PRIMARY KEY (ancestor_id, descendant_id)
);
CREATE INDEX agency_tree_desc ON agency_tree (descendant_id);

CREATE TABLE counters (
    id        INTEGER PRIMARY KEY,
    code      TEXT NOT NULL UNIQUE,
    agency_id INTEGER NOT NULL REFERENCES agencies (id),
    name      TEXT NOT NULL,
    name_en   TEXT NOT NULL,
    active    INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX counters_agency ON counters (agency_id);

CREATE TABLE roles (
    code    TEXT PRIMARY KEY,
    kind    TEXT NOT NULL,                -- official | public
    name    TEXT NOT NULL,
    name_en TEXT NOT NULL
);

CREATE TABLE permissions (
    code    TEXT PRIMARY KEY,
    name    TEXT NOT NULL,
    name_en TEXT NOT NULL
);

CREATE TABLE role_permissions (
    role_code TEXT NOT NULL REFERENCES roles (code),
    perm_code TEXT NOT NULL REFERENCES permissions (code),
    PRIMARY KEY (role_code, perm_code)
);

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    kind          TEXT NOT NULL,          -- citizen | business | official
    username      TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    full_name     TEXT NOT NULL,
    id_number     TEXT UNIQUE,            -- 12-digit citizen ID
    tax_code      TEXT UNIQUE,            -- businesses
    birth_date    TEXT,
    sex           TEXT,
    phone         TEXT,
    email         TEXT,
    address       TEXT,
    ward_code     TEXT,
    agency_id     INTEGER REFERENCES agencies (id),
    position      TEXT,
    position_en   TEXT,
    status        TEXT NOT NULL DEFAULT 'active',
    province_code TEXT NOT NULL,
    version       INTEGER NOT NULL DEFAULT 1,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL
);
CREATE INDEX users_agency ON users (agency_id);

CREATE TABLE user_roles (
    user_id   INTEGER NOT NULL REFERENCES users (id),
    role_code TEXT NOT NULL REFERENCES roles (code),
    PRIMARY KEY (user_id, role_code)
);

CREATE TABLE sessions (
    id           INTEGER PRIMARY KEY,
    token_hash   TEXT NOT NULL UNIQUE,   -- SHA-256 of the token; the token itself is never stored
    user_id      INTEGER NOT NULL REFERENCES users (id),
    kind         TEXT NOT NULL,          -- cookie | bearer
    csrf_token   TEXT NOT NULL,
    created_at   INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL,
    revoked_at   INTEGER
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE login_failures (
    key          TEXT PRIMARY KEY,       -- 'u:' || sha256(username) or 'a:' || address
    window_start INTEGER NOT NULL,
    count        INTEGER NOT NULL
);

CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY,     -- gap-free, from audit_head
    at          INTEGER NOT NULL,
    actor_id    INTEGER,
    action      TEXT NOT NULL,
    object_type TEXT NOT NULL,
    object_id   TEXT NOT NULL,
    source      TEXT NOT NULL,
    detail      TEXT NOT NULL,
    prev_hash   TEXT NOT NULL,
    hash        TEXT NOT NULL
);

CREATE TABLE audit_head (
    id        INTEGER PRIMARY KEY CHECK (id = 1),
    last_id   INTEGER NOT NULL,
    last_hash TEXT NOT NULL
);
INSERT INTO audit_head (id, last_id, last_hash)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

CREATE TABLE idempotency (
    user_id      INTEGER NOT NULL,       -- 0 for anonymous callers
    key          TEXT NOT NULL,
    method       TEXT NOT NULL,
    path         TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    status       INTEGER NOT NULL,       -- 0 while the first request runs
    content_type TEXT,
    body         TEXT,
    location     TEXT,
    created_at   INTEGER NOT NULL,
    PRIMARY KEY (user_id, key)
);
