#!/usr/bin/python3
# SPDX-License-Identifier: ISC
"""casesync ui in headless Chromium, as a field worker uses it.

Run by tests/integration/t_ui_browser.sh, which makes the laptops, the
cases and the conflict with the CLI and starts `casesync ui` on both
laptops.  This script only uses the two printed URLs, the browser and
(to go offline) the pid of casesyncd.  It finds everything by what a
person sees or a screen reader says: link and button texts, headings,
the labels of form fields (Chrome's computed accessible name).

Every page visited is checked with axe-core (injected through
WebDriver, so the page's Content-Security-Policy stays as it is): a
serious or critical violation fails the test; the browser console must
show no error (a script or style refused by the CSP shows there); no
page shows a UUID.  A screenshot of every page goes to --out.

Waits are explicit (the condition, polled), never fixed sleeps; the
whole run has a time limit (--limit), after which it fails and still
closes Chromium and chromedriver.  Uses Debian's python3-selenium,
/usr/bin/chromium and /usr/bin/chromedriver.
"""

import argparse
import base64
import datetime
import json
import os
import re
import shutil
import signal
import sys
import time

from selenium import webdriver
from selenium.common.exceptions import (StaleElementReferenceException,
                                        TimeoutException, WebDriverException)
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select, WebDriverWait

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
WAIT = 20		# seconds for one thing to appear on a loaded machine
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-"
                  r"[0-9a-f]{12}", re.I)
OFFLINE = ("Geen verbinding. Uw wijzigingen zijn veilig op deze laptop "
           "opgeslagen.")
NOTE = "Telefoon met de school: Elif was er deze week elke dag."


class Fail(Exception):
    """A check that did not hold: the message says which."""


class TimeLimit(BaseException):
    """The whole run took longer than --limit."""


def gone(e):
    """Whether e says an element left the page (a new page came while
    it was looked at; Chromium says "Frame is detached" when the old
    page went while it answered): the wait looks again."""
    return isinstance(e, StaleElementReferenceException) or \
        "does not belong to the document" in str(e) or \
        "Frame is detached" in str(e)


def xq(s):
    """s as an XPath string literal."""
    if "'" not in s:
        return "'%s'" % s
    return "concat('%s')" % "', \"'\", '".join(s.split("'"))


def norm(s):
    return " ".join((s or "").split())


def ddmmyyyy(d):
    return d.strftime("%d-%m-%Y")


