"""One pass over one Python file, reduced to the small facts the criteria need.

The parse is the expensive part of an audit, so each file is parsed once, walked once,
and only a compact, picklable summary leaves the worker process. Nothing here executes
repository code: ``ast.parse`` only.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from prodready.astwalk import NodeIndex, index_nodes, parse_quietly, syntax_error_reason


@dataclass(frozen=True)
class ImportRef:
    module: str  # absolute dotted name as written (relative imports resolved)
    names: tuple[str, ...]  # for ``from m import a, b``; () for ``import m``
    line: int
    toplevel: bool  # executed at import time (not inside a function or TYPE_CHECKING)
    level: int = 0  # relative import depth; the index resolves it against the module's name


@dataclass(frozen=True)
class FunctionSize:
    name: str  # qualified within the module, e.g. ``Client.send``
    line: int
    lines: int


@dataclass(frozen=True)
class TestFunction:
    name: str
    line: int
    asserts: bool


@dataclass(frozen=True)
class Signal:
    """A located fact the criteria look for, e.g. ``("debug-true", 12, "app.run(debug=True)")``."""

    kind: str
    line: int
    detail: str


@dataclass(frozen=True)
class PyFacts:
    rel: str
    lines: int
    code_lines: int  # non-blank, non-comment
    imports: tuple[ImportRef, ...] = ()
    functions: tuple[FunctionSize, ...] = ()
    tests: tuple[TestFunction, ...] = ()
    signals: tuple[Signal, ...] = ()
    error: str | None = None  # why the file could not be analysed


_ASSERT_WORDS = ("assert", "raises", "warns", "fail", "expect", "verify", "check", "should")
_HTTP_ROUTE_ATTRS = frozenset(
    {"route", "get", "post", "put", "patch", "delete", "api_route", "websocket", "add_url_rule"}
)
_HEALTH_WORDS = ("health", "healthz", "ready", "readyz", "livez", "liveness", "readiness", "ping")
_ERROR_REPORTERS = {
    "sentry_sdk.init": "Sentry",
    "raven.Client": "Sentry (raven)",
    "rollbar.init": "Rollbar",
    "bugsnag.configure": "Bugsnag",
    "honeybadger.configure": "Honeybadger",
    "airbrake.Notifier": "Airbrake",
    "newrelic.agent.initialize": "New Relic",
    "elasticapm.Client": "Elastic APM",
}
_LOG_CONFIG_CALLS = {
    "logging.basicConfig": "logging.basicConfig",
    "logging.config.dictConfig": "logging.config.dictConfig",
    "logging.config.fileConfig": "logging.config.fileConfig",
    "dictConfig": "logging.config.dictConfig",
    "fileConfig": "logging.config.fileConfig",
    "structlog.configure": "structlog.configure (structured)",
    "logger.add": "loguru logger.add",
    "setup_logging": "setup_logging()",
    "configure_logging": "configure_logging()",
}
_METRIC_CONSTRUCTORS = frozenset({"Counter", "Histogram", "Gauge", "Summary", "Info", "Enum"})
_METRIC_CALLS = frozenset(
    {
        "create_counter",
        "create_histogram",
        "create_up_down_counter",
        "create_observable_gauge",
        "create_gauge",
        "incr",
        "increment",
        "timing",
        "histogram",
        "gauge",
        "instrument",
    }
)
_DJANGO_APP_SIGNALS = (
    ("django_prometheus", "metric-call"),
    ("health_check", "health-route"),
    ("watchman", "health-route"),
    ("opentelemetry", "tracing-call"),
    ("raven.contrib.django", "error-reporting"),
    ("rollbar.contrib.django", "error-reporting"),
    ("elasticapm.contrib.django", "error-reporting"),
)
_TRACING_CALLS = frozenset(
    {"get_tracer", "start_as_current_span", "start_span", "set_tracer_provider", "patch_all"}
)
_SENTRY_TRACING = frozenset({"traces_sample_rate", "traces_sampler", "enable_tracing"})
_WEB_APP_CONSTRUCTORS = frozenset({"Flask", "FastAPI", "Starlette", "Quart", "Sanic", "Litestar"})


def analyse_source(rel: str, data: bytes, *, is_test: bool) -> PyFacts:
    """Facts of one file; never raises for bad input, it returns `error` instead."""
    return analyse_with_tree(rel, data, is_test=is_test)[0]


def analyse_with_tree(
    rel: str, data: bytes, *, is_test: bool
) -> tuple[PyFacts, tuple[ast.Module, NodeIndex] | None]:
    """The facts and the parsed tree with its node index, so the scan rules can reuse the
    one parse and the one walk."""
    if b"\0" in data:
        return PyFacts(rel, 0, 0, error="binary file with a .py name"), None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return PyFacts(rel, 0, 0, error=f"not UTF-8 (byte {exc.start})"), None
    lines = text.splitlines()
    code_lines = sum(1 for ln in lines if ln.strip() and not ln.lstrip().startswith("#"))
    try:
        tree = parse_quietly(text, rel)
    except SyntaxError as exc:
        return PyFacts(rel, len(lines), code_lines, error=syntax_error_reason(exc, text)), None
    except (ValueError, RecursionError, MemoryError) as exc:
        return PyFacts(
            rel, len(lines), code_lines, error=f"cannot be parsed: {type(exc).__name__}"
        ), None
    walker = _Walker(rel, is_test)
    try:
        nodes = index_nodes(tree)
        walker.module(tree, nodes)
    except RecursionError:
        return PyFacts(rel, len(lines), code_lines, error="nested too deeply to analyse"), None
    return PyFacts(
        rel=rel,
        lines=len(lines),
        code_lines=code_lines,
        imports=tuple(walker.imports),
        functions=tuple(walker.functions),
        tests=tuple(walker.tests),
        signals=tuple(walker.signals),
    ), (tree, nodes)


def dotted(node: ast.expr) -> str:
    """``a.b.c`` for a Name/Attribute chain, "" for anything else."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    if isinstance(node, ast.Call):  # app.route(...) on a call result, e.g. get_app().route
        inner = dotted(node.func)
        if inner:
            parts.append(inner + "()")
            return ".".join(reversed(parts))
    return ""


