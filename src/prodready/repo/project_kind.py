"""Is this a service, a library or a command-line tool?

Service-only criteria (health endpoints, runbooks, metrics) are noise for a library, so the
kind must be detected from what the repository deploys, not from what it imports: Django's
own source imports Django everywhere and is still a library.
"""

from __future__ import annotations

import re
import tomllib

from prodready.model import ProjectKind
from prodready.repo.files import RepoIndex, is_production_path
from prodready.repo.python_index import PythonIndex

_SERVER_CMD = re.compile(
    r"\b(gunicorn|uvicorn|hypercorn|daphne|waitress-serve|uwsgi|granian|celery\s+.*worker)\b"
)


def detect_kind(repo: RepoIndex, python: PythonIndex, base: str = "") -> tuple[ProjectKind, str]:
    """The kind and why; `base` prefixes paths in the reason (a component's location)."""
    kind, reason = _detect(repo, python)
    if base:
        reason = re.sub(
            r"^([\w./-]+\.(?:py|toml|cfg|yml|yaml)|Dockerfile[\w.-]*|Procfile|manage\.py)\b",
            lambda m: f"{base}/{m.group(1)}",
            reason,
        )
    return kind, reason


def _detect(repo: RepoIndex, python: PythonIndex) -> tuple[ProjectKind, str]:
    service = _service_signal(repo, python)
    if service:
        return ProjectKind.SERVICE, service
    cli = _cli_signal(repo, python)
    if cli:
        return ProjectKind.CLI, cli
    if any(repo.is_file(f) for f in ("pyproject.toml", "setup.py", "setup.cfg")):
        return ProjectKind.LIBRARY, "a Python package with no server entry point or console script"
    if any(True for _ in python.production()):
        return ProjectKind.LIBRARY, "Python code with no server entry point or console script"
    return ProjectKind.UNKNOWN, "no Python package, server entry point or console script found"


def _service_signal(repo: RepoIndex, python: PythonIndex) -> str | None:
    if repo.is_file("manage.py"):
        return "manage.py (a Django project)"
    for facts in python.production():
        for sig in facts.signals:
            if sig.kind == "wsgi-application":
                return f"{facts.rel}:{sig.line} {sig.detail}"
    for facts in python.production():
        for sig in facts.signals:
            if sig.kind == "web-app":
                return f"{facts.rel}:{sig.line} creates a web application ({sig.detail})"
    for rel in repo.matching(
        "Procfile", "Dockerfile", "Dockerfile.*", "docker-compose*.yml", "compose*.yaml"
    ):
        if not is_production_path(rel):
            continue
        text = repo.read_text(rel) or ""
        match = _SERVER_CMD.search(text)
        if match:
            return f"{rel} starts a server ({match.group(1)})"
    return None


def _cli_signal(repo: RepoIndex, python: PythonIndex) -> str | None:
    text = repo.read_text("pyproject.toml")
    if text:
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError:
            data = {}
        project = data.get("project", {})
        scripts = project.get("scripts") if isinstance(project, dict) else None
        poetry = data.get("tool", {}).get("poetry", {}).get("scripts")
        for table in (scripts, poetry):
            if isinstance(table, dict) and table:
                return f"console script {sorted(table)[0]!r} in pyproject.toml"
    for rel in ("setup.py", "setup.cfg"):
        body = repo.read_text(rel) or ""
        if "console_scripts" in body:
            return f"console_scripts entry point in {rel}"
    for facts in python.production():
        if facts.rel.endswith("__main__.py") and any(s.kind == "cli" for s in facts.signals):
            return f"{facts.rel} parses command-line arguments"
    return None
