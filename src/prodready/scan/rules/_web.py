"""Web route handlers and request data, shared by PR105 (missing-authn), PR106 (idor) and
PR107 (unvalidated-input). Private to those rules.

One pass over a file's functions and classes finds the route handlers of Flask (app and
blueprint `.route`/`.get`/`.post`..., `add_url_rule`, `MethodView`/flask-restful
`Resource`), FastAPI (`@app.post`, `@router.delete`, `api_route`), Django function views
(a module-level function whose first parameter is `request`, with `@require_POST`,
`@require_http_methods`, DRF `@api_view`) and class-based views (Django generic views, DRF
`APIView`/generics/`ViewSet`). For each handler it records the HTTP methods, the parameters
that carry request data, and the evidence of authentication it has (decorators, FastAPI
`Depends`/`Security` on the route, its router or app, Django mixins, DRF
`permission_classes`, checks in the body). The result is cached per file, so the three rules
share one analysis.

`Flow` follows request data through one function in source order: which names hold request
data at a given line, and (in "validated" mode) which of them have been checked against an
allow-list or passed through a sanitiser since.
"""

from __future__ import annotations

import ast
import itertools
import re
import weakref
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from prodready.scan.context import FileContext, FunctionNode, keyword

STATE_CHANGING = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_VERBS = frozenset({"get", "post", "put", "patch", "delete", "head", "options"})

# -- names that suggest authentication --------------------------------------------------
# Decorators, dependency callables and mixins whose name says they authenticate.
_AUTH_NAME = re.compile(
    r"login|logged_?in|auth|jwt|token|permission|perm_|roles?_|_roles?\b|role_required|"
    r"admin|staff|superuser|protected|secured?\b|signed_?in|api_?key|oauth|credential|"
    r"principal|identity|current_?(user|active|customer|account|member|tenant|staff|client|"
    r"patient|employee|admin|superuser|principal|identity)|requires\b|require_?(user|login|"
    r"scope|role|account|member|session)|scope|acl\b|access_required|guard|member_required|"
    r"user_required|verified|session_required|basic_auth|digest|passes_test|_required$",
    re.IGNORECASE,
)
# ...and of those, the ones that restrict to a role or permission (authorisation).
_AUTHZ_NAME = re.compile(
    r"admin|staff|superuser|permission|perm_|roles?_|_roles?\b|role_required|scope|acl\b|"
    r"owner|owns|group_required|moderator|passes_test",
    re.IGNORECASE,
)
_NOT_AUTH_DECORATORS = frozenset(
    {
        "require_http_methods",
        "require_POST",
        "require_GET",
        "require_safe",
        "csrf_exempt",
        "csrf_protect",
        "ensure_csrf_cookie",
        "api_view",
        "action",
    }
)
# Calls in a handler body that authenticate the caller.
_AUTH_CALL = re.compile(
    r"^(authenticate\w*|verify_(token|jwt|auth\w*|api_?key|access\w*|session|user|"
    r"credentials|id_token)|check_(auth\w*|token|api_?key|login|session|credentials)|"
    r"require_(login|auth\w*|user|api_?key)|login_required|jwt_required|"
    r"verify_jwt_in_request|get_current_(user|identity|account)\w*|current_user|"
    r"get_jwt_identity|get_jwt|decode_(token|jwt|access_token)|validate_(token|api_?key|"
    r"jwt|session)|is_authenticated|get_user_from_(token|request|session|header)|"
    r"get_authenticated_user|authenticated_userid|ensure_(logged_in|authenticated))$"
)
_IDENTITY_CALL = re.compile(
    r"^(get_)?(current|logged_in|authenticated|auth|request)_?(user|identity|principal|"
    r"account|member)(_id|_object)?$|^get_jwt_identity$|^get_jwt$|^get_user_from_(token|"
    r"request|session|header)$|^authenticated_userid$|^whoami$|^get_identity$|"
    r"^authenticate(_user|_request)?$|^verify_(token|jwt|id_token)$|^decode_(token|jwt)$"
)
# Dotted expressions that are the current user.
_IDENTITY_EXPRS = (
    "current_user",
    "current_identity",
    "g.user",
    "g.current_user",
    "g.account",
    "request.user",
    "self.request.user",
    "request.auth",
    "self.request.auth",
    "request.state.user",
    "info.context.user",
    "request.tenant",
    "g.tenant",
    "current_tenant",
)
_IDENTITY_PARAMS = frozenset(
    {"current_user", "user", "me", "principal", "auth_user", "requester", "current_account"}
)
_SESSION_USER_KEY = re.compile(r"user|uid|account|member|customer|login|auth|logged", re.I)
_AUTH_HEADERS = frozenset(
    {
        "authorization",
        "http_authorization",
        "x-api-key",
        "x-api-token",
        "x-auth-token",
        "http_x_api_key",
        "api_key",
        "x-access-token",
    }
)
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
_WATCHED_CALLS = frozenset({"before_request", "add_url_rule", "include_router"})
_DENIALS = frozenset(
    {"PermissionDenied", "HttpResponseForbidden", "NotAuthenticated", "Unauthorized", "Forbidden"}
)
_AUTHN_ONLY_ATTRS = frozenset({"is_authenticated", "is_anonymous", "is_active"})

# -- request data ------------------------------------------------------------------------
REQUEST_SOURCES = frozenset(
    {
        "args",
        "form",
        "values",
        "json",
        "get_json",
        "files",
        "data",
        "get_data",
        "GET",
        "POST",
        "FILES",
        "body",
        "query_params",
        "path_params",
        "cookies",
        "COOKIES",
        "headers",
        "META",
        "view_args",
        "match_info",
        "query",
        "rel_url",
        "post",
        "text",
        "stream",
        "content",
    }
)
_REQUEST_TYPES = frozenset({"Request", "HttpRequest", "WebSocket", "HTTPConnection"})
_NOT_REQUEST_TYPES = frozenset(
    {"BackgroundTasks", "Response", "Session", "AsyncSession", "SecurityScopes"}
)
_SCALAR_TYPES = frozenset(
    {
        "int",
        "float",
        "bool",
        "UUID",
        "UUID4",
        "uuid.UUID",
        "date",
        "datetime",
        "time",
        "timedelta",
        "Decimal",
        "EmailStr",
        "PositiveInt",
        "NonNegativeInt",
        "conint",
        "Literal",
    }
)
_RAW_TYPES = frozenset({"str", "bytes", "Any", "UploadFile", "list", "List", "dict", "Dict"})
_INT_LIKE_PARAM = re.compile(r"^(pk|id|\w+_(id|pk|num|number|index)|year|month|day|page|n)$")