class _Walker:
    def __init__(self, rel: str, is_test: bool) -> None:
        self.rel = rel
        self.is_test = is_test
        self.is_migration = "/migrations/" in f"/{rel}" or "/versions/" in f"/{rel}"
        self.imports: list[ImportRef] = []
        self.functions: list[FunctionSize] = []
        self.tests: list[TestFunction] = []
        self.signals: list[Signal] = []
        self.asserting_helpers: set[str] = set()

    def signal(self, kind: str, node: ast.AST, detail: str) -> None:
        self.signals.append(Signal(kind, getattr(node, "lineno", 0), detail))

    # -- structure -------------------------------------------------------------------
    def module(self, tree: ast.Module, nodes: NodeIndex) -> None:
        self._scan_body(tree.body, prefix="", toplevel=True, in_class=None)
        for call in nodes.calls:
            self._call(call)
        for assign in nodes.assigns:
            self._assign(assign)
        for node in nodes.dicts:
            for key in node.keys:
                if key is not None and _is_str(key) and _str(key) in _SENTRY_TRACING:
                    self.signal("tracing-call", node, f"{_str(key)} in a Sentry configuration")
                    break
        if self.is_test:
            self._collect_tests(tree)
        if self.is_migration:
            self._migration(tree)

    def _scan_body(
        self, body: list[ast.stmt], *, prefix: str, toplevel: bool, in_class: str | None
    ) -> None:
        for node in body:
            if isinstance(node, ast.Import | ast.ImportFrom):
                self._import(node, toplevel)
            elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                name = prefix + node.name
                end = node.end_lineno or node.lineno
                start = min([node.lineno, *(d.lineno for d in node.decorator_list)])
                self.functions.append(FunctionSize(name, node.lineno, end - start + 1))
                self._scan_body(node.body, prefix=name + ".", toplevel=False, in_class=None)
            elif isinstance(node, ast.ClassDef):
                self._scan_body(
                    node.body,
                    prefix=prefix + node.name + ".",
                    toplevel=toplevel,
                    in_class=node.name,
                )
            elif isinstance(node, ast.If):
                guarded = _is_type_checking(node.test)
                self._scan_body(
                    node.body, prefix=prefix, toplevel=toplevel and not guarded, in_class=in_class
                )
                self._scan_body(node.orelse, prefix=prefix, toplevel=toplevel, in_class=in_class)
            elif isinstance(node, ast.Try):
                for block in (node.body, node.orelse, node.finalbody):
                    self._scan_body(block, prefix=prefix, toplevel=toplevel, in_class=in_class)
                for handler in node.handlers:
                    self._scan_body(
                        handler.body, prefix=prefix, toplevel=toplevel, in_class=in_class
                    )
            elif isinstance(node, ast.With | ast.AsyncWith | ast.For | ast.AsyncFor | ast.While):
                self._scan_body(node.body, prefix=prefix, toplevel=toplevel, in_class=in_class)

    def _import(self, node: ast.Import | ast.ImportFrom, toplevel: bool) -> None:
        if isinstance(node, ast.Import):
            for alias in node.names:
                self.imports.append(ImportRef(alias.name, (), node.lineno, toplevel))
            return
        module = node.module or ""
        names = tuple(a.name for a in node.names if a.name != "*")
        if module or node.level:
            self.imports.append(ImportRef(module, names, node.lineno, toplevel, node.level))

    # -- signals ---------------------------------------------------------------------
    def _call(self, node: ast.Call) -> None:
        func = node.func
        last = (
            func.attr
            if isinstance(func, ast.Attribute)
            else func.id
            if isinstance(func, ast.Name)
            else ""
        )
        if not last:
            return
        if last == "run" and any(k.arg == "debug" and _is_true(k.value) for k in node.keywords):
            self.signal("debug-true", node, f"{dotted(func)}(debug=True)")
        name = dotted(func)
        if name in _LOG_CONFIG_CALLS or last in ("basicConfig", "dictConfig", "fileConfig"):
            self.signal("logging-config", node, _LOG_CONFIG_CALLS.get(name, name))
        if "JsonFormatter" in last or last in ("JSONRenderer", "JSONFormatter"):
            self.signal("structured-logging", node, name)
        if name in _ERROR_REPORTERS:
            self.signal("error-reporting", node, _ERROR_REPORTERS[name])
        if last in _METRIC_CONSTRUCTORS and node.args and _is_str(node.args[0]):
            self.signal("metric-created", node, f"{last}({_str(node.args[0])!r})")
        elif last in _METRIC_CALLS and "." in name:
            self.signal("metric-call", node, name)
        if last in _TRACING_CALLS and ("trace" in name.lower() or name.startswith("ddtrace")):
            self.signal("tracing-call", node, name)
        if last in _WEB_APP_CONSTRUCTORS:
            self.signal("web-app", node, f"{name}(...)")
        if last in _HTTP_ROUTE_ATTRS and isinstance(func, ast.Attribute):
            self._route_call(node, name)
        if last in ("path", "re_path", "url") and node.args and _is_str(node.args[0]):
            # Django URLconf: the route or the included URLconf may name the health check
            texts = [
                c.value
                for c in ast.walk(node)
                if isinstance(c, ast.Constant) and isinstance(c.value, str)
            ]
            if any(w in t.lower() for t in texts for w in _HEALTH_WORDS):
                self.signal("health-route", node, f"{name}({_str(node.args[0])!r})")
        if name == "sentry_sdk.init" and any(
            k.arg in _SENTRY_TRACING and not _is_false(k.value) for k in node.keywords
        ):
            self.signal("tracing-call", node, "sentry_sdk.init with performance tracing")
        if last in ("ArgumentParser", "command", "group", "Typer") and name.split(".")[0] in (
            "argparse",
            "click",
            "typer",
            "ArgumentParser",
        ):
            self.signal("cli", node, name)

    def _route_call(self, node: ast.Call, name: str) -> None:
        if not node.args or not _is_str(node.args[0]):
            return
        route = _str(node.args[0])
        if not route.startswith("/"):
            return
        self.signal("route", node, f"{name}({route!r})")
        if any(w in route.lower() for w in _HEALTH_WORDS):
            self.signal("health-route", node, f"{name}({route!r})")

    def _assign(self, node: ast.Assign | ast.AnnAssign) -> None:
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        value = node.value
        if value is None:
            return
        for target in targets:
            name = dotted(target) if isinstance(target, ast.Name | ast.Attribute) else ""
            if isinstance(target, ast.Subscript) and _is_str(target.slice):
                name = f"{dotted(target.value)}[{_str(target.slice)}]"
            if not name:
                continue
            last = name.rsplit(".", 1)[-1]
            if last == "DEBUG" and _is_true(value) and "." not in name:
                self.signal("django-debug-true", node, "DEBUG = True")
            elif (last == "debug" and "." in name and _is_true(value)) or (
                name.endswith("[DEBUG]") and _is_true(value)
            ):
                self.signal("debug-true", node, f"{name} = True")
            elif name in ("INSTALLED_APPS", "MIDDLEWARE") and isinstance(
                value, ast.List | ast.Tuple
            ):
                for elt in value.elts:
                    if _is_str(elt):
                        self._django_app(elt, _str(elt))
            elif name == "LOGGING" and isinstance(value, ast.Dict):
                self.signal("logging-config", node, "Django LOGGING settings")
            elif name == "application" and isinstance(value, ast.Call):
                callee = dotted(value.func)
                if "wsgi" in callee.lower() or "asgi" in callee.lower():
                    self.signal("wsgi-application", node, f"application = {callee}()")

    def _django_app(self, node: ast.expr, app: str) -> None:
        """Observability set up by settings strings rather than imports."""
        for prefix, kind in _DJANGO_APP_SIGNALS:
            if app.startswith(prefix):
                self.signal(kind, node, f"{app} in settings")

    # -- tests -----------------------------------------------------------------------
    def _collect_tests(self, tree: ast.Module) -> None:
        candidates: list[tuple[ast.FunctionDef | ast.AsyncFunctionDef, str]] = []
        for node in tree.body:
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                if node.name.startswith("test") and _is_real_test(node):
                    candidates.append((node, node.name))
                elif _asserts(node, frozenset()):
                    self.asserting_helpers.add(node.name)
            elif isinstance(node, ast.ClassDef):
                is_test_class = node.name.startswith("Test") or any(
                    dotted(b).endswith("TestCase") for b in node.bases
                )
                for item in node.body:
                    if not isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef):
                        continue
                    if is_test_class and item.name.startswith("test"):
                        if _is_real_test(item):
                            candidates.append((item, f"{node.name}.{item.name}"))
                    elif _asserts(item, frozenset()):
                        self.asserting_helpers.add(item.name)
        # A test may delegate to another test or helper that asserts (self.test_base());
        # grow the set of asserting names until it stops changing.
        asserting = set(self.asserting_helpers)
        local_tests = {func.name for func, _ in candidates}
        verdicts: dict[str, bool] = {}
        for _ in range(3):
            helpers = frozenset(asserting)
            for func, qualname in candidates:
                verdicts[qualname] = _asserts(func, helpers, local_tests)
                if verdicts[qualname]:
                    asserting.add(func.name)
            if helpers == frozenset(asserting):
                break
        for func, qualname in candidates:
            self.tests.append(TestFunction(qualname, func.lineno, verdicts[qualname]))

    # -- migrations ------------------------------------------------------------------
    def _migration(self, tree: ast.Module) -> None:
        for stmt in tree.body:
            is_downgrade = isinstance(stmt, ast.FunctionDef) and stmt.name == "downgrade"
            if is_downgrade and _is_empty_body(stmt.body):  # type: ignore[attr-defined]
                self.signal("alembic-empty-downgrade", stmt, "def downgrade(): pass")
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = dotted(node.func)
            last = name.rsplit(".", 1)[-1]
            keywords = {k.arg for k in node.keywords}
            if last == "RunPython" and len(node.args) < 2 and "reverse_code" not in keywords:
                self.signal("runpython-no-reverse", node, "RunPython without reverse_code")
            elif last == "RunSQL" and len(node.args) < 2 and "reverse_sql" not in keywords:
                self.signal("runsql-no-reverse", node, "RunSQL without reverse_sql")


