"""The vocabulary of the conventions and the two tools every detector uses.

A *form* is one way the project does something (``logging.getLogger(__name__)``), counted
over the production code, with its first occurrence as the example; ``Tallies`` does the
counting and ranking. ``Source`` cuts examples at statement boundaries from the file's own
lines, so an example is always a real, contiguous copy with its exact ``file:line``.
"""

from __future__ import annotations

import ast
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property

from prodready.context_file.render import code
from prodready.model import Finding

#: The longest example shown; longer statements are cut to a window of this many lines.
SNIPPET_LINES = 6
#: Findings and unauthenticated routes listed per aspect before "and N more".
NOTE_LIMIT = 5


@dataclass(frozen=True)
class Snippet:
    """Lines ``start``..``end`` of ``path``, as written there (common indentation removed)."""

    path: str
    start: int
    end: int
    text: str

    @property
    def location(self) -> str:
        if self.start == self.end:
            return f"{self.path}:{self.start}"
        return f"{self.path}:{self.start}-{self.end}"


@dataclass(frozen=True)
class Form:
    """One way the project does something, with how widely it is used and an example."""

    label: str  # as written in the code, e.g. "logging.getLogger(__name__)"
    description: str
    count: int  # occurrences
    files: tuple[str, ...]  # sorted
    example: Snippet
    implicit: bool = False  # weaker evidence (e.g. a handler only reads the current user)
    unit: tuple[str, str] = ("use", "uses")  # what `count` counts, singular and plural


@dataclass(frozen=True)
class Aspect:
    """A question about the code ("which logger?") and the forms that answer it."""

    name: str
    forms: tuple[Form, ...]  # the most common first
    not_found: str  # what was looked for; said plainly when `forms` is empty
    notes: tuple[str, ...] = ()  # located facts about the gaps (findings, open routes)

    @property
    def chosen(self) -> Form | None:
        return self.forms[0] if self.forms else None


@dataclass(frozen=True)
class Convention:
    topic: str  # "logging" | "timeouts" | "errors" | "authentication"
    title: str
    aspects: tuple[Aspect, ...]


# -- source helpers ------------------------------------------------------------------------


class Source:
    """One parsed file: its lines and the statement boundaries snippets are cut at."""

    def __init__(self, rel: str, text: str, tree: ast.Module) -> None:
        self.rel = rel
        self.lines = text.splitlines()
        self.tree = tree
        self._statements: list[ast.stmt] | None = None

    @staticmethod
    def span(node: ast.AST) -> tuple[int, int]:
        """First and last line of a node, decorators included."""
        start: int = getattr(node, "lineno", 1)
        for dec in getattr(node, "decorator_list", ()):
            start = min(start, dec.lineno)
        end: int = getattr(node, "end_lineno", None) or start
        return start, end

    @cached_property
    def prose_lines(self) -> frozenset[int]:
        """Lines of imports and docstrings: they name things without doing them."""
        lines: set[int] = set()
        for node in ast.walk(self.tree):
            prose = isinstance(node, ast.Import | ast.ImportFrom) or (
                isinstance(node, ast.Expr)
                and isinstance(node.value, ast.Constant)
                and isinstance(node.value.value, str)
            )
            if prose and isinstance(node, ast.stmt):
                lines.update(range(node.lineno, (node.end_lineno or node.lineno) + 1))
        return frozenset(lines)

    def statement_at(self, line: int) -> ast.stmt | None:
        """The innermost statement whose lines (decorators included) contain ``line``."""
        if self._statements is None:
            self._statements = [n for n in ast.walk(self.tree) if isinstance(n, ast.stmt)]
        best: ast.stmt | None = None
        best_size = 0
        for stmt in self._statements:
            start, end = self.span(stmt)
            if start <= line <= end and (best is None or end - start < best_size):
                best, best_size = stmt, end - start
        return best

    def snippet(self, start: int, end: int, focus: int | None = None) -> Snippet:
        """Lines ``start``..``end``, cut to ``SNIPPET_LINES`` around ``focus`` if longer."""
        end = min(end, len(self.lines))
        if end - start + 1 > SNIPPET_LINES:
            if focus is not None and focus >= start + SNIPPET_LINES:
                start = max(start, min(focus - 2, end - SNIPPET_LINES + 1))
            end = start + SNIPPET_LINES - 1
        while end > start and not self.lines[end - 1].strip():
            end -= 1
        chunk = [ln.rstrip() for ln in self.lines[start - 1 : end]]
        return Snippet(self.rel, start, end, textwrap.dedent("\n".join(chunk)))

    def node_snippet(self, node: ast.AST, focus: int | None = None) -> Snippet:
        start, end = self.span(node)
        return self.snippet(start, end, focus)

    def statement_snippet(self, line: int) -> Snippet:
        """The statement at ``line`` (cut to its first lines if long), or the line itself."""
        stmt = self.statement_at(line)
        if stmt is None:
            return self.snippet(line, line)
        return self.node_snippet(stmt, line)

    def header_end(self, fn: ast.FunctionDef | ast.AsyncFunctionDef) -> int:
        """The last line of a function's signature (the line that ends with its colon)."""
        end = fn.lineno
        parts: list[ast.AST] = [*fn.args.args, *fn.args.posonlyargs, *fn.args.kwonlyargs]
        parts += [d for d in (*fn.args.defaults, *fn.args.kw_defaults) if d is not None]
        parts += [a for a in (fn.args.vararg, fn.args.kwarg, fn.returns) if a is not None]
        for part in parts:
            end = max(end, getattr(part, "end_lineno", None) or end)
        limit = fn.body[0].lineno if fn.body else end + 1
        line = end
        while line < limit and not code_part(self.lines[line - 1]).endswith(":"):
            line += 1
        return line if line < limit or code_part(self.lines[line - 1]).endswith(":") else end

    def header_snippet(
        self, fn: ast.FunctionDef | ast.AsyncFunctionDef, focus: int | None = None
    ) -> Snippet:
        start, _ = self.span(fn)
        end = self.header_end(fn)
        long = end - start + 1 > SNIPPET_LINES
        if long and focus is not None and fn.lineno <= focus < fn.lineno + SNIPPET_LINES:
            start = fn.lineno  # a long decorator above the signature: show the signature
        return self.snippet(start, end, focus)


