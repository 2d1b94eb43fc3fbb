#!/bin/sh
# SPDX-License-Identifier: ISC
#
# casesync ui's HTTP server and its security (SECURITY.md, "The local
# web UI"), against a real casesyncd and an enrolled laptop, with
# Python's http.client (it sends exactly the Host and Origin we say):
# non-loopback --listen refused; no secret -> 403; the secret is
# exchanged once for an HttpOnly SameSite=Strict cookie; a foreign Host
# -> 403; a POST with a foreign or missing Origin, or without the form
# token -> 403; the security headers on every response; a sync from
# the Sync page with its progress; the offline banner when the server
# is down; the idle lock, a wrong passphrase refused, the right one
# reopening the vault.
. "$(dirname "$0")/lib.sh"

deploy
ctl office add Zwolle >/dev/null || fail "office"
ctl user add --name anna --role jeugdbeschermer --office Zwolle >/dev/null ||
    fail "user add"
start_server
enroll a anna
C=$(laptop a case new --frame DRANG --title "Gezin Öztürk" \
    --municipality GM0193 --jeugdregio IJsselland) || fail "case new"
C=$(echo "$C" | head -1)
laptop a note add --case "$C" --type call \
    --text "Gebeld met school" >/dev/null || fail "note add"
# enough to see the sync's progress between its start and its end (three
# batches of the push: two moments with part of it done)
laptop a record bulk --case "$C" --kind bulk --count 3000 --size 2000 \
    >/dev/null || fail "record bulk"

for bad in 0.0.0.0:0 10.1.2.3:8080 "[::]:0" example.org:80 127.0.0.2:0 \
    127.0.0.1:99999 127.0.0.1; do
	laptop a ui --listen "$bad" --no-browser >"$T/bad.out" 2>&1
	rc=$?
	[ $rc -eq 2 ] || fail "--listen $bad: exit $rc, want 2"
	grep -q "loopback" "$T/bad.out" || fail "--listen $bad: $(cat \
	    "$T/bad.out")"
done
ok "a --listen other than the loopback address is refused (exit 2)"

IDLE=6
. "$(dirname "$0")/ui_lib.sh"

start_ui a
case "$URL" in
http://127.0.0.1:[0-9]*/#?*) ok "printed $URL" | sed 's/#.*/#SECRET/' ;;
*) fail "printed address: $URL" ;;
esac

# The checks, one "ok - ..." per line; a failure raises (exit 1).
cat >"$T/ui_check.py" <<'EOF'
import os, sys
sys.path.insert(0, os.environ["UI_LIB"])
from ui_lib import *

if step == "login":
    for path in ("/", "/sync", "/laptop", "/static/ui.css", "/static/ui.js",
                 "/sync/status", "/nothing"):
        s, h, d = req("GET", path)
        expect("GET %s without the cookie" % path, s, 403)
    ok("no secret, no cookie: 403 for pages, assets and the API")
    s, h, d = req("GET", "/static/login.js")
    expect("the log-in script without the cookie", s, 200)
    ok("only the log-in script is served without the cookie")
    s, h, d = req("POST", "/login", form={"secret": secret})
    expect("log-in without Origin", s, 403)
    s, h, d = req("POST", "/login", origin="http://evil.example",
                  form={"secret": secret})
    expect("log-in with a foreign Origin", s, 403)
    s, h, d = req("POST", "/login", origin=ORIGIN,
                  host="evil.example:%d" % port, form={"secret": secret})
    expect("log-in with a foreign Host", s, 403)
    s, h, d = req("POST", "/login", origin=ORIGIN,
                  form={"secret": secret[:-1] + ("A" if secret[-1] != "A"
                                                 else "B")})
    expect("log-in with a wrong secret", s, 403)
    ok("log-in refused without Origin, with a foreign Origin or Host, "
       "with a wrong secret")
    s, h, d = req("POST", "/login", origin=ORIGIN, form={"secret": secret})
    expect("log-in with the secret", s, 204)
    sc = h.get("set-cookie", "")
    m = re.match(r"cs_session=([0-9a-f]{64});", sc)
    if not m or "HttpOnly" not in sc or "SameSite=Strict" not in sc or \
            "Path=/" not in sc:
        fail("Set-Cookie: %r" % sc)
    cookie = "cs_session=" + m.group(1)
    ok("the secret is exchanged for an HttpOnly, SameSite=Strict cookie")
    s, h, d = req("POST", "/login", origin=ORIGIN, form={"secret": secret})
    expect("second use of the secret", s, 403)
    ok("the secret works once (second use: 403)")
    s, h, d = req("GET", "/sync", cookie="cs_session=" + "0" * 64)
    expect("a made-up cookie", s, 403)
    for host in ("evil.example:%d" % port, "127.0.0.1", "localhost",
                 "127.0.0.1:%d" % (port + 1), "attacker.test"):
        s, h, d = req("GET", "/sync", host=host, cookie=cookie)
        expect("Host %s" % host, s, 403)
    ok("a foreign Host is refused (DNS rebinding), cookie or not")
    for host in (HOST, "localhost:%d" % port):
        s, h, d = req("GET", "/laptop", host=host, cookie=cookie)
        expect("GET /laptop with Host %s" % host, s, 200)
    s, h, d = req("GET", "/static/ui.css", cookie=cookie)
    expect("the stylesheet", s, 200)
    expect("the stylesheet's type", h["content-type"],
           "text/css; charset=utf-8")
    save({"cookie": cookie})
    ok("with the cookie: pages and assets, Host 127.0.0.1 or localhost")

