"""The whole-repository audit: collect once, evaluate every criterion, decide.

This is the only module that wires collectors, criteria and the decision together; each of
those stays a function of its inputs so it can be tested alone.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import TypeVar

from prodready.context import AuditContext
from prodready.criteria import Criterion, all_criteria
from prodready.criteria.deployment import CI_SYSTEMS
from prodready.criteria.security import SECURITY_POLICY_FILES
from prodready.decide import (
    active_waivers,
    apply_policy,
    decide,
    summarise_layers,
    waive_findings,
    worst,
)
from prodready.errors import PolicyError, UsageError
from prodready.evidence.coverage import load_coverage
from prodready.evidence.junit import load_junit
from prodready.evidence.supplied import supply
from prodready.evidence.vulns import load_vulns
from prodready.known import known_ids
from prodready.model import (
    AuditReport,
    CriterionResult,
    Decision,
    Dimension,
    Evidence,
    Finding,
    Mode,
    Outcome,
    ProjectKind,
    ReportError,
    Status,
    Tier,
)
from prodready.policy import Policy, load_policy
from prodready.repo.codeowners import CODEOWNERS_LOCATIONS
from prodready.repo.files import RepoIndex, is_production_path, walk_repository
from prodready.repo.project_kind import detect_kind
from prodready.repo.python_index import Progress, PythonIndex, index_python
from prodready.scan.engine import assemble, unused_code_names

T = TypeVar("T")
# Criteria judged from parsed code: a "met" over files we could not parse says so.
_CODE_DIMENSIONS = frozenset({Dimension.ARCHITECTURE, Dimension.TESTS, Dimension.OBSERVABILITY})
_BLIND = (
    "the service is blind: no logging configuration, metrics, tracing, "
    "health endpoint or error reporting was found"
)
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


def run_audit(
    root: Path,
    options: AuditOptions | None = None,
    *,
    progress: Progress | None = None,
    policy: Policy | None = None,
) -> AuditReport:
    """Audit `root`; with components declared, each is audited at its own tier and the
    repository's verdict is the worst of them and of what lies outside them."""
    options = options or AuditOptions()
    if not root.exists():
        raise UsageError(f"{root}: no such directory")
    if not root.is_dir():
        raise UsageError(f"{root}: not a directory")
    started = time.perf_counter()
    policy = policy if policy is not None else load_policy(root, known_ids())
    for component in policy.components:
        if not (root / component.path).is_dir():
            raise PolicyError(
                policy.source or str(root),
                f"component {component.name!r} path",
                f"expected a directory in the repository, {component.path!r} is not one",
            )
    repo = walk_repository(root, exclude=[c.path for c in policy.components])
    report = _audit_project(
        root, repo, options, policy, options.tier or policy.tier, base="", progress=progress
    )
    components = []
    for component in policy.components:
        local = walk_repository(root / component.path).inherit(repo, _inherited_files(repo))
        components.append(
            _audit_project(
                root / component.path,
                local,
                options,
                policy,
                options.tier or component.tier,
                base=component.path,
                name=component.name,
            )
        )
    stats = {**report.stats, "seconds": round(time.perf_counter() - started, 3)}
    if not components:
        return replace(report, stats=stats)
    used = {r.waiver.index for c in components for r in c.criteria if r.waiver is not None}
    notes = tuple(
        n
        for n in report.policy_notes
        if not any(n.startswith(f"waiver #{i} for ") and "waives nothing" in n for i in used)
    )
    return replace(
        report,
        decision=_combine(report, components),
        components=tuple(components),
        policy_notes=notes,
        stats=stats,
    )


def _inherited_files(repo: RepoIndex) -> list[str]:
    """What a component uses from the repository around it when it has none of its own:
    CI configuration, the security policy and CODEOWNERS."""
    ci = [rel for rel in repo.files if any(p.match(rel) for _, p in CI_SYSTEMS)]
    return [*ci, *SECURITY_POLICY_FILES, *CODEOWNERS_LOCATIONS]


def _combine(report: AuditReport, components: list[AuditReport]) -> Decision:
    blocking = list(report.decision.blocking)
    known = list(report.decision.known_risks)
    reasons = list(report.decision.reasons)
    for comp in components:
        blocking += [f"{comp.name}:{cid}" for cid in comp.decision.blocking]
        known += [f"{comp.name}:{cid}" for cid in comp.decision.known_risks]
        reasons += [f"[{comp.name}] {reason}" for reason in comp.decision.reasons]
    verdict = worst([report.verdict, *(c.verdict for c in components)])
    return Decision(verdict, tuple(blocking), tuple(known), tuple(reasons))


