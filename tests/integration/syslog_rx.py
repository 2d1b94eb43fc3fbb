#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
#
# syslog_rx.py - a syslog datagram receiver and an RFC 5424 checker for
# t_audit_syslog.sh (docs/AUDIT.md, "To syslog").
#
#   syslog_rx.py listen SOCK OUT     bind a Unix datagram socket at SOCK
#                                    and append each datagram to OUT as
#                                    one line (hex if it holds a newline)
#                                    until killed
#   syslog_rx.py check OUT JSON      parse every line of OUT as RFC 5424
#                                    (strictly: header, one SD-ELEMENT,
#                                    §6.3.3 escapes) and compare each
#                                    entry's fields with the entry of the
#                                    same idx in JSON ("casesyncctl audit
#                                    query --json"), those up to the last
#                                    entry of JSON; print "N FIRST LAST"
#   syslog_rx.py idx OUT             the idx of each line, one a line
import json
import os
import re
import socket
import sys

SDID = 'casesync-audit@32473'
HEADER = re.compile(
    r'^<([0-9]{1,3})>1 '
    r'([0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z) '
    r'([!-~]{1,255}) ([!-~]{1,48}) ([!-~]{1,128}) ([!-~]{1,32}) ')
PARAM_NAME = re.compile(r'[!#-<>-\\^-~]{1,32}')   # no '=', ' ', ']', '"'
TEXT = ('type', 'outcome', 'user', 'role', 'office', 'on_behalf_of',
        'purpose', 'basis', 'legal_basis', 'client_ref', 'object_type',
        'object_id', 'addr', 'detail', 'action')
INTS = ('idx', 'server_time', 'device_time', 'user_id', 'device_id')


def die(msg):
    print('syslog_rx.py: ' + msg, file=sys.stderr)
    sys.exit(1)


def listen(path, out):
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    s.bind(path)
    os.chmod(path, 0o666)       # as /dev/log: casesyncd may run as nobody
    with open(out, 'ab', buffering=0) as f:
        while True:
            d = s.recv(65536)
            if b'\n' in d:
                d = b'hex:' + d.hex().encode()
            f.write(d + b'\n')


def parse_sd(s, line):
    """One SD-ELEMENT at the start of s: (id, params, rest)."""
    if not s.startswith('['):
        die('no structured data: ' + line)
    i = 1
    m = re.compile(r'[!#-<>-\\^-~]{1,32}').match(s, i)
    if not m:
        die('bad SD-ID: ' + line)
    sdid = m.group(0)
    i = m.end()
    params = {}
    while s[i] == ' ':
        m = PARAM_NAME.match(s, i + 1)
        if not m or s[m.end():m.end() + 2] != '="':
            die('bad SD-PARAM at %d: %s' % (i, line))
        name = m.group(0)
        i = m.end() + 2
        v = []
        while True:
            c = s[i]
            if c == '\\':
                if s[i + 1] not in '"\\]':
                    die('bad escape at %d: %s' % (i, line))
                v.append(s[i + 1])
                i += 2
            elif c == '"':
                i += 1
                break
            elif c == ']':
                die('unescaped ] in a value at %d: %s' % (i, line))
            else:
                v.append(c)
                i += 1
        if name in params:
            die('parameter %s twice: %s' % (name, line))
        params[name] = ''.join(v)
    if s[i] != ']':
        die('SD-ELEMENT not closed: ' + line)
    return sdid, params, s[i + 1:]


def parse(line):
    if line.startswith('hex:'):
        die('a datagram with a newline: ' + line)
    m = HEADER.match(line)
    if not m:
        die('not an RFC 5424 header: ' + line)
    pri = int(m.group(1))
    if pri // 8 != 10:
        die('facility is not authpriv: ' + line)
    if m.group(4) != 'casesyncd' or m.group(6) != 'audit':
        die('APP-NAME or MSGID: ' + line)
    sdid, params, rest = parse_sd(line[m.end():], line)
    if sdid != SDID:
        die('SD-ID %s: %s' % (sdid, line))
    for k in params:
        if k not in TEXT and k not in INTS:
            die('unknown parameter %s: %s' % (k, line))
    want = 5 if params.get('outcome') == 'success' else 4
    if pri % 8 != want:
        die('severity %d for outcome %s' % (pri % 8,
                                            params.get('outcome')))
    if not rest.startswith(' casesync audit entry %s: ' % params['idx']):
        die('MSG: ' + line)
    return params


def lines(path):
    with open(path, encoding='utf-8') as f:
        return [x.rstrip('\n') for x in f if x.strip()]


def check(out, js):
    entries = {}
    with open(js, encoding='utf-8') as f:
        for x in f:
            if x.strip():
                e = json.loads(x)
                entries[e['idx']] = e
    got = [parse(x) for x in lines(out)]
    if not got:
        die('no datagrams')
    # the query's own audit_read entry comes after its output: skip
    # what was sent after the last entry JSON holds
    top = max(entries) if entries else -1
    got = [p for p in got if int(p['idx']) <= top]
    if not got:
        die('no datagram of an entry in ' + js)
    seen = set()
    for p in got:
        idx = int(p['idx'])
        if idx in seen:
            die('idx %d sent twice' % idx)
        seen.add(idx)
        if idx not in entries:
            die('idx %d is not in the audit log' % idx)
        e = entries[idx]
        for k in TEXT:
            if p.get(k, '') != e[k]:
                die('idx %d: %s is %r, the log says %r' %
                    (idx, k, p.get(k, ''), e[k]))
        for k in INTS:
            if int(p.get(k, '0')) != e[k]:
                die('idx %d: %s is %r, the log says %r' %
                    (idx, k, p.get(k), e[k]))
    print(len(got), min(seen), max(seen))


def main():
    a = sys.argv[1:]
    if len(a) == 3 and a[0] == 'listen':
        listen(a[1], a[2])
    elif len(a) == 3 and a[0] == 'check':
        check(a[1], a[2])
    elif len(a) == 2 and a[0] == 'idx':
        for x in lines(a[1]):
            print(parse(x)['idx'])
    else:
        die('usage: listen SOCK OUT | check OUT JSON | idx OUT')


if __name__ == '__main__':
    main()
