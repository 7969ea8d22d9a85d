from __future__ import annotations

from prodready.model import Status
from tests.conftest import RepoFactory
from tests.criteria.helpers import assert_status, evaluate, locations

SERVICE = {
    "app/main.py": "from fastapi import FastAPI\napp = FastAPI()\n",
    "pyproject.toml": "[project]\nname = 'svc'\ndependencies = ['fastapi>=0.100']\n",
}


def test_ci_that_runs_tests(make_repo: RepoFactory) -> None:
    files = {
        **SERVICE,
        ".github/workflows/ci.yml": "jobs:\n  t:\n    steps:\n      - run: ruff check\n      - run: python -m pytest -q\n",
    }
    r = evaluate(make_repo(files), "deploy.ci")
    assert_status(r, Status.MET)
    assert locations(r) == [(".github/workflows/ci.yml", 5)]


def test_ci_that_calls_a_script_that_runs_tests(make_repo: RepoFactory) -> None:
    files = {
        **SERVICE,
        ".gitlab-ci.yml": "test:\n  script:\n    - bash .ci/run\n",
        ".ci/run": "#!/bin/sh\nset -e\ntox -e py311\n",
    }
    r = evaluate(make_repo(files), "deploy.ci")
    assert_status(r, Status.MET)
    assert locations(r) == [(".ci/run", 3)]


def test_ci_that_only_lints_is_missing(make_repo: RepoFactory) -> None:
    files = {
        **SERVICE,
        ".github/workflows/lint.yml": "jobs:\n  l:\n    steps:\n      - run: ruff check  # not pytest\n",
    }
    r = evaluate(make_repo(files), "deploy.ci")
    assert_status(r, Status.MISSING)
    assert locations(r) == [(".github/workflows/lint.yml", None)]


def test_no_ci(make_repo: RepoFactory) -> None:
    assert_status(evaluate(make_repo(SERVICE), "deploy.ci"), Status.MISSING)


def test_unpinned_requirements_are_named(make_repo: RepoFactory) -> None:
    files = {
        **SERVICE,
        "requirements.txt": "# deps\nfastapi==0.110.0\nrequests>=2\n-r other.txt\nuvicorn\nhttpx==0.27.*\n",
    }
    r = evaluate(make_repo(files), "deploy.dependencies-locked")
    assert_status(r, Status.MISSING)
    assert locations(r) == [
        ("requirements.txt", 3),
        ("requirements.txt", 5),
        ("requirements.txt", 6),
    ]


def test_lock_file_or_pinned_requirements_are_met(make_repo: RepoFactory) -> None:
    assert_status(
        evaluate(make_repo({**SERVICE, "uv.lock": "version = 1\n"}), "deploy.dependencies-locked"),
        Status.MET,
    )
    pinned = {**SERVICE, "requirements.txt": "fastapi==0.110.0 \\\n    --hash=sha256:abc\n"}
    assert_status(evaluate(make_repo(pinned), "deploy.dependencies-locked"), Status.MET)


def test_ranges_without_lock_in_a_service_are_missing(make_repo: RepoFactory) -> None:
    r = evaluate(make_repo(SERVICE), "deploy.dependencies-locked")
    assert_status(r, Status.MISSING)
    assert locations(r) == [("pyproject.toml", None)]


def test_library_and_cli_are_not_judged_on_pinning(make_repo: RepoFactory) -> None:
    lib = {
        "pyproject.toml": "[project]\nname = 'lib'\ndependencies = ['attrs>=22']\n",
        "lib/__init__.py": "x = 1\n",
        "docs/requirements.txt": "sphinx\n",
    }
    assert_status(evaluate(make_repo(lib), "deploy.dependencies-locked"), Status.NOT_APPLICABLE)
    cli = {
        **lib,
        "pyproject.toml": "[project]\nname = 'tool'\n[project.scripts]\ntool = 'lib:main'\n",
    }
    assert_status(evaluate(make_repo(cli), "deploy.dependencies-locked"), Status.NOT_APPLICABLE)


def test_docs_requirements_do_not_count(make_repo: RepoFactory) -> None:
    files = {**SERVICE, "uv.lock": "version = 1\n", "docs/requirements.txt": "sphinx\n"}
    r = evaluate(make_repo(files), "deploy.dependencies-locked")
    assert_status(r, Status.MET)
    assert locations(r) == [("uv.lock", None)]


BAD_DOCKERFILE = """
ARG PY=3.12
FROM python AS build
RUN pip wheel -w /w .
FROM python:${PY}-slim
COPY --from=build /w /w
USER root
CMD ["uvicorn", "app.main:app"]
"""

GOOD_DOCKERFILE = """
FROM python:3.12-slim@sha256:0123456789abcdef AS build
FROM gcr.io/distroless/python3:nonroot
COPY --from=build /w /w
USER 10001
HEALTHCHECK CMD ["/healthcheck"]
"""


def test_container_problems_are_located(make_repo: RepoFactory) -> None:
    r = evaluate(make_repo({**SERVICE, "Dockerfile": BAD_DOCKERFILE}), "deploy.container")
    assert_status(r, Status.MISSING)
    assert [(e.text, e.line) for e in r.evidence] == [
        ("base image python has no tag (means latest)", 2),
        ("final stage runs as root", 6),
        ("no HEALTHCHECK (nor compose healthcheck or Kubernetes probes)", 4),
    ]


