"""The conventions a coding assistant should copy, found in the code with a real example each.

An assistant that is told "log like the rest of the project" guesses; one that is shown
`logger = logging.getLogger(__name__)` from `app/service/orders.py:7` copies it. So every
convention here is a *form* counted over the production code (how many files use it, how
many times) with the first real occurrence as its example, copied from the file with its
exact lines (at most ``SNIPPET_LINES``). The most common form is the convention; the others
are listed so a reader can see the project is not uniform. When the code shows no form at
all the aspect says "not found" and what was looked for, never a guess.

The facts come from the audit's own collectors (the repository walk, the Python index's
signals for logging configuration and error reporting) and, for routes, from the same web
analysis the scan rules use, so that "authenticated" means here what it means to PR105.
The code is parsed with ``ast`` only to cut snippets at statement boundaries; nothing from
the repository is executed.
"""

from __future__ import annotations

import ast
import os
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

from prodready.context_file.forms import (
    NOTE_LIMIT,
    SNIPPET_LINES,
    Aspect,
    Convention,
    Form,
    Snippet,
    Source,
    Tallies,
    finding_notes,
)
from prodready.context_file.render import code
from prodready.context_file.routes import Authentication, django_settings, setting_value
from prodready.model import Finding
from prodready.repo.files import RepoIndex
from prodready.repo.python_facts import PyFacts, analyse_with_tree
from prodready.scan.context import FileContext, keyword
from prodready.scan.rules._web import dotted, last

__all__ = [
    "NOTE_LIMIT",
    "SNIPPET_LINES",
    "Aspect",
    "Convention",
    "Form",
    "Snippet",
    "find_conventions",
]


# -- logging -------------------------------------------------------------------------------

_LOG_LEVELS = frozenset(
    {"debug", "info", "warning", "warn", "error", "exception", "critical", "fatal", "log"}
)
_STRUCTLOG = frozenset(
    {"structlog.get_logger", "structlog.getLogger", "structlog.stdlib.get_logger"}
)
_LOG_CALL_KEYWORDS = frozenset({"exc_info", "stack_info", "stacklevel"})
# Names a logger imported from elsewhere in the project goes by.
_LOGGER_NAMES = frozenset({"logger", "log", "_logger", "_log", "LOGGER", "LOG"})


def _logger_form(ctx: FileContext, call: ast.Call) -> tuple[str, str, str] | None:
    """(key, label, description) when ``call`` creates a logger."""
    name = ctx.call_name(call)
    if name == "logging.getLogger":
        arg = call.args[0] if call.args else None
        if arg is None:
            return "root", "logging.getLogger()", "the root logger from the standard library"
        if isinstance(arg, ast.Name) and arg.id == "__name__":
            return (
                "module",
                "logging.getLogger(__name__)",
                "one standard-library logger per module, named after it",
            )
        if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
            return (
                "named",
                'logging.getLogger("<name>")',
                "standard-library loggers with fixed names",
            )
        return "computed", "logging.getLogger(...)", "standard-library loggers with computed names"
    if name in _STRUCTLOG:
        return "structlog", f"{dotted(call.func)}()", "structlog loggers (structured key=value)"
    return None


def _log_style(call: ast.Call) -> tuple[str, str]:
    """(label, description) of how a log call passes its values."""
    names = {kw.arg for kw in call.keywords if kw.arg}
    first = call.args[0] if call.args else None
    if "extra" in names:
        return "extra={...}", "values passed as fields with extra={...}"
    if names - _LOG_CALL_KEYWORDS:
        return "key=value", "values passed as key=value fields (structured)"
    if isinstance(first, ast.JoinedStr):
        return "f-string", "values formatted into the message with an f-string"
    if isinstance(first, ast.Constant) and isinstance(first.value, str) and len(call.args) > 1:
        if "%" in first.value:
            return "%-style", "values passed as %-style arguments (formatted only when logged)"
        return "{}-style", "values passed as {}-style arguments"
    return "constant", "constant messages"


