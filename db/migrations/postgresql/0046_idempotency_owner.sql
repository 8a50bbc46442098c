-- 0046 (PostgreSQL: the same schema as sqlite/0046) who holds a
-- reservation of the idempotency store (a row with status 0): a token the
-- reserving request draws at random, so that a request whose reservation
-- was taken over (its owner found gone: src/api/middleware.c) can neither
-- store its answer over the new owner's nor delete it.  NULL on rows
-- reserved by a release before this one, which are taken over after 5
-- minutes only, as that release does.  Only added: servers of the release
-- before this one run on against it.
ALTER TABLE idempotency ADD COLUMN owner TEXT;
