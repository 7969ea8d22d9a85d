from __future__ import annotations

from prodready.model import Status
from tests.conftest import RepoFactory
from tests.criteria.helpers import assert_status, evaluate, locations

FILES = {
    "app/api/routes.py": "x = 1\n",
    "app/billing/refund.py": "x = 1\n",
    "app/auth.py": "x = 1\n",
    "worker/jobs.py": "x = 1\n",
}


def test_no_codeowners(make_repo: RepoFactory) -> None:
    root = make_repo(FILES)
    assert_status(evaluate(root, "ownership.codeowners"), Status.MISSING)
    r = evaluate(root, "ownership.sensitive-paths")
    assert_status(r, Status.MISSING)
    assert [(e.text, e.path) for e in r.evidence] == [
        ("payments: no owner", "app/billing/refund.py"),
        ("permissions: no owner", "app/auth.py"),
    ]


def test_partial_ownership_names_unowned_directories(make_repo: RepoFactory) -> None:
    root = make_repo({**FILES, ".github/CODEOWNERS": "/app/api/ @web\n/app/billing/ @payments\n"})
    r = evaluate(root, "ownership.codeowners")
    assert_status(r, Status.MISSING)
    assert r.missing == "only 50% of source files have an owner (floor 80%)"
    assert locations(r)[1:] == [("app/auth.py", None), ("worker/jobs.py", None)]
    s = evaluate(root, "ownership.sensitive-paths")
    assert [(e.text, e.path) for e in s.evidence] == [
        ("permissions: no owner", "app/auth.py"),
        ("policy: no owner", ".github/CODEOWNERS"),  # the ownership file itself is sensitive
    ]


def test_full_ownership(make_repo: RepoFactory) -> None:
    root = make_repo({**FILES, "CODEOWNERS": "* @team\n/app/billing/ @payments\n"})
    assert_status(evaluate(root, "ownership.codeowners"), Status.MET)
    assert_status(evaluate(root, "ownership.sensitive-paths"), Status.MET)
