/* SPDX-License-Identifier: ISC */
/*
 * sandbox.c - privilege drop and the seccomp allow-list of casesyncd
 * (Linux, libseccomp).  The allow-list is what the worker threads, the
 * main thread's sigwait(), SQLite (unix VFS, WAL), OpenSSL and
 * libsodium were seen to call under the whole test suite, plus what
 * glibc needs to start a thread, sleep and exit.  Anything else traps:
 * the SIGSYS handler writes the system call number to stderr and the
 * process dies of SIGSYS.  The handler cannot be replaced afterwards
 * (rt_sigaction on SIGSYS is itself forbidden), so a compromised worker
 * cannot catch the trap and probe the filter at leisure.
 */
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <malloc.h>
#include <pwd.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <seccomp.h>

#include "config.h"
#include "log.h"
#include "sandbox.h"

#define SANDBOX_MMAP_THRESHOLD	(256 * 1024)

#if defined(__SANITIZE_ADDRESS__)
#define SANDBOX_SANITIZER	1	/* see sandbox_enter */
#else
#define SANDBOX_SANITIZER	0
#endif

/*
 * System calls allowed with any arguments.  No open: the network
 * process opens nothing once it serves (SQLite opened the database,
 * its WAL and shared memory at start; a SIGHUP reload reads server.crt
 * and server.key through the signer), so it cannot read ca.key or
 * audit.key from the disk either.  No unlink, no connect (see
 * sandbox_filter; on PostgreSQL, sandbox_filter_pg).
 */
static const int sandbox_allow[] = {
	/* descriptors, files (SQLite: pread/pwrite, locks, WAL) */
	SCMP_SYS(read), SCMP_SYS(write), SCMP_SYS(readv), SCMP_SYS(writev),
	SCMP_SYS(pread64), SCMP_SYS(pwrite64), SCMP_SYS(close),
	SCMP_SYS(lseek), SCMP_SYS(fstat), SCMP_SYS(newfstatat),
	SCMP_SYS(stat), SCMP_SYS(lstat), SCMP_SYS(statx),
	SCMP_SYS(fcntl), SCMP_SYS(fsync), SCMP_SYS(fdatasync),
	SCMP_SYS(ftruncate), SCMP_SYS(fallocate),
	SCMP_SYS(access), SCMP_SYS(faccessat), SCMP_SYS(faccessat2),
	SCMP_SYS(readlink), SCMP_SYS(getcwd), SCMP_SYS(fchmod),
	/* sockets: accept, TCP_NODELAY, TLS records, syslog, the signer */
	SCMP_SYS(accept4), SCMP_SYS(setsockopt), SCMP_SYS(getsockopt),
	SCMP_SYS(getsockname), SCMP_SYS(getpeername), SCMP_SYS(recvfrom),
	SCMP_SYS(sendto), SCMP_SYS(recvmsg), SCMP_SYS(sendmsg),
	SCMP_SYS(shutdown),
	/* event loops */
	SCMP_SYS(epoll_wait), SCMP_SYS(epoll_pwait), SCMP_SYS(epoll_pwait2),
	SCMP_SYS(epoll_ctl), SCMP_SYS(poll), SCMP_SYS(ppoll),
	/* memory (executable mappings: see sandbox_filter) */
	SCMP_SYS(brk), SCMP_SYS(munmap), SCMP_SYS(mremap),
	SCMP_SYS(madvise),
	/* threads, time, randomness, signals, exit */
	SCMP_SYS(futex), SCMP_SYS(set_robust_list), SCMP_SYS(rseq),
	SCMP_SYS(sched_yield), SCMP_SYS(sched_getaffinity),
	SCMP_SYS(gettid), SCMP_SYS(getpid), SCMP_SYS(getuid),
	SCMP_SYS(geteuid), SCMP_SYS(getgid), SCMP_SYS(getegid),
	SCMP_SYS(clock_gettime), SCMP_SYS(clock_getres),
	SCMP_SYS(gettimeofday), SCMP_SYS(time), SCMP_SYS(nanosleep),
	SCMP_SYS(clock_nanosleep), SCMP_SYS(getrandom), SCMP_SYS(sysinfo),
	SCMP_SYS(rt_sigprocmask), SCMP_SYS(rt_sigreturn),
	SCMP_SYS(rt_sigtimedwait), SCMP_SYS(sigaltstack),
	SCMP_SYS(restart_syscall), SCMP_SYS(exit), SCMP_SYS(exit_group),
};

