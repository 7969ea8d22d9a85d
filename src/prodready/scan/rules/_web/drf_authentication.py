"""DRF authentication classes that turn away a request without credentials.

DRF lets an anonymous request through to the permission check when every authentication
class returns None for it; `permission_classes = ()` then lets anyone in. A project's
own class that raises `AuthenticationFailed` when the `Authorization` header is missing,
and otherwise returns a user (Data Hub's `SSOIntrospectionAuthentication`), never lets
that happen: listed in `DEFAULT_AUTHENTICATION_CLASSES`, it authenticates every view
that does not choose its own `authentication_classes`, whatever its permissions say.

The settings module and the class's module are usually different files, so each reports
what it knows as a fact and the engine joins them: the settings report the classes they
list (`drf-default-auth:<module path>.<class>`), the class's module reports that listing
it means every request is authenticated (`...<class>=>drf-strict-auth`).
"""

from __future__ import annotations

import ast

from prodready.scan.context import FileContext, FunctionNode
from prodready.scan.registry import NEGATED_FACT_NEEDLES
from prodready.scan.rules._names import walk_own
from prodready.scan.rules._web.syntax import const_str, dotted, last
from prodready.scan.rules._web.urlconf import module_paths

DRF_DEFAULT_AUTH_FACT = "drf-default-auth:"  # + `<module path>.<class>` listed in settings
DRF_STRICT_AUTH_FACT = "drf-strict-auth"  # a listed default class rejects anonymous requests

_REJECTIONS = frozenset({"AuthenticationFailed", "NotAuthenticated"})
NEGATED_FACT_NEEDLES[DRF_STRICT_AUTH_FACT] = (
    b"DEFAULT_AUTHENTICATION_CLASSES",
    *(name.encode() for name in sorted(_REJECTIONS)),
)


def default_authentication_facts(ctx: FileContext, classes: ast.expr) -> None:
    """The classes a settings module's `DEFAULT_AUTHENTICATION_CLASSES` lists."""
    for entry in getattr(classes, "elts", []):
        name = const_str(entry)
        if name and "." in name:
            module, _, cls = name.rpartition(".")
            ctx.facts.add(f"{DRF_DEFAULT_AUTH_FACT}{module.replace('.', '/')}.{cls}")


def strict_authentication_facts(ctx: FileContext) -> None:
    """`listed=>strict` for each authentication class of this module whose `authenticate`
    rejects a request it cannot authenticate instead of returning None."""
    if not any(name in ctx.source for name in _REJECTIONS):
        return
    for cls in ctx.classes:
        method = next(
            (
                s
                for s in cls.body
                if isinstance(s, ast.FunctionDef | ast.AsyncFunctionDef)
                and s.name == "authenticate"
            ),
            None,
        )
        if method is not None and _never_returns_none(method):
            for module in module_paths(ctx.path):
                listed = f"{DRF_DEFAULT_AUTH_FACT}{module}.{cls.name}"
                ctx.facts.add(f"{listed}=>{DRF_STRICT_AUTH_FACT}")


def _never_returns_none(fn: FunctionNode) -> bool:
    """Every way out of `authenticate` is a `(user, auth)` tuple or a raise, and one of
    the raises is DRF's rejection: a bare `return`, a `return None`, a returned call (a
    base class's `authenticate`, which may be None) or falling off the end lets an
    anonymous request go on to the permission check."""
    if not fn.body or not isinstance(fn.body[-1], ast.Return | ast.Raise):
        return False
    rejects = False
    for node in walk_own(fn):
        if isinstance(node, ast.Return) and not isinstance(node.value, ast.Tuple):
            return False
        if isinstance(node, ast.Raise) and node.exc is not None:
            raised = node.exc.func if isinstance(node.exc, ast.Call) else node.exc
            rejects = rejects or last(dotted(raised)) in _REJECTIONS
    return rejects
