"""pytest plugin that records, once for the whole suite, which test ran which line.

It runs inside the project's own Python environment (possibly not prodready's: `--python`),
so it imports nothing from prodready; only pytest and coverage.py. Coverage starts before
the initial conftests are loaded, so lines run at import time are measured too, and each
test is measured under its own dynamic context (its node id) covering setup, call and
teardown: a fixture that calls production code counts for the test that uses it. Lines
run while collecting carry the empty context.

The result is one JSON file: for each measured file, line -> node ids; for each test, its
outcome and duration, so the runner can leave out failing tests and size timeouts.

In a mutant's run (`PRODREADY_MUTATE_COUNT` set) it only counts the tests that ran — with
`-x` pytest stops at the first failure, so the selection's size overstates the work.
"""

from __future__ import annotations

import json
import os
from collections.abc import Generator
from typing import Any

import pytest

_OUT = "PRODREADY_MUTATE_OUT"
_INCLUDE = "PRODREADY_MUTATE_INCLUDE"
_COUNT = "PRODREADY_MUTATE_COUNT"
_executed = 0


class _Recorder:
    def __init__(self, out: str, include: list[str]) -> None:
        import coverage

        self.out = out
        self.include = include
        self.cov = coverage.Coverage(
            data_file=None, include=include, branch=False, config_file=False
        )
        self.tests: dict[str, dict[str, Any]] = {}
        self.rootdir = ""
        self.cov.start()

    def switch(self, context: str) -> None:
        self.cov.switch_context(context)

    def report(self, rep: pytest.TestReport) -> None:
        entry = self.tests.setdefault(rep.nodeid, {"duration": 0.0, "outcome": "passed"})
        entry["duration"] += rep.duration
        if rep.failed:
            entry["outcome"] = "failed"
        elif rep.skipped and entry["outcome"] == "passed" and rep.when != "teardown":
            entry["outcome"] = "skipped"
        if rep.when == "call" and hasattr(rep, "wasxfail"):
            entry["outcome"] = "xfail"

    def finish(self) -> None:
        self.cov.stop()
        data = self.cov.get_data()
        files: dict[str, dict[str, list[str]]] = {}
        for path in sorted(data.measured_files()):
            by_line = data.contexts_by_lineno(path)
            files[path] = {str(line): sorted(set(ctx)) for line, ctx in sorted(by_line.items())}
        tmp = self.out + ".tmp"
        with open(tmp, "w", encoding="utf-8") as fh:
            json.dump({"files": files, "tests": self.tests, "rootdir": self.rootdir}, fh)
        os.replace(tmp, self.out)


_recorder: _Recorder | None = None


@pytest.hookimpl(tryfirst=True)
def pytest_load_initial_conftests(early_config: pytest.Config, parser: Any, args: Any) -> None:
    global _recorder
    out = os.environ.get(_OUT)
    if out and _recorder is None:
        include = [p for p in os.environ.get(_INCLUDE, "").split(os.pathsep) if p]
        _recorder = _Recorder(out, include)


def pytest_configure(config: pytest.Config) -> None:
    # node ids are relative to the rootdir, which may be below the directory pytest ran in
    if _recorder is not None:
        _recorder.rootdir = str(config.rootpath)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: Any) -> Generator[None, None, None]:
    if _recorder is not None:
        _recorder.switch(item.nodeid)
    yield
    if _recorder is not None:
        _recorder.switch("")


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    global _executed
    if _recorder is not None:
        _recorder.report(report)
    if report.when == "call" or (report.when == "setup" and not report.passed):
        _executed += 1


@pytest.hookimpl(trylast=True)
def pytest_unconfigure(config: pytest.Config) -> None:
    global _recorder
    count = os.environ.get(_COUNT)
    if count:
        with open(count, "w", encoding="utf-8") as fh:
            fh.write(str(_executed))
    if _recorder is not None:
        _recorder.finish()
        _recorder = None
