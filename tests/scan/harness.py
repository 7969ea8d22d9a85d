"""Rule fixtures: a file of code where each line that must be flagged says so.

A line ending in `# expect: PR101` must produce a PR101 finding starting on that line; no
other line may. The fixture mixes code the rule must flag with near misses it must not,
and the assertion names lines, never counts.
"""

from __future__ import annotations

import re
from pathlib import Path

from prodready.scan.engine import assemble, scan_source

FIXTURES = Path(__file__).parent / "fixtures"
_EXPECT = re.compile(r"#\s*expect:\s*([A-Z]+\d+(?:\s*,\s*[A-Z]+\d+)*)")


def expected_lines(text: str, rule: str) -> list[int]:
    lines = []
    for number, line in enumerate(text.splitlines(), start=1):
        match = _EXPECT.search(line)
        if match and rule in [r.strip() for r in match.group(1).split(",")]:
            lines.append(number)
    return lines


def flagged_lines(text: str, rule: str, rel: str = "app/module.py") -> list[int]:
    result = scan_source(rel, text.encode())
    assert result.error is None, result.error
    findings, errors, _ = assemble({rel: result})
    assert errors == []
    return sorted({f.line for f in findings if f.rule == rule and not f.suppressed})


def app_findings(files: dict[str, str], rule: str) -> list[tuple[str, int]]:
    """Findings of `rule` when the files are scanned together as one application."""
    results = {rel: scan_source(rel, text.encode()) for rel, text in files.items()}
    findings, errors, _ = assemble(results)
    assert errors == []
    return sorted((f.path, f.line) for f in findings if f.rule == rule and not f.suppressed)


def check_fixture(name: str, rule: str) -> None:
    text = (FIXTURES / name).read_text(encoding="utf-8")
    expected = expected_lines(text, rule)
    assert expected, f"{name} marks no line with # expect: {rule}"
    assert flagged_lines(text, rule) == expected
