-- 0027 a dossier's result is an outgoing document of the competent agency
-- (issue 13): numbered in its register, linked to the dossier.  Permits and
-- certificates are not among Decree 30's 29 types: they are specialised
-- documents (văn bản chuyên ngành), numbered in the same register here.
ALTER TABLE document_types ADD COLUMN specialised INTEGER NOT NULL DEFAULT 0;
INSERT INTO document_types (code, abbr, name, name_en, sort, specialised) VALUES
 ('giay_phep',       'GP',  'Giấy phép',       'Permit', 30, 1),
 ('giay_chung_nhan', 'GCN', 'Giấy chứng nhận', 'Certificate', 31, 1);
ALTER TABLE documents ADD COLUMN dossier_id INTEGER REFERENCES dossiers (id);
CREATE INDEX documents_dossier ON documents (dossier_id) WHERE dossier_id IS NOT NULL;
