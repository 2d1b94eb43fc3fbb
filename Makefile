# SPDX-License-Identifier: ISC
#
# casesync build.  `make` builds the three programs into $(BUILD);
# see README.md for the other targets.

BUILD		?= build
PREFIX		?= /usr/local
DESTDIR		?=
WERROR		?= 1
SANITIZE	?=
CC		?= cc
FUZZ_TIME	?= 60
DEPS		?= scripts/deps.sh

WARN	= -Wall -Wextra -Wshadow -Wpointer-arith -Wcast-qual \
	  -Wstrict-prototypes -Wmissing-prototypes -Wmissing-declarations \
	  -Wformat=2 -Wimplicit-fallthrough -Wvla
ifneq ($(WERROR),)
WARN	+= -Werror
endif
HARDEN	= -fstack-protector-strong -fstack-clash-protection -fPIE \
	  -ftrivial-auto-var-init=zero
ifeq ($(shell uname -m),x86_64)
HARDEN	+= -fcf-protection
endif
ifeq ($(SANITIZE),)
HARDEN	+= -D_FORTIFY_SOURCE=3
OPT	?= -O2
else
HARDEN	+= -fsanitize=$(SANITIZE) -fno-omit-frame-pointer \
	  -fno-sanitize-recover=all
OPT	?= -O1
endif

# libpq-fe.h (Debian libpq-dev)
PG_INC		?= /usr/include/postgresql
CPPFLAGS	+= -D_GNU_SOURCE -Icommon -Iproto -I$(BUILD)/gen -Iclient/vault -Iclient/core -Iclient/cli -Iclient/ui -Iserver -Iserver/store -I$(PG_INC)
# Reproducible: no build directory in the binaries (debug info, __FILE__),
# so two builds of one tree in different places are byte-identical
# (`make repro`).  Nothing uses __DATE__ or __TIME__.
REPRO	= -ffile-prefix-map=$(CURDIR)=.
CFLAGS		+= -std=c11 $(OPT) -g $(WARN) $(HARDEN) $(REPRO) -MMD -MP
LDFLAGS		+= -pie -Wl,-z,relro,-z,now,-z,noexecstack
ifneq ($(SANITIZE),)
LDFLAGS		+= -fsanitize=$(SANITIZE)
endif
LDLIBS		+= -lssl -lcrypto -lsodium -lsqlite3 -lpq -lprotobuf-c -lseccomp -lpthread
# the client's passphrase rules (client/pwcheck.c) and casesync ui's
# HTTP server (client/ui/ui_http.c); not the server's
CLIENT_LDLIBS	= -lpwquality -lmicrohttpd

ifeq ($(V),)
Q	= @
E	= @echo
else
Q	=
E	= @true
endif

GEN_C	= $(BUILD)/gen/casesync.pb-c.c
GEN_H	= $(BUILD)/gen/casesync.pb-c.h

COMMON_SRC	= $(wildcard common/*.c) $(wildcard proto/*.c)
SERVER_SRC	= $(filter-out server/main.c,$(wildcard server/*.c)) \
		  $(wildcard server/store/*.c)
CTL_SRC		= $(wildcard server/ctl/*.c)
CLIENT_SRC	= $(filter-out client/cli/main.c,$(wildcard client/*/*.c))

obj = $(patsubst %.c,$(BUILD)/obj/%.o,$(1))

