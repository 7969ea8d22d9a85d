"""Release items on real repositories: the rollback plan (description, runbook, irreversible
migrations) and the observability of new routes, jobs and outbound calls."""

from __future__ import annotations

from pathlib import Path

from prodready.model import Status
from tests.conftest import RepoFactory
from tests.gate.gatekit import branch, item, policy, run, texts, where, write

WEB = """\
import logging

from flask import Flask, request

app = Flask(__name__)
logger = logging.getLogger(__name__)


@app.get("/health")
def health():
    return "ok"
"""


def base(*waived: str, **extra: str) -> dict[str, str | bytes]:
    return {"prodready.toml": policy(*waived), "app/__init__.py": "", "app/web.py": WEB, **extra}


def web_change(make_repo: RepoFactory, *waived: str, **extra: str) -> Path:
    added = '\n\n@app.post("/orders/<int:order_id>/cancel")\ndef cancel(order_id):\n    return {"id": order_id}\n'
    return branch(make_repo, base(*waived, **extra), {"app/web.py": WEB + added})


# ---------------------------------------------------------------- rollback


def test_rollback_met_by_a_section_in_the_description(
    make_repo: RepoFactory, tmp_path: Path
) -> None:
    desc = write(tmp_path / "pr.md", "Cancel orders.\n\n## Rollback plan\n\nRedeploy v1.4.\n")
    result = item(run(web_change(make_repo), description=desc), "gate.rollback")
    assert result.status is Status.MET
    assert texts(result) == ["'Rollback plan' section"]
    assert where(result) == [f"{desc}:3"]


def test_rollback_section_spelled_rolling_back_or_as_a_bold_label(
    make_repo: RepoFactory, tmp_path: Path
) -> None:
    root = web_change(make_repo)
    rolling = write(tmp_path / "a.md", "Cancel.\n\n### Rolling back\n\nRevert the merge.\n")
    bold = write(tmp_path / "b.md", "Cancel.\n\n**Rollback:** redeploy v1.4\n")
    assert where(item(run(root, description=rolling), "gate.rollback")) == [f"{rolling}:3"]
    assert where(item(run(root, description=bold), "gate.rollback")) == [f"{bold}:3"]


def test_rollback_met_by_a_runbook_heading(make_repo: RepoFactory) -> None:
    runbook = "# Runbook\n\nPaging: #oncall\n\n## Rolling back a release\n\nRedeploy.\n"
    root = web_change(make_repo, **{"docs/runbook.md": runbook})
    result = item(run(root), "gate.rollback")
    assert result.status is Status.MET
    assert texts(result) == ["Rolling back a release"]
    assert where(result) == ["docs/runbook.md:5"]


def test_rollback_met_by_a_restructuredtext_title(make_repo: RepoFactory) -> None:
    root = web_change(
        make_repo, **{"docs/ops.rst": "Operations\n==========\n\nRollback\n--------\n\nRedeploy.\n"}
    )
    assert where(item(run(root), "gate.rollback")) == ["docs/ops.rst:4"]


def test_rollback_mentions_that_are_not_headings_do_not_count(make_repo: RepoFactory) -> None:
    root = web_change(
        make_repo,
        **{
            "README.md": "# Shop\n\n- we cannot roll back the schema yet\n",
            "CHANGELOG.md": "# Changes\n\n* Fixed rollback of sessions\n",
        },
    )
    result = item(run(root), "gate.rollback")
    assert result.status is Status.UNKNOWN
    assert result.missing == "no change description given and no rollback entry in a runbook"


def test_rollback_headings_in_product_docs_are_not_runbooks(make_repo: RepoFactory) -> None:
    """A manual's section on database transactions is not a plan for undoing a release."""
    manual = "# Transactions\n\n## Why no rollback hook?\n\nBecause.\n"
    root = web_change(make_repo, **{"docs/topics/db/transactions.md": manual})
    assert item(run(root), "gate.rollback").status is Status.UNKNOWN


def test_rollback_missing_with_a_description_that_has_none(
    make_repo: RepoFactory, tmp_path: Path
) -> None:
    desc = write(tmp_path / "pr.md", "Cancel orders.\n\n## Testing\n\nRan it.\n")
    report = run(web_change(make_repo), description=desc)
    result = item(report, "gate.rollback")
    assert result.status is Status.MISSING
    assert result.missing == (
        f"no rollback section in the {desc} and no runbook entry about rolling back"
    )
    assert "gate.rollback" in report.decision.blocking


MIGRATION = """\
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("app", "0001_initial")]
    operations = [
        migrations.RunSQL("DROP TABLE legacy_prices"),
    ]
"""


