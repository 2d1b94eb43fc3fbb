# SPDX-License-Identifier: ISC
#
# ui_lib.py - an HTTP client for casesync ui's tests (t_ui_*.sh), with
# Python's http.client, which sends exactly the Host, Origin and Cookie
# it is given.  Every response is checked for the security headers and
# for inline script or style.
import http.client, json, os, re, sys, time, urllib.parse

url = sys.argv[1]
step = sys.argv[2]
m = re.match(r"http://127\.0\.0\.1:(\d+)/#(.+)$", url)
port, secret = int(m.group(1)), m.group(2)
state = os.environ["UI_STATE"]
HOST = "127.0.0.1:%d" % port
ORIGIN = "http://" + HOST
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-"
                  r"[0-9a-f]{12}")
HEADERS = {
    "content-security-policy": "default-src 'self'",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "cache-control": "no-store",
    "x-frame-options": "DENY",
}


def ok(what):
    print("ok - " + what)


def fail(what):
    print("FAIL: " + what)
    sys.exit(1)


def req(method, path, host=HOST, origin=None, cookie=None, form=None,
        headers=None):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    c.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
    c.putheader("Host", host)
    for k, v in (headers or {}).items():
        c.putheader(k, v)
    if origin is not None:
        c.putheader("Origin", origin)
    if cookie is not None:
        c.putheader("Cookie", cookie)
    body = None
    if form is not None:
        body = urllib.parse.urlencode(form).encode()
        c.putheader("Content-Type", "application/x-www-form-urlencoded")
        c.putheader("Content-Length", str(len(body)))
    c.endheaders(body)
    r = c.getresponse()
    data = r.read().decode("utf-8", "replace")
    hdrs = {k.lower(): v for k, v in r.getheaders()}
    c.close()
    # the security headers, on every response whatever its status
    for k, want in HEADERS.items():
        got = hdrs.get(k)
        if got is None or want not in got:
            fail("%s %s (%d): header %s is %r" % (method, path, r.status,
                                                  k, got))
    if "script" in data and re.search(r"<script(?![^>]*\bsrc=)", data):
        fail("%s %s: an inline script" % (method, path))
    if re.search(r"\sstyle=|<style", data):
        fail("%s %s: inline style" % (method, path))
    return r.status, hdrs, data


def expect(what, got, want):
    if got != want:
        fail("%s: got %r, want %r" % (what, got, want))


def load():
    with open(state) as f:
        return json.load(f)


def save(d):
    with open(state, "w") as f:
        json.dump(d, f)


def csrf_of(page):
    m = re.search(r'name="csrf" value="([0-9a-f]+)"', page)
    if not m:
        fail("no form token on the page")
    return m.group(1)


def no_uuid(what, page):
    # not in the text, and not in links or forms either (short ids)
    if UUID.search(page):
        fail("%s has a UUID: %s" % (what, UUID.search(page).group(0)))


SEEN = []


def wait_sync(cookie):
    for _ in range(3000):
        s, h, d = req("GET", "/sync/status", cookie=cookie)
        expect("GET /sync/status", s, 200)
        st = json.loads(d)
        SEEN.append(st)
        if st["state"] != "running":
            return st
        time.sleep(0.02)
    fail("the sync did not end")




def login():
    """The one-time secret for the session cookie ("cs_session=...")."""
    s, h, d = req("POST", "/login", origin=ORIGIN, form={"secret": secret})
    expect("log-in with the secret", s, 204)
    m = re.match(r"cs_session=([0-9a-f]{64});", h.get("set-cookie", ""))
    if not m:
        fail("Set-Cookie: %r" % h.get("set-cookie"))
    return "cs_session=" + m.group(1)
