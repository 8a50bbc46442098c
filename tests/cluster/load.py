#!/usr/bin/env python3
"""tests/cluster/load.py - clerks submitting dossiers through the cluster's
front, and what came of every request (Python 3 standard library only).

  load.py run --url URL --clerks FILE --out DIR [--pause-ms N]
      One thread per line of FILE ("TOKEN COUNTER_ID"): each posts a
      dossier to POST /api/v1/counters/{id}/dossiers, over a keep-alive
      connection, again and again until SIGTERM or SIGINT.  Each dossier
      has an Idempotency-Key; a failed attempt (no answer, 5xx, 429) is
      tried again with the same key, so that a dossier is taken in once
      however often it is sent.  DIR/attempts.tsv gets one line per
      attempt (sent, done (epoch seconds), worker, key, HTTP status (0: no
      answer), content type, dossier code or error); DIR/acked.txt every
      code of a 2xx answer, written before the next request leaves.

  load.py report --out DIR --event T [--label TEXT] [--codes FILE]
      What happened around the event at epoch second T: attempts, their
      outcomes, the failed ones by kind (problem+json or not), the longest
      time without a successful write that spans T, and, with --codes (the
      dossier codes found in the database, one per line), whether every
      acknowledged code is there.  Prints "key=value" lines for the
      scripts, then exits 1 when an acknowledged dossier is missing or an
      answer was neither a success nor a problem+json error.
"""
import argparse
import http.client
import json
import os
import signal
import sys
import threading
import time
import urllib.parse

BODY = json.dumps({
    "procedure_code": "1.004873",
    "form": {"full_name": "Nguyễn Văn An", "id_number": "079203001234",
             "birth_date": "2003-05-14", "residence_unit": "26740",
             "marital_status": "single", "purpose": "Kết hôn"},
    "papers": ["to_khai", "giay_to_tuy_than"],
    "applicant": {"full_name": "Lê Văn Cường", "id_number": "079080001111",
                  "phone": "0912345678", "ward_code": "26740"},
}, ensure_ascii=False).encode()

stop = threading.Event()


def run(args):
    u = urllib.parse.urlsplit(args.url)
    clerks = []
    with open(args.clerks) as f:
        for line in f:
            p = line.split()
            if len(p) == 2:
                clerks.append(p)
    if not clerks:
        sys.exit("load.py: no clerks in %s" % args.clerks)
    os.makedirs(args.out, exist_ok=True)
    log = open(os.path.join(args.out, "attempts.tsv"), "a", buffering=1)
    acked = open(os.path.join(args.out, "acked.txt"), "a", buffering=1)
    lock = threading.Lock()
    run_id = "%x" % int(time.time() * 1000)

    def worker(i, token, counter):
        conn = None
        seq = 0
        path = "/api/v1/counters/%s/dossiers" % counter
        while not stop.is_set():
            seq += 1
            key = "cl-%s-%d-%d" % (run_id, i, seq)
            # the same dossier until it is taken in (or the run stops)
            while True:
                t0 = time.time()
                status, ctype, what = 0, "", ""
                try:
                    if conn is None:
                        conn = http.client.HTTPConnection(u.hostname, u.port, timeout=15)
                    conn.request("POST", path, body=BODY, headers={
                        "Content-Type": "application/json",
                        "Authorization": "Bearer " + token,
                        "Idempotency-Key": key})
                    r = conn.getresponse()
                    data = r.read()
                    status = r.status
                    ctype = (r.getheader("Content-Type") or "").split(";")[0]
                    if 200 <= status < 300:
                        what = json.loads(data).get("code") or "?"
                    else:
                        try:
                            what = json.loads(data).get("type", "")
                        except ValueError:
                            what = "not-json"
                    if (r.getheader("Connection") or "").lower() == "close":
                        conn.close()
                        conn = None
                except (OSError, http.client.HTTPException) as e:
                    what = type(e).__name__
                    if conn is not None:
                        conn.close()
                    conn = None
                t1 = time.time()
                with lock:
                    log.write("%.6f\t%.6f\t%d\t%s\t%d\t%s\t%s\n" % (t0, t1, i, key, status, ctype, what))
                    if 200 <= status < 300:
                        acked.write(what + "\n")
                if 200 <= status < 300:
                    break
                busy = what.endswith(":idempotency_in_progress")
                if 400 <= status < 500 and status != 429 and not busy:
                    # a refusal: trying again will not help.  Not 409
                    # idempotency_in_progress: an attempt with this key
                    # still runs (one that died is taken over at once), so
                    # the next attempt gets its answer
                    break
                if stop.is_set():
                    break
                time.sleep(0.1)
            if args.pause_ms:
                time.sleep(args.pause_ms / 1000.0)

    threads = [threading.Thread(target=worker, args=(i, t, c), daemon=True)
               for i, (t, c) in enumerate(clerks)]
    signal.signal(signal.SIGTERM, lambda *a: stop.set())
    signal.signal(signal.SIGINT, lambda *a: stop.set())
    for t in threads:
        t.start()
    while not stop.is_set():
        stop.wait(0.2)
    for t in threads:
        t.join(20)


