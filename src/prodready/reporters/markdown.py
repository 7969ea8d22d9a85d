"""Markdown for a pull-request comment or ``$GITHUB_STEP_SUMMARY``.

The output never exceeds ``MAX_CHARS`` (GitHub rejects comments over 65,536 characters):
sections are added whole, in order of importance, and the first one that does not fit is
replaced, with everything after it, by a note saying the report was truncated. Only the
blocking-gaps section, which must always show, is cut row by row if it alone is too long.

Every repository-derived string passes through ``md`` so a file name cannot end a table
cell, open a code span or inject HTML.

In a monorepo the blocking-gaps table also lists the components' gaps (as
``<component>:<criterion>``, with what is missing and the fix), and a "Components" section
follows the policy notes: a table of every component's verdict, then one collapsed
``<details>`` block per component with its known risk and per-dimension tables. Each of
those blocks is a section of its own for the size cap.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

from prodready.model import (
    AuditReport,
    CriterionResult,
    Dimension,
    Evidence,
    Status,
    Verdict,
)
from prodready.reporters._common import (
    EVIDENCE_PREVIEW,
    STATUS_ORDER,
    blocking,
    by_dimension,
    location,
    one_line,
    stats_items,
    status_counts,
    waived,
)

MAX_CHARS = 60_000

#: The smallest ``limit`` that always leaves room for the heading and the truncation note.
MIN_LIMIT = 1_000

#: Evidence lists longer than this go into a ``<details>`` block below the table.
DETAILS_THRESHOLD = EVIDENCE_PREVIEW

TRUNCATED_NOTE = (
    "\n> **Note:** this report was truncated to {limit:,} characters; {omitted}. "
    "Use `--format html` or `--format json` for the full report.\n"
)

_ESCAPES = {
    "\\": "\\\\",
    "|": "\\|",
    "`": "&#96;",
    "<": "&lt;",
    ">": "&gt;",
    "&": "&amp;",
    "*": "\\*",
    "_": "\\_",
    "[": "\\[",
    "]": "\\]",
    "~": "\\~",
    "#": "\\#",
}
_TABLE = str.maketrans(_ESCAPES)


def md(value: str) -> str:
    """Escape a repository-derived string for inline markdown, table cells included."""
    return one_line(value).translate(_TABLE)


def _html_text(value: str) -> str:
    """Escape for text inside an HTML block (``<summary>``), where markdown escapes are not
    processed; a backtick is written as an entity too, so it can never open a code span."""
    return html.escape(one_line(value)).replace("`", "&#96;")


def _status(result: CriterionResult) -> str:
    label = result.status.value
    if result.status in (Status.MISSING, Status.UNKNOWN):
        label = f"**{label}**"
    return label if result.required else f"{label} (advisory)"


def _evidence_item(item: Evidence) -> str:
    where = location(item.path, item.line)
    text = md(item.text)
    return f"{md(where)}: {text}" if where else text


@dataclass
class _Section:
    name: str
    lines: list[str]
    essential: bool = False

    def text(self) -> str:
        return "\n".join(self.lines) + "\n"


def _header(report: AuditReport) -> _Section:
    lines = [
        f"## prodready: {report.verdict.value} (tier {report.tier.value})",
        "",
        f"**Project:** {report.kind.value} ({md(report.kind_reason)})  ",
        f"**Root:** {md(report.root)}",
        "",
    ]
    lines += [f"- {md(reason)}" for reason in report.decision.reasons]
    return _Section("header", lines, essential=True)


def _blocking(report: AuditReport) -> _Section | None:
    gaps = blocking(report)
    if not gaps:
        return None
    lines = [
        "",
        f"### Blocking gaps ({len(gaps)})",
        "",
        "| Criterion | Status | Missing | Fix |",
        "| --- | --- | --- | --- |",
    ]
    for cid, result, _component in gaps:
        if result is None:
            lines.append(f"| {md(cid)} | | | |")
            continue
        lines.append(
            f"| **{md(cid)}** {md(result.title)} | {result.status.value} "
            f"| {md(result.missing or '')} | {md(result.remediation)} |"
        )
    return _Section("blocking gaps", lines, essential=True)


def _known_risk(report: AuditReport, level: str = "###") -> _Section | None:
    results = waived(report)
    if not results:
        return None
    lines = [
        "",
        f"{level} Known risk, waived ({len(results)})",
        "",
        "| Criterion | Was | Waiver | Owner | Approved by | Expires | Reason |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for result in results:
        was = result.original_status.value if result.original_status else ""
        w = result.waiver
        cells = (
            [md(w.id), md(w.owner), md(w.approved_by), md(w.expires), md(w.reason)]
            if w is not None
            else ["", "", "", "", ""]
        )
        lines.append(
            f"| **{md(result.id)}** {md(result.title)} | {was} | " + " | ".join(cells) + " |"
        )
    return _Section("known risk", lines)


def _notes(report: AuditReport, level: str = "###") -> _Section | None:
    if not report.policy_notes:
        return None
    lines = ["", f"{level} Policy notes", ""] + [f"- {md(note)}" for note in report.policy_notes]
    return _Section("policy notes", lines)


def _errors(report: AuditReport, level: str = "###") -> _Section | None:
    if not report.errors:
        return None
    lines = [
        "",
        f"{level} Inputs that could not be read ({len(report.errors)})",
        "",
        "| Path | Reason |",
        "| --- | --- |",
    ]
    lines += [f"| {md(e.path)} | {md(e.reason)} |" for e in report.errors]
    return _Section("unreadable inputs", lines)


def _evidence_cell(result: CriterionResult) -> str:
    parts: list[str] = []
    if result.status in (Status.MISSING, Status.UNKNOWN) and result.missing:
        parts.append(f"missing: {md(result.missing)}")
    if result.status is Status.WAIVED and result.waiver is not None:
        parts.append(f"waived by {md(result.waiver.id)}")
    parts += [_evidence_item(item) for item in result.evidence[:DETAILS_THRESHOLD]]
    hidden = len(result.evidence) - DETAILS_THRESHOLD
    if hidden > 0:
        parts.append(f"+{hidden} more, see below")
    return "<br>".join(parts)


def _dimension(dimension: Dimension, criteria: list[CriterionResult]) -> _Section:
    counts = status_counts(criteria)
    summary = ", ".join(f"{counts[s]} {s.value}" for s in STATUS_ORDER if counts[s])
    lines = ["", f"#### {dimension.value} ({summary or 'no criteria'})"]
    if not criteria:
        return _Section(dimension.value, lines)
    lines += ["", "| Criterion | Status | Evidence / missing |", "| --- | --- | --- |"]
    details: list[str] = []
    for result in criteria:
        lines.append(
            f"| **{md(result.id)}** {md(result.title)} | {_status(result)} "
            f"| {_evidence_cell(result)} |"
        )
        if len(result.evidence) > DETAILS_THRESHOLD:
            details += [
                "",
                "<details>",
                # Inside an HTML block markdown escapes are not processed: escape as HTML.
                f"<summary>{_html_text(result.id)}: "
                f"all {len(result.evidence)} evidence items</summary>",
                "",
            ]
            details += [f"- {_evidence_item(item)}" for item in result.evidence]
            details += ["", "</details>"]
    return _Section(dimension.value, lines + details)


def _findings(report: AuditReport) -> _Section | None:
    if not report.findings:
        return None
    lines = [
        "",
        f"### Findings ({len(report.findings)})",
        "",
        "| Rule | Category | Severity | Location | Message |",
        "| --- | --- | --- | --- | --- |",
    ]
    for f in report.findings:
        message = md(f.message)
        if f.suppressed:
            reason = md(f.suppression_reason or "no reason given")
            message = f"~~{message}~~ suppressed: {reason}"
        lines.append(
            f"| {md(f.rule)} | {md(f.category)} | {md(f.severity)} "
            f"| {md(location(f.path, f.line))} | {message} |"
        )
    return _Section("findings", lines)


def _layers(report: AuditReport) -> _Section | None:
    if not report.layers:
        return None
    lines = ["", "### Layers", "", "| Layer | Met | Implicit |", "| --- | --- | --- |"]
    for s in report.layers:
        met = f"{s.met}/{s.applicable}" if s.applicable else "not applicable"
        lines.append(f"| {s.layer.value} | {met} | {'**implicit**' if s.implicit else 'no'} |")
    return _Section("layers", lines)


def _stats(report: AuditReport) -> _Section | None:
    if not report.stats:
        return None
    items = ", ".join(f"{md(k)} {v}" for k, v in stats_items(report.stats))
    return _Section("stats", ["", f"<sub>{items}</sub>"])


def _outside(report: AuditReport) -> str:
    """Heading suffix: in a monorepo the repository's own results are those outside its
    components."""
    return " (outside the components)" if report.components else ""


def _components(report: AuditReport) -> _Section | None:
    if not report.components:
        return None
    lines = [
        "",
        f"### Components ({len(report.components)})",
        "",
        "| Component | Path | Tier | Verdict | Blocking |",
        "| --- | --- | --- | --- | --- |",
    ]
    for c in report.components:
        verdict = c.verdict.value
        if c.verdict is Verdict.BLOCK:
            verdict = f"**{verdict}**"
        lines.append(
            f"| {md(c.name)} | {md(c.root)} | {c.tier.value} | {verdict} "
            f"| {len(c.decision.blocking)} |"
        )
    return _Section("components", lines)


def _component(component: AuditReport) -> _Section:
    """One component's known risk and results, collapsed: its blocking gaps are already in
    the repository's blocking table."""
    gaps = len(component.decision.blocking)
    summary = (
        f"{_html_text(component.name)} ({_html_text(component.root)}): "
        f"{component.verdict.value} · tier {component.tier.value} · {component.kind.value}"
        f"{f', {gaps} blocking' if gaps else ''}"
    )
    lines = [
        "",
        "<details>",
        f"<summary>{summary}</summary>",
        "",
        f"**Project:** {component.kind.value} ({md(component.kind_reason)})",
    ]
    parts: list[_Section | None] = [
        _known_risk(component, "####"),
        _errors(component, "####"),
        _notes(component, "####"),
    ]
    parts += [_dimension(d, c) for d, c in by_dimension(component)]
    for part in parts:
        if part is not None:
            lines += part.lines
    lines += ["", "</details>"]
    return _Section(f"component {md(component.name)}", lines)


