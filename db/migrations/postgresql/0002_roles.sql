-- 0002 roles and permissions, as data.  Jurisdiction is the official's
-- agency subtree; these say what a role may do inside it.
INSERT INTO roles (code, kind, name, name_en) VALUES
 ('citizen',          'public',   'Công dân',                    'Citizen'),
 ('business',         'public',   'Doanh nghiệp',                'Business'),
 ('clerk',            'official', 'Cán bộ tiếp nhận một cửa',    'Reception clerk'),
 ('specialist',       'official', 'Chuyên viên',                 'Specialist'),
 ('dept_head',        'official', 'Trưởng phòng',                'Department head'),
 ('leader',           'official', 'Lãnh đạo',                    'Leader'),
 ('clerical',         'official', 'Văn thư',                     'Clerical officer'),
 ('committee_member', 'official', 'Ủy viên Ủy ban nhân dân',     'Committee member'),
 ('agency_admin',     'official', 'Quản trị đơn vị',             'Agency administrator'),
 ('sys_admin',        'official', 'Quản trị hệ thống',           'System administrator');

INSERT INTO permissions (code, name, name_en) VALUES
 ('directory.read',  'Xem danh bạ cán bộ trong đơn vị',        'See officials in the agency subtree'),
 ('user.manage',     'Tạo, sửa, khóa tài khoản cán bộ',        'Create, edit and disable official accounts'),
 ('user.reset_password', 'Đặt lại mật khẩu',                   'Reset passwords'),
 ('agency.manage',   'Tạo, sửa cơ quan và quầy tiếp nhận',      'Create and edit agencies and counters'),
 ('audit.read',      'Xem và kiểm tra nhật ký kiểm toán',       'Read and verify the audit log'),
 ('citizen.read',    'Xem hồ sơ tài khoản công dân',            'Read citizen accounts');

INSERT INTO role_permissions (role_code, perm_code) VALUES
 ('clerk', 'directory.read'),
 ('specialist', 'directory.read'),
 ('dept_head', 'directory.read'),
 ('leader', 'directory.read'),
 ('clerical', 'directory.read'),
 ('committee_member', 'directory.read'),
 ('agency_admin', 'directory.read'),
 ('agency_admin', 'user.manage'),
 ('agency_admin', 'user.reset_password'),
 ('agency_admin', 'agency.manage'),
 ('sys_admin', 'directory.read'),
 ('sys_admin', 'user.manage'),
 ('sys_admin', 'user.reset_password'),
 ('sys_admin', 'agency.manage'),
 ('sys_admin', 'audit.read'),
 ('sys_admin', 'citizen.read');
