#!/usr/bin/env python3
"""An independent reader of tcps journals (evidence-log.md 2, 3, 4, 5).

Written from the spec alone, with the Python standard library only, so
that it shares no code with tcps: RFC 8785 canonical JSON (members
sorted by UTF-16 code units), the RFC 9162 leaf hash and Merkle tree
head, the hash chain, and the checkpoint body.

    python3 tests/evidence_independent.py JOURNAL [SIZE]

prints the checkpoint body of the journal (origin, size, base64 tree
head, one per line) and exits 0, or prints one line naming the first
bad line and exits 1.
"""

import base64
import hashlib
import json
import sys

MAX_SAFE = 2**53 - 1


class Bad(Exception):
    pass


def no_duplicates(pairs):
    out = {}
    for key, value in pairs:
        if key in out:
            raise Bad("duplicate key %r" % key)
        out[key] = value
    return out


def no_float(text):
    raise Bad("float %s" % text)


def canonical(value):
    """RFC 8785 for float-free JSON values."""
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        if abs(value) > MAX_SAFE:
            raise Bad("integer out of range %d" % value)
        return str(value)
    if isinstance(value, str):
        return canonical_string(value)
    if isinstance(value, list):
        return "[" + ",".join(canonical(v) for v in value) + "]"
    if isinstance(value, dict):
        names = sorted(value, key=lambda k: k.encode("utf-16-be"))
        return (
            "{"
            + ",".join(canonical_string(k) + ":" + canonical(value[k]) for k in names)
            + "}"
        )
    raise Bad("unexpected value %r" % (value,))


SHORT = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"}


def canonical_string(text):
    out = ['"']
    for ch in text:
        code = ord(ch)
        if 0xD800 <= code <= 0xDFFF:
            raise Bad("lone surrogate")
        if ch in SHORT:
            out.append(SHORT[ch])
        elif code < 0x20:
            out.append("\\u%04x" % code)
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def sha256(data):
    return hashlib.sha256(data).digest()


def tree_head(leaves):
    """MTH of RFC 9162 section 2.1.1, by the recursive split."""
    n = len(leaves)
    if n == 0:
        return sha256(b"")
    if n == 1:
        return leaves[0]
    k = 1
    while k * 2 < n:
        k *= 2
    return sha256(b"\x01" + tree_head(leaves[:k]) + tree_head(leaves[k:]))


def read_journal(path):
    """The leaf hashes and the line's name; raises Bad naming the line."""
    with open(path, "rb") as f:
        data = f.read()
    if not data.endswith(b"\n"):
        # A torn tail: what an open would cut.
        data = data[: data.rfind(b"\n") + 1]
    lines = data.split(b"\n")[:-1]
    leaves = []
    prev = "0" * 64
    name = None
    last_at = None
    pending_more = 0
    operation_start = 0
    for number, raw in enumerate(lines, start=1):
        try:
            receipt = json.loads(
                raw.decode("utf-8"),
                object_pairs_hook=no_duplicates,
                parse_float=no_float,
                parse_constant=no_float,
            )
            stored = receipt.pop("hash")
            body = canonical(receipt)
            if canonical(dict(receipt, hash=stored)).encode("utf-8") != raw:
                raise Bad("not canonical")
        except (ValueError, KeyError, AttributeError, TypeError, Bad) as e:
            raise Bad("line %d: %s" % (number, e))
        leaf = sha256(b"\x00" + body.encode("utf-8"))
        if leaf.hex() != stored:
            raise Bad("line %d: hash mismatch" % number)
        if receipt["seq"] != number - 1 or receipt["prev"] != prev or receipt["v"] != 1:
            raise Bad("line %d: broken chain" % number)
        if last_at is not None and receipt["at"] < last_at:
            raise Bad("line %d: time reversal" % number)
        if number == 1:
            name = receipt["body"]["config"]["name"]
        if pending_more == 0:
            operation_start = len(leaves)
        leaves.append(leaf)
        prev = stored
        last_at = receipt["at"]
        pending_more = receipt["more"]
    if pending_more:
        # An unfinished operation at the end: an open drops it.
        leaves = leaves[:operation_start]
    return leaves, name


def main(argv):
    if len(argv) not in (2, 3):
        sys.stderr.write(__doc__)
        return 2
    try:
        leaves, name = read_journal(argv[1])
    except Bad as e:
        print("bad journal: %s" % e)
        return 1
    size = int(argv[2]) if len(argv) == 3 else len(leaves)
    root = tree_head(leaves[:size])
    sys.stdout.write("%s\n%d\n%s\n" % (name, size, base64.b64encode(root).decode("ascii")))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
