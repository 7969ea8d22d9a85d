"""The one pass over a syntax tree finds every node `ast.walk` finds, in source order,
whatever plain values (None, names, constants of a `case`) sit in the fields between
them."""

from __future__ import annotations

import ast

from prodready.astwalk import index_nodes

_EVERY_KIND_OF_FIELD = """
import os, json as j
from .pkg import (a as b)

global_total = {**defaults, "key": os.getenv("KEY"), None: ...}


def handler(x: int = 1j, *args: bytes, y=b"raw", **kw) -> None:  # type: (int) -> None
    global counter
    match x:
        case {"kind": 1, **rest} if rest:
            call_in_mapping(rest)
        case Point(x=0, y=None, kwd=_):
            call_in_class_pattern()
        case [1, *others]:
            call_in_sequence(others)
        case None | True:
            pass
    try:
        with open(x) as fh, lock():
            data = fh.read()
    except (OSError, ValueError) as exc:
        log(exc)
    else:
        for item in data:
            while item:
                item = step(item)
    return lambda: nested(call(1))


class Service(Base, metaclass=Meta):
    value: int = compute()

    async def run(self):
        async with self.session() as s:
            async for row in s.stream():
                await row.save()
"""


def test_finds_what_ast_walk_finds_in_source_order() -> None:
    tree = ast.parse(_EVERY_KIND_OF_FIELD, type_comments=True)
    index = index_nodes(tree)
    walked = list(ast.walk(tree))

    def in_source_order(kinds: type | tuple[type, ...]) -> list[ast.AST]:
        found = [n for n in walked if isinstance(n, kinds)]
        return sorted(found, key=lambda n: (n.lineno, n.col_offset))  # type: ignore[attr-defined]

    assert index.calls == in_source_order(ast.Call)
    assert [ast.unparse(c.func) for c in index.calls][:4] == [
        "os.getenv",
        "call_in_mapping",
        "call_in_class_pattern",
        "call_in_sequence",
    ]
    assert index.functions == in_source_order((ast.FunctionDef, ast.AsyncFunctionDef))
    assert index.classes == in_source_order(ast.ClassDef)
    assert index.handlers == in_source_order(ast.ExceptHandler)
    assert index.assigns == in_source_order((ast.Assign, ast.AnnAssign))
    assert index.loops == in_source_order((ast.For, ast.AsyncFor, ast.While))
    assert index.withs == in_source_order((ast.With, ast.AsyncWith))
    assert index.imports == in_source_order((ast.Import, ast.ImportFrom))
    assert index.dicts == in_source_order(ast.Dict)
    assert len(index.calls) == 15
