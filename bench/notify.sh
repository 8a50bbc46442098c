#!/usr/bin/env bash
# bench/notify.sh - notification delivery throughput (issue 16), run by
# `make bench`.
#
# Usage: bash bench/notify.sh [BUILD_DIR]        (default BUILD_DIR: build)
#
# Against one real SMTP server on loopback (tests/notify/mailsink.py,
# aiosmtpd, each message written to disk) and its SMS gateway stand-in:
#   1. the reference: Python's smtplib sending BENCH_MESSAGES messages of
#      the same size over one connection to that server - what the server
#      itself takes at most;
#   2. motcua: BENCH_MESSAGES notifications queued in the outbox of a
#      SQLite database, half of them a poll opened (e-mail and in-app
#      inbox), half a reset code (e-mail and SMS), then
#      `motcua notify --drain`: each row planned (its inbox message written,
#      a delivery per channel queued), each delivery claimed and recorded
#      in its own transactions around the send, the row acknowledged -
#      e-mails and SMS per second, and the e-mails' share of the reference.
# A bench reports figures; it never fails on them.
#
# Environment (all optional):
#   BENCH_MESSAGES  notifications (2000)
#   BENCH_KEEP=1    keep the temporary folder
set -euo pipefail
# shellcheck source=bench/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

build=${1:-build}
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
motcua=$root/$build/motcua
[[ -x "$motcua" ]] || die "no $motcua: build first"
n=${BENCH_MESSAGES:-2000}

work=$(mktemp -d /tmp/motcua-notify-bench.XXXXXX)
sink_pid=
cleanup() {
	[[ -n "$sink_pid" ]] && stop_child "$sink_pid" TERM
	[[ "${BENCH_KEEP:-0}" == 1 ]] && echo "kept $work" || rm -rf "$work"
}
trap cleanup EXIT

free_port() { /usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
smtp=$(free_port)
sms=$(free_port)
mkdir -p "$work/sink"
/usr/bin/python3 "$root/tests/notify/mailsink.py" "$work/sink" "$smtp" "$sms" >"$work/sink.log" 2>&1 &
sink_pid=$!
for ((i = 0; i < 100; i++)); do grep -q ready "$work/sink.log" 2>/dev/null && break; sleep 0.1; done
grep -q ready "$work/sink.log" || die "the SMTP server did not start: $(cat "$work/sink.log")"

now_ms() { date +%s%3N; }

echo "== notification delivery: $n messages, SMTP server on loopback (aiosmtpd, each message to disk)"

# 1. the reference
t0=$(now_ms)
/usr/bin/python3 - "$smtp" "$n" <<'EOF'
import smtplib, sys
from email.message import EmailMessage
port, n = int(sys.argv[1]), int(sys.argv[2])
s = smtplib.SMTP('127.0.0.1', port)
for i in range(n):
    m = EmailMessage()
    m['From'] = 'Cổng dịch vụ công <khong-tra-loi@motcua.localhost>'
    m['To'] = 'Cán bộ <ref%d@example.vn>' % i
    m['Subject'] = 'Xin ý kiến thành viên UBND: Tờ trình số %d' % i
    m.set_content('Kính gửi đồng chí,\n\nVăn phòng xin ý kiến đồng chí về tờ trình.\n' * 3, charset='utf-8', cte='base64')
    s.send_message(m)
s.quit()
EOF
t1=$(now_ms)
ref_ms=$((t1 - t0))
ref_rate=$(awk -v n="$n" -v ms="$ref_ms" 'BEGIN { printf "%.0f", n * 1000 / ms }')
echo "reference (smtplib, one connection): $n e-mails in $ref_ms ms = $ref_rate e-mails/s"
rm -f "$work"/sink/mail-*

# 2. motcua
export MOTCUA_DB=$work/motcua.db MOTCUA_DATA_DIR=$work MOTCUA_SHARE_DIR=$root MOTCUA_LOG_LEVEL=warn
export MOTCUA_SMTP_URL=smtp://127.0.0.1:$smtp MOTCUA_SMS_URL=http://127.0.0.1:$sms/sms
"$motcua" migrate >/dev/null 2>&1
"$motcua" seed >/dev/null 2>&1
sqlite3 "$MOTCUA_DB" "WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < $n)
INSERT INTO outbox (at, topic, topic_id, event, recipient, payload)
SELECT CAST(strftime('%s', 'now') AS INTEGER) * 1000, CASE WHEN i % 2 THEN 'polls' ELSE 'users' END, i,
       CASE WHEN i % 2 THEN 'poll_opened' ELSE 'password_reset' END,
       json_object('user_id', u.id, 'full_name', u.full_name, 'email', 'canbo' || i || '@example.vn',
                   'phone', printf('09%07d1', i)),
       CASE WHEN i % 2 THEN json_object('event', 'poll_opened', 'poll_id', i, 'title', 'Tờ trình số ' || i,
                                        'deadline', '2026-12-31T17:00:00+07:00')
            ELSE json_object('code', printf('ABCD-EFGH-%04d', i), 'valid_minutes', 30, 'link', '/quen-mat-khau') END
FROM k JOIN users u ON u.username = 'chutich';"
t0=$(now_ms)
out=$("$motcua" notify --drain)
t1=$(now_ms)
ms=$((t1 - t0))
mails=$(find "$work/sink" -name 'mail-*.eml' | wc -l)
texts=$(find "$work/sink" -name 'sms-*.json' | wc -l)
inbox=$(sqlite3 "$MOTCUA_DB" "SELECT COUNT(*) FROM inbox_messages")
echo "motcua notify --drain: $out"
echo "  $mails e-mails + $texts SMS + $inbox inbox messages in $ms ms"
awk -v m="$mails" -v s="$texts" -v ms="$ms" -v ref="$ref_rate" 'BEGIN {
	r = m * 1000 / ms
	printf "  e-mails: %.0f/s (%.1f %% of the reference %s/s); e-mail + SMS deliveries: %.0f/s\n", r, 100 * r / ref, ref, (m + s) * 1000 / ms }'
