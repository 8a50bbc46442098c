-- 0047 (PostgreSQL only; sqlite/0047 changes nothing) the open dossiers of
-- a competent agency, in an index of their own.  The statistics' "in
-- progress" figures and the dashboard's count, for every agency of a
-- subtree, the dossiers taken in and not finished.  Since 0045 the full
-- index (dossiers_competent) is one per month's partition, each as deep as
-- its month is large, and an agency's probe went through every month: 274
-- agencies of a province x 18 partitions, 27 ms at a million dossiers
-- (bench/national.sh).  Open dossiers are the recent ones: in an old
-- month's partition this index is empty, a probe one page.
CREATE INDEX dossiers_pending ON dossiers (competent_agency_id, status, due_at)
    WHERE status IN ('submitted', 'in_progress', 'supplement_requested');
