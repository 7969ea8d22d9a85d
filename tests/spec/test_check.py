"""`check_spec` names each missing or vague part, with its line, and the tier decides
which of them block; `prodready spec check` turns that into exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from prodready.model import Tier
from prodready.spec import SpecGap, check_spec, parse_spec
from tests.spec import COMPLETE, line_of, replaced, without

E, INT, P, C = Tier.EXPERIMENTAL, Tier.INTERNAL, Tier.PRODUCTION, Tier.CRITICAL


def gaps(text: str, tier: Tier = C) -> list[tuple[int, str, bool]]:
    check = check_spec(parse_spec(text, "specs/refunds.md"), tier)
    assert check.buildable == (not any(g.blocking for g in check.gaps))
    return [(g.line, g.message, g.blocking) for g in check.gaps]


def only_gap(text: str, tier: Tier = C) -> SpecGap:
    check = check_spec(parse_spec(text, "specs/refunds.md"), tier)
    assert len(check.gaps) == 1, check.gaps
    return check.gaps[0]


def test_complete_spec_is_buildable_at_every_tier_without_a_gap() -> None:
    spec = parse_spec(COMPLETE, "specs/refunds.md")
    for tier in Tier:
        assert check_spec(spec, tier).gaps == ()
        assert check_spec(spec, tier).buildable


def test_failure_behaviour_not_stated_for_an_endpoint() -> None:
    text = without(COMPLETE, "**Failure:**", "- Stripe timeout", "- Unknown order")
    gap = only_gap(text)
    assert gap == SpecGap(
        "interfaces",
        line_of(text, "### POST /refunds"),
        "failure behaviour: not stated for POST /refunds",
        True,
        INT,
    )


def test_authorization_rule_not_stated_for_an_endpoint_with_sub_headings() -> None:
    text = without(COMPLETE, "#### Authorization", "Only the agent who created it")
    gap = only_gap(text)
    assert (gap.section, gap.line, gap.message, gap.required_from) == (
        "interfaces",
        line_of(text, "### DELETE /refunds/{id}"),
        "authorization rule: not stated for DELETE /refunds/{id}",
        P,
    )
    # required from production: buildable one tier below
    assert check_spec(parse_spec(text, "s.md"), INT).buildable
    assert not check_spec(parse_spec(text, "s.md"), P).buildable


def test_a_label_with_nothing_after_it_points_at_the_label() -> None:
    text = replaced(
        COMPLETE,
        "**Validation:** amount > 0 and at most the amount paid; order_id must exist.",
        "**Validation:**",
    )
    assert only_gap(text).message == "validation rules: not stated for POST /refunds"
    assert only_gap(text).line == line_of(text, "**Validation:**")


def test_placeholder_in_an_endpoint_part() -> None:
    text = replaced(COMPLETE, "**Failure:**", "**Failure:** TODO")
    text = without(text, "- Stripe timeout", "- Unknown order")
    assert gaps(text) == [
        (
            line_of(text, "**Failure:** TODO"),
            "failure behaviour: still a placeholder for POST /refunds (TODO)",
            True,
        )
    ]


def test_vague_acceptance_criterion() -> None:
    text = replaced(
        COMPLETE, "**AC-3:** an agent without the `refunds:write` role gets 403.", "AC-3: it works"
    )
    gap = only_gap(text)
    assert (gap.section, gap.line, gap.message, gap.required_from) == (
        "acceptance",
        line_of(text, "AC-3: it works"),
        "AC-3 has no observable outcome",
        P,
    )
    assert gaps(text, INT) == [(gap.line, gap.message, False)]


@pytest.mark.parametrize(
    "criterion",
    ["it works", "the page is fast", "the refund flow is good", "handles errors", "is secure"],
)
def test_vague_criteria(criterion: str) -> None:
    text = replaced(COMPLETE, "AC-2: a refund larger than the amount paid is rejected with 422 "
                    "and nothing is charged.", f"AC-2: {criterion}")  # fmt: skip
    assert only_gap(text).message == "AC-2 has no observable outcome"


@pytest.mark.parametrize(
    "criterion",
    [
        "a negative amount returns 422",
        "a refund for another shop is rejected with an error",
        "the customer is sent an e-mail receipt",
        "the customer receives an e-mail",
        "the refunds page loads within 200 ms",
        "the refund appears in the list",
        "the order is marked refunded",
        "an agent cannot refund twice",
    ],
)
def test_observable_criteria(criterion: str) -> None:
    text = replaced(COMPLETE, "AC-2: a refund larger than the amount paid is rejected with 422 "
                    "and nothing is charged.", f"AC-2: {criterion}")  # fmt: skip
    assert gaps(text) == []


def test_placeholder_criterion_and_unnumbered_items() -> None:
    text = replaced(
        COMPLETE, "**AC-3:** an agent", "AC-3: TODO\n- agents see the refund total\n- an agent"
    )
    line = line_of(text, "AC-3: TODO")
    assert gaps(text, E) == [
        (line, "AC-3: still a placeholder (TODO)", True),
        (line + 1, "acceptance criteria: item has no id (AC-n)", False),
        (line + 2, "acceptance criteria: item has no id (AC-n)", False),
    ]


def test_acceptance_without_any_id_or_without_any_list() -> None:
    text = without(COMPLETE, "- [ ] AC-1", "order's history", "- [ ] AC-2", "**AC-3:**")
    heading = line_of(text, "## Acceptance criteria")
    unnumbered = replaced(
        text, "## Acceptance criteria\n", "## Acceptance criteria\n- refunds work\n"
    )
    assert gaps(unnumbered, E) == [
        (heading, "acceptance criteria: none has an id (AC-n)", True),
        (heading + 1, "acceptance criteria: item has no id (AC-n)", False),
    ]
    prose = replaced(text, "## Acceptance criteria\n", "## Acceptance criteria\nRefunds work.\n")
    assert gaps(prose, E) == [(heading, "acceptance criteria: none stated as `- AC-1: ...`", True)]
    assert gaps(text, E) == [(heading, "acceptance criteria: empty", True)]


def test_rollback_plan_missing() -> None:
    text = without(COMPLETE, "- Rollback:")
    gap = only_gap(text)
    assert (gap.section, gap.line, gap.message, gap.required_from) == (
        "operation",
        line_of(text, "## Operation"),
        "rollback plan: missing",
        P,
    )


def test_rollback_placeholder() -> None:
    text = replaced(
        COMPLETE,
        "- Rollback: turn off the `refunds` flag; there is no migration to undo.",
        "- Rollback: TBD",
    )
    assert gaps(text) == [
        (line_of(text, "- Rollback: TBD"), "rollback plan: still a placeholder (TBD)", True)
    ]


def test_whole_sections_missing_are_gaps_of_the_file() -> None:
    text = without(
        COMPLETE, "## Stop condition", "Stop when AC-1", "## Operation", "- Logs:", "- Metrics:",
        "- Alerts:", "- Rollback:",
    )  # fmt: skip
    assert gaps(text, INT) == [
        (1, "stop condition: missing", True),
        (1, "operation: missing", False),
        (1, "rollback plan: missing", False),
    ]


def test_owner_not_named() -> None:
    text = without(COMPLETE, 'owner: "@payments-team"', "- Owner:")
    gap = only_gap(text)
    assert (gap.section, gap.line, gap.message, gap.required_from) == (
        "accountability",
        1,
        "owner: not named",
        P,
    )
    placeholder = replaced(COMPLETE, 'owner: "@payments-team"', "owner: TODO")
    assert gaps(placeholder) == [(2, "owner: still a placeholder (TODO)", True)]


def test_critical_needs_performance_data_and_risk() -> None:
    text = without(COMPLETE, "- Data:", "- Performance:", "- Risk accepted by:")
    constraints = line_of(text, "## Constraints")
    accountability = line_of(text, "## Accountability")
    assert gaps(text, C) == [
        (constraints, "constraints: no performance or cost limit stated", True),
        (constraints, "constraints: no data rule stated", True),
        (accountability, "remaining risk: nobody named to accept it", True),
    ]
    assert gaps(text, P) == [(line, message, False) for line, message, _ in gaps(text, C)]


def test_architecture_layer_names_are_not_a_data_rule() -> None:
    text = without(COMPLETE, "- Data:")
    text = replaced(
        text, "- Architecture: the route", "- Architecture: layers api > storage; the route"
    )
    assert gaps(text) == [
        (line_of(text, "## Constraints"), "constraints: no data rule stated", True)
    ]


def test_empty_section_and_placeholders_left_in_a_stated_section() -> None:
    text = without(COMPLETE, "Support agents refund", "finance. Flow")
    assert gaps(text, E) == [(line_of(text, "## Intent"), "intent: empty", True)]
    text = replaced(
        COMPLETE,
        "the route; each test names its AC id.",
        "the route; each test names its AC id.\nTBD: load test",
    )
    assert gaps(text) == [
        (line_of(text, "TBD: load test"), "verification plan: still a placeholder (TBD)", True)
    ]
    text = replaced(COMPLETE, "- Metrics: `refunds_total{outcome}`.", "- Metrics: ...")
    assert gaps(text) == [
        (line_of(text, "- Metrics: ..."), "operation: metrics still a placeholder (...)", True)
    ]


def test_no_interfaces_at_all_is_advisory() -> None:
    start = line_of(COMPLETE, "## Interfaces")
    end = line_of(COMPLETE, "## Verification plan")
    lines = COMPLETE.split("\n")
    text = "\n".join(lines[: start - 1] + lines[end - 1 :])
    gap = only_gap(text)
    assert (gap.line, gap.message, gap.blocking, gap.required_from) == (
        1,
        "interfaces: missing",
        False,
        None,
    )


def test_tier_table_same_spec_buildable_at_internal_not_at_production() -> None:
    text = """\