class _Logging:
    def __init__(self, tallies: Tallies) -> None:
        self.tallies = tallies

    def file(self, src: Source, ctx: FileContext, facts: PyFacts) -> None:
        loggers: set[str] = set()
        for call in ctx.calls:
            form = _logger_form(ctx, call)
            if form is None:
                continue
            key, label, description = form
            stmt = src.statement_at(call.lineno)
            example = (
                src.node_snippet(stmt, call.lineno)
                if stmt
                else src.snippet(call.lineno, call.lineno)
            )
            self.tallies.add("loggers", key, label, description, example)
            if isinstance(stmt, ast.Assign | ast.AnnAssign) and stmt.value is call:
                targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
                loggers.update(dotted(t) for t in targets if dotted(t))
        for node in src.tree.body:
            if isinstance(node, ast.ImportFrom) and node.module == "loguru":
                for alias in node.names:
                    if alias.name == "logger":
                        loggers.add(alias.asname or "logger")
                        self.tallies.add(
                            "loggers",
                            "loguru",
                            "from loguru import logger",
                            "the loguru logger",
                            src.node_snippet(node),
                        )
        for call in ctx.calls:
            func = call.func
            if not isinstance(func, ast.Attribute) or func.attr not in _LOG_LEVELS:
                continue
            receiver = dotted(func.value)
            qualified = ctx.qualname(func.value)
            if not (
                receiver in loggers
                or last(receiver) in _LOGGER_NAMES
                or qualified == "logging"
                or qualified.endswith("current_app.logger")
            ):
                continue
            if qualified == "logging" and func.attr != "log":
                self.tallies.add(
                    "loggers",
                    "root-calls",
                    "logging.<level>(...)",
                    "module-level logging functions on the root logger",
                    src.statement_snippet(call.lineno),
                )
            elif qualified.endswith("current_app.logger"):
                self.tallies.add(
                    "loggers",
                    "flask",
                    f"{receiver}.{func.attr}(...)",
                    "Flask's application logger",
                    src.statement_snippet(call.lineno),
                )
            label, description = _log_style(call)
            self.tallies.add(
                "log calls", label, label, description, src.statement_snippet(call.lineno)
            )
        for sig in facts.signals:
            if sig.kind in ("logging-config", "structured-logging"):
                self.tallies.add(
                    "configuration",
                    sig.detail,
                    sig.detail,
                    "structured (JSON) log output"
                    if sig.kind == "structured-logging"
                    else "where logging is configured",
                    src.statement_snippet(sig.line),
                )

    def convention(self) -> Convention:
        return Convention(
            "logging",
            "How this project logs",
            (
                Aspect(
                    "loggers",
                    self.tallies.forms("loggers"),
                    "no logging.getLogger, structlog or loguru logger in production code",
                ),
                Aspect(
                    "log calls",
                    self.tallies.forms("log calls"),
                    "no calls on a logger in production code",
                ),
                Aspect(
                    "configuration",
                    self.tallies.forms("configuration"),
                    "no logging configuration (logging.basicConfig, dictConfig, fileConfig, "
                    "structlog.configure, Django LOGGING)",
                ),
            ),
        )


# -- timeouts ------------------------------------------------------------------------------

_HTTP_MODULES = ("requests", "httpx", "aiohttp", "urllib3", "urllib.request", "http.client")
_CALL_VERBS = frozenset(
    {"get", "post", "put", "patch", "delete", "head", "options", "request", "stream", "urlopen"}
)
_SESSION_BASES = frozenset(
    {
        "requests.Session",
        "requests.sessions.Session",
        "requests.adapters.HTTPAdapter",
        "httpx.Client",
        "httpx.AsyncClient",
        "aiohttp.ClientSession",
    }
)
_CLIENTS = {
    "httpx.Client": "httpx",
    "httpx.AsyncClient": "httpx",
    "aiohttp.ClientSession": "aiohttp",
    "urllib3.PoolManager": "urllib3",
    "urllib3.HTTPConnectionPool": "urllib3",
    "urllib3.HTTPSConnectionPool": "urllib3",
}


@dataclass
class _SessionClass:
    name: str
    base: str
    example: Snippet
    defined_at: str  # "path:line" of the class statement


