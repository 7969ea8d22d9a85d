"""Running one mutant's tests in a worker's private copy.

A worker owns one copy of the project and one long-lived fork server (`_support/
prodready_mutate_worker.py`) started in that copy. For each mutant it writes the mutated
file, asks the server to run the selected tests, and puts the original bytes back before
the next mutant, whatever happened. Where `os.fork` does not exist, each run is a fresh
`python -m pytest` process instead: slower, same results.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from prodready.mutate.coverage_map import PLUGIN, SESSION, SUPPORT, test_environment
from prodready.mutate.operators import Mutant

# Stop at the first failing test: one failure is enough to call the mutant killed.
PYTEST_ARGS = ("-x", "-q", "--no-header", "-p", "no:cacheprovider", "-p", PLUGIN)
CAN_FORK = hasattr(os, "fork") and sys.platform != "win32"


@dataclass(frozen=True)
class Job:
    mutant: Mutant
    original: bytes  # the file's bytes at head, restored after the run
    tests: tuple[str, ...]  # node ids, fastest first
    timeout: float
    # the functions around the mutant, outermost first, as (qualname, first line): what a
    # session worker swaps code objects of. None: code run at import, a fresh process only
    chain: tuple[tuple[str, int], ...] | None = None


@dataclass(frozen=True)
class RunResult:
    status: str  # killed | survived | timeout | error | fallback (session worker only)
    seconds: float
    detail: str | None = None  # for errors: what pytest said


def status_of(exit_code: int | None, timed_out: bool) -> str:
    """pytest's exit code, read as a verdict on the mutant.

    1 (tests failed) and 2 (collection interrupted, e.g. the mutant breaks an import) mean
    a test noticed; a negative code is a crash the mutant caused, also noticed. 0 means
    every selected test passed. 3 (internal error), 4 (usage, e.g. a node id not found)
    and 5 (nothing collected) say nothing about the mutant."""
    if timed_out:
        return "timeout"
    if exit_code == 0:
        return "survived"
    if exit_code in (1, 2) or (exit_code is not None and exit_code < 0):
        return "killed"
    return "error"


class Worker:
    def __init__(
        self, python: str, copy: Path, logs: Path, index: int, options: Sequence[str] = ()
    ) -> None:
        self.python = python
        self.options = tuple(options)  # the user's pytest options (`--name=value`), no paths
        self.copy = copy
        self.log = logs / f"worker-{index}.log"
        self.env = test_environment(copy)
        self.executions = 0
        self.runs = 0  # mutants judged here
        self._stamp = 0  # mutants written so far: each gets its own modification time
        self._server: subprocess.Popen[str] | None = None
        if CAN_FORK:
            self._server = subprocess.Popen(
                [python, str(SUPPORT / "prodready_mutate_worker.py")],
                cwd=copy,
                env=self.env,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
                bufsize=1,
            )

    def run(self, job: Job) -> RunResult:
        target = self.copy / job.mutant.path
        mutated = job.mutant.apply(job.original.decode("utf-8")).encode("utf-8")
        original = target.stat()
        self._stamp += 1
        target.write_bytes(mutated)
        # Python trusts a cached .pyc whose recorded source mtime (whole seconds) and size
        # match: each mutant gets a whole-second mtime no other version of the file had.
        stamp = (original.st_mtime_ns // 1_000_000_000 + 3600 + self._stamp) * 1_000_000_000
        os.utime(target, ns=(stamp, stamp))
        try:
            args = [*job.tests, *PYTEST_ARGS, *self.options]
            if self._server is not None:
                code, timed_out, seconds, ran = self._ask(args, job.timeout)
            else:
                code, timed_out, seconds, ran = self._spawn(args, job.timeout)
            # a run killed before its plugin wrote the count: the selection is the bound
            self.executions += len(job.tests) if ran is None else ran
            self.runs += 1
        finally:
            target.write_bytes(job.original)
            os.utime(target, ns=(original.st_atime_ns, original.st_mtime_ns))
        status = status_of(code, timed_out)
        detail = _tail(self.log) if status == "error" else None
        return RunResult(status, seconds, detail)

    def _ask(
        self, args: Sequence[str], timeout: float
    ) -> tuple[int | None, bool, float, int | None]:
        server = self._server
        assert server is not None and server.stdin is not None and server.stdout is not None
        request = {"args": list(args), "log": str(self.log), "timeout": timeout}
        server.stdin.write(json.dumps(request) + "\n")
        server.stdin.flush()
        line = server.stdout.readline()
        if not line:
            raise RuntimeError(f"the test worker in {self.copy} stopped unexpectedly")
        reply = json.loads(line)
        return reply["exit"], bool(reply["timeout"]), float(reply["seconds"]), reply["tests"]

    def _spawn(
        self, args: Sequence[str], timeout: float
    ) -> tuple[int | None, bool, float, int | None]:
        start = time.monotonic()
        count = Path(f"{self.log}.count")
        count.unlink(missing_ok=True)
        with self.log.open("wb") as fh:
            proc = subprocess.Popen(
                [self.python, "-m", "pytest", *args],
                cwd=self.copy,
                env={**self.env, "PRODREADY_MUTATE_COUNT": str(count), "PRODREADY_MUTANT": "1"},
                stdout=fh,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
            try:
                code: int | None = proc.wait(timeout=timeout)
                timed_out = False
            except subprocess.TimeoutExpired:
                _kill_tree(proc)
                code, timed_out = None, True
        try:
            ran: int | None = int(count.read_text(encoding="utf-8").strip() or 0)
        except (OSError, ValueError):
            ran = None
        return code, timed_out, time.monotonic() - start, ran

    def close(self) -> None:
        """Stop the server and any test process it is running (also on interrupt)."""
        _stop_server(self._server)
        self._server = None


def _stop_server(server: subprocess.Popen[str] | None) -> None:
    """Stop a worker or session server; its SIGTERM handler kills the test process group it
    is running first. Closing twice, or a server that already died, is fine."""
    if server is None:
        return
    with contextlib.suppress(OSError):
        server.terminate()
    try:
        server.wait(timeout=5)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()
    for stream in (server.stdin, server.stdout):
        with contextlib.suppress(OSError):
            if stream is not None:
                stream.close()


def _kill_tree(proc: subprocess.Popen[bytes]) -> None:
    if hasattr(os, "killpg"):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)
    else:  # pragma: no cover - Windows
        proc.kill()
    proc.wait()


def _tail(log: Path, lines: int = 8) -> str:
    try:
        text = log.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return "(no output)"
    return "\n".join(text.strip().splitlines()[-lines:]) or "(no output)"


class SessionWorker:
    """A pytest session in a copy that has collected the suite once and judges each mutant
    in a fork, with the mutated function's code swapped in (`_support/
    prodready_mutate_session.py`). Much cheaper per mutant than a fresh process; mutants it
    cannot apply come back as ``fallback`` for a `Worker` to run."""

    def __init__(
        self,
        python: str,
        copy: Path,
        logs: Path,
        index: int,
        targets: Sequence[str],
        pytest_args: Sequence[str] = (),
    ) -> None:
        self.copy = copy
        self.log = logs / f"session-{index}.log"
        self.executions = 0
        self.runs = 0  # mutants judged here (fallbacks not counted)
        self.ready = False
        env = test_environment(
            copy, {"PRODREADY_MUTATE_TARGETS": os.pathsep.join(str(copy / t) for t in targets)}
        )
        self._out = (logs / f"session-{index}.out").open("wb")
        self._server: subprocess.Popen[str] | None = subprocess.Popen(
            [python, "-m", "pytest", "-p", SESSION, "-p", "no:cacheprovider", "-q", *pytest_args],
            cwd=copy,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._out,
            text=True,
            bufsize=1,
        )

    def wait_ready(self) -> bool:
        """Whether the session collected the suite and serves; False: use fresh processes."""
        server = self._server
        if server is None or server.stdout is None:
            return False
        line = server.stdout.readline()
        try:
            self.ready = bool(json.loads(line).get("ready")) if line else False
        except json.JSONDecodeError:
            self.ready = False
        if not self.ready:
            self.close()
        return self.ready

    def run(self, job: Job) -> RunResult:
        server = self._server
        assert server is not None and server.stdin is not None and server.stdout is not None
        source = job.mutant.apply(job.original.decode("utf-8"))
        request = {
            "path": str(self.copy / job.mutant.path),
            "source": source,
            "chain": [list(c) for c in job.chain or ()],
            "tests": list(job.tests),
            "timeout": job.timeout,
            "log": str(self.log),
        }
        server.stdin.write(json.dumps(request) + "\n")
        server.stdin.flush()
        line = server.stdout.readline()
        if not line:
            raise RuntimeError(f"the test session in {self.copy} stopped unexpectedly")
        reply = json.loads(line)
        if reply["fallback"]:
            return RunResult("fallback", 0.0)
        ran = reply["tests"]
        self.executions += len(job.tests) if ran is None else int(ran)
        self.runs += 1
        status = status_of(reply["exit"], bool(reply["timeout"]))
        detail = "the test session failed (exit 3)" if status == "error" else None
        return RunResult(status, float(reply["seconds"]), detail)

    def close(self) -> None:
        _stop_server(self._server)
        self._server = None
        with contextlib.suppress(OSError):
            self._out.close()