elif step == "pages":
    cookie = load()["cookie"]
    s, h, page = req("GET", "/sync", cookie=cookie)
    expect("GET /sync", s, 200)
    for want in ('lang="nl"', ">Mijn caseload</a>", ">Teamleider</a>",
                 ">Sync</a>", ">Laptop</a>", 'class="skip"',
                 "Nu synchroniseren", 'href="/static/ui.css"'):
        if want not in page:
            fail("the Sync page lacks %r" % want)
    no_uuid("the Sync page", page)
    if "Gezin Öztürk" not in page:
        fail("the outbox does not name the case by its title")
    ok("the Sync page: Dutch frame, navigation, the outbox per case title")
    csrf = csrf_of(page)
    form = {"csrf": csrf, "action": "sync"}
    s, h, d = req("POST", "/sync", cookie=cookie, form=form)
    expect("POST without Origin", s, 403)
    s, h, d = req("POST", "/sync", cookie=cookie, form=form,
                  origin="http://evil.example")
    expect("POST with a foreign Origin", s, 403)
    s, h, d = req("POST", "/sync", cookie=cookie, form=form,
                  origin="null")
    expect("POST with Origin null", s, 403)
    for site in ("cross-site", "same-site", "none"):
        s, h, d = req("POST", "/sync", cookie=cookie, form=form,
                      origin="null", headers={"Sec-Fetch-Site": site})
        expect("POST with Origin null from %s" % site, s, 403)
    s, h, d = req("POST", "/sync", cookie=cookie, origin=ORIGIN,
                  form={"action": "sync"})
    expect("POST without the form token", s, 403)
    s, h, d = req("POST", "/sync", cookie=cookie, origin=ORIGIN,
                  form={"action": "sync", "csrf": "0" * 64})
    expect("POST with a wrong form token", s, 403)
    s, h, d = req("GET", "/sync/status", cookie=cookie)
    if json.loads(d)["state"] != "idle":
        fail("a refused POST started a sync: %s" % d)
    ok("POST refused (403) without Origin, with a foreign Origin or null "
       "but not same-origin, without or with a wrong form token; "
       "nothing started")
    s, h, d = req("POST", "/sync", cookie=cookie, origin=ORIGIN, form=form)
    expect("POST /sync", s, 303)
    expect("redirect", h.get("location"), "/sync")
    st = wait_sync(cookie)
    expect("the sync", st["state"], "done")
    if st["records"] < 3000 or st["bytes"] < 1 or \
            st["records_total"] < st["records"]:
        fail("progress at the end: %r" % st)
    mid = [x for x in SEEN if x["state"] == "running" and
           0 < x["records"] < x["records_total"] and x["bytes_total"] > 0]
    if not mid:
        fail("no progress seen while the sync ran: %r" % SEEN[:5])
    ok("progress while it ran: %d of %d records, %d of %d bytes" %
       (mid[0]["records"], mid[0]["records_total"], mid[0]["bytes"],
        mid[0]["bytes_total"]))
    s, h, page = req("GET", "/sync", cookie=cookie)
    if "Alle wijzigingen zijn verstuurd" not in page or \
            "Gelukt op" not in page or "Geen verbinding" in page:
        fail("after the sync: %s" % page)
    if not re.search(r"Gelukt op \d\d-\d\d-\d{4} \d\d:\d\d", page):
        fail("the last sync's time is not dd-mm-jjjj HH:MM")
    ok("Nu synchroniseren: the sync ran in the background with its "
       "progress; the outbox is empty; last sync dd-mm-jjjj HH:MM")
    s, h, page = req("GET", "/laptop", cookie=cookie)
    expect("GET /laptop", s, 200)
    for want in ("Certificaat", "geldig tot", "Leeslog", "keten in orde"):
        if want not in page:
            fail("the Laptop page lacks %r" % want)
    no_uuid("the Laptop page", page)
    ok("the Laptop page: certificate end, vault, read log; no UUID")

