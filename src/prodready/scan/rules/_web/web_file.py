"""The web analysis of one file: its route handlers and class-based views, found in one
pass and cached per file so that the three web rules share it.

`WebFile` decides which functions and classes are handlers and which framework each belongs
to; reading a handler's details is left to the framework modules (`fastapi_views`,
`django_views`, `flask_views`, `class_views`). It also caches what the rules ask of a
function more than once: the nodes of its body, its authentication evidence and its
request-data `Flow`.

Not every function that takes `request` is a view: helpers in `utils`/`helpers` modules and
Django's error views (`handler403(request, exception)`) are not routed, a class that only
combines bases is a base, and a test project kept inside a package (`wagtail/test/testapp/`,
`wagtail/test/settings.py`) is not part of the application at all.
"""

from __future__ import annotations

import ast
import re

from prodready.scan.context import FileContext, FunctionNode
from prodready.scan.rules._web import auth_evidence, fastapi_views
from prodready.scan.rules._web.auth_signals import AUTHZ_NAME, IDENTITY_PARAMS
from prodready.scan.rules._web.class_views import class_handlers, view_class
from prodready.scan.rules._web.django_views import django_function
from prodready.scan.rules._web.flask_views import (
    APP_HOOK,
    add_url_rules,
    blueprint_key,
    guarded_receivers,
    guards_whole_app,
)
from prodready.scan.rules._web.flow import Flow
from prodready.scan.rules._web.handler import UNSEEN_BASE, Handler, Param, ViewClass
from prodready.scan.rules._web.routes import FASTAPI_PARAM, path_params, route_decorator
from prodready.scan.rules._web.syntax import dotted, first_param, last, positional

# Test projects kept inside a package (`wagtail/test/testapp/views.py`,
# `wagtail/test/settings.py`): scaffolding for the tests, not routes or settings that ship.
_SCAFFOLD_DIRS = frozenset(
    {"testapp", "test_app", "testapps", "testproject", "test_project", "testsite", "test_site"}
)
_PROJECT_FILE = re.compile(r"^(settings|urls|wsgi|asgi)(_\w+)?\.py$")
# Modules of helpers rather than views: a function taking `request` there is called by
# views, not routed (`utils/sendfile_backend.py`, `views/helpers.py`).
_HELPER_MODULE = re.compile(
    r"^(utils?|helpers?|backends?|middlewares?|signals|context_processors|templatetags|"
    r"decorators|mixins|forms|models|serializers|managers|validators|permissions|"
    r"\w+_(utils?|helpers?|backends?|middlewares?))$"
)
# Django's error views (`handler403 = "app.views.permission_denied"`): `(request, exception)`.
_ERROR_VIEW_PARAMS = frozenset({"exception", "exc", "reason"})
# The standard library's HTTP server: `do_GET(self)` reads `self.path` and `self.headers`.
_HTTP_SERVER_BASES = frozenset(
    {
        "http.server.BaseHTTPRequestHandler",
        "http.server.SimpleHTTPRequestHandler",
        "http.server.CGIHTTPRequestHandler",
        "BaseHTTPServer.BaseHTTPRequestHandler",
        "SimpleHTTPServer.SimpleHTTPRequestHandler",
    }
)

# Calls the discovery (and the missing-authn rule) needs, collected in one pass.
_WATCHED_CALLS = frozenset({"before_request", APP_HOOK, "add_url_rule", "include_router"})
_FRAMEWORKS = ("flask", "fastapi", "django", "rest_framework", "starlette", "quart")


