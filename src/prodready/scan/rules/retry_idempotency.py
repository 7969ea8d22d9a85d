"""PR102 retry-idempotency: retrying an operation that must not happen twice."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property

from prodready.scan.context import FileContext, FunctionNode, has_star_kwargs, keyword
from prodready.scan.registry import Hit, rule
from prodready.scan.rules._flow import (
    Scope,
    Scopes,
    call_line,
    enclosing_function,
    line_index,
    walk_body,
)

_RETRY_DECORATORS = frozenset(
    {
        "tenacity.retry",
        "backoff.on_exception",
        "backoff.on_predicate",
        "stamina.retry",
        "retrying.retry",
        "retry.retry",
        "retry.api.retry",
    }
)
_RETRY_ITERATORS = frozenset(
    {"tenacity.Retrying", "tenacity.AsyncRetrying", "stamina.retry_context"}
)
# Exceptions raised before a request reaches the server: retrying them cannot repeat it.
_CONNECT_ONLY = frozenset(
    {
        "ConnectTimeout",
        "ConnectTimeoutError",
        "ConnectError",
        "ClientConnectorError",
        "NewConnectionError",
        "EndpointConnectionError",
        "ConnectionRefusedError",
    }
)
# `if exc.status_code != 429: raise`: only "rejected, not processed" answers are retried
_REJECTED_ONLY = re.compile(r"\b429\b|rate.?limit|throttl|too.?many", re.IGNORECASE)
_ATTEMPT_LIMITS = ("max_tries", "attempts", "stop_max_attempt_number", "tries")
_ROUTERS = frozenset({"app", "router", "bp", "blueprint", "api", "blp", "ns", "api_router"})
_KEY = re.compile(r"idempot|dedup|paypal-request-id|client_?token", re.IGNORECASE)
# Read-only endpoints, and compute-only ones that answer with what they made of the body
# (speech synthesis and recognition, machine translation, OCR): sent twice, they bill twice
# but create nothing twice.
_READ_ONLY_URL = re.compile(
    r"search|/query|oauth|/token\b|introspect|embeddings|completions|tts\b|/audio/speech|"
    r"/audio/transcriptions|/transcri|/synthesi[sz]e|/translate\b|/ocr\b|/asr\b",
    re.IGNORECASE,
)
_READ_ONLY_BODY = frozenset({"query", "q", "prompt", "messages", "inputs", "input", "search"})
_READ_ONLY_FUNCTION = re.compile(
    r"(?:get|fetch|search|query|lookup|find|list|read|load|embed|predict|classify|"
    r"translate|summari[sz]e|score|infer|ask|check|validate|verify|estimate|quote|"
    r"calculate|compute|count|exists|download|poll)(?:_|$)",
    re.IGNORECASE,
)
_PAYMENT_WORDS = re.compile(
    r"(?:^|[._])pay(?!load)|payment|charge|stripe|braintree|adyen|razorpay|square|billing"
    r"|gateway|refund|transfer|payout|invoice|checkout",
    re.IGNORECASE,
)
_PAYMENT_RESOURCES = frozenset(
    {"charges", "payment_intents", "refunds", "transfers", "payouts", "transaction"}
)
_PAYMENT_VERBS = frozenset(
    {"create", "capture", "confirm", "pay", "sale", "refund", "charge", "submit_for_settlement"}
)
_PAYMENT_METHOD = re.compile(
    r"^(?:charge(?:_\w+)?|(?:create|capture|confirm|refund)_\w*"
    r"(?:payment|charge|refund|transfer|payout|intent))$"
)
_FAILURE_TEST = re.compile(r"status|retr|attempt|\bok\b|fail|error", re.IGNORECASE)
_MESSAGE_RESOURCES = frozenset({"messages", "calls", "verifications", "notifications"})
_SEND_METHODS = frozenset(
    {
        "sendmail",
        "send_message",
        "send_mail",
        "send_mass_mail",
        "send_email",
        "send_raw_email",
        "send_templated_email",
        "send_bulk_templated_email",
        "send_sms",
        "chat_postMessage",
    }
)
_SENDER = re.compile(r"mail|sendgrid|^sg$|messag|msg|sms|fcm|push|notif|email", re.IGNORECASE)
# message queues are at-least-once by design: their consumers deduplicate
_QUEUE = re.compile(r"sqs|queue|kafka|pubsub|bus", re.IGNORECASE)
_EMAIL_CLASSES = frozenset({"EmailMessage", "EmailMultiAlternatives"})
_OPERATION_ATTRS = frozenset(
    {"post", "patch", "request", "fetch", "Request", "send", "publish", "create", "Retry"}
    | _PAYMENT_VERBS
    | _SEND_METHODS
)
_OPERATION_PREFIXES = ("charge", "create_", "capture_", "confirm_", "refund_")
_FRESH_CALLS = frozenset(
    {
        "uuid1",
        "uuid4",
        "token_hex",
        "token_urlsafe",
        "token_bytes",
        "urandom",
        "time",
        "time_ns",
        "now",
        "utcnow",
        "random",
        "randint",
        "getrandbits",
        "uuid",
    }
)


@dataclass(frozen=True)
class _Retried:
    """Code that runs again when it fails."""

    label: str
    node: ast.AST  # the decorated function or the loop
    first: int  # lines of the retried code
    last: int
    attempt: str | None = None  # the loop's counter, different on every attempt
    status_only: bool = False  # retried only after an error answer, never after a timeout


@rule("PR102", "retry-idempotency", "retry-idempotency", severity="warning", confidence="low")
def check(ctx: FileContext) -> Iterator[Hit]:
    """
    What it does:
        Finds retries around operations that must not happen twice. Retries: functions
        decorated with `tenacity.retry`, `backoff.on_exception`, `stamina.retry`,
        `retrying.retry` (directly or through a module-level `policy = retry(...)`),
        Celery tasks with `autoretry_for` or `self.retry()`, `for attempt in
        tenacity.Retrying(...)` blocks, hand-written loops that go round again after an
        exception and stop on success, and functions that call themselves again on
        failure (not when they only start a differently configured variant as a task of
        its own, `asyncio.ensure_future(send(..., use_legacy_key=True))`, nor when they
        call themselves only inside `if r.status_code == 400:` or another 4xx: the server
        refused, so the next call is a new request, not a repeat). Operations: a
        POST or PATCH (`requests`, `httpx`, aiohttp, sessions and clients,
        `request("POST", ...)`, also through a wrapper of the same file called with
        "POST") and payment or messaging SDK calls (`stripe.*.create`, `capture`,
        Braintree `sale`, Square/Adyen/Razorpay/PayPal creates, Twilio
        `messages.create`, SendGrid/SES/SNS/SMTP/Slack/FCM sends), directly in the retried
        code or in a function of the same file it calls. Also finds `urllib3.Retry` with
        `allowed_methods=None`/`False` or POST/PATCH among its methods. An idempotency key
        (`Idempotency-Key` header, `idempotency_key=`, SQS `MessageDeduplicationId`)
        counts only if it is made outside the retried code: passed in, derived from the
        order id, or generated before the loop; a `uuid4()` or the attempt counter inside
        it does not. Not flagged: GET/PUT/DELETE, POSTs that only read (search, query,
        token and inference endpoints, speech synthesis and recognition, translation and
        OCR endpoints such as `/v1/tts` or `/v1/audio/speech`, GraphQL queries, functions
        named `get_*`,
        `search_*`, `validate_*`...), a language model's chat call (Anthropic's
        `client.messages.create(model=...)`), retries limited to connection-setup errors or to
        429 answers, `Retry(read=0, status=0)` and single-attempt configurations. The
        message says whether a timeout or only an error status (`HTTPStatusError`,
        `status_code >= 500`) triggers the retry.
    Why it matters:
        A timeout does not say whether the server acted. Retrying a charge, a refund, an
        SMS or an order creation after the server processed it but before the answer
        arrived charges the card twice or sends the message twice. An idempotency key
        lets the server recognise the repeat; a fresh `uuid4()` on every attempt does
        not.
    Example:
        `@retry(stop=stop_after_attempt(3))` over
        `stripe.PaymentIntent.create(amount=total, currency="eur")`
    Fix:
        Send an idempotency key created once per logical operation, outside the retry,
        e.g. `idempotency_key=f"order-{order.id}-charge"` or a key generated before the
        loop and passed in (`headers={"Idempotency-Key": key}` for HTTP APIs). Where the
        provider has no keys (SMS, e-mail), retry only errors raised before the request
        was sent (connection setup) or record the send and check it before retrying.
    """
    ops: list[tuple[ast.Call, str]] = []
    for call in ctx.calls:
        func = call.func
        if isinstance(func, ast.Attribute):
            last = func.attr
            if last not in _OPERATION_ATTRS and not last.startswith(_OPERATION_PREFIXES):
                continue  # the common case, decided without resolving any name
        elif not isinstance(func, ast.Name) or func.id not in ctx.aliases:
            continue
        else:
            last = func.id
        if last == "Retry":
            yield from _urllib3_retry(ctx, call)
        elif what := _operation(ctx, call):
            ops.append((call, what))
    if not ops:
        return
    scopes = Scopes(ctx)
    finder = _ScopeFinder(ctx)
    # operations in functions that are not retried themselves, for retried callers
    helpers: dict[str, list[tuple[ast.Call, str]]] = {}
    for call, what in ops:
        retried = finder.find(call)
        if retried is None:
            fn = enclosing_function(ctx, call)
            if fn is not None:
                helpers.setdefault(fn.name, []).append((call, what))
            continue
        problem = _key_problem(ctx, call, retried, scopes.of(call))
        if problem is not None:
            yield Hit(
                call_line(call), call.end_lineno or call.lineno, _message(what, retried, problem)
            )
    judged: dict[tuple[int, ...], tuple[str, str] | None] = {}
    kin = _ClassKin(ctx)
    for name in helpers.keys() & finder.callees.keys():
        for call in finder.callees[name]:
            retried = finder.find(call)
            if retried is None:
                continue
            reached = kin.reachable(call, helpers[name])
            key = tuple(id(op) for op, _ in reached)
            if key not in judged:
                judged[key] = _helper_problem(ctx, reached, scopes) if reached else None
            found = judged[key]
            if found is None:
                continue
            what, problem = found
            yield Hit(
                call_line(call),
                call.end_lineno or call.lineno,
                _message(f"{name}(), which calls {what},", retried, problem),
            )


class _ClassKin:
    """Which same-named helpers a call can reach. `self.basic_request()` in STORM's
    `VLLMClient` runs `VLLMClient.basic_request`, not `ClaudeModel.basic_request` that sends
    through Anthropic's `messages.create`: a method call reaches the methods of its own class
    and of the classes of this file it inherits from or that inherit from it; a bare
    `f()` reaches functions that are no method."""

    def __init__(self, ctx: FileContext) -> None:
        self.ctx = ctx

    @cached_property
    def owners(self) -> dict[int, ast.ClassDef]:
        return {id(stmt): cls for cls in self.ctx.classes for stmt in cls.body}

    @cached_property
    def bases(self) -> dict[str, set[str]]:
        return {
            cls.name: {b.id if isinstance(b, ast.Name) else "" for b in cls.bases}
            for cls in self.ctx.classes
        }

    def _related(self, one: str, other: str) -> bool:
        return one == other or self._inherits(one, other) or self._inherits(other, one)

    def _inherits(self, child: str, ancestor: str, depth: int = 0) -> bool:
        parents = self.bases.get(child, set())
        return ancestor in parents or (
            depth < 8 and any(self._inherits(p, ancestor, depth + 1) for p in parents if p)
        )

    def reachable(
        self, call: ast.Call, ops: list[tuple[ast.Call, str]]
    ) -> list[tuple[ast.Call, str]]:
        caller = enclosing_function(self.ctx, call)
        home = self.owners.get(id(caller)) if caller is not None else None
        method_call = isinstance(call.func, ast.Attribute)
        out = []
        for op, what in ops:
            fn = enclosing_function(self.ctx, op)
            owner = self.owners.get(id(fn)) if fn is not None else None
            if not method_call:
                if owner is None:
                    out.append((op, what))
            elif owner is not None and (home is None or self._related(home.name, owner.name)):
                out.append((op, what))
        return out


def _helper_problem(
    ctx: FileContext, ops: list[tuple[ast.Call, str]], scopes: Scopes
) -> tuple[str, str] | None:
    """The first unprotected operation of a function, judged as if all of it were retried."""
    for op, what in ops:
        fn = enclosing_function(ctx, op)
        if fn is None:
            continue
        whole = _Retried("", fn, fn.body[0].lineno, fn.end_lineno or fn.lineno)
        problem = _key_problem(ctx, op, whole, scopes.of(op))
        if problem is not None:
            return f"{what} at line {op.lineno}", problem
    return None


def _message(what: str, retried: _Retried, problem: str) -> str:
    if problem == "":
        when = (
            "an error status (a 5xx can come after the server acted)"
            if retried.status_only
            else "a timeout"
        )
        return (
            f"{what} in {retried.label} is retried without an idempotency key; "
            f"a retry after {when} can repeat it"
        )
    return (
        f"{what} in {retried.label} gets a new idempotency key on every attempt "
        f"({problem}), so the provider cannot recognise the retry"
    )


# -- operations that must not run twice --------------------------------------------


def _operation(ctx: FileContext, call: ast.Call) -> str | None:
    """What the call does that must not happen twice, or None."""
    func = call.func
    name = ctx.call_name(call)
    if isinstance(func, ast.Name):
        # `from requests import post`, `from django.core.mail import send_mail`
        if "." not in name:
            return None
        head, _, attr = name.rpartition(".")
        if head in ("requests", "httpx") and attr in ("post", "patch"):
            return None if _read_only_url(ctx, call) else f"{name}() ({attr.upper()})"
        if attr in _SEND_METHODS:
            return f"{name}() (sends a message)"
        return None
    if not isinstance(func, ast.Attribute):
        return None
    attr = func.attr
    receiver = ctx.qualname(func.value)
    label = _written(func)
    if attr in ("post", "patch"):
        if receiver.rsplit(".", 1)[-1] in _ROUTERS or _read_only_url(ctx, call):
            return None
        return f"{label}() ({attr.upper()})"
    if attr in ("request", "fetch", "Request"):
        return _http_method_call(ctx, call, attr, label)
    chain = [p.lower() for p in name.split(".")] if name else []
    if "objects" in chain:
        return None  # Django ORM managers: database rows, not a payment API
    if name.startswith("stripe.") and (attr in _PAYMENT_VERBS or attr.startswith("create")):
        return f"{label}()"
    if attr in _PAYMENT_VERBS and name:
        if _PAYMENT_WORDS.search(receiver) or any(p in _PAYMENT_RESOURCES for p in chain):
            return f"{label}()"
        if attr == "create" and any(p in _MESSAGE_RESOURCES for p in chain):
            return None if _asks_a_model(ctx, call) else f"{label}() (sends a message)"
    if attr == "create" and isinstance(func.value, ast.Call):
        maker = ctx.call_name(func.value).rsplit(".", 1)[-1]
        if maker in ("Payment", "Payout", "Refund"):
            return f"{maker}(...).create()"
    if _PAYMENT_METHOD.match(attr) and receiver not in ("self", "cls"):
        return f"{label}()"
    if attr in _SEND_METHODS and not _QUEUE.search(receiver):
        return f"{label}() (sends a message)"
    if attr == "publish" and "sns" in receiver.lower():
        return f"{label}() (sends a notification)"
    if attr == "send":
        target = func.value
        if isinstance(target, ast.Call):
            maker = ctx.call_name(target).rsplit(".", 1)[-1]
            return f"{maker}(...).send() (sends a message)" if maker in _EMAIL_CLASSES else None
        last = receiver.rsplit(".", 1)[-1]
        if last and _SENDER.search(last):
            return f"{label}() (sends a message)"
    return None


# Keywords of a language model's chat call (`model=`, `max_tokens=`); an SMS API names the
# recipient and the text (`to=`, `body=`).
_MODEL_CALL_KEYWORDS = frozenset({"model", "max_tokens", "temperature", "system"})


def _asks_a_model(ctx: FileContext, call: ast.Call) -> bool:
    """`client.messages.create(model=..., max_tokens=...)` is Anthropic's chat completion,
    which only generates text: a retry costs tokens and sends nobody anything. Without
    such keywords (`**kwargs`), a file that imports `anthropic` and no messaging SDK
    (STORM's `ClaudeModel`) means the same."""
    if any(kw.arg in _MODEL_CALL_KEYWORDS for kw in call.keywords):
        return True
    return ctx.imports("anthropic") and not any(map(ctx.imports, _MESSAGING_SDKS))


_MESSAGING_SDKS = ("twilio", "vonage", "nexmo", "plivo", "messagebird", "sinch", "telnyx")


def _written(func: ast.expr) -> str:
    """A call's target as written (`self.http.post`), shortened for messages."""
    text = ast.unparse(func)
    return text if len(text) <= 50 else "..." + text[-47:]


def _http_method_call(ctx: FileContext, call: ast.Call, attr: str, label: str) -> str | None:
    """`session.request("POST", url)`, tornado `fetch(url, method="POST")`, urllib Request."""
    method: ast.expr | None = call.args[0] if attr == "request" and call.args else None
    kw = keyword(call, "method")
    if kw is not None:
        method = kw.value
    if attr == "Request" and method is None:
        if not ctx.call_name(call).startswith("urllib.request") or (
            len(call.args) < 2 and keyword(call, "data") is None
        ):
            return None
        return None if _read_only_url(ctx, call) else f"{label}() (POST with data)"
    if isinstance(method, ast.Name):
        return _forwarded_method(ctx, call, method.id, label)
    if not (isinstance(method, ast.Constant) and isinstance(method.value, str)):
        return None
    verb = method.value.upper()
    if verb not in ("POST", "PATCH") or _read_only_url(ctx, call, 1 if attr == "request" else 0):
        return None
    return f"{label}({verb})"


def _forwarded_method(ctx: FileContext, call: ast.Call, param: str, label: str) -> str | None:
    """`def _call(self, method, path): self.http.request(method, path)` and some caller in
    this file passes "POST": the wrapper sends POSTs."""
    fn = enclosing_function(ctx, call)
    if fn is None:
        return None
    params = [a.arg for a in [*fn.args.posonlyargs, *fn.args.args]]
    if param not in params:
        return None
    index = params.index(param) - (1 if params[0] in ("self", "cls") else 0)
    for other in ctx.calls:
        if _callee(other) != fn.name:
            continue
        kw = keyword(other, param)
        value = kw.value if kw is not None else None
        if value is None and 0 <= index < len(other.args):
            value = other.args[index]
        if isinstance(value, ast.Constant) and str(value.value).upper() in ("POST", "PATCH"):
            return (
                f"{label}({param}) (called with {str(value.value).upper()} at line {other.lineno})"
            )
    return None


def _read_only_url(ctx: FileContext, call: ast.Call, index: int = 0) -> bool:
    """POSTs that only read: search and query endpoints, token exchanges, model inference
    (`json={"prompt": ...}`), and POSTs made by functions named for reading
    (`get_rates`, `search_flights`, `embed`)."""
    for kw in call.keywords:
        if kw.arg in ("json", "data") and isinstance(kw.value, ast.Dict):
            body = {
                k.value: v
                for k, v in zip(kw.value.keys, kw.value.values, strict=True)
                if isinstance(k, ast.Constant)
            }
            if body.keys() & _READ_ONLY_BODY and not _graphql_mutation(ctx, body.get("query")):
                return True
    fn = enclosing_function(ctx, call)
    if fn is not None and _READ_ONLY_FUNCTION.match(fn.name.lstrip("_")):
        return True
    url: ast.expr | None = call.args[index] if len(call.args) > index else None
    url_kw = keyword(call, "url")
    if url_kw is not None:
        url = url_kw.value
    if url is None:
        return False
    if _names_read_only_url(ctx, url):
        return True
    values = _local_values(fn, url)  # each URL the name may hold must be read-only
    return bool(values) and all(_names_read_only_url(ctx, v) for v in values)


def _names_read_only_url(ctx: FileContext, url: ast.expr) -> bool:
    texts: list[str] = []
    for node in ast.walk(url):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            texts.append(node.value)
        elif isinstance(node, ast.Name):
            constant = ctx.module_constants.get(node.id)
            if isinstance(constant, ast.Constant) and isinstance(constant.value, str):
                texts.append(constant.value)
    return any(_READ_ONLY_URL.search(t) for t in texts)


def _local_values(fn: FunctionNode | None, url: ast.expr) -> list[ast.expr]:
    """What a local URL name is set to in the function
    (`url = "https://openspeech.bytedance.com/api/v3/tts/unidirectional"`); a name that is
    also a parameter or is added to may hold anything."""
    if fn is None or not isinstance(url, ast.Name):
        return []
    if url.id in {a.arg for a in ast.walk(fn.args) if isinstance(a, ast.arg)}:
        return []
    found: list[ast.expr] = []
    plain: set[int] = set()  # the targets of `url = "..."` statements
    for node in ast.walk(fn):
        if isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None:
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if len(targets) == 1 and isinstance(targets[0], ast.Name) and targets[0].id == url.id:
                found.append(node.value)
                plain.add(id(targets[0]))
    for node in ast.walk(fn):
        if (
            isinstance(node, ast.Name)
            and node.id == url.id
            and isinstance(node.ctx, ast.Store)
            and id(node) not in plain
        ):
            return []  # unpacked, added to or looped over: it may hold anything
    return found


def _graphql_mutation(ctx: FileContext, query: ast.expr | None) -> bool:
    """`json={"query": CREATE_ORDER}` where the document is a GraphQL mutation."""
    if isinstance(query, ast.Name):
        query = ctx.module_constants.get(query.id, query)
    return (
        isinstance(query, ast.Constant)
        and isinstance(query.value, str)
        and query.value.lstrip().startswith("mutation")
    )


# -- what is retried -----------------------------------------------------------------


class _ScopeFinder:
    def __init__(self, ctx: FileContext) -> None:
        self.ctx = ctx
        self._functions: dict[int, _Retried | None] = {}

    @cached_property
    def callees(self) -> dict[str, list[ast.Call]]:
        """Calls by the name of the function of this file they may call (`f()`, `self.f()`)."""
        found: dict[str, list[ast.Call]] = {}
        for call in self.ctx.calls:
            name = _callee(call)
            if name:
                found.setdefault(name, []).append(call)
        return found

    def find(self, call: ast.Call) -> _Retried | None:
        fn = enclosing_function(self.ctx, call)
        # innermost loop first: `for attempt in range(3)` inside a decorated function
        since = fn.lineno if fn is not None else 0
        for loop in line_index(self.ctx).loops_around(call.lineno, since):
            if enclosing_function(self.ctx, loop) is not fn:
                continue
            found = self._loop(loop, call)
            if found is not None:
                return found
        if fn is None:
            return None
        if id(fn) not in self._functions:
            self._functions[id(fn)] = self._function(fn)
        return self._functions[id(fn)]

    @cached_property
    def _named_retries(self) -> dict[str, ast.expr]:
        """Module-level `name = retry(...)`: a retry policy reused as `@name`."""
        named: dict[str, ast.expr] = {}
        for stmt in self.ctx.tree.body:
            if (
                isinstance(stmt, ast.Assign)
                and len(stmt.targets) == 1
                and isinstance(stmt.targets[0], ast.Name)
                and isinstance(stmt.value, ast.Call)
                and self.ctx.call_name(stmt.value) in _RETRY_DECORATORS
            ):
                named[stmt.targets[0].id] = stmt.value
        return named

    # decorated functions, Celery tasks, self-recursion
    def _function(self, fn: FunctionNode) -> _Retried | None:
        ctx = self.ctx
        span = (fn.body[0].lineno, fn.end_lineno or fn.lineno)
        for decorator in fn.decorator_list:
            if isinstance(decorator, ast.Name) and decorator.id in self._named_retries:
                decorator = self._named_retries[decorator.id]  # stripe_retry = retry(...)
            call = decorator if isinstance(decorator, ast.Call) else None
            name = ctx.qualname(call.func if call else decorator)
            if name in _RETRY_DECORATORS:
                if call is not None and (_single_attempt(call) or _connect_only_retry(call)):
                    return None
                status = call is not None and _status_only(ctx, _retry_condition(call))
                return _Retried(f"@{name} function `{fn.name}`", fn, *span, status_only=status)
            if name.rsplit(".", 1)[-1] == "task" or name.endswith("shared_task"):
                autoretry = keyword(call, "autoretry_for") if call is not None else None
                if autoretry is not None and not _connect_only(autoretry.value):
                    status = _status_only(ctx, autoretry.value)
                    label = f"Celery task `{fn.name}` (autoretry_for)"
                    return _Retried(label, fn, *span, status_only=status)
                if self._calls_self_retry(fn):
                    return _Retried(f"Celery task `{fn.name}` (self.retry)", fn, *span)
        recursion = self._recurses_on_failure(fn)
        if recursion is not None:
            label = f"`{fn.name}` (it calls itself again on failure)"
            return _Retried(label, fn, *span, status_only=recursion)
        return None

    def _calls_self_retry(self, fn: FunctionNode) -> bool:
        first, last = fn.lineno, fn.end_lineno or fn.lineno
        return any(
            first <= call.lineno <= last
            and isinstance(call.func, ast.Attribute)  # `self.retry(...)`, not `retry(...)`
            and not _zero_retries(call)
            for call in self.callees.get("retry", [])
        )

    def _recurses_on_failure(self, fn: FunctionNode) -> bool | None:
        """None if `fn` does not call itself again after a failure; else whether it does
        so only after an error answer (a status test, a status-only exception)."""
        ctx = self.ctx
        first, last = fn.lineno, fn.end_lineno or fn.lineno
        recursive = [c for c in ctx.calls if first <= c.lineno <= last and _callee(c) == fn.name]
        if not recursive:
            return None
        found: bool | None = None
        for call, ancestors in _paths(fn.body, set(map(id, recursive))):
            if isinstance(call, ast.Call) and _spawns_variant(ctx, call, ancestors):
                continue
            if _after_rejection(call, ancestors):
                continue
            for ancestor in reversed(ancestors):  # the innermost condition decides
                if isinstance(ancestor, ast.ExceptHandler):
                    status = _status_only(ctx, ancestor.type)
                elif isinstance(ancestor, ast.If) and _FAILURE_TEST.search(
                    ast.unparse(ancestor.test)
                ):
                    status = _STATUS_TEST.search(ast.unparse(ancestor.test)) is not None
                else:
                    continue
                found = status if found is None else found and status
                break
        return found

    # loops
    def _loop(self, loop: ast.For | ast.AsyncFor | ast.While, call: ast.Call) -> _Retried | None:
        ctx = self.ctx
        span = (loop.body[0].lineno, loop.end_lineno or loop.lineno)
        if isinstance(loop, ast.For | ast.AsyncFor) and isinstance(loop.iter, ast.Call):
            name = ctx.call_name(loop.iter)
            if name in _RETRY_ITERATORS:
                if _single_attempt(loop.iter) or _connect_only_retry(loop.iter):
                    return None
                return _Retried(f"`{name}` block (line {loop.lineno})", loop, *span)
        target = (
            loop.target.id
            if isinstance(loop, ast.For | ast.AsyncFor) and isinstance(loop.target, ast.Name)
            else None
        )
        if target and target != "_" and _uses_name(call, target):
            return None  # the loop walks over data (pages, items, mirrors), not attempts
        path = _path_to(loop.body, call)
        if path is None:
            return None
        tries: list[ast.Try | ast.TryStar] = []
        for index, node in enumerate(path):
            if isinstance(node, _LOOPS_AND_DEFS):
                return None  # a nested loop or function between the retry and the call
            if isinstance(node, ast.ExceptHandler):
                return None  # the call is the fallback, not the attempt
            if isinstance(node, ast.Try | ast.TryStar):
                child = path[index + 1] if index + 1 < len(path) else call
                if child in node.body:
                    tries.append(node)
        retrying = [
            h
            for t in tries
            for h in t.handlers
            if not _connect_only(h.type) and _handler_retries(h)
        ]
        if not retrying or not _exits_on_success(loop, call.lineno):
            return None
        kind = "for" if isinstance(loop, ast.For | ast.AsyncFor) else "while"
        status = all(_status_only(ctx, h.type) for h in retrying)
        label = f"the retry loop (`{kind}` at line {loop.lineno})"
        return _Retried(label, loop, *span, target, status_only=status)


_DEFS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)
_LOOPS_AND_DEFS = (ast.For, ast.AsyncFor, ast.While, *_DEFS)


