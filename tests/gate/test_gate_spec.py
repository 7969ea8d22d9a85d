"""`prodready gate --spec` on real repositories: the spec's acceptance criteria linked to
tests (a marker, the id in a name, the id in a docstring) and to a real pytest JUnit
report, and the spec's interfaces checked against the handlers the change adds.

The shop is a Flask application, but Flask is not installed here and need not be: the
route imports Flask, the rules of a refund live in a plain module, and the tests (run by
pytest in a subprocess) call the plain module, as in tests/gate/test_gate_flow.py.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from prodready.model import Status, Tier
from tests.conftest import RepoFactory, git, write_tree
from tests.gate.gatekit import branch, cli, commit, item, run, texts, where, write

PYTEST_INI = """\
[pytest]
markers =
    acceptance(ids): the acceptance criteria of the change spec a test verifies
"""

APP = '''\
"""The shop's web application."""

import logging

from flask import Flask
from flask_login import LoginManager, login_required

app = Flask(__name__)
login = LoginManager(app)
logger = logging.getLogger(__name__)

ORDERS = {1: {"charge": "ch_1", "total": 5000}}


@app.get("/orders/<int:order_id>")
@login_required
def show_order(order_id):
    return ORDERS[order_id]
'''

REFUNDS = '''\
"""The rules of a refund, apart from the web route that calls the provider."""

import logging

logger = logging.getLogger(__name__)


class RefundError(Exception):
    """A refund the provider refused or the rules forbid."""


def issue_refund(client, order, amount):
    if amount > order["total"]:
        raise RefundError("amount exceeds the order total")
    try:
        refund = client.Refund.create(charge=order["charge"], amount=amount)
    except Exception as exc:
        logger.exception("refund of %s failed", order["charge"])
        raise RefundError("the payment provider refused the refund") from exc
    return {"id": refund["id"], "amount": amount}


def refund_response(client, order, body):
    """(status, body) for a refund request on `order`."""
    try:
        return 201, issue_refund(client, order, body["amount"])
    except RefundError as exc:
        return 422, {"error": str(exc)}
'''

# The route as the spec wants it: a logged-in caller, the body through a schema.
VIEWS = '''\
"""The refunds route."""

import logging

from flask import request
from flask_login import login_required

from shop import refunds
from shop.app import ORDERS, app
from shop.schemas import REFUND_SCHEMA

logger = logging.getLogger(__name__)


@app.post("/orders/<int:order_id>/refunds")
@login_required
def create_refund(order_id):
    import stripe

    body = REFUND_SCHEMA.load(request.get_json())
    status, payload = refunds.refund_response(stripe, ORDERS[order_id], body)
    if status != 201:
        logger.warning("refund for order %s refused: %s", order_id, payload["error"])
    return payload, status
'''

# The same route as an assistant might write it: no login, the raw body.
BROKEN_VIEWS = (
    VIEWS.replace("from flask_login import login_required\n", "")
    .replace("@login_required\n", "")
    .replace("from shop.schemas import REFUND_SCHEMA\n", "")
    .replace("REFUND_SCHEMA.load(request.get_json())", "request.get_json()")
)

SCHEMAS = '''\
"""Request schemas."""

from marshmallow import Schema, fields, validate


class RefundSchema(Schema):
    amount = fields.Integer(required=True, validate=validate.Range(min=1))


REFUND_SCHEMA = RefundSchema()
'''

AC1 = '''\
import pytest

from shop import refunds


class FakeProvider:
    """Stands in for the payment provider: records calls, or refuses."""

    def __init__(self, refuse=False):
        self.calls = []
        self.refuse = refuse
        self.Refund = self

    def create(self, **kwargs):
        self.calls.append(kwargs)
        if self.refuse:
            raise RuntimeError("card_declined")
        return {"id": "re_1"}


ORDER = {"charge": "ch_1", "total": 5000}


@pytest.mark.acceptance("AC-1")
def test_a_partial_refund_is_issued():
    provider = FakeProvider()
    assert refunds.refund_response(provider, ORDER, {"amount": 1200}) == (
        201,
        {"id": "re_1", "amount": 1200},
    )