class Browser:
    def __init__(self, args):
        self.args = args
        self.out = args.out
        self.axe_src = open(args.axe, encoding="utf-8").read()
        self.shots = 0
        self.axe_problems = []
        self.axe_rules = 0	# rules passed, over all pages
        self.console_problems = []
        self.pages = []
        self.t0 = time.monotonic()
        # Chromium on Linux takes its language from the environment
        # (not --lang): a Dutch browser shows dates as dd-mm-jjjj
        os.environ["LANGUAGE"] = "nl"
        self.profile = args.profile	# a new, empty profile
        os.makedirs(self.profile)
        o = webdriver.ChromeOptions()
        o.binary_location = CHROMIUM
        for a in ("--headless=new", "--disable-gpu",
                  "--disable-dev-shm-usage", "--user-data-dir=" +
                  self.profile, "--window-size=1280,900",
                  "--force-device-scale-factor=1", "--hide-scrollbars",
                  "--no-first-run", "--no-default-browser-check",
                  "--disable-extensions", "--disable-sync",
                  "--disable-background-networking",
                  "--disable-component-update", "--disable-default-apps",
                  "--disable-features=Translate,MediaRouter,"
                  "OptimizationHints", "--lang=nl-NL", "--mute-audio"):
            o.add_argument(a)
        if os.geteuid() == 0:
            o.add_argument("--no-sandbox")	# Chromium refuses root
        o.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        service = Service(CHROMEDRIVER, service_args=["--log-level=WARNING"],
                          log_path=os.path.join(self.out,
                                                "chromedriver.log"))
        self.d = webdriver.Chrome(service=service, options=o)
        self.d.set_page_load_timeout(WAIT)
        self.d.set_script_timeout(WAIT)

    def quit(self):
        try:
            self.d.quit()
        finally:
            shutil.rmtree(self.profile, ignore_errors=True)
            log = os.path.join(self.out, "chromedriver.log")
            if os.path.exists(log) and os.path.getsize(log) == 0:
                os.unlink(log)

    def log(self, msg):
        print("%5.1fs %s" % (time.monotonic() - self.t0, msg), flush=True)

    # ---- waiting and finding, by what a person sees ----

    def wait(self, what, cond, timeout=WAIT):
        """Poll cond() until it returns something true; that value."""
        def probe(_):
            try:
                return cond()
            except (StaleElementReferenceException, Fail):
                return None
            except WebDriverException as e:
                if not gone(e):
                    raise
                return None
        try:
            return WebDriverWait(self.d, timeout, poll_frequency=0.1,
                                 ignored_exceptions=()).until(probe)
        except TimeoutException:
            raise Fail("waited %d s for %s; the page (%s) says:\n%s" %
                       (timeout, what, self.d.current_url,
                        self.text()[:1500])) from None

    def text(self):
        try:
            return self.d.find_element(By.TAG_NAME, "body").text
        except WebDriverException:
            return ""

    def named(self, xpath, name, exact=True, within=None):
        """Visible elements matched by xpath whose accessible name is
        name (or, exact=False, contains it)."""
        root = within if within is not None else self.d
        found = []
        for el in root.find_elements(By.XPATH, xpath):
            try:
                if not el.is_displayed():
                    continue
                n = norm(el.accessible_name)
            except WebDriverException as e:
                if gone(e):
                    continue
                raise
            if n == name or (not exact and name in n):
                found.append(el)
        return found

    def link(self, name, exact=True, within=None):
        return self.named(".//a[@href]", name, exact, within)

    def button(self, name, exact=True, within=None):
        return self.named(".//button | .//input[@type='submit' or "
                          "@type='button']", name, exact, within)

    def heading(self, name, exact=False):
        return self.named("//h1 | //h2 | //h3", name, exact)

    def field(self, label, within=None):
        """The form control whose label starts with "label"."""
        root = within if within is not None else self.d
        for el in root.find_elements(By.XPATH, ".//input[not(@type="
                                     "'hidden')] | .//select | "
                                     ".//textarea"):
            try:
                if el.is_displayed() and \
                        norm(el.accessible_name).startswith(label):
                    return el
            except WebDriverException as e:
                if gone(e):
                    continue
                raise
        return None

    def innermost(self, text, within=None):
        """The innermost list items, rows or articles that contain
        text (a list item holding an article gives the article)."""
        box = "(self::li or self::tr or self::article)"
        root = within if within is not None else self.d
        return root.find_elements(
            By.XPATH, ".//*[%s and contains(., %s) and not(.//*[%s and "
            "contains(., %s)])]" % (box, xq(text), box, xq(text)))

    def the(self, what, find):
        """Wait for exactly one match of find(); return it."""
        def one():
            r = find()
            if len(r) > 1:
                raise Fail("%s: %d matches" % (what, len(r)))
            return r[0] if r else None
        return self.wait(what, one)

    def click_link(self, name, exact=True):
        self.the('link "%s"' % name, lambda: self.link(name, exact)).click()

    def open_nav(self, name, title):
        self.click_link(name)
        self.page(title)

    def page(self, title):
        """Wait for a page whose main heading contains title."""
        self.wait('the page "%s"' % title,
                  lambda: self.d.execute_script(
                      "return document.readyState") == "complete" and
                  self.heading(title))

    # ---- what every page gets ----

    def check_page(self, name):
        """Screenshot, axe-core, console and UUIDs of the page shown."""
        self.pages.append(name)
        self.screenshot(name)
        self.axe(name)
        self.console(name)
        m = UUID.search(self.text())
        if m:
            raise Fail("page %s shows a UUID: %s" % (name, m.group(0)))

    def screenshot(self, name):
        self.shots += 1
        path = os.path.join(self.out, "%02d-%s.png" % (self.shots, name))
        m = self.d.execute_cdp_cmd("Page.getLayoutMetrics", {})
        size = m.get("cssContentSize") or m["contentSize"]
        w = max(int(size["width"]), 1)
        h = int(size["height"])
        # down to the end of what the page shows, not of the window
        end = self.d.execute_script("""
            const m = document.querySelector('main') || document.body;
            return m.getBoundingClientRect().bottom + window.scrollY;""")
        if end:
            h = min(h, int(end) + 32)
        h = max(min(h, 6000), 1)
        shot = self.d.execute_cdp_cmd("Page.captureScreenshot", {
            "format": "png", "captureBeyondViewport": True,
            "clip": {"x": 0, "y": 0, "width": w, "height": h,
                     "scale": 1}})
        with open(path, "wb") as f:
            f.write(base64.b64decode(shot["data"]))

    def axe(self, name):
        if not self.d.execute_script("return typeof window.axe === "
                                     "'object'"):
            self.d.execute_script(self.axe_src)
        res = self.d.execute_async_script("""
            const done = arguments[arguments.length - 1];
            axe.run(document, {resultTypes: ['violations']})
                .then(r => done(JSON.stringify({
                    violations: r.violations, passes: r.passes.length})))
                .catch(e => done(JSON.stringify({error: String(e)})));
        """)
        r = json.loads(res)
        if "error" in r:
            raise Fail("axe-core on %s: %s" % (name, r["error"]))
        v = r["violations"]
        self.axe_rules += r["passes"]
        for x in v:
            bad = x.get("impact") in ("serious", "critical")
            where = "; ".join(" ".join(n["target"]) if isinstance(
                n["target"][0], str) else str(n["target"])
                for n in x["nodes"][:5])
            line = "axe %s on %s: %s (%s) %s at %s" % (
                x.get("impact"), name, x["id"], x["help"], x["helpUrl"],
                where)
            for n in x["nodes"][:3]:
                line += "\n        " + n.get("html", "")[:200]
            print(("FAIL " if bad else "note ") + line, flush=True)
            if bad:
                self.axe_problems.append(line)

    def console(self, name):
        for e in self.d.get_log("browser"):
            if e.get("level") != "SEVERE":
                continue
            msg = e.get("message", "")
            # the page's own status (400 for a form with a wrong field)
            # is for the checks of its content
            doc = self.d.current_url.split("#")[0]
            if "favicon.ico" in msg or msg.startswith(
                    doc + " - Failed to load resource: the server "
                    "responded with a status of 4"):
                continue
            line = "console error on %s: %s" % (name, msg)
            print("FAIL " + line, flush=True)
            self.console_problems.append(line)

    # ---- colours ----

    def colours(self, el, stop_tag="tr"):
        """Text, background and border colours of el and its ancestors
        up to the row (or list item) it is in, as (r, g, b)."""
        return self.d.execute_script("""
            const out = [];
            const stop = arguments[1];
            const rgb = s => {
                const m = s.match(new RegExp("rgba?\\\\(([\\\\d.]+), " +
                    "([\\\\d.]+), ([\\\\d.]+)(?:, ([\\\\d.]+))?"));
                if (!m || (m[4] !== undefined && +m[4] < 0.3)) return null;
                return [+m[1], +m[2], +m[3]];
            };
            for (let e = arguments[0]; e && e !== document.body;
                 e = e.parentElement) {
                const cs = getComputedStyle(e);
                for (const p of ['color', 'background-color']) {
                    const c = rgb(cs[p]); if (c) out.push(c);
                }
                for (const s of ['left', 'top', 'right', 'bottom']) {
                    if (parseFloat(cs['border-' + s + '-width']) > 0 &&
                        cs['border-' + s + '-style'] !== 'none') {
                        const c = rgb(cs['border-' + s + '-color']);
                        if (c) out.push(c);
                    }
                }
                if (e.tagName.toLowerCase() === stop ||
                    e.tagName.toLowerCase() === 'li') break;
            }
            return out;
        """, el, stop_tag)