/*
 * The signer process (signer.c): its socket, reading server.crt and
 * server.key for a reload (read-only opens: see sandbox_filter),
 * memory, time, randomness, syslog on the socket it has, exit.
 */
static const int sandbox_signer_allow[] = {
	SCMP_SYS(read), SCMP_SYS(write), SCMP_SYS(close), SCMP_SYS(lseek),
	SCMP_SYS(fstat), SCMP_SYS(newfstatat), SCMP_SYS(statx),
	SCMP_SYS(recvfrom), SCMP_SYS(sendto),
	SCMP_SYS(brk), SCMP_SYS(munmap), SCMP_SYS(mremap), SCMP_SYS(madvise),
	SCMP_SYS(mlock), SCMP_SYS(munlock),	/* sodium_malloc */
	SCMP_SYS(futex), SCMP_SYS(getrandom), SCMP_SYS(getpid),
	SCMP_SYS(gettid), SCMP_SYS(clock_gettime), SCMP_SYS(gettimeofday),
	SCMP_SYS(time), SCMP_SYS(rt_sigprocmask), SCMP_SYS(rt_sigreturn),
	SCMP_SYS(restart_syscall), SCMP_SYS(exit), SCMP_SYS(exit_group),
};

/*
 * SIGSYS from the filter: say which call it was, then die of SIGSYS
 * (SA_RESETHAND has put back the default action).  Only
 * async-signal-safe calls, and only allowed ones.
 */
static void
sandbox_sigsys(int sig, siginfo_t *si, void *ctx)
{
	static const char	 pre[] = "casesyncd: sandbox: forbidden system "
	    "call ";
	static const char	 post[] = " (scmp_sys_resolver names it); "
	    "killing the process\n";
	char			 msg[sizeof(pre) + 16 + sizeof(post)];
	char			 num[16];
	size_t			 n = 0, k = 0;
	unsigned		 v;

	(void)ctx;
	v = si->si_syscall < 0 ? 0 : (unsigned)si->si_syscall;
	do {
		num[k++] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0 && k < sizeof(num));
	memcpy(msg, pre, sizeof(pre) - 1);
	n = sizeof(pre) - 1;
	while (k > 0)
		msg[n++] = num[--k];
	memcpy(msg + n, post, sizeof(post) - 1);
	n += sizeof(post) - 1;
	if (write(STDERR_FILENO, msg, n) == -1) {
		/* nothing else to tell */
	}
	raise(sig);
	_exit(SANDBOX_EXIT_SIGSYS);
}

void
sandbox_early(void)
{
	int	fd;

	/* 0, 1 and 2 open, so no later descriptor lands on them */
	for (fd = 0; fd <= 2; fd++) {
		if (fcntl(fd, F_GETFD) != -1 || errno != EBADF)
			continue;
		if (open("/dev/null", O_RDWR) != fd)
			fatal("/dev/null");
	}
	/* the server never reads its standard input */
	if ((fd = open("/dev/null", O_RDONLY | O_CLOEXEC)) == -1 ||
	    dup2(fd, STDIN_FILENO) == -1)
		fatal("/dev/null");
	if (fd != STDIN_FILENO)
		close(fd);
	if (close_range(3, ~0U, 0) == -1) {
		/* kernels before 5.9 */
		for (fd = 3; fd < 65536; fd++)
			(void)close(fd);
	}
	/*
	 * A file size limit (RLIMIT_FSIZE, a quota-like setup) must fail
	 * the write with EFBIG, which SQLite reports as an I/O error and
	 * the request gets an Error reply; the default action of SIGXFSZ
	 * would kill the server.
	 */
	signal(SIGXFSZ, SIG_IGN);
	/*
	 * A fixed mmap threshold: glibc otherwise raises it to the size of
	 * the largest block freed (up to 32 MiB), and a peer that sent one
	 * 16 MiB frame would leave that much in the worker's heap for good.
	 * Blocks this large are then mapped and unmapped on their own.
	 * (Sanitizer runtimes bring their own allocator and refuse it.)
	 */
	if (mallopt(M_MMAP_THRESHOLD, SANDBOX_MMAP_THRESHOLD) != 1 &&
	    !SANDBOX_SANITIZER)
		fatalx("mallopt M_MMAP_THRESHOLD failed");
}

