"""Walk a repository once and answer "does this path exist?" from memory afterwards.

Every collector asks about files; walking the tree once (honouring .gitignore, never
following directory symlinks so a symlink loop cannot hang us) keeps the audit fast and
gives one place where unreadable entries become reported errors instead of tracebacks.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from fnmatch import fnmatch
from pathlib import Path
from typing import TYPE_CHECKING

from prodready.model import ReportError

if TYPE_CHECKING:
    import pathspec

# Directories that are never the project's own source: tool caches, virtualenvs, vendored
# installs. Skipping them by name is what every linter does, and it keeps a repository
# with a checked-in virtualenv from being judged on third-party code.
SKIPPED_DIRS = frozenset(
    {
        ".git",
        ".hg",
        ".svn",
        ".venv",
        "venv",
        ".tox",
        ".nox",
        "node_modules",
        "__pycache__",
        ".mypy_cache",
        ".pytest_cache",
        ".ruff_cache",
        ".eggs",
        "site-packages",
        ".idea",
        ".vscode",
    }
)

TEST_DIR_NAMES = frozenset({"tests", "test", "testing"})
# Top-level folders whose code is shown to people, not run in production: judging a
# framework by the toy app in its examples/ folder is the classic false alarm. An LLM
# application's `evaluation/` or `evals/` harness (Skyvern's, OpenHands') scores the app
# offline, as `benchmarks/` (Qwen-Agent's `benchmark/`) times it.
NON_PRODUCTION_DIRS = frozenset(
    {
        "examples",
        "example",
        "docs",
        "doc",
        "samples",
        "sample",
        "demo",
        "demos",
        "benchmark",
        "benchmarks",
        "eval",
        "evals",
        "evaluation",
        "evaluations",
    }
)
# Words that start a folder name of the product as often as one of examples or evaluation.
_ONLY_ALONE = frozenset({"doc", "eval"})


@dataclass(frozen=True)
class RepoIndex:
    """The repository's files (relative, '/'-separated, sorted) and what could not be read."""

    root: Path
    files: tuple[str, ...]
    sizes: dict[str, int] = field(compare=False)
    dirs: frozenset[str]
    errors: tuple[ReportError, ...]
    # Files inherited from the enclosing repository (a component sees the repository's CI
    # configuration and security policy): relative name -> where the file really is.
    external: dict[str, Path] = field(default_factory=dict, compare=False)
    # Files that are symlinks to another indexed file (h2ogpt's `openai_server/
    # function_server.py` -> `src/function_server.py`): alias -> the file it really is.
    # Judging both would report every finding twice.
    aliases: dict[str, str] = field(default_factory=dict, compare=False)
    # Every symlink met on the walk, to a file, a folder or nothing: what it points at can
    # change without any folder of the tree changing, so a remembered walk cannot vouch for it.
    links: tuple[str, ...] = field(default=(), compare=False)

    def exists(self, rel: str) -> bool:
        rel = rel.strip("/")
        return rel == "" or rel in self.sizes or rel in self.dirs

    def is_file(self, rel: str) -> bool:
        return rel in self.sizes

    def matching(self, *patterns: str) -> list[str]:
        """Files whose name (not path) matches any glob, e.g. ``Dockerfile*``."""
        return [f for f in self.files if any(fnmatch(f.rsplit("/", 1)[-1], p) for p in patterns)]

    def under(self, prefix: str) -> Iterator[str]:
        prefix = prefix.strip("/")
        if not prefix:
            yield from self.files
            return
        for f in self.files:
            if f.startswith(prefix + "/"):
                yield f

    def read_text(self, rel: str, limit: int = 2_000_000) -> str | None:
        """Text of a small file, or None when it is missing, binary, huge or not UTF-8."""
        if self.sizes.get(rel, limit + 1) > limit:
            return None
        try:
            data = self.external.get(rel, self.root / rel).read_bytes()
        except OSError:
            return None
        if b"\0" in data:
            return None
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError:
            return None

    def inherit(self, parent: RepoIndex, rels: Iterable[str]) -> RepoIndex:
        """This index plus the parent's files `rels` that it does not have itself."""
        extra = {r: parent.sizes[r] for r in rels if r in parent.sizes and r not in self.sizes}
        if not extra:
            return self
        sizes = {**self.sizes, **extra}
        dirs = set(self.dirs)
        for rel in extra:
            parts = rel.split("/")[:-1]
            dirs.update("/".join(parts[: i + 1]) for i in range(len(parts)))
        return RepoIndex(
            root=self.root,
            files=tuple(sorted(sizes)),
            sizes=sizes,
            dirs=frozenset(dirs),
            errors=self.errors,
            external={**self.external, **{r: parent.root / r for r in extra}},
            aliases=self.aliases,
        )

    def is_inherited(self, rel: str) -> bool:
        return rel in self.external


