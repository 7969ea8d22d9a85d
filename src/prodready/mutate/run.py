"""`prodready mutate`: do the tests of a change notice small defects in it?

The only module that wires mutation testing together: the change's executable lines (the
gate's own analysis), mutants on those lines, one run of the suite under per-test coverage
in a private copy of head, then each mutant judged by only the tests that run its line, in
parallel workers, with results remembered by content.
"""

from __future__ import annotations

import ast
import bisect
import os
import queue
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from prodready.gate import git
from prodready.gate.change import build_change
from prodready.mutate import coverage_map
from prodready.mutate.cache import MutateCache, TreeDigests
from prodready.mutate.coverage_map import COLLECTION, CoverageMap
from prodready.mutate.execute import CAN_FORK, Job, RunResult, SessionWorker, Worker
from prodready.mutate.operators import Mutant, generate
from prodready.mutate.report import MutantResult, MutationReport
from prodready.mutate.workspace import clone_copy, export_commit, scratch_directory

# (phase, done, total): phase is "coverage" (total None) or "mutants".
Progress = Callable[[str, int, int | None], None]


@dataclass(frozen=True)
class MutateOptions:
    base: str
    head: str = "HEAD"
    jobs: int | None = None  # None: all cores
    timeout_factor: float = 3.0
    python: str | None = None  # None: the interpreter prodready runs in
    use_cache: bool = True
    cache_dir: Path | None = None
    # passed to pytest: options (`--name=value`) to every run, test paths to the runs that
    # collect the suite (the coverage run and the sessions) — e.g. a monorepo's
    # `--rootdir=backend` and `backend/tests`
    pytest_args: Sequence[str] = field(default=())
    # every mutant in a fresh pytest process, never in the collected session: slower, for
    # suites whose tests depend on state that a forked session would share
    fresh_process: bool = False


@dataclass
class _Plan:
    """What to do with each mutant: a result already known, or a job to run."""

    results: dict[int, MutantResult] = field(default_factory=dict)
    jobs: dict[int, Job] = field(default_factory=dict)
    keys: dict[int, str] = field(default_factory=dict)


