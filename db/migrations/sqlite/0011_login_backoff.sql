-- 0011 failed logins are counted per account and address (an attacker who
-- knows a citizen's ID number must not lock the owner out from elsewhere),
-- with waits that double after each failure past the free ones: the time
-- of the last failure is kept for that.  Per-account rows ('u:...') are no
-- longer written; housekeeping removes the old ones with their window.
ALTER TABLE login_failures ADD COLUMN last_at INTEGER;
UPDATE login_failures SET last_at = window_start;
