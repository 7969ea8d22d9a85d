"""`prodready gate`: judge the change between a base and a head revision.

The only module that wires the gate together: git facts and supplied evidence into a
`GateContext`, the items over it, the audit's own `decide` over the results (waivers and
policy from the base revision), and the five numbers and the ways forward for the report.
"""

from __future__ import annotations

import functools
import os
import time
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from prodready.criteria.base import Criterion
from prodready.decide import active_waivers, apply_policy, decide, waive_findings
from prodready.errors import EvidenceError
from prodready.evidence.coverage import load_coverage
from prodready.evidence.junit import load_junit
from prodready.evidence.sarif import load_sarif
from prodready.evidence.supplied import supply
from prodready.evidence.vulns import load_vulns
from prodready.gate import collect, git
from prodready.gate.assistance import AssistedCommit, assisted_commits
from prodready.gate.change import Change, build_change, path_kind
from prodready.gate.context import EntryPoint, GateContext
from prodready.gate.dependencies import ManifestError, dependency_changes, is_manifest
from prodready.gate.diff import FileDiff
from prodready.gate.entrypoints import entry_points
from prodready.gate.history import Fingerprint, HistoryError, RunRecord, default_db_path
from prodready.gate.history import fixed_before_merge as history_fixed
from prodready.gate.history import record as history_record
from prodready.gate.registry import all_items
from prodready.gate.review import (
    SOURCE_TRAILER,
    ReviewEvidence,
    approvals_from_event,
    approvals_from_trailers,
    collect_reviews,
    identity_keys,
)
from prodready.gate.sensitive import SensitiveHit, groups_touched, sensitive_hits
from prodready.gate.spec_links import collect_tests
from prodready.gate.ways import WayForward, ways_forward
from prodready.model import (
    CriterionResult,
    Decision,
    Evidence,
    Finding,
    Mode,
    Outcome,
    ReportError,
    Tier,
)
from prodready.mutate.report import load_report
from prodready.scan.cache import ScanCache

if TYPE_CHECKING:
    from prodready.spec import Spec

T = TypeVar("T")

