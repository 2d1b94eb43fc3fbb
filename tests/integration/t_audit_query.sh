#!/bin/sh
# SPDX-License-Identifier: ISC
#
# "casesyncctl audit query" for auditors and a SIEM (issue 19,
# "Auditors"): a --type that is no audit type and a --user that no user
# and no entry has are refused with exit 2 and the valid ones listed;
# --until DATE includes the entries of that whole day (local time);
# times are shown in local time with the offset (TZ=Europe/Amsterdam,
# checked against date(1)); --since/--until read local times and
# offsets; --format ndjson gives one JSON object per line with the keys
# of --format json, and --after IDX only later entries; --follow prints
# an entry appended after it started and exits 0 on SIGINT and SIGTERM;
# "audit export" takes the same filters.
. "$(dirname "$0")/lib.sh"

export TZ=Europe/Amsterdam
command -v python3 >/dev/null 2>&1 || { echo "skip: no python3"; exit 0; }

deploy
ctl office add Zwolle >/dev/null || fail "office"
ctl user add --name anna --role jeugdbeschermer --office Zwolle >/dev/null ||
    fail "user add"
# zoe has a users row but no entry of her own
ctl user add --name zoe --role jeugdbeschermer --office Zwolle >/dev/null ||
    fail "user add"
start_server
enroll a1 anna
C=$(laptop a1 case create --frame DRANG) || fail "case create"
laptop a1 sync >"$T/sync" 2>&1 || fail "sync: $(cat "$T/sync")"

# ---- unknown --type and --user
ctl audit query --type enrol >"$T/out" 2>"$T/err"
expect_eq "exit status of an unknown --type" "$?" 2
[ -s "$T/out" ] && fail "output for an unknown type: $(cat "$T/out")"
expect_eq "lines of the refusal" "$(wc -l <"$T/err")" 1
grep -q "unknown --type enrol; the types are: access_end, " "$T/err" ||
    fail "refusal: $(cat "$T/err")"
for t in enroll enroll_failed read audit_read admin_user_add server_start; do
	grep -q " $t[,]\\| $t\$" "$T/err" || fail "$t not listed: $(cat "$T/err")"
done
ctl audit query --type restore >"$T/out" || fail "a valid type without entries"
expect_eq "entries of a valid type that has none" "$(wc -l <"$T/out")" 1
ok "an unknown --type is refused with the list of types"

ctl audit query --user anne >"$T/out" 2>"$T/err"
expect_eq "exit status of an unknown --user" "$?" 2
[ -s "$T/out" ] && fail "output for an unknown user: $(cat "$T/out")"
expect_eq "lines of the refusal" "$(wc -l <"$T/err")" 1
grep -q "unknown --user anne .*known: anna, .*zoe" "$T/err" ||
    fail "refusal: $(cat "$T/err")"
ctl audit query --user zoe >/dev/null || fail "a user without entries"
ctl audit query --user anna --type login >"$T/out" || fail "anna"
grep -q " login " "$T/out" || fail "anna's login: $(cat "$T/out")"
me=$(id -un)
ctl audit query --user "host:$me" --type admin_office_add --format csv \
    >"$T/out" || fail "a host user of the entries"
grep -q '"admin_office_add"' "$T/out" || fail "host user: $(cat "$T/out")"
ctl audit export --type enrol >/dev/null 2>"$T/err"
expect_eq "exit status of export with an unknown --type" "$?" 2
ctl audit export --user anne >/dev/null 2>"$T/err"
expect_eq "exit status of export with an unknown --user" "$?" 2
ok "an unknown --user is refused with the known names; a users row counts"

# ---- --since / --until and the local time shown
today=$(date +%Y-%m-%d)
yesterday=$(date -d yesterday +%Y-%m-%d)
ctl audit query --type admin_office_add --until "$today" --format csv \
    >"$T/out" || fail "--until today"
expect_eq "entries --until today (the end of the day)" \
    "$(grep -c '"admin_office_add"' "$T/out")" 1
ctl audit query --type admin_office_add --since "$today" --until "$today" \
    --format csv >"$T/out" || fail "--since --until today"
expect_eq "entries --since and --until today" \
    "$(grep -c '"admin_office_add"' "$T/out")" 1