def hue(rgb):
    """(hue in degrees, saturation, lightness) of an (r, g, b)."""
    r, g, b = (c / 255.0 for c in rgb)
    mx, mn = max(r, g, b), min(r, g, b)
    li = (mx + mn) / 2
    if mx == mn:
        return 0.0, 0.0, li
    dd = mx - mn
    s = dd / (2 - mx - mn) if li > 0.5 else dd / (mx + mn)
    if mx == r:
        h = (g - b) / dd % 6
    elif mx == g:
        h = (b - r) / dd + 2
    else:
        h = (r - g) / dd + 4
    return h * 60, s, li


def is_red(c):
    h, s, li = hue(c)
    return (h >= 340 or h <= 12) and s >= 0.35 and 0.15 <= li <= 0.96


def is_amber(c):
    h, s, li = hue(c)
    return 20 <= h <= 55 and s >= 0.35 and 0.15 <= li <= 0.96


# ---- the steps ----

def login(b, url, who):
    """Open the printed URL: the page exchanges its secret for a
    session and shows the caseload."""
    b.d.get(url)
    b.page("Mijn caseload")
    b.the('the navigation link "Mijn caseload"',
          lambda: b.link("Mijn caseload"))
    secret = url.split("#", 1)[1]
    if secret in b.d.current_url:
        raise Fail("the secret is still in the address bar: %s" %
                   b.d.current_url)
    # the URL itself was refused (403) before the page's script traded
    # its secret for the session: an error the console keeps
    b.d.get_log("browser")
    b.log("%s: logged in through the printed URL" % who)


