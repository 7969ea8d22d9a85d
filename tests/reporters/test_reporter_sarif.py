"""SARIF 2.1.0: the parts of the schema code-scanning consumers rely on, checked by hand."""

from __future__ import annotations

import json
from typing import Any

import pytest
from reporter_checks import check_sarif

from prodready.model import AuditReport
from prodready.reporters import render


def sarif(report: AuditReport) -> Any:
    doc = json.loads(render(report, "sarif"))
    check_sarif(doc)
    return doc


def results_by_rule(doc: Any) -> dict[str, list[Any]]:
    out: dict[str, list[Any]] = {}
    for result in doc["runs"][0]["results"]:
        out.setdefault(result["ruleId"], []).append(result)
    return out


@pytest.mark.parametrize("name", ["block", "ship", "hostile"])
def test_valid_structure(name: str, request: pytest.FixtureRequest) -> None:
    sarif(request.getfixturevalue(name))


def test_rules_cover_every_criterion_and_finding_rule(block: AuditReport) -> None:
    doc = sarif(block)
    rules = doc["runs"][0]["tool"]["driver"]["rules"]
    ids = [rule["id"] for rule in rules]
    assert ids == [c.id for c in block.criteria] + ["PR101", "PR401", "PR203"]
    arch = rules[0]
    assert arch["shortDescription"]["text"] == "Outbound calls have timeouts"
    assert arch["help"]["text"] == block.criteria[0].remediation
    assert arch["defaultConfiguration"]["level"] == "error"
    timeout = rules[ids.index("PR101")]
    assert timeout["shortDescription"]["text"] == "timeout"
    assert timeout["help"]["text"] == "Pass timeout= to requests.post()."
    assert timeout["properties"]["precision"] == "high"


def test_findings_are_results_and_suppressed_ones_are_kept(block: AuditReport) -> None:
    by_rule = results_by_rule(sarif(block))
    (timeout,) = by_rule["PR101"]
    assert timeout["level"] == "warning"
    assert timeout["message"]["text"] == "requests.post() has no timeout"
    assert timeout["locations"][0]["physicalLocation"] == {
        "artifactLocation": {"uri": "src/billing/client.py"},
        "region": {"startLine": 42, "endLine": 44},
    }
    assert "suppressions" not in timeout
    assert by_rule["PR401"][0]["level"] == "error"
    (swallowed,) = by_rule["PR203"]
    assert swallowed["suppressions"] == [
        {"kind": "inSource", "justification": "best-effort cache warm-up; failure is harmless"}
    ]


def test_criteria_results(block: AuditReport) -> None:
    by_rule = results_by_rule(sarif(block))
    # Only gaps (and waived gaps) are results; met and not-applicable criteria are not.
    criteria_results = [k for k in by_rule if not k.startswith("PR")]
    assert criteria_results == [
        "ARCH-001",
        "TEST-001",
        "DEPL-001",
        "SEC-002",
        "SEC-003",
        "OBS-001",
        "OWN-002",
    ]

    (arch,) = by_rule["ARCH-001"]
    assert arch["level"] == "error"
    assert arch["message"]["text"] == (
        "Outbound calls have timeouts: 5 outbound HTTP calls in src/billing have no timeout"
    )
    assert arch["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == (
        "src/billing/client.py"
    )
    assert len(arch["relatedLocations"]) == 4
    assert arch["properties"]["blocking"] is True
    assert arch["properties"]["repositoryLevel"] is False

    (pinned,) = by_rule["SEC-002"]
    assert pinned["level"] == "warning"
    assert pinned["properties"]["blocking"] is False

    (vulns,) = by_rule["SEC-003"]  # no located evidence: placed on the repository README
    assert vulns["locations"] == [{"physicalLocation": {"artifactLocation": {"uri": "README.md"}}}]
    assert vulns["properties"]["repositoryLevel"] is True
    assert vulns["properties"]["status"] == "unknown"


def test_waived_gap_is_an_externally_suppressed_result(block: AuditReport) -> None:
    (rollback,) = results_by_rule(sarif(block))["DEPL-001"]
    assert rollback["level"] == "error"
    assert rollback["properties"]["status"] == "waived"
    assert rollback["properties"]["originalStatus"] == "missing"
    (suppression,) = rollback["suppressions"]
    assert suppression["kind"] == "external"
    assert suppression["status"] == "accepted"
    justification = suppression["justification"]
    for part in ("W-12", "owner alice", "approved by bob", "expires 2031-03-31"):
        assert part in justification


def test_run_properties_and_notifications(block: AuditReport) -> None:
    run = sarif(block)["runs"][0]
    assert run["properties"]["verdict"] == "block"
    assert run["properties"]["blocking"] == ["ARCH-001", "TEST-001"]
    (invocation,) = run["invocations"]
    (error,) = invocation["toolExecutionNotifications"]
    assert error["message"]["text"] == (
        "could not read coverage.xml: not well-formed XML: line 1, column 0"
    )
    (note,) = invocation["toolConfigurationNotifications"]
    assert note["message"]["text"].startswith("waiver W-7 for OBS-001 expired")


def test_uris_are_percent_encoded(hostile: AuditReport) -> None:
    run = sarif(hostile)["runs"][0]
    finding = run["results"][-1]
    uri = finding["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert (
        uri
        == "src/%3Cscript%3Ealert%281%29%3C/script%3E%22%20onload%3D%22alert%282%29%7Cx%60y%60.py"
    )
    assert finding["suppressions"][0]["justification"] == "<script>alert(1)</script>"


def test_ship_report_has_no_results(ship: AuditReport) -> None:
    run = sarif(ship)["runs"][0]
    assert run["results"] == []
    assert [r["id"] for r in run["tool"]["driver"]["rules"]] == ["TEST-002", "DOC-001", "DEPL-002"]