# -- framework classes -------------------------------------------------------------------
# Django / DRF / Flask view base classes, with what they do when their methods are absent.
_GENERIC_WRITES: dict[str, frozenset[str]] = {
    "CreateView": frozenset({"POST"}),
    "UpdateView": frozenset({"POST"}),
    "DeleteView": frozenset({"POST", "DELETE"}),
    "FormView": frozenset({"POST"}),
    "CreateAPIView": frozenset({"POST"}),
    "ListCreateAPIView": frozenset({"POST"}),
    "UpdateAPIView": frozenset({"PUT", "PATCH"}),
    "DestroyAPIView": frozenset({"DELETE"}),
    "RetrieveUpdateAPIView": frozenset({"PUT", "PATCH"}),
    "RetrieveDestroyAPIView": frozenset({"DELETE"}),
    "RetrieveUpdateDestroyAPIView": frozenset({"PUT", "PATCH", "DELETE"}),
    "ModelViewSet": frozenset({"POST", "PUT", "PATCH", "DELETE"}),
    "CreateModelMixin": frozenset({"POST"}),
    "UpdateModelMixin": frozenset({"PUT", "PATCH"}),
    "DestroyModelMixin": frozenset({"DELETE"}),
}
DETAIL_READS = frozenset(
    {
        "DetailView",
        "RetrieveAPIView",
        "ReadOnlyModelViewSet",
        "RetrieveModelMixin",
        "RetrieveUpdateAPIView",
        "RetrieveDestroyAPIView",
        "RetrieveUpdateDestroyAPIView",
        "ModelViewSet",
    }
)
DETAIL_WRITES = frozenset(
    {
        "UpdateView",
        "DeleteView",
        "UpdateAPIView",
        "DestroyAPIView",
        "RetrieveUpdateAPIView",
        "RetrieveDestroyAPIView",
        "RetrieveUpdateDestroyAPIView",
        "ModelViewSet",
        "UpdateModelMixin",
        "DestroyModelMixin",
    }
)
_DRF_BASES = frozenset(
    {
        "APIView",
        "GenericAPIView",
        "CreateAPIView",
        "ListAPIView",
        "RetrieveAPIView",
        "DestroyAPIView",
        "UpdateAPIView",
        "ListCreateAPIView",
        "RetrieveUpdateAPIView",
        "RetrieveDestroyAPIView",
        "RetrieveUpdateDestroyAPIView",
        "ViewSet",
        "GenericViewSet",
        "ModelViewSet",
        "ReadOnlyModelViewSet",
        "ViewSetMixin",
        "CreateModelMixin",
        "ListModelMixin",
        "RetrieveModelMixin",
        "UpdateModelMixin",
        "DestroyModelMixin",
    }
)
_DJANGO_BASES = frozenset(
    {
        "View",
        "TemplateView",
        "RedirectView",
        "FormView",
        "CreateView",
        "UpdateView",
        "DeleteView",
        "DetailView",
        "ListView",
        "ArchiveIndexView",
        "YearArchiveView",
        "MonthArchiveView",
        "DayArchiveView",
        "DateDetailView",
    }
)
_FLASK_CLASS_BASES = frozenset({"MethodView", "Resource"})
_VIEW_BASES = _DRF_BASES | _DJANGO_BASES | _FLASK_CLASS_BASES
_NEUTRAL_BASES = frozenset(
    {
        "object",
        "SuccessMessageMixin",
        "FormMixin",
        "ModelFormMixin",
        "SingleObjectMixin",
        "MultipleObjectMixin",
        "ContextMixin",
        "TemplateResponseMixin",
        "SingleObjectTemplateResponseMixin",
        "ProcessFormView",
        "BaseFormView",
        "BaseCreateView",
        "BaseUpdateView",
        "BaseDeleteView",
        "BaseDetailView",
        "DeletionMixin",
        "Generic",
    }
)
_AUTHZ_BASES = frozenset(
    {
        "PermissionRequiredMixin",
        "UserPassesTestMixin",
        "StaffuserRequiredMixin",
        "SuperuserRequiredMixin",
        "GroupRequiredMixin",
    }
)
_AUTH_BASES = _AUTHZ_BASES | {"LoginRequiredMixin", "AccessMixin"}
_VIEWSET_ACTIONS = frozenset({"create", "update", "partial_update", "destroy", "retrieve", "list"})
_METHOD_VERBS = {
    "get": "GET",
    "post": "POST",
    "put": "PUT",
    "patch": "PATCH",
    "delete": "DELETE",
    "create": "POST",
    "update": "PUT",
    "partial_update": "PATCH",
    "destroy": "DELETE",
    "retrieve": "GET",
    "list": "GET",
}
OPEN_PERMISSIONS = frozenset({"AllowAny"})
UNSEEN_BASE = "a base class this file does not define"
NON_OBJECT_PERMISSIONS = frozenset({"AllowAny", "IsAuthenticated", "IsAuthenticatedOrReadOnly"})


@dataclass(frozen=True)
class Param:
    """A handler parameter that carries request data (URL segment, query, body)."""

    name: str
    typed: bool  # validated by its type, converter or pattern


@dataclass(eq=False)
class Handler:
    node: FunctionNode | ast.ClassDef  # a class for generic views without own methods
    name: str
    framework: str  # "flask" | "fastapi" | "django" | "drf"
    methods: frozenset[str]
    path: str = ""
    params: dict[str, Param] = field(default_factory=dict)
    identity_params: set[str] = field(default_factory=set)
    request_names: set[str] = field(default_factory=lambda: {"request", "req"})
    auth: str = ""  # evidence of authentication found outside the body; "" if none
    authz: bool = False  # restricted to a role or permission (decorator, permission class)
    open_explicit: bool = False  # DRF permission_classes that allow anyone
    drf_default: bool = False  # DRF view relying on the project's default permissions
    router_key: str | None = None  # FastAPI router `<module>.<name>` the route hangs on
    cls: ast.ClassDef | None = None
    guard: str = ""  # a `before_request` guard of its blueprint or app
    generic: str = ""  # the generic base that provides the behaviour (class-level handler)

    @property
    def function(self) -> FunctionNode | None:
        return None if isinstance(self.node, ast.ClassDef) else self.node

    @property
    def state_changing(self) -> bool:
        return bool(self.methods & STATE_CHANGING)


@dataclass
class ViewClass:
    node: ast.ClassDef
    framework: str
    bases: set[str]  # framework base names reachable through in-file classes
    auth: str
    authz: bool
    open_explicit: bool
    drf_default: bool
    unknown_bases: bool  # a base we cannot see may add authentication or scoping
    attrs: dict[str, ast.expr]  # class attributes, inherited in-file ones included
    methods: dict[str, FunctionNode]


