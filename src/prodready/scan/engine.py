"""Run the rules over files: one parse per file, both cores, results cached by content.

A file's result depends only on its bytes and on the rules, so it is cached under the
content's digest (and the rules' own digest); a warm re-run reads no file whose size and
modification time are unchanged. Some findings hold only if a fact about the whole
application is true ("this app authenticates other routes"); files report such facts, and
conditional hits are kept only when some file established the fact. A condition may also
name facts that must NOT hold ("no other module guards this blueprint"): `A&!B` keeps the
hit when some file established A and none established B. A fact written `A=>B` is an
implication: B holds when some file established A (a middleware module says "listing me
in MIDDLEWARE requires login everywhere"; the settings module says what it lists). Facts
are part of each file's cached result, so the outcome still depends only on file contents.
"""

from __future__ import annotations

import ast
import functools
import itertools
import os
import re
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from prodready.astwalk import NodeIndex, parse_quietly, paused_gc, syntax_error_reason
from prodready.model import Finding, ReportError
from prodready.repo.files import (
    folders_above,
    is_example_path,
    is_template_path,
    is_test_path,
    note_read,
    read_start,
    recording_reads,
    walk_repository,
)
from prodready.scan.cache import ScanCache, result_key
from prodready.scan.client_scripts import (
    CLIENT_IMPORTED_FACT,
    client_import_facts,
    client_script_stem,
)
from prodready.scan.context import RETIRED_FOLDER, RETIRED_IMPORTED_FACT, FileContext
from prodready.scan.harness_packages import harness_package_dirs, harness_package_facts
from prodready.scan.registry import Rule, RuleFacts, all_rules
from prodready.scan.subproject_scripts import (
    PROJECT_FOLDER_FACT,
    SPARED_RULES,
    project_folder_facts,
    subproject_script_folder,
)
from prodready.scan.suppression import apply_suppressions
from prodready.scan.unreachable import DeadLines, unreachable_spans
from prodready.scan.unused import (
    SOFT,
    candidate_spans,
    enclosing_candidate,
    soft_condition,
    soft_targets,
    split_condition,
    unused_names,
)
from prodready.scan.vendored import (
    copied_from_elsewhere,
    import_path_dirs,
    own_packages,
    vendored_dirs,
    vendoring_facts,
)
from prodready.scan.walk_memo import capture, recall
from prodready.scan.workers import ScanWorkers, shrinking_chunks

_PARALLEL_THRESHOLD = 120
_CHUNK = 48  # files per chunk in this process
# How work is weighed to share it out: by the file's bytes, plus what any file costs
# however small (on Django's source an empty `__init__.py` takes as long as 400 bytes of
# code); and the smallest share handed to a worker at once, since each is a round trip.
_FILE_COST_BYTES = 400
_LEAST_CHUNK_BYTES = 16_000

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class RawHit:
    rule: str
    line: int
    end_line: int
    message: str
    condition: str | None = None
    confidence: str | None = None  # None: the rule's


@dataclass(frozen=True)
class FileResult:
    """What scanning one file produced: cacheable, so only plain data."""

    hits: tuple[RawHit, ...] = ()
    facts: frozenset[str] = frozenset()
    error: str | None = None
    suppressions: tuple[tuple[int, tuple[str, ...], str], ...] = ()  # (line, ids, reason)


@dataclass
class ScanResult:
    root: str
    findings: list[Finding]
    errors: list[ReportError]
    stats: dict[str, int | float] = field(default_factory=dict)