def row_of(b, title):
    """The caseload row (tr or li) of a family, by its link."""
    a = b.the('the family "%s" in the caseload' % title,
              lambda: b.link(title))
    return a, a.find_element(By.XPATH, "./ancestor::*[self::tr or "
                             "self::li][1]")


def caseload(b, a):
    today = datetime.date.today()
    overdue_due = ddmmyyyy(today - datetime.timedelta(days=50 - 42))
    soon_due = ddmmyyyy(today - datetime.timedelta(days=32 - 42))
    b.the('the family "%s"' % a.case_title, lambda: b.link(a.case_title))
    b.check_page("caseload")

    # overdue in red, within 14 days in amber, by the deadline's date
    for title, due, test, colour in (
            (a.overdue, overdue_due, is_red, "red"),
            (a.soon, soon_due, is_amber, "amber")):
        _, row = row_of(b, title)
        cells = [e for e in row.find_elements(
            By.XPATH, ".//*[contains(normalize-space(text()), '%s')]" %
            due)]
        if not cells:
            raise Fail('the row of "%s" does not show its toetsing date '
                       '%s: %s' % (title, due, norm(row.text)))
        cs = b.colours(cells[0])
        if not any(test(c) for c in cs):
            raise Fail('the toetsing %s of "%s" is not %s: colours %s' %
                       (due, title, colour, cs))
        b.log('"%s": toetsing %s in %s' % (title, due, colour))

    # the child's own deadline in the family's row, by first name
    _, row = row_of(b, a.case_title)
    first = "(%s)" % a.child.split()[0]
    if first not in norm(row.text):
        raise Fail('the row of "%s" does not name %s\'s deadline: %s' %
                   (a.case_title, first, norm(row.text)))
    b.log('"%s": the OTS extension request of %s' % (a.case_title, first))

    # sorted by deadline: overdue first
    order = [b.link(t)[0].location["y"] for t in
             (a.overdue, a.soon, a.case_title)]
    if order != sorted(order):
        raise Fail("the caseload is not sorted by deadline: %s at %s" %
                   ((a.overdue, a.soon, a.case_title), order))

    # search, without caring for accents' case
    box = b.wait("the search field", lambda: b.field("Zoek"))
    box.clear()
    box.send_keys(a.case_title.split()[-1].lower(), Keys.ENTER)
    b.wait('only "%s" after searching' % a.case_title,
           lambda: b.link(a.case_title) and not b.link(a.overdue))
    b.check_page("caseload-search")
    b.log("search for a lower-case, accented name finds the family")


def dossier(b, a, who, measure=False):
    b.click_link(a.case_title)
    b.page(a.case_title)
    b.wait("the person %s" % a.person, lambda: a.person in b.text())
    b.log("%s: the dossier of %s" % (who, a.case_title))
    if not measure:
        return
    # the child's measure: its type in Dutch words and its decision
    b.wait("the OTS of %s with its zaaknummer" % a.child,
           lambda: "ondertoezichtstelling" in b.text() and
           ("zaaknummer %s" % a.zaaknummer) in b.text())
    b.log("%s: the measure of %s, its decision and deadline" %
          (who, a.child))


