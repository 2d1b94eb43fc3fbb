#!/bin/sh
# SPDX-License-Identifier: ISC
#
# The client's layers stay apart (docs/ARCHITECTURE.md): the core
# includes nothing of the faces, the faces no sqlite3.h, the core prints
# nothing, and no command builds a made-up argv for another.
. "$(dirname "$0")/lib.sh"

root=$(cd "$(dirname "$0")/../.." && pwd)
out=$(sh "$root/tests/tools/layout.sh" 2>&1) || fail "layout: $out"
expect_eq "layout" "$out" "layout: ok"
# printing is the faces' (snprintf and friends write to memory)
p=$(grep -nE '\b(printf|fprintf|fputs|puts|putchar|fputc|perror|vfprintf)\(' \
    "$root"/client/core/*.c "$root"/client/vault/*.c | grep -v '//' || true)
[ -z "$p" ] || fail "the core prints: $p"
c=$(grep -n '(char \*)(uintptr_t)' "$root"/client/*/*.c || true)
[ -z "$c" ] || fail "a made-up argv: $c"
ok "client layers apart"
