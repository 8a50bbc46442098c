-- 0013 the appointment given to the applicant apart from the legal
-- deadline.  An apology with a new date (form 04) moves the appointment;
-- the dossier and its steps are still scored against the legal deadline
-- (due_at): resolved after it, a dossier is late, apology or not, as the
-- provinces' quarterly reports count it.  NULL: the appointment is the
-- legal deadline.
ALTER TABLE dossiers ADD COLUMN appointment_at BIGINT;

-- Dossiers in progress that were given a new date: the date becomes their
-- appointment and the legal deadline comes back from the extension record.
-- Finished ones keep the score recorded then (the statistics counted it).
UPDATE dossiers
   SET appointment_at = due_at,
       due_at = (EXTRACT(EPOCH FROM ((extra::jsonb -> 'extension' ->> 'old_due_at')::timestamptz)) * 1000)::bigint
 WHERE extended = 1 AND status = 'in_progress'
   AND (extra::jsonb -> 'extension' ->> 'old_due_at') IS NOT NULL;