def add_note(b, a):
    """The journal form, with the keyboard only."""
    def tab_to(what, match, limit=150):
        for _ in range(limit):
            b.d.switch_to.active_element.send_keys(Keys.TAB)
            el = b.d.switch_to.active_element
            if match(el):
                return el
        raise Fail("%s cannot be reached with the Tab key" % what)

    tab_to('the link "Journaal toevoegen"',
           lambda e: norm(e.accessible_name) == "Journaal toevoegen"
           ).send_keys(Keys.ENTER)
    b.page("Journaal toevoegen")
    text = b.wait('the field "Verslag"', lambda: b.field("Verslag"))
    kind = b.field("Soort contact")
    if kind is not None and kind.tag_name == "select":
        Select(kind).select_by_visible_text("Telefoongesprek")
    text.send_keys(NOTE)
    b.check_page("journal-form")
    tab_to('the button "Opslaan"',
           lambda e: norm(e.accessible_name) == "Opslaan"
           ).send_keys(Keys.ENTER)
    b.page(a.case_title)
    entry = b.the("the new journal entry",
                  lambda: b.innermost(NOTE.split(":")[0]))
    t = norm(entry.text)
    today = ddmmyyyy(datetime.date.today())
    if "anna" not in t or today not in t:
        raise Fail("the entry does not name its author and today (%s): %s"
                   % (today, t))
    older = b.d.find_elements(By.XPATH, "//*[contains(text(), "
                              "'Huisbezoek: rustige sfeer')]")
    if older and older[0].location["y"] < entry.location["y"]:
        raise Fail("the journal is not newest first")
    b.check_page("dossier-with-entry")
    b.log("a journal entry added with the keyboard: %s" % t[:80])


def sync_now(b, who, offline=False, sent=False, received=False):
    """Press "Nu synchroniseren" on the Sync page and wait for the
    page that says how it ended (while it runs, the button is disabled
    and the page reads itself again at the end).  sent, received: at
    least one record went that way."""
    old = b.the('the button "Nu synchroniseren"',
                lambda: b.button("Nu synchroniseren"))
    old.click()

    def ended():
        try:
            old.is_enabled()
            return None		# still the page before the click
        except WebDriverException as e:
            if not gone(e):
                raise
        btn = b.button("Nu synchroniseren")
        if not btn or not btn[0].is_enabled():
            return None
        st = " ".join(norm(e.text) for e in b.d.find_elements(
            By.XPATH, "//*[@role='status' or @role='alert']"))
        if offline:
            return OFFLINE in st and st
        return re.search(r"Klaar: (\d+) verstuurd, (\d+) ontvangen", st)
    m = b.wait("the end of the sync", ended)
    if offline:
        b.log("%s: the server cannot be reached" % who)
        return
    if (sent and int(m.group(1)) == 0) or \
            (received and int(m.group(2)) == 0):
        raise Fail("%s: the sync should have %s records: %s" % (
            who, "sent" if sent else "received", m.group(0)))
    b.log("%s: synchronised: %s" % (who, m.group(0)))


def conflict(b, a):
    """Bert's Sync page lists the conflict with both values and their
    authors; he keeps anna's."""
    block = b.the("the conflict on the Sync page", lambda: b.d.find_elements(
        By.XPATH, "//section[contains(., %s) and contains(., %s)]" %
        (xq(a.mine), xq(a.theirs))))
    t = norm(block.text)
    for w in (a.author, "bert", a.person):
        if w not in t:
            raise Fail("the conflict does not name %s: %s" % (w, t))
    b.check_page("sync-conflict")
    b.the("the choice of %s's value" % a.author,
          lambda: [e for e in b.named(".//input[@type='radio']", a.theirs,
                                      exact=False, within=block)
                   if a.author in e.accessible_name]).click()
    b.the('the button "Deze waarde houden"',
          lambda: b.button("Deze waarde houden", within=block)).click()
    b.wait("the conflict to go", lambda: b.heading("Sync") and not
           b.d.find_elements(By.XPATH, "//section[contains(., %s) and "
                             "contains(., %s)]" % (xq(a.mine),
                                                   xq(a.theirs))))
    b.log("bert kept %s's value on the Sync page" % a.author)


