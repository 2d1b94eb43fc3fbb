#!/bin/sh
# SPDX-License-Identifier: ISC
#
# casesyncctl status (docs/ADMIN.md, "status"): whether casesyncd runs
# on the data directory and as which pid, the certificates' ends as in
# the files, the devices, the newest backup from the audit log, the
# audit head (size and root as "audit verify" has them) and, with
# metrics_listen, the live figures; --json parses and says the same.
# casesyncctl init --config PATH writes the configuration there (where
# casesyncd's default is, /etc/casesync/casesyncd.conf) and not in the
# data directory, refuses an existing file, and, run by root on a
# directory another user owns, gives that user the files.
. "$(dirname "$0")/lib.sh"

M="python3 $(dirname "$0")/metrics.py"
deploy
ctl office add Zwolle >/dev/null || fail "office"
ctl user add --name anna --role jeugdbeschermer --office Zwolle >/dev/null ||
    fail "user add"

jget() {	# jget FILE PYTHON-EXPR-ON-j
	python3 -c "import json, sys
j = json.load(open(sys.argv[1]))
print($2)" "$1" || fail "json: $2: $(cat "$1")"
}

# --- stopped
ctl status >"$T/st0" 2>&1 || fail "status: $(cat "$T/st0")"
grep -q '^server  *not running$' "$T/st0" || fail "stopped: $(cat "$T/st0")"
grep -q '^last-backup  *none recorded$' "$T/st0" || fail "no backup yet"
ctl status --json >"$T/st0.json" || fail "status --json"
expect_eq "json: not running" "$(jget "$T/st0.json" 'j["server"]["running"]')" \
    False
expect_eq "json: no metrics" "$(jget "$T/st0.json" 'j["metrics"]')" None

# --- running, with metrics, a laptop, a backup
MP=$($M freeport) || fail "freeport"
start_server "metrics_listen = 127.0.0.1:$MP"
enroll a anna
laptop a sync >/dev/null 2>&1 || fail "sync"
ctl backup --out "$T/backup.db" >"$T/backup.out" 2>&1 ||
    fail "backup: $(cat "$T/backup.out")"
ctl status >"$T/st1" 2>&1 || fail "status: $(cat "$T/st1")"
grep -q "^server  *running (pid $SERVER_PID)\$" "$T/st1" ||
    fail "running: $(cat "$T/st1")"
grep -q '^devices  *1 active, 0 revoked$' "$T/st1" ||
    fail "devices: $(cat "$T/st1")"
grep -q '^last-backup  *20.*online copy' "$T/st1" ||
    fail "backup: $(cat "$T/st1")"
grep -q '^connections  *handshake' "$T/st1" || fail "no live figures"
ok "status: running, devices, backup, live figures"

ctl status --json >"$T/st1.json" || fail "status --json"
expect_eq "json: pid" "$(jget "$T/st1.json" 'j["server"]["pid"]')" \
    "$SERVER_PID"
expect_eq "json: devices" "$(jget "$T/st1.json" 'j["devices"]["active"]')" 1
epoch() {
	python3 -c "import sys, email.utils as u
print(int(u.parsedate_to_datetime(sys.argv[1].replace('GMT','+0000')).timestamp()))" \
	    "$(openssl x509 -in "$1" -noout -enddate | cut -d= -f2)"
}
expect_eq "json: server certificate" \
    "$(jget "$T/st1.json" 'j["certificates"]["server"]["not_after_epoch"]')" \
    "$(epoch "$SRV/server.crt")"
expect_eq "json: CA certificate" \
    "$(jget "$T/st1.json" 'j["certificates"]["ca"]["not_after_epoch"]')" \
    "$(epoch "$SRV/ca.crt")"
python3 "$(dirname "$0")/../tools/json_schema.py" \
    "$(dirname "$0")/../../docs/json-schemas.json" status "$T/st1.json" ||
    fail "status --json does not match its schema"
ok "json: status matches its schema (docs/json-schemas.json)"
# the head is the one audit verify reports
ctl audit verify >"$T/verify" 2>&1 || fail "audit verify: $(cat "$T/verify")"
size=$(jget "$T/st1.json" 'j["audit"]["size"]')
root=$(jget "$T/st1.json" 'j["audit"]["root"]')
grep -q "$size" "$T/verify" || fail "size $size not in: $(cat "$T/verify")"
grep -q "$root" "$T/verify" || fail "root $root not in: $(cat "$T/verify")"
ok "json: audit head as audit verify has it"
python3 -c "import sys; sys.exit(0 if $size >= 3 else 1)" ||
    fail "audit size $size"