def scan_source(
    rel: str, data: bytes, tree: ast.Module | None = None, nodes: NodeIndex | None = None
) -> FileResult:
    """All rules over one file. Never raises for bad input: the reason goes to `error`."""
    from prodready.scan.suppression import find_suppressions

    if b"\0" in data:
        return FileResult(error="binary file with a .py name")
    try:
        source = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return FileResult(error=f"not UTF-8 (byte {exc.start})")
    if tree is None:
        try:
            tree = parse_quietly(source, rel)
        except SyntaxError as exc:
            return FileResult(error=syntax_error_reason(exc, source))
        except (ValueError, RecursionError, MemoryError) as exc:
            return FileResult(error=f"cannot be parsed: {type(exc).__name__}")
    try:
        ctx = FileContext(rel, source, tree, nodes)
        hits: list[RawHit] = []
        for rule in _rules().values():
            for hit in rule.check(ctx):
                hits.append(
                    RawHit(
                        rule.id, hit.line, hit.end_line, hit.message, hit.condition, hit.confidence
                    )
                )
    except RecursionError:
        return FileResult(error="nested too deeply to analyse")
    if hits and copied_from_elsewhere(source, tree):
        # "Vendored from twentyc.rpc (https://...)": the fix belongs upstream, like a
        # vendored folder's; the facts stay, since the app may still import the file.
        return FileResult(facts=_facts(ctx))
    hits = _drop_dead_code_hits(hits, tree)
    hits = _soft_if_unnamed(rel, hits, tree, source)
    if RETIRED_FOLDER in rel.lower().split("/")[:-1]:
        hits = [_only_if(RETIRED_IMPORTED_FACT, h) for h in hits]
    client_stem = client_script_stem(ctx)
    if client_stem is not None:
        needed = CLIENT_IMPORTED_FACT + client_stem
        hits = [h if h.rule in _FOUND_IN_DEAD_CODE_TOO else _only_if(needed, h) for h in hits]
    subproject = subproject_script_folder(ctx) if hits else None
    if subproject is not None:
        unless = "!" + PROJECT_FOLDER_FACT + subproject
        hits = [_only_if(unless, h) if h.rule in SPARED_RULES else h for h in hits]
    hits.sort(key=lambda h: (h.line, h.rule, h.message))
    return FileResult(
        hits=tuple(hits),
        facts=_facts(ctx),
        suppressions=tuple(find_suppressions(source)),
    )


def _facts(ctx: FileContext) -> frozenset[str]:
    return frozenset(
        {*ctx.facts, *_folder_facts(ctx), *client_import_facts(ctx), *project_folder_facts(ctx)}
    )


def _folder_facts(ctx: FileContext) -> Iterable[str]:
    """What a file says about its whole folder: vendored code, a test package."""
    yield from vendoring_facts(ctx)
    yield from harness_package_facts(ctx)


# A credential written in code that never runs is still published with the code.
_FOUND_IN_DEAD_CODE_TOO = frozenset({"PR109"})


def _drop_dead_code_hits(hits: list[RawHit], tree: ast.Module) -> list[RawHit]:
    """Hits in statements that can never run (after an unconditional `return`...) are
    dropped: a call there cannot hang, and a handler there cannot be reached."""
    if not any(h.rule not in _FOUND_IN_DEAD_CODE_TOO for h in hits):
        return hits
    dead = DeadLines(unreachable_spans(tree))
    return [h for h in hits if h.rule in _FOUND_IN_DEAD_CODE_TOO or h.line not in dead]


def _soft_if_unnamed(rel: str, hits: list[RawHit], tree: ast.Module, source: str) -> list[RawHit]:
    """A hit in a top-level function or class that no other line of the file names is
    demoted, once every file is read, unless some other file names it (see `unused`)."""
    lines = [h.line for h in hits if h.rule not in _FOUND_IN_DEAD_CODE_TOO]
    if not lines:
        return hits
    spans = candidate_spans(tree, source, lines)
    if not spans:
        return hits
    out: list[RawHit] = []
    for hit in hits:
        name = enclosing_candidate(spans, hit.line)
        if name is None or hit.rule in _FOUND_IN_DEAD_CODE_TOO:
            out.append(hit)
        else:
            out.append(_only_if(soft_condition(name, rel), hit))
    return out


