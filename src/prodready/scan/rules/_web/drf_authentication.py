"""DRF authentication classes that turn away a request without credentials.

DRF lets an anonymous request through to the permission check when every authentication
class returns None for it; `permission_classes = ()` then lets anyone in. A project's
own class that raises `AuthenticationFailed` when the `Authorization` header is missing,
and otherwise returns a user (Data Hub's `SSOIntrospectionAuthentication`), never lets
that happen: listed in `DEFAULT_AUTHENTICATION_CLASSES`, it authenticates every view
that does not choose its own `authentication_classes`, whatever its permissions say.

A view that lists such a class as its own `authentication_classes` (Lite's
`authentication_classes = (ExporterAuthentication,)`, whose `authenticate` raises from a
helper when the user token is missing) is just as closed.

The settings module and the class's module are usually different files, so each reports
what it knows as a fact and the engine joins them: the settings report the classes they
list (`drf-default-auth:<module path>.<class>`), the class's module reports that listing
it means every request is authenticated (`...<class>=>drf-strict-auth`) and that the
class is strict (`drf-strict-class:<module path>.<class>`), which a view's own listing
asks about.
"""

from __future__ import annotations

import ast

from prodready.scan.context import FileContext, FunctionNode
from prodready.scan.registry import NEGATED_FACT_NEEDLES
from prodready.scan.rules._names import walk_own
from prodready.scan.rules._web.syntax import const_str
from prodready.scan.rules._web.urlconf import module_paths

DRF_DEFAULT_AUTH_FACT = "drf-default-auth:"  # + `<module path>.<class>` listed in settings
DRF_STRICT_AUTH_FACT = "drf-strict-auth"  # a listed default class rejects anonymous requests
DRF_STRICT_CLASS_FACT = "drf-strict-class:"  # + `<module path>.<class>` that rejects them

NEGATED_FACT_NEEDLES[DRF_STRICT_AUTH_FACT] = (b"DEFAULT_AUTHENTICATION_CLASSES", b"authenticate")
NEGATED_FACT_NEEDLES[DRF_STRICT_CLASS_FACT] = (b"authenticate",)


def default_authentication_facts(ctx: FileContext, classes: ast.expr) -> None:
    """The classes a settings module's `DEFAULT_AUTHENTICATION_CLASSES` lists."""
    for entry in getattr(classes, "elts", []):
        name = const_str(entry)
        if name and "." in name:
            module, _, cls = name.rpartition(".")
            ctx.facts.add(f"{DRF_DEFAULT_AUTH_FACT}{module.replace('.', '/')}.{cls}")


def strict_authentication_facts(ctx: FileContext) -> None:
    """For each authentication class of this module that rejects a request it cannot
    authenticate instead of returning None: `listed=>strict` for the settings' default,
    and the class's own `drf-strict-class:` fact for views that list it."""
    if "authenticate" not in ctx.source:
        return
    methods = {
        cls.name: method
        for cls in ctx.classes
        for method in cls.body
        if isinstance(method, ast.FunctionDef | ast.AsyncFunctionDef)
        and method.name == "authenticate"
    }
    for name, method in methods.items():
        if _never_returns_none(method, methods):
            for module in module_paths(ctx.path):
                ctx.facts.add(f"{DRF_DEFAULT_AUTH_FACT}{module}.{name}=>{DRF_STRICT_AUTH_FACT}")
                ctx.facts.add(f"{DRF_STRICT_CLASS_FACT}{module}.{name}")


def _never_returns_none(
    fn: FunctionNode, methods: dict[str, FunctionNode], seen: frozenset[str] = frozenset()
) -> bool:
    """Every way out of `authenticate` is a `(user, auth)` tuple, a raise, or the
    `authenticate` of another strict class of the module (Lite's `SharedAuthentication`
    hands the request to `ExporterAuthentication().authenticate(request)` or the gov one):
    a bare `return`, a `return None`, another returned call (a base class's
    `authenticate`, which may be None) or falling off the end lets an anonymous request
    go on to the permission check. A class that never lets one through must turn it away,
    in its body or in the helpers it calls."""
    if not fn.body or not isinstance(fn.body[-1], ast.Return | ast.Raise):
        return False
    for node in walk_own(fn):
        if not isinstance(node, ast.Return) or isinstance(node.value, ast.Tuple):
            continue
        other = _delegated_to(node.value)
        if other is None or other in seen or other not in methods:
            return False
        if not _never_returns_none(methods[other], methods, seen | {other}):
            return False
    return True


def _delegated_to(value: ast.expr | None) -> str | None:
    """`Other` in `return Other().authenticate(request)`."""
    if not (isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute)):
        return None
    made = value.func.value
    if value.func.attr != "authenticate" or not isinstance(made, ast.Call):
        return None
    return made.func.id if isinstance(made.func, ast.Name) else None
