"""FastAPI route signatures and routers.

FastAPI puts a route's inputs and its authentication in the signature: `Depends(...)` and
`Security(...)` parameters (directly, through `Annotated[...]` or an alias defined in the
file, or in the module it is imported from: a cross-file fact) authenticate, typed
parameters are validated before the handler runs, and `str` parameters are not. Routers
are keyed `<module>.<name>` so that a router defined in one file can be matched with the
`include_router(..., dependencies=[...])` that protects it in another.
"""

from __future__ import annotations

import ast
import re

from prodready.scan.context import FileContext, FunctionNode, keyword
from prodready.scan.rules._web.auth_signals import (
    AUTH_NAME,
    AUTH_PACKAGES,
    AUTHZ_NAME,
    IDENTITY_PARAMS,
    auth_dependency,
)
from prodready.scan.rules._web.handler import Handler, Param
from prodready.scan.rules._web.request_data import (
    NOT_REQUEST_TYPES,
    RAW_TYPES,
    REQUEST_TYPES,
    SCALAR_TYPES,
)
from prodready.scan.rules._web.syntax import dotted, last, module_stem


def fastapi_params(
    ctx: FileContext, fn: FunctionNode, h: Handler, converters: dict[str, str]
) -> None:
    """Sort a FastAPI route's parameters onto `h`: authentication dependencies, the
    request object, and request data with whether its type validates it."""
    args = fn.args
    params = [*args.posonlyargs, *args.args]
    defaults: list[ast.expr | None] = [None] * (len(params) - len(args.defaults))
    defaults += list(args.defaults)
    pairs = list(zip(params, defaults, strict=True))
    pairs += list(zip(args.kwonlyargs, args.kw_defaults, strict=True))
    for arg, default in pairs:
        kind, detail = _param_kind(ctx, arg, default)
        if kind == "auth":
            h.identity_params.add(arg.arg)
            if not h.auth:
                h.auth = detail
            if AUTHZ_NAME.search(detail):
                h.authz = True
        elif kind == "request":
            h.request_names.add(arg.arg)
        elif kind == "data":
            key = alias_key(ctx, arg.annotation)
            if key:  # may be an auth alias another module defines
                h.alias_keys.add(key)
            typed = detail == "typed"
            if arg.arg in converters and converters[arg.arg] == "path":
                typed = False
            h.params[arg.arg] = Param(arg.arg, typed)


def _param_kind(ctx: FileContext, arg: ast.arg, default: ast.expr | None) -> tuple[str, str]:
    """(kind, detail) of a parameter: ("auth", evidence), ("request", ""), ("dependency", "")
    or ("data", "typed" | "raw"), from its `Depends`/`Query`/... marker and annotation."""
    ann = arg.annotation
    marker: ast.expr | None = default
    base: ast.expr | None = ann
    if isinstance(ann, ast.Subscript) and last(ctx.qualname(ann.value)) == "Annotated":
        elts = ann.slice.elts if isinstance(ann.slice, ast.Tuple) else [ann.slice]
        base = elts[0] if elts else None
        for extra in elts[1:]:
            if isinstance(extra, ast.Call):
                marker = extra
    if isinstance(marker, ast.Call):
        mname = last(ctx.call_name(marker))
        if mname == "Security":
            return "auth", "Security(...)"
        if mname == "Depends":
            target = marker.args[0] if marker.args else None
            if isinstance(target, ast.Call):  # Depends(require_role("agent"))
                target = target.func
            tname = dotted(target) if target is not None else dotted(base) if base else ""
            if (
                auth_dependency(tname)
                or (not tname and arg.arg in IDENTITY_PARAMS)
                or _from_auth_module(ctx, tname)
            ):
                return "auth", f"Depends({tname or arg.arg})"
            return "dependency", ""
        if AUTH_NAME.search(mname):  # e.g. Annotated[User, RequireScopes(...)]
            return "auth", f"{mname}(...)"
        if mname in {"Query", "Path", "Body", "Form", "Header", "Cookie", "File"}:
            pattern = any(keyword(marker, k) for k in ("pattern", "regex"))
            return "data", "typed" if pattern or _typed(base) else "raw"
    tname = dotted(base) if base is not None else ""
    short = last(tname)
    if short in REQUEST_TYPES:
        return "request", ""
    if short in NOT_REQUEST_TYPES:
        return "dependency", ""
    alias = _annotated_alias(ctx, short)
    if alias:
        return alias, f"{short}"
    named_dependency = re.search(r"(Dep|Dependency|Deps)$", short) or re.match(
        r"(Current|Authenticated|Auth|Admin|Superuser|Logged)", short
    )
    if isinstance(base, ast.Name) and short not in SCALAR_TYPES | RAW_TYPES and named_dependency:
        auth = AUTH_NAME.search(short) or short.startswith(("Current", "Logged"))
        return ("auth", short) if auth else ("dependency", "")
    return "data", "typed" if _typed(base) else "raw"


