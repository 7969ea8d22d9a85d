"""Decorators a Django URLconf applies to the views it routes.

Django views are often guarded where they are routed rather than where they are defined:
`path("me/", login_required(views.profile))`, `can_edit(views.Edit.as_view())`, or a
project helper that decorates a whole group of patterns
(`decorated_patterns([login_required, members_only], path(...), *team_urls)`). A URLconf
reports such views as facts, keyed by the module path the view is imported from, so that
PR105 and PR106 judge the view in its own module as if it carried the decorator.
"""

from __future__ import annotations

import ast

from prodready.scan.context import FileContext, keyword
from prodready.scan.registry import NEGATED_FACT_NEEDLES
from prodready.scan.rules._web.auth_evidence import auth_decorator
from prodready.scan.rules._web.auth_signals import is_role_check
from prodready.scan.rules._web.syntax import dotted, last

URL_GUARD_FACT = "django-url-guarded:"  # + `<module>.<view>`: routed only behind a login
URL_PERMISSION_FACT = "django-url-permission:"  # + `<module>.<view>`: behind a permission
# A URLconf establishing either fact defines `urlpatterns` (see `urlconf_facts`).
NEGATED_FACT_NEEDLES.update(
    {URL_GUARD_FACT: (b"urlpatterns",), URL_PERMISSION_FACT: (b"urlpatterns",)}
)

_ROUTES = frozenset({"path", "re_path", "url"})


def urlconf_facts(ctx: FileContext) -> None:
    """Report the views this URLconf routes only through authenticating decorators (and
    those it routes only through permission decorators). A view routed once without one
    is reported as neither: that route is open."""
    if "urlpatterns" not in ctx.source or not ctx.imports("django"):
        return
    routes = [c for c in ctx.calls if _route(c)]
    if not routes:
        return
    grouped = _group_decorators(ctx, _pattern_lists(ctx))
    guarded: dict[str, bool] = {}
    permitted: dict[str, bool] = {}
    for call in routes:
        view, decorators = _view_of(call)
        module = imported_module_path(ctx, view) if view else ""
        if not module:
            continue
        found = [
            f for d in [*decorators, *grouped.get(id(call), [])] if (f := auth_decorator(ctx, d))
        ]
        guarded[module] = guarded.get(module, True) and bool(found)
        permitted[module] = permitted.get(module, True) and any(map(is_role_check, found))
    ctx.facts.update(URL_GUARD_FACT + m for m, ok in guarded.items() if ok)
    ctx.facts.update(URL_PERMISSION_FACT + m for m, ok in permitted.items() if ok)


def url_guard_conditions(path: str, view: str, *, permission: bool) -> str:
    """`&!<fact><module>.<view>` for each way an import may name the view's module: the
    condition parts that drop a finding when a URLconf guards the view."""
    fact = URL_PERMISSION_FACT if permission else URL_GUARD_FACT
    return "".join(f"&!{fact}{m}.{view}" for m in module_paths(path))


def _route(call: ast.Call) -> bool:
    """`path("x/", view)`, `re_path(...)`, `url(...)`: one URL pattern with a view."""
    if last(dotted(call.func)) not in _ROUTES:
        return False
    return len(call.args) >= 2 or keyword(call, "view") is not None


def _view_of(call: ast.Call) -> tuple[str, list[ast.expr]]:
    """The view a pattern routes (`views.Edit` in `can_edit(views.Edit.as_view())`) and
    the decorators wrapped around it there; "" for an `include(...)`."""
    kw = keyword(call, "view")
    expr: ast.expr = call.args[1] if len(call.args) >= 2 else kw.value if kw else call.func
    decorators: list[ast.expr] = []
    while isinstance(expr, ast.Call):
        func = expr.func
        if isinstance(func, ast.Attribute) and func.attr == "as_view":
            expr = func.value
        elif expr.args and last(dotted(func)) != "include":
            decorators.append(func)  # `login_required(view)`, `cache_page(60)(view)`
            expr = expr.args[0]
        else:
            return "", decorators
    return dotted(expr), decorators


def _pattern_lists(ctx: FileContext) -> dict[str, list[ast.Call]]:
    """The URL patterns each module-level list holds: `team_urls = [path(...)]`,
    `team_urls += [...]`, `team_urls.append(path(...))`."""
    lists: dict[str, list[ast.Call]] = {}
    for node in ast.walk(ctx.tree):
        target: ast.expr | None = None
        value: ast.expr | None = None
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, value = node.targets[0], node.value
        elif isinstance(node, ast.AugAssign | ast.AnnAssign):
            target, value = node.target, node.value
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in {"append", "extend"}
            and node.args
        ):
            target, value = node.func.value, node.args[0]
        if isinstance(target, ast.Name) and value is not None:
            found = [c for c in ast.walk(value) if isinstance(c, ast.Call) and _route(c)]
            lists.setdefault(target.id, []).extend(found)
    return lists


def _group_decorators(
    ctx: FileContext, lists: dict[str, list[ast.Call]]
) -> dict[int, list[ast.expr]]:
    """Decorators a helper applies to a group of patterns: in
    `decorated_patterns([login_required, members_only], path(...), *team_urls)` the
    arguments that are patterns (or lists of them) get the ones that authenticate."""
    applied: dict[int, list[ast.expr]] = {}
    for call in ctx.calls:
        if _route(call) or last(dotted(call.func)) == "include":
            continue
        members: list[ast.Call] = []
        decorators: list[ast.expr] = []
        for arg in call.args:
            inner = arg.value if isinstance(arg, ast.Starred) else arg
            items = inner.elts if isinstance(inner, ast.List | ast.Tuple) else [inner]
            for item in items:
                if isinstance(item, ast.Call) and _route(item):
                    members.append(item)
                elif isinstance(item, ast.Name) and item.id in lists:
                    members.extend(lists[item.id])
                elif auth_decorator(ctx, item):
                    decorators.append(item)
        for member in members if decorators else []:
            applied.setdefault(id(member), []).extend(decorators)
    return applied


def module_paths(path: str) -> list[str]:
    """A file's module path (`server/polar/x/endpoints.py` -> `server/polar/x/endpoints`)
    and its suffixes of two or more parts: how an import elsewhere may name it."""
    parts = path.removesuffix(".py").split("/")
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ["/".join(parts[i:]) for i in range(max(len(parts) - 1, 1))]


def imported_module_path(ctx: FileContext, expr: str) -> str:
    """`<module path>.<name>` of a name imported into this file (`from
    .customers.endpoints import router as customers_router` in `polar/backoffice/
    __init__.py` -> `polar/backoffice/customers/endpoints.router`); "" if not imported."""
    head, _, attr = expr.partition(".")
    for stmt in ctx.tree.body:
        if not isinstance(stmt, ast.ImportFrom):
            continue
        for alias in stmt.names:
            if (alias.asname or alias.name) != head:
                continue
            module = (stmt.module or "").replace(".", "/")
            if stmt.level:
                base = ctx.path.split("/")[:-1]
                base = base[: len(base) - (stmt.level - 1)] if stmt.level > 1 else base
                module = "/".join([*base, module] if module else base)
            if attr:  # from . import customers; customers.router
                return f"{module}/{alias.name}.{attr}".lstrip("/")
            return f"{module}.{alias.name}".lstrip("/")
    return ""