class WebFile:
    """The handlers of one file and what is known about them."""

    def __init__(self, ctx: FileContext) -> None:
        self.ctx = ctx
        self.handlers: list[Handler] = []
        self.views: list[ViewClass] = []
        self.guarded_receivers: set[str] = set()  # blueprints/apps with an auth before_request
        self.app_guards: set[str] = set()  # of those, guarded by a `before_app_request`
        self.global_guard = False  # the Flask app itself checks auth before every request
        self.router_deps: dict[str, str] = {}  # router/app name -> auth dependency
        self.routers: set[str] = set()  # names bound to APIRouter(...)
        self.fastapi_apps: set[str] = set()
        self.flask_apps: set[str] = set()  # names bound to Flask(...) or Blueprint(...)
        self._bodies: dict[ast.AST, list[ast.AST]] = {}
        self.watched: dict[str, list[ast.Call]] = {}  # before_request, include_router...
        self._flows: dict[tuple[ast.AST, bool], Flow] = {}
        self._body_auth: dict[ast.AST, tuple[str, bool]] = {}
        self._module_functions: dict[str, FunctionNode] | None = None
        self._rewrapped: dict[str, list[ast.expr]] | None = None
        self.local_classes = {c.name: c for c in ctx.classes}
        self._method_owner = {id(s): c for c in ctx.classes for s in c.body}
        self.http_server_methods: set[ast.AST] = set()  # methods of a stdlib HTTP handler
        self.web = not test_scaffolding(ctx.path) and self._is_web()
        if self.web:
            self._find()

    # -- discovery ---------------------------------------------------------------------
    def _is_web(self) -> bool:
        ctx = self.ctx
        for cls in ctx.classes:
            if any(ctx.qualname(b) in _HTTP_SERVER_BASES for b in cls.bases):
                self.http_server_methods.update(
                    s for s in cls.body if isinstance(s, ast.FunctionDef | ast.AsyncFunctionDef)
                )
        if self.http_server_methods or any(ctx.imports(m) for m in _FRAMEWORKS):
            return True
        # a views module of a package: `from . import bp` then `@bp.route(...)`
        return any(
            route_decorator(ctx, d) is not None for fn in ctx.functions for d in fn.decorator_list
        )

    def _find(self) -> None:
        ctx = self.ctx
        for call in ctx.calls:  # one pass: the calls the discovery needs
            if isinstance(call.func, ast.Attribute) and call.func.attr in _WATCHED_CALLS:
                self.watched.setdefault(call.func.attr, []).append(call)
        self._module_bindings()
        hooks = guarded_receivers(
            self, [*self.watched.get("before_request", ()), *self.watched.get(APP_HOOK, ())]
        )
        self.guarded_receivers = set(hooks)
        self.app_guards = {r for r, hook in hooks.items() if hook == APP_HOOK}
        self.global_guard = bool(self.app_guards) or any(
            guards_whole_app(r) for r in self.guarded_receivers
        )
        fastapi = ctx.imports("fastapi") or ctx.imports("starlette")
        django = ctx.imports("django") or ctx.imports("rest_framework")
        class_methods: set[ast.AST] = set()
        # a view class that other classes here extend is a base, not an endpoint
        extended = {last(dotted(b)) for c in ctx.classes for b in c.bases}
        for cls in ctx.classes:
            view = view_class(self, cls)
            if view is None:
                continue
            class_methods.update(view.methods.values())
            if cls.name in extended or cls.name.startswith(("Base", "Abstract")):
                continue
            if cls.name.endswith("Mixin") or _only_bases(cls):
                continue
            self.views.append(view)
            self.handlers.extend(class_handlers(ctx, view))
        module_level = {id(s) for s in ctx.tree.body}
        url_rules = add_url_rules(ctx, self.watched.get("add_url_rule", ()))
        helpers = _helper_module(ctx)
        for fn in ctx.functions:
            if fn in class_methods:
                continue
            route = None
            for dec in fn.decorator_list:
                route = route_decorator(ctx, dec)
                if route is not None:
                    break
            if route is not None:
                receiver, methods, path, dec_call = route
                framework = self._framework_of(receiver, path, fastapi)
                h = self._decorated(fn, framework, receiver, methods, path, dec_call)
                self.handlers.append(h)
            elif fn.name in url_rules:
                methods, path, wrapped = url_rules[fn.name]
                h = self._decorated(fn, "flask", "", methods, path, None)
                if wrapped and not h.auth:
                    h.auth = f"@{wrapped}"
                self.handlers.append(h)
            elif (
                django
                and id(fn) in module_level
                and first_param(fn) in {"request", "req"}
                and _django_view(fn, helpers)
            ):
                self.handlers.append(django_function(self, fn))

    def _framework_of(self, receiver: str, path: str, fastapi: bool) -> str:
        """Flask or FastAPI, for a route decorator on `receiver`: from what the receiver is
        bound to, else the path's parameter syntax, else the file's imports."""
        if receiver in self.routers or receiver in self.fastapi_apps:
            return "fastapi"
        if receiver in self.flask_apps:
            return "flask"
        if FASTAPI_PARAM.search(path):  # not the `{}` of an f-string's `/{LETTER_TYPE}`
            return "fastapi"
        if "<" in path:
            return "flask"
        flask = self.ctx.imports("flask") or self.ctx.imports("quart")
        return "fastapi" if fastapi and not flask else "flask"

    def _module_bindings(self) -> None:
        """Module-level apps, blueprints and routers, with the auth dependencies given to them."""
        ctx = self.ctx
        for stmt in ctx.tree.body:
            if not isinstance(stmt, ast.Assign) or not isinstance(stmt.value, ast.Call):
                continue
            name = ctx.call_name(stmt.value).rsplit(".", 1)[-1]
            targets = [t.id for t in stmt.targets if isinstance(t, ast.Name)]
            if name in {"APIRouter", "FastAPI", "Blueprint", "Flask", "Router"}:
                dep = self.auth_dependencies(stmt.value)
                for t in targets:
                    if name in {"APIRouter", "Router"}:
                        self.routers.add(t)
                    elif name == "FastAPI":
                        self.fastapi_apps.add(t)
                    else:
                        self.flask_apps.add(t)
                    if dep:
                        self.router_deps[t] = dep

    def _decorated(
        self,
        fn: FunctionNode,
        framework: str,
        receiver: str,
        methods: frozenset[str],
        path: str,
        dec_call: ast.Call | None,
    ) -> Handler:
        """The handler for a function routed by a decorator or `add_url_rule`."""
        h = Handler(fn, fn.name, framework, methods, path, receiver=receiver)
        converters = path_params(path)
        if framework == "fastapi":
            fastapi_views.fastapi_params(self.ctx, fn, h, converters)
            dep = self.auth_dependencies(dec_call) if dec_call is not None else ""
            dep = dep or self.router_deps.get(receiver, "")
            if dep:
                h.auth = dep
                h.authz = h.authz or bool(AUTHZ_NAME.search(dep))
            self._controller_auth(fn, h)
            if receiver in self.routers or (
                receiver not in self.fastapi_apps and "router" in receiver.lower()
            ):
                h.router_key = self.router_key_of(receiver)
        else:
            for p in positional(fn):
                if p.arg in converters:
                    conv = converters[p.arg]
                    h.params[p.arg] = Param(p.arg, conv in {"int", "float", "uuid"})
                elif p.arg in IDENTITY_PARAMS:
                    h.identity_params.add(p.arg)
            if receiver in self.guarded_receivers:
                h.guard = f"{receiver}.before_request"
        auth_evidence.apply_decorator_auth(self.ctx, fn.decorator_list, h)
        return h

    def _controller_auth(self, fn: FunctionNode, h: Handler) -> None:
        """A route method of a class-based controller authenticates through the class's
        `user = Depends(get_current_user)` attribute, its in-file base's, or (a cross-file
        fact, `h.alias_keys`) that of a base imported from another module."""
        cls = self._method_owner.get(id(fn))
        seen: set[str] = set()
        while cls is not None and cls.name not in seen and not h.auth:
            seen.add(cls.name)
            h.auth = fastapi_views.controller_auth(self.ctx, cls)
            h.alias_keys |= fastapi_views.controller_base_keys(self.ctx, cls)
            bases = [self.local_classes.get(last(dotted(b))) for b in cls.bases]
            cls = next((b for b in bases if b is not None), None)

    # -- authentication evidence -------------------------------------------------------
    def auth_dependencies(self, call: ast.Call | None) -> str:
        """An authenticating entry of `dependencies=[Depends(...)]` in a call, if any."""
        return auth_evidence.auth_dependencies(self.ctx, call)

    def body_auth(self, fn: FunctionNode) -> str:
        """Evidence in the body that the caller is authenticated ("" if none)."""
        return self.body_evidence(fn)[0]

    def body_evidence(self, fn: FunctionNode) -> tuple[str, bool]:
        """(evidence, explicit) of authentication in a function's body; see
        `auth_evidence.body_evidence`."""
        found = self._body_auth.get(fn)
        if found is None:
            found = auth_evidence.body_evidence(self.ctx, self.body(fn))
            self._body_auth[fn] = found
        return found

    def authenticated(self, h: Handler) -> str:
        """Any evidence that a handler authenticates its caller ("" if none)."""
        return self.evidence(h)[0]

    def evidence(self, h: Handler) -> tuple[str, bool]:
        """(evidence, explicit) of authentication for a handler. Explicit: decorators,
        route/router dependencies, class mixins and permissions, checks in the body.
        Implicit: a `before_request` guard, using the current user, a base class from
        another file."""
        if h.auth and h.auth != UNSEEN_BASE:
            return h.auth, True
        fn = h.function
        if fn is not None:
            found, explicit = self.body_evidence(fn)
            if found:
                return found, explicit
            found, explicit = self._helper_evidence(fn)
            if found:
                return found, explicit
        if h.cls is not None:  # the view uses the current user somewhere (form_valid...)
            for stmt in h.cls.body:
                if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef):
                    found, explicit = self.body_evidence(stmt)
                    if found:
                        return f"{found} in {stmt.name}()", explicit
        if h.guard:
            return h.guard, False
        if h.auth:
            return h.auth, False
        return "", False

    def _helper_evidence(self, fn: FunctionNode) -> tuple[str, bool]:
        """Evidence in a module-level function of this file that the handler hands its
        request to (`return search_action(request)`): the check is made there."""
        for node in self.body(fn):
            if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Name):
                continue
            if not any(dotted(a) in {"request", "req", "self.request"} for a in node.args):
                continue
            callee = self.module_functions.get(node.func.id)
            if callee is None or callee is fn:
                continue
            found, explicit = self.body_evidence(callee)
            if found:
                return f"{found} in {callee.name}()", explicit
        return "", False

    @property
    def module_functions(self) -> dict[str, FunctionNode]:
        """Module-level functions of this file by name (names defined once only)."""
        found = self._module_functions
        if found is None:
            counts: dict[str, int] = {}
            found = {}
            for stmt in self.ctx.tree.body:
                if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef):
                    counts[stmt.name] = counts.get(stmt.name, 0) + 1
                    found[stmt.name] = stmt
            found = {n: f for n, f in found.items() if counts[n] == 1}
            self._module_functions = found
        return found

    # -- FastAPI routers ---------------------------------------------------------------
    def router_key_of(self, expr: str) -> str:
        """`<module stem>.<name>` for a router, the same from its own file and from the
        file that includes it, so that facts can connect the two."""
        return fastapi_views.router_key(self.ctx, expr)

    def blueprint_key_of(self, receiver: str) -> str:
        """`<module stem>.<name>` for a Flask blueprint, the same from its own file and from
        a file that imports it (where a `before_request` guard may be registered)."""
        return blueprint_key(self.ctx, receiver)

    def rewrapped(self, fn: FunctionNode) -> list[ast.expr]:
        """The decorators a module-level statement applies to `fn` after its definition,
        `ticket_list = staff_member_required(ticket_list)` (Tendenci's helpdesk views), as
        if written with `@`: the name now holds the wrapped view, which the URLconf routes."""
        if self._rewrapped is None:
            self._rewrapped = {}
            for stmt in self.ctx.tree.body:
                if not (
                    isinstance(stmt, ast.Assign)
                    and len(stmt.targets) == 1
                    and isinstance(stmt.targets[0], ast.Name)
                    and isinstance(stmt.value, ast.Call)
                    and len(stmt.value.args) == 1
                    and not stmt.value.keywords
                ):
                    continue
                name, arg = stmt.targets[0].id, stmt.value.args[0]
                if isinstance(arg, ast.Name) and arg.id == name:
                    self._rewrapped.setdefault(name, []).append(stmt.value.func)
        if self.module_functions.get(fn.name) is not fn:
            return []
        return self._rewrapped.get(fn.name, [])

    def relative_imports(self) -> dict[str, str]:
        """Names bound by relative imports at module level -> their dotted origin."""
        return fastapi_views.relative_imports(self.ctx)

    # -- bodies and flows --------------------------------------------------------------
    def body(self, fn: ast.AST) -> list[ast.AST]:
        """Every node inside a function's body (decorators and signature excluded)."""
        nodes = self._bodies.get(fn)
        if nodes is None:
            nodes = []
            stmts = fn.body if isinstance(fn, ast.FunctionDef | ast.AsyncFunctionDef) else []
            for stmt in stmts:
                nodes.extend(ast.walk(stmt))
            self._bodies[fn] = nodes
        return nodes

    def release(self) -> None:
        """Drop the flows, which refer back to this analysis: without that reference cycle
        the file's syntax tree is freed as soon as the rules move on, even while the
        garbage collector is paused."""
        self._flows.clear()

    def flow(self, fn: FunctionNode, handler: Handler | None, *, validated: bool) -> Flow:
        """The (cached) request-data flow through `fn`; see `Flow` for the two modes."""
        key = (fn, validated)
        flow = self._flows.get(key)
        if flow is None:
            flow = Flow(self, fn, handler, validated=validated)
            self._flows[key] = flow
        return flow

    def handler_for(self, fn: FunctionNode) -> Handler | None:
        """The handler whose function is `fn`, if it is one."""
        for h in self.handlers:
            if h.node is fn:
                return h
        return None


