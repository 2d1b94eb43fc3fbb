# SPDX-License-Identifier: ISC
#
# pg_lib.sh - a throw-away PostgreSQL cluster for one test (sourced after
# lib.sh, POSIX sh).  DESIGN §11, docs/ADMIN.md "PostgreSQL".
#
#   pg_start        initdb into $T/pg as an unprivileged user, start it on
#                   a Unix socket in that directory and a free loopback
#                   port, create the database "casesync"; sets PG_CONNINFO
#                   (a libpq connection string) and PGHOST/PGPORT/PGUSER
#   pg_restart_immediate
#                   pg_ctl restart -m immediate (a crash of the database)
#   pg_stop         stop it (also done on exit, when the test fails too)
#   pg_sql SQL      run one statement with psql, print the rows unaligned
#
# The system's PostgreSQL service is never used.  As root the cluster runs
# as "nobody" (initdb and postgres refuse root); otherwise as the caller.

PG_DIR=""
PG_BIN=""
PG_CONNINFO=""

pg_bin() {
	PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V |
	    tail -1)
	[ -n "$PG_BIN" ] && [ -x "$PG_BIN/initdb" ] ||
	    fail "PostgreSQL is not installed (scripts/deps.sh installs it)"
}

# pg_as CMD...: run CMD as the cluster's user.
pg_as() {
	if [ "$(id -u)" -eq 0 ]; then
		runuser -u nobody -- "$@"
	else
		"$@"
	fi
}

# A free TCP port of 127.0.0.1 (bound and released by the kernel).
pg_free_port() {
	python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
}

pg_start() {
	pg_bin
	PG_DIR="$T/pg"
	mkdir -p "$PG_DIR" || fail "mkdir $PG_DIR"
	if [ "$(id -u)" -eq 0 ]; then
		# nobody must reach $T/pg: let it through $T, not into it
		chmod 711 "$T" && chown nobody "$PG_DIR" ||
		    fail "cannot hand $PG_DIR to nobody"
	fi
	pg_as "$PG_BIN/initdb" -D "$PG_DIR/data" -U casesync -A trust \
	    -E UTF8 --locale=C.UTF-8 >"$T/pg_initdb.log" 2>&1 ||
	    { cat "$T/pg_initdb.log" >&2; fail "initdb"; }
	PGPORT=$(pg_free_port)
	cat >>"$PG_DIR/data/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
port = $PGPORT
unix_socket_directories = '$PG_DIR'
max_connections = 100
synchronous_commit = on
fsync = on
logging_collector = off
EOF
	PG_TRAP_SET=1
	pg_as "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/log" -w -t 60 \
	    start >/dev/null || { tail -20 "$PG_DIR/log" >&2;
	    fail "pg_ctl start"; }
	PGHOST="$PG_DIR"
	PGUSER=casesync
	export PGHOST PGPORT PGUSER
	"$PG_BIN/createdb" casesync || fail "createdb casesync"
	PG_CONNINFO="host=$PG_DIR port=$PGPORT user=casesync dbname=casesync"
}

pg_restart_immediate() {
	pg_as "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/log" -w -t 60 \
	    -m immediate restart >/dev/null || fail "pg_ctl restart"
}

pg_stop() {
	[ -n "$PG_DIR" ] && [ -f "$PG_DIR/data/postmaster.pid" ] || return 0
	pg_as "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate -w stop \
	    >/dev/null 2>&1
}

pg_sql() {
	"$PG_BIN/psql" -X -q -A -t -v ON_ERROR_STOP=1 -d casesync -c "$1"
}

# Stop the cluster before lib.sh's cleanup removes its directory.
pg_cleanup() {
	pg_stop
	cleanup
}
trap pg_cleanup EXIT INT TERM