[ "$(jget "$T/st1.json" 'j["last_backup"]["time"][:2]')" = 20 ] ||
    fail "json: backup time"
[ "$(jget "$T/st1.json" 'j["metrics"]["requests"] > 0')" = True ] ||
    fail "json: live requests"
[ "$(jget "$T/st1.json" 'j["audit"]["checkpoint"]["size"] <= j["audit"]["size"]')" = True ] ||
    fail "json: checkpoint"
ok "json: backup, metrics, checkpoint"

# the default configuration: data_dir's, else casesyncd's default path
ctl status --config "$T/nonexistent.conf" >"$T/st2" 2>&1 &&
    fail "status with a missing --config succeeded"
stop_server
ctl status >"$T/st3" 2>&1 || fail "status after stop"
grep -q '^server  *not running$' "$T/st3" || fail "after stop: $(cat "$T/st3")"
ok "status: not running after stop"

# --- init --config
mkdir "$T/etc"
"$B/casesyncctl" init --dir "$T/d2" --config "$T/etc/casesyncd.conf" \
    --server-name localhost --listen 127.0.0.1:0 >"$T/init2.out" 2>&1 ||
    fail "init --config: $(cat "$T/init2.out")"
[ -f "$T/etc/casesyncd.conf" ] || fail "no configuration at --config"
[ -e "$T/d2/casesyncd.conf" ] && fail "configuration also in data_dir"
grep -q "^data_dir = $T/d2\$" "$T/etc/casesyncd.conf" ||
    fail "data_dir: $(cat "$T/etc/casesyncd.conf")"
grep -q "^config $T/etc/casesyncd.conf\$" "$T/init2.out" ||
    fail "init does not say where: $(cat "$T/init2.out")"
expect_eq "config mode" "$(stat -c %a "$T/etc/casesyncd.conf")" 644
ok "init --config writes the configuration there"
"$B/casesyncctl" init --dir "$T/d3" --config "$T/etc/casesyncd.conf" \
    --server-name localhost >"$T/init3.out" 2>&1
expect_eq "init: existing --config exit status" $? 1
[ -e "$T/d3" ] && fail "init made a directory next to an existing config"
"$B/casesyncctl" init --dir "$T/d4" --config "$T/nodir/casesyncd.conf" \
    --server-name localhost >"$T/init4.out" 2>&1
expect_eq "init: --config in a missing directory exit status" $? 1
[ -e "$T/d4" ] && fail "init left a directory behind"
ok "init --config refuses to overwrite and cleans up"

if [ "$(id -u)" -eq 0 ]; then
	# the packaged flow: data_dir made by tmpfiles for the service user
	mkdir -m 700 "$T/d5" && chown nobody "$T/d5"
	chmod 755 "$T"
	"$B/casesyncctl" init --dir "$T/d5" --config "$T/etc/d5.conf" \
	    --server-name localhost --listen 127.0.0.1:0 >"$T/init5.out" \
	    2>&1 || fail "init as root: $(cat "$T/init5.out")"
	expect_eq "files given to the data_dir's owner" \
	    "$(find "$T/d5" ! -user nobody | wc -l)" 0
	expect_eq "config stays root's" "$(stat -c %U "$T/etc/d5.conf")" root
	echo "user = nobody" >>"$T/etc/d5.conf"
	"$B/casesyncd" -t -f "$T/etc/d5.conf" >"$T/t5.out" 2>&1 ||
	    fail "casesyncd -t: $(cat "$T/t5.out")"
	"$B/casesyncd" -d -f "$T/etc/d5.conf" -p "$T/port5" \
	    >"$T/server5.log" 2>&1 &
	SERVER_PID=$!
	i=0
	while [ ! -s "$T/port5" ]; do
		i=$((i + 1))
		[ $i -gt 100 ] && fail "d5: server did not start: \
$(cat "$T/server5.log")"
		kill -0 "$SERVER_PID" 2>/dev/null ||
		    fail "d5: server died: $(cat "$T/server5.log")"
		sleep 0.1
	done
	"$B/casesyncctl" --dir "$T/d5" status --config "$T/etc/d5.conf" \
	    >"$T/st5" 2>&1 || fail "status d5"
	grep -q "^server  *running (pid $SERVER_PID)\$" "$T/st5" ||
	    fail "d5 status: $(cat "$T/st5")"
	stop_server
	ok "init as root on the service user's directory: casesyncd runs"
fi
