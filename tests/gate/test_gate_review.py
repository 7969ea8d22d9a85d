"""Review items on real repositories: approvals from --reviewer, commit trailers and recorded
GitHub payloads; CODEOWNERS from the base; the author's own approval never counts; the
second reviewer with context on sensitive changes."""

from __future__ import annotations

from pathlib import Path

from prodready.model import Status
from tests.conftest import RepoFactory, git
from tests.gate.gatekit import DATA, branch, commit, item, policy, run, texts, where

UTILS = '''\
"""Helpers."""


def cents(amount):
    return int(round(amount * 100))
'''
REFUND = """

def refund(charge_id, amount):
    import stripe

    return stripe.Refund.create(charge=charge_id, amount=cents(amount))
"""  # the stripe call is line 11 of UTILS + REFUND
OWNERS = "* @alice\n/app/billing/ @payments-lead\n"


def base(*waived: str, owners: str | None = OWNERS) -> dict[str, str | bytes]:
    files: dict[str, str | bytes] = {
        "prodready.toml": policy(*waived),
        "app/__init__.py": "",
        "app/utils.py": UTILS,
        "app/billing/__init__.py": "",
        "app/billing/invoice.py": "def invoice_total(lines):\n    return sum(lines)\n",
    }
    if owners is not None:
        files["CODEOWNERS"] = owners
    return files


def utils_change(make_repo: RepoFactory, *waived: str, **kw: object) -> Path:
    return branch(make_repo, base(*waived, **kw), {"app/utils.py": UTILS + REFUND})  # type: ignore[arg-type]


def billing_change(make_repo: RepoFactory, *waived: str) -> Path:
    return branch(
        make_repo,
        base(*waived),
        {"app/billing/invoice.py": "def invoice_total(lines):\n    return round(sum(lines), 2)\n"},
    )


# ---------------------------------------------------------------- review


def test_review_met_by_the_owner_on_the_command_line(make_repo: RepoFactory) -> None:
    result = item(run(utils_change(make_repo), reviewers=["alice"]), "gate.review")
    assert result.status is Status.MET
    assert texts(result) == [
        "approved by @alice (--reviewer alice)",
        "every changed path's owners approved",
    ]
    assert where(result) == ["CODEOWNERS"]


def test_review_missing_names_the_owners_who_must_approve(make_repo: RepoFactory) -> None:
    report = run(utils_change(make_repo))
    result = item(report, "gate.review")
    assert result.status is Status.MISSING
    assert (
        result.missing
        == "no approval recorded (--reviewer, Reviewed-by: trailer or a review event)"
    )
    assert texts(result) == ["owned by @alice, none of whom approved"]
    assert where(result) == ["app/utils.py"]
    assert "gate.review" in report.decision.blocking


def test_review_missing_when_only_a_non_owner_approved(make_repo: RepoFactory) -> None:
    result = item(run(billing_change(make_repo), reviewers=["alice"]), "gate.review")
    assert result.status is Status.MISSING
    assert result.missing == "1 changed path(s) lack their owners' approval"
    assert texts(result)[0] == "owned by @payments-lead, none of whom approved"
    assert where(result) == ["app/billing/invoice.py"]


def test_review_codeowners_come_from_the_base(make_repo: RepoFactory) -> None:
    """A change that appoints its own reviewer in CODEOWNERS is judged by the base's."""
    root = branch(
        make_repo,
        base(),
        {"app/utils.py": UTILS + REFUND, "CODEOWNERS": "* @mallory\n"},
    )
    report = run(root, reviewers=["mallory"])
    result = item(report, "gate.review")
    assert result.status is Status.MISSING
    assert texts(result)[0] == "owned by @alice, none of whom approved (2 changed paths)"
    assert where(result) == ["CODEOWNERS"]  # CODEOWNERS itself is owned by @alice at base
    assert [(h.group, h.path) for h in report.sensitive if h.group == "policy"] == [
        ("policy", "CODEOWNERS")
    ]


