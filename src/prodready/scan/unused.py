"""Code that nothing in the repository names: a finding there is demoted to low confidence.

Reviewers of real applications found about half of the wrong high-confidence findings in
code that nothing calls: GrimoireELK's helper that reads Kibiter's version, kept in
`utils.py` after its last caller went, or BMTools' model-status helper. A call there that
waits forever cannot hang a request. But "nothing calls it" is only a guess from text: a
function may be named in a config file, looked up by a string or called by a framework by
convention. So such a finding is not dropped; it is shown at low confidence, with the
reason, for those who ask for everything (`--min-confidence low`).

A top-level function or class is a candidate when its name appears only once in its own
file (the definition) and it has no decorator (a decorator registers it: a route, a task, a
command), a class no base but `object` (a base may register it: a Django `Command`, a
model), and its name is not one that servers and frameworks call by convention
(`application`, `lambda_handler`, gunicorn's `post_fork`, `app_factory`, `main`, ...).
Whether any other file names it is only known once every file is read: each hit there
carries a soft condition `?used:NAME@PATH`, and the scan then looks for the name as a whole
word in every text file of the repository (Python, and config: `setup.cfg` entry points,
`api-paste.ini` factories, YAML handlers, Dockerfiles). Any mention, even in a comment or a
document, keeps the finding as it was. So does a module that no other file names: it may
be a script run by its path or a plugin loaded from a folder, and a sample of one file has
no callers to find. Only a module that is loaded, with a part nothing names, is judged to
have left-over code. The scan and the audit judge findings so; the gate judges a change's
new code as found, since a new helper is often called only by the next change.
"""

from __future__ import annotations

import ast
import os
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

SOFT = "?"
USED_FACT = "used:"

# Names that servers, platforms and frameworks call without any code naming them.
_CONVENTIONAL = frozenset(
    {
        "main",
        "application",
        "app",
        "handler",
        "lambda_handler",
        "create_app",
        "make_app",
        "app_factory",
        "filter_factory",
        "factory",
        "includeme",
        "setup",
        "teardown",
        "register",
        "upgrade",
        "downgrade",
        "run",
        "load_ipython_extension",
        "serve",
        "child_exit",
        "worker_exit",
        "worker_int",
        "worker_abort",
        "nworkers_changed",
    }
)
# Prefixes of hook names: gunicorn's `on_starting`/`post_fork`/`pre_request`/`when_ready`,
# pytest plugins' `pytest_configure`, Jupyter's `_jupyter_server_extension_points`.
_HOOK_PREFIXES = ("on_", "pre_", "post_", "when_", "pytest_", "_jupyter", "celery_")
# Files that look a function up by a computed name: any of their functions may be used.
_DYNAMIC_LOOKUP = re.compile(r"\bglobals\(\)|sys\.modules\[__name__\]|\b__getattr__\b")
# Text files searched for a name besides the Python ones.
_CONFIG_SUFFIXES = (
    ".pyi", ".cfg", ".ini", ".toml", ".yaml", ".yml", ".json", ".conf", ".txt", ".sh", ".in",
    ".j2", ".jinja", ".html", ".md", ".rst", ".tmpl", ".env", ".service",
)  # fmt: skip
_TEXT_NAMES = frozenset({"Dockerfile", "Makefile", "Procfile", "Containerfile", "Justfile"})
_LARGEST = 2_000_000  # bytes: larger files are data, not code or config


def candidate_spans(
    tree: ast.Module, source: str, lines: Iterable[int]
) -> list[tuple[int, int, str]]:
    """(first line, last line, name) of each top-level function or class holding one of
    `lines` (the hits') that no other line of its file names and that nothing registers.
    The file is searched once for all of their names together."""
    if _DYNAMIC_LOOKUP.search(source) is not None:
        return []
    wanted = sorted(set(lines))
    spans: list[tuple[int, int, str]] = []
    for stmt in tree.body:
        last = stmt.end_lineno or stmt.lineno
        if not any(stmt.lineno <= line <= last for line in wanted) or not _unregistered(stmt):
            continue
        assert isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
        name = stmt.name
        if name in _CONVENTIONAL or name.startswith(_HOOK_PREFIXES) or name.startswith("__"):
            continue
        spans.append((stmt.lineno, last, name))
    if not spans:
        return []
    names = "|".join(re.escape(name) for _, _, name in spans)
    mentions = Counter(re.findall(rf"\b({names})\b", source))
    return [span for span in spans if mentions[span[2]] == 1]


def _unregistered(stmt: ast.stmt) -> bool:
    if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef):
        return not stmt.decorator_list
    if isinstance(stmt, ast.ClassDef):
        return (
            not stmt.decorator_list
            and not stmt.keywords
            and all(isinstance(b, ast.Name) and b.id == "object" for b in stmt.bases)
        )
    return False


def enclosing_candidate(spans: list[tuple[int, int, str]], line: int) -> str | None:
    for first, last, name in spans:
        if first <= line <= last:
            return name
    return None