def test_scaffolding(path: str) -> bool:
    """A test project inside a package: a `testapp/` (or `test_project/`...) folder, or the
    settings and URLconf directly under a `test/` folder (`wagtail/test/settings.py`)."""
    parts = path.replace("\\", "/").split("/")
    dirs = [d.lower() for d in parts[:-1]]
    if set(dirs) & _SCAFFOLD_DIRS:
        return True
    stem = parts[-1].removesuffix(".py").lower()
    words = set(re.split(r"[_\-.]", stem))
    if "settings" in stem and (words & {"test", "tests", "testing"} or stem.startswith("test")):
        return True  # testsettings.py, settings_testing.py
    return bool(dirs) and dirs[-1] == "test" and bool(_PROJECT_FILE.match(parts[-1]))


def _helper_module(ctx: FileContext) -> bool:
    """A module of helpers (by its name or its package's), unless it routes views itself."""
    parts = ctx.path.replace("\\", "/").split("/")
    names = [parts[-1].removesuffix(".py"), *parts[-2:-1]]
    if not any(_HELPER_MODULE.match(n.lower()) for n in names):
        return False
    return not any(
        isinstance(s, ast.Assign)
        and any(isinstance(t, ast.Name) and t.id == "urlpatterns" for t in s.targets)
        for s in ctx.tree.body
    )


