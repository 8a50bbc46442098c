-- 0020: the public tracking answer stored gzip-compressed (a third of its
-- size: about 750 bytes instead of 2,200 a dossier), and sent as it is to
-- clients that accept gzip.  A dossier rendered before keeps its
-- track_json text until its next change writes track_gz (and clears the
-- text); readers take whichever is there.
ALTER TABLE dossiers ADD COLUMN track_gz BYTEA;
