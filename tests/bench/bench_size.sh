#!/bin/sh
# SPDX-License-Identifier: ISC
#
# Cost independent of the server's size (issue 23 goal 3), with the real
# programs on 127.0.0.1.  Two servers: a small one holding only the
# user's cases (BENCH_SIZE_USER_CASES cases of BENCH_SIZE_USER_RECORDS
# records of 1 KiB, pushed by her laptop through the protocol), and a
# big one holding the same plus BENCH_SIZE_RECORDS records of 1 KiB in
# BENCH_SIZE_CASES cases of another office with BENCH_SIZE_USERS users,
# written straight into its database before it starts (users, cases,
# members, key state and three key grants a case, records and their
# change ids, versions interleaved across the cases as many laptops
# would push them).  On each: the whole "casesync sync" of a
# fresh laptop of that user (wall clock of the command, and the time
# measured inside it), median of BENCH_SIZE_RUNS fresh laptops; then
# the already-in-sync sync of those laptops, three times each, median.
# Prints a markdown table with the ratios big/small and the database
# sizes.
# Environment: BUILD (build directory), BENCH_SIZE_RECORDS (default
# 2000000), BENCH_SIZE_CASES (5000), BENCH_SIZE_USERS (2000),
# BENCH_SIZE_USER_CASES (20), BENCH_SIZE_USER_RECORDS (200),
# BENCH_SIZE_RUNS (7), BENCH_SIZE_KEEP (a directory: keep the big
# server there, for profiling).
set -eu
BUILD=${BUILD:-build-bench}
BIG=${BENCH_SIZE_RECORDS:-2000000}
BIGC=${BENCH_SIZE_CASES:-5000}
BIGU=${BENCH_SIZE_USERS:-2000}
UC=${BENCH_SIZE_USER_CASES:-20}
UR=${BENCH_SIZE_USER_RECORDS:-200}
RUNS=${BENCH_SIZE_RUNS:-7}
SYNCS=$((RUNS * 3))	# already-in-sync samples
top=$(cd "$(dirname "$0")/../.." && pwd)
B="$top/$BUILD"
T=$(mktemp -d "${TMPDIR:-/tmp}/casesync-bench.XXXXXX")
stop() {
	for f in "$T"/*/pid; do
		[ -f "$f" ] || continue
		kill "$(cat "$f")" 2>/dev/null
		while kill -0 "$(cat "$f")" 2>/dev/null; do sleep 0.05; done
		rm -f "$f"
	done
}
cleanup() {
	stop
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
export CASESYNC_KDF=fast CASESYNC_PASSPHRASE="bench-passphrase-long"
die() { echo "bench_size: $*" >&2; exit 1; }
now_us() { echo $(($(date +%s%N) / 1000)); }
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

# fill DIR: the other offices' cases and records, straight into the
# database of the server in DIR (not running)
fill() {
	sqlite3 "$1/server.db" >/dev/null <<EOF || die "fill failed"
PRAGMA journal_mode = DELETE;
PRAGMA synchronous = OFF;
PRAGMA cache_size = -262144;
BEGIN;
INSERT INTO offices(name) VALUES ('Elders');
INSERT INTO users(name, role, office_id) SELECT 'o', 'jeugdbeschermer',
    id FROM offices WHERE name = 'Elders';
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n
    WHERE i < $BIGU)
INSERT INTO users(name, role, office_id) SELECT 'o' || i,
    CASE WHEN i % 50 = 0 THEN 'teamleider' ELSE 'jeugdbeschermer' END,
    (SELECT id FROM offices WHERE name = 'Elders') FROM n;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n
    WHERE i < $BIGC)
INSERT INTO cases(id, office_id, frame, created_at, created_seq)
SELECT printf('cccccccc-0000-4000-8000-%012x', i),
    (SELECT id FROM offices WHERE name = 'Elders'), 'DRANG',
    strftime('%s', 'now'), i FROM n;
INSERT INTO case_members(user_id, case_id, granted_seq)
SELECT (SELECT id FROM users WHERE name = 'o'), id, created_seq
    FROM cases WHERE id LIKE 'cccccccc-%';
INSERT INTO key_state(case_id, epoch) SELECT id, 1 FROM cases
    WHERE id LIKE 'cccccccc-%';
INSERT INTO key_grants(case_id, epoch, to_user, from_user, sealed, sig, at)
SELECT c.id, 1, u.id, 'o', randomblob(80), randomblob(64), 0
    FROM cases c JOIN users u ON u.name IN ('o',
    'o' || (1 + c.created_seq % ($BIGU - 1)),
    'o' || (2 + c.created_seq % ($BIGU - 3)))
    WHERE c.id LIKE 'cccccccc-%';
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n
    WHERE i < $BIG)
INSERT INTO records(record_id, case_id, kind, version, deleted,
    key_epoch, body, author_device, hlc)
SELECT printf('eeeeeeee-0000-4000-8000-%012x', i),
    printf('cccccccc-0000-4000-8000-%012x', (i - 1) % $BIGC + 1), 'note',
    $BIGC + i, 0, 1, randomblob(1024), 1000000 + (i % 100), i FROM n;
INSERT INTO changes(change_id, device_id, record_id, version, at)
SELECT printf('dddddddd-0000-4000-8000-%012x', rid), author_device,
    record_id, version, strftime('%s', 'now') FROM records;
UPDATE meta SET value = $BIGC + $BIG WHERE key = 'seq';
COMMIT;
EOF
}

# server KIND: start a server in $T/KIND with the user's cases (and,
# for "big", the other offices'); d names its directory
server() {
	d="$T/$1"
	mkdir -p "$d"
	ctl init --dir "$d/srv" --server-name localhost \
	    --listen 127.0.0.1:0 >/dev/null
	ctl office add Zwolle >/dev/null
	ctl user add --name w --role jeugdbeschermer --office Zwolle \
	    >/dev/null
	[ "$1" = big ] && fill "$d/srv"
	if [ "$(id -u)" -eq 0 ]; then
		echo "user = nobody" >>"$d/srv/casesyncd.conf"
	fi
	"$B/casesyncd" -f "$d/srv/casesyncd.conf" -d -p "$d/port" \
	    >"$d/server.log" 2>&1 &
	echo $! >"$d/pid"
	while [ ! -s "$d/port" ]; do
		kill -0 "$(cat "$d/pid")" 2>/dev/null ||
		    die "casesyncd: $(cat "$d/server.log")"
		sleep 0.05
	done
	openssl x509 -in "$d/srv/ca.crt" -outform DER | sha256sum |
	    cut -d' ' -f1 >"$d/fp"
}

ctl() { "$B/casesyncctl" --dir "$d/srv" "$@"; }

# laptop KIND NAME: enroll a laptop of w on server KIND
laptop() {
	d="$T/$1"
	tok=$(ctl enroll-token --user w --device "$2" |
	    awk '$1 == "token" { print $2 }')
	"$B/casesync" --dir "$d/$2" enroll --server "localhost:$(cat "$d/port")" \
	    --ca-fingerprint "$(cat "$d/fp")" --token "$tok" >/dev/null
}

# user KIND: her laptop creates her cases and records and pushes them
user() {
	d="$T/$1"
	laptop "$1" w
	i=0
	while [ $i -lt "$UC" ]; do
		c=$("$B/casesync" --dir "$d/w" case create --frame DRANG)
		"$B/casesync" --dir "$d/w" record bulk --case "$c" --kind note \
		    --count "$UR" --size 1000 >/dev/null
		i=$((i + 1))
	done
	"$B/casesync" --dir "$d/w" sync >/dev/null
	i=0
	while [ $i -lt "$RUNS" ]; do
		laptop "$1" "f$i"
		i=$((i + 1))
	done
}

# sync1 KIND NAME OUT: one "casesync sync" of laptop NAME on server
# KIND; appends "wall_us inside_us cpu_s" to $T/KIND/OUT (cpu: the
# laptop's user + system time)
sync1() {
	d="$T/$1"
	t0=$(now_us)
	/usr/bin/time -f "%U %S" -o "$d/cpu" "$B/casesync" --dir "$d/$2" \
	    --json sync >"$d/sync.json" || die "$1: sync of $2 failed"
	t1=$(now_us)
	echo "$((t1 - t0)) $(sed -n 's/.*"us":\([0-9]*\).*/\1/p' "$d/sync.json")" \
	    "$(awk '{ print $1 + $2 }' "$d/cpu")" >>"$d/$3"
}

