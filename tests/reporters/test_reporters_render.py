"""The public entry point: format names, dispatch, errors, determinism."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import pytest

from prodready.errors import EXIT_USAGE, UsageError
from prodready.model import AuditReport
from prodready.reporters import FORMATS, render

GOLDEN_SUFFIXES = {
    "text": "txt",
    "markdown": "md",
    "json": "json",
    "html": "html",
    "sarif": "sarif",
}


def test_formats_are_the_documented_five() -> None:
    assert FORMATS == ("text", "markdown", "json", "html", "sarif")


@pytest.mark.parametrize("fmt", FORMATS)
def test_block_report_matches_golden(fmt: str, block: AuditReport, golden: Any) -> None:
    golden.check(f"block.{GOLDEN_SUFFIXES[fmt]}", render(block, fmt))


@pytest.mark.parametrize("fmt", FORMATS)
def test_monorepo_report_matches_golden(fmt: str, monorepo: AuditReport, golden: Any) -> None:
    golden.check(f"monorepo.{GOLDEN_SUFFIXES[fmt]}", render(monorepo, fmt))


def test_unknown_format_is_a_usage_error(block: AuditReport) -> None:
    with pytest.raises(UsageError) as info:
        render(block, "xml")
    assert info.value.exit_code == EXIT_USAGE
    message = str(info.value)
    assert "'xml'" in message
    for fmt in FORMATS:
        assert fmt in message


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("name", ["block", "ship", "hostile", "monorepo"])
def test_same_report_gives_same_bytes(
    fmt: str, name: str, factories: dict[str, Callable[[], AuditReport]]
) -> None:
    first = render(factories[name](), fmt)
    second = render(factories[name](), fmt)  # an equal report built afresh
    assert first == second
    assert first.endswith("\n")
    assert not first.endswith("\n\n")


@pytest.mark.parametrize("fmt", FORMATS)
def test_stats_order_does_not_change_output(fmt: str, block: AuditReport) -> None:
    reordered = dataclasses.replace(block, stats=dict(reversed(list(block.stats.items()))))
    assert list(reordered.stats) != list(block.stats)
    assert render(reordered, fmt) == render(block, fmt)


@pytest.mark.parametrize("fmt", FORMATS)
def test_environment_does_not_change_output(
    fmt: str, block: AuditReport, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = render(block, fmt)
    for name, value in {
        "NO_COLOR": "1",
        "FORCE_COLOR": "1",
        "COLUMNS": "37",
        "TERM": "xterm-256color",
        "COLORTERM": "truecolor",
        "TTY_COMPATIBLE": "1",
    }.items():
        monkeypatch.setenv(name, value)
    assert render(block, fmt) == expected


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_renders_every_report(
    fmt: str, factories: dict[str, Callable[[], AuditReport]]
) -> None:
    for factory in factories.values():
        report = factory()
        out = render(report, fmt)
        assert isinstance(out, str)
        out.encode("utf-8")  # always encodable
