"""Analyse every Python file of a repository, in parallel, and name its modules.

Parsing dominates an audit's wall time; spreading files over the machine's cores and
sending back only small summaries is what keeps the audit within a few times a plain
single-process parse, even on a tree the size of Django's.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from prodready.astwalk import paused_gc
from prodready.model import ReportError
from prodready.repo.files import (
    RepoIndex,
    is_example_path,
    is_production_path,
    is_template_path,
    is_test_path,
)
from prodready.repo.python_facts import PyFacts, analyse_with_tree

if TYPE_CHECKING:
    from prodready.scan.engine import FileResult

# Below this many files a process pool costs more to start than it saves.
_PARALLEL_THRESHOLD = 150
_CHUNK = 64

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class PythonIndex:
    facts: dict[str, PyFacts]  # by repository-relative path
    modules: dict[str, str]  # dotted module name -> relative path
    errors: tuple[ReportError, ...]
    # results of the scan rules over production files, when the index ran them
    scans: dict[str, FileResult] = field(default_factory=dict)

    def production(self) -> Iterator[PyFacts]:
        for rel, facts in self.facts.items():
            if is_production_path(rel) and facts.error is None:
                yield facts

    def tests(self) -> Iterator[PyFacts]:
        """The project's own tests (an example app's tests are the example's)."""
        for rel, facts in self.facts.items():
            if is_test_path(rel) and facts.error is None and not is_example_path(rel):
                yield facts

    def module_of(self, rel: str) -> str | None:
        return self._by_path().get(rel)

    def _by_path(self) -> dict[str, str]:
        cached: dict[str, str] | None = getattr(self, "_path_cache", None)
        if cached is None:
            cached = {rel: mod for mod, rel in self.modules.items()}
            object.__setattr__(self, "_path_cache", cached)
        return cached


def index_python(
    repo: RepoIndex,
    *,
    paths: list[str] | None = None,
    jobs: int | None = None,
    progress: Progress | None = None,
    scan: bool = False,
) -> PythonIndex:
    """Facts of every Python file; with `scan`, the scan rules run on the same parse of
    each production file, so an audit pays for one parse per file, not two."""
    rels = (
        paths
        if paths is not None
        else [f for f in repo.files if f.endswith(".py") and not is_template_path(f)]
    )
    work = [(str(repo.root), rel, scan, str(repo.external.get(rel, ""))) for rel in rels]
    results: list[tuple[PyFacts, FileResult | None]] = []
    workers = jobs if jobs is not None else (os.cpu_count() or 1)
    if workers > 1 and len(work) >= _PARALLEL_THRESHOLD:
        if scan:  # load the rules before forking, so each worker inherits them loaded
            from prodready.scan.registry import all_rules

            all_rules()
        chunks = [work[i : i + _CHUNK] for i in range(0, len(work), _CHUNK)]
        with ProcessPoolExecutor(max_workers=workers) as pool:
            for chunk_result in pool.map(_analyse_chunk, chunks):
                results.extend(chunk_result)
                if progress:
                    progress(len(results), len(work))
    else:
        for i in range(0, len(work), _CHUNK):
            results.extend(_analyse_chunk(work[i : i + _CHUNK]))
            if progress:
                progress(len(results), len(work))
    modules = _module_names(repo, rels)
    by_path = {rel: mod for mod, rel in modules.items()}
    facts = {f.rel: _resolve_relative(f, by_path.get(f.rel)) for f, _ in results}
    errors = tuple(ReportError(f.rel, f.error) for f, _ in results if f.error)
    scans = {f.rel: r for f, r in results if r is not None}
    return PythonIndex(facts=facts, modules=modules, errors=errors, scans=scans)


def _analyse_chunk(
    chunk: list[tuple[str, str, bool, str]],
) -> list[tuple[PyFacts, FileResult | None]]:
    with paused_gc():
        return [_analyse_one(*item) for item in chunk]


def _analyse_one(
    root: str, rel: str, scan: bool, external: str = ""
) -> tuple[PyFacts, FileResult | None]:
    try:
        with open(external or os.path.join(root, rel), "rb") as fh:
            data = fh.read()
    except OSError as exc:
        return PyFacts(rel, 0, 0, error=f"cannot be read: {exc.strerror}"), None
    is_test = is_test_path(rel)
    facts, parsed = analyse_with_tree(rel, data, is_test=is_test)
    if not scan or parsed is None or is_test:
        return facts, None
    from prodready.scan.engine import scan_source

    return facts, scan_source(rel, data, parsed[0], parsed[1])


def _resolve_relative(facts: PyFacts, module: str | None) -> PyFacts:
    """Resolve `from .x import y` against the module's real dotted name, which only the
    index knows (a file's path says nothing about where its package starts)."""
    if not any(i.level for i in facts.imports):
        return facts
    package = module.split(".") if module else []
    if not facts.rel.endswith("__init__.py"):
        package = package[:-1]
    imports = []
    for imp in facts.imports:
        if not imp.level:
            imports.append(imp)
            continue
        if module is None or imp.level - 1 > len(package):
            continue  # beyond the top package: Python would refuse it too
        base = package[: len(package) - (imp.level - 1)]
        name = ".".join([*base, imp.module] if imp.module else base)
        if name:
            imports.append(replace(imp, module=name, level=0))
    return replace(facts, imports=tuple(imports))


def _module_names(repo: RepoIndex, rels: list[str]) -> dict[str, str]:
    """Dotted names as Python would import them: climb while the parent is a package."""
    modules: dict[str, str] = {}
    for rel in rels:
        parts = rel[:-3].split("/")
        if parts[-1] == "__init__":
            parts = parts[:-1]
            pkg_dirs = len(parts)
        else:
            pkg_dirs = len(parts) - 1
        # find the outermost directory of the chain of packages containing this file
        top = pkg_dirs
        while top > 0 and repo.is_file("/".join(parts[:top]) + "/__init__.py"):
            top -= 1
        name_parts = parts[top:]
        if name_parts and all(p.isidentifier() for p in name_parts):
            modules.setdefault(".".join(name_parts), rel)
    return modules
