"""Authentication done once for a whole ASGI application, in a middleware.

A FastAPI or Starlette app often authenticates every request in a middleware instead of
on each route: `app.add_middleware(PasswordAuthMiddleware)` (Open Notebook), a
`BaseHTTPMiddleware` whose `dispatch` answers 401 to a caller without a valid session
(DeerFlow), or an `@app.middleware("http")` function that returns early what an auth
check gave it (Magentic-UI). Its routes, in the app's package, then need no guard of
their own, so missing-authn must not flag them.

The middleware class and the `add_middleware` call are usually in different files, so the
class's file reports that the class is a guard and the app's file reports that, if the
class it adds is one, its folder is guarded (an implication fact, `A=>B`: see the engine).
"""

from __future__ import annotations

import ast
import re

from prodready.scan.context import FileContext
from prodready.scan.registry import NEGATED_FACT_NEEDLES
from prodready.scan.rules._web.syntax import dotted, last
from prodready.scan.rules._web.urlconf import imported_module_path, module_paths

GUARD_CLASS_FACT = "asgi-auth-middleware:"  # + `<module path>.<class>`: it turns callers away
GUARDED_DIR_FACT = "asgi-guarded-dir:"  # + folder: an app there runs an auth middleware
NEGATED_FACT_NEEDLES[GUARDED_DIR_FACT] = (b"iddleware", b"dispatch", b"__call__")

# The methods an ASGI middleware class handles each request in: `BaseHTTPMiddleware`'s
# `dispatch`, a plain ASGI class's `__call__`.
_REQUEST_METHODS = frozenset({"dispatch", "__call__"})
# What an authentication check is called: `require_api_auth`, `verify_token`,
# `get_current_user_from_request`. Not a CSRF check, which guards a logged-in session.
_AUTH_CHECK = re.compile(r"(?i)auth|login|api_?key|token|credential|current_user|session")
_NOT_AUTH = re.compile(r"(?i)csrf|xsrf")
_UNAUTHORIZED_NAMES = frozenset({"Unauthorized", "NotAuthenticated", "HTTP_401_UNAUTHORIZED"})


def middleware_facts(ctx: FileContext) -> None:
    """Report this file's authenticating middleware classes, the folders its apps guard
    with a middleware function, and what its `add_middleware(...)` calls would guard."""
    if "iddleware" not in ctx.source and "dispatch" not in ctx.source:
        return
    if not (ctx.imports("starlette") or ctx.imports("fastapi")):
        return
    folder = ctx.path.rpartition("/")[0]
    for cls in ctx.classes:
        if any(
            isinstance(m, ast.FunctionDef | ast.AsyncFunctionDef)
            and m.name in _REQUEST_METHODS
            and _turns_away_unauthenticated(m)
            for m in cls.body
        ):
            ctx.facts.update(f"{GUARD_CLASS_FACT}{m}.{cls.name}" for m in module_paths(ctx.path))
    for fn in ctx.functions:
        if any(_http_middleware(d) for d in fn.decorator_list) and _turns_away_unauthenticated(fn):
            ctx.facts.add(GUARDED_DIR_FACT + folder)
    for call in ctx.calls:
        added = _added_middleware(call)
        if added is not None:
            ctx.facts.update(
                f"{GUARD_CLASS_FACT}{key}=>{GUARDED_DIR_FACT}{folder}"
                for key in _class_keys(ctx, added)
            )


def guarded_dir_conditions(path: str) -> str:
    """`&!<fact><folder>` for every folder the file is in: the finding is dropped when an
    app in one of them authenticates every request in a middleware."""
    parts = path.split("/")[:-1]
    return "".join(f"&!{GUARDED_DIR_FACT}{'/'.join(parts[:i])}" for i in range(len(parts), -1, -1))


def _turns_away_unauthenticated(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """Does the request handler of a middleware answer some callers with a 401, or return
    early, without passing the request on, what an authentication check gave it
    (`unauthorized = await require_api_auth(request)`, then `return unauthorized`)? Not
    when that only happens for a request that brought credentials (Bisheng's `if token:
    denial = await _apply_token_version(...)`, which lets a request without a token
    through), and a 403 alone is not enough: CSRF, host and IP checks answer with it too."""
    parents = {child: node for node in ast.walk(fn) for child in ast.iter_child_nodes(node)}
    checked: set[str] = set()
    for node in ast.walk(fn):
        if (
            isinstance(node, ast.Name | ast.Attribute)
            and last(dotted(node)) in _UNAUTHORIZED_NAMES
            and not _only_with_credentials(node, parents)
        ):
            return True
        if isinstance(node, ast.Call):
            if any(
                isinstance(a, ast.Constant) and a.value == 401
                for a in [*node.args, *(k.value for k in node.keywords)]
            ) and not _only_with_credentials(node, parents):
                return True
            name = last(dotted(node.func))
            if _AUTH_CHECK.search(name) and not _NOT_AUTH.search(name):
                checked.update(_bound_to(fn, node))
    return any(
        isinstance(node, ast.Return)
        and isinstance(node.value, ast.Name)
        and node.value.id in checked
        and not _only_with_credentials(node, parents)
        for node in ast.walk(fn)
    )


def _only_with_credentials(node: ast.AST, parents: dict[ast.AST, ast.AST]) -> bool:
    """Is `node` in the body of an `if` that runs only when the request brought a
    credential (`if token:`, `if token and not is_exempt:`)?"""
    child, current = node, parents.get(node)
    while current is not None:
        if isinstance(current, ast.If) and child is not current.test and child in current.body:
            tests = current.test.values if isinstance(current.test, ast.BoolOp) else [current.test]
            if isinstance(current.test, ast.BoolOp) and not isinstance(current.test.op, ast.And):
                tests = []
            if any(
                isinstance(t, ast.Name | ast.Attribute) and _AUTH_CHECK.search(last(dotted(t)))
                for t in tests
            ):
                return True
        child, current = current, parents.get(current)
    return False


def _bound_to(fn: ast.AST, call: ast.Call) -> set[str]:
    """The names an assignment in `fn` binds to `call`'s result (awaited or not)."""
    names: set[str] = set()
    for node in ast.walk(fn):
        if isinstance(node, ast.Assign):
            value = node.value.value if isinstance(node.value, ast.Await) else node.value
            if value is call:
                names.update(t.id for t in node.targets if isinstance(t, ast.Name))
    return names


def _http_middleware(dec: ast.expr) -> bool:
    """`@app.middleware("http")`"""
    return (
        isinstance(dec, ast.Call)
        and isinstance(dec.func, ast.Attribute)
        and dec.func.attr == "middleware"
        and any(isinstance(a, ast.Constant) and a.value == "http" for a in dec.args)
    )


def _added_middleware(call: ast.Call) -> ast.expr | None:
    """The class in `app.add_middleware(Cls, ...)` or `Middleware(Cls, ...)` (the list
    handed to `FastAPI(middleware=[...])`)."""
    func = call.func
    adds = isinstance(func, ast.Attribute) and func.attr == "add_middleware"
    listed = last(dotted(func)) == "Middleware"
    if (adds or listed) and call.args and isinstance(call.args[0], ast.Name | ast.Attribute):
        return call.args[0]
    return None


def _class_keys(ctx: FileContext, cls: ast.expr) -> list[str]:
    """`<module path>.<class>` of the middleware class: where it was imported from, or
    this file's module for a class defined here."""
    name = dotted(cls)
    imported = imported_module_path(ctx, name)
    if imported:
        return [imported]
    if name in {c.name for c in ctx.classes}:
        return [f"{m}.{name}" for m in module_paths(ctx.path)]
    return []
