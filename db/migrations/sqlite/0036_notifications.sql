-- 0036 notifications that reach people (issue 16): the outbox's rows about
-- dossiers, documents, calendars, polls, directives and reports are sent
-- by e-mail and SMS and written to the recipient's in-app inbox.  A row is
-- planned once (planned_at): its inbox message written and one delivery
-- per channel queued; it is acknowledged (delivered_at) when none of its
-- deliveries is left pending or being sent.
ALTER TABLE outbox ADD COLUMN planned_at INTEGER;
-- what is there before this version was never meant to be sent now
UPDATE outbox SET planned_at = at WHERE exchange_id IS NULL;
CREATE INDEX outbox_unplanned ON outbox (id) WHERE planned_at IS NULL AND exchange_id IS NULL;

-- one message by one channel: pending (next_at: when it is tried), sending
-- (claimed: recorded before the message leaves), sent, or dead (given up,
-- refused by the other side, or its outcome unknown after a crash: never
-- sent twice, listed for an operator to retry)
CREATE TABLE deliveries (
    id         INTEGER PRIMARY KEY,
    outbox_id  INTEGER NOT NULL REFERENCES outbox (id),
    channel    TEXT NOT NULL CHECK (channel IN ('email', 'sms')),
    address    TEXT NOT NULL,                      -- the e-mail address or the phone number
    lang       TEXT NOT NULL CHECK (lang IN ('vi', 'en')),
    name       TEXT NOT NULL,                      -- the recipient's name (the e-mail's To)
    subject    TEXT,                               -- e-mail: its subject (SMS: none)
    body       TEXT NOT NULL,                      -- as rendered when planned (a code in it blanked once sent)
    state      TEXT NOT NULL CHECK (state IN ('pending', 'sending', 'sent', 'dead')),
    attempts   INTEGER NOT NULL DEFAULT 0,
    next_at    INTEGER,
    sending_at INTEGER,
    sent_at    INTEGER,
    last_error TEXT,
    created_at INTEGER NOT NULL,
    UNIQUE (outbox_id, channel)
);
CREATE INDEX deliveries_due ON deliveries (next_at) WHERE state = 'pending';
CREATE INDEX deliveries_sending ON deliveries (sending_at) WHERE state = 'sending';
CREATE INDEX deliveries_state ON deliveries (state, id);
-- housekeeping removes what was sent 90 days ago
CREATE INDEX deliveries_sent ON deliveries (sent_at) WHERE state = 'sent';

-- the in-app inbox: the message as it was written for the user, in their
-- language, when the row was planned
CREATE TABLE inbox_messages (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id),
    outbox_id  INTEGER NOT NULL UNIQUE REFERENCES outbox (id),
    event      TEXT NOT NULL,
    subject    TEXT NOT NULL,
    body       TEXT NOT NULL,
    link       TEXT,                               -- a path on this site
    created_at INTEGER NOT NULL,
    read_at    INTEGER
);
CREATE INDEX inbox_messages_user ON inbox_messages (user_id, id);
CREATE INDEX inbox_messages_unread ON inbox_messages (user_id) WHERE read_at IS NULL;

-- the language of the messages a user is sent (vi | en)
ALTER TABLE users ADD COLUMN lang TEXT NOT NULL DEFAULT 'vi';

INSERT INTO permissions (code, name, name_en, guarded) VALUES
 ('notify.admin', 'Theo dõi và gửi lại thông báo không gửi được', 'Watch notifications and retry those not delivered', 1);
INSERT INTO role_permissions (role_code, perm_code) VALUES ('sys_admin', 'notify.admin');