elif step == "reads":
    cookie = load()["cookie"]
    s, h, page = req("GET", "/", cookie=cookie)
    expect("GET / (Mijn caseload)", s, 200)
    no_uuid("Mijn caseload", page)
    m = re.search(r'href="(/dossier\?case=[^"]+)"', page)
    if not m:
        fail("no link to the dossier on Mijn caseload")
    s, h, page = req("GET", m.group(1).replace("&amp;", "&"), cookie=cookie)
    expect("GET the dossier", s, 200)
    if "Gebeld met school" not in page:
        fail("the dossier does not show the note")
    no_uuid("the dossier", page)
    ok("Mijn caseload links the family; its dossier shows the journal")
    s, h, page = req("GET", "/team", cookie=cookie)
    expect("GET /team", s, 200)
    s, h, page = req("GET", "/laptop", cookie=cookie)
    if not re.search(r"<td>dossier bekeken</td><td>Gezin Öztürk</td>",
                     page):
        fail("the Laptop page's read log does not name the view")
    ok("the Laptop page's read log names the dossier view by title")

elif step == "offline":
    cookie = load()["cookie"]
    s, h, page = req("GET", "/sync", cookie=cookie)
    form = {"csrf": csrf_of(page), "action": "sync"}
    s, h, d = req("POST", "/sync", cookie=cookie, origin=ORIGIN, form=form)
    expect("POST /sync (server down)", s, 303)
    st = wait_sync(cookie)
    expect("the sync with the server down", st["state"], "offline")
    banner = ('<p class="banner" role="alert">Geen verbinding. Uw '
              'wijzigingen zijn veilig op deze laptop opgeslagen.</p>')
    for path in ("/sync", "/laptop"):
        s, h, page = req("GET", path, cookie=cookie)
        if banner not in page:
            fail("no offline banner on %s" % path)
    ok("the server down: the offline banner on every page")