def _only_if(needed: str, hit: RawHit) -> RawHit:
    """The hit holds only if some file establishes `needed` (or, written `!fact`, none
    does): a hit in a `deprecated/` folder only if some module imports from such a folder
    (code the project retired and no longer loads cannot fail in production), a hit in a
    client script run by hand only if some module imports it (see `client_scripts`), a
    hit in a program in `bot/tools/` only if `bot/` is no project of its own (see
    `subproject_scripts`)."""
    condition = f"{hit.condition}&{needed}" if hit.condition else needed
    return replace(hit, condition=condition)


_RULES: dict[str, Rule] | None = None


def _rules() -> dict[str, Rule]:
    global _RULES
    if _RULES is None:
        _RULES = all_rules()
    return _RULES


_HARNESS_DIRS = frozenset({"e2e", "functional_tests", "playwright_tests"})
# Kinds of suite. Alone below a `test/` folder (TrueNAS's
# `middlewared/test/integration/utils/`, the helpers its integration tests call) they name
# a suite; a nested `test/` alone may be a framework's testing package that ships
# (`django/test/`). Written as one word with "tests", these and a few more name a suite
# anywhere (Tecken's `smoketests/` and `systemtests/`: scripts and a client that drive a
# deployed instance).
_SUITE_KIND_WORDS = frozenset(
    {"integration", "functional", "e2e", "acceptance", "system", "smoke", "regression"}
)
_ONE_WORD_SUITE_KINDS = _SUITE_KIND_WORDS | {
    "load",
    "perf",
    "performance",
    "end2end",
    "ui",
    "browser",
    "selenium",
}
_SUITE_KINDS = re.compile(f"(?:{'|'.join(sorted(_ONE_WORD_SUITE_KINDS))})[-_]?tests?")
# Folders of example code below the top (StackStorm's `contrib/examples/actions/`,
# AppDaemon's `conf/example_apps/`): shown to users as samples at any depth, so a folder
# with either word in its name counts. Other top-level-only names (`docs/`, `samples/`)
# can be an application's own package deeper in (a `samples` app of a laboratory system).
_NESTED_EXAMPLE_WORDS = frozenset({"examples", "example"})
# Words that name test support when they appear in a file's name with other words
# (`make_test_data.py`, `add_test_users.py`: scripts that seed a test run) or anywhere in a
# folder or file name (`github_mock/`, `fake_storage.py`): stand-ins, not what ships. A
# file named just `test.py` is left to the test-path rules (Django ships a `test` command).
_TEST_DATA_WORDS = frozenset({"test", "tests"})
_STAND_IN_WORDS = frozenset({"mock", "mocks", "fake", "fakes"})
_NAME_WORD = re.compile(r"[_\-.]+")


def _excluded(
    path: str, skipped_dirs: frozenset[str] = frozenset(), kept: tuple[str, ...] = ()
) -> bool:
    """Tests, examples and documentation (a top-level `examples/`, `docs/`..., an
    `examples/` or `example_apps/` folder at any depth), end-to-end
    harnesses kept beside the code (`playwright_tests/core/`, `e2e/`, any `*_tests/`
    directory, a suite named for its kind such as `smoketests/` or `systemtests/`, or a
    `test/` folder's `integration/` or `functional/`):
    browser drivers, clients and fixtures, not production; test-data scripts and
    mocks named as such (`make_test_data.py`, `github_mock/`); files in a folder whose name
    starts with a dot (`.github/scripts/`, `.ci/`, Semgrep's rule tests in `.semgrep/`): no
    import can name such a folder, so nothing there is part of the application; files of a
    project template, in a folder whose name is a Jinja expression
    (`{{cookiecutter.name}}/`): they become Python only once the template is filled; and the
    files of a nested `test/` folder that holds a suite, of a `cookbook/` of worked
    examples, of a sub-project's own `samples/` or `docs/`, or of a vendored folder
    (`skipped_dirs`), unless they are in a package the application wrote itself (`kept`,
    folders ending in `/`)."""
    if is_test_path(path) or is_example_path(path) or is_template_path(path):
        return True
    folder, _, name = path.rpartition("/")
    if _excluded_folder(folder):
        return True
    stem_words = _NAME_WORD.split(name.removesuffix(".py").lower())
    if len(stem_words) > 1 and _TEST_DATA_WORDS.intersection(stem_words):
        return True
    if _STAND_IN_WORDS.intersection(stem_words):
        return True
    return any(path.startswith(d + "/") for d in skipped_dirs) and not path.startswith(kept)