def _audit_project(
    root: Path,
    repo: RepoIndex,
    options: AuditOptions,
    policy: Policy,
    tier: Tier,
    *,
    base: str,
    name: str = "",
    progress: Progress | None = None,
) -> AuditReport:
    started = time.perf_counter()
    python = index_python(repo, jobs=options.jobs, progress=progress, scan=True)
    kind, kind_reason = detect_kind(repo, python, base)
    if policy.kind is not None and not base:
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
        coverage=None
        if options.coverage is None
        else supply(options.coverage, lambda p: load_coverage(p, root), errors),
        junit=[supply(p, load_junit, errors) for p in options.junit],
        vulns=[supply(p, load_vulns, errors) for p in options.vulns],
        findings=(),
        base=base,
    )
    ctx.findings = _scan_findings(ctx, python) + tuple(options.findings)
    evaluated, skipped_off = _evaluate(ctx)
    waivers, expiry_notes = active_waivers(policy, options.today)
    results, waiver_notes = apply_policy(evaluated, policy, tier, waivers)
    decision = decide(results, tier)
    notes = [*policy.notes, *expiry_notes, *waiver_notes] if not base else []
    if skipped_off:
        notes.append(f"turned off by policy: {', '.join(skipped_off)}")
    if kind is ProjectKind.SERVICE and _is_blind(results):
        decision = replace(decision, reasons=(*decision.reasons, _BLIND))
    stats: dict[str, int | float] = {
        "files": len(repo.files),
        "python_files": len(python.facts),
        "criteria": len(results),
        "seconds": round(time.perf_counter() - started, 3),
    }
    return AuditReport(
        root=base or str(root),
        tier=tier,
        kind=kind,
        kind_reason=kind_reason,
        decision=decision,
        criteria=tuple(results),
        findings=ctx.findings,
        errors=tuple(
            sorted(
                (ReportError(ctx.repo_path(e.path), e.reason) for e in errors),
                key=lambda e: (e.path, e.reason),
            )
        ),
        layers=summarise_layers(results),
        policy_notes=tuple(notes),
        stats=stats,
        name=name,
    )


def _evaluate(ctx: AuditContext) -> tuple[list[tuple[Criterion, Outcome]], list[str]]:
    """Every criterion the policy has not turned off, with repository-relative evidence."""
    evaluated: list[tuple[Criterion, Outcome]] = []
    skipped_off: list[str] = []
    unparsed = len(ctx.python.errors)
    for crit in all_criteria().values():
        if ctx.policy.mode_of(crit.id) is Mode.OFF:
            skipped_off.append(crit.id)
            continue
        if crit.service_only and ctx.kind in (ProjectKind.LIBRARY, ProjectKind.CLI):
            outcome = Outcome.not_applicable(
                f"service-only criterion; this is a {ctx.kind.value} ({ctx.kind_reason})"
            )
        else:
            outcome = crit.check(ctx)
        if outcome.status is Status.MET and unparsed and crit.dimension in _CODE_DIMENSIONS:
            note = Evidence(f"{unparsed} Python file(s) could not be analysed (see errors)")
            outcome = replace(outcome, evidence=(*outcome.evidence, note))
        evaluated.append((crit, _repository_paths(outcome, ctx)))
    return evaluated, skipped_off


def _is_blind(results: Sequence[CriterionResult]) -> bool:
    observability = [r for r in results if r.id in _OBSERVABILITY_IDS]
    return bool(observability) and all(r.status is Status.MISSING for r in observability)


def _scan_findings(ctx: AuditContext, python: PythonIndex) -> tuple[Finding, ...]:
    """The scan rules' findings from the audit's own parse, with repository paths."""
    production = {rel: r for rel, r in python.scans.items() if is_production_path(rel)}
    # a symlink to a scanned file is the same code: judged once, under its real name
    for alias, target in ctx.repo.aliases.items():
        if target in production:
            production.pop(alias, None)
    # as `prodready scan` judges them: code that nothing in the repository names is low
    walked = ctx.repo.files if ctx.repo.root.resolve() == ctx.root.resolve() else None
    unused = unused_code_names(ctx.root, production, walked)
    findings, _errors, _stats = assemble(production, unused=unused)  # errors: reported already
    located = [replace(f, path=ctx.repo_path(f.path)) for f in findings]
    active, _notes = active_waivers(ctx.policy, ctx.today)
    return tuple(waive_findings(located, active))


def _repository_paths(outcome: Outcome, ctx: AuditContext) -> Outcome:
    """A component's evidence is found under component-relative paths; reports and waivers
    speak repository-relative ones."""
    if not ctx.base:
        return outcome
    evidence = tuple(
        replace(e, path=ctx.repo_path(e.path)) if e.path else e for e in outcome.evidence
    )
    return replace(outcome, evidence=evidence)


__all__ = ["AuditOptions", "run_audit"]
