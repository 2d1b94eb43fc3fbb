#!/bin/sh
# SPDX-License-Identifier: ISC
#
# casesyncctl end to end: init (files, modes, certificates that
# openssl verifies), refusal to re-init, offices and users, a bad role,
# the exact enroll-token output, device list/revoke on an empty
# database, usage errors and exit codes.
set -u

BUILD=${BUILD:-build}
CTL=$(cd "$(dirname "$0")/../.." && pwd)/$BUILD/casesyncctl
[ -x "$CTL" ] || { echo "t_ctl: $CTL not built"; exit 1; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/t_ctl.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' HUP INT TERM
dir=$tmp/deploy
unset CASESYNC_DIR

fail() {
	echo "FAIL: $*"
	[ -f "$tmp/out" ] && sed 's/^/  out| /' "$tmp/out"
	[ -f "$tmp/err" ] && sed 's/^/  err| /' "$tmp/err"
	exit 1
}

# run EXPECTED_STATUS ARGS...: run casesyncctl, keep stdout and stderr
run() {
	want=$1
	shift
	"$CTL" "$@" >"$tmp/out" 2>"$tmp/err"
	got=$?
	[ "$got" -eq "$want" ] ||
	    fail "casesyncctl $* exited $got, expected $want"
}

mode() {
	stat -c %a "$1"
}

# --- init ---------------------------------------------------------
run 0 init --dir "$dir" --server-name casesync.test --listen 127.0.0.1:14433
grep -q '^ca-fingerprint [0-9a-f]\{64\}$' "$tmp/out" ||
    fail "init printed no CA fingerprint"
init_fp=$(awk '$1 == "ca-fingerprint" { print $2 }' "$tmp/out")

[ "$(mode "$dir")" = 700 ] || fail "deployment dir mode $(mode "$dir")"
for f in ca.key server.key server.db; do
	[ "$(mode "$dir/$f")" = 600 ] || fail "$f mode $(mode "$dir/$f")"
done
for f in ca.crt server.crt casesyncd.conf; do
	[ "$(mode "$dir/$f")" = 644 ] || fail "$f mode $(mode "$dir/$f")"
done
ls "$dir"/*.tmp.* >/dev/null 2>&1 && fail "temporary files left behind"

abs=$(cd "$dir" && pwd -P)
grep -qx 'listen = 127.0.0.1:14433' "$dir/casesyncd.conf" || fail "listen"
grep -qx 'server_name = casesync.test' "$dir/casesyncd.conf" ||
    fail "server_name"
grep -qx "data_dir = $abs" "$dir/casesyncd.conf" || fail "data_dir"

openssl verify -CAfile "$dir/ca.crt" "$dir/server.crt" >"$tmp/out" 2>&1 ||
    fail "openssl verify of server.crt"
openssl verify -CAfile "$dir/ca.crt" -purpose sslserver \
    -verify_hostname casesync.test "$dir/server.crt" >"$tmp/out" 2>&1 ||
    fail "server.crt not valid for casesync.test"
openssl x509 -in "$dir/ca.crt" -noout -subject | grep -q 'casesync deployment CA' ||
    fail "CA subject"
openssl pkey -in "$dir/ca.key" -noout -text 2>/dev/null | grep -q 'prime256v1' ||
    fail "ca.key is not P-256"
ossl_fp=$(openssl x509 -in "$dir/ca.crt" -outform DER | openssl dgst -sha256 |
    sed 's/.*= *//')
[ "$ossl_fp" = "$init_fp" ] || fail "fingerprint $init_fp != $ossl_fp"

# --- re-init is refused, nothing is touched -----------------------
before=$(cksum "$dir/ca.key" "$dir/ca.crt")
run 1 init --dir "$dir" --server-name other.test
grep -q 'already contains a deployment' "$tmp/err" || fail "refusal message"
[ "$(cksum "$dir/ca.key" "$dir/ca.crt")" = "$before" ] || fail "CA changed"
mkdir "$tmp/partial" && : >"$tmp/partial/ca.key"
run 1 init --dir "$tmp/partial" --server-name x.test
[ -f "$tmp/partial/ca.crt" ] && fail "init wrote into a partial deployment"

# --- argument errors ------------------------------------------------
run 2 init --dir "$tmp/n1"
run 2 init --dir "$tmp/n2" --server-name 'bad name'
run 2 init --dir "$tmp/n3" --server-name ok.test --listen 127.0.0.1
run 2 init --dir "$tmp/n4" --server-name ok.test --listen 'a:70000'
[ -e "$tmp/n2" ] && fail "init created a directory on a usage error"
run 2
run 2 frobnicate
run 0 --help
grep -q 'enroll-token' "$tmp/out" || fail "--help lacks enroll-token"
run 0 user --help
grep -q 'user add' "$tmp/out" || fail "user --help"
run 2 office list                      # no --dir, no CASESYNC_DIR
run 1 --dir "$tmp/nothing" office list

# --- offices and users (both --dir and CASESYNC_DIR) ----------------
run 0 --dir "$dir" office add Utrecht --region 'Utrecht stad'
CASESYNC_DIR=$dir
export CASESYNC_DIR
run 0 office add 'Den Haag'
run 1 office add Utrecht
grep -q 'already exists' "$tmp/err" || fail "duplicate office message"
run 0 office list
grep -q 'Utrecht stad' "$tmp/out" || fail "office list lacks region"
grep -q 'Den Haag' "$tmp/out" || fail "office list lacks Den Haag"

run 0 user add --name anna --role jeugdbeschermer --office Utrecht
run 0 user add --name bert --role teamleider --office 'Den Haag'
run 2 user add --name carl --role admin --office Utrecht
grep -q 'invalid role' "$tmp/err" || fail "bad role message"
run 1 user add --name carl --role auditor --office Nowhere
run 1 user add --name anna --role auditor --office Utrecht
run 2 user add --name carl --role auditor
run 0 user list
grep -q 'anna .*jeugdbeschermer .*Utrecht' "$tmp/out" || fail "user list anna"
grep -q 'bert .*teamleider .*Den Haag' "$tmp/out" || fail "user list bert"
grep -q carl "$tmp/out" && fail "carl was added"

# --- enroll-token ---------------------------------------------------
run 0 enroll-token --user anna --device laptop-anna
[ "$(wc -l <"$tmp/out")" -eq 3 ] || fail "enroll-token printed not 3 lines"
token=$(awk '$1 == "token" { print $2 }' "$tmp/out")
fp=$(awk '$1 == "ca-fingerprint" { print $2 }' "$tmp/out")
exp=$(awk '$1 == "expires" { print $2 }' "$tmp/out")
echo "$token" | grep -qx 'cst1-[0-9a-f]\{64\}' || fail "token format: $token"
[ "$fp" = "$init_fp" ] || fail "enroll-token fingerprint $fp"
echo "$exp" | grep -qx '[0-9]\{4\}-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]Z' ||
    fail "expires format: $exp"
[ "$(sed -n 1p "$tmp/out" | cut -d' ' -f1)" = token ] || fail "line order"
[ "$(sed -n 3p "$tmp/out" | cut -d' ' -f1)" = expires ] || fail "line order"
want=$(date -u -d '@'$(( $(date +%s) + 86400 )) +%Y-%m-%dT%H)
case $exp in "$want"*) ;; *) fail "default ttl: $exp, want $want..." ;; esac
secret=${token#cst1-????????????????}
grep -q "$secret" "$dir/server.db" "$dir"/server.db-wal 2>/dev/null &&
    fail "token secret stored in the database"

run 0 enroll-token --user bert --device laptop-bert --ttl 30d
run 2 enroll-token --user bert --device laptop-bert --ttl 31d
run 2 enroll-token --user bert --device laptop-bert --ttl 0
run 2 enroll-token --user bert --device laptop-bert --ttl soon
run 1 enroll-token --user nobody --device x
run 2 enroll-token --user bert

# --- devices on a database without enrollments ----------------------
run 0 device list
[ "$(wc -l <"$tmp/out")" -eq 1 ] || fail "device list not just a header"
run 1 device revoke 1
grep -q 'no device' "$tmp/err" || fail "revoke unknown message"
run 1 device revoke abc
grep -q "no device with id or name" "$tmp/err" || fail "revoke unknown name message"
run 2 device revoke
run 2 device frob

echo "t_ctl: all checks passed"
exit 0