class WebFile:
    """The handlers of one file and what is known about them."""

    def __init__(self, ctx: FileContext) -> None:
        self.ctx = ctx
        self.handlers: list[Handler] = []
        self.views: list[ViewClass] = []
        self.guarded_receivers: set[str] = set()  # blueprints/apps with an auth before_request
        self.global_guard = False  # the Flask app itself checks auth before every request
        self.router_deps: dict[str, str] = {}  # router/app name -> auth dependency
        self.routers: set[str] = set()  # names bound to APIRouter(...)
        self.fastapi_apps: set[str] = set()
        self.flask_apps: set[str] = set()  # names bound to Flask(...) or Blueprint(...)
        self._bodies: dict[ast.AST, list[ast.AST]] = {}
        self.watched: dict[str, list[ast.Call]] = {}  # before_request, include_router...
        self._flows: dict[tuple[ast.AST, bool], Flow] = {}
        self._body_auth: dict[ast.AST, tuple[str, bool]] = {}
        self.local_classes = {c.name: c for c in ctx.classes}
        self.web = self._is_web()
        if self.web:
            self._find()

    # -- discovery ---------------------------------------------------------------------
    def _is_web(self) -> bool:
        ctx = self.ctx
        frameworks = ("flask", "fastapi", "django", "rest_framework", "starlette", "quart")
        if any(ctx.imports(m) for m in frameworks):
            return True
        # a views module of a package: `from . import bp` then `@bp.route(...)`
        return any(
            _route_decorator(ctx, d) is not None for fn in ctx.functions for d in fn.decorator_list
        )

    def _find(self) -> None:
        ctx = self.ctx
        for call in ctx.calls:  # one pass: the calls the discovery needs
            if isinstance(call.func, ast.Attribute) and call.func.attr in _WATCHED_CALLS:
                self.watched.setdefault(call.func.attr, []).append(call)
        self._module_bindings()
        self._before_request_guards()
        fastapi = ctx.imports("fastapi") or ctx.imports("starlette")
        django = ctx.imports("django") or ctx.imports("rest_framework")
        class_methods: set[ast.AST] = set()
        # a view class that other classes here extend is a base, not an endpoint
        extended = {_last(_dotted(b)) for c in ctx.classes for b in c.bases}
        for cls in ctx.classes:
            view = self._view_class(cls)
            if view is None:
                continue
            class_methods.update(view.methods.values())
            if cls.name in extended or cls.name.startswith(("Base", "Abstract")):
                continue
            if cls.name.endswith("Mixin"):
                continue
            self.views.append(view)
            self._class_handlers(view)
        module_level = {id(s) for s in ctx.tree.body}
        add_url_rules = self._add_url_rules()
        for fn in ctx.functions:
            if fn in class_methods:
                continue
            route = None
            for dec in fn.decorator_list:
                route = _route_decorator(ctx, dec)
                if route is not None:
                    break
            if route is not None:
                receiver, methods, path, dec_call = route
                framework = self._framework_of(receiver, path, fastapi)
                h = self._decorated(fn, framework, receiver, methods, path, dec_call)
                self.handlers.append(h)
            elif fn.name in add_url_rules:
                methods, path, wrapped = add_url_rules[fn.name]
                h = self._decorated(fn, "flask", "", methods, path, None)
                if wrapped and not h.auth:
                    h.auth = f"@{wrapped}"
                self.handlers.append(h)
            elif django and id(fn) in module_level and _first_param(fn) in {"request", "req"}:
                self.handlers.append(self._django_function(fn))

    def _framework_of(self, receiver: str, path: str, fastapi: bool) -> str:
        if receiver in self.routers or receiver in self.fastapi_apps:
            return "fastapi"
        if receiver in self.flask_apps:
            return "flask"
        if "{" in path:
            return "fastapi"
        if "<" in path:
            return "flask"
        flask = self.ctx.imports("flask") or self.ctx.imports("quart")
        return "fastapi" if fastapi and not flask else "flask"

    def _module_bindings(self) -> None:
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

    def _before_request_guards(self) -> None:
        """`@bp.before_request` (or `app.before_request(fn)`) functions that check auth."""
        ctx = self.ctx
        for fn in ctx.functions:
            for dec in fn.decorator_list:
                target = dec.func if isinstance(dec, ast.Call) else dec
                if isinstance(target, ast.Attribute) and target.attr == "before_request":
                    self._guard(_dotted(target.value), fn)
        for call in self.watched.get("before_request", ()):
            func = call.func
            if isinstance(func, ast.Attribute) and call.args:
                arg = call.args[0]
                if isinstance(arg, ast.Name):
                    for fn in ctx.functions:
                        if fn.name == arg.id:
                            self._guard(_dotted(func.value), fn)

    def _guard(self, receiver: str, fn: FunctionNode) -> None:
        """A `before_request` function that rejects anonymous callers (not one that merely
        loads `g.user`)."""
        if self.body_evidence(fn)[1] or any(self._auth_decorator(d) for d in fn.decorator_list):
            self.guarded_receivers.add(receiver)
            if receiver in {"app", "application"} or receiver.endswith(".app"):
                self.global_guard = True

    def _add_url_rules(self) -> dict[str, tuple[frozenset[str], str, str]]:
        """`app.add_url_rule("/x", view_func=fn, methods=[...])`: fn -> (methods, path, auth)."""
        ctx = self.ctx
        found: dict[str, tuple[frozenset[str], str, str]] = {}
        for call in self.watched.get("add_url_rule", ()):
            kw = keyword(call, "view_func")
            view = kw.value if kw else (call.args[2] if len(call.args) > 2 else None)
            wrapped = ""
            if isinstance(view, ast.Call) and view.args:
                name = ctx.call_name(view).rsplit(".", 1)[-1]
                if _AUTH_NAME.search(name):
                    wrapped = name
                view = view.args[0]
            if not isinstance(view, ast.Name):
                continue
            path = _const_str(call.args[0]) if call.args else ""
            found[view.id] = (_methods_kw(call, {"GET"}), path or "", wrapped)
        return found

    def _decorated(
        self,
        fn: FunctionNode,
        framework: str,
        receiver: str,
        methods: frozenset[str],
        path: str,
        dec_call: ast.Call | None,
    ) -> Handler:
        h = Handler(fn, fn.name, framework, methods, path)
        converters = _path_params(path)
        if framework == "fastapi":
            self._fastapi_params(fn, h, converters)
            dep = self.auth_dependencies(dec_call) if dec_call is not None else ""
            dep = dep or self.router_deps.get(receiver, "")
            if dep:
                h.auth = dep
                h.authz = h.authz or bool(_AUTHZ_NAME.search(dep))
            if receiver in self.routers or (
                receiver not in self.fastapi_apps and "router" in receiver.lower()
            ):
                h.router_key = self.router_key_of(receiver)
        else:
            for p in _positional(fn):
                if p.arg in converters:
                    conv = converters[p.arg]
                    h.params[p.arg] = Param(p.arg, conv in {"int", "float", "uuid"})
                elif p.arg in _IDENTITY_PARAMS:
                    h.identity_params.add(p.arg)
            if receiver in self.guarded_receivers:
                h.guard = f"{receiver}.before_request"
        self._decorator_auth(fn.decorator_list, h)
        return h

    def _fastapi_params(self, fn: FunctionNode, h: Handler, converters: dict[str, str]) -> None:
        args = fn.args
        positional = [*args.posonlyargs, *args.args]
        defaults: list[ast.expr | None] = [None] * (len(positional) - len(args.defaults))
        defaults += list(args.defaults)
        pairs = list(zip(positional, defaults, strict=True))
        pairs += list(zip(args.kwonlyargs, args.kw_defaults, strict=True))
        for arg, default in pairs:
            kind, detail = self._fastapi_param_kind(arg, default)
            if kind == "auth":
                h.identity_params.add(arg.arg)
                if not h.auth:
                    h.auth = detail
                if _AUTHZ_NAME.search(detail):
                    h.authz = True
            elif kind == "request":
                h.request_names.add(arg.arg)
            elif kind == "data":
                typed = detail == "typed"
                if arg.arg in converters and converters[arg.arg] == "path":
                    typed = False
                h.params[arg.arg] = Param(arg.arg, typed)

    def _fastapi_param_kind(self, arg: ast.arg, default: ast.expr | None) -> tuple[str, str]:
        ctx = self.ctx
        ann = arg.annotation
        marker: ast.expr | None = default
        base: ast.expr | None = ann
        if isinstance(ann, ast.Subscript) and _last(ctx.qualname(ann.value)) == "Annotated":
            elts = ann.slice.elts if isinstance(ann.slice, ast.Tuple) else [ann.slice]
            base = elts[0] if elts else None
            for extra in elts[1:]:
                if isinstance(extra, ast.Call):
                    marker = extra
        if isinstance(marker, ast.Call):
            mname = _last(ctx.call_name(marker))
            if mname == "Security":
                return "auth", "Security(...)"
            if mname == "Depends":
                target = marker.args[0] if marker.args else None
                if isinstance(target, ast.Call):  # Depends(require_role("agent"))
                    target = target.func
                tname = _dotted(target) if target is not None else _dotted(base) if base else ""
                if _AUTH_NAME.search(tname) or (not tname and arg.arg in _IDENTITY_PARAMS):
                    return "auth", f"Depends({tname or arg.arg})"
                return "dependency", ""
            if _AUTH_NAME.search(mname):  # e.g. Annotated[User, RequireScopes(...)]
                return "auth", f"{mname}(...)"
            if mname in {"Query", "Path", "Body", "Form", "Header", "Cookie", "File"}:
                pattern = any(keyword(marker, k) for k in ("pattern", "regex"))
                return "data", "typed" if pattern or self._typed(base) else "raw"
        tname = _dotted(base) if base is not None else ""
        short = _last(tname)
        if short in _REQUEST_TYPES:
            return "request", ""
        if short in _NOT_REQUEST_TYPES:
            return "dependency", ""
        alias = self._annotated_alias(short)
        if alias:
            return alias, f"{short}"
        named_dependency = re.search(r"(Dep|Dependency|Deps)$", short) or re.match(
            r"(Current|Authenticated|Auth|Admin|Superuser|Logged)", short
        )
        if (
            isinstance(base, ast.Name)
            and short not in _SCALAR_TYPES | _RAW_TYPES
            and named_dependency
        ):
            auth = _AUTH_NAME.search(short) or short.startswith(("Current", "Logged"))
            return ("auth", short) if auth else ("dependency", "")
        return "data", "typed" if self._typed(base) else "raw"

    def _annotated_alias(self, name: str) -> str:
        """`CurrentUser = Annotated[User, Depends(get_current_user)]` defined in this file."""
        if not name:
            return ""
        for stmt in self.ctx.tree.body:
            if (
                isinstance(stmt, ast.Assign)
                and any(isinstance(t, ast.Name) and t.id == name for t in stmt.targets)
                and isinstance(stmt.value, ast.Subscript)
            ):
                for node in ast.walk(stmt.value):
                    if isinstance(node, ast.Call):
                        cname = _last(self.ctx.call_name(node))
                        target = _dotted(node.args[0]) if node.args else ""
                        if cname == "Security" or (
                            cname == "Depends" and _AUTH_NAME.search(target)
                        ):
                            return "auth"
                        if cname == "Depends":
                            return "dependency"
        return ""

    def _typed(self, ann: ast.expr | None) -> bool:
        """Does the annotation validate the value (int, UUID, Enum, a schema)?"""
        if ann is None:
            return False
        if isinstance(ann, ast.BinOp):  # `str | None`
            return self._typed(ann.left) and self._typed(ann.right)
        if isinstance(ann, ast.Constant) and ann.value is None:
            return True
        if isinstance(ann, ast.Subscript):
            outer = _last(_dotted(ann.value))
            if outer in {"Optional", "Union"}:
                elts = ann.slice.elts if isinstance(ann.slice, ast.Tuple) else [ann.slice]
                return all(self._typed(e) for e in elts)
            if outer in {"list", "List", "set", "Set", "tuple", "Tuple", "Sequence"}:
                elts = ann.slice.elts if isinstance(ann.slice, ast.Tuple) else [ann.slice]
                return all(self._typed(e) for e in elts)
            return outer == "Literal"
        if isinstance(ann, ast.Call):  # constr(pattern=...), conint(...)
            return True
        # int, UUID, an Enum or a pydantic model: validated by FastAPI before the handler
        name = _last(_dotted(ann))
        return bool(name) and name not in _RAW_TYPES

    def _django_function(self, fn: FunctionNode) -> Handler:
        ctx = self.ctx
        methods: set[str] = set()
        framework = "django"
        explicit = False
        for dec in fn.decorator_list:
            name = _last(ctx.qualname(dec.func if isinstance(dec, ast.Call) else dec))
            if name == "require_POST":
                methods.add("POST")
                explicit = True
            elif name in {"require_GET", "require_safe"}:
                methods.add("GET")
                explicit = True
            elif name in {"require_http_methods", "api_view"} and isinstance(dec, ast.Call):
                listed = _str_list(dec.args[0]) if dec.args else None
                methods.update(
                    m.upper() for m in (listed or (["GET"] if name == "api_view" else []))
                )
                explicit = True
                if name == "api_view":
                    framework = "drf"
        if not explicit:
            methods |= self._methods_from_body(fn) or {"GET"}
        h = Handler(fn, fn.name, framework, frozenset(methods))
        for p in _positional(fn)[1:]:
            h.params[p.arg] = Param(p.arg, bool(_INT_LIKE_PARAM.match(p.arg)))
        self._decorator_auth(fn.decorator_list, h)
        if framework == "drf" and not h.auth and not h.open_explicit:
            h.drf_default = True
        return h

    def _methods_from_body(self, fn: FunctionNode) -> set[str]:
        """Methods a view without a method decorator handles, read from its body: a
        comparison of `request.method`, or form data read by a view that writes."""
        found: set[str] = set()
        reads_form = writes = False
        for node in self.body(fn):
            if isinstance(node, ast.Compare) and _dotted(node.left).endswith("request.method"):
                for comp in node.comparators:
                    found.update(s.upper() for s in _str_list(comp) or [])
                    text = _const_str(comp)
                    if text:
                        found.add(text.upper())
            elif isinstance(node, ast.Attribute) and node.attr in {"POST", "FILES", "body"}:
                if _dotted(node.value) in {"request", "self.request", "req"}:
                    reads_form = True
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                writes = writes or node.func.attr in _WRITES
        if reads_form and writes:
            found.add("POST")
        return found

    # -- class-based views -------------------------------------------------------------
    def _view_class(self, cls: ast.ClassDef) -> ViewClass | None:
        if not self._may_be_view(cls, set()):
            return None
        bases: set[str] = set()
        auth = ""
        unknown = False
        attrs: dict[str, ast.expr] = {}
        methods: dict[str, FunctionNode] = {}
        local = self.local_classes
        seen: set[str] = set()

        authz_found = False

        def visit(c: ast.ClassDef) -> None:
            nonlocal auth, unknown, authz_found
            for stmt in c.body:
                if isinstance(stmt, ast.Assign):
                    for t in stmt.targets:
                        if isinstance(t, ast.Name):
                            attrs.setdefault(t.id, stmt.value)
                elif isinstance(stmt, ast.AnnAssign) and stmt.value is not None:
                    if isinstance(stmt.target, ast.Name):
                        attrs.setdefault(stmt.target.id, stmt.value)
                elif isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef):
                    methods.setdefault(stmt.name, stmt)
            for dec in c.decorator_list:  # @method_decorator(login_required, name="dispatch")
                for node in ast.walk(dec):
                    if isinstance(node, ast.Name | ast.Attribute):
                        name = _last(_dotted(node))
                        if _AUTH_NAME.search(name) and name not in _NOT_AUTH_DECORATORS:
                            auth = auth or f"@{name}"
            for base in c.bases:
                name = _last(self.ctx.qualname(base))
                if not name:
                    continue
                if name in local and name not in seen and local[name] is not c:
                    seen.add(name)
                    visit(local[name])
                elif name in _VIEW_BASES:
                    bases.add(name)
                elif name in _AUTH_BASES or _AUTH_NAME.search(name):
                    auth = auth or name
                    if name in _AUTHZ_BASES or _AUTHZ_NAME.search(name):
                        authz_found = True
                elif name not in _NEUTRAL_BASES:
                    unknown = True

        visit(cls)
        if not bases:
            return None
        framework = (
            "drf" if bases & _DRF_BASES else "flask" if bases & _FLASK_CLASS_BASES else "django"
        )
        view = ViewClass(cls, framework, bases, auth, False, False, False, unknown, attrs, methods)
        if authz_found or (auth and _AUTHZ_NAME.search(auth)) or "test_func" in methods:
            view.authz = True
        if "dispatch" in methods and self.body_auth(methods["dispatch"]):
            view.auth = view.auth or "dispatch() check"
        for key in ("decorators", "method_decorators"):  # Flask MethodView / flask-restful
            value = attrs.get(key)
            if value is not None:
                for node in ast.walk(value):
                    name = (
                        _last(_dotted(node)) if isinstance(node, ast.Name | ast.Attribute) else ""
                    )
                    if name and _AUTH_NAME.search(name):
                        view.auth = view.auth or name
                        view.authz = view.authz or bool(_AUTHZ_NAME.search(name))
        if framework == "drf":
            perms = attrs.get("permission_classes")
            if "get_permissions" in methods:
                view.auth = view.auth or "get_permissions()"
                view.authz = True
            elif perms is not None:
                names = _class_names(perms)
                if names is None:
                    view.auth = view.auth or "permission_classes"
                elif not names or set(names) <= OPEN_PERMISSIONS:
                    view.open_explicit = not view.auth
                else:
                    view.auth = view.auth or f"permission_classes {', '.join(names)}"
                    view.authz = view.authz or not set(names) <= NON_OBJECT_PERMISSIONS
            elif not view.auth and not unknown:
                view.drf_default = True
        return view

    def _may_be_view(self, cls: ast.ClassDef, seen: set[str]) -> bool:
        """Cheap check before the full analysis: a view base, directly or via this file."""
        for base in cls.bases:
            name = _last(_dotted(base))
            if name in _VIEW_BASES:
                return True
            if name in self.local_classes and name not in seen:
                seen.add(name)
                if self._may_be_view(self.local_classes[name], seen):
                    return True
        return False

    def _class_handlers(self, view: ViewClass) -> None:
        cls = view.node
        own = {s.name: s for s in cls.body if isinstance(s, ast.FunctionDef | ast.AsyncFunctionDef)}
        defined_writes = False
        for name, fn in own.items():
            verb = _METHOD_VERBS.get(name)
            methods: set[str] = set()
            if verb:
                viewset_action = name in _VIEWSET_ACTIONS
                if viewset_action and not view.bases & (_DRF_BASES - {"APIView", "GenericAPIView"}):
                    continue
                methods.add(verb)
            for dec in fn.decorator_list:
                if isinstance(dec, ast.Call) and _last(self.ctx.qualname(dec.func)) == "action":
                    methods |= _methods_kw(dec, {"GET"})
            if not methods:
                continue
            defined_writes = defined_writes or bool(methods & STATE_CHANGING)
            h = self._class_handler(view, fn, f"{cls.name}.{fn.name}", frozenset(methods))
            for p in _positional(fn)[1:]:
                if p.arg in {"request", "req"}:
                    continue
                h.params[p.arg] = Param(p.arg, bool(_INT_LIKE_PARAM.match(p.arg)))
            self._decorator_auth(fn.decorator_list, h)
            self.handlers.append(h)
        generic = [b for b in view.bases if b in _GENERIC_WRITES]
        if generic and not defined_writes:
            writes: frozenset[str] = frozenset().union(*(_GENERIC_WRITES[b] for b in generic))
            allowed = (
                _str_list(view.attrs["http_method_names"])
                if "http_method_names" in view.attrs
                else None
            )
            if allowed is not None:
                writes = writes & {m.upper() for m in allowed}
            h = self._class_handler(view, cls, cls.name, writes)
            h.generic = sorted(generic)[0]
            self.handlers.append(h)

    def _class_handler(
        self, view: ViewClass, node: FunctionNode | ast.ClassDef, name: str, methods: frozenset[str]
    ) -> Handler:
        h = Handler(node, name, view.framework, methods, cls=view.node)
        h.auth = view.auth
        h.authz = view.authz
        h.open_explicit = view.open_explicit
        h.drf_default = view.drf_default
        if view.unknown_bases and not h.auth:
            h.auth = UNSEEN_BASE
        return h

    # -- authentication evidence -------------------------------------------------------
    def _auth_decorator(self, dec: ast.expr) -> str:
        ctx = self.ctx
        target = dec.func if isinstance(dec, ast.Call) else dec
        name = ctx.qualname(target)
        short = _last(name)
        if short == "method_decorator" and isinstance(dec, ast.Call) and dec.args:
            for node in ast.walk(dec.args[0]):  # @method_decorator(login_required)
                if isinstance(node, ast.Name | ast.Attribute):
                    inner = _last(_dotted(node))
                    if _AUTH_NAME.search(inner) and inner not in _NOT_AUTH_DECORATORS:
                        return f"@method_decorator({inner})"
            return ""
        if not short or short in _NOT_AUTH_DECORATORS or _route_decorator(ctx, dec):
            return ""
        if _AUTH_NAME.search(short):
            return f"@{short}"
        if (  # @auth.required
            isinstance(target, ast.Attribute)
            and _AUTH_NAME.search(_dotted(target.value))
            and short in {"required", "protect", "check"}
        ):
            return f"@{_dotted(target)}"
        return ""

    def _decorator_auth(self, decorators: list[ast.expr], h: Handler) -> None:
        ctx = self.ctx
        for dec in decorators:
            short = _last(ctx.qualname(dec.func if isinstance(dec, ast.Call) else dec))
            if short == "permission_classes" and isinstance(dec, ast.Call) and dec.args:
                names = _class_names(dec.args[0])
                if names is not None and set(names) <= OPEN_PERMISSIONS:
                    h.open_explicit = not h.auth
                    h.drf_default = False
                    continue
                h.auth = h.auth or "@permission_classes"
                h.authz = h.authz or names is None or not set(names) <= NON_OBJECT_PERMISSIONS
                h.drf_default = False
                continue
            found = self._auth_decorator(dec)
            if found:
                h.auth = h.auth or found
                h.open_explicit = False
                h.drf_default = False
                if is_role_check(found):
                    h.authz = True
            if isinstance(dec, ast.Call) and short != "permission_classes":
                dep = self.auth_dependencies(dec)
                if dep:
                    h.auth = h.auth or dep

    def auth_dependencies(self, call: ast.Call | None) -> str:
        """An authenticating entry of `dependencies=[Depends(...)]` in a call, if any."""
        if call is None:
            return ""
        kw = keyword(call, "dependencies")
        if kw is None or not isinstance(kw.value, ast.List | ast.Tuple):
            return ""
        for elt in kw.value.elts:
            if isinstance(elt, ast.Call):
                name = _last(self.ctx.call_name(elt))
                target = _dotted(elt.args[0]) if elt.args else ""
                if name == "Security" or _AUTH_NAME.search(target) or _AUTH_NAME.search(name):
                    return f"dependencies=[{name}({target})]"
        return ""

    def body_auth(self, fn: FunctionNode) -> str:
        """Evidence in the body that the caller is authenticated ("" if none)."""
        return self.body_evidence(fn)[0]

    def body_evidence(self, fn: FunctionNode) -> tuple[str, bool]:
        """(evidence, explicit): an explicit check (`is_authenticated`, `abort(401)`, a token
        verification, an `Authorization` header read) or mere use of the current user
        (`current_user`, `g.user`, `request.user`), which a global guard may provide."""
        if fn in self._body_auth:
            return self._body_auth[fn]
        weak = ""
        strong = ""
        method_checks: set[int] = set()  # `if request.method != "POST": return 403`
        for node in self.body(fn):
            if isinstance(node, ast.If) and any(
                isinstance(n, ast.Attribute) and n.attr == "method" for n in ast.walk(node.test)
            ):
                method_checks.update(id(n) for stmt in node.body for n in ast.walk(stmt))
        for node in self.body(fn):
            if id(node) in method_checks and _is_denial(node):
                continue  # a 403/405 for the wrong method is not about the caller
            found = ""
            explicit = True
            if isinstance(node, ast.Attribute):
                if node.attr in {"is_authenticated", "is_anonymous", "authorization"}:
                    found = node.attr
                elif is_identity(node):
                    found, explicit = _dotted(node), False
            elif isinstance(node, ast.Name) and node.id in {"current_user", "current_identity"}:
                found, explicit = node.id, False
            elif isinstance(node, ast.Call):
                short = _last(_dotted(node.func))
                code = _const_int(node.args[0]) if node.args else None
                if _AUTH_CALL.match(short):
                    found = f"{short}()"
                elif _IDENTITY_CALL.match(short) or _verifies_signature(self.ctx, node):
                    found, explicit = f"{short}()", False
                elif short == "abort" and code in {401, 403}:
                    # 401 means "log in"; a 403 may guard a token or a rule, not an identity
                    found, explicit = f"abort({code})", code == 401
                elif short in _REDIRECTS and _mentions_login(node):
                    found = "a redirect to the login page"
            elif isinstance(node, ast.Constant) and isinstance(node.value, str):
                if node.value.lower() in _AUTH_HEADERS:
                    found = f"the {node.value} header"
            elif isinstance(node, ast.Subscript) and is_session_identity(node):
                found, explicit = "session user", False
            elif isinstance(node, ast.keyword) and node.arg in {"status_code", "status"}:
                code = _const_int(node.value)
                if code in {401, 403}:
                    found, explicit = f"status {code}", code == 401
            elif isinstance(node, ast.Name) and node.id in _DENIALS:
                found, explicit = node.id, node.id in {"NotAuthenticated", "Unauthorized"}
            if found and explicit:
                strong = found
                break
            weak = weak or found
        result = (strong, True) if strong else (weak, False)
        self._body_auth[fn] = result
        return result

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

    # -- FastAPI routers ----------------------------------------------------------------
    def router_key_of(self, expr: str) -> str:
        """`<module stem>.<name>` for a router, the same from its own file and from the
        file that includes it, so that facts can connect the two."""
        ctx = self.ctx
        head, _, attr = expr.partition(".")
        if attr:  # items.router
            module = ctx.aliases.get(head) or self.relative_imports().get(head, head)
            return f"{_last(module)}.{attr}"
        if expr in ctx.aliases:  # from app.routers.items import router as items_router
            module, _, name = ctx.aliases[expr].rpartition(".")
            return f"{_last(module)}.{name}"
        rel = self.relative_imports().get(expr)
        if rel:
            module, _, name = rel.rpartition(".")
            return f"{_last(module)}.{name}"
        return f"{module_stem(ctx.path)}.{expr}"

    def relative_imports(self) -> dict[str, str]:
        found: dict[str, str] = {}
        for stmt in self.ctx.tree.body:
            if isinstance(stmt, ast.ImportFrom) and stmt.level:
                for alias in stmt.names:
                    module = stmt.module or ""
                    found[alias.asname or alias.name] = (
                        f"{module}.{alias.name}" if module else alias.name
                    )
        return found

    # -- bodies and flows ---------------------------------------------------------------
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

    def flow(self, fn: FunctionNode, handler: Handler | None, *, validated: bool) -> Flow:
        key = (fn, validated)
        flow = self._flows.get(key)
        if flow is None:
            flow = Flow(self, fn, handler, validated=validated)
            self._flows[key] = flow
        return flow

    def handler_for(self, fn: FunctionNode) -> Handler | None:
        for h in self.handlers:
            if h.node is fn:
                return h
        return None


