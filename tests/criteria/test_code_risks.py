"""The audit's code-risk criteria block only on findings of rules at the policy's level."""

from __future__ import annotations

import os

from prodready.model import Status
from tests.conftest import RepoFactory
from tests.criteria.helpers import assert_status, evaluate, locations

APP = {
    "app/client.py": "import requests\n\n\ndef fetch():\n    return requests.get('https://x')\n",
    "app/jobs.py": (
        "import logging\n\nlog = logging.getLogger(__name__)\n\n\n"
        "def run(user, token):\n    log.info('token %s', token)\n"
    ),
}


def test_high_confidence_findings_are_gaps_with_their_lines(make_repo: RepoFactory) -> None:
    r = evaluate(make_repo(APP), "arch.resilience")
    assert_status(r, Status.MISSING)
    assert locations(r) == [("app/client.py", 5)]
    assert r.evidence[0].text.startswith("PR101 timeout: requests.get() has no timeout")


def test_a_symlinked_copy_of_a_file_is_not_counted_twice(make_repo: RepoFactory) -> None:
    root = make_repo(APP)
    (root / "app" / "legacy").mkdir()
    os.symlink("../client.py", root / "app" / "legacy" / "client.py")
    r = evaluate(root, "arch.resilience")
    assert locations(r) == [("app/client.py", 5)]


def test_lower_confidence_findings_are_listed_to_review_not_counted(make_repo: RepoFactory) -> None:
    r = evaluate(make_repo(APP), "security.code-risks")
    assert_status(r, Status.MET)
    assert [(e.path, e.line) for e in r.evidence if e.path] == [("app/jobs.py", 7)]
    assert r.evidence[-1].text.startswith("to review (medium confidence): PR104")


def test_policy_can_block_on_lower_confidence(make_repo: RepoFactory) -> None:
    root = make_repo({**APP, "prodready.toml": '[scan]\nblocking_confidence = "low"\n'})
    r = evaluate(root, "security.code-risks")
    assert_status(r, Status.MISSING)
    assert locations(r) == [("app/jobs.py", 7)]


def test_a_waiver_for_a_rule_accepts_its_findings_in_scope(make_repo: RepoFactory) -> None:
    waiver = (
        '[[waiver]]\nid = "PR101"\npaths = ["app/client.py"]\nreason = "internal health probe"\n'
        'owner = "@ops"\napproved_by = "@lead"\nexpires = 2027-01-31\n'
    )
    root = make_repo({**APP, "prodready.toml": waiver})
    r = evaluate(root, "arch.resilience")
    assert_status(r, Status.MET)
    assert r.evidence[-1].text == "1 finding(s) suppressed in code with a reason"
    other = make_repo({**APP, "prodready.toml": waiver.replace("app/client.py", "app/other.py")})
    assert_status(evaluate(other, "arch.resilience"), Status.MISSING)


def test_a_finding_in_code_nothing_names_is_listed_to_review(make_repo: RepoFactory) -> None:
    """As `prodready scan` shows it: `fetch` is left in a module that `app/main.py` loads."""
    root = make_repo({**APP, "app/main.py": "from app import client, jobs\n"})
    r = evaluate(root, "arch.resilience")
    assert_status(r, Status.MET)
    assert [(e.path, e.line) for e in r.evidence if e.path] == [("app/client.py", 5)]
    assert "nothing else in the repository names `fetch`" in r.evidence[-1].text
    called = make_repo({**APP, "app/main.py": "from app.client import fetch\n\nfetch()\n"})
    assert locations(evaluate(called, "arch.resilience")) == [("app/client.py", 5)]
