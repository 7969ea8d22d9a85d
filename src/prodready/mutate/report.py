"""The mutation report: its model, the `prodready.mutate/1` JSON contract, and reading it
back (the gate takes a saved report as evidence, like a coverage file)."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from prodready.errors import EvidenceError

SCHEMA = "prodready.mutate/1"
STATUSES = ("killed", "survived", "uncovered", "timeout", "error")
# Statuses that count for the score: a timeout is a test noticing (the code hung), an
# uncovered mutant is a defect no test could notice. Errors say nothing about the tests.
_DETECTED = frozenset({"killed", "timeout"})
_JUDGED = frozenset({"killed", "timeout", "survived", "uncovered"})


@dataclass(frozen=True)
class MutantResult:
    path: str
    line: int
    operator: str
    original: str
    mutated: str
    status: str
    tests: tuple[str, ...] = ()  # the tests that ran (or would have, for a cached result)
    seconds: float = 0.0
    cached: bool = False
    detail: str | None = None  # why a mutant is an error, or why it is uncovered


@dataclass(frozen=True)
class MutationReport:
    base: str
    head: str
    merge_base: str
    mutants: tuple[MutantResult, ...] = ()
    test_executions: int = 0  # test runs this invocation performed (cached ones excluded)
    seconds: float = 0.0
    coverage_seconds: float = 0.0
    jobs: int = 1
    changed_lines: int = 0
    failing_tests: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    session_runs: int = 0  # mutants judged in a forked, already-collected pytest session
    process_runs: int = 0  # mutants judged in a fresh pytest process (run at import, ...)
    source: str | None = field(default=None, compare=False)  # file it was read from

    @property
    def counts(self) -> Counter[str]:
        return Counter(m.status for m in self.mutants)

    @property
    def score(self) -> float | None:
        """Detected mutants over judged ones; None when no mutant could be judged."""
        judged = [m for m in self.mutants if m.status in _JUDGED]
        if not judged:
            return None
        return sum(m.status in _DETECTED for m in judged) / len(judged)

    @property
    def survivors(self) -> tuple[MutantResult, ...]:
        return tuple(m for m in self.mutants if m.status in ("survived", "uncovered"))


def to_json(report: MutationReport) -> dict[str, Any]:
    counts = report.counts
    return {
        "schema": SCHEMA,
        "base": report.base,
        "head": report.head,
        "merge_base": report.merge_base,
        "score": None if report.score is None else round(report.score, 4),
        "mutants": [
            {
                "path": m.path,
                "line": m.line,
                "operator": m.operator,
                "original": m.original,
                "mutated": m.mutated,
                "status": m.status,
                "tests": list(m.tests),
                "seconds": round(m.seconds, 3),
                "cached": m.cached,
                **({"detail": m.detail} if m.detail else {}),
            }
            for m in report.mutants
        ],
        "failing_tests": list(report.failing_tests),
        "notes": list(report.notes),
        "stats": {
            "mutants": len(report.mutants),
            **{s: counts.get(s, 0) for s in STATUSES},
            "changed_lines": report.changed_lines,
            "test_executions": report.test_executions,
            "cached": sum(m.cached for m in report.mutants),
            "session_runs": report.session_runs,
            "process_runs": report.process_runs,
            "jobs": report.jobs,
            "coverage_seconds": round(report.coverage_seconds, 3),
            "seconds": round(report.seconds, 3),
        },
    }


def load_report(path: Path) -> MutationReport:
    """Read a saved report; anything that is not a `prodready.mutate/1` report is an
    EvidenceError naming the file and what is wrong, never a half-read report."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise EvidenceError(str(path), f"cannot be read: {exc.strerror or exc}") from exc
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise EvidenceError(str(path), f"is not JSON: {exc}") from exc
    if not isinstance(data, dict) or data.get("schema") != SCHEMA:
        raise EvidenceError(str(path), f'is not a mutation report (expected "schema": "{SCHEMA}")')
    raw = data.get("mutants")
    if not isinstance(raw, list):
        raise EvidenceError(str(path), '"mutants" must be a list')
    mutants = tuple(_mutant(path, i, m) for i, m in enumerate(raw))
    return MutationReport(
        base=str(data.get("base", "")),
        head=str(data.get("head", "")),
        merge_base=str(data.get("merge_base", "")),
        mutants=mutants,
        failing_tests=tuple(map(str, data.get("failing_tests") or ())),
        notes=tuple(map(str, data.get("notes") or ())),
        source=str(path),
    )


def _mutant(path: Path, index: int, raw: object) -> MutantResult:
    where = f"mutants[{index}]"
    if not isinstance(raw, Mapping):
        raise EvidenceError(str(path), f"{where} must be an object")
    status = raw.get("status")
    if status not in STATUSES:
        raise EvidenceError(str(path), f"{where}.status must be one of {', '.join(STATUSES)}")
    line = raw.get("line")
    if not isinstance(line, int) or isinstance(line, bool) or line < 1:
        raise EvidenceError(str(path), f"{where}.line must be a positive integer")
    text = {k: raw.get(k) for k in ("path", "operator", "original", "mutated")}
    for key, value in text.items():
        if not isinstance(value, str):
            raise EvidenceError(str(path), f"{where}.{key} must be a string")
    tests = raw.get("tests", [])
    if not isinstance(tests, list) or not all(isinstance(t, str) for t in tests):
        raise EvidenceError(str(path), f"{where}.tests must be a list of test ids")
    return MutantResult(
        path=str(text["path"]),
        line=line,
        operator=str(text["operator"]),
        original=str(text["original"]),
        mutated=str(text["mutated"]),
        status=str(status),
        tests=tuple(tests),
    )
