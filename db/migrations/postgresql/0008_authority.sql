-- 0008 rules of authority (issue 8).
--
-- Guarded permissions.  Nobody creates, changes, disables or resets the
-- password of an account holding a guarded permission they do not hold
-- themselves, nor gives a role carrying one (src/auth/powers.c).  Every
-- permission is guarded unless it is everyday work that an administrator
-- hands out without doing the work: an agency administrator manages
-- clerks without taking in dossiers.  A permission added later is guarded
-- until its migration says otherwise.
ALTER TABLE permissions ADD COLUMN guarded BIGINT NOT NULL DEFAULT 1;
UPDATE permissions SET guarded = 0
 WHERE code IN ('directory.read', 'dossier.intake', 'dossier.process', 'dossier.read', 'stats.read');
