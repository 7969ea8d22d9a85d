"""Monorepos: components judged at their own tier, with the repository's CI and owners."""

from __future__ import annotations

from datetime import date

import pytest

from prodready.audit import AuditOptions, run_audit
from prodready.errors import PolicyError
from prodready.model import Status, Verdict
from tests.conftest import RepoFactory

MONOREPO = {
    "prodready.toml": """
        tier = "internal"

        [[component]]
        name = "api"
        path = "services/api"
        tier = "critical"

        [[component]]
        name = "tools"
        path = "tools"
        tier = "experimental"

        [[waiver]]
        id = "security.debug-mode"
        paths = ["services/api/**"]
        reason = "debug toolbar until the 2.0 cut-over"
        owner = "@api-team"
        approved_by = "@cto"
        expires = 2027-01-31
    """,
    "README.md": "# mono\n\n## Install\n\npip install -e .\n\n## Usage\n\nmake run\n\n## Tests\n\npytest\n",
    ".github/workflows/ci.yml": "jobs:\n  t:\n    steps:\n      - run: pytest\n",
    ".github/CODEOWNERS": "/services/api/ @api-team\n",
    "services/api/app.py": "from flask import Flask\napp = Flask(__name__)\napp.debug = True\n",
    "services/api/tests/test_app.py": "def test_app():\n    assert True\n",
    "tools/cli.py": "import argparse\n",
    "shared/util.py": "def f():\n    return 1\n",
    "tests/test_util.py": "from shared.util import f\n\ndef test_f():\n    assert f() == 1\n",
}


def audit(root):  # type: ignore[no-untyped-def]
    return run_audit(root, AuditOptions(today=date(2026, 11, 21), jobs=1))


def test_components_are_judged_at_their_own_tier(make_repo: RepoFactory) -> None:
    report = audit(make_repo(MONOREPO))
    api, tools = report.components
    assert (api.name, api.root, api.tier.value, api.kind.value) == (
        "api",
        "services/api",
        "critical",
        "service",
    )
    assert (tools.name, tools.tier.value) == ("tools", "experimental")
    # the repository's own audit does not see the components' files
    assert report.stats["python_files"] == 2
    # a component inherits the repository's CI, with the repository path as evidence
    ci = next(r for r in api.criteria if r.id == "deploy.ci")
    assert ci.status is Status.MET
    assert [(e.path, e.line) for e in ci.evidence] == [(".github/workflows/ci.yml", 4)]
    # owners are looked up with repository paths
    owners = next(r for r in api.criteria if r.id == "ownership.codeowners")
    assert owners.status is Status.MET
    # evidence found inside the component is reported with repository paths, so the
    # path-scoped waiver (written with repository paths) covers it
    debug = next(r for r in api.criteria if r.id == "security.debug-mode")
    assert debug.status is Status.WAIVED
    assert [(e.path, e.line) for e in debug.evidence] == [("services/api/app.py", 3)]
    # the critical component blocks (no coverage, no rollback...), so the repository blocks
    assert api.verdict is Verdict.BLOCK
    assert report.verdict is Verdict.BLOCK
    assert "api:tests.coverage" in report.decision.blocking
    assert any(reason.startswith("[api] ") for reason in report.decision.reasons)


def test_component_path_that_does_not_exist_is_a_policy_error(make_repo: RepoFactory) -> None:
    root = make_repo({"prodready.toml": '[[component]]\nname = "x"\npath = "nope"\n'})
    with pytest.raises(PolicyError, match="component 'x' path: expected a directory"):
        audit(root)


def test_component_details_speak_repository_paths(make_repo: RepoFactory) -> None:
    report = audit(make_repo(MONOREPO))
    api = report.components[0]
    assert api.kind_reason.startswith("services/api/app.py:2 creates a web application")
    readme = next(r for r in api.criteria if r.id == "docs.readme")
    assert readme.missing == "no README at the root of services/api"
    # the waiver covers a component's gap, so it is not reported as waiving nothing
    assert not any("waives nothing" in n for n in report.policy_notes)
