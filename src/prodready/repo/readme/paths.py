"""Repository-relative paths as a README writes them: normalising them, and telling which
ones cannot be checked.

A path whose absence proves nothing (build output, a virtualenv, a local `.env`, a
placeholder like `path/to/file`, anything holding a variable or a glob) must never be
reported as stale; these predicates are what keep the checks quiet about them.
"""

from __future__ import annotations

import posixpath
import re

from prodready.repo.readme.word_sets import word_set


def join_in_repo(base: str, path: str) -> str | None:
    """Normalise ``base/path``; None when it leaves the repository."""
    joined = posixpath.normpath(posixpath.join(base, path)) if base else posixpath.normpath(path)
    if joined == ".":
        return ""
    if joined == ".." or joined.startswith(("../", "/")):
        return None
    return joined


# Directories that are created by tools rather than committed.
_GENERATED = word_set(
    "build dist node_modules bower_components .tox .nox target out bin _build site "
    "htmlcov vendor __pycache__ .pytest_cache .mypy_cache .ruff_cache site-packages .next "
    ".nuxt .gradle .terraform .eggs coverage"
)
_VENV_NAME = re.compile(r"^\.?(?:venv|virtualenv|env)(?:\d[\d.]*|[-_]\w+)?$", re.IGNORECASE)
# A local `.env` (or `.env.local`) is never committed; a template (`.env.example`) is.
_LOCAL_ENV = re.compile(r"^\.env(?:\.[\w-]+)?$")
_TEMPLATE = re.compile(r"example|sample|template|dist|default", re.IGNORECASE)
# Path segments that stand for the reader's own value: `your-app`, `my_project`, `path/to`.
_PLACEHOLDER_SEGMENT = re.compile(
    r"^(?:your|some[-_]|my(?:[-_.]|[A-Z]|$)|(?:foo|bar|baz|qux|xxx|examples?|samples?)(?:[-_.]|$)"
    r"|(?:file|dir|folder|directory|path|project|repo)(?:name)?$)",
)


def is_generated(path: str) -> bool:
    """True for paths inside directories that tools create (virtualenvs, build output)."""
    segments = [segment for segment in path.split("/") if segment not in ("", ".")]
    if any(segment in _GENERATED or _VENV_NAME.match(segment) for segment in segments):
        return True
    last = segments[-1] if segments else ""
    # .env and .env.local hold secrets and are never committed; .env.example is.
    return bool(_LOCAL_ENV.match(last)) and not _TEMPLATE.search(last)


def is_unknowable(text: str) -> bool:
    """Arguments whose real value the README does not state: variables, globs, placeholders."""
    if any(char in text for char in "$%`*?[]{}<>|~\\\"'") or "..." in text or "…" in text:
        return True
    if text.startswith("-") or "://" in text or re.match(r"^[\w.-]+@[\w.-]+:", text):
        return True
    lowered = text.lower()
    if "path/to" in lowered or "/path/" in lowered or lowered.startswith("path/"):
        return True
    return any(_PLACEHOLDER_SEGMENT.match(segment) for segment in text.split("/"))


def clean_path(path: str) -> str:
    """``./a//b/`` -> ``a/b``; the spelling of a path does not change whether it exists."""
    cleaned = posixpath.normpath(path) if path else ""
    return "" if cleaned == "." else cleaned