---
tier: internal
---
# Export notes

## Intent
Users download their notes as a zip.

## Acceptance criteria
- AC-1: GET /export returns a zip of every note of the caller.
- AC-2: the export is quick

## Stop condition
AC-1 passes.

## Interfaces
### GET /export
Validation: no input; the caller comes from the session.
Failure: 503 when the store is down.
"""
    endpoint = line_of(text, "### GET /export")
    expected = [
        (1, "constraints: missing", False),
        (1, "verification plan: missing", False),
        (1, "operation: missing", False),
        (1, "rollback plan: missing", False),
        (1, "accountability: missing", False),
        (1, "owner: not named", False),
        (line_of(text, "AC-2:"), "AC-2 has no observable outcome", False),
        (endpoint, "request shape: not stated for GET /export", False),
        (endpoint, "response shape: not stated for GET /export", False),
        (endpoint, "authorization rule: not stated for GET /export", False),
    ]
    assert gaps(text, INT) == expected
    blocking_at_production = {
        "verification plan: missing",
        "operation: missing",
        "rollback plan: missing",
        "owner: not named",
        "AC-2 has no observable outcome",
        "authorization rule: not stated for GET /export",
    }
    assert gaps(text, P) == [
        (line, message, message in blocking_at_production) for line, message, _ in expected
    ]
    # experimental needs only intent and one criterion
    assert check_spec(parse_spec(text, "s.md"), E).buildable
    minimal = "## Intent\nx\n## Acceptance criteria\n- AC-1: returns 200\n"
    assert check_spec(parse_spec(minimal, "s.md"), E).buildable
    assert not check_spec(parse_spec(minimal, "s.md"), INT).buildable
    assert not check_spec(parse_spec("## Intent\nx\n", "s.md"), E).buildable


# ---- the command line ----------------------------------------------------------------


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "prodready", "spec", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
    )


def test_cli_exit_codes(tmp_path: Path) -> None:
    specs = tmp_path / "specs"
    specs.mkdir()
    (specs / "complete.md").write_text(COMPLETE, encoding="utf-8")
    proc = run("check", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == (
        "specs/complete.md: buildable at tier critical (from the spec); "
        "0 blocking, 0 advisory gap(s)\n"
    )

    vague = replaced(
        COMPLETE, "**AC-3:** an agent without the `refunds:write` role gets 403.", "AC-3: it works"
    )
    (specs / "vague.md").write_text(vague, encoding="utf-8")
    proc = run("check", cwd=tmp_path)
    assert proc.returncode == 1
    line = line_of(vague, "AC-3: it works")
    assert proc.stdout.splitlines()[1:] == [
        "specs/vague.md: not buildable at tier critical (from the spec); "
        "1 blocking, 0 advisory gap(s)",
        f"  specs/vague.md:{line}: AC-3 has no observable outcome",
        "2 specs checked, 1 not buildable",
    ]
    # --tier overrides the spec's own tier; a file argument checks only that file
    proc = run("check", "specs/vague.md", "--tier", "internal", cwd=tmp_path)
    assert proc.returncode == 0
    assert proc.stdout.splitlines() == [
        "specs/vague.md: buildable at tier internal (from --tier); 0 blocking, 1 advisory gap(s)",
        f"  specs/vague.md:{line}: AC-3 has no observable outcome [required from production]",
    ]

    (specs / "broken.md").write_text(replaced(COMPLETE, "**AC-3:**", "**AC-1:**"), encoding="utf-8")
    proc = run("check", cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert proc.stderr == (
        "prodready: error: specs/broken.md:20: acceptance criterion AC-1 is used twice "
        "(first on line 17); each criterion needs its own id\n"
    )


def test_cli_json_and_the_policy_tier(tmp_path: Path) -> None:
    (tmp_path / "prodready.toml").write_text('tier = "production"\n', encoding="utf-8")
    specs = tmp_path / "specs"
    specs.mkdir()
    text = without(COMPLETE, "tier: critical", "- Rollback:")
    (specs / "refunds.md").write_text(text, encoding="utf-8")
    proc = run("check", "--format", "json", cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr
    report = json.loads(proc.stdout)
    assert report == {
        "schema": "prodready.spec-check/1",
        "buildable": False,
        "specs": [
            {
                "path": "specs/refunds.md",
                "title": "Refunds for support agents",
                "tier": "production",
                "tier_source": "prodready.toml",
                "buildable": False,
                "criteria": ["AC-1", "AC-2", "AC-3"],
                "endpoints": ["POST /refunds", "DELETE /refunds/{id}"],
                "gaps": [
                    {
                        "section": "operation",
                        "line": line_of(text, "## Operation"),
                        "message": "rollback plan: missing",
                        "blocking": True,
                        "required_from": "production",
                    }
                ],
            }
        ],
    }


def test_cli_without_specs_or_with_a_missing_file_exits_2(tmp_path: Path) -> None:
    proc = run("check", cwd=tmp_path)
    assert proc.returncode == 2
    assert "no spec to check" in proc.stderr
    assert run("check", "specs/nope.md", cwd=tmp_path).returncode == 2
