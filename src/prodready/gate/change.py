"""The change under review, analysed: which files, which executable lines, which tests.

A change is the diff ``base...head``: what head did since it forked from base. Its
content is read from git objects (``git cat-file``), never from the working tree, which
may hold something else. Lines that only moved (the same text removed elsewhere in the
change), comments, docstrings and blank lines are not changed executable lines: a
reformatting or a refactoring that moves a function must not demand new tests.
"""

from __future__ import annotations

import ast
import bisect
import functools
import io
import tokenize
from collections import Counter, deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar, Literal

from prodready.astwalk import parse_quietly
from prodready.gate import git
from prodready.gate.diff import FileDiff, parse_diff
from prodready.repo.files import is_example_path, is_test_path
from prodready.repo.python_facts import analyse_source

PathKind = Literal["production", "test", "other"]

# A Python file larger than this is not parsed (generated code, vendored bundles); its
# changed lines are counted with the line-by-line fallback instead.
MAX_SOURCE_BYTES = 2_000_000
_REGULAR_MODES = frozenset({"100644", "100755"})
_DOC_SUFFIXES = (".md", ".markdown", ".rst", ".adoc")
_DOC_NAMES = frozenset({"license", "licence", "copying", "notice", "authors", "changelog"})
_NON_CODE_TOKENS = frozenset(
    {
        tokenize.COMMENT,
        tokenize.NL,
        tokenize.NEWLINE,
        tokenize.INDENT,
        tokenize.DEDENT,
        tokenize.ENCODING,
        tokenize.ENDMARKER,
    }
)


@dataclass(frozen=True)
class ExecutableLines:
    """The changed lines of one Python file that execute.

    `statements` holds the first line of each statement those lines belong to: coverage
    tools record a multi-line statement on its first line, so that is where to look up
    whether a changed line ran. `fallback` is True when the source could not be parsed and
    `lines` are simply the non-blank, non-comment added lines; `reason` says why."""

    lines: frozenset[int]
    statements: frozenset[int]
    fallback: bool = False
    reason: str | None = None


@dataclass(frozen=True)
class LineCounts:
    added: int = 0
    removed: int = 0


@dataclass(frozen=True)
class TestRef:
    """A test function in a test file (``__test__``: not itself a pytest test class)."""

    __test__: ClassVar[bool] = False
    path: str
    name: str  # qualified within the file, e.g. ``TestRefund.test_twice``
    line: int


