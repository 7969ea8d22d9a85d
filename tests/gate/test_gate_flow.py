"""The new-user flow, end to end through the CLI in a fresh clone.

A small Flask shop at tier production. A pull request adds refunds: a route that issues a
real `stripe.Refund.create` through a plain function. First without tests, reviewers,
acceptance criteria or a rollback note: the gate blocks and the page names each gap. Then
the same change with tests (run under coverage in a subprocess, producing real coverage.xml
and JUnit XML), a description with acceptance criteria and a rollback section, and two
reviewers including the CODEOWNERS owner: it ships.

Flask and stripe are not installed here, and need not be: the route imports the real
`stripe` lazily and hands it to `issue_refund(client, ...)`; the tests call the plain
functions with a fake client.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import RepoFactory, git, write_tree
from tests.gate.gatekit import cli, write

APP = '''\
"""The shop's web application."""

import logging

from flask import Flask, request

app = Flask(__name__)
logger = logging.getLogger(__name__)

ORDERS = {"A-1": {"charge": "ch_1", "total": 5000}}


@app.get("/health")
def health():
    return {"ok": True}


@app.get("/orders/<order_id>")
def show_order(order_id):
    order = ORDERS.get(order_id)
    if order is None:
        logger.info("unknown order %s", order_id)
        return {"error": "not found"}, 404
    return order
'''

ROUTE = """

@app.post("/orders/<order_id>/refunds")
def refund_order(order_id):
    import stripe  # the real SDK, imported only where a refund is really issued

    status, body = refunds.refund_response(stripe, ORDERS[order_id], request.get_json())
    if status != 201:
        logger.warning("refund for order %s refused: %s", order_id, body["error"])
    return body, status
"""

REFUNDS = '''\
"""Refunds: the rules around a refund, apart from the web route that calls the provider."""

import logging

logger = logging.getLogger(__name__)

MAX_REFUND_CENTS = 100_000


class RefundError(Exception):
    """A refund the provider refused or the rules forbid."""


def validate(amount_cents, order_total_cents):
    if not isinstance(amount_cents, int):
        raise RefundError("amount must be a whole number of cents")
    if amount_cents <= 0:
        raise RefundError("amount must be positive")
    if amount_cents > order_total_cents:
        raise RefundError("amount exceeds the order total")
    if amount_cents > MAX_REFUND_CENTS:
        raise RefundError("amount needs a manual refund")
    return amount_cents


def issue_refund(client, charge_id, amount_cents, order_total_cents):
    """Refund through `client`: the `stripe` module in production, so this is
    `stripe.Refund.create`."""
    amount = validate(amount_cents, order_total_cents)
    try:
        refund = client.Refund.create(charge=charge_id, amount=amount)
    except Exception as exc:
        logger.exception("refund of %s failed", charge_id)
        raise RefundError("the payment provider refused the refund") from exc
    return {"id": refund["id"], "amount": amount, "status": refund["status"]}


def refund_response(client, order, body):
    """(status, body) for a refund request on `order` ({"charge", "total"})."""
    try:
        amount = int(body["amount"])
    except (KeyError, TypeError, ValueError):
        return 400, {"error": "amount is required"}
    try:
        refund = issue_refund(client, order["charge"], amount, order["total"])
    except RefundError as exc:
        return 422, {"error": str(exc)}
    return 201, refund
'''

TESTS = '''\
import pytest

from shop import refunds


class FakeStripe:
    """Stands in for the stripe module: records calls, or fails like the provider."""

    def __init__(self, fail=False):
        self.calls = []
        self.fail = fail
        self.Refund = self

    def create(self, **kwargs):
        self.calls.append(kwargs)
        if self.fail:
            raise RuntimeError("card_declined")
        return {"id": "re_1", "status": "succeeded"}


ORDER = {"charge": "ch_1", "total": 5000}


def test_refund_is_issued_through_the_client():
    client = FakeStripe()
    assert refunds.refund_response(client, ORDER, {"amount": "1200"}) == (
        201,
        {"id": "re_1", "amount": 1200, "status": "succeeded"},
    )
    assert client.calls == [{"charge": "ch_1", "amount": 1200}]


