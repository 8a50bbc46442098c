-- 0030 the deployment's PKI and the signatures made with it (issue 14).
-- The certification authorities: the root (its key kept offline, only its
-- certificate here), the issuing CA and the time-stamping authority (their
-- keys sealed as PKCS#8 under a passphrase derived from the server's PKI
-- secret, which the database never holds).
CREATE TABLE pki_authorities (
    id         INTEGER PRIMARY KEY,
    kind       TEXT NOT NULL CHECK (kind IN ('root', 'issuing', 'tsa')),
    serial     TEXT NOT NULL UNIQUE,
    subject    TEXT NOT NULL,
    cert_pem   TEXT NOT NULL,
    key_pem    TEXT,                               -- NULL for the root
    not_after  INTEGER NOT NULL,                   -- Unix seconds
    created_at INTEGER NOT NULL,                   -- ms
    retired_at INTEGER                             -- ms; NULL: in use
);
-- one in use of each kind
CREATE UNIQUE INDEX pki_authorities_current ON pki_authorities (kind) WHERE retired_at IS NULL;

-- The certificates the issuing CA gave: an official's or a citizen's
-- signature (personal: the key sealed under the holder's PIN, or NULL when
-- the holder keeps it on a token), an agency's signature (organisation) and
-- its encryption key (encryption), both sealed under the server's secret.
CREATE TABLE certificates (
    id               INTEGER PRIMARY KEY,
    serial           TEXT NOT NULL UNIQUE,         -- hex, as openssl prints it
    kind             TEXT NOT NULL CHECK (kind IN ('personal', 'organisation', 'encryption')),
    user_id          INTEGER REFERENCES users (id),
    agency_id        INTEGER REFERENCES agencies (id),
    subject          TEXT NOT NULL,                -- the common name
    cert_pem         TEXT NOT NULL,
    key_pem          TEXT,
    not_before       INTEGER NOT NULL,             -- Unix seconds
    not_after        INTEGER NOT NULL,
    revoked_at       INTEGER,                      -- Unix seconds
    revoke_reason    INTEGER,                      -- RFC 5280 CRLReason
    pin_failures     INTEGER NOT NULL DEFAULT 0,   -- wrong PINs in a row
    pin_locked_until INTEGER,                      -- ms
    created_at       INTEGER NOT NULL,             -- ms
    created_by       INTEGER REFERENCES users (id),
    CHECK ((kind = 'personal') = (user_id IS NOT NULL)),
    CHECK ((kind = 'personal') OR agency_id IS NOT NULL)
);
CREATE INDEX certificates_user ON certificates (user_id, id) WHERE user_id IS NOT NULL;
CREATE INDEX certificates_agency ON certificates (agency_id, kind, id) WHERE agency_id IS NOT NULL;
CREATE INDEX certificates_revoked ON certificates (revoked_at) WHERE revoked_at IS NOT NULL;

-- Signatures made on the server: a CMS detached signature (the .p7s here)
-- of a stored file, or a PAdES signature (the signed PDF a blob).
CREATE TABLE signatures (
    id             INTEGER PRIMARY KEY,
    format         TEXT NOT NULL CHECK (format IN ('cms', 'pades')),
    file_sha256    TEXT NOT NULL,                  -- what was signed
    result_sha256  TEXT,                           -- pades: the signed PDF (blobs)
    p7s            BLOB,                           -- cms: the signature (DER)
    certificate_id INTEGER NOT NULL REFERENCES certificates (id),
    user_id        INTEGER REFERENCES users (id),  -- who signed (an agency's: the officer who sealed)
    draft_id       INTEGER REFERENCES document_drafts (id),
    document_id    INTEGER REFERENCES documents (id),
    dossier_id     INTEGER REFERENCES dossiers (id),
    signed_at      INTEGER NOT NULL,               -- ms
    stamped_at     INTEGER                         -- the time stamp, Unix seconds
);
CREATE INDEX signatures_file ON signatures (file_sha256);
CREATE INDEX signatures_user ON signatures (user_id, id);
CREATE INDEX signatures_document ON signatures (document_id) WHERE document_id IS NOT NULL;

-- An outgoing document signed by its signer (PAdES): the signed PDF (a kept
-- blob), which the clerical officer numbers and seals when issuing it.
ALTER TABLE document_drafts ADD COLUMN signed_file TEXT;