def _django_view(fn: FunctionNode, helpers: bool) -> bool:
    """A module-level `def f(request, ...)` is taken for a Django view unless it is a helper
    (in a helpers module, or returning nothing, with no decorator to say otherwise) or an
    error view. Django rejects a view that returns None, so an undecorated
    `stop_tracking(request, tracker)` called from a middleware, or an admin action's
    `_delete_contents(request, items)`, is a helper whatever its module is called."""
    params = positional(fn)
    if len(params) > 1 and params[1].arg in _ERROR_VIEW_PARAMS:
        return False  # handler403(request, exception), csrf_failure(request, reason)
    if fn.decorator_list:
        return True
    return not helpers and _returns_value(fn)


def _returns_value(fn: FunctionNode) -> bool:
    """Does the function itself (not a function nested in it) `return` something other
    than None or a truth value, or end in a `raise`? A view always answers with a
    response; `is_payment_postback(request)` answering `request.method == "POST" and ...`
    is a predicate the views ask."""
    todo: list[ast.AST] = list(fn.body)
    while todo:
        node = todo.pop()
        if isinstance(node, ast.Return):
            value = node.value
            if value is None or (isinstance(value, ast.Constant) and value.value is None):
                continue
            if not _truth_value(value):
                return True
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda | ast.ClassDef):
            continue
        todo.extend(ast.iter_child_nodes(node))
    return bool(fn.body) and isinstance(fn.body[-1], ast.Raise)


