-- 0047 (SQLite: nothing) PostgreSQL indexes the open dossiers of a
-- competent agency apart (postgresql/0047_pending_index.sql): its dossiers
-- are partitioned by month; SQLite's one table has dossiers_competent.
SELECT 1;
