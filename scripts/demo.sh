#!/bin/sh
# SPDX-License-Identifier: ISC
#
# make demo: a throw-away deployment on 127.0.0.1 with two regional
# offices, a team lead and a worker in each, two enrolled laptops, and
# what an administrator sees.  Cleans up after itself.
set -eu
BUILD=${BUILD:-build}
top=$(cd "$(dirname "$0")/.." && pwd)
B="$top/$BUILD"
D=$(mktemp -d "${TMPDIR:-/tmp}/casesync-demo.XXXXXX")
PID=""
cleanup() {
	[ -n "$PID" ] && kill "$PID" 2>/dev/null && wait "$PID" 2>/dev/null
	rm -rf "$D"
}
trap cleanup EXIT INT TERM

# demo passphrases come from the environment; real users type them
export CASESYNC_PASSPHRASE="demo passphrase, not for real use"
export CASESYNC_KDF=fast

say() { printf '\n== %s\n' "$*"; }
run() { printf '$ %s\n' "$*"; "$@"; }
ctl() { "$B/casesyncctl" --dir "$D/srv" "$@"; }

say "The beheerder creates the deployment: CA, server key, database"
run "$B/casesyncctl" init --dir "$D/srv" --server-name localhost \
    --listen 127.0.0.1:0

say "Two regional offices, a teamleider and a jeugdbeschermer in each"
run ctl office add Zwolle --region IJsselland
run ctl office add Lelystad --region Flevoland
run ctl user add --name "Femke de Vries" --role teamleider --office Zwolle
run ctl user add --name "Anna Jansen" --role jeugdbeschermer --office Zwolle
run ctl user add --name "Karim El Amrani" --role teamleider --office Lelystad
run ctl user add --name "Bert Visser" --role jeugdbeschermer --office Lelystad
run ctl user list

say "casesyncd starts on an ephemeral port of 127.0.0.1"
# casesyncd will not keep root (docs/CONFIG.md): drop to nobody
if [ "$(id -u)" -eq 0 ]; then echo "user = nobody" >>"$D/srv/casesyncd.conf"; fi
"$B/casesyncd" -d -f "$D/srv/casesyncd.conf" -p "$D/port" \
    >"$D/server.log" 2>&1 &
PID=$!
i=0
while [ ! -s "$D/port" ]; do
	i=$((i + 1))
	[ $i -gt 100 ] && { cat "$D/server.log"; exit 1; }
	sleep 0.1
done
ADDR="localhost:$(cat "$D/port")"
FP=$(openssl x509 -in "$D/srv/ca.crt" -outform DER | sha256sum |
    cut -d' ' -f1)
echo "listening at $ADDR"

for who in "Anna Jansen:anna-laptop" "Bert Visser:bert-laptop"; do
	user=${who%%:*}
	dev=${who#*:}
	say "The beheerder issues a one-time token for $user's laptop"
	ctl enroll-token --user "$user" --device "$dev" --ttl 1h >"$D/tok"
	sed 's/^token .*/token cst1-… (shown once, given to the user)/' \
	    "$D/tok"
	tok=$(awk '$1 == "token" { print $2 }' "$D/tok")
	say "$user enrolls the laptop (the key is made on the laptop)"
	run "$B/casesync" --dir "$D/$dev" enroll --server "$ADDR" \
	    --ca-fingerprint "$FP" --token "$tok"
	run "$B/casesync" --dir "$D/$dev" status
done

say "The same token cannot be used twice"
if "$B/casesync" --dir "$D/stolen" enroll --server "$ADDR" \
    --ca-fingerprint "$FP" --token "$tok"; then
	echo "unexpected: token accepted twice"
	exit 1
fi

say "The beheerder lists devices and revokes Bert's laptop (reported lost)"
run ctl device list
bert=$(ctl device list | awk '/bert-laptop/ { print $1 }')
run ctl device revoke "$bert"
if "$B/casesync" --dir "$D/bert-laptop" status; then
	echo "unexpected: revoked laptop still connects"
	exit 1
fi
echo "(refused, as it should be)"
run "$B/casesync" --dir "$D/anna-laptop" status

say "The laptop's files hold no readable key or name"
ls -l "$D/anna-laptop"
if grep -rl "PRIVATE KEY\|Anna Jansen" "$D/anna-laptop"; then
	echo "unexpected: plain secrets on the laptop"
	exit 1
fi
echo "(nothing found)"

say "Demo finished; everything is removed again"
