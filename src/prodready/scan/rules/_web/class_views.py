"""Class-based views: Django generic views, DRF `APIView`/generics/viewsets and Flask
`MethodView`/flask-restful `Resource`.

A view's behaviour is spread over its bases: a `CreateView` handles POST without a `post`
method, `LoginRequiredMixin` authenticates, a DRF `permission_classes` attribute decides
who may call it. The bases are followed through the classes of the same file; a base from
another file is noted as unknown, because it may add authentication the analysis cannot see.
Framework bases are recognised through the file's imports: a `CreateView` or `ModelViewSet`
imported from another package (a CMS's own generic views, a project's fork of DRF) is such
an unknown base, whatever its name. So is every decorator of the class: a
`permission_required` below a `login_required` still restricts the view to a permission.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from prodready.scan.context import FileContext, FunctionNode
from prodready.scan.rules._web.auth_evidence import apply_decorator_auth
from prodready.scan.rules._web.auth_signals import (
    AUTH_NAME,
    AUTHZ_NAME,
    NON_OBJECT_PERMISSIONS,
    NOT_AUTH_DECORATORS,
    OPEN_PERMISSIONS,
    is_role_check,
    names_permission,
)
from prodready.scan.rules._web.handler import (
    STATE_CHANGING,
    UNSEEN_BASE,
    Handler,
    Param,
    ViewClass,
)
from prodready.scan.rules._web.request_data import INT_LIKE_PARAM
from prodready.scan.rules._web.routes import methods_kw
from prodready.scan.rules._web.syntax import class_names, dotted, last, positional, str_list

if TYPE_CHECKING:
    from prodready.scan.rules._web.web_file import WebFile

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
# Where those bases must come from: a `CreateView` or `ModelViewSet` of another package
# (Wagtail's admin views, a project's own DRF fork) is an unknown base, not Django's.
_FRAMEWORK_MODULES = (
    "django.",
    "rest_framework.",
    "rest_framework_",
    "adrf.",
    "flask.",
    "flask_restful.",
    "flask_restx.",
    "flask_restplus.",
    "flask_smorest.",
    "quart.",
)
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
# What a generic editing view needs before it can write: the form, model or queryset (or
# the method that supplies it). One naming none is a base that subclasses configure, or is
# configured where it is routed (`AjaxPostView.as_view(form_class=NoteForm)`).
VIEW_CONFIGURATION = frozenset(
    {
        "form_class",
        "model",
        "queryset",
        "fields",
        "serializer_class",
        "get_form_class",
        "get_form",
        "get_queryset",
        "get_object",
        "get_serializer_class",
        "get_serializer",
    }
)
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


def view_class(web: WebFile, cls: ast.ClassDef) -> ViewClass | None:
    """The view `cls` is, with the bases, attributes, methods and authentication it has
    through the classes of this file; None if it is not a view."""
    if not _may_be_view(web.local_classes, cls, set()):
        return None
    bases: set[str] = set()
    auth = ""
    unknown = False
    attrs: dict[str, ast.expr] = {}
    methods: dict[str, FunctionNode] = {}
    local = web.local_classes
    seen: set[str] = set()

    authz_found = False

    def visit(c: ast.ClassDef, again: Callable[..., None]) -> None:
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
        # @method_decorator(login_required, name="dispatch")
        for name in _auth_decorators(c.decorator_list):
            auth = auth or f"@{name}"
            authz_found = authz_found or is_role_check(name)
        for base in c.bases:
            name = last(web.ctx.qualname(base))
            if not name:
                continue
            if name in local and name not in seen and local[name] is not c:
                seen.add(name)
                again(local[name], again)
            elif name in _VIEW_BASES and framework_base(web.ctx, base):
                bases.add(name)
            elif name in _AUTH_BASES or AUTH_NAME.search(name):
                auth = auth or name
                if name in _AUTHZ_BASES or AUTHZ_NAME.search(name):
                    authz_found = True
            elif name not in _NEUTRAL_BASES:
                unknown = True

    # `visit` is handed itself rather than calling itself by name: a closure that names
    # itself is a reference cycle, which keeps the file's whole syntax tree alive until
    # the (paused) garbage collector runs
    visit(cls, visit)
    if not bases:
        return None
    framework = "drf" if bases & _DRF_BASES else "flask" if bases & _FLASK_CLASS_BASES else "django"
    view = ViewClass(cls, framework, bases, auth, False, False, False, unknown, attrs, methods)
    if authz_found or (auth and AUTHZ_NAME.search(auth)) or "test_func" in methods:
        view.authz = True
    if "dispatch" in methods and web.body_auth(methods["dispatch"]):
        view.auth = view.auth or "dispatch() check"
    # `@method_decorator(login_required)` above `def dispatch`, in the view or in a mixin
    # of this file (Cabot's own `LoginRequiredMixin`): every request passes through it
    dispatch = methods.get("dispatch")
    for name in _auth_decorators(dispatch.decorator_list if dispatch is not None else []):
        view.auth = view.auth or f"@{name} on dispatch()"
        view.authz = view.authz or is_role_check(name)
    for key in ("decorators", "method_decorators"):  # Flask MethodView / flask-restful
        value = attrs.get(key)
        if value is None:
            continue
        entries = value.elts if isinstance(value, ast.List | ast.Tuple) else [value]
        for entry in entries:  # login_required, allows.requires(CanEditPost, ...)
            used = [
                last(dotted(node))
                for node in ast.walk(entry)
                if isinstance(node, ast.Name | ast.Attribute)
            ]
            found = next((n for n in used if n and AUTH_NAME.search(n)), "")
            if found:
                view.auth = view.auth or found
                view.authz = view.authz or any(
                    AUTHZ_NAME.search(n) or names_permission(n) for n in used if n
                )
    if framework == "drf":
        perms = attrs.get("permission_classes")
        if "get_permissions" in methods:
            view.auth = view.auth or "get_permissions()"
            view.authz = True
        elif perms is not None:
            names = class_names(perms)
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


def framework_base(ctx: FileContext, base: ast.expr) -> bool:
    """Is this base class Django's, DRF's or Flask's (through the file's imports)? A name
    the file does not import counts only under a star import from one of them."""
    name = dotted(base)
    if not name:
        return False
    head = name.split(".")[0]
    if head in ctx.aliases:
        return ctx.qualname(base).startswith(_FRAMEWORK_MODULES)
    return star_imports_framework(ctx)


def star_imports_framework(ctx: FileContext) -> bool:
    """`from rest_framework.generics import *`."""
    return any(
        isinstance(stmt, ast.ImportFrom)
        and not stmt.level
        and (stmt.module or "").startswith(_FRAMEWORK_MODULES)
        and any(a.name == "*" for a in stmt.names)
        for stmt in ctx.tree.body
    )


def _auth_decorators(decorators: list[ast.expr]) -> Iterator[str]:
    """The authentication names in decorators, however deeply passed on: every one counts
    (`login_required` above a permission check)."""
    for dec in decorators:
        for node in ast.walk(dec):
            if isinstance(node, ast.Name | ast.Attribute):
                name = last(dotted(node))
                if AUTH_NAME.search(name) and name not in NOT_AUTH_DECORATORS:
                    yield name


def _may_be_view(local_classes: dict[str, ast.ClassDef], cls: ast.ClassDef, seen: set[str]) -> bool:
    """Cheap check before the full analysis: a view base, directly or via this file."""
    for base in cls.bases:
        name = last(dotted(base))
        if name in _VIEW_BASES:
            return True
        if name in local_classes and name not in seen:
            seen.add(name)
            if _may_be_view(local_classes, local_classes[name], seen):
                return True
    return False


def class_handlers(ctx: FileContext, view: ViewClass) -> list[Handler]:
    """The handlers of a view: one per method that serves an HTTP verb (`get`, `post`, a
    viewset's `create`, an `@action`), and one for the class itself when a generic base
    writes on its behalf (`CreateView` without its own `post`)."""
    handlers: list[Handler] = []
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
            if isinstance(dec, ast.Call) and last(ctx.qualname(dec.func)) == "action":
                methods |= methods_kw(dec, {"GET"})
        if not methods:
            continue
        defined_writes = defined_writes or bool(methods & STATE_CHANGING)
        h = _class_handler(view, fn, f"{cls.name}.{fn.name}", frozenset(methods))
        for p in positional(fn)[1:]:
            if p.arg in {"request", "req"}:
                continue
            h.params[p.arg] = Param(p.arg, bool(INT_LIKE_PARAM.match(p.arg)))
        apply_decorator_auth(ctx, fn.decorator_list, h)
        handlers.append(h)
    generic = [b for b in view.bases if b in _GENERIC_WRITES]
    if generic and not defined_writes:
        writes: frozenset[str] = frozenset().union(*(_GENERIC_WRITES[b] for b in generic))
        allowed = (
            str_list(view.attrs["http_method_names"]) if "http_method_names" in view.attrs else None
        )
        if allowed is not None:
            writes = writes & {m.upper() for m in allowed}
        h = _class_handler(view, cls, cls.name, writes)
        h.generic = sorted(generic)[0]
        h.unconfigured = not view.unknown_bases and not (
            (view.attrs.keys() | view.methods.keys()) & VIEW_CONFIGURATION
        )
        handlers.append(h)
    return handlers


def _class_handler(
    view: ViewClass, node: FunctionNode | ast.ClassDef, name: str, methods: frozenset[str]
) -> Handler:
    """A handler that inherits the view's authentication and permissions."""
    h = Handler(node, name, view.framework, methods, cls=view.node)
    h.auth = view.auth
    h.authz = view.authz
    h.open_explicit = view.open_explicit
    h.drf_default = view.drf_default
    h.own_authentication = "authentication_classes" in view.attrs
    if h.own_authentication:
        listed = getattr(view.attrs["authentication_classes"], "elts", [])
        h.authentication_classes = tuple(dotted(e) for e in listed)
    if view.unknown_bases and not h.auth:
        h.auth = UNSEEN_BASE
    return h
