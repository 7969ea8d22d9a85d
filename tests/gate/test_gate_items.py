"""The gate's verification items on real repositories: acceptance criteria, CI, tests of the
change, new risk and dependencies — each met, missing, waived and unknown, with the
evidence's location asserted, not just a count."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from prodready.model import Status
from tests.conftest import RepoFactory
from tests.gate.gatekit import (
    branch,
    cobertura,
    item,
    junit,
    policy,
    run,
    texts,
    where,
    write,
)

ORDERS = '''\
"""Orders."""


def total(items):
    return sum(i["price"] for i in items)
'''
# appended to ORDERS: lines 8-12 are the executable changed lines (def, if, raise, =, return)
DISCOUNT = """

def discount(items, percent):
    if percent < 0:
        raise ValueError("negative")
    value = total(items)
    return value - value * percent / 100
"""
TEST_ORDERS = """\
from app.orders import total


def test_total():
    assert total([{"price": 2}]) == 2
"""


def base(*waived: str, tier: str = "production", extra: str = "") -> dict[str, str | bytes]:
    return {
        "prodready.toml": policy(*waived, tier=tier, extra=extra),
        "app/__init__.py": "",
        "app/orders.py": ORDERS,
        "tests/test_orders.py": TEST_ORDERS,
        "requirements.txt": "flask==3.0.0\n",
    }


def discount_change(make_repo: RepoFactory, *waived: str, tier: str = "production") -> Path:
    return branch(make_repo, base(*waived, tier=tier), {"app/orders.py": ORDERS + DISCOUNT})


# ---------------------------------------------------------------- acceptance criteria


def test_acceptance_met_by_a_section_names_the_heading_line(
    make_repo: RepoFactory, tmp_path: Path
) -> None:
    root = discount_change(make_repo)
    desc = write(
        tmp_path / "pr.md",
        """
        # Discounts

        Adds a percentage discount.

        ## Acceptance criteria

        - a negative percentage is rejected
        - 10% of 200 is 180
        """,
    )
    result = item(run(root, description=desc), "gate.acceptance-criteria")
    assert result.status is Status.MET
    assert where(result) == [f"{desc}:5"]
    assert texts(result) == ["'Acceptance criteria': 2 item(s)"]


def test_acceptance_met_by_a_checklist(make_repo: RepoFactory, tmp_path: Path) -> None:
    root = discount_change(make_repo)
    desc = write(tmp_path / "pr.md", "Discounts.\n\n- [x] negative rejected\n- [ ] documented\n")
    result = item(run(root, description=desc), "gate.acceptance-criteria")
    assert result.status is Status.MET
    assert where(result) == [f"{desc}:3"]


def test_acceptance_missing_blocks_at_production(make_repo: RepoFactory, tmp_path: Path) -> None:
    root = discount_change(make_repo)
    desc = write(tmp_path / "pr.md", "# Discounts\n\nAdds a discount. Tested locally.\n")
    report = run(root, description=desc)
    result = item(report, "gate.acceptance-criteria")
    assert result.status is Status.MISSING
    assert result.missing == f"{desc} has no acceptance criteria section or checklist"
    assert "gate.acceptance-criteria" in report.decision.blocking


def test_acceptance_unknown_without_a_description(make_repo: RepoFactory) -> None:
    report = run(discount_change(make_repo))
    result = item(report, "gate.acceptance-criteria")
    assert result.status is Status.UNKNOWN
    assert "--description" in (result.missing or "")
    assert "gate.acceptance-criteria" in report.decision.blocking  # fail closed at production


def test_acceptance_unknown_is_advisory_at_internal(make_repo: RepoFactory) -> None:
    report = run(discount_change(make_repo, tier="internal"))
    result = item(report, "gate.acceptance-criteria")
    assert result.status is Status.UNKNOWN
    assert not result.required
    assert "gate.acceptance-criteria" not in report.decision.blocking


def test_acceptance_waived_by_the_base_policy(make_repo: RepoFactory) -> None:
    report = run(discount_change(make_repo, "gate.acceptance-criteria"))
    result = item(report, "gate.acceptance-criteria")
    assert result.status is Status.WAIVED
    assert result.original_status is Status.UNKNOWN
    assert result.waiver is not None
    assert (result.waiver.owner, result.waiver.approved_by) == ("@olivia", "@victor")
    assert "gate.acceptance-criteria" in report.decision.known_risks


def test_acceptance_from_the_pull_request_body_of_a_github_event(
    make_repo: RepoFactory, tmp_path: Path
) -> None:
    payload = json.loads(
        (Path(__file__).parent / "data/pull_request.opened_with_team.json").read_text()
    )
    payload["pull_request"]["body"] = (
        "Adds discounts.\n\n### Done when\n\n1. negative is rejected\n"
    )
    event = tmp_path / "event.json"
    event.write_text(json.dumps(payload), encoding="utf-8")
    result = item(run(discount_change(make_repo), github_event=event), "gate.acceptance-criteria")
    assert result.status is Status.MET
    assert where(result) == ["pull request description:3"]


def test_acceptance_expired_waiver_does_not_count(make_repo: RepoFactory) -> None:
    root = discount_change(make_repo, "gate.acceptance-criteria")
    report = run(root, today=date(2027, 6, 1))
    assert item(report, "gate.acceptance-criteria").status is Status.UNKNOWN
    assert any("expired on 2027-01-01" in w for w in report.waivers)


# ---------------------------------------------------------------- CI


def test_ci_met_names_the_report(make_repo: RepoFactory, tmp_path: Path) -> None:
    results = junit(
        tmp_path / "results.xml",
        ("tests.test_orders", "test_total", "passed"),
        ("tests.test_orders", "test_discount", "passed"),
    )
    result = item(run(discount_change(make_repo), junit=[results]), "gate.ci-passing")
    assert result.status is Status.MET
    assert where(result) == [str(results)]
    assert texts(result) == ["2 tests, none failed"]


def test_ci_missing_names_each_failed_and_errored_test(
    make_repo: RepoFactory, tmp_path: Path
) -> None:
    one = junit(tmp_path / "unit.xml", ("tests.test_orders", "test_total", "passed"))
    two = junit(
        tmp_path / "integration.xml",
        ("tests.test_orders", "test_discount", "failed"),
        ("tests.test_api", "test_refund", "error"),
    )
    report = run(discount_change(make_repo), junit=[one, two])
    result = item(report, "gate.ci-passing")
    assert result.status is Status.MISSING
    assert result.missing == "2 test(s) failed or errored"
    assert texts(result) == [
        "failed: tests.test_orders::test_discount",
        "error: tests.test_api::test_refund",
    ]
    assert where(result) == [str(two), str(two)]
    assert "gate.ci-passing" in report.decision.blocking


def test_ci_unknown_without_a_report(make_repo: RepoFactory) -> None:
    result = item(run(discount_change(make_repo)), "gate.ci-passing")
    assert result.status is Status.UNKNOWN
    assert result.missing == "no test results given (pass --junit results.xml)"


def test_ci_unknown_when_the_report_cannot_be_read(make_repo: RepoFactory, tmp_path: Path) -> None:
    bad = tmp_path / "results.xml"
    bad.write_text("<testsuites><testsuite", encoding="utf-8")
    report = run(discount_change(make_repo), junit=[bad])
    result = item(report, "gate.ci-passing")
    assert result.status is Status.UNKNOWN
    assert (result.missing or "").startswith(f"test report {bad} could not be read")
    assert [e.path for e in report.errors] == [str(bad)]


def test_ci_unknown_when_the_report_has_no_tests(make_repo: RepoFactory, tmp_path: Path) -> None:
    empty = junit(tmp_path / "results.xml")
    result = item(run(discount_change(make_repo), junit=[empty]), "gate.ci-passing")
    assert result.status is Status.UNKNOWN
    assert result.missing == "the supplied test reports contain no test cases"


def test_ci_waived(make_repo: RepoFactory, tmp_path: Path) -> None:
    failing = junit(tmp_path / "r.xml", ("tests.test_orders", "test_total", "failed"))
    report = run(discount_change(make_repo, "gate.ci-passing"), junit=[failing])
    result = item(report, "gate.ci-passing")
    assert result.status is Status.WAIVED
    assert result.original_status is Status.MISSING
    assert "gate.ci-passing" not in report.decision.blocking


# ---------------------------------------------------------------- tests for the change


def test_tests_for_change_lists_the_lines_no_test_ran(
    make_repo: RepoFactory, tmp_path: Path
) -> None:
    root = discount_change(make_repo)
    cov = cobertura(
        tmp_path / "coverage.xml",
        root,
        {"app/orders.py": {4: 1, 5: 1, 8: 1, 9: 0, 10: 0, 11: 0, 12: 0}},
    )
    report = run(root, coverage=cov)
    result = item(report, "gate.tests-for-change")
    assert result.status is Status.MISSING
    assert result.missing == "20% of the changed executable lines ran under tests (floor 80%)"
    assert where(result) == ["app/orders.py:9"]
    assert texts(result) == [
        "lines 9-12 changed; no test executes them",
        "1 of 5 changed executable lines ran under tests (20%)",
    ]
    assert "gate.tests-for-change" in report.decision.blocking


def test_tests_for_change_met_above_the_floor_still_names_the_gap(
    make_repo: RepoFactory, tmp_path: Path
) -> None:
    root = discount_change(make_repo)
    cov = cobertura(
        tmp_path / "coverage.xml", root, {"app/orders.py": {8: 1, 9: 1, 10: 0, 11: 1, 12: 1}}
    )
    result = item(run(root, coverage=cov), "gate.tests-for-change")
    assert result.status is Status.MET
    assert texts(result)[0] == "4 of 5 changed executable lines ran under tests (80%)"
    assert where(result) == ["app/orders.py:10"]


def test_tests_for_change_file_absent_from_the_coverage_report(
    make_repo: RepoFactory, tmp_path: Path
) -> None:
    root = discount_change(make_repo)
    cov = cobertura(tmp_path / "coverage.xml", root, {"app/other.py": {1: 1}})
    result = item(run(root, coverage=cov), "gate.tests-for-change")
    assert result.status is Status.MISSING
    assert texts(result)[0] == "not in the coverage report: 8-12"
    assert result.evidence[0].path == "app/orders.py"


def test_tests_for_change_without_coverage_falls_back_to_tests_changed(
    make_repo: RepoFactory,
) -> None:
    test_discount = '\n\ndef test_discount():\n    assert discount([{"price": 10}], 10) == 9\n'
    root = branch(
        make_repo,
        base(),
        {
            "app/orders.py": ORDERS + DISCOUNT,
            "tests/test_orders.py": TEST_ORDERS.replace("total\n", "discount, total\n", 1)
            + test_discount,
        },
    )
    report = run(root)
    result = item(report, "gate.tests-for-change")
    assert result.status is Status.MET
    assert texts(result) == [
        "1 test function(s) added alongside 5 changed executable lines",
        "no coverage data given, so this is weaker evidence: pass --coverage",
    ]
    assert report.numbers.tests_added == 1


def test_tests_for_change_without_coverage_or_tests_is_missing(make_repo: RepoFactory) -> None:
    result = item(run(discount_change(make_repo)), "gate.tests-for-change")
    assert result.status is Status.MISSING
    assert result.missing == "5 changed executable lines and no test changed with them"
    assert where(result) == ["app/orders.py:8"]
    assert texts(result)[0] == "lines 8-12 changed"


def test_tests_for_change_unreadable_coverage_falls_back_and_says_why(
    make_repo: RepoFactory, tmp_path: Path
) -> None:
    bad = tmp_path / "coverage.xml"
    bad.write_text("<coverage><packages>", encoding="utf-8")
    report = run(discount_change(make_repo), coverage=bad)
    result = item(report, "gate.tests-for-change")
    assert result.status is Status.MISSING
    assert result.missing == "5 changed executable lines and no test changed with them"
    weaker = texts(result)[-1]
    assert weaker.startswith(f"coverage report {bad} could not be read")
    assert "weaker evidence" in weaker
    assert [e.path for e in report.errors] == [str(bad)]


def test_tests_for_change_ignores_comments_docstrings_and_moved_lines(
    make_repo: RepoFactory,
) -> None:
    moved = '''\
"""Orders: totals."""


def total(items):
    # prices are in cents
    return sum(i["price"] for i in items)
'''
    root = branch(make_repo, base(), {"app/orders.py": moved})
    result = item(run(root), "gate.tests-for-change")
    assert result.status is Status.NOT_APPLICABLE


def test_tests_for_change_waiver_scoped_to_paths(make_repo: RepoFactory) -> None:
    scoped = policy(extra="") + (
        '\n[[waiver]]\nid = "gate.tests-for-change"\npaths = ["app/**"]\nreason = "spike"\n'
        'owner = "@olivia"\napproved_by = "@victor"\nexpires = 2027-01-01\n'
    )
    elsewhere = scoped.replace('"app/**"', '"legacy/**"')
    inside = branch(
        make_repo, {**base(), "prodready.toml": scoped}, {"app/orders.py": ORDERS + DISCOUNT}
    )
    outside = branch(
        make_repo, {**base(), "prodready.toml": elsewhere}, {"app/orders.py": ORDERS + DISCOUNT}
    )
    assert item(run(inside), "gate.tests-for-change").status is Status.WAIVED
    report = run(outside)
    assert item(report, "gate.tests-for-change").status is Status.MISSING
    assert any("matched no gap in its scope" in w for w in report.waivers)


# ---------------------------------------------------------------- no new risk

NOTIFY = """\
import logging

