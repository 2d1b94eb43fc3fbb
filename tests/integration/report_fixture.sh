# SPDX-License-Identifier: ISC
#
# report_fixture.sh - the deployment with known management figures that
# t_report.sh (casesyncctl report) and t_report_net.sh (the same over
# the protocol) both check, sourced after lib.sh.  Offices Zwolle and
# Lelystad; anna (jeugdbeschermer, Zwolle), lars (teamleider,
# Lelystad), bram and eva (jeugdbeschermers, Lelystad), enrolled as
# laptops a, l, b and e.  Anna's three DRANG cases: C1 went to the Raad
# after a drang of 50 days, C2's toetsing is overdue (a drang of 43
# days) and eva broke the glass on it, C3 was transferred to Lelystad.
# Sets C1 C2 C3, TODAY (YYYY-MM-DD, UTC) and MONTH (YYYY-MM).
command -v jq >/dev/null 2>&1 || fail "jq is needed to parse --json output"
command -v sqlite3 >/dev/null 2>&1 || fail "sqlite3 is needed"

deploy
ctl office add Zwolle >/dev/null || fail "office"
ctl office add Lelystad >/dev/null || fail "office 2"
ctl user add --name anna --role jeugdbeschermer --office Zwolle >/dev/null
ctl user add --name lars --role teamleider --office Lelystad >/dev/null
ctl user add --name bram --role jeugdbeschermer --office Lelystad >/dev/null
ctl user add --name eva --role jeugdbeschermer --office Lelystad >/dev/null
start_server "glass_duration = 600s"
enroll a anna
enroll l lars
enroll b bram
enroll e eva

TODAY=$(date -u +%F)
day() {		# day N: today + N days, UTC
	date -u -d "$TODAY + $1 days" +%F
}
move() {	# move CASE STATE [ARGS...]
	c=$1 s=$2
	shift 2
	laptop a case state --case "$c" --to "$s" "$@" >/dev/null \
	    2>"$T/err" || fail "-> $s: $(cat "$T/err")"
}

C1=$(laptop a case create --frame DRANG) || fail "case create 1"
C2=$(laptop a case create --frame DRANG) || fail "case create 2"
C3=$(laptop a case create --frame DRANG) || fail "case create 3"
laptop a sync >/dev/null 2>&1 || fail "sync a"
move "$C1" DRANG_INTENSIEF
move "$C1" RAAD_MELDING
move "$C2" DRANG_INTENSIEF
# a laptop dates no change before the case began: the drang of C1
# started 50 days ago, that of C2 43 (its toetsing is overdue)
sqlite3 "$SRV/server.db" "UPDATE cases SET drang_start = drang_start - 50
    WHERE id = '$C1'; UPDATE cases SET drang_start = drang_start - 43
    WHERE id = '$C2';" || fail "sqlite3"
laptop a --json transfer request --case "$C3" --to Lelystad --reason moved \
    --note "gezin verhuisd" >"$T/req" 2>"$T/err" ||
    fail "transfer request: $(cat "$T/err")"
ID=$(jq -r .transfer_id "$T/req")
laptop l transfer accept --id "$ID" --regisseur bram >/dev/null 2>"$T/err" ||
    fail "accept: $(cat "$T/err")"
laptop e glass --case "$C2" --reason "spoedmelding politie" >/dev/null \
    2>"$T/err" || fail "glass: $(cat "$T/err")"
MONTH=$(date -u +%Y-%m)