def _callee(call: ast.Call) -> str:
    func = call.func
    if isinstance(func, ast.Name):
        return func.id
    if (
        isinstance(func, ast.Attribute)
        and isinstance(func.value, ast.Name)
        and func.value.id in ("self", "cls")
    ):
        return func.attr
    return ""


def _paths(body: list[ast.stmt], wanted: set[int]) -> Iterator[tuple[ast.AST, list[ast.AST]]]:
    """Each wanted node under `body` with its ancestors (outermost first)."""
    stack: list[tuple[ast.AST, list[ast.AST]]] = [(s, []) for s in reversed(body)]
    while stack:
        node, ancestors = stack.pop()
        if id(node) in wanted:
            yield node, ancestors
        if isinstance(node, _DEFS):
            continue
        below = [*ancestors, node]
        for child in reversed(list(ast.iter_child_nodes(node))):
            stack.append((child, below))


def _path_to(body: list[ast.stmt], target: ast.AST) -> list[ast.AST] | None:
    for _, ancestors in _paths(body, {id(target)}):
        return ancestors
    return None


def _uses_name(call: ast.Call, name: str) -> bool:
    """Does the call's data (not its idempotency key) mention `name`?"""
    stack: list[ast.AST] = [*call.args, *(kw.value for kw in call.keywords if not _is_key(kw.arg))]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Name) and node.id == name:
            return True
        if isinstance(node, ast.Dict):
            for k, v in zip(node.keys, node.values, strict=True):
                if not (isinstance(k, ast.Constant) and _is_key(k.value)):
                    stack.append(v)
            continue
        stack.extend(ast.iter_child_nodes(node))
    return False


