#!/usr/bin/env python3
"""handoff_sink.py - stands in for an external agency's system in the tests
(tests/api/test_external.c): takes the dossiers motcua hands over (POST
/in), writing each as one JSON line {"auth": <Authorization header>,
"body": <the package>} to LOG, and answers 200 (it prints "ready" once
listening).  POST /control with
{"status": S, "count": N} makes the next N hand-overs answer S instead
(503: an outage, 400: a refusal).  Standard library only.

usage: handoff_sink.py PORT LOG
"""
import json
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PORT, LOG = int(sys.argv[1]), sys.argv[2]
lock = threading.Lock()
plan = {"status": 200, "count": 0}


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def answer(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        self.answer(200, {"ok": True})

    def do_POST(self):
        n = int(self.headers.get("Content-Length", "0"))
        raw = self.rfile.read(n)
        if self.path == "/control":
            with lock:
                plan.update(json.loads(raw))
            return self.answer(200, plan)
        with lock:
            status = 200
            if plan["count"] > 0:
                plan["count"] -= 1
                status = plan["status"]
            if status == 200:
                with open(LOG, "a", encoding="utf-8") as f:
                    f.write(json.dumps({"auth": self.headers.get("Authorization"),
                                        "body": json.loads(raw)}, ensure_ascii=False) + "\n")
        self.answer(status, {"accepted": status == 200})


server = ThreadingHTTPServer(("127.0.0.1", PORT), Handler)
print("ready", flush=True)
server.serve_forever()
