"""Django function views: a module-level function whose first parameter is the request.

Django routes in `urls.py`, not with decorators, so a view is recognised by its shape; its
methods come from `@require_POST`/`@require_http_methods`/DRF `@api_view`, or, without
those, from what the body does with `request.method` and form data.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from prodready.scan.context import FunctionNode
from prodready.scan.rules._web.auth_evidence import apply_decorator_auth
from prodready.scan.rules._web.handler import Handler, Param
from prodready.scan.rules._web.request_data import INT_LIKE_PARAM
from prodready.scan.rules._web.syntax import const_str, dotted, last, positional, str_list

if TYPE_CHECKING:
    from prodready.scan.rules._web.web_file import WebFile

# Method names whose call means the view changes something (a model, a queue, a mail).
_WRITES = frozenset(
    {
        "save",
        "create",
        "delete",
        "update",
        "update_or_create",
        "get_or_create",
        "bulk_create",
        "bulk_update",
        "add",
        "remove",
        "commit",
        "execute",
        "send",
        "delay",
        "apply_async",
    }
)


def django_function(web: WebFile, fn: FunctionNode) -> Handler:
    """The handler for a Django (or DRF `@api_view`) function view."""
    ctx = web.ctx
    methods: set[str] = set()
    framework = "django"
    explicit = False
    decorators = [*fn.decorator_list, *web.rewrapped(fn)]
    for dec in decorators:
        name = last(ctx.qualname(dec.func if isinstance(dec, ast.Call) else dec))
        if name == "require_POST":
            methods.add("POST")
            explicit = True
        elif name in {"require_GET", "require_safe"}:
            methods.add("GET")
            explicit = True
        elif name in {"require_http_methods", "api_view"} and isinstance(dec, ast.Call):
            listed = str_list(dec.args[0]) if dec.args else None
            methods.update(m.upper() for m in (listed or (["GET"] if name == "api_view" else [])))
            explicit = True
            if name == "api_view":
                framework = "drf"
    if not explicit:
        methods |= _methods_from_body(web.body(fn)) or {"GET"}
    h = Handler(fn, fn.name, framework, frozenset(methods))
    for p in positional(fn)[1:]:
        h.params[p.arg] = Param(p.arg, bool(INT_LIKE_PARAM.match(p.arg)))
    apply_decorator_auth(ctx, decorators, h)
    if framework == "drf" and not h.auth and not h.open_explicit:
        h.drf_default = True
    return h


def _methods_from_body(body: list[ast.AST]) -> set[str]:
    """Methods a view without a method decorator handles, read from its body: a
    comparison of `request.method`, or form data read by a view that writes."""
    found: set[str] = set()
    reads_form = writes = False
    for node in body:
        if isinstance(node, ast.Compare) and dotted(node.left).endswith("request.method"):
            for comp in node.comparators:
                found.update(s.upper() for s in str_list(comp) or [])
                text = const_str(comp)
                if text:
                    found.add(text.upper())
        elif isinstance(node, ast.Attribute) and node.attr in {"POST", "FILES", "body"}:
            if dotted(node.value) in {"request", "self.request", "req"}:
                reads_form = True
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            writes = writes or node.func.attr in _WRITES
    if reads_form and writes:
        found.add("POST")
    return found