@functools.lru_cache(maxsize=4096)
def _excluded_folder(folder: str) -> bool:
    """The part of `_excluded` that the folder alone decides, worked out once per folder
    rather than once per file in it."""
    dirs = folder.split("/") if folder else []
    if any(d.startswith(".") for d in dirs):
        return True
    if any(d in _HARNESS_DIRS or d.endswith("_tests") or _SUITE_KINDS.fullmatch(d) for d in dirs):
        return True
    if any(a == "test" and b in _SUITE_KIND_WORDS for a, b in itertools.pairwise(dirs)):
        return True
    if any(_NESTED_EXAMPLE_WORDS.intersection(_NAME_WORD.split(d.lower())) for d in dirs):
        return True
    return any(_STAND_IN_WORDS.intersection(_NAME_WORD.split(part.lower())) for part in dirs)


def _suite_dirs(files: Sequence[str]) -> frozenset[str]:
    """Nested `test/` folders holding test modules or a `conftest.py`, at any depth below
    them (`auth/test/test_oauth.py` beside the `mock_oidc_server.py` the suite uses; an
    SDK's `sdk/python/test/` with its `conftest.py` and the `test_frontend_api/common.py`
    client its tests share). A nested `test/` without any is left alone: it is often a
    framework's testing package (`django/test/client.py`) that ships."""
    found = set()
    for rel in files:
        *dirs, name = rel.split("/")
        if not (name.startswith("test_") or name.endswith("_test.py") or name == "conftest.py"):
            continue
        for depth in range(len(dirs), 1, -1):
            if dirs[depth - 1] == "test":
                found.add("/".join(dirs[:depth]))
    return frozenset(found)


# Files that make a folder a project of its own (a package, a service with its dependencies)
# rather than a bare test suite, even when it also carries a `pytest.ini`; so does any
# `requirements*.txt`.
_PROJECT_MANIFESTS = frozenset({"setup.py", "setup.cfg", "pyproject.toml", "Pipfile"})


def _pytest_rooted_suites(files: Sequence[str]) -> frozenset[str]:
    """Nested folders that pytest treats as a test run of their own: a `pytest.ini`, a
    `conftest.py` and test modules side by side, with nothing that makes the folder a
    project (Infection Monkey's `envs/monkey_zoo/blackbox/`, whose `island_client/` drives a
    deployed server for the suite). Whatever else sits in such a folder serves the suite."""
    by_dir: dict[str, set[str]] = {}
    for rel in files:
        folder, _, name = rel.rpartition("/")
        if folder:
            by_dir.setdefault(folder, set()).add(name)
    return frozenset(
        folder
        for folder, names in by_dir.items()
        if {"pytest.ini", "conftest.py"} <= names
        and any(n.startswith("test_") and n.endswith(".py") for n in names)
        and not names & _PROJECT_MANIFESTS
        and not any(n.startswith("requirements") and n.endswith(".txt") for n in names)
    )


# Folders of worked examples named for recipes (agno's `cookbook/02_agents/...`, llm-app's
# `cookbooks/`): one program per task, shown to users, like an `examples/` folder. Tandoor's
# `cookbook/` is its Django application, so a folder holding an application's own modules is
# kept; so is one the project's manifest beside it packages (Wikimedia's `cookbooks/`, the
# operations programs its SREs run against production through Spicerack).
_COOKBOOK_DIRS = frozenset({"cookbook", "cookbooks"})
_APPLICATION_MODULES = ("models.py", "views.py", "apps.py", "urls.py")
_MANIFEST_CHARS = 20_000


