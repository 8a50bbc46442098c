-- 0010 uploads have a life: an upload that no dossier names is the user's
-- pending file, counted against their quota and removed after a while
-- (housekeeping); attached_at is set when a submission, a counter intake or
-- a supplement names it.  Every upload made before this migration counts as
-- attached: nothing that exists is ever purged by it.
ALTER TABLE uploads ADD COLUMN attached_at BIGINT;
UPDATE uploads SET attached_at = created_at;
CREATE INDEX uploads_pending ON uploads (user_id) WHERE attached_at IS NULL;
CREATE INDEX uploads_purge ON uploads (created_at) WHERE attached_at IS NULL;
-- The bytes stored before uploads had owners (0007) may be named by a
-- dossier without any upload row: they are kept for good.
ALTER TABLE blobs ADD COLUMN kept INTEGER NOT NULL DEFAULT 0;
UPDATE blobs SET kept = 1;
