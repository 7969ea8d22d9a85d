"""The decision is a pure function: table tests over status x required x tier."""

from __future__ import annotations

from datetime import date

import pytest

from prodready.criteria import all_criteria
from prodready.decide import active_waivers, apply_policy, blocks, decide, summarise_layers
from prodready.model import (
    CriterionResult,
    Dimension,
    Evidence,
    Layer,
    Mode,
    Outcome,
    Status,
    Tier,
    Verdict,
)
from prodready.policy.model import Policy, Waiver


def result(
    status: Status, *, required: bool = True, rid: str = "x", original: Status | None = None
) -> CriterionResult:
    return CriterionResult(
        id=rid,
        title=rid,
        dimension=Dimension.TESTS,
        layer=Layer.VERIFICATION,
        status=status,
        required=required,
        evidence=(),
        missing="gap" if status is not Status.MET else None,
        remediation="fix",
        original_status=original,
    )


@pytest.mark.parametrize(
    ("status", "required", "tier", "expected"),
    [
        (Status.MET, True, Tier.CRITICAL, False),
        (Status.MISSING, True, Tier.EXPERIMENTAL, True),
        (Status.MISSING, False, Tier.CRITICAL, False),
        (Status.UNKNOWN, True, Tier.INTERNAL, False),
        (Status.UNKNOWN, True, Tier.PRODUCTION, True),
        (Status.UNKNOWN, True, Tier.CRITICAL, True),
        (Status.UNKNOWN, False, Tier.CRITICAL, False),
        (Status.NOT_APPLICABLE, True, Tier.CRITICAL, False),
        (Status.WAIVED, True, Tier.CRITICAL, False),
    ],
)
def test_blocks_table(status: Status, required: bool, tier: Tier, expected: bool) -> None:
    assert blocks(result(status, required=required), tier) is expected


@pytest.mark.parametrize(
    ("statuses", "tier", "verdict"),
    [
        ([Status.MET, Status.MET], Tier.CRITICAL, Verdict.SHIP),
        ([Status.MET, Status.MISSING], Tier.INTERNAL, Verdict.BLOCK),
        ([Status.MET, Status.UNKNOWN], Tier.INTERNAL, Verdict.SHIP),
        ([Status.MET, Status.UNKNOWN], Tier.PRODUCTION, Verdict.BLOCK),
        ([Status.WAIVED, Status.MET], Tier.PRODUCTION, Verdict.SHIP_WITH_KNOWN_RISK),
        ([Status.WAIVED, Status.MISSING], Tier.PRODUCTION, Verdict.BLOCK),
        ([Status.NOT_APPLICABLE], Tier.CRITICAL, Verdict.SHIP),
        ([], Tier.CRITICAL, Verdict.SHIP),
    ],
)
def test_verdict_table(statuses: list[Status], tier: Tier, verdict: Verdict) -> None:
    results = [
        result(s, rid=f"c{i}", original=Status.MISSING if s is Status.WAIVED else None)
        for i, s in enumerate(statuses)
    ]
    decision = decide(results, tier)
    assert decision.verdict is verdict
    assert decision.blocking == tuple(r.id for r in results if blocks(r, tier))


def test_waived_unknown_below_production_is_not_a_known_risk() -> None:
    decision = decide([result(Status.WAIVED, original=Status.UNKNOWN)], Tier.INTERNAL)
    assert decision.verdict is Verdict.SHIP
    assert decision.known_risks == ()


def test_unknown_below_production_is_named_in_reasons() -> None:
    decision = decide([result(Status.UNKNOWN, rid="tests.coverage")], Tier.INTERNAL)
    assert decision.verdict is Verdict.SHIP
    assert decision.reasons == ("not blocking at tier internal, but unknown: tests.coverage",)


def waiver(
    wid: str, *, paths: tuple[str, ...] = (), expires: date = date(2027, 1, 1), index: int = 1
) -> Waiver:
    return Waiver(wid, paths, "reason", "@owner", "@approver", expires, index)


def test_expired_waivers_do_not_count_and_are_reported() -> None:
    policy = Policy(
        source="p",
        waivers=(waiver("deploy.ci", expires=date(2026, 1, 1)), waiver("docs.readme", index=2)),
    )
    active, notes = active_waivers(policy, date(2026, 6, 1))
    assert [w.id for w in active] == ["docs.readme"]
    assert notes == [
        "waiver #1 for deploy.ci expired on 2026-01-01 and no longer counts (owner @owner)"
    ]
    # on the expiry date itself the waiver still counts
    active, _ = active_waivers(policy, date(2026, 1, 1))
    assert len(active) == 2


def test_apply_policy_modes_and_path_scoped_waivers() -> None:
    crits = all_criteria()
    ci, readme, cov = crits["deploy.ci"], crits["docs.readme"], crits["tests.coverage"]
    policy = Policy(source="p", modes={"tests.coverage": Mode.ENFORCE, "deploy.ci": Mode.WARN})
    evaluated = [
        (ci, Outcome.gap("no CI")),
        (
            readme,
            Outcome.gap(
                "stale", Evidence("stale path", "docs/a.md", 3), Evidence("stale", "README.md", 1)
            ),
        ),
        (cov, Outcome.unknown("no report")),
    ]
    waivers = [
        waiver("docs.readme", paths=("docs/**",)),
        waiver("tests.coverage", index=2),
        waiver("deploy.ci", index=3, paths=("x/**",)),
    ]
    results, notes = apply_policy(evaluated, policy, Tier.EXPERIMENTAL, waivers)
    by_id = {r.id: r for r in results}
    assert by_id["deploy.ci"].required is False  # warn overrides the tier
    assert by_id["tests.coverage"].required is True  # enforce overrides the tier
    # README.md is outside the waiver's scope, so the gap is not covered
    assert by_id["docs.readme"].status is Status.MISSING
    assert by_id["tests.coverage"].status is Status.WAIVED
    assert by_id["tests.coverage"].original_status is Status.UNKNOWN
    assert (
        by_id["tests.coverage"].waiver is not None
        and by_id["tests.coverage"].waiver.owner == "@owner"
    )
    assert notes == [
        "waiver #1 for docs.readme matched no gap in its scope and waives nothing",
        "waiver #3 for deploy.ci matched no gap in its scope and waives nothing",
    ]


def test_layers_summary_marks_implicit_layers() -> None:
    results = [
        result(Status.MET, rid="a"),
        result(Status.MISSING, rid="b"),
        result(Status.MISSING, rid="c"),
        result(Status.NOT_APPLICABLE, rid="d"),
    ]
    verification = next(s for s in summarise_layers(results) if s.layer is Layer.VERIFICATION)
    assert (verification.met, verification.applicable, verification.implicit) == (1, 3, True)
