"""Flask routing that is not a route decorator: `before_request` guards of a blueprint or
app, and views registered with `add_url_rule`.

A guard protects every route of its receiver, so a route without its own check is still
authenticated when its blueprint's `before_request` rejects anonymous callers.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from typing import TYPE_CHECKING

from prodready.scan.context import FileContext, FunctionNode, keyword
from prodready.scan.rules._web.auth_evidence import auth_decorator
from prodready.scan.rules._web.auth_signals import AUTH_NAME
from prodready.scan.rules._web.routes import methods_kw
from prodready.scan.rules._web.syntax import const_str, dotted

if TYPE_CHECKING:
    from prodready.scan.rules._web.web_file import WebFile


def guarded_receivers(web: WebFile, registrations: Iterable[ast.Call]) -> set[str]:
    """Blueprints and apps whose `@bp.before_request` function (or one registered with
    `app.before_request(fn)`, among `registrations`) checks auth."""
    ctx = web.ctx
    guarded: set[str] = set()
    for fn in ctx.functions:
        for dec in fn.decorator_list:
            target = dec.func if isinstance(dec, ast.Call) else dec
            if (
                isinstance(target, ast.Attribute)
                and target.attr in _GUARD_HOOKS
                and (_rejects_anonymous(web, fn) or _session_gate(fn))
            ):
                guarded.add(dotted(target.value))
    for call in registrations:
        func = call.func
        if isinstance(func, ast.Attribute) and call.args:
            arg = call.args[0]
            if isinstance(arg, ast.Name):
                for fn in ctx.functions:
                    if fn.name == arg.id and _rejects_anonymous(web, fn):
                        guarded.add(dotted(func.value))
    return guarded


# Blueprint/app hooks that run before every view of their receiver.
_GUARD_HOOKS = frozenset({"before_request", "before_app_request", "url_value_preprocessor"})


def _session_gate(fn: FunctionNode) -> bool:
    """A hook that looks the caller up in the session and turns the request away when it
    is not there (`if session.get(project.id) or is_admin: ... else: raise Redirect(...)`,
    `abort(403)`): the session holds who the caller is, so the hook authenticates."""
    reads_session = False
    denies = False
    for node in ast.walk(fn):
        if isinstance(node, ast.Name) and node.id == "session":
            reads_session = True
        elif isinstance(node, ast.Raise) or (
            isinstance(node, ast.Call) and dotted(node.func).rsplit(".", 1)[-1] == "abort"
        ):
            denies = True
    return reads_session and denies


def guards_whole_app(receiver: str) -> bool:
    """Is the guarded receiver the Flask app itself (so every route of the file is behind it)?"""
    return receiver in {"app", "application"} or receiver.endswith(".app")


def _rejects_anonymous(web: WebFile, fn: FunctionNode) -> bool:
    """A `before_request` function that rejects anonymous callers (not one that merely
    loads `g.user`)."""
    return web.body_evidence(fn)[1] or any(auth_decorator(web.ctx, d) for d in fn.decorator_list)


def add_url_rules(
    ctx: FileContext, calls: Iterable[ast.Call]
) -> dict[str, tuple[frozenset[str], str, str]]:
    """`app.add_url_rule("/x", view_func=fn, methods=[...])`: fn -> (methods, path, auth)."""
    found: dict[str, tuple[frozenset[str], str, str]] = {}
    for call in calls:
        kw = keyword(call, "view_func")
        view = kw.value if kw else (call.args[2] if len(call.args) > 2 else None)
        wrapped = ""
        if isinstance(view, ast.Call) and view.args:
            name = ctx.call_name(view).rsplit(".", 1)[-1]
            if AUTH_NAME.search(name):
                wrapped = name
            view = view.args[0]
        if not isinstance(view, ast.Name):
            continue
        path = const_str(call.args[0]) if call.args else ""
        found[view.id] = (methods_kw(call, {"GET"}), path or "", wrapped)
    return found
