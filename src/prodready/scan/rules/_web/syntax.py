"""Small helpers for reading Python syntax trees and identifiers, shared by the web modules.

They read names as written (`a.b.c`), without resolving imports: the web recognisers match
on the spelling a framework's users write, and `FileContext.qualname` is used where the
import matters.
"""

from __future__ import annotations

import ast
import itertools
import re

from prodready.scan.context import FunctionNode


def dotted(node: ast.expr | None) -> str:
    """`a.b.c` for a name chain, without resolving imports; "" otherwise."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return ""


def last(name: str) -> str:
    """The last component of a dotted name: `views.login_required` -> `login_required`."""
    return name.rsplit(".", 1)[-1]


def const_str(node: ast.expr | None) -> str | None:
    """The value of a string literal; None for anything else."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def const_int(node: ast.expr | None) -> int | None:
    """An integer literal, or the status code named by `status.HTTP_403_FORBIDDEN`."""
    if isinstance(node, ast.Constant) and isinstance(node.value, int):
        return node.value
    if isinstance(node, ast.Attribute):  # status.HTTP_403_FORBIDDEN
        m = re.match(r"HTTP_(\d{3})", node.attr)
        return int(m.group(1)) if m else None
    return None


def str_list(node: ast.expr) -> list[str] | None:
    """The strings of a literal list, tuple or set of strings; None if any item is not one."""
    if isinstance(node, ast.List | ast.Tuple | ast.Set):
        out = [const_str(e) for e in node.elts]
        return [s for s in out if s is not None] if all(s is not None for s in out) else None
    return None


def class_names(node: ast.expr) -> list[str] | None:
    """Names in `[IsAuthenticated, perms.IsOwner]`; None if not a literal list."""
    if isinstance(node, ast.List | ast.Tuple):
        names = [last(dotted(e)) for e in node.elts]
        if all(names):
            return names
        return None
    return None


def first_param(fn: FunctionNode) -> str:
    """The name of a function's first parameter ("" if it has none)."""
    params = positional(fn)
    return params[0].arg if params else ""


def positional(fn: FunctionNode) -> list[ast.arg]:
    """A function's named parameters in order (positional-only, regular, keyword-only)."""
    return [*fn.args.posonlyargs, *fn.args.args, *fn.args.kwonlyargs]


def module_stem(path: str) -> str:
    """The module name a file path stands for: `app/routers/items.py` -> `items`, and a
    package's `__init__.py` -> the package's name."""
    parts = path.replace("\\", "/").split("/")
    name = parts[-1].removesuffix(".py")
    if name == "__init__" and len(parts) > 1:
        name = parts[-2]
    return name


_TOKEN_SPLIT = re.compile(r"[^A-Za-z0-9]+|(?<=[a-z0-9])(?=[A-Z])")


def tokens(*texts: str) -> set[str]:
    """Words of identifiers and paths: `SignUpView`, `/api/auth/reset-password` ..."""
    found: set[str] = set()
    for text in texts:
        words = [w.lower() for w in _TOKEN_SPLIT.split(text) if w]
        found.update(words)
        found.update(a + b for a, b in itertools.pairwise(words))
    return found
