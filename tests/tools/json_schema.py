#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""json_schema.py SCHEMAS COMMAND [FILE] - check one command's --json
output (FILE, else stdin) against its schema in SCHEMAS
(docs/json-schemas.json; the format is described there).  Objects must
have every listed key and no other (optional keys may be missing);
each "time" must be ISO 8601 local time with an offset and agree with
its KEY_epoch sibling.  A schema {"lines": TYPE} is for one value
a line (ndjson).  Prints each problem and exits 1; exits 0 when
the output conforms.  --min-items N additionally requires a top-level
array (or each array member of a top-level object) to hold at least N
items, so an empty listing cannot pass vacuously.  {"map": TYPE} is an
object with any keys, each value TYPE; {"type": NAME} the schema NAME
of the file's "types"; "date" is YYYY-MM-DD."""
import datetime
import json
import re
import sys

TIME_RE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$")
DATE_RE = re.compile(r"^\d{4}-\d\d-\d\d$")
errors = []
types = {}	# the "types" of SCHEMAS, for {"type": NAME}


def check_scalar(path, want, v):
    if want == "null":
        return v is None
    if want == "string":
        return isinstance(v, str)
    if want == "int":
        return isinstance(v, int) and not isinstance(v, bool)
    if want == "number":
        return isinstance(v, (int, float)) and not isinstance(v, bool)
    if want == "bool":
        return isinstance(v, bool)
    if want == "time":
        return isinstance(v, str) and TIME_RE.match(v) is not None
    if want == "date":
        return isinstance(v, str) and DATE_RE.match(v) is not None
    errors.append("%s: unknown type %r in the schema" % (path, want))
    return False


def check(path, schema, v):
    if isinstance(schema, str):
        if not any(check_scalar(path, t, v) for t in schema.split("|")):
            errors.append("%s: %r is not %s" % (path, v, schema))
        return
    if "type" in schema:
        if schema["type"] not in types:
            errors.append("%s: unknown type %r in the schema" %
                          (path, schema["type"]))
            return
        check(path, types[schema["type"]], v)
        return
    if "map" in schema:
        if not isinstance(v, dict):
            errors.append("%s: not an object: %r" % (path, v))
            return
        for k, item in v.items():
            check("%s.%s" % (path, k), schema["map"], item)
        return
    if "array" in schema:
        if not isinstance(v, list):
            errors.append("%s: not an array: %r" % (path, v))
            return
        for i, item in enumerate(v):
            check("%s[%d]" % (path, i), schema["array"], item)
        return
    if v is None and schema.get("nullable"):
        return
    if not isinstance(v, dict):
        errors.append("%s: not an object: %r" % (path, v))
        return
    req = schema["object"]
    opt = schema.get("optional", {})
    for k in req:
        if k not in v:
            errors.append("%s: missing key %r" % (path, k))
    for k, item in v.items():
        if k in req:
            check("%s.%s" % (path, k), req[k], item)
        elif k in opt:
            check("%s.%s" % (path, k), opt[k], item)
        else:
            errors.append("%s: unexpected key %r" % (path, k))
    for k, t in list(req.items()) + list(opt.items()):
        if not isinstance(t, str) or "time" not in t.split("|"):
            continue
        if k not in v or (k + "_epoch" not in req and
                          k + "_epoch" not in opt):
            continue
        ep = v.get(k + "_epoch")
        if v[k] is None or not isinstance(v[k], str):
            if ep is not None:
                errors.append("%s.%s is null but %s_epoch is %r" %
                              (path, k, k, ep))
            continue
        try:
            t = datetime.datetime.fromisoformat(v[k]).timestamp()
        except ValueError:
            continue
        if ep != int(t):
            errors.append("%s.%s %s is not %s_epoch %r" %
                          (path, k, v[k], k, ep))


def main():
    args = sys.argv[1:]
    min_items = 0
    if len(args) >= 2 and args[0] == "--min-items":
        min_items = int(args[1])
        args = args[2:]
    if len(args) not in (2, 3):
        sys.exit("usage: json_schema.py [--min-items N] SCHEMAS COMMAND "
                 "[FILE]")
    doc = json.load(open(args[0]))
    schemas = doc["commands"]
    types.update(doc.get("types", {}))
    if args[1] not in schemas:
        sys.exit("no schema for %r" % args[1])
    text = open(args[2]).read() if len(args) == 3 else sys.stdin.read()
    schema = schemas[args[1]]
    try:
        if "lines" in schema:	# one value a line (ndjson)
            v = [json.loads(line) for line in text.splitlines()]
            schema = {"array": schema["lines"]}
        else:
            v = json.loads(text)
    except ValueError as e:
        print("%s: not JSON: %s" % (args[1], e))
        sys.exit(1)
    check(args[1], schema, v)
    if min_items:
        arrays = [v] if isinstance(v, list) else \
            [x for x in v.values() if isinstance(x, list)] \
            if isinstance(v, dict) else []
        for a in arrays:
            if len(a) < min_items:
                errors.append("%s: %d items, want at least %d" %
                              (args[1], len(a), min_items))
    for e in errors:
        print(e)
    sys.exit(1 if errors else 0)


main()
