"""Helpers for the gate's end-to-end tests: a base on `main`, a change on a branch, a run.

Every repository is a real one (`make_repo` from tests/conftest.py); the gate reads it
through git exactly as it would in CI.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from prodready.gate.run import GateOptions, GateReport, run_gate
from prodready.model import CriterionResult
from tests.conftest import RepoFactory, git, write_tree

TODAY = date(2026, 1, 15)
DATA = Path(__file__).parent / "data"

PRODUCTION = 'tier = "production"\n'

WAIVER = """
[[waiver]]
id = "{id}"
reason = "accepted for the test"
owner = "@olivia"
approved_by = "@victor"
expires = 2027-01-01
"""


def policy(*waived: str, tier: str = "production", extra: str = "") -> str:
    """A prodready.toml at `tier` with one waiver per id in `waived`."""
    text = f'tier = "{tier}"\n{extra}'
    return text + "".join(WAIVER.format(id=w) for w in waived)


def branch(
    make_repo: RepoFactory,
    base: Mapping[str, str | bytes],
    change: Mapping[str, str | bytes],
    *,
    delete: Sequence[str] = (),
    message: str = "Change",
    name: str = "feature",
) -> Path:
    """`base` committed on main, then `change` (and `delete`) committed on branch `name`."""
    root = make_repo(dict(base))
    git(root, "checkout", "-q", "-b", name)
    commit(root, change, delete=delete, message=message)
    return root


def commit(
    root: Path,
    files: Mapping[str, str | bytes],
    *,
    delete: Sequence[str] = (),
    message: str = "More",
    author: str | None = None,
) -> str:
    write_tree(root, dict(files))
    for rel in delete:
        (root / rel).unlink()
    git(root, "add", "-A")
    extra = ["--author", author] if author else []
    git(root, "commit", "-q", "--allow-empty", *extra, "-m", message)
    return git(root, "rev-parse", "HEAD").strip()


def run(root: Path, **options: Any) -> GateReport:
    """The gate over main...HEAD: no history, no cache, a fixed date unless given."""
    options.setdefault("base", "main")
    options.setdefault("today", TODAY)
    options.setdefault("record_history", False)
    options.setdefault("use_cache", False)
    return run_gate(root, GateOptions(**options))


def item(report: GateReport, item_id: str) -> CriterionResult:
    return next(r for r in report.items if r.id == item_id)


def where(result: CriterionResult) -> list[str]:
    """Locations of the evidence, `path:line`, in order (evidence without one left out)."""
    return [e.location() for e in result.evidence if e.location()]


def texts(result: CriterionResult) -> list[str]:
    return [e.text for e in result.evidence]


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def junit(path: Path, *cases: tuple[str, str, str]) -> Path:
    """A JUnit XML report; each case is (classname, name, outcome: passed|failed|error)."""
    body = []
    for classname, name, outcome in cases:
        inner = ""
        if outcome == "failed":
            inner = '<failure message="assert 1 == 2">AssertionError</failure>'
        elif outcome == "error":
            inner = '<error message="boom">RuntimeError</error>'
        body.append(
            f'<testcase classname="{classname}" name="{name}" time="0.01">{inner}</testcase>'
        )
    failures = sum(1 for c in cases if c[2] == "failed")
    errors = sum(1 for c in cases if c[2] == "error")
    path.write_text(
        '<?xml version="1.0" encoding="utf-8"?>\n<testsuites><testsuite name="pytest" '
        f'tests="{len(cases)}" failures="{failures}" errors="{errors}" skipped="0">'
        + "".join(body)
        + "</testsuite></testsuites>\n",
        encoding="utf-8",
    )
    return path


def cobertura(path: Path, root: Path, lines: Mapping[str, Mapping[int, int]]) -> Path:
    """A Cobertura XML report as coverage.py writes it: file -> {line: hits}."""
    classes = []
    for rel, hits in lines.items():
        body = "".join(f'<line number="{n}" hits="{h}"/>' for n, h in sorted(hits.items()))
        name = rel.rsplit("/", 1)[-1]
        classes.append(
            f'<class name="{name}" filename="{rel}" line-rate="1" branch-rate="0" '
            f'complexity="0"><methods/><lines>{body}</lines></class>'
        )
    path.write_text(
        '<?xml version="1.0" ?>\n<coverage version="7.6.0" timestamp="1" lines-valid="1" '
        'lines-covered="1" line-rate="1" branches-covered="0" branches-valid="0" '
        'branch-rate="0" complexity="0">'
        f"<sources><source>{root}</source></sources>"
        '<packages><package name="app" line-rate="1" branch-rate="0" complexity="0"><classes>'
        + "".join(classes)
        + "</classes></package></packages></coverage>\n",
        encoding="utf-8",
    )
    return path


def cli(
    *args: str | Path, cwd: Path, env: Mapping[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """`prodready ARGS` in a fresh process (a private, empty scan cache)."""
    environ = {**os.environ, "PRODREADY_CACHE_DIR": str(cwd.parent / ".cache"), **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "prodready", *map(str, args)],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=environ,
        timeout=300,
    )
