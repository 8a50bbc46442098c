-- 0021: on SQLite, dossier_steps becomes a table without rowid (one B-tree
-- on (dossier_id, seq) instead of a table and an index).  PostgreSQL keeps
-- its heap and primary-key index: there is no such layout to choose, and
-- nothing to change.  The version is kept so that both back-ends number
-- their migrations alike.
SELECT 1;
