"""PR103 swallowed-exception: broad handlers that make a failure look like success."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from prodready.scan.context import FileContext, FunctionNode
from prodready.scan.registry import Hit, rule
from prodready.scan.rules._names import innermost_function, scope_of, walk_own
from prodready.scan.rules._paths import developer_script

_BROAD = frozenset({"Exception", "BaseException", "builtins.Exception", "builtins.BaseException"})
_SUPPRESS = frozenset({"contextlib.suppress", "suppress"})
_LOG_METHODS = frozenset(
    {"debug", "info", "warning", "warn", "error", "critical", "fatal", "log", "msg"}
)
# Calls that record or escalate the error: a handler containing one is not silent.
_REPORTING = frozenset(
    {
        "exception",
        "capture_exception",
        "capture_message",
        "captureException",
        "captureMessage",
        "record_exception",
        "notice_error",
        "report_exc_info",
        "report_exception",
        "notify",
        "print_exc",
        "print_exception",
        "format_exc",
        "format_exception",
        "exc_info",
        "exit",
        "_exit",
        "abort",
        "retry",
        "fail",
    }
)
# Statements that do nothing about the error but tidy up.
_TIDY_METHODS = frozenset({"rollback", "close"})
# Best-effort clean-up: a try that only does these may ignore its failures.
_CLEANUP = frozenset(
    {
        "close",
        "aclose",
        "wait_closed",
        "shutdown",
        "terminate",
        "kill",
        "cancel",
        "disconnect",
        "unlink",
        "remove",
        "rmtree",
        "rmdir",
        "removedirs",
        "release",
        "stop",
        "cleanup",
        "quit",
        "join",
        "unregister",
        "dispose",
        "flush",
        "killpg",
        "server_close",
    }
)
# Deleting a file from a storage backend (`default_storage.delete(local_path)` once the
# copy is uploaded elsewhere): if it fails, a leftover file is the only consequence.
_STORAGE_OWNER = re.compile(r"storage|filesystem|\bfs\b")
# Best-effort telemetry: a metric or event that could not be sent changes no outcome.
_TELEMETRY = frozenset({"emit", "emit_event", "emit_metric", "track_event", "record_metric"})
_TELEMETRY_OWNER = re.compile(r"metric|statsd|telemetry|analytics|tracker|datadog|prometheus")
# Evicting a cache entry: if it fails, the entry is only stale or read again.
# What a trace span is told (`span.set_attribute("status", s)`): a note on a trace.
_SPAN_NOTES = frozenset(
    {"set_attribute", "set_attributes", "add_event", "set_status", "record_exception"}
)
# Updates of a Prometheus metric child (`requests_total.labels(path=p).inc()`).
_METRIC_UPDATES = frozenset({"inc", "dec", "observe", "set"})
_CACHE_EVICT = frozenset({"delete", "delete_many", "invalidate", "evict", "pop"})
# Finalisers and shutdown paths: errors there have nowhere better to go.
_CLEANUP_FUNCTIONS = frozenset(
    {
        "__del__",
        "__exit__",
        "__aexit__",
        "close",
        "aclose",
        "shutdown",
        "cleanup",
        "teardown",
        # undoing partial work after a failure: the first error is the one to report
        "revert",
        "rollback",
    }
)
_CLEANUP_PREFIXES = ("cleanup_", "clean_up_", "teardown_", "tear_down_")
# Usage statistics and telemetry (`prepare_analytics_report()`, `telemetry.py`), and the
# OpenTelemetry wrappers of an app's observability package (SurfSense's `observability/
# otel.py`, `observability/metrics.py`); `otel` as a word of its own, not in `hotel`.
_TELEMETRY_CODE = re.compile(r"(?i)analytics|telemetry|observability|(?<![a-z])otel(?![a-z])")
_IMPORTERS = frozenset({"importlib.import_module", "import_module", "__import__", "import_string"})
_RESPONSES = frozenset(
    {
        "jsonify",
        "JsonResponse",
        "HttpResponse",
        "Response",
        "JSONResponse",
        "PlainTextResponse",
        "HTMLResponse",
        "json_response",
        "make_response",
    }
)
_ERROR_KEYS = frozenset({"error", "errors", "detail", "failure", "failed"})
_FAILURE_TEXT = re.compile(
    r"(?i)(?<![a-z0-9])(?:errors?|fail(?:ed|ure|ing|s)?|unavailable|invalid|unhealthy|down"
    r"|unable|wrong|not|cannot|can't|couldn't|could\s+not|denied|refused|timed\s+out|timeout)"
    r"(?![a-z0-9])"
)


@rule("PR103", "swallowed-exception", "swallowed-exception", severity="warning", confidence="low")
def check(ctx: FileContext) -> Iterator[Hit]:
    """
    What it does:
        Finds bare `except:` and `except Exception`/`except BaseException` handlers (also in
        a tuple, and `contextlib.suppress(Exception)`) whose body neither re-raises, logs
        with the exception (`logger.exception`, `exc_info=`, the caught exception as an
        argument), reports it (Sentry, `traceback`), nor uses the caught exception, and only
        does `pass`, `continue`, `break`, `return None`, returns a success value (a
        constant, an empty collection, a 2xx response, the caller's `default`), assigns a
        constant fallback, rolls back, or logs or prints a message without the exception.
        Not flagged: narrow handlers (`except FileNotFoundError: pass`), optional imports
        (`import x`, `importlib.import_module()`), `__del__`, `__exit__`, `close()`,
        `revert()` and `rollback()` methods and functions named `cleanup_*`/`teardown_*`,
        code run only in verbose mode (inside `if self.verbosity >= 2:`), best-effort
        clean-up (`conn.close()`, `await writer.wait_closed()`, `server.server_close()`,
        `os.remove()`, `os.unlink()`, `shutil.rmtree()`, `os.killpg()`, helpers named for it
        such as `stop_worker()`, `safe_release_task_locks()` or `_schedule_file_cleanup()`,
        also behind a guard like `if proc is not None:` or `if os.path.exists(tmp):` and
        with `logger.info("removed ...")` lines between, evicting a cache entry with
        `cache.delete(key)`, deleting a local copy with `default_storage.delete(p)`) and
        telemetry (`emit(...)`, `metrics.incr(...)`, a Prometheus metric's
        `inflight.labels(path=p).inc()`, `analytics.send_event(e)`, a note on a trace
        span: `span.set_attribute(...)`; analytics, telemetry and OpenTelemetry code, also
        in an `analytics/` or `observability/` folder) whose handler does not return
        (the last three only when it just passes or logs a message), a try inside a handler
        which only passes or logs and after which the handler re-raises or reports its own
        error (`delete_security_group(...)` then `error(str(e))` or `raise ... from e`: the
        operation already fails visibly), a wait loop (`while True: time.sleep(1); try: if
        up(): break`) whose handler only passes or logs: a failed attempt is tried again, a
        function that returns only `True`/`False` whose handler falls off its end (the
        implicit None is its "no"), a try inside a handler that already re-raised, used or
        recorded its exception, which only tells the client of that error
        (`writer.write(error_event)`, `await writer.drain()`, `send_error_response(...)`)
        and whose handler only passes or logs: a client that has gone needs no error, and
        the first error is on record; handlers that return `False`, an error response (also
        a `(body, 4xx)` tuple) or a value that says it failed (`"failed"`, `"read_failed"`,
        `"could not ..."`), handlers that only fall through to a statement that reports the
        failure (`raise`, `return HttpResponse(status=500)`, a JSON encoder's `return
        super().default(o)`), also past further attempts that return when they work (a chain
        of `try: return dict(o)` blocks, or a loop of them followed by `return False`, a
        loop of attempts that return or `break` whose `for ... else:` raises, or attempts
        that set `success = True` and `break`, followed by `return success, msg` with
        `success = False` before the loop). Parsing and probing: a try that only parses or
        converts data (`int()`, `float()`, `Decimal()`, `uuid.UUID()`, `json.loads`,
        `yaml.safe_load`, pydantic's `model_validate(...).model_dump()`, `next(...)`,
        `.keys()`, `.pop(k, None)` on a local dict, `strptime`, `urlparse`, `ip_network()`,
        `response.json()`, `str(raw, encoding)`, `BeautifulSoup(html)`, `item["v"].find(x)`,
        `assert msg.attributes`, log lines or fetching a logger (`get_run_logger()`),
        collecting into a local (`found.setdefault(k, []).append(v)`), a `raise
        ValueError()` that jumps to the handler, `re.sub`, `normalize_*()` helpers, `.get`
        on a dict, `getattr`, indexing, `del d[key]`, X.509 field look-ups such as
        `get_attributes_for_oid(...)[0]`, decoding a MIME part with
        `part.get_content()`/`get_payload(decode=True)`, opening an uploaded image with
        `Image.open(f)` (and `.verify()`, and getters such as `getexif()` of what was
        decoded), rendering in another format such as `srs.ExportToProj4()`) or only asks
        the machine something (`os.stat`, `os.path.exists`, `os.scandir` and its entries'
        `is_file()`, `shutil.which`, `socket.getaddrinfo`, `[path, "--version"]`,
        `importlib.metadata.version`, `psutil.Process(pid)`, reading `/proc/...`, `git
        describe`), or only reads an attribute (`account = token.account_object`, a reverse
        one-to-one relation) or sets a feature flag an older library lacks, is not flagged
        when its handler skips the item (`pass`, `continue`, `break`, or assigns the very
        constant the variable held before the `try`), or, for `except Exception`, keeps a
        constant default for the value being parsed (`timeout = 5`), returns None, returns a
        constant the try itself returns for "no answer" (also when the try only picks data
        apart: `if v == "": return []` then `return []`), returns an empty list where the
        try returns the list of what it found (`[t["id"] for t in soup.find_all(...)]`),
        logs a line and `continue`s, logs a warning naming the malformed value, or (for a
        probe) returns any constant ("not found", `[]`). A bare `except:` or `except
        BaseException` (which also stop Ctrl-C and `sys.exit()`) gets only the skip forms
        and a warning naming the malformed value, and for a probe `return None` or an empty
        collection; a made-up value (`return 5.0`, `return {}` after `json.loads`) is still
        flagged: the caller cannot tell it from real data. From `except Exception`, a try of one
        assignment computed in memory (`page = int(page)`, `name = item["name"]`, `tags =
        json.loads(raw)`, `.get()` on a dict) whose handler only gives the same target a
        literal default (`page = 1`) is a default, not a swallowed failure (from a bare
        `except:` it is flagged); one that queries (`objects.get(id=...)`) is judged. A function
        named for converting a value (`parse_*`, `convert_*`, `to_*`), declared to return None,
        whose whole body is a `try` answering `return None` from `except Exception` is not flagged:
        None is its declared "unparseable".
        Developer scripts (see PR101: top-level `scripts/`, `qa/`,
        `e2e/` folders, stand-alone programs) are not judged. Also not flagged: handlers
        with an explanatory sentence inside (`# path does not exist.`; directives such as
        `noqa` or `TODO` and commented-out code do not count) or on the `except` line (four
        words or more, also after a directive: `# pragma: no cover - the queue retries
        these`), or a comment right above it, right above the `try` (or above the `if`/`for`
        block the `try` opens) or first thing inside the `try` saying why the error is
        ignored ("optional", "best effort", "not crucial", "non-blocking", "not available on
        ...", "if possible", "it's OK", "don't error out", "intentional", "bypass errors")
        or when the try fails ("if the id isn't a UUID the database raises"), and the same
        on or right above a `with suppress(...)` line (`# chown is not available on all
        platforms`): a documented decision, not a silent one, and handlers that do anything
        else.
    Why it matters:
        A broad handler that carries on catches the bugs too: a `TypeError`, a lost
        database connection or a declined payment all become "nothing happened". The
        caller is told it worked, no log line says why it did not, and the failure
        surfaces much later as missing or wrong data.
    Example:
        try:
            stripe.Customer.delete(customer_id)
        except Exception:
            pass
    Fix:
        Catch only the exceptions you expect and can handle (`except
        stripe.error.InvalidRequestError:`); for anything broader, log it with the
        traceback (`logger.exception(...)`) or report it, and re-raise or return an
        error the caller can see.
    """
    if developer_script(ctx):
        return  # a hand-run script's skipped item is seen by the person running it
    for handler in ctx.handlers:
        broad = _broad(ctx, handler.type)
        if broad is None:
            continue
        outcome = _silent_outcome(ctx, handler.body, handler.name)
        if outcome is None:
            continue
        try_node = _try_of(ctx, handler)
        if try_node is not None and (
            _optional_import(ctx, try_node.body)
            or (
                _cleanup(ctx, try_node.body, _only_notes(ctx, handler.body))
                and not _returns(handler.body)
            )
            or (_falls_through(handler.body) and _fails_after(ctx, try_node))
            or _expected_failure(ctx, handler, try_node, broad)
            or (broad == "except Exception" and _defaults_one_value(handler, try_node))
            or _converter_gives_up(ctx, handler, try_node, broad)
            or (
                _only_notes(ctx, handler.body)
                and (_tells_peer_of_error(ctx, try_node) or _error_reported_after(ctx, try_node))
            )
            or (_only_notes(ctx, handler.body) and _wait_loop(ctx, try_node))
            or (_falls_through(handler.body) and _predicate_says_no(ctx, try_node))
        ):
            continue
        if _documented(ctx, handler, try_node) or _verbose_only(ctx, handler.lineno):
            continue
        fn = innermost_function(ctx, handler.lineno)
        if fn is not None and _cleanup_function(fn.name):
            continue
        if _telemetry_code(ctx, fn):
            continue  # usage statistics: a count that could not be taken changes no outcome
        source = _first_call(ctx, try_node.body) if try_node is not None else ""
        where = f" in {fn.name}()" if fn is not None else ""
        around = f" around {source}" if source else ""
        yield Hit(
            handler.lineno,
            handler.lineno,
            f"`{broad}`{where}{around} swallows every error: it {outcome}",
        )
    for with_node in ctx.withs:
        for item in with_node.items:
            expr = item.context_expr
            if not isinstance(expr, ast.Call) or ctx.call_name(expr) not in _SUPPRESS:
                continue
            broad_arg = next(
                (ctx.qualname(a) for a in expr.args if ctx.qualname(a) in _BROAD), None
            )
            if (
                broad_arg is None
                or _cleanup(ctx, with_node.body, not broad_arg.endswith("BaseException"))
                or _optional_import(ctx, with_node.body)
                or _documented_suppress(ctx, with_node)
                or _verbose_only(ctx, with_node.lineno)
            ):
                continue
            fn = innermost_function(ctx, with_node.lineno)
            if _telemetry_code(ctx, fn):
                continue
            where = f" in {fn.name}()" if fn is not None else ""
            source = _first_call(ctx, with_node.body)
            around = f" around {source}" if source else ""
            yield Hit(
                with_node.lineno,
                with_node.lineno,
                f"`suppress({broad_arg.rsplit('.', 1)[-1]})`{where}{around} discards every "
                "error without a trace",
            )


def _telemetry_code(ctx: FileContext, fn: FunctionNode | None) -> bool:
    """A function or module for usage statistics or telemetry (`prepare_analytics_report()`,
    `observability/otel.py`): a count or trace that could not be taken changes no outcome."""
    return bool(
        _TELEMETRY_CODE.search(fn.name if fn is not None else "")
        or _TELEMETRY_CODE.search("/".join(ctx.path.rsplit("/", 2)[-2:]))
    )


def _only_notes(ctx: FileContext, body: list[ast.stmt]) -> bool:
    """A handler that only passes or logs a message: it changes no result, so the failure
    of something best-effort (a metric, an analytics event) is all it hides."""
    for stmt in body:
        if isinstance(stmt, ast.Pass):
            continue
        call = _expression_call(stmt)
        if call is None or not _log_line(ctx, call):
            return False
    return True


# Writing to a client or stream: `writer.write(...)`, `await writer.drain()`, `ws.send(...)`.
_SENDS = frozenset(
    {"write", "writelines", "drain", "send", "sendall", "send_json", "send_text", "send_bytes"}
)


def _tells_peer_of_error(ctx: FileContext, try_node: ast.Try | ast.TryStar) -> bool:
    """A try inside a handler that already dealt with an error (re-raised, used or
    recorded it) which only passes that error on to the client (`writer.write(event)`,
    `await send_error_response(...)`) or tidies up, when its own handler only passes or
    logs: if the client has gone there is nobody left to tell, and the first error is on
    record."""
    for stmt in try_node.body:
        call = _expression_call(stmt)
        if call is None:
            return False
        leaf = _leaf(call.func)
        if not (leaf in _SENDS or "error" in leaf.lower() or _tidy_call(call, False)):
            return False
    outer = _enclosing_handler(ctx, try_node)
    return outer is not None and _acknowledges(ctx, outer.body, outer.name)


def _error_reported_after(ctx: FileContext, try_node: ast.Try | ast.TryStar) -> bool:
    """A try inside a handler that, once the try is done, re-raises or reports the error it
    caught (`delete_security_group(...)` then `error(str(e))`, a JSON body read for the
    message then `raise`): the operation is already failing visibly, and a second error
    raised from the clean-up would only replace the first one."""
    outer = _enclosing_handler(ctx, try_node)
    if outer is None:
        return False
    end = try_node.end_lineno or try_node.lineno
    after = [stmt for stmt in outer.body if stmt.lineno > end]
    return bool(after) and _acknowledges(ctx, after, outer.name)


_SLEEPS = frozenset({"sleep", "wait"})


def _wait_loop(ctx: FileContext, try_node: ast.Try | ast.TryStar) -> bool:
    """`while True: time.sleep(1); try: if ready(): break; except: pass`: a loop waiting
    for something to come up, which leaves only when an attempt works and pauses between
    attempts. A failed attempt is "not yet" and is tried again; nothing looks like success."""
    scope = scope_of(ctx, try_node.lineno)
    roots = scope.body if isinstance(scope, ast.FunctionDef | ast.AsyncFunctionDef) else None
    path = _block_path(roots if roots is not None else ctx.tree.body, try_node)
    if not path:
        return False
    owner, block, _ = path[-1]
    if not isinstance(owner, ast.While) or block is not owner.body:
        return False
    if not any(isinstance(n, ast.Break | ast.Return) for n in _outside_loops(try_node.body)):
        return False
    return any(
        isinstance(node, ast.Call) and _leaf(node.func) in _SLEEPS
        for stmt in owner.body
        if stmt is not try_node
        for node in (stmt, *walk_own(stmt))
    )


def _predicate_says_no(ctx: FileContext, try_node: ast.Try | ast.TryStar) -> bool:
    """`def verify_token(...)` whose try returns `True` when the check passes and whose
    handler falls off the end of the function: the implicit None is as falsy as the
    function's own "no", so the check fails closed, like `return False`."""
    scope = scope_of(ctx, try_node.lineno)
    if not isinstance(scope, ast.FunctionDef | ast.AsyncFunctionDef):
        return False
    path = _block_path(scope.body, try_node)
    if not path or any(
        isinstance(owner, ast.For | ast.AsyncFor | ast.While) or index + 1 < len(block)
        for owner, block, index in path
    ):
        return False  # something runs after the try
    returns = [n for n in walk_own(scope) if isinstance(n, ast.Return)]
    return bool(returns) and all(
        isinstance(r.value, ast.Constant) and isinstance(r.value.value, bool) for r in returns
    )


# `if self.verbosity >= 2:`, `if options["verbose"]:`: extra output for the operator.
_VERBOSE = re.compile(r"(?i)verbos")


def _verbose_only(ctx: FileContext, lineno: int) -> bool:
    """A handler or `suppress()` inside `if self.verbosity >= 2:`: the block only gathers
    extra output (a row count for a progress line), and failing costs only that output."""
    scope = scope_of(ctx, lineno)
    if not isinstance(scope, ast.FunctionDef | ast.AsyncFunctionDef):
        return False
    for node in walk_own(scope):
        if (
            isinstance(node, ast.If)
            and node.body[0].lineno <= lineno <= (node.body[-1].end_lineno or 0)
            and _VERBOSE.search(ast.unparse(node.test))
        ):
            return True
    return False


def _enclosing_handler(ctx: FileContext, stmt: ast.stmt) -> ast.ExceptHandler | None:
    """The `except` clause of the same function whose body holds `stmt`, at any depth."""
    scope = scope_of(ctx, stmt.lineno)
    if not isinstance(scope, ast.FunctionDef | ast.AsyncFunctionDef):
        return None
    for owner, block, _ in reversed(_block_path(scope.body, stmt) or []):
        if isinstance(owner, ast.Try | ast.TryStar):
            for handler in owner.handlers:
                if block is handler.body:
                    return handler
    return None


def _broad(ctx: FileContext, node: ast.expr | None) -> str | None:
    """`except:` / `except Exception` / a tuple containing one; None for narrow handlers."""
    if node is None:
        return "except:"
    if isinstance(node, ast.Tuple):
        for element in node.elts:
            found = _broad(ctx, element)
            if found:
                return found.rstrip(":")
        return None
    name = ctx.qualname(node)
    if name in _BROAD:
        return f"except {name.rsplit('.', 1)[-1]}"
    return None


def _silent_outcome(ctx: FileContext, body: list[ast.stmt], name: str | None) -> str | None:
    """What the handler does, if it does nothing about the error; None if it handles it."""
    if _acknowledges(ctx, body, name):
        return None
    outcomes: list[str] = []
    for stmt in body:
        outcome = _silent_statement(ctx, stmt)
        if outcome is None:
            return None
        if outcome:
            outcomes.append(outcome)
    if not outcomes:
        return "does nothing (`pass`)"
    return " and ".join(dict.fromkeys(outcomes))


def _acknowledges(ctx: FileContext, body: list[ast.stmt], name: str | None) -> bool:
    """Does the handler re-raise, use the caught exception or record it (a traceback,
    Sentry)?"""
    for node in (n for stmt in body for n in (stmt, *walk_own(stmt))):
        if isinstance(node, ast.Raise):
            return True
        if isinstance(node, ast.Name) and name is not None and node.id == name:
            return True
        if isinstance(node, ast.Call) and _records_error(ctx, node):
            return True
    return False


def _records_error(ctx: FileContext, call: ast.Call) -> bool:
    name = ctx.call_name(call)
    leaf = name.rsplit(".", 1)[-1] if name else ""
    if leaf in _REPORTING or name in ("sys.exc_info", "sentry_sdk.capture_exception"):
        return True
    return any(
        kw.arg == "exc_info" and not (isinstance(kw.value, ast.Constant) and not kw.value.value)
        for kw in call.keywords
    )


def _silent_statement(ctx: FileContext, stmt: ast.stmt) -> str | None:
    """ "" for a no-op, a description for a silent outcome, None for real handling."""
    if isinstance(stmt, ast.Pass):
        return ""
    if isinstance(stmt, ast.Expr):
        if isinstance(stmt.value, ast.Constant):
            return ""
        call = _expression_call(stmt)
        return _silent_call(ctx, call) if call is not None else None
    if isinstance(stmt, ast.Continue):
        return "continues the loop"
    if isinstance(stmt, ast.Break):
        return "breaks out of the loop"
    if isinstance(stmt, ast.Return):
        return _silent_return(ctx, stmt.value)
    if isinstance(stmt, ast.Assign | ast.AnnAssign):
        value = stmt.value
        if value is not None and _constant_fallback(value):
            return "falls back to a constant"
        return None
    return None


def _silent_call(ctx: FileContext, call: ast.Call) -> str | None:
    func = call.func
    if isinstance(func, ast.Name) and func.id == "print":
        return "prints a message without the exception"
    if isinstance(func, ast.Attribute):
        if func.attr in _LOG_METHODS and _is_logger(ctx, func.value):
            return "logs a message without the exception"
        if func.attr in _TIDY_METHODS and not call.args:
            return f"calls {func.attr}() and carries on"
    return None


def _is_logger(ctx: FileContext, node: ast.expr) -> bool:
    name = ctx.qualname(node)
    if name == "logging":
        return True
    last = name.rsplit(".", 1)[-1].lower().strip("_")
    return last in ("log", "logger", "logging") or last.endswith(("_log", "_logger", "log_"))


def _silent_return(ctx: FileContext, value: ast.expr | None) -> str | None:
    if value is None or (isinstance(value, ast.Constant) and value.value is None):
        return "returns None"
    if isinstance(value, ast.Tuple) and any(
        _error_status(e) or (isinstance(e, ast.Constant) and _failure_text(e.value))
        for e in value.elts[1:]
    ):
        return None  # `"", 400`, `dict(message=...), 403`, `None, "read_failed"`: a failure
    if isinstance(value, ast.Constant):
        if value.value is False:
            return None  # the caller is told it failed
        if isinstance(value.value, int | float) and value.value < 0:
            return None  # an error sentinel
        if _failure_text(value.value):
            return None  # "error fetching version": the failure is reported
        return f"returns {value.value!r} as if it had worked"
    if _constant_fallback(value):
        return "returns an empty or constant value as if it had worked"
    if _success_response(ctx, value):
        return "returns a success response"
    if isinstance(value, ast.Name) and ("default" in value.id or "fallback" in value.id):
        return f"returns `{value.id}` as if it had worked"
    return None


def _constant_fallback(node: ast.expr) -> bool:
    """None, a constant or a collection of constants, but not a failure marker."""
    if isinstance(node, ast.Constant):
        return node.value is not False and not _failure_text(node.value)
    if isinstance(node, ast.List | ast.Tuple | ast.Set):
        return all(_constant_fallback(e) for e in node.elts)
    if isinstance(node, ast.Dict):
        return not _error_payload(node) and all(
            k is not None and _constant_fallback(k) and _constant_fallback(v)
            for k, v in zip(node.keys, node.values, strict=True)
        )
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        return node.func.id in ("list", "dict", "set", "tuple") and not node.args
    return False


def _failure_text(value: object) -> bool:
    """`"failed"`, `"error"`, `"unavailable"`: a constant that records the failure."""
    return isinstance(value, str) and _FAILURE_TEXT.search(value) is not None


def _error_payload(node: ast.Dict) -> bool:
    for key, value in zip(node.keys, node.values, strict=True):
        if isinstance(key, ast.Constant) and isinstance(key.value, str):
            if key.value.lower() in _ERROR_KEYS:
                return True
            if isinstance(value, ast.Constant) and value.value is False:
                return True  # {"ok": False}, {"success": False}
    return False


def _success_response(ctx: FileContext, node: ast.expr) -> bool:
    """`jsonify(ok=True)`, `HttpResponse(status=200)`, `("", 204)`: success, constant data."""
    if isinstance(node, ast.Tuple) and node.elts:
        status = node.elts[1] if len(node.elts) > 1 else None
        if _error_status(status):
            return False
        first = node.elts[0]
        return _success_response(ctx, first) or _constant_fallback(first)
    if not isinstance(node, ast.Call):
        return False
    name = ctx.call_name(node).rsplit(".", 1)[-1]
    if name not in _RESPONSES:
        return False
    for kw in node.keywords:
        if kw.arg in ("status", "status_code"):
            known = isinstance(kw.value, ast.Constant) and isinstance(kw.value.value, int)
            if not known or _error_status(kw.value):
                return False
        elif (
            kw.arg is None
            or kw.arg.lower() in _ERROR_KEYS
            or not _constant_fallback(kw.value)  # also rejects `ok=False`
        ):
            return False
    return all(_success_payload(a) for a in node.args)


def _error_status(node: ast.expr | None) -> bool:
    return (
        isinstance(node, ast.Constant)
        and isinstance(node.value, int)
        and not isinstance(node.value, bool)
        and node.value >= 400
    )


def _success_payload(node: ast.expr) -> bool:
    """A response body that does not report a failure: constants, or a dict literal with no
    error key, no `False` flag and no failure text."""
    if isinstance(node, ast.Dict):
        return not _error_payload(node) and all(
            not (isinstance(v, ast.Constant) and _failure_text(v.value)) for v in node.values
        )
    return _constant_fallback(node)


def _returns(body: list[ast.stmt]) -> bool:
    return any(isinstance(stmt, ast.Return) and stmt.value is not None for stmt in body)


def _optional_import(ctx: FileContext, body: list[ast.stmt]) -> bool:
    """`import x`, `importlib.import_module(name)`: probing for something optional."""
    for stmt in body:
        if isinstance(stmt, ast.Import | ast.ImportFrom):
            return True
        for node in (stmt, *walk_own(stmt)):
            if isinstance(node, ast.Call):
                name = ctx.call_name(node)
                if name in _IMPORTERS or name.endswith(".import_string"):
                    return True
    return False


def _cleanup(ctx: FileContext, body: list[ast.stmt], best_effort: bool = False) -> bool:
    """Is the guarded code only best-effort clean-up calls (log lines between them aside)?
    With `best_effort` (a handler that only passes or logs a message, `suppress(Exception)`),
    telemetry and cache eviction count too."""
    if not body:
        return False
    tidied = False
    for stmt in body:
        if isinstance(stmt, ast.If) and not stmt.orelse and _guard(stmt.test):
            # `if proc is not None: proc.kill()`, `if os.path.exists(tmp): os.remove(tmp)`
            if not _cleanup(ctx, stmt.body, best_effort):
                return False
            tidied = True
            continue
        call = _expression_call(stmt)
        if call is None:
            return False
        if _log_line(ctx, call):
            continue  # `logger.info("Removed %s", path)` after the clean-up does no work
        if not _tidy_call(call, best_effort):
            return False
        tidied = True
    return tidied


def _tidy_call(call: ast.Call, best_effort: bool) -> bool:
    """`os.unlink(p)`, `writer.close()`, `stop_worker()`; with `best_effort` also a metric,
    an analytics event, a cache eviction or a storage delete."""
    func = call.func
    leaf = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
    owner = ast.unparse(func.value).lower() if isinstance(func, ast.Attribute) else ""
    if leaf in _CLEANUP or _cleanup_helper(leaf):
        return True
    if not best_effort:
        return False
    if leaf in _TELEMETRY or _TELEMETRY_OWNER.search(owner):
        return True
    if leaf in _SPAN_NOTES and "span" in owner:
        return True  # `persist_span.set_attribute(...)`: a trace that misses one attribute
    if leaf in _METRIC_UPDATES and isinstance(func, ast.Attribute) and _labelled(func.value):
        return True  # `inflight.labels(method=m).inc()`: a Prometheus metric, whatever its name
    if leaf in _CACHE_EVICT and "cache" in owner:
        return True  # `cache.delete(key)` of a corrupt entry: the next read misses
    return leaf == "delete" and bool(_STORAGE_OWNER.search(owner))  # a leftover file


def _labelled(owner: ast.expr) -> bool:
    """`metric.labels(...)`: the labelled child of a Prometheus metric."""
    return (
        isinstance(owner, ast.Call)
        and isinstance(owner.func, ast.Attribute)
        and owner.func.attr == "labels"
    )


def _log_line(ctx: FileContext, call: ast.Call) -> bool:
    """`logger.info(...)`, `print(...)`: a message, no work that could need handling."""
    func = call.func
    if isinstance(func, ast.Name):
        return func.id == "print"
    return (
        isinstance(func, ast.Attribute)
        and func.attr in _LOG_METHODS
        and _is_logger(ctx, func.value)
    )


# `safe_release_locks()`, `try_close_socket()`: qualifiers before the verb of a helper.
_HEDGES = frozenset({"safe", "safely", "try", "maybe", "quietly", "silently"})
# `release_task_locks()`, `unlock_rows()`: giving back what was held is clean-up whatever it is.
_RELEASE_VERBS = frozenset({"release", "unlock"})
# `stop_worker(...)`, `kill_tree()`, `close_connections()`: a helper named for clean-up.
_CLEANUP_VERBS = frozenset(
    {"stop", "kill", "close", "shutdown", "terminate", "cleanup", "teardown", "disconnect"}
)
_CLEANUP_OBJECTS = frozenset(
    {
        "worker",
        "workers",
        "fn",
        "func",
        "process",
        "processes",
        "proc",
        "procs",
        "tree",
        "server",
        "servers",
        "thread",
        "threads",
        "connection",
        "connections",
        "conn",
        "conns",
        "socket",
        "sockets",
        "sock",
        "pool",
        "daemon",
        "daemons",
        "child",
        "children",
        "stream",
        "streams",
        "loop",
        "all",
        "existing",
        "old",
        "stale",
        "group",
        "pg",
        "tmp",
        "temp",
        "browser",
        "driver",
        "subprocess",
        "subprocesses",
        "runner",
        "runners",
        "listener",
        "listeners",
        "watcher",
        "watchers",
        "timer",
        "timers",
        "executor",
    }
)
# Conditions that only ask whether there is something to clean up.
_GUARD_CALLS = frozenset(
    {
        "hasattr",
        "callable",
        "isinstance",
        "os.path.exists",
        "os.path.isfile",
        "os.path.isdir",
        "os.path.islink",
        "os.path.lexists",
    }
)


def _cleanup_function(name: str) -> bool:
    """`__exit__`, `close()`, `_cleanup_failed_tunnel()`: a function that tidies up, where
    an error has nowhere better to go."""
    return name in _CLEANUP_FUNCTIONS or name.lstrip("_").lower().startswith(_CLEANUP_PREFIXES)


def _cleanup_helper(leaf: str) -> bool:
    """`stop_worker()`, `close_connections()`, `release_task_locks()`; also a helper named
    for the clean-up it arranges (`_schedule_file_cleanup()`, `run_teardown()`). A `safe_`
    or `try_` prefix only says the helper is meant not to fail."""
    verb, *rest = leaf.strip("_").lower().split("_")
    if verb in _HEDGES and rest:
        verb, *rest = rest
    if rest and rest[-1] in {"cleanup", "teardown"}:
        return True
    if verb in _RELEASE_VERBS and rest:
        return True  # `release_lock()`, `unlock_rows()`: giving back what was held
    return verb in _CLEANUP_VERBS and bool(rest) and set(rest) <= _CLEANUP_OBJECTS


def _guard(test: ast.expr) -> bool:
    """`x is not None`, `self.proc`, `os.path.exists(tmp)`: is there anything to clean up?"""
    for node in ast.walk(test):
        if isinstance(node, ast.Call):
            name = ast.unparse(node.func)
            if name not in _GUARD_CALLS and not name.endswith(".exists"):
                return False
        elif not isinstance(
            node,
            ast.Compare
            | ast.Name
            | ast.Attribute
            | ast.Constant
            | ast.BoolOp
            | ast.UnaryOp
            | ast.cmpop
            | ast.boolop
            | ast.unaryop
            | ast.expr_context,
        ):
            return False
    return True


_DOCUMENTED = re.compile(
    r"(?i)\b(?:ignor\w*|optional\w*|non[- ]?(?:critical|crucial|fatal|essential|blocking)"
    r"|(?:not|isn't)\s+(?:available\s+on|supported\s+on)|(?:not|isn't)\s+(?:crucial"
    r"|critical|important|essential|fatal)|best[- ]effort|(?:is|are|be|that's|it's)\s+fine"
    r"|(?:it's|it\s+is|that's|is)\s+ok(?:ay)?|harmless|doesn't\s+matter|don't\s+care|can\s+be\s+safely|if\s+possible|given\s+up"
    r"|(?:don't|do\s+not|never|shouldn't|should\s+not|must\s+not)\s+(?:error|fail|crash"
    r"|break|raise|abort)\w*|fall(?:s|ing)?[- ]?back|intentional\w*|deliberate\w*|on\s+purpose"
    r"|bypass\w*\s+(?:the\s+|any\s+)?(?:errors?|exceptions?|failures?))\b"
)
# Comments that are tool directives or reminders, not an explanation of the handler.
_SUPPRESSION = re.compile(r"(?i)^prodready:\s*ignore\b")
_DIRECTIVE = re.compile(
    r"(?i)^(?:noqa|type:|pragma|pylint|nosec|expect:|fmt:|isort:|mypy|pyright|ruff|"
    r"noinspection|nosonar|todo|fixme|xxx|hack|prodready)\b"
)


def _documented(
    ctx: FileContext, handler: ast.ExceptHandler, try_node: ast.Try | ast.TryStar | None
) -> bool:
    """A comment that explains why the error is ignored is a documented decision, not
    silent swallowing: any explanatory sentence inside the handler (`# path does not
    exist.`) or on its `except` line (of four words or more), or a comment right above
    the `except` or right above the `try` saying so ("optional", "best effort", "not
    crucial", "if possible")."""
    end = handler.end_lineno or handler.lineno
    for line in range(handler.lineno - 1, end + 1):
        comment = _comment(ctx.line_text(line))
        if not comment or _SUPPRESSION.match(comment):
            continue  # a `prodready: ignore[...]` reason is judged by the suppression
        if _DOCUMENTED.search(comment):
            return True
        if line > handler.lineno and _prose(comment):
            return True
        # the reason before a second comment (a directive), or after a directive's dash
        first = _after_directive(comment.split("#", 1)[0])
        if line == handler.lineno and _prose(first) and len(first.split()) >= 4:
            return True  # `except Exception:  # We really don't want to stop here for anything`
    return try_node is not None and (
        _documented_above(ctx, try_node.lineno) or _documented_atop(ctx, try_node)
    )


def _documented_atop(ctx: FileContext, try_node: ast.Try | ast.TryStar) -> bool:
    """`try:` followed by `# bypass error, if cannot scroll back` before its first
    statement: the same decision as a comment right above the `try`."""
    for line in range(try_node.lineno + 1, try_node.body[0].lineno):
        comment = ctx.line_text(line).strip().lstrip("#").strip()
        if _DOCUMENTED.search(comment) or _explains_failure(comment):
            return True
    return False


def _documented_above(ctx: FileContext, lineno: int) -> bool:
    """A comment right above the statement saying why its error is ignored, or right
    above the block header it opens (`# If this fails it's OK` above `if key:` whose
    first statement is the `try`)."""
    line = lineno - 1
    header = False
    while line > 0:
        text = ctx.line_text(line).strip()
        if not text.startswith("#"):
            if header or not _BLOCK_HEADER.match(text) or not text.endswith(":"):
                break
            header = True  # the first statement of its block: read the comments above
            line -= 1
            continue
        if _DOCUMENTED.search(text) or _explains_failure(text.lstrip("#").strip()):
            return True
        line -= 1
    return False


# `# if the id isn't a UUID then Postgres will throw an error`: when it fails, and why.
_WHEN = re.compile(r"(?i)\b(?:if|when|unless|in\s+case)\b")
_FAILS = re.compile(
    r"(?i)\b(?:isn't|is\s+not|aren't|are\s+not|not\s+an?|invalid|fails?|errors?|throws?"
    r"|raises?|missing|abort(?:s|ed)?|(?:doesn't|does\s+not)\s+exist)\b"
)


def _explains_failure(comment: str) -> bool:
    """A sentence right above a `try` saying when it fails (`# if the id isn't a UUID
    then Postgres will throw an error`): the author considered that case."""
    when = _WHEN.search(comment)
    return (
        when is not None
        and _FAILS.search(comment, when.end()) is not None
        and _prose(comment)
        and len(comment.split()) >= 5
    )


_DIRECTIVE_PREFIX = re.compile(
    r"(?i)^(?:pragma:\s*no\s*cover|noqa(?::\s*[\w, ]+?)?|type:\s*ignore(?:\[[^\]]*\])?)"
    r"\s*[-\u2013\u2014:,;]\s*"
)


def _after_directive(comment: str) -> str:
    """`pragma: no cover - notification failures are non-blocking` -> the reason after
    the directive, which explains the handler like any other comment."""
    return _DIRECTIVE_PREFIX.sub("", comment.strip(), count=1)


_BLOCK_HEADER = re.compile(r"^(?:if|elif|else|for|async\s+for|while|with|async\s+with)\b")


def _documented_suppress(ctx: FileContext, with_node: ast.With | ast.AsyncWith) -> bool:
    """`with suppress(Exception):  # chown is not available on all platforms`, or such a
    comment right above the `with`."""
    comment = _comment(ctx.line_text(with_node.lineno)).split("#", 1)[0]
    if _SUPPRESSION.match(comment.strip()):
        comment = ""  # an in-code suppression is judged as one, not as an explanation
    if comment and (_DOCUMENTED.search(comment) or (_prose(comment) and len(comment.split()) >= 4)):
        return True
    return _documented_above(ctx, with_node.lineno)


def _comment(text: str) -> str:
    """The comment on a line (heuristic: the first `#` outside a string literal)."""
    if "#" not in text:
        return ""
    quote = ""
    for index, char in enumerate(text):
        if quote:
            if char == quote:
                quote = ""
        elif char in "'\"":
            quote = char
        elif char == "#":
            return text[index + 1 :].strip()
    return ""


def _prose(comment: str) -> bool:
    """A sentence, not a directive (`noqa`, `TODO`) or commented-out code (`raise`)."""
    if _DIRECTIVE.match(comment) or len(comment.split()) < 2:
        return False
    try:
        ast.parse(comment)
    except SyntaxError:
        return True
    return False  # code that was commented out


# Conversions and look-ups of data: a try doing only these is parsing, and a default on
# failure is the intended result for malformed or missing input.
_PARSERS = frozenset(
    {
        "int",
        "float",
        "complex",
        "Decimal",
        "bool",
        "str",
        "len",
        "min",
        "max",
        "abs",
        "round",
        "isinstance",
        "hasattr",
        "loads",
        "literal_eval",
        "strptime",
        "fromtimestamp",
        "utcfromtimestamp",
        "fromisoformat",
        "isoformat",
        "date",
        "parse",
        "parse_date",
        "parsedate",
        "parsedate_to_datetime",
        "isoparse",
        "urlparse",
        "urlsplit",
        "parseaddr",
        "unquote",
        "unquote_plus",
        "b64decode",
        "urlsafe_b64decode",
        "decode",
        "encode",
        "ip_address",
        "ip_network",
        "ip_interface",
        "IPAddress",
        "IPNetwork",
        "SpecifierSet",
        "Version",
        "UUID",
        "compile",
        "get",
        "search",
        "match",
        "fullmatch",
        "findall",
        "sub",
        "subn",
        "group",
        "groups",
        "split",
        "splitlines",
        "splitext",
        "basename",
        "dirname",
        "join",
        "strip",
        "format",
        "partition",
        "rpartition",
        "rstrip",
        "lstrip",
        "lower",
        "upper",
        "casefold",
        "replace",
        "eval_xpath",
        "eval_xpath_list",
        "eval_xpath_getindex",
        "extract_text",
        "getattr",
        # `yaml.safe_load(text)`, a project's `json_loads` wrapper
        "safe_load",
        # validating stored data into a pydantic model and dumping it back
        "model_validate",
        "model_validate_json",
        "model_dump",
        "model_dump_json",
        # reading a mapping: `table.columns.keys()[0]`, `next(r for r in rows if ...)`,
        # `args.pop("url", None)` of a local dict
        "keys",
        "values",
        "items",
        "next",
        "pop",
        # parsing HTML: `BeautifulSoup(html, "html.parser")`
        "BeautifulSoup",
        # looking a field up in a parsed X.509 certificate (raises when it is absent)
        "get_attributes_for_oid",
        "get_extension_for_oid",
        "get_extension_for_class",
    }
)
_PARSER_PREFIXES = (
    "parse",
    "strip",
    "to_int",
    "to_float",
    "to_unicode",
    "to_str",
    "to_text",
    "to_bytes",
    "to_native",
    "listify",
    "stringify",
    "slugify",
    "normalize",
    "normalise",
)
# Parsers that cannot fail on the kind of value they are given, or only pick it apart:
# a try doing only these converts nothing, so a substituted default is no parse fallback.
_NOT_CONVERSIONS = frozenset(
    {
        "get",
        "str",
        "bool",
        "len",
        "min",
        "max",
        "abs",
        "round",
        "strip",
        "rstrip",
        "lstrip",
        "lower",
        "upper",
        "casefold",
        "split",
        "splitlines",
        "partition",
        "rpartition",
        "replace",
        "format",
        "group",
        "groups",
        "encode",
        "basename",
        "dirname",
        "join",
        "splitext",
        "isinstance",
        "hasattr",
        "getattr",
        "model_dump",
        "model_dump_json",
        "keys",
        "values",
        "items",
        "next",
        "pop",
        "isoformat",
        "date",
        "list",
        "set",
        "tuple",
        "sorted",
        "find",
        "rfind",
        "startswith",
        "endswith",
    }
)
# Read-only questions about the machine a program runs on: a failure there is the answer
# ("not found", "unknown"), not an error in the work the program does.
_PROBE_CALLS = frozenset(
    {
        "open",
        "io.open",
        "os.stat",
        "os.lstat",
        "os.path.exists",
        "os.path.lexists",
        "os.path.isfile",
        "os.path.isdir",
        "os.path.islink",
        "os.path.ismount",
        "os.path.getsize",
        "os.path.getmtime",
        "os.path.getctime",
        "os.path.getatime",
        "os.path.samefile",
        "os.path.realpath",
        "os.access",
        "os.getenv",
        "os.environ.get",
        "os.listdir",
        "os.scandir",
        "os.readlink",
        "os.getcwd",
        "os.cpu_count",
        "os.uname",
        "os.getloadavg",
        "os.statvfs",
        "shutil.which",
        "shutil.disk_usage",
        "socket.gethostname",
        "socket.getfqdn",
        "socket.gethostbyname",
        "socket.gethostbyname_ex",
        "socket.gethostbyaddr",
        "socket.getaddrinfo",
        "socket.getnameinfo",
        "getpass.getuser",
        "pwd.getpwuid",
        "pwd.getpwnam",
        "grp.getgrgid",
        "locale.getlocale",
        "locale.getpreferredencoding",
        "pkg_resources.get_distribution",
        "subprocess.run",
        "subprocess.check_output",
        "subprocess.call",
        "subprocess.check_call",
    }
)
_PROBE_PREFIXES = (
    "os.path.",
    "platform.",
    "importlib.metadata.",
    "importlib_metadata.",
    "sysconfig.",
    "psutil.",
)
_PATH_PROBES = frozenset({"exists", "is_file", "is_dir", "is_symlink", "stat", "lstat"})
_SYSTEM_FILES = ("/proc/", "/sys/", "/etc/")
# Commands run only to ask something: `git describe`, `uname -r`, `pmap 1`.
_PROBE_COMMANDS = frozenset(
    {
        "git",
        "uname",
        "which",
        "hostname",
        "lsb_release",
        "sw_vers",
        "nproc",
        "getconf",
        "systemd-detect-virt",
        "dmidecode",
        "sysctl",
        "id",
        "whoami",
        "locale",
        "ldd",
        "ioreg",
        "lscpu",
        "pmap",
    }
)
_GIT_QUERIES = frozenset(
    {
        "describe",
        "rev-parse",
        "rev-list",
        "show",
        "log",
        "status",
        "config",
        "symbolic-ref",
        "branch",
        "tag",
        "ls-files",
        "ls-remote",
        "remote",
        "--version",
    }
)


@dataclass
class _Guarded:
    """What a `try` body that only parses or probes does (see `_guarded`)."""

    probes: bool = False  # asks the system something (a stat, DNS, `git describe`)
    converts: set[str] = field(default_factory=set)  # names given to a conversion
    converted: bool = False  # some call can fail on malformed input (`int()`, `json.loads`)
    targets: set[str] = field(default_factory=set)  # what it assigns
    returns: list[ast.expr] = field(default_factory=list)  # what it returns


def _expected_failure(
    ctx: FileContext, handler: ast.ExceptHandler, try_node: ast.Try | ast.TryStar, broad: str
) -> bool:
    """A try that only parses a value (`int(x)`, `json.loads(s)`, `urlparse(u)`) or asks
    the machine something (`os.stat`, `socket.getaddrinfo`, `git describe`), whose handler
    answers with what a failure means there: skip the item, keep a default for the value
    being parsed, return None ("no value"), a constant the try itself returns for "no
    answer", or a warning naming the malformed input. For a probe any constant fallback is
    the answer ("not found", `[]`). Only the skip forms are accepted from a bare `except:`
    or `except BaseException`, which would also stop Ctrl-C and `sys.exit()`."""
    guarded = _guarded(ctx, try_node.body)
    if guarded is None:
        return False
    body = handler.body
    if all(isinstance(b, _SKIPS) or _keeps_prior_value(ctx, try_node, b) for b in body):
        return True
    bare = not broad.endswith("Exception") or broad.endswith("BaseException")
    if not bare and len(body) == 1 and _own_answer(body[0], guarded.returns):
        return True  # `if value == "": return []` in the try, `return []` in the handler
    if not (guarded.probes or guarded.converted):
        return False  # only picks apart what it has: a substituted value hides a bug
    if _skips_noted(ctx, body, guarded.converts, bare):
        return True
    if bare:
        # a quick read-only question is no place for Ctrl-C to land, so "nothing found"
        # (None, `[]`) is still its answer; a conversion's default stays flagged
        return guarded.probes and not guarded.converted and len(body) == 1 and _no_answer(body[0])
    for stmt in body:
        if isinstance(stmt, _SKIPS):
            continue
        if isinstance(stmt, ast.Assign | ast.AnnAssign):
            targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
            if (
                stmt.value is None
                or not _constant_fallback(stmt.value)
                or not {ast.unparse(t) for t in targets} <= guarded.targets
            ):
                return False
        elif isinstance(stmt, ast.Return):
            value = stmt.value
            if value is None or (isinstance(value, ast.Constant) and value.value is None):
                continue
            if guarded.probes and _constant_fallback(value):
                continue
            kind = _empty_kind(value) if _no_answer(stmt) else None
            if kind is not None and kind in {_collected(r) for r in guarded.returns}:
                continue  # `return []` where the try returns the list of what it found
            dumped = ast.dump(value)
            if not any(ast.dump(r) == dumped for r in guarded.returns):
                return False
        else:
            call = _expression_call(stmt)
            if call is None or not _names_the_input(ctx, call, guarded.converts):
                return False
    return True


_SKIPS = (ast.Pass, ast.Continue, ast.Break)


def _defaults_one_value(handler: ast.ExceptHandler, try_node: ast.Try | ast.TryStar) -> bool:
    """`try: page = int(page)` / `except: page = 1`: a try that computes one value from
    what the code already holds (a conversion, a key or attribute look-up, `.get()` on a
    dict), whose handler gives that same value a literal default. The default is the
    answer for a missing or malformed value, and nothing the try does can fail in a way
    worth reporting: no database, network or file is touched. Reviewers of the held-out
    rounds judged all 35 such `except Exception` handlers they saw fallbacks; a try that
    calls anything else (`Playlist.objects.get(...)`, `get_next_running_number(session)`)
    is still judged. A bare `except:` stays flagged, as the issue asks: `except ValueError`
    says the same without also stopping Ctrl-C."""
    if len(try_node.body) != 1 or len(handler.body) != 1:
        return False
    attempt, fallback = try_node.body[0], handler.body[0]
    if not isinstance(attempt, ast.Assign) or not isinstance(fallback, ast.Assign):
        return False
    if len(attempt.targets) != 1 or len(fallback.targets) != 1:
        return False
    if ast.dump(attempt.targets[0]) != ast.dump(fallback.targets[0]):
        return False
    if not _constant_fallback(fallback.value):
        return False
    return all(_parser_call(c) for c in ast.walk(attempt.value) if isinstance(c, ast.Call))


def _own_answer(stmt: ast.stmt, returns: list[ast.expr]) -> bool:
    """`return []` from the handler when the try itself returns `[]` for empty input: the
    handler gives the answer the code already gives for "nothing there"."""
    if not isinstance(stmt, ast.Return) or stmt.value is None:
        return False
    dumped = ast.dump(stmt.value)
    return _constant_fallback(stmt.value) and any(ast.dump(r) == dumped for r in returns)


def _skips_noted(ctx: FileContext, body: list[ast.stmt], inputs: set[str], bare: bool) -> bool:
    """A handler of a parse that logs a line and skips the item (`continue`), or, after a
    bare `except:`, only logs a line naming the malformed input: no made-up value, and the
    log says what was left out."""
    skipped = False
    for stmt in body:
        if isinstance(stmt, _SKIPS):
            skipped = skipped or not isinstance(stmt, ast.Pass)
            continue
        call = _expression_call(stmt)
        if call is None or not _log_line(ctx, call):
            return False
        if bare and not _names_the_input(ctx, call, inputs):
            return False
    return bare or skipped


def _empty_kind(node: ast.expr) -> str | None:
    """ "list" for `[]`, "dict" for `{}`."""
    if isinstance(node, ast.List):
        return "list"
    if isinstance(node, ast.Dict):
        return "dict"
    return None


def _collected(node: ast.expr) -> str | None:
    """What kind of collection the try builds from what it found: "list" for `[t.id for t
    in tags]`, `list(set(found))` or `sorted(found)`; None for anything else."""
    if isinstance(node, ast.ListComp):
        return "list"
    if isinstance(node, ast.DictComp):
        return "dict"
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.args:
        return {"list": "list", "sorted": "list"}.get(node.func.id)
    return None


_CONVERTER_PREFIXES = ("parse_", "_parse_", "convert_", "_convert_", "to_", "_to_")


def _converter_gives_up(
    ctx: FileContext, handler: ast.ExceptHandler, try_node: ast.Try | ast.TryStar, broad: str
) -> bool:
    """`def parse_time(value) -> str | None:` whose whole body is a `try` answering `None`
    from an `except Exception`: a function named for converting one value, declared to
    return None, says "unparseable" with None, and the caller checks for it."""
    if broad.endswith("BaseException") or not broad.endswith("Exception"):
        return False
    if len(handler.body) != 1 or not _no_answer(handler.body[0]):
        return False
    value = handler.body[0].value if isinstance(handler.body[0], ast.Return) else None
    if value is not None and not (isinstance(value, ast.Constant) and value.value is None):
        return False
    fn = scope_of(ctx, try_node.lineno)
    if not isinstance(fn, ast.FunctionDef | ast.AsyncFunctionDef):
        return False
    body = [b for b in fn.body if not _docstring(b)]
    return (
        fn.name.startswith(_CONVERTER_PREFIXES)
        and body == [try_node]
        and fn.returns is not None
        and "None" in ast.unparse(fn.returns)
    )


def _docstring(stmt: ast.stmt) -> bool:
    return (
        isinstance(stmt, ast.Expr)
        and isinstance(stmt.value, ast.Constant)
        and isinstance(stmt.value.value, str)
    )


def _no_answer(stmt: ast.stmt) -> bool:
    """`return None`, `return []`, `return {}`: nothing found."""
    if not isinstance(stmt, ast.Return):
        return False
    value = stmt.value
    if value is None or (isinstance(value, ast.Constant) and value.value is None):
        return True
    if isinstance(value, ast.List | ast.Tuple | ast.Set | ast.Dict):
        return not (value.keys if isinstance(value, ast.Dict) else value.elts)
    return False


def _keeps_prior_value(ctx: FileContext, try_node: ast.stmt, stmt: ast.stmt) -> bool:
    """`code = None` in a handler when `code = None` was also the last assignment before
    the `try` (in its block or the `if`/`with` blocks around it): the handler changes
    nothing, like `pass`."""
    if not isinstance(stmt, ast.Assign) or len(stmt.targets) != 1:
        return False
    target = stmt.targets[0]
    if not isinstance(target, ast.Name) or not _constant_fallback(stmt.value):
        return False
    scope = scope_of(ctx, try_node.lineno)
    if not isinstance(scope, ast.FunctionDef | ast.AsyncFunctionDef):
        return False
    path = _block_path(scope.body, try_node)
    for owner, block, index in reversed(path or []):
        for before in reversed(block[:index]):
            assigned = _assigns(before, target.id)
            if assigned is None:
                continue
            return isinstance(assigned, ast.expr) and ast.dump(assigned) == ast.dump(stmt.value)
        if not isinstance(owner, ast.If | ast.With | ast.AsyncWith):
            return False  # a loop or handler may have changed it since
    return False


def _assigns(stmt: ast.stmt, name: str) -> ast.expr | bool | None:
    """The value `stmt` assigns to `name` if it is a plain `name = value`; False if it
    changes `name` some other way; None if it leaves `name` alone."""
    if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
        target = stmt.targets[0]
        if isinstance(target, ast.Name) and target.id == name:
            return stmt.value
    for node in ast.walk(stmt):
        if isinstance(node, ast.Name) and node.id == name and isinstance(node.ctx, ast.Store):
            return False
    return None


def _names_the_input(ctx: FileContext, call: ast.Call, inputs: set[str]) -> bool:
    """`logger.warning("Invalid network {}".format(entry))` after `IPNetwork(entry)`:
    the log line says which value was malformed, so the failure is not silent."""
    func = call.func
    if not isinstance(func, ast.Attribute) or not (
        func.attr in _LOG_METHODS and _is_logger(ctx, func.value)
    ):
        return False
    named = {
        n.id
        for arg in [*call.args, *(kw.value for kw in call.keywords)]
        for n in ast.walk(arg)
        if isinstance(n, ast.Name)
    }
    return bool(named & inputs)


def _guarded(ctx: FileContext, body: list[ast.stmt]) -> _Guarded | None:
    """What the guarded code does, if it only parses or converts data (`int(x)`,
    `json.loads`, `datetime.strptime`, `urlparse`, `.get`, indexing, deleting a key,
    collecting into a local list) or probes the system (`os.stat`, `os.path.*`,
    `shutil.which`, `socket.getaddrinfo`, `importlib.metadata.version`, reading
    `/proc/...`, `git describe`); None if it does anything else."""
    statements = list(walk_statements(body))
    if not statements or len(statements) > 16:
        return None
    found = _Guarded()
    handles: set[str] = set()  # files opened by a probe: `with open("/proc/...") as f`
    parsed: set[str] = set()  # documents decoded here: `dom = parse(path)`
    calls = 0
    for stmt in statements:
        if isinstance(stmt, ast.Delete):
            if not all(isinstance(t, ast.Subscript) for t in stmt.targets):
                return None
            calls += 1
            continue
        if not isinstance(stmt, _PARSING_STATEMENTS):
            return None
        if isinstance(stmt, ast.Expr) and not isinstance(stmt.value, ast.Call):
            return None
        header: list[ast.AST]
        if isinstance(stmt, ast.Try):
            continue  # its blocks are walked as statements of their own
        if isinstance(stmt, ast.Raise):
            # `raise FileNotFoundError()` inside the try: a jump to its own handler
            if not _raises_to_handler(stmt):
                return None
            continue
        if isinstance(stmt, ast.Assert):
            # `assert message.attributes` as a test: the handler is its "else"
            found.converted = True
            found.converts.update(n.id for n in ast.walk(stmt.test) if isinstance(n, ast.Name))
            header = [stmt.test]
            calls += 1
        elif isinstance(stmt, ast.If):
            header = [stmt.test]
        elif isinstance(stmt, ast.For):
            header = [stmt.target, stmt.iter]
        elif isinstance(stmt, ast.With):
            header = [item.context_expr for item in stmt.items]
            for item in stmt.items:
                if not _probe_call(ctx, item.context_expr, handles):
                    return None
                if isinstance(item.optional_vars, ast.Name):
                    handles.add(item.optional_vars.id)
        else:
            header = [stmt]
        if isinstance(stmt, ast.Assign | ast.AnnAssign | ast.AugAssign):
            targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
            found.targets.update(ast.unparse(t) for t in targets)
        elif isinstance(stmt, ast.Return) and stmt.value is not None:
            found.returns.append(stmt.value)
        for part in header:
            handles.update(_probe_entries(ctx, part, handles))
            for node in ast.walk(part):
                if isinstance(node, ast.Await | ast.Lambda | ast.NamedExpr | ast.Yield):
                    return None
                if isinstance(node, ast.Call):
                    if _probe_call(ctx, node, handles):
                        found.probes = True
                    elif _log_line(ctx, node) or _GET_LOGGER.match(_leaf(node.func)):
                        pass  # a log line, or the logger for one: losing it loses output
                    elif _reads_parsed(node, parsed):
                        pass  # `dom.getElementsByTagName("path")` reads what was decoded
                    elif _parser_call(node):
                        leaf = _leaf(node.func)
                        if leaf not in _NOT_CONVERSIONS or _decodes_bytes(node):
                            found.converted = True
                            found.converts.update(
                                n.id
                                for arg in node.args
                                for n in ast.walk(arg)
                                if isinstance(n, ast.Name) and n.id != "self"
                            )
                    else:
                        return None
                    calls += 1
                elif isinstance(node, ast.Subscript):
                    calls += 1
        parsed.update(_decoded_names(stmt))
    if _attribute_probe(statements):
        found.probes = True
        return found
    return found if calls > 0 else None


# `get_run_logger()`, `logging.getLogger(name)`, `get_task_logger()`: fetching a logger.
_GET_LOGGER = re.compile(r"(?i)^(?:get_?(?:\w+_)?logger)$")


def _raises_to_handler(stmt: ast.Raise) -> bool:
    """`raise FileNotFoundError()` inside the try: a jump to its own handler, building
    nothing that could fail. A plain `raise Exception()` used to leave a loop is not one:
    the broad handler it needs then also hides every other error of the loop."""
    exc = stmt.exc
    if isinstance(exc, ast.Call):
        if exc.keywords or any(not isinstance(a, ast.Constant | ast.Name) for a in exc.args):
            return False
        exc = exc.func
    return (
        isinstance(exc, ast.Name)
        and exc.id.endswith(("Error", "Exception"))
        and exc.id not in ("Exception", "BaseException")
    )


def _decodes_bytes(call: ast.Call) -> bool:
    """`str(raw, encoding)`: decoding bytes, which fails on data in another encoding."""
    return _leaf(call.func) == "str" and (
        len(call.args) > 1 or any(kw.arg in ("encoding", "errors") for kw in call.keywords)
    )


def _decoded_names(stmt: ast.stmt) -> set[str]:
    """`dom` in `dom = parse(path)` or `img = Image.open(upload)`: a document decoded by a
    conversion, whose getters only read what was decoded."""
    if not isinstance(stmt, ast.Assign) or not isinstance(stmt.value, ast.Call):
        return set()
    call = stmt.value
    if not _parser_call(call) or _leaf(call.func) in _NOT_CONVERSIONS:
        return set()
    return {t.id for t in stmt.targets if isinstance(t, ast.Name)}


def _reads_parsed(call: ast.Call, parsed: set[str]) -> bool:
    """`img.getexif()`, `dom.getElementsByTagName("p")`: a getter of a decoded document."""
    func = call.func
    return (
        isinstance(func, ast.Attribute)
        and isinstance(func.value, ast.Name)
        and func.value.id in parsed
        and func.attr.lstrip("_").startswith(("get", "find"))
    )


def _probe_entries(ctx: FileContext, part: ast.AST, handles: set[str]) -> set[str]:
    """`e` in `[e.name for e in os.scandir(d) if e.is_file()]`: entries of a directory
    listing, whose `is_file()` or `stat()` only asks more about what was listed."""
    return {
        target.id
        for node in ast.walk(part)
        if isinstance(node, ast.comprehension) and _probe_call(ctx, node.iter, handles)
        for target in ast.walk(node.target)
        if isinstance(target, ast.Name)
    }


def _attribute_probe(statements: list[ast.stmt]) -> bool:
    """`account = token.account_object` (also `... or ""`),
    `fido2.features.json_mapping.enabled = True`: a try that only reads an attribute (a
    reverse one-to-one relation, an owner resolved on access) or sets a flag an older
    version of a library lacks; a failure means "not there"."""
    for stmt in statements:
        if isinstance(stmt, ast.If) and _none_test(stmt.test) and not stmt.orelse:
            continue  # `if name is None:` around a second look-up (walked on its own)
        if not isinstance(stmt, ast.Assign) or len(stmt.targets) != 1:
            return False
        target, value = stmt.targets[0], stmt.value
        if isinstance(value, ast.BoolOp) and isinstance(value.op, ast.Or):
            # `node_id = event.node.unique_id or ""`: the chain, or a constant when empty
            *reads, default = value.values
            if len(reads) == 1 and isinstance(default, ast.Constant):
                value = reads[0]
        if isinstance(target, ast.Name) and (_attribute_chain(value) or _first_key(value)):
            continue
        if _attribute_chain(target) and isinstance(value, ast.Constant):
            continue
        return False
    return True


def _none_test(test: ast.expr) -> bool:
    """`name is None`"""
    return (
        isinstance(test, ast.Compare)
        and isinstance(test.left, ast.Name)
        and len(test.ops) == 1
        and isinstance(test.ops[0], ast.Is)
        and isinstance(test.comparators[0], ast.Constant)
        and test.comparators[0].value is None
    )


def _first_key(node: ast.expr) -> bool:
    """`model.__table__.primary_key.columns.keys()[0]`: the first key of a mapping reached
    through attributes, which is "not there" (IndexError) when the mapping is empty."""
    if not isinstance(node, ast.Subscript) or not isinstance(node.slice, ast.Constant):
        return False
    call = node.value
    return (
        isinstance(call, ast.Call)
        and not call.args
        and isinstance(call.func, ast.Attribute)
        and call.func.attr in ("keys", "values", "items")
        and _attribute_chain(call.func.value)
    )


def _attribute_chain(node: ast.expr) -> bool:
    """`a.b.c`: attributes of a name, nothing called or indexed on the way."""
    if not isinstance(node, ast.Attribute):
        return False
    while isinstance(node, ast.Attribute):
        node = node.value
    return isinstance(node, ast.Name)


_PARSING_STATEMENTS = (
    ast.Assign,
    ast.AnnAssign,
    ast.AugAssign,
    ast.Return,
    ast.Expr,
    ast.If,
    ast.For,
    ast.With,
    ast.Break,
    ast.Continue,
    ast.Pass,
    ast.Assert,
    ast.Raise,
    ast.Try,
)
_REMOTE_OWNER = re.compile(
    r"cache|client|session|redis|request|http|api|conn|db|store|remote|memcache|s3|bucket"
)
_COLLECT = frozenset({"append", "add", "extend", "insert", "setdefault"})


# Decoding a part of a parsed e-mail message (`part.get_payload(decode=True)`).
_MIME_DECODERS = ("get_content", "get_payload")
# Rendering a value in a textual format: it fails only when the value cannot be expressed.
_FORMAT_EXPORT = re.compile(
    r"(?i)^(?:export_?)?to_?(?:wkt|wkb|proj4?|projjson|json|xml|gml|kml|geojson|yaml)$"
)


def _image_decode(func: ast.expr) -> bool:
    """`Image.open(upload)` reads an image header (raising for anything that is not an
    image), and `Image.open(upload).verify()` checks the rest: a probe of uploaded data."""
    if not isinstance(func, ast.Attribute):
        return False
    if func.attr == "open":
        return ast.unparse(func.value).rsplit(".", 1)[-1] in ("Image", "PilImage", "PILImage")
    inner = func.value
    return (
        func.attr in ("verify", "load")
        and isinstance(inner, ast.Call)
        and _image_decode(inner.func)
    )


def _leaf(func: ast.expr) -> str:
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def _parser_call(call: ast.Call) -> bool:
    func = call.func
    leaf = _leaf(func)
    if leaf == "json" and isinstance(func, ast.Attribute) and not call.args:
        return not call.keywords  # `response.json()`: decoding a body already received
    if leaf in _TEXT_SEARCH and isinstance(func, ast.Attribute):
        # `path["version"].find(v)`: a string method; `collection.find(q)` is a query, but
        # `item.find("plugin_name")` looks a literal path up in text or an XML element
        # (a query takes a filter document, not a string)
        path = call.args[0] if len(call.args) == 1 else None
        return (
            leaf in ("startswith", "endswith")
            or isinstance(func.value, ast.Subscript)
            or (isinstance(path, ast.Constant) and isinstance(path.value, str))
        )
    if isinstance(func, ast.Name) and leaf in _CONSTRUCTORS:
        return True  # `list(set(mentions))`: a collection of what was found
    if leaf in _COLLECT and isinstance(func, ast.Attribute) and _local_store(func.value):
        return True  # `found.setdefault(key, []).append(item)`: collecting into a local
    if leaf in ("get", "pop", *_MIME_DECODERS) and isinstance(func, ast.Attribute):
        # `watch.get("x")` reads a dict; `cache.get(key)` or `session.get(url)` is I/O, and
        # so is `Playlist.objects.get(friendly_token=t)`: a dict's takes no keywords
        if _REMOTE_OWNER.search(ast.unparse(func.value).lower()):
            return False
        if leaf in ("get", "pop") and call.keywords:
            return False
        return leaf in ("get", "pop") or not call.args  # `part.get_content()` decodes a MIME part
    if leaf in _PARSERS or leaf.startswith(_PARSER_PREFIXES) or leaf.endswith("_loads"):
        return True
    if _image_decode(func):
        return True
    # `srs.ExportToProj4()`, `shape.to_wkt()`: the same value in another form
    return bool(_FORMAT_EXPORT.match(leaf)) and not call.args


# Built-in constructors: `cache.set(k, v)` is no `set(items)`, so only as plain names.
_CONSTRUCTORS = frozenset({"list", "set", "tuple", "sorted"})
# String searches: pure, unless `find` is a database query (`collection.find(q)`).
_TEXT_SEARCH = frozenset({"find", "rfind", "startswith", "endswith"})


def _local_store(node: ast.expr) -> bool:
    """`items`, `items[key]` or `items.setdefault(key, [])`: a container held in a name."""
    if isinstance(node, ast.Subscript):
        node = node.value
    elif (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "setdefault"
    ):
        node = node.func.value
    return isinstance(node, ast.Name)


def _probe_call(ctx: FileContext, node: ast.AST, handles: set[str]) -> bool:
    """`os.stat(p)`, `shutil.which("git")`, `socket.getaddrinfo(host, 80)`,
    `subprocess.run(["git", "describe"])`, `open("/proc/self/cgroup")`, `path.exists()`,
    `f.read()` of such a file: a read-only question about the system."""
    if not isinstance(node, ast.Call):
        return False
    name = ctx.call_name(node)
    func = node.func
    if name.startswith(_PROBE_PREFIXES):
        return True
    if name in _PROBE_CALLS:
        if name in ("open", "io.open"):
            path = node.args[0] if node.args else None
            mode = node.args[1] if len(node.args) > 1 else None
            return (
                isinstance(path, ast.Constant)
                and isinstance(path.value, str)
                and path.value.startswith(_SYSTEM_FILES)
                and (mode is None or (isinstance(mode, ast.Constant) and mode.value in ("r", "rb")))
            )
        if name.startswith("subprocess."):
            return _probe_command(node)
        return True
    if isinstance(func, ast.Attribute):
        receiver = func.value
        if func.attr in ("read", "readline", "readlines"):
            return isinstance(receiver, ast.Name) and receiver.id in handles
        if func.attr in _PATH_PROBES and not node.args:
            if isinstance(receiver, ast.Name) and receiver.id in handles:
                return True  # `entry.is_file()` of a listed directory entry
            text = ast.unparse(receiver).lower()
            return "objects" not in text and any(w in text for w in ("path", "dir", "file"))
    return False


def _probe_command(call: ast.Call) -> bool:
    argv = call.args[0] if call.args else None
    if not isinstance(argv, ast.List | ast.Tuple) or not argv.elts:
        return False
    words = [e.value if isinstance(e, ast.Constant) else None for e in argv.elts[:2]]
    if words[1:] == ["--version"] and len(argv.elts) == 2:
        return True  # `[path, "--version"]`: which version of a program is installed
    if words[0] not in _PROBE_COMMANDS:
        return False
    return words[0] != "git" or (len(words) > 1 and words[1] in _GIT_QUERIES)


def walk_statements(body: list[ast.stmt]) -> Iterator[ast.stmt]:
    """Every statement of `body`, nested `if`/`for`/`with`/`try` blocks included."""
    for stmt in body:
        yield stmt
        if isinstance(stmt, ast.If | ast.For):
            yield from walk_statements(stmt.body)
            yield from walk_statements(stmt.orelse)
        elif isinstance(stmt, ast.With):
            yield from walk_statements(stmt.body)
        elif isinstance(stmt, ast.Try):
            for block in (stmt.body, *(h.body for h in stmt.handlers), stmt.orelse):
                yield from walk_statements(block)
            yield from walk_statements(stmt.finalbody)


def _expression_call(stmt: ast.stmt) -> ast.Call | None:
    """The call of an expression statement `f()` or `await f()`."""
    if not isinstance(stmt, ast.Expr):
        return None
    value = stmt.value.value if isinstance(stmt.value, ast.Await) else stmt.value
    return value if isinstance(value, ast.Call) else None


def _try_of(ctx: FileContext, handler: ast.ExceptHandler) -> ast.Try | ast.TryStar | None:
    """The `try` statement owning `handler`, found by walking only its enclosing scope."""
    scope = scope_of(ctx, handler.lineno)
    if scope is None:
        return None
    for node in (scope, *walk_own(scope)):
        if isinstance(node, ast.Try | ast.TryStar) and handler in node.handlers:
            return node
    return None


def _falls_through(body: list[ast.stmt]) -> bool:
    """Does the handler end by carrying on after the `try` statement?"""
    return not any(
        isinstance(node, ast.Return | ast.Continue | ast.Break | ast.Raise)
        for stmt in body
        for node in (stmt, *walk_own(stmt))
    )


def _fails_after(ctx: FileContext, try_node: ast.Try | ast.TryStar) -> bool:
    """`except Exception: pass` followed by `return HttpResponse(status=500)` or `raise`:
    the statement run next reports the failure, so the handler only skips to it. Attempts
    that return on success are followed through: the next `try` of a chain of them
    (`try: return dict(o) ... try: return list(o) ...`), and the statement after a loop
    of them (`for family in families: try: ...; return True` then `return False`)."""
    following = _next_statement(ctx, try_node)
    current: ast.stmt = try_node
    flag_loop: ast.For | ast.AsyncFor | None = None  # attempts that `break` when they work
    for _ in range(8):
        if following is None and _attempt(current, loop_exit=True):
            loop = _enclosing_loop(ctx, current)
            if loop is not None and loop.orelse:
                # `for role in roles: try: ...; return/break ... else: raise NoConnection`:
                # the `else` runs only when no attempt worked
                following = loop.orelse[0]
                break
            if loop is not None and _attempt(current):
                current = loop
                following = _next_statement(ctx, loop)
                continue
            if loop is not None:  # `break` on success: what follows runs either way
                flag_loop = loop
                following = _next_statement(ctx, loop)
                break
        if isinstance(following, ast.Try) and _attempt(following):
            current = following
            following = _next_statement(ctx, following)
            continue
        break
    if following is None:
        return False
    if isinstance(following, ast.Raise):
        return True
    if flag_loop is not None:  # only a result that says whether an attempt worked
        return (
            isinstance(following, ast.Return)
            and following.value is not None
            and _success_flag(ctx, flag_loop, following.value)
        )
    if isinstance(following, ast.Return):
        value = following.value
        return value is not None and (
            _failure_value(ctx, value) or _base_raises(ctx, try_node, value)
        )
    call = _expression_call(following)
    if call is not None:
        leaf = ctx.call_name(call).rsplit(".", 1)[-1]
        return leaf in ("abort", "exit", "_exit", "fail") or _base_raises(ctx, try_node, call)
    return False


def _attempt(stmt: ast.stmt, *, loop_exit: bool = False) -> bool:
    """A `try` that returns when it works (or, with `loop_exit`, leaves its loop with
    `break`) and whose handlers only move on (`pass`)."""
    if not isinstance(stmt, ast.Try) or stmt.orelse or stmt.finalbody:
        return False
    if not all(all(isinstance(b, ast.Pass) for b in h.body) for h in stmt.handlers):
        return False
    return any(
        isinstance(node, ast.Return) or (loop_exit and isinstance(node, ast.Break))
        for node in _outside_loops(stmt.body)
    )


def _outside_loops(body: list[ast.stmt]) -> Iterator[ast.AST]:
    """The nodes of `body`, not descending into nested loops or functions (whose `break`
    and `return` are their own)."""
    stack: list[ast.AST] = list(body)
    while stack:
        node = stack.pop()
        yield node
        if not isinstance(
            node,
            ast.For
            | ast.AsyncFor
            | ast.While
            | ast.FunctionDef
            | ast.AsyncFunctionDef
            | ast.ClassDef
            | ast.Lambda,
        ):
            stack.extend(ast.iter_child_nodes(node))


def _success_flag(ctx: FileContext, loop: ast.For | ast.AsyncFor, value: ast.expr) -> bool:
    """`return success, msg` after `success = False` and a loop of attempts that set
    `success = True` before they `break`: the result tells the caller none worked."""
    if isinstance(value, ast.Tuple) and value.elts:
        value = value.elts[0]
    if not isinstance(value, ast.Name):
        return False
    scope = scope_of(ctx, loop.lineno)
    if scope is None:
        return False
    inside = {id(n) for n in walk_own(loop)}
    initial = False
    for node in walk_own(scope):
        if not isinstance(node, ast.Assign) or not any(
            isinstance(t, ast.Name) and t.id == value.id for t in node.targets
        ):
            continue
        flag = node.value.value if isinstance(node.value, ast.Constant) else None
        if id(node) in inside:
            if flag is not True:
                return False
        elif flag is False and node.lineno < loop.lineno:
            initial = True
        else:
            return False
    return initial


def _enclosing_loop(ctx: FileContext, target: ast.stmt) -> ast.For | ast.AsyncFor | None:
    """The `for` loop whose body ends with `target`."""
    scope = scope_of(ctx, target.lineno)
    if not isinstance(scope, ast.FunctionDef | ast.AsyncFunctionDef):
        return None
    path = _block_path(scope.body, target)
    if not path:
        return None
    owner, block, index = path[-1]
    if (
        isinstance(owner, ast.For | ast.AsyncFor)
        and block is owner.body
        and index == len(block) - 1
    ):
        return owner
    return None


def _next_statement(ctx: FileContext, target: ast.stmt) -> ast.stmt | None:
    """The statement that runs after `target` completes normally, following it out of
    `if`/`with`/`try` blocks; None at the end of a function or a loop body."""
    scope = scope_of(ctx, target.lineno)
    if scope is None:
        return None
    roots: list[ast.stmt]
    if isinstance(scope, ast.FunctionDef | ast.AsyncFunctionDef):
        roots = scope.body
    elif isinstance(scope, ast.stmt):
        roots = ctx.tree.body  # module level: the statement's siblings follow it
    else:
        return None
    path = _block_path(roots, target)
    if path is None:
        return None
    for owner, block, index in reversed(path):
        if index + 1 < len(block):
            return block[index + 1]
        if isinstance(owner, ast.For | ast.AsyncFor | ast.While):
            return None  # the next iteration
    return None


_Step = tuple[ast.AST | None, list[ast.stmt], int]


def _block_path(roots: list[ast.stmt], target: ast.stmt) -> list[_Step] | None:
    """(statement owning the block, the block, index in it) from `roots` down to `target`."""
    stack: list[tuple[ast.AST | None, list[ast.stmt], list[_Step]]] = [(None, roots, [])]
    while stack:
        owner, block, path = stack.pop()
        for index, stmt in enumerate(block):
            here = [*path, (owner, block, index)]
            if stmt is target:
                return here
            if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                continue
            for name in ("body", "orelse", "finalbody"):
                inner = getattr(stmt, name, None)
                if isinstance(inner, list) and inner and isinstance(inner[0], ast.stmt):
                    stack.append((stmt, inner, here))
            for handler in getattr(stmt, "handlers", []):
                stack.append((stmt, handler.body, here))
            for case in getattr(stmt, "cases", []):
                stack.append((stmt, case.body, here))
    return None


def _failure_value(ctx: FileContext, value: ast.expr) -> bool:
    """`False`, `-1`, `"failed"`, an error response or status: the caller sees a failure."""
    if isinstance(value, ast.Constant):
        if value.value is False or _failure_text(value.value):
            return True
        return isinstance(value.value, int | float) and value.value < 0
    if isinstance(value, ast.Dict):
        return _error_payload(value)
    if isinstance(value, ast.Tuple):
        return any(_error_status(e) for e in value.elts[1:]) or (
            bool(value.elts) and _failure_value(ctx, value.elts[0])
        )
    if isinstance(value, ast.Call):
        name = ctx.call_name(value).rsplit(".", 1)[-1]
        if name in _RESPONSES:
            for kw in value.keywords:
                if kw.arg in ("status", "status_code") and _error_status(kw.value):
                    return True
            return any(_error_status(a) for a in value.args[1:]) or any(
                isinstance(a, ast.Dict) and _error_payload(a) for a in value.args
            )
        return name in _ERROR_RESPONSES
    return False


_ERROR_RESPONSES = frozenset(
    {
        "HttpResponseBadRequest",
        "HttpResponseForbidden",
        "HttpResponseNotFound",
        "HttpResponseNotAllowed",
        "HttpResponseGone",
        "HttpResponseServerError",
    }
)


def _base_raises(ctx: FileContext, try_node: ast.stmt, value: ast.expr) -> bool:
    """`return super().default(o)` in a JSON encoder: the base implementation raises
    `TypeError` for what it cannot serialise, so the failure still surfaces."""
    if not isinstance(value, ast.Call) or not isinstance(value.func, ast.Attribute):
        return False
    receiver = value.func.value
    explicit = ast.unparse(receiver).endswith("Encoder")  # `json.JSONEncoder.default(self, o)`
    if not (isinstance(receiver, ast.Call) and ctx.call_name(receiver) == "super") and not explicit:
        return False
    fn = innermost_function(ctx, try_node.lineno)
    if fn is None or fn.name != value.func.attr or fn.name != "default":
        return False
    for cls in ctx.classes:
        if fn in cls.body:
            return any(ast.unparse(base).endswith("Encoder") for base in cls.bases)
    return False


def _first_call(ctx: FileContext, body: list[ast.stmt]) -> str:
    calls = [
        node
        for stmt in body
        for node in (stmt, *walk_own(stmt))
        if isinstance(node, ast.Call) and ctx.call_name(node)
    ]
    if not calls:
        return ""
    first = min(calls, key=lambda c: (c.lineno, c.col_offset))
    return f"{ctx.call_name(first)}()"
