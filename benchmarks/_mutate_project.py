"""A real project with a real change, for the mutation-testing benchmark.

`prodready mutate` claims to be fast because it mutates only the lines a change touched and
runs only the tests that cover each of them. To judge that claim fairly the change must be
one somebody actually made, in a project whose own test suite exercises it. So this module
takes two consecutive releases of humanize from the package index (pure Python, a src
layout, a pytest suite of 737 tests that runs in a couple of seconds) and commits them
one after the other in a throwaway git repository: the diff between the two commits is the
real diff between the releases.

humanize 4.14.0 -> 4.15.0 rewrote `number.intword` (bisect instead of a loop), made
`time.naturaldelta` round to the nearest unit instead of truncating, and changed the
exception that `i18n.activate` raises: 40 changed executable lines in 3 production files,
39 of them in 4 functions (`activate`, `intword`, `_date_and_delta`, `naturaldelta`) and
one module-level `import bisect`.

The code under test is never installed. The tests import it from the checkout through
pytest's `pythonpath = ["src"]` (added to the project's pytest configuration in both
commits), so whichever copy of the tree a tool runs pytest in - the repository, a worktree,
mutmut's `mutants/` - is the one that gets imported. The test dependencies live in a
virtualenv of their own under `benchmarks/.work/`, apart from prodready's. Everything lands
in `benchmarks/.work/` (ignored by git); nothing fetched is committed.
"""

from __future__ import annotations

import ast
import os
import re
import shutil
import subprocess
import sys
import venv
from dataclasses import dataclass
from pathlib import Path

from _corpus import WORK, sdist_tree

VENV = WORK / "mutate-venv"

NAME = "humanize"
BASE_VERSION = "4.14.0"
HEAD_VERSION = "4.15.0"
PACKAGE_DIR = "src/humanize"
SOURCE_ROOT = "src"
TESTS_DIR = "tests"

# Not idempotent: it negates its parametrized argument list in place, so it fails the second
# time it runs in one process - which is what mutmut does (the stats run, then the clean run,
# then forks of that process for the mutants). It tests filesize.py, which the change does
# not touch.
DESELECTED = ("tests/test_filesize.py::test_naturalsize",)

# What the project's test suite imports (its `tests` extra, less the coverage and benchmark
# plugins it does not need to pass), and coverage.py, which `prodready mutate` measures
# per-test coverage with. Unpinned like the other competitors in benchmarks/_tools.py; the
# versions that were installed are recorded in the venv (`pip freeze`) and reused as
# constraints for mutmut's venv so that both tools run the same pytest.
TEST_REQUIREMENTS = ("pytest", "freezegun", "coverage")

# Fixed identity and dates make the two commits, and so their SHAs, the same on every run.
_GIT_ENV = {
    "GIT_AUTHOR_NAME": "benchmark",
    "GIT_AUTHOR_EMAIL": "benchmark@example.invalid",
    "GIT_COMMITTER_NAME": "benchmark",
    "GIT_COMMITTER_EMAIL": "benchmark@example.invalid",
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_CONFIG_GLOBAL": os.devnull,
}
_DATES = {BASE_VERSION: "2025-10-13T13:00:06Z", HEAD_VERSION: "2025-12-20T20:03:38Z"}
_MARKER = "prodready-benchmark.project"


@dataclass(frozen=True)
class Project:
    """Where the prepared project is and how to test it.

    Paths inside the repository are relative to `repo`, with forward slashes, as git and
    both tools' reports spell them.
    """

    name: str
    repo: Path
    base: str
    head: str
    base_version: str
    head_version: str
    package_dir: str
    source_root: str
    tests_dir: str
    changed_files: tuple[str, ...]
    python: Path
    # Tests switched off for both tools, through `--deselect` in the pytest configuration of
    # both commits, so that no tool needs to be told (see `_adapt`).
    deselected: tuple[str, ...] = ()