'''

AC2 = """

def test_ac_2_a_refund_above_the_total_is_rejected():
    provider = FakeProvider()
    status, body = refunds.refund_response(provider, ORDER, {"amount": 9999})
    assert status == {status}
    assert provider.calls == []
"""

AC3 = '''

def test_a_refused_refund_is_answered_with_422():
    """Verifies AC-3: the provider refuses, the customer sees why."""
    status, body = refunds.refund_response(FakeProvider(refuse=True), ORDER, {"amount": 100})
    assert (status, body) == (422, {"error": "the payment provider refused the refund"})
'''

TESTS = AC1 + AC2.replace("{status}", "422") + AC3

SPEC = """\
---
owner: "@olivia"
tier: production
sensitive: [payments]
---
# Refunds for orders

## Intent

Support agents refund part of an order from the order page, so that customers do not
wait for finance.

## Acceptance criteria

- AC-1: A partial refund is issued through the payment provider and answered with 201.
- AC-2: POST /orders/{id}/refunds with an amount above the order total is rejected with 422.
- AC-3: A refund the provider refuses is logged and answered with 422.

## Stop condition

All three criteria have passing tests.

## Constraints

- Refunds go through shop.refunds only; no card data is logged.

## Interfaces

### POST /orders/{id}/refunds

- **Request:** JSON `{"amount": <cents>}`
- **Response:** 201 with the refund
- **Validation:** the amount is a positive whole number of cents
- **Authorization:** a logged-in support agent
- **Failure:** 422 with the reason when the amount exceeds the total or the provider refuses

## Verification plan

Unit tests of shop.refunds, each linked to its criterion.

## Operation

- Logs: refused refunds at warning
- **Rollback:** revert the merge commit and redeploy the previous release.

## Accountability

Owner @olivia; reviewers @victor; @olivia accepts the remaining risk.
"""
SPEC_PATH = "specs/refunds.md"


def base_files(tier: str = "production") -> dict[str, str | bytes]:
    return {
        "prodready.toml": f'tier = "{tier}"\n',
        "CODEOWNERS": "* @alice\n",
        "pytest.ini": PYTEST_INI,
        "shop/__init__.py": "",
        "shop/app.py": APP,
        "tests/__init__.py": "",
        "tests/test_health.py": "def test_nothing_yet():\n    assert True\n",
    }


def change_files(
    views: str = VIEWS, tests: str | None = TESTS, spec: str | None = SPEC
) -> dict[str, str | bytes]:
    files: dict[str, str | bytes] = {
        "shop/refunds.py": REFUNDS,
        "shop/schemas.py": SCHEMAS,
        "shop/views.py": views,
    }
    if tests is not None:
        files["tests/test_refunds.py"] = tests
    if spec is not None:
        files[SPEC_PATH] = spec
    return files


def pytest_junit(root: Path, out: Path) -> Path:
    """Run the project's tests with pytest in a fresh interpreter: a real JUnit report."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "COV_"))}
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            f"--junitxml={out}",
            "tests",
        ],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode in (0, 1), proc.stdout + proc.stderr
    assert out.is_file(), proc.stdout + proc.stderr
    return out


def spec_repo(make_repo: RepoFactory, **change: str | None) -> Path:
    return branch(make_repo, base_files(), change_files(**change))  # type: ignore[arg-type]


# ----------------------------------------------------------- criteria linked to tests


def test_a_complete_spec_with_each_criterion_linked_a_different_way_is_met(
    make_repo: RepoFactory, tmp_path: Path
) -> None:
    root = spec_repo(make_repo)
    junit = pytest_junit(root, tmp_path / "junit.xml")
    report = run(root, spec=root / SPEC_PATH, junit=[junit])
    criteria = item(report, "gate.spec-criteria")
    assert criteria.status is Status.MET
    assert texts(criteria) == [
        "AC-1 verified: tests/test_refunds.py::test_a_partial_refund_is_issued (marker) passed",
        "AC-2 verified: tests/test_refunds.py::test_ac_2_a_refund_above_the_total_is_rejected "
        "(name) passed",
        "AC-3 verified: tests/test_refunds.py::test_a_refused_refund_is_answered_with_422 "
        "(docstring) passed",
    ]
    assert where(criteria) == [
        "tests/test_refunds.py:25",
        "tests/test_refunds.py:33",
        "tests/test_refunds.py:40",
    ]
    interfaces = item(report, "gate.spec-interfaces")
    assert interfaces.status is Status.MET
    assert texts(interfaces) == [
        "POST /orders/{id}/refunds: handled by create_refund (/orders/<int:order_id>/refunds)",
        "POST /orders/{id}/refunds: authorization enforced (@login_required)",
        "POST /orders/{id}/refunds: input validated (REFUND_SCHEMA.load())",
        "POST /orders/{id}/refunds: failure behaviour tested by "
        "tests/test_refunds.py::test_ac_2_a_refund_above_the_total_is_rejected passed",
    ]
    assert where(interfaces) == [
        "shop/views.py:17",
        "shop/views.py:17",
        "shop/views.py:17",
        "tests/test_refunds.py:33",
    ]
    # the spec states the criteria and the rollback plan a description would otherwise
    acceptance = item(report, "gate.acceptance-criteria")
    assert acceptance.status is Status.MET
    assert texts(acceptance) == ["the spec states 3 acceptance criteria (AC-1, AC-2, AC-3)"]
    assert where(acceptance) == [f"{SPEC_PATH}:15"]
    rollback = item(report, "gate.rollback")
    assert rollback.status is Status.MET
    assert texts(rollback) == ["rollback plan in the spec"]
    assert where(rollback) == [f"{SPEC_PATH}:41"]
    assert "gate.spec-criteria" not in report.decision.blocking
    assert "gate.spec-interfaces" not in report.decision.blocking


def test_without_a_spec_the_spec_items_do_not_apply(make_repo: RepoFactory) -> None:
    report = run(spec_repo(make_repo))
    for item_id in ("gate.spec-criteria", "gate.spec-interfaces"):
        result = item(report, item_id)
        assert result.status is Status.NOT_APPLICABLE
        assert texts(result) == ["no change spec given (--spec)"]
    ids = [r.id for r in report.items]
    assert ids[:3] == ["gate.acceptance-criteria", "gate.spec-criteria", "gate.spec-interfaces"]


def test_an_unverified_criterion_blocks_at_production_and_is_advisory_below(
    make_repo: RepoFactory, tmp_path: Path
) -> None:
    root = spec_repo(make_repo, tests=AC1 + AC2.replace("{status}", "422"))
    junit = pytest_junit(root, tmp_path / "junit.xml")
    report = run(root, spec=root / SPEC_PATH, junit=[junit])
    result = item(report, "gate.spec-criteria")
    assert result.status is Status.MISSING
    assert result.missing == "AC-3 unverified: no test declares it"
    assert texts(result)[2] == (
        "AC-3 unverified: no test declares it — "
        "A refund the provider refuses is logged and answered with 422."
    )
    assert where(result)[2] == f"{SPEC_PATH}:17"
    assert "gate.spec-criteria" in report.decision.blocking
    internal = run(root, spec=root / SPEC_PATH, junit=[junit], tier=Tier.INTERNAL)
    assert item(internal, "gate.spec-criteria").status is Status.MISSING
    assert "gate.spec-criteria" not in internal.decision.blocking


def test_a_failing_linked_test_is_a_gap(make_repo: RepoFactory, tmp_path: Path) -> None:
    root = spec_repo(make_repo, tests=AC1 + AC2.replace("{status}", "400") + AC3)
    junit = pytest_junit(root, tmp_path / "junit.xml")
    report = run(root, spec=root / SPEC_PATH, junit=[junit])
    result = item(report, "gate.spec-criteria")
    assert result.status is Status.MISSING
    assert result.missing == (
        "AC-2 failed: tests/test_refunds.py::test_ac_2_a_refund_above_the_total_is_rejected failed"
    )
    assert texts(result)[1] == (
        "AC-2 failed: tests/test_refunds.py::test_ac_2_a_refund_above_the_total_is_rejected "
        f"(name) failed in {junit}"
    )
    interfaces = item(report, "gate.spec-interfaces")
    assert interfaces.status is Status.MISSING
    assert interfaces.missing == (
        "POST /orders/{id}/refunds: the test of its failure behaviour "
        "tests/test_refunds.py::test_ac_2_a_refund_above_the_total_is_rejected failed"
    )


def test_linked_tests_without_results_are_unknown(make_repo: RepoFactory) -> None:
    root = spec_repo(make_repo)
    result = item(run(root, spec=root / SPEC_PATH), "gate.spec-criteria")
    assert result.status is Status.UNKNOWN
    assert result.missing == (
        "AC-1, AC-2, AC-3: tests declare them, but no test results were given (pass --junit)"
    )
    assert texts(result)[0] == (
        "AC-1 declared by tests/test_refunds.py::test_a_partial_refund_is_issued (marker), "
        "but no test results were given (pass --junit)"
    )


def test_tests_are_judged_as_committed_at_head(make_repo: RepoFactory, tmp_path: Path) -> None:
    """A test written in the working tree but never committed verifies nothing."""
    root = spec_repo(make_repo, tests=AC1 + AC2.replace("{status}", "422"))
    write_tree(root, {"tests/test_refunds.py": TESTS})
    junit = pytest_junit(root, tmp_path / "junit.xml")
    result = item(run(root, spec=root / SPEC_PATH, junit=[junit]), "gate.spec-criteria")
    assert result.missing == "AC-3 unverified: no test declares it"


# ---------------------------------------------------------------- interfaces


def test_an_endpoint_contract_the_code_breaks_names_both_gaps(
    make_repo: RepoFactory, tmp_path: Path
) -> None:
    root = spec_repo(make_repo, views=BROKEN_VIEWS)
    junit = pytest_junit(root, tmp_path / "junit.xml")
    report = run(root, spec=root / SPEC_PATH, junit=[junit])
    result = item(report, "gate.spec-interfaces")
    assert result.status is Status.MISSING
    assert result.missing == (
        "2 gaps: POST /orders/{id}/refunds: authorization rule stated in the spec, but the "
        "handler shop/views.py:14 checks no user or permission; …"
    )
    assert texts(result)[:2] == [
        "POST /orders/{id}/refunds: authorization rule stated in the spec, but the handler "
        "shop/views.py:14 checks no user or permission",
        "POST /orders/{id}/refunds: validation rule stated in the spec, but the handler "
        "shop/views.py:14 reads request.get_json() (line 17) without a schema or typed "
        "parameters",
    ]
    assert where(result)[:2] == ["shop/views.py:14", "shop/views.py:14"]
    assert "gate.spec-interfaces" in report.decision.blocking
    # the same code fixed
    commit(root, {"shop/views.py": VIEWS}, message="Log in and validate")
    fixed = item(run(root, spec=root / SPEC_PATH, junit=[junit]), "gate.spec-interfaces")
    assert fixed.status is Status.MET


def test_a_role_in_the_authorization_rule_needs_more_than_a_login(
    make_repo: RepoFactory, tmp_path: Path
) -> None:
    spec = SPEC.replace("a logged-in support agent", "only an admin")
    root = spec_repo(make_repo, spec=spec)
    junit = pytest_junit(root, tmp_path / "junit.xml")
    result = item(run(root, spec=root / SPEC_PATH, junit=[junit]), "gate.spec-interfaces")
    assert result.status is Status.MISSING
    assert result.missing == (
        "POST /orders/{id}/refunds: the spec's authorization rule names a role or an owner "
        "(only an admin), but the handler shop/views.py:17 only checks that a caller is "
        "logged in (@login_required)"
    )
    commit(
        root,
        {"shop/views.py": VIEWS.replace("@login_required", "@admin_required")},
        message="Admins only",
    )
    fixed = item(run(root, spec=root / SPEC_PATH, junit=[junit]), "gate.spec-interfaces")
    assert fixed.status is Status.MET
    assert texts(fixed)[1] == (
        "POST /orders/{id}/refunds: authorization enforced (@admin_required; "
        "a role or permission check)"
    )


def test_a_failure_behaviour_without_a_test_is_a_gap(
    make_repo: RepoFactory, tmp_path: Path
) -> None:
    tests = AC1 + AC2.replace("{status}", "422").replace("test_ac_2_", "test_") + AC3
    spec = SPEC.replace("- AC-2: POST /orders/{id}/refunds with", "- AC-2: A refund of")
    root = spec_repo(make_repo, tests=tests, spec=spec)
    junit = pytest_junit(root, tmp_path / "junit.xml")
    result = item(run(root, spec=root / SPEC_PATH, junit=[junit]), "gate.spec-interfaces")
    assert result.status is Status.MISSING
    assert result.missing == (
        "POST /orders/{id}/refunds: failure behaviour stated in the spec, but no test requests "
        "POST /orders/{id}/refunds and asserts an error status"
    )
    assert where(result)[0] == f"{SPEC_PATH}:29"


def test_a_test_requesting_the_path_and_asserting_an_error_tests_the_failure(
    make_repo: RepoFactory,
) -> None:
    client_test = """
def test_refund_too_big(client):
    response = client.post(f"/orders/{1}/refunds", json={"amount": 10**6})
    assert response.status_code == 422
"""
    tests = AC1 + AC3 + client_test
    spec = SPEC.replace("- AC-2: POST /orders/{id}/refunds with", "- AC-2: A refund of")
    root = spec_repo(make_repo, tests=tests, spec=spec)
    result = item(run(root, spec=root / SPEC_PATH), "gate.spec-interfaces")
    assert texts(result)[3] == (
        "POST /orders/{id}/refunds: failure behaviour tested by "
        "tests/test_refunds.py::test_refund_too_big"
    )


def test_an_endpoint_not_in_the_change(make_repo: RepoFactory) -> None:
    """A spec committed before the change is context: an endpoint the change does not
    contain is "not in this change". A spec the change adds is the change's own contract:
    its endpoints must be there."""
    files = {**base_files(), SPEC_PATH: SPEC}
    root = branch(make_repo, files, {"shop/refunds.py": REFUNDS})
    result = item(run(root, spec=root / SPEC_PATH), "gate.spec-interfaces")
    assert result.status is Status.NOT_APPLICABLE
    assert texts(result) == [
        "none of the spec's endpoints is in this change: POST /orders/{id}/refunds"
    ]
    own = branch(make_repo, base_files(), {"shop/refunds.py": REFUNDS, SPEC_PATH: SPEC})
    result = item(run(own, spec=own / SPEC_PATH), "gate.spec-interfaces")
    assert result.status is Status.MISSING
    assert result.missing == (
        "POST /orders/{id}/refunds: named in the spec, but the change contains no handler for it"
    )
    assert where(result) == [f"{SPEC_PATH}:29"]


FASTAPI_SPEC = """\
# Notes API

## Acceptance criteria

- AC-1: a note is created

## Interfaces

### POST /api/notes

- Validation: a title of at most 100 characters
- Authorization: a logged-in user

### DELETE /api/notes/:id

- Authorization: the note's owner

### GET /api/notes

- Authorization: anyone; the list is public
"""

FASTAPI = """\
from fastapi import APIRouter, Depends

from app.auth import get_current_user
from app.models import NoteIn

router = APIRouter(prefix="/notes")


@router.post("")
def create_note(title: str, user=Depends(get_current_user)):
    return {"title": title}


@router.delete("/{note_id}")
def delete_note(note_id: int, user=Depends(get_current_user)):
    note = NOTES[note_id]
    if note.owner_id != user.id:
        raise HTTPException(status_code=403)
    del NOTES[note_id]


@router.get("")
def list_notes():
    return list(NOTES)
"""


def test_fastapi_routes_behind_a_prefix_and_typed_parameters(make_repo: RepoFactory) -> None:
    files = {"prodready.toml": 'tier = "production"\n', "app/__init__.py": ""}
    change = {"app/notes.py": FASTAPI, "specs/notes.md": FASTAPI_SPEC}
    root = branch(make_repo, files, change)
    result = item(run(root, spec=root / "specs/notes.md"), "gate.spec-interfaces")
    assert result.status is Status.MISSING
    assert result.missing == (
        "POST /api/notes: validation rule stated in the spec, but the handler app/notes.py:10 "
        "takes `title: str` without a schema or typed parameters"
    )
    assert texts(result)[1:] == [
        "POST /api/notes: handled by create_note (/notes/)",
        "POST /api/notes: authorization enforced (Depends(get_current_user))",
        "DELETE /api/notes/:id: handled by delete_note (/notes/{note_id})",
        "DELETE /api/notes/:id: authorization enforced (Depends(get_current_user); "
        "a comparison with the current user (line 17))",
        "GET /api/notes: handled by list_notes (/notes/)",
    ]
    commit(root, {"app/notes.py": FASTAPI.replace("title: str", "note: NoteIn")})
    fixed = item(run(root, spec=root / "specs/notes.md"), "gate.spec-interfaces")
    assert fixed.status is Status.MET
    assert texts(fixed)[2] == "POST /api/notes: input validated (typed `note: NoteIn`)"


DJANGO_SPEC = """\
# Refund requests

## Interfaces

### POST /refunds/

- Validation: an order number and a reason
- Authorization: a logged-in customer
"""

DJANGO_VIEWS = """\
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse

from shop.forms import RefundRequestForm


@login_required
def request_refund(request):
    form = RefundRequestForm(request.POST)
    if not form.is_valid():
        return JsonResponse(form.errors, status=400)
    form.save()
    return JsonResponse({"ok": True}, status=201)
"""

DJANGO_URLS = """\
from django.urls import path

from shop import views

urlpatterns = [path("refunds/", views.request_refund)]
"""


def test_a_django_view_is_found_through_its_urlconf(make_repo: RepoFactory) -> None:
    files = {"prodready.toml": 'tier = "production"\n', "shop/__init__.py": ""}
    change = {
        "shop/views.py": DJANGO_VIEWS,
        "shop/urls.py": DJANGO_URLS,
        "specs/refund-requests.md": DJANGO_SPEC,
    }
    root = branch(make_repo, files, change)
    result = item(run(root, spec=root / "specs/refund-requests.md"), "gate.spec-interfaces")
    assert result.status is Status.MET
    assert texts(result) == [
        "POST /refunds/: handled by request_refund (/refunds/)",
        "POST /refunds/: authorization enforced (@login_required)",
        "POST /refunds/: input validated (RefundRequestForm(...), form.is_valid())",
    ]
    assert where(result) == ["shop/views.py:8", "shop/views.py:8", "shop/views.py:8"]


REFACTOR_SPEC = """\
# Split billing

## Acceptance criteria

- AC-1: charges behave as before

## Interfaces

### Callers

- shop/billing.py:charge
- shop/billing.py:refund_all
"""

BILLING = """\
def charge(amount):
    return {"charged": amount}


def refund_all(orders):
    return [o for o in orders]
"""

BILLING_TESTS = """\
from shop.billing import charge


def test_ac_1_charge_is_unchanged():
    assert charge(5) == {"charged": 5}
"""


def test_a_refactor_needs_passing_tests_of_each_named_caller(
    make_repo: RepoFactory, tmp_path: Path
) -> None:
    files = {**base_files(), "shop/billing.py": BILLING}
    change = {
        "shop/billing.py": BILLING + "\n\ndef helper():\n    return 1\n",
        "tests/test_billing.py": BILLING_TESTS,
        "specs/billing.md": REFACTOR_SPEC,
    }
    root = branch(make_repo, files, change)
    junit = pytest_junit(root, tmp_path / "junit.xml")
    result = item(run(root, spec=root / "specs/billing.md", junit=[junit]), "gate.spec-interfaces")
    assert result.status is Status.MISSING
    assert texts(result) == [
        "shop/billing.py:refund_all: a caller the spec says must keep working, but no test "
        "imports and calls it",
        "shop/billing.py:charge: tested by tests/test_billing.py::test_ac_1_charge_is_unchanged, "
        "passed",
    ]
    tests = BILLING_TESTS.replace("import charge", "import charge, refund_all") + (
        "\n\ndef test_refund_all():\n    assert refund_all([1]) == [2]\n"
    )
    commit(root, {"tests/test_billing.py": tests})
    junit = pytest_junit(root, tmp_path / "junit2.xml")
    result = item(run(root, spec=root / "specs/billing.md", junit=[junit]), "gate.spec-interfaces")
    assert result.missing == (
        "shop/billing.py:refund_all: its test tests/test_billing.py::test_refund_all failed"
    )
    commit(root, {"tests/test_billing.py": tests.replace("== [2]", "== [1]")})
    junit = pytest_junit(root, tmp_path / "junit3.xml")
    result = item(run(root, spec=root / "specs/billing.md", junit=[junit]), "gate.spec-interfaces")
    assert result.status is Status.MET
    without = item(run(root, spec=root / "specs/billing.md"), "gate.spec-interfaces")
    assert without.status is Status.UNKNOWN
    assert without.missing == (
        "shop/billing.py:charge: tested by tests/test_billing.py::test_ac_1_charge_is_unchanged, "
        "but no test results were given (pass --junit)"
    )


def test_a_spec_that_cannot_be_read_is_a_usage_error(
    make_repo: RepoFactory, tmp_path: Path
) -> None:
    root = spec_repo(make_repo)
    bad = write(tmp_path / "bad.md", "---\nowner: [unclosed\n---\n# Bad\n")
    proc = cli("gate", "--base", "main", "--spec", bad, "--no-history", cwd=root)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert str(bad) in proc.stderr


# ---------------------------------------------------------------- the new user


def test_new_user_spec_first_then_an_implementation_missing_a_test_and_a_rule(
    make_repo: RepoFactory, tmp_path: Path
) -> None:
    """Write the spec, implement it with AC-3 untested and the login forgotten: the gate
    names both. Add the test and the login: it ships."""
    origin = make_repo(base_files())
    git(origin, "checkout", "-q", "-b", "refunds")
    commit(origin, {SPEC_PATH: SPEC}, message="Spec: refunds")
    commit(
        origin,
        change_files(
            views=BROKEN_VIEWS.replace(
                "request.get_json()", "REFUND_SCHEMA.load(request.get_json())"
            ).replace(
                "from shop.app import ORDERS, app\n",
                "from shop.app import ORDERS, app\nfrom shop.schemas import REFUND_SCHEMA\n",
            ),
            tests=AC1 + AC2.replace("{status}", "422"),
            spec=None,
        ),
        message="Refunds",
    )
    repo = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--branch", "refunds", f"file://{origin}", str(repo))
    junit = pytest_junit(repo, tmp_path / "junit.xml")
    args = [
        "gate",
        "--base",
        "origin/main",
        "--spec",
        SPEC_PATH,
        "--junit",
        junit,
        "--reviewer",
        "alice",
        "--reviewer",
        "bob",
        "--format",
        "markdown",
        "--no-history",
    ]
    proc = cli(*args, cwd=repo)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    page = proc.stdout
    blocks = page.split("### What blocks", 1)[1].split("### Ways forward", 1)[0]
    named = [line[4:].split("**")[0] for line in blocks.splitlines() if line.startswith("- **")]
    assert named == [
        "The spec's acceptance criteria are verified by tests",
        "The spec's interfaces hold in the code",
    ]
    assert "AC-3 unverified: no test declares it" in blocks
    assert (
        "POST /orders/{id}/refunds: authorization rule stated in the spec, but the handler "
        "shop/views.py:15 checks no user or permission"
    ) in blocks

    write_tree(origin, {"shop/views.py": VIEWS, "tests/test_refunds.py": TESTS})
    git(origin, "add", "-A")
    git(origin, "commit", "-q", "-m", "Log in, test AC-3")
    git(repo, "pull", "-q", "--ff-only")
    junit = pytest_junit(repo, tmp_path / "junit2.xml")
    args[args.index("--junit") + 1] = str(junit)
    proc = cli(*args, cwd=repo)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    page = proc.stdout
    assert page.startswith("## prodready gate: SHIP (tier production)")
    assert "| ✅ | The spec's acceptance criteria are verified by tests | met |" in page
    assert "| ✅ | The spec's interfaces hold in the code | met |" in page
