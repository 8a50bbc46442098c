#!/usr/bin/python3
"""portal-standin.py - a local stand-in for the national public-service
portal's dossier synchronisation API (Cổng DVCQG, "DongBoHoSoMC"), for the
tests and for trying motcua's portal worker without the real portal.
Python 3 standard library only.  See docs/portal.md.

  portal-standin.py PORT [TOKEN]     (listens on 127.0.0.1:PORT)

  POST /dongbo                 a synchronisation: {"service": "DongBoHoSoMC",
                               "isUpdating": bool, "data": [{MaHoSo, ...}]};
                               checked like the portal would (the bearer
                               TOKEN when one is given, the service name,
                               the required fields and their formats);
                               answers {"error_code": "0", "message": ...}
                               or {"error_code": "-1", "message": why}
  GET  /dossiers/<MaHoSo>      what was accepted for that dossier, in order
                               (404 when nothing)
  GET  /dump                   {"accepted": [...], "requests": n, "refused": n}
  POST /control                how the next requests go wrong:
                               {"outage": n}       the next n answered HTTP 503
                               {"close": n}        the next n (after those): the
                                                   connection closed unanswered
                               {"refuse": n, "message": "..."}
                                                   the next n valid ones refused
                               {"refuse_codes": ["<MaHoSo>", ...], "message": ...}
                                                   those dossiers refused until
                                                   cleared ({"refuse_codes": []})
                               {"reset": true}     forget everything
Prints "ready" on stdout once it listens; stops on SIGTERM.
"""
import json
import re
import signal
import sys
import threading
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

port = int(sys.argv[1])
token = sys.argv[2] if len(sys.argv) > 2 else ''
lock = threading.Lock()
state = {}


def reset():
    state.update(accepted=[], by_code={}, requests=0, refused=0, outage=0, close=0, refuse=0,
                 refuse_codes=set(), message='')


reset()

TTHC = re.compile(r'^\d\.\d{6}$')
AGENCY = re.compile(r'^[0-9A-Z]{3}\.[0-9A-Z]{2}\.[0-9A-Z]{2}\.[0-9A-Z]{3}$')
REQUIRED = ('MaHoSo', 'MaTTHC', 'TenTTHC', 'KenhThucHien', 'ChuHoSo', 'TrangThaiHoSo', 'NgayNopHoSo',
            'DonViXuLy')
DATES = ('NgayNopHoSo', 'NgayTiepNhan', 'NgayHenTra', 'NgayTra', 'NgayKetThucXuLy')


def valid_date(s):
    if not re.fullmatch(r'\d{14}', s):
        return False
    try:
        datetime.strptime(s, '%Y%m%d%H%M%S')
    except ValueError:
        return False
    return True


def check(item, updating):
    """Why the portal would refuse item, or None."""
    if not isinstance(item, dict):
        return 'Dữ liệu hồ sơ không đúng định dạng'
    for k in REQUIRED:
        v = item.get(k)
        if not isinstance(v, str) or not v.strip():
            return 'Thiếu trường bắt buộc %s' % k
    code = item['MaHoSo']
    if len(code) > 100:
        return 'MaHoSo quá dài'
    if not TTHC.match(item['MaTTHC']):
        return 'MaTTHC %s không đúng định dạng (d.dddddd)' % item['MaTTHC']
    if item['KenhThucHien'] not in ('1', '2', '3'):
        return 'KenhThucHien phải là 1, 2 hoặc 3'
    if item['TrangThaiHoSo'] not in [str(i) for i in range(1, 11)]:
        return 'TrangThaiHoSo %s không hợp lệ (1..10)' % item['TrangThaiHoSo']
    for k in DATES:
        v = item.get(k, '')
        if not isinstance(v, str) or (v and not valid_date(v)):
            return '%s không đúng định dạng yyyyMMddHHmmss' % k
    if 'MaDonVi' in item and not AGENCY.match(str(item['MaDonVi'])):
        return 'MaDonVi %s không đúng định dạng' % item['MaDonVi']
    st = int(item['TrangThaiHoSo'])
    if st in (2, 4, 9, 10) and not item.get('NgayTiepNhan'):
        return 'Hồ sơ ở trạng thái %d phải có NgayTiepNhan' % st
    if st == 10 and not item.get('NgayTra'):
        return 'Hồ sơ đã trả kết quả phải có NgayTra'
    if updating and code not in state['by_code']:
        return 'Hồ sơ %s chưa có trên Cổng, không cập nhật được' % code
    return None


