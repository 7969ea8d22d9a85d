"""New routes, jobs and outbound calls in a change, and whether their failures are visible.

Only what the change adds counts: a route whose decorator line is new, a job whose
decorator is new, a function with a new outbound call. "Visible" means the function logs,
records a metric or reports to an error tracker somewhere in its body: a failure there
leaves a trace someone can alert on.
"""

from __future__ import annotations

import ast
import bisect
import re
from collections.abc import Iterable

from prodready.gate.change import parse_python
from prodready.gate.context import EntryPoint
from prodready.repo.python_facts import dotted

_BODIES = ("body", "orelse", "finalbody", "handlers", "cases")
_ROUTE_ATTRS = frozenset(
    {"route", "get", "post", "put", "patch", "delete", "api_route", "websocket"}
)
_JOB_DECORATORS = re.compile(
    r"(^|\.)(shared_task|task|periodic_task|actor|job|cron|scheduled_job)$"
)
_OUTBOUND = re.compile(
    r"^(requests|httpx|aiohttp|urllib3|urllib\.request|boto3|smtplib|stripe|twilio|sendgrid|"
    r"slack_sdk|braintree|paypalrestsdk|grpc)\b|\.(urlopen|post|get|put|patch|request)$"
)
_LOG = re.compile(
    r"^(log|logger|logging|_log|_logger|LOG|LOGGER|structlog|current_app\.logger|app\.logger)\b"
)
_METRIC = re.compile(r"\.(inc|dec|observe|labels|incr|increment|timing|gauge|histogram)\s*$")
# OpenTelemetry's counter.add(1): only on something named like a metric, since
# `db.session.add(order)` and `seen.add(key)` record nothing anyone can alert on
_METRIC_ADD = re.compile(
    r"(^|\.)([A-Z][A-Z0-9_]*|(?i:\w*(counter|metric|meter|histogram|gauge)\w*))\.add$"
)
_REPORT = re.compile(r"(capture_exception|capture_message|report_exc|notify|rollbar\.report)")


def entry_points(path: str, source: str, added: Iterable[int]) -> list[EntryPoint]:
    try:
        tree = parse_python(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return []
    new = frozenset(added)
    points: list[EntryPoint] = []
    for fn in _functions_touching(tree, sorted(new)):
        kind = _kind(fn, new)
        if kind is None:
            continue
        observed, how = _observability(fn)
        points.append(EntryPoint(kind, path, fn.lineno, fn.name, observed, how))
    return points


def _functions_touching(
    tree: ast.Module, added: list[int]
) -> list[ast.FunctionDef | ast.AsyncFunctionDef]:
    """Functions whose lines (decorators included) hold an added line, in source order.

    Only statements that span an added line are descended into, so a change to a few
    functions of a long module does not walk the whole module."""
    found: list[ast.FunctionDef | ast.AsyncFunctionDef] = []
    stack: list[ast.AST] = list(reversed(tree.body))
    while stack:
        node = stack.pop()
        start, end = _span(node)
        i = bisect.bisect_left(added, start)
        if i == len(added) or added[i] > end:
            continue
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            found.append(node)
        children = [
            child
            for field in _BODIES
            for child in getattr(node, field, ())
            if isinstance(child, ast.stmt | ast.ExceptHandler | ast.match_case)
        ]
        stack.extend(reversed(children))
    return sorted(found, key=lambda fn: fn.lineno)


def _span(node: ast.AST) -> tuple[int, int]:
    """First and last line of a statement, its decorators included (a `case` has none of
    its own: its pattern to its body's end)."""
    if isinstance(node, ast.match_case):
        return node.pattern.lineno, _span(node.body[-1])[1]
    assert isinstance(node, ast.stmt | ast.ExceptHandler)
    decorators: list[ast.expr] = getattr(node, "decorator_list", [])
    start = min([node.lineno, *(d.lineno for d in decorators)])
    return start, node.end_lineno or node.lineno


def _kind(fn: ast.FunctionDef | ast.AsyncFunctionDef, new: frozenset[int]) -> str | None:
    for dec in fn.decorator_list:
        target = dec.func if isinstance(dec, ast.Call) else dec
        name = dotted(target)
        last = name.rsplit(".", 1)[-1]
        if dec.lineno not in new and fn.lineno not in new:
            continue
        if last in _ROUTE_ATTRS and isinstance(dec, ast.Call) and "." in name:
            first = dec.args[0] if dec.args else None
            if (
                isinstance(first, ast.Constant)
                and isinstance(first.value, str)
                and first.value.startswith("/")
            ):
                return "route"
        if _JOB_DECORATORS.search(name):
            return "job"
    for node in ast.walk(fn):
        if isinstance(node, ast.Call) and node.lineno in new:
            name = dotted(node.func)
            if name and _OUTBOUND.search(name) and not name.startswith(("self.", "request.")):
                if name.endswith((".get", ".post", ".put", ".patch")) and not name.startswith(
                    ("requests", "httpx", "session", "client", "http")
                ):
                    continue  # dict.get, form.get: not network calls
                return "outbound call"
    return None


def _observability(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> tuple[bool, str]:
    for node in ast.walk(fn):
        if not isinstance(node, ast.Call):
            continue
        name = dotted(node.func)
        if not name:
            continue
        if _LOG.search(name):
            return True, f"logs ({name})"
        if (_METRIC.search(name) and "." in name) or _METRIC_ADD.search(name):
            return True, f"records a metric ({name})"
        if _REPORT.search(name):
            return True, f"reports errors ({name})"
    return False, f"no log line, metric or error report in {fn.name}()"
