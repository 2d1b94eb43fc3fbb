/* SPDX-License-Identifier: ISC */
/*
 * sandbox.h - what casesyncd gives up once it has opened what it needs:
 * inherited descriptors, root, the ability to gain privileges again,
 * and every system call the workers do not make (SECURITY.md,
 * "Privilege drop and sandbox").
 *
 * Call order in main(): sandbox_early() first thing; then read the
 * configuration, load the keys, bind and open the databases; then
 * sandbox_enter() while the process still has a single thread (the
 * filter is inherited by the worker threads created afterwards).
 */
#ifndef SANDBOX_H
#define SANDBOX_H

struct config;

/* Exit status of a process killed for a forbidden call: 128 + SIGSYS. */
#define SANDBOX_EXIT_SIGSYS	159

/*
 * Close every inherited descriptor above 2 and point 0, 1 and 2 at
 * /dev/null if they are not open, so no stray descriptor (a parent's
 * socket, a test harness's file) survives into the server.  Also
 * ignores SIGXFSZ: a write past RLIMIT_FSIZE fails with EFBIG (the
 * request fails with an Error reply) instead of killing the server, and
 * fixes malloc's mmap threshold so that memory a large frame took goes
 * back to the system when it is freed.  Calls fatal() if that is
 * impossible.
 */
void	sandbox_early(void);

/*
 * Drop privileges and confine the process:
 *  - as root, "user" must be set (refuses to run as root otherwise):
 *    setgroups to the user's primary group only, setresgid, setresuid,
 *    each checked afterwards, and a check that root cannot come back;
 *    as another user, "user" (if set) must name that user;
 *  - PR_SET_NO_NEW_PRIVS;
 *  - with "sandbox = on", a seccomp allow-list; any other system call
 *    logs "sandbox: forbidden system call N" to stderr and kills the
 *    process with SIGSYS.
 * Must run before any thread is created.  Calls fatal() on any
 * failure: a server that cannot confine itself must not serve.
 */
void	sandbox_enter(const struct config *);

/*
 * The signer process (signer.c): the same privilege drop, then its
 * own, smaller allow-list (no threads, no files but read-only opens).
 */
void	sandbox_enter_signer(const struct config *);

#endif /* SANDBOX_H */
