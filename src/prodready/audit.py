"""The whole-repository audit: collect once, evaluate every criterion, decide.

This is the only module that wires collectors, criteria and the decision together; each of
those stays a function of its inputs so it can be tested alone.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import TypeVar

from prodready.context import AuditContext, Supplied
from prodready.criteria import Criterion, all_criteria
from prodready.decide import active_waivers, apply_policy, decide, summarise_layers
from prodready.errors import EvidenceError, UsageError
from prodready.evidence.coverage import load_coverage
from prodready.evidence.junit import load_junit
from prodready.evidence.vulns import load_vulns
from prodready.model import (
    AuditReport,
    Finding,
    Mode,
    Outcome,
    ProjectKind,
    ReportError,
    Status,
    Tier,
)
from prodready.policy import Policy, load_policy
from prodready.repo.files import walk_repository
from prodready.repo.project_kind import detect_kind
from prodready.repo.python_index import Progress, index_python

T = TypeVar("T")
_OBSERVABILITY_IDS = (
    "obs.logging",
    "obs.metrics",
    "obs.tracing",
    "obs.health-endpoint",
    "obs.error-reporting",
)


@dataclass(frozen=True)
class AuditOptions:
    coverage: Path | None = None
    junit: Sequence[Path] = ()
    vulns: Sequence[Path] = ()
    tier: Tier | None = None  # overrides the policy's tier
    today: date = field(default_factory=date.today)
    jobs: int | None = None
    findings: Sequence[Finding] = ()


def known_ids() -> set[str]:
    return set(all_criteria())


def run_audit(
    root: Path,
    options: AuditOptions | None = None,
    *,
    progress: Progress | None = None,
    policy: Policy | None = None,
) -> AuditReport:
    options = options or AuditOptions()
    if not root.exists():
        raise UsageError(f"{root}: no such directory")
    if not root.is_dir():
        raise UsageError(f"{root}: not a directory")
    started = time.perf_counter()
    criteria = all_criteria()
    policy = policy if policy is not None else load_policy(root, known_ids())
    tier = options.tier or policy.tier
    repo = walk_repository(root)
    python = index_python(repo, jobs=options.jobs, progress=progress)
    kind, kind_reason = detect_kind(repo, python)
    if policy.kind is not None:
        kind, kind_reason = policy.kind, f"declared in {policy.source}"
    errors: list[ReportError] = [*repo.errors, *python.errors]
    ctx = AuditContext(
        root=root,
        repo=repo,
        python=python,
        policy=policy,
        tier=tier,
        kind=kind,
        kind_reason=kind_reason,
        today=options.today,
        coverage=_supplied(options.coverage, lambda p: load_coverage(p, root), errors),
        junit=[_supplied_one(p, load_junit, errors) for p in options.junit],
        vulns=[_supplied_one(p, load_vulns, errors) for p in options.vulns],
        findings=tuple(options.findings),
    )
    evaluated: list[tuple[Criterion, Outcome]] = []
    skipped_off: list[str] = []
    for crit in criteria.values():
        if policy.mode_of(crit.id) is Mode.OFF:
            skipped_off.append(crit.id)
            continue
        if crit.service_only and kind in (ProjectKind.LIBRARY, ProjectKind.CLI):
            outcome = Outcome.not_applicable(
                f"service-only criterion; this is a {kind.value} ({kind_reason})"
            )
        else:
            outcome = crit.check(ctx)
        evaluated.append((crit, outcome))
    waivers, expiry_notes = active_waivers(policy, options.today)
    results, waiver_notes = apply_policy(evaluated, policy, tier, waivers)
    decision = decide(results, tier)
    notes = [*policy.notes, *expiry_notes, *waiver_notes]
    if skipped_off:
        notes.append(f"turned off by policy: {', '.join(skipped_off)}")
    if (
        kind is ProjectKind.SERVICE
        and all(r.status is Status.MISSING for r in results if r.id in _OBSERVABILITY_IDS)
        and any(r.id in _OBSERVABILITY_IDS for r in results)
    ):
        decision = replace(
            decision,
            reasons=(
                *decision.reasons,
                "the service is blind: no logging configuration, metrics, tracing, "
                "health endpoint or error reporting was found",
            ),
        )
    stats: dict[str, int | float] = {
        "files": len(repo.files),
        "python_files": len(python.facts),
        "criteria": len(results),
        "seconds": round(time.perf_counter() - started, 3),
    }
    return AuditReport(
        root=str(root),
        tier=tier,
        kind=kind,
        kind_reason=kind_reason,
        decision=decision,
        criteria=tuple(results),
        findings=tuple(options.findings),
        errors=tuple(sorted(errors, key=lambda e: (e.path, e.reason))),
        layers=summarise_layers(results),
        policy_notes=tuple(notes),
        stats=stats,
    )


def _supplied(
    path: Path | None, loader: Callable[[Path], T], errors: list[ReportError]
) -> Supplied[T] | None:
    return None if path is None else _supplied_one(path, loader, errors)


def _supplied_one(
    path: Path, loader: Callable[[Path], T], errors: list[ReportError]
) -> Supplied[T]:
    """Unreadable evidence becomes an error entry and an `unknown` criterion, not a crash."""
    try:
        return Supplied(str(path), loader(path))
    except EvidenceError as exc:
        errors.append(ReportError(str(path), exc.reason))
        return Supplied(str(path), None, exc.reason)


__all__ = ["AuditOptions", "run_audit"]