def code_part(line: str) -> str:
    """A line without a trailing comment (good enough to find the colon of a signature)."""
    return line.split("#", 1)[0].rstrip()


# -- the tally -----------------------------------------------------------------------------


@dataclass
class Tally:
    label: str
    description: str
    implicit: bool
    example: Snippet
    count: int = 0
    files: set[str] = field(default_factory=set)
    unit: tuple[str, str] = ("use", "uses")


class Tallies:
    """Forms per aspect; the first occurrence in (path, line) order is the example."""

    def __init__(self) -> None:
        self.by_aspect: dict[str, dict[str, Tally]] = {}

    def add(
        self,
        aspect: str,
        key: str,
        label: str,
        description: str,
        example: Snippet,
        *,
        implicit: bool = False,
        count: int = 1,
        unit: tuple[str, str] = ("use", "uses"),
        files: Sequence[str] | None = None,
    ) -> None:
        """Count ``count`` occurrences in ``files`` (default: the example's file)."""
        forms = self.by_aspect.setdefault(aspect, {})
        tally = forms.get(key)
        if tally is None:
            tally = forms[key] = Tally(label, description, implicit, example, unit=unit)
        elif (example.path, example.start) < (tally.example.path, tally.example.start):
            tally.label, tally.example = label, example
        tally.count += count
        tally.files.update([example.path] if files is None else files)

    def merge(self, other: Tallies) -> None:
        """Add another share's counts, keeping the earliest example in (path, line) order."""
        for aspect, theirs in other.by_aspect.items():
            mine = self.by_aspect.setdefault(aspect, {})
            for key, tally in theirs.items():
                own = mine.get(key)
                if own is None:
                    mine[key] = tally
                    continue
                own.count += tally.count
                own.files |= tally.files
                if (tally.example.path, tally.example.start) < (
                    own.example.path,
                    own.example.start,
                ):
                    own.label, own.example = tally.label, tally.example

    def forms(self, aspect: str) -> tuple[Form, ...]:
        tallies = self.by_aspect.get(aspect, {})
        ranked = sorted(
            tallies.items(),
            key=lambda item: (item[1].implicit, -len(item[1].files), -item[1].count, item[0]),
        )
        return tuple(
            Form(
                t.label,
                t.description,
                t.count,
                tuple(sorted(t.files)),
                t.example,
                t.implicit,
                t.unit,
            )
            for _, t in ranked
        )


def finding_notes(findings: Sequence[Finding], category: str, what: str) -> tuple[str, ...]:
    """ "3 outbound call(s) without a timeout (PR101): a.py:4, b.py:9" from the audit's scan."""
    located = sorted(
        (f.path, f.line, f.rule) for f in findings if f.category == category and not f.suppressed
    )
    if not located:
        return ()
    rule = located[0][2]
    shown = ", ".join(code(f"{p}:{n}") for p, n, _ in located[:NOTE_LIMIT])
    more = f" and {len(located) - NOTE_LIMIT} more" if len(located) > NOTE_LIMIT else ""
    return (f"{len(located)} {what} ({rule}): {shown}{more}",)