def person_field(b, a, label):
    """The value of a person's field, as its edit form shows it."""
    row = b.the("the row of %s" % a.person, lambda: b.innermost(a.person))
    b.the('the link "Wijzigen" of %s' % a.person,
          lambda: b.link("Wijzigen", within=row)).click()
    f = b.wait('the field "%s"' % label, lambda: b.field(label))
    return f.get_attribute("value")


def person_form(b, a):
    """A wrong field is marked with the CLI's reason, in Dutch, and
    nothing typed is lost."""
    b.click_link("Persoon toevoegen")
    b.page("Persoon toevoegen")
    b.check_page("person-form")
    b.wait('the field "Naam"', lambda: b.field("Naam")).send_keys(
        "Can Öztürk")
    Select(b.field("Rol")).select_by_visible_text("Kind")
    b.field("BSN").send_keys("123456789")
    b.the('the button "Opslaan"', lambda: b.button("Opslaan")).click()
    b.wait("the elfproef refusal", lambda: "elfproef" in b.text())
    if b.field("Naam").get_attribute("value") != "Can Öztürk" or \
            b.field("BSN").get_attribute("value") != "123456789":
        raise Fail("the form lost what was typed: %r %r" % (
            b.field("Naam").get_attribute("value"),
            b.field("BSN").get_attribute("value")))
    b.check_page("person-form-error")
    bsn = b.field("BSN")
    bsn.clear()
    bsn.send_keys("111222333")
    b.the('the button "Opslaan"', lambda: b.button("Opslaan")).click()
    b.page(a.case_title)
    b.wait("the new person", lambda: "Can Öztürk" in b.text())
    b.check_page("dossier-with-person")
    b.log("a wrong BSN is refused with the elfproef, the form kept")


def team_figures(b, a):
    """A team lead's Teamleider page: the figures of her office, a table
    per office and frame, found by caption and row header as a screen
    reader reads them; anna's page (not a lead) has none."""
    login(b, a.url_lead, "the team lead")
    b.open_nav("Teamleider", "Teamleider")
    b.the('the heading "Cijfers van uw team"',
          lambda: b.heading("Cijfers van uw team", exact=True))
    cap = "%s, Drang" % a.lead_office
    table = b.the('the table "%s"' % cap, lambda: [
        t for t in b.d.find_elements(By.XPATH, "//table[caption]")
        if norm(t.find_element(By.XPATH, "./caption").text) == cap])
    for what, want in (("Lopende gezinnen", a.lead_active),
                       ("Nieuwe gezinnen", a.lead_new)):
        row = table.find_elements(By.XPATH, ".//tr[th[normalize-space()="
                                  "'%s']]/td" % what)
        got = norm(row[0].text) if row else None
        if got != want:
            raise Fail('"%s": %s is %r, casesyncctl report says %s' %
                       (cap, what, got, want))
    b.the('the table "%s: nieuw en gesloten per maand"' % cap,
          lambda: b.named("//table", "%s: nieuw en gesloten per maand" %
                          cap))
    b.check_page("teamleider-cijfers")
    b.log("the team lead sees the figures of %s: %s active, %s new" %
          (a.lead_office, a.lead_active, a.lead_new))


def stop_server(b, pid):
    os.kill(pid, signal.SIGTERM)
    b.wait("casesyncd to stop",
           lambda: not os.path.exists("/proc/%d" % pid) or
           open("/proc/%d/stat" % pid).read().split()[2] == "Z", 30)


