"""PR103 swallowed-exception: broad handlers that make a failure look like success."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator

from prodready.scan.context import FileContext
from prodready.scan.registry import Hit, rule
from prodready.scan.rules._names import innermost_function, scope_of, walk_own

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
    }
)
# Best-effort telemetry: a metric or event that could not be sent changes no outcome.
_TELEMETRY = frozenset({"emit", "emit_event", "emit_metric", "track_event", "record_metric"})
_TELEMETRY_OWNER = re.compile(r"metric|statsd|telemetry|analytics|tracker|datadog|prometheus")
# Evicting a cache entry: if it fails, the entry is only stale or read again.
_CACHE_EVICT = frozenset({"delete", "delete_many", "invalidate", "evict", "pop"})
# Finalisers and shutdown paths: errors there have nowhere better to go.
_CLEANUP_FUNCTIONS = frozenset(
    {"__del__", "__exit__", "__aexit__", "close", "aclose", "shutdown", "cleanup", "teardown"}
)
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


@rule(
    "PR103", "swallowed-exception", "swallowed-exception", severity="warning", confidence="medium"
)
def check(ctx: FileContext) -> Iterator[Hit]:
    """
    What it does:
        Finds bare `except:` and `except Exception`/`except BaseException` handlers (also in
        a tuple, and `contextlib.suppress(Exception)`) whose body neither re-raises, logs
        with the exception (`logger.exception`, `exc_info=`, the caught exception as an
        argument), reports it (Sentry, `traceback`), nor uses the caught exception, and only
        does `pass`, `continue`, `break`, `return None`, returns a success value (a constant,
        an empty collection, a 2xx response, the caller's `default`), assigns a constant
        fallback, rolls back, or logs or prints a message without the exception. Not
        flagged: narrow handlers (`except FileNotFoundError: pass`), optional imports
        (`import x`, `importlib.import_module()`), `__del__`, `__exit__` and `close()`
        methods, best-effort clean-up (`conn.close()`, `os.remove()`, `shutil.rmtree()`,
        evicting a cache entry with `cache.delete(key)`) and telemetry (`emit(...)`,
        `metrics.incr(...)`), handlers that return `False`, an error response (also a
        `(body, 4xx)` tuple) or a value that says it failed (`"failed"`, `"read_failed"`,
        `"could not ..."`), handlers that only fall through to a statement
        that reports the failure (`raise`, `return HttpResponse(status=500)`, a JSON
        encoder's `return super().default(o)`), handlers that only `pass`, `continue` or
        `break` around parsing of data (`int()`, `float()`, `json.loads`, `strptime`,
        `urlparse`, `.get` on a dict, indexing, `del d[key]`: a malformed or missing item
        is skipped or the previous value kept on purpose), handlers with a comment inside,
        on the `except` line or right above it that explains why the error is ignored
        ("optional", "best effort", "not crucial", "not available on ..."): a documented
        decision, not a silent one, and handlers that do anything else.
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
                _cleanup(try_node.body, all(isinstance(b, ast.Pass) for b in handler.body))
                and not _returns(handler.body)
            )
            or (_falls_through(handler.body) and _fails_after(ctx, try_node))
            or (
                _parsing_fallback(ctx, try_node.body)
                and all(isinstance(b, ast.Pass | ast.Continue | ast.Break) for b in handler.body)
            )
        ):
            continue
        if _documented(ctx, handler):
            continue
        fn = innermost_function(ctx, handler.lineno)
        if fn is not None and fn.name in _CLEANUP_FUNCTIONS:
            continue
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
                or _cleanup(with_node.body, not broad_arg.endswith("BaseException"))
                or _optional_import(ctx, with_node.body)
            ):
                continue
            fn = innermost_function(ctx, with_node.lineno)
            where = f" in {fn.name}()" if fn is not None else ""
            source = _first_call(ctx, with_node.body)
            around = f" around {source}" if source else ""
            yield Hit(
                with_node.lineno,
                with_node.lineno,
                f"`suppress({broad_arg.rsplit('.', 1)[-1]})`{where}{around} discards every "
                "error without a trace",
            )


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
    for node in (n for stmt in body for n in (stmt, *walk_own(stmt))):
        if isinstance(node, ast.Raise):
            return None
        if isinstance(node, ast.Name) and name is not None and node.id == name:
            return None
        if isinstance(node, ast.Call) and _records_error(ctx, node):
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


def _cleanup(body: list[ast.stmt], best_effort: bool = False) -> bool:
    """Is the guarded code only best-effort clean-up calls? With `best_effort` (a handler
    that only passes, `suppress(Exception)`), telemetry and cache eviction count too."""
    if not body:
        return False
    for stmt in body:
        call = _expression_call(stmt)
        if call is None:
            return False
        func = call.func
        leaf = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        owner = ast.unparse(func.value).lower() if isinstance(func, ast.Attribute) else ""
        if leaf in _CLEANUP:
            continue
        if best_effort and (leaf in _TELEMETRY or _TELEMETRY_OWNER.search(owner)):
            continue
        if best_effort and leaf in _CACHE_EVICT and "cache" in owner:
            continue  # `cache.delete(key)` of a corrupt entry: the next read misses
        return False
    return True


