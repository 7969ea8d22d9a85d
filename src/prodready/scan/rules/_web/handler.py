"""What the web analysis records about a route handler and a class-based view.

The recognisers (one module per framework) fill these in; the rules only read them, so a
rule does not need to know which framework a handler came from to ask whether it changes
state or shows evidence of authentication.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

from prodready.scan.context import FunctionNode

STATE_CHANGING = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# `Handler.auth` when the only candidate is a base class defined in another file: it may
# authenticate, so the handler is not reported, but it is not explicit evidence either.
UNSEEN_BASE = "a base class this file does not define"


@dataclass(frozen=True)
class Param:
    """A handler parameter that carries request data (URL segment, query, body)."""

    name: str
    typed: bool  # validated by its type, converter or pattern


@dataclass(eq=False)
class Handler:
    """One route handler: a function (or a generic view class) and what reaches it."""

    node: FunctionNode | ast.ClassDef  # a class for generic views without own methods
    name: str
    framework: str  # "flask" | "fastapi" | "django" | "drf"
    methods: frozenset[str]
    path: str = ""
    params: dict[str, Param] = field(default_factory=dict)
    identity_params: set[str] = field(default_factory=set)
    alias_keys: set[str] = field(default_factory=set)  # imported annotations: auth aliases?
    request_names: set[str] = field(default_factory=lambda: {"request", "req"})
    auth: str = ""  # evidence of authentication found outside the body; "" if none
    authz: bool = False  # restricted to a role or permission (decorator, permission class)
    open_explicit: bool = False  # DRF permission_classes that allow anyone
    drf_default: bool = False  # DRF view relying on the project's default permissions
    # a DRF view class setting its own authentication_classes: the defaults do not apply
    own_authentication: bool = False
    # what it lists there, as written (`ExporterAuthentication`, `auth.TokenAuth`)
    authentication_classes: tuple[str, ...] = ()
    router_key: str | None = None  # FastAPI router `<module>.<name>` the route hangs on
    cls: ast.ClassDef | None = None
    guard: str = ""  # a `before_request` guard of its blueprint or app
    receiver: str = ""  # the app, blueprint or router the route decorator hangs on
    generic: str = ""  # the generic base that provides the behaviour (class-level handler)
    # a generic view naming no form, model or queryset: a base for subclasses elsewhere,
    # a route only where `as_view(form_class=...)` configures it
    unconfigured: bool = False

    @property
    def function(self) -> FunctionNode | None:
        return None if isinstance(self.node, ast.ClassDef) else self.node

    @property
    def state_changing(self) -> bool:
        return bool(self.methods & STATE_CHANGING)


@dataclass
class ViewClass:
    """A Django, DRF or Flask class-based view, with what its in-file bases contribute."""

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
