#!/bin/sh
# SPDX-License-Identifier: ISC
#
# The PostgreSQL backend beside SQLite (issue 22, DESIGN §11), in one
# run with the real programs on 127.0.0.1: the same deployment made
# twice, once on SQLite (data_dir/server.db) and once on a throw-away
# PostgreSQL cluster (tests/integration/pg_lib.sh: initdb, Unix socket,
# synchronous_commit on, fsync on), and the same figures measured on
# each, alternately:
#   - push: N records (1 KiB bodies) from one laptop, inside "casesync
#     sync" (connection open, vault unlocked): records/s;
#   - initial sync of those records into a fresh encrypted laptop;
#   - sync sessions with cs_load (as bench_load.sh): 100 clients, a new
#     connection (full handshake) per session, back to back and paced
#     at 500/s: sessions/s and p99;
# and the ratio PostgreSQL : SQLite of each (of the time a figure
# takes: > 1 means PostgreSQL is slower; the goal is <= 2).  casesyncd's
# CPU and PostgreSQL's (every process of the cluster, from /proc) are
# measured over each figure, so a ratio above the goal shows where the
# time went.  Prints markdown.
# Environment: BUILD (build directory), BENCH_PG_RECORDS (default
# 20000), BENCH_PG_SECS (seconds per cs_load run, default 4),
# BENCH_PG_CLIENTS (default 100), BENCH_PG_LADDER (the paced rates
# tried for sessions/s at p99, rising).
set -eu
BUILD=${BUILD:-build-bench}
N=${BENCH_PG_RECORDS:-20000}
SECS=${BENCH_PG_SECS:-4}
CLIENTS=${BENCH_PG_CLIENTS:-100}
LADDER=${BENCH_PG_LADDER:-200 300 400 500 600 700 800 900 1000 1200}
LADDER_P99=50
top=$(cd "$(dirname "$0")/../.." && pwd)
B="$top/$BUILD"
T=$(mktemp -d "${TMPDIR:-/tmp}/casesync-bench.XXXXXX")
PID=""
export CASESYNC_KDF=fast CASESYNC_PASSPHRASE="bench-passphrase-long"

cleanup() {
	[ -n "$PID" ] && kill "$PID" 2>/dev/null && wait "$PID" 2>/dev/null
	rm -rf "$T"
}
fail() {
	echo "bench_pg: $*" >&2
	[ -f "$T/server.log" ] && tail -5 "$T/server.log" >&2
	exit 1
}
# pg_lib.sh's trap stops the cluster, then calls cleanup
. "$top/tests/integration/pg_lib.sh"
pg_start >/dev/null
# the profile: every statement casesyncd sends, counted and timed by the
# server (not those run inside them: triggers, foreign-key checks)
printf '%s\n' "shared_preload_libraries = 'pg_stat_statements'" \
    "pg_stat_statements.track = top" >>"$PG_DIR/data/postgresql.conf"
pg_as "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/log" -w -t 60 \
    -m fast restart >/dev/null || fail "pg_ctl restart"
pg_sql "CREATE EXTENSION pg_stat_statements" >/dev/null ||
    fail "pg_stat_statements"
# prof_reset / prof NAME DIVISOR: the statements of the database "bench"
# since the reset, into $T/prof.NAME: calls, calls per DIVISOR, their
# execution time in ms, and the four most frequent
prof_reset() { pg_sql "SELECT pg_stat_statements_reset()" >/dev/null; }
prof() {
	pg_sql "SELECT sum(calls), round(sum(calls)::numeric / $2, 1),
	    round(sum(total_exec_time)::numeric) FROM pg_stat_statements s
	    JOIN pg_database d ON d.oid = s.dbid WHERE d.datname = 'bench'" \
	    >"$T/prof.$1"
	pg_sql "SELECT round(calls::numeric / $2, 2) || ' x ' ||
	    regexp_replace(left(query, 70), '[|[:space:]]+', ' ', 'g')
	    FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid
	    WHERE d.datname = 'bench' ORDER BY calls DESC LIMIT 4" \
	    >>"$T/prof.$1"
}

