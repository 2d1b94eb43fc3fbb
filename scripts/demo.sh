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

say "The recovery key, before any case: 3 shares, any 2 restore a case"
mkdir -m 700 "$D/recovery"
run ctl recovery init --shares 3 --threshold 2 --out "$D/recovery"

say "casesyncd starts on an ephemeral port of 127.0.0.1"
# casesyncd will not keep root (docs/CONFIG.md): drop to nobody
if [ "$(id -u)" -eq 0 ]; then echo "user = nobody" >>"$D/srv/casesyncd.conf"; fi
# the old office's read-only handover after a transfer: 14 days by
# default, seconds here so that the demo can show its end
echo "handover_window = 4s" >>"$D/srv/casesyncd.conf"
# start_server: casesyncd in the background, back once it listens
start_server() {
	rm -f "$D/port"
	"$B/casesyncd" -d -f "$D/srv/casesyncd.conf" -p "$D/port" \
	    >>"$D/server.log" 2>&1 &
	PID=$!
	i=0
	while [ ! -s "$D/port" ]; do
		i=$((i + 1))
		[ $i -gt 100 ] && { cat "$D/server.log"; exit 1; }
		sleep 0.1
	done
}
start_server
ADDR="localhost:$(cat "$D/port")"
FP=$(openssl x509 -in "$D/srv/ca.crt" -outform DER | sha256sum |
    cut -d' ' -f1)
echo "listening at $ADDR"

for who in "Anna Jansen:anna-laptop" "Femke de Vries:femke-laptop" \
    "Bert Visser:bert-laptop" "Karim El Amrani:karim-laptop"; do
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
done
run "$B/casesync" --dir "$D/anna-laptop" status

anna() { printf '$ [anna] casesync %s\n' "$*"; "$B/casesync" --dir "$D/anna-laptop" "$@"; }
femke() { printf '$ [femke] casesync %s\n' "$*"; "$B/casesync" --dir "$D/femke-laptop" "$@"; }
today=$(date -u +%F)
in_days() { date -u -d "$today + $1 days" +%F; }

say "Intake (aanmelding): the wijkteam reports worries about a family in Zwolle"
printf '$ [anna] casesync case new --frame DRANG --title "Gezin Bakker" ...\n'
C=$("$B/casesync" --dir "$D/anna-laptop" case new --frame DRANG \
    --title "Gezin Bakker" --municipality GM0193 --jeugdregio IJsselland \
    --legal-basis "toestemming ouders")
echo "$C"
K=$(anna person add --case "$C" --name "Noor Bakker" --role child \
    --birth-date 2016-02-29 --bsn 111222333 --municipality GM0193 | tail -1)
anna person add --case "$C" --name "Sandra Bakker" --role parent \
    --has-gezag yes --child "$K" --address "Voorbeeldstraat 1, Zwolle"
anna partner add --case "$C" --name "Wijkteam Zwolle-Zuid" --type wijkteam \
    --basis consent --consent-date "$today" --consent-scope "plan van aanpak"
say "A wrong BSN is caught on the laptop (elfproef), nothing is saved"
anna person add --case "$C" --name "Tim Bakker" --role child \
    --bsn 123456789 || echo "(refused, as it should be)"

say "Drang begins: the six-week toetsing is now due"
anna case state --case "$C" --to DRANG_INTENSIEF --date "$today"
anna case member --case "$C" --user "Femke de Vries"

say "The plan van aanpak, agreed with the wijkteam"
anna plan edit --case "$C" --summary "Noor gaat elke dag naar school; \
moeder krijgt steun bij opvoeding" --agreed-with wijkteam --agreed-on "$today"
anna plan goal add --case "$C" --text "Noor dagelijks naar school" \
    --owner "Sandra Bakker" --due "$(in_days 42)" --status open
anna plan goal add --case "$C" --text "Opvoedondersteuning gestart" \
    --owner "Wijkteam" --due "$(in_days 28)" --status open
anna sync

