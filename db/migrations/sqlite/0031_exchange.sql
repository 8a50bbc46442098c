-- 0031 inter-agency exchange, edXML (QCVN 102:2016; issue 14): the
-- agencies elsewhere that this platform exchanges documents with, the
-- packages sent and received, and the status messages about them; the
-- outbox carries the sending, retried until the other side takes it.
CREATE TABLE exchange_peers (
    id         INTEGER PRIMARY KEY,
    organ_id   TEXT NOT NULL UNIQUE,               -- its code (OrganId), 000.00.00.G01
    name       TEXT NOT NULL,
    url        TEXT NOT NULL,                      -- where its edXML endpoint takes packages
    ca_pem     TEXT NOT NULL,                      -- the CA its agencies' seals chain to
    created_at INTEGER NOT NULL
);

CREATE TABLE exchange_packages (
    id           INTEGER PRIMARY KEY,
    direction    TEXT NOT NULL CHECK (direction IN ('out', 'in')),
    agency_id    INTEGER NOT NULL REFERENCES agencies (id), -- ours: its sender (out), its recipient (in)
    peer_id      INTEGER NOT NULL REFERENCES exchange_peers (id),
    document_id  INTEGER REFERENCES documents (id), -- out: the issued document; in: once registered
    package_id   TEXT NOT NULL,                     -- its DocumentId
    code         TEXT NOT NULL,                     -- the document's number and symbol, 15/QĐ-STP
    promulgated  TEXT NOT NULL,                     -- its date, YYYY/MM/DD
    subject      TEXT NOT NULL,
    -- out: queued | delivered | failed | revoked;
    -- in: arrived | registered | refused | revoked
    state        TEXT NOT NULL,
    status_code  TEXT,                              -- the last status message's, 01 .. 16
    package      TEXT NOT NULL,                     -- the signed edXML, as sent or received
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL,
    UNIQUE (direction, peer_id, package_id, agency_id)
);
CREATE INDEX exchange_packages_agency ON exchange_packages (agency_id, direction, state, id);
CREATE INDEX exchange_packages_document ON exchange_packages (document_id);

CREATE TABLE exchange_statuses (
    id          INTEGER PRIMARY KEY,
    package     INTEGER NOT NULL REFERENCES exchange_packages (id),
    direction   TEXT NOT NULL CHECK (direction IN ('out', 'in')), -- sent by us, or to us
    code        TEXT NOT NULL,                      -- 01 arrived .. 06 completed, 13, 15, 16
    description TEXT,
    staff       TEXT,
    at          INTEGER NOT NULL,
    message     TEXT NOT NULL,                      -- the signed status message
    sha256      TEXT NOT NULL                       -- its SHA-256: one received twice is kept once
);
CREATE INDEX exchange_statuses_package ON exchange_statuses (package, id);
CREATE UNIQUE INDEX exchange_statuses_once ON exchange_statuses (package, direction, sha256);

-- the outbox takes the exchange's messages (exchange_id: the package a row
-- sends, or sends a status message about), tried again at next_at
CREATE TABLE outbox_new (
    id           INTEGER PRIMARY KEY,
    at           INTEGER NOT NULL,
    dossier_id   INTEGER,
    document_id  INTEGER,
    exchange_id  INTEGER,
    event        TEXT NOT NULL,
    recipient    TEXT NOT NULL,                    -- JSON: user id, phone, e-mail, peer
    payload      TEXT NOT NULL,                    -- JSON
    delivered_at INTEGER,
    attempts     INTEGER NOT NULL DEFAULT 0,
    next_at      INTEGER,
    last_error   TEXT,
    CHECK (dossier_id IS NOT NULL OR document_id IS NOT NULL OR exchange_id IS NOT NULL)
);
INSERT INTO outbox_new (id, at, dossier_id, document_id, event, recipient, payload, delivered_at, attempts)
    SELECT id, at, dossier_id, document_id, event, recipient, payload, delivered_at, attempts FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_new RENAME TO outbox;
CREATE INDEX outbox_pending ON outbox (delivered_at, id);
CREATE INDEX outbox_exchange ON outbox (next_at) WHERE exchange_id IS NOT NULL AND delivered_at IS NULL;
CREATE INDEX outbox_exchange_rows ON outbox (exchange_id) WHERE exchange_id IS NOT NULL;

