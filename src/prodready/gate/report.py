"""The gate's one page: markdown for a pull-request comment or the job summary, text for a
terminal, JSON (`prodready.gate/1`) for tools, SARIF for code scanning."""

from __future__ import annotations

import json
from typing import Any

from prodready import __version__
from prodready.errors import UsageError
from prodready.gate.run import GateReport
from prodready.model import CriterionResult, Evidence, Status

SCHEMA = "prodready.gate/1"
FORMATS = ("text", "markdown", "json", "sarif")
_MARK = {
    Status.MET: "✅",
    Status.MISSING: "❌",
    Status.UNKNOWN: "❓",
    Status.WAIVED: "⚠️",
    Status.NOT_APPLICABLE: "—",
}
_MAX_EVIDENCE = 6
_MARKDOWN_LIMIT = 60_000


def render_gate(report: GateReport, fmt: str) -> str:
    if fmt == "json":
        return json.dumps(to_dict(report), indent=2, ensure_ascii=False) + "\n"
    if fmt == "markdown":
        return _markdown(report)
    if fmt == "text":
        return _text(report)
    if fmt == "sarif":
        return json.dumps(_sarif(report), indent=2) + "\n"
    raise UsageError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")


def _evidence(e: Evidence) -> dict[str, Any]:
    return {"text": e.text, "path": e.path, "line": e.line}


def to_dict(report: GateReport) -> dict[str, Any]:
    n = report.numbers
    return {
        "schema": SCHEMA,
        "verdict": report.verdict,
        "base": {"ref": report.base, "sha": report.base_sha, "merge_base": report.merge_base},
        "head": {"ref": report.head, "sha": report.head_sha, "branch": report.branch},
        "tier": report.tier.value,
        "change": {
            "production_lines": {"added": n.production_added, "removed": n.production_removed},
            "test_lines": {"added": n.test_added, "removed": n.test_removed},
            "tests_added": n.tests_added,
            "sensitive_groups": list(n.sensitive_groups),
            "findings": n.findings,
            "findings_fixed_before_merge": n.fixed_before_merge,
            "commits": n.commits,
            "ai_assisted_commits": n.assisted_commits,
            "assistants": list(n.assistants),
        },
        "items": [
            {
                "id": r.id,
                "title": r.title,
                "status": r.status.value,
                "required": r.required,
                "blocking": r.id in report.decision.blocking,
                "evidence": [_evidence(e) for e in r.evidence],
                "missing": r.missing,
                "remediation": r.remediation,
                "waiver": None
                if r.waiver is None
                else {
                    "id": r.waiver.id,
                    "owner": r.waiver.owner,
                    "approved_by": r.waiver.approved_by,
                    "expires": r.waiver.expires,
                    "reason": r.waiver.reason,
                },
            }
            for r in report.items
        ],
        "sensitive": [
            {"group": h.group, "path": h.path, "line": h.line, "reason": h.reason}
            for h in report.sensitive
        ],
        "findings": [
            {
                "rule": f.rule,
                "category": f.category,
                "severity": f.severity,
                "path": f.path,
                "line": f.line,
                "end_line": f.end_line,
                "message": f.message,
                "suppressed": f.suppressed,
            }
            for f in report.findings
        ],
        "ways_forward": [
            {"kind": w.kind, "summary": w.summary, "steps": list(w.steps)} for w in report.ways
        ],
        "waivers": list(report.waivers),
        "decision": {
            "blocking": list(report.decision.blocking),
            "known_risks": list(report.decision.known_risks),
            "reasons": list(report.decision.reasons),
        },
        "errors": [{"path": e.path, "reason": e.reason} for e in report.errors],
        "notes": list(report.notes),
        "stats": dict(sorted(report.stats.items())),
    }


def _md(text: str) -> str:
    """Repository strings in a table cell: no pipes, no HTML, no code fences."""
    return (
        text.replace("\\", "\\\\")
        .replace("|", "\\|")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("`", "'")
        .replace("\n", " ")
    )


def _where(e: Evidence) -> str:
    """A location as a code span; a name a code span cannot carry (inside one, `&lt;`
    shows as typed and a `|` must still be escaped in a table) as escaped plain text."""
    loc = e.location()
    if not loc:
        return ""
    if any(c in loc for c in "`|<>&\\\n"):
        plain = _md(loc.replace("&", "&amp;"))
        for c in "*_[]~#!":
            plain = plain.replace(c, "\\" + c)
        return f"{plain} "
    return f"`{loc}` "


def _numbers_line(report: GateReport) -> str:
    n = report.numbers
    fixed = f", {n.fixed_before_merge} fixed before merge" if n.fixed_before_merge else ""
    ai = f"{n.assisted_commits} of {n.commits} commits declare AI assistance"
    if n.assistants:
        ai += f" ({', '.join(n.assistants)})"
    return (
        f"**Change:** +{n.production_added}/-{n.production_removed} production lines, "
        f"+{n.test_added}/-{n.test_removed} test lines · {n.tests_added} tests added · "
        f"sensitive: {', '.join(n.sensitive_groups) or 'none'} · "
        f"{n.findings} finding(s) on changed lines{fixed} · {ai}"
    )


