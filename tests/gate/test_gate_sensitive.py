"""Sensitive changes by path and by code signal, and the rule that a change cannot set the
rules it is judged by: policy, waivers and tier come from the base revision."""

from __future__ import annotations

import pytest

from prodready.errors import PolicyError
from prodready.model import Status
from tests.conftest import RepoFactory, git
from tests.gate.gatekit import branch, commit, item, policy, run, where

UTILS = "def cents(amount):\n    return int(round(amount * 100))\n"
BASE: dict[str, str | bytes] = {
    "prodready.toml": policy(),
    "app/__init__.py": "",
    "app/utils.py": UTILS,
    "README.md": "# Shop\n",
}
PLAIN = "def helper():\n    return 1\n"


def hits(report: object) -> list[tuple[str, str, int | None]]:
    return [(h.group, h.path, h.line) for h in report.sensitive]  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("group", "path"),
    [
        ("payments", "app/billing/charges.py"),
        ("payments", "app/refund_service.py"),
        ("permissions", "app/auth/roles.py"),
        ("data-deletion", "app/purge_users.py"),
        ("external-integrations", "app/integrations/crm.py"),
    ],
)
def test_sensitive_by_path(make_repo: RepoFactory, group: str, path: str) -> None:
    report = run(branch(make_repo, BASE, {path: PLAIN}))
    assert hits(report) == [(group, path, None)]
    assert report.sensitive[0].reason == f"path {path} is in the {group} group"
    assert report.numbers.sensitive_groups == (group,)
    assert item(report, "gate.sensitive-review").status is Status.MISSING


def test_sensitive_by_path_policy_file(make_repo: RepoFactory) -> None:
    report = run(branch(make_repo, BASE, {"prodready.toml": policy(tier="critical")}))
    assert hits(report) == [("policy", "prodready.toml", None)]
    assert report.numbers.sensitive_groups == ("policy",)


SIGNALS = {
    "payments": "    return stripe.Refund.create(charge=charge_id)\n",
    "permissions": '    if not user.has_perm("orders.refund"):\n        raise PermissionError\n',
    "data-deletion": '    cursor.execute("DELETE FROM orders WHERE id = %s", [order_id])\n',
    "external-integrations": '    requests.post(HOOK, json={"id": order_id}, timeout=5)\n',
}


@pytest.mark.parametrize("group", sorted(SIGNALS))
def test_sensitive_by_code_signal_in_an_ordinary_file(make_repo: RepoFactory, group: str) -> None:
    added = "\n\ndef act(user, cursor, charge_id, order_id):\n" + SIGNALS[group]
    report = run(branch(make_repo, BASE, {"app/utils.py": UTILS + added}))
    assert hits(report) == [(group, "app/utils.py", 6)]
    assert report.sensitive[0].reason.endswith(SIGNALS[group].splitlines()[0].strip()[:80])
    result = item(report, "gate.sensitive-review")
    assert result.status is Status.MISSING
    assert where(result) == ["app/utils.py:6"]


def test_sensitive_by_signal_edit_of_the_policy_in_pyproject(make_repo: RepoFactory) -> None:
    files = {k: v for k, v in BASE.items() if k != "prodready.toml"}
    files["pyproject.toml"] = '[project]\nname = "shop"\n\n[tool.prodready]\ntier = "production"\n'
    report = run(
        branch(
            make_repo,
            files,
            {"pyproject.toml": '[project]\nname = "shop"\n\n[tool.prodready]\ntier = "internal"\n'},
        )
    )
    assert hits(report) == [("policy", "pyproject.toml", None)]
    assert report.sensitive[0].reason == "the change edits the gate's own policy"
    assert report.tier.value == "production"  # still the base's


def test_pyproject_edit_outside_the_policy_is_not_sensitive(make_repo: RepoFactory) -> None:
    files = {k: v for k, v in BASE.items() if k != "prodready.toml"}
    files["pyproject.toml"] = '[project]\nname = "shop"\n\n[tool.prodready]\ntier = "production"\n'
    new = files["pyproject.toml"].replace('name = "shop"', 'name = "shop"\nversion = "2"')  # type: ignore[union-attr]
    assert hits(run(branch(make_repo, files, {"pyproject.toml": new}))) == []


@pytest.mark.parametrize(
    ("path", "text"),
    [
        (
            "tests/test_orders.py",
            "def test_refund(stripe):\n    stripe.Refund.create(charge='x')\n",
        ),
        ("app/utils.py", UTILS + "# stripe.Refund.create is called by the worker\n"),
        ("docs/operations.md", "# Operations\n\nRun `DELETE FROM sessions` weekly.\n"),
        ("app/utils.py", UTILS + "\n\ndef short(text):\n    return truncate(text, 80)\n"),
        ("app/utils.py", UTILS + "\n\ndef first(rows):\n    return rows.get('id')\n"),
        ("app/utils.py", UTILS + '\n\ndef pay(client):\n    """Calls stripe.Refund.create."""\n'),
    ],
)
def test_near_misses_are_not_sensitive(make_repo: RepoFactory, path: str, text: str) -> None:
    report = run(branch(make_repo, BASE, {path: text}))
    assert hits(report) == []
    assert item(report, "gate.sensitive-review").status is Status.NOT_APPLICABLE


