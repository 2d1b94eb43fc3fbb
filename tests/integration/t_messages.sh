#!/bin/sh
# SPDX-License-Identifier: ISC
#
# Messages keep the cause (issue 19, "Administrators"): where casesyncd,
# casesyncctl or casesync cannot open, read or write a file, they name
# the file and say why in the operating system's words ("is a
# directory", "permission denied", "no space left on device",
# "read-only file system"), not "system error", "malformed input" or
# "database error": the configuration file (casesyncd, casesyncd -t),
# a key file, server.db (casesyncctl and casesyncd; a write on a
# read-only file system), the backup target (missing directory, full
# disk, read-only file system) and the laptop's vault (its files as
# directories, on a read-only and on a full file system), and the
# laptop's sync when its server is down ("connection refused") or its
# name does not resolve (the resolver's words).  The
# cases are chosen to fail for root too (a
# directory where a file is expected, ENOENT, ENOSPC and EROFS in a
# mount namespace); "permission denied" is checked as nobody.
. "$(dirname "$0")/lib.sh"

D="$B/casesyncd"
deploy
ctl office add Zwolle >/dev/null || fail "office"
ctl user add --name anna --role jeugdbeschermer --office Zwolle >/dev/null ||
    fail "user add"

# says WHAT EXIT PATTERN CMD...: CMD exits EXIT and its output has PATTERN
says() {
	what=$1 want=$2 pat=$3
	shift 3
	"$@" >"$T/out" 2>&1
	rc=$?
	[ "$rc" -eq "$want" ] || fail "$what: exit $rc, want $want: $(cat \
	    "$T/out")"
	grep -q -- "$pat" "$T/out" ||
	    fail "$what: does not say '$pat': $(cat "$T/out")"
	if grep -q -e "system error" -e "database error" -e "malformed input" \
	    "$T/out"; then
		fail "$what: still a generic message: $(cat "$T/out")"
	fi
	ok "$what"
}

# ---- casesyncd: the configuration file
says "casesyncd: a missing configuration file" 1 \
    "$T/nope.conf: no such file or directory" "$D" -d -f "$T/nope.conf"
says "casesyncd -t: a missing configuration file" 1 \
    "$T/nope.conf: no such file or directory" "$D" -t -f "$T/nope.conf"
mkdir "$T/confdir"
says "casesyncd: a directory as configuration file" 1 \
    "$T/confdir: is a directory" "$D" -d -f "$T/confdir"

# ---- casesyncd: key files and server.db in a copy of the deployment
cp -a "$SRV" "$T/srv2"
sed "s|^data_dir *=.*|data_dir = $T/srv2|" "$SRV/casesyncd.conf" \
    >"$T/srv2.conf"
[ "$(id -u)" -ne 0 ] || echo "user = nobody" >>"$T/srv2.conf"
mv "$T/srv2/server.key" "$T/server.key.saved"
mkdir "$T/srv2/server.key"
says "casesyncd -t: server.key is a directory" 1 \
    "srv2/server.key: is a directory" "$D" -t -f "$T/srv2.conf"
says "casesyncd: server.key is a directory" 1 \
    "srv2/server.key: is a directory" "$D" -d -f "$T/srv2.conf"
rmdir "$T/srv2/server.key"
mv "$T/server.key.saved" "$T/srv2/server.key"
mv "$T/srv2/server.db" "$T/server.db.saved"
mkdir "$T/srv2/server.db"
says "casesyncd: server.db is a directory" 1 \
    "srv2/server.db: is a directory" "$D" -d -f "$T/srv2.conf"

# ---- casesyncctl: server.db
says "casesyncctl: server.db is a directory" 1 \
    "srv2/server.db: is a directory" "$B/casesyncctl" --dir "$T/srv2" \
    user list
rmdir "$T/srv2/server.db"
mv "$T/server.db.saved" "$T/srv2/server.db"
PD=$(mktemp -d "${TMPDIR:-/tmp}/casesync-perm.XXXXXX") || fail "mktemp"
trap 'rm -rf "$PD"; cleanup' EXIT INT TERM
cp -a "$SRV" "$PD/srv"
chmod 755 "$PD" "$PD/srv"
if [ "$(id -u)" -eq 0 ]; then
	AS_OTHER="setpriv --reuid=65534 --regid=65534 --clear-groups"