def _is_key(name: object) -> bool:
    return isinstance(name, str) and bool(_KEY.search(name))


def _handler_retries(handler: ast.ExceptHandler) -> bool:
    """Does the loop go round again after this handler? (No unconditional exit.)"""
    for node in walk_body(handler.body):
        if isinstance(node, ast.Continue):
            return True
        if (
            isinstance(node, ast.If)
            and any(isinstance(s, ast.Raise) for s in node.body)
            and _REJECTED_ONLY.search(ast.unparse(node.test))
        ):
            return False
    return not any(isinstance(s, ast.Raise | ast.Return | ast.Break) for s in handler.body)


def _exits_on_success(loop: ast.For | ast.AsyncFor | ast.While, after: int) -> bool:
    """A retry loop stops once the attempt worked: `break`/`return` after the attempt and
    outside the handlers (a `break` before it is a consumer loop's stop signal)."""
    stack: list[ast.AST] = list(loop.body)
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Break | ast.Return) and node.lineno >= after:
            return True
        if isinstance(node, (ast.ExceptHandler, *_LOOPS_AND_DEFS)):
            continue
        stack.extend(ast.iter_child_nodes(node))
    test = loop.test if isinstance(loop, ast.While) else None
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        return isinstance(test.operand, ast.Name)  # `while not sent:`
    return False