ctl audit query --type admin_office_add --until "$yesterday" --format csv \
    >"$T/out" || fail "--until yesterday"
expect_eq "entries --until yesterday" "$(grep -c '"admin_office_add"' "$T/out")" 0

ctl audit query --format json >"$T/all.json" || fail "json"
python3 - "$T/all.json" >"$T/times" <<'PY' || fail "json times"
import json, sys
for line in open(sys.argv[1]):
    o = json.loads(line)
    print(o["idx"], o["server_time"], o["server_time_local"],
          o["device_time"], o["device_time_local"])
PY
n=0
while read -r idx st stl dt dtl; do
	want=$(date -d "@$st" +%Y-%m-%dT%H:%M:%S%:z)
	[ "$stl" = "$want" ] || fail "entry $idx: server_time_local $stl, want $want"
	if [ "$dt" = 0 ]; then
		[ "$dtl" = None ] || fail "entry $idx: device_time_local $dtl"
	else
		want=$(date -d "@$dt" +%Y-%m-%dT%H:%M:%S%:z)
		[ "$dtl" = "$want" ] || fail "entry $idx: device_time_local $dtl, want $want"
	fi
	n=$((n + 1))
done <"$T/times"
[ "$n" -ge 8 ] || fail "only $n entries"
ok "json shows server and device time in local time with the offset, and the seconds"
if [ "$(date +%m)" = 12 ]; then
	grep -q " [0-9-]*T[0-9:]*+01:00 " "$T/times" || fail "no +01:00 in December"
	ok "in December Europe/Amsterdam is +01:00"
fi
ctl audit query --type case_create >"$T/table" || fail "table"
off=$(date +%:z)
grep -q "^[0-9]* *$today"'T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]'"$off " "$T/table" ||
    fail "table time: $(cat "$T/table")"
ctl audit query --type case_create --format csv >"$T/csv" || fail "csv"
st=$(awk -F, 'NR == 2 { print $(NF - 1) }' "$T/csv")
grep -q "^[0-9]*,$(date -d "@$st" +%Y-%m-%dT%H:%M:%S%:z),$(date -d "@$st" +%Y-%m-%dT%H:%M:%S%:z)," "$T/csv" ||
    grep -q "^[0-9]*,$(date -d "@$st" +%Y-%m-%dT%H:%M:%S%:z)," "$T/csv" ||
    fail "csv time: $(cat "$T/csv")"
ok "table and csv show local time with the offset; csv keeps the seconds"

# an entry's own time, as local time, as local time with offset, and in UTC
for s in "$(date -d "@$st" +%Y-%m-%dT%H:%M:%S)" \
    "$(date -d "@$st" +%Y-%m-%dT%H:%M:%S%:z)" \
    "$(date -u -d "@$st" +%Y-%m-%dT%H:%M:%SZ)"; do
	ctl audit query --type case_create --since "$s" --until "$s" \
	    --format csv >"$T/out" || fail "--since $s"
	expect_eq "the entry at $s" "$(grep -c '"case_create"' "$T/out")" 1
done
s=$(date -d "@$((st + 1))" +%Y-%m-%dT%H:%M:%S%:z)
ctl audit query --type case_create --since "$s" --format csv >"$T/out" ||
    fail "--since $s"
expect_eq "entries after it" "$(grep -c '"case_create"' "$T/out")" 0
ctl audit query --since 2026-02-30 >/dev/null 2>"$T/err"
expect_eq "exit status of February 30" "$?" 2
ctl audit query --since 2026-03-29T02:30 >/dev/null 2>"$T/err"
expect_eq "exit status of a local time that does not exist" "$?" 2
ok "--since/--until take local time, an offset or Z"

# ---- ndjson and --after
ctl audit query --format ndjson >"$T/all.nd" || fail "ndjson"
python3 - "$T/all.nd" "$T/all.json" <<'PY' || fail "ndjson lines"
import json, sys
nd = [json.loads(l) for l in open(sys.argv[1])]
js = [json.loads(l) for l in open(sys.argv[2])]
assert nd, "no entries"
for o in nd:
    assert isinstance(o["idx"], int) and isinstance(o["server_time"], int)
    assert set(o) == set(js[0]), (sorted(o), sorted(js[0]))
