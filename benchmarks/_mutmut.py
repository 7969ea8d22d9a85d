"""mutmut, the competitor of `prodready mutate`, run on the same change as fairly as it allows.

mutmut 3 mutates whole functions, not lines: it rewrites every function in its
`source_paths` into a trampoline plus one copy per mutant under `mutants/`, runs the full
test suite once to learn which tests reach which function, then runs each mutant against
the tests of its function. It has no notion of a git change. The closest it comes is the
mutant-name patterns that `mutmut run` accepts (`humanize.number.x_intword__mutmut_*`), so
it is restricted here to the functions that contain a changed line, and its `only_mutate`
setting limits mutant generation to the changed files. Lines outside any function (module
level, class bodies) and decorated functions (other than `@staticmethod`/`@classmethod`)
are never mutated by mutmut 3; they are reported in `MutmutResult.unmutatable_lines`.
Within those functions mutmut also mutates the unchanged lines; each mutant is marked
`on_changed_line` so the benchmark can compare like with like, and `changed_lines_only`
goes one step further by naming mutmut exactly the mutants on changed lines.

How mutmut spends its test runs, for reading the numbers: one traced run of the whole
suite (`stats`), one run of the selected functions' tests (`clean`), one forced-fail run
that stops at the first failure, then per mutant every test that reached its function in
the stats run (directly or through other functions), fastest first, stopping at the first
failure (`-x`). All of them happen in one process or forks of it, so a test that is not
idempotent within a process fails the clean run (see `_mutate_project.DESELECTED`).

mutmut runs pytest in its own process (`pytest.main`, then `os.fork` per mutant), so it must
be installed next to the project's test dependencies. It gets a venv of its own
(`benchmarks/.work/mutmut-venv`) with the test venv's exact `pip freeze` as constraints, so
it runs the same pytest while prodready's test venv stays free of mutmut's dependencies
(libcst, textual, click, setproctitle).

mutmut does not say how many tests it ran. A ten-line pytest plugin, loaded through
mutmut's `pytest_add_cli_args`, appends one line per finished test item
(`pytest_runtest_logfinish`) to a file, tagged with mutmut's `MUTANT_UNDER_TEST` variable:
`stats` for the full coverage run, empty for the clean run, `fail` for the forced-fail
check, the mutant's name otherwise. Appends from the forked workers are atomic (one short
`O_APPEND` write each), so nothing is lost to concurrency.
"""

from __future__ import annotations

import ast
import json
import os
import re
import shutil
import subprocess
import sys
import time
import venv
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from _mutate_project import WORK, Project, frozen_test_requirements

VENV = WORK / "mutmut-venv"
REQUIREMENT = "mutmut>=3,<4"
MAX_CHILDREN = 2
COUNT_ENV = "PRODREADY_BENCH_TEST_LOG"
_PLUGIN = "_prodready_bench_count_tests"

_PLUGIN_SOURCE = f'''"""Counts the test items pytest finishes (written by benchmarks/_mutmut.py)."""

import os


def pytest_runtest_logfinish(nodeid, location):
    path = os.environ.get("{COUNT_ENV}")
    if path:
        phase = os.environ.get("MUTANT_UNDER_TEST", "")
        with open(path, "a", encoding="utf-8") as log:
            log.write(phase + "\\t" + nodeid + "\\n")
'''

# Run with mutmut's python in the checkout after `mutmut run`: the status and the diff of
# each mutant, through the same functions that `mutmut results` and `mutmut show` use, in
# one process instead of one `mutmut show` (about half a second of imports) per mutant.
_REPORT_SOURCE = """
import fnmatch, json, sys
from pathlib import Path
from mutmut.mutation.diff_apply import get_diff_for_mutant
from mutmut.stats import status_by_exit_code

paths, patterns = json.loads(sys.argv[1])
out = []
for path in paths:
    meta = json.loads((Path("mutants") / (path + ".meta")).read_text())
    for name, exit_code in meta["exit_code_by_key"].items():
        if any(fnmatch.fnmatch(name, p) for p in patterns):
            out.append({
                "name": name,
                "path": path,
                "exit_code": exit_code,
                "status": status_by_exit_code[exit_code],
                "diff": get_diff_for_mutant(name, path=path),
            })
print(json.dumps(out))
"""