def soft_condition(name: str, rel: str) -> str:
    return f"{SOFT}{USED_FACT}{name}@{rel}"


def soft_targets(conditions: Iterable[str | None]) -> set[tuple[str, str]]:
    """(name, module path) of each soft `?used:NAME@PATH` condition of some hit."""
    found: set[tuple[str, str]] = set()
    for condition in conditions:
        if condition and SOFT in condition:
            found.update(_targets(condition))
    return found


def _targets(condition: str) -> Iterator[tuple[str, str]]:
    for part in condition.split("&"):
        if part.startswith(SOFT + USED_FACT):
            name, _, rel = part[len(SOFT + USED_FACT) :].partition("@")
            yield name, rel


def module_word(rel: str) -> str:
    """The name other code imports the module by: `utils` for `app/notifications/utils.py`,
    `clients` for `app/clients/__init__.py`."""
    parts = rel.removesuffix(".py").split("/")
    return parts[-2] if parts[-1] == "__init__" and len(parts) > 1 else parts[-1]


def split_condition(condition: str) -> tuple[str | None, list[tuple[str, str]]]:
    """A condition's hard part (facts that must hold for the hit to stand at all) and the
    (name, module) pairs whose being unused only demotes it."""
    hard = [p for p in condition.split("&") if not p.startswith(SOFT)]
    return ("&".join(hard) or None), list(_targets(condition))


def unused_names(
    targets: set[tuple[str, str]], trees: Iterable[tuple[Path, Sequence[str]]], root: Path
) -> set[str]:
    """The target names that nothing but their definition names, in modules that some other
    file names (so the module is loaded, and only this part of it is left over). A module
    that no file names may be a script run by its path or a plugin loaded from a folder: its
    code is judged as usual. Files near the modules are read first, and reading stops once
    every name is found named again, which in a project without left-over code is soon."""
    if not targets:
        return set()
    base = os.path.abspath(root)
    names = {name for name, _ in targets}
    modules = {module_word(rel): os.path.join(base, rel) for _, rel in targets}
    count: dict[str, int] = {}
    loaded: set[str] = set()  # module words some other file names
    pattern = _pattern(names | set(modules))
    folders = {rel.rpartition("/")[0] for _, rel in targets}
    for path in _nearest_first(trees, folders):
        found = _words_in(path, pattern)
        if found is None:  # unreadable: it might name any of them
            return set()
        newly_loaded = False
        for word in found:
            count[word] = count.get(word, 0) + 1
            if word in modules and word not in loaded and modules[word] != path:
                loaded.add(word)
                newly_loaded = True
        if all(count.get(name, 0) > 1 for name in names):
            return set()
        if newly_loaded:  # a module word is often common (`utils`): stop looking for it
            pattern = _pattern(names | (set(modules) - loaded))
    return {name for name, rel in targets if count.get(name, 0) <= 1 and module_word(rel) in loaded}


def _pattern(words: set[str]) -> re.Pattern[bytes]:
    alternatives = b"|".join(re.escape(w.encode()) for w in sorted(words))
    return re.compile(rb"\b(" + alternatives + rb")\b")


def _words_in(path: str, pattern: re.Pattern[bytes]) -> list[str] | None:
    try:
        with open(path, "rb") as handle:
            data = handle.read(_LARGEST + 1)
    except OSError:
        return None
    if len(data) > _LARGEST or b"\0" in data[:1024]:
        return []
    return [match.group(1).decode() for match in pattern.finditer(data)]


def _nearest_first(trees: Iterable[tuple[Path, Sequence[str]]], folders: set[str]) -> Iterator[str]:
    """Absolute paths of the trees' text files: Python files first, those in a module's
    folder before those in its parent's and so on up (a caller is most often a neighbour),
    then config. A later tree is walked only if the search gets that far."""
    ancestors: set[str] = set()
    for folder in folders:
        parts = folder.split("/") if folder else []
        ancestors.update("/".join(parts[:i]) for i in range(len(parts) + 1))
    for root, files in trees:
        top = os.path.abspath(root)
        python = sorted(
            (rel for rel in files if rel.endswith(".py")), key=lambda rel: -_depth(rel, ancestors)
        )
        for rel in python:
            yield os.path.join(top, rel)
        for rel in files:  # listed only if no Python file named them all
            if _config_file(rel):
                yield os.path.join(top, rel)


def _depth(rel: str, ancestors: set[str]) -> int:
    """How many folders `rel`'s folder shares with the nearest module folder."""
    folder = rel.rpartition("/")[0]
    while folder not in ancestors:
        folder = folder.rpartition("/")[0]
    return folder.count("/") + 1 if folder else 0


def _config_file(rel: str) -> bool:
    base = rel.rpartition("/")[2]
    return base in _TEXT_NAMES or base.lower().endswith(_CONFIG_SUFFIXES)