def _sections(report: AuditReport) -> list[_Section]:
    """Sections in display order, which is also the order of importance for truncation:
    unreadable inputs and policy notes come before the dimensions because they explain
    why criteria are ``unknown``."""
    candidates: list[_Section | None] = [
        _header(report),
        _blocking(report),
        _known_risk(report),
        _errors(report),
        _notes(report),
        _components(report),
        *(_component(component) for component in report.components),
        _Section("results heading", ["", f"### Results by dimension{_outside(report)}"]),
    ]
    candidates += [_dimension(d, c) for d, c in by_dimension(report)]
    candidates += [_findings(report), _layers(report), _stats(report)]
    return [s for s in candidates if s is not None]


def _note(omitted: list[str], limit: int) -> str:
    names = ", ".join(omitted)
    return TRUNCATED_NOTE.format(limit=limit, omitted=f"sections omitted: {names}")


def _fit(lines: list[str], budget: int) -> str:
    """As many whole lines as fit in ``budget`` characters (a table stays a table)."""
    kept: list[str] = []
    for line in lines:
        if len(line) + 1 > budget:
            break
        kept.append(line)
        budget -= len(line) + 1
    # A table cut before its first row would be a header with nothing under it: drop it.
    rows = 0
    while rows < len(kept) and kept[len(kept) - 1 - rows].startswith("|"):
        rows += 1
    if 0 < rows <= 2:
        del kept[-rows:]
    return "\n".join(kept) + "\n" if kept else ""


# Room kept for " (in part)" when an essential section has to be cut row by row.
_SLACK = 16


def render(report: AuditReport, *, limit: int = MAX_CHARS) -> str:
    """Render the markdown report, at most ``limit`` (>= ``MIN_LIMIT``) characters long."""
    if limit < MIN_LIMIT:
        raise ValueError(f"limit must be at least {MIN_LIMIT}, got {limit}")
    sections = _sections(report)
    whole = "".join(section.text() for section in sections)
    if len(whole) <= limit:
        return whole
    out: list[str] = []
    used = 0
    for index, section in enumerate(sections):
        chunk = section.text()
        later = [s.name for s in sections[index + 1 :]]
        # Whatever is added must leave room for the note that would name every later section.
        reserve = len(_note(later, limit)) + _SLACK if later else 0
        if used + len(chunk) + reserve <= limit:
            out.append(chunk)
            used += len(chunk)
            continue
        omitted = [section.name, *later]
        if section.essential:
            omitted[0] += " (in part)"
            note = _note(omitted, limit)
            out.append(_fit(section.lines, limit - used - len(note)))
        else:
            note = _note(omitted, limit)
        out.append(note)
        break
    return "".join(out)
