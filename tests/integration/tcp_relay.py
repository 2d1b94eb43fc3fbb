#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
#
# tcp_relay.py - TCP helpers for t_addresses.sh (a second address of one
# casesyncd, and an address that does not answer), on 127.0.0.1.
#
#   tcp_relay.py relay PORTFILE TARGET COUNTFILE
#       listen on an ephemeral port (written to PORTFILE) and relay
#       every connection, byte for byte both ways, to 127.0.0.1:TARGET;
#       append one line to COUNTFILE per connection; until killed
#   tcp_relay.py blackhole PORTFILE
#       listen with a backlog of 0 and fill it with connections nobody
#       accepts: the kernel then drops the SYN of every further
#       connection, which waits until its own timeout, as an address
#       whose host is down does; until killed
import os
import signal
import socket
import sys
import threading


def write_port(path, port):
    tmp = path + '.tmp'
    with open(tmp, 'w') as f:
        f.write('%d\n' % port)
    os.rename(tmp, path)


def pump(src, dst):
    try:
        while True:
            b = src.recv(65536)
            if not b:
                break
            dst.sendall(b)
    except OSError:
        pass
    for s in (src, dst):
        try:
            s.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


def relay(portfile, target, countfile):
    ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(('127.0.0.1', 0))
    ls.listen(16)
    write_port(portfile, ls.getsockname()[1])
    while True:
        c, _ = ls.accept()
        with open(countfile, 'a') as f:
            f.write('connection\n')
        try:
            u = socket.create_connection(('127.0.0.1', target), timeout=5)
            u.settimeout(None)
        except OSError:
            c.close()
            continue
        for a, b in ((c, u), (u, c)):
            threading.Thread(target=pump, args=(a, b), daemon=True).start()


def blackhole(portfile):
    ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    ls.bind(('127.0.0.1', 0))
    ls.listen(0)
    port = ls.getsockname()[1]
    held = []
    # the accept queue takes one more than its backlog: fill it
    for _ in range(3):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setblocking(False)
        try:
            s.connect(('127.0.0.1', port))
        except BlockingIOError:
            pass
        held.append(s)
    write_port(portfile, port)
    signal.pause()


def main():
    if len(sys.argv) == 5 and sys.argv[1] == 'relay':
        relay(sys.argv[2], int(sys.argv[3]), sys.argv[4])
    elif len(sys.argv) == 3 and sys.argv[1] == 'blackhole':
        blackhole(sys.argv[2])
    else:
        sys.stderr.write(__doc__ or 'usage: see the file\n')
        sys.exit(2)


if __name__ == '__main__':
    main()