else
	chmod 000 "$PD/srv/server.db"
	AS_OTHER=""
fi
# shellcheck disable=SC2086
says "casesyncctl: server.db it may not read" 1 \
    "srv/server.db: permission denied" $AS_OTHER "$B/casesyncctl" \
    --dir "$PD/srv" user list

# ---- casesyncctl backup: the target
says "backup into a missing directory" 1 \
    "$T/nodir/b.db: no such file or directory" ctl backup --out \
    "$T/nodir/b.db"
if unshare -m true 2>/dev/null; then
	mkdir "$T/small" "$T/ro"
	# the deployment is a few hundred KiB: 64 KiB cannot hold it
	says "backup to a full file system" 1 \
	    "$T/small/b.db: no space left on device" unshare -m sh -c \
	    "mount -t tmpfs -o size=64k tmpfs '$T/small' &&
	    '$B/casesyncctl' --dir '$SRV' backup --out '$T/small/b.db'"
	says "backup to a read-only file system" 1 \
	    "$T/ro/b.db: read-only file system" unshare -m sh -c \
	    "mount --bind -o ro '$T/ro' '$T/ro' &&
	    '$B/casesyncctl' --dir '$SRV' backup --out '$T/ro/b.db'"
	says "casesyncctl: a write to server.db on a read-only file system" 1 \
	    "srv/server.db: read-only file system" unshare -m sh -c \
	    "mount --bind -o ro '$SRV' '$SRV' &&
	    '$B/casesyncctl' --dir '$SRV' user add --name bert \
	    --role jeugdbeschermer --office Zwolle"
else
	echo "# no mount namespace here: ENOSPC and EROFS not checked"
fi

# ---- the laptop's vault
start_server
enroll a anna
laptop a sync >"$T/sync" 2>&1 || fail "sync: $(cat "$T/sync")"
cp -a "$T/a" "$T/b"
mv "$T/b/vault.db" "$T/b/vault.db.saved"
mkdir "$T/b/vault.db"
says "casesync: vault.db is a directory" 1 "vault.db: is a directory" \
    laptop b case list
rmdir "$T/b/vault.db"
mv "$T/b/vault.db.saved" "$T/b/vault.db"
rm -f "$T/b/vault.key"
mkdir "$T/b/vault.key"
says "casesync: vault.key is a directory" 1 "vault.key: is a directory" \
    laptop b case list
if unshare -m true 2>/dev/null; then
	C=$(laptop a case create --frame DRANG) || fail "case create"
	says "casesync: a vault on a read-only file system" 1 \
	    "cannot open the vault in $T/a: read-only file system" \
	    unshare -m sh -c "mount --bind -o ro '$T/a' '$T/a' &&
	    '$B/casesync' --dir '$T/a' case list"
	# the vault is some 600 KiB: 1200 KiB fill up with 4 MB of notes
	mkdir "$T/full"
	says "casesync: a vault on a full file system" 1 \
	    "$T/full/vault.db: no space left on device" unshare -m sh -c \
	    "mount -t tmpfs -o size=1200k tmpfs '$T/full' &&
	    cp -a '$T/a/.' '$T/full/' &&
	    '$B/casesync' --dir '$T/full' record bulk --case $C \
	    --kind note --count 2000 --size 2000"
fi

# ---- the laptop without its server: why it cannot connect (exit 6,
# docs/CLIENT.md), in the operating system's words
stop_server
says "casesync sync, the server down" 6 \
    "cannot connect securely to .*: connection refused" laptop a sync
# a name no resolver knows (RFC 6761): the resolver's words
laptop a server set "nosuchhost.invalid:443" >/dev/null 2>&1 ||
    fail "server set"
says "casesync sync, a server name that does not resolve" 6 \
    "cannot connect securely to nosuchhost.invalid:443: [a-z]" laptop a sync