_DOCUMENTED = re.compile(
    r"(?i)\b(?:ignor\w*|optional\w*|non[- ]?(?:critical|crucial|fatal|essential)"
    r"|(?:not|isn't)\s+(?:available\s+on|supported\s+on)|(?:not|isn't)\s+(?:crucial"
    r"|critical|important|essential|fatal)|best[- ]effort|(?:is|are|be|that's|it's)\s+fine"
    r"|harmless|doesn't\s+matter|don't\s+care|can\s+be\s+safely)\b"
)
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
        "loads",
        "strptime",
        "fromtimestamp",
        "utcfromtimestamp",
        "fromisoformat",
        "parse",
        "parse_date",
        "parsedate",
        "parsedate_to_datetime",
        "isoparse",
        "urlparse",
        "urlsplit",
        "parseaddr",
        "get",
        "search",
        "match",
        "fullmatch",
        "group",
        "groups",
        "split",
        "strip",
        "format",
        "partition",
        "rpartition",
        "rstrip",
        "lstrip",
        "lower",
        "upper",
        "replace",
        "eval_xpath",
        "eval_xpath_list",
        "eval_xpath_getindex",
        "extract_text",
    }
)


def _documented(ctx: FileContext, handler: ast.ExceptHandler) -> bool:
    """A comment in the handler, on its `except` line or right above it explaining why
    the error is ignored ("optional", "best effort", "not crucial") is a documented
    decision, not silent swallowing."""
    end = handler.end_lineno or handler.lineno
    for line in range(handler.lineno - 1, end + 1):
        text = ctx.line_text(line)
        if "#" in text and _DOCUMENTED.search(text[text.index("#") :]):
            return True
    return False


def _parsing_fallback(ctx: FileContext, body: list[ast.stmt]) -> bool:
    """Is the guarded code only parsing or conversion of data (`int(x)`, `json.loads`,
    `datetime.strptime`, `urlparse`, `.get`, indexing, deleting a key), possibly collected
    into a local list or set? Falling back to a default then handles malformed or missing
    input on purpose."""
    statements = [s for s in walk_statements(body)]
    if not statements or len(statements) > 8:
        return False
    calls = 0
    for stmt in statements:
        if isinstance(stmt, ast.Delete):
            if not all(isinstance(t, ast.Subscript) for t in stmt.targets):
                return False
            calls += 1
            continue
        if not isinstance(stmt, _PARSING_STATEMENTS):
            return False
        if isinstance(stmt, ast.Expr) and not isinstance(stmt.value, ast.Call):
            return False
        header: list[ast.AST] = (
            [stmt.test]
            if isinstance(stmt, ast.If)
            else [stmt.target, stmt.iter]
            if isinstance(stmt, ast.For)
            else [stmt]
        )
        for part in header:
            for node in ast.walk(part):
                if isinstance(node, ast.Await | ast.Lambda | ast.NamedExpr | ast.Yield):
                    return False
                if isinstance(node, ast.Call):
                    if not _parser_call(node):
                        return False
                    calls += 1
                elif isinstance(node, ast.Subscript):
                    calls += 1
    return calls > 0


_PARSING_STATEMENTS = (
    ast.Assign,
    ast.AnnAssign,
    ast.AugAssign,
    ast.Return,
    ast.Expr,
    ast.If,
    ast.For,
    ast.Break,
    ast.Continue,
    ast.Pass,
)
_REMOTE_OWNER = re.compile(
    r"cache|client|session|redis|request|http|api|conn|db|store|remote|memcache|s3|bucket"
)
_COLLECT = frozenset({"append", "add", "extend", "setdefault"})


def _parser_call(call: ast.Call) -> bool:
    func = call.func
    leaf = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
    if leaf == "get" and isinstance(func, ast.Attribute):
        # `watch.get("x")` reads a dict; `cache.get(key)` or `session.get(url)` is I/O
        return not _REMOTE_OWNER.search(ast.unparse(func.value).lower())
    if leaf in _PARSERS or leaf.startswith(("parse", "strip", "to_int", "to_float")):
        return True
    return leaf in _COLLECT and isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name)


def walk_statements(body: list[ast.stmt]) -> Iterator[ast.stmt]:
    """Every statement of `body`, nested `if`/`for` blocks included."""
    for stmt in body:
        yield stmt
        if isinstance(stmt, ast.If | ast.For):
            yield from walk_statements(stmt.body)
            yield from walk_statements(stmt.orelse)


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
    the statement run next reports the failure, so the handler only skips to it."""
    following = _next_statement(ctx, try_node)
    if following is None:
        return False
    if isinstance(following, ast.Raise):
        return True
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
    if not (isinstance(receiver, ast.Call) and ctx.call_name(receiver) == "super"):
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
