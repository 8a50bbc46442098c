-- 0026 (PostgreSQL: the same schema as sqlite/0026) the register of all directions, newest first (GET /api/v1/documents
-- without direction): by agency and id, without sorting the agency's rows.
CREATE INDEX documents_agency ON documents (agency_id, id);
-- A register searched by the document's date (a week, a month): the days'
-- rows, then sorted.
CREATE INDEX documents_date ON documents (agency_id, doc_date);
