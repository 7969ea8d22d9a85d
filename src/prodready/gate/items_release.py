"""Gate items about releasing the change: dependencies, rollback, observability."""

from __future__ import annotations

import re

from prodready.criteria.base import criterion
from prodready.gate.context import GateContext
from prodready.gate.dependencies import approved
from prodready.gate.description import find_section
from prodready.gate.registry import GATE_ITEMS
from prodready.model import Dimension, Evidence, Layer, Outcome, Tier

_MAX = 25
_ROLLBACK = re.compile(r"roll(ing)?[\s-]?back|revert|back(ing)?[\s-]?out", re.I)
_NEW_KINDS = ("added", "upgraded", "downgraded", "changed")


@criterion(
    "gate.dependencies",
    "New and upgraded dependencies are approved",
    Dimension.SECURITY,
    Layer.CONSTRAINTS,
    required_from=Tier.PRODUCTION,
    registry=GATE_ITEMS,
)
def dependencies(ctx: GateContext) -> Outcome:
    """
    What it does:
        Finds the dependencies the change adds or upgrades in any manifest (requirements
        files, `pyproject.toml` with its optional groups, Poetry, uv, PDM and pip-tools
        lock files, Pipfile, `package.json` and its lock) and checks them against the
        policy's `[dependencies] approved` list (names, globs and version specifiers). A
        newly added dependency with a known vulnerability (from `--vulns`) always fails.
    Why it matters:
        Every new dependency is code nobody on the team wrote or reviewed, running with
        the service's credentials; an approved list keeps that decision deliberate.
    Example:
        `requirements.txt:12 leftpad-py==0.1` added; it is not on the approved list.
    Fix:
        Ask the owners of the policy to add it to `[dependencies] approved` (a sensitive
        change, reviewed on its own), use an approved alternative, or upgrade past the
        vulnerable version.
    """
    if ctx.dependency_problems:
        return Outcome.unknown(ctx.dependency_problems[0])
    changed = [d for d in ctx.dependencies if d.kind in _NEW_KINDS and d.group != "lock"]
    if not changed:
        return Outcome.not_applicable("the change adds or upgrades no dependency")
    vulnerable = _vulnerable(ctx)
    gaps: list[Evidence] = []
    fine: list[Evidence] = []
    allow = ctx.policy.approved_dependencies
    for dep in changed:
        label = f"{dep.kind} {dep.name} {dep.new or ''}".strip()
        vuln = vulnerable.get(dep.name.lower())
        if vuln and dep.kind == "added":
            gaps.append(Evidence(f"{label}: known vulnerability {vuln}", dep.manifest, dep.line))
        elif allow is not None and not approved(dep, allow):
            gaps.append(Evidence(f"{label}: not on the approved list", dep.manifest, dep.line))
        else:
            fine.append(Evidence(label, dep.manifest, dep.line))
    if gaps:
        return Outcome.gap(f"{len(gaps)} dependency change(s) need approval", *gaps[:_MAX])
    note = [] if allow is not None else [Evidence("no [dependencies] approved list in the policy")]
    return Outcome.met(*fine[:_MAX], *note)


def _vulnerable(ctx: GateContext) -> dict[str, str]:
    found: dict[str, str] = {}
    for supplied in ctx.vulns:
        if supplied.value is None:
            continue
        for v in supplied.value.vulnerabilities:
            found.setdefault(v.package.lower().replace("_", "-"), v.id)
    return found


