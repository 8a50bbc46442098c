-- 0019 on PostgreSQL, an index of the open dossiers (those at an agency
-- now) in id order, so that a work queue need not walk every dossier ever
-- filed to find the newest open ones.  Not on SQLite: its planner, which
-- has no statistics here, then walks that index for every queue, a
-- clerk's narrow one too (64 ms instead of 0.05 ms at a million
-- dossiers, bench/queue_plans.sh); the queues' own indexes serve it.
SELECT 1;
