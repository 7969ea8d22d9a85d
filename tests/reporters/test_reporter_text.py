"""The terminal report: section order, evidence caps, colour only when asked for."""

from __future__ import annotations

import re

import pytest

from prodready.model import AuditReport
from prodready.reporters import render

ANSI = re.compile(r"\x1b\[[0-9;]*m")


def test_color_true_emits_ansi_and_color_false_none(block: AuditReport) -> None:
    coloured = render(block, "text", color=True)
    plain = render(block, "text", color=False)
    assert ANSI.search(coloured)
    assert "\x1b" not in plain
    # Colour changes only the escapes, never the words.
    assert ANSI.sub("", coloured).splitlines()[0] == plain.splitlines()[0]


@pytest.mark.parametrize(
    ("fixture", "code"),
    [("block", "31"), ("ship", "32")],
)
def test_verdict_colour(fixture: str, code: str, request: pytest.FixtureRequest) -> None:
    report = request.getfixturevalue(fixture)
    first = render(report, "text", color=True).splitlines()[0]
    assert re.search(rf"\x1b\[1;{code}m{report.verdict.value.upper()}", first)


def test_header_names_verdict_tier_kind_and_why(block: AuditReport) -> None:
    lines = render(block, "text").splitlines()
    assert lines[0] == "prodready: BLOCK"
    assert lines[1] == (
        "tier production  kind service  why: Dockerfile and an HTTP entry point "
        "(src/billing/app.py)"
    )
    assert lines[2] == "root /srv/checkout/acme-billing"


def test_sections_in_order(block: AuditReport) -> None:
    out = render(block, "text")
    headings = [
        "Blocking (2)",
        "Results by dimension",
        "Known risk, waived (1)",
        "Findings (3, 1 suppressed)",
        "Layers",
        "Policy notes",
        "Inputs that could not be read (1)",
    ]
    positions = [out.index(f"\n{h}\n") for h in headings]
    assert positions == sorted(positions)


def test_blocking_gap_shows_what_is_missing_and_the_fix(block: AuditReport) -> None:
    out = render(block, "text")
    section = out[out.index("Blocking (2)") : out.index("Results by dimension")]
    assert "✗ ARCH-001  Outbound calls have timeouts  missing" in section
    assert "missing: 5 outbound HTTP calls in src/billing have no timeout" in section
    assert "fix:     Pass an explicit timeout to every outbound call" in section
    assert "? TEST-001  Changed lines are executed by tests  unknown" in section
    assert section.index("ARCH-001") < section.index("TEST-001")  # decision order


def test_dimensions_in_fixed_order(block: AuditReport) -> None:
    out = render(block, "text")
    order = [
        "architecture",
        "tests",
        "deployment",
        "security",
        "observability",
        "documentation",
        "ownership",
    ]
    positions = [re.search(rf"^{d}  ", out, re.MULTILINE) for d in order]
    assert all(positions)
    starts = [m.start() for m in positions if m]
    assert starts == sorted(starts)


def test_evidence_is_capped_with_a_count(block: AuditReport) -> None:
    out = render(block, "text")
    assert "      src/billing/client.py:42  requests.post() without timeout" in out
    assert "src/billing/fx.py:12  urlopen() without timeout" in out
    assert "src/billing/fx.py:30" not in out  # the fourth item is behind "+2 more"
    assert "      +2 more" in out


def test_waiver_shows_owner_approver_and_expiry(block: AuditReport) -> None:
    out = render(block, "text")
    assert "waiver W-12  owner alice  approved by bob  expires 2031-03-31" in out
    assert "~ DEPL-001  Rollback plan documented  was missing" in out


def test_implicit_layer_is_flagged(block: AuditReport) -> None:
    out = render(block, "text")
    assert re.search(r"constraints +2/5 met  implicit", out)
    assert re.search(r"intent +1/1 met  explicit", out)


def test_suppressed_finding_is_listed_with_its_reason(block: AuditReport) -> None:
    out = render(block, "text")
    assert "suppressed: best-effort cache warm-up; failure is harmless" in out


def test_ship_report_has_no_blocking_section(ship: AuditReport) -> None:
    out = render(ship, "text")
    assert out.startswith("prodready: SHIP\n")
    assert "Blocking" not in out
    assert "architecture  no criteria" in out
    assert "operation      not applicable" in out


@pytest.mark.parametrize("width", [60, 80, 100, 140])
def test_lines_fit_the_width(width: int, block: AuditReport) -> None:
    for line in render(block, "text", width=width).splitlines():
        assert len(line) <= width
        assert line == line.rstrip()


def test_hostile_strings_cannot_style_or_control_the_terminal(hostile: AuditReport) -> None:
    out = render(hostile, "text", color=False)
    assert "\x1b" not in out
    assert "\u202e" not in out
    assert "a\\x1b[31mred\\x1b[0m.py:4" in out  # shown, not obeyed
    assert "\\u202etxt.exe" in out
    assert "[red]mallory[/red]" in out  # rich markup stays literal text
    assert "[bold]markup[/bold] :smile:" not in out  # fourth evidence item is capped
    assert "line one line two" in out  # a newline cannot forge a new report line


def test_hostile_markup_is_literal_with_color_on(hostile: AuditReport) -> None:
    out = ANSI.sub("", render(hostile, "text", color=True))
    assert "[red]mallory[/red]" in out
    assert "\x1b" not in out