COMMON_OBJ	= $(call obj,$(COMMON_SRC)) $(BUILD)/obj/gen/casesync.pb-c.o
SERVER_OBJ	= $(call obj,$(SERVER_SRC))
CTL_OBJ		= $(call obj,$(CTL_SRC))
CLIENT_OBJ	= $(call obj,$(CLIENT_SRC)) $(BUILD)/obj/gen/ui_assets.o
# casesync ui's HTML, CSS and JavaScript, compiled in (scripts/ui_assets.sh)
UI_ASSETS	= $(sort $(wildcard client/ui/assets/*))

LIBCOMMON	= $(BUILD)/libcommon.a
LIBSERVER	= $(BUILD)/libserver.a
LIBCLIENT	= $(BUILD)/libclient.a

PROGS	= $(BUILD)/casesyncd $(BUILD)/casesync $(BUILD)/casesyncctl

UNIT_SRC	= $(wildcard tests/unit/test_*.c)
UNIT_BIN	= $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRC))
TOOL_SRC	= $(wildcard tests/tools/*.c)
TOOL_BIN	= $(patsubst tests/tools/%.c,$(BUILD)/tests/%,$(TOOL_SRC))
BENCH_SRC	= $(wildcard tests/bench/bench_*.c)
BENCH_BIN	= $(patsubst tests/bench/%.c,$(BUILD)/bench/%,$(BENCH_SRC))
FUZZ_SRC	= $(wildcard tests/fuzz/fuzz_*.c)

ALL_LIBS	= $(LIBCLIENT) $(LIBSERVER) $(LIBCOMMON)

.PHONY: all deps test check demo bench bench-large benchbins fuzz lint \
	install clean \
	testbins uninstall repro deb
.DEFAULT_GOAL := all

all: $(PROGS)

deps:
	$(Q)sh $(DEPS)

$(GEN_C) $(GEN_H): proto/casesync.proto
	$(E) "  PROTOC  $<"
	$(Q)mkdir -p $(BUILD)/gen
	$(Q)protoc-c --c_out=$(BUILD)/gen --proto_path=proto $<

$(BUILD)/gen/ui_assets.c: scripts/ui_assets.sh $(UI_ASSETS)
	$(E) "  GEN     $@"
	$(Q)mkdir -p $(BUILD)/gen
	$(Q)sh scripts/ui_assets.sh $@ $(UI_ASSETS)

# Every object may include the generated header.
$(BUILD)/obj/%.o: %.c $(GEN_H)
	$(E) "  CC      $<"
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -c $< -o $@

$(BUILD)/obj/gen/%.o: $(BUILD)/gen/%.c
	$(E) "  CC      $<"
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) $(CPPFLAGS) $(filter-out -Wcast-qual,$(CFLAGS)) -c $< -o $@

$(LIBCOMMON): $(COMMON_OBJ)
$(LIBSERVER): $(SERVER_OBJ)
$(LIBCLIENT): $(CLIENT_OBJ)
$(BUILD)/%.a:
	$(E) "  AR      $@"
	$(Q)rm -f $@
	$(Q)ar rcs $@ $^

$(BUILD)/casesyncd: $(BUILD)/obj/server/main.o $(LIBSERVER) $(LIBCOMMON)
# sd_notify(3): READY=1, RELOADING=1, STOPPING=1 for Type=notify
$(BUILD)/casesyncd: LDLIBS += -lsystemd
$(BUILD)/casesyncctl: $(CTL_OBJ) $(LIBSERVER) $(LIBCOMMON)
$(BUILD)/casesync: $(BUILD)/obj/client/cli/main.o $(LIBCLIENT) $(LIBCOMMON)
$(BUILD)/casesync $(BUILD)/tests/% $(BUILD)/bench/%: \
	LDLIBS += $(CLIENT_LDLIBS)
$(PROGS):
	$(E) "  LD      $@"
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) $^ $(LDLIBS) -o $@

$(BUILD)/tests/%: $(BUILD)/obj/tests/unit/%.o $(ALL_LIBS)
	$(E) "  LD      $@"
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) $^ $(LDLIBS) -o $@

$(BUILD)/tests/%: $(BUILD)/obj/tests/tools/%.o $(ALL_LIBS)
	$(E) "  LD      $@"
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) $^ $(LDLIBS) -o $@

$(BUILD)/bench/%: $(BUILD)/obj/tests/bench/%.o $(ALL_LIBS)
	$(E) "  LD      $@"
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) $^ $(LDLIBS) -o $@

testbins: $(PROGS) $(UNIT_BIN) $(TOOL_BIN)

test: deps
	$(Q)$(MAKE) --no-print-directory testbins
	$(Q)BUILD=$(BUILD) sh tests/run.sh

check: deps
	$(Q)$(MAKE) --no-print-directory BUILD=build-san \
	    SANITIZE=address,undefined testbins
	$(Q)BUILD=build-san ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	    sh tests/run.sh

demo: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)BUILD=$(BUILD) sh scripts/demo.sh

# The sub-make sees BUILD=build-bench, so $(PROGS) and the others name
# build-bench/...; optimised, never sanitized, whatever the caller set.
bench: deps
	$(Q)$(MAKE) --no-print-directory BUILD=build-bench SANITIZE= OPT=-O2 \
	    benchbins
	$(Q)BUILD=build-bench sh scripts/bench.sh

# The runs too long for make bench's 10 minutes (issue 23), one line
# each: a worker's whole history (1,000,000 records) and 10,000 idle
# connections; each writes its part of docs/BENCHMARKS.md.
bench-large: deps
	$(Q)$(MAKE) --no-print-directory BUILD=build-bench SANITIZE= OPT=-O2 \
	    benchbins
	$(Q)BUILD=build-bench sh tests/bench/large_sync.sh
	$(Q)BUILD=build-bench sh scripts/bench_large.sh

benchbins: $(PROGS) $(BENCH_BIN) $(TOOL_BIN)

fuzz: deps
	$(Q)BUILD=build-fuzz FUZZ_TIME=$(FUZZ_TIME) sh scripts/fuzz.sh

lint:
	$(Q)sh scripts/lint.sh

# Build the tree twice, in two different directories, and compare the
# three programs byte for byte (scripts/repro.sh).
repro:
	$(Q)sh scripts/repro.sh

# Build the Debian packages from a copy of the tree and check them
# (scripts/debtest.sh; needs debhelper).
deb:
	$(Q)sh scripts/debtest.sh

# Where `make install` puts things; Debian's own layout with PREFIX=/usr.
BINDIR		?= $(PREFIX)/bin
SBINDIR		?= $(PREFIX)/sbin
MANDIR		?= $(PREFIX)/share/man
DOCDIR		?= $(PREFIX)/share/doc/casesync
UNITDIR		?= $(PREFIX)/lib/systemd/system
SYSUSERSDIR	?= $(PREFIX)/lib/sysusers.d
TMPFILESDIR	?= $(PREFIX)/lib/tmpfiles.d
BASHCOMPDIR	?= $(PREFIX)/share/bash-completion/completions

MAN1	= casesync.1
MAN5	= casesyncd.conf.5
MAN8	= casesyncctl.8 casesyncd.8

# The unit names the installed casesyncd, wherever PREFIX put it.
install: $(PROGS)
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(SBINDIR) \
	    $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5 \
	    $(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(DOCDIR)/examples \
	    $(DESTDIR)$(UNITDIR) $(DESTDIR)$(SYSUSERSDIR) \
	    $(DESTDIR)$(TMPFILESDIR) $(DESTDIR)$(BASHCOMPDIR)
	install -m 755 $(BUILD)/casesync $(DESTDIR)$(BINDIR)/casesync
	install -m 755 $(BUILD)/casesyncd $(DESTDIR)$(SBINDIR)/casesyncd
	install -m 755 $(BUILD)/casesyncctl $(DESTDIR)$(SBINDIR)/casesyncctl
	install -m 644 $(addprefix docs/man/,$(MAN1)) $(DESTDIR)$(MANDIR)/man1
	install -m 644 $(addprefix docs/man/,$(MAN5)) $(DESTDIR)$(MANDIR)/man5
	install -m 644 $(addprefix docs/man/,$(MAN8)) $(DESTDIR)$(MANDIR)/man8
	sed 's|/usr/sbin/casesyncd|$(SBINDIR)/casesyncd|g' \
	    contrib/casesyncd.service >$(DESTDIR)$(UNITDIR)/casesyncd.service
	chmod 644 $(DESTDIR)$(UNITDIR)/casesyncd.service
	install -m 644 contrib/casesync.sysusers \
	    $(DESTDIR)$(SYSUSERSDIR)/casesync.conf
	install -m 644 contrib/casesync.tmpfiles \
	    $(DESTDIR)$(TMPFILESDIR)/casesync.conf
	install -m 644 contrib/casesyncd.conf.sample \
	    $(DESTDIR)$(DOCDIR)/examples/casesyncd.conf
	for p in casesync casesyncctl casesyncd; do \
	    install -m 644 contrib/casesync.bash-completion \
	    $(DESTDIR)$(BASHCOMPDIR)/$$p || exit 1; done

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/casesync $(DESTDIR)$(SBINDIR)/casesyncd \
	    $(DESTDIR)$(SBINDIR)/casesyncctl \
	    $(addprefix $(DESTDIR)$(MANDIR)/man1/,$(MAN1)) \
	    $(addprefix $(DESTDIR)$(MANDIR)/man5/,$(MAN5)) \
	    $(addprefix $(DESTDIR)$(MANDIR)/man8/,$(MAN8)) \
	    $(DESTDIR)$(UNITDIR)/casesyncd.service \
	    $(DESTDIR)$(SYSUSERSDIR)/casesync.conf \
	    $(DESTDIR)$(TMPFILESDIR)/casesync.conf \
	    $(DESTDIR)$(DOCDIR)/examples/casesyncd.conf \
	    $(DESTDIR)$(BASHCOMPDIR)/casesync \
	    $(DESTDIR)$(BASHCOMPDIR)/casesyncctl \
	    $(DESTDIR)$(BASHCOMPDIR)/casesyncd
	-rmdir $(DESTDIR)$(DOCDIR)/examples $(DESTDIR)$(DOCDIR) 2>/dev/null

clean:
	rm -rf build build-san build-bench build-fuzz

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)
