#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
#
# html_check.py FILE [draft|final]: checks a report document's HTML
# (client/core/doc.c) with Python's html.parser and prints its text, one
# element's text a line, for the calling test to search:
#   - every element closed, in order (void elements excepted), nothing
#     closed that was not open, one html/head/body/title/style;
#   - <html lang="nl">, <meta charset="utf-8">, a <title>;
#   - no <script>, no event handler attributes, no src/href/action, no
#     url(...) or @import in the stylesheet: nothing runs, nothing is
#     fetched;
#   - a draft: every <section> contenteditable="true" and "Concept"
#     shown; a final document: neither.
# Exits 1 with the reason on the first failure.
import sys
from html.parser import HTMLParser

VOID = {"meta", "br"}
ONCE = ("html", "head", "body", "title", "style", "main")


class Check(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack = []
        self.seen = {}
        self.lines = []
        self.cur = []
        self.sections = []
        self.style = ""
        self.lang = None
        self.charset = None
        self.decl = None

    def fail(self, why):
        print("html_check: " + why, file=sys.stderr)
        sys.exit(1)

    def handle_decl(self, decl):
        self.decl = decl

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.seen[tag] = self.seen.get(tag, 0) + 1
        if tag == "script":
            self.fail("a <script> element")
        for k, _ in attrs:
            if k.startswith("on") or k in ("src", "href", "action",
                                           "srcset", "formaction"):
                self.fail("attribute %s on <%s>" % (k, tag))
        if tag == "html":
            self.lang = a.get("lang")
        if tag == "meta" and "charset" in a:
            self.charset = a["charset"]
        if tag == "section":
            self.sections.append(a.get("contenteditable"))
        if tag in VOID:
            if tag == "br":
                self.flush()
            return
        self.flush()
        self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.fail("self-closing <%s/>" % tag)

    def handle_endtag(self, tag):
        if tag in VOID:
            self.fail("</%s>" % tag)
        if not self.stack or self.stack[-1] != tag:
            self.fail("</%s> closes <%s>" % (tag, self.stack[-1]
                                            if self.stack else "nothing"))
        self.flush()
        self.stack.pop()

    def handle_data(self, data):
        if self.stack and self.stack[-1] == "style":
            self.style += data
            return
        self.cur.append(data)

    def flush(self):
        t = " ".join("".join(self.cur).split())
        if t:
            self.lines.append(t)
        self.cur = []


def main():
    if len(sys.argv) != 3 or sys.argv[2] not in ("draft", "final"):
        print("usage: html_check.py FILE draft|final", file=sys.stderr)
        sys.exit(2)
    with open(sys.argv[1], encoding="utf-8") as f:
        text = f.read()
    c = Check()
    c.feed(text)
    c.close()
    c.flush()
    if c.stack:
        c.fail("left open: " + " ".join(c.stack))
    if c.decl is None or c.decl.lower() != "doctype html":
        c.fail("no <!DOCTYPE html>")
    for t in ONCE:
        if c.seen.get(t, 0) != 1:
            c.fail("<%s> %d times" % (t, c.seen.get(t, 0)))
    if c.lang != "nl":
        c.fail("lang is %r" % c.lang)
    if c.charset is None or c.charset.lower() != "utf-8":
        c.fail("charset is %r" % c.charset)
    low = c.style.lower()
    for bad in ("url(", "@import", "expression(", "<"):
        if bad in low:
            c.fail("stylesheet holds %r" % bad)
    for need in ("@page", "size:a4", "break-inside:avoid",
                 "break-after:avoid", "table-header-group",
                 "counter(pages)"):
        if need not in low:
            c.fail("stylesheet lacks %r" % need)
    draft = sys.argv[2] == "draft"
    if not c.sections:
        c.fail("no <section>")
    for s in c.sections:
        if draft and s != "true":
            c.fail("a draft's section is not editable")
        if not draft and s is not None:
            c.fail("a final document's section is editable")
    if draft != ("Concept" in c.lines):
        c.fail("Concept shown: %s, draft: %s" % ("Concept" in c.lines,
                                                 draft))
    if draft != ('content:"Concept"' in c.style):
        c.fail("Concept in the page margin does not match draft")
    for line in c.lines:
        print(line)


main()
