# SPDX-License-Identifier: ISC
#
# lib.sh - helpers for the integration tests (sourced, POSIX sh).
# Every test gets its own temporary directory, a deployment made with
# casesyncctl, and a casesyncd on an ephemeral port of 127.0.0.1.

set -u
BUILD=${BUILD:-build}
top=$(cd "$(dirname "$0")/../.." && pwd)
B="$top/$BUILD"
T=$(mktemp -d "${TMPDIR:-/tmp}/casesync-it.XXXXXX")
SRV="$T/srv"
SERVER_PID=""
# sanitizer builds keep freed memory in quarantine and run slower
SANITIZED=""
case "$BUILD" in *san*) SANITIZED=1 ;; esac
export CASESYNC_KDF=fast		# cheap Argon2id for tests only
export CASESYNC_PASSPHRASE="correct horse battery staple"

cleanup() {
	if [ -n "$SERVER_PID" ]; then
		kill "$SERVER_PID" 2>/dev/null
		wait "$SERVER_PID" 2>/dev/null
	fi
	[ -n "${KEEP:-}" ] || rm -rf "$T"
}
trap cleanup EXIT INT TERM

fail() {
	echo "FAIL: $*" >&2
	if [ -f "$T/server.log" ]; then
		echo "--- server log (tail)" >&2
		tail -20 "$T/server.log" >&2
	fi
	exit 1
}

ok() {
	echo "ok - $*"
}

ctl() {
	"$B/casesyncctl" --dir "$SRV" "$@"
}

# The backend of the deployment (DESIGN §11): SQLite, or with
# CASESYNC_TEST_DB=pg a throw-away PostgreSQL cluster (pg_lib.sh) that
# deploy starts; t_pg_suite runs a chosen set of tests so.
DB_SPEC=""
if [ "${CASESYNC_TEST_DB:-}" = pg ]; then
	. "$top/tests/integration/pg_lib.sh"
fi

# db_sql SQL: run SQL on the deployment's database (sqlite3 or psql),
# print the rows ("|" between columns).  The SQL must suit both.
db_sql() {
	if [ -n "$DB_SPEC" ]; then
		pg_sql "$1"
	else
		sqlite3 "$SRV/server.db" "$1"
	fi
}

# SQL pieces in the dialect of the deployment's database: a blob as
# upper-case hex, a blob from hex, N random bytes.
db_hex() {
	if [ -n "$DB_SPEC" ]; then
		echo "upper(encode($1, 'hex'))"
	else
		echo "hex($1)"
	fi
}
db_blob() {
	if [ -n "$DB_SPEC" ]; then
		echo "decode('$1', 'hex')"
	else
		echo "X'$1'"
	fi
}
db_random() {
	if [ -n "$DB_SPEC" ]; then
		echo "decode(substr(repeat(md5(random()::text), 8), 1, $(($1 * 2))), 'hex')"
	else
		echo "randomblob($1)"
	fi
}