# Endpoints that establish identity, or are public by design.
_IDENTITY_WORDS = frozenset(
    {
        "login",
        "logout",
        "signin",
        "signout",
        "signup",
        "loginview",
        "register",
        "registration",
        "token",
        "tokens",
        "refresh",
        "password",
        "passwd",
        "forgot",
        "reset",
        "verify",
        "verification",
        "confirm",
        "confirmation",
        "activate",
        "activation",
        "callback",
        "oauth",
        "oauth2",
        "sso",
        "saml",
        "otp",
        "mfa",
        "2fa",
        "twofactor",
        "magic",
        "auth",
        "authenticate",
        "authorize",
        "authorization",
        "session",
        "sessions",
        "csrf",
        "contact",
        "feedback",
        "subscribe",
        "unsubscribe",
        "newsletter",
        "health",
        "healthz",
        "healthcheck",
        "ping",
        "search",
        "graphql",
        "csp",
        "telemetry",
        "analytics",
        "beacon",
        "public",
        "language",
        "locale",
        "i18n",
        "timezone",
        "anonymous",
        "guest",
        "preview",
        "validate",
        "calculate",
        "estimate",
        "quote",
        "lookup",
    }
)
_CREDENTIAL_CALL = re.compile(
    r"^(set_password|make_password|hash_password|generate_password_hash|get_password_hash|"
    r"create_user|create_superuser|register_user)$"
)
_WEBHOOK_WORDS = frozenset({"webhook", "webhooks", "hook", "hooks", "ipn"})
_SIGNATURE = re.compile(r"verify|signature|construct_event|compare_digest|hmac", re.I)
_USER_CONSTRUCTORS = frozenset({"User", "CustomUser", "AppUser", "Account", "Member"})