say "Home visit without network: the server is down, Anna writes notes offline"
kill "$PID"; wait "$PID" 2>/dev/null || true; PID=""
anna note add --case "$C" --type home_visit --date "$today" \
    --text "Huisbezoek: Noor was thuis, moeder open over de zorgen."
anna assess add --case "$C" --instrument LIRIK --instrument-version 2 \
    --outcome "verhoogd risico, geen acuut gevaar" --date "$today" \
    --next-due "$(in_days 42)"
anna sync || echo "(no connection: the notes wait in the outbox)"
# the server comes back where the laptops know it
sed "s/^listen = 127.0.0.1:0\$/listen = 127.0.0.1:${ADDR#localhost:}/" \
    "$D/srv/casesyncd.conf" >"$D/conf.tmp" && mv "$D/conf.tmp" "$D/srv/casesyncd.conf"
start_server
say "Back online: the notes go to the server; the team lead receives the case"
anna sync
femke sync
femke case show --case "$C"

say "The six-week toetsing, and the deadlines ahead"
anna case state --case "$C" --to DRANG_TOETSING
anna case state --case "$C" --to DRANG_VERVOLG
anna case list --due

say "More time needed: an extension past 3 months is the team lead's decision"
anna case state --case "$C" --to DRANG_VERVOLG --end "$(in_days 150)" \
    --reason "moeder werkt mee; school nog niet stabiel" ||
    echo "(refused: it is asked for, not typed)"
anna case extend --case "$C" --end "$(in_days 150)" \
    --reason "moeder werkt mee; school nog niet stabiel"
anna sync
say "Femke decides on her own laptop; the reason is in her dossier"
femke sync
femke approvals
AP=$("$B/casesync" --dir "$D/femke-laptop" --json approvals |
    sed -n 's/.*"approval_id":\([0-9]*\).*/\1/p' | head -1)
femke approve "$AP" --reason "akkoord; evalueren over zes weken"
femke sync
anna case info --case "$C"

say "Femke and Anna both edit a goal offline; sync merges field by field"
G=$("$B/casesync" --dir "$D/anna-laptop" --json plan show --case "$C" |
    sed -n 's/.*"record_id":"\([^"]*\)","short_id":"[^"]*","case_id":"[^"]*","kind":"goal".*"Noor dagelijks.*/\1/p' | head -1)
femke sync >/dev/null
femke plan goal edit --id "$G" --due "$(in_days 56)" >/dev/null
anna plan goal edit --id "$G" --status achieved >/dev/null
anna sync >/dev/null; femke sync >/dev/null; anna sync >/dev/null
anna plan show --case "$C"

say "The child at the centre: the Smit family, three children, drang"
printf '$ [anna] casesync case new --frame DRANG --title "Gezin Smit" ...\n'
S=$("$B/casesync" --dir "$D/anna-laptop" case new --frame DRANG \
    --title "Gezin Smit" --municipality GM0193 | head -1)
for kid in "Sem Smit 2012-02-29" "Lieke Smit 2015-06-10" \
    "Lotte Smit 2019-01-31"; do
	set -- $kid
	anna person add --case "$S" --name "$1 $2" --role child \
	    --birth-date "$3" >/dev/null
done
anna case state --case "$S" --to DRANG_INTENSIEF
anna escalate --case "$S" --to raad --reason "Onvoldoende veiligheid ondanks drang" >/dev/null
anna case state --case "$S" --to RAAD_MELDING
anna sync >/dev/null
say "The court orders an OTS for two children, a machtiging uithuisplaatsing for one"
anna measure start --case "$S" --child Sem --type OTS --court "Rechtbank Overijssel" \
    --zaaknummer C/08/771 --decision "$today" --end "$(in_days 300)"
anna measure start --case "$S" --child Lieke --type OTS --court "Rechtbank Overijssel" \
    --zaaknummer C/08/772 --decision "$today" --end "$(in_days 300)"
anna measure start --case "$S" --child Lieke --type UHP --court "Rechtbank Overijssel" \
    --zaaknummer C/08/773 --decision "$today" --end "$(in_days 200)"