/* Become "user" (from root) and prove that root is gone for good. */
static void
sandbox_drop(const struct config *c)
{
	struct passwd	*pw;
	uid_t		 ru, eu, su, uid;
	gid_t		 rg, eg, sg, gid, groups[2];
	int		 n;

	if (c->user[0] == '\0') {
		if (geteuid() == 0)
			fatalx("refusing to run as root: set \"user\" in the "
			    "configuration (docs/CONFIG.md)");
		log_info("running as uid %u (no \"user\" configured)",
		    (unsigned)geteuid());
		return;
	}
	errno = 0;
	if ((pw = getpwnam(c->user)) == NULL)
		fatalx("user \"%s\": no such user", c->user);
	uid = pw->pw_uid;
	gid = pw->pw_gid;
	if (uid == 0)
		fatalx("user \"%s\" is root: name an unprivileged user",
		    c->user);
	if (geteuid() != 0) {
		if (geteuid() != uid || getuid() != uid)
			fatalx("started as uid %u: cannot become \"%s\"",
			    (unsigned)geteuid(), c->user);
	} else if (setgroups(1, &gid) == -1 || setresgid(gid, gid, gid) ==
	    -1 || setresuid(uid, uid, uid) == -1)
		fatal("cannot become \"%s\"", c->user);

	/* check that it stuck, and that it cannot be undone */
	if (getresuid(&ru, &eu, &su) == -1 || getresgid(&rg, &eg, &sg) ==
	    -1 || ru != uid || eu != uid || su != uid || rg != gid ||
	    eg != gid || sg != gid)
		fatalx("privilege drop did not stick");
	if ((n = getgroups(2, groups)) == -1 || n > 1 ||
	    (n == 1 && groups[0] != gid))
		fatalx("supplementary groups remain after the drop");
	if (setresuid(0, 0, 0) != -1 || setresgid(0, 0, 0) != -1 ||
	    setgroups(0, NULL) != -1)
		fatalx("root could be regained after the drop");
	log_info("running as %s (uid %u, gid %u)", c->user, (unsigned)uid,
	    (unsigned)gid);
}

static void
sandbox_rule(scmp_filter_ctx ctx, uint32_t action, int nr, unsigned n,
    struct scmp_arg_cmp *cmp)
{
	int	r;

	/* a call this architecture does not have is a pseudo number < 0 */
	if ((r = seccomp_rule_add_array(ctx, action, nr, n, cmp)) != 0 &&
	    nr >= 0)
		fatalx("seccomp rule for system call %d: %s", nr,
		    strerror(-r));
}

/*
 * database = postgresql (DESIGN §11): the connections are made before
 * the filter, but libpq makes a lost one again (sdb_pg.c): a stream
 * socket to the database, Unix or TCP, and its connect.  Only stream
 * sockets (no datagrams: no DNS from inside, so a failover connection
 * string names its hosts with hostaddr=, docs/ADMIN.md), and
 * rt_sigpending, which libpq calls around a write on a TLS connection
 * to keep SIGPIPE to itself.  Nothing else: no open (.pgpass, the TLS
 * files and /etc/hosts are read at the first connection, as root).
 */
