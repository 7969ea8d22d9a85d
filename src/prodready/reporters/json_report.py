"""Machine-readable report, schema ``prodready.audit/1``.

Key order is fixed by construction (dicts built in one place, ``sort_keys=False``), stats
are sorted by name, and non-finite numbers become ``null`` so the output is always valid
JSON. ``ensure_ascii`` keeps the bytes ASCII, so undecodable file names survive as
``\\udcxx`` escapes instead of failing to encode.

Beyond the keys in the design brief, the top level carries ``kind_reason`` (why the
project kind was chosen), criteria carry ``original_status`` (the status before a waiver
applied) and findings carry ``suppression_reason``; all are additive within version 1.

Monorepos: ``name`` is the component's name (``""`` for the repository) and
``components`` lists each declared component's report in the same shape (without
``schema``), in policy order; it is an empty list when the policy declares none. The
top-level ``decision`` already includes the components' gaps as ``<name>:<criterion>``.
"""

from __future__ import annotations

import json
import math
from typing import Any

from prodready.model import (
    AuditReport,
    CriterionResult,
    Evidence,
    Finding,
    LayerSummary,
    ReportError,
    WaiverRef,
)

SCHEMA = "prodready.audit/1"


def _evidence(item: Evidence) -> dict[str, Any]:
    return {"text": item.text, "path": item.path, "line": item.line}


def _waiver(waiver: WaiverRef | None) -> dict[str, Any] | None:
    if waiver is None:
        return None
    return {
        "id": waiver.id,
        "owner": waiver.owner,
        "approved_by": waiver.approved_by,
        "expires": waiver.expires,
        "reason": waiver.reason,
    }


def _criterion(result: CriterionResult) -> dict[str, Any]:
    return {
        "id": result.id,
        "title": result.title,
        "dimension": result.dimension.value,
        "layer": result.layer.value,
        "status": result.status.value,
        "required": result.required,
        "evidence": [_evidence(item) for item in result.evidence],
        "missing": result.missing,
        "remediation": result.remediation,
        "waiver": _waiver(result.waiver),
        "original_status": result.original_status.value if result.original_status else None,
    }


def _layer(summary: LayerSummary) -> dict[str, Any]:
    return {
        "layer": summary.layer.value,
        "met": summary.met,
        "applicable": summary.applicable,
        "implicit": summary.implicit,
    }


def _finding(finding: Finding) -> dict[str, Any]:
    return {
        "rule": finding.rule,
        "category": finding.category,
        "severity": finding.severity,
        "confidence": finding.confidence,
        "path": finding.path,
        "line": finding.line,
        "end_line": finding.end_line,
        "message": finding.message,
        "remediation": finding.remediation,
        "suppressed": finding.suppressed,
        "suppression_reason": finding.suppression_reason,
    }


def _error(error: ReportError) -> dict[str, Any]:
    return {"path": error.path, "reason": error.reason}


def _stat(value: int | float) -> int | float | None:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def to_dict(report: AuditReport) -> dict[str, Any]:
    """The report as plain JSON-compatible data, keys in their documented order."""
    return {"schema": SCHEMA, **_report(report)}


def _report(report: AuditReport) -> dict[str, Any]:
    decision = report.decision
    return {
        "verdict": decision.verdict.value,
        "tier": report.tier.value,
        "kind": report.kind.value,
        "kind_reason": report.kind_reason,
        "name": report.name,
        "root": report.root,
        "decision": {
            "blocking": list(decision.blocking),
            "known_risks": list(decision.known_risks),
            "reasons": list(decision.reasons),
        },
        "criteria": [_criterion(result) for result in report.criteria],
        "layers": [_layer(summary) for summary in report.layers],
        "findings": [_finding(finding) for finding in report.findings],
        "errors": [_error(error) for error in report.errors],
        "policy_notes": list(report.policy_notes),
        "stats": {key: _stat(report.stats[key]) for key in sorted(report.stats)},
        "components": [_report(component) for component in report.components],
    }


def render(report: AuditReport) -> str:
    """Render the JSON report: two-space indent, stable key order, trailing newline."""
    return json.dumps(to_dict(report), indent=2, sort_keys=False, allow_nan=False) + "\n"