import requests

log = logging.getLogger(__name__)


def notify(url, payload):
    log.info("notifying %s", url)
    return requests.post(url, json=payload)
"""


def test_no_new_risk_names_the_finding_on_an_added_line(make_repo: RepoFactory) -> None:
    root = branch(make_repo, base(), {"app/notify.py": NOTIFY})
    report = run(root)
    result = item(report, "gate.no-new-risk")
    assert result.status is Status.MISSING
    assert where(result) == ["app/notify.py:10"]
    assert texts(result)[0].startswith("PR101 timeout:")
    assert [(f.rule, f.path, f.line) for f in report.findings] == [("PR101", "app/notify.py", 10)]


def test_no_new_risk_ignores_findings_on_lines_the_change_did_not_touch(
    make_repo: RepoFactory,
) -> None:
    root = branch(
        make_repo,
        {**base(), "app/notify.py": NOTIFY},
        {"app/notify.py": NOTIFY.replace('"notifying %s"', '"sending to %s"')},
    )
    report = run(root)
    result = item(report, "gate.no-new-risk")
    assert result.status is Status.MET
    assert report.findings == ()


def test_no_new_risk_accepts_a_finding_suppressed_with_a_reason(make_repo: RepoFactory) -> None:
    suppressed = NOTIFY.replace(
        "json=payload)", "json=payload)  # prodready: ignore[PR101] the hook sets a timeout"
    )
    result = item(run(branch(make_repo, base(), {"app/notify.py": suppressed})), "gate.no-new-risk")
    assert result.status is Status.MET
    assert texts(result) == [
        "no blocking finding on the changed lines",
        "1 finding(s) suppressed in code",
    ]


def _sarif(path: Path, rel: str, line: int) -> Path:
    path.write_text(
        json.dumps(
            {
                "version": "2.1.0",
                "runs": [
                    {
                        "tool": {"driver": {"name": "other", "rules": [{"id": "X1"}]}},
                        "results": [
                            {
                                "ruleId": "X1",
                                "level": "error",
                                "message": {"text": "dangerous"},
                                "locations": [
                                    {
                                        "physicalLocation": {
                                            "artifactLocation": {"uri": rel},
                                            "region": {"startLine": line},
                                        }
                                    }
                                ],
                            }
                        ],
                    }
                ],
            }
        ),
        encoding="utf-8",
    )
    return path


def test_no_new_risk_counts_supplied_sarif_only_on_changed_lines(
    make_repo: RepoFactory, tmp_path: Path
) -> None:
    root = discount_change(make_repo)
    on_change = _sarif(tmp_path / "a.sarif", "app/orders.py", 9)
    off_change = _sarif(tmp_path / "b.sarif", "app/orders.py", 5)
    result = item(run(root, sarif=[on_change]), "gate.no-new-risk")
    assert result.status is Status.MISSING
    assert where(result) == ["app/orders.py:9"]
    assert item(run(root, sarif=[off_change]), "gate.no-new-risk").status is Status.MET


def test_no_new_risk_unknown_when_a_changed_file_cannot_be_analysed(
    make_repo: RepoFactory,
) -> None:
    root = branch(make_repo, base(), {"app/orders.py": ORDERS + "\ndef broken(:\n    pass\n"})
    result = item(run(root), "gate.no-new-risk")
    assert result.status is Status.UNKNOWN
    assert where(result) == ["app/orders.py"]
    assert "syntax error" in texts(result)[0]


def test_no_new_risk_unknown_when_the_sarif_report_cannot_be_read(
    make_repo: RepoFactory, tmp_path: Path
) -> None:
    bad = tmp_path / "other.sarif"
    bad.write_text("{not json", encoding="utf-8")
    report = run(discount_change(make_repo), sarif=[bad])
    result = item(report, "gate.no-new-risk")
    assert result.status is Status.UNKNOWN
    assert str(bad) in (result.missing or "")


AUTHENTICATED_APP = """\
from flask import Flask
from flask_login import login_required