idx = [o["idx"] for o in nd]
assert idx == sorted(idx) and idx[0] == 0, idx
PY
total=$(wc -l <"$T/all.nd")
mid=$((total / 2))
ctl audit query --format ndjson --after "$mid" >"$T/after.nd" || fail "--after"
python3 - "$T/after.nd" "$mid" <<'PY' || fail "--after: $(cat "$T/after.nd")"
import json, sys
after = int(sys.argv[2])
idx = [json.loads(l)["idx"] for l in open(sys.argv[1])]
assert idx and min(idx) == after + 1, idx
assert idx == list(range(after + 1, after + 1 + len(idx))), idx
PY
ctl audit query --after -1 >/dev/null 2>&1 && fail "--after -1 accepted"
ctl audit export --after "$mid" --type audit_read >"$T/export" ||
    fail "export --after --type"
python3 - "$T/export" "$mid" <<'PY' || fail "export: $(cat "$T/export")"
import json, sys
after = int(sys.argv[2])
lines = [json.loads(l) for l in open(sys.argv[1])]
entries = [o for o in lines if "idx" in o]
assert entries, "no entries"
for o in entries:
    assert o["type"] == "audit_read" and o["idx"] > after, o
    assert len(o["leaf"]) == 64, o
assert "audit_public_key" in lines[-1], lines[-1]
PY
ctl audit export --format json >/dev/null 2>&1 && fail "export --format accepted"
ok "ndjson lines parse with the keys of json; --after skips earlier entries; export filters"

# ---- --follow
# stop_follow SIG: send SIG to the follower; it must exit within 5 s
stop_follow() {
	kill -"$1" "$fpid"
	i=0
	while kill -0 "$fpid" 2>/dev/null; do
		i=$((i + 1))
		if [ $i -gt 50 ]; then
			kill -KILL "$fpid"
			fail "--follow still running 5 s after SIG$1"
		fi
		sleep 0.1
	done
	wait "$fpid"
}

# casesyncctl itself, not the ctl function: $! must be its pid
last=$(tail -1 "$T/all.nd" | python3 -c 'import json,sys; print(json.loads(sys.stdin.read())["idx"])')
"$B/casesyncctl" --dir "$SRV" audit query --follow --format ndjson \
    --after "$last" \
    >"$T/follow" 2>"$T/follow.err" &
fpid=$!
# it has started when its own audit_read is logged
i=0
until grep -q '"detail":"query: [0-9]* entries after=[0-9]* follow"' "$T/follow"; do
	i=$((i + 1))
	[ $i -gt 100 ] && fail "follow did not start: $(cat "$T/follow" "$T/follow.err")"
	sleep 0.1
done
ctl office add Deventer >/dev/null || fail "office add"
laptop a1 sync >"$T/sync" 2>&1 || fail "sync: $(cat "$T/sync")"
i=0
until grep -q '"type":"admin_office_add".*"object_id":"Deventer"' "$T/follow"; do
	i=$((i + 1))
	[ $i -gt 50 ] && fail "follow did not print the new entry: $(cat "$T/follow")"
	sleep 0.1
done
stop_follow INT
expect_eq "exit status of --follow after SIGINT" "$?" 0
python3 - "$T/follow" "$last" <<'PY' || fail "follow output: $(cat "$T/follow")"
import json, sys
idx = [json.loads(l)["idx"] for l in open(sys.argv[1])]
assert min(idx) > int(sys.argv[2]) and idx == sorted(set(idx)), idx
PY
ok "--follow prints an entry appended after it started, each once"

"$B/casesyncctl" --dir "$SRV" audit query --follow --type login \
    >"$T/follow2" 2>&1 &
fpid=$!
sleep 1.5
laptop a1 sync >"$T/sync" 2>&1 || fail "sync: $(cat "$T/sync")"
i=0
n0=$(grep -c " login " "$T/follow2")
until [ "$(grep -c " login " "$T/follow2")" -gt "$n0" ]; do
	i=$((i + 1))
	[ $i -gt 50 ] && fail "follow --type login: $(cat "$T/follow2")"
	sleep 0.1
done
stop_follow TERM
expect_eq "exit status of --follow after SIGTERM" "$?" 0
grep -q "audit_read" "$T/follow2" && fail "follow printed another type"
ok "--follow with a filter, in a table, ends on SIGTERM"