def report(args):
    rows = []
    with open(os.path.join(args.out, "attempts.tsv")) as f:
        for line in f:
            p = line.rstrip("\n").split("\t")
            if len(p) == 7:
                rows.append((float(p[0]), float(p[1]), int(p[2]), p[3], int(p[4]), p[5], p[6]))
    t = args.event
    ok = sorted(r[1] for r in rows if 200 <= r[4] < 300)
    failed = [r for r in rows if not 200 <= r[4] < 300]
    # the longest gap between two successful answers that overlaps the
    # minute after the event
    gap, gap_from = 0.0, None
    for a, b in zip(ok, ok[1:]):
        if b >= t and a <= t + 60 and b - a > gap:
            gap, gap_from = b - a, a
    kinds = {}
    bad_kinds = 0
    for r in failed:
        if r[4] == 0:
            k = "no answer (%s)" % r[6]
        else:
            k = "%d %s %s" % (r[4], r[5] or "-", r[6])
            if r[5] != "application/problem+json" and r[4] >= 500:
                bad_kinds += 1
        kinds[k] = kinds.get(k, 0) + 1
    acked = []
    with open(os.path.join(args.out, "acked.txt")) as f:
        acked = [c.strip() for c in f if c.strip()]
    # writes came back: a request sent after the event was taken in
    resumed = [r[1] for r in rows if r[0] >= t and 200 <= r[4] < 300]
    label = args.label or "event"
    print("label=%s" % label)
    print("attempts=%d" % len(rows))
    print("acknowledged=%d" % len(acked))
    print("failed_attempts=%d" % len(failed))
    print("seconds_without_writes=%.2f" % gap)
    if gap_from is not None:
        print("gap_from=%+.2f s after the event" % (gap_from - t))
    for k, n in sorted(kinds.items(), key=lambda x: -x[1]):
        print("failed_kind=%d x %s" % (n, k))
    rc = 0
    if not resumed:
        print("writes_resumed=no")
        rc = 1
    else:
        print("first_write_after=%.2f s" % (min(resumed) - t))
    if bad_kinds:
        print("not_problem_json=%d" % bad_kinds)
        rc = 1
    if args.codes:
        with open(args.codes) as f:
            stored = {c.strip() for c in f if c.strip()}
        missing = [c for c in acked if c not in stored]
        dup = len(acked) - len(set(acked))
        print("acknowledged_checked=%d" % len(acked))
        print("acknowledged_missing=%d" % len(missing))
        print("acknowledged_twice=%d" % dup)
        # taken in, but the answer never reached the clerk (its retries
        # were cut by the end of the run): not a loss
        print("stored_not_acknowledged=%d" % len(stored - set(acked)))
        for c in missing[:20]:
            print("missing_code=%s" % c)
        if missing:
            rc = 1
    return rc


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("run")
    r.add_argument("--url", required=True)
    r.add_argument("--clerks", required=True)
    r.add_argument("--out", required=True)
    r.add_argument("--pause-ms", type=int, default=20)
    p = sub.add_parser("report")
    p.add_argument("--out", required=True)
    p.add_argument("--event", type=float, required=True)
    p.add_argument("--label")
    p.add_argument("--codes")
    a = ap.parse_args()
    if a.cmd == "run":
        run(a)
        return 0
    return report(a)


if __name__ == "__main__":
    sys.exit(main())