def is_test_path(rel: str) -> bool:
    """Test code by the conventions pytest, unittest and Django's runner collect (and teams
    follow): `test_*.py`, `*_test.py`, `conftest.py`, a package's `pytest_plugin.py` (the
    fixtures it ships for its own and its plugins' suites), a Django app's `tests.py` (and
    `tests_*.py`), anything under `tests/` or `testing/`, a folder named for a kind of
    tests (`integration_tests/`, `heat_integrationtests/`) or named `tests_*` (`tests_e2e/`,
    LITE's `tests_common/` API client that seeds end-to-end data; a `test_*` folder may be
    a feature: DefectDojo's `dojo/test_type/`), a package's `test_utils/` of fixtures and
    factories, a `testing-scripts/` folder, a settings package's `test.py`
    (the settings the suite runs with), a `test.py` at the top of the checkout, and the
    `test_project/` that runs a reusable Django app's suite."""
    parts = rel.split("/")
    name = parts[-1]
    if name in _TEST_FILE_NAMES or name.startswith(("test_", "tests_")):
        return True
    if name.endswith("_test.py"):
        return True
    # `tests/` and `testing/` anywhere are tests; `test/` only at the top, because inside a
    # package it is usually production code (django/test/ is Django's testing framework)
    dirs = parts[:-1]
    if any(
        d in TEST_DIR_NAMES - {"test"}
        or d in _TEST_SUPPORT_DIRS
        or d.startswith(("pytest_", "tests_", "tests-"))
        or _kind_of_tests(d)
        for d in dirs
    ):
        return True
    if name in _TEST_SETTINGS_NAMES and len(dirs) > 0 and dirs[-1] == "settings":
        return True
    # ChatTTS-ui's `test.py` beside `app.py`: a try-out script at the top of the checkout,
    # which no package of the application imports (inside a package, `routes/test.py` and
    # Werkzeug's `test.py` test client are production code)
    if rel == "test.py":
        return True
    return len(parts) > 1 and parts[0] == "test"


def _kind_of_tests(folder: str) -> bool:
    """A folder named for a kind of test suite: `integration_tests/`, `functional-tests/`,
    Heat's `heat_integrationtests/`. Only known kinds count: `ab_tests/` may hold an A/B
    testing feature."""
    parts = folder.lower().replace("-", "_").split("_")
    if parts[-1] in _TEST_KINDS_JOINED:
        return True
    return len(parts) > 1 and parts[-1] == "tests" and parts[-2] in _TEST_KINDS


_TEST_KINDS = frozenset(
    {
        "integration",
        "functional",
        "unit",
        "e2e",
        "acceptance",
        "system",
        "smoke",
        "regression",
        "end2end",
    }
)
_TEST_KINDS_JOINED = frozenset(f"{kind}tests" for kind in _TEST_KINDS)


# `conftest.py` is pytest's; `tests.py` is the module `manage.py startapp` creates and
# Django's runner discovers (its pattern is `test*.py`); `pytest_plugin.py` is the pytest
# plugin of fixtures a package ships for test suites (pulpcore's).
_TEST_FILE_NAMES = frozenset({"conftest.py", "tests.py", "pytest_plugin.py"})
# The settings-and-urls project a reusable Django app ships only to run its own tests, and
# the packages of fixtures, factories and keys a project keeps for its suites
# (`baserow/test_utils/`), importable but never run by the service; so is a package named
# as a pytest plugin (`pytest_pootle/`, `pytest_devpi_server/`), checked by prefix.
_TEST_SUPPORT_DIRS = frozenset(
    {"test_project", "testproject", "test_utils", "testutils", "test_helpers", "testing_utils"}
    # Frigate's `testing-scripts/`: benchmarks and clip replays run by hand
    | {"test_scripts", "test-scripts", "testing_scripts", "testing-scripts"}
)
# `config/settings/test.py`: the settings module a suite runs with (Django split settings).
_TEST_SETTINGS_NAMES = frozenset({"test.py", "tests.py", "testing.py"})