def _cookbook_dirs(root: Path, files: Sequence[str]) -> frozenset[str]:
    """`cookbook/` and `cookbooks/` folders at any depth, unless the folder is an
    application package (a `models.py`, `views.py`, `apps.py` or `urls.py` of its own) or
    a package the manifest beside it ships."""
    found = set()
    for rel in files:
        dirs = rel.split("/")[:-1]
        for depth, name in enumerate(dirs, 1):
            if name.lower() in _COOKBOOK_DIRS:
                found.add("/".join(dirs[:depth]))
    present = frozenset(files)
    return frozenset(
        folder
        for folder in found
        if not any(f"{folder}/{module}" in present for module in _APPLICATION_MODULES)
        and not _packaged_by_manifest(root, folder, present)
    )


def _packaged_by_manifest(root: Path, folder: str, present: frozenset[str]) -> bool:
    """Does a `setup.py`, `setup.cfg` or `pyproject.toml` beside `folder` name it as a
    package (`find_namespace_packages(include=["cookbooks"])`, `packages = ["cookbook"]`)?
    A manifest that cannot be read names nothing."""
    parent, _, name = folder.rpartition("/")
    quoted = re.compile(rf"""["']{re.escape(name)}(?:\*|\.\*)?["']""")
    for manifest in ("setup.py", "setup.cfg", "pyproject.toml"):
        rel = f"{parent}/{manifest}" if parent else manifest
        if rel not in present:
            continue
        text = read_start(root / rel, _MANIFEST_CHARS)
        if text is None:
            continue
        listed = rf"(?m)^\s*(?:\w+\s*=\s*)?{re.escape(name)}(?:\*|\.\*)?\s*$"
        if quoted.search(text) or (manifest == "setup.cfg" and re.search(listed, text)):
            return True
    return False


def _subproject_example_dirs(files: Sequence[str]) -> frozenset[str]:
    """The examples, samples, docs and benchmarks folders at the root of a sub-project (a
    folder with a `setup.py` or `pyproject.toml` of its own), judged as the checkout's
    top-level ones are: promptflow's `src/promptflow-evals/samples/` holds example apps
    beside the package, as autogen's `python/samples/` does; one level further in, such a
    name may again be a package of the product."""
    roots = {
        folder
        for folder, _, name in (rel.rpartition("/") for rel in files)
        if folder and name in _PROJECT_MANIFESTS
    }
    found = set()
    for rel in files:
        dirs = rel.split("/")
        for depth in range(1, len(dirs) - 1):
            if "/".join(dirs[:depth]) in roots and is_example_path("/".join(dirs[depth:])):
                found.add("/".join(dirs[: depth + 1]))
    return frozenset(found)


def _skipped_dirs(root: Path, files: Sequence[str]) -> tuple[frozenset[str], tuple[str, ...]]:
    """Folders of test suites, worked examples and vendored code, and the packages inside
    vendored folders that are the application's own (as `prefix/`)."""
    vendored = vendored_dirs(files)
    kept = tuple(d + "/" for d in sorted(own_packages(root, frozenset(files), vendored)))
    suites = _suite_dirs(files) | _pytest_rooted_suites(files)
    examples = _cookbook_dirs(root, files) | _subproject_example_dirs(files)
    return suites | examples | vendored, kept


def _production_files(
    root: Path, files: Sequence[str], aliases: Mapping[str, str] | None = None
) -> list[str]:
    """The Python files under `root` that are the application's own and can run; a
    symlink to one of them is the same code, judged once under its real name."""
    skipped, kept = _skipped_dirs(root, files)
    found = [f for f in files if f.endswith(".py") and not _excluded(f, skipped, kept)]
    shadowed = _shadowed_modules(root, files, found)
    if aliases:
        chosen = set(found)
        shadowed.update(f for f in found if aliases.get(f) in chosen)
    return [f for f in found if f not in shadowed]


