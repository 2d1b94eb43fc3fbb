#!/bin/sh
# SPDX-License-Identifier: ISC
#
# The PostgreSQL backend beside SQLite (issue 22, DESIGN §11), in one
# run with the real programs on 127.0.0.1: the same deployment made
# twice, once on SQLite (data_dir/server.db) and once on a throw-away
# PostgreSQL cluster (tests/integration/pg_lib.sh: initdb, Unix socket,
# synchronous_commit on, fsync on), both servers up, and the same
# figures measured on each, the backends alternated figure by figure
# (which one goes first alternates from round to round), ROUNDS times:
#   - push: N records (1 KiB bodies) from one laptop, inside "casesync
#     sync" (connection open, vault unlocked): records/s;
#   - initial sync of those records into a fresh encrypted laptop (a
#     user of its own per round, a member of that round's case only);
#   - sync sessions with cs_load (as bench_load.sh): 100 clients, a new
#     connection (full handshake) per session, back to back and paced
#     at 500/s: sessions/s and p99;
#   - sessions/s at p99: the same clients paced at rising rates, each
#     rate on both backends before the next, up to the first rate a
#     backend does not sustain (ladder below);
# and the ratio PostgreSQL : SQLite of each (of the time a figure
# takes: > 1 means PostgreSQL is slower; the goal is <= 2): the median
# of the rounds' ratios, each of two runs minutes apart at most, so
# that the machine's drift (the same build's figures move by a third
# from one minute to the next on this shared machine) falls on both
# sides.  casesyncd's CPU and PostgreSQL's (every process of the
# cluster, from /proc) are measured over each figure, so a ratio above
# the goal shows where the time went.  Prints markdown.
# Environment: BUILD (build directory), BENCH_PG_RECORDS (default
# 20000), BENCH_PG_SECS (seconds per cs_load run, default 4),
# BENCH_PG_CLIENTS (default 100), BENCH_PG_ROUNDS (default 3),
# BENCH_PG_LADDER (the paced rates tried for sessions/s at p99,
# rising).
set -eu
BUILD=${BUILD:-build-bench}
N=${BENCH_PG_RECORDS:-20000}
SECS=${BENCH_PG_SECS:-4}
CLIENTS=${BENCH_PG_CLIENTS:-100}
ROUNDS=${BENCH_PG_ROUNDS:-3}
LADDER=${BENCH_PG_LADDER:-200 300 400 500 600 700 800 900 1000 1200}
LADDER_P99=50
top=$(cd "$(dirname "$0")/../.." && pwd)
B="$top/$BUILD"
T=$(mktemp -d "${TMPDIR:-/tmp}/casesync-bench.XXXXXX")
BACKENDS="sqlite postgresql"
export CASESYNC_KDF=fast CASESYNC_PASSPHRASE="bench-passphrase-long"

