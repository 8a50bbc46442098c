-- 0012 official holiday schedules.  Each year the Prime Minister or the
-- Ministry of Home Affairs decides the exact days off of civil servants
-- (Tết, the long weekends) and the Saturdays worked in exchange; the
-- decision replaces the Labor Code rules for its year.  A year listed here
-- takes its non-weekend days off and its make-up working days from
-- calendar_year_days only (calendar_exceptions still apply on top).
CREATE TABLE calendar_years (
    year       BIGINT PRIMARY KEY,
    decision   TEXT NOT NULL,              -- number, issuer of the decision(s)
    decided_on TEXT NOT NULL,              -- YYYY-MM-DD
    source     TEXT NOT NULL DEFAULT '',   -- where it was published
    updated_at BIGINT NOT NULL,
    updated_by BIGINT NOT NULL DEFAULT 0     -- 0: the data shipped with motcua
);

CREATE TABLE calendar_year_days (
    day     TEXT PRIMARY KEY,              -- YYYY-MM-DD, local date
    year    BIGINT NOT NULL REFERENCES calendar_years (year),
    working BIGINT NOT NULL,                -- 1 make-up working day, 0 day off
    name    TEXT NOT NULL
);
CREATE INDEX calendar_year_days_year ON calendar_year_days (year);
