"""From outcomes to a verdict: pure functions of criteria, policy and today's date.

Nothing here reads files. That keeps the decision table-testable and makes "same inputs,
same verdict" a property of the code rather than a hope.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import date

import pathspec

from prodready.criteria.base import Criterion
from prodready.model import (
    CriterionResult,
    Decision,
    Finding,
    Layer,
    LayerSummary,
    Mode,
    Outcome,
    Status,
    Tier,
    Verdict,
    WaiverRef,
)
from prodready.policy.model import Policy, Waiver

_GAPS = (Status.MISSING, Status.UNKNOWN)


def is_required(criterion: Criterion, policy: Policy, tier: Tier) -> bool:
    mode = policy.mode_of(criterion.id)
    if mode is Mode.ENFORCE:
        return True
    if mode is Mode.WARN:
        return False
    return criterion.required_at(tier)


def active_waivers(policy: Policy, today: date) -> tuple[list[Waiver], list[str]]:
    """Waivers that still count, and a note for each that expired (expired ones never count)."""
    active: list[Waiver] = []
    notes: list[str] = []
    for w in policy.waivers:
        if w.expires < today:
            notes.append(
                f"waiver #{w.index} for {w.id} expired on {w.expires.isoformat()} "
                f"and no longer counts (owner {w.owner})"
            )
        else:
            active.append(w)
    return active, notes


def _waiver_covers(waiver: Waiver, outcome: Outcome) -> bool:
    """A path-scoped waiver covers a gap only if every located piece of evidence is in scope;
    a gap with no location cannot be proven to be inside the scope, so it is not covered."""
    if not waiver.paths:
        return True
    located = [e.path for e in outcome.evidence if e.path]
    if not located:
        return False
    spec = pathspec.GitIgnoreSpec.from_lines(waiver.paths)
    return all(spec.match_file(p) for p in located)


def apply_policy(
    evaluated: Iterable[tuple[Criterion, Outcome]],
    policy: Policy,
    tier: Tier,
    waivers: Sequence[Waiver],
) -> tuple[list[CriterionResult], list[str]]:
    """Attach required/advisory and waivers to each outcome; report waivers that waive nothing."""
    results: list[CriterionResult] = []
    used: set[int] = set()
    for crit, outcome in evaluated:
        status, waiver_ref, original = outcome.status, None, None
        if status in _GAPS:
            for w in waivers:
                if w.id == crit.id and _waiver_covers(w, outcome):
                    used.add(w.index)
                    status, original = Status.WAIVED, outcome.status
                    waiver_ref = WaiverRef(
                        w.id, w.owner, w.approved_by, w.expires.isoformat(), w.reason, w.index
                    )
                    break
        results.append(
            CriterionResult(
                id=crit.id,
                title=crit.title,
                dimension=crit.dimension,
                layer=crit.layer,
                status=status,
                required=is_required(crit, policy, tier),
                evidence=outcome.evidence,
                missing=outcome.missing,
                remediation=crit.fix,
                waiver=waiver_ref,
                original_status=original,
            )
        )
    ids = {r.id for r in results}
    notes = [
        f"waiver #{w.index} for {w.id} matched no gap in its scope and waives nothing"
        for w in waivers
        if w.index not in used and w.id in ids
    ]
    return results, notes


def waive_findings(findings: Sequence[Finding], waivers: Sequence[Waiver]) -> list[Finding]:
    """A waiver naming a scan rule (`PR101`) accepts that rule's findings within its
    paths: they are kept, marked as suppressed by the waiver, and so block nothing."""
    by_rule: dict[str, list[tuple[Waiver, pathspec.GitIgnoreSpec | None]]] = {}
    for w in waivers:
        spec = pathspec.GitIgnoreSpec.from_lines(w.paths) if w.paths else None
        by_rule.setdefault(w.id, []).append((w, spec))
    out: list[Finding] = []
    for f in findings:
        match = next(
            (w for w, spec in by_rule.get(f.rule, []) if spec is None or spec.match_file(f.path)),
            None,
        )
        if match is not None and not f.suppressed:
            reason = f"waiver #{match.index} (owner {match.owner}, expires {match.expires})"
            f = replace(f, suppressed=True, suppression_reason=reason)
        out.append(f)
    return out


def blocks(result: CriterionResult, tier: Tier) -> bool:
    """Missing required evidence blocks; unknown blocks only from tier production up
    (fail closed where it matters, fail open where a team is still experimenting)."""
    if not result.required:
        return False
    if result.status is Status.MISSING:
        return True
    return result.status is Status.UNKNOWN and tier.at_least(Tier.PRODUCTION)


def decide(results: Sequence[CriterionResult], tier: Tier) -> Decision:
    blocking = tuple(r.id for r in results if blocks(r, tier))
    known = tuple(
        r.id
        for r in results
        if r.status is Status.WAIVED
        and r.required
        and (r.original_status is Status.MISSING or tier.at_least(Tier.PRODUCTION))
    )
    reasons: list[str] = []
    for r in results:
        if r.id in blocking:
            reasons.append(f"{r.id} is {r.status.value}: {r.missing or r.title}")
        elif r.id in known and r.waiver:
            reasons.append(f"{r.id} is waived until {r.waiver.expires} (owner {r.waiver.owner})")
    unknown_advisory = [
        r.id for r in results if r.required and r.status is Status.UNKNOWN and r.id not in blocking
    ]
    if unknown_advisory:
        reasons.append(
            f"not blocking at tier {tier.value}, but unknown: {', '.join(unknown_advisory)}"
        )
    if blocking:
        verdict = Verdict.BLOCK
    elif known:
        verdict = Verdict.SHIP_WITH_KNOWN_RISK
    else:
        verdict = Verdict.SHIP
    return Decision(verdict=verdict, blocking=blocking, known_risks=known, reasons=tuple(reasons))


def summarise_layers(results: Sequence[CriterionResult]) -> tuple[LayerSummary, ...]:
    summaries = []
    for layer in Layer:
        mine = [r for r in results if r.layer is layer and r.status is not Status.NOT_APPLICABLE]
        met = sum(1 for r in mine if r.status is Status.MET)
        summaries.append(LayerSummary(layer=layer, met=met, applicable=len(mine)))
    return tuple(summaries)


def worst(verdicts: Iterable[Verdict]) -> Verdict:
    order = [Verdict.SHIP, Verdict.SHIP_WITH_KNOWN_RISK, Verdict.BLOCK]
    return max(verdicts, key=order.index, default=Verdict.SHIP)
