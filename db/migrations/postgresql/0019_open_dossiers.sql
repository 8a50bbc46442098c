-- 0019 the open dossiers (those at an agency now) in id order: a work
-- queue reads the newest matching ones first (src/dossier/queue.c), and
-- without this index the database could only walk every dossier ever
-- filed, most of them long finished, to find them.
CREATE INDEX dossiers_open ON dossiers (id) WHERE current_agency_id IS NOT NULL;