def _single_attempt(call: ast.Call) -> bool:
    for kw in call.keywords:
        value = kw.value
        if kw.arg in _ATTEMPT_LIMITS and isinstance(value, ast.Constant):
            return isinstance(value.value, int) and value.value <= 1
        if kw.arg == "stop" and isinstance(value, ast.Call) and value.args:
            first = value.args[0]
            return (
                isinstance(first, ast.Constant)
                and isinstance(first.value, int)
                and first.value <= 1
                and ast.unparse(value.func).endswith("stop_after_attempt")
            )
    return False


def _zero_retries(call: ast.Call) -> bool:
    kw = keyword(call, "max_retries")
    return kw is not None and isinstance(kw.value, ast.Constant) and kw.value.value == 0


def _connect_only_retry(call: ast.Call) -> bool:
    """The retry condition only covers errors raised before the request was sent."""
    condition = _retry_condition(call)
    return condition is not None and _connect_only(condition)


def _retry_condition(call: ast.Call) -> ast.expr | None:
    """The exceptions a retry decorator or iterator retries on, if it names them."""
    condition: ast.expr | None = None
    for kw in call.keywords:
        if kw.arg in ("on", "exception", "retry"):
            condition = kw.value
    name = ast.unparse(call.func)
    if condition is None and name.endswith("on_exception") and len(call.args) >= 2:
        condition = call.args[1]
    if isinstance(condition, ast.Call) and ast.unparse(condition.func).endswith(
        "retry_if_exception_type"
    ):
        condition = condition.args[0] if condition.args else None
    return condition