def run_mutate(
    root: Path, options: MutateOptions, progress: Progress | None = None
) -> MutationReport:
    started = time.monotonic()
    root = git.repo_root(root)
    base_sha = git.resolve(root, options.base)
    head_sha = git.resolve(root, options.head)
    fork = git.merge_base(root, base_sha, head_sha)
    change = build_change(root, base_sha, head_sha)
    # absolute, for runs that start in the copies; not resolved: a venv's python is a symlink
    # whose own location is what selects the venv
    python = os.path.abspath(options.python) if options.python else sys.executable
    jobs = max(1, options.jobs or os.cpu_count() or 1)
    notes = [
        f"{path}: not mutated, {e.reason}" for path, e in change.executable.items() if e.fallback
    ]
    sources: dict[str, bytes] = {}
    texts: dict[str, str] = {}
    for path, e in sorted(change.executable.items()):
        data = git.show(root, head_sha, path) if e.lines and not e.fallback else None
        if data is None:
            continue
        try:
            texts[path] = data.decode("utf-8")
        except UnicodeDecodeError:
            notes.append(f"{path}: not mutated, not UTF-8")
            continue
        sources[path] = data
    report = MutationReport(
        base=base_sha,
        head=head_sha,
        merge_base=fork,
        jobs=jobs,
        changed_lines=change.changed_executable_lines,
    )
    if not sources:
        why = "the change has no executable production Python lines to mutate"
        return _finish(report, [], 0, 0.0, started, [*notes, why])
    mutants: list[Mutant] = []

    def make_mutants() -> None:
        for path, text in texts.items():
            mutants.extend(generate(path, text, change.executable[path].lines))

    cache = MutateCache(options.cache_dir) if options.use_cache else None
    with scratch_directory() as scratch:
        first = export_commit(root, head_sha, scratch / "copy-0")
        # what runs the tests is part of every result's key: the interpreter and pytest's args
        digests = TreeDigests(first, "\0".join([python, *options.pytest_args]))
        logs = scratch / "logs"
        logs.mkdir()
        key = _coverage_key(digests, python, sorted(sources), options)
        known = _known_coverage(cache, key)
        workers = _Workers(python, first, scratch, logs, sorted(sources), options)
        try:
            if known is None:
                # Everything that does not need the coverage map happens while it is
                # measured: the workers' copies are made, their sessions collect the suite
                # and the mutants are made.
                workers.start(jobs)
                if progress:
                    progress("coverage", 0, None)
                cmap = coverage_map.collect(
                    python,
                    first,
                    sorted(sources),
                    scratch / "coverage.log",
                    options.pytest_args,
                    alongside=make_mutants,
                )
                if cache is not None:
                    cache.remember_coverage(key, coverage_map.to_data(cmap))
            else:
                cmap = known
                make_mutants()
            if not mutants:
                notes.append("no mutation operator applies to the changed lines")
                return _finish(report, [], 0, 0.0, started, notes)
            plan = _plan(mutants, sources, cmap, digests, cache, options.timeout_factor)
            if plan.jobs:
                workers.start(min(jobs, len(plan.jobs)))
            counts, ran = _execute(
                python,
                workers.copies,
                logs,
                plan,
                workers.sessions,
                progress,
                options.pytest_args,
            )
        finally:
            workers.close()
        if not cmap.tests:
            notes.append("pytest collected no tests in a copy of head")
        elif not any(cmap.lines.get(p) for p in sources):
            notes.append(
                "no test ran the changed files from the copy of head: if the project is "
                "installed (not editable) in this environment, its tests may import the "
                "installed code instead"
            )
        if cache is not None:
            cache.remember({plan.keys[i]: (r.status, r.seconds) for i, r in ran.items()})
            cache.close()
        results = {**plan.results, **ran}
    failing = cmap.failing
    if failing:
        notes.append(f"{len(failing)} test(s) fail at head without any mutant; they were not used")
    ordered = [results[i] for i in range(len(mutants))]
    report = MutationReport(
        base=base_sha,
        head=head_sha,
        merge_base=fork,
        jobs=jobs,
        changed_lines=change.changed_executable_lines,
        coverage_seconds=cmap.seconds,
        failing_tests=failing,
    )
    report = replace(report, session_runs=counts["session"], process_runs=counts["process"])
    return _finish(report, ordered, counts["executions"], cmap.seconds, started, notes)


def _finish(
    report: MutationReport,
    results: list[MutantResult],
    executions: int,
    coverage_seconds: float,
    started: float,
    notes: list[str],
) -> MutationReport:
    return replace(
        report,
        mutants=tuple(results),
        test_executions=executions,
        seconds=time.monotonic() - started,
        coverage_seconds=coverage_seconds,
        notes=tuple(notes),
    )


def _coverage_key(
    digests: TreeDigests, python: str, files: list[str], options: MutateOptions
) -> str:
    return f"{digests.everything}\0{python}\0{' '.join(files)}\0{' '.join(options.pytest_args)}"


def _known_coverage(cache: MutateCache | None, key: str) -> CoverageMap | None:
    data = cache.coverage(key) if cache is not None else None
    return coverage_map.from_data(data) if data is not None else None


class _Workers:
    """The copies the mutants run in (the first is the exported head) and, unless every
    mutant must run in a fresh process, one collected pytest session per copy."""

    def __init__(
        self,
        python: str,
        first: Path,
        scratch: Path,
        logs: Path,
        targets: list[str],
        options: MutateOptions,
    ) -> None:
        self.python = python
        self.scratch = scratch
        self.logs = logs
        self.targets = targets
        self.options = options
        self.copies: list[Path] = [first]
        self.sessions: list[SessionWorker] = []

    def start(self, count: int) -> None:
        """At least `count` copies, each with its session (started, not awaited)."""
        while len(self.copies) < count:
            index = len(self.copies)
            self.copies.append(clone_copy(self.copies[0], self.scratch / f"copy-{index}"))
        if self.options.fresh_process or not CAN_FORK:  # sessions judge mutants in forks
            return
        while len(self.sessions) < len(self.copies):
            index = len(self.sessions)
            self.sessions.append(
                SessionWorker(
                    self.python,
                    self.copies[index],
                    self.logs,
                    index,
                    self.targets,
                    self.options.pytest_args,
                )
            )

    def close(self) -> None:
        for session in self.sessions:
            session.close()


