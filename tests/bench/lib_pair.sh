# SPDX-License-Identifier: ISC
#
# Sourced by tests/bench/bench_sync.sh and bench_agent.sh (not a
# benchmark itself: make bench runs tests/bench/bench_*.sh): a server
# on 127.0.0.1 in $T/srv (its pid in PID, its address in ADDR, its CA's
# fingerprint in FP), users w and r of one office, a laptop of each in
# $T/w and $T/r, and a case C of w's that r is a member of.  Needs B
# (the build directory, absolute) and T (a fresh directory); the
# passphrase and key derivation come from the caller's environment.
# Defines ctl (casesyncctl on the server) and lap NAME ARGS (casesync
# on laptop NAME; it sets "n").
ctl() { "$B/casesyncctl" --dir "$T/srv" "$@"; }
lap() { n=$1; shift; "$B/casesync" --dir "$T/$n" "$@"; }

ctl init --dir "$T/srv" --server-name localhost --listen 127.0.0.1:0 \
    >/dev/null
ctl office add Zwolle >/dev/null
ctl user add --name w --role jeugdbeschermer --office Zwolle >/dev/null
ctl user add --name r --role jeugdbeschermer --office Zwolle >/dev/null
# casesyncd will not keep root (docs/CONFIG.md): drop to nobody
if [ "$(id -u)" -eq 0 ]; then echo "user = nobody" >>"$T/srv/casesyncd.conf"; fi
"$B/casesyncd" -f "$T/srv/casesyncd.conf" -d -p "$T/port" \
    >"$T/server.log" 2>&1 &
PID=$!
while [ ! -s "$T/port" ]; do sleep 0.05; done
ADDR="localhost:$(cat "$T/port")"
FP=$(openssl x509 -in "$T/srv/ca.crt" -outform DER | sha256sum | cut -d' ' -f1)
for u in w r; do
	tok=$(ctl enroll-token --user $u --device $u | awk '$1=="token"{print $2}')
	lap $u enroll --server "$ADDR" --ca-fingerprint "$FP" --token "$tok" \
	    >/dev/null
done
C=$(lap w case create --frame DRANG)
lap w case member --case "$C" --user r >/dev/null
