-- 0016 forgotten passwords, reset at the counter (issue 10).
--
-- Until codes can be sent by SMS or e-mail, a citizen or a business who
-- forgot the password comes to a reception counter with the ID card; an
-- official holding account.reset checks the card, looks the account up by
-- its ID number (or tax code) and issues a one-time code, shown once.  The
-- citizen then sets a new password at /quen-mat-khau with the code.  Only
-- the code's SHA-256 is kept; a code expires, serves once, dies after a few
-- wrong tries and is superseded by the next code issued for the account.
-- The power is guarded (it reaches citizens' accounts): an administrator
-- gives it only when holding it.
INSERT INTO permissions (code, name, name_en) VALUES
 ('account.reset', 'Cấp mã đặt lại mật khẩu cho công dân, doanh nghiệp tại quầy',
  'Issue password reset codes to citizens and businesses at the counter');
INSERT INTO role_permissions (role_code, perm_code) VALUES
 ('clerk', 'account.reset'),
 ('agency_admin', 'account.reset'),
 ('sys_admin', 'account.reset');

CREATE TABLE password_resets (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id),
    code_hash  TEXT NOT NULL,            -- SHA-256 of the account id and the code; never the code
    issued_by  INTEGER NOT NULL REFERENCES users (id),
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    attempts   INTEGER NOT NULL DEFAULT 0, -- wrong codes tried against it
    used_at    INTEGER,                  -- the password was set with it
    revoked_at INTEGER                   -- superseded, or too many wrong tries
);
CREATE INDEX password_resets_user ON password_resets (user_id);
