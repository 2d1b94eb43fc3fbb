#!/bin/sh
# SPDX-License-Identifier: ISC
#
# The case file's core (client/core/dossier.c) as the CLI shows it:
# a note gets its author (this user, from the server's word: never a
# field of the note) and the local date and time by default, in
# the laptop's time zone (TZ), not UTC; a case's state change defaults
# to the local date too; a wrong value of a choice field is refused with
# the allowed values; search folds accented letters.
. "$(dirname "$0")/lib.sh"

anna_enrolled

C=$(laptop a case new --frame DRANG --title "Gezin Öztürk") ||
    fail "case new"
C=$(echo "$C" | head -1)

# two zones, UTC+14 and UTC-12: at any hour one of them is not on the
# UTC date, so a default taken from UTC fails here
utc=$(date -u +%F)
differs=0
for tz in XXX-14 YYY+12; do
	d0=$(TZ=$tz date +%F)
	N=$(TZ=$tz laptop a note add --case "$C" --text "notitie $tz") ||
	    fail "note add ($tz)"
	d1=$(TZ=$tz date +%F)
	now=$(TZ=$tz date +%H:%M)
	laptop a --json note list --case "$C" |
	    jq -r --arg n "$N" '.[] | select(.record_id == $n) |
	    "\(.fields.date) \(.fields.time) \(.created_by)"' >"$T/n.out" ||
	    fail "note list"
	read -r date time author <"$T/n.out"
	[ "$date" = "$d0" ] || [ "$date" = "$d1" ] ||
	    fail "note date in $tz: $date, expected $d0"
	[ "$date" = "$utc" ] || differs=1
	case $time in
	[0-2][0-9]:[0-5][0-9]) ;;
	*) fail "note time in $tz: $time" ;;
	esac
	# the minute may have turned between the note and "now"
	m_note=$(( $(echo "$time" | cut -c1-2 | sed 's/^0//') * 60 +
	    $(echo "$time" | cut -c4-5 | sed 's/^0//') ))
	m_now=$(( $(echo "$now" | cut -c1-2 | sed 's/^0//') * 60 +
	    $(echo "$now" | cut -c4-5 | sed 's/^0//') ))
	[ $(( (m_now - m_note + 1440) % 1440 )) -le 1 ] ||
	    fail "note time in $tz: $time, now $now"
	expect_eq "note author ($tz)" "$author" anna
done
expect_eq "one zone's date is not UTC's" "$differs" 1
ok "notes get the author and the local date and time"

# given values win over the defaults
N=$(laptop a note add --case "$C" --text "later" --date 2026-11-30 \
    --time 09:15) || fail "note with date and time"
expect_eq "given date and time kept" "$(laptop a --json note list \
    --case "$C" | jq -r --arg n "$N" '.[] | select(.record_id == $n) |
    "\(.fields.date) \(.fields.time)"')" "2026-11-30 09:15"
# a note dated another day has no time unless one is given: the time of
# writing is not the time of the contact (it stays the note's own time)
N=$(laptop a note add --case "$C" --text "dated" --date 2026-11-29) ||
    fail "note with a date only"
expect_eq "a date without a time gets no time" "$(laptop a --json note \
    list --case "$C" | jq -r --arg n "$N" '.[] | select(.record_id == $n) |
    "\(.fields.date) \(.fields.time // "none")"')" "2026-11-29 none"
laptop a note add --case "$C" --text x --time 25:00 >"$T/bad" 2>&1 &&
    fail "time 25:00 accepted"
grep -q "HH:MM" "$T/bad" || fail "bad time: $(cat "$T/bad")"

# a choice field's error lists the allowed values; nothing written
before=$(laptop a digest)
laptop a note add --case "$C" --text x --type visit >"$T/bad" 2>&1 &&
    fail "note type 'visit' accepted"
grep -q "home_visit|call|meeting|other" "$T/bad" ||
    fail "allowed values not listed: $(cat "$T/bad")"
laptop a person add --case "$C" --name X --role kind >"$T/bad" 2>&1 &&
    fail "role 'kind' accepted"
grep -q "child|parent|carer|network" "$T/bad" ||
    fail "allowed values not listed: $(cat "$T/bad")"
expect_eq "nothing written" "$(laptop a digest)" "$before"
# case new: the case file's rules (the core's) before the server hears
laptop a case new --frame DRANG >"$T/bad" 2>&1 && fail "case without title"
grep -q "needs --title" "$T/bad" || fail "no title: $(cat "$T/bad")"
laptop a case new --frame DRANG --title X --municipality 0193 >"$T/bad" \
    2>&1 && fail "case with a bad municipality"
grep -q "municipality" "$T/bad" || fail "municipality: $(cat "$T/bad")"
expect_eq "no case made" "$(laptop a --json case list | jq '.cases | length')" 1
laptop a case state --case "$C" --to DRANG >"$T/bad" 2>&1 &&
    fail "state DRANG accepted"
grep -q "AANMELDING|DRANG_INTENSIEF|.*|GESLOTEN" "$T/bad" ||
    fail "states not listed: $(cat "$T/bad")"
ok "a wrong choice lists the allowed values"

# case state without --date: the local date, in a zone (UTC+23:30) whose
# date is the day after UTC's but in the first half hour of a UTC day
TZ=XXX-23:30 laptop a --json case state --case "$C" --to DRANG_INTENSIEF \
    >"$T/st.json" 2>"$T/st.err" || fail "case state: $(cat "$T/st.err")"
expect_eq "state since the local date" \
    "$(jq -r '.state_since' "$T/st.json")" "$(TZ=XXX-23:30 date +%F)"
ok "a change of state is dated with the local date"

# search folds accented letters both ways
laptop a search öztürk | grep -q "Öztürk" || fail "search öztürk"
laptop a search ÖZTÜRK | grep -q "Öztürk" || fail "search ÖZTÜRK"
ok "search folds accented letters"
server_alive
