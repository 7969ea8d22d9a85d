"""Render a scan: text for people, JSON (`prodready.scan/1`) for tools, SARIF 2.1.0 for
code scanning (suppressed findings appear as suppressions, not dropped), markdown for
pull-request comments."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from prodready import __version__
from prodready.errors import UsageError
from prodready.model import Finding
from prodready.scan.confidence import CONFIDENCES, at_least
from prodready.scan.engine import ScanResult
from prodready.scan.registry import all_rules

SCHEMA = "prodready.scan/1"
FORMATS = ("text", "json", "sarif", "markdown")
_SARIF_LEVEL = {"error": "error", "warning": "warning", "note": "note"}


def hide_below(result: ScanResult, floor: str) -> None:
    """Drop findings under the confidence floor from what is shown, and count them.

    Suppressed findings stay whatever their confidence: SARIF must still show that the
    suppression covers something. The count lets every format say how much was held back.
    """

    def kept(finding: Finding) -> bool:
        return finding.suppressed or at_least(finding.confidence, floor)

    shown = [f for f in result.findings if kept(f)]
    hidden = Counter(f.confidence for f in result.findings if not kept(f))
    result.stats["below_min_confidence"] = len(result.findings) - len(shown)
    for level in CONFIDENCES[: CONFIDENCES.index(floor)]:
        result.stats[f"below_min_confidence_{level}"] = hidden[level]
    result.findings = shown
    result.stats["findings"] = sum(1 for f in shown if not f.suppressed)


def _hidden_note(result: ScanResult) -> str:
    hidden = int(result.stats.get("below_min_confidence", 0))
    if not hidden:
        return ""
    levels = [
        (level, int(result.stats.get(f"below_min_confidence_{level}", 0)))
        for level in reversed(CONFIDENCES)
    ]
    held = [(level, count) for level, count in levels if count]
    split = ", ".join(f"{count} {level}" for level, count in held)
    weakest = held[-1][0] if held else "low"
    return (
        f"{hidden} finding(s) of lower confidence not shown ({split}); "
        f"`--min-confidence {weakest}` shows them"
    )


def render_scan(result: ScanResult, fmt: str) -> str:
    if fmt == "json":
        return json.dumps(to_dict(result), indent=2) + "\n"
    if fmt == "sarif":
        return json.dumps(to_sarif(result), indent=2) + "\n"
    if fmt == "text":
        return _text(result)
    if fmt == "markdown":
        return _markdown(result)
    raise UsageError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")


def to_dict(result: ScanResult) -> dict[str, Any]:
    return {
        "schema": SCHEMA,
        "findings": [
            {
                "rule": f.rule,
                "category": f.category,
                "severity": f.severity,
                "confidence": f.confidence,
                "path": f.path,
                "line": f.line,
                "end_line": f.end_line,
                "message": f.message,
                "remediation": f.remediation,
                "suppressed": f.suppressed,
                "suppression_reason": f.suppression_reason,
            }
            for f in result.findings
        ],
        "errors": [{"path": e.path, "reason": e.reason} for e in result.errors],
        "stats": dict(sorted(result.stats.items())),
    }


def to_sarif(result: ScanResult) -> dict[str, Any]:
    rules = all_rules()
    used = sorted({f.rule for f in result.findings})
    descriptors = []
    for rule_id in used:
        rule = rules.get(rule_id)
        if rule is None:  # the suppression-problem pseudo rule
            descriptors.append(
                {
                    "id": rule_id,
                    "name": "suppression",
                    "shortDescription": {"text": "Suppression problem"},
                }
            )
            continue
        descriptors.append(
            {
                "id": rule.id,
                "name": rule.name,
                "shortDescription": {"text": rule.what.split(". ")[0].strip()[:200]},
                "fullDescription": {"text": rule.what},
                "help": {"text": f"{rule.why}\n\nFix: {rule.fix}"},
                "properties": {"category": rule.category, "confidence": rule.confidence},
            }
        )
    results = []
    for f in result.findings:
        item: dict[str, Any] = {
            "ruleId": f.rule,
            "level": _SARIF_LEVEL.get(f.severity, "warning"),
            "message": {"text": f.message},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": f.path, "uriBaseId": "%SRCROOT%"},
                        "region": {"startLine": f.line, "endLine": max(f.line, f.end_line)},
                    }
                }
            ],
            "properties": {"category": f.category, "confidence": f.confidence},
        }
        if f.suppressed:
            item["suppressions"] = [
                {"kind": "inSource", "justification": f.suppression_reason or ""}
            ]
        results.append(item)
    notifications = [
        {
            "level": "warning",
            "message": {"text": e.reason},
            "locations": [{"physicalLocation": {"artifactLocation": {"uri": e.path}}}],
        }
        for e in result.errors
    ]
    return {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "prodready",
                        "version": __version__,
                        "informationUri": "https://pypi.org/project/prodready/",
                        "rules": descriptors,
                    }
                },
                "results": results,
                "invocations": [
                    {"executionSuccessful": True, "toolExecutionNotifications": notifications}
                ],
            }
        ],
    }


def _text(result: ScanResult) -> str:
    lines: list[str] = []
    active = [f for f in result.findings if not f.suppressed]
    for f in active:
        lines.append(f"{f.path}:{f.line}: {f.rule} [{f.category}] {f.message}")
    suppressed = len(result.findings) - len(active)
    for e in result.errors:
        lines.append(f"{e.path}: not analysed: {e.reason}")
    summary = f"{len(active)} finding(s)"
    if suppressed:
        summary += f", {suppressed} suppressed"
    summary += f" in {result.stats.get('files', 0)} file(s)"
    if result.errors:
        summary += f"; {len(result.errors)} could not be analysed"
    lines.append(summary)
    if note := _hidden_note(result):
        lines.append(note.replace("`", ""))
    return "\n".join(lines) + "\n"


def _markdown(result: ScanResult) -> str:
    active = [f for f in result.findings if not f.suppressed]
    out = [f"## prodready scan: {len(active)} finding(s)", ""]
    if active:
        out += ["| location | rule | category | message |", "|---|---|---|---|"]
        for f in active[:500]:
            msg = f.message.replace("|", "\\|").replace("<", "&lt;").replace("`", "'")
            out.append(f"| `{f.path}:{f.line}` | {f.rule} | {f.category} | {msg} |")
        if len(active) > 500:
            out.append(f"\n{len(active) - 500} more not shown.")
    if result.errors:
        out += ["", "Not analysed:", ""]
        out += [f"- `{e.path}`: {e.reason}" for e in result.errors]
    if note := _hidden_note(result):
        out += ["", note + "."]
    return "\n".join(out) + "\n"
