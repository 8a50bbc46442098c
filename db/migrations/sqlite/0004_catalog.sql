-- 0004 procedure catalog.  A procedure is identified by its national code;
-- every edit adds a new version, and a dossier keeps the version it began
-- with (dossiers.procedure_id).  The whole definition (papers, form schema,
-- fees, steps, legal basis) is one JSON document; the columns beside it are
-- copies for searching and filtering.
CREATE TABLE procedures (
    id              INTEGER PRIMARY KEY,
    code            TEXT NOT NULL,          -- national code, e.g. 1.001193
    version         INTEGER NOT NULL,
    is_current      INTEGER NOT NULL DEFAULT 1,
    name            TEXT NOT NULL,
    name_en         TEXT NOT NULL,
    field_code      TEXT NOT NULL,
    field           TEXT NOT NULL,
    field_en        TEXT NOT NULL,
    level           TEXT NOT NULL,          -- commune | province
    time_value      INTEGER NOT NULL,
    time_unit       TEXT NOT NULL,          -- working_day | working_hour
    online_level    TEXT NOT NULL,          -- full | partial
    active          INTEGER NOT NULL DEFAULT 1,
    search_key      TEXT NOT NULL,
    definition      TEXT NOT NULL,          -- JSON
    created_at      INTEGER NOT NULL,
    created_by      INTEGER NOT NULL,       -- 0 = seed / system
    UNIQUE (code, version)
);
CREATE INDEX procedures_current ON procedures (is_current, code);
CREATE INDEX procedures_field ON procedures (is_current, field_code);

-- Days an admin declares off or working (the government's swaps around
-- holidays, compensatory days); read by the working-time calendar.
CREATE TABLE calendar_exceptions (
    day        TEXT PRIMARY KEY,            -- YYYY-MM-DD, local date
    working    INTEGER NOT NULL,            -- 1 make-up working day, 0 day off
    name       TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    created_by INTEGER NOT NULL
);

INSERT INTO permissions (code, name, name_en) VALUES
 ('catalog.manage',  'Quản lý danh mục thủ tục hành chính', 'Manage the procedure catalog'),
 ('calendar.manage', 'Khai báo ngày nghỉ, ngày làm bù',     'Declare days off and make-up working days');
INSERT INTO role_permissions (role_code, perm_code) VALUES
 ('sys_admin', 'catalog.manage'),
 ('sys_admin', 'calendar.manage');