def _shadowed_modules(root: Path, files: Sequence[str], candidates: Sequence[str]) -> set[str]:
    """Modules that no import can reach: `providers.py` beside a `providers/` package with
    an `__init__.py`, which Python finds first (Letta kept its old `schemas/providers.py`
    after splitting it into a package). One that tests for `__main__` is a script run by
    its path (`bazarr.py` beside `bazarr/`), which still runs, and is kept."""
    present = set(files)
    shadowed = set()
    for rel in candidates:
        if rel.rpartition("/")[2] == "__init__.py" or f"{rel[:-3]}/__init__.py" not in present:
            continue
        note_read(root / rel)
        try:
            if b"__main__" not in (root / rel).read_bytes():
                shadowed.add(rel)
        except OSError:
            continue  # unreadable: the scan reports it when it reads the file
    return shadowed


def _scan_errors(errors: Iterable[ReportError]) -> list[ReportError]:
    """The walk's errors a scan of Python code reports: a dangling link named `README` or
    a hook script (Pagure's `pagure_no_new_branches`) was never going to be read by it."""
    return [e for e in errors if e.path.endswith(".py") or not e.reason.startswith(_FILE_ERRORS)]


_FILE_ERRORS = ("broken symlink", "symlink loop", "unreadable")


def discover(paths: Sequence[Path]) -> tuple[Path, list[str], list[ReportError]]:
    """Production Python files under the given paths, relative to their common root."""
    root, files, errors, _walked = _discover(paths)
    return root, files, errors


def _discover(
    paths: Sequence[Path],
    cache: ScanCache | None = None,
    before_walk: Callable[[], None] | None = None,
) -> tuple[Path, list[str], list[ReportError], Sequence[str] | None]:
    """`discover`, and every file walked under the root when one folder was (else None).
    `before_walk` is called when a folder must be walked (its walk is not remembered)."""
    if len(paths) == 1 and paths[0].is_dir():
        return _discover_folder(paths[0], cache, before_walk)
    resolved = [p.resolve() for p in paths]
    if before_walk is not None and any(p.is_dir() for p in resolved):
        before_walk()
    root = Path(os.path.commonpath([p if p.is_dir() else p.parent for p in resolved]))
    found: list[str] = []
    errors: list[ReportError] = []
    for p in resolved:
        if p.is_dir():
            repo = walk_repository(p)
            prefix = p.relative_to(root).as_posix()
            errors.extend(_scan_errors(repo.errors))
            found.extend(
                f"{prefix}/{f}" if prefix != "." else f
                for f in _production_files(p, repo.files, repo.aliases)
            )
        else:
            found.append(p.relative_to(root).as_posix())
    return root, sorted(set(found)), errors, None


def _discover_folder(
    root: Path, cache: ScanCache | None, before_walk: Callable[[], None] | None = None
) -> tuple[Path, list[str], list[ReportError], Sequence[str]]:
    """One folder's production files, errors and walked files. The walk is remembered in
    the cache and reused while everything it rested on is unchanged (`walk_memo`)."""
    memo = cache.walk_memo(root) if cache is not None else None
    if memo is not None and (recalled := recall(memo)) is not None:
        files, errors, walked = recalled
        return root, files, errors, walked
    if before_walk is not None:
        before_walk()
    started = time.time_ns()
    with recording_reads() as reads:
        repo = walk_repository(root)
        files = _production_files(root, repo.files, repo.aliases)
    errors = _scan_errors(repo.errors)
    if cache is not None:
        cache.remember_walk(root, capture(root, repo, reads, files, errors, started))
    return root, files, errors, repo.files


def scan_paths(
    paths: Sequence[Path],
    *,
    jobs: int | None = None,
    cache: ScanCache | None = None,
    progress: Progress | None = None,
) -> ScanResult:
    count = jobs if jobs is not None else (os.cpu_count() or 1)
    with ScanWorkers(count, prepare=_rules) as workers:
        root, rels, errors, walked = _discover(paths, cache, before_walk=workers.start)
        results = scan_files(root, rels, cache=cache, progress=progress, workers=workers)
        rules = rule_facts(cache, workers)
    facts_by_file = {r: v.facts for r, v in results.items()}
    left_out = tuple(
        d + "/" for d in {*import_path_dirs(facts_by_file, rels), *harness_package_dirs(results)}
    )
    if left_out:
        results = {rel: r for rel, r in results.items() if not rel.startswith(left_out)}
    findings, file_errors, stats = assemble(
        results, rules, unused=unused_code_names(root, results, walked)
    )
    stats["files"] = len(results)
    stats["cached"] = cache.hits if cache is not None else 0
    return ScanResult(
        root=str(root),
        findings=findings,
        errors=sorted([*errors, *file_errors], key=lambda e: (e.path, e.reason)),
        stats=stats,
    )