anna measure list --case "$S"
say "Each child's deadlines, by name (the extension request 8 weeks before the end)"
anna case list --due
say "One plan, agreed twice, every version kept"
anna plan edit --case "$S" --summary "Lieke woont bij haar tante; Sem naar school" >/dev/null
anna plan agree --case "$S" --with parents,wijkteam >/dev/null
anna plan edit --case "$S" --summary "Lieke woont bij haar tante; Sem dagelijks naar school; moeder in therapie" >/dev/null
anna plan agree --case "$S" --with parents,wijkteam,jeugdbeschermer >/dev/null
anna plan history --case "$S"
anna plan diff --case "$S"
say "The measures end; Anna asks to close, Femke decides on her own laptop"
for m in $("$B/casesync" --dir "$D/anna-laptop" --json measure list --case "$S" |
    tr '{' '\n' | sed -n 's/.*"short_id":"\([^"]*\)".*"type":"UHP".*/\1/p'); do
	anna measure end --id "$m" --date "$today" >/dev/null
done
for m in $("$B/casesync" --dir "$D/anna-laptop" --json measure list --case "$S" |
    tr '{' '\n' | sed -n 's/.*"short_id":"\([^"]*\)".*"type":"OTS".*/\1/p'); do
	anna measure end --id "$m" --date "$today" >/dev/null
done
anna case close --case "$S" --reason doel_bereikt \
    --summary "Kinderen veilig; nazorg door het wijkteam"
anna sync >/dev/null
femke sync >/dev/null
femke approvals
AP=$("$B/casesync" --dir "$D/femke-laptop" --json approvals |
    sed -n 's/.*"approval_id":\([0-9]*\).*/\1/p' | head -1)
femke approve "$AP"
femke sync >/dev/null
anna sync >/dev/null
anna nazorg add --case "$S" --by wijkteam --name "Wijkteam Zwolle-Zuid" \
    --agreements "Maandelijks contact met moeder" --end "$(in_days 180)" >/dev/null
anna case state --case "$S" --to NAZORG
anna closing add --case "$S" --reason doel_bereikt \
    --summary "Doelen bereikt, kinderen veilig thuis" >/dev/null
anna case state --case "$S" --to GESLOTEN
say "A closed case takes nothing new; it leaves the laptops after 30 days"
anna note add --case "$S" --text "nog iets" ||
    echo "(refused, as it should be)"
say "The server keeps it 20 years (Jeugdwet 7.3.9), then destroys it on command"
run ctl retention list --all

say "Sandra Bakker asks what the institution holds (inzage, AVG art. 15)"
say "a printable document (HTML or PDF) with who read the file and when"
anna report inzage --case "Gezin Bakker" --out "$D/inzage-gezin-bakker.html"

say "Search the caseload; every read on the laptop is in its read log"
anna search school
anna reads

say "The family moves to Lelystad: Anna asks to transfer the case there"
karim() { printf '$ [karim] casesync %s\n' "$*"; "$B/casesync" --dir "$D/karim-laptop" "$@"; }
bert() { printf '$ [bert] casesync %s\n' "$*"; "$B/casesync" --dir "$D/bert-laptop" "$@"; }
anna transfer request --case "$C" --to Lelystad --reason moved \
    --note "gezin verhuisd, nieuwe gemeente Lelystad"
TR=$("$B/casesync" --dir "$D/karim-laptop" --json transfer list |
    sed -n 's/.*"transfer_id":\([0-9]*\),"case_id":"'"$C"'".*/\1/p')
say "Karim, team lead in Lelystad, sees the request"
karim transfer list
say "The sending side can never accept its own transfer"
anna transfer accept --id "$TR" --regisseur "Bert Visser" ||
    echo "(refused, as it should be)"
say "Karim accepts and makes Bert the regisseur: the case is Lelystad's now"
karim transfer accept --id "$TR" --regisseur "Bert Visser"
say "Bert's laptop receives the whole dossier, from the intake on"
bert sync
bert case show --case "$C"
bert note add --case "$C" --type call --date "$today" \
    --text "Kennismaking met moeder, afspraak huisbezoek gemaakt."
