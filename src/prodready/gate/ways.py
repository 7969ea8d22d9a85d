"""The three ways forward from a gap: accept the risk, shrink the change, or pay for the
missing verification. The report names the concrete step for each, so a blocked team
chooses between options instead of arguing with a verdict."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from prodready.gate.context import GateContext
from prodready.model import CriterionResult, Status

_FUND = {
    "gate.acceptance-criteria": (
        "write the acceptance criteria in the description (## Acceptance criteria)"
    ),
    "gate.ci-passing": "run the tests in CI and pass the JUnit report (--junit)",
    "gate.tests-for-change": "add tests for the uncovered lines listed above and pass --coverage",
    "gate.no-new-risk": "fix the findings on the changed lines (prodready explain RULE)",
    "gate.dependencies": (
        "get the new dependencies onto the approved list, or upgrade past the vulnerability"
    ),
    "gate.review": "request a review from the owners of the changed paths",
    "gate.sensitive-review": "request a second review from an owner of the sensitive area",
    "gate.rollback": "write a ## Rollback section (and cover each irreversible migration)",
    "gate.observability": "log and count the failures of the new routes, jobs and calls",
    "gate.spec-criteria": 'add a test per unverified criterion (@pytest.mark.acceptance("AC-n"))',
    "gate.spec-interfaces": (
        "make the handlers check what the spec's interfaces state, and test the failures"
    ),
}


@dataclass(frozen=True)
class WayForward:
    kind: str  # "accept-risk" | "reduce-scope" | "fund-verification"
    summary: str
    steps: tuple[str, ...]


def ways_forward(
    results: Sequence[CriterionResult], ctx: GateContext, policy_path: str | None
) -> list[WayForward]:
    gaps = [r for r in results if r.status in (Status.MISSING, Status.UNKNOWN) and r.required]
    if not gaps:
        return []
    policy_file = policy_path or "prodready.toml"
    owners = ctx.owners_of(policy_file)
    approver = " or ".join(owners) if owners else "the owners of the policy"
    accept = WayForward(
        "accept-risk",
        f"Ship with the known risk: add a waiver per gap to {policy_file}, approved by {approver}",
        tuple(
            f'[[waiver]] id = "{r.id}", reason, owner, approved_by, expires '
            f"(for: {r.missing or r.title})"
            for r in gaps
        ),
    )
    scope_files = sorted({h.path for h in ctx.sensitive})
    located = sorted(
        {e.path for r in gaps for e in r.evidence if e.path and e.path in ctx.change.paths}
    )
    reduce_steps = []
    if scope_files:
        groups = sorted({h.group for h in ctx.sensitive})
        reduce_steps.append(
            f"these files make the change sensitive ({', '.join(groups)}): "
            + ", ".join(scope_files[:10])
        )
    if located:
        reduce_steps.append(f"these changed files carry the gaps: {', '.join(located[:10])}")
    reduce = WayForward(
        "reduce-scope",
        "Reduce the scope: split out or drop what makes the change risky",
        tuple(reduce_steps) or ("no single file carries the gaps; scope does not help here",),
    )
    fund = WayForward(
        "fund-verification",
        "Fund the verification work",
        tuple(_FUND.get(r.id, f"supply the evidence for {r.id}") for r in gaps),
    )
    return [accept, reduce, fund]
