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

-- Internal units.  An agency is either a body of its own (a department, a
-- ward committee, a ward police, a school) or an internal unit of its
-- parent (a phòng, ban, chi nhánh) that acts in the parent's name.  A step
-- of a dossier is acted on by officials of the step's agency and of its
-- internal units, never by a subordinate body; reading still reaches down
-- the whole subtree.  agency_tree.same_body is 1 when the descendant is
-- the ancestor itself or is reached from it through internal units only.
ALTER TABLE agencies ADD COLUMN internal BIGINT NOT NULL DEFAULT 0;
ALTER TABLE agency_tree ADD COLUMN same_body BIGINT NOT NULL DEFAULT 0;
-- Existing agencies: divisions and the service centre's branches are
-- internal units (they could act on their parent's steps before, and
-- still may); every other agency is a body of its own.
UPDATE agencies SET internal = 1 WHERE kind IN ('division', 'branch') AND parent_id IS NOT NULL;
UPDATE agency_tree SET same_body = CASE WHEN EXISTS (
    SELECT 1 FROM agency_tree up
      JOIN agency_tree down ON down.ancestor_id = up.descendant_id
      JOIN agencies x ON x.id = up.descendant_id
     WHERE up.ancestor_id = agency_tree.ancestor_id AND up.depth >= 1
       AND down.descendant_id = agency_tree.descendant_id AND x.internal = 0)
  THEN 0 ELSE 1 END;