def identity_endpoint(web: WebFile, h: Handler) -> bool:
    """Login, signup, token, reset... or public by design; webhooks that verify a signature."""
    names = [h.name, h.path]
    if h.cls is not None:
        names.append(h.cls.name)
    words = tokens(*names)
    if words & _IDENTITY_WORDS:
        return True
    fn = h.function
    if fn is not None and any(  # registration: it hashes a password or makes a user
        isinstance(n, ast.Call)
        and (
            _CREDENTIAL_CALL.search(_last(_dotted(n.func))) or _dotted(n.func) in _USER_CONSTRUCTORS
        )
        for n in web.body(fn)
    ):
        return True
    if h.cls is not None and any(
        _last(_dotted(b)) in {"LoginView", "LogoutView", "PasswordResetView"} for b in h.cls.bases
    ):
        return True
    if words & _WEBHOOK_WORDS:
        fn = h.function
        body = web.body(fn) if fn is not None else []
        for node in body:
            if isinstance(node, ast.Call) and _SIGNATURE.search(_last(_dotted(node.func))):
                return True
            text = _const_str(node) if isinstance(node, ast.Constant) else None
            if text and "signature" in text.lower():
                return True
    return False


_CACHE: weakref.WeakKeyDictionary[FileContext, WebFile] = weakref.WeakKeyDictionary()


