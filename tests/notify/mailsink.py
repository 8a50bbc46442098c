#!/usr/bin/python3
"""mailsink.py - a real SMTP server (aiosmtpd) and an SMS gateway stand-in on
loopback for the notification tests and bench.

  mailsink.py DIR SMTP_PORT SMS_PORT [SMS_TOKEN]

Each message accepted is written to DIR/mail-<n>.eml as received (the
envelope in DIR/mail-<n>.env: MAIL FROM and RCPT TO); each SMS to
DIR/sms-<n>.json.  What the tests steer by the address:
  a recipient whose local part starts with "refuse"  -> 550 (refused for good)
  a recipient whose local part starts with "later"   -> 451 (try again later)
  an SMS to a number ending in 451                   -> HTTP 503
  an SMS to a number ending in 400                   -> HTTP 400
  an SMS without "Authorization: Bearer SMS_TOKEN"   -> HTTP 401 (when set)
Prints "ready" on stdout once both listen; stops on SIGTERM.
"""
import itertools
import json
import os
import signal
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from aiosmtpd.controller import Controller

out_dir, smtp_port, sms_port = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
sms_token = sys.argv[4] if len(sys.argv) > 4 else ''
counter = itertools.count(1)
lock = threading.Lock()


def next_name(prefix, ext):
    with lock:
        return os.path.join(out_dir, '%s-%06d.%s' % (prefix, next(counter), ext))


class Handler:
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        local = address.split('@')[0]
        if local.startswith('refuse'):
            return '550 5.1.1 no such mailbox'
        if local.startswith('later'):
            return '451 4.3.0 try again later'
        envelope.rcpt_tos.append(address)
        return '250 OK'

    async def handle_DATA(self, server, session, envelope):
        name = next_name('mail', 'eml')
        with open(name + '.tmp', 'wb') as f:
            f.write(envelope.original_content)
        with open(name[:-4] + '.env', 'w') as f:
            json.dump({'from': envelope.mail_from, 'to': envelope.rcpt_tos}, f)
        os.rename(name + '.tmp', name)
        return '250 Message accepted for delivery'


class Sms(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get('Content-Length') or 0))
        if sms_token and self.headers.get('Authorization') != 'Bearer ' + sms_token:
            return self.answer(401)
        try:
            msg = json.loads(body)
        except ValueError:
            return self.answer(400)
        to = str(msg.get('to', ''))
        if to.endswith('451'):
            return self.answer(503)
        if to.endswith('400'):
            return self.answer(400)
        name = next_name('sms', 'json')
        with open(name + '.tmp', 'wb') as f:
            f.write(body)
        os.rename(name + '.tmp', name)
        self.answer(200)

    def answer(self, code):
        self.send_response(code)
        self.send_header('Content-Type', 'application/json')
        self.send_header('Content-Length', '2')
        self.end_headers()
        self.wfile.write(b'{}')


smtp = Controller(Handler(), hostname='127.0.0.1', port=smtp_port, data_size_limit=10 << 20)
smtp.start()
http = ThreadingHTTPServer(('127.0.0.1', sms_port), Sms)
threading.Thread(target=http.serve_forever, daemon=True).start()
done = threading.Event()
signal.signal(signal.SIGTERM, lambda *a: done.set())
signal.signal(signal.SIGINT, lambda *a: done.set())
print('ready', flush=True)
done.wait()
http.shutdown()
smtp.stop()