static void
sandbox_filter_pg(scmp_filter_ctx ctx)
{
	static const int	fam[] = { AF_UNIX, AF_INET, AF_INET6 };
	struct scmp_arg_cmp	cmp[2];
	size_t			i;

	for (i = 0; i < sizeof(fam) / sizeof(fam[0]); i++) {
		cmp[0] = SCMP_A0(SCMP_CMP_EQ, (scmp_datum_t)fam[i]);
		cmp[1] = SCMP_A1(SCMP_CMP_MASKED_EQ, 0xf, SOCK_STREAM);
		sandbox_rule(ctx, SCMP_ACT_ALLOW, SCMP_SYS(socket), 2, cmp);
	}
	sandbox_rule(ctx, SCMP_ACT_ALLOW, SCMP_SYS(connect), 0, NULL);
	sandbox_rule(ctx, SCMP_ACT_ALLOW, SCMP_SYS(rt_sigpending), 0, NULL);
}

static void
sandbox_filter(int signer, int pg)
{
	scmp_filter_ctx		ctx;
	struct scmp_arg_cmp	cmp[2];
	struct sigaction	sa;
	const int		*allow;
	size_t			i, n;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = sandbox_sigsys;
	sa.sa_flags = SA_SIGINFO | SA_RESETHAND | SA_NODEFER;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGSYS, &sa, NULL) == -1)
		fatal("sigaction SIGSYS");

	if ((ctx = seccomp_init(SCMP_ACT_TRAP)) == NULL)
		fatalx("seccomp_init failed");
	allow = signer ? sandbox_signer_allow : sandbox_allow;
	n = signer ? sizeof(sandbox_signer_allow) / sizeof(int) :
	    sizeof(sandbox_allow) / sizeof(int);
	for (i = 0; i < n; i++)
		sandbox_rule(ctx, SCMP_ACT_ALLOW, allow[i], 0, NULL);
	/* no new executable memory: W^X for an attacker's code */
	cmp[0] = SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0);
	sandbox_rule(ctx, SCMP_ACT_ALLOW, SCMP_SYS(mmap), 1, cmp);
	sandbox_rule(ctx, SCMP_ACT_ALLOW, SCMP_SYS(mprotect), 1, cmp);
	/* raise() from our SIGSYS handler and abort(): this process only */
	cmp[0] = SCMP_A0(SCMP_CMP_EQ, (scmp_datum_t)getpid());
	sandbox_rule(ctx, SCMP_ACT_ALLOW, SCMP_SYS(tgkill), 1, cmp);
	/*
	 * syslog() on the socket openlog(LOG_NDELAY) connected at start
	 * (/dev/log is held by systemd across journald restarts), and
	 * sd_notify(): a datagram socket of its own, never a connection
	 * (no stream to D-Bus or another daemon's socket).
	 */
	cmp[0] = SCMP_A0(SCMP_CMP_EQ, AF_UNIX);
	cmp[1] = SCMP_A1(SCMP_CMP_MASKED_EQ, 0xf, SOCK_DGRAM);
	sandbox_rule(ctx, signer ? SCMP_ACT_ERRNO(EACCES) : SCMP_ACT_ALLOW,
	    SCMP_SYS(socket), 2, cmp);
	if (pg && !signer)
		sandbox_filter_pg(ctx);
	else
		sandbox_rule(ctx, SCMP_ACT_ERRNO(EACCES), SCMP_SYS(connect),
		    0, NULL);
	if (!signer) {
		/*
		 * Opening and removing files fails as for a file without
		 * permission: SQLite's directory fsync after it made the WAL
		 * (done by sandbox_sync_dir), its removal of the WAL at the
		 * last close, glibc's look at overcommit_memory all live
		 * with that.
		 */
		sandbox_rule(ctx, SCMP_ACT_ERRNO(EACCES), SCMP_SYS(open), 0,
		    NULL);
		sandbox_rule(ctx, SCMP_ACT_ERRNO(EACCES), SCMP_SYS(openat),
		    0, NULL);
		sandbox_rule(ctx, SCMP_ACT_ERRNO(EACCES), SCMP_SYS(unlink), 0,
		    NULL);
		sandbox_rule(ctx, SCMP_ACT_ERRNO(EACCES), SCMP_SYS(unlinkat),
		    0, NULL);
	}
	if (signer) {
		/* read-only opens: server.crt and server.key for a reload */
		cmp[0] = SCMP_A1(SCMP_CMP_MASKED_EQ, O_ACCMODE | O_CREAT |
		    O_TRUNC, O_RDONLY);
		sandbox_rule(ctx, SCMP_ACT_ALLOW, SCMP_SYS(open), 1, cmp);
		cmp[0] = SCMP_A2(SCMP_CMP_MASKED_EQ, O_ACCMODE | O_CREAT |
		    O_TRUNC, O_RDONLY);
		sandbox_rule(ctx, SCMP_ACT_ALLOW, SCMP_SYS(openat), 1, cmp);
		goto load;
	}
	/* threads only: no fork(), so no exec() of anything either */
	cmp[0] = SCMP_A0(SCMP_CMP_MASKED_EQ, CLONE_THREAD, CLONE_THREAD);
	sandbox_rule(ctx, SCMP_ACT_ALLOW, SCMP_SYS(clone), 1, cmp);
	/* the SIGSYS handler stays ours */
	cmp[0] = SCMP_A0(SCMP_CMP_NE, SIGSYS);
	sandbox_rule(ctx, SCMP_ACT_ALLOW, SCMP_SYS(rt_sigaction), 1, cmp);
	/* clone3's flags are out of the filter's reach: glibc falls back */
	sandbox_rule(ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3), 0, NULL);
 load:
	if (seccomp_load(ctx) != 0)
		fatalx("seccomp_load failed");
	seccomp_release(ctx);
}