# Exceptions raised only once the server has answered with an error status.
_STATUS_ERRORS = frozenset({"HTTPStatusError", "ClientResponseError", "HTTPError"})
_STATUS_TEST = re.compile(r"status|\bok\b|\b5\d\d\b", re.IGNORECASE)
# `asyncio.ensure_future(f(...))`: a new task of its own, not this call run again
_SCHEDULERS = frozenset(
    {"ensure_future", "create_task", "run_coroutine_threadsafe", "spawn", "start_soon"}
)


def _status_only(ctx: FileContext, node: ast.expr | None) -> bool:
    """`autoretry_for=(httpx.HTTPStatusError,)`: retried after an error answer only, never
    after a timeout (`httpx.HTTPError`, the base of timeouts too, does not count)."""
    if node is None:
        return False
    if isinstance(node, ast.Tuple | ast.List):
        return bool(node.elts) and all(_status_only(ctx, e) for e in node.elts)
    last = node.attr if isinstance(node, ast.Attribute) else getattr(node, "id", "")
    return last in _STATUS_ERRORS and not ctx.qualname(node).startswith("httpx.HTTPError")


_CLIENT_ERROR = re.compile(r"^(?:4\d\d|HTTP_4\d\d\w*)$")


def _after_rejection(call: ast.AST, ancestors: list[ast.AST]) -> bool:
    """Inside `if r.status_code == status.HTTP_400_BAD_REQUEST:` (or `== 409`): the server
    answered and refused, so it did not act; calling again (with other data, a new name)
    is a new request, not the same one repeated after a timeout."""
    for index, ancestor in enumerate(ancestors):
        if not isinstance(ancestor, ast.If):
            continue
        child = ancestors[index + 1] if index + 1 < len(ancestors) else call
        if child not in ancestor.body:
            continue
        test = ancestor.test
        if (
            isinstance(test, ast.Compare)
            and len(test.ops) == 1
            and isinstance(test.ops[0], ast.Eq)
            and "status" in ast.unparse(test.left)
        ):
            right = test.comparators[0]
            text = str(right.value) if isinstance(right, ast.Constant) else _last_name(right)
            if _CLIENT_ERROR.match(text):
                return True
    return False


