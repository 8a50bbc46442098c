-- 0025 signing on behalf (Decree 30/2020, art. 13): the head of a body
-- lets a deputy sign for them (KT., ký thay), the head of the office sign
-- by their order (TL., thừa lệnh), or another official sign by their
-- authorisation (TUQ., thừa ủy quyền), for some document types (none
-- named: all) and a period.  A draft signed under one records it, and its
-- signer block prints the form ("KT. GIÁM ĐỐC / PHÓ GIÁM ĐỐC").
CREATE TABLE document_delegations (
    id          INTEGER PRIMARY KEY,
    agency_id   INTEGER NOT NULL REFERENCES agencies (id), -- the body
    form        TEXT NOT NULL,           -- KT | TL | TUQ
    grantor_id  INTEGER NOT NULL REFERENCES users (id),
    delegate_id INTEGER NOT NULL REFERENCES users (id),
    type_codes  TEXT NOT NULL DEFAULT '[]', -- JSON list; empty: every type
    valid_from  TEXT NOT NULL,           -- YYYY-MM-DD, both days included
    valid_to    TEXT NOT NULL,
    note        TEXT,
    created_by  INTEGER NOT NULL REFERENCES users (id),
    created_at  INTEGER NOT NULL,
    revoked_at  INTEGER,
    revoked_by  INTEGER REFERENCES users (id)
);
CREATE INDEX document_delegations_delegate ON document_delegations (delegate_id, valid_to);
CREATE INDEX document_delegations_agency ON document_delegations (agency_id, id);

ALTER TABLE document_drafts ADD COLUMN delegation_id INTEGER REFERENCES document_delegations (id);
ALTER TABLE document_drafts ADD COLUMN signer_form TEXT;      -- KT. | TL. | TUQ.
ALTER TABLE document_drafts ADD COLUMN signer_for TEXT;       -- the grantor's position: GIÁM ĐỐC
