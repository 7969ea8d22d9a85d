"""SARIF 2.1.0 for code-scanning upload: one run, tool ``prodready``.

Rules: one per criterion in the report (short description = title, help = remediation,
default level ``error`` when required else ``warning``), then one per finding rule in
order of first appearance (short description = category, help = remediation).

Results:

* every finding, level from its severity (``error`` / ``warning`` / ``note``; anything
  else is ``warning``). A suppressed finding is kept and carries
  ``suppressions: [{"kind": "inSource", "justification": reason}]``.
* every criterion whose status is ``missing`` or ``unknown`` (level ``error`` if required,
  else ``warning``), and every ``waived`` criterion, kept with an ``external`` suppression
  whose justification names the waiver, its owner, approver and expiry, so known risk
  stays visible in code scanning too.

Locations: a finding is located at its path and lines. A criterion is located at the
first of its evidence items that has a path (the other located items become
``relatedLocations``). A criterion with no located evidence is about the repository as a
whole; viewers such as GitHub code scanning need a file, so it is placed on
``README.md`` (``REPOSITORY_LOCATION``) with no region, and the result's
``properties.repositoryLevel`` is ``true`` so a consumer can tell the location is nominal.

URIs are repository-relative paths as given, percent-encoded (RFC 3986) so that spaces,
``#`` or ``?`` in a file name cannot change what the URI refers to.

Monorepos: each component's criteria gaps are results too (after the repository's), with
``properties.component`` set to the component's name and the message prefixed with
``[name]``; their evidence paths are already repository-relative. A component's criteria
add rules only for ids the repository does not have. Its unreadable inputs and policy
notes become notifications prefixed the same way, and the run's properties list every
component's verdict under ``components``.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

from prodready import __version__
from prodready.model import AuditReport, CriterionResult, Evidence, Finding, Status

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_VERSION = "2.1.0"

#: Where a repository-level criterion (no located evidence) is reported.
REPOSITORY_LOCATION = "README.md"

_LEVELS = frozenset({"error", "warning", "note"})
_PRECISION = {"high": "high", "medium": "medium", "low": "low"}


def _uri(path: str) -> str:
    try:
        return quote(path, safe="/", errors="surrogateescape")
    except UnicodeEncodeError:  # a surrogate that is not an undecodable byte
        return quote(path, safe="/", errors="surrogatepass")


def _location(path: str, line: int | None = None, end_line: int | None = None) -> dict[str, Any]:
    physical: dict[str, Any] = {"artifactLocation": {"uri": _uri(path)}}
    if line is not None and line >= 1:
        end = end_line if end_line is not None and end_line >= line else line
        physical["region"] = {"startLine": line, "endLine": end}
    return {"physicalLocation": physical}


def _level(severity: str) -> str:
    return severity if severity in _LEVELS else "warning"


def _criterion_rule(result: CriterionResult) -> dict[str, Any]:
    return {
        "id": result.id,
        "shortDescription": {"text": result.title or result.id},
        "help": {"text": result.remediation or result.title or result.id},
        "defaultConfiguration": {"level": "error" if result.required else "warning"},
        "properties": {
            "dimension": result.dimension.value,
            "layer": result.layer.value,
            "tags": ["prodready", result.dimension.value, result.layer.value],
        },
    }


def _finding_rule(finding: Finding) -> dict[str, Any]:
    properties: dict[str, Any] = {"tags": ["prodready", finding.category]}
    if finding.confidence in _PRECISION:
        properties["precision"] = _PRECISION[finding.confidence]
    return {
        "id": finding.rule,
        "shortDescription": {"text": finding.category or finding.rule},
        "help": {"text": finding.remediation or finding.category or finding.rule},
        "defaultConfiguration": {"level": _level(finding.severity)},
        "properties": properties,
    }


def _rules(report: AuditReport) -> list[dict[str, Any]]:
    rules: dict[str, dict[str, Any]] = {}
    for result in report.criteria:
        rules.setdefault(result.id, _criterion_rule(result))
    for component in report.components:
        for result in component.criteria:
            rules.setdefault(result.id, _criterion_rule(result))
    for finding in report.findings:
        rules.setdefault(finding.rule, _finding_rule(finding))
    return list(rules.values())


def _finding_result(finding: Finding, index: int) -> dict[str, Any]:
    result: dict[str, Any] = {
        "ruleId": finding.rule,
        "ruleIndex": index,
        "level": _level(finding.severity),
        "message": {"text": finding.message or finding.rule},
        "locations": [
            _location(finding.path or REPOSITORY_LOCATION, finding.line, finding.end_line)
        ],
        "properties": {"category": finding.category, "confidence": finding.confidence},
    }
    if finding.suppressed:
        suppression: dict[str, Any] = {"kind": "inSource"}
        if finding.suppression_reason:
            suppression["justification"] = finding.suppression_reason
        result["suppressions"] = [suppression]
    return result


def _related(item: Evidence, index: int) -> dict[str, Any]:
    location = _location(item.path or "", item.line)
    return {"id": index, **location, "message": {"text": item.text or item.location()}}


def _criterion_result(
    result: CriterionResult, index: int, blocking: bool, component: str | None = None
) -> dict[str, Any]:
    located = [item for item in result.evidence if item.path]
    detail = result.missing or result.status.value
    prefix = "" if component is None else f"[{component}] "
    out: dict[str, Any] = {
        "ruleId": result.id,
        "ruleIndex": index,
        "level": "error" if result.required else "warning",
        "message": {"text": f"{prefix}{result.title}: {detail}"},
    }
    if located:
        first = located[0]
        out["locations"] = [_location(first.path or "", first.line)]
        if len(located) > 1:
            out["relatedLocations"] = [
                _related(item, n) for n, item in enumerate(located[1:], start=1)
            ]
    else:
        out["locations"] = [_location(REPOSITORY_LOCATION)]
    out["properties"] = {
        "status": result.status.value,
        "required": result.required,
        "blocking": blocking,
        "dimension": result.dimension.value,
        "layer": result.layer.value,
        "repositoryLevel": not located,
    }
    if component is not None:
        out["properties"]["component"] = component
    if result.original_status is not None:
        out["properties"]["originalStatus"] = result.original_status.value
    waiver = result.waiver
    if result.status is Status.WAIVED:
        suppression: dict[str, Any] = {"kind": "external", "status": "accepted"}
        if waiver is not None:
            suppression["justification"] = (
                f"waiver {waiver.id} (owner {waiver.owner}, approved by {waiver.approved_by}, "
                f"expires {waiver.expires}): {waiver.reason}"
            )
        out["suppressions"] = [suppression]
    return out


_REPORTED = (Status.MISSING, Status.UNKNOWN, Status.WAIVED)


def _gap_results(
    report: AuditReport, rule_index: dict[str, int], component: str | None = None
) -> list[dict[str, Any]]:
    blocking = set(report.decision.blocking)
    return [
        _criterion_result(result, rule_index[result.id], result.id in blocking, component)
        for result in report.criteria
        if result.status in _REPORTED
    ]


def _results(report: AuditReport, rule_index: dict[str, int]) -> list[dict[str, Any]]:
    results = _gap_results(report, rule_index)
    for component in report.components:
        results += _gap_results(component, rule_index, component.name)
    results += [_finding_result(f, rule_index[f.rule]) for f in report.findings]
    return results


def _scoped(report: AuditReport) -> list[tuple[str, AuditReport]]:
    """The repository (no prefix) then each component, prefixed with ``[name] ``."""
    return [("", report), *((f"[{c.name}] ", c) for c in report.components)]


def _invocation(report: AuditReport) -> dict[str, Any]:
    invocation: dict[str, Any] = {"executionSuccessful": True}
    errors = [
        {
            "level": "warning",
            "message": {"text": f"{prefix}could not read {error.path}: {error.reason}"},
            **({"locations": [_location(error.path)]} if error.path else {}),
        }
        for prefix, scope in _scoped(report)
        for error in scope.errors
    ]
    if errors:
        invocation["toolExecutionNotifications"] = errors
    notes = [
        {"level": "note", "message": {"text": f"{prefix}{note or '(empty policy note)'}"}}
        for prefix, scope in _scoped(report)
        for note in scope.policy_notes
    ]
    if notes:
        invocation["toolConfigurationNotifications"] = notes
    return invocation


def _component(component: AuditReport) -> dict[str, Any]:
    decision = component.decision
    return {
        "name": component.name,
        "path": component.root,
        "verdict": decision.verdict.value,
        "tier": component.tier.value,
        "kind": component.kind.value,
        "blocking": list(decision.blocking),
        "knownRisks": list(decision.known_risks),
    }


def to_dict(report: AuditReport) -> dict[str, Any]:
    """The SARIF log as plain JSON-compatible data."""
    rules = _rules(report)
    rule_index = {rule["id"]: n for n, rule in enumerate(rules)}
    decision = report.decision
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "prodready",
                "version": __version__,
                "semanticVersion": __version__,
                "rules": rules,
            }
        },
        "invocations": [_invocation(report)],
        "results": _results(report, rule_index),
        "properties": {
            "verdict": decision.verdict.value,
            "tier": report.tier.value,
            "kind": report.kind.value,
            "blocking": list(decision.blocking),
            "knownRisks": list(decision.known_risks),
            "reasons": list(decision.reasons),
        },
    }
    if report.components:
        run["properties"]["components"] = [_component(c) for c in report.components]
    return {"$schema": SARIF_SCHEMA, "version": SARIF_VERSION, "runs": [run]}


def render(report: AuditReport) -> str:
    """Render the SARIF log: two-space indent, stable key order, trailing newline."""
    return json.dumps(to_dict(report), indent=2) + "\n"