def _last_name(node: ast.expr) -> str:
    """`status.HTTP_400_BAD_REQUEST` -> `HTTP_400_BAD_REQUEST`."""
    return node.attr if isinstance(node, ast.Attribute) else getattr(node, "id", "")


def _spawns_variant(ctx: FileContext, call: ast.Call, ancestors: list[ast.AST]) -> bool:
    """`asyncio.ensure_future(send(..., use_legacy_key=True))`: a different variant of the
    operation started as a task of its own, not the same call retried."""
    parent = ancestors[-1] if ancestors else None
    if not (
        isinstance(parent, ast.Call)
        and call in parent.args
        and ctx.call_name(parent).rsplit(".", 1)[-1] in _SCHEDULERS
    ):
        return False
    return any(
        isinstance(v, ast.Constant) and isinstance(v.value, bool | str)
        for v in [*call.args, *(kw.value for kw in call.keywords)]
    )


def _connect_only(node: ast.expr | None) -> bool:
    if node is None:
        return False
    if isinstance(node, ast.Tuple | ast.List):
        return bool(node.elts) and all(_connect_only(e) for e in node.elts)
    last = node.attr if isinstance(node, ast.Attribute) else getattr(node, "id", "")
    return last in _CONNECT_ONLY


# -- idempotency keys ----------------------------------------------------------------