# ticks KIND: the server's CPU time so far, in clock ticks
ticks() { awk '{ print $14 + $15 }' "/proc/$(cat "$T/$1/pid")/stat"; }

# both OUT N: N syncs of each server's laptops (f0, f1, ... in turn),
# alternating between the servers and which goes first, so that both
# see the same load from the rest of the machine; the servers' CPU
# ticks of them to $T/KIND/OUT.ticks
both() {
	s0=$(ticks small)
	b0=$(ticks big)
	i=0
	while [ $i -lt "$2" ]; do
		if [ $((i % 2)) -eq 0 ]; then
			sync1 small "f$((i % RUNS))" "$1"
			sync1 big "f$((i % RUNS))" "$1"
		else
			sync1 big "f$((i % RUNS))" "$1"
			sync1 small "f$((i % RUNS))" "$1"
		fi
		i=$((i + 1))
	done
	echo $(($(ticks small) - s0)) >"$T/small/$1.ticks"
	echo $(($(ticks big) - b0)) >"$T/big/$1.ticks"
}

# figures KIND: into $T/KIND.fig (after the servers stopped)
figures() {
	d="$T/$1"
	n=$("$B/casesync" --dir "$d/f0" digest | cut -d' ' -f1)
	[ "$n" -eq $((UC * UR)) ] || die "$1: the laptop holds $n records"
	bytes=$(du -cb "$d/srv/server.db"* | tail -n 1 | cut -f1)
	recs=$(sqlite3 "$d/srv/server.db" "SELECT count(*) FROM records")
	rows=$(sqlite3 "$d/srv/server.db" "SELECT (SELECT count(*) FROM users)
	    || '/' || (SELECT count(*) FROM cases) || '/'
	    || (SELECT count(*) FROM key_grants)")
	hz=$(getconf CLK_TCK)
	mean() { awk -v c="$1" '{ s += $c } END { print s / NR }' "$2"; }
	{
		echo "recs $recs"
		echo "rows $rows"
		echo "bytes $bytes"
		echo "init_wall $(cut -d' ' -f1 "$d/init" | median)"
		echo "init_in $(cut -d' ' -f2 "$d/init" | median)"
		echo "init_range $(cut -d' ' -f1 "$d/init" | sort -n | sed -n '1p;$p' | tr '\n' ' ')"
		echo "init_lcpu $(mean 3 "$d/init")"
		echo "init_scpu $(($(cat "$d/init.ticks") * 1000000 / hz / RUNS))"
		echo "sync_wall $(cut -d' ' -f1 "$d/insync" | median)"
		echo "sync_in $(cut -d' ' -f2 "$d/insync" | median)"
		echo "sync_range $(cut -d' ' -f1 "$d/insync" | sort -n | sed -n '1p;$p' | tr '\n' ' ')"
		echo "sync_lcpu $(mean 3 "$d/insync")"
		echo "sync_scpu $(($(cat "$d/insync.ticks") * 1000000 / hz / SYNCS))"
	} >"$T/$1.fig"
}

tb0=$(date +%s)
server small
user small
server big
user big
tbig=$(($(date +%s) - tb0))
both init "$RUNS"
both insync "$SYNCS"
stop
figures small
figures big
if [ -n "${BENCH_SIZE_KEEP:-}" ]; then
	rm -rf "$BENCH_SIZE_KEEP"
	cp -a "$T/big" "$BENCH_SIZE_KEEP"
fi

awk -v uc="$UC" -v ur="$UR" -v runs="$RUNS" -v syncs="$SYNCS" \
    -v tbig="$tbig" '
FILENAME ~ /small/ { s[$1] = $2; if (NF > 2) s[$1] = $2 "-" $3 }
FILENAME ~ /big/ { b[$1] = $2; if (NF > 2) b[$1] = $2 "-" $3 }
function ms(us) { return sprintf("%.1f ms", us / 1000) }
function rng(r,   a) { split(r, a, "-"); return sprintf("%.1f-%.1f", a[1] / 1000, a[2] / 1000) }
function verdict(x) { return x <= 1.2 ? "goal <= 1.2x: met" : sprintf("goal <= 1.2x: NOT met (by %.0f %%)", (x / 1.2 - 1) * 100) }
END {
	printf "The user: %d cases x %d records of 1 KiB; initial sync: median of %d fresh laptops, already in sync: median of %d syncs of them (range in brackets); the two servers were set up in %d s; their syncs alternate, under the same load.\n\n", uc, ur, runs, syncs, tbig
	printf "| figure | small server | big server | ratio big/small | note |\n|---|---|---|---|---|\n"
	printf "| records held by the server | %d | %d | | |\n", s["recs"], b["recs"]
	printf "| users / cases / key grants | %s | %s | | |\n", s["rows"], b["rows"]
	printf "| server database size | %.1f MB | %.1f MB | | |\n", s["bytes"] / 1e6, b["bytes"] / 1e6
	r = b["init_wall"] / s["init_wall"]
	printf "| initial sync of a fresh laptop, whole casesync sync | %s (%s) | %s (%s) | %.2f | %s |\n", ms(s["init_wall"]), rng(s["init_range"]), ms(b["init_wall"]), rng(b["init_range"]), r, verdict(r)
	printf "| the same, measured inside the command (connected, unlocked) | %s | %s | %.2f | |\n", ms(s["init_in"]), ms(b["init_in"]), b["init_in"] / s["init_in"]
	r = b["sync_wall"] / s["sync_wall"]
	printf "| already in sync, whole casesync sync | %s (%s) | %s (%s) | %.2f | %s |\n", ms(s["sync_wall"]), rng(s["sync_range"]), ms(b["sync_wall"]), rng(b["sync_range"]), r, verdict(r)
	printf "| the same, measured inside the command (one round trip) | %s | %s | %.2f | |\n", ms(s["sync_in"]), ms(b["sync_in"]), b["sync_in"] / s["sync_in"]
	printf "| CPU time per initial sync: laptop (mean) | %s | %s | %.2f | |\n", ms(s["init_lcpu"] * 1e6), ms(b["init_lcpu"] * 1e6), b["init_lcpu"] / s["init_lcpu"]
	printf "| CPU time per initial sync: server (mean) | %s | %s | %.2f | |\n", ms(s["init_scpu"]), ms(b["init_scpu"]), (s["init_scpu"] > 0 ? b["init_scpu"] / s["init_scpu"] : 0)
	printf "| CPU time per already-in-sync sync: laptop (mean) | %s | %s | %.2f | |\n", ms(s["sync_lcpu"] * 1e6), ms(b["sync_lcpu"] * 1e6), b["sync_lcpu"] / s["sync_lcpu"]
	printf "| CPU time per already-in-sync sync: server (mean) | %s | %s | %.2f | |\n", ms(s["sync_scpu"]), ms(b["sync_scpu"]), (s["sync_scpu"] > 0 ? b["sync_scpu"] / s["sync_scpu"] : 0)
}' "$T/small.fig" "$T/big.fig"