elif step == "idle":
    cookie = load()["cookie"]
    s, h, page = req("GET", "/laptop", cookie=cookie)
    if "Ontgrendelen" not in page or 'name="passphrase"' not in page:
        fail("no passphrase form after the idle time: %s" % page[:400])
    if "Leeslog" in page:
        fail("the locked UI still shows the page")
    if not re.search(r'<label for="passphrase">', page):
        fail("the passphrase field has no label")
    csrf = csrf_of(page)
    ok("after the idle time every page asks the passphrase (Ontgrendelen)")
    s, h, page = req("POST", "/sync", cookie=cookie, origin=ORIGIN,
                     form={"csrf": csrf, "action": "sync"})
    if "Ontgrendelen" not in page or "bewaard" not in page:
        fail("a form sent while locked: %s" % page[:400])
    s, h, d = req("GET", "/sync/status", cookie=cookie)
    if json.loads(d)["state"] not in ("done", "offline"):
        fail("a form sent while locked ran: %s" % d)
    ok("a form sent while locked is kept, not run")
    s, h, d = req("POST", "/unlock", cookie=cookie, origin="http://evil.ex",
                  form={"csrf": csrf, "passphrase": os.environ["PASS"]})
    expect("unlock with a foreign Origin", s, 403)
    t0 = time.time()
    s, h, page = req("POST", "/unlock", cookie=cookie, origin=ORIGIN,
                     form={"csrf": csrf, "passphrase": "wrong passphrase"})
    if "Onjuiste wachtwoordzin" not in page:
        fail("a wrong passphrase: %s" % page[:400])
    if time.time() - t0 < 1:
        fail("no delay after a wrong passphrase")
    ok("a wrong passphrase is refused, after a delay")
    s, h, d = req("POST", "/unlock", cookie=cookie, origin=ORIGIN,
                  form={"csrf": csrf, "passphrase": os.environ["PASS"]})
    expect("unlock", s, 303)
    expect("after the unlock, the kept form's answer", h.get("location"),
           "/sync")
    SEEN.clear()
    req("GET", "/sync/status", cookie=cookie)
    st = wait_sync(cookie)
    if st["state"] != "done":
        fail("the kept form did not run its sync: %r" % st)
    ok("after the unlock the kept form is handled (its sync ran)")
    s, h, page = req("GET", "/laptop", cookie=cookie)
    if "Leeslog" not in page:
        fail("not open again: %s" % page[:400])
    ok("the right passphrase opens the vault again (same cookie)")
    if "Geen verbinding" in page:
        fail("the banner stays after casesync sync reached the server")
    ok("casesync sync (the CLI) that reached the server ends the banner")
EOF

$PY "$T/ui_check.py" "$URL" login || fail "log-in checks"
$PY "$T/ui_check.py" "$URL" pages || fail "page checks"
# a page view of case content is in the laptop's read log, as the CLI's
n0=$(laptop a reads | tail -1 | awk '{ print $1 }')
$PY "$T/ui_check.py" "$URL" reads || fail "read log checks"
laptop a reads >"$T/reads.out" || fail "casesync reads: chain broken"
n1=$(tail -1 "$T/reads.out" | awk '{ print $1 }')
[ "$n1" -gt "$n0" ] || fail "a dossier view is not in the read log \
($n0 -> $n1 entries)"
grep -q " show " "$T/reads.out" ||
    fail "the dossier view is not logged as show: $(tail -3 "$T/reads.out")"
ok "the dossier view is in the read log (casesync reads: $n0 -> $n1)"
stop_server
$PY "$T/ui_check.py" "$URL" offline || fail "offline checks"
start_server
# the CLI's sync records its outcome too: the banner goes (idle step)
laptop a sync -q || fail "casesync sync"

# nothing for IDLE seconds: the vault closes
sleep $((IDLE + 2))
grep -q "the vault is closed" "$T/ui.err" ||
    fail "the vault was not closed after $IDLE s: $(cat "$T/ui.err")"
PASS=$CASESYNC_PASSPHRASE $PY "$T/ui_check.py" "$URL" idle ||
    fail "idle checks"

# nothing secret or from the case in its output
grep -q "$(echo "$URL" | sed 's/.*#//')" "$T/ui.err" &&
    fail "the secret is in the log"
grep -qi "öztürk\|Gebeld" "$T/ui.err" && fail "case content in the log"
ok "neither the secret nor case content in casesync ui's log"
stop_ui

# without --no-browser: xdg-open gets the address as its one argument
mkdir -p "$T/bin"
printf '#!/bin/sh\nprintf "%%s\\n" "$#" "$@" >"%s/xdg.args"\n' "$T" \
    >"$T/bin/xdg-open"
chmod +x "$T/bin/xdg-open"
PATH="$T/bin:$PATH" "$B/casesync" --dir "$T/a" ui >"$T/ui2.out" \
    2>"$T/ui2.err" &
UI_PID=$!
i=0
while [ ! -s "$T/xdg.args" ]; do
	i=$((i + 1))
	[ $i -gt 100 ] && fail "xdg-open was not run: $(cat "$T/ui2.err")"
	sleep 0.1
done
stop_ui
expect_eq "xdg-open's arguments" "$(cat "$T/xdg.args")" \
    "$(printf '1\n%s' "$(sed -n 's/^ui: //p' "$T/ui2.out")")"