/*
 * Make the directory entries root just created (server.db-wal, -shm)
 * durable now: once we are "user", SQLite may no longer be able to
 * open data_dir to fsync it, and ignores that.
 */
static void
sandbox_sync_dir(const struct config *c)
{
	int	fd;

	if ((fd = open(c->data_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) ==
	    -1 || fsync(fd) == -1)
		fatal("%s", c->data_dir);
	close(fd);
}

void
sandbox_enter(const struct config *c)
{
	sandbox_sync_dir(c);
	sandbox_drop(c);
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1)
		fatal("PR_SET_NO_NEW_PRIVS");
	/* what syslog() would otherwise read on its first line */
	tzset();
	if (!c->sandbox) {
		log_warnx("sandbox = off: no system call filter (development "
		    "only)");
		return;
	}
	if (SANDBOX_SANITIZER) {
		/*
		 * LeakSanitizer stops the world at exit with a clone()d
		 * tracer that ptrace()s our threads: that needs a dumpable
		 * process and system calls no allow-list should have.
		 */
		if (prctl(PR_SET_DUMPABLE, 1, 0, 0, 0) == -1)
			fatal("PR_SET_DUMPABLE");
		log_warnx("sandbox: no system call filter in a sanitizer "
		    "build");
		return;
	}
	sandbox_filter(0, c->database[0] != '\0');
	log_info("sandbox: no-new-privileges, seccomp allow-list%s",
	    c->database[0] != '\0' ? " (and stream sockets to reconnect to "
	    "PostgreSQL)" : "");
	/* tests/integration/t_sandbox.sh: show that a stray call kills */
	if (getenv("CASESYNC_SANDBOX_SELFTEST") != NULL)
		(void)syscall(SYS_getppid);
}

void
sandbox_enter_signer(const struct config *c)
{
	sandbox_drop(c);
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1)
		fatal("PR_SET_NO_NEW_PRIVS");
	tzset();
	if (!c->sandbox || SANDBOX_SANITIZER)
		return;
	sandbox_filter(1, 0);
	/* tests/integration/t_signer.sh: a stray call kills the signer */
	if (getenv("CASESYNC_SIGNER_SELFTEST") != NULL)
		(void)syscall(SYS_getppid);
}