def is_production_path(rel: str) -> bool:
    """Code that ships: not tests, not examples or documentation snippets."""
    return not is_test_path(rel) and not is_example_path(rel)


def is_example_path(rel: str) -> bool:
    """Under a top-level examples/, docs/, benchmarks/, evaluation/... folder, or one whose
    name starts or ends with such a word: `docs-site/`, `example_data/`, AI-Researcher's
    `benchmark_collection/` (the script that crawls papers to score the agent on),
    ChatGLM3's `openai_api_demo/` and `langchain_demo/`. A `doc_loader/` or `eval_service/`
    package may be the product (a RAG app reads documents), so the singular `doc` and
    `eval` count only alone."""
    head, sep, _ = rel.partition("/")
    head = head.lower()
    if head in NON_PRODUCTION_DIRS:
        return True
    if not sep:  # a top-level `docs.py` is a module of the project
        return False
    words = re.split(r"[-_.]", head)
    return len(words) > 1 and bool({words[0], words[-1]} & (NON_PRODUCTION_DIRS - _ONLY_ALONE))


def is_template_path(rel: str) -> bool:
    """In a project template's folder, one named by a Jinja expression or tag
    (`{{cookiecutter.name}}/`, Vitrage's datasource scaffold): its files become Python
    only once the template is filled in, so they are neither code nor broken code."""
    return any("{{" in d or "{%" in d for d in rel.split("/")[:-1])


# The files whose content decided how a tree was judged, while `recording_reads` is on: a
# remembered walk is only as current as the folders it listed and the files it read.
_READS: ContextVar[set[str] | None] = ContextVar("prodready_reads", default=None)


@contextmanager
def recording_reads() -> Iterator[set[str]]:
    """Collect the absolute paths of the files read through `note_read` in this block."""
    reads: set[str] = set()
    token = _READS.set(reads)
    try:
        yield reads
    finally:
        _READS.reset(token)


def note_read(path: Path | str) -> None:
    """Mark a file's content as having decided something (see `recording_reads`)."""
    reads = _READS.get()
    if reads is not None:
        reads.add(os.path.abspath(path))


def read_start(path: Path, chars: int) -> str | None:
    """The first `chars` characters of a text file, undecodable bytes replaced; None when
    it cannot be read. Enough for a header or a manifest that decides how a folder is
    judged, without reading a large file whole."""
    note_read(path)
    try:
        with open(path, encoding="utf-8", errors="replace") as fh:
            return fh.read(chars)
    except OSError:
        return None


def walk_repository(root: Path, *, exclude: Iterable[str] = ()) -> RepoIndex:
    """Index every non-ignored file under `root`, leaving out the `exclude` directories
    (a monorepo's components, which are judged on their own)."""
    files: dict[str, int] = {}
    dirs: set[str] = set()
    errors: list[ReportError] = []
    links: list[str] = []
    specs = _enclosing_gitignores(root, errors)
    _walk(root, "", specs, files, dirs, errors, frozenset(p.strip("/") for p in exclude), links)
    ordered = tuple(sorted(files))
    return RepoIndex(
        root=root,
        files=ordered,
        sizes=files,
        dirs=frozenset(dirs),
        errors=tuple(sorted(errors, key=lambda e: e.path)),
        aliases=_aliases(root, links, files),
        links=tuple(sorted(links)),
    )


def _aliases(root: Path, links: list[str], files: dict[str, int]) -> dict[str, str]:
    """The symlinks (to files: a link to a folder or a dangling one is no file of the
    index) whose target (after every link in the chain) is a file of the
    index itself; a link out of the tree is the only copy we see, so it stays a file."""
    if not links:
        return {}
    real_root = os.path.realpath(root)
    aliases = {}
    for rel in links:
        target = os.path.relpath(os.path.realpath(root / rel), real_root).replace(os.sep, "/")
        if target != rel and target in files:
            aliases[rel] = target
    return aliases


# (directory it applies to, its patterns). For a directory above the walked root the first
# item is ">" and the root's path relative to that directory, since entries are named
# relative to the root.
_Spec = tuple[str, "pathspec.GitIgnoreSpec"]


def folders_above(root: Path) -> tuple[list[Path], bool]:
    """The folders above `root` (nearest first) up to the top of the git work tree it is
    in, and whether it is in one; every folder up to the filesystem's root when it is not.
    No folders when `root` is itself a work tree's top."""
    here = Path(os.path.abspath(root))
    if (here / ".git").exists():
        return [], True
    above: list[Path] = []
    for parent in here.parents:
        above.append(parent)
        if (parent / ".git").exists():
            return above, True
    return above, False


