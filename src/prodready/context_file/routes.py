"""How routes are authenticated: the most common form, with the routes that show none.

The handlers and their evidence come from the web analysis the scan rules use
(``prodready.scan.rules._web``), so that "authenticated" means here exactly what it means
to PR105 (missing-authn): decorators, FastAPI dependencies on the route or its router,
Django mixins, DRF permission classes, ``before_request`` guards, checks in the body. A
class-based view counts once, with its read-only methods (the analysis keeps only the
state-changing ones as handlers, so its list of views is read instead). Project-wide rules
come from a Django settings module: DRF's default permission and authentication classes,
and ``LoginRequiredMiddleware``.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass

from prodready.context_file.forms import (
    NOTE_LIMIT,
    SNIPPET_LINES,
    Aspect,
    Convention,
    Snippet,
    Source,
    Tallies,
)
from prodready.context_file.render import code
from prodready.scan.context import FileContext
from prodready.scan.rules._web import Handler, dotted, last, web_file
from prodready.scan.rules._web.handler import UNSEEN_BASE

# Names the web analysis accepts as authentication (it leans towards seeing it, so that
# PR105 stays quiet) but that mark a route as public or are about something else: shown as
# the project's way to authenticate they would teach the opposite.
_NOT_AUTH = re.compile(
    r"not_required|exempt|csrf|optional|anonymous|public|AllowAny|RequestForm", re.I
)
_PROJECT_WIDE = {
    "DEFAULT_PERMISSION_CLASSES": "Django REST framework default permission classes",
    "DEFAULT_AUTHENTICATION_CLASSES": "Django REST framework default authentication classes",
}


def _auth_token(evidence: str) -> str:
    """The text to look for in the code for a piece of authentication evidence (the web
    analysis describes it in words): ``Depends(get_current_user)`` -> ``get_current_user``,
    ``@auth.login_required`` -> ``login_required``, ``the Authorization header`` ->
    ``Authorization``, ``request.user in form_valid()`` -> ``request.user``."""
    evidence = evidence.split(" in ", 1)[0]
    if evidence.startswith(("permission_classes", "dependencies=")):
        return evidence.split("=", 1)[0].split(" ", 1)[0]
    words = {
        r"the (\S+) header": 1,
        r"status (\d+)": 1,
        r"a (redirect) to the login page": 1,
        r"(session) user": 1,
        r"[\w.]*\(([A-Za-z_][\w.]*)\)": 1,  # Depends(x), @method_decorator(x)
    }
    for pattern, group in words.items():
        match = re.fullmatch(pattern, evidence.removeprefix("@"))
        if match:
            return last(match.group(group))
    if evidence.startswith("@"):
        return last(evidence[1:].split("(", 1)[0])
    return evidence.split("(", 1)[0]


def _route_name(h: Handler) -> str:
    methods = ",".join(sorted(h.methods)) or "ANY"
    return f"{methods} {h.path or h.name}"


@dataclass(frozen=True)
class _Inclusion:
    """``parent.include_router(child, dependencies=[...])``: where a router is mounted."""

    parent: str  # router key of the including router or app
    dependency: str  # the authenticating dependency given there, "" if none
    example: Snippet


class Authentication:
    """Counted per route: a function handler, or a class-based view once (the web analysis
    keeps a view's read-only methods out of its handlers, the views list has them all).

    A FastAPI route whose own file shows no authentication may get it where its router is
    included (``app.include_router(router, dependencies=[Depends(auth)])``), possibly
    through routers included in routers; those routes wait in ``pending`` until every
    file's inclusions are known, and count as authenticated only when every inclusion of
    their router is (through one with an authenticating dependency). That is why the
    routes listed without authentication are this analysis's own and PR105's findings are
    not repeated here: the rule judges each file with what that file shows.
    """

    def __init__(self, tallies: Tallies) -> None:
        self.tallies = tallies
        self.handlers = 0
        self.open: list[tuple[str, int, str]] = []  # (path, line, route) with no evidence
        self.pending: list[tuple[str, str, int, str]] = []  # (router key, path, line, route)
        self.inclusions: dict[str, list[_Inclusion]] = {}  # router key -> where included

    def file(self, src: Source, ctx: FileContext) -> None:
        web = web_file(ctx)
        for view in web.views:
            found = [web.evidence(h) for h in web.handlers if h.cls is view.node]
            evidence, explicit = next(
                ((e, x) for e, x in found if e and e != UNSEEN_BASE), ("", False)
            )
            if view.auth:
                evidence, explicit = view.auth, True
            elif not evidence and view.drf_default:
                evidence, explicit = "DEFAULT_PERMISSION_CLASSES", False
            elif not evidence and view.unknown_bases:
                continue  # a base class in another file may authenticate: neither way
            self._count(src, evidence, explicit, None, view.node, f"{view.node.name} view")
        for h in web.handlers:
            if h.cls is not None:
                continue
            evidence, explicit = web.evidence(h)
            if not evidence and h.router_key:
                self.handlers += 1
                self.pending.append((h.router_key, src.rel, h.node.lineno, _route_name(h)))
                continue
            self._count(src, evidence, explicit, h.function, None, _route_name(h), h.node)
        for call in web.watched.get("include_router", []):
            if not call.args or not isinstance(call.func, ast.Attribute):
                continue
            receiver = dotted(call.func.value)
            dependency = web.auth_dependencies(call) or web.router_deps.get(receiver, "")
            child = web.router_key_of(dotted(call.args[0]))
            if child:
                self.inclusions.setdefault(child, []).append(
                    _Inclusion(
                        web.router_key_of(receiver),
                        dependency,
                        src.statement_snippet(call.lineno),
                    )
                )
        for setting, node in django_settings(src):
            value = setting_value(node)
            if setting == "REST_FRAMEWORK" and value in _PROJECT_WIDE:
                label, description = value, _PROJECT_WIDE[value]
            elif setting == "MIDDLEWARE" and value.endswith("LoginRequiredMiddleware"):
                label = "LoginRequiredMiddleware"
                description = "Django's middleware that requires a login for every view"
            else:
                continue
            self.tallies.add(
                "project-wide", label, value, description, src.statement_snippet(node.lineno)
            )

    def merge(self, other: Authentication) -> None:
        self.handlers += other.handlers
        self.open += other.open
        self.pending += other.pending
        for key, found in other.inclusions.items():
            self.inclusions.setdefault(key, []).extend(found)

    def _count(
        self,
        src: Source,
        evidence: str,
        explicit: bool,
        fn: ast.FunctionDef | ast.AsyncFunctionDef | None,
        cls: ast.ClassDef | None,
        route: str,
        node: ast.AST | None = None,
    ) -> None:
        self.handlers += 1
        where = cls or fn or node
        if not evidence or evidence == UNSEEN_BASE or _NOT_AUTH.search(evidence):
            self.open.append((src.rel, getattr(where, "lineno", 0), route))
            return
        implicit = not explicit and not evidence.endswith("before_request")
        snippet, place = _auth_snippet(src, evidence, fn, cls, where)
        self.tallies.add(
            "routes",
            evidence,
            evidence,
            _auth_description(evidence, implicit, place),
            snippet,
            implicit=implicit,
        )

    def _guard(self, router: str, seen: frozenset[str] = frozenset()) -> _Inclusion | None:
        """The inclusion that authenticates every route of ``router``, if each place it is
        included authenticates (itself or through the router it is included in)."""
        found = self.inclusions.get(router)
        if not found or router in seen:
            return None
        guards = []
        for inclusion in sorted(found, key=lambda i: (i.example.path, i.example.start)):
            guard = inclusion if inclusion.dependency else None
            if guard is None:
                guard = self._guard(inclusion.parent, seen | {router})
            if guard is None:
                return None
            guards.append(guard)
        return guards[0]

    def _resolve(self) -> None:
        """Routes waiting for their router's inclusions: authenticated there, or open."""
        for router, rel, line, route in sorted(self.pending):
            guard = self._guard(router)
            if guard is None:
                self.open.append((rel, line, route))
                continue
            self.tallies.add(
                "routes",
                f"include:{guard.dependency}",
                f"include_router(..., {guard.dependency})",
                "a dependency given where the router is included",
                guard.example,
                files=[rel],
            )
        self.pending = []

    def convention(self) -> Convention:
        self._resolve()
        notes: list[str] = []
        if self.open:
            located = sorted(self.open)
            shown = ", ".join(f"{code(r)} ({code(f'{p}:{n}')})" for p, n, r in located[:NOTE_LIMIT])
            more = f" and {len(located) - NOTE_LIMIT} more" if len(located) > NOTE_LIMIT else ""
            notes.append(
                f"{len(located)} of {self.handlers} routes show no authentication: {shown}{more}"
            )
        if self.handlers == 0:
            missing = "no routes in production code"
        else:
            missing = f"none of the {self.handlers} routes shows authentication"
        return Convention(
            "authentication",
            "How routes are authenticated",
            (
                Aspect("routes", self.tallies.forms("routes"), missing, tuple(notes)),
                Aspect(
                    "project-wide",
                    self.tallies.forms("project-wide"),
                    "no project-wide authentication setting (DRF DEFAULT_PERMISSION_CLASSES "
                    "or DEFAULT_AUTHENTICATION_CLASSES, Django LoginRequiredMiddleware)",
                ),
            ),
        )


def _auth_description(evidence: str, implicit: bool, place: str) -> str:
    if implicit:
        return (
            "handlers only read the current user; something outside the handler must authenticate"
        )
    if evidence.startswith("@"):
        return "a decorator on each handler"
    if "Depends" in evidence or "Security" in evidence:
        return "a FastAPI dependency that authenticates"
    if evidence.endswith("before_request"):
        return "a guard that runs before every request of the blueprint or app"
    if evidence.startswith(("permission_classes", "get_permissions")):
        return "Django REST framework permissions on the view"
    if evidence.endswith("Mixin"):
        return "a mixin on the class-based view"
    return {
        "header": "an authenticating parameter or decorator of the handler",
        "class": "on the class-based view",
        "module": "set where the route's router or app is created",
    }.get(place, "a check in the handler's body")


def _auth_snippet(
    src: Source,
    evidence: str,
    fn: ast.FunctionDef | ast.AsyncFunctionDef | None,
    cls: ast.ClassDef | None,
    node: ast.AST | None,
) -> tuple[Snippet, str]:
    """(example, region) where the evidence is written: the handler's header, its class,
    its body, or the module (a router's dependencies, a ``before_request`` guard); imports,
    comments and docstrings never count."""
    token = _auth_token(evidence)
    regions: list[tuple[int, int, str]] = []
    if fn is not None:
        regions.append((src.span(fn)[0], src.header_end(fn), "header"))
        regions.append((*src.span(fn), "body"))
    if cls is not None:
        regions.append((*src.span(cls), "class"))
    regions.append((1, len(src.lines), "module"))
    for start, end, kind in regions:
        for line in range(start, end + 1):
            text = src.lines[line - 1]
            if token not in text or text.lstrip().startswith("#") or line in src.prose_lines:
                continue
            if kind == "header" and fn is not None:
                return src.header_snippet(fn, line), kind
            if kind == "class" and cls is not None:
                c_start, c_end = src.span(cls)
                if line - c_start < SNIPPET_LINES:
                    return src.snippet(c_start, min(c_end, c_start + SNIPPET_LINES - 1)), kind
            return src.statement_snippet(line), kind
    if fn is not None:
        return src.header_snippet(fn), "header"
    return src.node_snippet(cls or node or src.tree), "class"


def django_settings(src: Source) -> list[tuple[str, ast.expr]]:
    """(setting, key or element) of a Django settings module's ``REST_FRAMEWORK = {...}``
    keys and ``MIDDLEWARE = [...]`` entries: where project-wide rules are written."""
    found: list[tuple[str, ast.expr]] = []
    for stmt in src.tree.body:
        if not isinstance(stmt, ast.Assign) or len(stmt.targets) != 1:
            continue
        target = stmt.targets[0]
        name = target.id if isinstance(target, ast.Name) else ""
        if name == "REST_FRAMEWORK" and isinstance(stmt.value, ast.Dict):
            found += [(name, key) for key in stmt.value.keys if key is not None]
        elif name == "MIDDLEWARE" and isinstance(stmt.value, ast.List | ast.Tuple):
            found += [(name, element) for element in stmt.value.elts]
    return found


def setting_value(node: ast.expr) -> str:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else ""
