"""Flask routing that is not a route decorator: `before_request` guards of a blueprint or
app, and views registered with `add_url_rule`.

A guard protects every route of its receiver, so a route without its own check is still
authenticated when its blueprint's `before_request` rejects anonymous callers.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

from prodready.scan.context import FileContext, FunctionNode, keyword
from prodready.scan.rules._web.auth_evidence import RETURNED_401, auth_decorator
from prodready.scan.rules._web.auth_signals import AUTH_NAME
from prodready.scan.rules._web.routes import methods_kw
from prodready.scan.rules._web.syntax import const_str, dotted

if TYPE_CHECKING:
    from prodready.scan.rules._web.web_file import WebFile


def guarded_receivers(web: WebFile, registrations: Iterable[ast.Call]) -> dict[str, str]:
    """Blueprints and apps whose `@bp.before_request` function (or one registered with
    `app.before_request(fn)`, among `registrations`) checks auth, each with the hook
    (`before_request`, `before_app_request`...) of its guard; a `before_app_request` guard
    wins, since it runs before every request of the application."""
    ctx = web.ctx
    guarded: dict[str, str] = {}

    def add(receiver: str, hook: str) -> None:
        if guarded.get(receiver) != APP_HOOK:
            guarded[receiver] = hook

    for fn in ctx.functions:
        for dec in fn.decorator_list:
            target = dec.func if isinstance(dec, ast.Call) else dec
            if (
                isinstance(target, ast.Attribute)
                and target.attr in _GUARD_HOOKS
                and (_rejects_anonymous(web, fn) or _session_gate(fn))
            ):
                add(dotted(target.value), target.attr)
    for call in registrations:
        func = call.func
        if isinstance(func, ast.Attribute) and call.args:
            arg = call.args[0]
            if isinstance(arg, ast.Name):
                local = [fn for fn in ctx.functions if fn.name == arg.id]
                if any(_rejects_anonymous(web, fn) for fn in local) or (
                    not local and _imported_guard(ctx, arg.id)
                ):
                    add(dotted(func.value), func.attr)
    return guarded


# Hook names that say the blueprint is open on purpose (`requires_no_auth`).
_OPEN_ON_PURPOSE = re.compile(
    r"no_?auth|without_?auth|optional|anonymous|public|skip|allow_?any|unauthenticated",
    re.IGNORECASE,
)


def _imported_guard(ctx: FileContext, name: str) -> bool:
    """`service_blueprint.before_request(requires_admin_auth)` in an app factory that
    imports the hook from an auth module (GOV.UK Notify registers one per blueprint):
    the hook's body is in another file, so its name is the evidence, as it is for a
    decorator. `requires_no_auth` registered the same way says the opposite."""
    return (
        name in ctx.aliases and bool(AUTH_NAME.search(name)) and not _OPEN_ON_PURPOSE.search(name)
    )


def blueprint_key(ctx: FileContext, receiver: str) -> str:
    """`<package>.<module>.<name>` for a blueprint, the same from the file that defines it
    (`privacyidea/api/resolver.py`) and from a file that imports it
    (`from .resolver import resolver_blueprint`, `from privacyidea.api.resolver import
    ...`, `from . import bp` in a package whose `__init__.py` defines it), so that a guard
    registered in one module can be matched with the routes of another. Two module
    components keep `auth/views.py`'s `bp` apart from `blog/views.py`'s."""
    head, _, attr = receiver.partition(".")
    module, head = _imported_from(ctx, head)
    if attr:  # `views.bp`, after `from . import views` or `import app.views as views`
        if module is not None:
            module = [*module, head]
        elif head in ctx.aliases:
            module = ctx.aliases[head].split(".")
        else:
            return receiver
        return ".".join([*module[-2:], attr])
    if module is None:
        module = _own_module(ctx.path)  # defined in this file
    return ".".join([*module[-2:], head])


def _own_module(path: str) -> list[str]:
    """`pkg/api/resolver.py` -> [pkg, api, resolver]; a package's `__init__.py` -> the
    package."""
    parts = path.replace("\\", "/").removesuffix(".py").split("/")
    return parts[:-1] if parts[-1] == "__init__" and len(parts) > 1 else parts


def _imported_from(ctx: FileContext, name: str) -> tuple[list[str] | None, str]:
    """The module a `from ... import x as name` takes `name` from, as parts (relative
    imports resolved against this file's package), and the name it has there (`x`); (None,
    name) if it is not imported. A module-level import wins over one inside a function,
    such as an app factory's `from app.service.rest import service_blueprint`."""
    top = {id(s) for s in ctx.tree.body}
    nested = [s for s in ctx.import_nodes if id(s) not in top]
    for stmt in [*ctx.tree.body, *nested]:
        if not isinstance(stmt, ast.ImportFrom):
            continue
        for alias in stmt.names:
            if (alias.asname or alias.name) != name:
                continue
            module = stmt.module.split(".") if stmt.module else []
            if not stmt.level:
                return module, alias.name
            package = ctx.path.replace("\\", "/").split("/")[:-1]
            if stmt.level > 1:
                package = package[: len(package) - (stmt.level - 1)]
            return [*package, *module], alias.name
    return None, name


# Blueprint/app hooks that run before every view of their receiver.
APP_HOOK = "before_app_request"  # a blueprint's hook that runs before every request of the app
_GUARD_HOOKS = frozenset({"before_request", APP_HOOK, "url_value_preprocessor"})


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
    loads `g.user`, nor one that only reads an optional `X-API-Key` header to identify a
    client and lets the request through when there is none, nor one whose refusal is a
    returned 401: DocsGPT's answers a token that fails to decode with one and lets a
    request without a token through)."""
    if any(auth_decorator(web.ctx, d) for d in fn.decorator_list):
        return True
    found, explicit = web.body_evidence(fn)
    if not explicit or found == RETURNED_401:
        return False
    return not found.endswith(" header") or _turns_away(fn)


def _turns_away(fn: FunctionNode) -> bool:
    """Can the hook end the request: a `raise`, an `abort(...)`, or a returned response?"""
    for node in ast.walk(fn):
        if isinstance(node, ast.Raise):
            return True
        if isinstance(node, ast.Return) and node.value is not None:
            return True
        if isinstance(node, ast.Call) and dotted(node.func).rsplit(".", 1)[-1] == "abort":
            return True
    return False


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
        path = _rule_text(call.args[0]) if call.args else ""
        found[view.id] = (methods_kw(call, {"GET"}), path, wrapped)
    return found


def _rule_text(node: ast.expr) -> str:
    """The URL rule of `add_url_rule`, also one built per provider from a template
    (`"/%s/callback" % service_id`, `"/{}/callback".format(...)`, an f-string): its fixed
    words (`callback`) say what the route is for; "" when there is no literal text."""
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod):
        node = node.left
    elif (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "format"
    ):
        node = node.func.value
    elif isinstance(node, ast.JoinedStr):
        return "".join(const_str(v) or "{}" for v in node.values)
    return const_str(node) or ""