# Calls that answer True or False.
_TRUTH_CALLS = frozenset({"isinstance", "issubclass", "hasattr", "bool", "all", "any"})


def _truth_value(value: ast.expr) -> bool:
    """A comparison, a `not`, True/False, or an `and`/`or` holding one of them."""
    if isinstance(value, ast.Compare):
        return True
    if isinstance(value, ast.UnaryOp):
        return isinstance(value.op, ast.Not)
    if isinstance(value, ast.Constant):
        return isinstance(value.value, bool)
    if isinstance(value, ast.BoolOp):
        return any(_truth_value(v) for v in value.values)
    if isinstance(value, ast.Call) and isinstance(value.func, ast.Name):
        return value.func.id in _TRUTH_CALLS
    return False


def _only_bases(cls: ast.ClassDef) -> bool:
    """`class ModelViewSet(CreateModelMixin, ..., GenericViewSet): pass`: a class that only
    combines bases configures no model or queryset, so it is a base to extend, not a route."""
    for stmt in cls.body:
        if isinstance(stmt, ast.Pass):
            continue
        if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant):
            continue  # docstring or `...`
        return False
    return True


# The analysis of the file the rules are on. One slot, not a weak dictionary keyed by the
# file: a WebFile refers to its FileContext, so such a key would never die and every
# scanned file's syntax tree would stay in memory.
_LAST: list[WebFile] = []


def web_file(ctx: FileContext) -> WebFile:
    """The (cached) web analysis of a file, shared by the three rules, which run on one
    file after another."""
    if _LAST and _LAST[0].ctx is ctx:
        return _LAST[0]
    if _LAST:
        _LAST[0].release()
    found = WebFile(ctx)
    _LAST[:] = [found]
    return found