def web_file(ctx: FileContext) -> WebFile:
    """The (cached) web analysis of a file, shared by the three rules."""
    found = _CACHE.get(ctx)
    if found is None:
        found = WebFile(ctx)
        _CACHE[ctx] = found
    return found


# -- request data through a function ------------------------------------------------------
_SANITIZERS = frozenset(
    {
        "int",
        "float",
        "bool",
        "len",
        "UUID",
        "uuid.UUID",
        "secure_filename",
        "werkzeug.utils.secure_filename",
        "os.path.basename",
        "shlex.quote",
        "pipes.quote",
        "safe_join",
        "werkzeug.security.safe_join",
        "flask.safe_join",
        "escape",
        "html.escape",
        "markupsafe.escape",
        "get_valid_filename",
        "slugify",
        "url_for",
        "reverse",
        "hashlib.sha256",
        "hashlib.md5",
    }
)
_PROPAGATORS = frozenset(
    {
        "os.path.join",
        "os.path.normpath",
        "os.path.abspath",
        "os.path.realpath",
        "os.path.expanduser",
        "posixpath.join",
        "pathlib.Path",
        "pathlib.PurePath",
        "Path",
        "str",
        "bytes",
        "bytearray",
        "base64.b64decode",
        "base64.urlsafe_b64decode",
        "base64.b32decode",
        "binascii.unhexlify",
        "bytes.fromhex",
        "codecs.decode",
        "zlib.decompress",
        "gzip.decompress",
        "urllib.parse.unquote",
        "urllib.parse.unquote_plus",
        "urllib.parse.urljoin",
        "json.loads",
        "io.BytesIO",
        "io.StringIO",
        "dict",
        "list",
        "tuple",
        "getattr",
    }
)
# Methods on request data that return something else than the data.
_NON_DATA_METHODS = frozenset(
    {
        "isdigit",
        "isalnum",
        "isalpha",
        "isdecimal",
        "isnumeric",
        "isidentifier",
        "startswith",
        "endswith",
        "count",
        "find",
        "index",
        "__len__",
        "is_valid",
    }
)
_VALIDATING_METHODS = frozenset(
    {
        "startswith",
        "isalnum",
        "isalpha",
        "isdigit",
        "isdecimal",
        "isnumeric",
        "isidentifier",
        "isascii",
        "is_relative_to",
        "match",
        "fullmatch",
    }
)
_VALIDATING_CALL = re.compile(
    r"valid|is_safe|safe_(url|path|name|redirect|filename|for)|allowed|permitted|whitelist|"
    r"allowlist|sanitiz|^check_(?!output|call)|^verify|^ensure|^clean|fullmatch|^match$|"
    r"^search$|isabs|commonpath|is_relative_to",
    re.IGNORECASE,
)
_NOT_VALIDATING = frozenset(
    {
        "exists",
        "isfile",
        "isdir",
        "islink",
        "getsize",
        "len",
        "bool",
        "isinstance",
        "hasattr",
        "str",
        "print",
        "log",
        "info",
        "debug",
        "warning",
        "error",
    }
)