def _plan(
    mutants: list[Mutant],
    sources: dict[str, bytes],
    cmap: CoverageMap,
    digests: TreeDigests,
    cache: MutateCache | None,
    factor: float,
) -> _Plan:
    plan = _Plan()
    passing = cmap.passing
    by_duration = sorted(passing, key=lambda t: (cmap.tests[t].duration, t))
    trees = {path: _parse(data) for path, data in sources.items()}
    runtime = {path: _function_bodies(tree) for path, tree in trees.items()}
    # Time the whole run spent outside the tests themselves (start-up, collection): a
    # mutant's run pays a share of it, so its timeout allows for all of it.
    overhead = max(1.0, cmap.seconds - sum(t.duration for t in cmap.tests.values()))
    for i, m in enumerate(mutants):
        contexts = cmap.contexts(m.path, m.statement_line) or cmap.contexts(m.path, m.line)
        tests = sorted(contexts & passing, key=lambda t: (cmap.tests[t].duration, t))
        at_import = bool(contexts) and (
            COLLECTION in contexts or not _inside(runtime[m.path], m.line)
        )
        if at_import:
            # Run when a module is imported (module level, class bodies, decorators and
            # what they call) — during collection or by whichever test imported it first.
            # Every test may depend on it: the tests that ran it first, then the rest of
            # the suite, each time in a fresh process that imports the mutant.
            chosen = set(tests)
            tests += [t for t in by_duration if t not in chosen]
        if not tests:
            why = "only failing tests run this line" if contexts - {COLLECTION} else None
            plan.results[i] = _result(m, "uncovered", (), detail=why)
            continue
        key = digests.mutant_key(m.id, tests)
        known = cache.result(key) if cache is not None else None
        if known is not None:
            plan.results[i] = _result(m, known[0], tuple(tests), known[1], cached=True)
            continue
        budget = sum(cmap.tests[t].duration for t in tests)
        plan.keys[i] = key
        chain = None if at_import else _chain(trees[m.path], m.line)
        timeout = factor * (budget + overhead) + 1.0
        plan.jobs[i] = Job(m, sources[m.path], tuple(tests), timeout, chain)
    return plan


def _parse(source: bytes) -> ast.Module | None:
    try:
        return ast.parse(source)
    except (SyntaxError, ValueError):
        return None


def _function_bodies(tree: ast.Module | None) -> list[tuple[int, int]]:
    """Sorted, merged line spans of function bodies: code that runs when called. The rest
    (module level, class bodies, decorators, default values) runs when imported."""
    if tree is None:
        return []
    spans = sorted(
        (node.body[0].lineno, node.end_lineno or node.body[-1].lineno)
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
    )
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _chain(tree: ast.Module | None, line: int) -> tuple[tuple[str, int], ...] | None:
    """The functions whose body holds `line`, outermost first, named as their code objects
    are (`co_qualname`, `co_firstlineno`: the first decorator's line when decorated). None
    when the line runs at import (outside every function body, or in the decorators or
    defaults of one)."""
    if tree is None:
        return None
    chain: list[tuple[str, int]] = []
    scope: list[str] = []
    body: list[ast.stmt] = tree.body
    while True:
        for node in body:
            if not (node.lineno <= line <= (node.end_lineno or node.lineno)):
                continue
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                if not (node.body[0].lineno <= line):
                    return None  # decorators, defaults, annotations: run at import
                first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
                chain.append((".".join([*scope, node.name]), first))
                scope += [node.name, "<locals>"]
                body = node.body
                break
            if isinstance(node, ast.ClassDef):
                scope.append(node.name)
                body = node.body
                break
            return tuple(chain) or None
        else:
            return tuple(chain) or None


