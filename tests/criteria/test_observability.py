from __future__ import annotations

from prodready.model import Status
from tests.conftest import RepoFactory
from tests.criteria.helpers import assert_status, evaluate, locations

BLIND = {
    "app/main.py": (
        "import logging\nfrom flask import Flask\n\nlog = logging.getLogger(__name__)\n"
        "app = Flask(__name__)\n\n@app.post('/orders')\ndef create():\n    return 'ok'\n"
    ),
}

INSTRUMENTED = {
    "app/main.py": (
        "import logging\nimport sentry_sdk\nimport structlog\nfrom flask import Flask\n"
        "from prometheus_client import Counter\nfrom opentelemetry import trace\n\n"
        "structlog.configure()\n"
        "sentry_sdk.init(dsn='')\n"
        "FAILURES = Counter('order_failures_total', 'failed orders')\n"
        "tracer = trace.get_tracer(__name__)\n"
        "app = Flask(__name__)\n\n"
        "@app.get('/healthz')\ndef health():\n    return 'ok'\n"
    ),
}


def test_blind_service_misses_every_observability_criterion(make_repo: RepoFactory) -> None:
    root = make_repo(BLIND)
    for cid in (
        "obs.logging",
        "obs.metrics",
        "obs.tracing",
        "obs.health-endpoint",
        "obs.error-reporting",
    ):
        assert_status(evaluate(root, cid), Status.MISSING)
    r = evaluate(root, "obs.logging")
    assert (
        r.missing
        == "no logging configuration found; logging is imported in 1 module(s) but never configured"
    )


def test_instrumented_service_meets_each_with_located_evidence(make_repo: RepoFactory) -> None:
    root = make_repo(INSTRUMENTED)
    expected = {
        "obs.logging": ("app/main.py", 8),
        "obs.metrics": ("app/main.py", 5),
        "obs.tracing": ("app/main.py", 6),
        "obs.health-endpoint": ("app/main.py", 14),
        "obs.error-reporting": ("app/main.py", 9),
    }
    for cid, location in expected.items():
        r = evaluate(root, cid)
        assert_status(r, Status.MET)
        assert locations(r)[0] == location, cid
    assert "structured logging" in evaluate(root, "obs.logging").evidence[-1].text


def test_metrics_library_without_metrics_is_missing(make_repo: RepoFactory) -> None:
    files = {
        "app/main.py": "import prometheus_client\nfrom fastapi import FastAPI\napp = FastAPI()\n"
    }
    r = evaluate(make_repo(files), "obs.metrics")
    assert_status(r, Status.MISSING)
    assert locations(r) == [("app/main.py", 1)]


def test_django_settings_strings_count(make_repo: RepoFactory) -> None:
    files = {
        "manage.py": "import django\n",
        "proj/settings.py": "INSTALLED_APPS = ['django_prometheus', 'health_check']\nLOGGING = {'version': 1}\n",
    }
    root = make_repo(files)
    assert_status(evaluate(root, "obs.metrics"), Status.MET)
    assert locations(evaluate(root, "obs.health-endpoint")) == [("proj/settings.py", 1)]
    assert locations(evaluate(root, "obs.logging"))[0] == ("proj/settings.py", 2)


def test_library_gets_not_applicable(make_repo: RepoFactory) -> None:
    lib = {"pyproject.toml": "[project]\nname = 'lib'\n", "lib/__init__.py": "x = 1\n"}
    r = evaluate(make_repo(lib), "obs.metrics")
    assert_status(r, Status.NOT_APPLICABLE)
    assert "this is a library" in r.evidence[0].text


def test_logging_evidence_prefers_the_application_over_migrations(make_repo: RepoFactory) -> None:
    files = {
        "alembic/env.py": "import logging.config\nlogging.config.fileConfig('alembic.ini')\n",
        "app/main.py": "import logging\nfrom fastapi import FastAPI\nlogging.basicConfig()\napp = FastAPI()\n",
    }
    r = evaluate(make_repo(files), "obs.logging")
    assert locations(r)[0] == ("app/main.py", 3)