def prepare(dest: Path) -> Project:
    """Build the repository at `dest` (replacing one this function built before) and the venv.

    The repository is rebuilt every time, since that takes a second and leaves no state
    from an earlier tool run behind; the sdists and the venv are downloaded once and kept.
    """
    dest = dest.resolve()
    trees = {version: _release_tree(version) for version in (BASE_VERSION, HEAD_VERSION)}
    _fresh_repo(dest)
    shas = {}
    for version in (BASE_VERSION, HEAD_VERSION):
        _replace_worktree(dest, trees[version])
        shas[version] = _commit(dest, version)
    python = env_python()
    changed = _git(
        dest, "diff", "--name-only", shas[BASE_VERSION], shas[HEAD_VERSION], "--", PACKAGE_DIR
    )
    return Project(
        name=NAME,
        repo=dest,
        base=shas[BASE_VERSION],
        head=shas[HEAD_VERSION],
        base_version=BASE_VERSION,
        head_version=HEAD_VERSION,
        package_dir=PACKAGE_DIR,
        source_root=SOURCE_ROOT,
        tests_dir=TESTS_DIR,
        changed_files=tuple(p for p in changed.splitlines() if p.endswith(".py")),
        python=python,
        deselected=DESELECTED,
    )


def env_python() -> Path:
    """The python of the venv holding the test dependencies (not the project), made on first use."""
    python = VENV / "bin" / "python"
    stamp = VENV / "requirements.txt"
    wanted = "\n".join(TEST_REQUIREMENTS) + "\n"
    if python.exists() and stamp.is_file() and stamp.read_text() == wanted:
        return python
    if VENV.exists():
        shutil.rmtree(VENV)
    venv.create(VENV, with_pip=True)
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", *TEST_REQUIREMENTS],
        check=True,
    )
    stamp.write_text(wanted)
    return python


def frozen_test_requirements() -> list[str]:
    """`pip freeze` of the test venv, for another venv that must run the very same pytest."""
    out = subprocess.run(
        [str(env_python()), "-m", "pip", "freeze", "--exclude-editable"],
        capture_output=True,
        text=True,
        check=True,
    )
    return [line for line in out.stdout.splitlines() if line and not line.startswith("#")]


def run_tests(
    project: Project, cwd: Path | None = None, *args: str
) -> subprocess.CompletedProcess[str]:
    """Run the project's suite with the test venv, in `cwd` (default: the repository as is)."""
    return subprocess.run(
        [
            str(project.python),
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            *args,
        ],
        cwd=cwd or project.repo,
        capture_output=True,
        text=True,
    )


def changed_lines(project: Project, executable_only: bool = True) -> dict[str, set[int]]:
    """Head-side line numbers that the change added or modified, per changed production file.

    Deleted lines have no head-side line and are not counted. With `executable_only`, lines
    that are not part of a statement (blank lines, comments, docstrings) are dropped, which
    approximates what coverage.py calls executable.
    """
    result: dict[str, set[int]] = {}
    for path in project.changed_files:
        diff = _git(project.repo, "diff", "-U0", project.base, project.head, "--", path)
        lines: set[int] = set()
        for match in re.finditer(r"^@@ -\S+ \+(\d+)(?:,(\d+))? @@", diff, re.MULTILINE):
            start, count = int(match.group(1)), int(match.group(2) or "1")
            lines.update(range(start, start + count))
        if executable_only:
            source = _git(project.repo, "show", f"{project.head}:{path}")
            lines &= executable_lines(source)
        if lines:
            result[path] = lines
    return result


def executable_lines(source: str) -> set[int]:
    """Lines of `source` that belong to a statement: all lines of a simple statement, the
    header lines (decorators, signature, condition) of a compound one. Docstrings are left out.
    """
    lines: set[int] = set()

    def visit(body: list[ast.stmt]) -> None:
        for index, node in enumerate(body):
            if index == 0 and _is_docstring(node):
                continue
            children = [
                part
                for field in ("body", "orelse", "finalbody", "handlers", "cases")
                for part in getattr(node, field, None) or []
            ]
            if not children:
                lines.update(range(node.lineno, (node.end_lineno or node.lineno) + 1))
                continue
            first = min(
                getattr(d, "lineno", node.lineno)
                for d in [node, *getattr(node, "decorator_list", [])]
            )
            header_end = min(child.lineno for child in children) - 1
            lines.update(range(first, max(header_end, node.lineno) + 1))
            for field in ("body", "orelse", "finalbody"):
                visit(getattr(node, field, None) or [])
            for handler in getattr(node, "handlers", None) or []:
                lines.add(handler.lineno)
                visit(handler.body)
            for case in getattr(node, "cases", None) or []:
                lines.add(case.pattern.lineno)
                visit(case.body)

    visit(ast.parse(source).body)
    # A comment or blank line between a compound statement's header and its body.
    text = source.splitlines()
    return {
        n
        for n in lines
        if n <= len(text) and text[n - 1].strip() and not text[n - 1].lstrip().startswith("#")
    }