def test_good_container_and_no_container(make_repo: RepoFactory) -> None:
    assert_status(
        evaluate(make_repo({**SERVICE, "Dockerfile": GOOD_DOCKERFILE}), "deploy.container"),
        Status.MET,
    )
    assert_status(evaluate(make_repo(SERVICE), "deploy.container"), Status.NOT_APPLICABLE)


K8S_BAD = """
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  template:
    spec:
      containers:
        - name: web
          image: api:1.0
          readinessProbe:
            httpGet: {path: /readyz, port: 8000}
---
apiVersion: batch/v1
kind: CronJob
metadata:
  name: nightly
spec:
  jobTemplate:
    spec:
      template:
        spec:
          containers:
            - name: job
              image: api:1.0
              resources:
                requests: {cpu: 100m}
                limits: {cpu: 500m}
"""


def test_kubernetes_workloads(make_repo: RepoFactory) -> None:
    r = evaluate(make_repo({**SERVICE, "deploy/k8s.yaml": K8S_BAD}), "deploy.kubernetes")
    assert_status(r, Status.MISSING)
    assert [(e.path, e.line, e.text) for e in r.evidence] == [
        (
            "deploy/k8s.yaml",
            9,
            "Deployment/api container web: no livenessProbe, resources.requests, resources.limits",
        )
    ]
    assert_status(evaluate(make_repo(SERVICE), "deploy.kubernetes"), Status.NOT_APPLICABLE)


def test_invalid_manifest_yaml_is_unknown(make_repo: RepoFactory) -> None:
    broken = "apiVersion: v1\nkind: Pod\nspec: [unclosed\n"
    r = evaluate(make_repo({**SERVICE, "k8s/pod.yaml": broken}), "deploy.kubernetes")
    assert_status(r, Status.UNKNOWN)
    assert r.missing is not None and r.missing.startswith(
        "manifest k8s/pod.yaml could not be read: invalid YAML"
    )


def test_rollback_section(make_repo: RepoFactory) -> None:
    doc = "# Ops\n\nWe have no rollback yet.\n\n## Rolling back a release\n\nRedeploy the previous tag.\n"
    r = evaluate(make_repo({**SERVICE, "docs/runbook.md": doc}), "deploy.rollback")
    assert_status(r, Status.MET)
    assert locations(r) == [("docs/runbook.md", 5)]
    mention_only = {**SERVICE, "README.md": "# svc\n\nWe have no rollback yet.\n"}
    assert_status(evaluate(make_repo(mention_only), "deploy.rollback"), Status.MISSING)


def test_irreversible_migrations(make_repo: RepoFactory) -> None:
    files = {
        **SERVICE,
        "alembic/versions/0001_init.py": "def upgrade():\n    op.create_table('t')\n\ndef downgrade():\n    pass\n",
        "alembic/versions/0002_x.py": "def upgrade():\n    op.add_column('t', c)\n\ndef downgrade():\n    op.drop_column('t', 'c')\n",
        "shop/migrations/0003_backfill.py": "from django.db import migrations\nops = [migrations.RunPython(fwd)]\n",
    }
    r = evaluate(make_repo(files), "deploy.migrations-reversible")
    assert_status(r, Status.MISSING)
    assert locations(r) == [
        ("alembic/versions/0001_init.py", 4),
        ("shop/migrations/0003_backfill.py", 2),
    ]
    assert_status(
        evaluate(make_repo(SERVICE), "deploy.migrations-reversible"), Status.NOT_APPLICABLE
    )


def test_build_and_test_images_are_not_judged_and_compose_healthcheck_counts(
    make_repo: RepoFactory,
) -> None:
    files = {
        **SERVICE,
        "Dockerfile": GOOD_DOCKERFILE.replace('HEALTHCHECK CMD ["/healthcheck"]\n', ""),
        "Dockerfile.dockerignore": "node_modules\n",
        "frontend/Dockerfile.playwright": "FROM mcr.microsoft.com/playwright\n",
        "extras/packaging/linux/Dockerfile": "FROM ubuntu\n",
        "compose.yml": "services:\n  api:\n    build: .\n    healthcheck:\n      test: [CMD, curl, -f, localhost/healthz]\n",
    }
    r = evaluate(make_repo(files), "deploy.container")
    assert_status(r, Status.MET)
    assert locations(r) == [("Dockerfile", None)]


def test_ci_follows_working_directory_and_nested_scripts(make_repo: RepoFactory) -> None:
    files = {
        **SERVICE,
        ".github/workflows/test-backend.yml": "jobs:\n  t:\n    steps:\n      - run: bash scripts/tests-start.sh\n        working-directory: backend\n",
        "backend/scripts/tests-start.sh": 'set -e\npython app/prestart.py\nbash scripts/test.sh "$@"\n',
        "backend/scripts/test.sh": "set -e\ncoverage run -m pytest tests/\n",
    }
    r = evaluate(make_repo(files), "deploy.ci")
    assert_status(r, Status.MET)
    assert locations(r) == [("backend/scripts/test.sh", 2)]