def _annotated_alias(ctx: FileContext, name: str) -> str:
    """`CurrentUser = Annotated[User, Depends(get_current_user)]` defined in this file."""
    if not name:
        return ""
    for stmt in ctx.tree.body:
        if (
            isinstance(stmt, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id == name for t in stmt.targets)
            and isinstance(stmt.value, ast.Subscript)
        ):
            return _alias_kind(ctx, stmt.value)
    return ""


_CONTROLLER_KEY = "class:"  # an alias key naming a controller base class


def controller_auth(ctx: FileContext, cls: ast.ClassDef) -> str:
    """`user: User = Depends(get_current_user)` as a class attribute of a class-based
    controller (fastapi-utils' `@cbv`, a project's `@controller(router)`): FastAPI resolves
    it for every route method of the class, so each one authenticates."""
    for stmt in cls.body:
        value = stmt.value if isinstance(stmt, ast.Assign | ast.AnnAssign) else None
        if not isinstance(value, ast.Call):
            continue
        cname = last(ctx.call_name(value))
        target = dotted(value.args[0]) if value.args else ""
        if cname == "Security" or (cname == "Depends" and auth_dependency(target)):
            return f"{cls.name}: {cname}({target})"
    return ""


def controller_base_keys(ctx: FileContext, cls: ast.ClassDef) -> set[str]:
    """Keys (as `auth_aliases` reports them) of a controller's bases imported from another
    module: such a base may declare the authenticating class attribute. Keyed by class
    name alone, since a package often re-exports its base controllers
    (`from app.routes._base import BaseUserController`)."""
    keys: set[str] = set()
    for base in cls.bases:
        name = dotted(base)
        if name and (name.partition(".")[0] in ctx.aliases or alias_key(ctx, base)):
            keys.add(_CONTROLLER_KEY + last(name))
    return keys


def auth_aliases(ctx: FileContext) -> set[str]:
    """Module-level `Annotated[..., Depends(<authenticator>)]` aliases this file defines,
    and controller base classes whose class attribute authenticates
    (`class BaseUserController: user = Depends(get_current_user)`), as
    `<module stem>.<name>` (the key `alias_key` gives an imported use of them)."""
    found: set[str] = set()
    if "Depends" in ctx.source or "Security" in ctx.source:
        found.update(_CONTROLLER_KEY + c.name for c in ctx.classes if controller_auth(ctx, c))
    for stmt in ctx.tree.body:
        if isinstance(stmt, ast.Assign) and isinstance(stmt.value, ast.Subscript):
            if last(ctx.qualname(stmt.value.value)) != "Annotated":
                continue
            if _alias_kind(ctx, stmt.value) == "auth":
                stem = module_stem(ctx.path)
                found.update(f"{stem}.{t.id}" for t in stmt.targets if isinstance(t, ast.Name))
    return found


def alias_key(ctx: FileContext, ann: ast.expr | None) -> str:
    """For an annotation imported from another module (`auth.DiscountWrite`, `SeatWrite`
    from `.auth`), the key under which that module reports it as an auth alias."""
    if isinstance(ann, ast.Attribute) and isinstance(ann.value, ast.Name):
        return router_key(ctx, dotted(ann))
    if isinstance(ann, ast.Name) and (ann.id in ctx.aliases or ann.id in relative_imports(ctx)):
        return router_key(ctx, ann.id)
    return ""


def _alias_kind(ctx: FileContext, value: ast.Subscript) -> str:
    """ "auth", "dependency" or "" for the value of an `X = Annotated[...]` alias: auth when
    it carries a `Security(...)`, a dependency object whose name says it checks a role,
    ACL or permission (`Annotated[Role, RoleACL(allow_user=True)]`: a factory that returns
    the `Depends(...)` of its check), or a `Depends(...)` whose callable authenticates
    (by its name, or a module-level `_Write = Authenticator(...)` it names) or whose
    annotated type says it is the caller (`Annotated[AuthSubject[User], Depends(_Write)]`)."""
    elts = value.slice.elts if isinstance(value.slice, ast.Tuple) else [value.slice]
    base = dotted(elts[0].value if isinstance(elts[0], ast.Subscript) else elts[0])
    for extra in elts[1:]:  # Annotated[Role, RoleACL(allow_user=True, ...)]
        if isinstance(extra, ast.Call):
            cname = last(ctx.call_name(extra))
            if cname not in {"Depends", "Security"} and AUTH_NAME.search(cname):
                return "auth"  # a factory of the dependency, named for its check
    for node in ast.walk(value):
        if isinstance(node, ast.Call):
            cname = last(ctx.call_name(node))
            arg = node.args[0] if node.args else None
            if isinstance(arg, ast.Call):  # Depends(_RoleCheck(allowed_roles=...))
                arg = arg.func
            target = dotted(arg) if arg is not None else ""
            if cname == "Security":
                return "auth"
            if cname == "Depends":
                if (
                    auth_dependency(target)
                    or auth_dependency(_bound_call(ctx, target))
                    or (base and AUTH_NAME.search(base))
                ):
                    return "auth"
                return "dependency"
    return ""