def _is_true(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and node.value is True


def _is_false(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and node.value in (False, None, 0)


def _is_str(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, str)


def _str(node: ast.expr) -> str:
    assert isinstance(node, ast.Constant)
    return str(node.value)


def _is_type_checking(test: ast.expr) -> bool:
    return dotted(test) in ("TYPE_CHECKING", "typing.TYPE_CHECKING")


def _is_empty_body(body: list[ast.stmt]) -> bool:
    """Only ``pass``, ``...`` and docstrings: a downgrade that reverses nothing."""
    for stmt in body:
        if isinstance(stmt, ast.Pass):
            continue
        if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant):
            continue
        return False
    return True


def _decorator_name(node: ast.expr) -> str:
    return dotted(node.func if isinstance(node, ast.Call) else node)


def _is_real_test(func: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """Not a test to judge: an override that disables an inherited test (`pass`,
    `return`), or a benchmark (it measures, it is not meant to assert)."""
    body = [
        stmt
        for stmt in func.body
        if not (isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant))
    ]
    if all(
        isinstance(stmt, ast.Pass) or (isinstance(stmt, ast.Return) and stmt.value is None)
        for stmt in body
    ):
        return False
    params = [a.arg for a in (*func.args.posonlyargs, *func.args.args, *func.args.kwonlyargs)]
    return "benchmark" not in params


def _asserts(
    func: ast.FunctionDef | ast.AsyncFunctionDef,
    helpers: frozenset[str],
    local_tests: frozenset[str] | set[str] = frozenset(),
) -> bool:
    """Does this test check anything? Assertion statements, assert-like calls, raising
    `AssertionError`, a call to a helper in the same file that asserts, or a call to an
    inherited test (`super().test_x()`), whose assertions live in another file. A property
    test (`@given`) asserts by construction: it fails on any exception for any input."""
    if any(_decorator_name(d).endswith("given") for d in func.decorator_list):
        return True
    for node in ast.walk(func):
        if isinstance(node, ast.Assert):
            return True
        if isinstance(node, ast.Raise) and node.exc is not None:
            exc = node.exc.func if isinstance(node.exc, ast.Call) else node.exc
            if dotted(exc).endswith("AssertionError"):
                return True
        if isinstance(node, ast.Call):
            name = dotted(node.func)
            last = name.rsplit(".", 1)[-1].lower()
            if last in helpers or name.rsplit(".", 1)[-1] in helpers:
                return True
            if any(w in last for w in _ASSERT_WORDS):
                return True
            method = name.rsplit(".", 1)[-1]
            inherited = name.startswith("super().") or method not in local_tests
            if "." in name and method.startswith("test") and inherited:
                return True
    return False
