-- 0045 (PostgreSQL only; sqlite/0045 changes nothing) dossiers, their steps
-- and their events partitioned by month (issue 18, the national scale: 330
-- million dossiers).
--
-- The partition key is the dossier's id, and the id carries the month of
-- its code: a dossier coded <agency>-<YYMMDD>-<NNNN> in month k (k = (year
-- - 2020) * 12 + month - 1, Vietnam's date, the one in the code) gets
--     id = (k + 1) * 10^10 + nextval('dossier_ids')
-- so that month k's partition holds ids [(k + 1) * 10^10, (k + 2) * 10^10).
-- Partitioning on the id keeps what a partition key elsewhere would break:
-- the primary key stays (id), so the twelve foreign keys that point at
-- dossiers (steps, events, files, payments, linked procedures, ...) stay as
-- they are; steps and events are partitioned on dossier_id by the same
-- bounds, so a dossier and all its rows sit in one month's partitions.
-- Ids still grow with time and stay below 2^53 (JavaScript's exact
-- integers) for centuries.  A lookup by code names its month (the API adds
-- the id range the code implies: src/dossier/dossier.c, mc_dossier_code_ids)
-- and reads one partition's index, not every month's.
--
-- The code is no longer UNIQUE in the schema: a partitioned table's unique
-- index must hold the partition key.  Codes stay unique by construction:
-- the gap-free per agency and day counter (dossier_sequences) hands each
-- out once, in the transaction that inserts the dossier.
--
-- Rows written before this migration, and any dossier whose code holds no
-- date, keep ids below 10^10: the "legacy" partition.  A DEFAULT partition
-- takes a month whose partition does not exist yet, so intake never fails
-- for it; housekeeping creates the coming months ahead
-- (mc_dossier_partitions, below), so the default partition stays empty.

CREATE SEQUENCE dossier_ids;
SELECT setval('dossier_ids', GREATEST((SELECT COALESCE(MAX(id), 0) FROM dossiers), 1));
CREATE SEQUENCE dossier_event_ids;
SELECT setval('dossier_event_ids', GREATEST((SELECT COALESCE(MAX(id), 0) FROM dossier_events), 1));

-- The month index of a code (NULL for a code without a date).
CREATE FUNCTION mc_dossier_month(code TEXT) RETURNS INT LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN d IS NULL OR substr(d, 3, 2)::int NOT BETWEEN 1 AND 12 THEN NULL
                ELSE (substr(d, 1, 2)::int + 2000 - 2020) * 12 + substr(d, 3, 2)::int - 1 END
      FROM (SELECT substring(code FROM '-([0-9]{4})[0-9]{2}-[0-9]+$') AS d) x
$$;

-- A new dossier's id, from its code.
CREATE FUNCTION mc_dossier_id(code TEXT) RETURNS BIGINT LANGUAGE sql VOLATILE AS $$
    SELECT CASE WHEN k >= 0 THEN (k + 1)::bigint * 10000000000 ELSE 0 END + nextval('dossier_ids')
      FROM (SELECT mc_dossier_month(code) AS k) x
$$;

-- Creates the partitions of months from_k to to_k of the three tables that
-- do not exist yet; returns how many it created.
CREATE FUNCTION mc_dossier_partitions(from_k INT, to_k INT) RETURNS INT LANGUAGE plpgsql AS $$
DECLARE
    k INT;
    t TEXT;
    part TEXT;
    lo BIGINT;
    n INT := 0;
BEGIN
    FOR k IN GREATEST(from_k, 0) .. to_k LOOP
        lo := (k + 1)::bigint * 10000000000;
        FOREACH t IN ARRAY ARRAY['dossiers', 'dossier_steps', 'dossier_events'] LOOP
            part := format('%s_m%s%s', t, 2020 + k / 12, lpad((k % 12 + 1)::text, 2, '0'));
            IF to_regclass(part) IS NULL THEN
                EXECUTE format('CREATE TABLE %I PARTITION OF %I FOR VALUES FROM (%s) TO (%s)',
                               part, t, lo, lo + 10000000000);
                n := n + 1;
            END IF;
        END LOOP;
    END LOOP;
    RETURN n;
END
$$;

-- The foreign keys from and to the three tables, as written, are dropped
-- while the tables are rebuilt and added again at the end (their text
-- names the tables, which then are the partitioned ones).
CREATE TEMPORARY TABLE mc_fks ON COMMIT DROP AS
    SELECT conrelid::regclass::text AS tbl, conname AS name, pg_get_constraintdef(oid) AS def
      FROM pg_constraint
     WHERE contype = 'f'
       AND (conrelid IN ('dossiers'::regclass, 'dossier_steps'::regclass, 'dossier_events'::regclass)
            OR confrelid IN ('dossiers'::regclass, 'dossier_steps'::regclass, 'dossier_events'::regclass));
DO $$
DECLARE f RECORD;
BEGIN
    FOR f IN SELECT * FROM mc_fks LOOP
        EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I', f.tbl, f.name);
    END LOOP;
END
$$;

-- The same columns (LIKE: types, NOT NULL, defaults), partitioned.
CREATE TABLE dossiers_p (LIKE dossiers INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING STORAGE)
    PARTITION BY RANGE (id);
ALTER TABLE dossiers_p ALTER COLUMN id SET DEFAULT nextval('dossier_ids');
ALTER TABLE dossiers_p ADD PRIMARY KEY (id);
CREATE TABLE dossiers_legacy PARTITION OF dossiers_p FOR VALUES FROM (MINVALUE) TO (10000000000);
CREATE TABLE dossiers_default PARTITION OF dossiers_p DEFAULT;
INSERT INTO dossiers_p SELECT * FROM dossiers;
DROP TABLE dossiers;
ALTER TABLE dossiers_p RENAME TO dossiers;
ALTER INDEX dossiers_p_pkey RENAME TO dossiers_pkey;

CREATE TABLE dossier_steps_p (LIKE dossier_steps INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING STORAGE)
    PARTITION BY RANGE (dossier_id);
ALTER TABLE dossier_steps_p ADD PRIMARY KEY (dossier_id, seq);
CREATE TABLE dossier_steps_legacy PARTITION OF dossier_steps_p FOR VALUES FROM (MINVALUE) TO (10000000000);
CREATE TABLE dossier_steps_default PARTITION OF dossier_steps_p DEFAULT;
INSERT INTO dossier_steps_p SELECT * FROM dossier_steps;
DROP TABLE dossier_steps;
ALTER TABLE dossier_steps_p RENAME TO dossier_steps;
ALTER INDEX dossier_steps_p_pkey RENAME TO dossier_steps_pkey;

-- The events' key becomes (dossier_id, id): the index the timeline reads
-- (dossier_events_dossier) was already that.
CREATE TABLE dossier_events_p (LIKE dossier_events INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING STORAGE)
    PARTITION BY RANGE (dossier_id);
ALTER TABLE dossier_events_p ALTER COLUMN id SET DEFAULT nextval('dossier_event_ids');
ALTER TABLE dossier_events_p ADD PRIMARY KEY (dossier_id, id);
CREATE TABLE dossier_events_legacy PARTITION OF dossier_events_p FOR VALUES FROM (MINVALUE) TO (10000000000);
CREATE TABLE dossier_events_default PARTITION OF dossier_events_p DEFAULT;
INSERT INTO dossier_events_p SELECT * FROM dossier_events;
DROP TABLE dossier_events;
ALTER TABLE dossier_events_p RENAME TO dossier_events;
ALTER INDEX dossier_events_p_pkey RENAME TO dossier_events_pkey;

-- The indexes (0005, 0015, 0019), on every partition.
CREATE INDEX dossiers_code ON dossiers (code);
CREATE INDEX dossiers_queue ON dossiers (current_agency_id, status, due_at);
CREATE INDEX dossiers_competent ON dossiers (competent_agency_id, status, due_at);
CREATE INDEX dossiers_applicant ON dossiers (applicant_id, id);
CREATE INDEX dossiers_assignee ON dossiers (assignee_id, status);
CREATE INDEX dossiers_received ON dossiers (received_agency_id, received_at);
CREATE INDEX dossiers_completed ON dossiers (completed_at);
CREATE INDEX dossiers_open ON dossiers (id) WHERE current_agency_id IS NOT NULL;
CREATE UNIQUE INDEX dossier_views ON dossier_events (dossier_id, actor_id, step) WHERE action = 'view';

DO $$
DECLARE f RECORD;
BEGIN
    FOR f IN SELECT * FROM mc_fks ORDER BY tbl, name LOOP
        EXECUTE format('ALTER TABLE %s ADD CONSTRAINT %I %s', f.tbl, f.name, f.def);
    END LOOP;
END
$$;

-- This month and the next three, by Vietnam's calendar (housekeeping keeps
-- three months ahead from now on).
SELECT mc_dossier_partitions(k - 1, k + 3)
  FROM (SELECT ((extract(year FROM t) - 2020) * 12 + extract(month FROM t) - 1)::int AS k
          FROM (SELECT now() AT TIME ZONE 'Asia/Ho_Chi_Minh' AS t) x) y;
