"""One fast pass over a syntax tree that sorts the nodes every analysis needs into lists.

`ast.walk` spends most of its time in generators; this loop over `_fields` with an
explicit stack is about twice as fast, and doing it once per file for both the audit's
facts and the scan rules is what keeps the analysis close to the cost of the parse itself.
Nodes come out in source order (pre-order, depth first).
"""

from __future__ import annotations

import ast
import gc
import re
import sys
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from prodready.newer_syntax import rewrite_newer_syntax

# Names and constants hold no nodes worth visiting (their `ctx` is a shared singleton),
# and these fields never hold child nodes: skipping them is most of the speed. The plain
# values that other fields hold (the None of an absent `else`, the names of a `global`,
# the None key of a `**rest` in a dict) are pushed with the nodes beside them, a list at
# a time, and dropped when popped: cheaper than testing each item before pushing it.
_LEAVES = frozenset(
    {ast.Name, ast.Constant, type(None), str, int, bool, float, complex, bytes, type(...)}
)
_SCALAR_FIELDS = frozenset(
    {
        "id",
        "ctx",
        "attr",
        "name",
        "arg",
        "module",
        "level",
        "op",
        "kind",
        "conversion",
        "asname",
        "is_async",
        "type_comment",
        "simple",
    }
)
_CHILD_FIELDS: dict[type, tuple[str, ...]] = {}


@dataclass
class NodeIndex:
    calls: list[ast.Call] = field(default_factory=list)
    functions: list[ast.FunctionDef | ast.AsyncFunctionDef] = field(default_factory=list)
    classes: list[ast.ClassDef] = field(default_factory=list)
    handlers: list[ast.ExceptHandler] = field(default_factory=list)
    assigns: list[ast.Assign | ast.AnnAssign] = field(default_factory=list)
    loops: list[ast.For | ast.AsyncFor | ast.While] = field(default_factory=list)
    withs: list[ast.With | ast.AsyncWith] = field(default_factory=list)
    imports: list[ast.Import | ast.ImportFrom] = field(default_factory=list)
    dicts: list[ast.Dict] = field(default_factory=list)


def index_nodes(tree: ast.AST) -> NodeIndex:
    index = NodeIndex()
    buckets: dict[type, list[ast.AST]] = {
        ast.Call: index.calls,  # type: ignore[dict-item]
        ast.FunctionDef: index.functions,  # type: ignore[dict-item]
        ast.AsyncFunctionDef: index.functions,  # type: ignore[dict-item]
        ast.ClassDef: index.classes,  # type: ignore[dict-item]
        ast.ExceptHandler: index.handlers,  # type: ignore[dict-item]
        ast.Assign: index.assigns,  # type: ignore[dict-item]
        ast.AnnAssign: index.assigns,  # type: ignore[dict-item]
        ast.For: index.loops,  # type: ignore[dict-item]
        ast.AsyncFor: index.loops,  # type: ignore[dict-item]
        ast.While: index.loops,  # type: ignore[dict-item]
        ast.With: index.withs,  # type: ignore[dict-item]
        ast.AsyncWith: index.withs,  # type: ignore[dict-item]
        ast.Import: index.imports,  # type: ignore[dict-item]
        ast.ImportFrom: index.imports,  # type: ignore[dict-item]
        ast.Dict: index.dicts,  # type: ignore[dict-item]
    }
    get = buckets.get
    stack: list[Any] = [tree]  # nodes, and the plain values pushed beside them
    pop = stack.pop
    push = stack.append
    extend = stack.extend
    while stack:
        node = pop()
        cls = node.__class__
        if cls in _LEAVES:
            continue
        bucket = get(cls)
        if bucket is not None:
            bucket.append(node)
        fields = _CHILD_FIELDS.get(cls)
        if fields is None:
            fields = _CHILD_FIELDS[cls] = tuple(
                f for f in reversed(getattr(cls, "_fields", ())) if f not in _SCALAR_FIELDS
            )
        for name in fields:  # pushed in reverse so they pop in source order
            value = getattr(node, name, None)
            if value.__class__ is list:
                extend(reversed(value))
            else:
                push(value)
    return index


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while analysing a batch of files.

    Syntax trees are large and acyclic (reference counting frees them), but while one is
    alive every allocation makes the collector traverse it again: on Django's source that
    doubled the cost of a scan. The collector runs once at the end of the batch instead.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
            gc.collect(0)


def parse_quietly(source: str | bytes, filename: str) -> ast.Module:
    """`ast.parse` without the SyntaxWarnings (invalid escapes, `1if`) that the compiler
    prints for the repository's own code: a report must not be interleaved with them.

    Code in the newer syntax that `newer_syntax` knows is read through its rewrite, which
    keeps every line where it was: a syntax error left after the rewrite is reported at
    its own line, not at the first `except A, B:` before it."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return ast.parse(source, filename=filename)
        except SyntaxError:
            rewritten = _in_older_syntax(source)
            if rewritten is None:
                raise
            return ast.parse(rewritten, filename=filename)


def _in_older_syntax(source: str | bytes) -> str | None:
    if sys.version_info >= (3, 14):
        return None  # this interpreter reads every form the rewrite knows
    if isinstance(source, bytes):
        try:
            source = source.decode("utf-8-sig")
        except UnicodeDecodeError:
            return None
    return rewrite_newer_syntax(source)


def syntax_error_reason(exc: SyntaxError, source: str = "") -> str:
    """Why a file did not parse, naming the interpreter that parsed it: newer syntax that
    `newer_syntax` cannot rewrite (an f-string whose braces hold a backslash) fails under
    an older one, and the reader must not take valid code for broken code.

    A file whose `#!` line runs another program (a shell script left under a .py name,
    as Mail-in-a-Box's moved `tools/mail.py`) is not broken Python: the reason says so.
    The parser's own message follows the line, because "syntax error" alone leaves the
    reader to find what is wrong; Python 2 source is named as such."""
    interpreter = _foreign_interpreter(source)
    if interpreter is not None:
        return f"not Python: its #! line runs {interpreter}"
    message = exc.msg or ""
    where = f"syntax error at line {exc.lineno}" + (f": {message}" if message else "")
    if message.startswith(_PYTHON2_ONLY) or _PYTHON2_STRING.search(exc.text or ""):
        return f"{where} (Python 2 code; prodready reads Python 3)"
    version = f"{sys.version_info.major}.{sys.version_info.minor}"
    return (
        f"{where} (parsed as Python {version}; code written for a newer Python is read when "
        "prodready runs on that Python)"
    )


# Parser messages that only Python 2 source provokes, so that the reason does not send
# the reader looking for a newer Python (Mozilla Reps' decommissioned crontab script).
_PYTHON2_ONLY = (
    "Missing parentheses in call to 'print'",
    "Missing parentheses in call to 'exec'",
    "leading zeros in decimal integer literals are not permitted",
)
# A `ur"..."` string, which only Python 2 reads; the parser just says "invalid syntax".
_PYTHON2_STRING = re.compile(r"(?<![\w'\"])[uU][rR]['\"]")


def _foreign_interpreter(source: str) -> str | None:
    """The program a `#!` line names when it is not a Python, else None."""
    if not source.startswith("#!"):
        return None
    words = source[2:].split("\n", 1)[0].split()
    if words and words[0].rsplit("/", 1)[-1] == "env":
        words = [w for w in words[1:] if not w.startswith("-") and "=" not in w]
    if not words:
        return None
    program = words[0].rsplit("/", 1)[-1]
    return None if program.startswith(("python", "pypy")) else program