def run(b, a):
    lang = b.d.execute_script("return navigator.language")
    if not lang.startswith("nl"):
        raise Fail("Chromium speaks %s, not Dutch: is chromium-l10n "
                   "installed (scripts/deps.sh)?" % lang)

    # anna's laptop
    login(b, a.url_a, "anna")
    caseload(b, a)
    dossier(b, a, "anna", measure=True)
    b.check_page("dossier")
    add_note(b, a)
    person_form(b, a)
    b.open_nav("Sync", "Sync")
    b.check_page("sync-outbox")
    sync_now(b, "anna", sent=True)
    b.check_page("sync-done")
    b.open_nav("Teamleider", "Teamleider")
    b.check_page("teamleider")
    if b.heading("Cijfers"):
        raise Fail("anna, not a team lead, sees management figures")
    b.log("anna's Teamleider page has no figures: she leads no team")
    b.open_nav("Laptop", "Laptop")
    b.check_page("laptop")

    # the team lead's figures, from the server
    team_figures(b, a)

    # bert's laptop: the entry arrives; the conflict
    login(b, a.url_b, "bert")
    b.check_page("caseload-bert")
    b.open_nav("Sync", "Sync")
    b.check_page("sync-bert")
    sync_now(b, "bert", received=True)
    b.check_page("sync-bert-done")
    b.open_nav("Mijn caseload", "Mijn caseload")
    b.check_page("caseload-bert-synced")
    dossier(b, a, "bert")
    b.wait("anna's entry on bert's laptop",
           lambda: NOTE.split(":")[0] in b.text())
    b.check_page("dossier-bert")
    b.log("anna's entry arrived on bert's laptop")
    b.open_nav("Sync", "Sync")
    conflict(b, a)
    b.check_page("sync-resolved")
    b.open_nav("Mijn caseload", "Mijn caseload")
    dossier(b, a, "bert")
    b.check_page("dossier-bert-resolved")
    got = person_field(b, a, "Adres")
    if got != a.theirs:
        raise Fail("after keeping %s's value the address is %r" %
                   (a.author, got))
    b.check_page("person-form-resolved")
    b.log("the person's address is the value kept")
    b.open_nav("Sync", "Sync")
    sync_now(b, "bert", sent=True)
    b.check_page("sync-bert-sent")

    # offline
    stop_server(b, a.server_pid)
    sync_now(b, "bert", offline=True)
    b.check_page("sync-offline")
    b.open_nav("Mijn caseload", "Mijn caseload")
    b.wait("the offline banner on the caseload",
           lambda: OFFLINE in norm(b.text()))
    b.check_page("caseload-offline")
    b.log("the offline banner shows once casesyncd is stopped")

    # the printed link works once
    b.d.get(a.url_a)
    b.wait("the used link refused", lambda: "al gebruikt" in b.text())
    b.d.get_log("browser")	# the 403s of the refusal
    b.check_page("link-used")
    b.log("the printed link, opened again, is refused")


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    for o in ("out", "axe", "url-a", "url-b", "case-title", "overdue",
              "soon", "person", "mine", "theirs", "author", "child",
              "zaaknummer", "url-lead", "lead-office", "lead-active",
              "lead-new"):
        p.add_argument("--" + o, required=True)
    p.add_argument("--profile", required=True,
                   help="Chromium's profile directory (made and removed)")
    p.add_argument("--server-pid", type=int, required=True)
    p.add_argument("--limit", type=int, default=150)
    a = p.parse_args()

    def limit(*_):
        raise TimeLimit()
    signal.signal(signal.SIGALRM, limit)
    signal.signal(signal.SIGTERM, limit)
    signal.alarm(a.limit)
    b = None
    rc = 1
    try:
        b = Browser(a)
        run(b, a)
        if b.axe_problems or b.console_problems:
            print("FAIL: %d serious or critical axe-core violations, %d "
                  "console errors" % (len(b.axe_problems),
                                      len(b.console_problems)))
        else:
            rc = 0
    except Fail as e:
        print("FAIL: %s" % e, flush=True)
    except TimeLimit:
        print("FAIL: time limit of %d s reached" % a.limit, flush=True)
    except WebDriverException as e:
        print("FAIL: webdriver: %s" % e, flush=True)
    finally:
        if b is not None:
            if rc != 0:
                signal.alarm(10)
                try:
                    b.screenshot("failed")
                except BaseException:	# pylint: disable=broad-except
                    pass
            b.log("%d pages checked (%d axe-core rules passed): %s" %
                  (len(b.pages), b.axe_rules, " ".join(b.pages)))
            signal.alarm(15)	# if quitting hangs, the shell kills
            try:
                b.quit()
            except TimeLimit:
                print("FAIL: chromedriver did not quit", flush=True)
                rc = 1
        signal.alarm(0)
    return rc


if __name__ == "__main__":
    sys.exit(main())
