"""Small helpers shared by the reporters: grouping and escaping, never judging.

Everything a verdict depends on is already in the ``AuditReport``; these helpers only
arrange it (by dimension, blocking gaps in decision order) and make repository-derived
strings safe to show (control and bidirectional-override characters made visible).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import NamedTuple

from prodready.model import AuditReport, CriterionResult, Dimension, Status, Verdict

#: Fixed display order of dimensions (the order of the enum, which the design fixes).
DIMENSIONS: tuple[Dimension, ...] = tuple(Dimension)

#: Fixed display order of statuses in counts and charts.
STATUS_ORDER: tuple[Status, ...] = (
    Status.MET,
    Status.MISSING,
    Status.UNKNOWN,
    Status.WAIVED,
    Status.NOT_APPLICABLE,
)

#: How many evidence items a compact view shows before "+N more".
EVIDENCE_PREVIEW = 3

# Characters that can rewrite a terminal or reorder text on screen ("Trojan Source").
_BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def _is_hidden(ch: str, keep_newlines: bool) -> bool:
    code = ord(ch)
    if ch == "\t" or (keep_newlines and ch == "\n"):
        return False
    return code < 0x20 or 0x7F <= code < 0xA0 or ch in _BIDI


def visible(value: str, *, keep_newlines: bool = False) -> str:
    """Return ``value`` with control and bidi-override characters written as escapes.

    A file name holding ``\\x1b[31m`` must not colour a terminal, and one holding U+202E
    must not reverse what a reviewer reads; both are shown as ``\\x1b`` / ``\\u202e``.
    Lone surrogates (undecodable bytes in a file name) are shown the same way so the
    output can always be encoded as UTF-8.
    """
    if value.isprintable() and value.isascii():
        return value
    out: list[str] = []
    for ch in value:
        code = ord(ch)
        if _is_hidden(ch, keep_newlines):
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")
        elif 0xD800 <= code <= 0xDFFF:
            out.append(f"\\u{code:04x}")
        else:
            out.append(ch)
    return "".join(out)


def one_line(value: str) -> str:
    """``visible`` with line breaks folded to spaces, for table cells and headers."""
    return visible(" ".join(value.splitlines()))


def location(path: str | None, line: int | None) -> str:
    """``path:line``, ``path`` or ``""`` (the model's own rule, made visible)."""
    if path is None:
        return ""
    return visible(f"{path}:{line}" if line else path)


def by_dimension(report: AuditReport) -> list[tuple[Dimension, list[CriterionResult]]]:
    """Criteria grouped by dimension in the fixed order, report order within a group.

    Every dimension appears, including those with no criteria, so a report shows that a
    dimension was not judged at all rather than leaving it out.
    """
    groups: dict[Dimension, list[CriterionResult]] = {d: [] for d in DIMENSIONS}
    for result in report.criteria:
        groups[result.dimension].append(result)
    return list(groups.items())


def status_counts(criteria: list[CriterionResult]) -> dict[Status, int]:
    """How many criteria have each status, keys in ``STATUS_ORDER``."""
    counts = dict.fromkeys(STATUS_ORDER, 0)
    for result in criteria:
        counts[result.status] += 1
    return counts


class Gap(NamedTuple):
    """A blocking criterion as the decision names it, with its result when one is known."""

    id: str  # as in the decision: "tests.coverage", or "api:tests.coverage" for a component
    result: CriterionResult | None
    component: AuditReport | None = None  # the component the gap is in, if not the repository


def blocking(report: AuditReport) -> list[Gap]:
    """The decision's blocking criterion ids, in decision order, with their results.

    In a monorepo the decision names a component's gaps ``<component>:<criterion>``; those
    are looked up in the component, whose report the ``Gap`` carries.
    """
    own = {result.id: result for result in report.criteria}
    # Longest name first, so a component named "a:b" wins over one named "a".
    components = sorted(report.components, key=lambda c: -len(c.name))
    indexes = [{result.id: result for result in c.criteria} for c in components]
    gaps: list[Gap] = []
    for cid in report.decision.blocking:
        gap = Gap(cid, own.get(cid))
        if gap.result is None:
            for component, index in zip(components, indexes, strict=True):
                prefix = f"{component.name}:"
                if cid.startswith(prefix):
                    gap = Gap(cid, index.get(cid[len(prefix) :]), component)
                    break
        gaps.append(gap)
    return gaps


def waived(report: AuditReport) -> list[CriterionResult]:
    """Criteria covered by a waiver (known risk), in report order."""
    return [r for r in report.criteria if r.status is Status.WAIVED]


#: A one-character mark per verdict, for summaries of components.
VERDICT_MARK: dict[Verdict, str] = {
    Verdict.SHIP: "✓",
    Verdict.SHIP_WITH_KNOWN_RISK: "~",
    Verdict.BLOCK: "✗",
}


def number(value: int | float) -> str:
    """A stat value as text: integers as is, floats without noise, non-finite as text."""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int):
        return str(value)
    if not math.isfinite(value):
        return str(value)
    return f"{value:.6g}"


def stats_items(stats: Mapping[str, int | float]) -> list[tuple[str, str]]:
    """Stats as ``(name, value)`` text pairs sorted by name, so order never depends on
    how the producer happened to fill the dict."""
    return [(visible(k), number(stats[k])) for k in sorted(stats)]
