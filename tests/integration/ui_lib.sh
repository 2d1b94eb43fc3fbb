# SPDX-License-Identifier: ISC
#
# ui_lib.sh - casesync ui for the tests t_ui_*.sh (sourced after lib.sh):
# start_ui LAPTOP starts it on a free port of 127.0.0.1 without a browser
# (idle time $IDLE seconds, default 600) and sets URL and UI_PID;
# stop_ui ends it.  ui_lib.py, beside this file, is the HTTP client.

UI_PID=""
UI_STATE="$T/ui_state.json"
UI_LIB=$(cd "$(dirname "$0")" && pwd)
export UI_STATE UI_LIB
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3

start_ui() {
	rm -f "$T/ui.out"
	CASESYNC_UI_IDLE_SECONDS=${IDLE:-600} "$B/casesync" --dir "$T/$1" ui \
	    --listen 127.0.0.1:0 --no-browser >"$T/ui.out" 2>>"$T/ui.err" &
	UI_PID=$!
	i=0
	while ! grep -q '^ui: http' "$T/ui.out" 2>/dev/null; do
		i=$((i + 1))
		[ $i -gt 100 ] && fail "casesync ui did not start: $(cat \
		    "$T/ui.err")"
		kill -0 "$UI_PID" 2>/dev/null || fail "casesync ui died: \
$(cat "$T/ui.err")"
		sleep 0.1
	done
	URL=$(sed -n 's/^ui: //p' "$T/ui.out")
}

stop_ui() {
	[ -n "$UI_PID" ] && kill "$UI_PID" 2>/dev/null
	[ -n "$UI_PID" ] && wait "$UI_PID" 2>/dev/null
	UI_PID=""
}
trap 'stop_ui; cleanup' EXIT INT TERM
