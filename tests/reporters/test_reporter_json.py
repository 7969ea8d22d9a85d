"""JSON report: schema field, stable key order, exact values, always valid JSON."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from prodready.model import AuditReport
from prodready.reporters import render


def strict_loads(text: str) -> Any:
    def reject(name: str) -> None:
        raise AssertionError(f"non-standard JSON constant {name}")

    return json.loads(text, parse_constant=reject)


def test_top_level_shape(block: AuditReport) -> None:
    out = render(block, "json")
    assert out.endswith("}\n")
    doc = strict_loads(out)
    assert list(doc) == [
        "schema",
        "verdict",
        "tier",
        "kind",
        "kind_reason",
        "name",
        "root",
        "decision",
        "criteria",
        "layers",
        "findings",
        "errors",
        "policy_notes",
        "stats",
        "components",
    ]
    assert doc["schema"] == "prodready.audit/1"
    assert (doc["name"], doc["components"]) == ("", [])
    assert (doc["verdict"], doc["tier"], doc["kind"]) == ("block", "production", "service")
    assert doc["root"] == "/srv/checkout/acme-billing"
    assert doc["decision"] == {
        "blocking": ["ARCH-001", "TEST-001"],
        "known_risks": ["DEPL-001"],
        "reasons": list(block.decision.reasons),
    }
    assert doc["errors"] == [
        {"path": "coverage.xml", "reason": "not well-formed XML: line 1, column 0"}
    ]
    assert doc["policy_notes"] == list(block.policy_notes)
    assert list(doc["stats"]) == sorted(block.stats)


def test_criteria(block: AuditReport) -> None:
    doc = strict_loads(render(block, "json"))
    assert [c["id"] for c in doc["criteria"]] == [c.id for c in block.criteria]
    first = doc["criteria"][0]
    assert list(first) == [
        "id",
        "title",
        "dimension",
        "layer",
        "status",
        "required",
        "evidence",
        "missing",
        "remediation",
        "waiver",
        "original_status",
    ]
    assert first["evidence"][0] == {
        "text": "requests.post() without timeout",
        "path": "src/billing/client.py",
        "line": 42,
    }
    assert len(first["evidence"]) == 5  # never capped in machine output
    assert first["waiver"] is None
    waived = next(c for c in doc["criteria"] if c["id"] == "DEPL-001")
    assert waived["status"] == "waived"
    assert waived["original_status"] == "missing"
    assert waived["waiver"] == {
        "id": "W-12",
        "owner": "alice",
        "approved_by": "bob",
        "expires": "2031-03-31",
        "reason": "blue/green switch-back documented in the platform wiki",
    }
    na = next(c for c in doc["criteria"] if c["id"] == "DOC-002")
    assert na["evidence"] == [
        {"text": "services have no public Python API", "path": None, "line": None}
    ]


def test_layers_and_findings(block: AuditReport) -> None:
    doc = strict_loads(render(block, "json"))
    assert doc["layers"][1] == {"layer": "constraints", "met": 2, "applicable": 5, "implicit": True}
    assert doc["layers"][0]["implicit"] is False
    suppressed = doc["findings"][2]
    assert list(suppressed) == [
        "rule",
        "category",
        "severity",
        "confidence",
        "path",
        "line",
        "end_line",
        "message",
        "remediation",
        "suppressed",
        "suppression_reason",
    ]
    assert suppressed["suppressed"] is True
    assert suppressed["suppression_reason"] == "best-effort cache warm-up; failure is harmless"
    assert doc["findings"][0]["suppressed"] is False


def test_strings_are_data_not_markup(hostile: AuditReport) -> None:
    doc = strict_loads(render(hostile, "json"))
    evidence = doc["criteria"][0]["evidence"]
    assert evidence[0]["text"] == "<script>alert(1)</script>"
    assert evidence[1]["path"] == "a\x1b[31mred\x1b[0m.py"  # exact, JSON-escaped on the wire
    assert "\x1b" not in render(hostile, "json")


def test_non_finite_stats_become_null(block: AuditReport) -> None:
    report = dataclasses.replace(block, stats={"ratio": float("nan"), "top": float("inf"), "n": 1})
    doc = strict_loads(render(report, "json"))
    assert doc["stats"] == {"n": 1, "ratio": None, "top": None}


def test_undecodable_file_names_survive(block: AuditReport) -> None:
    report = dataclasses.replace(block, root="/srv/caf\udce9")
    out = render(report, "json")
    assert out.isascii()
    assert strict_loads(out)["root"] == "/srv/caf\udce9"


def test_ship_report(ship: AuditReport) -> None:
    doc = strict_loads(render(ship, "json"))
    assert doc["verdict"] == "ship"
    assert doc["decision"] == {
        "blocking": [],
        "known_risks": [],
        "reasons": ["all required criteria are met"],
    }
    assert doc["findings"] == doc["errors"] == doc["policy_notes"] == []
    assert doc["stats"] == {}
