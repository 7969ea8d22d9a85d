"""The targets a Makefile defines, so that `make X` in a README can be checked.

Only what is plainly written counts; a Makefile that includes others, evaluates code or
uses pattern rules may define targets we cannot list, and then no target is reported.
"""

from __future__ import annotations

import re

_TARGET_LINE = re.compile(r"^(?P<names>[^:=#\t][^:=#]*?)\s*::?(?![:=])")


def make_targets(text: str) -> frozenset[str] | None:
    """Targets a Makefile defines; None when it can define more than we can see."""
    if re.search(r"^\s*-?(?:s?include)\s|\$\(eval\b", text, re.MULTILINE):
        return None
    targets: set[str] = set()
    in_define = False
    for line in text.replace("\\\n", " ").split("\n"):
        stripped = line.strip()
        if stripped.startswith("define ") or stripped == "define":
            in_define = True
        elif stripped == "endef":
            in_define = False
        if in_define or line.startswith(("\t", "#")):
            continue
        found = _TARGET_LINE.match(line)
        if found is None:
            continue
        names = found["names"].split()
        if any("%" in name or "$" in name for name in names):
            return None  # pattern rules and computed names match targets we cannot list
        targets.update(names)
    return frozenset(targets)
