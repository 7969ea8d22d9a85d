"""Route decorators and URL paths: which functions Flask and FastAPI route to, for which
HTTP methods, and what the path's parameters are converted to.

Flask and FastAPI share the decorator shapes (`@app.route`, `@router.get`), so one reader
serves both; which framework a route belongs to is decided by `WebFile` from what the
receiver is bound to.
"""

from __future__ import annotations

import ast
import re

from prodready.scan.context import FileContext, keyword
from prodready.scan.rules._web.syntax import const_str, dotted, str_list

_VERBS = frozenset({"get", "post", "put", "patch", "delete", "head", "options"})


def route_decorator(
    ctx: FileContext, dec: ast.expr
) -> tuple[str, frozenset[str], str, ast.Call] | None:
    """(receiver, methods, path, call) for `@app.route("/x", methods=[...])`, `@bp.post("/x")`,
    `@router.delete("/{id}")`, `@app.api_route(...)`; None otherwise."""
    if not isinstance(dec, ast.Call) or not isinstance(dec.func, ast.Attribute):
        return None
    attr = dec.func.attr
    if attr not in _VERBS and attr not in {"route", "api_route"}:
        return None
    path_node = dec.args[0] if dec.args else None
    if path_node is None:
        kw = keyword(dec, "path") or keyword(dec, "rule")
        path_node = kw.value if kw else None
    path = const_str(path_node) if path_node is not None else None
    if path is None and isinstance(path_node, ast.Name):
        const = ctx.module_constants.get(path_node.id)
        path = const_str(const) if const is not None else None
    if path is None and isinstance(path_node, ast.JoinedStr):
        path = "".join(const_str(v) or "{}" for v in path_node.values)
    if path is None or (path and not path.startswith("/")):
        return None
    receiver = dotted(dec.func.value)
    methods = frozenset({attr.upper()}) if attr in _VERBS else methods_kw(dec, {"GET"})
    return receiver, methods, path, dec


def methods_kw(call: ast.Call, default: set[str]) -> frozenset[str]:
    """The `methods=[...]` of a route call, upper-cased; `default` without one, and
    {"UNKNOWN"} when the list is not literal."""
    kw = keyword(call, "methods")
    if kw is None:
        return frozenset(default)
    listed = str_list(kw.value)
    if listed is None:
        return frozenset({"UNKNOWN"})
    return frozenset(m.upper() for m in listed)


_FLASK_PARAM = re.compile(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>")
FASTAPI_PARAM = re.compile(r"\{(\w+)(?::(\w+))?\}")


def path_params(path: str) -> dict[str, str]:
    """Parameters of a route path and their converters: Flask `<int:id>` and FastAPI
    `{id}` / `{path:path}`; "string" when the path names none."""
    found: dict[str, str] = {}
    for conv, name in _FLASK_PARAM.findall(path):
        found[name] = conv or "string"
    for name, conv in FASTAPI_PARAM.findall(path):
        found[name] = conv or "string"
    return found
