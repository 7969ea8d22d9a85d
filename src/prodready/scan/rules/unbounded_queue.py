"""PR110 unbounded-queue: queues that grow until the process runs out of memory."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from prodready.scan.context import SERVICE_FACT, FileContext, has_star_kwargs, keyword
from prodready.scan.registry import Hit, rule

_QUEUES = frozenset(
    {
        "queue.Queue",
        "queue.LifoQueue",
        "queue.PriorityQueue",
        "asyncio.Queue",
        "asyncio.LifoQueue",
        "asyncio.PriorityQueue",
        "asyncio.queues.Queue",
        "multiprocessing.Queue",
        "multiprocessing.JoinableQueue",
    }
)


@rule("PR110", "unbounded-queue", "unbounded-queue", severity="warning", confidence="high")
def check(ctx: FileContext) -> Iterator[Hit]:
    """
    What it does:
        Finds `queue.Queue()`, `asyncio.Queue()`, `multiprocessing.Queue()` (and their
        LIFO, priority and joinable variants) created without a positive `maxsize`, or
        with `maxsize=0` or a negative one, which mean "unbounded". A `maxsize` that is a
        variable is trusted; `**kwargs` may carry it.
    Why it matters:
        When producers outpace consumers an unbounded queue absorbs the difference in
        memory until the process is killed, losing everything queued. A bound turns that
        into back-pressure the producer can see and handle.
    Example:
        `jobs = asyncio.Queue()` fed by an HTTP handler and drained by one worker.
    Fix:
        Give the queue a bound sized to what you can afford to lose or hold, e.g.
        `asyncio.Queue(maxsize=1000)`, and decide what the producer does when it is full
        (block with a timeout, shed load, or return 503).
    """
    for call in ctx.calls:
        name = ctx.call_name(call)
        if name not in _QUEUES or has_star_kwargs(call):
            continue
        size: ast.expr | None = call.args[0] if call.args else None
        kw = keyword(call, "maxsize")
        if kw is not None:
            size = kw.value
        if size is None or _non_positive(size):
            yield Hit(
                call.lineno,
                call.end_lineno or call.lineno,
                f"{name}() has no maxsize; it grows without bound when consumers fall behind",
                condition=SERVICE_FACT,
            )


def _non_positive(node: ast.expr) -> bool:
    if isinstance(node, ast.Constant) and isinstance(node.value, int | float):
        return bool(node.value <= 0)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        return isinstance(node.operand, ast.Constant)
    return False