# Run with mutmut's python in the configured checkout, before the timed run: every mutant
# mutmut will generate for the given files, with its diff, from the same function that
# `mutmut run` generates them with (so the names and numbering are the same). Lets the
# benchmark name exactly the mutants on changed lines, which mutmut cannot find by itself.
_LIST_SOURCE = """
import difflib, json, sys
from pathlib import Path
import libcst as cst
from mutmut.mutation.diff_apply import read_mutant_function, read_original_function
from mutmut.mutation.file_mutation import mutate_file_contents
from mutmut.utils.format_utils import get_mutant_name

out = []
for path in json.loads(sys.argv[1]):
    mutated = mutate_file_contents(path, Path(path).read_text())
    module = cst.parse_module(mutated.code)
    for generated in mutated.mutant_names:
        name = get_mutant_name(Path(path), generated)
        before, after = (
            cst.Module([f]).code.strip().split("\\n")
            for f in (read_original_function(module, name), read_mutant_function(module, name))
        )
        diff = difflib.unified_diff(before, after, fromfile=path, tofile=path, lineterm="")
        out.append({"name": name, "path": path, "diff": "\\n".join(diff), "status": "not run"})
print(json.dumps(out))
"""

_STATUS_WORDS = {
    "killed": "killed",
    "survived": "survived",
    "timeout": "timeout",
    "no tests": "uncovered",
    "segfault": "error",
    "suspicious": "error",
}


@dataclass(frozen=True)
class MutmutMutant:
    """One mutant of mutmut's, with the line it changed in the head revision.

    `status` is mapped to prodready's words (killed, survived, uncovered, timeout, error);
    `mutmut_status` is mutmut's own. `original` and `mutated` are the lines from mutmut's
    diff, stripped and joined with newlines when the mutation spans several.
    """

    name: str
    path: str
    line: int
    lines: tuple[int, ...]
    original: str
    mutated: str
    status: str
    mutmut_status: str
    on_changed_line: bool
    test_executions: int


@dataclass(frozen=True)
class MutmutResult:
    """One `mutmut run`.

    `test_executions` counts every test item pytest finished in any of mutmut's phases;
    `executions_by_phase` splits it into `stats` (the full suite, traced, to map tests to
    functions), `clean` (the selected functions' tests, unmutated), `forced_fail` (a run
    with every trampoline raising, to check that the tests see the mutants) and `mutants`.
    `patterns` are the arguments `mutmut run` got (function patterns, or mutant names with
    `changed_lines_only`); `unmutatable_lines` are changed lines that no mutmut function
    contains. `mutants` holds only the mutants those arguments selected.
    """

    version: str
    changed_lines_only: bool
    wall_seconds: float
    test_executions: int
    executions_by_phase: dict[str, int]
    patterns: tuple[str, ...]
    unmutatable_lines: dict[str, tuple[int, ...]]
    mutants: tuple[MutmutMutant, ...]
    log: Path

    def statuses(self, changed_lines_only: bool = False) -> Counter[str]:
        return Counter(
            m.status for m in self.mutants if m.on_changed_line or not changed_lines_only
        )


def mutmut_python() -> Path:
    """The python of mutmut's venv, made on first use with the test venv's packages pinned."""
    python = VENV / "bin" / "python"
    stamp = VENV / "requirements.txt"
    pinned = frozen_test_requirements()
    wanted = "\n".join([REQUIREMENT, *pinned]) + "\n"
    if python.exists() and stamp.is_file() and stamp.read_text() == wanted:
        return python
    if VENV.exists():
        shutil.rmtree(VENV)
    venv.create(VENV, with_pip=True)
    constraints = VENV / "constraints.txt"
    constraints.write_text("\n".join(pinned) + "\n")
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "-c", str(constraints), REQUIREMENT]
        + [line.split("==")[0] for line in pinned],
        check=True,
    )
    stamp.write_text(wanted)
    return python


def version() -> str:
    out = subprocess.run(
        [str(mutmut_python()), "-m", "pip", "show", "mutmut"], capture_output=True, text=True
    )
    found = re.search(r"^Version: (\S+)", out.stdout, re.MULTILINE)
    return found.group(1) if found else "unknown"


