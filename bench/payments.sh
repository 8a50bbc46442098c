#!/usr/bin/env bash
# bench/payments.sh - how fast the server takes VNPAY's notifications (IPN,
# issue 16).  Not in `make bench`.
#
# Usage: bash bench/payments.sh [BUILD_DIR]        (default BUILD_DIR: build)
#
# In a fresh temporary folder (SQLite, the demo data):
#   1. BENCH_PAY_N online dossiers of 2.000635 (8 000 đồng) and one VNPAY
#      order each, through the API;
#   2. the gateway's notification of every order, signed here (python3's
#      hmac, HMAC-SHA512 over the sorted, encoded parameters), sent once
#      in one curl process with keep-alive: each is verified, taken and
#      settled in a write transaction (the receipt numbered, the event,
#      the audit entry, the outbox row) - answered 00;
#   3. the same notifications again: replays, answered 02 after one read;
#   4. as the reference in the same run, GET /healthz the same number of
#      times the same way.
# It prints the rate and the mean time of each, and checks the answers.
#
# Environment: BENCH_PAY_N (1000), BENCH_KEEP=1 keeps the folder.
set -euo pipefail
# shellcheck source=bench/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

build=${1:-build}
n=${BENCH_PAY_N:-1000}
motcua=$(realpath "$build/motcua" 2>/dev/null) || die "no $build/motcua: build first"
for t in curl python3; do command -v "$t" >/dev/null || die "$t is needed"; done
tmp=$(mktemp -d /tmp/motcua-bench-pay.XXXXXX)
server_pid=
cleanup() {
	[[ -n "$server_pid" ]] && stop_server
	if [[ "${BENCH_KEEP:-0}" == 1 ]]; then echo "kept: $tmp"; else rm -rf "$tmp"; fi
}
trap cleanup EXIT
export MOTCUA_DATA_DIR=$tmp MOTCUA_SHARE_DIR
MOTCUA_SHARE_DIR=$(realpath "$(dirname "${BASH_SOURCE[0]}")/..")
secret=bench-secret-$$
"$motcua" seed >"$tmp/seed.log" 2>&1 || { show_log "$tmp/seed.log"; die "seed failed"; }
start_server "$tmp/motcua.db" "$tmp/server.log" MOTCUA_PAYSIM=1 MOTCUA_VNPAY_SECRET="$secret" MOTCUA_VNPAY_TMN=BENCH001 \
	MOTCUA_TRACK_LIMIT=0
tok=$(login 079203001234)

# ---- 1. the orders
body='{"procedure_code":"2.000635","form":{"subject_full_name":"Nguyễn Văn An","subject_birth_date":"2003-05-14","record_kind":"birth","registration_unit":"26740","copies":2}}'
t0=$(date +%s.%N)
for ((i = 0; i < n; i++)); do
	code=$(curl -sS -f -H "Authorization: Bearer $tok" -H 'Content-Type: application/json' -d "$body" \
		"$url/api/v1/dossiers" | sed -n 's/^{"id":[0-9]*,"code":"\([^"]*\)".*/\1/p')
	id=$(curl -sS -f -H "Authorization: Bearer $tok" "$url/api/v1/dossiers/$code/payment" |
		sed -n 's/^{"id":\([0-9]*\),.*/\1/p')
	ref=$(curl -sS -f -H "Authorization: Bearer $tok" -H 'Content-Type: application/json' -d '{}' \
		"$url/api/v1/payments/$id/vnpay" | sed -n 's/.*"txn_ref":"\([^"]*\)".*/\1/p')
	echo "$ref" >>"$tmp/refs"
done
setup_s=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
[[ $(wc -l <"$tmp/refs") == "$n" ]] || die "only $(wc -l <"$tmp/refs") orders were made"

# ---- 2.-4. the notifications, signed here
python3 - "$secret" "$url" "$tmp/refs" >"$tmp/ipn.curl" <<'PY'
import hmac, hashlib, sys, urllib.parse
secret, url, refs = sys.argv[1], sys.argv[2], sys.argv[3]
for ref in open(refs).read().split():
    p = {"vnp_Amount": "800000", "vnp_BankCode": "NCB", "vnp_OrderInfo": "Le phi", "vnp_PayDate": "20270302090100",
         "vnp_ResponseCode": "00", "vnp_TmnCode": "BENCH001", "vnp_TransactionNo": "1" + ref.replace("-", ""),
         "vnp_TransactionStatus": "00", "vnp_TxnRef": ref}
    q = "&".join(f"{k}={urllib.parse.quote_plus(v)}" for k, v in sorted(p.items()))
    h = hmac.new(secret.encode(), q.encode(), hashlib.sha512).hexdigest()
    print(f'url = "{url}/api/v1/vnpay/ipn?{q}&vnp_SecureHash={h}"')
PY
for ((i = 0; i < n; i++)); do printf 'url = "%s/healthz"\noutput = /dev/null\n' "$url"; done >"$tmp/ref.curl"

# run NAME CONFIG: one curl, keep-alive; the elapsed seconds in fig
declare -A fig
run() {
	local t0
	t0=$(date +%s.%N)
	curl -sS -K "$2" >"$tmp/$1.out"
	fig[$1]=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.3f", b - a }')
}
run first "$tmp/ipn.curl"
run replay "$tmp/ipn.curl"
run healthz "$tmp/ref.curl"
ok=$(grep -o '"RspCode":"00"' "$tmp/first.out" | wc -l)
again=$(grep -o '"RspCode":"02"' "$tmp/replay.out" | wc -l)
paid=$(sqlite3 "$tmp/motcua.db" "SELECT COUNT(*) FROM payments WHERE status = 'paid'" 2>/dev/null || echo "?")

line() { awk -v name="$1" -v s="$2" -v n="$n" 'BEGIN { printf "%-34s %8.0f /s  %7.2f ms each\n", name, n / s, 1000 * s / n }'; }
echo "motcua payments bench: $n notifications, one curl process, keep-alive (setup: ${setup_s} s)"
line "IPN, first (verify + settle)" "${fig[first]}"
line "IPN, replayed (verify + 02)" "${fig[replay]}"
line "GET /healthz (reference)" "${fig[healthz]}"
echo "answers: $ok x 00 (want $n), $again x 02 (want $n); payments paid: $paid"
echo "machine: $(nproc) cores, $(uname -sr), load $(cut -d' ' -f1-3 /proc/loadavg)"
[[ $ok == "$n" && $again == "$n" ]] || die "some notification was not answered as it should be"
