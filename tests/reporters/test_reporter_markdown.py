"""Markdown for pull-request comments: escaping, tables that stay tables, the size cap."""

from __future__ import annotations

import dataclasses

import pytest
from reporter_checks import assert_only_our_html, assert_tables_intact

from prodready.model import AuditReport, Dimension, Evidence, Layer, Status
from prodready.reporters import markdown, render


def test_heading(block: AuditReport, ship: AuditReport) -> None:
    assert render(block, "markdown").startswith("## prodready: block (tier production)\n")
    assert render(ship, "markdown").startswith("## prodready: ship (tier internal)\n")


def test_blocking_table_comes_first(block: AuditReport) -> None:
    out = render(block, "markdown")
    section = out[out.index("### Blocking gaps (2)") : out.index("### Known risk")]
    assert "| **ARCH-001** Outbound calls have timeouts | missing |" in section
    assert "| **TEST-001** Changed lines are executed by tests | unknown |" in section
    assert out.index("### Blocking gaps") < out.index("### Results by dimension")


def test_dimension_tables(block: AuditReport) -> None:
    out = render(block, "markdown")
    order = [f"#### {d.value} (" for d in Dimension]
    positions = [out.index(h) for h in order]
    assert positions == sorted(positions)
    assert "| **SEC-002** Dependencies are pinned | **missing** (advisory) |" in out
    assert "requirements.txt:3: requests&gt;=2" in out
    assert_tables_intact(out)
    assert_only_our_html(out)


def test_long_evidence_goes_into_details(block: AuditReport) -> None:
    out = render(block, "markdown")
    assert "+2 more, see below" in out
    details = out[out.index("<details>") : out.index("</details>")]
    assert "<summary>ARCH-001: all 5 evidence items</summary>" in details
    assert "- src/billing/ledger.py:9: requests.put() without timeout" in details
    assert out.count("<details>") == out.count("</details>") == 1


def test_escaping_of_repository_strings(hostile: AuditReport) -> None:
    out = render(hostile, "markdown")
    assert "<script" not in out
    assert "<img" not in out
    assert "`" not in out
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in out
    assert "2031-01-01 \\| injected \\| cell" in out
    assert "\\[red\\]mallory\\[/red\\]" in out
    assert "\x1b" not in out and "\u202e" not in out
    assert_tables_intact(out)
    assert_only_our_html(out)


def test_md_escape() -> None:
    assert markdown.md("a|b") == "a\\|b"
    assert markdown.md("<b>") == "&lt;b&gt;"
    assert markdown.md("`x`") == "&#96;x&#96;"
    assert markdown.md("a\\|b") == "a\\\\\\|b"  # a backslash cannot un-escape a pipe
    assert markdown.md("two\nlines") == "two lines"


def huge(report: AuditReport, *, criteria: int, evidence: int, blocking: bool) -> AuditReport:
    template = report.criteria[0]
    results = tuple(
        dataclasses.replace(
            template,
            id=f"GEN-{n:04d}",
            dimension=list(Dimension)[n % 7],
            layer=list(Layer)[n % 5],
            status=Status.MISSING,
            evidence=tuple(
                Evidence(f"evidence item {i} " + "x" * 60, f"src/mod{n}/f{i}.py", i + 1)
                for i in range(evidence)
            ),
        )
        for n in range(criteria)
    )
    decision = dataclasses.replace(
        report.decision, blocking=tuple(r.id for r in results) if blocking else ()
    )
    return dataclasses.replace(report, criteria=results, decision=decision)


def test_cap_drops_whole_sections(block: AuditReport) -> None:
    report = huge(block, criteria=100, evidence=6, blocking=False)
    out = render(report, "markdown")
    assert len(out) <= markdown.MAX_CHARS
    assert out.rstrip().endswith("for the full report.")
    assert "truncated to 60,000 characters" in out
    note = out[out.index("> **Note:**") :]
    assert "layers" in note and "findings" in note
    assert out.count("<details>") == out.count("</details>")
    assert_tables_intact(out)
    # The sections before the cut are complete, and a cut section leaves nothing behind.
    assert "| coverage.xml | not well-formed XML: line 1, column 0 |" in out
    assert "#### architecture (" in out
    assert "#### ownership (" not in out


def test_cap_cuts_blocking_table_by_rows_when_it_alone_is_too_long(block: AuditReport) -> None:
    report = huge(block, criteria=2000, evidence=1, blocking=True)
    out = render(report, "markdown")
    assert len(out) <= markdown.MAX_CHARS
    assert "sections omitted: blocking gaps (in part), unreadable inputs, policy notes" in out
    assert "| **GEN-0000**" in out
    assert_tables_intact(out)


def test_small_report_is_not_truncated(block: AuditReport) -> None:
    out = render(block, "markdown")
    assert "truncated" not in out
    assert (
        "<sub>changed\\_files 7, criteria 15, files\\_scanned 42, seconds\\_cpu 0.25</sub>" in out
    )


def test_any_limit_is_respected(block: AuditReport) -> None:
    full = render(block, "markdown")
    for limit in range(markdown.MIN_LIMIT, len(full) + 300, 97):
        out = markdown.render(block, limit=limit)
        assert len(out) <= limit
        if limit >= len(full):
            assert out == full
            continue
        assert "truncated" in out
        assert out.startswith("## prodready: block")
        assert_tables_intact(out)


def test_limit_below_minimum_is_refused(block: AuditReport) -> None:
    with pytest.raises(ValueError, match="at least 1000"):
        markdown.render(block, limit=markdown.MIN_LIMIT - 1)