class _Timeouts:
    def __init__(self, tallies: Tallies) -> None:
        self.tallies = tallies
        self.sessions: dict[str, _SessionClass] = {}
        self.class_calls: dict[str, dict[str, int]] = {}  # capitalised callee -> file -> calls

    def file(self, src: Source, ctx: FileContext) -> None:
        inside_sessions: list[tuple[int, int]] = []
        for cls in ctx.classes:
            base = next((q for b in cls.bases if (q := ctx.qualname(b)) in _SESSION_BASES), "")
            focus = _timeout_site(cls) if base else None
            if focus is None:
                continue
            inside_sessions.append(src.span(cls))
            if cls.name not in self.sessions:
                self.sessions[cls.name] = _SessionClass(
                    cls.name, base, _member_snippet(src, cls, focus), f"{src.rel}:{cls.lineno}"
                )
        http_file = any(ctx.imports(m) for m in _HTTP_MODULES)
        for call in ctx.calls:
            func_name = last(dotted(call.func))
            if func_name[:1].isupper():
                per_file = self.class_calls.setdefault(func_name, {})
                per_file[src.rel] = per_file.get(src.rel, 0) + 1
            if any(start <= call.lineno <= end for start, end in inside_sessions):
                continue
            self._call(src, ctx, call, http_file)

    def _call(self, src: Source, ctx: FileContext, call: ast.Call, http_file: bool) -> None:
        name = ctx.call_name(call)
        timeout = keyword(call, "timeout")
        if name in _CLIENTS:
            library = _CLIENTS[name]
            if _has_timeout(call):
                self.tallies.add(
                    "outbound calls",
                    f"client:{library}",
                    f"{name}(timeout=...)",
                    f"a client of {library} created with an explicit timeout",
                    src.statement_snippet(call.lineno),
                )
            elif timeout is None and library == "httpx":
                self.tallies.add(
                    "outbound calls",
                    "client:httpx-default",
                    f"{name}()",
                    "a client of httpx relying on httpx's default 5-second timeout",
                    src.statement_snippet(call.lineno),
                )
        elif name == "socket.setdefaulttimeout":
            self.tallies.add(
                "outbound calls",
                "socket-default",
                "socket.setdefaulttimeout(...)",
                "a process-wide default socket timeout",
                src.statement_snippet(call.lineno),
            )
        elif http_file and _outbound(name, call) and _has_timeout(call):
            self.tallies.add(
                "outbound calls",
                "per-call",
                "timeout=",
                "an explicit timeout passed on each outbound call",
                src.statement_snippet(call.lineno),
            )

    def convention(self, findings: Sequence[Finding]) -> Convention:
        for session in self.sessions.values():
            uses = self.class_calls.get(session.name, {})
            self.tallies.add(
                "outbound calls",
                f"session:{session.name}",
                session.name,
                f"a {session.base} subclass that applies a default timeout, defined at "
                f"{code(session.defined_at)}; create one and call through it",
                session.example,
                count=sum(uses.values()),
                unit=("instantiation", "instantiations"),
                files=sorted(uses),
            )
        notes = finding_notes(findings, "timeout", "outbound call(s) without a timeout")
        return Convention(
            "timeouts",
            "How outbound calls time out",
            (
                Aspect(
                    "outbound calls",
                    self.tallies.forms("outbound calls"),
                    "no outbound call with a timeout, no session class that sets one and no "
                    "client configured with one (requests, httpx, aiohttp, urllib, urllib3)",
                    notes,
                ),
            ),
        )


def _has_timeout(call: ast.Call) -> bool:
    """``timeout=`` given and not ``None`` (``timeout=None`` is PR101's finding, not a form)."""
    kw = keyword(call, "timeout")
    return kw is not None and not (isinstance(kw.value, ast.Constant) and kw.value.value is None)


def _outbound(name: str, call: ast.Call) -> bool:
    """An HTTP call: a function of an HTTP library, or a verb called on something named
    like a session or client (``self.session.get``, ``client.post``), not ``queue.get``."""
    if last(name) not in _CALL_VERBS:
        return False
    if any(name == m or name.startswith(m + ".") for m in _HTTP_MODULES):
        return True
    func = call.func
    receiver = dotted(func.value).lower() if isinstance(func, ast.Attribute) else ""
    return any(word in receiver for word in ("session", "client", "http"))


def _timeout_site(cls: ast.ClassDef) -> int | None:
    """The line where a session class applies its timeout (a ``timeout=`` keyword or a
    ``"timeout"`` key), else where it mentions one; None when it never does."""
    applied: list[int] = []
    mentioned: list[int] = []
    for node in ast.walk(cls):
        if isinstance(node, ast.keyword) and node.arg == "timeout":
            applied.append(node.value.lineno)
        elif isinstance(node, ast.Constant) and node.value == "timeout":
            applied.append(node.lineno)
        elif (
            (isinstance(node, ast.Attribute) and node.attr == "timeout")
            or (isinstance(node, ast.Name) and node.id == "timeout")
            or (isinstance(node, ast.arg) and node.arg == "timeout")
        ):
            mentioned.append(node.lineno)
    found = applied or mentioned
    return min(found) if found else None


def _member_snippet(src: Source, cls: ast.ClassDef, focus: int) -> Snippet:
    """The whole class when it is short, else the method (or statement) at ``focus``."""
    start, end = src.span(cls)
    if end - start + 1 <= SNIPPET_LINES:
        return src.snippet(start, end)
    for stmt in cls.body:
        s_start, s_end = src.span(stmt)
        if s_start <= focus <= s_end:
            if s_end - s_start + 1 <= SNIPPET_LINES:
                return src.snippet(s_start, s_end)
            break
    return src.statement_snippet(focus)