def unused_code_names(
    root: Path, results: Mapping[str, FileResult], walked: Sequence[str] | None
) -> set[str]:
    """Of the names that hits in possibly unused code ask about, those that no file names
    besides their definition, in modules that some file does name. Files searched: those
    under the scanned folder and, when that folder is in a git work tree, the rest of the
    tree that git does not ignore."""
    targets = soft_targets(h.condition for r in results.values() for h in r.hits)
    if not targets:
        return set()
    root = Path(os.path.abspath(root))

    def trees() -> Iterator[tuple[Path, Sequence[str]]]:
        yield root, walked if walked is not None else walk_repository(root).files
        top = _work_tree_top(root)
        if top is not None and top != root:
            inside = root.relative_to(top).as_posix()
            yield top, walk_repository(top, exclude=[inside]).files

    return unused_names(targets, trees(), root)


def _work_tree_top(root: Path) -> Path | None:
    above, in_work_tree = folders_above(root)
    if not in_work_tree:
        return None
    return above[-1] if above else Path(os.path.abspath(root))


def scan_files(
    root: Path,
    rels: Sequence[str],
    *,
    workers: ScanWorkers,
    cache: ScanCache | None = None,
    progress: Progress | None = None,
) -> dict[str, FileResult]:
    """Each file's result, from the cache or analysed now: on `workers` when they were
    started already or there are enough files to repay forking them, else in this
    process."""
    results: dict[str, FileResult] = {}
    todo: list[str] = []
    root = Path(os.path.abspath(root))
    top = str(root)
    if cache is not None:
        cached = cache.get_many([os.path.join(top, rel) for rel in rels])
        for rel in rels:
            hit = cached.get(os.path.join(top, rel))
            if hit is None:
                todo.append(rel)
            else:
                results[rel] = hit
    else:
        todo = list(rels)
    _analyse(top, todo, workers, progress, results, cache)
    if cache is not None:
        cache.flush()
    return {rel: results[rel] for rel in rels}  # in the order asked, however they came


def _analyse(
    top: str,
    todo: list[str],
    workers: ScanWorkers,
    progress: Progress | None,
    results: dict[str, FileResult],
    cache: ScanCache | None,
) -> None:
    """Analyse `todo` into `results` (and the cache, as each chunk comes back)."""
    if todo and workers.count > 1 and (workers.started or len(todo) >= _PARALLEL_THRESHOLD):
        sizes = [_size(os.path.join(top, rel)) + _FILE_COST_BYTES for rel in todo]
        chunks = shrinking_chunks(todo, sizes, workers.count, _LEAST_CHUNK_BYTES)
        done = 0
        for chunk in workers.map(_scan_chunk, [(top, c) for c in chunks]):
            _keep(top, chunk, results, cache)
            done += len(chunk)
            if progress:
                progress(done, len(todo))
    else:
        for i in range(0, len(todo), _CHUNK):
            _keep(top, _scan_chunk((top, todo[i : i + _CHUNK])), results, cache)


def _keep(
    top: str,
    chunk: dict[str, tuple[str, FileResult]],
    results: dict[str, FileResult],
    cache: ScanCache | None,
) -> None:
    for rel, (digest, result) in chunk.items():
        results[rel] = result
        if cache is not None and digest:
            cache.put(os.path.join(top, rel), digest, result)


def _size(path: str) -> int:
    try:
        return os.stat(path).st_size
    except OSError:
        return 0  # the worker reports why it cannot be read


def _scan_chunk(item: tuple[str, list[str]]) -> dict[str, tuple[str, FileResult]]:
    with paused_gc():
        return _scan_files_in(*item)