def test_removing_a_payment_call_is_not_a_payment_signal(make_repo: RepoFactory) -> None:
    paying = UTILS + "\n\ndef pay(c):\n    return stripe.Charge.create(amount=c)\n"
    report = run(branch(make_repo, {**BASE, "app/utils.py": paying}, {"app/utils.py": UTILS}))
    assert hits(report) == []


def test_renamed_out_of_a_sensitive_path_is_still_sensitive(make_repo: RepoFactory) -> None:
    root = make_repo({**BASE, "app/billing/charges.py": PLAIN})
    git(root, "checkout", "-q", "-b", "feature")
    git(root, "mv", "app/billing/charges.py", "app/charges.py")
    commit(root, {}, message="Move")
    report = run(root)
    assert hits(report) == [("payments", "app/charges.py", None)]
    assert report.sensitive[0].reason == "path app/billing/charges.py is in the payments group"


def test_configured_groups_replace_the_defaults(make_repo: RepoFactory) -> None:
    extra = '[sensitive]\npayments = ["app/money/**"]\n'
    base = {**BASE, "prodready.toml": policy(extra=extra)}
    assert hits(run(branch(make_repo, base, {"app/money/x.py": PLAIN}))) == [
        ("payments", "app/money/x.py", None)
    ]


# ---------------------------------------------------------------- the base's rules


def test_a_waiver_added_by_the_change_does_not_count(make_repo: RepoFactory) -> None:
    root = branch(
        make_repo,
        BASE,
        {"prodready.toml": policy("gate.rollback", "gate.acceptance-criteria")},
    )
    report = run(root)
    assert item(report, "gate.rollback").status is Status.UNKNOWN
    assert item(report, "gate.acceptance-criteria").status is Status.UNKNOWN
    assert report.verdict == "block"
    assert ("policy", "prodready.toml", None) in hits(report)


def test_a_tier_lowered_by_the_change_does_not_count(make_repo: RepoFactory) -> None:
    report = run(branch(make_repo, BASE, {"prodready.toml": policy(tier="experimental")}))
    assert report.tier.value == "production"
    assert "gate.acceptance-criteria" in report.decision.blocking
    assert report.numbers.sensitive_groups == ("policy",)


def test_an_item_turned_off_by_the_change_is_still_judged(make_repo: RepoFactory) -> None:
    off = policy(extra='[criteria]\n"gate.review" = "off"\n')
    report = run(branch(make_repo, BASE, {"prodready.toml": off}))
    assert item(report, "gate.review").status is Status.MISSING


def test_an_item_turned_off_by_the_base_is_not_judged(make_repo: RepoFactory) -> None:
    base = {**BASE, "prodready.toml": policy(extra='[criteria]\n"gate.review" = "off"\n')}
    report = run(branch(make_repo, base, {"app/utils.py": UTILS + "X = 1\n"}))
    assert "gate.review" not in [r.id for r in report.items]
    assert "gate.review is turned off by the policy (prodready.toml)" in report.notes


def test_an_item_made_advisory_by_the_base_does_not_block(make_repo: RepoFactory) -> None:
    base = {**BASE, "prodready.toml": policy(extra='[criteria]\n"gate.review" = "warn"\n')}
    report = run(branch(make_repo, base, {"app/utils.py": UTILS + "X = 1\n"}))
    assert not item(report, "gate.review").required
    assert "gate.review" not in report.decision.blocking


def test_a_waiver_added_on_the_base_after_the_fork_counts(make_repo: RepoFactory) -> None:
    """The base's rules as they are now: main gained a waiver after the branch forked."""
    root = branch(make_repo, BASE, {"app/utils.py": UTILS + "X = 1\n"})
    git(root, "checkout", "-q", "main")
    commit(root, {"prodready.toml": policy("gate.rollback")}, message="Waive rollback")
    git(root, "checkout", "-q", "feature")
    report = run(root)
    assert item(report, "gate.rollback").status is Status.WAIVED
    assert hits(report) == []  # the change itself did not touch the policy


def test_an_invalid_base_policy_is_a_policy_error(make_repo: RepoFactory) -> None:
    root = branch(
        make_repo, {**BASE, "prodready.toml": 'tier = "gold"\n'}, {"app/utils.py": "X = 1\n"}
    )
    with pytest.raises(PolicyError) as info:
        run(root)
    assert "prodready.toml at" in str(info.value)
    assert "tier" in str(info.value)


def test_a_policy_broken_by_the_change_is_judged_not_an_error(make_repo: RepoFactory) -> None:
    report = run(branch(make_repo, BASE, {"prodready.toml": 'tier = "production\n'}))
    assert report.tier.value == "production"
    assert ("policy", "prodready.toml", None) in hits(report)
