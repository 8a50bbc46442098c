-- 0022 official documents (Decree 30/2020/NĐ-CP), first part: the types,
-- the registers of incoming and outgoing documents per agency and year,
-- who may read a confidential one, and each document's trail.

-- The abbreviation of an agency's name in document symbols: "UBND" in
-- 15/QĐ-UBND, "VX" (a drafting unit) in 12/UBND-VX.
ALTER TABLE agencies ADD COLUMN abbr TEXT;
UPDATE agencies SET abbr = 'UBND' WHERE kind IN ('city_committee', 'ward_committee');

-- The types of Decree 30 (Article 7, appendix III) and their abbreviations;
-- công văn and thư công have none.
CREATE TABLE document_types (
    code    TEXT PRIMARY KEY,          -- ASCII, stable: quyet_dinh
    abbr    TEXT,                      -- QĐ; NULL for công văn, thư công
    name    TEXT NOT NULL,
    name_en TEXT NOT NULL,
    sort    INTEGER NOT NULL
);
INSERT INTO document_types (code, abbr, name, name_en, sort) VALUES
 ('nghi_quyet',      'NQ',  'Nghị quyết',      'Resolution', 1),
 ('quyet_dinh',      'QĐ',  'Quyết định',      'Decision', 2),
 ('chi_thi',         'CT',  'Chỉ thị',         'Directive', 3),
 ('quy_che',         'QC',  'Quy chế',         'Rules', 4),
 ('quy_dinh',        'QyĐ', 'Quy định',        'Regulation', 5),
 ('thong_cao',       'TC',  'Thông cáo',       'Communiqué', 6),
 ('thong_bao',       'TB',  'Thông báo',       'Notice', 7),
 ('huong_dan',       'HD',  'Hướng dẫn',       'Guidance', 8),
 ('chuong_trinh',    'CTr', 'Chương trình',    'Programme', 9),
 ('ke_hoach',        'KH',  'Kế hoạch',        'Plan', 10),
 ('phuong_an',       'PA',  'Phương án',       'Scheme', 11),
 ('de_an',           'ĐA',  'Đề án',           'Proposal', 12),
 ('du_an',           'DA',  'Dự án',           'Project', 13),
 ('bao_cao',         'BC',  'Báo cáo',         'Report', 14),
 ('bien_ban',        'BB',  'Biên bản',        'Minutes', 15),
 ('to_trinh',        'TTr', 'Tờ trình',        'Submission', 16),
 ('hop_dong',        'HĐ',  'Hợp đồng',        'Contract', 17),
 ('cong_van',        NULL,  'Công văn',        'Official letter', 18),
 ('cong_dien',       'CĐ',  'Công điện',       'Official telegram', 19),
 ('ban_ghi_nho',     'BGN', 'Bản ghi nhớ',     'Memorandum of understanding', 20),
 ('ban_thoa_thuan',  'BTT', 'Bản thỏa thuận',  'Agreement', 21),
 ('giay_uy_quyen',   'GUQ', 'Giấy ủy quyền',   'Power of attorney', 22),
 ('giay_moi',        'GM',  'Giấy mời',        'Invitation', 23),
 ('giay_gioi_thieu', 'GGT', 'Giấy giới thiệu', 'Letter of introduction', 24),
 ('giay_nghi_phep',  'GNP', 'Giấy nghỉ phép',  'Leave permit', 25),
 ('phieu_gui',       'PG',  'Phiếu gửi',       'Dispatch slip', 26),
 ('phieu_chuyen',    'PC',  'Phiếu chuyển',    'Transfer slip', 27),
 ('phieu_bao',       'PB',  'Phiếu báo',       'Notification slip', 28),
 ('thu_cong',        NULL,  'Thư công',        'Public letter', 29);

-- The last number given per agency, year and series: in, in_secret, out,
-- out_secret (secret documents are numbered apart).  Updated in the
-- registering transaction: gap-free and unique however many register at once.
CREATE TABLE document_sequences (
    agency_id INTEGER NOT NULL REFERENCES agencies (id),
    year      INTEGER NOT NULL,
    series    TEXT NOT NULL,
    last      INTEGER NOT NULL,
    PRIMARY KEY (agency_id, year, series)
);

CREATE TABLE documents (
    id               INTEGER PRIMARY KEY,
    agency_id        INTEGER NOT NULL REFERENCES agencies (id), -- the body whose register holds it
    province_code    TEXT NOT NULL,
    direction        TEXT NOT NULL,         -- in | out
    year             INTEGER NOT NULL,
    series           TEXT NOT NULL,         -- in | in_secret | out | out_secret
    number           INTEGER NOT NULL,      -- arrival number (in), the document's number (out)
    symbol           TEXT,                  -- out: QĐ-UBND, UBND-VX
    type_code        TEXT NOT NULL REFERENCES document_types (code),
    summary          TEXT NOT NULL,         -- trích yếu
    doc_date         TEXT NOT NULL,         -- the date on the document, YYYY-MM-DD
    sender           TEXT,                  -- in: the issuing body
    sender_ref       TEXT,                  -- in: its number and symbol, 15/QĐ-UBND
    arrived_at       INTEGER,               -- in: date and time of arrival
    drafting_unit_id INTEGER REFERENCES agencies (id), -- out
    signer_name      TEXT,
    signer_position  TEXT,
    recipients       TEXT NOT NULL DEFAULT '[]', -- out: nơi nhận, JSON list of names
    urgency          TEXT NOT NULL,         -- normal | khan | thuong_khan | hoa_toc
    secrecy          TEXT NOT NULL,         -- none | mat | toi_mat | tuyet_mat
    pages            INTEGER,
    medium           TEXT NOT NULL,         -- paper | electronic
    file_sha256      TEXT,                  -- the document's PDF
    status           TEXT NOT NULL,         -- registered (in) | issued (out)
    registered_by    INTEGER NOT NULL REFERENCES users (id),
    search_key       TEXT NOT NULL,         -- without diacritics: numbers, summary, sender, signer
    version          INTEGER NOT NULL DEFAULT 1,
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL,
    UNIQUE (agency_id, year, series, number)
);
CREATE INDEX documents_register ON documents (agency_id, direction, id);

-- Who may read a confidential document besides the clerical officer who
-- registered it.
CREATE TABLE document_readers (
    document_id INTEGER NOT NULL REFERENCES documents (id),
    user_id     INTEGER NOT NULL REFERENCES users (id),
    PRIMARY KEY (document_id, user_id)
);

-- The trail: registered, viewed (first opening per official), and the
-- actions that follow.
CREATE TABLE document_events (
    id          INTEGER PRIMARY KEY,
    document_id INTEGER NOT NULL REFERENCES documents (id),
    at          INTEGER NOT NULL,
    actor_id    INTEGER REFERENCES users (id),
    action      TEXT NOT NULL,
    detail      TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX document_events_doc ON document_events (document_id, id);
CREATE UNIQUE INDEX document_views ON document_events (document_id, actor_id) WHERE action = 'view';

INSERT INTO permissions (code, name, name_en, guarded) VALUES
 ('document.register', 'Đăng ký văn bản đến, văn bản đi', 'Register incoming and outgoing documents', 0),
 ('document.read',     'Xem văn bản trong phạm vi đơn vị', 'Read documents within the agency subtree', 0);
INSERT INTO role_permissions (role_code, perm_code) VALUES
 ('clerical', 'document.register'), ('clerical', 'document.read'),
 ('specialist', 'document.read'), ('dept_head', 'document.read'), ('leader', 'document.read'),
 ('committee_member', 'document.read');