def _scan_files_in(root: str, rels: list[str]) -> dict[str, tuple[str, FileResult]]:
    out: dict[str, tuple[str, FileResult]] = {}
    for rel in rels:
        try:
            with open(os.path.join(root, rel), "rb") as fh:
                data = fh.read()
        except OSError as exc:
            out[rel] = ("", FileResult(error=f"cannot be read: {exc.strerror}"))
            continue
        out[rel] = (result_key(rel, data), scan_source(rel, data))
    return out


def rule_facts(
    cache: ScanCache | None = None, workers: ScanWorkers | None = None
) -> dict[str, RuleFacts]:
    """What findings take from each rule: from the cache when it holds them for these
    rules, else from the rules themselves (and then kept there for the next run). The
    rules are asked in a worker when workers are running: they have the rules loaded, and
    the main process of a scan on workers need not load them at all."""
    stored = cache.rule_facts() if cache is not None else None
    if stored is not None:
        return stored
    if workers is not None and workers.started:
        facts = workers.call(_facts_of_rules)
    else:
        facts = _facts_of_rules()
    if cache is not None:
        cache.put_rule_facts(facts)
    return facts


def _facts_of_rules() -> dict[str, RuleFacts]:
    return {rule_id: rule.facts() for rule_id, rule in _rules().items()}


def assemble(
    results: dict[str, FileResult],
    rules: Mapping[str, RuleFacts] | None = None,
    *,
    unused: set[str] | frozenset[str] = frozenset(),
) -> tuple[list[Finding], list[ReportError], dict[str, int | float]]:
    """Apply project facts, suppressions and rule metadata to the per-file hits. A hit in
    a function or class named in `unused` (nothing else in the repository names it) is
    demoted to low confidence."""
    if rules is None:
        rules = rule_facts()
    facts: set[str] = set()
    for result in results.values():
        facts.update(result.facts)
    facts |= implied(facts)
    findings: list[Finding] = []
    errors: list[ReportError] = []
    for rel in sorted(results):
        result = results[rel]
        if result.error:
            errors.append(ReportError(rel, result.error))
            continue
        raw = [
            _demoted(h, unused) if unused else h
            for h in result.hits
            if h.condition is None or holds(h.condition, facts)
        ]
        findings.extend(apply_suppressions(rel, raw, result.suppressions, rules))
    stats: dict[str, int | float] = {
        "findings": sum(1 for f in findings if not f.suppressed),
        "suppressed": sum(1 for f in findings if f.suppressed),
        "unreadable": len(errors),
    }
    return findings, errors, stats


def _demoted(hit: RawHit, unused: set[str] | frozenset[str]) -> RawHit:
    if hit.condition is None or SOFT not in hit.condition:
        return hit
    _hard, targets = split_condition(hit.condition)
    names = [name for name, _ in targets if name in unused]
    if not names:
        return hit
    note = f"; nothing else in the repository names `{names[0]}`, so this may never run"
    return replace(hit, confidence="low", message=hit.message + note)


def implied(facts: set[str] | frozenset[str]) -> set[str]:
    """The consequents of the `A=>B` facts whose antecedent A was established."""
    out: set[str] = set()
    for fact in facts:
        if "=>" in fact:
            antecedent, _, consequent = fact.partition("=>")
            if antecedent in facts:
                out.add(consequent)
    return out


def holds(condition: str, facts: set[str] | frozenset[str]) -> bool:
    """Does a hit's condition hold: every `&`-separated fact established, and none of
    those written `!fact`? Soft facts (`?fact`) never remove a hit; see `assemble`."""
    for part in condition.split("&"):
        if part.startswith(SOFT):
            continue
        if part.startswith("!"):
            if part[1:] in facts:
                return False
        elif part not in facts:
            return False
    return True


def findings_for(results: Iterable[Finding], categories: Iterable[str]) -> list[Finding]:
    wanted = set(categories)
    return [f for f in results if f.category in wanted]
