-- 0049 (SQLite: nothing) PostgreSQL computes a new dossier's id in
-- PL/pgSQL (postgresql/0049_dossier_id_plpgsql.sql); SQLite's
-- mc_dossier_id is registered by the driver and gives the next rowid.
SELECT 1;