class Flow:
    """Request data through one function, in source order.

    `validated=True` asks "is this value unvalidated request data here?": typed parameters,
    `int()`, `secure_filename()` and friends stop the data, unknown calls (a schema's
    `load`, a model constructor) are taken to validate, and a name that was checked against
    an allow-list, a pattern or a prefix counts as validated from then on.
    `validated=False` asks "does this value come from the request?" (an id for a lookup):
    every call and conversion passes it on.
    """

    def __init__(
        self, web: WebFile, fn: FunctionNode, handler: Handler | None, *, validated: bool
    ) -> None:
        self.web = web
        self.fn = fn
        self.validated = validated
        self.roots = set(handler.request_names) if handler else {"request", "req"}
        for p in _positional(fn):  # `r: Request` / `req: HttpRequest`
            if p.annotation is not None and _last(_dotted(p.annotation)) in _REQUEST_TYPES:
                self.roots.add(p.arg)
        self.events: dict[str, list[tuple[int, bool]]] = {}
        if handler is not None:
            for param in handler.params.values():
                tainted = not (validated and param.typed)
                self.events.setdefault(param.name, []).append((fn.lineno, tainted))
        self._build()

    def _build(self) -> None:
        body = self.web.body(self.fn)
        steps: list[tuple[int, int, ast.AST]] = []
        for node in body:
            if isinstance(
                node,
                (
                    ast.Assign | ast.AnnAssign | ast.AugAssign | ast.For | ast.AsyncFor,
                    ast.NamedExpr | ast.withitem,
                ),
            ):
                line = getattr(node, "lineno", None)
                if line is None and isinstance(node, ast.withitem):
                    line = node.context_expr.lineno
                steps.append((line or 0, getattr(node, "col_offset", 0), node))
            elif self.validated and isinstance(node, ast.If | ast.While | ast.Assert | ast.IfExp):
                for name in _validated_names(node.test):
                    self.events.setdefault(name, []).append((node.test.lineno, False))
            elif self.validated and isinstance(node, ast.Call):
                short = _last(_dotted(node.func))
                if _VALIDATING_CALL.search(short) and short not in _NOT_VALIDATING:
                    for arg in node.args:
                        if isinstance(arg, ast.Name):
                            self.events.setdefault(arg.id, []).append((node.lineno, False))
        for name in self.events:
            self.events[name].sort()
        steps.sort(key=lambda s: (s[0], s[1]))
        for line, _, node in steps:
            targets: list[ast.expr]
            value: ast.expr | None
            if isinstance(node, ast.Assign):
                targets, value = list(node.targets), node.value
            elif isinstance(node, (ast.AnnAssign, ast.AugAssign)):
                targets, value = [node.target], node.value
            elif isinstance(node, ast.For | ast.AsyncFor):
                targets, value = [node.target], node.iter
            elif isinstance(node, ast.NamedExpr):
                targets, value = [node.target], node.value
            elif isinstance(node, ast.withitem) and node.optional_vars is not None:
                targets, value = [node.optional_vars], node.context_expr
            else:
                continue
            if value is None:
                continue
            tainted = self.tainted(value, line)
            if isinstance(node, ast.AugAssign):
                tainted = tainted or self.tainted(node.target, line)
            for target in targets:
                for name in _target_names(target):
                    self._record(name, line, tainted)

    def _record(self, name: str, line: int, tainted: bool) -> None:
        events = self.events.setdefault(name, [])
        events.append((line, tainted))
        events.sort()

    def name_tainted(self, name: str, line: int) -> bool:
        state = False
        for ev_line, tainted in self.events.get(name, ()):
            if ev_line >= line:
                break
            state = tainted
        return state

    def is_source(self, node: ast.expr) -> bool:
        """`request.args`, `request.GET`, `self.kwargs`, `request.get_json` (the attribute)."""
        if not isinstance(node, ast.Attribute):
            return False
        owner = _dotted(node.value)
        if node.attr in REQUEST_SOURCES and (
            owner in self.roots or owner in {"self.request", "flask.request"}
        ):
            return True
        return owner == "self" and node.attr == "kwargs"

    def tainted(self, node: ast.expr | None, line: int) -> bool:
        if node is None:
            return False
        if isinstance(node, ast.Name):
            return self.name_tainted(node.id, line)
        if isinstance(node, ast.Attribute):
            if self.is_source(node):
                return True
            if _dotted(node.value) in self.roots:
                return False  # request.user, request.method, request.path...
            return self.tainted(node.value, line)
        if isinstance(node, ast.Subscript):
            return self.tainted(node.value, line)
        if isinstance(node, ast.Call):
            return self._call_tainted(node, line)
        if isinstance(node, ast.BinOp):
            return self.tainted(node.left, line) or self.tainted(node.right, line)
        if isinstance(node, ast.JoinedStr):
            return any(
                self.tainted(v.value, line)
                for v in node.values
                if isinstance(v, ast.FormattedValue)
            )
        if isinstance(node, ast.IfExp):
            return self.tainted(node.body, line) or self.tainted(node.orelse, line)
        if isinstance(node, ast.BoolOp):
            return any(self.tainted(v, line) for v in node.values)
        if isinstance(node, ast.Await | ast.Starred | ast.FormattedValue):
            return self.tainted(node.value, line)
        if isinstance(node, ast.List | ast.Tuple | ast.Set):
            return any(self.tainted(e, line) for e in node.elts)
        if isinstance(node, ast.Dict):
            return any(self.tainted(v, line) for v in node.values if v is not None)
        if isinstance(node, ast.ListComp | ast.GeneratorExp | ast.SetComp):
            return any(self.tainted(g.iter, line) for g in node.generators)
        return False

    def _call_tainted(self, call: ast.Call, line: int) -> bool:
        func = call.func
        name = self.web.ctx.qualname(func) or _dotted(func)
        short = func.attr if isinstance(func, ast.Attribute) else _last(name)
        if _verifies_signature(self.web.ctx, call):
            return False  # a signed token: the server issued this value
        if self.validated:
            if name in _SANITIZERS or short in _SANITIZERS:
                return False
            if short == "get" and keyword(call, "type") is not None:
                return False  # request.args.get("n", type=int)
        if isinstance(func, ast.Attribute):
            if self.is_source(func):
                return True  # request.get_json(), await request.json()
            if self.tainted(func.value, line):
                return not (self.validated and short in _NON_DATA_METHODS)
            if isinstance(func.value, ast.Constant) and short in {"join", "format"}:
                return self._any_arg(call, line)
        args_tainted = self._any_arg(call, line)
        if not args_tainted:
            return False
        if not self.validated:
            return True
        return name in _PROPAGATORS or short in {"Path", "PurePath", "join", "urljoin"}

    def _any_arg(self, call: ast.Call, line: int) -> bool:
        return any(self.tainted(a, line) for a in call.args) or any(
            self.tainted(k.value, line) for k in call.keywords
        )

    def first_tainted_name(self, node: ast.expr, line: int) -> str:
        """A readable name for the request data inside an expression: `request.args["n"]`,
        `f.filename`, `name`."""
        for sub in ast.walk(node):
            if isinstance(sub, ast.Subscript | ast.Call) and self._reads_source(sub):
                return _short(ast.unparse(sub))
            if isinstance(sub, ast.Attribute) and self.is_source(sub):
                return _dotted(sub)
            if (
                isinstance(sub, ast.Attribute)
                and isinstance(sub.value, ast.Name)
                and self.name_tainted(sub.value.id, line)
            ):
                return _dotted(sub)
            if isinstance(sub, ast.Name) and self.name_tainted(sub.id, line):
                return sub.id
        return _dotted(node) or "request data"

    def _reads_source(self, node: ast.Subscript | ast.Call) -> bool:
        """`request.args["n"]`, `request.args.get("n")`, `request.get_json()`."""
        inner = node.value if isinstance(node, ast.Subscript) else node.func
        if isinstance(node, ast.Call) and isinstance(inner, ast.Attribute):
            return self.is_source(inner) or self.is_source(inner.value)
        return self.is_source(inner)


def _short(text: str) -> str:
    return text if len(text) <= 60 else text[:57] + "..."


_REDIRECTS = frozenset(
    {"redirect", "HttpResponseRedirect", "redirect_to_login", "RedirectResponse"}
)


_AUTHN_DECORATOR = re.compile(
    r"^@?(\w+\.)*(login|fresh_login|jwt|auth|token|api_?key|session|user|basic_auth|oauth|"
    r"signed_in|logged_in|authentication)_required$"
)


def is_role_check(name: str) -> bool:
    """`@admin_required`, `@teacher_required`, `@permission_required(...)`: more than
    "logged in"."""
    if _AUTHZ_NAME.search(name):
        return True
    short = name.split("(")[0]
    return short.endswith("_required") and not _AUTHN_DECORATOR.match(short)