def test_rollback_names_an_irreversible_migration(make_repo: RepoFactory, tmp_path: Path) -> None:
    root = branch(
        make_repo,
        base(**{"docs/runbook.md": "# Runbook\n\n## Rollback\n\nRedeploy.\n"}),
        {"app/migrations/__init__.py": "", "app/migrations/0002_drop_legacy.py": MIGRATION},
    )
    desc = write(tmp_path / "pr.md", "Drop prices.\n\n## Rollback\n\nRedeploy v1.4.\n")
    result = item(run(root, description=desc), "gate.rollback")
    assert result.status is Status.MISSING
    assert result.missing == (
        "1 irreversible migration operation(s) and 'Rollback' does not mention the migration"
    )
    assert texts(result) == ["RunSQL without reverse_sql"]
    assert where(result) == ["app/migrations/0002_drop_legacy.py:7"]
    # the runbook's generic entry does not cover it either
    assert item(run(root), "gate.rollback").status is Status.MISSING

    covered = write(
        tmp_path / "ok.md",
        "Drop prices.\n\n## Rollback\n\nThe migration 0002 drops legacy_prices; restore it "
        "from the nightly backup before redeploying v1.4.\n",
    )
    result = item(run(root, description=covered), "gate.rollback")
    assert result.status is Status.MET
    assert where(result) == [f"{covered}:3", "app/migrations/0002_drop_legacy.py:7"]


def test_rollback_names_an_empty_alembic_downgrade(make_repo: RepoFactory) -> None:
    revision = 'def upgrade():\n    op.drop_table("legacy")\n\n\ndef downgrade():\n    pass\n'
    root = branch(make_repo, base(), {"alembic/versions/abc123_drop_legacy.py": revision})
    result = item(run(root), "gate.rollback")
    assert result.status is Status.MISSING
    assert texts(result) == ["Alembic downgrade() is empty"]
    assert where(result) == ["alembic/versions/abc123_drop_legacy.py:5"]


def test_rollback_waived(make_repo: RepoFactory) -> None:
    report = run(web_change(make_repo, "gate.rollback"))
    result = item(report, "gate.rollback")
    assert result.status is Status.WAIVED
    assert result.original_status is Status.UNKNOWN


# ---------------------------------------------------------------- observability

REFUND_ROUTE = """

@app.post("/refunds")
def create_refund():
    payload = request.get_json()
{body}
"""


def refund_change(make_repo: RepoFactory, body: str, *waived: str) -> Path:
    return branch(make_repo, base(*waived), {"app/web.py": WEB + REFUND_ROUTE.format(body=body)})


def test_observability_missing_for_a_new_route_without_logging(make_repo: RepoFactory) -> None:
    root = refund_change(make_repo, "    return {'refunded': payload['amount']}")
    report = run(root)
    result = item(report, "gate.observability")
    assert result.status is Status.MISSING
    assert result.missing == "1 new route without logging or a metric on failure"
    assert texts(result) == [
        "route create_refund: no log line, metric or error report in create_refund()"
    ]
    assert where(result) == ["app/web.py:15"]
    assert "gate.observability" in report.decision.blocking


def test_observability_met_for_a_new_route_that_logs_its_failure(make_repo: RepoFactory) -> None:
    body = (
        "    try:\n        return {'refunded': payload['amount']}\n"
        "    except KeyError:\n        logger.exception('refund without amount')\n        raise\n"
    )
    result = item(run(refund_change(make_repo, body)), "gate.observability")
    assert result.status is Status.MET
    assert texts(result) == ["route create_refund: logs (logger.exception)"]
    assert where(result) == ["app/web.py:15"]


def test_observability_met_by_a_metric(make_repo: RepoFactory) -> None:
    body = "    REFUND_FAILURES.labels('api').inc()\n    return {}"
    result = item(run(refund_change(make_repo, body)), "gate.observability")
    assert result.status is Status.MET
    assert texts(result)[0].startswith("route create_refund: records a metric")


def test_observability_a_database_add_is_not_a_metric(make_repo: RepoFactory) -> None:
    body = "    db.session.add(Refund(**payload))\n    return {}"
    result = item(run(refund_change(make_repo, body)), "gate.observability")
    assert result.status is Status.MISSING


def test_observability_names_a_new_outbound_call_and_a_job(make_repo: RepoFactory) -> None:
    code = (
        "import requests\nfrom celery import shared_task\n\n\n"
        "def push(order):\n    return requests.post(HOOK, json=order, timeout=5)\n\n\n"
        "@shared_task\ndef nightly():\n    return 1\n"
    )
    result = item(run(branch(make_repo, base(), {"app/sync.py": code})), "gate.observability")
    assert result.status is Status.MISSING
    assert texts(result) == [
        "outbound call push: no log line, metric or error report in push()",
        "job nightly: no log line, metric or error report in nightly()",
    ]
    assert where(result) == ["app/sync.py:5", "app/sync.py:10"]


def test_observability_not_applicable_to_an_edited_existing_route(make_repo: RepoFactory) -> None:
    root = branch(make_repo, base(), {"app/web.py": WEB.replace('"ok"', '"healthy"')})
    assert item(run(root), "gate.observability").status is Status.NOT_APPLICABLE


def test_observability_waived(make_repo: RepoFactory) -> None:
    root = refund_change(make_repo, "    return {}", "gate.observability")
    result = item(run(root), "gate.observability")
    assert result.status is Status.WAIVED
    assert where(result) == ["app/web.py:15"]