ITEM_ORDER = (
    "gate.acceptance-criteria",
    "gate.spec-criteria",
    "gate.spec-interfaces",
    "gate.ci-passing",
    "gate.tests-for-change",
    "gate.mutation-score",
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
    spec: Path | None = None  # the change spec (Markdown) the change is checked against
    mutation: Path | None = None  # a `prodready mutate --format json` report of this change


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
    spec = _load_spec(options.spec)  # a malformed spec is a usage error: fail before the work
    base_sha = git.resolve(root, options.base)
    head_sha = git.resolve(root, options.head)
    fork = git.merge_base(root, base_sha, head_sha)
    # The rules (policy, waivers, CODEOWNERS) are the base's as it is now, never the head's;
    # whether the change edits them is measured from where it forked.
    at_base = collect.files_at(root, base_sha, collect.CONFIG_FILES)
    at_fork = at_base if fork == base_sha else collect.files_at(root, fork, collect.CONFIG_FILES)
    at_head = collect.files_at(root, head_sha, collect.CONFIG_FILES)
    policy, policy_path = collect.policy_at(root, base_sha, _KnownIds(), at_base)
    tier = options.tier or policy.tier
    change = build_change(root, base_sha, head_sha)
    sources = collect.head_sources(root, fork, head_sha)
    errors: list[ReportError] = []
    extra = _sarif_findings(options.sarif, root, errors)
    unread_sarif = [Evidence(f"SARIF report could not be read: {e.reason}", e.path) for e in errors]
    cache = ScanCache() if options.use_cache else None
    findings, unanalysed = collect.findings_on_change(root, head_sha, change, sources, extra, cache)
    findings = waive_findings(findings, active_waivers(policy, options.today)[0])
    ctx = GateContext(
        root=root,
        change=change,
        policy=policy,
        tier=tier,
        today=options.today,
        head_sources=sources,
        coverage=None
        if options.coverage is None
        else supply(options.coverage, lambda p: load_coverage(p, root), errors),
        junit=[supply(p, load_junit, errors) for p in options.junit],
        vulns=[supply(p, load_vulns, errors) for p in options.vulns],
        mutation=None
        if options.mutation is None
        else supply(options.mutation, load_report, errors),
        findings=findings,
        unanalysed=[*unread_sarif, *unanalysed],
        codeowners=collect.codeowners_at(root, base_sha, at_base),
    )
    ctx.description, ctx.description_source = _description(options)
    commits = git.commits(root, fork, head_sha)
    messages = [(c.sha, c.message) for c in commits]
    ctx.reviews = _without_self_review(
        collect_reviews(options.reviewers, messages, options.github_event), commits
    )
    ctx.review_event_problem = _unusable_event(options.github_event)
    changed_policy = collect.policy_changed(at_fork, at_head)
    ctx.sensitive = sensitive_hits(
        [(f.path, f.old_path, _code_text(change, f)) for f in change.files],
        policy.sensitive,
        policy_changed=changed_policy is not None,
        policy_path=changed_policy,
    )
    ctx.dependencies, ctx.dependency_problems = _dependencies(root, fork, change, sources)
    ctx.irreversible_migrations = collect.irreversible_migrations(change, sources)
    ctx.runbook_rollback = collect.runbook_rollback(root, head_sha)
    ctx.entry_points = _entry_points(change, sources)
    if spec is not None and options.spec is not None:
        ctx.spec = spec
        ctx.spec_path = _relative(options.spec, root)
        ctx.spec_in_change = ctx.spec_path is not None and ctx.spec_path in change.paths
        ctx.spec_tests = collect_tests(root, head_sha, spec)

    evaluated, turned_off = _evaluate(ctx)
    waivers, expiry_notes = active_waivers(policy, options.today)
    results, waiver_notes = apply_policy(evaluated, policy, tier, waivers)
    decision = decide(results, tier)
    assisted = assisted_commits(messages)
    branch = _branch(root, options.head, head_sha)
    fixed, history_note = _history(root, options, branch, head_sha, fork, decision, ctx)
    numbers = _numbers(ctx, fixed, assisted, len(commits))
    review_problems = list(ctx.reviews.problems) if ctx.reviews else []
    notes = [
        *policy.notes,
        *(f"{i} is turned off by the policy ({policy_path})" for i in turned_off),
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
        branch=branch,
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


def _evaluate(ctx: GateContext) -> tuple[list[tuple[Criterion, Outcome]], list[str]]:
    """Every item in report order, except those the base policy turns off."""
    items = all_items()
    turned_off = [i for i in ITEM_ORDER if ctx.policy.mode_of(i) is Mode.OFF]
    evaluated = [
        (items[item_id], items[item_id].check(ctx))
        for item_id in ITEM_ORDER
        if item_id in items and item_id not in turned_off
    ]
    return evaluated, turned_off


def _numbers(
    ctx: GateContext, fixed: int | None, assisted: Sequence[AssistedCommit], commits: int
) -> ChangeNumbers:
    """The five numbers of the change, as the report shows them."""
    change = ctx.change
    return ChangeNumbers(
        production_added=change.production_lines.added,
        production_removed=change.production_lines.removed,
        test_added=change.test_lines.added,
        test_removed=change.test_lines.removed,
        tests_added=len(change.tests_added),
        sensitive_groups=tuple(groups_touched(ctx.sensitive)),
        findings=sum(1 for f in ctx.findings if not f.suppressed),
        fixed_before_merge=fixed,
        assisted_commits=len({a.sha for a in assisted}),
        commits=commits,
        assistants=tuple(sorted({a.assistant for a in assisted})),
    )


class _KnownIds(Collection[str]):
    """The criterion and gate item ids a policy may name, loaded only when the policy names
    one (loading every audit criterion is most of the gate's start-up otherwise)."""

    @functools.cached_property
    def _ids(self) -> frozenset[str]:
        from prodready.known import known_ids

        return known_ids()

    def __contains__(self, item: object) -> bool:
        return item in self._ids

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self._ids))

    def __len__(self) -> int:
        return len(self._ids)