@criterion(
    "gate.rollback",
    "A rollback plan",
    Dimension.DEPLOYMENT,
    Layer.OPERATION,
    required_from=Tier.PRODUCTION,
    registry=GATE_ITEMS,
)
def rollback(ctx: GateContext) -> Outcome:
    """
    What it does:
        Looks for a "Rollback" section in the change description, the rollback plan of
        the `--spec` (or a heading about rolling back in the README or an operations
        document: a runbook, ops or deploy page). When the change adds database migrations that
        cannot be reversed (an empty Alembic `downgrade`, Django `RunPython` without
        `reverse_code` or `RunSQL` without `reverse_sql`), they are named and only a plan
        in the description that mentions the migration counts.
    Why it matters:
        The plan for undoing a release has to exist before the release; an irreversible
        migration turns "redeploy the previous version" into data loss.
    Example:
        A change adding `migrations/0042_drop_legacy_prices.py` with `RunSQL("DROP ...")`
        and no rollback section.
    Fix:
        Add "## Rollback" to the description: how to go back, and for each named migration
        what happens to the data; or make the migration reversible.
    """
    section = find_section(ctx.description, _ROLLBACK) if ctx.description else None
    source = ctx.description_source or "description"
    in_spec = _spec_rollback(ctx)
    if ctx.irreversible_migrations:
        named = list(ctx.irreversible_migrations)
        if section is not None and re.search(r"migrat", section.text, re.I):
            return Outcome.met(
                Evidence(f"'{section.title}' covers the migration", source, section.line), *named
            )
        if in_spec is not None and re.search(r"migrat", in_spec[0], re.I):
            where = in_spec[1]
            return Outcome.met(
                Evidence("the spec's rollback plan covers the migration", where.path, where.line),
                *named,
            )
        why = (
            f"'{section.title}' does not mention the migration"
            if section is not None
            else "the spec's rollback plan does not mention the migration"
            if in_spec is not None
            else "no rollback section"
        )
        return Outcome.gap(f"{len(named)} irreversible migration operation(s) and {why}", *named)
    if section is not None:
        return Outcome.met(Evidence(f"'{section.title}' section", source, section.line))
    if in_spec is not None:
        return Outcome.met(in_spec[1])
    if ctx.runbook_rollback:
        return Outcome.met(*ctx.runbook_rollback[:3])
    if ctx.description is None:
        return Outcome.unknown("no change description given and no rollback entry in a runbook")
    return Outcome.gap(
        f"no rollback section in the {source} and no runbook entry about rolling back"
    )


def _spec_rollback(ctx: GateContext) -> tuple[str, Evidence] | None:
    """The `--spec`'s rollback plan (its text, and where it is), if it states one."""
    spec = ctx.spec
    if spec is None or not (spec.rollback or "").strip():
        return None
    operation = spec.sections.get("operation")
    line = operation.line if operation else None
    where = Evidence("rollback plan in the spec", ctx.spec_path or spec.path, line)
    return spec.rollback or "", where


@criterion(
    "gate.observability",
    "New routes, jobs and integrations are observable",
    Dimension.OBSERVABILITY,
    Layer.OPERATION,
    required_from=Tier.PRODUCTION,
    registry=GATE_ITEMS,
)
def observability(ctx: GateContext) -> Outcome:
    """
    What it does:
        Names each route, background job or outbound call the change adds whose function
        neither logs nor records a metric on its failure path (an `except` that logs,
        reports or counts, or logging in the function around the call).
    Why it matters:
        A new integration that fails silently is discovered by customers. The change is
        when its author knows what failure looks like.
    Example:
        A new `@app.post("/refunds")` whose `stripe.Refund.create` call has no `except`
        and no log line.
    Fix:
        Log the failure with context (`logger.exception("refund failed", extra=...)`) and
        count it (`REFUND_FAILURES.inc()`), or report it to the error tracker.
    """
    points = ctx.entry_points
    if not points:
        return Outcome.not_applicable("the change adds no route, job or outbound call")
    blind = [p for p in points if not p.observed]
    if not blind:
        return Outcome.met(
            *[Evidence(f"{p.kind} {p.name}: {p.how}", p.path, p.line) for p in points[:_MAX]]
        )
    return Outcome.gap(
        f"{len(blind)} new {'/'.join(sorted({p.kind for p in blind}))} "
        "without logging or a metric on failure",
        *[Evidence(f"{p.kind} {p.name}: {p.how}", p.path, p.line) for p in blind[:_MAX]],
    )
