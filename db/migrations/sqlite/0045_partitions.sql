-- 0045 (SQLite: nothing) PostgreSQL partitions dossiers, their steps and
-- events by month (postgresql/0045_partitions.sql); SQLite keeps one table
-- each.  The number is kept so that both back-ends count the same versions.
SELECT 1;
