"""Statements that can never run: those after an unconditional `return`, `raise`,
`continue` or `break` in the same block.

Code parked after an early `return` (Askbot's `_check_gravatar()` returns at once and
keeps the old `urlopen()` calls below it, "think of whether we need this") cannot hang,
leak or be exploited, so findings in it are noise. Only what Python itself guarantees is
treated as dead: a terminal statement, an `if` whose every branch ends in one, or a
`with` block that ends in a `return`, `continue` or `break` (its context manager may
swallow a `raise`). A `try` is not followed (a handler may fall through), nor
loops, `sys.exit()` or constant conditions.
"""

from __future__ import annotations

import ast
from bisect import bisect_right

_TERMINAL = (ast.Return, ast.Raise, ast.Continue, ast.Break)
_BLOCKS = ("body", "orelse", "finalbody", "handlers", "cases")


def unreachable_spans(tree: ast.AST) -> list[tuple[int, int]]:
    """First and last line of every run of statements that can never run, sorted."""
    spans: list[tuple[int, int]] = []
    # Blocks of statements hang only from statements, handlers and `case`s, never from an
    # expression (a lambda's body is one expression): walking just those is enough, and
    # several times cheaper than visiting every node of the tree.
    stack: list[ast.AST] = [tree]
    while stack:
        node = stack.pop()
        for name in _BLOCKS:
            block = getattr(node, name, None)
            if not block or not isinstance(block, list):
                continue
            stack.extend(block)
            if not isinstance(block[0], ast.stmt):
                continue  # handlers, cases: their bodies are blocks of their own
            for i, stmt in enumerate(block[:-1]):
                if _ends_flow(stmt):
                    last = block[-1]
                    spans.append((block[i + 1].lineno, last.end_lineno or last.lineno))
                    break
    return sorted(spans)


def _ends_flow(stmt: ast.stmt) -> bool:
    if isinstance(stmt, _TERMINAL):
        return True
    if isinstance(stmt, ast.If):
        return bool(stmt.orelse) and _block_ends(stmt.body) and _block_ends(stmt.orelse)
    if isinstance(stmt, ast.With | ast.AsyncWith):  # a context manager may swallow a raise
        return bool(stmt.body) and isinstance(stmt.body[-1], ast.Return | ast.Continue | ast.Break)
    return False


def _block_ends(block: list[ast.stmt]) -> bool:
    return bool(block) and _ends_flow(block[-1])


class DeadLines:
    """Answers "is this line inside code that can never run?" for one file."""

    def __init__(self, spans: list[tuple[int, int]]) -> None:
        self._starts = [start for start, _ in spans]
        self._spans = spans

    def __contains__(self, line: int) -> bool:
        i = bisect_right(self._starts, line)
        return any(start <= line <= end for start, end in self._spans[:i])