def _load_spec(path: Path | None) -> Spec | None:
    """The spec, imported only when one is given; its `SpecError` (exit 2) names the file,
    the line and what is wrong."""
    if path is None:
        return None
    from prodready.spec import load_spec

    return load_spec(path)


def _relative(path: Path, root: Path) -> str | None:
    """`path` relative to the repository root, as git names it; None when outside it."""
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except (OSError, ValueError):
        return None


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


def _without_self_review(reviews: ReviewEvidence, commits: Sequence[git.Commit]) -> ReviewEvidence:
    """Drop `Reviewed-by:`/`Approved-by:` trailers in which a commit's author approves their
    own commit (unless the same reviewer also approved someone else's commit)."""
    own: set[str] = set()
    others: set[str] = set()
    for c in commits:
        author = identity_keys(c.author)
        for approval in approvals_from_trailers([(c.sha, c.message)]):
            key = approval.reviewer.casefold()
            (own if author & identity_keys(approval.reviewer) else others).add(key)
    selfish = own - others
    if not selfish:
        return reviews
    kept = tuple(
        a
        for a in reviews.approvals
        if not (a.source == SOURCE_TRAILER and a.reviewer.casefold() in selfish)
    )
    problems = [
        f"{a.reviewer} approved their own commit ({a.evidence}); it does not count"
        for a in reviews.approvals
        if a not in kept
    ]
    return replace(reviews, approvals=kept, problems=(*reviews.problems, *problems))


def _unusable_event(path: Path | None) -> str | None:
    """Why the --github-event file yields nothing at all (unreadable, another event)."""
    if path is None:
        return None
    event = approvals_from_event(path)
    if event.approvals or event.requested or event.author or not event.problems:
        return None
    return event.problems[0]


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


def _code_text(change: Change, f: FileDiff) -> dict[int, str]:
    """The added lines of `f` that are code: in production Python, docstrings, comments and
    blank lines are left out (a docstring naming `stripe.Refund.create` pays nobody);
    lines that only moved stay in, since the call they carry is still there."""
    executable = change.executable.get(f.path)
    if executable is None:
        return f.added_text
    keep = executable.lines | change.moved.get(f.path, frozenset())
    return {n: text for n, text in f.added_text.items() if n in keep}


def _entry_points(change: Change, sources: dict[str, str]) -> list[EntryPoint]:
    points: list[EntryPoint] = []
    for f in change.files:
        if f.path.endswith(".py") and path_kind(f.path) == "production" and f.added:
            text = sources.get(f.path)
            if text is not None:
                points.extend(entry_points(f.path, text, f.added))
    return points


def _branch(root: Path, head: str, head_sha: str) -> str | None:
    """The branch being judged: `--head` when it names a branch, else the checked-out
    branch when `--head` is its commit; None for a detached commit (no history then)."""
    for ref in (f"refs/heads/{head}", f"refs/remotes/{head}"):
        proc = git._run(
            root, ["rev-parse", "--verify", "--quiet", "--end-of-options", ref], ok=(0, 1, 128)
        )
        if proc.returncode == 0 and proc.stdout.decode().strip() == head_sha:
            return head if ref.startswith("refs/heads/") else head.split("/", 1)[-1]
    current = git.current_branch(root)
    if current is not None and git.resolve(root, "HEAD") == head_sha:
        return current
    # CI checks out a detached merge commit; GitHub names the pull request's branch
    return os.environ.get("GITHUB_HEAD_REF") or None


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