bert sync
say "During the handover window Anna still reads, but can no longer write:"
say "her laptop knows since its last sync and says so before she writes"
anna sync
anna note list --case "$C"
anna note add --case "$C" --type call --date "$today" \
    --text "Nog een telefoontje met school." >/dev/null ||
    echo "(refused on the laptop, exit $?: nothing was written or lost)"
anna sync
say "The beheerder sees which laptops still hold the case"
run ctl transfer pending
say "The window ends (4 s in this demo, 14 days by default): Zwolle's laptops delete the case"
sleep 5
anna sync
femke sync
echo "records of the case left on Anna's laptop:" \
    "$("$B/casesync" --dir "$D/anna-laptop" record list --case "$C" | wc -l)"
run ctl transfer list
run ctl records purges
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

say "Bert's case goes to a new colleague, Sanne; one share is not enough"
run ctl user add --name "Sanne Bos" --role jeugdbeschermer --office Lelystad
ctl enroll-token --user "Sanne Bos" --device sanne-laptop --ttl 1h >"$D/tok"
tok=$(awk '$1 == "token" { print $2 }' "$D/tok")
"$B/casesync" --dir "$D/sanne-laptop" enroll --server "$ADDR" \
    --ca-fingerprint "$FP" --token "$tok" || exit 1
if ctl recovery grant --case "$C" --to "Sanne Bos" \
    --shares "$D/recovery/recovery-share-1.txt"; then
	echo "unexpected: one share restored a case"
	exit 1
fi
echo "(refused, as it should be)"
say "Two share holders together restore the case for Sanne (audited)"
run ctl recovery grant --case "$C" --to "Sanne Bos" \
    --shares "$D/recovery/recovery-share-1.txt" \
    --shares "$D/recovery/recovery-share-3.txt"
run "$B/casesync" --dir "$D/sanne-laptop" sync
run "$B/casesync" --dir "$D/sanne-laptop" person list --case "$C"
run ctl audit query --type recovery_grant

say "Certificates: a laptop renews its own at a sync past half its 30 days"
say "Femke's laptop was away past the end: a renewal token, bound to that device"
fem=$(ctl device list | awk '/femke-laptop/ { print $1 }')
ctl renew-token --device "$fem" --ttl 1h >"$D/tok"
sed 's/^token .*/token cst1-… (shown once, given to the user)/' "$D/tok"
printf '$ [femke] casesync enroll --renew --token cst1-…\n'
"$B/casesync" --dir "$D/femke-laptop" enroll --renew \
    --token "$(awk '$1 == "token" { print $2 }' "$D/tok")"
femke sync
say "The server certificate: a new key from the same CA; laptops need nothing"
run ctl server-cert renew
kill "$PID"; wait "$PID" 2>/dev/null || true; PID=""
start_server
anna sync
run ctl audit query --type cert_renew
say "The beheerder backs the server up while it runs (checked, 0600)"
run ctl backup --out "$D/backup.db"
ls -l "$D/backup.db"
echo "(casesyncctl restore --from FILE puts it back with casesyncd stopped;"
echo " laptops then re-offer what it lacks: docs/ADMIN.md)"

say "The laptop's files hold no readable key, name or note"
ls -l "$D/anna-laptop"
if grep -rl "PRIVATE KEY\|Anna Jansen\|Bakker\|Smit\|Huisbezoek\|111222333" \
    "$D/anna-laptop"; then
	echo "unexpected: plain secrets on the laptop"
	exit 1
fi
echo "(nothing found)"

say "The server's database, WAL and log hold no name, BSN or note either"
ls -l "$D/srv"
# "Anna Jansen" is a user name (server metadata); the family is not
if grep -rl "Bakker\|Smit\|Huisbezoek\|111222333" "$D/srv" "$D"/*.log \
    2>/dev/null; then
	echo "unexpected: case content on the server"
	exit 1
fi
echo "(nothing found: record bodies are sealed on the laptops, docs/E2E.md)"

say "Demo finished; everything is removed again"
