"""A fork server that runs pytest for one mutant at a time in a project copy.

Started once per worker copy, in the project's Python environment (it imports nothing from
prodready). It imports pytest once and then, for each request, forks: the child runs
`pytest.main` in its own process group, so the project's modules are imported fresh and
see the mutated file, while the interpreter start and pytest's import are paid once per
worker instead of once per mutant. A child that outlives its timeout is killed with its
whole process group (tests that start servers or subprocesses included).

Protocol: one JSON object per line on stdin, ``{"args": [...], "log": PATH, "timeout": S}``;
one JSON line back per request on the original stdout, ``{"exit": N | null, "timeout":
bool, "seconds": S, "tests": N}`` (tests: how many ran, counted by the plugin). Everything
pytest prints goes to the request's log file.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import shutil
import signal
import sys
import tempfile
import time
from collections.abc import Callable
from typing import Any

import pytest


def _child(args: list[str], log: str) -> None:
    os.setpgid(0, 0)
    os.environ["PRODREADY_MUTATE_COUNT"] = log + ".count"
    os.environ["PRODREADY_MUTANT"] = "1"  # tests may tell a mutant's run from a normal one
    fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.dup2(fd, 1)
    os.dup2(fd, 2)
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    code = 3
    try:
        code = int(pytest.main(args))
    except BaseException:  # anything escaping pytest is an error result, never a hang
        code = 3
    finally:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(code)


def _wait(pid: int, timeout: float) -> tuple[int | None, bool]:
    deadline = time.monotonic() + timeout
    delay = 0.0005
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return os.waitstatus_to_exitcode(status), False
        if time.monotonic() >= deadline:
            _kill_group(pid)
            os.waitpid(pid, 0)
            return None, True
        time.sleep(delay)
        delay = min(delay * 2, 0.02)


def _kill_group(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, signal.SIGKILL)


_running: list[int] = []


def _forget(path: str) -> None:
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)


def _count(log: str) -> int | None:
    """Tests the child ran, as its plugin wrote them; None if it died before writing."""
    try:
        with open(log + ".count", encoding="utf-8") as fh:
            return int(fh.read().strip() or 0)
    except (OSError, ValueError):
        return None


def _stop(signum: int, frame: object) -> None:
    """Asked to stop (the run was interrupted): take the running test process group too."""
    for pid in _running:
        _kill_group(pid)
    os._exit(1)


def _warm_up() -> None:
    """Run one trivial session before the first fork, outside the project: pytest's own
    modules and its plugins (some import heavy libraries only once a session starts) are
    then loaded once here and inherited by every child, not imported per mutant. The
    project's modules are not imported: children must see the mutated files."""
    here = os.getcwd()
    scratch = tempfile.mkdtemp(prefix="prodready-warm-")
    try:
        with open(os.path.join(scratch, "test_prodready_warm_up.py"), "w") as fh:
            fh.write("def test_warm_up():\n    pass\n")
        os.chdir(scratch)
        # warming is an optimisation: whatever goes wrong here, the real runs will tell
        with contextlib.suppress(Exception):  # prodready: ignore[PR103] an optimisation
            pytest.main([scratch, "-q", "-p", "no:cacheprovider", "--rootdir", scratch])
    finally:
        os.chdir(here)
        shutil.rmtree(scratch, ignore_errors=True)
        sys.modules.pop("test_prodready_warm_up", None)


def main() -> None:
    signal.signal(signal.SIGTERM, _stop)
    reply = os.fdopen(os.dup(1), "w", buffering=1, encoding="utf-8")
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when to stop
    _warm_up()
    for raw in sys.stdin:
        request = json.loads(raw)
        log = str(request["log"])
        args = list(request["args"])
        answer = run_forked(functools.partial(_child, args, log), log, float(request["timeout"]))
        reply.write(json.dumps(answer) + "\n")


def run_forked(child: Callable[[], None], log: str, timeout: float) -> dict[str, Any]:
    """Fork, run `child` (which must end the process) in its own process group, wait up to
    `timeout`, and say how it ended: exit code or timeout, seconds, tests it counted in
    `log`.count. Shared with the session server (prodready_mutate_session.py)."""
    _forget(log + ".count")
    start = time.monotonic()
    pid = os.fork()
    if pid == 0:
        child()
        os._exit(3)  # `child` must not return
    _running.append(pid)
    with contextlib.suppress(OSError):
        os.setpgid(pid, pid)  # also here: the child may not have run yet
    code, timed_out = _wait(pid, timeout)
    _running.remove(pid)
    seconds = round(time.monotonic() - start, 4)
    return {"exit": code, "timeout": timed_out, "seconds": seconds, "tests": _count(log)}


if __name__ == "__main__":
    main()