def test_review_renamed_file_needs_the_owners_of_its_old_path(make_repo: RepoFactory) -> None:
    root = make_repo(base())
    git(root, "checkout", "-q", "-b", "feature")
    git(root, "mv", "app/billing/invoice.py", "app/invoice.py")
    commit(root, {}, message="Move invoices")
    result = item(run(root, reviewers=["alice"]), "gate.review")
    assert result.status is Status.MISSING
    assert texts(result)[0] == "owned by @payments-lead, none of whom approved"
    assert where(result) == ["app/billing/invoice.py"]


def test_review_met_by_a_reviewed_by_trailer(make_repo: RepoFactory) -> None:
    root = branch(
        make_repo,
        base(owners="* alice@example.com\n"),
        {"app/utils.py": UTILS + REFUND},
        message="Add refunds\n\nReviewed-by: Alice Example <alice@example.com>",
    )
    sha = git(root, "rev-parse", "HEAD")
    result = item(run(root), "gate.review")
    assert result.status is Status.MET
    assert texts(result)[0] == (
        "approved by alice@example.com (Reviewed-by: Alice Example <alice@example.com> "
        f"in commit {sha[:7]})"
    )


def test_review_met_by_a_recorded_pull_request_review(make_repo: RepoFactory) -> None:
    root = utils_change(make_repo, owners="* @abeyuya\n")
    result = item(run(root, github_event=DATA / "pull_request_review.approved.json"), "gate.review")
    assert result.status is Status.MET
    assert texts(result)[0].startswith("approved by @abeyuya (review #")
    assert "approved by @abeyuya" in texts(result)[0]


def test_review_dismissed_or_commented_reviews_are_not_approvals(make_repo: RepoFactory) -> None:
    root = utils_change(make_repo)
    for name in ("pull_request_review.dismissed.json", "pull_request_review.commented.json"):
        result = item(run(root, github_event=DATA / name), "gate.review")
        assert result.status is Status.MISSING, name


def test_review_the_authors_own_approval_does_not_count(make_repo: RepoFactory) -> None:
    """The recorded review's pull request is by abeyuya-bot: their --reviewer is dropped."""
    root = utils_change(make_repo, owners="* @abeyuya-bot\n")
    report = run(
        root,
        reviewers=["abeyuya-bot"],
        github_event=DATA / "pull_request_review.approved.json",
    )
    result = item(report, "gate.review")
    assert result.status is Status.MISSING
    assert texts(result)[0] == "owned by @abeyuya-bot, none of whom approved"
    assert any(
        "@abeyuya-bot is the pull request's author; their own approval does not count" in n
        for n in report.notes
    )


def test_review_a_trailer_approving_ones_own_commit_does_not_count(
    make_repo: RepoFactory,
) -> None:
    root = make_repo(base(owners="* alice@example.com\n"))
    git(root, "checkout", "-q", "-b", "feature")
    commit(
        root,
        {"app/utils.py": UTILS + REFUND},
        message="Add refunds\n\nReviewed-by: Alice <alice@example.com>",
        author="Alice <alice@example.com>",
    )
    report = run(root)
    result = item(report, "gate.review")
    assert result.status is Status.MISSING
    assert any("alice@example.com approved their own commit" in n for n in report.notes)


def test_review_unknown_when_the_event_file_is_not_a_review(make_repo: RepoFactory) -> None:
    result = item(run(utils_change(make_repo), github_event=DATA / "push.json"), "gate.review")
    assert result.status is Status.UNKNOWN
    assert "not a pull_request or pull_request_review payload" in (result.missing or "")


def test_review_without_codeowners_any_approval_counts(make_repo: RepoFactory) -> None:
    result = item(run(utils_change(make_repo, owners=None), reviewers=["bob"]), "gate.review")
    assert result.status is Status.MET
    assert texts(result)[-1] == "no CODEOWNERS at the base revision"