# -- errors --------------------------------------------------------------------------------

_HANDLER_DECORATORS = {
    "errorhandler": "a Flask error handler",
    "app_errorhandler": "a Flask blueprint's application-wide error handler",
    "exception_handler": "a FastAPI/Starlette exception handler",
}
_HANDLER_CALLS = {
    "register_error_handler": "a Flask error handler registered by a call",
    "add_exception_handler": "a FastAPI/Starlette exception handler registered by a call",
}
_DJANGO_HANDLERS = frozenset({"handler400", "handler403", "handler404", "handler500"})


@dataclass
class _ExceptionClass:
    name: str
    bases: tuple[str, ...]  # last components, as written
    path: str
    example: Snippet
    label: str


class _Errors:
    def __init__(self, tallies: Tallies) -> None:
        self.tallies = tallies
        self.classes: dict[str, _ExceptionClass] = {}

    def file(self, src: Source, ctx: FileContext, facts: PyFacts) -> None:
        for cls in ctx.classes:
            bases = tuple(last(ctx.qualname(b) or dotted(b)) for b in cls.bases)
            if bases and cls.name not in self.classes:
                written = ", ".join(ast.unparse(b) for b in cls.bases)
                self.classes[cls.name] = _ExceptionClass(
                    cls.name, bases, src.rel, src.node_snippet(cls), f"{cls.name}({written})"
                )
        for fn in ctx.functions:
            for dec in fn.decorator_list:
                target = dec.func if isinstance(dec, ast.Call) else dec
                short = last(dotted(target))
                if short in _HANDLER_DECORATORS:
                    self.tallies.add(
                        "error handlers",
                        short,
                        f"@{dotted(target)}(...)",
                        _HANDLER_DECORATORS[short],
                        src.node_snippet(fn),
                    )
        for call in ctx.calls:
            short = last(dotted(call.func))
            if short in _HANDLER_CALLS and isinstance(call.func, ast.Attribute):
                self.tallies.add(
                    "error handlers",
                    short,
                    f"{dotted(call.func)}(...)",
                    _HANDLER_CALLS[short],
                    src.statement_snippet(call.lineno),
                )
        for stmt in src.tree.body:
            if isinstance(stmt, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id in _DJANGO_HANDLERS for t in stmt.targets
            ):
                self.tallies.add(
                    "error handlers",
                    "django",
                    "handler404 / handler500 = ...",
                    "Django error views set in the root URLconf",
                    src.node_snippet(stmt),
                )
        for setting, node in django_settings(src):
            if setting == "REST_FRAMEWORK" and setting_value(node) == "EXCEPTION_HANDLER":
                self.tallies.add(
                    "error handlers",
                    "drf",
                    "REST_FRAMEWORK['EXCEPTION_HANDLER']",
                    "a Django REST framework exception handler set in the settings",
                    src.statement_snippet(node.lineno),
                )
        for sig in facts.signals:
            if sig.kind == "error-reporting":
                self.tallies.add(
                    "error reporting",
                    sig.detail,
                    sig.detail,
                    f"unhandled errors reported to {sig.detail}",
                    src.statement_snippet(sig.line),
                )

    def _exception_forms(self) -> None:
        """Project exception classes grouped by the root of their hierarchy."""
        is_exc: dict[str, bool] = {}

        def exception(name: str, seen: frozenset[str] = frozenset()) -> bool:
            if name in is_exc:
                return is_exc[name]
            cls = self.classes.get(name)
            result = False
            if cls is not None and name not in seen:
                result = any(
                    b == "BaseException"
                    or b.endswith(("Error", "Exception"))
                    or exception(b, seen | {name})
                    for b in cls.bases
                )
            is_exc[name] = result
            return result

        def root(name: str) -> str:
            seen = {name}
            current = self.classes[name]
            while True:
                parent = next(
                    (b for b in current.bases if b in self.classes and exception(b)), None
                )
                if parent is None or parent in seen:
                    return current.name
                seen.add(parent)
                current = self.classes[parent]

        for name in sorted(self.classes):
            if not exception(name):
                continue
            top = self.classes[root(name)]
            self.tallies.add(
                "exception classes",
                top.name,
                top.label,
                f"project exceptions derive from {top.name}",
                top.example,
            )
            self.tallies.by_aspect["exception classes"][top.name].files.add(self.classes[name].path)

    def convention(self, findings: Sequence[Finding]) -> Convention:
        self._exception_forms()
        forms = self.tallies.forms("exception classes")
        forms = tuple(
            Form(
                f.label,
                f.description if f.count > 1 else "a project exception class",
                f.count,
                f.files,
                f.example,
                unit=("class", "classes"),
            )
            for f in forms
        )
        return Convention(
            "errors",
            "How errors are handled",
            (
                Aspect(
                    "exception classes",
                    forms,
                    "no exception classes defined in production code",
                ),
                Aspect(
                    "error handlers",
                    self.tallies.forms("error handlers"),
                    "no error handlers (@errorhandler, @exception_handler, "
                    "register_error_handler, add_exception_handler, Django handler404/500, "
                    "DRF EXCEPTION_HANDLER)",
                    finding_notes(
                        findings, "swallowed-exception", "broad except(s) that swallow the error"
                    ),
                ),
                Aspect(
                    "error reporting",
                    self.tallies.forms("error reporting"),
                    "no error reporting initialised (Sentry, Rollbar, Bugsnag, Honeybadger, "
                    "Airbrake, New Relic, Elastic APM)",
                ),
            ),
        )