@dataclass(frozen=True)
class Change:
    """The analysed change between `merge_base` (where head forked from base) and head.

    `executable` has an entry for every production Python file with added lines (moved
    lines already removed); `moved` lists, per file, the added lines that only moved.
    `notes` say where the analysis is weaker than it looks (a file that did not parse)."""

    base: str
    head: str
    merge_base: str
    files: tuple[FileDiff, ...] = ()
    executable: Mapping[str, ExecutableLines] = field(default_factory=dict, hash=False)
    moved: Mapping[str, frozenset[int]] = field(default_factory=dict, hash=False)
    production_lines: LineCounts = LineCounts()
    test_lines: LineCounts = LineCounts()
    other_lines: LineCounts = LineCounts()
    tests_added: tuple[TestRef, ...] = ()
    tests_removed: tuple[TestRef, ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def paths(self) -> tuple[str, ...]:
        return tuple(f.path for f in self.files)

    def file(self, path: str) -> FileDiff | None:
        return next((f for f in self.files if f.path == path), None)

    def files_of_kind(self, kind: PathKind) -> tuple[FileDiff, ...]:
        return tuple(f for f in self.files if path_kind(f.path) == kind)

    @property
    def changed_executable_lines(self) -> int:
        return sum(len(e.lines) for e in self.executable.values())


def path_kind(rel: str) -> PathKind:
    """``test`` (by pytest's conventions), ``other`` (examples, docs, prose such as
    README.md or LICENSE) or ``production`` (everything else that ships, any language)."""
    if is_test_path(rel):
        return "test"
    name = rel.rsplit("/", 1)[-1].lower()
    if is_example_path(rel) or name.endswith(_DOC_SUFFIXES) or name.split(".", 1)[0] in _DOC_NAMES:
        return "other"
    return "production"


def is_python_path(rel: str) -> bool:
    return rel.endswith(".py")


def moved_only_lines(files: Iterable[FileDiff]) -> dict[str, frozenset[int]]:
    """Per file, the added lines whose stripped text was removed somewhere in the change.

    Each removed line accounts for one added line (a multiset), matched in diff order, so
    a line duplicated into two places counts once as moved and once as new. Blank lines
    are never matched: they are not counted as changed anyway."""
    files = list(files)
    removed = Counter(
        text.strip() for f in files for text in f.removed_text.values() if text.strip()
    )
    moved: dict[str, frozenset[int]] = {}
    for f in files:
        lines: set[int] = set()
        for line in f.added:
            text = f.added_text.get(line, "").strip()
            if text and removed[text] > 0:
                removed[text] -= 1
                lines.add(line)
        if lines:
            moved[f.path] = frozenset(lines)
    return moved


def executable_changed_lines(
    file: FileDiff, new_source: str, *, ignore: Iterable[int] = ()
) -> ExecutableLines:
    """The added lines of `file` that are executable in `new_source` (the file at head).

    Executable means inside the line span of an ``ast`` statement (a compound statement
    owns only its header: ``def f(...)``, ``if x:``, decorators) and carrying code, not
    only a comment. String-expression statements (docstrings, which the compiler drops)
    own no lines. Lines in `ignore` (those that only moved) are left out. A source that
    does not parse falls back to the non-blank, non-comment added lines, flagged."""
    skip = frozenset(ignore)
    candidates = [ln for ln in file.added if ln not in skip]
    try:
        tree = parse_python(new_source)
        owner, ends = _statement_owners(tree, sorted(candidates))
    except SyntaxError as exc:
        return _fallback(file, new_source, candidates, f"syntax error at line {exc.lineno}")
    except (ValueError, RecursionError, MemoryError) as exc:
        return _fallback(file, new_source, candidates, f"cannot be parsed: {type(exc).__name__}")
    owned = [ln for ln in candidates if ln in owner]
    code = _code_lines_in(new_source, {(owner[ln], ends[owner[ln]]) for ln in owned})
    lines = frozenset(ln for ln in owned if code is None or ln in code)
    return ExecutableLines(lines, frozenset(owner[ln] for ln in lines))


@functools.lru_cache(maxsize=128)
def parse_python(source: str) -> ast.Module:
    """`ast.parse`, remembered: the change's analysis, its scan and its entry points read
    the same head sources, and parsing is most of the gate's time on a large change. The
    tree is shared, so nobody may modify it. Newer syntax is read as the scan reads it."""
    return parse_quietly(source, "<change>")


def _fallback(
    file: FileDiff, source: str | None, candidates: list[int], reason: str
) -> ExecutableLines:
    text = source.split("\n") if source is not None else []
    lines = set()
    for ln in candidates:
        line = text[ln - 1] if 0 < ln <= len(text) else file.added_text.get(ln, "")
        stripped = line.strip()
        if stripped and not stripped.startswith("#"):
            lines.add(ln)
    found = frozenset(lines)
    return ExecutableLines(found, found, fallback=True, reason=reason)


def _statement_owners(
    tree: ast.Module, wanted: Sequence[int] | None = None
) -> tuple[dict[int, int], dict[int, int]]:
    """Line -> first line of the statement that owns it, and that first line -> the last
    line it owns. With `wanted` (sorted line numbers), only statements whose lines hold one
    of them are visited, so a change to a few lines of a long module does not walk all of
    it; the owners of the wanted lines are the same either way (breadth first, the
    outermost statement that owns a line keeps it)."""
    owner: dict[int, int] = {}
    ends: dict[int, int] = {}
    queue: deque[ast.AST] = deque(_statement_children(tree))
    while queue:
        node = queue.popleft()
        if wanted is not None and not _spans_any(node, wanted):
            continue
        queue.extend(_statement_children(node))
        if isinstance(node, ast.Expr) and _is_string(node.value):
            continue
        if isinstance(node, ast.match_case):
            start = node.pattern.lineno
            end = max(start, node.body[0].lineno - 1)
        elif isinstance(node, ast.stmt | ast.ExceptHandler):
            start = node.lineno
            decorators: list[ast.expr] = getattr(node, "decorator_list", [])
            if decorators:
                start = min(start, *(d.lineno for d in decorators))
            first = _first_child(node)
            if first is not None:  # a compound statement owns its header only
                end = max(node.lineno, first - 1)
            else:
                end = node.end_lineno or node.lineno
        else:
            continue
        ends[start] = max(ends.get(start, end), end)
        for line in range(start, end + 1):
            owner.setdefault(line, start)
    return owner, ends


def _statement_children(node: ast.AST) -> list[ast.AST]:
    """Statements can only be children of statements, handlers and cases (never of
    expressions), so these are the only children that can own lines."""
    return [
        child
        for child in ast.iter_child_nodes(node)
        if isinstance(child, ast.stmt | ast.ExceptHandler | ast.match_case)
    ]


def _spans_any(node: ast.AST, wanted: Sequence[int]) -> bool:
    """Whether the node's lines (decorators included) hold one of the sorted `wanted`."""
    if isinstance(node, ast.match_case):
        start = node.pattern.lineno
        last = node.body[-1]
        end = last.end_lineno or last.lineno
    else:
        assert isinstance(node, ast.stmt | ast.ExceptHandler)
        decorators: list[ast.expr] = getattr(node, "decorator_list", [])
        start = min([node.lineno, *(d.lineno for d in decorators)])
        end = node.end_lineno or node.lineno
    i = bisect.bisect_left(wanted, start)
    return i < len(wanted) and wanted[i] <= end


def _first_child(node: ast.stmt | ast.ExceptHandler) -> int | None:
    """The line where a compound statement's body starts, None for a simple statement."""
    if isinstance(node, ast.Match):
        return node.cases[0].pattern.lineno if node.cases else None
    body = getattr(node, "body", None)
    if isinstance(body, list) and body and isinstance(body[0], ast.stmt):
        return body[0].lineno
    return None


def _is_string(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, str | bytes)


def _code_lines(source: str) -> frozenset[int] | None:
    """Lines that carry a token other than a comment (a multi-line string carries all its
    lines); None when the source cannot be tokenized."""
    lines: set[int] = set()
    try:
        for tok in tokenize.generate_tokens(io.StringIO(source).readline):
            if tok.type not in _NON_CODE_TOKENS:
                lines.update(range(tok.start[0], tok.end[0] + 1))
    except (tokenize.TokenError, SyntaxError):
        return None
    return frozenset(lines)


def _code_lines_in(source: str, ranges: Iterable[tuple[int, int]]) -> frozenset[int] | None:
    """`_code_lines` within the given statement line ranges only: each statement is
    tokenized on its own (a statement's tokens do not depend on what surrounds it), so a
    small change to a long module does not tokenize all of it. Falls back to the whole
    source when a piece cannot be tokenized alone."""
    text = source.split("\n")
    lines: set[int] = set()
    for start, end in sorted(ranges):
        piece = "\n".join(text[start - 1 : end]) + "\n"
        found = _code_lines(piece)
        if found is None:
            return _code_lines(source)
        lines.update(ln + start - 1 for ln in found)
    return frozenset(lines)


def _counts(files: Iterable[FileDiff]) -> LineCounts:
    added = removed = 0
    for f in files:
        added += len(f.added)
        removed += f.removed_count
    return LineCounts(added, removed)


def _decode(data: bytes) -> str | None:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None


class _Blobs:
    """Base and head content of the change's files, read in one ``git cat-file`` call."""

    def __init__(self, root: Path, entries: list[git.ChangedFile], files: list[FileDiff]):
        self.by_path = {e.path: e for e in entries}
        wanted: set[str] = set()
        for f in files:
            entry = self.by_path.get(f.path)
            if entry is None or not is_python_path(f.path):
                continue
            if entry.new_blob and entry.new_mode in _REGULAR_MODES:
                wanted.add(entry.new_blob)
            if is_test_path(f.path) and entry.old_blob and entry.old_mode in _REGULAR_MODES:
                wanted.add(entry.old_blob)
        self.data = git.read_blobs(root, wanted)

    def is_regular(self, path: str) -> bool:
        """Whether `path` is a regular file at head (True when git did not say)."""
        entry = self.by_path.get(path)
        return entry is None or entry.new_mode in _REGULAR_MODES

    def new(self, path: str) -> bytes | None:
        entry = self.by_path.get(path)
        blob = entry.new_blob if entry and entry.new_mode in _REGULAR_MODES else None
        return self.data.get(blob) if blob else None

    def old(self, path: str) -> bytes | None:
        entry = self.by_path.get(path)
        blob = entry.old_blob if entry and entry.old_mode in _REGULAR_MODES else None
        return self.data.get(blob) if blob else None


def build_change(root: Path | str, base_sha: str, head_sha: str) -> Change:
    """Analyse ``base...head``: the changes of head since it forked from base.

    `base_sha` and `head_sha` may be any revision git resolves; the change records the
    full shas and the merge base it was measured from."""
    root = Path(root)
    base, head = git.resolve(root, base_sha), git.resolve(root, head_sha)
    fork = git.merge_base(root, base, head)
    files = parse_diff(git.diff_text(root, fork, head))
    if not files:
        return Change(base=base, head=head, merge_base=fork)
    blobs = _Blobs(root, git.changed_files(root, fork, head), list(files))
    moved = moved_only_lines(files)
    notes: list[str] = []
    executable: dict[str, ExecutableLines] = {}
    for f in files:
        if path_kind(f.path) != "production" or not is_python_path(f.path) or not f.added:
            continue
        if not blobs.is_regular(f.path):
            continue  # a symlink or submodule with a .py name: no code of its own
        data = blobs.new(f.path)
        source = None if data is None or len(data) > MAX_SOURCE_BYTES else _decode(data)
        if source is None:
            why = _unreadable(data)
            kept = [ln for ln in f.added if ln not in moved.get(f.path, ())]
            found = _fallback(f, None, kept, why)
        else:
            found = executable_changed_lines(f, source, ignore=moved.get(f.path, ()))
        if found.fallback:
            notes.append(
                f"{f.path}: {found.reason}; counted its non-blank, non-comment added lines"
            )
        executable[f.path] = found
    added, removed = _test_changes(files, blobs, notes)
    return Change(
        base=base,
        head=head,
        merge_base=fork,
        files=files,
        executable=executable,
        moved=moved,
        production_lines=_counts(f for f in files if path_kind(f.path) == "production"),
        test_lines=_counts(f for f in files if path_kind(f.path) == "test"),
        other_lines=_counts(f for f in files if path_kind(f.path) == "other"),
        tests_added=added,
        tests_removed=removed,
        notes=tuple(notes),
    )


def _unreadable(data: bytes | None) -> str:
    if data is None:
        return "content not readable from git"
    if len(data) > MAX_SOURCE_BYTES:
        return f"larger than {MAX_SOURCE_BYTES} bytes, not parsed"
    return "not UTF-8"


def _test_changes(
    files: tuple[FileDiff, ...], blobs: _Blobs, notes: list[str]
) -> tuple[tuple[TestRef, ...], tuple[TestRef, ...]]:
    """Test functions present at head but not at base (and the reverse), per file; a test
    that moved to another file in the same change is neither added nor removed."""
    added: list[TestRef] = []
    removed: list[TestRef] = []
    for f in files:
        if not is_python_path(f.path) or not is_test_path(f.path):
            continue
        if f.status == "renamed" and not f.added and not f.removed_count:
            continue  # the same content under a new name
        before = _tests_in(f.old_path, blobs.old(f.path), notes) if f.old_path else {}
        after = _tests_in(f.path, blobs.new(f.path), notes) if f.status != "deleted" else {}
        if before is None or after is None:
            continue
        added += [TestRef(f.path, n, line) for n, line in after.items() if n not in before]
        removed += [
            TestRef(f.old_path or f.path, n, line) for n, line in before.items() if n not in after
        ]
    gone = Counter(t.name for t in removed)
    arrived = Counter(t.name for t in added)
    moved = gone & arrived
    return _drop_moved(added, moved), _drop_moved(removed, moved)


def _drop_moved(refs: list[TestRef], moved: Counter[str]) -> tuple[TestRef, ...]:
    left = Counter(moved)
    kept: list[TestRef] = []
    for ref in refs:
        if left[ref.name] > 0:
            left[ref.name] -= 1
        else:
            kept.append(ref)
    return tuple(kept)


def _tests_in(path: str, data: bytes | None, notes: list[str]) -> dict[str, int] | None:
    if data is None:
        return {}  # not a regular file on that side (a symlink, say): no tests there
    facts = analyse_source(path, data, is_test=True)
    if facts.error is not None:
        notes.append(f"{path}: {facts.error}; its test functions were not counted")
        return None
    return {t.name: t.line for t in facts.tests}
