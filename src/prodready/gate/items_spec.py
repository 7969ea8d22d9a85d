"""Gate items that check a change against its spec (`--spec`): criteria and interfaces.

The spec is the contract written before the code. `gate.spec-criteria` asks whether each
acceptance criterion is verified by a test that says so (see `spec_links`);
`gate.spec-interfaces` finds the handler of each endpoint the spec names among the files
the change touches, with the scan rules' web recognition, and checks what can be seen in
the code: an authorization rule enforced, the input validated by a schema or typed
parameters, the failure behaviour tested; and, for a refactor, that the callers the spec
names have tests that pass.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from prodready.criteria.base import criterion
from prodready.gate.change import parse_python, path_kind
from prodready.gate.context import GateContext
from prodready.gate.registry import GATE_ITEMS
from prodready.gate.spec_links import (
    FAILED,
    NOT_RUN,
    PASSED,
    UNKNOWN_RESULT,
    UNVERIFIED,
    VERIFIED,
    CriterionLink,
    Results,
    TestFunction,
    caller_tests,
    link_criteria,
    route_segments,
    same_route,
)
from prodready.model import Dimension, Evidence, Layer, Outcome, Tier
from prodready.scan.context import FileContext, FunctionNode
from prodready.scan.rules._web import (
    Handler,
    WebFile,
    dotted,
    is_identity,
    last,
    web_file,
)
from prodready.scan.rules._web.request_data import REQUEST_SOURCES
from prodready.scan.rules._web.routes import path_params, route_decorator

if TYPE_CHECKING:
    from prodready.spec import AcceptanceCriterion, Endpoint, Spec

_MAX = 25
# An authorization rule that asks for no check at all ("None", "Public", "No
# authentication"), or lets anyone in ("Anyone", unless it goes on to ask for a login).
_PUBLIC = re.compile(
    r"^\W*(none|public|n/?a\b|not required|no (authentication|authori[sz]ation|login|auth)\b|"
    r"unauthenticated|open to (all|anyone|everyone))",
    re.I,
)
_ANYONE = re.compile(r"^\W*(anyone|anybody|everyone)\b", re.I)
_LOGIN_WORDS = re.compile(
    r"log(ged)?[- ]?in|sign(ed)?[- ]?in|authenticat|account|token|api[- ]?key|session", re.I
)
# A rule that names a role, a permission or an owner: more than "logged in".
_ROLE_RULE = re.compile(
    r"\b(admins?|administrators?|staff|roles?|permissions?|superusers?|scopes?|owners?|own|"
    r"their|managers?|moderators?|members? of|belongs? to)\b",
    re.I,
)
# Evidence in a handler's body that it checks a role or an owner.
_AUTHZ_CALL = re.compile(
    r"^(has_perms?|has_permission|has_role|has_scope|check_perm\w*|check_permission\w*|"
    r"require_(role|perm\w*|scope|admin|owner)|is_(admin|staff|superuser|owner|member)|"
    r"user_can|can_\w+|authorize\w*|assert_owner\w*)$"
)
_AUTHZ_ATTR = frozenset({"is_admin", "is_staff", "is_superuser", "is_owner", "role", "roles"})
_DENIALS = frozenset(
    {"PermissionDenied", "HttpResponseForbidden", "Forbidden", "NotAuthorized", "Unauthorized"}
)
# Request attributes that carry client input to validate (headers and cookies are not
# the input a spec's validation rule is about).
_INPUT_SOURCES = REQUEST_SOURCES - {
    "path_params",
    "cookies",
    "COOKIES",
    "headers",
    "META",
    "view_args",
    "match_info",
    "rel_url",
    "stream",
}
_TYPED = frozenset(
    {"int", "float", "bool", "Decimal", "UUID", "fromisoformat", "date", "datetime", "strptime"}
)
_SCHEMA_METHODS = frozenset(
    {
        "is_valid",
        "validate",
        "validate_on_submit",
        "model_validate",
        "model_validate_json",
        "parse_obj",
        "parse_raw",
        "validate_python",
        "validate_json",
        "full_clean",
        "cleaned_data",
        "validated_data",
    }
)
_SCHEMA_CLASS = re.compile(
    r"(Schema|Model|Form|Serializer|In|Input|Request|Payload|Body|Params|Create|Update|DTO|"
    r"Args|Command)$"
)
_SCHEMA_DECORATORS = frozenset(
    {
        "use_args",
        "use_kwargs",
        "arguments",
        "validate",
        "expects_json",
        "expect",
        "validate_request",
        "validate_json",
        "input",
        "body",
        "validate_with",
    }
)
_SCHEMA_ATTRS = frozenset({"serializer_class", "form_class", "schema_class", "fields", "schema"})
_VIEWSET_DETAIL = frozenset({"retrieve", "update", "partial_update", "destroy"})
_PATH_IN_TEXT = re.compile(r"(?<![\w/])/[\w{}<>:.\-/]*")
_ID_IN_TEXT = re.compile(r"\b[A-Za-z]+-\d+\b")


@criterion(
    "gate.spec-criteria",
    "The spec's acceptance criteria are verified by tests",
    Dimension.TESTS,
    Layer.VERIFICATION,
    required_from=Tier.PRODUCTION,
    registry=GATE_ITEMS,
)
def spec_criteria(ctx: GateContext) -> Outcome:
    """
    What it does:
        With `--spec`, lists each acceptance criterion of the spec as verified (the tests
        that declare it, and that they passed in the `--junit` report) or not. A test
        declares a criterion with a marker (`@pytest.mark.acceptance("AC-1")`, on the
        test, its class or a module's `pytestmark`), with the id in its name
        (`test_ac_1_partial_refund`) or in its docstring ("Verifies AC-1"). A criterion no
        test declares is unverified; one whose test failed is failed; one whose tests
        exist but whose results were not given (or did not include them) is unknown.
    Why it matters:
        A criterion nobody tests is a wish. Tying each criterion to a named, passing test
        is what turns "done" from a feeling into evidence, and tells a reviewer which
        behaviour the change was never checked against.
    Example:
        `AC-3 unverified: no test declares it — a refund above the order total is rejected
        with 422`.
    Fix:
        Write a test for the criterion and declare it:
        `@pytest.mark.acceptance("AC-3")` (register the marker in your pytest
        configuration), then pass the JUnit report of the run with `--junit`.
    """
    spec = ctx.spec
    if spec is None:
        return Outcome.not_applicable("no change spec given (--spec)")
    where = _spec_path(ctx)
    if not spec.criteria:
        return Outcome.gap(f"the spec {where} states no acceptance criteria (AC-1, AC-2 ...)")
    results = Results(ctx.junit)
    links = link_criteria(spec.criteria, ctx.spec_tests, results)
    evidence = [_criterion_evidence(link, where, results) for link in links]
    bad = [link for link in links if link.status in (UNVERIFIED, FAILED)]
    if bad:
        return Outcome.gap("; ".join(_why(link) for link in bad[:5]), *evidence[:_MAX])
    unknown = [link for link in links if link.status == UNKNOWN_RESULT]
    if unknown:
        ids = ", ".join(link.criterion.id for link in unknown)
        why = (
            f"the test report {results.unreadable} could not be read"
            if results.unreadable and not results.given
            else "no test results were given (pass --junit)"
            if not results.given
            else "the supplied test results do not include their tests"
        )
        return Outcome.unknown(f"{ids}: tests declare them, but {why}", *evidence[:_MAX])
    return Outcome.met(*evidence[:_MAX])


def _why(link: CriterionLink) -> str:
    cid = link.criterion.id
    if link.status == UNVERIFIED:
        return f"{cid} unverified: no test declares it"
    failed = [t.test.id for t in link.tests if t.outcome in (FAILED, "error")]
    return f"{cid} failed: {', '.join(failed)} failed"


def _criterion_evidence(link: CriterionLink, where: str, results: Results) -> Evidence:
    c = link.criterion
    if link.status == UNVERIFIED:
        return Evidence(f"{c.id} unverified: no test declares it — {c.text}", where, c.line)
    first = link.tests[0].test
    named = ", ".join(f"{t.test.id} ({t.how})" for t in link.tests)
    if link.status == VERIFIED:
        passed = [t for t in link.tests if t.outcome == PASSED]
        rest = [t for t in link.tests if t.outcome != PASSED]
        text = f"{c.id} verified: " + ", ".join(f"{t.test.id} ({t.how}) passed" for t in passed)
        if rest:
            text += "; " + ", ".join(f"{t.test.id} {_outcome_text(t.outcome)}" for t in rest)
        return Evidence(text, first.path, first.line)
    if link.status == FAILED:
        bad = next(t for t in link.tests if t.outcome in (FAILED, "error"))
        report = results.report_of(bad.test)
        return Evidence(
            f"{c.id} failed: {bad.test.id} ({bad.how}) {bad.outcome} in {report}",
            bad.test.path,
            bad.test.line,
        )
    if not results.given:
        return Evidence(
            f"{c.id} declared by {named}, but no test results were given (pass --junit)",
            first.path,
            first.line,
        )
    return Evidence(
        f"{c.id} declared by {named}, but not run in the supplied test results",
        first.path,
        first.line,
    )


def _outcome_text(outcome: str | None) -> str:
    return "not in the test results" if outcome == NOT_RUN else f"{outcome}"


# -- interfaces ---------------------------------------------------------------------------


@criterion(
    "gate.spec-interfaces",
    "The spec's interfaces hold in the code",
    Dimension.SECURITY,
    Layer.CONSTRAINTS,
    required_from=Tier.PRODUCTION,
    registry=GATE_ITEMS,
)
def spec_interfaces(ctx: GateContext) -> Outcome:
    """
    What it does:
        With `--spec`, finds the handler of each endpoint the spec names among the
        production Python files the change touches (Flask, FastAPI, Django and DRF, as
        the scan rules recognise them; `{id}`, `<int:id>` and `:id` are the same path
        parameter; a router's or blueprint's prefix in the same file is added, and a path
        mounted elsewhere matches by its end). Then, where the spec states it: an
        authorization rule needs the handler to check the caller (a decorator, a
        dependency, a permission class, a check in the body; a rule naming a role or an
        owner needs a role or owner check, not only a login); a validation rule needs the
        input validated by a schema or typed parameters (FastAPI typed parameters and
        Pydantic bodies, DRF serializers, Django and WTForms forms, marshmallow schemas,
        `@use_args`, or a typed conversion such as `int(request.form["n"])`; path
        parameters are left to the route); a failure behaviour needs a test that requests
        the endpoint (or declares one of its criteria) and asserts an error status or an
        exception, and, with `--junit`, did not fail. For a refactor, each caller the
        spec names (`path:function`) needs tests that import and call it, passing in the
        `--junit` report. An endpoint the change does not contain is reported as "not in
        this change"; it is a gap only when the spec itself is part of the change (then it
        is the change's own contract). Request and response shapes are not checked.
    Why it matters:
        The spec is where the team decided who may call an endpoint, what it accepts and
        how it fails; code written against it, by a person or an assistant, drifts from
        it silently unless something compares the two.
    Example:
        `POST /refunds: authorization rule stated in the spec, but the handler
        app/refunds.py:12 checks no user or permission`.
    Fix:
        Enforce the rule the spec states in the handler (`@login_required`,
        `Depends(get_current_user)`, a permission class), validate the body with a schema
        or typed parameters, and write a test for the failure behaviour that asserts the
        error status; or correct the spec if the code is right.
    """
    spec = ctx.spec
    if spec is None:
        return Outcome.not_applicable("no change spec given (--spec)")
    if not spec.endpoints and not spec.callers:
        return Outcome.not_applicable("the spec names no endpoint and no callers")
    results = Results(ctx.junit)
    gaps: list[Evidence] = []
    unknown: list[Evidence] = []
    fine: list[Evidence] = []
    absent: list[str] = []
    files = _web_files(ctx)
    for endpoint in spec.endpoints:
        label = f"{endpoint.method} {endpoint.path}"
        found = _find_handler(endpoint, files)
        if found is None:
            if ctx.spec_in_change:
                gaps.append(
                    Evidence(
                        f"{label}: named in the spec, but the change contains no handler for it",
                        _spec_path(ctx),
                        endpoint.line,
                    )
                )
            else:
                absent.append(label)
            continue
        for kind, ev in _check_endpoint(ctx, spec, endpoint, found, results):
            {"gap": gaps, "unknown": unknown, "ok": fine}[kind].append(ev)
    for caller in spec.callers:
        kind, ev = _check_caller(ctx, caller, results)
        {"gap": gaps, "unknown": unknown, "ok": fine}[kind].append(ev)
    notes = [Evidence(f"{label}: not in this change") for label in absent]
    if gaps:
        head = gaps[0].text if len(gaps) == 1 else f"{len(gaps)} gaps: {gaps[0].text}; …"
        return Outcome.gap(head, *[*gaps, *unknown, *fine, *notes][:_MAX])
    if unknown:
        return Outcome.unknown(unknown[0].text, *[*unknown, *fine, *notes][:_MAX])
    if not fine:
        return Outcome.not_applicable(
            "none of the spec's endpoints is in this change: " + ", ".join(absent)
        )
    return Outcome.met(*[*fine, *notes][:_MAX])


def _spec_path(ctx: GateContext) -> str:
    return ctx.spec_path or (ctx.spec.path if ctx.spec else "spec")


@dataclass(frozen=True)
class _Found:
    file: FileContext
    web: WebFile
    handler: Handler
    route: str

    @property
    def where(self) -> str:
        return f"{self.file.path}:{self.handler.node.lineno}"


def _web_files(ctx: GateContext) -> list[tuple[FileContext, WebFile]]:
    """The web analysis of each changed production Python file at head."""
    found: list[tuple[FileContext, WebFile]] = []
    for f in ctx.change.files:
        if f.status == "deleted" or not f.path.endswith(".py"):
            continue
        if path_kind(f.path) != "production":
            continue
        text = ctx.head_sources.get(f.path)
        if text is None:
            continue
        try:
            tree = parse_python(text)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            continue  # gate.no-new-risk reports it as not analysable
        fctx = FileContext(f.path, text, tree)
        web = web_file(fctx)
        if web.web:
            found.append((fctx, web))
    return found


def _find_handler(endpoint: Endpoint, files: list[tuple[FileContext, WebFile]]) -> _Found | None:
    """The handler serving `endpoint`: an exact route first, then one whose route and the
    spec's path end the same (a prefix added where the router is mounted)."""
    wanted = route_segments(endpoint.path)
    method = endpoint.method.upper()
    django = _django_routes(files)
    best: tuple[int, _Found] | None = None
    for fctx, web in files:
        for h in web.handlers:
            if not _serves(h, method):
                continue
            for route in _routes(fctx, web, h, django):
                segments = route_segments(route)
                score = (
                    2 if same_route(segments, wanted) else 1 if _ends_alike(segments, wanted) else 0
                )
                if score and (best is None or score > best[0]):
                    best = (score, _Found(fctx, web, h, route))
    return best[1] if best else None


def _serves(h: Handler, method: str) -> bool:
    if method in h.methods or "UNKNOWN" in h.methods:
        return True
    # a Django function view without a method decorator serves every method
    return h.framework == "django" and h.cls is None


def _ends_alike(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """One route is the other behind a prefix: at least one fixed segment in common."""
    short, long = (a, b) if len(a) <= len(b) else (b, a)
    if not short or all(s == "{}" for s in short) or len(short) == len(long):
        return False
    return same_route(short, long[len(long) - len(short) :])


def _routes(fctx: FileContext, web: WebFile, h: Handler, django: dict[str, list[str]]) -> list[str]:
    if h.path or (h.function is not None and _decorator_receiver(fctx, h.function) is not None):
        receiver = _decorator_receiver(fctx, h.function) if h.function is not None else None
        prefix = _prefixes(fctx).get(receiver or "", "")
        return [prefix.rstrip("/") + "/" + h.path.lstrip("/")]
    view = h.cls.name if h.cls is not None else h.name
    routes = list(django.get(view, []))
    if h.cls is not None and h.function is not None and h.function.name in _VIEWSET_DETAIL:
        routes = [r.rstrip("/") + "/{}" for r in django.get(f"{view}#viewset", [])] + routes
    elif h.cls is not None:
        routes += django.get(f"{view}#viewset", [])
    return routes


def _decorator_receiver(fctx: FileContext, fn: FunctionNode) -> str | None:
    for dec in fn.decorator_list:
        route = route_decorator(fctx, dec)
        if route is not None:
            return route[0]
    return None


def _prefixes(fctx: FileContext) -> dict[str, str]:
    """Prefixes given in this file: `APIRouter(prefix=...)`, `Blueprint(url_prefix=...)`,
    `include_router(r, prefix=...)`, `register_blueprint(bp, url_prefix=...)`."""
    found: dict[str, str] = {}
    for stmt in fctx.tree.body:
        if isinstance(stmt, ast.Assign) and isinstance(stmt.value, ast.Call):
            prefix = _keyword_str(stmt.value, "prefix", "url_prefix")
            if prefix:
                for t in stmt.targets:
                    if isinstance(t, ast.Name):
                        found[t.id] = prefix
    for call in fctx.calls:
        if isinstance(call.func, ast.Attribute) and call.func.attr in {
            "include_router",
            "register_blueprint",
        }:
            prefix = _keyword_str(call, "prefix", "url_prefix")
            target = dotted(call.args[0]) if call.args else ""
            if prefix and target:
                found[target] = prefix + found.get(target, "")
    return found


def _keyword_str(call: ast.Call, *names: str) -> str:
    for kw in call.keywords:
        value = kw.value
        if kw.arg in names and isinstance(value, ast.Constant) and isinstance(value.value, str):
            return value.value
    return ""


def _django_routes(files: list[tuple[FileContext, WebFile]]) -> dict[str, list[str]]:
    """View name -> routes from `path()`/`re_path()`/`url()`, Flask's `add_url_rule()` with
    a class view, and DRF `router.register()` in the changed files (`Name#viewset` for a
    registered viewset's list route)."""
    routes: dict[str, list[str]] = {}
    for fctx, _ in files:
        for call in fctx.calls:
            name = last(dotted(call.func))
            route = (
                call.args[0].value if call.args and isinstance(call.args[0], ast.Constant) else None
            )
            if not isinstance(route, str):
                continue
            view: ast.expr | None = call.args[1] if len(call.args) > 1 else None
            if name == "add_url_rule":
                view = next((k.value for k in call.keywords if k.arg == "view_func"), None)
                view = view or (call.args[2] if len(call.args) > 2 else None)
            if view is None:
                continue
            if isinstance(view, ast.Call) and isinstance(view.func, ast.Attribute):
                view = view.func.value  # RefundView.as_view()
            if name in {"path", "re_path", "url", "add_url_rule"}:
                key = last(dotted(view))
            elif name == "register" and isinstance(call.func, ast.Attribute):
                key = f"{last(dotted(view))}#viewset"
            else:
                continue
            if key:
                routes.setdefault(key, []).append("/" + route.lstrip("^/"))
    return routes


# -- checks of one endpoint ---------------------------------------------------------------


def _check_endpoint(
    ctx: GateContext, spec: Spec, endpoint: Endpoint, found: _Found, results: Results
) -> Iterator[tuple[str, Evidence]]:
    label = f"{endpoint.method} {endpoint.path}"
    path, line = found.file.path, found.handler.node.lineno
    yield "ok", Evidence(f"{label}: handled by {found.handler.name} ({found.route})", path, line)
    rule = (endpoint.authorization or "").strip()
    if rule and not _public(rule):
        yield _authorization(label, rule, found)
    if (endpoint.validation or "").strip():
        yield _validation(label, found)
    if (endpoint.failure or "").strip():
        yield _failure(ctx, spec, endpoint, label, results)


def _public(rule: str) -> bool:
    """Does the spec's authorization rule ask for no check?"""
    if _PUBLIC.match(rule):
        return True
    return bool(_ANYONE.match(rule)) and not _LOGIN_WORDS.search(rule)


def _authorization(label: str, rule: str, found: _Found) -> tuple[str, Evidence]:
    web, h = found.web, found.handler
    path, line = found.file.path, h.node.lineno
    evidence, _ = web.evidence(h)
    if not evidence and web.global_guard:
        evidence = "a before_request guard on the whole app"
    if not evidence:
        return "gap", Evidence(
            f"{label}: authorization rule stated in the spec, but the handler {found.where} "
            "checks no user or permission",
            path,
            line,
        )
    if _ROLE_RULE.search(rule):
        role = "a role or permission check" if h.authz else _role_check(web, h)
        if not role:
            return "gap", Evidence(
                f"{label}: the spec's authorization rule names a role or an owner "
                f"({rule[:80]}), but the handler {found.where} only checks that a caller is "
                f"logged in ({evidence})",
                path,
                line,
            )
        evidence = f"{evidence}; {role}"
    return "ok", Evidence(f"{label}: authorization enforced ({evidence})", path, line)


def _role_check(web: WebFile, h: Handler) -> str:
    """A role or owner check in the handler's body ("" if none): `has_perm(...)`,
    `user.is_admin`, a comparison with the current user, a query scoped by the current
    user, a 403."""
    nodes: list[ast.AST] = []
    for fn in _functions(h):
        nodes.extend(web.body(fn))

    def identity(node: ast.expr) -> bool:
        root = dotted(node).split(".", 1)[0]
        return is_identity(node) or (bool(root) and root in h.identity_params)

    for node in nodes:
        if isinstance(node, ast.Call):
            short = last(dotted(node.func))
            if _AUTHZ_CALL.match(short) or (short == "abort" and _status(node) == 403):
                return f"{short}()"
            if any(
                k.arg in {"status_code", "status"} and _code(k.value) == 403 for k in node.keywords
            ):
                return "status 403"
            if any(identity(k.value) for k in node.keywords):
                return "a query scoped by the current user"
        elif isinstance(node, ast.Attribute) and node.attr in _AUTHZ_ATTR:
            return dotted(node) or node.attr
        elif isinstance(node, ast.Name) and node.id in _DENIALS:
            return node.id
        elif isinstance(node, ast.Compare) and any(
            identity(side) for side in [node.left, *node.comparators]
        ):
            return f"a comparison with the current user (line {node.lineno})"
    return ""


def _functions(h: Handler) -> list[FunctionNode]:
    if h.function is not None:
        return [h.function]
    cls = h.cls
    if cls is None:
        return []
    return [s for s in cls.body if isinstance(s, ast.FunctionDef | ast.AsyncFunctionDef)]


def _status(call: ast.Call) -> int | None:
    return _code(call.args[0]) if call.args else None


def _code(node: ast.expr) -> int | None:
    if isinstance(node, ast.Constant) and type(node.value) is int:
        return node.value
    if isinstance(node, ast.Attribute):
        match = re.match(r"HTTP_(\d{3})", node.attr)
        return int(match.group(1)) if match else None
    return None


def _validation(label: str, found: _Found) -> tuple[str, Evidence]:
    """Raw FastAPI parameters are a gap; so are reads of request input that no typed
    conversion takes, in a handler that shows no schema at all."""
    fctx, h = found.file, found.handler
    path, line = fctx.path, h.node.lineno
    schemas: list[str] = []
    for fn in _functions(h):
        for dec in fn.decorator_list:
            name = last(fctx.qualname(dec.func if isinstance(dec, ast.Call) else dec))
            if name in _SCHEMA_DECORATORS:
                schemas.append(f"@{name}")
    if h.cls is not None:
        schemas.extend(
            f"{t.id} on {h.cls.name}"
            for s in h.cls.body
            if isinstance(s, ast.Assign)
            for t in s.targets
            if isinstance(t, ast.Name) and t.id in _SCHEMA_ATTRS
        )
    typed, raw = _fastapi_params(h)
    reads, seen = _input_reads(fctx, found.web, h)
    schemas.extend(seen)
    problems = [f"takes `{r}`" for r in raw]
    if not schemas:
        problems += reads
    if problems:
        return "gap", Evidence(
            f"{label}: validation rule stated in the spec, but the handler {found.where} "
            f"{', '.join(problems[:3])} without a schema or typed parameters",
            path,
            line,
        )
    how = ", ".join(dict.fromkeys([*schemas, *typed]))
    how = how or "it reads no request input beyond its path parameters"
    return "ok", Evidence(f"{label}: input validated ({how})", path, line)


def _fastapi_params(h: Handler) -> tuple[list[str], list[str]]:
    """(typed, raw) request parameters of a FastAPI route other than its path parameters,
    shown as written (`body: RefundIn`, `amount: str`)."""
    if h.framework != "fastapi" or h.function is None:
        return [], []
    args = h.function.args
    annotations = {a.arg: a.annotation for a in [*args.posonlyargs, *args.args, *args.kwonlyargs]}
    in_path = set(path_params(h.path))
    typed: list[str] = []
    raw: list[str] = []
    for p in h.params.values():
        if p.name in in_path:
            continue
        ann = annotations.get(p.name)
        shown = f"{p.name}: {ast.unparse(ann)}" if ann is not None else f"{p.name} (untyped)"
        (typed if p.typed else raw).append(shown)
    return [f"typed `{t}`" for t in typed], raw


def _input_reads(fctx: FileContext, web: WebFile, h: Handler) -> tuple[list[str], list[str]]:
    """(reads of request input that no typed conversion or schema takes, the schemas seen
    in the handler). A read assigned to a name counts as validated when that name is then
    handed to a schema (`RefundIn(**data)`, `schema.load(data)`, `validate(data, ...)`)."""
    roots = set(h.request_names) | {"self.request", "flask.request"}
    parents = fctx.parents
    unvalidated: list[str] = []
    schemas: list[str] = []
    holders: dict[str, tuple[str, int]] = {}  # name -> (read, line) it holds unchecked
    passed: set[str] = set()
    reads: list[ast.Attribute] = []
    for fn in _functions(h):
        for node in web.body(fn):
            if isinstance(node, ast.Call):
                kind, why = _validating(node)
                if kind:
                    passed.update(_names_in(node))
                if kind == "schema":
                    schemas.append(why)
            elif isinstance(node, ast.Attribute):
                if node.attr in {"cleaned_data", "validated_data"}:
                    schemas.append(node.attr)
                elif node.attr in _INPUT_SOURCES and dotted(node.value) in roots:
                    reads.append(node)
    for node in reads:
        read = f"{dotted(node)}{'()' if _called(node, parents) else ''}"
        current: ast.AST = node
        validated = False
        while not isinstance(current, ast.stmt):
            parent = parents.get(current)
            if parent is None:
                break
            if isinstance(parent, ast.Call) and (
                _validating(parent)[0] or any(k.arg == "type" for k in parent.keywords)
            ):
                validated = True  # int(request.form["n"]), request.args.get("n", type=int)
                break
            current = parent
        if validated:
            continue
        if isinstance(current, ast.Assign | ast.AnnAssign):
            targets = current.targets if isinstance(current, ast.Assign) else [current.target]
            names = [t.id for t in targets if isinstance(t, ast.Name)]
            if names:
                for name in names:
                    holders.setdefault(name, (read, node.lineno))
                continue
        unvalidated.append(f"reads {read} (line {node.lineno})")
    for name, (read, line) in holders.items():
        if name not in passed:
            unvalidated.append(f"reads {read} (line {line})")
    return list(dict.fromkeys(unvalidated)), list(dict.fromkeys(schemas))


def _called(node: ast.Attribute, parents: dict[ast.AST, ast.AST]) -> bool:
    parent = parents.get(node)
    return isinstance(parent, ast.Call) and parent.func is node


def _validating(call: ast.Call) -> tuple[str, str]:
    """("typed" | "schema" | "", what) for a call: a typed conversion (`int(...)`), a
    schema's method (`serializer.is_valid()`, `Model.model_validate(...)`), a schema class
    built from the data (`RefundIn(**data)`, `RefundForm(request.POST)`)."""
    name = dotted(call.func)
    short = last(name) if name else getattr(call.func, "attr", "")
    if short in _TYPED:
        return "typed", f"{short}()"
    if short in _SCHEMA_METHODS or short.startswith("validate"):
        return "schema", f"{name or short}()"
    if short in {"load", "loads"} and isinstance(call.func, ast.Attribute):
        owner = dotted(call.func.value) or ast.unparse(call.func.value)
        if "schema" in owner.lower():
            return "schema", f"{owner}.{short}()"
    if short[:1].isupper() and _SCHEMA_CLASS.search(short):
        return "schema", f"{short}(...)"
    return "", ""


def _names_in(call: ast.Call) -> set[str]:
    values = [*call.args, *(k.value for k in call.keywords)]
    return {n.id for v in values for n in ast.walk(v) if isinstance(n, ast.Name)}


def _endpoint_criteria(spec: Spec, endpoint: Endpoint) -> list[AcceptanceCriterion]:
    """Criteria about this endpoint: their text names its path, or its failure behaviour
    names them ("see AC-3")."""
    wanted = route_segments(endpoint.path)
    named = set(_ID_IN_TEXT.findall(endpoint.failure or ""))
    found: list[AcceptanceCriterion] = []
    for c in spec.criteria:
        if c.id in named or any(
            same_route(route_segments(p), wanted) for p in _PATH_IN_TEXT.findall(c.text)
        ):
            found.append(c)
    return found


def _failure(
    ctx: GateContext, spec: Spec, endpoint: Endpoint, label: str, results: Results
) -> tuple[str, Evidence]:
    """A test of the failure behaviour: it requests the endpoint (or declares one of its
    criteria) and asserts an error status or an exception; or it declares a criterion the
    failure text names."""
    criteria = _endpoint_criteria(spec, endpoint)
    named = set(_ID_IN_TEXT.findall(endpoint.failure or ""))
    wanted = route_segments(endpoint.path)
    method = endpoint.method.upper()
    tests: list[TestFunction] = []
    for t in ctx.spec_tests:
        declares = [c.id for c in criteria if t.declares(c.id)]
        if any(cid in named for cid in declares):
            tests.append(t)
            continue
        requests = any(
            r.method in ("", method) and same_route(route_segments(r.path), wanted)
            for r in t.requests
        )
        if (requests or declares) and (t.error_statuses or t.raises):
            tests.append(t)
    if not tests:
        ids = ", ".join(c.id for c in criteria)
        also = f" (nor declares {ids} and asserts one)" if ids else ""
        return "gap", Evidence(
            f"{label}: failure behaviour stated in the spec, but no test requests {label} "
            f"and asserts an error status{also}",
            _spec_path(ctx),
            endpoint.line,
        )
    outcomes = {t.id: results.outcome(t) for t in tests}
    failed = [tid for tid, o in outcomes.items() if o in (FAILED, "error")]
    first = tests[0]
    if failed and not any(o == PASSED for o in outcomes.values()):
        return "gap", Evidence(
            f"{label}: the test of its failure behaviour {failed[0]} failed", first.path, first.line
        )
    shown = ", ".join(
        f"{t.id}" + (f" {outcomes[t.id]}" if outcomes[t.id] else "") for t in tests[:3]
    )
    return "ok", Evidence(f"{label}: failure behaviour tested by {shown}", first.path, first.line)


def _check_caller(ctx: GateContext, caller: str, results: Results) -> tuple[str, Evidence]:
    tests = caller_tests(caller, ctx.spec_tests)
    if not tests:
        return "gap", Evidence(
            f"{caller}: a caller the spec says must keep working, but no test imports and calls it"
        )
    first = tests[0]
    outcomes = {t.id: results.outcome(t) for t in tests}
    failed = [tid for tid, o in outcomes.items() if o in (FAILED, "error")]
    if failed:
        return "gap", Evidence(f"{caller}: its test {failed[0]} failed", first.path, first.line)
    names = ", ".join(t.id for t in tests[:3])
    if not results.given:
        return "unknown", Evidence(
            f"{caller}: tested by {names}, but no test results were given (pass --junit)",
            first.path,
            first.line,
        )
    if not any(o == PASSED for o in outcomes.values()):
        return "unknown", Evidence(
            f"{caller}: tested by {names}, but they are not in the supplied test results",
            first.path,
            first.line,
        )
    return "ok", Evidence(f"{caller}: tested by {names}, passed", first.path, first.line)
