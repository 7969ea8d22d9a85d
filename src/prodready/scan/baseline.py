"""Baselines: record today's findings so that only new ones are reported.

A finding's fingerprint is its rule, its file, the text of the line it starts on (stripped
of surrounding whitespace) and how many identical (rule, file, text) findings precede it.
Line numbers are left out on purpose: adding an import at the top of a file must not make
every old finding look new.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path

from prodready.errors import UsageError
from prodready.model import Finding
from prodready.output import write_report

SCHEMA = "prodready.baseline/1"


def fingerprints(findings: Sequence[Finding], root: Path) -> list[str]:
    seen: Counter[tuple[str, str, str]] = Counter()
    cache: dict[str, list[str]] = {}
    prints: list[str] = []
    for f in findings:
        lines = cache.get(f.path)
        if lines is None:
            try:
                text = (root / f.path).read_text(encoding="utf-8", errors="replace")
            except OSError:
                text = ""
            lines = cache[f.path] = text.splitlines()
        code = lines[f.line - 1].strip() if 0 < f.line <= len(lines) else ""
        key = (f.rule, f.path, code)
        seen[key] += 1
        digest = hashlib.sha256("\0".join([*key, str(seen[key])]).encode()).hexdigest()[:24]
        prints.append(digest)
    return prints


def write_baseline(path: Path, findings: Sequence[Finding], root: Path) -> int:
    active = [f for f in findings if not f.suppressed]
    data = {"schema": SCHEMA, "fingerprints": sorted(fingerprints(active, root))}
    write_report(json.dumps(data, indent=2) + "\n", path)
    return len(active)


def read_baseline(path: Path) -> frozenset[str]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise UsageError(f"{path}: baseline cannot be read: {exc.strerror}") from exc
    except (ValueError, UnicodeDecodeError) as exc:
        raise UsageError(f"{path}: baseline is not valid JSON: {exc}") from exc
    if not isinstance(data, dict) or data.get("schema") != SCHEMA:
        raise UsageError(f"{path}: not a prodready baseline (expected schema {SCHEMA!r})")
    prints = data.get("fingerprints")
    if not isinstance(prints, list) or not all(isinstance(p, str) for p in prints):
        raise UsageError(f"{path}: 'fingerprints' must be a list of strings")
    return frozenset(prints)


def new_findings(findings: Sequence[Finding], baseline: Iterable[str], root: Path) -> list[Finding]:
    known = set(baseline)
    return [
        f for f, p in zip(findings, fingerprints(findings, root), strict=True) if p not in known
    ]