# Dependencies that hand a route a resource, whatever module they live in (`get_db` from
# `.security`): a connection, session, setting or page, not the caller.
_RESOURCE_DEPENDENCY = re.compile(
    r"(?:^|_)(?:db|database|session|settings|config|redis|cache|client|engine|logger|page|"
    r"pagination)s?(?:_|$)"
)


def _from_auth_module(ctx: FileContext, name: str) -> bool:
    """Is the dependency imported from a module named for authentication (Thunderbird
    Appointment's `Depends(get_subscriber)`, from `..dependencies.auth`, which rejects a
    request without a valid bearer token)? Its own name may only say what it returns;
    one that names a resource (`get_db`) is not about the caller wherever it lives."""
    head = name.partition(".")[0]
    if not head or _RESOURCE_DEPENDENCY.search(head):
        return False
    for node in ctx.import_nodes:
        if isinstance(node, ast.ImportFrom) and any(
            (a.asname or a.name) == head for a in node.names
        ):
            return bool(AUTH_PACKAGES.intersection((node.module or "").split(".")))
    return False


def _bound_call(ctx: FileContext, name: str) -> str:
    """The callable a module-level `name = Callable(...)` is bound to, if any."""
    for stmt in ctx.tree.body:
        if (
            isinstance(stmt, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id == name for t in stmt.targets)
            and isinstance(stmt.value, ast.Call)
        ):
            return dotted(stmt.value.func)
    return ""


def _typed(ann: ast.expr | None) -> bool:
    """Does the annotation validate the value (int, UUID, Enum, a schema)?"""
    if ann is None:
        return False
    if isinstance(ann, ast.BinOp):  # `str | None`
        return _typed(ann.left) and _typed(ann.right)
    if isinstance(ann, ast.Constant) and ann.value is None:
        return True
    if isinstance(ann, ast.Subscript):
        outer = last(dotted(ann.value))
        if outer in {"Optional", "Union"}:
            elts = ann.slice.elts if isinstance(ann.slice, ast.Tuple) else [ann.slice]
            return all(_typed(e) for e in elts)
        if outer in {"list", "List", "set", "Set", "tuple", "Tuple", "Sequence"}:
            elts = ann.slice.elts if isinstance(ann.slice, ast.Tuple) else [ann.slice]
            return all(_typed(e) for e in elts)
        return outer == "Literal"
    if isinstance(ann, ast.Call):  # constr(pattern=...), conint(...)
        return True
    # int, UUID, an Enum or a pydantic model: validated by FastAPI before the handler
    name = last(dotted(ann))
    return bool(name) and name not in RAW_TYPES


def router_key(ctx: FileContext, expr: str) -> str:
    """`<module stem>.<name>` for a router, the same from its own file and from the
    file that includes it, so that facts can connect the two."""
    head, _, attr = expr.partition(".")
    if attr:  # items.router
        module = ctx.aliases.get(head) or relative_imports(ctx).get(head, head)
        return f"{last(module)}.{attr}"
    if expr in ctx.aliases:  # from app.routers.items import router as items_router
        module, _, name = ctx.aliases[expr].rpartition(".")
        return f"{last(module)}.{name}"
    rel = relative_imports(ctx).get(expr)
    if rel:
        module, _, name = rel.rpartition(".")
        return f"{last(module)}.{name}"
    return f"{module_stem(ctx.path)}.{expr}"


def relative_imports(ctx: FileContext) -> dict[str, str]:
    """Names bound by `from .x import y` at module level -> `x.y`."""
    found: dict[str, str] = {}
    for stmt in ctx.tree.body:
        if isinstance(stmt, ast.ImportFrom) and stmt.level:
            for alias in stmt.names:
                module = stmt.module or ""
                found[alias.asname or alias.name] = (
                    f"{module}.{alias.name}" if module else alias.name
                )
    return found
