-- 0014 an agency's own office hours ("07:00-11:30,13:00-16:30"): its
-- deadlines in working time run in them.  NULL: the configured office
-- hours (office_hours, by default 07:30-11:30,13:00-17:00).
ALTER TABLE agencies ADD COLUMN office_hours TEXT;
