"""Run the real audit on a real temporary repository and pick one criterion's result."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from prodready.audit import AuditOptions, run_audit
from prodready.model import CriterionResult, Status


def evaluate(root: Path, cid: str, **options: object) -> CriterionResult:
    opts = AuditOptions(today=date(2026, 11, 21), jobs=1, **options)  # type: ignore[arg-type]
    report = run_audit(root, opts)
    return next(r for r in report.criteria if r.id == cid)


def locations(result: CriterionResult) -> list[tuple[str | None, int | None]]:
    return [(e.path, e.line) for e in result.evidence if e.path]


def assert_status(result: CriterionResult, status: Status) -> None:
    assert result.status is status, (result.status, result.missing, result.evidence)