class Portal(BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'

    def log_message(self, *args):
        pass

    def answer(self, code, obj):
        body = json.dumps(obj, ensure_ascii=False).encode()
        self.send_response(code)
        self.send_header('Content-Type', 'application/json; charset=utf-8')
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def refuse(self, message, code=200):
        state['refused'] += 1
        self.answer(code, {'error_code': '-1', 'message': message})

    def do_GET(self):
        with lock:
            if self.path == '/dump':
                return self.answer(200, {'accepted': state['accepted'], 'requests': state['requests'],
                                         'refused': state['refused']})
            if self.path.startswith('/dossiers/'):
                got = state['by_code'].get(self.path[len('/dossiers/'):])
                return self.answer(200, got) if got else self.answer(404, {'error_code': '-1'})
        self.answer(404, {'error_code': '-1', 'message': 'not found'})

    def do_POST(self):
        n = int(self.headers.get('Content-Length') or 0)
        if n > 10 << 20:
            self.close_connection = True
            return self.answer(413, {'error_code': '-1', 'message': 'too big'})
        raw = self.rfile.read(n)
        with lock:
            if self.path == '/control':
                return self.control(raw)
            if self.path != '/dongbo':
                return self.answer(404, {'error_code': '-1', 'message': 'not found'})
            state['requests'] += 1
            if state['outage'] > 0:
                state['outage'] -= 1
                return self.answer(503, {'error_code': '-1', 'message': 'Hệ thống đang bảo trì'})
            if state['close'] > 0:  # cut off in the middle: no answer at all
                state['close'] -= 1
                self.close_connection = True
                self.connection.shutdown(2)
                return None
            if token and self.headers.get('Authorization') != 'Bearer ' + token:
                return self.refuse('Phiên làm việc không hợp lệ', 401)
            try:
                req = json.loads(raw)
            except ValueError:
                return self.refuse('Dữ liệu không phải JSON', 400)
            if not isinstance(req, dict) or req.get('service') != 'DongBoHoSoMC':
                return self.refuse('Sai tên dịch vụ (service)')
            data, updating = req.get('data'), req.get('isUpdating')
            if not isinstance(updating, bool):
                return self.refuse('Thiếu isUpdating')
            if not isinstance(data, list) or not 1 <= len(data) <= 100:
                return self.refuse('data phải có từ 1 đến 100 hồ sơ')
            for item in data:
                why = check(item, updating)
                if why:
                    return self.refuse(why)
                if item['MaHoSo'] in state['refuse_codes']:
                    return self.refuse(state['message'] or 'Hồ sơ bị từ chối')
            if state['refuse'] > 0:
                state['refuse'] -= 1
                return self.refuse(state['message'] or 'Hồ sơ bị từ chối')
            for item in data:
                state['accepted'].append(item)
                state['by_code'].setdefault(item['MaHoSo'], []).append(item)
            return self.answer(200, {'error_code': '0', 'message': 'Đồng bộ thành công'})

    def control(self, raw):
        try:
            c = json.loads(raw)
        except ValueError:
            return self.answer(400, {'error': 'not JSON'})
        if c.get('reset'):
            reset()
        for k in ('outage', 'close', 'refuse'):
            if k in c:
                state[k] = int(c[k])
        if 'refuse_codes' in c:
            state['refuse_codes'] = set(c['refuse_codes'])
        if 'message' in c:
            state['message'] = str(c['message'])
        return self.answer(200, {'ok': True})


server = ThreadingHTTPServer(('127.0.0.1', port), Portal)
threading.Thread(target=server.serve_forever, daemon=True).start()
done = threading.Event()
signal.signal(signal.SIGTERM, lambda *a: done.set())
signal.signal(signal.SIGINT, lambda *a: done.set())
print('ready', flush=True)
done.wait()
server.shutdown()
