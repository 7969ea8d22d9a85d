"""Which test runs which line: the suite run once, in a copy of head, under coverage.py.

Each test is measured in its own dynamic context (the plugin in `_support/` switches the
context to the test's node id), so a mutant later runs only the tests that execute its
line instead of the whole suite. Lines run while modules are imported during collection
carry the empty context: no single test owns them.
"""

from __future__ import annotations

import json
import os
import subprocess
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from prodready.errors import UsageError
from prodready.mutate.workspace import import_roots

SUPPORT = Path(__file__).resolve().parent / "_support"
PLUGIN = "prodready_mutate_plugin"
SESSION = "prodready_mutate_session"
COLLECTION = ""  # the context of lines run outside any test


@dataclass(frozen=True)
class TestRecord:
    __test__ = False
    nodeid: str
    outcome: str  # passed | failed | skipped | xfail
    duration: float


@dataclass(frozen=True)
class CoverageMap:
    """Per repository-relative path, line -> the contexts (test node ids) that ran it."""

    lines: Mapping[str, Mapping[int, frozenset[str]]]
    tests: Mapping[str, TestRecord]
    seconds: float
    exit_code: int

    def contexts(self, path: str, line: int) -> frozenset[str]:
        return self.lines.get(path, {}).get(line, frozenset())

    @property
    def passing(self) -> frozenset[str]:
        return frozenset(t for t, r in self.tests.items() if r.outcome == "passed")

    @property
    def failing(self) -> tuple[str, ...]:
        return tuple(sorted(t for t, r in self.tests.items() if r.outcome == "failed"))


def test_environment(copy: Path, extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment every test run gets: the copy's code first on the import path (an
    editable install of the original must not win) and the plugin importable. Bytecode is
    written: the workers give every mutated file a modification time of its own, so a
    mutant's `.pyc` can never pass for another's, and test modules are compiled (and
    their asserts rewritten) once instead of once per mutant."""
    env = dict(os.environ)
    roots = [str(SUPPORT), *(str(p) for p in import_roots(copy))]
    if env.get("PYTHONPATH"):
        roots.append(env["PYTHONPATH"])
    env["PYTHONPATH"] = os.pathsep.join(roots)
    env.pop("PYTEST_ADDOPTS", None)
    env.pop("COV_CORE_SOURCE", None)  # pytest-cov's subprocess hook must not start a 2nd tracer
    if extra:
        env.update(extra)
    return env


def _missing_tools(log: Path) -> str | None:
    """The import error that says the tests' Python lacks pytest or coverage.py, if any."""
    text = _tail(log, 40)
    for name in ("pytest", "coverage"):
        if f"No module named {name}" in text or f"No module named '{name}'" in text:
            return name
    return None


def collect(
    python: str,
    copy: Path,
    files: Sequence[str],
    log: Path,
    pytest_args: Sequence[str] = (),
    alongside: Callable[[], None] | None = None,
) -> CoverageMap:
    """Run the whole suite once in `copy`, measuring only `files` (relative paths), and
    run `alongside` in this process meanwhile."""
    out = log.with_suffix(".json")
    include = os.pathsep.join(str(copy / f) for f in files)
    env = test_environment(
        copy, {"PRODREADY_MUTATE_OUT": str(out), "PRODREADY_MUTATE_INCLUDE": include}
    )
    cmd = [python, "-m", "pytest", "-p", PLUGIN, "-p", "no:cacheprovider", "-q", *pytest_args]
    start = time.monotonic()
    with log.open("wb") as fh:
        try:
            proc = subprocess.Popen(cmd, cwd=copy, env=env, stdout=fh, stderr=subprocess.STDOUT)
        except OSError as exc:
            raise UsageError(f"cannot run the Python at {python}: {exc}") from exc
        try:
            if alongside is not None:
                alongside()
            code = proc.wait()
        finally:
            if proc.poll() is None:  # interrupted, or `alongside` failed
                proc.kill()
                proc.wait()
    seconds = time.monotonic() - start
    if code not in (0, 1, 5) or not out.exists():
        missing = _missing_tools(log)
        if missing:
            raise UsageError(
                f"the Python at {python} cannot import {missing}: install pytest and coverage "
                "in the environment that runs the project's tests, or pass --python"
            )
        raise UsageError(
            f"the test suite could not run in a copy of head (pytest exit {code}):\n{_tail(log)}"
        )
    return _read(out, copy, seconds, code)


def _read(out: Path, copy: Path, seconds: float, exit_code: int) -> CoverageMap:
    data = json.loads(out.read_text(encoding="utf-8"))
    root = str(copy.resolve())
    prefix = _rootdir_prefix(str(data.get("rootdir") or ""), root)
    lines: dict[str, dict[int, frozenset[str]]] = {}
    for path, by_line in data["files"].items():
        resolved = str(Path(path).resolve())
        if not resolved.startswith(root + os.sep):
            continue
        rel = Path(resolved[len(root) + 1 :]).as_posix()
        lines[rel] = {
            int(k): frozenset(prefix + c if c else c for c in v) for k, v in by_line.items()
        }
    tests = {
        prefix + nodeid: TestRecord(prefix + nodeid, str(t["outcome"]), float(t["duration"]))
        for nodeid, t in data["tests"].items()
    }
    return CoverageMap(lines, tests, seconds, exit_code)


def _rootdir_prefix(rootdir: str, root: str) -> str:
    """What to put before a node id (relative to pytest's rootdir) to name it from the copy's
    top, where the runs start: `backend/` when the project's pytest config lives there."""
    if not rootdir:
        return ""
    resolved = str(Path(rootdir).resolve())
    if not resolved.startswith(root + os.sep):
        return ""
    return Path(resolved[len(root) + 1 :]).as_posix() + "/"


def _tail(log: Path, lines: int = 15) -> str:
    try:
        text = log.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return "(no output)"
    return "\n".join(text.strip().splitlines()[-lines:]) or "(no output)"


def to_data(cmap: CoverageMap) -> dict[str, object]:
    """A JSON-able form of the map, for the cache."""
    return {
        "lines": {p: {str(n): sorted(c) for n, c in by.items()} for p, by in cmap.lines.items()},
        "tests": {t: [r.outcome, r.duration] for t, r in cmap.tests.items()},
        "seconds": cmap.seconds,
        "exit_code": cmap.exit_code,
    }


def from_data(data: Mapping[str, object]) -> CoverageMap | None:
    """The map `to_data` wrote; None when the shape is not that (an old or damaged entry)."""
    try:
        raw_lines = data["lines"]
        raw_tests = data["tests"]
        if not isinstance(raw_lines, dict) or not isinstance(raw_tests, dict):
            return None
        lines = {
            str(p): {int(n): frozenset(map(str, c)) for n, c in by.items()}
            for p, by in raw_lines.items()
        }
        tests = {str(t): TestRecord(str(t), str(o), float(d)) for t, (o, d) in raw_tests.items()}
        seconds = data["seconds"]
        code = data["exit_code"]
        if not isinstance(seconds, int | float) or not isinstance(code, int):
            return None
        return CoverageMap(lines, tests, float(seconds), code)
    except (KeyError, TypeError, ValueError, AttributeError):
        return None