# -- the walk ------------------------------------------------------------------------------

# Below this many files a process pool costs more to start than it saves (as for the index).
_PARALLEL_THRESHOLD = 150
_CHUNK = 64


class _Detectors:
    """The four detectors over one share of the files; shares are merged in path order,
    so the result does not depend on how the files were split between processes."""

    def __init__(self) -> None:
        self.tallies = Tallies()
        self.logging = _Logging(self.tallies)
        self.timeouts = _Timeouts(self.tallies)
        self.errors = _Errors(self.tallies)
        self.auth = Authentication(self.tallies)

    def file(self, src: Source, ctx: FileContext, facts: PyFacts) -> None:
        self.logging.file(src, ctx, facts)
        self.timeouts.file(src, ctx)
        self.errors.file(src, ctx, facts)
        self.auth.file(src, ctx)

    def merge(self, other: _Detectors) -> None:
        self.tallies.merge(other.tallies)
        for name, session in other.timeouts.sessions.items():
            self.timeouts.sessions.setdefault(name, session)
        for callee, per_file in other.timeouts.class_calls.items():
            mine = self.timeouts.class_calls.setdefault(callee, {})
            for rel, calls in per_file.items():
                mine[rel] = mine.get(rel, 0) + calls
        for name, cls in other.errors.classes.items():
            self.errors.classes.setdefault(name, cls)
        self.auth.merge(other.auth)


def find_conventions(
    repo: RepoIndex,
    paths: Sequence[str],
    findings: Sequence[Finding] = (),
    *,
    jobs: int | None = None,
) -> tuple[Convention, ...]:
    """Logging, timeouts, error handling and route authentication, in that order, over the
    Python files ``paths`` (the production code).

    ``findings`` are the audit's scan findings; those about the same topic (PR101 and
    PR103) are listed beside the convention as the places that do not follow it yet.
    """
    work = [(str(repo.root), rel, str(repo.external.get(rel, ""))) for rel in sorted(paths)]
    chunks = [work[i : i + _CHUNK] for i in range(0, len(work), _CHUNK)]
    workers = jobs if jobs is not None else (os.cpu_count() or 1)
    found = _Detectors()
    if workers > 1 and len(work) >= _PARALLEL_THRESHOLD:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            for share in pool.map(_analyse_chunk, chunks):
                found.merge(share)
    else:
        for chunk in chunks:
            found.merge(_analyse_chunk(chunk))
    return (
        found.logging.convention(),
        found.timeouts.convention(findings),
        found.errors.convention(findings),
        found.auth.convention(),
    )


def _analyse_chunk(chunk: list[tuple[str, str, str]]) -> _Detectors:
    detectors = _Detectors()
    for root, rel, external in chunk:
        parsed = _parse(root, rel, external)
        if parsed is not None:
            detectors.file(*parsed)
    return detectors


def _parse(root: str, rel: str, external: str) -> tuple[Source, FileContext, PyFacts] | None:
    """One parse and one walk of a file, shared by its facts (the same analysis the Python
    index runs) and the detectors; None when it cannot be read or parsed (the audit has
    already reported why)."""
    try:
        with open(external or os.path.join(root, rel), "rb") as fh:
            data = fh.read()
    except OSError:
        return None
    facts, parsed = analyse_with_tree(rel, data, is_test=False)
    if parsed is None:
        return None
    tree, nodes = parsed
    text = data.decode("utf-8-sig")
    return Source(rel, text, tree), FileContext(rel, text, tree, nodes), facts
