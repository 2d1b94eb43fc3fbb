#!/bin/sh
# SPDX-License-Identifier: ISC
#
# Conflicts on casesync ui's Sync page: anna and bert change the same
# field offline; on anna's laptop the Sync page shows the case and the
# field by name in Dutch words ("Ouder", not "parent"), both values
# with their authors, and a choice; choosing bert's value settles it
# (casesync conflicts: none), the Sync page's sync sends it and bert's
# laptop gets it.  A choice of no value is
# refused with a reason and changes nothing.
. "$(dirname "$0")/lib.sh"

deploy
ctl office add Zwolle >/dev/null || fail "office"
ctl user add --name anna --role jeugdbeschermer --office Zwolle >/dev/null
ctl user add --name bert --role jeugdbeschermer --office Zwolle >/dev/null
start_server
enroll a anna
enroll b bert

sync_ok() {
	laptop "$1" sync >"$T/sync.$1" 2>&1 || fail "sync $1: $(cat "$T/sync.$1")"
}
field() {	# field LAPTOP RECORD NAME -> value
	laptop "$1" --json record get "$2" |
	    sed -n "s/.*\"$3\":\"\\([^\"]*\\)\".*/\\1/p"
}

C=$(laptop a case new --frame DRANG --title "Familie Jansen" \
    --municipality GM0193 --jeugdregio IJsselland) || fail "case new"
C=$(echo "$C" | head -1)
R=$(laptop a person add --case "$C" --name "Piet Jansen" --role parent \
    --address "Dorpsstraat 1") || fail "person add"
R=$(echo "$R" | head -1)
laptop a case member --case "$C" --user bert >/dev/null || fail "member"
sync_ok a
sync_ok b
sync_ok a
sync_ok b
expect_eq "bert has the person" "$(field b "$R" address)" "Dorpsstraat 1"
laptop a person edit --id "$R" --address "Kerkstraat 11" >/dev/null ||
    fail "edit on a"
sleep 1.1
laptop b person edit --id "$R" --address "Molenweg 22" >/dev/null ||
    fail "edit on b"
sync_ok b
sync_ok a		# anna's push conflicts: her laptop merges
laptop a conflicts >"$T/c.out" 2>&1 || fail "conflicts: $(cat "$T/c.out")"
grep -q "Molenweg 22" "$T/c.out" || fail "no conflict on a: $(cat "$T/c.out")"

. "$(dirname "$0")/ui_lib.sh"
start_ui a
cat >"$T/conflict.py" <<'PYEOF'
import os, sys
sys.path.insert(0, os.environ["UI_LIB"])
from ui_lib import *

cookie = login() if step == "show" else load()["cookie"]
save({"cookie": cookie})
s, h, page = req("GET", "/sync", cookie=cookie)
expect("GET /sync", s, 200)
no_uuid("the Sync page with a conflict", page)
sec = re.search(r'<section class="conflict">.*?</section>', page, re.S)
if step == "show":
    if not sec:
        fail("no conflict on the Sync page")
    sec = sec.group(0)
    for want in ("Familie Jansen", "Piet Jansen", "Kerkstraat 11", "door anna",
                 "Molenweg 22", "door bert", "Welke waarde blijft?",
                 "Deze waarde houden"):
        if want not in sec:
            fail("the conflict lacks %r: %s" % (want, sec))
    # Dutch words throughout: the person's role by its word, not "parent"
    h3 = re.search(r"<h3>(.*?)</h3>", sec)
    expect("the conflict's heading", h3 and h3.group(1),
           "Familie Jansen: Persoon Piet Jansen, Ouder, veld Adres")
    if not re.search(r"door bert, \d\d-\d\d-\d{4} \d\d:\d\d", sec):
        fail("no time with bert's value: %s" % sec)
    for fid in re.findall(r'<input type="(?:radio|text)"[^>]* id="([^"]+)"',
                          sec):
        if '<label for="%s">' % fid not in sec:
            fail("field %s has no label" % fid)
    ok("the conflict: case, person and field by name, both values with "
       "their authors and times, every choice labelled")
    form = dict(re.findall(r'<input type="hidden" name="([a-z]+)" '
                           r'value="([^"]*)"', sec))
    s, h, d = req("POST", "/sync", cookie=cookie, origin=ORIGIN, form=form)
    expect("a choice of no value", s, 400)
    if "Kies een van de waarden" not in d:
        fail("no reason for a refused choice: %s" % d[:300])
    ok("no value chosen: refused with a reason")
    m = re.search(r'<input type="radio" name="choice" id="[^"]+" '
                  r'value="(\d+)"[^>]*>\s*<label[^>]*>[^<]*Molenweg 22', sec)
    if not m:
        fail("no choice for bert's value: %s" % sec)
    form["choice"] = m.group(1)
    s, h, d = req("POST", "/sync", cookie=cookie, origin=ORIGIN, form=form)
    expect("choosing bert's value", s, 303)
    save({"cookie": cookie, "chosen": 1})
elif step == "after":
    if sec:
        fail("the conflict is still shown: %s" % sec.group(0))
    if "Geen conflicten" not in page:
        fail("the page does not say there are none")
    form = {"csrf": csrf_of(page), "action": "sync"}
    s, h, d = req("POST", "/sync", cookie=cookie, origin=ORIGIN, form=form)
    expect("POST /sync", s, 303)
    st = wait_sync(cookie)
    expect("the sync", st["state"], "done")
    ok("settled: the Sync page shows no conflict; its sync sent the choice")
PYEOF
$PY "$T/conflict.py" "$URL" show || fail "the conflict on the Sync page"
laptop a conflicts >"$T/c2.out" 2>&1
grep -q "Molenweg 22" "$T/c2.out" && fail "still a conflict: $(cat "$T/c2.out")"
expect_eq "anna's laptop has bert's value" "$(field a "$R" address)" "Molenweg 22"
$PY "$T/conflict.py" "$URL" after || fail "after the choice"
sync_ok b
expect_eq "bert's laptop has the choice" "$(field b "$R" address)" "Molenweg 22"
laptop b conflicts >"$T/c3.out" 2>&1
grep -q "Kerkstraat 11" "$T/c3.out" && fail "a conflict on b: $(cat "$T/c3.out")"
ok "the choice reached bert's laptop, with no conflict left"
stop_ui
