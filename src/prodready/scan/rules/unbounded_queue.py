"""PR110 unbounded-queue: queues that grow until the process runs out of memory."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator

from prodready.scan.context import (
    SERVICE_FACT,
    FileContext,
    FunctionNode,
    has_star_kwargs,
    keyword,
)
from prodready.scan.registry import Hit, rule
from prodready.scan.rules._names import walk_own
from prodready.scan.rules._paths import main_guard

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


@rule(
    "PR110",
    "unbounded-queue",
    "unbounded-queue",
    severity="warning",
    confidence="medium",
    less_sure=("low", "queues kept in a function's local variable"),
)
def check(ctx: FileContext) -> Iterator[Hit]:
    """
    What it does:
        Finds `queue.Queue()`, `asyncio.Queue()`, `multiprocessing.Queue()` (and their
        LIFO, priority and joinable variants) created without a positive `maxsize`, or
        with `maxsize=0` or a negative one, which mean "unbounded". A `maxsize` that is a
        variable is trusted; `**kwargs` may carry it. Not flagged: development aids, that
        is code under a folder named for a simulator or emulator (`simulator/`,
        `virtual_printer/`; mocks and fakes are not scanned at all), and modules wired
        to Django's development autoreloader (`django.utils.autoreload`, live reload under
        `runserver`), which never run in production, a queue a method makes afresh that `__init__`
        already makes without a bound (`self._message_queue = Queue()` in `stop()`: one queue,
        reported once, where `__init__` makes it), a queue that carries one result back from a child
        process or thread (one `put` and one `get` on its name, neither in a loop), and a work list
        its consumer fills itself (a `self.` queue used only through its methods, every `put` in the
        method that `get`s or in a private method that one calls, as a task scheduler queues the
        tasks finished ones unlock), where a bound would deadlock the consumer on its own `put`. Nor
        an executor's work queue (a `self.` queue used only through its methods, whose every `put`
        of a work item is in a method that returns that item or a future bundled with it, as
        `submit(call)` ends `return call`): each caller gets a handle to wait on, so the queue holds
        what concurrent callers submitted, like `ThreadPoolExecutor`'s.
        A constant put (`put(None)` to stop the worker) does not count. Nor the queue of
        a logging `QueueHandler`/`QueueListener`, which puts without waiting: a bound
        would drop log records instead of slowing anyone down. Nor a queue bounded by
        hand: every `put` comes after a check of its size in the same function (`if
        q.qsize() >= MAX: return`, `while q.qsize() > 10: await asyncio.sleep(1)`, `if
        q.full()`), or is in a function that `get`s from it (an item taken and put
        back to retry later). A queue kept in a
        function's local variable (or a plain variable of the `if __name__ ==
        "__main__":` block), or made for a helper object kept in one
        (`handler = EventHandler(queue=asyncio.Queue())`), lives for one call, so it is
        reported with low confidence.
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
    if _development_aid(ctx):
        return
    for call in ctx.calls:
        name = ctx.call_name(call)
        if name not in _QUEUES or has_star_kwargs(call):
            continue
        if (
            _unbounded(call)
            and not _recreated(ctx, call)
            and not _single_result(ctx, call)
            and not _own_work_list(ctx, call)
            and not _executor_queue(ctx, call)
            and not _logging_queue(ctx, call)
            and not _bounded_by_hand(ctx, call)
        ):
            yield Hit(
                call.lineno,
                call.end_lineno or call.lineno,
                f"{name}() has no maxsize; it grows without bound when consumers fall behind",
                condition=SERVICE_FACT,
                confidence="low" if _local_to_one_call(ctx, call) else None,
            )


def _unbounded(call: ast.Call) -> bool:
    """No `maxsize`, or one of 0 or less: "no bound"."""
    size: ast.expr | None = call.args[0] if call.args else None
    kw = keyword(call, "maxsize")
    if kw is not None:
        size = kw.value
    return size is None or _non_positive(size)


def _recreated(ctx: FileContext, call: ast.Call) -> bool:
    """A fresh `self._message_queue = Queue()` in `stop()` (AutoGen's agent runtime) or
    `clear()` for the queue that `__init__` already creates without a bound: one queue,
    reported once, where the class first makes it."""
    target = _assigned_to(ctx.parents.get(call))
    method = ctx.enclosing_function(call)
    owner = _owning_class(ctx, call)
    if not (
        isinstance(target, ast.Attribute)
        and _is_name(target.value, "self")
        and method is not None
        and method.name != "__init__"
        and owner is not None
    ):
        return False
    for init in owner.body:
        if isinstance(init, ast.FunctionDef) and init.name == "__init__":
            for node in walk_own(init):
                first = _assigned_to(node)
                if (
                    isinstance(first, ast.Attribute)
                    and first.attr == target.attr
                    and _is_name(first.value, "self")
                    and isinstance(node, ast.Assign | ast.AnnAssign)
                    and isinstance(node.value, ast.Call)
                    and ctx.call_name(node.value) in _QUEUES
                    and _unbounded(node.value)
                ):
                    return True
    return False


def _local_to_one_call(ctx: FileContext, call: ast.Call) -> bool:
    """A queue bound to a local variable of a function (`result_queue = queue.Queue()`
    inside `chat_streamly()`): it lives for one call and holds what that call produces,
    one response streamed back from a thread or the results of one batch, not what every
    request adds. It can still outgrow memory (a thread paging a channel's whole history
    into it), so it is reported, with less confidence: on held-out code 2 of 23 such
    queues were real problems, against 13 of 43 queues kept on objects or modules.
    The same holds for a queue made for a local helper object
    (`handler = _EventHandler(queue=asyncio.Queue())` in PrivateGPT's chat engine: the
    events of one streamed answer)."""
    holder: ast.AST = call
    parent = ctx.parents.get(call)
    if isinstance(parent, ast.keyword):
        holder, parent = parent, ctx.parents.get(parent)
    if isinstance(parent, ast.Call) and holder is not parent.func:
        holder, parent = parent, ctx.parents.get(parent)
    target = _assigned_to(parent)
    scope = ctx.enclosing_function(call) or _main_block(ctx, call)
    if not isinstance(target, ast.Name) or scope is None:
        return False
    return not any(_escapes(ctx, use) for use in ast.walk(scope) if _is_name(use, target.id))


def _main_block(ctx: FileContext, node: ast.AST) -> ast.If | None:
    """The module's `if __name__ == "__main__":` block holding `node`: code that runs once,
    when the file is run as a program (CAPE's `admin.py` queueing the files named on its
    command line), so its plain variables live as long as one run, like a function's."""
    current = ctx.parents.get(node)
    while current is not None:
        if isinstance(current, ast.If) and main_guard(current):
            return current
        current = ctx.parents.get(current)
    return None


# Methods that keep what they are given beyond the call (`clients.append(client_queue)`).
_KEEPERS = frozenset(
    {"append", "appendleft", "add", "insert", "extend", "setdefault", "update", "register"}
)


def _is_name(node: ast.AST, name: str) -> bool:
    return isinstance(node, ast.Name) and node.id == name and isinstance(node.ctx, ast.Load)


def _escapes(ctx: FileContext, use: ast.AST) -> bool:
    """Does this use hand the queue beyond the call: returned or yielded (a live-reload
    stream's per-client queue), stored on an object or in a container, or given to a
    method that keeps it?"""
    parent = ctx.parents.get(use)
    if isinstance(parent, ast.Tuple | ast.List):  # `return queue, task`; `args=(queue,)`
        use, parent = parent, ctx.parents.get(parent)
    if isinstance(parent, ast.Return | ast.Yield | ast.YieldFrom):
        return True
    if isinstance(parent, ast.Assign | ast.AnnAssign):
        target = _assigned_to(parent)
        return not isinstance(target, ast.Name)
    if isinstance(parent, ast.Call) and use is not parent.func:
        return isinstance(parent.func, ast.Attribute) and parent.func.attr in _KEEPERS
    return isinstance(parent, ast.Dict)


_DEV_DIRS = frozenset(
    {
        "simulator",
        "simulators",
        "simulation",
        "emulator",
        "emulators",
        "dummy",
    }
)


def _development_aid(ctx: FileContext) -> bool:
    """A simulator or emulator (`plugins/virtual_printer/`, `simulator/`), or a
    module hooked to Django's development autoreloader (live reload under `runserver`)."""
    for folder in ctx.path.lower().split("/")[:-1]:
        words = re.split(r"[_\-.]", folder)
        if set(words) & _DEV_DIRS or (words[0] == "virtual" and len(words) > 1):
            return True
    return ctx.imports("django.utils.autoreload")


_PUTS = frozenset({"put", "put_nowait"})
_GETS = frozenset({"get", "get_nowait"})
_LOOPS = (ast.For, ast.AsyncFor, ast.While, ast.ListComp, ast.SetComp, ast.GeneratorExp)


def _single_result(ctx: FileContext, call: ast.Call) -> bool:
    """A queue that carries one result back from a child process or thread
    (`self.result_queue = multiprocessing.Queue()`, one `result_queue.put(result)` in the
    child's function, one `self.result_queue.get(timeout=1)` in the parent): it never
    holds more than one item. Matched by the name it is bound to; not when a `put` or
    `get` runs in a loop, or the queue is handed to a function of another file."""
    parent = ctx.parents.get(call)
    if not isinstance(parent, ast.Assign) or len(parent.targets) != 1:
        return False
    name = _leaf(parent.targets[0])
    if not name:
        return False
    local = {fn.name for fn in ctx.functions}
    puts = gets = 0
    for other in ctx.calls:
        func = other.func
        if isinstance(func, ast.Attribute) and _leaf(func.value) == name:
            if func.attr in _PUTS:
                puts += 1
            elif func.attr in _GETS:
                gets += 1
            else:
                continue
            if _in_loop(ctx, other):
                return False
        elif any(_leaf(a) == name for a in _arguments(other)):
            callee = ctx.call_name(other).rsplit(".", 1)[-1]
            if callee not in _WORKERS and callee not in local:
                return False  # another file may fill it
    return puts == 1 and gets == 1


_WORKERS = frozenset({"Process", "Thread"})


def _arguments(call: ast.Call) -> Iterator[ast.expr]:
    """Arguments of a call, and the items of an `args=(...)` tuple."""
    for arg in [*call.args, *(k.value for k in call.keywords)]:
        yield arg
        if isinstance(arg, ast.Tuple | ast.List):
            yield from arg.elts


_LOG_QUEUE_USERS = frozenset({"QueueHandler", "QueueListener"})


def _logging_queue(ctx: FileContext, call: ast.Call) -> bool:
    """The queue behind `logging.handlers.QueueHandler`/`QueueListener`, given to one of
    them inline or by the name it is kept under (`self.log_queue`, passed on as
    `log_queue`). The handler puts with `put_nowait`, so a bound would raise `Full` in
    every logging call and drop records; its volume follows the work being logged."""
    parent = ctx.parents.get(call)
    if isinstance(parent, ast.Call) and _log_queue_user(ctx, parent) and call in parent.args[:1]:
        return True
    target = _assigned_to(parent)
    name = _leaf(target) if target is not None else ""
    return bool(name) and any(
        _log_queue_user(ctx, other) and other.args and _leaf(other.args[0]) == name
        for other in ctx.calls
    )


def _log_queue_user(ctx: FileContext, call: ast.Call) -> bool:
    return (ctx.call_name(call) or "").rpartition(".")[2] in _LOG_QUEUE_USERS


def _leaf(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
        return node.attr  # self.result_queue
    return ""


def _in_loop(ctx: FileContext, node: ast.AST) -> bool:
    current = ctx.parents.get(node)
    while current is not None and not isinstance(
        current, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda
    ):
        if isinstance(current, _LOOPS):
            return True
        current = ctx.parents.get(current)
    return False


def _non_positive(node: ast.expr) -> bool:
    if isinstance(node, ast.Constant) and isinstance(node.value, int | float):
        return bool(node.value <= 0)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        return isinstance(node.operand, ast.Constant)
    return False


def _own_work_list(ctx: FileContext, call: ast.Call) -> bool:
    """A work list that its consumer fills itself: a `self.` queue whose every `put` is
    in the method that `get`s from it or in a private method that method calls (directly
    or through other methods of the class), like a graph scheduler queueing the tasks
    that finishing ones unlock. It holds what the input makes it hold, and a bound would
    deadlock the consumer on its own `put`. Not when the queue is used any other way
    than through its methods on `self` (passed to a call, returned, read off another
    object), when a `put` is in a public method (code elsewhere may call it) or in a
    nested function (a thread's target), or nothing `get`s from it."""
    parent = ctx.parents.get(call)
    target = _assigned_to(parent)
    if not (
        isinstance(target, ast.Attribute)
        and isinstance(target.value, ast.Name)
        and target.value.id == "self"
    ):
        return False
    owner = _owning_class(ctx, call)
    if owner is None:
        return False
    methods = {
        m.name: m for m in owner.body if isinstance(m, ast.FunctionDef | ast.AsyncFunctionDef)
    }
    uses = _queue_uses(owner, target.attr, target)
    if uses is None or _used_outside(ctx, owner, target.attr):
        return False
    puts, gets = uses
    if not gets:
        return False
    reached = _reachable(methods, gets)
    return all(m in gets or (m in reached and _private(m)) for m in puts)


def _assigned_to(node: ast.AST | None) -> ast.expr | None:
    if isinstance(node, ast.Assign) and len(node.targets) == 1:
        return node.targets[0]
    if isinstance(node, ast.AnnAssign):
        return node.target
    return None


def _owning_class(ctx: FileContext, node: ast.AST) -> ast.ClassDef | None:
    current = ctx.parents.get(node)
    while current is not None and not isinstance(current, ast.ClassDef):
        current = ctx.parents.get(current)
    return current


def _queue_uses(
    owner: ast.ClassDef, attr: str, created: ast.expr
) -> tuple[set[str], set[str]] | None:
    """The methods of `owner` that `put` into `self.<attr>` and those that `get` from
    it; None when the queue escapes: a use other than a method call on it, a use inside
    a nested function, or the attribute read off another object."""
    puts: set[str] = set()
    gets: set[str] = set()
    for method in owner.body:
        if not isinstance(method, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        verbs = {  # receiver -> method called on it, in the method's own body
            id(node.func.value): node.func.attr
            for node in walk_own(method)
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
        }
        for node in ast.walk(method):
            if not isinstance(node, ast.Attribute) or node.attr != attr or node is created:
                continue
            verb = verbs.get(id(node))
            if verb is None or not (isinstance(node.value, ast.Name) and node.value.id == "self"):
                return None
            if verb in _PUTS:
                puts.add(method.name)
            elif verb in _GETS:
                gets.add(method.name)
    return puts, gets


def _used_outside(ctx: FileContext, owner: ast.ClassDef, attr: str) -> bool:
    """Does code of this file outside the class (a subclass, a function) touch
    `<obj>.<attr>`? Then it may fill the queue too."""
    first, last = owner.lineno, owner.end_lineno or owner.lineno
    return any(
        isinstance(node, ast.Attribute) and node.attr == attr and not first <= node.lineno <= last
        for node in ast.walk(ctx.tree)
    )


def _reachable(methods: dict[str, FunctionNode], start: set[str]) -> set[str]:
    """The methods that `start` calls as `self.<name>(...)`, directly or through others."""
    seen = set(start)
    todo = list(start)
    while todo:
        method = methods.get(todo.pop())
        if method is None:
            continue
        for node in walk_own(method):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id == "self"
                and node.func.attr in methods
                and node.func.attr not in seen
            ):
                seen.add(node.func.attr)
                todo.append(node.func.attr)
    return seen


def _private(name: str) -> bool:
    """`_queue_tasks`: by convention called only from inside its class."""
    return name.startswith("_") and not name.endswith("__")


def _executor_queue(ctx: FileContext, call: ast.Call) -> bool:
    """An executor's work queue: a `self.` queue whose every `put` of a work item is in
    a method of its class that hands the caller back that item or a future bundled with
    it (`submit(call)`: `put_nowait(call)`, `return call`; or `future = Future()`,
    `put(_WorkItem(future, fn))`, `return future`). Callers wait on what they submit, so
    the queue holds at most what concurrent callers have in flight, as with
    `ThreadPoolExecutor`. Constant puts (a `None` stop sentinel) are allowed. Not when
    the queue is used other than through its methods (passed away, read off another
    object, touched by a subclass), or a `put` returns nothing the caller can wait on."""
    target = _assigned_to(ctx.parents.get(call))
    if not (
        isinstance(target, ast.Attribute)
        and isinstance(target.value, ast.Name)
        and target.value.id == "self"
    ):
        return False
    owner = _owning_class(ctx, call)
    if owner is None or _touched_elsewhere(ctx, owner, target.attr):
        return False
    methods = {id(m) for m in owner.body if isinstance(m, ast.FunctionDef | ast.AsyncFunctionDef)}
    handed_back = 0
    for node in ast.walk(owner):
        if not isinstance(node, ast.Attribute) or node.attr != target.attr:
            continue
        if not (isinstance(node.value, ast.Name) and node.value.id == "self"):
            return False
        if isinstance(node.ctx, ast.Store):
            if not _new_queue(ctx, ctx.parents.get(node)):
                return False
            continue
        put = _put_item(ctx, node)
        if put is None:
            return False  # the queue itself is used other than by calling its methods
        if isinstance(put, ast.Constant):
            continue  # a stop sentinel, or a method that does not put
        method = _enclosing_function(ctx, node)
        if method is None or id(method) not in methods or not _returns_handle(method, put):
            return False
        handed_back += 1
    return handed_back > 0


def _touched_elsewhere(ctx: FileContext, owner: ast.ClassDef, attr: str) -> bool:
    """Is `<obj>.<attr>` used outside `owner` other than as `self.<attr>` in a class that
    does not derive from it? A subclass or a function may fill the queue; another
    class's own `self._queue` is another queue."""
    first, last = owner.lineno, owner.end_lineno or owner.lineno
    for node in ast.walk(ctx.tree):
        if not isinstance(node, ast.Attribute) or node.attr != attr:
            continue
        if first <= node.lineno <= last:
            continue
        other = _owning_class(ctx, node)
        on_self = isinstance(node.value, ast.Name) and node.value.id == "self"
        if not (on_self and other is not None and not _derives_from(other, owner.name)):
            return True
    return False


def _derives_from(cls: ast.ClassDef, name: str) -> bool:
    """`class Sub(Base)`, `class Sub(mod.Base)`, `class Sub(Base[T])`."""
    for base in cls.bases:
        if isinstance(base, ast.Subscript):
            base = base.value
        if _leaf(base) == name:
            return True
    return False


def _new_queue(ctx: FileContext, node: ast.AST | None) -> bool:
    """`self._queue = queue.Queue()` again (after a fork, say): still our own queue; and
    a declaration of its type alone (Moonraker's `self.command_queue: Queue[...]` just
    before it is made)."""
    if isinstance(node, ast.AnnAssign) and node.value is None:
        return True
    value = node.value if isinstance(node, ast.Assign | ast.AnnAssign) else None
    return isinstance(value, ast.Call) and ctx.call_name(value) in _QUEUES


def _put_item(ctx: FileContext, node: ast.Attribute) -> ast.expr | None:
    """For `self.<queue>.<verb>(...)`: the item a `put` enqueues, a `None` constant for
    other verbs (`get`, `qsize`), and None (not a constant) when the queue is used any
    other way (passed to a call, returned, its `put` handed on as a callback)."""
    verb = ctx.parents.get(node)
    called = ctx.parents.get(verb) if verb is not None else None
    if not (
        isinstance(verb, ast.Attribute) and isinstance(called, ast.Call) and called.func is verb
    ):
        return None
    if verb.attr not in _PUTS:
        return ast.Constant(None)
    if called.args:
        return called.args[0]
    item = keyword(called, "item")
    return item.value if item is not None else None


def _enclosing_function(ctx: FileContext, node: ast.AST) -> ast.AST | None:
    current = ctx.parents.get(node)
    while current is not None and not isinstance(
        current, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda
    ):
        current = ctx.parents.get(current)
    return current


def _returns_handle(method: ast.AST, item: ast.expr) -> bool:
    """Does `method` return the item it puts, or a name bundled into it (`(future, fn)`,
    `_WorkItem(future, fn)`, directly or through a variable assigned in the method)?
    Every `return` with a value must; a bare `return` puts nothing."""
    handles = _bundled(item)
    if isinstance(item, ast.Name):
        for node in walk_own(method):
            if isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == item.id for t in node.targets
            ):
                handles |= _bundled(node.value)
    returned = [
        node.value
        for node in walk_own(method)
        if isinstance(node, ast.Return) and node.value is not None
    ]
    return bool(returned) and all(
        isinstance(value, ast.Name) and value.id in handles for value in returned
    )


def _bundled(node: ast.expr) -> set[str]:
    """The names an item is made of: itself, a tuple's items, a constructor's arguments."""
    if isinstance(node, ast.Name):
        return {node.id}
    parts: list[ast.expr] = []
    if isinstance(node, ast.Tuple | ast.List):
        parts = list(node.elts)
    elif isinstance(node, ast.Call):
        parts = [*node.args, *(k.value for k in node.keywords)]
    return {part.id for part in parts if isinstance(part, ast.Name)}


_SIZE_CHECKS = frozenset({"qsize", "full"})


def _bounded_by_hand(ctx: FileContext, call: ast.Call) -> bool:
    """A queue its producers bound themselves: every `put` on its name follows a check
    of its size in the same function (Electrum's `if self.forward_queue.qsize() >=
    self.FORWARD_MAX_QUEUE: return` before `put_nowait`, or `while queue.qsize() > 10:
    await asyncio.sleep(...)`), or is in a function that also `get`s from it (a consumer
    putting back an item it took, to retry it later), and at least one `put` is checked.
    Matched by the name it is bound to; not when the queue is handed to a call, where
    code elsewhere may fill it without looking."""
    name = _leaf(_assigned_to(ctx.parents.get(call)) or ast.Constant(None))
    if not name:
        return False
    checked = 0
    for other in ctx.calls:
        func = other.func
        if any(_leaf(a) == name for a in _arguments(other)):
            return False
        if not (
            isinstance(func, ast.Attribute) and func.attr in _PUTS and _leaf(func.value) == name
        ):
            continue
        function = _enclosing_function(ctx, other)
        if function is None:
            return False
        if _size_checked_before(function, other, name):
            checked += 1
        elif not _calls_verb(walk_own(function), name, _GETS):
            return False
    return checked > 0


def _size_checked_before(function: ast.AST, put: ast.Call, name: str) -> bool:
    """Is `put` held back by a test of the queue's size (`<name>.qsize()`,
    `<name>.full()`) in `function`: a `while` before it that waits for room, an `if`
    before it whose body leaves (`return`, `raise`, `continue`, `break`), or an `if`
    that holds it? An `if` that only logs the size bounds nothing."""
    for node in walk_own(function):
        if not (
            isinstance(node, ast.If | ast.While)
            and _calls_verb(ast.walk(node.test), name, _SIZE_CHECKS)
        ):
            continue
        if any(part is put for part in ast.walk(node)):
            return True
        waits = isinstance(node, ast.While) or isinstance(node.body[-1], _EXITS)
        if waits and node.lineno < put.lineno:
            return True
    return False


_EXITS = (ast.Return, ast.Raise, ast.Continue, ast.Break)


def _calls_verb(nodes: Iterator[ast.AST], name: str, verbs: frozenset[str]) -> bool:
    """Is one of `nodes` a call `<name>.<verb>(...)` with `verb` in `verbs`?"""
    return any(
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in verbs
        and _leaf(node.func.value) == name
        for node in nodes
    )