def _markdown(report: GateReport) -> str:
    verdict = report.verdict.upper()
    out = [
        f"## prodready gate: {verdict} (tier {report.tier.value})",
        "",
        f"`{report.base}` ({report.merge_base[:10]}) → `{report.head}` ({report.head_sha[:10]})",
        "",
        _numbers_line(report),
        "",
        "| | item | status | evidence or what is missing |",
        "|---|---|---|---|",
    ]
    for r in report.items:
        out.append(f"| {_MARK[r.status]} | {_md(r.title)} | {_status(r, report)} | {_cell(r)} |")
    blocking = [r for r in report.items if r.id in report.decision.blocking]
    if blocking:
        out += ["", "### What blocks", ""]
        for r in blocking:
            out.append(f"- **{_md(r.title)}** — {_md(r.missing or '')}")
            for e in r.evidence[:_MAX_EVIDENCE]:
                out.append(f"  - {_where(e)}{_md(e.text)}")
            out.append(f"  - Fix: {_md(r.remediation)}")
    if report.ways:
        out += ["", "### Ways forward", ""]
        for i, way in enumerate(report.ways, start=1):
            out.append(f"{i}. **{_md(way.summary)}**")
            out += [f"   - {_md(step)}" for step in way.steps]
    waived = [r for r in report.items if r.waiver is not None]
    if waived:
        out += ["", "### Known risk (waived)", ""]
        for r in waived:
            w = r.waiver
            assert w is not None
            out.append(
                f"- {_md(r.title)}: {_md(w.reason)} — owner {_md(w.owner)}, approved by "
                f"{_md(w.approved_by)}, expires {w.expires}"
            )
    notes = [*report.waivers, *report.notes, *(f"{e.path}: {e.reason}" for e in report.errors)]
    if notes:
        out += ["", "<details><summary>Notes</summary>", ""]
        out += [f"- {_md(n)}" for n in notes]
        out += ["", "</details>"]
    text = "\n".join(out) + "\n"
    if len(text) > _MARKDOWN_LIMIT:
        text = (
            text[: _MARKDOWN_LIMIT - 200].rsplit("\n", 1)[0]
            + "\n\n_(truncated: see the JSON report)_\n"
        )
    return text


def _status(r: CriterionResult, report: GateReport) -> str:
    if r.id in report.decision.blocking:
        return f"**{r.status.value}, blocks**"
    return r.status.value + (
        "" if r.required or r.status is Status.NOT_APPLICABLE else " (advisory)"
    )


def _cell(r: CriterionResult) -> str:
    if r.status in (Status.MISSING, Status.UNKNOWN) and r.missing:
        return _md(r.missing)
    parts = [f"{_where(e)}{_md(e.text)}" for e in r.evidence[:2]]
    return "<br>".join(parts) if parts else ""


def _text(report: GateReport) -> str:
    lines = [
        f"prodready gate: {report.verdict.upper()}  tier {report.tier.value}",
        f"{report.base} ({report.merge_base[:10]}) -> {report.head} ({report.head_sha[:10]})",
        _numbers_line(report).replace("**", ""),
        "",
    ]
    for r in report.items:
        flag = (
            "BLOCKS"
            if r.id in report.decision.blocking
            else ("required" if r.required else "advisory")
        )
        lines.append(f"[{r.status.value:>14}] {r.title}  ({r.id}, {flag})")
        if r.status in (Status.MISSING, Status.UNKNOWN) and r.missing:
            lines.append(f"    missing: {r.missing}")
        for e in r.evidence[:_MAX_EVIDENCE]:
            where = f"{e.location()}  " if e.location() else ""
            lines.append(f"    {where}{e.text}")
        if r.waiver is not None:
            lines.append(
                f"    waived until {r.waiver.expires} by {r.waiver.approved_by} "
                f"(owner {r.waiver.owner})"
            )
    for way in report.ways:
        lines.append("")
        lines.append(f"* {way.summary}")
        lines += [f"    - {s}" for s in way.steps]
    for note in [*report.waivers, *report.notes]:
        lines.append(f"note: {note}")
    for err in report.errors:
        lines.append(f"error: {err.path}: {err.reason}")
    return "\n".join(lines) + "\n"


def _sarif(report: GateReport) -> dict[str, Any]:
    results = []
    for f in report.findings:
        item: dict[str, Any] = {
            "ruleId": f.rule,
            "level": f.severity if f.severity in ("error", "warning", "note") else "warning",
            "message": {"text": f.message},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": f.path},
                        "region": {"startLine": f.line, "endLine": max(f.line, f.end_line)},
                    }
                }
            ],
        }
        if f.suppressed:
            item["suppressions"] = [{"kind": "inSource"}]
        results.append(item)
    for r in report.items:
        if r.status not in (Status.MISSING, Status.UNKNOWN):
            continue
        located = next((e for e in r.evidence if e.path), None)
        location: dict[str, Any] = {
            "artifactLocation": {"uri": located.path if located else "README.md"}
        }
        if located and located.line:
            location["region"] = {"startLine": located.line}
        results.append(
            {
                "ruleId": r.id,
                "level": "error" if r.id in report.decision.blocking else "warning",
                "message": {"text": f"{r.title}: {r.missing or r.status.value}"},
                "locations": [{"physicalLocation": location}],
            }
        )
    rules = sorted({str(x["ruleId"]) for x in results})
    return {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "prodready-gate",
                        "version": __version__,
                        "rules": [{"id": r, "shortDescription": {"text": r}} for r in rules],
                    }
                },
                "results": results,
            }
        ],
    }
