-- 0029 (PostgreSQL: the same schema as sqlite/0029) the fields of documents (issue 13).
-- The fields (lĩnh vực) a document is about: the agency's rules propose
-- the leader who directs an incoming document by its field, and a signing
-- delegation may cover some fields only.
CREATE TABLE document_fields (
    code    TEXT PRIMARY KEY,              -- ASCII, stable: tu_phap
    name    TEXT NOT NULL,
    name_en TEXT NOT NULL,
    sort    INTEGER NOT NULL
);
INSERT INTO document_fields (code, name, name_en, sort) VALUES
 ('to_chuc_can_bo', 'Tổ chức - cán bộ',               'Organisation and personnel', 1),
 ('tai_chinh',      'Tài chính - ngân sách',          'Finance and budget', 2),
 ('tu_phap',        'Tư pháp',                        'Justice', 3),
 ('xay_dung',       'Xây dựng - đô thị',              'Construction and urban affairs', 4),
 ('dat_dai',        'Đất đai - môi trường',           'Land and environment', 5),
 ('kinh_te',        'Kinh tế - đầu tư',               'Economy and investment', 6),
 ('van_hoa_xa_hoi', 'Văn hóa - xã hội',               'Culture and society', 7),
 ('giao_duc',       'Giáo dục - đào tạo',             'Education and training', 8),
 ('y_te',           'Y tế',                           'Health', 9),
 ('an_ninh',        'Quốc phòng - an ninh',           'Defence and security', 10),
 ('thanh_tra',      'Thanh tra - khiếu nại, tố cáo',  'Inspection and complaints', 11),
 ('hanh_chinh',     'Hành chính - văn phòng',         'Administration and office', 12);
ALTER TABLE documents ADD COLUMN field_code TEXT REFERENCES document_fields (code);
ALTER TABLE document_drafts ADD COLUMN field_code TEXT REFERENCES document_fields (code);
ALTER TABLE document_delegations ADD COLUMN field_codes TEXT NOT NULL DEFAULT '[]'; -- JSON list; empty: every field

-- The leader who directs an agency's incoming documents of a field.
CREATE TABLE document_leader_rules (
    agency_id  BIGINT NOT NULL REFERENCES agencies (id), -- the body
    field_code TEXT NOT NULL REFERENCES document_fields (code),
    leader_id  BIGINT NOT NULL REFERENCES users (id),
    PRIMARY KEY (agency_id, field_code)
);
