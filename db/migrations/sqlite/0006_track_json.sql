-- 0006 the public tracking answer of each dossier, rendered in the
-- transaction of every transition, so that tracking (the most frequent
-- public read) is one indexed read.  NULL = not rendered yet (built on the
-- fly).
ALTER TABLE dossiers ADD COLUMN track_json TEXT;