def run_mutmut(
    project: Project,
    functions_or_lines: Mapping[str, Iterable[int]] | Sequence[str],
    workdir: Path,
    max_children: int = MAX_CHILDREN,
    changed_lines_only: bool = False,
    timeout: float = 3600,
) -> MutmutResult:
    """Run mutmut on a fresh clone of the head, restricted to the functions given.

    `functions_or_lines` is either repo-relative path -> head line numbers (the changed
    lines; every function containing one is mutated) or mutmut name patterns as such.
    With lines and `changed_lines_only`, mutmut is instead given the exact names of the
    mutants that touch a changed line, listed beforehand with mutmut's own generator: the
    furthest mutmut can be restricted, though a user would need this benchmark's help to
    do it (the listing is not timed).

    `wall_seconds` covers the whole `mutmut run` (mutant generation, the stats run, the
    clean and forced-fail runs, the mutants), not the clone or the report afterwards.
    """
    python = mutmut_python()
    workdir = workdir.resolve()
    if workdir.exists():
        shutil.rmtree(workdir)
    checkout = workdir / "checkout"
    plugins = workdir / "plugins"
    plugins.mkdir(parents=True)
    (plugins / f"{_PLUGIN}.py").write_text(_PLUGIN_SOURCE)
    subprocess.run(
        ["git", "clone", "--quiet", "--no-checkout", str(project.repo), str(checkout)], check=True
    )
    subprocess.run(["git", "checkout", "--quiet", project.head], cwd=checkout, check=True)

    if isinstance(functions_or_lines, Mapping):
        changed = {path: set(lines) for path, lines in functions_or_lines.items()}
        patterns, unmutatable = _patterns_for_lines(checkout, changed)
        files = sorted(changed)
    else:
        changed = {}
        patterns, unmutatable = list(functions_or_lines), {}
        files = list(project.changed_files)
    if not patterns:
        raise SystemExit("no function of the change can be mutated by mutmut")
    _configure(checkout, project, files)
    if changed_lines_only and changed:
        listed = subprocess.run(
            [str(python), "-c", _LIST_SOURCE, json.dumps(files)],
            cwd=checkout,
            capture_output=True,
            text=True,
            check=True,
        )
        in_functions = [
            _mutant(checkout, entry, changed, Counter()) for entry in json.loads(listed.stdout)
        ]
        patterns = [m.name for m in in_functions if m.on_changed_line]
        if not patterns:
            raise SystemExit("mutmut generates no mutant on the changed lines")

    test_log = workdir / "tests-run.log"
    log = workdir / "mutmut-run.log"
    env = {key: value for key, value in os.environ.items() if key != "MUTANT_UNDER_TEST"}
    env.update({"PYTHONPATH": str(plugins), COUNT_ENV: str(test_log)})
    command = [str(python.parent / "mutmut"), "run", "--max-children", str(max_children)]
    started = time.perf_counter()
    with log.open("w") as out:
        run = subprocess.run(
            [*command, *patterns],
            cwd=checkout,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            timeout=timeout,
        )
    wall = time.perf_counter() - started
    if run.returncode != 0:
        raise SystemExit(f"mutmut run failed ({run.returncode}); see {log}")

    per_phase = Counter(
        line.split("\t", 1)[0] for line in test_log.read_text().splitlines() if line
    )
    report = subprocess.run(
        [str(python), "-c", _REPORT_SOURCE, json.dumps([files, patterns])],
        cwd=checkout,
        capture_output=True,
        text=True,
        check=True,
    )
    mutants = tuple(
        _mutant(checkout, entry, changed, per_phase) for entry in json.loads(report.stdout)
    )
    phases = {
        "stats": per_phase.get("stats", 0),
        "clean": per_phase.get("", 0),
        "forced_fail": per_phase.get("fail", 0),
    }
    phases["mutants"] = sum(per_phase.values()) - sum(phases.values())
    return MutmutResult(
        version=version(),
        changed_lines_only=changed_lines_only and bool(changed),
        wall_seconds=wall,
        test_executions=sum(per_phase.values()),
        executions_by_phase=phases,
        patterns=tuple(patterns),
        unmutatable_lines={path: tuple(sorted(lines)) for path, lines in unmutatable.items()},
        mutants=mutants,
        log=log,
    )


def _configure(checkout: Path, project: Project, files: Sequence[str]) -> None:
    """mutmut reads `[tool.mutmut]` from pyproject.toml in the directory it runs in."""
    pyproject = checkout / "pyproject.toml"
    text = pyproject.read_text()
    if "[tool.mutmut]" in text:
        raise SystemExit(f"{pyproject} already configures mutmut")
    settings = {
        "source_paths": [project.source_root + "/"],
        "only_mutate": list(files),
        "pytest_add_cli_args_test_selection": [project.tests_dir + "/"],
        "pytest_add_cli_args": ["-p", _PLUGIN],
    }
    lines = [f"{key} = {json.dumps(value)}" for key, value in settings.items()]
    pyproject.write_text(text.rstrip("\n") + "\n\n[tool.mutmut]\n" + "\n".join(lines) + "\n")


def _module_name(path: str) -> str:
    """The dotted module name mutmut gives `path` (it drops a leading `src.` and `__init__`)."""
    dotted = path.removesuffix(".py").replace("/", ".")
    dotted = dotted.removeprefix("src.")
    return dotted.removesuffix(".__init__")


