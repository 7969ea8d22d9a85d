"""`prodready gate`: judge the change between a base and a head revision.

The only module that wires the gate together: git facts and supplied evidence into a
`GateContext`, the items over it, the audit's own `decide` over the results (waivers and
policy from the base revision), and the five numbers and the ways forward for the report.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from prodready.audit import _supplied, _supplied_one, known_ids
from prodready.criteria.base import Criterion
from prodready.decide import active_waivers, apply_policy, decide
from prodready.errors import EvidenceError
from prodready.evidence.coverage import load_coverage
from prodready.evidence.junit import load_junit
from prodready.evidence.sarif import load_sarif
from prodready.evidence.vulns import load_vulns
from prodready.gate import collect, git
from prodready.gate.assistance import assisted_commits
from prodready.gate.change import Change, build_change, path_kind
from prodready.gate.context import EntryPoint, GateContext
from prodready.gate.dependencies import ManifestError, dependency_changes, is_manifest
from prodready.gate.entrypoints import entry_points
from prodready.gate.history import Fingerprint, HistoryError, RunRecord, default_db_path
from prodready.gate.history import fixed_before_merge as history_fixed
from prodready.gate.history import record as history_record
from prodready.gate.registry import all_items
from prodready.gate.review import collect_reviews
from prodready.gate.sensitive import SensitiveHit, groups_touched, sensitive_hits
from prodready.gate.ways import WayForward, ways_forward
from prodready.model import CriterionResult, Decision, Finding, Outcome, ReportError, Tier
from prodready.scan.cache import ScanCache

ITEM_ORDER = (
    "gate.acceptance-criteria",
    "gate.ci-passing",
    "gate.tests-for-change",
    "gate.no-new-risk",
    "gate.dependencies",
    "gate.review",
    "gate.sensitive-review",
    "gate.rollback",
    "gate.observability",
)


@dataclass(frozen=True)
class GateOptions:
    base: str
    head: str = "HEAD"
    coverage: Path | None = None
    junit: Sequence[Path] = ()
    sarif: Sequence[Path] = ()
    vulns: Sequence[Path] = ()
    description: Path | None = None
    reviewers: Sequence[str] = ()
    github_event: Path | None = None
    tier: Tier | None = None
    today: date = field(default_factory=date.today)
    history: Path | None = None  # None: .prodready/history.db in the repository
    record_history: bool = True
    use_cache: bool = True


@dataclass(frozen=True)
class ChangeNumbers:
    """The five numbers of a change."""

    production_added: int
    production_removed: int
    test_added: int
    test_removed: int
    tests_added: int
    sensitive_groups: tuple[str, ...]
    findings: int
    fixed_before_merge: int | None
    assisted_commits: int
    commits: int
    assistants: tuple[str, ...]


@dataclass(frozen=True)
class GateReport:
    root: str
    base: str
    head: str
    base_sha: str
    head_sha: str
    merge_base: str
    branch: str | None
    tier: Tier
    decision: Decision
    items: tuple[CriterionResult, ...]
    numbers: ChangeNumbers
    findings: tuple[Finding, ...]
    sensitive: tuple[SensitiveHit, ...]
    ways: tuple[WayForward, ...]
    waivers: tuple[str, ...]  # notes about waivers (expired, unused) and which applied
    errors: tuple[ReportError, ...]
    notes: tuple[str, ...]
    stats: dict[str, float | int]

    @property
    def verdict(self) -> str:
        return self.decision.verdict.value


def run_gate(root: Path, options: GateOptions) -> GateReport:
    started = time.perf_counter()
    root = git.repo_root(root)
    base_sha = git.resolve(root, options.base)
    head_sha = git.resolve(root, options.head)
    fork = git.merge_base(root, base_sha, head_sha)
    policy, policy_path = collect.policy_at(root, fork, known_ids() | set(all_items()))
    tier = options.tier or policy.tier
    change = build_change(root, base_sha, head_sha)
    sources = collect.head_sources(root, fork, head_sha)
    errors: list[ReportError] = []
    extra = _sarif_findings(options.sarif, root, errors)
    cache = ScanCache() if options.use_cache else None
    ctx = GateContext(
        root=root,
        change=change,
        policy=policy,
        tier=tier,
        today=options.today,
        head_sources=sources,
        coverage=_supplied(options.coverage, lambda p: load_coverage(p, root), errors),
        junit=[_supplied_one(p, load_junit, errors) for p in options.junit],
        vulns=[_supplied_one(p, load_vulns, errors) for p in options.vulns],
        findings=collect.findings_on_change(root, head_sha, change, sources, extra, cache),
        codeowners=collect.codeowners_at(root, fork),
    )
    ctx.description, ctx.description_source = _description(options)
    commits = git.commits(root, fork, head_sha)
    messages = [(c.sha, c.message) for c in commits]
    ctx.reviews = collect_reviews(options.reviewers, messages, options.github_event)
    changed_policy = collect.policy_changed(root, fork, head_sha)
    ctx.sensitive = sensitive_hits(
        [(f.path, f.old_path, f.added_text) for f in change.files],
        policy.sensitive,
        policy_changed=changed_policy is not None,
        policy_path=changed_policy,
    )
    ctx.dependencies, ctx.dependency_problems = _dependencies(root, fork, change, sources)
    ctx.irreversible_migrations = collect.irreversible_migrations(change, sources)
    ctx.runbook_rollback = collect.runbook_rollback(root, head_sha)
    ctx.entry_points = _entry_points(change, sources)

    items = all_items()
    evaluated: list[tuple[Criterion, Outcome]] = [
        (items[item_id], items[item_id].check(ctx)) for item_id in ITEM_ORDER if item_id in items
    ]
    waivers, expiry_notes = active_waivers(policy, options.today)
    results, waiver_notes = apply_policy(evaluated, policy, tier, waivers)
    decision = decide(results, tier)
    assisted = assisted_commits(messages)
    fixed, history_note = _history(
        root, options, git.current_branch(root), head_sha, fork, decision, ctx
    )
    numbers = ChangeNumbers(
        production_added=change.production_lines.added,
        production_removed=change.production_lines.removed,
        test_added=change.test_lines.added,
        test_removed=change.test_lines.removed,
        tests_added=len(change.tests_added),
        sensitive_groups=tuple(groups_touched(ctx.sensitive)),
        findings=sum(1 for f in ctx.findings if not f.suppressed),
        fixed_before_merge=fixed,
        assisted_commits=len({a.sha for a in assisted}),
        commits=len(commits),
        assistants=tuple(sorted({a.assistant for a in assisted})),
    )
    review_problems = list(ctx.reviews.problems) if ctx.reviews else []
    notes = [
        *policy.notes,
        *change.notes,
        *review_problems,
        *([history_note] if history_note else []),
    ]
    return GateReport(
        root=str(root),
        base=options.base,
        head=options.head,
        base_sha=base_sha,
        head_sha=head_sha,
        merge_base=fork,
        branch=git.current_branch(root),
        tier=tier,
        decision=decision,
        items=tuple(results),
        numbers=numbers,
        findings=tuple(ctx.findings),
        sensitive=tuple(ctx.sensitive),
        ways=tuple(ways_forward(results, ctx, policy_path)),
        waivers=tuple([*expiry_notes, *waiver_notes]),
        errors=tuple(errors),
        notes=tuple(notes),
        stats={"seconds": round(time.perf_counter() - started, 3), "files": len(change.files)},
    )


def _description(options: GateOptions) -> tuple[str | None, str | None]:
    if options.description is not None:
        try:
            return options.description.read_text(encoding="utf-8"), str(options.description)
        except (OSError, UnicodeDecodeError) as exc:
            raise EvidenceError(str(options.description), f"cannot be read: {exc}") from exc
    if options.github_event is not None:
        body = _event_body(options.github_event)
        if body is not None:
            return body, "pull request description"
    return None, None


def _event_body(path: Path) -> str | None:
    import json

    try:
        payload = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None  # collect_reviews reports the unreadable event
    pull = payload.get("pull_request") if isinstance(payload, dict) else None
    body = pull.get("body") if isinstance(pull, dict) else None
    return body if isinstance(body, str) else None


def _sarif_findings(paths: Sequence[Path], root: Path, errors: list[ReportError]) -> list[Finding]:
    found: list[Finding] = []
    for path in paths:
        try:
            found.extend(load_sarif(path, root))
        except EvidenceError as exc:
            errors.append(ReportError(str(path), exc.reason))
    return found


def _dependencies(
    root: Path, fork: str, change: Change, sources: dict[str, str]
) -> tuple[list, list[str]]:  # type: ignore[type-arg]
    changes = []
    problems: list[str] = []
    for f in change.files:
        if not (is_manifest(f.path) or (f.old_path and is_manifest(f.old_path))):
            continue
        base_data = git.show(root, fork, f.old_path or f.path)
        base_text = base_data.decode("utf-8", errors="replace") if base_data is not None else None
        head_text = None if f.status == "deleted" else sources.get(f.path)
        try:
            changes.extend(dependency_changes(f.path, base_text, head_text))
        except ManifestError as exc:
            problems.append(str(exc))
    return changes, problems


def _entry_points(change: Change, sources: dict[str, str]) -> list[EntryPoint]:
    points: list[EntryPoint] = []
    for f in change.files:
        if f.path.endswith(".py") and path_kind(f.path) == "production" and f.added:
            text = sources.get(f.path)
            if text is not None:
                points.extend(entry_points(f.path, text, f.added))
    return points


def _history(
    root: Path,
    options: GateOptions,
    branch: str | None,
    head_sha: str,
    fork: str,
    decision: Decision,
    ctx: GateContext,
) -> tuple[int | None, str | None]:
    """Record this run; say how many findings earlier runs of the branch saw that are gone."""
    if not options.record_history or branch is None:
        return None, None
    db = options.history or default_db_path(root)
    prints = tuple(
        Fingerprint(f.rule, f.path, _line_text(ctx, f)) for f in ctx.findings if not f.suppressed
    )
    try:
        fixed = history_fixed(db, branch, prints)
        history_record(
            db,
            RunRecord(
                time=datetime.now(UTC).isoformat(timespec="seconds"),
                branch=branch,
                base_sha=fork,
                head_sha=head_sha,
                verdict=decision.verdict.value,
                findings=prints,
                counts={"findings": len(prints)},
            ),
        )
    except HistoryError as exc:
        return None, f"history not recorded: {exc}"
    return fixed, None


def _line_text(ctx: GateContext, finding: Finding) -> str:
    lines = ctx.head_sources.get(finding.path, "").splitlines()
    return lines[finding.line - 1] if 0 < finding.line <= len(lines) else ""


__all__ = ["ChangeNumbers", "GateOptions", "GateReport", "run_gate"]