def _inside(spans: list[tuple[int, int]], line: int) -> bool:
    i = bisect.bisect_right(spans, (line, sys.maxsize)) - 1
    return i >= 0 and spans[i][0] <= line <= spans[i][1]


def _result(
    m: Mutant,
    status: str,
    tests: tuple[str, ...],
    seconds: float = 0.0,
    *,
    cached: bool = False,
    detail: str | None = None,
) -> MutantResult:
    return MutantResult(
        path=m.path,
        line=m.line,
        operator=m.operator,
        original=m.original,
        mutated=m.mutated,
        status=status,
        tests=tests,
        seconds=seconds,
        cached=cached,
        detail=detail,
    )


def _execute(
    python: str,
    copies: Sequence[Path],
    logs: Path,
    plan: _Plan,
    started_sessions: Sequence[SessionWorker],
    progress: Progress | None,
    pytest_args: Sequence[str] = (),
) -> tuple[dict[str, int], dict[int, MutantResult]]:
    """Run the planned jobs on one worker per copy; return the number of test executions
    (and of mutants judged in sessions and in fresh processes) and the results. Each
    worker judges a mutant in its collected pytest session (`started_sessions`, one per
    copy, none with --fresh-process) when it can, in a fresh pytest process otherwise. On
    an interrupt, every worker and its running tests are stopped before the exception
    goes on."""
    if not plan.jobs:
        return {"executions": 0, "session": 0, "process": 0}, {}
    count = min(len(copies), len(plan.jobs))
    # a mutant's own run names its tests: the user's test paths would widen it
    pytest_options = [a for a in pytest_args if a.startswith("-")]
    sessions: list[SessionWorker | None] = [None] * count
    fresh: list[Worker | None] = [None] * count
    wants_session = any(j.chain for j in plan.jobs.values())
    todo: queue.Queue[int] = queue.Queue(maxsize=len(plan.jobs))  # filled once, up front
    # longest first: the slowest mutants should not be the last ones left on one worker
    for i in sorted(plan.jobs, key=lambda i: -plan.jobs[i].timeout):
        todo.put(i)
    ran: dict[int, MutantResult] = {}
    failures: list[BaseException] = []
    lock = threading.Lock()
    stop = threading.Event()
    total = len(plan.jobs)

    def judge(slot: int, job: Job) -> RunResult:
        session = sessions[slot]
        if session is not None and job.chain:
            outcome = session.run(job)
            if outcome.status != "fallback":
                return outcome
        worker = fresh[slot]
        if worker is None:
            worker = fresh[slot] = Worker(python, copies[slot], logs, slot, pytest_options)
        return worker.run(job)

    def work(slot: int) -> None:
        if wants_session and slot < len(started_sessions):
            session = started_sessions[slot]
            sessions[slot] = session if session.wait_ready() else None
        while not stop.is_set():
            try:
                i = todo.get_nowait()
            except queue.Empty:
                return
            job = plan.jobs[i]
            try:
                outcome = judge(slot, job)
            except BaseException as exc:  # a broken worker stops the run, reported below
                with lock:
                    failures.append(exc)
                stop.set()
                return
            with lock:
                ran[i] = _result(
                    job.mutant, outcome.status, job.tests, outcome.seconds, detail=outcome.detail
                )
                done = len(ran)
            if progress:
                progress("mutants", done, total)

    if progress:
        progress("mutants", 0, total)
    threads = [threading.Thread(target=work, args=(slot,), daemon=True) for slot in range(count)]
    try:
        for t in threads:
            t.start()
        while any(t.is_alive() for t in threads):
            for t in threads:
                t.join(timeout=0.1)
    finally:
        stop.set()
        for w in [*sessions, *fresh]:
            if w is not None:
                w.close()
        # a thread still restoring a file must be done before the copies are removed
        for t in threads:
            t.join(timeout=10)
    if failures:
        raise failures[0]
    counts = {
        "executions": sum(w.executions for w in [*sessions, *fresh] if w is not None),
        "session": sum(w.runs for w in sessions if w is not None),
        "process": sum(w.runs for w in fresh if w is not None),
    }
    return counts, ran
