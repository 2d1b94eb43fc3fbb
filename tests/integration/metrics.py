#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
#
# metrics.py - helpers for t_metrics.sh (docs/ADMIN.md, "Metrics").
#
#   metrics.py scrape HOST PORT OUT    GET /metrics, check the whole page
#                                      against the text exposition format
#                                      0.0.4, write "series value" lines
#   metrics.py raw HOST PORT HEX WAIT  send bytes, print the status line
#                                      (or "closed"), check the server
#                                      closed the connection within WAIT s
#   metrics.py idle HOST PORT SECS     connect, send nothing: print
#                                      "closed" if the server closes it
#                                      within SECS, else "open"
#   metrics.py freeport                a free port of 127.0.0.1
import math
import re
import socket
import sys
import time
import urllib.request

NAME = r'[a-zA-Z_:][a-zA-Z0-9_:]*'
LABEL = r'[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\\\|\\"|\\n)*"'
SAMPLE = re.compile(r'^(' + NAME + r')(\{(?:' + LABEL + r')(?:,' + LABEL +
                    r')*,?\}|\{\})? (\S+)(?: (-?[0-9]+))?$')
HELP = re.compile(r'^# HELP (' + NAME + r') (.*)$')
TYPE = re.compile(r'^# TYPE (' + NAME +
                  r') (counter|gauge|histogram|summary|untyped)$')


def die(msg):
    print('metrics.py: ' + msg, file=sys.stderr)
    sys.exit(1)


def value(s):
    if s in ('+Inf', '-Inf', 'NaN'):
        return float(s)
    if not re.match(r'^[-+]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?$',
                    s):
        die('not a number: %r' % s)
    return float(s)


def family(name, types):
    if name in types:
        return name
    for suf in ('_bucket', '_sum', '_count'):
        if name.endswith(suf) and types.get(name[:-len(suf)]) == 'histogram':
            return name[:-len(suf)]
    return None


def check(text):
    if not text.endswith('\n'):
        die('page does not end with a newline')
    types, helps, seen, series = {}, {}, set(), {}
    done = set()		# families whose samples have ended
    current = None
    buckets = {}
    for n, line in enumerate(text.split('\n')[:-1], 1):
        if line.startswith('#'):
            m = HELP.match(line) or TYPE.match(line)
            if not m:
                die('line %d: bad comment: %r' % (n, line))
            if line.startswith('# HELP'):
                if m.group(1) in helps:
                    die('line %d: second HELP for %s' % (n, m.group(1)))
                helps[m.group(1)] = m.group(2)
            else:
                if m.group(1) in types:
                    die('line %d: second TYPE for %s' % (n, m.group(1)))
                types[m.group(1)] = m.group(2)
            continue
        m = SAMPLE.match(line)
        if not m:
            die('line %d: not a sample: %r' % (n, line))
        name, labels, v = m.group(1), m.group(2) or '', value(m.group(3))
        fam = family(name, types)
        if fam is None:
            die('line %d: %s has no TYPE before it' % (n, name))
        if fam not in helps:
            die('line %d: %s has no HELP' % (n, fam))
        if fam != current:
            if fam in done:
                die('line %d: samples of %s not together' % (n, fam))
            if current is not None:
                done.add(current)
            current = fam
        key = name + labels
        if key in seen:
            die('line %d: %s twice' % (n, key))
        seen.add(key)
        if types[fam] == 'counter' and (v < 0 or math.isnan(v)):
            die('line %d: counter %s is %s' % (n, key, v))
        if types[fam] == 'histogram':
            if name == fam:
                die('line %d: histogram %s without suffix' % (n, name))
            if name.endswith('_bucket'):
                le = re.search(r'le="([^"]*)"', labels)
                if not le:
                    die('line %d: bucket without le' % n)
                prev = buckets.get(fam)
                if prev is not None and (v < prev[1] or
                                         value(le.group(1)) <= prev[0]):
                    die('line %d: %s buckets not cumulative' % (n, fam))
                buckets[fam] = (value(le.group(1)), v)
            if name.endswith('_count'):
                if buckets.get(fam, (0, -1))[0] != float('inf') or \
                        buckets[fam][1] != v:
                    die('line %d: %s_count is not the +Inf bucket' %
                        (n, fam))
        series[key] = v
    if not series:
        die('no samples')
    return series


def scrape(host, port, out):
    url = 'http://%s:%s/metrics' % (host, port)
    with urllib.request.urlopen(url, timeout=10) as r:
        if r.status != 200:
            die('status %d' % r.status)
        ctype = r.headers.get('Content-Type', '')
        if not ctype.startswith('text/plain') or 'version=0.0.4' not in ctype:
            die('content type %r' % ctype)
        text = r.read().decode('utf-8')
    series = check(text)
    with open(out, 'w') as f:
        for k, v in series.items():
            f.write('%s %r\n' % (k, v))


def raw(host, port, hexdata, wait):
    s = socket.create_connection((host, int(port)), timeout=float(wait))
    try:
        s.sendall(bytes.fromhex(hexdata))
    except OSError:
        pass
    got = b''
    start = time.time()
    try:
        while True:
            d = s.recv(65536)
            if not d:
                break
            got += d
    except socket.timeout:
        die('still open after %s s' % wait)
    except ConnectionResetError:
        pass
    if time.time() - start > float(wait):
        die('closed late')
    line = got.split(b'\r\n', 1)[0].decode('ascii', 'replace')
    print(line if line else 'closed')


def idle(host, port, secs):
    s = socket.create_connection((host, int(port)), timeout=float(secs))
    try:
        d = s.recv(1)
        print('closed' if not d else 'data')
    except socket.timeout:
        print('open')
    except ConnectionResetError:
        print('closed')


def freeport():
    s = socket.socket()
    s.bind(('127.0.0.1', 0))
    print(s.getsockname()[1])
    s.close()


if __name__ == '__main__':
    a = sys.argv[1:]
    if a[:1] == ['scrape'] and len(a) == 4:
        scrape(a[1], a[2], a[3])
    elif a[:1] == ['raw'] and len(a) == 5:
        raw(a[1], a[2], a[3], a[4])
    elif a[:1] == ['idle'] and len(a) == 4:
        idle(a[1], a[2], a[3])
    elif a[:1] == ['freeport'] and len(a) == 1:
        freeport()
    else:
        die('usage: see the head of this file')
