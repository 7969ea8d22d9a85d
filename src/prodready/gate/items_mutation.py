"""Gate item about whether the change's tests notice defects, from `prodready mutate`."""

from __future__ import annotations

from prodready.criteria.base import criterion
from prodready.gate.context import GateContext
from prodready.gate.registry import GATE_ITEMS
from prodready.model import Dimension, Evidence, Layer, Outcome, Tier

_MAX = 15


@criterion(
    "gate.mutation-score",
    "Tests notice defects in the change",
    Dimension.TESTS,
    Layer.VERIFICATION,
    required_from=Tier.CRITICAL,
    registry=GATE_ITEMS,
)
def mutation_score(ctx: GateContext) -> Outcome:
    """
    What it does:
        Reads the report of `prodready mutate --format json` for this head (`--mutation`):
        small defects injected into the change's executable lines, each judged by the
        tests that run its line. Compares the mutation score with the tier's floor
        (internal 50%, production 60%, critical 70%; `thresholds.min_mutation_score`) and
        names every mutant no test noticed. Required from tier critical; enforce it at
        other tiers with `criteria."gate.mutation-score" = "enforce"`.
    Why it matters:
        Coverage shows a line ran, not that a test would notice it being wrong. Tests
        written after the code (often by the same assistant) tend to confirm what the code
        does rather than what it should do, and pass whatever it does.
    Example:
        `app/refund.py:41 [boundary] if amount > order.total: → if amount >= order.total:`
        survived: `tests/test_refund.py::test_refund` ran it and still passed.
    Fix:
        For each surviving mutant, add or sharpen an assertion that the mutated code would
        fail (the boundary value, the error raised, the value returned), then run
        `prodready mutate --base <base> --format json -o mutation.json` again.
    """
    executable = {p: e for p, e in ctx.change.executable.items() if e.lines}
    if not executable:
        return Outcome.not_applicable("the change has no executable production Python lines")
    if ctx.mutation is None:
        return Outcome.unknown(
            "no mutation report given (run `prodready mutate --base <base> --format json "
            "-o mutation.json` and pass --mutation mutation.json)"
        )
    report = ctx.mutation.value
    if report is None:
        return Outcome.unknown(
            f"mutation report {ctx.mutation.path} could not be read: {ctx.mutation.error}"
        )
    if report.head and report.head != ctx.change.head:
        return Outcome.unknown(
            f"mutation report {ctx.mutation.path} is for head {report.head[:12]}, not "
            f"{ctx.change.head[:12]}: run prodready mutate on this head"
        )
    score = report.score
    if score is None:
        return Outcome.met(
            Evidence("no mutant of the changed lines could be judged", ctx.mutation.path)
        )
    floor = ctx.policy.thresholds.mutation_floor(ctx.tier)
    counts = report.counts
    summary = Evidence(
        f"mutation score {score:.0%}: {counts['killed'] + counts['timeout']} of "
        f"{len(report.mutants) - counts['error']} mutant(s) noticed by the tests",
        ctx.mutation.path,
    )
    survivors = [
        Evidence(
            f"[{m.operator}] {_flat(m.original)} → {_flat(m.mutated)}: "
            + (
                f"{m.status}; ran {', '.join(m.tests[:3])}" if m.tests else "no test runs this line"
            ),
            m.path,
            m.line,
        )
        for m in report.survivors[:_MAX]
    ]
    if 100.0 * score >= floor:
        return Outcome.met(summary, *survivors)
    return Outcome.gap(
        f"mutation score {score:.0%} is below the floor of {floor:.0f}%: "
        f"{len(report.survivors)} mutant(s) no test noticed",
        *survivors,
        summary,
    )


def _flat(code: str) -> str:
    return " ".join(code.split())