def _is_denial(node: ast.AST) -> bool:
    if isinstance(node, ast.Call):
        return _last(_dotted(node.func)) == "abort"
    if isinstance(node, ast.keyword):
        return node.arg in {"status_code", "status"}
    return isinstance(node, ast.Name) and node.id in _DENIALS


def _verifies_signature(ctx: FileContext, call: ast.Call) -> bool:
    """`signer.unsign(token)`, `serializer.loads(token)`, `jwt.decode(...)`,
    `default_token_generator.check_token(...)`: data whose signature was verified."""
    short = _last(_dotted(call.func))
    if short in {"unsign", "unsign_object", "check_token"}:
        return True
    name = ctx.qualname(call.func)
    if name in {"jwt.decode", "django.core.signing.loads", "itsdangerous.loads"}:
        return True
    if short == "loads" and isinstance(call.func, ast.Attribute):
        owner = _last(_dotted(call.func.value)).lower()
        return "sign" in owner or "serializer" in owner or owner == "s"
    return False


def _mentions_login(call: ast.Call) -> bool:
    for node in ast.walk(call):
        text = _const_str(node) if isinstance(node, ast.Constant) else None
        if text and re.search(r"log_?in|sign_?in", text, re.I):
            return True
        if isinstance(node, ast.Call) and _last(_dotted(node.func)) == "redirect_to_login":
            return True
    return False


def _validated_names(test: ast.expr) -> set[str]:
    """Names that a condition checks against an allow-list, a pattern or a prefix."""
    names: set[str] = set()
    for node in ast.walk(test):
        if isinstance(node, ast.Compare):
            if not any(isinstance(op, ast.Eq | ast.NotEq | ast.In | ast.NotIn) for op in node.ops):
                continue
            operands = [node.left, *node.comparators]
            if any(_emptyish(o) for o in operands):
                continue
            for o in operands:
                if isinstance(o, ast.Name):
                    names.add(o.id)
                elif isinstance(o, ast.Call):  # os.path.commonpath([...]) == base
                    names.update(_call_names(o))
        elif isinstance(node, ast.Call):
            short = _last(_dotted(node.func))
            if short in _NOT_VALIDATING:
                continue
            if (
                isinstance(node.func, ast.Attribute) and short in _VALIDATING_METHODS
            ) or _VALIDATING_CALL.search(short):
                names.update(_call_names(node))
    return names


def _call_names(call: ast.Call) -> set[str]:
    """Plain names a call checks: its arguments and the receiver of a method."""
    found: set[str] = set()
    parts: list[ast.expr] = [*call.args]
    if isinstance(call.func, ast.Attribute):
        parts.append(call.func.value)
    for part in parts:
        # os.path.realpath(path).startswith(BASE), Path(p).resolve(): the check is about `p`
        while isinstance(part, ast.Call):
            if part.args:
                part = part.args[0]
            elif isinstance(part.func, ast.Attribute):
                part = part.func.value
            else:
                break
        if isinstance(part, ast.Name):
            found.add(part.id)
        elif isinstance(part, ast.List | ast.Tuple):
            found.update(e.id for e in part.elts if isinstance(e, ast.Name))
    return found


def _emptyish(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and node.value in (None, "", 0, b"")


def _target_names(target: ast.expr) -> Iterator[str]:
    if isinstance(target, ast.Name):
        yield target.id
    elif isinstance(target, ast.Tuple | ast.List):
        for elt in target.elts:
            yield from _target_names(elt)
    elif isinstance(target, ast.Starred):
        yield from _target_names(target.value)


# -- identity --------------------------------------------------------------------------
def is_identity(node: ast.expr) -> bool:
    """Is this expression (or its owner) the current user? `current_user.id`, `g.user`,
    `request.user.pk`, `self.request.user`, `session["user_id"]`, `get_jwt_identity()`."""
    while True:
        if isinstance(node, ast.Name | ast.Attribute):
            dotted = _dotted(node)
            if dotted and any(dotted == e or dotted.startswith(e + ".") for e in _IDENTITY_EXPRS):
                return True
        if isinstance(node, ast.Call):
            short = _last(_dotted(node.func))
            if _IDENTITY_CALL.match(short):
                return True
            if short == "get" and is_session_identity(node):
                return True
            node = node.func
            continue
        if isinstance(node, ast.Subscript):
            if is_session_identity(node):
                return True
            node = node.value
            continue
        if isinstance(node, ast.Attribute):
            node = node.value
            continue
        return False


def is_session_identity(node: ast.Subscript | ast.Call) -> bool:
    """`session["user_id"]` / `session.get("user_id")` (Flask's signed session)."""
    if isinstance(node, ast.Subscript):
        owner, key = node.value, node.slice
    else:
        if not isinstance(node.func, ast.Attribute) or not node.args:
            return False
        owner, key = node.func.value, node.args[0]
    if _dotted(owner) not in {
        "session",
        "flask.session",
        "request.session",
        "self.request.session",
    }:
        return False
    text = _const_str(key)
    return bool(text and _SESSION_USER_KEY.search(text))


# -- route decorators ----------------------------------------------------------------------
def _route_decorator(
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
    path = _const_str(path_node) if path_node is not None else None
    if path is None and isinstance(path_node, ast.Name):
        const = ctx.module_constants.get(path_node.id)
        path = _const_str(const) if const is not None else None
    if path is None and isinstance(path_node, ast.JoinedStr):
        path = "".join(_const_str(v) or "{}" for v in path_node.values)
    if path is None or (path and not path.startswith("/")):
        return None
    receiver = _dotted(dec.func.value)
    methods = frozenset({attr.upper()}) if attr in _VERBS else _methods_kw(dec, {"GET"})
    return receiver, methods, path, dec


def _methods_kw(call: ast.Call, default: set[str]) -> frozenset[str]:
    kw = keyword(call, "methods")
    if kw is None:
        return frozenset(default)
    listed = _str_list(kw.value)
    if listed is None:
        return frozenset({"UNKNOWN"})
    return frozenset(m.upper() for m in listed)


_FLASK_PARAM = re.compile(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>")
_FASTAPI_PARAM = re.compile(r"\{(\w+)(?::(\w+))?\}")


def _path_params(path: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for conv, name in _FLASK_PARAM.findall(path):
        found[name] = conv or "string"
    for name, conv in _FASTAPI_PARAM.findall(path):
        found[name] = conv or "string"
    return found


# -- small AST helpers ------------------------------------------------------------------------
def _dotted(node: ast.expr | None) -> str:
    """`a.b.c` for a name chain, without resolving imports; "" otherwise."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return ""


dotted = _dotted


def _last(name: str) -> str:
    return name.rsplit(".", 1)[-1]


last = _last


def _const_str(node: ast.expr | None) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


const_str = _const_str


def _const_int(node: ast.expr | None) -> int | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, int):
        return node.value
    if isinstance(node, ast.Attribute):  # status.HTTP_403_FORBIDDEN
        m = re.match(r"HTTP_(\d{3})", node.attr)
        return int(m.group(1)) if m else None
    return None


const_int = _const_int


def _str_list(node: ast.expr) -> list[str] | None:
    if isinstance(node, ast.List | ast.Tuple | ast.Set):
        out = [_const_str(e) for e in node.elts]
        return [s for s in out if s is not None] if all(s is not None for s in out) else None
    return None


def _class_names(node: ast.expr) -> list[str] | None:
    """Names in `[IsAuthenticated, perms.IsOwner]`; None if not a literal list."""
    if isinstance(node, ast.List | ast.Tuple):
        names = [_last(_dotted(e)) for e in node.elts]
        if all(names):
            return names
        return None
    return None


class_names = _class_names
AUTH_NAME = _AUTH_NAME


def _first_param(fn: FunctionNode) -> str:
    params = _positional(fn)
    return params[0].arg if params else ""


def _positional(fn: FunctionNode) -> list[ast.arg]:
    return [*fn.args.posonlyargs, *fn.args.args, *fn.args.kwonlyargs]


def module_stem(path: str) -> str:
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


def names_in(node: ast.AST) -> Iterable[str]:
    for sub in ast.walk(node):
        if isinstance(sub, ast.Name):
            yield sub.id