# deploy NAME: init with server name "localhost" on an ephemeral port.
deploy() {
	if [ "${CASESYNC_TEST_DB:-}" = pg ]; then
		[ -n "$PG_DIR" ] || pg_start
		DB_SPEC="postgresql:$PG_CONNINFO"
		set -- --database "$DB_SPEC"
	fi
	ctl init --dir "$SRV" --server-name localhost \
	    --listen 127.0.0.1:0 "$@" >"$T/init.out" ||
	    fail "casesyncctl init"
	FP=$(awk '/fingerprint/ { print $NF }' "$T/init.out" | tail -1)
	[ ${#FP} -eq 64 ] || FP=$(openssl x509 -in "$SRV/ca.crt" \
	    -outform DER | sha256sum | cut -d' ' -f1)
}

# start_server [extra config lines...]
start_server() {
	for line in "$@"; do
		echo "$line" >>"$SRV/casesyncd.conf"
	done
	# casesyncd refuses to keep root: as root, drop to nobody
	if [ "$(id -u)" -eq 0 ] && ! grep -q '^user *=' "$SRV/casesyncd.conf"
	then
		echo "user = nobody" >>"$SRV/casesyncd.conf"
	fi
	rm -f "$T/port"
	"$B/casesyncd" -d -v -f "$SRV/casesyncd.conf" -p "$T/port" \
	    >>"$T/server.log" 2>&1 &
	SERVER_PID=$!
	i=0
	while [ ! -s "$T/port" ]; do
		i=$((i + 1))
		[ $i -gt 100 ] && fail "server did not start"
		kill -0 "$SERVER_PID" 2>/dev/null || fail "server died"
		sleep 0.1
	done
	PORT=$(cat "$T/port")
	ADDR="localhost:$PORT"
	# a restarted server must come back where the laptops look for it
	sed "s/^listen = 127.0.0.1:0\$/listen = 127.0.0.1:$PORT/" \
	    "$SRV/casesyncd.conf" >"$SRV/conf.tmp" &&
	    mv "$SRV/conf.tmp" "$SRV/casesyncd.conf"
}

# server_exited SECONDS: wait (bounded) for the server to exit by itself.
server_exited() {
	i=0
	while kill -0 "$SERVER_PID" 2>/dev/null; do
		i=$((i + 1))
		[ $i -gt $(($1 * 10)) ] && fail "server still running after $1 s"
		sleep 0.1
	done
	wait "$SERVER_PID" 2>/dev/null
	SERVER_PID=""
}

stop_server() {
	kill "$SERVER_PID" 2>/dev/null
	wait "$SERVER_PID" 2>/dev/null
	SERVER_PID=""
}

server_alive() {
	kill -0 "$SERVER_PID" 2>/dev/null || fail "server is not running"
}

# token USER DEVICE [TTL]: print a fresh enrollment token.
token() {
	ctl enroll-token --user "$1" --device "$2" --ttl "${3:-1h}" |
	    awk '$1 == "token" { print $2 }'
}

# probe_device USER: a device of USER's, enrolled by cs_probe with a
# P-256 key of its own ($T/dev.key, certificate $T/dev.crt), for the
# requests a real laptop never sends; AUTH holds cs_probe's options.
probe_device() {
	openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 \
	    -out "$T/dev.key" 2>/dev/null || fail "genpkey"
	out=$(probe -k "$T/dev.key" enroll "$(token "$1" probe)" \
	    "$T/dev.crt")
	case "$out" in enrolled*) ;; *) fail "probe enroll: $out" ;; esac
	AUTH="-c $T/dev.crt -k $T/dev.key"
}

# laptop NAME: the casesync command for laptop NAME.
laptop() {
	name=$1
	shift
	"$B/casesync" --dir "$T/$name" "$@"
}

# enroll NAME USER: enroll laptop NAME for USER.
enroll() {
	tok=$(token "$2" "$1") || fail "enroll-token for $2"
	laptop "$1" enroll --server "$ADDR" --ca-fingerprint "$FP" \
	    --token "$tok" >"$T/$1.enroll" 2>&1 ||
	    fail "enroll $1: $(cat "$T/$1.enroll")"
}

# anna_enrolled: a deployment with office Zwolle and jeugdbeschermer
# anna in it, the server started, and laptop "a" enrolled for her.
anna_enrolled() {
	deploy
	ctl office add Zwolle >/dev/null || fail "office"
	ctl user add --name anna --role jeugdbeschermer --office Zwolle \
	    >/dev/null || fail "user anna"
	start_server
	enroll a anna
}

probe() {
	"$B/tests/cs_probe" -s "$ADDR" -P "$FP" "$@" 2>>"$T/probe.log"
}

# expect_eq WHAT GOT WANT
expect_eq() {
	[ "$2" = "$3" ] || fail "$1: got '$2', want '$3'"
	ok "$1"
}

# expect_refused WHAT EXIT PATTERN LAPTOP ARGS...: the laptop command
# exits EXIT and says PATTERN on stderr.
expect_refused() {
	what=$1 want=$2 pat=$3
	shift 3
	laptop "$@" >"$T/out" 2>"$T/err"
	rc=$?
	[ "$rc" -eq "$want" ] ||
	    fail "$what: exit $rc, want $want: $(cat "$T/err")"
	grep -q -- "$pat" "$T/err" ||
	    fail "$what: message does not say '$pat': $(cat "$T/err")"
	ok "$what"
}