cleanup() {
	for be in $BACKENDS; do
		[ -s "$T/$be/pid" ] || continue
		kill "$(cat "$T/$be/pid")" 2>/dev/null || true
	done
	wait 2>/dev/null || true
	rm -rf "$T"
}
fail() {
	echo "bench_pg: $*" >&2
	for l in "$T"/*/server.log; do
		[ -f "$l" ] && tail -5 "$l" >&2
	done
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
# execution time in ms, and the four most frequent (the first round's)
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
# profiled: the PostgreSQL figures of the first round
profiled() { [ "$1" = postgresql ] && [ "$2" -eq 1 ]; }

HZ=$(getconf CLK_TCK)
LOAD=$(cut -d' ' -f1 /proc/loadavg)
ms() { sed -n 's/.*"us":\([0-9]*\).*/\1/p'; }	# microseconds
srv_ticks() { awk '{ print $14 + $15 }' "/proc/$(cat "$T/$1/pid")/stat"; }
# every process of the cluster: the postmaster's children and itself
pg_ticks() {
	pm=$(head -1 "$PG_DIR/data/postmaster.pid")
	for p in $pm $(cat /proc/"$pm"/task/*/children 2>/dev/null); do
		awk '{ print $14 + $15 }' "/proc/$p/stat" 2>/dev/null
	done | awk '{ s += $1 } END { print s + 0 }'
}
# cpu_begin BACKEND / cpu_end BACKEND: that casesyncd's and
# PostgreSQL's CPU ms in between (PostgreSQL's 0 for SQLite)
cpu_begin() { c_srv=$(srv_ticks "$1"); c_pg=$(pg_ticks); }
cpu_end() {
	pg=0
	[ "$1" = sqlite ] || pg=$(( ($(pg_ticks) - c_pg) * 1000 / HZ ))
	echo "$(( ($(srv_ticks "$1") - c_srv) * 1000 / HZ )) $pg"
}

ctl() { "$B/casesyncctl" --dir "$T/$be/srv" "$@"; }
lap() { n=$1; shift; "$B/casesync" --dir "$T/$be/$n" "$@"; }

# setup BACKEND: a deployment in $T/BACKEND, its casesyncd started: a
# writer w, a reader rK with a case CK of its own for each round, the
# cs_load devices
setup() {
	be=$1
	D="$T/$be"
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
	for u in w $(seq -f 'r%g' 1 "$ROUNDS"); do
		ctl user add --name "$u" --role jeugdbeschermer \
		    --office Zwolle >/dev/null
	done
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
	    >"$D/server.log" 2>&1 &
	echo $! >"$D/pid"
	i=0
	while [ ! -s "$D/port" ]; do
		i=$((i + 1))
		[ $i -gt 200 ] && fail "casesyncd ($be) did not start"
		sleep 0.05
	done
	addr="localhost:$(cat "$D/port")"
	echo "$addr" >"$D/addr"
	FP=$(openssl x509 -in "$D/srv/ca.crt" -outform DER | sha256sum |
	    cut -d' ' -f1)
	for u in w $(seq -f 'r%g' 1 "$ROUNDS"); do
		tok=$(ctl enroll-token --user "$u" --device "$u" |
		    awk '$1 == "token" { print $2 }')
		lap "$u" enroll --server "$addr" --ca-fingerprint "$FP" \
		    --token "$tok" >/dev/null || fail "enroll $u ($be)"
	done
	for k in $(seq 1 "$ROUNDS"); do
		c=$(lap w case create --frame DRANG)
		lap w case member --case "$c" --user "r$k" >/dev/null
		echo "$c" >"$D/case.$k"
	done
	mkdir "$D/ids"
	"$B/tests/cs_load" -s "$addr" -C "$D/srv/ca.crt" -d "$D/ids" \
	    -r 200 enroll "$D/tokens" >"$D/load.out" 2>>"$T/load.log" ||
	    fail "cs_load enroll ($be): $(cat "$D/load.out")"
	: >"$T/$be.fig"
}

stop() {
	[ -s "$T/$1/pid" ] || return 0
	kill "$(cat "$T/$1/pid")"
	wait "$(cat "$T/$1/pid")" 2>/dev/null || true
	: >"$T/$1/pid"
}

# f NAME: the value after NAME in cs_load's last report of backend $be
f() {
	awk -v k="$1" '{ for (i = 1; i < NF; i += 2) if ($i == k) print $(i + 1) }' \
	    "$T/$be/load.out"
}
# load BACKEND ARGS...: cs_load on that backend's deployment
load() {
	be=$1
	shift
	"$B/tests/cs_load" -s "$(cat "$T/$be/addr")" -C "$T/$be/srv/ca.crt" \
	    -d "$T/$be/ids" -c "$CLIENTS" -t "$SECS" "$@" run \
	    >"$T/$be/load.out" 2>>"$T/load.log" || true
}

# The figures of one backend in round K go into $T/BACKEND.fig, one
# "name K value..." a line.
push() {
	be=$1 k=$2
	lap w record bulk --case "$(cat "$T/$be/case.$k")" --kind note \
	    --count "$N" --size 1000 >/dev/null || fail "record bulk ($be)"
	profiled "$be" "$k" && prof_reset
	cpu_begin "$be"
	us=$(lap w --json sync | ms)
	echo "push_cpu $k $(cpu_end "$be")" >>"$T/$be.fig"
	echo "push_us $k $us" >>"$T/$be.fig"
	if profiled "$be" "$k"; then prof push "$N"; fi
}
init() {
	be=$1 k=$2
	profiled "$be" "$k" && prof_reset
	cpu_begin "$be"
	us=$(lap "r$k" --json sync | ms)
	echo "init_cpu $k $(cpu_end "$be")" >>"$T/$be.fig"
	echo "init_us $k $us" >>"$T/$be.fig"
	if profiled "$be" "$k"; then prof init "$N"; fi
	echo "init_count $k $(lap "r$k" digest | cut -d' ' -f1)" \
	    >>"$T/$be.fig"
}
sessions() {
	be=$1 k=$2 mode=$3
	profiled "$be" "$k" && prof_reset
	cpu_begin "$be"
	if [ "$mode" = paced ]; then load "$be" -r 500; else load "$be"; fi
	cpu=$(cpu_end "$be")
	if profiled "$be" "$k"; then prof "$mode" "$(f sessions)"; fi
	for x in sessions rate p50_ms p99_ms errors; do
		echo "${mode}_${x%_ms} $k $(f $x)" >>"$T/$be.fig"
	done
	echo "${mode}_cpu $k $cpu" >>"$T/$be.fig"
}

# The ladder, the figure the issue names as sync sessions/s at p99: the
# same clients paced at rising rates, SECS each, each rate on both
# backends before the next, up to the first rate that a backend does
# not sustain (fewer than 99 % of the scheduled sessions done, an
# error, or a p99 of LADDER_P99 ms or more: the bound of bench_load's
# sessions goal); the highest rate sustained is its figure.  One line a
# rate tried: rate, sessions, p99, errors.
ladder() {
	up="$BACKENDS"
	for r in $LADDER; do
		[ -n "$up" ] || break
		still=""
		for be in $up; do
			load "$be" -r "$r"
			s=$(f sessions) p=$(f p99_ms) e=$(f errors)
			echo "ladder $r ${s:-0} ${p:-0} ${e:-1}" >>"$T/$be.fig"
			if awk -v r="$r" -v secs="$SECS" -v s="${s:-0}" \
			    -v p="${p:-0}" -v e="${e:-1}" -v max="$LADDER_P99" \
			    'BEGIN { exit !(e == 0 && s >= 0.99 * r * secs &&
			    p < max) }'; then
				echo "ladder_best 0 $r" >>"$T/$be.fig"
				still="$still $be"
			fi
		done
		up=$still
	done
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
		print "migrate_rows 0 " $3; print "migrate_ms 0 " ms }' \
	    "$T/migrate.out" >>"$T/sqlite.fig"
}

for be in $BACKENDS; do
	setup "$be"
done
k=1
while [ $k -le "$ROUNDS" ]; do
	order="sqlite postgresql"
	[ $((k % 2)) -eq 0 ] && order="postgresql sqlite"
	for be in $order; do push "$be" $k; done
	for be in $order; do init "$be" $k; done
	for mode in b2b paced; do
		for be in $order; do sessions "$be" $k $mode; done
	done
	k=$((k + 1))
done
ladder
for be in $BACKENDS; do
	stop "$be"
done
migrate_time

# The report: for each figure, each backend's median over the rounds
# and the median of the rounds' ratios (a run of each backend side by
# side), the ratios themselves beside it.
report() {
	awk -v n="$N" -v rounds="$ROUNDS" -v secs="$SECS" \
	    -v max="$LADDER_P99" -v top="${LADDER##* }" '
	function med(a, m,    i, j, t, b) {
		for (i = 1; i <= m; i++)
			b[i] = a[i]
		for (i = 2; i <= m; i++)
			for (j = i; j > 1 && b[j - 1] > b[j]; j--) {
				t = b[j]; b[j] = b[j - 1]; b[j - 1] = t
			}
		return m % 2 ? b[(m + 1) / 2] : (b[m / 2] + b[m / 2 + 1]) / 2
	}
	function goal(r) { return r <= 2 ? "met" : sprintf("NOT met (%.2fx)", r) }
	# ratios of figure "key" (inv: a rate, SQLite over PostgreSQL)
	function ratios(key, inv,    k, a, s, p) {
		list = ""
		for (k = 1; k <= rounds; k++) {
			s = v["sqlite", key, k]
			p = v["postgresql", key, k]
			a[k] = inv ? (p > 0 ? s / p : 1e9) : (s > 0 ? p / s : 1e9)
			list = list (k > 1 ? ", " : "") sprintf("%.2f", a[k])
		}
		return med(a, rounds)
	}
	function m(be, key, col,    k, a) {
		for (k = 1; k <= rounds; k++)
			a[k] = col == 2 ? w[be, key, k] : v[be, key, k]
		return med(a, rounds)
	}
	function sum(be, key,    k, t) {
		for (k = 1; k <= rounds; k++)
			t += v[be, key, k]
		return t
	}
	FNR == 1 { be = FILENAME; sub(/.*\//, "", be); sub(/\.fig$/, "", be) }
	$1 == "ladder" { lad[be, $2] = $4 " (" $3 ($5 > 0 ? ", " $5 " errors" : "") ")"; next }
	$1 == "ladder_best" { best[be] = $3; next }
	{ v[be, $1, $2] = $3; w[be, $1, $2] = $4 }
	END {
		r = ratios("push_us", 0)
		printf "| push of %d records from one laptop | %.0f records/s | %.0f records/s | %.2f | %s | %s | %d ms | %d + %d ms |\n", n, n * 1e6 / m("sqlite", "push_us"), n * 1e6 / m("postgresql", "push_us"), r, goal(r), list, m("sqlite", "push_cpu"), m("postgresql", "push_cpu"), m("postgresql", "push_cpu", 2)
		r = ratios("init_us", 0)
		printf "| initial sync of %d records into a fresh laptop | %.0f records/s | %.0f records/s | %.2f | %s | %s | %d ms | %d + %d ms |\n", m("sqlite", "init_count"), m("sqlite", "init_count") * 1e6 / m("sqlite", "init_us"), m("postgresql", "init_count") * 1e6 / m("postgresql", "init_us"), r, goal(r), list, m("sqlite", "init_cpu"), m("postgresql", "init_cpu"), m("postgresql", "init_cpu", 2)
		split("b2b paced", modes, " ")
		for (i = 1; i <= 2; i++) {
			x = modes[i]
			label = x == "paced" ? "sync sessions, paced at 500/s" : "sync sessions, back to back"
			ss = m("sqlite", x "_sessions"); ps = m("postgresql", x "_sessions")
			r = ratios(x "_rate", 1)
			printf "| %s: sessions/s | %.0f | %.0f | %.2f | %s | %s | %.2f ms a session | %.2f + %.2f ms a session |\n", label, m("sqlite", x "_rate"), m("postgresql", x "_rate"), r, goal(r), list, m("sqlite", x "_cpu") / (ss > 0 ? ss : 1), m("postgresql", x "_cpu") / (ps > 0 ? ps : 1), m("postgresql", x "_cpu", 2) / (ps > 0 ? ps : 1)
			r = ratios(x "_p99", 0)
			printf "| %s: p99 (p50) | %.2f ms (%.2f) | %.2f ms (%.2f) | %.2f | %s | %s | %d errors | %d errors |\n", label, m("sqlite", x "_p99"), m("sqlite", x "_p50"), m("postgresql", x "_p99"), m("postgresql", x "_p50"), r, goal(r), list, sum("sqlite", x "_errors"), sum("postgresql", x "_errors")
		}
		s = best["sqlite"] + 0; p = best["postgresql"] + 0
		ss = (s == top ? ">= " : "") s
		ps = (p == top ? ">= " : "") p
		if (p > 0) {
			r = s / p
			printf "| sync sessions/s at p99 < %d ms (paced, the highest rate of the table below sustained) | %s | %s | %.2f | %s | one ladder | | |\n", max, ss, ps, r, goal(r)
		} else
			printf "| sync sessions/s at p99 < %d ms (paced, the highest rate of the table below sustained) | %s | none | | NOT met | one ladder | | |\n", max, ss
		printf "\nSessions/s at p99: the clients paced at rising rates, %d s each, each rate on both backends before the next, up to the first rate a backend does not sustain (fewer than 99 %% of the scheduled sessions done, an error, or a p99 of %d ms or more, the bound of bench_load'"'"'s sessions goal); p99 in ms, sessions done in brackets, - where the rate was not tried.\n\n", secs, max
		printf "| rate | SQLite p99 (sessions) | PostgreSQL p99 (sessions) |\n|---:|---:|---:|\n"
		nl = split(ladder, rates, " ")
		for (i = 1; i <= nl; i++) {
			q = rates[i]
			if (!(("sqlite", q) in lad) && !(("postgresql", q) in lad))
				break
			printf "| %s/s | %s | %s |\n", q, (("sqlite", q) in lad) ? lad["sqlite", q] : "-", (("postgresql", q) in lad) ? lad["postgresql", q] : "-"
		}
		printf "\n`casesyncctl migrate` of the SQLite deployment afterwards (%d rows, every table: copied in one transaction, read back and compared, counted again, audit log verified, the migrate entry signed): %.1f s, %.0f rows/s.\n", v["sqlite", "migrate_rows", 0], v["sqlite", "migrate_ms", 0] / 1000, v["sqlite", "migrate_rows", 0] * 1000 / v["sqlite", "migrate_ms", 0]
	}' ladder="$LADDER" "$T/sqlite.fig" "$T/postgresql.fig"
}

echo "### PostgreSQL beside SQLite (issue 22)"
echo
echo "The same deployment on each backend, both servers up on this" \
    "machine (load average before the run: $LOAD): casesyncd with its" \
    "defaults; PostgreSQL $("$PG_BIN/postgres" -V | awk '{ print $3 }')," \
    "a throw-away cluster on a Unix socket of" \
    "the same machine (tests/integration/pg_lib.sh: default settings," \
    "synchronous_commit on, fsync on), so its processes share the two" \
    "cores with casesyncd and the clients. $ROUNDS rounds; in each, every" \
    "figure is measured on one backend and then at once on the other" \
    "(which goes first alternates), so that the machine's drift from" \
    "minute to minute falls on both. Push and initial sync: $N records" \
    "of 1 KiB in a case of their own each round, timed inside" \
    "\`casesync sync\`; sessions: $CLIENTS cs_load clients for $SECS s" \
    "each, a new connection (full TLS 1.3 handshake) per session with" \
    "one 256-byte push and a pull (as bench_load). Figures: the median" \
    "of the rounds. Ratio: PostgreSQL's time over SQLite's (for rates" \
    "SQLite's rate over PostgreSQL's), the median of the rounds' ratios" \
    "(each round's beside it): the goal is <= 2. CPU: casesyncd's + the" \
    "PostgreSQL cluster's, user and system time over the figure (/proc)," \
    "medians."
echo
echo "| figure | SQLite | PostgreSQL | ratio | goal | the rounds' ratios | CPU SQLite: casesyncd | CPU PostgreSQL: casesyncd + postgres |"
echo "|---|---:|---:|---:|---|---|---:|---:|"
report

echo
echo "Where PostgreSQL's time goes (pg_stat_statements over the first" \
    "round's runs, casesync's database alone): the statements casesyncd" \
    "ran, per record pushed or pulled and per session, and the time" \
    "PostgreSQL spent executing them; the rest of the wall-clock time" \
    "is casesyncd, the laptop, and the client-server round trips (one" \
    "per statement, except in a push, whose statements go in libpq's" \
    "pipeline mode: a round trip per up to 512 of them)."
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
