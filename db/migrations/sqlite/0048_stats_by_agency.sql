-- 0048 (SQLite: nothing) PostgreSQL indexes the statistics' counters by
-- agency and period (postgresql/0048_stats_by_agency.sql) for the
-- provinces of a national database; SQLite holds one city, whose
-- statistics read through the primary key (bench/dossiers.sh).
SELECT 1;