@pytest.mark.parametrize(
    ("amount", "total", "message"),
    [
        (1.5, 5000, "whole number"),
        (0, 5000, "positive"),
        (6000, 5000, "exceeds the order total"),
        (200_000, 500_000, "manual refund"),
    ],
)
def test_refunds_the_rules_forbid(amount, total, message):
    with pytest.raises(refunds.RefundError, match=message):
        refunds.validate(amount, total)


def test_a_refund_above_the_total_is_rejected_with_422():
    client = FakeStripe()
    status, body = refunds.refund_response(client, ORDER, {"amount": 9999})
    assert status == 422
    assert "exceeds" in body["error"]
    assert client.calls == []


def test_a_refund_without_an_amount_is_a_400():
    assert refunds.refund_response(FakeStripe(), ORDER, {})[0] == 400


def test_a_provider_failure_is_logged_and_answered_with_422(caplog):
    status, body = refunds.refund_response(FakeStripe(fail=True), ORDER, {"amount": 100})
    assert (status, body) == (422, {"error": "the payment provider refused the refund"})
    assert "refund of ch_1 failed" in caplog.text
'''

BARE_DESCRIPTION = "Adds refunds for orders.\n"
FULL_DESCRIPTION = """\
Adds refunds for orders: `POST /orders/<id>/refunds` issues a Stripe refund.

## Acceptance criteria

- [ ] A refund of part of an order is issued through Stripe and answered with 201
- [ ] A refund above the order total is rejected with 422 and never reaches Stripe
- [ ] A refund Stripe refuses is logged and answered with 422

## Rollback

Revert the merge commit and redeploy the previous release. There is no migration; refunds
already issued stay issued in Stripe and are reconciled by finance as usual.
"""


def shop(make_repo: RepoFactory) -> Path:
    """The shop on main, the refunds branch with its first commit (no tests)."""
    origin = make_repo(
        {
            "prodready.toml": 'tier = "production"\n',
            "CODEOWNERS": "* @alice\n",
            "README.md": "# Shop\n\nA small Flask shop.\n",
            "requirements.txt": "flask==3.0.3\n",
            "shop/__init__.py": "",
            "shop/app.py": APP,
            "tests/__init__.py": "",
            "tests/test_health.py": "def test_nothing_yet():\n    assert True\n",
        }
    )
    git(origin, "checkout", "-q", "-b", "refunds")
    app = APP.replace(
        "from flask import Flask, request\n",
        "from flask import Flask, request\n\nfrom shop import refunds\n",
    )
    write_tree(
        origin,
        {
            "shop/app.py": app + ROUTE,
            "shop/refunds.py": REFUNDS,
            "requirements.txt": "flask==3.0.3\nstripe==11.1.0\n",
        },
    )
    git(origin, "add", "-A")
    git(origin, "commit", "-q", "-m", "Add refunds")
    return origin


def fresh_clone(origin: Path, target: Path) -> Path:
    git(target.parent, "clone", "-q", "--branch", "refunds", f"file://{origin}", str(target))
    return target


def run_tests_under_coverage(repo: Path, out: Path) -> tuple[Path, Path]:
    """pytest under coverage in a fresh interpreter: real coverage.xml and JUnit XML."""
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("COV_", "COVERAGE_", "PYTEST_"))
    }
    data = out / ".coverage"
    env["COVERAGE_FILE"] = str(data)
    results, coverage_xml = out / "junit.xml", out / "coverage.xml"
    for args in (
        [
            "coverage",
            "run",
            "--source=shop",
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-p",
            "no:randomly",
            f"--junitxml={results}",
            "tests",
        ],
        ["coverage", "xml", "-o", str(coverage_xml)],
    ):
        proc = subprocess.run(
            [sys.executable, "-m", *args],
            cwd=repo,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert proc.returncode == 0, proc.stdout + proc.stderr
    return coverage_xml, results


def test_a_payment_change_without_its_pieces_is_blocked_and_each_gap_named(
    make_repo: RepoFactory, tmp_path: Path
) -> None:
    repo = fresh_clone(shop(make_repo), tmp_path / "clone")
    desc = write(tmp_path / "pr.md", BARE_DESCRIPTION)
    proc = cli(
        "gate",
        "--base",
        "origin/main",
        "--description",
        desc,
        "--format",
        "markdown",
        "--no-history",
        cwd=repo,
    )
    assert proc.returncode == 1, proc.stderr
    page = proc.stdout
    assert page.startswith("## prodready gate: BLOCK (tier production)")
    blocks = page.split("### What blocks", 1)[1].split("### Ways forward", 1)[0]
    named = [line[4:].split("**")[0] for line in blocks.splitlines() if line.startswith("- **")]
    assert named == [
        "Acceptance criteria stated",
        "CI passes",
        "Tests run the changed code",
        "Approved by the owners of what changed",
        "A second reviewer with context on sensitive changes",
        "A rollback plan",
    ]
    assert f"{desc} has no acceptance criteria section or checklist" in blocks
    assert "no test results given (pass --junit results.xml)" in blocks
    assert "changed executable lines and no test changed with them" in blocks
    assert "`shop/app.py:7` lines 7, 29-31, 33-36 changed" in blocks
    assert "`shop/refunds.py:3` lines 3, 5, 7, 10, 14-23, 26, 29-35, 38, 40-48 changed" in blocks
    assert "no approval recorded" in blocks
    assert "`requirements.txt` owned by @alice, none of whom approved (3 changed paths)" in blocks
    assert "0 approval(s); a sensitive change (payments) needs two" in blocks
    assert "`shop/refunds.py` payments: path shop/refunds.py is in the payments group" in blocks
    assert (
        "`shop/refunds.py:31` payments: charge, capture or refund: "
        "refund = client.Refund.create(charge=charge_id, amount=amount)"
    ) in blocks
    assert 'stripe.Refund.create\'."""' not in blocks  # the docstring is not a signal
    assert "no rollback section in the" in blocks
    # what is there is shown too
    assert "| ✅ | No new risk on changed lines | met |" in page
    assert "| ✅ | New routes, jobs and integrations are observable | met |" in page
    assert "sensitive: payments" in page
    assert (
        "Ship with the known risk: add a waiver per gap to prodready.toml, approved by @alice"
        in page
    )


def test_the_same_change_with_tests_criteria_rollback_and_reviewers_ships(
    make_repo: RepoFactory, tmp_path: Path
) -> None:
    origin = shop(make_repo)
    write_tree(origin, {"tests/test_refunds.py": TESTS})
    git(origin, "add", "-A")
    git(origin, "commit", "-q", "-m", "Test refunds")
    repo = fresh_clone(origin, tmp_path / "clone")
    out = tmp_path / "ci"
    out.mkdir()
    coverage_xml, results = run_tests_under_coverage(repo, out)
    desc = write(tmp_path / "pr.md", FULL_DESCRIPTION)
    proc = cli(
        "gate",
        "--base",
        "origin/main",
        "--coverage",
        coverage_xml,
        "--junit",
        results,
        "--description",
        desc,
        "--reviewer",
        "alice",
        "--reviewer",
        "bob",
        "--format",
        "markdown",
        "--no-history",
        cwd=repo,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    page = proc.stdout
    assert page.startswith("## prodready gate: SHIP (tier production)")
    assert "### What blocks" not in page
    assert "| ✅ | Tests run the changed code | met |" in page
    assert "32 of 40 changed executable lines ran under tests (80%)" in page
    # the route itself cannot run without Flask: named, but above the floor
    assert "`shop/app.py:7` lines 7, 29-31, 33-36 changed; no test executes them" in page
    assert "| ✅ | CI passes | met |" in page and "9 tests, none failed" in page
    assert "'Acceptance criteria': 3 item(s)" in page
    assert "'Rollback' section" in page
    assert "approved by @alice, @bob" in page
    assert (
        "+61/-0 production lines, +62/-0 test lines · 5 tests added · sensitive: payments" in page
    )
