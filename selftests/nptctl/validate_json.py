#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Validate nptctl -j output against tools/schema/nptctl.schema.json.

    validate_json.py SCHEMA DEF [FILE]

Reads FILE (or stdin): one JSON document or several in a row, as
"nptctl -j monitor" prints them, and checks each against #/$defs/DEF of
SCHEMA (draft 2020-12), formats included.  Prints what is wrong and exits
1 if anything is, 2 if it cannot run (python3-jsonschema missing), else 0.
"""

import json
import sys

try:
    import jsonschema
except ImportError:
    print("validate_json.py: python3-jsonschema is not installed", file=sys.stderr)
    sys.exit(2)


def documents(text):
    """Every JSON document in TEXT, in order."""
    dec = json.JSONDecoder()
    pos = 0
    while True:
        while pos < len(text) and text[pos].isspace():
            pos += 1
        if pos == len(text):
            return
        doc, pos = dec.raw_decode(text, pos)
        yield doc


def main():
    if len(sys.argv) not in (3, 4):
        print(__doc__.strip(), file=sys.stderr)
        return 2
    with open(sys.argv[1], encoding="utf-8") as f:
        schema = json.load(f)
    cls = jsonschema.Draft202012Validator
    cls.check_schema(schema)
    if sys.argv[2] not in schema["$defs"]:
        print(f"validate_json.py: no $defs/{sys.argv[2]} in {sys.argv[1]}",
              file=sys.stderr)
        return 2

    # The one definition, with the others it refers to.
    wrapper = {
        "$schema": schema["$schema"],
        "$defs": schema["$defs"],
        "$ref": "#/$defs/" + sys.argv[2],
    }
    validator = cls(wrapper, format_checker=jsonschema.FormatChecker())

    if len(sys.argv) == 4:
        with open(sys.argv[3], encoding="utf-8") as f:
            text = f.read()
    else:
        text = sys.stdin.read()

    bad = 0
    n = 0
    try:
        for n, doc in enumerate(documents(text), 1):
            for err in validator.iter_errors(doc):
                where = "/".join(str(p) for p in err.absolute_path)
                print(f"document {n}, /{where}: {err.message}")
                bad += 1
    except json.JSONDecodeError as e:
        print(f"document {n + 1}: not JSON: {e}")
        return 1
    if n == 0:
        print("no JSON document at all")
        return 1
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