HZ=$(getconf CLK_TCK)
LOAD=$(cut -d' ' -f1 /proc/loadavg)
ms() { sed -n 's/.*"us":\([0-9]*\).*/\1/p'; }	# microseconds
srv_ticks() { awk '{ print $14 + $15 }' "/proc/$PID/stat"; }
# every process of the cluster: the postmaster's children and itself
pg_ticks() {
	pm=$(head -1 "$PG_DIR/data/postmaster.pid")
	for p in $pm $(cat /proc/"$pm"/task/*/children 2>/dev/null); do
		awk '{ print $14 + $15 }' "/proc/$p/stat" 2>/dev/null
	done | awk '{ s += $1 } END { print s + 0 }'
}
# cpu_begin / cpu_end: casesyncd's and PostgreSQL's CPU ms in between
cpu_begin() { c_srv=$(srv_ticks); c_pg=$(pg_ticks); }
cpu_end() {
	echo "$(( ($(srv_ticks) - c_srv) * 1000 / HZ ))" \
	    "$(( ($(pg_ticks) - c_pg) * 1000 / HZ ))"
}

# setup BACKEND: a deployment in $T/BACKEND, casesyncd started
setup() {
	be=$1
	D="$T/$be"
	ctl() { "$B/casesyncctl" --dir "$D/srv" "$@"; }
	lap() { n=$1; shift; "$B/casesync" --dir "$D/$n" "$@"; }
	mkdir -p "$D"
	if [ "$be" = postgresql ]; then
		"$PG_BIN/createdb" bench || fail "createdb"
		set -- --database "postgresql:$PG_CONNINFO dbname=bench"
	else
		set --
	fi
	ctl init --dir "$D/srv" --server-name localhost \
	    --listen 127.0.0.1:0 "$@" >/dev/null || fail "init $be"
	[ "$(id -u)" -eq 0 ] && echo "user = nobody" >>"$D/srv/casesyncd.conf"
	echo "max_pending_per_address = 1000000" >>"$D/srv/casesyncd.conf"
	ctl office add Zwolle >/dev/null
	ctl user add --name w --role jeugdbeschermer --office Zwolle >/dev/null
	ctl user add --name r --role jeugdbeschermer --office Zwolle >/dev/null
	: >"$D/tokens"
	i=0
	while [ $i -lt $((CLIENTS / 2)) ]; do
		ctl user add --name "u$i" --role jeugdbeschermer \
		    --office Zwolle >/dev/null
		for d in a b; do
			ctl enroll-token --user "u$i" --device "u$i-$d" |
			    awk '$1 == "token" { print $2 }' >>"$D/tokens"
		done
		i=$((i + 1))
	done
	rm -f "$D/port"
	"$B/casesyncd" -f "$D/srv/casesyncd.conf" -d -p "$D/port" \
	    >"$T/server.log" 2>&1 &
	PID=$!
	i=0
	while [ ! -s "$D/port" ]; do
		i=$((i + 1))
		[ $i -gt 200 ] && fail "casesyncd ($be) did not start"
		sleep 0.05
	done
	ADDR="localhost:$(cat "$D/port")"
	FP=$(openssl x509 -in "$D/srv/ca.crt" -outform DER | sha256sum |
	    cut -d' ' -f1)
	for u in w r; do
		tok=$(ctl enroll-token --user $u --device $u |
		    awk '$1 == "token" { print $2 }')
		lap $u enroll --server "$ADDR" --ca-fingerprint "$FP" \
		    --token "$tok" >/dev/null || fail "enroll $u ($be)"
	done
	C=$(lap w case create --frame DRANG)
	lap w case member --case "$C" --user r >/dev/null
	mkdir "$D/ids"
	"$B/tests/cs_load" -s "$ADDR" -C "$D/srv/ca.crt" -d "$D/ids" \
	    -r 200 enroll "$D/tokens" >"$D/load.out" 2>>"$T/load.log" ||
	    fail "cs_load enroll ($be): $(cat "$D/load.out")"
}

stop() {
	kill "$PID"
	wait "$PID" 2>/dev/null || true
	PID=""
}

# f NAME: the value after NAME in cs_load's last report
f() {
	awk -v k="$1" '{ for (i = 1; i < NF; i += 2) if ($i == k) print $(i + 1) }' \
	    "$D/load.out"
}

# the figures of one backend into $T/BACKEND.fig, one "name value" a line
measure() {
	be=$1
	out="$T/$be.fig"
	lap w record bulk --case "$C" --kind note --count "$N" --size 1000 \
	    >/dev/null || fail "record bulk ($be)"
	cpu_begin
	[ "$be" = sqlite ] || prof_reset
	push=$(lap w --json sync | ms)
	echo "push_us $push" >"$out"
	echo "push_cpu $(cpu_end)" >>"$out"
	[ "$be" = sqlite ] || prof push "$N"
	cpu_begin
	[ "$be" = sqlite ] || prof_reset
	init=$(lap r --json sync | ms)
	echo "init_us $init" >>"$out"
	echo "init_cpu $(cpu_end)" >>"$out"
	[ "$be" = sqlite ] || prof init "$N"
	echo "init_count $(lap r digest | cut -d' ' -f1)" >>"$out"
	for mode in b2b paced; do
		set --
		[ "$mode" = paced ] && set -- -r 500
		cpu_begin
		[ "$be" = sqlite ] || prof_reset
		"$B/tests/cs_load" -s "$ADDR" -C "$D/srv/ca.crt" -d "$D/ids" \
		    -c "$CLIENTS" -t "$SECS" "$@" run >"$D/load.out" \
		    2>>"$T/load.log" || true
		cpu=$(cpu_end)
		[ "$be" = sqlite ] || prof "$mode" "$(f sessions)"
		echo "${mode}_sessions $(f sessions)" >>"$out"
		echo "${mode}_rate $(f rate)" >>"$out"
		echo "${mode}_p50 $(f p50_ms)" >>"$out"
		echo "${mode}_p99 $(f p99_ms)" >>"$out"
		echo "${mode}_errors $(f errors)" >>"$out"
		echo "${mode}_cpu $cpu" >>"$out"
	done
	ladder "$out"
}

# ladder FIG: the figure the issue names, sync sessions/s at p99: the
# same clients paced at rising rates, SECS each, up to the first rate
# that is not sustained (fewer than 99 % of the scheduled sessions
# done, an error, or a p99 of LADDER_P99 ms or more: the bound of
# bench_load's sessions goal); the highest rate sustained is the
# figure.  One line a rate tried: rate, sessions, p99, errors.
ladder() {
	best=0
	for r in $LADDER; do
		"$B/tests/cs_load" -s "$ADDR" -C "$D/srv/ca.crt" -d "$D/ids" \
		    -c "$CLIENTS" -t "$SECS" -r "$r" run >"$D/load.out" \
		    2>>"$T/load.log" || true
		s=$(f sessions) p=$(f p99_ms) e=$(f errors)
		echo "ladder $r ${s:-0} ${p:-0} ${e:-1}" >>"$1"
		awk -v r="$r" -v secs="$SECS" -v s="${s:-0}" -v p="${p:-0}" \
		    -v e="${e:-1}" -v max="$LADDER_P99" 'BEGIN {
			exit !(e == 0 && s >= 0.99 * r * secs && p < max) }' ||
		    break
		best=$r
	done
	echo "ladder_best $best" >>"$1"
}

# migrate_time: the SQLite deployment (stopped) into a new database
migrate_time() {
	"$PG_BIN/createdb" migrated || fail "createdb migrated"
	t0=$(date +%s%N)
	"$B/casesyncctl" --dir "$T/sqlite/srv" migrate \
	    --to "postgresql:$PG_CONNINFO dbname=migrated" >"$T/migrate.out" ||
	    fail "migrate: $(cat "$T/migrate.out")"
	t1=$(date +%s%N)
	awk -v ms=$(( (t1 - t0) / 1000000 )) '/ tables, .* rows at/ {
		print "migrate_rows " $3; print "migrate_ms " ms }' \
	    "$T/migrate.out" >>"$T/sqlite.fig"
}

for be in sqlite postgresql; do
	setup "$be"
	measure "$be"
	stop
	[ "$be" = sqlite ] && migrate_time
done

v() { awk -v k="$2" '$1 == k { print $2 }' "$T/$1.fig"; }
v3() { awk -v k="$2" '$1 == k { print $3 }' "$T/$1.fig"; }

echo "### PostgreSQL beside SQLite (issue 22)"
echo
echo "The same deployment on each backend, one after the other on this" \
    "machine (load average before the run: $LOAD): casesyncd with its" \
    "defaults; PostgreSQL $("$PG_BIN/postgres" -V | awk '{ print $3 }')," \
    "a throw-away cluster on a Unix socket of" \
    "the same machine (tests/integration/pg_lib.sh: default settings," \
    "synchronous_commit on, fsync on), so its processes share the two" \
    "cores with casesyncd and the clients. Push and initial sync:" \
    "$N records of 1 KiB in one case, timed inside \`casesync sync\`;" \
    "sessions: $CLIENTS cs_load clients for $SECS s each, a new" \
    "connection (full TLS 1.3 handshake) per session with one 256-byte" \
    "push and a pull (as bench_load). Ratio: PostgreSQL's time over" \
    "SQLite's (for rates SQLite's rate over PostgreSQL's): the goal is" \
    "<= 2. CPU: casesyncd's + the PostgreSQL cluster's, user and system" \
    "time over the figure (/proc)."
echo
echo "| figure | SQLite | PostgreSQL | ratio | goal | CPU SQLite: casesyncd | CPU PostgreSQL: casesyncd + postgres |"
echo "|---|---:|---:|---:|---|---:|---:|"
awk -v n="$N" \
    -v sp="$(v sqlite push_us)" -v pp="$(v postgresql push_us)" \
    -v spc="$(v sqlite push_cpu)" -v ppc="$(v postgresql push_cpu)" \
    -v ppg="$(v3 postgresql push_cpu)" \
    -v si="$(v sqlite init_us)" -v pi="$(v postgresql init_us)" \
    -v sic="$(v sqlite init_cpu)" -v pic="$(v postgresql init_cpu)" \
    -v pig="$(v3 postgresql init_cpu)" \
    -v sn="$(v sqlite init_count)" -v pn="$(v postgresql init_count)" \
    'function goal(r) { return r <= 2 ? "met" : sprintf("NOT met (%.2fx)", r) }
    BEGIN {
	r = pp / sp
	printf "| push of %d records from one laptop | %.0f records/s (%.0f ms) | %.0f records/s (%.0f ms) | %.2f | %s | %d ms | %d + %d ms |\n", n, n * 1e6 / sp, sp / 1000, n * 1e6 / pp, pp / 1000, r, goal(r), spc, ppc, ppg
	r = pi / si
	printf "| initial sync of %d records into a fresh laptop | %.0f records/s (%.0f ms) | %.0f records/s (%.0f ms) | %.2f | %s | %d ms | %d + %d ms |\n", sn, sn * 1e6 / si, si / 1000, pn * 1e6 / pi, pi / 1000, r, goal(r), sic, pic, pig
}'
for mode in b2b paced; do
	label="sync sessions, back to back"
	[ "$mode" = paced ] && label="sync sessions, paced at 500/s"
	awk -v label="$label" -v secs="$SECS" \
	    -v ss="$(v sqlite ${mode}_sessions)" -v ps="$(v postgresql ${mode}_sessions)" \
	    -v sr="$(v sqlite ${mode}_rate)" -v pr="$(v postgresql ${mode}_rate)" \
	    -v s9="$(v sqlite ${mode}_p99)" -v p9="$(v postgresql ${mode}_p99)" \
	    -v s5="$(v sqlite ${mode}_p50)" -v p5="$(v postgresql ${mode}_p50)" \
	    -v se="$(v sqlite ${mode}_errors)" -v pe="$(v postgresql ${mode}_errors)" \
	    -v sc="$(v sqlite ${mode}_cpu)" -v pc="$(v postgresql ${mode}_cpu)" \
	    -v pg="$(v3 postgresql ${mode}_cpu)" \
	    'function goal(r) { return r <= 2 ? "met" : sprintf("NOT met (%.2fx)", r) }
	BEGIN {
		r = sr / pr
		printf "| %s: sessions/s | %.0f | %.0f | %.2f | %s | %.2f ms a session | %.2f + %.2f ms a session |\n", label, sr, pr, r, goal(r), sc / (ss > 0 ? ss : 1), pc / (ps > 0 ? ps : 1), pg / (ps > 0 ? ps : 1)
		r = p9 / s9
		printf "| %s: p99 (p50) | %.2f ms (%.2f) | %.2f ms (%.2f) | %.2f | %s | %d errors | %d errors |\n", label, s9, s5, p9, p5, r, goal(r), se, pe
	}'
done
# the top rate of the ladder sustained is only a lower bound ("at least")
awk -v s="$(v sqlite ladder_best)" -v p="$(v postgresql ladder_best)" \
    -v max="$LADDER_P99" -v top="${LADDER##* }" 'BEGIN {
	ss = (s == top ? ">= " : "") s
	ps = (p == top ? ">= " : "") p
	if (p > 0) {
		r = s / p
		g = r <= 2 ? "met" : sprintf("NOT met (%.2fx)", r)
		printf "| sync sessions/s at p99 < %d ms (paced, the highest rate of the table below sustained) | %s | %s | %.2f | %s | | |\n", max, ss, ps, r, g
	} else
		printf "| sync sessions/s at p99 < %d ms (paced, the highest rate of the table below sustained) | %s | none | | NOT met | | |\n", max, ss
}'
echo
echo "Sessions/s at p99: each backend's clients paced at rising rates," \
    "$SECS s each, up to the first rate not sustained (fewer than 99 %" \
    "of the scheduled sessions done, an error, or a p99 of" \
    "$LADDER_P99 ms or more, the bound of bench_load's sessions goal);" \
    "p99 in ms, sessions done in brackets, - where the rate was not tried."
echo
echo "| rate | SQLite p99 (sessions) | PostgreSQL p99 (sessions) |"
echo "|---:|---:|---:|"
# rung BACKEND RATE: that rate's p99 (sessions, errors) into $T/l.BACKEND
rung() {
	awk -v r="$2" '$1 == "ladder" && $2 == r {
		printf "%s (%s%s)", $4, $3, ($5 > 0 ? ", " $5 " errors" : "") }' \
	    "$T/$1.fig" >"$T/l.$1"
}
for r in $LADDER; do
	rung sqlite "$r"
	rung postgresql "$r"
	[ -s "$T/l.sqlite" ] || [ -s "$T/l.postgresql" ] || break
	echo "| $r/s | $(cat "$T/l.sqlite"; [ -s "$T/l.sqlite" ] || echo -) |" \
	    "$(cat "$T/l.postgresql"; [ -s "$T/l.postgresql" ] || echo -) |"
done
awk -v rows="$(v sqlite migrate_rows)" -v ms="$(v sqlite migrate_ms)" 'BEGIN {
	printf "\n`casesyncctl migrate` of the SQLite deployment afterwards (%d rows, every table: copied in one transaction, read back and compared, counted again, audit log verified, the migrate entry signed): %.1f s, %.0f rows/s.\n", rows, ms / 1000, rows * 1000 / ms
}'

echo
echo "Where PostgreSQL's time goes (pg_stat_statements over the same runs," \
    "casesync's database alone): the statements casesyncd ran, per" \
    "record pushed or pulled and per session, and the time PostgreSQL" \
    "spent executing them; the rest of the wall-clock time is casesyncd," \
    "the laptop, and the client-server round trips (one per statement," \
    "except in a push, whose statements go in libpq's pipeline mode: a" \
    "round trip per up to 512 of them)."
echo
echo "| figure | statements | per record or session | execution time in PostgreSQL | the most frequent, per record or session |"
echo "|---|---:|---:|---:|---|"
for x in "push:push of $N records" "init:initial sync" \
    "b2b:sessions, back to back" "paced:sessions, paced"; do
	k=${x%%:*}
	awk -F'|' -v label="${x#*:}" 'NR == 1 { c = $1; per = $2; ms = $3; next }
	    { top = top (top == "" ? "" : "; ") "`" $0 "`" }
	    END { printf "| %s | %d | %.1f | %d ms | %s |\n", label, c, per, ms, top }' \
	    "$T/prof.$k"
done
