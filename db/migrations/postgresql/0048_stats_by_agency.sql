-- 0048 (PostgreSQL only; sqlite/0048 changes nothing) the statistics'
-- counters of an agency, period by period, in an index that holds them.
-- A province's statistics by agency read each period of the range for
-- every agency of the province (274 agencies x 16 periods for Ha Noi over
-- a year): through the primary key (period, agency_id, procedure_code)
-- each probe then fetched its rows from the table, one page a row, the
-- rows of an agency written at scattered times.  This index answers the
-- probe alone (an index-only scan: 35 -> 27 ms for Ha Noi's 16 periods,
-- pgbench on bench/national.sh's million dossiers), and its cost follows the agencies and
-- periods asked for, not the nation's dossiers.  The counters in it make
-- each upsert of a statistics row write this index as well.
--
-- Building it holds writes to dossier_stats (every transition's counters)
-- for its time: 4 s for 2.3 million rows (a million dossiers).  On a large
-- database build it beforehand without that lock, under the same name and
-- definition, and this migration then finds it (docs/operations.md):
--   CREATE INDEX CONCURRENTLY dossier_stats_agency ON dossier_stats ...
CREATE INDEX IF NOT EXISTS dossier_stats_agency ON dossier_stats (agency_id, period)
    INCLUDE (received_online, received_counter, resolved_early, resolved_on_time,
             resolved_late, refused, withdrawn, stopped);