def _is_docstring(node: ast.stmt) -> bool:
    return (
        isinstance(node, ast.Expr)
        and isinstance(node.value, ast.Constant)
        and isinstance(node.value.value, str)
    )


def _release_tree(version: str) -> Path:
    """The unpacked sdist of one release, downloaded into benchmarks/.work/ on first use."""
    return sdist_tree(NAME, version, PACKAGE_DIR)


def _fresh_repo(dest: Path) -> None:
    """An empty repository at `dest`; refuses to delete a directory it did not make."""
    if dest.exists():
        if not (dest / ".git" / _MARKER).is_file():
            raise SystemExit(f"{dest} exists and was not made by benchmarks/_mutate_project.py")
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    _git(dest, "init", "--quiet", "--initial-branch=main")
    (dest / ".git" / _MARKER).write_text("made by benchmarks/_mutate_project.py; safe to delete\n")


def _replace_worktree(repo: Path, tree: Path) -> None:
    """Make the work tree of `repo` an exact copy of a release's tree, adapted for testing."""
    for entry in repo.iterdir():
        if entry.name == ".git":
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry)
        else:
            entry.unlink()
    shutil.copytree(tree, repo, dirs_exist_ok=True)
    _adapt(repo)


def _adapt(repo: Path) -> None:
    """The same edits on both commits, so that they never show in the diff.

    - pytest's `pythonpath = ["src"]`, so that tests import the package from the tree they
      run in rather than an installed copy (none is installed).
    - `--deselect` of the `DESELECTED` tests in pytest's `addopts`, which every pytest run
      in the tree picks up, whoever starts it.
    - `_version.py` is written by the build backend from git tags and is git-ignored
      upstream; the sdist's copy differs between releases only in the version string.
      Both commits get the head's copy, so that a generated file does not count as a
      changed production line.
    """
    pyproject = repo / "pyproject.toml"
    text = pyproject.read_text()
    section = "[tool.pytest.ini_options]\n"
    if section not in text:
        raise SystemExit(f"{pyproject} has no {section.strip()} to extend")
    deselect = "".join(f" --deselect={test}" for test in DESELECTED)
    text, found = re.subn(
        r'^addopts = "(.*)"$', rf'addopts = "\1{deselect}"', text, count=1, flags=re.M
    )
    extra = 'pythonpath = [ "src" ]\n' + ("" if found else f'addopts = "{deselect.strip()}"\n')
    pyproject.write_text(text.replace(section, section + extra, 1))
    version_file = f"{PACKAGE_DIR}/_version.py"
    shutil.copy2(_release_tree(HEAD_VERSION) / version_file, repo / version_file)


def _commit(repo: Path, version: str) -> str:
    # --force: the upstream .gitignore ignores the compiled translations (*.mo) and
    # _version.py, which the tests need in any checkout of the commit.
    _git(repo, "add", "--all", "--force", ".")
    env = {"GIT_AUTHOR_DATE": _DATES[version], "GIT_COMMITTER_DATE": _DATES[version]}
    _git(repo, "commit", "--quiet", "--no-verify", "-m", f"{NAME} {version}", env=env)
    _git(repo, "tag", version)
    return _git(repo, "rev-parse", "HEAD").strip()


def _git(repo: Path, *args: str, env: dict[str, str] | None = None) -> str:
    out = subprocess.run(
        ["git", *args],
        cwd=repo,
        capture_output=True,
        text=True,
        env={**os.environ, **_GIT_ENV, **(env or {})},
    )
    if out.returncode != 0:
        raise SystemExit(f"git {' '.join(args)} failed in {repo}:\n{out.stderr}")
    return out.stdout


if __name__ == "__main__":
    project = prepare(WORK / "mutate-project")
    for field, value in vars(project).items():
        print(f"{field}: {value}")
    lines = changed_lines(project)
    print("changed executable lines:", {path: len(nums) for path, nums in lines.items()})
    result = run_tests(project)
    print(result.stdout.strip().splitlines()[-1] if result.stdout.strip() else result.stderr)
    sys.exit(result.returncode)
