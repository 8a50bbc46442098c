-- 0018 the public tracking answer gained English step and unit names and
-- overdue_at (issue 10): the stored answers are dropped, and each is built
-- again when it is next read (mc_dossier_track_text) or the dossier moves.
UPDATE dossiers SET track_json = NULL WHERE track_json IS NOT NULL;
