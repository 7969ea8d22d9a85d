from __future__ import annotations

from prodready.model import Status
from tests.conftest import RepoFactory
from tests.criteria.helpers import assert_status, evaluate, locations

GOOD_README = """
# svc

## Installation

    pip install -r requirements.txt

## Usage

```bash
python scripts/serve.py
```

## Running tests

```bash
pytest
```
"""


def test_readme_complete(make_repo: RepoFactory) -> None:
    root = make_repo(
        {"README.md": GOOD_README, "requirements.txt": "x==1\n", "scripts/serve.py": "x = 1\n"}
    )
    r = evaluate(root, "docs.readme")
    assert_status(r, Status.MET)


def test_readme_stale_reference_and_missing_section(make_repo: RepoFactory) -> None:
    text = GOOD_README.replace("## Running tests\n\n```bash\npytest\n```\n", "")
    root = make_repo({"README.md": text, "requirements.txt": "x==1\n"})
    r = evaluate(root, "docs.readme")
    assert_status(r, Status.MISSING)
    assert r.missing == "README.md does not say how to test; 1 stale reference(s)"
    assert locations(r)[0] == ("README.md", 10)
    assert "scripts/serve.py" in r.evidence[0].text


def test_no_readme(make_repo: RepoFactory) -> None:
    assert_status(evaluate(make_repo({"app.py": "x = 1\n"}), "docs.readme"), Status.MISSING)


def test_changelog_architecture_runbook(make_repo: RepoFactory) -> None:
    svc = {"app.py": "from flask import Flask\napp = Flask(__name__)\n"}
    bare = make_repo(svc)
    for cid in ("docs.changelog", "docs.architecture", "docs.runbook"):
        assert_status(evaluate(bare, cid), Status.MISSING)
    full = make_repo(
        {
            **svc,
            "CHANGES.rst": "1.0\n",
            "docs/adr/0001-use-postgres.md": "# ADR\n",
            "RUNBOOK.md": "# Runbook\n",
        }
    )
    assert locations(evaluate(full, "docs.changelog")) == [("CHANGES.rst", None)]
    assert locations(evaluate(full, "docs.architecture")) == [
        ("docs/adr/0001-use-postgres.md", None)
    ]
    assert locations(evaluate(full, "docs.runbook")) == [("RUNBOOK.md", None)]


def test_runbook_and_architecture_headings(make_repo: RepoFactory) -> None:
    svc = {"app.py": "from flask import Flask\napp = Flask(__name__)\n"}
    loose = make_repo({**svc, "docs/git.md": "# Git\n\n## Common Operations\n\nrebase\n"})
    assert_status(evaluate(loose, "docs.runbook"), Status.MISSING)
    real = make_repo(
        {
            **svc,
            "docs/service.md": "# Service\n\n## On-call\n\nPage @sre.\n",
            "AGENTS.md": "# Agents\n\n## Architecture\n\nlayers\n",
        }
    )
    assert locations(evaluate(real, "docs.runbook")) == [("docs/service.md", 3)]
    assert locations(evaluate(real, "docs.architecture")) == [("AGENTS.md", 3)]


def test_readme_that_delegates_to_linked_guides(make_repo: RepoFactory) -> None:
    files = {
        "README.md": "# svc\n\n## Usage\n\n    make run\n\nDevelopment docs: [development.md](./development.md).\n",
        "development.md": "# Development\n\n## Install\n\n    uv sync\n\n## Tests\n\n    pytest\n",
        "Makefile": "run:\n\tpython -m app\n",
    }
    r = evaluate(make_repo(files), "docs.readme")
    assert_status(r, Status.MET)
    assert [(e.path, e.line) for e in r.evidence] == [
        ("development.md", 3),
        ("README.md", 3),
        ("development.md", 7),
    ]