app = Flask(__name__)


@app.post("/notes")
@login_required
def create_note():
    return "", 201
"""
OPEN_DELETE = """\
from app.web import app


@app.post("/notes/<int:note_id>/delete")
def delete_note(note_id):
    db.delete(note_id)
    return "", 204
"""


def test_no_new_risk_uses_facts_about_the_rest_of_the_app(make_repo: RepoFactory) -> None:
    """An open route is a finding only where the app authenticates its other routes; that
    fact lives in a file the change did not touch, far from it."""
    filler = {f"app/lib/m{i:03}.py": f"def f{i}():\n    return {i}\n" for i in range(60)}
    # PR105 is a low-confidence rule: by default it is listed to review, not counted
    default = {**base(), **filler, "app/zz/web.py": AUTHENTICATED_APP}
    result = item(
        run(branch(make_repo, default, {"app/admin/notes.py": OPEN_DELETE})), "gate.no-new-risk"
    )
    assert result.status is Status.MET
    assert where(result) == ["app/admin/notes.py:5"]
    assert texts(result)[-1].startswith("to review (low confidence): PR105")

    low = '[scan]\nblocking_confidence = "low"\n'
    with_auth = {**base(extra=low), **filler, "app/zz/web.py": AUTHENTICATED_APP}
    root = branch(make_repo, with_auth, {"app/admin/notes.py": OPEN_DELETE})
    result = item(run(root), "gate.no-new-risk")
    assert result.status is Status.MISSING
    assert where(result) == ["app/admin/notes.py:5"]
    assert texts(result)[0].startswith("PR105 missing-authn:")

    without_auth = {
        **base(extra=low),
        **filler,
        "app/zz/web.py": AUTHENTICATED_APP.replace("@login_required\n", ""),
    }
    root = branch(make_repo, without_auth, {"app/admin/notes.py": OPEN_DELETE})
    assert item(run(root), "gate.no-new-risk").status is Status.MET


def test_no_new_risk_waived(make_repo: RepoFactory) -> None:
    root = branch(make_repo, base("gate.no-new-risk"), {"app/notify.py": NOTIFY})
    result = item(run(root), "gate.no-new-risk")
    assert result.status is Status.WAIVED
    assert where(result) == ["app/notify.py:10"]  # the waived finding stays visible


# ---------------------------------------------------------------- dependencies

APPROVED = '[dependencies]\napproved = ["flask", "requests>=2.31"]\n'


def test_dependencies_met_when_the_new_one_is_approved(make_repo: RepoFactory) -> None:
    root = branch(
        make_repo,
        base(extra=APPROVED),
        {"requirements.txt": "flask==3.0.0\nrequests==2.32.3\n"},
    )
    result = item(run(root), "gate.dependencies")
    assert result.status is Status.MET
    assert where(result) == ["requirements.txt:2"]
    assert texts(result) == ["added requests ==2.32.3"]


def test_dependencies_missing_names_the_unapproved_line(make_repo: RepoFactory) -> None:
    root = branch(
        make_repo,
        base(extra=APPROVED),
        {
            "requirements.txt": "flask==3.0.0\nleftpad-py==0.1\n",
            "pyproject.toml": (
                '[project]\nname = "shop"\nversion = "1"\ndependencies = []\n\n'
                '[project.optional-dependencies]\ndev = ["requests==2.20"]\n'
            ),
        },
    )
    report = run(root)
    result = item(report, "gate.dependencies")
    assert result.status is Status.MISSING
    assert sorted(where(result)) == ["pyproject.toml:7", "requirements.txt:2"]
    assert sorted(texts(result)) == [
        "added leftpad-py ==0.1: not on the approved list",
        "added requests ==2.20: not on the approved list",
    ]
    assert "gate.dependencies" in report.decision.blocking


def test_dependencies_vulnerable_addition_blocks_even_without_a_list(
    make_repo: RepoFactory,
) -> None:
    vulns = Path(__file__).parent.parent / "evidence" / "data" / "pip-audit.json"
    root = branch(make_repo, base(), {"requirements.txt": "flask==3.0.0\naiohttp==3.6.2\n"})
    result = item(run(root, vulns=[vulns]), "gate.dependencies")
    assert result.status is Status.MISSING
    assert where(result) == ["requirements.txt:2"]
    assert texts(result) == ["added aiohttp ==3.6.2: known vulnerability PYSEC-2021-76"]


def test_dependencies_unknown_when_a_manifest_cannot_be_read(make_repo: RepoFactory) -> None:
    root = branch(
        make_repo,
        {**base(), "package.json": '{"dependencies": {"left-pad": "1.3.0"}}\n'},
        {"package.json": '{"dependencies": {"left-pad": "1.3.0",}\n'},
    )
    result = item(run(root), "gate.dependencies")
    assert result.status is Status.UNKNOWN
    assert (result.missing or "").startswith("package.json:")


def test_dependencies_unknown_when_pyproject_is_broken_at_head(make_repo: RepoFactory) -> None:
    """A broken pyproject.toml at head is judged (unknown), not a policy error: the policy
    is read from the base."""
    files = {k: v for k, v in base().items() if k != "prodready.toml"}
    root = branch(
        make_repo,
        {**files, "pyproject.toml": '[project]\nname = "shop"\ndependencies = []\n'},
        {"pyproject.toml": '[project]\nname = "shop"\ndependencies = ["requests"\n'},
    )
    result = item(run(root), "gate.dependencies")
    assert result.status is Status.UNKNOWN
    assert (result.missing or "").startswith("pyproject.toml:")


def test_dependencies_not_applicable_without_a_manifest_change(make_repo: RepoFactory) -> None:
    result = item(run(discount_change(make_repo)), "gate.dependencies")
    assert result.status is Status.NOT_APPLICABLE


def test_dependencies_waived(make_repo: RepoFactory) -> None:
    root = branch(
        make_repo,
        base("gate.dependencies", extra=APPROVED),
        {"requirements.txt": "flask==3.0.0\nleftpad-py==0.1\n"},
    )
    result = item(run(root), "gate.dependencies")
    assert result.status is Status.WAIVED
    assert where(result) == ["requirements.txt:2"]


_RESOLVER = (
    "from flask import Blueprint, request\n"
    "from .models import Resolver\n\n"
    'resolver_blueprint = Blueprint("resolver_blueprint", __name__)\n\n\n'
    '@resolver_blueprint.route("/<name>", methods=["POST"])\n'
    "def set_resolver(name):\n"
    "    Resolver.save(name, request.json)\n"
    '    return "", 204\n'
)
_FLASK_LOGIN_APP = (
    "from flask import Flask\nfrom flask_login import login_required\n\n"
    "app = Flask(__name__)\n\n\n"
    '@app.route("/notes", methods=["POST"])\n@login_required\n'
    'def add_note():\n    return "", 201\n'
)
_HOOKS = (
    "from flask import request\n"
    "from privacyidea.api.auth import admin_required\n"
    "from .resolver import resolver_blueprint\n\n\n"
    "@resolver_blueprint.before_request\n@admin_required\n"
    "def guard():\n    pass\n"
)


def test_a_new_route_on_a_blueprint_guarded_by_an_unchanged_module_is_no_new_risk(
    make_repo: RepoFactory,
) -> None:
    # The change adds only the route; the guard lives in a module the change does not
    # touch, which the gate reads (and proves absent in the near miss) from the tree.
    change = {"pi/api/resolver.py": _RESOLVER}
    base = {"pi/app.py": _FLASK_LOGIN_APP, "pi/api/models.py": "class Resolver: ...\n"}
    guarded = run(branch(make_repo, {**base, "pi/api/before_after.py": _HOOKS}, change))
    assert not [f for f in guarded.findings if f.rule == "PR105"]
    open_route = run(branch(make_repo, base, change))
    assert [(f.path, f.line) for f in open_route.findings if f.rule == "PR105"] == [
        ("pi/api/resolver.py", 8)
    ]