def _functions(source: str) -> list[tuple[str | None, str, int, int, bool]]:
    """(class, name, first line, last line, mutable) of each function mutmut would consider:
    top-level functions and the methods of top-level classes, decorators included.
    """
    found = []

    def add(node: ast.FunctionDef | ast.AsyncFunctionDef, class_name: str | None) -> None:
        first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
        decorators = node.decorator_list
        mutable = not decorators or (
            len(decorators) == 1
            and isinstance(decorators[0], ast.Name)
            and decorators[0].id in ("staticmethod", "classmethod")
        )
        found.append((class_name, node.name, first, node.end_lineno or node.lineno, mutable))

    for node in ast.parse(source).body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            add(node, None)
        elif isinstance(node, ast.ClassDef):
            for child in node.body:
                if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    add(child, node.name)
    return found


def _mangled(class_name: str | None, name: str) -> str:
    return f"x\u01c1{class_name}\u01c1{name}" if class_name else f"x_{name}"


def _patterns_for_lines(
    checkout: Path, changed: Mapping[str, set[int]]
) -> tuple[list[str], dict[str, set[int]]]:
    patterns: list[str] = []
    unmutatable: dict[str, set[int]] = {}
    for path, lines in sorted(changed.items()):
        module = _module_name(path)
        left = set(lines)
        for class_name, name, first, last, mutable in _functions((checkout / path).read_text()):
            inside = {n for n in left if first <= n <= last}
            if inside and mutable:
                patterns.append(f"{module}.{_mangled(class_name, name)}__mutmut_*")
                left -= inside
        if left:
            unmutatable[path] = left
    return patterns, unmutatable


def _mutant(
    checkout: Path, entry: dict[str, object], changed: Mapping[str, set[int]], runs: Counter[str]
) -> MutmutMutant:
    """Place a mutant on head lines from the function-level diff mutmut shows for it."""
    name, path, diff = str(entry["name"]), str(entry["path"]), str(entry["diff"])
    mangled = name.rpartition(".")[2].partition("__mutmut_")[0]
    start = None
    for class_name, function, first, _last, _ in _functions((checkout / path).read_text()):
        if _mangled(class_name, function) == mangled:
            start = first
    if start is None:
        raise SystemExit(f"cannot find the function of mutant {name} in {path}")
    diff_lines = diff.splitlines()
    # The diff is of the function's text alone, which may begin with the comments above it.
    orig_text = [line[1:] for line in diff_lines if line[:1] in (" ", "-")]
    offset = next(
        (
            i
            for i, text in enumerate(orig_text)
            if text.strip() and not text.lstrip().startswith("#")
        ),
        0,
    )
    removed: list[tuple[int, str]] = []
    added: list[str] = []
    orig_line = 0
    for line in diff_lines:
        hunk = re.match(r"@@ -(\d+)", line)
        if hunk:
            orig_line = int(hunk.group(1))
        elif line.startswith(("---", "+++")):
            continue
        elif line.startswith("-"):
            removed.append((start + orig_line - 1 - offset, line[1:].strip()))
            orig_line += 1
        elif line.startswith("+"):
            added.append(line[1:].strip())
        elif line.startswith(" "):
            orig_line += 1
    numbers = tuple(n for n, _ in removed)
    mutmut_status = str(entry["status"])
    return MutmutMutant(
        name=name,
        path=path,
        line=numbers[0] if numbers else start,
        lines=numbers,
        original="\n".join(text for _, text in removed),
        mutated="\n".join(added),
        status=_STATUS_WORDS.get(mutmut_status, mutmut_status),
        mutmut_status=mutmut_status,
        on_changed_line=bool(set(numbers) & changed.get(path, set())),
        test_executions=runs.get(name, 0),
    )


if __name__ == "__main__":
    from _mutate_project import changed_lines, prepare

    project = prepare(WORK / "mutate-project")
    lines = changed_lines(project)
    only = "--changed-lines-only" in sys.argv[1:]
    result = run_mutmut(project, lines, WORK / "mutmut-run", changed_lines_only=only)
    print(f"mutmut {result.version}: {result.wall_seconds:.1f}s wall")
    print(f"test executions: {result.test_executions} {result.executions_by_phase}")
    print("functions:", *result.patterns, sep="\n  ")
    print("not mutable by mutmut:", result.unmutatable_lines)
    print("all mutants:", dict(result.statuses()))
    print("mutants on changed lines:", dict(result.statuses(changed_lines_only=True)))
    for mutant in result.mutants:
        if mutant.on_changed_line and mutant.status == "survived":
            print(
                f"  survived {mutant.path}:{mutant.line}: {mutant.original!r} -> {mutant.mutated!r}"
            )
    sys.exit(0)