def test_review_waived(make_repo: RepoFactory) -> None:
    report = run(utils_change(make_repo, "gate.review"))
    result = item(report, "gate.review")
    assert result.status is Status.WAIVED
    assert where(result) == ["app/utils.py"]
    assert "gate.review" in report.decision.known_risks


# ---------------------------------------------------------------- sensitive review


def test_sensitive_review_one_approval_is_not_enough(make_repo: RepoFactory) -> None:
    report = run(utils_change(make_repo), reviewers=["alice"])
    result = item(report, "gate.sensitive-review")
    assert result.status is Status.MISSING
    assert result.missing == "1 approval(s); a sensitive change (payments) needs two"
    assert where(result) == ["app/utils.py:11"]
    assert texts(result) == [
        "payments: payment SDK call: return stripe.Refund.create(charge=charge_id, amount=cents(amount))"
    ]


def test_sensitive_review_needs_an_owner_of_the_sensitive_path(make_repo: RepoFactory) -> None:
    result = item(
        run(billing_change(make_repo), reviewers=["alice", "bob"]), "gate.sensitive-review"
    )
    assert result.status is Status.MISSING
    assert result.missing == "no approval from an owner of the sensitive paths (@payments-lead)"
    assert where(result) == ["app/billing/invoice.py"]
    assert texts(result) == ["payments: path app/billing/invoice.py is in the payments group"]


def test_sensitive_review_met_with_two_approvals_one_an_owner(make_repo: RepoFactory) -> None:
    result = item(
        run(billing_change(make_repo), reviewers=["alice", "payments-lead"]),
        "gate.sensitive-review",
    )
    assert result.status is Status.MET
    assert texts(result)[0] == "approved by @alice, @payments-lead"
    assert where(result) == ["app/billing/invoice.py"]


def test_sensitive_review_without_owners_any_second_reviewer_counts(
    make_repo: RepoFactory,
) -> None:
    result = item(
        run(utils_change(make_repo, owners=None), reviewers=["bob", "carol"]),
        "gate.sensitive-review",
    )
    assert result.status is Status.MET
    assert texts(result)[0] == (
        "approved by @bob, @carol (no CODEOWNERS owner for these paths, any second reviewer counts)"
    )


def test_sensitive_review_not_applicable_to_an_ordinary_change(make_repo: RepoFactory) -> None:
    root = branch(
        make_repo, base(), {"app/utils.py": UTILS + "\n\ndef euros(c):\n    return c / 100\n"}
    )
    result = item(run(root), "gate.sensitive-review")
    assert result.status is Status.NOT_APPLICABLE


def test_sensitive_review_waived(make_repo: RepoFactory) -> None:
    report = run(utils_change(make_repo, "gate.sensitive-review"), reviewers=["alice"])
    result = item(report, "gate.sensitive-review")
    assert result.status is Status.WAIVED
    assert where(result) == ["app/utils.py:11"]


def test_sensitive_review_of_a_move_out_of_a_sensitive_folder_needs_its_owner(
    make_repo: RepoFactory,
) -> None:
    root = make_repo(base())
    git(root, "checkout", "-q", "-b", "feature")
    git(root, "mv", "app/billing/invoice.py", "app/totals.py")
    commit(root, {}, message="Move invoices")
    result = item(run(root, reviewers=["alice", "bob"]), "gate.sensitive-review")
    assert result.status is Status.MISSING
    assert result.missing == "no approval from an owner of the sensitive paths (@payments-lead)"
    assert item(
        run(root, reviewers=["alice", "payments-lead"]), "gate.sensitive-review"
    ).status is (Status.MET)


def test_codeowners_in_the_github_folder(make_repo: RepoFactory) -> None:
    files = base(owners=None)
    files[".github/CODEOWNERS"] = "* @carol\n"
    root = branch(make_repo, files, {"app/utils.py": UTILS + "X = 1\n"})
    result = item(run(root, reviewers=["carol"]), "gate.review")
    assert result.status is Status.MET
    assert where(result) == [".github/CODEOWNERS"]