def _key_problem(ctx: FileContext, call: ast.Call, retried: _Retried, scope: Scope) -> str | None:
    """None: protected (or unknown); "": no key; otherwise why the key is fresh per attempt."""
    keys, unknown = _keys(call, scope)
    if not keys:
        return None if unknown else ""
    for value in keys:
        why = _fresh(ctx, value, retried, scope, depth=0)
        if why:
            return why
    return None


def _keys(call: ast.Call, scope: Scope) -> tuple[list[ast.expr], bool]:
    """Idempotency-key values passed to the call, and whether it may pass one unseen."""
    keys: list[ast.expr] = []
    unknown = has_star_kwargs(call) and not any(
        kw.arg is None and isinstance(kw.value, ast.Name | ast.Dict) for kw in call.keywords
    )
    seen: set[str] = set()

    def visit(node: ast.expr, depth: int) -> None:
        nonlocal unknown
        if depth > 3:
            return
        if isinstance(node, ast.Dict):
            for k, v in zip(node.keys, node.values, strict=True):
                if k is None:
                    visit(v, depth + 1)
                elif (
                    isinstance(k, ast.Constant)
                    and isinstance(k.value, str)
                    and _KEY.search(k.value)
                ):
                    keys.append(v)
                else:
                    visit(v, depth + 1)
        elif isinstance(node, ast.Call):
            for kw in node.keywords:
                if kw.arg and _KEY.search(kw.arg):
                    keys.append(kw.value)
                else:
                    visit(kw.value, depth + 1)
            for arg in node.args:
                visit(arg, depth + 1)
        elif isinstance(node, ast.Name) and node.id not in seen:
            seen.add(node.id)
            for value in scope.values(node.id):
                visit(value, depth + 1)
            for key, value in scope.stores.get(node.id, []):
                if isinstance(key, ast.Constant) and _is_key(key.value):
                    keys.append(value)
            for item in scope.items.get(node.id, []):
                visit(item, depth + 1)
            if node.id in scope.params and node.id not in ("self", "cls"):
                unknown = unknown or _may_carry_key(node.id)
        elif isinstance(node, ast.Attribute) and node.attr in ("headers", "options"):
            unknown = True  # headers kept on an object are not tracked: trust them

    visit(call, 0)
    return keys, unknown