def _enclosing_gitignores(root: Path, errors: list[ReportError]) -> list[_Spec]:
    """The `.gitignore` files of the directories above `root`, up to the top of its git
    work tree: walking `services/api` of a repository must skip what the repository
    ignores there (a `/benchmarks/.work/` rule at the top applies to `benchmarks/`)."""
    here = Path(os.path.abspath(root))
    above, in_work_tree = folders_above(here)
    if not in_work_tree:
        return []  # not inside a git work tree: nothing is inherited
    specs: list[_Spec] = []
    for parent in reversed(above):  # the top first, as git applies them
        spec = _load_gitignore(parent, "", errors)
        if spec is None:
            continue
        inside = here.relative_to(parent).parts
        # the root itself is ignored there: walking it was asked for explicitly, so what
        # the repository ignores around it does not apply
        if any(spec.match_file("/".join(inside[: i + 1]) + "/") for i in range(len(inside))):
            return []
        specs.append((">" + "/".join(inside), spec))
    return specs


def _walk(
    root: Path,
    rel_dir: str,
    specs: list[_Spec],
    files: dict[str, int],
    dirs: set[str],
    errors: list[ReportError],
    exclude: frozenset[str] = frozenset(),
    links: list[str] | None = None,
) -> None:
    here = os.path.join(root, rel_dir) if rel_dir else root
    try:
        # in the order the file system lists them: the index is sorted once at the end
        entries = list(os.scandir(here))
    except OSError as exc:
        errors.append(ReportError(rel_dir or ".", f"directory cannot be listed: {exc.strerror}"))
        return
    # only a folder that lists a `.gitignore` is asked for one: most have none, and a
    # failed open per folder was a third of a warm scan's walk
    if any(entry.name == ".gitignore" for entry in entries):
        local = _load_gitignore(Path(here), rel_dir, errors)
        if local is not None:
            specs = [*specs, (rel_dir, local)]
    for entry in entries:
        rel = f"{rel_dir}/{entry.name}" if rel_dir else entry.name
        try:
            is_link = entry.is_symlink()
            is_dir = entry.is_dir(follow_symlinks=False)
        except OSError as exc:
            errors.append(ReportError(rel, f"cannot be read: {exc.strerror}"))
            continue
        if is_dir:
            if entry.name in SKIPPED_DIRS or rel in exclude or _ignored(specs, rel, is_dir=True):
                continue
            dirs.add(rel)
            _walk(root, rel, specs, files, dirs, errors, exclude, links)
            continue
        if _ignored(specs, rel, is_dir=False):
            continue
        if is_link and links is not None:
            links.append(rel)
        try:
            st = entry.stat(follow_symlinks=True)
        except OSError as exc:
            # ELOOP for a symlink loop, ENOENT for a dangling link: say which.
            what = (
                "symlink loop" if exc.errno == 40 else "broken symlink" if is_link else "unreadable"
            )
            errors.append(ReportError(rel, f"{what}: {exc.strerror}"))
            continue
        if is_link and stat.S_ISDIR(st.st_mode):
            continue  # a symlink to a directory: not followed, so a loop cannot recurse
        if stat.S_ISREG(st.st_mode):
            files[rel] = st.st_size


def _load_gitignore(
    here: Path, rel_dir: str, errors: list[ReportError]
) -> pathspec.GitIgnoreSpec | None:
    path = here / ".gitignore"
    note_read(path)
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        return None
    except OSError as exc:
        rel = f"{rel_dir}/.gitignore" if rel_dir else ".gitignore"
        errors.append(ReportError(rel, f"cannot be read: {exc.strerror}"))
        return None
    import pathspec  # here: a warm scan that reuses a remembered walk never needs it

    return pathspec.GitIgnoreSpec.from_lines(text.splitlines())


def _relative_to_spec(base: str, rel: str) -> str:
    """`rel` (relative to the walked root) as the `.gitignore` in `base` names it."""
    if base.startswith(">"):  # a directory above the root
        return f"{base[1:]}/{rel}"
    return rel[len(base) + 1 :] if base else rel


def _ignored(specs: Iterable[_Spec], rel: str, *, is_dir: bool) -> bool:
    for base, spec in specs:
        sub = _relative_to_spec(base, rel)
        if spec.match_file(sub + "/" if is_dir else sub):
            return True
    return False
