-- 0009 the stored answer of an idempotent request keeps its ETag, so that a
-- replayed workflow action answers like the first one.
ALTER TABLE idempotency ADD COLUMN etag TEXT;