def _may_carry_key(name: str) -> bool:
    """A dict passed in as `headers`/`options`/`params` may already hold the key."""
    return name in ("headers", "options", "request_options", "opts", "extra_headers")


def _fresh(ctx: FileContext, value: ast.expr, retried: _Retried, scope: Scope, depth: int) -> str:
    """Why `value` differs on every attempt ("" if it does not)."""
    if depth > 3:
        return ""
    for node in ast.walk(value):
        if isinstance(node, ast.Call):
            name = ctx.call_name(node)
            if name.rsplit(".", 1)[-1] in _FRESH_CALLS and name not in ("time", "now"):
                return f"{name}() runs again on every attempt"
        elif isinstance(node, ast.Name):
            if retried.attempt is not None and node.id == retried.attempt:
                return f"it includes the attempt counter `{node.id}`"
            for bound in scope.values(node.id):
                line = getattr(bound, "lineno", 0)
                if retried.first <= line <= retried.last:
                    why = _fresh(ctx, bound, retried, scope, depth + 1)
                    if why:
                        return f"`{node.id}` is made inside the retried code: {why}"
    return ""


def _urllib3_retry(ctx: FileContext, call: ast.Call) -> Iterator[Hit]:
    """`urllib3.Retry(allowed_methods=None)` or with POST/PATCH in its methods."""
    name = ctx.call_name(call)
    if not name.startswith(("urllib3.", "requests.")) or _connect_retries_only(call):
        return
    for kw in call.keywords:
        if kw.arg not in ("allowed_methods", "method_whitelist"):
            continue
        if isinstance(kw.value, ast.Constant) and kw.value.value in (None, False):
            yield Hit(
                call_line(call),
                call.end_lineno or call.lineno,
                f"{name}({kw.arg}={kw.value.value}) retries every HTTP method, POST and "
                "PATCH included; a retried POST can create the same thing twice",
            )
            continue
        scopes = Scopes(ctx)
        methods = _methods(ctx, kw.value, scopes.of(call), scopes, 0)
        unsafe = sorted(m for m in methods if m in ("POST", "PATCH"))
        if unsafe:
            yield Hit(
                call_line(call),
                call.end_lineno or call.lineno,
                f"{name}({kw.arg}=...) retries {' and '.join(unsafe)} requests, which "
                "are not idempotent; a retry after a timeout can repeat them",
            )


def _connect_retries_only(call: ast.Call) -> bool:
    """`Retry(read=0, status=0)`: only failed connections are retried, whatever the verb."""

    def off(name: str) -> bool:
        kw = keyword(call, name)
        return (
            kw is not None and isinstance(kw.value, ast.Constant) and kw.value.value in (0, False)
        )

    return off("read") and (off("status") or keyword(call, "status_forcelist") is None)


def _methods(
    ctx: FileContext, node: ast.expr, scope: Scope, scopes: Scopes, depth: int
) -> set[str]:
    if depth > 4:
        return set()
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return {node.value.upper()}
    if isinstance(node, ast.List | ast.Tuple | ast.Set):
        out: set[str] = set()
        for elt in node.elts:
            out |= _methods(ctx, elt, scope, scopes, depth + 1)
        return out
    if isinstance(node, ast.Call) and node.args:
        return _methods(ctx, node.args[0], scope, scopes, depth + 1)
    if isinstance(node, ast.BinOp):
        return _methods(ctx, node.left, scope, scopes, depth + 1) | _methods(
            ctx, node.right, scope, scopes, depth + 1
        )
    if isinstance(node, ast.Name):
        values = list(scope.values(node.id))
        if node.id in scope.defaults:
            values.append(scope.defaults[node.id])
        if not scope.local(node.id):
            module = scopes.of(ctx.tree)
            values = list(module.values(node.id))
        out = set()
        for value in values:
            out |= _methods(ctx, value, scope, scopes, depth + 1)
        return out
    return set()
