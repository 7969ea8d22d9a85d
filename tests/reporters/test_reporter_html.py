"""HTML report: one self-contained file, every repository string escaped."""

from __future__ import annotations

import re

import pytest
from reporter_checks import assert_self_contained_and_inert, parse

from prodready.model import AuditReport
from prodready.reporters import render


@pytest.mark.parametrize("name", ["block", "ship", "hostile"])
def test_self_contained(name: str, request: pytest.FixtureRequest) -> None:
    out = render(request.getfixturevalue(name), "html")
    assert out.startswith("<!DOCTYPE html>\n")
    assert "Content-Security-Policy" in out and "default-src 'none'" in out
    assert_self_contained_and_inert(out)


def test_hostile_strings_are_escaped(hostile: AuditReport) -> None:
    out = render(hostile, "html")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in out
    assert '" onload="' not in out
    assert "&#34; onload=&#34;alert(2)" in out
    assert "&lt;img src=x onerror=alert(5)&gt;" in out
    assert "&lt;/details&gt;&lt;/td&gt;&lt;/tr&gt;&lt;/table&gt;" in out
    assert "\x1b" not in out and "\u202e" not in out
    assert "a\\x1b[31mred\\x1b[0m.py:4" in out
    # The strings come back intact as text once parsed.
    text = "".join(parse(out).text)
    assert "<script>alert(1)</script>" in text
    assert '" onload="alert(2)' in text


def test_verdict_first_then_blocking_then_dimensions(block: AuditReport) -> None:
    out = render(block, "html")
    assert '<header class="verdict v-block">\n<div class="word">block</div>' in out
    order = ['id="blocking"', 'id="known-risk"', 'id="dimensions"', 'id="findings"', 'id="layers"']
    positions = [out.index(marker) for marker in order]
    assert positions == sorted(positions)


def test_a_chart_per_dimension(block: AuditReport) -> None:
    out = render(block, "html")
    bars = re.findall(r'<svg class="bar"[^>]*aria-label="([^"]*)"', out)
    assert bars == [
        "architecture: 1 met, 1 missing",
        "tests: 1 met, 1 unknown",
        "deployment: 1 met, 1 waived",
        "security: 1 met, 1 missing, 1 unknown",
        "observability: 1 met, 1 missing",
        "documentation: 1 met, 1 not-applicable",
        "ownership: 1 met, 1 missing",
    ]
    security = out[out.index('aria-label="security') :]
    security = security[: security.index("</svg>")]
    rects = re.findall(r'class="s-([a-z-]+)" x="([\d.]+)" y="0" width="([\d.]+)"', security)
    assert rects == [
        ("met", "0.00", "33.33"),
        ("missing", "33.33", "33.33"),
        ("unknown", "66.67", "33.33"),
    ]


def test_empty_dimension_has_a_grey_bar(ship: AuditReport) -> None:
    out = render(ship, "html")
    assert 'aria-label="architecture: no criteria"' in out
    assert '<rect class="s-none"' in out


def test_long_evidence_in_details(block: AuditReport) -> None:
    out = render(block, "html")
    assert "<details><summary>+2 more</summary>" in out
    assert "<code>src/billing/ledger.py:9</code> requests.put() without timeout" in out


def test_known_risk_and_implicit_layer(block: AuditReport) -> None:
    out = render(block, "html")
    assert "<td>W-12</td><td>alice</td><td>bob</td><td>2031-03-31</td>" in out
    assert '<td>2 / 5</td><td><span class="implicit">implicit</span></td>' in out
    assert "<em>suppressed: best-effort cache warm-up; failure is harmless</em>" in out
